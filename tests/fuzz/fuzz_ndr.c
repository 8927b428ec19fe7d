/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzz every decoder with the same input: the PDU header and (when the header
 * says the PDU fits) every PDU body decoder, the endpoint-mapper tower, NDR
 * strings in both byte orders and every MS-CMRP stub decoder in both byte
 * orders (cmrp.h and cmrp_objects.h).  When the input is a request or
 * response PDU, its stub goes through the MS-CMRP decoders too, in the byte
 * order its header names.
 *
 * The input also goes to the three NTLMSSP message decoders (ntlmssp.h).
 *
 * Whatever decodes is encoded again and decoded once more: the two decodings
 * must agree (the encoders and decoders are each other's inverse).  A
 * disagreement aborts, like a memory error does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cmrp/cmrp.h"
#include "cmrp/cmrp_notify.h"
#include "cmrp/cmrp_objects.h"
#include "rpc/epm.h"
#include "rpc/ndr.h"
#include "rpc/ntlmssp.h"
#include "rpc/pdu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                        \
	do {                                                                                               \
		if (!(cond))                                                                               \
			abort();                                                                           \
	} while (0)

static bool uuid_eq(const struct rpc_uuid *a, const struct rpc_uuid *b)
{
	return rpc_uuid_equal(a, b);
}

static bool handle_eq(const struct rpc_ctx_handle *a, const struct rpc_ctx_handle *b)
{
	return a->attributes == b->attributes && uuid_eq(&a->uuid, &b->uuid);
}

static bool string_eq(const struct cmrp_string *a, const struct cmrp_string *b)
{
	if (!a->s || !b->s)
		return !a->s && !b->s;
	return a->units == b->units && memcmp(a->s, b->s, (a->units + 1) * sizeof(uint16_t)) == 0;
}

/* A decoded string is NUL-terminated, has no NUL inside and fits the cap. */
static void check_string(const uint16_t *s, size_t units, size_t max_units)
{
	CHECK(s != NULL);
	CHECK(units + 1 <= max_units);
	CHECK(s[units] == 0);
	for (size_t i = 0; i < units; i++)
		CHECK(s[i] != 0);
}

static void check_cmrp_string(const struct cmrp_string *s)
{
	if (s->s)
		check_string(s->s, s->units, CMRP_MAX_NAME_UNITS);
	else
		CHECK(s->units == 0);
}

/* Re-decode what an encoder produced (always little-endian). */
static void reopen(struct ndr_pull *in, struct ndr_push *p)
{
	CHECK(!p->error);
	ndr_pull_init(in, p->data, p->len, false);
}

/* ---- MS-CMRP stubs ------------------------------------------------------ */

static void fuzz_open_cluster_ex_in(const uint8_t *data, size_t size, bool be)
{
	struct ndr_pull in;
	struct ndr_push p;
	uint32_t desired, again;

	ndr_pull_init(&in, data, size, be);
	if (!cmrp_open_cluster_ex_decode_in(&in, &desired))
		return;
	ndr_push_init(&p);
	CHECK(cmrp_open_cluster_ex_encode_in(&p, desired));
	reopen(&in, &p);
	CHECK(cmrp_open_cluster_ex_decode_in(&in, &again) && again == desired);
	ndr_push_free(&p);
}

static void fuzz_open_cluster_out(const uint8_t *data, size_t size, bool be, bool ex)
{
	struct ndr_pull in;
	struct ndr_push p;
	struct cmrp_open_cluster_out o, again;

	ndr_pull_init(&in, data, size, be);
	if (!cmrp_open_cluster_decode_out(&in, &o, ex))
		return;
	ndr_push_init(&p);
	CHECK(cmrp_open_cluster_encode_out(&p, &o, ex));
	reopen(&in, &p);
	CHECK(cmrp_open_cluster_decode_out(&in, &again, ex));
	CHECK(again.granted == o.granted && again.status == o.status && handle_eq(&again.handle, &o.handle));
	ndr_push_free(&p);
}

static void fuzz_handle(const uint8_t *data, size_t size, bool be)
{
	struct ndr_pull in;
	struct ndr_push p;
	struct rpc_ctx_handle h, again;

	ndr_pull_init(&in, data, size, be);
	if (!cmrp_handle_decode(&in, &h))
		return;
	ndr_push_init(&p);
	CHECK(cmrp_handle_encode(&p, &h));
	reopen(&in, &p);
	CHECK(cmrp_handle_decode(&in, &again) && handle_eq(&h, &again));
	ndr_push_free(&p);
}

static void fuzz_close_out(const uint8_t *data, size_t size, bool be)
{
	struct ndr_pull in;
	struct ndr_push p;
	struct rpc_ctx_handle h, h2;
	uint32_t result, result2;

	ndr_pull_init(&in, data, size, be);
	if (!cmrp_close_decode_out(&in, &h, &result))
		return;
	ndr_push_init(&p);
	CHECK(cmrp_close_encode_out(&p, &h, result));
	reopen(&in, &p);
	CHECK(cmrp_close_decode_out(&in, &h2, &result2) && handle_eq(&h, &h2) && result == result2);
	ndr_push_free(&p);
}

static void fuzz_set_cluster_name_in(const uint8_t *data, size_t size, bool be)
{
	struct ndr_pull in;
	struct ndr_push p;
	struct cmrp_string name, again;

	ndr_pull_init(&in, data, size, be);
	if (!cmrp_set_cluster_name_decode_in(&in, &name)) {
		CHECK(name.s == NULL);
		return;
	}
	CHECK(name.s != NULL);
	check_cmrp_string(&name);
	ndr_push_init(&p);
	CHECK(cmrp_set_cluster_name_encode_in(&p, name.s, name.units));
	reopen(&in, &p);
	CHECK(cmrp_set_cluster_name_decode_in(&in, &again));
	CHECK(string_eq(&name, &again));
	cmrp_string_free(&again);
	cmrp_string_free(&name);
	ndr_push_free(&p);
}

static void fuzz_status_result_out(const uint8_t *data, size_t size, bool be)
{
	struct ndr_pull in;
	struct ndr_push p;
	uint32_t st, res, st2, res2;

	ndr_pull_init(&in, data, size, be);
	if (!cmrp_status_result_decode_out(&in, &st, &res))
		return;
	ndr_push_init(&p);
	CHECK(cmrp_status_result_encode_out(&p, st, res));
	reopen(&in, &p);
	CHECK(cmrp_status_result_decode_out(&in, &st2, &res2) && st == st2 && res == res2);
	ndr_push_free(&p);
}

static void fuzz_get_cluster_name_out(const uint8_t *data, size_t size, bool be)
{
	struct ndr_pull in;
	struct ndr_push p;
	struct cmrp_cluster_name_out o, again;

	ndr_pull_init(&in, data, size, be);
	if (!cmrp_get_cluster_name_decode_out(&in, &o)) {
		CHECK(o.cluster.s == NULL && o.node.s == NULL);
		return;
	}
	check_cmrp_string(&o.cluster);
	check_cmrp_string(&o.node);
	ndr_push_init(&p);
	CHECK(cmrp_get_cluster_name_encode_out(&p, &o));
	reopen(&in, &p);
	CHECK(cmrp_get_cluster_name_decode_out(&in, &again));
	CHECK(string_eq(&o.cluster, &again.cluster) && string_eq(&o.node, &again.node) && o.result == again.result);
	cmrp_cluster_name_out_free(&again);
	cmrp_cluster_name_out_free(&o);
	ndr_push_free(&p);
}

static void fuzz_version_out(const uint8_t *data, size_t size, bool be, bool v2)
{
	struct ndr_pull in;
	struct ndr_push p;
	struct cmrp_version_out o, again;

	ndr_pull_init(&in, data, size, be);
	if (!cmrp_version_decode_out(&in, &o, v2)) {
		CHECK(o.vendor.s == NULL && o.csd.s == NULL);
		return;
	}
	check_cmrp_string(&o.vendor);
	check_cmrp_string(&o.csd);
	ndr_push_init(&p);
	CHECK(cmrp_version_encode_out(&p, &o, v2));
	reopen(&in, &p);
	CHECK(cmrp_version_decode_out(&in, &again, v2));
	CHECK(o.major == again.major && o.minor == again.minor && o.build == again.build);
	CHECK(string_eq(&o.vendor, &again.vendor) && string_eq(&o.csd, &again.csd));
	CHECK(o.has_opver == again.has_opver && o.highest == again.highest && o.lowest == again.lowest &&
	      o.flags == again.flags && o.rpc_status == again.rpc_status && o.result == again.result);
	cmrp_version_out_free(&again);
	cmrp_version_out_free(&o);
	ndr_push_free(&p);
}

/* ---- MS-CMRP object calls (cmrp_objects.h) ------------------------------ */

static bool blob_eq(const struct cmrp_blob *a, const struct cmrp_blob *b)
{
	return a->present == b->present && a->len == b->len &&
	       (!a->present || !a->len || memcmp(a->data, b->data, a->len) == 0);
}

static bool sd_eq(const struct cmrp_security_descriptor *a, const struct cmrp_security_descriptor *b)
{
	return a->present == b->present && a->cb_in == b->cb_in && a->cb_out == b->cb_out &&
	       (!a->present || !a->cb_out || memcmp(a->data, b->data, a->cb_out) == 0);
}

static void fuzz_name_in(const uint8_t *data, size_t size, bool be)
{
	struct ndr_pull in;
	struct ndr_push p;
	struct cmrp_string s, again;
	uint32_t v, v2;

	ndr_pull_init(&in, data, size, be);
	if (cmrp_name_decode_in(&in, &s)) {
		check_cmrp_string(&s);
		ndr_push_init(&p);
		CHECK(cmrp_name_encode_in(&p, s.s, s.units));
		reopen(&in, &p);
		CHECK(cmrp_name_decode_in(&in, &again) && string_eq(&s, &again));
		cmrp_string_free(&again);
		cmrp_string_free(&s);
		ndr_push_free(&p);
	} else {
		CHECK(s.s == NULL);
	}

	ndr_pull_init(&in, data, size, be);
	if (cmrp_name_u32_decode_in(&in, &s, &v)) {
		check_cmrp_string(&s);
		ndr_push_init(&p);
		CHECK(cmrp_name_u32_encode_in(&p, s.s, s.units, v));
		reopen(&in, &p);
		CHECK(cmrp_name_u32_decode_in(&in, &again, &v2) && string_eq(&s, &again) && v == v2);
		cmrp_string_free(&again);
		cmrp_string_free(&s);
		ndr_push_free(&p);
	} else {
		CHECK(s.s == NULL);
	}

	ndr_pull_init(&in, data, size, be);
	if (cmrp_u32_decode_in(&in, &v)) {
		ndr_push_init(&p);
		CHECK(cmrp_u32_encode_in(&p, v));
		reopen(&in, &p);
		CHECK(cmrp_u32_decode_in(&in, &v2) && v == v2);
		ndr_push_free(&p);
	}
}

static void fuzz_handle_shapes_in(const uint8_t *data, size_t size, bool be)
{
	struct ndr_pull in;
	struct ndr_push p;
	struct rpc_ctx_handle h, h2, a, b;
	struct cmrp_string s, again;
	uint32_t v[2], w[2];
	bool f, f2;

	for (size_t n = 1; n <= 2; n++) {
		ndr_pull_init(&in, data, size, be);
		if (!cmrp_handle_u32s_decode_in(&in, &h, v, n))
			continue;
		ndr_push_init(&p);
		CHECK(cmrp_handle_u32s_encode_in(&p, &h, v, n));
		reopen(&in, &p);
		CHECK(cmrp_handle_u32s_decode_in(&in, &h2, w, n) && handle_eq(&h, &h2) &&
		      memcmp(v, w, n * sizeof(v[0])) == 0);
		ndr_push_free(&p);
	}
	for (size_t n = 0; n <= 1; n++) {
		ndr_pull_init(&in, data, size, be);
		if (!cmrp_handle_name_decode_in(&in, &h, &s, v, n)) {
			CHECK(s.s == NULL);
			continue;
		}
		check_cmrp_string(&s);
		ndr_push_init(&p);
		CHECK(cmrp_handle_name_encode_in(&p, &h, s.s, s.units, v, n));
		reopen(&in, &p);
		CHECK(cmrp_handle_name_decode_in(&in, &h2, &again, w, n) && handle_eq(&h, &h2) && string_eq(&s, &again) &&
		      (n == 0 || v[0] == w[0]));
		cmrp_string_free(&again);
		cmrp_string_free(&s);
		ndr_push_free(&p);
	}
	ndr_pull_init(&in, data, size, be);
	if (cmrp_two_handles_decode_in(&in, &a, &b)) {
		ndr_push_init(&p);
		CHECK(cmrp_two_handles_encode_in(&p, &a, &b));
		reopen(&in, &p);
		CHECK(cmrp_two_handles_decode_in(&in, &h, &h2) && handle_eq(&a, &h) && handle_eq(&b, &h2));
		ndr_push_free(&p);
	}
	ndr_pull_init(&in, data, size, be);
	if (cmrp_handle_bool_decode_in(&in, &h, &f)) {
		ndr_push_init(&p);
		CHECK(cmrp_handle_bool_encode_in(&p, &h, f));
		reopen(&in, &p);
		CHECK(cmrp_handle_bool_decode_in(&in, &h2, &f2) && handle_eq(&h, &h2) && f == f2);
		ndr_push_free(&p);
	}
	/* notification ports: AddNotify*, ReAddNotify* and AddNotifyKey */
	for (int readd = CMRP_ADD_NOTIFY_PLAIN; readd <= CMRP_ADD_NOTIFY_ON_KEY; readd++) {
		struct cmrp_add_notify_in x, y;
		ndr_pull_init(&in, data, size, be);
		if (!cmrp_add_notify_decode_in(&in, &x, readd))
			continue;
		ndr_push_init(&p);
		CHECK(cmrp_add_notify_encode_in(&p, &x, readd));
		reopen(&in, &p);
		CHECK(cmrp_add_notify_decode_in(&in, &y, readd) && handle_eq(&x.notify, &y.notify) &&
		      handle_eq(&x.object, &y.object) && x.filter == y.filter && x.key == y.key &&
		      x.sequence == y.sequence && x.subtree == y.subtree);
		ndr_push_free(&p);
	}
	/* and the GetNotify reply a client decodes */
	ndr_pull_init(&in, data, size, be);
	struct cmrp_get_notify_out gn, gn2;
	if (cmrp_get_notify_decode_out(&in, &gn)) {
		if (gn.name.s)
			check_cmrp_string(&gn.name);
		ndr_push_init(&p);
		CHECK(cmrp_get_notify_encode_out(&p, &gn));
		reopen(&in, &p);
		CHECK(cmrp_get_notify_decode_out(&in, &gn2) && gn.key == gn2.key && gn.filter == gn2.filter &&
		      gn.sequence == gn2.sequence && gn.result == gn2.result && gn.rpc_status == gn2.rpc_status &&
		      (gn.name.s ? gn2.name.s && string_eq(&gn.name, &gn2.name) : !gn2.name.s));
		cmrp_get_notify_out_free(&gn2);
		cmrp_get_notify_out_free(&gn);
		ndr_push_free(&p);
	}
}

static void fuzz_create_in(const uint8_t *data, size_t size, bool be)
{
	struct ndr_pull in;
	struct ndr_push p;

	struct cmrp_create_resource_in cr, cr2;
	ndr_pull_init(&in, data, size, be);
	if (cmrp_create_resource_decode_in(&in, &cr)) {
		check_cmrp_string(&cr.name);
		check_cmrp_string(&cr.type);
		ndr_push_init(&p);
		CHECK(cmrp_create_resource_encode_in(&p, &cr));
		reopen(&in, &p);
		CHECK(cmrp_create_resource_decode_in(&in, &cr2));
		CHECK(handle_eq(&cr.group, &cr2.group) && string_eq(&cr.name, &cr2.name) &&
		      string_eq(&cr.type, &cr2.type) && cr.flags == cr2.flags);
		cmrp_create_resource_in_free(&cr2);
		cmrp_create_resource_in_free(&cr);
		ndr_push_free(&p);
	} else {
		CHECK(cr.name.s == NULL && cr.type.s == NULL);
	}

	struct cmrp_create_key_in ck, ck2;
	ndr_pull_init(&in, data, size, be);
	if (cmrp_create_key_decode_in(&in, &ck)) {
		check_cmrp_string(&ck.subkey);
		ndr_push_init(&p);
		CHECK(cmrp_create_key_encode_in(&p, &ck));
		reopen(&in, &p);
		CHECK(cmrp_create_key_decode_in(&in, &ck2));
		CHECK(handle_eq(&ck.key, &ck2.key) && string_eq(&ck.subkey, &ck2.subkey) && ck.options == ck2.options &&
		      ck.sam_desired == ck2.sam_desired && ck.has_attributes == ck2.has_attributes &&
		      ck.attr_length == ck2.attr_length && ck.inherit == ck2.inherit && sd_eq(&ck.sd, &ck2.sd));
		cmrp_create_key_in_free(&ck2);
		cmrp_create_key_in_free(&ck);
		ndr_push_free(&p);
	} else {
		CHECK(ck.subkey.s == NULL && ck.sd.data == NULL);
	}

	struct cmrp_set_value_in sv, sv2;
	ndr_pull_init(&in, data, size, be);
	if (cmrp_set_value_decode_in(&in, &sv)) {
		check_cmrp_string(&sv.name);
		CHECK(sv.len <= CMRP_MAX_BUFFER_BYTES && (sv.len == 0) == (sv.data == NULL));
		ndr_push_init(&p);
		CHECK(cmrp_set_value_encode_in(&p, &sv));
		reopen(&in, &p);
		CHECK(cmrp_set_value_decode_in(&in, &sv2));
		CHECK(handle_eq(&sv.key, &sv2.key) && string_eq(&sv.name, &sv2.name) && sv.type == sv2.type &&
		      sv.len == sv2.len && (!sv.len || memcmp(sv.data, sv2.data, sv.len) == 0));
		cmrp_set_value_in_free(&sv2);
		cmrp_set_value_in_free(&sv);
		ndr_push_free(&p);
	} else {
		CHECK(sv.name.s == NULL && sv.data == NULL);
	}

	struct rpc_ctx_handle h, h2;
	uint32_t si, si2;
	struct cmrp_security_descriptor sd, sd2;
	ndr_pull_init(&in, data, size, be);
	if (cmrp_key_security_decode_in(&in, &h, &si, &sd)) {
		ndr_push_init(&p);
		CHECK(cmrp_key_security_encode_in(&p, &h, si, &sd));
		reopen(&in, &p);
		CHECK(cmrp_key_security_decode_in(&in, &h2, &si2, &sd2));
		CHECK(handle_eq(&h, &h2) && si == si2 && sd_eq(&sd, &sd2));
		cmrp_security_descriptor_free(&sd2);
		cmrp_security_descriptor_free(&sd);
		ndr_push_free(&p);
	} else {
		CHECK(sd.data == NULL);
	}
}

static void fuzz_control_in(const uint8_t *data, size_t size, bool be)
{
	struct ndr_pull in;
	struct ndr_push p;

	for (int kind = CMRP_CONTROL_PLAIN; kind <= CMRP_CONTROL_TYPE_NODE; kind++) {
		struct cmrp_control_in r, again;
		ndr_pull_init(&in, data, size, be);
		if (!cmrp_control_decode_in(&in, &r, (enum cmrp_control_kind)kind)) {
			CHECK(r.type_name.s == NULL && r.in.data == NULL);
			continue;
		}
		check_cmrp_string(&r.type_name);
		CHECK(!r.in.present || r.in.len <= CMRP_MAX_BUFFER_BYTES);
		ndr_push_init(&p);
		CHECK(cmrp_control_encode_in(&p, &r, (enum cmrp_control_kind)kind));
		reopen(&in, &p);
		CHECK(cmrp_control_decode_in(&in, &again, (enum cmrp_control_kind)kind));
		CHECK(handle_eq(&r.handle, &again.handle) && handle_eq(&r.node, &again.node) &&
		      string_eq(&r.type_name, &again.type_name) && r.code == again.code && blob_eq(&r.in, &again.in) &&
		      r.out_size == again.out_size);
		cmrp_control_in_free(&again);
		cmrp_control_in_free(&r);
		ndr_push_free(&p);
	}

	struct cmrp_props_enum_in pe, pe2;
	ndr_pull_init(&in, data, size, be);
	if (cmrp_props_enum_decode_in(&in, &pe)) {
		ndr_push_init(&p);
		CHECK(cmrp_props_enum_encode_in(&p, &pe));
		reopen(&in, &p);
		CHECK(cmrp_props_enum_decode_in(&in, &pe2));
		CHECK(handle_eq(&pe.cluster, &pe2.cluster) && blob_eq(&pe.props, &pe2.props) &&
		      blob_eq(&pe.ro_props, &pe2.ro_props));
		cmrp_props_enum_in_free(&pe2);
		cmrp_props_enum_in_free(&pe);
		ndr_push_free(&p);
	} else {
		CHECK(pe.props.data == NULL && pe.ro_props.data == NULL);
	}

	struct cmrp_set_password_in pw, pw2;
	ndr_pull_init(&in, data, size, be);
	if (cmrp_set_password_decode_in(&in, &pw)) {
		check_cmrp_string(&pw.password);
		CHECK(pw.buffer_size <= CMRP_MAX_PASSWORD_STATUS);
		ndr_push_init(&p);
		CHECK(cmrp_set_password_encode_in(&p, &pw));
		reopen(&in, &p);
		CHECK(cmrp_set_password_decode_in(&in, &pw2));
		CHECK(string_eq(&pw.password, &pw2.password) && pw.flags == pw2.flags &&
		      pw.buffer_size == pw2.buffer_size);
		cmrp_set_password_in_free(&pw2);
		cmrp_set_password_in_free(&pw);
		ndr_push_free(&p);
	} else {
		CHECK(pw.password.s == NULL);
	}
}

/* The [out] decoders (the client's side): decode, re-encode, decode again;
 * the two encodings must be the same bytes. */
#define FUZZ_OUT(type, dec, enc, fr)                                                                       \
	do {                                                                                               \
		type o_, again_;                                                                           \
		struct ndr_push p1_, p2_;                                                                  \
		ndr_pull_init(&in, data, size, be);                                                        \
		if (!(dec(&in, &o_)))                                                                      \
			break;                                                                             \
		ndr_push_init(&p1_);                                                                       \
		CHECK(enc(&p1_, &o_));                                                                     \
		reopen(&in, &p1_);                                                                         \
		CHECK(dec(&in, &again_));                                                                  \
		ndr_push_init(&p2_);                                                                       \
		CHECK(enc(&p2_, &again_));                                                                 \
		CHECK(p1_.len == p2_.len && memcmp(p1_.data, p2_.data, p1_.len) == 0);                     \
		fr(&again_);                                                                               \
		fr(&o_);                                                                                   \
		ndr_push_free(&p1_);                                                                       \
		ndr_push_free(&p2_);                                                                       \
	} while (0)

static void no_free(void *o)
{
	(void)o;
}

struct cmrp_key_security_out_fuzz {
	struct cmrp_security_descriptor sd;
	uint32_t rpc_status, result;
};

static bool sec_decode(struct ndr_pull *in, struct cmrp_key_security_out_fuzz *o)
{
	return cmrp_key_security_decode_out(in, &o->sd, &o->rpc_status, &o->result);
}

static bool sec_encode(struct ndr_push *p, const struct cmrp_key_security_out_fuzz *o)
{
	return cmrp_key_security_encode_out(p, &o->sd, o->rpc_status, o->result);
}

static void sec_free(struct cmrp_key_security_out_fuzz *o)
{
	cmrp_security_descriptor_free(&o->sd);
}

static void fuzz_objects_out(const uint8_t *data, size_t size, bool be)
{
	struct ndr_pull in;

	for (int v = 0; v < 2; v++) {
#define DEC(i, o) cmrp_open_object_decode_out(i, o, v)
#define ENC(p, o) cmrp_open_object_encode_out(p, o, v)
		FUZZ_OUT(struct cmrp_open_object_out, DEC, ENC, no_free);
#undef DEC
#undef ENC
#define DEC(i, o) cmrp_enum_decode_out(i, o, v)
#define ENC(p, o) cmrp_enum_encode_out(p, o, v)
		FUZZ_OUT(struct cmrp_enum_out, DEC, ENC, cmrp_enum_out_free);
#undef DEC
#undef ENC
#define DEC(i, o) cmrp_object_enum_decode_out(i, o, v)
#define ENC(p, o) cmrp_object_enum_encode_out(p, o, v)
		FUZZ_OUT(struct cmrp_object_enum_out, DEC, ENC, cmrp_object_enum_out_free);
#undef DEC
#undef ENC
	}
	for (unsigned n = 0; n <= 2; n++) {
#define DEC(i, o) cmrp_state_decode_out(i, o, n)
#define ENC(p, o) cmrp_state_encode_out(p, o, n)
		FUZZ_OUT(struct cmrp_state_out, DEC, ENC, cmrp_state_out_free);
#undef DEC
#undef ENC
	}
	FUZZ_OUT(struct cmrp_string_result_out, cmrp_string_result_decode_out, cmrp_string_result_encode_out,
		 cmrp_string_result_out_free);
	FUZZ_OUT(struct cmrp_quorum_out, cmrp_quorum_decode_out, cmrp_quorum_encode_out, cmrp_quorum_out_free);
	FUZZ_OUT(struct cmrp_enum_key_out, cmrp_enum_key_decode_out, cmrp_enum_key_encode_out,
		 cmrp_enum_key_out_free);
	FUZZ_OUT(struct cmrp_query_value_out, cmrp_query_value_decode_out, cmrp_query_value_encode_out,
		 cmrp_query_value_out_free);
	FUZZ_OUT(struct cmrp_enum_value_out, cmrp_enum_value_decode_out, cmrp_enum_value_encode_out,
		 cmrp_enum_value_out_free);
	FUZZ_OUT(struct cmrp_query_info_key_out, cmrp_query_info_key_decode_out, cmrp_query_info_key_encode_out,
		 no_free);
	FUZZ_OUT(struct cmrp_control_out, cmrp_control_decode_out, cmrp_control_encode_out, cmrp_control_out_free);
	FUZZ_OUT(struct cmrp_set_password_out, cmrp_set_password_decode_out, cmrp_set_password_encode_out,
		 cmrp_set_password_out_free);
	FUZZ_OUT(struct cmrp_key_security_out_fuzz, sec_decode, sec_encode, sec_free);
}

static void fuzz_cmrp(const uint8_t *data, size_t size, bool be)
{
	struct ndr_pull in;

	fuzz_open_cluster_ex_in(data, size, be);
	fuzz_open_cluster_out(data, size, be, false);
	fuzz_open_cluster_out(data, size, be, true);
	fuzz_handle(data, size, be);
	fuzz_close_out(data, size, be);
	fuzz_set_cluster_name_in(data, size, be);
	fuzz_status_result_out(data, size, be);
	fuzz_get_cluster_name_out(data, size, be);
	fuzz_version_out(data, size, be, false);
	fuzz_version_out(data, size, be, true);
	fuzz_name_in(data, size, be);
	fuzz_handle_shapes_in(data, size, be);
	fuzz_create_in(data, size, be);
	fuzz_control_in(data, size, be);
	fuzz_objects_out(data, size, be);
	/* The calls without [in] parameters: an empty stub, up to padding. */
	ndr_pull_init(&in, data, size, be);
	CHECK(cmrp_decode_done(&in) == (size < 8));
}

/* ---- NDR strings -------------------------------------------------------- */

static void fuzz_string(const uint8_t *data, size_t size, bool be, size_t max_units)
{
	struct ndr_pull in;
	struct ndr_push p;
	uint16_t *s, *s2;
	size_t units, units2;

	ndr_pull_init(&in, data, size, be);
	if (!ndr_pull_string(&in, &s, &units, max_units)) {
		CHECK(s == NULL && in.error);
		return;
	}
	check_string(s, units, max_units < NDR_MAX_STRING_UNITS ? max_units : NDR_MAX_STRING_UNITS);
	CHECK(in.off == 12 + (units + 1) * 2 && in.off <= size);
	ndr_push_init(&p);
	CHECK(ndr_push_string(&p, s, units));
	reopen(&in, &p);
	CHECK(ndr_pull_string(&in, &s2, &units2, max_units));
	CHECK(units2 == units && memcmp(s, s2, (units + 1) * sizeof(uint16_t)) == 0);
	CHECK(ndr_pull_remaining(&in) == 0);
	free(s2);
	free(s);
	ndr_push_free(&p);
}

/* ---- the endpoint mapper's tower --------------------------------------- */

static void fuzz_tower(const uint8_t *data, size_t size)
{
	struct epm_tower t, again;
	struct ndr_push p;

	if (epm_tower_decode(data, size, &t) < 0)
		return;
	/* The encoder only writes ncacn_ip_tcp towers. */
	if (t.rpc_protocol != EPM_PROT_NCACN || t.transport != EPM_PROT_TCP)
		return;
	ndr_push_init(&p);
	CHECK(epm_tower_encode(&p, &t) && !p.error);
	CHECK(epm_tower_decode(p.data, p.len, &again) == 0);
	CHECK(rpc_syntax_equal(&t.iface, &again.iface) && rpc_syntax_equal(&t.transfer, &again.transfer));
	CHECK(t.rpc_protocol == again.rpc_protocol && t.transport == again.transport && t.port == again.port &&
	      t.ipv4 == again.ipv4);
	ndr_push_free(&p);
}

/* ---- PDUs --------------------------------------------------------------- */

/* An encoded PDU decodes to a header of its own length. */
static void reopen_pdu(struct ndr_push *p, struct rpc_hdr *h)
{
	CHECK(!p->error);
	CHECK(rpc_hdr_decode(p->data, p->len, h) == 0 && h->frag_length == p->len);
}

static void fuzz_bind(const uint8_t *pdu, const struct rpc_hdr *h)
{
	struct rpc_bind b, again;
	struct rpc_hdr h2;
	struct ndr_push p;

	if (rpc_bind_decode(pdu, h, &b) < 0)
		return;
	CHECK(b.n_ctx <= RPC_MAX_CONTEXTS);
	if (b.has_auth)
		CHECK(b.auth.value + b.auth.value_len <= pdu + h->frag_length);
	ndr_push_init(&p);
	if (!rpc_bind_encode(&p, h->ptype, h->call_id, &b)) {
		/* Only when it would not fit a fragment. */
		CHECK(p.len > RPC_MAX_FRAG);
		ndr_push_free(&p);
		return;
	}
	reopen_pdu(&p, &h2);
	CHECK(rpc_bind_decode(p.data, &h2, &again) == 0 && !again.has_auth);
	CHECK(b.max_xmit_frag == again.max_xmit_frag && b.max_recv_frag == again.max_recv_frag &&
	      b.assoc_group_id == again.assoc_group_id && b.n_ctx == again.n_ctx);
	for (uint8_t i = 0; i < b.n_ctx; i++) {
		const struct rpc_pres_ctx *x = &b.ctx[i], *y = &again.ctx[i];
		CHECK(x->ctx_id == y->ctx_id && x->n_transfer == y->n_transfer &&
		      rpc_syntax_equal(&x->abstract, &y->abstract));
		for (uint8_t t = 0; t < x->n_transfer; t++)
			CHECK(rpc_syntax_equal(&x->transfer[t], &y->transfer[t]));
	}
	ndr_push_free(&p);
}

static void fuzz_bind_ack(const uint8_t *pdu, const struct rpc_hdr *h)
{
	struct rpc_bind_ack a, again;
	struct rpc_hdr h2;
	struct ndr_push p;

	if (rpc_bind_ack_decode(pdu, h, &a) < 0)
		return;
	CHECK(a.n_results <= RPC_MAX_CONTEXTS && memchr(a.sec_addr, 0, sizeof(a.sec_addr)));
	ndr_push_init(&p);
	CHECK(rpc_bind_ack_encode(&p, h->ptype, 0, h->call_id, &a));
	reopen_pdu(&p, &h2);
	CHECK(rpc_bind_ack_decode(p.data, &h2, &again) == 0);
	CHECK(a.max_xmit_frag == again.max_xmit_frag && a.max_recv_frag == again.max_recv_frag &&
	      a.assoc_group_id == again.assoc_group_id && strcmp(a.sec_addr, again.sec_addr) == 0 &&
	      a.n_results == again.n_results);
	for (uint8_t i = 0; i < a.n_results; i++)
		CHECK(a.results[i].result == again.results[i].result && a.results[i].reason == again.results[i].reason &&
		      rpc_syntax_equal(&a.results[i].transfer, &again.results[i].transfer));
	ndr_push_free(&p);
}

static void fuzz_request(const uint8_t *pdu, const struct rpc_hdr *h)
{
	struct rpc_request r, again;
	struct rpc_hdr h2;
	struct ndr_push p;

	if (rpc_request_decode(pdu, h, &r) < 0)
		return;
	CHECK(r.stub >= pdu + RPC_REQUEST_HDR_LEN && r.stub + r.stub_len <= pdu + h->frag_length);
	fuzz_cmrp(r.stub, r.stub_len, rpc_hdr_big_endian(h));
	/* The encoder writes no object UUID and no auth trailer. */
	ndr_push_init(&p);
	CHECK(rpc_request_encode(&p, h->pfc_flags & (RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG), h->call_id, r.alloc_hint,
				 r.ctx_id, r.opnum, r.stub, r.stub_len));
	reopen_pdu(&p, &h2);
	CHECK(rpc_request_decode(p.data, &h2, &again) == 0);
	CHECK(again.alloc_hint == r.alloc_hint && again.ctx_id == r.ctx_id && again.opnum == r.opnum &&
	      again.stub_len == r.stub_len && memcmp(again.stub, r.stub, r.stub_len) == 0 && !again.has_auth);
	ndr_push_free(&p);
}

static void fuzz_response(const uint8_t *pdu, const struct rpc_hdr *h)
{
	struct rpc_response r, again;
	struct rpc_hdr h2;
	struct ndr_push p;

	if (rpc_response_decode(pdu, h, &r) < 0)
		return;
	CHECK(r.stub >= pdu + RPC_RESPONSE_HDR_LEN && r.stub + r.stub_len <= pdu + h->frag_length);
	fuzz_cmrp(r.stub, r.stub_len, rpc_hdr_big_endian(h));
	ndr_push_init(&p);
	CHECK(rpc_response_encode(&p, h->pfc_flags, h->call_id, r.alloc_hint, r.ctx_id, r.stub, r.stub_len));
	reopen_pdu(&p, &h2);
	CHECK(rpc_response_decode(p.data, &h2, &again) == 0);
	CHECK(again.alloc_hint == r.alloc_hint && again.ctx_id == r.ctx_id && again.stub_len == r.stub_len &&
	      memcmp(again.stub, r.stub, r.stub_len) == 0);
	ndr_push_free(&p);
}

static void fuzz_fault(const uint8_t *pdu, const struct rpc_hdr *h)
{
	struct rpc_fault f, again;
	struct rpc_hdr h2;
	struct ndr_push p;

	if (rpc_fault_decode(pdu, h, &f) < 0)
		return;
	ndr_push_init(&p);
	CHECK(rpc_fault_encode(&p, 0, h->call_id, f.ctx_id, f.status));
	reopen_pdu(&p, &h2);
	CHECK(rpc_fault_decode(p.data, &h2, &again) == 0 && again.ctx_id == f.ctx_id && again.status == f.status);
	ndr_push_free(&p);
}

static void fuzz_bind_nak(const uint8_t *pdu, const struct rpc_hdr *h)
{
	uint16_t reason, again;
	struct rpc_hdr h2;
	struct ndr_push p;

	if (rpc_bind_nak_decode(pdu, h, &reason) < 0)
		return;
	ndr_push_init(&p);
	CHECK(rpc_bind_nak_encode(&p, h->call_id, reason));
	reopen_pdu(&p, &h2);
	CHECK(rpc_bind_nak_decode(p.data, &h2, &again) == 0 && again == reason);
	ndr_push_free(&p);
}

static void fuzz_pdu(const uint8_t *data, size_t size)
{
	struct rpc_hdr h;

	if (rpc_hdr_decode(data, size, &h) < 0)
		return;
	CHECK(size >= RPC_HDR_LEN && h.frag_length >= RPC_HDR_LEN);
	if (h.frag_length > size)
		return;
	/* Every body decoder, whatever the header's type says: each must cope
	 * with any body. */
	fuzz_bind(data, &h);
	fuzz_bind_ack(data, &h);
	fuzz_request(data, &h);
	fuzz_response(data, &h);
	fuzz_fault(data, &h);
	fuzz_bind_nak(data, &h);
}

/* ---- NTLMSSP messages ---------------------------------------------------- */

static bool ntlm_blob_eq(const struct ntlmssp_blob *a, const struct ntlmssp_blob *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* A decoded field lies inside the message. */
static void check_blob(const struct ntlmssp_blob *b, const uint8_t *data, size_t size)
{
	if (b->len)
		CHECK(b->data >= data && b->len <= size && (size_t)(b->data - data) <= size - b->len);
}

static void fuzz_ntlmssp(const uint8_t *data, size_t size)
{
	struct ntlmssp_negotiate n, n2;
	struct ntlmssp_challenge c, c2;
	struct ntlmssp_authenticate a, a2;
	uint8_t *out;
	size_t len;

	if (ntlmssp_negotiate_decode(data, size, &n) == 0) {
		check_blob(&n.domain, data, size);
		check_blob(&n.workstation, data, size);
		if (ntlmssp_negotiate_encode(&n, &out, &len) < 0) {
			CHECK(n.domain.len + n.workstation.len > NTLMSSP_MAX_MSG_LEN - 40);
			return;
		}
		CHECK(ntlmssp_negotiate_decode(out, len, &n2) == 0);
		CHECK(n2.flags == n.flags && n2.has_version == n.has_version && ntlm_blob_eq(&n.domain, &n2.domain) &&
		      ntlm_blob_eq(&n.workstation, &n2.workstation));
		free(out);
	}
	if (ntlmssp_challenge_decode(data, size, &c) == 0) {
		check_blob(&c.target_name, data, size);
		check_blob(&c.target_info, data, size);
		if (ntlmssp_challenge_encode(&c, &out, &len) < 0) {
			CHECK(c.target_name.len + c.target_info.len > NTLMSSP_MAX_MSG_LEN - 56);
			return;
		}
		CHECK(ntlmssp_challenge_decode(out, len, &c2) == 0);
		CHECK(c2.flags == c.flags && c2.has_version == c.has_version &&
		      memcmp(c.server_challenge, c2.server_challenge, 8) == 0 &&
		      ntlm_blob_eq(&c.target_name, &c2.target_name) && ntlm_blob_eq(&c.target_info, &c2.target_info));
		free(out);
	}
	if (ntlmssp_authenticate_decode(data, size, &a) == 0) {
		check_blob(&a.lm_response, data, size);
		check_blob(&a.nt_response, data, size);
		check_blob(&a.domain, data, size);
		check_blob(&a.user, data, size);
		check_blob(&a.workstation, data, size);
		check_blob(&a.encrypted_session_key, data, size);
		/* Overlapping fields can add up to more than one message holds. */
		if (ntlmssp_authenticate_encode(&a, &out, &len) < 0) {
			CHECK(a.lm_response.len + a.nt_response.len + a.domain.len + a.user.len + a.workstation.len +
				      a.encrypted_session_key.len >
			      NTLMSSP_MAX_MSG_LEN - 88);
			return;
		}
		CHECK(ntlmssp_authenticate_decode(out, len, &a2) == 0);
		CHECK(a2.flags == a.flags && a2.has_mic == a.has_mic && ntlm_blob_eq(&a.lm_response, &a2.lm_response) &&
		      ntlm_blob_eq(&a.nt_response, &a2.nt_response) && ntlm_blob_eq(&a.domain, &a2.domain) &&
		      ntlm_blob_eq(&a.user, &a2.user) && ntlm_blob_eq(&a.workstation, &a2.workstation) &&
		      ntlm_blob_eq(&a.encrypted_session_key, &a2.encrypted_session_key));
		if (a.has_mic)
			CHECK(memcmp(a.mic, a2.mic, 16) == 0);
		free(out);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_pdu(data, size);
	fuzz_tower(data, size);
	fuzz_string(data, size, false, NDR_MAX_STRING_UNITS);
	fuzz_string(data, size, true, NDR_MAX_STRING_UNITS);
	fuzz_string(data, size, false, CMRP_MAX_NAME_UNITS);
	fuzz_cmrp(data, size, false);
	fuzz_cmrp(data, size, true);
	fuzz_ntlmssp(data, size);
	return 0;
}
