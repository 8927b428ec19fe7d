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
# Every wait is bounded.  Env: PCMK_DIR, CLUSTER_SH, CLUSCTL.
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
exit $((failures > 0))
