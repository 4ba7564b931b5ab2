package faults

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/ipcase/ipcase/internal/store/storetest"
)

// ack is what a client was told about its submit.
type ack struct{ name, number string }

// TestKill9MidSubmitLoad kills ipcased with SIGKILL while 16 clients
// submit complaints with request ids, restarts it on the same database and
// has the clients retry every submit whose outcome they never learned, and
// re-send some they did: every acknowledged submit must exist exactly once,
// a retry must return the matter of the first answer, no number may repeat,
// and every chain must verify.
func TestKill9MidSubmitLoad(t *testing.T) {
	const workers = 16
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	url := storetest.URL(t)
	db := openDB(t, url)
	first := startDaemon(ctx, t, "ipcased-1", url)

	var (
		mu      sync.Mutex
		acked   = map[string]ack{}
		unknown []string // request ids whose call failed: committed or not, nobody knows
		codesAt = map[codes.Code]int{}
		// inFlight counts the failed calls that started before the kill.
		inFlight int
		killed   atomic.Bool
		stop     = make(chan struct{})
		wg       sync.WaitGroup
	)
	c := first.filing()
	for w := range workers {
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				rid := fmt.Sprintf("kill9-%02d-%05d", w, n)
				before := !killed.Load()
				call, cancel := context.WithTimeout(authed(ctx), 10*time.Second)
				resp, err := c.SubmitComplaint(call, complaint(rid))
				cancel()
				mu.Lock()
				if err == nil {
					acked[rid] = ack{resp.GetMatter().GetName(), resp.GetMatter().GetNumber()}
				} else {
					unknown = append(unknown, rid)
					codesAt[status.Code(err)]++
					if before {
						inFlight++
					}
				}
				mu.Unlock()
				if err != nil {
					// A client learns of the crash from its failed call and
					// stops until the server is back.
					if !killed.Load() {
						t.Errorf("submit %s failed before the kill: %v", rid, err)
					}
					return
				}
			}
		})
	}
	// A second of load, and at least two acknowledged submits per client,
	// however slow the machine.
	sleepCtx(ctx, time.Second)
	waitFor(ctx, t, 30*time.Second, "load before the kill", func() (bool, error) {
		mu.Lock()
		defer mu.Unlock()
		return len(acked) >= 2*workers, fmt.Errorf("%d acknowledged", len(acked))
	})
	killed.Store(true)
	first.kill()
	close(stop)
	wg.Wait()
	t.Logf("before the kill: %d submits acknowledged; %d calls cut by it, %d of them in flight when it came (codes %v)",
		len(acked), len(unknown), inFlight, codesAt)
	if inFlight == 0 {
		t.Fatal("no call was in flight at the kill: nothing to retry")
	}
	// Some of the cut calls committed before the kill and their answer was
	// lost; those are what request ids are for.
	var committed int64
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM matters WHERE facts = ANY($1)`, prefixed(unknown)).Scan(&committed); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d of the %d unknown outcomes had in fact committed", committed, len(unknown))

	second := startDaemon(ctx, t, "ipcased-2", url)
	c = second.filing()
	// The retries: every unknown outcome, and every fourth acknowledged
	// submit, which must come back as the same matter.
	var resend []string
	for i, rid := range slices.Sorted(maps.Keys(acked)) {
		if i%4 == 0 {
			resend = append(resend, rid)
		}
	}
	resolved := map[string]ack{}
	work := make(chan string)
	for range workers {
		wg.Go(func() {
			for rid := range work {
				resp, err := c.SubmitComplaint(authed(ctx), complaint(rid))
				if err != nil {
					t.Errorf("retry of %s after the restart: %v", rid, err)
					continue
				}
				got := ack{resp.GetMatter().GetName(), resp.GetMatter().GetNumber()}
				mu.Lock()
				if was, ok := acked[rid]; ok {
					if got != was {
						t.Errorf("retry of acknowledged %s returned %v, the first answer was %v", rid, got, was)
					}
				} else {
					resolved[rid] = got
				}
				mu.Unlock()
			}
		})
	}
	for _, rid := range append(slices.Clone(unknown), resend...) {
		work <- rid
	}
	close(work)
	wg.Wait()
	t.Logf("after the restart: %d unknown outcomes retried, %d acknowledged re-sent", len(unknown), len(resend))

	// What the database holds, read without the idempotency records: each
	// matter's facts name the request that made it.
	rows, err := db.SQL().QueryContext(ctx, `SELECT id::text, number, facts FROM matters`)
	if err != nil {
		t.Fatal(err)
	}
	byRequest := map[string][]ack{}
	for rows.Next() {
		var r struct{ ID, Number, Facts string }
		if err := rows.Scan(&r.ID, &r.Number, &r.Facts); err != nil {
			t.Fatal(err)
		}
		rid, ok := strings.CutPrefix(r.Facts, factsPrefix)
		if !ok {
			t.Errorf("matter %s was not made by this test: facts %q", r.ID, r.Facts)
		}
		byRequest[rid] = append(byRequest[rid], ack{"matters/" + r.ID, r.Number})
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		t.Fatal(err)
	}
	for rid, want := range acked {
		if got := byRequest[rid]; len(got) != 1 || got[0] != want {
			t.Errorf("acknowledged %s (%v): the database holds %v, want exactly that matter once", rid, want, got)
		}
	}
	for rid, want := range resolved {
		if got := byRequest[rid]; len(got) != 1 || got[0] != want {
			t.Errorf("retried %s (%v): the database holds %v, want exactly that matter once", rid, want, got)
		}
	}
	total := checkNumbers(ctx, t, db)
	if want := int64(len(acked) + len(resolved)); total != want || int64(len(byRequest)) != want {
		t.Errorf("%d matters from %d distinct request ids; want %d, one per request id that succeeded", total, len(byRequest), want)
	}
	// Keys are scoped by the full gRPC method (request.Key).
	keys := count(ctx, t, db, `SELECT count(*) FROM idempotency_keys WHERE key LIKE '/ipcase.v1.FilingService/SubmitComplaint/%'`)
	if keys != total {
		t.Errorf("%d idempotency records for %d matters: a matter was committed without its request id, or the reverse", keys, total)
	}
	lost := 0
	for _, rid := range unknown {
		if _, ok := resolved[rid]; !ok {
			lost++
		}
	}
	if lost > 0 {
		t.Errorf("%d requests never succeeded, even on retry", lost)
	}
	checked := verifyAll(ctx, t, db, c)
	// The relay restarts with ipcased: events the killed one left unstamped
	// get their positions too.
	waitStamped(ctx, t, db, 15*time.Second)
	t.Logf("%d matters, numbers distinct, %d chains verified, every event stamped", total, checked)
}

// prefixed returns the facts complaint gives each request id.
func prefixed(rids []string) []string {
	out := make([]string, len(rids))
	for i, rid := range rids {
		out[i] = factsPrefix + rid
	}
	return out
}
