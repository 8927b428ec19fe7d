/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * MS-CMRP version 1 notification ports (protocol version 3): the wire codecs.
 * Conventions are those of cmrp.h and cmrp_objects.h: out parameters in order,
 * the return value last; decoders memset their output first and end with
 * cmrp_decode_done().
 * Which opnum uses which codec: the table of opnums, cmrp_table.c.
 */
#ifndef CMRP_CMRP_NOTIFY_H
#define CMRP_CMRP_NOTIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "cmrp/cmrp.h"

enum cmrp_notify_opnum {
	CMRP_CREATE_NOTIFY = 55,
	CMRP_CLOSE_NOTIFY = 56,
	CMRP_ADD_NOTIFY_CLUSTER = 57,
	CMRP_ADD_NOTIFY_NODE = 58,
	CMRP_ADD_NOTIFY_GROUP = 59,
	CMRP_ADD_NOTIFY_RESOURCE = 60,
	CMRP_ADD_NOTIFY_KEY = 61,
	CMRP_READD_NOTIFY_NODE = 62,
	CMRP_READD_NOTIFY_GROUP = 63,
	CMRP_READD_NOTIFY_RESOURCE = 64,
	CMRP_GET_NOTIFY = 65,
	CMRP_ADD_NOTIFY_NETWORK = 90,
	CMRP_READD_NOTIFY_NETWORK = 91,
	CMRP_ADD_NOTIFY_NET_INTERFACE = 99,
	CMRP_READD_NOTIFY_NET_INTERFACE = 100,
	CMRP_UNBLOCK_GET_NOTIFY_CALL = 107,
};

/* CLUSTER_CHANGE (MS-CMRP 2.2.2.7) */
#define CLUSTER_CHANGE_NODE_STATE 0x00000001u
#define CLUSTER_CHANGE_NODE_DELETED 0x00000002u
#define CLUSTER_CHANGE_NODE_ADDED 0x00000004u
#define CLUSTER_CHANGE_NODE_PROPERTY 0x00000008u
#define CLUSTER_CHANGE_REGISTRY_NAME 0x00000010u
#define CLUSTER_CHANGE_REGISTRY_ATTRIBUTES 0x00000020u
#define CLUSTER_CHANGE_REGISTRY_VALUE 0x00000040u
#define CLUSTER_CHANGE_REGISTRY_SUBTREE 0x00000080u
#define CLUSTER_CHANGE_RESOURCE_STATE 0x00000100u
#define CLUSTER_CHANGE_RESOURCE_DELETED 0x00000200u
#define CLUSTER_CHANGE_RESOURCE_ADDED 0x00000400u
#define CLUSTER_CHANGE_RESOURCE_PROPERTY 0x00000800u
#define CLUSTER_CHANGE_GROUP_STATE 0x00001000u
#define CLUSTER_CHANGE_GROUP_DELETED 0x00002000u
#define CLUSTER_CHANGE_GROUP_ADDED 0x00004000u
#define CLUSTER_CHANGE_GROUP_PROPERTY 0x00008000u
#define CLUSTER_CHANGE_RESOURCE_TYPE_DELETED 0x00010000u
#define CLUSTER_CHANGE_RESOURCE_TYPE_ADDED 0x00020000u
#define CLUSTER_CHANGE_RESOURCE_TYPE_PROPERTY 0x00040000u
#define CLUSTER_CHANGE_CLUSTER_RECONNECT 0x00080000u
#define CLUSTER_CHANGE_NETWORK_STATE 0x00100000u
#define CLUSTER_CHANGE_NETWORK_DELETED 0x00200000u
#define CLUSTER_CHANGE_NETWORK_ADDED 0x00400000u
#define CLUSTER_CHANGE_NETWORK_PROPERTY 0x00800000u
#define CLUSTER_CHANGE_NETINTERFACE_STATE 0x01000000u
#define CLUSTER_CHANGE_NETINTERFACE_DELETED 0x02000000u
#define CLUSTER_CHANGE_NETINTERFACE_ADDED 0x04000000u
#define CLUSTER_CHANGE_NETINTERFACE_PROPERTY 0x08000000u
#define CLUSTER_CHANGE_QUORUM_STATE 0x10000000u
#define CLUSTER_CHANGE_CLUSTER_STATE 0x20000000u
#define CLUSTER_CHANGE_CLUSTER_PROPERTY 0x40000000u
#define CLUSTER_CHANGE_HANDLE_CLOSE 0x80000000u

/* ---- 55 ApiCreateNotify: () -> (Status, rpc_status, handle) --------------- */
struct cmrp_create_notify_out {
	uint32_t status;
	uint32_t rpc_status;
	struct rpc_ctx_handle handle;
};
bool cmrp_create_notify_encode_out(struct ndr_push *p, const struct cmrp_create_notify_out *o);
bool cmrp_create_notify_decode_out(struct ndr_pull *in, struct cmrp_create_notify_out *o);

/* ---- 57-60, 90, 99 ApiAddNotify*: (hNotify, hObject, dwFilter, dwNotifyKey)
 * ---- 62-64, 91, 100 ApiReAddNotify*: the same, then StateSequence
 * ---- 61 ApiAddNotifyKey: (hNotify, hKey, dwNotifyKey, Filter, BOOL
 *      WatchSubTree): the key before the filter ----------------------------- */
enum cmrp_add_notify_shape {
	CMRP_ADD_NOTIFY_PLAIN = 0,
	CMRP_ADD_NOTIFY_READD = 1,
	CMRP_ADD_NOTIFY_ON_KEY = 2,
};
struct cmrp_add_notify_in {
	struct rpc_ctx_handle notify;
	struct rpc_ctx_handle object;
	uint32_t filter;
	uint32_t key;
	uint32_t sequence; /* ReAdd only */
	bool subtree; /* AddNotifyKey only */
};
bool cmrp_add_notify_encode_in(struct ndr_push *p, const struct cmrp_add_notify_in *a,
			       enum cmrp_add_notify_shape shape);
bool cmrp_add_notify_decode_in(struct ndr_pull *in, struct cmrp_add_notify_in *a, enum cmrp_add_notify_shape shape);

/* ---- 58-60, 90, 99 out: (dwStateSequence, rpc_status, result) ------------ */
struct cmrp_add_notify_out {
	uint32_t sequence;
	uint32_t rpc_status;
	uint32_t result;
};
bool cmrp_add_notify_encode_out(struct ndr_push *p, const struct cmrp_add_notify_out *o);
bool cmrp_add_notify_decode_out(struct ndr_pull *in, struct cmrp_add_notify_out *o);

/* ---- 65 ApiGetNotify: (hNotify) -> (key, filter, sequence, Name, rpc_status,
 * result) ------------------------------------------------------------------- */
struct cmrp_get_notify_out {
	uint32_t key;
	uint32_t filter;
	uint32_t sequence;
	struct cmrp_string name; /* s == NULL: a NULL pointer */
	uint32_t rpc_status;
	uint32_t result;
};
bool cmrp_get_notify_encode_out(struct ndr_push *p, const struct cmrp_get_notify_out *o);
bool cmrp_get_notify_decode_out(struct ndr_pull *in, struct cmrp_get_notify_out *o);
void cmrp_get_notify_out_free(struct cmrp_get_notify_out *o);

/* ---- 107 ApiUnblockGetNotifyCall: (hNotify) -> result -------------------- */
bool cmrp_result_encode_out(struct ndr_push *p, uint32_t result);
bool cmrp_result_decode_out(struct ndr_pull *in, uint32_t *result);

#endif
