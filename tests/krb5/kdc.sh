#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Run a command next to a throwaway MIT KDC:
#
#   tests/krb5/kdc.sh COMMAND [ARG...]
#
# A temporary directory gets a realm CLUSAPI.TEST (random master password) on
# a free high port of 127.0.0.1 (UDP and TCP), the principals
#   alice                                  password in $CLUSAPI_KRB5_PASSFILE
#   MSServerClusterMgmtAPI/localhost       keys in $KRB5_KTNAME
#   host/localhost                         keys in $KRB5_KTNAME
#   MSServerClusterMgmtAPI/node1.clusapi.test, host/node1.clusapi.test
#                                          keys in $KRB5_KTNAME (a name that is
#                                          not "localhost", which Samba refuses)
#   host/hostonly                          keys in $KRB5_KTNAME (a host without
#                                          an MSServerClusterMgmtAPI SPN: the fallback)
#   HTTP/localhost                         keys in $CLUSAPI_KRB5_DIR/other.keytab only
# and a ticket cache with alice's TGT.  COMMAND then runs with:
#   KRB5_CONFIG            the realm's krb5.conf (no DNS, no reverse lookups)
#   KRB5_KDC_PROFILE       the kdc.conf
#   KRB5CCNAME             FILE:... holding alice's TGT
#   KRB5_KTNAME            FILE:... the server keytab
#   CLUSAPI_KRB5_DIR       the temporary directory (files of the realm, kdc.log)
#   CLUSAPI_KRB5_REALM     CLUSAPI.TEST
#   CLUSAPI_KRB5_USER      alice
#   CLUSAPI_KRB5_PASSFILE  alice's password, one line
#   CLUSAPI_KRB5_PORT      the KDC's port
# The KDC is stopped (by its PID) and the directory removed when COMMAND
# ends, whatever its outcome; the exit status is COMMAND's.  Exits 77 (meson's
# "skipped") only when CLUSAPI_KRB5_SKIP_MISSING=1 and the KDC tools are
# missing; otherwise missing tools are an error that names the packages.
set -u

if [ $# -lt 1 ]; then
	echo "usage: $0 COMMAND [ARG...]" >&2
	exit 2
fi
PATH=$PATH:/usr/sbin:/sbin
export PATH
missing=""
for t in krb5kdc kdb5_util kadmin.local kinit; do
	command -v "$t" >/dev/null 2>&1 || missing="$missing $t"
done
if [ -n "$missing" ]; then
	echo "$0: missing MIT Kerberos tools:$missing (install krb5-kdc krb5-admin-server krb5-user)" >&2
	[ "${CLUSAPI_KRB5_SKIP_MISSING:-0}" = 1 ] && exit 77
	exit 1
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/clusapi-krb5.XXXXXX") || exit 1
kdc_pid=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	if [ -n "$kdc_pid" ]; then
		kill "$kdc_pid" 2>/dev/null
		wait "$kdc_pid" 2>/dev/null
	fi
	rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

realm=CLUSAPI.TEST
random_word() {
	od -An -N12 -tx1 /dev/urandom | tr -d ' \n'
}

write_conf() {
	cat >"$dir/krb5.conf" <<EOF
[libdefaults]
	default_realm = $realm
	dns_lookup_kdc = false
	dns_lookup_realm = false
	dns_canonicalize_hostname = false
	rdns = false
	ignore_acceptor_hostname = false
	udp_preference_limit = 1
	default_ccache_name = FILE:$dir/ccache

[realms]
	$realm = {
		kdc = 127.0.0.1:$1
	}

[domain_realm]
	localhost = $realm
	hostonly = $realm
	.clusapi.test = $realm
EOF
	cat >"$dir/kdc.conf" <<EOF
[kdcdefaults]
	kdc_ports = $1
	kdc_tcp_listen = $1

[realms]
	$realm = {
		database_name = $dir/principal
		key_stash_file = $dir/stash
		acl_file = $dir/kadm5.acl
		kdc_listen = $1
		kdc_tcp_listen = $1
		supported_enctypes = aes256-cts-hmac-sha1-96:normal aes128-cts-hmac-sha1-96:normal
		max_life = 2h
	}

[logging]
	kdc = FILE:$dir/kdc.log
EOF
}

export KRB5_CONFIG="$dir/krb5.conf"
export KRB5_KDC_PROFILE="$dir/kdc.conf"
export KRB5CCNAME="FILE:$dir/ccache"
export KRB5_KTNAME="FILE:$dir/krb5.keytab"
export CLUSAPI_KRB5_DIR="$dir"
export CLUSAPI_KRB5_REALM="$realm"
export CLUSAPI_KRB5_USER=alice
export CLUSAPI_KRB5_PASSFILE="$dir/alice.pass"
unset KRB5RCACHETYPE KRB5_CLIENT_KTNAME

: >"$dir/kadm5.acl"
random_word >"$dir/alice.pass"
echo >>"$dir/alice.pass"
write_conf 1 # the database does not need the port
if ! kdb5_util create -s -r "$realm" -P "$(random_word)" >"$dir/setup.log" 2>&1; then
	echo "$0: kdb5_util create failed:" >&2
	cat "$dir/setup.log" >&2
	exit 1
fi
kadmin_q() {
	if ! kadmin.local -r "$realm" -q "$1" >>"$dir/setup.log" 2>&1 || grep -q "^add_principal: \|^ktadd: \|error" "$dir/setup.log"; then
		echo "$0: kadmin.local -q '$1' failed:" >&2
		cat "$dir/setup.log" >&2
		exit 1
	fi
}
kadmin_q "add_principal -pw $(head -n 1 "$dir/alice.pass") alice"
kadmin_q "add_principal -randkey MSServerClusterMgmtAPI/localhost"
kadmin_q "add_principal -randkey host/localhost"
kadmin_q "add_principal -randkey host/hostonly"
kadmin_q "add_principal -randkey MSServerClusterMgmtAPI/node1.clusapi.test"
kadmin_q "add_principal -randkey host/node1.clusapi.test"
kadmin_q "add_principal -randkey HTTP/localhost"
kadmin_q "ktadd -k $dir/krb5.keytab MSServerClusterMgmtAPI/localhost host/localhost host/hostonly MSServerClusterMgmtAPI/node1.clusapi.test host/node1.clusapi.test"
kadmin_q "ktadd -k $dir/other.keytab HTTP/localhost"

# A free port: try a few random ones until the KDC stays up on one and
# answers kinit.
started=0
for _ in 1 2 3 4 5 6 7 8; do
	port=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 40000))
	write_conf "$port"
	krb5kdc -n -r "$realm" -P "$dir/kdc.pid" >>"$dir/kdc.out" 2>&1 &
	kdc_pid=$!
	i=0
	while [ $i -lt 50 ]; do
		kill -0 "$kdc_pid" 2>/dev/null || break
		if kinit alice <"$dir/alice.pass" >>"$dir/kinit.log" 2>&1; then
			started=1
			break
		fi
		sleep 0.1
		i=$((i + 1))
	done
	[ $started = 1 ] && break
	kill "$kdc_pid" 2>/dev/null
	wait "$kdc_pid" 2>/dev/null
	kdc_pid=""
done
if [ $started != 1 ]; then
	echo "$0: the KDC did not start or kinit failed:" >&2
	cat "$dir/kdc.out" "$dir/kdc.log" "$dir/kinit.log" >&2 2>/dev/null
	exit 1
fi
export CLUSAPI_KRB5_PORT="$port"

"$@"
rc=$?
exit $rc
