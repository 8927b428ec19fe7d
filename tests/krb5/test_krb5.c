/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Kerberos provider (auth_gssapi.c) against a real MIT KDC: run under
 * tests/krb5/kdc.sh, which exports KRB5_CONFIG, KRB5CCNAME (alice's TGT) and
 * KRB5_KTNAME (MSServerClusterMgmtAPI/localhost, host/localhost,
 * host/hostonly).  Client and server contexts live in this one process.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "base/werror.h"
#include "common.h"
#include "rpc/auth_gss.h"

struct pair {
	struct rpc_auth c, s;
};

static const char *need_env(const char *name)
{
	const char *v = getenv(name);
	if (!v || !*v) {
		fprintf(stderr, "%s is not set: run this test under tests/krb5/kdc.sh\n", name);
		exit(1);
	}
	return v;
}

static int pair_setup(void **state)
{
	struct pair *p = calloc(1, sizeof(*p));
	struct rpc_auth_gss_server_config cfg = { .host = "localhost" };
	int legs = 0;

	assert_non_null(p);
	assert_int_equal(rpc_auth_krb5_client("localhost", &p->c), 0);
	assert_int_equal(rpc_auth_krb5_server(&cfg, &p->s), 0);
	uint32_t rc = run_legs(&p->c, &p->s, &legs);
	if (rc)
		fprintf(stderr, "client: %s\nserver: %s\n", rpc_auth_gss_error(&p->c), rpc_auth_gss_error(&p->s));
	assert_int_equal(rc, 0);
	assert_int_equal(legs, 3); /* AP-REQ, AP-REP, the client's DCE-style AP-REP */
	*state = p;
	return 0;
}

static int pair_teardown(void **state)
{
	struct pair *p = *state;
	rpc_auth_free(&p->c);
	rpc_auth_free(&p->s);
	free(p);
	return 0;
}

static void test_legs_and_peer(void **state)
{
	struct pair *p = *state;
	struct rpc_auth_peer peer;
	char want[128];

	snprintf(want, sizeof(want), "alice@%s", need_env("CLUSAPI_KRB5_REALM"));
	assert_int_equal(p->s.ops->peer(p->s.st, &peer), 0);
	assert_int_equal(peer.auth_type, RPC_AUTHN_GSS_KERBEROS);
	assert_string_equal(peer.name, want);
	assert_string_equal(peer.local_name, "alice");
	assert_string_equal(peer.domain, "");
	/* the client has no peer() */
	assert_int_not_equal(p->c.ops->peer(p->c.st, &peer), 0);
	/* no further legs */
	uint8_t *out;
	size_t out_len;
	assert_int_equal(p->s.ops->step(p->s.st, (const uint8_t *)"x", 1, &out, &out_len), ERROR_INVALID_FUNCTION);
	assert_null(out);
}

/* seal on one side, unseal on the other, both ways, with and without header
 * signing, several PDUs in a row (sequence numbers advance). */
static void seal_roundtrip(struct rpc_auth *from, struct rpc_auth *to, bool hdr_sign, size_t stub_len)
{
	struct test_pdu pdu;

	make_pdu(&pdu, stub_len, RPC_AUTHN_GSS_KERBEROS, RPC_AUTHN_LEVEL_PKT_PRIVACY, 7);
	size_t room = from->ops->sig_size(from->st, pdu.data_len);
	assert_true(room > 0 && room <= sizeof(pdu.sig));
	assert_int_equal(from->ops->seal(from->st, pdu.buf, pdu.pdu_len, pdu.data_off, pdu.data_len, hdr_sign, pdu.sig,
					 &pdu.sig_len),
			 0);
	assert_true(pdu.sig_len > 0 && pdu.sig_len <= room);
	/* encrypted in place: header and trailer untouched, stub unreadable */
	assert_memory_equal(pdu.buf, pdu.plain, pdu.data_off);
	assert_memory_equal(pdu.buf + pdu.data_off + pdu.data_len, pdu.plain + pdu.data_off + pdu.data_len, TRAILER_LEN);
	if (stub_len >= 16)
		assert_false(contains(pdu.buf + pdu.data_off, pdu.data_len, "cluster"));
	assert_int_equal(to->ops->unseal(to->st, pdu.buf, pdu.pdu_len, pdu.data_off, pdu.data_len, hdr_sign, pdu.sig,
					 pdu.sig_len),
			 0);
	assert_memory_equal(pdu.buf, pdu.plain, pdu.pdu_len);
}

static void test_seal_both_ways(void **state)
{
	struct pair *p = *state;
	size_t sizes[] = { 0, 1, 16, 100, 1000, 3000 };

	for (int hs = 0; hs < 2; hs++)
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			seal_roundtrip(&p->c, &p->s, hs, sizes[i]);
			seal_roundtrip(&p->s, &p->c, hs, sizes[i]);
		}
	printf("Kerberos sig_size: %zu (PKT_PRIVACY and PKT_INTEGRITY room)\n", p->c.ops->sig_size(p->c.st, 16));
}

