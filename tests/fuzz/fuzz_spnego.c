/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz what SPNEGO reads from an unauthenticated client.
 *
 * An input starting with 0xff is a session: the rest is a list of tokens
 * (each a 2-byte big-endian length and the bytes), fed to a SPNEGO server
 * context with NTLMSSP (fixed challenge, account "alice") until one is
 * refused; Kerberos is not configured (no KDC here).
 *
 * Any other input is one token for the decoder (src/rpc/spnego.c): a token
 * that decodes is encoded again from its fields and must decode to the same
 * fields; every result must point inside the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/auth_gss.h"
#include "rpc/ntlmssp.h"
#include "rpc/spnego.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const struct spnego_blob *b, const uint8_t *data, size_t size)
{
	if (b->data && (b->data < data || b->len > size || b->data + b->len > data + size))
		abort();
}

static void same(const struct spnego_blob *a, const struct spnego_blob *b)
{
	if (!a->data != !b->data || a->len != b->len || (a->len && memcmp(a->data, b->data, a->len) != 0))
		abort();
}

static uint32_t lookup(void *arg, const char *user, const char *domain, uint8_t nt_hash[16])
{
	(void)arg;
	(void)domain;
	if (strcmp(user, "alice") != 0)
		return 5;
	memset(nt_hash, 0x11, 16);
	return 0;
}

static void session(const uint8_t *data, size_t size)
{
	static const uint8_t challenge[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct ntlmssp_server_config ntlm = {
		.nb_domain = "FUZZ",
		.nb_computer = "NODE",
		.lookup = lookup,
		.server_challenge = challenge,
		.timestamp = 132000000000000000ull,
	};
	struct rpc_auth_spnego_server_config cfg = { .ntlmssp = &ntlm };
	struct rpc_auth a;

	if (rpc_auth_spnego_server(&cfg, &a) != 0)
		abort();
	while (size >= 2) {
		size_t n = (size_t)data[0] << 8 | data[1];
		uint8_t *out = NULL, *tok;
		size_t out_len = 0;
		data += 2;
		size -= 2;
		if (n > size)
			n = size;
		/* exactly n bytes, so the sanitizers see an over-read */
		tok = malloc(n ? n : 1);
		if (!tok)
			abort();
		memcpy(tok, data, n);
		uint32_t rc = a.ops->step(a.st, tok, n, &out, &out_len);
		free(tok);
		if ((rc != 0 && rc != RPC_AUTH_CONTINUE && out) || (!out) != (out_len == 0))
			abort();
		free(out);
		data += n;
		size -= n;
		if (rc != RPC_AUTH_CONTINUE)
			break;
	}
	rpc_auth_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spnego_token t, u;
	uint8_t *out = NULL;
	size_t out_len = 0;
	int rc;

	if (size && data[0] == 0xff) {
		session(data + 1, size - 1);
		return 0;
	}
	if (spnego_decode(data, size, &t) < 0)
		return 0;
	inside(&t.mech_list, data, size);
	inside(&t.mech_token, data, size);
	inside(&t.response_token, data, size);
	inside(&t.supported_mech, data, size);
	inside(&t.mic, data, size);
	for (size_t i = 0; i < t.n_mechs; i++)
		inside(&t.mechs[i], data, size);

	if (t.kind == SPNEGO_INIT)
		rc = spnego_encode_init(t.mechs, t.n_mechs, &t.mech_token, &t.mic, &out, &out_len);
	else
		rc = spnego_encode_resp(t.neg_state, &t.supported_mech, &t.response_token, &t.mic, &out, &out_len);
	if (rc < 0)
		return 0; /* grew past the cap (a long-form length re-encoded) */
	if (spnego_decode(out, out_len, &u) < 0 || u.kind != t.kind || u.n_mechs != t.n_mechs ||
	    u.neg_state != t.neg_state)
		abort();
	for (size_t i = 0; i < t.n_mechs; i++)
		same(&t.mechs[i], &u.mechs[i]);
	same(&t.mech_token, &u.mech_token);
	same(&t.response_token, &u.response_token);
	same(&t.supported_mech, &u.supported_mech);
	same(&t.mic, &u.mic);
	free(out);
	return 0;
}
