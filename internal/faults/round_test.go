package faults

import (
	"context"
	"fmt"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/store"
)

// allowedCodes are what a client may see while the system fails: success,
// "try again", "too slow", "out of a resource", and ABORTED, which only a
// real conflict may cause (the workload's retries carry request ids, so a
// retry of a committed call gets its first answer, not a conflict).
var allowedCodes = []codes.Code{codes.OK, codes.Unavailable, codes.DeadlineExceeded, codes.ResourceExhausted, codes.Aborted}

// TestFaultRound reruns issue 19's fault round on the real binary: a mixed
// workload of every proceeding kind (filing, enforcement, mediation,
// trial) against one ipcased on a Postgres cluster with the development
// settings of scripts/pg.sh (pg_settings), while faults are injected one
// after another. Every acknowledged call must then be found in the
// database, every chain must verify, no matter number may repeat, and
// every code a client saw must be in allowedCodes. It prints the table:
// fault, calls, codes seen, recovery time (from the injection to the first
// successful submit).
func TestFaultRound(t *testing.T) {
	const workers = 6
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()
	pg := newCluster(ctx, t)
	settings := exec.CommandContext(ctx, "bash", "-c", `source scripts/pg.sh && pg_settings`)
	settings.Dir = moduleRoot
	out, err := settings.Output()
	if err != nil {
		t.Fatalf("scripts/pg.sh pg_settings: %v", err)
	}
	pg.settings = strings.TrimSpace(string(out))
	pg.start(ctx)
	url := pg.url("ipcase")
	if err := command(ctx, pg.dir, "env", "DATABASE_URL="+url, ipcasedBin, "migrate", "--create"); err != nil {
		t.Fatal(err)
	}
	admin := pg.url("postgres") // outside the database the faults hit
	var cur atomic.Pointer[daemon]
	cur.Store(startDaemon(ctx, t, "ipcased", url))

	w := &workload{t: t, cur: &cur}
	w.phase.Store(newTally("warm-up"))
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for i := range workers {
		wg.Go(func() { w.run(ctx, stop, i) })
	}
	sleepCtx(ctx, 2*time.Second)

	faults := []struct {
		name   string
		inject func()
	}{
		{"kill -9 of ipcased, restarted", func() {
			cur.Load().kill()
			cur.Store(startDaemon(ctx, t, fmt.Sprintf("ipcased-%d", time.Now().UnixNano()), url))
		}},
		{"immediate Postgres restart", func() {
			pg.stop(ctx, "immediate")
			pg.start(ctx)
		}},
		{"termination of every backend", func() {
			terminate(ctx, t, admin, `SELECT pid FROM pg_stat_activity WHERE datname = 'ipcase'`)
		}},
		{"termination of the lock holders", func() {
			terminate(ctx, t, admin, `SELECT l.pid FROM pg_locks l JOIN pg_database d ON d.oid = l.database
				WHERE d.datname = 'ipcase' AND l.locktype = 'advisory' AND l.granted AND l.objsubid = 1`)
		}},
		{"matters locked for 3 s", func() {
			locker := openDB(t, url)
			tx, err := locker.SQL().BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, `LOCK TABLE matters IN ACCESS EXCLUSIVE MODE`); err != nil {
				t.Fatal(err)
			}
			sleepCtx(ctx, 3*time.Second)
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
		}},
	}
	var rows []*tally
	for _, f := range faults {
		tl := newTally(f.name)
		w.phase.Store(tl)
		injected := time.Now()
		f.inject()
		tl.recovery = w.probe(ctx, injected)
		sleepCtx(ctx, 2*time.Second) // the load goes on after recovery
		rows = append(rows, tl)
	}
	close(stop)
	wg.Wait()

	// Everything acknowledged is there, once; every chain holds.
	db := openDB(t, url)
	waitStamped(ctx, t, db, 20*time.Second)
	w.verify(ctx, t, db)
	matters := checkNumbers(ctx, t, db)
	chains := verifyAll(ctx, t, db, cur.Load().filing())

	var b strings.Builder
	fmt.Fprintf(&b, "fault round on Postgres with scripts/pg.sh's settings (%s):\n", pg.settings)
	fmt.Fprintf(&b, "%-34s %6s  %-62s %s\n", "fault", "calls", "codes seen", "recovery")
	for _, r := range rows {
		fmt.Fprintf(&b, "%-34s %6d  %-62s %s\n", r.name, r.calls, r.codes(), r.recovery.Round(10*time.Millisecond))
	}
	fmt.Fprintf(&b, "%-34s %6s  %-62s %s\n", "full tablespace", "-", "skipped: the disk-full fault is not in this package yet", "-")
	fmt.Fprintf(&b, "acknowledged: %d submits, %d accepts, %d enforcement cases, %d mediations; %d matters, %d chains verified",
		len(w.submitted), len(w.accepted), len(w.opened), len(w.mediated), matters, chains)
	t.Log(b.String())
	for _, r := range rows {
		for c := range r.seen {
			if !slices.Contains(allowedCodes, c) {
				t.Errorf("%s: a client was answered %s (%q): not in %v", r.name, c, r.sample[c], allowedCodes)
			}
		}
	}
}

