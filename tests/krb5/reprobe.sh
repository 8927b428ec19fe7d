#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The library decides once per process whether Kerberos can be used and
# keeps that answer (auth_gssapi.c) while the ticket cache file, krb5.conf and
# the environment stay as they were.  Run by kdc.sh: one client process
# (krb5_reprobe) opens the cluster over TCP again and again while its ticket
# comes (kinit) and goes (kdestroy) between the opens:
#  - anonymous (clusterd --allow-anonymous; the ACL gives anonymous read,
#    alice full): no ticket -> read; kinit -> full (Kerberos); kdestroy ->
#    read; kinit again -> full;
#  - NTLM (CLUSAPI_CREDENTIALS names account bob, read): no ticket -> read;
#    kinit -> full; kdestroy -> read;
#  - threads opening while kinit replaces the ticket cache keep getting in;
#  - the service ticket is asked of the KDC once per ticket cache, not per
#    open (TGS-REQs counted in the KDC's log), and lands in the ticket cache
#    file, where the next process finds it.
set -u
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../interop/lib.sh"
: "${CLUSCTL:?CLUSCTL must name the clusctl binary}"
: "${REPROBE:?REPROBE must name the krb5_reprobe binary}"
: "${KRB5CCNAME:?run me through kdc.sh}"
realm=$CLUSAPI_KRB5_REALM
kdc_log=$CLUSAPI_KRB5_DIR/kdc.log
tgs() { grep -c "TGS_REQ.* for MSServerClusterMgmtAPI/localhost@$realm" "$kdc_log"; }

# A ticket cache of our own, empty at first.
export KRB5CCNAME="FILE:$TMP/ccache"
kinit_cmd="run:kinit alice < '$CLUSAPI_KRB5_PASSFILE' > '$TMP/kinit.log' 2>&1"

start_daemon --listen 127.0.0.1:0 --epmapper 127.0.0.1:0 --allow-anonymous
grep -q "Kerberos: accepting" "$TMP/clusterd.log" || fail "clusterd did not find the keytab"
printf 'uid:0 full\nanonymous read\nkerberos:alice@%s full\n' "$realm" > "$TMP/state/cluster.acl.new"
mv "$TMP/state/cluster.acl.new" "$TMP/state/cluster.acl"

t0=$(tgs)
out=$("$REPROBE" localhost read "$kinit_cmd" full full full run:kdestroy read read "$kinit_cmd" full full 2>&1) ||
	fail "anonymous, then kinit, kdestroy, kinit in one process: $out"
echo "ok: one process: anonymous (read), kinit -> Kerberos (full), kdestroy -> anonymous, kinit -> Kerberos"
t1=$(tgs)
# Two ticket caches (two kinits), five Kerberos opens: one TGS-REQ each cache.
[ $((t1 - t0)) -eq 2 ] || fail "$((t1 - t0)) TGS-REQs for 5 Kerberos opens over 2 ticket caches (want 2): $(tail -20 "$kdc_log")"
echo "ok: 5 Kerberos opens, 2 TGS-REQs (one per ticket cache)"
# The service ticket is in the ticket cache file (the library works on a
# copy in memory and writes what it got back), so the next process finds it.
klist | grep -q "MSServerClusterMgmtAPI/localhost@$realm" ||
	fail "the service ticket did not reach the ticket cache file: $(klist 2>&1)"
out=$("$REPROBE" localhost full full 2>&1) || fail "a second process with the same ticket cache: $out"
t2=$(tgs)
[ "$t2" -eq "$t1" ] || fail "a second process asked the KDC again ($((t2 - t1)) TGS-REQs) instead of using the cached service ticket"
echo "ok: the service ticket reached the ticket cache file; the next process sends no TGS-REQ"
# Threads opening while kinit replaces the ticket cache again and again: the
# kept credential (and the in-memory copy it works on) is replaced while
# other threads still use the old one.
kinit alice < "$CLUSAPI_KRB5_PASSFILE" > "$TMP/kinit.log" 2>&1 || fail "kinit: $(cat "$TMP/kinit.log")"
(n=0; while [ ! -e "$TMP/stop" ]; do
	kinit alice < "$CLUSAPI_KRB5_PASSFILE" > /dev/null 2>&1 && n=$((n + 1))
	sleep 0.05
done; echo $n > "$TMP/kinits") &
kinits=$!
out=$("$REPROBE" localhost threads:6:200:full 2>&1)
rc=$?
touch "$TMP/stop"
wait $kinits
[ $rc -eq 0 ] || fail "6 threads opening while kinit runs: $(echo "$out" | grep -v '^step [0-9]*: full$' | head -5)"
echo "ok: 6 threads x 200 opens while kinit replaced the ticket cache $(cat "$TMP/kinits") times: all Kerberos"
stop_daemon || fail "clusterd did not stop cleanly"

# NTLM as the fallback: anonymous callers refused now.
start_daemon --listen 127.0.0.1:0 --epmapper 127.0.0.1:0
printf 'bob-Pa55\n' | "$CLUSCTL" account add bob > /dev/null || fail "clusctl account add bob"
printf 'uid:0 full\nntlm:bob read\nkerberos:alice@%s full\n' "$realm" > "$TMP/state/cluster.acl.new"
mv "$TMP/state/cluster.acl.new" "$TMP/state/cluster.acl"
printf 'user = bob\npassword = bob-Pa55\n' > "$TMP/creds"
chmod 600 "$TMP/creds"
kdestroy > /dev/null 2>&1
out=$(CLUSAPI_CREDENTIALS="$TMP/creds" "$REPROBE" localhost read "$kinit_cmd" full run:kdestroy read 2>&1) ||
	fail "NTLM, then kinit, kdestroy in one process: $out"
echo "ok: one process: NTLM (read), kinit -> Kerberos (full), kdestroy -> NTLM"
out=$("$REPROBE" localhost denied 2>&1) || fail "no ticket, no credentials, no anonymous: $out"
echo "ok: without a ticket or credentials: refused"
stop_daemon || fail "clusterd did not stop cleanly (sanitizer report or crash?)"
echo "krb5-reprobe: all checks passed"
