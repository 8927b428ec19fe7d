/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Issue 11, parts 1 and 2: dependencies and owners.
 *
 * AddResourceDependency (19), RemoveResourceDependency (20),
 * CanResourceBeDependent (21), AddResourceNode (23), RemoveResourceNode (24),
 * ChangeResourceGroup (25), SetGroupNodeList (54),
 * SetResourceDependencyExpression (109).  Windows' rules are checked here,
 * once for both backends (MS-CMRP 3.1.4.2.20-26, 55, 109):
 *   - a dependency joins two different resources of one group
 *     (ERROR_INVALID_PARAMETER), once (ERROR_DEPENDENCY_ALREADY_EXISTS), with
 *     no cycle (ERROR_CIRCULAR_DEPENDENCY) and a tree at most 100 deep
 *     (ERROR_DEPENDENCY_TREE_TOO_COMPLEX);
 *   - an online (or pending) dependent cannot take a provider that is not
 *     online (ERROR_RESOURCE_ONLINE): the graph would not hold;
 *   - dependency expressions are ANDs of resources; an OR of two or more
 *     resources is refused with ERROR_NOT_SUPPORTED on both backends
 *     (Pacemaker has no "any one of" ordering, doc/pacemaker.md);
 *   - a resource with dependencies either way cannot change group
 *     (ERROR_DEPENDENT_RESOURCE_EXISTS): a provider is never moved away from
 *     its dependents;
 *   - possible owners: adding one already there is ERROR_OBJECT_ALREADY_EXISTS,
 *     removing one not there ERROR_CLUSTER_NODE_NOT_FOUND, removing the node
 *     an online resource runs on ERROR_INVALID_STATE.
 * The backends only store and act (backend.h: depend, owners, set_owners,
 * regroup).  The backend's visitors are never nested: lists are copied out
 * before the next backend call (the Pacemaker backend refreshes its view on
 * each call).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "access.h"
#include "base/utf16.h"
#include "ops.h"

#define DEPTH_MAX 100

static struct backend *BE(struct session *s)
{
	return s->server->be;
}

static void reply_status(void *out, uint32_t result)
{
	((struct cmrp_status_result_out *)out)->result = result;
}

/* ---- lists copied out of a visitor ---------------------------------------------- */

struct objlist {
	struct be_object *v;
	size_t n;
};

static int objlist_add(const struct be_object *o, void *arg)
{
	struct objlist *l = arg;
	if (l->n >= 4096)
		return BE_NO_MEMORY;
	struct be_object *nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
	if (!nv)
		return BE_NO_MEMORY;
	l->v = nv;
	l->v[l->n++] = *o;
	return 0;
}

static bool objlist_has(const struct objlist *l, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].id, id) == 0)
			return true;
	return false;
}

static bool objlist_has_name(const struct objlist *l, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i].name, name) == 0)
			return true;
	return false;
}

/* What resource id depends on (directly). */
static int direct_deps(struct session *s, const char *id, struct objlist *out)
{
	out->v = NULL;
	out->n = 0;
	int rc = BE(s)->ops->dependencies(BE(s), id, objlist_add, out);
	if (rc) {
		free(out->v);
		out->v = NULL;
		out->n = 0;
	}
	return rc;
}

/* Does `from` reach `target` through dependencies (from itself included)?
 * depth: the longest chain below `from` is kept in *depth. */
static DWORD reaches(struct session *s, const char *from, const char *target, int level, bool *found, int *depth)
{
	if (strcmp(from, target) == 0) {
		*found = true;
		return ERROR_SUCCESS;
	}
	if (level > *depth)
		*depth = level;
	if (level > DEPTH_MAX)
		return ERROR_DEPENDENCY_TREE_TOO_COMPLEX;
	struct objlist l;
	int rc = direct_deps(s, from, &l);
	if (rc)
		return ops_be_error(rc, BE_RESOURCE);
	DWORD result = ERROR_SUCCESS;
	for (size_t i = 0; i < l.n && !result && !*found; i++)
		result = reaches(s, l.v[i].id, target, level + 1, found, depth);
	free(l.v);
	return result;
}

static bool is_online(const struct be_object *r)
{
	return r->state == BE_STATE_ONLINE || r->state == BE_STATE_ONLINE_PENDING ||
	       r->state == BE_STATE_OFFLINE_PENDING;
}

