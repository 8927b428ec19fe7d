/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * MS-CMRP calls on cluster objects (resources, groups, nodes, networks,
 * network interfaces, group sets, the cluster registry) and the control
 * calls: the wire codecs beyond the cluster-level calls in cmrp.h.
 *
 * Many calls share a wire shape, so there is one codec per shape, not per
 * call; which opnum uses which shape (and with which parameter: a count of
 * u32s, the lead word, Ex or not, the control kind) is its entry in the table
 * of opnums, src/cmrp/cmrp_table.c.  Conventions are those of cmrp.h: out
 * parameters in order and the return value (WERROR, or the context handle the
 * IDL returns) last; every decoder ends with cmrp_decode_done(), memsets its
 * output first and frees whatever it had decoded when it fails; strings are
 * malloc'd struct cmrp_string freed by the *_free() functions (a NULL unique
 * pointer decodes as s == NULL).
 *
 * Decoders of [in] data face the network: names are capped at
 * CMRP_MAX_NAME_UNITS, byte buffers at CMRP_MAX_BUFFER_BYTES, lists at
 * CMRP_MAX_ENUM_ENTRIES, and every count is checked against the bytes present
 * before anything is allocated.
 */
#ifndef CMRP_CMRP_OBJECTS_H
#define CMRP_CMRP_OBJECTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cmrp/cmrp.h"

enum cmrp_object_opnum {
	CMRP_GET_QUORUM_RESOURCE = 5,
	CMRP_SET_QUORUM_RESOURCE = 6,
	CMRP_CREATE_ENUM = 7,
	CMRP_OPEN_RESOURCE = 8,
	CMRP_CREATE_RESOURCE = 9,
	CMRP_DELETE_RESOURCE = 10,
	CMRP_CLOSE_RESOURCE = 11,
	CMRP_GET_RESOURCE_STATE = 12,
	CMRP_SET_RESOURCE_NAME = 13,
	CMRP_GET_RESOURCE_ID = 14,
	CMRP_GET_RESOURCE_TYPE = 15,
	CMRP_FAIL_RESOURCE = 16,
	CMRP_ONLINE_RESOURCE = 17,
	CMRP_OFFLINE_RESOURCE = 18,
	CMRP_CREATE_RES_ENUM = 22,
	CMRP_CREATE_RESOURCE_TYPE = 26, /* restypes */
	CMRP_DELETE_RESOURCE_TYPE = 27, /* restypes */
	CMRP_GET_ROOT_KEY = 28,
	CMRP_CREATE_KEY = 29,
	CMRP_OPEN_KEY = 30,
	CMRP_ENUM_KEY = 31,
	CMRP_SET_VALUE = 32,
	CMRP_DELETE_VALUE = 33,
	CMRP_QUERY_VALUE = 34,
	CMRP_DELETE_KEY = 35,
	CMRP_ENUM_VALUE = 36,
	CMRP_CLOSE_KEY = 37,
	CMRP_QUERY_INFO_KEY = 38,
	CMRP_SET_KEY_SECURITY = 39,
	CMRP_GET_KEY_SECURITY = 40,
	CMRP_OPEN_GROUP = 41,
	CMRP_CREATE_GROUP = 42,
	CMRP_DELETE_GROUP = 43,
	CMRP_CLOSE_GROUP = 44,
	CMRP_GET_GROUP_STATE = 45,
	CMRP_SET_GROUP_NAME = 46,
	CMRP_GET_GROUP_ID = 47,
	CMRP_GET_NODE_ID = 48,
	CMRP_ONLINE_GROUP = 49,
	CMRP_OFFLINE_GROUP = 50,
	CMRP_MOVE_GROUP = 51,
	CMRP_MOVE_GROUP_TO_NODE = 52,
	CMRP_CREATE_GROUP_RESOURCE_ENUM = 53,
	CMRP_OPEN_NODE = 66,
	CMRP_CLOSE_NODE = 67,
	CMRP_GET_NODE_STATE = 68,
	CMRP_PAUSE_NODE = 69,
	CMRP_RESUME_NODE = 70,
	CMRP_EVICT_NODE = 71,
	CMRP_NODE_RESOURCE_CONTROL = 72,
	CMRP_RESOURCE_CONTROL = 73,
	CMRP_NODE_RESOURCE_TYPE_CONTROL = 74,
	CMRP_RESOURCE_TYPE_CONTROL = 75,
	CMRP_NODE_GROUP_CONTROL = 76,
	CMRP_GROUP_CONTROL = 77,
	CMRP_NODE_NODE_CONTROL = 78,
	CMRP_NODE_CONTROL = 79,
	CMRP_OPEN_NETWORK = 81,
	CMRP_CLOSE_NETWORK = 82,
	CMRP_GET_NETWORK_STATE = 83,
	CMRP_GET_NETWORK_ID = 86,
	CMRP_NODE_NETWORK_CONTROL = 88,
	CMRP_NETWORK_CONTROL = 89,
	CMRP_OPEN_NET_INTERFACE = 92,
	CMRP_CLOSE_NET_INTERFACE = 93,
	CMRP_GET_NET_INTERFACE_STATE = 94,
	CMRP_GET_NET_INTERFACE_ID = 96,
	CMRP_NODE_NET_INTERFACE_CONTROL = 97,
	CMRP_NET_INTERFACE_CONTROL = 98,
	CMRP_CREATE_NODE_ENUM = 101,
	CMRP_CREATE_RES_TYPE_ENUM = 103,
	CMRP_BACKUP_CLUSTER_DATABASE = 104,
	CMRP_NODE_CLUSTER_CONTROL = 105,
	CMRP_CLUSTER_CONTROL = 106,
	CMRP_SET_SERVICE_ACCOUNT_PASSWORD = 108,
	CMRP_GET_RESOURCE_DEPENDENCY_EXPRESSION = 110,
	CMRP_GET_RESOURCE_NETWORK_NAME = 112,
	CMRP_OPEN_NODE_EX = 118,
	CMRP_OPEN_GROUP_EX = 119,
	CMRP_OPEN_RESOURCE_EX = 120,
	CMRP_OPEN_NETWORK_EX = 121,
	CMRP_OPEN_NET_INTERFACE_EX = 122,
	CMRP_CREATE_NODE_ENUM_EX = 124,
	CMRP_CREATE_ENUM_EX = 125,
	CMRP_CREATE_GROUP_ENUM = 143,
	CMRP_CREATE_RESOURCE_ENUM = 144,
	CMRP_CREATE_GROUP_SET = 163,
	CMRP_OPEN_GROUP_SET = 164,
	CMRP_CLOSE_GROUP_SET = 165,
	CMRP_NODE_GROUP_SET_CONTROL = 173,
	CMRP_GROUP_SET_CONTROL = 174,
	CMRP_CREATE_GROUP_SET_ENUM = 180,
};

