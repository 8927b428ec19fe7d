/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Pacemaker backend: the cluster's objects are those of a running
 * Pacemaker + corosync cluster, whose CIB is the replicated database.  clusterd
 * runs on every node and each answers for the whole cluster.
 *
 * Mapping (see also doc/pacemaker.md):
 *   node      Pacemaker node; up = online, paused = standby (which drains it:
 *             Pacemaker has no pause that keeps resources), down otherwise
 *   group     a top-level Pacemaker group; state from its members
 *   resource  a primitive (in a group, or at the top level with no parent);
 *             type "class:provider:type"; online/offline = meta target-role
 *   restype   every OCF agent installed here, and every type in use
 *   network   a corosync link (ringN_addr), netif = (node, link); up as knet
 *             says this node reaches that node on that link
 *   quorum    votequorum, asked on every call: without quorum every call is
 *             BE_NO_QUORUM rather than an answer from a view that may be stale
 *
 * Names: a CIB id is an XML id (no spaces), a clusapi name is any text.  A
 * name that is a valid id is the id; otherwise the id is the name with other
 * characters replaced, and the name is kept in the meta attribute
 * "clusapi-name" (which is also how rename works: the CIB id never changes).
 * Object ids are UUIDs derived from (kind, CIB id), so every node's clusterd
 * gives the same object the same id.
 *
 * Pacemaker's schema wants at least one primitive in a group; an empty
 * clusapi group holds a stopped placeholder primitive ("ID-clusapi-empty",
 * ocf:pacemaker:Dummy) that nothing here shows, and that is swapped out
 * atomically (one CIB replace of the group) when the first resource comes.
 *
 * The view: the loop thread reads the CIB (cib_scope_local: this node's
 * copy), runs libpe_status's cluster_status() on it and keeps the result as a
 * flat list of objects.  It is read again after each of our writes (so a
 * caller sees its own change at once) and when watch.c signals a CIB change;
 * comparing the old and the new list gives the change events.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <glib.h>
#include <libxml/tree.h>

#include <crm/cib.h>
#include <crm/cib/util.h>
#include <crm/common/ipc.h>
#include <crm/common/ipc_controld.h>
#include <crm/common/xml.h>
#include <crm/msg_xml.h>
#include <crm/pengine/status.h>
#include <crm/services.h>

#include "backend/backend.h"
#include "base/log.h"
#include "pcmk.h"

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
	struct corosync_view cs;
	be_event_fn watch_fn;
	void *watch_arg;
	int efd;
	struct pcmk_watch *watch;
	char **agents; /* "ocf:provider:agent", read once at open */
	size_t nagents;
};

static struct pcmk *P(struct backend *b)
{
	return (struct pcmk *)b;
}

/* ---- small helpers ------------------------------------------------------------ */

static bool xml_is(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNode *child_named(xmlNode *parent, const char *name)
{
	for (xmlNode *c = parent ? parent->children : NULL; c; c = c->next)
		if (xml_is(c, name))
			return c;
	return NULL;
}

/* The element with this id anywhere under root (ids are unique in a CIB). */
static xmlNode *find_id(xmlNode *root, const char *id)
{
	for (xmlNode *c = root ? root->children : NULL; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		const char *cid = crm_element_value(c, XML_ATTR_ID);
		if (cid && strcmp(cid, id) == 0)
			return c;
		xmlNode *found = find_id(c, id);
		if (found)
			return found;
	}
	return NULL;
}

/* The nvpair NAME of the first SET (meta_attributes, instance_attributes) of el. */
static xmlNode *find_nvpair(xmlNode *el, const char *set, const char *name)
{
	xmlNode *s = child_named(el, set);
	for (xmlNode *c = s ? s->children : NULL; c; c = c->next)
		if (xml_is(c, XML_CIB_TAG_NVPAIR) && strcmp(crm_element_value(c, XML_NVPAIR_ATTR_NAME) ?: "", name) == 0)
			return c;
	return NULL;
}

static const char *nv_value(xmlNode *el, const char *set, const char *name)
{
	return crm_element_value(find_nvpair(el, set, name), XML_NVPAIR_ATTR_VALUE);
}

/* A stable UUID from (kind, CIB id): FNV-1a twice, with the version nibble of
 * a name-based UUID (8: "custom") and the RFC 4122 variant. */
static void derive_id(char *out, enum be_kind kind, const char *cib_id)
{
	uint64_t h[2] = { 0xcbf29ce484222325ull, 0x84222325cbf29ce4ull };
	for (int k = 0; k < 2; k++) {
		h[k] ^= (uint64_t)kind + 1;
		h[k] *= 0x100000001b3ull;
		for (const unsigned char *s = (const unsigned char *)cib_id; *s; s++) {
			h[k] ^= *s;
			h[k] *= k ? 0x100000001b3ull : 0x100000001b3ull ^ 0x5bd1e995ull;
		}
	}
	for (int k = 0; k < 2; k++) { /* splitmix64's finalizer: every bit counts */
		h[k] ^= h[k] >> 30;
		h[k] *= 0xbf58476d1ce4e5b9ull;
		h[k] ^= h[k] >> 27;
		h[k] *= 0x94d049bb133111ebull;
		h[k] ^= h[k] >> 31;
	}
	uint8_t b[16];
	for (int i = 0; i < 8; i++) {
		b[i] = (uint8_t)(h[0] >> (8 * i));
		b[8 + i] = (uint8_t)(h[1] >> (8 * i));
	}
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x80);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	snprintf(out, BE_ID_MAX, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0], b[1],
		 b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

static bool name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	if (n == 0 || n >= BE_NAME_MAX - 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)name[i] < 0x20 || name[i] == '\\')
			return false;
	return true;
}

