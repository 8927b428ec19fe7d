/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "cmrp_table.h"

#include <string.h>

/* ==== the shapes as codecs ================================================= */

/* Adapters from the per-shape codecs (loose arguments) to the table's
 * (typed struct, shape parameter).  NAME_enc / NAME_dec / NAME_free. */

static bool empty_enc(struct ndr_push *p, const void *v, unsigned arg)
{
	(void)v, (void)arg;
	return !p->error;
}
static bool empty_dec(struct ndr_pull *in, void *v, unsigned arg)
{
	(void)arg;
	memset(v, 0, sizeof(struct cmrp_empty));
	return cmrp_decode_done(in);
}

static bool handle_enc(struct ndr_push *p, const void *v, unsigned arg)
{
	(void)arg;
	return cmrp_handle_encode(p, &((const struct cmrp_handle_in *)v)->handle);
}
static bool handle_dec(struct ndr_pull *in, void *v, unsigned arg)
{
	(void)arg;
	memset(v, 0, sizeof(struct cmrp_handle_in));
	return cmrp_handle_decode(in, &((struct cmrp_handle_in *)v)->handle);
}

static bool u32_enc(struct ndr_push *p, const void *v, unsigned arg)
{
	(void)arg;
	return cmrp_u32_encode_in(p, ((const struct cmrp_u32_in *)v)->v);
}
static bool u32_dec(struct ndr_pull *in, void *v, unsigned arg)
{
	(void)arg;
	return cmrp_u32_decode_in(in, &((struct cmrp_u32_in *)v)->v);
}

static bool name_enc(struct ndr_push *p, const void *v, unsigned arg)
{
	const struct cmrp_name_in *r = v;
	(void)arg;
	return cmrp_name_encode_in(p, r->name.s, r->name.units);
}
static bool name_dec(struct ndr_pull *in, void *v, unsigned arg)
{
	struct cmrp_name_in *r = v;
	(void)arg;
	memset(r, 0, sizeof(*r));
	return cmrp_name_decode_in(in, &r->name);
}
static void name_free(void *v)
{
	cmrp_string_free(&((struct cmrp_name_in *)v)->name);
}

static bool name_u32_enc(struct ndr_push *p, const void *v, unsigned arg)
{
	const struct cmrp_name_in *r = v;
	(void)arg;
	return cmrp_name_u32_encode_in(p, r->name.s, r->name.units, r->v);
}
static bool name_u32_dec(struct ndr_pull *in, void *v, unsigned arg)
{
	struct cmrp_name_in *r = v;
	(void)arg;
	memset(r, 0, sizeof(*r));
	return cmrp_name_u32_decode_in(in, &r->name, &r->v);
}

static bool handle_u32s_enc(struct ndr_push *p, const void *v, unsigned n)
{
	const struct cmrp_handle_u32s_in *r = v;
	return cmrp_handle_u32s_encode_in(p, &r->handle, r->v, n);
}
static bool handle_u32s_dec(struct ndr_pull *in, void *v, unsigned n)
{
	struct cmrp_handle_u32s_in *r = v;
	memset(r, 0, sizeof(*r));
	return cmrp_handle_u32s_decode_in(in, &r->handle, r->v, n);
}

static bool handle_name_enc(struct ndr_push *p, const void *v, unsigned n)
{
	const struct cmrp_handle_name_in *r = v;
	return cmrp_handle_name_encode_in(p, &r->handle, r->name.s, r->name.units, r->v, n);
}
static bool handle_name_dec(struct ndr_pull *in, void *v, unsigned n)
{
	struct cmrp_handle_name_in *r = v;
	memset(r, 0, sizeof(*r));
	return cmrp_handle_name_decode_in(in, &r->handle, &r->name, r->v, n);
}
static void handle_name_free(void *v)
{
	cmrp_string_free(&((struct cmrp_handle_name_in *)v)->name);
}

static bool two_handles_enc(struct ndr_push *p, const void *v, unsigned arg)
{
	const struct cmrp_two_handles_in *r = v;
	(void)arg;
	return cmrp_two_handles_encode_in(p, &r->a, &r->b);
}
static bool two_handles_dec(struct ndr_pull *in, void *v, unsigned arg)
{
	struct cmrp_two_handles_in *r = v;
	(void)arg;
	return cmrp_two_handles_decode_in(in, &r->a, &r->b);
}

static bool handle_bool_enc(struct ndr_push *p, const void *v, unsigned arg)
{
	const struct cmrp_handle_bool_in *r = v;
	(void)arg;
	return cmrp_handle_bool_encode_in(p, &r->handle, r->v);
}
static bool handle_bool_dec(struct ndr_pull *in, void *v, unsigned arg)
{
	struct cmrp_handle_bool_in *r = v;
	(void)arg;
	memset(r, 0, sizeof(*r));
	return cmrp_handle_bool_decode_in(in, &r->handle, &r->v);
}

static bool key_security_in_enc(struct ndr_push *p, const void *v, unsigned arg)
{
	const struct cmrp_key_security_in *r = v;
	(void)arg;
	return cmrp_key_security_encode_in(p, &r->key, r->secinfo, &r->sd);
}
static bool key_security_in_dec(struct ndr_pull *in, void *v, unsigned arg)
{
	struct cmrp_key_security_in *r = v;
	(void)arg;
	memset(r, 0, sizeof(*r));
	return cmrp_key_security_decode_in(in, &r->key, &r->secinfo, &r->sd);
}
static void key_security_in_free(void *v)
{
	cmrp_security_descriptor_free(&((struct cmrp_key_security_in *)v)->sd);
}

