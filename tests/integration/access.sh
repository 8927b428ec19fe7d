#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# clusctl access and clusctl account as their users meet them: exit codes,
# messages, tables and JSON, the ACL file they write, and what another user
# (nobody, through setpriv) may then do.
. "$(dirname "$0")/../interop/lib.sh"
: "${CLUSCTL:?CLUSCTL must name the clusctl binary}"

expect() { # expect CODE PATTERN -- command...
	local code=$1 pattern=$2
	shift 3
	local out rc
	out=$("$@" 2>&1 </dev/null)
	rc=$?
	[ "$rc" -eq "$code" ] || fail "'$*' exited $rc, expected $code: $out"
	echo "$out" | grep -q -- "$pattern" || fail "'$*' did not say '$pattern': $out"
	echo "ok: $* -> $code"
}

json_check() { # json_check PYTHON-ASSERTION -- command...
	local check=$1
	shift 2
	local out
	out=$("$@") || fail "'$*' failed"
	echo "$out" | python3 -c "
import json, sys
d = json.load(sys.stdin)
$check" || fail "'$*' JSON: $out"
	echo "ok: $* -> JSON: $check"
}

AS_NOBODY=()
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null && getent passwd 65534 >/dev/null; then
	AS_NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups --)
fi

start_daemon --listen none --epmapper none

# usage
expect 2 "access grant needs --full or --read" -- "$CLUSCTL" access grant alice
expect 2 "exclude each other" -- "$CLUSCTL" access grant alice --full --read
expect 2 "does not apply to access block" -- "$CLUSCTL" access block alice --full
expect 2 "access grant needs NAME" -- "$CLUSCTL" access grant --read
expect 2 "unknown access command \"frob\"" -- "$CLUSCTL" access frob
expect 2 "account add needs NAME" -- "$CLUSCTL" account add
expect 2 "unexpected argument" -- "$CLUSCTL" account list extra
expect 0 "access grant NAME --full|--read" -- "$CLUSCTL" --help

# the access list
expect 0 "uid:0 *full" -- "$CLUSCTL" access
expect 0 "access alice: read access" -- "$CLUSCTL" access grant alice --read
expect 0 "access group:nogroup: full access" -- "$CLUSCTL" access grant group:nogroup --full
expect 0 "access ntlm:Bob: blocked" -- "$CLUSCTL" access block ntlm:Bob
expect 0 "access carol@EXAMPLE.ORG: full access" -- "$CLUSCTL" access grant carol@EXAMPLE.ORG --full
json_check 'assert d[1:] == [{"principal": "user:alice", "access": "read"}, {"principal": "group:nogroup", "access": "full"}, {"principal": "ntlm:Bob", "access": "deny"}, {"principal": "kerberos:carol@EXAMPLE.ORG", "access": "full"}], d' -- "$CLUSCTL" access show --json
grep -q '^user:alice read$' "$TMP/state/cluster.acl" || fail "the ACL file lacks user:alice read"
grep -q '^# ACCESS: full' "$TMP/state/cluster.acl" || fail "the ACL file lost its comments"
expect 0 "access user:alice: full access" -- "$CLUSCTL" access grant user:alice --full
[ "$(grep -c 'user:alice' "$TMP/state/cluster.acl")" -eq 1 ] || fail "user:alice appears more than once"
expect 0 "removed from the access list" -- "$CLUSCTL" access remove alice
expect 1 "ERROR_NOT_FOUND" -- "$CLUSCTL" access remove alice
expect 0 "removed" -- "$CLUSCTL" access remove kerberos:carol@EXAMPLE.ORG
# bad principals change nothing
cp "$TMP/state/cluster.acl" "$TMP/acl.before"
expect 1 "is not a principal" -- "$CLUSCTL" access grant "a b" --full
expect 1 "is not a principal" -- "$CLUSCTL" access block 'DOMAIN\alice'
expect 1 "is not a principal" -- "$CLUSCTL" access grant uid:x --read
expect 1 "ERROR_NONE_MAPPED" -- "$CLUSCTL" access grant S-1-5-32-544 --full
expect 1 "is not a principal" -- "$CLUSCTL" access remove kerberos:nouser
cmp -s "$TMP/acl.before" "$TMP/state/cluster.acl" || fail "a refused change touched the ACL"
# a read-only handle may show but not change
expect 0 "uid:0" -- "$CLUSCTL" --access read access show
expect 1 "ERROR_ACCESS_DENIED" -- "$CLUSCTL" --access read access grant dave --read

