package enforcement_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/enforcement"
	"github.com/ipcase/ipcase/internal/request"
)

// refused checks that call fails with want, its message containing words,
// and writes nothing.
func (f *flow) refused(what string, want codes.Code, words string, call func() error) {
	f.t.Helper()
	before := f.Counts(f.t)
	if err := call(); code(err) != want || !strings.Contains(err.Error(), words) {
		f.t.Errorf("%s: %v; want %v mentioning %q", what, err, want, words)
	}
	if diff := cmp.Diff(before, f.Counts(f.t)); diff != "" {
		f.t.Errorf("%s wrote rows (-before +after):\n%s", what, diff)
	}
}

// TestDecisionPeriodPausesAndFurtherExtension: the 90 days to decide
// (SAMR Administrative Penalty Procedure Rules Art. 64 ¶1) do not count the
// time of testing, appraisal, hearings and the other periods of Art. 64 ¶2;
// after the head's 30 days, the heads' collective decision extends the
// period further by the length it fixes. Periods are counted by the SAMR
// rules' Art. 80 (first day not counted; a last day on a rest day moves to
// the next working day), on the 2026 notice.
func TestDecisionPeriodPausesAndFurtherExtension(t *testing.T) {
	t.Parallel()
	f := newFlow(t)
	f.setDay("2026-03-02")
	c := f.investigate(f.file("91330100MA2AXQ9B12"), "40000")
	// Opened Mon 2026-03-02: day 29 is 03-31, day 59 04-30, day 90 Sun
	// 05-31, a rest day → Mon 2026-06-01.
	if c.GetDecisionDue() != "2026-06-01" {
		t.Fatalf("opened: decision due %s, want 2026-06-01", c.GetDecisionDue())
	}
	pause := func(kind ipcasev1.PauseKind, start, end string) (*ipcasev1.EnforcementCase, error) {
		r, err := f.Enforcement.RecordDecisionPause(f.ctx, &ipcasev1.RecordDecisionPauseRequest{Name: c.GetName(), Etag: c.GetEtag(),
			Pause: &ipcasev1.DecisionPause{Kind: kind, Start: start, End: end, Reason: "appraisal by 浙江省产品质量检验研究院, report 2026-0316"}})
		if err == nil {
			c = r.GetCase()
		}
		return c, err
	}
	f.setDay("2026-03-26")
	// Appraisal from Mon 03-16 to Wed 03-25, both days spent on it: 10 days
	// not counted. Raw end 05-31 + 10 = Wed 06-10, a working day.
	got, err := pause(ipcasev1.PauseKind_PAUSE_KIND_TESTING, "2026-03-16", "2026-03-25")
	if err != nil {
		t.Fatal(err)
	}
	if got.GetDecisionDue() != "2026-06-10" || got.GetPauses()[0].GetDays() != 10 {
		t.Fatalf("after the appraisal: due %s, pause %v; want 2026-06-10, 10 days", got.GetDecisionDue(), got.GetPauses())
	}
	f.refused("a pause overlapping the appraisal", codes.InvalidArgument, "overlaps", func() error {
		_, err := pause(ipcasev1.PauseKind_PAUSE_KIND_SUSPENSION, "2026-03-25", "2026-03-26")
		return err
	})
	f.refused("a pause not yet ended", codes.InvalidArgument, "after today", func() error {
		_, err := pause(ipcasev1.PauseKind_PAUSE_KIND_SUSPENSION, "2026-03-26", "2026-03-30")
		return err
	})
	// A one-day hearing on Mon 04-20: 1 more day, raw end Thu 06-11.
	f.setDay("2026-04-21")
	if got, err := pause(ipcasev1.PauseKind_PAUSE_KIND_HEARING, "2026-04-20", "2026-04-20"); err != nil || got.GetDecisionDue() != "2026-06-11" {
		t.Fatalf("after the hearing: due %s, %v; want 2026-06-11", got.GetDecisionDue(), err)
	}

	extend := func(by string, collective bool, days int32) (*ipcasev1.EnforcementCase, error) {
		r, err := f.Enforcement.ExtendDecisionDeadline(f.ctx, &ipcasev1.ExtendDecisionDeadlineRequest{Name: c.GetName(), Etag: c.GetEtag(),
			ApprovedBy: by, Reason: "many sellers to trace", CollectiveDecision: collective, Days: days})
		if err == nil {
			c = r.GetCase()
		}
		return c, err
	}
	f.setDay("2026-05-20")
	f.refused("a first extension by collective decision", codes.InvalidArgument, "collective_decision", func() error {
		_, err := extend("局务会", true, 45)
		return err
	})
	// The head's 30 days, counted on from the raw end 06-11: Sat 07-11, a
	// rest day, and Sun 07-12 → Mon 2026-07-13.
	if got, err := extend("局长 陈刚", false, 0); err != nil || got.GetDecisionDue() != "2026-07-13" {
		t.Fatalf("first extension: due %s, %v; want 2026-07-13", got.GetDecisionDue(), err)
	}
	f.refused("a second extension by the head alone", codes.FailedPrecondition, "collective decision of the agency's heads", func() error {
		_, err := extend("局长 陈刚", false, 0)
		return err
	})
	f.refused("a collective decision without a length", codes.InvalidArgument, "days", func() error {
		_, err := extend("局务会 2026-07-08", true, 0)
		return err
	})
	// The heads decide collectively to continue by 20 days: raw end 07-11
	// + 20 = Fri 2026-07-31, a working day.
	f.setDay("2026-07-08")
	got, err = extend("局务会 2026-07-08", true, 20)
	if err != nil {
		t.Fatal(err)
	}
	if fe := got.GetFurtherExtensions(); got.GetDecisionDue() != "2026-07-31" || len(fe) != 1 || fe[0].GetDays() != 20 || !fe[0].GetCollectiveDecision() {
		t.Errorf("further extension: due %s, %v; want 2026-07-31, one collective extension of 20 days", got.GetDecisionDue(), fe)
	}

	// The derivation cites the SAMR rules, not the CPL.
	_, procID, _ := request.SplitProceeding(c.GetName())
	dls, err := f.Clocks.ForProceeding(t.Context(), procID)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(dls, func(d clock.Deadline) bool { return d.Kind == enforcement.KindDecision })
	if i < 0 {
		t.Fatal("no decision clock")
	}
	steps := strings.Join(dls[i].Steps, "\n")
	for _, s := range []string{"SAMR Administrative Penalty Procedure Rules Art. 80", "Art. 64 ¶2 (time not counted)", "collective decision of the agency's heads"} {
		if !strings.Contains(steps, s) {
			t.Errorf("decision clock's steps lack %q:\n%s", s, steps)
		}
	}
	if strings.Contains(steps, "CPL") {
		t.Errorf("decision clock's steps cite the CPL:\n%s", steps)
	}
}

