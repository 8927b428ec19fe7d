/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one table of MS-CMRP opnums: for each call its name, what it does (read,
 * write, close, or a control judged by its code), which context handles it
 * carries and where they sit in its typed request and reply, and the codecs
 * of both directions with their free.  The server core (src/server/dispatch.c)
 * decodes, dispatches, encodes and frees through it; the client's one call
 * function (session_op, src/client) encodes and decodes through it and swaps
 * handles at the positions it gives after a reconnect.
 *
 * Adding a call: its entry in cmrp_table.c (and its opnum in the enum of its
 * family's header), its handler in src/server, its public function in
 * src/client.  The codecs are per shape (cmrp.h, cmrp_objects.h,
 * cmrp_notify.h); the structs below give the shapes that had none a typed
 * form, so every call's arguments travel as one struct each way.
 */
#ifndef CMRP_CMRP_TABLE_H
#define CMRP_CMRP_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmrp/cmrp.h"
#include "cmrp/cmrp_notify.h"
#include "cmrp/cmrp_objects.h"
#include "cmrp/cmrp_deps.h"
#include "cmrp/cmrp_networks.h"

/* The highest opnum of protocol version 3 we know of, plus one. */
#define CMRP_OPNUM_COUNT 181

/* What a context handle stands for (the server's handle types are these). */
enum cmrp_handle_type {
	CMRP_HANDLE_NONE = 0,
	CMRP_HANDLE_CLUSTER,
	CMRP_HANDLE_NODE,
	CMRP_HANDLE_GROUP,
	CMRP_HANDLE_RESOURCE,
	CMRP_HANDLE_NETWORK,
	CMRP_HANDLE_NETIF,
	CMRP_HANDLE_KEY,
	CMRP_HANDLE_NOTIFY,
	CMRP_HANDLE_GROUPSET,
};

/* ==== typed forms of the shapes whose codecs take loose arguments ========= */

/* () */
struct cmrp_empty {
	uint8_t unused;
};
/* (handle) */
struct cmrp_handle_in {
	struct rpc_ctx_handle handle;
};
/* (u32) */
struct cmrp_u32_in {
	uint32_t v;
};
/* (string) and (string, u32): v only in the second shape. */
struct cmrp_name_in {
	struct cmrp_string name;
	uint32_t v;
};
/* (handle, n x u32) */
struct cmrp_handle_u32s_in {
	struct rpc_ctx_handle handle;
	uint32_t v[4];
};
/* (handle, string, n x u32) */
struct cmrp_handle_name_in {
	struct rpc_ctx_handle handle;
	struct cmrp_string name;
	uint32_t v[4];
};
/* (handle, handle) */
struct cmrp_two_handles_in {
	struct rpc_ctx_handle a, b;
};
/* (handle, BOOL) */
struct cmrp_handle_bool_in {
	struct rpc_ctx_handle handle;
	bool v;
};
/* GetKeySecurity [in] */
struct cmrp_key_security_in {
	struct rpc_ctx_handle key;
	uint32_t secinfo;
	struct cmrp_security_descriptor sd;
};

/* (rpc_status, result) */
struct cmrp_status_result_out {
	uint32_t rpc_status;
	uint32_t result;
};
/* (handle, result): the Close* calls */
struct cmrp_close_out {
	struct rpc_ctx_handle handle;
	uint32_t result;
};
/* (result) */
struct cmrp_result_out {
	uint32_t result;
};
/* GetKeySecurity [out] */
struct cmrp_key_security_out {
	struct cmrp_security_descriptor sd;
	uint32_t rpc_status;
	uint32_t result;
};

/* Room for any call's request and reply. */
union cmrp_any_in {
	struct cmrp_empty empty;
	struct cmrp_handle_in handle;
	struct cmrp_u32_in u32;
	struct cmrp_name_in name;
	struct cmrp_handle_u32s_in handle_u32s;
	struct cmrp_handle_name_in handle_name;
	struct cmrp_two_handles_in two_handles;
	struct cmrp_handle_bool_in handle_bool;
	struct cmrp_key_security_in key_security;
	struct cmrp_create_resource_in create_resource;
	struct cmrp_create_restype_in create_restype;
	struct cmrp_create_key_in create_key;
	struct cmrp_set_value_in set_value;
	struct cmrp_control_in control;
	struct cmrp_props_enum_in props_enum;
	struct cmrp_set_password_in set_password;
	struct cmrp_add_notify_in add_notify;
	struct cmrp_handle_wstr_in handle_wstr; /* issue 11: dependencies and owners */
	struct cmrp_two_names_in two_names;     /* issue 13: networks */
	struct cmrp_name_list_in name_list;     /* issue 13: networks */
};
union cmrp_any_out {
	struct cmrp_status_result_out status_result;
	struct cmrp_close_out close;
	struct cmrp_result_out result;
	struct cmrp_key_security_out key_security;
	struct cmrp_open_cluster_out open_cluster;
	struct cmrp_cluster_name_out cluster_name;
	struct cmrp_version_out version;
	struct cmrp_open_object_out open_object;
	struct cmrp_state_out state;
	struct cmrp_string_result_out string_result;
	struct cmrp_enum_out enumeration;
	struct cmrp_quorum_out quorum;
	struct cmrp_enum_key_out enum_key;
	struct cmrp_query_value_out query_value;
	struct cmrp_enum_value_out enum_value;
	struct cmrp_query_info_key_out query_info_key;
	struct cmrp_object_enum_out object_enum;
	struct cmrp_control_out control;
	struct cmrp_set_password_out set_password;
	struct cmrp_create_notify_out create_notify;
	struct cmrp_add_notify_out add_notify;
	struct cmrp_get_notify_out get_notify;
};

/* One direction of one shape.  arg is the shape's parameter, given per call
 * by the table (a count of u32s, the lead word, Ex or not, the control kind).
 * decode memsets the struct first and leaves nothing to free when it fails;
 * free (NULL: nothing to free) releases what decode or a handler allocated. */
struct cmrp_codec {
	const char *shape;
	size_t size;
	bool (*encode)(struct ndr_push *p, const void *v, unsigned arg);
	bool (*decode)(struct ndr_pull *in, void *v, unsigned arg);
	void (*free)(void *v);
};

extern const struct cmrp_codec cmrp_codec_empty, cmrp_codec_handle, cmrp_codec_u32, cmrp_codec_name,
	cmrp_codec_name_u32, cmrp_codec_handle_u32s, cmrp_codec_handle_name, cmrp_codec_two_handles,
	cmrp_codec_handle_bool, cmrp_codec_create_resource, cmrp_codec_create_key, cmrp_codec_set_value,
	cmrp_codec_key_security_in, cmrp_codec_control_in, cmrp_codec_props_enum, cmrp_codec_set_password_in,
	cmrp_codec_add_notify, cmrp_codec_create_restype;
extern const struct cmrp_codec cmrp_codec_status_result, cmrp_codec_close, cmrp_codec_result,
	cmrp_codec_key_security_out, cmrp_codec_open_cluster, cmrp_codec_cluster_name, cmrp_codec_version,
	cmrp_codec_open_object, cmrp_codec_state, cmrp_codec_string_result, cmrp_codec_enum, cmrp_codec_quorum,
	cmrp_codec_enum_key, cmrp_codec_query_value, cmrp_codec_enum_value, cmrp_codec_query_info_key,
	cmrp_codec_object_enum, cmrp_codec_control_out, cmrp_codec_set_password_out, cmrp_codec_create_notify,
	cmrp_codec_add_notify_out, cmrp_codec_get_notify;

/* issue 11, dependencies and owners (cmrp_deps.c); in_arg: CMRP_WSTR_*. */
extern const struct cmrp_codec cmrp_codec_handle_wstr;

/* issue 13, networks (cmrp_networks.c) */
extern const struct cmrp_codec cmrp_codec_two_names, cmrp_codec_name_list;

/* Where a context handle sits: its byte offset in the typed struct and what
 * it stands for. */
struct cmrp_handle_slot {
	uint16_t offset;
	uint8_t type; /* enum cmrp_handle_type; CMRP_HANDLE_NONE: no slot */
};
#define CMRP_MAX_IN_HANDLES 2

struct cmrp_op {
	const char *name; /* "ApiOpenClusterEx"; NULL: no such call here */
	enum cmrp_call_kind kind;
	enum cmrp_control_kind control; /* kind == CMRP_CALL_CONTROL only */
	struct cmrp_handle_slot in_handles[CMRP_MAX_IN_HANDLES];
	struct cmrp_handle_slot out_handle;
	const struct cmrp_codec *in;
	unsigned in_arg;
	const struct cmrp_codec *out;
	unsigned out_arg;
};

/* The entry of an opnum, or NULL if we do not know the call. */
const struct cmrp_op *cmrp_op(uint16_t opnum);

/* Read, write or close: a control is a write when its code has the modify bit
 * (22) or asks for write access (bits 0-1 = 2).  in is the call's typed
 * request.  An unknown call is a write (it may have done anything). */
enum cmrp_call_kind cmrp_op_kind(const struct cmrp_op *op, const void *in);

/* The handle at a slot of a typed struct. */
static inline struct rpc_ctx_handle *cmrp_slot_handle(void *args, const struct cmrp_handle_slot *slot)
{
	return (struct rpc_ctx_handle *)((uint8_t *)args + slot->offset);
}

#endif
