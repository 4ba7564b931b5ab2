package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/chaintest"
)

// TestEnforcementVerbs drives an enforcement case with the built binary
// against a real ipcased: open, officers, findings, notice; a refused
// inspection and a decision inside the party's window exit 3 naming the
// flag or the rule; -o json parses back.
func TestEnforcementVerbs(t *testing.T) {
	t.Parallel()
	// Monday 2026-09-28, 10:00 CST.
	env := chaintest.Start(t, chaintest.Fixed(time.Date(2026, 9, 28, 2, 0, 0, 0, time.UTC)))
	tok := env.Auth.Officer(t, "SAMR-HZ")
	ctx := authtest.WithToken(t.Context(), tok)
	sub, err := env.Filing.SubmitComplaint(ctx, &ipcasev1.SubmitComplaintRequest{
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "福州星河茶饮有限公司", CreditCode: "91350100M000100Y43"},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "杭州仿品贸易有限公司", CreditCode: "91330100MA2AXQ9B12"}},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_TRADEMARK, RegistrationNumber: "12345678", Title: "星河"}},
		Facts:       "Counterfeit cups.", Agency: "SAMR-HZ",
	})
	if err != nil {
		t.Fatal(err)
	}
	m := sub.GetMatter()
	if _, err := env.Filing.AcceptComplaint(ctx, &ipcasev1.AcceptComplaintRequest{Name: m.GetName(), Etag: m.GetEtag(),
		Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT, Forum: "SAMR-HZ"}); err != nil {
		t.Fatal(err)
	}
	conn := []string{"--server", env.Conn.Target(), "--token", tok}
	run := func(args ...string) result { return ipcase(t, append(args, conn...)...) }

	opened := run("enforcement", "open", m.GetName(), "--agency", "SAMR-HZ", "-o", "json")
	var c struct{ Name, State, DecisionDue string }
	if err := json.Unmarshal([]byte(opened.stdout), &c); err != nil || opened.code != 0 {
		t.Fatalf("open: exit %d, %q, %q (%v)", opened.code, opened.stdout, opened.stderr, err)
	}
	// 2026-09-28 + 90 days = Sunday 12-27 → Monday 2026-12-28.
	if c.State != "PROCEEDING_STATE_OPENED" || c.DecisionDue != "2026-12-28" {
		t.Errorf("opened case: %+v", c)
	}
	if r := run("enforcement", "assign", c.Name, "--officer", "officer@SAMR-HZ:王伟:33010001", "--officer", "li.na:李娜"); r.code != 0 ||
		!strings.Contains(r.stdout, "enforcement investigating before SAMR-HZ") {
		t.Errorf("assign: exit %d, %q, %q", r.code, r.stdout, r.stderr)
	}
	r := run("enforcement", "inspect", c.Name, "--date", "2026-09-28", "--place", "shop", "--officer", "li.na", "--findings", "cups")
	if r.code != exitRefused || !strings.Contains(r.stderr, "--officer (inspection.officers): an inspection record needs at least 2 officers") {
		t.Errorf("inspection by one officer: exit %d, %q", r.code, r.stderr)
	}
	if r := run("enforcement", "findings", c.Name, "--text", "1,600 cups at 25 yuan", "--volume", "40000", "--computation", "Art. 78"); r.code != 0 {
		t.Errorf("findings: exit %d, %q", r.code, r.stderr)
	}
	// Served Wed 2026-09-30: 5 working days across National Day end Tue 10-13.
	n := run("enforcement", "notify", c.Name, "--offence", "trademark", "--conduct-date", "2026-06-01", "--party", "organization", "--served-on", "2026-09-30")
	if n.code != 0 || !strings.Contains(n.stdout, "0.00–250000.00 yuan under Trademark Law 2019, Art. 60 ¶2; defence/hearing until 2026-10-13") {
		t.Errorf("notify: exit %d, %q, %q", n.code, n.stdout, n.stderr)
	}
	d := run("enforcement", "decide", c.Name, "--fine", "120000")
	if d.code != exitRefused || !strings.Contains(d.stderr, "may state a defence or ask for a hearing until 2026-10-13") {
		t.Errorf("decision inside the window: exit %d, %q", d.code, d.stderr)
	}
	if u := run("enforcement", "notify", c.Name, "--offence", "murder", "--conduct-date", "2026-06-01", "--party", "organization"); u.code != exitUsage {
		t.Errorf("unknown offence: exit %d, %q", u.code, u.stderr)
	}
	shown := run("enforcement", "show", c.Name, "-o", "json")
	var s struct {
		State  string
		Notice struct{ HearingRequestDue string }
	}
	if err := json.Unmarshal([]byte(shown.stdout), &s); err != nil || s.State != "PROCEEDING_STATE_PENALTY_NOTIFIED" || s.Notice.HearingRequestDue != "2026-10-13" {
		t.Errorf("show: %+v, %v, %q", s, err, shown.stderr)
	}
}

