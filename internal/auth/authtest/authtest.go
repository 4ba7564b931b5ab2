// Package authtest gives tests real credentials: a signing key published in
// a JWKS file, tokens for each role, and court certificates from a test CA.
package authtest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"

	"github.com/ipcase/ipcase/internal/auth"
)

// Issuer and Audience of test tokens.
const (
	Issuer   = "ipcase-test"
	Audience = "ipcase"
)

// Env is a key pair with its JWKS file, a sign-in key published next to
// it that may sign sign-in sessions only, and a court CA.
type Env struct {
	Auth     *auth.Authenticator
	JWKSFile string
	key      auth.JWK
	signin   auth.JWK
	CA       auth.CertKey
}

// New makes an Env whose files live in t's temporary directory.
func New(t testing.TB) *Env {
	t.Helper()
	priv, pub, err := auth.NewSigningKey("test-1")
	if err != nil {
		t.Fatal(err)
	}
	signin, signinPub, err := auth.NewSigningKey("signin-test")
	if err != nil {
		t.Fatal(err)
	}
	signin.Roles, signinPub.Roles = []string{auth.SessionKeyRole}, []string{auth.SessionKeyRole}
	path := filepath.Join(t.TempDir(), "jwks.json")
	b, _ := json.Marshal(auth.JWKS{Keys: []auth.JWK{pub, signinPub}})
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	v, err := auth.NewVerifier(t.Context(), auth.TokenConfig{JWKSFile: path, Issuer: Issuer, Audience: Audience, Leeway: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	ca, err := auth.NewCA("ipcase test court CA", now.Add(-time.Hour), now.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return &Env{Auth: auth.NewAuthenticator(v), JWKSFile: path, key: priv, signin: signin, CA: ca}
}

// ServerOptions install the authenticator's interceptors.
func (e *Env) ServerOptions() []grpc.ServerOption {
	return []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(e.Auth.UnaryInterceptor()),
		grpc.ChainStreamInterceptor(e.Auth.StreamInterceptor()),
	}
}

// Token mints a token for p (Issuer, Audience and Now filled in when empty;
// TTL one hour when zero).
func (e *Env) Token(t testing.TB, p auth.IssueParams) string {
	t.Helper()
	return Sign(t, e.key, p)
}

// Sign mints a token with key, which need not be one the Env publishes.
func Sign(t testing.TB, key auth.JWK, p auth.IssueParams) string {
	t.Helper()
	if p.Issuer == "" {
		p.Issuer = Issuer
	}
	if p.Audience == "" {
		p.Audience = Audience
	}
	if p.Now.IsZero() {
		p.Now = time.Now()
	}
	if p.TTL == 0 {
		p.TTL = time.Hour
	}
	tok, err := auth.Issue(key, p)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Officer mints an officer's token for agency.
func (e *Env) Officer(t testing.TB, agency string) string {
	return e.Token(t, auth.IssueParams{Subject: "officer@" + agency, Role: auth.Officer, Agency: agency})
}

// Mediator mints a mediator's token for agency.
func (e *Env) Mediator(t testing.TB, agency string) string {
	return e.Token(t, auth.IssueParams{Subject: "mediator@" + agency, Role: auth.Mediator, Agency: agency})
}

// RightsHolder mints a rights holder's token acting for parties.
func (e *Env) RightsHolder(t testing.TB, parties ...string) string {
	return e.Token(t, auth.IssueParams{Subject: "holder-" + parties[0][:8], Role: auth.RightsHolder, Parties: parties})
}

// Session mints a sign-in session, as a redeemed sign-in link gives: a
// rights holder acting for party, bound to matter (ids), read-only, signed
// with the Env's sign-in key.
func (e *Env) Session(t testing.TB, party, matter string) string {
	return Sign(t, e.signin, auth.IssueParams{Subject: "signin-link/" + matter[:8], Role: auth.RightsHolder,
		Parties: []string{party}, Matter: matter})
}

// SignInKey is the Env's sign-in key, published with roles ["session"]:
// tests forge with it (after clearing Roles, which Issue checks) what its
// holder could.
func (e *Env) SignInKey() auth.JWK { return e.signin }

// Admin mints an administrator's token.
func (e *Env) Admin(t testing.TB) string {
	return e.Token(t, auth.IssueParams{Subject: "admin", Role: auth.Admin})
}

// WithToken returns ctx with tok as the call's bearer token.
func WithToken(ctx context.Context, tok string) context.Context {
	if tok == "" {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+tok)
}

// ServerTLS returns a mutual-TLS server config trusting only e's CA for
// client certificates, with a server certificate for 127.0.0.1, and the
// pool clients use to trust that server.
func (e *Env) ServerTLS(t testing.TB) (*tls.Config, *x509.CertPool) {
	t.Helper()
	now := time.Now()
	srv, err := e.CA.IssueServer([]string{"127.0.0.1"}, now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(e.CA.Cert)
	return auth.CourtTLSConfig(srv.TLSCertificate(), pool), pool
}

// CourtCert issues a client certificate for court code, valid around now.
func (e *Env) CourtCert(t testing.TB, code string) tls.Certificate {
	t.Helper()
	now := time.Now()
	c, err := e.CA.IssueCourt(code, now.Add(-time.Hour), now.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return c.TLSCertificate()
}