// TestSurcharge: a fine not paid in time bears 3 % of the fine a day, at
// most the fine itself (Administrative Penalty Law Art. 72(1)).
func TestSurcharge(t *testing.T) {
	t.Parallel()
	due := civilDate(t, "2026-11-10")
	for _, tt := range []struct {
		name string
		fine damages.Fen
		asOf string
		days int
		want damages.Fen
	}{
		{"paid on the last day", 12_000_000, "2026-11-10", 0, 0},
		// 11-11 and 11-12 overdue: 2 × 3 % × 120,000 = 7,200.
		{"two days late", 12_000_000, "2026-11-12", 2, 720_000},
		// 33 days: 33 × 3,600 = 118,800, still under the fine.
		{"33 days late", 12_000_000, "2026-12-13", 33, 11_880_000},
		// 34 days: 122,400 would pass the fine: capped at 120,000.
		{"34 days late: capped at the fine", 12_000_000, "2026-12-14", 34, 12_000_000},
		// 3 % of 333.33 is 9.9999: rounded half up to the fen, 10.00, as
		// the fine calculator rounds it (they dropped the fraction, 9.99).
		{"a fraction of a fen", 33_333, "2026-11-11", 1, 1000},
	} {
		days, got := enforcement.Surcharge(tt.fine, due, civilDate(t, tt.asOf))
		if days != tt.days || got != tt.want {
			t.Errorf("%s: %d days, %s; want %d days, %s", tt.name, days, got, tt.days, tt.want)
		}
	}
}

