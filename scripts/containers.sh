# shellcheck shell=bash
# Sourced by image.sh and test.sh: what running containers needs on this kind
# of machine (Debian, root, no image registry reachable).
#
# ensure_container_tools installs podman, buildah, podman-compose, runc and
# mmdebstrap (and the CA bundle and zoneinfo the image copies) with apt when
# one is missing and we are root; it fails, saying what is missing, otherwise.
#
# use_containers_conf points CONTAINERS_CONF (unless set) at a containers.conf
# under .cache/containers that selects runc and sets the containers' default
# ulimits: nofile to this shell's hard limit, nproc to at most 32768. Podman's
# defaults fail here: crun ("cgroups in hybrid mode not supported") and a
# nofile limit above the hard one ("error setting rlimits for ready process:
# error setting rlimit type 7: operation not permitted"); nproc at the hard
# limit (96362 here) fails the same way (type 6), 32768 works. It applies to
# podman build's RUN steps as well. Nothing under /etc is changed.

ensure_container_tools() {
	local missing=() c
	for c in podman buildah podman-compose runc mmdebstrap; do
		command -v "$c" >/dev/null 2>&1 || missing+=("$c")
	done
	[ -s /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
	[ -d /usr/share/zoneinfo ] || missing+=(tzdata)
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "containers: installing ${missing[*]} with apt-get" >&2
		apt-get update -qq >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >&2
		return 0
	fi
	echo "containers: ${missing[*]} missing and we are not root (or have no apt-get)" >&2
	return 1
}

use_containers_conf() {
	[ -n "${CONTAINERS_CONF:-}" ] && return 0
	local dir nofile nproc
	dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.cache/containers"
	nofile=$(ulimit -Hn)
	nproc=$(ulimit -Hu)
	[ "$nofile" = unlimited ] && nofile=1048576
	if [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; then
		nproc=32768
	fi
	mkdir -p "$dir"
	cat >"$dir/containers.conf" <<CONF
# Written by scripts/containers.sh (use_containers_conf).
[engine]
runtime = "runc"
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
CONF
	export CONTAINERS_CONF="$dir/containers.conf"
}
