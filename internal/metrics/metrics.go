// Package metrics exports what operators watch in Prometheus: per-method
// call counts and latencies, the SQL statements each call issues (an N+1
// shows as a rising count), the database pool, whether this replica leads
// the event relay and the deadline sweeper, how far each event consumer
// lags, whether a store is full, and the statutory deadlines approaching
// and missed. It serves them,
// with pprof, on a listener of its own, never on the API's.
package metrics

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/pprof"
	"strconv"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
	"google.golang.org/grpc"

	"github.com/ipcase/ipcase/internal/errs"
)

// Config says where metrics are served.
type Config struct {
	// Addr is the metrics and pprof listener; empty turns it off. Neither
	// asks who is calling, so it must be a loopback address (127.0.0.1,
	// [::1], localhost) unless AllowRemote is set.
	Addr string `env:"IPCASE_METRICS_ADDR, default=127.0.0.1:9090"`
	// AllowRemote lets Addr be any address (0.0.0.0:9090 for a Prometheus
	// that scrapes the pod's IP). Whoever can reach it reads /metrics;
	// /debug/pprof/ still answers loopback callers only.
	AllowRemote bool `env:"IPCASE_METRICS_ALLOW_REMOTE"`
}

// Check refuses an Addr that is not a loopback address unless AllowRemote
// is set. It looks at the address as written; Serve checks the address it
// has bound too, in case a name resolves elsewhere.
func (c Config) Check() error {
	if c.Addr == "" || c.AllowRemote {
		return nil
	}
	host, _, err := net.SplitHostPort(c.Addr)
	if err != nil {
		return fmt.Errorf("metrics address %q: %w", c.Addr, err)
	}
	if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || host == "localhost" {
		return nil
	}
	return fmt.Errorf("metrics address %q is not a loopback address: /metrics and /debug/pprof/ ask no credentials, "+
		"so serve them on 127.0.0.1, [::1] or localhost, or allow other addresses explicitly", c.Addr)
}

// Latency buckets in seconds, from a cached read to a slow transaction.
var latencyBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// Metrics is one process's registry.
type Metrics struct {
	reg        *prometheus.Registry
	requests   *prometheus.CounterVec
	latency    *prometheus.HistogramVec
	statements *prometheus.HistogramVec
	dbUp       prometheus.Gauge
	leader     *prometheus.GaugeVec
	leaders    map[string]func() bool
	storage    *storage
}

// New returns a registry with the Go runtime and process collectors and
// the call metrics.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ipcase_grpc_requests_total",
			Help: "gRPC calls handled, by full method and status code.",
		}, []string{"method", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ipcase_grpc_request_duration_seconds",
			Help:    "Time from a call's arrival to its answer, by full method.",
			Buckets: latencyBuckets,
		}, []string{"method"}),
		statements: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "ipcase_db_statements_per_call",
			Help: "SQL statements a call issued (BEGIN, COMMIT and savepoints not counted), by full method.",
			// A constant count per call is the point; the buckets show
			// where it sits and a list page that grows with its size.
			Buckets: []float64{0, 1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144},
		}, []string{"method"}),
		dbUp: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "ipcase_database_up",
			Help: "1 when the last health check reached the database, 0 when it did not.",
		}),
		leader: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "ipcase_leader",
			Help: "1 when this replica holds the advisory lock of the task (relay, sweeper).",
		}, []string{"task"}),
		leaders: map[string]func() bool{},
		storage: newStorage(),
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.latency, m.statements, m.dbUp, leaderCollector{m},
		m.storage.gauge, m.storage.refused,
	)
	return m
}

// Registry is where other collectors of the process register.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Leader reports task's leadership (ipcase_leader{task}) as leading says at
// each scrape. Call it before serving.
func (m *Metrics) Leader(task string, leading func() bool) { m.leaders[task] = leading }

