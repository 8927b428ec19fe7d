/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cmrp_objects.h"

#include <stdlib.h>
#include <string.h>


/* A FILETIME travels as two DWORDs (low, high), 4-aligned: MS-CMRP declares
 * it so and Samba reads its NTTIME the same way, not as an 8-aligned hyper. */
static bool cmrp_push_filetime(struct ndr_push *p, uint64_t t)
{
	return ndr_push_u32(p, (uint32_t)t) && ndr_push_u32(p, (uint32_t)(t >> 32));
}

static bool cmrp_pull_filetime(struct ndr_pull *in, uint64_t *t)
{
	uint32_t lo = 0, hi = 0;
	bool ok = ndr_pull_u32(in, &lo) && ndr_pull_u32(in, &hi);
	*t = (uint64_t)hi << 32 | lo;
	return ok;
}

/* ---- helpers ------------------------------------------------------------- */

static bool fail(struct ndr_pull *in)
{
	in->error = true;
	return false;
}

void cmrp_blob_free(struct cmrp_blob *b)
{
	free(b->data);
	memset(b, 0, sizeof(*b));
}

void cmrp_security_descriptor_free(struct cmrp_security_descriptor *sd)
{
	free(sd->data);
	memset(sd, 0, sizeof(*sd));
}

/* n bytes into a fresh buffer (NULL when n is 0), after checking n against
 * the cap and the bytes present. */
static bool pull_bytes_alloc(struct ndr_pull *in, uint8_t **out, uint32_t n)
{
	*out = NULL;
	if (in->error)
		return false;
	if (n > CMRP_MAX_BUFFER_BYTES || n > ndr_pull_remaining(in))
		return fail(in);
	if (n == 0)
		return true;
	uint8_t *b = malloc(n);
	if (!b)
		return fail(in);
	if (!ndr_pull_bytes(in, b, n)) {
		free(b);
		return false;
	}
	*out = b;
	return true;
}

static bool push_bytes(struct ndr_push *p, const uint8_t *b, uint32_t n)
{
	if (n > CMRP_MAX_BUFFER_BYTES || (n && !b)) {
		p->error = true;
		return false;
	}
	return ndr_push_bytes(p, b, n);
}

/* A conformant byte array: max_count (must be `n`), then n bytes. */
static bool pull_conformant_bytes(struct ndr_pull *in, uint8_t **out, uint32_t n)
{
	uint32_t max;
	*out = NULL;
	if (!ndr_pull_u32(in, &max))
		return false;
	if (max != n)
		return fail(in);
	return pull_bytes_alloc(in, out, n);
}

static bool push_conformant_bytes(struct ndr_push *p, const uint8_t *b, uint32_t n)
{
	return ndr_push_u32(p, n) && push_bytes(p, b, n);
}

/* A conformant varying byte array: max_count, offset 0, actual, bytes. */
static bool pull_varying_bytes(struct ndr_pull *in, uint32_t *max, uint8_t **out, uint32_t *actual)
{
	uint32_t offset;
	*out = NULL;
	if (!ndr_pull_u32(in, max) || !ndr_pull_u32(in, &offset) || !ndr_pull_u32(in, actual))
		return false;
	if (offset != 0 || *actual > *max)
		return fail(in);
	return pull_bytes_alloc(in, out, *actual);
}

static bool push_varying_bytes(struct ndr_push *p, uint32_t max, const uint8_t *b, uint32_t actual)
{
	if (actual > max) {
		p->error = true;
		return false;
	}
	return ndr_push_u32(p, max) && ndr_push_u32(p, 0) && ndr_push_u32(p, actual) && push_bytes(p, b, actual);
}

/* A top-level [in, string] LPCWSTR (a [ref] pointer: no referent id). */
static bool pull_in_string(struct ndr_pull *in, struct cmrp_string *s)
{
	memset(s, 0, sizeof(*s));
	if (in->error)
		return false;
	return ndr_pull_string(in, &s->s, &s->units, CMRP_MAX_NAME_UNITS);
}

static bool push_in_string(struct ndr_push *p, const uint16_t *s, size_t units)
{
	if (!s && units) {
		p->error = true;
		return false;
	}
	static const uint16_t empty[1] = { 0 };
	return ndr_push_string(p, s ? s : empty, units);
}

/* [out, string] LPWSTR * and embedded [string] pointers: a unique pointer,
 * then (immediately, or deferred) the string. */
static bool push_string_ptr(struct ndr_push *p, const struct cmrp_string *s)
{
	return ndr_push_ptr(p, s->s != NULL);
}

static bool push_string_deferred(struct ndr_push *p, const struct cmrp_string *s)
{
	if (!s->s)
		return !p->error;
	return ndr_push_string(p, s->s, s->units);
}

static bool push_out_string(struct ndr_push *p, const struct cmrp_string *s)
{
	return push_string_ptr(p, s) && push_string_deferred(p, s);
}

/* The referent of an embedded pointer is remembered in `units` (1: present)
 * until pull_string_deferred() reads the string. */
static bool pull_string_ptr(struct ndr_pull *in, struct cmrp_string *s)
{
	uint32_t ref;
	memset(s, 0, sizeof(*s));
	if (!ndr_pull_ptr(in, &ref))
		return false;
	s->units = ref != 0;
	return true;
}

static bool pull_string_deferred(struct ndr_pull *in, struct cmrp_string *s)
{
	bool present = s->units != 0;
	s->units = 0;
	if (in->error)
		return false;
	if (!present)
		return true;
	return ndr_pull_string(in, &s->s, &s->units, CMRP_MAX_NAME_UNITS);
}

static bool pull_out_string(struct ndr_pull *in, struct cmrp_string *s)
{
	return pull_string_ptr(in, s) && pull_string_deferred(in, s);
}

