#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Regenerate tests/fuzz/corpus/client/: what a real clusterd answers to
# libclusapi, recorded by fuzz_client itself (FUZZ_CLIENT_LIVE, see
# fuzz_client.c), and seeds derived from those recordings for what a
# well-behaved server never sends.
#
#   tests/fuzz/make-client-corpus.sh BUILD_DIR   (a normal build, built)
#
# It starts BUILD_DIR's clusterd on a scratch state directory (LPC socket,
# TCP and the endpoint mapper on 127.0.0.1), creates the objects the scripts
# of fuzz_client.c name (group "web", resources "ip" and "nn", the NTLM
# account fuzz/secret with full access), then records:
#   lpc-S        script S over LPC, full access (S = 0..11)
#   lpc-S-read   the read scripts over LPC with GENERIC_READ
#   tcp-plain-S  a few scripts over TCP without authentication (clusterd runs
#                with --allow-anonymous): the open batched with the node
#                list and the node's name, decoded
#   tcp-S        a few scripts over TCP as fuzz (endpoint mapper, then the
#                NTLMSSP bind with the challenge in the bind_ack's auth
#                trailer, auth3, sealed calls).  Replayed, the client's own
#                challenge differs, so the first sealed response fails its
#                verifier: that is the "bad verifier" path.
# and derives (derived-*): every response split into several fragments,
# a fault, a bind_nak, a shutdown, an alter_context_resp where the bind_ack
# belongs, lying frag_length, lying alloc_hint, endless empty fragments.
set -eu
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
build=$(cd "$1" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
out=$here/corpus/client
work=$(mktemp -d "${TMPDIR:-/tmp}/clusapi-client-corpus.XXXXXX")
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || :
	rm -rf "$work"
}
trap cleanup EXIT

epm=$(( 20000 + $$ % 20000 ))
"$build/src/clusterd" --foreground --state-dir "$work/state" --lpc-socket "$work/lpc.sock" \
	--listen 127.0.0.1:0 --epmapper "127.0.0.1:$epm" --allow-anonymous >"$work/clusterd.log" 2>&1 &
pid=$!
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	[ -S "$work/lpc.sock" ] && break
	sleep 0.2
done
export CLUSAPI_LPC_SOCKET="$work/lpc.sock" CLUSAPI_EPMAPPER_PORT=$epm
clusctl=$build/src/clusctl
$clusctl group create web >/dev/null
$clusctl resource create ip --group web --type "IP Address" >/dev/null
$clusctl resource create nn --group web --type "Network Name" >/dev/null
echo secret | $clusctl account add fuzz >/dev/null
$clusctl access grant ntlm:fuzz --full >/dev/null