// tally counts the calls of one phase of the round by the code they got.
type tally struct {
	name     string
	mu       sync.Mutex
	calls    int
	seen     map[codes.Code]int
	sample   map[codes.Code]string
	recovery time.Duration
}

func newTally(name string) *tally {
	return &tally{name: name, seen: map[codes.Code]int{}, sample: map[codes.Code]string{}}
}

func (tl *tally) record(err error) {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	c := status.Code(err)
	tl.calls++
	tl.seen[c]++
	if _, ok := tl.sample[c]; !ok && err != nil {
		tl.sample[c] = err.Error()
	}
}

func (tl *tally) codes() string {
	tl.mu.Lock()
	defer tl.mu.Unlock()
	var s []string
	for c, n := range tl.seen {
		s = append(s, fmt.Sprintf("%s %d", c, n))
	}
	slices.Sort(s)
	return strings.Join(s, ", ")
}

// workload files complaints and takes them into every kind of proceeding,
// retrying each call with its request id until it is acknowledged, and
// remembers what was acknowledged.
type workload struct {
	t     *testing.T
	cur   *atomic.Pointer[daemon]
	phase atomic.Pointer[tally]

	mu                                    sync.Mutex
	submitted, accepted, opened, mediated []string // request ids / matter ids acknowledged
	probes                                atomic.Int64
}

// call runs fn with a 3 s deadline until it succeeds, recording every
// answer in the current phase; it gives up, returning the error, on a code
// outside allowedCodes or when stop is closed.
func (w *workload) call(ctx context.Context, stop <-chan struct{}, fn func(ctx context.Context, d *daemon) error) error {
	for {
		d := w.cur.Load()
		cctx, cancel := context.WithTimeout(authed(ctx), 3*time.Second)
		err := fn(cctx, d)
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		w.phase.Load().record(err)
		if err == nil || !slices.Contains(allowedCodes, status.Code(err)) {
			return err
		}
		select {
		case <-stop:
			return err
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (w *workload) run(ctx context.Context, stop <-chan struct{}, worker int) {
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		default:
		}
		rid := fmt.Sprintf("round-%d-%05d", worker, n)
		var m *ipcasev1.Matter
		if w.call(ctx, stop, func(ctx context.Context, d *daemon) error {
			resp, err := d.filing().SubmitComplaint(ctx, complaint(rid))
			m = resp.GetMatter()
			return err
		}) != nil {
			continue
		}
		w.ack(&w.submitted, rid)
		id := strings.TrimPrefix(m.GetName(), "matters/")
		kind := n % 4 // filing only, enforcement, mediation, trial
		if kind == 0 {
			continue
		}
		route, forum := ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, "SAMR-HZ"
		if kind == 3 {
			route, forum = ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73"
		}
		if w.call(ctx, stop, func(ctx context.Context, d *daemon) error {
			_, err := d.filing().AcceptComplaint(ctx, &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(),
				RequestId: rid + "-accept", Route: route, Forum: forum})
			return err
		}) != nil {
			continue
		}
		w.ack(&w.accepted, id)
		switch kind {
		case 1:
			var name string
			if w.call(ctx, stop, func(ctx context.Context, d *daemon) error {
				resp, err := ipcasev1.NewEnforcementServiceClient(d.conn).OpenEnforcement(ctx, &ipcasev1.OpenEnforcementRequest{
					Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: m.GetName()}, Agency: "SAMR-HZ", RequestId: rid + "-open"})
				name = resp.GetCase().GetName()
				return err
			}) == nil {
				w.ack(&w.opened, name)
			}
		case 2:
			if w.call(ctx, stop, func(ctx context.Context, d *daemon) error {
				_, err := ipcasev1.NewMediationServiceClient(d.conn).RequestMediation(ctx, &ipcasev1.RequestMediationRequest{
					Matter: m.GetName(), Forum: "SAMR-HZ", RequestId: rid + "-mediation", Note: "the parties ask the agency to mediate"})
				return err
			}) == nil {
				w.ack(&w.mediated, id)
			}
		}
	}
}

