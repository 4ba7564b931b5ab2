#!/usr/bin/env bash
# Static checks: formatting, vet, tidy modules, generated code up to date,
# buf lint/format, buf breaking against main, migration file names,
# numbering and goose annotations, golangci-lint (.ci/golangci.yml) and a
# self-check that its depguard rules still refuse a wrong-way import.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
fail=0
step() { printf '== %s\n' "$*" >&2; }

step gofmt
unformatted=$(git ls-files -co --exclude-standard '*.go' | grep -v '^api/' | xargs -r gofmt -l)
if [ -n "$unformatted" ]; then
	printf 'not gofmt-formatted:\n%s\n' "$unformatted" >&2
	fail=1
fi

step go vet
go vet ./... || fail=1

step go mod tidy
cp go.mod /tmp/ipcase-go.mod.$$ && cp go.sum /tmp/ipcase-go.sum.$$
go mod tidy
if ! cmp -s go.mod /tmp/ipcase-go.mod.$$ || ! cmp -s go.sum /tmp/ipcase-go.sum.$$; then
	echo "go.mod/go.sum are not tidy: run go mod tidy" >&2
	fail=1
fi
rm -f /tmp/ipcase-go.mod.$$ /tmp/ipcase-go.sum.$$

# >>> deploy (owned by deploy/): the deploy module has its own go.mod, so
# ./... above skips it.
step "deploy module: gofmt, go vet, go mod tidy"
unformatted=$(cd deploy && gofmt -l .)
if [ -n "$unformatted" ]; then
	printf 'not gofmt-formatted (in deploy/):\n%s\n' "$unformatted" >&2
	fail=1
fi
(cd deploy && go vet ./...) || fail=1
cp deploy/go.mod /tmp/ipcase-deploy-go.mod.$$ && cp deploy/go.sum /tmp/ipcase-deploy-go.sum.$$
(cd deploy && go mod tidy) || fail=1
if ! cmp -s deploy/go.mod /tmp/ipcase-deploy-go.mod.$$ || ! cmp -s deploy/go.sum /tmp/ipcase-deploy-go.sum.$$; then
	echo "deploy/go.mod/go.sum are not tidy: run go mod tidy in deploy/" >&2
	fail=1
fi
rm -f /tmp/ipcase-deploy-go.mod.$$ /tmp/ipcase-deploy-go.sum.$$
# <<< deploy

step generated code
scripts/gen.sh
if [ -n "$(git status --porcelain -- api)" ]; then
	git status --short -- api >&2
	echo "api/ is not what scripts/gen.sh generates from proto/: run scripts/gen.sh and commit" >&2
	fail=1
fi

step buf lint and format
.bin/buf lint || fail=1
.bin/buf format -d --exit-code proto || fail=1

step buf breaking against main
if git rev-parse -q --verify main >/dev/null && git cat-file -e main:proto 2>/dev/null; then
	# The against tree is built from main's files plus the same google/api
	# copy, since .cache/ is not in git.
	against=$(mktemp -d)
	git archive main proto buf.yaml | tar -x -C "$against"
	mkdir -p "$against/.cache" && cp -r .cache/googleapis "$against/.cache/"
	.bin/buf breaking --against "$against" || fail=1
	rm -rf "$against"
else
	echo "no main branch with proto/ to compare against; skipped"
fi

step migration files
# goose skips files it cannot number, and runs a file marked NO TRANSACTION
# outside the transaction that records it: neither may slip in.
migrations=internal/store/migrations
for f in "$migrations"/*; do
	name=${f##*/}
	if ! [[ $name =~ ^[0-9]{6}_[a-z0-9_]+\.sql$ ]]; then
		echo "$f: not named NNNNNN_name.sql (scripts/new_migration.sh NAME makes one)" >&2
		fail=1
		continue
	fi
	if [ "$(head -n 1 "$f")" != "-- +goose Up" ]; then
		echo "$f: the first line must be -- +goose Up" >&2
		fail=1
	fi
	if grep -qi '^--.*+goose.*no transaction' "$f"; then
		echo "$f: -- +goose NO TRANSACTION: every migration runs in one transaction with its record" >&2
		fail=1
	fi
done
dups=$(ls "$migrations" | sed -n 's/^\([0-9]\{6\}\)_.*\.sql$/\1/p' | sort | uniq -d)
if [ -n "$dups" ]; then
	echo "migration versions used twice: $dups" >&2
	fail=1
fi

# .bin/golangci-lint is built by scripts/install-tools.sh, which gen.sh ran
# above.
step golangci-lint
.bin/golangci-lint run --config .ci/golangci.yml ./... || fail=1

# The depguard rules must bite: a CLI file importing internal/store (the CLI
# is a gRPC client) has to be refused. Only the probe's package is linted,
# with depguard alone; the probe file goes away however the script ends.
step "golangci-lint self-check: depguard refuses cmd/ipcase -> internal/store"
probe=cmd/ipcase/zz_depguard_probe.go
trap 'rm -f "$probe"' EXIT
trap 'exit 130' INT TERM HUP
cat >"$probe" <<'GO'
package main

// A deliberate wrong-way import, written and removed by scripts/lint.sh.
import _ "github.com/ipcase/ipcase/internal/store"
GO
if out=$(.bin/golangci-lint run --config .ci/golangci.yml --enable-only depguard ./cmd/ipcase 2>&1); then
	echo "self-check: depguard accepted $probe importing internal/store: the rules do not bite" >&2
	fail=1
elif ! grep -q "$probe:[0-9]*:[0-9]*: import 'github.com/ipcase/ipcase/internal/store' is not allowed" <<<"$out"; then
	printf '%s\n' "$out" >&2
	echo "self-check: golangci-lint failed, but not on $probe's import of internal/store" >&2
	fail=1
fi
rm -f "$probe"
trap - EXIT INT TERM HUP

exit $fail
