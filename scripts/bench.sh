#!/usr/bin/env bash
# Measures ipcase against the physical limit, side by side on one machine
# and one Postgres, and prints one table:
#
#   1. baselines: pgbench running the least SQL that does the work of
#      SubmitComplaint and GetMatter on this schema (scripts/bench/limit-*.sql,
#      one statement and one round trip each: the figure ipcased is judged
#      against), pgbench running ipcased's own statements of SubmitComplaint,
#      AcceptComplaint and GetMatter (scripts/bench/{submit,accept,get}.sql,
#      kept for reference), and a minimal gRPC echo as the ceiling of the
#      RPC layer;
#   2. ipcased over gRPC at concurrency 32 (ipcase-bench load) for the same
#      three calls, and a rights holder's matter status over the gateway;
#   3. event propagation (scripts/bench-events.sh): 16 writers appending a
#      steady 1,000 events a second for 10 s, commit → internal consumer
#      and commit → Subscribe stream, p50/p99 and the rate achieved, next
#      to the floor under the same writers: a reader their NOTIFY wakes,
#      taking the events with one statement, with no relay (its p99 is
#      the baseline of the two paths' p99s);
#   4. scale: a fresh store seeded (COPY, about 17 events a matter with
#      their hash chains) to 10,000 matters, then to BENCH_MATTERS:
#      GetMatter, the status call, twelve ListMatters pages (filters,
#      views and callers), VerifyMatterHistory and a Subscribe catch-up
#      from an old position (an administrator's and an officer's), p99 at
#      full size next to p99 at 10k; each list page at full size again
#      with 4 clients, its latency apart from queueing; then, at full
#      size, pgbench running limit-get.sql and limit-submit.sql, each beside
#      ipcased's GetMatter and SubmitComplaint on the same store (ipcased /
#      least at full size); the seeding time and rate and the database's
#      size are printed above the table.
#
# Every ipcased row shows the SQL statements per call from ipcased's own
# ipcase_db_statements_per_call histogram (delta over the run). Where a
# target is missed, the top of a 10 s CPU profile of ipcased taken during
# that run is printed after the table.
#
#   scripts/bench.sh                                  # 20 s per run, 1,000,000 matters
#   BENCH_DURATION=3s BENCH_MATTERS=20000 scripts/bench.sh   # a smoke run
#
# Env: BENCH_DURATION (default 20s; s or m), BENCH_MATTERS (default
# 1000000, at least 10000), BENCH_CONCURRENCY (default 32),
# BENCH_LATENCY_CONCURRENCY (the list pages' second run, default 4),
# BENCH_EVENTS_RATE, BENCH_EVENTS_DURATION and BENCH_EVENTS_WRITERS
# (propagation, default 1000 events/s for 10s by 16 writers), BENCH_KEEP=1
# keeps the work directory (logs, profiles, pgbench logs). Uses
# DATABASE_URL's server, or the private cluster of scripts/pg.sh; the
# databases ipcase_bench and ipcase_bench_scale are dropped and recreated.
# BENCH_LIMIT_DIR (default scripts/bench) is where limit-submit.sql and
# limit-get.sql are read from. BENCH_TABLESPACE puts ipcase_bench_scale in
# that tablespace, 10k and full size alike: for a store larger than the
# data directory's disk (scripts/compressed-tablespace.sh makes one on a
# zstd-compressed file system). BENCH_ONLY=scale runs phase 4 alone (the
# others do not depend on BENCH_MATTERS); BENCH_ONLY=least only its least
# SQL at full size, on the store a scale run of the same BENCH_MATTERS left.
#
#   BENCH_ONLY=scale BENCH_TABLESPACE=ipcase_zstd BENCH_MATTERS=10000000 scripts/bench.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/pg.sh
source scripts/pg.sh
ensure_postgres

dur=${BENCH_DURATION:-20s}
matters=${BENCH_MATTERS:-1000000}
conc=${BENCH_CONCURRENCY:-32}
case $dur in
*m) secs=$((${dur%m} * 60)) ;;
*s) secs=${dur%s} ;;
*) secs=$dur ;;
esac
[[ $secs =~ ^[0-9]+$ && $secs -ge 1 ]] || { echo "bench: BENCH_DURATION must be like 20s or 2m" >&2; exit 2; }
[ "$matters" -ge 10000 ] || { echo "bench: BENCH_MATTERS must be at least 10000" >&2; exit 2; }
only=${BENCH_ONLY:-}
case $only in '' | scale | least) ;; *) echo "bench: BENCH_ONLY must be empty, scale or least" >&2; exit 2 ;; esac
tablespace=${BENCH_TABLESPACE:-}
[[ $tablespace =~ ^[a-z_][a-z0-9_]*$ || -z $tablespace ]] || { echo "bench: BENCH_TABLESPACE must be a plain lower-case name" >&2; exit 2; }
pgbin=${IPCASE_PG_BINDIR:-$(pg_bindir)}
limit_dir=$(cd "${BENCH_LIMIT_DIR:-scripts/bench}" && pwd)
for f in limit-submit.sql limit-get.sql; do
	[ -f "$limit_dir/$f" ] || { echo "bench: $limit_dir/$f is missing (BENCH_LIMIT_DIR)" >&2; exit 2; }
done
profsecs=$((secs < 10 ? secs : 10))
warmup=2s

work=$(mktemp -d /tmp/ipcase-bench.XXXXXX)
bin=$work/bin
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	if [ "${BENCH_KEEP:-}" = 1 ]; then echo "bench: work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
log() { echo "bench: $(date -u +%H:%M:%S) $*" >&2; }

# db_url NAME is DATABASE_URL with its database replaced by NAME.
db_url() { printf '%s' "$DATABASE_URL" | sed -E "s#^(postgres(ql)?://[^/]*/)[^?]*#\1$1#"; }
admin_url=$(db_url postgres)

