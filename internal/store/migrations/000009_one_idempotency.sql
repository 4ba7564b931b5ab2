-- +goose Up
-- +goose StatementBegin
-- One idempotency mechanism for every service (package request, Key): a
-- request_id is scoped by the full gRPC method and the caller, and the
-- request is kept as the SHA-256 of its deterministic encoding without the
-- request_id. The filing service scoped keys without the method's leading
-- slash; the proceedings services kept the encoding itself rather than its
-- digest. Both are brought to the one form, so that a request retried
-- across the upgrade still finds its first response.
-- The proceedings' keys already began with the slash; the filing service's
-- digests were already SHA-256.
UPDATE idempotency_keys SET request_hash = sha256(request_hash) WHERE key LIKE '/%';
UPDATE idempotency_keys SET key = '/' || key WHERE key LIKE 'ipcase.v1.%';
-- +goose StatementEnd
