#!/usr/bin/env bash
# Restores a dump made by scripts/backup.sh into the database DATABASE_URL.
#
#   DATABASE_URL=postgres://…/ipcase_restored scripts/restore.sh [--clean] FILE
#
# The database must exist and be empty (createdb it first): restoring over
# a live case store would mix two histories, so a database that holds any
# table, sequence or function is refused. --clean overrides that: it drops
# each object the dump holds before recreating it (objects that are not in
# the dump stay).
#
# pg_restore runs with --no-owner (the objects belong to whoever restores)
# --exit-on-error and --single-transaction: the restore is all or nothing.
# pg_restore and psql come from IPCASE_PG_BINDIR if set, else from the
# newest /usr/lib/postgresql/*/bin, else from PATH.
set -euo pipefail

usage() {
	cat >&2 <<'USAGE'
usage: DATABASE_URL=postgres://… scripts/restore.sh [--clean] FILE

Restores FILE (from scripts/backup.sh) into DATABASE_URL, which must be an
existing empty database; --clean restores over one that is not empty,
dropping the dump's objects first.
USAGE
	exit 2
}
die() {
	echo "restore: $*" >&2
	exit 1
}

clean=
file=
while [ $# -gt 0 ]; do
	case "$1" in
	-h | --help) usage ;;
	--clean) clean=1 ;;
	-*) die "unknown option $1 (see --help)" ;;
	*)
		[ -z "$file" ] || usage
		file=$1
		;;
	esac
	shift
done
[ -n "$file" ] || usage
[ -f "$file" ] || die "$file: no such file"
[ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is not set: say which database to restore into"

# pg_tool prints the path of a Postgres client program ($1).
pg_tool() {
	local d
	for d in "${IPCASE_PG_BINDIR:-}" $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -n "$d" ] && [ -x "$d/$1" ]; then
			echo "$d/$1"
			return
		fi
	done
	command -v "$1" 2>/dev/null || die "$1 not found: install the Postgres client (Debian: apt-get install postgresql-client) or set IPCASE_PG_BINDIR"
}
pg_restore=$(pg_tool pg_restore)
psql=$(pg_tool psql)

redacted=$(printf '%s' "$DATABASE_URL" | sed 's#//[^@/]*@#//#')
"$pg_restore" --list "$file" >/dev/null || die "$file is not a dump pg_restore can read (made by scripts/backup.sh?)"
# Anything in a schema of its own: tables, sequences, views, functions,
# types. The system schemas and extensions' own objects do not count.
objects=$("$psql" --no-psqlrc --quiet --tuples-only --no-align -v ON_ERROR_STOP=1 --dbname="$DATABASE_URL" -c "
	SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	        WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_')
	     + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
	        WHERE n.nspname <> 'information_schema' AND n.nspname !~ '^pg_'
	          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'))") ||
	die "cannot query $redacted (does the database exist? create it with createdb first)"
if [ "$objects" -ne 0 ] && [ -z "$clean" ]; then
	die "$redacted is not empty ($objects tables, sequences or functions): restore into a new, empty database, or give --clean to drop and replace what the dump holds"
fi

echo "restore: restoring $file into $redacted with $("$pg_restore" --version)" >&2
"$pg_restore" --no-owner --exit-on-error --single-transaction ${clean:+--clean --if-exists} \
	--dbname="$DATABASE_URL" "$file" || die "pg_restore failed; nothing was restored (single transaction)"

cat >&2 <<MSG
restore: done. Next:
  1. If the ipcased you will run is newer than the one that wrote the backup,
     apply its migrations:  DATABASE_URL=… ipcased migrate
  2. Start ipcased on the database and verify the hash chains, e.g. for each
     matter:  ipcase audit verify matters/…   (FilingService.VerifyMatterHistory)
MSG
