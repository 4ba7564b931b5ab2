-- +goose Up
-- +goose StatementBegin
-- A change sends its deadlines' inserts with COMMIT, in the order the
-- change made them (package clock), and a change that opens a proceeding
-- may open its clock before the statement that inserts the proceeding is
-- queued: a deadline's references to its matter and proceeding are
-- checked when the transaction commits, not at the end of its statement.
ALTER TABLE deadlines ALTER CONSTRAINT deadlines_matter_id_fkey DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE deadlines ALTER CONSTRAINT deadlines_proceeding_id_fkey DEFERRABLE INITIALLY DEFERRED;
-- +goose StatementEnd
