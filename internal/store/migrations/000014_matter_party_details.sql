-- +goose Up
-- +goose StatementBegin
-- Parties and rights as one matter names them (package filing). An
-- organisation is one row of parties, found by its credit code, and a
-- registered right one row of ip_rights, found by its number, so that the
-- matters naming them meet (prior infringements, duplicate warnings, a
-- respondent's own access); but what each filing wrote of them — a party's
-- name, domicile and contact, a right's title, holder, term and
-- description — is that filing's, and no other filer may read it (a
-- rights holder naming a respondent by a credit code another holder's
-- party had got that party's stored name back). Each link now keeps the
-- details its filing gave, and a matter shows them. NULL (a party named
-- by reference, parties/{id}, or a link made before this migration): the
-- shared row's are shown; a right's link has details when its title is
-- set.
ALTER TABLE matter_parties
	ADD COLUMN display_name text,
	ADD COLUMN domicile_country text,
	ADD COLUMN contact text;
ALTER TABLE matter_rights
	ADD COLUMN title text,
	ADD COLUMN holder text,
	ADD COLUMN term_start date,
	ADD COLUMN term_end date,
	ADD COLUMN description text;
-- +goose StatementEnd
