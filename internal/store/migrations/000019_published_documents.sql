-- +goose Up
-- +goose StatementBegin
-- Documents published, redacted, on their own events (internal/publication):
-- penalty decisions (SAMR Order No. 45 Arts. 2, 9), effective judgments
-- (SPC 法释〔2016〕19号 Arts. 3, 7), the notices that stand in for the
-- documents withheld (ibid. Arts. 4, 6), and credit records. One row per
-- event, kind and subject (the party of a credit record), so that a
-- redelivered event publishes nothing twice. Nothing here is unredacted.
CREATE TABLE published_documents (
	id              uuid PRIMARY KEY,
	matter_id       uuid NOT NULL,
	event_seq       bigint NOT NULL,
	event_type      text NOT NULL,
	kind            text NOT NULL CHECK (kind IN ('PENALTY_DECISION', 'CIVIL_JUDGMENT', 'CONFIRMATION_RULING', 'CREDIT_RECORD')),
	subject         text NOT NULL DEFAULT '',
	number          text NOT NULL,
	issuer          text NOT NULL,
	decided_on      date NOT NULL,
	effective_on    date,
	parties         jsonb NOT NULL,
	-- The legal persons' names, searchable; natural persons are never here.
	organisations   text[] NOT NULL,
	ip_types        text[] NOT NULL,
	body            text NOT NULL,
	redactions      jsonb NOT NULL,
	withheld_reason text NOT NULL DEFAULT '',
	publish_due     date,
	publish_rule    text NOT NULL,
	publish_time    timestamptz NOT NULL,
	UNIQUE (matter_id, event_seq, kind, subject)
);
CREATE INDEX published_documents_time ON published_documents (publish_time DESC, id DESC);
CREATE INDEX published_documents_number ON published_documents (number);
CREATE INDEX published_documents_issuer ON published_documents (issuer);
CREATE INDEX published_documents_decided ON published_documents (decided_on);
CREATE INDEX published_documents_matter ON published_documents (matter_id);
CREATE INDEX published_documents_organisations ON published_documents USING gin (organisations);
CREATE INDEX published_documents_ip_types ON published_documents USING gin (ip_types);
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
DROP TABLE published_documents;
-- +goose StatementEnd
