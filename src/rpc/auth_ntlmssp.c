/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* NTLMSSP as a DCE/RPC security provider (auth.h over ntlmssp.h). */
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "base/werror.h"
#include "ntlmssp.h"

struct ntlm_st {
	struct ntlmssp_ctx *ctx;
	bool client;
	int legs; /* legs done */
};

static uint32_t ntlm_step(void *p, const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len)
{
	struct ntlm_st *s = p;
	uint32_t rc;

	*out = NULL;
	*out_len = 0;
	if (in_len > NTLMSSP_MAX_MSG_LEN)
		return ERROR_INVALID_DATA;
	if (s->client) {
		if (s->legs == 0) {
			rc = ntlmssp_client_negotiate(s->ctx, out, out_len);
			s->legs++;
			return rc ? rc : RPC_AUTH_CONTINUE;
		}
		if (s->legs == 1) {
			s->legs++;
			return ntlmssp_client_authenticate(s->ctx, in, in_len, out, out_len);
		}
		return ERROR_INVALID_FUNCTION;
	}
	if (s->legs == 0) {
		s->legs++;
		rc = ntlmssp_server_negotiate(s->ctx, in, in_len, out, out_len);
		return rc ? rc : RPC_AUTH_CONTINUE;
	}
	if (s->legs == 1) {
		s->legs++;
		return ntlmssp_server_authenticate(s->ctx, in, in_len);
	}
	return ERROR_INVALID_FUNCTION;
}

static size_t ntlm_sig_size(void *p, size_t data_len)
{
	(void)p;
	(void)data_len;
	return NTLMSSP_SIGNATURE_LEN;
}

/* NTLMSSP signs the whole PDU up to the auth value, with or without header
 * signing (MS-RPCE 3.3.1.5.2.2). */
static uint32_t ntlm_sign(void *p, const uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len, bool hdr_sign,
			  uint8_t *sig, size_t *sig_len)
{
	struct ntlm_st *s = p;
	(void)data_off;
	(void)data_len;
	(void)hdr_sign;
	*sig_len = NTLMSSP_SIGNATURE_LEN;
	return ntlmssp_sign(s->ctx, pdu, pdu_len, sig);
}

static uint32_t ntlm_seal(void *p, uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len, bool hdr_sign,
			  uint8_t *sig, size_t *sig_len)
{
	struct ntlm_st *s = p;
	(void)hdr_sign;
	*sig_len = NTLMSSP_SIGNATURE_LEN;
	return ntlmssp_seal(s->ctx, pdu + data_off, data_len, pdu, pdu_len, sig);
}

static uint32_t ntlm_verify(void *p, const uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len,
			    bool hdr_sign, const uint8_t *sig, size_t sig_len)
{
	struct ntlm_st *s = p;
	(void)data_off;
	(void)data_len;
	(void)hdr_sign;
	if (sig_len != NTLMSSP_SIGNATURE_LEN)
		return ERROR_ACCESS_DENIED;
	return ntlmssp_verify(s->ctx, pdu, pdu_len, sig);
}

static uint32_t ntlm_unseal(void *p, uint8_t *pdu, size_t pdu_len, size_t data_off, size_t data_len, bool hdr_sign,
			    const uint8_t *sig, size_t sig_len)
{
	struct ntlm_st *s = p;
	(void)hdr_sign;
	if (sig_len != NTLMSSP_SIGNATURE_LEN)
		return ERROR_ACCESS_DENIED;
	return ntlmssp_unseal(s->ctx, pdu + data_off, data_len, pdu, pdu_len, sig);
}

static uint32_t ntlm_peer(void *p, struct rpc_auth_peer *out)
{
	struct ntlm_st *s = p;
	const char *user = ntlmssp_user(s->ctx);
	const char *domain = ntlmssp_domain(s->ctx);

	memset(out, 0, sizeof(*out));
	if (s->client || !ntlmssp_established(s->ctx) || !user)
		return ERROR_INVALID_FUNCTION;
	if (strlen(user) >= sizeof(out->name) || (domain && strlen(domain) >= sizeof(out->domain)))
		return ERROR_INVALID_DATA;
	out->auth_type = RPC_AUTHN_WINNT;
	strcpy(out->name, user);
	if (domain)
		strcpy(out->domain, domain);
	return 0;
}

static void ntlm_free(void *p)
{
	struct ntlm_st *s = p;
	ntlmssp_free(s->ctx);
	free(s);
}

static const struct rpc_auth_ops ntlm_ops = {
	.auth_type = RPC_AUTHN_WINNT,
	.name = "NTLMSSP",
	.step = ntlm_step,
	.sig_size = ntlm_sig_size,
	.sign = ntlm_sign,
	.seal = ntlm_seal,
	.verify = ntlm_verify,
	.unseal = ntlm_unseal,
	.peer = ntlm_peer,
	.free = ntlm_free,
};

static uint32_t ntlm_wrap(struct ntlmssp_ctx *ctx, bool client, struct rpc_auth *out)
{
	struct ntlm_st *s;

	if (!ctx)
		return ERROR_NOT_ENOUGH_MEMORY;
	s = calloc(1, sizeof(*s));
	if (!s) {
		ntlmssp_free(ctx);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	s->ctx = ctx;
	s->client = client;
	out->ops = &ntlm_ops;
	out->st = s;
	return 0;
}

uint32_t rpc_auth_ntlmssp_server(const struct ntlmssp_server_config *cfg, struct rpc_auth *out)
{
	return ntlm_wrap(ntlmssp_server_start(cfg), false, out);
}

uint32_t rpc_auth_ntlmssp_client(const struct rpc_auth_client_creds *creds, struct rpc_auth *out)
{
	struct ntlmssp_client_config cfg = {
		.user = creds->user,
		.domain = creds->domain,
		.password = creds->password,
		.mic = true,
	};
	if (!creds->user || !creds->password)
		return ERROR_INVALID_PARAMETER;
	return ntlm_wrap(ntlmssp_client_start(&cfg), true, out);
}