# free_port prints a free TCP port on 127.0.0.1.
free_port() {
	local p
	for _ in $(seq 200); do
		p=$((20000 + RANDOM % 20000))
		if port_free "$p"; then
			echo "$p"
			return
		fi
	done
	echo "bench: no free port" >&2
	return 1
}

load_start=$(uptime | sed 's/.*load average: //')
log "load average: $load_start"
log "building into $bin"
mkdir -p "$bin" "$work/prof" "$work/keys"
go build -o "$bin/" ./cmd/ipcased ./cmd/ipcase-gateway ./cmd/ipcase-bench
keys=$work/keys
"$bin/ipcased" token keygen --kid bench-1 --private "$keys/signing.jwk" --jwks "$keys/jwks.json"
"$bin/ipcased" token keygen --kid checkpoint-1 --private "$keys/checkpoint.jwk"
token() { "$bin/ipcased" token issue --key "$keys/signing.jwk" --ttl 24h "$@"; }
admin_token=$(token --sub bench-admin --role admin)
officer_token=$(token --sub bench-officer --role officer --agency SAMR-HZ)
small_officer_token=$(token --sub bench-officer-wh --role officer --agency SAMR-WH)

grpc_port=$(free_port)
metrics_port=$(free_port)
gw_port=$(free_port)
gwm_port=$(free_port)
echo_port=$(free_port)
grpc_addr=127.0.0.1:$grpc_port
metrics=http://127.0.0.1:$metrics_port
gateway=http://127.0.0.1:$gw_port

# fresh_db NAME [TABLESPACE] drops and recreates database NAME, migrated.
fresh_db() {
	"$pgbin/psql" -q -X "$admin_url" -c "DROP DATABASE IF EXISTS $1 WITH (FORCE)" >/dev/null
	[ -z "${2:-}" ] || "$pgbin/psql" -q -X -v ON_ERROR_STOP=1 "$admin_url" -c "CREATE DATABASE $1 TABLESPACE $2" >/dev/null
	DATABASE_URL=$(db_url "$1") "$bin/ipcased" migrate --create >>"$work/migrate.log" 2>&1
	"$pgbin/psql" -q -X "$(db_url "$1")" -f scripts/bench/helpers.sql >/dev/null
}

ipcased_pid=
gateway_pid=
# start_servers NAME starts ipcased and the gateway over database NAME.
start_servers() {
	local url
	url=$(db_url "$1")
	DATABASE_URL=$url IPCASE_GRPC_ADDR=$grpc_addr IPCASE_COURT_ADDR= IPCASE_METRICS_ADDR=127.0.0.1:$metrics_port \
		IPCASE_AUTH_JWKS_FILE=$keys/jwks.json IPCASE_CHECKPOINT_KEY_FILE=$keys/checkpoint.jwk IPCASE_DECISION_KEY_DIR=$keys/decision IPCASE_LOG_MODE= \
		"$bin/ipcased" serve >>"$work/ipcased.log" 2>&1 &
	ipcased_pid=$!
	pids+=("$ipcased_pid")
	IPCASE_GATEWAY_ADDR=127.0.0.1:$gw_port IPCASE_GATEWAY_UPSTREAM=$grpc_addr IPCASE_GATEWAY_METRICS_ADDR=127.0.0.1:$gwm_port \
		IPCASE_GATEWAY_RATE_LIMIT=1000000 IPCASE_GATEWAY_RATE_BURST=1000000 IPCASE_LOG_MODE= \
		"$bin/ipcase-gateway" >>"$work/gateway.log" 2>&1 &
	gateway_pid=$!
	pids+=("$gateway_pid")
	local i
	for i in $(seq 150); do
		if curl -sf "$metrics/metrics" 2>/dev/null | grep -q '^ipcase_database_up 1' && curl -sf "$gateway/healthz" >/dev/null 2>&1; then
			return 0
		fi
		kill -0 "$ipcased_pid" 2>/dev/null || break
		sleep 0.2
	done
	echo "bench: ipcased or the gateway did not come up" >&2
	tail -n 20 "$work/ipcased.log" "$work/gateway.log" >&2
	return 1
}
# prime NAME runs ipcased once over database NAME, so that its consumers
# create their cursors: the seeder marks its events consumed by moving
# cursors, and moves none that do not exist yet.
prime() {
	start_servers "$1"
	local i
	for i in $(seq 50); do
		[ "$("$pgbin/psql" -X -At "$(db_url "$1")" -c "SELECT count(*) FROM consumer_cursors")" -gt 0 ] && break
		sleep 0.2
	done
	sleep 1
	stop_servers
}
# peak_rss is the largest resident set ipcased reached (VmHWM) over every
# run, in kB.
peak_rss=0
stop_servers() {
	local hwm
	hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$ipcased_pid/status" 2>/dev/null || true)
	[ -z "$hwm" ] || [ "$hwm" -le "$peak_rss" ] || peak_rss=$hwm
	kill "$ipcased_pid" "$gateway_pid" 2>/dev/null || true
	wait "$ipcased_pid" "$gateway_pid" 2>/dev/null || true
}

