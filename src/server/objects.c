/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Nodes, groups, resources, resource types, networks, network interfaces and
 * group sets: open/close, state, id, create/delete/rename, online/offline,
 * pause/resume, and the enumerations.  Every object call resolves its handle in
 * this session's table (another session's, a closed or a forged handle is
 * ERROR_INVALID_HANDLE), reads the object fresh from the backend, checks the
 * handle's rights for anything that changes the cluster, and answers with a
 * Windows status: never a fault, except for a stub that does not decode.
 *
 * Group sets: this backend has no separate set objects; every group is also
 * the group set of the same name (Windows Server 2016 gives each group a set).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "ops.h"

#define CLUSTER_ENUM_NODE 0x1u
#define CLUSTER_ENUM_RESTYPE 0x2u
#define CLUSTER_ENUM_RESOURCE 0x4u
#define CLUSTER_ENUM_GROUP 0x8u
#define CLUSTER_ENUM_NETWORK 0x10u
#define CLUSTER_ENUM_NETINTERFACE 0x20u
#define CLUSTER_ENUM_SHARED_VOLUME_RESOURCE 0x40000000u
#define CLUSTER_ENUM_INTERNAL_NETWORK 0x80000000u
#define CLUSTER_ENUM_KNOWN                                                                                        \
	(CLUSTER_ENUM_NODE | CLUSTER_ENUM_RESTYPE | CLUSTER_ENUM_RESOURCE | CLUSTER_ENUM_GROUP |                  \
	 CLUSTER_ENUM_NETWORK | CLUSTER_ENUM_NETINTERFACE | CLUSTER_ENUM_SHARED_VOLUME_RESOURCE |                 \
	 CLUSTER_ENUM_INTERNAL_NETWORK)

static struct backend *BE(struct session *s)
{
	return s->server->be;
}

/* ---- reply helpers ------------------------------------------------------- */

static void reply_status(struct ndr_push *out, uint32_t result)
{
	cmrp_status_result_encode_out(out, ERROR_SUCCESS, result);
}

/* ---- opening objects by name ---------------------------------------------- */

/* Open*, Open*Ex, OpenGroupSet: a handle of `type` for the object of `kind`
 * with that name, or a zeroed one with the error.  Plain opens get what the
 * caller's ACL allows (at least Read). */
static uint32_t open_named(struct session *s, enum be_kind kind, uint8_t type, struct ndr_pull *in,
			   struct ndr_push *out, bool ex)
{
	struct cmrp_open_object_out o = { 0 };
	struct cmrp_string name;
	uint32_t desired = MAXIMUM_ALLOWED;
	struct be_object obj;
	unsigned rights;

	if (ex ? !cmrp_name_u32_decode_in(in, &name, &desired) : !cmrp_name_decode_in(in, &name))
		return NCA_S_FAULT_NDR;
	char *utf8 = ops_utf8(&name);
	cmrp_string_free(&name);
	o.status = access_grant(desired, ops_caller_rights(s), &rights, &o.granted);
	if (!o.status) {
		/* A name that is not valid UTF-16 names nothing. */
		o.status = utf8 ? ops_be_error(BE(s)->ops->lookup(BE(s), kind, utf8, &obj), kind)
				: ops_be_error(BE_NOT_FOUND, kind);
	}
	free(utf8);
	if (!o.status && !session_handle_new(s, type, (uint8_t)rights, obj.id, NULL, &o.handle))
		o.status = ERROR_NOT_ENOUGH_MEMORY;
	if (o.status) {
		o.granted = 0;
		memset(&o.handle, 0, sizeof(o.handle));
	}
	cmrp_open_object_encode_out(out, &o, ex);
	return 0;
}

static uint32_t open_by_name(struct session *s, enum be_kind kind, struct ndr_pull *in, struct ndr_push *out, bool ex)
{
	return open_named(s, kind, ops_handle_type(kind), in, out, ex);
}

/* Close*: a zeroed handle back, or ERROR_INVALID_HANDLE. */
static uint32_t close_handle(struct session *s, uint8_t type, struct ndr_pull *in, struct ndr_push *out)
{
	struct rpc_ctx_handle h;
	if (!cmrp_handle_decode(in, &h))
		return NCA_S_FAULT_NDR;
	uint32_t result = session_handle_close(s, &h, type) ? ERROR_SUCCESS : ERROR_INVALID_HANDLE;
	if (!result)
		memset(&h, 0, sizeof(h));
	cmrp_close_encode_out(out, &h, result);
	return 0;
}

/* The object behind the handle of a handle-only request. */
static uint32_t decode_object(struct session *s, struct ndr_pull *in, uint8_t type, struct be_object *o,
			      struct handle_entry **e, uint32_t *result)
{
	struct rpc_ctx_handle h;
	if (!cmrp_handle_decode(in, &h))
		return NCA_S_FAULT_NDR;
	*result = ops_object(s, &h, type, o, e);
	return 0;
}

