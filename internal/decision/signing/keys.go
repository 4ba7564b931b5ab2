package signing

import (
	"crypto"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"
)

// Key is one of an issuer's signing keys. Private is nil in a key set read
// from its published (JWKS) form and in the register; it is the private
// key's signer when the issuer signs: an ed25519.PrivateKey read from a key
// directory, or a KMS's or HSM's crypto.Signer.
type Key struct {
	ID      string
	Issuer  string
	Public  ed25519.PublicKey
	Private crypto.Signer
	Created time.Time
	// Retired is when the key stopped signing (rotation); what it signed
	// before still verifies.
	Retired *time.Time
	// Revoked is when the key was declared compromised; what it signed
	// verifies as signed with a revoked key, with the reason.
	Revoked       *time.Time
	RevokedReason string
}

// NewKey generates a key for issuer, created at.
func NewKey(issuer string, at time.Time) (*Key, error) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return nil, fmt.Errorf("generating a key for %s: %w", issuer, err)
	}
	return &Key{ID: Thumbprint(pub), Issuer: issuer, Public: pub, Private: priv, Created: at.UTC()}, nil
}

// Thumbprint is the RFC 7638 JWK thumbprint of an Ed25519 public key
// (RFC 8037 §2: members crv, kty, x in that order), base64url: the key's
// id, so that a kid names one key and no other.
func Thumbprint(pub ed25519.PublicKey) string {
	sum := sha256.Sum256([]byte(`{"crv":"Ed25519","kty":"OKP","x":"` + b64.EncodeToString(pub) + `"}`))
	return b64.EncodeToString(sum[:])
}

var b64 = base64.RawURLEncoding

// JWK is a published key: an RFC 8037 OKP key with its issuer and life.
// iss, created, retired, revoked and revokedReason are ipcase's members
// (RFC 7517 §4 allows others; a JWKS reader ignores what it does not know).
type JWK struct {
	Kty           string `json:"kty"`
	Crv           string `json:"crv"`
	X             string `json:"x"`
	Kid           string `json:"kid"`
	Use           string `json:"use"`
	Alg           string `json:"alg"`
	Issuer        string `json:"iss"`
	Created       string `json:"created"`
	Retired       string `json:"retired,omitempty"`
	Revoked       string `json:"revoked,omitempty"`
	RevokedReason string `json:"revokedReason,omitempty"`
}

// KeySet is the published key set of every issuer (RFC 7517 §5).
type KeySet struct {
	Keys []JWK `json:"keys"`
}

// Publish returns the public form of keys.
func Publish(keys []*Key) KeySet {
	set := KeySet{Keys: []JWK{}}
	for _, k := range keys {
		j := JWK{Kty: "OKP", Crv: "Ed25519", X: b64.EncodeToString(k.Public), Kid: k.ID, Use: "sig", Alg: "EdDSA",
			Issuer: k.Issuer, Created: k.Created.UTC().Format(time.RFC3339), RevokedReason: k.RevokedReason}
		if k.Retired != nil {
			j.Retired = k.Retired.UTC().Format(time.RFC3339)
		}
		if k.Revoked != nil {
			j.Revoked = k.Revoked.UTC().Format(time.RFC3339)
		}
		set.Keys = append(set.Keys, j)
	}
	return set
}

// ParseKeySet reads a published key set.
func ParseKeySet(data []byte) ([]*Key, error) {
	var set KeySet
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("key set: %w", err)
	}
	var keys []*Key
	for i, j := range set.Keys {
		if j.Kty != "OKP" || j.Crv != "Ed25519" {
			continue // not a key ipcase signs with
		}
		x, err := b64.DecodeString(j.X)
		if err != nil || len(x) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("key set: keys[%d].x is not an Ed25519 public key", i)
		}
		k := &Key{ID: j.Kid, Issuer: j.Issuer, Public: x, RevokedReason: j.RevokedReason}
		if Thumbprint(k.Public) != k.ID {
			return nil, fmt.Errorf("key set: keys[%d].kid is not the key's thumbprint", i)
		}
		for _, f := range []struct {
			s   string
			dst **time.Time
		}{{j.Retired, &k.Retired}, {j.Revoked, &k.Revoked}} {
			if f.s == "" {
				continue
			}
			t, err := time.Parse(time.RFC3339, f.s)
			if err != nil {
				return nil, fmt.Errorf("key set: keys[%d]: %w", i, err)
			}
			*f.dst = &t
		}
		if t, err := time.Parse(time.RFC3339, j.Created); err == nil {
			k.Created = t
		}
		keys = append(keys, k)
	}
	return keys, nil
}
