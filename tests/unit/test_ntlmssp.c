/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for src/rpc/ntlmssp: the MS-NLMP 4.2.4 NTLMv2 example values,
 * an in-process client/server handshake with signing and sealing, and the
 * failures (wrong password, replay, tampering, malformed messages). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/werror.h"
#include "rpc/ntlmssp.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- MS-NLMP 4.2.1 common values and 4.2.4 NTLMv2 results ---------------- */

static const uint8_t server_challenge[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
static const uint8_t client_challenge[8] = { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
static const uint8_t random_session_key[16] = { 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55,
						0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55, 0x55 };
static const uint8_t user_u16[] = { 'U', 0, 's', 0, 'e', 0, 'r', 0 };
static const uint8_t domain_u16[] = { 'D', 0, 'o', 0, 'm', 0, 'a', 0, 'i', 0, 'n', 0 };
/* 4.2.4: the server's AV pairs (NbDomainName "Domain", NbComputerName "Server", EOL). */
static const uint8_t spec_target_info[] = {
	0x02, 0x00, 0x0c, 0x00, 'D', 0, 'o', 0, 'm', 0, 'a', 0, 'i', 0, 'n', 0,
	0x01, 0x00, 0x0c, 0x00, 'S', 0, 'e', 0, 'r', 0, 'v', 0, 'e', 0, 'r', 0,
	0x00, 0x00, 0x00, 0x00,
};
#define SPEC_FLAGS 0xe28a8233u /* 4.2.4 challenge flags */

static const uint8_t spec_ntowfv1[16] = { 0xa4, 0xf4, 0x9c, 0x40, 0x65, 0x10, 0xbd, 0xca,
					  0xb6, 0x82, 0x4e, 0xe7, 0xc3, 0x0f, 0xd8, 0x52 };
static const uint8_t spec_ntowfv2[16] = { 0x0c, 0x86, 0x8a, 0x40, 0x3b, 0xfd, 0x7a, 0x93,
					  0xa3, 0x00, 0x1e, 0xf2, 0x2e, 0xf0, 0x2e, 0x3f };
static const uint8_t spec_lmv2[24] = { 0x86, 0xc3, 0x50, 0x97, 0xac, 0x9c, 0xec, 0x10, 0x25, 0x54, 0x76, 0x4a,
				       0x57, 0xcc, 0xcc, 0x19, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa };
static const uint8_t spec_ntproofstr[16] = { 0x68, 0xcd, 0x0a, 0xb8, 0x51, 0xe5, 0x1c, 0x96,
					     0xaa, 0xbc, 0x92, 0x7b, 0xeb, 0xef, 0x6a, 0x1c };
static const uint8_t spec_session_base_key[16] = { 0x8d, 0xe4, 0x0c, 0xca, 0xdb, 0xc1, 0x4a, 0x82,
						   0xf1, 0x5c, 0xb0, 0xad, 0x0d, 0xe9, 0x5c, 0xa3 };
static const uint8_t spec_encrypted_key[16] = { 0xc5, 0xda, 0xd2, 0x54, 0x4f, 0xc9, 0x79, 0x90,
						0x94, 0xce, 0x1c, 0xe9, 0x0b, 0xc9, 0xd0, 0x3e };
/* 4.2.4.4 */
static const uint8_t spec_seal_key[16] = { 0x59, 0xf6, 0x00, 0x97, 0x3c, 0xc4, 0x96, 0x0a,
					   0x25, 0x48, 0x0a, 0x7c, 0x19, 0x6e, 0x4c, 0x58 };
static const uint8_t spec_sign_key[16] = { 0x47, 0x88, 0xdc, 0x86, 0x1b, 0x47, 0x82, 0xf3,
					   0x5d, 0x43, 0xfd, 0x98, 0xfe, 0x1a, 0x2d, 0x39 };
static const uint8_t plaintext[18] = { 'P', 0, 'l', 0, 'a', 0, 'i', 0, 'n', 0, 't', 0, 'e', 0, 'x', 0, 't', 0 };
static const uint8_t spec_sealed[18] = { 0x54, 0xe5, 0x01, 0x65, 0xbf, 0x19, 0x36, 0xdc, 0x99,
					 0x60, 0x20, 0xc1, 0x81, 0x1b, 0x0f, 0x06, 0xfb, 0x5f };
static const uint8_t spec_signature[16] = { 0x01, 0x00, 0x00, 0x00, 0x7f, 0xb3, 0x8e, 0xc5,
					    0xc5, 0x5d, 0x49, 0x76, 0x00, 0x00, 0x00, 0x00 };

static void test_ntowfv1(void **state)
{
	uint8_t h[16];

	(void)state;
	assert_int_equal(ntlmssp_ntowfv1("Password", h), 0);
	assert_memory_equal(h, spec_ntowfv1, 16);
}

static void test_spec_ntlmv2(void **state)
{
	uint8_t nt_hash[16], key[16], proof[16], base[16], lm[24], enc[16], back[16];
	uint8_t *temp, *resp;
	size_t temp_len;

	(void)state;
	assert_int_equal(ntlmssp_ntowfv1("Password", nt_hash), 0);
	ntlmssp_ntowfv2(nt_hash, user_u16, sizeof(user_u16), domain_u16, sizeof(domain_u16), key);
	assert_memory_equal(key, spec_ntowfv2, 16);
	/* The user name is uppercased: "user" gives the same key. */
	{
		static const uint8_t lower[] = { 'u', 0, 's', 0, 'e', 0, 'r', 0 };
		uint8_t k2[16];

		ntlmssp_ntowfv2(nt_hash, lower, sizeof(lower), domain_u16, sizeof(domain_u16), k2);
		assert_memory_equal(k2, spec_ntowfv2, 16);
	}

	ntlmssp_lmv2_response(key, server_challenge, client_challenge, lm);
	assert_memory_equal(lm, spec_lmv2, 24);

	temp = ntlmssp_ntlmv2_temp(0, client_challenge, spec_target_info, sizeof(spec_target_info), &temp_len);
	assert_non_null(temp);
	assert_int_equal(temp_len, 28 + sizeof(spec_target_info) + 4);
	ntlmssp_ntproofstr(key, server_challenge, temp, temp_len, proof);
	assert_memory_equal(proof, spec_ntproofstr, 16);
	ntlmssp_session_base_key(key, proof, base);
	assert_memory_equal(base, spec_session_base_key, 16);

	/* The server's check of the same response gives the same key... */
	resp = malloc(16 + temp_len);
	assert_non_null(resp);
	memcpy(resp, proof, 16);
	memcpy(resp + 16, temp, temp_len);
	memset(base, 0, sizeof(base));
	assert_int_equal(ntlmssp_ntlmv2_check(nt_hash, user_u16, sizeof(user_u16), domain_u16, sizeof(domain_u16),
					      server_challenge, resp, 16 + temp_len, base),
			 0);
	assert_memory_equal(base, spec_session_base_key, 16);
	/* ...and fails for another password or a changed blob. */
	{
		uint8_t other[16];

		assert_int_equal(ntlmssp_ntowfv1("password", other), 0);
		assert_int_equal(ntlmssp_ntlmv2_check(other, user_u16, sizeof(user_u16), domain_u16,
						      sizeof(domain_u16), server_challenge, resp, 16 + temp_len, base),
				 ERROR_ACCESS_DENIED);
		resp[16 + 8] ^= 1; /* the timestamp */
		assert_int_equal(ntlmssp_ntlmv2_check(nt_hash, user_u16, sizeof(user_u16), domain_u16,
						      sizeof(domain_u16), server_challenge, resp, 16 + temp_len, base),
				 ERROR_ACCESS_DENIED);
		assert_int_equal(ntlmssp_ntlmv2_check(nt_hash, user_u16, sizeof(user_u16), domain_u16,
						      sizeof(domain_u16), server_challenge, resp, 24, base),
				 ERROR_INVALID_DATA);
	}
	free(resp);
	free(temp);

	/* Key exchange: KXKEY = SessionBaseKey; RC4 of the random session key. */
	ntlmssp_rc4_key(spec_session_base_key, random_session_key, enc);
	assert_memory_equal(enc, spec_encrypted_key, 16);
	ntlmssp_rc4_key(spec_session_base_key, spec_encrypted_key, back);
	assert_memory_equal(back, random_session_key, 16);
}

static void test_spec_keys_and_seal(void **state)
{
	uint8_t k[16], data[sizeof(plaintext)], sig[16], key[16];
	struct ntlmssp_ctx *client, *server;

	(void)state;
	ntlmssp_seal_key(random_session_key, true, k);
	assert_memory_equal(k, spec_seal_key, 16);
	ntlmssp_sign_key(random_session_key, true, k);
	assert_memory_equal(k, spec_sign_key, 16);
	/* The other direction uses other keys. */
	ntlmssp_seal_key(random_session_key, false, k);
	assert_memory_not_equal(k, spec_seal_key, 16);
	ntlmssp_sign_key(random_session_key, false, k);
	assert_memory_not_equal(k, spec_sign_key, 16);

	client = ntlmssp_session_from_key(true, SPEC_FLAGS, random_session_key);
	server = ntlmssp_session_from_key(false, SPEC_FLAGS, random_session_key);
	assert_non_null(client);
	assert_non_null(server);
	assert_true(ntlmssp_session_key(client, key));
	assert_memory_equal(key, random_session_key, 16);

	memcpy(data, plaintext, sizeof(data));
	assert_int_equal(ntlmssp_seal(client, data, sizeof(data), NULL, 0, sig), 0);
	assert_memory_equal(data, spec_sealed, sizeof(data));
	assert_memory_equal(sig, spec_signature, 16);

	assert_int_equal(ntlmssp_unseal(server, data, sizeof(data), NULL, 0, sig), 0);
	assert_memory_equal(data, plaintext, sizeof(data));
	ntlmssp_free(client);
	ntlmssp_free(server);
}

/* ---- handshake ------------------------------------------------------------- */

struct account {
	const char *user, *domain, *password;
};

static const struct account accounts[] = {
	{ "User", "Domain", "Password" },
	{ "alice", "CLUSTER", "s3cret-\xc3\xa9t\xc3\xa9" },
};

static uint32_t lookup(void *arg, const char *user, const char *domain, uint8_t nt_hash[16])
{
	int *calls = arg;

	if (calls)
		(*calls)++;
	for (size_t i = 0; i < N(accounts); i++) {
		if (strcmp(accounts[i].user, user) == 0 && strcmp(accounts[i].domain, domain) == 0) {
			assert_int_equal(ntlmssp_ntowfv1(accounts[i].password, nt_hash), 0);
			return 0;
		}
	}
	return ERROR_FILE_NOT_FOUND;
}

static struct ntlmssp_ctx *make_server(int *calls)
{
	struct ntlmssp_server_config cfg = {
		.nb_domain = "CLUSTER",
		.nb_computer = "NODE1",
		.dns_computer = "node1.cluster.example",
		.lookup = lookup,
		.lookup_arg = calls,
	};
	struct ntlmssp_ctx *s = ntlmssp_server_start(&cfg);

	assert_non_null(s);
	return s;
}

/* Run the three messages; returns the server's verdict.  *auth (if given)
 * gets the AUTHENTICATE message for the caller to play with. */
static uint32_t handshake(struct ntlmssp_ctx *client, struct ntlmssp_ctx *server, uint8_t **auth,
			  size_t *auth_len)
{
	uint8_t *neg, *chal, *a;
	size_t neg_len, chal_len, a_len;
	uint32_t r;

	assert_int_equal(ntlmssp_client_negotiate(client, &neg, &neg_len), 0);
	assert_int_equal(ntlmssp_server_negotiate(server, neg, neg_len, &chal, &chal_len), 0);
	assert_int_equal(ntlmssp_client_authenticate(client, chal, chal_len, &a, &a_len), 0);
	r = ntlmssp_server_authenticate(server, a, a_len);
	free(neg);
	free(chal);
	if (auth) {
		*auth = a;
		*auth_len = a_len;
	} else {
		free(a);
	}
	return r;
}

static struct ntlmssp_ctx *make_client(const char *user, const char *domain, const char *password, bool mic)
{
	struct ntlmssp_client_config cfg = {
		.user = user,
		.domain = domain,
		.workstation = "WS1",
		.password = password,
		.mic = mic,
	};
	struct ntlmssp_ctx *c = ntlmssp_client_start(&cfg);

	assert_non_null(c);
	return c;
}

/* Seal msg one way, unseal the other; and the same with a PDU-like "whole". */
static void exchange(struct ntlmssp_ctx *from, struct ntlmssp_ctx *to, const char *text)
{
	uint8_t pdu[64], sig[16];
	size_t len = strlen(text);

	assert_true(len + 8 <= sizeof(pdu));
	/* An 8-byte "header" signed in clear, the rest sealed. */
	memset(pdu, 0x5a, 8);
	memcpy(pdu + 8, text, len);
	assert_int_equal(ntlmssp_seal(from, pdu + 8, len, pdu, len + 8, sig), 0);
	if (len > 4)
		assert_memory_not_equal(pdu + 8, text, len);
	assert_int_equal(ntlmssp_unseal(to, pdu + 8, len, pdu, len + 8, sig), 0);
	assert_memory_equal(pdu + 8, text, len);

	/* Sign only. */
	assert_int_equal(ntlmssp_sign(from, (const uint8_t *)text, len, sig), 0);
	assert_int_equal(ntlmssp_verify(to, (const uint8_t *)text, len, sig), 0);
}

static void check_handshake(bool mic)
{
	struct ntlmssp_ctx *c = make_client("alice", "CLUSTER", "s3cret-\xc3\xa9t\xc3\xa9", mic);
	struct ntlmssp_ctx *s = make_server(NULL);
	uint8_t kc[16], ks[16];

	assert_int_equal(handshake(c, s, NULL, NULL), 0);
	assert_true(ntlmssp_established(c));
	assert_true(ntlmssp_established(s));
	assert_string_equal(ntlmssp_user(s), "alice");
	assert_string_equal(ntlmssp_domain(s), "CLUSTER");
	assert_true(ntlmssp_session_key(c, kc));
	assert_true(ntlmssp_session_key(s, ks));
	assert_memory_equal(kc, ks, 16);
	assert_int_equal(ntlmssp_flags(c), ntlmssp_flags(s));
	assert_true(ntlmssp_flags(s) & NTLMSSP_NEGOTIATE_KEY_EXCH);
	assert_true(ntlmssp_flags(s) & NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY);
	assert_true(ntlmssp_flags(s) & NTLMSSP_NEGOTIATE_128);

	for (int i = 0; i < 5; i++) {
		exchange(c, s, "request from the client");
		exchange(s, c, "response from the server");
		exchange(s, c, "a second one");
	}
	ntlmssp_free(c);
	ntlmssp_free(s);
}

static void test_handshake(void **state)
{
	(void)state;
	check_handshake(false);
}

static void test_handshake_mic(void **state)
{
	struct ntlmssp_ctx *c, *s;
	struct ntlmssp_authenticate a;
	uint8_t *auth;
	size_t len;

	(void)state;
	check_handshake(true);

	/* A changed MIC is refused. */
	c = make_client("alice", "CLUSTER", "s3cret-\xc3\xa9t\xc3\xa9", true);
	s = make_server(NULL);
	assert_int_equal(ntlmssp_client_negotiate(c, &auth, &len), 0);
	{
		uint8_t *chal, *neg = auth;
		size_t chal_len;

		assert_int_equal(ntlmssp_server_negotiate(s, neg, len, &chal, &chal_len), 0);
		free(neg);
		assert_int_equal(ntlmssp_client_authenticate(c, chal, chal_len, &auth, &len), 0);
		free(chal);
	}
	assert_int_equal(ntlmssp_authenticate_decode(auth, len, &a), 0);
	assert_true(a.has_mic);
	auth[NTLMSSP_AUTH_MIC_OFFSET] ^= 0x80;
	assert_int_equal(ntlmssp_server_authenticate(s, auth, len), ERROR_ACCESS_DENIED);
	assert_false(ntlmssp_established(s));
	free(auth);
	ntlmssp_free(c);
	ntlmssp_free(s);
}

/* The 4.2.4 inputs through the whole client: fixed challenges and key. */
static void test_handshake_spec_inputs(void **state)
{
	static const uint8_t fixed_sc[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	struct ntlmssp_server_config scfg = {
		.nb_domain = "Domain", .nb_computer = "Server", .lookup = lookup,
		.server_challenge = fixed_sc, .timestamp = 1,
	};
	struct ntlmssp_client_config ccfg = {
		.user = "User", .domain = "Domain", .password = "Password",
		.client_challenge = client_challenge, .session_key = random_session_key,
	};
	struct ntlmssp_ctx *s = ntlmssp_server_start(&scfg), *c = ntlmssp_client_start(&ccfg);
	struct ntlmssp_authenticate a;
	uint8_t *auth, key[16], data[sizeof(plaintext)], sig[16];
	size_t len;

	(void)state;
	assert_non_null(s);
	assert_non_null(c);
	assert_int_equal(handshake(c, s, &auth, &len), 0);
	assert_int_equal(ntlmssp_authenticate_decode(auth, len, &a), 0);
	/* With a server timestamp, the LM response is Z(24). */
	assert_int_equal(a.lm_response.len, 24);
	for (size_t i = 0; i < 24; i++)
		assert_int_equal(a.lm_response.data[i], 0);
	assert_memory_equal(a.nt_response.data + 16 + 16, client_challenge, 8);
	assert_true(ntlmssp_session_key(s, key));
	assert_memory_equal(key, random_session_key, 16);
	/* Same exported key as 4.2.4, so the same sealed "Plaintext". */
	memcpy(data, plaintext, sizeof(data));
	assert_int_equal(ntlmssp_seal(c, data, sizeof(data), NULL, 0, sig), 0);
	assert_memory_equal(data, spec_sealed, sizeof(data));
	assert_memory_equal(sig, spec_signature, 16);
	assert_int_equal(ntlmssp_unseal(s, data, sizeof(data), NULL, 0, sig), 0);
	assert_memory_equal(data, plaintext, sizeof(data));
	free(auth);
	ntlmssp_free(c);
	ntlmssp_free(s);
}

static void test_wrong_password(void **state)
{
	struct ntlmssp_ctx *c, *s;
	int calls = 0;
	uint8_t sig[16], msg[4] = { 1, 2, 3, 4 };

	(void)state;
	c = make_client("alice", "CLUSTER", "wrong", false);
	s = make_server(&calls);
	assert_int_equal(handshake(c, s, NULL, NULL), ERROR_ACCESS_DENIED);
	assert_int_equal(calls, 1);
	assert_false(ntlmssp_established(s));
	assert_null(ntlmssp_user(s));
	assert_int_equal(ntlmssp_seal(s, msg, sizeof(msg), NULL, 0, sig), ERROR_INVALID_FUNCTION);
	ntlmssp_free(c);
	ntlmssp_free(s);

	/* Unknown user; known user in another domain. */
	c = make_client("mallory", "CLUSTER", "Password", false);
	s = make_server(NULL);
	assert_int_equal(handshake(c, s, NULL, NULL), ERROR_ACCESS_DENIED);
	ntlmssp_free(c);
	ntlmssp_free(s);
	c = make_client("User", "OTHER", "Password", false);
	s = make_server(NULL);
	assert_int_equal(handshake(c, s, NULL, NULL), ERROR_ACCESS_DENIED);
	ntlmssp_free(c);
	ntlmssp_free(s);

	/* A client given the NT hash instead of the password. */
	{
		uint8_t h[16];
		struct ntlmssp_client_config cfg = { .user = "User", .domain = "Domain", .nt_hash = h };

		assert_int_equal(ntlmssp_ntowfv1("Password", h), 0);
		c = ntlmssp_client_start(&cfg);
		s = make_server(NULL);
		assert_int_equal(handshake(c, s, NULL, NULL), 0);
		ntlmssp_free(c);
		ntlmssp_free(s);
	}
}

static void established_pair(struct ntlmssp_ctx **c, struct ntlmssp_ctx **s)
{
	*c = make_client("User", "Domain", "Password", false);
	*s = make_server(NULL);
	assert_int_equal(handshake(*c, *s, NULL, NULL), 0);
}

static void test_replay_reorder(void **state)
{
	struct ntlmssp_ctx *c, *s;
	uint8_t m1[16], m2[16], m1_copy[16], sig1[16], sig2[16];

	(void)state;
	established_pair(&c, &s);
	memset(m1, 'a', sizeof(m1));
	memset(m2, 'b', sizeof(m2));
	assert_int_equal(ntlmssp_seal(c, m1, sizeof(m1), NULL, 0, sig1), 0);
	assert_int_equal(ntlmssp_seal(c, m2, sizeof(m2), NULL, 0, sig2), 0);
	memcpy(m1_copy, m1, sizeof(m1));

	/* Out of order: message 2 first is refused, and changes nothing. */
	assert_int_equal(ntlmssp_unseal(s, m2, sizeof(m2), NULL, 0, sig2), ERROR_ACCESS_DENIED);
	assert_int_equal(ntlmssp_unseal(s, m1, sizeof(m1), NULL, 0, sig1), 0);
	assert_int_equal(m1[0], 'a');
	/* Replay of message 1 is refused. */
	assert_int_equal(ntlmssp_unseal(s, m1_copy, sizeof(m1_copy), NULL, 0, sig1), ERROR_ACCESS_DENIED);
	assert_int_equal(ntlmssp_unseal(s, m2, sizeof(m2), NULL, 0, sig2), 0);
	assert_int_equal(m2[0], 'b');

	/* A message sealed the other way cannot be played back to its sender. */
	memset(m1, 'c', sizeof(m1));
	assert_int_equal(ntlmssp_seal(s, m1, sizeof(m1), NULL, 0, sig1), 0);
	memcpy(m1_copy, m1, sizeof(m1));
	assert_int_equal(ntlmssp_unseal(s, m1_copy, sizeof(m1_copy), NULL, 0, sig1), ERROR_ACCESS_DENIED);
	assert_int_equal(ntlmssp_unseal(c, m1, sizeof(m1), NULL, 0, sig1), 0);

	/* Signed-only messages: replay and a forged sequence number. */
	assert_int_equal(ntlmssp_sign(c, m2, sizeof(m2), sig2), 0);
	assert_int_equal(ntlmssp_verify(s, m2, sizeof(m2), sig2), 0);
	assert_int_equal(ntlmssp_verify(s, m2, sizeof(m2), sig2), ERROR_ACCESS_DENIED);
	sig2[12]++;
	assert_int_equal(ntlmssp_verify(s, m2, sizeof(m2), sig2), ERROR_ACCESS_DENIED);
	ntlmssp_free(c);
	ntlmssp_free(s);
}

static void test_tamper(void **state)
{
	struct ntlmssp_ctx *c, *s;
	uint8_t m[32], orig[32], sig[16], bad[16];

	(void)state;
	established_pair(&c, &s);
	for (int i = 0; i < 32; i++)
		m[i] = (uint8_t)i;
	assert_int_equal(ntlmssp_seal(c, m, sizeof(m), NULL, 0, sig), 0);
	memcpy(orig, m, sizeof(m));

	/* A flipped ciphertext bit: refused, the buffer given back unchanged. */
	m[5] ^= 0x10;
	assert_int_equal(ntlmssp_unseal(s, m, sizeof(m), NULL, 0, sig), ERROR_ACCESS_DENIED);
	m[5] ^= 0x10;
	assert_memory_equal(m, orig, sizeof(m));
	/* Each byte of the checksum, and the version. */
	for (int i = 0; i < 12; i++) {
		memcpy(bad, sig, 16);
		bad[i] ^= 1;
		assert_int_equal(ntlmssp_unseal(s, m, sizeof(m), NULL, 0, bad), ERROR_ACCESS_DENIED);
		assert_memory_equal(m, orig, sizeof(m));
	}
	/* Truncated message. */
	assert_int_equal(ntlmssp_unseal(s, m, sizeof(m) - 1, NULL, 0, sig), ERROR_ACCESS_DENIED);
	assert_memory_equal(m, orig, sizeof(m));
	/* The genuine one still goes through. */
	assert_int_equal(ntlmssp_unseal(s, m, sizeof(m), NULL, 0, sig), 0);
	for (int i = 0; i < 32; i++)
		assert_int_equal(m[i], i);

	/* A signed header changed (the sealed part intact). */
	{
		uint8_t pdu[24], sig2[16];

		memset(pdu, 7, sizeof(pdu));
		assert_int_equal(ntlmssp_seal(c, pdu + 8, 16, pdu, sizeof(pdu), sig2), 0);
		pdu[0] ^= 1;
		assert_int_equal(ntlmssp_unseal(s, pdu + 8, 16, pdu, sizeof(pdu), sig2), ERROR_ACCESS_DENIED);
		pdu[0] ^= 1;
		assert_int_equal(ntlmssp_unseal(s, pdu + 8, 16, pdu, sizeof(pdu), sig2), 0);
	}
	/* Signed only, message changed. */
	assert_int_equal(ntlmssp_sign(c, orig, sizeof(orig), sig), 0);
	orig[0] ^= 1;
	assert_int_equal(ntlmssp_verify(s, orig, sizeof(orig), sig), ERROR_ACCESS_DENIED);
	orig[0] ^= 1;
	assert_int_equal(ntlmssp_verify(s, orig, sizeof(orig), sig), 0);
	ntlmssp_free(c);
	ntlmssp_free(s);
}

/* ---- codecs ---------------------------------------------------------------- */

static void test_codec_roundtrip(void **state)
{
	struct ntlmssp_negotiate n = { .flags = 0xe2088297u, .has_version = true, .version = { 6, 1, 0xb1, 0x1d, 0, 0, 0, 15 } };
	struct ntlmssp_challenge ch, ch2;
	struct ntlmssp_authenticate a, a2;
	struct ntlmssp_negotiate n2;
	uint8_t *msg, *ti;
	size_t len, ti_len;
	struct ntlmssp_blob v;

	(void)state;
	n.domain.data = (const uint8_t *)"DOM";
	n.domain.len = 3;
	assert_int_equal(ntlmssp_negotiate_encode(&n, &msg, &len), 0);
	assert_int_equal(len, 40 + 3);
	assert_int_equal(ntlmssp_negotiate_decode(msg, len, &n2), 0);
	assert_int_equal(n2.flags, n.flags);
	assert_true(n2.has_version);
	assert_int_equal(n2.domain.len, 3);
	assert_memory_equal(n2.domain.data, "DOM", 3);
	assert_int_equal(n2.workstation.len, 0);
	free(msg);

	assert_int_equal(ntlmssp_av_build("Domain", "Server", "server.domain", 0x01d0000000000000ull, &ti, &ti_len), 0);
	assert_int_equal(ntlmssp_av_validate(ti, ti_len), 0);
	assert_int_equal(ntlmssp_av_find(ti, ti_len, MSV_AV_NB_DOMAIN_NAME, &v), 1);
	assert_int_equal(v.len, 12);
	assert_memory_equal(v.data, domain_u16, 12);
	assert_int_equal(ntlmssp_av_find(ti, ti_len, MSV_AV_NB_COMPUTER_NAME, &v), 1);
	assert_int_equal(ntlmssp_av_find(ti, ti_len, MSV_AV_DNS_COMPUTER_NAME, &v), 1);
	assert_int_equal(v.len, 26);
	assert_int_equal(ntlmssp_av_find(ti, ti_len, MSV_AV_TIMESTAMP, &v), 1);
	assert_int_equal(v.len, 8);
	assert_int_equal(v.data[7], 0x01);
	assert_int_equal(ntlmssp_av_find(ti, ti_len, MSV_AV_FLAGS, &v), 0);
	/* The 4.2.4 list is valid too. */
	assert_int_equal(ntlmssp_av_validate(spec_target_info, sizeof(spec_target_info)), 0);

	memset(&ch, 0, sizeof(ch));
	ch.flags = SPEC_FLAGS;
	memcpy(ch.server_challenge, server_challenge, 8);
	ch.target_name.data = (const uint8_t *)"S\0e\0r\0v\0e\0r\0";
	ch.target_name.len = 12;
	ch.target_info.data = ti;
	ch.target_info.len = ti_len;
	ch.has_version = true;
	assert_int_equal(ntlmssp_challenge_encode(&ch, &msg, &len), 0);
	assert_int_equal(ntlmssp_challenge_decode(msg, len, &ch2), 0);
	assert_int_equal(ch2.flags, SPEC_FLAGS);
	assert_memory_equal(ch2.server_challenge, server_challenge, 8);
	assert_int_equal(ch2.target_name.len, 12);
	assert_int_equal(ch2.target_info.len, ti_len);
	assert_memory_equal(ch2.target_info.data, ti, ti_len);
	free(msg);
	free(ti);

	memset(&a, 0, sizeof(a));
	a.flags = SPEC_FLAGS;
	a.lm_response.data = spec_lmv2;
	a.lm_response.len = 24;
	a.nt_response.data = spec_target_info; /* any bytes */
	a.nt_response.len = sizeof(spec_target_info);
	a.domain.data = domain_u16;
	a.domain.len = sizeof(domain_u16);
	a.user.data = user_u16;
	a.user.len = sizeof(user_u16);
	a.encrypted_session_key.data = spec_encrypted_key;
	a.encrypted_session_key.len = 16;
	a.has_version = true;
	a.has_mic = true;
	memset(a.mic, 0x33, 16);
	assert_int_equal(ntlmssp_authenticate_encode(&a, &msg, &len), 0);
	assert_int_equal(ntlmssp_authenticate_decode(msg, len, &a2), 0);
	assert_int_equal(a2.flags, SPEC_FLAGS);
	assert_true(a2.has_mic && a2.has_version);
	assert_memory_equal(a2.mic, a.mic, 16);
	assert_int_equal(a2.user.len, sizeof(user_u16));
	assert_memory_equal(a2.user.data, user_u16, sizeof(user_u16));
	assert_memory_equal(a2.domain.data, domain_u16, sizeof(domain_u16));
	assert_memory_equal(a2.lm_response.data, spec_lmv2, 24);
	assert_memory_equal(a2.encrypted_session_key.data, spec_encrypted_key, 16);
	assert_int_equal(a2.workstation.len, 0);
	free(msg);
}

/* ---- malformed input -------------------------------------------------------- */

static void decode_all(const uint8_t *m, size_t len)
{
	struct ntlmssp_negotiate n;
	struct ntlmssp_challenge c;
	struct ntlmssp_authenticate a;

	(void)ntlmssp_negotiate_decode(m, len, &n);
	(void)ntlmssp_challenge_decode(m, len, &c);
	(void)ntlmssp_authenticate_decode(m, len, &a);
}

/* A server that has sent its CHALLENGE, and the client's AUTHENTICATE. */
static struct ntlmssp_ctx *server_waiting(uint8_t **auth, size_t *auth_len)
{
	struct ntlmssp_ctx *c = make_client("User", "Domain", "Password", false);
	struct ntlmssp_ctx *s = make_server(NULL);
	uint8_t *neg, *chal;
	size_t neg_len, chal_len;

	assert_int_equal(ntlmssp_client_negotiate(c, &neg, &neg_len), 0);
	assert_int_equal(ntlmssp_server_negotiate(s, neg, neg_len, &chal, &chal_len), 0);
	assert_int_equal(ntlmssp_client_authenticate(c, chal, chal_len, auth, auth_len), 0);
	free(neg);
	free(chal);
	ntlmssp_free(c);
	return s;
}

static void test_malformed(void **state)
{
	uint8_t *auth, *bad, *chal;
	size_t len, chal_len;
	struct ntlmssp_ctx *s;
	struct ntlmssp_authenticate a;
	struct ntlmssp_challenge ch;
	struct ntlmssp_negotiate n;

	(void)state;
	s = server_waiting(&auth, &len);
	assert_int_equal(ntlmssp_authenticate_decode(auth, len, &a), 0);
	bad = malloc(len);
	assert_non_null(bad);

	/* Every security buffer's length and offset pushed past the end. */
	for (size_t f = 12; f <= 52; f += 8) {
		memcpy(bad, auth, len);
		bad[f] = 0xff;
		bad[f + 1] = 0xff;
		assert_int_equal(ntlmssp_authenticate_decode(bad, len, &a), -1);
		memcpy(bad, auth, len);
		bad[f + 4] = (uint8_t)len;
		bad[f + 5] = (uint8_t)(len >> 8);
		if (bad[f] || bad[f + 1])
			assert_int_equal(ntlmssp_authenticate_decode(bad, len, &a), -1);
		memcpy(bad, auth, len);
		bad[f + 7] = 0xff; /* offset ~4 GiB */
		if (bad[f] || bad[f + 1])
			assert_int_equal(ntlmssp_authenticate_decode(bad, len, &a), -1);
		memcpy(bad, auth, len);
		memset(bad + f + 4, 0, 4); /* offset inside the header */
		if (bad[f] || bad[f + 1])
			assert_int_equal(ntlmssp_authenticate_decode(bad, len, &a), -1);
	}
	/* Every truncation. */
	for (size_t l = 0; l < len; l++)
		decode_all(auth, l);
	/* The server says ERROR_INVALID_DATA for a malformed AUTHENTICATE. */
	memcpy(bad, auth, len);
	bad[21] = 0xff; /* NT response length */
	assert_int_equal(ntlmssp_server_authenticate(s, bad, len), ERROR_INVALID_DATA);
	ntlmssp_free(s);
	s = server_waiting(&chal, &chal_len);
	assert_int_equal(ntlmssp_server_authenticate(s, auth, 40), ERROR_INVALID_DATA);
	free(chal);
	ntlmssp_free(s);
	/* A wrong signature or type. */
	s = server_waiting(&chal, &chal_len);
	memcpy(bad, auth, len);
	bad[8] = 1;
	assert_int_equal(ntlmssp_server_authenticate(s, bad, len), ERROR_INVALID_DATA);
	free(chal);
	ntlmssp_free(s);
	/* An NT response too short to be NTLMv2. */
	s = server_waiting(&chal, &chal_len);
	memcpy(bad, auth, len);
	bad[20] = 30;
	bad[21] = 0;
	assert_int_equal(ntlmssp_server_authenticate(s, bad, len), ERROR_INVALID_DATA);
	free(chal);
	ntlmssp_free(s);
	/* A state machine used out of order. */
	s = server_waiting(&chal, &chal_len);
	assert_int_equal(ntlmssp_server_negotiate(s, auth, len, &bad, &chal_len), ERROR_INVALID_FUNCTION);
	free(chal);
	ntlmssp_free(s);
	free(auth);
	free(bad);

	/* NEGOTIATE: bad lengths, and what the server says. */
	{
		uint8_t neg[40] = { 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0, 1, 0, 0, 0 };
		uint8_t *out = NULL;
		size_t out_len;

		neg[12] = 0x37; /* UNICODE|OEM|REQUEST_TARGET|SIGN|SEAL */
		neg[14] = 0x08; /* ESS */
		neg[15] = 0x20; /* 128 */
		assert_int_equal(ntlmssp_negotiate_decode(neg, sizeof(neg), &n), 0);
		neg[16] = 0x10; /* domain: 16 bytes at offset 0 */
		assert_int_equal(ntlmssp_negotiate_decode(neg, sizeof(neg), &n), -1);
		s = make_server(NULL);
		assert_int_equal(ntlmssp_server_negotiate(s, neg, sizeof(neg), &out, &out_len), ERROR_INVALID_DATA);
		assert_null(out);
		ntlmssp_free(s);
		neg[16] = 0;
		neg[24] = 0xff; /* workstation past the end */
		neg[28] = 32;
		assert_int_equal(ntlmssp_negotiate_decode(neg, sizeof(neg), &n), -1);
		neg[24] = 0;
		assert_int_equal(ntlmssp_negotiate_decode(neg, 20, &n), -1);
		assert_int_equal(ntlmssp_negotiate_decode(neg, 16, &n), 0);
		assert_int_equal(ntlmssp_negotiate_decode(neg, 15, &n), -1);
		/* No ESS: not supported. */
		neg[14] = 0;
		s = make_server(NULL);
		assert_int_equal(ntlmssp_server_negotiate(s, neg, sizeof(neg), &out, &out_len), ERROR_NOT_SUPPORTED);
		ntlmssp_free(s);
		for (size_t l = 0; l <= sizeof(neg); l++)
			decode_all(neg, l);
	}

	/* CHALLENGE: target info past the end, AV pairs without EOL or overlong. */
	{
		struct ntlmssp_ctx *c = make_client("User", "Domain", "Password", false);
		uint8_t *neg, *out;
		size_t neg_len, out_len, ti_off;

		s = make_server(NULL);
		assert_int_equal(ntlmssp_client_negotiate(c, &neg, &neg_len), 0);
		assert_int_equal(ntlmssp_server_negotiate(s, neg, neg_len, &chal, &chal_len), 0);
		assert_int_equal(ntlmssp_challenge_decode(chal, chal_len, &ch), 0);
		ti_off = (size_t)(ch.target_info.data - chal);
		bad = malloc(chal_len);
		assert_non_null(bad);
		memcpy(bad, chal, chal_len);
		bad[41] = 0x7f; /* target info length */
		assert_int_equal(ntlmssp_challenge_decode(bad, chal_len, &ch), -1);
		memcpy(bad, chal, chal_len);
		bad[chal_len - 4] = 9; /* the EOL becomes an unknown pair */
		assert_int_equal(ntlmssp_challenge_decode(bad, chal_len, &ch), -1);
		memcpy(bad, chal, chal_len);
		bad[ti_off + 2] = 0xff; /* first pair's length: huge */
		bad[ti_off + 3] = 0xff;
		assert_int_equal(ntlmssp_challenge_decode(bad, chal_len, &ch), -1);
		assert_int_equal(ntlmssp_client_authenticate(c, bad, chal_len, &out, &out_len), ERROR_INVALID_DATA);
		for (size_t l = 0; l < chal_len; l++)
			decode_all(chal, l);
		free(bad);
		free(chal);
		free(neg);
		ntlmssp_free(c);
		ntlmssp_free(s);
	}

	/* Random bytes after a valid head never crash a decoder. */
	{
		uint8_t buf[128];
		uint32_t x = 12345;

		for (int round = 0; round < 20000; round++) {
			for (size_t i = 0; i < sizeof(buf); i++) {
				x = x * 1103515245u + 12345u;
				buf[i] = (uint8_t)(x >> 16);
			}
			memcpy(buf, "NTLMSSP", 8);
			buf[8] = (uint8_t)(1 + round % 3);
			buf[9] = buf[10] = buf[11] = 0;
			/* Small offsets, so that some fields land inside. */
			for (size_t f = 12; f + 8 <= 60; f += 8) {
				buf[f + 1] = 0;
				buf[f + 5] = buf[f + 6] = buf[f + 7] = 0;
				buf[f + 4] &= 0x7f;
				buf[f] &= 0x3f;
			}
			decode_all(buf, sizeof(buf) - (size_t)(round % 64));
		}
	}
	/* NULL and empty. */
	decode_all(NULL, 0);
	assert_int_equal(ntlmssp_av_validate(NULL, 0), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ntowfv1),
		cmocka_unit_test(test_spec_ntlmv2),
		cmocka_unit_test(test_spec_keys_and_seal),
		cmocka_unit_test(test_handshake),
		cmocka_unit_test(test_handshake_mic),
		cmocka_unit_test(test_handshake_spec_inputs),
		cmocka_unit_test(test_wrong_password),
		cmocka_unit_test(test_replay_reorder),
		cmocka_unit_test(test_tamper),
		cmocka_unit_test(test_codec_roundtrip),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
