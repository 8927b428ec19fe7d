#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Regenerate the fuzz seed corpora from the captured Samba session
# (tests/data/samba-session.tsv: frame, srcport, dstport, ptype, opnum, hex TCP
# payload; port 135 is the endpoint mapper).
#
#   corpus/pdu/  one file per client connection: a selector byte (0x00 = the
#                MS-CMRP interface, 0x01 = the endpoint mapper; see fuzz_pdu.c)
#                followed by every PDU the client sent on that connection.
#   corpus/ndr/  one file per distinct captured PDU (either direction), plus the
#                endpoint-mapper tower and the SetClusterName string cut out of
#                their stubs.
#
# A few "derived-*" seeds are built from the captured syntaxes and stubs to
# reach what the capture lacks (OpenClusterEx, closing handles, fragmented
# requests, alter_context, ept_lookup and ept_map searches continued with
# their entry handles, ept_insert, big-endian data, fault and bind_nak
# PDUs).
#
# corpus/pdu/sealed-*: selector 0x10 (authentication offered) and the client's
# bytes of smbtorture sessions over [seal] as an NTLM account (one NTLMSSP, one
# SPNEGO), captured with tshark on lo; kept as they are by this script.  Their
# logons fail when replayed (the server's challenge is random), which is what
# reaches the refusal paths.
#
# corpus/client/ (fuzz_client: what a server sends to the library) is made by
# tests/fuzz/make-client-corpus.sh from a live clusterd instead.
#
# Usage: tests/fuzz/make-corpus.sh   (rewrites tests/fuzz/corpus/pdu and ndr)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
exec python3 - "$here/../data/samba-session.tsv" "$here/corpus" <<'PY'
import os, struct, sys

tsv, out = sys.argv[1], sys.argv[2]
rows = []
with open(tsv) as f:
    for line in f:
        line = line.rstrip("\n")
        if not line:
            continue
        frame, sport, dport, ptype, opnum, hexdata = line.split("\t")
        rows.append((int(frame), int(sport), int(dport), int(ptype),
                     opnum, bytes.fromhex(hexdata)))

EPM_PORT = 135
CLIENT_PTYPES = {0, 11, 14, 16, 18, 19}

def norm(pdu):
    """The PDU with its call_id (and a bind_ack's association group) zeroed,
    to drop duplicates."""
    pdu = pdu[:12] + bytes(4) + pdu[16:]
    if pdu[2] == 12:
        pdu = pdu[:20] + bytes(4) + pdu[24:]
    return pdu

# ---- a small PDU builder for the derived seeds -------------------------
def hdr(ptype, flags, body, call_id, be=False):
    e = ">" if be else "<"
    drep = b"\x00\x00\x00\x00" if be else b"\x10\x00\x00\x00"
    return (bytes([5, 0, ptype, flags]) + drep +
            struct.pack(e + "HHI", 16 + len(body), 0, call_id) + body)

def uuid_bytes(u, be):
    # u: the 16 wire bytes as captured (little-endian fields)
    tl, tm, th = struct.unpack("<IHH", u[:8])
    return struct.pack((">" if be else "<") + "IHH", tl, tm, th) + u[8:16]

def syntax(u, major, minor, be):
    return uuid_bytes(u, be) + struct.pack((">" if be else "<") + "HH", major, minor)

CMRP = bytes.fromhex("b2b87db9634ccf11bff608002be23f2f")
EPM = bytes.fromhex("0883afe11f5dc91191a408002b14a0fa")
NDR = bytes.fromhex("045d888aeb1cc9119fe808002b104860")

def bind(ptype, call_id, ctxs, be=False, frag=5840):
    e = ">" if be else "<"
    body = struct.pack(e + "HHIB3x", frag, frag, 0, len(ctxs))
    for ctx_id, abstract in ctxs:
        body += struct.pack(e + "HBx", ctx_id, 1)
        # a syntax's version is one u32: the major version in its low half
        body += uuid_bytes(abstract[0], be) + struct.pack((">" if be else "<") + "I",
                                                          abstract[1] | abstract[2] << 16)
        body += uuid_bytes(NDR, be) + struct.pack((">" if be else "<") + "I", 2)
    return hdr(ptype, 3, body, call_id, be)

def request(call_id, opnum, stub, flags=3, ctx_id=0, be=False, alloc=None):
    e = ">" if be else "<"
    body = struct.pack(e + "IHH", len(stub) if alloc is None else alloc, ctx_id, opnum) + stub
    return hdr(0, flags, body, call_id, be)

def nstring(text, be=False):
    e = ">" if be else "<"
    units = [ord(c) for c in text] + [0]
    s = struct.pack(e + "III", len(units), 0, len(units))
    s += b"".join(struct.pack(e + "H", u) for u in units)
    return s

# ---- write ---------------------------------------------------------------
for sub in ("pdu", "ndr"):
    d = os.path.join(out, sub)
    os.makedirs(d, exist_ok=True)
    for name in os.listdir(d):
        if not name.startswith("sealed-"):  # kept: captured separately (above)
            os.unlink(os.path.join(d, name))

