#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Samba's own MS-CMRP client test suite against our server.
. "$(dirname "$0")/lib.sh"
command -v smbtorture >/dev/null || fail "smbtorture is not installed (package samba-testsuite)"

start_daemon --listen 127.0.0.1:0 --epmapper none --allow-anonymous

tests="OpenCluster OpenClusterEx CloseCluster GetClusterName GetClusterVersion GetClusterVersion2 SetClusterName"
passed=0
failed=0
for t in $tests; do
	out=$(timeout 120 smbtorture "ncacn_ip_tcp:127.0.0.1[$TCP_PORT]" -U% "rpc.clusapi.cluster.$t" 2>&1)
	if echo "$out" | grep -q "^success: cluster\.$t\$"; then
		echo "ok: rpc.clusapi.cluster.$t"
		passed=$((passed + 1))
	else
		echo "$out" | tail -20
		echo "not ok: rpc.clusapi.cluster.$t"
		failed=$((failed + 1))
	fi
done
kill -0 "$DAEMON_PID" || fail "clusterd died during the suite"
stop_daemon || fail "clusterd did not stop cleanly (sanitizer report or crash?)"
echo "smbtorture: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
