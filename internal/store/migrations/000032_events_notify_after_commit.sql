-- +goose Up
-- +goose StatementBegin
-- The trigger that queues each new event for the relay no longer wakes the
-- relay with a NOTIFY: ipcased sends it once the appending transaction has
-- committed, in the same round trip as its COMMIT (store.Write.Notify).
-- Postgres serializes the commits of transactions that sent a NOTIFY: each
-- takes a database-wide lock before committing and holds it until its
-- commit record is flushed, so that notifications queue in commit order.
-- With a NOTIFY in every transaction that appended events, every write of
-- ipcased committed one at a time, each waiting for its own flush: a
-- SubmitComplaint load spent most of its waits in COMMIT on that lock
-- (Lock:object on pg_database), and writes ran at one over the disk's
-- flush time (README, "Figures"). A NOTIFY sent on its own writes nothing
-- and waits for no flush. Whoever appends events without ipcased wakes the
-- relay itself (NOTIFY ipcase_events), or it stamps them within its
-- fallback poll (events.FallbackPoll).
CREATE OR REPLACE FUNCTION events_enqueue() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO event_unstamped (event_id) VALUES (NEW.id);
	RETURN NULL;
END
$$;
-- +goose StatementEnd
