/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Nodes, groups, resources, resource types, networks, network interfaces and
 * group sets: open/close, state, id, create/delete/rename, online/offline,
 * pause/resume, and the enumerations.  Every object call resolves its handle in
 * this session's table (another session's, a closed or a forged handle is
 * ERROR_INVALID_HANDLE), reads the object fresh from the backend, checks the
 * handle's rights for anything that changes the cluster, and answers with a
 * Windows status: never a fault (a stub that does not decode is the core's,
 * dispatch.c).
 *
 * Group sets: this backend has no separate set objects; every group is also
 * the group set of the same name (Windows Server 2016 gives each group a set).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

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

/* A (rpc_status, result) reply. */
static void reply_status(void *out, uint32_t result)
{
	((struct cmrp_status_result_out *)out)->result = result;
}

/* ---- opening objects by name ---------------------------------------------- */

/* Open*, Open*Ex, OpenGroupSet (in: cmrp_name_in, v the desired access with
 * Ex): a handle of the table's type for the object of kind c->arg with that
 * name, or a zeroed one with the error.  Plain opens get what the caller's
 * ACL allows (at least Read). */
static uint32_t open_by_name(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_name_in *r = in;
	struct cmrp_open_object_out *o = out;
	enum be_kind kind = (enum be_kind)c->arg;
	bool ex = c->op->in == &cmrp_codec_name_u32;
	uint32_t desired = ex ? r->v : MAXIMUM_ALLOWED;
	struct be_object obj;
	unsigned rights;

	char *utf8 = ops_utf8(&r->name);
	o->status = access_grant(desired, ops_caller_rights(s), &rights, &o->granted);
	if (!o->status) {
		/* A name that is not valid UTF-16 names nothing. */
		o->status = utf8 ? ops_be_error(BE(s)->ops->lookup(BE(s), kind, utf8, &obj), kind)
				 : ops_be_error(BE_NOT_FOUND, kind);
	}
	free(utf8);
	if (!o->status && !session_handle_new(s, c->op->out_handle.type, (uint8_t)rights, obj.id, NULL, &o->handle))
		o->status = ERROR_NOT_ENOUGH_MEMORY;
	if (o->status) {
		o->granted = 0;
		memset(&o->handle, 0, sizeof(o->handle));
	}
	return 0;
}

/* Close*: a zeroed handle back, or ERROR_INVALID_HANDLE. */
static uint32_t close_handle(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct rpc_ctx_handle *h = &((const struct cmrp_handle_in *)in)->handle;
	struct cmrp_close_out *o = out;
	if (session_handle_close(s, h, ops_in_type(c, 0)))
		o->result = ERROR_SUCCESS;
	else {
		o->result = ERROR_INVALID_HANDLE;
		o->handle = *h;
	}
	return 0;
}

/* The object behind the handle of a handle-only request. */
static uint32_t handle_object(struct session *s, const struct ops_call *c, const void *in, struct be_object *o,
			      struct handle_entry **e)
{
	return ops_object(s, &((const struct cmrp_handle_in *)in)->handle, ops_in_type(c, 0), o, e);
}