/* Longest byte buffer (control buffers, registry data, property lists,
 * security descriptors) we accept in either direction. */
#define CMRP_MAX_BUFFER_BYTES (1024u * 1024u)
/* Most entries in one enumeration list. */
#define CMRP_MAX_ENUM_ENTRIES 65536u
/* SetServiceAccountPassword: [range(0, 64 * 1024)] ReturnStatusBufferSize. */
#define CMRP_MAX_PASSWORD_STATUS 65536u

/* A [unique, size_is(len)] byte array.  `len` is the size the call names
 * (nInBufferSize, cbProperties...), kept even when the pointer is NULL;
 * data holds len bytes when present (NULL if len is 0). */
struct cmrp_blob {
	bool present;
	uint8_t *data;
	uint32_t len;
};

void cmrp_blob_free(struct cmrp_blob *b);

/* ==== [in] shapes ======================================================== */

/* (string) -- OpenResource, OpenGroup, CreateGroup, OpenNode, OpenNetwork,
 * OpenNetInterface, BackupClusterDatabase, CreateGroupSet, OpenGroupSet. */
bool cmrp_name_encode_in(struct ndr_push *p, const uint16_t *name, size_t units);
bool cmrp_name_decode_in(struct ndr_pull *in, struct cmrp_string *name);

/* (string, u32) -- Open*Ex (desired access), CreateResTypeEnum (dwType). */
bool cmrp_name_u32_encode_in(struct ndr_push *p, const uint16_t *name, size_t units, uint32_t v);
bool cmrp_name_u32_decode_in(struct ndr_pull *in, struct cmrp_string *name, uint32_t *v);

/* (u32) -- CreateEnum (dwType), GetRootKey (samDesired). */
bool cmrp_u32_encode_in(struct ndr_push *p, uint32_t v);
bool cmrp_u32_decode_in(struct ndr_pull *in, uint32_t *v);

/* (handle, n x u32), n <= 4 -- CreateResEnum, EnumKey, CreateGroupResourceEnum,
 * CreateNodeEnum (n=1); EnumValue, CreateNodeEnumEx, CreateEnumEx (n=2). */