static void sign_roundtrip(struct rpc_auth *from, struct rpc_auth *to, bool hdr_sign, size_t *sig_len)
{
	struct test_pdu pdu;

	make_pdu(&pdu, 40, RPC_AUTHN_GSS_KERBEROS, RPC_AUTHN_LEVEL_PKT_INTEGRITY, 9);
	assert_int_equal(from->ops->sign(from->st, pdu.buf, pdu.pdu_len, pdu.data_off, pdu.data_len, hdr_sign, pdu.sig,
					 &pdu.sig_len),
			 0);
	assert_memory_equal(pdu.buf, pdu.plain, pdu.pdu_len);
	assert_true(pdu.sig_len <= from->ops->sig_size(from->st, pdu.data_len));
	assert_int_equal(to->ops->verify(to->st, pdu.buf, pdu.pdu_len, pdu.data_off, pdu.data_len, hdr_sign, pdu.sig,
					 pdu.sig_len),
			 0);
	*sig_len = pdu.sig_len;
}

static void test_sign_both_ways(void **state)
{
	struct pair *p = *state;
	size_t n = 0;

	for (int hs = 0; hs < 2; hs++) {
		sign_roundtrip(&p->c, &p->s, hs, &n);
		sign_roundtrip(&p->s, &p->c, hs, &n);
	}
	printf("Kerberos PKT_INTEGRITY verifier: %zu bytes\n", n);
}

/* Seal a PDU from c, corrupt byte `at` (of the PDU, or of the sig when
 * at_sig), and check the server refuses it.  The PDU after a refused one is
 * refused too: the sender used up that sequence number, so the receiver sees
 * a gap (the engine closes the connection anyway). */
static void tamper(bool hdr_sign, size_t at, bool at_sig, bool expect_denied)
{
	struct test_pdu pdu;
	void *state;

	pair_setup(&state);
	struct pair *p = state;
	make_pdu(&pdu, 64, RPC_AUTHN_GSS_KERBEROS, RPC_AUTHN_LEVEL_PKT_PRIVACY, 3);
	assert_int_equal(p->c.ops->seal(p->c.st, pdu.buf, pdu.pdu_len, pdu.data_off, pdu.data_len, hdr_sign, pdu.sig,
					&pdu.sig_len),
			 0);
	if (at_sig)
		pdu.sig[at % pdu.sig_len] ^= 0x01;
	else
		pdu.buf[at] ^= 0x01;
	uint32_t rc = p->s.ops->unseal(p->s.st, pdu.buf, pdu.pdu_len, pdu.data_off, pdu.data_len, hdr_sign, pdu.sig,
				       pdu.sig_len);
	assert_int_equal(rc, expect_denied ? ERROR_ACCESS_DENIED : 0);
	make_pdu(&pdu, 32, RPC_AUTHN_GSS_KERBEROS, RPC_AUTHN_LEVEL_PKT_PRIVACY, 4);
	assert_int_equal(p->c.ops->seal(p->c.st, pdu.buf, pdu.pdu_len, pdu.data_off, pdu.data_len, hdr_sign, pdu.sig,
					&pdu.sig_len),
			 0);
	rc = p->s.ops->unseal(p->s.st, pdu.buf, pdu.pdu_len, pdu.data_off, pdu.data_len, hdr_sign, pdu.sig, pdu.sig_len);
	assert_int_equal(rc, expect_denied ? ERROR_ACCESS_DENIED : 0);
	pair_teardown(&state);
}

