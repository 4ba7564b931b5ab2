#!/usr/bin/env bash
# Builds the container images with podman, without any registry:
#
#   localhost/ipcase:dev (IPCASE_IMAGE): deploy/Containerfile, FROM scratch,
#     with ipcased, ipcase-gateway, ipcase and ipcase-healthcheck compiled here
#     (static, CGO_ENABLED=0, -trimpath -ldflags='-s -w', as deploy/Dockerfile
#     compiles them), Debian's CA bundle and zoneinfo, the CJK font decisions'
#     PDF are set in (fonts-arphic-gbsn00lp, with its licence), passwd/group
#     with nonroot (uid 65532).
#   localhost/ipcase-postgres:15 (IPCASE_POSTGRES_IMAGE, skipped when set to
#     "none"): deploy/postgres/Containerfile on a base made once by mmdebstrap
#     (Debian bookworm minbase + postgresql-15) and kept in podman's storage as
#     localhost/ipcase-postgres-base:bookworm; IPCASE_REBUILD_BASE=1 makes it
#     again (e.g. for Debian's security updates).
#
# Installs podman, buildah, podman-compose, runc and mmdebstrap with apt when
# missing and root (scripts/containers.sh). Prints the images' names.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
# shellcheck source=scripts/containers.sh
source scripts/containers.sh
ensure_container_tools
use_containers_conf

image=${IPCASE_IMAGE:-localhost/ipcase:dev}
pg_image=${IPCASE_POSTGRES_IMAGE:-localhost/ipcase-postgres:15}
pg_base=localhost/ipcase-postgres-base:bookworm

# The context of deploy/Containerfile, laid out as its COPY lines read it.
ctx="$root/.cache/image/ipcase"
rm -rf "$ctx"
mkdir -p "$ctx/bin" "$ctx/etc/ssl/certs" "$ctx/usr/share" "$ctx/var/lib/ipcase/evidence" "$ctx/var/lib/ipcase/outbox" \
	"$ctx/var/lib/ipcase/decision-keys" "$ctx/usr/share/fonts/truetype/arphic-gbsn00lp" "$ctx/usr/share/doc/fonts-arphic-gbsn00lp"
echo "image: compiling the binaries" >&2
export CGO_ENABLED=0
go build -trimpath -ldflags='-s -w' -o "$ctx/bin/" ./cmd/ipcased ./cmd/ipcase-gateway ./cmd/ipcase
(cd deploy && go build -trimpath -ldflags='-s -w' -o "$ctx/bin/ipcase-healthcheck" ./healthcheck)
cp /etc/ssl/certs/ca-certificates.crt "$ctx/etc/ssl/certs/"
cp -a /usr/share/zoneinfo "$ctx/usr/share/"
font=/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf
if [ ! -f "$font" ] && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	echo "image: installing fonts-arphic-gbsn00lp with apt-get (the PDF font, IPCASE_PDF_FONT)" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-arphic-gbsn00lp >&2
fi
cp "$font" "$ctx/usr/share/fonts/truetype/arphic-gbsn00lp/"
cp /usr/share/doc/fonts-arphic-gbsn00lp/copyright "$ctx/usr/share/doc/fonts-arphic-gbsn00lp/"
cat >"$ctx/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
PASSWD
cat >"$ctx/etc/group" <<'GROUP'
root:x:0:
nobody:x:65534:
nonroot:x:65532:
GROUP
echo "image: building $image from deploy/Containerfile" >&2
podman build --pull=never --quiet -f deploy/Containerfile -t "$image" "$ctx" >/dev/null
echo "$image"

[ "$pg_image" = none ] && exit 0
if [ "${IPCASE_REBUILD_BASE:-}" = 1 ] || ! podman image exists "$pg_base"; then
	echo "image: making $pg_base with mmdebstrap (bookworm minbase + postgresql-15; a few minutes, once)" >&2
	tar="$root/.cache/image/postgres-base.tar"
	mmdebstrap --quiet --variant=minbase --include=postgresql-15 \
		bookworm "$tar" "${IPCASE_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
	podman import --quiet "$tar" "$pg_base" >/dev/null
	rm -f "$tar"
fi
echo "image: building $pg_image from deploy/postgres/Containerfile" >&2
podman build --pull=never --quiet -f deploy/postgres/Containerfile -t "$pg_image" deploy/postgres >/dev/null
echo "$pg_image"
