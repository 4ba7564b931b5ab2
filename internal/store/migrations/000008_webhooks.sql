-- +goose Up
-- +goose StatementBegin
-- Webhook notifications for rights holders.

-- A webhook receives the public projection of every event of the matters
-- where one of its parties is a party. The secret signs deliveries; it is
-- shown to the owner once, at creation. Deleting sets delete_time.
CREATE TABLE webhooks (
	id            uuid PRIMARY KEY,
	owner_subject text NOT NULL,
	parties       uuid[] NOT NULL CHECK (cardinality(parties) > 0),
	url           text NOT NULL CHECK (length(url) BETWEEN 1 AND 2048),
	secret        text NOT NULL,
	create_time   timestamptz NOT NULL,
	delete_time   timestamptz
);
CREATE INDEX webhooks_parties_idx ON webhooks USING gin (parties) WHERE delete_time IS NULL;
CREATE INDEX webhooks_owner_idx ON webhooks (owner_subject, create_time DESC);

-- One row per event enqueued for a webhook; it is also the delivery log.
-- An event is enqueued at most once per webhook, however often the
-- consumer sees it. The dispatcher sends, per (webhook, matter), only the
-- pending delivery of the lowest position.
CREATE TABLE webhook_deliveries (
	id               uuid PRIMARY KEY,
	webhook_id       uuid NOT NULL REFERENCES webhooks (id),
	matter_id        uuid NOT NULL REFERENCES matters (id),
	position         bigint NOT NULL,
	event_id         bigint NOT NULL REFERENCES events (id),
	event_seq        bigint NOT NULL,
	body             bytea NOT NULL,
	state            text NOT NULL CHECK (state IN ('PENDING', 'DELIVERED', 'FAILED')),
	attempts         integer NOT NULL DEFAULT 0,
	next_attempt_at  timestamptz NOT NULL,
	last_status_code integer NOT NULL DEFAULT 0,
	last_error       text NOT NULL DEFAULT '',
	delivered_at     timestamptz,
	create_time      timestamptz NOT NULL,
	UNIQUE (webhook_id, event_id)
);
CREATE INDEX webhook_deliveries_log_idx ON webhook_deliveries (webhook_id, position);
CREATE INDEX webhook_deliveries_pending_idx ON webhook_deliveries (webhook_id, matter_id, position) WHERE state = 'PENDING';
-- +goose StatementEnd
