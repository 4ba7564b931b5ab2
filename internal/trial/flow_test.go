package trial_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/grpc/codes"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/events"
)

// punitive is a trademark award for intentional, serious infringement in
// 2020, under Trademark Law 2019 Art. 63 ¶1 (one to five times the base):
// the base is the infringer's profit 1,000,000 × the mark's 35 %
// contribution (as in (2022)京民终170号) = 350,000; the 2.5× punitive part
// is added to it, total = base + base × multiple, as the Beijing High
// People's Court Guidelines on Punitive Damages (2022) §3.1 compute it:
// 350,000 + 875,000 = 1,225,000; plus 50,000 reasonable expenses, part of
// the award (Art. 63 ¶1) but not of the base (SPC Interpretation on
// punitive damages in IP civil cases, Fa Shi [2021] No. 4, Art. 5) =
// 1,275,000.
func punitive() *ipcasev1.CalculateDamagesRequest {
	return &ipcasev1.CalculateDamagesRequest{
		IpType: ipcasev1.IpType_IP_TYPE_TRADEMARK,
		Period: &ipcasev1.DamagesPeriod{Start: "2020-01-01", End: "2020-12-31",
			BaseKind: ipcasev1.DamagesBaseKind_DAMAGES_BASE_KIND_INFRINGER_PROFIT, BaseYuan: "1000000", Contribution: "0.35"},
		Multiple: "2.5", Intentional: true, Serious: true, ExpensesYuan: "50000", ClaimTotalYuan: "3000000",
		// Punitive damages only on the plaintiff's claim (Fa Shi [2021] No. 4 Art. 2).
		PunitiveClaim: ipcasev1.PunitiveClaim_PUNITIVE_CLAIM_WITH_COMPLAINT,
	}
}

