package main

import (
	"strings"
	"testing"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
)

// TestAppraisalVerbs drives an appraisal and an identification through
// the built binary. Opened Mon 2026-03-02, the decision is due Mon 06-01
// (day 90 Sun 05-31); samples sent 03-16 and the report received 03-25
// are 10 days not counted (SAMR Administrative Penalty Procedure Rules
// Art. 64 ¶2): 05-31 + 10 = Wed 2026-06-10. The identification sent and
// received on 03-26: 1 more day, Thu 2026-06-11.
func TestAppraisalVerbs(t *testing.T) {
	t.Parallel()
	e := newStepEnv(t, "2026-03-02")
	m := e.matter(t, ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT)
	var k ipcasev1.EnforcementCase
	step := func(args ...string) *ipcasev1.EnforcementCase {
		t.Helper()
		e.step(t, &k, append([]string{"enforcement"}, args...)...)
		return &k
	}
	name := step("open", m, "--agency", "SAMR-HZ").GetName()
	step("assign", name, "--officer", "officer@SAMR-HZ:王伟", "--officer", "li.na@SAMR-HZ:李娜")
	ctx := authtest.WithToken(t.Context(), e.officer)
	ins, err := e.Enforcement.RecordInspection(ctx, &ipcasev1.RecordInspectionRequest{Name: name, Etag: k.GetEtag(),
		Inspection: &ipcasev1.Inspection{Date: "2026-03-02", Place: "文三路 88 号", Officers: []string{"officer@SAMR-HZ", "li.na@SAMR-HZ"},
			Findings: "cups", SeizedGoods: []*ipcasev1.SeizedGoods{{Description: "cups", Quantity: 10, Unit: "pieces", Location: "store room 3"}}}})
	if err != nil {
		t.Fatal(err)
	}
	goods := ins.GetCase().GetSeizedGoods()[0].GetId()
	e.setDay(t, "2026-03-16")
	a := step("appraise", name, "--kind", "testing", "--to", "浙江省产品质量检验研究院", "--question", "counterfeit?", "--sample", goods).GetAppraisals()[0]
	e.setDay(t, "2026-03-26")
	got := step("report", name, "--appraisal", a.GetId(), "--number", "浙质检〔2026〕0316", "--qualification", "CMA 161100000001",
		"--conclusion", "counterfeit", "--reported-on", "2026-03-24", "--received-on", "2026-03-25",
		"--document", strings.Repeat("ab", 32), "--size", "81234")
	if got.GetDecisionDue() != "2026-06-10" || got.GetAppraisals()[0].GetReport().GetNumber() != "浙质检〔2026〕0316" {
		t.Fatalf("after the report: due %s, %v; want 2026-06-10", got.GetDecisionDue(), got.GetAppraisals()[0])
	}
	id := step("appraise", name, "--kind", "identification", "--to", "福州星河茶饮有限公司", "--question", "yours?", "--sample", goods).GetAppraisals()[1]
	got = step("identified", name, "--appraisal", id.GetId(), "--signed-by", "陈敏", "--signed-on", "2026-03-26", "--counterfeit", goods,
		"--basis", "no anti-counterfeit label", "--document", strings.Repeat("cd", 32), "--size", "2048")
	if it := got.GetAppraisals()[1].GetIdentification().GetItems(); got.GetDecisionDue() != "2026-06-11" || len(it) != 1 || !it[0].GetCounterfeit() {
		t.Fatalf("after the identification: due %s, items %v; want 2026-06-11, the cups counterfeit", got.GetDecisionDue(), it)
	}
	r := ipcase(t, append([]string{"enforcement", "appraise", name, "--kind", "x-ray", "--to", "x", "--question", "q", "--sample", goods}, e.conn...)...)
	if r.code == 0 || !strings.Contains(r.stderr, "--kind") {
		t.Errorf("a kind of its own: exit %d, %q; want a usage error naming --kind", r.code, r.stderr)
	}
}

// TestMediationRouteVerb: after a party withdrew, `mediation route
// --enforcement` resumes the matter's open case; giving both routes or
// neither is a usage error.
func TestMediationRouteVerb(t *testing.T) {
	t.Parallel()
	e := newStepEnv(t, "2026-06-01")
	m := e.matter(t, ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT)
	var k ipcasev1.EnforcementCase
	e.step(t, &k, "enforcement", "open", m, "--agency", "SAMR-HZ")
	var md ipcasev1.Mediation
	e.step(t, &md, "mediation", "request", m, "--forum", "SAMR-HZ")
	respondent := md.GetParties()[1].GetParty()
	// The CLI has no withdrawal verb: a party withdraws through its own client.
	mediator := authtest.WithToken(t.Context(), e.Auth.Mediator(t, "SAMR-HZ"))
	if _, err := e.Mediation.WithdrawMediation(mediator, &ipcasev1.WithdrawMediationRequest{Name: md.GetName(), Etag: md.GetEtag(),
		Party: respondent, Reason: "no offer acceptable"}); err != nil {
		t.Fatal(err)
	}
	// The mediator records the right holder's choice with the CLI.
	e.conn = []string{"--server", e.Conn.Target(), "--token", e.Auth.Mediator(t, "SAMR-HZ")}
	for _, bad := range [][]string{{}, {"--enforcement", "--sue-at", "浙01"}} {
		r := ipcase(t, append(append([]string{"mediation", "route", md.GetName()}, bad...), e.conn...)...)
		if r.code == 0 || !strings.Contains(r.stderr, "--enforcement or --sue-at") {
			t.Errorf("route %v: exit %d, %q; want a usage error", bad, r.code, r.stderr)
		}
	}
	e.step(t, &md, "mediation", "route", md.GetName(), "--enforcement")
	if r := md.GetRoute(); r.GetRoute() != ipcasev1.MediationRoute_MEDIATION_ROUTE_ENFORCEMENT || len(r.GetResumed()) != 1 || r.GetResumed()[0] != k.GetName() {
		t.Errorf("route %v; want enforcement resuming %s", r, k.GetName())
	}
}
