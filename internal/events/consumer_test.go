package events_test

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/eventstest"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// judgment is a record of the type the consumers under test want: a
// judgment that took effect, as the administrative side consumes it.
func judgment() events.Record {
	return events.Record{Type: events.TrialJudgmentEffective, Payload: events.JudgmentEffective{}}
}

// TestConsumerKilledMidStream kills a consumer after its handler has acted
// and before the cursor's transaction commits (the cursor moves with the
// handler's writes), restarts it, and checks
// that every event was applied exactly once in effect: the in-transaction
// write has no ON CONFLICT, so applying an event twice would fail, and the
// effect outside the transaction (a notice to another system) is keyed on
// the event, so its repetition changes nothing.
func TestConsumerKilledMidStream(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := eventstest.Open(t, 10)
	eventstest.Relay(t, db)
	for _, ddl := range []string{
		`CREATE TABLE applied (matter_id uuid, seq bigint, PRIMARY KEY (matter_id, seq))`,
		`CREATE TABLE notices (matter_id uuid, seq bigint, PRIMARY KEY (matter_id, seq))`,
	} {
		storetest.Exec(t, db, ddl)
	}
	matters := []string{eventstest.Matter(t, db, "A"), eventstest.Matter(t, db, "B"), eventstest.Matter(t, db, "C")}
	appendJudgments := func(n int) {
		t.Helper()
		for i := range n {
			m := matters[i%len(matters)]
			// An event the consumer does not want between each it wants.
			if err := eventstest.Append(ctx, db, m, judgment()); err != nil {
				t.Fatal(err)
			}
			if err := eventstest.Append(ctx, db, m, eventstest.Note("other")); err != nil {
				t.Fatal(err)
			}
		}
	}
	appendJudgments(15)

	const killAt = 5
	var calls atomic.Int64
	var kill atomic.Pointer[context.CancelFunc]
	handler := func(tx store.Tx, e events.Entry) error {
		if e.Event.Type != events.TrialJudgmentEffective {
			t.Errorf("handler got %s, which it did not ask for", e.Event.Type)
		}
		// The effect outside the transaction, on a session of its own.
		if err := db.Session(tx.Context()).Gorm().Exec(`INSERT INTO notices VALUES (?, ?) ON CONFLICT DO NOTHING`, e.Event.MatterID, e.Event.Seq).Error; err != nil {
			return err
		}
		if err := tx.Gorm().Exec(`INSERT INTO applied VALUES (?, ?)`, e.Event.MatterID, e.Event.Seq).Error; err != nil {
			return err
		}
		if calls.Add(1) == killAt {
			(*kill.Load())() // dies before the cursor's transaction commits
		}
		return nil
	}
	run := func() (stop func()) {
		c := events.NewConsumer(db, "test.judgments", []events.Type{events.TrialJudgmentEffective}, handler, zap.NewNop())
		rctx, cancel := context.WithCancel(ctx)
		kill.Store(&cancel)
		done := make(chan struct{})
		go func() {
			defer close(done)
			_ = c.Run(rctx)
		}()
		return func() { cancel(); <-done }
	}
	count := func(table string) int64 {
		var n int64
		if err := db.Session(ctx).Gorm().Table(table).Count(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}

	stop := run()
	eventstest.Eventually(t, 30*time.Second, "the consumer is killed", func() bool { return calls.Load() >= killAt })
	stop()
	if got := count("applied"); got >= killAt {
		t.Fatalf("after the kill, %d events applied; want fewer than %d (the last transaction rolled back)", got, killAt)
	}
	if got := count("notices"); got != killAt {
		t.Fatalf("after the kill, %d notices; want %d", got, killAt)
	}

	stop = run()
	defer stop()
	appendJudgments(6) // while it runs
	eventstest.Eventually(t, 30*time.Second, "21 judgments applied", func() bool { return count("applied") == 21 })
	c := events.NewConsumer(db, "test.judgments", nil, handler, zap.NewNop())
	eventstest.Eventually(t, 30*time.Second, "the cursor at the end of the log", func() bool {
		pos, err1 := c.Position(ctx)
		last, err2 := events.LastPosition(db.Session(ctx))
		return err1 == nil && err2 == nil && pos == last && last == 3+2*21
	})
	if got := calls.Load(); got <= 21 {
		t.Errorf("handler ran %d times, want more than 21: the killed transaction's events were not delivered again", got)
	}
	if got := count("notices"); got != 21 {
		t.Errorf("%d notices, want 21: a redelivered event repeated its effect", got)
	}
}

// TestConsumersRegistry: registered consumers each keep their own cursor.
func TestConsumersRegistry(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := eventstest.Open(t, 10)
	eventstest.Relay(t, db)
	m := eventstest.Matter(t, db, "A")
	for _, r := range []events.Record{judgment(), eventstest.Note("other"), judgment()} {
		if err := eventstest.Append(ctx, db, m, r); err != nil {
			t.Fatal(err)
		}
	}
	reg := events.NewConsumers(db, zap.NewNop())
	var judgments, all atomic.Int64
	reg.Register("admin.repeat-infringers", []events.Type{events.TrialJudgmentEffective}, func(store.Tx, events.Entry) error {
		judgments.Add(1)
		return nil
	})
	reg.Register("test.everything", nil, func(store.Tx, events.Entry) error {
		all.Add(1)
		return nil
	})
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- reg.Run(rctx) }()
	eventstest.Eventually(t, 30*time.Second, "both consumers done", func() bool { return judgments.Load() == 2 && all.Load() == 4 })
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run = %v, want nil after cancel", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("registering a name twice did not panic")
		}
	}()
	reg.Register("test.everything", nil, func(store.Tx, events.Entry) error { return nil })
}

