/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The backend interface: where the cluster's objects live.
 *
 * The MS-CMRP layer (src/server: sessions, handles, access checks, marshalling)
 * reaches the cluster's nodes, groups, resources, resource types, networks,
 * network interfaces and its registry only through this table of operations.
 * Nothing here is Windows-protocol specific: objects have a kind, a stable id, a
 * name and a neutral state; the server maps those onto MS-CMRP values and error
 * codes.  Two implementations: `embedded` (one node, SQLite, the default) and
 * `pacemaker` (many nodes, on a Pacemaker/corosync cluster; built when its
 * libraries are there, -Dpacemaker).
 *
 * Rules every implementation keeps:
 * - names compare case-insensitively (as cluster names do) and are unique per
 *   kind; ids never change and are never reused;
 * - a change that returns BE_OK is durable (it survives a crash of clusterd);
 * - a call that fails changes nothing;
 * - calls are made from the event-loop thread only.
 */
#ifndef BACKEND_BACKEND_H
#define BACKEND_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum be_kind {
	BE_NODE = 1,
	BE_GROUP = 2,
	BE_RESOURCE = 3,
	BE_RESTYPE = 4,
	BE_NETWORK = 5,
	BE_NETIF = 6,
};
#define BE_KIND_MAX 6

enum be_status {
	BE_OK = 0,
	BE_NOT_FOUND,   /* no such object, key or value */
	BE_EXISTS,      /* the name is taken */
	BE_INVALID,     /* a bad argument: empty name, unknown type, bad path */
	BE_BUSY,        /* the object's state forbids it now */
	BE_NOT_EMPTY,   /* a group with resources, a key with subkeys */
	BE_DEPENDENCY,  /* another object depends on this one */
	BE_NO_QUORUM,   /* the cluster lost quorum (multi-node backends) */
	BE_UNSUPPORTED, /* this backend cannot do that */
	BE_IO,          /* storage failed */
	BE_NO_MEMORY,
	BE_UNCONFIRMED, /* written, but maybe not kept: done in a partition that
			 * turned out to have no quorum (multi-node backends) */
	BE_NO_SPACE, /* over the backend's documented size budget: nothing written */
};

/* States; each kind uses a subset. */
enum be_state {
	BE_STATE_UNKNOWN = 0,
	BE_STATE_UP,              /* node, network, netif */
	BE_STATE_DOWN,            /* node, network, netif */
	BE_STATE_PAUSED,          /* node */
	BE_STATE_ONLINE,          /* group, resource */
	BE_STATE_OFFLINE,         /* group, resource */
	BE_STATE_FAILED,          /* group, resource, netif */
	BE_STATE_PARTIAL,         /* group: some resources online, none failed */
	BE_STATE_ONLINE_PENDING,  /* resource, group: going online */
	BE_STATE_OFFLINE_PENDING, /* resource, group: going offline */
};

#define BE_ID_MAX 40
#define BE_NAME_MAX 256 /* UTF-8 bytes, NUL included */

struct be_object {
	enum be_kind kind;
	char id[BE_ID_MAX];      /* stable, unique: a UUID in text form */
	char name[BE_NAME_MAX];
	enum be_state state;
	char owner[BE_NAME_MAX];  /* group, resource: the node it runs on; netif: its node */
	char parent[BE_NAME_MAX]; /* resource: its group; netif: its network */
	char type[BE_NAME_MAX];   /* resource: its resource type */
	char address[64];         /* network: its subnet; netif: its address */
	uint32_t number;          /* node: its node number (1, 2, ...) */
	bool core;                /* part of the cluster's own core group */
	/* Resource types: state BE_STATE_UP when resources of it can be
	 * created here, BE_STATE_DOWN when it is listed but not available
	 * (src/backend/wintypes.h); type: what it is on this backend ("a
	 * supervised process", "ocf:heartbeat:IPaddr2"); parent: for a type
	 * made with CreateClusterResourceType, the type it was made from. */
};

enum be_action {
	BE_ACT_ONLINE,  /* group, resource (and what it depends on) */
	BE_ACT_OFFLINE, /* group, resource (and what depends on it) */
	BE_ACT_FAIL,    /* resource: mark failed, as a failure would */
	BE_ACT_PAUSE,   /* node */
	BE_ACT_RESUME,  /* node */
	BE_ACT_EVICT,   /* node */
	BE_ACT_MOVE,    /* group, to the node named by `target` (NULL: any other) */
};

/* Registry value types: the numbers of the Windows registry types, which MS-CMRP
 * carries unchanged. */
enum be_value_type {
	BE_VAL_NONE = 0,
	BE_VAL_SZ = 1,
	BE_VAL_EXPAND_SZ = 2,
	BE_VAL_BINARY = 3,
	BE_VAL_DWORD = 4,
	BE_VAL_MULTI_SZ = 7,
	BE_VAL_QWORD = 11,
};

