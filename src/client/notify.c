/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libclusapi: notification ports (CreateClusterNotifyPort, RegisterClusterNotify,
 * GetClusterNotify, CloseClusterNotifyPort) over the MS-CMRP version 1 calls
 * ApiCreateNotify, ApiAddNotify*, ApiGetNotify, ApiUnblockGetNotifyCall and
 * ApiCloseNotify.
 *
 * A port has a connection of its own (a second session opened like the
 * cluster handle it was made from), because ApiGetNotify waits on the server
 * until something happens and one association carries one exchange at a time
 * for libclusapi's other calls.  The port's server handle and every object
 * registered with it live on that connection: RegisterClusterNotify opens the
 * caller's node, group, resource, network or interface there again by name.
 *
 * GetClusterNotify keeps one ApiGetNotify outstanding: it sends one when none
 * is, waits for its answer up to dwMilliseconds, and on WAIT_TIMEOUT leaves it
 * outstanding for the next GetClusterNotify, so nothing is lost and a change
 * is seen as soon as the server sends it.  Before any other call on the
 * port's connection, an outstanding ApiGetNotify is ended with
 * ApiUnblockGetNotifyCall (both calls in flight at once: the server answers
 * the GetNotify first, with an indication if one came, which is kept).
 * Indications already received wait in a small local queue; one that does
 * not fit the caller's buffer stays first in it (ERROR_MORE_DATA).  A call
 * on the port while GetClusterNotify waits in another thread does not wait
 * for it: it wakes the waiter through the port's eventfd, which lets it go
 * first and then waits on (port_wait).  A key is registered with
 * ApiAddNotifyKey, opened again on the port's connection by its path.
 *
 * The port remembers its registrations.  Its session does not reconnect by
 * itself; when the connection is found broken the port does (port_rebuild):
 * the cluster opened again, a new ApiCreateNotify, every registration made
 * again, and CLUSTER_CHANGE_CLUSTER_RECONNECT queued for those that asked.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/utf16.h"
#include "base/werror.h"
#include "cmrp/cmrp_notify.h"
#include "cmrp/cmrp_objects.h"
#include "cmrp/cmrp_table.h"
#include "registry.h"
#include "session.h"

#define KIND_PORT 0x4e544659u /* "NTFY" */

/* Indications a port keeps locally (received from the server, not yet
 * returned) before it stops asking the server for more. */
#define PORT_LOCAL_MAX 256u

struct item {
	DWORD_PTR key;
	uint32_t filter;
	uint16_t *name;
	size_t units;
};

/* A registration, to make again after a reconnect: the whole cluster
 * (type 0), an object by name, or a registry key by its path from the root
 * (CMRP_HANDLE_KEY; name NULL: the root key). */
struct port_reg {
	uint8_t type;
	uint16_t open_ex, add;
	uint16_t *name;
	size_t units;
	uint32_t filter;
	uint32_t key; /* on the wire */
	bool subtree; /* a key's: WatchSubTree */
};

struct port {
	pthread_mutex_t lock;
	HCLUSTER conn; /* the port's own session */
	uint32_t desired; /* its access, for reconnecting (the session's is 0) */
	struct port_reg *regs;
	size_t nregs, capregs;
	struct rpc_ctx_handle handle;
	/* The notify keys are DWORD_PTR for the caller and 32 bits on the wire:
	 * the wire carries an index into this table. */
	DWORD_PTR *keys;
	size_t nkeys, capkeys;
	/* Received, not yet returned (a ring). */
	struct item q[PORT_LOCAL_MAX];
	size_t qhead, qlen;
	/* The outstanding ApiGetNotify, if any. */
	bool inflight;
	struct rpc_call get;
	struct cmrp_handle_in get_in;
	struct ndr_push get_req;
	atomic_int fd;          /* the connection's socket (for closing from another thread) */
	atomic_bool closing;
	/* Another call wants the port while a GetClusterNotify waits on it:
	 * it counts itself in wanted and writes wake; the waiter lets it go
	 * first (waiting on turn) and then waits on. */
	atomic_int wanted;
	int wake; /* an eventfd */
	pthread_cond_t turn;
};

