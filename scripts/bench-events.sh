#!/usr/bin/env bash
# Prints event propagation latency, from the commit of an event on one side
# to a handler running on the other, p50 and p99, with 16 writers appending
# at a steady 1,000 events a second for 10 s: through an internal consumer
# (relay → consumer) and through a Subscribe stream (relay → gRPC stream),
# and the rate the writers achieved; first, the floor under the same
# writers: no relay, a reader woken by the writers' NOTIFY that takes the
# events off the relay's queue with one statement. Uses DATABASE_URL, or provisions the
# private cluster as scripts/test.sh does.
#
#   scripts/bench-events.sh
#   BENCH_EVENTS_RATE=2000 BENCH_EVENTS_DURATION=30s BENCH_EVENTS_WRITERS=25 scripts/bench-events.sh
#
# Each path prints a line
#   PROPAGATION via=floor|consumer|subscribe events=N target_per_s=R rate_per_s=X p50_ms=… p99_ms=… max_ms=…
# (scripts/bench.sh reads them). Extra arguments go to go test.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/pg.sh
source scripts/pg.sh
ensure_postgres
export BENCH_EVENTS_RATE=${BENCH_EVENTS_RATE:-1000} BENCH_EVENTS_DURATION=${BENCH_EVENTS_DURATION:-10s}
go test -run '^$' -bench '^BenchmarkPropagation$' -benchtime 1x -count 1 -timeout 30m "$@" ./internal/events/exchange/ |
	grep -E '^(Benchmark|    bench_test|ok|FAIL|---)' | sed -E 's/^ +bench_test\.go:[0-9]+: //'
