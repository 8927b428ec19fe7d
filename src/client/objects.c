/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libclusapi: cluster objects.  Nodes, groups, resources, networks, network
 * interfaces and registry keys are registry tokens for a struct object that
 * holds the server's context handle and the token of the cluster handle (the
 * session) it was opened from; every call takes both references, locks the
 * session and makes its call on that session's connection.  Enumerations take
 * the whole list at open and are indexed locally, as on Windows.
 */
#include <stdlib.h>
#include <string.h>

#include "base/utf16.h"
#include "base/werror.h"
#include "cmrp/cmrp.h"
#include "cmrp/cmrp_objects.h"
#include "cmrp/cmrp_table.h"
#include "objects_int.h"
#include "registry.h"
#include "session.h"

#define KIND_NODE 0x4e4f4445u     /* "NODE" */
#define KIND_GROUP 0x47525550u    /* "GRUP" */
#define KIND_RESOURCE 0x52455352u /* "RESR" */
#define KIND_NETWORK 0x4e455457u  /* "NETW" */
#define KIND_NETIF 0x4e494653u    /* "NIFS" */
#define KIND_KEY 0x484b4559u      /* "HKEY" */
#define KIND_ENUM 0x454e554du     /* "ENUM" */
#define KIND_ENUM_EX 0x454e5558u  /* "ENUX" */
#define KIND_NODE_ENUM 0x4e454e55u
#define KIND_GROUP_ENUM 0x47454e55u
#define KIND_RES_ENUM 0x52454e55u

struct object {
	uintptr_t cluster; /* the HCLUSTER token this object came from */
	struct rpc_ctx_handle handle;
	/* In its session's list (under the session's lock) while both live. */
	struct object *next, *prev;
	bool linked;
	/* How to open it again after a reconnect: Open*Ex(name, desired),
	 * GetRootKey(desired), or for a registry subkey OpenKey(a new root key,
	 * name: its path from the root, desired); reopen_opnum 0: it cannot be. */
	uint16_t reopen_opnum;
	uint16_t *name;
	size_t name_units;
	uint32_t desired;
};

/* A locked call on an object: the object, its session, both referenced. */
struct ocall {
	uintptr_t token;
	struct object *o;
	struct cluster_session *s;
};

static DWORD obj_acquire(const void *h, uint32_t kind, struct ocall *c)
{
	c->token = (uintptr_t)h;
	c->o = registry_get(c->token, kind);
	if (!c->o)
		return ERROR_INVALID_HANDLE;
	c->s = registry_get(c->o->cluster, KIND_CLUSTER);
	if (!c->s) {
		/* The cluster handle was closed: the server let go of us. */
		registry_put(c->token);
		return ERROR_INVALID_HANDLE;
	}
	pthread_mutex_lock(&c->s->lock);
	return ERROR_SUCCESS;
}

static void obj_release(struct ocall *c)
{
	pthread_mutex_unlock(&c->s->lock);
	registry_put(c->o->cluster);
	registry_put(c->token);
}

static struct cluster_session *cluster_acquire(HCLUSTER h)
{
	struct cluster_session *s = registry_get((uintptr_t)h, KIND_CLUSTER);
	if (s)
		pthread_mutex_lock(&s->lock);
	return s;
}

static void cluster_release(HCLUSTER h, struct cluster_session *s)
{
	pthread_mutex_unlock(&s->lock);
	registry_put((uintptr_t)h);
}

static void object_destroy(void *obj)
{
	struct object *o = obj;
	free(o->name);
	free(o);
}

static void object_unlink(struct cluster_session *s, struct object *o)
{
	if (!o->linked)
		return;
	if (o->prev)
		o->prev->next = o->next;
	else
		s->objects = o->next;
	if (o->next)
		o->next->prev = o->prev;
	o->next = o->prev = NULL;
	o->linked = false;
}

void session_detach_objects(struct cluster_session *s)
{
	while (s->objects)
		object_unlink(s, s->objects);
}

/* A registry subkey: through a root key of its own (whether or not the
 * caller still holds one), by its path from the root; the root key goes
 * again at once.  0 and *out set, or an error. */
static DWORD reopen_subkey(struct cluster_session *s, const struct object *o, struct rpc_ctx_handle *out)
{
	struct cmrp_open_object_out root, sub;
	struct cmrp_u32_in get = { o->desired };
	DWORD err = session_op_once(s, CMRP_GET_ROOT_KEY, &get, &root);
	if (err || root.status || root.rpc_status || rpc_uuid_is_nil(&root.handle.uuid))
		return err ? err : ERROR_INVALID_HANDLE;
	struct cmrp_handle_name_in open = {
		.handle = root.handle, .name = { o->name, o->name_units }, .v = { o->desired } };
	err = session_op_once(s, CMRP_OPEN_KEY, &open, &sub);
	struct cmrp_handle_in close = { root.handle };
	struct cmrp_close_out closed;
	session_op_once(s, CMRP_CLOSE_KEY, &close, &closed);
	if (err || sub.status || sub.rpc_status || rpc_uuid_is_nil(&sub.handle.uuid))
		return err ? err : ERROR_INVALID_HANDLE;
	*out = sub.handle;
	return ERROR_SUCCESS;
}

void session_reopen_objects(struct cluster_session *s)
{
	for (struct object *o = s->objects; o; o = o->next) {
		struct cmrp_open_object_out out;
		bool ex = o->reopen_opnum != CMRP_GET_ROOT_KEY;
		if (!o->reopen_opnum || (ex && !o->name))
			continue;
		if (o->reopen_opnum == CMRP_OPEN_KEY) {
			struct rpc_ctx_handle now;
			if (!reopen_subkey(s, o, &now) && session_remap_add(s, &o->handle, &now))
				o->handle = now;
			continue;
		}
		struct cmrp_name_in by_name = { { o->name, o->name_units }, o->desired };
		struct cmrp_u32_in root = { o->desired };
		DWORD err = session_op_once(s, o->reopen_opnum, ex ? (const void *)&by_name : &root, &out);
		/* One that is gone (deleted, renamed elsewhere) keeps its old
		 * handle, which the server now calls invalid. */
		if (!err && !out.status && !out.rpc_status && !rpc_uuid_is_nil(&out.handle.uuid) &&
		    session_remap_add(s, &o->handle, &out.handle))
			o->handle = out.handle;
	}
}

/* Remember a (new) name to reopen by; false when out of memory. */
static bool object_set_name(struct object *o, const uint16_t *name, size_t units)
{
	uint16_t *copy = malloc((units + 1) * sizeof(*copy));
	if (!copy)
		return false;
	memcpy(copy, name, units * sizeof(*copy));
	copy[units] = 0;
	free(o->name);
	o->name = copy;
	o->name_units = units;
	return true;
}

/* (rpc_status, result) as one error. */
static DWORD status_of(DWORD err, const struct cmrp_status_result_out *r)
{
	if (err)
		return err;
	return r->result ? r->result : r->rpc_status;
}

/* ---- generic shapes ------------------------------------------------------------ */

/* The result of an open-shaped reply: the new handle or an error. */
static DWORD open_result(DWORD err, const struct cmrp_open_object_out *o)
{
	if (err)
		return err;
	if (o->status)
		return o->status;
	if (o->rpc_status)
		return o->rpc_status;
	if (rpc_uuid_is_nil(&o->handle.uuid))
		return RPC_X_BAD_STUB_DATA;
	return ERROR_SUCCESS;
}