static bool key_security_out_enc(struct ndr_push *p, const void *v, unsigned arg)
{
	const struct cmrp_key_security_out *o = v;
	(void)arg;
	return cmrp_key_security_encode_out(p, &o->sd, o->rpc_status, o->result);
}
static bool key_security_out_dec(struct ndr_pull *in, void *v, unsigned arg)
{
	struct cmrp_key_security_out *o = v;
	(void)arg;
	memset(o, 0, sizeof(*o));
	return cmrp_key_security_decode_out(in, &o->sd, &o->rpc_status, &o->result);
}
static void key_security_out_free(void *v)
{
	cmrp_security_descriptor_free(&((struct cmrp_key_security_out *)v)->sd);
}

static bool status_result_enc(struct ndr_push *p, const void *v, unsigned arg)
{
	const struct cmrp_status_result_out *o = v;
	(void)arg;
	return cmrp_status_result_encode_out(p, o->rpc_status, o->result);
}
static bool status_result_dec(struct ndr_pull *in, void *v, unsigned arg)
{
	struct cmrp_status_result_out *o = v;
	(void)arg;
	memset(o, 0, sizeof(*o));
	return cmrp_status_result_decode_out(in, &o->rpc_status, &o->result);
}

static bool close_enc(struct ndr_push *p, const void *v, unsigned arg)
{
	const struct cmrp_close_out *o = v;
	(void)arg;
	return cmrp_close_encode_out(p, &o->handle, o->result);
}
static bool close_dec(struct ndr_pull *in, void *v, unsigned arg)
{
	struct cmrp_close_out *o = v;
	(void)arg;
	memset(o, 0, sizeof(*o));
	return cmrp_close_decode_out(in, &o->handle, &o->result);
}

static bool result_enc(struct ndr_push *p, const void *v, unsigned arg)
{
	(void)arg;
	return cmrp_result_encode_out(p, ((const struct cmrp_result_out *)v)->result);
}
static bool result_dec(struct ndr_pull *in, void *v, unsigned arg)
{
	struct cmrp_result_out *o = v;
	(void)arg;
	o->result = 0;
	return cmrp_result_decode_out(in, &o->result);
}

/* Shapes whose codecs already take (struct) or (struct, parameter). */
#define WRAP_IN(NAME, TYPE)                                                                                       \
	static bool NAME##_enc(struct ndr_push *p, const void *v, unsigned arg)                                   \
	{                                                                                                         \
		(void)arg;                                                                                        \
		return cmrp_##NAME##_encode_in(p, (const TYPE *)v);                                               \
	}                                                                                                         \
	static bool NAME##_dec(struct ndr_pull *in, void *v, unsigned arg)                                        \
	{                                                                                                         \
		(void)arg;                                                                                        \
		return cmrp_##NAME##_decode_in(in, (TYPE *)v);                                                    \
	}
#define WRAP_IN_ARG(NAME, TYPE, ARGTYPE)                                                                          \
	static bool NAME##_enc(struct ndr_push *p, const void *v, unsigned arg)                                   \
	{                                                                                                         \
		return cmrp_##NAME##_encode_in(p, (const TYPE *)v, (ARGTYPE)arg);                                 \
	}                                                                                                         \
	static bool NAME##_dec(struct ndr_pull *in, void *v, unsigned arg)                                        \
	{                                                                                                         \
		return cmrp_##NAME##_decode_in(in, (TYPE *)v, (ARGTYPE)arg);                                      \
	}
#define WRAP_OUT(NAME, TYPE)                                                                                      \
	static bool NAME##_enc(struct ndr_push *p, const void *v, unsigned arg)                                   \
	{                                                                                                         \
		(void)arg;                                                                                        \
		return cmrp_##NAME##_encode_out(p, (const TYPE *)v);                                              \
	}                                                                                                         \
	static bool NAME##_dec(struct ndr_pull *in, void *v, unsigned arg)                                        \
	{                                                                                                         \
		(void)arg;                                                                                        \
		return cmrp_##NAME##_decode_out(in, (TYPE *)v);                                                   \
	}
#define WRAP_OUT_ARG(NAME, TYPE, ARGTYPE)                                                                         \
	static bool NAME##_enc(struct ndr_push *p, const void *v, unsigned arg)                                   \
	{                                                                                                         \
		return cmrp_##NAME##_encode_out(p, (const TYPE *)v, (ARGTYPE)arg);                                \
	}                                                                                                         \
	static bool NAME##_dec(struct ndr_pull *in, void *v, unsigned arg)                                        \
	{                                                                                                         \
		return cmrp_##NAME##_decode_out(in, (TYPE *)v, (ARGTYPE)arg);                                     \
	}
#define WRAP_FREE(NAME, FN, TYPE)                                                                                 \
	static void NAME##_free(void *v)                                                                          \
	{                                                                                                         \
		FN((TYPE *)v);                                                                                    \
	}

WRAP_IN(create_resource, struct cmrp_create_resource_in)
WRAP_FREE(create_resource, cmrp_create_resource_in_free, struct cmrp_create_resource_in)
WRAP_IN(create_restype, struct cmrp_create_restype_in)
WRAP_FREE(create_restype, cmrp_create_restype_in_free, struct cmrp_create_restype_in)
WRAP_IN(create_key, struct cmrp_create_key_in)
WRAP_FREE(create_key, cmrp_create_key_in_free, struct cmrp_create_key_in)
WRAP_IN(set_value, struct cmrp_set_value_in)
WRAP_FREE(set_value, cmrp_set_value_in_free, struct cmrp_set_value_in)
WRAP_IN_ARG(control, struct cmrp_control_in, enum cmrp_control_kind)
WRAP_FREE(control_in, cmrp_control_in_free, struct cmrp_control_in)
WRAP_IN(props_enum, struct cmrp_props_enum_in)
WRAP_FREE(props_enum, cmrp_props_enum_in_free, struct cmrp_props_enum_in)
WRAP_IN(set_password, struct cmrp_set_password_in)
WRAP_FREE(set_password_in, cmrp_set_password_in_free, struct cmrp_set_password_in)
WRAP_IN_ARG(add_notify, struct cmrp_add_notify_in, enum cmrp_add_notify_shape)

