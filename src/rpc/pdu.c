/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "pdu.h"

#include <string.h>

const struct rpc_syntax rpc_syntax_ndr = {
	.uuid = { 0x8a885d04, 0x1ceb, 0x11c9, { 0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60 } },
	.major = 2,
	.minor = 0,
};

bool rpc_syntax_equal(const struct rpc_syntax *a, const struct rpc_syntax *b)
{
	return rpc_uuid_equal(&a->uuid, &b->uuid) && a->major == b->major && a->minor == b->minor;
}

bool rpc_syntax_is_btfn(const struct rpc_syntax *s, uint64_t *features)
{
	if (s->uuid.time_low != 0x6cb71c2c || s->uuid.time_mid != 0x9812 || s->uuid.time_hi != 0x4540 ||
	    s->major != 1 || s->minor != 0)
		return false;
	uint64_t f = 0;
	for (int i = 7; i >= 0; i--)
		f = (f << 8) | s->uuid.rest[i];
	*features = f;
	return true;
}

void rpc_syntax_btfn(struct rpc_syntax *s, uint64_t features)
{
	memset(s, 0, sizeof(*s));
	s->uuid.time_low = 0x6cb71c2c;
	s->uuid.time_mid = 0x9812;
	s->uuid.time_hi = 0x4540;
	for (int i = 0; i < 8; i++)
		s->uuid.rest[i] = (uint8_t)(features >> (8 * i));
	s->major = 1;
}

int rpc_hdr_decode(const uint8_t *buf, size_t len, struct rpc_hdr *h)
{
	if (len < RPC_HDR_LEN)
		return -1;
	h->rpc_vers = buf[0];
	h->rpc_vers_minor = buf[1];
	h->ptype = buf[2];
	h->pfc_flags = buf[3];
	memcpy(h->drep, buf + 4, 4);
	/* Only ASCII characters and IEEE floats exist in practice; integers may be
	 * either byte order ("receiver makes it right"). */
	if (h->rpc_vers != 5 || h->rpc_vers_minor > 1 || (h->drep[0] & 0x0f) != 0 ||
	    ((h->drep[0] & 0xf0) != 0x10 && (h->drep[0] & 0xf0) != 0x00))
		return -1;
	bool be = rpc_hdr_big_endian(h);
	if (be) {
		h->frag_length = (uint16_t)(buf[8] << 8 | buf[9]);
		h->auth_length = (uint16_t)(buf[10] << 8 | buf[11]);
		h->call_id = (uint32_t)buf[12] << 24 | (uint32_t)buf[13] << 16 | (uint32_t)buf[14] << 8 | buf[15];
	} else {
		h->frag_length = (uint16_t)(buf[9] << 8 | buf[8]);
		h->auth_length = (uint16_t)(buf[11] << 8 | buf[10]);
		h->call_id = (uint32_t)buf[15] << 24 | (uint32_t)buf[14] << 16 | (uint32_t)buf[13] << 8 | buf[12];
	}
	if (h->frag_length < RPC_HDR_LEN)
		return -1;
	if (h->auth_length && (size_t)h->auth_length + RPC_AUTH_TRAILER_LEN > (size_t)h->frag_length - RPC_HDR_LEN)
		return -1;
	return 0;
}

/* The body of a PDU, without the auth trailer, as an ndr_pull positioned after
 * the header (offsets stay relative to the PDU start, where the header fields'
 * natural alignment is anchored). */
static void rpc_body_pull(struct ndr_pull *ndr, const uint8_t *pdu, const struct rpc_hdr *h)
{
	size_t end = h->frag_length;
	if (h->auth_length)
		end -= (size_t)h->auth_length + RPC_AUTH_TRAILER_LEN;
	ndr_pull_init(ndr, pdu, end, rpc_hdr_big_endian(h));
	ndr->off = RPC_HDR_LEN;
}

