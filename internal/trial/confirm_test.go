package trial_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/clock"
	"github.com/ipcase/ipcase/internal/trial"
)

// TestJudicialConfirmation: a mediation agreement the parties ask 浙01 to
// confirm becomes a CONFIRMATION proceeding there (once, however often the
// request is delivered); confirming it numbers it 民特 and ends the
// matter's open trial as settled, with the confirmation as the reason.
func TestJudicialConfirmation(t *testing.T) {
	t.Parallel()
	// Mon 2026-06-01: the trial's 6-month time limit (CPL Art. 152) ends
	// within the loaded 2026 calendar, so it runs on a clock.
	e := newEnv(t, "2026-06-01")
	m := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "浙01")
	e.pump()
	trialName := e.trialOf(m, "浙01")
	c := e.court("浙01")
	if _, err := c.DocketTrial(t.Context(), &ipcasev1.DocketTrialRequest{Name: trialName, Etag: e.get("浙01", trialName).GetEtag(),
		Kind: ipcasev1.CaseKind_CASE_KIND_CIVIL}); err != nil {
		t.Fatal(err)
	}

	// An enforcement case runs on the same matter, to be settled by the
	// confirmation.
	enf, err := e.Enforcement.OpenEnforcement(e.officer, &ipcasev1.OpenEnforcementRequest{Agency: agency,
		Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: m.GetName()}})
	if err != nil {
		t.Fatal(err)
	}

	mediator := authtest.WithToken(t.Context(), e.Auth.Mediator(t, agency))
	md := e.askConfirmation(mediator, m, "2026-06-01")
	// Redelivered, the request changes nothing.
	before := e.Counts(t)
	e.rewind(e.consumers.Confirmations)
	e.pump()
	if diff := cmp.Diff(before, e.Counts(t)); diff != "" {
		t.Fatalf("a redelivered confirmation request wrote (-before +after):\n%s", diff)
	}

	got, err := e.Filing.GetMatter(e.officer, &ipcasev1.GetMatterRequest{Name: m.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	var name string
	for _, p := range got.GetMatter().GetProceedings() {
		if p.GetKind() == ipcasev1.ProceedingKind_PROCEEDING_KIND_CONFIRMATION {
			name = p.GetName()
		}
	}
	cf := e.get("浙01", name)
	if cf.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_REQUESTED || cf.GetSource() != md.GetName() ||
		cf.GetAgreementPaymentYuan() != "80000.00" || len(cf.GetApplicants()) != 2 {
		t.Fatalf("confirmation received: %v", cf)
	}
	if _, err := e.court("京73").ConfirmAgreement(t.Context(), &ipcasev1.ConfirmAgreementRequest{Name: name, Etag: cf.GetEtag()}); err == nil {
		t.Fatal("京73 confirmed an application to 浙01")
	}
	done, err := c.ConfirmAgreement(t.Context(), &ipcasev1.ConfirmAgreementRequest{Name: name, Etag: cf.GetEtag()})
	if err != nil {
		t.Fatal(err)
	}
	if d := done.GetTrial(); d.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_CONFIRMED || d.GetCourtNumber() != "(2026)浙01民特1号" ||
		len(d.GetClosedProceedings()) != 1 || d.GetClosedProceedings()[0] != trialName {
		t.Fatalf("confirmed: %v", d)
	}
	tr := e.get("浙01", trialName)
	if tr.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_SETTLED || !strings.Contains(tr.GetEndReason(), "(2026)浙01民特1号") {
		t.Fatalf("the open trial after confirmation: %v %q", tr.GetState(), tr.GetEndReason())
	}
	// The enforcement case and the mediation are still open until the
	// administrative side hears the answer.
	if st := e.matterState(m); st != ipcasev1.MatterState_MATTER_STATE_ACCEPTED {
		t.Errorf("before the administrative side answered, the matter is %v; want ACCEPTED", st)
	}
	// The administrative side shows the answer: the mediation is closed with
	// the court's number, and the enforcement case is closed as settled.
	e.pump()
	gm, err := e.Mediation.GetMediation(mediator, &ipcasev1.GetMediationRequest{Name: md.GetName()})
	if err != nil {
		t.Fatal(err)
	}
	if o := gm.GetMediation().GetOutcome(); gm.GetMediation().GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_CLOSED ||
		!o.GetConfirmed() || o.GetCourtNumber() != "(2026)浙01民特1号" {
		t.Errorf("mediation after confirmation: %v, outcome %v", gm.GetMediation().GetState(), o)
	}
	ge, err := e.Enforcement.GetEnforcement(e.officer, &ipcasev1.GetEnforcementRequest{Name: enf.GetCase().GetName()})
	if err != nil {
		t.Fatal(err)
	}
	if ge.GetCase().GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_CLOSED || !strings.Contains(ge.GetCase().GetCloseReason(), "(2026)浙01民特1号") {
		t.Errorf("enforcement after confirmation: %v %q", ge.GetCase().GetState(), ge.GetCase().GetCloseReason())
	}
	// Every proceeding of the matter has ended: the trial SETTLED, the
	// confirmation CONFIRMED, the mediation and the enforcement case CLOSED.
	if st := e.matterState(m); st != ipcasev1.MatterState_MATTER_STATE_CLOSED {
		t.Errorf("after the confirmation ended every proceeding, the matter is %v; want CLOSED", st)
	}
	// Redelivered, the answer changes nothing.
	before = e.Counts(t)
	e.rewind(e.outcomes)
	e.pump()
	if diff := cmp.Diff(before, e.Counts(t)); diff != "" {
		t.Errorf("a redelivered confirmation wrote (-before +after):\n%s", diff)
	}
	// Its time limit stopped.
	ds, err := e.Clocks.ForMatter(t.Context(), strings.TrimPrefix(m.GetName(), "matters/"))
	if err != nil {
		t.Fatal(err)
	}
	limits := 0
	for _, d := range ds {
		if d.Kind != trial.KindTimeLimit {
			continue
		}
		limits++
		if d.Status == clock.StatusOpen {
			t.Errorf("the trial time limit %s (due %s) is still open", d.ID, d.Due)
		}
	}
	if limits == 0 {
		t.Errorf("the docketed trial has no time limit among the matter's deadlines %v", ds)
	}
	e.intact(m) // trial, enforcement, mediation and confirmation, settled across both sides
}

// askConfirmation takes a mediation of matter m at SAMR-HZ by mediator
// through both parties' consent to an agreement effective on day, which
// both ask 浙01 on day to confirm; the consumers run, and the mediation is
// returned as it was when the confirmation was asked for.
func (e *env) askConfirmation(mediator context.Context, m *ipcasev1.Matter, day string) *ipcasev1.Mediation {
	e.t.Helper()
	t := e.t
	req, err := e.Mediation.RequestMediation(e.officer, &ipcasev1.RequestMediationRequest{Matter: m.GetName(), Forum: agency, Note: "damages"})
	if err != nil {
		t.Fatal(err)
	}
	md := req.GetMediation()
	cp, rp := md.GetParties()[0].GetParty(), md.GetParties()[1].GetParty()
	for _, p := range []string{cp, rp} {
		r, err := e.Mediation.RecordConsent(mediator, &ipcasev1.RecordConsentRequest{Name: md.GetName(), Etag: md.GetEtag(), Party: p, Consents: true})
		if err != nil {
			t.Fatal(err)
		}
		md = r.GetMediation()
	}
	as, err := e.Mediation.AssignMediator(mediator, &ipcasev1.AssignMediatorRequest{Name: md.GetName(), Etag: md.GetEtag(), Mediator: "mediator@SAMR-HZ", DisplayName: "赵敏"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.Mediation.StartMediation(mediator, &ipcasev1.StartMediationRequest{Name: md.GetName(), Etag: as.GetMediation().GetEtag()})
	if err != nil {
		t.Fatal(err)
	}
	ag, err := e.Mediation.RecordAgreement(mediator, &ipcasev1.RecordAgreementRequest{Name: md.GetName(), Etag: st.GetMediation().GetEtag(),
		Agreement: &ipcasev1.MediationAgreement{PaymentYuan: "80000", CessationUndertakings: []string{"stop selling cups bearing 星河"},
			WithdrawComplaints: true, EffectiveOn: day}})
	if err != nil {
		t.Fatal(err)
	}
	rc, err := e.Mediation.RequestConfirmation(mediator, &ipcasev1.RequestConfirmationRequest{Name: md.GetName(), Etag: ag.GetMediation().GetEtag(),
		Court: "浙01", Applicants: []string{cp, rp}, AppliedOn: day})
	if err != nil {
		t.Fatal(err)
	}
	e.pump()
	return rc.GetMediation()
}
