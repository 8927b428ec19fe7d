/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cmrp.h"

#include <stdlib.h>
#include <string.h>

const struct rpc_syntax cmrp_syntax = {
	.uuid = { 0xb97db8b2, 0x4c63, 0x11cf, { 0xbf, 0xf6, 0x08, 0x00, 0x2b, 0xe2, 0x3f, 0x2f } },
	.major = 3,
	.minor = 0,
};

void cmrp_string_free(struct cmrp_string *s)
{
	free(s->s);
	s->s = NULL;
	s->units = 0;
}

bool cmrp_decode_done(struct ndr_pull *in)
{
	/* Trailing alignment padding is allowed, more is not. */
	if (!in->error && ndr_pull_remaining(in) >= 8)
		in->error = true;
	return !in->error;
}

/* [out, string] LPWSTR *: a unique pointer, then the string if non-NULL. */
static bool cmrp_push_out_string(struct ndr_push *p, const struct cmrp_string *s)
{
	if (!s->s)
		return ndr_push_ptr(p, false);
	return ndr_push_ptr(p, true) && ndr_push_string(p, s->s, s->units);
}

static bool cmrp_pull_out_string(struct ndr_pull *in, struct cmrp_string *s)
{
	uint32_t ref;
	memset(s, 0, sizeof(*s));
	if (!ndr_pull_ptr(in, &ref))
		return false;
	if (!ref)
		return true;
	return ndr_pull_string(in, &s->s, &s->units, CMRP_MAX_NAME_UNITS);
}

bool cmrp_open_cluster_ex_encode_in(struct ndr_push *p, uint32_t desired)
{
	return ndr_push_u32(p, desired);
}

bool cmrp_open_cluster_ex_decode_in(struct ndr_pull *in, uint32_t *desired)
{
	return ndr_pull_u32(in, desired) && cmrp_decode_done(in);
}

bool cmrp_open_cluster_encode_out(struct ndr_push *p, const struct cmrp_open_cluster_out *o, bool ex)
{
	if (ex)
		ndr_push_u32(p, o->granted);
	ndr_push_u32(p, o->status);
	return ndr_push_ctx_handle(p, &o->handle);
}

bool cmrp_open_cluster_decode_out(struct ndr_pull *in, struct cmrp_open_cluster_out *o, bool ex)
{
	memset(o, 0, sizeof(*o));
	if (ex)
		ndr_pull_u32(in, &o->granted);
	ndr_pull_u32(in, &o->status);
	ndr_pull_ctx_handle(in, &o->handle);
	return cmrp_decode_done(in);
}

bool cmrp_handle_encode(struct ndr_push *p, const struct rpc_ctx_handle *h)
{
	return ndr_push_ctx_handle(p, h);
}

bool cmrp_handle_decode(struct ndr_pull *in, struct rpc_ctx_handle *h)
{
	return ndr_pull_ctx_handle(in, h) && cmrp_decode_done(in);
}

bool cmrp_close_encode_out(struct ndr_push *p, const struct rpc_ctx_handle *h, uint32_t result)
{
	return ndr_push_ctx_handle(p, h) && ndr_push_u32(p, result);
}

bool cmrp_close_decode_out(struct ndr_pull *in, struct rpc_ctx_handle *h, uint32_t *result)
{
	return ndr_pull_ctx_handle(in, h) && ndr_pull_u32(in, result) && cmrp_decode_done(in);
}

bool cmrp_set_cluster_name_encode_in(struct ndr_push *p, const uint16_t *name, size_t units)
{
	/* [in, string] LPCWSTR: a top-level [ref] pointer, no referent id. */
	return ndr_push_string(p, name, units);
}

bool cmrp_set_cluster_name_decode_in(struct ndr_pull *in, struct cmrp_string *name)
{
	memset(name, 0, sizeof(*name));
	if (!ndr_pull_string(in, &name->s, &name->units, CMRP_MAX_NAME_UNITS) || !cmrp_decode_done(in)) {
		cmrp_string_free(name);
		return false;
	}
	return true;
}

bool cmrp_status_result_encode_out(struct ndr_push *p, uint32_t rpc_status, uint32_t result)
{
	return ndr_push_u32(p, rpc_status) && ndr_push_u32(p, result);
}

bool cmrp_status_result_decode_out(struct ndr_pull *in, uint32_t *rpc_status, uint32_t *result)
{
	return ndr_pull_u32(in, rpc_status) && ndr_pull_u32(in, result) && cmrp_decode_done(in);
}

bool cmrp_get_cluster_name_encode_out(struct ndr_push *p, const struct cmrp_cluster_name_out *o)
{
	cmrp_push_out_string(p, &o->cluster);
	cmrp_push_out_string(p, &o->node);
	return ndr_push_u32(p, o->result);
}

bool cmrp_get_cluster_name_decode_out(struct ndr_pull *in, struct cmrp_cluster_name_out *o)
{
	memset(o, 0, sizeof(*o));
	cmrp_pull_out_string(in, &o->cluster);
	cmrp_pull_out_string(in, &o->node);
	ndr_pull_u32(in, &o->result);
	if (!cmrp_decode_done(in)) {
		cmrp_cluster_name_out_free(o);
		return false;
	}
	return true;
}

void cmrp_cluster_name_out_free(struct cmrp_cluster_name_out *o)
{
	cmrp_string_free(&o->cluster);
	cmrp_string_free(&o->node);
}

bool cmrp_version_encode_out(struct ndr_push *p, const struct cmrp_version_out *o, bool v2)
{
	ndr_push_u16(p, o->major);
	ndr_push_u16(p, o->minor);
	ndr_push_u16(p, o->build);
	cmrp_push_out_string(p, &o->vendor);
	cmrp_push_out_string(p, &o->csd);
	if (v2) {
		/* [out] CLUSTER_OPERATIONAL_VERSION_INFO **: unique pointer + struct */
		ndr_push_ptr(p, o->has_opver);
		if (o->has_opver) {
			ndr_push_u32(p, 20);
			ndr_push_u32(p, o->highest);
			ndr_push_u32(p, o->lowest);
			ndr_push_u32(p, o->flags);
			ndr_push_u32(p, 0);
		}
		ndr_push_u32(p, o->rpc_status);
	}
	return ndr_push_u32(p, o->result);
}

bool cmrp_version_decode_out(struct ndr_pull *in, struct cmrp_version_out *o, bool v2)
{
	memset(o, 0, sizeof(*o));
	ndr_pull_u16(in, &o->major);
	ndr_pull_u16(in, &o->minor);
	ndr_pull_u16(in, &o->build);
	cmrp_pull_out_string(in, &o->vendor);
	cmrp_pull_out_string(in, &o->csd);
	if (v2) {
		uint32_t ref, size, reserved;
		if (ndr_pull_ptr(in, &ref) && ref) {
			o->has_opver = true;
			ndr_pull_u32(in, &size);
			ndr_pull_u32(in, &o->highest);
			ndr_pull_u32(in, &o->lowest);
			ndr_pull_u32(in, &o->flags);
			ndr_pull_u32(in, &reserved);
			if (!in->error && size != 20)
				in->error = true;
		}
		ndr_pull_u32(in, &o->rpc_status);
	}
	ndr_pull_u32(in, &o->result);
	if (!cmrp_decode_done(in)) {
		cmrp_version_out_free(o);
		return false;
	}
	return true;
}

void cmrp_version_out_free(struct cmrp_version_out *o)
{
	cmrp_string_free(&o->vendor);
	cmrp_string_free(&o->csd);
}
