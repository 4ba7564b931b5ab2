-- +goose Up
-- +goose StatementBegin
-- Officials' reads are recorded by access_log_append, one call a read of
-- any number of matters, rather than by a row trigger that locked a
-- chain's head, read it and moved it once for every row: a page of 50
-- matters took 50 of each, and the access log bounded an official's list
-- page (pgbench, 32 clients, a 50-row record: 130 a second through the
-- trigger, 512 through access_log_append; README, "Lists at scale"). The
-- function locks one head, chains the rows in memory, inserts them in one
-- statement and moves the head once. The chain and the hash are unchanged
-- (audit.VerifyAccessLog verifies rows of both).
--
-- The serving role loses INSERT on access_log (serving_privileges.txt) and
-- gets EXECUTE on access_log_append, which runs with its owner's rights:
-- whatever it records is chained by the function, so that no session can
-- put rows of its choosing into a chain. A row inserted directly, by a
-- role that still may (the owner), is chained as before by the trigger,
-- which now runs only for such rows: those that come without a hash.

-- access_log_hash computes what it did (000011), its fields joined by
-- concatenation rather than by unnest and string_agg: all are NOT NULL.
CREATE OR REPLACE FUNCTION access_log_hash(id bigint, shard integer, seq bigint, access_time timestamptz, subject text,
	role text, org text, method text, matter_id uuid, request_id text, prev_hash bytea) RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
	SELECT sha256(convert_to('ipcase.access_log.v1'
		|| octet_length(id::text) || ':' || id
		|| octet_length(shard::text) || ':' || shard
		|| octet_length(seq::text) || ':' || seq
		|| octet_length((extract(epoch FROM access_time) * 1000000)::bigint::text) || ':'
			|| (extract(epoch FROM access_time) * 1000000)::bigint
		|| octet_length(subject) || ':' || subject
		|| octet_length(role) || ':' || role
		|| octet_length(org) || ':' || org
		|| octet_length(method) || ':' || method
		|| octet_length(matter_id::text) || ':' || matter_id
		|| octet_length(request_id) || ':' || request_id, 'UTF8') || prev_hash)
$$;

-- access_log_head locks and returns the head of the chain the transaction
-- already holds, else of one no other transaction holds, else (all 16 are
-- held) of chain 0, which every such waiter waits for, so that waiters
-- never wait on each other in a cycle (as 000011's trigger chose). What
-- the session says it holds only names a head to lock: the head's row,
-- not the setting, gives the chain's end.
CREATE FUNCTION access_log_head() RETURNS access_log_heads
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	held text := current_setting('ipcase.access_log_shard', true);
	h    access_log_heads;
BEGIN
	IF held ~ '^[0-9]{1,2}$' THEN
		SELECT * INTO h FROM access_log_heads WHERE shard = held::integer FOR UPDATE;
	END IF;
	IF h.shard IS NULL THEN
		SELECT * INTO h FROM access_log_heads ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED;
	END IF;
	IF h.shard IS NULL THEN
		SELECT * INTO h FROM access_log_heads ORDER BY shard LIMIT 1 FOR UPDATE;
	END IF;
	PERFORM set_config('ipcase.access_log_shard', h.shard::text, true);
	RETURN h;
END
$$;
REVOKE EXECUTE ON FUNCTION access_log_head() FROM PUBLIC;

-- access_log_append records reads of matter_ids, in that order, by subject
-- (role, org) through method at at for request request_id, and returns how
-- many rows it wrote.
CREATE FUNCTION access_log_append(at timestamptz, subject text, role text, org text, method text,
	request_id text, matter_ids uuid[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	n      integer := coalesce(cardinality(matter_ids), 0);
	h      access_log_heads;
	ids    bigint[];
	prevs  bytea[];
	hashes bytea[];
	prev   bytea;
BEGIN
	IF n = 0 THEN
		RETURN 0;
	END IF;
	h := access_log_head();
	ids := ARRAY(SELECT nextval('access_log_id_seq') FROM generate_series(1, n));
	prev := h.hash;
	FOR i IN 1 .. n LOOP
		prevs[i] := prev;
		prev := access_log_hash(ids[i], h.shard, h.seq + i, at, subject, role, org, method, matter_ids[i], request_id, prev);
		hashes[i] := prev;
	END LOOP;
	INSERT INTO access_log (id, access_time, subject, role, org, method, matter_id, request_id, shard, seq, prev_hash, hash)
		SELECT r.id, at, subject, role, org, method, r.matter_id, request_id, h.shard, h.seq + r.i, r.prev_hash, r.hash
		FROM unnest(ids, matter_ids, prevs, hashes) WITH ORDINALITY AS r(id, matter_id, prev_hash, hash, i);
	UPDATE access_log_heads SET seq = h.seq + n, hash = prev WHERE shard = h.shard;
	RETURN n;
END
$$;
REVOKE EXECUTE ON FUNCTION access_log_append(timestamptz, text, text, text, text, text, uuid[]) FROM PUBLIC;

-- A row inserted directly is chained as 000011 did, by the same head.
CREATE OR REPLACE FUNCTION access_log_chain() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	h access_log_heads := access_log_head();
BEGIN
	NEW.shard := h.shard;
	NEW.seq := h.seq + 1;
	NEW.prev_hash := h.hash;
	NEW.hash := access_log_hash(NEW.id, NEW.shard, NEW.seq, NEW.access_time, NEW.subject, NEW.role, NEW.org,
		NEW.method, NEW.matter_id, NEW.request_id, NEW.prev_hash);
	UPDATE access_log_heads SET seq = NEW.seq, hash = NEW.hash WHERE shard = h.shard;
	RETURN NEW;
END
$$;
DROP TRIGGER access_log_chain ON access_log;
CREATE TRIGGER access_log_chain BEFORE INSERT ON access_log
	FOR EACH ROW WHEN (NEW.hash IS NULL) EXECUTE FUNCTION access_log_chain();
-- +goose StatementEnd