// notifyFine serves a penalty notice for fine, the conduct starting on
// from (empty: the conduct date).
func (f *flow) notifyFine(c *ipcasev1.EnforcementCase, servedOn, from string, fine *ipcasev1.CalculateFineRequest) *ipcasev1.EnforcementCase {
	f.t.Helper()
	resp, err := f.Enforcement.NotifyPenalty(f.ctx, &ipcasev1.NotifyPenaltyRequest{Name: c.GetName(), Etag: c.GetEtag(), ServedOn: servedOn,
		ConductStartedOn: from, Fine: fine})
	if err != nil {
		f.t.Fatalf("NotifyPenalty: %v", err)
	}
	return resp.GetCase()
}

// decide decides a fine of yuan on today's date.
func (f *flow) decide(c *ipcasev1.EnforcementCase, yuan, on string) *ipcasev1.EnforcementCase {
	f.t.Helper()
	resp, err := f.Enforcement.DecidePenalty(f.ctx, &ipcasev1.DecidePenaltyRequest{Name: c.GetName(), Etag: c.GetEtag(), FineYuan: yuan, DecidedOn: on})
	if err != nil {
		f.t.Fatalf("DecidePenalty: %v", err)
	}
	return resp.GetCase()
}

func trademarkFine(conductDate string) *ipcasev1.CalculateFineRequest {
	return &ipcasev1.CalculateFineRequest{Offence: ipcasev1.FineOffence_FINE_OFFENCE_TRADEMARK, ConductDate: conductDate,
		Party: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION}
}