/* Get*State. */
static uint32_t get_state(struct session *s, uint8_t type, unsigned strings, struct ndr_pull *in, struct ndr_push *out)
{
	struct cmrp_state_out o = { 0 };
	struct be_object obj;
	uint32_t fault = decode_object(s, in, type, &obj, NULL, &o.result);
	if (fault)
		return fault;
	if (!o.result) {
		o.state = ops_state(&obj);
		if ((strings >= 1 && !ops_string(&o.node, obj.owner)) ||
		    (strings >= 2 && !ops_string(&o.group, obj.parent)))
			o.result = ERROR_NOT_ENOUGH_MEMORY;
	} else {
		o.state = 0xffffffffu;
	}
	cmrp_state_encode_out(out, &o, strings);
	cmrp_state_out_free(&o);
	return 0;
}

enum string_what { STR_ID, STR_TYPE, STR_DEPENDENCIES, STR_NETWORK_NAME };

struct dep_expr {
	char buf[1024];
	size_t len;
};

/* "[A] and [B]": every resource this one depends on is required
 * (the dependency expression syntax of MS-CMRP). */
static int dep_expr_add(const struct be_object *d, void *arg)
{
	struct dep_expr *x = arg;
	int n = snprintf(x->buf + x->len, sizeof(x->buf) - x->len, "%s[%s]", x->len ? " and " : "", d->name);
	if (n < 0 || (size_t)n >= sizeof(x->buf) - x->len)
		return BE_NO_MEMORY;
	x->len += (size_t)n;
	return 0;
}

/* Get*Id, GetResourceType, GetResourceDependencyExpression, GetResourceNetworkName. */
static uint32_t get_string(struct session *s, uint8_t type, enum string_what what, struct ndr_pull *in,
			   struct ndr_push *out)
{
	struct cmrp_string_result_out o = { 0 };
	struct be_object obj;
	struct dep_expr x = { .len = 0 };
	uint32_t fault = decode_object(s, in, type, &obj, NULL, &o.result);
	if (fault)
		return fault;
	if (!o.result) {
		const char *value = "";
		switch (what) {
		case STR_ID:
			value = obj.id;
			break;
		case STR_TYPE:
			value = obj.type;
			break;
		case STR_DEPENDENCIES:
			o.result = ops_be_error(BE(s)->ops->dependencies(BE(s), obj.id, dep_expr_add, &x), BE_RESOURCE);
			value = x.buf;
			break;
		case STR_NETWORK_NAME:
			/* Every resource is reached through the cluster's network
			 * name on a single-node cluster. */
			value = s->server->id.cluster_name;
			break;
		}
		if (!o.result && !ops_string(&o.str, value))
			o.result = ERROR_NOT_ENOUGH_MEMORY;
	}
	cmrp_string_result_encode_out(out, &o);
	cmrp_string_result_out_free(&o);
	return 0;
}

/* ---- changes ----------------------------------------------------------------- */

/* A handle-only call that changes an object: needs the handle's Change right. */
static uint32_t act(struct session *s, uint8_t type, enum be_action action, struct ndr_pull *in, struct ndr_push *out)
{
	struct be_object obj;
	struct handle_entry *e = NULL;
	uint32_t result;
	uint32_t fault = decode_object(s, in, type, &obj, &e, &result);
	if (fault)
		return fault;
	if (!result && !(e->rights & ACCESS_CHANGE))
		result = ERROR_ACCESS_DENIED;
	if (!result) {
		int rc = BE(s)->ops->act(BE(s), obj.kind, obj.id, action, NULL);
		/* The node calls have errors of their own. */
		if (rc == BE_BUSY && action == BE_ACT_RESUME)
			result = ERROR_CLUSTER_NODE_NOT_PAUSED;
		else if (rc == BE_BUSY && action == BE_ACT_PAUSE)
			result = ERROR_CLUSTER_NODE_PAUSED;
		else
			result = ops_be_error(rc, obj.kind);
	}
	reply_status(out, result);
	return 0;
}

static uint32_t delete_object(struct session *s, uint8_t type, struct ndr_pull *in, struct ndr_push *out)
{
	struct be_object obj;
	struct handle_entry *e = NULL;
	uint32_t result;
	struct rpc_ctx_handle h;
	bool force = false;

	if (type == HANDLE_GROUP ? !cmrp_handle_bool_decode_in(in, &h, &force) : !cmrp_handle_decode(in, &h))
		return NCA_S_FAULT_NDR;
	result = ops_object(s, &h, type, &obj, &e);
	if (!result && !(e->rights & ACCESS_CHANGE))
		result = ERROR_ACCESS_DENIED;
	if (!result)
		result = ops_be_error(BE(s)->ops->remove(BE(s), obj.kind, obj.id), obj.kind);
	/* The handle stays in the table: using it again says the object is gone. */
	reply_status(out, result);
	return 0;
}