WRAP_OUT_ARG(open_cluster, struct cmrp_open_cluster_out, bool)
WRAP_OUT(get_cluster_name, struct cmrp_cluster_name_out)
WRAP_FREE(cluster_name, cmrp_cluster_name_out_free, struct cmrp_cluster_name_out)
WRAP_OUT_ARG(version, struct cmrp_version_out, bool)
WRAP_FREE(version, cmrp_version_out_free, struct cmrp_version_out)
WRAP_OUT_ARG(open_object, struct cmrp_open_object_out, bool)
WRAP_OUT_ARG(state, struct cmrp_state_out, unsigned)
WRAP_FREE(state, cmrp_state_out_free, struct cmrp_state_out)
WRAP_OUT(string_result, struct cmrp_string_result_out)
WRAP_FREE(string_result, cmrp_string_result_out_free, struct cmrp_string_result_out)
WRAP_OUT_ARG(enum, struct cmrp_enum_out, bool)
WRAP_FREE(enum, cmrp_enum_out_free, struct cmrp_enum_out)
WRAP_OUT(quorum, struct cmrp_quorum_out)
WRAP_FREE(quorum, cmrp_quorum_out_free, struct cmrp_quorum_out)
WRAP_OUT(enum_key, struct cmrp_enum_key_out)
WRAP_FREE(enum_key, cmrp_enum_key_out_free, struct cmrp_enum_key_out)
WRAP_OUT(query_value, struct cmrp_query_value_out)
WRAP_FREE(query_value, cmrp_query_value_out_free, struct cmrp_query_value_out)
WRAP_OUT(enum_value, struct cmrp_enum_value_out)
WRAP_FREE(enum_value, cmrp_enum_value_out_free, struct cmrp_enum_value_out)
WRAP_OUT(query_info_key, struct cmrp_query_info_key_out)
WRAP_OUT_ARG(object_enum, struct cmrp_object_enum_out, bool)
WRAP_FREE(object_enum, cmrp_object_enum_out_free, struct cmrp_object_enum_out)
WRAP_FREE(control_out, cmrp_control_out_free, struct cmrp_control_out)
WRAP_FREE(set_password_out, cmrp_set_password_out_free, struct cmrp_set_password_out)
WRAP_OUT(create_notify, struct cmrp_create_notify_out)
WRAP_FREE(get_notify, cmrp_get_notify_out_free, struct cmrp_get_notify_out)

/* control and set_password have an in and an out codec of the same stem. */
static bool control_out_enc(struct ndr_push *p, const void *v, unsigned arg)
{
	(void)arg;
	return cmrp_control_encode_out(p, v);
}
static bool control_out_dec(struct ndr_pull *in, void *v, unsigned arg)
{
	(void)arg;
	return cmrp_control_decode_out(in, v);
}
static bool set_password_out_enc(struct ndr_push *p, const void *v, unsigned arg)
{
	(void)arg;
	return cmrp_set_password_encode_out(p, v);
}
static bool set_password_out_dec(struct ndr_pull *in, void *v, unsigned arg)
{
	(void)arg;
	return cmrp_set_password_decode_out(in, v);
}
static bool add_notify_out_enc(struct ndr_push *p, const void *v, unsigned arg)
{
	(void)arg;
	return cmrp_add_notify_encode_out(p, v);
}
static bool add_notify_out_dec(struct ndr_pull *in, void *v, unsigned arg)
{
	(void)arg;
	return cmrp_add_notify_decode_out(in, v);
}
static bool get_notify_enc(struct ndr_push *p, const void *v, unsigned arg)
{
	(void)arg;
	return cmrp_get_notify_encode_out(p, v);
}
static bool get_notify_dec(struct ndr_pull *in, void *v, unsigned arg)
{
	(void)arg;
	return cmrp_get_notify_decode_out(in, v);
}

#define CODEC(VAR, SHAPE, TYPE, STEM, FREE)                                                                       \
	const struct cmrp_codec cmrp_codec_##VAR = { SHAPE, sizeof(TYPE), STEM##_enc, STEM##_dec, FREE }

CODEC(empty, "()", struct cmrp_empty, empty, NULL);
CODEC(handle, "handle", struct cmrp_handle_in, handle, NULL);
CODEC(u32, "u32", struct cmrp_u32_in, u32, NULL);
CODEC(name, "name", struct cmrp_name_in, name, name_free);
CODEC(name_u32, "name_u32", struct cmrp_name_in, name_u32, name_free);
CODEC(handle_u32s, "handle_u32s", struct cmrp_handle_u32s_in, handle_u32s, NULL);
CODEC(handle_name, "handle_name", struct cmrp_handle_name_in, handle_name, handle_name_free);
CODEC(two_handles, "two_handles", struct cmrp_two_handles_in, two_handles, NULL);
CODEC(handle_bool, "handle_bool", struct cmrp_handle_bool_in, handle_bool, NULL);
CODEC(create_resource, "create_resource", struct cmrp_create_resource_in, create_resource, create_resource_free);
CODEC(create_restype, "create_restype", struct cmrp_create_restype_in, create_restype, create_restype_free);
CODEC(create_key, "create_key", struct cmrp_create_key_in, create_key, create_key_free);
CODEC(set_value, "set_value", struct cmrp_set_value_in, set_value, set_value_free);
CODEC(key_security_in, "key_security", struct cmrp_key_security_in, key_security_in, key_security_in_free);
CODEC(control_in, "control", struct cmrp_control_in, control, control_in_free);
CODEC(props_enum, "props_enum", struct cmrp_props_enum_in, props_enum, props_enum_free);
CODEC(set_password_in, "set_password", struct cmrp_set_password_in, set_password, set_password_in_free);
CODEC(add_notify, "add_notify", struct cmrp_add_notify_in, add_notify, NULL);

