#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Least privilege: clusterd started as root, in a network namespace of its own
# (port 135 free), with --user nobody:
#  - answers on port 135 (endpoint mapper) and on LPC, while its network-facing
#    process runs as nobody with no capabilities, no new privileges and a
#    seccomp filter (/proc/PID/status), and its helper stays root;
#  - writes what it must as nobody (an NTLM account added over LPC, which a
#    sealed NTLM logon through port 135 then uses) and reloads on SIGHUP;
#  - starts Generic Application commands as their RunAsUser (daemon), as root
#    without one, fails a resource whose user does not exist, notices a command
#    that ends on its own, and stops commands on offline and at its own stop;
# and the choices around it: the default user (clusterd) missing falls back to
# root with a warning, a named user missing or unable to reach the state
# directory is refused.
# Env (from meson): CLUSTERD, CLUSCTL, SET_PRIVATE, LD_LIBRARY_PATH.
set -u
: "${CLUSTERD:?}" "${CLUSCTL:?}" "${SET_PRIVATE:?}"
skip() {
	echo "SKIP: $*"
	exit 77
}
[ "$(id -u)" -eq 0 ] || skip "clusterd gives up root only when started as root"
for t in unshare ip getent; do
	command -v "$t" > /dev/null || skip "$t is not installed"
done
getent passwd nobody > /dev/null && getent passwd daemon > /dev/null || skip "the users nobody and daemon are needed"
if [ -z "${CLUSAPI_PRIVSEP_IN_NETNS:-}" ]; then
	exec unshare --net -- env CLUSAPI_PRIVSEP_IN_NETNS=1 bash -c \
		'ip link set lo up || { echo "FAIL: cannot bring lo up" >&2; exit 1; }; exec bash "$0" "$@"' "$0" "$@"
fi

TMP=$(mktemp -d /tmp/clusapi-privsep-XXXXXX)
chmod 755 "$TMP" # the state directory below must be reachable by nobody
KEEP=
PID=
cleanup() {
	[ -n "$PID" ] && kill -KILL "$PID" 2> /dev/null
	pkill -KILL -f "^sleep 60[123]\.$$\$" 2> /dev/null
	[ -n "$KEEP" ] || rm -rf "$TMP"
}
trap cleanup EXIT
fail() {
	echo "FAIL: $*" >&2
	[ -f "$TMP/clusterd.log" ] && sed 's/^/  clusterd: /' "$TMP/clusterd.log" >&2
	echo "  (files kept in $TMP)" >&2
	KEEP=1
	exit 1
}
export CLUSAPI_LPC_SOCKET="$TMP/lpc.sock"

# start [options]: clusterd in the background, PID set once it is ready.
start() {
	: > "$TMP/clusterd.log"
	"$CLUSTERD" -f -s "$TMP/state" -u "$TMP/lpc.sock" -l 127.0.0.1:0 "$@" > "$TMP/clusterd.log" 2>&1 &
	PID=$!
	for _ in $(seq 1 200); do
		grep -q ': ready$' "$TMP/clusterd.log" && return 0
		kill -0 "$PID" 2> /dev/null || fail "clusterd $* ended before it was ready"
		sleep 0.05
	done
	fail "clusterd $* not ready in 10 s"
}
stop() {
	kill -TERM "$PID"
	wait "$PID"
	local rc=$?
	PID=
	[ "$rc" -eq 0 ] || fail "clusterd did not stop cleanly (exit $rc)"
}
field() { # field PID NAME: the first value of a /proc/PID/status line
	awk -v f="$2:" '$1 == f { print $2; exit }' "/proc/$1/status"
}
field_all() {
	awk -v f="$2:" '$1 == f { $1 = ""; print substr($0, 2); exit }' "/proc/$1/status"
}
# state NAME: the resource's state as clusctl shows it
state() {
	"$CLUSCTL" resource show "$1" | awk -F': *' '$1 == "State" { split($2, w, " "); print w[1] }'
}
wait_state() { # wait_state NAME STATE
	for _ in $(seq 1 100); do
		[ "$(state "$1")" = "$2" ] && return 0
		sleep 0.05
	done
	fail "resource $1 is '$(state "$1")', expected '$2'"
}
# command_pid MARK: the pid of the supervised command whose command line has MARK
command_pid() {
	for _ in $(seq 1 100); do
		for p in $(pgrep -f -- "$1"); do
			[ "$(ps -o comm= -p "$p")" = "sleep" ] && { echo "$p"; return 0; }
		done
		sleep 0.05
	done
	return 1
}

