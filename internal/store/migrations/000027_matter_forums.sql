-- +goose Up
-- +goose StatementBegin
-- The forums a matter is before, on the matter (package filing), so that
-- what an agency or a court may see is a condition on the matter's own row
-- that an index serves: an agency sees the matters filed with it and those
-- with an administrative proceeding (filing review, enforcement,
-- mediation) before it; a court those with a judicial one (trial,
-- confirmation) before it. That rule read proceedings once a row
-- (agency = ? OR EXISTS …), which kept every index of matters out of an
-- officer's list. 'A:<agency>' for the agency filed with and each agency
-- with an administrative proceeding, 'J:<court>' for each court with a
-- judicial one; sorted and distinct. Written with the matter and whenever
-- its proceedings are saved, in the same statement as its state.
ALTER TABLE matters ADD COLUMN forums text[] NOT NULL DEFAULT '{}';

UPDATE matters m SET forums = f.forums
FROM (SELECT matter_id, array_agg(DISTINCT forum ORDER BY forum) AS forums
	FROM (SELECT id AS matter_id, 'A:' || agency AS forum FROM matters
		UNION ALL
		SELECT matter_id, CASE WHEN kind IN ('TRIAL', 'CONFIRMATION') THEN 'J:' ELSE 'A:' END || forum
		FROM proceedings WHERE kind IN ('FILING_REVIEW', 'ENFORCEMENT', 'MEDIATION', 'TRIAL', 'CONFIRMATION')) x
	GROUP BY matter_id) f
WHERE f.matter_id = m.id;

CREATE INDEX matters_forums_idx ON matters USING gin (forums);
-- +goose StatementEnd
