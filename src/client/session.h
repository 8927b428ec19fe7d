/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inside libclusapi: the session behind a cluster handle, shared by the files
 * that make calls on it (clusapi.c for the cluster, objects.c for the objects,
 * enumerations, registry keys and controls).
 */
#ifndef CLIENT_SESSION_H
#define CLIENT_SESSION_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "clusapi.h"
#include "cmrp/cmrp.h"
#include "cmrp/cmrp_table.h"
#include "creds.h"
#include "rpc/client.h"

#define KIND_CLUSTER 0x434c5553u /* "CLUS" */

/* Node names remembered for reconnecting (beyond them: not remembered). */
#define SESSION_MAX_NODES 32
/* Old -> new handle pairs of the last reconnect. */
#define SESSION_MAX_REMAP 4096

struct object; /* objects.c */

/* A handle of the dead connection and the one that replaced it. */
struct handle_remap {
	struct rpc_ctx_handle old, now;
};

struct cluster_session {
	pthread_mutex_t lock;
	struct rpc_client rpc;
	struct rpc_ctx_handle handle;
	uint32_t granted;

	/*
	 * Reconnecting (clusapi.c): when the connection dies, the session opens
	 * the cluster again, through the name it was opened with, then through
	 * the other nodes (names learnt at open; the node it was on comes last),
	 * with the same credentials and access, and reopens its objects by name.
	 */
	uint32_t desired;      /* 0 until the first open succeeded */
	char *target;          /* the name given to OpenClusterEx; NULL: LPC */
	struct clusapi_creds creds;
	char *nodes[SESSION_MAX_NODES];
	size_t n_nodes;
	char *node;            /* the node answering now, if known */
	const char *avoid;     /* while reconnecting: a node not to settle on */
	bool reconnecting;
	struct handle_remap *remap;
	size_t n_remap;
	struct object *objects; /* live objects of this session (objects.c) */
};

/* objects.c: reopen every object of the session by name after a reconnect,
 * recording old -> new handles in s->remap; and forget them all when the
 * session goes. */
void session_reopen_objects(struct cluster_session *s);
void session_detach_objects(struct cluster_session *s);
/* clusapi.c: record an old -> new handle pair (false when the table is full). */
bool session_remap_add(struct cluster_session *s, const struct rpc_ctx_handle *old, const struct rpc_ctx_handle *now);
/*
 * The one call function: in and out are the typed request and reply that the
 * opnum's entry in the table of opnums names (cmrp_table.h).  out is zeroed,
 * then decoded when the call succeeds; free it with the entry's out free
 * either way.  Returns a transport/fault error or ERROR_SUCCESS (the call's
 * own result is in out).  On a locked session.  When the connection is found
 * dead the session reconnects; a read is then sent again, with the handles at
 * the table's positions swapped for the reopened ones; a write is not: it
 * fails with RPC_S_CALL_FAILED_DNE if it was never sent, else with
 * RPC_S_CALL_FAILED (it may have happened), and the next call works.
 */
DWORD session_op(struct cluster_session *s, uint16_t opnum, const void *in, void *out);
/* The same on the current connection, never reconnecting (for the reopening). */
DWORD session_op_once(struct cluster_session *s, uint16_t opnum, const void *in, void *out);
/* For batches of calls: a typed request encoded into req (ndr_push_init'ed
 * here; free it), and one finished call's reply decoded into its typed
 * struct (zeroed first) and freed. */
bool session_encode(uint16_t opnum, const void *in, struct ndr_push *req);
DWORD session_finish_op(struct rpc_call *call, void *out);
/* Copy a UTF-16 string out with the Windows (buffer, count) convention. */
DWORD session_copy_out(const struct cmrp_string *src, LPWSTR buf, LPDWORD cch);

/* objects.c, for restypes.c: the server handle of a node handle opened
 * through the cluster handle `cluster` (ERROR_INVALID_HANDLE otherwise).  On
 * that cluster's locked session. */
DWORD session_node_handle(uintptr_t cluster, HNODE hNode, struct rpc_ctx_handle *out);

/* ---- for the notification ports (notify.c) ---- */
/* A new session like the one behind h: the same target, credentials and
 * access, on a connection of its own; NULL and *err on failure. */
HCLUSTER session_open_like(HCLUSTER h, DWORD *err);
/* session_op on the session behind a cluster handle (locked for the call). */
DWORD session_call(HCLUSTER h, uint16_t opnum, const void *in, void *out);
/* The session behind a cluster handle, referenced (NULL: not one); put it back. */
struct cluster_session *session_get(HCLUSTER h);
void session_put(HCLUSTER h);
/* What an object handle (node, group, resource, network, interface, key) is:
 * its handle type, its cluster handle and how it was opened (name: malloc'd
 * copy or NULL; free it). */
struct object_info {
	uint8_t type; /* enum cmrp_handle_type */
	HCLUSTER cluster;
	uint16_t reopen_opnum;
	uint32_t desired;
	uint16_t *name;
	size_t units;
};
DWORD session_object_of(const void *h, struct object_info *info);

/* ---- for the cluster registry calls (clusreg.c) ---- */
/* An object handle of a type (CMRP_HANDLE_*) in use: referenced, its
 * session locked, until session_unuse_object.  For a key: root says it is
 * the root key, path (NULL: unknown) its path from the root. */
struct object_use {
	uintptr_t token;
	struct object *obj;
	struct cluster_session *s;
	HCLUSTER cluster;
	struct rpc_ctx_handle handle;
	bool root;
	const uint16_t *path;
	size_t units;
};
DWORD session_use_object(const void *h, uint8_t type, struct object_use *u);
void session_unuse_object(struct object_use *u);
/* A new HKEY for a key handle of session s (locked), reopened after a
 * reconnect by its path from the root (NULL: it cannot be); NULL when out of
 * memory (the server's handle is closed then). */
HKEY session_new_key(struct cluster_session *s, HCLUSTER cluster, const struct rpc_ctx_handle *h, const uint16_t *path,
		     size_t units, uint32_t desired);

#endif
