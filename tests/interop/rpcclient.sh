#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Samba's rpcclient through our endpoint mapper.  rpcclient always asks the
# endpoint mapper on port 135, so this needs root; it runs in a network
# namespace of its own, so another program on port 135 does not matter.
. "$(dirname "$0")/lib.sh"
own_netns # binds port 135 (the endpoint mapper)
command -v rpcclient >/dev/null || fail "rpcclient is not installed (package smbclient)"
[ "$(id -u)" -eq 0 ] || skip "rpcclient needs our endpoint mapper on port 135, which needs root"

start_daemon --listen 127.0.0.1:0 --epmapper 127.0.0.1:135 --allow-anonymous --node-name node1

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
echo "$out" | grep -q "NodeName: node1\$" || fail "clusapi_get_cluster_name (node): $out"
echo "ok: clusapi_get_cluster_name"

out=$(run clusapi_get_cluster_version2)
echo "$out" | grep -q "rpc_status: WERR_OK" || fail "clusapi_get_cluster_version2: $out"
echo "$out" | grep -qi "error\|result was" && fail "clusapi_get_cluster_version2: $out"
echo "ok: clusapi_get_cluster_version2"

# The object commands: each must end in WERR_OK with no error printed.
ok_call() { # ok_call COMMAND [EXPECTED TEXT]
	local out
	out=$(run "$1")
	echo "$out" | grep -q "rpc_status: WERR_OK" || fail "$1: $out"
	if echo "$out" | grep -qi "result was\|^error\|failed"; then fail "$1: $out"; fi
	[ -z "${2:-}" ] || echo "$out" | grep -q "$2" || fail "$1 did not say '$2': $out"
	echo "ok: $1"
}
ok_call clusapi_create_enum
ok_call clusapi_create_enumex
ok_call "clusapi_open_resource 'Cluster Name'"
ok_call "clusapi_get_resource_state 'Cluster Name'"
ok_call "clusapi_offline_resource 'Cluster Name'"
ok_call "clusapi_online_resource 'Cluster Name'"
ok_call "clusapi_pause_node node1" "node1 has been paused"
ok_call "clusapi_resume_node node1" "node1 has been resumed"
ok_call clusapi_get_quorum_resource "lpszResourceName: Cluster Name"
# a resource that is not there is an error, not a success
out=$(run "clusapi_open_resource 'no such resource'")
echo "$out" | grep -q "WERR_RESOURCE_NOT_FOUND" || fail "open of a missing resource: $out"
echo "ok: clusapi_open_resource of a missing resource -> WERR_RESOURCE_NOT_FOUND"

# rpcclient's own endpoint-mapper lookup command.
out=$(run epmlookup)
echo "$out" | grep -qi "b97db8b2-4c63-11cf-bff6-08002be23f2f" || fail "epmlookup: $out"
echo "ok: epmlookup"
stop_daemon || fail "clusterd did not stop cleanly (sanitizer report or crash?)"
