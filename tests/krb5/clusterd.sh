#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Kerberos end to end, run by kdc.sh next to a throwaway KDC (KRB5_CONFIG,
# KRB5CCNAME with alice's TGT, KRB5_KTNAME with the service keys):
#  - clusterd finds the keytab and offers Kerberos;
#  - OpenClusterEx("localhost") with alice's ticket (SPNEGO -> Kerberos,
#    PKT_PRIVACY): clusctl shows alice's access, which the ACL grants to
#    kerberos:alice@REALM (read) or, through her local name, user:alice;
#  - without a ticket and without other credentials: refused;
#  - smbtorture with Kerberos required and [seal] (in a private mount
#    namespace where node1.clusapi.test is 127.0.0.1: Samba will not use
#    Kerberos for "localhost"; needs root, skipped otherwise).
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/lib.sh"
: "${CLUSCTL:?CLUSCTL must name the clusctl binary}"
: "${KRB5CCNAME:?run me through kdc.sh}"
realm=$CLUSAPI_KRB5_REALM

start_daemon --listen 127.0.0.1:0 --epmapper 127.0.0.1:0 --node-name node1
grep -q "Kerberos: accepting" "$TMP/clusterd.log" || fail "clusterd did not find the keytab"

# The ACL names alice by her principal: read.
cat > "$TMP/state/cluster.acl.new" <<EOF
uid:0 full
kerberos:alice@$realm read
EOF
mv "$TMP/state/cluster.acl.new" "$TMP/state/cluster.acl"
out=$("$CLUSCTL" --cluster localhost cluster 2>&1) || fail "clusctl over Kerberos: $out"
echo "$out" | grep -q "^Access: *read" || fail "alice (kerberos:alice@$realm read) should have read access: $out"
echo "ok: clusctl --cluster localhost with alice's ticket: read access"

# Her local name (auth_to_local: alice@REALM -> alice) matches user:alice.
sleep 1.1 # a new mtime for the ACL
printf 'uid:0 full\nuser:alice full\n' > "$TMP/state/cluster.acl.new"
mv "$TMP/state/cluster.acl.new" "$TMP/state/cluster.acl"
out=$("$CLUSCTL" --cluster localhost cluster 2>&1) || fail "clusctl over Kerberos (user:alice): $out"
echo "$out" | grep -q "^Access: *full" || fail "alice (user:alice full) should have full access: $out"
echo "ok: user:alice matches alice@$realm through her local name: full access"

# No ticket, no credentials: refused.
out=$(KRB5CCNAME=FILE:/nonexistent "$CLUSCTL" --cluster localhost cluster 2>&1) &&
	fail "no ticket and no credentials were let in: $out"
echo "$out" | grep -q "ERROR_ACCESS_DENIED" || fail "no ticket: not access denied: $out"
echo "ok: without a ticket: access denied"

if [ "$(id -u)" -ne 0 ]; then
	stop_daemon || fail "clusterd did not stop cleanly"
	skip "smbtorture over Kerberos needs a private /etc/hosts (root)"
fi
command -v smbtorture > /dev/null || fail "smbtorture is not installed (package samba-testsuite)"
printf '127.0.0.1 localhost\n127.0.0.1 node1.clusapi.test\n' > "$TMP/hosts"
# Samba reads its own krb5 settings from KRB5_CONFIG too.
# Samba's Kerberos asks for an upper-cased host in the SPN unless the
# principal is named; MIT's KDC compares principals exactly.
spn="MSServerClusterMgmtAPI/node1.clusapi.test@$realm"
out=$(unshare -m sh -c "mount --bind '$TMP/hosts' /etc/hosts && exec timeout 300 smbtorture \
	'ncacn_ip_tcp:node1.clusapi.test[$TCP_PORT,seal,target_principal=$spn]' --use-kerberos=required -U alice@$realm \
	--password=\"\$(cat '$CLUSAPI_KRB5_PASSFILE')\" rpc.clusapi.cluster" 2>&1)
ok=$(echo "$out" | grep -c '^success: cluster\.')
bad=$(echo "$out" | grep -c '^failure: cluster\.\|^error: cluster\.')
[ "$bad" -eq 0 ] && [ "$ok" -ge 14 ] ||
	fail "smbtorture rpc.clusapi.cluster over Kerberos: $ok passed, $bad failed: $(echo "$out" | grep -v '^time:' | tail -30)"
echo "ok: smbtorture rpc.clusapi.cluster with Kerberos required, [seal]: $ok passed"
stop_daemon || fail "clusterd did not stop cleanly (sanitizer report or crash?)"
echo "krb5-clusterd: all checks passed"
