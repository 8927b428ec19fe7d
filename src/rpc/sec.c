/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "sec.h"

bool rpc_sec_protects(const struct rpc_sec *s)
{
	return s->auth.ops && s->level >= RPC_AUTHN_LEVEL_CALL;
}

struct rpc_auth_trailer rpc_sec_trailer(const struct rpc_sec *s, const uint8_t *value, size_t len)
{
	struct rpc_auth_trailer a = {
		.auth_type = s->type,
		.auth_level = s->level,
		.auth_context_id = s->context_id,
		.value = value,
		.value_len = len,
	};
	return a;
}

bool rpc_sec_matches(const struct rpc_sec *s, const struct rpc_auth_trailer *a)
{
	return a->auth_type == s->type && a->auth_level == s->level && a->auth_context_id == s->context_id;
}

bool rpc_sec_frag_init(struct rpc_sec *s, struct rpc_frag_iter *it, const uint8_t *stub, size_t len,
		       uint16_t max_frag, size_t hdr_len, size_t *sig_size)
{
	*sig_size = 0;
	if (!rpc_sec_protects(s)) {
		rpc_frag_iter_init(it, stub, len, max_frag, hdr_len);
		return true;
	}
	*sig_size = s->auth.ops->sig_size(s->auth.st, max_frag);
	if (*sig_size > RPC_MIN_FRAG / 2)
		return false;
	rpc_frag_iter_init(it, stub, len, max_frag, hdr_len + RPC_AUTH_TRAILER_LEN + *sig_size + RPC_AUTH_PAD_ALIGN);
	it->chunk &= ~(size_t)(RPC_AUTH_PAD_ALIGN - 1);
	return true;
}

bool rpc_sec_protect(struct rpc_sec *s, struct ndr_push *p, size_t hdr_len, size_t n, size_t sig_size)
{
	struct rpc_auth_trailer a = rpc_sec_trailer(s, NULL, sig_size);
	uint8_t pad = (uint8_t)((RPC_AUTH_PAD_ALIGN - n % RPC_AUTH_PAD_ALIGN) % RPC_AUTH_PAD_ALIGN);
	size_t sig_len = 0;
	uint32_t rc;

	if (!rpc_pdu_add_auth(p, &a, pad))
		return false;
	size_t pdu_len = p->len - sig_size;
	uint8_t *sig = p->data + pdu_len;
	if (s->level == RPC_AUTHN_LEVEL_PKT_PRIVACY)
		rc = s->auth.ops->seal(s->auth.st, p->data, pdu_len, hdr_len, n + pad, s->hdr_sign, sig, &sig_len);
	else
		rc = s->auth.ops->sign(s->auth.st, p->data, pdu_len, hdr_len, n + pad, s->hdr_sign, sig, &sig_len);
	return rc == 0 && sig_len == sig_size;
}

bool rpc_sec_check(struct rpc_sec *s, uint8_t *pdu, const struct rpc_hdr *h, size_t data_off, size_t data_len,
		   const struct rpc_auth_trailer *a)
{
	size_t pdu_len = (size_t)h->frag_length - h->auth_length;
	uint32_t rc;

	if (!rpc_sec_matches(s, a))
		return false;
	if (s->level == RPC_AUTHN_LEVEL_PKT_PRIVACY)
		rc = s->auth.ops->unseal(s->auth.st, pdu, pdu_len, data_off, data_len, s->hdr_sign, pdu + pdu_len,
					 a->value_len);
	else
		rc = s->auth.ops->verify(s->auth.st, pdu, pdu_len, data_off, data_len, s->hdr_sign, pdu + pdu_len,
					 a->value_len);
	return rc == 0;
}
