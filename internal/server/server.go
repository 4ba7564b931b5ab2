// Package server builds the gRPC server every ipcase service runs in: the
// interceptor chain (request id, logging, recovery, error mapping), health
// and reflection, and a Serve that stops gracefully. It knows no domain.
package server

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net"
	"time"

	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/reflection"
)

// Config configures the gRPC server.
type Config struct {
	// Addr is the listen address.
	Addr string `env:"IPCASE_GRPC_ADDR, default=127.0.0.1:7070"`
	// MaxRecvBytes caps the size of one request message.
	MaxRecvBytes int `env:"IPCASE_GRPC_MAX_RECV_BYTES, default=4194304"`
	// MaxHeaderBytes caps a call's header list (names, values and 32
	// bytes each, as HTTP/2 counts them): a bearer token and a few short
	// headers need a few KiB. Past it the call is refused before any of it
	// is kept, so that huge headers cannot fill memory before
	// authentication. 0 means DefaultMaxHeaderBytes.
	MaxHeaderBytes int `env:"IPCASE_GRPC_MAX_HEADER_BYTES, default=16384"`
	// MaxCalls bounds the calls in flight on one listener and
	// MaxCallsPerPeer those from one client address (an IPv4 address or
	// an IPv6 /64; a gateway replica is one address), Subscribe streams
	// included; RequestReadTimeout bounds the time a unary call may take
	// to deliver its request after its headers. Until its request has
	// arrived a unary call is not authenticated, so these bound what an
	// anonymous client can make the server hold (gate.go). A call past a
	// bound is refused with RESOURCE_EXHAUSTED. 0 means the default.
	MaxCalls           int           `env:"IPCASE_GRPC_MAX_CALLS, default=1024"`
	MaxCallsPerPeer    int           `env:"IPCASE_GRPC_MAX_CALLS_PER_PEER, default=256"`
	RequestReadTimeout time.Duration `env:"IPCASE_GRPC_REQUEST_READ_TIMEOUT, default=30s"`
	// MaxAnonymousCalls and MaxAnonymousCallsPerPeer bound, within
	// MaxCalls, the calls whose credentials do not verify when their
	// headers arrive (none, made up, expired; public methods): in all and
	// from one address. A call whose credentials verify (Vouch) counts
	// against MaxCallsPerPeer by its caller instead of its address, so that
	// anonymous calls, however many addresses they come from, cannot crowd
	// out the callers who are signed in, and the users of one gateway do
	// not share one address's bound. 0 means the default.
	MaxAnonymousCalls        int `env:"IPCASE_GRPC_MAX_ANONYMOUS_CALLS, default=128"`
	MaxAnonymousCallsPerPeer int `env:"IPCASE_GRPC_MAX_ANONYMOUS_CALLS_PER_PEER, default=16"`
	// Vouch names the caller a call's headers (and its connection, in ctx)
	// verify as, or "" when they do not (set in code: ipcased gives the
	// authenticator's). Without it every call is anonymous and the
	// anonymous bounds are MaxCalls and MaxCallsPerPeer.
	Vouch func(ctx context.Context, header metadata.MD) string
	// CallTimeout bounds every unary call: a call whose client set no
	// deadline, or a later one, gets this one, and its transactions'
	// statement and lock timeouts are derived from it (store.DB.InTx), so
	// that a stuck database answers DEADLINE_EXCEEDED in bounded time and
	// gives its pool connection back. 0 means DefaultCallTimeout.
	CallTimeout time.Duration `env:"IPCASE_GRPC_CALL_TIMEOUT, default=10s"`
	// ShutdownTimeout is how long in-flight calls may run after SIGTERM
	// before they are cut off.
	ShutdownTimeout time.Duration `env:"IPCASE_SHUTDOWN_TIMEOUT, default=30s"`
	// HealthInterval is how often the health status is checked against
	// the database.
	HealthInterval time.Duration `env:"IPCASE_HEALTH_INTERVAL, default=2s"`
}

// Defaults for a Config that leaves a limit 0 (built in code, as tests
// do); the environment's defaults are the same.
const (
	DefaultMaxHeaderBytes     = 16 << 10
	DefaultMaxCalls           = 1024
	DefaultMaxCallsPerPeer    = 256
	DefaultRequestReadTimeout = 30 * time.Second
	DefaultMaxAnonymousCalls  = 128
	DefaultMaxAnonymousPeer   = 16
	DefaultCallTimeout        = 10 * time.Second
)

// withDefaults fills the limits c leaves 0.
func (c Config) withDefaults() Config {
	if c.MaxHeaderBytes <= 0 {
		c.MaxHeaderBytes = DefaultMaxHeaderBytes
	}
	if c.MaxCalls <= 0 {
		c.MaxCalls = DefaultMaxCalls
	}
	if c.MaxCallsPerPeer <= 0 {
		c.MaxCallsPerPeer = DefaultMaxCallsPerPeer
	}
	if c.RequestReadTimeout <= 0 {
		c.RequestReadTimeout = DefaultRequestReadTimeout
	}
	if c.Vouch == nil {
		// No way to tell callers apart: every call is anonymous, and the
		// general bounds are the anonymous ones.
		c.MaxAnonymousCalls, c.MaxAnonymousCallsPerPeer = c.MaxCalls, c.MaxCallsPerPeer
	}
	if c.MaxAnonymousCalls <= 0 {
		c.MaxAnonymousCalls = min(DefaultMaxAnonymousCalls, c.MaxCalls)
	}
	if c.MaxAnonymousCallsPerPeer <= 0 {
		c.MaxAnonymousCallsPerPeer = min(DefaultMaxAnonymousPeer, c.MaxCallsPerPeer)
	}
	if c.CallTimeout <= 0 {
		c.CallTimeout = DefaultCallTimeout
	}
	return c
}

