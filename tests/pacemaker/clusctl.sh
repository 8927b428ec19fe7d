#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# clusctl on the 3-node cluster (run by `run.sh conformance`, which starts the
# cluster and a clusterd per node): a group of two ocf:pacemaker:Dummy
# resources created, brought online, moved and taken offline with clusctl,
# each step through another node's clusterd (CLUSAPI_LPC_SOCKET=$dir/cdN/lpc)
# and each confirmed by Pacemaker itself (crm_mon -1 --output-as=xml inside a
# node); `clusctl --json group list` gives the same groups from every node;
# a resource of a Windows type (IP Address) is the mapped agent in the CIB.
# Every wait is bounded (WAIT_S each).
# Env: PCMK_DIR, CLUSTER_SH, CLUSCTL.
set -u
dir=$PCMK_DIR
WAIT_S=30
group="Clusctl Group"
failures=0

ctl() { # N ARGS...: clusctl through node N's clusterd
	local n=$1
	shift
	CLUSAPI_LPC_SOCKET=$dir/cd$n/lpc "$CLUSCTL" "$@"
}

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# Where crm_mon (run inside node N) says RSC is started and not failed; empty
# when it is not.  crm_mon's XML has the resource's attributes on one line and
# the node it runs on on the next.
rsc_where() { # N RSC
	"$CLUSTER_SH" exec "$dir" "$1" crm_mon -1 --output-as=xml 2>/dev/null |
		grep -A1 "<resource id=\"$2\" " |
		awk '/<resource / { ok = /role="Started"/ && /active="true"/ && /failed="false"/; next }
		     ok && /<node name="/ { sub(/.*<node name="/, ""); sub(/".*/, ""); print; exit }'
}

# Wait until crm_mon on node N shows both members on WANT ("any": on one same
# node; "": both stopped).  Prints the node.
wait_group() { # N WANT
	local n=$1 want=$2 a b end=$((SECONDS + WAIT_S))
	while :; do
		a=$(rsc_where "$n" clusctl-a)
		b=$(rsc_where "$n" clusctl-b)
		if [ "$a" = "$b" ]; then
			if [ "$want" = any ] && [ -n "$a" ]; then break; fi
			if [ "$want" != any ] && [ "$a" = "$want" ]; then break; fi
		fi
		if [ $SECONDS -ge $end ]; then
			echo "crm_mon on node $n: clusctl-a on \"$a\", clusctl-b on \"$b\", wanted \"$want\"" >&2
			return 1
		fi
		sleep 0.3
	done
	echo "$a"
}

# `clusctl --json group list` through node N, one group a line, sorted.
groups_json() { # N
	ctl "$1" --json group list | sed 's/},{/}\n{/g; s/^\[//; s/\]$//' | sort
}

t0=$(date +%s%N)
ms() { echo "$((($(date +%s%N) - t0) / 1000000)) ms"; }

# Create (through node 1).
ctl 1 group create "$group" >/dev/null || fail "group create"
for r in clusctl-a clusctl-b; do
	ctl 1 resource create "$r" --group "$group" --type ocf:pacemaker:Dummy >/dev/null || fail "resource create $r"
done
"$CLUSTER_SH" exec "$dir" 3 cibadmin -Q -o resources 2>/dev/null | grep -q '<group id="Clusctl_Group"' ||
	fail "the group is not in the CIB"

# Online (through node 2).
t0=$(date +%s%N)
ctl 2 group online "$group" >/dev/null || fail "group online"
owner=$(wait_group 3 any) || fail "crm_mon does not show the group started"
echo "# clusctl group online: started on ${owner:-?} ($(ms))"
# clusctl through node 2 says so too (its view follows the CIB: bounded poll).
end=$((SECONDS + 10))
until ctl 2 --json group show "$group" | grep -q "\"state\":\"online\".*\"owner_node\":\"$owner\""; do
	if [ $SECONDS -ge $end ]; then
		fail "clusctl group show does not say online on $owner: $(ctl 2 --json group show "$group")"
		break
	fi
	sleep 0.2