/* Is this text usable as a CIB id as it is? */
static bool id_ok(const char *s)
{
	if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
		return false;
	for (; *s; s++)
		if (!(*s == '_' || *s == '-' || *s == '.' || (*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		      (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* A new CIB id for name: the name itself when it is a valid and free id,
 * else the name with its other characters made '_', made unique. */
static void new_cib_id(xmlNode *cib, const char *name, char *out, size_t cap)
{
	char base[BE_NAME_MAX];
	size_t j = 0;
	if (!((*name >= 'A' && *name <= 'Z') || (*name >= 'a' && *name <= 'z') || *name == '_'))
		base[j++] = '_';
	for (const char *s = name; *s && j + 1 < sizeof(base) - 16; s++) {
		char c = *s;
		bool ok = c == '_' || c == '-' || c == '.' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			  (c >= '0' && c <= '9');
		base[j++] = ok ? c : '_';
	}
	base[j] = 0;
	snprintf(out, cap, "%s", base);
	for (int i = 2; find_id(cib, out) && i < 1000; i++)
		snprintf(out, cap, "%s-%d", base, i);
}

/* Pacemaker's legacy return codes (negative errno or pcmk_err_*) -> BE_*. */
static int be_from_pcmk(int rc)
{
	if (rc == pcmk_ok)
		return BE_OK;
	if (rc == -ENXIO)
		return BE_NOT_FOUND;
	if (rc == -EEXIST || rc == -ENOTUNIQ)
		return BE_EXISTS;
	if (rc == -pcmk_err_schema_validation || rc == -EINVAL)
		return BE_INVALID;
	if (rc == -ENOMEM)
		return BE_NO_MEMORY;
	if (rc == -EACCES || rc == -EPERM)
		return BE_UNSUPPORTED;
	return BE_IO;
}

/* ---- the view ----------------------------------------------------------------- */

static void view_free(struct view *v)
{
	free(v->v);
	if (v->cib)
		free_xml(v->cib);
	memset(v, 0, sizeof(*v));
}

static struct pobj *view_add(struct view *v, enum be_kind kind, const char *cib_id, const char *name)
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

static struct pobj *view_by_name(struct view *v, enum be_kind kind, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->v[i].o.kind == kind && strcasecmp(v->v[i].o.name, name) == 0)
			return &v->v[i];
	return NULL;
}

static struct pobj *view_by_id(struct view *v, enum be_kind kind, const char *id)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->v[i].o.kind == kind && strcmp(v->v[i].o.id, id) == 0)
			return &v->v[i];
	return NULL;
}

static bool is_placeholder(const char *cib_id)
{
	size_t n = strlen(cib_id), s = strlen(PLACEHOLDER_SUFFIX);
	return n > s && strcmp(cib_id + n - s, PLACEHOLDER_SUFFIX) == 0;
}

static bool stopped_by_role(xmlNode *el)
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
	if (prov)
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
static void load_agents(struct pcmk *p)
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
		if (!view_by_name(v, BE_RESTYPE, p->agents[i]))
			view_add(v, BE_RESTYPE, p->agents[i], p->agents[i]);
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
	/* Types in use first (some may not be OCF), then every installed agent. */
	for (size_t i = 0, n = out->n; i < n; i++)
		if (out->v[i].o.kind == BE_RESOURCE && !view_by_name(out, BE_RESTYPE, out->v[i].o.type)) {
			char type[BE_NAME_MAX];
			snprintf(type, sizeof(type), "%s", out->v[i].o.type);
			view_add(out, BE_RESTYPE, type, type);
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

static int cib_connect(struct pcmk *p)
{
	int fd = -1;
	p->cib->cmds->signoff(p->cib);
	/* signon_raw: no main-loop source, so the watch thread's glib loop
	 * never touches this connection. */
	return p->cib->cmds->signon_raw(p->cib, "clusterd", cib_command, &fd);
}

static int refresh(struct pcmk *p)
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
	if (old.cib)
		emit_changes(p, &old, &p->view);
	view_free(&old);
	return BE_OK;
}

/* Every call starts here: no quorum, no answer. */
static int ready(struct pcmk *p)
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
static int ready_write(struct pcmk *p)
{
	int rc = ready(p);
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

static int pm_lookup(struct backend *b, enum be_kind kind, const char *name, struct be_object *out)
{
	return pm_find(b, kind, name, false, out);
}

static int pm_get(struct backend *b, enum be_kind kind, const char *id, struct be_object *out)
{
	return pm_find(b, kind, id, true, out);
}

static int pm_list(struct backend *b, enum be_kind kind, const char *parent, be_object_fn fn, void *arg)
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

/* A Pacemaker group is a chain: each member starts after, and runs with, the
 * one before it.  That is what a clusapi dependency means, so a member
 * depends on its predecessor (dependencies) and its successor depends on it
 * (dependents).  Constraints outside groups are not mapped (yet). */
static int chain_neighbour(struct backend *b, const char *resource_id, bool next, be_object_fn fn, void *arg)
{
	struct pcmk *p = P(b);
	int rc = ready(p);
	if (rc)
		return rc;
	struct pobj *r = view_by_id(&p->view, BE_RESOURCE, resource_id);
	if (!r)
		return BE_NOT_FOUND;
	if (!r->o.parent[0])
		return BE_OK;
	/* Members appear in the view in group order. */
	struct pobj *prev = NULL, *found = NULL;
	for (size_t i = 0; i < p->view.n && !found; i++) {
		struct pobj *o = &p->view.v[i];
		if (o->o.kind != BE_RESOURCE || strcmp(o->o.parent, r->o.parent) != 0)
			continue;
		if (next && prev == r)
			found = o;
		else if (!next && o == r)
			found = prev ? prev : r;
		prev = o;
	}
	if (!found || found == r)
		return BE_OK;
	struct be_object copy = found->o; /* fn may call back in */
	return fn(&copy, arg);
}

static int count_fn(const struct be_object *o, void *arg)
{
	(void)o;
	(*(int *)arg)++;
	return 0;
}

static int pm_dependencies(struct backend *b, const char *resource_id, be_object_fn fn, void *arg)
{
	return chain_neighbour(b, resource_id, false, fn, arg);
}

static int pm_dependents(struct backend *b, const char *resource_id, be_object_fn fn, void *arg)
{
	return chain_neighbour(b, resource_id, true, fn, arg);
}

static int pm_quorum(struct backend *b, struct be_object *resource, char *path, size_t path_len)
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

/* ---- writes ------------------------------------------------------------------- */

/* After a write: read the CIB again so that the caller sees its change and
 * the change events go out now. */
static int after_write(struct pcmk *p, int rc)
{
	p->dirty = true;
	int r = refresh(p);
	return rc ? rc : r;
}

/* Add to frag (a copy-shaped element: same tag and id as cur) an nvpair
 * NAME=VALUE in SET, reusing the ids cur already has for them, so that the
 * CIB modify updates in place instead of adding a second nvpair. */
static void frag_nvpair(xmlNode *frag, xmlNode *cur, const char *set, const char *name, const char *value)
{
	const char *el_id = crm_element_value(frag, XML_ATTR_ID);
	xmlNode *cur_set = child_named(cur, set);
	xmlNode *cur_nv = find_nvpair(cur, set, name);
	char set_id[BE_NAME_MAX + 32], nv_id[2 * BE_NAME_MAX];
	snprintf(set_id, sizeof(set_id), "%s", crm_element_value(cur_set, XML_ATTR_ID) ?: "");
	if (!set_id[0])
		snprintf(set_id, sizeof(set_id), "%s-%s", el_id, set);
	xmlNode *s = child_named(frag, set);
	if (!s) {
		s = create_xml_node(frag, set);
		crm_xml_add(s, XML_ATTR_ID, set_id);
	}
	snprintf(nv_id, sizeof(nv_id), "%s", crm_element_value(cur_nv, XML_ATTR_ID) ?: "");
	if (!nv_id[0])
		snprintf(nv_id, sizeof(nv_id), "%s-%s", set_id, name);
	xmlNode *nv = create_xml_node(s, XML_CIB_TAG_NVPAIR);
	crm_xml_add(nv, XML_ATTR_ID, nv_id);
	crm_xml_add(nv, XML_NVPAIR_ATTR_NAME, name);
	crm_xml_add(nv, XML_NVPAIR_ATTR_VALUE, value);
}

static xmlNode *frag_of(xmlNode *parent, xmlNode *cur)
{
	xmlNode *f = create_xml_node(parent, (const char *)cur->name);
	crm_xml_add(f, XML_ATTR_ID, crm_element_value(cur, XML_ATTR_ID));
	return f;
}

static int cib_modify(struct pcmk *p, const char *section, xmlNode *frag, int extra)
{
	int rc = p->cib->cmds->modify(p->cib, section, frag, cib_sync_call | extra);
	if (rc != pcmk_ok)
		log_warn("pacemaker: CIB modify of %s failed: %s", section, pcmk_strerror(rc));
	free_xml(frag);
	return be_from_pcmk(rc);
}

/* Set one meta attribute of the element with this CIB id. */
static int set_meta(struct pcmk *p, const char *cib_id, const char *name, const char *value)
{
	xmlNode *cur = find_id(p->view.cib, cib_id);
	if (!cur)
		return BE_NOT_FOUND;
	xmlNode *f = frag_of(NULL, cur);
	frag_nvpair(f, cur, XML_TAG_META_SETS, name, value);
	return cib_modify(p, XML_CIB_TAG_RESOURCES, f, 0);
}

static xmlNode *new_primitive(xmlNode *parent, const char *id, const char *name, const char *type, bool placeholder)
{
	char cls[64] = "", prov[64] = "", agent[BE_NAME_MAX] = "";
	const char *c1 = strchr(type, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1)
		return NULL;
	snprintf(cls, sizeof(cls), "%.*s", (int)(c1 - type), type);
	if (c2) {
		snprintf(prov, sizeof(prov), "%.*s", (int)(c2 - c1 - 1), c1 + 1);
		snprintf(agent, sizeof(agent), "%s", c2 + 1);
	} else {
		snprintf(agent, sizeof(agent), "%s", c1 + 1);
	}
	if (!cls[0] || !agent[0] || (c2 && !prov[0]))
		return NULL;
	xmlNode *r = create_xml_node(parent, XML_CIB_TAG_RESOURCE);
	crm_xml_add(r, XML_ATTR_ID, id);
	crm_xml_add(r, XML_AGENT_ATTR_CLASS, cls);
	if (prov[0])
		crm_xml_add(r, XML_AGENT_ATTR_PROVIDER, prov);
	crm_xml_add(r, XML_ATTR_TYPE, agent);
	/* New objects are offline (backend.h). */
	frag_nvpair(r, NULL, XML_TAG_META_SETS, XML_RSC_ATTR_TARGET_ROLE, "Stopped");
	if (name && strcmp(name, id) != 0)
		frag_nvpair(r, NULL, XML_TAG_META_SETS, NAME_META, name);
	if (!placeholder) {
		xmlNode *ops = create_xml_node(r, "operations");
		xmlNode *op = create_xml_node(ops, "op");
		char op_id[BE_NAME_MAX + 32];
		snprintf(op_id, sizeof(op_id), "%s-monitor-interval-10s", id);
		crm_xml_add(op, XML_ATTR_ID, op_id);
		crm_xml_add(op, "name", "monitor");
		crm_xml_add(op, "interval", "10s");
	}
	return r;
}

static bool known_type(struct pcmk *p, const char *type)
{
	if (view_by_name(&p->view, BE_RESTYPE, type))
		return true;
	/* Not OCF (lsb:, systemd:, service:...): Pacemaker checks those. */
	return strncmp(type, "ocf:", 4) != 0 && strchr(type, ':') != NULL;
}

static int create_group(struct pcmk *p, const char *name, struct be_object *out)
{
	char id[BE_NAME_MAX], ph[BE_NAME_MAX + 32];
	new_cib_id(p->view.cib, name, id, sizeof(id));
	snprintf(ph, sizeof(ph), "%s" PLACEHOLDER_SUFFIX, id);
	xmlNode *g = create_xml_node(NULL, XML_CIB_TAG_GROUP);
	crm_xml_add(g, XML_ATTR_ID, id);
	frag_nvpair(g, NULL, XML_TAG_META_SETS, XML_RSC_ATTR_TARGET_ROLE, "Stopped");
	if (strcmp(name, id) != 0)
		frag_nvpair(g, NULL, XML_TAG_META_SETS, NAME_META, name);
	new_primitive(g, ph, NULL, PLACEHOLDER_TYPE, true);
	int rc = be_from_pcmk(p->cib->cmds->create(p->cib, XML_CIB_TAG_RESOURCES, g, cib_sync_call));
	free_xml(g);
	rc = after_write(p, rc);
	if (!rc) {
		struct pobj *o = view_by_name(&p->view, BE_GROUP, name);
		if (!o)
			return BE_IO;
		if (out)
			*out = o->o;
	}
	return rc;
}

static int create_resource(struct pcmk *p, const char *name, const char *parent, const char *type,
			   struct be_object *out)
{
	struct pobj *g = parent ? view_by_name(&p->view, BE_GROUP, parent) : NULL;
	if (!g)
		return BE_NOT_FOUND;
	if (!type || !known_type(p, type))
		return BE_INVALID;
	xmlNode *cur = find_id(p->view.cib, g->cib_id);
	if (!cur)
		return BE_NOT_FOUND;
	char id[BE_NAME_MAX];
	new_cib_id(p->view.cib, name, id, sizeof(id));
	int rc;
	/* An empty group: its placeholder goes and the resource comes in one
	 * replace of the whole group, so the group is never empty or doubled. */
	xmlNode *ph = NULL;
	for (xmlNode *c = cur->children; c; c = c->next)
		if (xml_is(c, XML_CIB_TAG_RESOURCE) && is_placeholder(crm_element_value(c, XML_ATTR_ID) ?: ""))
			ph = c;
	if (ph) {
		xmlNode *copy = copy_xml(cur);
		for (xmlNode *c = copy->children; c; c = c->next)
			if (xml_is(c, XML_CIB_TAG_RESOURCE) && is_placeholder(crm_element_value(c, XML_ATTR_ID) ?: "")) {
				free_xml(c);
				break;
			}
		if (!new_primitive(copy, id, name, type, false)) {
			free_xml(copy);
			return BE_INVALID;
		}
		rc = be_from_pcmk(p->cib->cmds->replace(p->cib, XML_CIB_TAG_RESOURCES, copy, cib_sync_call));
		free_xml(copy);
	} else {
		xmlNode *f = frag_of(NULL, cur);
		if (!new_primitive(f, id, name, type, false)) {
			free_xml(f);
			return BE_INVALID;
		}
		rc = cib_modify(p, XML_CIB_TAG_RESOURCES, f, 0);
	}
	rc = after_write(p, rc);
	if (!rc) {
		struct pobj *o = view_by_name(&p->view, BE_RESOURCE, name);
		if (!o)
			return BE_IO;
		if (out)
			*out = o->o;
	}
	return rc;
}

static int pm_create(struct backend *b, enum be_kind kind, const char *name, const char *parent, const char *type,
		     struct be_object *out)
{
	struct pcmk *p = P(b);
	int rc = ready_write(p);
	if (rc)
		return rc;
	if (!name_ok(name) || (kind != BE_GROUP && kind != BE_RESOURCE))
		return BE_INVALID;
	if (view_by_name(&p->view, kind, name))
		return BE_EXISTS;
	return kind == BE_GROUP ? create_group(p, name, out) : create_resource(p, name, parent, type, out);
}

/* Remove an element by id from a section (its children go with it). */
static int cib_remove_id(struct pcmk *p, const char *section, const char *tag, const char *id)
{
	xmlNode *x = create_xml_node(NULL, tag);
	crm_xml_add(x, XML_ATTR_ID, id);
	int rc = p->cib->cmds->remove(p->cib, section, x, cib_sync_call);
	free_xml(x);
	return be_from_pcmk(rc);
}

/* Drop the cli-prefer / cli-ban constraints of a resource (as crm_resource
 * --clear does for the ones --move and --ban made). */
static void clear_moves(struct pcmk *p, const char *rsc_id)
{
	xmlNode *cons = pcmk_find_cib_element(p->view.cib, XML_CIB_TAG_CONSTRAINTS);
	char prefer[BE_NAME_MAX + 16], ban[BE_NAME_MAX + 16];
	snprintf(prefer, sizeof(prefer), "cli-prefer-%s", rsc_id);
	snprintf(ban, sizeof(ban), "cli-ban-%s-on-", rsc_id);
	for (xmlNode *c = cons ? cons->children : NULL; c; c = c->next) {
		const char *id = crm_element_value(c, XML_ATTR_ID);
		if (!xml_is(c, XML_CONS_TAG_RSC_LOCATION) || !id)
			continue;
		if (strcmp(id, prefer) == 0 || strncmp(id, ban, strlen(ban)) == 0)
			cib_remove_id(p, XML_CIB_TAG_CONSTRAINTS, XML_CONS_TAG_RSC_LOCATION, id);
	}
}

static int pm_remove(struct backend *b, enum be_kind kind, const char *id)
{
	struct pcmk *p = P(b);
	int rc = ready_write(p);
	if (rc)
		return rc;
	if (kind != BE_GROUP && kind != BE_RESOURCE)
		return view_by_id(&p->view, kind, id) ? BE_UNSUPPORTED : BE_NOT_FOUND;
	struct pobj *o = view_by_id(&p->view, kind, id);
	if (!o)
		return BE_NOT_FOUND;
	struct pobj obj = *o;
	if (kind == BE_GROUP) {
		for (size_t i = 0; i < p->view.n; i++)
			if (p->view.v[i].o.kind == BE_RESOURCE && strcmp(p->view.v[i].o.parent, obj.o.name) == 0)
				return BE_NOT_EMPTY;
		clear_moves(p, obj.cib_id);
		return after_write(p, cib_remove_id(p, XML_CIB_TAG_RESOURCES, XML_CIB_TAG_GROUP, obj.cib_id));
	}
	if (obj.o.state == BE_STATE_ONLINE || obj.o.state == BE_STATE_ONLINE_PENDING ||
	    obj.o.state == BE_STATE_OFFLINE_PENDING)
		return BE_BUSY;
	/* As clusapi wants: nothing may depend on it (the next in its chain). */
	int dependents = 0;
	rc = chain_neighbour(b, id, true, count_fn, &dependents);
	if (rc)
		return rc;
	if (dependents)
		return BE_DEPENDENCY;
	struct pobj *g = obj.o.parent[0] ? view_by_name(&p->view, BE_GROUP, obj.o.parent) : NULL;
	xmlNode *gx = g ? find_id(p->view.cib, g->cib_id) : NULL;
	int members = 0;
	for (xmlNode *c = gx ? gx->children : NULL; c; c = c->next)
		members += xml_is(c, XML_CIB_TAG_RESOURCE);
	if (gx && members == 1) {
		/* The last member: the placeholder takes its place, in one step. */
		xmlNode *copy = frag_of(NULL, gx);
		for (xmlNode *c = gx->children; c; c = c->next)
			if (!xml_is(c, XML_CIB_TAG_RESOURCE))
				add_node_copy(copy, c);
		char ph[BE_NAME_MAX + 32];
		snprintf(ph, sizeof(ph), "%s" PLACEHOLDER_SUFFIX, g->cib_id);
		new_primitive(copy, ph, NULL, PLACEHOLDER_TYPE, true);
		rc = be_from_pcmk(p->cib->cmds->replace(p->cib, XML_CIB_TAG_RESOURCES, copy, cib_sync_call));
		free_xml(copy);
	} else {
		rc = cib_remove_id(p, XML_CIB_TAG_RESOURCES, XML_CIB_TAG_RESOURCE, obj.cib_id);
	}
	return after_write(p, rc);
}

static int pm_rename(struct backend *b, enum be_kind kind, const char *id, const char *name)
{
	struct pcmk *p = P(b);
	int rc = ready_write(p);
	if (rc)
		return rc;
	struct pobj *o = view_by_id(&p->view, kind, id);
	if (!o)
		return BE_NOT_FOUND;
	if (kind != BE_GROUP && kind != BE_RESOURCE)
		return BE_UNSUPPORTED;
	if (!name_ok(name))
		return BE_INVALID;
	struct pobj *other = view_by_name(&p->view, kind, name);
	if (other && other != o)
		return BE_EXISTS;
	char cib_id[BE_NAME_MAX];
	snprintf(cib_id, sizeof(cib_id), "%s", o->cib_id);
	return after_write(p, set_meta(p, cib_id, NAME_META, name));
}

/* Online: the resource's target-role Started, and its group's (a stopped
 * group holds its members stopped).  Group online or offline: the group and
 * each member (a member's own target-role wins over its group's).  Resource
 * offline: its own target-role only. */
static int set_roles(struct pcmk *p, struct pobj *o, const char *role, bool members)
{
	xmlNode *cur = find_id(p->view.cib, o->cib_id);
	if (!cur)
		return BE_NOT_FOUND;
	xmlNode *gcur = cur, *f;
	if (o->o.kind == BE_RESOURCE && o->o.parent[0] && strcmp(role, "Started") == 0) {
		struct pobj *g = view_by_name(&p->view, BE_GROUP, o->o.parent);
		gcur = g ? find_id(p->view.cib, g->cib_id) : NULL;
		if (!gcur)
			return BE_NOT_FOUND;
		f = frag_of(NULL, gcur);
		if (stopped_by_role(gcur))
			frag_nvpair(f, gcur, XML_TAG_META_SETS, XML_RSC_ATTR_TARGET_ROLE, role);
		frag_nvpair(frag_of(f, cur), cur, XML_TAG_META_SETS, XML_RSC_ATTR_TARGET_ROLE, role);
		return cib_modify(p, XML_CIB_TAG_RESOURCES, f, 0);
	}
	f = frag_of(NULL, cur);
	frag_nvpair(f, cur, XML_TAG_META_SETS, XML_RSC_ATTR_TARGET_ROLE, role);
	if (members)
		for (xmlNode *c = cur->children; c; c = c->next)
			if (xml_is(c, XML_CIB_TAG_RESOURCE) && !is_placeholder(crm_element_value(c, XML_ATTR_ID) ?: ""))
				frag_nvpair(frag_of(f, c), c, XML_TAG_META_SETS, XML_RSC_ATTR_TARGET_ROLE, role);
	return cib_modify(p, XML_CIB_TAG_RESOURCES, f, 0);
}

/* Move: a location preference for the target node, as crm_resource --move
 * writes it (cli-prefer-RSC, INFINITY), after clearing earlier ones. */
static int move_group(struct pcmk *p, struct pobj *g, const char *target)
{
	struct pobj *node = NULL;
	if (target) {
		node = view_by_name(&p->view, BE_NODE, target);
		if (!node)
			return BE_NOT_FOUND;
	} else {
		/* Any other node that can take it: up, not paused. */
		for (size_t i = 0; i < p->view.n && !node; i++) {
			struct pobj *n = &p->view.v[i];
			if (n->o.kind == BE_NODE && n->o.state == BE_STATE_UP && strcasecmp(n->o.name, g->o.owner) != 0)
				node = n;
		}
		if (!node)
			return BE_BUSY;
	}
	char node_name[BE_NAME_MAX], rsc[BE_NAME_MAX], cid[BE_NAME_MAX + 16];
	snprintf(node_name, sizeof(node_name), "%s", node->o.name);
	snprintf(rsc, sizeof(rsc), "%s", g->cib_id);
	clear_moves(p, rsc);
	snprintf(cid, sizeof(cid), "cli-prefer-%s", rsc);
	xmlNode *loc = create_xml_node(NULL, XML_CONS_TAG_RSC_LOCATION);
	crm_xml_add(loc, XML_ATTR_ID, cid);
	crm_xml_add(loc, XML_LOC_ATTR_SOURCE, rsc);
	crm_xml_add(loc, XML_RULE_ATTR_ROLE, "Started");
	crm_xml_add(loc, XML_CIB_TAG_NODE, node_name);
	crm_xml_add(loc, XML_RULE_ATTR_SCORE, CRM_INFINITY_S);
	int rc = be_from_pcmk(p->cib->cmds->create(p->cib, XML_CIB_TAG_CONSTRAINTS, loc, cib_sync_call));
	free_xml(loc);
	return rc;
}

/* Fail: as crm_resource --fail does, the controller records a failed
 * operation for the resource on the node running it, and Pacemaker then
 * recovers it as it would any failure (a restart, or a move once its
 * migration-threshold is reached). */
static int fail_resource(struct pcmk *p, struct pobj *r)
{
	xmlNode *x = find_id(p->view.cib, r->cib_id);
	if (!x)
		return BE_NOT_FOUND;
	if (!r->o.owner[0])
		return BE_BUSY; /* only what runs can fail */
	pcmk_ipc_api_t *api = NULL;
	int rc = pcmk_new_ipc_api(&api, pcmk_ipc_controld);
	if (rc == pcmk_rc_ok)
		rc = pcmk_connect_ipc(api, pcmk_ipc_dispatch_sync);
	if (rc == pcmk_rc_ok)
		rc = pcmk_controld_api_fail(api, r->o.owner, NULL, r->cib_id, r->cib_id,
					    crm_element_value(x, XML_AGENT_ATTR_CLASS),
					    crm_element_value(x, XML_AGENT_ATTR_PROVIDER), crm_element_value(x, XML_ATTR_TYPE));
	if (rc != pcmk_rc_ok)
		log_warn("pacemaker: cannot fail resource %s: %s", r->cib_id, pcmk_rc_str(rc));
	if (api)
		pcmk_free_ipc_api(api);
	return rc == pcmk_rc_ok ? BE_OK : BE_IO;
}

static int pm_act(struct backend *b, enum be_kind kind, const char *id, enum be_action action, const char *target)
{
	struct pcmk *p = P(b);
	int rc = ready_write(p);
	if (rc)
		return rc;
	struct pobj *o = view_by_id(&p->view, kind, id);
	if (!o)
		return BE_NOT_FOUND;
	struct pobj obj = *o;
	switch (kind) {
	case BE_RESOURCE:
		if (action == BE_ACT_ONLINE || action == BE_ACT_OFFLINE)
			rc = set_roles(p, &obj, action == BE_ACT_ONLINE ? "Started" : "Stopped", false);
		else if (action == BE_ACT_FAIL)
			rc = fail_resource(p, &obj);
		else
			return BE_INVALID;
		break;
	case BE_GROUP:
		if (action == BE_ACT_ONLINE || action == BE_ACT_OFFLINE)
			rc = set_roles(p, &obj, action == BE_ACT_ONLINE ? "Started" : "Stopped", true);
		else if (action == BE_ACT_MOVE)
			rc = move_group(p, &obj, target);
		else
			return BE_INVALID;
		break;
	case BE_NODE:
		if (action == BE_ACT_PAUSE && obj.o.state == BE_STATE_PAUSED)
			return BE_BUSY;
		if (action == BE_ACT_RESUME && obj.o.state != BE_STATE_PAUSED)
			return BE_BUSY;
		if (action == BE_ACT_PAUSE || action == BE_ACT_RESUME)
			rc = be_from_pcmk(set_standby(p->cib, obj.cib_id, XML_CIB_TAG_NODES,
						      action == BE_ACT_PAUSE ? "on" : "off"));
		else if (action == BE_ACT_EVICT)
			return BE_UNSUPPORTED; /* a nodelist edit on every node: not from here */
		else
			return BE_INVALID;
		break;
	default:
		return BE_UNSUPPORTED;
	}
	return after_write(p, rc);
}

/* ---- the registry: only what maps onto the CIB ---------------------------------
 *
 *   ""                          ClusterName (REG_SZ, corosync's cluster_name) and
 *                               ClusterInstanceID (a UUID derived from it), read-only
 *   Resources\ID\Parameters     the primitive's instance attributes (REG_SZ;
 *                               a REG_DWORD is written as its decimal text)
 *   Groups\ID\Parameters        the group's meta attributes, the same way
 *   Resources\ID, Groups\ID     Description: the element's description
 *
 * Every other key is BE_NOT_FOUND, and creating one BE_UNSUPPORTED: there
 * is no free-form replicated registry in Pacemaker. */

enum reg_where { REG_NONE, REG_ROOT, REG_KIND, REG_OBJECT, REG_PARAMS };

struct reg_key {
	enum reg_where where;
	struct pobj *obj;
	enum be_kind kind;
};

static const struct {
	const char *key;
	enum be_kind kind;
} reg_kinds[] = { { "Nodes", BE_NODE }, { "Groups", BE_GROUP }, { "Resources", BE_RESOURCE } };

static struct reg_key reg_parse(struct pcmk *p, const char *key)
{
	struct reg_key k = { REG_NONE, NULL, 0 };
	char buf[BE_REG_PATH_MAX];
	if (!key || strlen(key) >= sizeof(buf))
		return k;
	if (!*key) {
		k.where = REG_ROOT;
		return k;
	}
	snprintf(buf, sizeof(buf), "%s", key);
	char *id = strchr(buf, '\\'), *rest = NULL;
	if (id) {
		*id++ = 0;
		rest = strchr(id, '\\');
		if (rest)
			*rest++ = 0;
	}
	for (size_t i = 0; i < sizeof(reg_kinds) / sizeof(reg_kinds[0]); i++) {
		if (strcasecmp(buf, reg_kinds[i].key) != 0)
			continue;
		k.kind = reg_kinds[i].kind;
		if (!id) {
			k.where = REG_KIND;
			return k;
		}
		k.obj = view_by_id(&p->view, k.kind, id);
		if (!k.obj)
			return k;
		if (!rest)
			k.where = REG_OBJECT;
		else if (strcasecmp(rest, "Parameters") == 0 && k.kind != BE_NODE)
			k.where = REG_PARAMS;
	}
	return k;
}

static const char *params_set(const struct reg_key *k)
{
	return k->kind == BE_RESOURCE ? XML_TAG_ATTR_SETS : XML_TAG_META_SETS;
}

/* UTF-8 (ASCII-safe) text -> REG_SZ (UTF-16LE with its NUL), malloc'd. */
static uint8_t *sz_from_text(const char *text, size_t *len)
{
	size_t n = strlen(text);
	uint8_t *d = malloc(2 * n + 2);
	if (!d)
		return NULL;
	size_t j = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)text[i];
		d[j++] = c < 0x80 ? c : '?';
		d[j++] = 0;
	}
	d[j++] = 0;
	d[j++] = 0;
	*len = j;
	return d;
}

/* A REG_SZ or REG_DWORD value as the text Pacemaker stores; NULL otherwise. */
static char *text_from_value(const struct be_value *v)
{
	char *t = NULL;
	if (v->type == BE_VAL_DWORD && v->len == 4) {
		uint32_t x = (uint32_t)v->data[0] | (uint32_t)v->data[1] << 8 | (uint32_t)v->data[2] << 16 |
			     (uint32_t)v->data[3] << 24;
		if (asprintf(&t, "%u", x) < 0)
			return NULL;
		return t;
	}
	if ((v->type != BE_VAL_SZ && v->type != BE_VAL_EXPAND_SZ) || v->len % 2)
		return NULL;
	t = malloc(v->len / 2 + 1);
	if (!t)
		return NULL;
	size_t j = 0;
	for (size_t i = 0; i + 1 < v->len; i += 2) {
		uint16_t c = (uint16_t)(v->data[i] | v->data[i + 1] << 8);
		if (c == 0)
			break;
		t[j++] = c < 0x80 ? (char)c : '?';
	}
	t[j] = 0;
	return t;
}

static int pm_reg_key_exists(struct backend *b, const char *key)
{
	struct pcmk *p = P(b);
	int rc = ready(p);
	if (rc)
		return rc;
	return reg_parse(p, key).where != REG_NONE ? BE_OK : BE_NOT_FOUND;
}

static int pm_reg_create_key(struct backend *b, const char *key, bool *created)
{
	struct pcmk *p = P(b);
	int rc = ready(p);
	if (rc)
		return rc;
	if (created)
		*created = false;
	return reg_parse(p, key).where != REG_NONE ? BE_OK : BE_UNSUPPORTED;
}

static int pm_reg_delete_key(struct backend *b, const char *key)
{
	struct pcmk *p = P(b);
	int rc = ready(p);
	if (rc)
		return rc;
	return reg_parse(p, key).where != REG_NONE ? BE_UNSUPPORTED : BE_NOT_FOUND;
}

static int pm_reg_list_keys(struct backend *b, const char *key, be_name_fn fn, void *arg)
{
	struct pcmk *p = P(b);
	int rc = ready(p);
	if (rc)
		return rc;
	struct reg_key k = reg_parse(p, key);
	int stop = 0;
	switch (k.where) {
	case REG_ROOT:
		for (size_t i = 0; i < sizeof(reg_kinds) / sizeof(reg_kinds[0]) && !stop; i++)
			stop = fn(reg_kinds[i].key, arg);
		return stop;
	case REG_KIND: {
		size_t n = 0;
		char(*ids)[BE_ID_MAX] = malloc((p->view.n + 1) * sizeof(*ids));
		if (!ids)
			return BE_NO_MEMORY;
		for (size_t i = 0; i < p->view.n; i++)
			if (p->view.v[i].o.kind == k.kind)
				snprintf(ids[n++], BE_ID_MAX, "%s", p->view.v[i].o.id);
		for (size_t i = 0; i < n && !stop; i++)
			stop = fn(ids[i], arg);
		free(ids);
		return stop;
	}
	case REG_OBJECT:
		return k.kind == BE_NODE ? BE_OK : fn("Parameters", arg);
	case REG_PARAMS:
		return BE_OK;
	default:
		return BE_NOT_FOUND;
	}
}

struct nv {
	char name[BE_NAME_MAX];
	char *value;
};

/* The values of a key, as (name, text) pairs; the caller frees. */
static int reg_values(struct pcmk *p, const struct reg_key *k, struct nv **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	size_t cap = 0;
	xmlNode *el = k->obj ? find_id(p->view.cib, k->obj->cib_id) : NULL;
	if (k->where == REG_ROOT) {
		char instance[BE_ID_MAX];
		derive_id(instance, 0, p->cs.cluster_name);
		*out = calloc(2, sizeof(**out));
		if (!*out)
			return BE_NO_MEMORY;
		snprintf((*out)[0].name, BE_NAME_MAX, "ClusterName");
		(*out)[0].value = strdup(p->cs.cluster_name);
		snprintf((*out)[1].name, BE_NAME_MAX, "ClusterInstanceID");
		(*out)[1].value = strdup(instance);
		*n = 2;
		return BE_OK;
	}
	if (k->where == REG_OBJECT && el && crm_element_value(el, XML_ATTR_DESC)) {
		*out = calloc(1, sizeof(**out));
		if (!*out)
			return BE_NO_MEMORY;
		snprintf((*out)[0].name, BE_NAME_MAX, "Description");
		(*out)[0].value = strdup(crm_element_value(el, XML_ATTR_DESC));
		*n = 1;
		return BE_OK;
	}
	if (k->where != REG_PARAMS || !el)
		return BE_OK;
	xmlNode *set = child_named(el, params_set(k));
	for (xmlNode *c = set ? set->children : NULL; c; c = c->next) {
		const char *name = crm_element_value(c, XML_NVPAIR_ATTR_NAME);
		if (!xml_is(c, XML_CIB_TAG_NVPAIR) || !name)
			continue;
		/* Our own bookkeeping is not a property. */
		if (!strcmp(name, NAME_META) || !strcmp(name, XML_RSC_ATTR_TARGET_ROLE))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 8;
			struct nv *g = realloc(*out, cap * sizeof(*g));
			if (!g)
				return BE_NO_MEMORY;
			*out = g;
		}
		snprintf((*out)[*n].name, BE_NAME_MAX, "%s", name);
		(*out)[*n].value = strdup(crm_element_value(c, XML_NVPAIR_ATTR_VALUE) ?: "");
		(*n)++;
	}
	return BE_OK;
}