# quiet URL waits until the relay has positioned every event and every
# consumer has applied them, so that one run's backlog does not load the
# next; it gives up after 10 minutes.
quiet() {
	local t0=$SECONDS backlog
	while :; do
		backlog=$("$pgbin/psql" -X -At "$1" -c "SELECT (SELECT count(*) FROM event_unstamped)
			+ coalesce((SELECT max(position) FROM event_positions) - (SELECT min(position) FROM consumer_cursors), 0)")
		[ "$backlog" -le 0 ] && break
		if [ $((SECONDS - t0)) -ge 600 ]; then
			log "event backlog still $backlog after 10 min; measuring anyway"
			break
		fi
		sleep 1
	done
	[ $((SECONDS - t0)) -lt 2 ] || log "waited $((SECONDS - t0)) s for the event relay and consumers"
}

# stmts_snapshot METHOD prints "sum count" of ipcase_db_statements_per_call.
stmts_snapshot() {
	curl -sf "$metrics/metrics" | awk -v m="method=\"$1\"" '
		index($0, "ipcase_db_statements_per_call_sum{") == 1 && index($0, m) { s = $NF }
		index($0, "ipcase_db_statements_per_call_count{") == 1 && index($0, m) { c = $NF }
		END { printf "%s %s\n", s + 0, c + 0 }'
}

# field LINE KEY prints KEY's value in a RESULT line.
field() { sed -n "s/.* $2=\([^ ]*\).*/\1/p" <<<"$1"; }

rows=$work/rows.tsv
: >"$rows"
# row WHAT OPS P50 P99 BASELINE RATIO TARGET MET STMTS [OWN] records a row;
# OWN is the ratio to pgbench running ipcased's own SQL, for reference.
row() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" "${10:--}" >>"$rows"; }
missed=()

# pg_run NAME SCRIPT URL [pgbench -D args…] runs a pgbench baseline and sets
# pg_tps, pg_p50, pg_p99 (from the per-transaction log) and pg_stmts. SCRIPT
# is a path, or a file name in scripts/bench.
pg_run() {
	local name=$1 script=$2 url=$3
	shift 3
	[[ $script == */* ]] || script=scripts/bench/$script
	local out
	out=$("$pgbin/pgbench" -M prepared -c "$conc" -j 2 -T "$secs" -n -l --log-prefix="$work/pgbench_$name" "$@" -f "$script" "$url" 2>&1) ||
		{ echo "$out" >&2; return 1; }
	if grep -q 'aborted\|error' <<<"$out"; then
		echo "$out" | grep -m 5 'aborted\|error' >&2
		echo "bench: pgbench $script failed" >&2
		return 1
	fi
	pg_tps=$(sed -n 's/^tps = \([0-9.]*\) (without.*/\1/p' <<<"$out" | xargs printf '%.1f')
	read -r pg_p50 pg_p99 < <(cat "$work"/pgbench_"$name".* | awk '{print $3}' | sort -n | awk '
		{ v[NR] = $1 } END { i50 = int(NR * 0.50 + 0.999999); i99 = int(NR * 0.99 + 0.999999); printf "%.3f %.3f\n", v[i50] / 1000, v[i99] / 1000 }')
	pg_stmts=$(grep -v '^\s*--' "$script" | grep -Ec ';\s*$|\\gset' || true)
	pg_stmts=$((pg_stmts - $(grep -Ec '^(BEGIN|COMMIT);' "$script" || true)))
	log "pgbench $name: $pg_tps tps, p50 $pg_p50 ms, p99 $pg_p99 ms"
}

# load NAME METHOD [ipcase-bench load args…] runs the load generator against
# ipcased (a 10 s CPU profile of ipcased, and of the gateway for the status
# call, is taken meanwhile) and sets l_ops, l_p50, l_p99, l_stmts.
load() {
	local name=$1 method=$2 grpcm=${3:-}
	shift 3
	local before after prof_pids=()
	[ -z "$grpcm" ] || before=$(stmts_snapshot "$grpcm")
	(sleep 2.5 && curl -sf -o "$work/prof/$name.ipcased.pprof" "$metrics/debug/pprof/profile?seconds=$profsecs") &
	prof_pids+=($!)
	if [ "$method" = status ]; then
		(sleep 2.5 && curl -sf -o "$work/prof/$name.gateway.pprof" "http://127.0.0.1:$gwm_port/debug/pprof/profile?seconds=$profsecs") &
		prof_pids+=($!)
	fi
	local out
	out=$("$bin/ipcase-bench" load -method "$method" -c "$conc" -d "${secs}s" -warmup "$warmup" -what "$name" "$@" 2>>"$work/load.log") ||
		{ echo "$out" >&2; tail -n 5 "$work/load.log" >&2; return 1; }
	wait "${prof_pids[@]}" 2>/dev/null || true
	echo "$out" >>"$work/results.txt"
	l_ops=$(field "$out" ops_per_s)
	l_p50=$(field "$out" p50_ms)
	l_p99=$(field "$out" p99_ms)
	l_page=$(field "$out" page_matters) # lists only: the measured page's matters
	local errs
	errs=$(field "$out" errors)
	[ "$errs" = 0 ] || log "$name: $errs failed calls: $(sed -n 's/.*first_error=//p' <<<"$out")"
	l_stmts=-
	if [ -n "$grpcm" ]; then
		after=$(stmts_snapshot "$grpcm")
		l_stmts=$(awk -v b="$before" -v a="$after" 'BEGIN { split(b, x, " "); split(a, y, " "); n = y[2] - x[2]; if (n > 0) printf "%.1f", (y[1] - x[1]) / n; else print "-" }')
	fi
	log "$name: $l_ops ops/s, p50 $l_p50 ms, p99 $l_p99 ms, $l_stmts statements/call"
}

# judge VALUE OP LIMIT prints yes or NO.
judge() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN { ok = (op == ">=") ? v >= l : v <= l; print ok ? "yes" : "NO" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

# measured NAME OPS P50 P99 BASELINE RATIO TARGET MET STMTS records a row and
# remembers the profile of a missed target.
measured() {
	row "$@"
	if [ "$8" = NO ]; then missed+=("$1"); fi
}

fs=/ipcase.v1.FilingService
ss=/ipcase.v1.StatusService
year=$(TZ=Asia/Shanghai date +%Y)

###########################################################################
# 1 to 3 (not with BENCH_ONLY).
if [ -z "$only" ]; then
	# 1 and 2: baselines and ipcased, on database ipcase_bench.
	bench_db=ipcase_bench
	bench_url=$(db_url $bench_db)
	log "database $bench_db: migrating"
	fresh_db $bench_db
	prime $bench_db
	# The accept queue: SUBMITTED matters, half for pgbench, half for ipcased,
	# more than either can accept in the run. The seeder runs while ipcased is
	# down: it positions its own events and marks them consumed (they are
	# history), which it may only do when nothing else appends meanwhile.
	queue=$((secs * 1000 + 5000))
	log "seeding 10,000 matters and an accept queue of 2 x $queue"
	seed_out=$(DATABASE_URL=$bench_url "$bin/ipcase-bench" seed -n 10000 -accept-queue $((2 * queue)) -accept-file "$work/queue.txt" \
		-checkpoint-key "$keys/checkpoint.jwk" 2>>"$work/seed.log")
	holder=$(sed -n 's/.* holder=\([^ ]*\).*/\1/p' <<<"$seed_out")
	qfirst=$(sed -n 's/.* queue_first=\([^ ]*\).*/\1/p' <<<"$seed_out")
	holder_token=$(token --sub bench-holder --role rights_holder --parties "$holder")
	"$pgbin/psql" -X -q "$bench_url" -c "VACUUM ANALYZE"
	start_servers $bench_db
	quiet "$bench_url"

	log "pgbench baselines, $conc clients, ${secs}s each"
	pg_run limit_submit "$limit_dir/limit-submit.sql" "$bench_url" -D year="$year"
	least_submit=$pg_tps
	row "pgbench SubmitComplaint least SQL (limit)" "$pg_tps" "$pg_p50" "$pg_p99" - - - - "$pg_stmts"
	quiet "$bench_url"
	pg_run submit submit.sql "$bench_url" -D year="$year"
	pg_submit=$pg_tps
	row "pgbench SubmitComplaint SQL of ipcased before issue 16 (reference)" "$pg_tps" "$pg_p50" "$pg_p99" - - - - "$pg_stmts"
	quiet "$bench_url"
	pg_run accept accept.sql "$bench_url" -D i=0 -D qfirst="$qfirst" -D qn="$queue" -D clients="$conc"
	pg_accept=$pg_tps
	row "pgbench AcceptComplaint SQL of ipcased before issue 16 (baseline)" "$pg_tps" "$pg_p50" "$pg_p99" - - - - "$pg_stmts"
	quiet "$bench_url"
	pg_run limit_get "$limit_dir/limit-get.sql" "$bench_url" -D nbulk=10000
	least_get=$pg_tps
	row "pgbench GetMatter least SQL (limit)" "$pg_tps" "$pg_p50" "$pg_p99" - - - - "$pg_stmts"
	quiet "$bench_url"
	pg_run get get.sql "$bench_url" -D nbulk=10000
	pg_get=$pg_tps
	row "pgbench GetMatter SQL of ipcased before issue 16 (reference)" "$pg_tps" "$pg_p50" "$pg_p99" - - - - "$pg_stmts"
	quiet "$bench_url"

	log "gRPC echo ceiling"
	"$bin/ipcase-bench" echo -addr "127.0.0.1:$echo_port" 2>>"$work/echo.log" &
	echo_pid=$!
	pids+=("$echo_pid")
	sleep 0.5
	out=$("$bin/ipcase-bench" load -method echo -addr "127.0.0.1:$echo_port" -c "$conc" -d "${secs}s" -warmup "$warmup" -what echo)
	echo "$out" >>"$work/results.txt"
	kill "$echo_pid"
	echo_ops=$(field "$out" ops_per_s)
	row "gRPC echo (RPC-layer ceiling)" "$echo_ops" "$(field "$out" p50_ms)" "$(field "$out" p99_ms)" - - - - 0

	log "ipcased over gRPC, $conc workers"
	load submit submit "$fs/SubmitComplaint" -addr "$grpc_addr" -token "$admin_token"
	measured "SubmitComplaint gRPC" "$l_ops" "$l_p50" "$l_p99" "$least_submit" "$(ratio "$l_ops" "$least_submit")" ">= 0.60 x least" \
		"$(judge "$(ratio "$l_ops" "$least_submit")" ">=" 0.60)" "$l_stmts" "$(ratio "$l_ops" "$pg_submit")"
	quiet "$bench_url"
	tail -n +$((queue + 1)) "$work/queue.txt" >"$work/accept.txt"
	load accept accept "$fs/AcceptComplaint" -addr "$grpc_addr" -token "$admin_token" -queue "$work/accept.txt"
	measured "AcceptComplaint gRPC" "$l_ops" "$l_p50" "$l_p99" "$pg_accept" "$(ratio "$l_ops" "$pg_accept")" ">= 0.40 x own SQL" \
		"$(judge "$(ratio "$l_ops" "$pg_accept")" ">=" 0.40)" "$l_stmts" "$(ratio "$l_ops" "$pg_accept")"
	quiet "$bench_url"
	"$pgbin/psql" -X -At "$bench_url" -c "SELECT id FROM matters WHERE number LIKE 'IPCS-%' ORDER BY random() LIMIT 20000" >"$work/ids.txt"
	load get get "$fs/GetMatter" -addr "$grpc_addr" -token "$admin_token" -ids "$work/ids.txt"
	grpc_get=$l_ops
	measured "GetMatter gRPC" "$l_ops" "$l_p50" "$l_p99" "$least_get" "$(ratio "$l_ops" "$least_get")" ">= 0.60 x least" \
		"$(judge "$(ratio "$l_ops" "$least_get")" ">=" 0.60)" "$l_stmts" "$(ratio "$l_ops" "$pg_get")"
	"$pgbin/psql" -X -At "$bench_url" -c "SELECT matter_id FROM matter_parties WHERE party_id = '$holder' AND role = 'COMPLAINANT'
		AND matter_id IN (SELECT id FROM matters WHERE number LIKE 'IPCS-%') ORDER BY random() LIMIT 20000" >"$work/holder_ids.txt"
	load statusgrpc statusgrpc "$ss/GetMatterStatus" -addr "$grpc_addr" -token "$holder_token" -ids "$work/holder_ids.txt"
	row "GetMatterStatus gRPC (rights holder)" "$l_ops" "$l_p50" "$l_p99" "$grpc_get" "$(ratio "$l_ops" "$grpc_get")" "(no target)" - "$l_stmts"
	load status status "$ss/GetMatterStatus" -addr "$gateway" -token "$holder_token" -ids "$work/holder_ids.txt"
	measured "status via gateway HTTP (rights holder)" "$l_ops" "$l_p50" "$l_p99" "$grpc_get" "$(ratio "$l_ops" "$grpc_get")" ">= 0.70 x GetMatter gRPC" \
		"$(judge "$(ratio "$l_ops" "$grpc_get")" ">=" 0.70)" "$l_stmts"
	stop_servers

	###########################################################################
	# 3: event propagation at a steady rate, in databases of its own (go test),
	# while ipcased is down.
	prop_rate=${BENCH_EVENTS_RATE:-1000}
	log "event propagation: $prop_rate events/s for ${BENCH_EVENTS_DURATION:-10s}"
	BENCH_EVENTS_RATE=$prop_rate scripts/bench-events.sh >"$work/propagation.txt" 2>&1 ||
		{ tail -n 20 "$work/propagation.txt" >&2; exit 1; }
	# prop_line VIA prints the PROPAGATION line of VIA.
	prop_line() { grep "^PROPAGATION via=$1 " "$work/propagation.txt" || { cat "$work/propagation.txt" >&2; exit 1; }; }
	line=$(prop_line floor)
	floor_p99=$(field "$line" p99_ms)
	row "event propagation floor: commit → a reader woken by the writer's NOTIFY, one DELETE…RETURNING, no relay" \
		"$(field "$line" rate_per_s)" "$(field "$line" p50_ms)" "$floor_p99" "$prop_rate ev/s asked" - "(the floor)" - 1
	log "propagation floor: $(field "$line" rate_per_s) events/s, p50 $(field "$line" p50_ms) ms, p99 $floor_p99 ms"
	for via in consumer subscribe; do
		line=$(prop_line $via)
		p_rate=$(field "$line" rate_per_s)
		p_p99=$(field "$line" p99_ms)
		ok=yes
		# p99 within 15 ms, at the rate asked for (1% short allowed).
		{ [ "$(judge "$p_p99" "<=" 15)" = yes ] && [ "$(judge "$p_rate" ">=" "$(awk -v r="$prop_rate" 'BEGIN { print r * 0.99 }')")" = yes ]; } || ok=NO
		what=$([ $via = consumer ] && echo "event propagation commit → internal consumer" || echo "event propagation commit → Subscribe stream")
		# The ratio is of p99s, this path's over the floor's: how many times the
		# least this machine allows under the same writers.
		row "$what" "$p_rate" "$(field "$line" p50_ms)" "$p_p99" "floor p99 $floor_p99 ms" "$(ratio "$p_p99" "$floor_p99")" \
			"p99 <= 15 ms at $prop_rate ev/s" "$ok" -
		[ "$ok" = yes ] || missed+=("$what")
		log "propagation via $via: $p_rate events/s, p50 $(field "$line" p50_ms) ms, p99 $p_p99 ms"
	done
fi

###########################################################################
# 4: scale, on a fresh database ipcase_bench_scale: 10k, then BENCH_MATTERS.
scale_db=ipcase_bench_scale
scale_url=$(db_url $scale_db)
if [ "$only" != least ]; then
	log "database $scale_db: migrating${tablespace:+ (tablespace $tablespace)}"
	fresh_db $scale_db "$tablespace"
	prime $scale_db
fi

# scale_runs LABEL measures the reads at the current size; the first call
# keeps its p99s as the reference of the second.
declare -A p99_10k page_10k
# A Subscribe catch-up: catchup_conc subscribers (under the cap of 8 open
# streams a caller) each start after a random position of the log's older
# part, take catchup_events events (the administrator) or catchup_officer
# (an officer, who sees his agency's matters only) and hang up.
catchup_conc=4
# Every list page at full size is measured a second time with lat_conc
# clients, for lat_secs: its latency apart from queueing. At conc = 32 on
# two cores a call waits behind the others (Little's law: 32 clients at
# 1,000 calls/s is 32 ms a call on average, whatever the call does).
lat_conc=${BENCH_LATENCY_CONCURRENCY:-4}
lat_secs=$((secs < 10 ? secs : 10))
catchup_events=1000
catchup_officer=200
scale_runs() {
	local label=$1 at=$2
	"$pgbin/psql" -X -At "$scale_url" -c "SELECT id FROM matters ORDER BY random() LIMIT 20000" >"$work/ids_$at.txt"
	"$pgbin/psql" -X -At "$scale_url" -c "SELECT matter_id FROM matter_parties WHERE party_id = '$holder' AND role = 'COMPLAINANT'
		ORDER BY random() LIMIT 20000" >"$work/holder_ids_$at.txt"
	# Catch-ups start below the last 20,000 positions, so that each finds
	# its events in the seeded history.
	local from_max
	from_max=$("$pgbin/psql" -X -At "$scale_url" -c "SELECT greatest(max(position) - 20000, 1) FROM event_positions")
	local k get_ops= method grpcm args
	for k in get status list_admin list_admin_basic list_officer list_officer_basic list_rare_admin list_rare_officer list_holder \
		list_admin_all list_rare_type_officer list_range_officer list_party_officer list_rare_holder verify catchup_admin catchup_officer; do
		method=list grpcm=$fs/ListMatters
		case $k in
		get) method=get grpcm=$fs/GetMatter args=(-addr "$grpc_addr" -token "$admin_token" -ids "$work/ids_$at.txt") ;;
		status) method=status grpcm=$ss/GetMatterStatus args=(-addr "$gateway" -token "$holder_token" -ids "$work/holder_ids_$at.txt") ;;
		list_admin) args=(-addr "$grpc_addr" -token "$admin_token" -state ACCEPTED -ip-type COPYRIGHT -depth 50) ;;
		list_admin_basic) args=(-addr "$grpc_addr" -token "$admin_token" -state ACCEPTED -ip-type COPYRIGHT -depth 50 -view BASIC) ;;
		list_officer) args=(-addr "$grpc_addr" -token "$officer_token" -state ACCEPTED -ip-type TRADEMARK -depth 10) ;;
		list_officer_basic) args=(-addr "$grpc_addr" -token "$officer_token" -state ACCEPTED -ip-type TRADEMARK -depth 10 -view BASIC) ;;
		list_rare_admin) args=(-addr "$grpc_addr" -token "$admin_token" -state SUBMITTED -ip-type IC_LAYOUT_DESIGN -depth 1 -page-size 10) ;;
		list_rare_officer) args=(-addr "$grpc_addr" -token "$small_officer_token" -state SUBMITTED -ip-type PATENT_DESIGN -depth 1 -page-size 10) ;;
		list_holder) args=(-addr "$grpc_addr" -token "$holder_token" -state ACCEPTED -ip-type TRADEMARK -depth 5) ;;
		list_admin_all) args=(-addr "$grpc_addr" -token "$admin_token" -state UNSPECIFIED -ip-type UNSPECIFIED -depth 50) ;;
		list_rare_type_officer) args=(-addr "$grpc_addr" -token "$small_officer_token" -state UNSPECIFIED -ip-type IC_LAYOUT_DESIGN -depth 1 -page-size 10) ;;
		list_range_officer) args=(-addr "$grpc_addr" -token "$officer_token" -state UNSPECIFIED -ip-type UNSPECIFIED -filed-from 2024-01-01 -filed-to 2024-03-31 -depth 2) ;;
		list_party_officer) args=(-addr "$grpc_addr" -token "$small_officer_token" -state UNSPECIFIED -ip-type UNSPECIFIED -party "parties/$holder" -depth 1 -page-size 10) ;;
		list_rare_holder) args=(-addr "$grpc_addr" -token "$holder_token" -state SUBMITTED -ip-type IC_LAYOUT_DESIGN -depth 1 -page-size 10) ;;
		verify) method=verify grpcm=$fs/VerifyMatterHistory args=(-addr "$grpc_addr" -token "$admin_token" -ids "$work/ids_$at.txt") ;;
		catchup_admin) method=catchup grpcm= args=(-addr "$grpc_addr" -token "$admin_token" -c "$catchup_conc" -events "$catchup_events" -from-max "$from_max") ;;
		catchup_officer) method=catchup grpcm= args=(-addr "$grpc_addr" -token "$officer_token" -c "$catchup_conc" -events "$catchup_officer" -from-max "$from_max") ;;
		esac
		load "${k}_$at" "$method" "$grpcm" "${args[@]}"
		local what
		what=$(case $k in
			get) echo "GetMatter gRPC" ;;
			status) echo "status via gateway" ;;
			list_admin) echo "ListMatters admin ACCEPTED+COPYRIGHT page 50" ;;
			list_admin_basic) echo "ListMatters admin ACCEPTED+COPYRIGHT page 50, BASIC view" ;;
			list_officer) echo "ListMatters officer SAMR-HZ ACCEPTED+TRADEMARK page 10" ;;
			list_officer_basic) echo "ListMatters officer SAMR-HZ ACCEPTED+TRADEMARK page 10, BASIC view" ;;
			list_rare_admin) echo "ListMatters admin SUBMITTED+IC_LAYOUT_DESIGN page 1 of 10" ;;
			list_rare_officer) echo "ListMatters officer SAMR-WH SUBMITTED+PATENT_DESIGN page 1 of 10" ;;
			list_holder) echo "ListMatters rights holder ACCEPTED+TRADEMARK page 5" ;;
			list_admin_all) echo "ListMatters admin, no filter, page 50" ;;
			list_rare_type_officer) echo "ListMatters officer SAMR-WH, IC_LAYOUT_DESIGN only, page 1 of 10" ;;
			list_range_officer) echo "ListMatters officer SAMR-HZ, filed 2024-Q1, page 2" ;;
			list_party_officer) echo "ListMatters officer SAMR-WH, one party, page 1 of 10" ;;
			list_rare_holder) echo "ListMatters rights holder SUBMITTED+IC_LAYOUT_DESIGN page 1 of 10" ;;
			verify) echo "VerifyMatterHistory gRPC" ;;
			catchup_admin) echo "Subscribe catch-up admin, $catchup_events events (c=$catchup_conc)" ;;
			catchup_officer) echo "Subscribe catch-up officer SAMR-HZ, $catchup_officer events (c=$catchup_conc)" ;;
			esac)
		[ "$k" != get ] || get_ops=$l_ops
		if [ "$at" = 10k ]; then
			p99_10k[$k]=$l_p99
			page_10k[$k]=$l_page
			row "$what @ $label${l_page:+ ($l_page matters on the page)}" "$l_ops" "$l_p50" "$l_p99" - - - - "$l_stmts"
		else
			local r met
			r=$(ratio "$l_p99" "${p99_10k[$k]}")
			met=$(judge "$r" "<=" 2)
			# A rare filter can match nothing at 10k: an empty page records no
			# read, and is not the work of a page of matters.
			[ "${page_10k[$k]:-}" != 0 ] || [ "${l_page:-0}" = 0 ] || met="n/a: page empty at 10k"
			measured "$what @ $label${l_page:+ ($l_page matters on the page)}" "$l_ops" "$l_p50" "$l_p99" "p99 ${p99_10k[$k]} @10k" "$r" "p99 <= 2 x 10k" "$met" "$l_stmts"
			case $k in
			list_*)
				# A list page: p99 within 50 ms, and a third of GetMatter's throughput.
				local ok=yes
				{ [ "$(judge "$l_p99" "<=" 50)" = yes ] && [ "$(judge "$(ratio "$l_ops" "$get_ops")" ">=" 0.333)" = yes ]; } || ok=NO
				measured "$what @ $label (page targets)" "$l_ops" "$l_p50" "$l_p99" "GetMatter $get_ops" "$(ratio "$l_ops" "$get_ops")" \
					"p99 <= 50 ms, >= 0.33 x GetMatter" "$ok" "$l_stmts"
				# The same page with lat_conc clients: its latency where calls
				# do not queue for the CPUs behind conc others.
				local sat_p99=$l_p99
				load "${k}_${at}_c$lat_conc" list "$grpcm" "${args[@]}" -c "$lat_conc" -d "${lat_secs}s"
				row "$what @ $label, $lat_conc clients" "$l_ops" "$l_p50" "$l_p99" "p99 $sat_p99 @ $conc clients" - "p99 <= 50 ms" \
					"$(judge "$l_p99" "<=" 50)" "$l_stmts"
				;;
			esac
		fi
	done
}

