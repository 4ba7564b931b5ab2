#!/usr/bin/env bash
# Backs up the ipcase database with pg_dump, in its custom format (-Fc):
# compressed, and restorable with scripts/restore.sh.
#
#   DATABASE_URL=postgres://… scripts/backup.sh [FILE]
#
# FILE defaults to $IPCASE_BACKUP_DIR/ipcase-<UTC time>.dump, with
# IPCASE_BACKUP_DIR defaulting to ~/ipcase-backups: outside the checkout,
# so a dump of case data is never committed by mistake. The dump is
# written next to FILE and renamed into place once pg_dump has finished and
# pg_restore can read its table of contents, so FILE is either a whole dump
# or absent. An existing FILE is never overwritten.
#
# pg_dump comes from IPCASE_PG_BINDIR if set, else from the newest
# /usr/lib/postgresql/*/bin, else from PATH: pg_dump must be at least as
# new as the server it dumps.
set -euo pipefail

usage() {
	cat >&2 <<'USAGE'
usage: DATABASE_URL=postgres://… scripts/backup.sh [FILE]

Writes a pg_dump custom-format dump of DATABASE_URL to FILE (default:
$IPCASE_BACKUP_DIR/ipcase-<UTC time>.dump, IPCASE_BACKUP_DIR defaulting to
~/ipcase-backups) and prints its path. Restore it with scripts/restore.sh.
USAGE
	exit 2
}
die() {
	echo "backup: $*" >&2
	exit 1
}

case "${1:-}" in
-h | --help) usage ;;
-*) die "unknown option $1 (see --help)" ;;
esac
[ $# -le 1 ] || usage
[ -n "${DATABASE_URL:-}" ] || die "DATABASE_URL is not set: say which database to back up"

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
pg_dump=$(pg_tool pg_dump)
pg_restore=$(pg_tool pg_restore)

file=${1:-${IPCASE_BACKUP_DIR:-$HOME/ipcase-backups}/ipcase-$(date -u +%Y%m%dT%H%M%SZ).dump}
[ ! -e "$file" ] || die "$file already exists; give another name"
mkdir -p "$(dirname "$file")"
tmp="$file.partial"
trap 'rm -f "$tmp"' EXIT

redacted=$(printf '%s' "$DATABASE_URL" | sed 's#//[^@/]*@#//#')
echo "backup: dumping $redacted with $("$pg_dump" --version)" >&2
# The dump is one snapshot of the database: every matter's events, heads and
# log positions as of one instant, so the hash chains in it are whole.
"$pg_dump" --format=custom --file="$tmp" --dbname="$DATABASE_URL" ||
	die "pg_dump failed (a server newer than $pg_dump refuses to be dumped by it: use a newer pg_dump)"
"$pg_restore" --list "$tmp" >/dev/null || die "the dump in $tmp cannot be read back"
mv "$tmp" "$file"
trap - EXIT
echo "backup: wrote $file ($(du -h "$file" | cut -f1))" >&2
echo "$file"