/* May r depend on p?  The structural rules (same group, not itself, not
 * already, no cycle, depth); the state rule is the caller's. */
static DWORD check_new_dependency(struct session *s, const struct be_object *r, const struct be_object *p)
{
	if (strcmp(r->id, p->id) == 0 || strcasecmp(r->parent, p->parent) != 0)
		return ERROR_INVALID_PARAMETER;
	struct objlist l;
	int rc = direct_deps(s, r->id, &l);
	if (rc)
		return ops_be_error(rc, BE_RESOURCE);
	bool dup = objlist_has(&l, p->id);
	free(l.v);
	if (dup)
		return ERROR_DEPENDENCY_ALREADY_EXISTS;
	bool found = false;
	int depth = 0;
	DWORD result = reaches(s, p->id, r->id, 0, &found, &depth);
	if (result)
		return result;
	if (found)
		return ERROR_CIRCULAR_DEPENDENCY;
	if (depth + 1 > DEPTH_MAX)
		return ERROR_DEPENDENCY_TREE_TOO_COMPLEX;
	return ERROR_SUCCESS;
}

/* The two objects of a (handle, handle) request, and the rights both need. */
static DWORD two_objects(struct session *s, const struct ops_call *c, void *in, struct be_object *a,
			 struct be_object *b, bool change)
{
	const struct cmrp_two_handles_in *r = in;
	struct handle_entry *ea = NULL, *eb = NULL;
	DWORD result = ops_object(s, &r->a, ops_in_type(c, 0), a, &ea);
	if (!result)
		result = ops_object(s, &r->b, ops_in_type(c, 1), b, &eb);
	if (!result && change && (!(ea->rights & ACCESS_CHANGE) || !(eb->rights & ACCESS_CHANGE)))
		result = ERROR_ACCESS_DENIED;
	return result;
}

static bool have_ops(struct session *s)
{
	const struct backend_ops *o = BE(s)->ops;
	return o->depend && o->owners && o->set_owners && o->regroup;
}

/* ---- dependencies ------------------------------------------------------------------ */

/* AddResourceDependency (a depends on b) / RemoveResourceDependency. */
static uint32_t op_depend(struct session *s, const struct ops_call *c, void *in, void *out)
{
	bool add = c->opnum == CMRP_ADD_RESOURCE_DEPENDENCY;
	struct be_object r, p;
	DWORD result = two_objects(s, c, in, &r, &p, true);
	if (!result && !have_ops(s))
		result = ERROR_NOT_SUPPORTED;
	if (!result && add) {
		result = check_new_dependency(s, &r, &p);
		if (!result && is_online(&r) && p.state != BE_STATE_ONLINE)
			result = ERROR_RESOURCE_ONLINE;
	} else if (!result) {
		struct objlist l;
		int rc = direct_deps(s, r.id, &l);
		result = ops_be_error(rc, BE_RESOURCE);
		if (!result && !objlist_has(&l, p.id))
			result = ERROR_DEPENDENCY_NOT_FOUND;
		free(l.v);
	}
	if (!result) {
		int rc = BE(s)->ops->depend(BE(s), r.id, p.id, add);
		result = rc == BE_EXISTS	 ? ERROR_DEPENDENCY_ALREADY_EXISTS
			 : rc == BE_NOT_FOUND ? ERROR_DEPENDENCY_NOT_FOUND
					      : ops_be_error(rc, BE_RESOURCE);
	}
	reply_status(out, result);
	return 0;
}

/* CanResourceBeDependent(hResource, hResourceDependent): may hResource
 * depend on hResourceDependent?  MS-CMRP 3.1.4.2.22, state rule included. */
static uint32_t op_can_depend(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct be_object r, p;
	DWORD result = two_objects(s, c, in, &r, &p, false);
	if (!result)
		result = check_new_dependency(s, &r, &p);
	if (!result && (r.state == BE_STATE_ONLINE_PENDING ||
			(r.state == BE_STATE_ONLINE && p.state == BE_STATE_ONLINE)))
		result = ERROR_RESOURCE_ONLINE;
	reply_status(out, result);
	return 0;
}

/* ---- dependency expressions ------------------------------------------------------ */

