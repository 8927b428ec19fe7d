/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The SPNEGO provider (auth_spnego.c) against the KDC of kdc.sh: Kerberos when
 * the client has a ticket, NTLMSSP when it has none or the server has no
 * keytab, the mechListMIC exchange, and protection through the chosen
 * mechanism.  Also MIT's own SPNEGO initiator against our acceptor.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>

#include "base/werror.h"
#include "common.h"
#include "rpc/auth_gss.h"
#include "rpc/ntlmssp.h"
#include "rpc/spnego.h"

static uint32_t lookup(void *arg, const char *user, const char *domain, uint8_t nt_hash[16])
{
	(void)arg;
	(void)domain;
	if (strcmp(user, "alice") != 0)
		return ERROR_ACCESS_DENIED;
	return ntlmssp_ntowfv1("password", nt_hash) == 0 ? 0 : ERROR_ACCESS_DENIED;
}

static const struct ntlmssp_server_config ntlm_cfg = {
	.nb_domain = "CLUSAPI",
	.nb_computer = "NODE1",
	.dns_computer = "node1.clusapi.test",
	.lookup = lookup,
};
static const struct rpc_auth_gss_server_config krb_cfg = { .host = "localhost" };
static const struct rpc_auth_gss_server_config no_keytab = { .keytab = "/nonexistent/krb5.keytab" };
static const struct rpc_auth_client_creds alice = { .user = "alice", .domain = "CLUSAPI", .password = "password" };

static char *saved_ccache;

static void without_ticket(void)
{
	setenv("KRB5CCNAME", "FILE:/nonexistent/clusapi-ccache", 1);
}

static void with_ticket(void)
{
	setenv("KRB5CCNAME", saved_ccache, 1);
}

static void protect_both_ways(struct rpc_auth *c, struct rpc_auth *s, uint8_t auth_type)
{
	for (int round = 0; round < 3; round++)
		for (int hs = 0; hs < 2; hs++)
			for (int dir = 0; dir < 2; dir++) {
				struct rpc_auth *from = dir ? s : c, *to = dir ? c : s;
				struct test_pdu p;

				make_pdu(&p, 30 + 50 * (size_t)round, auth_type, RPC_AUTHN_LEVEL_PKT_PRIVACY, 5);
				assert_true(from->ops->sig_size(from->st, p.data_len) <= sizeof(p.sig));
				assert_int_equal(from->ops->seal(from->st, p.buf, p.pdu_len, p.data_off, p.data_len, hs, p.sig,
								 &p.sig_len),
						 0);
				assert_false(contains(p.buf + p.data_off, p.data_len, "cluster"));
				assert_int_equal(to->ops->unseal(to->st, p.buf, p.pdu_len, p.data_off, p.data_len, hs, p.sig,
								 p.sig_len),
						 0);
				assert_memory_equal(p.buf, p.plain, p.pdu_len);

				make_pdu(&p, 40, auth_type, RPC_AUTHN_LEVEL_PKT_INTEGRITY, 6);
				assert_int_equal(from->ops->sign(from->st, p.buf, p.pdu_len, p.data_off, p.data_len, hs, p.sig,
								 &p.sig_len),
						 0);
				assert_int_equal(to->ops->verify(to->st, p.buf, p.pdu_len, p.data_off, p.data_len, hs, p.sig,
								 p.sig_len),
						 0);
			}
}

