package main

import (
	"strings"
	"testing"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
)

// nextCommand returns the arguments of the "Next: ipcase …" (or "Next, as
// COURT: ipcase …") line of out.
func nextCommand(t *testing.T, out string) []string {
	t.Helper()
	for line := range strings.SplitSeq(out, "\n") {
		if strings.HasPrefix(line, "Next") {
			_, cmd, ok := strings.Cut(line, ": ipcase ")
			if ok {
				return strings.Fields(cmd)
			}
		}
	}
	t.Fatalf("no Next line in %q", out)
	return nil
}

// TestAcceptSaysWhatIsNext accepts a complaint into each route and checks
// that the output says what did and did not happen — enforcement and
// mediation are not open until their own command, the trial is received
// by the court — and that the command it names is the one that works.
func TestAcceptSaysWhatIsNext(t *testing.T) {
	t.Parallel()
	e := newChain(t, "2026-06-01")
	officer, clerk := e.officer(), e.clerk("京73")
	for _, tt := range []struct {
		route, forum, said string
		kind               ipcasev1.ProceedingKind
		show               []string // reads the proceeding: not opened before the next command
		by                 *user
	}{
		{"enforcement", "SAMR-HZ", "Accepted into enforcement before SAMR-HZ; no case is open yet.", ipcasev1.ProceedingKind_PROCEEDING_KIND_ENFORCEMENT,
			[]string{"enforcement", "show"}, officer},
		{"mediation", "SAMR-HZ", "Accepted into mediation before SAMR-HZ; no mediation is requested yet.", ipcasev1.ProceedingKind_PROCEEDING_KIND_MEDIATION,
			[]string{"mediation", "show"}, officer},
		{"trial", "京73", "Accepted into trial before 京73; the court receives it, awaiting docketing.", ipcasev1.ProceedingKind_PROCEEDING_KIND_TRIAL,
			nil, clerk},
	} {
		func() { // no subtest: the users fail the test they were made in
			var m ipcasev1.Matter
			officer.read(&m, "complaint", "submit", "--agency", "SAMR-HZ", "--complainant", "person:李明", "--respondent", "person:王五",
				"--right", "copyright::《"+tt.route+"》", "--facts", "Copies sold online.")
			out := officer.must("complaint", "accept", m.GetName(), "--route", tt.route, "--forum", tt.forum)
			if !strings.Contains(out, tt.said) {
				t.Errorf("accept --route %s says:\n%s", tt.route, out)
			}
			next := nextCommand(t, out)
			if tt.show != nil {
				var acc ipcasev1.GetMatterResponse
				officer.read(&acc, "matters", "show", m.GetName())
				p := proceeding(t, acc.GetMatter(), tt.kind, tt.forum)
				if r := officer.run(append(tt.show, p)...); r.code != exitFailure || !strings.Contains(r.stderr, "not opened yet") {
					t.Errorf("%s before %v: exit %d %q; want not opened yet", strings.Join(tt.show, " "), next, r.code, r.stderr)
				}
			}
			e.pump() // a routed trial is received by the court in the background
			tt.by.must(next...)
		}()
	}
}

// TestSecondEnforcementCase: ipcased refuses a second case while the
// first is open before the same agency, but would open one once the first
// is closed; enforcement open refuses it then too, naming the first case,
// unless --another is given.
func TestSecondEnforcementCase(t *testing.T) {
	t.Parallel()
	e := newChain(t, "2026-06-01")
	officer := e.officer()
	m := e.fileAs(officer, "enforcement", "SAMR-HZ")
	var k ipcasev1.EnforcementCase
	officer.read(&k, "enforcement", "open", m.GetName(), "--agency", "SAMR-HZ")
	first := k.GetName()
	if r := officer.run("enforcement", "open", m.GetName(), "--agency", "SAMR-HZ", "--another"); r.code != exitRefused ||
		!strings.Contains(r.stderr, "already has an enforcement case of SAMR-HZ") {
		t.Errorf("a second case while the first is open, --another: exit %d %q; want the server's refusal", r.code, r.stderr)
	}
	officer.must("enforcement", "dismiss", first, "--reason", "no infringement")
	officer.must("enforcement", "close", first, "--reason", "dismissed")
	r := officer.run("enforcement", "open", m.GetName(), "--agency", "SAMR-HZ")
	if r.code != exitRefused || !strings.Contains(r.stderr, "already has an enforcement case: "+first+" (closed before SAMR-HZ, opened 2026-06-01); give --another") {
		t.Fatalf("a second case after the first closed: exit %d %q", r.code, r.stderr)
	}
	officer.read(&k, "enforcement", "open", m.GetName(), "--agency", "SAMR-HZ", "--another")
	if k.GetName() == first || k.GetState() != ipcasev1.ProceedingState_PROCEEDING_STATE_OPENED {
		t.Errorf("open --another: %s %v; want a new case", k.GetName(), k.GetState())
	}
}