bool cmrp_handle_u32s_encode_in(struct ndr_push *p, const struct rpc_ctx_handle *h, const uint32_t *v, size_t n);
bool cmrp_handle_u32s_decode_in(struct ndr_pull *in, struct rpc_ctx_handle *h, uint32_t *v, size_t n);

/* (handle, string, n x u32), n <= 4 -- SetResourceName, SetGroupName,
 * DeleteValue, DeleteKey (n=0); SetQuorumResource, OpenKey, QueryValue (n=1). */
bool cmrp_handle_name_encode_in(struct ndr_push *p, const struct rpc_ctx_handle *h, const uint16_t *name,
				size_t units, const uint32_t *v, size_t n);
bool cmrp_handle_name_decode_in(struct ndr_pull *in, struct rpc_ctx_handle *h, struct cmrp_string *name,
				uint32_t *v, size_t n);

/* (handle, handle) -- MoveGroupToNode. */
bool cmrp_two_handles_encode_in(struct ndr_push *p, const struct rpc_ctx_handle *a, const struct rpc_ctx_handle *b);
bool cmrp_two_handles_decode_in(struct ndr_pull *in, struct rpc_ctx_handle *a, struct rpc_ctx_handle *b);

/* (handle, BOOL) -- DeleteGroup (force).  MS-CMRP has [in] BOOL force (4
 * bytes), Samba's IDL boolean8 (1 byte): the encoder writes the spec's 4
 * bytes, the decoder takes either (a stub of 21 to 23 bytes is the 1-byte
 * form).  Any non-zero value is true. */
bool cmrp_handle_bool_encode_in(struct ndr_push *p, const struct rpc_ctx_handle *h, bool v);
bool cmrp_handle_bool_decode_in(struct ndr_pull *in, struct rpc_ctx_handle *h, bool *v);

/* ---- 9 CreateResource: (group, name, type, flags) ------------------------- */
struct cmrp_create_resource_in {
	struct rpc_ctx_handle group;
	struct cmrp_string name;
	struct cmrp_string type;
	uint32_t flags;
};
bool cmrp_create_resource_encode_in(struct ndr_push *p, const struct cmrp_create_resource_in *r);
bool cmrp_create_resource_decode_in(struct ndr_pull *in, struct cmrp_create_resource_in *r);
void cmrp_create_resource_in_free(struct cmrp_create_resource_in *r);

/* ---- 26 CreateResourceType: (type name, display name, dll name, looks alive,
 * is alive) [restypes] ----------------------------------------------------------- */
struct cmrp_create_restype_in {
	struct cmrp_string name;
	struct cmrp_string display;
	struct cmrp_string dll;
	uint32_t looks_alive;
	uint32_t is_alive;
};
bool cmrp_create_restype_encode_in(struct ndr_push *p, const struct cmrp_create_restype_in *r);
bool cmrp_create_restype_decode_in(struct ndr_pull *in, struct cmrp_create_restype_in *r);
void cmrp_create_restype_in_free(struct cmrp_create_restype_in *r);

/* RPC_SECURITY_DESCRIPTOR: [size_is(cb_in), length_is(cb_out)] bytes.
 * data holds cb_out bytes when present. */
struct cmrp_security_descriptor {
	bool present;
	uint8_t *data;
	uint32_t cb_in;
	uint32_t cb_out;
};
void cmrp_security_descriptor_free(struct cmrp_security_descriptor *sd);

/* ---- 29 CreateKey: (key, subkey, options, sam, [unique] security attrs) --- */
struct cmrp_create_key_in {
	struct rpc_ctx_handle key;
	struct cmrp_string subkey;
	uint32_t options;
	uint32_t sam_desired;
	bool has_attributes; /* lpSecurityAttributes != NULL */
	uint32_t attr_length;
	struct cmrp_security_descriptor sd;
	int32_t inherit;
};
bool cmrp_create_key_encode_in(struct ndr_push *p, const struct cmrp_create_key_in *r);
bool cmrp_create_key_decode_in(struct ndr_pull *in, struct cmrp_create_key_in *r);
void cmrp_create_key_in_free(struct cmrp_create_key_in *r);

