package evidence

import (
	"cmp"
	"context"
	"fmt"
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
	lock     *store.Singleton
	logger   *zap.Logger
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
	logger = logger.Named("evidence-cleaner")
	return &Cleaner{files: files, store: st, cited: cited, ttl: l.UncitedTTL, interval: l.CleanInterval,
		lock: st.db.Singleton("evidence-cleaner", cleanLockKey, min(l.CleanInterval, store.LeaseRetry), logger), logger: logger}
}

// Leading reports whether this cleaner holds the lock now.
func (c *Cleaner) Leading() bool { return c.lock.Leading() }

// Failures is how many times the cleaner failed to take its lock or to
// clean since the start.
func (c *Cleaner) Failures() int64 { return c.lock.Backoff().Failures() }

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

// Run cleans every interval until ctx ends, on one replica at a time
// (store.Singleton: a Postgres advisory lock on a connection of its own,
// checked every store.LeaseCheck); a replica without the lock tries again
// every store.LeaseRetry (or interval, if shorter). Failures are retried
// with backoff and logged once per run of them, never returned: Run
// returns nil when ctx ends.
func (c *Cleaner) Run(ctx context.Context) error {
	return c.lock.Run(ctx, c.cleanWhileLeading)
}

// cleanWhileLeading cleans every interval until ctx ends.
func (c *Cleaner) cleanWhileLeading(ctx context.Context) error {
	backoff := c.lock.Backoff()
	for {
		wait := c.interval
		res, err := c.CleanOnce(ctx, time.Now())
		switch {
		case err != nil && ctx.Err() != nil:
			return nil
		case err != nil:
			wait = min(wait, backoff.Fail(fmt.Errorf("evidence cleaning: %w", err)))
		default:
			backoff.OK()
			if res.Uploads+res.Cited > 0 || res.Staged > 0 {
				c.logger.Info("evidence cleaned", zap.Int64("uploads_removed", res.Uploads), zap.Int("contents_removed", res.Contents),
					zap.Int64("uploads_cited", res.Cited), zap.Int("staged_removed", res.Staged))
			}
		}
		if !sleep(ctx, wait) {
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
