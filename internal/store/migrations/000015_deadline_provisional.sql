-- +goose Up
-- +goose StatementBegin
-- A deadline whose computation read a year without a State Council holiday
-- notice is counted on that year's statutory holidays alone (package
-- deadline, provisional calendars) and is provisional until the notice is
-- loaded and the deadline recomputed. Existing deadlines were computed on
-- notices only.
ALTER TABLE deadlines ADD COLUMN provisional boolean NOT NULL DEFAULT false;
-- +goose StatementEnd
