package faults

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/clock"
)

// cst is China Standard Time, where the services' "today" is.
var cst = time.FixedZone("CST", 8*3600)

// TestSweeperAndDecisionsDoNotDeadlock decides penalties in many
// enforcement cases while the deadline sweeper, at a 1 s interval, marks
// their statement windows missed and announces their decision deadlines:
// both touch the same matters, deadlines and chains at once. No deadlock
// (SQLSTATE 40P01) may occur — in Postgres' own count for the database,
// in the sweeper, or as an ABORTED decision.
//
// The cases are opened on Monday 2026-09-28 and their notices served on
// Wednesday 09-30, so each statement window ends on Tuesday 10-13 (five
// working days, Administrative Penalty Law Arts. 64(1), 85, over the
// National Day holiday and the 10-10 make-up day, worked out in
// enforcement's TestEnforcementFlow) and each decision is due Monday
// 12-28 (90 days, APL Art. 60). The services decide on 10-14; the
// sweeper reads the real clock (December 2026 or later), so every
// statement window is past due, and with a lead of a year every decision
// deadline is approaching.
func TestSweeperAndDecisionsDoNotDeadlock(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test skipped with -short")
	}
	const (
		cases   = 80
		workers = 8
	)
	var now atomic.Pointer[time.Time]
	setDay := func(day string) {
		d, err := time.ParseInLocation(time.DateOnly, day, cst)
		if err != nil {
			t.Fatal(err)
		}
		d = d.Add(10 * time.Hour)
		now.Store(&d)
	}
	setDay("2026-09-28")
	env := chaintest.Start(t, func() time.Time { return *now.Load() })
	ctx := authtest.WithToken(t.Context(), env.Auth.Officer(t, "SAMR-HZ"))

	notified := make([]*ipcasev1.EnforcementCase, cases)
	parallel(t, cases, workers, func(i int) error {
		c, err := penaltyNotified(ctx, env, i)
		notified[i] = c
		return err
	})
	byMatter := map[string]*ipcasev1.EnforcementCase{}
	for _, c := range notified {
		byMatter[matterOf(c.GetName())] = c
	}
	// Decide in the order the sweeper will reach the cases (by deadline
	// id), so that both are at the same matters at the same time.
	var order []*ipcasev1.EnforcementCase
	rows, err := env.DB.SQL().QueryContext(ctx, `SELECT matter_id::text FROM deadlines WHERE kind = $1 ORDER BY id`, "enforcement.statement_window")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			t.Fatal(err)
		}
		order = append(order, byMatter[m])
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		t.Fatal(err)
	}
	if len(order) != cases {
		t.Fatalf("%d statement windows for %d cases", len(order), cases)
	}

	setDay("2026-10-14")
	before := deadlocks(ctx, t, env)
	core, logs := observer.New(zapcore.WarnLevel)
	sweeper := clock.NewSweeper(env.Clocks, clock.Config{SweepInterval: time.Second, Lead: 365 * 24 * time.Hour}, zap.New(core))
	sctx, stop := context.WithCancel(ctx)
	var sweeping sync.WaitGroup
	sweeping.Go(func() { _ = sweeper.Run(sctx) })

	var (
		mu      sync.Mutex
		answers = map[codes.Code]int{}
	)
	parallel(t, cases, workers, func(i int) error {
		c := order[i]
		_, err := env.Enforcement.DecidePenalty(ctx, &ipcasev1.DecidePenaltyRequest{Name: c.GetName(), Etag: c.GetEtag(),
			FineYuan: "120000", DecidedOn: "2026-10-14"})
		mu.Lock()
		answers[status.Code(err)]++
		mu.Unlock()
		if status.Code(err) == codes.Aborted {
			t.Errorf("DecidePenalty(%s): %v", c.GetName(), err)
			return nil
		}
		return err
	})
	// Let the sweeper finish what is due.
	waitFor(ctx, t, 20*time.Second, "every statement window swept and every decision deadline announced or closed", func() (bool, error) {
		n := count(ctx, t, env.DB, `SELECT count(*) FROM deadlines WHERE status = 'OPEN' AND (kind = $1 OR NOT approaching_announced)`, "enforcement.statement_window")
		return n == 0, fmt.Errorf("%d deadlines still to sweep", n)
	})
	stop()
	sweeping.Wait()

	for _, e := range logs.All() {
		for _, f := range e.Context {
			if err, ok := f.Interface.(error); ok && isDeadlock(err) {
				t.Errorf("sweeper log: %s: %v", e.Message, err)
			}
		}
	}
	if n := sweeper.Failures(); n != 0 {
		t.Errorf("the sweeper failed %d times; first failure: %v", n, logs.All())
	}
	after := deadlocks(ctx, t, env)
	if after != before {
		t.Errorf("Postgres counted %d deadlocks in the database", after-before)
	}
	missed := count(ctx, t, env.DB, `SELECT count(*) FROM deadlines WHERE status = 'MISSED'`)
	t.Logf("%d decisions (codes %v) while the sweeper marked %d statement windows missed at a 1 s interval; deadlocks: %d",
		cases, answers, missed, after-before)
}