static void nv_free(struct nv *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].value);
	free(v);
}

static int pm_reg_list_values(struct backend *b, const char *key, be_value_fn fn, void *arg)
{
	struct pcmk *p = P(b);
	int rc = ready(p);
	if (rc)
		return rc;
	struct reg_key k = reg_parse(p, key);
	if (k.where == REG_NONE)
		return BE_NOT_FOUND;
	struct nv *vals;
	size_t n;
	rc = reg_values(p, &k, &vals, &n);
	for (size_t i = 0; i < n && !rc; i++) {
		struct be_value v = { .type = BE_VAL_SZ };
		snprintf(v.name, sizeof(v.name), "%s", vals[i].name);
		v.data = sz_from_text(vals[i].value ? vals[i].value : "", &v.len);
		if (!v.data) {
			rc = BE_NO_MEMORY;
			break;
		}
		rc = fn(&v, arg);
		free(v.data);
	}
	nv_free(vals, n);
	return rc;
}

static int pm_reg_get(struct backend *b, const char *key, const char *name, struct be_value *out)
{
	struct pcmk *p = P(b);
	int rc = ready(p);
	if (rc)
		return rc;
	struct reg_key k = reg_parse(p, key);
	if (k.where == REG_NONE)
		return BE_INVALID; /* as the embedded backend: a missing key */
	struct nv *vals;
	size_t n;
	rc = reg_values(p, &k, &vals, &n);
	int found = BE_NOT_FOUND;
	for (size_t i = 0; i < n && !rc && found == BE_NOT_FOUND; i++) {
		if (strcasecmp(vals[i].name, name) != 0)
			continue;
		memset(out, 0, sizeof(*out));
		snprintf(out->name, sizeof(out->name), "%s", vals[i].name);
		out->type = BE_VAL_SZ;
		out->data = sz_from_text(vals[i].value ? vals[i].value : "", &out->len);
		found = out->data ? BE_OK : BE_NO_MEMORY;
	}
	nv_free(vals, n);
	return rc ? rc : found;
}