static void item_free(struct item *it)
{
	free(it->name);
	it->name = NULL;
}

static void port_destroy(void *obj)
{
	struct port *p = obj;
	for (size_t i = 0; i < p->qlen; i++)
		item_free(&p->q[(p->qhead + i) % PORT_LOCAL_MAX]);
	free(p->keys);
	for (size_t i = 0; i < p->nregs; i++)
		free(p->regs[i].name);
	free(p->regs);
	if (p->wake >= 0)
		close(p->wake);
	pthread_cond_destroy(&p->turn);
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* The wire key of a caller's key (its index in the port's table). */
static DWORD port_key(struct port *p, DWORD_PTR key, uint32_t *wire)
{
	for (size_t i = 0; i < p->nkeys; i++)
		if (p->keys[i] == key) {
			*wire = (uint32_t)i;
			return ERROR_SUCCESS;
		}
	if (p->nkeys == p->capkeys) {
		size_t ncap = p->capkeys ? p->capkeys * 2 : 8;
		DWORD_PTR *nk = realloc(p->keys, ncap * sizeof(*nk));
		if (!nk)
			return ERROR_NOT_ENOUGH_MEMORY;
		p->keys = nk;
		p->capkeys = ncap;
	}
	p->keys[p->nkeys] = key;
	*wire = (uint32_t)p->nkeys++;
	return ERROR_SUCCESS;
}

/* Keep one indication from the server; false when out of memory or full. */
static bool port_keep(struct port *p, const struct cmrp_get_notify_out *o)
{
	if (p->qlen == PORT_LOCAL_MAX)
		return false;
	struct item it = { 0 };
	it.key = o->key < p->nkeys ? p->keys[o->key] : 0;
	it.filter = o->filter;
	it.units = o->name.s ? o->name.units : 0;
	it.name = malloc((it.units + 1) * sizeof(uint16_t));
	if (!it.name)
		return false;
	if (it.units)
		memcpy(it.name, o->name.s, it.units * sizeof(uint16_t));
	it.name[it.units] = 0;
	p->q[(p->qhead + p->qlen) % PORT_LOCAL_MAX] = it;
	p->qlen++;
	return true;
}

/* The answer of the outstanding ApiGetNotify (and of calls[1..n), started
 * with it) is read; an indication in it is kept.  On the locked session. */
static DWORD port_collect(struct port *p, struct cluster_session *s, struct rpc_call *more, void *more_out)
{
	struct rpc_call calls[2] = { p->get };
	size_t n = 1;
	if (more)
		calls[n++] = *more;
	DWORD err = rpc_client_collect(&s->rpc, calls, n);
	p->inflight = false;
	ndr_push_free(&p->get_req);
	if (err)
		return err;
	struct cmrp_get_notify_out o;
	err = session_finish_op(&calls[0], &o);
	if (more) {
		DWORD merr = session_finish_op(&calls[1], more_out);
		if (!err)
			err = merr;
	}
	if (!err && o.result == ERROR_SUCCESS && !port_keep(p, &o))
		err = ERROR_NOT_ENOUGH_MEMORY;
	else if (!err && o.result != ERROR_SUCCESS && o.result != ERROR_NO_MORE_ITEMS)
		err = o.result;
	cmrp_get_notify_out_free(&o);
	return err;
}

