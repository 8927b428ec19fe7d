/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The view: the loop thread reads the CIB (cib_scope_local: this node's
 * copy), runs libpe_status's cluster_status() on it and keeps the result as a
 * flat list of objects (nodes, groups, resources, resource types, networks
 * and interfaces).  It is read again after each of our writes (so a caller
 * sees its own change at once) and when watch.c signals a CIB change;
 * comparing the old and the new list gives the change events.  Every backend
 * call starts with ready() (quorum, then a fresh view); the plain reads
 * (lookup, get, list, quorum) and the change events are here too.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>
#include <libxml/tree.h>

#include <crm/cib.h>
#include <crm/common/xml.h>
#include <crm/msg_xml.h>
#include <unistd.h>

#include <crm/pengine/status.h>
#include <crm/services.h>

#include "backend/backend.h"
#include "base/log.h"
#include "pcmk.h"

/* ---- the view ----------------------------------------------------------------- */

void view_free(struct view *v)
{
	free(v->v);
	if (v->cib)
		free_xml(v->cib);
	memset(v, 0, sizeof(*v));
}

struct pobj *view_add(struct view *v, enum be_kind kind, const char *cib_id, const char *name)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 64;
		struct pobj *grown = realloc(v->v, cap * sizeof(*grown));
		if (!grown)
			return NULL;
		v->v = grown;
		v->cap = cap;
	}
	struct pobj *p = &v->v[v->n++];
	memset(p, 0, sizeof(*p));
	p->o.kind = kind;
	snprintf(p->cib_id, sizeof(p->cib_id), "%s", cib_id);
	snprintf(p->o.name, sizeof(p->o.name), "%s", name);
	derive_id(p->o.id, kind, cib_id);
	return p;
}

struct pobj *view_by_name(struct view *v, enum be_kind kind, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->v[i].o.kind == kind && strcasecmp(v->v[i].o.name, name) == 0)
			return &v->v[i];
	return NULL;
}

struct pobj *view_by_id(struct view *v, enum be_kind kind, const char *id)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->v[i].o.kind == kind && strcmp(v->v[i].o.id, id) == 0)
			return &v->v[i];
	return NULL;
}

bool is_placeholder(const char *cib_id)
{
	size_t n = strlen(cib_id), s = strlen(PLACEHOLDER_SUFFIX);
	return n > s && strcmp(cib_id + n - s, PLACEHOLDER_SUFFIX) == 0;
}

bool stopped_by_role(xmlNode *el)
{
	const char *role = nv_value(el, XML_TAG_META_SETS, XML_RSC_ATTR_TARGET_ROLE);
	return role && strcasecmp(role, "Stopped") == 0;
}

static const char *clusapi_name(pe_resource_t *rsc)
{
	const char *n = nv_value(rsc->xml, XML_TAG_META_SETS, NAME_META);
	return n && *n ? n : rsc->id;
}

static void add_primitive(struct view *v, pe_resource_t *rsc, const char *group, bool group_stopped)
{
	struct pobj *p = view_add(v, BE_RESOURCE, rsc->id, clusapi_name(rsc));
	if (!p)
		return;
	const char *cls = crm_element_value(rsc->xml, XML_AGENT_ATTR_CLASS);
	const char *prov = crm_element_value(rsc->xml, XML_AGENT_ATTR_PROVIDER);
	const char *type = crm_element_value(rsc->xml, XML_ATTR_TYPE);
	const char *wintype = nv_value(rsc->xml, XML_TAG_META_SETS, TYPE_META);
	if (wintype) /* a Windows type (restypes.c) */
		snprintf(p->o.type, sizeof(p->o.type), "%s", wintype);
	else if (prov)
		snprintf(p->o.type, sizeof(p->o.type), "%s:%s:%s", cls ?: "", prov, type ?: "");
	else
		snprintf(p->o.type, sizeof(p->o.type), "%s:%s", cls ?: "", type ?: "");
	snprintf(p->o.parent, sizeof(p->o.parent), "%s", group ? group : "");
	bool running = rsc->running_on != NULL;
	/* A member's own target-role wins over the one it inherits. */
	const char *own = nv_value(rsc->xml, XML_TAG_META_SETS, XML_RSC_ATTR_TARGET_ROLE);
	bool wanted = own ? strcasecmp(own, "Stopped") != 0 : !group_stopped;
	if (running) {
		pe_node_t *node = rsc->running_on->data;
		snprintf(p->o.owner, sizeof(p->o.owner), "%s", node->details->uname);
	}
	if (rsc->flags & pe_rsc_failed)
		p->o.state = BE_STATE_FAILED;
	else if (running)
		p->o.state = wanted ? BE_STATE_ONLINE : BE_STATE_OFFLINE_PENDING;
	else
		p->o.state = wanted ? BE_STATE_ONLINE_PENDING : BE_STATE_OFFLINE;
}

