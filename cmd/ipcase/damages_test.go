package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/damages"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// bin is the ipcase binary the tests run, built once by TestMain.
var bin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "ipcase-cli-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	bin = filepath.Join(dir, "ipcase")
	// No test may read the login of whoever runs the tests.
	os.Setenv("IPCASE_CONFIG", filepath.Join(dir, "no-login.json")) //nolint:errcheck,gosec // cannot fail for this name
	out, err := exec.CommandContext(context.Background(), "go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		fmt.Fprintf(os.Stderr, "building ipcase: %v\n%s", err, out)
		removeAll(dir)
		os.Exit(1)
	}
	code := storetest.Run(m) // audit tests need a database
	removeAll(dir)
	os.Exit(code)
}

// removeAll removes TestMain's temporary directory, saying so if it cannot.
func removeAll(dir string) {
	if err := os.RemoveAll(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
}

type result struct {
	stdout, stderr string
	code           int
}

// ipcase runs the binary with args, without IPCASE_SERVER from the
// environment, and returns what it printed and its exit code.
func ipcase(t *testing.T, args ...string) result {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Env = append(os.Environ(), "IPCASE_SERVER=", "IPCASE_TOKEN=", "IPCASE_TLS_CA=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running ipcase %s: %v", strings.Join(args, " "), err)
	}
	return result{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

// startServer serves DamagesService on a real gRPC server and returns its
// address for --server.
func startServer(t *testing.T) string {
	t.Helper()
	conn := servertest.Start(t, func(s *server.Server) {
		ipcasev1.RegisterDamagesServiceServer(s, damages.NewServer())
	})
	return conn.Target()
}

// trademarkArgs is the worked example of the README and of
// TestCalculateDamagesRPC: Trademark Law 2019 Art. 63, profit 1,000,000 ×
// contribution 0.35 = 350,000; additive 2.5×: punitive 875,000, damages
// 1,225,000; expenses 50,000: total 1,275,000 ≤ claim 3,000,000.
var trademarkArgs = []string{"damages", "calc", "--ip-type", "trademark",
	"--conduct-start", "2020-01-01", "--conduct-end", "2020-12-31",
	"--base-kind", "infringer-profit", "--base", "1000000", "--contribution", "0.35",
	"--multiple", "2.5", "--intentional", "--serious", "--punitive-claimed", "with-complaint",
	"--expenses", "50000", "--claim", "3000000"}

// damagesJSON is the part of `damages calc -o json` the issue requires.
type damagesJSON struct {
	Base          string   `json:"base"`
	Punitive      string   `json:"punitive"`
	Damages       string   `json:"damages"`
	Expenses      string   `json:"expenses"`
	Total         string   `json:"total"`
	Formula       string   `json:"formula"`
	CappedByClaim bool     `json:"cappedByClaim"`
	Law           string   `json:"law"`
	Citations     []string `json:"citations"`
}

func TestCalcLocalJSON(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name  string
		extra []string
		want  damagesJSON
	}{{
		name: "trademark 2019, additive 2.5× (hand-worked above trademarkArgs)",
		want: damagesJSON{Base: "350000.00", Punitive: "875000.00", Damages: "1225000.00", Expenses: "50000.00",
			Total: "1275000.00", Formula: "additive", Law: "Trademark Law 2019, Art. 63"},
	}, {
		// Multiplicative (Trademark Law 2019 Art. 63 ¶1 "一倍以上五倍以下"
		// read literally): 350,000 × 2.5 = 875,000 damages,
		// punitive part 525,000; + 50,000 expenses = 925,000.
		name:  "multiplicative",
		extra: []string{"--formula", "multiplicative"},
		want: damagesJSON{Base: "350000.00", Punitive: "525000.00", Damages: "875000.00", Expenses: "50000.00",
			Total: "925000.00", Formula: "multiplicative", Law: "Trademark Law 2019, Art. 63"},
	}, {
		// --multiple 0: no punitive damages; 350,000 + 50,000, and a claim
		// of 380,000 caps the total.
		name:  "multiple 0 means none; the claim caps",
		extra: []string{"--multiple", "0", "--claim", "380000"},
		want: damagesJSON{Base: "350000.00", Punitive: "0.00", Damages: "350000.00", Expenses: "50000.00",
			Total: "380000.00", CappedByClaim: true, Formula: "unspecified", Law: "Trademark Law 2019, Art. 63"},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := ipcase(t, append(append(append([]string{}, trademarkArgs...), tt.extra...), "--local", "-o", "json")...)
			if r.code != exitOK {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			var got damagesJSON
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, r.stdout)
			}
			cites := strings.Join(got.Citations, "\n")
			// The clause applied, the rule behind the claim cap (Civil
			// Procedure Law 2023 Art. 211(11): no award beyond the claim) and, with punitive damages,
			// the authority for the formula: the Beijing High People's Court
			// Guidelines on Punitive Damages (2022) §3.1 (additive) or the
			// statute wording read literally (multiplicative).
			want := []string{"Trademark Law 2019, Art. 63", "Civil Procedure Law 2023 Art. 211(11)"}
			switch tt.want.Formula {
			case "additive":
				want = append(want, "Beijing High People's Court Guidelines on Punitive Damages (2022) §3.1")
			case "multiplicative":
				want = append(want, "一倍以上五倍以下")
			}
			for _, c := range want {
				if !strings.Contains(cites, c) {
					t.Errorf("citations do not name %q:\n%s", c, cites)
				}
			}
			got.Citations = nil
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLocalAndServerAgree runs the same command lines with --local and
// against a real server: output, errors and exit codes must be identical.
func TestLocalAndServerAgree(t *testing.T) {
	t.Parallel()
	addr := startServer(t)
	for _, tt := range []struct {
		name string
		args []string
		code int
	}{
		{"trademark calc JSON", append(append([]string{}, trademarkArgs...), "-o", "json"), exitOK},
		{"trademark calc table", trademarkArgs, exitOK},
		{"trade secret over two periods", []string{"damages", "calc", "-o", "json", "--ip-type", "trade-secret",
			"--multiple", "3", "--intentional", "--serious", "--punitive-claimed", "before-debate-end",
			"--liability", "by-share", "--defendant", "A", "--defendant", "B", "--defendant", "C",
			"--period", "start=2018-06-01,end=2019-04-22,base-kind=actual-loss,base=400000",
			"--period", "start=2019-04-23,end=2019-12-31,base-kind=actual-loss,base=600000.5,contribution=0.333333"}, exitOK},
		{"statutory copyright", []string{"damages", "calc", "-o", "json", "--ip-type", "copyright", "--statutory",
			"--statutory-amount", "300000", "--conduct-start", "2022-03-01", "--conduct-end", "2022-08-31"}, exitOK},
		{"fine JSON", []string{"damages", "fine", "-o", "json", "--offence", "trademark", "--conduct-date", "2024-03-01",
			"--decision-date", "2024-09-01", "--volume", "50000", "--party", "organization"}, exitOK},
		{"fine table", []string{"damages", "fine", "--offence", "trade-secret", "--conduct-date", "2025-01-01",
			"--decision-date", "2025-11-01", "--serious", "--gains", "300000", "--party", "person"}, exitOK},
		{"refusal", []string{"damages", "calc", "--ip-type", "trademark", "--conduct-start", "2018-01-01",
			"--conduct-end", "2018-12-31", "--base-kind", "actual-loss", "--base", "1,000", "--multiple", "3.5"}, exitRefused},
		{"fine with every new flag", []string{"damages", "fine", "-o", "json", "--offence", "copyright", "--conduct-date", "2024-05-01",
			"--decision-date", "2025-06-01", "--volume", "60000", "--public-interest", "--party", "organization", "--clicks", "60000",
			"--copies", "100", "--corrected", "--first-violation", "--minor-harm", "--proposed-fine", "60000", "--received-date", "2025-06-03",
			"--paid-date", "2025-07-30", "--discovered-date", "2025-01-01"}, exitOK},
		{"fine refusal", []string{"damages", "fine", "--offence", "copyright", "--conduct-date", "2024-03-01",
			"--decision-date", "2024-09-01", "--volume", "50000", "--party", "person"}, exitRefused},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			local := ipcase(t, append(tt.args, "--local")...)
			remote := ipcase(t, append(tt.args, "--server", addr)...)
			if local.code != tt.code {
				t.Fatalf("--local: exit %d, want %d; stderr:\n%s", local.code, tt.code, local.stderr)
			}
			if diff := cmp.Diff(local, remote, cmp.AllowUnexported(result{})); diff != "" {
				t.Errorf("--local and --server differ (-local +server):\n%s", diff)
			}
		})
	}
}

// TestCalcRefused checks that a refusal exits 3 and prints one line per
// refused field, naming the flag, the field and the rule.
func TestCalcRefused(t *testing.T) {
	t.Parallel()
	base := []string{"damages", "calc", "--local", "--ip-type", "trademark", "--conduct-start", "2018-01-01",
		"--conduct-end", "2018-12-31", "--base-kind", "actual-loss", "--base", "100000"}
	for _, tt := range []struct {
		name  string
		extra []string
		want  []string // stderr lines
	}{{
		// Trademark Law 2013 Art. 63 ¶1 governs conduct 2014-05-01 …
		// 2019-10-31: 1–3× ("一倍以上三倍以下").
		name:  "multiple 3.5 under Trademark Law 2013",
		extra: []string{"--multiple", "3.5", "--intentional", "--serious", "--punitive-claimed", "with-complaint"},
		want:  []string{"ipcase: refused: --multiple (multiple): 3.5 is outside the 1–3× range of Trademark Law 2013, Art. 63 ¶1"},
	}, {
		// Conduct in 2018, before the Civil Code: the findings rest on
		// Trademark Law 2013 Art. 63 ¶1, not on Civil Code Art. 1185; and
		// punitive damages need the plaintiff's claim (Fa Shi [2021] No. 4
		// Art. 2).
		name:  "punitive without a claim or the findings",
		extra: []string{"--multiple", "2"},
		want: []string{
			"ipcase: refused: --punitive-claimed (punitive_claim): punitive damages are awarded only on the plaintiff's claim stating the amount, method, facts and reasons (Fa Shi [2021] No. 4 Art. 2 ¶1), never of the court's own motion; say when it was claimed: with-complaint or before-debate-end",
			"ipcase: refused: --intentional (intentional): punitive damages need intentional infringement (Trademark Law 2013, Art. 63: malicious (恶意)) — Trademark Law 2013, Art. 63 ¶1, Fa Shi [2021] No. 4 Art. 3; the SPC reads 恶意 as included in 故意 (Fa Shi [2021] No. 4 Art. 1)",
			"ipcase: refused: --serious (serious): punitive damages need serious circumstances (情节严重) — Trademark Law 2013, Art. 63 ¶1, Fa Shi [2021] No. 4 Art. 4",
		},
	}, {
		// Fa Shi [2021] No. 4 Art. 2 ¶2: a claim added after the
		// first-instance debate ended is out of time.
		name:  "punitive claimed after the debate ended",
		extra: []string{"--multiple", "2", "--intentional", "--serious", "--punitive-claimed", "after-debate-end"},
		want: []string{
			"ipcase: refused: --punitive-claimed (punitive_claim): a punitive claim added after the first-instance court debate ended is out of time: Fa Shi [2021] No. 4 Art. 2 ¶2 admits an added claim only before the debate ends",
		},
	}, {
		// Civil Code Art. 178 ¶2 / Art. 177: shares for every defendant or
		// for none.
		name:  "shares for some defendants only",
		extra: []string{"--liability", "by-share", "--defendant", "A=0.5", "--defendant", "B"},
		want: []string{
			"ipcase: refused: --defendant (defendants): give a share for every defendant or for none (equal shares, Civil Code Arts. 177, 178): 1 of 2 have one",
		},
	}, {
		name:  "contribution 0",
		extra: []string{"--contribution", "0"},
		// The base is that of Fa Shi [2021] No. 4 Art. 5; a contribution rate
		// takes a share of it.
		want: []string{`ipcase: refused: --contribution (period.contribution): "0": a contribution rate is a share of the Fa Shi [2021] No. 4 Art. 5 base in (0, 1]; leave contribution empty to take the whole base`},
	}} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := ipcase(t, append(append([]string{}, base...), tt.extra...)...)
			if r.code != exitRefused {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, exitRefused, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty:\n%s", r.stdout)
			}
			if diff := cmp.Diff(tt.want, strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")); diff != "" {
				t.Errorf("stderr mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFineBoundary checks Trademark Law 2019 Art. 60 ¶2 around 50,000:
// "五万元以上" includes 50,000 and "不足五万元" excludes it
// (Civil Code Art. 1259), so 49,999.99 takes the ≤ 250,000 branch and
// 50,000 the ≤ 5 × volume branch, which gives 250,000 exactly there and
// 250,000.05 one fen above. The criminal threshold for goods is a volume of
// 50,000 (Fa Shi [2004] No. 19 Art. 1 ¶1(1), in force for this 2024 act;
// Fa Shi [2025] No. 5 Art. 3 ¶1(1) keeps it); an organisation must be offered a
// hearing from 100,000 (SAMR Hearing Measures Art. 5).
func TestFineBoundary(t *testing.T) {
	t.Parallel()
	type fineJSON struct {
		Min              string `json:"min"`
		Max              string `json:"max"`
		Law              string `json:"law"`
		Rule             string `json:"rule"`
		Heavier          bool   `json:"heavier"`
		HearingRequired  bool   `json:"hearingRequired"`
		HearingThreshold string `json:"hearingThreshold"`
		CriminalTransfer bool   `json:"criminalTransfer"`
	}
	const law = "Trademark Law 2019, Art. 60 ¶2"
	for _, tt := range []struct {
		volume string
		want   fineJSON
	}{
		{"49999.99", fineJSON{"0.00", "250000.00", law, "illegal business volume 49,999.99: none or < 50,000 (不足五万元): up to 250,000.00", false, true, "100000.00", false}},
		{"50000", fineJSON{"0.00", "250000.00", law, "illegal business volume 50,000.00 ≥ 50,000 (五万元以上): up to 5 × volume = 250,000.00", false, true, "100000.00", true}},
		{"50000.01", fineJSON{"0.00", "250000.05", law, "illegal business volume 50,000.01 ≥ 50,000 (五万元以上): up to 5 × volume = 250,000.05", false, true, "100000.00", true}},
	} {
		t.Run(tt.volume, func(t *testing.T) {
			t.Parallel()
			r := ipcase(t, "damages", "fine", "--local", "-o", "json", "--offence", "trademark",
				"--conduct-date", "2024-03-01", "--decision-date", "2024-09-01", "--volume", tt.volume, "--party", "organization")
			if r.code != exitOK {
				t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
			}
			var got fineJSON
			if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
				t.Fatalf("output is not JSON: %v\n%s", err, r.stdout)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"damages", "calc", "--bogus"}, "unknown flag: --bogus"},
		{[]string{"damages", "calc", "--local", "--ip-type", "software"}, `--ip-type: "software" is not a valid IP type`},
		{[]string{"damages", "calc", "--local", "--formula", "compound"}, `--formula: "compound" is not a valid formula`},
		{[]string{"damages", "calc", "--local", "--base", "1", "--period", "start=2020-01-01"}, "--period replaces --base"},
		{[]string{"damages", "calc", "--local", "--period", "start=2020-01-01,colour=red"}, `--period #1: unknown key "colour"`},
		{[]string{"damages", "fine", "--local", "--party", "company"}, `--party: "company" is not a valid party kind`},
		{[]string{"-o", "yaml", "version"}, `"yaml" is not an output format`},
		{[]string{"damages", "calc", "extra"}, "takes no arguments"},
		{[]string{"damages"}, "give a subcommand: calc or fine"},
		{[]string{"damage"}, `unknown command "damage"`},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := ipcase(t, tt.args...)
			if r.code != exitUsage || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", r.code, r.stderr, exitUsage, tt.want)
			}
		})
	}
}

func TestServerUnreachable(t *testing.T) {
	t.Parallel()
	lis, err := new(net.ListenConfig).Listen(t.Context(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	if err := lis.Close(); err != nil { // nothing listens there now
		t.Fatal(err)
	}
	r := ipcase(t, append(append([]string{}, trademarkArgs...), "--server", addr)...)
	if want := "cannot reach ipcased at " + addr; r.code != exitFailure || !strings.Contains(r.stderr, want) {
		t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", r.code, r.stderr, exitFailure, want)
	}
}

func TestServerFromEnvironment(t *testing.T) {
	t.Parallel()
	addr := startServer(t)
	cmd := exec.CommandContext(t.Context(), bin, append(append([]string{}, trademarkArgs...), "-o", "json")...)
	cmd.Env = append(os.Environ(), "IPCASE_SERVER="+addr)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ipcase with IPCASE_SERVER=%s: %v", addr, err)
	}
	if !bytes.Contains(out, []byte(`"total": "1275000.00"`)) {
		t.Errorf("unexpected output:\n%s", out)
	}
}

func TestVersion(t *testing.T) {
	t.Parallel()
	r := ipcase(t, "version", "-o", "json")
	var v struct{ Version, Go string }
	if err := json.Unmarshal([]byte(r.stdout), &v); r.code != exitOK || err != nil || v.Version == "" || !strings.HasPrefix(v.Go, "go") {
		t.Errorf("exit %d, %v, output:\n%s%s", r.code, err, r.stdout, r.stderr)
	}
}

// TestCalcFiguresCiteArticles checks that `damages calc` shows every figure
// with the article that produced it, in JSON and in the table. Hand-worked:
// Patent Law 2020 Art. 71 ¶1, conduct in 2022: the holder takes the profit
// 500,000 although the loss was proven (loss 或者 gain); additive 2×
// (Beijing High People's Court Guidelines (2022) §3.1): punitive 1,000,000,
// damages 1,500,000; expenses 40,000 (¶3): total 1,540,000 ≤ claim 2,000,000
// (Civil Procedure Law 2023 Art. 211(11)). Court fee on 2,000,000
// (诉讼费用交纳办法 Art. 13(1)): 50 + 2,250 + 2,000 + 4,500 + 5,000 + 9,000 =
// 22,800. By share 0.6 / 0.4 (Civil Code Arts. 1172, 177): 924,000 and
// 616,000.
func TestCalcFiguresCiteArticles(t *testing.T) {
	t.Parallel()
	args := []string{"damages", "calc", "--local", "--ip-type", "patent-invention",
		"--conduct-start", "2022-01-01", "--conduct-end", "2022-12-31",
		"--base-kind", "infringer-profit", "--base", "500000", "--proven", "actual-loss,infringer-profit",
		"--multiple", "2", "--intentional", "--serious", "--punitive-claimed", "with-complaint",
		"--expenses", "40000", "--claim", "2000000",
		"--liability", "by-share", "--defendant", "A=0.6", "--defendant", "B=0.4"}
	type figure struct{ Name, Value, Article string }
	want := []figure{
		{"Period 1 base", "500000.00", "Patent Law 2020, Art. 71 ¶1"},
		{"Period 1 multiple", "2", "Patent Law 2020, Art. 71 ¶1; Fa Shi [2021] No. 4 Art. 6"},
		{"Period 1 punitive part", "1000000.00", "Beijing High People's Court Guidelines on Punitive Damages (2022) §3.1"},
		{"Damages", "1500000.00", "Patent Law 2020, Art. 71"},
		{"Expenses", "40000.00", "Patent Law 2020, Art. 71 ¶3"},
		{"Claim cap", "2000000.00", "Civil Procedure Law 2023 Art. 211(11)"},
		{"Total", "1540000.00", "Civil Procedure Law 2023 Art. 211(11)"},
		{"Court fee", "22800.00", "诉讼费用交纳办法 (State Council 2006) Art. 13(1)"},
		{"Defendant A", "924000.00 (share 924000.00)", "Civil Code Arts. 1172, 177"},
		{"Defendant B", "616000.00 (share 616000.00)", "Civil Code Arts. 1172, 177"},
	}
	r := ipcase(t, append(append([]string{}, args...), "-o", "json")...)
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	var got struct{ Figures []figure }
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, r.stdout)
	}
	if len(got.Figures) != len(want) {
		t.Fatalf("figures:\n%+v\nwant %d", got.Figures, len(want))
	}
	for i, w := range want {
		g := got.Figures[i]
		if g.Name != w.Name || g.Value != w.Value || !strings.Contains(g.Article, w.Article) {
			t.Errorf("figure %d = %+v, want %s %s citing %q", i, g, w.Name, w.Value, w.Article)
		}
	}
	table := ipcase(t, args...)
	if table.code != exitOK || !strings.Contains(table.stdout, "Figures and the articles behind them:") {
		t.Fatalf("exit %d, table:\n%s%s", table.code, table.stdout, table.stderr)
	}
	for _, w := range want {
		if !containsLine(strings.Split(table.stdout, "\n"), w.Name, w.Value, w.Article) {
			t.Errorf("table lacks %q %q %q:\n%s", w.Name, w.Value, w.Article, table.stdout)
		}
	}
	for _, row := range []string{"Court fee", "22,800.00", "Defendant A", "924,000.00"} {
		if !strings.Contains(table.stdout, row) {
			t.Errorf("summary lacks %q:\n%s", row, table.stdout)
		}
	}
}