/* ---- 32 SetValue: (key, name, type, [ref, size_is(len)] data, len) --------- */
struct cmrp_set_value_in {
	struct rpc_ctx_handle key;
	struct cmrp_string name;
	uint32_t type;
	uint8_t *data; /* len bytes, NULL if len is 0 */
	uint32_t len;
};
bool cmrp_set_value_encode_in(struct ndr_push *p, const struct cmrp_set_value_in *r);
bool cmrp_set_value_decode_in(struct ndr_pull *in, struct cmrp_set_value_in *r);
void cmrp_set_value_in_free(struct cmrp_set_value_in *r);

/* ---- 40 GetKeySecurity: (key, secinfo, [in,out] descriptor) --------------- */
/* [out]: (descriptor, rpc_status, result) */
bool cmrp_key_security_encode_in(struct ndr_push *p, const struct rpc_ctx_handle *key, uint32_t secinfo,
				 const struct cmrp_security_descriptor *sd);
bool cmrp_key_security_decode_in(struct ndr_pull *in, struct rpc_ctx_handle *key, uint32_t *secinfo,
				 struct cmrp_security_descriptor *sd);
bool cmrp_key_security_encode_out(struct ndr_push *p, const struct cmrp_security_descriptor *sd,
				  uint32_t rpc_status, uint32_t result);
bool cmrp_key_security_decode_out(struct ndr_pull *in, struct cmrp_security_descriptor *sd, uint32_t *rpc_status,
				  uint32_t *result);

/* ---- the control calls ---------------------------------------------------- */
/* [in]: (handle, [type name], [node handle], code, [unique, size_is(in.len)]
 *        in buffer, in.len, out_size)
 * [out]: ([size_is(out_size), length_is(returned)] out buffer, returned,
 *         required, rpc_status, result) */
enum cmrp_control_kind {
	CMRP_CONTROL_PLAIN,     /* ResourceControl, GroupControl, NodeControl, NetworkControl,
				   NetInterfaceControl, ClusterControl, GroupSetControl */
	CMRP_CONTROL_NODE,      /* Node*Control: the object's handle, then a node handle */
	CMRP_CONTROL_TYPE,      /* ResourceTypeControl: cluster handle, then a type name */
	CMRP_CONTROL_TYPE_NODE, /* NodeResourceTypeControl: cluster, type name, node */
};
struct cmrp_control_in {
	struct rpc_ctx_handle handle;
	struct cmrp_string type_name; /* TYPE, TYPE_NODE */
	struct rpc_ctx_handle node;   /* NODE, TYPE_NODE */
	uint32_t code;
	struct cmrp_blob in;          /* in.len is nInBufferSize */
	uint32_t out_size;            /* nOutBufferSize: not allocated by the decoder */
};
bool cmrp_control_encode_in(struct ndr_push *p, const struct cmrp_control_in *r, enum cmrp_control_kind kind);
bool cmrp_control_decode_in(struct ndr_pull *in, struct cmrp_control_in *r, enum cmrp_control_kind kind);
void cmrp_control_in_free(struct cmrp_control_in *r);

struct cmrp_control_out {
	uint32_t out_size; /* the array's max_count: the request's nOutBufferSize */
	uint8_t *data;     /* returned bytes, NULL if returned is 0 */
	uint32_t returned; /* lpBytesReturned, <= out_size */
	uint32_t required; /* lpcbRequired */
	uint32_t rpc_status;
	uint32_t result;
};
bool cmrp_control_encode_out(struct ndr_push *p, const struct cmrp_control_out *o);
bool cmrp_control_decode_out(struct ndr_pull *in, struct cmrp_control_out *o);
void cmrp_control_out_free(struct cmrp_control_out *o);

/* ---- 143 CreateGroupEnum / 144 CreateResourceEnum [in] -------------------- */
/* (cluster, [unique, size_is] properties, cb, [unique, size_is] ro properties, cb) */
struct cmrp_props_enum_in {
	struct rpc_ctx_handle cluster;
	struct cmrp_blob props;
	struct cmrp_blob ro_props;
};
bool cmrp_props_enum_encode_in(struct ndr_push *p, const struct cmrp_props_enum_in *r);
bool cmrp_props_enum_decode_in(struct ndr_pull *in, struct cmrp_props_enum_in *r);
void cmrp_props_enum_in_free(struct cmrp_props_enum_in *r);

/* ---- 108 SetServiceAccountPassword --------------------------------------- */
/* [in]: (password, flags, ReturnStatusBufferSize) */
struct cmrp_set_password_in {
	struct cmrp_string password;
	uint32_t flags;
	uint32_t buffer_size; /* in entries, <= CMRP_MAX_PASSWORD_STATUS */
};
bool cmrp_set_password_encode_in(struct ndr_push *p, const struct cmrp_set_password_in *r);
bool cmrp_set_password_decode_in(struct ndr_pull *in, struct cmrp_set_password_in *r);
void cmrp_set_password_in_free(struct cmrp_set_password_in *r);

