#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# What a session costs, in CPU and system calls rather than wall time (which a
# machine shared with other work makes noisy): N cycles of OpenClusterEx +
# GetClusterInformation + CloseCluster over LPC and TCP, with the client's
# CPU (time(1)), the server's CPU (/proc), and the client's system calls
# (strace -c) per cycle, for each library build given, against one clusterd.
# Usage: bench/cost.sh SERVER_BUILD_DIR LIB_BUILD_DIR... [N]
#   (each LIB_BUILD_DIR needs src/libclusapi.so; bench_cycle comes from the
#   server's build; ABI-compatible builds only)
set -eu
server=$1
shift
libs=()
n=3000
for a in "$@"; do
	if [ -d "$a" ]; then libs+=("$a"); else n=$a; fi
done
tmp=$(mktemp -d /tmp/clusapi-cost-XXXXXX)
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
"$server/src/clusterd" --foreground --state-dir "$tmp/state" --lpc-socket "$tmp/lpc.sock" \
	--listen 127.0.0.1:0 --epmapper 127.0.0.1:0 --allow-anonymous > "$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 1 500); do grep -q ': ready' "$tmp/log" && break; sleep 0.01; done
export CLUSAPI_LPC_SOCKET="$tmp/lpc.sock" KRB5CCNAME=FILE:/nonexistent/clusapi-cost-no-tickets
CLUSAPI_EPMAPPER_PORT=$(sed -n 's/.*endpoint mapper listening.*(port \([0-9]*\)).*/\1/p' "$tmp/log")
export CLUSAPI_EPMAPPER_PORT
tick=$(getconf CLK_TCK)
srv_cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg); $n cycles a line"
printf "%-40s %-4s %12s %12s %12s %10s\n" library via "client CPU" "server CPU" wall syscalls
for lib in "${libs[@]}"; do
	for via in lpc tcp; do
		name=""
		[ "$via" = tcp ] && name=127.0.0.1
		LD_LIBRARY_PATH="$lib/src" "$server/bench/bench_cycle" "$name" 10
		s0=$(srv_cpu)
		t=$({ LD_LIBRARY_PATH="$lib/src" /usr/bin/time -f "%U %S %e" "$server/bench/bench_cycle" "$name" "$n"; } 2>&1 | tail -1)
		s1=$(srv_cpu)
		sc=0
		if command -v strace > /dev/null; then
			LD_LIBRARY_PATH="$lib/src" strace -f -c -o "$tmp/sc" "$server/bench/bench_cycle" "$name" 200 > /dev/null
			sc=$(awk '/total/ {print $4}' "$tmp/sc")
		fi
		echo "$t" | awk -v l="$lib" -v v=$via -v n="$n" -v s="$((s1 - s0))" -v tk="$tick" -v sc="$sc" \
			'{printf "%-40s %-4s %9.0f us %9.0f us %9.0f us %10.1f\n", l, v, ($1 + $2) / n * 1e6, s / tk / n * 1e6, $3 / n * 1e6, sc / 200}'
	done
done