/* A flipped byte, then a replay: both refused. */
static void tamper_and_replay(struct rpc_auth *c, struct rpc_auth *s)
{
	struct test_pdu p, copy;

	make_pdu(&p, 64, RPC_AUTHN_GSS_NEGOTIATE, RPC_AUTHN_LEVEL_PKT_PRIVACY, 8);
	assert_int_equal(c->ops->seal(c->st, p.buf, p.pdu_len, p.data_off, p.data_len, true, p.sig, &p.sig_len), 0);
	copy = p;
	assert_int_equal(s->ops->unseal(s->st, p.buf, p.pdu_len, p.data_off, p.data_len, true, p.sig, p.sig_len), 0);
	/* replayed */
	assert_int_equal(
		s->ops->unseal(s->st, copy.buf, copy.pdu_len, copy.data_off, copy.data_len, true, copy.sig, copy.sig_len),
		ERROR_ACCESS_DENIED);
	/* flipped */
	make_pdu(&p, 64, RPC_AUTHN_GSS_NEGOTIATE, RPC_AUTHN_LEVEL_PKT_PRIVACY, 9);
	assert_int_equal(c->ops->seal(c->st, p.buf, p.pdu_len, p.data_off, p.data_len, true, p.sig, &p.sig_len), 0);
	p.buf[HDR_LEN + 3] ^= 0x80;
	assert_int_equal(s->ops->unseal(s->st, p.buf, p.pdu_len, p.data_off, p.data_len, true, p.sig, p.sig_len),
			 ERROR_ACCESS_DENIED);
}

static void test_kerberos_when_ticket(void **state)
{
	struct rpc_auth_spnego_server_config cfg = { .krb5 = &krb_cfg, .ntlmssp = &ntlm_cfg };
	struct rpc_auth c, s;
	struct rpc_auth_peer peer;
	int legs = 0;
	(void)state;

	with_ticket();
	assert_int_equal(rpc_auth_spnego_client("localhost", &alice, &c), 0);
	assert_int_equal(rpc_auth_spnego_server(&cfg, &s), 0);
	uint32_t rc = run_legs(&c, &s, &legs);
	if (rc)
		fprintf(stderr, "client: %s\nserver: %s\n", rpc_auth_gss_error(&c), rpc_auth_gss_error(&s));
	assert_int_equal(rc, 0);
	assert_int_equal(legs, 3);
	assert_int_equal(rpc_auth_spnego_mech(&c), RPC_AUTHN_GSS_KERBEROS);
	assert_int_equal(rpc_auth_spnego_mech(&s), RPC_AUTHN_GSS_KERBEROS);
	assert_int_equal(s.ops->peer(s.st, &peer), 0);
	assert_int_equal(peer.auth_type, RPC_AUTHN_GSS_KERBEROS);
	assert_string_equal(peer.name, "alice@CLUSAPI.TEST");
	assert_string_equal(peer.local_name, "alice");
	printf("SPNEGO/Kerberos sig_size: %zu\n", c.ops->sig_size(c.st, 64));
	protect_both_ways(&c, &s, RPC_AUTHN_GSS_NEGOTIATE);
	tamper_and_replay(&c, &s);
	rpc_auth_free(&c);
	rpc_auth_free(&s);
}

static void test_ntlm_when_no_ticket(void **state)
{
	struct rpc_auth_spnego_server_config cfg = { .krb5 = &krb_cfg, .ntlmssp = &ntlm_cfg };
	struct rpc_auth c, s;
	struct rpc_auth_peer peer;
	int legs = 0;
	(void)state;

	without_ticket();
	assert_false(rpc_auth_krb5_client_has_creds());
	assert_int_equal(rpc_auth_spnego_client("localhost", &alice, &c), 0);
	assert_int_equal(rpc_auth_spnego_server(&cfg, &s), 0);
	uint32_t rc = run_legs(&c, &s, &legs);
	if (rc)
		fprintf(stderr, "client: %s\nserver: %s\n", rpc_auth_gss_error(&c), rpc_auth_gss_error(&s));
	assert_int_equal(rc, 0);
	/* NEGOTIATE, CHALLENGE, AUTHENTICATE + MIC, accept-completed + MIC */
	assert_int_equal(legs, 4);
	assert_int_equal(rpc_auth_spnego_mech(&c), RPC_AUTHN_WINNT);
	assert_int_equal(rpc_auth_spnego_mech(&s), RPC_AUTHN_WINNT);
	assert_int_equal(s.ops->peer(s.st, &peer), 0);
	assert_int_equal(peer.auth_type, RPC_AUTHN_WINNT);
	assert_string_equal(peer.name, "alice");
	assert_string_equal(peer.domain, "CLUSAPI");
	assert_int_equal(c.ops->sig_size(c.st, 64), 16);
	protect_both_ways(&c, &s, RPC_AUTHN_GSS_NEGOTIATE);
	tamper_and_replay(&c, &s);
	rpc_auth_free(&c);
	rpc_auth_free(&s);
	with_ticket();
}