int rpc_auth_trailer_decode(const uint8_t *pdu, const struct rpc_hdr *h, struct rpc_auth_trailer *a)
{
	struct ndr_pull ndr;
	size_t at = (size_t)h->frag_length - h->auth_length - RPC_AUTH_TRAILER_LEN;

	ndr_pull_init(&ndr, pdu, h->frag_length, rpc_hdr_big_endian(h));
	ndr.off = at;
	uint8_t reserved;
	ndr_pull_u8(&ndr, &a->auth_type);
	ndr_pull_u8(&ndr, &a->auth_level);
	ndr_pull_u8(&ndr, &a->auth_pad_length);
	ndr_pull_u8(&ndr, &reserved);
	ndr_pull_u32(&ndr, &a->auth_context_id);
	if (ndr.error)
		return -1;
	a->value = pdu + at + RPC_AUTH_TRAILER_LEN;
	a->value_len = h->auth_length;
	return 0;
}

/* A syntax id's version is one 32-bit integer (C706 p_syntax_id_t:
 * if_version), major in its low 16 bits: read as two 16-bit halves it comes
 * out swapped from a big-endian peer. */
bool rpc_syntax_pull(struct ndr_pull *ndr, struct rpc_syntax *s)
{
	uint32_t v;
	if (!ndr_pull_uuid(ndr, &s->uuid) || !ndr_pull_u32(ndr, &v))
		return false;
	s->major = (uint16_t)(v & 0xffffu);
	s->minor = (uint16_t)(v >> 16);
	return true;
}

static bool rpc_syntax_push(struct ndr_push *p, const struct rpc_syntax *s)
{
	return ndr_push_uuid(p, &s->uuid) && ndr_push_u32(p, (uint32_t)s->major | ((uint32_t)s->minor << 16));
}

int rpc_bind_decode(const uint8_t *pdu, const struct rpc_hdr *h, struct rpc_bind *b)
{
	struct ndr_pull ndr;
	uint8_t pad8;
	uint16_t pad16;

	memset(b, 0, sizeof(*b));
	b->conc_mpx = (h->pfc_flags & RPC_PFC_CONC_MPX) != 0;
	b->hdr_sign = (h->pfc_flags & RPC_PFC_SUPPORT_HEADER_SIGN) != 0;
	rpc_body_pull(&ndr, pdu, h);
	ndr_pull_u16(&ndr, &b->max_xmit_frag);
	ndr_pull_u16(&ndr, &b->max_recv_frag);
	ndr_pull_u32(&ndr, &b->assoc_group_id);
	ndr_pull_u8(&ndr, &b->n_ctx);
	ndr_pull_u8(&ndr, &pad8);
	ndr_pull_u16(&ndr, &pad16);
	if (ndr.error || b->n_ctx > RPC_MAX_CONTEXTS)
		return -1;
	for (uint8_t i = 0; i < b->n_ctx; i++) {
		struct rpc_pres_ctx *c = &b->ctx[i];
		ndr_pull_u16(&ndr, &c->ctx_id);
		ndr_pull_u8(&ndr, &c->n_transfer);
		ndr_pull_u8(&ndr, &pad8);
		if (ndr.error || c->n_transfer == 0 || c->n_transfer > RPC_MAX_TRANSFER)
			return -1;
		rpc_syntax_pull(&ndr, &c->abstract);
		for (uint8_t t = 0; t < c->n_transfer; t++)
			rpc_syntax_pull(&ndr, &c->transfer[t]);
	}
	if (ndr.error)
		return -1;
	if (h->auth_length) {
		b->has_auth = true;
		if (rpc_auth_trailer_decode(pdu, h, &b->auth) < 0)
			return -1;
	}
	return 0;
}

