-- +goose Up
-- +goose StatementBegin
-- The candidates of a search are the rows of one kind, IP type and law
-- whose base is within a factor of the query's (internal/similar.Find):
-- one B-tree range scan. The facts are ranked by trigram similarity, which
-- on Chinese text compares runs of three characters (pg_trgm keeps
-- non-ASCII letters since PostgreSQL 9.1 with a UTF-8 locale), indexed by
-- GIN for a text-only search.
CREATE INDEX similar_matters_features ON similar_matters (kind, ip_type, law, base);
CREATE INDEX similar_matters_facts ON similar_matters USING gin (facts gin_trgm_ops);
-- +goose StatementEnd