// Failures exports ipcase_background_failures_total{task}: how many
// attempts of the background task (a singleton, the consumers, the webhook
// dispatcher) failed since the start, as n says at each scrape. A rate
// above zero means the task cannot reach the database (or keeps failing
// for another reason its first logged failure gives). Call it before
// serving, once per task.
func (m *Metrics) Failures(task string, n func() int64) {
	m.reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{
		Name:        "ipcase_background_failures_total",
		Help:        "Failed attempts of a background task (relay, sweeper, consumers, webhook dispatcher…) since the start.",
		ConstLabels: prometheus.Labels{"task": task},
	}, func() float64 { return float64(n()) }))
}

// leaderCollector reads the leaders at scrape time, so that a gauge is
// never stale after a lock is lost.
type leaderCollector struct{ m *Metrics }

func (c leaderCollector) Describe(ch chan<- *prometheus.Desc) { c.m.leader.Describe(ch) }

func (c leaderCollector) Collect(ch chan<- prometheus.Metric) {
	for task, leading := range c.m.leaders {
		v := 0.0
		if leading() {
			v = 1
		}
		c.m.leader.WithLabelValues(task).Set(v)
	}
	c.m.leader.Collect(ch)
}

// DatabaseUp records the health check's last answer.
func (m *Metrics) DatabaseUp(up bool) {
	if up {
		m.dbUp.Set(1)
		return
	}
	m.dbUp.Set(0)
}

// statementsKey carries a call's statement counter in its context.
type statementsKey struct{}

func withCounter(ctx context.Context) (context.Context, *atomic.Int64) {
	n := new(atomic.Int64)
	return context.WithValue(ctx, statementsKey{}, n), n
}

// UnaryInterceptor counts and times each call and the SQL statements it
// issues. It belongs outside the authentication interceptor, so that
// refused calls are counted too.
func (m *Metrics) UnaryInterceptor() grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (resp any, err error) {
		ctx, n := withCounter(ctx)
		start := time.Now()
		defer func() { m.observe(info.FullMethod, start, n, err) }()
		return next(ctx, req)
	}
}

// StreamInterceptor is UnaryInterceptor for streams; a stream's duration
// is how long it stayed open.
func (m *Metrics) StreamInterceptor() grpc.StreamServerInterceptor {
	return func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, next grpc.StreamHandler) (err error) {
		ctx, n := withCounter(ss.Context())
		start := time.Now()
		defer func() { m.observe(info.FullMethod, start, n, err) }()
		return next(srv, &ctxStream{ServerStream: ss, ctx: ctx})
	}
}

func (m *Metrics) observe(method string, start time.Time, n *atomic.Int64, err error) {
	m.requests.WithLabelValues(method, errs.Code(err).String()).Inc()
	m.storage.observe(method, err)
	m.latency.WithLabelValues(method).Observe(time.Since(start).Seconds())
	m.statements.WithLabelValues(method).Observe(float64(n.Load()))
}

type ctxStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *ctxStream) Context() context.Context { return s.ctx }

// RegisterPool exports the statistics of a connection pool as
// go_sql_*{db_name=name}.
func (m *Metrics) RegisterPool(pool *sql.DB, name string) error {
	return m.reg.Register(collectors.NewDBStatsCollector(pool, name))
}

// CountStatement counts one SQL statement against the call whose context
// ctx is; a statement outside a call is not counted. The case store calls
// it for every statement (store.DB.OnStatement).
func (m *Metrics) CountStatement(ctx context.Context) {
	if n, ok := ctx.Value(statementsKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
}

// Handler serves /metrics, and /debug/pprof/ to callers on loopback only:
// profiles show the process's memory and command line, and take its CPU.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	mux.Handle("/debug/pprof/", loopbackOnly(pprof.Index))
	mux.Handle("/debug/pprof/cmdline", loopbackOnly(pprof.Cmdline))
	mux.Handle("/debug/pprof/profile", loopbackOnly(pprof.Profile))
	mux.Handle("/debug/pprof/symbol", loopbackOnly(pprof.Symbol))
	mux.Handle("/debug/pprof/trace", loopbackOnly(pprof.Trace))
	return mux
}

