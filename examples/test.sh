#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The README's example program, as a user meets it: installed library, compiled
# with `pkg-config --cflags --libs libclusapi` and nothing else (no nettle.pc or
# krb5-gssapi.pc reachable), run against a real clusterd; and the same program
# built by meson.  Needs CLUSTERD, EXAMPLE, EXAMPLE_SOURCE, EXAMPLE_CC, MESON,
# BUILD_ROOT (examples/meson.build sets them).
. "$(dirname "$0")/../tests/interop/lib.sh"
: "${EXAMPLE:?}" "${EXAMPLE_SOURCE:?}" "${EXAMPLE_CC:?}" "${MESON:?}" "${BUILD_ROOT:?}"
command -v pkg-config > /dev/null || skip "pkg-config is not installed"

# ---- the installed files and libclusapi.pc ----------------------------------
dest=$TMP/dest
$MESON install -C "$BUILD_ROOT" --no-rebuild --destdir "$dest" > "$TMP/install.log" 2>&1 ||
	fail "meson install --destdir failed: $(cat "$TMP/install.log")"
pc=$(find "$dest" -name libclusapi.pc)
[ -n "$pc" ] || fail "meson install put no libclusapi.pc under $dest"
header=$(find "$dest" -name clusapi.h)
solib=$(find "$dest" -name libclusapi.so)
[ -n "$header" ] && [ -n "$solib" ] || fail "meson install put no clusapi.h or libclusapi.so under $dest"
# Only our .pc is reachable; paths in it are moved under the DESTDIR.
export PKG_CONFIG_LIBDIR=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR=$dest
unset PKG_CONFIG_PATH
flags=$(pkg-config --cflags --libs libclusapi 2> "$TMP/pkg-config.err") ||
	fail "pkg-config --cflags --libs libclusapi failed with only libclusapi.pc reachable: $(cat "$TMP/pkg-config.err")"
flags=$(echo $flags) # one space between words
want="-I$(dirname "$header") -L$(dirname "$solib") -lclusapi"
[ "$flags" = "$want" ] || fail "pkg-config --cflags --libs libclusapi said '$flags', expected '$want'"
case $flags in *mit-krb5*) fail "pkg-config adds the MIT krb5 headers to programs: $flags" ;; esac
echo "ok: pkg-config --cflags --libs libclusapi -> $flags"
req=$(pkg-config --print-requires --print-requires-private libclusapi) || fail "pkg-config --print-requires failed"
[ -z "$req" ] || fail "libclusapi.pc requires other packages: $req"
static=$(pkg-config --static --libs libclusapi) || fail "pkg-config --static --libs failed"
for l in -lclusapi -lnettle -lgssapi_krb5; do
	case " $static " in *" $l "*) ;; *) fail "pkg-config --static --libs lacks $l: $static" ;; esac
done
echo "ok: no Requires, Libs.private for static linking: $static"

# ---- compiled as a user would ------------------------------------------------
# shellcheck disable=SC2086 # the flags are words
$EXAMPLE_CC -std=c17 -Wall -Wextra -Werror ${EXAMPLE_CFLAGS:-} -o "$TMP/open_cluster" "$EXAMPLE_SOURCE" $flags \
	> "$TMP/cc.log" 2>&1 || fail "the example does not build with '$EXAMPLE_CC $flags': $(cat "$TMP/cc.log")"
echo "ok: $EXAMPLE_SOURCE compiles and links with exactly those flags"
installed() { LD_LIBRARY_PATH=$(dirname "$solib") "$TMP/open_cluster" "$@"; }
ldd_out=$(LD_LIBRARY_PATH=$(dirname "$solib") ldd "$TMP/open_cluster") || fail "ldd failed"
echo "$ldd_out" | grep -q "libclusapi.so.0 => $(dirname "$solib")/" ||
	fail "the user's build does not load the installed libclusapi: $ldd_out"

# ---- run against a real clusterd ---------------------------------------------
# runs NAME EXPECTED -- command...: exit 0, stdout exactly EXPECTED, no stderr
runs() {
	local what=$1 want=$2
	shift 3
	local out rc
	out=$("$@" 2> "$TMP/err")
	rc=$?
	[ "$rc" -eq 0 ] || fail "$what exited $rc: $out $(cat "$TMP/err")"
	[ "$out" = "$want" ] || fail "$what printed:
$out
expected:
$want"
	[ ! -s "$TMP/err" ] || fail "$what wrote to stderr: $(cat "$TMP/err")"
	echo "ok: $what"
}

start_daemon --node-name node1 --listen 127.0.0.1:0 --epmapper 127.0.0.1:0 --allow-anonymous
name=$(cat "$TMP/state/cluster-name") || fail "no cluster-name in the state directory"
version=$("$EXAMPLE" | sed -n 's/^Version: //p')
[[ $version =~ ^[0-9]+\.[0-9]+\ build\ [0-9]+$ ]] || fail "no version line: '$version'"
expected() { # ACCESS
	printf 'Cluster: %s\nVersion: %s\nVendor:  libclusapi clusterd\nAccess:  %s\nNode:    node1 (up)' \
		"$name" "$version" "$1"
}
# the local cluster, over LPC: clusterd's own user has full access
runs "open_cluster (meson's build, local)" "$(expected GENERIC_ALL)" -- "$EXAMPLE"
runs "open_cluster (user's build, local)" "$(expected GENERIC_ALL)" -- installed
# by name, over TCP (anonymous, which --allow-anonymous lets in with full access)
runs "open_cluster 127.0.0.1 (user's build)" "$(expected GENERIC_ALL)" -- installed 127.0.0.1
# MAXIMUM_ALLOWED gets what the ACL gives: read for anonymous callers
{ cat "$TMP/state/cluster.acl" && echo "anonymous read"; } > "$TMP/acl.new" && mv "$TMP/acl.new" "$TMP/state/cluster.acl" ||
	fail "cannot edit the ACL"
runs "open_cluster 127.0.0.1 with anonymous read (user's build)" "$(expected GENERIC_READ)" -- installed 127.0.0.1
runs "open_cluster (user's build, local) after the ACL change" "$(expected GENERIC_ALL)" -- installed

# errors: GetLastError and its message, exit 1
out=$(CLUSAPI_LPC_SOCKET=$TMP/missing.sock installed 2>&1)
rc=$?
[ "$rc" -eq 1 ] || fail "open_cluster with no clusterd exited $rc: $out"
[[ $out == "open_cluster: OpenClusterEx failed: "*"(error 1722 RPC_S_SERVER_UNAVAILABLE)" ]] ||
	fail "open_cluster with no clusterd said: $out"
echo "ok: open_cluster with no clusterd -> 1: $out"
stop_daemon || fail "clusterd did not stop cleanly"