# db_size prints the scale database's size, pg_database_size, in MiB.
db_size() { "$pgbin/psql" -X -At "$admin_url" -c "SELECT round(pg_database_size('$scale_db') / 1048576.0)"; }
# room_for MORE stops the benchmark before seeding MORE matters that the
# server's disk cannot hold: the need is the growth per matter of the 10k
# seeding, times MORE, plus a fifth for WAL and VACUUM; the room is what df
# says is free where the server keeps the database (BENCH_TABLESPACE's
# location, or the data directory; when the server is on this machine and
# says where: a superuser, or pg_read_all_settings).
room_for() {
	local dir need free
	if [ -n "$tablespace" ]; then
		dir=$("$pgbin/psql" -X -At "$admin_url" -c "SELECT pg_tablespace_location(oid) FROM pg_tablespace WHERE spcname = '$tablespace'" 2>/dev/null) || return 0
	else
		dir=$("$pgbin/psql" -X -At "$admin_url" -c "SHOW data_directory" 2>/dev/null) || return 0
	fi
	[ -d "$dir" ] || return 0
	need=$(awk -v a="$size_empty" -v b="$size_10k" -v n="$1" 'BEGIN { printf "%.0f", (b - a) / 10000 * n * 1.2 }')
	free=$(df -Pm "$dir" | awk 'NR == 2 { print $4 }')
	[ "$free" -ge "$need" ] && return 0
	echo "bench: seeding $1 more matters needs about $((need / 1024)) GiB ($(((size_10k - size_empty) * 100)) MiB per million matters at 10k, and a fifth more for WAL and VACUUM); $dir has $((free / 1024)) GiB free. Give the server more disk, or set BENCH_MATTERS to what fits." >&2
	return 1
}
# seeded LABEL SECONDS SEED_LINE records a seeding for the header.
seedings=()
seeded() {
	local m e g
	m=$(sed -n 's/.* matters=\([0-9]*\).*/\1/p' <<<"$3")
	e=$(sed -n 's/.* events=\([0-9]*\).*/\1/p' <<<"$3")
	g=$(sed -n 's/.* sign_seconds=\([0-9.]*\).*/\1/p' <<<"$3")
	seedings+=("$(awk -v l="$1" -v s="$2" -v m="$m" -v e="$e" -v g="${g:-0}" 'BEGIN { t = s > 0 ? s : 1
		printf "%s: %d matters and %d events (%.1f a matter) in %d s (signing the chain heads took %.0f s, summed over the copying workers), %.0f matters/s, %.0f events/s", l, m, e, e / (m > 0 ? m : 1), s, g, m / t, e / t }')")
}
label=$(awk -v n="$matters" 'BEGIN { if (n >= 1000000) printf "%gM matters", n / 1000000; else printf "%gk matters", n / 1000 }')
if [ "$only" = least ]; then
	# The store a scale run left, as it left it.
	[ "$("$pgbin/psql" -X -At "$scale_url" -c "SELECT count(*) FROM matters WHERE number LIKE 'IPCS-%'")" = "$matters" ] ||
		{ echo "bench: BENCH_ONLY=least needs $scale_db as a scale run of BENCH_MATTERS=$matters left it" >&2; exit 2; }
	start_servers $scale_db
	quiet "$scale_url"
	"$pgbin/psql" -X -At "$scale_url" -c "SELECT id FROM matters ORDER BY random() LIMIT 20000" >"$work/ids_big.txt"
