#!/usr/bin/env bash
# Measures the similar-case search (issue 17, part 3) and prints:
#
#   1. quality and latency of the text-search candidates on
#      SIM_QUALITY_N (default 100,000) generated decided matters with the
#      50 labelled queries of cmd/ipcase-bench/testdata/similar-queries.json
#      (ipcase-bench similar-quality): pg_trgm similarity, Postgres
#      full-text search over bigram tsvectors, bleve with its cjk analyzer,
#      and the whole finder of internal/similar — P@5, nDCG@10, recall@10,
#      p50/p99 of one query;
#   2. the finder's latency (internal/similar Store.Find: the feature band,
#      the text score and the ranking, in process against Postgres) on
#      SIM_BENCH_N (default 1,000,000) decided matters (ipcase-bench
#      similar-bench).
#
#   scripts/bench-similar.sh
#   SIM_QUALITY_N=20000 SIM_BENCH_N=50000 scripts/bench-similar.sh   # a smoke run
#   SIM_SKIP_SEED=1 scripts/bench-similar.sh    # reuse the seeded databases
#
# Uses DATABASE_URL's server (or the private cluster of scripts/pg.sh);
# the databases ipcase_simmeasure_quality and ipcase_simmeasure_bench are
# created when missing, migrated and their similar_matters refilled. The
# load average is printed next to every figure: the machine is shared.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/pg.sh
source scripts/pg.sh
ensure_postgres
pgbin=${IPCASE_PG_BINDIR:-$(pg_bindir)}
qn=${SIM_QUALITY_N:-100000}
bn=${SIM_BENCH_N:-1000000}
passes=${SIM_PASSES:-3}

db_url() { printf '%s' "$DATABASE_URL" | sed -E "s#^(postgres(ql)?://[^/]*/)[^?]*#\1$1#"; }
admin_url=$(db_url postgres)
log() { echo "bench-similar: $(date -u +%H:%M:%S) $*" >&2; }

work=$(mktemp -d /tmp/ipcase-bench-similar.XXXXXX)
trap 'rm -rf "$work"' EXIT
log "building ipcase-bench"
go build -o "$work/" ./cmd/ipcase-bench

ensure_db() {
	if [ -z "$("$pgbin/psql" -X -At "$admin_url" -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" ]; then
		"$pgbin/psql" -X -q "$admin_url" -c "CREATE DATABASE $1"
	fi
}
quality_url=$(db_url ipcase_simmeasure_quality)
bench_url=$(db_url ipcase_simmeasure_bench)
ensure_db ipcase_simmeasure_quality
ensure_db ipcase_simmeasure_bench
if [ "${SIM_SKIP_SEED:-}" != 1 ]; then
	log "seeding $qn decided matters (with GIN indexes for the text-only candidates)"
	DATABASE_URL=$quality_url "$work/ipcase-bench" similar-seed -n "$qn" >&2
	log "seeding $bn decided matters"
	DATABASE_URL=$bench_url "$work/ipcase-bench" similar-seed -fts=false -n "$bn" >&2
fi

log "measuring the text-search candidates"
DATABASE_URL=$quality_url "$work/ipcase-bench" similar-quality -passes "$passes"
log "timing the finder"
echo
DATABASE_URL=$bench_url "$work/ipcase-bench" similar-bench -passes "${SIM_BENCH_PASSES:-10}"
