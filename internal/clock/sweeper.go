package clock

import (
	"context"
	"fmt"
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
	LockRetry time.Duration `env:"IPCASE_SWEEP_LOCK_RETRY, default=1s"`
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
	lead     time.Duration
	lock     *store.Singleton
	logger   *zap.Logger
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
	logger = logger.Named("deadline-sweeper")
	return &Sweeper{store: s, interval: cfg.SweepInterval, lead: cfg.Lead,
		lock: s.db.Singleton("sweeper", sweepLockKey, retry, logger), logger: logger}
}

// Leading reports whether this sweeper holds the lock now.
func (w *Sweeper) Leading() bool { return w.lock.Leading() }

// Failures is how many times the sweeper failed to take its lock or to
// sweep since the start.
func (w *Sweeper) Failures() int64 { return w.lock.Backoff().Failures() }

// Run sweeps every interval until ctx ends, on one replica at a time
// (store.Singleton: a Postgres advisory lock on a connection of its own,
// checked every store.LeaseCheck; the sweep stops as soon as the lock's
// session is lost). When it takes the lock it first recomputes the open
// deadlines computed on another calendar version (Store.Recompute). A
// replica without the lock tries every LockRetry. Failures are retried
// with backoff and logged once per run of them, never returned: Run
// returns nil when ctx ends.
func (w *Sweeper) Run(ctx context.Context) error {
	return w.lock.Run(ctx, w.sweepWhileLeading)
}

// sweepWhileLeading sweeps every interval until ctx ends.
func (w *Sweeper) sweepWhileLeading(ctx context.Context) error {
	backoff := w.lock.Backoff()
	recomputed := false
	for {
		if !recomputed {
			recomputed = w.recompute(ctx)
		}
		wait := w.interval
		if res, err := w.SweepOnce(ctx, time.Now()); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			wait = min(wait, backoff.Fail(fmt.Errorf("deadline sweep: %w", err)))
		} else {
			backoff.OK()
			if res.Approaching+res.Missed > 0 {
				w.logger.Info("deadlines swept", zap.Int("approaching", res.Approaching), zap.Int("missed", res.Missed))
			}
		}
		if !sleep(ctx, wait) {
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
// appends the event fn returns, at now. Each transaction locks the
// deadline's matter first, as transitions do (Store.lockMatterOf). It
// returns how many rows it changed.
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
				if found, err := w.store.lockMatterOf(tx, id); err != nil || !found {
					return err
				}
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