done

# Move (through node 3) to another node.
case $owner in node1) target=node2 ;; *) target=node1 ;; esac
t0=$(date +%s%N)
ctl 3 group move "$group" "$target" >/dev/null || fail "group move"
where=$(wait_group 1 "$target") || fail "crm_mon does not show the group on $target"
echo "# clusctl group move: $owner -> ${where:-?} ($(ms))"

# Every node's clusterd lists the same groups, states and owners (the others
# learn of a change through CIB notifications: poll, bounded).
end=$((SECONDS + 10))
while :; do
	g1=$(groups_json 1) g2=$(groups_json 2) g3=$(groups_json 3)
	[ "$g1" = "$g2" ] && [ "$g1" = "$g3" ] && break
	if [ $SECONDS -ge $end ]; then
		fail "clusctl --json group list differs between nodes:"
		printf 'node1: %s\nnode2: %s\nnode3: %s\n' "$g1" "$g2" "$g3"
		break
	fi
	sleep 0.2
done
grep -q "\"name\":\"$group\".*\"state\":\"online\".*\"owner_node\":\"$target\"" <<<"$g1" ||
	fail "clusctl --json group list does not show the group online on $target: $g1"

# Offline (through node 1).
t0=$(date +%s%N)
ctl 1 group offline "$group" >/dev/null || fail "group offline"
wait_group 2 "" >/dev/null || fail "crm_mon does not show the group stopped"
echo "# clusctl group offline: stopped ($(ms))"

# Delete (from the end of the chain), gone from the CIB.
ctl 2 resource delete clusctl-b >/dev/null || fail "resource delete clusctl-b"
ctl 2 resource delete clusctl-a >/dev/null || fail "resource delete clusctl-a"
ctl 2 group delete "$group" >/dev/null || fail "group delete"
if "$CLUSTER_SH" exec "$dir" 1 cibadmin -Q -o configuration 2>/dev/null | grep -q 'Clusctl_Group\|clusctl-a'; then
	fail "the group is still in the CIB"
fi

# Windows resource types (doc/restypes.md): an "IP Address" is an
# ocf:heartbeat:IPaddr2 primitive that keeps its Windows type in meta
# clusapi-type (cibadmin), and every node's clusterd says so.
tgroup="Clusctl Types"
ctl 1 group create "$tgroup" >/dev/null || fail "group create $tgroup"
ctl 1 resource create clusctl-ip --group "$tgroup" --type "IP Address" >/dev/null || fail "resource create (IP Address)"
prim=$("$CLUSTER_SH" exec "$dir" 2 cibadmin -Q -o resources 2>/dev/null | grep -A3 '<primitive id="clusctl-ip"')
grep -q 'class="ocf"' <<<"$prim" && grep -q 'provider="heartbeat"' <<<"$prim" && grep -q 'type="IPaddr2"' <<<"$prim" ||
	fail "clusctl-ip is not an ocf:heartbeat:IPaddr2 primitive in the CIB: $prim"
"$CLUSTER_SH" exec "$dir" 2 cibadmin -Q -o resources 2>/dev/null |
	grep -q 'name="clusapi-type" value="IP Address"' || fail "clusctl-ip has no meta clusapi-type=\"IP Address\""
end=$((SECONDS + 10))
until ctl 3 --json resource show clusctl-ip 2>/dev/null | grep -q '"type":"IP Address"'; do
	if [ $SECONDS -ge $end ]; then
		fail "clusctl resource show through node 3: $(ctl 3 --json resource show clusctl-ip 2>&1)"
		break
	fi
	sleep 0.2
done
ctl 3 --json resource type show "IP Address" |
	grep -q '"available":"yes","implementation":"ocf:heartbeat:IPaddr2".*"resources":\["clusctl-ip"\]' ||
	fail "clusctl resource type show \"IP Address\": $(ctl 3 --json resource type show "IP Address" 2>&1)"