struct expr_parse {
	const char *p;
	struct objlist providers;
	DWORD error;
};

static void skip_space(struct expr_parse *x)
{
	while (*x->p == ' ' || *x->p == '\t' || *x->p == '\r' || *x->p == '\n')
		x->p++;
}

static bool keyword(struct expr_parse *x, const char *kw)
{
	size_t n = strlen(kw);
	skip_space(x);
	if (strncasecmp(x->p, kw, n) != 0)
		return false;
	char next = x->p[n];
	if (next && next != ' ' && next != '\t' && next != '(' && next != '[' && next != '\r' && next != '\n')
		return false;
	x->p += n;
	return true;
}

/* "[name or id]" -> the resource. */
static bool parse_resource(struct session *s, struct expr_parse *x, struct be_object *o)
{
	skip_space(x);
	if (*x->p != '[') {
		x->error = ERROR_INVALID_PARAMETER;
		return false;
	}
	const char *end = strchr(x->p + 1, ']');
	if (!end || end == x->p + 1 || (size_t)(end - x->p - 1) >= BE_NAME_MAX) {
		x->error = ERROR_INVALID_PARAMETER;
		return false;
	}
	char name[BE_NAME_MAX];
	memcpy(name, x->p + 1, (size_t)(end - x->p - 1));
	name[end - x->p - 1] = 0;
	x->p = end + 1;
	int rc = BE(s)->ops->lookup(BE(s), BE_RESOURCE, name, o);
	if (rc == BE_NOT_FOUND)
		rc = BE(s)->ops->get(BE(s), BE_RESOURCE, name, o);
	if (rc) {
		x->error = ops_be_error(rc, BE_RESOURCE);
		return false;
	}
	return true;
}

/* One term: a resource, or "(" resource {or resource} ")".  An OR of more
 * than one resource is ERROR_NOT_SUPPORTED. */
static bool parse_term(struct session *s, struct expr_parse *x)
{
	struct be_object o;
	skip_space(x);
	if (*x->p == '(') {
		x->p++;
		int n = 0;
		do {
			if (!parse_resource(s, x, &o))
				return false;
			n++;
		} while (keyword(x, "or"));
		skip_space(x);
		if (*x->p != ')') {
			x->error = ERROR_INVALID_PARAMETER;
			return false;
		}
		x->p++;
		if (n > 1) {
			x->error = ERROR_NOT_SUPPORTED;
			return false;
		}
	} else if (!parse_resource(s, x, &o)) {
		return false;
	} else if (keyword(x, "or")) {
		x->error = ERROR_NOT_SUPPORTED;
		return false;
	}
	if (objlist_has(&x->providers, o.id)) {
		x->error = ERROR_INVALID_PARAMETER; /* named twice */
		return false;
	}
	if (objlist_add(&o, &x->providers)) {
		x->error = ERROR_NOT_ENOUGH_MEMORY;
		return false;
	}
	return true;
}

/* "" (no dependencies) or term {and term}. */
static DWORD parse_expression(struct session *s, const char *text, struct objlist *out)
{
	struct expr_parse x = { .p = text ? text : "", .providers = { NULL, 0 }, .error = 0 };
	skip_space(&x);
	if (*x.p) {
		do {
			if (!parse_term(s, &x))
				break;
		} while (keyword(&x, "and"));
		skip_space(&x);
		if (!x.error && *x.p)
			x.error = ERROR_INVALID_PARAMETER;
	}
	if (x.error) {
		free(x.providers.v);
		return x.error;
	}
	*out = x.providers;
	return ERROR_SUCCESS;
}

/* SetResourceDependencyExpression: the resource's dependencies become the
 * expression's resources.  Everything is checked before anything changes.
 * A dependency the backend cannot remove (a Pacemaker group's chain) stays. */
