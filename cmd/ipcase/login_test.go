package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/status/statustest"
)

// session is a user of the CLI with a config file of its own, against a
// real ipcased with one matter filed with SAMR-HZ.
type session struct {
	srv     *statustest.Server
	config  string
	officer string
	matter  *ipcasev1.Matter
}

func newSession(t *testing.T) *session {
	t.Helper()
	srv := statustest.Start(t, statustest.Options{PageURL: "http://127.0.0.1:8080"})
	s := &session{srv: srv, config: filepath.Join(t.TempDir(), "ipcase", "config.json"), officer: srv.Officer(t, "SAMR-HZ")}
	s.matter = s.file(t, "《山海行记》")
	return s
}

// file files a copyright complaint with SAMR-HZ as the officer.
func (s *session) file(t *testing.T, title string) *ipcasev1.Matter {
	t.Helper()
	resp, err := ipcasev1.NewFilingServiceClient(servertest.Dial(t, s.srv.Addr)).SubmitComplaint(authtest.WithToken(t.Context(), s.officer),
		&ipcasev1.SubmitComplaintRequest{
			Complainant: &ipcasev1.Party{Kind: ipcasev1.PartyKind_PARTY_KIND_PERSON, DisplayName: "李明"},
			Respondents: []*ipcasev1.Party{{Kind: ipcasev1.PartyKind_PARTY_KIND_ORGANIZATION, DisplayName: "福州云端文化传播有限公司", CreditCode: "91350100M000100Y43"}},
			Rights:      []*ipcasev1.IpRight{{Type: ipcasev1.IpType_IP_TYPE_COPYRIGHT, Title: title}},
			Facts:       "Twelve photographs offered for download without licence.",
			KnownSince:  "2026-10-01",
			Agency:      "SAMR-HZ",
		})
	if err != nil {
		t.Fatal(err)
	}
	return resp.GetMatter()
}

// run runs ipcase with the session's config file, stdin as standard input
// and no IPCASE_SERVER or IPCASE_TOKEN.
func (s *session) run(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, args...)
	cmd.Env = append(os.Environ(), "IPCASE_SERVER=", "IPCASE_TOKEN=", "IPCASE_TLS_CA=", "IPCASE_CONFIG="+s.config)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("running ipcase %s: %v", strings.Join(args, " "), err)
	}
	return result{stdout.String(), stderr.String(), cmd.ProcessState.ExitCode()}
}

// login logs the session in as the officer.
func (s *session) login(t *testing.T) {
	t.Helper()
	if r := s.run(t, s.officer, "login", "--server", s.srv.Addr); r.code != exitOK {
		t.Fatalf("login: exit %d, %s", r.code, r.stderr)
	}
}

// TestLogin checks the token with the server, saves it 0600 for later
// commands, and forgets it on logout; a refused token saves nothing.
func TestLogin(t *testing.T) {
	t.Parallel()
	s := newSession(t)
	tokenFile := filepath.Join(t.TempDir(), "officer.token")
	if err := os.WriteFile(tokenFile, []byte(s.officer+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
	}{
		{"token on standard input", s.officer + "\n", nil},
		{"--token-file", "", []string{"--token-file", tokenFile}},
		{"--token", "", []string{"--token", s.officer}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			u := &session{srv: s.srv, config: filepath.Join(t.TempDir(), "config.json")}
			r := u.run(t, tt.stdin, append([]string{"login", "--server", s.srv.Addr}, tt.args...)...)
			if r.code != exitOK || !strings.Contains(r.stdout, "Logged in to "+s.srv.Addr+" as officer@SAMR-HZ (officer, SAMR-HZ)") {
				t.Fatalf("login: exit %d\n%s%s", r.code, r.stdout, r.stderr)
			}
			st, err := os.Stat(u.config)
			if err != nil || st.Mode().Perm() != 0o600 {
				t.Fatalf("config file: %v, mode %v; want 0600", err, st.Mode())
			}
			var saved map[string]string
			b, _ := os.ReadFile(u.config)
			if err := json.Unmarshal(b, &saved); err != nil || saved["server"] != s.srv.Addr || saved["token"] != s.officer {
				t.Errorf("saved %s", b)
			}
			if list := u.run(t, "", "matters", "list"); list.code != exitOK || !strings.Contains(list.stdout, s.matter.GetNumber()) {
				t.Errorf("a command after login, with no flags: exit %d\n%s%s", list.code, list.stdout, list.stderr)
			}
		})
	}
	t.Run("refused token", func(t *testing.T) {
		t.Parallel()
		u := &session{srv: s.srv, config: filepath.Join(t.TempDir(), "config.json")}
		r := u.run(t, "not.a.token\n", "login", "--server", s.srv.Addr)
		if r.code != exitFailure || !strings.Contains(r.stderr, "refused the credentials") {
			t.Errorf("exit %d, stderr %q", r.code, r.stderr)
		}
		if _, err := os.Stat(u.config); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("a refused login wrote %s", u.config)
		}
	})
	t.Run("logout", func(t *testing.T) {
		t.Parallel()
		u := &session{srv: s.srv, config: filepath.Join(t.TempDir(), "config.json"), officer: s.officer}
		u.login(t)
		if help := u.run(t, "", "matters", "list", "--help"); strings.Contains(help.stdout, s.officer) {
			t.Error("--help prints the saved token")
		}
		if r := u.run(t, "", "logout"); r.code != exitOK {
			t.Fatalf("logout: %d %s", r.code, r.stderr)
		}
		if r := u.run(t, "", "matters", "list"); r.code != exitFailure || !strings.Contains(r.stderr, "no token: run ipcase login first") {
			t.Errorf("after logout: exit %d, %q", r.code, r.stderr)
		}
	})
}