/* The client has a ticket and sends an optimistic AP-REQ, but the server has
 * no keytab: it picks NTLM, the client starts over with NTLM, and the MICs
 * are due (not the client's first choice). */
static void test_ntlm_when_server_has_no_keytab(void **state)
{
	struct rpc_auth_spnego_server_config cfg = { .krb5 = &no_keytab, .ntlmssp = &ntlm_cfg };
	struct rpc_auth c, s;
	int legs = 0;
	(void)state;

	with_ticket();
	assert_int_equal(rpc_auth_spnego_client("localhost", &alice, &c), 0);
	assert_int_equal(rpc_auth_spnego_server(&cfg, &s), 0);
	uint32_t rc = run_legs(&c, &s, &legs);
	if (rc)
		fprintf(stderr, "client: %s\nserver: %s\n", rpc_auth_gss_error(&c), rpc_auth_gss_error(&s));
	assert_int_equal(rc, 0);
	assert_int_equal(legs, 6);
	assert_int_equal(rpc_auth_spnego_mech(&s), RPC_AUTHN_WINNT);
	protect_both_ways(&c, &s, RPC_AUTHN_GSS_NEGOTIATE);
	rpc_auth_free(&c);
	rpc_auth_free(&s);
}

static void test_ntlm_wrong_password(void **state)
{
	struct rpc_auth_spnego_server_config cfg = { .ntlmssp = &ntlm_cfg };
	struct rpc_auth_client_creds bad = { .user = "alice", .password = "wrong" };
	struct rpc_auth c, s;
	(void)state;

	without_ticket();
	assert_int_equal(rpc_auth_spnego_client("localhost", &bad, &c), 0);
	assert_int_equal(rpc_auth_spnego_server(&cfg, &s), 0);
	assert_int_equal(run_legs(&c, &s, NULL), ERROR_ACCESS_DENIED);
	rpc_auth_free(&c);
	rpc_auth_free(&s);
	with_ticket();
}

/* No mechanism in common: Kerberos-only client, NTLM-only server. */
static void test_no_common_mechanism(void **state)
{
	struct rpc_auth_spnego_server_config cfg = { .ntlmssp = &ntlm_cfg };
	struct rpc_auth c, s;
	(void)state;

	with_ticket();
	assert_int_equal(rpc_auth_spnego_client("localhost", NULL, &c), 0);
	assert_int_equal(rpc_auth_spnego_server(&cfg, &s), 0);
	assert_int_equal(run_legs(&c, &s, NULL), ERROR_ACCESS_DENIED);
	printf("no common mechanism: %s\n", rpc_auth_gss_error(&s));
	rpc_auth_free(&c);
	rpc_auth_free(&s);

	/* and a client with nothing at all */
	without_ticket();
	uint8_t *out;
	size_t out_len;
	assert_int_equal(rpc_auth_spnego_client("localhost", NULL, &c), 0);
	assert_int_equal(c.ops->step(c.st, NULL, 0, &out, &out_len), ERROR_ACCESS_DENIED);
	printf("no credentials: %s\n", rpc_auth_gss_error(&c));
	rpc_auth_free(&c);
	with_ticket();
}

/* Drive the NTLM legs by hand and corrupt the client's mechListMIC (the last
 * bytes of its third token): the server refuses. */