static uint32_t rename_object(struct session *s, uint8_t type, struct ndr_pull *in, struct ndr_push *out)
{
	struct be_object obj;
	struct handle_entry *e = NULL;
	struct rpc_ctx_handle h;
	struct cmrp_string name;
	uint32_t result;

	if (!cmrp_handle_name_decode_in(in, &h, &name, NULL, 0))
		return NCA_S_FAULT_NDR;
	char *utf8 = ops_utf8(&name);
	cmrp_string_free(&name);
	result = ops_object(s, &h, type, &obj, &e);
	if (!result && !(e->rights & ACCESS_CHANGE))
		result = ERROR_ACCESS_DENIED;
	if (!result && !utf8)
		result = ERROR_INVALID_NAME;
	if (!result && strcmp(utf8, obj.name) != 0) {
		int rc = BE(s)->ops->rename(BE(s), obj.kind, obj.id, utf8);
		result = rc == BE_INVALID ? ERROR_INVALID_NAME : ops_be_error(rc, obj.kind);
	}
	free(utf8);
	reply_status(out, result);
	return 0;
}

static uint32_t create_group(struct session *s, struct ndr_pull *in, struct ndr_push *out)
{
	struct cmrp_open_object_out o = { 0 };
	struct cmrp_string name;
	struct be_object g;

	if (!cmrp_name_decode_in(in, &name))
		return NCA_S_FAULT_NDR;
	char *utf8 = ops_utf8(&name);
	cmrp_string_free(&name);
	unsigned rights = ops_caller_rights(s);
	if ((rights & ACCESS_ALL) != ACCESS_ALL)
		o.status = ERROR_ACCESS_DENIED;
	else if (!utf8)
		o.status = ERROR_INVALID_NAME;
	else {
		int rc = BE(s)->ops->create(BE(s), BE_GROUP, utf8, NULL, NULL, &g);
		o.status = rc == BE_INVALID ? ERROR_INVALID_NAME : ops_be_error(rc, BE_GROUP);
	}
	free(utf8);
	if (!o.status && !session_handle_new(s, HANDLE_GROUP, (uint8_t)rights, g.id, NULL, &o.handle))
		o.status = ERROR_NOT_ENOUGH_MEMORY;
	cmrp_open_object_encode_out(out, &o, false);
	return 0;
}

static uint32_t create_resource(struct session *s, struct ndr_pull *in, struct ndr_push *out)
{
	struct cmrp_open_object_out o = { 0 };
	struct cmrp_create_resource_in r;
	struct be_object g, res;
	struct handle_entry *e = NULL;

	if (!cmrp_create_resource_decode_in(in, &r))
		return NCA_S_FAULT_NDR;
	char *name = ops_utf8(&r.name), *type = ops_utf8(&r.type);
	o.status = ops_object(s, &r.group, HANDLE_GROUP, &g, &e);
	if (!o.status && !(e->rights & ACCESS_CHANGE))
		o.status = ERROR_ACCESS_DENIED;
	if (!o.status && (!name || !type))
		o.status = ERROR_INVALID_NAME;
	if (!o.status) {
		int rc = BE(s)->ops->create(BE(s), BE_RESOURCE, name, g.name, type, &res);
		o.status = rc == BE_INVALID ? ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND : ops_be_error(rc, BE_GROUP);
	}
	if (!o.status && !session_handle_new(s, HANDLE_RESOURCE, e->rights, res.id, NULL, &o.handle))
		o.status = ERROR_NOT_ENOUGH_MEMORY;
	free(name);
	free(type);
	cmrp_create_resource_in_free(&r);
	cmrp_open_object_encode_out(out, &o, false);
	return 0;
}

/* MoveGroup / MoveGroupToNode. */
static uint32_t move_group(struct session *s, bool to_node, struct ndr_pull *in, struct ndr_push *out)
{
	struct rpc_ctx_handle hg, hn;
	struct be_object g, n;
	struct handle_entry *e = NULL;
	uint32_t result;

	if (to_node ? !cmrp_two_handles_decode_in(in, &hg, &hn) : !cmrp_handle_decode(in, &hg))
		return NCA_S_FAULT_NDR;
	result = ops_object(s, &hg, HANDLE_GROUP, &g, &e);
	if (!result && to_node)
		result = ops_object(s, &hn, HANDLE_NODE, &n, NULL);
	if (!result && !(e->rights & ACCESS_CHANGE))
		result = ERROR_ACCESS_DENIED;
	if (!result)
		result = ops_be_error(BE(s)->ops->act(BE(s), BE_GROUP, g.id, BE_ACT_MOVE, to_node ? n.name : NULL),
				      BE_NODE);
	reply_status(out, result);
	return 0;
}

/* ---- enumerations --------------------------------------------------------------- */

struct enum_build {
	struct cmrp_enum_list *list;
	uint32_t type;
	bool ids; /* the entry is the id, not the name */
	const char *owner; /* only objects of this owner node */
	const char *type_name; /* only resources of this type */
};