ctl 2 resource type list | grep -q '^MSMQ  *no  *not available$' || fail "MSMQ is not listed as not available"
out=$(ctl 2 resource create clusctl-mq --group "$tgroup" --type MSMQ 2>&1) &&
	fail "a resource of MSMQ was created"
grep -q ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED <<<"$out" || fail "resource create (MSMQ): $out"
# Failure policies (failpolicy.c): set through clusctl, seen in the CIB as
# Pacemaker's meta attributes and monitor interval, read back through another node.
ctl 1 resource set clusctl-ip RestartThreshold 2 >/dev/null || fail "resource set RestartThreshold"
ctl 1 resource set clusctl-ip RestartPeriod 120000 >/dev/null || fail "resource set RestartPeriod"
ctl 1 resource set clusctl-ip IsAlivePollInterval 30000 >/dev/null || fail "resource set IsAlivePollInterval"
ctl 1 group set "$tgroup" AutoFailbackType 0 >/dev/null || fail "group set AutoFailbackType"
cib=$("$CLUSTER_SH" exec "$dir" 3 cibadmin -Q -o resources 2>/dev/null)
grep -q 'name="migration-threshold" value="3"' <<<"$cib" || fail "no migration-threshold=3 in the CIB"
grep -q 'name="failure-timeout" value="120s"' <<<"$cib" || fail "no failure-timeout=120s in the CIB"
grep -q 'name="monitor" interval="30000ms"\|interval="30000ms" name="monitor"' <<<"$cib" ||
	fail "the monitor interval is not 30000ms in the CIB"
grep -q 'name="resource-stickiness" value="INFINITY"' <<<"$cib" || fail "no resource-stickiness=INFINITY in the CIB"
end=$((SECONDS + 10))
until ctl 2 --json resource get clusctl-ip | grep -q '"RestartThreshold":2,"RestartPeriod":120000,.*"IsAlivePollInterval":30000'; do
	if [ $SECONDS -ge $end ]; then
		fail "clusctl resource get through node 2: $(ctl 2 --json resource get clusctl-ip 2>&1)"
		break
	fi
	sleep 0.2
done
ctl 3 --json group get "$tgroup" | grep -q '"AutoFailbackType":0' || fail "group get AutoFailbackType"
out=$(ctl 1 resource set clusctl-ip RestartDelay 100 2>&1) && fail "RestartDelay was set on Pacemaker"
grep -q ERROR_NOT_SUPPORTED <<<"$out" || fail "resource set RestartDelay: $out"
echo "# failure policies: migration-threshold, failure-timeout, monitor interval, resource-stickiness in the CIB"
ctl 1 resource delete clusctl-ip >/dev/null || fail "resource delete clusctl-ip"
ctl 1 group delete "$tgroup" >/dev/null || fail "group delete $tgroup"
echo "# Windows type IP Address: ocf:heartbeat:IPaddr2 in the CIB, meta clusapi-type; MSMQ not available"

# The restart policy as Pacemaker carries it out: RestartThreshold 1 is
# migration-threshold 2, so a resource whose monitor finds it dead is
# restarted in place the first time and moved to another node the second
# (crm_mon says where).  The failures are real ones: the Dummy agent's state
# file removed on the node running it, found by a monitor every second
# (IsAlivePollInterval 1000).  FailClusterResource is not used here: on this
# Pacemaker one controller fail request counts two failures.
pgroup="Clusctl Policy"
ctl 1 group create "$pgroup" >/dev/null || fail "group create $pgroup"
ctl 1 resource create clusctl-p --group "$pgroup" --type ocf:pacemaker:Dummy >/dev/null || fail "resource create clusctl-p"
ctl 1 resource set clusctl-p RestartThreshold 1 >/dev/null || fail "resource set RestartThreshold 1"
ctl 1 resource set clusctl-p IsAlivePollInterval 1000 >/dev/null || fail "resource set IsAlivePollInterval 1000"
ctl 1 group online "$pgroup" >/dev/null || fail "group online $pgroup"
end=$((SECONDS + WAIT_S))
until powner=$(rsc_where 1 clusctl-p) && [ -n "$powner" ]; do
	[ $SECONDS -ge $end ] && { fail "clusctl-p did not start"; break; }
	sleep 0.2
