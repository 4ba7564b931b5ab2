package clock_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/zap"

	"github.com/ipcase/ipcase/internal/chaintest"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/enforcement"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/store"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// at is a time in 2024, the tests' year, in China.
func at(m time.Month, d, h, mi int) time.Time {
	return time.Date(2024, m, d, h, mi, 0, 0, civil.China)
}

func embedded(t testing.TB) *deadline.Calendar {
	t.Helper()
	cal, err := deadline.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

func date(t testing.TB, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// officer files the fixtures' matters.
var officer = events.Actor{Subject: "officer@SAMR-HZ", Role: "officer", Org: "SAMR-HZ"}

// fixture is a matter filed through package filing, accepted into an
// ENFORCEMENT proceeding before SAMR-HZ, with two parties.
type fixture struct {
	fs                 *filing.Store
	matter, proceeding string
	holder, infringer  string
	// seq is the last event filing wrote; the clocks' events come after.
	seq int64
}

func newFixture(t *testing.T, db *store.DB, log *events.Log) fixture {
	t.Helper()
	fs := filing.NewStore(db, log, chaintest.Routes()...)
	now := time.Now().UTC().Truncate(time.Microsecond)
	m := &filing.Matter{
		Complainant: filing.Party{Kind: filing.Person, Name: "李明", Country: "CN"},
		Respondents: []filing.Party{{Kind: filing.Person, Name: "王强", Country: "CN"}},
		Rights:      []filing.Right{{Type: filing.Trademark, RegNumber: "12345678", Title: "明光"}},
		Facts:       "Counterfeit goods.", Agency: "SAMR-HZ",
	}
	var p *filing.Proceeding
	err := db.InTx(t.Context(), func(tx store.Tx) error {
		if err := fs.CreateIn(tx, m, officer, now); err != nil {
			return err
		}
		if err := m.Accept(now, enforcement.Machine.Route(), "SAMR-HZ", "counterfeits on sale"); err != nil {
			return err
		}
		p = m.Proceedings[len(m.Proceedings)-1]
		if err := fs.SaveProceedings(tx, m, now); err != nil {
			return err
		}
		return fs.AppendEvents(tx, m, officer, now, m.PendingEvents()...)
	})
	if err != nil {
		t.Fatalf("fixture: %v", err)
	}
	if p.Kind != filing.KindEnforcement {
		t.Fatalf("fixture: opened a %s proceeding", p.Kind)
	}
	f := fixture{fs: fs, matter: string(m.ID), proceeding: string(p.ID), holder: m.Complainant.ID, infringer: m.Respondents[0].ID}
	evs, err := events.List(db.Session(t.Context()), f.matter, 0, 100)
	if err != nil || len(evs) == 0 {
		t.Fatalf("fixture events: %d, %v", len(evs), err)
	}
	f.seq = evs[len(evs)-1].Seq
	return f
}

// in runs fn in a transaction with the fixture's matter locked, as a
// proceeding's change does.
func (f fixture) in(t *testing.T, db *store.DB, fn func(tx store.Tx, m *filing.Matter) error) error {
	t.Helper()
	return db.InTx(t.Context(), func(tx store.Tx) error {
		m, err := f.fs.Lock(tx, filing.MatterID(f.matter))
		if err != nil {
			return err
		}
		return fn(tx, m)
	})
}

// open opens sp, of the fixture's matter, in its own transaction.
func (f fixture) open(t *testing.T, db *store.DB, s *clock.Store, sp clock.Spec) clock.Deadline {
	t.Helper()
	var d clock.Deadline
	err := f.in(t, db, func(tx store.Tx, m *filing.Matter) (err error) {
		sp.Matter = m
		d, err = s.Open(tx, sp)
		return err
	})
	if err != nil {
		t.Fatalf("Open(%s): %v", sp.Kind, err)
	}
	return d
}

// decision is the 90-day decision deadline (Administrative Penalty Law
// Art. 60) of a case opened Fri 2024-07-05: day 90 is Thu 2024-10-03, in
// the National Day holiday (Oct 1–7) → due Tue 2024-10-08 (hand count in
// package deadline's TestCompute).
func (f fixture) decision(t *testing.T) clock.Spec {
	return clock.Spec{ProceedingID: f.proceeding, Kind: "enforcement.decision", Trigger: date(t, "2024-07-05"),
		Period: deadline.DecisionPeriod}
}

// appeal is party's CPL Art. 171 appeal clock, served on served.
func (f fixture) appeal(t *testing.T, party, served string) clock.Spec {
	return clock.Spec{ProceedingID: f.proceeding, Kind: "trial.appeal", PartyID: party, Trigger: date(t, served),
		Period: deadline.JudgmentAppeal}
}

type eventView struct {
	Type                      events.Type
	Subject, Role, Proceeding string
	Due                       string
}

// timeline lists the events written to the fixture's matter after filing.
func (f fixture) timeline(t *testing.T, db *store.DB) []eventView {
	t.Helper()
	evs, err := events.List(db.Session(t.Context()), f.matter, f.seq, 100)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]eventView, len(evs))
	for i, e := range evs {
		var p struct {
			Due string `json:"due"`
		}
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			t.Fatal(err)
		}
		out[i] = eventView{e.Type, e.Actor.Subject, e.Actor.Role, e.ProceedingID, p.Due}
	}
	return out
}

func verify(t *testing.T, db *store.DB, log *events.Log, matter string) {
	t.Helper()
	v, err := log.Verify(db.Session(t.Context()), matter)
	if err != nil || !v.Intact {
		t.Errorf("chain not intact: %+v, %v", v, err)
	}
}

