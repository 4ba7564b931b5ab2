-- +goose Up
-- +goose StatementBegin
-- Criminal appeal periods (Criminal Procedure Law Art. 230) are counted by
-- criminal procedure's own rule (Criminal Procedure Law Art. 105), which a
-- deadline keeps so that its derivation cites it: the counting convention
-- 'criminal' joins 'civil' and 'administrative'.
ALTER TABLE deadlines DROP CONSTRAINT deadlines_counting_check;
ALTER TABLE deadlines ADD CONSTRAINT deadlines_counting_check
	CHECK (counting IN ('civil', 'administrative', 'criminal'));
-- +goose StatementEnd
