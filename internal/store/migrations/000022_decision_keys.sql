-- +goose Up
-- +goose StatementBegin
-- The signing keys of the agencies and courts (internal/decision): Ed25519,
-- kid the RFC 7638 thumbprint. One current key per issuer; a rotated key is
-- retired (what it signed still verifies), a revoked key's documents verify
-- as signed with a key revoked on that day. Keys are never deleted: the
-- published key set must verify every document ever signed.
CREATE TABLE decision_keys (
	kid            text PRIMARY KEY,
	issuer         text NOT NULL,
	public_key     bytea NOT NULL CHECK (length(public_key) = 32),
	private_key    bytea NOT NULL CHECK (length(private_key) = 64),
	created_at     timestamptz NOT NULL,
	retired_at     timestamptz,
	revoked_at     timestamptz,
	revoked_reason text NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX decision_keys_current ON decision_keys (issuer) WHERE retired_at IS NULL AND revoked_at IS NULL;
-- +goose StatementEnd