static int enum_add(const struct be_object *o, void *arg)
{
	struct enum_build *eb = arg;
	struct cmrp_enum_list *l = eb->list;
	if (eb->owner && strcasecmp(o->owner, eb->owner) != 0)
		return 0;
	if (eb->type_name && strcasecmp(o->type, eb->type_name) != 0)
		return 0;
	if (l->count >= CMRP_MAX_ENUM_ENTRIES)
		return BE_NO_MEMORY;
	struct cmrp_enum_entry *ne = realloc(l->entries, (l->count + 1) * sizeof(*ne));
	if (!ne)
		return BE_NO_MEMORY;
	l->entries = ne;
	ne[l->count].type = eb->type;
	if (!ops_string(&ne[l->count].name, eb->ids ? o->id : o->name))
		return BE_NO_MEMORY;
	l->count++;
	return 0;
}

static const struct {
	uint32_t bit;
	enum be_kind kind;
} enum_kinds[] = {
	{ CLUSTER_ENUM_NODE, BE_NODE },       { CLUSTER_ENUM_RESTYPE, BE_RESTYPE },
	{ CLUSTER_ENUM_RESOURCE, BE_RESOURCE }, { CLUSTER_ENUM_GROUP, BE_GROUP },
	{ CLUSTER_ENUM_NETWORK, BE_NETWORK }, { CLUSTER_ENUM_NETINTERFACE, BE_NETIF },
};

/* The objects whose kinds the type bits name, into list (ids or names). */
static uint32_t enum_cluster(struct session *s, uint32_t type, bool ids, struct cmrp_enum_list *list)
{
	list->present = true;
	for (size_t i = 0; i < sizeof(enum_kinds) / sizeof(enum_kinds[0]); i++) {
		if (!(type & enum_kinds[i].bit))
			continue;
		struct enum_build eb = { list, enum_kinds[i].bit, ids, NULL, NULL };
		int rc = BE(s)->ops->list(BE(s), enum_kinds[i].kind, NULL, enum_add, &eb);
		if (rc)
			return ops_be_error(rc, enum_kinds[i].kind);
	}
	/* Shared volumes and internal networks: none here, an empty answer. */
	return ERROR_SUCCESS;
}

/* CreateEnum / CreateEnumEx: the known bits, alone or together; anything else
 * is ERROR_INVALID_PARAMETER (what Windows and the Samba suite expect). */
static uint32_t create_enum(struct session *s, bool ex, struct ndr_pull *in, struct ndr_push *out)
{
	struct cmrp_enum_out o = { 0 };
	struct rpc_ctx_handle h;
	uint32_t v[2] = { 0, 0 };

	if (ex ? !cmrp_handle_u32s_decode_in(in, &h, v, 2) : !cmrp_u32_decode_in(in, &v[0]))
		return NCA_S_FAULT_NDR;
	if (ex && !session_handle_find(s, &h, HANDLE_CLUSTER))
		o.result = ERROR_INVALID_HANDLE;
	else if (!(ops_caller_rights(s) & ACCESS_READ))
		o.result = ERROR_ACCESS_DENIED;
	else if (v[0] == 0 || (v[0] & ~CLUSTER_ENUM_KNOWN))
		o.result = ERROR_INVALID_PARAMETER;
	else {
		o.result = enum_cluster(s, v[0], ex, &o.list);
		if (!o.result && ex)
			o.result = enum_cluster(s, v[0], false, &o.names);
	}
	/* A list, empty if need be, always goes back: clients read it. */
	o.list.present = true;
	o.names.present = ex;
	cmrp_enum_encode_out(out, &o, ex);
	cmrp_enum_out_free(&o);
	return 0;
}

#define CLUSTER_NODE_ENUM_NETINTERFACES 0x1u
#define CLUSTER_NODE_ENUM_GROUPS 0x2u
#define CLUSTER_GROUP_ENUM_CONTAINS 0x1u
#define CLUSTER_GROUP_ENUM_NODES 0x2u
#define CLUSTER_RESOURCE_ENUM_DEPENDS 0x1u
#define CLUSTER_RESOURCE_ENUM_PROVIDES 0x2u
#define CLUSTER_RESOURCE_ENUM_NODES 0x4u
#define CLUSTER_RESOURCE_TYPE_ENUM_NODES 0x1u
#define CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES 0x2u

/* The per-object enumerations: what a node hosts, what a group holds, what a
 * resource depends on, where a type can run.  Unknown type bits select
 * nothing (as Windows and the Samba suite have it). */
