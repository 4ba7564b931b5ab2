package evidence

import (
	"cmp"
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/store"
)

// cleanLockKey is the advisory lock that keeps the cleaner to one replica
// ("ipcasecl" as an integer).
const cleanLockKey int64 = 0x697063617365636c

// cleanBatch is how many digests the cleaner asks about at a time.
const cleanBatch = 500

// Cleaner removes uploads that no matter cites once they are older than
// Limits.UncitedTTL, and their content when no upload of it is left.
// Run does it on one replica at a time; CleanOnce is one pass.
type Cleaner struct {
	files    *Files
	store    *Store
	cited    Cited
	ttl      time.Duration
	interval time.Duration
	logger   *zap.Logger

	leading atomic.Bool
}

// NewCleaner returns a Cleaner of the uploads in st and the content in
// files that asks cited (filing.Store.EvidenceCited) which content matters
// cite, with l's age and interval (the zero Limits are DefaultLimits). It
// panics on a nil dependency or limits that fail l.Check, which are wiring
// errors.
func NewCleaner(files *Files, st *Store, cited Cited, l Limits, logger *zap.Logger) *Cleaner {
	if files == nil || st == nil || cited == nil || logger == nil {
		panic("evidence.NewCleaner: nil dependency")
	}
	if l = l.orDefault(); l.Check() != nil {
		panic("evidence.NewCleaner: " + l.Check().Error())
	}
	return &Cleaner{files: files, store: st, cited: cited, ttl: l.UncitedTTL, interval: l.CleanInterval, logger: logger.Named("evidence-cleaner")}
}

// Leading reports whether this cleaner holds the lock now.
func (c *Cleaner) Leading() bool { return c.leading.Load() }

// Clean is what one CleanOnce did.
type Clean struct {
	// Cited is how many old uploads were found cited, and kept.
	Cited int64
	// Uploads is how many uploads were removed.
	Uploads int64
	// Contents is how many files were removed from the folder.
	Contents int
	// Staged is how many leftovers of interrupted uploads were removed.
	Staged int
}

// CleanOnce removes, at now, every upload created before now minus the
// age that no matter cites, and the content of each from the folder once
// no upload of it is left; an old upload a matter cites is marked cited
// and kept for good. It also removes what interrupted uploads left in
// tmp/ before that time. Each content is judged in its own transaction
// under its lock, in which the matters are asked whether they cite it, so
// an upload or a citation of the same content waits for it, and it for
// them.
func (c *Cleaner) CleanOnce(ctx context.Context, now time.Time) (Clean, error) {
	var res Clean
	var failed error // the first content that could not be judged; the others still are
	cutoff := now.Add(-c.ttl)
	after := ""
	for {
		digests, err := c.store.uncited(ctx, cutoff, after, cleanBatch)
		if err != nil {
			return res, err
		}
		for _, d := range digests {
			r, err := c.store.removeUncited(ctx, d, cutoff, now, c.cited, c.files)
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			if err != nil {
				failed = cmp.Or(failed, err)
				continue
			}
			res.Cited += r.cited
			res.Uploads += r.rows
			if r.content {
				res.Contents++
			}
		}
		if len(digests) < cleanBatch {
			break
		}
		after = digests[len(digests)-1]
	}
	n, err := c.files.RemoveStaged(cutoff)
	res.Staged = n
	return res, cmp.Or(failed, err)
}

// Run cleans every interval until ctx ends, on one replica at a time: it
// takes a Postgres advisory lock on a connection of its own and cleans
// while it holds it; a replica without the lock tries again every
// interval. Errors are logged and retried, never returned: Run returns nil
// when ctx ends.
func (c *Cleaner) Run(ctx context.Context) error {
	for {
		if err := c.lead(ctx); err != nil && ctx.Err() == nil {
			c.logger.Warn("evidence cleaning stopped; retrying", zap.Error(err))
		}
		if !sleep(ctx, c.interval) {
			return nil
		}
	}
}

// lead takes the lock if it is free and cleans until it is lost or ctx
// ends.
func (c *Cleaner) lead(ctx context.Context) error {
	l, err := acquire(ctx, c.store.db)
	if err != nil || l == nil {
		return err
	}
	defer l.release(ctx, c.logger)
	c.leading.Store(true)
	defer c.leading.Store(false)
	c.logger.Info("evidence cleaner took the lock")
	for {
		if err := l.held(ctx); err != nil {
			return fmt.Errorf("cleaner lock lost: %w", err)
		}
		res, err := c.CleanOnce(ctx, time.Now())
		switch {
		case err != nil && ctx.Err() != nil:
			return nil
		case err != nil:
			c.logger.Warn("evidence cleaning failed", zap.Error(err))
		case res.Uploads+res.Cited > 0 || res.Staged > 0:
			c.logger.Info("evidence cleaned", zap.Int64("uploads_removed", res.Uploads), zap.Int("contents_removed", res.Contents),
				zap.Int64("uploads_cited", res.Cited), zap.Int("staged_removed", res.Staged))
		}
		if !sleep(ctx, c.interval) {
			return nil
		}
	}
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

// lease is the cleaner's lock, held by the session of conn.
type lease struct{ conn *sql.Conn }

// acquire takes the cleaner's lock on a connection of its own, or returns
// nil when another session holds it.
func acquire(ctx context.Context, db *store.DB) (*lease, error) {
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("cleaner lock connection: %w", err)
	}
	var ok bool
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, cleanLockKey).Scan(&ok); err != nil {
		discard(conn)
		return nil, fmt.Errorf("cleaner lock: %w", err)
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
		cleanLockKey>>32, cleanLockKey&0xffffffff).Scan(&ok)
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
	if _, err := l.conn.ExecContext(ctx, `SELECT pg_advisory_unlock($1)`, cleanLockKey); err != nil {
		discard(l.conn)
		return
	}
	_ = l.conn.Close()
	logger.Info("evidence cleaner released the lock")
}

// discard closes conn's session instead of returning it to the pool.
func discard(conn *sql.Conn) {
	_ = conn.Raw(func(any) error { return driver.ErrBadConn })
	_ = conn.Close()
}