// loopbackOnly answers 403 to a caller whose address is not a loopback
// one: on a listener allowed a public address, Prometheus may scrape
// /metrics, but profiles are taken from the host or through a port
// forward (kubectl port-forward arrives on the pod's loopback).
func loopbackOnly(h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			http.Error(w, "pprof answers loopback callers only", http.StatusForbidden)
			return
		}
		h(w, r)
	})
}

// maxHeaderBytes bounds a request's headers on the metrics listener; a
// scrape or a profile request needs a few hundred bytes.
const maxHeaderBytes = 8 << 10

// Serve serves h at cfg.Addr until ctx ends. It refuses an address that
// is not loopback, as written or as bound, unless cfg.AllowRemote, and
// then warns that the listener is open.
func Serve(ctx context.Context, cfg Config, h http.Handler, logger *zap.Logger) error {
	if err := cfg.Check(); err != nil {
		return err
	}
	lis, err := new(net.ListenConfig).Listen(ctx, "tcp", cfg.Addr)
	if err != nil {
		return err
	}
	bound, _ := lis.Addr().(*net.TCPAddr)
	if remote := bound == nil || !bound.IP.IsLoopback(); remote {
		if !cfg.AllowRemote {
			_ = lis.Close()
			return fmt.Errorf("metrics address %q listens on %s, which is not a loopback address", cfg.Addr, lis.Addr())
		}
		logger.Warn("metrics listener is open beyond this host: anyone who reaches it reads /metrics without credentials; "+
			"restrict it with a firewall or network policy", zap.String("addr", lis.Addr().String()))
	}
	// A CPU profile takes as long as it is asked to; WriteTimeout would cut
	// it off, so only reading the request is bounded.
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, MaxHeaderBytes: maxHeaderBytes}
	logger.Info("serving metrics", zap.String("addr", lis.Addr().String()))
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(lis) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// routeKey carries a request's *routeName in its context.
type routeKey struct{}

type routeName struct{ atomic.Pointer[string] }

// SetRoute names the route of the request whose context ctx is, for
// InstrumentHTTP, in place of what its route function would say: a router
// deep inside next knows the template it matched. The name must be one of
// a few values (it becomes a label), in valid UTF-8.
func SetRoute(ctx context.Context, name string) {
	if r, ok := ctx.Value(routeKey{}).(*routeName); ok {
		r.Store(&name)
	}
}

// InstrumentHTTP counts and times the requests next serves in m
// (ipcase_http_requests_total{route,code},
// ipcase_http_request_duration_seconds{route}); route names a request's
// route, unless a handler named it with SetRoute, with few enough values
// to be a label and in valid UTF-8 (Prometheus refuses anything else).
func InstrumentHTTP(m *Metrics, next http.Handler, route func(*http.Request) string) http.Handler {
	requests := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "ipcase_http_requests_total",
		Help: "HTTP requests answered, by route and status code.",
	}, []string{"route", "code"})
	latency := prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "ipcase_http_request_duration_seconds",
		Help:    "Time from a request's arrival to the end of its answer, by route.",
		Buckets: latencyBuckets,
	}, []string{"route"})
	m.reg.MustRegister(requests, latency)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, code: http.StatusOK}
		named := new(routeName)
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), routeKey{}, named)))
		name := route(r)
		if n := named.Load(); n != nil {
			name = *n
		}
		if !utf8.ValidString(name) {
			name = "other"
		}
		requests.WithLabelValues(name, strconv.Itoa(rec.code)).Inc()
		latency.WithLabelValues(name).Observe(time.Since(start).Seconds())
	})
}

// statusRecorder remembers the status code a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.code = code
	r.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the writer's Flush and
// deadlines, which streamed uploads and grpc-gateway use.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
