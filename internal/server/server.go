// Package server builds the gRPC server every ipcase service runs in: the
// interceptor chain (request id, logging, recovery, error mapping), health
// and reflection, and a Serve that stops gracefully. It knows no domain.
package server

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"
)

// Config configures the gRPC server.
type Config struct {
	// Addr is the listen address.
	Addr string `env:"IPCASE_GRPC_ADDR, default=127.0.0.1:7070"`
	// MaxRecvBytes caps the size of one request message.
	MaxRecvBytes int `env:"IPCASE_GRPC_MAX_RECV_BYTES, default=4194304"`
	// ShutdownTimeout is how long in-flight calls may run after SIGTERM
	// before they are cut off.
	ShutdownTimeout time.Duration `env:"IPCASE_SHUTDOWN_TIMEOUT, default=30s"`
	// HealthInterval is how often the health status is checked against
	// the database.
	HealthInterval time.Duration `env:"IPCASE_HEALTH_INTERVAL, default=2s"`
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
	opts = append([]grpc.ServerOption{
		grpc.ForceServerCodecV2(codec{}),
		grpc.MaxRecvMsgSize(cfg.MaxRecvBytes),
		grpc.ChainUnaryInterceptor(
			requestIDUnary,
			loggingUnary(logger),
			errorsUnary,
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