// Bounds of Config.MaxHeaderBytes: below 1 KiB a bearer token does not
// fit; above 1 MiB the limit no longer protects memory.
const (
	minHeaderBytes = 1 << 10
	maxHeaderBytes = 1 << 20
)

// Check refuses settings the server cannot run with.
func (c Config) Check() error {
	switch {
	case c.MaxHeaderBytes != 0 && (c.MaxHeaderBytes < minHeaderBytes || c.MaxHeaderBytes > maxHeaderBytes):
		return fmt.Errorf("IPCASE_GRPC_MAX_HEADER_BYTES: %d: want %d to %d", c.MaxHeaderBytes, minHeaderBytes, maxHeaderBytes)
	case c.MaxCalls < 0 || c.MaxCallsPerPeer < 0 || c.MaxAnonymousCalls < 0 || c.MaxAnonymousCallsPerPeer < 0:
		return fmt.Errorf("IPCASE_GRPC_MAX_CALLS %d, IPCASE_GRPC_MAX_CALLS_PER_PEER %d, IPCASE_GRPC_MAX_ANONYMOUS_CALLS %d, IPCASE_GRPC_MAX_ANONYMOUS_CALLS_PER_PEER %d: want positive",
			c.MaxCalls, c.MaxCallsPerPeer, c.MaxAnonymousCalls, c.MaxAnonymousCallsPerPeer)
	case c.RequestReadTimeout < 0:
		return fmt.Errorf("IPCASE_GRPC_REQUEST_READ_TIMEOUT: %s must be positive", c.RequestReadTimeout)
	case c.CallTimeout < 0:
		return fmt.Errorf("IPCASE_GRPC_CALL_TIMEOUT: %s must be positive", c.CallTimeout)
	}
	return nil
}

// Server is a gRPC server with its health service.
type Server struct {
	*grpc.Server
	Health *health.Server
	cfg    Config
}

// New returns a server with the interceptor chain, health and reflection
// registered. Register services on it, then call Serve.
func New(cfg Config, logger *zap.Logger, opts ...grpc.ServerOption) *Server {
	cfg = cfg.withDefaults()
	opts = append([]grpc.ServerOption{
		grpc.ForceServerCodecV2(codec{}),
		grpc.MaxRecvMsgSize(cfg.MaxRecvBytes),
		// Announced to clients in SETTINGS and enforced while the header
		// block is decoded: a longer string ends the connection at its
		// first frame (x/net/http2's hpack string limit is this value).
		grpc.MaxHeaderListSize(uint32(min(cfg.MaxHeaderBytes, maxHeaderBytes))), //nolint:gosec // G115: bounded by maxHeaderBytes
		// The gate admits each call (gate.go); a well-behaved client learns
		// the per-peer bound as its connection's stream limit and waits.
		grpc.InTapHandle(newGate(cfg).admit),
		grpc.MaxConcurrentStreams(uint32(min(cfg.MaxCallsPerPeer, math.MaxInt32))), //nolint:gosec // G115: bounded above
		grpc.ChainUnaryInterceptor(
			requestIDUnary,
			loggingUnary(logger),
			errorsUnary,
			deadlineUnary(cfg.CallTimeout),
			recoveryUnary, // inside errorsUnary, so a panic is masked as Internal
		),
		grpc.ChainStreamInterceptor(
			requestIDStream,
			loggingStream(logger),
			errorsStream,
			recoveryStream,
		),
	}, opts...)
	s := &Server{Server: grpc.NewServer(opts...), Health: health.NewServer(), cfg: cfg}
	healthpb.RegisterHealthServer(s.Server, s.Health)
	reflection.Register(s.Server)
	return s
}

// SetServing sets the health status of every service and of the server as
// a whole ("") to SERVING or NOT_SERVING. After Serve has begun to stop,
// the status stays NOT_SERVING.
func (s *Server) SetServing(ok bool) {
	st := healthpb.HealthCheckResponse_NOT_SERVING
	if ok {
		st = healthpb.HealthCheckResponse_SERVING
	}
	for name := range s.GetServiceInfo() {
		s.Health.SetServingStatus(name, st)
	}
	s.Health.SetServingStatus("", st)
}

// WatchHealth calls check every interval until ctx ends and tells report
// each time the answer changes between healthy (nil) and not, starting
// with the first answer. ipcased checks the database this way, so that a
// load balancer stops sending calls while the database is gone and sends
// them again when it is back, with no restart.
func WatchHealth(ctx context.Context, interval time.Duration, check func(context.Context) error, report func(ok bool, err error)) {
	var last *bool
	for {
		cctx, cancel := context.WithTimeout(ctx, interval)
		err := check(cctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if ok := err == nil; last == nil || *last != ok {
			last = &ok
			report(ok, err)
		}
		t := time.NewTimer(interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// Serve serves on lis until ctx is done, then stops accepting calls, lets
// in-flight calls finish for up to the shutdown timeout, and returns.
func (s *Server) Serve(ctx context.Context, lis net.Listener) error {
	s.SetServing(true)
	errc := make(chan error, 1)
	go func() { errc <- s.Server.Serve(lis) }()
	select {
	case err := <-errc:
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	s.Health.Shutdown()
	stopped := make(chan struct{})
	go func() {
		s.GracefulStop()
		close(stopped)
	}()
	timer := time.NewTimer(s.cfg.ShutdownTimeout)
	defer timer.Stop()
	select {
	case <-stopped:
	case <-timer.C:
		s.Stop()
	}
	if err := <-errc; err != nil && !errors.Is(err, grpc.ErrServerStopped) {
		return fmt.Errorf("server: %w", err)
	}
	return nil
}
