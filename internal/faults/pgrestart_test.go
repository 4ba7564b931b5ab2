package faults

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// TestPostgresRestartUnderLoad stops Postgres (immediate mode, as a crash
// or a failover looks to clients) under a light load of submits and reads:
// ipcased must keep running, report NOT_SERVING while the database is
// gone, and serve again once it is back, without a restart.
func TestPostgresRestartUnderLoad(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	pg := newCluster(ctx, t)
	pg.start(ctx)
	url := pg.url("ipcase")
	if err := command(ctx, pg.dir, "env", "DATABASE_URL="+url, ipcasedBin, "migrate", "--create"); err != nil {
		t.Fatal(err)
	}
	d := startDaemon(ctx, t, "ipcased", url, "IPCASE_HEALTH_INTERVAL=500ms")
	pid := d.cmd.Process.Pid
	c := d.filing()

	// The load: two clients submitting and reading back, each call bounded,
	// their outcomes counted by phase.
	const (
		before = iota
		outage
		after
	)
	var (
		phase  atomic.Int32
		mu     sync.Mutex
		counts [3]map[codes.Code]int
		// sample keeps one error message per code, for the log.
		sample = map[codes.Code]string{}
		stop   = make(chan struct{})
		wg     sync.WaitGroup
	)
	for i := range counts {
		counts[i] = map[codes.Code]int{}
	}
	record := func(p int32, err error) {
		mu.Lock()
		counts[p][status.Code(err)]++
		if _, ok := sample[status.Code(err)]; err != nil && !ok {
			sample[status.Code(err)] = err.Error()
		}
		mu.Unlock()
	}
	okIn := func(p int32) int {
		mu.Lock()
		defer mu.Unlock()
		return counts[p][codes.OK]
	}
	for w := range 2 {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
				p := phase.Load()
				call, cancel := context.WithTimeout(authed(ctx), 3*time.Second)
				resp, err := c.SubmitComplaint(call, complaint(fmt.Sprintf("pgrestart-%d-%05d", w, n)))
				if err == nil {
					_, err = c.GetMatter(call, &ipcasev1.GetMatterRequest{Name: resp.GetMatter().GetName()})
				}
				cancel()
				record(p, err)
			}
		})
	}
	defer func() {
		close(stop)
		wg.Wait()
		t.Logf("call outcomes by code: before the stop %v, while Postgres was down %v, after the start %v; a message of each failure code: %q",
			counts[before], counts[outage], counts[after], sample)
	}()
	waitFor(ctx, t, 10*time.Second, "load before the stop", func() (bool, error) { return okIn(before) >= 5, nil })

	phase.Store(outage)
	stopped := time.Now()
	pg.stop(ctx, "immediate")
	waitFor(ctx, t, 10*time.Second, "health NOT_SERVING while Postgres is down", func() (bool, error) {
		st, err := d.health(ctx, "")
		return err == nil && st == healthpb.HealthCheckResponse_NOT_SERVING, seen("status", st, err)
	})
	t.Logf("health NOT_SERVING %s after the stop", time.Since(stopped).Round(10*time.Millisecond))
	// Hold the outage a little longer: ipcased must neither exit nor flip
	// back to SERVING while the database is still gone.
	sleepCtx(ctx, 1500*time.Millisecond)
	if !d.alive() {
		t.Fatalf("ipcased exited while Postgres was down:\n%s", tail(d.logPath, 20))
	}
	for _, svc := range []string{"", "ipcase.v1.FilingService"} {
		if st, err := d.health(ctx, svc); err != nil || st != healthpb.HealthCheckResponse_NOT_SERVING {
			t.Errorf("health of %q %.1fs into the outage: %v, %v; want NOT_SERVING", svc, time.Since(stopped).Seconds(), st, err)
		}
	}
	if up, err := d.metrics(ctx, "ipcase_database_up"); err != nil || len(up) != 1 || up[""] != 0 {
		t.Errorf("ipcase_database_up while Postgres was down: %v, %v; want 0", up, err)
	}

	phase.Store(after)
	started := time.Now()
	pg.start(ctx)
	waitFor(ctx, t, 15*time.Second, "health SERVING after Postgres is back", func() (bool, error) {
		st, err := d.health(ctx, "")
		return err == nil && st == healthpb.HealthCheckResponse_SERVING, seen("status", st, err)
	})
	t.Logf("health SERVING %s after the start", time.Since(started).Round(10*time.Millisecond))
	if up, err := d.metrics(ctx, "ipcase_database_up"); err != nil || len(up) != 1 || up[""] != 1 {
		t.Errorf("ipcase_database_up with Postgres back: %v, %v; want 1", up, err)
	}
	// The pool holds connections to the old server; the first calls may
	// meet them, but a submit must succeed again within seconds.
	attempts := 0
	waitFor(ctx, t, 10*time.Second, "a submit after Postgres is back", func() (bool, error) {
		attempts++
		call, cancel := context.WithTimeout(authed(ctx), 3*time.Second)
		defer cancel()
		_, err := c.SubmitComplaint(call, complaint(fmt.Sprintf("pgrestart-after-%d", attempts)))
		return err == nil, err
	})
	t.Logf("a submit succeeded %s after the start, on attempt %d", time.Since(started).Round(10*time.Millisecond), attempts)
	waitFor(ctx, t, 10*time.Second, "the load to succeed again", func() (bool, error) { return okIn(after) >= 3, nil })
	if !d.alive() || d.cmd.Process.Pid != pid {
		t.Fatalf("ipcased (pid %d) did not survive the Postgres restart", pid)
	}

	// The relay lost its listening connection with the server; it must
	// come back and stamp what was committed since.
	waitStamped(ctx, t, openDB(t, url), 15*time.Second)
}

// seen describes, for waitFor's timeout message, the last value a
// condition saw and the error that came with it, if any.
func seen(what string, v any, err error) error {
	if err != nil {
		return fmt.Errorf("%s %v: %w", what, v, err)
	}
	return fmt.Errorf("%s %v", what, v)
}

// waitFor polls cond every 100ms until it holds, failing t, with what and
// cond's last error, after within.
func waitFor(ctx context.Context, t *testing.T, within time.Duration, what string, cond func() (bool, error)) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ok, err := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			t.Fatalf("timed out after %s waiting for %s (last: %v)", within, what, err)
		}
		sleepCtx(ctx, 100*time.Millisecond)
	}
}
