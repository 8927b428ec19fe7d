#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The state clusterd keeps in the CIB (issue 10), on the 3-node cluster run.sh
# started (run.sh cibstate): the ACL, the NTLM accounts and the cluster
# registry are the cluster's, whichever node's clusterd a change goes through.
#   - node 1's old cluster.acl and node 2's old accounts were migrated
#     (logged; the account logs in on node 3), node 3's different cluster.acl
#     is reported as a conflict and not merged
#   - a grant through node 1 is in force on node 3 within 1 s (an NTLM caller
#     the grant names gets in over TCP), a block through node 2 on node 1
#   - an account added through node 2 authenticates on node 1 (NTLM, sealed)
#   - a registry key with a value of every type written through node 1 reads
#     back identically through node 3; a registry change notification reaches
#     a port on node 3; the size budget refuses a value and writes nothing
#   - a member of haclient who is not root (hacluster) finds no NT hash in
#     `cibadmin --query`: the accounts are sealed; `crm_verify -L` is clean
#   - after kill -9 of node 1's corosync and pacemakerd, all of it is there
#     through node 2; after a restart of every node (the cluster stopped and
#     started again), through every node
# Env (from run.sh): PCMK_DIR, CLUSTER_SH, CLUSCTL, REGTOOL, and the functions
# start_clusterd / wait_clusterd.
set -u
dir=$PCMK_DIR
cluster_sh=$CLUSTER_SH
fails=0
fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}
ok() { echo "ok: $*"; }
lpc() { # N clusctl-args...: clusctl over node N's LPC socket, as root
	local n=$1
	shift
	CLUSAPI_LPC_SOCKET=$dir/cd$n/lpc "$CLUSCTL" "$@"
}
tcp() { # N PASSWORD USER clusctl-args...: over TCP to node N, from inside node N
	local n=$1 pw=$2 user=$3
	shift 3
	printf '%s\n' "$pw" | "$cluster_sh" exec "$dir" "$n" "$CLUSCTL" -c "10.77.0.$n" -u "$user" "$@" 2>&1
}
ms_since() { echo $((($(date +%s%N) - $1) / 1000000)); }

# ---- migration of the old per-node files
if grep -q "cluster.acl: migrated to the cluster-wide acl" "$dir/cd1/clusterd.log" && [ -f "$dir/cd1/cluster.acl.migrated" ] &&
	[ ! -e "$dir/cd1/cluster.acl" ]; then
	ok "node 1's cluster.acl migrated to the CIB, with a log line"
else
	fail "node 1's cluster.acl was not migrated (see $dir/cd1/clusterd.log)"
fi
if grep -q "CONFLICT" "$dir/cd3/clusterd.log" && [ -f "$dir/cd3/cluster.acl.conflict" ]; then
	ok "node 3's different cluster.acl reported as a conflict, kept as cluster.acl.conflict"
else
	fail "node 3's conflicting cluster.acl was not reported (see $dir/cd3/clusterd.log)"
fi
acl2=$(lpc 2 access show)
if grep -q "ntlm:migrated" <<<"$acl2" && ! grep -q "user:elsewhere" <<<"$acl2"; then
	ok "node 2 serves the migrated ACL, without the conflicting entry"
else
	fail "node 2's ACL is not the migrated one: $acl2"
fi

if grep -q "accounts: migrated to the cluster-wide accounts" "$dir/cd2/clusterd.log" &&
	[ -f "$dir/cd2/accounts.migrated" ] && [ ! -e "$dir/cd2/accounts" ]; then
	ok "node 2's accounts file migrated to the CIB, with a log line"
else
	fail "node 2's accounts file was not migrated (see $dir/cd2/clusterd.log)"
fi
out=$(tcp 3 Migr-Pw-1 migrated cluster)
if grep -q "Access:.*read" <<<"$out"; then
	ok "the account migrated from node 2's file logs in on node 3 (granted by node 1's migrated ACL)"
else
	fail "the migrated account does not log in on node 3: $out"
fi

# ---- accounts and grants through different nodes
lpc 2 account add cibuser <<<"Cib-Pw-1" >/dev/null || fail "account add through node 2"
out=$(tcp 3 Cib-Pw-1 cibuser cluster)
grep -q "Access is denied" <<<"$out" || fail "cibuser got in on node 3 before any grant: $out"
lpc 1 access grant ntlm:cibuser --read >/dev/null || fail "access grant through node 1"
t0=$(date +%s%N)
got=""
for _ in $(seq 1 30); do
	out=$(tcp 3 Cib-Pw-1 cibuser cluster)
	if grep -q "Access:.*read" <<<"$out"; then
		got=$(ms_since "$t0")
		break
	fi
	[ "$(ms_since "$t0")" -gt 3000 ] && break