/* A top-level [in, unique, size_is(len)] byte array followed by its len. */
static bool push_in_blob(struct ndr_push *p, const struct cmrp_blob *b)
{
	ndr_push_ptr(p, b->present);
	if (b->present)
		push_conformant_bytes(p, b->data, b->len);
	return ndr_push_u32(p, b->len);
}

static bool pull_in_blob(struct ndr_pull *in, struct cmrp_blob *b)
{
	uint32_t ref, max = 0;
	memset(b, 0, sizeof(*b));
	if (!ndr_pull_ptr(in, &ref))
		return false;
	if (ref) {
		b->present = true;
		/* The size comes after the array: read the array with its own
		 * max_count, then insist that the size agrees. */
		if (!ndr_pull_u32(in, &max) || !pull_bytes_alloc(in, &b->data, max))
			return false;
	}
	if (!ndr_pull_u32(in, &b->len))
		return false;
	if (b->present && b->len != max)
		return fail(in);
	return true;
}

/* RPC_SECURITY_DESCRIPTOR: its scalars, then (deferred) its array. */
static bool push_sd_scalars(struct ndr_push *p, const struct cmrp_security_descriptor *sd)
{
	return ndr_push_ptr(p, sd->present) && ndr_push_u32(p, sd->cb_in) && ndr_push_u32(p, sd->cb_out);
}

static bool push_sd_deferred(struct ndr_push *p, const struct cmrp_security_descriptor *sd)
{
	if (!sd->present)
		return !p->error;
	return push_varying_bytes(p, sd->cb_in, sd->data, sd->cb_out);
}

static bool pull_sd_scalars(struct ndr_pull *in, struct cmrp_security_descriptor *sd)
{
	uint32_t ref;
	memset(sd, 0, sizeof(*sd));
	if (!ndr_pull_ptr(in, &ref) || !ndr_pull_u32(in, &sd->cb_in) || !ndr_pull_u32(in, &sd->cb_out))
		return false;
	sd->present = ref != 0;
	return true;
}

static bool pull_sd_deferred(struct ndr_pull *in, struct cmrp_security_descriptor *sd)
{
	uint32_t max, actual;
	if (in->error)
		return false;
	if (!sd->present)
		return true;
	if (!pull_varying_bytes(in, &max, &sd->data, &actual))
		return false;
	if (max != sd->cb_in || actual != sd->cb_out)
		return fail(in);
	return true;
}

/* ==== [in] shapes ======================================================== */

bool cmrp_name_encode_in(struct ndr_push *p, const uint16_t *name, size_t units)
{
	return push_in_string(p, name, units);
}

bool cmrp_name_decode_in(struct ndr_pull *in, struct cmrp_string *name)
{
	if (!pull_in_string(in, name) || !cmrp_decode_done(in)) {
		cmrp_string_free(name);
		return false;
	}
	return true;
}

bool cmrp_name_u32_encode_in(struct ndr_push *p, const uint16_t *name, size_t units, uint32_t v)
{
	return push_in_string(p, name, units) && ndr_push_u32(p, v);
}

bool cmrp_name_u32_decode_in(struct ndr_pull *in, struct cmrp_string *name, uint32_t *v)
{
	*v = 0;
	if (!pull_in_string(in, name) || !ndr_pull_u32(in, v) || !cmrp_decode_done(in)) {
		cmrp_string_free(name);
		return false;
	}
	return true;
}

bool cmrp_u32_encode_in(struct ndr_push *p, uint32_t v)
{
	return ndr_push_u32(p, v);
}

bool cmrp_u32_decode_in(struct ndr_pull *in, uint32_t *v)
{
	*v = 0;
	return ndr_pull_u32(in, v) && cmrp_decode_done(in);
}

#define CMRP_MAX_U32S 4

bool cmrp_handle_u32s_encode_in(struct ndr_push *p, const struct rpc_ctx_handle *h, const uint32_t *v, size_t n)
{
	if (n > CMRP_MAX_U32S) {
		p->error = true;
		return false;
	}
	ndr_push_ctx_handle(p, h);
	for (size_t i = 0; i < n; i++)
		ndr_push_u32(p, v[i]);
	return !p->error;
}

bool cmrp_handle_u32s_decode_in(struct ndr_pull *in, struct rpc_ctx_handle *h, uint32_t *v, size_t n)
{
	memset(h, 0, sizeof(*h));
	if (n > CMRP_MAX_U32S)
		return fail(in);
	if (n)
		memset(v, 0, n * sizeof(*v));
	ndr_pull_ctx_handle(in, h);
	for (size_t i = 0; i < n; i++)
		ndr_pull_u32(in, &v[i]);
	return cmrp_decode_done(in);
}

bool cmrp_handle_name_encode_in(struct ndr_push *p, const struct rpc_ctx_handle *h, const uint16_t *name,
				size_t units, const uint32_t *v, size_t n)
{
	if (n > CMRP_MAX_U32S) {
		p->error = true;
		return false;
	}
	ndr_push_ctx_handle(p, h);
	push_in_string(p, name, units);
	for (size_t i = 0; i < n; i++)
		ndr_push_u32(p, v[i]);
	return !p->error;
}

bool cmrp_handle_name_decode_in(struct ndr_pull *in, struct rpc_ctx_handle *h, struct cmrp_string *name,
				uint32_t *v, size_t n)
{
	memset(h, 0, sizeof(*h));
	memset(name, 0, sizeof(*name));
	if (n > CMRP_MAX_U32S)
		return fail(in);
	if (n)
		memset(v, 0, n * sizeof(*v));
	ndr_pull_ctx_handle(in, h);
	pull_in_string(in, name);
	for (size_t i = 0; i < n; i++)
		ndr_pull_u32(in, &v[i]);
	if (!cmrp_decode_done(in)) {
		cmrp_string_free(name);
		return false;
	}
	return true;
}

bool cmrp_two_handles_encode_in(struct ndr_push *p, const struct rpc_ctx_handle *a, const struct rpc_ctx_handle *b)
{
	return ndr_push_ctx_handle(p, a) && ndr_push_ctx_handle(p, b);
}

