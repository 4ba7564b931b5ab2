package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/deadline"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
)

// startDeadlineServer serves DeadlineService with authentication on a real
// gRPC server and returns its address and an officer's token.
func startDeadlineServer(t *testing.T) (addr, token string) {
	t.Helper()
	env := authtest.New(t)
	cal, err := deadline.Embedded()
	if err != nil {
		t.Fatal(err)
	}
	addr = servertest.Serve(t, func(s *server.Server) {
		ipcasev1.RegisterDeadlineServiceServer(s, deadline.NewServer(cal))
	}, nil, env.ServerOptions()...)
	return addr, env.Officer(t, "SAMR-HZ")
}

// deadlineJSON is the part of `deadline calc -o json` the issue requires.
type deadlineJSON struct {
	Due                    string   `json:"due"`
	RawEnd                 string   `json:"rawEnd"`
	Adjusted               bool     `json:"adjusted"`
	EndsOnMakeUpWorkingDay bool     `json:"endsOnMakeUpWorkingDay"`
	Provisional            bool     `json:"provisional"`
	Steps                  []string `json:"steps"`
}

func calcArgs(from, period, unit string, extra ...string) []string {
	return append([]string{"deadline", "calc", "--from", from, "--period", period, "--unit", unit, "-o", "json"}, extra...)
}

