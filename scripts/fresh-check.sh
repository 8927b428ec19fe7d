#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The newcomer's check: README command 1 (scripts/demo.sh) in a brand-new
# Debian 12 system, as root, on a clean clone of this repository's committed
# HEAD (uncommitted changes are not in it).  It proves that the installer
# names every package the build needs, which a developer's machine, where
# everything is installed already, cannot show.
#
#   scripts/fresh-check.sh [COMMAND]      default COMMAND: scripts/demo.sh
#
# Needs root, mmdebstrap and the Debian mirrors (the new system installs its
# packages with apt, as a newcomer's does).  The base system (Debian 12,
# priority "required", as the official container image, plus git and
# ca-certificates) is made once and cached in $FRESH_CACHE (default
# /var/tmp/fresh-debian); each run unpacks a new copy of it, with the host name
# in /etc/hosts on 127.0.1.1 as Debian's installer writes it, and removes it
# afterwards (FRESH_KEEP=1 keeps it).  The new root is the root of a private
# mount namespace (pivot_root) with its own /proc, /dev/shm and /tmp, so
# nothing stays mounted.  scripts/test.sh runs this as its last stage.
# Exit status: 0 when COMMAND succeeded (and, for the demo, its clusctl session
# showed the cluster); 1 otherwise; 77 when it cannot run here.
set -euo pipefail
skip() {
	echo "fresh-check: skipped: $*"
	exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root (a new root file system and mount namespace)"
command -v mmdebstrap > /dev/null || skip "needs mmdebstrap (apt-get install mmdebstrap)"
repo=$(cd "$(dirname "$0")/.." && git rev-parse --show-toplevel)

cache=${FRESH_CACHE:-/var/tmp/fresh-debian}
base=$cache/bookworm.tar
mkdir -p "$cache"
if [ ! -s "$base" ]; then
	echo "fresh-check: making the Debian 12 base system (once, cached in $cache)"
	rm -f "$cache/partial.tar"
	mmdebstrap --quiet --variant=required --include=ca-certificates,git bookworm "$cache/partial.tar"
	mv "$cache/partial.tar" "$base"
fi

root=$(mktemp -d /var/tmp/clusapi-fresh-root.XXXXXX)
log=$root.log
finish() {
	local rc=$?
	if [ -n "${FRESH_KEEP:-}" ]; then
		echo "fresh-check: root kept in $root"
	else
		rm -rf "$root"
	fi
	if [ "$rc" -eq 0 ]; then rm -f "$log"; else echo "fresh-check: the whole output is in $log"; fi
}
trap finish EXIT
tar -xf "$base" -C "$root"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2> /dev/null || true
host=$(hostname)
echo "$host" > "$root/etc/hostname"
printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$host" > "$root/etc/hosts"
git clone --quiet "$repo" "$root/src"
echo "fresh-check: $(git -C "$root/src" log --oneline -1) in a new Debian 12 root"

[ $# -gt 0 ] || set -- scripts/demo.sh
start=$(date +%s)
set +e
unshare --mount --propagation private -- /bin/bash -s "$root" "$@" > "$log" 2>&1 << 'EOF'
set -e
root=$1
shift
mount --bind "$root" "$root"
mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --rbind /dev "$root/dev"
mount -t tmpfs tmpfs "$root/dev/shm"
mount -t tmpfs tmpfs "$root/tmp"
cd "$root"
mkdir -p .old-root
pivot_root . .old-root
umount -l /.old-root
rmdir /.old-root
cd /src
exec /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	LANG=C.UTF-8 "$@" < /dev/null
EOF
rc=$?
set -e
seconds=$(($(date +%s) - start))
tail -n 25 "$log" | sed 's/^/  | /'
if [ "$rc" -ne 0 ]; then
	echo "fresh-check: FAIL: '$*' exited $rc after ${seconds} s in the new root"
	exit 1
fi
if [ "$*" = scripts/demo.sh ]; then
	# The demo must end with a real clusctl session against the cluster it started.
	for want in '^Cluster: ' '^Nodes: ' '^Version: ' '^Access: *full'; do
		grep -q "$want" "$log" || {
			echo "fresh-check: FAIL: the demo's clusctl session did not show '$want'"
			exit 1
		}
	done
fi
echo "fresh-check: '$*' passed in a new Debian 12 root in ${seconds} s"
