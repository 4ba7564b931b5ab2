-- +goose Up
-- +goose StatementBegin
-- The issuers' private signing keys leave the database (internal/decision,
-- issue #17): decision_keys keeps public halves and each key's life; the
-- private halves live in ipcased's key directory (IPCASE_DECISION_KEY_DIR)
-- or a KMS. Keys made before this migration had their private half in the
-- row, so they are retired now — what they signed still verifies — and
-- their private halves are dropped; each issuer's next decision is signed
-- with a new key made in the key directory. Old backups still hold the
-- dropped halves: an operator who fears they leaked revokes those keys
-- (`ipcase decision-key revoke`).
UPDATE decision_keys SET retired_at = now() WHERE retired_at IS NULL AND revoked_at IS NULL;
ALTER TABLE decision_keys DROP COLUMN private_key;

-- Who created, rotated or revoked which key, when and why: append-only.
-- request_id makes a rotation or revocation safe to retry (with
-- idempotency_keys); a key ipcased made on an issuer's first decision is
-- logged as the system's CREATE.
CREATE TABLE decision_key_log (
	id            bigserial PRIMARY KEY,
	at            timestamptz NOT NULL,
	action        text NOT NULL CHECK (action IN ('CREATE', 'ROTATE', 'REVOKE')),
	issuer        text NOT NULL,
	kid           text NOT NULL REFERENCES decision_keys (kid),
	-- For ROTATE, the key it retired ('' for an issuer's first key).
	retired_kid   text NOT NULL DEFAULT '',
	reason        text NOT NULL DEFAULT '',
	-- For REVOKE, the day the revocation takes effect.
	effective_on  date,
	actor_subject text NOT NULL,
	actor_role    text NOT NULL,
	actor_org     text NOT NULL DEFAULT '',
	request_id    text NOT NULL DEFAULT ''
);
CREATE INDEX decision_key_log_kid ON decision_key_log (kid);
-- +goose StatementEnd
