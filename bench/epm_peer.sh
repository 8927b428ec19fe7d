#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The endpoint mapper cycle (connect, bind, ept_map, close) of clusterd and of
# Samba's samba-dcerpcd (rpcd_epmapper) side by side, next to a TCP floor, on
# the loopback of a private network namespace: Samba's mapper listens on port
# 135 only, and a namespace of our own keeps it off the machine's port 135.
# Run by bench/run.sh as: unshare -n bench/epm_peer.sh BUILD_DIR CSV SECONDS ROUNDS "CLIENTS"
# (root; exits 77 when samba-dcerpcd or rpcd_epmapper is not installed).
set -eu
build=$1 csv=$2 secs=$3 rounds=$4 clients=$5
samba=${SAMBA_DCERPCD:-/usr/libexec/samba/samba-dcerpcd}
if [ ! -x "$samba" ] || [ ! -x "$(dirname "$samba")/rpcd_epmapper" ]; then
	echo "SKIP: no $samba with rpcd_epmapper"
	exit 77
fi
ip link set lo up
tmp=$(mktemp -d /tmp/clusapi-epm-peer-XXXXXX)
spid='' cpid=''
cleanup() {
	[ -z "$spid" ] || kill "$spid" 2>/dev/null || true
	[ -z "$cpid" ] || kill "$cpid" 2>/dev/null || true
	wait 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
mkdir -p "$tmp/lock" "$tmp/state" "$tmp/cache" "$tmp/private" "$tmp/pid" "$tmp/ncalrpc" "$tmp/log"
cat > "$tmp/smb.conf" <<CONF
[global]
	workgroup = BENCH
	netbios name = CLUSAPIBENCH
	server role = standalone server
	lock directory = $tmp/lock
	state directory = $tmp/state
	cache directory = $tmp/cache
	private dir = $tmp/private
	pid directory = $tmp/pid
	ncalrpc dir = $tmp/ncalrpc
	log file = $tmp/log/%m.log
	interfaces = lo
	bind interfaces only = yes
	disable netbios = yes
	rpc start on demand helpers = false
CONF
"$samba" -s "$tmp/smb.conf" --libexec-rpcds -F --no-process-group -d 0 > "$tmp/samba.log" 2>&1 &
spid=$!
"$build/src/clusterd" --foreground --state-dir "$tmp/clusterd" --lpc-socket "$tmp/lpc.sock" \
	--listen 127.0.0.1:0 --epmapper 127.0.0.1:0 --allow-anonymous --max-per-peer 4096 > "$tmp/clusterd.log" 2>&1 &
cpid=$!
for _ in $(seq 1 500); do
	grep -q ': ready' "$tmp/clusterd.log" && ss -ltn | grep -q '127.0.0.1:135 ' && break
	sleep 0.02
done
if ! ss -ltn | grep -q '127.0.0.1:135 '; then
	echo "samba-dcerpcd does not listen on 127.0.0.1:135; its log:"
	cat "$tmp/samba.log"
	exit 1
fi
port=$(sed -n 's/.*endpoint mapper listening.*(port \([0-9]*\)).*/\1/p' "$tmp/clusterd.log")
echo "samba: $("$samba" --version)"
"$build/bench/bench_wire" run "$secs" "$rounds" "$csv" "$clients" \
	floor-tcp,floor,echo:tcp \
	clusterd-epm,epm,"tcp:127.0.0.1:$port",floor-tcp \
	samba-epm,epm-lsarpc,tcp:127.0.0.1:135,floor-tcp
