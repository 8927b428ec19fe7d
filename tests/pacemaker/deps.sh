#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Dependencies and owners on the 3-node cluster, as Pacemaker's own tools see
# them (issue 11; run by `run.sh conformance`): clusctl through one node's
# clusterd writes, `cibadmin --query` and `crm_mon --output-as=xml` inside
# another node check the constraints and where things run, and another
# node's clusterd reads them back.  A group deps-check of three
# ocf:pacemaker:Dummy (deps-a, deps-b, deps-c: a chain, so deps-c's own
# dependency is on deps-a).  Every wait is bounded.
# Env: PCMK_DIR, CLUSTER_SH, CLUSCTL.
set -u
dir=$PCMK_DIR
WAIT_S=30
group=deps-check
failures=0

ctl() { # N ARGS...
	local n=$1
	shift
	CLUSAPI_LPC_SOCKET=$dir/cd$n/lpc "$CLUSCTL" "$@"
}

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

constraints() { # N: the constraints section through node N
	"$CLUSTER_SH" exec "$dir" "$1" cibadmin --query --scope constraints 2>/dev/null
}

has_constraint() { # N PATTERN...: every pattern on one line of the section
	local line
	line=$(constraints "$1" | grep -F -- "$2")
	shift 2
	[ -n "$line" ] || return 1
	for p in "$@"; do
		grep -qF -- "$p" <<<"$line" || return 1
	done
}

# Where crm_mon (inside node N) says RSC runs (started, not failed), or "".
rsc_where() { # N RSC
	"$CLUSTER_SH" exec "$dir" "$1" crm_mon -1 --output-as=xml 2>/dev/null |
		grep -A1 "<resource id=\"$2\" " |
		awk '/<resource / { ok = /role="Started"/ && /active="true"/ && /failed="false"/; next }
		     ok && /<node name="/ { sub(/.*<node name="/, ""); sub(/".*/, ""); print; exit }'
}

wait_where() { # N RSC WANT
	local end=$((SECONDS + WAIT_S)) w
	while :; do
		w=$(rsc_where "$1" "$2")
		[ "$w" = "$3" ] && return 0
		[ $SECONDS -ge $end ] && { echo "crm_mon on node $1: $2 on \"$w\", wanted \"$3\"" >&2; return 1; }
		sleep 0.3
	done
}

ctl 1 group create $group >/dev/null || fail "group create"
for r in deps-a deps-b deps-c; do
	ctl 1 resource create $r --group $group --type ocf:pacemaker:Dummy >/dev/null || fail "resource create $r"
done

# A dependency: an order and a colocation constraint, as pcs names them.
ctl 2 resource depend deps-c deps-a >/dev/null || fail "resource depend deps-c deps-a"
has_constraint 3 'id="order-deps-a-deps-c-mandatory"' 'first="deps-a"' 'then="deps-c"' 'kind="Mandatory"' ||
	fail "no order constraint deps-a then deps-c: $(constraints 3)"
has_constraint 3 'id="colocation-deps-c-deps-a-INFINITY"' 'rsc="deps-c"' 'with-rsc="deps-a"' 'score="INFINITY"' ||
	fail "no colocation constraint deps-c with deps-a: $(constraints 3)"
out=$(ctl 3 --json resource depend deps-c deps-a 2>&1) && fail "a second depend succeeded: $out"
grep -q ERROR_DEPENDENCY_ALREADY_EXISTS <<<"$out" || fail "a second depend: $out"
json=$(ctl 1 --json resource owners deps-a)
[ "$json" = '{"name":"deps-a","possible_owners":["node1","node2","node3"]}' ] || fail "possible owners: $json"

# Possible owners: a -INFINITY location for a node taken away.
ctl 2 resource owners deps-a remove node3 >/dev/null || fail "resource owners remove node3"
has_constraint 1 'id="location-deps-a-node3--INFINITY"' 'rsc="deps-a"' 'node="node3"' 'score="-INFINITY"' ||
	fail "no -INFINITY location of deps-a on node3: $(constraints 1)"
json=$(ctl 3 --json resource owners deps-a)
[ "$json" = '{"name":"deps-a","possible_owners":["node1","node2"]}' ] || fail "possible owners after remove: $json"

# Preferred owners: scored locations, highest first; Pacemaker places the
# group on the most preferred node.
ctl 1 group owners $group set node2 node1 >/dev/null || fail "group owners set"
has_constraint 2 'id="location-deps-check-node2-200"' 'rsc="deps-check"' 'node="node2"' 'score="200"' ||
	fail "no location deps-check node2 200: $(constraints 2)"
has_constraint 2 'id="location-deps-check-node1-100"' 'node="node1"' 'score="100"' ||
	fail "no location deps-check node1 100: $(constraints 2)"
json=$(ctl 3 --json group owners $group)
[ "$json" = '{"name":"deps-check","preferred_owners":["node2","node1"]}' ] || fail "preferred owners: $json"

ctl 3 group online $group >/dev/null || fail "group online"
for r in deps-a deps-b deps-c; do
	wait_where 1 $r node2 || fail "crm_mon does not show $r on node2, the preferred owner"
done
# Not to a node that deps-a may not run on; nothing moves.
out=$(ctl 2 group move $group node3 2>&1) && fail "a move to node3 succeeded: $out"
grep -q ERROR_HOST_NODE_NOT_RESOURCE_OWNER <<<"$out" || fail "move to node3: $out"
constraints 1 | grep -q 'cli-prefer-deps-check' && fail "the refused move wrote a cli-prefer constraint"
# Offline the provider: its dependents stop, Pacemaker's ordering.
ctl 1 resource offline deps-a >/dev/null || fail "resource offline deps-a"
for r in deps-a deps-b deps-c; do
	wait_where 2 $r "" || fail "crm_mon still shows $r running after deps-a went offline"
done

# Undo through the API and check the CIB is clean again.
ctl 2 resource undepend deps-c deps-a >/dev/null || fail "resource undepend"
ctl 3 resource owners deps-a add node3 >/dev/null || fail "resource owners add node3"
ctl 1 group owners $group set >/dev/null || fail "group owners set (none)"
if constraints 2 | grep -q 'deps-'; then
	fail "constraints left: $(constraints 2 | grep 'deps-')"
fi
ctl 3 group offline $group >/dev/null
for r in deps-c deps-b deps-a; do
	ctl 2 resource delete $r >/dev/null || fail "resource delete $r"
done
ctl 2 group delete $group >/dev/null || fail "group delete"

if [ $failures -ne 0 ]; then
	echo "deps.sh: $failures failure(s)"
	exit 1
fi
echo "deps.sh: order, colocation and location constraints as pcs names them, placement on the preferred node and a refused move confirmed with cibadmin and crm_mon"
