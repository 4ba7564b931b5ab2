#!/usr/bin/env bash
# The README's second command: provisions Postgres if DATABASE_URL is unset,
# runs the static checks, then every test (race detector on, shuffled)
# against the real database. Extra arguments go to go test.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/pg.sh
source scripts/pg.sh
ensure_postgres
scripts/install-tools.sh
scripts/lint.sh
echo "== go test" >&2
go test -race -shuffle=on -count=1 "$@" ./...
# Request validation is fuzzed for a bounded time; the seed corpus lives in
# internal/filing/testdata/fuzz, and a failing input is written there too.
echo "== fuzz request validation (15s)" >&2
go test -run '^$' -fuzz '^FuzzSubmitComplaintValidation$' -fuzztime 15s ./internal/filing