bool cmrp_two_handles_decode_in(struct ndr_pull *in, struct rpc_ctx_handle *a, struct rpc_ctx_handle *b)
{
	memset(a, 0, sizeof(*a));
	memset(b, 0, sizeof(*b));
	ndr_pull_ctx_handle(in, a);
	ndr_pull_ctx_handle(in, b);
	return cmrp_decode_done(in);
}

bool cmrp_handle_bool_encode_in(struct ndr_push *p, const struct rpc_ctx_handle *h, bool v)
{
	/* MS-CMRP: [in] BOOL force, a 32-bit long */
	return ndr_push_ctx_handle(p, h) && ndr_push_u32(p, v ? 1 : 0);
}

bool cmrp_handle_bool_decode_in(struct ndr_pull *in, struct rpc_ctx_handle *h, bool *v)
{
	uint32_t l = 0;
	uint8_t b = 0;
	memset(h, 0, sizeof(*h));
	*v = false;
	if (!ndr_pull_ctx_handle(in, h))
		return false;
	/* The handle ends 4-aligned: 4 or more bytes left are the spec's BOOL;
	 * 1 to 3 are Samba's IDL (boolean8: one byte, then padding). */
	if (ndr_pull_remaining(in) >= 4) {
		ndr_pull_u32(in, &l);
		*v = l != 0;
	} else {
		ndr_pull_u8(in, &b);
		*v = b != 0;
	}
	return cmrp_decode_done(in);
}

/* ---- 9 CreateResource ------------------------------------------------------ */

bool cmrp_create_resource_encode_in(struct ndr_push *p, const struct cmrp_create_resource_in *r)
{
	ndr_push_ctx_handle(p, &r->group);
	push_in_string(p, r->name.s, r->name.units);
	push_in_string(p, r->type.s, r->type.units);
	return ndr_push_u32(p, r->flags);
}

bool cmrp_create_resource_decode_in(struct ndr_pull *in, struct cmrp_create_resource_in *r)
{
	memset(r, 0, sizeof(*r));
	ndr_pull_ctx_handle(in, &r->group);
	pull_in_string(in, &r->name);
	pull_in_string(in, &r->type);
	ndr_pull_u32(in, &r->flags);
	if (!cmrp_decode_done(in)) {
		cmrp_create_resource_in_free(r);
		return false;
	}
	return true;
}

void cmrp_create_resource_in_free(struct cmrp_create_resource_in *r)
{
	cmrp_string_free(&r->name);
	cmrp_string_free(&r->type);
}

/* ---- 26 CreateResourceType [restypes] --------------------------------------- */

bool cmrp_create_restype_encode_in(struct ndr_push *p, const struct cmrp_create_restype_in *r)
{
	push_in_string(p, r->name.s, r->name.units);
	push_in_string(p, r->display.s, r->display.units);
	push_in_string(p, r->dll.s, r->dll.units);
	ndr_push_u32(p, r->looks_alive);
	return ndr_push_u32(p, r->is_alive);
}

bool cmrp_create_restype_decode_in(struct ndr_pull *in, struct cmrp_create_restype_in *r)
{
	memset(r, 0, sizeof(*r));
	pull_in_string(in, &r->name);
	pull_in_string(in, &r->display);
	pull_in_string(in, &r->dll);
	ndr_pull_u32(in, &r->looks_alive);
	ndr_pull_u32(in, &r->is_alive);
	if (!cmrp_decode_done(in)) {
		cmrp_create_restype_in_free(r);
		return false;
	}
	return true;
}

void cmrp_create_restype_in_free(struct cmrp_create_restype_in *r)
{
	cmrp_string_free(&r->name);
	cmrp_string_free(&r->display);
	cmrp_string_free(&r->dll);
}

/* ---- 29 CreateKey ---------------------------------------------------------- */

bool cmrp_create_key_encode_in(struct ndr_push *p, const struct cmrp_create_key_in *r)
{
	ndr_push_ctx_handle(p, &r->key);
	push_in_string(p, r->subkey.s, r->subkey.units);
	ndr_push_u32(p, r->options);
	ndr_push_u32(p, r->sam_desired);
	/* [in, unique] RPC_SECURITY_ATTRIBUTES *: the struct follows its
	 * referent id, then the descriptor's deferred array. */
	ndr_push_ptr(p, r->has_attributes);
	if (r->has_attributes) {
		ndr_push_u32(p, r->attr_length);
		push_sd_scalars(p, &r->sd);
		ndr_push_u32(p, (uint32_t)r->inherit);
		push_sd_deferred(p, &r->sd);
	}
	return !p->error;
}

bool cmrp_create_key_decode_in(struct ndr_pull *in, struct cmrp_create_key_in *r)
{
	uint32_t ref = 0, inherit = 0;
	memset(r, 0, sizeof(*r));
	ndr_pull_ctx_handle(in, &r->key);
	pull_in_string(in, &r->subkey);
	ndr_pull_u32(in, &r->options);
	ndr_pull_u32(in, &r->sam_desired);
	if (ndr_pull_ptr(in, &ref) && ref) {
		r->has_attributes = true;
		ndr_pull_u32(in, &r->attr_length);
		pull_sd_scalars(in, &r->sd);
		ndr_pull_u32(in, &inherit);
		r->inherit = (int32_t)inherit;
		pull_sd_deferred(in, &r->sd);
	}
	if (!cmrp_decode_done(in)) {
		cmrp_create_key_in_free(r);
		return false;
	}
	return true;
}

void cmrp_create_key_in_free(struct cmrp_create_key_in *r)
{
	cmrp_string_free(&r->subkey);
	cmrp_security_descriptor_free(&r->sd);
}

/* ---- 32 SetValue ----------------------------------------------------------- */

