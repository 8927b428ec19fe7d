/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A session is one client connection: who the caller is and the context handles
 * it opened.  Handles are 16 random bytes, looked up in this session's own hash
 * table, so a handle is useless on any other connection; all of them go when
 * the connection goes (context handle rundown).
 */
#ifndef SERVER_SESSION_H
#define SERVER_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "access.h"
#include "cmrp/cmrp_table.h"
#include "rpc/ndr.h"

/* The handle types are MS-CMRP's (cmrp_table.h), so that a handler can take
 * a request's handle type from the table. */
enum handle_type {
	HANDLE_NONE = CMRP_HANDLE_NONE,
	HANDLE_CLUSTER = CMRP_HANDLE_CLUSTER,
	HANDLE_NODE = CMRP_HANDLE_NODE,
	HANDLE_GROUP = CMRP_HANDLE_GROUP,
	HANDLE_RESOURCE = CMRP_HANDLE_RESOURCE,
	HANDLE_NETWORK = CMRP_HANDLE_NETWORK,
	HANDLE_NETIF = CMRP_HANDLE_NETIF,
	HANDLE_KEY = CMRP_HANDLE_KEY,
	HANDLE_NOTIFY = CMRP_HANDLE_NOTIFY,
	HANDLE_GROUPSET = CMRP_HANDLE_GROUPSET,
};

#define HANDLE_OBJ_MAX 40

struct notify_port;
struct rpc_srv_conn;

struct handle_entry {
	struct rpc_uuid uuid; /* all zero = free slot */
	uint8_t type;
	uint8_t rights;
	char obj[HANDLE_OBJ_MAX]; /* the backend id of the object it stands for */
	char *key;                /* HANDLE_KEY: the registry path (malloc'd) */
	struct notify_port *port; /* HANDLE_NOTIFY: its notification port */
};

struct server_state;

struct session {
	struct server_state *server;
	struct principal who;
	bool is_lpc;
	struct handle_entry *slots;
	size_t cap; /* power of two, or 0 */
	size_t count;
	/* The connection's RPC engine (for replies to deferred calls), or NULL;
	 * and this session's notification ports (notify.c). */
	struct rpc_srv_conn *rpc;
	struct notify_port *ports;
};

/* notify.c: free a port (any pending GetNotify is dropped unanswered). */
void notify_port_free(struct session *s, struct notify_port *p);
/* notify.c: queue a backend change on this session's ports and answer a
 * waiting GetNotify.  0: nothing to send; 1: replies queued on s->rpc (flush
 * them); -1: the output could not be queued (close the connection). */
struct be_event;
int notify_deliver(struct session *s, const struct be_event *ev);
/* A property of the cluster changed (name: the cluster's name now): every
 * port registered for CLUSTER_CHANGE_CLUSTER_PROPERTY hears of it. */
struct server_state;
void notify_cluster_property(struct server_state *st, const char *name);

/* Hard cap on handles one connection may hold. */
#define SESSION_MAX_HANDLES (1u << 20)

void session_init(struct session *s, struct server_state *server, const struct principal *who, bool is_lpc);
/* Rundown: forget every handle. */
void session_free(struct session *s);
/* A new handle of `type` with `rights` for object `obj` (a backend id, may be
 * NULL) and, for registry keys, `key` (copied); false when out of memory or
 * over the cap. */
bool session_handle_new(struct session *s, uint8_t type, uint8_t rights, const char *obj, const char *key,
			struct rpc_ctx_handle *out);
/* The entry for a handle of the given type, or NULL (unknown, closed, forged,
 * another session's, or of another type). */
struct handle_entry *session_handle_find(struct session *s, const struct rpc_ctx_handle *h, uint8_t type);
/* Close: true if it existed. */
bool session_handle_close(struct session *s, const struct rpc_ctx_handle *h, uint8_t type);

#endif
