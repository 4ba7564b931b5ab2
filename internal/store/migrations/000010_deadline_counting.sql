-- +goose Up
-- +goose StatementBegin
-- Each statutory period is declared with the convention it is counted by
-- (package deadline, Period.Counting): civil procedure's (CPL Art. 85; Civil
-- Code Arts. 201–203) or administrative penalty procedure's (Administrative
-- Penalty Law Art. 85). A deadline keeps it, so that a recomputation after a
-- calendar change cites the same rules. Existing deadlines were computed
-- with the civil citations.
ALTER TABLE deadlines ADD COLUMN counting text NOT NULL DEFAULT 'civil'
	CHECK (counting IN ('civil', 'administrative'));
-- +goose StatementEnd
