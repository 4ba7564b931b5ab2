package auth_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ipcase/ipcase/internal/auth"
)

type keyFile struct {
	t    *testing.T
	path string
	keys []auth.JWK
}

func newKeyFile(t *testing.T) *keyFile {
	return &keyFile{t: t, path: filepath.Join(t.TempDir(), "jwks.json")}
}

// publish writes the public halves of keys as the JWKS file.
func (k *keyFile) publish(keys ...auth.JWK) {
	k.t.Helper()
	var set auth.JWKS
	for _, key := range keys {
		key.D = ""
		set.Keys = append(set.Keys, key)
	}
	b, _ := json.Marshal(set)
	tmp := k.path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		k.t.Fatal(err)
	}
	// A later mtime than the previous version, even on coarse clocks.
	mt := time.Now().Add(time.Duration(len(k.keys)+1) * time.Second)
	if err := os.Chtimes(tmp, mt, mt); err != nil {
		k.t.Fatal(err)
	}
	if err := os.Rename(tmp, k.path); err != nil {
		k.t.Fatal(err)
	}
	k.keys = keys
}

func newKey(t *testing.T, kid string) auth.JWK {
	t.Helper()
	priv, _, err := auth.NewSigningKey(kid)
	if err != nil {
		t.Fatal(err)
	}
	return priv
}

func mint(t *testing.T, key auth.JWK, mutate func(*auth.IssueParams)) string {
	t.Helper()
	p := auth.IssueParams{Issuer: "ipcase-test", Audience: "ipcase", Subject: "officer-1", Role: auth.Officer,
		Agency: "SAMR-HZ", TTL: time.Hour, Now: time.Now()}
	if mutate != nil {
		mutate(&p)
	}
	tok, err := auth.Issue(key, p)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestVerify(t *testing.T) {
	t.Parallel()
	good := newKey(t, "k1")
	stranger := newKey(t, "k1") // same kid, different key
	kf := newKeyFile(t)
	kf.publish(good)
	v, err := auth.NewVerifier(t.Context(), auth.TokenConfig{JWKSFile: kf.path, Issuer: "ipcase-test", Audience: "ipcase", Leeway: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	p, err := v.Verify(t.Context(), mint(t, good, nil))
	if err != nil || p.Role != auth.Officer || p.Agency != "SAMR-HZ" || p.Subject != "officer-1" {
		t.Fatalf("good token: %+v, %v", p, err)
	}
	tampered := mint(t, good, nil)
	parts := strings.Split(tampered, ".")
	claims := strings.Replace(string(mustB64(t, parts[1])), `"SAMR-HZ"`, `"SAMR-SZ"`, 1)
	parts[1] = b64(claims)
	for _, tt := range []struct {
		name, token, reason string
	}{
		{"expired", mint(t, good, func(p *auth.IssueParams) { p.Now = time.Now().Add(-2 * time.Hour) }), "expired"},
		{"wrong issuer", mint(t, good, func(p *auth.IssueParams) { p.Issuer = "someone-else" }), "issuer"},
		{"wrong audience", mint(t, good, func(p *auth.IssueParams) { p.Audience = "other-service" }), "audience"},
		{"signed by another key under the same kid", mint(t, stranger, nil), "signature"},
		{"claims altered after signing", strings.Join(parts, "."), "signature"},
		{"unknown key id", mint(t, newKey(t, "k9"), nil), "unknown or revoked key id"},
		{"not yet valid", mint(t, good, func(p *auth.IssueParams) { p.Now = time.Now().Add(time.Hour) }), "not valid yet"},
		{"garbage", "not.a.token", "malformed"},
	} {
		if _, err := v.Verify(t.Context(), tt.token); err == nil || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("%s: %v, want an error mentioning %q", tt.name, err, tt.reason)
		}
	}
}

// TestKeyRotationWithoutRestart publishes a new key next to the old one,
// then withdraws the old one, with one Verifier throughout.
func TestKeyRotationWithoutRestart(t *testing.T) {
	t.Parallel()
	old, next := newKey(t, "2026-01"), newKey(t, "2026-07")
	kf := newKeyFile(t)
	kf.publish(old)
	v, err := auth.NewVerifier(t.Context(), auth.TokenConfig{JWKSFile: kf.path, Issuer: "ipcase-test", Audience: "ipcase", Leeway: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	oldTok, nextTok := mint(t, old, nil), mint(t, next, nil)
	if _, err := v.Verify(t.Context(), nextTok); err == nil {
		t.Fatal("token of an unpublished key was accepted")
	}
	kf.publish(old, next)
	eventually(t, func() error { _, err := v.Verify(t.Context(), nextTok); return err })
	if _, err := v.Verify(t.Context(), oldTok); err != nil {
		t.Errorf("old key during overlap: %v", err)
	}
	kf.publish(next) // the old key is revoked
	eventually(t, func() error {
		if _, err := v.Verify(t.Context(), oldTok); err == nil {
			return errAccepted
		}
		return nil
	})
	if _, err := v.Verify(t.Context(), nextTok); err != nil {
		t.Errorf("new key after rotation: %v", err)
	}
}

func TestIssueRefusesIncompleteScope(t *testing.T) {
	t.Parallel()
	key := newKey(t, "k")
	for _, p := range []auth.IssueParams{
		{Subject: "o", Role: auth.Officer},                                 // no agency
		{Subject: "h", Role: auth.RightsHolder},                            // no party
		{Subject: "h", Role: auth.RightsHolder, Parties: []string{"acme"}}, // not a party id
		{Subject: "c", Role: auth.Court},                                   // courts use mTLS
		{Role: auth.Admin},                                                 // no subject
	} {
		p.TTL, p.Now = time.Hour, time.Now()
		if _, err := auth.Issue(key, p); err == nil {
			t.Errorf("Issue(%+v) succeeded", p)
		}
	}
}
