-- +goose Up
-- +goose StatementBegin
-- The judicial side (package trial). A trial's record is a JSON document,
-- like enforcement and mediation cases.
CREATE TABLE trial_cases (
	proceeding_id uuid PRIMARY KEY REFERENCES proceedings (id),
	matter_id     uuid NOT NULL REFERENCES matters (id),
	doc           jsonb NOT NULL,
	version       bigint NOT NULL DEFAULT 1
);
CREATE INDEX trial_cases_matter_idx ON trial_cases (matter_id);

-- The trial each source proceeding (an enforcement case transferred to a
-- court) became: a redelivered transfer finds its row and changes nothing.
CREATE TABLE trial_sources (
	source_proceeding_id uuid PRIMARY KEY,
	proceeding_id        uuid NOT NULL UNIQUE REFERENCES proceedings (id)
);

-- One counter per court, type code (with the specialised-trial code 知 where
-- it applies) and year: court numbers are gap-free, as the counter row is
-- locked by the docketing transaction until it ends.
CREATE TABLE court_number_counters (
	court     text NOT NULL,
	type_code text NOT NULL,
	year      integer NOT NULL,
	last      bigint NOT NULL,
	PRIMARY KEY (court, type_code, year)
);
-- +goose StatementEnd
