/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "epm.h"

#include <stdlib.h>
#include <string.h>

const struct rpc_syntax epm_syntax = {
	.uuid = { 0xe1af8308, 0x5d1f, 0x11c9, { 0x91, 0xa4, 0x08, 0x00, 0x2b, 0x14, 0xa0, 0xfa } },
	.major = 3,
	.minor = 0,
};

/* Tower floors are little-endian except the port and address (big-endian). */
static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static uint16_t get_le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put_uuid_le(uint8_t *p, const struct rpc_uuid *u)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(u->time_low >> (8 * i));
	put_le16(p + 4, u->time_mid);
	put_le16(p + 6, u->time_hi);
	memcpy(p + 8, u->rest, 8);
}

static void get_uuid_le(const uint8_t *p, struct rpc_uuid *u)
{
	u->time_low = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	u->time_mid = get_le16(p + 4);
	u->time_hi = get_le16(p + 6);
	memcpy(u->rest, p + 8, 8);
}

static bool epm_floor_push(struct ndr_push *p, const uint8_t *lhs, uint16_t lhs_len, const uint8_t *rhs,
			   uint16_t rhs_len)
{
	uint8_t l[2];
	put_le16(l, lhs_len);
	ndr_push_bytes(p, l, 2);
	ndr_push_bytes(p, lhs, lhs_len);
	put_le16(l, rhs_len);
	ndr_push_bytes(p, l, 2);
	return ndr_push_bytes(p, rhs, rhs_len);
}

static bool epm_syntax_floor(struct ndr_push *p, const struct rpc_syntax *s)
{
	uint8_t lhs[19], rhs[2];
	lhs[0] = EPM_PROT_UUID;
	put_uuid_le(lhs + 1, &s->uuid);
	put_le16(lhs + 17, s->major);
	put_le16(rhs, s->minor);
	return epm_floor_push(p, lhs, sizeof(lhs), rhs, sizeof(rhs));
}

bool epm_tower_encode(struct ndr_push *p, const struct epm_tower *t)
{
	uint8_t l[2], b[4];
	uint8_t id;

	put_le16(l, 5);
	ndr_push_bytes(p, l, 2);
	epm_syntax_floor(p, &t->iface);
	epm_syntax_floor(p, &t->transfer);
	id = EPM_PROT_NCACN;
	put_le16(b, 0);
	epm_floor_push(p, &id, 1, b, 2);
	id = EPM_PROT_TCP;
	b[0] = (uint8_t)(t->port >> 8);
	b[1] = (uint8_t)t->port;
	epm_floor_push(p, &id, 1, b, 2);
	id = EPM_PROT_IP;
	b[0] = (uint8_t)(t->ipv4 >> 24);
	b[1] = (uint8_t)(t->ipv4 >> 16);
	b[2] = (uint8_t)(t->ipv4 >> 8);
	b[3] = (uint8_t)t->ipv4;
	return epm_floor_push(p, &id, 1, b, 4);
}

int epm_tower_decode(const uint8_t *buf, size_t len, struct epm_tower *t)
{
	size_t off = 2;
	uint16_t floors;

	memset(t, 0, sizeof(*t));
	if (len < 2)
		return -1;
	floors = get_le16(buf);
	if (floors < 3 || floors > 8)
		return -1;
	for (uint16_t f = 0; f < floors; f++) {
		if (len - off < 2)
			return -1;
		uint16_t lhs_len = get_le16(buf + off);
		off += 2;
		if (lhs_len < 1 || len - off < lhs_len)
			return -1;
		const uint8_t *lhs = buf + off;
		off += lhs_len;
		if (len - off < 2)
			return -1;
		uint16_t rhs_len = get_le16(buf + off);
		off += 2;
		if (len - off < rhs_len)
			return -1;
		const uint8_t *rhs = buf + off;
		off += rhs_len;

		if (f < 2) {
			struct rpc_syntax *s = f == 0 ? &t->iface : &t->transfer;
			if (lhs[0] != EPM_PROT_UUID || lhs_len != 19 || rhs_len != 2)
				return -1;
			get_uuid_le(lhs + 1, &s->uuid);
			s->major = get_le16(lhs + 17);
			s->minor = get_le16(rhs);
		} else if (f == 2) {
			t->rpc_protocol = lhs[0];
		} else if (f == 3) {
			t->transport = lhs[0];
			if (lhs[0] == EPM_PROT_TCP && rhs_len == 2)
				t->port = (uint16_t)(rhs[0] << 8 | rhs[1]);
		} else if (f == 4 && lhs[0] == EPM_PROT_IP && rhs_len == 4) {
			t->ipv4 = (uint32_t)rhs[0] << 24 | (uint32_t)rhs[1] << 16 | (uint32_t)rhs[2] << 8 | rhs[3];
		}
	}
	return 0;
}