static int pm_reg_set(struct backend *b, const char *key, const struct be_value *value)
{
	struct pcmk *p = P(b);
	int rc = ready_write(p);
	if (rc)
		return rc;
	struct reg_key k = reg_parse(p, key);
	if (k.where == REG_NONE)
		return BE_INVALID;
	bool desc = k.where == REG_OBJECT && k.kind != BE_NODE && strcasecmp(value->name, "Description") == 0;
	if (k.where != REG_PARAMS && !desc)
		return BE_UNSUPPORTED;
	if (!strcmp(value->name, NAME_META) || !strcmp(value->name, XML_RSC_ATTR_TARGET_ROLE) || !id_ok(value->name))
		return BE_UNSUPPORTED; /* ours, or not a name Pacemaker takes */
	char *text = text_from_value(value);
	if (!text)
		return BE_UNSUPPORTED; /* binary, multi-string, qword: no text form */
	xmlNode *cur = find_id(p->view.cib, k.obj->cib_id);
	if (!cur) {
		free(text);
		return BE_NOT_FOUND;
	}
	xmlNode *f = frag_of(NULL, cur);
	if (desc)
		crm_xml_add(f, XML_ATTR_DESC, text);
	else
		frag_nvpair(f, cur, params_set(&k), value->name, text);
	free(text);
	return after_write(p, cib_modify(p, XML_CIB_TAG_RESOURCES, f, 0));
}