// TestDeadlineCalcJSON runs the binary with --local and against a server
// with authentication on dates worked out by hand on the official calendar
// (see internal/deadline TestCompute for each count), and parses the JSON.
func TestDeadlineCalcJSON(t *testing.T) {
	t.Parallel()
	addr, token := startDeadlineServer(t)
	for _, tt := range []struct {
		name string
		args []string
		want deadlineJSON
		step string
	}{{
		// CPL Art. 171 from Fri 2024-01-26: day 15 is Sat Feb 10, Spring
		// Festival holiday until Feb 17 → the make-up Sunday Feb 18.
		name: "15-day appeal into the 2024 Spring Festival",
		args: calcArgs("2024-01-26", "15", "calendar-days", "--basis", "CPL Art. 171"),
		want: deadlineJSON{Due: "2024-02-18", RawEnd: "2024-02-10", Adjusted: true, EndsOnMakeUpWorkingDay: true},
		step: "make-up working day — the period is NOT extended",
	}, {
		// APL Arts. 64, 85 from Fri 2024-09-27: Sep 29 (Sun, make-up) 1,
		// Sep 30 2, Oct 1–7 holiday, Oct 8 3, Oct 9 4, Oct 10 5.
		name: "5 working days across National Day 2024",
		args: calcArgs("2024-09-27", "5", "working-days", "--basis", "Administrative Penalty Law Art. 64"),
		want: deadlineJSON{Due: "2024-10-10", RawEnd: "2024-10-10"},
		step: "Administrative Penalty Law Art. 85",
	}, {
		// Civil Code Art. 202: Aug 31 + 6 months → Fri 2025-02-28.
		name: "Aug 31 + 6 months",
		args: calcArgs("2024-08-31", "6", "months"),
		want: deadlineJSON{Due: "2025-02-28", RawEnd: "2025-02-28"},
		step: "Civil Code Art. 202",
	}} {
		for _, mode := range []struct {
			name  string
			extra []string
		}{{"local", []string{"--local"}}, {"server", []string{"--server", addr, "--token", token}}} {
			t.Run(tt.name+"/"+mode.name, func(t *testing.T) {
				t.Parallel()
				r := ipcase(t, append(append([]string{}, tt.args...), mode.extra...)...)
				if r.code != exitOK {
					t.Fatalf("exit %d, stderr:\n%s", r.code, r.stderr)
				}
				var got deadlineJSON
				if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
					t.Fatalf("output is not JSON: %v\n%s", err, r.stdout)
				}
				if !strings.Contains(strings.Join(got.Steps, "\n"), tt.step) {
					t.Errorf("steps do not contain %q:\n%s", tt.step, strings.Join(got.Steps, "\n"))
				}
				got.Steps = nil
				if diff := cmp.Diff(tt.want, got); diff != "" {
					t.Errorf("mismatch (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestDeadlineLocalAndServerAgree runs the same command lines with --local
// and against a server: output, errors and exit codes are identical.
func TestDeadlineLocalAndServerAgree(t *testing.T) {
	t.Parallel()
	addr, token := startDeadlineServer(t)
	for _, tt := range []struct {
		name string
		args []string
		code int
	}{
		{"json", calcArgs("2023-09-18", "15", "calendar-days", "--basis", "CPL Art. 171"), exitOK},
		{"table", []string{"deadline", "calc", "--from", "2024-03-06", "--period", "30", "--unit", "calendar-days"}, exitOK},
		// 2027-01-21 + 15 days: no 2027 notice, counted on the statutory
		// holidays (TestDeadlineProvisional).
		{"2027 provisional", calcArgs("2027-01-21", "15", "calendar-days"), exitOK},
		// 2021-06-01 + 15 days: before the first notice shipped (2023) and
		// before the 2024 Holiday Measures: refused.
		{"2021 refused", calcArgs("2021-06-01", "15", "calendar-days"), exitRefused},
		{"missing date and unit", []string{"deadline", "calc", "--period", "0"}, exitRefused},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			local := ipcase(t, append(tt.args, "--local")...)
			remote := ipcase(t, append(tt.args, "--server", addr, "--token", token)...)
			if local.code != tt.code {
				t.Fatalf("--local: exit %d, want %d; stderr:\n%s", local.code, tt.code, local.stderr)
			}
			if diff := cmp.Diff(local, remote, cmp.AllowUnexported(result{})); diff != "" {
				t.Errorf("--local and --server differ (-local +server):\n%s", diff)
			}
		})
	}
}

func TestDeadlineRefusedAndUsage(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string // on stderr
	}{
		{"a date in 2022", calcArgs("2022-06-27", "5", "working-days", "--local"), exitRefused,
			"ipcase: refused: --from (trigger_date): no holiday calendar for 2022: 2022-06-28 needs"},
		{"nothing given", []string{"deadline", "calc", "--local"}, exitRefused,
			"ipcase: refused: --from (trigger_date): required\nipcase: refused: --unit (unit): required"},
		{"unknown unit", calcArgs("2024-01-01", "2", "fortnights", "--local"), exitUsage, `--unit: "fortnights" is not a unit`},
		{"calendar dir without --local", calcArgs("2024-01-01", "2", "months", "--calendar-dir", "/tmp"), exitUsage, "--calendar-dir applies with --local"},
		{"no subcommand", []string{"deadline"}, exitUsage, "give a subcommand: calc"},
		{"server unreachable", calcArgs("2024-01-01", "2", "months", "--server", "127.0.0.1:1"), exitFailure, "cannot reach ipcased"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := ipcase(t, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", r.code, r.stderr, tt.code, tt.want)
			}
		})
	}
	addr, _ := startDeadlineServer(t)
	r := ipcase(t, calcArgs("2024-01-01", "2", "months", "--server", addr)...)
	if r.code != exitFailure || !strings.Contains(r.stderr, "no token: run ipcase login first") {
		t.Errorf("without a token: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestDeadlineProvisional is the calculator's contract for a year whose
// holiday notice is not out: the due date, marked provisional. 2027-01-21 +
// 15 days: day 15 is Fri 2027-02-05, New Year's Eve; the Spring Festival
// holiday (New Year's Eve and days 1–3 of the first lunar month, National
// Holiday Measures Art. 2 as revised 2024) runs to Mon 02-08, so the period
// ends on Tue 2027-02-09 (CPL Art. 85 ¶3; Civil Code Art. 203).
func TestDeadlineProvisional(t *testing.T) {
	t.Parallel()
	r := ipcase(t, calcArgs("2027-01-21", "15", "calendar-days", "--local")...)
	var got deadlineJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); r.code != exitOK || err != nil {
		t.Fatalf("exit %d, stdout %s, stderr %s: %v", r.code, r.stdout, r.stderr, err)
	}
	if got.Due != "2027-02-09" || !got.Provisional || !got.Adjusted {
		t.Errorf(`due %s provisional %v adjusted %v; want "2027-02-09", provisional, adjusted`, got.Due, got.Provisional, got.Adjusted)
	}
	// The table says so on the due line, where an officer reads the date.
	r = ipcase(t, "deadline", "calc", "--local", "--from", "2027-01-21", "--period", "15", "--unit", "calendar-days")
	if r.code != exitOK || !regexp.MustCompile(`(?m)^Due\s+2027-02-09 \(Tue\)\s+PROVISIONAL`).MatchString(r.stdout) {
		t.Errorf("table: exit %d, stdout %s; want the due line marked PROVISIONAL", r.code, r.stdout)
	}
}

// TestDeadlineCalendarDir loads an operator's 2027 file with --calendar-dir:
// the 2027 count then works. 2026-12-20 + 15 days = Mon 2027-01-04
// (2027-01-01 is a Friday), a working day under this test file.
func TestDeadlineCalendarDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "2027.json"), []byte(`{"year": 2027, "notice": "test notice",
		"notice_date": "2026-11-01", "holidays": ["2027-01-01"], "workdays": []}`), 0o600); err != nil {
		t.Fatal(err)
	}
	r := ipcase(t, calcArgs("2026-12-20", "15", "calendar-days", "--local", "--calendar-dir", dir)...)
	var got deadlineJSON
	if r.code != exitOK || json.Unmarshal([]byte(r.stdout), &got) != nil || got.Due != "2027-01-04" || got.Provisional {
		t.Errorf("exit %d, stdout %s, stderr %s; want due 2027-01-04, not provisional", r.code, r.stdout, r.stderr)
	}
}
