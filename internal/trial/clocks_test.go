package trial_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/events"
	"github.com/ipcase/ipcase/internal/trial"
)

// dues maps each party served to "appeal_due rule-citation" (the part of the
// rule in parentheses), e.g. "2026-06-22 Criminal Procedure Law Art. 230".
func dues(tr *ipcasev1.Trial) map[string]string {
	got := map[string]string{}
	for _, s := range tr.GetServices() {
		_, cite, _ := strings.Cut(s.GetAppealRule(), " (")
		got[s.GetParty()] = s.GetAppealDue() + " " + strings.TrimSuffix(cite, ")")
	}
	return got
}

// fields returns the fields named by the violations of err, a gRPC error.
func fields(err error) []string {
	var out []string
	for _, d := range status.Convert(err).Details() {
		if br, ok := d.(*errdetails.BadRequest); ok {
			for _, v := range br.GetFieldViolations() {
				out = append(out, v.GetField())
			}
		}
	}
	return out
}

// matterEvents returns the types of the events of the matter of trial name.
func (e *env) matterEvents(name string) []events.Type {
	e.t.Helper()
	evs, err := events.List(e.DB.Session(e.t.Context()), strings.Split(name, "/")[1], 0, 1000)
	if err != nil {
		e.t.Fatal(err)
	}
	var types []events.Type
	for _, ev := range evs {
		types = append(types, ev.Type)
	}
	return types
}

