#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The 'pacemaker' suite: a 3-node cluster (cluster.sh), a clusterd --backend
# pacemaker inside each node, then test_pacemaker against all three; or, with
# `run.sh conformance`, the backend conformance suite (TEST_CONFORMANCE)
# against node 1's and node 2's clusterd and clusctl.sh (clusctl on the
# cluster, checked with crm_mon); or, with `run.sh partition`, writes through
# both sides of a network partition (partition.sh); or, with `run.sh
# cibstate`, cibstate.sh (the ACL, accounts and registry kept in the CIB,
# REGTOOL); or, with `run.sh evict`, EvictNode (evict.sh).  The
# cluster and everything in it go away on any exit (trap), and every wait is
# bounded, all of them together (start 60 s, tests 180 s, stop 15 s) well
# under meson's 300 s: a broken cluster fails the test, it never hangs it, and
# meson never has to kill this script before its trap has torn the cluster
# down (the nodes run in sessions of their own, out of meson's reach).
# Needs root (namespaces), exits 77 (skipped) otherwise; fails when pacemaker,
# pacemaker-cli-utils or corosync is missing.  Env: CLUSTERD, CLUSCTL, TEST_PACEMAKER or
# TEST_CONFORMANCE (the built programs).
set -u
here=$(cd "$(dirname "$0")" && pwd)
cluster_sh=$here/cluster.sh
if [ "$(id -u)" -ne 0 ]; then
	echo "pacemaker tests need root (network and mount namespaces): skipped"
	exit 77
fi
# A missing program is a broken install, not a reason to skip: the test
# command's installer names every package.
for p in corosync pacemakerd crm_mon cibadmin nsenter unshare ip pgrep; do
	command -v "$p" >/dev/null || { echo "FAIL: $p is not installed (scripts/install-deps.sh --test installs it)"; exit 1; }
done
[ -x /usr/lib/ocf/resource.d/pacemaker/Dummy ] || { echo "FAIL: ocf:pacemaker:Dummy is missing (package pacemaker)"; exit 1; }

dir=$(mktemp -d /tmp/clusapi-pcmk.XXXXXX)
# hacluster (the user clusterd serves the network as) must reach each
# node's state directory DIR/cdN: DIR searchable, not listable.
chmod 0711 "$dir"
# Without corosync (an empty network namespace: its IPC sockets are not
# there): one clear line and exit status 1.
out=$(unshare -n "$CLUSTERD" --backend pacemaker -s "$dir/none" -u "$dir/none/lpc" -l none -e none 2>&1)
st=$?
if [ $st -ne 1 ] || ! grep -q "is corosync running" <<<"$out"; then
	echo "clusterd --backend pacemaker without corosync: exit $st, said: $out"
	rm -rf "$dir"
	exit 1