int rpc_bind_ack_decode(const uint8_t *pdu, const struct rpc_hdr *h, struct rpc_bind_ack *a)
{
	struct ndr_pull ndr;
	uint16_t addr_len;
	uint8_t pad8;
	uint16_t pad16;

	memset(a, 0, sizeof(*a));
	rpc_body_pull(&ndr, pdu, h);
	ndr_pull_u16(&ndr, &a->max_xmit_frag);
	ndr_pull_u16(&ndr, &a->max_recv_frag);
	ndr_pull_u32(&ndr, &a->assoc_group_id);
	ndr_pull_u16(&ndr, &addr_len);
	if (ndr.error || addr_len > ndr_pull_remaining(&ndr))
		return -1;
	size_t keep = addr_len < sizeof(a->sec_addr) ? addr_len : sizeof(a->sec_addr) - 1;
	memcpy(a->sec_addr, ndr.data + ndr.off, keep);
	a->sec_addr[keep] = 0;
	ndr.off += addr_len;
	ndr_pull_align(&ndr, 4);
	ndr_pull_u8(&ndr, &a->n_results);
	ndr_pull_u8(&ndr, &pad8);
	ndr_pull_u16(&ndr, &pad16);
	if (ndr.error || a->n_results > RPC_MAX_CONTEXTS)
		return -1;
	for (uint8_t i = 0; i < a->n_results; i++) {
		ndr_pull_u16(&ndr, &a->results[i].result);
		ndr_pull_u16(&ndr, &a->results[i].reason);
		rpc_syntax_pull(&ndr, &a->results[i].transfer);
	}
	return ndr.error ? -1 : 0;
}

int rpc_bind_nak_decode(const uint8_t *pdu, const struct rpc_hdr *h, uint16_t *reason)
{
	struct ndr_pull ndr;
	rpc_body_pull(&ndr, pdu, h);
	return ndr_pull_u16(&ndr, reason) ? 0 : -1;
}

int rpc_request_decode(const uint8_t *pdu, const struct rpc_hdr *h, struct rpc_request *r)
{
	struct ndr_pull ndr;

	memset(r, 0, sizeof(*r));
	rpc_body_pull(&ndr, pdu, h);
	ndr_pull_u32(&ndr, &r->alloc_hint);
	ndr_pull_u16(&ndr, &r->ctx_id);
	ndr_pull_u16(&ndr, &r->opnum);
	if (h->pfc_flags & RPC_PFC_OBJECT_UUID) {
		r->has_object = true;
		ndr_pull_uuid(&ndr, &r->object);
	}
	if (ndr.error)
		return -1;
	r->stub = pdu + ndr.off;
	r->stub_len = ndr.len - ndr.off;
	if (h->auth_length) {
		r->has_auth = true;
		if (rpc_auth_trailer_decode(pdu, h, &r->auth) < 0 || r->auth.auth_pad_length > r->stub_len)
			return -1;
		r->stub_len -= r->auth.auth_pad_length;
	}
	return 0;
}

int rpc_response_decode(const uint8_t *pdu, const struct rpc_hdr *h, struct rpc_response *r)
{
	struct ndr_pull ndr;
	uint8_t reserved;

	memset(r, 0, sizeof(*r));
	rpc_body_pull(&ndr, pdu, h);
	ndr_pull_u32(&ndr, &r->alloc_hint);
	ndr_pull_u16(&ndr, &r->ctx_id);
	ndr_pull_u8(&ndr, &r->cancel_count);
	ndr_pull_u8(&ndr, &reserved);
	if (ndr.error)
		return -1;
	r->stub = pdu + ndr.off;
	r->stub_len = ndr.len - ndr.off;
	if (h->auth_length) {
		r->has_auth = true;
		if (rpc_auth_trailer_decode(pdu, h, &r->auth) < 0 || r->auth.auth_pad_length > r->stub_len)
			return -1;
		r->stub_len -= r->auth.auth_pad_length;
	}
	return 0;
}

int rpc_fault_decode(const uint8_t *pdu, const struct rpc_hdr *h, struct rpc_fault *f)
{
	struct ndr_pull ndr;
	uint8_t reserved;

	memset(f, 0, sizeof(*f));
	rpc_body_pull(&ndr, pdu, h);
	ndr_pull_u32(&ndr, &f->alloc_hint);
	ndr_pull_u16(&ndr, &f->ctx_id);
	ndr_pull_u8(&ndr, &f->cancel_count);
	ndr_pull_u8(&ndr, &reserved);
	ndr_pull_u32(&ndr, &f->status);
	return ndr.error ? -1 : 0;
}