// TestCriminalAndAdministrativeAppealPeriods: each kind of case gets its own
// appeal periods. Judgments pronounced Wed 2026-06-10 and served Thu
// 2026-06-11 on both parties; the Dragon Boat holiday of 2026 is 06-19..21
// (国办发明电〔2025〕7号). Worked by hand:
//   - criminal judgment, 10 days from the day after receipt (Criminal
//     Procedure Law Art. 230): day 10 is Sun 06-21, a holiday → Mon 06-22
//     (Art. 105). The foreign respondent gets the same 10 days: the
//     Criminal Procedure Law has no 30-day rule for parties abroad.
//   - criminal ruling, 5 days (Art. 230): day 5 is Tue 06-16.
//   - administrative judgment, 15 days (Administrative Litigation Law
//     Art. 85): day 15 is Fri 06-26.
//   - administrative ruling, 10 days (Art. 85): day 10 is Sun 06-21 → Mon
//     06-22.
//
// Before this rule every case got the civil 15/10/30 days (CPL Arts. 171,
// 286): 06-26 for the criminal judgment, 07-13 for the foreigner.
func TestCriminalAndAdministrativeAppealPeriods(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-06-01")
	const (
		crim    = "Criminal Procedure Law Art. 230"
		admin   = "Administrative Litigation Law Art. 85"
		crimJ   = "2026-06-22 " + crim
		crimR   = "2026-06-16 " + crim
		adminJ  = "2026-06-26 " + admin
		adminR  = "2026-06-22 " + admin
		served  = "2026-06-11"
		judged  = "2026-06-10"
		crimNum = "(2026)京73刑初1号"
	)
	for _, tt := range []struct {
		name   string
		resp   *ipcasev1.Party
		kind   ipcasev1.CaseKind
		ruling bool
		want   string
	}{
		{"criminal judgment", respondent, ipcasev1.CaseKind_CASE_KIND_CRIMINAL, false, crimJ},
		{"criminal judgment, a party abroad", foreigner, ipcasev1.CaseKind_CASE_KIND_CRIMINAL, false, crimJ},
		{"criminal ruling", respondent, ipcasev1.CaseKind_CASE_KIND_CRIMINAL, true, crimR},
		{"administrative judgment", respondent, ipcasev1.CaseKind_CASE_KIND_ADMINISTRATIVE, false, adminJ},
		{"administrative ruling", respondent, ipcasev1.CaseKind_CASE_KIND_ADMINISTRATIVE, true, adminR},
	} {
		e.setDay("2026-06-01")
		m := e.file(tt.resp, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
		e.pump()
		name := e.trialOf(m, "京73")
		j := e.judgeAs("京73", name, judged, tt.kind, tt.ruling, nil)
		e.setDay(served)
		cp, rp := m.GetComplainant().GetName(), m.GetRespondents()[0].GetName()
		j = e.serve(name, j.GetEtag(), cp, served)
		j = e.serve(name, j.GetEtag(), rp, served)
		if diff := cmp.Diff(map[string]string{cp: tt.want, rp: tt.want}, dues(j)); diff != "" {
			t.Errorf("%s: appeal dues mismatch (-want +got):\n%s", tt.name, diff)
		}
		if tt.name != "criminal judgment" {
			continue
		}
		if j.GetCourtNumber() != crimNum {
			t.Errorf("criminal case numbered %s, want %s", j.GetCourtNumber(), crimNum)
		}
		// Filed on 06-23, the day after the criminal period ended: late.
		e.setDay("2026-06-23")
		before := e.Counts(t)
		_, err := e.court("京73").FileAppeal(t.Context(), &ipcasev1.FileAppealRequest{Name: name, Etag: j.GetEtag(), Party: rp, AppellateCourt: "京"})
		if code(err) != codes.FailedPrecondition || !strings.Contains(err.Error(), "ended on 2026-06-22") {
			t.Errorf("criminal appeal on 06-23: %v; want FailedPrecondition naming 2026-06-22", err)
		}
		if diff := cmp.Diff(before, e.Counts(t)); diff != "" {
			t.Errorf("a late appeal wrote (-before +after):\n%s", diff)
		}
	}
}

// TestSecondInstanceIsFinal: a judgment of second instance is final (CPL
// Art. 182): it gets no appeal clock, cannot be appealed again, and takes
// effect once served on every party, on the day of the last service. A
// judgment of the Supreme People's Court is effective when pronounced
// (CPL Art. 158).
func TestSecondInstanceIsFinal(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-06-01")
	m := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
	e.pump()
	name := e.trialOf(m, "京73")
	j := e.toJudgment("京73", name, "2026-06-10", punitive())
	cp, rp := m.GetComplainant().GetName(), m.GetRespondents()[0].GetName()
	e.setDay("2026-06-11")
	j = e.serve(name, j.GetEtag(), cp, "2026-06-11")
	j = e.serve(name, j.GetEtag(), rp, "2026-06-11")
	e.setDay("2026-06-15")
	ap, err := e.court("京73").FileAppeal(t.Context(), &ipcasev1.FileAppealRequest{Name: name, Etag: j.GetEtag(), Party: rp, AppellateCourt: "京"})
	if err != nil {
		t.Fatalf("FileAppeal: %v", err)
	}
	second := ap.GetSecondInstance()
	// The appeal court hears it and gives judgment on Wed 2026-07-15.
	s := e.hear("京", second, "2026-07-15", false, punitive())
	if s.GetCourtNumber() != "(2026)京知民终1号" || s.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_JUDGED {
		t.Fatalf("second-instance judgment: %s %v", s.GetCourtNumber(), s.GetState())
	}
	// Served on the respondent Thu 07-16: no appeal period, and it is
	// not yet effective, since the complainant has not been served.
	e.setDay("2026-07-16")
	s = e.serveAt("京", second.GetName(), s.GetEtag(), rp, "2026-07-16")
	if sv := s.GetServices(); len(sv) != 1 || sv[0].GetAppealDue() != "" || !strings.Contains(sv[0].GetAppealRule(), "final (CPL Art. 182)") ||
		s.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_JUDGED {
		t.Fatalf("served on the respondent: %v, state %v", sv, s.GetState())
	}
	// An appeal against it is refused, naming why, and writes nothing.
	before := e.Counts(t)
	_, err = e.court("京").FileAppeal(t.Context(), &ipcasev1.FileAppealRequest{Name: second.GetName(), Etag: s.GetEtag(), Party: rp,
		AppellateCourt: "最高法"})
	if code(err) != codes.FailedPrecondition || !strings.Contains(err.Error(), "no appeal lies against (2026)京知民终1号") ||
		!strings.Contains(err.Error(), "CPL Art. 182") {
		t.Fatalf("appeal against a second-instance judgment: %v; want FailedPrecondition citing CPL Art. 182", err)
	}
	if diff := cmp.Diff(before, e.Counts(t)); diff != "" {
		t.Errorf("a refused appeal wrote (-before +after):\n%s", diff)
	}
	// Served on the complainant Mon 07-20: served on every party, it is
	// EFFECTIVE from that day, with no clock ever opened for an appeal.
	e.setDay("2026-07-20")
	s = e.serveAt("京", second.GetName(), s.GetEtag(), cp, "2026-07-20")
	if s.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_EFFECTIVE || s.GetJudgment().GetEffectiveOn() != "2026-07-20" {
		t.Fatalf("served on both: %v effective %q; want EFFECTIVE on 2026-07-20", s.GetState(), s.GetJudgment().GetEffectiveOn())
	}
	ds, err := e.Clocks.ForProceeding(t.Context(), strings.Split(second.GetName(), "/")[3])
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		if d.Kind == trial.KindAppeal || d.Kind == trial.KindPosting {
			t.Errorf("the second instance has a %s clock due %s", d.Kind, d.Due)
		}
	}
	// The administrative side records the final judgment.
	e.pump()
	var refs []string
	if err := e.DB.Session(t.Context()).Gorm().Raw(`SELECT reference FROM infringement_records`).Scan(&refs).Error; err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(refs, []string{"(2026)京知民终1号"}) {
		t.Errorf("infringement records %v, want the final judgment's", refs)
	}
	// The matter's trials are APPEALED and EFFECTIVE: it is CLOSED.
	if st := e.matterState(m); st != ipcasev1.MatterState_MATTER_STATE_CLOSED {
		t.Errorf("matter %v, want CLOSED", st)
	}

	// A case before the Supreme People's Court: its judgment of Wed
	// 07-22 is effective that day, before any service (CPL Art. 158).
	e.setDay("2026-07-01")
	spc := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, trial.SupremeCourt)
	e.pump()
	sn := e.trialOf(spc, trial.SupremeCourt)
	sj := e.toJudgment(trial.SupremeCourt, sn, "2026-07-22", nil)
	if sj.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_EFFECTIVE || sj.GetJudgment().GetEffectiveOn() != "2026-07-22" {
		t.Fatalf("SPC judgment: %v effective %q; want EFFECTIVE on 2026-07-22", sj.GetState(), sj.GetJudgment().GetEffectiveOn())
	}
	sj = e.serveAt(trial.SupremeCourt, sn, sj.GetEtag(), spc.GetComplainant().GetName(), "2026-07-22")
	if sv := sj.GetServices(); len(sv) != 1 || sv[0].GetAppealDue() != "" || !strings.Contains(sv[0].GetAppealRule(), "CPL Art. 158") {
		t.Errorf("SPC judgment served: %v", sv)
	}
	_, err = e.court(trial.SupremeCourt).FileAppeal(t.Context(), &ipcasev1.FileAppealRequest{Name: sn, Etag: sj.GetEtag(),
		Party: spc.GetRespondents()[0].GetName(), AppellateCourt: "京"})
	if code(err) != codes.FailedPrecondition || !strings.Contains(err.Error(), "CPL Art. 158") {
		t.Errorf("appeal against the SPC: %v; want FailedPrecondition citing CPL Art. 158", err)
	}
}

