-- +goose Up
-- +goose StatementBegin
-- The IP types of a matter's rights, on the matter (package filing): a list
-- filtered by IP type reached them through matter_rights and ip_rights,
-- two joins a row, and no index could serve the filter, so a rare type
-- scanned a large part of the matters for one page. A matter's rights are
-- fixed when it is filed, so the column is written once, with the matter.
-- Sorted and distinct; every type of ip_rights.type may appear.
ALTER TABLE matters ADD COLUMN ip_types text[] NOT NULL DEFAULT '{}';

UPDATE matters m SET ip_types = t.types
FROM (SELECT mr.matter_id, array_agg(DISTINCT r.type ORDER BY r.type) AS types
	FROM matter_rights mr JOIN ip_rights r ON r.id = mr.right_id
	GROUP BY mr.matter_id) t
WHERE t.matter_id = m.id;

-- ListMatters' ip_type filter (ip_types @> ARRAY[type]).
CREATE INDEX matters_ip_types_idx ON matters USING gin (ip_types);
-- +goose StatementEnd
