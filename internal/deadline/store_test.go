package deadline_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/uuid"
	"go.uber.org/zap"
	"gorm.io/gorm"

	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/errs"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// cst is China Standard Time, in which "today" is taken.
var cst = time.FixedZone("CST", 8*60*60)

func at(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, cst) }

// fixture is a matter with an enforcement proceeding and two parties,
// inserted with SQL: the deadline store needs only the rows it refers to.
type fixture struct {
	matter, proceeding string
	holder, infringer  string
}

func newFixture(t *testing.T, db *gorm.DB) fixture {
	t.Helper()
	f := fixture{matter: uuid.NewString(), proceeding: uuid.NewString(), holder: uuid.NewString(), infringer: uuid.NewString()}
	now := time.Now()
	for _, stmt := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO parties (id, kind, display_name) VALUES (?, 'PERSON', '李明'), (?, 'PERSON', '王强')`, []any{f.holder, f.infringer}},
		{`INSERT INTO matters (id, number, state, complainant_id, facts, agency, create_time, update_time)
			VALUES (?, ?, 'ACCEPTED', ?, 'Counterfeit goods.', 'SAMR-HZ', ?, ?)`, []any{f.matter, "IPC-2024-" + f.matter[:6], f.holder, now, now}},
		{`INSERT INTO matter_parties (matter_id, role, position, party_id) VALUES (?, 'COMPLAINANT', 0, ?), (?, 'RESPONDENT', 0, ?)`,
			[]any{f.matter, f.holder, f.matter, f.infringer}},
		{`INSERT INTO proceedings (id, matter_id, kind, state, forum, create_time, update_time)
			VALUES (?, ?, 'ENFORCEMENT', 'OPENED', 'SAMR-HZ', ?, ?)`, []any{f.proceeding, f.matter, now, now}},
	} {
		if err := db.Exec(stmt.sql, stmt.args...).Error; err != nil {
			t.Fatalf("fixture: %v", err)
		}
	}
	return f
}

// open opens sp in its own transaction.
func open(t *testing.T, db *gorm.DB, s *deadline.Store, sp deadline.Spec) deadline.Deadline {
	t.Helper()
	var d deadline.Deadline
	err := db.Transaction(func(tx *gorm.DB) (err error) {
		d, err = s.Open(tx, sp)
		return err
	})
	if err != nil {
		t.Fatalf("Open(%s): %v", sp.Kind, err)
	}
	return d
}

// decision is the 90-day decision deadline of Administrative Penalty Law
// Art. 60 for a case opened Fri 2024-07-05: day 90 is Thu 2024-10-03, in
// the National Day holiday (Oct 1–7) → due Tue 2024-10-08 (hand count in
// TestCompute).
func decision(f fixture, t *testing.T) deadline.Spec {
	return deadline.Spec{ProceedingID: f.proceeding, Kind: "enforcement.decision", Trigger: date(t, "2024-07-05"),
		Rule: days(90, "Administrative Penalty Law Art. 60")}
}

type eventView struct {
	Type, Subject, Role, Proceeding string
	Due                             string
}

func timeline(t *testing.T, db *gorm.DB, matter string) []eventView {
	t.Helper()
	evs, err := events.List(t.Context(), db, matter, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]eventView, len(evs))
	for i, e := range evs {
		var p struct{ Due string }
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			t.Fatal(err)
		}
		out[i] = eventView{e.Type, e.Actor.Subject, e.Actor.Role, e.ProceedingID, p.Due}
	}
	return out
}

// TestSweepApproachingThenMissed follows one deadline: opened, announced as
// approaching once (lead 72h: from 00:00 CST three days before the due
// day), then missed once the due day is over in China Standard Time. Both
// are events in the matter's verified chain, by the system actor.
func TestSweepApproachingThenMissed(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	cp := events.NewEphemeralCheckpoints()
	s := deadline.NewStore(db, embedded(t), cp)
	f := newFixture(t, db)
	d := open(t, db, s, decision(f, t))
	if d.Due.String() != "2024-10-08" || d.Status != deadline.StatusOpen || d.MatterID != f.matter {
		t.Fatalf("opened %+v", d)
	}
	w := deadline.NewSweeper(s, deadline.Config{SweepInterval: time.Minute, Lead: 72 * time.Hour}, zap.NewNop())
	steps := []struct {
		name string
		now  time.Time
		want deadline.Sweep
	}{
		{"a week before", at(2024, 10, 1, 9, 0), deadline.Sweep{}},
		{"one minute before the lead time", at(2024, 10, 4, 23, 59), deadline.Sweep{}},
		{"lead time reached", at(2024, 10, 5, 0, 0), deadline.Sweep{Approaching: 1}},
		{"announced only once", at(2024, 10, 6, 10, 0), deadline.Sweep{}},
		{"the last minute of the due day", at(2024, 10, 8, 23, 59), deadline.Sweep{}},
		// 16:30 UTC on Oct 8 is 00:30 CST on Oct 9: the due day is over in China.
		{"past due in China Standard Time", time.Date(2024, 10, 8, 16, 30, 0, 0, time.UTC), deadline.Sweep{Missed: 1}},
		{"missed only once", at(2024, 10, 10, 9, 0), deadline.Sweep{}},
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
	if got.Status != deadline.StatusMissed || !got.ApproachingAnnounced || got.Closed == nil {
		t.Errorf("after the sweeps: %+v", got)
	}
	want := []eventView{
		{deadline.EventApproaching, "ipcased", "system", f.proceeding, "2024-10-08"},
		{deadline.EventMissed, "ipcased", "system", f.proceeding, "2024-10-08"},
	}
	if diff := cmp.Diff(want, timeline(t, db, f.matter)); diff != "" {
		t.Errorf("timeline mismatch (-want +got):\n%s", diff)
	}
	v, err := events.Verify(t.Context(), db, cp, f.matter)
	if err != nil || !v.Intact {
		t.Errorf("chain not intact: %+v, %v", v, err)
	}

	// A decision posted on the due day arrives after the sweep: it was in
	// time (CPL Art. 85), and a MISSED deadline may still close as MET;
	// nothing else reopens it.
	closeAs := func(st deadline.Status) (d deadline.Deadline, err error) {
		err = db.Transaction(func(tx *gorm.DB) (err error) {
			d, err = s.Close(tx, deadline.ByKind(f.proceeding, "enforcement.decision", ""), st)
			return err
		})
		return d, err
	}
	if d, err := closeAs(deadline.StatusMet); err != nil || d.Status != deadline.StatusMet {
		t.Errorf("closing the missed deadline as met: %+v, %v", d.Status, err)
	}
	if d, err := closeAs(deadline.StatusCancelled); !errors.Is(err, errs.FailedPrecondition) || d.Status != deadline.StatusMet {
		t.Errorf("cancelling a met deadline: %s, %v", d.Status, err)
	}
}

// TestOpenExtendClose covers the API the proceedings use: per-party appeal
// clocks, the 90 + 30-day decision deadline, the next deadline for the
// status page, closing and the refusals.
func TestOpenExtendClose(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	s := deadline.NewStore(db, embedded(t), events.NewEphemeralCheckpoints())
	f := newFixture(t, db)
	ctx := t.Context()

	dec := open(t, db, s, decision(f, t))
	// CPL Art. 171, one clock per party (SPC CPL Interpretation Art. 244).
	// The holder was served Fri 2024-01-26: day 15 is Sat Feb 10, in the
	// Spring Festival holiday → make-up Sunday Feb 18 (TestCompute). The
	// infringer was served Mon 2024-02-05: day 15 is Tue Feb 20, a working
	// day.
	appealA := open(t, db, s, deadline.Spec{ProceedingID: f.proceeding, Kind: "trial.appeal", PartyID: f.holder,
		Trigger: date(t, "2024-01-26"), Rule: days(15, "CPL Art. 171")})
	appealB := open(t, db, s, deadline.Spec{ProceedingID: f.proceeding, Kind: "trial.appeal", PartyID: f.infringer,
		Trigger: date(t, "2024-02-05"), Rule: days(15, "CPL Art. 171")})
	if appealA.Due.String() != "2024-02-18" || !appealA.EndsOnMakeUpWorkingDay || appealB.Due.String() != "2024-02-20" {
		t.Fatalf("appeal clocks: %s (make-up %v), %s", appealA.Due, appealA.EndsOnMakeUpWorkingDay, appealB.Due)
	}

	// +30 days with the head's approval (SAMR Provisions Art. 64): counted
	// on from the raw end Thu Oct 3, day 30 is Sat Nov 2; Nov 2–3 are an
	// ordinary weekend → Mon 2024-11-04.
	var ext deadline.Deadline
	err := db.Transaction(func(tx *gorm.DB) (err error) {
		ext, err = s.Extend(tx, deadline.ByKind(f.proceeding, "enforcement.decision", ""),
			days(30, "SAMR Provisions Art. 64"), "王局长 (head, SAMR-HZ)", "appraisal of the seized goods")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if ext.ID != dec.ID || ext.Due.String() != "2024-11-04" || ext.RawEnd.String() != "2024-11-02" || len(ext.Extensions) != 1 {
		t.Errorf("extended: due %s raw %s extensions %+v", ext.Due, ext.RawEnd, ext.Extensions)
	}
	if steps := strings.Join(ext.Steps, "\n"); !strings.Contains(steps, "approved by 王局长 (head, SAMR-HZ): appraisal of the seized goods") {
		t.Errorf("the derivation does not show the approval:\n%s", steps)
	}
	if got, _ := s.Get(ctx, dec.ID); got.Due != ext.Due || len(got.Extensions) != 1 || got.Extensions[0].ApprovedBy != "王局长 (head, SAMR-HZ)" {
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

	err = db.Transaction(func(tx *gorm.DB) error {
		_, err := s.Open(tx, decision(f, t))
		return err
	})
	if !errors.Is(err, errs.AlreadyExists) {
		t.Errorf("a second open decision deadline: %v, want AlreadyExists", err)
	}

	closeIt := func(ref deadline.Ref, st deadline.Status) (d deadline.Deadline, err error) {
		err = db.Transaction(func(tx *gorm.DB) (err error) {
			d, err = s.Close(tx, ref, st)
			return err
		})
		return d, err
	}
	if d, err := closeIt(deadline.ByKind(f.proceeding, "trial.appeal", f.holder), deadline.StatusMet); err != nil || d.Status != deadline.StatusMet || d.ID != appealA.ID {
		t.Errorf("Close: %+v, %v", d, err)
	}
	if d, err := closeIt(deadline.ByID(appealA.ID), deadline.StatusCancelled); !errors.Is(err, errs.FailedPrecondition) || d.Status != deadline.StatusMet {
		t.Errorf("closing a closed deadline: %+v, %v; want it unchanged and FailedPrecondition", d.Status, err)
	}
	if _, err := closeIt(deadline.ByKind(f.proceeding, "trial.retrial", ""), deadline.StatusMet); !errors.Is(err, errs.NotFound) {
		t.Errorf("closing a deadline that does not exist: %v", err)
	}
	err = db.Transaction(func(tx *gorm.DB) error {
		_, err := s.Extend(tx, deadline.ByID(appealA.ID), days(5, ""), "judge", "")
		return err
	})
	if !errors.Is(err, errs.FailedPrecondition) {
		t.Errorf("extending a closed deadline: %v", err)
	}
	var closed []deadline.Deadline
	err = db.Transaction(func(tx *gorm.DB) (err error) {
		closed, err = s.CloseProceeding(tx, f.proceeding, deadline.StatusCancelled)
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
	open(t, db, s, decision(f, t))
}

func TestOpenRefusals(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	s := deadline.NewStore(db, embedded(t), events.NewEphemeralCheckpoints())
	f := newFixture(t, db)
	stranger := uuid.NewString()
	if err := db.Exec(`INSERT INTO parties (id, kind, display_name) VALUES (?, 'PERSON', '赵六')`, stranger).Error; err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		spec   deadline.Spec
		fields []string
	}{
		{"bad ids and kind", deadline.Spec{ProceedingID: "p-1", Kind: "Decision", PartyID: "x", Trigger: date(t, "2024-01-01"), Rule: days(1, "")},
			[]string{"proceeding_id", "kind", "party_id"}},
		{"unknown proceeding", deadline.Spec{ProceedingID: uuid.NewString(), Kind: "trial.appeal", Trigger: date(t, "2024-01-01"), Rule: days(15, "")},
			[]string{"proceeding_id"}},
		{"party of another matter", deadline.Spec{ProceedingID: f.proceeding, Kind: "trial.appeal", PartyID: stranger, Trigger: date(t, "2024-01-01"), Rule: days(15, "")},
			[]string{"party_id"}},
		{"bad rule", deadline.Spec{ProceedingID: f.proceeding, Kind: "trial.appeal", Rule: deadline.Rule{Unit: deadline.Months}},
			[]string{"trigger_date", "period"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := db.Transaction(func(tx *gorm.DB) error {
				_, err := s.Open(tx, tt.spec)
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
		})
	}
	// 2026-12-20 + 15 days is 2027-01-04: no 2027 notice.
	err := db.Transaction(func(tx *gorm.DB) error {
		_, err := s.Open(tx, deadline.Spec{ProceedingID: f.proceeding, Kind: "trial.appeal", Trigger: date(t, "2026-12-20"), Rule: days(15, "CPL Art. 171")})
		return err
	})
	if u, ok := deadline.IsUncovered(err); !ok || u.Year != 2027 || !errors.Is(err, errs.FailedPrecondition) {
		t.Errorf("a deadline in 2027: %v", err)
	}
	if all, _ := s.ForMatter(t.Context(), f.matter); len(all) != 0 {
		t.Errorf("refusals wrote %d deadlines", len(all))
	}
}

// TestRecomputeAfterCalendarChange replaces the 2024 notice with one that
// adds a holiday on the due day: the open deadline moves, with an event;
// a closed one does not; a second run finds nothing to do.
func TestRecomputeAfterCalendarChange(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	cp := events.NewEphemeralCheckpoints()
	before := embedded(t)
	f := newFixture(t, db)
	s1 := deadline.NewStore(db, before, cp)
	// Untouched by the change: the 90-day decision deadline (due Oct 8),
	// announced as approaching on Oct 6.
	dec := open(t, db, s1, decision(f, t))
	if _, err := deadline.NewSweeper(s1, deadline.Config{SweepInterval: time.Minute, Lead: 72 * time.Hour}, zap.NewNop()).
		SweepOnce(t.Context(), at(2024, 10, 6, 9, 0)); err != nil {
		t.Fatal(err)
	}
	// CPL Art. 171, served Tue 2024-03-12: day 15 is Wed 2024-03-27, a
	// working day under the real notice.
	d := open(t, db, s1, deadline.Spec{ProceedingID: f.proceeding, Kind: "trial.appeal", PartyID: f.infringer,
		Trigger: date(t, "2024-03-12"), Rule: days(15, "CPL Art. 171")})
	met := open(t, db, s1, deadline.Spec{ProceedingID: f.proceeding, Kind: "trial.appeal", PartyID: f.holder,
		Trigger: date(t, "2024-03-12"), Rule: days(15, "CPL Art. 171")})
	if err := db.Transaction(func(tx *gorm.DB) error {
		_, err := s1.Close(tx, deadline.ByID(met.ID), deadline.StatusMet)
		return err
	}); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	writeFile(t, dir, "2024.json", notice2024("2024-03-27"))
	after, err := deadline.LoadCalendar(dir)
	if err != nil {
		t.Fatal(err)
	}
	s2 := deadline.NewStore(db, after, cp)
	res, err := s2.Recompute(t.Context(), at(2024, 3, 20, 9, 0))
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
	evs, err := events.List(t.Context(), db, f.matter, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var recomputed []map[string]any
	for _, e := range evs {
		if e.Type == deadline.EventRecomputed {
			var p map[string]any
			_ = json.Unmarshal(e.Payload, &p)
			recomputed = append(recomputed, p)
		}
	}
	if len(recomputed) != 1 || recomputed[0]["previous_due"] != "2024-03-27" || recomputed[0]["due"] != "2024-03-28" ||
		recomputed[0]["calendar_version"] != after.Version() || recomputed[0]["deadline"] != d.ID {
		t.Errorf("recomputed events: %v", recomputed)
	}
	if again, err := s2.Recompute(t.Context(), at(2024, 3, 20, 10, 0)); err != nil || again.Checked != 0 {
		t.Errorf("second Recompute: %+v, %v", again, err)
	}
	if v, err := events.Verify(t.Context(), db, cp, f.matter); err != nil || !v.Intact {
		t.Errorf("chain: %+v, %v", v, err)
	}
}

// waitFor polls cond until it holds or 15 s pass.
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
func run(t *testing.T, w *deadline.Sweeper) (stop func()) {
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

// TestSweepersTakeTurns runs two sweepers, each with its own connection
// pool as two replicas would, against one database: only one holds the
// lock and acts; when it stops the other takes over; when the leader's
// session is killed it stops leading and the lock is taken again.
func TestSweepersTakeTurns(t *testing.T) {
	t.Parallel()
	u := storetest.URL(t)
	pool := func() *gorm.DB {
		db, err := storeOpen(t, u)
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	db1, db2 := pool(), pool()
	cp := events.NewEphemeralCheckpoints()
	cal := embedded(t)
	f := newFixture(t, db1)
	// Due 2024-10-08: long past by the real clock the sweepers read.
	open(t, db1, deadline.NewStore(db1, cal, cp), decision(f, t))
	cfg := deadline.Config{SweepInterval: 10 * time.Millisecond, Lead: 72 * time.Hour}
	w1 := deadline.NewSweeper(deadline.NewStore(db1, cal, cp), cfg, zap.NewNop())
	w2 := deadline.NewSweeper(deadline.NewStore(db2, cal, cp), cfg, zap.NewNop())

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
		var n int64
		db1.Table("deadlines").Where("status = 'MISSED'").Count(&n)
		return n == 1
	})
	if tl := timeline(t, db1, f.matter); len(tl) != 1 || tl[0].Type != deadline.EventMissed {
		t.Errorf("timeline: %+v, want one deadline.missed", tl)
	}

	stop1()
	waitFor(t, "the second sweeper takes over", w2.Leading)

	// Kill the leader's session: it must notice, stop and try again.
	var pid int64
	// Advisory locks are per database, but pg_locks lists the whole cluster:
	// another database's sweeper (a running dev server, another test) holds
	// the same key there.
	if err := db1.Raw(`SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
		AND classid::bigint = ? AND objid::bigint = ?`, int64(0x69706361), int64(0x73656473)).Scan(&pid).Error; err != nil || pid == 0 {
		t.Fatalf("finding the lock holder: pid %d, %v", pid, err)
	}
	if err := db1.Exec(`SELECT pg_terminate_backend(?)`, pid).Error; err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the second sweeper leads again on a new session", func() bool {
		var holder int64
		db1.Raw(`SELECT coalesce(max(pid), 0) FROM pg_locks WHERE locktype = 'advisory' AND granted
			AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
			AND classid::bigint = ? AND objid::bigint = ?`, int64(0x69706361), int64(0x73656473)).Scan(&holder)
		return w2.Terms() >= 2 && w2.Leading() && holder != 0 && holder != pid
	})
}

// TestClock checks the adapter for the proceedings packages on the 90 + 30
// days of TestOpenExtendClose (due Tue 2024-10-08, then Mon 2024-11-04).
func TestClock(t *testing.T) {
	t.Parallel()
	db := storetest.NewDB(t)
	s := deadline.NewStore(db, embedded(t), events.NewEphemeralCheckpoints())
	f := newFixture(t, db)
	c := deadline.NewClock(s)
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

	due, err := c.Due(day(2024, 7, 5), 90, "calendar-days", "Administrative Penalty Law Art. 60")
	if err != nil || !due.Equal(day(2024, 10, 8)) {
		t.Errorf("Due = %v, %v; want 2024-10-08", due, err)
	}
	if _, err := c.Due(day(2024, 7, 5), 90, "fortnights", ""); !errors.Is(err, errs.InvalidArgument) {
		t.Errorf("unknown unit: %v", err)
	}
	err = db.Transaction(func(tx *gorm.DB) error {
		if err := c.Track(tx, f.matter, f.proceeding, "enforcement.decision", day(2024, 7, 5), 90, "calendar-days", "APL Art. 60"); err != nil {
			return err
		}
		newDue, err := c.Extend(tx, f.proceeding, "enforcement.decision", 30, "calendar-days", "SAMR Provisions Art. 64", "head of SAMR-HZ", "")
		if err != nil {
			return err
		}
		if !newDue.Equal(day(2024, 11, 4)) {
			t.Errorf("Extend = %v, want 2024-11-04", newDue)
		}
		return c.Settle(tx, f.proceeding)
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := s.ForProceeding(t.Context(), f.proceeding)
	if err != nil || len(all) != 1 || all[0].Status != deadline.StatusMet || all[0].Due.String() != "2024-11-04" {
		t.Errorf("after Settle: %+v, %v", all, err)
	}
	err = db.Transaction(func(tx *gorm.DB) error {
		return c.Track(tx, uuid.NewString(), f.proceeding, "enforcement.decision", day(2024, 7, 5), 90, "calendar-days", "")
	})
	if !errors.Is(err, errs.InvalidArgument) {
		t.Errorf("Track with another matter: %v", err)
	}
}
