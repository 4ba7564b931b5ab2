package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/proceeding/proceedingtest"
)

// TestEnforcementVerbs drives an enforcement case with the built binary
// against a real ipcased: open, officers, findings, notice; a refused
// inspection and a decision inside the party's window exit 3 naming the
// flag or the rule; -o json parses back.
func TestEnforcementVerbs(t *testing.T) {
	t.Parallel()
	// Monday 2026-09-28, 10:00 CST.
	env := proceedingtest.Start(t, proceedingtest.Fixed(time.Date(2026, 9, 28, 2, 0, 0, 0, time.UTC)))
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
