package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	ipcasev1 "github.com/ipcase/ipcase/api/ipcase/v1"
	"github.com/ipcase/ipcase/internal/auth/authtest"
	"github.com/ipcase/ipcase/internal/civil"
	"github.com/ipcase/ipcase/internal/decision"
	"github.com/ipcase/ipcase/internal/server"
	"github.com/ipcase/ipcase/internal/server/servertest"
	"github.com/ipcase/ipcase/internal/store/storetest"
)

// TestDecisionKeyCommands runs `ipcase decision-key rotate|list|revoke`,
// built, against a real ipcased (DecisionService over a fresh database and
// a key directory) with authentication on.
func TestDecisionKeyCommands(t *testing.T) {
	t.Parallel()
	env := authtest.New(t)
	db := storetest.NewDB(t)
	ring, err := decision.OpenKeyDir(filepath.Join(t.TempDir(), "keys"))
	if err != nil {
		t.Fatal(err)
	}
	addr := servertest.Serve(t, func(s *server.Server) {
		ipcasev1.RegisterDecisionServiceServer(s, decision.NewServer(decision.NewStore(db, ring), time.Now))
	}, nil, env.ServerOptions()...)
	admin := env.Admin(t)
	// run runs ipcase with args, the server and token flags before a "--"
	// that ends the flags.
	run := func(args ...string) result {
		t.Helper()
		flags := []string{"--server", addr, "--token", admin}
		if i := slices.Index(args, "--"); i >= 0 {
			return ipcase(t, slices.Concat(args[:i], flags, args[i:])...)
		}
		return ipcase(t, append(args, flags...)...)
	}
	type key struct {
		Kid, Issuer, Status, Revoked, RevokedReason string
		RetiredKid                                  string `json:"retired_kid"`
	}

	// The agency's first key, then a rotation.
	r := run("decision-key", "rotate", "SAMR-HZ", "-o", "json")
	var k1 key
	if r.code != exitOK || json.Unmarshal([]byte(r.stdout), &k1) != nil || k1.Status != "CURRENT" || k1.Issuer != "SAMR-HZ" || k1.RetiredKid != "" {
		t.Fatalf("first rotate: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = run("decision-key", "rotate", "SAMR-HZ")
	if r.code != exitOK || !strings.Contains(r.stdout, "retired "+k1.Kid) || !strings.Contains(r.stdout, "CURRENT") {
		t.Fatalf("second rotate: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	// list needs no token.
	r = ipcase(t, "decision-key", "list", "--server", addr, "-o", "json")
	var keys []key
	if r.code != exitOK || json.Unmarshal([]byte(r.stdout), &keys) != nil || len(keys) != 2 || keys[0].Kid != k1.Kid ||
		keys[0].Status != "RETIRED" || keys[1].Status != "CURRENT" {
		t.Fatalf("list: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	k2 := keys[1].Kid

	// Revoke the retired key from today, with the reason.
	today := civil.Today(time.Now()).String()
	// A kid may begin with "-" (base64url): it goes after "--".
	r = run("decision-key", "revoke", "--reason", "key file copied off the server", "--effective", today, "-o", "json", "--", k1.Kid)
	var rk key
	if r.code != exitOK || json.Unmarshal([]byte(r.stdout), &rk) != nil || rk.Status != "REVOKED" || !strings.HasPrefix(rk.Revoked, today) ||
		rk.RevokedReason != "key file copied off the server" {
		t.Fatalf("revoke: exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = run("decision-key", "list", "--issuer", "SAMR-HZ")
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if r.code != exitOK || len(lines) != 3 || !strings.HasPrefix(lines[0], "KID") ||
		!strings.Contains(lines[1], k1.Kid+"  REVOKED") || !strings.Contains(lines[1], "key file copied off the server") ||
		!strings.Contains(lines[2], k2+"  CURRENT") {
		t.Fatalf("list after revoke: exit %d, stdout:\n%s\nstderr %q", r.code, r.stdout, r.stderr)
	}

	// Refusals: no reason (usage), a later day (the flag named), a second
	// revocation, another agency's officer.
	if r := run("decision-key", "revoke", "--", k2); r.code != exitUsage || !strings.Contains(r.stderr, "--reason is required") {
		t.Errorf("revoke without --reason: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := run("decision-key", "revoke", "--reason", "x", "--effective", "2999-01-01", "--", k2); r.code != exitRefused ||
		!strings.Contains(r.stderr, "--effective") || !strings.Contains(r.stderr, "after today") {
		t.Errorf("revoke from a later day: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := run("decision-key", "revoke", "--reason", "x", "--", "-TF7j5u44ABnsg1Ydf0fB"); r.code == exitUsage || strings.Contains(r.stderr, "flag") {
		t.Errorf("a kid beginning with -, after --, was not sent as a kid: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := run("decision-key", "revoke", "--reason", "again", "--", k1.Kid); r.code != exitFailure || !strings.Contains(r.stderr, "already revoked on "+today) {
		t.Errorf("revoke twice: exit %d, stderr %q", r.code, r.stderr)
	}
	other := env.Officer(t, "SAMR-SH")
	if r := ipcase(t, "decision-key", "rotate", "SAMR-HZ", "--server", addr, "--token", other); r.code != exitFailure ||
		!strings.Contains(r.stderr, "not allowed") {
		t.Errorf("rotate by another agency's officer: exit %d, stderr %q", r.code, r.stderr)
	}
	// Nothing the refusals sent changed the keys.
	r = ipcase(t, "decision-key", "list", "--server", addr, "-o", "json")
	keys = nil
	if json.Unmarshal([]byte(r.stdout), &keys) != nil || len(keys) != 2 || keys[1].Status != "CURRENT" {
		t.Fatalf("keys after the refusals: %s", r.stdout)
	}
}