// TestSweepApproachingThenMissed follows one deadline: opened, announced as
// approaching once (lead 72h: from 00:00 CST three days before the due
// day), then missed once the due day is over in China Standard Time. Both
// are events in the matter's verified chain, by the system actor.
func TestSweepApproachingThenMissed(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	log := events.NewLog(events.NewEphemeralCheckpoints())
	s := clock.NewStore(db, embedded(t), log)
	f := newFixture(t, db, log)
	d := f.open(t, db, s, f.decision(t))
	if d.Due.String() != "2024-10-08" || d.Status != clock.StatusOpen || d.MatterID != f.matter || d.Rule.Counting != deadline.MarketRegulationCounting {
		t.Fatalf("opened %+v", d)
	}
	w := clock.NewSweeper(s, clock.Config{SweepInterval: time.Minute, Lead: 72 * time.Hour}, zap.NewNop())
	steps := []struct {
		name string
		now  time.Time
		want clock.Sweep
	}{
		{"a week before", at(10, 1, 9, 0), clock.Sweep{}},
		{"one minute before the lead time", at(10, 4, 23, 59), clock.Sweep{}},
		{"lead time reached", at(10, 5, 0, 0), clock.Sweep{Approaching: 1}},
		{"announced only once", at(10, 6, 10, 0), clock.Sweep{}},
		{"the last minute of the due day", at(10, 8, 23, 59), clock.Sweep{}},
		// 16:30 UTC on Oct 8 is 00:30 CST on Oct 9: the due day is over in China.
		{"past due in China Standard Time", time.Date(2024, 10, 8, 16, 30, 0, 0, time.UTC), clock.Sweep{Missed: 1}},
		{"missed only once", at(10, 10, 9, 0), clock.Sweep{}},
	}
	for _, step := range steps {
		got, err := w.SweepOnce(t.Context(), step.now)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if got != step.want {
			t.Errorf("%s: swept %+v, want %+v", step.name, got, step.want)
		}
	}
	got, err := s.Get(t.Context(), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != clock.StatusMissed || !got.ApproachingAnnounced || got.Closed == nil {
		t.Errorf("after the sweeps: %+v", got)
	}
	want := []eventView{
		{events.DeadlineApproaching, "ipcased", "system", f.proceeding, "2024-10-08"},
		{events.DeadlineMissed, "ipcased", "system", f.proceeding, "2024-10-08"},
	}
	if diff := cmp.Diff(want, f.timeline(t, db)); diff != "" {
		t.Errorf("timeline mismatch (-want +got):\n%s", diff)
	}
	verify(t, db, log, f.matter)

	// A decision posted on the due day arrives after the sweep: it was in
	// time (CPL Art. 85), and a MISSED deadline may still close as MET;
	// nothing else reopens it.
	closeAs := func(st clock.Status) (d clock.Deadline, err error) {
		err = db.InTx(t.Context(), func(tx store.Tx) (err error) {
			d, err = s.Close(tx, clock.ByKind(f.proceeding, "enforcement.decision", ""), st)
			return err
		})
		return d, err
	}
	if d, err := closeAs(clock.StatusMet); err != nil || d.Status != clock.StatusMet {
		t.Errorf("closing the missed deadline as met: %+v, %v", d.Status, err)
	}
	if d, err := closeAs(clock.StatusCancelled); !errors.Is(err, errs.FailedPrecondition) || d.Status != clock.StatusMet {
		t.Errorf("cancelling a met deadline: %s, %v", d.Status, err)
	}
}

// TestOpenExtendClose covers the API the proceedings use: per-party appeal
// clocks, the 90 + 30-day decision deadline, the next deadline for the
// status page, closing and the refusals.
func TestOpenExtendClose(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	log := events.NewLog(events.NewEphemeralCheckpoints())
	s := clock.NewStore(db, embedded(t), log)
	f := newFixture(t, db, log)
	ctx := t.Context()

	dec := f.open(t, db, s, f.decision(t))
	// CPL Art. 171, one clock per party (SPC CPL Interpretation Art. 244).
	// The holder was served Fri 2024-01-26: day 15 is Sat Feb 10, in the
	// Spring Festival holiday → make-up Sunday Feb 18 (TestCompute). The
	// infringer was served Mon 2024-02-05: day 15 is Tue Feb 20, a working
	// day.
	appealA := f.open(t, db, s, f.appeal(t, f.holder, "2024-01-26"))
	appealB := f.open(t, db, s, f.appeal(t, f.infringer, "2024-02-05"))
	if appealA.Due.String() != "2024-02-18" || !appealA.EndsOnMakeUpWorkingDay || appealB.Due.String() != "2024-02-20" {
		t.Fatalf("appeal clocks: %s (make-up %v), %s", appealA.Due, appealA.EndsOnMakeUpWorkingDay, appealB.Due)
	}
	if appealA.PartyID != f.holder || appealA.Rule != deadline.JudgmentAppeal.Rule() {
		t.Errorf("appeal clock: party %s rule %+v", appealA.PartyID, appealA.Rule)
	}

	// +30 days with the head's approval (SAMR Administrative Penalty
	// Procedure Rules Art. 64): counted on from the raw end Thu Oct 3, day
	// 30 is Sat Nov 2; Nov 2–3 are an ordinary weekend → Mon 2024-11-04.
	var ext clock.Deadline
	err := db.InTx(ctx, func(tx store.Tx) (err error) {
		ext, err = s.Extend(tx, clock.ByKind(f.proceeding, "enforcement.decision", ""),
			deadline.DecisionExtension, "王局长 (head, SAMR-HZ)", "appraisal of the seized goods")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if ext.ID != dec.ID || ext.Due.String() != "2024-11-04" || ext.RawEnd.String() != "2024-11-02" || len(ext.Extensions) != 1 {
		t.Errorf("extended: due %s raw %s extensions %+v", ext.Due, ext.RawEnd, ext.Extensions)
	}
	if steps := strings.Join(ext.Steps, "\n"); !strings.Contains(steps,
		"Extension 1: +30 calendar days (SAMR Administrative Penalty Procedure Rules Art. 64 ¶1), approved by 王局长 (head, SAMR-HZ): appraisal of the seized goods") {
		t.Errorf("the derivation does not show the extension and its approval:\n%s", steps)
	}
	if got, _ := s.Get(ctx, dec.ID); got.Due != ext.Due || len(got.Extensions) != 1 || got.Extensions[0].ApprovedBy != "王局长 (head, SAMR-HZ)" ||
		got.Extensions[0].Rule != deadline.DecisionExtension.Rule() {
		t.Errorf("stored after Extend: %+v", got)
	}

	for _, tt := range []struct {
		party string
		want  string
	}{
		{"", appealA.ID},          // Feb 18 first
		{f.infringer, appealB.ID}, // the holder's clock is not the infringer's; Feb 20 before Nov 4
		{f.holder, appealA.ID},
	} {
		got, ok, err := s.NextFor(ctx, f.matter, tt.party)
		if err != nil || !ok || got.ID != tt.want {
			t.Errorf("NextFor(party %q) = %s, %v, %v; want %s", tt.party, got.ID, ok, err, tt.want)
		}
	}

	err = f.in(t, db, func(tx store.Tx, m *filing.Matter) error {
		sp := f.decision(t)
		sp.Matter = m
		_, err := s.Open(tx, sp)
		return err
	})
	if !errors.Is(err, errs.AlreadyExists) {
		t.Errorf("a second open decision deadline: %v, want AlreadyExists", err)
	}

	closeIt := func(ref clock.Ref, st clock.Status) (d clock.Deadline, err error) {
		err = db.InTx(ctx, func(tx store.Tx) (err error) {
			d, err = s.Close(tx, ref, st)
			return err
		})
		return d, err
	}
	if d, err := closeIt(clock.ByKind(f.proceeding, "trial.appeal", f.holder), clock.StatusMet); err != nil || d.Status != clock.StatusMet || d.ID != appealA.ID {
		t.Errorf("Close: %+v, %v", d, err)
	}
	if d, err := closeIt(clock.ByID(appealA.ID), clock.StatusCancelled); !errors.Is(err, errs.FailedPrecondition) || d.Status != clock.StatusMet {
		t.Errorf("closing a closed deadline: %+v, %v; want it unchanged and FailedPrecondition", d.Status, err)
	}
	if _, err := closeIt(clock.ByKind(f.proceeding, "trial.retrial", ""), clock.StatusMet); !errors.Is(err, errs.NotFound) {
		t.Errorf("closing a deadline that does not exist: %v", err)
	}
	err = db.InTx(ctx, func(tx store.Tx) error {
		_, err := s.Extend(tx, clock.ByID(appealA.ID), deadline.DecisionExtension, "judge", "")
		return err
	})
	if !errors.Is(err, errs.FailedPrecondition) {
		t.Errorf("extending a closed deadline: %v", err)
	}
	var closed []clock.Deadline
	err = db.InTx(ctx, func(tx store.Tx) (err error) {
		closed, err = s.CloseProceeding(tx, f.proceeding, clock.StatusCancelled)
		return err
	})
	if err != nil || len(closed) != 2 {
		t.Fatalf("CloseProceeding: %d closed, %v", len(closed), err)
	}
	all, err := s.ForProceeding(ctx, f.proceeding)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Kind, Party, Due, Status string }
	var got []row
	for _, d := range all {
		got = append(got, row{d.Kind, d.PartyID, d.Due.String(), string(d.Status)})
	}
	want := []row{
		{"trial.appeal", f.holder, "2024-02-18", "MET"},
		{"trial.appeal", f.infringer, "2024-02-20", "CANCELLED"},
		{"enforcement.decision", "", "2024-11-04", "CANCELLED"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ForProceeding mismatch (-want +got):\n%s", diff)
	}
	if byMatter, err := s.ForMatter(ctx, f.matter); err != nil || len(byMatter) != 3 {
		t.Errorf("ForMatter: %d, %v", len(byMatter), err)
	}
	if _, ok, err := s.NextFor(ctx, f.matter, ""); ok || err != nil {
		t.Errorf("NextFor with nothing open: ok %v, %v", ok, err)
	}
	// Closed clocks free the kind: a new decision deadline may open.
	f.open(t, db, s, f.decision(t))
}

// TestCurrentSettleExtend follows the decision clock as package
// enforcement drives it, all in one transaction as tx sees it: opened on
// deadline.DecisionPeriod (90 days from Fri 2024-07-05: due Tue
// 2024-10-08), extended by deadline.DecisionExtension (+30 days: Mon
// 2024-11-04), and settled with the statement window, one kind at a time.
func TestCurrentSettleExtend(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	log := events.NewLog(events.NewEphemeralCheckpoints())
	s := clock.NewStore(db, embedded(t), log)
	f := newFixture(t, db, log)
	const decision, statement = "enforcement.decision", "enforcement.statement"
	current := func(tx store.Tx, kind string) string {
		t.Helper()
		due, ok, err := s.Current(tx, f.proceeding, kind)
		if err != nil {
			t.Fatalf("Current(%s): %v", kind, err)
		}
		if !ok {
			return "none"
		}
		return due.Due.String()
	}
	anyIn := func(tx store.Tx, kind string, st ...clock.Status) bool {
		t.Helper()
		ok, err := s.Any(tx, f.proceeding, kind, st...)
		if err != nil {
			t.Fatalf("Any(%s): %v", kind, err)
		}
		return ok
	}
	err := f.in(t, db, func(tx store.Tx, m *filing.Matter) error {
		if got := current(tx, decision); got != "none" {
			t.Errorf("Current before any clock: %s", got)
		}
		dec := f.decision(t)
		dec.Matter = m
		if _, err := s.Open(tx, dec); err != nil {
			return err
		}
		// Administrative Penalty Law Arts. 62, 64(1): 5 working days from
		// the notice served Fri 2024-09-27: Sep 29 (Sun, make-up) 1, Sep 30
		// 2, Oct 8 3, Oct 9 4, Thu Oct 10 5.
		if _, err := s.Open(tx, clock.Spec{Matter: m, ProceedingID: f.proceeding, Kind: statement,
			Trigger: date(t, "2024-09-27"), Period: deadline.StatementWindow}); err != nil {
			return err
		}
		// A party's clock is not the proceeding's own.
		appeal := f.appeal(t, f.infringer, "2024-02-05")
		appeal.Matter = m
		if _, err := s.Open(tx, appeal); err != nil {
			return err
		}
		if got := current(tx, decision); got != "2024-10-08" {
			t.Errorf("Current(decision) = %s, want 2024-10-08", got)
		}
		if got := current(tx, statement); got != "2024-10-10" {
			t.Errorf("Current(statement) = %s, want 2024-10-10", got)
		}
		if got := current(tx, "trial.appeal"); got != "none" {
			t.Errorf("Current(trial.appeal) = %s, want none: the only clock is a party's", got)
		}

		if err := s.Settle(tx, f.proceeding, statement); err != nil {
			return err
		}
		if !anyIn(tx, statement, clock.StatusMet) || anyIn(tx, statement, clock.StatusOpen) || !anyIn(tx, decision, clock.StatusOpen) {
			t.Error("Settle(statement) did not close the statement window alone")
		}

		d, err := s.Extend(tx, clock.ByKind(f.proceeding, decision, ""), deadline.DecisionExtension, "王局长 (head, SAMR-HZ)", "")
		if err != nil {
			return err
		}
		if d.Due.String() != "2024-11-04" {
			t.Errorf("Extend: due %s, want 2024-11-04", d.Due)
		}
		if got := current(tx, decision); got != "2024-11-04" {
			t.Errorf("Current(decision) after Extend = %s, want 2024-11-04", got)
		}

		if err := s.Settle(tx, f.proceeding); err != nil {
			return err
		}
		if anyIn(tx, decision, clock.StatusOpen) || !anyIn(tx, decision, clock.StatusMet) || !anyIn(tx, "trial.appeal", clock.StatusMet) {
			t.Error("Settle with no kinds did not close every clock as met")
		}
		// A settled clock is still the latest of its kind.
		if got := current(tx, decision); got != "2024-11-04" {
			t.Errorf("Current(decision) after Settle = %s, want 2024-11-04", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	// An open clock comes before a closed one: a new decision deadline
	// triggered Thu 2024-08-01 is due on day 90, Wed 2024-10-30.
	f.open(t, db, s, clock.Spec{ProceedingID: f.proceeding, Kind: decision, Trigger: date(t, "2024-08-01"), Period: deadline.DecisionPeriod})
	if got := current(db.Session(t.Context()), decision); got != "2024-10-30" {
		t.Errorf("Current(decision) with a new clock open = %s, want 2024-10-30", got)
	}
	all, err := s.ForProceeding(t.Context(), f.proceeding)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Kind, Due, Status string }
	var got []row
	for _, d := range all {
		got = append(got, row{d.Kind, d.Due.String(), string(d.Status)})
	}
	want := []row{
		{"trial.appeal", "2024-02-20", "MET"},
		{"enforcement.statement", "2024-10-10", "MET"},
		{"enforcement.decision", "2024-10-30", "OPEN"},
		{"enforcement.decision", "2024-11-04", "MET"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ForProceeding mismatch (-want +got):\n%s", diff)
	}
}

func TestOpenRefusals(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	log := events.NewLog(events.NewEphemeralCheckpoints())
	s := clock.NewStore(db, embedded(t), log)
	f := newFixture(t, db, log)
	other := newFixture(t, db, log) // another matter, with its own proceeding and parties
	valid := func(sp clock.Spec) clock.Spec {
		if sp.Kind == "" {
			sp.Kind = "trial.appeal"
		}
		if sp.ProceedingID == "" {
			sp.ProceedingID = f.proceeding
		}
		if sp.Period == (deadline.Period{}) {
			sp.Period, sp.Trigger = deadline.JudgmentAppeal, date(t, "2024-01-01")
		}
		return sp
	}
	for _, tt := range []struct {
		name     string
		noMatter bool
		spec     clock.Spec
		fields   []string
	}{
		{"no matter", true, valid(clock.Spec{}), []string{"matter"}},
		{"bad proceeding id and kind", false, valid(clock.Spec{ProceedingID: "p-1", Kind: "Decision"}), []string{"proceeding_id", "kind"}},
		{"bad party id and kind", false, valid(clock.Spec{Kind: "Decision", PartyID: "x"}), []string{"party_id", "kind"}},
		{"proceeding of another matter", false, valid(clock.Spec{ProceedingID: other.proceeding}), []string{"proceeding_id"}},
		{"party of another matter", false, valid(clock.Spec{PartyID: other.infringer}), []string{"party_id"}},
		{"bad period", false, valid(clock.Spec{Period: deadline.Period{Name: "nothing", Unit: deadline.Months}}), []string{"trigger_date", "period"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := storetest.RowCounts(t, db)
			err := f.in(t, db, func(tx store.Tx, m *filing.Matter) error {
				sp := tt.spec
				if !tt.noMatter {
					sp.Matter = m
				}
				_, err := s.Open(tx, sp)
				return err
			})
			var fe *errs.FieldErrors
			if !errors.As(err, &fe) {
				t.Fatalf("got %v, want field errors", err)
			}
			var got []string
			for _, v := range fe.Violations {
				got = append(got, v.Field)
			}
			if diff := cmp.Diff(tt.fields, got); diff != "" {
				t.Errorf("fields mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(before, storetest.RowCounts(t, db)); diff != "" {
				t.Errorf("a refusal wrote (-before +after):\n%s", diff)
			}
		})
	}
	// 2021-06-01 + 15 days is 2021-06-16: no 2021 notice is shipped, and
	// 2021 predates the Holiday Measures provisional years are built from.
	before := storetest.RowCounts(t, db)
	err := f.in(t, db, func(tx store.Tx, m *filing.Matter) error {
		_, err := s.Open(tx, clock.Spec{Matter: m, ProceedingID: f.proceeding, Kind: "trial.appeal", Trigger: date(t, "2021-06-01"),
			Period: deadline.JudgmentAppeal})
		return err
	})
	if u, ok := deadline.IsUncovered(err); !ok || u.Year != 2021 || !errors.Is(err, errs.FailedPrecondition) {
		t.Errorf("a deadline in 2021: %v", err)
	}
	if diff := cmp.Diff(before, storetest.RowCounts(t, db)); diff != "" {
		t.Errorf("a deadline in 2021 wrote (-before +after):\n%s", diff)
	}
	if all, _ := s.ForMatter(t.Context(), f.matter); len(all) != 0 {
		t.Errorf("refusals wrote %d deadlines", len(all))
	}
}

// withHoliday returns the embedded calendar with day added to its year's
// holidays, as an operator's file would.
func withHoliday(t *testing.T, cal *deadline.Calendar, day string) *deadline.Calendar {
	t.Helper()
	d := date(t, day)
	y, ok := cal.Notice(d.Year)
	if !ok {
		t.Fatalf("no %d notice", d.Year)
	}
	y.Holidays = append(y.Holidays, d)
	b, err := json.Marshal(y)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%d.json", y.Year)), b, 0o600); err != nil {
		t.Fatal(err)
	}
	changed, err := deadline.LoadCalendar(dir)
	if err != nil {
		t.Fatal(err)
	}
	return changed
}

// TestRecomputeAfterCalendarChange replaces the 2024 notice with one that
// adds a holiday on the due day: the open deadline moves, with an event;
// a closed one does not; a second run finds nothing to do.
func TestRecomputeAfterCalendarChange(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	log := events.NewLog(events.NewEphemeralCheckpoints())
	before := embedded(t)
	f := newFixture(t, db, log)
	s1 := clock.NewStore(db, before, log)
	// Untouched by the change: the 90-day decision deadline (due Oct 8),
	// announced as approaching on Oct 6.
	dec := f.open(t, db, s1, f.decision(t))
	if _, err := clock.NewSweeper(s1, clock.Config{SweepInterval: time.Minute, Lead: 72 * time.Hour}, zap.NewNop()).
		SweepOnce(t.Context(), at(10, 6, 9, 0)); err != nil {
		t.Fatal(err)
	}
	// CPL Art. 171, served Tue 2024-03-12: day 15 is Wed 2024-03-27, a
	// working day under the real notice.
	d := f.open(t, db, s1, f.appeal(t, f.infringer, "2024-03-12"))
	met := f.open(t, db, s1, f.appeal(t, f.holder, "2024-03-12"))
	if err := db.InTx(t.Context(), func(tx store.Tx) error {
		_, err := s1.Close(tx, clock.ByID(met.ID), clock.StatusMet)
		return err
	}); err != nil {
		t.Fatal(err)
	}

	after := withHoliday(t, before, "2024-03-27")
	if after.Version() == before.Version() {
		t.Fatal("adding a holiday did not change the calendar's version")
	}
	s2 := clock.NewStore(db, after, log)
	res, err := s2.Recompute(t.Context(), at(3, 20, 9, 0))
	if err != nil {
		t.Fatal(err)
	}
	if res.Checked != 2 || res.Moved != 1 || len(res.Failed) != 0 {
		t.Errorf("Recompute: %+v, want 2 checked, 1 moved", res)
	}
	// Wed Mar 27 is now a holiday → Thu 2024-03-28.
	got, err := s2.Get(t.Context(), d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Due.String() != "2024-03-28" || got.CalendarVersion != after.Version() || !got.Adjusted {
		t.Errorf("recomputed: due %s version %s adjusted %v", got.Due, got.CalendarVersion, got.Adjusted)
	}
	if unchanged, _ := s2.Get(t.Context(), met.ID); unchanged.Due.String() != "2024-03-27" || unchanged.CalendarVersion != before.Version() {
		t.Errorf("a closed deadline was recomputed: %+v", unchanged)
	}
	if quiet, _ := s2.Get(t.Context(), dec.ID); quiet.Due != dec.Due || quiet.CalendarVersion != after.Version() || !quiet.ApproachingAnnounced {
		t.Errorf("an unmoved deadline: due %s version %s announced %v", quiet.Due, quiet.CalendarVersion, quiet.ApproachingAnnounced)
	}
	evs, err := events.List(db.Session(t.Context()), f.matter, f.seq, 100)
	if err != nil {
		t.Fatal(err)
	}
	var recomputed []events.DeadlineRecomputedPayload
	for _, e := range evs {
		if e.Type == events.DeadlineRecomputed {
			p, err := events.Decode[events.DeadlineRecomputedPayload](e)
			if err != nil {
				t.Fatal(err)
			}
			recomputed = append(recomputed, p)
		}
	}
	if len(recomputed) != 1 || recomputed[0].PreviousDue.String() != "2024-03-27" || recomputed[0].Due.String() != "2024-03-28" ||
		recomputed[0].CalendarVersion != after.Version() || recomputed[0].PreviousCalendarVersion != before.Version() ||
		recomputed[0].Deadline != d.ID {
		t.Errorf("recomputed events: %+v", recomputed)
	}
	if again, err := s2.Recompute(t.Context(), at(3, 20, 10, 0)); err != nil || again.Checked != 0 {
		t.Errorf("second Recompute: %+v, %v", again, err)
	}
	verify(t, db, log, f.matter)
}

// waitFor polls cond until it holds or 60 s pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(60 * time.Second) // generous: CI runs every package at once under -race on two cores
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("timed out waiting until %s", what)
		case <-tick.C:
		}
	}
}

// run starts w.Run and returns a function that stops it and waits.
func run(t *testing.T, w *clock.Sweeper) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	t.Cleanup(stop)
	return stop
}

// lockHolder is the session holding the sweep lock in db's database, 0 if
// none. Advisory locks are per database, but pg_locks lists the whole
// cluster: another database's sweeper (a running dev server, another test)
// holds the same key there.
func lockHolder(t *testing.T, db *store.DB) int64 {
	t.Helper()
	var pid int64
	if err := db.Session(t.Context()).Gorm().Raw(`SELECT coalesce(max(pid), 0) FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND classid::bigint = ? AND objid::bigint = ?`, int64(0x69706361), int64(0x73656473)).Scan(&pid).Error; err != nil {
		t.Fatalf("finding the lock holder: %v", err)
	}
	return pid
}

// TestSweepersTakeTurns runs two sweepers, each with its own connection
// pool as two replicas would, against one database: only one holds the
// lock and acts; when it stops the other takes over; when the leader's
// session is killed it stops leading and the lock is taken again.
func TestSweepersTakeTurns(t *testing.T) {
	t.Parallel()
	u := storetest.URL(t)
	db1, db2 := storetest.Open(t, u, 5), storetest.Open(t, u, 5)
	log := events.NewLog(events.NewEphemeralCheckpoints())
	cal := embedded(t)
	f := newFixture(t, db1, log)
	// Due 2024-10-08: long past by the real clock the sweepers read.
	s1 := clock.NewStore(db1, cal, log)
	d := f.open(t, db1, s1, f.decision(t))
	cfg := clock.Config{SweepInterval: 10 * time.Millisecond, Lead: 72 * time.Hour}
	w1 := clock.NewSweeper(s1, cfg, zap.NewNop())
	w2 := clock.NewSweeper(clock.NewStore(db2, cal, log), cfg, zap.NewNop())

	stop1 := run(t, w1)
	waitFor(t, "the first sweeper leads", w1.Leading)
	run(t, w2)
	// The second keeps trying while the first holds the lock.
	from := w2.Attempts()
	waitFor(t, "the second sweeper tried five times", func() bool { return w2.Attempts() >= from+5 })
	if w2.Leading() || w2.Terms() != 0 || !w1.Leading() {
		t.Fatalf("both lead or neither: w1 %v, w2 %v (terms %d)", w1.Leading(), w2.Leading(), w2.Terms())
	}
	waitFor(t, "the deadline is marked missed", func() bool {
		got, err := s1.Get(t.Context(), d.ID)
		return err == nil && got.Status == clock.StatusMissed
	})
	if tl := f.timeline(t, db1); len(tl) != 1 || tl[0].Type != events.DeadlineMissed {
		t.Errorf("timeline: %+v, want one deadline.missed", tl)
	}

	stop1()
	waitFor(t, "the second sweeper takes over", w2.Leading)

	// Kill the leader's session: it must notice, stop and try again.
	pid := lockHolder(t, db1)
	if pid == 0 {
		t.Fatal("no session holds the sweep lock")
	}
	storetest.Exec(t, db1, `SELECT pg_terminate_backend(?)`, pid)
	waitFor(t, "the second sweeper leads again on a new session", func() bool {
		holder := lockHolder(t, db1)
		return w2.Terms() >= 2 && w2.Leading() && holder != 0 && holder != pid
	})
}

// TestRecomputeProvisionalYear opens clocks that end in 2027, which has no
// holiday notice: they run on the statutory holidays and are provisional.
// Once a 2027 notice is loaded, Recompute makes them exact, with an event
// each, whether or not the day moves.
func TestRecomputeProvisionalYear(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	log := events.NewLog(events.NewEphemeralCheckpoints())
	before := embedded(t)
	f := newFixture(t, db, log)
	s1 := clock.NewStore(db, before, log)
	// CPL Art. 171, served Thu 2027-01-21: day 15 is Fri 02-05, New Year's
	// Eve, a statutory holiday; the Spring Festival holiday of the Holiday
	// Measures (Art. 2: New Year's Eve and days 1–3) runs to Mon 02-08, so
	// the provisional due day is Tue 2027-02-09.
	spring := f.open(t, db, s1, f.appeal(t, f.infringer, "2027-01-21"))
	// Served Mon 2027-03-01: day 15 is Tue 03-16, an ordinary working day.
	march := f.open(t, db, s1, f.appeal(t, f.holder, "2027-03-01"))
	if spring.Due.String() != "2027-02-09" || !spring.Provisional || march.Due.String() != "2027-03-16" || !march.Provisional {
		t.Fatalf("opened: %s provisional %v, %s provisional %v; want 2027-02-09 and 2027-03-16, both provisional",
			spring.Due, spring.Provisional, march.Due, march.Provisional)
	}

	// A 2027 notice as they are usually made: an eight-day Spring Festival
	// from New Year's Eve, Fri 02-05 to Fri 02-12, with make-up working
	// days on Sun 01-31 and Sat 02-20. Day 15 (02-05) is in it, and Sat
	// 02-13 and Sun 02-14 are an ordinary weekend, so the period ends on
	// Mon 2027-02-15.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "2027.json"), []byte(`{"year": 2027, "notice": "test notice 2027",
		"notice_date": "2026-11-20", "holidays": ["2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08",
		"2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"], "workdays": ["2027-01-31", "2027-02-20"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	after, err := deadline.LoadCalendar(dir)
	if err != nil {
		t.Fatal(err)
	}
	s2 := clock.NewStore(db, after, log)
	res, err := s2.Recompute(t.Context(), time.Date(2026, 11, 21, 9, 0, 0, 0, civil.China))
	if err != nil || res.Checked != 2 || res.Moved != 2 || len(res.Failed) != 0 {
		t.Fatalf("Recompute: %+v, %v; want 2 checked, 2 recomputed", res, err)
	}
	for id, want := range map[string]string{spring.ID: "2027-02-15", march.ID: "2027-03-16"} {
		got, err := s2.Get(t.Context(), id)
		if err != nil || got.Due.String() != want || got.Provisional {
			t.Errorf("after the notice: due %s provisional %v, %v; want %s, exact", got.Due, got.Provisional, err, want)
		}
	}
	evs, err := events.List(db.Session(t.Context()), f.matter, f.seq, 100)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]events.DeadlineRecomputedPayload{}
	for _, e := range evs {
		if e.Type == events.DeadlineRecomputed {
			p, err := events.Decode[events.DeadlineRecomputedPayload](e)
			if err != nil {
				t.Fatal(err)
			}
			seen[p.Deadline] = p
		}
	}
	if p := seen[spring.ID]; p.PreviousDue.String() != "2027-02-09" || p.Due.String() != "2027-02-15" || !p.PreviousProvisional || p.Provisional {
		t.Errorf("spring festival clock's event: %+v", p)
	}
	if p := seen[march.ID]; p.PreviousDue.String() != "2027-03-16" || p.Due.String() != "2027-03-16" || !p.PreviousProvisional || p.Provisional {
		t.Errorf("march clock's event: %+v", p)
	}
	verify(t, db, log, f.matter)
}

// TestCurrentFromBegin: a change that sends Current's read with BEGIN
// (CurrentFirst) is answered from it, with no statement of its own, and
// gets what the read would give; once the change writes, Current reads
// again and sees the write. The clocks are TestCurrentSettleExtend's: the
// decision clock due Tue 2024-10-08, extended by 30 days to Mon
// 2024-11-04; the statement window due Thu 2024-10-10; an appeal clock of
// a party, which is not the proceeding's own.
func TestCurrentFromBegin(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	log := events.NewLog(events.NewEphemeralCheckpoints())
	s := clock.NewStore(db, embedded(t), log)
	f := newFixture(t, db, log)
	const decision, statement = "enforcement.decision", "enforcement.statement"
	f.open(t, db, s, f.decision(t))
	f.open(t, db, s, clock.Spec{ProceedingID: f.proceeding, Kind: statement, Trigger: date(t, "2024-09-27"), Period: deadline.StatementWindow})
	f.open(t, db, s, f.appeal(t, f.infringer, "2024-02-05"))
	if err := f.in(t, db, func(tx store.Tx, _ *filing.Matter) error {
		_, err := s.Extend(tx, clock.ByKind(f.proceeding, decision, ""), deadline.DecisionExtension, "王局长 (head, SAMR-HZ)", "")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var statements int
	if err := db.OnStatement(func(context.Context) { statements++ }); err != nil {
		t.Fatal(err)
	}
	first, err := s.CurrentFirst(f.proceeding)
	if err != nil {
		t.Fatal(err)
	}
	type answer struct {
		d  clock.Deadline
		ok bool
	}
	current := func(tx store.Tx, kind string) answer {
		t.Helper()
		d, ok, err := s.Current(tx, f.proceeding, kind)
		if err != nil {
			t.Fatalf("Current(%s): %v", kind, err)
		}
		return answer{d, ok}
	}
	want := map[string]string{decision: "2024-11-04", statement: "2024-10-10", "trial.appeal": "none"}
	_, err = db.IdempotentAfter(t.Context(), store.IdempotencyKey{}, []store.First{first}, func(tx store.Tx, _ []store.Text) ([]byte, error) {
		for kind, due := range want {
			before := statements
			got := current(tx, kind)
			if statements != before {
				t.Errorf("Current(%s) made %d statements; want it answered from BEGIN", kind, statements-before)
			}
			read := current(db.Session(t.Context()), kind)
			if diff := cmp.Diff(read, got, cmp.AllowUnexported(answer{})); diff != "" {
				t.Errorf("Current(%s) from BEGIN differs from a read (-read +from BEGIN):\n%s", kind, diff)
			}
			if got.ok != (due != "none") || got.ok && got.d.Due.String() != due {
				t.Errorf("Current(%s) = %s (%v); want %s", kind, got.d.Due, got.ok, due)
			}
		}
		if err := s.Settle(tx, f.proceeding, statement); err != nil {
			return nil, err
		}
		if got := current(tx, statement); got.d.Status != clock.StatusMet {
			t.Errorf("Current(statement) after Settle in the change: status %s; want it read again, MET", got.d.Status)
		}
		return nil, nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestChangesSentWithCommit changes a proceeding's clocks in one
// transaction, as a transition does: the changes make no statement of
// their own, the transaction's later reads see them, a second open clock
// of a kind is refused within the transaction, the table holds what the
// reads showed once it commits, and a transaction that fails leaves the
// table as it was.
func TestChangesSentWithCommit(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	log := events.NewLog(events.NewEphemeralCheckpoints())
	s := clock.NewStore(db, embedded(t), log)
	f := newFixture(t, db, log)
	ctx := t.Context()
	const decision, statement = "enforcement.decision", "enforcement.statement"
	f.open(t, db, s, f.decision(t))
	var roundTrips atomic.Int64
	db.OnRoundTrip(func(context.Context) { roundTrips.Add(1) })
	stmt := clock.Spec{ProceedingID: f.proceeding, Kind: statement, Trigger: date(t, "2024-09-27"), Period: deadline.StatementWindow}
	seen := map[string]clock.Deadline{}
	err := f.in(t, db, func(tx store.Tx, m *filing.Matter) error {
		before := roundTrips.Load()
		defer func() {
			// Reading the proceeding's deadlines once is the only round trip.
			if n := roundTrips.Load() - before; n != 1 {
				t.Errorf("the changes made %d round trips before COMMIT; want 1, the first read", n)
			}
		}()
		stmt.Matter = m
		opened, err := s.Open(tx, stmt)
		if err != nil {
			return err
		}
		if _, err := s.Open(tx, stmt); !errors.Is(err, errs.AlreadyExists) {
			t.Errorf("a second open statement clock in the same transaction: %v, want AlreadyExists", err)
		}
		if d, ok, err := s.Current(tx, f.proceeding, statement); err != nil || !ok || d.ID != opened.ID || d.Status != clock.StatusOpen {
			t.Errorf("Current(statement) after Open = %+v, %v, %v; want the opened clock", d, ok, err)
		}
		if _, err := s.Close(tx, clock.ByKind(f.proceeding, decision, ""), clock.StatusMet); err != nil {
			return err
		}
		if _, err := s.Extend(tx, clock.ByKind(f.proceeding, statement, ""), deadline.DecisionExtension, "王局长 (head, SAMR-HZ)", "appraisal"); err != nil {
			return err
		}
		if open, err := s.Any(tx, f.proceeding, decision, clock.StatusOpen); err != nil || open {
			t.Errorf("Any(decision, OPEN) after Close = %v, %v; want false", open, err)
		}
		for _, kind := range []string{decision, statement} {
			d, ok, err := s.Current(tx, f.proceeding, kind)
			if err != nil || !ok {
				t.Fatalf("Current(%s): %v, %v", kind, ok, err)
			}
			seen[kind] = d
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen[decision].Status != clock.StatusMet || seen[decision].Closed == nil {
		t.Errorf("the decision clock as the transaction saw it: %s, closed %v; want MET", seen[decision].Status, seen[decision].Closed)
	}
	if st := seen[statement]; len(st.Extensions) != 1 || st.Status != clock.StatusOpen {
		t.Errorf("the statement clock as the transaction saw it: %+v; want it open, extended once", st)
	}
	for kind, d := range seen {
		stored, err := s.Get(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(d, stored); diff != "" {
			t.Errorf("%s: stored after COMMIT differs from what the transaction read (-read +stored):\n%s", kind, diff)
		}
	}

	all, err := s.ForProceeding(ctx, f.proceeding)
	if err != nil {
		t.Fatal(err)
	}
	failed := errors.New("a later step failed")
	err = f.in(t, db, func(tx store.Tx, m *filing.Matter) error {
		sp := f.appeal(t, f.holder, "2024-01-26")
		sp.Matter = m
		if _, err := s.Open(tx, sp); err != nil {
			return err
		}
		if err := s.Settle(tx, f.proceeding); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("the failing transaction: %v", err)
	}
	after, err := s.ForProceeding(ctx, f.proceeding)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all, after); diff != "" {
		t.Errorf("a transaction that failed changed the clocks (-before +after):\n%s", diff)
	}
}
