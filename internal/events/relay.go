package events

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/store"
)

// relayLockKey keeps the relay loop to one replica ("ipcaserl").
const relayLockKey int64 = 0x6970636173657266

// stampLockKey serializes stamping itself, whoever calls it ("ipcasest").
const stampLockKey int64 = 0x6970636173657374

// maxBackoff caps the wait between a background loop's retries while the
// database fails: it resumes within it of the database's return.
const maxBackoff = 5 * time.Second

// stampBatch is how many events one stamping statement positions.
const stampBatch = 1000

// stampSQL moves up to ? queued events into the log order, in id order,
// numbering them on from the last position (a queued id whose event is
// gone, which only tampering can do, is dropped), notifies the channel ?
// with the last position when it stamped any, and answers how many. It
// only sees events whose transactions have committed: that is what makes
// positions safe.
//
// Its plan must not depend on the size of events: the batch is found
// through the queue's key (= ANY of an array, which the planner expects to
// be short) and each queued event is looked up by its key, in a LATERAL
// subquery that OFFSET 0 keeps from being flattened into a join. Planned
// as a join on the batch's LIMIT, it hashed every event of a log under
// about 100,000 events, on every stamp (TestStampPlanFollowsKeys).
const stampSQL = `
WITH batch AS (
	DELETE FROM event_unstamped
	WHERE event_id = ANY (ARRAY(SELECT event_id FROM event_unstamped ORDER BY event_id LIMIT ?))
	RETURNING event_id
), last AS (
	SELECT coalesce(max(position), 0) AS position FROM event_positions
), stamped AS (
	INSERT INTO event_positions (position, event_id)
	SELECT last.position + row_number() OVER (ORDER BY batch.event_id), batch.event_id
	FROM batch CROSS JOIN LATERAL (SELECT FROM events e WHERE e.id = batch.event_id OFFSET 0) e, last
	RETURNING position
)
SELECT count(*), CASE WHEN count(*) > 0 THEN pg_notify(?, max(position)::text) END FROM stamped`

// Relay gives committed events their log positions. Run does it on one
// replica at a time, woken by the trigger on events.
type Relay struct {
	db     *store.DB
	poll   time.Duration
	lock   *store.Singleton
	logger *zap.Logger
}

// NewRelay returns a Relay stamping through db, listening and holding its
// lock on connections of its own to db's server. It panics on a nil db or
// logger, which are wiring errors.
func NewRelay(db *store.DB, logger *zap.Logger) *Relay {
	if db == nil || logger == nil {
		panic("events.NewRelay: nil dependency")
	}
	logger = logger.Named("event-relay")
	return &Relay{db: db, poll: FallbackPoll, lock: db.Singleton("relay", relayLockKey, 0, logger), logger: logger}
}

// Leading reports whether this relay holds the relay lock now.
func (r *Relay) Leading() bool { return r.lock.Leading() }

// Failures is how many times the relay failed to take its lock, to listen
// or to stamp, since the start.
func (r *Relay) Failures() int64 { return r.lock.Backoff().Failures() }

// Run stamps events as they commit until ctx ends, on one replica at a
// time (store.Singleton): while it holds the relay lock it listens on
// ChannelEvents on a connection of its own and stamps on every
// notification, and at least every FallbackPoll; it stops within about
// store.LeaseCheck of losing the lock's session. Failures are retried with
// backoff and logged once per run of them, never returned: Run returns nil
// when ctx ends.
func (r *Relay) Run(ctx context.Context) error {
	return r.lock.Run(ctx, r.lead)
}

// lead stamps until the listening connection fails or ctx ends.
func (r *Relay) lead(ctx context.Context) error {
	l, err := Listen(ctx, r.db.URL(), ChannelEvents)
	if err != nil {
		return err
	}
	defer l.Close(ctx)
	backoff := r.lock.Backoff()
	for {
		// Listening started before this stamp, so nothing committed after
		// it goes unnoticed.
		if _, err := r.StampOnce(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			// The database is failing: wait (silently after the first
			// failure), then stamp again; a notification cannot help.
			if !sleep(ctx, backoff.Fail(fmt.Errorf("stamping events: %w", err))) {
				return nil
			}
			continue
		}
		backoff.OK()
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
// notifies ChannelPositions when it stamped any. It returns how many. Its
// statements go with BEGIN, so it takes two round trips, the second the
// COMMIT: stamping is on the way of every event to its readers.
func Stamp(ctx context.Context, db *store.DB, limit int) (int, error) {
	lock, err := store.Inline(`SELECT pg_advisory_xact_lock(?)`, stampLockKey)
	if err != nil {
		return 0, err
	}
	stamp, err := store.Inline(stampSQL, limit, ChannelPositions)
	if err != nil {
		return 0, err
	}
	// In READ COMMITTED each statement of the string takes a new snapshot,
	// so the stamping after the lock sees every position stamped before it.
	var n int
	err = db.InTxAfter(ctx, []store.First{{SQL: lock}, {SQL: stamp}}, func(_ store.Tx, rows []store.Text) error {
		var err error
		n, err = strconv.Atoi(string(rows[1][0][0]))
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("events: stamping positions: %w", store.Translate(err))
	}
	return n, nil
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