CODEC(status_result, "status_result", struct cmrp_status_result_out, status_result, NULL);
CODEC(close, "close", struct cmrp_close_out, close, NULL);
CODEC(result, "result", struct cmrp_result_out, result, NULL);
CODEC(key_security_out, "key_security", struct cmrp_key_security_out, key_security_out, key_security_out_free);
CODEC(open_cluster, "open_cluster", struct cmrp_open_cluster_out, open_cluster, NULL);
CODEC(cluster_name, "cluster_name", struct cmrp_cluster_name_out, get_cluster_name, cluster_name_free);
CODEC(version, "version", struct cmrp_version_out, version, version_free);
CODEC(open_object, "open_object", struct cmrp_open_object_out, open_object, NULL);
CODEC(state, "state", struct cmrp_state_out, state, state_free);
CODEC(string_result, "string_result", struct cmrp_string_result_out, string_result, string_result_free);
CODEC(enum, "enum", struct cmrp_enum_out, enum, enum_free);
CODEC(quorum, "quorum", struct cmrp_quorum_out, quorum, quorum_free);
CODEC(enum_key, "enum_key", struct cmrp_enum_key_out, enum_key, enum_key_free);
CODEC(query_value, "query_value", struct cmrp_query_value_out, query_value, query_value_free);
CODEC(enum_value, "enum_value", struct cmrp_enum_value_out, enum_value, enum_value_free);
CODEC(query_info_key, "query_info_key", struct cmrp_query_info_key_out, query_info_key, NULL);
CODEC(object_enum, "object_enum", struct cmrp_object_enum_out, object_enum, object_enum_free);
CODEC(control_out, "control", struct cmrp_control_out, control_out, control_out_free);
CODEC(set_password_out, "set_password", struct cmrp_set_password_out, set_password_out, set_password_out_free);
CODEC(create_notify, "create_notify", struct cmrp_create_notify_out, create_notify, NULL);
CODEC(add_notify_out, "add_notify", struct cmrp_add_notify_out, add_notify_out, NULL);
CODEC(get_notify, "get_notify", struct cmrp_get_notify_out, get_notify, get_notify_free);

/* ==== the table ============================================================= */

/* A handle slot: the field of the typed struct, and what it stands for. */
#define AT(TYPE, FIELD, HT) { offsetof(struct TYPE, FIELD), CMRP_HANDLE_##HT }
#define IN1(HT) { AT(cmrp_handle_in, handle, HT) }