// TestWholeChain: complaint → enforcement → transfer to 京73 → the consumer
// creates the trial → docket → hearing → judgment with punitive damages →
// service on each party → no appeal → the sweeper marks the clocks missed
// → EFFECTIVE → the respondent's infringement record has the judgment; the
// matter is CLOSED once the officer also closes the transferred case; a new
// enforcement case against the respondent counts the judgment. Dates on the
// real 2026 calendar.
func TestWholeChain(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-03-02") // Monday
	ctx := e.officer

	m := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, agency)
	open, err := e.Enforcement.OpenEnforcement(ctx, &ipcasev1.OpenEnforcementRequest{
		Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: m.GetName()}, Agency: agency})
	if err != nil {
		t.Fatal(err)
	}
	c := open.GetCase()
	as, err := e.Enforcement.AssignOfficers(ctx, &ipcasev1.AssignOfficersRequest{Name: c.GetName(), Etag: c.GetEtag(), Officers: []*ipcasev1.Officer{
		{Subject: "officer@SAMR-HZ", DisplayName: "王伟", BadgeNumber: "33010001"},
		{Subject: "li.na@SAMR-HZ", DisplayName: "李娜", BadgeNumber: "33010002"}}})
	if err != nil {
		t.Fatal(err)
	}
	fd, err := e.Enforcement.RecordFindings(ctx, &ipcasev1.RecordFindingsRequest{Name: c.GetName(), Etag: as.GetCase().GetEtag(),
		Findings: &ipcasev1.Findings{Text: "Counterfeit cups, civil damages claimed.", BusinessVolumeYuan: "400000",
			Computation: "average sale price × quantity sold"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Enforcement.TransferToCourt(ctx, &ipcasev1.TransferToCourtRequest{Name: c.GetName(), Etag: fd.GetCase().GetEtag(),
		Court: "京73", Reason: "the right holder sues for damages"}); err != nil {
		t.Fatal(err)
	}

	// The consumer creates the trial awaiting docketing at 京73, with the
	// dossier's evidence matching the matter's.
	e.pump()
	name := e.trialOf(m, "京73")
	tr := e.get("京73", name)
	if tr.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_AWAITING_DOCKETING || tr.GetSource() != c.GetName() ||
		len(tr.GetDossierMismatches()) != 0 || tr.GetReceivedOn() != "2026-03-02" {
		t.Fatalf("received trial: %v", tr)
	}

	// A redelivered transfer changes nothing.
	before := e.Counts(t)
	e.rewind(e.consumers.Transfers)
	if n, err := e.consumers.Transfers.ConsumeOnce(t.Context()); err != nil || n != 1 {
		t.Fatalf("redelivery: applied %d, %v; want 1 event applied", n, err)
	}
	if diff := cmp.Diff(before, e.Counts(t)); diff != "" {
		t.Errorf("a redelivered transfer wrote (-before +after):\n%s", diff)
	}

	// Another court may not docket it.
	if _, err := e.court("粤73").DocketTrial(t.Context(), &ipcasev1.DocketTrialRequest{Name: name, Etag: tr.GetEtag(),
		Kind: ipcasev1.CaseKind_CASE_KIND_CIVIL}); code(err) != codes.PermissionDenied && code(err) != codes.NotFound {
		t.Errorf("粤73 docketing a case of 京73: %v; want PermissionDenied", err)
	}

	j := e.toJudgment("京73", name, "2026-04-15", punitive())
	// Docketed Mon 2026-03-02: 6 months (CPL Art. 152) end on 2026-09-02, a Wednesday.
	if j.GetCourtNumber() != "(2026)京73知民初1号" || j.GetDocketedOn() != "2026-03-02" || j.GetTimeLimitDue() != "2026-09-02" ||
		j.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_JUDGED {
		t.Fatalf("judged trial: number %q docketed %s limit %s state %v", j.GetCourtNumber(), j.GetDocketedOn(), j.GetTimeLimitDue(), j.GetState())
	}
	d := j.GetJudgment().GetDamages()
	if d.GetBaseYuan() != "350000.00" || d.GetPunitiveYuan() != "875000.00" || d.GetDamagesYuan() != "1225000.00" ||
		d.GetExpensesYuan() != "50000.00" || d.GetTotalYuan() != "1275000.00" || len(d.GetCitations()) == 0 ||
		d.GetFormula() != ipcasev1.PunitiveFormula_PUNITIVE_FORMULA_ADDITIVE {
		t.Fatalf("judgment damages: %v", d)
	}

	// Served on the complainant Mon 04-20: 15 days end on 05-05, a May Day
	// holiday (05-01..05-05), so the period ends on Wed 05-06 (CPL Art. 85).
	// On the respondent Wed 04-22: 15 days end on Thu 05-07.
	e.setDay("2026-04-22")
	cp, rp := m.GetComplainant().GetName(), m.GetRespondents()[0].GetName()
	j = e.serve(name, j.GetEtag(), cp, "2026-04-20")
	j = e.serve(name, j.GetEtag(), rp, "2026-04-22")
	dues := map[string]string{}
	for _, s := range j.GetServices() {
		dues[s.GetParty()] = s.GetAppealDue()
	}
	if want := map[string]string{cp: "2026-05-06", rp: "2026-05-07"}; !cmp.Equal(dues, want) {
		t.Fatalf("appeal dues %v, want %v", dues, want)
	}

	// 05-07: the complainant's clock is missed, the respondent's still runs.
	if res := e.sweep("2026-05-07"); res.Missed != 1 {
		t.Fatalf("sweep 05-07 missed %d; want 1", res.Missed)
	}
	e.pump()
	if st := e.get("京73", name).GetState(); st != ipcasev1.ProceedingState_PROCEEDING_STATE_JUDGED {
		t.Fatalf("with one appeal period running the trial is %v; want JUDGED", st)
	}
	// 05-08: both passed without appeal, but an appeal posted by 05-07
	// is in time whenever it arrives (CPL Art. 85 ¶4): the court waits 7
	// days (postingDays) from 05-07, to Thu 05-14, a working day.
	if res := e.sweep("2026-05-08"); res.Missed != 1 {
		t.Fatalf("sweep 05-08 missed %d; want 1", res.Missed)
	}
	e.pump()
	if st := e.get("京73", name).GetState(); st != ipcasev1.ProceedingState_PROCEEDING_STATE_JUDGED {
		t.Fatalf("within the posting window the trial is %v; want JUDGED", st)
	}
	if res := e.sweep("2026-05-14"); res.Missed != 0 {
		t.Fatalf("sweep 05-14 missed %d; want 0 on the window's last day", res.Missed)
	}
	// 05-15: the window passed with no appeal → EFFECTIVE, from the day
	// after the last period ended (CPL Art. 158).
	if res := e.sweep("2026-05-15"); res.Missed != 1 {
		t.Fatalf("sweep 05-15 missed %d; want the posting window", res.Missed)
	}
	e.pump()
	eff := e.get("京73", name)
	if eff.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_EFFECTIVE || eff.GetJudgment().GetEffectiveOn() != "2026-05-08" {
		t.Fatalf("after both periods: %v effective on %q; want EFFECTIVE on 2026-05-08", eff.GetState(), eff.GetJudgment().GetEffectiveOn())
	}
	// The administrative side's consumer recorded the infringement. Package
	// enforcement shows the record only as a later case's prior (below),
	// without its source, so it is read here as stored.
	var recs []struct {
		PartyID, Source, Reference string
		DecidedOn                  string
	}
	if err := e.DB.Session(t.Context()).Gorm().Raw(`SELECT party_id, source, reference, to_char(decided_on, 'YYYY-MM-DD') AS decided_on FROM infringement_records`).
		Scan(&recs).Error; err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || "parties/"+recs[0].PartyID != rp || recs[0].Source != "JUDGMENT" ||
		recs[0].Reference != "(2026)京73知民初1号" || recs[0].DecidedOn != "2026-05-08" {
		t.Fatalf("infringement records: %+v", recs)
	}
	// Redelivery of the effective judgment and the sweep's events changes nothing.
	before = e.Counts(t)
	e.rewind(e.consumers.Effective)
	e.rewind(e.judgments)
	e.pump()
	if diff := cmp.Diff(before, e.Counts(t)); diff != "" {
		t.Errorf("redelivered effective judgment wrote (-before +after):\n%s", diff)
	}

	// The judgment is final, but the enforcement case that transferred the
	// matter is TRANSFERRED_COURT, which its machine may still leave for
	// CLOSED: the matter stays open until the officer closes the case.
	if st := e.matterState(m); st != ipcasev1.MatterState_MATTER_STATE_ACCEPTED {
		t.Fatalf("with the enforcement case not closed the matter is %v; want ACCEPTED", st)
	}
	gc, err := e.Enforcement.GetEnforcement(ctx, &ipcasev1.GetEnforcementRequest{Name: c.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Enforcement.CloseEnforcement(ctx, &ipcasev1.CloseEnforcementRequest{Name: c.GetName(), Etag: gc.GetCase().GetEtag(),
		Reason: "the court's judgment (2026)京73知民初1号 is effective"}); err != nil {
		t.Fatalf("CloseEnforcement: %v", err)
	}
	if st := e.matterState(m); st != ipcasev1.MatterState_MATTER_STATE_CLOSED {
		t.Errorf("with the judgment effective and the enforcement case closed the matter is %v; want CLOSED", st)
	}
	// The matter, its proceedings and their records are what its history
	// says, through both sides and their consumers.
	e.intact(m)

	// A new enforcement case against the respondent counts the judgment.
	e.setDay("2026-05-18")
	m2 := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, agency)
	open2, err := e.Enforcement.OpenEnforcement(ctx, &ipcasev1.OpenEnforcementRequest{
		Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: m2.GetName()}, Agency: agency})
	if err != nil {
		t.Fatal(err)
	}
	priors := open2.GetCase().GetPriorInfringements()
	if len(priors) != 1 || priors[0].GetReference() != "(2026)京73知民初1号" || priors[0].GetParty() != rp || priors[0].GetDecidedOn() != "2026-05-08" {
		t.Fatalf("the new case's prior infringements: %v", priors)
	}
}

// TestAppeal: an appeal in time opens the second instance at the appellate
// court and the first becomes APPEALED; a late appeal is refused with the
// last day and writes nothing.
func TestAppeal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-06-01")
	m := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
	e.pump() // the routed proceeding gets its trial record
	name := e.trialOf(m, "京73")
	j := e.toJudgment("京73", name, "2026-06-10", punitive())
	cp, rp := m.GetComplainant().GetName(), m.GetRespondents()[0].GetName()
	// Served Thu 06-11: 15 days end on Fri 06-26.
	e.setDay("2026-06-11")
	j = e.serve(name, j.GetEtag(), cp, "2026-06-11")
	j = e.serve(name, j.GetEtag(), rp, "2026-06-11")

	e.setDay("2026-06-26")
	c := e.court("京73")
	ap, err := c.FileAppeal(t.Context(), &ipcasev1.FileAppealRequest{Name: name, Etag: j.GetEtag(), Party: rp, FiledOn: "2026-06-26",
		AppellateCourt: "京", Grounds: "damages excessive"})
	if err != nil {
		t.Fatalf("FileAppeal in time: %v", err)
	}
	first, second := ap.GetTrial(), ap.GetSecondInstance()
	if first.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_APPEALED || first.GetSecondInstance() != second.GetName() {
		t.Fatalf("first instance after appeal: %v", first)
	}
	// Docketed Fri 06-26; 3 months (CPL Art. 183) end on Sat 09-26, a
	// Mid-Autumn holiday (09-25..09-27), so on Mon 09-28.
	if second.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_DOCKETED || second.GetCourt() != "京" ||
		second.GetCourtNumber() != "(2026)京知民终1号" || second.GetInstance() != ipcasev1.TrialInstance_TRIAL_INSTANCE_SECOND ||
		second.GetSource() != name || second.GetTimeLimitDue() != "2026-09-28" {
		t.Fatalf("second instance: %v", second)
	}
	if got := e.get("京", second.GetName()); got.GetCourtNumber() != second.GetCourtNumber() {
		t.Fatalf("the appellate court reads %v", got)
	}
	// APPEALED is final, but the second instance it opened is not: the
	// matter is still open.
	if st := e.matterState(m); st != ipcasev1.MatterState_MATTER_STATE_ACCEPTED {
		t.Errorf("with the second instance docketed the matter is %v; want ACCEPTED", st)
	}

	// The complainant's appeal on 06-29 is late: its period ended on 06-26.
	e.setDay("2026-06-29")
	before := e.Counts(t)
	_, err = c.FileAppeal(t.Context(), &ipcasev1.FileAppealRequest{Name: name, Etag: first.GetEtag(), Party: cp, AppellateCourt: "京"})
	if code(err) != codes.FailedPrecondition || !strings.Contains(err.Error(), "ended on 2026-06-26") {
		t.Fatalf("late appeal: %v; want FailedPrecondition naming 2026-06-26", err)
	}
	if diff := cmp.Diff(before, e.Counts(t)); diff != "" {
		t.Errorf("a late appeal wrote (-before +after):\n%s", diff)
	}
	// The sweeper and the consumer leave an appealed judgment alone.
	e.sweep("2026-07-01")
	e.pump()
	if st := e.get("京73", name).GetState(); st != ipcasev1.ProceedingState_PROCEEDING_STATE_APPEALED {
		t.Errorf("appealed trial became %v", st)
	}
	if n := e.Counts(t)["infringement_records"]; n != 0 {
		t.Errorf("an appealed judgment was recorded as an infringement (%d records)", n)
	}
	e.intact(m) // the second instance opened by the appeal included
}

// TestAppealPeriods: worked by hand on the 2026 calendar. The National Day
// holiday is 10-01..10-07.
func TestAppealPeriods(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-08-03")
	m := e.file(foreigner, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
	e.pump()
	name := e.trialOf(m, "京73")
	j := e.toJudgment("京73", name, "2026-08-20", nil)
	cp, rp := m.GetComplainant().GetName(), m.GetRespondents()[0].GetName()
	e.setDay("2026-09-21")
	// The foreign respondent (no domicile in China, CPL Art. 286), served Tue
	// 09-01: 30 days end on Thu 10-01, a holiday → Thu 10-08.
	j = e.serve(name, j.GetEtag(), rp, "2026-09-01")
	// The complainant, served Mon 09-21: 15 days end on Tue 10-06, a holiday
	// → Thu 10-08.
	j = e.serve(name, j.GetEtag(), cp, "2026-09-21")
	got := map[string]string{}
	for _, s := range j.GetServices() {
		rule, _, _ := strings.Cut(s.GetAppealRule(), " (")
		got[s.GetParty()] = s.GetAppealDue() + " " + rule
	}
	want := map[string]string{rp: "2026-10-08 30 calendar days", cp: "2026-10-08 15 calendar days"}
	if !cmp.Equal(got, want) {
		t.Fatalf("appeal periods %v, want %v", got, want)
	}
	// Serving twice is refused.
	if _, err := e.court("京73").ServeJudgment(t.Context(), &ipcasev1.ServeJudgmentRequest{Name: name, Etag: j.GetEtag(), Party: cp}); code(err) != codes.FailedPrecondition {
		t.Errorf("serving twice: %v", err)
	}
	// The judgment without damages awards none; no infringement record
	// until it is effective: 10-08 is the last day, 10-09 it takes effect.
	if e.sweep("2026-10-08").Missed != 0 {
		t.Fatal("a clock was missed on its last day")
	}
	e.pump()
	// The matter's only proceeding, the trial, is JUDGED, not final: the
	// matter stays open.
	if st := e.matterState(m); st != ipcasev1.MatterState_MATTER_STATE_ACCEPTED {
		t.Fatalf("with the judgment not yet effective the matter is %v; want ACCEPTED", st)
	}
	// 10-09 the periods have passed; the posting window (7 days from
	// 10-08) runs to Thu 10-15, so the judgment is recorded effective on
	// 10-16, as from 10-09.
	e.sweep("2026-10-09")
	e.pump()
	if st := e.get("京73", name).GetState(); st != ipcasev1.ProceedingState_PROCEEDING_STATE_JUDGED {
		t.Fatalf("within the posting window the trial is %v; want JUDGED", st)
	}
	e.sweep("2026-10-16")
	e.pump()
	if eff := e.get("京73", name); eff.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_EFFECTIVE || eff.GetJudgment().GetEffectiveOn() != "2026-10-09" {
		t.Fatalf("trial %v effective %q", eff.GetState(), eff.GetJudgment().GetEffectiveOn())
	}
	// EFFECTIVE is final: every proceeding the matter was routed to has
	// ended, so the matter is CLOSED.
	if st := e.matterState(m); st != ipcasev1.MatterState_MATTER_STATE_CLOSED {
		t.Errorf("with the judgment effective the matter is %v; want CLOSED", st)
	}
}

// TestConcurrentDockets: 20 dockets at one court at once get 1–20.
func TestConcurrentDockets(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-03-02")
	var names []string
	for range 20 {
		names = append(names, e.trialOf(e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73"), "京73"))
	}
	e.pump()
	etags := make([]string, len(names))
	for i, n := range names {
		etags[i] = e.get("京73", n).GetEtag()
	}
	c := e.court("京73")
	var wg sync.WaitGroup
	var mu sync.Mutex
	var numbers []string
	for i := range names {
		wg.Go(func() {
			resp, err := c.DocketTrial(t.Context(), &ipcasev1.DocketTrialRequest{Name: names[i], Etag: etags[i], Kind: ipcasev1.CaseKind_CASE_KIND_CIVIL,
				Procedure: ipcasev1.TrialProcedure_TRIAL_PROCEDURE_SUMMARY})
			if err != nil {
				t.Errorf("DocketTrial: %v", err)
				return
			}
			mu.Lock()
			numbers = append(numbers, resp.GetTrial().GetCourtNumber())
			mu.Unlock()
		})
	}
	wg.Wait()
	var want []string
	for i := 1; i <= 20; i++ {
		want = append(want, fmt.Sprintf("(2026)京73知民初%d号", i))
	}
	slices.Sort(numbers)
	slices.Sort(want)
	if !cmp.Equal(numbers, want) {
		t.Fatalf("numbers %v, want %v", numbers, want)
	}
	// Summary procedure: 3 months from Mon 03-02 end on Tue 06-02.
	if got := e.get("京73", names[0]).GetTimeLimitDue(); got != "2026-06-02" {
		t.Errorf("summary time limit %s, want 2026-06-02", got)
	}
}

// TestDeclineAndCriminal: a court declines with reasons; a criminal case
// is numbered 刑初, never 知刑初.
func TestDeclineAndCriminal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-03-02")
	ma := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
	a := e.trialOf(ma, "京73")
	mb := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
	b := e.trialOf(mb, "京73")
	e.pump()
	c := e.court("京73")
	dec, err := c.DeclineTrial(t.Context(), &ipcasev1.DeclineTrialRequest{Name: a, Etag: e.get("京73", a).GetEtag(), Reason: "不属于本院管辖"})
	if err != nil || dec.GetTrial().GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_DECLINED || dec.GetTrial().GetEndReason() != "不属于本院管辖" {
		t.Fatalf("DeclineTrial: %v, %v", dec, err)
	}
	cr, err := c.DocketTrial(t.Context(), &ipcasev1.DocketTrialRequest{Name: b, Etag: e.get("京73", b).GetEtag(), Kind: ipcasev1.CaseKind_CASE_KIND_CRIMINAL})
	if err != nil || cr.GetTrial().GetCourtNumber() != "(2026)京73刑初1号" {
		t.Fatalf("criminal docket: %v, %v", cr.GetTrial().GetCourtNumber(), err)
	}
	// DECLINED is final, so the declined matter is CLOSED; the docketed one
	// is not.
	if st := e.matterState(ma); st != ipcasev1.MatterState_MATTER_STATE_CLOSED {
		t.Errorf("the matter whose trial was declined is %v; want CLOSED", st)
	}
	if st := e.matterState(mb); st != ipcasev1.MatterState_MATTER_STATE_ACCEPTED {
		t.Errorf("the matter whose trial was docketed is %v; want ACCEPTED", st)
	}
	// Each is an event of its matter.
	for _, c := range []struct {
		name string
		want events.Type
	}{{a, events.TrialDeclined}, {b, events.TrialDocketed}} {
		parts := strings.Split(c.name, "/") // matters/{matter}/proceedings/{proceeding}
		evs, err := events.List(e.DB.Session(t.Context()), parts[1], 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var types []events.Type
		for _, ev := range evs {
			if ev.ProceedingID == parts[3] {
				types = append(types, ev.Type)
			}
		}
		if !slices.Contains(types, c.want) {
			t.Errorf("the events of %s are %v; want one %s", c.name, types, c.want)
		}
	}
}