static uint32_t object_enum(struct session *s, uint16_t opnum, struct ndr_pull *in, struct ndr_push *out)
{
	struct cmrp_enum_out o = { 0 };
	struct rpc_ctx_handle h;
	struct be_object obj, node;
	uint32_t type = 0, options[2];
	struct cmrp_string tname = { 0 };
	bool ex = opnum == CMRP_CREATE_NODE_ENUM_EX;

	switch (opnum) {
	case CMRP_CREATE_RES_TYPE_ENUM:
		if (!cmrp_name_u32_decode_in(in, &tname, &type))
			return NCA_S_FAULT_NDR;
		break;
	case CMRP_CREATE_NODE_ENUM_EX:
		if (!cmrp_handle_u32s_decode_in(in, &h, options, 2))
			return NCA_S_FAULT_NDR;
		type = options[0];
		break;
	default:
		if (!cmrp_handle_u32s_decode_in(in, &h, &type, 1))
			return NCA_S_FAULT_NDR;
	}
	o.list.present = true;
	o.names.present = ex;
	bool ok = BE(s)->ops->lookup(BE(s), BE_NODE, s->server->id.node_name, &node) == BE_OK;
	switch (opnum) {
	case CMRP_CREATE_RES_TYPE_ENUM: {
		char *utf8 = ops_utf8(&tname);
		o.result = utf8 ? ops_be_error(BE(s)->ops->lookup(BE(s), BE_RESTYPE, utf8, &obj), BE_RESTYPE)
				: ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND;
		free(utf8);
		if (!o.result && (type & CLUSTER_RESOURCE_TYPE_ENUM_NODES) && ok) {
			struct enum_build eb = { &o.list, CLUSTER_RESOURCE_TYPE_ENUM_NODES, false, NULL, NULL };
			enum_add(&node, &eb);
		}
		if (!o.result && (type & CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES)) {
			struct enum_build eb = { &o.list, CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES, false, NULL, obj.name };
			o.result = ops_be_error(BE(s)->ops->list(BE(s), BE_RESOURCE, NULL, enum_add, &eb), BE_RESTYPE);
		}
		break;
	}
	case CMRP_CREATE_NODE_ENUM:
	case CMRP_CREATE_NODE_ENUM_EX:
		o.result = ops_object(s, &h, HANDLE_NODE, &obj, NULL);
		for (int pass = 0; pass < (ex ? 2 : 1) && !o.result; pass++) {
			struct cmrp_enum_list *l = pass ? &o.names : &o.list;
			bool ids = ex && pass == 0;
			if (type & CLUSTER_NODE_ENUM_NETINTERFACES) {
				struct enum_build eb = { l, CLUSTER_NODE_ENUM_NETINTERFACES, ids, obj.name, 0 };
				o.result = ops_be_error(BE(s)->ops->list(BE(s), BE_NETIF, NULL, enum_add, &eb), BE_NODE);
			}
			if (!o.result && (type & CLUSTER_NODE_ENUM_GROUPS)) {
				struct enum_build eb = { l, CLUSTER_NODE_ENUM_GROUPS, ids, NULL, NULL };
				o.result = ops_be_error(BE(s)->ops->list(BE(s), BE_GROUP, obj.name, enum_add, &eb), BE_NODE);
			}
		}
		break;
	case CMRP_CREATE_GROUP_RESOURCE_ENUM:
		o.result = ops_object(s, &h, HANDLE_GROUP, &obj, NULL);
		if (!o.result && (type & CLUSTER_GROUP_ENUM_CONTAINS)) {
			struct enum_build eb = { &o.list, CLUSTER_GROUP_ENUM_CONTAINS, false, NULL, NULL };
			o.result = ops_be_error(BE(s)->ops->list(BE(s), BE_RESOURCE, obj.name, enum_add, &eb), BE_GROUP);
		}
		if (!o.result && (type & CLUSTER_GROUP_ENUM_NODES) && ok) {
			struct enum_build eb = { &o.list, CLUSTER_GROUP_ENUM_NODES, false, NULL, NULL };
			enum_add(&node, &eb);
		}
		break;
	default: /* CreateResEnum */
		o.result = ops_object(s, &h, HANDLE_RESOURCE, &obj, NULL);
		if (!o.result && (type & CLUSTER_RESOURCE_ENUM_DEPENDS)) {
			struct enum_build eb = { &o.list, CLUSTER_RESOURCE_ENUM_DEPENDS, false, NULL, NULL };
			o.result = ops_be_error(BE(s)->ops->dependencies(BE(s), obj.id, enum_add, &eb), BE_RESOURCE);
		}
		if (!o.result && (type & CLUSTER_RESOURCE_ENUM_PROVIDES)) {
			struct enum_build eb = { &o.list, CLUSTER_RESOURCE_ENUM_PROVIDES, false, NULL, NULL };
			o.result = ops_be_error(BE(s)->ops->dependents(BE(s), obj.id, enum_add, &eb), BE_RESOURCE);
		}
		if (!o.result && (type & CLUSTER_RESOURCE_ENUM_NODES) && ok) {
			struct enum_build eb = { &o.list, CLUSTER_RESOURCE_ENUM_NODES, false, NULL, NULL };
			enum_add(&node, &eb);
		}
	}
	cmrp_string_free(&tname);
	cmrp_enum_encode_out(out, &o, ex);
	cmrp_enum_out_free(&o);
	return 0;
}