nobody_uid=$(getent passwd nobody | cut -d: -f3)
nobody_gid=$(getent passwd nobody | cut -d: -f4)
daemon_uid=$(getent passwd daemon | cut -d: -f3)

# 1. The drop.
start --user nobody
grep -q "endpoint mapper listening on \*:135 (port 135)" "$TMP/clusterd.log" || fail "no endpoint mapper on port 135"
grep -q "serving as user nobody (uid $nobody_uid, gid $nobody_gid)" "$TMP/clusterd.log" || fail "no 'serving as user nobody' line"
[ "$(field_all "$PID" Uid)" = "$nobody_uid $nobody_uid $nobody_uid $nobody_uid" ] || fail "Uid: $(field_all "$PID" Uid), expected $nobody_uid four times"
[ "$(field_all "$PID" Gid)" = "$nobody_gid $nobody_gid $nobody_gid $nobody_gid" ] || fail "Gid: $(field_all "$PID" Gid), expected $nobody_gid four times"
[ "$(field "$PID" NoNewPrivs)" = 1 ] || fail "NoNewPrivs: $(field "$PID" NoNewPrivs)"
[ "$(field "$PID" CapEff)" = 0000000000000000 ] || fail "CapEff: $(field "$PID" CapEff)"
[ "$(field "$PID" CapPrm)" = 0000000000000000 ] || fail "CapPrm: $(field "$PID" CapPrm)"
if grep -q "no new privileges, seccomp filter" "$TMP/clusterd.log"; then
	[ "$(field "$PID" Seccomp)" = 2 ] || fail "Seccomp: $(field "$PID" Seccomp), expected 2 (filter)"
	echo "ok: network-facing clusterd: uid/gid $nobody_uid/$nobody_gid, no capabilities, NoNewPrivs 1, Seccomp 2"
else
	echo "ok: network-facing clusterd: uid/gid $nobody_uid/$nobody_gid, no capabilities, NoNewPrivs 1 (built without seccomp)"
fi
helper=$(pgrep -P "$PID" -x clusterd-priv) || fail "no clusterd-priv helper under clusterd $PID"
[ "$(field "$helper" Uid)" = 0 ] || fail "the helper runs as uid $(field "$helper" Uid), not root"
echo "ok: the helper (pid $helper) stays root"
for f in "$TMP/state" "$TMP/state/cluster.db" "$TMP/state/accounts" "$TMP/state/cluster.acl"; do
	[ "$(stat -c %u "$f")" = "$nobody_uid" ] || fail "$f belongs to uid $(stat -c %u "$f"), not nobody"
done
echo "ok: the state directory and its files belong to nobody"

# LPC still knows root from nobody (SO_PEERCRED): root has full access, an
# account can be added (root only), and nobody is refused that.
out=$("$CLUSCTL" cluster) || fail "clusctl cluster over LPC: $out"
echo "$out" | grep -q "^Access: *full" || fail "root over LPC should have full access: $out"
PW='Priv-Sep arated 1'
printf '%s\n' "$PW" | "$CLUSCTL" account add alice > /dev/null || fail "clusctl account add alice (as root, over LPC)"
"$CLUSCTL" access grant alice --full > /dev/null || fail "clusctl access grant alice --full"
if command -v setpriv > /dev/null; then
	out=$(printf 'x\n' | setpriv --reuid=nobody --regid=nogroup --clear-groups "$CLUSCTL" account add mallory 2>&1) &&
		fail "nobody could add an account over LPC: $out"
	echo "ok: over LPC, root adds an NTLM account and nobody cannot"
