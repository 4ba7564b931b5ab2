package store

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"go.uber.org/zap"
)

// Backoff paces a background loop (the event relay, the deadline
// sweeper, the consumers, the webhook dispatcher) through a run of
// failures, which is what an unreachable database looks like to it: each
// failure in a row doubles the wait before the next attempt, from base up
// to max, with jitter so that replicas do not retry in step. It logs the
// change of state once each way — the first failure at Warn ("background
// task unavailable"), the first success after failures at Info
// ("background task available again") — and counts every failure for
// ipcase_background_failures_total{task}. Safe for concurrent use.
type Backoff struct {
	task      string
	base, max time.Duration
	logger    *zap.Logger

	failures atomic.Int64

	mu     sync.Mutex
	streak int       // failures since the last success
	since  time.Time // the first of them
}

// NewBackoff returns the Backoff of task, logging to logger. It panics on
// a nil logger or base > max, which are wiring errors.
func NewBackoff(task string, base, maxWait time.Duration, logger *zap.Logger) *Backoff {
	if logger == nil || base <= 0 || base > maxWait {
		panic("store.NewBackoff: nil logger or bad base/max")
	}
	return &Backoff{task: task, base: base, max: maxWait, logger: logger}
}

// Failures is how many failures Fail has recorded since the start.
func (b *Backoff) Failures() int64 { return b.failures.Load() }

// Fail records a failed attempt and returns how long to wait before the
// next: base for the first failure, doubling up to max, each drawn from
// [d/2, d) so that replicas spread out. Only the first failure of a run is
// logged.
func (b *Backoff) Fail(err error) time.Duration {
	b.failures.Add(1)
	b.mu.Lock()
	b.streak++
	streak := b.streak
	if streak == 1 {
		b.since = time.Now()
	}
	b.mu.Unlock()
	if streak == 1 {
		b.logger.Warn("background task unavailable; retrying with backoff, silently until it recovers",
			zap.String("task", b.task), zap.Error(err))
	}
	d := b.base
	for i := 1; i < streak && d < b.max; i++ {
		d *= 2
	}
	d = min(d, b.max)
	return d/2 + rand.N(d/2+1) //nolint:gosec // G404: jitter needs no secret randomness
}

// OK records a successful attempt, logging the recovery if failures came
// before it.
func (b *Backoff) OK() {
	b.mu.Lock()
	streak, since := b.streak, b.since
	b.streak = 0
	b.mu.Unlock()
	if streak > 0 {
		b.logger.Info("background task available again", zap.String("task", b.task),
			zap.Int("failures", streak), zap.Duration("unavailable_for", time.Since(since)))
	}
}
