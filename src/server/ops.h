/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the MS-CMRP handlers share: the caller's rights, the object behind a
 * handle, the mapping of backend statuses and states onto MS-CMRP values, and
 * the handler table.  Each object family has its own file (cluster.c,
 * objects.c, registry.c, control.c, notify.c) with its handlers and its list
 * of (opnum, handler); dispatch.c indexes them by opnum and does, for every
 * call, what no handler does: decode the request with the codec that
 * cmrp_table.c names for the opnum (a request that does not decode is an NDR
 * fault, logged there), call the handler with the typed request and a zeroed
 * typed reply, encode the reply and free both.
 */
#ifndef SERVER_OPS_H
#define SERVER_OPS_H

#include <stdbool.h>
#include <stdint.h>

#include "backend/backend.h"
#include "clusterd.h"
#include "cmrp/cmrp.h"
#include "cmrp/cmrp_objects.h"
#include "cmrp/cmrp_table.h"
#include "session.h"

/* The Windows error codes are include/clusapi.h's (through base/werror.h via
 * access.h): the one list, shared with libclusapi. */

/* The caller's rights right now (the ACL may have changed since it connected). */
unsigned ops_caller_rights(struct session *s);

/* The Windows error for a backend status about an object of this kind. */
DWORD ops_be_error(int status, enum be_kind kind);
/* The MS-CMRP state value of an object (per kind: ClusterResourceState,
 * ClusterGroupState, ClusterNodeState, ...). */
uint32_t ops_state(const struct be_object *o);
/* Handle type of an object kind, and the reverse. */
uint8_t ops_handle_type(enum be_kind kind);

/* The object behind a handle of that type, read fresh from the backend.
 * ERROR_INVALID_HANDLE for a closed, forged or other-session handle (or one
 * of another type); the kind's not-found error when the object went away. */
DWORD ops_object(struct session *s, const struct rpc_ctx_handle *h, uint8_t type, struct be_object *o,
		 struct handle_entry **entry);

/* UTF-16 <-> UTF-8 at the wire boundary. */
char *ops_utf8(const struct cmrp_string *s); /* NULL if ill-formed or NULL */
bool ops_string(struct cmrp_string *out, const char *utf8);

/* control.c: walk a property list (MS-CMRP 2.2.3.10) parsed strictly and
 * entirely first (ERROR_INVALID_DATA when malformed); fn sees each property
 * (name in UTF-8, format, value) and may stop the walk with an error. */
typedef DWORD (*ops_property_fn)(void *arg, const char *name, uint32_t format, const uint8_t *data, uint32_t len);
DWORD ops_property_list(const struct cmrp_blob *in, ops_property_fn fn, void *arg);
/* control.c: a UTF-16LE string of len bytes whose last unit is its only NUL,
 * as UTF-8 (malloc'd), or NULL. */
char *ops_sz_utf8(const uint8_t *data, uint32_t len);

/* admin.c: the cluster control codes of the access list and the accounts.
 * ops_admin_control answers one (output malloc'd in *out, may be NULL). */
bool ops_admin_owns(uint32_t code);
DWORD ops_admin_control(struct session *s, unsigned handle_rights, uint32_t code, const struct cmrp_blob *in,
			uint8_t **out, size_t *out_len);

/* One call as the core hands it to a handler: its opnum, its table entry and
 * the handler's argument from its family's list. */
struct ops_call {
	uint16_t opnum;
	const struct cmrp_op *op;
	int arg;
};

/* A handler: in is the decoded request (the struct the opnum's [in] codec
 * names), out the zeroed reply (its [out] codec's struct), both freed by the
 * core.  Returns 0 (out is the reply), a fault status, or
 * RPC_DISPATCH_PENDING (no reply now: notify.c answers later). */
typedef uint32_t (*ops_handler)(struct session *s, const struct ops_call *c, void *in, void *out);

struct ops_entry {
	uint16_t opnum;
	ops_handler fn; /* NULL ends a list */
	int arg;
	bool not_down_level; /* refused (opnum out of range) by a down-level server */
};

/* Each family's calls. */
extern const struct ops_entry ops_cluster_calls[], ops_object_calls[], ops_registry_calls[], ops_control_calls[],
	ops_notify_calls[];
/* issue 11, dependencies and owners (deps.c) */
extern const struct ops_entry ops_deps_calls[];
/* deps.c: the owners of a resource (possible) or group (preferred), as node
 * objects; and whether a group may run on a node (every member has it as a
 * possible owner: else ERROR_HOST_NODE_NOT_RESOURCE_OWNER). */
DWORD ops_owners(struct session *s, enum be_kind kind, const char *id, be_object_fn fn, void *arg);
DWORD ops_group_can_run_on(struct session *s, const struct be_object *g, const char *node);
/* deps.c: may a resource, or every resource of a group, come online (one of
 * its possible owners is up)?  Else ERROR_HOST_NODE_NOT_RESOURCE_OWNER. */
DWORD ops_can_online(struct session *s, const struct be_object *o);
/* deps.c: where MoveGroup with no target goes: the first up node other than
 * the owner, preferred owners first, that every member may run on ("" when
 * none: the backend decides). */
DWORD ops_pick_target(struct session *s, const struct be_object *g, char *out, size_t cap);
/* restypes.c */
extern const struct ops_entry ops_restype_calls[];

/* issue 13, networks (networks.c) */
extern const struct ops_entry ops_network_calls[];
/* networks.c: the networks, most preferred first (the priority order that
 * SetNetworkPriorityOrder sets), to fn. */
int ops_networks_by_priority(struct session *s, be_object_fn fn, void *arg);

/* The handle type a call's request carries at slot i (the table's fact). */
static inline uint8_t ops_in_type(const struct ops_call *c, unsigned i)
{
	return c->op->in_handles[i].type;
}

#endif
