#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run the benchmarks against a fresh clusterd, print the ratios, write CSV
# files and (with gnuplot) plots.
# Usage: bench/run.sh [BUILD_DIR] [CYCLES]
#   BENCH_OUT=DIR        where the CSV, plots and machine.txt go (bench/results)
#   BENCH_SECONDS=N      seconds per point of the latency and writes curves (2)
#   BENCH_LPC_CLIENTS, BENCH_TCP_CLIENTS, BENCH_WRITERS: the points (lists)
#   BENCH_SKIP_OBJECTS=1 skip bench_objects (10,000 resources, slow)
# clusterd runs with room for the concurrency curves (--max-lpc-connections,
# --max-per-peer 4096: 1,000 clients from one address closing and reopening
# outrun the server's cleanup of their old connections).
# Next to a throwaway KDC the Kerberos cycles run too:
#   tests/krb5/kdc.sh bench/run.sh [BUILD_DIR] [CYCLES]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
cycles=${2:-5000}
out=${BENCH_OUT:-$here/bench/results}
secs=${BENCH_SECONDS:-2}
lpc_clients=${BENCH_LPC_CLIENTS:-1 4 16 64 256 1000}
tcp_clients=${BENCH_TCP_CLIENTS:-1 4 16 32}
writers=${BENCH_WRITERS:-1 2 4 8 16 32}
mkdir -p "$out"
tmp=$(mktemp -d /tmp/clusapi-bench-XXXXXX)
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
"$build/src/clusterd" --foreground --state-dir "$tmp/state" --lpc-socket "$tmp/lpc.sock" \
	--listen 127.0.0.1:0 --epmapper 127.0.0.1:0 --allow-anonymous \
	--max-lpc-connections 4096 --max-per-peer 4096 > "$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 1 500); do grep -q ': ready' "$tmp/log" && break; sleep 0.01; done
export CLUSAPI_LPC_SOCKET="$tmp/lpc.sock"
CLUSAPI_EPMAPPER_PORT=$(sed -n 's/.*endpoint mapper listening.*(port \([0-9]*\)).*/\1/p' "$tmp/log")
export CLUSAPI_EPMAPPER_PORT
# An NTLM account for the sealed cycles (adding one needs root over LPC).
if printf 'bench-Pa55\n' | LD_LIBRARY_PATH="$build/src" "$build/src/clusctl" account add bench > /dev/null 2>&1 &&
	LD_LIBRARY_PATH="$build/src" "$build/src/clusctl" access grant bench --full > /dev/null; then
	export BENCH_NTLM_USER=bench BENCH_NTLM_PASSWORD=bench-Pa55
else
	echo "(no NTLM cycles: adding an account needs root)"
fi
# Kerberos: under tests/krb5/kdc.sh (a keytab for localhost, alice's ticket).
if [ -n "${CLUSAPI_KRB5_REALM:-}" ] && grep -q "Kerberos: accepting" "$tmp/log"; then
	LD_LIBRARY_PATH="$build/src" "$build/src/clusctl" access grant "$CLUSAPI_KRB5_USER@$CLUSAPI_KRB5_REALM" --read > /dev/null &&
		export BENCH_KRB5_HOST=localhost
fi
{
	echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "cpu: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1) x $(nproc)"
	echo "kernel: $(uname -r)"
	echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "commit: $(git -C "$here" rev-parse --short HEAD 2>/dev/null || echo unknown)"
} > "$out/machine.txt"
cat "$out/machine.txt"
export LD_LIBRARY_PATH="$build/src"

echo
echo "== bench_open ($(nproc) cores, $(uname -r))"
BENCH_CSV="$out/open.csv" "$build/bench/bench_open" "$cycles"

echo
echo "== bench_latency: a whole session's latency against concurrent clients ($secs s a point)"
echo "via,clients,cycles_per_s,p50_us,p90_us,p99_us,max_us" > "$out/latency.csv"
# shellcheck disable=SC2086
"$build/bench/bench_latency" lpc "$secs" "$out/latency.csv" $lpc_clients
# shellcheck disable=SC2086
"$build/bench/bench_latency" tcp "$secs" "$out/latency.csv" $tcp_clients

echo
echo "== bench_writes: durable writes (resource creations) against concurrent writers ($secs s a point)"
# shellcheck disable=SC2086
"$build/bench/bench_writes" "$secs" "$out/writes.csv" $writers

if [ -z "${BENCH_SKIP_OBJECTS:-}" ]; then
	echo
	echo "== bench_objects (10,000 resources, 100,000 handles on one connection)"
	"$build/bench/bench_objects" "$tmp/lpc.sock" "$pid" 10000 100000
fi

if command -v gnuplot > /dev/null; then
	gnuplot -e "dir='$out'" "$here/bench/plot.gp"
	echo
	echo "plots: $out/latency.png $out/writes.png"
else
	echo
	echo "(no gnuplot: CSV only, in $out)"
fi