static int pm_reg_delete_value(struct backend *b, const char *key, const char *name)
{
	struct pcmk *p = P(b);
	int rc = ready_write(p);
	if (rc)
		return rc;
	struct reg_key k = reg_parse(p, key);
	if (k.where == REG_NONE)
		return BE_INVALID;
	if (k.where != REG_PARAMS || !strcmp(name, NAME_META) || !strcmp(name, XML_RSC_ATTR_TARGET_ROLE))
		return BE_UNSUPPORTED;
	xmlNode *cur = find_id(p->view.cib, k.obj->cib_id);
	xmlNode *nv = cur ? find_nvpair(cur, params_set(&k), name) : NULL;
	if (!nv)
		return BE_NOT_FOUND;
	char id[BE_NAME_MAX];
	snprintf(id, sizeof(id), "%s", crm_element_value(nv, XML_ATTR_ID) ?: "");
	return after_write(p, cib_remove_id(p, XML_CIB_TAG_RESOURCES, XML_CIB_TAG_NVPAIR, id));
}

/* ---- changes -------------------------------------------------------------------- */

static int pm_watch(struct backend *b, be_event_fn fn, void *arg)
{
	P(b)->watch_fn = fn;
	P(b)->watch_arg = arg;
	return BE_OK;
}

static int pm_event_fd(struct backend *b)
{
	return P(b)->efd;
}

