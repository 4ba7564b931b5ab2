#!/usr/bin/env bash
# new_migration.sh NAME creates internal/store/migrations/NNNNNN_NAME.sql,
# numbered one past the highest version there, annotated for goose and
# otherwise empty, and prints its path. Write the SQL between StatementBegin
# and StatementEnd: it reaches Postgres whole (plpgsql bodies included) and
# runs in one transaction with the row that records it, so no BEGIN/COMMIT.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=internal/store/migrations

if [ $# -ne 1 ] || ! [[ $1 =~ ^[a-z0-9_]+$ ]]; then
	echo "usage: scripts/new_migration.sh NAME   (lower_snake_case, e.g. add_hearings)" >&2
	exit 2
fi
last=$(ls "$root/$dir" | sed -n 's/^\([0-9]\{6\}\)_.*\.sql$/\1/p' | sort | tail -n 1)
file=$dir/$(printf '%06d' $((10#${last:-0} + 1)))_$1.sql
cat >"$root/$file" <<'SQL'
-- +goose Up
-- +goose StatementBegin
-- What this changes and why. Merged migrations are never edited.

-- +goose StatementEnd
SQL
echo "$file"