static void test_bad_mech_list_mic(void **state)
{
	struct rpc_auth_spnego_server_config cfg = { .ntlmssp = &ntlm_cfg };
	struct rpc_auth c, s;
	uint8_t *t1, *t2, *t3, *t4;
	size_t l1, l2, l3, l4;
	(void)state;

	without_ticket();
	assert_int_equal(rpc_auth_spnego_client("localhost", &alice, &c), 0);
	assert_int_equal(rpc_auth_spnego_server(&cfg, &s), 0);
	assert_int_equal(c.ops->step(c.st, NULL, 0, &t1, &l1), RPC_AUTH_CONTINUE);
	assert_int_equal(s.ops->step(s.st, t1, l1, &t2, &l2), RPC_AUTH_CONTINUE);
	assert_int_equal(c.ops->step(c.st, t2, l2, &t3, &l3), RPC_AUTH_CONTINUE);
	struct spnego_token tok;
	assert_int_equal(spnego_decode(t3, l3, &tok), 0);
	assert_non_null(tok.mic.data);
	assert_int_equal(tok.mic.len, 16);
	t3[l3 - 5] ^= 0x01;
	assert_int_equal(s.ops->step(s.st, t3, l3, &t4, &l4), ERROR_ACCESS_DENIED);
	assert_null(t4);
	printf("bad mechListMIC: %s\n", rpc_auth_gss_error(&s));
	free(t1);
	free(t2);
	free(t3);
	rpc_auth_free(&c);
	rpc_auth_free(&s);
	with_ticket();
}

/* Windows' NegTokenInit: MS-KRB5 OID first, then the standard one, NTLM.
 * The server answers with the OID the client listed first. */
static void test_ms_krb5_oid(void **state)
{
	struct rpc_auth_spnego_server_config cfg = { .krb5 = &krb_cfg, .ntlmssp = &ntlm_cfg };
	struct spnego_blob mechs[3] = {
		{ spnego_oid_ms_krb5, sizeof(spnego_oid_ms_krb5) },
		{ spnego_oid_krb5, sizeof(spnego_oid_krb5) },
		{ spnego_oid_ntlm, sizeof(spnego_oid_ntlm) },
	};
	struct rpc_auth k, s;
	uint8_t *ap_req, *init, *resp, *ap_rep2, *wrapped, *final;
	size_t l1, l2, l3, l4, l5, l6;
	struct spnego_token tok;
	(void)state;

	with_ticket();
	assert_int_equal(rpc_auth_krb5_client("localhost", &k), 0);
	assert_int_equal(rpc_auth_spnego_server(&cfg, &s), 0);
	assert_int_equal(k.ops->step(k.st, NULL, 0, &ap_req, &l1), RPC_AUTH_CONTINUE);
	struct spnego_blob mt = { ap_req, l1 };
	assert_int_equal(spnego_encode_init(mechs, 3, &mt, NULL, &init, &l2), 0);
	assert_int_equal(s.ops->step(s.st, init, l2, &resp, &l3), RPC_AUTH_CONTINUE);
	assert_int_equal(spnego_decode(resp, l3, &tok), 0);
	assert_int_equal(tok.kind, SPNEGO_RESP);
	assert_int_equal(tok.neg_state, SPNEGO_ACCEPT_INCOMPLETE);
	assert_true(spnego_oid_is(&tok.supported_mech, spnego_oid_ms_krb5, sizeof(spnego_oid_ms_krb5)));
	assert_non_null(tok.response_token.data);
	assert_int_equal(k.ops->step(k.st, tok.response_token.data, tok.response_token.len, &ap_rep2, &l4), 0);
	struct spnego_blob rt = { ap_rep2, l4 };
	assert_int_equal(spnego_encode_resp(SPNEGO_ABSENT, NULL, &rt, NULL, &wrapped, &l5), 0);
	assert_int_equal(s.ops->step(s.st, wrapped, l5, &final, &l6), 0);
	assert_int_equal(spnego_decode(final, l6, &tok), 0);
	assert_int_equal(tok.neg_state, SPNEGO_ACCEPT_COMPLETED);
	assert_null(tok.mic.data);
	assert_int_equal(rpc_auth_spnego_mech(&s), RPC_AUTHN_GSS_KERBEROS);
	free(ap_req);
	free(init);
	free(resp);
	free(ap_rep2);
	free(wrapped);
	free(final);
	rpc_auth_free(&k);
	rpc_auth_free(&s);
}

