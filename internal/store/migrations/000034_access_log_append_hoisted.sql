-- +goose Up
-- +goose StatementBegin
-- access_log_append spent about half its time hashing: for each row it
-- evaluated access_log_hash, whose text of the access time (numeric
-- arithmetic), of the caller's fields and their lengths is the same for
-- every row of one call (pgbench, a record of 20 rows: 1.26-1.39 ms
-- alone, against 0.69-0.76 ms with no hashing at all). It now builds every
-- row's text in one statement, the call's parts computed once, and the
-- loop only chains sha256(text || previous hash): the bytes hashed, and
-- so the hashes, are those of access_log_hash (000031), which
-- audit.VerifyAccessLog recomputes.
--
-- access_log_head first tries the head numbered by the session's backend
-- (a look-up of one row by its key, skipping it if held), before the scan
-- of every head in random order: the heads' table is updated at every
-- recorded read, and the scan reads each of its dead rows. Neither waits
-- for a head it did not wait for before.
CREATE OR REPLACE FUNCTION access_log_head() RETURNS access_log_heads
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	held text := current_setting('ipcase.access_log_shard', true);
	h    access_log_heads;
BEGIN
	IF held ~ '^[0-9]{1,2}$' THEN
		SELECT * INTO h FROM access_log_heads WHERE shard = held::integer FOR UPDATE;
	END IF;
	IF h.shard IS NULL THEN
		SELECT * INTO h FROM access_log_heads WHERE shard = pg_backend_pid() % 16 FOR UPDATE SKIP LOCKED;
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

CREATE OR REPLACE FUNCTION access_log_append(at timestamptz, subject text, role text, org text, method text,
	request_id text, matter_ids uuid[]) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	n      integer := coalesce(cardinality(matter_ids), 0);
	h      access_log_heads;
	ids    bigint[];
	texts  bytea[];
	prevs  bytea[];
	hashes bytea[];
	prev   bytea;
	micros text;
BEGIN
	IF n = 0 THEN
		RETURN 0;
	END IF;
	h := access_log_head();
	ids := ARRAY(SELECT nextval('access_log_id_seq') FROM generate_series(1, n));
	micros := (extract(epoch FROM at) * 1000000)::bigint::text;
	-- access_log_hash's text, but for the previous hash, row by row.
	texts := ARRAY(SELECT convert_to('ipcase.access_log.v1'
			|| octet_length(r.id::text) || ':' || r.id
			|| octet_length(h.shard::text) || ':' || h.shard
			|| octet_length((h.seq + r.i)::text) || ':' || (h.seq + r.i)
			|| octet_length(micros) || ':' || micros
			|| octet_length(subject) || ':' || subject
			|| octet_length(role) || ':' || role
			|| octet_length(org) || ':' || org
			|| octet_length(method) || ':' || method
			|| octet_length(r.matter_id::text) || ':' || r.matter_id
			|| octet_length(request_id) || ':' || request_id, 'UTF8')
		FROM unnest(ids, matter_ids) WITH ORDINALITY AS r(id, matter_id, i) ORDER BY r.i);
	prev := h.hash;
	FOR i IN 1 .. n LOOP
		prevs[i] := prev;
		prev := sha256(texts[i] || prev);
		hashes[i] := prev;
	END LOOP;
	INSERT INTO access_log (id, access_time, subject, role, org, method, matter_id, request_id, shard, seq, prev_hash, hash)
		SELECT r.id, at, subject, role, org, method, r.matter_id, request_id, h.shard, h.seq + r.i, r.prev_hash, r.hash
		FROM unnest(ids, matter_ids, prevs, hashes) WITH ORDINALITY AS r(id, matter_id, prev_hash, hash, i);
	UPDATE access_log_heads SET seq = h.seq + n, hash = prev WHERE shard = h.shard;
	RETURN n;
END
$$;
-- +goose StatementEnd
