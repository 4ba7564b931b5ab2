// Package metrics exports what operators watch in Prometheus: per-method
// call counts and latencies, the SQL statements each call issues (an N+1
// shows as a rising count), the database pool, whether this replica leads
// the event relay and the deadline sweeper, how far each event consumer
// lags, and the statutory deadlines approaching and missed. It serves them,
// with pprof, on a listener of its own, never on the API's.
package metrics

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"net/http"
	"net/http/pprof"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
	"google.golang.org/grpc"

	"github.com/ipcase/ipcase/internal/errs"
)

// Config says where metrics are served.
type Config struct {
	// Addr is the metrics and pprof listener; empty turns it off. Keep it
	// off the public network: pprof shows the process's internals.
	Addr string `env:"IPCASE_METRICS_ADDR, default=127.0.0.1:9090"`
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
	}
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.latency, m.statements, m.dbUp, leaderCollector{m},
	)
	return m
}

// Registry is where other collectors of the process register.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Leader reports task's leadership (ipcase_leader{task}) as leading says at
// each scrape. Call it before serving.
func (m *Metrics) Leader(task string, leading func() bool) { m.leaders[task] = leading }

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

// Handler serves /metrics and /debug/pprof/.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg}))
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}

// Serve serves h on addr until ctx ends.
func Serve(ctx context.Context, addr string, h http.Handler, logger *zap.Logger) error {
	lis, err := new(net.ListenConfig).Listen(ctx, "tcp", addr)
	if err != nil {
		return err
	}
	// A CPU profile takes as long as it is asked to; WriteTimeout would cut
	// it off, so only reading the request is bounded.
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
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

// InstrumentHTTP counts and times the requests next serves in m
// (ipcase_http_requests_total{route,code},
// ipcase_http_request_duration_seconds{route}); route names a request's
// route with few enough values to be a label.
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
		next.ServeHTTP(rec, r)
		name := route(r)
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
