package customs_test

import (
	"strings"
	"testing"

	"google.golang.org/grpc/codes"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// The dates below are counted by hand on the 2026 holiday notice
// (国办发明电〔2025〕7号: 1–5 May and 19–21 June are holidays, Saturday 9 May
// is a working day), in working days from the day after the trigger (GAC
// Implementing Measures Art. 41; package deadline, TestCustomsPeriods).

// TestOnApplicationReleasedWithoutCourtNotice: goods detained on the
// holder's application on Thu 23 April 2026 are released when no court's
// notice arrives within 20 working days (Regulations on Customs Protection
// of IPR Art. 24(1)): 24 Apr (1), 27–30 Apr (2–5), 6–8 May (6–8), Sat 9
// May (9), 11–15 May (10–14), 18–22 May (15–19), Mon 25 May (20). On the
// 25th they are still held; on the 26th they are released.
func TestOnApplicationReleasedWithoutCourtNotice(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-04-23")
	e.record()
	sh, err := e.apply(e.holderCtx(), "150000")
	if err != nil {
		t.Fatalf("ApplyDetention: %v", err)
	}
	e.intact(sh.GetName())
	// The guarantee on application is the goods' value: 3,000 × 50 yuan
	// (Regulations Art. 14; GAC Implementing Measures Art. 15).
	if sh.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_APPLIED || sh.GetGuarantee().GetRequiredYuan() != "150000.00" ||
		sh.GetGoodsValueYuan() != "150000.00" {
		t.Fatalf("applied: %s, guarantee %s of goods worth %s", sh.GetState(), sh.GetGuarantee().GetRequiredYuan(), sh.GetGoodsValueYuan())
	}
	d, err := e.customs.DetainGoods(e.officer, &ipcasev1.DetainGoodsRequest{Name: sh.GetName(), Etag: sh.GetEtag()})
	if err != nil {
		t.Fatalf("DetainGoods: %v", err)
	}
	if got := d.GetShipment(); got.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_DETAINED || got.GetDetainedOn() != "2026-04-23" ||
		got.GetCourtNoticeDue() != "2026-05-25" {
		t.Fatalf("detained: %s on %s, court notice due %s; want DETAINED on 2026-04-23, due 2026-05-25", got.GetState(), got.GetDetainedOn(), got.GetCourtNoticeDue())
	}
	e.sweep("2026-05-25")
	if got := e.get(sh.GetName()); got.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_DETAINED {
		t.Fatalf("on the last day: %s, want still DETAINED", got.GetState())
	}
	e.sweep("2026-05-26")
	got := e.get(sh.GetName())
	if got.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_RELEASED || got.GetEndedOn() != "2026-05-26" ||
		!strings.Contains(got.GetEndReason(), "Art. 24(1)") {
		t.Fatalf("after the period: %s on %s (%s); want RELEASED on 2026-05-26 under Art. 24(1)", got.GetState(), got.GetEndedOn(), got.GetEndReason())
	}
}

// TestOnApplicationRefusedWithoutGuarantee: customs detains only against a
// guarantee of the goods' value; short of it, the detention is refused
// with nothing written, and customs rejects the application (Regulations
// Art. 15 ¶2).
func TestOnApplicationRefusedWithoutGuarantee(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-04-23")
	e.record()
	sh, err := e.apply(e.holderCtx(), "100000")
	if err != nil {
		t.Fatalf("ApplyDetention: %v", err)
	}
	before := e.Counts(t)
	_, err = e.customs.DetainGoods(e.officer, &ipcasev1.DetainGoodsRequest{Name: sh.GetName(), Etag: sh.GetEtag()})
	if code(err) != codes.FailedPrecondition || !strings.Contains(err.Error(), "150000.00 yuan required") {
		t.Fatalf("DetainGoods with 100,000 of 150,000 yuan: %v, want FAILED_PRECONDITION naming the amount", err)
	}
	if after := e.Counts(t); after["deadlines"] != before["deadlines"] || after["events"] != before["events"] {
		t.Errorf("a refused detention wrote: %v → %v", before, after)
	}
	r, err := e.customs.RefuseDetention(e.officer, &ipcasev1.RefuseDetentionRequest{Name: sh.GetName(), Etag: sh.GetEtag(),
		Reason: "担保不足货物价值"})
	if err != nil {
		t.Fatalf("RefuseDetention: %v", err)
	}
	if got := r.GetShipment(); got.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_REJECTED || !strings.Contains(got.GetEndReason(), "Art. 15") {
		t.Fatalf("refused: %s (%s)", got.GetState(), got.GetEndReason())
	}
}

// TestOnApplicationCourtRoute: the holder sues the consignor; the action
// arrives at the court as a trial to docket; the court's preservation
// order holds the goods for it (Regulations Art. 23 ¶2) so they outlast
// the 20 working days; the effective judgment that finds infringement
// hands them over. Judgment served on both parties on Mon 1 June: 15 days
// to appeal (CPL Art. 171), the last Tue 16 June; no appeal, so the
// judgment is effective from Wed 17 June (CPL Art. 158; no posting wait).
func TestOnApplicationCourtRoute(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-04-23")
	e.record()
	sh, err := e.apply(e.holderCtx(), "150000")
	if err != nil {
		t.Fatalf("ApplyDetention: %v", err)
	}
	d, err := e.customs.DetainGoods(e.officer, &ipcasev1.DetainGoodsRequest{Name: sh.GetName(), Etag: sh.GetEtag()})
	if err != nil {
		t.Fatalf("DetainGoods: %v", err)
	}
	e.setDay("2026-04-24")
	a, err := e.customs.FileCourtAction(e.holderCtx(), &ipcasev1.FileCourtActionRequest{Name: sh.GetName(), Etag: d.GetShipment().GetEtag(), Court: court})
	if err != nil {
		t.Fatalf("FileCourtAction: %v", err)
	}
	if a.GetShipment().GetCourtAction().GetFiledOn() != "2026-04-24" {
		t.Fatalf("court action: %v", a.GetShipment().GetCourtAction())
	}
	e.pump()
	m, err := e.Filing.GetMatter(e.officer, &ipcasev1.GetMatterRequest{Name: sh.GetMatter()})
	if err != nil {
		t.Fatal(err)
	}
	var trialName string
	for _, p := range m.GetMatter().GetProceedings() {
		if p.GetKind() == ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL && p.GetForum() == court {
			trialName = p.GetName()
		}
	}
	if trialName == "" {
		t.Fatalf("the court received no trial: %v", m.GetMatter().GetProceedings())
	}
	ctx := t.Context()
	e.setDay("2026-04-27")
	tr, err := e.court.GetTrial(ctx, &ipcasev1.GetTrialRequest{Name: trialName})
	if err != nil {
		t.Fatal(err)
	}
	dk, err := e.court.DocketTrial(ctx, &ipcasev1.DocketTrialRequest{Name: trialName, Etag: tr.GetTrial().GetEtag(), Kind: ipcasev1.CaseKind_CASE_KIND_CIVIL})
	if err != nil {
		t.Fatalf("DocketTrial: %v", err)
	}
	pn, err := e.court.AssignPanel(ctx, &ipcasev1.AssignPanelRequest{Name: trialName, Etag: dk.GetTrial().GetEtag(), Members: []*ipcasev1.PanelMember{
		{Name: "张法官", Role: "PRESIDING_JUDGE"}, {Name: "李法官", Role: "JUDGE"}, {Name: "王法官", Role: "JUDGE"}}})
	if err != nil {
		t.Fatalf("AssignPanel: %v", err)
	}
	e.setDay("2026-04-28")
	po, err := e.court.OrderPreservation(ctx, &ipcasev1.OrderPreservationRequest{Name: trialName, Etag: pn.GetTrial().GetEtag(),
		Order: &ipcasev1.Preservation{Kind: ipcasev1.PreservationKind_PRESERVATION_KIND_PROPERTY, Subject: "海关扣留的电热水壶3000个", SecurityYuan: "150000"}})
	if err != nil {
		t.Fatalf("OrderPreservation: %v", err)
	}
	e.pump()
	got := e.get(sh.GetName())
	if got.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_COURT_ORDERED || got.GetCourtNotice().GetCourt() != court ||
		got.GetCourtNotice().GetReceivedOn() != "2026-04-28" {
		t.Fatalf("after the preservation order: %s, notice %v", got.GetState(), got.GetCourtNotice())
	}
	e.sweep("2026-05-26")
	if got := e.get(sh.GetName()); got.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_COURT_ORDERED {
		t.Fatalf("goods held for the court were released when the 20 working days passed: %s (%s)", got.GetState(), got.GetEndReason())
	}
	sc, err := e.court.ScheduleHearing(ctx, &ipcasev1.ScheduleHearingRequest{Name: trialName, Etag: po.GetTrial().GetEtag(), Date: "2026-05-28", Place: "第一法庭"})
	if err != nil {
		t.Fatalf("ScheduleHearing: %v", err)
	}
	e.setDay("2026-05-28")
	h, err := e.court.RecordTrialHearing(ctx, &ipcasev1.RecordTrialHearingRequest{Name: trialName, Etag: sc.GetTrial().GetEtag(),
		Attendees: []string{"原告代理人", "被告代理人"}, Record: "庭审笔录"})
	if err != nil {
		t.Fatalf("RecordTrialHearing: %v", err)
	}
	j, err := e.court.EnterJudgment(ctx, &ipcasev1.EnterJudgmentRequest{Name: trialName, Etag: h.GetTrial().GetEtag(), InfringementFound: true,
		Injunction: "被告立即停止出口侵犯第12345678号注册商标专用权的商品"})
	if err != nil {
		t.Fatalf("EnterJudgment: %v", err)
	}
	e.setDay("2026-06-01")
	etag := j.GetTrial().GetEtag()
	for _, p := range append([]*ipcasev1.Party{m.GetMatter().GetComplainant()}, m.GetMatter().GetRespondents()...) {
		s, err := e.court.ServeJudgment(ctx, &ipcasev1.ServeJudgmentRequest{Name: trialName, Etag: etag, Party: p.GetName(), ServedOn: "2026-06-01"})
		if err != nil {
			t.Fatalf("ServeJudgment(%s): %v", p.GetName(), err)
		}
		etag = s.GetTrial().GetEtag()
	}
	e.sweep("2026-06-16")
	if got := e.get(sh.GetName()); got.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_COURT_ORDERED {
		t.Fatalf("on the last day to appeal: %s", got.GetState())
	}
	e.sweep("2026-06-17")
	got = e.get(sh.GetName())
	if got.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_HANDED_OVER || got.GetEndedOn() != "2026-06-17" {
		t.Fatalf("after the judgment took effect: %s on %s (%s); want HANDED_OVER on 2026-06-17", got.GetState(), got.GetEndedOn(), got.GetEndReason())
	}
}

// exOfficio records the holder's mark (approved 2 January 2020, valid to 1
// January 2030), reports the kettles on Wed 29 April 2026 and lets the
// holder apply on Wed 6 May with the guarantee the Measures set: goods
// worth 150,000 yuan, between 20,000 and 200,000, take 50 %, 75,000 yuan,
// which is above the 20,000 floor (GAC Implementing Measures Art. 23).
// The 3 working days from the notice: Thu 30 April (1), 1–5 May holidays,
// Wed 6 May (2), Thu 7 May (3). From the detention on 6 May, customs'
// 30 working days end on Tue 16 June and the court's 50 on Wed 15 July
// (TestCustomsPeriods in package deadline counts them day by day).
func exOfficio(t *testing.T) (*env, *ipcasev1.Shipment) {
	e := newEnv(t, "2026-04-29")
	rec := e.record()
	sh := e.report(rec, "2026-04-29")
	if sh.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_HOLDER_NOTIFIED || sh.GetReplyDue() != "2026-05-07" ||
		sh.GetGuarantee().GetRequiredYuan() != "75000.00" || sh.GetRecordation() != rec.GetName() {
		t.Fatalf("reported: %s, reply due %s, guarantee %s, recordation %s", sh.GetState(), sh.GetReplyDue(), sh.GetGuarantee().GetRequiredYuan(), sh.GetRecordation())
	}
	e.setDay("2026-05-06")
	_, err := e.customs.ReplyToNotice(e.holderCtx(), &ipcasev1.ReplyToNoticeRequest{Name: sh.GetName(), Etag: sh.GetEtag(), Apply: true, GuaranteeYuan: "74999.99"})
	if code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), "guarantee_yuan") {
		t.Fatalf("a guarantee a fen short: %v, want INVALID_ARGUMENT on guarantee_yuan", err)
	}
	r, err := e.customs.ReplyToNotice(e.holderCtx(), &ipcasev1.ReplyToNoticeRequest{Name: sh.GetName(), Etag: sh.GetEtag(), Apply: true, GuaranteeYuan: "75000"})
	if err != nil {
		t.Fatalf("ReplyToNotice: %v", err)
	}
	got := r.GetShipment()
	if got.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_DETAINED || got.GetDetainedOn() != "2026-05-06" ||
		got.GetInvestigationDue() != "2026-06-16" || got.GetCourtNoticeDue() != "2026-07-15" {
		t.Fatalf("detained: %s on %s, investigation due %s, court notice due %s", got.GetState(), got.GetDetainedOn(), got.GetInvestigationDue(), got.GetCourtNoticeDue())
	}
	return e, got
}

