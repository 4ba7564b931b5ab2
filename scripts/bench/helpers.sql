-- Helper for the pgbench scripts (scripts/bench.sh loads it into the
-- benchmark database; it is no part of the schema): the unified social
-- credit code (GB 32100-2015, with its check character) of a number in a
-- two-character namespace, exactly as ipcase-bench's creditCode makes it,
-- so that a pgbench submit names the same rights holders the seeder
-- created and the load generator files for.
CREATE OR REPLACE FUNCTION bench_credit_code(ns text, n bigint) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
	alphabet constant text := '0123456789ABCDEFGHJKLMNPQRTUWXY';
	weights constant int[] := ARRAY[1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
	body text := '';
	s int := 0;
BEGIN
	FOR i IN 1 .. 17 - length(ns) LOOP
		body := substr(alphabet, (n % 31)::int + 1, 1) || body;
		n := n / 31;
	END LOOP;
	body := ns || body;
	FOR i IN 1 .. 17 LOOP
		s := s + (strpos(alphabet, substr(body, i, 1)) - 1) * weights[i];
	END LOOP;
	RETURN body || substr(alphabet, (31 - s % 31) % 31 + 1, 1);
END
$$;