/* Common header with a zero frag_length, patched by rpc_pdu_finish(). */
static bool rpc_hdr_push(struct ndr_push *p, uint8_t ptype, uint8_t flags, uint32_t call_id)
{
	static const uint8_t drep_le[4] = { 0x10, 0, 0, 0 };
	p->len = 0;
	p->error = false;
	p->next_referent = 0x00020000;
	return ndr_push_u8(p, 5) && ndr_push_u8(p, 0) && ndr_push_u8(p, ptype) && ndr_push_u8(p, flags) &&
	       ndr_push_bytes(p, drep_le, 4) && ndr_push_u16(p, 0) && ndr_push_u16(p, 0) &&
	       ndr_push_u32(p, call_id);
}

static bool rpc_pdu_finish(struct ndr_push *p)
{
	if (p->error || p->len > RPC_MAX_FRAG)
		return false;
	ndr_push_u16_at(p, 8, (uint16_t)p->len);
	return true;
}

bool rpc_bind_encode(struct ndr_push *p, uint8_t ptype, uint32_t call_id, const struct rpc_bind *b)
{
	rpc_hdr_push(p, ptype,
		     RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG | (b->conc_mpx ? RPC_PFC_CONC_MPX : 0) |
			     (b->hdr_sign ? RPC_PFC_SUPPORT_HEADER_SIGN : 0),
		     call_id);
	ndr_push_u16(p, b->max_xmit_frag);
	ndr_push_u16(p, b->max_recv_frag);
	ndr_push_u32(p, b->assoc_group_id);
	ndr_push_u8(p, b->n_ctx);
	ndr_push_zeros(p, 3);
	for (uint8_t i = 0; i < b->n_ctx && i < RPC_MAX_CONTEXTS; i++) {
		const struct rpc_pres_ctx *c = &b->ctx[i];
		ndr_push_u16(p, c->ctx_id);
		ndr_push_u8(p, c->n_transfer);
		ndr_push_u8(p, 0);
		rpc_syntax_push(p, &c->abstract);
		for (uint8_t t = 0; t < c->n_transfer && t < RPC_MAX_TRANSFER; t++)
			rpc_syntax_push(p, &c->transfer[t]);
	}
	return rpc_pdu_finish(p);
}

bool rpc_bind_ack_encode(struct ndr_push *p, uint8_t ptype, uint8_t flags, uint32_t call_id,
			 const struct rpc_bind_ack *a)
{
	size_t addr_len = a->sec_addr[0] ? strlen(a->sec_addr) + 1 : 0;

	rpc_hdr_push(p, ptype, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG | flags, call_id);
	ndr_push_u16(p, a->max_xmit_frag);
	ndr_push_u16(p, a->max_recv_frag);
	ndr_push_u32(p, a->assoc_group_id);
	ndr_push_u16(p, (uint16_t)addr_len);
	ndr_push_bytes(p, a->sec_addr, addr_len);
	ndr_push_align(p, 4);
	ndr_push_u8(p, a->n_results);
	ndr_push_zeros(p, 3);
	for (uint8_t i = 0; i < a->n_results && i < RPC_MAX_CONTEXTS; i++) {
		ndr_push_u16(p, a->results[i].result);
		ndr_push_u16(p, a->results[i].reason);
		rpc_syntax_push(p, &a->results[i].transfer);
	}
	return rpc_pdu_finish(p);
}

bool rpc_bind_nak_encode(struct ndr_push *p, uint32_t call_id, uint16_t reason)
{
	rpc_hdr_push(p, RPC_PTYPE_BIND_NAK, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG, call_id);
	ndr_push_u16(p, reason);
	/* one supported protocol version: 5.0 */
	ndr_push_u8(p, 1);
	ndr_push_u8(p, 5);
	ndr_push_u8(p, 0);
	return rpc_pdu_finish(p);
}

bool rpc_request_encode(struct ndr_push *p, uint8_t flags, uint32_t call_id, uint32_t alloc_hint,
			uint16_t ctx_id, uint16_t opnum, const uint8_t *stub, size_t stub_len)
{
	rpc_hdr_push(p, RPC_PTYPE_REQUEST, flags, call_id);
	ndr_push_u32(p, alloc_hint);
	ndr_push_u16(p, ctx_id);
	ndr_push_u16(p, opnum);
	ndr_push_bytes(p, stub, stub_len);
	return rpc_pdu_finish(p);
}