fi
# Without Pacemaker's user or group (a private /etc/passwd or /etc/group
# without it, in a mount namespace of its own): the embedded backend's rule
# for its missing default user, root with a warning (then exit 1: no
# corosync); a missing --user is an error.
grep -v '^hacluster:' /etc/passwd >"$dir/passwd"
grep -v '^haclient:' /etc/group >"$dir/group"
for what in "passwd:there is no user \"hacluster\": clusterd stays root" \
	"group:there is no group \"haclient\": clusterd stays root"; do
	file=${what%%:*} want=${what#*:}
	out=$(unshare -m -n sh -c 'mount --bind "$1" "/etc/$2" && shift 2 && exec "$@"' sh "$dir/$file" "$file" \
		"$CLUSTERD" --backend pacemaker -s "$dir/none" -u "$dir/none/lpc" -l none -e none 2>&1)
	st=$?
	if [ $st -ne 1 ] || ! grep -qF "$want" <<<"$out" || grep -q "serving as user" <<<"$out"; then
		echo "FAIL: clusterd --backend pacemaker without /etc/$file's entry: exit $st, want \"$want\", said: $out"
		rm -rf "$dir"
		exit 1
	fi
done
out=$(unshare -n "$CLUSTERD" --backend pacemaker --user no-such-user-$$ -s "$dir/none" -u "$dir/none/lpc" -l none -e none 2>&1)
st=$?
if [ $st -ne 1 ] || ! grep -q "no such user" <<<"$out"; then
	echo "FAIL: clusterd --backend pacemaker --user no-such-user: exit $st, said: $out"
	rm -rf "$dir"
	exit 1
fi
echo "ok: no hacluster or no haclient: root with a warning; a missing --user refused"
. "$here/guard.sh"
trap 'cleanup_cluster "$cluster_sh" "$dir" $?' EXIT
trap 'exit 1' INT TERM
guard_cluster "$cluster_sh" "$dir" || exit 1

"$cluster_sh" start "$dir" 9>&- || exit 1
# clusterd inside node N (its log appended to DIR/cdN/clusterd.log).
start_clusterd() {
	mkdir -p "$dir/cd$1"
	"$cluster_sh" exec "$dir" "$1" env COROSYNC_MAIN_CONFIG_FILE="$dir/n$1/corosync.conf" \
		setsid "$CLUSTERD" --backend pacemaker -s "$dir/cd$1" -u "$dir/cd$1/lpc" \
		-l '*:0' -e '*:135' >>"$dir/cd$1/clusterd.log" 2>&1 </dev/null 9>&- &
	echo $! >"$dir/n$1/clusterd.pid"
	disown
}
wait_clusterd() {
	for _ in $(seq 1 50); do
		[ -S "$dir/cd$1/lpc" ] && return 0
		sleep 0.1
	done
	echo "clusterd on node $1 did not start:"
	cat "$dir/cd$1/clusterd.log"
	return 1
}
if [ "${1:-}" = cibstate ]; then
	# Per-node files from before the ACL and the accounts lived in the CIB:
	# node 1's cluster.acl is migrated (its clusterd starts first), node 3's
	# differs (a conflict, reported, not merged); node 2's accounts file (an
	# account with password Migr-Pw-1: its NT hash) is migrated.
	mkdir -p "$dir/cd1" "$dir/cd2" "$dir/cd3"
	printf 'uid:0 full\nntlm:migrated read\n' >"$dir/cd1/cluster.acl"
	printf 'uid:0 full\nuser:elsewhere full\n' >"$dir/cd3/cluster.acl"
	printf '# old\nmigrated 1a35dce91a36b708123f5b0c4fa4c223\n' >"$dir/cd2/accounts"
	chmod 600 "$dir/cd1/cluster.acl" "$dir/cd3/cluster.acl" "$dir/cd2/accounts"
	start_clusterd 1
	wait_clusterd 1 || exit 1
fi
for n in 1 2 3; do
	[ -S "$dir/cd$n/lpc" ] || start_clusterd "$n"
done
for n in 1 2 3; do
	wait_clusterd "$n" || exit 1
done

# Least privilege (issue 15 part 6): each clusterd, started as root, serves
# the network as hacluster:haclient (every thread: no new privileges and the
# seccomp filter, when built with it); its helper alone stays root.
field() { awk -v f="$2:" '$1 == f { $1 = ""; print substr($0, 2); exit }' "$1"; }
hc_uid=$(id -u hacluster) || { echo "FAIL: no user hacluster (package pacemaker creates it)"; exit 1; }
hc_gid=$(getent group haclient | cut -d: -f3)
[ -n "$hc_gid" ] || { echo "FAIL: no group haclient (package pacemaker creates it)"; exit 1; }
for n in 1 2 3; do
	pid=$(pgrep -o -f "^$CLUSTERD --backend pacemaker -s $dir/cd$n ")
	log=$dir/cd$n/clusterd.log
	grep -q "serving as user hacluster (uid $hc_uid, gid $hc_gid)" "$log" ||
		{ echo "FAIL: clusterd on node $n: no 'serving as user hacluster' line in $log"; tail -5 "$log"; exit 1; }
	seccomp=0
	grep -q "no new privileges, seccomp filter" "$log" && seccomp=2
	for task in /proc/"$pid"/task/*; do
		uid=$(field "$task/status" Uid) gid=$(field "$task/status" Gid)
		nnp=$(field "$task/status" NoNewPrivs) sc=$(field "$task/status" Seccomp)
		if [ "$(echo $uid)" != "$hc_uid $hc_uid $hc_uid $hc_uid" ] ||
			[ "$(echo $gid)" != "$hc_gid $hc_gid $hc_gid $hc_gid" ] || [ "$nnp" != 1 ] || [ "$sc" != $seccomp ]; then
			echo "FAIL: clusterd on node $n, thread ${task##*/}: Uid $uid, Gid $gid, NoNewPrivs $nnp, Seccomp $sc;" \
				"want $hc_uid ($hc_uid), $hc_gid, 1, $seccomp (logs in $dir)"
			exit 1
		fi
	done
	helper=$(pgrep -P "$pid" -x clusterd-priv) || { echo "FAIL: no clusterd-priv helper under clusterd $pid on node $n"; exit 1; }
	[ "$(field "/proc/$helper/status" Uid | cut -d" " -f1)" = 0 ] || { echo "FAIL: node $n's helper is not root"; exit 1; }
	[ "$(stat -c %u "$dir/cd$n")" = "$hc_uid" ] || { echo "FAIL: $dir/cd$n does not belong to hacluster"; exit 1; }