static int object_entry_add(const struct be_object *obj, void *arg)
{
	struct cmrp_object_enum_out *o = arg;
	if (o->count >= CMRP_MAX_ENUM_ENTRIES)
		return BE_NO_MEMORY;
	struct cmrp_object_enum_entry *ne = realloc(o->entries, (o->count + 1) * sizeof(*ne));
	if (!ne)
		return BE_NO_MEMORY;
	o->entries = ne;
	struct cmrp_object_enum_entry *e = &ne[o->count];
	memset(e, 0, sizeof(*e));
	o->count++;
	bool group = obj->kind == BE_GROUP;
	if (!ops_string(&e->name, obj->name) || !ops_string(&e->id, obj->id) ||
	    !ops_string(&e->owner, group ? obj->owner : obj->parent))
		return BE_NO_MEMORY;
	if (group)
		e->state = ops_state(obj);
	/* a resource entry's owner is its group; its id is filled in after */
	return 0;
}

/* CreateGroupEnum / CreateResourceEnum: every group or resource with its
 * basics.  The property lists the client names are not filled in yet: each
 * entry carries empty ones. */
static uint32_t enum_objects(struct session *s, bool group, struct ndr_pull *in, struct ndr_push *out)
{
	struct cmrp_object_enum_out o = { 0 };
	struct cmrp_props_enum_in r;
	if (!cmrp_props_enum_decode_in(in, &r))
		return NCA_S_FAULT_NDR;
	o.present = true;
	if (!session_handle_find(s, &r.cluster, HANDLE_CLUSTER))
		o.result = ERROR_INVALID_HANDLE;
	else
		o.result = ops_be_error(BE(s)->ops->list(BE(s), group ? BE_GROUP : BE_RESOURCE, NULL, object_entry_add, &o),
					group ? BE_GROUP : BE_RESOURCE);
	/* resource entries name their group by id too */
	for (uint32_t i = 0; !group && !o.result && i < o.count; i++) {
		char *gname = ops_utf8(&o.entries[i].owner);
		struct be_object g;
		if (gname && BE(s)->ops->lookup(BE(s), BE_GROUP, gname, &g) == BE_OK)
			ops_string(&o.entries[i].owner_id, g.id);
		else
			ops_string(&o.entries[i].owner_id, "");
		free(gname);
	}
	cmrp_props_enum_in_free(&r);
	cmrp_object_enum_encode_out(out, &o, group);
	cmrp_object_enum_out_free(&o);
	return 0;
}

/* CreateGroupSetEnum: the group sets, one per group. */
static uint32_t enum_group_sets(struct session *s, struct ndr_pull *in, struct ndr_push *out)
{
	struct cmrp_enum_out o = { 0 };
	struct rpc_ctx_handle h;
	if (!cmrp_handle_decode(in, &h))
		return NCA_S_FAULT_NDR;
	o.list.present = true;
	if (!session_handle_find(s, &h, HANDLE_CLUSTER))
		o.result = ERROR_INVALID_HANDLE;
	else {
		struct enum_build eb = { &o.list, CLUSTER_ENUM_GROUP, false, NULL, NULL };
		o.result = ops_be_error(BE(s)->ops->list(BE(s), BE_GROUP, NULL, enum_add, &eb), BE_GROUP);
	}
	cmrp_enum_encode_out(out, &o, false);
	cmrp_enum_out_free(&o);
	return 0;
}

/* ---- the cluster-level odds and ends ------------------------------------------- */

static uint32_t get_quorum(struct session *s, struct ndr_pull *in, struct ndr_push *out)
{
	struct cmrp_quorum_out o = { 0 };
	struct be_object q;
	char path[256];
	if (!cmrp_decode_done(in))
		return NCA_S_FAULT_NDR;
	if (!(ops_caller_rights(s) & ACCESS_READ))
		o.result = ERROR_ACCESS_DENIED;
	else
		o.result = ops_be_error(BE(s)->ops->quorum(BE(s), &q, path, sizeof(path)), BE_RESOURCE);
	if (!o.result && (!ops_string(&o.resource, q.name) || !ops_string(&o.device, path)))
		o.result = ERROR_NOT_ENOUGH_MEMORY;
	o.max_log_size = 0;
	cmrp_quorum_encode_out(out, &o);
	cmrp_quorum_out_free(&o);
	return 0;
}