/* The mechListMICs our SPNEGO makes and checks are NTLM signatures with
 * sequence number 0 on a fresh RC4 handle, computed here by ntlmssp.c (whose
 * signing the MS-NLMP vectors test): the client side is driven by hand. */
static void test_ntlm_mic_matches_ntlmssp(void **state)
{
	struct rpc_auth_spnego_server_config cfg = { .ntlmssp = &ntlm_cfg };
	struct ntlmssp_client_config ccfg = { .user = "alice", .domain = "CLUSAPI", .password = "password", .mic = true };
	struct spnego_blob ntlm_oid = { spnego_oid_ntlm, sizeof(spnego_oid_ntlm) };
	struct rpc_auth s;
	struct ntlmssp_ctx *cli = ntlmssp_client_start(&ccfg), *tmp;
	uint8_t *neg, *init, *resp, *auth, *ml, *t3, *final, key[16], mic[16];
	size_t l_neg, l_init, l_resp, l_auth, l_ml, l3, l_final;
	struct spnego_token tok;
	(void)state;

	assert_non_null(cli);
	assert_int_equal(rpc_auth_spnego_server(&cfg, &s), 0);
	assert_int_equal(ntlmssp_client_negotiate(cli, &neg, &l_neg), 0);
	struct spnego_blob b = { neg, l_neg };
	assert_int_equal(spnego_encode_init(&ntlm_oid, 1, &b, NULL, &init, &l_init), 0);
	assert_int_equal(s.ops->step(s.st, init, l_init, &resp, &l_resp), RPC_AUTH_CONTINUE);
	assert_int_equal(spnego_decode(resp, l_resp, &tok), 0);
	assert_true(spnego_oid_is(&tok.supported_mech, spnego_oid_ntlm, sizeof(spnego_oid_ntlm)));
	assert_int_equal(ntlmssp_client_authenticate(cli, tok.response_token.data, tok.response_token.len, &auth, &l_auth),
			 0);
	assert_int_equal(spnego_encode_mech_list(&ntlm_oid, 1, &ml, &l_ml), 0);
	assert_true(ntlmssp_session_key(cli, key));
	tmp = ntlmssp_session_from_key(true, ntlmssp_flags(cli), key);
	assert_int_equal(ntlmssp_sign(tmp, ml, l_ml, mic), 0);
	ntlmssp_free(tmp);
	struct spnego_blob a = { auth, l_auth }, m = { mic, 16 };
	assert_int_equal(spnego_encode_resp(SPNEGO_ABSENT, NULL, &a, &m, &t3, &l3), 0);
	assert_int_equal(s.ops->step(s.st, t3, l3, &final, &l_final), 0);
	assert_int_equal(spnego_decode(final, l_final, &tok), 0);
	assert_int_equal(tok.neg_state, SPNEGO_ACCEPT_COMPLETED);
	assert_int_equal(tok.mic.len, 16);
	tmp = ntlmssp_session_from_key(true, ntlmssp_flags(cli), key);
	assert_int_equal(ntlmssp_verify(tmp, ml, l_ml, tok.mic.data), 0);
	ntlmssp_free(tmp);
	free(neg);
	free(init);
	free(resp);
	free(auth);
	free(ml);
	free(t3);
	free(final);
	ntlmssp_free(cli);
	rpc_auth_free(&s);
}

/* MIT's own SPNEGO initiator (gss_init_sec_context with the SPNEGO OID, DCE
 * style) against our acceptor: a second, independent client. */