/* A group's state follows from its members, as in the embedded backend. */
static void group_state(struct view *v, struct pobj *g)
{
	int online = 0, failed = 0, pending = 0, total = 0;
	enum be_state pend = BE_STATE_ONLINE_PENDING;
	for (size_t i = 0; i < v->n; i++) {
		struct be_object *r = &v->v[i].o;
		if (r->kind != BE_RESOURCE || strcmp(r->parent, g->o.name) != 0)
			continue;
		total++;
		if (r->state == BE_STATE_ONLINE)
			online++;
		else if (r->state == BE_STATE_FAILED)
			failed++;
		else if (r->state == BE_STATE_ONLINE_PENDING || r->state == BE_STATE_OFFLINE_PENDING) {
			pending++;
			pend = r->state;
		}
		if (!g->o.owner[0] && r->owner[0])
			snprintf(g->o.owner, sizeof(g->o.owner), "%s", r->owner);
	}
	g->o.state = failed ? BE_STATE_FAILED
		     : pending ? pend
		     : total && online == total ? BE_STATE_ONLINE
		     : online ? BE_STATE_PARTIAL
			      : BE_STATE_OFFLINE;
}

static int cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(a, b);
}

/* Every OCF agent installed on this node, once: the list is a directory
 * scan per provider, and agents come with packages, not with CIB changes
 * (a restart of clusterd picks up new ones). */
void load_agents(struct pcmk *p)
{
	GList *providers = resources_list_providers(PCMK_RESOURCE_CLASS_OCF);
	for (GList *pr = providers; pr; pr = pr->next) {
		GList *agents = resources_list_agents(PCMK_RESOURCE_CLASS_OCF, pr->data);
		agents = g_list_sort(agents, cmp_str);
		for (GList *a = agents; a; a = a->next) {
			char **grown = realloc(p->agents, (p->nagents + 1) * sizeof(*grown));
			if (!grown)
				break;
			p->agents = grown;
			if (asprintf(&p->agents[p->nagents], "ocf:%s:%s", (char *)pr->data, (char *)a->data) < 0)
				break;
			p->nagents++;
		}
		g_list_free_full(agents, free);
	}
	g_list_free_full(providers, free);
}

static void add_restypes(struct view *v, const struct pcmk *p)
{
	for (size_t i = 0; i < p->nagents; i++)
		if (!view_by_name(v, BE_RESTYPE, p->agents[i])) {
			struct pobj *o = view_add(v, BE_RESTYPE, p->agents[i], p->agents[i]);
			if (!o)
				return;
			o->o.state = BE_STATE_UP;
			snprintf(o->o.type, sizeof(o->o.type), "%s", p->agents[i]);
		}
}

