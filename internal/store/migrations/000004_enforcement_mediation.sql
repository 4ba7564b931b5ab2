-- +goose Up
-- +goose StatementBegin
-- Enforcement and mediation case records (one document per proceeding, with
-- its own version for optimistic concurrency), penalty-decision numbers,
-- and the record of decided infringements that repeat-offender rules read.

CREATE TABLE enforcement_cases (
	proceeding_id uuid PRIMARY KEY REFERENCES proceedings (id),
	matter_id     uuid NOT NULL REFERENCES matters (id),
	doc           jsonb NOT NULL,
	version       bigint NOT NULL DEFAULT 1
);
CREATE INDEX enforcement_cases_matter_idx ON enforcement_cases (matter_id);

CREATE TABLE mediation_cases (
	proceeding_id uuid PRIMARY KEY REFERENCES proceedings (id),
	matter_id     uuid NOT NULL REFERENCES matters (id),
	doc           jsonb NOT NULL,
	version       bigint NOT NULL DEFAULT 1
);
CREATE INDEX mediation_cases_matter_idx ON mediation_cases (matter_id);

-- One counter per agency and year. A decision takes the next number in its
-- own transaction (the row stays locked until it commits), so numbers are
-- consecutive with no gaps even under concurrency.
CREATE TABLE decision_counters (
	agency text NOT NULL,
	year   integer NOT NULL,
	last   bigint NOT NULL,
	PRIMARY KEY (agency, year)
);

-- Decided infringements per respondent: administrative decisions, and
-- effective judgments reported by the judicial side. Unique per proceeding
-- and party, so a redelivered report changes nothing.
CREATE TABLE infringement_records (
	id            bigserial PRIMARY KEY,
	party_id      uuid NOT NULL REFERENCES parties (id),
	matter_id     uuid NOT NULL REFERENCES matters (id),
	proceeding_id uuid NOT NULL,
	source        text NOT NULL CHECK (source IN ('ADMINISTRATIVE_DECISION', 'JUDGMENT')),
	reference     text NOT NULL,
	decided_on    date NOT NULL,
	UNIQUE (proceeding_id, party_id)
);
CREATE INDEX infringement_records_party_idx ON infringement_records (party_id, decided_on DESC);
-- +goose StatementEnd