fi
# Over TCP through the endpoint mapper on port 135, sealed NTLM.
out=$(printf '%s\n' "$PW" | "$CLUSCTL" --cluster 127.0.0.1 --user alice cluster 2>&1) ||
	fail "clusctl --cluster 127.0.0.1 --user alice (port 135, sealed NTLM): $out"
echo "$out" | grep -q "^Access: *full" || fail "alice over TCP should have full access: $out"
echo "ok: port 135 answers: sealed NTLM logon as alice (an account the unprivileged clusterd wrote)"
# SIGHUP re-reads the ACL and the accounts as nobody.
kill -HUP "$PID"
for _ in $(seq 1 100); do
	grep -q "SIGHUP: cluster ACL reloaded" "$TMP/clusterd.log" && break
	sleep 0.05
done
grep -q "SIGHUP: cluster ACL reloaded .*(2 entries); NTLM accounts reloaded .*(1 accounts)" "$TMP/clusterd.log" ||
	fail "SIGHUP did not reload the ACL and the accounts"
echo "ok: SIGHUP reloads the ACL and the accounts as nobody"

# 2. Generic Application commands through the helper.
"$CLUSCTL" group create apps > /dev/null || fail "clusctl group create apps"
for r in as-daemon as-root no-user ends; do
	"$CLUSCTL" resource create "$r" --group apps --type "Generic Application" > /dev/null || fail "clusctl resource create $r"
done
"$SET_PRIVATE" as-daemon "CommandLine=echo \"uid=\$(id -u) home=\$HOME user=\$USER pwd=\$(pwd)\"; exec sleep 601.$$" RunAsUser=daemon || fail "set_private as-daemon"
"$SET_PRIVATE" as-root "CommandLine=echo \"root-pwd=\$(pwd)\"; exec sleep 602.$$" || fail "set_private as-root"
"$SET_PRIVATE" no-user "CommandLine=exec sleep 603.$$" RunAsUser=no-such-user-here || fail "set_private no-user"
"$SET_PRIVATE" ends 'CommandLine=sleep 0.3; exit 3' || fail "set_private ends"

