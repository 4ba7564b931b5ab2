package faults

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/ipcase/ipcase/internal/store/storetest"
)

// tasks are the singletons each replica competes for: exactly one replica
// may run each at a time.
var tasks = []string{"relay", "sweeper"}

// TestTwoReplicas runs two ipcased on one database under concurrent
// submits: numbers stay unique, the event relay and the deadline sweeper
// each run on exactly one replica, and when the relay's replica is killed
// the other takes both over within seconds and stamps the events
// committed after the kill.
func TestTwoReplicas(t *testing.T) {
	const workers = 16
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	url := storetest.URL(t)
	db := openDB(t, url)
	replicas := []*daemon{startDaemon(ctx, t, "replica-a", url), startDaemon(ctx, t, "replica-b", url)}

	// Load on both, while we watch who leads.
	var (
		mu      sync.Mutex
		numbers = map[string]string{} // number → request id
		acked   int
		wg      sync.WaitGroup
		stop    = make(chan struct{})
	)
	for w := range workers {
		c := replicas[w%2].filing()
		wg.Go(func() {
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				rid := fmt.Sprintf("replicas-%02d-%05d", w, n)
				call, cancel := context.WithTimeout(authed(ctx), 10*time.Second)
				resp, err := c.SubmitComplaint(call, complaint(rid))
				cancel()
				if err != nil {
					t.Errorf("submit %s to %s: %v", rid, replicas[w%2].name, err)
					return
				}
				mu.Lock()
				acked++
				if was, dup := numbers[resp.GetMatter().GetNumber()]; dup {
					t.Errorf("number %s given to %s and to %s", resp.GetMatter().GetNumber(), was, rid)
				}
				numbers[resp.GetMatter().GetNumber()] = rid
				mu.Unlock()
			}
		})
	}
	leader := stableLeaders(ctx, t, replicas, 3*time.Second)
	close(stop)
	wg.Wait()
	if total := checkNumbers(ctx, t, db); total != int64(acked) {
		t.Errorf("%d matters for %d acknowledged submits", total, acked)
	}
	t.Logf("%d submits over two replicas, numbers distinct; leaders: relay on %s, sweeper on %s",
		acked, replicas[leader["relay"]].name, replicas[leader["sweeper"]].name)

	dead := replicas[leader["relay"]]
	survivor := replicas[1-leader["relay"]]
	positions := count(ctx, t, db, `SELECT count(*) FROM event_positions`)
	// The survivor's relay and sweeper try their locks about every second
	// (store.LeaseRetry, IPCASE_SWEEP_LOCK_RETRY) from its start; the
	// test's own schedule would always kill at the same point of that
	// cycle, so a random pause spreads the kill over it and the takeover
	// times measured over runs cover the whole range.
	pause := rand.N(time.Second)
	sleepCtx(ctx, pause)
	killed := time.Now()
	dead.kill()
	// Postgres frees the dead replica's session locks as soon as its
	// sockets close; the survivor takes each at its next try.
	took := map[string]time.Duration{}
	waitFor(ctx, t, 15*time.Second, survivor.name+" to take over relay and sweeper", func() (bool, error) {
		v, err := survivor.metrics(ctx, "ipcase_leader")
		for _, task := range tasks {
			if _, done := took[task]; !done && err == nil && v[`{task="`+task+`"}`] == 1 {
				took[task] = time.Since(killed)
			}
		}
		return len(took) == len(tasks), seen("ipcase_leader", v, err)
	})
	for _, task := range tasks {
		t.Logf("%s: %s leads it %s after the kill of %s (which came after a random pause of %s)",
			task, survivor.name, took[task].Round(10*time.Millisecond), dead.name, pause.Round(10*time.Millisecond))
	}

	// Events committed after the kill still get their positions.
	resp, err := survivor.filing().SubmitComplaint(authed(ctx), complaint("replicas-after-kill"))
	if err != nil {
		t.Fatalf("submit to %s after the kill: %v", survivor.name, err)
	}
	id := resp.GetMatter().GetName()[len("matters/"):]
	waitFor(ctx, t, 10*time.Second, "the new matter's events to be stamped", func() (bool, error) {
		events := count(ctx, t, db, `SELECT count(*) FROM events WHERE matter_id = $1`, id)
		unstamped := count(ctx, t, db, `SELECT count(*) FROM events e LEFT JOIN event_positions p ON p.event_id = e.id
			WHERE e.matter_id = $1 AND p.event_id IS NULL`, id)
		return events > 0 && unstamped == 0, fmt.Errorf("%d events, %d without a position", events, unstamped)
	})
	waitStamped(ctx, t, db, 10*time.Second)
	if after := count(ctx, t, db, `SELECT count(*) FROM event_positions`); after <= positions {
		t.Errorf("event_positions did not grow after the kill: %d before, %d after", positions, after)
	}
	checkNumbers(ctx, t, db)
	verifyAll(ctx, t, db, survivor.filing())
}

// stableLeaders scrapes every replica's ipcase_leader until each task has
// had exactly one leader, the same one, for stable, and returns the index
// of each task's leader. Two replicas leading one task at once fails t.
func stableLeaders(ctx context.Context, t *testing.T, replicas []*daemon, stable time.Duration) map[string]int {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var (
		last  map[string]int
		since time.Time
	)
	for {
		cur, err := leaders(ctx, replicas)
		switch {
		case errors.Is(err, errTwoLeaders):
			t.Fatal(err)
		case err != nil:
			last = nil // between terms, or a scrape failed
		case last == nil || !maps.Equal(cur, last):
			last, since = cur, time.Now()
		case time.Since(since) >= stable:
			return last
		}
		if time.Now().After(deadline) {
			t.Fatalf("no stable leadership in 20s: %v", err)
		}
		sleepCtx(ctx, 100*time.Millisecond)
	}
}

var errTwoLeaders = errors.New("two replicas lead one task")

// leaders returns the index of the replica that leads each task. It fails
// when a scrape fails, when a task has no leader, and with errTwoLeaders
// when a task has two.
func leaders(ctx context.Context, replicas []*daemon) (map[string]int, error) {
	out := map[string]int{}
	for _, task := range tasks {
		out[task] = -1
	}
	for i, d := range replicas {
		v, err := d.metrics(ctx, "ipcase_leader")
		if err != nil {
			return nil, fmt.Errorf("%s: %w", d.name, err)
		}
		for _, task := range tasks {
			g, ok := v[`{task="`+task+`"}`]
			switch {
			case !ok:
				return nil, fmt.Errorf("%s reports no ipcase_leader{task=%q}", d.name, task)
			case g == 1 && out[task] >= 0:
				return nil, fmt.Errorf("%w: %s and %s both lead %s", errTwoLeaders, replicas[out[task]].name, d.name, task)
			case g == 1:
				out[task] = i
			}
		}
	}
	for _, task := range tasks {
		if out[task] < 0 {
			return nil, fmt.Errorf("no replica leads %s", task)
		}
	}
	return out, nil
}