// penaltyNotified files complaint i, accepts it into enforcement, opens
// the case, assigns officers, records findings and serves the penalty
// notice on 2026-09-30, and returns the case.
func penaltyNotified(ctx context.Context, env *chaintest.Env, i int) (*ipcasev1.EnforcementCase, error) {
	sub, err := env.Filing.SubmitComplaint(ctx, &ipcasev1.SubmitComplaintRequest{
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: fmt.Sprintf("权利人 %d", i)},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: fmt.Sprintf("被投诉人 %d", i)}},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: fmt.Sprint(20000000 + i), Title: "星河"}},
		Facts:       "Counterfeit cups sold.",
		Agency:      "SAMR-HZ",
	})
	if err != nil {
		return nil, fmt.Errorf("SubmitComplaint: %w", err)
	}
	acc, err := env.Filing.AcceptComplaint(ctx, &ipcasev1.AcceptComplaintRequest{Name: sub.GetMatter().GetName(), Etag: sub.GetMatter().GetEtag(),
		Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: "SAMR-HZ"})
	if err != nil {
		return nil, fmt.Errorf("AcceptComplaint: %w", err)
	}
	open, err := env.Enforcement.OpenEnforcement(ctx, &ipcasev1.OpenEnforcementRequest{
		Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: acc.GetMatter().GetName()}, Agency: "SAMR-HZ"})
	if err != nil {
		return nil, fmt.Errorf("OpenEnforcement: %w", err)
	}
	as, err := env.Enforcement.AssignOfficers(ctx, &ipcasev1.AssignOfficersRequest{Name: open.GetCase().GetName(), Etag: open.GetCase().GetEtag(),
		Officers: []*ipcasev1.Officer{{Subject: "officer@SAMR-HZ", DisplayName: "王伟"}, {Subject: "li.na@SAMR-HZ", DisplayName: "李娜"}}})
	if err != nil {
		return nil, fmt.Errorf("AssignOfficers: %w", err)
	}
	fd, err := env.Enforcement.RecordFindings(ctx, &ipcasev1.RecordFindingsRequest{Name: as.GetCase().GetName(), Etag: as.GetCase().GetEtag(),
		Findings: &ipcasev1.Findings{Text: "1,600 cups sold at 25 yuan.", BusinessVolumeYuan: "40000",
			Computation: "Trademark Implementing Regulations Art. 78: 1,600 × 25"}})
	if err != nil {
		return nil, fmt.Errorf("RecordFindings: %w", err)
	}
	n, err := env.Enforcement.NotifyPenalty(ctx, &ipcasev1.NotifyPenaltyRequest{Name: fd.GetCase().GetName(), Etag: fd.GetCase().GetEtag(), ServedOn: "2026-09-30",
		Fine: &ipcasev1.CalculateFineRequest{Offence: ipcasev1.FineOffence_FINE_OFFENCE_TRADEMARK, ConductDate: "2026-06-01",
			Party: ipcasev1.PartyKind_PARTY_KIND_PERSON}})
	if err != nil {
		return nil, fmt.Errorf("NotifyPenalty: %w", err)
	}
	return n.GetCase(), nil
}

// parallel runs fn(0…n-1) on workers goroutines and fails t with the
// first error.
func parallel(t *testing.T, n, workers int, fn func(i int) error) {
	t.Helper()
	next := atomic.Int64{}
	errc := make(chan error, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				if err := fn(i); err != nil {
					errc <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
}

// matterOf is the matter id in a proceeding's name.
func matterOf(name string) string {
	parts := strings.Split(name, "/")
	if len(parts) < 2 {
		return ""
	}
	return parts[1]
}

// deadlocks is Postgres' count of deadlocks detected in env's database,
// after flushing this backend's statistics (Postgres 15's shared-memory
// statistics; the detecting backends flush theirs within a second).
func deadlocks(ctx context.Context, t *testing.T, env *chaintest.Env) int64 {
	t.Helper()
	sleepCtx(ctx, 1100*time.Millisecond)
	return count(ctx, t, env.DB, `SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()`)
}

func isDeadlock(err error) bool {
	var pg *pgconn.PgError
	return errors.As(err, &pg) && pg.Code == "40P01"
}
