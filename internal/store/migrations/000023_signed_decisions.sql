-- +goose Up
-- +goose StatementBegin
-- Every decision ipcase issued, as signed (internal/decision): the JWS, its
-- verification code, and what superseded it (a judgment set aside on
-- appeal). One row per event and kind, so that a redelivered event signs
-- nothing twice.
CREATE TABLE signed_decisions (
	code              text PRIMARY KEY CHECK (code ~ '^[A-Z2-7]{10}$'),
	matter_id         uuid NOT NULL,
	event_seq         bigint NOT NULL,
	kind              text NOT NULL,
	number            text NOT NULL,
	issuer            text NOT NULL,
	proceeding_id     text NOT NULL DEFAULT '',
	kid               text NOT NULL REFERENCES decision_keys (kid),
	jws               text NOT NULL,
	signed_at         timestamptz NOT NULL,
	-- The second-instance proceeding an appeal took the judgment to.
	appealed_to       text NOT NULL DEFAULT '',
	superseded_by     text REFERENCES signed_decisions (code),
	superseded_reason text NOT NULL DEFAULT '',
	superseded_at     timestamptz,
	UNIQUE (matter_id, event_seq, kind)
);
CREATE INDEX signed_decisions_appealed_to ON signed_decisions (appealed_to) WHERE appealed_to <> '';
CREATE INDEX signed_decisions_proceeding ON signed_decisions (proceeding_id);
-- +goose StatementEnd
