-- +goose Up
-- +goose StatementBegin
-- Evidence uploads and one-time sign-in links for the status page.

-- One row per upload. The content itself lives on disk under
-- IPCASE_EVIDENCE_DIR, addressed by its SHA-256 digest, stored once however
-- often it is uploaded.
CREATE TABLE evidence_files (
	id               uuid PRIMARY KEY,
	sha256           text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	size_bytes       bigint NOT NULL CHECK (size_bytes >= 0),
	media_type       text NOT NULL CHECK (media_type ~ '^[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+$'),
	file_name        text NOT NULL DEFAULT '',
	deduplicated     boolean NOT NULL,
	uploader_subject text NOT NULL,
	uploader_role    text NOT NULL,
	uploader_org     text NOT NULL DEFAULT '',
	create_time      timestamptz NOT NULL
);
CREATE INDEX evidence_files_sha256_idx ON evidence_files (sha256);

-- A sign-in link lets a matter's complainant onto the status page once.
-- Only the SHA-256 of the code is kept, so the table cannot be used to sign
-- in; a link is spent by setting redeem_time, which happens at most once.
CREATE TABLE signin_links (
	id           uuid PRIMARY KEY,
	code_sha256  bytea NOT NULL UNIQUE CHECK (length(code_sha256) = 32),
	matter_id    uuid NOT NULL REFERENCES matters (id),
	party_id     uuid NOT NULL REFERENCES parties (id),
	issuer       text NOT NULL,
	create_time  timestamptz NOT NULL,
	expire_time  timestamptz NOT NULL CHECK (expire_time > create_time),
	redeem_time  timestamptz
);
CREATE INDEX signin_links_matter_idx ON signin_links (matter_id);
-- +goose StatementEnd