bool cmrp_set_value_encode_in(struct ndr_push *p, const struct cmrp_set_value_in *r)
{
	ndr_push_ctx_handle(p, &r->key);
	push_in_string(p, r->name.s, r->name.units);
	ndr_push_u32(p, r->type);
	/* [in, size_is(cbData)] uint8 *: a [ref] pointer, so the array itself */
	push_conformant_bytes(p, r->data, r->len);
	return ndr_push_u32(p, r->len);
}

bool cmrp_set_value_decode_in(struct ndr_pull *in, struct cmrp_set_value_in *r)
{
	uint32_t max = 0;
	memset(r, 0, sizeof(*r));
	ndr_pull_ctx_handle(in, &r->key);
	pull_in_string(in, &r->name);
	ndr_pull_u32(in, &r->type);
	if (ndr_pull_u32(in, &max))
		pull_bytes_alloc(in, &r->data, max);
	ndr_pull_u32(in, &r->len);
	if (!in->error && r->len != max)
		in->error = true;
	if (!cmrp_decode_done(in)) {
		cmrp_set_value_in_free(r);
		return false;
	}
	return true;
}

void cmrp_set_value_in_free(struct cmrp_set_value_in *r)
{
	cmrp_string_free(&r->name);
	free(r->data);
	r->data = NULL;
	r->len = 0;
}

/* ---- 40 GetKeySecurity ----------------------------------------------------- */

bool cmrp_key_security_encode_in(struct ndr_push *p, const struct rpc_ctx_handle *key, uint32_t secinfo,
				 const struct cmrp_security_descriptor *sd)
{
	ndr_push_ctx_handle(p, key);
	ndr_push_u32(p, secinfo);
	/* [in, out] RPC_SECURITY_DESCRIPTOR *: a [ref] pointer to the struct */
	push_sd_scalars(p, sd);
	return push_sd_deferred(p, sd);
}

bool cmrp_key_security_decode_in(struct ndr_pull *in, struct rpc_ctx_handle *key, uint32_t *secinfo,
				 struct cmrp_security_descriptor *sd)
{
	memset(key, 0, sizeof(*key));
	*secinfo = 0;
	ndr_pull_ctx_handle(in, key);
	ndr_pull_u32(in, secinfo);
	if (!pull_sd_scalars(in, sd) || !pull_sd_deferred(in, sd) || !cmrp_decode_done(in)) {
		cmrp_security_descriptor_free(sd);
		return false;
	}
	return true;
}

bool cmrp_key_security_encode_out(struct ndr_push *p, const struct cmrp_security_descriptor *sd,
				  uint32_t rpc_status, uint32_t result)
{
	push_sd_scalars(p, sd);
	push_sd_deferred(p, sd);
	ndr_push_u32(p, rpc_status);
	return ndr_push_u32(p, result);
}

bool cmrp_key_security_decode_out(struct ndr_pull *in, struct cmrp_security_descriptor *sd, uint32_t *rpc_status,
				  uint32_t *result)
{
	*rpc_status = 0;
	*result = 0;
	pull_sd_scalars(in, sd);
	pull_sd_deferred(in, sd);
	ndr_pull_u32(in, rpc_status);
	ndr_pull_u32(in, result);
	if (!cmrp_decode_done(in)) {
		cmrp_security_descriptor_free(sd);
		return false;
	}
	return true;
}

/* ---- the control calls ----------------------------------------------------- */

static bool control_has_type(enum cmrp_control_kind kind)
{
	return kind == CMRP_CONTROL_TYPE || kind == CMRP_CONTROL_TYPE_NODE;
}

static bool control_has_node(enum cmrp_control_kind kind)
{
	return kind == CMRP_CONTROL_NODE || kind == CMRP_CONTROL_TYPE_NODE;
}

bool cmrp_control_encode_in(struct ndr_push *p, const struct cmrp_control_in *r, enum cmrp_control_kind kind)
{
	ndr_push_ctx_handle(p, &r->handle);
	if (control_has_type(kind))
		push_in_string(p, r->type_name.s, r->type_name.units);
	if (control_has_node(kind))
		ndr_push_ctx_handle(p, &r->node);
	ndr_push_u32(p, r->code);
	push_in_blob(p, &r->in);
	return ndr_push_u32(p, r->out_size);
}

bool cmrp_control_decode_in(struct ndr_pull *in, struct cmrp_control_in *r, enum cmrp_control_kind kind)
{
	memset(r, 0, sizeof(*r));
	ndr_pull_ctx_handle(in, &r->handle);
	if (control_has_type(kind))
		pull_in_string(in, &r->type_name);
	if (control_has_node(kind))
		ndr_pull_ctx_handle(in, &r->node);
	ndr_pull_u32(in, &r->code);
	if (!in->error)
		pull_in_blob(in, &r->in);
	ndr_pull_u32(in, &r->out_size);
	if (!cmrp_decode_done(in)) {
		cmrp_control_in_free(r);
		return false;
	}
	return true;
}

void cmrp_control_in_free(struct cmrp_control_in *r)
{
	cmrp_string_free(&r->type_name);
	cmrp_blob_free(&r->in);
}

bool cmrp_control_encode_out(struct ndr_push *p, const struct cmrp_control_out *o)
{
	/* [out, size_is(nOutBufferSize), length_is(*lpBytesReturned)]: a top-level
	 * [ref] pointer, so the conformant varying array itself */
	push_varying_bytes(p, o->out_size, o->data, o->returned);
	ndr_push_u32(p, o->returned);
	ndr_push_u32(p, o->required);
	ndr_push_u32(p, o->rpc_status);
	return ndr_push_u32(p, o->result);
}

bool cmrp_control_decode_out(struct ndr_pull *in, struct cmrp_control_out *o)
{
	uint32_t actual = 0;
	memset(o, 0, sizeof(*o));
	pull_varying_bytes(in, &o->out_size, &o->data, &actual);
	ndr_pull_u32(in, &o->returned);
	ndr_pull_u32(in, &o->required);
	ndr_pull_u32(in, &o->rpc_status);
	ndr_pull_u32(in, &o->result);
	if (!in->error && o->returned != actual)
		in->error = true;
	if (!cmrp_decode_done(in)) {
		cmrp_control_out_free(o);
		return false;
	}
	return true;
}

