#!/usr/bin/env bash
# Fills .cache/googleapis (git-ignored) with google/api/{annotations,http,httpbody}.proto
# from the grpc-gateway v1.16.0 Go module, fetched through the Go module proxy
# like any other module. buf.yaml names that folder as a workspace module, so
# proto/ can import the HTTP annotations offline without a BSR dependency.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dest="$root/.cache/googleapis/google/api"
[ -f "$dest/annotations.proto" ] && [ -f "$dest/http.proto" ] && [ -f "$dest/httpbody.proto" ] && exit 0
dir=$(cd "$root/scripts/tools/protoc" && go mod download -json github.com/grpc-ecosystem/grpc-gateway@v1.16.0 | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
[ -n "$dir" ] || { echo "protodeps: could not download grpc-gateway v1.16.0" >&2; exit 1; }
mkdir -p "$dest"
for f in annotations.proto http.proto httpbody.proto; do
	install -m 0644 "$dir/third_party/googleapis/google/api/$f" "$dest/$f"
done