// TestAppealPostedInTime: an appeal posted by the last day of the period is
// in time whenever it arrives (CPL Art. 85 ¶4). Served Thu 2026-06-11: 15
// days (CPL Art. 171) end on Fri 06-26. The court waits 7 days for posted
// appeals (postingDays): to Fri 07-03.
func TestAppealPostedInTime(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-06-01")
	judged := func() (*ipcasev1.Matter, string, *ipcasev1.Trial) {
		e.setDay("2026-06-01")
		m := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
		e.pump()
		name := e.trialOf(m, "京73")
		j := e.toJudgment("京73", name, "2026-06-10", punitive())
		e.setDay("2026-06-11")
		j = e.serve(name, j.GetEtag(), m.GetComplainant().GetName(), "2026-06-11")
		j = e.serve(name, j.GetEtag(), m.GetRespondents()[0].GetName(), "2026-06-11")
		return m, name, j
	}
	m, name, j := judged()
	m2, name2, _ := judged()
	rp, rp2 := m.GetRespondents()[0].GetName(), m2.GetRespondents()[0].GetName()

	// Sat 06-27: both periods have run out; the judgments are not
	// effective yet, and a posting window is open on each.
	if res := e.sweep("2026-06-27"); res.Missed != 4 {
		t.Fatalf("sweep 06-27 missed %d clocks; want the 4 appeal periods", res.Missed)
	}
	e.pump()
	for _, n := range []string{name, name2} {
		if st := e.get("京73", n).GetState(); st != ipcasev1.ProceedingState_PROCEEDING_STATE_JUDGED {
			t.Fatalf("%s after its periods: %v; want JUDGED during the posting window", n, st)
		}
	}

	// Tue 06-30: the respondent's appeal arrives. Wrong posting days are
	// refused with the field and nothing written.
	e.setDay("2026-06-30")
	c := e.court("京73")
	for _, tt := range []struct {
		posted string
		code   codes.Code
		want   string
	}{
		{"2026-07-01", codes.InvalidArgument, "posted_on"},                       // in the future (after it arrived today)
		{"2026-06-10", codes.InvalidArgument, "posted_on"},                       // before service
		{"2026-06-27", codes.FailedPrecondition, "posted on 2026-06-27 is late"}, // after the last day
		{"", codes.FailedPrecondition, "filed on 2026-06-30 is late"},            // handed in, not posted
	} {
		before := e.Counts(t)
		_, err := c.FileAppeal(t.Context(), &ipcasev1.FileAppealRequest{Name: name, Etag: j.GetEtag(), Party: rp, PostedOn: tt.posted, AppellateCourt: "京"})
		if code(err) != tt.code || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("posted %q: %v; want %v naming %q", tt.posted, err, tt.code, tt.want)
		}
		if fv := fields(err); tt.code == codes.InvalidArgument && !cmp.Equal(fv, []string{"posted_on"}) {
			t.Errorf("posted %q: violations %v; want posted_on", tt.posted, fv)
		}
		if diff := cmp.Diff(before, e.Counts(t)); diff != "" {
			t.Errorf("posted %q: a refused appeal wrote (-before +after):\n%s", tt.posted, diff)
		}
	}
	// Posted on Fri 06-26, the last day: in time.
	ap, err := c.FileAppeal(t.Context(), &ipcasev1.FileAppealRequest{Name: name, Etag: j.GetEtag(), Party: rp, PostedOn: "2026-06-26", AppellateCourt: "京"})
	if err != nil {
		t.Fatalf("appeal posted on the last day: %v", err)
	}
	if ap.GetTrial().GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_APPEALED || ap.GetSecondInstance().GetDocketedOn() != "2026-06-30" ||
		ap.GetTrial().GetAppeals()[0].GetPostedOn() != "2026-06-26" || ap.GetTrial().GetAppeals()[0].GetFiledOn() != "2026-06-30" {
		t.Fatalf("after the posted appeal: %v", ap.GetTrial())
	}
	// Sat 07-04: the window of the second judgment has passed with no
	// appeal: it is EFFECTIVE, from 06-27, the day after the period ended
	// (CPL Art. 158); the appealed one stays APPEALED, its window
	// cancelled.
	if res := e.sweep("2026-07-04"); res.Missed != 1 {
		t.Fatalf("sweep 07-04 missed %d; want the second judgment's posting window only", res.Missed)
	}
	e.pump()
	if st := e.get("京73", name).GetState(); st != ipcasev1.ProceedingState_PROCEEDING_STATE_APPEALED {
		t.Errorf("the appealed judgment became %v", st)
	}
	eff := e.get("京73", name2)
	if eff.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_EFFECTIVE || eff.GetJudgment().GetEffectiveOn() != "2026-06-27" {
		t.Fatalf("the unappealed judgment: %v effective %q; want EFFECTIVE on 2026-06-27", eff.GetState(), eff.GetJudgment().GetEffectiveOn())
	}
	if st := e.matterState(m2); st != ipcasev1.MatterState_MATTER_STATE_CLOSED {
		t.Fatalf("matter with the effective judgment: %v; want CLOSED", st)
	}

	// Mon 07-06: an appeal posted on 06-26 reaches the court after the
	// window: it is in time all the same, and reopens the judgment, which
	// never took effect; the matter is open again.
	e.setDay("2026-07-06")
	ap2, err := c.FileAppeal(t.Context(), &ipcasev1.FileAppealRequest{Name: name2, Etag: eff.GetEtag(), Party: rp2, PostedOn: "2026-06-26", AppellateCourt: "京"})
	if err != nil {
		t.Fatalf("appeal posted in time, arriving after the window: %v", err)
	}
	if got := ap2.GetTrial(); got.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_APPEALED || got.GetJudgment().GetEffectiveOn() != "" ||
		ap2.GetSecondInstance().GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_DOCKETED {
		t.Fatalf("reopened judgment: %v effective %q, second instance %v", got.GetState(), got.GetJudgment().GetEffectiveOn(), ap2.GetSecondInstance().GetState())
	}
	if st := e.matterState(m2); st != ipcasev1.MatterState_MATTER_STATE_ACCEPTED {
		t.Errorf("matter with the reopened judgment: %v; want ACCEPTED", st)
	}
	e.intact(m)
	e.intact(m2)
}