void cmrp_control_out_free(struct cmrp_control_out *o)
{
	free(o->data);
	o->data = NULL;
	o->returned = 0;
}

/* ---- 143 / 144 [in] -------------------------------------------------------- */

bool cmrp_props_enum_encode_in(struct ndr_push *p, const struct cmrp_props_enum_in *r)
{
	ndr_push_ctx_handle(p, &r->cluster);
	push_in_blob(p, &r->props);
	return push_in_blob(p, &r->ro_props);
}

bool cmrp_props_enum_decode_in(struct ndr_pull *in, struct cmrp_props_enum_in *r)
{
	memset(r, 0, sizeof(*r));
	if (ndr_pull_ctx_handle(in, &r->cluster) && pull_in_blob(in, &r->props))
		pull_in_blob(in, &r->ro_props);
	if (!cmrp_decode_done(in)) {
		cmrp_props_enum_in_free(r);
		return false;
	}
	return true;
}

void cmrp_props_enum_in_free(struct cmrp_props_enum_in *r)
{
	cmrp_blob_free(&r->props);
	cmrp_blob_free(&r->ro_props);
}

/* ---- 108 SetServiceAccountPassword ---------------------------------------- */

bool cmrp_set_password_encode_in(struct ndr_push *p, const struct cmrp_set_password_in *r)
{
	push_in_string(p, r->password.s, r->password.units);
	ndr_push_u32(p, r->flags);
	return ndr_push_u32(p, r->buffer_size);
}

bool cmrp_set_password_decode_in(struct ndr_pull *in, struct cmrp_set_password_in *r)
{
	memset(r, 0, sizeof(*r));
	pull_in_string(in, &r->password);
	ndr_pull_u32(in, &r->flags);
	ndr_pull_u32(in, &r->buffer_size);
	/* [range(0, 64 * 1024)] */
	if (!in->error && r->buffer_size > CMRP_MAX_PASSWORD_STATUS)
		in->error = true;
	if (!cmrp_decode_done(in)) {
		cmrp_set_password_in_free(r);
		return false;
	}
	return true;
}

void cmrp_set_password_in_free(struct cmrp_set_password_in *r)
{
	/* a password: wipe it before it goes back to the allocator */
	if (r->password.s)
		memset(r->password.s, 0, (r->password.units + 1) * sizeof(uint16_t));
	cmrp_string_free(&r->password);
}

/* IDL_CLUSTER_SET_PASSWORD_STATUS: NodeId, boolean8 SetAttempted, (pad),
 * ReturnStatus: 12 bytes on the wire. */
#define CMRP_PASSWORD_STATUS_WIRE 12u

bool cmrp_set_password_encode_out(struct ndr_push *p, const struct cmrp_set_password_out *o)
{
	if (o->count > o->buffer_size || o->buffer_size > CMRP_MAX_PASSWORD_STATUS || (o->count && !o->entries)) {
		p->error = true;
		return false;
	}
	ndr_push_u32(p, o->buffer_size);
	ndr_push_u32(p, 0);
	ndr_push_u32(p, o->count);
	for (uint32_t i = 0; i < o->count; i++) {
		ndr_push_u32(p, o->entries[i].node_id);
		ndr_push_u8(p, o->entries[i].set_attempted ? 1 : 0);
		ndr_push_u32(p, o->entries[i].status);
	}
	ndr_push_u32(p, o->count);
	ndr_push_u32(p, o->expected);
	return ndr_push_u32(p, o->result);
}

bool cmrp_set_password_decode_out(struct ndr_pull *in, struct cmrp_set_password_out *o)
{
	uint32_t offset = 0, actual = 0, size_returned = 0;
	memset(o, 0, sizeof(*o));
	if (ndr_pull_u32(in, &o->buffer_size) && ndr_pull_u32(in, &offset) && ndr_pull_u32(in, &actual)) {
		if (offset != 0 || actual > o->buffer_size || o->buffer_size > CMRP_MAX_PASSWORD_STATUS ||
		    (uint64_t)actual * CMRP_PASSWORD_STATUS_WIRE > ndr_pull_remaining(in))
			in->error = true;
	}
	if (!in->error && actual) {
		o->entries = calloc(actual, sizeof(*o->entries));
		if (!o->entries)
			in->error = true;
		else
			o->count = actual;
	}
	for (uint32_t i = 0; i < o->count && !in->error; i++) {
		uint8_t b = 0;
		ndr_pull_u32(in, &o->entries[i].node_id);
		ndr_pull_u8(in, &b);
		ndr_pull_u32(in, &o->entries[i].status);
		o->entries[i].set_attempted = b != 0;
	}
	ndr_pull_u32(in, &size_returned);
	ndr_pull_u32(in, &o->expected);
	ndr_pull_u32(in, &o->result);
	if (!in->error && size_returned != actual)
		in->error = true;
	if (!cmrp_decode_done(in)) {
		cmrp_set_password_out_free(o);
		return false;
	}
	return true;
}

void cmrp_set_password_out_free(struct cmrp_set_password_out *o)
{
	free(o->entries);
	o->entries = NULL;
	o->count = 0;
}

/* ==== [out] shapes ======================================================= */

bool cmrp_open_object_encode_out(struct ndr_push *p, const struct cmrp_open_object_out *o, bool lead)
{
	if (lead)
		ndr_push_u32(p, o->granted);
	ndr_push_u32(p, o->status);
	ndr_push_u32(p, o->rpc_status);
	return ndr_push_ctx_handle(p, &o->handle);
}