/* Send an ApiGetNotify (the port has none outstanding). */
static DWORD port_start(struct port *p, struct cluster_session *s)
{
	p->get_in.handle = p->handle;
	if (!session_encode(CMRP_GET_NOTIFY, &p->get_in, &p->get_req)) {
		ndr_push_free(&p->get_req);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	p->get = (struct rpc_call){ .opnum = CMRP_GET_NOTIFY, .stub = p->get_req.data, .stub_len = p->get_req.len };
	DWORD err = rpc_client_start(&s->rpc, &p->get);
	if (err) {
		ndr_push_free(&p->get_req);
		return err;
	}
	p->inflight = true;
	return ERROR_SUCCESS;
}

/* End the outstanding ApiGetNotify, if any, so that the connection is free
 * for another call. */
static DWORD port_quiet(struct port *p, struct cluster_session *s)
{
	if (!p->inflight)
		return ERROR_SUCCESS;
	struct cmrp_handle_in in = { p->handle };
	struct ndr_push req;
	if (!session_encode(CMRP_UNBLOCK_GET_NOTIFY_CALL, &in, &req)) {
		ndr_push_free(&req);
		return ERROR_NOT_ENOUGH_MEMORY;
	}
	struct rpc_call unblock = { .opnum = CMRP_UNBLOCK_GET_NOTIFY_CALL, .stub = req.data, .stub_len = req.len };
	DWORD err = rpc_client_start(&s->rpc, &unblock);
	struct cmrp_result_out r;
	if (!err)
		err = port_collect(p, s, &unblock, &r);
	ndr_push_free(&req);
	p->inflight = false;
	return err;
}

/* (rpc_status, result) of a reply as one error. */
static DWORD status_of(DWORD err, uint32_t rpc_status, uint32_t result)
{
	return err ? err : result ? result : rpc_status;
}

/* Remember a registration (best effort: one not remembered is not made
 * again after a reconnect). */
static void port_remember(struct port *p, const struct port_reg *r)
{
	if (p->nregs == p->capregs) {
		size_t ncap = p->capregs ? p->capregs * 2 : 8;
		struct port_reg *nr = realloc(p->regs, ncap * sizeof(*nr));
		if (!nr)
			return;
		p->regs = nr;
		p->capregs = ncap;
	}
	struct port_reg c = *r;
	if (r->name) {
		c.name = malloc((r->units + 1) * sizeof(uint16_t));
		if (!c.name)
			return;
		memcpy(c.name, r->name, r->units * sizeof(uint16_t));
		c.name[r->units] = 0;
	}
	p->regs[p->nregs++] = c;
}

/* Make one registration on the port's (current) connection. */
static DWORD port_register(struct port *p, struct cluster_session *s, const struct port_reg *r)
{
	DWORD err;
	if (!r->type) {
		struct cmrp_add_notify_in a = { .notify = p->handle, .object = s->handle, .filter = r->filter,
						.key = r->key };
		struct cmrp_status_result_out o;
		err = session_op(s, CMRP_ADD_NOTIFY_CLUSTER, &a, &o);
		return status_of(err, o.rpc_status, o.result);
	}
	if (r->type == CMRP_HANDLE_KEY) {
		/* The key opened again on this connection, from the root by
		 * its path; it stays open as long as the port. */
		struct cmrp_u32_in get = { KEY_READ };
		struct cmrp_open_object_out root, sub;
		err = session_op(s, CMRP_GET_ROOT_KEY, &get, &root);
		err = status_of(err, root.rpc_status, root.status);
		if (err)
			return err;
		struct rpc_ctx_handle key = root.handle;
		if (r->name) {
			struct cmrp_handle_name_in open = { .handle = root.handle, .name = { r->name, r->units },
							    .v = { KEY_READ } };
			err = session_op(s, CMRP_OPEN_KEY, &open, &sub);
			err = status_of(err, sub.rpc_status, sub.status);
			struct cmrp_handle_in close = { root.handle };
			struct cmrp_close_out closed;
			session_op(s, CMRP_CLOSE_KEY, &close, &closed);
			if (err)
				return err;
			key = sub.handle;
		}
		struct cmrp_add_notify_in a = { .notify = p->handle, .object = key, .filter = r->filter,
						.key = r->key, .subtree = r->subtree };
		struct cmrp_status_result_out o;
		err = session_op(s, CMRP_ADD_NOTIFY_KEY, &a, &o);
		return status_of(err, o.rpc_status, o.result);
	}
	struct cmrp_name_in open = { { r->name, r->units }, GENERIC_READ };
	struct cmrp_open_object_out opened;
	err = session_op(s, r->open_ex, &open, &opened);
	err = status_of(err, opened.rpc_status, opened.status);
	if (err)
		return err;
	/* The object's handle stays open on the port's connection: the
	 * registration lasts as long as the port, and closing the port's
	 * connection closes it. */
	struct cmrp_add_notify_in a = { .notify = p->handle, .object = opened.handle, .filter = r->filter,
					.key = r->key };
	struct cmrp_add_notify_out o;
	err = session_op(s, r->add, &a, &o);
	return status_of(err, o.rpc_status, o.result);
}

/* The port's connection broke: open the cluster again (as the session would),
 * make a new port there with every registration, and queue
 * CLUSTER_CHANGE_CLUSTER_RECONNECT for those that asked for it.  Indications
 * of the time between are lost, as on Windows. */
static DWORD port_rebuild(struct port *p, struct cluster_session *s)
{
	struct cmrp_empty none = { 0 };
	struct cmrp_create_notify_out created;
	p->inflight = false;
	s->desired = p->desired; /* lets session_op reconnect, this once */
	DWORD err = session_op(s, CMRP_CREATE_NOTIFY, &none, &created);
	s->desired = 0;
	err = status_of(err, created.rpc_status, created.status);
	if (err)
		return err;
	p->handle = created.handle;
	atomic_store(&p->fd, s->rpc.fd);
	for (size_t i = 0; i < p->nregs; i++) {
		port_register(p, s, &p->regs[i]); /* an object gone since: left out */
		if ((p->regs[i].filter & CLUSTER_CHANGE_CLUSTER_RECONNECT) && p->qlen < PORT_LOCAL_MAX) {
			struct cmrp_get_notify_out o = { .key = p->regs[i].key, .filter = CLUSTER_CHANGE_CLUSTER_RECONNECT };
			port_keep(p, &o);
		}
	}
	return ERROR_SUCCESS;
}

/* A locked port and its locked session. */
struct pcall {
	uintptr_t token;
	struct port *p;
	struct cluster_session *s;
};

static DWORD port_acquire(HCHANGE h, struct pcall *c)
{
	c->token = (uintptr_t)h;
	c->p = registry_get(c->token, KIND_PORT);
	if (!c->p)
		return ERROR_INVALID_HANDLE;
	if (pthread_mutex_trylock(&c->p->lock) != 0) {
		/* A GetClusterNotify may be waiting on the port: have it step
		 * aside for this call (see port_wait). */
		uint64_t one = 1;
		atomic_fetch_add(&c->p->wanted, 1);
		(void)!write(c->p->wake, &one, sizeof(one));
		pthread_mutex_lock(&c->p->lock);
		atomic_fetch_sub(&c->p->wanted, 1);
	}
	c->s = session_get(c->p->conn);
	if (!c->s || atomic_load(&c->p->closing)) {
		if (c->s)
			session_put(c->p->conn);
		pthread_mutex_unlock(&c->p->lock);
		registry_put(c->token);
		return ERROR_INVALID_HANDLE;
	}
	pthread_mutex_lock(&c->s->lock);
	if (!c->s->rpc.bound)
		port_rebuild(c->p, c->s); /* failing that, the calls say why */
	return ERROR_SUCCESS;
}

static void port_release(struct pcall *c)
{
	pthread_mutex_unlock(&c->s->lock);
	session_put(c->p->conn);
	pthread_cond_broadcast(&c->p->turn);
	pthread_mutex_unlock(&c->p->lock);
	registry_put(c->token);
}

/* Register the whole cluster with a filter on the port's connection. */
static DWORD port_add_cluster(struct pcall *c, DWORD filter, DWORD_PTR key)
{
	struct port_reg r = { .filter = filter };
	DWORD err = port_key(c->p, key, &r.key);
	if (!err)
		err = port_quiet(c->p, c->s);
	if (!err)
		err = port_register(c->p, c->s, &r);
	if (!err)
		port_remember(c->p, &r);
	return err;
}

/* The filters each kind of object can be registered for. */
#define NODE_FILTERS                                                                                              \
	(CLUSTER_CHANGE_NODE_STATE | CLUSTER_CHANGE_NODE_DELETED | CLUSTER_CHANGE_NODE_PROPERTY |                 \
	 CLUSTER_CHANGE_HANDLE_CLOSE)
#define GROUP_FILTERS                                                                                             \
	(CLUSTER_CHANGE_GROUP_STATE | CLUSTER_CHANGE_GROUP_DELETED | CLUSTER_CHANGE_GROUP_PROPERTY |              \
	 CLUSTER_CHANGE_HANDLE_CLOSE)
#define RESOURCE_FILTERS                                                                                          \
	(CLUSTER_CHANGE_RESOURCE_STATE | CLUSTER_CHANGE_RESOURCE_DELETED | CLUSTER_CHANGE_RESOURCE_PROPERTY |     \
	 CLUSTER_CHANGE_HANDLE_CLOSE)
#define NETWORK_FILTERS                                                                                           \
	(CLUSTER_CHANGE_NETWORK_STATE | CLUSTER_CHANGE_NETWORK_DELETED | CLUSTER_CHANGE_NETWORK_PROPERTY |        \
	 CLUSTER_CHANGE_HANDLE_CLOSE)
#define NETIF_FILTERS                                                                                             \
	(CLUSTER_CHANGE_NETINTERFACE_STATE | CLUSTER_CHANGE_NETINTERFACE_DELETED |                                \
	 CLUSTER_CHANGE_NETINTERFACE_PROPERTY | CLUSTER_CHANGE_HANDLE_CLOSE)
#define REGISTRY_FILTERS                                                                                          \
	(CLUSTER_CHANGE_REGISTRY_NAME | CLUSTER_CHANGE_REGISTRY_ATTRIBUTES | CLUSTER_CHANGE_REGISTRY_VALUE |      \
	 CLUSTER_CHANGE_REGISTRY_SUBTREE | CLUSTER_CHANGE_HANDLE_CLOSE)

/* Register one object (opened again by name on the port's connection). */
static DWORD port_add_object(struct pcall *c, const struct object_info *info, DWORD filter, DWORD_PTR key)
{
	static const struct {
		uint8_t type;
		uint16_t open_ex, add;
		uint32_t filters;
	} kinds[] = {
		{ CMRP_HANDLE_NODE, CMRP_OPEN_NODE_EX, CMRP_ADD_NOTIFY_NODE, NODE_FILTERS },
		{ CMRP_HANDLE_GROUP, CMRP_OPEN_GROUP_EX, CMRP_ADD_NOTIFY_GROUP, GROUP_FILTERS },
		{ CMRP_HANDLE_RESOURCE, CMRP_OPEN_RESOURCE_EX, CMRP_ADD_NOTIFY_RESOURCE, RESOURCE_FILTERS },
		{ CMRP_HANDLE_NETWORK, CMRP_OPEN_NETWORK_EX, CMRP_ADD_NOTIFY_NETWORK, NETWORK_FILTERS },
		{ CMRP_HANDLE_NETIF, CMRP_OPEN_NET_INTERFACE_EX, CMRP_ADD_NOTIFY_NET_INTERFACE, NETIF_FILTERS },
	};
	size_t k = 0;
	while (k < sizeof(kinds) / sizeof(kinds[0]) && kinds[k].type != info->type)
		k++;
	struct port_reg r = { .type = info->type, .name = info->name, .units = info->units, .filter = filter };
	if (info->type == CMRP_HANDLE_KEY) {
		/* ApiAddNotifyKey: this key's changes (with
		 * CLUSTER_CHANGE_REGISTRY_SUBTREE, those below it too).  A key
		 * whose path is not known cannot be opened on the port's
		 * connection. */
		if (!filter || (filter & ~REGISTRY_FILTERS))
			return ERROR_INVALID_PARAMETER;
		bool root = info->reopen_opnum == CMRP_GET_ROOT_KEY;
		if (!root && (info->reopen_opnum != CMRP_OPEN_KEY || !info->name))
			return ERROR_INVALID_HANDLE;
		if (root)
			r.name = NULL, r.units = 0;
		r.subtree = (filter & CLUSTER_CHANGE_REGISTRY_SUBTREE) != 0;
		r.filter = filter & ~CLUSTER_CHANGE_REGISTRY_SUBTREE;
		if (!r.filter)
			return ERROR_INVALID_PARAMETER; /* SUBTREE alone asks for nothing */
	} else {
		if (k == sizeof(kinds) / sizeof(kinds[0]) || !info->name)
			return ERROR_INVALID_HANDLE;
		if (!filter || (filter & ~kinds[k].filters))
			return ERROR_INVALID_PARAMETER;
		r.open_ex = kinds[k].open_ex;
		r.add = kinds[k].add;
	}
	DWORD err = port_key(c->p, key, &r.key);
	if (!err)
		err = port_quiet(c->p, c->s);
	if (!err)
		err = port_register(c->p, c->s, &r);
	if (!err)
		port_remember(c->p, &r);
	return err;
}

CLUSAPI_API HCHANGE CreateClusterNotifyPort(HCHANGE hChange, HCLUSTER hCluster, DWORD dwFilter,
					    DWORD_PTR dwNotifyKey)
{
	struct pcall c;
	DWORD err;

	if (hChange != (HCHANGE)INVALID_HANDLE_VALUE) {
		/* Add the cluster-wide filter to an existing port. */
		struct cluster_session *cs = session_get(hCluster);
		if (!cs) {
			werror_set_last(ERROR_INVALID_HANDLE);
			return NULL;
		}
		session_put(hCluster);
		err = port_acquire(hChange, &c);
		if (!err) {
			err = dwFilter ? port_add_cluster(&c, dwFilter, dwNotifyKey) : ERROR_SUCCESS;
			port_release(&c);
		}
		werror_set_last(err);
		return err ? NULL : hChange;
	}

	struct port *p = calloc(1, sizeof(*p));
	if (!p) {
		werror_set_last(ERROR_NOT_ENOUGH_MEMORY);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->turn, NULL);
	atomic_init(&p->fd, -1);
	atomic_init(&p->closing, false);
	atomic_init(&p->wanted, 0);
	p->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (p->wake < 0) {
		port_destroy(p);
		werror_set_last(ERROR_NOT_ENOUGH_MEMORY);
		return NULL;
	}
	p->conn = session_open_like(hCluster, &err);
	if (!p->conn) {
		port_destroy(p);
		werror_set_last(err);
		return NULL;
	}
	struct cluster_session *s = session_get(p->conn);
	pthread_mutex_lock(&s->lock);
	/* The session does not reconnect by itself: the port does, making its
	 * registrations again (port_rebuild). */
	p->desired = s->desired;
	s->desired = 0;
	atomic_store(&p->fd, s->rpc.fd);
	struct cmrp_empty none = { 0 };
	struct cmrp_create_notify_out created;
	err = session_op(s, CMRP_CREATE_NOTIFY, &none, &created);
	err = status_of(err, created.rpc_status, created.status);
	if (!err)
		p->handle = created.handle;
	pthread_mutex_unlock(&s->lock);
	session_put(p->conn);

	uintptr_t token = 0;
	if (!err && !(token = registry_add(p, KIND_PORT, port_destroy)))
		err = ERROR_NOT_ENOUGH_MEMORY;
	if (err) {
		CloseCluster(p->conn);
		port_destroy(p);
		werror_set_last(err);
		return NULL;
	}
	if (dwFilter) {
		err = port_acquire((HCHANGE)token, &c);
		if (!err) {
			err = port_add_cluster(&c, dwFilter, dwNotifyKey);
			port_release(&c);
		}
		if (err) {
			CloseClusterNotifyPort((HCHANGE)token);
			werror_set_last(err);
			return NULL;
		}
	}
	werror_set_last(ERROR_SUCCESS);
	return (HCHANGE)token;
}

CLUSAPI_API DWORD RegisterClusterNotify(HCHANGE hChange, DWORD dwFilterType, HANDLE hObject, DWORD_PTR dwNotifyKey)
{
	struct object_info info;
	struct pcall c;
	DWORD err;

	struct cluster_session *cs = session_get((HCLUSTER)hObject);
	if (cs) {
		/* A cluster handle: the cluster-wide events. */
		session_put((HCLUSTER)hObject);
		err = port_acquire(hChange, &c);
		if (!err) {
			err = dwFilterType ? port_add_cluster(&c, dwFilterType, dwNotifyKey) : ERROR_INVALID_PARAMETER;
			port_release(&c);
		}
		return werror_set_last(err), err;
	}
	err = session_object_of(hObject, &info);
	if (!err) {
		err = port_acquire(hChange, &c);
		if (!err) {
			err = port_add_object(&c, &info, dwFilterType, dwNotifyKey);
			port_release(&c);
		}
		free(info.name);
	}
	werror_set_last(err);
	return err;
}

/* Wait up to timeout ms (-1: no limit) for the answer of the outstanding
 * ApiGetNotify.  1: it is there (or the connection has something to say);
 * 0: timed out; -1: another call wanted the port and was let through
 * first (both locks were let go meanwhile: the port may have changed). */
static int port_wait(struct pcall *c, int timeout)
{
	if (rpc_client_readable(&c->s->rpc, 0))
		return 1;
	struct pollfd pfd[2] = { { .fd = c->s->rpc.fd, .events = POLLIN }, { .fd = c->p->wake, .events = POLLIN } };
	int r;
	do
		r = poll(pfd, 2, timeout);
	while (r < 0 && errno == EINTR);
	if (r < 0 || pfd[0].revents)
		return 1;
	if (!pfd[1].revents)
		return 0;
	uint64_t n;
	(void)!read(c->p->wake, &n, sizeof(n));
	pthread_mutex_unlock(&c->s->lock);
	while (atomic_load(&c->p->wanted) > 0 && !atomic_load(&c->p->closing))
		pthread_cond_wait(&c->p->turn, &c->p->lock);
	pthread_mutex_lock(&c->s->lock);
	return -1;
}

/* Hand the first local indication to the caller. */
static DWORD port_give(struct port *p, DWORD_PTR *key, LPDWORD filter, LPWSTR name, LPDWORD cch)
{
	struct item *it = &p->q[p->qhead];
	struct cmrp_string str = { it->name, it->units };
	DWORD err = session_copy_out(&str, name, cch);
	if (key)
		*key = it->key;
	if (filter)
		*filter = it->filter;
	if (!name)
		err = ERROR_MORE_DATA;
	if (err)
		return err; /* it stays first in the queue */
	item_free(it);
	p->qhead = (p->qhead + 1) % PORT_LOCAL_MAX;
	p->qlen--;
	return ERROR_SUCCESS;
}

CLUSAPI_API DWORD GetClusterNotify(HCHANGE hChange, DWORD_PTR *lpdwNotifyKey, LPDWORD lpdwFilterType, LPWSTR lpszName,
				   LPDWORD lpcchName, DWORD dwMilliseconds)
{
	struct pcall c;
	if (!lpcchName)
		return werror_set_last(ERROR_INVALID_PARAMETER), ERROR_INVALID_PARAMETER;
	DWORD err = port_acquire(hChange, &c);
	if (err)
		return werror_set_last(err), err;
	struct port *p = c.p;
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int attempt = 0; !p->qlen && attempt < 2; attempt++) {
		err = ERROR_SUCCESS;
		if (dwMilliseconds == 0 && !p->inflight) {
			/* A poll: what the server holds now, at the cost of one
			 * round trip (GetNotify and Unblock sent together). */
			err = port_start(p, c.s);
			if (!err)
				err = port_quiet(p, c.s);
		} else {
			/* The wait is on the port's own connection, both locks
			 * held; another call on the port (RegisterClusterNotify
			 * in another thread) makes it step aside and go on
			 * after (port_wait), sending a new ApiGetNotify if
			 * that call ended this one. */
			int w = -1;
			while (w < 0 && !p->qlen && !atomic_load(&p->closing)) {
				if (!p->inflight && (err = port_start(p, c.s)) != ERROR_SUCCESS)
					break;
				int timeout = -1;
				if (dwMilliseconds != INFINITE) {
					struct timespec now;
					clock_gettime(CLOCK_MONOTONIC, &now);
					int64_t spent = (now.tv_sec - t0.tv_sec) * 1000 + (now.tv_nsec - t0.tv_nsec) / 1000000;
					int64_t left = (int64_t)dwMilliseconds - spent;
					timeout = left < 0 ? 0 : left > RPC_CLIENT_MAX_TIMEOUT_MS ? RPC_CLIENT_MAX_TIMEOUT_MS : (int)left;
				}
				w = port_wait(&c, timeout);
			}
			if (w == 0)
				break; /* WAIT_TIMEOUT */
			if (w > 0)
				err = port_collect(p, c.s, NULL, NULL);
		}
		if (!err || atomic_load(&p->closing))
			break;
		/* The connection broke: the port reconnects once per call, and
		 * CLUSTER_CHANGE_CLUSTER_RECONNECT may be waiting then. */
		if (c.s->rpc.bound || attempt > 0 || port_rebuild(p, c.s) != ERROR_SUCCESS)
			break;
	}
	if ((err || !p->qlen) && atomic_load(&p->closing))
		err = ERROR_INVALID_HANDLE;
	else if (err && p->qlen)
		err = ERROR_SUCCESS;
	if (!err)
		err = p->qlen ? port_give(p, lpdwNotifyKey, lpdwFilterType, lpszName, lpcchName) : WAIT_TIMEOUT;
	port_release(&c);
	werror_set_last(err);
	return err;
}

