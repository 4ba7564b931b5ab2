package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestFineFigures checks that `ipcase damages fine` prints every figure with
// the article that produced it, in the table and in JSON, on the issue's
// example: a patent passed off in 2024 with a holder's loss of 300,000,
// decided after Fa Shi [2025] No. 5 took effect.
//
// Working: Patent Law 2020 Art. 68: gains 20,000 ≤ 50,000 → 0–250,000.
// Organisation: hearing from 100,000 (SAMR Hearing Measures Art. 5).
// Criminal: Fa Shi [2004] No. 19 Art. 4(2), in force in 2024, needs a loss
// ≥ 500,000; 300,000 is below, and the later 300,000 line is not more
// favourable (2001 temporal provisions Art. 3): no flag. Payment: received
// 2025-06-03, due 2025-06-18 (Administrative Penalty Law 2021 Art. 67 ¶3);
// paid 2025-06-20, 2 days late: 50,000 × 3 % × 2 = 3,000 (Art. 72 ¶1(1));
// total 53,000.
func TestFineFigures(t *testing.T) {
	t.Parallel()
	args := []string{"damages", "fine", "--local", "--offence", "patent-passing-off", "--conduct-date", "2024-05-01",
		"--decision-date", "2025-06-01", "--holder-loss", "300000", "--gains", "20000", "--party", "organization",
		"--proposed-fine", "50000", "--received-date", "2025-06-03", "--paid-date", "2025-06-20"}
	table := ipcase(t, args...)
	if table.code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", table.code, table.stderr)
	}
	for _, want := range [][]string{
		{"minimum fine", "0.00", "Patent Law 2020, Art. 68"},
		{"maximum fine", "250,000.00", "Patent Law 2020, Art. 68"},
		{"hearing threshold", "100,000.00", "SAMR Hearing Measures Art. 5"},
		{"payment due", "2025-06-18", "Administrative Penalty Law 2021 Art. 67 ¶3"},
		{"days late", "2", "Art. 67 ¶3"},
		{"late surcharge", "3,000.00", "Administrative Penalty Law 2021 Art. 72 ¶1(1)"},
		{"total to pay", "53,000.00", "Art. 72 ¶1(1)"},
		{"Criminal transfer", "no"},
		{"Criminal thresholds", "Fa Shi [2004] No. 19", "(Criminal Law Art. 216)"},
	} {
		if !lineWith(table.stdout, want...) {
			t.Errorf("no output line holds %q:\n%s", want, table.stdout)
		}
	}

	js := ipcase(t, append(args, "-o", "json")...)
	var got struct {
		CriminalTransfer bool   `json:"criminalTransfer"`
		CriminalAct      string `json:"criminalAct"`
		Figures          []struct {
			Name, Value, Article string
		} `json:"figures"`
	}
	if err := json.Unmarshal([]byte(js.stdout), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, js.stdout)
	}
	type fig = struct{ Name, Value, Article string }
	want := []fig{
		{"minimum fine", "0.00", "Patent Law 2020, Art. 68"},
		{"maximum fine", "250000.00", "Patent Law 2020, Art. 68"},
		{"hearing threshold", "100000.00", "SAMR Hearing Measures Art. 5 (Administrative Penalty Law 2021 Art. 63)"},
		{"payment due", "2025-06-18", "Administrative Penalty Law 2021 Art. 67 ¶3"},
		{"days late", "2", "Administrative Penalty Law 2021 Art. 67 ¶3"},
		{"late surcharge", "3000.00", "Administrative Penalty Law 2021 Art. 72 ¶1(1)"},
		{"total to pay", "53000.00", "Administrative Penalty Law 2021 Art. 72 ¶1(1)"},
	}
	if diff := cmp.Diff(want, got.Figures); diff != "" || got.CriminalTransfer || got.CriminalAct != "patent-passing-off" {
		t.Errorf("criminal %v act %q; figures mismatch (-want +got):\n%s", got.CriminalTransfer, got.CriminalAct, diff)
	}
}

// TestFineInnocentSellerCLI checks the seller's flags: Trademark Law 2019
// Art. 60 ¶2 (no fine), Art. 64 ¶2 (no damages), Criminal Law Art. 214 (no
// crime without knowledge), and a refused criminal act.
func TestFineInnocentSellerCLI(t *testing.T) {
	t.Parallel()
	base := []string{"damages", "fine", "--local", "--offence", "trademark", "--conduct-date", "2024-03-01",
		"--decision-date", "2024-09-01", "--volume", "80000", "--sales", "80000", "--party", "organization"}
	r := ipcase(t, append(base, "--did-not-know", "--lawful-source", "--supplier-named")...)
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	for _, want := range [][]string{
		{"maximum fine", "0.00", "Trademark Law 2019, Art. 60 ¶2"},
		{"Innocent seller", "yes"},
		{"Criminal transfer", "no"},
		{"No damages are owed either (Trademark Law 2019, Art. 64 ¶2)"},
		{"Criminal Law Art. 214 punishes only one who sells knowing"},
	} {
		if !lineWith(r.stdout, want...) {
			t.Errorf("no output line holds %q:\n%s", want, r.stdout)
		}
	}
	r = ipcase(t, append(base, "--did-not-know", "--criminal-act", "counterfeit-goods")...)
	if r.code != exitRefused || !strings.Contains(r.stderr, "--criminal-act (criminal_act): the seller's facts") {
		t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// lineWith reports whether a line of out holds every fragment.
func lineWith(out string, fragments ...string) bool {
	for _, l := range strings.Split(out, "\n") {
		ok := true
		for _, f := range fragments {
			ok = ok && strings.Contains(l, f)
		}
		if ok {
			return true
		}
	}
	return false
}
