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

// TestEnforcementShowsEveryFlag: the table of a notified case shows, with
// the built binary, every flag that changes what the officer must do —
// the hearing right, the heavier penalty and the criminal threshold with
// its rule — which before showed only in -o json.
func TestEnforcementShowsEveryFlag(t *testing.T) {
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
	run := func(args ...string) result {
		r := ipcase(t, append(args, conn...)...)
		if r.code != 0 {
			t.Fatalf("%v: exit %d, %q", args, r.code, r.stderr)
		}
		return r
	}
	var c struct{ Name string }
	if err := json.Unmarshal([]byte(run("enforcement", "open", m.GetName(), "--agency", "SAMR-HZ", "-o", "json").stdout), &c); err != nil {
		t.Fatal(err)
	}
	name := c.Name
	run("enforcement", "assign", name, "--officer", "officer@SAMR-HZ:王伟", "--officer", "li.na:李娜")
	run("enforcement", "findings", name, "--text", "3,200 cups at 25 yuan", "--volume", "80000", "--computation", "Art. 78")
	run("enforcement", "notify", name, "--offence", "trademark", "--conduct-date", "2026-06-01", "--party", "organization",
		"--served-on", "2026-09-28", "--serious")
	shown := run("enforcement", "show", name).stdout
	for _, want := range []string{
		// Volume 80,000 ≥ 50,000: up to 5 × 80,000 = 400,000 (Trademark
		// Law 2019 Art. 60 ¶2).
		"notice: 0.00–400000.00 yuan under Trademark Law 2019, Art. 60 ¶2",
		// 400,000 reaches the 100,000 yuan an organisation may ask a hearing
		// for (SAMR Hearing Measures Art. 5).
		"hearing: available — the fine reaches the hearing threshold of 100000.00 yuan",
		// "Other serious circumstances" → 从重 (Trademark Law 2019 Art. 60 ¶2).
		"heavier penalty (从重)",
		// Illegal business volume 80,000 ≥ 50,000 (Criminal Law Art. 213;
		// Fa Shi [2025] No. 5 Art. 3).
		"CRIMINAL THRESHOLD CROSSED: transfer the case to the police",
		"Criminal Law Art. 213, Fa Shi [2025] No. 5 Art. 3 ¶1(1): illegal business volume 80,000.00 ≥ 50,000.00",
	} {
		if !strings.Contains(shown, want) {
			t.Errorf("enforcement show lacks %q:\n%s", want, shown)
		}
	}
	if strings.Contains(shown, "lighter later law") {
		t.Errorf("one rule in force from conduct to decision, yet a lighter later law is shown:\n%s", shown)
	}
}
