package filing_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
)

// chainAt is the clock of the matter-state tests: Monday 2026-09-28, 10:00
// China Standard Time, so that an enforcement case's 90-day decision
// period stays inside the embedded calendar.
var chainAt = time.Date(2026, 9, 28, 2, 0, 0, 0, time.UTC)

// chain is the administrative side with an officer of SAMR-HZ, the agency
// complaint() files with.
type chain struct {
	*chaintest.Env
	t       *testing.T
	officer context.Context
}

func newChain(t *testing.T) *chain {
	env := chaintest.Start(t, chaintest.Fixed(chainAt))
	return &chain{Env: env, t: t, officer: authtest.WithToken(t.Context(), env.Auth.Officer(t, "SAMR-HZ"))}
}

// acceptIntoEnforcement files complaint() and accepts it into enforcement
// at SAMR-HZ.
func (c *chain) acceptIntoEnforcement() *ipcasev1.Matter {
	c.t.Helper()
	sub, err := c.Filing.SubmitComplaint(c.officer, complaint(""))
	if err != nil {
		c.t.Fatalf("SubmitComplaint: %v", err)
	}
	acc, err := c.Filing.AcceptComplaint(c.officer, &ipcasev1.AcceptComplaintRequest{Name: sub.GetMatter().GetName(), Etag: sub.GetMatter().GetEtag(),
		Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: "SAMR-HZ"})
	if err != nil {
		c.t.Fatalf("AcceptComplaint: %v", err)
	}
	return acc.GetMatter()
}

// openCase opens the enforcement case of matter m, on the proceeding its
// acceptance opened.
func (c *chain) openCase(m *ipcasev1.Matter) *ipcasev1.EnforcementCase {
	c.t.Helper()
	open, err := c.Enforcement.OpenEnforcement(c.officer, &ipcasev1.OpenEnforcementRequest{Agency: "SAMR-HZ",
		Source: &ipcasev1.OpenEnforcementRequest_Matter{Matter: m.GetName()}})
	if err != nil {
		c.t.Fatalf("OpenEnforcement: %v", err)
	}
	return open.GetCase()
}

// closeCase dismisses the case and closes it: DISMISSED still waits for
// the officer's close, CLOSED is final.
func (c *chain) closeCase(ec *ipcasev1.EnforcementCase) {
	c.t.Helper()
	dis, err := c.Enforcement.DismissEnforcement(c.officer, &ipcasev1.DismissEnforcementRequest{Name: ec.GetName(), Etag: ec.GetEtag(),
		Reason: "the goods were genuine, bought from the holder's distributor"})
	if err != nil {
		c.t.Fatalf("DismissEnforcement: %v", err)
	}
	if got := c.matter(ec.GetMatter()); got.GetState() != ipcasev1.MatterState_MATTER_STATE_ACCEPTED {
		c.t.Errorf("matter with a dismissed case not yet closed: %v, want ACCEPTED", got.GetState())
	}
	cl, err := c.Enforcement.CloseEnforcement(c.officer, &ipcasev1.CloseEnforcementRequest{Name: ec.GetName(), Etag: dis.GetCase().GetEtag()})
	if err != nil || cl.GetCase().GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_CLOSED {
		c.t.Fatalf("CloseEnforcement: %v, %v", cl.GetCase().GetState(), err)
	}
}

// matter reads matter name through GetMatter.
func (c *chain) matter(name string) *ipcasev1.Matter {
	c.t.Helper()
	resp, err := c.Filing.GetMatter(c.officer, &ipcasev1.GetMatterRequest{Name: name})
	if err != nil {
		c.t.Fatalf("GetMatter: %v", err)
	}
	return resp.GetMatter()
}

// proceedings lists kind/state of m's proceedings, sorted: proceedings
// opened at one instant of the fixed clock have no order of their own.
func proceedings(m *ipcasev1.Matter) []string {
	var out []string
	for _, p := range m.GetProceedings() {
		out = append(out, p.GetKind().String()+"/"+p.GetState().String())
	}
	slices.Sort(out)
	return out
}