def put(sub, name, data):
    with open(os.path.join(out, sub, name), "wb") as f:
        f.write(data)

# pdu: one stream per client connection, duplicates dropped.
conns = {}
for frame, sport, dport, ptype, opnum, data in rows:
    if ptype in CLIENT_PTYPES:
        conns.setdefault((sport, dport), []).append((frame, ptype, opnum, data))
seen = set()
for (sport, dport), pdus in sorted(conns.items(), key=lambda kv: kv[1][0][0]):
    sel = b"\x01" if dport == EPM_PORT else b"\x00"
    stream = sel + b"".join(d for _, _, _, d in pdus)
    key = sel + b"".join(norm(d) for _, _, _, d in pdus)
    if key in seen:
        continue
    seen.add(key)
    what = "-".join("bind" if p == 11 else "op" + o for _, p, o, _ in pdus)
    iface = "epm" if dport == EPM_PORT else "cmrp"
    put("pdu", "conn-%05d-%s-%s" % (sport, iface, what), stream)

cmrp_bind = bind(11, 1, [(0, (CMRP, 3, 0))])
epm_bind = bind(11, 1, [(0, (EPM, 3, 0))])
setname_stub = nstring("vm-cluster")
# OpenClusterEx(GENERIC_ALL), then CloseCluster on a NULL handle.
put("pdu", "derived-cmrp-openex-close", b"\x00" + cmrp_bind +
    request(2, 117, struct.pack("<I", 0x10000000)) +
    request(3, 1, bytes(20)))
# Open four handles (the last one for reading), then close them one by one:
# "HND" + k stands for the k-th handle the session holds (fuzz_pdu.c puts the
# real one in its place).
def handle(k):
    return bytes(4) + b"HND" + bytes([k]) + bytes(12)
put("pdu", "derived-cmrp-open-close-handles", b"\x00" + cmrp_bind +
    request(2, 0, b"") + request(3, 0, b"") + request(4, 0, b"") +
    request(5, 117, struct.pack("<I", 0x80000000)) +
    request(6, 1, handle(1)) + request(7, 1, handle(0)) + request(8, 1, handle(2)) +
    request(9, 1, handle(0)))
# OpenClusterEx on a down-level server (selector bit 1): opnum 117 is refused.
put("pdu", "derived-cmrp-downlevel-openex", b"\x02" + cmrp_bind +
    request(2, 117, struct.pack("<I", 0x02000000)) + request(3, 0, b""))
# SetClusterName in two fragments (8 stub bytes, then the rest).
put("pdu", "derived-cmrp-setname-fragmented", b"\x00" + cmrp_bind +
    request(2, 2, setname_stub[:8], flags=1, alloc=len(setname_stub)) +
    request(2, 2, setname_stub[8:], flags=2, alloc=len(setname_stub) - 8))
# alter_context adding the interface under a second context id, then a call on it.
put("pdu", "derived-cmrp-alter-context", b"\x00" + cmrp_bind +
    bind(14, 2, [(1, (CMRP, 3, 0))]) + request(3, 3, b"", ctx_id=1))
# Everything big-endian: bind, GetClusterName, SetClusterName, GetClusterVersion2.
put("pdu", "derived-cmrp-bigendian", b"\x00" + bind(11, 1, [(0, (CMRP, 3, 0))], be=True) +
    request(2, 3, b"", be=True) + request(3, 2, nstring("be-cluster", be=True), be=True) +
    request(4, 102, b"", be=True))
# ept_lookup with no object and no interface: every registered entry.
put("pdu", "derived-epm-lookup", b"\x01" + epm_bind +
    request(2, 2, struct.pack("<IIII", 0, 0, 0, 0) + bytes(20) + struct.pack("<I", 4)))
# The endpoint mapper's searches: "EPH" + k stands for the k-th open search
# (fuzz_pdu.c puts its handle there).
def eph(k):
    return bytes(4) + b"EPH" + bytes([k]) + bytes(12)
def lookup(inquiry, handle, max_ents, obj=None, ifid=None, vers=1, be=False):
    e = ">" if be else "<"
    s = struct.pack(e + "I", inquiry)
    s += (struct.pack(e + "I", 1) + uuid_bytes(obj, be)) if obj else struct.pack(e + "I", 0)
    s += (struct.pack(e + "I", 2) + syntax(ifid[0], ifid[1], ifid[2], be)) if ifid else struct.pack(e + "I", 0)
    return s + struct.pack(e + "I", vers) + handle + struct.pack(e + "I", max_ents)
def twr(iface, transport=0x07, be=False):
    e = ">" if be else "<"
    def floor(lhs, rhs):
        return struct.pack("<H", len(lhs)) + lhs + struct.pack("<H", len(rhs)) + rhs
    t = struct.pack("<H", 5)
    t += floor(b"\x0d" + iface[0] + struct.pack("<H", iface[1]), struct.pack("<H", iface[2]))
    t += floor(b"\x0d" + NDR + struct.pack("<H", 2), struct.pack("<H", 0))
    t += floor(b"\x0b", b"\x00\x00") + floor(bytes([transport]), b"\x00\x00")
    t += floor(b"\x09", bytes(4))
    s = struct.pack(e + "II", len(t), len(t)) + t
    return s + bytes(-len(s) % 4)
