package auth

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// TokenConfig says how bearer tokens are verified.
type TokenConfig struct {
	// JWKSFile is a JWKS file of public keys; it is re-read when it changes.
	JWKSFile string `env:"IPCASE_AUTH_JWKS_FILE"`
	// JWKSURL is an identity provider's JWKS endpoint, used when no file is
	// given; it is re-fetched every JWKSRefresh and on an unknown key id.
	JWKSURL     string        `env:"IPCASE_AUTH_JWKS_URL"`
	JWKSRefresh time.Duration `env:"IPCASE_AUTH_JWKS_REFRESH, default=5m"`
	// Issuer and Audience must match the token's iss and aud.
	Issuer   string `env:"IPCASE_AUTH_ISSUER, default=ipcase"`
	Audience string `env:"IPCASE_AUTH_AUDIENCE, default=ipcase"`
	// Leeway tolerates clock skew on exp and nbf.
	Leeway time.Duration `env:"IPCASE_AUTH_LEEWAY, default=30s"`
}

// Claims are the token claims ipcase reads: the registered ones plus role
// and scope.
type Claims struct {
	jwt.RegisteredClaims
	// Role is officer, mediator, rights_holder or admin. Courts use mTLS.
	Role Role `json:"role"`
	// Agency is the agency code of an officer or mediator.
	Agency string `json:"agency,omitempty"`
	// Parties are the party ids a rights holder acts for.
	Parties []string `json:"parties,omitempty"`
}

// Verifier checks bearer tokens.
type Verifier struct {
	cfg  TokenConfig
	keys *keySource
}

// NewVerifier returns a Verifier for cfg. It fails if neither a JWKS file
// nor a URL is configured, or if the file cannot be read.
func NewVerifier(ctx context.Context, cfg TokenConfig) (*Verifier, error) {
	if cfg.JWKSFile == "" && cfg.JWKSURL == "" {
		return nil, errors.New("auth: set IPCASE_AUTH_JWKS_FILE or IPCASE_AUTH_JWKS_URL")
	}
	ks := &keySource{file: cfg.JWKSFile, url: cfg.JWKSURL, refresh: cfg.JWKSRefresh, client: &http.Client{Timeout: 10 * time.Second}}
	if err := ks.reload(ctx); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	return &Verifier{cfg: cfg, keys: ks}, nil
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// Verify checks a token's signature, key, issuer, audience and times and
// returns its principal. The error says why a token was refused; it is for
// the log, not for the caller.
func (v *Verifier) Verify(ctx context.Context, token string) (Principal, error) {
	var c Claims
	_, err := jwt.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("token has no kid")
		}
		key, err := v.keys.lookup(ctx, kid)
		if err != nil {
			return nil, err
		}
		switch key.(type) {
		case ed25519.PublicKey:
			if t.Method.Alg() != "EdDSA" {
				return nil, fmt.Errorf("key %q is Ed25519 but the token says %s", kid, t.Method.Alg())
			}
		default:
			if t.Method.Alg() != "ES256" {
				return nil, fmt.Errorf("key %q is P-256 but the token says %s", kid, t.Method.Alg())
			}
		}
		return key, nil
	},
		jwt.WithValidMethods([]string{"EdDSA", "ES256"}),
		jwt.WithIssuer(v.cfg.Issuer),
		jwt.WithAudience(v.cfg.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(v.cfg.Leeway),
	)
	if err != nil {
		return Principal{}, err
	}
	return c.principal()
}

func (c Claims) principal() (Principal, error) {
	p := Principal{Subject: c.Subject, Role: c.Role, Agency: c.Agency, Parties: c.Parties}
	if p.Subject == "" {
		return Principal{}, errors.New("token has no subject")
	}
	switch c.Role {
	case Officer, Mediator:
		if c.Agency == "" {
			return Principal{}, fmt.Errorf("%s token has no agency", c.Role)
		}
	case RightsHolder:
		if len(c.Parties) == 0 {
			return Principal{}, errors.New("rights_holder token names no party")
		}
		for _, id := range c.Parties {
			if !uuidRE.MatchString(id) {
				return Principal{}, fmt.Errorf("rights_holder token party %q is not a party id", id)
			}
		}
	case Admin:
	default:
		return Principal{}, fmt.Errorf("token role %q is not officer, mediator, rights_holder or admin", c.Role)
	}
	return p, nil
}

// IssueParams describe a token to mint.
type IssueParams struct {
	Issuer, Audience, Subject string
	Role                      Role
	Agency                    string
	Parties                   []string
	TTL                       time.Duration
	Now                       time.Time
}

// Issue mints a token signed with the private JWK key, for bootstrapping and
// development; production tokens come from the identity provider.
func Issue(key JWK, p IssueParams) (string, error) {
	priv, err := key.SigningKey()
	if err != nil {
		return "", err
	}
	c := Claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    p.Issuer,
			Subject:   p.Subject,
			Audience:  jwt.ClaimStrings{p.Audience},
			IssuedAt:  jwt.NewNumericDate(p.Now),
			NotBefore: jwt.NewNumericDate(p.Now),
			ExpiresAt: jwt.NewNumericDate(p.Now.Add(p.TTL)),
		},
		Role: p.Role, Agency: p.Agency, Parties: p.Parties,
	}
	if _, err := c.principal(); err != nil {
		return "", err
	}
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	t.Header["kid"] = key.Kid
	return t.SignedString(priv)
}
