#!/bin/sh
# The entrypoint of the Postgres image scripts/image.sh builds where no
# registry serves postgres:16 (deploy/postgres/Containerfile). It keeps the
# part of the official image's contract that deploy/compose.yaml uses: on an
# empty PGDATA it runs initdb with POSTGRES_USER as the superuser and
# POSTGRES_PASSWORD as its password, creates POSTGRES_DB, and lets that user
# in over TCP with SCRAM-SHA-256 only (the socket, inside the container,
# trusts local users, as the official image's does). Then it serves in the
# foreground, listening on every address of the container; extra arguments
# go to postgres (e.g. -c shared_buffers=256MB). Durability is Postgres's
# default: fsync, full_page_writes and synchronous_commit on.
set -eu
bin=/usr/lib/postgresql/15/bin
: "${PGDATA:=/var/lib/postgresql/data}"
: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
export PGDATA

if [ ! -s "$PGDATA/PG_VERSION" ]; then
	if [ -z "${POSTGRES_PASSWORD:-}" ]; then
		echo "entrypoint: POSTGRES_PASSWORD is empty: refusing to create a database anyone could log in to" >&2
		exit 1
	fi
	umask 077
	pwfile=$(mktemp)
	trap 'rm -f "$pwfile"' EXIT
	printf '%s\n' "$POSTGRES_PASSWORD" >"$pwfile"
	"$bin/initdb" --username="$POSTGRES_USER" --pwfile="$pwfile" --auth-local=trust \
		--auth-host=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >/dev/null
	rm -f "$pwfile"
	printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
	if [ "$POSTGRES_DB" != postgres ]; then
		# Single-user mode: nothing listens until the database exists.
		db=$(printf '%s' "$POSTGRES_DB" | sed 's/"/""/g')
		echo "CREATE DATABASE \"$db\"" | "$bin/postgres" --single -j -D "$PGDATA" postgres >/dev/null
	fi
	echo "entrypoint: initialized $PGDATA (superuser $POSTGRES_USER, database $POSTGRES_DB)" >&2
fi
exec "$bin/postgres" -D "$PGDATA" -c listen_addresses='*' "$@"