// TestTimeLimits: the trial time limits a case is (or is not) held to.
func TestTimeLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-03-02") // Monday
	c := e.court("京73")

	// A foreign-related case (a party domiciled abroad) is not bound by
	// the 6 months of CPL Art. 152 (Art. 287): no time limit, nothing to
	// extend or pause. A case marked foreign-related for another reason
	// (Interpretation Art. 520) neither.
	fm := e.file(foreigner, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
	dm := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
	e.pump()
	for _, tt := range []struct {
		m    *ipcasev1.Matter
		flag bool
	}{{fm, false}, {dm, true}} {
		name := e.trialOf(tt.m, "京73")
		d, err := c.DocketTrial(t.Context(), &ipcasev1.DocketTrialRequest{Name: name, Etag: e.get("京73", name).GetEtag(),
			Kind: ipcasev1.CaseKind_CASE_KIND_CIVIL, ForeignRelated: tt.flag})
		if err != nil {
			t.Fatal(err)
		}
		if tr := d.GetTrial(); !tr.GetForeignRelated() || tr.GetTimeLimitDue() != "" {
			t.Errorf("foreign-related case (flag %v): foreign_related %v, time limit %q; want none", tt.flag, tr.GetForeignRelated(), tr.GetTimeLimitDue())
		}
		_, err = c.ExtendTimeLimit(t.Context(), &ipcasev1.ExtendTimeLimitRequest{Name: name, Etag: d.GetTrial().GetEtag(), ApprovedBy: "院长", Reason: "r"})
		if code(err) != codes.FailedPrecondition || !strings.Contains(err.Error(), "CPL Art. 287") {
			t.Errorf("extending a foreign-related case: %v", err)
		}
		_, err = c.PauseTimeLimit(t.Context(), &ipcasev1.PauseTimeLimitRequest{Name: name, Etag: d.GetTrial().GetEtag(), Pause: &ipcasev1.TimeLimitPause{
			Reason: ipcasev1.TimeLimitPauseReason_TIME_LIMIT_PAUSE_REASON_APPRAISAL, Start: "2026-03-02", End: "2026-03-02"}})
		if code(err) != codes.FailedPrecondition || !strings.Contains(err.Error(), "CPL Art. 287") {
			t.Errorf("pausing a foreign-related case: %v", err)
		}
	}

	// Pauses. Docketed Mon 03-02: 6 months (CPL Art. 152) end on Wed 09-02.
	pm := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
	e.pump()
	name := e.trialOf(pm, "京73")
	d, err := c.DocketTrial(t.Context(), &ipcasev1.DocketTrialRequest{Name: name, Etag: e.get("京73", name).GetEtag(), Kind: ipcasev1.CaseKind_CASE_KIND_CIVIL})
	if err != nil || d.GetTrial().GetTimeLimitDue() != "2026-09-02" {
		t.Fatalf("docketed: %v, %v; want the time limit on 2026-09-02", d.GetTrial().GetTimeLimitDue(), err)
	}
	etag := d.GetTrial().GetEtag()
	pause := func(reason ipcasev1.TimeLimitPauseReason, start, end string) (*ipcasev1.Trial, error) {
		resp, err := c.PauseTimeLimit(t.Context(), &ipcasev1.PauseTimeLimitRequest{Name: name, Etag: etag,
			Pause: &ipcasev1.TimeLimitPause{Reason: reason, Start: start, End: end, Notes: "公告送达"}})
		if err == nil {
			etag = resp.GetTrial().GetEtag()
		}
		return resp.GetTrial(), err
	}
	const announce, appraise = ipcasev1.TimeLimitPauseReason_TIME_LIMIT_PAUSE_REASON_ANNOUNCEMENT, ipcasev1.TimeLimitPauseReason_TIME_LIMIT_PAUSE_REASON_APPRAISAL
	// Service by public announcement, Tue 03-10 .. Fri 05-08, is not
	// counted (SPC Interpretation on the Application of the CPL (2022)
	// Art. 243): 22 + 30 + 8 = 60 days. 09-02 + 60 days: 28 days to 09-30,
	// 31 to 10-31, 1 to Sun 11-01, a weekend → Mon 11-02.
	e.setDay("2026-05-08")
	tr, err := pause(announce, "2026-03-10", "2026-05-08")
	if err != nil || tr.GetTimeLimitDue() != "2026-11-02" || len(tr.GetTimeLimitPauses()) != 1 {
		t.Fatalf("announcement pause: %v, %v; want the time limit on 2026-11-02", tr.GetTimeLimitDue(), err)
	}
	// Refused, with the field, writing nothing.
	for _, tt := range []struct {
		reason     ipcasev1.TimeLimitPauseReason
		start, end string
		field      string
	}{
		{ipcasev1.TimeLimitPauseReason_TIME_LIMIT_PAUSE_REASON_UNSPECIFIED, "2026-05-09", "2026-05-10", "pause.reason"},
		{appraise, "2026-05-09", "2026-05-08", "pause.end"},   // ends before it starts
		{appraise, "2026-03-01", "2026-03-01", "pause.start"}, // before docketing
		{appraise, "2026-05-09", "2026-05-20", "pause.start"}, // starts in the future
		{appraise, "2026-05-01", "2026-05-08", "pause"},       // overlaps the announcement
	} {
		before := e.Counts(t)
		_, err := pause(tt.reason, tt.start, tt.end)
		if fv := fields(err); code(err) != codes.InvalidArgument || !cmp.Equal(fv, []string{tt.field}) {
			t.Errorf("pause %v %s..%s: %v; want InvalidArgument on %s", tt.reason, tt.start, tt.end, err, tt.field)
		}
		if diff := cmp.Diff(before, e.Counts(t)); diff != "" {
			t.Errorf("a refused pause wrote (-before +after):\n%s", diff)
		}
	}
	// An appraisal, Mon 05-11 .. Wed 05-20, 10 days more: raw end Sun
	// 11-01 + 10 = Wed 11-11, a working day.
	e.setDay("2026-05-20")
	if tr, err = pause(appraise, "2026-05-11", "2026-05-20"); err != nil || tr.GetTimeLimitDue() != "2026-11-11" {
		t.Fatalf("appraisal pause: %v, %v; want 2026-11-11", tr.GetTimeLimitDue(), err)
	}
	n := 0
	for _, typ := range e.matterEvents(name) {
		if typ == events.TrialTimeLimitPaused {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d trial.time_limit_paused events; want 2", n)
	}

	// An appeal against a ruling is decided within 30 days (CPL Art. 183
	// ¶2). A ruling served Thu 06-11: 10 days (Art. 171) end on Sun 06-21,
	// in the Dragon Boat holiday 06-19..21 → Mon 06-22. Appealed that day,
	// the second instance is docketed Mon 06-22: 30 days, Jun 23–30 = 8 and
	// Jul 1–22 = 22, end on Wed 07-22.
	e.setDay("2026-06-01")
	rm := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
	e.pump()
	rn := e.trialOf(rm, "京73")
	j := e.judgeAs("京73", rn, "2026-06-10", ipcasev1.CaseKind_CASE_KIND_CIVIL, true, nil)
	e.setDay("2026-06-11")
	rp := rm.GetRespondents()[0].GetName()
	j = e.serve(rn, j.GetEtag(), rp, "2026-06-11")
	if got := dues(j)[rp]; got != "2026-06-22 CPL Art. 171 ¶2" {
		t.Fatalf("ruling appeal due %q", got)
	}
	e.setDay("2026-06-22")
	ap, err := c.FileAppeal(t.Context(), &ipcasev1.FileAppealRequest{Name: rn, Etag: j.GetEtag(), Party: rp, AppellateCourt: "京"})
	if err != nil {
		t.Fatal(err)
	}
	if s := ap.GetSecondInstance(); s.GetDocketedOn() != "2026-06-22" || s.GetTimeLimitDue() != "2026-07-22" {
		t.Errorf("appeal against a ruling: docketed %s, time limit %s; want 2026-07-22", s.GetDocketedOn(), s.GetTimeLimitDue())
	}
}

// TestServeAcrossNewYear: serving a judgment whose appeal period reaches
// 2027, for which no State Council notice is loaded, is not refused: the
// period is counted on the provisional calendar of the statutory holidays
// (National Holiday Measures Art. 2) and marked provisional; once a 2027
// notice is loaded and the clocks are recomputed, the exact dates show, with
// a deadline.recomputed event each in the matter's events.
func TestServeAcrossNewYear(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-12-01")
	m := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
	e.pump()
	name := e.trialOf(m, "京73")
	j := e.toJudgment("京73", name, "2026-12-28", nil)
	cp, rp := m.GetComplainant().GetName(), m.GetRespondents()[0].GetName()
	// Served on the respondent Mon 2026-12-28: 15 days (CPL Art. 171):
	// Dec 29–31 are days 1–3, Jan 1–12 days 4–15; Tue 2027-01-12 is a
	// working day on the statutory holidays alone: provisional.
	j = e.serve(name, j.GetEtag(), rp, "2026-12-28")
	// Served on the complainant Thu 2027-01-21: day 15 is Fri 02-05, New
	// Year's Eve; the statutory Spring Festival (Art. 2: the Eve and days
	// 1–3, 02-05..02-08) ends Mon 02-08 → Tue 2027-02-09, provisional.
	e.setDay("2027-01-21")
	j = e.serve(name, j.GetEtag(), cp, "2027-01-21")
	provisional := func(tr *ipcasev1.Trial) map[string]bool {
		out := map[string]bool{}
		for _, s := range tr.GetServices() {
			out[s.GetParty()] = s.GetAppealDueProvisional()
		}
		return out
	}
	if diff := cmp.Diff(map[string]string{rp: "2027-01-12 CPL Art. 171", cp: "2027-02-09 CPL Art. 171"}, dues(j)); diff != "" {
		t.Fatalf("provisional dues mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]bool{rp: true, cp: true}, provisional(j)); diff != "" {
		t.Fatalf("provisional flags mismatch (-want +got):\n%s", diff)
	}

	// The 2027 notice, as they are usually made: New Year's Day Fri 01-01;
	// an eight-day Spring Festival Fri 02-05 .. Fri 02-12, with make-up
	// working days Sun 01-31 and Sat 02-20. The respondent's day 15 (Tue
	// 01-12) stays a working day: 2027-01-12, now exact. The complainant's
	// day 15 (02-05) is in the holiday, and 02-13/14 are an ordinary
	// weekend → Mon 2027-02-15.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "2027.json"), []byte(`{"year": 2027, "notice": "test notice 2027",
		"notice_date": "2026-11-20", "holidays": ["2027-01-01", "2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08",
		"2027-02-09", "2027-02-10", "2027-02-11", "2027-02-12"], "workdays": ["2027-01-31", "2027-02-20"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cal, err := deadline.LoadCalendar(dir)
	if err != nil {
		t.Fatal(err)
	}
	res, err := clock.NewStore(e.DB, cal, e.Log).Recompute(t.Context(), time.Date(2027, 1, 22, 9, 0, 0, 0, civil.China))
	if err != nil || res.Moved != 2 || len(res.Failed) != 0 {
		t.Fatalf("Recompute: %+v, %v; want the 2 appeal clocks recomputed", res, err)
	}
	j = e.get("京73", name)
	if diff := cmp.Diff(map[string]string{rp: "2027-01-12 CPL Art. 171", cp: "2027-02-15 CPL Art. 171"}, dues(j)); diff != "" {
		t.Errorf("exact dues mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]bool{rp: false, cp: false}, provisional(j)); diff != "" {
		t.Errorf("provisional flags after the notice mismatch (-want +got):\n%s", diff)
	}
	n := 0
	for _, typ := range e.matterEvents(name) {
		if typ == events.DeadlineRecomputed {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d deadline.recomputed events in the matter; want 2", n)
	}
	// The trial counts on the exact date: an appeal posted Mon 02-15, after
	// the provisional 02-09, is in time.
	e.setDay("2027-02-16")
	if _, err := e.court("京73").FileAppeal(t.Context(), &ipcasev1.FileAppealRequest{Name: name, Etag: j.GetEtag(), Party: cp,
		PostedOn: "2027-02-15", AppellateCourt: "京"}); err != nil {
		t.Errorf("appeal posted on the recomputed last day: %v", err)
	}
}
