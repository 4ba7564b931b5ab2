-- +goose Up
-- +goose StatementBegin
-- Statutory clocks (package deadline): one row per deadline of a proceeding,
-- with the rule it was computed from, the result and its derivation, and
-- the version of the holiday calendar used, so that open deadlines can be
-- recomputed when the calendar changes.

CREATE TABLE deadlines (
	id                    uuid PRIMARY KEY,
	matter_id             uuid NOT NULL REFERENCES matters (id),
	proceeding_id         uuid NOT NULL REFERENCES proceedings (id),
	-- What the clock is for: `enforcement.decision`, `trial.appeal`, …
	kind                  text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
	-- The party whose clock it is (appeal periods run per party, SPC CPL
	-- Interpretation Art. 244); NULL for the proceeding's own clocks.
	party_id              uuid REFERENCES parties (id),
	trigger_date          date NOT NULL,
	period                integer NOT NULL CHECK (period > 0),
	unit                  text NOT NULL CHECK (unit IN ('calendar-days', 'working-days', 'months', 'years')),
	basis                 text NOT NULL DEFAULT '',
	-- Approved extensions, in order: [{"rule": {…}, "approvedBy": …, "reason": …}].
	extensions            jsonb NOT NULL DEFAULT '[]',
	due_date              date NOT NULL,
	raw_end               date NOT NULL,
	adjusted              boolean NOT NULL,
	ends_on_make_up_day   boolean NOT NULL DEFAULT false,
	steps                 jsonb NOT NULL,
	calendar_version      text NOT NULL,
	status                text NOT NULL CHECK (status IN ('OPEN', 'MET', 'MISSED', 'CANCELLED')),
	approaching_announced boolean NOT NULL DEFAULT false,
	create_time           timestamptz NOT NULL,
	update_time           timestamptz NOT NULL,
	close_time            timestamptz,
	CHECK ((status = 'OPEN') = (close_time IS NULL))
);

-- At most one open clock of a kind per proceeding and party.
CREATE UNIQUE INDEX deadlines_open_key ON deadlines
	(proceeding_id, kind, coalesce(party_id, '00000000-0000-0000-0000-000000000000'::uuid))
	WHERE status = 'OPEN';
CREATE INDEX deadlines_matter_idx ON deadlines (matter_id, due_date, id);
CREATE INDEX deadlines_proceeding_idx ON deadlines (proceeding_id, due_date, id);
-- What the sweeper and the recomputation scan.
CREATE INDEX deadlines_open_due_idx ON deadlines (due_date, id) WHERE status = 'OPEN';
-- +goose StatementEnd
