package events_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/events/eventstest"
	"github.com/ipcase/ipcase/internal/store"
)

// TestConsumersShareTheHub registers several consumers woken by one Hub
// and checks that the process listens on one session only, not one per
// consumer, and that each consumer still applies every event as it is
// stamped, without waiting for a fallback poll.
func TestConsumersShareTheHub(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db := eventstest.Open(t, 10)
	eventstest.Relay(t, db)
	m := eventstest.Matter(t, db, "A")
	hub := eventstest.Hub(t, db)
	reg := events.NewConsumers(db, zap.NewNop())
	reg.WakeWith(hub)
	const consumers = 5
	var applied [consumers]atomic.Int64
	for i := range consumers {
		reg.Register("test.shared-"+string(rune('a'+i)), nil, func(store.Tx, events.Entry) error {
			applied[i].Add(1)
			return nil
		})
	}
	rctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = reg.Run(rctx)
	}()
	t.Cleanup(func() { cancel(); <-done })
	eventstest.Eventually(t, 30*time.Second, "the hub listens and every consumer waits on it", func() bool {
		return hub.Listening() && hub.Waiters() == consumers
	})
	for round := int64(1); round <= 3; round++ {
		start := time.Now()
		if err := eventstest.Append(ctx, db, m, eventstest.Note("tick")); err != nil {
			t.Fatal(err)
		}
		// Woken by the notification: well before the fallback poll.
		eventstest.Eventually(t, events.FallbackPoll-time.Second, "every consumer applies the event", func() bool {
			for i := range applied {
				if applied[i].Load() != round+1 {
					return false
				}
			}
			return true
		})
		t.Logf("round %d applied by %d consumers in %s", round, consumers, time.Since(start))
	}
	var listening int
	err := db.Session(ctx).Gorm().Raw(`SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND query = 'LISTEN "ipcase_positions"'`).Scan(&listening).Error
	if err != nil {
		t.Fatal(err)
	}
	if listening != 1 {
		t.Errorf("%d sessions listen for positions; want 1, the hub's", listening)
	}
}
