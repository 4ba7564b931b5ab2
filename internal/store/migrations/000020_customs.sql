-- +goose Up
-- +goose StatementBegin
-- Customs protection of IP rights (package customs): the records of CUSTOMS
-- proceedings (one document per proceeding, a detention of a shipment on a
-- holder's application or ex officio), and the recordations (备案) of rights
-- with the General Administration of Customs that ex officio protection
-- relies on (Regulations on Customs Protection of IPR Arts. 7-11, 16).

ALTER TABLE proceedings DROP CONSTRAINT proceedings_kind_check;
ALTER TABLE proceedings ADD CONSTRAINT proceedings_kind_check
	CHECK (kind IN ('FILING_REVIEW', 'ENFORCEMENT', 'MEDIATION', 'TRIAL', 'CONFIRMATION', 'CUSTOMS'));

CREATE TABLE customs_cases (
	proceeding_id uuid PRIMARY KEY REFERENCES proceedings (id),
	matter_id     uuid NOT NULL REFERENCES matters (id),
	doc           jsonb NOT NULL,
	version       bigint NOT NULL DEFAULT 1
);
CREATE INDEX customs_cases_matter_idx ON customs_cases (matter_id);

-- A recordation is valid for 10 years from its approval and renewed by 10
-- years at a time (Regulations Art. 10); expires_on is its last valid day.
CREATE TABLE customs_recordations (
	id                  uuid PRIMARY KEY,
	number              text NOT NULL UNIQUE,
	holder_party_id     uuid NOT NULL REFERENCES parties (id),
	ip_type             text NOT NULL,
	registration_number text NOT NULL,
	title               text NOT NULL,
	approved_on         date NOT NULL,
	expires_on          date NOT NULL CHECK (expires_on > approved_on),
	renewals            integer NOT NULL DEFAULT 0,
	recorded_by         text NOT NULL,
	created_at          timestamptz NOT NULL,
	updated_at          timestamptz NOT NULL,
	version             bigint NOT NULL DEFAULT 1,
	UNIQUE (ip_type, registration_number)
);
CREATE INDEX customs_recordations_holder_idx ON customs_recordations (holder_party_id);
-- +goose StatementEnd