/* Tell the server to drop a handle we could not hand out (best effort). */
static void close_quietly(struct cluster_session *s, uint16_t opnum, const struct rpc_ctx_handle *h)
{
	struct cmrp_handle_in r = { *h };
	struct cmrp_close_out o;
	session_op(s, opnum, &r, &o);
}

/* How a new object can be opened again (see struct object). */
struct reopen {
	uint16_t opnum;
	const uint16_t *name;
	size_t units;
	uint32_t desired;
};

/* Register a new object of this session (whose lock the caller holds); 0
 * (and the server handle closed) when out of memory. */
static uintptr_t object_new(struct cluster_session *s, uintptr_t cluster, uint32_t kind, uint16_t close_opnum,
			    const struct rpc_ctx_handle *h, const struct reopen *r)
{
	struct object *o = calloc(1, sizeof(*o));
	uintptr_t token = 0;
	if (o) {
		o->cluster = cluster;
		o->handle = *h;
		if (r) {
			o->reopen_opnum = r->opnum;
			o->desired = r->desired;
		}
		if (r && r->name && !object_set_name(o, r->name, r->units)) {
			free(o);
			o = NULL;
		}
	}
	if (o) {
		token = registry_add(o, kind, object_destroy);
		if (!token) {
			object_destroy(o);
		} else {
			o->next = s->objects;
			if (s->objects)
				s->objects->prev = o;
			s->objects = o;
			o->linked = true;
		}
	}
	if (!token)
		close_quietly(s, close_opnum, h);
	return token;
}

static bool name_ok(LPCWSTR name, size_t *units)
{
	if (!name)
		return false;
	*units = utf16_len((const uint16_t *)name);
	return *units < CMRP_MAX_NAME_UNITS;
}

/* The Open*Ex opnum of a plain Open* opnum. */
static uint16_t ex_opnum_of(uint16_t opnum)
{
	switch (opnum) {
	case CMRP_OPEN_NODE:
		return CMRP_OPEN_NODE_EX;
	case CMRP_OPEN_GROUP:
		return CMRP_OPEN_GROUP_EX;
	case CMRP_OPEN_RESOURCE:
		return CMRP_OPEN_RESOURCE_EX;
	case CMRP_OPEN_NETWORK:
		return CMRP_OPEN_NETWORK_EX;
	default:
		return CMRP_OPEN_NET_INTERFACE_EX;
	}
}

/* Open*, Open*Ex (ex), by name on a cluster handle. */
static void *open_object(HCLUSTER h, LPCWSTR name, uint32_t kind, uint16_t opnum, uint16_t close_opnum, bool ex,
			 DWORD desired, DWORD *granted)
{
	size_t units;
	if (granted)
		*granted = 0;
	if (!name_ok(name, &units)) {
		werror_set_last(name ? ERROR_INVALID_NAME : ERROR_INVALID_PARAMETER);
		return NULL;
	}
	struct cluster_session *s = cluster_acquire(h);
	if (!s) {
		werror_set_last(ERROR_INVALID_HANDLE);
		return NULL;
	}
	/* An object can hold no more than the cluster handle it comes from.  The
	 * wire does not tie the two together (MS-CMRP grants an open by who the
	 * caller is), so through a read-only cluster handle we ask for read
	 * access only, and creating is refused here. */
	DWORD err = ERROR_SUCCESS;
	if (s->granted != GENERIC_ALL) {
		if (opnum == CMRP_CREATE_GROUP)
			err = ERROR_ACCESS_DENIED;
		else if (ex && (desired & (GENERIC_WRITE | GENERIC_EXECUTE | GENERIC_ALL | CLUSAPI_CHANGE_ACCESS)))
			err = ERROR_ACCESS_DENIED;
		else if (ex)
			desired = (desired & ~MAXIMUM_ALLOWED) | GENERIC_READ;
		else {
			opnum = ex_opnum_of(opnum);
			ex = true;
			desired = GENERIC_READ;
		}
		if (err) {
			cluster_release(h, s);
			werror_set_last(err);
			return NULL;
		}
	}
	struct cmrp_name_in r = { { (uint16_t *)name, units }, desired };
	struct cmrp_open_object_out a;
	err = open_result(session_op(s, opnum, &r, &a), &a);
	uintptr_t token = 0;
	if (!err) {
		struct reopen ro = {
			.opnum = opnum == CMRP_CREATE_GROUP ? CMRP_OPEN_GROUP_EX : ex ? opnum : ex_opnum_of(opnum),
			.name = (const uint16_t *)name,
			.units = units,
			.desired = ex ? a.granted : GENERIC_ALL,
		};
		token = object_new(s, (uintptr_t)h, kind, close_opnum, &a.handle, &ro);
		if (!token)
			err = ERROR_NOT_ENOUGH_MEMORY;
	}
	cluster_release(h, s);
	if (!err && granted)
		*granted = a.granted;
	werror_set_last(err);
	return (void *)token;
}

/* Close*: the token goes whatever the server says; the server is told when the
 * session is still there (else the connection's end ran the handle down). */
static BOOL close_object(const void *h, uint32_t kind, uint16_t opnum, DWORD *result)
{
	uintptr_t token = (uintptr_t)h;
	struct object *o = registry_take(token, kind);
	DWORD err = ERROR_SUCCESS;
	if (!o) {
		err = ERROR_INVALID_HANDLE;
		goto out;
	}
	struct cluster_session *s = registry_get(o->cluster, KIND_CLUSTER);
	if (s) {
		struct cmrp_handle_in r = { o->handle };
		struct cmrp_close_out a;
		pthread_mutex_lock(&s->lock);
		object_unlink(s, o);
		err = session_op(s, opnum, &r, &a);
		pthread_mutex_unlock(&s->lock);
		registry_put(o->cluster);
		if (!err)
			err = a.result;
		/* A broken connection took the handle with it. */
		if (err == RPC_S_SERVER_UNAVAILABLE)
			err = ERROR_SUCCESS;
	}
	registry_put(token);
out:
	if (result)
		*result = err;
	werror_set_last(err);
	return err == ERROR_SUCCESS;
}

/* A handle-only call answered with (rpc_status, result). */
static DWORD handle_status_locked(struct ocall *c, uint16_t opnum)
{
	struct cmrp_handle_in in = { c->o->handle };
	struct cmrp_status_result_out r;
	return status_of(session_op(c->s, opnum, &in, &r), &r);
}

static DWORD handle_status(const void *h, uint32_t kind, uint16_t opnum)
{
	struct ocall c;
	DWORD err = obj_acquire(h, kind, &c);
	if (err)
		return err;
	err = handle_status_locked(&c, opnum);
	obj_release(&c);
	return err;
}

/* Set*Name: (handle, name) -> (rpc_status, result). */
static DWORD set_name(const void *h, uint32_t kind, uint16_t opnum, LPCWSTR name)
{
	size_t units;
	struct ocall c;
	DWORD err = obj_acquire(h, kind, &c);
	if (err)
		return err;
	if (!name_ok(name, &units) || units == 0) {
		obj_release(&c);
		return name ? ERROR_INVALID_NAME : ERROR_INVALID_PARAMETER;
	}
	struct cmrp_handle_name_in in = { .handle = c.o->handle, .name = { (uint16_t *)name, units } };
	struct cmrp_status_result_out r;
	err = status_of(session_op(c.s, opnum, &in, &r), &r);
	/* Reopen by the new name from now on (best effort). */
	if (!err)
		object_set_name(c.o, (const uint16_t *)name, units);
	obj_release(&c);
	return err;
}

static DWORD copy_string(const struct cmrp_string *src, LPWSTR buf, LPDWORD cch)
{
	static const uint16_t empty[1] = { 0 };
	struct cmrp_string e = { (uint16_t *)empty, 0 };
	return session_copy_out(src->s ? src : &e, buf, cch);
}