#define BE_REG_PATH_MAX 1024 /* bytes, NUL included */
#define BE_REG_DEPTH_MAX 32  /* key levels */
#define BE_REG_VALUE_MAX (1u << 20)

struct be_value {
	char name[BE_NAME_MAX];
	uint32_t type;
	uint8_t *data; /* malloc'd by reg_get / reg_list_values; the caller frees */
	size_t len;
};

/* BE_EV_QUORUM: this node's partition gained or lost quorum (quorate says
 * which; the Pacemaker backend only: the embedded one is never without it).
 * BE_EV_CLUSTER_PROPERTY: a property of the cluster itself changed (raised by
 * clusterd, through server_state.notify_fn, not by a backend). */
enum be_event_what {
	BE_EV_ADDED,
	BE_EV_DELETED,
	BE_EV_STATE,
	BE_EV_RENAMED,
	BE_EV_REGISTRY,
	BE_EV_QUORUM,
	BE_EV_CLUSTER_PROPERTY,
};

struct be_event {
	enum be_event_what what;
	enum be_kind kind; /* 0 for BE_EV_REGISTRY, BE_EV_QUORUM, BE_EV_CLUSTER_PROPERTY */
	char id[BE_ID_MAX];
	char name[BE_NAME_MAX]; /* the object's name, or the registry key */
	enum be_state state;
	bool reg_key; /* BE_EV_REGISTRY: the key itself was made or deleted (not one of its values) */
	bool quorate; /* BE_EV_QUORUM */
};

/* Visitors return 0 to go on, anything else to stop (which is then returned). */
typedef int (*be_object_fn)(const struct be_object *obj, void *arg);
typedef int (*be_name_fn)(const char *name, void *arg);
typedef int (*be_value_fn)(const struct be_value *value, void *arg);
typedef void (*be_event_fn)(const struct be_event *ev, void *arg);

struct backend;

struct backend_ops {
	const char *name;
	void (*destroy)(struct backend *b);

	/* ---- objects ---- */
	int (*lookup)(struct backend *b, enum be_kind kind, const char *name, struct be_object *out);
	int (*get)(struct backend *b, enum be_kind kind, const char *id, struct be_object *out);
	/* All objects of a kind, in a stable order; parent (a group for
	 * resources, a network for netifs, a node for groups) narrows it. */
	int (*list)(struct backend *b, enum be_kind kind, const char *parent, be_object_fn fn, void *arg);
	/* Groups (parent unused) and resources (parent: group name, type: a
	 * resource type name).  The new object is offline.  Resource types
	 * (parent unused, type: the available type it is made from, whose
	 * implementation it shares; BE_INVALID when there is no such type,
	 * BE_UNSUPPORTED when that one is not available or the backend keeps
	 * no types of its own).  A resource of a type
	 * that is not available: BE_UNSUPPORTED.  Removing a resource type:
	 * BE_NOT_EMPTY while resources of it exist, BE_BUSY for a built-in one. */
	int (*create)(struct backend *b, enum be_kind kind, const char *name, const char *parent, const char *type,
		      struct be_object *out);
	int (*remove)(struct backend *b, enum be_kind kind, const char *id);
	int (*rename)(struct backend *b, enum be_kind kind, const char *id, const char *name);
	int (*act)(struct backend *b, enum be_kind kind, const char *id, enum be_action action, const char *target);
	/* What a resource depends on, and what depends on it. */
	int (*dependencies)(struct backend *b, const char *resource_id, be_object_fn fn, void *arg);
	int (*dependents)(struct backend *b, const char *resource_id, be_object_fn fn, void *arg);
	/* The quorum resource and its path (empty when the quorum is by node
	 * majority alone). */
	int (*quorum)(struct backend *b, struct be_object *resource, char *path, size_t path_len);
	/* A consistent copy of the cluster database, written to the new file
	 * path while serving (BE_EXISTS if it is there).  NULL: not offered. */
	int (*backup)(struct backend *b, const char *path);

	/* ---- issue 11, dependencies and owners (the server checks Windows'
	 * rules first: same group, no cycle, known nodes) ---- */
	/* Add (add true) or remove the direct dependency of resource_id on
	 * provider_id.  BE_NOT_FOUND: no such dependency to remove;
	 * BE_EXISTS: it is there already; BE_UNSUPPORTED: one this backend
	 * cannot remove (a Pacemaker group's chain). */
	int (*depend)(struct backend *b, const char *resource_id, const char *provider_id, bool add);
	/* A resource's possible owners (BE_RESOURCE: the nodes it may run on,
	 * every node unless restricted) or a group's preferred owners in order
	 * (BE_GROUP: none unless set), as node objects. */
	int (*owners)(struct backend *b, enum be_kind kind, const char *id, be_object_fn fn, void *arg);
	/* Replace that list with n node names (known nodes, no duplicates). */
	int (*set_owners)(struct backend *b, enum be_kind kind, const char *id, const char *const *nodes, size_t n);
	/* Move a resource (with no dependencies either way) to another group. */
	int (*regroup)(struct backend *b, const char *resource_id, const char *group_id);