static void add_networks(struct view *v, const struct corosync_view *cs)
{
	const struct corosync_node *local = NULL;
	for (size_t i = 0; i < cs->nnodes; i++)
		if (strcmp(cs->nodes[i].name, cs->local_name) == 0)
			local = &cs->nodes[i];
	for (size_t l = 0; l < cs->nlinks; l++) {
		char name[64], key[64];
		snprintf(name, sizeof(name), "Cluster Network %zu", l + 1);
		snprintf(key, sizeof(key), "link%zu", l);
		struct pobj *net = view_add(v, BE_NETWORK, key, name);
		if (!net)
			return;
		/* Up while this node reaches another node on it (or is alone). */
		net->o.state = cs->nnodes > 1 ? BE_STATE_DOWN : BE_STATE_UP;
		for (size_t i = 0; i < cs->nnodes; i++)
			if (&cs->nodes[i] != local && cs->nodes[i].link_up[l])
				net->o.state = BE_STATE_UP;
		if (local && local->addr[l][0])
			corosync_subnet_of(local->addr[l], net->o.address, sizeof(net->o.address));
		for (size_t i = 0; i < cs->nnodes; i++) {
			const struct corosync_node *n = &cs->nodes[i];
			if (!n->addr[l][0])
				continue;
			char ifname[BE_NAME_MAX], ifkey[BE_NAME_MAX];
			/* Named as Windows names a node's adapters. */
			if (l == 0)
				snprintf(ifname, sizeof(ifname), "%.200s - Ethernet", n->name);
			else
				snprintf(ifname, sizeof(ifname), "%.200s - Ethernet %zu", n->name, l + 1);
			snprintf(ifkey, sizeof(ifkey), "%.200s-link%zu", n->name, l);
			struct pobj *nif = view_add(v, BE_NETIF, ifkey, ifname);
			if (!nif)
				return;
			snprintf(nif->o.owner, sizeof(nif->o.owner), "%s", n->name);
			snprintf(nif->o.parent, sizeof(nif->o.parent), "%s", name);
			snprintf(nif->o.address, sizeof(nif->o.address), "%s", n->addr[l]);
			/* Failed: the node is a member, but not over this link
			 * (another one carries it); down: not a member at all. */
			nif->o.state = n->link_up[l] ? BE_STATE_UP : n->joined ? BE_STATE_FAILED : BE_STATE_DOWN;
		}
	}
}

static int build_view(struct pcmk *p, xmlNode *cib, struct view *out)
{
	pe_working_set_t *ds = pe_new_working_set();
	if (!ds)
		return BE_NO_MEMORY;
	/* The working set frees its input. */
	ds->input = copy_xml(cib);
	if (!ds->input || !cluster_status(ds)) {
		pe_free_working_set(ds);
		return BE_IO;
	}
	memset(out, 0, sizeof(*out));
	out->stonith_enabled = (ds->flags & pe_flag_stonith_enabled) != 0;
	for (GList *l = ds->nodes; l; l = l->next) {
		pe_node_t *n = l->data;
		if (n->details->type != node_member)
			continue;
		struct pobj *o = view_add(out, BE_NODE, n->details->id, n->details->uname);
		if (!o)
			break;
		o->o.number = (uint32_t)strtoul(n->details->id, NULL, 10);
		o->o.core = true;
		o->o.state = !n->details->online ? BE_STATE_DOWN : n->details->standby ? BE_STATE_PAUSED : BE_STATE_UP;
	}
	for (GList *l = ds->resources; l; l = l->next) {
		pe_resource_t *rsc = l->data;
		/* An orphan is a resource the configuration no longer has, known
		 * only from the operation history the status section keeps for a
		 * while after a delete: not an object. */
		if (rsc->flags & pe_rsc_orphan)
			continue;
		if (rsc->variant == pe_group) {
			struct pobj *g = view_add(out, BE_GROUP, rsc->id, clusapi_name(rsc));
			if (!g)
				break;
			char gname[BE_NAME_MAX];
			snprintf(gname, sizeof(gname), "%s", g->o.name);
			bool stopped = stopped_by_role(rsc->xml);
			for (GList *c = rsc->children; c; c = c->next) {
				pe_resource_t *m = c->data;
				if (m->variant == pe_native && !is_placeholder(m->id) && !(m->flags & pe_rsc_orphan))
					add_primitive(out, m, gname, stopped);
			}
		} else if (rsc->variant == pe_native) {
			add_primitive(out, rsc, NULL, false);
		}
	}
	for (size_t i = 0; i < out->n; i++)
		if (out->v[i].o.kind == BE_GROUP)
			group_state(out, &out->v[i]);
	/* The Windows types, types in use (some may not be OCF), then every
	 * installed agent. */
	restypes_add(out, p);
	restypes_add_custom(out, cib);
	for (size_t i = 0, n = out->n; i < n; i++)
		if (out->v[i].o.kind == BE_RESOURCE && !view_by_name(out, BE_RESTYPE, out->v[i].o.type)) {
			char type[BE_NAME_MAX];
			snprintf(type, sizeof(type), "%s", out->v[i].o.type);
			struct pobj *t = view_add(out, BE_RESTYPE, type, type);
			if (t) {
				t->o.state = BE_STATE_UP;
				snprintf(t->o.type, sizeof(t->o.type), "%s", type);
			}
		}
	add_restypes(out, p);
	add_networks(out, &p->cs);
	pe_free_working_set(ds);
	return BE_OK;
}

