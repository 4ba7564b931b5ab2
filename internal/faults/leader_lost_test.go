package faults

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// singletonLocks are the advisory lock keys of every singleton of
// ipcased, by the task label of ipcase_leader: the event relay
// ("ipcaserf"), the deadline sweeper ("ipcaseds") and, on replicas that
// keep evidence, the evidence cleaner ("ipcasecl").
var singletonLocks = map[string]int64{
	"relay":            0x6970636173657266,
	"sweeper":          0x6970636173656473,
	"evidence-cleaner": 0x697063617365636c,
}

// TestLeaderLosesItsSession terminates, with pg_terminate_backend, the
// sessions that hold the singletons' advisory locks while two replicas
// run: the old leader must notice at once and stop reporting itself as
// leader, and within 3 s every singleton is led again by exactly one
// replica — the one whose session holds its lock — with exactly one
// ipcase_leader{task} reading 1. Twice, so that a replica that has lost a
// term can lead again.
func TestLeaderLosesItsSession(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test skipped with -short")
	}
	const within = 3 * time.Second
	ctx, cancel := context.WithTimeout(t.Context(), 90*time.Second)
	defer cancel()
	dbURL := storetest.URL(t)
	db := openDB(t, dbURL)
	evidence := t.TempDir() // shared, as the Kubernetes volume is
	var replicas []*daemon
	for _, name := range []string{"replica-a", "replica-b"} {
		replicas = append(replicas, startDaemon(ctx, t, name, withAppName(t, dbURL, name), "IPCASE_EVIDENCE_DIR="+evidence))
	}
	waitFor(ctx, t, 20*time.Second, "every singleton led by the replica holding its lock", func() (bool, error) {
		return agreed(ctx, t, db, replicas, nil)
	})

	for round := 1; round <= 2; round++ {
		holders := lockHolders(ctx, t, db)
		var pids []int64
		for _, h := range holders {
			pids = append(pids, h.pid)
		}
		killed := time.Now()
		if n := count(ctx, t, db, `SELECT count(*) FROM unnest($1::int[]) AS pid WHERE pg_terminate_backend(pid)`, pidArray(pids)); n != int64(len(pids)) {
			t.Fatalf("round %d: terminated %d of the %d lock-holding sessions %v", round, n, len(pids), holders)
		}
		var took time.Duration
		waitFor(ctx, t, within, "every singleton led again by exactly one replica, the one holding its lock", func() (bool, error) {
			ok, err := agreed(ctx, t, db, replicas, pids)
			took = time.Since(killed)
			return ok, err
		})
		// And it stays so: the old leader does not come back as a second.
		sleepCtx(ctx, time.Second)
		if ok, err := agreed(ctx, t, db, replicas, pids); !ok {
			t.Fatalf("round %d: a second after the takeover: %v", round, err)
		}
		after := lockHolders(ctx, t, db)
		var moves []string
		for task, h := range holders {
			moves = append(moves, fmt.Sprintf("%s %s→%s", task, h.app, after[task].app))
		}
		t.Logf("round %d: terminated the sessions of %v; every singleton led again, by the lock holder alone, %s after (%s)",
			round, pids, took.Round(10*time.Millisecond), strings.Join(moves, ", "))
	}
}

// holder is the session holding a singleton's lock.
type holder struct {
	pid int64
	app string // the application_name of the replica's DATABASE_URL
}

// lockHolders returns, by task, the session holding each singleton's lock.
func lockHolders(ctx context.Context, t *testing.T, db *store.DB) map[string]holder {
	t.Helper()
	out := map[string]holder{}
	for task, key := range singletonLocks {
		rows, err := db.SQL().QueryContext(ctx, `SELECT l.pid, coalesce(a.application_name, '') FROM pg_locks l
			LEFT JOIN pg_stat_activity a ON a.pid = l.pid
			WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND l.classid::bigint = $1 AND l.objid::bigint = $2 AND l.objsubid = 1`, key>>32, key&0xffffffff)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var h holder
			if err := rows.Scan(&h.pid, &h.app); err != nil {
				t.Fatal(err)
			}
			out[task] = h
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// agreed reports whether every task is led: a session other than those in
// gone holds its lock, the replica of that session reports
// ipcase_leader{task} 1, and every other replica reports 0.
func agreed(ctx context.Context, t *testing.T, db *store.DB, replicas []*daemon, gone []int64) (bool, error) {
	t.Helper()
	holders := lockHolders(ctx, t, db)
	gauges := make([]map[string]float64, len(replicas))
	for i, d := range replicas {
		v, err := d.metrics(ctx, "ipcase_leader")
		if err != nil {
			return false, err
		}
		gauges[i] = v
	}
	var problems []string
	for task := range singletonLocks {
		h, held := holders[task]
		switch {
		case !held:
			problems = append(problems, "no session holds the "+task+" lock")
			continue
		case slices.Contains(gone, h.pid):
			problems = append(problems, fmt.Sprintf("the terminated session %d still holds the %s lock", h.pid, task))
			continue
		}
		var leading []string
		for i, d := range replicas {
			if gauges[i][`{task="`+task+`"}`] == 1 {
				leading = append(leading, d.name)
			}
		}
		if len(leading) != 1 || leading[0] != h.app {
			problems = append(problems, fmt.Sprintf("%s: lock held by %s (pid %d), ipcase_leader reads 1 on %v", task, h.app, h.pid, leading))
		}
	}
	if len(problems) > 0 {
		return false, errors.New(strings.Join(problems, "; "))
	}
	return true, nil
}

// pidArray writes pids as a Postgres array literal.
func pidArray(pids []int64) string {
	s := make([]string, len(pids))
	for i, p := range pids {
		s[i] = fmt.Sprint(p)
	}
	return "{" + strings.Join(s, ",") + "}"
}

// withAppName returns dbURL naming its sessions name (application_name),
// so that pg_stat_activity tells the replicas apart.
func withAppName(t *testing.T, dbURL, name string) string {
	t.Helper()
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String()
}
