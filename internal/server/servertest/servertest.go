// Package servertest starts a real ipcase gRPC server, with the production
// interceptor chain, on a loopback port for tests, and dials it.
package servertest

import (
	"context"
	"crypto/tls"
	"net"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/ipcase/ipcase/internal/server"
)

// Start serves the services that register adds on 127.0.0.1:0 in plaintext
// and returns a client connection to them. Both are shut down when t ends.
func Start(t testing.TB, register func(*server.Server), opts ...grpc.ServerOption) *grpc.ClientConn {
	t.Helper()
	return Dial(t, Serve(t, register, nil, opts...))
}

// Dial returns a plaintext client connection to addr, closed when t ends.
func Dial(t testing.TB, addr string, opts ...grpc.DialOption) *grpc.ClientConn {
	t.Helper()
	conn, err := grpc.NewClient(addr, append([]grpc.DialOption{grpc.WithTransportCredentials(insecure.NewCredentials())}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = conn.Close() })
	return conn
}

// Serve serves the services that register adds on 127.0.0.1:0, over TLS
// when tlsCfg is not nil, and returns the address. The server stops when t
// ends.
func Serve(t testing.TB, register func(*server.Server), tlsCfg *tls.Config, opts ...grpc.ServerOption) string {
	t.Helper()
	if tlsCfg != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(tlsCfg)))
	}
	srv := server.New(server.Config{MaxRecvBytes: 4 << 20, ShutdownTimeout: 5 * time.Second}, zaptest.NewLogger(t), opts...)
	register(srv)
	var lc net.ListenConfig
	lis, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	return lis.Addr().String()
}
