#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install the Debian packages the project needs.  Usage: install-deps.sh [--test]
#   (no flag)  what building and running need
#   --test     also every program the whole test suite drives
# Run as root, or as a user who may sudo.  Packages are installed without
# their Recommends, so every program a test runs must come from a package
# named here (crm_mon is in pacemaker-cli-utils, not in pacemaker itself).
set -eu
build_pkgs="meson ninja-build pkg-config gcc libc6-dev libcmocka-dev libsqlite3-dev nettle-dev libkrb5-dev
	libsystemd-dev libseccomp-dev pacemaker-dev libcmap-dev libquorum-dev"
test_pkgs="valgrind samba-testsuite smbclient tshark clang libclang-rt-14-dev python3 iproute2 util-linux
	procps krb5-kdc krb5-admin-server krb5-user pacemaker pacemaker-cli-utils corosync resource-agents
	mandoc systemd dbus bash-completion mmdebstrap"
case "${1:-}" in
"") pkgs=$build_pkgs ;;
--test) pkgs="$build_pkgs $test_pkgs" ;;
*)
	echo "usage: install-deps.sh [--test]" >&2
	exit 2
	;;
esac

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
# As root, run apt directly; otherwise through sudo, keeping the environment
# (DEBIAN_FRONTEND) for apt.
as_root=()
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo > /dev/null || {
		echo "install-deps.sh: these packages are missing:$missing; install them as root, or install sudo" >&2
		exit 1
	}
	as_root=(sudo -E)
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture: answer no without asking.
echo "wireshark-common wireshark-common/install-setuid boolean false" | "${as_root[@]}" debconf-set-selections 2> /dev/null || true
"${as_root[@]}" apt-get update -q
# shellcheck disable=SC2086
"${as_root[@]}" apt-get install -y -q --no-install-recommends $missing