// TestPathToTheHandlerRoundTrips counts the round trips on an event's way
// from its commit to a consumer's handler, on warm connections: the relay
// stamps it in two (BEGIN with the lock and the stamping, then COMMIT),
// and the consumer reaches the handler on its second (BEGIN with the
// cursor's lock, then the page) and moves the cursor with COMMIT, a third.
// A page of several events costs the same three: no round trip per event.
func TestPathToTheHandlerRoundTrips(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := eventstest.Open(t, 1) // one connection, warmed by the first pass
	matter := eventstest.Matter(t, db, "SAMR-HZ")
	var trips, atHandler atomic.Int64
	c := events.NewConsumer(db, "test.roundtrips", []events.Type{events.TrialJudgmentEffective}, func(store.Tx, events.Entry) error {
		atHandler.CompareAndSwap(0, trips.Load())
		return nil
	}, zap.NewNop())
	db.OnRoundTrip(func(context.Context) { trips.Add(1) })
	for pass, n := range []int{1, 1, 5} {
		for range n {
			if err := eventstest.Append(ctx, db, matter, judgment()); err != nil {
				t.Fatal(err)
			}
		}
		trips.Store(0)
		if stamped, err := events.Stamp(ctx, db, 100); err != nil || stamped == 0 {
			t.Fatalf("Stamp = %d, %v; want the new events", stamped, err)
		}
		stamp := trips.Load()
		trips.Store(0)
		atHandler.Store(0)
		if got, err := c.ConsumeOnce(ctx); err != nil || got != n {
			t.Fatalf("ConsumeOnce = %d, %v; want the %d judgments", got, err, n)
		}
		if pass == 0 {
			continue // the cursor's first use creates it; statements are prepared
		}
		if stamp != 2 || atHandler.Load() != 2 || trips.Load() != 3 {
			t.Errorf("%d events: round trips stamping %d, to the first handler %d, consuming %d; want 2, 2, 3",
				n, stamp, atHandler.Load(), trips.Load())
		}
	}
	if pos, err := c.Position(ctx); err != nil || pos == 0 {
		t.Errorf("the cursor is at %d, %v; want past the judgments", pos, err)
	}
}

