package faults

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
)

// TestTerminatedBackendsAreUnavailable terminates every backend of ipcased
// (pg_terminate_backend, as an operator or a failover does) every 25ms for
// five seconds under a stream of filings carried into enforcement (SubmitComplaint,
// AcceptComplaint, OpenEnforcement, AssignOfficers): each answer must be OK
// or UNAVAILABLE — a lost connection is never NOT_FOUND or INTERNAL — and
// no message may carry database text or the server's address.
func TestTerminatedBackendsAreUnavailable(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	pg := newCluster(ctx, t)
	pg.start(ctx)
	url := pg.url("ipcase")
	if err := command(ctx, pg.dir, "env", "DATABASE_URL="+url, ipcasedBin, "migrate", "--create"); err != nil {
		t.Fatal(err)
	}
	d := startDaemon(ctx, t, "ipcased", url)
	admin := openDB(t, pg.url("postgres"))

	o := newOutcomes()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				call, cancel := context.WithTimeout(authed(ctx), 5*time.Second)
				enforcementChain(call, d, o, fmt.Sprintf("terminate-%d-%05d", w, n), pg.portString())
				cancel()
			}
		})
	}
	waitFor(ctx, t, 20*time.Second, "calls before the terminations", func() (bool, error) { return o.count(codes.OK) >= 20, nil })
	terminated := 0
	for range 200 {
		var n int
		err := admin.SQL().QueryRowContext(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
			WHERE datname = 'ipcase' AND pid <> pg_backend_pid()`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		terminated += n
		sleepCtx(ctx, 25*time.Millisecond)
	}
	okBefore := o.count(codes.OK)
	waitFor(ctx, t, 20*time.Second, "calls to succeed again after the terminations", func() (bool, error) {
		return o.count(codes.OK) >= okBefore+20, nil
	})
	close(stop)
	wg.Wait()
	t.Logf("%d backends terminated in 200 rounds 25ms apart", terminated)
	if o.count(codes.Unavailable) == 0 {
		t.Errorf("no call met a terminated backend (%d terminated): the fault was not injected", terminated)
	}
	o.check(t, "under pg_terminate_backend", codes.Unavailable)
	if t.Failed() {
		t.Logf("the first failures ipcased logged:\n%s", grepLog(d.logPath, "call failed", 3))
	}
	if !d.alive() {
		t.Fatalf("ipcased exited:\n%s", tail(d.logPath, 20))
	}
}
