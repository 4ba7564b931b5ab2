package exchange_test

import (
	"context"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"
	"google.golang.org/grpc"
	"google.golang.org/grpc/backoff"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/events/eventstest"
	"github.com/ipcase/ipcase/internal/events/exchange"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store"
)

// replica is an ipcased event service that can be stopped and started
// again on the same address, as a restart does.
type replica struct {
	t          *testing.T
	db         *store.DB
	env        *authtest.Env
	addr       string
	subscribes atomic.Int64
	stop       func()
}

// start serves on r.addr (a free port the first time) until r.stop.
func (r *replica) start() {
	r.t.Helper()
	count := func(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, h grpc.StreamHandler) error {
		r.subscribes.Add(1)
		return h(srv, ss)
	}
	opts := append(r.env.ServerOptions(), grpc.ChainStreamInterceptor(count))
	// A short shutdown timeout: open streams are cut, as on a real restart
	// once IPCASE_SHUTDOWN_TIMEOUT has passed.
	srv := server.New(server.Config{MaxRecvBytes: 4 << 20, ShutdownTimeout: 100 * time.Millisecond}, zap.NewNop(), opts...)
	ipcasev1.RegisterEventServiceServer(srv, newServer(r.t, r.db, exchange.Config{}))
	lis, err := new(net.ListenConfig).Listen(r.t.Context(), "tcp", r.addr)
	if err != nil {
		r.t.Fatal(err)
	}
	r.addr = lis.Addr().String()
	ctx, cancel := context.WithCancel(context.WithoutCancel(r.t.Context()))
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, lis) }()
	r.stop = sync.OnceFunc(func() {
		cancel()
		if err := <-done; err != nil {
			r.t.Errorf("server: %v", err)
		}
	})
	r.t.Cleanup(r.stop)
}

// TestSubscribeResumesAfterRestart stops the server under a live stream,
// writes while it is down, starts it again on the same address, and
// checks that the client resumed from its last position: every event once,
// in order.
func TestSubscribeResumesAfterRestart(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := eventstest.Open(t, 10)
	eventstest.Relay(t, db)
	r := &replica{t: t, db: db, env: authtest.New(t), addr: "127.0.0.1:0"}
	r.start()
	conn := servertest.Dial(t, r.addr, grpc.WithConnectParams(grpc.ConnectParams{
		Backoff: backoff.Config{BaseDelay: 20 * time.Millisecond, Multiplier: 1.5, MaxDelay: 200 * time.Millisecond}}))
	m := eventstest.Matter(t, db, "SAMR-HZ")
	write := func(n int) {
		t.Helper()
		for range n {
			if err := eventstest.Append(ctx, db, m, eventstest.Note("tick")); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(9)
	s := subscribe(authtest.WithToken(ctx, r.env.Admin(t)), t, conn, nil)
	s.waitFor(t, 10)

	r.stop()
	write(10) // while the server is down
	r.start()
	write(10)
	got := s.waitFor(t, 30)
	checkStream(t, got)
	if n := r.subscribes.Load(); n < 2 {
		t.Errorf("%d Subscribe calls; want at least 2: the stream never broke", n)
	}
}