/* The watch thread saw the CIB change: read it again (once, however many
 * notifications came) and tell the loop what changed. */
static void pm_process_events(struct backend *b)
{
	struct pcmk *p = P(b);
	uint64_t n;
	(void)!read(p->efd, &n, sizeof(n));
	p->dirty = true;
	if (corosync_quorate(p->quorum))
		refresh(p);
}

static void pm_destroy(struct backend *b)
{
	struct pcmk *p = P(b);
	if (!p)
		return;
	pcmk_watch_stop(p->watch);
	if (p->cib) {
		p->cib->cmds->signoff(p->cib);
		cib_delete(p->cib);
	}
	view_free(&p->view);
	for (size_t i = 0; i < p->nagents; i++)
		free(p->agents[i]);
	free(p->agents);
	corosync_quorum_free(p->quorum);
	if (p->efd >= 0)
		close(p->efd);
	free(p);
}

static const struct backend_ops pacemaker_ops = {
	.name = "pacemaker",
	.destroy = pm_destroy,
	.lookup = pm_lookup,
	.get = pm_get,
	.list = pm_list,
	.create = pm_create,
	.remove = pm_remove,
	.rename = pm_rename,
	.act = pm_act,
	.dependencies = pm_dependencies,
	.dependents = pm_dependents,
	.quorum = pm_quorum,
	.reg_key_exists = pm_reg_key_exists,
	.reg_create_key = pm_reg_create_key,
	.reg_delete_key = pm_reg_delete_key,
	.reg_list_keys = pm_reg_list_keys,
	.reg_list_values = pm_reg_list_values,
	.reg_get = pm_reg_get,
	.reg_set = pm_reg_set,
	.reg_delete_value = pm_reg_delete_value,
	.watch = pm_watch,
	.event_fd = pm_event_fd,
	.process_events = pm_process_events,
};

