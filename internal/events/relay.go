package events

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/store"
)

// relayLockKey keeps the relay loop to one replica ("ipcaserl").
const relayLockKey int64 = 0x6970636173657266

// stampLockKey serializes stamping itself, whoever calls it ("ipcasest").
const stampLockKey int64 = 0x6970636173657374

// stampBatch is how many events one stamping statement positions.
const stampBatch = 1000

// stampSQL moves up to $1 queued events into the log order, in id order,
// numbering them on from the last position (a queued id whose event is
// gone, which only tampering can do, is dropped). It only sees events whose
// transactions have committed: that is what makes positions safe.
const stampSQL = `
WITH batch AS (
	DELETE FROM event_unstamped
	WHERE event_id IN (SELECT event_id FROM event_unstamped ORDER BY event_id LIMIT ?)
	RETURNING event_id
), last AS (
	SELECT coalesce(max(position), 0) AS position FROM event_positions
)
INSERT INTO event_positions (position, event_id)
SELECT last.position + row_number() OVER (ORDER BY batch.event_id), batch.event_id
FROM batch JOIN events e ON e.id = batch.event_id, last
RETURNING position`

// Relay gives committed events their log positions. Run does it on one
// replica at a time, woken by the trigger on events.
type Relay struct {
	db     *store.DB
	poll   time.Duration
	logger *zap.Logger

	leading atomic.Bool
}

// NewRelay returns a Relay stamping through db, listening and holding its
// lock on connections of its own to db's server. It panics on a nil db or
// logger, which are wiring errors.
func NewRelay(db *store.DB, logger *zap.Logger) *Relay {
	if db == nil || logger == nil {
		panic("events.NewRelay: nil dependency")
	}
	return &Relay{db: db, poll: FallbackPoll, logger: logger.Named("event-relay")}
}

// Leading reports whether this relay holds the relay lock now.
func (r *Relay) Leading() bool { return r.leading.Load() }

// Run stamps events as they commit until ctx ends, on one replica at a
// time: it takes an advisory lock on a connection of its own, which also
// listens on ChannelEvents, and stamps on every notification, and at least
// every FallbackPoll. A replica without the lock tries again every
// FallbackPoll; if the connection dies, so does the lock, and Run starts
// over. Database errors are logged and retried, never returned: Run
// returns nil when ctx ends.
func (r *Relay) Run(ctx context.Context) error {
	for {
		if err := r.lead(ctx); err != nil && ctx.Err() == nil {
			r.logger.Warn("event relay stopped; retrying", zap.Error(err))
		}
		if !sleep(ctx, r.poll) {
			return nil
		}
	}
}

// lead takes the lock if it is free and stamps until the connection fails
// or ctx ends.
func (r *Relay) lead(ctx context.Context) error {
	l, err := Listen(ctx, r.db.URL(), ChannelEvents)
	if err != nil {
		return err
	}
	defer l.Close(ctx)
	ok, err := l.tryLock(ctx, relayLockKey)
	if err != nil || !ok {
		return err
	}
	r.leading.Store(true)
	defer r.leading.Store(false)
	r.logger.Info("event relay took the lock")
	for {
		// Listening started before this stamp, so nothing committed after
		// it goes unnoticed.
		if _, err := r.StampOnce(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			r.logger.Warn("stamping events failed", zap.Error(err))
		}
		if err := l.Wait(ctx, r.poll); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// StampOnce gives every event committed so far and not yet positioned its
// position, and returns how many it stamped. It is safe to call
// concurrently, from any replica: stamping is serialized by a
// transaction-level advisory lock.
func (r *Relay) StampOnce(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := Stamp(ctx, r.db, stampBatch)
		total += n
		if err != nil || n < stampBatch {
			return total, err
		}
	}
}

// Stamp positions up to limit committed events, in one transaction, and
// notifies ChannelPositions when it stamped any. It returns how many.
func Stamp(ctx context.Context, db *store.DB, limit int) (int, error) {
	var positions []int64
	err := db.InTx(ctx, func(tx store.Tx) error {
		g := tx.Gorm()
		// In READ COMMITTED each statement takes a new snapshot, so the
		// statements after the lock see every position stamped before it.
		if err := g.Exec(`SELECT pg_advisory_xact_lock(?)`, stampLockKey).Error; err != nil {
			return err
		}
		if err := g.Raw(stampSQL, limit).Scan(&positions).Error; err != nil {
			return err
		}
		if len(positions) == 0 {
			return nil
		}
		last := positions[len(positions)-1]
		return g.Exec(`SELECT pg_notify(?, ?)`, ChannelPositions, fmt.Sprint(last)).Error
	})
	if err != nil {
		return 0, fmt.Errorf("events: stamping positions: %w", store.Translate(err))
	}
	return len(positions), nil
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
