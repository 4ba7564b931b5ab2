-- +goose Up
-- +goose StatementBegin
-- The case store: matters with their parties, rights, evidence and
-- proceedings; the append-only, hash-chained event log; idempotency records.

CREATE TABLE parties (
	id               uuid PRIMARY KEY,
	kind             text NOT NULL CHECK (kind IN ('PERSON', 'ORGANIZATION')),
	display_name     text NOT NULL,
	-- GB 32100-2015 unified social credit code; one row per organisation.
	credit_code      text CHECK (credit_code ~ '^[0-9A-HJ-NPQRTUWXY]{18}$'),
	domicile_country text NOT NULL DEFAULT 'CN',
	contact          text NOT NULL DEFAULT '',
	create_time      timestamptz NOT NULL DEFAULT now(),
	CHECK (kind = 'PERSON' OR credit_code IS NOT NULL)
);
CREATE UNIQUE INDEX parties_credit_code_key ON parties (credit_code) WHERE credit_code IS NOT NULL;

CREATE TABLE ip_rights (
	id                  uuid PRIMARY KEY,
	type                text NOT NULL CHECK (type IN ('PATENT_INVENTION', 'PATENT_UTILITY_MODEL',
		'PATENT_DESIGN', 'TRADEMARK', 'COPYRIGHT', 'TRADE_SECRET', 'GEOGRAPHICAL_INDICATION',
		'IC_LAYOUT_DESIGN', 'PLANT_VARIETY')),
	-- NULL for unregistered rights (copyright, trade secrets).
	registration_number text,
	title               text NOT NULL,
	holder              text NOT NULL DEFAULT '',
	term_start          date,
	term_end            date,
	description         text NOT NULL DEFAULT '',
	create_time         timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX ip_rights_registration_key ON ip_rights (type, registration_number)
	WHERE registration_number IS NOT NULL;

-- next_matter_number hands out matter numbers from one sequence per year,
-- created on first use. nextval never waits on another transaction, so
-- filings do not serialize on a counter; numbers may have gaps.
CREATE FUNCTION next_matter_number(yr integer) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	seq text := format('matter_number_%s', yr);
BEGIN
	RETURN nextval(seq::regclass);
EXCEPTION WHEN undefined_table THEN
	BEGIN
		EXECUTE format('CREATE SEQUENCE IF NOT EXISTS %I', seq);
	EXCEPTION WHEN unique_violation OR duplicate_table THEN
		NULL; -- a concurrent filing created it first
	END;
	RETURN nextval(seq::regclass);
END
$$;

CREATE TABLE matters (
	id             uuid PRIMARY KEY,
	number         text NOT NULL UNIQUE,
	state          text NOT NULL CHECK (state IN ('SUBMITTED', 'ACCEPTED', 'REJECTED', 'WITHDRAWN', 'CLOSED')),
	complainant_id uuid NOT NULL REFERENCES parties (id),
	facts          text NOT NULL,
	claims         text NOT NULL DEFAULT '',
	known_since    date,
	agency         text NOT NULL,
	warnings       jsonb NOT NULL DEFAULT '[]',
	version        bigint NOT NULL DEFAULT 1,
	create_time    timestamptz NOT NULL,
	update_time    timestamptz NOT NULL
);
CREATE INDEX matters_created_idx ON matters (create_time DESC, id DESC);
CREATE INDEX matters_state_created_idx ON matters (state, create_time DESC, id DESC);

CREATE TABLE matter_parties (
	matter_id uuid NOT NULL REFERENCES matters (id),
	role      text NOT NULL CHECK (role IN ('COMPLAINANT', 'RESPONDENT')),
	position  integer NOT NULL,
	party_id  uuid NOT NULL REFERENCES parties (id),
	PRIMARY KEY (matter_id, role, position)
);
CREATE INDEX matter_parties_party_idx ON matter_parties (party_id, matter_id);

CREATE TABLE matter_rights (
	matter_id uuid NOT NULL REFERENCES matters (id),
	position  integer NOT NULL,
	right_id  uuid NOT NULL REFERENCES ip_rights (id),
	PRIMARY KEY (matter_id, position)
);
CREATE INDEX matter_rights_right_idx ON matter_rights (right_id, matter_id);

CREATE TABLE evidence (
	id          uuid PRIMARY KEY,
	matter_id   uuid NOT NULL REFERENCES matters (id),
	position    integer NOT NULL,
	sha256      text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	size_bytes  bigint NOT NULL CHECK (size_bytes >= 0),
	media_type  text NOT NULL,
	source      text NOT NULL,
	description text NOT NULL DEFAULT '',
	create_time timestamptz NOT NULL,
	UNIQUE (matter_id, sha256)
);
CREATE INDEX evidence_sha256_idx ON evidence (sha256);

CREATE TABLE proceedings (
	id          uuid PRIMARY KEY,
	matter_id   uuid NOT NULL REFERENCES matters (id),
	kind        text NOT NULL CHECK (kind IN ('FILING_REVIEW', 'ENFORCEMENT', 'MEDIATION', 'TRIAL', 'CONFIRMATION')),
	state       text NOT NULL,
	number      text NOT NULL DEFAULT '',
	forum       text NOT NULL DEFAULT '',
	reason      text NOT NULL DEFAULT '',
	create_time timestamptz NOT NULL,
	update_time timestamptz NOT NULL
);
CREATE INDEX proceedings_matter_idx ON proceedings (matter_id, create_time, id);

-- The event log. Rows are never updated or deleted (the trigger below);
-- each row's hash covers the previous row's hash of the same matter.
CREATE TABLE events (
	id            bigserial PRIMARY KEY,
	matter_id     uuid NOT NULL REFERENCES matters (id),
	seq           bigint NOT NULL CHECK (seq > 0),
	type          text NOT NULL,
	proceeding_id uuid,
	actor_subject text NOT NULL,
	actor_role    text NOT NULL,
	actor_org     text NOT NULL DEFAULT '',
	occur_time    timestamptz NOT NULL,
	-- json, not jsonb: the exact bytes that were hashed are kept.
	payload       json NOT NULL,
	prev_hash     bytea,
	hash          bytea NOT NULL,
	UNIQUE (matter_id, seq)
);

-- The head of each matter's chain, kept apart from the events so that
-- deleting the newest events is detected.
CREATE TABLE event_heads (
	matter_id uuid PRIMARY KEY REFERENCES matters (id),
	seq       bigint NOT NULL,
	hash      bytea NOT NULL
);

CREATE FUNCTION events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON events
	FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

-- A create or transition stores its request_id with its response in the
-- same transaction; a retry gets the stored response.
CREATE TABLE idempotency_keys (
	key          text PRIMARY KEY,
	request_hash bytea NOT NULL,
	response     bytea NOT NULL,
	create_time  timestamptz NOT NULL DEFAULT now()
);
-- +goose StatementEnd
