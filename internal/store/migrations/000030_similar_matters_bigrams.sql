-- +goose Up
-- +goose StatementBegin
-- The facts of decided matters are compared by Postgres full-text search
-- over character bigrams, chosen by measurement over pg_trgm and bleve
-- (README, "Similar cases", scripts/bench-similar.sh): Chinese has no
-- spaces, and no Chinese parser (zhparser, pg_bigm, pgroonga) is packaged
-- for Debian's Postgres 15, so similar_bigrams writes every pair of
-- adjacent letters or digits as a word for the 'simple' configuration
-- ('销售假冒' → '销售 售假 假冒'); punctuation and spaces break pairs.
-- Letters and digits are named by their code points (ASCII and full-width
-- letters and digits, CJK ideographs U+3400–U+4DBF, U+4E00–U+9FFF and the
-- compatibility ideographs U+F900–U+FAFF), not by [[:alnum:]], whose
-- meaning follows the database's locale: under --no-locale (C) it matches
-- ASCII only, and every Chinese pair would be dropped.
-- The column is generated, so the consumer's INSERT is unchanged. The
-- finder ranks at most 2,000 candidates of one band by ts_rank, so the
-- trigram index (000025) has no reader left and is dropped (first, so the
-- table's rewrite does not rebuild it).
DROP INDEX similar_matters_facts;

CREATE FUNCTION similar_bigrams(t text) RETURNS text
	LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
	SELECT coalesce(string_agg(b, ' '), '')
	FROM (SELECT substr(t, i, 2) AS b FROM generate_series(1, char_length(t) - 1) AS i) s
	WHERE b ~ '^[0-9A-Za-z０-９Ａ-Ｚａ-ｚ㐀-䶿一-鿿豈-﫿]{2}$' $$;

ALTER TABLE similar_matters ADD COLUMN facts_bigrams tsvector
	GENERATED ALWAYS AS (to_tsvector('simple', similar_bigrams(facts))) STORED;
-- +goose StatementEnd