/* A twr_t pointee: conformance, tower_length, the octets. */
static bool epm_twr_push(struct ndr_push *p, const struct epm_tower *t)
{
	struct ndr_push tw;
	ndr_push_init(&tw);
	bool ok = epm_tower_encode(&tw, t) && !tw.error;
	if (ok) {
		ndr_push_u32(p, (uint32_t)tw.len);
		ndr_push_u32(p, (uint32_t)tw.len);
		ndr_push_bytes(p, tw.data, tw.len);
	}
	ndr_push_free(&tw);
	return ok && !p->error;
}

static bool epm_twr_pull(struct ndr_pull *in, struct epm_tower *t)
{
	uint32_t max_count, tower_len;
	if (!ndr_pull_u32(in, &max_count) || !ndr_pull_u32(in, &tower_len))
		return false;
	if (max_count != tower_len || tower_len > EPM_MAX_TOWER || tower_len > ndr_pull_remaining(in)) {
		in->error = true;
		return false;
	}
	int rc = epm_tower_decode(in->data + in->off, tower_len, t);
	in->off += tower_len;
	return rc == 0;
}

static const struct epm_entry *epm_find(const struct epm_registry *reg, const struct rpc_syntax *iface)
{
	for (size_t i = 0; i < reg->n; i++)
		if (rpc_uuid_equal(&reg->entries[i].iface.uuid, &iface->uuid) &&
		    reg->entries[i].iface.major == iface->major)
			return &reg->entries[i];
	return NULL;
}

static void epm_tower_for(const struct epm_entry *e, struct epm_tower *t)
{
	memset(t, 0, sizeof(*t));
	t->iface = e->iface;
	t->transfer = rpc_syntax_ndr;
	t->rpc_protocol = EPM_PROT_NCACN;
	t->transport = EPM_PROT_TCP;
	t->port = e->tcp_port;
	t->ipv4 = 0; /* any address of this host: the client keeps the one it used */
}

/* ept_map: [in] object, [in] map_tower, [in,out] entry_handle, [in] max_towers,
 * [out] num_towers, [out] towers[], [out] status. */
static uint32_t epm_map(const struct epm_registry *reg, struct ndr_pull *in, struct ndr_push *out)
{
	struct rpc_ctx_handle handle;
	struct rpc_uuid object;
	struct epm_tower want;
	uint32_t ref, max_towers;
	bool have_tower = false;

	if (ndr_pull_ptr(in, &ref) && ref)
		ndr_pull_uuid(in, &object);
	if (ndr_pull_ptr(in, &ref) && ref)
		have_tower = epm_twr_pull(in, &want);
	ndr_pull_align(in, 4);
	ndr_pull_ctx_handle(in, &handle);
	ndr_pull_u32(in, &max_towers);
	if (in->error)
		return NCA_S_FAULT_NDR;

	const struct epm_entry *e = NULL;
	if (have_tower && want.rpc_protocol == EPM_PROT_NCACN && want.transport == EPM_PROT_TCP &&
	    rpc_syntax_equal(&want.transfer, &rpc_syntax_ndr))
		e = epm_find(reg, &want.iface);
	uint32_t n = (e && max_towers > 0) ? 1 : 0;

	static const struct rpc_ctx_handle zero;
	ndr_push_ctx_handle(out, &zero);
	ndr_push_u32(out, n);
	/* towers: conformant varying array of unique pointers */
	ndr_push_u32(out, max_towers);
	ndr_push_u32(out, 0);
	ndr_push_u32(out, n);
	if (n) {
		struct epm_tower t;
		epm_tower_for(e, &t);
		ndr_push_ptr(out, true);
		epm_twr_push(out, &t);
	}
	ndr_push_align(out, 4);
	ndr_push_u32(out, n ? 0 : EPT_S_NOT_REGISTERED_STATUS);
	return 0;
}

/* ept_lookup: [in] inquiry_type, object, interface_id, vers_option,
 * [in,out] entry_handle, [in] max_ents; [out] num_ents, entries[], status. */