/* Entries by shape: name, kind, the request's handles, ... */
#define OP(NAME, KIND, INC, INARG, INH, OUTC, OUTARG, OUTH)                                                       \
	{ .name = NAME, .kind = CMRP_CALL_##KIND, .in_handles = INH, .out_handle = OUTH, .in = &cmrp_codec_##INC, \
	  .in_arg = INARG, .out = &cmrp_codec_##OUTC, .out_arg = OUTARG }
#define NONE { { 0, CMRP_HANDLE_NONE } }
#define IN2(T, F1, H1, F2, H2) { AT(T, F1, H1), AT(T, F2, H2) }
#define NO_OUT { 0, CMRP_HANDLE_NONE }
/* (handle) -> (rpc_status, result) */
#define ON_HANDLE(NAME, KIND, HT, OUTC, OUTARG) OP(NAME, KIND, handle, 0, IN1(HT), OUTC, OUTARG, NO_OUT)
/* Close*: (handle) -> (handle, result) */
#define CLOSE(NAME, HT) OP(NAME, CLOSE, handle, 0, IN1(HT), close, 0, AT(cmrp_close_out, handle, HT))
/* Open*, Open*Ex, Create* by name -> (.., handle) */
#define OPEN(NAME, KIND, INC, LEAD, HT)                                                                           \
	OP(NAME, KIND, INC, 0, NONE, open_object, LEAD, AT(cmrp_open_object_out, handle, HT))
#define CONTROL(NAME, CK, HT)                                                                                     \
	{ .name = NAME, .kind = CMRP_CALL_CONTROL, .control = CMRP_CONTROL_##CK,                                  \
	  .in_handles = { AT(cmrp_control_in, handle, HT) }, .in = &cmrp_codec_control_in,                        \
	  .in_arg = CMRP_CONTROL_##CK, .out = &cmrp_codec_control_out }
#define NODE_CONTROL(NAME, CK, HT)                                                                                \
	{ .name = NAME, .kind = CMRP_CALL_CONTROL, .control = CMRP_CONTROL_##CK,                                  \
	  .in_handles = { AT(cmrp_control_in, handle, HT), AT(cmrp_control_in, node, NODE) },                     \
	  .in = &cmrp_codec_control_in, .in_arg = CMRP_CONTROL_##CK, .out = &cmrp_codec_control_out }
#define NOTIFY_ADD(NAME, HT, SHAPE, OUTC)                                                                         \
	OP(NAME, WRITE, add_notify, SHAPE,                                                                        \
	   IN2(cmrp_add_notify_in, notify, NOTIFY, object, HT), OUTC, 0, NO_OUT)

static const struct cmrp_op cmrp_ops[CMRP_OPNUM_COUNT] = {
	[CMRP_OPEN_CLUSTER] = OP("ApiOpenCluster", READ, empty, 0, NONE, open_cluster, false,
				 AT(cmrp_open_cluster_out, handle, CLUSTER)),
	[CMRP_CLOSE_CLUSTER] = CLOSE("ApiCloseCluster", CLUSTER),
	[CMRP_SET_CLUSTER_NAME] = OP("ApiSetClusterName", WRITE, name, 0, NONE, status_result, 0, NO_OUT),
	[CMRP_GET_CLUSTER_NAME] = OP("ApiGetClusterName", READ, empty, 0, NONE, cluster_name, 0, NO_OUT),
	[CMRP_GET_CLUSTER_VERSION] = OP("ApiGetClusterVersion", READ, empty, 0, NONE, version, false, NO_OUT),
	[CMRP_GET_QUORUM_RESOURCE] = OP("ApiGetQuorumResource", READ, empty, 0, NONE, quorum, 0, NO_OUT),
	[CMRP_SET_QUORUM_RESOURCE] = OP("ApiSetQuorumResource", WRITE, handle_name, 1,
					{ AT(cmrp_handle_name_in, handle, RESOURCE) }, status_result, 0, NO_OUT),
	[CMRP_CREATE_ENUM] = OP("ApiCreateEnum", READ, u32, 0, NONE, enum, false, NO_OUT),
	[CMRP_OPEN_RESOURCE] = OPEN("ApiOpenResource", READ, name, false, RESOURCE),
	[CMRP_CREATE_RESOURCE] = OP("ApiCreateResource", WRITE, create_resource, 0,
				    { AT(cmrp_create_resource_in, group, GROUP) }, open_object, false,
				    AT(cmrp_open_object_out, handle, RESOURCE)),
	[CMRP_DELETE_RESOURCE] = ON_HANDLE("ApiDeleteResource", WRITE, RESOURCE, status_result, 0),
	[CMRP_CLOSE_RESOURCE] = CLOSE("ApiCloseResource", RESOURCE),
	[CMRP_GET_RESOURCE_STATE] = ON_HANDLE("ApiGetResourceState", READ, RESOURCE, state, 2),
	[CMRP_SET_RESOURCE_NAME] = OP("ApiSetResourceName", WRITE, handle_name, 0,
				      { AT(cmrp_handle_name_in, handle, RESOURCE) }, status_result, 0, NO_OUT),
	[CMRP_GET_RESOURCE_ID] = ON_HANDLE("ApiGetResourceId", READ, RESOURCE, string_result, 0),
	[CMRP_GET_RESOURCE_TYPE] = ON_HANDLE("ApiGetResourceType", READ, RESOURCE, string_result, 0),
	[CMRP_FAIL_RESOURCE] = ON_HANDLE("ApiFailResource", WRITE, RESOURCE, status_result, 0),
	[CMRP_ONLINE_RESOURCE] = ON_HANDLE("ApiOnlineResource", WRITE, RESOURCE, status_result, 0),
	[CMRP_OFFLINE_RESOURCE] = ON_HANDLE("ApiOfflineResource", WRITE, RESOURCE, status_result, 0),
	[CMRP_CREATE_RES_ENUM] = OP("ApiCreateResEnum", READ, handle_u32s, 1,
				    { AT(cmrp_handle_u32s_in, handle, RESOURCE) }, enum, false, NO_OUT),
	/* restypes */
	[CMRP_CREATE_RESOURCE_TYPE] = OP("ApiCreateResourceType", WRITE, create_restype, 0, NONE, status_result, 0,
					 NO_OUT),
	[CMRP_DELETE_RESOURCE_TYPE] = OP("ApiDeleteResourceType", WRITE, name, 0, NONE, status_result, 0, NO_OUT),
	[CMRP_GET_ROOT_KEY] = OPEN("ApiGetRootKey", READ, u32, false, KEY),
	[CMRP_CREATE_KEY] = OP("ApiCreateKey", WRITE, create_key, 0, { AT(cmrp_create_key_in, key, KEY) },
			       open_object, true, AT(cmrp_open_object_out, handle, KEY)),
	[CMRP_OPEN_KEY] = OP("ApiOpenKey", READ, handle_name, 1, { AT(cmrp_handle_name_in, handle, KEY) },
			     open_object, false, AT(cmrp_open_object_out, handle, KEY)),
	[CMRP_ENUM_KEY] = OP("ApiEnumKey", READ, handle_u32s, 1, { AT(cmrp_handle_u32s_in, handle, KEY) },
			     enum_key, 0, NO_OUT),
	[CMRP_SET_VALUE] = OP("ApiSetValue", WRITE, set_value, 0, { AT(cmrp_set_value_in, key, KEY) },
			      status_result, 0, NO_OUT),
	[CMRP_DELETE_VALUE] = OP("ApiDeleteValue", WRITE, handle_name, 0, { AT(cmrp_handle_name_in, handle, KEY) },
				 status_result, 0, NO_OUT),
	[CMRP_QUERY_VALUE] = OP("ApiQueryValue", READ, handle_name, 1, { AT(cmrp_handle_name_in, handle, KEY) },
				query_value, 0, NO_OUT),
	[CMRP_DELETE_KEY] = OP("ApiDeleteKey", WRITE, handle_name, 0, { AT(cmrp_handle_name_in, handle, KEY) },
			       status_result, 0, NO_OUT),
	[CMRP_ENUM_VALUE] = OP("ApiEnumValue", READ, handle_u32s, 2, { AT(cmrp_handle_u32s_in, handle, KEY) },
			       enum_value, 0, NO_OUT),
	[CMRP_CLOSE_KEY] = CLOSE("ApiCloseKey", KEY),
	[CMRP_QUERY_INFO_KEY] = ON_HANDLE("ApiQueryInfoKey", READ, KEY, query_info_key, 0),
	[CMRP_SET_KEY_SECURITY] = OP("ApiSetKeySecurity", WRITE, key_security_in, 0,
				     { AT(cmrp_key_security_in, key, KEY) }, status_result, 0, NO_OUT),
	[CMRP_GET_KEY_SECURITY] = OP("ApiGetKeySecurity", READ, key_security_in, 0,
				     { AT(cmrp_key_security_in, key, KEY) }, key_security_out, 0, NO_OUT),
	[CMRP_OPEN_GROUP] = OPEN("ApiOpenGroup", READ, name, false, GROUP),
	[CMRP_CREATE_GROUP] = OPEN("ApiCreateGroup", WRITE, name, false, GROUP),
	[CMRP_DELETE_GROUP] = OP("ApiDeleteGroup", WRITE, handle_bool, 0, { AT(cmrp_handle_bool_in, handle, GROUP) },
				 status_result, 0, NO_OUT),
	[CMRP_CLOSE_GROUP] = CLOSE("ApiCloseGroup", GROUP),
	[CMRP_GET_GROUP_STATE] = ON_HANDLE("ApiGetGroupState", READ, GROUP, state, 1),
	[CMRP_SET_GROUP_NAME] = OP("ApiSetGroupName", WRITE, handle_name, 0,
				   { AT(cmrp_handle_name_in, handle, GROUP) }, status_result, 0, NO_OUT),
	[CMRP_GET_GROUP_ID] = ON_HANDLE("ApiGetGroupId", READ, GROUP, string_result, 0),
	[CMRP_GET_NODE_ID] = ON_HANDLE("ApiGetNodeId", READ, NODE, string_result, 0),
	[CMRP_ONLINE_GROUP] = ON_HANDLE("ApiOnlineGroup", WRITE, GROUP, status_result, 0),
	[CMRP_OFFLINE_GROUP] = ON_HANDLE("ApiOfflineGroup", WRITE, GROUP, status_result, 0),
	[CMRP_MOVE_GROUP] = ON_HANDLE("ApiMoveGroup", WRITE, GROUP, status_result, 0),
	[CMRP_MOVE_GROUP_TO_NODE] = OP("ApiMoveGroupToNode", WRITE, two_handles, 0,
				       IN2(cmrp_two_handles_in, a, GROUP, b, NODE),
				       status_result, 0, NO_OUT),
	[CMRP_CREATE_GROUP_RESOURCE_ENUM] = OP("ApiCreateGroupResourceEnum", READ, handle_u32s, 1,
					       { AT(cmrp_handle_u32s_in, handle, GROUP) }, enum, false, NO_OUT),
	[CMRP_CREATE_NOTIFY] = OP("ApiCreateNotify", WRITE, empty, 0, NONE, create_notify, 0,
				  AT(cmrp_create_notify_out, handle, NOTIFY)),
	[CMRP_CLOSE_NOTIFY] = CLOSE("ApiCloseNotify", NOTIFY),
	[CMRP_ADD_NOTIFY_CLUSTER] = NOTIFY_ADD("ApiAddNotifyCluster", CLUSTER, false, status_result),
	[CMRP_ADD_NOTIFY_NODE] = NOTIFY_ADD("ApiAddNotifyNode", NODE, false, add_notify_out),
	[CMRP_ADD_NOTIFY_GROUP] = NOTIFY_ADD("ApiAddNotifyGroup", GROUP, false, add_notify_out),
	[CMRP_ADD_NOTIFY_RESOURCE] = NOTIFY_ADD("ApiAddNotifyResource", RESOURCE, false, add_notify_out),
	/* notify2: registry key notifications */
	[CMRP_ADD_NOTIFY_KEY] = NOTIFY_ADD("ApiAddNotifyKey", KEY, CMRP_ADD_NOTIFY_ON_KEY, status_result),
	[CMRP_READD_NOTIFY_NODE] = NOTIFY_ADD("ApiReAddNotifyNode", NODE, true, status_result),
	[CMRP_READD_NOTIFY_GROUP] = NOTIFY_ADD("ApiReAddNotifyGroup", GROUP, true, status_result),
	[CMRP_READD_NOTIFY_RESOURCE] = NOTIFY_ADD("ApiReAddNotifyResource", RESOURCE, true, status_result),
	[CMRP_GET_NOTIFY] = ON_HANDLE("ApiGetNotify", WRITE, NOTIFY, get_notify, 0),
	[CMRP_OPEN_NODE] = OPEN("ApiOpenNode", READ, name, false, NODE),
	[CMRP_CLOSE_NODE] = CLOSE("ApiCloseNode", NODE),
	[CMRP_GET_NODE_STATE] = ON_HANDLE("ApiGetNodeState", READ, NODE, state, 0),
	[CMRP_PAUSE_NODE] = ON_HANDLE("ApiPauseNode", WRITE, NODE, status_result, 0),
	[CMRP_RESUME_NODE] = ON_HANDLE("ApiResumeNode", WRITE, NODE, status_result, 0),
	[CMRP_EVICT_NODE] = ON_HANDLE("ApiEvictNode", WRITE, NODE, status_result, 0),
	[CMRP_NODE_RESOURCE_CONTROL] = NODE_CONTROL("ApiNodeResourceControl", NODE, RESOURCE),
	[CMRP_RESOURCE_CONTROL] = CONTROL("ApiResourceControl", PLAIN, RESOURCE),
	[CMRP_NODE_RESOURCE_TYPE_CONTROL] = NODE_CONTROL("ApiNodeResourceTypeControl", TYPE_NODE, CLUSTER),
	[CMRP_RESOURCE_TYPE_CONTROL] = CONTROL("ApiResourceTypeControl", TYPE, CLUSTER),
	[CMRP_NODE_GROUP_CONTROL] = NODE_CONTROL("ApiNodeGroupControl", NODE, GROUP),
	[CMRP_GROUP_CONTROL] = CONTROL("ApiGroupControl", PLAIN, GROUP),
	[CMRP_NODE_NODE_CONTROL] = NODE_CONTROL("ApiNodeNodeControl", NODE, NODE),
	[CMRP_NODE_CONTROL] = CONTROL("ApiNodeControl", PLAIN, NODE),
	[CMRP_OPEN_NETWORK] = OPEN("ApiOpenNetwork", READ, name, false, NETWORK),
	[CMRP_CLOSE_NETWORK] = CLOSE("ApiCloseNetwork", NETWORK),
	[CMRP_GET_NETWORK_STATE] = ON_HANDLE("ApiGetNetworkState", READ, NETWORK, state, 0),
	[CMRP_GET_NETWORK_ID] = ON_HANDLE("ApiGetNetworkId", READ, NETWORK, string_result, 0),
	[CMRP_NODE_NETWORK_CONTROL] = NODE_CONTROL("ApiNodeNetworkControl", NODE, NETWORK),
	[CMRP_NETWORK_CONTROL] = CONTROL("ApiNetworkControl", PLAIN, NETWORK),
	[CMRP_ADD_NOTIFY_NETWORK] = NOTIFY_ADD("ApiAddNotifyNetwork", NETWORK, false, add_notify_out),
	[CMRP_READD_NOTIFY_NETWORK] = NOTIFY_ADD("ApiReAddNotifyNetwork", NETWORK, true, status_result),
	[CMRP_OPEN_NET_INTERFACE] = OPEN("ApiOpenNetInterface", READ, name, false, NETIF),
	[CMRP_CLOSE_NET_INTERFACE] = CLOSE("ApiCloseNetInterface", NETIF),
	[CMRP_GET_NET_INTERFACE_STATE] = ON_HANDLE("ApiGetNetInterfaceState", READ, NETIF, state, 0),
	[CMRP_GET_NET_INTERFACE_ID] = ON_HANDLE("ApiGetNetInterfaceId", READ, NETIF, string_result, 0),
	[CMRP_NODE_NET_INTERFACE_CONTROL] = NODE_CONTROL("ApiNodeNetInterfaceControl", NODE, NETIF),
	[CMRP_NET_INTERFACE_CONTROL] = CONTROL("ApiNetInterfaceControl", PLAIN, NETIF),
	[CMRP_ADD_NOTIFY_NET_INTERFACE] = NOTIFY_ADD("ApiAddNotifyNetInterface", NETIF, false, add_notify_out),
	[CMRP_READD_NOTIFY_NET_INTERFACE] = NOTIFY_ADD("ApiReAddNotifyNetInterface", NETIF, true, status_result),
	[CMRP_CREATE_NODE_ENUM] = OP("ApiCreateNodeEnum", READ, handle_u32s, 1,
				     { AT(cmrp_handle_u32s_in, handle, NODE) }, enum, false, NO_OUT),
	[CMRP_GET_CLUSTER_VERSION2] = OP("ApiGetClusterVersion2", READ, empty, 0, NONE, version, true, NO_OUT),
	[CMRP_CREATE_RES_TYPE_ENUM] = OP("ApiCreateResTypeEnum", READ, name_u32, 0, NONE, enum, false, NO_OUT),
	[CMRP_BACKUP_CLUSTER_DATABASE] = OP("ApiBackupClusterDatabase", WRITE, name, 0, NONE, status_result, 0,
					    NO_OUT),
	[CMRP_NODE_CLUSTER_CONTROL] = NODE_CONTROL("ApiNodeClusterControl", NODE, CLUSTER),
	[CMRP_CLUSTER_CONTROL] = CONTROL("ApiClusterControl", PLAIN, CLUSTER),
	[CMRP_UNBLOCK_GET_NOTIFY_CALL] = ON_HANDLE("ApiUnblockGetNotifyCall", WRITE, NOTIFY, result, 0),
	[CMRP_SET_SERVICE_ACCOUNT_PASSWORD] = OP("ApiSetServiceAccountPassword", WRITE, set_password_in, 0, NONE,
						 set_password_out, 0, NO_OUT),
	[CMRP_GET_RESOURCE_DEPENDENCY_EXPRESSION] = ON_HANDLE("ApiGetResourceDependencyExpression", READ, RESOURCE,
							      string_result, 0),
	[CMRP_GET_RESOURCE_NETWORK_NAME] = ON_HANDLE("ApiGetResourceNetworkName", READ, RESOURCE, string_result, 0),
	[CMRP_OPEN_CLUSTER_EX] = OP("ApiOpenClusterEx", READ, u32, 0, NONE, open_cluster, true,
				    AT(cmrp_open_cluster_out, handle, CLUSTER)),
	[CMRP_OPEN_NODE_EX] = OPEN("ApiOpenNodeEx", READ, name_u32, true, NODE),
	[CMRP_OPEN_GROUP_EX] = OPEN("ApiOpenGroupEx", READ, name_u32, true, GROUP),
	[CMRP_OPEN_RESOURCE_EX] = OPEN("ApiOpenResourceEx", READ, name_u32, true, RESOURCE),
	[CMRP_OPEN_NETWORK_EX] = OPEN("ApiOpenNetworkEx", READ, name_u32, true, NETWORK),
	[CMRP_OPEN_NET_INTERFACE_EX] = OPEN("ApiOpenNetInterfaceEx", READ, name_u32, true, NETIF),
	[CMRP_CREATE_NODE_ENUM_EX] = OP("ApiCreateNodeEnumEx", READ, handle_u32s, 2,
					{ AT(cmrp_handle_u32s_in, handle, NODE) }, enum, true, NO_OUT),
	[CMRP_CREATE_ENUM_EX] = OP("ApiCreateEnumEx", READ, handle_u32s, 2,
				   { AT(cmrp_handle_u32s_in, handle, CLUSTER) }, enum, true, NO_OUT),
	[CMRP_CREATE_GROUP_ENUM] = OP("ApiCreateGroupEnum", READ, props_enum, 0,
				      { AT(cmrp_props_enum_in, cluster, CLUSTER) }, object_enum, true, NO_OUT),
	[CMRP_CREATE_RESOURCE_ENUM] = OP("ApiCreateResourceEnum", READ, props_enum, 0,
					 { AT(cmrp_props_enum_in, cluster, CLUSTER) }, object_enum, false, NO_OUT),
	[CMRP_CREATE_GROUP_SET] = OPEN("ApiCreateGroupSet", WRITE, name, false, GROUPSET),
	[CMRP_OPEN_GROUP_SET] = OPEN("ApiOpenGroupSet", READ, name, false, GROUPSET),
	[CMRP_CLOSE_GROUP_SET] = CLOSE("ApiCloseGroupSet", GROUPSET),
	[CMRP_NODE_GROUP_SET_CONTROL] = NODE_CONTROL("ApiNodeGroupSetControl", NODE, GROUPSET),
	[CMRP_GROUP_SET_CONTROL] = CONTROL("ApiGroupSetControl", PLAIN, GROUPSET),
	[CMRP_CREATE_GROUP_SET_ENUM] = ON_HANDLE("ApiCreateGroupSetEnum", READ, CLUSTER, enum, false),
	/* issue 11: dependencies and owners */
	[CMRP_ADD_RESOURCE_DEPENDENCY] = OP("ApiAddResourceDependency", WRITE, two_handles, 0,
					    IN2(cmrp_two_handles_in, a, RESOURCE, b, RESOURCE), status_result, 0, NO_OUT),
	[CMRP_REMOVE_RESOURCE_DEPENDENCY] = OP("ApiRemoveResourceDependency", WRITE, two_handles, 0,
					       IN2(cmrp_two_handles_in, a, RESOURCE, b, RESOURCE), status_result, 0,
					       NO_OUT),
	[CMRP_CAN_RESOURCE_BE_DEPENDENT] = OP("ApiCanResourceBeDependent", READ, two_handles, 0,
					      IN2(cmrp_two_handles_in, a, RESOURCE, b, RESOURCE), status_result, 0,
					      NO_OUT),
	[CMRP_ADD_RESOURCE_NODE] = OP("ApiAddResourceNode", WRITE, two_handles, 0,
				      IN2(cmrp_two_handles_in, a, RESOURCE, b, NODE), status_result, 0, NO_OUT),
	[CMRP_REMOVE_RESOURCE_NODE] = OP("ApiRemoveResourceNode", WRITE, two_handles, 0,
					 IN2(cmrp_two_handles_in, a, RESOURCE, b, NODE), status_result, 0, NO_OUT),
	[CMRP_CHANGE_RESOURCE_GROUP] = OP("ApiChangeResourceGroup", WRITE, two_handles, 0,
					  IN2(cmrp_two_handles_in, a, RESOURCE, b, GROUP), status_result, 0, NO_OUT),
	[CMRP_SET_GROUP_NODE_LIST] = OP("ApiSetGroupNodeList", WRITE, handle_wstr, CMRP_WSTR_COUNTED,
					{ AT(cmrp_handle_wstr_in, handle, GROUP) }, status_result, 0, NO_OUT),
	[CMRP_SET_RESOURCE_DEPENDENCY_EXPRESSION] = OP("ApiSetResourceDependencyExpression", WRITE, handle_wstr,
						       CMRP_WSTR_STRING, { AT(cmrp_handle_wstr_in, handle, RESOURCE) },
						       status_result, 0, NO_OUT),
	/* issue 13: networks */
	[CMRP_SET_NETWORK_NAME] = OP("ApiSetNetworkName", WRITE, handle_name, 0,
				     { AT(cmrp_handle_name_in, handle, NETWORK) }, status_result, 0, NO_OUT),
	[CMRP_CREATE_NETWORK_ENUM] = OP("ApiCreateNetworkEnum", READ, handle_u32s, 1,
					{ AT(cmrp_handle_u32s_in, handle, NETWORK) }, enum, false, NO_OUT),
	[CMRP_SET_NETWORK_PRIORITY_ORDER] = OP("ApiSetNetworkPriorityOrder", WRITE, name_list, 0, NONE, status_result,
					       0, NO_OUT),
	[CMRP_GET_NET_INTERFACE] = OP("ApiGetNetInterface", READ, two_names, 0, NONE, string_result, 0, NO_OUT),
};

const struct cmrp_op *cmrp_op(uint16_t opnum)
{
	if (opnum >= CMRP_OPNUM_COUNT || !cmrp_ops[opnum].name)
		return NULL;
	return &cmrp_ops[opnum];
}

enum cmrp_call_kind cmrp_op_kind(const struct cmrp_op *op, const void *in)
{
	if (!op)
		return CMRP_CALL_WRITE;
	if (op->kind != CMRP_CALL_CONTROL)
		return op->kind;
	uint32_t code = ((const struct cmrp_control_in *)in)->code;
	return (code & 0x00400000u) || (code & 3u) == 2u ? CMRP_CALL_WRITE : CMRP_CALL_READ;
}