"$CLUSCTL" resource online as-daemon > /dev/null || fail "clusctl resource online as-daemon"
wait_state as-daemon online
p=$(command_pid "sleep 601.$$") || fail "the command of as-daemon is not running"
[ "$(field "$p" Uid)" = "$daemon_uid" ] || fail "as-daemon's command runs as uid $(field "$p" Uid), not daemon ($daemon_uid)"
[ "$(ps -o ppid= -p "$p" | tr -d ' ')" = "$PID" ] || fail "as-daemon's command is not clusterd's child: ppid $(ps -o ppid= -p "$p")"
[ "$(ps -o pgid= -p "$p" | tr -d ' ')" = "$p" ] || fail "as-daemon's command has no process group of its own"
daemon_home=$(getent passwd daemon | cut -d: -f6)
want="uid=$daemon_uid home=$daemon_home user=daemon pwd=$(cd "$daemon_home" 2> /dev/null && pwd || echo /)"
grep -qxF "$want" "$TMP"/state/logs/*.log || fail "no '$want' in the resource logs: $(cat "$TMP"/state/logs/*.log)"
echo "ok: RunAsUser=daemon: the command runs as uid $daemon_uid (HOME, USER and directory its), a child of clusterd, its output in the resource log"
"$CLUSCTL" resource offline as-daemon > /dev/null || fail "clusctl resource offline as-daemon"
wait_state as-daemon offline
kill -0 "$p" 2> /dev/null && fail "as-daemon's command (pid $p) still runs after offline"
echo "ok: offline stops it (through the helper: clusterd itself may not signal uid $daemon_uid)"

"$CLUSCTL" resource online as-root > /dev/null || fail "clusctl resource online as-root"
wait_state as-root online
p=$(command_pid "sleep 602.$$") || fail "the command of as-root is not running"
[ "$(field "$p" Uid)" = 0 ] || fail "without RunAsUser the command runs as uid $(field "$p" Uid), not root"
grep -qxF "root-pwd=$(pwd)" "$TMP"/state/logs/*.log || fail "without RunAsUser the command should run in clusterd's directory $(pwd): $(cat "$TMP"/state/logs/*.log)"
echo "ok: without RunAsUser the command runs as root in clusterd's directory (as before the split)"

out=$("$CLUSCTL" resource online no-user 2>&1) && fail "a RunAsUser that does not exist went online: $out"
[ "$(state no-user)" = offline ] || fail "no-user is '$(state no-user)' after a refused online, expected offline"
pgrep -f "sleep 603.$$" > /dev/null && fail "the command of no-user runs"
grep -q 'resource command not started: no user "no-such-user-here"' "$TMP/clusterd.log" || fail "no log line about the missing user"
echo "ok: a RunAsUser that does not exist: online refused ($out), the resource stays offline, the log says why"

"$CLUSCTL" resource online ends > /dev/null || fail "clusctl resource online ends"
wait_state ends failed
echo "ok: a command that ends on its own fails its resource (clusterd reaps the helper's commands)"

stop
pgrep -f "sleep 602.$$" > /dev/null && fail "the command of as-root survived clusterd's stop"
# The helper ends when it reads clusterd's end of the socketpair closing.
for _ in $(seq 1 100); do
	kill -0 "$helper" 2> /dev/null || break
	sleep 0.02
done
kill -0 "$helper" 2> /dev/null && fail "the helper (pid $helper) is left over"
[ -e "$TMP/lpc.sock" ] && fail "the LPC socket is left behind (its directory is root's: the helper removes it)"
echo "ok: a clean stop stops the commands and the helper, and the helper removes the LPC socket"

# A resource online when clusterd stops runs again when it starts: its
# command is started (through the helper) before clusterd gives up root.
start --user nobody
"$CLUSCTL" resource online as-daemon > /dev/null || fail "clusctl resource online as-daemon (again)"
wait_state as-daemon online
stop
start --user nobody
p=$(command_pid "sleep 601.$$") || fail "as-daemon's command did not start again with clusterd"
[ "$(field "$p" Uid)" = "$daemon_uid" ] || fail "as-daemon's command, started at clusterd's start, runs as uid $(field "$p" Uid)"
[ "$(ps -o ppid= -p "$p" | tr -d ' ')" = "$PID" ] || fail "as-daemon's command, started at clusterd's start, is not its child"
"$CLUSCTL" resource offline as-daemon > /dev/null || fail "clusctl resource offline as-daemon (after the restart)"
wait_state as-daemon offline
kill -0 "$p" 2> /dev/null && fail "as-daemon's command (pid $p) still runs after offline"
stop
echo "ok: an online resource's command starts again, as daemon, with clusterd (before the drop), and stops on offline"

# 3. The choices.
if getent passwd clusterd > /dev/null; then
	start
	[ "$(field "$PID" Uid)" = "$(getent passwd clusterd | cut -d: -f3)" ] || fail "the default user clusterd was not taken"
	echo "ok: by default clusterd becomes the user clusterd"
	stop
else
	start
	grep -q 'there is no user "clusterd": clusterd stays root' "$TMP/clusterd.log" || fail "no warning about the missing clusterd user"
	[ "$(field "$PID" Uid)" = 0 ] || fail "without a clusterd user, clusterd should stay root"
	echo "ok: without a clusterd user, clusterd stays root and says so"
	stop
fi
"$CLUSTERD" -f -s "$TMP/state" -u "$TMP/lpc.sock" -l none -e none --user no-such-user-here > "$TMP/out" 2>&1
rc=$?
[ "$rc" -eq 1 ] && grep -q "no such user" "$TMP/out" || fail "--user no-such-user-here: exit $rc, $(cat "$TMP/out")"
mkdir -m 700 "$TMP/closed"
"$CLUSTERD" -f -s "$TMP/closed/state" -u "$TMP/lpc.sock" -l none -e none --user nobody > "$TMP/out" 2>&1
rc=$?
[ "$rc" -eq 1 ] && grep -q "cannot reach the state directory" "$TMP/out" || fail "--user nobody, state under a 0700 directory: exit $rc, $(cat "$TMP/out")"
echo "ok: a named user that does not exist or cannot reach the state directory is refused (exit 1)"
echo "PASS"