done
# What clusterd's reconnections (after the drop) rely on: corosync (cmap,
# quorum) and the CIB admit a new connection from hacluster:haclient.
for n in 1 2 3; do
	as_hc="setpriv --reuid=hacluster --regid=haclient --init-groups"
	"$cluster_sh" exec "$dir" "$n" $as_hc corosync-cmapctl -g totem.cluster_name >/dev/null 2>&1 &&
		"$cluster_sh" exec "$dir" "$n" $as_hc corosync-quorumtool -s >/dev/null 2>&1 &&
		"$cluster_sh" exec "$dir" "$n" $as_hc cibadmin --query --scope nodes >/dev/null 2>&1 ||
		{ echo "FAIL: on node $n, corosync or the CIB refuses a connection from hacluster:haclient (logs in $dir)"; exit 1; }
done
echo "ok: each clusterd serves as hacluster:haclient ($hc_uid:$hc_gid), every thread NoNewPrivs 1, Seccomp $seccomp; its helper is root"

# An NTLM account for the clients that come over TCP, through every node (the
# accounts and the ACL are the cluster's, in the CIB: the same each time).
for n in 1 2 3; do
	printf 'Tester-Pw1\n' | CLUSAPI_LPC_SOCKET=$dir/cd$n/lpc "$CLUSCTL" account add tester >/dev/null &&
		CLUSAPI_LPC_SOCKET=$dir/cd$n/lpc "$CLUSCTL" access grant tester --full >/dev/null ||
		{ echo "cannot add the test account on node $n"; exit 1; }
done

rc=0
if [ "${1:-}" = conformance ]; then
	# The same C-API tests as against the embedded backend, through two
	# nodes' clusterds one after the other (60 s each), then clusctl (60 s).
	for n in 1 2; do
		echo "---- conformance suite against node $n's clusterd"
		CLUSAPI_LPC_SOCKET=$dir/cd$n/lpc CONFORMANCE_BACKEND=pacemaker timeout 60 "$TEST_CONFORMANCE" 9>&- || rc=1
		# dependencies and owners (issue 11)
		if [ -n "${TEST_CONFORMANCE_DEPS:-}" ]; then
			echo "---- dependencies and owners against node $n's clusterd"
			CLUSAPI_LPC_SOCKET=$dir/cd$n/lpc CONFORMANCE_BACKEND=pacemaker timeout 90 "$TEST_CONFORMANCE_DEPS" 9>&- || rc=1
		fi
		# Issue 13's suites: notification ports, the rest of the registry, lookups.
		for t in ${TEST_CONFORMANCE_NOTIFY:-} ${TEST_CONFORMANCE_NOTIFY2:-} ${TEST_CONFORMANCE_CLUSREG:-} ${TEST_CONFORMANCE_LOOKUPS:-}; do
			CLUSAPI_LPC_SOCKET=$dir/cd$n/lpc CONFORMANCE_BACKEND=pacemaker timeout 60 "$t" 9>&- || rc=1
		done
		# controls of every object kind and networks (issue 13)
		if [ -n "${TEST_CONFORMANCE_CONTROLS:-}" ]; then
			echo "---- controls and networks against node $n's clusterd"
			CLUSAPI_LPC_SOCKET=$dir/cd$n/lpc CONFORMANCE_BACKEND=pacemaker timeout 90 "$TEST_CONFORMANCE_CONTROLS" 9>&- || rc=1
		fi
	done
	# The constraints as Pacemaker's own tools see them (issue 11).
	PCMK_DIR=$dir CLUSTER_SH=$cluster_sh timeout 60 bash "$here/deps.sh" 9>&- || rc=1
	# A deleted Generic Service (systemd:, no systemd in the nodes) leaves no orphan.
	PCMK_DIR=$dir CLUSTER_SH=$cluster_sh timeout 90 bash "$here/gensvc.sh" 9>&- || rc=1
	PCMK_DIR=$dir CLUSTER_SH=$cluster_sh timeout 60 bash "$here/clusctl.sh" 9>&- || rc=1