static void test_tampered_rejected(void **state)
{
	(void)state;
	tamper(false, HDR_LEN + 5, false, true);     /* stub */
	tamper(true, HDR_LEN + 5, false, true);
	tamper(false, 0, true, true);                /* the verifier */
	tamper(false, 20, true, true);
	tamper(false, 70, true, true);
	tamper(true, 12, false, true);               /* header, signed */
	tamper(true, HDR_LEN + 64 + 4, false, true); /* sec_trailer, signed */
	tamper(false, 12, false, false);             /* header, not signed: not covered */
}

static void test_replay_and_reorder_rejected(void **state)
{
	struct pair *p = *state;
	struct test_pdu a, b, copy;

	/* replay */
	make_pdu(&a, 48, RPC_AUTHN_GSS_KERBEROS, RPC_AUTHN_LEVEL_PKT_PRIVACY, 10);
	assert_int_equal(p->c.ops->seal(p->c.st, a.buf, a.pdu_len, a.data_off, a.data_len, true, a.sig, &a.sig_len), 0);
	copy = a;
	assert_int_equal(p->s.ops->unseal(p->s.st, a.buf, a.pdu_len, a.data_off, a.data_len, true, a.sig, a.sig_len), 0);
	assert_int_equal(p->s.ops->unseal(p->s.st, copy.buf, copy.pdu_len, copy.data_off, copy.data_len, true, copy.sig,
					  copy.sig_len),
			 ERROR_ACCESS_DENIED);

	/* reorder: b sent after a arrives first */
	make_pdu(&a, 48, RPC_AUTHN_GSS_KERBEROS, RPC_AUTHN_LEVEL_PKT_PRIVACY, 11);
	make_pdu(&b, 48, RPC_AUTHN_GSS_KERBEROS, RPC_AUTHN_LEVEL_PKT_PRIVACY, 12);
	assert_int_equal(p->s.ops->seal(p->s.st, a.buf, a.pdu_len, a.data_off, a.data_len, false, a.sig, &a.sig_len), 0);
	assert_int_equal(p->s.ops->seal(p->s.st, b.buf, b.pdu_len, b.data_off, b.data_len, false, b.sig, &b.sig_len), 0);
	assert_int_equal(p->c.ops->unseal(p->c.st, b.buf, b.pdu_len, b.data_off, b.data_len, false, b.sig, b.sig_len),
			 ERROR_ACCESS_DENIED);

	/* signed PDUs too */
	make_pdu(&a, 48, RPC_AUTHN_GSS_KERBEROS, RPC_AUTHN_LEVEL_PKT_INTEGRITY, 13);
	assert_int_equal(p->c.ops->sign(p->c.st, a.buf, a.pdu_len, a.data_off, a.data_len, true, a.sig, &a.sig_len), 0);
	assert_int_equal(p->s.ops->verify(p->s.st, a.buf, a.pdu_len, a.data_off, a.data_len, true, a.sig, a.sig_len), 0);
	assert_int_equal(p->s.ops->verify(p->s.st, a.buf, a.pdu_len, a.data_off, a.data_len, true, a.sig, a.sig_len),
			 ERROR_ACCESS_DENIED);
	a.buf[HDR_LEN] ^= 1;
	assert_int_equal(p->c.ops->sign(p->c.st, a.buf, a.pdu_len, a.data_off, a.data_len, true, a.sig, &a.sig_len), 0);
	a.buf[HDR_LEN] ^= 2;
	assert_int_equal(p->s.ops->verify(p->s.st, a.buf, a.pdu_len, a.data_off, a.data_len, true, a.sig, a.sig_len),
			 ERROR_ACCESS_DENIED);
}

static void test_not_established(void **state)
{
	struct rpc_auth c;
	struct test_pdu pdu;
	(void)state;

	assert_int_equal(rpc_auth_krb5_client("localhost", &c), 0);
	make_pdu(&pdu, 16, RPC_AUTHN_GSS_KERBEROS, RPC_AUTHN_LEVEL_PKT_PRIVACY, 1);
	assert_int_equal(c.ops->seal(c.st, pdu.buf, pdu.pdu_len, pdu.data_off, pdu.data_len, false, pdu.sig, &pdu.sig_len),
			 ERROR_INVALID_FUNCTION);
	assert_int_equal(c.ops->unseal(c.st, pdu.buf, pdu.pdu_len, pdu.data_off, pdu.data_len, false, pdu.sig, 16),
			 ERROR_INVALID_FUNCTION);
	rpc_auth_free(&c);
	assert_int_equal(rpc_auth_krb5_client("", &c), ERROR_INVALID_PARAMETER);
	assert_int_equal(rpc_auth_krb5_client("a b", &c), ERROR_INVALID_PARAMETER);
	assert_int_equal(rpc_auth_krb5_client_service("HTTP", "localhost", &c), ERROR_INVALID_PARAMETER);
}

