package main

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestComplaint accepts one complaint, refuses what the state table does
// not allow with its reason and exit code 3, and detects a stale etag.
func TestComplaint(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	s.login(t)
	name := s.matter.GetName()

	accept := []string{"complaint", "accept", name, "--route", "enforcement", "--forum", "SAMR-HZ", "--note", "clear copying", "--request-id", "accept-once"}
	acc := s.run(t, "", accept...)
	if acc.code != exitOK || !strings.Contains(acc.stdout, s.matter.GetNumber()+": accepted, in progress (filing review accepted before SAMR-HZ; enforcement opened before SAMR-HZ). etag \"v2\"\n") {
		t.Fatalf("accept: exit %d\n%s%s", acc.code, acc.stdout, acc.stderr)
	}
	rej := s.run(t, "", "complaint", "reject", name, "--reason", "no standing")
	if rej.code != exitRefused || !strings.Contains(rej.stderr, "ipcase: refused: ") || !strings.Contains(rej.stderr, "ACCEPTED") ||
		strings.Contains(rej.stderr, "failed precondition") || strings.Contains(rej.stderr, "RejectComplaint(") {
		t.Errorf("rejecting an accepted complaint: exit %d, stderr %q; want 3 and the state, in plain words", rej.code, rej.stderr)
	}
	// The same command again, as after a connection lost once the accept was
	// made: the etag it reads now is newer than the first one, and it still
	// gets the first answer; the same id with another note is refused.
	if again := s.run(t, "", accept...); again.code != exitOK || again.stdout != acc.stdout {
		t.Errorf("accept retried with its request id: exit %d\n%s%s; want the first answer\n%s", again.code, again.stdout, again.stderr, acc.stdout)
	}
	changed := append(slices.Clone(accept), "--note", "another note")
	if r := s.run(t, "", changed...); r.code != exitRefused || !strings.Contains(r.stderr, "already used for a different request") {
		t.Errorf("request id reused with another note: exit %d, stderr %q; want refused on the request id", r.code, r.stderr)
	}

	other := s.file(t, "《江南水乡》")
	for _, tt := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"stale etag", []string{"complaint", "withdraw", other.GetName(), "--etag", `"v0"`}, exitRefused, "run the command again without --etag"},
		{"no reason", []string{"complaint", "reject", other.GetName()}, exitRefused, "ipcase: refused: --reason (reason): "},
		{"no forum", []string{"complaint", "accept", other.GetName(), "--route", "trial"}, exitRefused, "--forum (forum): "},
		{"bad route", []string{"complaint", "accept", other.GetName(), "--route", "police", "--forum", "x"}, exitUsage, `--route: "police" is not`},
		{"two matters", []string{"complaint", "withdraw", other.GetName(), name}, exitUsage, "takes one matter"},
		{"another agency", []string{"complaint", "withdraw", other.GetName(), "--token", s.srv.Officer(t, "SAMR-SH")}, exitFailure, "ipcase: matter not found\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := s.run(t, "", tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want %d and %q", r.code, r.stderr, tt.code, tt.stderr)
			}
		})
	}

	w := s.run(t, "", "complaint", "withdraw", other.GetName(), "--etag", other.GetEtag(), "--reason", "settled", "-o", "json")
	var m struct {
		State       string
		Etag        string
		Proceedings []struct{ State, Reason string }
	}
	if err := json.Unmarshal([]byte(w.stdout), &m); err != nil || w.code != exitOK {
		t.Fatalf("withdraw -o json: exit %d, %v\n%s%s", w.code, err, w.stdout, w.stderr)
	}
	if m.State != "MATTER_STATE_WITHDRAWN" || m.Etag != `"v2"` || m.Proceedings[0].Reason != "settled" {
		t.Errorf("withdrawn matter %+v", m)
	}
}
