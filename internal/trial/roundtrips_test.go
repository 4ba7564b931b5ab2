package trial_test

import (
	"fmt"
	"testing"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
)

// roundTripBounds are the most round trips to Postgres each transition of
// a trial or a judicial confirmation may make, counted on the connection
// (chaintest.RoundTrips; see enforcement's TestRoundTripsPerTransition).
// Issue 16 asks for chaintest.Bound (3); a transition above it is bounded
// by what it makes today, so that it cannot grow, and is lowered as it is
// reduced. Each count was the same in three runs.
var roundTripBounds = map[string]int{
	"DocketTrial":            chaintest.Bound,
	"PauseTimeLimit":         chaintest.Bound,
	"ExtendTimeLimit":        chaintest.Bound,
	"AssignPanel":            chaintest.Bound,
	"OrderPreservation":      chaintest.Bound,
	"RecordEvidenceExchange": chaintest.Bound,
	"ScheduleHearing":        chaintest.Bound,
	"RecordTrialHearing":     chaintest.Bound,
	"EnterJudgment":          chaintest.Bound,
	// Serving the second party of a first instance; the first makes 10,
	// as the answer reads the appeal clock of each party served; a final
	// judgment's service, 8.
	"ServeJudgment": chaintest.Bound,
	// The change and its answer each read the time limit and both appeal
	// clocks; the second instance is written apart from the change's
	// write, numbered, given its time limit and added.
	"FileAppeal":         chaintest.Bound,
	"DeclineTrial":       chaintest.Bound,
	"WithdrawTrial":      chaintest.Bound,
	"SettleTrial":        chaintest.Bound,
	"ConfirmAgreement":   chaintest.Bound,
	"RefuseConfirmation": chaintest.Bound,
}

// trialResponse is the answer of a transition of a trial.
type trialResponse interface{ GetTrial() *ipcasev1.Trial }

