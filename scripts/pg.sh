# shellcheck shell=bash
# Sourced by dev.sh and test.sh. ensure_postgres leaves DATABASE_URL pointing
# at a Postgres server: the caller's, if DATABASE_URL is set; otherwise a
# private cluster under .pgdata/ (git-ignored) on its own port and socket, so
# it never collides with a system Postgres. The cluster is created with the
# distribution's initdb/pg_ctl, installing the postgresql package with apt
# when it is missing and we are root. It trades durability for speed
# (fsync=off): it holds development and test data only.

# port_free says whether nothing listens on 127.0.0.1:$1.
port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# pick_port chooses the cluster's port: IPCASE_PG_PORT if set, else the
# first free one from 55432, so that two checkouts (or a CI clone next to a
# developer's) do not collide.
pick_port() {
	if [ -n "${IPCASE_PG_PORT:-}" ]; then
		echo "$IPCASE_PG_PORT"
		return
	fi
	local p
	for p in $(seq 55432 55531); do
		if port_free "$p"; then
			echo "$p"
			return
		fi
	done
	echo "pg: no free port in 55432-55531; set IPCASE_PG_PORT" >&2
	return 1
}

pg_bindir() {
	local d
	d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
	if [ -n "$d" ] && [ -x "$d/initdb" ]; then
		echo "$d"
		return
	fi
	command -v initdb >/dev/null 2>&1 && dirname "$(readlink -f "$(command -v initdb)")"
}

pg_install() {
	if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
		echo "Postgres is not installed. Install it (Debian: sudo apt-get install postgresql)," >&2
		echo "or set DATABASE_URL to a server you have." >&2
		return 1
	fi
	echo "pg: installing postgresql with apt-get" >&2
	apt-get update -qq >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
}

# pg_run runs a command as the cluster's owner: initdb and postgres refuse
# to run as root, so root hands them to an unprivileged user.
pg_run() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$pg_user" -- "$@"
	else
		"$@"
	fi
}

ensure_postgres() {
	if [ -n "${DATABASE_URL:-}" ]; then
		return 0
	fi
	local root bindir datadir
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	bindir=$(pg_bindir) || true
	if [ -z "$bindir" ]; then
		pg_install || return 1
		bindir=$(pg_bindir)
	fi
	pg_user=$(id -un)
	if [ "$(id -u)" -eq 0 ]; then
		pg_user=postgres
		id -u "$pg_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$pg_user"
	fi
	pg_home="$root/.pgdata"
	mkdir -p "$pg_home"
	if [ "$(id -u)" -eq 0 ]; then
		chown "$pg_user" "$pg_home"
		if ! runuser -u "$pg_user" -- test -w "$pg_home"; then
			# The checkout is not reachable by the unprivileged user (e.g. under
			# /root): keep the cluster in a folder it owns instead.
			pg_home="/var/tmp/ipcase-pg-$(echo "$root" | sha256sum | cut -c1-12)"
			mkdir -p "$pg_home" && chown "$pg_user" "$pg_home"
			echo "pg: $root is not readable by $pg_user; cluster kept in $pg_home" >&2
		fi
	fi
	datadir="$pg_home/data"
	if [ ! -f "$datadir/PG_VERSION" ]; then
		echo "pg: creating a private cluster in $datadir" >&2
		pg_run "$bindir/initdb" -D "$datadir" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
	fi
	mkdir -p "$pg_home/run"
	[ "$(id -u)" -ne 0 ] || chown "$pg_user" "$pg_home/run"
	if ! pg_run "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
		pg_port=$(pick_port)
		echo "pg: starting it on 127.0.0.1:$pg_port" >&2
		if ! pg_run "$bindir/pg_ctl" -D "$datadir" -l "$pg_home/postgres.log" -w -t 60 start \
			-o "-p $pg_port -k $pg_home/run -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"; then
			echo "pg: could not start Postgres; see $pg_home/postgres.log (is port $pg_port taken? set IPCASE_PG_PORT)" >&2
			tail -n 20 "$pg_home/postgres.log" >&2 || true
			return 1
		fi
	fi
	pg_port=$(sed -n 4p "$datadir/postmaster.pid") # the running cluster's port
	export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/ipcase?sslmode=disable"
	export IPCASE_PG_BINDIR="$bindir" IPCASE_PG_DATADIR="$datadir"
}

# stop_postgres stops the private cluster, if this checkout started one.
stop_postgres() {
	local root bindir
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	bindir=$(pg_bindir) || return 0
	for d in "$root/.pgdata/data" /var/tmp/ipcase-pg-"$(echo "$root" | sha256sum | cut -c1-12)"/data; do
		[ -f "$d/postmaster.pid" ] || continue
		pg_user=$(stat -c %U "$d")
		pg_run "$bindir/pg_ctl" -D "$d" -m fast stop
	done
}
