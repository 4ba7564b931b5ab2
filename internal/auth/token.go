package auth

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sync/atomic"
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
	// KeyRoles says, by key id, which roles a key may sign:
	// "signin-1=session;idp-2026=officer,mediator". It overrides the key's
	// own "roles" member in the JWKS. See KeyRolesHelp.
	KeyRoles string `env:"IPCASE_AUTH_KEY_ROLES"`
	// DefaultKeyRoles are the roles of a key that neither KeyRoles nor its
	// JWK names (an identity provider's keys); "none" makes such keys sign
	// nothing. Empty (a TokenConfig made in code) means the same four
	// roles as the variable's default.
	DefaultKeyRoles string `env:"IPCASE_AUTH_DEFAULT_KEY_ROLES, default=officer,mediator,rights_holder,admin"`
	// MaxLifetime bounds what a token may claim: exp−iat and exp−now.
	// Zero means 720h.
	MaxLifetime time.Duration `env:"IPCASE_AUTH_MAX_TOKEN_LIFETIME, default=720h"`
	// MaxSessionLifetime bounds a sign-in session's token the same way.
	// Zero means 24h.
	MaxSessionLifetime time.Duration `env:"IPCASE_AUTH_MAX_SESSION_LIFETIME, default=24h"`
}

// Lifetime limits used when TokenConfig leaves them zero.
const (
	DefaultMaxLifetime        = 720 * time.Hour
	DefaultMaxSessionLifetime = 24 * time.Hour
)

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
	// Matter, when set, makes the token a sign-in session: a rights
	// holder's read-only access to that one matter (its id).
	Matter string `json:"matter,omitempty"`
}

// Verifier checks bearer tokens.
type Verifier struct {
	cfg  TokenConfig
	keys *keySource
	// byKid are the roles IPCASE_AUTH_KEY_ROLES gives keys by id; fallback
	// is what a key gets that neither it nor byKid names.
	byKid    map[string]grant
	fallback grant
	// cache holds tokens already verified (tokenCache); verified counts
	// the full verifications, for tests.
	cache    *tokenCache
	verified atomic.Int64
}

// NewVerifier returns a Verifier for cfg. It fails if neither a JWKS file
// nor a URL is configured, or if the file cannot be read.
func NewVerifier(ctx context.Context, cfg TokenConfig) (*Verifier, error) {
	if cfg.JWKSFile == "" && cfg.JWKSURL == "" {
		return nil, errors.New("auth: set IPCASE_AUTH_JWKS_FILE or IPCASE_AUTH_JWKS_URL")
	}
	if cfg.MaxLifetime == 0 {
		cfg.MaxLifetime = DefaultMaxLifetime
	}
	if cfg.MaxSessionLifetime == 0 {
		cfg.MaxSessionLifetime = DefaultMaxSessionLifetime
	}
	if cfg.MaxLifetime < 0 || cfg.MaxSessionLifetime < 0 {
		return nil, errors.New("auth: IPCASE_AUTH_MAX_TOKEN_LIFETIME and IPCASE_AUTH_MAX_SESSION_LIFETIME must be positive")
	}
	byKid, err := parseKeyRoles(cfg.KeyRoles)
	if err != nil {
		return nil, fmt.Errorf("auth: IPCASE_AUTH_KEY_ROLES: %w", err)
	}
	def := cfg.DefaultKeyRoles
	if def == "" {
		def = defaultKeyRoles
	}
	fallback, err := parseGrant(splitRoles(def))
	if err != nil {
		return nil, fmt.Errorf("auth: IPCASE_AUTH_DEFAULT_KEY_ROLES: %w", err)
	}
	ks := &keySource{file: cfg.JWKSFile, url: cfg.JWKSURL, refresh: cfg.JWKSRefresh, client: &http.Client{Timeout: 10 * time.Second}}
	if err := ks.reload(ctx); err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	return &Verifier{cfg: cfg, keys: ks, byKid: byKid, fallback: fallback, cache: newTokenCache()}, nil
}