struct backend *backend_pacemaker_open(char *cluster_name, size_t cluster_len, char *node_name, size_t node_len,
				       char *err, size_t errlen)
{
	struct pcmk *p = calloc(1, sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->base.ops = &pacemaker_ops;
	p->efd = -1;
	/* Before anything else of Pacemaker's: cluster_status() aborts on op
	 * history otherwise. */
	crm_xml_init();
	if (corosync_read(&p->cs) < 0 || !p->cs.local_name[0]) {
		snprintf(err, errlen, "cannot read corosync's configuration (cmap): is corosync running on this node?");
		goto fail;
	}
	p->quorum = corosync_quorum_new();
	p->cib = cib_new();
	p->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!p->quorum || !p->cib || p->efd < 0) {
		snprintf(err, errlen, "cannot set up the Pacemaker connection: %s", strerror(errno));
		goto fail;
	}
	load_agents(p);
	int rc = cib_connect(p);
	if (rc != pcmk_ok) {
		snprintf(err, errlen, "cannot connect to the CIB: %s (is pacemaker running on this node?)",
			 pcmk_strerror(rc));
		goto fail;
	}
	if (refresh(p) != BE_OK) {
		snprintf(err, errlen, "cannot read the cluster's state from the CIB");
		goto fail;
	}
	p->watch = pcmk_watch_start(p->efd);
	if (!p->watch) {
		snprintf(err, errlen, "cannot start the CIB notification thread: %s", strerror(errno));
		goto fail;
	}
	if (!p->view.stonith_enabled)
		log_warn("pacemaker: stonith-enabled is false: without fencing a split cluster can run a group on "
			 "two nodes at once; production clusters need sbd or fence agents");
	snprintf(cluster_name, cluster_len, "%s", p->cs.cluster_name);
	snprintf(node_name, node_len, "%s", p->cs.local_name);
	return &p->base;
fail:
	pm_destroy(&p->base);
	return NULL;
}