elif [ "${1:-}" = evict ]; then
	# EvictNode: node 3 stopped, then evicted through node 2 (evict.sh).
	PCMK_DIR=$dir CLUSTER_SH=$cluster_sh timeout 200 bash "$here/evict.sh" 9>&- || rc=1
elif [ "${1:-}" = partition ]; then
	# Writes through both sides of a network partition (partition.sh).
	PCMK_DIR=$dir CLUSTER_SH=$cluster_sh timeout 200 bash "$here/partition.sh" 9>&- || rc=1
elif [ "${1:-}" = cibstate ]; then
	# The ACL, the accounts and the registry, cluster-wide (cibstate.sh; it
	# restarts the whole cluster once, with start_clusterd from here).
	export -f start_clusterd wait_clusterd
	dir=$dir cluster_sh=$cluster_sh PCMK_DIR=$dir CLUSTER_SH=$cluster_sh timeout 200 bash "$here/cibstate.sh" 9>&- || rc=1
else
	PCMK_DIR=$dir CLUSTER_SH=$cluster_sh timeout 180 "$TEST_PACEMAKER" 9>&- || rc=$?
	# Reconnecting as hacluster: the CIB daemon of a node whose stack the
	# tests left running killed (pacemakerd starts another); its clusterd
	# must connect again, without root, and write through it within 20 s.
	node="" based=""
	for n in 3 2 1; do
		pm=$(cat "$dir/n$n/pacemakerd.pid" 2>/dev/null)
		[ -n "$pm" ] && based=$(pgrep -P "$pm" -f pacemaker-based) && { node=$n; break; }
	done
	if [ -z "$node" ] || ! kill -KILL "$based"; then
		echo "FAIL: no node with a pacemaker-based left to restart"
		rc=1
	else
		ok=0
		for _ in $(seq 1 40); do
			sleep 0.5
			CLUSAPI_LPC_SOCKET=$dir/cd$node/lpc "$CLUSCTL" group create after-cib-restart >/dev/null 2>&1 && { ok=1; break; }
		done
		if [ $ok = 1 ] && "$cluster_sh" exec "$dir" "$node" cibadmin --query --scope resources 2>/dev/null |
			grep -q 'id="after-cib-restart"'; then
			echo "ok: node $node's CIB daemon killed: its clusterd (hacluster) reconnected and wrote a group"
		else
			echo "FAIL: node $node's clusterd did not write through a new CIB connection within 20 s of the CIB daemon's restart"
			rc=1
		fi
	fi
fi

# A clean stop: each clusterd ends on SIGTERM within 5 s (its CIB watch
# thread joined), and nothing in its log from a sanitizer.
for n in 1 2 3; do
	[ -e "$dir/n$n/clusterd.stopped" ] && continue # stopped by the test (evict.sh)
	# -o: clusterd, not its helper (a child with the same command line)
	pid=$(pgrep -o -f "^$CLUSTERD --backend pacemaker -s $dir/cd$n ")
	if [ -z "$pid" ]; then
		echo "clusterd on node $n is gone before the end of the tests"
		rc=1
		continue
	fi
	kill -TERM "$pid"
	for _ in $(seq 1 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "clusterd on node $n did not stop within 5 s of SIGTERM"
		rc=1
	fi
	if grep -q "Sanitizer\|runtime error" "$dir/cd$n/clusterd.log"; then
		echo "clusterd on node $n: sanitizer report"
		rc=1
	fi
done
if [ $rc -ne 0 ]; then
	for n in 1 2 3; do
		echo "---- clusterd on node $n"
		tail -20 "$dir/cd$n/clusterd.log"
	done
	"$cluster_sh" status "$dir"
fi
exit $rc
