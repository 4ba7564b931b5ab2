-- +goose Up
-- +goose StatementBegin
-- Market regulation counts its penalty-procedure periods by its own rule
-- (SAMR Administrative Penalty Procedure Rules Art. 80), which the
-- enforcement clocks now cite instead of the CPL applied by analogy
-- (package deadline, MarketRegulationCounting). The arithmetic is the same,
-- so open enforcement deadlines keep their due days; their next
-- recomputation or extension cites the SAMR rule.
ALTER TABLE deadlines DROP CONSTRAINT deadlines_counting_check;
ALTER TABLE deadlines ADD CONSTRAINT deadlines_counting_check
	CHECK (counting IN ('civil', 'administrative', 'criminal', 'market-regulation'));
UPDATE deadlines SET counting = 'market-regulation'
	WHERE kind LIKE 'enforcement.%' AND counting = 'administrative';
-- +goose StatementEnd
