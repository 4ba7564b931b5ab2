package main

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ipcase/ipcase/internal/auth"
)

// TestSecretFilesAreOwnerOnly: the private keys `token keygen` writes and
// the keys `dev certs` writes are readable by their owner only, also when
// the key file existed with a wider mode, or is a link to another file.
func TestSecretFilesAreOwnerOnly(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	wantMode := func(path string, want fs.FileMode) {
		t.Helper()
		fi, err := os.Lstat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode(); got != want {
			t.Errorf("%s: mode %v, want %v", filepath.Base(path), got, want)
		}
	}
	keygen := func(kid, path string) {
		t.Helper()
		if r := ipcased(t, "token", "keygen", "--kid", kid, "--private", path, "--jwks", filepath.Join(dir, "jwks.json")); r.code != exitOK {
			t.Fatalf("token keygen: exit %d\n%s", r.code, r.stderr)
		}
		var k auth.JWK
		if b, err := os.ReadFile(path); err != nil || json.Unmarshal(b, &k) != nil || k.Kid != kid || k.D == "" {
			t.Fatalf("%s does not hold the private key %s (%v)", path, kid, err)
		}
	}

	fresh := filepath.Join(dir, "fresh.jwk")
	keygen("fresh-1", fresh)
	wantMode(fresh, 0o600)

	// A file left world-readable, by an earlier tool or a copy.
	wide := filepath.Join(dir, "wide.jwk")
	if err := os.WriteFile(wide, []byte("old\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(wide, 0o644); err != nil {
		t.Fatal(err)
	}
	keygen("wide-1", wide)
	wantMode(wide, 0o600)

	// A link to a world-readable file elsewhere: the key goes to a file of
	// its own, and the other file is left alone.
	elsewhere := filepath.Join(dir, "elsewhere.txt")
	if err := os.WriteFile(elsewhere, []byte("public\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(elsewhere, 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.jwk")
	if err := os.Symlink(elsewhere, link); err != nil {
		t.Fatal(err)
	}
	keygen("link-1", link)
	wantMode(link, 0o600)
	if b, err := os.ReadFile(elsewhere); err != nil || string(b) != "public\n" {
		t.Errorf("the link's target now holds %q (%v)", b, err)
	}
	// The JWKS holds public keys only, for verifiers that may run as
	// other users.
	wantMode(filepath.Join(dir, "jwks.json"), 0o644)

	certs := filepath.Join(dir, "certs")
	if r := ipcased(t, "dev", "certs", "--dir", certs, "--court", "京73"); r.code != exitOK {
		t.Fatalf("dev certs: exit %d\n%s", r.code, r.stderr)
	}
	wantMode(certs, fs.ModeDir|0o700)
	for _, f := range []string{"ca-key.pem", "server-key.pem", "court-1-key.pem"} {
		wantMode(filepath.Join(certs, f), 0o600)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("a temporary file was left behind: %s", e.Name())
		}
	}
}