bool cmrp_open_object_decode_out(struct ndr_pull *in, struct cmrp_open_object_out *o, bool lead)
{
	memset(o, 0, sizeof(*o));
	if (lead)
		ndr_pull_u32(in, &o->granted);
	ndr_pull_u32(in, &o->status);
	ndr_pull_u32(in, &o->rpc_status);
	ndr_pull_ctx_handle(in, &o->handle);
	return cmrp_decode_done(in);
}

bool cmrp_state_encode_out(struct ndr_push *p, const struct cmrp_state_out *o, unsigned strings)
{
	if (strings > 2) {
		p->error = true;
		return false;
	}
	ndr_push_u32(p, o->state);
	if (strings >= 1)
		push_out_string(p, &o->node);
	if (strings >= 2)
		push_out_string(p, &o->group);
	ndr_push_u32(p, o->rpc_status);
	return ndr_push_u32(p, o->result);
}

bool cmrp_state_decode_out(struct ndr_pull *in, struct cmrp_state_out *o, unsigned strings)
{
	memset(o, 0, sizeof(*o));
	if (strings > 2)
		return fail(in);
	ndr_pull_u32(in, &o->state);
	if (strings >= 1 && !in->error)
		pull_out_string(in, &o->node);
	if (strings >= 2 && !in->error)
		pull_out_string(in, &o->group);
	ndr_pull_u32(in, &o->rpc_status);
	ndr_pull_u32(in, &o->result);
	if (!cmrp_decode_done(in)) {
		cmrp_state_out_free(o);
		return false;
	}
	return true;
}

void cmrp_state_out_free(struct cmrp_state_out *o)
{
	cmrp_string_free(&o->node);
	cmrp_string_free(&o->group);
}

bool cmrp_string_result_encode_out(struct ndr_push *p, const struct cmrp_string_result_out *o)
{
	push_out_string(p, &o->str);
	ndr_push_u32(p, o->rpc_status);
	return ndr_push_u32(p, o->result);
}

bool cmrp_string_result_decode_out(struct ndr_pull *in, struct cmrp_string_result_out *o)
{
	memset(o, 0, sizeof(*o));
	pull_out_string(in, &o->str);
	ndr_pull_u32(in, &o->rpc_status);
	ndr_pull_u32(in, &o->result);
	if (!cmrp_decode_done(in)) {
		cmrp_string_result_out_free(o);
		return false;
	}
	return true;
}

void cmrp_string_result_out_free(struct cmrp_string_result_out *o)
{
	cmrp_string_free(&o->str);
}

/* ---- ENUM_LIST ------------------------------------------------------------ */

void cmrp_enum_list_free(struct cmrp_enum_list *l)
{
	for (uint32_t i = 0; i < l->count; i++)
		cmrp_string_free(&l->entries[i].name);
	free(l->entries);
	memset(l, 0, sizeof(*l));
}

/* [out] ENUM_LIST **: a unique pointer, then the conformant struct: the
 * array's max_count first, EntryCount, the entries' scalars, then the
 * entries' strings in order. */
static bool push_enum_list(struct ndr_push *p, const struct cmrp_enum_list *l)
{
	if (!l->present)
		return ndr_push_ptr(p, false);
	if (l->count > CMRP_MAX_ENUM_ENTRIES || (l->count && !l->entries)) {
		p->error = true;
		return false;
	}
	ndr_push_ptr(p, true);
	ndr_push_u32(p, l->count);
	ndr_push_u32(p, l->count);
	for (uint32_t i = 0; i < l->count; i++) {
		ndr_push_u32(p, l->entries[i].type);
		push_string_ptr(p, &l->entries[i].name);
	}
	for (uint32_t i = 0; i < l->count; i++)
		push_string_deferred(p, &l->entries[i].name);
	return !p->error;
}

/* Each entry takes at least `min_entry` bytes: count is checked against that
 * and the cap before the array is allocated. */
static void *pull_array(struct ndr_pull *in, uint32_t *count, size_t elem, size_t min_entry)
{
	uint32_t max, n;
	*count = 0;
	if (!ndr_pull_u32(in, &max) || !ndr_pull_u32(in, &n))
		return NULL;
	if (max != n || n > CMRP_MAX_ENUM_ENTRIES || (uint64_t)n * min_entry > ndr_pull_remaining(in)) {
		in->error = true;
		return NULL;
	}
	if (n == 0)
		return NULL;
	void *a = calloc(n, elem);
	if (!a) {
		in->error = true;
		return NULL;
	}
	*count = n;
	return a;
}

static bool pull_enum_list(struct ndr_pull *in, struct cmrp_enum_list *l)
{
	uint32_t ref;
	memset(l, 0, sizeof(*l));
	if (!ndr_pull_ptr(in, &ref))
		return false;
	if (!ref)
		return true;
	l->present = true;
	l->entries = pull_array(in, &l->count, sizeof(*l->entries), 8);
	for (uint32_t i = 0; i < l->count && !in->error; i++) {
		ndr_pull_u32(in, &l->entries[i].type);
		pull_string_ptr(in, &l->entries[i].name);
	}
	for (uint32_t i = 0; i < l->count && !in->error; i++)
		pull_string_deferred(in, &l->entries[i].name);
	if (in->error) {
		/* undecoded entries may still hold a referent flag in units */
		cmrp_enum_list_free(l);
		return false;
	}
	return true;
}

bool cmrp_enum_encode_out(struct ndr_push *p, const struct cmrp_enum_out *o, bool ex)
{
	push_enum_list(p, &o->list);
	if (ex)
		push_enum_list(p, &o->names);
	ndr_push_u32(p, o->rpc_status);
	return ndr_push_u32(p, o->result);
}

bool cmrp_enum_decode_out(struct ndr_pull *in, struct cmrp_enum_out *o, bool ex)
{
	memset(o, 0, sizeof(*o));
	pull_enum_list(in, &o->list);
	if (ex && !in->error)
		pull_enum_list(in, &o->names);
	ndr_pull_u32(in, &o->rpc_status);
	ndr_pull_u32(in, &o->result);
	if (!cmrp_decode_done(in)) {
		cmrp_enum_out_free(o);
		return false;
	}
	return true;
}

