package signing

import (
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// Sign returns d signed with k as a JWS in compact serialization (RFC 7515
// §7.1), header {"alg":"EdDSA","kid":…,"typ":"JWT"}, and its code.
func Sign(d *Document, k *Key) (jws, code string, err error) {
	if k.Private == nil {
		return "", "", fmt.Errorf("signing %s: key %s has no private half", d.Number, k.ID)
	}
	if d.Issuer != k.Issuer {
		return "", "", fmt.Errorf("signing %s of %s with a key of %s", d.Number, d.Issuer, k.Issuer)
	}
	d.Schema = SchemaID
	t := jwt.NewWithClaims(jwt.SigningMethodEdDSA, d)
	t.Header["kid"] = k.ID
	jws, err = t.SignedString(k.Private)
	if err != nil {
		return "", "", fmt.Errorf("signing %s: %w", d.Number, err)
	}
	return jws, Code(jws), nil
}

// Status is what verifying a document found.
type Status string

// Statuses of a verification. Only Valid means the document may be acted
// on as it stands.
const (
	// Valid: signed by a current or rotated-out key of its issuer, and not
	// superseded.
	Valid Status = "VALID"
	// Superseded: authentic, but set aside or corrected; Replacement says
	// by what.
	Superseded Status = "SUPERSEDED"
	// Revoked: signed with a key its issuer revoked; Key.Revoked says when.
	Revoked Status = "REVOKED"
	// Invalid: not a JWS, signature wrong (a field changed), or signed
	// by a key that is not the issuer's.
	Invalid Status = "INVALID"
	// UnknownKey: no published key has the kid the document names.
	UnknownKey Status = "UNKNOWN_KEY"
)

// Result is a verification's outcome.
type Result struct {
	Status   Status
	Document *Document // nil unless the signature checked
	Key      *Key
	Code     string
	// Reason says, for a reader, why the status is what it is.
	Reason string
	// Replacement is what superseded the document, for Superseded.
	Replacement *Replacement
}

// Replacement is what superseded a decision.
type Replacement struct {
	Code   string    `json:"code"`
	Number string    `json:"number"`
	Issuer string    `json:"issuer"`
	Reason string    `json:"reason"`
	On     time.Time `json:"on"`
}

// Verify checks jws against keys: the signature, and that the key is the
// document's issuer's. It does not know whether the document was
// superseded; the register (Store.Verify) adds that.
func Verify(jws string, keys []*Key) Result {
	res := Result{Code: Code(jws)}
	var d Document
	var key *Key
	_, err := jwt.ParseWithClaims(jws, &d, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		for _, k := range keys {
			if k.ID == kid {
				key = k
				return k.Public, nil
			}
		}
		return nil, errUnknownKey
	}, jwt.WithValidMethods([]string{jwt.SigningMethodEdDSA.Alg()}), jwt.WithoutClaimsValidation())
	switch {
	case errors.Is(err, errUnknownKey):
		res.Status, res.Reason = UnknownKey, "no published key has the document's key id"
		return res
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		res.Status, res.Key, res.Reason = Invalid, key, "the signature does not match the document: it was altered or signed with another key"
		return res
	case err != nil:
		res.Status, res.Reason = Invalid, "not a signed decision: "+err.Error()
		return res
	}
	res.Key = key
	if d.Issuer != key.Issuer {
		res.Status, res.Reason = Invalid, fmt.Sprintf("signed with a key of %s, not of its issuer %s", key.Issuer, d.Issuer)
		return res
	}
	res.Document = &d
	if key.Revoked != nil {
		res.Status = Revoked
		res.Reason = fmt.Sprintf("signed with a key revoked on %s", key.Revoked.UTC().Format(time.DateOnly))
		if key.RevokedReason != "" {
			res.Reason += " (" + key.RevokedReason + ")"
		}
		return res
	}
	res.Status, res.Reason = Valid, "signed by "+key.Issuer
	return res
}

var errUnknownKey = errors.New("unknown key")
