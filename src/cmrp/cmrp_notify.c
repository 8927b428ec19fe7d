/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cmrp_notify.h"

#include <string.h>

bool cmrp_create_notify_encode_out(struct ndr_push *p, const struct cmrp_create_notify_out *o)
{
	ndr_push_u32(p, o->status);
	ndr_push_u32(p, o->rpc_status);
	return ndr_push_ctx_handle(p, &o->handle);
}

bool cmrp_create_notify_decode_out(struct ndr_pull *in, struct cmrp_create_notify_out *o)
{
	memset(o, 0, sizeof(*o));
	ndr_pull_u32(in, &o->status);
	ndr_pull_u32(in, &o->rpc_status);
	ndr_pull_ctx_handle(in, &o->handle);
	return cmrp_decode_done(in);
}

bool cmrp_add_notify_encode_in(struct ndr_push *p, const struct cmrp_add_notify_in *a,
			       enum cmrp_add_notify_shape shape)
{
	ndr_push_ctx_handle(p, &a->notify);
	ndr_push_ctx_handle(p, &a->object);
	if (shape == CMRP_ADD_NOTIFY_ON_KEY) {
		/* MS-CMRP: dwNotifyKey, Filter, then BOOL WatchSubTree (a long) */
		ndr_push_u32(p, a->key);
		ndr_push_u32(p, a->filter);
		ndr_push_u32(p, a->subtree ? 1 : 0);
		return !p->error;
	}
	ndr_push_u32(p, a->filter);
	ndr_push_u32(p, a->key);
	if (shape == CMRP_ADD_NOTIFY_READD)
		ndr_push_u32(p, a->sequence);
	return !p->error;
}

bool cmrp_add_notify_decode_in(struct ndr_pull *in, struct cmrp_add_notify_in *a, enum cmrp_add_notify_shape shape)
{
	memset(a, 0, sizeof(*a));
	ndr_pull_ctx_handle(in, &a->notify);
	ndr_pull_ctx_handle(in, &a->object);
	if (shape == CMRP_ADD_NOTIFY_ON_KEY) {
		uint32_t l = 0;
		uint8_t b = 0;
		ndr_pull_u32(in, &a->key);
		ndr_pull_u32(in, &a->filter);
		/* 4 bytes left: the spec's BOOL; 1 to 3: Samba's IDL
		 * (boolean8, then padding). */
		if (ndr_pull_remaining(in) >= 4) {
			ndr_pull_u32(in, &l);
			a->subtree = l != 0;
		} else {
			ndr_pull_u8(in, &b);
			a->subtree = b != 0;
		}
		return cmrp_decode_done(in);
	}
	ndr_pull_u32(in, &a->filter);
	ndr_pull_u32(in, &a->key);
	if (shape == CMRP_ADD_NOTIFY_READD)
		ndr_pull_u32(in, &a->sequence);
	return cmrp_decode_done(in);
}

bool cmrp_add_notify_encode_out(struct ndr_push *p, const struct cmrp_add_notify_out *o)
{
	ndr_push_u32(p, o->sequence);
	ndr_push_u32(p, o->rpc_status);
	return ndr_push_u32(p, o->result);
}

bool cmrp_add_notify_decode_out(struct ndr_pull *in, struct cmrp_add_notify_out *o)
{
	memset(o, 0, sizeof(*o));
	ndr_pull_u32(in, &o->sequence);
	ndr_pull_u32(in, &o->rpc_status);
	ndr_pull_u32(in, &o->result);
	return cmrp_decode_done(in);
}

bool cmrp_get_notify_encode_out(struct ndr_push *p, const struct cmrp_get_notify_out *o)
{
	ndr_push_u32(p, o->key);
	ndr_push_u32(p, o->filter);
	ndr_push_u32(p, o->sequence);
	/* [out, string] LPWSTR *Name: a unique pointer, then the string */
	ndr_push_ptr(p, o->name.s != NULL);
	if (o->name.s)
		ndr_push_string(p, o->name.s, o->name.units);
	ndr_push_u32(p, o->rpc_status);
	return ndr_push_u32(p, o->result);
}

bool cmrp_get_notify_decode_out(struct ndr_pull *in, struct cmrp_get_notify_out *o)
{
	uint32_t ref = 0;
	memset(o, 0, sizeof(*o));
	ndr_pull_u32(in, &o->key);
	ndr_pull_u32(in, &o->filter);
	ndr_pull_u32(in, &o->sequence);
	if (ndr_pull_ptr(in, &ref) && ref)
		ndr_pull_string(in, &o->name.s, &o->name.units, CMRP_MAX_NAME_UNITS);
	ndr_pull_u32(in, &o->rpc_status);
	ndr_pull_u32(in, &o->result);
	if (!cmrp_decode_done(in)) {
		cmrp_get_notify_out_free(o);
		return false;
	}
	return true;
}

void cmrp_get_notify_out_free(struct cmrp_get_notify_out *o)
{
	cmrp_string_free(&o->name);
}

bool cmrp_result_encode_out(struct ndr_push *p, uint32_t result)
{
	return ndr_push_u32(p, result);
}

bool cmrp_result_decode_out(struct ndr_pull *in, uint32_t *result)
{
	*result = 0;
	ndr_pull_u32(in, result);
	return cmrp_decode_done(in);
}
