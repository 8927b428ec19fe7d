#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Authentication and privacy with Samba's real clients, clusctl and Wireshark,
# against a clusterd WITHOUT --allow-anonymous:
#  - clusctl account add / access grant set up alice (full) and bob (read);
#  - smbtorture's cluster tests pass over [seal] as alice;
#  - a wrong password, no authentication and [sign] only are refused;
#  - clusctl --user and CLUSAPI_CREDENTIALS log on over TCP;
#  - rpcclient with -U alice%PW and [seal] works (needs port 135: root);
#  - tshark sees only encrypted stub data: the cluster name never crosses the
#    wire in clear (needs root to capture on lo).
. "$(dirname "$0")/lib.sh"
own_netns # binds port 135 (the endpoint mapper)
: "${CLUSCTL:?CLUSCTL must name the clusctl binary}"
command -v smbtorture >/dev/null || fail "smbtorture is not installed (package samba-testsuite)"

ALICE_PW='S3aled-and-Signed!'
BOB_PW='bob reads only'
start_daemon --listen 127.0.0.1:0 --epmapper 127.0.0.1:0 --node-name node1
name=$(cat "$TMP/state/cluster-name")

printf '%s\n' "$ALICE_PW" | "$CLUSCTL" account add alice > /dev/null || fail "clusctl account add alice"
printf '%s\n' "$BOB_PW" | "$CLUSCTL" account add bob > /dev/null || fail "clusctl account add bob"
"$CLUSCTL" access grant alice --full > /dev/null || fail "clusctl access grant alice --full"
"$CLUSCTL" access grant bob --read > /dev/null || fail "clusctl access grant bob --read"
echo "ok: accounts alice (full) and bob (read)"

torture() { # torture BINDING USER%PW TEST
	timeout 300 smbtorture "ncacn_ip_tcp:127.0.0.1[$TCP_PORT$1]" -U"$2" "rpc.clusapi.$3" 2>&1
}

# Every cluster test that passes anonymously passes sealed.
out=$(torture ",seal" "alice%$ALICE_PW" cluster)
ok=$(echo "$out" | grep -c '^success: cluster\.')
bad=$(echo "$out" | grep -c '^failure: cluster\.\|^error: cluster\.')
[ "$bad" -eq 0 ] && [ "$ok" -ge 14 ] || fail "smbtorture rpc.clusapi.cluster over [seal]: $ok passed, $bad failed: $(echo "$out" | grep -A3 '^failure\|^error' | head -30)"
echo "ok: smbtorture rpc.clusapi.cluster over [seal] as alice: $ok passed"

refused() { # refused BINDING USER%PW WHAT
	local out
	out=$(torture "$1" "$2" cluster.OpenClusterEx)
	echo "$out" | grep -q '^success: cluster\.OpenClusterEx' && fail "$3 was let in: $out"
	echo "$out" | grep -qi 'ACCESS_DENIED\|LOGON_FAILURE\|failure\|error' || fail "$3: no clear refusal: $out"
	echo "ok: refused: $3"
}
refused ",seal" "alice%wrong password" "a wrong password"
refused ",seal" "mallory%$ALICE_PW" "an unknown account"
refused "" "%" "no authentication"
refused ",sign" "alice%$ALICE_PW" "PKT_INTEGRITY only"

# clusctl over TCP, both ways of giving credentials.
out=$(printf '%s\n' "$ALICE_PW" | "$CLUSCTL" --cluster 127.0.0.1 --user alice cluster) || fail "clusctl --user alice: $out"
echo "$out" | grep -q "^Access: *full" || fail "alice should have full access: $out"
out=$(printf '%s\n' "$BOB_PW" | "$CLUSCTL" --cluster 127.0.0.1 --user bob cluster) || fail "clusctl --user bob: $out"
echo "$out" | grep -q "^Access: *read" || fail "bob should have read access: $out"
printf '%s\n' "nope" | "$CLUSCTL" --cluster 127.0.0.1 --user alice cluster > /dev/null 2>&1 && fail "clusctl with a wrong password succeeded"
printf 'user = alice\npassword = %s\n' "$ALICE_PW" > "$TMP/creds"
chmod 600 "$TMP/creds"
CLUSAPI_CREDENTIALS="$TMP/creds" "$CLUSCTL" --cluster 127.0.0.1 group list > /dev/null || fail "clusctl with CLUSAPI_CREDENTIALS"
"$CLUSCTL" --cluster 127.0.0.1 cluster > /dev/null 2>&1 && fail "clusctl without credentials was let in"
echo "ok: clusctl --user, CLUSAPI_CREDENTIALS; none or a wrong password refused"

