// Package eventstest gives event-log tests matters to write to and a
// running relay, over a real database from storetest.
package eventstest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"testing"
	"time"

	"go.uber.org/zap"
	"gorm.io/gorm"

	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// Actor is the actor of test events.
var Actor = events.Actor{Subject: "eventstest", Role: "system"}

// Open returns a pool of up to conns connections to a fresh clone of the
// migrated template, and its URL; both go when t ends. Tests that hold
// transactions open need more connections than storetest.NewDB gives.
func Open(t testing.TB, conns int) (*gorm.DB, string) {
	t.Helper()
	url := storetest.URL(t)
	db, err := store.Open(t.Context(), store.Config{URL: url, MaxOpenConns: conns, MaxIdleConns: conns}, zap.NewNop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close(db) })
	return db, url
}

// Matter inserts a matter filed with agency, with one proceeding before
// each of forums, and its first event, `test.opened` (as filing opens a
// matter with its first event), and returns its id.
func Matter(t testing.TB, db *gorm.DB, agency string, forums ...string) string {
	t.Helper()
	ctx := t.Context()
	now := time.Now().UTC()
	var party, matter string
	if err := db.WithContext(ctx).Raw(`INSERT INTO parties (id, kind, display_name) VALUES (gen_random_uuid(), 'PERSON', '张三') RETURNING id`).Scan(&party).Error; err != nil {
		t.Fatal(err)
	}
	err := db.WithContext(ctx).Raw(`INSERT INTO matters (id, number, state, complainant_id, facts, agency, create_time, update_time)
		VALUES (gen_random_uuid(), ?, 'ACCEPTED', ?, 'test', ?, ?, ?) RETURNING id`, "T-"+suffix(), party, agency, now, now).Scan(&matter).Error
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range forums {
		if err := db.WithContext(ctx).Exec(`INSERT INTO proceedings (id, matter_id, kind, state, forum, create_time, update_time)
			VALUES (gen_random_uuid(), ?, 'TRIAL', 'OPEN', ?, ?, ?)`, matter, f, now, now).Error; err != nil {
			t.Fatal(err)
		}
	}
	if err := Append(ctx, db, matter, "test.opened", nil); err != nil {
		t.Fatal(err)
	}
	return matter
}

// Append appends one event of type typ with payload to matter in its own
// transaction and returns when it has committed.
func Append(ctx context.Context, db *gorm.DB, matter, typ string, payload any) error {
	return db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return events.Append(tx, events.NewEphemeralCheckpoints(), matter, Actor, time.Now(), events.Record{Type: typ, Payload: payload})
	})
}

// Relay runs a relay over db until t ends, and waits for it to stop.
func Relay(t testing.TB, db *gorm.DB, url string) *events.Relay {
	t.Helper()
	r := events.NewRelay(db, url, zap.NewNop())
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

func suffix() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
