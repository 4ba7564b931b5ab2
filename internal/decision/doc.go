// Package decision issues every decision ipcase makes — penalty decisions,
// judgments, rulings confirming a mediation agreement, transfers to a court
// or the police — as a signed document anyone can verify without an
// account: the decision's fields in a canonical form (schema
// decision.v1.schema.json) signed with the issuing agency's or court's
// Ed25519 key as a JWS (compact serialization, alg EdDSA, RFC 8037), and a
// short verification code derived from the JWS printed on the decision.
//
// It owns the decision_keys, decision_key_log and signed_decisions tables:
// one key set per issuer, public halves only — the private halves are in a
// Keyring (KeyDir, or a KMS) — with rotation (a retired key still verifies
// what it signed) and revocation (what a revoked key signed verifies as
// "signed with a key revoked on …"), who changed which key, and the signed
// documents with what superseded them (a judgment set aside on appeal). Sign, Verify and the key set's JWKS form
// are pure, so that `ipcase verify` checks a document offline against the
// published keys.
package decision
