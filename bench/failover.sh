#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Failover on the Pacemaker backend: a fresh 3-node test cluster per run
# (tests/pacemaker/cluster.sh, token 1000 ms), a clusterd --backend pacemaker
# in each node, a group of two ocf:pacemaker:Dummy resources brought online
# through clusterd; then kill -9 of corosync and pacemakerd on the group's
# owner, and the time until (a) crm_mon on a surviving node shows both
# resources started elsewhere, (b) that node's clusterd reports the group
# online on another node; and what a client over TCP holding the group
# through the owner (reconnect_probe, in a surviving node's network) sees:
# (c) its first read answered by another node, and how long that one call
# took, reconnect included, (d) the group online elsewhere.  Polled every
# 50 ms.  Root only.
# Usage: bench/failover.sh [BUILD_DIR] [RUNS]
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$here/build}" && pwd)
runs=${2:-3}
cluster_sh=$here/tests/pacemaker/cluster.sh
[ "$(id -u)" -eq 0 ] || { echo "needs root (namespaces)"; exit 1; }
export LD_LIBRARY_PATH=$build/src
ms() { echo $(($(date +%s%N) / 1000000)); }

one_run() {
	local dir owner dead survivor t0 ta="" tb="" xml line
	dir=$(mktemp -d /tmp/clusapi-bench-failover.XXXXXX)
	(
		trap '"$cluster_sh" stop "$dir" 9>&- >/dev/null; [ -n "${KEEP_LOGS:-}" ] || rm -rf "$dir"' EXIT
		. "$here/tests/pacemaker/guard.sh"
		guard_cluster "$cluster_sh" "$dir" || exit 1
		"$cluster_sh" start "$dir" 9>&- >/dev/null || exit 1
		for n in 1 2 3; do
			mkdir -p "$dir/cd$n"
			"$cluster_sh" exec "$dir" "$n" setsid "$build/src/clusterd" --backend pacemaker -s "$dir/cd$n" \
				-u "$dir/cd$n/lpc" -l '*:0' -e '*:135' >"$dir/cd$n/log" 2>&1 </dev/null 9>&- &
			disown
		done
		for n in 1 2 3; do
			for _ in $(seq 1 100); do [ -S "$dir/cd$n/lpc" ] && break; sleep 0.05; done
		done
		ctl() { CLUSAPI_LPC_SOCKET=$dir/cd$1/lpc "$build/src/clusctl" "${@:2}"; }
		for n in 1 2 3; do
			printf 'Bench-Pw1\n' | ctl $n account add bench >/dev/null && ctl $n access grant bench --read >/dev/null || exit 1
		done
		ctl 1 group create Bench >/dev/null && ctl 1 resource create bench-a --group Bench --type ocf:pacemaker:Dummy >/dev/null &&
			ctl 1 resource create bench-b --group Bench --type ocf:pacemaker:Dummy >/dev/null &&
			ctl 1 group online Bench >/dev/null || exit 1
		for _ in $(seq 1 200); do
			line=$(ctl 1 group list | grep "^Bench ")
			[[ $line == *" online"* ]] && break
			sleep 0.05
		done
		owner=$(awk '{print $2}' <<<"$line")
		dead=${owner#node}
		survivor=$((dead == 1 ? 2 : 1))
		# The client: in the survivor's network, node names in its own hosts file.
		printf '127.0.0.1 localhost\n10.77.0.1 node1\n10.77.0.2 node2\n10.77.0.3 node3\n' >"$dir/hosts"
		mkfifo "$dir/go"
		nsenter --net="/proc/$(cat "$dir/n$survivor/corosync.pid")/ns/net" unshare -m sh -c \
			"mount --bind '$dir/hosts' /etc/hosts && exec '$build/bench/reconnect_probe' $owner bench Bench-Pw1 Bench" \
			<"$dir/go" >"$dir/probe.out" 2>&1 9>&- &
		probe=$!
		exec 7>"$dir/go"
		for _ in $(seq 1 100); do grep -qs '^ready' "$dir/probe.out" && break; sleep 0.05; done
		grep -q '^ready' "$dir/probe.out" || exit 1
		t0=$(ms)
		kill -9 "$(cat "$dir/n$dead/corosync.pid")" "$(cat "$dir/n$dead/pacemakerd.pid")"
		echo go >&7
		while [ $(($(ms) - t0)) -lt 30000 ] && { [ -z "$ta" ] || [ -z "$tb" ]; }; do
			if [ -z "$ta" ]; then
				xml=$("$cluster_sh" exec "$dir" "$survivor" crm_mon -1 --output-as=xml 2>/dev/null 9>&-)
				if [ "$(grep -A1 '<resource id="bench-' <<<"$xml" | grep -c 'role="Started".*failed="false"\|<node name=' )" -ge 4 ] &&
					! grep -A1 '<resource id="bench-' <<<"$xml" | grep -q "<node name=\"$owner\""; then
					ta=$(($(ms) - t0))
				fi
			fi
			if [ -z "$tb" ]; then
				line=$(ctl "$survivor" group list 2>/dev/null | grep "^Bench ")
				[[ $line == *" online"* ]] && [[ $line != *" $owner "* ]] && tb=$(($(ms) - t0))
			fi
			sleep 0.05
		done
		wait "$probe"
		exec 7>&-
		local rc rd
		rc=$(awk '/^reconnect/ {print $2 "/" $3}' "$dir/probe.out")
		rd=$(awk '/^online/ {print $2}' "$dir/probe.out")
		echo "${ta:-timeout} ${tb:-timeout} ${rc:-timeout} ${rd:-timeout} $owner"
	)
}

echo "== failover on Pacemaker: kill -9 corosync + pacemakerd on the owner (token 1000 ms, consensus 1200 ms)"
echo "run  crm_mon (ms)  clusterd (ms)  client reconnect at/call (ms)  client sees online (ms)  killed"
all_a=() all_b=() all_c=() all_d=() all_e=()
for i in $(seq 1 "$runs"); do
	# $(...) waits for the run's teardown: runs never overlap.
	read -r a b c d owner <<<"$(one_run)"
	printf '%3d  %12s  %13s  %29s  %23s  %s\n' "$i" "$a" "$b" "$c" "$d" "$owner"
	all_a+=("$a")
	all_b+=("$b")
	all_c+=("${c%/*}")
	all_e+=("${c#*/}")
	all_d+=("$d")
done
median() { printf '%s\n' "$@" | grep -v timeout | sort -n | awk '{v[NR]=$1} END {print NR ? v[int((NR+1)/2)] : "n/a"}'; }
echo "median: crm_mon $(median "${all_a[@]}") ms, clusterd $(median "${all_b[@]}") ms;" \
	"client: first read through another node at $(median "${all_c[@]}") ms (that call $(median "${all_e[@]}") ms)," \
	"group online seen at $(median "${all_d[@]}") ms"
