/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Version 1 notification ports (MS-CMRP 3.1.1.8; ApiCreateNotify, ApiAddNotify*,
 * ApiReAddNotify*, ApiGetNotify, ApiUnblockGetNotifyCall, ApiCloseNotify).
 *
 * A port belongs to the session that created it.  It holds its registrations
 * (the whole cluster, or one object by backend id, each with a filter and the
 * client's notify key), a bounded queue of indications and at most one
 * GetNotify waiting for one.  The event loop hands every backend change to
 * notify_deliver(); a waiting GetNotify is then answered through the RPC
 * engine's deferred replies.  ApiUnblockGetNotifyCall and ApiCloseNotify
 * complete a waiting GetNotify with ERROR_NO_MORE_ITEMS ("the port has been
 * closed"); when the connection goes, the waiting call goes with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"
#include "clusterd.h"
#include "cmrp/cmrp_notify.h"
#include "ops.h"
#include "rpc/server.h"

/* Indications one port keeps before the oldest are dropped. */
#define NOTIFY_QUEUE_MAX 4096u
/* Registrations one port may hold. */
#define NOTIFY_REG_MAX 4096u

struct notify_reg {
	enum be_kind kind; /* 0: the whole cluster, or a registry key */
	char id[BE_ID_MAX];
	char *path; /* a registry key's path (ApiAddNotifyKey), or NULL */
	bool subtree; /* ... and every key under it */
	uint32_t filter;
	uint32_t key;
};

struct notify_item {
	uint32_t key;
	uint32_t filter;
	uint32_t sequence;
	char *name;
};

struct notify_port {
	struct notify_port *prev, *next;
	struct notify_reg *regs;
	size_t nregs, capregs;
	struct notify_item *q; /* a ring */
	size_t qhead, qlen, qcap;
	uint64_t dropped;
	uint32_t sequence;
	bool waiting; /* a GetNotify is pending */
	uint32_t call_id;
	uint16_t ctx_id;
};

void notify_port_free(struct session *s, struct notify_port *p)
{
	if (p->prev)
		p->prev->next = p->next;
	else if (s->ports == p)
		s->ports = p->next;
	if (p->next)
		p->next->prev = p->prev;
	for (size_t i = 0; i < p->qlen; i++)
		free(p->q[(p->qhead + i) % p->qcap].name);
	free(p->q);
	for (size_t i = 0; i < p->nregs; i++)
		free(p->regs[i].path);
	free(p->regs);
	free(p);
}

/* The CLUSTER_CHANGE bit of a backend change, or 0. */
static uint32_t event_filter(const struct be_event *ev)
{
	/* state, deleted, added, property for each kind */
	static const uint32_t bits[BE_KIND_MAX + 1][4] = {
		[BE_NODE] = { CLUSTER_CHANGE_NODE_STATE, CLUSTER_CHANGE_NODE_DELETED, CLUSTER_CHANGE_NODE_ADDED,
			      CLUSTER_CHANGE_NODE_PROPERTY },
		[BE_GROUP] = { CLUSTER_CHANGE_GROUP_STATE, CLUSTER_CHANGE_GROUP_DELETED, CLUSTER_CHANGE_GROUP_ADDED,
			       CLUSTER_CHANGE_GROUP_PROPERTY },
		[BE_RESOURCE] = { CLUSTER_CHANGE_RESOURCE_STATE, CLUSTER_CHANGE_RESOURCE_DELETED,
				  CLUSTER_CHANGE_RESOURCE_ADDED, CLUSTER_CHANGE_RESOURCE_PROPERTY },
		[BE_RESTYPE] = { 0, CLUSTER_CHANGE_RESOURCE_TYPE_DELETED, CLUSTER_CHANGE_RESOURCE_TYPE_ADDED,
				 CLUSTER_CHANGE_RESOURCE_TYPE_PROPERTY },
		[BE_NETWORK] = { CLUSTER_CHANGE_NETWORK_STATE, CLUSTER_CHANGE_NETWORK_DELETED,
				 CLUSTER_CHANGE_NETWORK_ADDED, CLUSTER_CHANGE_NETWORK_PROPERTY },
		[BE_NETIF] = { CLUSTER_CHANGE_NETINTERFACE_STATE, CLUSTER_CHANGE_NETINTERFACE_DELETED,
			       CLUSTER_CHANGE_NETINTERFACE_ADDED, CLUSTER_CHANGE_NETINTERFACE_PROPERTY },
	};
	if (ev->what == BE_EV_REGISTRY)
		return ev->reg_key ? CLUSTER_CHANGE_REGISTRY_NAME : CLUSTER_CHANGE_REGISTRY_VALUE;
	if (ev->what == BE_EV_QUORUM)
		return CLUSTER_CHANGE_QUORUM_STATE | CLUSTER_CHANGE_CLUSTER_STATE;
	if (ev->what == BE_EV_CLUSTER_PROPERTY)
		return CLUSTER_CHANGE_CLUSTER_PROPERTY;
	if (ev->kind < 1 || ev->kind > BE_KIND_MAX)
		return 0;
	switch (ev->what) {
	case BE_EV_STATE:
		return bits[ev->kind][0];
	case BE_EV_DELETED:
		return bits[ev->kind][1];
	case BE_EV_ADDED:
		return bits[ev->kind][2];
	case BE_EV_RENAMED:
		return bits[ev->kind][3];
	default:
		return 0;
	}
}

/* Queue one indication, dropping the oldest when the queue is full.  false
 * when out of memory (the indication is lost and counted). */
static bool port_queue(struct notify_port *p, uint32_t key, uint32_t filter, const char *name)
{
	char *copy = strdup(name ? name : "");
	if (!copy) {
		p->dropped++;
		return false;
	}
	if (p->qlen == NOTIFY_QUEUE_MAX) {
		struct notify_item *old = &p->q[p->qhead];
		free(old->name);
		p->qhead = (p->qhead + 1) % p->qcap;
		p->qlen--;
		if (p->dropped++ == 0)
			log_warn("notification port full: dropping the oldest indications");
	}
	if (p->qlen == p->qcap) {
		size_t ncap = p->qcap ? p->qcap * 2 : 16;
		if (ncap > NOTIFY_QUEUE_MAX)
			ncap = NOTIFY_QUEUE_MAX;
		struct notify_item *nq = malloc(ncap * sizeof(*nq));
		if (!nq) {
			free(copy);
			p->dropped++;
			return false;
		}
		for (size_t i = 0; i < p->qlen; i++)
			nq[i] = p->q[(p->qhead + i) % p->qcap];
		free(p->q);
		p->q = nq;
		p->qcap = ncap;
		p->qhead = 0;
	}
	struct notify_item *it = &p->q[(p->qhead + p->qlen) % p->qcap];
	it->key = key;
	it->filter = filter;
	it->sequence = ++p->sequence;
	it->name = copy;
	p->qlen++;
	return true;
}

/* The GetNotify reply for the oldest indication (dropped from the queue), or
 * for an error when result != 0. */
static void fill_get_notify(struct notify_port *p, uint32_t result, struct cmrp_get_notify_out *o)
{
	o->result = result;
	if (!result && p && p->qlen) {
		struct notify_item *it = &p->q[p->qhead];
		o->key = it->key;
		o->filter = it->filter;
		o->sequence = it->sequence;
		if (!ops_string(&o->name, it->name))
			o->result = ERROR_NOT_ENOUGH_MEMORY;
		free(it->name);
		p->qhead = (p->qhead + 1) % p->qcap;
		p->qlen--;
	}
}

/* Answer the waiting GetNotify of a port (with the oldest indication, or with
 * result).  0, or -1 when the reply could not be queued. */
static int port_complete(struct session *s, struct notify_port *p, uint32_t result)
{
	struct cmrp_get_notify_out o = { 0 };
	struct ndr_push out;
	int rc = -1;

	if (!p->waiting)
		return 0;
	p->waiting = false;
	/* A deferred reply: encoded here, as the core would have. */
	fill_get_notify(p, result, &o);
	ndr_push_init(&out);
	cmrp_get_notify_encode_out(&out, &o);
	cmrp_get_notify_out_free(&o);
	if (!out.error && s->rpc)
		rc = rpc_srv_conn_reply(s->rpc, p->call_id, p->ctx_id, out.data, out.len);
	ndr_push_free(&out);
	return rc;
}

/* Whether path is key or a key below it (registry names compare without
 * regard to case, as the backends look them up). */
static bool path_under(const char *path, const char *key)
{
	size_t n = strlen(key);
	if (!n)
		return true; /* the root */
	return strncasecmp(path, key, n) == 0 && (path[n] == 0 || path[n] == '\\');
}

/* Whether a registry change at path (the key itself made or deleted when
 * key_change, else one of its values) concerns a key registration: a change
 * of the key, a subkey made or deleted right under it, or with subtree
 * anything below it.  Registrations for the whole cluster see every key. */
static bool reg_matches(const struct notify_reg *r, const char *path, bool key_change)
{
	if (!r->path)
		return true;
	if (r->subtree)
		return path_under(path, r->path);
	if (strcasecmp(path, r->path) == 0)
		return true;
	if (!key_change)
		return false;
	const char *slash = strrchr(path, '\\');
	size_t plen = slash ? (size_t)(slash - path) : 0;
	return strlen(r->path) == plen && strncasecmp(path, r->path, plen) == 0;
}

/* Drop registration i of a port (its key is gone). */
static void reg_drop(struct notify_port *p, size_t i)
{
	free(p->regs[i].path);
	p->regs[i] = p->regs[--p->nregs];
}

int notify_deliver(struct session *s, const struct be_event *ev)
{
	uint32_t bits = event_filter(ev);
	int rc = 0;

	if (!bits)
		return 0;
	for (struct notify_port *p = s->ports; p; p = p->next) {
		for (size_t i = 0; i < p->nregs; i++) {
			struct notify_reg *r = &p->regs[i];
			bool gone = false;
			if (ev->what == BE_EV_REGISTRY) {
				if (r->kind || !reg_matches(r, ev->name, ev->reg_key))
					continue;
				/* The registered key itself made or deleted: it
				 * existed when registered, so this is its end. */
				gone = r->path && ev->reg_key && strcasecmp(ev->name, r->path) == 0;
			} else if (ev->what == BE_EV_QUORUM || ev->what == BE_EV_CLUSTER_PROPERTY) {
				if (r->kind || r->path)
					continue; /* the cluster's own events */
			} else {
				if (r->path || (r->kind && (r->kind != ev->kind || strcmp(r->id, ev->id) != 0)))
					continue;
				gone = r->kind && ev->what == BE_EV_DELETED;
			}
			for (uint32_t bit = 1; bit; bit <<= 1)
				if (bits & r->filter & bit)
					port_queue(p, r->key, bit, ev->name);
			if (gone && (r->filter & CLUSTER_CHANGE_HANDLE_CLOSE))
				port_queue(p, r->key, CLUSTER_CHANGE_HANDLE_CLOSE, ev->name);
			if (gone && r->path)
				reg_drop(p, i--);
		}
		if (p->waiting && p->qlen) {
			if (port_complete(s, p, ERROR_SUCCESS) < 0)
				return -1;
			rc = 1;
		}
	}
	return rc;
}

void notify_cluster_property(struct server_state *st, const char *name)
{
	struct be_event ev = { .what = BE_EV_CLUSTER_PROPERTY };
	snprintf(ev.name, sizeof(ev.name), "%s", name ? name : "");
	if (st->notify_fn)
		st->notify_fn(&ev, st->notify_arg);
}

/* ---- the calls --------------------------------------------------------------- */

static struct notify_port *find_port(struct session *s, const struct rpc_ctx_handle *h)
{
	struct handle_entry *e = session_handle_find(s, h, HANDLE_NOTIFY);
	return e ? e->port : NULL;
}

static uint32_t op_create_notify(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct cmrp_create_notify_out *o = out;
	struct notify_port *p = NULL;

	(void)c, (void)in;
	if (!(ops_caller_rights(s) & ACCESS_READ))
		o->status = ERROR_ACCESS_DENIED;
	else if (!(p = calloc(1, sizeof(*p))) ||
		 !session_handle_new(s, HANDLE_NOTIFY, ACCESS_READ, NULL, NULL, &o->handle))
		o->status = ERROR_NOT_ENOUGH_MEMORY;
	if (o->status) {
		free(p);
		memset(&o->handle, 0, sizeof(o->handle));
	} else {
		session_handle_find(s, &o->handle, HANDLE_NOTIFY)->port = p;
		p->next = s->ports;
		if (s->ports)
			s->ports->prev = p;
		s->ports = p;
	}
	return 0;
}

static uint32_t op_close_notify(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct rpc_ctx_handle h = ((const struct cmrp_handle_in *)in)->handle;
	struct cmrp_close_out *o = out;
	uint32_t result = ERROR_INVALID_HANDLE;

	(void)c;
	struct notify_port *p = find_port(s, &h);
	if (p) {
		/* The waiting GetNotify is answered first, so it precedes this
		 * reply on the wire. */
		if (port_complete(s, p, ERROR_NO_MORE_ITEMS) < 0)
			return NCA_S_FAULT_REMOTE_NO_MEMORY;
		session_handle_close(s, &h, HANDLE_NOTIFY); /* frees the port */
		memset(&h, 0, sizeof(h));
		result = ERROR_SUCCESS;
	}
	o->handle = h;
	o->result = result;
	return 0;
}

static uint32_t op_unblock(struct session *s, const struct ops_call *c, void *in, void *out)
{
	uint32_t result = ERROR_INVALID_HANDLE;

	(void)c;
	struct notify_port *p = find_port(s, &((const struct cmrp_handle_in *)in)->handle);
	if (p) {
		if (port_complete(s, p, ERROR_NO_MORE_ITEMS) < 0)
			return NCA_S_FAULT_REMOTE_NO_MEMORY;
		result = ERROR_SUCCESS;
	}
	((struct cmrp_result_out *)out)->result = result;
	return 0;
}

static uint32_t op_get_notify(struct session *s, const struct ops_call *c, void *in, void *out)
{
	uint32_t result = ERROR_SUCCESS;

	(void)c;
	struct notify_port *p = find_port(s, &((const struct cmrp_handle_in *)in)->handle);
	if (!p)
		result = ERROR_INVALID_HANDLE;
	else if (!(ops_caller_rights(s) & ACCESS_READ))
		result = ERROR_ACCESS_DENIED;
	else if (p->waiting)
		result = ERROR_INVALID_STATE; /* one GetNotify at a time per port */
	else if (!p->qlen && s->rpc) {
		/* MS-CMRP 3.1.4.2.66: not completed until an indication is
		 * queued or the port is closed. */
		p->waiting = true;
		p->call_id = s->rpc->current_call_id;
		p->ctx_id = s->rpc->current_ctx_id;
		return RPC_DISPATCH_PENDING;
	} else if (!p->qlen) {
		result = ERROR_NO_MORE_ITEMS; /* no engine to answer later */
	}
	fill_get_notify(p, result, out);
	return 0;
}

/* AddNotifyCluster/Node/Group/Resource/Network/NetInterface and the ReAdd
 * variants: the object's
 * handle type is the table's second slot.  The reply is a cmrp_add_notify_out
 * or, for AddNotifyCluster and the ReAdds, a cmrp_status_result_out. */
/* Room for one more registration in a port. */
static uint32_t reg_room(struct notify_port *p)
{
	if (p->nregs >= NOTIFY_REG_MAX)
		return ERROR_NOT_ENOUGH_MEMORY;
	if (p->nregs == p->capregs) {
		size_t ncap = p->capregs ? p->capregs * 2 : 8;
		struct notify_reg *nr = realloc(p->regs, ncap * sizeof(*nr));
		if (!nr)
			return ERROR_NOT_ENOUGH_MEMORY;
		p->regs = nr;
		p->capregs = ncap;
	}
	return ERROR_SUCCESS;
}

/* ApiAddNotifyKey (MS-CMRP 3.1.4.2.61): changes of one key of the cluster
 * registry (and with WatchSubTree, of every key below it).  The filter takes
 * the CLUSTER_CHANGE_REGISTRY_* bits and CLUSTER_CHANGE_HANDLE_CLOSE (sent
 * when the key is deleted; the registration ends then). */
static uint32_t op_add_notify_key(struct session *s, const struct ops_call *c, void *in, void *out)
{
	const struct cmrp_add_notify_in *a = in;
	const uint32_t allowed = CLUSTER_CHANGE_REGISTRY_NAME | CLUSTER_CHANGE_REGISTRY_ATTRIBUTES |
				 CLUSTER_CHANGE_REGISTRY_VALUE | CLUSTER_CHANGE_REGISTRY_SUBTREE |
				 CLUSTER_CHANGE_HANDLE_CLOSE;
	uint32_t result = ERROR_SUCCESS;
	int rc;

	(void)c;
	struct notify_port *p = find_port(s, &a->notify);
	struct handle_entry *e = session_handle_find(s, &a->object, HANDLE_KEY);
	if (!p || !e || !e->key)
		result = ERROR_INVALID_HANDLE;
	else if (!(ops_caller_rights(s) & ACCESS_READ))
		result = ERROR_ACCESS_DENIED;
	else if (!a->filter || (a->filter & ~allowed))
		result = ERROR_INVALID_PARAMETER;
	else if ((rc = s->server->be->ops->reg_key_exists(s->server->be, e->key)) != BE_OK)
		result = ops_be_error(rc, (enum be_kind)0); /* the key was deleted since */
	else
		result = reg_room(p);
	if (!result) {
		struct notify_reg r = { .filter = a->filter & ~CLUSTER_CHANGE_REGISTRY_SUBTREE, .key = a->key,
					.subtree = a->subtree || (a->filter & CLUSTER_CHANGE_REGISTRY_SUBTREE) };
		if (!(r.path = strdup(e->key)))
			result = ERROR_NOT_ENOUGH_MEMORY;
		else
			p->regs[p->nregs++] = r;
	}
	((struct cmrp_status_result_out *)out)->result = result;
	return 0;
}

static uint32_t op_add_notify(struct session *s, const struct ops_call *c, void *in, void *out)
{
	bool readd = c->op->in_arg == 1;
	const struct cmrp_add_notify_in a = *(const struct cmrp_add_notify_in *)in;
	struct cmrp_add_notify_out o = { 0 };
	struct notify_reg r = { 0 };
	struct be_object obj = { 0 };
	uint8_t type = ops_in_type(c, 1);

	static const struct {
		uint8_t type;
		enum be_kind kind;
		uint32_t state_bit;
	} kinds[] = {
		{ HANDLE_NODE, BE_NODE, CLUSTER_CHANGE_NODE_STATE },
		{ HANDLE_GROUP, BE_GROUP, CLUSTER_CHANGE_GROUP_STATE },
		{ HANDLE_RESOURCE, BE_RESOURCE, CLUSTER_CHANGE_RESOURCE_STATE },
		{ HANDLE_NETWORK, BE_NETWORK, CLUSTER_CHANGE_NETWORK_STATE },
		{ HANDLE_NETIF, BE_NETIF, CLUSTER_CHANGE_NETINTERFACE_STATE },
	};
	uint32_t state_bit = 0;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].type == type) {
			r.kind = kinds[i].kind;
			state_bit = kinds[i].state_bit;
		}
	struct notify_port *p = find_port(s, &a.notify);
	if (!p) {
		o.result = ERROR_INVALID_HANDLE;
	} else if (type == HANDLE_CLUSTER) {
		if (!session_handle_find(s, &a.object, HANDLE_CLUSTER))
			o.result = ERROR_INVALID_HANDLE;
	} else {
		o.result = ops_object(s, &a.object, type, &obj, NULL);
		if (!o.result)
			memcpy(r.id, obj.id, sizeof(r.id));
	}
	if (!o.result)
		o.result = reg_room(p);
	if (!o.result) {
		r.filter = a.filter;
		r.key = a.key;
		p->regs[p->nregs++] = r;
		o.sequence = p->sequence;
		/* ReAdd with a stale sequence: the client missed changes, so it
		 * gets the object's current state (MS-CMRP 3.1.4.2.63-65). */
		if (readd && a.sequence != p->sequence && r.kind) {
			if (a.filter & state_bit) {
				port_queue(p, a.key, state_bit, obj.name);
				if (p->waiting && port_complete(s, p, ERROR_SUCCESS) < 0)
					return NCA_S_FAULT_REMOTE_NO_MEMORY;
			}
		}
	}
	if (c->op->out == &cmrp_codec_status_result)
		((struct cmrp_status_result_out *)out)->result = o.result;
	else
		*(struct cmrp_add_notify_out *)out = o;
	return 0;
}

