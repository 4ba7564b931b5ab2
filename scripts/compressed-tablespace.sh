#!/usr/bin/env bash
# Makes a Postgres tablespace on a zstd-compressed file system, for a
# benchmark store larger than the disk under the data directory
# (BENCH_TABLESPACE of scripts/bench.sh). ipcase's store compresses about
# 3 to 1 there: 50,000 seeded matters took 792 MiB of pg_database_size and
# 223 MiB of disk on it, 1,000,000 (indexes built after the load) 16.3 GB
# and 5.2 GiB (the pages' free space, the repeated text of events and list
# rows, and the hex of digests compress; random hashes and ids do not).
#
#   scripts/compressed-tablespace.sh [NAME [SIZE]]   # default ipcase_zstd, 240G
#   scripts/compressed-tablespace.sh --remove [NAME]
#
# The file system is btrfs (mounted compress-force=zstd:1) in a sparse file,
# /var/lib/ipcase-tablespaces/NAME.img, through a loop device: the file
# takes on the disk what the compressed data takes, and gives back what is
# deleted (discard). SIZE is what the file system may grow to, not what it
# takes. The mount does not outlive a reboot; run the script again to
# mount the same file. Root only (losetup, mount; btrfs-progs is installed
# with apt when missing). DATABASE_URL names the server, as a superuser; it
# must run on this machine, as the owner of its data directory.
set -euo pipefail

remove=
if [ "${1:-}" = --remove ]; then
	remove=1
	shift
fi
name=${1:-ipcase_zstd}
size=${2:-240G}
[[ $name =~ ^[a-z_][a-z0-9_]*$ ]] || { echo "compressed-tablespace: NAME must be a plain lower-case name" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "compressed-tablespace: must run as root (losetup, mount)" >&2; exit 1; }
: "${DATABASE_URL:?compressed-tablespace: DATABASE_URL must name the server, as a superuser}"
dir=/var/lib/ipcase-tablespaces
img=$dir/$name.img
mnt=$dir/$name
sql() { psql -X -At -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "$1"; }

if [ -n "$remove" ]; then
	# DROP TABLESPACE refuses while a database or table is still in it.
	sql "DROP TABLESPACE IF EXISTS $name"
	if mountpoint -q "$mnt"; then
		dev=$(findmnt -n -o SOURCE "$mnt")
		umount "$mnt"
		losetup -d "$dev" 2>/dev/null || true
	fi
	rm -f "$img"
	rmdir "$mnt" 2>/dev/null || true
	echo "compressed-tablespace: $name removed"
	exit 0
fi

command -v mkfs.btrfs >/dev/null || { apt-get update -qq && apt-get install -y -qq btrfs-progs >/dev/null; }
grep -qw btrfs /proc/filesystems || { echo "compressed-tablespace: this kernel has no btrfs" >&2; exit 1; }
owner=$(stat -c %U "$(sql "SHOW data_directory")")
mkdir -p "$dir" "$mnt"
fresh=
if [ ! -e "$img" ]; then
	truncate -s "$size" "$img"
	fresh=1
fi
if ! mountpoint -q "$mnt"; then
	dev=$(losetup -f --show "$img")
	[ -z "$fresh" ] || mkfs.btrfs -q -f "$dev"
	mount -o compress-force=zstd:1,noatime,discard=async "$dev" "$mnt"
fi
install -d -o "$owner" -m 0700 "$mnt/pg"
if [ -z "$(sql "SELECT 1 FROM pg_tablespace WHERE spcname = '$name'")" ]; then
	sql "CREATE TABLESPACE $name LOCATION '$mnt/pg'" >/dev/null
fi
echo "compressed-tablespace: tablespace $name at $mnt/pg (btrfs, zstd), file $img:"
df -h "$mnt" | tail -n 1
echo "Use it: BENCH_TABLESPACE=$name scripts/bench.sh"
