-- +goose Up
-- +goose StatementBegin
-- ipcased serves as a role of its own, which may read and write rows but
-- owns nothing and may change no schema (`ipcased migrate` grants it what
-- internal/store/serving_privileges lists; README, "Database roles"). And
-- the access log becomes hash-chained and sealed, as the events are, so
-- that rows deleted by someone who can get around its append-only trigger
-- (the owner, a superuser) are detected (package audit).

-- Matter numbers: next_matter_number creates a year's sequence on its first
-- use. It now does so with its owner's rights, so the serving role needs
-- neither CREATE on the schema nor rights on the sequences; its search_path
-- is fixed so that no caller can put objects of its own in the way. Only
-- roles granted EXECUTE (the serving role) may call it.
ALTER FUNCTION next_matter_number(integer) SECURITY DEFINER SET search_path = public, pg_temp;
REVOKE EXECUTE ON FUNCTION next_matter_number(integer) FROM PUBLIC;

-- Before Postgres 15 every role could create objects in schema public.
-- Revoking that takes the schema's owner; where the migrating role is not,
-- `ipcased migrate` refuses a serving role that can still create there.
DO $$
BEGIN
	REVOKE CREATE ON SCHEMA public FROM PUBLIC;
EXCEPTION WHEN insufficient_privilege THEN
	RAISE WARNING 'could not revoke CREATE on schema public from PUBLIC; its owner must';
END
$$;

-- The access log's chains. Each row is appended to one of 16 chains and
-- carries its chain (shard), its number in it (seq, from 1), the hash of
-- the chain's previous row (prev_hash, empty for the first) and its own
-- hash, which covers its columns and prev_hash; audit.VerifyAccessLog
-- recomputes them in Go from the columns alone. Several chains, so that
-- concurrent reads by officials do not queue on one head.
CREATE TABLE access_log_heads (
	shard integer PRIMARY KEY CHECK (shard BETWEEN 0 AND 15),
	seq   bigint NOT NULL DEFAULT 0 CHECK (seq >= 0),
	hash  bytea NOT NULL DEFAULT ''
);
INSERT INTO access_log_heads (shard) SELECT generate_series(0, 15);

-- access_log_hash is a row's hash: SHA-256 of "ipcase.access_log.v1", then
-- each column as its length in bytes, a colon and its text (the time as
-- microseconds since the epoch), then the previous row's hash.
CREATE FUNCTION access_log_hash(id bigint, shard integer, seq bigint, access_time timestamptz, subject text,
	role text, org text, method text, matter_id uuid, request_id text, prev_hash bytea) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
	SELECT sha256(convert_to('ipcase.access_log.v1' || string_agg(octet_length(f) || ':' || f, '' ORDER BY n), 'UTF8') || prev_hash)
	FROM unnest(ARRAY[id::text, shard::text, seq::text, (extract(epoch FROM access_time) * 1000000)::bigint::text,
		subject, role, org, method, matter_id::text, request_id]) WITH ORDINALITY AS u(f, n)
$$;

-- The rows logged so far become chain 0, in id order.
ALTER TABLE access_log
	ADD COLUMN shard     integer,
	ADD COLUMN seq       bigint,
	ADD COLUMN prev_hash bytea,
	ADD COLUMN hash      bytea;
ALTER TABLE access_log DISABLE TRIGGER access_log_append_only;
DO $$
DECLARE
	r      access_log;
	n      bigint := 0;
	prev   bytea := '';
	ids    bigint[] := '{}';
	prevs  bytea[] := '{}';
	hashes bytea[] := '{}';
BEGIN
	FOR r IN SELECT * FROM access_log ORDER BY id LOOP
		n := n + 1;
		ids := ids || r.id;
		prevs := prevs || prev;
		prev := access_log_hash(r.id, 0, n, r.access_time, r.subject, r.role, r.org, r.method, r.matter_id, r.request_id, prev);
		hashes := hashes || prev;
	END LOOP;
	UPDATE access_log a SET shard = 0, seq = c.seq, prev_hash = c.prev_hash, hash = c.hash
		FROM unnest(ids, prevs, hashes) WITH ORDINALITY AS c(id, prev_hash, hash, seq) WHERE c.id = a.id;
	UPDATE access_log_heads SET seq = n, hash = prev WHERE shard = 0;
END
$$;
ALTER TABLE access_log ENABLE TRIGGER access_log_append_only;
ALTER TABLE access_log
	ALTER COLUMN shard SET NOT NULL,
	ALTER COLUMN seq SET NOT NULL,
	ALTER COLUMN prev_hash SET NOT NULL,
	ALTER COLUMN hash SET NOT NULL,
	ADD CONSTRAINT access_log_chain_key UNIQUE (shard, seq),
	ADD CHECK (seq > 0);

-- Every new row goes to the end of a chain: the one its transaction already
-- holds, else one no other transaction holds, else (all 16 are held) chain
-- 0, which every such waiter waits for, so waiters never wait on each other
-- in a cycle. The head stays locked until the transaction ends. Whatever
-- the row says of its chain is overwritten. The function runs with its
-- owner's rights: the serving role may read the heads but not move them.
CREATE FUNCTION access_log_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	held text := current_setting('ipcase.access_log_shard', true);
	h    access_log_heads;
BEGIN
	IF held ~ '^[0-9]+$' THEN
		SELECT * INTO h FROM access_log_heads WHERE shard = held::integer FOR UPDATE;
	END IF;
	IF h.shard IS NULL THEN
		SELECT * INTO h FROM access_log_heads ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED;
	END IF;
	IF h.shard IS NULL THEN
		SELECT * INTO h FROM access_log_heads ORDER BY shard LIMIT 1 FOR UPDATE;
	END IF;
	PERFORM set_config('ipcase.access_log_shard', h.shard::text, true);
	NEW.shard := h.shard;
	NEW.seq := h.seq + 1;
	NEW.prev_hash := h.hash;
	NEW.hash := access_log_hash(NEW.id, NEW.shard, NEW.seq, NEW.access_time, NEW.subject, NEW.role, NEW.org,
		NEW.method, NEW.matter_id, NEW.request_id, NEW.prev_hash);
	UPDATE access_log_heads SET seq = NEW.seq, hash = NEW.hash WHERE shard = h.shard;
	RETURN NEW;
END
$$;
CREATE TRIGGER access_log_chain BEFORE INSERT ON access_log
	FOR EACH ROW EXECUTE FUNCTION access_log_chain();

-- Seals: every so often ipcased checks each chain from the previous seal
-- to its head and signs the heads with the checkpoint key. A seal's hash
-- covers its time, the heads ([[seq, "hex hash"], …] by shard) and the
-- previous seal's hash (empty for the first); rows the seals cover cannot
-- be deleted, changed or re-chained without a signature failing, nor a seal
-- removed without breaking the seals' own chain. Append-only, like the log.
CREATE TABLE access_log_seals (
	id        bigserial PRIMARY KEY,
	seal_time timestamptz NOT NULL,
	heads     jsonb NOT NULL,
	prev_hash bytea NOT NULL,
	hash      bytea NOT NULL,
	key_id    text NOT NULL,
	signature bytea NOT NULL
);
CREATE TRIGGER access_log_seals_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON access_log_seals
	FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();
-- +goose StatementEnd
