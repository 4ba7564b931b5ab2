// Package servertest starts a real ipcase gRPC server, with the production
// interceptor chain, on a loopback port for tests, and dials it.
package servertest

import (
	"context"
	"net"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	"github.com/ipcase/ipcase/internal/server"
)

// Start serves the services that register adds on 127.0.0.1:0 and returns a
// client connection to them. Both are shut down when t ends.
func Start(t testing.TB, register func(*server.Server)) *grpc.ClientConn {
	t.Helper()
	srv := server.New(server.Config{MaxRecvBytes: 4 << 20, ShutdownTimeout: 5 * time.Second}, zaptest.NewLogger(t))
	register(srv)
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis) }()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = conn.Close()
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	return conn
}
