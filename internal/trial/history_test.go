package trial_test

import (
	"strings"
	"testing"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// verify asks the filing service, as an administrator, to verify the
// history of matter m.
func (e *env) verify(m *ipcasev1.Matter) *ipcasev1.VerifyMatterHistoryResponse {
	e.t.Helper()
	v, err := e.Filing.VerifyMatterHistory(authtest.WithToken(e.t.Context(), e.Auth.Admin(e.t)), &ipcasev1.VerifyMatterHistoryRequest{Name: m.GetName()})
	if err != nil {
		e.t.Fatalf("VerifyMatterHistory: %v", err)
	}
	return v
}

// intact fails the test unless the history of m, its proceedings and their
// records included, verifies intact.
func (e *env) intact(m *ipcasev1.Matter) {
	e.t.Helper()
	if v := e.verify(m); !v.GetIntact() || v.GetEventsChecked() == 0 {
		e.t.Errorf("history of %s: intact=%v after %d events: %s; want intact", m.GetName(), v.GetIntact(), v.GetEventsChecked(), v.GetProblem())
	}
}

// broken fails the test unless the history of m is broken with no event
// at fault and a problem saying each of want.
func (e *env) broken(m *ipcasev1.Matter, want ...string) {
	e.t.Helper()
	v := e.verify(m)
	if v.GetIntact() || v.GetFirstBrokenSequence() != 0 {
		e.t.Errorf("intact=%v first broken %d problem %q; want broken with no event at fault", v.GetIntact(), v.GetFirstBrokenSequence(), v.GetProblem())
	}
	for _, w := range want {
		if !strings.Contains(v.GetProblem(), w) {
			e.t.Errorf("problem %q does not say %q", v.GetProblem(), w)
		}
	}
}

func idOf(name string) string { return name[strings.LastIndex(name, "/")+1:] }

// TestRecordStateTamperingIsDetected changes with SQL the state inside the
// record of an enforcement case, a mediation and a trial, which the
// proceedings' rows do not show: verification names the record whose state
// is not its proceeding's history. A change ipcased then makes from the
// tampered state (closing a case "decided" only in its record) does not
// make it history.
func TestRecordStateTamperingIsDetected(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "2026-03-02")
	ctx := e.officer

	m := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, agency)
	open, err := e.Enforcement.OpenEnforcement(ctx, &ipcasev1.OpenEnforcementRequest{
		Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: m.GetName()}, Agency: agency})
	if err != nil {
		t.Fatal(err)
	}
	c := open.GetCase()
	as, err := e.Enforcement.AssignOfficers(ctx, &ipcasev1.AssignOfficersRequest{Name: c.GetName(), Etag: c.GetEtag(),
		Officers: []*ipcasev1.Officer{{Subject: "officer@SAMR-HZ", DisplayName: "王伟", BadgeNumber: "33010001"},
			{Subject: "li.na@SAMR-HZ", DisplayName: "李娜", BadgeNumber: "33010002"}}})
	if err != nil {
		t.Fatal(err)
	}
	md, err := e.Mediation.RequestMediation(ctx, &ipcasev1.RequestMediationRequest{Matter: m.GetName(), Forum: agency, Note: "damages"})
	if err != nil {
		t.Fatal(err)
	}
	tm := e.file(respondent, ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL, "京73")
	e.pump() // the routed trial gets its record
	tr := e.trialOf(tm, "京73")
	e.intact(m)
	e.intact(tm)

	caseID, medID, trialID := idOf(c.GetName()), idOf(md.GetMediation().GetName()), idOf(tr)
	storetest.Exec(t, e.DB, `UPDATE mediation_cases SET doc = jsonb_set(doc, '{state}', '"CLOSED"') WHERE proceeding_id = ?`, medID)
	e.broken(m, "proceeding "+medID+" record state CLOSED does not match its history: REQUESTED")
	storetest.Exec(t, e.DB, `UPDATE mediation_cases SET doc = jsonb_set(doc, '{state}', '"REQUESTED"') WHERE proceeding_id = ?`, medID)
	e.intact(m)

	storetest.Exec(t, e.DB, `UPDATE trial_cases SET doc = jsonb_set(doc, '{state}', '"EFFECTIVE"') WHERE proceeding_id = ?`, trialID)
	e.broken(tm, "proceeding "+trialID+" record state EFFECTIVE does not match its history: AWAITING_DOCKETING")

	// The case under investigation, "decided" in its record: the officer
	// may now close it, and the closing is refused a place in history.
	storetest.Exec(t, e.DB, `UPDATE enforcement_cases SET doc = jsonb_set(doc, '{state}', '"DECIDED"') WHERE proceeding_id = ?`, caseID)
	e.broken(m, "proceeding "+caseID+" record state DECIDED does not match its history: INVESTIGATING")
	if _, err := e.Enforcement.CloseEnforcement(ctx, &ipcasev1.CloseEnforcementRequest{Name: c.GetName(), Etag: as.GetCase().GetEtag(),
		Reason: "decided"}); err != nil {
		t.Fatalf("CloseEnforcement: %v", err)
	}
	e.broken(m, "proceeding "+caseID+" state CLOSED does not match its history: INVESTIGATING",
		"proceeding "+caseID+" record state CLOSED does not match its history: INVESTIGATING")
}