void cmrp_enum_out_free(struct cmrp_enum_out *o)
{
	cmrp_enum_list_free(&o->list);
	cmrp_enum_list_free(&o->names);
}

/* ---- 5 GetQuorumResource -------------------------------------------------- */

bool cmrp_quorum_encode_out(struct ndr_push *p, const struct cmrp_quorum_out *o)
{
	push_out_string(p, &o->resource);
	push_out_string(p, &o->device);
	ndr_push_u32(p, o->max_log_size);
	ndr_push_u32(p, o->rpc_status);
	return ndr_push_u32(p, o->result);
}

bool cmrp_quorum_decode_out(struct ndr_pull *in, struct cmrp_quorum_out *o)
{
	memset(o, 0, sizeof(*o));
	if (pull_out_string(in, &o->resource))
		pull_out_string(in, &o->device);
	ndr_pull_u32(in, &o->max_log_size);
	ndr_pull_u32(in, &o->rpc_status);
	ndr_pull_u32(in, &o->result);
	if (!cmrp_decode_done(in)) {
		cmrp_quorum_out_free(o);
		return false;
	}
	return true;
}

void cmrp_quorum_out_free(struct cmrp_quorum_out *o)
{
	cmrp_string_free(&o->resource);
	cmrp_string_free(&o->device);
}

/* ---- 31 EnumKey ------------------------------------------------------------ */

bool cmrp_enum_key_encode_out(struct ndr_push *p, const struct cmrp_enum_key_out *o)
{
	push_out_string(p, &o->name);
	cmrp_push_filetime(p, o->last_write);
	ndr_push_u32(p, o->rpc_status);
	return ndr_push_u32(p, o->result);
}

bool cmrp_enum_key_decode_out(struct ndr_pull *in, struct cmrp_enum_key_out *o)
{
	memset(o, 0, sizeof(*o));
	pull_out_string(in, &o->name);
	cmrp_pull_filetime(in, &o->last_write);
	ndr_pull_u32(in, &o->rpc_status);
	ndr_pull_u32(in, &o->result);
	if (!cmrp_decode_done(in)) {
		cmrp_enum_key_out_free(o);
		return false;
	}
	return true;
}

void cmrp_enum_key_out_free(struct cmrp_enum_key_out *o)
{
	cmrp_string_free(&o->name);
}

/* ---- 34 QueryValue --------------------------------------------------------- */

bool cmrp_query_value_encode_out(struct ndr_push *p, const struct cmrp_query_value_out *o)
{
	ndr_push_u32(p, o->type);
	push_conformant_bytes(p, o->data, o->len);
	ndr_push_u32(p, o->required);
	ndr_push_u32(p, o->rpc_status);
	return ndr_push_u32(p, o->result);
}

bool cmrp_query_value_decode_out(struct ndr_pull *in, struct cmrp_query_value_out *o)
{
	memset(o, 0, sizeof(*o));
	ndr_pull_u32(in, &o->type);
	if (ndr_pull_u32(in, &o->len))
		pull_bytes_alloc(in, &o->data, o->len);
	ndr_pull_u32(in, &o->required);
	ndr_pull_u32(in, &o->rpc_status);
	ndr_pull_u32(in, &o->result);
	if (!cmrp_decode_done(in)) {
		cmrp_query_value_out_free(o);
		return false;
	}
	return true;
}

void cmrp_query_value_out_free(struct cmrp_query_value_out *o)
{
	free(o->data);
	o->data = NULL;
	o->len = 0;
}

/* ---- 36 EnumValue ---------------------------------------------------------- */

bool cmrp_enum_value_encode_out(struct ndr_push *p, const struct cmrp_enum_value_out *o)
{
	push_out_string(p, &o->name);
	ndr_push_u32(p, o->type);
	push_conformant_bytes(p, o->data, o->len);
	ndr_push_u32(p, o->len);
	ndr_push_u32(p, o->total_size);
	ndr_push_u32(p, o->rpc_status);
	return ndr_push_u32(p, o->result);
}

bool cmrp_enum_value_decode_out(struct ndr_pull *in, struct cmrp_enum_value_out *o)
{
	uint32_t max = 0;
	memset(o, 0, sizeof(*o));
	pull_out_string(in, &o->name);
	ndr_pull_u32(in, &o->type);
	if (ndr_pull_u32(in, &max))
		pull_bytes_alloc(in, &o->data, max);
	ndr_pull_u32(in, &o->len);
	ndr_pull_u32(in, &o->total_size);
	ndr_pull_u32(in, &o->rpc_status);
	ndr_pull_u32(in, &o->result);
	if (!in->error && o->len != max)
		in->error = true;
	if (!cmrp_decode_done(in)) {
		cmrp_enum_value_out_free(o);
		return false;
	}
	return true;
}

void cmrp_enum_value_out_free(struct cmrp_enum_value_out *o)
{
	cmrp_string_free(&o->name);
	free(o->data);
	o->data = NULL;
	o->len = 0;
}

/* ---- 38 QueryInfoKey ------------------------------------------------------- */

bool cmrp_query_info_key_encode_out(struct ndr_push *p, const struct cmrp_query_info_key_out *o)
{
	ndr_push_u32(p, o->subkeys);
	ndr_push_u32(p, o->max_subkey_len);
	ndr_push_u32(p, o->values);
	ndr_push_u32(p, o->max_value_name_len);
	ndr_push_u32(p, o->max_value_len);
	ndr_push_u32(p, o->security_descriptor);
	cmrp_push_filetime(p, o->last_write);
	ndr_push_u32(p, o->rpc_status);
	return ndr_push_u32(p, o->result);
}

