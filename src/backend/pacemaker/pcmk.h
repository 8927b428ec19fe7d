/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inside the Pacemaker backend: what its files share, and which file owns
 * what.  Every file reads and writes the CIB through the command connection
 * on clusterd's loop thread, except watch.c (its own thread).
 *
 *   pacemaker.c  the entry points: backend_pacemaker_open, destroy, the ops
 *                table (the only place that names every operation)
 *   cib.c        talking to the CIB: XML and nvpair helpers, object ids and
 *                CIB ids, Pacemaker return codes -> BE_*, the command
 *                connection, modify / remove building blocks
 *   view.c       reading: CIB + status -> the objects served (nodes, groups,
 *                resources, resource types, networks, interfaces), ready()
 *                (quorum, then a fresh view), lookup / get / list / quorum,
 *                change events
 *   write.c      CIB changes from clusapi calls: create / delete / rename,
 *                online / offline (target-role), move (cli-prefer), fail,
 *                pause / resume (standby)
 *   registry.c   the cluster registry: root values, object lists, Parameters
 *                (instance / meta attributes), Description map onto objects;
 *                every other key and value is stored by state.c
 *   state.c      the state kept in the CIB for the whole cluster: the ACL and
 *                the NTLM accounts (sealed with a key derived from corosync's
 *                authkey), the stored registry keys, its size budget, their
 *                change events
 *   policy.c     the policy model: dependencies (today a group's chain)
 *   corosync.c   cmap: cluster name, nodelist, membership, knet links
 *   quorum.c     votequorum, tracked on the watch thread (no call asks corosync)
 *   watch.c      the glib thread: CIB diff notifications, quorum tracking, cmap
 *                reads
 *
 * Where the coming work goes, so that the two do not meet in one file:
 *   issue 10 (cluster-wide ACL, accounts and registry stored in the CIB):
 *     done in state.c and registry.c.
 *   evict.c      EvictNode: the request as node attributes in the CIB, each
 *                node's corosync.conf, the reload and crm_node -R
 *   issue 11 (dependencies as order + colocation constraints, possible and
 *     preferred owners as location constraints, failure policies as meta
 *     attributes, resource types): policy.c (reading constraints into the
 *     view is a call from view.c's build_view into policy.c; writing them
 *     lives in policy.c); Windows resource types in a new restypes.c.
 */
#ifndef BACKEND_PACEMAKER_PCMK_H
#define BACKEND_PACEMAKER_PCMK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include <crm/cib.h>

#include "backend/backend.h"

/* ---- corosync.c: what corosync knows (cmap) ---- */

#define COROSYNC_MAX_NODES 32
#define COROSYNC_MAX_LINKS 8

struct corosync_node {
	char name[BE_NAME_MAX];
	uint32_t nodeid;
	bool joined; /* runtime.members.ID.status is "joined" */
	char addr[COROSYNC_MAX_LINKS][64]; /* ringN_addr, "" when the link is not configured */
	bool link_up[COROSYNC_MAX_LINKS];  /* knet: this node reaches it on link N */
};

struct corosync_view {
	char cluster_name[BE_NAME_MAX];
	char local_name[BE_NAME_MAX];
	struct corosync_node nodes[COROSYNC_MAX_NODES];
	size_t nnodes;
	size_t nlinks; /* highest configured link + 1 */
};

/* Read the nodelist, the cluster name, the membership and the state of each
 * knet link (from this node) from cmap.  0, or -1 when corosync does not
 * answer. */
int corosync_read(struct corosync_view *v);

/* The IPv4 subnet ("10.77.0.0/24") of the local interface holding addr;
 * "addr/32" when no local interface has it. */
void corosync_subnet_of(const char *addr, char *out, size_t cap);

/* ---- quorum.c: votequorum ---- */

struct corosync_quorum;
/* Connect to votequorum and read the state once (this may block: at open
 * only). */
struct corosync_quorum *corosync_quorum_new(void);
void corosync_quorum_free(struct corosync_quorum *q);
/* On the watch thread (glib's default context): track changes from the
 * connection's fd, reconnect with a backoff when corosync goes, and call
 * changed(arg) on that thread whenever the state flips. */
void corosync_quorum_attach(struct corosync_quorum *q, void (*changed)(void *arg), void *arg);
/* On the watch thread, before its loop ends. */
void corosync_quorum_detach(struct corosync_quorum *q);
/* Is the partition this node is in quorate right now?  An atomic read, never
 * a call to corosync: false from the moment the connection is lost (a node
 * that cannot tell must not answer from what it saw before). */
bool corosync_quorate(struct corosync_quorum *q);
/* Quorum was regained and the cluster's CIB has not been synced to this node
 * since (at most a few seconds): a write now may be replaced away. */
bool corosync_rejoining(struct corosync_quorum *q);
/* On the watch thread: the CIB was replaced (a sync), the rejoin is over. */
void corosync_cib_replaced(struct corosync_quorum *q);
/* After a CIB write, on the loop thread: have the watch thread take in every
 * quorum change corosync has already sent, then say whether this partition is
 * quorate.  False too when the watch thread has not answered in timeout_ms. */
bool corosync_quorum_settle(struct corosync_quorum *q, unsigned timeout_ms);

/* ---- watch.c: CIB change notifications on a thread of their own ---- */

struct pcmk_watch;
/* Start the thread: it connects to the CIB, registers for diff
 * notifications and adds 1 to the eventfd efd on each (and on a lost
 * connection); it reconnects by itself.  It also tracks quorum for q
 * (quorum.c) and reads cmap (corosync_read) at each change, so that the
 * loop thread never waits for corosync. */
struct pcmk_watch *pcmk_watch_start(int efd, struct corosync_quorum *q);
void pcmk_watch_stop(struct pcmk_watch *w);
/* The corosync view the watch thread read last: false (out untouched) when
 * it has none yet. */
bool pcmk_watch_corosync(struct pcmk_watch *w, struct corosync_view *out);

/* ---- the backend's state (pacemaker.c) ---- */

#define PLACEHOLDER_SUFFIX "-clusapi-empty"
#define NAME_META "clusapi-name"
#define PLACEHOLDER_TYPE "ocf:pacemaker:Dummy"

struct pobj {
	struct be_object o;
	char cib_id[BE_NAME_MAX]; /* groups, resources: the element's id; nodes: the node id */
};

struct view {
	struct pobj *v;
	size_t n, cap;
	xmlNode *cib; /* the CIB this view was made from */
	bool stonith_enabled;
};

struct pcmk {
	struct backend base;
	cib_t *cib; /* commands: the loop thread only, no main-loop source */
	struct view view;
	bool dirty;
	struct corosync_quorum *quorum;
	int quorate_told; /* the quorum last reported as BE_EV_QUORUM (-1: none yet) */
	struct corosync_view cs;
	be_event_fn watch_fn;
	void *watch_arg;
	int efd;
	struct pcmk_watch *watch;
	char **agents; /* "ocf:provider:agent", read once at open */
	size_t nagents;
	struct pcmk_state *state; /* state.c: the sealing key */
};

static inline struct pcmk *P(struct backend *b)
{
	return (struct pcmk *)b;
}

/* ---- cib.c ---- */

bool xml_is(const xmlNode *n, const char *name);
xmlNode *child_named(xmlNode *parent, const char *name);
/* The element with this id anywhere under root (ids are unique in a CIB). */
xmlNode *find_id(xmlNode *root, const char *id);
/* The nvpair NAME of the first SET (meta_attributes, instance_attributes) of el. */
xmlNode *find_nvpair(xmlNode *el, const char *set, const char *name);
const char *nv_value(xmlNode *el, const char *set, const char *name);
/* A stable UUID from (kind, CIB id). */
void derive_id(char *out, enum be_kind kind, const char *cib_id);
bool name_ok(const char *name);
/* Is this text usable as a CIB id as it is? */
bool id_ok(const char *s);
/* A new CIB id for name (the name itself when valid and free). */
void new_cib_id(xmlNode *cib, const char *name, char *out, size_t cap);
/* Pacemaker's legacy return codes (negative errno or pcmk_err_*) -> BE_*. */
int be_from_pcmk(int rc);
/* The status of a CIB write that returned rc: be_from_pcmk's, except that a
 * write carried out in a partition without quorum is BE_UNCONFIRMED (it may be
 * lost when the partition heals; see corosync_quorum_settle).  Every CIB write
 * goes through it. */
int cib_written(struct pcmk *p, int rc);

/* ---- evict.c: EvictNode, coordinated through the CIB ---- */

/* Record the request to evict node n (after the checks: n is down, and what
 * is left keeps a majority). */
int pm_evict(struct pcmk *p, const struct pobj *n);
/* At each new view: carry on with the requests it holds (this node's part:
 * its corosync.conf, its acknowledgement; the finisher's: reload, crm_node -R). */
void evict_step(struct pcmk *p);
int cib_connect(struct pcmk *p);
/* Add to frag an nvpair NAME=VALUE in SET, reusing cur's ids. */
void frag_nvpair(xmlNode *frag, xmlNode *cur, const char *set, const char *name, const char *value);
xmlNode *frag_of(xmlNode *parent, xmlNode *cur);
/* Modify section with frag (freed), cib_sync_call | extra. */
int cib_modify(struct pcmk *p, const char *section, xmlNode *frag, int extra);
/* Remove an element by id from a section (its children go with it). */
int cib_remove_id(struct pcmk *p, const char *section, const char *tag, const char *id);

/* ---- view.c ---- */

void view_free(struct view *v);
struct pobj *view_add(struct view *v, enum be_kind kind, const char *cib_id, const char *name);
struct pobj *view_by_name(struct view *v, enum be_kind kind, const char *name);
struct pobj *view_by_id(struct view *v, enum be_kind kind, const char *id);
bool is_placeholder(const char *cib_id);
bool stopped_by_role(xmlNode *el);
void load_agents(struct pcmk *p);
/* Read the CIB again, replace the view, emit what changed. */
int refresh(struct pcmk *p);
/* Every call starts here: no quorum, no answer; then a fresh view. */
int ready(struct pcmk *p);
/* Before a write: ready(), and the command connection alive. */
int ready_write(struct pcmk *p);
int pm_lookup(struct backend *b, enum be_kind kind, const char *name, struct be_object *out);
int pm_get(struct backend *b, enum be_kind kind, const char *id, struct be_object *out);
int pm_list(struct backend *b, enum be_kind kind, const char *parent, be_object_fn fn, void *arg);
int pm_quorum(struct backend *b, struct be_object *resource, char *path, size_t path_len);
int pm_watch(struct backend *b, be_event_fn fn, void *arg);
int pm_event_fd(struct backend *b);
void pm_process_events(struct backend *b);

/* ---- policy.c ---- */

/* The resource before (next false) or after (next true) resource_id in its
 * group's chain, given to fn. */
int chain_neighbour(struct backend *b, const char *resource_id, bool next, be_object_fn fn, void *arg);
/* A be_object_fn that counts into *(int *)arg. */
int count_fn(const struct be_object *o, void *arg);
int pm_dependencies(struct backend *b, const char *resource_id, be_object_fn fn, void *arg);
int pm_dependents(struct backend *b, const char *resource_id, be_object_fn fn, void *arg);
/* issue 11: dependencies as order + colocation constraints, owners as
 * location constraints (the names are in policy.c). */
int pm_depend(struct backend *b, const char *resource_id, const char *provider_id, bool add);
int pm_owners(struct backend *b, enum be_kind kind, const char *id, be_object_fn fn, void *arg);
int pm_set_owners(struct backend *b, enum be_kind kind, const char *id, const char *const *nodes, size_t n);
int pm_regroup(struct backend *b, const char *resource_id, const char *group_id);
/* r's direct providers (up false) or dependents (up true) in the view, and
 * all of them transitively, farthest first; copies, at most cap. */
size_t policy_links(struct pcmk *p, const struct pobj *r, bool up, struct pobj *out, size_t cap);
size_t policy_closure(struct pcmk *p, const struct pobj *r, bool up, struct pobj *out, size_t cap);
/* Remove every constraint that names a resource (CIB id). */
int policy_forget(struct pcmk *p, const char *cib_id);

/* ---- write.c ---- */

/* After a write: read the CIB again; rc, or the read's error. */
int after_write(struct pcmk *p, int rc);
int pm_create(struct backend *b, enum be_kind kind, const char *name, const char *parent, const char *type,
	      struct be_object *out);
int pm_remove(struct backend *b, enum be_kind kind, const char *id);
int pm_rename(struct backend *b, enum be_kind kind, const char *id, const char *name);
int pm_act(struct backend *b, enum be_kind kind, const char *id, enum be_action action, const char *target);

/* ---- restypes.c: the Windows resource types ---- */

#define TYPE_META "clusapi-type"
/* List every Windows type in the view (available here or not). */
void restypes_add(struct view *v, const struct pcmk *p);
/* The agent ("class:provider:type") a resource of this type runs: a Windows
 * type's mapping (*wintype: its Windows name, kept in TYPE_META), or type
 * itself (*wintype NULL).  BE_UNSUPPORTED for a type not available here. */
int restypes_agent(const struct pcmk *p, const char *type, const char *cib_id, char *agent, size_t cap,
		   const char **wintype);
/* The private property that names the agent of a Windows type mapped onto a
 * class (ServiceName for Generic Service), or NULL. */
const char *restypes_unit_property(const char *wintype);
/* Types made by clients, kept in the CIB as resource templates: listed
 * (from the CIB the view is made of), made from an available type (BE_EXISTS,
 * BE_INVALID: no such base, BE_UNSUPPORTED: a base not available or with no
 * agent of its own), removed (BE_UNSUPPORTED: not made by a client,
 * BE_NOT_EMPTY: resources or types use it). */
void restypes_add_custom(struct view *v, xmlNode *cib);
int restypes_create(struct pcmk *p, const char *name, const char *base, struct be_object *out);
int restypes_remove(struct pcmk *p, const char *id);

/* cleanup.c: after a resource's primitive is deleted, its operation history
 * on every node and its fail counts go too (crm_resource --cleanup). */
void cleanup_resource(struct pcmk *p, const char *rsc_id);
/* At each new view: history that came back for a resource deleted in the
 * last minute (a late probe or stop) is cleaned up again. */
void cleanup_orphans(struct pcmk *p);

/* ---- failpolicy.c: failure policies as meta attributes ---- */

/* Is this policy property (server/policy.c) mapped for objects of kind? */
bool failpolicy_known(enum be_kind kind, const char *name);
/* What Pacemaker will do, as the property's value; BE_NOT_FOUND when not mapped. */
int failpolicy_get(struct pcmk *p, struct pobj *obj, const char *name, uint32_t *out);
/* Write it (a CIB modify, then a refresh); BE_UNSUPPORTED when not mapped. */
int failpolicy_set(struct pcmk *p, struct pobj *obj, const char *name, uint32_t v);

/* ---- registry.c ---- */

int pm_reg_key_exists(struct backend *b, const char *key);
int pm_reg_create_key(struct backend *b, const char *key, bool *created);
int pm_reg_delete_key(struct backend *b, const char *key);
int pm_reg_list_keys(struct backend *b, const char *key, be_name_fn fn, void *arg);
int pm_reg_list_values(struct backend *b, const char *key, be_value_fn fn, void *arg);
int pm_reg_get(struct backend *b, const char *key, const char *name, struct be_value *out);
int pm_reg_set(struct backend *b, const char *key, const struct be_value *value);
int pm_reg_delete_value(struct backend *b, const char *key, const char *name);

/* ---- state.c: the cluster-wide state kept in the CIB (issue 10) ---- */

/* The cluster registry's budget in the CIB: the bytes of its nvpairs (names,
 * base64 values, and 64 for each one's markup). */
#define PCMK_REG_BUDGET (128u * 1024u)

struct pcmk_state;
/* At open (reads cmap): find corosync's authkey and derive the sealing key;
 * NULL only when out of memory (without a key, secrets cannot be stored). */
struct pcmk_state *state_open(void);
void state_free(struct pcmk_state *s);
int pm_state_get(struct backend *b, const char *name, char **text);
int pm_state_put(struct backend *b, const char *name, const char *text, bool secret);
/* Registry events for the stored keys that changed between two CIBs. */
void state_emit_changes(struct pcmk *p, xmlNode *old_cib, xmlNode *new_cib);
/* Registry keys stored in the CIB (those registry.c does not map onto
 * objects): paths compare ignoring ASCII case. */
bool reg_path_ok(const char *path);
bool sreg_exists(struct pcmk *p, const char *key);
/* The names of the stored keys directly under key, each once. */
int sreg_children(struct pcmk *p, const char *key, be_name_fn fn, void *arg);
/* A stored key's values (sreg_values_free them): BE_NOT_FOUND if no such key. */
int sreg_values(struct pcmk *p, const char *key, struct be_value **out, size_t *n);
void sreg_values_free(struct be_value *v, size_t n);
/* Create keys (with no values) in one CIB change; BE_NO_SPACE over the budget. */
int sreg_create(struct pcmk *p, const char *const *keys, size_t n);
/* Replace a key's values (creating it); BE_NO_SPACE over the budget. */
int sreg_write(struct pcmk *p, const char *key, const struct be_value *v, size_t n);
int sreg_remove(struct pcmk *p, const char *key);

#endif