/* [out]: ([size_is(buffer_size), length_is(count)] statuses, SizeReturned,
 *         ExpectedBufferSize, result) -- no rpc_status in this call */
struct cmrp_password_status {
	uint32_t node_id;
	bool set_attempted;
	uint32_t status;
};
struct cmrp_set_password_out {
	uint32_t buffer_size; /* the array's max_count */
	uint32_t count;       /* SizeReturned, <= buffer_size */
	struct cmrp_password_status *entries;
	uint32_t expected;    /* ExpectedBufferSize */
	uint32_t result;
};
bool cmrp_set_password_encode_out(struct ndr_push *p, const struct cmrp_set_password_out *o);
bool cmrp_set_password_decode_out(struct ndr_pull *in, struct cmrp_set_password_out *o);
void cmrp_set_password_out_free(struct cmrp_set_password_out *o);

/* ==== [out] shapes ======================================================= */

/* (Status, rpc_status, handle), or (lead, Status, rpc_status, handle) with
 * lead: the Open*Ex calls (granted access) and CreateKey (disposition). */
struct cmrp_open_object_out {
	union {
		uint32_t granted;
		uint32_t disposition;
	};
	uint32_t status;
	uint32_t rpc_status;
	struct rpc_ctx_handle handle;
};
bool cmrp_open_object_encode_out(struct ndr_push *p, const struct cmrp_open_object_out *o, bool lead);
bool cmrp_open_object_decode_out(struct ndr_pull *in, struct cmrp_open_object_out *o, bool lead);

/* (state, [node name], [group name], rpc_status, result): strings is 0 for
 * nodes, networks and interfaces, 1 for groups (owner node), 2 for resources
 * (owner node, group). */
struct cmrp_state_out {
	uint32_t state;
	struct cmrp_string node;
	struct cmrp_string group;
	uint32_t rpc_status;
	uint32_t result;
};
bool cmrp_state_encode_out(struct ndr_push *p, const struct cmrp_state_out *o, unsigned strings);
bool cmrp_state_decode_out(struct ndr_pull *in, struct cmrp_state_out *o, unsigned strings);
void cmrp_state_out_free(struct cmrp_state_out *o);

/* (string, rpc_status, result): the Get*Id calls, GetResourceType,
 * GetResourceDependencyExpression, GetResourceNetworkName. */
struct cmrp_string_result_out {
	struct cmrp_string str;
	uint32_t rpc_status;
	uint32_t result;
};
bool cmrp_string_result_encode_out(struct ndr_push *p, const struct cmrp_string_result_out *o);
bool cmrp_string_result_decode_out(struct ndr_pull *in, struct cmrp_string_result_out *o);
void cmrp_string_result_out_free(struct cmrp_string_result_out *o);

/* ENUM_LIST: { EntryCount; [size_is(EntryCount)] { Type; [string] Name } } */
struct cmrp_enum_entry {
	uint32_t type;
	struct cmrp_string name; /* s == NULL: a NULL Name */
};
struct cmrp_enum_list {
	bool present; /* the [out] ENUM_LIST ** was not NULL */
	uint32_t count;
	struct cmrp_enum_entry *entries;
};
void cmrp_enum_list_free(struct cmrp_enum_list *l);

/* (list, rpc_status, result), or with ex (id list, name list, rpc_status,
 * result) for CreateEnumEx and CreateNodeEnumEx. */
struct cmrp_enum_out {
	struct cmrp_enum_list list;  /* ReturnEnum, or ReturnIdEnum (ex) */
	struct cmrp_enum_list names; /* ReturnNameEnum (ex only) */
	uint32_t rpc_status;
	uint32_t result;
};
bool cmrp_enum_encode_out(struct ndr_push *p, const struct cmrp_enum_out *o, bool ex);
bool cmrp_enum_decode_out(struct ndr_pull *in, struct cmrp_enum_out *o, bool ex);
void cmrp_enum_out_free(struct cmrp_enum_out *o);

