package events_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/eventstest"
	"github.com/ipcase/ipcase/internal/store"
)

// TestStampSkipsUncommitted holds one transaction open past a later one:
// the later commit gets position 1, and the earlier id, once committed,
// position 2. A reader of "id > cursor" would have skipped it.
func TestStampSkipsUncommitted(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := eventstest.Open(t, 5)
	a, b := eventstest.Matter(t, db, "SAMR-HZ"), eventstest.Matter(t, db, "SAMR-HZ")
	base, err := events.Stamp(ctx, db, 100) // the matters' first events
	if err != nil {
		t.Fatal(err)
	}

	// The late transaction appends first and is held open while the early
	// one commits.
	held, commit, lateDone := make(chan struct{}), make(chan struct{}), make(chan struct{})
	var lateErr error
	go func() {
		defer close(lateDone)
		lateErr = db.InTx(ctx, func(tx store.Tx) error {
			if err := eventstest.Log.Append(tx, a, eventstest.Actor, time.Now(), eventstest.Note("late")); err != nil {
				return err
			}
			close(held)
			<-commit
			return nil
		})
	}()
	commitLate := sync.OnceValue(func() error {
		close(commit)
		<-lateDone
		return lateErr
	})
	defer func() { _ = commitLate() }()
	select {
	case <-held:
	case <-lateDone:
		t.Fatalf("the late transaction ended before it was held: %v", lateErr)
	}
	if err := eventstest.Append(ctx, db, b, eventstest.Note("early")); err != nil {
		t.Fatal(err)
	}
	if n, err := events.Stamp(ctx, db, 100); err != nil || n != 1 {
		t.Fatalf("Stamp with one transaction open = %d, %v; want 1 (the committed event only)", n, err)
	}
	if err := commitLate(); err != nil {
		t.Fatal(err)
	}
	if n, err := events.Stamp(ctx, db, 100); err != nil || n != 1 {
		t.Fatalf("Stamp after the late commit = %d, %v; want 1", n, err)
	}
	page, err := events.ReadAfter(db.Session(ctx), nil, int64(base), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 2 {
		t.Fatalf("read %d entries, want 2", len(page.Entries))
	}
	first, second := page.Entries[0], page.Entries[1]
	if first.Position != int64(base+1) || attendee(t, first) != "early" || second.Position != int64(base+2) || attendee(t, second) != "late" {
		t.Errorf("log order = [%d %s, %d %s], want [%d early, %d late]", first.Position, attendee(t, first), second.Position, attendee(t, second), base+1, base+2)
	}
	if second.Event.ID >= first.Event.ID {
		t.Errorf("the late event's id %d is not below the early one's %d: the test did not reorder commits", second.Event.ID, first.Event.ID)
	}
	if page.Full || page.Scanned != int64(base+2) {
		t.Errorf("page = full %v, scanned %d; want false, %d", page.Full, page.Scanned, base+2)
	}
}

// TestPositionsAreAppendOnly: positions, like events, are never rewritten.
func TestPositionsAreAppendOnly(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := eventstest.Open(t, 2)
	if err := eventstest.Append(ctx, db, eventstest.Matter(t, db, "SAMR-HZ"), eventstest.Note("one")); err != nil {
		t.Fatal(err)
	}
	if _, err := events.Stamp(ctx, db, 10); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{`UPDATE event_positions SET position = 7`, `DELETE FROM event_positions`} {
		if err := db.Session(ctx).Gorm().Exec(sql).Error; err == nil {
			t.Errorf("%s succeeded; want it refused", sql)
		}
	}
}

// TestRelayStampsOnNotification: a running relay positions a commit
// promptly, and of two relays only one leads.
func TestRelayStampsOnNotification(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := eventstest.Open(t, 6)
	r1, r2 := eventstest.Relay(t, db), eventstest.Relay(t, db)
	eventstest.Eventually(t, 30*time.Second, "a relay leads", func() bool { return r1.Leading() || r2.Leading() })
	if r1.Leading() && r2.Leading() {
		t.Fatal("both relays lead")
	}
	m := eventstest.Matter(t, db, "SAMR-HZ") // and its first event
	for i := range 3 {
		if err := eventstest.Append(ctx, db, m, eventstest.Note(fmt.Sprint("tick ", i))); err != nil {
			t.Fatal(err)
		}
	}
	// Well inside the fallback poll: the notification woke the relay.
	eventstest.Eventually(t, events.FallbackPoll-time.Second, "3 events positioned", func() bool {
		last, err := events.LastPosition(db.Session(ctx))
		return err == nil && last == 4
	})
}

// TestStampKeepsMatterOrder appends to a few matters from many goroutines
// and checks that each matter's events are positioned in sequence order.
func TestStampKeepsMatterOrder(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := eventstest.Open(t, 20)
	eventstest.Relay(t, db)
	matters := []string{eventstest.Matter(t, db, "A"), eventstest.Matter(t, db, "A"), eventstest.Matter(t, db, "A")}
	const writers, each = 8, 20
	errc := make(chan error, writers)
	for w := range writers {
		go func() {
			var err error
			for i := 0; i < each && err == nil; i++ {
				err = eventstest.Append(ctx, db, matters[(w+i)%len(matters)], eventstest.Note("tick"))
			}
			errc <- err
		}()
	}
	for range writers {
		if err := <-errc; err != nil {
			t.Fatal(err)
		}
	}
	eventstest.Eventually(t, 30*time.Second, "every event positioned", func() bool {
		last, err := events.LastPosition(db.Session(ctx))
		return err == nil && last == writers*each+int64(len(matters))
	})
	assertMatterOrder(t, db)
}

// assertMatterOrder checks that positions follow each matter's sequence.
func assertMatterOrder(t *testing.T, db *store.DB) {
	t.Helper()
	page, err := events.ReadAfter(db.Session(t.Context()), nil, 0, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	seq := map[string]int64{}
	for i, e := range page.Entries {
		if e.Position != int64(i+1) {
			t.Fatalf("entry %d has position %d: positions are not gap-free", i, e.Position)
		}
		if e.Event.Seq != seq[e.Event.MatterID]+1 {
			t.Errorf("position %d: matter %s seq %d after seq %d", e.Position, e.Event.MatterID, e.Event.Seq, seq[e.Event.MatterID])
		}
		seq[e.Event.MatterID] = e.Event.Seq
	}
}

// TestReadStats: the log's position, the committed events not stamped
// yet, and how far each consumer's cursor lies behind the position.
func TestReadStats(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := eventstest.Open(t, 4)
	m := eventstest.Matter(t, db, "SAMR-HZ")
	if err := eventstest.Append(ctx, db, m, eventstest.Note("one")); err != nil {
		t.Fatal(err)
	}
	if _, err := events.Stamp(ctx, db, 100); err != nil {
		t.Fatal(err)
	}
	c := events.NewConsumer(db, "test.behind", nil, func(store.Tx, events.Entry) error { return nil }, zap.NewNop())
	if n, err := c.ConsumeOnce(ctx); err != nil || n != 2 {
		t.Fatalf("ConsumeOnce = %d, %v; want 2", n, err)
	}
	if err := eventstest.Append(ctx, db, m, eventstest.Note("two")); err != nil {
		t.Fatal(err)
	}
	stats := func() events.Stats {
		t.Helper()
		st, err := events.ReadStats(db.Session(ctx))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	if diff := cmp.Diff(events.Stats{Position: 2, Unstamped: 1, Lag: map[string]int64{"test.behind": 0}}, stats()); diff != "" {
		t.Errorf("before stamping the last event: mismatch (-want +got):\n%s", diff)
	}
	if _, err := events.Stamp(ctx, db, 100); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(events.Stats{Position: 3, Unstamped: 0, Lag: map[string]int64{"test.behind": 1}}, stats()); diff != "" {
		t.Errorf("after stamping it: mismatch (-want +got):\n%s", diff)
	}
}

// attendee is who attended the session an eventstest.Note records.
func attendee(t *testing.T, e events.Entry) string {
	t.Helper()
	p, err := events.Decode[events.SessionPayload](e.Event)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Attendees) != 1 {
		t.Fatalf("position %d: %s is not an eventstest.Note", e.Position, e.Event.Type)
	}
	return p.Attendees[0]
}
