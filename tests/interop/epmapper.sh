#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Our endpoint mapper from Samba's clients, in both byte orders: rpcclient's
# epmlookup and epmmap, and smbtorture's rpc.epmapper suite.  rpcclient asks
# port 135 only, so this needs root and runs in a network namespace of its
# own (only lo).
. "$(dirname "$0")/lib.sh"
own_netns # binds port 135 (the endpoint mapper)
command -v rpcclient >/dev/null || fail "rpcclient is not installed (package smbclient)"
command -v smbtorture >/dev/null || fail "smbtorture is not installed (package samba-testsuite)"
[ "$(id -u)" -eq 0 ] || skip "rpcclient needs our endpoint mapper on port 135, which needs root"

CMRP=b97db8b2-4c63-11cf-bff6-08002be23f2f
# Three MS-CMRP listeners: three entries, so that a search with max_ents 2
# (smbtorture's Lookup_terminate_search) has to be continued.
start_daemon --listen 127.0.0.1:0 --listen 127.0.0.2:0 --listen 127.0.0.3:0 --epmapper 127.0.0.1:135 \
	--allow-anonymous --node-name node1

rpc() { # rpc BINDING-OPTIONS COMMAND
	timeout 60 rpcclient -U% "ncacn_ip_tcp:127.0.0.1[$1]" -c "$2" 2>&1
}

towers_ok() { # towers_ok WHAT OUTPUT: the three towers, with our port, none at 0.0.0.0
	for a in 127.0.0.1 127.0.0.2 127.0.0.3; do
		echo "$2" | grep -q "ncacn_ip_tcp:$a\[$TCP_PORT,abstract_syntax=$CMRP/0x00000003\]" ||
			fail "$1: no tower for $a port $TCP_PORT: $2"
	done
	echo "$2" | grep -q "0\.0\.0\.0" && fail "$1: a tower names 0.0.0.0: $2"
	return 0
}

for opt in "" bigendian; do
	tag=${opt:-little-endian}
	out=$(rpc "$opt" epmlookup)
	towers_ok "epmlookup ($tag)" "$out"
	[ "$(echo "$out" | grep -c 'Failover Cluster Management API')" -eq 3 ] || fail "epmlookup ($tag): $out"
	echo "$out" | grep -q "epm_Lookup no more entries" || fail "epmlookup ($tag) did not end: $out"
	echo "ok: rpcclient epmlookup ($tag)"

	out=$(rpc "$opt" "epmmap clusapi ncacn_ip_tcp")
	echo "$out" | grep -q "num_tower\[3\]" || fail "epmmap ($tag): $out"
	towers_ok "epmmap ($tag)" "$out"
	echo "ok: rpcclient epmmap clusapi ncacn_ip_tcp ($tag)"

	# An object UUID: our entries serve any object.
	out=$(rpc "$opt" "epmmap clusapi ncacn_ip_tcp 11111111-2222-3333-4444-555555555555")
	towers_ok "epmmap with an object ($tag)" "$out"
	echo "ok: rpcclient epmmap with an object UUID ($tag)"

	# What we do not serve: named pipes, another interface.
	for what in "clusapi ncacn_np" "lsarpc ncacn_ip_tcp"; do
		out=$(rpc "$opt" "epmmap $what")
		echo "$out" | grep -q "epm_Map returned .*(0x16C9A0D6)" || fail "epmmap $what ($tag): $out"
	done
	echo "ok: rpcclient epmmap of what is not served -> EPT_S_NOT_REGISTERED ($tag)"

	# Samba's own endpoint mapper suite.  Map_full and Insert_noreplace
	# register an endpoint with ept_insert over TCP, which we refuse as
	# Windows refuses a remote caller: they must fail with access denied.
	out=$(timeout 120 smbtorture "ncacn_ip_tcp:127.0.0.1[135${opt:+,$opt}]" -U% rpc.epmapper 2>&1)
	for t in Map_simple Lookup_simple Lookup_terminate_search; do
		echo "$out" | grep -q "^success: epmapper\.$t\$" || fail "smbtorture rpc.epmapper.$t ($tag): $out"
		echo "ok: smbtorture rpc.epmapper.$t ($tag)"
	done
	for t in Map_full Insert_noreplace; do
		echo "$out" | grep -q "^failure: epmapper\.$t " || fail "smbtorture rpc.epmapper.$t ($tag) did not fail: $out"
	done
	[ "$(echo "$out" | grep -c "epm_Insert failed - NT_STATUS_ACCESS_DENIED\|status was NT_STATUS_ACCESS_DENIED")" -eq 2 ] ||
		fail "smbtorture rpc.epmapper ($tag): ept_insert not refused with access denied: $out"
	echo "ok: smbtorture rpc.epmapper.Map_full and Insert_noreplace refused: ept_insert over TCP ($tag)"
done
kill -0 "$DAEMON_PID" || fail "clusterd died during the tests"
stop_daemon || fail "clusterd did not stop cleanly (sanitizer report or crash?)"

# A wildcard MS-CMRP listener: the towers name the address the client
# reached the mapper on.
start_daemon --listen "*:0" --epmapper "*:135" --allow-anonymous --node-name node1
out=$(rpc "" epmlookup)
echo "$out" | grep -q "ncacn_ip_tcp:127.0.0.1\[$TCP_PORT," || fail "epmlookup over 127.0.0.1 (wildcard): $out"
echo "$out" | grep -q "0\.0\.0\.0" && fail "epmlookup (wildcard): a tower names 0.0.0.0: $out"
echo "ok: wildcard listener, reached over 127.0.0.1: towers name 127.0.0.1"
# Another address of this host (on lo, in our own namespace).
ip addr add 10.213.7.1/32 dev lo || fail "cannot add 10.213.7.1 to lo in the test's network namespace"
out=$(timeout 60 rpcclient -U% "ncacn_ip_tcp:10.213.7.1" -c epmlookup 2>&1)
echo "$out" | grep -q "ncacn_ip_tcp:10.213.7.1\[$TCP_PORT," || fail "epmlookup over 10.213.7.1 (wildcard): $out"
echo "$out" | grep -q "ncacn_ip_tcp:127.0.0.1" && fail "epmlookup over 10.213.7.1 named 127.0.0.1: $out"
echo "ok: wildcard listener, reached over 10.213.7.1: towers name 10.213.7.1"
# Over IPv6 (no IPv6 floor in a tower): an IPv4 address of the host, with the port.
ip -6 addr add fd00:213::7/128 dev lo 2>/dev/null
if ip -6 addr show dev lo | grep -q "fd00:213::7"; then
	out=$(timeout 60 rpcclient -U% "ncacn_ip_tcp:fd00:213::7" -c epmlookup 2>&1)
	echo "$out" | grep -q "ncacn_ip_tcp:127.0.0.1\[$TCP_PORT," || fail "epmlookup over fd00:213::7 (wildcard): $out"
	echo "$out" | grep -q "0\.0\.0\.0" && fail "epmlookup over IPv6: a tower names 0.0.0.0: $out"
	echo "ok: wildcard listener, reached over fd00:213::7: towers name 127.0.0.1 (the host has no other IPv4 here) and the port"
else
	echo "note: no IPv6 here; the IPv6 case was not tried"
fi
stop_daemon || fail "clusterd did not stop cleanly (sanitizer report or crash?)"
