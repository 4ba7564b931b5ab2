-- +goose Up
-- +goose StatementBegin
-- Repeat infringement is counted per law and by the conduct (Trademark Law
-- 2019 Art. 60 ¶2: trademark infringements 实施 — committed — within five
-- years), not by the day a decision or judgment was made: each record gets
-- the law it was under and the first and last day of the conduct.
--
-- ip_type: TRADEMARK (geographical indications registered as collective or
-- certification marks included), PATENT (invention, utility model, design),
-- COPYRIGHT, TRADE_SECRET, IC_LAYOUT_DESIGN, PLANT_VARIETY; NULL when not
-- known. conduct_from/conduct_to: NULL when not recorded (a judgment's
-- report does not carry them); such a record is listed, never counted.
ALTER TABLE infringement_records
	ADD COLUMN ip_type text CHECK (ip_type IN ('TRADEMARK', 'PATENT', 'COPYRIGHT', 'TRADE_SECRET',
		'IC_LAYOUT_DESIGN', 'PLANT_VARIETY')),
	ADD COLUMN conduct_from date,
	ADD COLUMN conduct_to date,
	ADD CONSTRAINT infringement_records_conduct_check
		CHECK ((conduct_from IS NULL) = (conduct_to IS NULL) AND conduct_from <= conduct_to);

-- A judgment in a matter of several laws' rights is on record once per law.
ALTER TABLE infringement_records DROP CONSTRAINT infringement_records_proceeding_id_party_id_key;
ALTER TABLE infringement_records ADD CONSTRAINT infringement_records_proceeding_party_type_key
	UNIQUE NULLS NOT DISTINCT (proceeding_id, party_id, ip_type);

-- Administrative decisions: the law and the conduct date of the fine
-- request kept with the case's penalty notice (its conduct_date is the last
-- day of the conduct; no first day was recorded, so the same day is used).
UPDATE infringement_records r SET
	ip_type = CASE e.doc #>> '{notice,fineRequest,offence}'
		WHEN 'FINE_OFFENCE_TRADEMARK' THEN 'TRADEMARK'
		WHEN 'FINE_OFFENCE_COPYRIGHT' THEN 'COPYRIGHT'
		WHEN 'FINE_OFFENCE_PATENT_PASSING_OFF' THEN 'PATENT'
		WHEN 'FINE_OFFENCE_TRADE_SECRET' THEN 'TRADE_SECRET'
		WHEN 'FINE_OFFENCE_PLANT_VARIETY' THEN 'PLANT_VARIETY' END,
	conduct_from = (e.doc #>> '{notice,fineRequest,conduct_date}')::date,
	conduct_to = (e.doc #>> '{notice,fineRequest,conduct_date}')::date
FROM enforcement_cases e
WHERE r.source = 'ADMINISTRATIVE_DECISION' AND e.proceeding_id = r.proceeding_id
	AND e.doc #>> '{notice,fineRequest,conduct_date}' IS NOT NULL;

-- Judgments: one record per law of the matter's rights; the conduct dates
-- stay unknown.
INSERT INTO infringement_records (party_id, matter_id, proceeding_id, source, reference, decided_on, ip_type)
SELECT DISTINCT r.party_id, r.matter_id, r.proceeding_id, r.source, r.reference, r.decided_on,
	CASE WHEN ir.type LIKE 'PATENT_%' THEN 'PATENT'
		WHEN ir.type = 'GEOGRAPHICAL_INDICATION' THEN 'TRADEMARK'
		ELSE ir.type END
FROM infringement_records r
JOIN matter_rights mr ON mr.matter_id = r.matter_id
JOIN ip_rights ir ON ir.id = mr.right_id
WHERE r.source = 'JUDGMENT' AND r.ip_type IS NULL
ON CONFLICT DO NOTHING;
DELETE FROM infringement_records r
WHERE r.source = 'JUDGMENT' AND r.ip_type IS NULL AND EXISTS (
	SELECT 1 FROM infringement_records o
	WHERE o.proceeding_id = r.proceeding_id AND o.party_id = r.party_id AND o.ip_type IS NOT NULL);
-- +goose StatementEnd