// TestCalcStatutoryContinuing: copyright 2020-01 … 2022-12 as one
// continuing act gets one statutory award under Copyright Law 2020 Art. 54
// ¶2 (500–5,000,000), stating the reading; the output cites the range's
// article. Separate acts across the two versions are refused instead.
func TestCalcStatutoryContinuing(t *testing.T) {
	t.Parallel()
	args := []string{"damages", "calc", "--local", "--ip-type", "copyright", "--statutory", "--statutory-amount", "3000000",
		"--period", "start=2020-01-01,end=2021-05-31", "--period", "start=2021-06-01,end=2022-12-31"}
	r := ipcase(t, args...)
	if r.code != exitOK {
		t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
	}
	lines := strings.Split(r.stdout, "\n")
	for _, frag := range [][]string{
		{"Statutory range", "500.00–5000000.00", "Copyright Law 2020, Art. 54 ¶2"},
		{"Damages", "3000000.00", "Copyright Law 2020, Art. 54 ¶2"},
		{"One continuing act", "majority reading", "Art. 29", "Fa Shi [2014] No. 4 Art. 9", "Fa Shi [2020] No. 15 Art. 1 ¶3"},
	} {
		if !containsLine(lines, frag...) {
			t.Errorf("output lacks %q:\n%s", frag, r.stdout)
		}
	}
	r = ipcase(t, append(args, "--separate-acts")...)
	if r.code != exitRefused || !strings.Contains(r.stderr, "--period (periods): statutory damages are one amount within one clause's range, but these separate acts") {
		t.Errorf("separate acts: exit %d, stderr:\n%s", r.code, r.stderr)
	}
}

// containsLine reports whether any line contains every fragment.
func containsLine(lines []string, fragments ...string) bool {
	for _, l := range lines {
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