else
	size_empty=$(db_size)
	log "seeding 10,000 matters"
	t0=$SECONDS
	seed_out=$(DATABASE_URL=$scale_url "$bin/ipcase-bench" seed -n 10000 -checkpoint-key "$keys/checkpoint.jwk" 2>>"$work/seed.log")
	seeded "seeding to 10k" $((SECONDS - t0)) "$seed_out"
	holder=$(sed -n 's/.* holder=\([^ ]*\).*/\1/p' <<<"$seed_out")
	holder_token=$(token --sub bench-holder --role rights_holder --parties "$holder")
	"$pgbin/psql" -X -q "$scale_url" -c "VACUUM ANALYZE"
	size_10k=$(db_size)
	start_servers $scale_db
	quiet "$scale_url"
	scale_runs "10k matters" 10k

	more=$((matters - 10000))
	if [ "$more" -gt 0 ]; then
		room_for "$more"
		quiet "$scale_url"
		stop_servers
		log "seeding $more more matters (to $matters)"
		t0=$SECONDS
		seed_out=$(DATABASE_URL=$scale_url "$bin/ipcase-bench" seed -n "$more" -batch 20000 -defer-indexes -checkpoint-key "$keys/checkpoint.jwk" 2>>"$work/seed.log")
		seed_secs=$((SECONDS - t0))
		log "seeded in $seed_secs s: $seed_out"
		seeded "seeding $more more" "$seed_secs" "$seed_out"
		# What a DBA does after a bulk load; autovacuum would do it during the
		# runs otherwise.
		t0=$SECONDS
		"$pgbin/psql" -X -q "$scale_url" -c "VACUUM ANALYZE"
		seedings+=("VACUUM ANALYZE after it: $((SECONDS - t0)) s")
		log "VACUUM ANALYZE took $((SECONDS - t0)) s"
		start_servers $scale_db
		quiet "$scale_url"
	fi
	size_big=$(db_size)
	scale_runs "$label" big
