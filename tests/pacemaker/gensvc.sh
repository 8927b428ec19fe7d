#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A deleted resource leaves nothing behind on Pacemaker (issue 11; run by
# `run.sh conformance`).  A Generic Service is systemd:UNIT, and in the test
# cluster (PID 1 of the nodes is not systemd) its probe fails ("No DBus
# connection") and its stop cannot run: deleted from the configuration alone
# it would stay in crm_mon as a blocked orphan until `crm_resource --cleanup`.
# clusterd's delete does that cleanup (src/backend/pacemaker/cleanup.c): once
# deleted through node 1's clusterd, crm_mon --output-as=xml and the status
# section (`cibadmin --query --scope status`: operation history, fail counts)
# of another node no longer name the resource nor its group's placeholder.
# Then a resource type made by a client (CreateClusterResourceType through
# the RESTYPE tool): a resource template in the CIB (cibadmin), listed through
# every node, its resources primitives of its agent (crm_mon), not deleted
# while in use, its template gone once deleted.
# Every wait is bounded.  Env: PCMK_DIR, CLUSTER_SH, CLUSCTL, RESTYPE.
set -u
dir=$PCMK_DIR
WAIT_S=30
group=gensvc-check
rsc=gensvc-svc
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

mon() { "$CLUSTER_SH" exec "$dir" "$1" crm_mon -1 --output-as=xml 2>/dev/null; }
status() { "$CLUSTER_SH" exec "$dir" "$1" cibadmin --query --scope status 2>/dev/null; }

# The resource's lines in crm_mon's resources and history, and in the status
# section (lrm_resource, fail-count-RSC#..., last-failure-RSC#...).
traces() { # N
	{
		mon "$1" | grep -E "<resource(_history)? id=\"($rsc|$group-clusapi-empty)\""
		status "$1" | grep -E "id=\"($rsc|$group-clusapi-empty)\"|-($rsc|$group-clusapi-empty)#"
	} | head -5
}

ctl 1 group create $group >/dev/null || fail "group create"
ctl 1 resource create $rsc --group $group --type "Generic Service" >/dev/null || fail "resource create"
mon 2 | grep -q "<resource id=\"$rsc\" resource_agent=\"systemd:$rsc\"" ||
	fail "crm_mon does not show $rsc as systemd:$rsc: $(mon 2 | grep -F "$rsc")"

# The situation: no systemd in the nodes, the probe fails.  (Where the nodes
# had systemd this would not happen; the cleanup is checked all the same.)
end=$((SECONDS + WAIT_S))
until mon 2 | grep "<resource id=\"$rsc\" " | grep -q 'failed="true"'; do
	if [ $SECONDS -ge $end ]; then
		echo "note: $rsc did not fail within $WAIT_S s (systemd in the nodes?)"
		break
	fi
	sleep 0.3
done

ctl 1 resource delete $rsc >/dev/null || fail "resource delete"
ctl 1 group delete $group >/dev/null || fail "group delete"
end=$((SECONDS + WAIT_S))
while t=$(traces 2) && [ -n "$t" ]; do
	if [ $SECONDS -ge $end ]; then
		fail "$WAIT_S s after the delete, node 2 still has: $t"
		break
	fi
	sleep 0.3
done
t=$(traces 3)
[ -z "$t" ] || fail "node 3 still has: $t"
mon 3 | grep -q 'orphaned="true"' && fail "crm_mon on node 3 shows an orphan: $(mon 3 | grep 'orphaned="true"')"

[ $failures -eq 0 ] && echo "gensvc.sh: a deleted Generic Service leaves nothing in crm_mon or the status section"

# A type made by a client (CreateClusterResourceType through RESTYPE): a
# resource template in the CIB that every node lists, whose resources are
# primitives of its agent, refused deletion while in use.
if [ -z "${RESTYPE:-}" ]; then
	echo "note: RESTYPE not set: the resource type checks are not run"
	exit $((failures > 0))
fi
rt() { # N ARGS...
	local n=$1
	shift
	CLUSAPI_LPC_SOCKET=$dir/cd$n/lpc "$RESTYPE" "$@"
}
tname="Gensvc Type $$"
resources() { "$CLUSTER_SH" exec "$dir" "$1" cibadmin --query --scope resources 2>/dev/null; }
out=$(rt 1 create "$tname" "Generic Service") && fail "a type made from Generic Service: $out"
[ "$out" = ERROR_NOT_SUPPORTED ] || fail "a type made from Generic Service: $out, wanted ERROR_NOT_SUPPORTED"
out=$(rt 1 create "$tname" ocf:pacemaker:Dummy) || fail "restype create: $out"
tpl=$(resources 3 | grep -F '<template ')
grep -q 'class="ocf"' <<<"$tpl" && grep -q 'provider="pacemaker"' <<<"$tpl" && grep -q 'type="Dummy"' <<<"$tpl" ||
	fail "no template of ocf:pacemaker:Dummy in the CIB: $tpl"
resources 3 | grep -qF "value=\"$tname\"" || fail "the template does not name $tname: $(resources 3 | grep -A4 '<template ')"
json=$(ctl 2 --json resource type show "$tname") || fail "clusctl resource type show through node 2: $json"
grep -q '"ocf:pacemaker:Dummy' <<<"$json" || fail "type show: $json"
ctl 2 group create $group >/dev/null || fail "group create (types)"
ctl 2 resource create gensvc-typed --group $group --type "$tname" >/dev/null || fail "resource create of $tname"
mon 3 | grep -q '<resource id="gensvc-typed" resource_agent="ocf:pacemaker:Dummy"' ||
	fail "crm_mon: gensvc-typed is not ocf:pacemaker:Dummy: $(mon 3 | grep -F gensvc-typed)"
json=$(ctl 3 --json resource show gensvc-typed)
grep -qF "\"type\":\"$tname\"" <<<"$json" || fail "resource show through node 3: $json"
out=$(rt 3 delete "$tname") && fail "type deleted while in use"
[ "$out" = ERROR_DIR_NOT_EMPTY ] || fail "delete while in use: $out, wanted ERROR_DIR_NOT_EMPTY"
ctl 1 resource delete gensvc-typed >/dev/null || fail "resource delete gensvc-typed"
ctl 1 group delete $group >/dev/null || fail "group delete (types)"
out=$(rt 2 delete "$tname") || fail "restype delete: $out"
resources 1 | grep -qF '<template ' && fail "the template is still in the CIB: $(resources 1 | grep -F '<template ')"
out=$(rt 2 delete "$tname") && fail "deleted twice"
[ "$out" = ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND ] || fail "delete twice: $out"
[ $failures -eq 0 ] && echo "gensvc.sh: a resource type made by a client is a resource template in the CIB"
exit $((failures > 0))
