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
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/cobra"

	"github.com/ipcase/ipcase/internal/auth"
)

type result struct {
	stdout, stderr string
	code           int
}

// ipcased runs the command line args in process, as main does, and returns
// what it printed and the exit code main would give.
func ipcased(t *testing.T, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), args, &stdout, &stderr)
	return result{stdout.String(), stderr.String(), exitCode(err)}
}

// wantFailure fails t unless r is a failure with code whose stderr is one
// plain line, "ipcased: ..." containing want: no JSON log line, no stack.
func wantFailure(t *testing.T, r result, code int, want string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit %d, want %d; stderr:\n%s", r.code, code, r.stderr)
	}
	line, rest, _ := strings.Cut(r.stderr, "\n")
	if rest != "" || !strings.HasPrefix(line, "ipcased: ") || strings.Contains(line, "{") || strings.Contains(line, "goroutine") {
		t.Errorf("stderr is not one plain line:\n%s", r.stderr)
	}
	if !strings.Contains(line, want) {
		t.Errorf("stderr %q does not say %q", line, want)
	}
}

// TestHelp asks every command of the tree for help, with --help and -h: it
// must print the command's description and usage to stdout and exit 0.
func TestHelp(t *testing.T) {
	t.Parallel()
	var cmds []*cobra.Command
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		cmds = append(cmds, c)
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(newRootCmd(nil))
	if len(cmds) < 8 {
		t.Fatalf("walked %d commands; the tree is not the real one", len(cmds))
	}
	for _, c := range cmds {
		if c.Short == "" || c.Long == "" {
			t.Errorf("%q needs a short and a long description", c.CommandPath())
		}
		path := strings.Fields(c.CommandPath())[1:]
		for _, help := range []string{"--help", "-h"} {
			args := append(append([]string{}, path...), help)
			t.Run(strings.Join(args, " "), func(t *testing.T) {
				t.Parallel()
				r := ipcased(t, args...)
				if r.code != exitOK || r.stderr != "" {
					t.Errorf("exit %d, stderr:\n%s", r.code, r.stderr)
				}
				for _, want := range []string{c.Long, "Usage:\n  " + c.UseLine(), "-h, --help"} {
					if !strings.Contains(r.stdout, want) {
						t.Errorf("help does not show %q:\n%s", want, r.stdout)
					}
				}
			})
		}
	}
}

// TestHelpNamesEnvironment checks that the commands that read the
// environment say what they read.
func TestHelpNamesEnvironment(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		args []string
		want []string
	}{
		{[]string{"--help"}, []string{"DATABASE_URL", "README.md"}},
		{[]string{"serve", "--help"}, []string{"--side", "IPCASE_SIDE", "DATABASE_URL", "IPCASE_CHECKPOINT_KEY_FILE", "IPCASE_AUTH_JWKS_FILE", "IPCASE_GRPC_ADDR"}},
		{[]string{"migrate", "--help"}, []string{"--create", "DATABASE_URL"}},
		{[]string{"token", "keygen", "--help"}, []string{"--kid", "--private", "--jwks", "IPCASE_AUTH_JWKS_FILE"}},
		{[]string{"token", "issue", "--help"}, []string{"--key", "--sub", "--role", "--agency", "--parties", "--ttl", "IPCASE_AUTH_ISSUER", "IPCASE_AUTH_AUDIENCE"}},
		{[]string{"dev", "certs", "--help"}, []string{"--dir", "--court", "IPCASE_COURT_CA"}},
		{[]string{"demo", "--help"}, []string{"--addr", "--token", "IPCASE_TOKEN"}},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := ipcased(t, tt.args...)
			for _, want := range tt.want {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("help does not name %s:\n%s", want, r.stdout)
				}
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
		{[]string{"sreve"}, `ipcased: unknown command "sreve"; did you mean "serve"?`},
		{[]string{"serve", "--bogus"}, "ipcased: serve: unknown flag: --bogus"},
		{[]string{"serve", "--side", "court"}, `ipcased: serve: invalid argument "court" for "--side" flag`},
		{[]string{"serve", "extra"}, `ipcased: serve: takes no arguments, got ["extra"]`},
		{[]string{"migrate", "-create"}, "ipcased: migrate: -create is not a flag; use --create"},
		{[]string{"token"}, "ipcased: token: give a subcommand: keygen or issue"},
		{[]string{"token", "mint"}, `ipcased: token: unknown command "mint"`},
		{[]string{"token", "keygen", "-kid", "k-1", "-private", "k.jwk"}, "ipcased: token keygen: -kid is not a flag; use --kid"},
		{[]string{"token", "keygen", "--kid", "k-1"}, "ipcased: token keygen: --private is required"},
		{[]string{"token", "issue", "--key", "k.jwk", "--sub", "s"}, "ipcased: token issue: --role is required"},
		{[]string{"token", "issue", "--key", "k.jwk", "--sub", "s", "--role", "admin", "--ttl", "soon"}, `ipcased: token issue: invalid argument "soon" for "--ttl" flag`},
		{[]string{"dev"}, "ipcased: dev: give a subcommand: certs"},
		{[]string{"dev", "certs", "--dir", "certs"}, "ipcased: dev certs: --court is required"},
		{[]string{"demo", "--addr"}, "ipcased: demo: flag needs an argument: --addr"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			r := ipcased(t, tt.args...)
			wantFailure(t, r, exitUsage, tt.want)
			if r.stdout != "" {
				t.Errorf("stdout is not empty:\n%s", r.stdout)
			}
		})
	}
}