/* SetQuorumResource: one node is its own majority; no other quorum is possible. */
static uint32_t set_quorum(struct session *s, struct ndr_pull *in, struct ndr_push *out)
{
	struct rpc_ctx_handle h;
	struct cmrp_string path;
	uint32_t size;
	struct be_object r;
	struct handle_entry *e = NULL;
	if (!cmrp_handle_name_decode_in(in, &h, &path, &size, 1))
		return NCA_S_FAULT_NDR;
	cmrp_string_free(&path);
	uint32_t result = ops_object(s, &h, HANDLE_RESOURCE, &r, &e);
	if (!result && !(e->rights & ACCESS_CHANGE))
		result = ERROR_ACCESS_DENIED;
	if (!result)
		result = ERROR_NOT_SUPPORTED;
	reply_status(out, result);
	return 0;
}

/* BackupClusterDatabase and SetServiceAccountPassword are not offered (the
 * database is a SQLite file in the state directory: back it up with sqlite3's
 * .backup; there is no service account). */
static uint32_t not_implemented(uint16_t opnum, struct ndr_pull *in, struct ndr_push *out)
{
	if (opnum == CMRP_BACKUP_CLUSTER_DATABASE) {
		struct cmrp_string path;
		if (!cmrp_name_decode_in(in, &path))
			return NCA_S_FAULT_NDR;
		cmrp_string_free(&path);
		reply_status(out, ERROR_CALL_NOT_IMPLEMENTED);
		return 0;
	}
	struct cmrp_set_password_in r;
	struct cmrp_set_password_out o = { 0 };
	if (!cmrp_set_password_decode_in(in, &r))
		return NCA_S_FAULT_NDR;
	o.buffer_size = r.buffer_size;
	o.result = ERROR_CALL_NOT_IMPLEMENTED;
	cmrp_set_password_in_free(&r);
	cmrp_set_password_encode_out(out, &o);
	return 0;
}

/* ---- group sets: the set of each group ----------------------------------------- */

static uint32_t open_group_set(struct session *s, bool create, struct ndr_pull *in, struct ndr_push *out)
{
	if (create) {
		/* Sets come with their groups; a set of its own is not offered. */
		struct cmrp_string name;
		struct cmrp_open_object_out o = { .status = ERROR_NOT_SUPPORTED };
		if (!cmrp_name_decode_in(in, &name))
			return NCA_S_FAULT_NDR;
		cmrp_string_free(&name);
		cmrp_open_object_encode_out(out, &o, false);
		return 0;
	}
	/* Every group is also the group set of the same name. */
	return open_named(s, BE_GROUP, HANDLE_GROUPSET, in, out, false);
}

/* ---- dispatch -------------------------------------------------------------------- */

