#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""clusterd as systemd runs it, without systemd: sd_notify readiness and stop
(NOTIFY_SOCKET pointing at a datagram socket of ours), -V/--version, SIGHUP
re-reading the ACL and the NTLM accounts, the journal log format
(JOURNAL_STREAM naming stderr), and, as root, the unit's capability bounding
set being enough (and CAP_NET_BIND_SERVICE needed) for port 135, and for
giving up root (--user nobody; CAP_CHOWN needed).

Env: CLUSTERD, CLUSCTL, VERSION, UNIT (the built clusterd.service),
LD_LIBRARY_PATH (for clusctl)."""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

CLUSTERD = os.environ["CLUSTERD"]
CLUSCTL = os.environ["CLUSCTL"]
VERSION = os.environ["VERSION"]
UNIT = os.environ["UNIT"]

TMP = tempfile.mkdtemp(prefix="clusapi-service-rt-")
os.chmod(TMP, 0o755)
daemons = []
STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z clusterd (error|warning|info|debug): ")


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    for d in daemons:
        if d.proc.poll() is None:
            d.proc.kill()
    print("  logs and state kept in " + TMP, file=sys.stderr)
    for name in sorted(os.listdir(TMP)):
        if name.endswith(".log"):
            print("  --- " + name, file=sys.stderr)
            with open(os.path.join(TMP, name), errors="replace") as f:
                for line in f:
                    print("  " + line.rstrip("\n"), file=sys.stderr)
    sys.exit(1)


def ok(msg):
    print("ok: " + msg)


class Daemon:
    """A clusterd in TMP/NAME, stderr to TMP/NAME.log."""

    def __init__(self, name, args=(), env=None, notify=False, prefix=(), journal=False):
        self.name = name
        self.dir = os.path.join(TMP, name)
        self.sock = os.path.join(TMP, name + ".sock")
        self.logpath = os.path.join(TMP, name + ".log")
        e = dict(os.environ)
        e.pop("NOTIFY_SOCKET", None)
        e.pop("JOURNAL_STREAM", None)
        self.notify = None
        if notify:
            path = os.path.join(TMP, name + ".notify")
            self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self.notify.bind(path)
            os.chmod(path, 0o777)  # as systemd's: a clusterd that gave up root still writes to it
            e["NOTIFY_SOCKET"] = path
        self.log = open(self.logpath, "w")
        if journal:
            st = os.fstat(self.log.fileno())
            e["JOURNAL_STREAM"] = "%d:%d" % (st.st_dev, st.st_ino)
        e.update(env or {})
        cmd = list(prefix) + [CLUSTERD, "--foreground", "--state-dir", self.dir, "--lpc-socket", self.sock]
        cmd += list(args)
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log, env=e)
        daemons.append(self)

    def text(self):
        with open(self.logpath, errors="replace") as f:
            return f.read()

    def wait_log(self, pattern, what, timeout=10):
        rx = re.compile(pattern, re.M)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if rx.search(self.text()):
                return
            if self.proc.poll() is not None:
                fail("%s: clusterd exited (%d) before logging %s" % (self.name, self.proc.returncode, what))
            time.sleep(0.02)
        fail("%s: clusterd did not log %s within %d s" % (self.name, what, timeout))

    def recv_notify(self, timeout=10):
        """The next sd_notify datagram, as a dict."""
        self.notify.settimeout(0.1)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                data = self.notify.recv(4096).decode()
            except socket.timeout:
                if self.proc.poll() is not None:
                    fail("%s: clusterd exited (%d) without notifying" % (self.name, self.proc.returncode))
                continue
            return dict(l.split("=", 1) for l in data.split("\n") if "=" in l)
        fail("%s: no sd_notify message within %d s" % (self.name, timeout))

    def no_notify(self, secs=0.3):
        self.notify.settimeout(secs)
        try:
            data = self.notify.recv(4096).decode()
        except socket.timeout:
            return
        fail("%s: unexpected sd_notify message %r" % (self.name, data))

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(20)
        except subprocess.TimeoutExpired:
            fail("%s: clusterd did not stop within 20 s of SIGTERM" % self.name)

    def clusctl(self, *args, user=None):
        e = dict(os.environ, CLUSAPI_LPC_SOCKET=self.sock)
        cmd = [CLUSCTL] + list(args)
        if user:
            cmd = ["runuser", "-u", user, "--", "env", "LD_LIBRARY_PATH=" + os.environ.get("LD_LIBRARY_PATH", "")] + cmd
        return subprocess.run(cmd, env=e, capture_output=True, text=True, timeout=30)


def must(r, what):
    if r.returncode != 0:
        fail("%s exited %d: %s%s" % (what, r.returncode, r.stdout, r.stderr))
    return r.stdout


def test_version():
    for opt in ("-V", "--version"):
        r = subprocess.run([CLUSTERD, opt], capture_output=True, text=True)
        if r.returncode != 0 or r.stdout != "clusterd %s\n" % VERSION or r.stderr:
            fail("clusterd %s: exit %d, stdout %r, stderr %r (expected 'clusterd %s')"
                 % (opt, r.returncode, r.stdout, r.stderr, VERSION))
        ok("clusterd %s prints 'clusterd %s'" % (opt, VERSION))
    r = subprocess.run([CLUSTERD, "--help"], capture_output=True, text=True)
    if r.returncode != 0 or "-V, --version" not in r.stdout or "SIGHUP" not in r.stdout:
        fail("clusterd --help does not list -V, --version and SIGHUP: %s" % r.stdout)
    ok("clusterd --help lists -V, --version and SIGHUP")


def edit_in_place(path, old, new):
    """Replace old by new (same length) without changing the file's inode, size
    or modification time: clusterd's check for a changed file does not see
    it, only a forced re-read (SIGHUP) does."""
    assert len(old) == len(new), (old, new)
    st = os.stat(path)
    with open(path, "r+b") as f:
        data = f.read()
        at = data.find(old)
        if at < 0:
            fail("%s does not hold %r: %r" % (path, old, data))
        f.seek(at)
        f.write(new)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    st2 = os.stat(path)
    assert (st2.st_ino, st2.st_size, st2.st_mtime_ns) == (st.st_ino, st.st_size, st.st_mtime_ns)


def test_notify_and_sighup():
    d = Daemon("notify", ["--listen", "127.0.0.1:0", "--epmapper", "none"], notify=True)
    msg = d.recv_notify()
    if msg.get("READY") != "1":
        fail("first sd_notify message is %r, not READY=1" % msg)
    # Ready means serving: the LPC socket answers at once.
    out = must(d.clusctl("cluster"), "clusctl cluster right after READY=1")
    if ": ready" not in d.text():
        fail("READY=1 came before the ': ready' log line")
    if "serving cluster" not in msg.get("STATUS", ""):
        fail("READY=1 without a STATUS= line saying what it serves: %r" % msg)
    ok("READY=1 (STATUS=%s), and clusctl cluster answered right after: %s" % (msg["STATUS"], out.splitlines()[0]))
    d.no_notify()

    # SIGHUP with an ACL grant written by hand, hidden from the change check.
    acl = os.path.join(d.dir, "cluster.acl")
    with open(acl, "rb") as f:
        text = f.read()
    old = re.search(rb"^# ACCESS: .*$", text, re.M).group(0)
    grant = b"uid:65534 read #"
    new = grant + b"x" * (len(old) - len(grant))
    edit_in_place(acl, old, new)
    show = must(d.clusctl("access", "show"), "clusctl access show")
    if "65534" in show:
        fail("the hand edit was seen without SIGHUP (the test cannot tell a forced re-read): %s" % show)
    root = os.geteuid() == 0 and shutil.which("runuser")
    if root:
        r = d.clusctl("cluster", user="nobody")
        if r.returncode == 0:
            fail("nobody could open the cluster before the grant was reloaded: %s" % r.stdout)

    # ... and an NTLM account the same way (a comment line of the same length).
    accounts = os.path.join(d.dir, "accounts")
    with open(accounts, "rb") as f:
        text = f.read()
    old = text.splitlines()[1]
    name = b"a" * (len(old) - 33)
    edit_in_place(accounts, old, name + b" " + b"0" * 32)

    d.proc.send_signal(signal.SIGHUP)
    msg = d.recv_notify()
    if msg.get("RELOADING") != "1":
        fail("after SIGHUP: %r, not RELOADING=1" % msg)
    msg = d.recv_notify()
    if msg.get("READY") != "1":
        fail("after RELOADING=1: %r, not READY=1" % msg)
    ok("SIGHUP: RELOADING=1 then READY=1")
    d.wait_log(r"SIGHUP: cluster ACL reloaded from .*cluster\.acl \(2 entries\); NTLM accounts reloaded from .*accounts "
               r"\(1 accounts\); Kerberos keytab checked: Kerberos o(n|ff); kept until a restart: listen addresses", "the SIGHUP line")
    if len(re.findall(r"SIGHUP", d.text())) != 1:
        fail("SIGHUP logged more than one line")
    ok("SIGHUP logged one line naming the ACL, the accounts and what a restart takes")
    show = must(d.clusctl("access", "show"), "clusctl access show")
    if not re.search(r"^uid:65534\s+read", show, re.M):
        fail("the grant written by hand is not in force after SIGHUP: %s" % show)
    ok("after SIGHUP the hand-written grant is in force: " + " / ".join(show.splitlines()))
    if root:
        out = must(d.clusctl("cluster", user="nobody"), "clusctl cluster as nobody after SIGHUP")
        if "Access:   read" not in out:
            fail("nobody's access after SIGHUP is not read: %s" % out)
        ok("nobody opens the cluster with read access after SIGHUP")
        lst = must(d.clusctl("account", "list"), "clusctl account list")
        if name.decode() not in lst:
            fail("the account written by hand is not listed after SIGHUP: %s" % lst)
        ok("the hand-written NTLM account is listed after SIGHUP")
    must(d.clusctl("cluster"), "clusctl cluster after SIGHUP")
    ok("clusterd keeps serving after SIGHUP")

    # A broken ACL: SIGHUP keeps the old one and says so.
    with open(acl, "ab") as f:
        f.write(b"bogus-principal sometimes\n")
    d.proc.send_signal(signal.SIGHUP)
    d.wait_log(r"SIGHUP: cluster ACL not reloaded, keeping the previous one", "a refused ACL")
    d.wait_log(r"SIGHUP: cluster ACL NOT reloaded \(see above\); NTLM accounts reloaded", "the SIGHUP line of a refused ACL")
    show = must(d.clusctl("access", "show"), "clusctl access show after a broken edit")
    if not re.search(r"^uid:65534\s+read", show, re.M):
        fail("a broken ACL edit lost the previous ACL: %s" % show)
    ok("SIGHUP with a broken ACL keeps the previous one and says so")

    rc = d.stop()
    msgs = []
    while True:
        m = d.recv_notify(5)
        msgs.append(m)
        if m.get("STOPPING") == "1":
            break
        if m.get("READY") != "1" and m.get("RELOADING") != "1":
            fail("while stopping: %r, not STOPPING=1" % m)
    if rc != 0:
        fail("clusterd exited %d after SIGTERM" % rc)
    ok("SIGTERM: STOPPING=1 and exit 0")


def test_journal():
    # stderr is the journal: "<N>TEXT", no time stamp.
    d = Daemon("journal", ["--listen", "none", "--epmapper", "none", "--verbose"], journal=True, notify=True)
    d.wait_log(r"^<6>cluster \".*\", node \".*\", state in .*: ready$", "'<6>... ready'")
    must(d.clusctl("cluster"), "clusctl cluster")
    with open(os.path.join(d.dir, "cluster.acl"), "ab") as f:
        f.write(b"bogus-principal sometimes\n")
    must(d.clusctl("cluster"), "clusctl cluster after a broken ACL edit")  # logs an error
    if d.stop() != 0:
        fail("journal: clusterd did not stop cleanly")
    lines = d.text().splitlines()
    bad = [l for l in lines if not re.match(r"^<[3467]>", l) or STAMP.match(l[3:]) or
           re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", l)]
    if bad or not lines:
        fail("journal format: lines without a <N> prefix or with a time stamp: %r" % bad)
    for prio, what in (("<3>", "cluster ACL not reloaded"), ("<6>", "LPC listening"),
                       ("<7>", "told the service manager READY=1"),
                       ("<6>", "signal 15: stopping")):
        if not any(l.startswith(prio) and what in l for l in lines):
            fail("journal format: no %s line %r in %r" % (prio, what, lines))
    ok("JOURNAL_STREAM = stderr: %d lines, each '<N>TEXT' (<3> errors, <6> info, <7> debug), no time stamp"
       % len(lines))

    # A start-up error goes there with its priority too.
    log = os.path.join(TMP, "journal-err.log")
    with open(log, "w") as f:
        st = os.fstat(f.fileno())
        r = subprocess.run([CLUSTERD, "-f", "-s", os.path.join(TMP, "je"), "-u", os.path.join(TMP, "je.sock"),
                            "-l", "nonsense", "-e", "none"], stdout=f, stderr=f,
                           env=dict(os.environ, JOURNAL_STREAM="%d:%d" % (st.st_dev, st.st_ino)))
    with open(log) as f:
        text = f.read()
    if r.returncode != 1 or not re.search(r'^<3>"nonsense" is not ADDR:PORT', text, re.M):
        fail("journal: a start-up error (exit %d) is not '<3>...': %r" % (r.returncode, text))
    ok("a start-up error on the journal: " + text.splitlines()[-1])

    # JOURNAL_STREAM naming another file, or unset: the usual format.
    for name, env in (("other", {"JOURNAL_STREAM": "%d:%d" % (os.stat(TMP).st_dev, os.stat(TMP).st_ino)}),
                      ("garbage", {"JOURNAL_STREAM": "12:x"}), ("unset", {})):
        d = Daemon("plain-" + name, ["--listen", "none", "--epmapper", "none"], env=env)
        d.wait_log(r": ready$", "': ready'")
        d.stop()
        lines = d.text().splitlines()
        bad = [l for l in lines if not STAMP.match(l)]
        if bad or not lines:
            fail("JOURNAL_STREAM %s: lines not in the usual format: %r" % (name, bad))
        ok("JOURNAL_STREAM %s: the usual 'TIME clusterd LEVEL: TEXT' lines" % name)


CAPS = {"CAP_NET_BIND_SERVICE": 10, "CAP_DAC_OVERRIDE": 1, "CAP_KILL": 5, "CAP_SETUID": 7, "CAP_SETGID": 6,
        "CAP_CHOWN": 0}


def test_capabilities():
    if os.geteuid() != 0:
        print("skipped: the capability check needs root")
        return False
    for t in ("unshare", "setpriv", "ip"):
        if not shutil.which(t):
            print("skipped: the capability check needs %s" % t)
            return False
    with open(UNIT) as f:
        m = re.search(r"^CapabilityBoundingSet=(.*)$", f.read(), re.M)
    caps = m.group(1).split()
    unknown = [c for c in caps if c not in CAPS]
    if unknown:
        fail("the unit's CapabilityBoundingSet has %s, which this test does not know" % unknown)

    def run(name, keep, user="root"):
        bset = "-all," + ",".join("+" + c[4:].lower() for c in keep)
        # Its own network namespace: port 135 is free there whatever the host runs.
        prefix = ["unshare", "-n", "sh", "-c", 'ip link set lo up && exec "$@"', "sh",
                  "setpriv", "--inh-caps=-all", "--bounding-set=" + bset, "--no-new-privs"]
        return Daemon(name, ["--listen", "127.0.0.1:0", "--user", user], prefix=prefix)

    def status_of(pid):
        with open("/proc/%d/status" % pid) as f:
            status = f.read()
        return (int(re.search(r"^CapEff:\s*([0-9a-f]+)", status, re.M).group(1), 16),
                int(re.search(r"^CapBnd:\s*([0-9a-f]+)", status, re.M).group(1), 16),
                int(re.search(r"^Uid:\s*(\d+)", status, re.M).group(1)))

    want = sum(1 << CAPS[c] for c in caps)
    # As the unit runs it, with a user to become (nobody standing in for
    # clusterd): the network-facing process has no capability left, its
    # helper keeps the unit's.
    d = run("caps-drop", caps, "nobody")
    d.wait_log(r"endpoint mapper listening on \*:135 \(port 135\)", "the endpoint mapper on port 135")
    d.wait_log(r": ready$", "': ready'")
    eff, bnd, uid = status_of(d.proc.pid)
    if eff != 0 or uid != 65534:
        fail("clusterd --user nobody serves with CapEff %x as uid %d, expected 0 and 65534" % (eff, uid))
    helper = subprocess.run(["pgrep", "-P", str(d.proc.pid), "-x", "clusterd-priv"], capture_output=True,
                            text=True).stdout.split()
    if len(helper) != 1:
        fail("clusterd --user nobody: no single clusterd-priv helper (%r)" % helper)
    heff, hbnd, huid = status_of(int(helper[0]))
    if heff != want or hbnd != want or huid != 0:
        fail("the helper runs with CapEff %x CapBnd %x uid %d, expected %x %x 0" % (heff, hbnd, huid, want, want))
    out = must(d.clusctl("cluster"), "clusctl cluster (clusterd --user nobody with the unit's capabilities)")
    if "Access:   full" not in out:
        fail("clusctl cluster against clusterd --user nobody: %s" % out)
    if d.stop() != 0:
        fail("clusterd --user nobody did not stop cleanly")
    ok("with the unit's bounding set clusterd --user nobody serves LPC and port 135 with no capability; "
       "its helper keeps %s" % " ".join(caps))
    # Without CAP_CHOWN it cannot give the state directory to the user.
    d = run("caps-nochown", [c for c in caps if c != "CAP_CHOWN"], "nobody")
    rc = d.proc.wait(20)
    if rc != 1 or "cannot give the state directory" not in d.text():
        fail("without CAP_CHOWN clusterd --user nobody did not fail on the state directory (exit %d)" % rc)
    ok("without CAP_CHOWN clusterd --user nobody cannot start (exit 1): the capability is needed")

    d = run("caps", caps)
    d.wait_log(r"endpoint mapper listening on \*:135 \(port 135\)", "the endpoint mapper on port 135")
    d.wait_log(r": ready$", "': ready'")
    eff, bnd, _ = status_of(d.proc.pid)
    if eff != want or bnd != want:
        fail("clusterd runs with CapEff %x CapBnd %x, expected %x" % (eff, bnd, want))
    out = must(d.clusctl("cluster"), "clusctl cluster (clusterd with the unit's capabilities)")
    if "Access:   full" not in out:
        fail("clusctl cluster against the capability-bounded clusterd: %s" % out)
    if d.stop() != 0:
        fail("the capability-bounded clusterd did not stop cleanly")
    ok("with only %s (the unit's bounding set) clusterd --user root serves LPC and port 135" % " ".join(caps))

    # Without CAP_NET_BIND_SERVICE it cannot: the capability is needed.
    d = run("nocaps", [c for c in caps if c != "CAP_NET_BIND_SERVICE"])
    rc = d.proc.wait(20)
    if rc != 1 or "ports below 1024 need root" not in d.text():
        fail("without CAP_NET_BIND_SERVICE clusterd did not fail on port 135 (exit %d)" % rc)
    ok("without CAP_NET_BIND_SERVICE it cannot bind port 135 (exit 1)")
    return True


def main():
    if os.environ.get("SYSTEMD_NOTIFY") != "1":
        print("SKIP: this clusterd was built without libsystemd (no sd_notify): install libsystemd-dev and "
              "reconfigure (-Dsystemd=auto or enabled)")
        shutil.rmtree(TMP)
        sys.exit(77)
    test_version()
    test_notify_and_sighup()
    test_journal()
    test_capabilities()
    shutil.rmtree(TMP)
    print("PASS")


if __name__ == "__main__":
    main()