fi
# The least SQL at full size, each beside ipcased's call on the same store,
# the reads first (the submits add matters).
log "the least SQL at $label"
quiet "$scale_url"
pg_run limit_get_big "$limit_dir/limit-get.sql" "$scale_url" -D nbulk="$matters"
least_get_big=$pg_tps
row "pgbench GetMatter least SQL (limit) @ $label" "$pg_tps" "$pg_p50" "$pg_p99" - - - - "$pg_stmts"
quiet "$scale_url"
load get_least_big get "$fs/GetMatter" -addr "$grpc_addr" -token "$admin_token" -ids "$work/ids_big.txt"
measured "GetMatter gRPC @ $label, against its least SQL" "$l_ops" "$l_p50" "$l_p99" "$least_get_big" "$(ratio "$l_ops" "$least_get_big")" \
	">= 0.60 x least" "$(judge "$(ratio "$l_ops" "$least_get_big")" ">=" 0.60)" "$l_stmts"
quiet "$scale_url"
pg_run limit_submit_big "$limit_dir/limit-submit.sql" "$scale_url" -D year="$year"
least_submit_big=$pg_tps
row "pgbench SubmitComplaint least SQL (limit) @ $label" "$pg_tps" "$pg_p50" "$pg_p99" - - - - "$pg_stmts"
quiet "$scale_url"
load submit_big submit "$fs/SubmitComplaint" -addr "$grpc_addr" -token "$admin_token"
measured "SubmitComplaint gRPC @ $label" "$l_ops" "$l_p50" "$l_p99" "$least_submit_big" "$(ratio "$l_ops" "$least_submit_big")" \
	">= 0.60 x least" "$(judge "$(ratio "$l_ops" "$least_submit_big")" ">=" 0.60)" "$l_stmts"