bool cmrp_query_info_key_decode_out(struct ndr_pull *in, struct cmrp_query_info_key_out *o)
{
	memset(o, 0, sizeof(*o));
	ndr_pull_u32(in, &o->subkeys);
	ndr_pull_u32(in, &o->max_subkey_len);
	ndr_pull_u32(in, &o->values);
	ndr_pull_u32(in, &o->max_value_name_len);
	ndr_pull_u32(in, &o->max_value_len);
	ndr_pull_u32(in, &o->security_descriptor);
	cmrp_pull_filetime(in, &o->last_write);
	ndr_pull_u32(in, &o->rpc_status);
	ndr_pull_u32(in, &o->result);
	return cmrp_decode_done(in);
}

/* ---- 143 / 144 GROUP_ENUM_LIST / RESOURCE_ENUM_LIST ----------------------- */

static void object_entry_free(struct cmrp_object_enum_entry *e)
{
	cmrp_string_free(&e->name);
	cmrp_string_free(&e->id);
	cmrp_string_free(&e->owner);
	cmrp_string_free(&e->owner_id);
	cmrp_blob_free(&e->props);
	cmrp_blob_free(&e->ro_props);
}

void cmrp_object_enum_out_free(struct cmrp_object_enum_out *o)
{
	for (uint32_t i = 0; i < o->count; i++)
		object_entry_free(&o->entries[i]);
	free(o->entries);
	o->entries = NULL;
	o->count = 0;
	o->present = false;
}

/* An embedded [size_is(len)] byte pointer: referent id with the scalars,
 * then (deferred) max_count and the bytes. */
static bool push_blob_deferred(struct ndr_push *p, const struct cmrp_blob *b)
{
	if (!b->present)
		return !p->error;
	return push_conformant_bytes(p, b->data, b->len);
}

static bool pull_blob_deferred(struct ndr_pull *in, struct cmrp_blob *b)
{
	if (in->error)
		return false;
	if (!b->present)
		return true;
	return pull_conformant_bytes(in, &b->data, b->len);
}

static bool pull_blob_ptr(struct ndr_pull *in, struct cmrp_blob *b)
{
	uint32_t ref;
	if (!ndr_pull_ptr(in, &ref))
		return false;
	b->present = ref != 0;
	return true;
}

bool cmrp_object_enum_encode_out(struct ndr_push *p, const struct cmrp_object_enum_out *o, bool group)
{
	if (!o->present) {
		ndr_push_ptr(p, false);
	} else if (o->count > CMRP_MAX_ENUM_ENTRIES || (o->count && !o->entries)) {
		p->error = true;
		return false;
	} else {
		ndr_push_ptr(p, true);
		ndr_push_u32(p, o->count);
		ndr_push_u32(p, o->count);
		for (uint32_t i = 0; i < o->count; i++) {
			const struct cmrp_object_enum_entry *e = &o->entries[i];
			push_string_ptr(p, &e->name);
			push_string_ptr(p, &e->id);
			if (group) {
				ndr_push_u32(p, e->state);
				push_string_ptr(p, &e->owner);
				ndr_push_u32(p, e->flags);
			} else {
				push_string_ptr(p, &e->owner);
				push_string_ptr(p, &e->owner_id);
			}
			ndr_push_u32(p, e->props.len);
			ndr_push_ptr(p, e->props.present);
			ndr_push_u32(p, e->ro_props.len);
			ndr_push_ptr(p, e->ro_props.present);
		}
		for (uint32_t i = 0; i < o->count; i++) {
			const struct cmrp_object_enum_entry *e = &o->entries[i];
			push_string_deferred(p, &e->name);
			push_string_deferred(p, &e->id);
			push_string_deferred(p, &e->owner);
			if (!group)
				push_string_deferred(p, &e->owner_id);
			push_blob_deferred(p, &e->props);
			push_blob_deferred(p, &e->ro_props);
		}
	}
	ndr_push_u32(p, o->rpc_status);
	return ndr_push_u32(p, o->result);
}

bool cmrp_object_enum_decode_out(struct ndr_pull *in, struct cmrp_object_enum_out *o, bool group)
{
	uint32_t ref = 0;
	memset(o, 0, sizeof(*o));
	if (ndr_pull_ptr(in, &ref) && ref) {
		o->present = true;
		/* a group entry is 9 u32s, a resource entry 8 */
		o->entries = pull_array(in, &o->count, sizeof(*o->entries), group ? 36 : 32);
		for (uint32_t i = 0; i < o->count && !in->error; i++) {
			struct cmrp_object_enum_entry *e = &o->entries[i];
			pull_string_ptr(in, &e->name);
			pull_string_ptr(in, &e->id);
			if (group) {
				ndr_pull_u32(in, &e->state);
				pull_string_ptr(in, &e->owner);
				ndr_pull_u32(in, &e->flags);
			} else {
				pull_string_ptr(in, &e->owner);
				pull_string_ptr(in, &e->owner_id);
			}
			ndr_pull_u32(in, &e->props.len);
			pull_blob_ptr(in, &e->props);
			ndr_pull_u32(in, &e->ro_props.len);
			pull_blob_ptr(in, &e->ro_props);
		}
		for (uint32_t i = 0; i < o->count && !in->error; i++) {
			struct cmrp_object_enum_entry *e = &o->entries[i];
			pull_string_deferred(in, &e->name);
			pull_string_deferred(in, &e->id);
			pull_string_deferred(in, &e->owner);
			if (!group)
				pull_string_deferred(in, &e->owner_id);
			pull_blob_deferred(in, &e->props);
			pull_blob_deferred(in, &e->ro_props);
		}
	}
	ndr_pull_u32(in, &o->rpc_status);
	ndr_pull_u32(in, &o->result);
	if (!cmrp_decode_done(in)) {
		/* Entries not reached still hold referent flags in their string
		 * units (no memory): the free below only frees real buffers. */
		cmrp_object_enum_out_free(o);
		return false;
	}
	return true;
}