# Only root may capture, and rpcclient insists on port 135.
if [ "$(id -u)" -ne 0 ]; then
	stop_daemon || fail "clusterd did not stop cleanly"
	skip "the rpcclient and tshark parts need root"
fi

if command -v tshark > /dev/null; then
	cap="$TMP/sealed.pcapng"
	tshark -i lo -f "tcp port $TCP_PORT" -w "$cap" > "$TMP/tshark.log" 2>&1 &
	tpid=$!
	for _ in $(seq 1 100); do grep -q "Capturing on" "$TMP/tshark.log" && break; sleep 0.1; done
	sleep 0.5
	CLUSAPI_CREDENTIALS="$TMP/creds" "$CLUSCTL" --cluster 127.0.0.1 cluster > /dev/null || fail "sealed clusctl session"
	torture ",seal" "alice%$ALICE_PW" cluster.GetClusterName > /dev/null
	sleep 0.5
	kill -INT $tpid
	wait $tpid
	decoded=$(tshark -r "$cap" -d "tcp.port==$TCP_PORT,dcerpc" -V 2>&1)
	echo "$decoded" | grep -q "Encrypted stub data" || fail "tshark saw no encrypted stub data"
	echo "$decoded" | grep -q "Auth level: Packet privacy" || fail "tshark saw no packet-privacy auth level"
	echo "$decoded" | grep -q "ClusterName: $name" && fail "the cluster name was decoded from sealed traffic"
	# Nor is it anywhere in the raw bytes, in UTF-16LE or plain.
	hex16=$(printf '%s' "$name" | iconv -t UTF-16LE | od -An -tx1 | tr -d ' \n')
	hex8=$(printf '%s' "$name" | od -An -tx1 | tr -d ' \n')
	raw=$(tshark -r "$cap" -T fields -e tcp.payload 2>/dev/null | tr -d ':\n')
	[ -n "$raw" ] || fail "no TCP payload captured"
	case "$raw" in *"$hex16"* | *"$hex8"*) fail "the cluster name crossed the wire in clear" ;; esac
	echo "ok: tshark: $(tshark -r "$cap" 2>/dev/null | wc -l) packets, stubs encrypted, no cluster name in clear"
fi

if command -v rpcclient > /dev/null; then
	if stop_daemon && start_daemon --listen 127.0.0.1:0 --epmapper 127.0.0.1:135 --node-name node1; then
		out=$(timeout 60 rpcclient "ncacn_ip_tcp:127.0.0.1[seal]" -U "alice%$ALICE_PW" -c clusapi_get_cluster_name 2>&1)
		echo "$out" | grep -q "ClusterName: $name\$" || fail "rpcclient [seal] as alice: $out"
		out=$(timeout 60 rpcclient "ncacn_ip_tcp:127.0.0.1[seal]" -U "alice%wrong" -c clusapi_get_cluster_name 2>&1)
		echo "$out" | grep -q "ACCESS_DENIED" || fail "rpcclient with a wrong password: $out"
		out=$(timeout 60 rpcclient "ncacn_ip_tcp:127.0.0.1" -U% -c clusapi_get_cluster_name 2>&1)
		echo "$out" | grep -q "ACCESS_DENIED" || fail "rpcclient without authentication: $out"
		echo "ok: rpcclient [seal] -U alice works; a wrong password and no authentication are refused"
	else
		fail "cannot restart clusterd with its endpoint mapper on port 135"
	fi
fi
stop_daemon || fail "clusterd did not stop cleanly (sanitizer report or crash?)"
echo "sealed: all checks passed"