static void emit(struct pcmk *p, enum be_event_what what, const struct be_object *o)
{
	if (!p->watch_fn)
		return;
	struct be_event ev = { .what = what, .kind = o->kind, .state = o->state };
	snprintf(ev.id, sizeof(ev.id), "%s", o->id);
	snprintf(ev.name, sizeof(ev.name), "%s", o->name);
	p->watch_fn(&ev, p->watch_arg);
}

/* What changed between two views, as events. */
static void emit_changes(struct pcmk *p, struct view *old, struct view *new)
{
	for (size_t i = 0; i < new->n; i++) {
		struct be_object *o = &new->v[i].o;
		struct pobj *was = view_by_id(old, o->kind, o->id);
		if (!was)
			emit(p, BE_EV_ADDED, o);
		else if (strcmp(was->o.name, o->name) != 0)
			emit(p, BE_EV_RENAMED, o);
		if (was && (was->o.state != o->state || strcmp(was->o.owner, o->owner) != 0))
			emit(p, BE_EV_STATE, o);
	}
	for (size_t i = 0; i < old->n; i++)
		if (!view_by_id(new, old->v[i].o.kind, old->v[i].o.id))
			emit(p, BE_EV_DELETED, &old->v[i].o);
}

int refresh(struct pcmk *p)
{
	xmlNode *xml = NULL;
	int rc = p->cib->cmds->query(p->cib, NULL, &xml, cib_scope_local | cib_sync_call);
	if (rc == -ENOTCONN || rc == -ECONNREFUSED || rc == -EPIPE || rc == -ECOMM) {
		if (cib_connect(p) == pcmk_ok)
			rc = p->cib->cmds->query(p->cib, NULL, &xml, cib_scope_local | cib_sync_call);
	}
	if (rc != pcmk_ok || !xml) {
		log_warn("pacemaker: cannot read the CIB: %s", pcmk_strerror(rc));
		if (xml)
			free_xml(xml);
		return BE_IO;
	}
	/* corosync as the watch thread read it last (a read here could block
	 * on a corosync that is dying; until that thread has read it, what
	 * open read); before that thread runs, at open, our own read. */
	if (p->watch)
		pcmk_watch_corosync(p->watch, &p->cs);
	else
		corosync_read(&p->cs);
	struct view v;
	int st = build_view(p, xml, &v);
	if (st) {
		free_xml(xml);
		return st;
	}
	v.cib = xml;
	struct view old = p->view;
	p->view = v;
	p->dirty = false;
	if (old.cib) {
		emit_changes(p, &old, &p->view);
		state_emit_changes(p, old.cib, p->view.cib);
	}
	view_free(&old);
	return BE_OK;
}

/* Every call starts here: no quorum, no answer. */
int ready(struct pcmk *p)
{
	if (!corosync_quorate(p->quorum))
		return BE_NO_QUORUM;
	if (p->dirty || !p->view.cib)
		return refresh(p);
	return BE_OK;
}

/* Before a write: the command connection must be alive, or the write would
 * fail once after a restart of the CIB manager (pacemaker-based) before the
 * next read noticed.  A no-op round trip tells, and a reconnect is safe here
 * since nothing has been sent; retrying the write itself could apply it
 * twice. */