const struct ops_entry ops_notify_calls[] = {
	{ CMRP_CREATE_NOTIFY, op_create_notify, 0, false },
	{ CMRP_CLOSE_NOTIFY, op_close_notify, 0, false },
	{ CMRP_ADD_NOTIFY_CLUSTER, op_add_notify, 0, false },
	{ CMRP_ADD_NOTIFY_NODE, op_add_notify, 0, false },
	{ CMRP_ADD_NOTIFY_GROUP, op_add_notify, 0, false },
	{ CMRP_ADD_NOTIFY_RESOURCE, op_add_notify, 0, false },
	{ CMRP_ADD_NOTIFY_KEY, op_add_notify_key, 0, false },
	{ CMRP_READD_NOTIFY_NODE, op_add_notify, 0, false },
	{ CMRP_READD_NOTIFY_GROUP, op_add_notify, 0, false },
	{ CMRP_READD_NOTIFY_RESOURCE, op_add_notify, 0, false },
	{ CMRP_ADD_NOTIFY_NETWORK, op_add_notify, 0, false },
	{ CMRP_READD_NOTIFY_NETWORK, op_add_notify, 0, false },
	{ CMRP_ADD_NOTIFY_NET_INTERFACE, op_add_notify, 0, false },
	{ CMRP_READD_NOTIFY_NET_INTERFACE, op_add_notify, 0, false },
	{ CMRP_GET_NOTIFY, op_get_notify, 0, false },
	{ CMRP_UNBLOCK_GET_NOTIFY_CALL, op_unblock, 0, false },
	{ 0, NULL, 0, false },
};