static uint32_t op_set_expression(struct session *s, const struct ops_call *c, void *in, void *out)
{
	(void)c;
	const struct cmrp_handle_wstr_in *r = in;
	struct be_object res;
	struct handle_entry *e = NULL;
	struct objlist want = { NULL, 0 }, have = { NULL, 0 };
	char *text = NULL;
	DWORD result = ops_object(s, &r->handle, HANDLE_RESOURCE, &res, &e);
	if (!result && !(e->rights & ACCESS_CHANGE))
		result = ERROR_ACCESS_DENIED;
	if (!result && !have_ops(s))
		result = ERROR_NOT_SUPPORTED;
	if (!result && r->present) {
		text = utf16_to_utf8_dup(r->s, r->units);
		if (!text)
			result = ERROR_INVALID_PARAMETER;
	}
	if (!result)
		result = parse_expression(s, text, &want);
	if (!result)
		result = ops_be_error(BE(s)->ops->dependencies(BE(s), res.id, objlist_add, &have), BE_RESOURCE);
	for (size_t i = 0; i < want.n && !result; i++) {
		if (objlist_has(&have, want.v[i].id))
			continue;
		result = check_new_dependency(s, &res, &want.v[i]);
		if (!result && is_online(&res) && want.v[i].state != BE_STATE_ONLINE)
			result = ERROR_RESOURCE_ONLINE;
	}
	for (size_t i = 0; i < have.n && !result; i++) {
		if (objlist_has(&want, have.v[i].id))
			continue;
		int rc = BE(s)->ops->depend(BE(s), res.id, have.v[i].id, false);
		if (rc != BE_UNSUPPORTED)
			result = ops_be_error(rc, BE_RESOURCE);
	}
	for (size_t i = 0; i < want.n && !result; i++)
		if (!objlist_has(&have, want.v[i].id))
			result = ops_be_error(BE(s)->ops->depend(BE(s), res.id, want.v[i].id, true), BE_RESOURCE);
	free(text);
	free(want.v);
	free(have.v);
	reply_status(out, result);
	return 0;
}

/* ---- owners ---------------------------------------------------------------------------- */

/* AddResourceNode / RemoveResourceNode. */
static uint32_t op_resource_node(struct session *s, const struct ops_call *c, void *in, void *out)
{
	bool add = c->opnum == CMRP_ADD_RESOURCE_NODE;
	struct be_object r, n;
	struct objlist owners = { NULL, 0 };
	DWORD result = two_objects(s, c, in, &r, &n, true);
	if (!result && !have_ops(s))
		result = ERROR_NOT_SUPPORTED;
	if (!result)
		result = ops_be_error(BE(s)->ops->owners(BE(s), BE_RESOURCE, r.id, objlist_add, &owners), BE_RESOURCE);
	bool member = !result && objlist_has_name(&owners, n.name);
	if (!result && add && member)
		result = ERROR_OBJECT_ALREADY_EXISTS;
	if (!result && !add && !member)
		result = ERROR_CLUSTER_NODE_NOT_FOUND;
	if (!result && !add && is_online(&r) && strcasecmp(r.owner, n.name) == 0)
		result = ERROR_INVALID_STATE;
	if (!result) {
		const char **names = calloc(owners.n + 1, sizeof(*names));
		size_t k = 0;
		if (!names)
			result = ERROR_NOT_ENOUGH_MEMORY;
		for (size_t i = 0; names && i < owners.n; i++)
			if (add || strcasecmp(owners.v[i].name, n.name) != 0)
				names[k++] = owners.v[i].name;
		if (names && add)
			names[k++] = n.name;
		if (names)
			result = ops_be_error(BE(s)->ops->set_owners(BE(s), BE_RESOURCE, r.id, names, k), BE_RESOURCE);
		free(names);
	}
	free(owners.v);
	reply_status(out, result);
	return 0;
}

