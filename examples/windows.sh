#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Issue 13, part 3: the Windows-style examples (examples/windows/), each built
# twice (with -fshort-wchar from the source as it is, and without it from the
# u"..." copy), run against a real clusterd: create a group with two
# resources and a dependency, set and read properties through controls,
# enumerate the groups and bring the new one online, the registry, and delete
# it all.  Needs CLUSTERD and, per example, NAME and NAME_U (meson.build).
. "$(dirname "$0")/../tests/interop/lib.sh"
: "${CREATE_GROUP:?}" "${PROPERTIES:?}" "${ONLINE_GROUP:?}" "${REGISTRY:?}"

start_daemon --node-name node1 --listen none --epmapper none

# runs WHAT EXPECTED -- command...: exit 0, stdout exactly EXPECTED, no stderr
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

for variant in "" _U; do
	case $variant in "") how="-fshort-wchar, L\"...\"" ;; *) how="u\"...\" copy" ;; esac
	create=CREATE_GROUP$variant props=PROPERTIES$variant online=ONLINE_GROUP$variant reg=REGISTRY$variant
	runs "create_group ($how)" 'Group: Example Group
Resource: Example Data
Resource: Example App
Dependencies: [Example Data]' -- "${!create}"
	runs "properties ($how)" 'Group: Example Group
  Description
  = Written through ClusterGroupControl
Resource: Example Data
  CommandLine
  = sleep 600
Resource: Example App
  CommandLine
  = sleep 600' -- "${!props}"
	out=$("${!online}" 2> "$TMP/err") || fail "online_group ($how) failed: $out $(cat "$TMP/err")"
	grep -qx 'Group: Example Group (offline on node1)' <<< "$out" || fail "online_group ($how) did not list the new group offline: $out"
	grep -qx 'Group: Cluster Group (online on node1)' <<< "$out" || fail "online_group ($how) did not list Cluster Group: $out"
	[ "$(tail -n 1 <<< "$out")" = "Online: Example Group (online)" ] || fail "online_group ($how) ended with: $out"
	echo "ok: online_group ($how)"
	out=$("${!reg}" 2> "$TMP/err") || fail "registry ($how) failed: $out $(cat "$TMP/err")"
	grep -qx 'Key: Groups' <<< "$out" && grep -qx 'Key: Resources' <<< "$out" ||
		fail "registry ($how) did not list the root's subkeys: $out"
	[ "$(tail -n 1 <<< "$out")" = "ExampleValue: Written by the registry example" ] ||
		fail "registry ($how) ended with: $out"
	echo "ok: registry ($how)"
	runs "create_group --delete ($how)" 'Deleted: Example Group' -- "${!create}" --delete
done
stop_daemon || fail "clusterd did not stop cleanly"