/* Get*State: the state value, and up to two names copied out; -1 with the
 * last error on failure. */
static int get_state(const void *h, uint32_t kind, uint16_t opnum, LPWSTR node, LPDWORD cch_node,
		     LPWSTR group, LPDWORD cch_group)
{
	struct ocall c;
	DWORD err = ((node && !cch_node) || (group && !cch_group)) ? ERROR_INVALID_PARAMETER : obj_acquire(h, kind, &c);
	if (err) {
		werror_set_last(err);
		return -1;
	}
	struct cmrp_handle_in in = { c.o->handle };
	struct cmrp_state_out a;
	err = session_op(c.s, opnum, &in, &a);
	obj_release(&c);
	if (!err)
		err = a.result ? a.result : a.rpc_status;
	if (!err && cch_node)
		err = copy_string(&a.node, node, cch_node);
	if (!err && cch_group) {
		DWORD e2 = copy_string(&a.group, group, cch_group);
		err = e2;
	}
	int state = (int)a.state;
	cmrp_state_out_free(&a);
	werror_set_last(err);
	return err ? -1 : state;
}

/* ---- nodes ------------------------------------------------------------------------ */

CLUSAPI_API HNODE OpenClusterNode(HCLUSTER hCluster, LPCWSTR lpszNodeName)
{
	return open_object(hCluster, lpszNodeName, KIND_NODE, CMRP_OPEN_NODE, CMRP_CLOSE_NODE, false, 0, NULL);
}

CLUSAPI_API HNODE OpenClusterNodeEx(HCLUSTER hCluster, LPCWSTR lpszNodeName, DWORD dwDesiredAccess,
				    DWORD *lpdwGrantedAccess)
{
	return open_object(hCluster, lpszNodeName, KIND_NODE, CMRP_OPEN_NODE_EX, CMRP_CLOSE_NODE, true,
			   dwDesiredAccess, lpdwGrantedAccess);
}

CLUSAPI_API BOOL CloseClusterNode(HNODE hNode)
{
	return close_object(hNode, KIND_NODE, CMRP_CLOSE_NODE, NULL);
}

CLUSAPI_API CLUSTER_NODE_STATE GetClusterNodeState(HNODE hNode)
{
	return (CLUSTER_NODE_STATE)get_state(hNode, KIND_NODE, CMRP_GET_NODE_STATE, NULL, NULL, NULL, NULL);
}

CLUSAPI_API DWORD PauseClusterNode(HNODE hNode)
{
	return handle_status(hNode, KIND_NODE, CMRP_PAUSE_NODE);
}

CLUSAPI_API DWORD ResumeClusterNode(HNODE hNode)
{
	return handle_status(hNode, KIND_NODE, CMRP_RESUME_NODE);
}

CLUSAPI_API DWORD EvictClusterNode(HNODE hNode)
{
	return handle_status(hNode, KIND_NODE, CMRP_EVICT_NODE);
}

/* ---- groups ----------------------------------------------------------------------- */

CLUSAPI_API HGROUP OpenClusterGroup(HCLUSTER hCluster, LPCWSTR lpszGroupName)
{
	return open_object(hCluster, lpszGroupName, KIND_GROUP, CMRP_OPEN_GROUP, CMRP_CLOSE_GROUP, false, 0, NULL);
}

CLUSAPI_API HGROUP OpenClusterGroupEx(HCLUSTER hCluster, LPCWSTR lpszGroupName, DWORD dwDesiredAccess,
				      DWORD *lpdwGrantedAccess)
{
	return open_object(hCluster, lpszGroupName, KIND_GROUP, CMRP_OPEN_GROUP_EX, CMRP_CLOSE_GROUP, true,
			   dwDesiredAccess, lpdwGrantedAccess);
}

CLUSAPI_API BOOL CloseClusterGroup(HGROUP hGroup)
{
	return close_object(hGroup, KIND_GROUP, CMRP_CLOSE_GROUP, NULL);
}

CLUSAPI_API CLUSTER_GROUP_STATE GetClusterGroupState(HGROUP hGroup, LPWSTR lpszNodeName, LPDWORD lpcchNodeName)
{
	return (CLUSTER_GROUP_STATE)get_state(hGroup, KIND_GROUP, CMRP_GET_GROUP_STATE, lpszNodeName,
					      lpcchNodeName, NULL, NULL);
}

CLUSAPI_API HGROUP CreateClusterGroup(HCLUSTER hCluster, LPCWSTR lpszGroupName)
{
	size_t units;
	if (!name_ok(lpszGroupName, &units) || units == 0) {
		werror_set_last(lpszGroupName ? ERROR_INVALID_NAME : ERROR_INVALID_PARAMETER);
		return NULL;
	}
	/* The create call has the same shape as an open by name. */
	return open_object(hCluster, lpszGroupName, KIND_GROUP, CMRP_CREATE_GROUP, CMRP_CLOSE_GROUP, false, 0, NULL);
}

CLUSAPI_API DWORD DeleteClusterGroup(HGROUP hGroup)
{
	struct ocall c;
	DWORD err = obj_acquire(hGroup, KIND_GROUP, &c);
	if (err)
		return err;
	struct cmrp_handle_bool_in in = { c.o->handle, false };
	struct cmrp_status_result_out r;
	err = status_of(session_op(c.s, CMRP_DELETE_GROUP, &in, &r), &r);
	obj_release(&c);
	return err;
}

/* The node handle beside a group handle: it must come from the same session.
 * Called with the group's call under way (session locked); takes a reference
 * on the node object that node_put drops. */
static DWORD node_of_same_session(const struct ocall *c, HNODE hNode, struct object **node)
{
	*node = registry_get((uintptr_t)hNode, KIND_NODE);
	if (!*node)
		return ERROR_INVALID_HANDLE;
	if ((*node)->cluster != c->o->cluster) {
		registry_put((uintptr_t)hNode);
		*node = NULL;
		return ERROR_INVALID_HANDLE;
	}
	return ERROR_SUCCESS;
}

static DWORD move_locked(struct ocall *c, const struct object *node)
{
	if (!node)
		return handle_status_locked(c, CMRP_MOVE_GROUP);
	struct cmrp_two_handles_in in = { c->o->handle, node->handle };
	struct cmrp_status_result_out r;
	return status_of(session_op(c->s, CMRP_MOVE_GROUP_TO_NODE, &in, &r), &r);
}

static DWORD group_move_online(HGROUP hGroup, HNODE hNode, bool move, bool online)
{
	struct ocall c;
	struct object *node = NULL;
	DWORD err = obj_acquire(hGroup, KIND_GROUP, &c);
	if (err)
		return err;
	if (hNode)
		err = node_of_same_session(&c, hNode, &node);
	if (!err && (move || node))
		err = move_locked(&c, node);
	if (!err && online)
		err = handle_status_locked(&c, CMRP_ONLINE_GROUP);
	if (node)
		registry_put((uintptr_t)hNode);
	obj_release(&c);
	return err;
}

CLUSAPI_API DWORD OnlineClusterGroup(HGROUP hGroup, HNODE hDestinationNode)
{
	return group_move_online(hGroup, hDestinationNode, false, true);
}

CLUSAPI_API DWORD OfflineClusterGroup(HGROUP hGroup)
{
	return handle_status(hGroup, KIND_GROUP, CMRP_OFFLINE_GROUP);
}

CLUSAPI_API DWORD MoveClusterGroup(HGROUP hGroup, HNODE hDestinationNode)
{
	return group_move_online(hGroup, hDestinationNode, true, false);
}

