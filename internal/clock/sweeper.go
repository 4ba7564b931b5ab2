package clock

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
	"gorm.io/gorm/clause"

	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/store"
)

// Config is the sweeper's configuration.
type Config struct {
	// SweepInterval is how often the sweeper looks for approaching and
	// missed deadlines, and how often a replica without the lock tries to
	// take it.
	SweepInterval time.Duration `env:"IPCASE_SWEEP_INTERVAL, default=1m"`
	// LockRetry is how often a replica without the sweep lock tries to
	// take it, at most SweepInterval: it bounds how long sweeping stops
	// when the leading replica dies.
	LockRetry time.Duration `env:"IPCASE_SWEEP_LOCK_RETRY, default=5s"`
	// Lead is how long before the start of its due day (China Standard
	// Time) a deadline is announced as approaching; 72h announces it on the
	// third day before.
	Lead time.Duration `env:"IPCASE_DEADLINE_LEAD, default=72h"`
}

// Check refuses settings the sweeper cannot run with; ipcased calls it at
// start, so that a bad setting stops the start.
func (c Config) Check() error {
	if c.SweepInterval <= 0 {
		return fmt.Errorf("IPCASE_SWEEP_INTERVAL: %s must be positive", c.SweepInterval)
	}
	if c.LockRetry < 0 {
		return fmt.Errorf("IPCASE_SWEEP_LOCK_RETRY: %s must not be negative", c.LockRetry)
	}
	if c.Lead < 0 {
		return fmt.Errorf("IPCASE_DEADLINE_LEAD: %s must not be negative", c.Lead)
	}
	return nil
}

// sweepLockKey is the advisory lock that keeps the sweep to one replica
// ("ipcaseds" as an integer).
const sweepLockKey int64 = 0x6970636173656473

// sweepBatch is how many deadlines a sweep reads at a time.
const sweepBatch = 500

// Sweeper announces approaching deadlines and marks missed ones, each as an
// event in the matter's chain. Run does it on one replica at a time.
type Sweeper struct {
	store    *Store
	interval time.Duration
	retry    time.Duration
	lead     time.Duration
	logger   *zap.Logger

	leading  atomic.Bool
	attempts atomic.Int64 // lock attempts, for tests
	terms    atomic.Int64 // times the lock was taken, for tests
}

// NewSweeper returns a Sweeper over s with cfg's interval and lead time. It
// panics on a nil store or logger, or a non-positive interval or negative
// lead, which are wiring errors.
func NewSweeper(s *Store, cfg Config, logger *zap.Logger) *Sweeper {
	if s == nil || logger == nil || cfg.SweepInterval <= 0 || cfg.Lead < 0 {
		panic("clock.NewSweeper: nil dependency or bad interval/lead")
	}
	retry := cfg.SweepInterval
	if cfg.LockRetry > 0 && cfg.LockRetry < retry {
		retry = cfg.LockRetry
	}
	return &Sweeper{store: s, interval: cfg.SweepInterval, retry: retry, lead: cfg.Lead, logger: logger.Named("deadline-sweeper")}
}

// Leading reports whether this sweeper holds the lock now.
func (w *Sweeper) Leading() bool { return w.leading.Load() }

// Run sweeps every interval until ctx ends, on one replica at a time: it
// takes a Postgres advisory lock on a connection of its own and sweeps
// while it holds it. When it takes the lock it first recomputes the open
// deadlines computed on another calendar version (Store.Recompute). If the
// lock is lost (the connection dies), it stops sweeping and tries again; a
// replica without the lock tries every LockRetry. Database errors are
// logged and retried, never returned: Run returns nil when ctx ends.
func (w *Sweeper) Run(ctx context.Context) error {
	for {
		w.attempts.Add(1)
		if err := w.lead1(ctx); err != nil && ctx.Err() == nil {
			w.logger.Warn("deadline sweep stopped; retrying", zap.Error(err))
		}
		if !sleep(ctx, w.retry) {
			return nil
		}
	}
}

// lead1 takes the lock if it is free and sweeps until it is lost or ctx
// ends.
func (w *Sweeper) lead1(ctx context.Context) error {
	l, err := acquire(ctx, w.store.db)
	if err != nil || l == nil {
		return err
	}
	defer l.release(ctx, w.logger)
	w.terms.Add(1)
	w.leading.Store(true)
	defer w.leading.Store(false)
	w.logger.Info("deadline sweeper took the lock")
	recomputed := false
	for {
		if err := l.held(ctx); err != nil {
			return fmt.Errorf("sweeper lock lost: %w", err)
		}
		if !recomputed {
			recomputed = w.recompute(ctx)
		}
		if res, err := w.SweepOnce(ctx, time.Now()); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			w.logger.Warn("deadline sweep failed", zap.Error(err))
		} else if res.Approaching+res.Missed > 0 {
			w.logger.Info("deadlines swept", zap.Int("approaching", res.Approaching), zap.Int("missed", res.Missed))
		}
		if !sleep(ctx, w.interval) {
			return nil
		}
	}
}

// recompute runs Store.Recompute and logs what it did; it reports whether
// the run completed.
func (w *Sweeper) recompute(ctx context.Context) bool {
	res, err := w.store.Recompute(ctx, time.Now())
	for _, f := range res.Failed {
		w.logger.Warn("deadline not recomputed", zap.String("deadline_id", f.DeadlineID), zap.Error(f.Err))
	}
	if err != nil {
		if ctx.Err() == nil {
			w.logger.Warn("deadline recomputation failed", zap.Error(err))
		}
		return false
	}
	w.logger.Info("deadlines recomputed", zap.String("calendar_version", w.store.cal.Version()),
		zap.Int("checked", res.Checked), zap.Int("moved", res.Moved), zap.Int("failed", len(res.Failed)))
	return true
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

// lease is the sweep lock, held by the session of conn.
type lease struct{ conn *sql.Conn }

// acquire takes the sweep lock on a connection of its own, or returns nil
// when another session holds it.
func acquire(ctx context.Context, db *store.DB) (*lease, error) {
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("sweeper lock connection: %w", err)
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, sweepLockKey).Scan(&ok); err != nil {
		discard(conn)
		return nil, fmt.Errorf("sweeper lock: %w", err)
	}
	if !ok {
		_ = conn.Close()
		return nil, nil
	}
	return &lease{conn: conn}, nil
}