// TestExOfficioMissedReply: the holder does not apply within the 3
// working days to Thu 7 May; on Fri 8 May the goods are released, as
// customs may not detain them (Regulations Art. 16).
func TestExOfficioMissedReply(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-04-29")
	sh := e.report(e.record(), "2026-04-29")
	e.sweep("2026-05-07")
	if got := e.get(sh.GetName()); got.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_HOLDER_NOTIFIED {
		t.Fatalf("on the last day: %s", got.GetState())
	}
	e.sweep("2026-05-08")
	got := e.get(sh.GetName())
	if got.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_RELEASED || got.GetEndedOn() != "2026-05-08" || !strings.Contains(got.GetEndReason(), "Art. 16") {
		t.Fatalf("after the 3 working days: %s on %s (%s)", got.GetState(), got.GetEndedOn(), got.GetEndReason())
	}
	_, err := e.customs.ReplyToNotice(e.holderCtx(), &ipcasev1.ReplyToNoticeRequest{Name: sh.GetName(), Etag: got.GetEtag(), Apply: true, GuaranteeYuan: "75000"})
	if code(err) != codes.FailedPrecondition {
		t.Fatalf("a reply after the release: %v, want FAILED_PRECONDITION", err)
	}
}

// TestExOfficioInfringing: customs finds the goods infringing on Wed 10
// June: confiscated, fined at most 30 % of 150,000 yuan = 45,000 yuan
// (Customs Administrative Penalty Implementing Regulations Art. 25), and
// destroyed; an auction needs the infringing features removed (Regulations
// Art. 27 ¶3).
func TestExOfficioInfringing(t *testing.T) {
	t.Parallel()
	e, sh := exOfficio(t)
	e.setDay("2026-06-10")
	for _, tt := range []struct {
		req   *ipcasev1.DecideInfringementRequest
		field string
	}{
		{&ipcasev1.DecideInfringementRequest{FineYuan: "45000.01", Disposal: ipcasev1.GoodsDisposal_GOODS_DISPOSAL_DESTROYED}, "fine_yuan"},
		{&ipcasev1.DecideInfringementRequest{FineYuan: "45000", Disposal: ipcasev1.GoodsDisposal_GOODS_DISPOSAL_AUCTIONED}, "features_removed"},
		{&ipcasev1.DecideInfringementRequest{FineYuan: "45000"}, "disposal"},
	} {
		tt.req.Name, tt.req.Etag, tt.req.Finding, tt.req.Reason = sh.GetName(), sh.GetEtag(), ipcasev1.CustomsFinding_CUSTOMS_FINDING_INFRINGING, "商标侵权"
		if _, err := e.customs.DecideInfringement(e.officer, tt.req); code(err) != codes.InvalidArgument || !strings.Contains(err.Error(), tt.field) {
			t.Errorf("%v: %v, want INVALID_ARGUMENT on %s", tt.req, err, tt.field)
		}
	}
	r, err := e.customs.DecideInfringement(e.officer, &ipcasev1.DecideInfringementRequest{Name: sh.GetName(), Etag: sh.GetEtag(),
		Finding: ipcasev1.CustomsFinding_CUSTOMS_FINDING_INFRINGING, FineYuan: "45000", Disposal: ipcasev1.GoodsDisposal_GOODS_DISPOSAL_DESTROYED,
		Reason: "货物使用了与注册商标相同的商标"})
	if err != nil {
		t.Fatalf("DecideInfringement: %v", err)
	}
	got := r.GetShipment()
	if got.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_CONFISCATED || got.GetDecision().GetFineCeilingYuan() != "45000.00" ||
		got.GetDecision().GetFineYuan() != "45000.00" || got.GetEndedOn() != "2026-06-10" {
		t.Fatalf("decided: %s, decision %v", got.GetState(), got.GetDecision())
	}
}