// configVars are the variables TestConfigErrors sets or clears.
var configVars = []string{"DATABASE_URL", "IPCASE_SIDE", "IPCASE_CHECKPOINT_KEY_FILE", "IPCASE_AUTH_JWKS_FILE", "IPCASE_AUTH_JWKS_URL", "IPCASE_HEALTH_INTERVAL",
	"IPCASE_SIGNIN_KEY_FILE", "IPCASE_SIGNIN_OUTBOX_DIR", "IPCASE_AUTH_KEY_ROLES", "IPCASE_DECISION_KEY_DIR"}

// TestConfigErrors starts commands with something missing or wrong in the
// environment: each must stop with one plain line, before it logs or
// connects to anything.
func TestConfigErrors(t *testing.T) {
	// Not parallel: it sets the process's environment.
	const db = "postgres://nobody@127.0.0.1:1/none?sslmode=disable"
	missing := filepath.Join(t.TempDir(), "missing.json")
	for _, tt := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"migrate without a database", []string{"migrate"}, nil, "ipcased: migrate: reading config: URL: missing required value: DATABASE_URL"},
		{"serve without a database", []string{"serve"}, nil, "ipcased: serve: reading config: Store: URL: missing required value: DATABASE_URL"},
		{"no command is serve", nil, nil, "ipcased: reading config: Store: URL: missing required value: DATABASE_URL"},
		{"no checkpoint key", []string{"serve"}, map[string]string{"DATABASE_URL": db}, "missing required value: IPCASE_CHECKPOINT_KEY_FILE"},
		{"bad side", []string{"serve"}, map[string]string{"DATABASE_URL": db, "IPCASE_CHECKPOINT_KEY_FILE": missing, "IPCASE_SIDE": "court"},
			`ipcased: serve: IPCASE_SIDE: side "court": want all, administrative or judicial`},
		{"bad health interval", []string{"serve"}, map[string]string{"DATABASE_URL": db, "IPCASE_CHECKPOINT_KEY_FILE": missing, "IPCASE_HEALTH_INTERVAL": "0s"},
			"ipcased: serve: IPCASE_HEALTH_INTERVAL: 0s must be positive"},
		{"no token keys", []string{"serve"}, map[string]string{"DATABASE_URL": db, "IPCASE_CHECKPOINT_KEY_FILE": missing},
			"ipcased: serve: auth: set IPCASE_AUTH_JWKS_FILE or IPCASE_AUTH_JWKS_URL"},
		{"no checkpoint key file", []string{"serve"}, map[string]string{"DATABASE_URL": db, "IPCASE_CHECKPOINT_KEY_FILE": missing, "IPCASE_AUTH_JWKS_FILE": writeKeys(t).jwks},
			"ipcased: serve: checkpoint key: open " + missing},
		{"no decision key directory", []string{"serve"}, map[string]string{"DATABASE_URL": db, "IPCASE_CHECKPOINT_KEY_FILE": writeKeys(t).private,
			"IPCASE_AUTH_JWKS_FILE": writeKeys(t).jwks}, "ipcased: serve: IPCASE_DECISION_KEY_DIR is required"},
		{"decision key directory open to others", []string{"serve"}, map[string]string{"DATABASE_URL": db, "IPCASE_CHECKPOINT_KEY_FILE": writeKeys(t).private,
			"IPCASE_AUTH_JWKS_FILE": writeKeys(t).jwks, "IPCASE_DECISION_KEY_DIR": openDir(t)}, "has mode 755: private keys need 0700"},
		{"sign-in key without an outbox", []string{"serve"}, map[string]string{"DATABASE_URL": db, "IPCASE_CHECKPOINT_KEY_FILE": missing, "IPCASE_SIGNIN_KEY_FILE": missing},
			"ipcased: serve: IPCASE_SIGNIN_KEY_FILE is set but IPCASE_SIGNIN_OUTBOX_DIR is not"},
		{"misspelt key role", []string{"serve"}, map[string]string{"DATABASE_URL": db, "IPCASE_CHECKPOINT_KEY_FILE": missing, "IPCASE_AUTH_JWKS_FILE": writeKeys(t).jwks,
			"IPCASE_AUTH_KEY_ROLES": "signin-1=sesion"}, `ipcased: serve: auth: IPCASE_AUTH_KEY_ROLES: key "signin-1": "sesion" is not a key role`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, n := range configVars {
				t.Setenv(n, "")
				os.Unsetenv(n) //nolint:errcheck // t.Setenv restores it
			}
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			wantFailure(t, ipcased(t, tt.args...), exitFailure, tt.want)
		})
	}
}

