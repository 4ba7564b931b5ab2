#!/usr/bin/env bash
# Builds the pinned code generators and tools into .bin/ (git-ignored):
# buf, the protoc plugins and grpcurl, golangci-lint. Versions live in
# scripts/tools/*/go.mod, kept apart from the service module.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export GOBIN="$root/.bin"
mkdir -p "$GOBIN"
for mod in buf protoc golangci-lint; do
	(
		cd "$root/scripts/tools/$mod"
		stamp="$GOBIN/.stamp-$mod"
		sum=$(cat go.mod go.sum | sha256sum | cut -c1-16)
		if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
			exit 0
		fi
		echo "install-tools: building $mod tools (first run takes a few minutes)" >&2
		go install tool
		echo "$sum" >"$stamp"
	)
done
