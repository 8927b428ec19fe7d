#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run the benchmarks against a fresh clusterd, print the ratios, write CSV
# files and (with gnuplot) plots.
# Usage: bench/run.sh [BUILD_DIR] [CYCLES]
#   BENCH_OUT=DIR        where the CSV, plots and machine.txt go (bench/results)
#   BENCH_SECONDS=N      seconds per point of the latency and writes curves (2)
#   BENCH_LPC_CLIENTS, BENCH_TCP_CLIENTS, BENCH_WRITERS: the points (lists)
#   BENCH_SKIP_OBJECTS=1 skip bench_objects (10,000 resources, slow)
# bench_wire (the project's RPC client, no library), each point ROUNDS
# interleaved rounds of BENCH_WIRE_SECONDS (1) per measurement:
#   BENCH_WIRE_CLIENTS   client counts of the wire, cores and peer steps (1 16 64)
#   BENCH_ROUNDS=N       rounds (3)
#   BENCH_SKIP_WIRE=1    skip the cycles at the wire against the floors (wire.csv)
#   BENCH_SKIP_CORES=1   skip calls/s against cores: clusterd under taskset -c 0
#                        and -c 0,1, and --loops 1 and 2 when clusterd has it (cores.csv)
#   BENCH_SKIP_HANDLES=1 skip clusterd's memory against 1 to 100,000 handles (handles.csv)
#   BENCH_HANDLES        the points (1 10 100 1000 10000 100000)
#   BENCH_SKIP_PEER=1    skip the endpoint mapper beside Samba's (epm.csv; root,
#                        samba-dcerpcd, a private network namespace: bench/epm_peer.sh)
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
wsecs=${BENCH_WIRE_SECONDS:-1}
wclients=${BENCH_WIRE_CLIENTS:-1 16 64}
rounds=${BENCH_ROUNDS:-3}
handles=${BENCH_HANDLES:-1 10 100 1000 10000 100000}
mkdir -p "$out"
tmp=$(mktemp -d /tmp/clusapi-bench-XXXXXX)
pids=
cleanup() {
	for p in $pids; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT
# start_clusterd NAME [taskset -c CPUS] [OPTIONS...]: one more clusterd in
# $tmp/NAME (LPC socket $tmp/NAME/lpc.sock); sets spid and sport (MS-CMRP).
start_clusterd() {
	local name=$1 prefix=()
	shift
	if [ "${1:-}" = taskset ]; then
		prefix=("$1" "$2" "$3")
		shift 3
	fi
	mkdir -p "$tmp/$name"
	"${prefix[@]}" "$build/src/clusterd" --foreground --state-dir "$tmp/$name/state" \
		--lpc-socket "$tmp/$name/lpc.sock" --listen 127.0.0.1:0 --epmapper 127.0.0.1:0 --allow-anonymous \
		--max-lpc-connections 4096 --max-per-peer 4096 "$@" > "$tmp/$name/log" 2>&1 &
	spid=$!
	pids="$pids $spid"
	for _ in $(seq 1 500); do grep -q ': ready' "$tmp/$name/log" && break; sleep 0.01; done
	sport=$(sed -n 's/.*MS-CMRP listening.*(port \([0-9]*\)).*/\1/p' "$tmp/$name/log")
	if [ -z "$sport" ] || ! grep -q ': ready' "$tmp/$name/log"; then
		echo "clusterd $name did not start; its log ($tmp/$name/log):" >&2
		cat "$tmp/$name/log" >&2
		exit 1
	fi
}
load() { cut -d' ' -f1-3 /proc/loadavg; }
"$build/src/clusterd" --foreground --state-dir "$tmp/state" --lpc-socket "$tmp/lpc.sock" \
	--listen 127.0.0.1:0 --epmapper 127.0.0.1:0 --allow-anonymous \
	--max-lpc-connections 4096 --max-per-peer 4096 > "$tmp/log" 2>&1 &
pid=$!
pids=$pid
for _ in $(seq 1 500); do grep -q ': ready' "$tmp/log" && break; sleep 0.01; done
port=$(sed -n 's/.*MS-CMRP listening.*(port \([0-9]*\)).*/\1/p' "$tmp/log")
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
# Anonymous, as in bench_open: a Kerberos ticket (tests/krb5/kdc.sh) would be
# tried for 127.0.0.1 and the cycles refused.
# shellcheck disable=SC2086
KRB5CCNAME=FILE:$tmp/no-ticket "$build/bench/bench_latency" tcp "$secs" "$out/latency.csv" $tcp_clients

echo
echo "== bench_writes: durable writes (resource creations) against concurrent writers ($secs s a point)"
# shellcheck disable=SC2086
"$build/bench/bench_writes" "$secs" "$out/writes.csv" $writers

if [ -z "${BENCH_SKIP_OBJECTS:-}" ]; then
	echo
	echo "== bench_objects (10,000 resources, 100,000 handles on one connection)"
	"$build/bench/bench_objects" "$tmp/lpc.sock" "$pid" 10000 100000
fi

if [ -z "${BENCH_SKIP_WIRE:-}" ]; then
	echo
	echo "== bench_wire: cycles/s at the wire (bind + OpenClusterEx + CloseCluster), against the floors (load $(load))"
	echo "wire: load average before $(load)" >> "$out/machine.txt"
	rm -f "$out/wire.csv"
	specs=("floor-tcp,floor,echo:tcp" "tcp,cycle,tcp:127.0.0.1:$port,floor-tcp"
		"tcp-pipelined,pipelined,tcp:127.0.0.1:$port,floor-tcp")
	[ -z "${BENCH_NTLM_USER:-}" ] || specs+=("tcp-ntlm-sealed,ntlm,tcp:127.0.0.1:$port,tcp")
	specs+=("floor-unix,floor,echo:unix" "lpc,cycle,unix:$tmp/lpc.sock,floor-unix"
		"lpc-pipelined,pipelined,unix:$tmp/lpc.sock,floor-unix")
	"$build/bench/bench_wire" run "$wsecs" "$rounds" "$out/wire.csv" "$wclients" "${specs[@]}"
	echo "wire: load average after $(load)" >> "$out/machine.txt"
fi

if [ -z "${BENCH_SKIP_CORES:-}" ]; then
	echo
	echo "== bench_wire: calls/s against cores (clusterd under taskset; --loops when it has it) (load $(load))"
	echo "cores: load average before $(load)" >> "$out/machine.txt"
	rm -f "$out/cores.csv"
	start_clusterd core0 taskset -c 0
	p0=$sport
	start_clusterd core01 taskset -c 0,1
	p01=$sport
	specs=("cpu0-calls,call,unix:$tmp/core0/lpc.sock" "cpu0+1-calls,call,unix:$tmp/core01/lpc.sock,cpu0-calls"
		"cpu0-tcp-cycles,cycle,tcp:127.0.0.1:$p0" "cpu0+1-tcp-cycles,cycle,tcp:127.0.0.1:$p01,cpu0-tcp-cycles")
	if "$build/src/clusterd" --help 2>&1 | grep -q -- --loops; then
		start_clusterd loops1 --loops 1
		l1=$sport
		start_clusterd loops2 --loops 2
		l2=$sport
		specs+=("loops1-calls,call,unix:$tmp/loops1/lpc.sock" "loops2-calls,call,unix:$tmp/loops2/lpc.sock,loops1-calls"
			"loops1-tcp-cycles,cycle,tcp:127.0.0.1:$l1" "loops2-tcp-cycles,cycle,tcp:127.0.0.1:$l2,loops1-tcp-cycles")
	else
		echo "(clusterd has no --loops: taskset only)"
	fi
	"$build/bench/bench_wire" run "$wsecs" "$rounds" "$out/cores.csv" "$wclients" "${specs[@]}"
	echo "cores: load average after $(load)" >> "$out/machine.txt"
fi

if [ -z "${BENCH_SKIP_HANDLES:-}" ]; then
	echo
	echo "== bench_wire: a fresh clusterd's memory (VmRSS) against open handles (load $(load))"
	start_clusterd handles
	# shellcheck disable=SC2086
	"$build/bench/bench_wire" handles "$tmp/handles/lpc.sock" "$spid" "$out/handles.csv" $handles
fi

if [ -z "${BENCH_SKIP_PEER:-}" ]; then
	echo
	echo "== the endpoint mapper cycle: clusterd beside Samba (load $(load))"
	echo "peer: load average before $(load)" >> "$out/machine.txt"
	rm -f "$out/epm.csv"
	rc=0
	unshare -n "$here/bench/epm_peer.sh" "$build" "$out/epm.csv" "$wsecs" "$rounds" "$wclients" || rc=$?
	[ "$rc" = 0 ] || [ "$rc" = 77 ] || echo "(the peer step failed: exit $rc)"
	echo "peer: load average after $(load)" >> "$out/machine.txt"
fi

if command -v gnuplot > /dev/null; then
	gnuplot -e "dir='$out'" "$here/bench/plot.gp"
	plots="$out/latency.png $out/writes.png"
	if [ -s "$out/wire.csv" ]; then
		gnuplot -e "csv='$out/wire.csv'; png='$out/wire.png'; labels='floor-tcp tcp tcp-pipelined tcp-ntlm-sealed floor-unix lpc lpc-pipelined'; heading='At the wire: connect + bind + OpenClusterEx + CloseCluster; floor: connect + 2 x 100 B round trips'; ylab='cycles per second'" "$here/bench/labels.gp"
		plots="$plots $out/wire.png"
	fi
	if [ -s "$out/cores.csv" ]; then
		gnuplot -e "csv='$out/cores.csv'; png='$out/cores.png'; labels='$(cut -d, -f1 "$out/cores.csv" | sed 1d | sort -u | tr '\n' ' ')'; heading='clusterd on 1 and 2 cores: GetClusterName calls/s and TCP cycles/s'; ylab='calls (or cycles) per second'" "$here/bench/labels.gp"
		plots="$plots $out/cores.png"
	fi
	if [ -s "$out/handles.csv" ]; then
		gnuplot -e "dir='$out'" "$here/bench/handles.gp"
		plots="$plots $out/handles.png"
	fi
	if [ -s "$out/epm.csv" ]; then
		gnuplot -e "csv='$out/epm.csv'; png='$out/epm.png'; labels='floor-tcp clusterd-epm samba-epm'; heading='Endpoint mapper cycle (connect, bind, ept_map, close), loopback'; ylab='cycles per second'" "$here/bench/labels.gp"
		plots="$plots $out/epm.png"
	fi
	echo
	echo "plots: $plots"
else
	echo
	echo "(no gnuplot: CSV only, in $out)"
fi
