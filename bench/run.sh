#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run the benchmarks against a fresh clusterd and print the ratios.
# Usage: bench/run.sh [BUILD_DIR] [CYCLES]
# Next to a throwaway KDC the Kerberos cycles run too:
#   tests/krb5/kdc.sh bench/run.sh [BUILD_DIR] [CYCLES]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$here/build}
cycles=${2:-5000}
tmp=$(mktemp -d /tmp/clusapi-bench-XXXXXX)
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
"$build/src/clusterd" --foreground --state-dir "$tmp/state" --lpc-socket "$tmp/lpc.sock" \
	--listen 127.0.0.1:0 --epmapper 127.0.0.1:0 --allow-anonymous > "$tmp/log" 2>&1 &
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
echo "== bench_open ($(nproc) cores, $(uname -r))"
LD_LIBRARY_PATH="$build/src" "$build/bench/bench_open" "$cycles"
echo
echo "== bench_objects (10,000 resources, 100,000 handles on one connection)"
"$build/bench/bench_objects" "$tmp/lpc.sock" "$pid" 10000 100000
