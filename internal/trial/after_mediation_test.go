package trial_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/filing"
	"github.com/ipcase/ipcase/internal/request"
	"github.com/ipcase/ipcase/internal/trial"
)

// concession is what the respondent conceded in a session, recorded in
// its notes: it must not reach the court (SPC Interpretation of the CPL
// Art. 107: facts a party accepted to reach a settlement are no evidence
// against it in the later suit).
const concession = "the respondent concedes it sold 1,600 cups and offers 50,000 yuan"

// mediate requests a mediation of m at SAMR-HZ, records both parties'
// consent, assigns a mediator and starts it on the server's day with
// termDays, and records one session whose notes hold the concession.
func (e *env) mediate(m *ipcasev1.Matter, termDays int32) (context.Context, *ipcasev1.Mediation) {
	e.t.Helper()
	mediator := authtest.WithToken(e.t.Context(), e.Auth.Mediator(e.t, agency))
	req, err := e.Mediation.RequestMediation(e.officer, &ipcasev1.RequestMediationRequest{Matter: m.GetName(), Forum: agency, Note: "damages"})
	if err != nil {
		e.t.Fatal(err)
	}
	md := req.GetMediation()
	for _, p := range md.GetParties() {
		r, err := e.Mediation.RecordConsent(mediator, &ipcasev1.RecordConsentRequest{Name: md.GetName(), Etag: md.GetEtag(), Party: p.GetParty(), Consents: true})
		if err != nil {
			e.t.Fatal(err)
		}
		md = r.GetMediation()
	}
	as, err := e.Mediation.AssignMediator(mediator, &ipcasev1.AssignMediatorRequest{Name: md.GetName(), Etag: md.GetEtag(), Mediator: "mediator@SAMR-HZ", DisplayName: "赵敏"})
	if err != nil {
		e.t.Fatal(err)
	}
	st, err := e.Mediation.StartMediation(mediator, &ipcasev1.StartMediationRequest{Name: md.GetName(), Etag: as.GetMediation().GetEtag(), TermDays: termDays})
	if err != nil {
		e.t.Fatal(err)
	}
	ses, err := e.Mediation.RecordSession(mediator, &ipcasev1.RecordSessionRequest{Name: md.GetName(), Etag: st.GetMediation().GetEtag(),
		Session: &ipcasev1.MediationSession{Date: "2026-06-01", Attendees: []string{"陈敏", "王强"}, Notes: concession}})
	if err != nil {
		e.t.Fatal(err)
	}
	return mediator, ses.GetMediation()
}

func (e *env) choose(ctx context.Context, md *ipcasev1.Mediation, route ipcasev1.MediationRoute, court string) (*ipcasev1.Mediation, error) {
	r, err := e.Mediation.ChooseRouteAfterMediation(ctx, &ipcasev1.ChooseRouteAfterMediationRequest{Name: md.GetName(), Etag: md.GetEtag(),
		Route: route, Court: court})
	return r.GetMediation(), err
}

// TestMediationTimeRunsOutAndTheHolderSues: a mediation started on Mon
// 2026-06-01 with 10 days set ends on Thu 06-11 (06-01 not counted; day
// 10 is Thu 06-11, a working day). The sweeper on Fri 06-12 finds the time
// missed and the mediation fails; the right holder sues at 浙01, which
// receives the mediation's record — parties, mediator, sessions' days, how
// it ended — but not the concession in the session's notes.
func TestMediationTimeRunsOutAndTheHolderSues(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-06-01")
	m := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_MEDIATION, agency)
	e.pump()
	mediator, md := e.mediate(m, 10)
	if md.GetTermDue() != "2026-06-11" {
		t.Fatalf("term due %s, want 2026-06-11", md.GetTermDue())
	}
	if _, err := e.choose(mediator, md, ipcasev1.MediationRoute_MEDIATION_ROUTE_SUIT, "浙01"); status.Code(err) != codes.FailedPrecondition {
		t.Fatalf("choosing a route during the mediation: %v; want FailedPrecondition", err)
	}
	e.sweep("2026-06-11") // the last day: still running
	e.pump()
	if got := e.getMediation(md.GetName()); got.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_IN_PROGRESS {
		t.Fatalf("on the last day: %v, want IN_PROGRESS", got.GetState())
	}
	e.setDay("2026-06-12")
	e.sweep("2026-06-12")
	e.pump()
	md = e.getMediation(md.GetName())
	if md.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_FAILED || !strings.Contains(md.GetEndReason(), "ran out on 2026-06-11") {
		t.Fatalf("after the time set: %v %q; want FAILED, ran out on 2026-06-11", md.GetState(), md.GetEndReason())
	}
	if _, err := e.choose(mediator, md, ipcasev1.MediationRoute_MEDIATION_ROUTE_ENFORCEMENT, ""); status.Code(err) != codes.FailedPrecondition ||
		!strings.Contains(err.Error(), "no open enforcement case") {
		t.Fatalf("enforcement without a case: %v; want FailedPrecondition naming the missing case", err)
	}
	holder := authtest.WithToken(t.Context(), e.Auth.RightsHolder(t, strings.TrimPrefix(md.GetParties()[0].GetParty(), "parties/")))
	md, err := e.choose(holder, md, ipcasev1.MediationRoute_MEDIATION_ROUTE_SUIT, "浙01")
	if err != nil {
		t.Fatal(err)
	}
	if r := md.GetRoute(); r.GetRoute() != ipcasev1.MediationRoute_MEDIATION_ROUTE_SUIT || r.GetCourt() != "浙01" || r.GetChosenOn() != "2026-06-12" {
		t.Errorf("route %v", r)
	}
	e.pump()
	name := e.trialOf(m, "浙01")
	tr := e.get("浙01", name)
	if tr.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_AWAITING_DOCKETING || tr.GetSource() != md.GetName() || len(tr.GetDossierMismatches()) != 0 {
		t.Fatalf("the suit at 浙01: %v", tr)
	}
	mid, pid, _ := request.SplitProceeding(name)
	court := auth.WithPrincipal(t.Context(), auth.Principal{Subject: "浙01", Role: auth.Court, Court: "浙01"})
	c, err := trial.NewStore(e.FilingStore).Get(court, filing.MatterID(mid), filing.ProceedingID(pid), *e.now.Load())
	if err != nil {
		t.Fatal(err)
	}
	dossier := strings.ReplaceAll(string(c.Record.Dossier), `": `, `":`) // stored as jsonb
	for _, want := range []string{`"schema":"ipcase.mediation_record.v1"`, `"mediator":"赵敏"`, `"date":"2026-06-01"`, `"ended":"FAILED"`,
		"ran out on 2026-06-11", "CPL Art. 107"} {
		if !strings.Contains(dossier, want) {
			t.Errorf("the court's record lacks %s: %s", want, dossier)
		}
	}
	if strings.Contains(dossier, "1,600") || strings.Contains(dossier, "50,000") {
		t.Errorf("the court received the concession made in mediation: %s", dossier)
	}
	if _, err := e.choose(holder, md, ipcasev1.MediationRoute_MEDIATION_ROUTE_SUIT, "浙02"); status.Code(err) != codes.FailedPrecondition {
		t.Errorf("choosing twice: %v; want FailedPrecondition", err)
	}
}