int ready_write(struct pcmk *p)
{
	int rc = ready(p);
	if (!rc && corosync_rejoining(p->quorum))
		rc = BE_NO_QUORUM; /* not yet: its CIB is about to be replaced */
	if (rc)
		return rc;
	if (p->cib->cmds->noop(p->cib, cib_sync_call) != pcmk_ok) {
		if (cib_connect(p) != pcmk_ok)
			return BE_IO;
		return refresh(p);
	}
	return BE_OK;
}

/* ---- reads -------------------------------------------------------------------- */

/* One object of the view, by name or by id. */
static int pm_find(struct backend *b, enum be_kind kind, const char *key, bool by_id, struct be_object *out)
{
	struct pcmk *p = P(b);
	int rc = ready(p);
	if (rc)
		return rc;
	struct pobj *o = !key ? NULL : by_id ? view_by_id(&p->view, kind, key) : view_by_name(&p->view, kind, key);
	if (!o)
		return BE_NOT_FOUND;
	*out = o->o;
	return BE_OK;
}

int pm_lookup(struct backend *b, enum be_kind kind, const char *name, struct be_object *out)
{
	return pm_find(b, kind, name, false, out);
}

int pm_get(struct backend *b, enum be_kind kind, const char *id, struct be_object *out)
{
	return pm_find(b, kind, id, true, out);
}

int pm_list(struct backend *b, enum be_kind kind, const char *parent, be_object_fn fn, void *arg)
{
	struct pcmk *p = P(b);
	int rc = ready(p);
	if (rc)
		return rc;
	/* A copy: fn may call back into the backend, which may refresh. */
	struct be_object *copy = malloc((p->view.n + 1) * sizeof(*copy));
	size_t n = 0;
	if (!copy)
		return BE_NO_MEMORY;
	for (size_t i = 0; i < p->view.n; i++) {
		struct be_object *o = &p->view.v[i].o;
		if (o->kind != kind)
			continue;
		if (parent && strcasecmp(kind == BE_GROUP ? o->owner : o->parent, parent) != 0)
			continue;
		copy[n++] = *o;
	}
	int stop = 0;
	for (size_t i = 0; i < n && !stop; i++)
		stop = fn(&copy[i], arg);
	free(copy);
	return stop;
}

int pm_quorum(struct backend *b, struct be_object *resource, char *path, size_t path_len)
{
	int rc = ready(P(b));
	if (rc)
		return rc;
	/* Node majority (votequorum): no quorum resource, which is an empty
	 * name, as a Windows node-majority cluster answers. */
	memset(resource, 0, sizeof(*resource));
	resource->kind = BE_RESOURCE;
	if (path_len)
		path[0] = 0;
	return BE_OK;
}

/* ---- changes -------------------------------------------------------------------- */

int pm_watch(struct backend *b, be_event_fn fn, void *arg)
{
	P(b)->watch_fn = fn;
	P(b)->watch_arg = arg;
	return BE_OK;
}

int pm_event_fd(struct backend *b)
{
	return P(b)->efd;
}

/* The watch thread saw the CIB change: read it again (once, however many
 * notifications came) and tell the loop what changed. */
void pm_process_events(struct backend *b)
{
	struct pcmk *p = P(b);
	uint64_t n;
	(void)!read(p->efd, &n, sizeof(n));
	p->dirty = true;
	/* Quorum lost or regained since the last time (the first look only
	 * records it): CLUSTER_CHANGE_QUORUM_STATE for the notification ports. */
	int quorate = corosync_quorate(p->quorum);
	if (p->quorate_told >= 0 && quorate != p->quorate_told && p->watch_fn) {
		struct be_event ev = { .what = BE_EV_QUORUM, .quorate = quorate };
		p->watch_fn(&ev, p->watch_arg);
	}
	p->quorate_told = quorate;
	if (corosync_quorate(p->quorum) && refresh(p) == BE_OK) {
		evict_step(p);
		cleanup_orphans(p);
	}
}
