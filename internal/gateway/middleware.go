package gateway

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"go.uber.org/zap"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ipcase/ipcase/internal/logging"
)

// requestIDHeader carries the request id in and out; ipcased gets it as
// x-request-id metadata, so its logs and its "internal error (ref …)"
// messages use the same id.
const requestIDHeader = "X-Request-Id"

// withRequestID gives the request an id (the caller's, if well formed),
// echoes it, and logs the request when it ends. The query string is never
// logged: a sign-in link's code travels in it.
func withRequestID(base *zap.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(requestIDHeader)
		if !logging.ValidRequestID(id) { // the same rule as ipcased's: anything else is replaced
			id = uuid.NewString()
			r.Header.Set(requestIDHeader, id)
		}
		w.Header().Set(requestIDHeader, id)
		logger := base.With(zap.String("request_id", id))
		rec := &recorder{ResponseWriter: w, status: http.StatusOK}
		start := time.Now()
		defer func() {
			if p := recover(); p != nil {
				logger.Error("panic", zap.Any("panic", p), zap.Stack("stack"))
				if !rec.wrote {
					writeStatus(rec, status.Newf(codes.Internal, "internal error (ref %s)", id))
				}
			}
			logger.Info("http", zap.String("method", r.Method), zap.String("path", r.URL.Path),
				zap.Int("status", rec.status), zap.Duration("elapsed", time.Since(start)))
		}()
		next.ServeHTTP(rec, r.WithContext(logging.WithLogger(r.Context(), logger)))
	})
}

// recorder remembers the status written.
type recorder struct {
	http.ResponseWriter
	status int
	wrote  bool
}

func (r *recorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// isUpload says whether r is an evidence upload, which gets the upload
// body limit and timeout.
func isUpload(r *http.Request) bool { return r.URL.Path == uploadPath }

// limits bounds the request's body and its time: the context ends at the
// timeout, which cancels the gRPC call, and the connection's read deadline
// ends a body that trickles in.
func (g *Gateway) limits(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit, timeout := g.cfg.MaxBodyBytes, g.cfg.RequestTimeout
		if isUpload(r) {
			limit, timeout = g.cfg.MaxUploadBytes, g.cfg.UploadTimeout
		}
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		rc := http.NewResponseController(w)
		_ = rc.SetReadDeadline(time.Now().Add(timeout))
		_ = rc.SetWriteDeadline(time.Now().Add(timeout + 5*time.Second))
		r = r.WithContext(ctx)
		r.Body = &body{ReadCloser: http.MaxBytesReader(w, r.Body, limit), limit: limit}
		next.ServeHTTP(w, r)
	})
}

// cors answers browsers from the configured origins on the JSON API and
// the OpenAPI document. With no origins configured it adds nothing, and
// browsers keep other sites from calling the API. Credentials (cookies)
// are never allowed cross-origin: the API takes bearer tokens.
func (g *Gateway) cors(next http.Handler) http.Handler {
	if len(g.cfg.CORSOrigins) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		api := strings.HasPrefix(r.URL.Path, "/v1/") || r.URL.Path == openAPIPath
		if origin == "" || !api || !slices.Contains(g.cfg.CORSOrigins, origin) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
		h.Set("Access-Control-Expose-Headers", "X-Request-Id, Retry-After")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id")
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}
