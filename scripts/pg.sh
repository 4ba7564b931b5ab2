# shellcheck shell=bash
# Sourced by dev.sh and test.sh. ensure_postgres leaves DATABASE_URL pointing
# at a Postgres server: the caller's, if DATABASE_URL is set; otherwise a
# private cluster under .pgdata/ (git-ignored) on its own port and socket, so
# it never collides with a system Postgres, and then sets pg_private=1. The cluster is created with the
# distribution's initdb/pg_ctl, installing the postgresql package with apt
# when it is missing and we are root. It trades some durability for speed
# (pg_settings): an acknowledged write survives a crash of Postgres or of
# ipcased, but not of the machine. It holds development and test data only.
#
# The private cluster is for the checkout's owner only: every role has a
# password (SCRAM-SHA-256; pg_hba.conf has no trust line), generated into
# .run/pg/ (mode 0600, folder 0700), and its socket folder is the cluster
# user's alone. Another local account can reach the port, but not log in.
# A cluster made before this, with trust, is converted the first time it is
# started again. ensure_dev_roles adds the owner and serving roles of
# dev.sh (README, "Database roles").

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

# pg_settings prints the private cluster's server settings (postgres -c
# options). fsync=off and full_page_writes=off skip the flushes to disk:
# a crash of the machine (power, kernel) can lose or corrupt the cluster.
# synchronous_commit stays on: a commit is acknowledged only once its WAL
# is written to the operating system, so a crash of Postgres itself
# (kill -9, pg_ctl stop -m immediate) loses no acknowledged write. With
# synchronous_commit=off it lost up to the last ~0.6 s of them
# (3 × wal_writer_delay); the faults round test proves this.
pg_settings() {
	echo "-c listen_addresses=127.0.0.1 -c unix_socket_permissions=0700 -c max_connections=300 -c fsync=off -c full_page_writes=off -c synchronous_commit=on"
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

# pg_secret NAME prints the password kept in .run/pg/NAME.password, making
# one (owner-only) if there is none.
pg_secret() {
	local dir f
	dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.run/pg"
	f="$dir/$1.password"
	(
		umask 077
		mkdir -p "$dir"
		chmod 700 "$dir"
		[ -s "$f" ] || od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$f"
		chmod 600 "$f"
	)
	cat "$f"
}

# pg_hba_conf is the private cluster's pg_hba.conf: passwords only.
pg_hba_conf() {
	cat <<'HBA'
# The private cluster of scripts/pg.sh: every connection needs a password
# (SCRAM-SHA-256, kept in .run/pg/); no trust, no peer.
local   all   all                  scram-sha-256
host    all   all   127.0.0.1/32   scram-sha-256
host    all   all   ::1/128        scram-sha-256
HBA
}

# pg_psql runs psql as the cluster's superuser, over its socket.
pg_psql() {
	PGPASSWORD="$(pg_secret postgres)" pg_run "$IPCASE_PG_BINDIR/psql" -X -q -v ON_ERROR_STOP=1 \
		-h "$pg_home/run" -p "$pg_port" -U postgres "$@"
}

ensure_postgres() {
	pg_private=
	if [ -n "${DATABASE_URL:-}" ]; then
		return 0
	fi
	local root bindir datadir pw pwfile
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
	chmod 700 "$pg_home"
	datadir="$pg_home/data"
	pw=$(pg_secret postgres)
	if [ ! -f "$datadir/PG_VERSION" ]; then
		echo "pg: creating a private cluster in $datadir" >&2
		pwfile="$pg_home/initdb.pw"
		(umask 077 && printf '%s\n' "$pw" >"$pwfile")
		[ "$(id -u)" -ne 0 ] || chown "$pg_user" "$pwfile"
		pg_run "$bindir/initdb" -D "$datadir" -U postgres --auth=scram-sha-256 --pwfile="$pwfile" -E UTF8 --no-locale >/dev/null
		rm -f "$pwfile"
		pg_hba_conf | pg_run tee "$datadir/pg_hba.conf" >/dev/null
	fi
	mkdir -p "$pg_home/run"
	[ "$(id -u)" -ne 0 ] || chown "$pg_user" "$pg_home/run"
	chmod 700 "$pg_home/run"
	export IPCASE_PG_BINDIR="$bindir" IPCASE_PG_DATADIR="$datadir"
	if ! pg_run "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
		pg_port=$(pick_port)
		echo "pg: starting it on 127.0.0.1:$pg_port" >&2
		if ! pg_run "$bindir/pg_ctl" -D "$datadir" -l "$pg_home/postgres.log" -w -t 60 start \
			-o "-p $pg_port -k $pg_home/run $(pg_settings)"; then
			echo "pg: could not start Postgres; see $pg_home/postgres.log (is port $pg_port taken? set IPCASE_PG_PORT)" >&2
			tail -n 20 "$pg_home/postgres.log" >&2 || true
			return 1
		fi
	fi
	pg_port=$(sed -n 4p "$datadir/postmaster.pid") # the running cluster's port
	if grep -Eq '^[^#]*[[:space:]]trust([[:space:]]|$)' "$datadir/pg_hba.conf"; then
		# Made before passwords: give postgres its password while trust
		# still lets us in, then take trust away.
		echo "pg: the cluster accepted anyone (trust); it now needs passwords (.run/pg/)" >&2
		printf "ALTER ROLE postgres PASSWORD '%s';\n" "$pw" |
			pg_run "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$pg_home/run" -p "$pg_port" -U postgres -d postgres >/dev/null
		pg_hba_conf | pg_run tee "$datadir/pg_hba.conf" >/dev/null
		pg_run "$bindir/pg_ctl" -D "$datadir" reload >/dev/null
	fi
	export DATABASE_URL="postgres://postgres:$pw@127.0.0.1:$pg_port/ipcase?sslmode=disable"
	pg_private=1
}

# ensure_dev_roles gives the private cluster the roles dev.sh runs as: the
# owner of the database ipcase (ipcase, which migrates) and the serving
# role (ipcase_app, which ipcased serve connects as, with only the
# privileges migrate grants it), each with its own password in .run/pg/. It
# sets DATABASE_OWNER_URL and DATABASE_URL to them. A database ipcase that
# an earlier dev.sh made as postgres is handed to ipcase.
ensure_dev_roles() {
	local owner_pw app_pw
	owner_pw=$(pg_secret ipcase)
	app_pw=$(pg_secret ipcase_app)
	pg_psql -d postgres >/dev/null <<SQL
SELECT format('CREATE ROLE %I LOGIN', r) FROM unnest(ARRAY['ipcase', 'ipcase_app']) r
	WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) \gexec
ALTER ROLE ipcase LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB PASSWORD '$owner_pw';
ALTER ROLE ipcase_app LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB PASSWORD '$app_pw';
SELECT 'CREATE DATABASE ipcase OWNER ipcase' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'ipcase') \gexec
ALTER DATABASE ipcase OWNER TO ipcase;
SQL
	pg_psql -d ipcase >/dev/null <<'SQL'
