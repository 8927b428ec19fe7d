#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# EvictNode on the 3-node cluster (run by `run.sh evict`, which starts the
# cluster and a clusterd per node):
#   - evicting a node that is up is refused (ERROR_INVALID_STATE), nothing
#     changes;
#   - node 3's cluster stack is stopped (pacemakerd SIGTERM, then
#     corosync-cfgtool -H), its clusterd too;
#   - `clusctl node evict node3` through node 2 says "evicted" (the command
#     waits until the node is gone);
#   - then, checked with corosync's and Pacemaker's own tools on nodes 1 and 2:
#     no node3 in either corosync.conf, votequorum expects 2 votes and has
#     quorum, crm_mon and cibadmin know 2 nodes, crm_verify -L is clean, and
#     clusctl on both lists node1 and node2 only and can still create a group.
# Every wait is bounded.  Env: PCMK_DIR, CLUSTER_SH, CLUSCTL.
set -u
dir=$PCMK_DIR
WAIT_S=60
failures=0

ctl() { # N ARGS...: clusctl through node N's clusterd
	local n=$1
	shift
	CLUSAPI_LPC_SOCKET=$dir/cd$n/lpc "$CLUSCTL" "$@"
}
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}
in_node() { # N CMD...
	local n=$1
	shift
	"$CLUSTER_SH" exec "$dir" "$n" "$@"
}
gone_within() { # PID SECONDS
	local end=$((SECONDS + $2))
	while kill -0 "$1" 2>/dev/null; do
		[ $SECONDS -lt "$end" ] || return 1
		sleep 0.2
	done
}

# 1. A node that is up cannot be evicted.
if out=$(ctl 1 node evict node3 2>&1); then
	fail "evicting node3 while it is up was accepted: $out"
elif ! grep -q 'ERROR_INVALID_STATE' <<<"$out"; then
	fail "evicting node3 while it is up: want ERROR_INVALID_STATE, got: $out"
fi
grep -q 'name: node3' "$dir/n1/corosync.conf" || fail "a refused eviction changed node 1's corosync.conf"

# 2. Stop node 3's cluster stack and its clusterd, as an administrator would.
cd3=$(pgrep -o -f "^$CLUSTERD --backend pacemaker -s $dir/cd3 ")
[ -n "$cd3" ] && kill -TERM "$cd3"
touch "$dir/n3/clusterd.stopped" # run.sh: not expected at the end
pm=$(cat "$dir/n3/pacemakerd.pid")
cs=$(cat "$dir/n3/corosync.pid")
kill -TERM "$pm"
gone_within "$pm" 60 || fail "pacemakerd on node 3 did not stop within 60 s of SIGTERM"
in_node 3 corosync-cfgtool -H >/dev/null 2>&1
gone_within "$cs" 30 || fail "corosync on node 3 did not stop within 30 s of corosync-cfgtool -H"
"$CLUSTER_SH" wait "$dir" 2 "$WAIT_S" >/dev/null || fail "nodes 1 and 2 do not see each other online"

# 3. Evict it through node 2.
t0=$(date +%s.%N)
out=$(ctl 2 node evict node3 2>&1) || fail "clusctl node evict node3 through node 2: $out"
t1=$(date +%s.%N)
grep -q 'node node3: evicted' <<<"$out" || fail "clusctl node evict node3: want \"evicted\", got: $out"
echo "evict node3 through node 2: \"$out\" in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') s"

# 4. What corosync and Pacemaker say, on both remaining nodes.
for n in 1 2; do
	! grep -q 'name: node3' "$dir/n$n/corosync.conf" || fail "node $n's corosync.conf still lists node3"
	grep -q 'name: node1' "$dir/n$n/corosync.conf" && grep -q 'name: node2' "$dir/n$n/corosync.conf" ||
		fail "node $n's corosync.conf lost another node"
	q=$(in_node "$n" corosync-quorumtool -s 2>&1)
	grep -q 'Expected votes: *2' <<<"$q" || fail "node $n: votequorum does not expect 2 votes: $(tr '\n' ' ' <<<"$q")"
	grep -q 'Quorate: *Yes' <<<"$q" || fail "node $n: no quorum after the eviction"
	mon=$(in_node "$n" crm_mon -1 --output-as=xml 2>&1)
	grep -q '<nodes_configured number="2"' <<<"$mon" || fail "node $n: crm_mon does not count 2 nodes: $(grep nodes_configured <<<"$mon")"
	! in_node "$n" cibadmin --query --scope nodes 2>/dev/null | grep -q 'uname="node3"' ||
		fail "node $n: the CIB's nodes section still has node3"
	v=$(in_node "$n" crm_verify -L 2>&1) || fail "node $n: crm_verify -L: $v"
	list=$(ctl "$n" --json node list 2>&1)
	names=$(grep -o '"name":"[^"]*"' <<<"$list" | sort | tr '\n' ' ')
	[ "$names" = '"name":"node1" "name":"node2" ' ] || fail "node $n: clusctl node list: $list"
	ctl "$n" group create "after-evict-$n" >/dev/null || fail "node $n: cannot create a group after the eviction"
done
echo "evict: $failures failures"
[ "$failures" -eq 0 ]
