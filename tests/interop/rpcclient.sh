#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Samba's rpcclient through our endpoint mapper.  rpcclient always asks the
# endpoint mapper on port 135, so this needs root (and a free port 135).
. "$(dirname "$0")/lib.sh"
command -v rpcclient >/dev/null || fail "rpcclient is not installed (package smbclient)"
[ "$(id -u)" -eq 0 ] || skip "rpcclient needs our endpoint mapper on port 135, which needs root"

start_daemon --listen 127.0.0.1:0 --epmapper 127.0.0.1:135 --allow-anonymous

run() {
	timeout 60 rpcclient -U% ncacn_ip_tcp:127.0.0.1 -c "$1" 2>&1
}

out=$(run clusapi_open_cluster)
echo "$out" | grep -q "successfully opened cluster" || fail "clusapi_open_cluster: $out"
echo "$out" | grep -q "successfully closed cluster" || fail "clusapi_open_cluster (close): $out"
echo "ok: clusapi_open_cluster"

name=$(cat "$TMP/state/cluster-name")
out=$(run clusapi_get_cluster_name)
echo "$out" | grep -q "ClusterName: $name\$" || fail "clusapi_get_cluster_name: $out"
echo "$out" | grep -q "NodeName: $(hostname -s)\$" || fail "clusapi_get_cluster_name (node): $out"
echo "ok: clusapi_get_cluster_name"

out=$(run clusapi_get_cluster_version2)
echo "$out" | grep -q "rpc_status: WERR_OK" || fail "clusapi_get_cluster_version2: $out"
echo "$out" | grep -qi "error\|result was" && fail "clusapi_get_cluster_version2: $out"
echo "ok: clusapi_get_cluster_version2"

# rpcclient's own endpoint-mapper lookup command.
out=$(run epmlookup)
echo "$out" | grep -qi "b97db8b2-4c63-11cf-bff6-08002be23f2f" || fail "epmlookup: $out"
echo "ok: epmlookup"
stop_daemon || fail "clusterd did not stop cleanly (sanitizer report or crash?)"
