#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# clusctl on the 3-node cluster (run by `run.sh conformance`, which starts the
# cluster and a clusterd per node): a group of two ocf:pacemaker:Dummy
# resources created, brought online, moved and taken offline with clusctl,
# each step through another node's clusterd (CLUSAPI_LPC_SOCKET=$dir/cdN/lpc)
# and each confirmed by Pacemaker itself (crm_mon -1 --output-as=xml inside a
# node); `clusctl --json group list` gives the same groups from every node.
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
