#!/usr/bin/env bash
# Regenerates api/ from proto/ with buf and the pinned local plugins.
# A clean clone regenerates byte-identical output: CI runs this and diffs.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
scripts/install-tools.sh
scripts/protodeps.sh
rm -rf api
PATH="$root/.bin:$PATH" buf generate --template scripts/buf.gen.yaml
