#!/usr/bin/env bash
# The README's second command: provisions Postgres if DATABASE_URL is unset,
# runs the static checks, then every test (race detector on, shuffled)
# against the real database. Extra arguments go to go test.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/pg.sh
source scripts/pg.sh
ensure_postgres
# The private cluster (when DATABASE_URL was unset) must be the checkout
# owner's alone: passwords only, owner-only files, and, as root, another
# local account made for the check cannot log in.
if [ -n "$pg_private" ]; then
	check_private_cluster
fi
scripts/install-tools.sh
scripts/lint.sh
# The gateway's tests drive a real browser and a real OpenAPI validator.
# This script installs both, never a person: Debian's chromium (and CJK
# fonts, so the Chinese status page renders) when missing and root, and the
# npm validator and gRPC libraries pinned by scripts/tools/node into the git-ignored
# .cache/node. Where they are installed, the tests must find them.
test_tools() {
	if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
		if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
			echo "test: installing chromium and fonts-noto-cjk with apt-get" >&2
			apt-get update -qq >&2
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >&2
		else
			echo "test: chromium is not installed and we are not root: the browser test is skipped" >&2
		fi
	fi
	command -v chromium >/dev/null 2>&1 && export IPCASE_REQUIRE_BROWSER=1
	# Decisions render as PDF in a CJK TrueType font (internal/decision/document);
	# their tests look at the pages with poppler's pdftoppm, pdftotext and pdffonts.
	if ! command -v pdftoppm >/dev/null 2>&1 || ! dpkg -s fonts-arphic-gbsn00lp >/dev/null 2>&1; then
		if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
			echo "test: installing poppler-utils and fonts-arphic-gbsn00lp with apt-get" >&2
			apt-get update -qq >&2
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils fonts-arphic-gbsn00lp >&2
		else
			echo "test: poppler-utils or the PDF font is not installed and we are not root: the PDF tests are skipped" >&2
		fi
	fi
	command -v pdftoppm >/dev/null 2>&1 && dpkg -s fonts-arphic-gbsn00lp >/dev/null 2>&1 && export IPCASE_REQUIRE_PDF=1
	if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "test: installing nodejs and npm with apt-get" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >&2
	fi
	if command -v npm >/dev/null 2>&1; then
		local dir=.cache/node
		if ! cmp -s scripts/tools/node/package-lock.json "$dir/package-lock.json" || [ ! -d "$dir/node_modules" ]; then
			echo "test: installing the OpenAPI validator, axe-core and the Node client's gRPC libraries into $dir" >&2
			mkdir -p "$dir"
			cp scripts/tools/node/package.json scripts/tools/node/package-lock.json "$dir/"
			npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error >&2
		fi
		# The example Node client (scripts/tools/node/client.js) runs against
		# a real ipcased in cmd/ipcased's TestNodeClient; axe-core audits the
		# status page in internal/gateway's browser tests.
		export IPCASE_REQUIRE_OPENAPI_VALIDATOR=1 IPCASE_REQUIRE_NODE_CLIENT=1 IPCASE_REQUIRE_AXE=1 IPCASE_NODE_MODULES="$root/$dir/node_modules"
	else
		echo "test: npm is not installed: the OpenAPI validation and Node client tests are skipped" >&2
	fi
	export IPCASE_TEST_ARTIFACTS="$root/.artifacts"
	# The fault tests (internal/faults) stop and start a Postgres of their
	# own and back up with pg_dump; where the server's programs exist they
	# must run, not skip.
	local bindir
	if bindir=$(pg_bindir) && [ -n "$bindir" ]; then
		export IPCASE_PG_BINDIR="$bindir" IPCASE_REQUIRE_FAULTS=1
	else
		echo "test: Postgres server programs not found: the fault tests are skipped" >&2
	fi
}
test_tools

echo "== go test" >&2
go test -race -shuffle=on -count=1 "$@" ./...
# >>> containers: deploy's TestComposeUpWithPodman builds the images
# (scripts/image.sh) and runs deploy/compose.yaml with podman-compose. As
# root, the tools are installed with apt and the images built here; where one
# container then runs, the test must run (IPCASE_REQUIRE_CONTAINERS=1), not
# skip. Elsewhere it skips, saying why.
container_tools() {
	[ "$(id -u)" -eq 0 ] || { echo "test: not root: the Compose test under podman is skipped" >&2; return 0; }
	# shellcheck source=scripts/containers.sh
	source scripts/containers.sh
	ensure_container_tools || return 0
	use_containers_conf
	local out
	if ! IPCASE_IMAGE=localhost/ipcase:composetest scripts/image.sh >/dev/null; then
		echo "test: scripts/image.sh failed: the Compose test under podman will fail" >&2
		export IPCASE_REQUIRE_CONTAINERS=1
		return 0
	fi
	if out=$(podman run --rm --read-only localhost/ipcase:composetest --help 2>&1 >/dev/null); then
		export IPCASE_REQUIRE_CONTAINERS=1
	else
		echo "test: podman cannot run a container here, the Compose test is skipped: $out" >&2
	fi
}
container_tools
# <<< containers
# >>> deploy (owned by deploy/): the Kubernetes manifests, Compose file,
# Dockerfile and Grafana dashboard, decoded by their real consumers' types
# in the deploy module (its own go.mod, outside ./... above).
echo "== deploy manifests (and the Compose project under podman)" >&2; (cd deploy && go test -count=1 -timeout 30m ./...)
# <<< deploy
echo "test: screenshots of the status page are in .artifacts/" >&2
# Request validation is fuzzed for a bounded time; the seed corpus lives in
# internal/filing/testdata/fuzz, and a failing input is written there too.
echo "== fuzz request validation (15s)" >&2
go test -run '^$' -fuzz '^FuzzSubmitComplaintValidation$' -fuzztime 15s ./internal/filing
