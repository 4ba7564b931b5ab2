-- +goose Up
-- +goose StatementBegin
-- Upload quotas and the cleaner of uploads nobody cites (package evidence).
-- cited_time is when an upload was first seen cited by a matter: from then
-- on it no longer counts against its uploader's quota, and the cleaner,
-- which removes uploads still uncited after IPCASE_EVIDENCE_UNCITED_TTL,
-- leaves it alone. Existing uploads start uncited; the cleaner asks the
-- matters before it removes anything, so a cited one is marked, not removed.
ALTER TABLE evidence_files ADD COLUMN cited_time timestamptz;

-- An uploader's uploads by time: its rate, and its uncited bytes.
CREATE INDEX evidence_files_uploader_idx ON evidence_files (uploader_role, uploader_subject, create_time);

-- The cleaner's work list: uncited uploads, oldest first.
CREATE INDEX evidence_files_uncited_idx ON evidence_files (create_time) WHERE cited_time IS NULL;
-- +goose StatementEnd