/* SetGroupNodeList: a multi-string of node names (NULL or empty: none). */
static uint32_t op_set_group_nodes(struct session *s, const struct ops_call *c, void *in, void *out)
{
	(void)c;
	const struct cmrp_handle_wstr_in *r = in;
	struct be_object g, n;
	struct handle_entry *e = NULL;
	struct objlist nodes = { NULL, 0 };
	DWORD result = ops_object(s, &r->handle, HANDLE_GROUP, &g, &e);
	if (!result && !(e->rights & ACCESS_CHANGE))
		result = ERROR_ACCESS_DENIED;
	if (!result && !have_ops(s))
		result = ERROR_NOT_SUPPORTED;
	for (uint32_t i = 0; !result && r->present && i < r->units && r->s[i];) {
		size_t len = 0;
		while (i + len < r->units && r->s[i + len])
			len++;
		char *name = utf16_to_utf8_dup(r->s + i, len);
		if (!name)
			result = ERROR_INVALID_PARAMETER;
		else {
			int rc = BE(s)->ops->lookup(BE(s), BE_NODE, name, &n);
			result = ops_be_error(rc, BE_NODE);
			if (!result && objlist_has(&nodes, n.id))
				result = ERROR_INVALID_PARAMETER;
			if (!result && objlist_add(&n, &nodes))
				result = ERROR_NOT_ENOUGH_MEMORY;
		}
		free(name);
		i += (uint32_t)len + 1;
	}
	if (!result) {
		const char **names = calloc(nodes.n + 1, sizeof(*names));
		if (!names)
			result = ERROR_NOT_ENOUGH_MEMORY;
		for (size_t i = 0; names && i < nodes.n; i++)
			names[i] = nodes.v[i].name;
		if (names)
			result = ops_be_error(BE(s)->ops->set_owners(BE(s), BE_GROUP, g.id, names, nodes.n), BE_GROUP);
		free(names);
	}
	free(nodes.v);
	reply_status(out, result);
	return 0;
}

static int count_one(const struct be_object *o, void *arg)
{
	(void)o;
	(*(size_t *)arg)++;
	return 0;
}

/* ChangeResourceGroup: only a resource with no dependencies either way. */
static uint32_t op_change_group(struct session *s, const struct ops_call *c, void *in, void *out)
{
	struct be_object r, g;
	size_t links = 0;
	DWORD result = two_objects(s, c, in, &r, &g, true);
	if (!result && !have_ops(s))
		result = ERROR_NOT_SUPPORTED;
	if (!result && strcasecmp(r.parent, g.name) == 0) {
		reply_status(out, ERROR_SUCCESS); /* already there */
		return 0;
	}
	if (!result && r.core)
		result = ERROR_CORE_RESOURCE;
	if (!result)
		result = ops_be_error(BE(s)->ops->dependencies(BE(s), r.id, count_one, &links), BE_RESOURCE);
	if (!result)
		result = ops_be_error(BE(s)->ops->dependents(BE(s), r.id, count_one, &links), BE_RESOURCE);
	if (!result && links)
		result = ERROR_DEPENDENT_RESOURCE_EXISTS;
	if (!result)
		result = ops_be_error(BE(s)->ops->regroup(BE(s), r.id, g.id), BE_GROUP);
	reply_status(out, result);
	return 0;
}

/* ---- what objects.c asks ------------------------------------------------------------------ */

DWORD ops_owners(struct session *s, enum be_kind kind, const char *id, be_object_fn fn, void *arg)
{
	if (!BE(s)->ops->owners)
		return ERROR_SUCCESS;
	return ops_be_error(BE(s)->ops->owners(BE(s), kind, id, fn, arg), kind);
}

struct owner_check {
	struct session *s;
	const char *node;
	DWORD result;
};

static int owner_check_fn(const struct be_object *r, void *arg)
{
	struct owner_check *oc = arg;
	struct objlist owners = { NULL, 0 };
	int rc = BE(oc->s)->ops->owners(BE(oc->s), BE_RESOURCE, r->id, objlist_add, &owners);
	if (rc)
		oc->result = ops_be_error(rc, BE_RESOURCE);
	else if (!objlist_has_name(&owners, oc->node))
		oc->result = ERROR_HOST_NODE_NOT_RESOURCE_OWNER;
	free(owners.v);
	return oc->result ? 1 : 0;
}

DWORD ops_group_can_run_on(struct session *s, const struct be_object *g, const char *node)
{
	if (!BE(s)->ops->owners)
		return ERROR_SUCCESS;
	struct objlist members = { NULL, 0 };
	int rc = BE(s)->ops->list(BE(s), BE_RESOURCE, g->name, objlist_add, &members);
	struct owner_check oc = { s, node, ops_be_error(rc, BE_GROUP) };
	for (size_t i = 0; i < members.n && !oc.result; i++)
		owner_check_fn(&members.v[i], &oc);
	free(members.v);
	return oc.result;
}

static int up_node(const struct be_object *n, void *arg)
{
	if (n->state == BE_STATE_UP)
		*(bool *)arg = true;
	return 0;
}