static void test_mit_spnego_initiator(void **state)
{
	static gss_OID_desc spnego_mech = { 6, (void *)"\x2b\x06\x01\x05\x05\x02" };
	struct rpc_auth_spnego_server_config cfg = { .krb5 = &krb_cfg, .ntlmssp = &ntlm_cfg };
	struct rpc_auth s;
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	gss_name_t target;
	gss_buffer_desc name = { strlen("MSServerClusterMgmtAPI@localhost"), (void *)"MSServerClusterMgmtAPI@localhost" };
	gss_buffer_desc in = GSS_C_EMPTY_BUFFER, out = GSS_C_EMPTY_BUFFER;
	OM_uint32 maj, min, flags = GSS_C_DCE_STYLE | GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG |
				     GSS_C_CONF_FLAG | GSS_C_INTEG_FLAG;
	uint8_t *tok = NULL;
	size_t tok_len = 0;
	uint32_t rc = RPC_AUTH_CONTINUE;
	int rounds = 0;
	(void)state;

	with_ticket();
	assert_false(GSS_ERROR(gss_import_name(&min, &name, GSS_C_NT_HOSTBASED_SERVICE, &target)));
	assert_int_equal(rpc_auth_spnego_server(&cfg, &s), 0);
	for (;;) {
		maj = gss_init_sec_context(&min, GSS_C_NO_CREDENTIAL, &ctx, target, &spnego_mech, flags, 0,
					   GSS_C_NO_CHANNEL_BINDINGS, in.length ? &in : GSS_C_NO_BUFFER, NULL, &out, NULL,
					   NULL);
		free(tok);
		tok = NULL;
		in.length = 0;
		in.value = NULL;
		assert_false(GSS_ERROR(maj));
		if (out.length == 0)
			break;
		assert_int_equal(rc, RPC_AUTH_CONTINUE);
		rc = s.ops->step(s.st, out.value, out.length, &tok, &tok_len);
		gss_release_buffer(&min, &out);
		if (rc && rc != RPC_AUTH_CONTINUE)
			fprintf(stderr, "server: %s\n", rpc_auth_gss_error(&s));
		assert_true(rc == 0 || rc == RPC_AUTH_CONTINUE);
		if (maj == GSS_S_COMPLETE)
			break;
		in.value = tok;
		in.length = tok_len;
		assert_true(++rounds < 6);
	}
	free(tok);
	assert_int_equal(maj, GSS_S_COMPLETE);
	assert_int_equal(rc, 0);
	assert_int_equal(rpc_auth_spnego_mech(&s), RPC_AUTHN_GSS_KERBEROS);

	/* a PDU sealed by MIT's context (through SPNEGO's wrap) opens here */
	struct test_pdu p;
	gss_iov_buffer_desc iov[2];
	int conf = 0;
	make_pdu(&p, 48, RPC_AUTHN_GSS_NEGOTIATE, RPC_AUTHN_LEVEL_PKT_PRIVACY, 2);
	memset(iov, 0, sizeof(iov));
	iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER;
	iov[1].type = GSS_IOV_BUFFER_TYPE_DATA;
	iov[1].buffer.value = p.buf + p.data_off;
	iov[1].buffer.length = p.data_len;
	assert_false(GSS_ERROR(gss_wrap_iov_length(&min, ctx, 1, GSS_C_QOP_DEFAULT, NULL, iov, 2)));
	iov[0].buffer.value = p.sig;
	assert_false(GSS_ERROR(gss_wrap_iov(&min, ctx, 1, GSS_C_QOP_DEFAULT, &conf, iov, 2)));
	p.sig_len = iov[0].buffer.length;
	assert_int_equal(s.ops->unseal(s.st, p.buf, p.pdu_len, p.data_off, p.data_len, false, p.sig, p.sig_len), 0);
	assert_memory_equal(p.buf, p.plain, p.pdu_len);

	gss_delete_sec_context(&min, &ctx, GSS_C_NO_BUFFER);
	gss_release_name(&min, &target);
	rpc_auth_free(&s);
}

/* And our SPNEGO initiator against MIT's SPNEGO acceptor (keytab from
 * KRB5_KTNAME); MIT then opens a PDU we sealed with header signing. */
