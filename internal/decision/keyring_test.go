package decision_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ipcase/ipcase/internal/decision"
)

// TestKeyDir makes a key in a real directory and signs with it: the file is
// 0600 and named by the key's thumbprint; a directory or file others may
// read, a file holding another key, an unknown kid and a kid that is no
// thumbprint are refused.
func TestKeyDir(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "keys")
	ring, err := decision.OpenKeyDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("key directory: %v %v", fi, err)
	}
	pub, err := ring.Generate(t.Context(), "SAMR-HZ")
	if err != nil {
		t.Fatal(err)
	}
	kid := decision.Thumbprint(pub)
	file := filepath.Join(dir, kid+".jwk")
	fi, err := os.Stat(file)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", fi, err)
	}
	b, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(b), `"iss": "SAMR-HZ"`) || !strings.Contains(string(b), `"d": "`) {
		t.Fatalf("key file content: %s %v", b, err)
	}

	// It signs what the public half verifies, through Sign.
	signer, err := ring.Signer(t.Context(), kid)
	if err != nil {
		t.Fatal(err)
	}
	d := &decision.Document{Kind: decision.PenaltyDecision, Number: "杭西市监处罚〔2026〕12号", Issuer: "SAMR-HZ"}
	k := &decision.Key{ID: kid, Issuer: "SAMR-HZ", Public: pub, Private: signer, Created: time.Now()}
	jws, _, err := decision.Sign(d, k)
	if err != nil {
		t.Fatal(err)
	}
	pubOnly := &decision.Key{ID: kid, Issuer: "SAMR-HZ", Public: pub}
	if res := decision.Verify(jws, []*decision.Key{pubOnly}); res.Status != decision.Valid {
		t.Fatalf("signed with the directory's key: %s %s", res.Status, res.Reason)
	}

	if _, err := ring.Signer(t.Context(), strings.Repeat("A", 43)); !errors.Is(err, decision.ErrNoPrivateKey) {
		t.Errorf("unknown kid: %v", err)
	}
	if _, err := ring.Signer(t.Context(), "../../etc/passwd"); err == nil {
		t.Error("a kid that is no thumbprint was read")
	}
	// Another key's content under this kid's name.
	other, err := ring.Generate(t.Context(), "SAMR-HZ")
	if err != nil {
		t.Fatal(err)
	}
	ob, err := os.ReadFile(filepath.Join(dir, decision.Thumbprint(other)+".jwk"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, ob, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ring.Signer(t.Context(), kid); err == nil || !strings.Contains(err.Error(), "holds another key") {
		t.Errorf("file holding another key: %v", err)
	}
	if err := os.Chmod(file, 0o640); err != nil {
		t.Fatal(err)
	}
	if _, err := ring.Signer(t.Context(), kid); err == nil || !strings.Contains(err.Error(), "needs 0600") {
		t.Errorf("key file readable by the group: %v", err)
	}
	open := filepath.Join(t.TempDir(), "open")
	if err := os.Mkdir(open, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o750); err != nil {
		t.Fatal(err)
	}
	if _, err := decision.OpenKeyDir(open); err == nil || !strings.Contains(err.Error(), "need 0700") {
		t.Errorf("directory open to the group: %v", err)
	}
}