func (w *workload) ack(list *[]string, v string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	*list = append(*list, v)
}

// probe submits until a submit succeeds and returns how long after
// injected it did. The probes are acknowledged submits too.
func (w *workload) probe(ctx context.Context, injected time.Time) time.Duration {
	for ctx.Err() == nil {
		rid := fmt.Sprintf("round-probe-%d", w.probes.Add(1))
		cctx, cancel := context.WithTimeout(authed(ctx), 2*time.Second)
		_, err := w.cur.Load().filing().SubmitComplaint(cctx, complaint(rid))
		cancel()
		w.phase.Load().record(err)
		if err == nil {
			w.ack(&w.submitted, rid)
			return time.Since(injected)
		}
		if time.Since(injected) > time.Minute {
			w.t.Fatalf("no submit succeeded within a minute of the fault: %v", err)
		}
		sleepCtx(ctx, 50*time.Millisecond)
	}
	return 0
}

// verify finds every acknowledged call's effect in db, by content.
func (w *workload) verify(ctx context.Context, t *testing.T, db *store.DB) {
	t.Helper()
	for _, rid := range w.submitted {
		if n := count(ctx, t, db, `SELECT count(*) FROM matters WHERE facts = $1`, factsPrefix+rid); n != 1 {
			t.Errorf("acknowledged submit %s: %d matters", rid, n)
		}
	}
	for _, id := range w.accepted {
		if n := count(ctx, t, db, `SELECT count(*) FROM proceedings WHERE matter_id = $1 AND kind = 'FILING_REVIEW' AND state = 'ACCEPTED'`, id); n != 1 {
			t.Errorf("acknowledged accept of matters/%s: %d accepted filing reviews", id, n)
		}
	}
	for _, id := range w.mediated {
		if n := count(ctx, t, db, `SELECT count(*) FROM proceedings WHERE matter_id = $1 AND kind = 'MEDIATION'`, id); n != 1 {
			t.Errorf("acknowledged mediation request of matters/%s: %d mediations", id, n)
		}
	}
	for _, name := range w.opened {
		id := filepath.Base(name)
		if n := count(ctx, t, db, `SELECT count(*) FROM proceedings WHERE id = $1 AND kind = 'ENFORCEMENT'`, id); n != 1 {
			t.Errorf("acknowledged enforcement case %s: %d proceedings", name, n)
		}
	}
}

// terminate ends the sessions whose pids query returns, through a new
// pool on url (an old one may hold sessions a restart ended).
func terminate(ctx context.Context, t *testing.T, url, query string) {
	t.Helper()
	// MATERIALIZED: the query's filter runs before any termination (a
	// flattened subquery may test pg_terminate_backend first, on every
	// session, this one included).
	n := count(ctx, t, openDB(t, url), `WITH s AS MATERIALIZED (`+query+`) SELECT count(*) FROM s WHERE s.pid <> pg_backend_pid() AND pg_terminate_backend(s.pid)`)
	if n == 0 {
		t.Errorf("%s: no session to terminate", query)
	}
}