// TestRepeatInfringementPerLawAndConduct: Trademark Law 2019 Art. 60 ¶2
// makes heavier the fine of one who committed (实施) two or more trademark
// infringements within five years. A patent decision does not count, nor a
// trademark infringement whose conduct ended more than five years before
// the new conduct began, however recently it was decided.
func TestRepeatInfringementPerLawAndConduct(t *testing.T) {
	t.Parallel()
	f := newFlow(t)
	const respondent = "91330100MA2AXQ9B12"
	// Served Mon 09-28: 5 working days are 09-29, 09-30, (10-01…10-07
	// National Day), 10-08, 10-09 and Sat 10-10, a make-up working day;
	// the decisions are made on Mon 10-12.
	patent := f.notifyFine(f.investigate(f.file(respondent), "40000"), "2026-09-28", "2026-03-01",
		&ipcasev1.CalculateFineRequest{Offence: ipcasev1.FineOffence_FINE_OFFENCE_PATENT_PASSING_OFF, ConductDate: "2026-05-31",
			Party: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION})
	old := f.notifyFine(f.investigate(f.file(respondent), "40000"), "2026-09-28", "2021-05-01", trademarkFine("2021-05-31"))
	f.setDay("2026-10-12")
	f.decide(patent, "10000", "2026-10-12")
	f.decide(old, "50000", "2026-10-12")

	// A case before its notice lists them as of today, Mon 2026-10-12:
	// five years back is 2021-10-12, so the old conduct, ended 2021-05-31,
	// is out; the patent one, ended 2026-05-31, is in. The answer of the
	// transition (its priors read with BEGIN, priorsFirst) and a read of
	// the case (read afresh) agree.
	fresh := f.investigate(f.file(respondent), "40000")
	listed := func(c *ipcasev1.EnforcementCase) []string {
		var out []string
		for _, p := range c.GetPriorInfringements() {
			out = append(out, p.GetIpType()+" "+p.GetConductFrom()+"–"+p.GetConductTo()+map[bool]string{true: " counted", false: ""}[p.GetCounted()])
		}
		slices.Sort(out)
		return out
	}
	if diff := cmp.Diff([]string{"PATENT 2026-03-01–2026-05-31"}, listed(fresh)); diff != "" {
		t.Errorf("priors of a case before its notice, as RecordFindings answers (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(listed(f.get(fresh.GetName())), listed(fresh)); diff != "" {
		t.Errorf("priors as RecordFindings answers differ from a read of the case (-read +answer):\n%s", diff)
	}

	for _, tt := range []struct {
		name, from string
		counted    int
	}{
		// New conduct from 2026-06-01: five years back is 2021-06-01; the
		// old conduct ended 2021-05-31, outside. The patent decision is of
		// another law. Nothing counts: no heavier fine.
		{"conduct from 2026-06-01", "2026-06-01", 0},
		// From 2026-05-31: five years back is 2021-05-31, the day the old
		// conduct ended, included (内 includes the number): it counts.
		{"conduct from 2026-05-31", "2026-05-31", 1},
	} {
		c := f.notifyFine(f.investigate(f.file(respondent), "40000"), "2026-10-12", tt.from, trademarkFine("2026-08-31"))
		n := c.GetNotice()
		if got := n.GetFine().GetEarlierInfringements(); int(got) != tt.counted || n.GetRange().GetHeavier() != (tt.counted > 0) {
			t.Errorf("%s: earlier infringements %d, heavier %v; want %d, %v", tt.name, got, n.GetRange().GetHeavier(), tt.counted, tt.counted > 0)
		}
		laws := listed(c)
		// Listed: the respondent's record reaching into the five years,
		// whatever its law; counted: the same law's.
		want := []string{"PATENT 2026-03-01–2026-05-31"}
		if tt.counted > 0 {
			want = append(want, "TRADEMARK 2021-05-01–2021-05-31 counted")
		}
		if diff := cmp.Diff(want, laws); diff != "" {
			t.Errorf("%s: prior infringements mismatch (-want +got):\n%s", tt.name, diff)
		}
	}
}

// the2027Notice is a 2027 holiday notice as they are usually made (the
// same test notice as internal/clock's): New Year's Day, an eight-day
// Spring Festival from New Year's Eve, Fri 02-05, to Fri 02-12, with
// make-up working days on Sun 01-31 and Sat 02-20.
const the2027Notice = `{"year": 2027, "notice": "test notice 2027", "notice_date": "2026-11-20",
	"holidays": ["2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10",
		"2027-02-11", "2027-02-12"], "workdays": ["2027-01-31", "2027-02-20"]}`

// load2027 returns the calendar with the 2027 notice laid over the
// embedded one, as an operator's IPCASE_CALENDAR_DIR would.
func load2027(t *testing.T) *deadline.Calendar {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "2027.json"), []byte(the2027Notice), 0o600); err != nil {
		t.Fatal(err)
	}
	cal, err := deadline.LoadCalendar(dir)
	if err != nil {
		t.Fatal(err)
	}
	return cal
}