// TestMatterClosesWhenItsProceedingsEnd: a matter accepted into
// enforcement whose only case is closed is CLOSED; opening a mediation on
// it makes it ACCEPTED again, and the mediation's end closes it again.
func TestMatterClosesWhenItsProceedingsEnd(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	m := c.acceptIntoEnforcement()
	if m.GetState() != ipcasev1.MatterState_MATTER_STATE_ACCEPTED {
		t.Fatalf("accepted matter: %v, want ACCEPTED", m.GetState())
	}
	c.closeCase(c.openCase(m))

	closed := c.matter(m.GetName())
	if closed.GetState() != ipcasev1.MatterState_MATTER_STATE_CLOSED {
		t.Errorf("matter whose only case is closed: %v, want CLOSED", closed.GetState())
	}
	want := []string{"PROCEEDING_KIND_ENFORCEMENT/PROCEEDING_STATE_CLOSED", "PROCEEDING_KIND_FILING_REVIEW/PROCEEDING_STATE_ACCEPTED"}
	if diff := cmp.Diff(want, proceedings(closed)); diff != "" {
		t.Errorf("proceedings mismatch (-want +got):\n%s", diff)
	}
	list, err := c.Filing.ListMatters(c.officer, &ipcasev1.ListMattersRequest{State: ipcasev1.MatterState_MATTER_STATE_CLOSED})
	if err != nil || len(list.GetMatters()) != 1 || list.GetMatters()[0].GetName() != m.GetName() {
		t.Errorf("ListMatters(CLOSED) = %v, %v; want [%s]", list.GetMatters(), err, m.GetName())
	}

	// A closed matter still takes a new proceeding, which reopens it.
	req, err := c.Mediation.RequestMediation(c.officer, &ipcasev1.RequestMediationRequest{Matter: m.GetName(), Forum: "SAMR-HZ",
		Note: "the parties ask the agency to mediate the damages (Trademark Law Art. 60 ¶3)"})
	if err != nil {
		t.Fatalf("RequestMediation on a closed matter: %v", err)
	}
	reopened := c.matter(m.GetName())
	if reopened.GetState() != ipcasev1.MatterState_MATTER_STATE_ACCEPTED {
		t.Errorf("closed matter with a new mediation: %v, want ACCEPTED", reopened.GetState())
	}
	want = append(want, "PROCEEDING_KIND_MEDIATION/PROCEEDING_STATE_REQUESTED")
	if diff := cmp.Diff(want, proceedings(reopened)); diff != "" {
		t.Errorf("proceedings mismatch (-want +got):\n%s", diff)
	}

	// The complainant withdraws; WITHDRAWN ends a mediation, so nothing is
	// open any more.
	md := req.GetMediation()
	complainant := md.GetParties()[0].GetParty()
	holder := authtest.WithToken(t.Context(), c.Auth.RightsHolder(t, strings.TrimPrefix(complainant, "parties/")))
	if _, err := c.Mediation.WithdrawMediation(holder, &ipcasev1.WithdrawMediationRequest{Name: md.GetName(), Etag: md.GetEtag(),
		Party: complainant, Reason: "the complainant prefers to sue"}); err != nil {
		t.Fatalf("WithdrawMediation: %v", err)
	}
	if got := c.matter(m.GetName()); got.GetState() != ipcasev1.MatterState_MATTER_STATE_CLOSED {
		t.Errorf("matter whose mediation was withdrawn and case closed: %v, want CLOSED", got.GetState())
	}
}

// TestMatterWithAnOpenProceedingStaysAccepted: a matter accepted into
// enforcement that also went to mediation stays ACCEPTED when its case is
// closed, while the mediation is open.
func TestMatterWithAnOpenProceedingStaysAccepted(t *testing.T) {
	t.Parallel()
	c := newChain(t)
	m := c.acceptIntoEnforcement()
	ec := c.openCase(m)
	if _, err := c.Mediation.RequestMediation(c.officer, &ipcasev1.RequestMediationRequest{Matter: m.GetName(), Forum: "SAMR-HZ"}); err != nil {
		t.Fatalf("RequestMediation: %v", err)
	}
	c.closeCase(ec)

	got := c.matter(m.GetName())
	if got.GetState() != ipcasev1.MatterState_MATTER_STATE_ACCEPTED {
		t.Errorf("matter with its case closed and a mediation open: %v, want ACCEPTED", got.GetState())
	}
	want := []string{"PROCEEDING_KIND_ENFORCEMENT/PROCEEDING_STATE_CLOSED", "PROCEEDING_KIND_FILING_REVIEW/PROCEEDING_STATE_ACCEPTED",
		"PROCEEDING_KIND_MEDIATION/PROCEEDING_STATE_REQUESTED"}
	if diff := cmp.Diff(want, proceedings(got)); diff != "" {
		t.Errorf("proceedings mismatch (-want +got):\n%s", diff)
	}
}
