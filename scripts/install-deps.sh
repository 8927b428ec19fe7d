#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install the Debian packages the project needs.  Usage: install-deps.sh [--test]
#   (no flag)  what building and running need
#   --test     also what the whole test suite needs
set -eu
build_pkgs="meson ninja-build pkg-config gcc libc6-dev libcmocka-dev libsqlite3-dev nettle-dev libkrb5-dev pacemaker-dev libcmap-dev libquorum-dev"
test_pkgs="valgrind samba-testsuite smbclient tshark clang libclang-rt-14-dev python3 iproute2 util-linux krb5-kdc krb5-admin-server krb5-user pacemaker corosync resource-agents"
pkgs=$build_pkgs
[ "${1:-}" = "--test" ] && pkgs="$pkgs $test_pkgs"

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "installing:$missing"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
# tshark asks whether non-root users may capture: answer no without asking.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections 2>/dev/null || true
$sudo apt-get update -q
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $sudo -E apt-get install -y -q --no-install-recommends $missing
