#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Wireshark's MS-CMRP dissector must decode a whole session with our client and
# Samba's tools, with no malformed packet.  Capturing on lo needs root.
. "$(dirname "$0")/lib.sh"
command -v tshark >/dev/null || fail "tshark is not installed"
[ "$(id -u)" -eq 0 ] || skip "capturing on the loopback interface needs root"
: "${CLUSCTL:?CLUSCTL must name the clusctl binary}"

start_daemon --listen 127.0.0.1:0 --epmapper 127.0.0.1:0 --allow-anonymous
cap="$TMP/session.pcapng"
tshark -i lo -f "tcp port $TCP_PORT or tcp port $EPM_PORT" -w "$cap" > "$TMP/tshark.log" 2>&1 &
tpid=$!
for _ in $(seq 1 100); do grep -q "Capturing on" "$TMP/tshark.log" && break; sleep 0.1; done
sleep 0.5

"$CLUSCTL" --cluster 127.0.0.1 cluster > /dev/null || fail "clusctl over TCP"
"$CLUSCTL" --cluster 127.0.0.1 --access read cluster > /dev/null || fail "clusctl read over TCP"
if command -v smbtorture > /dev/null; then
	timeout 60 smbtorture "ncacn_ip_tcp:127.0.0.1[$TCP_PORT]" -U% rpc.clusapi.cluster.SetClusterName > /dev/null 2>&1
fi
sleep 0.5
kill -INT $tpid
wait $tpid

# The dynamic port is learnt from the endpoint-mapper reply in the capture;
# say it explicitly too, so the decode never depends on that.
decoded=$(tshark -r "$cap" -d "tcp.port==$TCP_PORT,dcerpc" -d "tcp.port==$EPM_PORT,dcerpc" -O clusapi,epm 2>&1)
echo "$decoded" > "$TMP/decoded.txt"
count() { echo "$decoded" | grep -c "$1"; }
[ "$(count 'Malformed')" -eq 0 ] || fail "malformed packets: $(echo "$decoded" | grep -B5 Malformed | head -40)"
[ "$(count 'Operation: OpenClusterEx (117)')" -ge 4 ] || fail "no OpenClusterEx decoded"
[ "$(count 'Operation: GetClusterName (3)')" -ge 2 ] || fail "no GetClusterName decoded"
[ "$(count 'Operation: GetClusterVersion2 (102)')" -ge 2 ] || fail "no GetClusterVersion2 decoded"
[ "$(count 'Operation: CloseCluster (1)')" -ge 2 ] || fail "no CloseCluster decoded"
[ "$(count 'Operation: Map (3)')" -ge 2 ] || fail "no endpoint mapper Map decoded"
name=$(cat "$TMP/state/cluster-name")
echo "$decoded" | grep -q "ClusterName: $name" || fail "cluster name not seen in the decode"
echo "ok: tshark decoded $(tshark -r "$cap" 2>/dev/null | wc -l) packets, none malformed"
stop_daemon || fail "clusterd did not stop cleanly (sanitizer report or crash?)"
