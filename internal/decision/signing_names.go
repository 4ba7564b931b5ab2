package decision

import "github.com/ipcase/ipcase/internal/decision/signing"

// The types, constants and functions below are package signing's, which
// has no database, so that the officers' CLI can verify a decision offline
// without linking the store (`ipcase verify`); this package issues and
// keeps decisions under the same names.

// Kind is signing.Kind.
type Kind = signing.Kind

// Document is signing.Document.
type Document = signing.Document

// Party is signing.Party.
type Party = signing.Party

// Key is signing.Key.
type Key = signing.Key

// JWK is signing.JWK.
type JWK = signing.JWK

// KeySet is signing.KeySet.
type KeySet = signing.KeySet

// Status is signing.Status.
type Status = signing.Status

// Result is signing.Result.
type Result = signing.Result

// Replacement is signing.Replacement.
type Replacement = signing.Replacement

// Kinds of decision and statuses of a verification.
const (
	PenaltyDecision    = signing.PenaltyDecision
	Judgment           = signing.Judgment
	EffectiveJudgment  = signing.EffectiveJudgment
	ConfirmationRuling = signing.ConfirmationRuling
	TransferToCourt    = signing.TransferToCourt
	TransferToPolice   = signing.TransferToPolice

	Valid      = signing.Valid
	Superseded = signing.Superseded
	Revoked    = signing.Revoked
	Invalid    = signing.Invalid
	UnknownKey = signing.UnknownKey
)

// Functions of package signing.
var (
	Code          = signing.Code
	NormalizeCode = signing.NormalizeCode
	NewKey        = signing.NewKey
	Thumbprint    = signing.Thumbprint
	Publish       = signing.Publish
	ParseKeySet   = signing.ParseKeySet
	Sign          = signing.Sign
	Verify        = signing.Verify
)