bool ops_objects(struct session *s, uint16_t opnum, struct ndr_pull *in, struct ndr_push *out, uint32_t *fault)
{
	uint32_t f;
	switch (opnum) {
	case CMRP_GET_QUORUM_RESOURCE: f = get_quorum(s, in, out); break;
	case CMRP_SET_QUORUM_RESOURCE: f = set_quorum(s, in, out); break;
	case CMRP_CREATE_ENUM: f = create_enum(s, false, in, out); break;
	case CMRP_CREATE_ENUM_EX: f = create_enum(s, true, in, out); break;
	case CMRP_OPEN_RESOURCE: f = open_by_name(s, BE_RESOURCE, in, out, false); break;
	case CMRP_OPEN_RESOURCE_EX: f = open_by_name(s, BE_RESOURCE, in, out, true); break;
	case CMRP_CREATE_RESOURCE: f = create_resource(s, in, out); break;
	case CMRP_DELETE_RESOURCE: f = delete_object(s, HANDLE_RESOURCE, in, out); break;
	case CMRP_CLOSE_RESOURCE: f = close_handle(s, HANDLE_RESOURCE, in, out); break;
	case CMRP_GET_RESOURCE_STATE: f = get_state(s, HANDLE_RESOURCE, 2, in, out); break;
	case CMRP_SET_RESOURCE_NAME: f = rename_object(s, HANDLE_RESOURCE, in, out); break;
	case CMRP_GET_RESOURCE_ID: f = get_string(s, HANDLE_RESOURCE, STR_ID, in, out); break;
	case CMRP_GET_RESOURCE_TYPE: f = get_string(s, HANDLE_RESOURCE, STR_TYPE, in, out); break;
	case CMRP_FAIL_RESOURCE: f = act(s, HANDLE_RESOURCE, BE_ACT_FAIL, in, out); break;
	case CMRP_ONLINE_RESOURCE: f = act(s, HANDLE_RESOURCE, BE_ACT_ONLINE, in, out); break;
	case CMRP_OFFLINE_RESOURCE: f = act(s, HANDLE_RESOURCE, BE_ACT_OFFLINE, in, out); break;
	case CMRP_CREATE_RES_ENUM: f = object_enum(s, opnum, in, out); break;
	case CMRP_GET_RESOURCE_DEPENDENCY_EXPRESSION:
		f = get_string(s, HANDLE_RESOURCE, STR_DEPENDENCIES, in, out);
		break;
	case CMRP_GET_RESOURCE_NETWORK_NAME: f = get_string(s, HANDLE_RESOURCE, STR_NETWORK_NAME, in, out); break;
	case CMRP_OPEN_GROUP: f = open_by_name(s, BE_GROUP, in, out, false); break;
	case CMRP_OPEN_GROUP_EX: f = open_by_name(s, BE_GROUP, in, out, true); break;
	case CMRP_CREATE_GROUP: f = create_group(s, in, out); break;
	case CMRP_DELETE_GROUP: f = delete_object(s, HANDLE_GROUP, in, out); break;
	case CMRP_CLOSE_GROUP: f = close_handle(s, HANDLE_GROUP, in, out); break;
	case CMRP_GET_GROUP_STATE: f = get_state(s, HANDLE_GROUP, 1, in, out); break;
	case CMRP_SET_GROUP_NAME: f = rename_object(s, HANDLE_GROUP, in, out); break;
	case CMRP_GET_GROUP_ID: f = get_string(s, HANDLE_GROUP, STR_ID, in, out); break;
	case CMRP_ONLINE_GROUP: f = act(s, HANDLE_GROUP, BE_ACT_ONLINE, in, out); break;
	case CMRP_OFFLINE_GROUP: f = act(s, HANDLE_GROUP, BE_ACT_OFFLINE, in, out); break;
	case CMRP_MOVE_GROUP: f = move_group(s, false, in, out); break;
	case CMRP_MOVE_GROUP_TO_NODE: f = move_group(s, true, in, out); break;
	case CMRP_CREATE_GROUP_RESOURCE_ENUM: f = object_enum(s, opnum, in, out); break;
	case CMRP_OPEN_NODE: f = open_by_name(s, BE_NODE, in, out, false); break;
	case CMRP_OPEN_NODE_EX: f = open_by_name(s, BE_NODE, in, out, true); break;
	case CMRP_CLOSE_NODE: f = close_handle(s, HANDLE_NODE, in, out); break;
	case CMRP_GET_NODE_STATE: f = get_state(s, HANDLE_NODE, 0, in, out); break;
	case CMRP_GET_NODE_ID: f = get_string(s, HANDLE_NODE, STR_ID, in, out); break;
	case CMRP_PAUSE_NODE: f = act(s, HANDLE_NODE, BE_ACT_PAUSE, in, out); break;
	case CMRP_RESUME_NODE: f = act(s, HANDLE_NODE, BE_ACT_RESUME, in, out); break;
	case CMRP_EVICT_NODE: f = act(s, HANDLE_NODE, BE_ACT_EVICT, in, out); break;
	case CMRP_CREATE_NODE_ENUM:
	case CMRP_CREATE_NODE_ENUM_EX:
	case CMRP_CREATE_RES_TYPE_ENUM: f = object_enum(s, opnum, in, out); break;
	case CMRP_OPEN_NETWORK: f = open_by_name(s, BE_NETWORK, in, out, false); break;
	case CMRP_OPEN_NETWORK_EX: f = open_by_name(s, BE_NETWORK, in, out, true); break;
	case CMRP_CLOSE_NETWORK: f = close_handle(s, HANDLE_NETWORK, in, out); break;
	case CMRP_GET_NETWORK_STATE: f = get_state(s, HANDLE_NETWORK, 0, in, out); break;
	case CMRP_GET_NETWORK_ID: f = get_string(s, HANDLE_NETWORK, STR_ID, in, out); break;
	case CMRP_OPEN_NET_INTERFACE: f = open_by_name(s, BE_NETIF, in, out, false); break;
	case CMRP_OPEN_NET_INTERFACE_EX: f = open_by_name(s, BE_NETIF, in, out, true); break;
	case CMRP_CLOSE_NET_INTERFACE: f = close_handle(s, HANDLE_NETIF, in, out); break;
	case CMRP_GET_NET_INTERFACE_STATE: f = get_state(s, HANDLE_NETIF, 0, in, out); break;
	case CMRP_GET_NET_INTERFACE_ID: f = get_string(s, HANDLE_NETIF, STR_ID, in, out); break;
	case CMRP_BACKUP_CLUSTER_DATABASE:
	case CMRP_SET_SERVICE_ACCOUNT_PASSWORD: f = not_implemented(opnum, in, out); break;
	case CMRP_CREATE_GROUP_ENUM: f = enum_objects(s, true, in, out); break;
	case CMRP_CREATE_RESOURCE_ENUM: f = enum_objects(s, false, in, out); break;
	case CMRP_CREATE_GROUP_SET: f = open_group_set(s, true, in, out); break;
	case CMRP_OPEN_GROUP_SET: f = open_group_set(s, false, in, out); break;
	case CMRP_CLOSE_GROUP_SET: f = close_handle(s, HANDLE_GROUPSET, in, out); break;
	case CMRP_CREATE_GROUP_SET_ENUM: f = enum_group_sets(s, in, out); break;
	default:
		return false;
	}
	*fault = f;
	return true;
}