CLUSAPI_API DWORD SetClusterGroupName(HGROUP hGroup, LPCWSTR lpszGroupName)
{
	return set_name(hGroup, KIND_GROUP, CMRP_SET_GROUP_NAME, lpszGroupName);
}

/* ---- resources ---------------------------------------------------------------------- */

CLUSAPI_API HRESOURCE OpenClusterResource(HCLUSTER hCluster, LPCWSTR lpszResourceName)
{
	return open_object(hCluster, lpszResourceName, KIND_RESOURCE, CMRP_OPEN_RESOURCE, CMRP_CLOSE_RESOURCE, false,
			   0, NULL);
}

CLUSAPI_API HRESOURCE OpenClusterResourceEx(HCLUSTER hCluster, LPCWSTR lpszResourceName, DWORD dwDesiredAccess,
					    DWORD *lpdwGrantedAccess)
{
	return open_object(hCluster, lpszResourceName, KIND_RESOURCE, CMRP_OPEN_RESOURCE_EX, CMRP_CLOSE_RESOURCE,
			   true, dwDesiredAccess, lpdwGrantedAccess);
}

CLUSAPI_API BOOL CloseClusterResource(HRESOURCE hResource)
{
	return close_object(hResource, KIND_RESOURCE, CMRP_CLOSE_RESOURCE, NULL);
}

CLUSAPI_API CLUSTER_RESOURCE_STATE GetClusterResourceState(HRESOURCE hResource, LPWSTR lpszNodeName,
							   LPDWORD lpcchNodeName, LPWSTR lpszGroupName,
							   LPDWORD lpcchGroupName)
{
	return (CLUSTER_RESOURCE_STATE)get_state(hResource, KIND_RESOURCE, CMRP_GET_RESOURCE_STATE, lpszNodeName,
						 lpcchNodeName, lpszGroupName, lpcchGroupName);
}