static uint32_t epm_lookup(const struct epm_registry *reg, struct ndr_pull *in, struct ndr_push *out)
{
	uint32_t inquiry, ref, vers_option, max_ents;
	struct rpc_uuid object, if_uuid;
	uint16_t if_major, if_minor;
	struct rpc_ctx_handle handle;

	ndr_pull_u32(in, &inquiry);
	if (ndr_pull_ptr(in, &ref) && ref)
		ndr_pull_uuid(in, &object);
	if (ndr_pull_ptr(in, &ref) && ref) {
		ndr_pull_uuid(in, &if_uuid);
		ndr_pull_u16(in, &if_major);
		ndr_pull_u16(in, &if_minor);
	}
	ndr_pull_u32(in, &vers_option);
	ndr_pull_ctx_handle(in, &handle);
	ndr_pull_u32(in, &max_ents);
	if (in->error)
		return NCA_S_FAULT_NDR;

	/* A lookup that starts returns everything there is (up to max_ents) and
	 * a handle to go on with; going on finds no more entries and ends with a
	 * NULL handle (C706 ept_lookup). */
	uint32_t n = rpc_uuid_is_nil(&handle.uuid) ? (uint32_t)reg->n : 0;
	if (n > max_ents)
		n = max_ents;

	struct rpc_ctx_handle next = { 0 };
	if (n)
		next.uuid.time_low = 0x6570656e; /* "end": only ever means "no more" */
	ndr_push_ctx_handle(out, &next);
	ndr_push_u32(out, n);
	ndr_push_u32(out, max_ents);
	ndr_push_u32(out, 0);
	ndr_push_u32(out, n);
	for (uint32_t i = 0; i < n; i++) {
		const struct epm_entry *e = &reg->entries[i];
		size_t alen = strlen(e->annotation) + 1;
		static const struct rpc_uuid nil;
		ndr_push_uuid(out, &nil);
		ndr_push_ptr(out, true);
		ndr_push_u32(out, 0);
		ndr_push_u32(out, (uint32_t)alen);
		ndr_push_bytes(out, e->annotation, alen);
		ndr_push_align(out, 4);
	}
	for (uint32_t i = 0; i < n; i++) {
		struct epm_tower t;
		epm_tower_for(&reg->entries[i], &t);
		epm_twr_push(out, &t);
		ndr_push_align(out, 4);
	}
	ndr_push_u32(out, n ? 0 : EPT_S_NOT_REGISTERED_STATUS);
	return 0;
}

static uint32_t epm_dispatch(const struct rpc_server_iface *iface, void *conn_user, uint16_t opnum,
			     struct ndr_pull *in, struct ndr_push *out)
{
	(void)conn_user;
	const struct epm_registry *reg = iface->ctx;
	switch (opnum) {
	case EPM_OP_LOOKUP:
		return epm_lookup(reg, in, out);
	case EPM_OP_MAP:
		return epm_map(reg, in, out);
	default:
		return NCA_S_OP_RNG_ERROR;
	}
}

void epm_server_iface(struct rpc_server_iface *iface, struct epm_registry *reg)
{
	memset(iface, 0, sizeof(*iface));
	iface->syntax = epm_syntax;
	iface->name = "epmapper";
	iface->dispatch = epm_dispatch;
	iface->ctx = reg;
}

DWORD epm_client_map_tcp(struct rpc_client *c, const struct rpc_syntax *iface, uint16_t *port)
{
	struct ndr_push req;
	struct epm_tower t = { 0 };
	uint8_t *resp = NULL;
	size_t resp_len;
	bool be;
	DWORD err;

	t.iface = *iface;
	t.transfer = rpc_syntax_ndr;
	t.rpc_protocol = EPM_PROT_NCACN;
	t.transport = EPM_PROT_TCP;

	ndr_push_init(&req);
	ndr_push_ptr(&req, false); /* object */
	ndr_push_ptr(&req, true);  /* map_tower */
	epm_twr_push(&req, &t);
	ndr_push_align(&req, 4);
	static const struct rpc_ctx_handle zero;
	ndr_push_ctx_handle(&req, &zero);
	ndr_push_u32(&req, 4);
	if (req.error) {
		ndr_push_free(&req);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	err = rpc_client_call(c, EPM_OP_MAP, req.data, req.len, &resp, &resp_len, &be);
	ndr_push_free(&req);
	if (err)
		return err;

	struct ndr_pull in;
	struct rpc_ctx_handle h;
	uint32_t num, max_count, offset, actual, status = 0;
	bool found = false;
	ndr_pull_init(&in, resp, resp_len, be);
	ndr_pull_ctx_handle(&in, &h);
	ndr_pull_u32(&in, &num);
	ndr_pull_u32(&in, &max_count);
	ndr_pull_u32(&in, &offset);
	ndr_pull_u32(&in, &actual);
	if (!in.error && (actual > max_count || actual != num || actual > 64 || offset != 0))
		in.error = true;
	uint32_t refs[64];
	for (uint32_t i = 0; i < actual && !in.error; i++)
		ndr_pull_ptr(&in, &refs[i]);
	for (uint32_t i = 0; i < actual && !in.error; i++) {
		if (!refs[i])
			continue;
		struct epm_tower got;
		if (epm_twr_pull(&in, &got) && !found && got.transport == EPM_PROT_TCP && got.port &&
		    rpc_uuid_equal(&got.iface.uuid, &iface->uuid)) {
			*port = got.port;
			found = true;
		}
		ndr_pull_align(&in, 4);
	}
	ndr_pull_align(&in, 4);
	ndr_pull_u32(&in, &status);
	free(resp);
	if (in.error)
		return RPC_X_BAD_STUB_DATA;
	if (found)
		return ERROR_SUCCESS;
	return EPT_S_NOT_REGISTERED;
}
