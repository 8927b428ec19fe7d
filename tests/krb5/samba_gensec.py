#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Samba's own client side (gensec, from its Python bindings) against our
# SPNEGO server context (auth_peer), token by token and PDU by PDU, as a DCE/RPC
# client would drive them: NTLMSSP under SPNEGO (mechListMIC, the RC4 reset of
# MS-SPNG 3.3.5.1, sequence numbers) and, with a ticket, Kerberos under SPNEGO
# and plain Kerberos (DCE style, header signing).
#
#   samba_gensec.py AUTH_PEER      (under tests/krb5/kdc.sh)
#
# Exits 77 (skipped) when Samba's Python bindings are missing.
import os
import subprocess
import sys

try:
    from samba import credentials, gensec
    from samba.param import LoadParm
except ImportError as e:
    # Samba's bindings belong to the distribution's Python, which may not
    # be the first python3 on PATH.
    if os.path.exists("/usr/bin/python3") and os.path.realpath(sys.executable) != os.path.realpath("/usr/bin/python3"):
        os.execv("/usr/bin/python3", ["/usr/bin/python3"] + sys.argv)
    print(f"skipped: Samba's Python bindings are missing ({e}); install python3-samba", file=sys.stderr)
    sys.exit(77)

AUTH_PEER = sys.argv[1]
SPNEGO, KRB5 = 9, 16
PRIVACY, INTEGRITY = 6, 5
failures = 0


def check(cond, what):
    global failures
    if not cond:
        failures += 1
        print(f"FAIL: {what}", file=sys.stderr)
    return cond


class Peer:
    def __init__(self, mode):
        self.p = subprocess.Popen([AUTH_PEER, mode], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, *words):
        self.p.stdin.write(" ".join(str(w) for w in words) + "\n")
        self.p.stdin.flush()
        return self.p.stdout.readline().split()

    def close(self):
        self.p.stdin.close()
        rc = self.p.wait()
        check(rc == 0, f"auth_peer exited with {rc} (a sanitizer report?)")


def hexb(b):
    return b.hex() if b else "-"


def unhex(s):
    return b"" if s == "-" else bytes.fromhex(s)


# Samba will not do Kerberos to "localhost": kdc.sh has keys for this name too.
KRB5_HOST = "node1.clusapi.test"


def client(kerberos, mech, hdr_sign):
    lp = LoadParm()
    lp.load("/dev/null")
    lp.set("realm", os.environ.get("CLUSAPI_KRB5_REALM", "CLUSAPI.TEST"))
    host = KRB5_HOST if kerberos else "localhost"
    creds = credentials.Credentials()
    creds.guess(lp)
    if kerberos:
        creds.set_kerberos_state(credentials.MUST_USE_KERBEROS)
        creds.set_named_ccache(os.environ["KRB5CCNAME"].removeprefix("FILE:"), credentials.SPECIFIED, lp)
    else:
        creds.set_kerberos_state(credentials.DONT_USE_KERBEROS)
        creds.set_username("alice")
        creds.set_password("password")
        creds.set_domain("CLUSAPI")
    g = gensec.Security.start_client({"lp_ctx": lp, "target_hostname": host})
    g.set_credentials(creds)
    g.set_target_service("MSServerClusterMgmtAPI")
    g.set_target_hostname(host)
    g.want_feature(gensec.FEATURE_DCE_STYLE)
    if hdr_sign:
        g.want_feature(gensec.FEATURE_SIGN_PKT_HEADER)
    g.start_mech_by_authtype(mech, PRIVACY)
    return g


def handshake(g, peer):
    """bind, bind_ack, then alter_context while Samba is not finished, auth3
    when it is; returns the number of tokens that crossed."""
    token, legs = b"", 0
    while True:
        finished, out = g.update(token)
        if not out:
            check(finished, "Samba's client stopped without finishing")
            return legs
        legs += 1
        r = peer.ask("step", hexb(out))
        if not check(r[0] in ("continue", "done"), f"our server refused leg {legs}: {' '.join(r)}"):
            return None
        if finished:  # auth3: nothing goes back
            check(r[0] == "done", "our server wants more after Samba finished")
            return legs
        legs += 1
        token = unhex(r[1])
        if r[0] == "done" and not token:
            check(False, "our server finished without a token for a client that waits")
            return None


def pdu(n, stub_len):
    stub = (b"vm-cluster-name " * 100)[:stub_len]
    pad = (16 - stub_len % 16) % 16
    hdr = bytes([5, 0, 0, 3, 0x10, 0, 0, 0, 0, 0, 0, 0, n, 0, 0, 0, stub_len, 0, 0, 0, 0, 0, 117, 0])
    trailer = bytes([SPNEGO, INTEGRITY, pad, 0, 1, 0, 0, 0])
    return hdr + stub + bytes(pad) + trailer, len(hdr), stub_len + pad


def protect(g, peer, label, hs, rounds=4):
    """PKT_INTEGRITY both ways with Samba's sign_packet/check_packet (its
    Python bindings have no seal), several PDUs in a row so that sequence
    numbers and RC4 state must stay in step; then a replay is refused."""
    for i in range(rounds):
        whole, off, ln = pdu(i, 20 + 37 * i)
        data = whole[off:off + ln]
        sig = g.sign_packet(data, whole)
        r = peer.ask("verify", hs, off, ln, whole.hex(), sig.hex())
        check(r == ["ok"], f"{label}: our server refused Samba's signature #{i}: {r}")
        whole, off, ln = pdu(100 + i, 50 + 11 * i)
        r = peer.ask("sign", hs, off, ln, whole.hex())
        if check(r[0] == "sig", f"{label}: our sign failed: {r}"):
            try:
                g.check_packet(whole[off:off + ln], whole, unhex(r[1]))
            except Exception as e:  # noqa: BLE001 (Samba raises NTSTATUSError)
                check(False, f"{label}: Samba refused our signature #{i}: {e}")
    whole, off, ln = pdu(200, 32)
    sig = g.sign_packet(whole[off:off + ln], whole)
    check(peer.ask("verify", hs, off, ln, whole.hex(), sig.hex()) == ["ok"], f"{label}: last signature")
    check(peer.ask("verify", hs, off, ln, whole.hex(), sig.hex())[0] == "error", f"{label}: replay accepted")


def run(label, kerberos, mech, server_mode, want_peer, hdr_sign=True):
    label += " (header signing)" if hdr_sign else ""
    peer = Peer(server_mode)
    g = client(kerberos, mech, hdr_sign)
    legs = handshake(g, peer)
    if legs is not None:
        print(f"{label}: handshake done in {legs} tokens")
        r = peer.ask("peer")
        check(r[:3] == want_peer, f"{label}: peer is {r}, want {want_peer}")
        protect(g, peer, label, 1 if hdr_sign else 0)
    peer.close()


run("SPNEGO/NTLMSSP", False, SPNEGO, "spnego-server", ["peer", "10", "alice"])
realm = os.environ.get("CLUSAPI_KRB5_REALM", "CLUSAPI.TEST")
run("SPNEGO/Kerberos", True, SPNEGO, "spnego-server", ["peer", "16", "alice@" + realm])
run("Kerberos", True, KRB5, "krb5-server", ["peer", "16", "alice@" + realm])
run("SPNEGO/Kerberos", True, SPNEGO, "spnego-server", ["peer", "16", "alice@" + realm], hdr_sign=False)
run("Kerberos", True, KRB5, "krb5-server", ["peer", "16", "alice@" + realm], hdr_sign=False)
if failures:
    print(f"{failures} check(s) failed", file=sys.stderr)
    sys.exit(1)
print("all Samba gensec checks passed")
