package events_test

import (
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/eventstest"
)

// TestStampSkipsUncommitted holds one transaction open past a later one:
// the later commit gets position 1, and the earlier id, once committed,
// position 2. A reader of "id > cursor" would have skipped it.
func TestStampSkipsUncommitted(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, _ := eventstest.Open(t, 5)
	a, b := eventstest.Matter(t, db, "SAMR-HZ"), eventstest.Matter(t, db, "SAMR-HZ")
	cp := events.NewEphemeralCheckpoints()
	base, err := events.Stamp(ctx, db, 100) // the matters' first events
	if err != nil {
		t.Fatal(err)
	}

	late := db.WithContext(ctx).Begin()
	defer late.Rollback()
	if err := events.Append(late, cp, a, eventstest.Actor, time.Now(), events.Record{Type: "test.late"}); err != nil {
		t.Fatal(err)
	}
	if err := eventstest.Append(ctx, db, b, "test.early", nil); err != nil {
		t.Fatal(err)
	}
	if n, err := events.Stamp(ctx, db, 100); err != nil || n != 1 {
		t.Fatalf("Stamp with one transaction open = %d, %v; want 1 (the committed event only)", n, err)
	}
	if err := late.Commit().Error; err != nil {
		t.Fatal(err)
	}
	if n, err := events.Stamp(ctx, db, 100); err != nil || n != 1 {
		t.Fatalf("Stamp after the late commit = %d, %v; want 1", n, err)
	}
	page, err := events.ReadAfter(ctx, db, events.Filter{All: true}, int64(base), 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 2 {
		t.Fatalf("read %d entries, want 2", len(page.Entries))
	}
	first, second := page.Entries[0], page.Entries[1]
	if first.Position != int64(base+1) || first.Event.Type != "test.early" || second.Position != int64(base+2) || second.Event.Type != "test.late" {
		t.Errorf("log order = [%d %s, %d %s], want [%d test.early, %d test.late]", first.Position, first.Event.Type, second.Position, second.Event.Type, base+1, base+2)
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
	db, _ := eventstest.Open(t, 2)
	if err := eventstest.Append(ctx, db, eventstest.Matter(t, db, "SAMR-HZ"), "test.one", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := events.Stamp(ctx, db, 10); err != nil {
		t.Fatal(err)
	}
	for _, sql := range []string{`UPDATE event_positions SET position = 7`, `DELETE FROM event_positions`} {
		if err := db.WithContext(ctx).Exec(sql).Error; err == nil {
			t.Errorf("%s succeeded; want it refused", sql)
		}
	}
}

// TestRelayStampsOnNotification: a running relay positions a commit
// promptly, and of two relays only one leads.
func TestRelayStampsOnNotification(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, url := eventstest.Open(t, 6)
	r1, r2 := eventstest.Relay(t, db, url), eventstest.Relay(t, db, url)
	eventstest.Eventually(t, 30*time.Second, "a relay leads", func() bool { return r1.Leading() || r2.Leading() })
	if r1.Leading() && r2.Leading() {
		t.Fatal("both relays lead")
	}
	m := eventstest.Matter(t, db, "SAMR-HZ") // and its first event
	for i := range 3 {
		if err := eventstest.Append(ctx, db, m, "test.tick", map[string]int{"i": i}); err != nil {
			t.Fatal(err)
		}
	}
	// Well inside the fallback poll: the notification woke the relay.
	eventstest.Eventually(t, events.FallbackPoll-time.Second, "3 events positioned", func() bool {
		last, err := events.LastPosition(ctx, db)
		return err == nil && last == 4
	})
}

// TestStampKeepsMatterOrder appends to a few matters from many goroutines
// and checks that each matter's events are positioned in sequence order.
func TestStampKeepsMatterOrder(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, url := eventstest.Open(t, 20)
	eventstest.Relay(t, db, url)
	matters := []string{eventstest.Matter(t, db, "A"), eventstest.Matter(t, db, "A"), eventstest.Matter(t, db, "A")}
	const writers, each = 8, 20
	errc := make(chan error, writers)
	for w := range writers {
		go func() {
			var err error
			for i := 0; i < each && err == nil; i++ {
				err = eventstest.Append(ctx, db, matters[(w+i)%len(matters)], "test.tick", nil)
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
		last, err := events.LastPosition(ctx, db)
		return err == nil && last == writers*each+int64(len(matters))
	})
	assertMatterOrder(t, db)
}

// assertMatterOrder checks that positions follow each matter's sequence.
func assertMatterOrder(t *testing.T, db *gorm.DB) {
	t.Helper()
	page, err := events.ReadAfter(t.Context(), db, events.Filter{All: true}, 0, 1_000_000)
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
