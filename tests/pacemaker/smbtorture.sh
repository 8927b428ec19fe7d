#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Samba's rpc.clusapi suite against clusterd --backend pacemaker on node 1 of
# a 3-node cluster (cluster.sh), default and --dangerous runs.  The harness
# first creates, through clusctl, what the suite names: the group "Cluster
# Group" with the resources "Cluster Name", "Network Name" and "Cluster IP
# Address" (ocf:pacemaker:Dummy); node names come from the cluster
# (node1..node3), so "node1 - Ethernet" is node 1's interface on link 0.
# Every failure must be one of the mapping gaps below (doc/pacemaker.md);
# anything else fails the test.  Exits 77 (skipped) without root; fails when
# smbtorture, pacemaker or pacemaker-cli-utils is missing.
set -u
here=$(cd "$(dirname "$0")" && pwd)
cluster_sh=$here/cluster.sh
[ "$(id -u)" -eq 0 ] || { echo "needs root (namespaces): skipped"; exit 77; }
for p in smbtorture pacemakerd crm_mon pgrep; do
	command -v "$p" >/dev/null || { echo "FAIL: $p is not installed (scripts/install-deps.sh --test installs it)"; exit 1; }
done
: "${CLUSTERD:?}" "${CLUSCTL:?}"

# Mapping gaps: none in the default run (the Windows resource types the suite
# uses, "Physical Disk", "Storage Pool" and "Generic Service", are mapped onto
# agents: doc/restypes.md); in the dangerous run:
#  node.EvictNode             evicts the node the suite talks to, which is up:
#                             refused (ERROR_INVALID_STATE), since a faithful
#                             eviction stops that node's cluster stack
#  node.ResumeNode            as with the embedded backend: PauseNode has just
#                             paused the node, so resuming it succeeds
gaps=""
gaps_dangerous="node.EvictNode node.ResumeNode"

dir=$(mktemp -d /tmp/clusapi-pcmk-torture.XXXXXX)
chmod 0711 "$dir" # hacluster reaches DIR/cd1: clusterd drops to it
. "$here/guard.sh"
trap 'cleanup_cluster "$cluster_sh" "$dir" $?' EXIT
trap 'exit 1' INT TERM
guard_cluster "$cluster_sh" "$dir" || exit 1
"$cluster_sh" start "$dir" 9>&- || exit 1
mkdir -p "$dir/cd1"
"$cluster_sh" exec "$dir" 1 setsid "$CLUSTERD" --backend pacemaker -s "$dir/cd1" -u "$dir/cd1/lpc" \
	-l 127.0.0.1:0 -e none --allow-anonymous >"$dir/cd1/clusterd.log" 2>&1 </dev/null 9>&- &
disown
for _ in $(seq 1 50); do
	grep -q ': ready' "$dir/cd1/clusterd.log" && break
	sleep 0.1
done
grep -q ': ready' "$dir/cd1/clusterd.log" || { cat "$dir/cd1/clusterd.log"; exit 1; }
grep -q "serving as user hacluster" "$dir/cd1/clusterd.log" ||
	{ echo "clusterd does not serve as hacluster:"; cat "$dir/cd1/clusterd.log"; exit 1; }
port=$(sed -n 's/.*MS-CMRP listening.*(port \([0-9]*\)).*/\1/p' "$dir/cd1/clusterd.log" | head -1)

export CLUSAPI_LPC_SOCKET=$dir/cd1/lpc
"$CLUSCTL" group create "Cluster Group" >/dev/null || exit 1
for r in "Cluster IP Address" "Cluster Name" "Network Name"; do
	"$CLUSCTL" resource create "$r" --group "Cluster Group" --type ocf:pacemaker:Dummy >/dev/null || exit 1
done
"$CLUSCTL" group online "Cluster Group" >/dev/null || exit 1
# The suite fails resources and takes them offline: they must be running first.
for _ in $(seq 1 100); do
	"$CLUSCTL" group list | grep -q "^Cluster Group .* online" && break
	sleep 0.2
done
"$CLUSCTL" group list | grep -q "^Cluster Group .* online" || { echo "Cluster Group did not come online"; exit 1; }

bad=0
run() { # LABEL KNOWN [smbtorture options]
	local label=$1 known=$2 out=$dir/torture-$1.log
	shift 2
	timeout 100 "$cluster_sh" exec "$dir" 1 smbtorture "ncacn_ip_tcp:127.0.0.1[$port]" -U% "$@" rpc.clusapi \
		>"$out" 2>&1 9>&-
	local passed skipped failed=0 gap=0
	passed=$(grep -c '^success: ' "$out")
	skipped=$(grep -c '^skip: ' "$out")
	while read -r name; do
		[ -z "$name" ] && continue
		failed=$((failed + 1))
		if echo " $known " | grep -q " $name "; then
			gap=$((gap + 1))
		else
			echo "FAILED ($label): $name"
			grep -A4 "^\(failure\|error\): $name " "$out" | head -6
			bad=$((bad + 1))
		fi
	done < <(sed -n 's/^\(failure\|error\): \([^ ]*\).*/\2/p' "$out")
	echo "smbtorture rpc.clusapi on Pacemaker ($label): $passed passed, $failed failed ($gap mapping gaps), $skipped skipped"
	[ "$passed" -gt 0 ] || bad=$((bad + 1))
}
run default "$gaps"
run dangerous "$gaps_dangerous" --dangerous
pid=$(pgrep -o -f "^$CLUSTERD --backend pacemaker -s $dir/cd1 ")
if [ -z "$pid" ]; then
	echo "clusterd died"
	bad=$((bad + 1))
else
	# A clean stop, and nothing from a sanitizer (leaks included).
	kill -TERM "$pid"
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && { echo "clusterd did not stop within 5 s of SIGTERM"; bad=$((bad + 1)); }
	grep -q "Sanitizer\|runtime error" "$dir/cd1/clusterd.log" && { echo "sanitizer report"; bad=$((bad + 1)); }
fi
[ $bad -eq 0 ] || { tail -20 "$dir/cd1/clusterd.log"; exit 1; }
echo "ok: smbtorture rpc.clusapi on the Pacemaker backend, both runs"
