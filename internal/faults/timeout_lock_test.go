package faults

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// TestLockedTableAnswersInBoundedTime holds LOCK TABLE matters IN ACCESS
// EXCLUSIVE MODE for 20 s in another session, as a careless migration or a
// stuck maintenance job does. Calls whose clients set no deadline — more
// of them at once than the pool has connections — must be answered
// DEADLINE_EXCEEDED within the server's call timeout and a second, not
// after the lock; and once the lock is gone, calls must succeed at once:
// the pool was not held by the calls that waited.
func TestLockedTableAnswersInBoundedTime(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	pg := newCluster(ctx, t)
	pg.start(ctx)
	url := pg.url("ipcase")
	if err := command(ctx, pg.dir, "env", "DATABASE_URL="+url, ipcasedBin, "migrate", "--create"); err != nil {
		t.Fatal(err)
	}
	const (
		callTimeout = 3 * time.Second
		poolSize    = 4
		lockFor     = 20 * time.Second
	)
	d := startDaemon(ctx, t, "ipcased", url,
		fmt.Sprintf("IPCASE_GRPC_CALL_TIMEOUT=%s", callTimeout), fmt.Sprintf("IPCASE_DB_MAX_OPEN_CONNS=%d", poolSize))
	c := d.filing()
	first, err := c.SubmitComplaint(authed(ctx), complaint("locked-before"))
	if err != nil {
		t.Fatal(err)
	}

	// The lock, in a session of its own, held for lockFor.
	locker := openDB(t, url)
	conn, err := locker.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close() //nolint:errcheck // closing ends the session and its lock
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `LOCK TABLE matters IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	locked := time.Now()

	// Two rounds of 2×poolSize calls without a client deadline, half
	// writes, half reads: if waiting calls kept their connections, the
	// second round would wait for the first.
	o := newOutcomes()
	var (
		mu      sync.Mutex
		slowest time.Duration
	)
	for round := range 2 {
		var wg sync.WaitGroup
		for i := range 2 * poolSize {
			wg.Go(func() {
				start := time.Now()
				var err error
				method := "SubmitComplaint"
				if i%2 == 0 {
					_, err = c.SubmitComplaint(authed(ctx), complaint(fmt.Sprintf("locked-%d-%d", round, i)))
				} else {
					method = "GetMatter"
					_, err = c.GetMatter(authed(ctx), &ipcasev1.GetMatterRequest{Name: first.GetMatter().GetName()})
				}
				took := time.Since(start)
				o.record(method, err)
				mu.Lock()
				slowest = max(slowest, took)
				mu.Unlock()
				if status.Code(err) != codes.DeadlineExceeded {
					t.Errorf("%s under the lock: %v after %s; want DEADLINE_EXCEEDED", method, err, took.Round(time.Millisecond))
				}
			})
		}
		wg.Wait()
	}
	t.Logf("under the lock: the slowest of %d calls without a client deadline answered after %s (IPCASE_GRPC_CALL_TIMEOUT=%s)",
		4*poolSize, slowest.Round(time.Millisecond), callTimeout)
	if slowest > callTimeout+time.Second {
		t.Errorf("a call waited %s under the lock; want at most the call timeout %s and a second", slowest.Round(time.Millisecond), callTimeout)
	}
	o.check(t, "under a 20 s table lock", codes.DeadlineExceeded)

	sleepCtx(ctx, lockFor-time.Since(locked))
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	released := time.Now()
	after := newOutcomes()
	var wg sync.WaitGroup
	for i := range 2 * poolSize {
		wg.Go(func() {
			call, cancel := context.WithTimeout(authed(ctx), 2*time.Second)
			defer cancel()
			_, err := c.SubmitComplaint(call, complaint(fmt.Sprintf("locked-after-%d", i)))
			after.record("SubmitComplaint", err)
		})
	}
	wg.Wait()
	t.Logf("after the lock: %d submits answered within %s", 2*poolSize, time.Since(released).Round(time.Millisecond))
	after.check(t, "after the lock")
}