type keys struct{ private, jwks string }

// openDir is a directory anyone may read: no place for private keys.
func openDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "decision-keys")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// writeKeys makes a signing key and its JWKS with `ipcased token keygen`.
func writeKeys(t *testing.T) keys {
	t.Helper()
	dir := t.TempDir()
	k := keys{filepath.Join(dir, "signing.jwk"), filepath.Join(dir, "jwks.json")}
	if r := ipcased(t, "token", "keygen", "--kid", "test-1", "--private", k.private, "--jwks", k.jwks); r.code != exitOK {
		t.Fatalf("token keygen: exit %d\n%s", r.code, r.stderr)
	}
	return k
}

// TestTokens makes a key and a token with the commands and verifies the
// token as ipcased would.
func TestTokens(t *testing.T) {
	t.Parallel()
	k := writeKeys(t)
	r := ipcased(t, "token", "issue", "--key", k.private, "--sub", "officer-17", "--role", "officer", "--agency", "SAMR-HZ",
		"--ttl", "1h", "--iss", "ipcase", "--aud", "ipcase")
	if r.code != exitOK {
		t.Fatalf("token issue: exit %d\n%s", r.code, r.stderr)
	}
	v, err := auth.NewVerifier(t.Context(), auth.TokenConfig{JWKSFile: k.jwks, Issuer: "ipcase", Audience: "ipcase"})
	if err != nil {
		t.Fatal(err)
	}
	got, err := v.Verify(t.Context(), strings.TrimSpace(r.stdout))
	if err != nil {
		t.Fatalf("the token issued does not verify: %v", err)
	}
	if diff := cmp.Diff(auth.Principal{Subject: "officer-17", Role: "officer", Agency: "SAMR-HZ"}, got); diff != "" {
		t.Errorf("mismatch (-want +got):\n%s", diff)
	}
	// A second key with the same id would leave two keys under one kid.
	r = ipcased(t, "token", "keygen", "--kid", "test-1", "--private", filepath.Join(t.TempDir(), "again.jwk"), "--jwks", k.jwks)
	wantFailure(t, r, exitFailure, `ipcased: token keygen: `+k.jwks+` already has a key "test-1"`)
	r = ipcased(t, "token", "issue", "--key", filepath.Join(t.TempDir(), "none.jwk"), "--sub", "s", "--role", "admin")
	wantFailure(t, r, exitFailure, "ipcased: token issue: --key: open ")
}

