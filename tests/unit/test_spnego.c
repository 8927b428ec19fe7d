/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The SPNEGO token codec (src/rpc/spnego.c): round trips, known bytes, and
 * malformed input (truncated, extended, non-minimal lengths, wrong OIDs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rpc/spnego.h"

static const struct spnego_blob krb = { spnego_oid_krb5, sizeof(spnego_oid_krb5) };
static const struct spnego_blob mskrb = { spnego_oid_ms_krb5, sizeof(spnego_oid_ms_krb5) };
static const struct spnego_blob ntlm = { spnego_oid_ntlm, sizeof(spnego_oid_ntlm) };

static void blob_equal(const struct spnego_blob *got, const void *want, size_t want_len)
{
	assert_non_null(got->data);
	assert_int_equal(got->len, want_len);
	if (want_len)
		assert_memory_equal(got->data, want, want_len);
}

static void test_init_roundtrip(void **state)
{
	struct spnego_blob mechs[3] = { mskrb, krb, ntlm };
	uint8_t token[300], mic[16], *out, *ml;
	size_t out_len, ml_len;
	struct spnego_token t;
	(void)state;

	for (size_t i = 0; i < sizeof(token); i++)
		token[i] = (uint8_t)i;
	memset(mic, 0x5a, sizeof(mic));
	struct spnego_blob tok = { token, sizeof(token) }, m = { mic, sizeof(mic) };
	assert_int_equal(spnego_encode_init(mechs, 3, &tok, &m, &out, &out_len), 0);
	assert_int_equal(out[0], 0x60);
	assert_int_equal(spnego_decode(out, out_len, &t), 0);
	assert_int_equal(t.kind, SPNEGO_INIT);
	assert_int_equal(t.n_mechs, 3);
	assert_true(spnego_oid_is(&t.mechs[0], spnego_oid_ms_krb5, sizeof(spnego_oid_ms_krb5)));
	assert_true(spnego_oid_is(&t.mechs[1], spnego_oid_krb5, sizeof(spnego_oid_krb5)));
	assert_true(spnego_oid_is(&t.mechs[2], spnego_oid_ntlm, sizeof(spnego_oid_ntlm)));
	blob_equal(&t.mech_token, token, sizeof(token));
	blob_equal(&t.mic, mic, sizeof(mic));
	assert_int_equal(spnego_encode_mech_list(mechs, 3, &ml, &ml_len), 0);
	blob_equal(&t.mech_list, ml, ml_len);
	free(ml);
	free(out);

	/* no token, no MIC */
	assert_int_equal(spnego_encode_init(&ntlm, 1, NULL, NULL, &out, &out_len), 0);
	assert_int_equal(spnego_decode(out, out_len, &t), 0);
	assert_int_equal(t.n_mechs, 1);
	assert_null(t.mech_token.data);
	assert_null(t.mic.data);
	free(out);
	assert_int_equal(spnego_encode_init(mechs, 0, NULL, NULL, &out, &out_len), -1);
}

static void test_resp_roundtrip(void **state)
{
	uint8_t token[20] = "a response token....", mic[28];
	(void)state;

	memset(mic, 7, sizeof(mic));
	for (int mask = 0; mask < 16; mask++) {
		struct spnego_blob tok = { token, sizeof(token) }, m = { mic, sizeof(mic) };
		int ns = (mask & 1) ? SPNEGO_ACCEPT_INCOMPLETE : SPNEGO_ABSENT;
		uint8_t *out;
		size_t out_len;
		struct spnego_token t;

		assert_int_equal(spnego_encode_resp(ns, (mask & 2) ? &ntlm : NULL, (mask & 4) ? &tok : NULL,
						    (mask & 8) ? &m : NULL, &out, &out_len),
				 0);
		assert_int_equal(out[0], 0xa1);
		assert_int_equal(spnego_decode(out, out_len, &t), 0);
		assert_int_equal(t.kind, SPNEGO_RESP);
		assert_int_equal(t.neg_state, ns);
		if (mask & 2)
			assert_true(spnego_oid_is(&t.supported_mech, spnego_oid_ntlm, sizeof(spnego_oid_ntlm)));
		else
			assert_null(t.supported_mech.data);
		if (mask & 4)
			blob_equal(&t.response_token, token, sizeof(token));
		else
			assert_null(t.response_token.data);
		if (mask & 8)
			blob_equal(&t.mic, mic, sizeof(mic));
		else
			assert_null(t.mic.data);
		free(out);
	}
}

/* Bytes as RFC 4178 lays them out, written by hand. */
static void test_known_bytes(void **state)
{
	static const uint8_t completed[] = { 0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x00 };
	static const uint8_t reject[] = { 0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x02 };
	static const uint8_t bad_state[] = { 0xa1, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x04 };
	/* InitialContextToken { SPNEGO, [0] { SEQ { [0] { SEQ { NTLM } }, [1] { BIT STRING }, [2] { "AB" } } } } */
	static const uint8_t init[] = {
		0x60, 0x28, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02, 0xa0, 0x1e, 0x30, 0x1c, 0xa0, 0x0e,
		0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a, 0xa1, 0x04,
		0x03, 0x02, 0x00, 0x06, 0xa2, 0x04, 0x04, 0x02, 0x41, 0x42,
	};
	/* NegTokenInit2 shape: [3] negHints { SEQ { } } then [4] mechListMIC */
	static const uint8_t init2[] = {
		0x60, 0x2c, 0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02, 0xa0, 0x22, 0x30, 0x20, 0xa0, 0x0e,
		0x30, 0x0c, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x82, 0x37, 0x02, 0x02, 0x0a, 0xa3, 0x02,
		0x30, 0x00, 0xa4, 0x0a, 0x04, 0x08, 1, 2, 3, 4, 5, 6, 7, 8,
	};
	struct spnego_token t;
	(void)state;

	assert_int_equal(spnego_decode(completed, sizeof(completed), &t), 0);
	assert_int_equal(t.neg_state, SPNEGO_ACCEPT_COMPLETED);
	assert_int_equal(spnego_decode(reject, sizeof(reject), &t), 0);
	assert_int_equal(t.neg_state, SPNEGO_REJECT);
	assert_int_equal(spnego_decode(bad_state, sizeof(bad_state), &t), -1);
	assert_int_equal(spnego_decode(init, sizeof(init), &t), 0);
	assert_int_equal(t.n_mechs, 1);
	blob_equal(&t.mech_token, "AB", 2);
	blob_equal(&t.mech_list, init + 16, 14);
	assert_int_equal(spnego_decode(init2, sizeof(init2), &t), 0);
	blob_equal(&t.mic, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);

	uint8_t copy[sizeof(init)];
	/* another outer OID */
	memcpy(copy, init, sizeof(init));
	copy[9] = 0x03;
	assert_int_equal(spnego_decode(copy, sizeof(copy), &t), -1);
	/* an OID whose last byte continues */
	memcpy(copy, init, sizeof(init));
	copy[29] = 0x8a;
	assert_int_equal(spnego_decode(copy, sizeof(copy), &t), -1);
	/* fields out of order: [2] before [1] */
	memcpy(copy, init, sizeof(init));
	copy[30] = 0xa2;
	copy[36] = 0xa1;
	assert_int_equal(spnego_decode(copy, sizeof(copy), &t), -1);
}

/* Every prefix and every one-byte extension of a good token is refused. */
static void test_truncated_and_extended(void **state)
{
	struct spnego_blob mechs[2] = { krb, ntlm };
	uint8_t token[200], mic[16] = { 0 }, *out, *big;
	size_t out_len;
	struct spnego_token t;
	(void)state;

	memset(token, 0x33, sizeof(token));
	struct spnego_blob tok = { token, sizeof(token) }, m = { mic, sizeof(mic) };
	for (int kind = 0; kind < 2; kind++) {
		if (kind == 0)
			assert_int_equal(spnego_encode_init(mechs, 2, &tok, &m, &out, &out_len), 0);
		else
			assert_int_equal(spnego_encode_resp(SPNEGO_ACCEPT_INCOMPLETE, &ntlm, &tok, &m, &out, &out_len), 0);
		for (size_t n = 0; n < out_len; n++) {
			uint8_t *p = malloc(n ? n : 1);
			memcpy(p, out, n);
			assert_int_equal(spnego_decode(p, n, &t), -1);
			free(p);
		}
		big = malloc(out_len + 1);
		memcpy(big, out, out_len);
		big[out_len] = 0;
		assert_int_equal(spnego_decode(big, out_len + 1, &t), -1);
		free(big);
		free(out);
	}
}

static void test_lengths(void **state)
{
	/* accept-completed with a non-minimal long-form length */
	static const uint8_t long_form[] = { 0xa1, 0x81, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x00 };
	static const uint8_t zero_lead[] = { 0xa1, 0x82, 0x00, 0x07, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x00 };
	static const uint8_t indefinite[] = { 0xa1, 0x80, 0x30, 0x05, 0xa0, 0x03, 0x0a, 0x01, 0x00, 0x00, 0x00 };
	static const uint8_t huge[] = { 0xa1, 0x84, 0x7f, 0xff, 0xff, 0xff, 0x30 };
	struct spnego_token t;
	(void)state;

	assert_int_equal(spnego_decode(long_form, sizeof(long_form), &t), -1);
	assert_int_equal(spnego_decode(zero_lead, sizeof(zero_lead), &t), -1);
	assert_int_equal(spnego_decode(indefinite, sizeof(indefinite), &t), -1);
	assert_int_equal(spnego_decode(huge, sizeof(huge), &t), -1);
	assert_int_equal(spnego_decode(NULL, 0, &t), -1);

	/* 16 mechanisms decode, 17 do not; a token longer than the cap is
	 * not encoded */
	struct spnego_blob mechs[17];
	uint8_t *out;
	size_t out_len;
	for (int i = 0; i < 17; i++)
		mechs[i] = ntlm;
	assert_int_equal(spnego_encode_init(mechs, 16, NULL, NULL, &out, &out_len), 0);
	assert_int_equal(spnego_decode(out, out_len, &t), 0);
	free(out);
	assert_int_equal(spnego_encode_init(mechs, 17, NULL, NULL, &out, &out_len), 0);
	assert_int_equal(spnego_decode(out, out_len, &t), -1);
	free(out);
	uint8_t *big = calloc(1, 70000);
	struct spnego_blob b = { big, 70000 };
	assert_int_equal(spnego_encode_resp(SPNEGO_ABSENT, NULL, &b, NULL, &out, &out_len), -1);
	assert_null(out);
	free(big);
}

/* Flip every bit of a good token: decoding never crashes (the sanitizer
 * build checks the reads) and a result stays inside the input. */
static void test_bit_flips(void **state)
{
	struct spnego_blob mechs[3] = { mskrb, krb, ntlm };
	uint8_t token[40], mic[16] = { 1 }, *out;
	size_t out_len;
	struct spnego_token t;
	(void)state;

	memset(token, 0x44, sizeof(token));
	struct spnego_blob tok = { token, sizeof(token) }, m = { mic, sizeof(mic) };
	assert_int_equal(spnego_encode_init(mechs, 3, &tok, &m, &out, &out_len), 0);
	for (size_t i = 0; i < out_len * 8; i++) {
		uint8_t *p = malloc(out_len);
		memcpy(p, out, out_len);
		p[i / 8] ^= (uint8_t)(1u << (i % 8));
		if (spnego_decode(p, out_len, &t) == 0) {
			assert_true(t.mech_list.data >= p && t.mech_list.data + t.mech_list.len <= p + out_len);
			if (t.mech_token.data)
				assert_true(t.mech_token.data + t.mech_token.len <= p + out_len);
		}
		free(p);
	}
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_roundtrip),    cmocka_unit_test(test_resp_roundtrip),
		cmocka_unit_test(test_known_bytes),       cmocka_unit_test(test_truncated_and_extended),
		cmocka_unit_test(test_lengths),           cmocka_unit_test(test_bit_flips),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