CLUSAPI_API HRESOURCE CreateClusterResource(HGROUP hGroup, LPCWSTR lpszResourceName, LPCWSTR lpszResourceType,
					    DWORD dwFlags)
{
	size_t name_units, type_units;
	struct ocall c;
	DWORD err = obj_acquire(hGroup, KIND_GROUP, &c);
	if (err) {
		werror_set_last(err);
		return NULL;
	}
	if (!name_ok(lpszResourceName, &name_units) || !name_ok(lpszResourceType, &type_units) || name_units == 0 ||
	    type_units == 0) {
		obj_release(&c);
		werror_set_last(lpszResourceName && lpszResourceType ? ERROR_INVALID_NAME : ERROR_INVALID_PARAMETER);
		return NULL;
	}
	if (dwFlags & ~(DWORD)CLUSTER_RESOURCE_VALID_FLAGS) {
		obj_release(&c);
		werror_set_last(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	struct cmrp_create_resource_in r = {
		.group = c.o->handle,
		.name = { (uint16_t *)lpszResourceName, name_units },
		.type = { (uint16_t *)lpszResourceType, type_units },
		.flags = dwFlags,
	};
	struct cmrp_open_object_out a;
	err = open_result(session_op(c.s, CMRP_CREATE_RESOURCE, &r, &a), &a);
	uintptr_t token = 0;
	if (!err) {
		struct reopen ro = { CMRP_OPEN_RESOURCE_EX, (const uint16_t *)lpszResourceName, name_units, GENERIC_ALL };
		token = object_new(c.s, c.o->cluster, KIND_RESOURCE, CMRP_CLOSE_RESOURCE, &a.handle, &ro);
		if (!token)
			err = ERROR_NOT_ENOUGH_MEMORY;
	}
	obj_release(&c);
	werror_set_last(err);
	return (HRESOURCE)token;
}

CLUSAPI_API DWORD DeleteClusterResource(HRESOURCE hResource)
{
	return handle_status(hResource, KIND_RESOURCE, CMRP_DELETE_RESOURCE);
}

CLUSAPI_API DWORD OnlineClusterResource(HRESOURCE hResource)
{
	return handle_status(hResource, KIND_RESOURCE, CMRP_ONLINE_RESOURCE);
}

CLUSAPI_API DWORD OfflineClusterResource(HRESOURCE hResource)
{
	return handle_status(hResource, KIND_RESOURCE, CMRP_OFFLINE_RESOURCE);
}

CLUSAPI_API DWORD FailClusterResource(HRESOURCE hResource)
{
	return handle_status(hResource, KIND_RESOURCE, CMRP_FAIL_RESOURCE);
}

CLUSAPI_API DWORD SetClusterResourceName(HRESOURCE hResource, LPCWSTR lpszResourceName)
{
	return set_name(hResource, KIND_RESOURCE, CMRP_SET_RESOURCE_NAME, lpszResourceName);
}

CLUSAPI_API BOOL GetClusterResourceNetworkName(HRESOURCE hResource, LPWSTR lpBuffer, LPDWORD nSize)
{
	struct ocall c;
	DWORD err = nSize ? obj_acquire(hResource, KIND_RESOURCE, &c) : ERROR_INVALID_PARAMETER;
	if (err) {
		werror_set_last(err);
		return FALSE;
	}
	struct cmrp_handle_in in = { c.o->handle };
	struct cmrp_string_result_out o;
	err = session_op(c.s, CMRP_GET_RESOURCE_NETWORK_NAME, &in, &o);
	obj_release(&c);
	if (!err)
		err = o.result ? o.result : o.rpc_status;
	if (!err)
		err = copy_string(&o.str, lpBuffer, nSize);
	cmrp_string_result_out_free(&o);
	werror_set_last(err);
	return err == ERROR_SUCCESS;
}

/* ---- networks and network interfaces -------------------------------------------------- */

CLUSAPI_API HNETWORK OpenClusterNetwork(HCLUSTER hCluster, LPCWSTR lpszNetworkName)
{
	return open_object(hCluster, lpszNetworkName, KIND_NETWORK, CMRP_OPEN_NETWORK, CMRP_CLOSE_NETWORK, false, 0,
			   NULL);
}

CLUSAPI_API HNETWORK OpenClusterNetworkEx(HCLUSTER hCluster, LPCWSTR lpszNetworkName, DWORD dwDesiredAccess,
					  DWORD *lpdwGrantedAccess)
{
	return open_object(hCluster, lpszNetworkName, KIND_NETWORK, CMRP_OPEN_NETWORK_EX, CMRP_CLOSE_NETWORK, true,
			   dwDesiredAccess, lpdwGrantedAccess);
}

CLUSAPI_API BOOL CloseClusterNetwork(HNETWORK hNetwork)
{
	return close_object(hNetwork, KIND_NETWORK, CMRP_CLOSE_NETWORK, NULL);
}

CLUSAPI_API CLUSTER_NETWORK_STATE GetClusterNetworkState(HNETWORK hNetwork)
{
	return (CLUSTER_NETWORK_STATE)get_state(hNetwork, KIND_NETWORK, CMRP_GET_NETWORK_STATE, NULL, NULL, NULL,
						NULL);
}

CLUSAPI_API HNETINTERFACE OpenClusterNetInterface(HCLUSTER hCluster, LPCWSTR lpszInterfaceName)
{
	return open_object(hCluster, lpszInterfaceName, KIND_NETIF, CMRP_OPEN_NET_INTERFACE, CMRP_CLOSE_NET_INTERFACE,
			   false, 0, NULL);
}

CLUSAPI_API HNETINTERFACE OpenClusterNetInterfaceEx(HCLUSTER hCluster, LPCWSTR lpszInterfaceName,
						    DWORD dwDesiredAccess, DWORD *lpdwGrantedAccess)
{
	return open_object(hCluster, lpszInterfaceName, KIND_NETIF, CMRP_OPEN_NET_INTERFACE_EX,
			   CMRP_CLOSE_NET_INTERFACE, true, dwDesiredAccess, lpdwGrantedAccess);
}

CLUSAPI_API BOOL CloseClusterNetInterface(HNETINTERFACE hNetInterface)
{
	return close_object(hNetInterface, KIND_NETIF, CMRP_CLOSE_NET_INTERFACE, NULL);
}

CLUSAPI_API CLUSTER_NETINTERFACE_STATE GetClusterNetInterfaceState(HNETINTERFACE hNetInterface)
{
	return (CLUSTER_NETINTERFACE_STATE)get_state(hNetInterface, KIND_NETIF, CMRP_GET_NET_INTERFACE_STATE, NULL,
						     NULL, NULL, NULL);
}

/* ---- enumerations ------------------------------------------------------------------------ */

/* A list taken whole from the server: list.entries are the names (or, for
 * the Ex forms, the ids, with the names in names.entries). */
struct enum_data {
	struct cmrp_enum_out o;
	bool ex;
};

static void enum_destroy(void *obj)
{
	struct enum_data *e = obj;
	cmrp_enum_out_free(&e->o);
	free(e);
}

/* Make a call whose reply is an enumeration; register the list. */
static void *enum_finish(DWORD err, struct cmrp_enum_out *a, bool ex, uint32_t kind)
{
	if (!err)
		err = a->result ? a->result : a->rpc_status;
	if (!err && ex && a->names.count != a->list.count)
		err = RPC_X_BAD_STUB_DATA;
	uintptr_t token = 0;
	if (!err) {
		struct enum_data *e = calloc(1, sizeof(*e));
		if (e) {
			e->o = *a;
			e->ex = ex;
			memset(a, 0, sizeof(*a));
			token = registry_add(e, kind, enum_destroy);
			if (!token)
				enum_destroy(e);
		}
		if (!token)
			err = ERROR_NOT_ENOUGH_MEMORY;
	}
	cmrp_enum_out_free(a);
	werror_set_last(err);
	return (void *)token;
}

static void *cluster_open_enum(HCLUSTER h, DWORD type, bool ex)
{
	struct cluster_session *s = cluster_acquire(h);
	if (!s) {
		werror_set_last(ERROR_INVALID_HANDLE);
		return NULL;
	}
	struct cmrp_handle_u32s_in in_ex = { s->handle, { type, 0 } };
	struct cmrp_u32_in in = { type };
	struct cmrp_enum_out a;
	DWORD err = session_op(s, ex ? CMRP_CREATE_ENUM_EX : CMRP_CREATE_ENUM, ex ? (const void *)&in_ex : &in, &a);
	cluster_release(h, s);
	return enum_finish(err, &a, ex, ex ? KIND_ENUM_EX : KIND_ENUM);
}

static void *object_open_enum(const void *h, uint32_t kind, uint16_t opnum, DWORD type, uint32_t enum_kind)
{
	struct ocall c;
	DWORD err = obj_acquire(h, kind, &c);
	if (err) {
		werror_set_last(err);
		return NULL;
	}
	struct cmrp_handle_u32s_in in = { c.o->handle, { type } };
	struct cmrp_enum_out a;
	err = session_op(c.s, opnum, &in, &a);
	obj_release(&c);
	return enum_finish(err, &a, false, enum_kind);
}

static DWORD enum_count(const void *h, uint32_t kind)
{
	struct enum_data *e = registry_get((uintptr_t)h, kind);
	if (!e) {
		werror_set_last(ERROR_INVALID_HANDLE);
		return 0;
	}
	DWORD n = e->o.list.count;
	registry_put((uintptr_t)h);
	werror_set_last(ERROR_SUCCESS);
	return n;
}

static DWORD enum_item(const void *h, uint32_t kind, DWORD index, LPDWORD type, LPWSTR name, LPDWORD cch)
{
	if (!cch)
		return ERROR_INVALID_PARAMETER;
	struct enum_data *e = registry_get((uintptr_t)h, kind);
	if (!e)
		return ERROR_INVALID_HANDLE;
	DWORD err;
	if (index >= e->o.list.count) {
		err = ERROR_NO_MORE_ITEMS;
	} else {
		const struct cmrp_enum_entry *en = &e->o.list.entries[index];
		if (type)
			*type = en->type;
		err = copy_string(&en->name, name, cch);
	}
	registry_put((uintptr_t)h);
	return err;
}

static DWORD enum_close(const void *h, uint32_t kind)
{
	uintptr_t token = (uintptr_t)h;
	if (!registry_take(token, kind))
		return ERROR_INVALID_HANDLE;
	registry_put(token);
	return ERROR_SUCCESS;
}

CLUSAPI_API HCLUSENUM ClusterOpenEnum(HCLUSTER hCluster, DWORD dwType)
{
	return cluster_open_enum(hCluster, dwType, false);
}

CLUSAPI_API DWORD ClusterGetEnumCount(HCLUSENUM hEnum)
{
	return enum_count(hEnum, KIND_ENUM);
}

CLUSAPI_API DWORD ClusterEnum(HCLUSENUM hEnum, DWORD dwIndex, LPDWORD lpdwType, LPWSTR lpszName, LPDWORD lpcchName)
{
	return enum_item(hEnum, KIND_ENUM, dwIndex, lpdwType, lpszName, lpcchName);
}

CLUSAPI_API DWORD ClusterCloseEnum(HCLUSENUM hEnum)
{
	return enum_close(hEnum, KIND_ENUM);
}

CLUSAPI_API HCLUSENUMEX ClusterOpenEnumEx(HCLUSTER hCluster, DWORD dwType, LPVOID pOptions)
{
	if (pOptions) {
		werror_set_last(ERROR_INVALID_PARAMETER);
		return NULL;
	}
	return cluster_open_enum(hCluster, dwType, true);
}

CLUSAPI_API DWORD ClusterGetEnumCountEx(HCLUSENUMEX hClusterEnum)
{
	return enum_count(hClusterEnum, KIND_ENUM_EX);
}

static size_t units_of(const struct cmrp_string *s)
{
	return s->s ? s->units : 0;
}

static WCHAR *put_string(WCHAR *dst, const struct cmrp_string *s)
{
	size_t n = units_of(s);
	if (n)
		memcpy(dst, s->s, n * sizeof(WCHAR));
	dst[n] = 0;
	return dst + n + 1;
}

CLUSAPI_API DWORD ClusterEnumEx(HCLUSENUMEX hClusterEnum, DWORD dwIndex, PCLUSTER_ENUM_ITEM pItem, LPDWORD cbItem)
{
	if (!cbItem)
		return ERROR_INVALID_PARAMETER;
	struct enum_data *e = registry_get((uintptr_t)hClusterEnum, KIND_ENUM_EX);
	if (!e)
		return ERROR_INVALID_HANDLE;
	DWORD err = ERROR_SUCCESS;
	if (dwIndex >= e->o.list.count) {
		err = ERROR_NO_MORE_ITEMS;
		goto out;
	}
	const struct cmrp_enum_entry *id = &e->o.list.entries[dwIndex], *name = &e->o.names.entries[dwIndex];
	size_t cb_id = (units_of(&id->name) + 1) * sizeof(WCHAR);
	size_t cb_name = (units_of(&name->name) + 1) * sizeof(WCHAR);
	size_t need = sizeof(CLUSTER_ENUM_ITEM) + cb_id + cb_name;
	if (!pItem || *cbItem < need) {
		*cbItem = (DWORD)need;
		err = ERROR_MORE_DATA;
		goto out;
	}
	WCHAR *p = (WCHAR *)(pItem + 1);
	pItem->dwVersion = CLUSTER_ENUM_ITEM_VERSION_1;
	pItem->dwType = name->type;
	pItem->cbId = (DWORD)cb_id;
	pItem->lpszId = p;
	p = put_string(p, &id->name);
	pItem->cbName = (DWORD)cb_name;
	pItem->lpszName = p;
	put_string(p, &name->name);
	*cbItem = (DWORD)need;
out:
	registry_put((uintptr_t)hClusterEnum);
	return err;
}

CLUSAPI_API DWORD ClusterCloseEnumEx(HCLUSENUMEX hClusterEnum)
{
	return enum_close(hClusterEnum, KIND_ENUM_EX);
}

CLUSAPI_API HNODEENUM ClusterNodeOpenEnum(HNODE hNode, DWORD dwType)
{
	return object_open_enum(hNode, KIND_NODE, CMRP_CREATE_NODE_ENUM, dwType, KIND_NODE_ENUM);
}

CLUSAPI_API DWORD ClusterNodeGetEnumCount(HNODEENUM hNodeEnum)
{
	return enum_count(hNodeEnum, KIND_NODE_ENUM);
}

CLUSAPI_API DWORD ClusterNodeEnum(HNODEENUM hNodeEnum, DWORD dwIndex, LPDWORD lpdwType, LPWSTR lpszName,
				  LPDWORD lpcchName)
{
	return enum_item(hNodeEnum, KIND_NODE_ENUM, dwIndex, lpdwType, lpszName, lpcchName);
}

CLUSAPI_API DWORD ClusterNodeCloseEnum(HNODEENUM hNodeEnum)
{
	return enum_close(hNodeEnum, KIND_NODE_ENUM);
}

CLUSAPI_API HGROUPENUM ClusterGroupOpenEnum(HGROUP hGroup, DWORD dwType)
{
	return object_open_enum(hGroup, KIND_GROUP, CMRP_CREATE_GROUP_RESOURCE_ENUM, dwType, KIND_GROUP_ENUM);
}

CLUSAPI_API DWORD ClusterGroupGetEnumCount(HGROUPENUM hGroupEnum)
{
	return enum_count(hGroupEnum, KIND_GROUP_ENUM);
}

CLUSAPI_API DWORD ClusterGroupEnum(HGROUPENUM hGroupEnum, DWORD dwIndex, LPDWORD lpdwType, LPWSTR lpszResourceName,
				   LPDWORD lpcchName)
{
	return enum_item(hGroupEnum, KIND_GROUP_ENUM, dwIndex, lpdwType, lpszResourceName, lpcchName);
}

CLUSAPI_API DWORD ClusterGroupCloseEnum(HGROUPENUM hGroupEnum)
{
	return enum_close(hGroupEnum, KIND_GROUP_ENUM);
}

CLUSAPI_API HRESENUM ClusterResourceOpenEnum(HRESOURCE hResource, DWORD dwType)
{
	return object_open_enum(hResource, KIND_RESOURCE, CMRP_CREATE_RES_ENUM, dwType, KIND_RES_ENUM);
}

CLUSAPI_API DWORD ClusterResourceGetEnumCount(HRESENUM hResEnum)
{
	return enum_count(hResEnum, KIND_RES_ENUM);
}

CLUSAPI_API DWORD ClusterResourceEnum(HRESENUM hResEnum, DWORD dwIndex, LPDWORD lpdwType, LPWSTR lpszName,
				      LPDWORD lpcchName)
{
	return enum_item(hResEnum, KIND_RES_ENUM, dwIndex, lpdwType, lpszName, lpcchName);
}

CLUSAPI_API DWORD ClusterResourceCloseEnum(HRESENUM hResEnum)
{
	return enum_close(hResEnum, KIND_RES_ENUM);
}

/* ---- controls ------------------------------------------------------------------------------ */

static DWORD object_control(const void *h, uint32_t kind, uint16_t opnum, uint16_t node_opnum, HNODE hHostNode,
			    DWORD dwControlCode, LPVOID lpInBuffer, DWORD cbInBufferSize, LPVOID lpOutBuffer,
			    DWORD cbOutBufferSize, LPDWORD lpBytesReturned);

CLUSAPI_API DWORD ClusterResourceControl(HRESOURCE hResource, HNODE hHostNode, DWORD dwControlCode,
					 LPVOID lpInBuffer, DWORD cbInBufferSize, LPVOID lpOutBuffer,
					 DWORD cbOutBufferSize, LPDWORD lpBytesReturned)
{
	return object_control(hResource, KIND_RESOURCE, CMRP_RESOURCE_CONTROL, CMRP_NODE_RESOURCE_CONTROL, hHostNode,
			      dwControlCode, lpInBuffer, cbInBufferSize, lpOutBuffer, cbOutBufferSize,
			      lpBytesReturned);
}

/* restypes (issue 11, part 3): the group's policies are its common properties. */
CLUSAPI_API DWORD ClusterGroupControl(HGROUP hGroup, HNODE hHostNode, DWORD dwControlCode, LPVOID lpInBuffer,
				      DWORD cbInBufferSize, LPVOID lpOutBuffer, DWORD cbOutBufferSize,
				      LPDWORD lpBytesReturned)
{
	return object_control(hGroup, KIND_GROUP, CMRP_GROUP_CONTROL, CMRP_NODE_GROUP_CONTROL, hHostNode, dwControlCode,
			      lpInBuffer, cbInBufferSize, lpOutBuffer, cbOutBufferSize, lpBytesReturned);
}

static DWORD object_control(const void *h, uint32_t kind, uint16_t opnum, uint16_t node_opnum, HNODE hHostNode,
			    DWORD dwControlCode, LPVOID lpInBuffer, DWORD cbInBufferSize, LPVOID lpOutBuffer,
			    DWORD cbOutBufferSize, LPDWORD lpBytesReturned)
{
	if ((!lpInBuffer && cbInBufferSize) || (!lpOutBuffer && cbOutBufferSize) ||
	    cbInBufferSize > CMRP_MAX_BUFFER_BYTES)
		return ERROR_INVALID_PARAMETER;
	if (lpBytesReturned)
		*lpBytesReturned = 0;
	struct ocall c;
	struct object *node = NULL;
	DWORD err = obj_acquire(h, kind, &c);
	if (err)
		return err;
	if (hHostNode)
		err = node_of_same_session(&c, hHostNode, &node);
	if (err) {
		obj_release(&c);
		return err;
	}
	uint32_t out_size = cbOutBufferSize > CMRP_MAX_BUFFER_BYTES ? CMRP_MAX_BUFFER_BYTES : cbOutBufferSize;
	struct cmrp_control_in r = {
		.handle = c.o->handle,
		.code = dwControlCode,
		.in = { .present = lpInBuffer != NULL, .data = lpInBuffer, .len = cbInBufferSize },
		.out_size = out_size,
	};
	if (node)
		r.node = node->handle;
	struct cmrp_control_out o;
	err = session_op(c.s, node ? node_opnum : opnum, &r, &o);
	if (node)
		registry_put((uintptr_t)hHostNode);
	obj_release(&c);
	if (!err)
		err = o.result ? o.result : o.rpc_status;
	if (!err && o.returned > out_size)
		err = RPC_X_BAD_STUB_DATA;
	if (!err) {
		if (o.returned)
			memcpy(lpOutBuffer, o.data, o.returned);
		if (lpBytesReturned)
			*lpBytesReturned = o.returned;
	} else if (err == ERROR_MORE_DATA && lpBytesReturned) {
		*lpBytesReturned = o.required;
	}
	cmrp_control_out_free(&o);
	return err;
}

/* ---- the cluster registry --------------------------------------------------------------------- */

CLUSAPI_API HKEY GetClusterKey(HCLUSTER hCluster, REGSAM samDesired)
{
	struct cluster_session *s = cluster_acquire(hCluster);
	if (!s) {
		werror_set_last(ERROR_INVALID_HANDLE);
		return NULL;
	}
	struct cmrp_u32_in in = { samDesired };
	struct cmrp_open_object_out a;
	DWORD err = open_result(session_op(s, CMRP_GET_ROOT_KEY, &in, &a), &a);
	uintptr_t token = 0;
	if (!err) {
		struct reopen r = { .opnum = CMRP_GET_ROOT_KEY, .desired = samDesired };
		token = object_new(s, (uintptr_t)hCluster, KIND_KEY, CMRP_CLOSE_KEY, &a.handle, &r);
		if (!token)
			err = ERROR_NOT_ENOUGH_MEMORY;
	}
	cluster_release(hCluster, s);
	werror_set_last(err);
	return (HKEY)token;
}

CLUSAPI_API LONG ClusterRegOpenKey(HKEY hKey, LPCWSTR lpszSubKey, REGSAM samDesired, HKEY *phkResult)
{
	size_t units;
	if (!phkResult)
		return ERROR_INVALID_PARAMETER;
	*phkResult = NULL;
	if (!name_ok(lpszSubKey, &units))
		return lpszSubKey ? ERROR_INVALID_NAME : ERROR_INVALID_PARAMETER;
	struct ocall c;
	DWORD err = obj_acquire(hKey, KIND_KEY, &c);
	if (err)
		return (LONG)err;
	struct cmrp_handle_name_in in = {
		.handle = c.o->handle, .name = { (uint16_t *)lpszSubKey, units }, .v = { samDesired } };
	struct cmrp_open_object_out a;
	err = open_result(session_op(c.s, CMRP_OPEN_KEY, &in, &a), &a);
	if (!err) {
		/* Its path from the root, to reopen it by: the parent's path and
		 * this name (a parent that cannot be reopened: nor can this). */
		uint16_t *path = NULL;
		size_t plen = 0;
		bool root = c.o->reopen_opnum == CMRP_GET_ROOT_KEY;
		bool sub = c.o->reopen_opnum == CMRP_OPEN_KEY && c.o->name;
		if (root || sub) {
			size_t lead = sub ? c.o->name_units + 1 : 0;
			path = malloc((lead + units + 1) * sizeof(*path));
			if (path) {
				if (sub) {
					memcpy(path, c.o->name, c.o->name_units * sizeof(*path));
					path[c.o->name_units] = '\\';
				}
				memcpy(path + lead, lpszSubKey, units * sizeof(*path));
				plen = lead + units;
				path[plen] = 0;
			}
		}
		struct reopen r = { .opnum = CMRP_OPEN_KEY, .name = path, .units = plen, .desired = samDesired };
		uintptr_t token = object_new(c.s, c.o->cluster, KIND_KEY, CMRP_CLOSE_KEY, &a.handle, path ? &r : NULL);
		free(path);
		if (!token)
			err = ERROR_NOT_ENOUGH_MEMORY;
		*phkResult = (HKEY)token;
	}
	obj_release(&c);
	return (LONG)err;
}

CLUSAPI_API LONG ClusterRegEnumKey(HKEY hKey, DWORD dwIndex, LPWSTR lpszName, LPDWORD lpcchName,
				   PFILETIME lpftLastWriteTime)
{
	if (!lpcchName)
		return ERROR_INVALID_PARAMETER;
	struct ocall c;
	DWORD err = obj_acquire(hKey, KIND_KEY, &c);
	if (err)
		return (LONG)err;
	struct cmrp_handle_u32s_in in = { c.o->handle, { dwIndex } };
	struct cmrp_enum_key_out o;
	err = session_op(c.s, CMRP_ENUM_KEY, &in, &o);
	obj_release(&c);
	if (!err)
		err = o.result ? o.result : o.rpc_status;
	if (!err)
		err = copy_string(&o.name, lpszName, lpcchName);
	if (!err && lpftLastWriteTime) {
		lpftLastWriteTime->dwLowDateTime = (DWORD)o.last_write;
		lpftLastWriteTime->dwHighDateTime = (DWORD)(o.last_write >> 32);
	}
	cmrp_enum_key_out_free(&o);
	return (LONG)err;
}

static const WCHAR empty_name[1] = { 0 };

CLUSAPI_API LONG ClusterRegQueryValue(HKEY hKey, LPCWSTR lpszValueName, LPDWORD lpdwValueType, LPBYTE lpData,
				      LPDWORD lpcbData)
{
	size_t units;
	if (lpData && !lpcbData)
		return ERROR_INVALID_PARAMETER;
	if (!lpszValueName)
		lpszValueName = empty_name;
	if (!name_ok(lpszValueName, &units))
		return ERROR_INVALID_NAME;
	uint32_t cb = lpData ? *lpcbData : 0;
	if (cb > CMRP_MAX_BUFFER_BYTES)
		cb = CMRP_MAX_BUFFER_BYTES;
	struct ocall c;
	DWORD err = obj_acquire(hKey, KIND_KEY, &c);
	if (err)
		return (LONG)err;
	struct cmrp_handle_name_in in = {
		.handle = c.o->handle, .name = { (uint16_t *)lpszValueName, units }, .v = { cb } };
	struct cmrp_query_value_out o;
	err = session_op(c.s, CMRP_QUERY_VALUE, &in, &o);
	obj_release(&c);
	if (!err)
		err = o.result ? o.result : o.rpc_status;
	/* Without a buffer, the size is what was asked for. */
	if (err == ERROR_MORE_DATA && !lpData)
		err = ERROR_SUCCESS;
	if (!err && lpData && (o.required > o.len || o.required > cb))
		err = RPC_X_BAD_STUB_DATA;
	if (!err || err == ERROR_MORE_DATA) {
		if (lpdwValueType)
			*lpdwValueType = o.type;
		if (lpcbData)
			*lpcbData = o.required;
	}
	if (!err && lpData && o.required)
		memcpy(lpData, o.data, o.required);
	cmrp_query_value_out_free(&o);
	return (LONG)err;
}

CLUSAPI_API DWORD ClusterRegSetValue(HKEY hKey, LPCWSTR lpszValueName, DWORD dwType, const BYTE *lpData,
				     DWORD cbData)
{
	size_t units;
	if ((!lpData && cbData) || cbData > CMRP_MAX_BUFFER_BYTES)
		return ERROR_INVALID_PARAMETER;
	if (!lpszValueName)
		lpszValueName = empty_name;
	if (!name_ok(lpszValueName, &units))
		return ERROR_INVALID_NAME;
	struct ocall c;
	DWORD err = obj_acquire(hKey, KIND_KEY, &c);
	if (err)
		return err;
	struct cmrp_set_value_in r = {
		.key = c.o->handle,
		.name = { (uint16_t *)lpszValueName, units },
		.type = dwType,
		.data = cbData ? (uint8_t *)lpData : NULL,
		.len = cbData,
	};
	struct cmrp_status_result_out st;
	err = status_of(session_op(c.s, CMRP_SET_VALUE, &r, &st), &st);
	obj_release(&c);
	return err;
}

CLUSAPI_API LONG ClusterRegCloseKey(HKEY hKey)
{
	DWORD err;
	close_object(hKey, KIND_KEY, CMRP_CLOSE_KEY, &err);
	return (LONG)err;
}

/* ---- for the other files of the library (objects_int.h) ------------------------------ */

static uint32_t kind_of(enum objects_kind k)
{
	return k == OBJECTS_NODE ? KIND_NODE : k == OBJECTS_GROUP ? KIND_GROUP : KIND_RESOURCE;
}

DWORD objects_call_two(const void *a, enum objects_kind ka, const void *b, enum objects_kind kb, uint16_t opnum)
{
	struct ocall c;
	DWORD err = obj_acquire(a, kind_of(ka), &c);
	if (err)
		return err;
	struct object *other = registry_get((uintptr_t)b, kind_of(kb));
	if (!other || other->cluster != c.o->cluster)
		err = ERROR_INVALID_HANDLE;
	if (!err) {
		struct cmrp_two_handles_in in = { c.o->handle, other->handle };
		struct cmrp_status_result_out r;
		err = status_of(session_op(c.s, opnum, &in, &r), &r);
	}
	if (other)
		registry_put((uintptr_t)b);
	obj_release(&c);
	return err;
}

DWORD objects_call_wstr(const void *h, enum objects_kind kind, uint16_t opnum, struct cmrp_handle_wstr_in *in)
{
	struct ocall c;
	DWORD err = obj_acquire(h, kind_of(kind), &c);
	if (err)
		return err;
	in->handle = c.o->handle;
	struct cmrp_status_result_out r;
	err = status_of(session_op(c.s, opnum, in, &r), &r);
	obj_release(&c);
	return err;
}

DWORD objects_call_string(const void *h, enum objects_kind kind, uint16_t opnum, LPWSTR buf, LPDWORD cch)
{
	struct ocall c;
	DWORD err = cch ? obj_acquire(h, kind_of(kind), &c) : ERROR_INVALID_PARAMETER;
	if (err)
		return err;
	struct cmrp_handle_in in = { c.o->handle };
	struct cmrp_string_result_out o;
	err = session_op(c.s, opnum, &in, &o);
	obj_release(&c);
	if (!err)
		err = o.result ? o.result : o.rpc_status;
	if (!err)
		err = copy_string(&o.str, buf, cch);
	cmrp_string_result_out_free(&o);
	return err;
}

DWORD objects_node_names(const void *group, HNODE *nodes, DWORD n, uint16_t **multi, uint32_t *units)
{
	struct ocall c;
	DWORD err = obj_acquire(group, KIND_GROUP, &c);
	if (err)
		return err;
	size_t total = 1;
	uint16_t *out = NULL;
	for (int pass = 0; pass < 2 && !err; pass++) {
		size_t at = 0;
		for (DWORD i = 0; i < n && !err; i++) {
			struct object *node = NULL;
			err = node_of_same_session(&c, nodes[i], &node);
			if (!err && !node->name)
				err = ERROR_INVALID_HANDLE;
			if (!err && pass == 0)
				total += node->name_units + 1;
			if (!err && pass == 1) {
				memcpy(out + at, node->name, node->name_units * sizeof(uint16_t));
				at += node->name_units;
				out[at++] = 0;
			}
			if (node)
				registry_put((uintptr_t)nodes[i]);
		}
		if (!err && pass == 0 && !(out = calloc(total + 1, sizeof(uint16_t))))
			err = ERROR_NOT_ENOUGH_MEMORY;
	}
	obj_release(&c);
	if (err) {
		free(out);
		return err;
	}
	*multi = out;
	*units = (uint32_t)(n ? total : 0);
	return ERROR_SUCCESS;
}

/* ---- for restypes.c ----------------------------------------------------------------------- */

DWORD session_node_handle(uintptr_t cluster, HNODE hNode, struct rpc_ctx_handle *out)
{
	struct object *n = registry_get((uintptr_t)hNode, KIND_NODE);
	if (!n)
		return ERROR_INVALID_HANDLE;
	DWORD err = n->cluster == cluster ? ERROR_SUCCESS : ERROR_INVALID_HANDLE;
	if (!err)
		*out = n->handle;
	registry_put((uintptr_t)hNode);
	return err;
}

DWORD session_object_of(const void *h, struct object_info *info)
{
	static const struct {
		uint32_t kind;
		uint8_t type;
	} kinds[] = {
		{ KIND_NODE, CMRP_HANDLE_NODE },       { KIND_GROUP, CMRP_HANDLE_GROUP },
		{ KIND_RESOURCE, CMRP_HANDLE_RESOURCE }, { KIND_NETWORK, CMRP_HANDLE_NETWORK },
		{ KIND_NETIF, CMRP_HANDLE_NETIF },     { KIND_KEY, CMRP_HANDLE_KEY },
	};
	memset(info, 0, sizeof(*info));
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct ocall c;
		if (obj_acquire(h, kinds[i].kind, &c))
			continue;
		DWORD err = ERROR_SUCCESS;
		info->type = kinds[i].type;
		info->cluster = (HCLUSTER)c.o->cluster;
		info->reopen_opnum = c.o->reopen_opnum;
		info->desired = c.o->desired;
		info->units = c.o->name_units;
		if (c.o->name) {
			info->name = malloc((c.o->name_units + 1) * sizeof(uint16_t));
			if (info->name)
				memcpy(info->name, c.o->name, (c.o->name_units + 1) * sizeof(uint16_t));
			else
				err = ERROR_NOT_ENOUGH_MEMORY;
		}
		obj_release(&c);
		return err;
	}
	return ERROR_INVALID_HANDLE;
}

DWORD session_use_object(const void *h, uint8_t type, struct object_use *u)
{
	static const struct {
		uint8_t type;
		uint32_t kind;
	} kinds[] = {
		{ CMRP_HANDLE_NODE, KIND_NODE },       { CMRP_HANDLE_GROUP, KIND_GROUP },
		{ CMRP_HANDLE_RESOURCE, KIND_RESOURCE }, { CMRP_HANDLE_NETWORK, KIND_NETWORK },
		{ CMRP_HANDLE_NETIF, KIND_NETIF },     { CMRP_HANDLE_KEY, KIND_KEY },
	};
	memset(u, 0, sizeof(*u));
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (kinds[i].type != type)
			continue;
		struct ocall c;
		DWORD err = obj_acquire(h, kinds[i].kind, &c);
		if (err)
			return err;
		u->token = c.token;
		u->obj = c.o;
		u->s = c.s;
		u->cluster = (HCLUSTER)c.o->cluster;
		u->handle = c.o->handle;
		u->root = c.o->reopen_opnum == CMRP_GET_ROOT_KEY;
		u->path = c.o->reopen_opnum == CMRP_OPEN_KEY ? c.o->name : NULL;
		u->units = c.o->name_units;
		return ERROR_SUCCESS;
	}
	return ERROR_INVALID_HANDLE;
}

void session_unuse_object(struct object_use *u)
{
	struct ocall c = { u->token, u->obj, u->s };
	obj_release(&c);
}

HKEY session_new_key(struct cluster_session *s, HCLUSTER cluster, const struct rpc_ctx_handle *h, const uint16_t *path,
		     size_t units, uint32_t desired)
{
	struct reopen r = { .opnum = CMRP_OPEN_KEY, .name = path, .units = units, .desired = desired };
	return (HKEY)object_new(s, (uintptr_t)cluster, KIND_KEY, CMRP_CLOSE_KEY, h, path ? &r : NULL);
}