def epmap(handle, max_towers, obj=None, iface=(CMRP, 3, 0), transport=0x07, be=False):
    e = ">" if be else "<"
    s = (struct.pack(e + "I", 1) + uuid_bytes(obj, be)) if obj else struct.pack(e + "I", 0)
    s += struct.pack(e + "I", 2) + twr(iface, transport, be)
    return s + handle + struct.pack(e + "I", max_towers)
OBJ = bytes(range(1, 17))
# ept_lookup one at a time, continued, then the last one, then a freed handle.
put("pdu", "derived-epm-lookup-continue", b"\x01" + epm_bind +
    request(2, 2, lookup(0, bytes(20), 1)) + request(3, 2, lookup(0, eph(0), 1)) +
    request(4, 2, lookup(0, eph(0), 1)) + request(5, 2, lookup(0, bytes(20), 1)) +
    request(6, 4, eph(0)) + request(7, 4, eph(0)))
# every inquiry type and version option
put("pdu", "derived-epm-lookup-inquiries", b"\x01" + epm_bind + b"".join(
    request(10 + i, 2, lookup(inq, bytes(20), 10, OBJ if inq in (2, 3) else None,
                              (CMRP, 3, i % 2) if inq in (1, 3) else None, vers))
    for i, (inq, vers) in enumerate([(1, 1), (1, 2), (1, 3), (1, 4), (1, 5), (1, 6), (2, 1), (3, 3), (4, 1)])))
# ept_map continued, with an object, another transport, a lying max_towers
put("pdu", "derived-epm-map-continue", b"\x01" + epm_bind +
    request(2, 3, epmap(bytes(20), 1)) + request(3, 3, epmap(eph(0), 1, OBJ)) +
    request(4, 3, epmap(bytes(20), 4, transport=0x08)) + request(5, 3, epmap(bytes(20), 501)) +
    request(6, 3, epmap(bytes(20), 1)) + request(7, 2, lookup(0, eph(0), 1)))
# big-endian: bind, lookup continued, map, handle free
epm_bind_be = bind(11, 1, [(0, (EPM, 3, 0))], be=True)
put("pdu", "derived-epm-bigendian", b"\x01" + epm_bind_be +
    request(2, 2, lookup(1, bytes(20), 1, ifid=(CMRP, 3, 0), vers=3, be=True), be=True) +
    request(3, 2, lookup(1, eph(0), 1, ifid=(CMRP, 3, 0), vers=3, be=True), be=True) +
    request(4, 3, epmap(bytes(20), 1, OBJ, be=True), be=True) + request(5, 4, eph(0), be=True))
# ept_insert, ept_delete and the calls out of range
put("pdu", "derived-epm-insert-delete", b"\x01" + epm_bind +
    request(2, 0, struct.pack("<II", 1, 1) + bytes(16) + struct.pack("<III", 1, 0, 1) + b"\0\0\0\0" +
            twr((CMRP, 3, 0)) + bytes(4)) +
    request(3, 1, b"") + request(4, 5, bytes(8)) + request(5, 6, bytes(8)) + request(6, 7, bytes(8)))

# ndr: every distinct PDU.
seen = set()
for frame, sport, dport, ptype, opnum, data in rows:
    if norm(data) in seen:
        continue
    seen.add(norm(data))
    side = "c2s" if ptype in CLIENT_PTYPES else "s2c"
    kind = {0: "request", 2: "response", 11: "bind", 12: "bind_ack"}.get(ptype, "ptype%d" % ptype)
    iface = "epm" if EPM_PORT in (sport, dport) else "cmrp"
    put("ndr", "frame-%03d-%s-%s-%s%s" % (frame, side, iface, kind, "-op" + opnum if opnum else ""), data)
    if ptype == 0 and iface == "epm" and opnum == "3":
        # ept_map stub after the 24-byte request header: object ptr, tower ptr,
        # max_count, length, then the tower octets.
        stub = data[24:]
        n = struct.unpack("<I", stub[12:16])[0]
        put("ndr", "frame-%03d-epm-tower" % frame, stub[16:16 + n])
    if ptype == 0 and iface == "cmrp" and opnum == "2":
        put("ndr", "frame-%03d-cmrp-setname-string" % frame, data[24:])
put("ndr", "derived-fault", hdr(3, 3, struct.pack("<IHBxI4x", 0, 0, 0, 0x1c010002), 2))
put("ndr", "derived-bind_nak", hdr(13, 3, struct.pack("<HBBB", 0, 1, 5, 0), 1))
put("ndr", "derived-bigendian-setname-request", request(3, 2, nstring("be-cluster", be=True), be=True))
put("ndr", "derived-bigendian-bind", bind(11, 1, [(0, (CMRP, 3, 0))], be=True))
put("ndr", "derived-cmrp-openex-request", request(2, 117, struct.pack("<I", 0x10000000)))
PY
