#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# README command 1: install build dependencies, build, start a local single-node
# clusterd as the current user (state in a temporary directory, no root needed)
# and run a real clusctl session against it.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
scripts/install-deps.sh
[ -d build ] || meson setup build --buildtype=debugoptimized > /dev/null
ninja -C build > /dev/null

tmp=$(mktemp -d /tmp/clusterd-demo-XXXXXX)
pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null && wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
touch "$tmp/clusterd.log"
build/src/clusterd --foreground --state-dir "$tmp/state" --lpc-socket "$tmp/lpc.sock" \
	--listen 127.0.0.1:0 --epmapper 127.0.0.1:0 > "$tmp/clusterd.log" 2>&1 &
pid=$!
for _ in $(seq 1 500); do grep -q ': ready' "$tmp/clusterd.log" && break; sleep 0.01; done
grep -q ': ready' "$tmp/clusterd.log" || { cat "$tmp/clusterd.log"; exit 1; }
sed 's/^/  | /' "$tmp/clusterd.log"

export CLUSAPI_LPC_SOCKET="$tmp/lpc.sock"
echo
echo "\$ clusctl cluster"
build/src/clusctl cluster
echo
echo "\$ clusctl node list"
build/src/clusctl node list
echo
echo "\$ clusctl resource list"
build/src/clusctl resource list
echo
echo "\$ clusctl --access read cluster"
build/src/clusctl --access read cluster
echo
echo "\$ clusctl --json cluster"
build/src/clusctl --json cluster
echo
echo "\$ clusctl --cluster 127.0.0.1 cluster     # TCP: refused, remote callers need authentication"
CLUSAPI_EPMAPPER_PORT=$(sed -n 's/.*endpoint mapper listening.*(port \([0-9]*\)).*/\1/p' "$tmp/clusterd.log") \
	build/src/clusctl --cluster 127.0.0.1 cluster || echo "(exit status $?)"