bool rpc_response_encode(struct ndr_push *p, uint8_t flags, uint32_t call_id, uint32_t alloc_hint,
			 uint16_t ctx_id, const uint8_t *stub, size_t stub_len)
{
	rpc_hdr_push(p, RPC_PTYPE_RESPONSE, flags, call_id);
	ndr_push_u32(p, alloc_hint);
	ndr_push_u16(p, ctx_id);
	ndr_push_u8(p, 0);
	ndr_push_u8(p, 0);
	ndr_push_bytes(p, stub, stub_len);
	return rpc_pdu_finish(p);
}

bool rpc_fault_encode(struct ndr_push *p, uint8_t flags, uint32_t call_id, uint16_t ctx_id, uint32_t status)
{
	rpc_hdr_push(p, RPC_PTYPE_FAULT, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG | flags, call_id);
	ndr_push_u32(p, 0);
	ndr_push_u16(p, ctx_id);
	ndr_push_u8(p, 0);
	ndr_push_u8(p, 0);
	ndr_push_u32(p, status);
	ndr_push_u32(p, 0);
	return rpc_pdu_finish(p);
}

bool rpc_shutdown_encode(struct ndr_push *p, uint32_t call_id)
{
	return rpc_simple_encode(p, RPC_PTYPE_SHUTDOWN, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG, call_id);
}

bool rpc_simple_encode(struct ndr_push *p, uint8_t ptype, uint8_t flags, uint32_t call_id)
{
	rpc_hdr_push(p, ptype, flags, call_id);
	return rpc_pdu_finish(p);
}

bool rpc_auth3_encode(struct ndr_push *p, uint32_t call_id, const struct rpc_auth_trailer *a)
{
	rpc_hdr_push(p, RPC_PTYPE_AUTH3, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG, call_id);
	ndr_push_u32(p, 0);
	return rpc_pdu_finish(p) && rpc_pdu_add_auth(p, a, 0);
}

bool rpc_pdu_add_auth(struct ndr_push *p, const struct rpc_auth_trailer *a, uint8_t pad)
{
	if (p->error || a->value_len > RPC_MAX_FRAG ||
	    p->len + pad + RPC_AUTH_TRAILER_LEN + a->value_len > RPC_MAX_FRAG || (p->len + pad) % 4)
		return false; /* the sec_trailer must be 4-byte aligned */
	ndr_push_zeros(p, pad);
	ndr_push_u8(p, a->auth_type);
	ndr_push_u8(p, a->auth_level);
	ndr_push_u8(p, pad);
	ndr_push_u8(p, 0);
	ndr_push_u32(p, a->auth_context_id);
	if (a->value)
		ndr_push_bytes(p, a->value, a->value_len);
	else
		ndr_push_zeros(p, a->value_len);
	if (p->error)
		return false;
	ndr_push_u16_at(p, 10, (uint16_t)a->value_len);
	return rpc_pdu_finish(p);
}

void rpc_frag_iter_init(struct rpc_frag_iter *it, const uint8_t *stub, size_t len, uint16_t max_frag, size_t hdr_len)
{
	it->stub = stub;
	it->len = len;
	it->off = 0;
	it->chunk = ((size_t)max_frag - hdr_len) & ~(size_t)7;
	it->done = false;
}

bool rpc_frag_next(struct rpc_frag_iter *it, uint8_t *flags, uint32_t *alloc_hint, const uint8_t **p, size_t *n)
{
	if (it->done)
		return false;
	size_t left = it->len - it->off;
	*n = left < it->chunk ? left : it->chunk;
	*flags = 0;
	if (it->off == 0)
		*flags |= RPC_PFC_FIRST_FRAG;
	if (*n == left) {
		*flags |= RPC_PFC_LAST_FRAG;
		it->done = true;
	}
	*alloc_hint = (uint32_t)left;
	*p = it->len ? it->stub + it->off : it->stub; /* no arithmetic on a NULL stub */
	it->off += *n;
	return true;
}
