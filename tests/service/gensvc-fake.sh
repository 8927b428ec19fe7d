#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A Generic Service driven end to end through sd-bus where PID 1 is not
# systemd (issue 11): a private dbus-daemon, fake_systemd.c on it as
# org.freedesktop.systemd1, and /run/systemd/system made in a mount namespace
# of this test's own (a tmpfs on /run there: nothing on the host changes).
# test_conformance_gensvc's `unit` run against it (FAKE_SYSTEMD=1): online
# starts the unit, offline stops it, a killed unit is restarted by the restart
# policy and, with RestartAction 0, fails the resource; a missing unit and a
# unit whose start fails fail the online.  Twice: clusterd staying root (it
# asks systemd itself) and clusterd --user nobody (StartUnit and StopUnit
# come from the privileged helper, uid 0, the watching from nobody).
# Root only (a mount namespace), exit 77 otherwise.
# Then the bus goes away under an online one (clusterd, clusctl, set_private).
# Env: TEST_GENSVC, FAKE, CLUSTERD, CLUSCTL, SET_PRIVATE.
set -u
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root (a mount namespace of its own for /run)"
	exit 77
fi
for p in dbus-daemon busctl unshare; do
	command -v $p >/dev/null || { echo "FAIL: $p is not installed (packages dbus, systemd, util-linux)"; exit 1; }
done
if [ -z "${GENSVC_IN_NS:-}" ]; then
	exec env GENSVC_IN_NS=1 unshare -m --propagation private bash "$0" "$@"
fi
dir=$(mktemp -d /tmp/clusapi-gensvc-fake.XXXXXX)
chmod 755 "$dir"
mount -t tmpfs -o mode=755 tmpfs /run || { echo "FAIL: cannot mount a tmpfs on /run in the namespace"; exit 1; }
mkdir -p /run/systemd/system
cat >"$dir/bus.conf" <<EOC
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path=$dir/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <allow own="*"/>
    <allow send_destination="*"/>
    <allow receive_sender="*"/>
  </policy>
</busconfig>
EOC
dbus-daemon --config-file="$dir/bus.conf" --nofork --nopidfile >"$dir/dbus.log" 2>&1 &
dbus_pid=$!
fake_pid=
rc=0
finish() {
	[ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
	kill "$dbus_pid" 2>/dev/null
	wait 2>/dev/null
	if [ $rc -ne 0 ]; then
		echo "---- fake systemd ($dir/fake.log)"
		cat "$dir/fake.log"
		echo "logs kept in $dir"
	else
		rm -rf "$dir"
	fi
	exit $rc
}
for _ in $(seq 1 50); do
	[ -S "$dir/bus" ] && break
	sleep 0.1
done
[ -S "$dir/bus" ] || { echo "FAIL: dbus-daemon did not start: $(cat "$dir/dbus.log")"; rc=1; finish; }
chmod 666 "$dir/bus"
export DBUS_SYSTEM_BUS_ADDRESS=unix:path=$dir/bus
"$FAKE" >"$dir/fake.log" 2>&1 &
fake_pid=$!
for _ in $(seq 1 50); do
	grep -q '^ready' "$dir/fake.log" && break
	sleep 0.1
done
grep -q '^ready' "$dir/fake.log" || { echo "FAIL: fake_systemd did not start"; rc=1; finish; }

for user in "" nobody; do
	echo "---- clusterd $([ -n "$user" ] && echo "--user $user" || echo "as root")"
	before=$(wc -l <"$dir/fake.log")
	FAKE_SYSTEMD=1 GENSVC_CLUSTERD_USER=$user timeout 100 "$TEST_GENSVC" unit || { rc=1; continue; }
	calls=$(tail -n +$((before + 1)) "$dir/fake.log")
	grep -q '^StartUnit clusapi-conformance-[0-9]*\.service replace uid=0$' <<<"$calls" ||
		{ echo "FAIL: no StartUnit of the test's unit from uid 0"; rc=1; }
	grep -q '^StopUnit clusapi-conformance-[0-9]*\.service replace uid=0$' <<<"$calls" ||
		{ echo "FAIL: no StopUnit of the test's unit from uid 0"; rc=1; }
	want_uid=0
	[ -n "$user" ] && want_uid=$(id -u "$user")
	grep -q "^Subscribe uid=$want_uid\$" <<<"$calls" ||
		{ echo "FAIL: clusterd did not subscribe as uid $want_uid: $(grep Subscribe <<<"$calls")"; rc=1; }
	n=$(grep -c '^StartUnit clusapi-conformance' <<<"$calls")
	[ "$n" -ge 3 ] || { echo "FAIL: $n starts of the unit (online, online again, the restart), wanted 3 or more"; rc=1; }
done
[ $rc -eq 0 ] && echo "gensvc-fake.sh: a Generic Service started, stopped, restarted and failed through sd-bus, with and without the helper"

# The bus going away under an online Generic Service: clusterd says so, does
# not spin on the dead connection, keeps serving and stops cleanly.
echo "---- the system bus goes away"
st=$dir/busloss
mkdir -p "$st"
"$CLUSTERD" -s "$st" -u "$st/lpc" -l none -e none -n node1 >"$st/clusterd.log" 2>&1 &
cpid=$!
for _ in $(seq 1 50); do
	[ -S "$st/lpc" ] && break
	sleep 0.1
done
export CLUSAPI_LPC_SOCKET=$st/lpc
"$CLUSCTL" group create busloss >/dev/null &&
	"$CLUSCTL" resource create busloss-svc --group busloss --type "Generic Service" >/dev/null &&
	"$SET_PRIVATE" busloss-svc ServiceName=busloss &&
	"$CLUSCTL" resource online busloss-svc >/dev/null || { echo "FAIL: cannot bring a Generic Service online"; rc=1; }
kill "$dbus_pid"
wait "$dbus_pid" 2>/dev/null
sleep 1
grep -q "the system bus connection is gone" "$st/clusterd.log" ||
	{ echo "FAIL: clusterd did not log the loss of the bus: $(tail -5 "$st/clusterd.log")"; rc=1; }
cpu() { awk '{ print $14 + $15 }' "/proc/$cpid/stat"; }
c0=$(cpu)
sleep 2
c1=$(cpu)
[ $((c1 - c0)) -lt 50 ] || { echo "FAIL: clusterd used $((c1 - c0)) ticks of CPU in 2 s with the bus gone"; rc=1; }
"$CLUSCTL" resource show busloss-svc >/dev/null || { echo "FAIL: clusterd does not answer with the bus gone"; rc=1; }
kill -TERM "$cpid"
for _ in $(seq 1 50); do
	kill -0 "$cpid" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$cpid" 2>/dev/null; then
	echo "FAIL: clusterd did not stop within 5 s of SIGTERM with the bus gone"
	kill -KILL "$cpid"
	rc=1
fi
[ $rc -eq 0 ] && echo "gensvc-fake.sh: the bus gone: logged, no busy loop, clusterd still serving and stopping"
finish