done
kill_dummy() { # NODE: the Dummy agent's state file goes, so its monitor finds it stopped
	"$CLUSTER_SH" exec "$dir" "${1#node}" rm -f /run/resource-agents/Dummy-clusctl-p.state /run/Dummy-clusctl-p.state
}
failures_of() { # NODE: clusctl-p's recorded failure count there (status section)
	"$CLUSTER_SH" exec "$dir" 1 cibadmin -Q -o status 2>/dev/null |
		sed -n "/<node_state [^>]*uname=\"$1\"/,/<\/node_state>/p" |
		sed -n 's/.*name="fail-count-clusctl-p#monitor_[0-9]*" value="\([0-9]*\)".*/\1/p' | head -1
}
if [ -n "$powner" ]; then
	t0=$(date +%s%N)
	kill_dummy "$powner"
	end=$((SECONDS + WAIT_S))
	until [ "$(failures_of "$powner")" = 1 ] && [ "$(rsc_where 1 clusctl-p)" = "$powner" ]; do
		[ $SECONDS -ge $end ] && { fail "after one failure clusctl-p is not running again on $powner (failures: $(failures_of "$powner"), on: $(rsc_where 1 clusctl-p))"; break; }
		sleep 0.05
	done
	echo "# RestartThreshold 1, first failure: restarted on $powner ($(ms) from the kill, monitor every 1 s)"
	t0=$(date +%s%N)
	kill_dummy "$powner"
	end=$((SECONDS + WAIT_S))
	while :; do
		pnow=$(rsc_where 1 clusctl-p)
		[ -n "$pnow" ] && [ "$pnow" != "$powner" ] && break
		[ $SECONDS -ge $end ] && { fail "after two failures clusctl-p did not move from $powner"; break; }
		sleep 0.05
	done
	echo "# RestartThreshold 1, second failure: moved $powner -> ${pnow:-?} ($(ms) from the kill)"
fi
ctl 1 group offline "$pgroup" >/dev/null || fail "group offline $pgroup"
end=$((SECONDS + WAIT_S))
while [ -n "$(rsc_where 1 clusctl-p)" ]; do
	[ $SECONDS -ge $end ] && { fail "clusctl-p did not stop"; break; }
	sleep 0.2
done
until ctl 1 resource delete clusctl-p >/dev/null 2>&1; do
	[ $SECONDS -ge $end ] && { fail "resource delete clusctl-p"; break; }
	sleep 0.2
done
ctl 1 group delete "$pgroup" >/dev/null || fail "group delete $pgroup"

# A network cannot be renamed here (issue 13, doc/pacemaker.md): exit 1 and
# ERROR_NOT_SUPPORTED, the network keeps its name.
out=$(ctl 1 network rename "Cluster Network 1" Heartbeat 2>&1)
rc=$?
[ $rc -eq 1 ] && grep -q "ERROR_NOT_SUPPORTED" <<<"$out" ||
	fail "clusctl network rename on Pacemaker: exit $rc, $out (wanted 1 and ERROR_NOT_SUPPORTED)"
ctl 2 network show "Cluster Network 1" >/dev/null || fail "Cluster Network 1 is gone after a refused rename"
if [ $failures -ne 0 ]; then
	echo "clusctl.sh: $failures failure(s)"
	exit 1
fi
echo "clusctl.sh: online, move, offline confirmed by crm_mon; the same group list from 3 nodes"