done
if [ -n "$got" ] && [ "$got" -le 1000 ]; then
	ok "a grant through node 1 is in force on node 3 after $got ms (NTLM login over TCP, account added through node 2)"
else
	fail "the grant through node 1 was not in force on node 3 within 1 s (${got:-never} ms): $out"
fi
out=$(tcp 1 Cib-Pw-1 cibuser cluster)
if grep -q "Access:.*read" <<<"$out" && grep -q "Node:.*node1" <<<"$out"; then
	ok "the account added through node 2 authenticates on node 1"
else
	fail "the account added through node 2 does not authenticate on node 1: $out"
fi
out=$(tcp 1 Wrong-Pw-1 cibuser cluster)
grep -q "Access is denied\|logon\|password" <<<"$out" || fail "a wrong password got in on node 1: $out"
lpc 2 access block ntlm:cibuser >/dev/null || fail "access block through node 2"
t0=$(date +%s%N)
got=""
for _ in $(seq 1 30); do
	out=$(tcp 1 Cib-Pw-1 cibuser cluster)
	if grep -q "Access is denied" <<<"$out"; then
		got=$(ms_since "$t0")
		break
	fi
	[ "$(ms_since "$t0")" -gt 3000 ] && break
done
if [ -n "$got" ] && [ "$got" -le 1000 ]; then
	ok "a block through node 2 is in force on node 1 after $got ms"
else
	fail "the block through node 2 was not in force on node 1 within 1 s: $out"
fi
lpc 3 access grant ntlm:cibuser --full >/dev/null || fail "access grant through node 3"
# Changes of different entries through two nodes at the same moment both stay.
lpc 1 access grant user:concurrent1 --read >/dev/null &
lpc 3 access grant user:concurrent3 --read >/dev/null &
wait
sleep 0.5
out=$(lpc 2 access show)
if grep -q "user:concurrent1" <<<"$out" && grep -q "user:concurrent3" <<<"$out"; then
	ok "two grants made at the same moment through nodes 1 and 3 are both in force (node 2)"
else
	fail "of two grants at the same moment through nodes 1 and 3, one was lost: $out"
fi

# ---- the secrets are sealed for a haclient member who is not root
cib=$("$cluster_sh" exec "$dir" 2 setpriv --reuid hacluster --regid haclient --init-groups cibadmin --query 2>&1)
# (the status section has operation digests, 32 hex digits of their own)
conf=$("$cluster_sh" exec "$dir" 2 setpriv --reuid hacluster --regid haclient --init-groups cibadmin --query \
	--scope configuration 2>&1)
