-- +goose Up
-- +goose StatementBegin
-- matter_list: where each matter stands in each list it can appear in
-- (package filing, ListMatters), so that every page of every list is one
-- B-tree range scan in keyset order that stops after the page, whoever
-- asks and whatever the filters. A list is a scope:
--   '*'            everything (an admin's list);
--   'A:<agency>'   an agency's matters, 'J:<court>' a court's: exactly the
--                  elements of matters.forums (migration 000027);
--   'P:<party id>' the matters a party is in, complainant true when it is
--                  one of their complainants (a rights holder sees those
--                  always, the others once the respondents were told).
-- Each row carries what the filters test: the matter's state (a key
-- column of matter_list_state_idx) and IP types (matters.ip_types,
-- migration 000026), included in both indexes so that a filter on them
-- costs no heap access; filed_from/filed_to bound create_time in the key.
--
-- The rows are derived, never written by ipcased: statement triggers on
-- matters and matter_parties keep them in the transaction that changes
-- what they derive from (a matter's insert, a change of its state, forums
-- or IP types, its parties' rows), running as the owner (SECURITY
-- DEFINER), so the serving role may only read them.
CREATE TABLE matter_list (
	scope       text NOT NULL,
	create_time timestamptz NOT NULL,
	matter_id   uuid NOT NULL,
	state       text NOT NULL,
	ip_types    text[] NOT NULL,
	complainant boolean NOT NULL
);

-- matter_list_upsert writes the rows of the matters ids: all of them, or
-- only their parties' (parties_only). Idempotent: a row already there
-- takes the matter's current values.
CREATE FUNCTION matter_list_upsert(ids uuid[], parties_only boolean) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $f$
	INSERT INTO matter_list AS l (scope, create_time, matter_id, state, ip_types, complainant)
	SELECT s.scope, m.create_time, m.id, m.state, m.ip_types, s.complainant
	FROM matters m CROSS JOIN LATERAL (
		SELECT '*' AS scope, false AS complainant WHERE NOT parties_only
		UNION ALL
		SELECT DISTINCT f, false FROM unnest(m.forums) f WHERE NOT parties_only
		UNION ALL
		SELECT 'P:' || mp.party_id, bool_or(mp.role = 'COMPLAINANT')
		FROM matter_parties mp WHERE mp.matter_id = m.id GROUP BY mp.party_id
	) s
	WHERE m.id = ANY (ids)
	ON CONFLICT (scope, create_time, matter_id) DO UPDATE
	SET state = excluded.state, ip_types = excluded.ip_types, complainant = excluded.complainant
	WHERE (l.state, l.ip_types, l.complainant) IS DISTINCT FROM (excluded.state, excluded.ip_types, excluded.complainant)
$f$;

-- matter_list_refresh rewrites the rows of the matters ids.
CREATE FUNCTION matter_list_refresh(ids uuid[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $f$
BEGIN
	IF cardinality(ids) > 0 THEN
		DELETE FROM matter_list WHERE matter_id = ANY (ids);
		PERFORM matter_list_upsert(ids, false);
	END IF;
END
$f$;

CREATE FUNCTION matter_list_matters_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $f$
BEGIN
	PERFORM matter_list_upsert(ARRAY(SELECT id FROM new_rows), false);
	RETURN NULL;
END
$f$;

-- A matter's list rows change when its state, forums or IP types do (a
-- version bump alone changes none).
CREATE FUNCTION matter_list_matters_updated() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $f$
BEGIN
	PERFORM matter_list_refresh(ARRAY(
		SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
		WHERE (n.state, n.forums, n.ip_types, n.create_time) IS DISTINCT FROM (o.state, o.forums, o.ip_types, o.create_time)));
	RETURN NULL;
END
$f$;

CREATE FUNCTION matter_list_parties_inserted() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $f$
BEGIN
	PERFORM matter_list_upsert(ARRAY(SELECT DISTINCT matter_id FROM new_rows), true);
	RETURN NULL;
END
$f$;

-- matter_parties rows are only inserted by ipcased; an owner's change or
-- removal of one rewrites its matter's rows all the same.
CREATE FUNCTION matter_list_parties_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $f$
BEGIN
	IF TG_OP = 'DELETE' THEN
		PERFORM matter_list_refresh(ARRAY(SELECT DISTINCT matter_id FROM old_rows));
	ELSE
		PERFORM matter_list_refresh(ARRAY(SELECT matter_id FROM old_rows UNION SELECT matter_id FROM new_rows));
	END IF;
	RETURN NULL;
END
$f$;

-- The rows of the matters already stored, before the indexes (faster).
INSERT INTO matter_list (scope, create_time, matter_id, state, ip_types, complainant)
SELECT s.scope, m.create_time, m.id, m.state, m.ip_types, s.complainant
FROM matters m CROSS JOIN LATERAL (
	SELECT '*' AS scope, false AS complainant
	UNION ALL
	SELECT DISTINCT f, false FROM unnest(m.forums) f
) s;
INSERT INTO matter_list (scope, create_time, matter_id, state, ip_types, complainant)
SELECT 'P:' || mp.party_id, m.create_time, m.id, m.state, m.ip_types, bool_or(mp.role = 'COMPLAINANT')
FROM matter_parties mp JOIN matters m ON m.id = mp.matter_id
GROUP BY mp.party_id, m.id;

-- Every list, newest first: ORDER BY create_time DESC, matter_id DESC is
-- this index read backwards from the page token's position.
ALTER TABLE matter_list ADD CONSTRAINT matter_list_pkey PRIMARY KEY (scope, create_time, matter_id)
	INCLUDE (state, ip_types, complainant);
-- A list filtered by state.
CREATE INDEX matter_list_state_idx ON matter_list (scope, state, create_time, matter_id) INCLUDE (ip_types, complainant);
-- matter_list_refresh's delete.
CREATE INDEX matter_list_matter_idx ON matter_list (matter_id);

CREATE TRIGGER matter_list_matters_inserted AFTER INSERT ON matters
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION matter_list_matters_inserted();
CREATE TRIGGER matter_list_matters_updated AFTER UPDATE ON matters
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION matter_list_matters_updated();
CREATE TRIGGER matter_list_parties_inserted AFTER INSERT ON matter_parties
	REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION matter_list_parties_inserted();
CREATE TRIGGER matter_list_parties_updated AFTER UPDATE ON matter_parties
	REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION matter_list_parties_changed();
CREATE TRIGGER matter_list_parties_deleted AFTER DELETE ON matter_parties
	REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION matter_list_parties_changed();
-- +goose StatementEnd
