#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# clusterd and clusctl as their users meet them: exit codes and messages.
. "$(dirname "$0")/../interop/lib.sh"
: "${CLUSCTL:?CLUSCTL must name the clusctl binary}"

expect() { # expect CODE PATTERN -- command...
	local code=$1 pattern=$2
	shift 3
	local out rc
	out=$("$@" 2>&1)
	rc=$?
	[ "$rc" -eq "$code" ] || fail "'$*' exited $rc, expected $code: $out"
	echo "$out" | grep -q -- "$pattern" || fail "'$*' did not say '$pattern': $out"
	echo "ok: $* -> $code"
}

# clusterd usage errors
expect 2 "unknown option --bogus" -- "$CLUSTERD" --bogus
expect 2 "needs a value" -- "$CLUSTERD" --state-dir
expect 2 "unexpected argument" -- "$CLUSTERD" extra
expect 2 "max-connections" -- "$CLUSTERD" --max-connections zero
expect 0 "Usage: clusterd" -- "$CLUSTERD" --help
expect 0 "clusterd 0" -- "$CLUSTERD" --version
# clusterd start-up errors
expect 1 "is not ADDR:PORT" -- "$CLUSTERD" -f -s "$TMP/s1" -u "$TMP/s1.sock" -l nonsense -e none
expect 1 "is not ADDR:PORT" -- "$CLUSTERD" -f -s "$TMP/s1" -u "$TMP/s1.sock" -l 127.0.0.1:99999 -e none
expect 1 "not writable\|cannot create state directory" -- "$CLUSTERD" -f -s /proc/clusterd-state -u "$TMP/s2.sock" -e none
if [ "$(id -u)" -eq 0 ]; then
	expect 1 "not writable" -- "$CLUSTERD" -f -s /proc -u "$TMP/s2.sock" -e none
fi

start_daemon --listen 127.0.0.1:0 --epmapper 127.0.0.1:0
expect 1 "another program holds that port" -- "$CLUSTERD" -f -s "$TMP/s3" -u "$TMP/s3.sock" -l "127.0.0.1:$TCP_PORT" -e none
expect 1 "another clusterd is running there" -- "$CLUSTERD" -f -s "$TMP/s4" -u "$TMP/lpc.sock" -l none -e none

# clusctl
expect 2 "no command given" -- "$CLUSCTL"
expect 2 "unknown command" -- "$CLUSCTL" frobnicate
expect 2 "wants read, full or max" -- "$CLUSCTL" --access sometimes cluster
expect 2 "unknown option" -- "$CLUSCTL" --bogus cluster
expect 0 "Usage: clusctl" -- "$CLUSCTL" --help
name=$(cat "$TMP/state/cluster-name")
expect 0 "Cluster:  $name" -- "$CLUSCTL" cluster
expect 0 "Access:   full" -- "$CLUSCTL" cluster
expect 0 "Access:   read" -- "$CLUSCTL" --access read cluster
json=$("$CLUSCTL" --json cluster) || fail "clusctl --json"
echo "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["cluster"] == sys.argv[1], d
assert d["access"] == "full" and d["granted"] == 0x10000000, d
assert d["nodes"] == [d["node"]] and d["node"], d
assert d["version"]["major"] == 10 and "clusterd" in d["version"]["vendor"], d
' "$name" || fail "clusctl --json output: $json"
echo "ok: clusctl --json cluster is valid JSON with the right fields"
# remote callers without authentication are refused (no --allow-anonymous)
expect 1 "ERROR_ACCESS_DENIED" -- "$CLUSCTL" --cluster 127.0.0.1 cluster
expect 1 "RPC_S_SERVER_UNAVAILABLE" -- "$CLUSCTL" --cluster no-such-host.invalid cluster
stop_daemon || fail "clusterd did not stop cleanly"
[ ! -e "$TMP/lpc.sock" ] || fail "clusterd left its LPC socket behind"
expect 1 "RPC_S_SERVER_UNAVAILABLE" -- "$CLUSCTL" cluster
echo "cli: all checks passed"
