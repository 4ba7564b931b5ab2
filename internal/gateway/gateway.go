package gateway

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/grpc-ecosystem/grpc-gateway/v2/runtime"
	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/metrics"
)

// Gateway serves the HTTP API and the status page in front of ipcased.
type Gateway struct {
	cfg      Config
	logger   *zap.Logger
	conn     *grpc.ClientConn
	filing   ipcasev1.FilingServiceClient
	status   ipcasev1.StatusServiceClient
	evidence ipcasev1.EvidenceServiceClient
	openapi  []byte
	pages    *pages
	handler  http.Handler
	metrics  *metrics.Metrics
}

// New returns a Gateway forwarding to cfg.Upstream. Its connections to
// ipcased close when ctx ends; call Close as well.
func New(ctx context.Context, cfg Config, logger *zap.Logger) (*Gateway, error) {
	cfg = cfg.withDefaults()
	if err := cfg.check(); err != nil {
		return nil, err
	}
	transport := insecure.NewCredentials()
	if cfg.UpstreamCA != "" {
		var err error
		if transport, err = credentials.NewClientTLSFromFile(cfg.UpstreamCA, ""); err != nil {
			return nil, fmt.Errorf("gateway: IPCASE_GATEWAY_UPSTREAM_CA: %w", err)
		}
	}
	limiter := newLimiter(cfg.RateLimit, cfg.RateBurst)
	dial := []grpc.DialOption{
		grpc.WithTransportCredentials(transport), grpc.WithUserAgent("ipcase-gateway"),
		grpc.WithMaxHeaderListSize(uint32(cfg.UpstreamMaxHeaderBytes)), //nolint:gosec // G115: check bounds it to 16 MiB
		// checkOutgoing comes first, so that what it refuses never reaches
		// ipcased and teaches the limiter nothing.
		grpc.WithChainUnaryInterceptor(checkOutgoingUnary, limiter.learnUnary),
		grpc.WithChainStreamInterceptor(checkOutgoingStream, limiter.learnStream),
	}
	conn, err := grpc.NewClient(cfg.Upstream, dial...)
	if err != nil {
		return nil, fmt.Errorf("gateway: dialing %s: %w", cfg.Upstream, err)
	}
	g := &Gateway{cfg: cfg, logger: logger, conn: conn,
		filing: ipcasev1.NewFilingServiceClient(conn), status: ipcasev1.NewStatusServiceClient(conn),
		evidence: ipcasev1.NewEvidenceServiceClient(conn)}
	if g.openapi, err = openAPIDocument(); err != nil {
		_ = conn.Close()
		return nil, err
	}
	if g.pages, err = newPages(g); err != nil {
		_ = conn.Close()
		return nil, err
	}
	api, err := g.apiMux(ctx, dial)
	if err != nil {
		_ = conn.Close()
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/v1/", api)
	mux.Handle("GET /healthz", api)
	mux.HandleFunc("POST "+uploadPath, g.upload)
	mux.HandleFunc("GET "+openAPIPath, g.serveOpenAPI)
	g.pages.register(mux)
	g.metrics = metrics.New()
	g.handler = metrics.InstrumentHTTP(g.metrics, withRequestID(logger, g.cors(limiter.rateLimit(g.limits(mux)))), routeOf(mux))
	return g, nil
}

// MetricsHandler serves the gateway's /metrics and /debug/pprof/.
func (g *Gateway) MetricsHandler() http.Handler { return g.metrics.Handler() }

// routeOf names a request's route for metrics: the pattern mux matched
// ("/matters/{id}"), and for the API the template grpc-gateway matched,
// which the API mux sets (apiRoute), or "/v1/*" if it did not get that far.
// Any other path is "other": the label set is the routes the gateway
// serves, whatever paths are asked for.
func routeOf(mux *http.ServeMux) func(*http.Request) string {
	return func(r *http.Request) string {
		_, pattern := mux.Handler(r)
		if i := strings.IndexByte(pattern, ' '); i >= 0 {
			pattern = pattern[i+1:] // the method
		}
		switch pattern {
		case "":
			return "other"
		case "/v1/": // refused before routing (rate limit), or no such API path
			return "/v1/*"
		case "/{$}":
			return "/"
		}
		return pattern
	}
}

// templateVar is a variable of a grpc-gateway path template:
// {name=matters/*} or {name}.
var templateVar = regexp.MustCompile(`\{[^}]*\}`)

// apiRoute names the API route grpc-gateway matched for metrics, its path
// template with each variable's wildcards as {id}:
// /v1/{name=matters/*}/status is /v1/matters/{id}/status.
func apiRoute(ctx context.Context, _ *http.Request) metadata.MD {
	tmpl, ok := runtime.HTTPPathPattern(ctx)
	if !ok {
		return nil
	}
	metrics.SetRoute(ctx, templateVar.ReplaceAllStringFunc(tmpl, func(v string) string {
		_, inner, ok := strings.Cut(strings.Trim(v, "{}"), "=")
		if !ok {
			return "{id}"
		}
		segs := strings.Split(inner, "/")
		for i, seg := range segs {
			if seg == "*" || seg == "**" {
				segs[i] = "{id}"
			}
		}
		return strings.Join(segs, "/")
	}))
	return nil
}

// apiMux is the grpc-gateway mux with every service that has an HTTP
// mapping, each dialing ipcased through Register…HandlerFromEndpoint so
// that every call runs ipcased's interceptors.
func (g *Gateway) apiMux(ctx context.Context, dial []grpc.DialOption) (*runtime.ServeMux, error) {
	mux := runtime.NewServeMux(
		// google.api.HttpBody answers (a decision's PDF) are served as
		// their raw bytes with their content type; everything else is JSON.
		runtime.WithMarshalerOption(runtime.MIMEWildcard, &runtime.HTTPBodyMarshaler{Marshaler: newMarshaler()}),
		runtime.WithErrorHandler(handleError),
		runtime.WithIncomingHeaderMatcher(func(key string) (string, bool) {
			// Authorization is always forwarded by grpc-gateway; the
			// request id is the only other header ipcased reads.
			if strings.EqualFold(key, requestIDHeader) {
				return "x-request-id", true
			}
			return "", false
		}),
		// The request id is already on the response; nothing else of the
		// server's metadata is for HTTP clients.
		runtime.WithOutgoingHeaderMatcher(func(string) (string, bool) { return "", false }),
		runtime.WithOutgoingTrailerMatcher(func(string) (string, bool) { return "", false }),
		runtime.WithHealthzEndpoint(healthpb.NewHealthClient(g.conn)),
		runtime.WithMetadata(apiRoute),
	)
	for _, register := range []func(context.Context, *runtime.ServeMux, string, []grpc.DialOption) error{
		ipcasev1.RegisterFilingServiceHandlerFromEndpoint,
		ipcasev1.RegisterStatusServiceHandlerFromEndpoint,
		ipcasev1.RegisterDamagesServiceHandlerFromEndpoint,
		ipcasev1.RegisterDeadlineServiceHandlerFromEndpoint,
		ipcasev1.RegisterEnforcementServiceHandlerFromEndpoint,
		ipcasev1.RegisterMediationServiceHandlerFromEndpoint,
		ipcasev1.RegisterCustomsServiceHandlerFromEndpoint,
		ipcasev1.RegisterAuditServiceHandlerFromEndpoint,
		ipcasev1.RegisterNotificationServiceHandlerFromEndpoint,
		ipcasev1.RegisterPublicationServiceHandlerFromEndpoint,
		ipcasev1.RegisterDecisionServiceHandlerFromEndpoint,
	} {
		if err := register(ctx, mux, g.cfg.Upstream, dial); err != nil {
			return nil, fmt.Errorf("gateway: %w", err)
		}
	}
	return mux, nil
}

// Handler is the gateway's HTTP handler.
func (g *Gateway) Handler() http.Handler { return g.handler }

// Close closes the gateway's own connection to ipcased.
func (g *Gateway) Close() error { return g.conn.Close() }

// Serve serves on lis until ctx ends, then lets in-flight requests finish
// for up to the shutdown timeout.
func (g *Gateway) Serve(ctx context.Context, lis net.Listener) error {
	srv := &http.Server{
		Handler:           g.handler,
		ReadHeaderTimeout: g.cfg.ReadHeaderTimeout,
		IdleTimeout:       g.cfg.IdleTimeout,
		MaxHeaderBytes:    g.cfg.MaxHeaderBytes,
		ErrorLog:          zap.NewStdLog(g.logger.Named("http")),
	}
	errc := make(chan error, 1)
	go func() {
		if g.cfg.TLSCert != "" {
			errc <- srv.ServeTLS(lis, g.cfg.TLSCert, g.cfg.TLSKey)
		} else {
			errc <- srv.Serve(lis)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("gateway: %w", err)
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), g.cfg.ShutdownTimeout)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		return fmt.Errorf("gateway: %w", serr)
	}
	if err != nil {
		return fmt.Errorf("gateway: shutdown: %w", err)
	}
	return nil
}

// callTimeout bounds the status page's calls to ipcased.
const callTimeout = 15 * time.Second