/* Get*State: the owner node and group names as the reply's shape has them. */
static uint32_t get_state(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct cmrp_state_out *o = out;
	unsigned strings = c->op->out_arg;
	struct be_object obj;
	o->result = handle_object(s, c, in, &obj, NULL);
	if (!o->result) {
		o->state = ops_state(&obj);
		if ((strings >= 1 && !ops_string(&o->node, obj.owner)) ||
		    (strings >= 2 && !ops_string(&o->group, obj.parent)))
			o->result = ERROR_NOT_ENOUGH_MEMORY;
	} else {
		o->state = 0xffffffffu;
	}
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
static uint32_t get_string(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct cmrp_string_result_out *o = out;
	struct be_object obj;
	struct dep_expr x = { .len = 0 };
	o->result = handle_object(s, c, in, &obj, NULL);
	if (!o->result) {
		const char *value = "";
		switch ((enum string_what)c->arg) {
		case STR_ID:
			value = obj.id;
			break;
		case STR_TYPE:
			value = obj.type;
			break;
		case STR_DEPENDENCIES:
			o->result = ops_be_error(BE(s)->ops->dependencies(BE(s), obj.id, dep_expr_add, &x), BE_RESOURCE);
			value = x.buf;
			break;
		case STR_NETWORK_NAME:
			/* Every resource is reached through the cluster's network
			 * name on a single-node cluster. */
			value = s->server->id.cluster_name;
			break;
		}
		if (!o->result && !ops_string(&o->str, value))
			o->result = ERROR_NOT_ENOUGH_MEMORY;
	}
	return 0;
}

/* ---- changes ----------------------------------------------------------------- */

/* A handle-only call that changes an object (the action is c->arg): needs
 * the handle's Change right. */
static uint32_t act(struct session *s, const struct ops_call *c, void *in, void *out)
{
	enum be_action action = (enum be_action)c->arg;
	struct be_object obj;
	struct handle_entry *e = NULL;
	uint32_t result = handle_object(s, c, in, &obj, &e);
	if (!result && !(e->rights & ACCESS_CHANGE))
		result = ERROR_ACCESS_DENIED;
	/* Only where it may run (issue 11, possible owners). */
	if (!result && action == BE_ACT_ONLINE && (obj.kind == BE_RESOURCE || obj.kind == BE_GROUP))
		result = ops_can_online(s, &obj);
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

/* DeleteResource (in: cmrp_handle_in), DeleteGroup (cmrp_handle_bool_in: the
 * handle comes first, its force flag is not needed: a group that still has
 * resources is refused by the backend either way). */
static uint32_t delete_object(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct be_object obj;
	struct handle_entry *e = NULL;
	uint32_t result = handle_object(s, c, in, &obj, &e);
	if (!result && !(e->rights & ACCESS_CHANGE))
		result = ERROR_ACCESS_DENIED;
	if (!result)
		result = ops_be_error(BE(s)->ops->remove(BE(s), obj.kind, obj.id), obj.kind);
	/* The handle stays in the table: using it again says the object is gone. */
	reply_status(out, result);
	return 0;
}

static uint32_t rename_object(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_handle_name_in *r = in;
	struct be_object obj;
	struct handle_entry *e = NULL;
	char *utf8 = ops_utf8(&r->name);
	uint32_t result = ops_object(s, &r->handle, ops_in_type(c, 0), &obj, &e);
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

static uint32_t create_group(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct cmrp_open_object_out *o = out;
	struct be_object g;

	(void)c;
	char *utf8 = ops_utf8(&((const struct cmrp_name_in *)in)->name);
	unsigned rights = ops_caller_rights(s);
	if ((rights & ACCESS_ALL) != ACCESS_ALL)
		o->status = ERROR_ACCESS_DENIED;
	else if (!utf8)
		o->status = ERROR_INVALID_NAME;
	else {
		int rc = BE(s)->ops->create(BE(s), BE_GROUP, utf8, NULL, NULL, &g);
		o->status = rc == BE_INVALID ? ERROR_INVALID_NAME : ops_be_error(rc, BE_GROUP);
	}
	free(utf8);
	if (!o->status && !session_handle_new(s, HANDLE_GROUP, (uint8_t)rights, g.id, NULL, &o->handle))
		o->status = ERROR_NOT_ENOUGH_MEMORY;
	return 0;
}

static uint32_t create_resource(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct cmrp_open_object_out *o = out;
	const struct cmrp_create_resource_in *r = in;
	struct be_object g, res;
	struct handle_entry *e = NULL;

	(void)c;
	char *name = ops_utf8(&r->name), *type = ops_utf8(&r->type);
	o->status = ops_object(s, &r->group, HANDLE_GROUP, &g, &e);
	if (!o->status && !(e->rights & ACCESS_CHANGE))
		o->status = ERROR_ACCESS_DENIED;
	if (!o->status && (!name || !type))
		o->status = ERROR_INVALID_NAME;
	if (!o->status) {
		int rc = BE(s)->ops->create(BE(s), BE_RESOURCE, name, g.name, type, &res);
		o->status = rc == BE_INVALID	      ? ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND
			    : rc == BE_UNSUPPORTED ? ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED /* not available here */
						   : ops_be_error(rc, BE_GROUP);
	}
	if (!o->status && !session_handle_new(s, HANDLE_RESOURCE, e->rights, res.id, NULL, &o->handle))
		o->status = ERROR_NOT_ENOUGH_MEMORY;
	free(name);
	free(type);
	return 0;
}

/* MoveGroup (in: cmrp_handle_in) / MoveGroupToNode (cmrp_two_handles_in: the
 * group's handle first, as in cmrp_handle_in). */
static uint32_t move_group(struct session *s, const struct ops_call *c, void *in, void *out)
{
	bool to_node = c->opnum == CMRP_MOVE_GROUP_TO_NODE;
	const struct cmrp_two_handles_in *r = in;
	struct be_object g, n;
	struct handle_entry *e = NULL;
	uint32_t result;

	result = ops_object(s, &r->a, HANDLE_GROUP, &g, &e);
	if (!result && to_node)
		result = ops_object(s, &r->b, HANDLE_NODE, &n, NULL);
	if (!result && !(e->rights & ACCESS_CHANGE))
		result = ERROR_ACCESS_DENIED;
	/* Not to a node that one of its resources may not run on; with no
	 * target, to the most preferred node that can take it (issue 11). */
	char pick[BE_NAME_MAX] = "";
	if (!result && to_node)
		result = ops_group_can_run_on(s, &g, n.name);
	else if (!result)
		result = ops_pick_target(s, &g, pick, sizeof(pick));
	const char *target = to_node ? n.name : pick[0] ? pick : NULL;
	if (!result)
		result = ops_be_error(BE(s)->ops->act(BE(s), BE_GROUP, g.id, BE_ACT_MOVE, target),
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
	/* Internal networks: every network, in their priority order (issue 13). */
	if (type & CLUSTER_ENUM_INTERNAL_NETWORK) {
		struct enum_build eb = { list, CLUSTER_ENUM_INTERNAL_NETWORK, ids, NULL, NULL };
		int rc = ops_networks_by_priority(s, enum_add, &eb);
		if (rc)
			return ops_be_error(rc, BE_NETWORK);
	}
	/* Shared volumes: none here, an empty answer. */
	return ERROR_SUCCESS;
}

/* CreateEnum / CreateEnumEx: the known bits, alone or together; anything else
 * is ERROR_INVALID_PARAMETER (what Windows and the Samba suite expect). */
/* (in: cmrp_u32_in, or cmrp_handle_u32s_in for Ex) */
static uint32_t create_enum(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct cmrp_enum_out *o = out;
	bool ex = c->opnum == CMRP_CREATE_ENUM_EX;
	const struct cmrp_handle_u32s_in *rx = in;
	uint32_t type = ex ? rx->v[0] : ((const struct cmrp_u32_in *)in)->v;

	if (ex && !session_handle_find(s, &rx->handle, HANDLE_CLUSTER))
		o->result = ERROR_INVALID_HANDLE;
	else if (!(ops_caller_rights(s) & ACCESS_READ))
		o->result = ERROR_ACCESS_DENIED;
	else if (type == 0 || (type & ~CLUSTER_ENUM_KNOWN))
		o->result = ERROR_INVALID_PARAMETER;
	else {
		o->result = enum_cluster(s, type, ex, &o->list);
		if (!o->result && ex)
			o->result = enum_cluster(s, type, false, &o->names);
	}
	/* A list, empty if need be, always goes back: clients read it. */
	o->list.present = true;
	o->names.present = ex;
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
/* (in: cmrp_name_in for CreateResTypeEnum, cmrp_handle_u32s_in otherwise) */
static uint32_t object_enum(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct cmrp_enum_out *o = out;
	uint16_t opnum = c->opnum;
	const struct rpc_ctx_handle *h = &((const struct cmrp_handle_u32s_in *)in)->handle;
	struct be_object obj, node;
	bool ex = opnum == CMRP_CREATE_NODE_ENUM_EX;
	const struct cmrp_string *tname = &((const struct cmrp_name_in *)in)->name;
	uint32_t type = opnum == CMRP_CREATE_RES_TYPE_ENUM ? ((const struct cmrp_name_in *)in)->v
							    : ((const struct cmrp_handle_u32s_in *)in)->v[0];

	o->list.present = true;
	o->names.present = ex;
	bool ok = BE(s)->ops->lookup(BE(s), BE_NODE, s->server->id.node_name, &node) == BE_OK;
	switch (opnum) {
	case CMRP_CREATE_RES_TYPE_ENUM: {
		char *utf8 = ops_utf8(tname);
		o->result = utf8 ? ops_be_error(BE(s)->ops->lookup(BE(s), BE_RESTYPE, utf8, &obj), BE_RESTYPE)
				: ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND;
		free(utf8);
		/* A type that is not available can run nowhere. */
		if (!o->result && (type & CLUSTER_RESOURCE_TYPE_ENUM_NODES) && ok && obj.state != BE_STATE_DOWN) {
			struct enum_build eb = { &o->list, CLUSTER_RESOURCE_TYPE_ENUM_NODES, false, NULL, NULL };
			enum_add(&node, &eb);
		}
		if (!o->result && (type & CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES)) {
			struct enum_build eb = { &o->list, CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES, false, NULL, obj.name };
			o->result = ops_be_error(BE(s)->ops->list(BE(s), BE_RESOURCE, NULL, enum_add, &eb), BE_RESTYPE);
		}
		break;
	}
	case CMRP_CREATE_NODE_ENUM:
	case CMRP_CREATE_NODE_ENUM_EX:
		o->result = ops_object(s, h, HANDLE_NODE, &obj, NULL);
		for (int pass = 0; pass < (ex ? 2 : 1) && !o->result; pass++) {
			struct cmrp_enum_list *l = pass ? &o->names : &o->list;
			bool ids = ex && pass == 0;
			if (type & CLUSTER_NODE_ENUM_NETINTERFACES) {
				struct enum_build eb = { l, CLUSTER_NODE_ENUM_NETINTERFACES, ids, obj.name, 0 };
				o->result = ops_be_error(BE(s)->ops->list(BE(s), BE_NETIF, NULL, enum_add, &eb), BE_NODE);
			}
			if (!o->result && (type & CLUSTER_NODE_ENUM_GROUPS)) {
				struct enum_build eb = { l, CLUSTER_NODE_ENUM_GROUPS, ids, NULL, NULL };
				o->result = ops_be_error(BE(s)->ops->list(BE(s), BE_GROUP, obj.name, enum_add, &eb), BE_NODE);
			}
		}
		break;
	case CMRP_CREATE_GROUP_RESOURCE_ENUM:
		o->result = ops_object(s, h, HANDLE_GROUP, &obj, NULL);
		if (!o->result && (type & CLUSTER_GROUP_ENUM_CONTAINS)) {
			struct enum_build eb = { &o->list, CLUSTER_GROUP_ENUM_CONTAINS, false, NULL, NULL };
			o->result = ops_be_error(BE(s)->ops->list(BE(s), BE_RESOURCE, obj.name, enum_add, &eb), BE_GROUP);
		}
		if (!o->result && (type & CLUSTER_GROUP_ENUM_NODES)) {
			/* its preferred owners, in order (issue 11) */
			struct enum_build eb = { &o->list, CLUSTER_GROUP_ENUM_NODES, false, NULL, NULL };
			o->result = ops_owners(s, BE_GROUP, obj.id, enum_add, &eb);
		}
		break;
	default: /* CreateResEnum */
		o->result = ops_object(s, h, HANDLE_RESOURCE, &obj, NULL);
		if (!o->result && (type & CLUSTER_RESOURCE_ENUM_DEPENDS)) {
			struct enum_build eb = { &o->list, CLUSTER_RESOURCE_ENUM_DEPENDS, false, NULL, NULL };
			o->result = ops_be_error(BE(s)->ops->dependencies(BE(s), obj.id, enum_add, &eb), BE_RESOURCE);
		}
		if (!o->result && (type & CLUSTER_RESOURCE_ENUM_PROVIDES)) {
			struct enum_build eb = { &o->list, CLUSTER_RESOURCE_ENUM_PROVIDES, false, NULL, NULL };
			o->result = ops_be_error(BE(s)->ops->dependents(BE(s), obj.id, enum_add, &eb), BE_RESOURCE);
		}
		if (!o->result && (type & CLUSTER_RESOURCE_ENUM_NODES)) {
			/* its possible owners (issue 11) */
			struct enum_build eb = { &o->list, CLUSTER_RESOURCE_ENUM_NODES, false, NULL, NULL };
			o->result = ops_owners(s, BE_RESOURCE, obj.id, enum_add, &eb);
		}
	}
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
static uint32_t enum_objects(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct cmrp_object_enum_out *o = out;
	const struct cmrp_props_enum_in *r = in;
	bool group = c->opnum == CMRP_CREATE_GROUP_ENUM;
	o->present = true;
	if (!session_handle_find(s, &r->cluster, HANDLE_CLUSTER))
		o->result = ERROR_INVALID_HANDLE;
	else
		o->result = ops_be_error(BE(s)->ops->list(BE(s), group ? BE_GROUP : BE_RESOURCE, NULL, object_entry_add, o),
					 group ? BE_GROUP : BE_RESOURCE);
	/* resource entries name their group by id too */
	for (uint32_t i = 0; !group && !o->result && i < o->count; i++) {
		char *gname = ops_utf8(&o->entries[i].owner);
		struct be_object g;
		if (gname && BE(s)->ops->lookup(BE(s), BE_GROUP, gname, &g) == BE_OK)
			ops_string(&o->entries[i].owner_id, g.id);
		else
			ops_string(&o->entries[i].owner_id, "");
		free(gname);
	}
	return 0;
}

/* CreateGroupSetEnum: the group sets, one per group. */
static uint32_t enum_group_sets(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct cmrp_enum_out *o = out;
	(void)c;
	o->list.present = true;
	if (!session_handle_find(s, &((const struct cmrp_handle_in *)in)->handle, HANDLE_CLUSTER))
		o->result = ERROR_INVALID_HANDLE;
	else {
		struct enum_build eb = { &o->list, CLUSTER_ENUM_GROUP, false, NULL, NULL };
		o->result = ops_be_error(BE(s)->ops->list(BE(s), BE_GROUP, NULL, enum_add, &eb), BE_GROUP);
	}
	return 0;
}

/* ---- the cluster-level odds and ends ------------------------------------------- */

static uint32_t get_quorum(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct cmrp_quorum_out *o = out;
	struct be_object q;
	char path[256];
	(void)c, (void)in;
	if (!(ops_caller_rights(s) & ACCESS_READ))
		o->result = ERROR_ACCESS_DENIED;
	else
		o->result = ops_be_error(BE(s)->ops->quorum(BE(s), &q, path, sizeof(path)), BE_RESOURCE);
	if (!o->result && (!ops_string(&o->resource, q.name) || !ops_string(&o->device, path)))
		o->result = ERROR_NOT_ENOUGH_MEMORY;
	o->max_log_size = 0;
	return 0;
}

/* SetQuorumResource: one node is its own majority; no other quorum is possible. */
static uint32_t set_quorum(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct be_object r;
	struct handle_entry *e = NULL;
	(void)c;
	uint32_t result = ops_object(s, &((const struct cmrp_handle_name_in *)in)->handle, HANDLE_RESOURCE, &r, &e);
	if (!result && !(e->rights & ACCESS_CHANGE))
		result = ERROR_ACCESS_DENIED;
	if (!result)
		result = ERROR_NOT_SUPPORTED;
	reply_status(out, result);
	return 0;
}

/* BackupClusterDatabase: the database copied, consistent, into the directory
 * lpszPathName names (as cluster.db, which must not be there yet).  The file
 * is written by clusterd (root), so only root on this host, over LPC, may ask;
 * over the network it is not offered (ERROR_CALL_NOT_IMPLEMENTED, what
 * Samba's suite expects).  A backend without a backup: ERROR_NOT_SUPPORTED.
 * SetServiceAccountPassword: there is no service account. */
static uint32_t backup_database(struct session *s, const struct ops_call *c, void *in, void *out)
{
	uint32_t result = ERROR_SUCCESS;
	char *dir = NULL, *file = NULL;
	struct stat st;
	(void)c;
	if (!s->is_lpc)
		result = ERROR_CALL_NOT_IMPLEMENTED;
	else if (s->who.kind != PRINCIPAL_LOCAL || s->who.uid != 0)
		result = ERROR_ACCESS_DENIED;
	else if (!BE(s)->ops->backup)
		result = ERROR_NOT_SUPPORTED;
	else if (!(dir = ops_utf8(&((const struct cmrp_name_in *)in)->name)) || dir[0] != '/')
		result = ERROR_INVALID_PARAMETER;
	else if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		result = ERROR_PATH_NOT_FOUND;
	else if (asprintf(&file, "%s/cluster.db", dir) < 0)
		file = NULL, result = ERROR_NOT_ENOUGH_MEMORY;
	else {
		int rc = BE(s)->ops->backup(BE(s), file);
		result = rc == BE_EXISTS ? ERROR_FILE_EXISTS : ops_be_error(rc, (enum be_kind)0);
		if (!result)
			log_info("cluster database backed up to %s", file);
	}
	free(dir);
	free(file);
	reply_status(out, result);
	return 0;
}

static uint32_t set_account_password(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct cmrp_set_password_out *o = out;
	(void)s, (void)c;
	o->buffer_size = ((const struct cmrp_set_password_in *)in)->buffer_size;
	o->result = ERROR_CALL_NOT_IMPLEMENTED;
	return 0;
}

/* ---- group sets: the set of each group ----------------------------------------- */

/* Sets come with their groups; a set of its own is not offered.  (Every group
 * is also the group set of the same name: OpenGroupSet is open_by_name.) */
static uint32_t create_group_set(struct session *s, const struct ops_call *c, void *in, void *out)
{
	(void)s, (void)c, (void)in;
	((struct cmrp_open_object_out *)out)->status = ERROR_NOT_SUPPORTED;
	return 0;
}

/* ---- the calls of this file ------------------------------------------------------ */

const struct ops_entry ops_object_calls[] = {
	{ CMRP_CLOSE_CLUSTER, close_handle, 0, false },
	{ CMRP_GET_QUORUM_RESOURCE, get_quorum, 0, false },
	{ CMRP_SET_QUORUM_RESOURCE, set_quorum, 0, false },
	{ CMRP_CREATE_ENUM, create_enum, 0, false },
	{ CMRP_CREATE_ENUM_EX, create_enum, 0, false },
	{ CMRP_OPEN_RESOURCE, open_by_name, BE_RESOURCE, false },
	{ CMRP_OPEN_RESOURCE_EX, open_by_name, BE_RESOURCE, false },
	{ CMRP_CREATE_RESOURCE, create_resource, 0, false },
	{ CMRP_DELETE_RESOURCE, delete_object, 0, false },
	{ CMRP_CLOSE_RESOURCE, close_handle, 0, false },
	{ CMRP_GET_RESOURCE_STATE, get_state, 0, false },
	{ CMRP_SET_RESOURCE_NAME, rename_object, 0, false },
	{ CMRP_GET_RESOURCE_ID, get_string, STR_ID, false },
	{ CMRP_GET_RESOURCE_TYPE, get_string, STR_TYPE, false },
	{ CMRP_FAIL_RESOURCE, act, BE_ACT_FAIL, false },
	{ CMRP_ONLINE_RESOURCE, act, BE_ACT_ONLINE, false },
	{ CMRP_OFFLINE_RESOURCE, act, BE_ACT_OFFLINE, false },
	{ CMRP_CREATE_RES_ENUM, object_enum, 0, false },
	{ CMRP_GET_RESOURCE_DEPENDENCY_EXPRESSION, get_string, STR_DEPENDENCIES, false },
	{ CMRP_GET_RESOURCE_NETWORK_NAME, get_string, STR_NETWORK_NAME, false },
	{ CMRP_OPEN_GROUP, open_by_name, BE_GROUP, false },
	{ CMRP_OPEN_GROUP_EX, open_by_name, BE_GROUP, false },
	{ CMRP_CREATE_GROUP, create_group, 0, false },
	{ CMRP_DELETE_GROUP, delete_object, 0, false },
	{ CMRP_CLOSE_GROUP, close_handle, 0, false },
	{ CMRP_GET_GROUP_STATE, get_state, 0, false },
	{ CMRP_SET_GROUP_NAME, rename_object, 0, false },
	{ CMRP_GET_GROUP_ID, get_string, STR_ID, false },
	{ CMRP_ONLINE_GROUP, act, BE_ACT_ONLINE, false },
	{ CMRP_OFFLINE_GROUP, act, BE_ACT_OFFLINE, false },
	{ CMRP_MOVE_GROUP, move_group, 0, false },
	{ CMRP_MOVE_GROUP_TO_NODE, move_group, 0, false },
	{ CMRP_CREATE_GROUP_RESOURCE_ENUM, object_enum, 0, false },
	{ CMRP_OPEN_NODE, open_by_name, BE_NODE, false },
	{ CMRP_OPEN_NODE_EX, open_by_name, BE_NODE, false },
	{ CMRP_CLOSE_NODE, close_handle, 0, false },
	{ CMRP_GET_NODE_STATE, get_state, 0, false },
	{ CMRP_GET_NODE_ID, get_string, STR_ID, false },
	{ CMRP_PAUSE_NODE, act, BE_ACT_PAUSE, false },
	{ CMRP_RESUME_NODE, act, BE_ACT_RESUME, false },
	{ CMRP_EVICT_NODE, act, BE_ACT_EVICT, false },
	{ CMRP_CREATE_NODE_ENUM, object_enum, 0, false },
	{ CMRP_CREATE_NODE_ENUM_EX, object_enum, 0, false },
	{ CMRP_CREATE_RES_TYPE_ENUM, object_enum, 0, false },
	{ CMRP_OPEN_NETWORK, open_by_name, BE_NETWORK, false },
	{ CMRP_OPEN_NETWORK_EX, open_by_name, BE_NETWORK, false },
	{ CMRP_CLOSE_NETWORK, close_handle, 0, false },
	{ CMRP_GET_NETWORK_STATE, get_state, 0, false },
	{ CMRP_GET_NETWORK_ID, get_string, STR_ID, false },
	{ CMRP_OPEN_NET_INTERFACE, open_by_name, BE_NETIF, false },
	{ CMRP_OPEN_NET_INTERFACE_EX, open_by_name, BE_NETIF, false },
	{ CMRP_CLOSE_NET_INTERFACE, close_handle, 0, false },
	{ CMRP_GET_NET_INTERFACE_STATE, get_state, 0, false },
	{ CMRP_GET_NET_INTERFACE_ID, get_string, STR_ID, false },
	{ CMRP_BACKUP_CLUSTER_DATABASE, backup_database, 0, false },
	{ CMRP_SET_SERVICE_ACCOUNT_PASSWORD, set_account_password, 0, false },
	{ CMRP_CREATE_GROUP_ENUM, enum_objects, 0, false },
	{ CMRP_CREATE_RESOURCE_ENUM, enum_objects, 0, false },
	{ CMRP_CREATE_GROUP_SET, create_group_set, 0, false },
	{ CMRP_OPEN_GROUP_SET, open_by_name, BE_GROUP, false },
	{ CMRP_CLOSE_GROUP_SET, close_handle, 0, false },
	{ CMRP_CLOSE_KEY, close_handle, 0, false },
	{ CMRP_CREATE_GROUP_SET_ENUM, enum_group_sets, 0, false },
	{ 0, NULL, 0, false },
};
