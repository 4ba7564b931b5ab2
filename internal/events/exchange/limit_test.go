package exchange_test

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/events/eventstest"
	"github.com/ipcase/ipcase/internal/events/exchange"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// withAppName returns the database URL rawURL whose sessions show as name
// in pg_stat_activity.
func withAppName(t *testing.T, rawURL, name string) string {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String()
}

// backends counts the sessions of application name on db's database.
func backends(ctx context.Context, t *testing.T, db *store.DB, name string) int {
	t.Helper()
	var n int
	err := db.Session(ctx).Gorm().Raw(`SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = ?`, name).Scan(&n).Error
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// refusal subscribes once, without retrying, and returns the error the
// stream ends with.
func refusal(ctx context.Context, conn ipcasev1.EventServiceClient) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	stream, err := conn.Subscribe(ctx, &ipcasev1.SubscribeRequest{})
	if err != nil {
		return err
	}
	_, err = stream.Recv()
	return err
}

// TestSubscribeStreamsShareConnections is the attack of a caller opening
// hundreds of streams to exhaust Postgres' connections. It opens 100
// streams against a server whose pool has 5 connections, while a relay on
// a pool of its own stamps events, and checks that the server's sessions
// on the database never exceed its pool and the one listener the streams
// share, that every stream still carries every event once and in order,
// that a caller past its cap is refused with RESOURCE_EXHAUSTED while
// another caller is served, that the server's own cap holds for a third,
// and that a closed stream frees its place.
func TestSubscribeStreamsShareConnections(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	const pool, perCaller = 5, 50
	const app = "exchange-under-test"
	base := storetest.URL(t)
	db := storetest.Open(t, withAppName(t, base, app), pool)
	// The relay, the writers and the counting go through a pool of their
	// own, which the count leaves out.
	side := storetest.Open(t, withAppName(t, base, "exchange-test-side"), 10)
	eventstest.Relay(t, side)
	env := authtest.New(t)
	srv := newServer(t, db, exchange.Config{MaxStreams: 2 * perCaller, MaxStreamsPerCaller: perCaller})
	conn := servertest.Start(t, func(s *server.Server) { ipcasev1.RegisterEventServiceServer(s, srv) }, env.ServerOptions()...)
	client := ipcasev1.NewEventServiceClient(conn)
	m := eventstest.Matter(t, side, "SAMR-HZ")

	// Two officers of one agency: the cap is per caller, not per agency.
	first := authtest.WithToken(ctx, env.Officer(t, "SAMR-HZ"))
	second := authtest.WithToken(ctx, env.Token(t, auth.IssueParams{Subject: "officer-2@SAMR-HZ", Role: auth.Officer, Agency: "SAMR-HZ"}))
	third := authtest.WithToken(ctx, env.Admin(t))

	var mu sync.Mutex
	peak := 0
	sample := func() {
		n := backends(ctx, t, side, app)
		mu.Lock()
		defer mu.Unlock()
		peak = max(peak, n)
	}
	open := func(caller context.Context) []*sink {
		t.Helper()
		sinks := make([]*sink, perCaller)
		for i := range sinks {
			sinks[i] = subscribe(caller, t, conn, nil)
		}
		for _, s := range sinks {
			s.waitFor(t, 1) // served: the matter's first event
		}
		sample()
		return sinks
	}
	wantRefused := func(who string, caller context.Context, says string) {
		t.Helper()
		err := refusal(caller, client)
		if status.Code(err) != codes.ResourceExhausted || !strings.Contains(status.Convert(err).Message(), says) {
			t.Errorf("%s's stream past the cap: %v; want RESOURCE_EXHAUSTED saying %q", who, err, says)
		}
	}

	sinks := open(first)
	wantRefused("the first officer", first, "this caller already has 50 event streams open")
	sinks = append(sinks, open(second)...) // served while the first is at its cap
	wantRefused("the second officer", second, "this caller already has 50 event streams open")
	wantRefused("the administrator", third, "the server has as many event streams open as it serves")

	// Events written while 100 streams are open, the sessions counted
	// meanwhile.
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				sample()
			}
		}
	}()
	const writers, each = 4, 5
	errc := make(chan error, writers)
	for range writers {
		go func() {
			var err error
			for i := 0; i < each && err == nil; i++ {
				err = eventstest.Append(ctx, side, m, eventstest.Note("flood"))
			}
			errc <- err
		}()
	}
	for range writers {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	total := 1 + writers*each
	for _, s := range sinks {
		checkStream(t, s.waitFor(t, total))
	}
	close(done)
	<-sampled
	if peak > pool+1 {
		t.Errorf("%d streams held %d sessions on the database at most; want at most %d, the pool and one listener", len(sinks), peak, pool+1)
	}
	t.Logf("%d streams, at most %d sessions on the database", len(sinks), peak)

	// A stream that ends frees its place for its caller.
	sinks[0].stop()
	again := subscribe(first, t, conn, nil)
	checkStream(t, again.waitFor(t, total))
}

// TestSubscribeOutlivesItsListener kills the one listening session the
// streams share, as a failover or an administrator would: the open stream
// must go on delivering every event, once and in order, and the hub must
// listen again on a session of its own.
func TestSubscribeOutlivesItsListener(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	const app = "exchange-listener-test"
	base := storetest.URL(t)
	db := storetest.Open(t, withAppName(t, base, app), 5)
	side := storetest.Open(t, withAppName(t, base, "exchange-test-side"), 5)
	eventstest.Relay(t, side)
	env := authtest.New(t)
	hub := eventstest.Hub(t, db)
	srv := exchange.NewServer(db, filing.NewStore(db, eventstest.Log), hub, exchange.Config{})
	conn := servertest.Start(t, func(s *server.Server) { ipcasev1.RegisterEventServiceServer(s, srv) }, env.ServerOptions()...)
	m := eventstest.Matter(t, side, "SAMR-HZ")
	s := subscribe(authtest.WithToken(ctx, env.Admin(t)), t, conn, nil)
	s.waitFor(t, 1)

	listener := func() []int {
		var pids []int
		err := side.Session(ctx).Gorm().Raw(`SELECT pid FROM pg_stat_activity
			WHERE datname = current_database() AND application_name = ? AND query = 'LISTEN "ipcase_positions"'`, app).Scan(&pids).Error
		if err != nil {
			t.Fatal(err)
		}
		return pids
	}
	eventstest.Eventually(t, 30*time.Second, "the hub listens", func() bool { return len(listener()) == 1 })
	killed := listener()[0]
	storetest.Exec(t, side, `SELECT pg_terminate_backend(?)`, killed)
	if err := eventstest.Append(ctx, side, m, eventstest.Note("after the kill")); err != nil {
		t.Fatal(err)
	}
	s.waitFor(t, 2)
	eventstest.Eventually(t, 30*time.Second, "the hub listens again", func() bool {
		pids := listener()
		return len(pids) == 1 && pids[0] != killed && hub.Listening()
	})
	if err := eventstest.Append(ctx, side, m, eventstest.Note("listening again")); err != nil {
		t.Fatal(err)
	}
	checkStream(t, s.waitFor(t, 3))
}
