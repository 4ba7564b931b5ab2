package main

import (
	"strings"
	"testing"
)

// TestCompletion prints a script for each shell, refuses others, and
// completes matter names from the server.
func TestCompletion(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		shell, want string
	}{
		{"bash", "complete -o default -F __start_ipcase ipcase"},
		{"zsh", "#compdef ipcase"},
		{"fish", "complete -c ipcase"},
	} {
		t.Run(tt.shell, func(t *testing.T) {
			t.Parallel()
			if r := ipcase(t, "completion", tt.shell); r.code != exitOK || !strings.Contains(r.stdout, tt.want) {
				t.Errorf("exit %d; script lacks %q:\n%.300s", r.code, tt.want, r.stdout)
			}
		})
	}
	if r := ipcase(t, "completion", "powershell"); r.code != exitUsage {
		t.Errorf("an unknown shell: exit %d, want %d", r.code, exitUsage)
	}
	t.Run("matter names", func(t *testing.T) {
		t.Parallel()
		s := newSession(t)
		s.login(t)
		r := s.run(t, "", "__complete", "matters", "show", "")
		if r.code != exitOK || !strings.Contains(r.stdout, s.matter.GetName()+"\t"+s.matter.GetNumber()+" submitted") {
			t.Errorf("completing a matter: exit %d\n%s%s", r.code, r.stdout, r.stderr)
		}
		if r := s.run(t, "", "__complete", "complaint", "accept", "--route", ""); !strings.Contains(r.stdout, ":4") {
			t.Logf("flag values complete as: %q", r.stdout)
		}
	})
}
