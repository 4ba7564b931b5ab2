// Package signing is the pure half of package decision: a decision as a
// canonical document, its Ed25519 JWS, verification codes, and the
// published key set, with no database, so that `ipcase verify` checks a
// decision offline.
package signing

import (
	"crypto/sha256"
	"encoding/base32"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/ipcase/ipcase/internal/civil"
)

// Kind is what a decision is.
type Kind string

// Kinds of decisions ipcase issues.
const (
	// PenaltyDecision is an administrative penalty decision (行政处罚决定书,
	// Administrative Penalty Law Art. 59).
	PenaltyDecision Kind = "PENALTY_DECISION"
	// Judgment is a judgment or ruling pronounced (民事判决书、裁定书, CPL
	// Art. 155).
	Judgment Kind = "JUDGMENT"
	// EffectiveJudgment is the record that a judgment took effect (CPL
	// Art. 158; Art. 182 for a second-instance judgment).
	EffectiveJudgment Kind = "EFFECTIVE_JUDGMENT"
	// ConfirmationRuling is a ruling confirming a mediation agreement
	// (民事裁定书, CPL Art. 206).
	ConfirmationRuling Kind = "CONFIRMATION_RULING"
	// TransferToCourt and TransferToPolice are an agency's transfer of a
	// case (移送, Administrative Penalty Law Art. 27).
	TransferToCourt  Kind = "TRANSFER_TO_COURT"
	TransferToPolice Kind = "TRANSFER_TO_POLICE"
)

// SchemaID is the $id of the published JSON schema of Document,
// internal/decision/decision.v1.schema.json (the package above).
const SchemaID = "https://ipcase.example/schemas/decision.v1.json"

// Document is a decision in its canonical form: the JWS payload. Its JSON
// encoding (encoding/json, fields in this order, empty optional fields
// left out) is what is signed; a verifier checks the signature over the
// bytes it received, never over a re-encoding.
type Document struct {
	Schema     string     `json:"schema"`
	Kind       Kind       `json:"kind"`
	Number     string     `json:"number"`
	Issuer     string     `json:"iss"`
	Matter     string     `json:"matter"`
	Proceeding string     `json:"proceeding,omitempty"`
	DecidedOn  civil.Date `json:"decidedOn"`
	Parties    []Party    `json:"parties"`
	// Outcome fields; amounts in yuan, as decimal strings.
	Law               string      `json:"law,omitempty"`
	Fine              string      `json:"fine,omitempty"`
	Confiscation      string      `json:"confiscation,omitempty"`
	Destruction       []string    `json:"destruction,omitempty"`
	InfringementFound *bool       `json:"infringementFound,omitempty"`
	Injunction        string      `json:"injunction,omitempty"`
	Damages           string      `json:"damages,omitempty"`
	Costs             string      `json:"costs,omitempty"`
	Ruling            bool        `json:"ruling,omitempty"`
	EffectiveOn       *civil.Date `json:"effectiveOn,omitempty"`
	Recipient         string      `json:"recipient,omitempty"`
	Reason            string      `json:"reason,omitempty"`
	// Event is the event the decision was issued on, "matter/seq".
	Event string `json:"event"`
	// IssuedAt is when ipcase signed it, seconds since the epoch (JWT iat).
	IssuedAt int64 `json:"iat"`
}

// Party is a party named in a decision.
type Party struct {
	Name       string `json:"name"`
	Role       string `json:"role"`
	CreditCode string `json:"creditCode,omitempty"`
}

// The JWT claims interface, so that golang-jwt signs and parses Document
// directly. Only iss and iat are registered claims; a decision does not
// expire.
var _ jwt.Claims = (*Document)(nil)

// GetExpirationTime implements jwt.Claims: a decision does not expire.
func (d *Document) GetExpirationTime() (*jwt.NumericDate, error) { return nil, nil }

// GetIssuedAt implements jwt.Claims.
func (d *Document) GetIssuedAt() (*jwt.NumericDate, error) {
	return jwt.NewNumericDate(unix(d.IssuedAt)), nil
}

// GetNotBefore implements jwt.Claims.
func (d *Document) GetNotBefore() (*jwt.NumericDate, error) { return nil, nil }

// GetIssuer implements jwt.Claims.
func (d *Document) GetIssuer() (string, error) { return d.Issuer, nil }

// GetSubject implements jwt.Claims.
func (d *Document) GetSubject() (string, error) { return d.Number, nil }

// GetAudience implements jwt.Claims.
func (d *Document) GetAudience() (jwt.ClaimStrings, error) { return nil, nil }

// CodeLength is the length of a verification code: 10 base32 characters,
// 50 bits of the JWS's SHA-256, so that guessing a valid code is out of
// reach (one in 2^50 per guess against a register of a million decisions
// is one in a billion) while a person can type it from paper.
const CodeLength = 10

// Code is the verification code of a JWS: the first CodeLength characters
// of the base32 (RFC 4648, no padding) SHA-256 of its compact form.
func Code(jws string) string {
	sum := sha256.Sum256([]byte(jws))
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:])[:CodeLength]
}

// NormalizeCode reads a code as a person types it: case, spaces and
// hyphens ignored. It reports false unless the result is a code's shape.
func NormalizeCode(s string) (string, bool) {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(s))
	if len(s) != CodeLength {
		return "", false
	}
	for _, r := range s {
		if (r < 'A' || r > 'Z') && (r < '2' || r > '7') {
			return "", false
		}
	}
	return s, true
}

func unix(s int64) time.Time { return time.Unix(s, 0).UTC() }
