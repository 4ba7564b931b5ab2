-- +goose Up
-- +goose StatementBegin
-- The head of each matter's chain also signs the matter's state after its
-- last change (package filing writes it, package events signs it): the
-- matter's state and agency, its parties and each proceeding's kind, state
-- and forum, what decides who may see a matter and where it stands. A
-- change made to those rows outside ipcased then breaks verification even
-- though no event was touched. json, not jsonb: the signature covers the
-- exact bytes. Existing heads keep a NULL state and their signature, and
-- verify as before; ipcased signs their state at its next start (or at the
-- matter's next change).
ALTER TABLE event_heads ADD COLUMN state json;

-- The heads ipcased has still to sign a state into.
CREATE INDEX event_heads_unsigned_state_idx ON event_heads (matter_id) WHERE state IS NULL;
-- +goose StatementEnd
