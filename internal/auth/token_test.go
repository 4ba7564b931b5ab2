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

// TestKeyRoles: a key signs the roles IPCASE_AUTH_KEY_ROLES gives its id,
// else its JWK's roles, else the default ones; a session key signs
// sessions only, and a rights_holder key sessions too.
func TestKeyRoles(t *testing.T) {
	t.Parallel()
	idp, signin, jwkOfficers, bare := newKey(t, "idp-1"), newKey(t, "signin-1"), newKey(t, "officers-1"), newKey(t, "bare-1")
	signin.Roles = []string{auth.SessionKeyRole}
	jwkOfficers.Roles = []string{"officer", "mediator"}
	kf := newKeyFile(t)
	kf.publish(idp, signin, jwkOfficers, bare)
	party, matter := "3f0c9a43-5b1c-4d53-9a55-3a0f5c2b9e11", "8d2e9a43-5b1c-4d53-9a55-3a0f5c2b9e11"
	admin := func(p *auth.IssueParams) { p.Role, p.Agency = auth.Admin, "" }
	holder := func(p *auth.IssueParams) { p.Role, p.Agency, p.Parties = auth.RightsHolder, "", []string{party} }
	session := func(p *auth.IssueParams) { holder(p); p.Matter = matter }
	unsigned := func(k auth.JWK) auth.JWK { k.Roles = nil; return k } // Issue checks roles too; forge past it
	for _, tt := range []struct {
		name     string
		cfg      auth.TokenConfig
		key      auth.JWK
		mutate   func(*auth.IssueParams)
		accepted bool
	}{
		{"default roles: officer", auth.TokenConfig{}, bare, nil, true},
		{"default roles: admin", auth.TokenConfig{}, bare, admin, true},
		{"default roles: session", auth.TokenConfig{}, bare, session, true},
		{"session key: session", auth.TokenConfig{}, signin, session, true},
		{"session key: admin", auth.TokenConfig{}, unsigned(signin), admin, false},
		{"session key: officer", auth.TokenConfig{}, unsigned(signin), nil, false},
		{"session key: full rights holder", auth.TokenConfig{}, unsigned(signin), holder, false},
		{"JWK roles officer,mediator: officer", auth.TokenConfig{}, jwkOfficers, nil, true},
		{"JWK roles officer,mediator: admin", auth.TokenConfig{}, unsigned(jwkOfficers), admin, false},
		{"config narrows the idp key: officer", auth.TokenConfig{KeyRoles: "idp-1=officer; signin-1=session"}, idp, nil, true},
		{"config narrows the idp key: admin", auth.TokenConfig{KeyRoles: "idp-1=officer; signin-1=session"}, idp, admin, false},
		{"config overrides the JWK", auth.TokenConfig{KeyRoles: "officers-1=admin"}, unsigned(jwkOfficers), admin, true},
		{"default none: bare key", auth.TokenConfig{DefaultKeyRoles: "none"}, bare, nil, false},
		{"default none: JWK roles still count", auth.TokenConfig{DefaultKeyRoles: "none"}, jwkOfficers, nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := tt.cfg
			cfg.JWKSFile, cfg.Issuer, cfg.Audience, cfg.Leeway = kf.path, "ipcase-test", "ipcase", time.Second
			v, err := auth.NewVerifier(t.Context(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			p, err := v.Verify(t.Context(), mint(t, tt.key, tt.mutate))
			if (err == nil) != tt.accepted {
				t.Errorf("Verify: %+v, %v; want accepted %v", p, err, tt.accepted)
			}
		})
	}
}

// TestKeyRolesConfigRefused: a misspelt role is found when the verifier
// is made, not by a refused caller.
func TestKeyRolesConfigRefused(t *testing.T) {
	t.Parallel()
	kf := newKeyFile(t)
	kf.publish(newKey(t, "k1"))
	for _, cfg := range []auth.TokenConfig{
		{KeyRoles: "k1=officer,superuser"},
		{KeyRoles: "k1"},
		{KeyRoles: "k1=officer;k1=admin"},
		{DefaultKeyRoles: "court"},
		{MaxLifetime: -time.Hour},
	} {
		cfg.JWKSFile = kf.path
		if _, err := auth.NewVerifier(t.Context(), cfg); err == nil {
			t.Errorf("NewVerifier(%+v) succeeded", cfg)
		}
	}
	bad := newKey(t, "k2")
	bad.Roles = []string{"root"}
	kf.publish(bad)
	if _, err := auth.NewVerifier(t.Context(), auth.TokenConfig{JWKSFile: kf.path}); err == nil || !strings.Contains(err.Error(), `"root" is not a key role`) {
		t.Errorf("a JWKS with roles [root]: %v, want refused", err)
	}
}

// TestIssueRefusesWhatTheKeyMayNotSign: `ipcased token issue` with the
// sign-in key cannot mint an administrator.
func TestIssueRefusesWhatTheKeyMayNotSign(t *testing.T) {
	t.Parallel()
	key := newKey(t, "signin-1")
	key.Roles = []string{auth.SessionKeyRole}
	_, err := auth.Issue(key, auth.IssueParams{Subject: "a", Role: auth.Admin, TTL: time.Hour, Now: time.Now()})
	if err == nil || !strings.Contains(err.Error(), `key "signin-1" may sign session, not admin`) {
		t.Errorf("Issue(admin) with a session key: %v", err)
	}
}

// TestTokenLifetime: a token may claim no more than the configured
// lifetime, from its iat and from now; sessions have their own, shorter
// limit.
func TestTokenLifetime(t *testing.T) {
	t.Parallel()
	key := newKey(t, "k1")
	kf := newKeyFile(t)
	kf.publish(key)
	v, err := auth.NewVerifier(t.Context(), auth.TokenConfig{JWKSFile: kf.path, Issuer: "ipcase-test", Audience: "ipcase",
		Leeway: time.Second, MaxLifetime: 48 * time.Hour, MaxSessionLifetime: 2 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	session := func(ttl time.Duration) func(*auth.IssueParams) {
		return func(p *auth.IssueParams) {
			p.Role, p.Agency, p.Parties = auth.RightsHolder, "", []string{"3f0c9a43-5b1c-4d53-9a55-3a0f5c2b9e11"}
			p.Matter, p.TTL = "8d2e9a43-5b1c-4d53-9a55-3a0f5c2b9e11", ttl
		}
	}
	for _, tt := range []struct {
		name     string
		mutate   func(*auth.IssueParams)
		accepted bool
	}{
		{"47h", func(p *auth.IssueParams) { p.TTL = 47 * time.Hour }, true},
		{"48h", func(p *auth.IssueParams) { p.TTL = 48 * time.Hour }, true},
		{"49h", func(p *auth.IssueParams) { p.TTL = 49 * time.Hour }, false},
		{"100 years", func(p *auth.IssueParams) { p.TTL = 100 * 365 * 24 * time.Hour }, false},
		{"issued 3 days ago for 3 days and an hour", func(p *auth.IssueParams) { p.Now, p.TTL = time.Now().Add(-72*time.Hour), 73*time.Hour }, false},
		{"session 2h", session(2 * time.Hour), true},
		{"session 3h", session(3 * time.Hour), false},
	} {
		_, err := v.Verify(t.Context(), mint(t, key, tt.mutate))
		if (err == nil) != tt.accepted {
			t.Errorf("%s: %v, want accepted %v", tt.name, err, tt.accepted)
		}
	}
}

// TestSessionClaims: only a rights holder's token for one party may be
// bound to a matter, and only to a matter id.
func TestSessionClaims(t *testing.T) {
	t.Parallel()
	key := newKey(t, "k")
	party, matter := "3f0c9a43-5b1c-4d53-9a55-3a0f5c2b9e11", "8d2e9a43-5b1c-4d53-9a55-3a0f5c2b9e11"
	for _, p := range []auth.IssueParams{
		{Subject: "o", Role: auth.Officer, Agency: "SAMR-HZ", Matter: matter},
		{Subject: "a", Role: auth.Admin, Matter: matter},
		{Subject: "h", Role: auth.RightsHolder, Parties: []string{party, matter}, Matter: matter},
		{Subject: "h", Role: auth.RightsHolder, Parties: []string{party}, Matter: "matters/" + matter},
	} {
		p.TTL, p.Now = time.Hour, time.Now()
		if _, err := auth.Issue(key, p); err == nil {
			t.Errorf("Issue(%+v) succeeded", p)
		}
	}
}

// TestVerifiedTokensAreCached: a token is verified in full once, then
// taken from the cache; the cache does not outlive the token, nor the key
// that signed it being dropped from the JWKS or replaced under its id.
func TestVerifiedTokensAreCached(t *testing.T) {
	t.Parallel()
	k1, k2 := newKey(t, "k1"), newKey(t, "k2")
	kf := newKeyFile(t)
	kf.publish(k1, k2)
	v, err := auth.NewVerifier(t.Context(), auth.TokenConfig{JWKSFile: kf.path, Issuer: "ipcase-test", Audience: "ipcase", Leeway: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	tok := mint(t, k1, nil)
	for i := range 3 {
		if _, err := v.Verify(t.Context(), tok); err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
	}
	if n := auth.FullVerifications(v); n != 1 {
		t.Errorf("three calls with one token verified it in full %d times, want 1", n)
	}

	short := mint(t, k2, func(p *auth.IssueParams) { p.TTL = 2 * time.Second })
	if _, err := v.Verify(t.Context(), short); err != nil {
		t.Fatal(err)
	}
	eventually(t, func() error {
		if _, err := v.Verify(t.Context(), short); err == nil {
			return errAccepted
		}
		return nil
	})

	// k1 replaced by another key under the same id: tok is no longer
	// signed by a published key.
	kf.publish(newKey(t, "k1"), k2)
	eventually(t, func() error {
		if _, err := v.Verify(t.Context(), tok); err == nil {
			return errAccepted
		}
		return nil
	})
	// k2 dropped.
	tok2 := mint(t, k2, nil)
	if _, err := v.Verify(t.Context(), tok2); err != nil {
		t.Fatal(err)
	}
	kf.publish(k1)
	eventually(t, func() error {
		if _, err := v.Verify(t.Context(), tok2); err == nil {
			return errAccepted
		}
		return nil
	})
}
