package auth

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"
)

// JWK is one JSON Web Key (RFC 7517/8037) of the kinds ipcase accepts:
// Ed25519 (kty OKP) and P-256 (kty EC). D is set on private keys only.
type JWK struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	Kid string `json:"kid"`
	Alg string `json:"alg,omitempty"`
	Use string `json:"use,omitempty"`
	X   string `json:"x"`
	Y   string `json:"y,omitempty"`
	D   string `json:"d,omitempty"`
	// Roles are the roles tokens signed with this key may carry (see
	// KeyRolesHelp); ipcase's own member, which IPCASE_AUTH_KEY_ROLES
	// overrides. Absent, the key gets IPCASE_AUTH_DEFAULT_KEY_ROLES.
	Roles []string `json:"roles,omitempty"`
}

// JWKS is a JSON Web Key Set.
type JWKS struct {
	Keys []JWK `json:"keys"`
}

var b64 = base64.RawURLEncoding

// publicKey decodes k into an ed25519.PublicKey or *ecdsa.PublicKey.
func (k JWK) publicKey() (crypto.PublicKey, error) {
	switch {
	case k.Kty == "OKP" && k.Crv == "Ed25519":
		x, err := b64.DecodeString(k.X)
		if err != nil || len(x) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("key %q: bad Ed25519 x", k.Kid)
		}
		return ed25519.PublicKey(x), nil
	case k.Kty == "EC" && k.Crv == "P-256":
		x, errX := b64.DecodeString(k.X)
		y, errY := b64.DecodeString(k.Y)
		if errX != nil || errY != nil || len(x) != 32 || len(y) != 32 {
			return nil, fmt.Errorf("key %q: bad P-256 coordinates", k.Kid)
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), append(append([]byte{4}, x...), y...))
		if err != nil {
			return nil, fmt.Errorf("key %q: %w", k.Kid, err)
		}
		return pub, nil
	}
	return nil, fmt.Errorf("key %q: unsupported kty %q crv %q (want OKP/Ed25519 or EC/P-256)", k.Kid, k.Kty, k.Crv)
}

// publishedKey is one verification key with what it may sign.
type publishedKey struct {
	kid string
	pub crypto.PublicKey
	// roles are the JWK's own roles; nil when it names none.
	roles *grant
}

// ParseJWKS decodes a key set into public keys by key id.
func ParseJWKS(b []byte) (map[string]crypto.PublicKey, error) {
	keys, err := parseKeySet(b)
	if err != nil {
		return nil, err
	}
	out := make(map[string]crypto.PublicKey, len(keys))
	for kid, k := range keys {
		out[kid] = k.pub
	}
	return out, nil
}

// parseKeySet decodes a key set with each key's roles. A key whose roles
// name no known role makes the whole set invalid, as a bad key does.
func parseKeySet(b []byte) (map[string]publishedKey, error) {
	var set JWKS
	if err := json.Unmarshal(b, &set); err != nil {
		return nil, fmt.Errorf("parsing JWKS: %w", err)
	}
	keys := make(map[string]publishedKey, len(set.Keys))
	for _, k := range set.Keys {
		if k.Kid == "" {
			return nil, errors.New("parsing JWKS: a key has no kid")
		}
		if _, dup := keys[k.Kid]; dup {
			return nil, fmt.Errorf("parsing JWKS: kid %q appears twice", k.Kid)
		}
		pub, err := k.publicKey()
		if err != nil {
			return nil, fmt.Errorf("parsing JWKS: %w", err)
		}
		pk := publishedKey{kid: k.Kid, pub: pub}
		if k.Roles != nil {
			g, err := parseGrant(k.Roles)
			if err != nil {
				return nil, fmt.Errorf("parsing JWKS: key %q: %w", k.Kid, err)
			}
			pk.roles = &g
		}
		keys[k.Kid] = pk
	}
	return keys, nil
}

// NewSigningKey makes an Ed25519 key pair: the private JWK (keep it secret)
// and the public JWK to publish in a JWKS.
func NewSigningKey(kid string) (private, public JWK, err error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return JWK{}, JWK{}, err
	}
	public = JWK{Kty: "OKP", Crv: "Ed25519", Kid: kid, Alg: "EdDSA", Use: "sig", X: b64.EncodeToString(pub)}
	private = public
	private.D = b64.EncodeToString(priv.Seed())
	return private, public, nil
}

// SigningKey decodes a private Ed25519 JWK.
func (k JWK) SigningKey() (ed25519.PrivateKey, error) {
	if k.Kty != "OKP" || k.Crv != "Ed25519" || k.D == "" {
		return nil, fmt.Errorf("key %q is not a private Ed25519 JWK", k.Kid)
	}
	seed, err := b64.DecodeString(k.D)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("key %q: bad Ed25519 d", k.Kid)
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// keySource yields the current verification keys, reloading them when the
// file changes or the URL's copy grows old, so keys rotate without restart.
type keySource struct {
	file    string
	url     string
	refresh time.Duration
	client  *http.Client

	mu      sync.Mutex
	keys    map[string]publishedKey
	loaded  time.Time // when keys were read
	modTime time.Time // file's mtime when read
	checked time.Time // last time the source was looked at
}

// lookup returns the key kid. An unknown kid triggers a reload (at most once
// a second), which is how a newly published key is picked up.
func (s *keySource) lookup(ctx context.Context, kid string) (publishedKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	stale := s.keys == nil || (s.url != "" && now.Sub(s.loaded) > s.refresh)
	if _, known := s.keys[kid]; !known || stale || s.file != "" {
		if now.Sub(s.checked) >= time.Second || s.keys == nil {
			s.checked = now
			if err := s.reload(ctx); err != nil && s.keys == nil {
				return publishedKey{}, err
			}
		}
	}
	k, ok := s.keys[kid]
	if !ok {
		return publishedKey{}, fmt.Errorf("unknown or revoked key id %q", kid)
	}
	return k, nil
}

func (s *keySource) reload(ctx context.Context) error {
	var b []byte
	if s.file != "" {
		st, err := os.Stat(s.file)
		if err != nil {
			return fmt.Errorf("reading keys: %w", err)
		}
		if s.keys != nil && st.ModTime().Equal(s.modTime) {
			return nil
		}
		if b, err = os.ReadFile(s.file); err != nil {
			return fmt.Errorf("reading keys: %w", err)
		}
		s.modTime = st.ModTime()
	} else {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
		if err != nil {
			return err
		}
		resp, err := s.client.Do(req)
		if err != nil {
			return fmt.Errorf("fetching keys: %w", err)
		}
		defer func() { _ = resp.Body.Close() }()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("fetching keys: %s", resp.Status)
		}
		if b, err = io.ReadAll(io.LimitReader(resp.Body, 1<<20)); err != nil {
			return fmt.Errorf("fetching keys: %w", err)
		}
	}
	keys, err := parseKeySet(b)
	if err != nil {
		return err
	}
	s.keys, s.loaded = keys, time.Now()
	return nil
}