static void test_no_keytab(void **state)
{
	struct rpc_auth_gss_server_config cfg = { .keytab = "/nonexistent/clusapi/krb5.keytab" };
	struct rpc_auth s;
	char err[512];
	(void)state;

	assert_int_equal(rpc_auth_krb5_server(&cfg, &s), ERROR_NOT_SUPPORTED);
	assert_null(s.ops);
	assert_int_equal(rpc_auth_krb5_server_check(&cfg, err, sizeof(err)), ERROR_NOT_SUPPORTED);
	assert_non_null(strstr(err, "/nonexistent/clusapi/krb5.keytab"));
	assert_non_null(strstr(err, "MSServerClusterMgmtAPI"));
	printf("no keytab: %s\n", err);

	/* the state directory's keytab when nothing else is set */
	char *saved = strdup(need_env("KRB5_KTNAME"));
	char name[256];
	unsetenv("KRB5_KTNAME");
	struct rpc_auth_gss_server_config sd = { .state_dir = "/nonexistent/state" };
	assert_int_equal(rpc_auth_krb5_keytab_name(&sd, name, sizeof(name)), 0);
	assert_string_equal(name, "FILE:/nonexistent/state/krb5.keytab");
	assert_int_equal(rpc_auth_krb5_server(&sd, &s), ERROR_NOT_SUPPORTED);
	struct rpc_auth_gss_server_config none = { 0 };
	assert_int_equal(rpc_auth_krb5_server_check(&none, err, sizeof(err)), ERROR_NOT_SUPPORTED);
	printf("nothing configured: %s\n", err);
	setenv("KRB5_KTNAME", saved, 1);
	free(saved);

	/* the keytab from the environment is fine */
	struct rpc_auth_gss_server_config env = { .state_dir = "/nonexistent/state" };
	assert_int_equal(rpc_auth_krb5_server_check(&env, err, sizeof(err)), 0);
}

/* The KDC knows no such service: the client's first leg fails and says so. */
static void test_unknown_spn(void **state)
{
	struct rpc_auth c;
	uint8_t *out;
	size_t out_len;
	(void)state;

	assert_int_equal(rpc_auth_krb5_client("nosuchhost", &c), 0);
	assert_int_equal(c.ops->step(c.st, NULL, 0, &out, &out_len), ERROR_ACCESS_DENIED);
	assert_null(out);
	printf("unknown SPN: %s\n", rpc_auth_gss_error(&c));
	assert_non_null(strstr(rpc_auth_gss_error(&c), "host/nosuchhost"));
	rpc_auth_free(&c);
}

/* A ticket the server's keytab cannot decrypt, or for an SPN the server does
 * not accept: the server's first leg fails. */
static void test_wrong_spn(void **state)
{
	char kt[600];
	struct rpc_auth c, s;
	(void)state;

	/* keytab with HTTP/localhost only, ticket for MSServerClusterMgmtAPI/localhost */
	snprintf(kt, sizeof(kt), "%s/other.keytab", need_env("CLUSAPI_KRB5_DIR"));
	struct rpc_auth_gss_server_config other = { .keytab = kt };
	assert_int_equal(rpc_auth_krb5_client("localhost", &c), 0);
	assert_int_equal(rpc_auth_krb5_server(&other, &s), 0);
	assert_int_equal(run_legs(&c, &s, NULL), ERROR_ACCESS_DENIED);
	printf("wrong key: %s\n", rpc_auth_gss_error(&s));
	rpc_auth_free(&c);
	rpc_auth_free(&s);

	/* a good ticket, for a host this server does not answer to */
	struct rpc_auth_gss_server_config cfg = { .host = "elsewhere" };
	assert_int_equal(rpc_auth_krb5_client("localhost", &c), 0);
	assert_int_equal(rpc_auth_krb5_server(&cfg, &s), 0);
	assert_int_equal(run_legs(&c, &s, NULL), ERROR_ACCESS_DENIED);
	printf("wrong host: %s\n", rpc_auth_gss_error(&s));
	assert_non_null(strstr(rpc_auth_gss_error(&s), "MSServerClusterMgmtAPI/localhost"));
	rpc_auth_free(&c);
	rpc_auth_free(&s);
}

