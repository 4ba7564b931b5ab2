-- +goose Up
-- +goose StatementBegin
-- Customs counts its IP-protection periods in working days from the day
-- after the notice or detention (package deadline, CustomsCounting: GAC
-- Implementing Measures Art. 41 for the holder's reply; the Regulations say
-- nothing for the days from detention, and CPL Art. 85 applies by analogy).
ALTER TABLE deadlines DROP CONSTRAINT deadlines_counting_check;
ALTER TABLE deadlines ADD CONSTRAINT deadlines_counting_check
	CHECK (counting IN ('civil', 'administrative', 'criminal', 'market-regulation', 'customs'));
-- +goose StatementEnd
