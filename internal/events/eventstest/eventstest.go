// Package eventstest gives event-log tests matters to write to and a
// running relay, over a real database from storetest.
package eventstest

import (
	"context"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/mediation"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
	"github.com/ipcase/ipcase/internal/trial"
)

// Actor is the actor of test events.
var Actor = events.Actor{Subject: "eventstest", Role: "system"}

// Log is the event log the helpers write with.
var Log = events.NewLog(events.NewEphemeralCheckpoints())

// Open returns a pool of up to conns connections to a fresh clone of the
// migrated template; both go when t ends. Tests that hold transactions
// open need more connections than storetest.NewDB gives.
func Open(t testing.TB, conns int) *store.DB {
	t.Helper()
	return storetest.Open(t, storetest.URL(t), conns)
}

// trialRoute opens the test matters' proceedings before courts.
var trialRoute = trial.Machine.Route()

// Matter files a matter with agency through package filing, with one
// proceeding before each of forums, and returns its id; its first event is
// complaint.submitted.
func Matter(t testing.TB, db *store.DB, agency string, forums ...string) string {
	t.Helper()
	return routed(t, db, agency, trialRoute, forums...)
}

// Mediated is Matter with a mediation before body, an agency, where Matter
// opens trials before courts: agency and court codes are compared by the
// kind of the proceeding.
func Mediated(t testing.TB, db *store.DB, agency, body string) string {
	t.Helper()
	return routed(t, db, agency, mediation.Machine.Route(), body)
}

func routed(t testing.TB, db *store.DB, agency string, route filing.Route, forums ...string) string {
	t.Helper()
	fs := filing.NewStore(db, Log)
	at := time.Now().UTC().Truncate(time.Microsecond)
	m := &filing.Matter{Complainant: filing.Party{Kind: filing.Person, Name: "张三", Country: "CN"},
		Rights: []filing.Right{{Type: filing.Trademark, Title: "test"}}, Facts: "test", Agency: agency}
	err := db.InTx(t.Context(), func(tx store.Tx) error {
		if err := fs.CreateIn(tx, m, Actor, at); err != nil {
			return err
		}
		for _, f := range forums {
			m.OpenProceeding(at, route, f)
		}
		return fs.SaveProceedings(tx, m, at)
	})
	if err != nil {
		t.Fatal(err)
	}
	return string(m.ID)
}

// Append appends r to matter in its own transaction and returns when it
// has committed.
func Append(ctx context.Context, db *store.DB, matter string, r events.Record) error {
	return db.InTx(ctx, func(tx store.Tx) error { return Log.Append(tx, matter, Actor, time.Now(), r) })
}

// Note is a record of a declared type that tests write to fill the log:
// a session of a mediation, attended by who.
func Note(who string) events.Record {
	return events.Record{Type: events.MediationSession, Payload: events.SessionPayload{Attendees: []string{who}}}
}

// Relay runs a relay over db until t ends, and waits for it to stop.
func Relay(t testing.TB, db *store.DB) *events.Relay {
	t.Helper()
	r := events.NewRelay(db, zap.NewNop())
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = r.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return r
}

// Hub runs a Hub over db until t ends, and waits for it to stop.
func Hub(t testing.TB, db *store.DB) *events.Hub {
	t.Helper()
	h := events.NewHub(db, zap.NewNop())
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = h.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return h
}

// Eventually polls cond every few milliseconds until it holds, failing t
// with what when it does not within the deadline.
func Eventually(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: %s", within, what)
		}
		select {
		case <-t.Context().Done():
			t.Fatalf("test ended waiting for: %s", what)
		case <-tick.C:
		}
	}
}