/* ---- 5 GetQuorumResource: (resource, device, max log size, rpc_status, result) */
struct cmrp_quorum_out {
	struct cmrp_string resource;
	struct cmrp_string device;
	uint32_t max_log_size;
	uint32_t rpc_status;
	uint32_t result;
};
bool cmrp_quorum_encode_out(struct ndr_push *p, const struct cmrp_quorum_out *o);
bool cmrp_quorum_decode_out(struct ndr_pull *in, struct cmrp_quorum_out *o);
void cmrp_quorum_out_free(struct cmrp_quorum_out *o);

/* ---- 31 EnumKey: (name, FILETIME last write, rpc_status, result) --------- */
struct cmrp_enum_key_out {
	struct cmrp_string name;
	uint64_t last_write;
	uint32_t rpc_status;
	uint32_t result;
};
bool cmrp_enum_key_encode_out(struct ndr_push *p, const struct cmrp_enum_key_out *o);
bool cmrp_enum_key_decode_out(struct ndr_pull *in, struct cmrp_enum_key_out *o);
void cmrp_enum_key_out_free(struct cmrp_enum_key_out *o);

/* ---- 34 QueryValue: (type, [size_is(cbData)] data, required, rpc_status, result)
 * The whole cbData-byte array travels (no length_is): len is the request's
 * cbData, which the server must therefore cap (the [in] decoder does not know
 * which call it decodes: check len <= CMRP_MAX_BUFFER_BYTES before replying). */
struct cmrp_query_value_out {
	uint32_t type;
	uint8_t *data; /* len bytes, NULL if len is 0 */
	uint32_t len;
	uint32_t required;
	uint32_t rpc_status;
	uint32_t result;
};
bool cmrp_query_value_encode_out(struct ndr_push *p, const struct cmrp_query_value_out *o);
bool cmrp_query_value_decode_out(struct ndr_pull *in, struct cmrp_query_value_out *o);
void cmrp_query_value_out_free(struct cmrp_query_value_out *o);

/* ---- 36 EnumValue: (name, type, [size_is(*lpcbData)] data, lpcbData,
 *                     TotalSize, rpc_status, result) ------------------------- */
struct cmrp_enum_value_out {
	struct cmrp_string name;
	uint32_t type;
	uint8_t *data; /* len bytes (len is the out *lpcbData), NULL if len is 0 */
	uint32_t len;
	uint32_t total_size;
	uint32_t rpc_status;
	uint32_t result;
};
bool cmrp_enum_value_encode_out(struct ndr_push *p, const struct cmrp_enum_value_out *o);
bool cmrp_enum_value_decode_out(struct ndr_pull *in, struct cmrp_enum_value_out *o);
void cmrp_enum_value_out_free(struct cmrp_enum_value_out *o);

/* ---- 38 QueryInfoKey: (6 x u32, NTTIME, rpc_status, result) -------------- */
struct cmrp_query_info_key_out {
	uint32_t subkeys;
	uint32_t max_subkey_len;
	uint32_t values;
	uint32_t max_value_name_len;
	uint32_t max_value_len;
	uint32_t security_descriptor;
	uint64_t last_write;
	uint32_t rpc_status;
	uint32_t result;
};
bool cmrp_query_info_key_encode_out(struct ndr_push *p, const struct cmrp_query_info_key_out *o);
bool cmrp_query_info_key_decode_out(struct ndr_pull *in, struct cmrp_query_info_key_out *o);

/* ---- 143 / 144: GROUP_ENUM_LIST / RESOURCE_ENUM_LIST ---------------------- */
/* A group entry has name, id, state, owner (node name), flags; a resource
 * entry has name, id, owner_name (group), owner_id.  Both carry the two
 * property lists. */
struct cmrp_object_enum_entry {
	struct cmrp_string name;
	struct cmrp_string id;
	struct cmrp_string owner;    /* group: Owner; resource: OwnerName */
	struct cmrp_string owner_id; /* resource only */
	uint32_t state;              /* group only */
	uint32_t flags;              /* group only */
	struct cmrp_blob props;
	struct cmrp_blob ro_props;
};
struct cmrp_object_enum_out {
	bool present; /* the [out] *_ENUM_LIST ** was not NULL */
	uint32_t count;
	struct cmrp_object_enum_entry *entries;
	uint32_t rpc_status;
	uint32_t result;
};
bool cmrp_object_enum_encode_out(struct ndr_push *p, const struct cmrp_object_enum_out *o, bool group);
bool cmrp_object_enum_decode_out(struct ndr_pull *in, struct cmrp_object_enum_out *o, bool group);
void cmrp_object_enum_out_free(struct cmrp_object_enum_out *o);

#endif