// TestTokenRoles: keygen writes the roles a key may sign into the JWKS;
// issue refuses what the key may not sign, and a lifetime ipcased would
// refuse; the verifier refuses the sign-in key's administrator token even
// when it is forged past issue.
func TestTokenRoles(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	signin, jwks := filepath.Join(dir, "signin.jwk"), filepath.Join(dir, "jwks.json")
	if r := ipcased(t, "token", "keygen", "--kid", "signin-1", "--roles", "session", "--private", signin, "--jwks", jwks); r.code != exitOK {
		t.Fatalf("token keygen: exit %d\n%s", r.code, r.stderr)
	}
	b, err := os.ReadFile(jwks)
	if err != nil || !strings.Contains(string(b), `"roles": [`) || !strings.Contains(string(b), `"session"`) {
		t.Errorf("JWKS %s (%v) does not give the key its roles", b, err)
	}
	r := ipcased(t, "token", "issue", "--key", signin, "--sub", "x", "--role", "admin")
	wantFailure(t, r, exitFailure, `ipcased: token issue: key "signin-1" may sign session, not admin`)
	k := writeKeys(t)
	r = ipcased(t, "token", "issue", "--key", k.private, "--sub", "x", "--role", "admin", "--ttl", "1000h")
	wantFailure(t, r, exitFailure, "ipcased: token issue: --ttl 1000h0m0s: ipcased accepts tokens that live up to 720h0m0s")
	r = ipcased(t, "token", "keygen", "--kid", "k-2", "--roles", "officer,root", "--private", filepath.Join(dir, "k2.jwk"))
	wantFailure(t, r, exitFailure, `ipcased: token keygen: --roles: "root" is not a key role`)

	// What issue refuses, a thief of the key could still sign.
	var key auth.JWK
	b, _ = os.ReadFile(signin)
	if err := json.Unmarshal(b, &key); err != nil {
		t.Fatal(err)
	}
	key.Roles = nil
	forged, err := auth.Issue(key, auth.IssueParams{Issuer: "ipcase", Audience: "ipcase", Subject: "x", Role: auth.Admin, TTL: time.Hour, Now: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewVerifier(t.Context(), auth.TokenConfig{JWKSFile: jwks, Issuer: "ipcase", Audience: "ipcase"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(t.Context(), forged); err == nil || !strings.Contains(err.Error(), `key "signin-1" may sign session, not admin`) {
		t.Errorf("admin token signed with the sign-in key: %v, want refused", err)
	}
}

// TestBinary runs the built ipcased as a process: main's exit codes, and
// nothing on stderr but the one line, whatever zap would log.
func TestBinary(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "ipcased")
	if out, err := exec.CommandContext(t.Context(), "go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, tt := range []struct {
		args       []string
		code       int
		stdout     string // what stdout contains
		stderrLine string // all of stderr
	}{
		{[]string{"--help"}, exitOK, "Usage:\n  ipcased [flags]\n  ipcased [command]", ""},
		{[]string{"-h"}, exitOK, "Usage:\n  ipcased [flags]", ""},
		{[]string{"token", "issue", "--help"}, exitOK, "Usage:\n  ipcased token issue --key FILE --sub SUBJECT --role ROLE [flags]", ""},
		{[]string{"token", "issue", "--key", "k.jwk", "--sub", "s"}, exitUsage, "", "ipcased: token issue: --role is required"},
		{[]string{"token", "keygen", "-kid", "k-1"}, exitUsage, "", "ipcased: token keygen: -kid is not a flag; use --kid"},
		{[]string{"migrate"}, exitFailure, "", "ipcased: migrate: reading config: URL: missing required value: DATABASE_URL"},
		{nil, exitFailure, "", "ipcased: reading config: Store: URL: missing required value: DATABASE_URL"},
	} {
		t.Run(strings.Join(append([]string{"ipcased"}, tt.args...), " "), func(t *testing.T) {
			t.Parallel()
			cmd := exec.CommandContext(t.Context(), bin, tt.args...)
			// Production logging (JSON), and no configuration of whoever runs
			// the tests.
			cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			var exit *exec.ExitError
			if err := cmd.Run(); err != nil && !errors.As(err, &exit) {
				t.Fatal(err)
			}
			if code := cmd.ProcessState.ExitCode(); code != tt.code {
				t.Errorf("exit %d, want %d", code, tt.code)
			}
			wantStderr := ""
			if tt.stderrLine != "" {
				wantStderr = tt.stderrLine + "\n"
			}
			if diff := cmp.Diff(wantStderr, stderr.String()); diff != "" {
				t.Errorf("stderr mismatch (-want +got):\n%s", diff)
			}
			if !strings.Contains(stdout.String(), tt.stdout) {
				t.Errorf("stdout does not contain %q:\n%s", tt.stdout, stdout.String())
			}
		})
	}
}