/* A resource comes online only where it may run: one of its possible owners
 * must be up (MS-CMRP 3.1.4.2.24: with none active it stays offline).  When
 * no node at all is up (the embedded backend's only node evicted) this is
 * not the rule that decides: the backend's own. */
static DWORD resource_can_online(struct session *s, const struct be_object *r)
{
	bool any = false;
	int rc = BE(s)->ops->owners(BE(s), BE_RESOURCE, r->id, up_node, &any);
	if (rc)
		return ops_be_error(rc, BE_RESOURCE);
	return any ? ERROR_SUCCESS : ERROR_HOST_NODE_NOT_RESOURCE_OWNER;
}

DWORD ops_can_online(struct session *s, const struct be_object *o)
{
	bool nodes_up = false;
	if (!BE(s)->ops->owners || BE(s)->ops->list(BE(s), BE_NODE, NULL, up_node, &nodes_up) || !nodes_up)
		return ERROR_SUCCESS;
	if (o->kind == BE_RESOURCE)
		return resource_can_online(s, o);
	struct objlist members = { NULL, 0 };
	DWORD result = ops_be_error(BE(s)->ops->list(BE(s), BE_RESOURCE, o->name, objlist_add, &members), BE_GROUP);
	for (size_t i = 0; i < members.n && !result; i++)
		result = resource_can_online(s, &members.v[i]);
	free(members.v);
	return result;
}

/* MoveGroup with no target: the first node, preferred owners first in their
 * order, then the others, that is up, is not the group's owner now, and may
 * run every member.  "" when there is none: the backend decides (the
 * embedded backend's only node, or nowhere to go). */
DWORD ops_pick_target(struct session *s, const struct be_object *g, char *out, size_t cap)
{
	out[0] = 0;
	if (!BE(s)->ops->owners)
		return ERROR_SUCCESS;
	struct objlist prefs = { NULL, 0 }, nodes = { NULL, 0 };
	DWORD result = ops_be_error(BE(s)->ops->owners(BE(s), BE_GROUP, g->id, objlist_add, &prefs), BE_GROUP);
	if (!result)
		result = ops_be_error(BE(s)->ops->list(BE(s), BE_NODE, NULL, objlist_add, &nodes), BE_NODE);
	for (size_t i = 0; !result && i < nodes.n; i++)
		if (!objlist_has(&prefs, nodes.v[i].id) && objlist_add(&nodes.v[i], &prefs))
			result = ERROR_NOT_ENOUGH_MEMORY;
	for (size_t i = 0; !result && !out[0] && i < prefs.n; i++) {
		const struct be_object *n = &prefs.v[i];
		/* the state as the node list has it (the owners list may be older) */
		bool up = false;
		for (size_t j = 0; j < nodes.n; j++)
			if (strcmp(nodes.v[j].id, n->id) == 0)
				up = nodes.v[j].state == BE_STATE_UP;
		if (!up || strcasecmp(n->name, g->owner) == 0)
			continue;
		DWORD can = ops_group_can_run_on(s, g, n->name);
		if (can == ERROR_SUCCESS)
			snprintf(out, cap, "%s", n->name);
		else if (can != ERROR_HOST_NODE_NOT_RESOURCE_OWNER)
			result = can;
	}
	free(prefs.v);
	free(nodes.v);
	return result;
}

/* ---- the calls of this file --------------------------------------------------------------- */

const struct ops_entry ops_deps_calls[] = {
	{ CMRP_ADD_RESOURCE_DEPENDENCY, op_depend, 0, false },
	{ CMRP_REMOVE_RESOURCE_DEPENDENCY, op_depend, 0, false },
	{ CMRP_CAN_RESOURCE_BE_DEPENDENT, op_can_depend, 0, false },
	{ CMRP_ADD_RESOURCE_NODE, op_resource_node, 0, false },
	{ CMRP_REMOVE_RESOURCE_NODE, op_resource_node, 0, false },
	{ CMRP_CHANGE_RESOURCE_GROUP, op_change_group, 0, false },
	{ CMRP_SET_GROUP_NODE_LIST, op_set_group_nodes, 0, false },
	{ CMRP_SET_RESOURCE_DEPENDENCY_EXPRESSION, op_set_expression, 0, false },
	{ 0, NULL, 0, false },
};
