-- +goose Up
-- +goose StatementBegin
-- Reads of matters by officials (who looked at what, when), and signed
-- checkpoints on the head of each event chain.

CREATE TABLE access_log (
	id          bigserial PRIMARY KEY,
	access_time timestamptz NOT NULL,
	subject     text NOT NULL,
	role        text NOT NULL,
	org         text NOT NULL DEFAULT '',
	method      text NOT NULL,
	matter_id   uuid NOT NULL,
	request_id  text NOT NULL DEFAULT ''
);
CREATE INDEX access_log_matter_idx ON access_log (matter_id, id DESC);
CREATE INDEX access_log_subject_idx ON access_log (subject, id DESC);

CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON access_log
	FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

-- The head of a chain is signed (Ed25519) with the server's checkpoint key,
-- so rewriting the events and the head together is detected too.
ALTER TABLE event_heads
	ADD COLUMN key_id    text NOT NULL DEFAULT '',
	ADD COLUMN signature bytea;

-- What officials and courts may see: matters filed with or routed to them.
CREATE INDEX matters_agency_idx ON matters (agency, create_time DESC, id DESC);
CREATE INDEX proceedings_forum_idx ON proceedings (forum, matter_id);
-- +goose StatementEnd
