package events_test

import (
	"testing"

	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/eventstest"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// The statements on every event's way to its readers, stamping and
// reading the log, must cost the same whatever the size of the log. Left
// to the planner's estimates, each planned a join on its LIMIT as a hash
// of every event, in a log under about 100,000 events (a young
// deployment's, or a benchmark's): at 1,000 events a second the relay and
// the readers spent their time hashing the log.

// TestStampPlanFollowsKeys: with 30,000 events stamped and 30,000 queued,
// the stamping statement reads the queue and events only through their
// keys, and stamps a full batch.
func TestStampPlanFollowsKeys(t *testing.T) {
	t.Parallel()
	db := logOf(t, 30000, 30000)
	q, err := events.StampQuery(1000)
	if err != nil {
		t.Fatal(err)
	}
	readsByKey(t, db, q)
	if n, err := events.Stamp(t.Context(), db, 1000); err != nil || n != 1000 {
		t.Fatalf("Stamp(1000) over 30,000 queued events = %d, %v; want 1000", n, err)
	}
}

// TestReadAfterPlanFollowsKeys: in a log of 20,000 stamped events, a page
// of the log is read through the positions' key and events', for every
// event type or for some.
func TestReadAfterPlanFollowsKeys(t *testing.T) {
	t.Parallel()
	db := logOf(t, 20000, 0)
	for _, types := range [][]events.Type{nil, {events.MediationSession, events.TrialJudgmentEffective}} {
		q, args := events.ReadAfterQuery(types, 10000, 200)
		readsByKey(t, db, q, args...)
	}
	page, err := events.ReadAfter(db.Session(t.Context()), nil, 10000, 200)
	if err != nil || len(page.Entries) != 200 || page.Entries[0].Position != 10001 || page.Scanned != 10200 || !page.Full {
		t.Fatalf("ReadAfter(10000, 200) = %d entries from %v to %d (full %v), %v; want positions 10001 to 10200",
			len(page.Entries), page.Entries[:min(1, len(page.Entries))], page.Scanned, page.Full, err)
	}
}

// logOf returns a database whose log holds a matter's first event and
// stamped more events after it, then queued more, all analyzed.
func logOf(t *testing.T, stamped, queued int) *store.DB {
	t.Helper()
	db := eventstest.Open(t, 2)
	m := eventstest.Matter(t, db, "SAMR-HZ")
	for i, n := range []int{stamped, queued} {
		storetest.Exec(t, db, `INSERT INTO events (matter_id, seq, type, actor_subject, actor_role, occur_time, payload, hash)
			SELECT ?, s, ?, 'officer-1', 'OFFICER', now(),
				json_build_object('date', '2026-12-01', 'attendees', json_build_array(s::text)), sha256(s::text::bytea)
			FROM generate_series((SELECT max(seq) + 1 FROM events WHERE matter_id = ?), (SELECT max(seq) + ? FROM events WHERE matter_id = ?)) s`,
			m, events.MediationSession, m, n, m)
		if i == 0 {
			if _, err := events.Stamp(t.Context(), db, stamped+1); err != nil {
				t.Fatal(err)
			}
		}
	}
	storetest.Exec(t, db, `ANALYZE events, event_unstamped, event_positions`)
	return db
}

// readsByKey fails t unless the plan of q reads no table whole, and events
// once, by its key, one row per lookup.
func readsByKey(t *testing.T, db *store.DB, q string, args ...any) {
	t.Helper()
	plan, out := storetest.Explain(t, db, q, args...)
	reads := 0
	plan.Walk(func(n *storetest.PlanNode, _ []*storetest.PlanNode) {
		if n.Type == "Seq Scan" {
			t.Errorf("%s read whole by a Seq Scan, want lookups by key\n%s", n.Relation, out)
		}
		if n.Relation == "events" {
			reads++
			if n.Type != "Index Scan" && n.Type != "Index Only Scan" || n.Cond == "" {
				t.Errorf("events read by a %s (index condition %q), want a lookup by key per row\n%s", n.Type, n.Cond, out)
			}
		}
	})
	if reads != 1 {
		t.Errorf("events read %d times in the plan, want once\n%s", reads, out)
	}
}