// TestMediationVerbs runs a mediation with the built binary: request,
// consents, mediator, start, agreement and the joint confirmation request;
// starting before every party consented exits 3 naming who has not.
func TestMediationVerbs(t *testing.T) {
	t.Parallel()
	env := chaintest.Start(t, chaintest.Fixed(time.Date(2026, 9, 28, 2, 0, 0, 0, time.UTC)))
	officer := env.Auth.Officer(t, "SAMR-HZ")
	sub, err := env.Filing.SubmitComplaint(authtest.WithToken(t.Context(), officer), &ipcasev1.SubmitComplaintRequest{
		Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "福州星河茶饮有限公司", CreditCode: "91350100M000100Y43"},
		Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "张三"}},
		Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_COPYRIGHT, Title: "《山海行记》"}},
		Facts:       "Photographs copied.", Agency: "SAMR-HZ",
	})
	if err != nil {
		t.Fatal(err)
	}
	m := sub.GetMatter()
	if _, err := env.Filing.AcceptComplaint(authtest.WithToken(t.Context(), officer), &ipcasev1.AcceptComplaintRequest{Name: m.GetName(),
		Etag: m.GetEtag(), Route: ipcasev1.ProceedingKind_PROCEEDING_KIND_MEDIATION, Forum: "SAMR-HZ"}); err != nil {
		t.Fatal(err)
	}
	conn := []string{"--server", env.Conn.Target(), "--token", env.Auth.Mediator(t, "SAMR-HZ")}
	run := func(args ...string) result { return ipcase(t, append(args, conn...)...) }
	req := run("mediation", "request", m.GetName(), "--forum", "SAMR-HZ", "-o", "json")
	var md struct {
		Name    string
		Parties []struct{ Party string }
	}
	if err := json.Unmarshal([]byte(req.stdout), &md); err != nil || len(md.Parties) != 2 {
		t.Fatalf("request: exit %d, %q, %q (%v)", req.code, req.stdout, req.stderr, err)
	}
	if r := run("mediation", "consent", md.Name, "--party", md.Parties[0].Party); r.code != 0 {
		t.Fatalf("consent: %q", r.stderr)
	}
	if r := run("mediation", "mediator", md.Name, "--subject", "mediator@SAMR-HZ", "--name", "赵敏"); r.code != 0 {
		t.Fatalf("mediator: %q", r.stderr)
	}
	if r := run("mediation", "start", md.Name); r.code != exitRefused || !strings.Contains(r.stderr, "张三") {
		t.Errorf("start without the respondent's consent: exit %d, %q", r.code, r.stderr)
	}
	if r := run("mediation", "consent", md.Name, "--party", md.Parties[1].Party); r.code != 0 {
		t.Fatalf("consent: %q", r.stderr)
	}
	if r := run("mediation", "start", md.Name); r.code != 0 || !strings.Contains(r.stdout, "mediation in progress") {
		t.Errorf("start: exit %d, %q, %q", r.code, r.stdout, r.stderr)
	}
	// Effective Tue 2026-09-29: day 30 is Thu 10-29, a working day.
	if r := run("mediation", "agree", md.Name, "--effective-on", "2026-09-29", "--payment", "30000", "--cessation", "take the photographs down"); r.code != 0 ||
		!strings.Contains(r.stdout, "apply for confirmation by 2026-10-29") {
		t.Errorf("agree: exit %d, %q, %q", r.code, r.stdout, r.stderr)
	}
	cf := run("mediation", "confirm", md.Name, "--court", "浙01", "--applicant", md.Parties[0].Party, "--applicant", md.Parties[1].Party, "--on", "2026-10-29")
	if cf.code != 0 || !strings.Contains(cf.stdout, "mediation confirmation requested before SAMR-HZ") {
		t.Errorf("confirm: exit %d, %q, %q", cf.code, cf.stdout, cf.stderr)
	}
}