// grantOf is what key k may sign: IPCASE_AUTH_KEY_ROLES for its id, else
// its JWK's roles, else the default.
func (v *Verifier) grantOf(k publishedKey) grant {
	if g, ok := v.byKid[k.kid]; ok {
		return g
	}
	if k.roles != nil {
		return *k.roles
	}
	return v.fallback
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// Verify checks a token's signature, key, issuer, audience and times and
// returns its principal. The error says why a token was refused; it is for
// the log, not for the caller.
//
// A token verified once is remembered by its hash until it expires; while
// it is, a call with it costs a lookup instead of a signature check, as
// long as the key that signed it is still published unchanged and may
// still sign its role.
func (v *Verifier) Verify(ctx context.Context, token string) (Principal, error) {
	h := sha256.Sum256([]byte(token))
	now := time.Now()
	if e, ok := v.cache.get(h, now); ok {
		if k, err := v.keys.lookup(ctx, e.key.kid); err == nil && sameKey(k.pub, e.key.pub) && v.grantOf(k).permits(e.p) {
			return e.p, nil
		}
		v.cache.drop(h) // the key was dropped, replaced or restricted: verify again
	}
	p, key, exp, err := v.verify(ctx, token)
	if err != nil {
		return Principal{}, err
	}
	v.cache.put(h, cachedToken{p: p, key: key, exp: exp}, now)
	return p, nil
}

// verify checks token in full, and returns its principal, the key that
// signed it and its expiry.
func (v *Verifier) verify(ctx context.Context, token string) (Principal, publishedKey, time.Time, error) {
	v.verified.Add(1)
	var (
		c   Claims
		key publishedKey
	)
	_, err := jwt.ParseWithClaims(token, &c, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		if kid == "" {
			return nil, errors.New("token has no kid")
		}
		var err error
		if key, err = v.keys.lookup(ctx, kid); err != nil {
			return nil, err
		}
		switch key.pub.(type) {
		case ed25519.PublicKey:
			if t.Method.Alg() != "EdDSA" {
				return nil, fmt.Errorf("key %q is Ed25519 but the token says %s", kid, t.Method.Alg())
			}
		default:
			if t.Method.Alg() != "ES256" {
				return nil, fmt.Errorf("key %q is P-256 but the token says %s", kid, t.Method.Alg())
			}
		}
		return key.pub, nil
	},
		jwt.WithValidMethods([]string{"EdDSA", "ES256"}),
		jwt.WithIssuer(v.cfg.Issuer),
		jwt.WithAudience(v.cfg.Audience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(v.cfg.Leeway),
	)
	if err != nil {
		return Principal{}, publishedKey{}, time.Time{}, err
	}
	p, err := c.principal()
	if err != nil {
		return Principal{}, publishedKey{}, time.Time{}, err
	}
	if g := v.grantOf(key); !g.permits(p) {
		return Principal{}, publishedKey{}, time.Time{}, fmt.Errorf("key %q may sign %s, not %s", key.kid, g, kindOf(p))
	}
	if err := v.checkLifetime(c, p, time.Now()); err != nil {
		return Principal{}, publishedKey{}, time.Time{}, err
	}
	return p, key, c.ExpiresAt.Time, nil
}

// checkLifetime refuses a token that claims to live longer than the
// configured maximum for its kind, counted from when it was issued and from
// now, so that neither a far exp nor an old iat makes a token for ever.
func (v *Verifier) checkLifetime(c Claims, p Principal, now time.Time) error {
	if c.IssuedAt == nil {
		return errors.New("token has no iat")
	}
	limit := v.cfg.MaxLifetime
	if p.Session() {
		limit = v.cfg.MaxSessionLifetime
	}
	exp := c.ExpiresAt.Time
	if life := exp.Sub(c.IssuedAt.Time); life > limit {
		return fmt.Errorf("token claims a lifetime of %s from iat; %s tokens live at most %s", life, kindOf(p), limit)
	}
	if left := exp.Sub(now); left > limit+v.cfg.Leeway {
		return fmt.Errorf("token expires in %s; %s tokens live at most %s", left, kindOf(p), limit)
	}
	return nil
}

func (c Claims) principal() (Principal, error) {
	p := Principal{Subject: c.Subject, Role: c.Role, Agency: c.Agency, Parties: c.Parties, Matter: c.Matter}
	if p.Subject == "" {
		return Principal{}, errors.New("token has no subject")
	}
	if c.Matter != "" {
		switch {
		case c.Role != RightsHolder:
			return Principal{}, fmt.Errorf("%s token is bound to a matter; only a rights holder's sign-in session is", c.Role)
		case !uuidRE.MatchString(c.Matter):
			return Principal{}, fmt.Errorf("session's matter %q is not a matter id", c.Matter)
		case len(c.Parties) != 1:
			return Principal{}, fmt.Errorf("a sign-in session acts for one party, not %d", len(c.Parties))
		}
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
	// Matter makes the token a sign-in session bound to that matter (id).
	Matter string
	TTL    time.Duration
	Now    time.Time
}

// Issue mints a token signed with the private JWK key, for bootstrapping and
// development; production tokens come from the identity provider. It
// refuses a token the key's own roles (JWK.Roles, when set) do not cover,
// which ipcased would refuse too.
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
		Role: p.Role, Agency: p.Agency, Parties: p.Parties, Matter: p.Matter,
	}
	pr, err := c.principal()
	if err != nil {
		return "", err
	}
	if key.Roles != nil {
		g, err := parseGrant(key.Roles)
		if err != nil {
			return "", fmt.Errorf("key %q: %w", key.Kid, err)
		}
		if !g.permits(pr) {
			return "", fmt.Errorf("key %q may sign %s, not %s", key.Kid, g, kindOf(pr))
		}
	}
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, c)
	t.Header["kid"] = key.Kid
	return t.SignedString(priv)
}
