-- +goose Up
-- +goose StatementBegin
-- The event exchange (package events). Event ids come from a sequence and
-- become visible out of commit order, so "events with id > N" can skip an
-- event whose transaction commits late. Instead, one relay gives every
-- committed event a gap-free log position, in the order it sees commits;
-- readers ask for "position > cursor", which never skips.

-- Events not yet given a position: filled by the trigger below in the
-- transaction that appends the event, emptied by the relay in the
-- transaction that stamps it. It stays small, so the relay never scans the
-- whole log. No foreign key: a queue row must not stand in the way of
-- anything done to events (the relay skips ids no longer there).
CREATE TABLE event_unstamped (
	event_id bigint PRIMARY KEY
);

-- The log order. Append-only, like events.
CREATE TABLE event_positions (
	position bigint PRIMARY KEY CHECK (position > 0),
	event_id bigint NOT NULL UNIQUE REFERENCES events (id)
);

CREATE TRIGGER event_positions_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON event_positions
	FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

-- Queues each new event for the relay and wakes it. Notifications are sent
-- at commit, and identical ones of one transaction are folded into one.
CREATE FUNCTION events_enqueue() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO event_unstamped (event_id) VALUES (NEW.id);
	PERFORM pg_notify('ipcase_events', '');
	RETURN NULL;
END
$$;
CREATE TRIGGER events_enqueue AFTER INSERT ON events
	FOR EACH ROW EXECUTE FUNCTION events_enqueue();

-- Events appended before this migration get positions in id order.
INSERT INTO event_unstamped (event_id) SELECT id FROM events;

-- Cursors of ipcased's own consumers, each moved in the transaction that
-- applies the event.
CREATE TABLE consumer_cursors (
	name        text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_.-]*$'),
	position    bigint NOT NULL DEFAULT 0 CHECK (position >= 0),
	update_time timestamptz NOT NULL DEFAULT now()
);

-- +goose StatementEnd