static void test_mit_spnego_acceptor(void **state)
{
	struct rpc_auth c;
	gss_ctx_id_t ctx = GSS_C_NO_CONTEXT;
	gss_buffer_desc in, out = GSS_C_EMPTY_BUFFER;
	OM_uint32 maj = GSS_S_CONTINUE_NEEDED, min;
	uint8_t *tok = NULL;
	size_t tok_len = 0;
	uint32_t rc;
	int rounds = 0;
	(void)state;

	with_ticket();
	assert_int_equal(rpc_auth_spnego_client("localhost", NULL, &c), 0);
	rc = c.ops->step(c.st, NULL, 0, &tok, &tok_len);
	while (tok) {
		assert_true(rc == 0 || rc == RPC_AUTH_CONTINUE);
		in.value = tok;
		in.length = tok_len;
		maj = gss_accept_sec_context(&min, &ctx, GSS_C_NO_CREDENTIAL, &in, GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL,
					     &out, NULL, NULL, NULL);
		free(tok);
		tok = NULL;
		assert_false(GSS_ERROR(maj));
		if (rc == 0)
			break; /* auth3: nothing goes back */
		rc = c.ops->step(c.st, out.value, out.length, &tok, &tok_len);
		gss_release_buffer(&min, &out);
		if (rc && rc != RPC_AUTH_CONTINUE)
			fprintf(stderr, "client: %s\n", rpc_auth_gss_error(&c));
		assert_true(++rounds < 6);
	}
	gss_release_buffer(&min, &out);
	assert_int_equal(rc, 0);
	assert_int_equal(maj, GSS_S_COMPLETE);
	assert_int_equal(rpc_auth_spnego_mech(&c), RPC_AUTHN_GSS_KERBEROS);

	struct test_pdu p;
	gss_iov_buffer_desc iov[4];
	int conf = 0;
	make_pdu(&p, 48, RPC_AUTHN_GSS_NEGOTIATE, RPC_AUTHN_LEVEL_PKT_PRIVACY, 2);
	assert_int_equal(c.ops->seal(c.st, p.buf, p.pdu_len, p.data_off, p.data_len, true, p.sig, &p.sig_len), 0);
	memset(iov, 0, sizeof(iov));
	iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER;
	iov[0].buffer.value = p.sig;
	iov[0].buffer.length = p.sig_len;
	iov[1].type = GSS_IOV_BUFFER_TYPE_SIGN_ONLY;
	iov[1].buffer.value = p.buf;
	iov[1].buffer.length = p.data_off;
	iov[2].type = GSS_IOV_BUFFER_TYPE_DATA;
	iov[2].buffer.value = p.buf + p.data_off;
	iov[2].buffer.length = p.data_len;
	iov[3].type = GSS_IOV_BUFFER_TYPE_SIGN_ONLY;
	iov[3].buffer.value = p.buf + p.data_off + p.data_len;
	iov[3].buffer.length = TRAILER_LEN;
	assert_false(GSS_ERROR(gss_unwrap_iov(&min, ctx, &conf, NULL, iov, 4)));
	assert_int_equal(conf, 1);
	assert_memory_equal(p.buf, p.plain, p.pdu_len);

	gss_delete_sec_context(&min, &ctx, GSS_C_NO_BUFFER);
	rpc_auth_free(&c);
}