// TestClocksAcrossTheEndOf2026: with no 2027 notice loaded, enforcement
// clocks that reach 2027 run on the statutory holidays of the National
// Holiday Measures (Art. 2) and are provisional; once the notice is loaded
// and the clocks recomputed, they are exact, each with a
// deadline.recomputed event in its matter's history. A fine paid late
// bears the surcharge (Administrative Penalty Law Art. 72(1)).
func TestClocksAcrossTheEndOf2026(t *testing.T) {
	t.Parallel()
	f := newFlow(t)

	// Case A, opened Mon 2026-11-09: day 90 is Sun 2027-02-07. On the
	// statutory holidays alone, Spring Festival is New Year's Eve Fri
	// 02-05 to Mon 02-08, so the decision is due Tue 2027-02-09,
	// provisionally.
	f.setDay("2026-11-09")
	mA := f.file("91330100MA2AXQ9B12")
	a := f.investigate(mA, "40000")
	if a.GetDecisionDue() != "2027-02-09" || !a.GetDecisionDueProvisional() {
		t.Fatalf("case A: due %s provisional %v; want 2027-02-09, provisional", a.GetDecisionDue(), a.GetDecisionDueProvisional())
	}

	// Case B is decided: served Mon 11-30 (window 12-01…12-07), decided
	// and delivered Thu 2026-12-17. 15 days to pay (APL Art. 67 ¶3): day
	// 15 is Fri 2027-01-01, New Year's Day; Sat 01-02 and Sun 01-03 are
	// rest days → Mon 2027-01-04, provisional.
	f.setDay("2026-11-30")
	mB := f.file("91330100MA2AXQ9B12")
	b := f.notifyFine(f.investigate(mB, "40000"), "2026-11-30", "", trademarkFine("2026-06-01"))
	f.setDay("2026-12-17")
	b = f.decide(b, "120000", "2026-12-17")
	if p := b.GetPayment(); p.GetDue() != "2027-01-04" || !p.GetDueProvisional() {
		t.Fatalf("case B payment: due %s provisional %v; want 2027-01-04, provisional", p.GetDue(), p.GetDueProvisional())
	}

	// The 2027 notice arrives. Case A: 02-07 and the week after it are
	// holidays to Fri 02-12; Sat 02-13 and Sun 02-14 are an ordinary
	// weekend → Mon 2027-02-15. Case B: 01-01 is a holiday in the notice
	// too → Mon 2027-01-04, now exact.
	res, err := clock.NewStore(f.DB, load2027(t), f.Log).Recompute(t.Context(), time.Date(2026, 12, 20, 9, 0, 0, 0, cst))
	if err != nil || res.Checked != 2 || res.Moved != 2 || len(res.Failed) != 0 {
		t.Fatalf("Recompute: %+v, %v; want 2 checked, 2 recomputed", res, err)
	}
	f.setDay("2026-12-20")
	if got := f.get(a.GetName()); got.GetDecisionDue() != "2027-02-15" || got.GetDecisionDueProvisional() {
		t.Errorf("case A after the notice: due %s provisional %v; want 2027-02-15, exact", got.GetDecisionDue(), got.GetDecisionDueProvisional())
	}
	if p := f.get(b.GetName()).GetPayment(); p.GetDue() != "2027-01-04" || p.GetDueProvisional() {
		t.Errorf("case B payment after the notice: due %s provisional %v; want 2027-01-04, exact", p.GetDue(), p.GetDueProvisional())
	}
	for _, m := range []string{mA.GetName(), mB.GetName()} {
		if !slices.Contains(f.timeline(m), "deadline.recomputed") {
			t.Errorf("%s: no deadline.recomputed event in %v", m, f.timeline(m))
		}
	}

	// Paid on Wed 2027-01-06: 01-05 and 01-06 overdue, 2 × 3 % × 120,000 =
	// 7,200 (APL Art. 72(1)).
	f.setDay("2027-01-06")
	b = f.get(b.GetName())
	paid, err := f.Enforcement.RecordFinePayment(f.ctx, &ipcasev1.RecordFinePaymentRequest{Name: b.GetName(), Etag: b.GetEtag()})
	if err != nil {
		t.Fatal(err)
	}
	if p := paid.GetCase().GetPayment(); p.GetPaidOn() != "2027-01-06" || p.GetDaysOverdue() != 2 || p.GetSurchargeYuan() != "7200.00" {
		t.Errorf("payment = %v; want paid 2027-01-06, 2 days overdue, surcharge 7200.00", p)
	}
	f.refused("paying twice", codes.FailedPrecondition, "was paid on 2027-01-06", func() error {
		_, err := f.Enforcement.RecordFinePayment(f.ctx, &ipcasev1.RecordFinePaymentRequest{Name: b.GetName(), Etag: paid.GetCase().GetEtag()})
		return err
	})
}

func civilDate(t *testing.T, s string) civil.Date {
	t.Helper()
	d, err := civil.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