// held checks that the session still exists and holds the lock.
func (l *lease) held(ctx context.Context) error {
	var ok bool
	err := l.conn.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
		AND pid = pg_backend_pid() AND granted AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1)`,
		sweepLockKey>>32, sweepLockKey&0xffffffff).Scan(&ok)
	switch {
	case err != nil:
		return err
	case !ok:
		return errors.New("the session no longer holds the advisory lock")
	}
	return nil
}

// release unlocks and returns the connection to the pool, or closes it
// when unlocking fails, which ends the session and so the lock.
func (l *lease) release(ctx context.Context, logger *zap.Logger) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if _, err := l.conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, sweepLockKey); err != nil {
		discard(l.conn)
		return
	}
	_ = l.conn.Close()
	logger.Info("deadline sweeper released the lock")
}

// discard closes conn's session instead of returning it to the pool.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}

// Sweep is what one SweepOnce did.
type Sweep struct {
	Approaching int
	Missed      int
}

// SweepOnce marks, at now, every OPEN deadline whose due day is past in
// China Standard Time as MISSED (event deadline.missed), and announces every
// OPEN deadline whose due day begins within the lead time and was not yet
// announced (event deadline.approaching, once per due date). Events go to
// the deadline's matter with the actor {ipcased, system}. Each deadline
// changes in its own transaction under its row lock, skipping rows another
// transaction holds (the next sweep takes them), so concurrent sweeps never
// act twice; Run still keeps the sweep to one replica.
func (w *Sweeper) SweepOnce(ctx context.Context, now time.Time) (Sweep, error) {
	var res Sweep
	today := civil.Today(now)
	n, err := w.each(ctx, now, "status = 'OPEN' AND due_date < ?", []any{today}, func(tx store.Tx, r *deadlineRow) (events.Record, error) {
		r.Status, r.CloseTime, r.UpdateTime = string(StatusMissed), &now, now
		if err := tx.Gorm().Model(&deadlineRow{ID: r.ID}).Updates(map[string]any{"status": r.Status, "close_time": now, "update_time": now}).Error; err != nil {
			return events.Record{}, err
		}
		d, err := r.toDeadline()
		if err != nil {
			return events.Record{}, err
		}
		return events.Record{Type: events.DeadlineMissed, ProceedingID: d.ProceedingID,
			Payload: events.DeadlineMissedPayload{DeadlinePayload: d.payload(), Today: today}}, nil
	})
	res.Missed = n
	if err != nil {
		return res, err
	}
	horizon := civil.Today(now.Add(w.lead))
	n, err = w.each(ctx, now, "status = 'OPEN' AND NOT approaching_announced AND due_date >= ? AND due_date <= ?", []any{today, horizon},
		func(tx store.Tx, r *deadlineRow) (events.Record, error) {
			r.ApproachingAnnounced, r.UpdateTime = true, now
			if err := tx.Gorm().Model(&deadlineRow{ID: r.ID}).Updates(map[string]any{"approaching_announced": true, "update_time": now}).Error; err != nil {
				return events.Record{}, err
			}
			d, err := r.toDeadline()
			if err != nil {
				return events.Record{}, err
			}
			return events.Record{Type: events.DeadlineApproaching, ProceedingID: d.ProceedingID,
				Payload: events.DeadlineApproachingPayload{DeadlinePayload: d.payload(), Today: today, DaysLeft: today.DaysUntil(d.Due)}}, nil
		})
	res.Approaching = n
	return res, err
}

// each runs fn, in a transaction per row, on the deadlines matching where,
// locking each row and skipping those another transaction holds, and
// appends the event fn returns, at now. It returns how many rows it changed.
func (w *Sweeper) each(ctx context.Context, now time.Time, where string, args []any, fn func(store.Tx, *deadlineRow) (events.Record, error)) (int, error) {
	changed, after := 0, ""
	for {
		q := w.store.db.Session(ctx).Gorm().Model(&deadlineRow{}).Where(where, args...)
		if after != "" {
			q = q.Where("id > ?", after)
		}
		var ids []string
		if err := q.Order("id").Limit(sweepBatch).Pluck("id", &ids).Error; err != nil {
			return changed, fmt.Errorf("sweep: %w", store.Translate(err))
		}
		for _, id := range ids {
			acted := false
			err := w.store.db.InTx(ctx, func(tx store.Tx) error {
				var rows []deadlineRow
				if err := tx.Gorm().Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"}).
					Where("id = ?", id).Where(where, args...).Limit(1).Find(&rows).Error; err != nil {
					return err
				}
				if len(rows) == 0 {
					return nil // changed or held by another transaction
				}
				rec, err := fn(tx, &rows[0])
				if err != nil {
					return err
				}
				acted = true
				return w.store.log.Append(tx, rows[0].MatterID, events.System, now, rec)
			})
			if err != nil {
				return changed, fmt.Errorf("sweep %s: %w", id, store.Translate(err))
			}
			if acted {
				changed++
			}
		}
		if len(ids) < sweepBatch {
			return changed, nil
		}
		after = ids[len(ids)-1]
	}
}