// TestExOfficioNotInfringing: customs finds the goods do not infringe:
// released (Regulations Art. 20), and the holder's withdrawal is no longer
// possible.
func TestExOfficioNotInfringing(t *testing.T) {
	t.Parallel()
	e, sh := exOfficio(t)
	e.setDay("2026-06-10")
	r, err := e.customs.DecideInfringement(e.officer, &ipcasev1.DecideInfringementRequest{Name: sh.GetName(), Etag: sh.GetEtag(),
		Finding: ipcasev1.CustomsFinding_CUSTOMS_FINDING_NOT_INFRINGING, Reason: "货物为权利人授权生产"})
	if err != nil {
		t.Fatalf("DecideInfringement: %v", err)
	}
	if got := r.GetShipment(); got.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_RELEASED || got.GetEndedOn() != "2026-06-10" {
		t.Fatalf("decided: %s on %s", got.GetState(), got.GetEndedOn())
	}
}

// TestExOfficioUndeterminedReleasedAfter50Days: customs cannot say within
// its 30 working days (it tells the holder, Regulations Art. 20); without
// a court's notice by the 50th working day, Wed 15 July, the goods are
// released on Thu 16 July (Art. 24(2)).
func TestExOfficioUndeterminedReleasedAfter50Days(t *testing.T) {
	t.Parallel()
	e, sh := exOfficio(t)
	e.setDay("2026-06-10")
	if _, err := e.customs.DecideInfringement(e.officer, &ipcasev1.DecideInfringementRequest{Name: sh.GetName(), Etag: sh.GetEtag(),
		Finding: ipcasev1.CustomsFinding_CUSTOMS_FINDING_UNDETERMINED, Reason: "无法认定是否侵权"}); err != nil {
		t.Fatalf("DecideInfringement: %v", err)
	}
	e.sweep("2026-06-17") // past customs' 30 days: that clock ended with the finding
	e.sweep("2026-07-15")
	if got := e.get(sh.GetName()); got.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_UNDETERMINED {
		t.Fatalf("on the 50th working day: %s", got.GetState())
	}
	e.sweep("2026-07-16")
	got := e.get(sh.GetName())
	if got.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_RELEASED || got.GetEndedOn() != "2026-07-16" || !strings.Contains(got.GetEndReason(), "Art. 24(2)") {
		t.Fatalf("after the 50 working days: %s on %s (%s)", got.GetState(), got.GetEndedOn(), got.GetEndReason())
	}
}