# accounts (root over LPC)
expect 0 "NAME" -- "$CLUSCTL" account list
out=$(echo 'Password' | "$CLUSCTL" account add alice 2>&1) || fail "account add from a pipe: $out"
[ "$out" = "account alice: password set" ] || fail "account add said: $out"
grep -q '^alice a4f49c406510bdcab6824ee7c30fd852$' "$TMP/state/accounts" || fail "the accounts file lacks alice's NT hash"
grep -q 'Password' "$TMP/state/accounts" && fail "the password is in the accounts file"
[ "$(stat -c %a "$TMP/state/accounts")" = 600 ] || fail "the accounts file is not 0600"
printf 'other\r\n' | "$CLUSCTL" account add ALICE >/dev/null || fail "account add with CRLF"
grep -q '^alice a4f49c40' "$TMP/state/accounts" && fail "the password did not change"
json_check 'assert d == [{"name": "alice"}], d' -- "$CLUSCTL" account list --json
expect 1 "password is empty" -- bash -c "echo | '$CLUSCTL' account add bob"
expect 1 "no password on standard input" -- bash -c "'$CLUSCTL' account add bob </dev/null"
expect 1 "ERROR_INVALID_PARAMETER" -- bash -c "echo pw | '$CLUSCTL' account add 'a:b'"
expect 1 "ERROR_NO_SUCH_USER" -- "$CLUSCTL" account remove bob
# on a terminal: asked twice, without echo
if command -v script >/dev/null; then
	# the input comes late enough for echo to be off already
	out=$( (sleep 1; printf 'tty-pass\n'; sleep 0.3; printf 'tty-pass\n') |
		script -qec "'$CLUSCTL' account add ttyuser" /dev/null 2>&1)
	echo "$out" | grep -q "account ttyuser: password set" || fail "account add on a terminal: $out"
	echo "$out" | grep -q "tty-pass" && fail "the password was echoed: $out"
	out=$(printf 'one\ntwo\n' | script -qec "'$CLUSCTL' account add ttyuser2" /dev/null 2>&1)
	echo "$out" | grep -q "do not match" || fail "mismatched passwords on a terminal: $out"
	echo "ok: account add on a terminal"
	expect 0 "removed" -- "$CLUSCTL" account remove ttyuser
fi
expect 0 "account alice: removed" -- "$CLUSCTL" account remove alice
json_check 'assert d == [], d' -- "$CLUSCTL" account list --json

# another user
if [ ${#AS_NOBODY[@]} -gt 0 ]; then
	expect 0 "removed" -- "$CLUSCTL" access remove group:nogroup
	expect 1 "ERROR_ACCESS_DENIED" -- "${AS_NOBODY[@]}" "$CLUSCTL" access show
	expect 0 "read access" -- "$CLUSCTL" access grant nobody --read
	expect 0 "Access:   read" -- "${AS_NOBODY[@]}" "$CLUSCTL" cluster
	expect 0 "user:nobody *read" -- "${AS_NOBODY[@]}" "$CLUSCTL" access show
	expect 1 "ERROR_ACCESS_DENIED" -- "${AS_NOBODY[@]}" "$CLUSCTL" access grant nobody --full
	expect 1 "ERROR_ACCESS_DENIED" -- "${AS_NOBODY[@]}" "$CLUSCTL" --access full cluster
	expect 0 "full access" -- "$CLUSCTL" access grant nobody --full
	expect 0 "Access:   full" -- "${AS_NOBODY[@]}" "$CLUSCTL" cluster
	# full access is not enough for the accounts
	expect 1 "only root on the cluster's own host" -- "${AS_NOBODY[@]}" "$CLUSCTL" account list
	expect 1 "ERROR_ACCESS_DENIED" -- "${AS_NOBODY[@]}" bash -c "echo pw | '$CLUSCTL' account add mallory"
	expect 1 "only root" -- "${AS_NOBODY[@]}" "$CLUSCTL" account add mallory # refused before any password is read
	expect 1 "only root" -- "${AS_NOBODY[@]}" "$CLUSCTL" account remove alice
	# a block wins over a group's full access; removed, the group's grant counts
	expect 0 "full access" -- "$CLUSCTL" access grant group:nogroup --full
	expect 0 "blocked" -- "$CLUSCTL" access block nobody
	expect 1 "ERROR_ACCESS_DENIED" -- "${AS_NOBODY[@]}" "$CLUSCTL" cluster
	expect 0 "removed" -- "$CLUSCTL" access remove nobody
	expect 0 "Access:   full" -- "${AS_NOBODY[@]}" "$CLUSCTL" cluster
	expect 0 "removed" -- "$CLUSCTL" access remove group:nogroup
	expect 1 "ERROR_ACCESS_DENIED" -- "${AS_NOBODY[@]}" "$CLUSCTL" cluster
	# the ACL survives a restart
	expect 0 "read access" -- "$CLUSCTL" access grant nobody --read
	stop_daemon || fail "clusterd did not stop cleanly"
	start_daemon --listen none --epmapper none
	expect 0 "Access:   read" -- "${AS_NOBODY[@]}" "$CLUSCTL" cluster
else
	echo "SKIP (part): acting as nobody needs root and setpriv"
fi
stop_daemon || fail "clusterd did not stop cleanly"
echo "all access and account checks passed"
