#!/usr/bin/env bash
# Prints event propagation latency, from the commit of an event on one side
# to a handler running on the other, p50 and p99 over 1,000 events appended
# by 4 concurrent writers: through an internal consumer (relay → consumer)
# and through a Subscribe stream (relay → gRPC stream). Uses DATABASE_URL,
# or provisions the private cluster as scripts/test.sh does. Extra
# arguments go to go test (for example -benchtime 5x for 5,000 events).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/pg.sh
source scripts/pg.sh
ensure_postgres
go test -run '^$' -bench '^BenchmarkPropagation$' -benchtime 1x -count 1 "$@" ./internal/events/exchange/ |
	grep -E '^(Benchmark|    bench_test|ok|FAIL|---)'