	/* ---- the cluster registry: keys are '\\'-separated paths, "" is the root ---- */
	int (*reg_key_exists)(struct backend *b, const char *key);
	int (*reg_create_key)(struct backend *b, const char *key, bool *created);
	int (*reg_delete_key)(struct backend *b, const char *key); /* BE_NOT_EMPTY with subkeys */
	int (*reg_list_keys)(struct backend *b, const char *key, be_name_fn fn, void *arg);
	int (*reg_list_values)(struct backend *b, const char *key, be_value_fn fn, void *arg);
	int (*reg_get)(struct backend *b, const char *key, const char *name, struct be_value *out);
	int (*reg_set)(struct backend *b, const char *key, const struct be_value *value);
	int (*reg_delete_value)(struct backend *b, const char *key, const char *name);

	/* ---- changes: fn is called (on the loop thread) after each change ---- */
	int (*watch)(struct backend *b, be_event_fn fn, void *arg);

	/* ---- what the backend watches itself (its child processes...) ----
	 * event_fd: a descriptor for the event loop to poll for input, or -1;
	 * process_events: called when it is readable. */
	int (*event_fd)(struct backend *b);
	void (*process_events)(struct backend *b);

	/* ---- cluster-wide server state (issue 10): the access list and the NTLM
	 * accounts as named texts ("acl", "accounts") the backend keeps for the
	 * whole cluster.  NULL in a backend whose server keeps them in its own
	 * files (embedded).  state_get: BE_OK and *text malloc'd (NULL when the
	 * cluster has none yet), from what the backend last read (no wait on the
	 * cluster: it is asked on every call); the text has one entry a line,
	 * its first word the entry's key.  state_put: the text edited from what
	 * state_get gave last; the backend may apply only the entries that
	 * changed (added, removed, replaced), so that another node's change of
	 * other entries stays; durable and cluster-wide on BE_OK; secret: sealed
	 * at rest, readable by clusterd only. */
	int (*state_get)(struct backend *b, const char *name, char **text);
	int (*state_put)(struct backend *b, const char *name, const char *text, bool secret);
	/* ---- group commit (optional: NULL means every change is durable on
	 * its own) ----
	 * Between batch_begin and batch_end the changes are made (and seen by
	 * later calls) but not yet durable, and their events are held.
	 * batch_end makes them all durable at once and then sends their events
	 * (BE_OK), or undoes them all and drops their events (BE_IO).  A
	 * caller answers nobody about anything done in a batch before its
	 * batch_end returned BE_OK. */
	void (*batch_begin)(struct backend *b);
	int (*batch_end)(struct backend *b);
	/* Whether the open batch holds changes not yet durable (optional:
	 * NULL, never).  Another caller may then add its changes to the same
	 * batch before it ends (clusterd's loops share one commit). */
	bool (*batch_dirty)(struct backend *b);
	/* The backend may be called from the thread that opened it only
	 * (clusterd then serves with one event loop). */
	bool one_thread;
};

struct backend {
	const struct backend_ops *ops;
};

/* The embedded single-node backend: its database lives in state_dir. */
struct backend *backend_embedded_open(const char *state_dir, const char *node_name, const char *cluster_name,
				      char *err, size_t errlen);

/* The embedded backend runs the command of each online "Generic Application"
 * resource (its registry value Parameters\CommandLine, run by /bin/sh -c in a
 * session of its own).  When the command exits on its own the restart policy
 * decides (the DWORD values RestartAction, RestartThreshold, RestartPeriod,
 * RestartDelay of the resource's key, Windows' defaults when unset): restarted
 * RestartDelay later (online pending meanwhile) while fewer than
 * RestartThreshold restarts happened within RestartPeriod, else failed; the
 * event fd then also wakes clusterd for due restarts.  Supervision is off after open (tests and fuzzing change states
 * without running anything); clusterd turns it on, which also starts the
 * commands of the resources the database says are online.  0 or a BE_ status. */
int backend_embedded_supervise(struct backend *b, bool on);

/* The Pacemaker backend (built when Pacemaker's libraries were found at
 * configure time; clusterd then defines CLUSTERD_HAVE_PACEMAKER): the cluster
 * corosync and Pacemaker run on this node.  Fills in corosync's cluster name
 * and this node's name (doc/pacemaker.md). */
struct backend *backend_pacemaker_open(char *cluster_name, size_t cluster_len, char *node_name, size_t node_len,
				       char *err, size_t errlen);

/* A short English word for a status, for logs. */
const char *be_status_name(int status);

#endif