mkdir -p "$out"
rm -f "$out"/*
rec() { # NAME SCRIPT,FLAGS
	FUZZ_CLIENT_LIVE="$work/lpc.sock" FUZZ_CLIENT_RECORD="$out/$1" FUZZ_CLIENT_SCRIPT=$2 \
		"$build/tests/fuzz/fuzz_client" /dev/null
}
for s in 0 1 2 3 5 6 7 8 9 10; do
	rec "lpc-$s" "$s,0"
done
for s in 1 2 5 8; do
	rec "lpc-$s-read" "$s,2"
done
for s in 0 1 7; do
	rec "tcp-$s" "$s,1"
done
for s in 0 2 5 6; do
	rec "tcp-plain-$s" "$s,4"
done
# Last, what changes the cluster: pause/resume/evict (4), the writes (11).
for s in 4 11; do
	rec "lpc-$s" "$s,0"
done

exec python3 - "$out" <<'PY'
import os, struct, sys

out = sys.argv[1]

def streams(seed):
    """header (2 bytes) and the list of server streams of a seed"""
    hdr, rest, ss = seed[:2], seed[2:], []
    while len(rest) >= 2:
        n = rest[0] | rest[1] << 8
        ss.append(rest[2:2 + n])
        rest = rest[2 + n:]
    return hdr, ss

def pack(hdr, ss):
    return hdr + b"".join(struct.pack("<H", len(s)) + s for s in ss)

def pdus(stream):
    res, off = [], 0
    while off + 16 <= len(stream):
        n = struct.unpack_from("<H", stream, off + 8)[0]
        if n < 16:
            break
        res.append(bytearray(stream[off:off + n]))
        off += n
    return res

def hdr(ptype, flags, call_id, body):
    return bytearray(bytes([5, 0, ptype, flags]) + b"\x10\x00\x00\x00" +
                     struct.pack("<HHI", 16 + len(body), 0, call_id) + body)

def call_id(p):
    return struct.unpack_from("<I", p, 12)[0]

def put(name, data):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)

def load(name):
    with open(os.path.join(out, name), "rb") as f:
        return f.read()

def fragment(p, pieces):
    """a response PDU (no auth trailer) as `pieces` fragments"""
    stub = bytes(p[24:])
    ctx = bytes(p[20:24])
    step = max(1, (len(stub) + pieces - 1) // pieces)
    res = []
    for i in range(0, max(len(stub), 1), step):
        part = stub[i:i + step]
        flags = (1 if i == 0 else 0) | (2 if i + step >= len(stub) else 0)
        res.append(hdr(2, flags | (p[3] & ~3), call_id(p),
                       struct.pack("<I", len(stub) - i) + ctx + part))
    return res

for name in sorted(os.listdir(out)):
    if not name.startswith("lpc-") or name.endswith("-read"):
        continue
    h, ss = streams(load(name))
    ps = pdus(ss[0])
    if len(ps) < 2:
        continue
    # Every response in 3 fragments.
    frag = [ps[0]] + [f for p in ps[1:] for f in (fragment(p, 3) if p[2] == 2 else [p])]
    put("derived-%s-fragmented" % name, pack(h, [b"".join(frag)]))

h, ss = streams(load("lpc-1"))
ps = pdus(ss[0])
bind_ack, rest = ps[0], ps[1:]
first = rest[0]
# A fault for the open, then for the next call.
fault = hdr(3, 3, call_id(first), struct.pack("<IHBxI4x", 0, 0, 0, 5))
put("derived-fault-open", pack(h, [bytes(bind_ack + fault)]))
fault2 = hdr(3, 3, call_id(rest[1]), struct.pack("<IHBxI4x", 0, 0, 0, 0x1c010002))
put("derived-fault-call", pack(h, [bytes(bind_ack + first + fault2 + b"".join(rest[2:]))]))
# bind_nak (each reason the client maps), shutdown, alter_context_resp.
for reason in (0, 1, 4, 8):
    put("derived-bind_nak-%d" % reason,
        pack(h, [bytes(hdr(13, 3, 1, struct.pack("<HBBB", reason, 1, 5, 0)))]))
put("derived-shutdown", pack(h, [bytes(bind_ack + hdr(17, 3, call_id(first), b""))]))
alter = bytearray(bind_ack)
alter[2] = 15
put("derived-alter_context_resp-for-bind", pack(h, [bytes(alter + b"".join(rest))]))
# A response whose frag_length says more than follows (then end-of-file), and
# one with more than the client accepts.
lie = bytearray(first)
struct.pack_into("<H", lie, 8, len(first) + 4000)
put("derived-frag_length-short", pack(h, [bytes(bind_ack + lie)]))
lie = bytearray(first)
struct.pack_into("<H", lie, 8, 65000)
put("derived-frag_length-huge", pack(h, [bytes(bind_ack + lie + bytes(200))]))
# alloc_hint of 4 GiB - 1 on a small response.
lie = bytearray(first)
struct.pack_into("<I", lie, 16, 0xffffffff)
put("derived-alloc_hint-huge", pack(h, [bytes(bind_ack + lie + b"".join(rest[1:]))]))
# Endless empty first-less fragments after a first one (until end-of-file).
f0 = hdr(2, 1, call_id(first), struct.pack("<I", 0xffffff) + bytes(4))
fe = hdr(2, 0, call_id(first), struct.pack("<I", 0xffffff) + bytes(4))
put("derived-empty-fragments", pack(h, [bytes(bind_ack + f0 + fe * 300)]))
# A response for a call id nobody asked about.
stray = bytearray(first)
struct.pack_into("<I", stray, 12, 77)
put("derived-stray-call-id", pack(h, [bytes(bind_ack + stray)]))
# The connection dies after the open; the reconnect finds the second stream.
put("derived-reconnect", pack(h, [bytes(bind_ack + first), ss[0]]))
PY
