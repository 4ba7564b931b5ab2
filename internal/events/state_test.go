package events_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/eventstest"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// head is a matter's chain head as stored.
type head struct {
	Seq       int64
	State     []byte
	Signature []byte
}

func readHead(t *testing.T, db *store.DB, matter string) head {
	t.Helper()
	var h head
	if err := db.Session(t.Context()).Gorm().Raw(`SELECT seq, state::text AS state, signature FROM event_heads WHERE matter_id = ?`, matter).
		Scan(&h).Error; err != nil {
		t.Fatal(err)
	}
	return h
}

func verify(t *testing.T, db *store.DB, log *events.Log, matter string) events.Verification {
	t.Helper()
	v, err := log.Verify(db.Session(t.Context()), matter)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// TestHeadCarriesState: AppendState signs the state it is given into the
// head, with events or without; Append keeps it; Verify hands it back; a
// state rewritten in the head, or removed, breaks the head's signature.
func TestHeadCarriesState(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	matter := eventstest.Matter(t, db, "SAMR-HZ")
	log := eventstest.Log // the key that signed the matter's head
	set := func(state string) events.NextState {
		return func([]byte) ([]byte, error) { return []byte(state), nil }
	}
	appendState := func(next events.NextState, recs ...events.Record) {
		t.Helper()
		if err := db.InTx(t.Context(), func(tx store.Tx) error {
			return log.AppendState(tx, matter, eventstest.Actor, time.Now(), next, recs...)
		}); err != nil {
			t.Fatal(err)
		}
	}

	appendState(set(`{"a":"1"}`), eventstest.Note("x"))
	v := verify(t, db, log, matter)
	if !v.Intact || v.Checked != 2 || string(v.State) != `{"a":"1"}` {
		t.Fatalf("after AppendState with an event: %+v; want intact, 2 events, state {\"a\":\"1\"}", v)
	}

	// The same state without events writes nothing; a new one moves the
	// state, not the chain.
	before := readHead(t, db, matter)
	appendState(set(`{"a":"1"}`))
	if after := readHead(t, db, matter); !bytes.Equal(after.Signature, before.Signature) {
		t.Error("an unchanged state signed the head again")
	}
	appendState(set(`{"a":"2"}`))
	if h := readHead(t, db, matter); h.Seq != 2 || string(h.State) != `{"a":"2"}` {
		t.Errorf("head after a new state: %+v; want seq 2, state {\"a\":\"2\"}", h)
	}
	// Append keeps the state; NextState sees the one signed before.
	if err := db.InTx(t.Context(), func(tx store.Tx) error {
		return log.Append(tx, matter, eventstest.Actor, time.Now(), eventstest.Note("y"))
	}); err != nil {
		t.Fatal(err)
	}
	var seen []byte
	appendState(func(prev []byte) ([]byte, error) { seen = prev; return prev, nil })
	if string(seen) != `{"a":"2"}` {
		t.Errorf("NextState was given %q; want the state signed before", seen)
	}
	if v := verify(t, db, log, matter); !v.Intact || v.Checked != 3 || string(v.State) != `{"a":"2"}` {
		t.Errorf("after Append: %+v; want intact, 3 events, state kept", v)
	}

	for _, tt := range []struct{ name, sql string }{
		{"state rewritten", `UPDATE event_heads SET state = '{"a":"3"}' WHERE matter_id = ?`},
		{"state removed", `UPDATE event_heads SET state = NULL WHERE matter_id = ?`},
	} {
		storetest.Exec(t, db, `UPDATE event_heads SET state = '{"a":"2"}' WHERE matter_id = ?`, matter)
		storetest.Exec(t, db, tt.sql, matter)
		if v := verify(t, db, log, matter); v.Intact || v.FirstBroken != 3 || !strings.Contains(v.Problem, "checkpoint signature") || v.State != nil {
			t.Errorf("%s: %+v; want broken at the head (event 3) by its signature, no state", tt.name, v)
		}
	}
}

// TestRewrittenHeadStaysBroken: the log does not sign again a head whose
// signature does not hold, so that a later change (a sweep's event, a
// state without events) does not make a rewritten head, and the state or
// the chain it claims, pass for history.
func TestRewrittenHeadStaysBroken(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	log := eventstest.Log
	storetest.Exec(t, db, `ALTER TABLE events DISABLE TRIGGER events_append_only`)
	for _, tt := range []struct {
		name string
		sql  []string
	}{
		{"state rewritten", []string{`UPDATE event_heads SET state = '{"matter state":"ACCEPTED"}' WHERE matter_id = ?`}},
		{"state removed", []string{`UPDATE event_heads SET state = NULL WHERE matter_id = ?`}},
		{"newest event removed and the head rewritten to match", []string{
			`DELETE FROM events WHERE seq = 2 AND matter_id = ?`,
			`UPDATE event_heads h SET seq = 1, hash = e.hash FROM events e WHERE e.matter_id = h.matter_id AND e.seq = 1 AND h.matter_id = ?`,
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			matter := eventstest.Matter(t, db, "SAMR-HZ")
			if err := eventstest.Append(t.Context(), db, matter, eventstest.Note("x")); err != nil {
				t.Fatal(err)
			}
			for _, q := range tt.sql {
				storetest.Exec(t, db, q, matter)
			}
			if err := db.InTx(t.Context(), func(tx store.Tx) error {
				if err := log.AppendState(tx, matter, events.System, time.Now(), func([]byte) ([]byte, error) { return []byte(`{"a":"1"}`), nil }); err != nil {
					return err
				}
				return log.Append(tx, matter, eventstest.Actor, time.Now(), eventstest.Note("y"))
			}); err != nil {
				t.Fatal(err)
			}
			if v := verify(t, db, log, matter); v.Intact {
				t.Errorf("after writing over the rewritten head: %+v; want broken", v)
			}
		})
	}
}

// TestHeadWithoutState: a head signed as before heads carried a state (no
// state, the v1 message) verifies intact with no state to compare, and
// AppendState then gives it one.
func TestHeadWithoutState(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	matter := eventstest.Matter(t, db, "SAMR-HZ")
	cp := events.NewEphemeralCheckpoints()
	log := events.NewLog(cp)
	var h struct {
		Seq  int64
		Hash []byte
	}
	if err := db.Session(t.Context()).Gorm().Raw(`SELECT seq, hash FROM event_heads WHERE matter_id = ?`, matter).Scan(&h).Error; err != nil {
		t.Fatal(err)
	}
	kid, sig := cp.SignHead(matter, h.Seq, h.Hash, nil)
	storetest.Exec(t, db, `UPDATE event_heads SET state = NULL, key_id = ?, signature = ? WHERE matter_id = ?`, kid, sig, matter)
	if v := verify(t, db, log, matter); !v.Intact || v.State != nil {
		t.Fatalf("head without a state: %+v; want intact, no state", v)
	}
	var unsigned []string
	if err := db.InTx(t.Context(), func(tx store.Tx) error {
		var err error
		unsigned, err = events.Unsigned(tx, "", "", 10)
		return err
	}); err != nil || len(unsigned) != 1 || unsigned[0] != matter {
		t.Fatalf("Unsigned: %v, %v; want [%s]", unsigned, err, matter)
	}
	// A state signed into it is then checked: the v1 signature does not
	// pass for the new head.
	if err := db.InTx(t.Context(), func(tx store.Tx) error {
		return log.AppendState(tx, matter, events.System, time.Now(), func(prev []byte) ([]byte, error) {
			if prev != nil {
				t.Errorf("NextState was given %q; want nil", prev)
			}
			return []byte(`{"a":"1"}`), nil
		})
	}); err != nil {
		t.Fatal(err)
	}
	if v := verify(t, db, log, matter); !v.Intact || string(v.State) != `{"a":"1"}` {
		t.Errorf("after AppendState: %+v; want intact with the state", v)
	}
}
