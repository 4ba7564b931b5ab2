package exchange_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/eventstest"
	"github.com/ipcase/ipcase/internal/events/exchange"
	"github.com/ipcase/ipcase/internal/events/follow"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// newServer is the event service over db, asking filing who sees which
// matters, woken by a hub of its own that runs until t ends, as ipcased
// wires it.
func newServer(t testing.TB, db *store.DB, cfg exchange.Config) *exchange.Server {
	return exchange.NewServer(db, filing.NewStore(db, eventstest.Log), eventstest.Hub(t, db), cfg)
}

// register adds the event service over db, with the default limits.
func register(t testing.TB, db *store.DB) func(*server.Server) {
	srv := newServer(t, db, exchange.Config{})
	return func(s *server.Server) { ipcasev1.RegisterEventServiceServer(s, srv) }
}

// sink follows a subscription in the background with follow.Follow and
// keeps what it receives.
type sink struct {
	mu   sync.Mutex
	got  []*ipcasev1.SubscribeResponse
	err  error
	done chan struct{}
	// stop cancels the subscription and waits for Follow to return.
	stop func()
}

// subscribe follows a subscription from the start of the log, with ctx's
// credentials, until t ends.
func subscribe(ctx context.Context, t *testing.T, conn *grpc.ClientConn, types []string) *sink {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	s := &sink{done: make(chan struct{})}
	s.stop = func() { cancel(); <-s.done }
	go func() {
		defer close(s.done)
		err := follow.Follow(ctx, ipcasev1.NewEventServiceClient(conn), 0, types, func(r *ipcasev1.SubscribeResponse) error {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.got = append(s.got, r)
			return nil
		})
		s.mu.Lock()
		s.err = err
		s.mu.Unlock()
	}()
	t.Cleanup(s.stop)
	return s
}

// all returns what s has received so far.
func (s *sink) all() []*ipcasev1.SubscribeResponse {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*ipcasev1.SubscribeResponse(nil), s.got...)
}

// waitFor waits until s has received n responses, failing t on more.
func (s *sink) waitFor(t *testing.T, n int) []*ipcasev1.SubscribeResponse {
	t.Helper()
	eventstest.Eventually(t, 30*time.Second, "stream delivers events", func() bool { return len(s.all()) >= n })
	got := s.all()
	if len(got) != n {
		t.Fatalf("stream delivered %d events, want %d", len(got), n)
	}
	return got
}

// matterOf returns the matter id in an event name, matters/{id}/events/{seq}.
func matterOf(r *ipcasev1.SubscribeResponse) string {
	return strings.Split(r.GetEvent().GetName(), "/")[1]
}

// checkStream checks that got holds every position from 1 on exactly
// once, in order, and each matter's events in sequence order without gaps.
func checkStream(t *testing.T, got []*ipcasev1.SubscribeResponse) {
	t.Helper()
	seq := map[string]int64{}
	for i, r := range got {
		if want := 1 + int64(i); r.GetPosition() != want {
			t.Fatalf("response %d has position %d, want %d: an event was skipped or repeated", i, r.GetPosition(), want)
		}
		m := matterOf(r)
		if s := r.GetEvent().GetSequence(); seq[m] != 0 && s != seq[m]+1 {
			t.Errorf("position %d: matter %s sequence %d after %d", r.GetPosition(), m, s, seq[m])
		}
		seq[m] = r.GetEvent().GetSequence()
	}
}

// heldTx is a transaction that has appended an event and is held open
// until commit, or rolled back when the test ends.
type heldTx struct {
	once    sync.Once
	release chan bool
	done    chan struct{}
	err     error
}

// errRolledBack ends a held transaction without committing it.
var errRolledBack = errors.New("rolled back")

// hold appends rec to matter in a transaction it keeps open, and returns
// once the event is written but not committed.
func hold(t testing.TB, db *store.DB, matter string, rec events.Record) *heldTx {
	t.Helper()
	h := &heldTx{release: make(chan bool, 1), done: make(chan struct{})}
	appended := make(chan struct{})
	go func() {
		defer close(h.done)
		h.err = db.InTx(context.WithoutCancel(t.Context()), func(tx store.Tx) error {
			if err := eventstest.Log.Append(tx, matter, eventstest.Actor, time.Now(), rec); err != nil {
				return err
			}
			close(appended)
			if !<-h.release {
				return errRolledBack
			}
			return nil
		})
	}()
	t.Cleanup(func() { _ = h.end(false) })
	select {
	case <-appended:
	case <-h.done:
		t.Fatalf("holding a transaction open: %v", h.err)
	}
	return h
}

// commit commits h and returns when it has.
func (h *heldTx) commit() error { return h.end(true) }

// end commits or rolls back h, once; later calls return the first result.
func (h *heldTx) end(commit bool) error {
	h.once.Do(func() {
		h.release <- commit
		<-h.done
	})
	return h.err
}