stop_servers
events_big=$("$pgbin/psql" -X -At "$scale_url" -c "SELECT count(*) FROM events")

###########################################################################
echo
echo "ipcase benchmark: $(date -u +%FT%TZ), $(nproc) CPUs, $conc concurrent clients, ${secs}s per run, Postgres $("$pgbin/psql" -X -At "$admin_url" -c 'SHOW server_version')"
echo "load average (uptime) at the start: $load_start; at the end: $(uptime | sed 's/.*load average: //')"
echo "ipcased peak resident memory (VmHWM over every run): $((peak_rss / 1024)) MiB (target <= 256 MiB: $(judge "$peak_rss" "<=" $((256 * 1024))))"
for x in "${seedings[@]}"; do echo "$x"; done
echo "database $scale_db (pg_database_size): ${size_10k:-?} MiB at 10k matters; ${size_big:-$(db_size)} MiB at $label ($events_big events)"
{
	printf 'what\tops/s\tp50 ms\tp99 ms\tbaseline\tratio\ttarget\tmet?\tSQL stmts/call\tx own SQL\n'
	cat "$rows"
} | column -t -s $'\t'
if [ ${#missed[@]} -gt 0 ]; then
	echo
	echo "Targets missed: ${missed[*]}. Where the CPU went (ipcased, ${profsecs} s profile during the run):"
	for name in "${missed[@]}"; do
		key=$(case $name in
			"SubmitComplaint gRPC") echo submit ;;
			"SubmitComplaint gRPC @ "*) echo submit_big ;;
			"GetMatter gRPC @ "*", against its least SQL") echo get_least_big ;;
			"AcceptComplaint gRPC") echo accept ;;
			"GetMatter gRPC") echo get ;;
			"status via gateway HTTP (rights holder)") echo status ;;
			"GetMatter gRPC @ "*) echo get_big ;;
			"status via gateway @ "*) echo status_big ;;
			"ListMatters admin, no filter"*) echo list_admin_all_big ;;
			"ListMatters officer SAMR-WH, IC_LAYOUT"*) echo list_rare_type_officer_big ;;
			"ListMatters officer SAMR-HZ, filed"*) echo list_range_officer_big ;;
			"ListMatters officer SAMR-WH, one party"*) echo list_party_officer_big ;;
			"ListMatters rights holder SUBMITTED"*) echo list_rare_holder_big ;;
			"ListMatters admin SUBMITTED"*) echo list_rare_admin_big ;;
			"ListMatters officer SAMR-WH"*) echo list_rare_officer_big ;;
			"ListMatters rights holder"*) echo list_holder_big ;;
			"ListMatters admin ACCEPTED+COPYRIGHT page 50, BASIC"*) echo list_admin_basic_big ;;
			"ListMatters officer SAMR-HZ ACCEPTED+TRADEMARK page 10, BASIC"*) echo list_officer_basic_big ;;
			"ListMatters admin"*) echo list_admin_big ;;
			"ListMatters officer"*) echo list_officer_big ;;
			"VerifyMatterHistory"*) echo verify_big ;;
			"Subscribe catch-up admin"*) echo catchup_admin_big ;;
			"Subscribe catch-up officer"*) echo catchup_officer_big ;;
			esac)
		for proc in ipcased gateway; do
			p=$work/prof/$key.$proc.pprof
			[ -s "$p" ] || continue
			echo
			echo "--- $name: $proc"
			exe=$bin/ipcased
			[ $proc = ipcased ] || exe=$bin/ipcase-gateway
			go tool pprof -top -nodecount=20 "$exe" "$p" 2>/dev/null | sed -n '1,27p'
			echo "  cumulative, our code and its libraries:"
			go tool pprof -top -cum -nodecount=30 -show='ipcase/ipcase|gorm|pgx|jwt|ed25519|protobuf|grpc-gateway|net/http\.' "$exe" "$p" 2>/dev/null |
				sed -n '/flat%/,$p' | sed -n '2,31p'
		done
	done
fi