// TestWithdrawalResumesEnforcement: a party withdraws from a mediation of
// a matter whose enforcement case is open; the right holder chooses
// enforcement, and the case records that it resumed.
func TestWithdrawalResumesEnforcement(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-06-01")
	m := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, agency)
	e.pump()
	enf, err := e.Enforcement.OpenEnforcement(e.officer, &ipcasev1.OpenEnforcementRequest{Agency: agency,
		Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: m.GetName()}})
	if err != nil {
		t.Fatal(err)
	}
	mediator, md := e.mediate(m, 0)
	// No term given: 30 days from Mon 06-01, day 30 Wed 2026-07-01.
	if md.GetTermDue() != "2026-07-01" {
		t.Errorf("default term due %s, want 2026-07-01", md.GetTermDue())
	}
	e.setDay("2026-06-03")
	w, err := e.Mediation.WithdrawMediation(mediator, &ipcasev1.WithdrawMediationRequest{Name: md.GetName(), Etag: md.GetEtag(),
		Party: md.GetParties()[1].GetParty(), Reason: "no offer acceptable"})
	if err != nil {
		t.Fatal(err)
	}
	md, err = e.choose(mediator, w.GetMediation(), ipcasev1.MediationRoute_MEDIATION_ROUTE_ENFORCEMENT, "")
	if err != nil {
		t.Fatal(err)
	}
	if r := md.GetRoute(); !slices.Equal(r.GetResumed(), []string{enf.GetCase().GetName()}) {
		t.Errorf("resumed %v, want the open case %s", r.GetResumed(), enf.GetCase().GetName())
	}
	e.pump()
	e.pump() // redelivery-safe: nothing more
	types := e.matterEvents(m.GetName())
	n := 0
	for _, ty := range types {
		if ty == "enforcement.resumed_after_mediation" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the case recorded %d resumptions, want 1: %v", n, types)
	}
	// The case goes on: its officers are assigned as before.
	if _, err := e.Enforcement.AssignOfficers(e.officer, &ipcasev1.AssignOfficersRequest{Name: enf.GetCase().GetName(),
		Etag: e.getCase(enf.GetCase().GetName()).GetEtag(), Officers: []*ipcasev1.Officer{
			{Subject: "officer@SAMR-HZ", DisplayName: "王伟"}, {Subject: "li.na@SAMR-HZ", DisplayName: "李娜"}}}); err != nil {
		t.Errorf("the resumed case: %v", err)
	}
}

func (e *env) getMediation(name string) *ipcasev1.Mediation {
	e.t.Helper()
	r, err := e.Mediation.GetMediation(e.officer, &ipcasev1.GetMediationRequest{Name: name})
	if err != nil {
		e.t.Fatal(err)
	}
	return r.GetMediation()
}

func (e *env) getCase(name string) *ipcasev1.EnforcementCase {
	e.t.Helper()
	r, err := e.Enforcement.GetEnforcement(e.officer, &ipcasev1.GetEnforcementRequest{Name: name})
	if err != nil {
		e.t.Fatal(err)
	}
	return r.GetCase()
}