/* host/hostonly has no MSServerClusterMgmtAPI SPN: the client falls back. */
static void test_fallback_to_host_spn(void **state)
{
	struct rpc_auth c, s;
	struct rpc_auth_gss_server_config cfg = { 0 };
	struct rpc_auth_peer peer;
	(void)state;

	assert_int_equal(rpc_auth_krb5_client("hostonly", &c), 0);
	assert_int_equal(rpc_auth_krb5_server(&cfg, &s), 0);
	assert_int_equal(run_legs(&c, &s, NULL), 0);
	assert_int_equal(s.ops->peer(s.st, &peer), 0);
	assert_string_equal(peer.local_name, "alice");
	seal_roundtrip(&c, &s, true, 100);
	rpc_auth_free(&c);
	rpc_auth_free(&s);

	/* without the fallback it fails */
	assert_int_equal(rpc_auth_krb5_client_service(RPC_KRB5_SERVICE, "hostonly", &c), 0);
	assert_int_equal(rpc_auth_krb5_server(&cfg, &s), 0);
	assert_int_equal(run_legs(&c, &s, NULL), ERROR_ACCESS_DENIED);
	rpc_auth_free(&c);
	rpc_auth_free(&s);
}

static void test_garbage_tokens(void **state)
{
	struct rpc_auth_gss_server_config cfg = { 0 };
	struct rpc_auth s;
	uint8_t junk[64], *out;
	size_t out_len;
	(void)state;

	memset(junk, 0x41, sizeof(junk));
	assert_int_equal(rpc_auth_krb5_server(&cfg, &s), 0);
	uint32_t rc = s.ops->step(s.st, junk, sizeof(junk), &out, &out_len);
	assert_true(rc == ERROR_INVALID_DATA || rc == ERROR_ACCESS_DENIED);
	assert_null(out);
	rpc_auth_free(&s);
	assert_int_equal(rpc_auth_krb5_server(&cfg, &s), 0);
	assert_int_equal(s.ops->step(s.st, NULL, 0, &out, &out_len), ERROR_INVALID_DATA);
	rpc_auth_free(&s);
}

static void test_has_creds(void **state)
{
	(void)state;
	char *saved = strdup(need_env("KRB5CCNAME"));

	assert_true(rpc_auth_krb5_client_has_creds());
	setenv("KRB5CCNAME", "FILE:/nonexistent/clusapi-ccache", 1);
	assert_false(rpc_auth_krb5_client_has_creds());
	/* and the first leg then fails cleanly */
	struct rpc_auth c;
	uint8_t *out;
	size_t out_len;
	assert_int_equal(rpc_auth_krb5_client("localhost", &c), 0);
	assert_int_equal(c.ops->step(c.st, NULL, 0, &out, &out_len), ERROR_ACCESS_DENIED);
	printf("no ticket: %s\n", rpc_auth_gss_error(&c));
	rpc_auth_free(&c);
	setenv("KRB5CCNAME", saved, 1);
	free(saved);
	assert_true(rpc_auth_krb5_client_has_creds());
}

int main(void)
{
	need_env("KRB5_CONFIG");
	need_env("KRB5CCNAME");
	need_env("KRB5_KTNAME");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_legs_and_peer, pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(test_seal_both_ways, pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(test_sign_both_ways, pair_setup, pair_teardown),
		cmocka_unit_test(test_tampered_rejected),
		cmocka_unit_test_setup_teardown(test_replay_and_reorder_rejected, pair_setup, pair_teardown),
		cmocka_unit_test(test_not_established),
		cmocka_unit_test(test_no_keytab),
		cmocka_unit_test(test_unknown_spn),
		cmocka_unit_test(test_wrong_spn),
		cmocka_unit_test(test_fallback_to_host_spn),
		cmocka_unit_test(test_garbage_tokens),
		cmocka_unit_test(test_has_creds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
