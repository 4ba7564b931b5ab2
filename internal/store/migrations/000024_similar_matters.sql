-- +goose Up
-- +goose StatementBegin
-- Decided matters as comparable cases (internal/similar), one row per
-- deciding event: an enforcement decision (enforcement.decided) or an
-- effective judgment (trial.judgment_effective). The features are those a
-- similar-case search compares (SPC 《关于统一法律适用加强类案检索的指导意见
-- （试行）》 2020, item 1: 基本事实、争议焦点、法律适用): IP type and law, the
-- base the amount was computed on, the multiple, the outcome (fine or
-- award, and a fine's place in its lawful range), intent, repeat, scale,
-- the deciding agency or court and its region, the day and the facts.
--
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner, who
-- runs the migrations, may create it without superuser.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE similar_matters (
	matter_id   uuid NOT NULL,
	event_seq   bigint NOT NULL,
	kind        text NOT NULL CHECK (kind IN ('FINE', 'DAMAGES')),
	ip_type     text NOT NULL,
	law         text NOT NULL,
	number      text NOT NULL,
	decider     text NOT NULL,
	region      text NOT NULL,
	decided_on  date NOT NULL,
	-- base: the figure the amount was computed on, in fen (business volume,
	-- illegal gains, the holder's loss…); 0 when not known.
	base        bigint NOT NULL CHECK (base >= 0),
	-- multiple: the punitive multiple (damages) or the fine as a multiple
	-- of the base, in thousandths; 0 when none.
	multiple    integer NOT NULL CHECK (multiple >= 0),
	amount      bigint NOT NULL CHECK (amount >= 0),
	-- share: where a fine lies in its lawful range, in thousandths
	-- (0 = minimum, 1000 = maximum); NULL for damages or without a range.
	share       integer CHECK (share BETWEEN 0 AND 1000),
	intentional boolean NOT NULL,
	repeat      boolean NOT NULL,
	serious     boolean NOT NULL,
	facts       text NOT NULL,
	PRIMARY KEY (matter_id, event_seq)
);
-- +goose StatementEnd