accounts=$(sed -n '/<cluster_property_set id="clusapi-accounts">/,/<\/cluster_property_set>/p' <<<"$conf")
if [ "$(grep -c '<nvpair id="clusapi-accounts-[0-9a-f]*" name="clusapi-account:[0-9a-f]*" value="clusapi-sealed:1:' \
	<<<"$accounts")" -ne 3 ]; then
	fail "hacluster's cibadmin --query does not show the three accounts (migrated, tester, cibuser) sealed: $accounts"
elif grep -Eqi '[0-9a-f]{32}' <<<"$conf"; then
	fail "the configuration hacluster reads holds a 32-hex-digit string (an NT hash?): $(grep -Eoi '[0-9a-f]{32}' <<<"$conf" | head -3)"
elif grep -qi "cibuser\|tester\|migrated" <<<"$accounts"; then
	fail "the accounts value names its accounts in clear"
else
	ok "the accounts in the CIB are sealed (hacluster sees clusapi-sealed:1:..., no 32-hex-digit string in the configuration)"
fi
hash=$(printf 'Cib-Pw-1' | iconv -t UTF-16LE | openssl dgst -md4 -provider legacy -provider default 2>/dev/null |
	awk '{print $NF}')
if [ ${#hash} -eq 32 ]; then
	if grep -qi "$hash" <<<"$cib"; then
		fail "cibuser's NT hash $hash is in the CIB hacluster reads"
	else
		ok "cibuser's NT hash ($hash) is nowhere in the CIB hacluster reads"
	fi
fi
if "$cluster_sh" exec "$dir" 2 setpriv --reuid hacluster --regid haclient --init-groups cat "$dir/n2/authkey" \
	>/dev/null 2>&1; then
	fail "hacluster can read corosync's authkey"
fi

# ---- the registry
"$REGTOOL" "$dir/cd1/lpc" write 'Software\CibState' || fail "registry write through node 1"
"$REGTOOL" "$dir/cd1/lpc" dump 'Software\CibState' >"$dir/reg1.out" || fail "registry dump through node 1"
if [ "$(grep -c '^value' "$dir/reg1.out")" -ne 8 ] || ! grep -q '^key Software\\CibState\\Sub$' "$dir/reg1.out"; then
	fail "node 1 does not read back what it wrote: $(cat "$dir/reg1.out")"
fi
t0=$(date +%s%N)
same=""
while [ "$(ms_since "$t0")" -lt 1000 ]; do
	"$REGTOOL" "$dir/cd3/lpc" dump 'Software\CibState' >"$dir/reg3.out" 2>&1
	if cmp -s "$dir/reg1.out" "$dir/reg3.out"; then
		same=$(ms_since "$t0")
		break
	fi
	sleep 0.05
done
if [ -n "$same" ]; then
	ok "a key with REG_SZ, REG_EXPAND_SZ, REG_MULTI_SZ, REG_DWORD, REG_QWORD, REG_BINARY values written through node 1 reads back identically through node 3 ($same ms)"
else
	fail "node 3 reads another registry: $(diff "$dir/reg1.out" "$dir/reg3.out" | head -5)"
fi
# A port on node 3, then values set again through node 1 (the key exists).
"$REGTOOL" "$dir/cd3/lpc" watch 5 >"$dir/watch3.out" 2>&1 &
watch=$!
for _ in $(seq 1 50); do
	grep -q ready "$dir/watch3.out" && break
	sleep 0.1
done
"$REGTOOL" "$dir/cd1/lpc" write 'Software\CibState' >/dev/null || fail "registry write again through node 1"
wait "$watch"
if grep -q '^event Software\\CibState filter' "$dir/watch3.out"; then
	ok "a registry change through node 1 reached a notification port on node 3 ($(grep ^event "$dir/watch3.out" | head -1))"
else
	fail "no registry notification on node 3: $(cat "$dir/watch3.out")"
fi
"$REGTOOL" "$dir/cd2/lpc" write 'Software\Doomed' >/dev/null && "$REGTOOL" "$dir/cd3/lpc" delete 'Software\Doomed' ||
	fail "registry delete through node 3 of what node 2 wrote"
if out=$("$REGTOOL" "$dir/cd2/lpc" budget 'Software\Big'); then
	ok "$out"
else
	fail "the registry's size budget: $out"
fi

# ---- Pacemaker's own tools stay quiet
out=$("$cluster_sh" exec "$dir" 2 crm_verify -L -V 2>&1)
if [ $? -eq 0 ] && [ -z "$out" ]; then
	ok "crm_verify -L is clean"
else
	fail "crm_verify -L: $out"
fi

# What every node must show, now and after the losses below.
lpc 1 access show >"$dir/acl.before"
lpc 1 account list >"$dir/accounts.before"
check_all() { # WHEN N...
	local when=$1 n
	shift
	for n in "$@"; do
		local deadline=$((SECONDS + 10))
		until lpc "$n" access show >"$dir/acl.$n" 2>&1 && cmp -s "$dir/acl.before" "$dir/acl.$n" &&
			lpc "$n" account list >"$dir/accounts.$n" 2>&1 && cmp -s "$dir/accounts.before" "$dir/accounts.$n" &&
			"$REGTOOL" "$dir/cd$n/lpc" dump 'Software\CibState' >"$dir/reg.$n" 2>&1 &&
			cmp -s "$dir/reg1.out" "$dir/reg.$n"; do
			if [ $SECONDS -ge $deadline ]; then
				fail "$when: node $n does not show the same ACL, accounts and registry:"
				diff "$dir/acl.before" "$dir/acl.$n" | head -5
				diff "$dir/accounts.before" "$dir/accounts.$n" | head -5
				diff "$dir/reg1.out" "$dir/reg.$n" | head -5
				return
			fi
			sleep 0.3
		done
		ok "$when: node $n shows the same ACL, accounts and registry"
	done
}

# ---- the loss of node 1
for d in corosync pacemakerd; do
	kill -9 "$(cat "$dir/n1/$d.pid")" 2>/dev/null || fail "cannot kill node 1's $d"
done
check_all "after kill -9 of node 1's corosync and pacemakerd" 2
out=$(tcp 2 Cib-Pw-1 cibuser cluster)
grep -q "Access:.*full" <<<"$out" || fail "cibuser cannot log in on node 2 after node 1's loss: $out"

# ---- every node restarted: the cluster stopped and started again
"$cluster_sh" stop "$dir" >/dev/null 2>&1
rm -f "$dir"/cd*/lpc
"$cluster_sh" start "$dir" >/dev/null 2>&1 || fail "the cluster did not start again"
for n in 1 2 3; do
	start_clusterd "$n"
done
for n in 1 2 3; do
	wait_clusterd "$n" >/dev/null || fail "clusterd on node $n did not start again"
done
check_all "after every node restarted" 1 2 3
out=$(tcp 3 Cib-Pw-1 cibuser cluster)
grep -q "Access:.*full" <<<"$out" || fail "cibuser cannot log in on node 3 after the restart: $out"

echo "cibstate: $fails failure(s)"
[ "$fails" -eq 0 ]