/* The ready-made start callback a server hands to its PDU engine. */
static void test_server_start_callback(void **state)
{
	struct rpc_auth_spnego_server_config both = { .krb5 = &krb_cfg, .ntlmssp = &ntlm_cfg };
	struct rpc_auth_spnego_server_config ntlm_only = { .ntlmssp = &ntlm_cfg };
	struct rpc_auth_spnego_server_config bad_keytab = { .krb5 = &no_keytab };
	rpc_auth_server_start_fn start = rpc_auth_gss_server_start;
	struct rpc_auth s, c;
	(void)state;

	assert_int_equal(start(&both, RPC_AUTHN_GSS_NEGOTIATE, &s), 0);
	assert_int_equal(s.ops->auth_type, RPC_AUTHN_GSS_NEGOTIATE);
	rpc_auth_free(&s);
	assert_int_equal(start(&both, RPC_AUTHN_GSS_KERBEROS, &s), 0);
	assert_int_equal(s.ops->auth_type, RPC_AUTHN_GSS_KERBEROS);
	rpc_auth_free(&s);
	assert_int_equal(start(&both, RPC_AUTHN_WINNT, &s), 0);
	assert_int_equal(s.ops->auth_type, RPC_AUTHN_WINNT);
	assert_int_equal(rpc_auth_ntlmssp_client(&alice, &c), 0);
	assert_int_equal(run_legs(&c, &s, NULL), 0);
	rpc_auth_free(&c);
	rpc_auth_free(&s);
	assert_int_equal(start(&both, 11, &s), ERROR_NOT_SUPPORTED);
	assert_null(s.ops);
	assert_int_equal(start(&ntlm_only, RPC_AUTHN_GSS_KERBEROS, &s), ERROR_NOT_SUPPORTED);
	assert_int_equal(start(&bad_keytab, RPC_AUTHN_GSS_KERBEROS, &s), ERROR_NOT_SUPPORTED);
	assert_int_equal(start(&bad_keytab, RPC_AUTHN_WINNT, &s), ERROR_NOT_SUPPORTED);
	assert_int_equal(start(NULL, RPC_AUTHN_WINNT, &s), ERROR_NOT_SUPPORTED);
}

/* A ticket, but the KDC knows no SPN for the host: NTLM alone. */
static void test_ntlm_when_no_service_ticket(void **state)
{
	struct rpc_auth_spnego_server_config cfg = { .krb5 = &krb_cfg, .ntlmssp = &ntlm_cfg };
	struct rpc_auth c, s;
	int legs = 0;
	(void)state;

	with_ticket();
	assert_int_equal(rpc_auth_spnego_client("nosuchhost", &alice, &c), 0);
	assert_int_equal(rpc_auth_spnego_server(&cfg, &s), 0);
	assert_int_equal(run_legs(&c, &s, &legs), 0);
	assert_int_equal(legs, 4);
	assert_int_equal(rpc_auth_spnego_mech(&c), RPC_AUTHN_WINNT);
	protect_both_ways(&c, &s, RPC_AUTHN_GSS_NEGOTIATE);
	rpc_auth_free(&c);
	rpc_auth_free(&s);

	/* without NTLM credentials the Kerberos failure is the answer */
	uint8_t *out;
	size_t out_len;
	assert_int_equal(rpc_auth_spnego_client("nosuchhost", NULL, &c), 0);
	assert_int_equal(c.ops->step(c.st, NULL, 0, &out, &out_len), ERROR_ACCESS_DENIED);
	assert_non_null(strstr(rpc_auth_gss_error(&c), "nosuchhost"));
	rpc_auth_free(&c);
}

int main(void)
{
	const char *cc = getenv("KRB5CCNAME");
	if (!cc || !getenv("KRB5_KTNAME") || !getenv("KRB5_CONFIG")) {
		fprintf(stderr, "KRB5CCNAME, KRB5_KTNAME or KRB5_CONFIG is not set: run this test under tests/krb5/kdc.sh\n");
		return 1;
	}
	saved_ccache = strdup(cc);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kerberos_when_ticket),
		cmocka_unit_test(test_ntlm_when_no_ticket),
		cmocka_unit_test(test_ntlm_when_server_has_no_keytab),
		cmocka_unit_test(test_ntlm_wrong_password),
		cmocka_unit_test(test_no_common_mechanism),
		cmocka_unit_test(test_bad_mech_list_mic),
		cmocka_unit_test(test_ms_krb5_oid),
		cmocka_unit_test(test_ntlm_mic_matches_ntlmssp),
		cmocka_unit_test(test_mit_spnego_initiator),
		cmocka_unit_test(test_mit_spnego_acceptor),
		cmocka_unit_test(test_server_start_callback),
		cmocka_unit_test(test_ntlm_when_no_service_ticket),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	free(saved_ccache);
	return rc;
}