// TestRoundTripsPerTransition walks, three times and with request ids, a trial
// routed to 京73 from docketing to the appeal, its second instance at 京
// to the judgment that takes effect when served on the last party, three
// more trials declined, withdrawn and settled, and two judicial
// confirmations at 浙01, confirmed (ending the matter's open trial) and
// refused; it counts the round trips of each call of the last walk (the
// first takes the courts' first numbers of the year, whose counters do not
// exist yet, and the second fills the connections' caches of prepared
// statements, as a running server's are). A judgment taking effect when its appeal periods pass is
// the consumers' work after the sweeper's, not a call, and is not counted.
func TestRoundTripsPerTransition(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-06-01")
	mediator := authtest.WithToken(t.Context(), e.Auth.Mediator(t, agency))
	rt := chaintest.CountRoundTrips(e.DB)
	got := map[string]int{}
	var tr *ipcasev1.Trial
	step := func(method string, call func() (trialResponse, error)) {
		t.Helper()
		got[method] = max(got[method], rt.Measure(t, method, func() error {
			resp, err := call()
			if err == nil {
				tr = resp.GetTrial()
			}
			return err
		}))
	}
	// confirmation takes a mediation on matter m to an agreement whose
	// confirmation the parties ask 浙01 for, and returns the CONFIRMATION
	// proceeding.
	confirmation := func(m *ipcasev1.Matter, day string) *ipcasev1.Trial {
		t.Helper()
		e.askConfirmation(mediator, m, day)
		got, err := e.Filing.GetMatter(e.officer, &ipcasev1.GetMatterRequest{Name: m.GetName()})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range got.GetMatter().GetProceedings() {
			if p.GetKind() == ipcasev1.ProceedingKind_PROCEEDING_KIND_CONFIRMATION {
				return e.get("浙01", p.GetName())
			}
		}
		t.Fatalf("matter %s has no confirmation", m.GetName())
		return nil
	}
	walks := []string{"first-", "warm-", "measured-"}
	for walk, id := range walks {
		e.setDay("2026-06-01")
		clear(got)
		ctx := t.Context()

		// First instance at 京73, docketed Mon 06-01.
		m := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
		e.pump()
		c := e.court("京73")
		tr = e.get("京73", e.trialOf(m, "京73"))
		step("DocketTrial", func() (trialResponse, error) {
			return c.DocketTrial(ctx, &ipcasev1.DocketTrialRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "docket",
				Kind: ipcasev1.CaseKind_CASE_KIND_CIVIL})
		})
		step("PauseTimeLimit", func() (trialResponse, error) {
			return c.PauseTimeLimit(ctx, &ipcasev1.PauseTimeLimitRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "pause",
				Pause: &ipcasev1.TimeLimitPause{Reason: ipcasev1.TimeLimitPauseReason_TIME_LIMIT_PAUSE_REASON_APPRAISAL, Start: "2026-06-01", End: "2026-06-01"}})
		})
		step("ExtendTimeLimit", func() (trialResponse, error) {
			return c.ExtendTimeLimit(ctx, &ipcasev1.ExtendTimeLimitRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "extend",
				ApprovedBy: "院长", Reason: "案情复杂"})
		})
		step("AssignPanel", func() (trialResponse, error) {
			return c.AssignPanel(ctx, &ipcasev1.AssignPanelRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "panel",
				Members: []*ipcasev1.PanelMember{{Name: "张法官", Role: "PRESIDING_JUDGE"}, {Name: "李法官", Role: "JUDGE"},
					{Name: "王技术调查官", Role: "TECHNICAL_INVESTIGATOR"}}})
		})
		cp, rp := m.GetComplainant().GetName(), m.GetRespondents()[0].GetName()
		step("OrderPreservation", func() (trialResponse, error) {
			return c.OrderPreservation(ctx, &ipcasev1.OrderPreservationRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "preserve",
				Order: &ipcasev1.Preservation{Kind: ipcasev1.PreservationKind_PRESERVATION_KIND_EVIDENCE, Applicant: cp,
					Subject: "被告仓库中的杯子", SecurityYuan: "50000"}})
		})
		step("RecordEvidenceExchange", func() (trialResponse, error) {
			return c.RecordEvidenceExchange(ctx, &ipcasev1.RecordEvidenceExchangeRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "exchange",
				Exchange: &ipcasev1.EvidenceExchange{Sha256: []string{digest}, Notes: "原告提交购买公证书"}})
		})
		step("ScheduleHearing", func() (trialResponse, error) {
			return c.ScheduleHearing(ctx, &ipcasev1.ScheduleHearingRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "schedule",
				Date: "2026-06-10", Place: "第三法庭"})
		})
		e.setDay("2026-06-10")
		step("RecordTrialHearing", func() (trialResponse, error) {
			return c.RecordTrialHearing(ctx, &ipcasev1.RecordTrialHearingRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "heard",
				Attendees: []string{"原告代理人", "被告代理人"}, Record: "庭审笔录"})
		})
		step("EnterJudgment", func() (trialResponse, error) {
			return c.EnterJudgment(ctx, &ipcasev1.EnterJudgmentRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "judge",
				InfringementFound: true, Injunction: "被告立即停止销售侵犯第12345678号注册商标专用权的商品", Damages: punitive(),
				CostsYuan: "12000", CostsBorneBy: "被告"})
		})
		// Served Thu 06-11: 15 days to appeal, to Fri 06-26.
		e.setDay("2026-06-11")
		for i, p := range []string{cp, rp} {
			step("ServeJudgment", func() (trialResponse, error) {
				return c.ServeJudgment(ctx, &ipcasev1.ServeJudgmentRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: fmt.Sprintf("%sserve-%d", id, i),
					Party: p, ServedOn: "2026-06-11"})
			})
		}
		e.setDay("2026-06-15")
		var second *ipcasev1.Trial
		step("FileAppeal", func() (trialResponse, error) {
			resp, err := c.FileAppeal(ctx, &ipcasev1.FileAppealRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "appeal",
				Party: rp, AppellateCourt: "京", Grounds: "damages excessive"})
			second = resp.GetSecondInstance()
			return resp, err
		})

		// The second instance at 京, docketed by the appeal, to its
		// judgment, final: served on the last party, it takes effect.
		c2 := e.court("京")
		tr = second
		step("AssignPanel", func() (trialResponse, error) {
			return c2.AssignPanel(ctx, &ipcasev1.AssignPanelRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "panel-2",
				Members: []*ipcasev1.PanelMember{{Name: "赵法官", Role: "PRESIDING_JUDGE"}, {Name: "钱法官", Role: "JUDGE"}, {Name: "孙法官", Role: "JUDGE"}}})
		})
		step("ScheduleHearing", func() (trialResponse, error) {
			return c2.ScheduleHearing(ctx, &ipcasev1.ScheduleHearingRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "schedule-2",
				Date: "2026-06-24", Place: "第一法庭"})
		})
		e.setDay("2026-06-24")
		step("RecordTrialHearing", func() (trialResponse, error) {
			return c2.RecordTrialHearing(ctx, &ipcasev1.RecordTrialHearingRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "heard-2",
				Attendees: []string{"上诉人代理人", "被上诉人代理人"}, Record: "二审庭审笔录"})
		})
		step("EnterJudgment", func() (trialResponse, error) {
			return c2.EnterJudgment(ctx, &ipcasev1.EnterJudgmentRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "judge-2",
				InfringementFound: true, Injunction: "驳回上诉，维持原判", Damages: punitive(), CostsYuan: "12000", CostsBorneBy: "上诉人"})
		})
		e.setDay("2026-06-25")
		for i, p := range []string{cp, rp} {
			step("ServeJudgment", func() (trialResponse, error) {
				return c2.ServeJudgment(ctx, &ipcasev1.ServeJudgmentRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: fmt.Sprintf("%sserve-2-%d", id, i),
					Party: p, ServedOn: "2026-06-25"})
			})
		}
		if tr.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_EFFECTIVE {
			t.Fatalf("the second instance served on both parties is %v; want EFFECTIVE", tr.GetState())
		}

		// Trials that end otherwise: declined, withdrawn, settled.
		md, mw, ms := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73"),
			e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73"),
			e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
		e.pump()
		tr = e.get("京73", e.trialOf(md, "京73"))
		step("DeclineTrial", func() (trialResponse, error) {
			return c.DeclineTrial(ctx, &ipcasev1.DeclineTrialRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "decline",
				Reason: "不属于本院管辖"})
		})
		for _, end := range []struct {
			m      *ipcasev1.Matter
			method string
		}{{mw, "WithdrawTrial"}, {ms, "SettleTrial"}} {
			tr = e.get("京73", e.trialOf(end.m, "京73"))
			step("DocketTrial", func() (trialResponse, error) {
				return c.DocketTrial(ctx, &ipcasev1.DocketTrialRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "docket-" + end.method,
					Kind: ipcasev1.CaseKind_CASE_KIND_CIVIL})
			})
			step(end.method, func() (trialResponse, error) {
				if end.method == "WithdrawTrial" {
					return c.WithdrawTrial(ctx, &ipcasev1.WithdrawTrialRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "withdraw",
						Reason: "原告撤诉"})
				}
				return c.SettleTrial(ctx, &ipcasev1.SettleTrialRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "settle",
					Reason: "双方和解"})
			})
		}

		// Judicial confirmations at 浙01: one confirmed, which settles the
		// matter's docketed trial there, one refused.
		zj := e.court("浙01")
		mc := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "浙01")
		e.pump()
		tr = e.get("浙01", e.trialOf(mc, "浙01"))
		step("DocketTrial", func() (trialResponse, error) {
			return zj.DocketTrial(ctx, &ipcasev1.DocketTrialRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "docket-confirm",
				Kind: ipcasev1.CaseKind_CASE_KIND_CIVIL})
		})
		tr = confirmation(mc, "2026-06-25")
		step("ConfirmAgreement", func() (trialResponse, error) {
			return zj.ConfirmAgreement(ctx, &ipcasev1.ConfirmAgreementRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "confirm",
				Note: "协议内容不违反法律规定"})
		})
		if n := len(tr.GetClosedProceedings()); n != 1 {
			t.Fatalf("the confirmation closed %d proceedings; want the docketed trial", n)
		}
		tr = confirmation(e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, agency), "2026-06-25")
		step("RefuseConfirmation", func() (trialResponse, error) {
			return zj.RefuseConfirmation(ctx, &ipcasev1.RefuseConfirmationRequest{Name: tr.GetName(), Etag: tr.GetEtag(), RequestId: id + "refuse",
				Reason: "协议内容违反法律规定"})
		})
		if walk == len(walks)-1 {
			chaintest.CheckBounds(t, got, roundTripBounds)
		}
	}
}