// TestHandlerErrorUndoesItsEventOnly fails the handler on one event: what
// it wrote for that event is undone, what it wrote for the events before
// is kept, and the cursor stops before it, so the next run starts there.
// It fails the first event a consumer ever sees (its cursor is created in
// that transaction and must survive), then the first of a page, then a
// later one.
func TestHandlerErrorUndoesItsEventOnly(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := eventstest.Open(t, 2)
	storetest.Exec(t, db, `CREATE TABLE applied (matter_id uuid, seq bigint, PRIMARY KEY (matter_id, seq))`)
	matter := eventstest.Matter(t, db, "SAMR-HZ")
	var failSeq atomic.Int64 // the event the handler fails on, by its seq
	c := events.NewConsumer(db, "test.failing", []events.Type{events.TrialJudgmentEffective}, func(tx store.Tx, e events.Entry) error {
		if err := tx.Gorm().Exec(`INSERT INTO applied VALUES (?, ?)`, e.Event.MatterID, e.Event.Seq).Error; err != nil {
			return err
		}
		if e.Event.Seq == failSeq.Load() {
			return errors.New("refused")
		}
		return nil
	}, zap.NewNop())
	appendJudgments := func(n int) (seqs []int64) {
		t.Helper()
		for range n {
			if err := eventstest.Append(ctx, db, matter, judgment()); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := events.Stamp(ctx, db, 100); err != nil {
			t.Fatal(err)
		}
		var all []int64
		if err := db.Session(ctx).Gorm().Raw(`SELECT seq FROM events WHERE matter_id = ? AND type = ? ORDER BY seq`, matter,
			events.TrialJudgmentEffective).Scan(&all).Error; err != nil {
			t.Fatal(err)
		}
		return all[len(all)-n:]
	}
	applied := func() (seqs []int64) {
		t.Helper()
		if err := db.Session(ctx).Gorm().Raw(`SELECT seq FROM applied ORDER BY seq`).Scan(&seqs).Error; err != nil {
			t.Fatal(err)
		}
		return seqs
	}
	var want []int64
	for _, tt := range []struct {
		name      string
		judgments int
		failAt    int // index of the failing judgment
	}{
		{"the cursor's first event", 2, 0},
		{"the first event of a page", 2, 0},
		{"a later event", 3, 1},
	} {
		seqs := appendJudgments(tt.judgments)
		failSeq.Store(seqs[tt.failAt])
		n, err := c.ConsumeOnce(ctx)
		if err == nil || n != tt.failAt {
			t.Fatalf("%s: ConsumeOnce = %d, %v; want %d applied and the handler's error", tt.name, n, err, tt.failAt)
		}
		if got := applied(); !slices.Equal(got, append(want, seqs[:tt.failAt]...)) {
			t.Fatalf("%s: applied %v; want %v and the events before the failing one of %v", tt.name, got, want, seqs)
		}
		var cursors int64
		if err := db.Session(ctx).Gorm().Raw(`SELECT count(*) FROM consumer_cursors WHERE name = ?`, c.Name()).Scan(&cursors).Error; err != nil || cursors != 1 {
			t.Fatalf("%s: %d cursors, %v; want the consumer's", tt.name, cursors, err)
		}
		failSeq.Store(0)
		if n, err := c.ConsumeOnce(ctx); err != nil || n != tt.judgments-tt.failAt {
			t.Fatalf("%s: ConsumeOnce again = %d, %v; want the rest, %d", tt.name, n, err, tt.judgments-tt.failAt)
		}
		want = append(want, seqs...)
		if got := applied(); !slices.Equal(got, want) {
			t.Fatalf("%s: applied %v; want each event once, %v", tt.name, got, want)
		}
	}
}