DO $$
DECLARE
	o record;
BEGIN
	FOR o IN
		SELECT format('ALTER %s %s OWNER TO ipcase', CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' ELSE 'TABLE' END, c.oid::regclass) AS stmt
		FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'S', 'v')
			AND c.relowner <> 'ipcase'::regrole
			AND NOT (c.relkind = 'S' AND EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')))
		UNION ALL
		SELECT format('ALTER FUNCTION %s OWNER TO ipcase', p.oid::regprocedure)
		FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace AND p.proowner <> 'ipcase'::regrole
	LOOP
		EXECUTE o.stmt;
	END LOOP;
END $$;
SQL
	local base="postgres://%s:%s@127.0.0.1:$pg_port/ipcase?sslmode=disable"
	# shellcheck disable=SC2059 # the format is ours
	DATABASE_OWNER_URL=$(printf "$base" ipcase "$owner_pw")
	# shellcheck disable=SC2059
	DATABASE_URL=$(printf "$base" ipcase_app "$app_pw")
	export DATABASE_OWNER_URL DATABASE_URL
}

# check_private_cluster shows that the private cluster is the checkout
# owner's alone: no trust line in pg_hba.conf, owner-only password files
# and socket folder, and, when run as root, that another local account can
# neither log in (over TCP or the socket) nor read the passwords.
check_private_cluster() {
	local datadir="$IPCASE_PG_DATADIR" root probe out f rc=0
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
	if grep -Eq '^[^#]*[[:space:]](trust|peer|ident|password|md5)([[:space:]]|$)' "$datadir/pg_hba.conf"; then
		echo "pg: $datadir/pg_hba.conf lets someone in without a SCRAM password:" >&2
		grep -Ev '^[[:space:]]*(#|$)' "$datadir/pg_hba.conf" >&2
		rc=1
	fi
	for f in "$root"/.run/pg "$root"/.run/pg/*.password "$pg_home" "$pg_home/run"; do
		[ -e "$f" ] || continue
		case $(stat -c %a "$f") in
		600 | 700) ;;
		*)
			echo "pg: $f has mode $(stat -c %a "$f"); want 0600 (files) or 0700 (folders)" >&2
			rc=1
			;;
		esac
	done
	if [ "$(id -u)" -ne 0 ] || ! command -v useradd >/dev/null 2>&1; then
		echo "pg: not root: the login test as another local account is skipped (it needs useradd)" >&2
		return $rc
	fi
	probe="ipcase-probe-$$"
	useradd --no-create-home --shell /usr/sbin/nologin "$probe"
	for target in "-h 127.0.0.1" "-h $pg_home/run"; do
		# shellcheck disable=SC2086 # two words on purpose
		if out=$(runuser -u "$probe" -- env -i PATH=/usr/bin:/bin "$IPCASE_PG_BINDIR/psql" -X -w $target -p "$pg_port" \
			-U postgres -d postgres -Atc 'SELECT current_user' 2>&1); then
			echo "pg: local account $probe logged in to the private cluster ($target) as $out" >&2
			rc=1
		fi
	done
	if runuser -u "$probe" -- cat "$root/.run/pg/postgres.password" >/dev/null 2>&1; then
		echo "pg: local account $probe read the superuser's password" >&2
		rc=1
	fi
	userdel "$probe" 2>/dev/null || true
	[ $rc -ne 0 ] || echo "pg: private cluster checked: passwords only; another local account ($probe) could not log in or read them" >&2
	return $rc
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