CLUSAPI_API BOOL CloseClusterNotifyPort(HCHANGE hChange)
{
	uintptr_t token = (uintptr_t)hChange;
	struct port *p = registry_take(token, KIND_PORT);
	if (!p) {
		werror_set_last(ERROR_INVALID_HANDLE);
		return FALSE;
	}
	/* A GetClusterNotify waiting in another thread holds the port: wake it
	 * (its connection is shut down under it) rather than wait for it. */
	atomic_store(&p->closing, true);
	if (pthread_mutex_trylock(&p->lock) != 0) {
		int fd = atomic_load(&p->fd);
		if (fd >= 0)
			shutdown(fd, SHUT_RDWR);
		pthread_mutex_lock(&p->lock);
	}
	struct cluster_session *s = session_get(p->conn);
	if (s) {
		pthread_mutex_lock(&s->lock);
		if (s->rpc.bound && !port_quiet(p, s)) {
			struct cmrp_handle_in in = { p->handle };
			struct cmrp_close_out o;
			session_op(s, CMRP_CLOSE_NOTIFY, &in, &o);
		}
		pthread_mutex_unlock(&s->lock);
		session_put(p->conn);
	}
	/* Closing the connection runs down whatever is left on the server. */
	CloseCluster(p->conn);
	pthread_cond_broadcast(&p->turn); /* a GetClusterNotify stepped aside */
	pthread_mutex_unlock(&p->lock);
	registry_put(token);
	werror_set_last(ERROR_SUCCESS);
	return TRUE;
}
