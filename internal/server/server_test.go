package server_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// probe is a FilingService whose GetMatter behaves as the test says.
type probe struct {
	ipcasev1.UnimplementedFilingServiceServer
	get func(context.Context) error
}

func (p *probe) GetMatter(ctx context.Context, _ *ipcasev1.GetMatterRequest) (*ipcasev1.GetMatterResponse, error) {
	if err := p.get(ctx); err != nil {
		return nil, err
	}
	return &ipcasev1.GetMatterResponse{Matter: &ipcasev1.Matter{Name: "matters/x", Number: server.RequestID(ctx)}}, nil
}

func TestInterceptors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name    string
		get     func(context.Context) error
		code    codes.Code
		message string
	}{
		{"the caller reads the message meant for it, not the wrap chain", func(context.Context) error {
			return fmt.Errorf("GetMatter(m1): load: %w", errs.Wrap(errs.NotFound, errors.New("record not found"), "matter not found"))
		}, codes.NotFound, "matter not found"},
		{"uncategorised error is masked with the request id", func(context.Context) error {
			return errors.New("pq: password authentication failed for user ipcase")
		}, codes.Internal, "internal error (ref req-42)"},
		{"panic is recovered and masked", func(context.Context) error {
			panic("boom")
		}, codes.Internal, "internal error (ref req-42)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			conn := servertest.Start(t, func(s *server.Server) {
				ipcasev1.RegisterFilingServiceServer(s, &probe{get: tt.get})
			})
			ctx := metadata.AppendToOutgoingContext(t.Context(), server.RequestIDHeader, "req-42")
			var header metadata.MD
			_, err := ipcasev1.NewFilingServiceClient(conn).GetMatter(ctx, &ipcasev1.GetMatterRequest{}, grpc.Header(&header))
			s := status.Convert(err)
			if s.Code() != tt.code || s.Message() != tt.message {
				t.Errorf("got %v %q, want %v %q", s.Code(), s.Message(), tt.code, tt.message)
			}
			if got := header.Get(server.RequestIDHeader); len(got) != 1 || got[0] != "req-42" {
				t.Errorf("response header %s = %v, want [req-42]", server.RequestIDHeader, got)
			}
		})
	}
}

func TestRequestIDIsMadeWhenMissingOrMalformed(t *testing.T) {
	t.Parallel()
	conn := servertest.Start(t, func(s *server.Server) {
		ipcasev1.RegisterFilingServiceServer(s, &probe{get: func(context.Context) error { return nil }})
	})
	ctx := metadata.AppendToOutgoingContext(t.Context(), server.RequestIDHeader, "bad id with spaces")
	resp, err := ipcasev1.NewFilingServiceClient(conn).GetMatter(ctx, &ipcasev1.GetMatterRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if id := resp.GetMatter().GetNumber(); len(id) != 36 || strings.Contains(id, " ") {
		t.Errorf("request id = %q, want a generated UUID", id)
	}
}

func TestHealth(t *testing.T) {
	t.Parallel()
	conn := servertest.Start(t, func(s *server.Server) {
		ipcasev1.RegisterFilingServiceServer(s, &probe{get: func(context.Context) error { return nil }})
	})
	resp, err := healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{Service: "ipcase.v1.FilingService"})
	if err != nil || resp.GetStatus() != healthpb.HealthCheckResponse_SERVING {
		t.Errorf("health = %v, %v; want SERVING", resp.GetStatus(), err)
	}
}

// TestHealthFollowsTheCheck runs WatchHealth as ipcased does, with a
// check that fails while the test says the database is down: the overall
// status and every service's go NOT_SERVING and come back to SERVING, on
// the same server, and the report is made only when the answer changes.
func TestHealthFollowsTheCheck(t *testing.T) {
	t.Parallel()
	srv := server.New(server.Config{MaxRecvBytes: 1 << 20, ShutdownTimeout: time.Second}, zaptest.NewLogger(t))
	ipcasev1.RegisterFilingServiceServer(srv, &probe{get: func(context.Context) error { return nil }})
	var lc net.ListenConfig
	lis, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, lis) }()
	var down atomic.Bool
	var checks, reports atomic.Int32
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		server.WatchHealth(ctx, 10*time.Millisecond, func(context.Context) error {
			checks.Add(1)
			if down.Load() {
				return errors.New("connection refused")
			}
			return nil
		}, func(ok bool, _ error) {
			reports.Add(1)
			srv.SetServing(ok)
		})
	}()
	t.Cleanup(func() {
		cancel()
		<-watched
		if err := <-served; err != nil {
			t.Error(err)
		}
	})
	health := healthpb.NewHealthClient(servertest.Dial(t, lis.Addr().String()))
	waitFor := func(want healthpb.HealthCheckResponse_ServingStatus) {
		t.Helper()
		eventually(t, fmt.Sprintf("health becomes %v", want), func() bool {
			for _, svc := range []string{"", "ipcase.v1.FilingService"} {
				resp, err := health.Check(t.Context(), &healthpb.HealthCheckRequest{Service: svc})
				if err != nil {
					t.Fatal(err)
				}
				if resp.GetStatus() != want {
					return false
				}
			}
			return true
		})
	}
	waitFor(healthpb.HealthCheckResponse_SERVING)
	down.Store(true)
	waitFor(healthpb.HealthCheckResponse_NOT_SERVING)
	down.Store(false)
	waitFor(healthpb.HealthCheckResponse_SERVING)
	after := checks.Load()
	eventually(t, "five more checks, all healthy", func() bool { return checks.Load() >= after+5 })
	if n := reports.Load(); n != 3 {
		t.Errorf("reported %d times, want 3 (up, down, up)", n)
	}
}

// TestGracefulStopFinishesInFlightCalls stops the server while a call is
// running: the call completes and Serve returns.
func TestGracefulStopFinishesInFlightCalls(t *testing.T) {
	t.Parallel()
	started, release := make(chan struct{}), make(chan struct{})
	srv := server.New(server.Config{MaxRecvBytes: 1 << 20, ShutdownTimeout: 10 * time.Second}, zaptest.NewLogger(t))
	ipcasev1.RegisterFilingServiceServer(srv, &probe{get: func(context.Context) error {
		close(started)
		<-release
		return nil
	}})
	var lc net.ListenConfig
	lis, err := lc.Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, lis) }()
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := conn.Close(); err != nil {
			t.Error(err)
		}
	}()
	called := make(chan error, 1)
	go func() {
		_, err := ipcasev1.NewFilingServiceClient(conn).GetMatter(t.Context(), &ipcasev1.GetMatterRequest{})
		called <- err
	}()
	<-started
	stop() // as SIGTERM does
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v while a call was in flight", err)
	case <-time.After(200 * time.Millisecond):
	}
	close(release)
	if err := <-called; err != nil {
		t.Errorf("in-flight call: %v, want success", err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

// eventually polls cond every 10ms until it holds, failing t if it does not
// within five seconds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("timed out waiting until %s", what)
		}
	}
}

// serve serves srv on a loopback port until t ends, then checks that it
// stopped cleanly, and returns its address.
func serve(t *testing.T, srv *server.Server) string {
	t.Helper()
	lis, err := new(net.ListenConfig).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ctx, lis) }()
	t.Cleanup(func() {
		stop()
		if err := <-served; err != nil {
			t.Errorf("server: %v", err)
		}
	})
	return lis.Addr().String()
}
