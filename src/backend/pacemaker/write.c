/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Changes to the CIB that clusapi calls make: create, delete and rename
 * groups and resources, online / offline (target-role), move (cli-prefer
 * location constraints), fail (through the controller), pause / resume
 * (standby).  Each write is followed by a fresh read (after_write).
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

#include <crm/cib/util.h>
#include <crm/common/ipc.h>
#include <crm/common/ipc_controld.h>

#include "backend/backend.h"
#include "base/log.h"
#include "pcmk.h"

/* ---- writes ------------------------------------------------------------------- */

/* After a write: read the CIB again so that the caller sees its change and
 * the change events go out now. */
int after_write(struct pcmk *p, int rc)
{
	p->dirty = true;
	int r = refresh(p);
	return rc ? rc : r;
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
	int rc = cib_written(p, p->cib->cmds->create(p->cib, XML_CIB_TAG_RESOURCES, g, cib_sync_call));
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
	char id[BE_NAME_MAX], agent[BE_NAME_MAX * 2];
	new_cib_id(p->view.cib, name, id, sizeof(id));
	const char *wintype;
	int rc = restypes_agent(p, type, id, agent, sizeof(agent), &wintype);
	if (rc)
		return rc;
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
		xmlNode *r = new_primitive(copy, id, name, agent, false);
		if (!r) {
			free_xml(copy);
			return BE_INVALID;
		}
		if (wintype)
			frag_nvpair(r, NULL, XML_TAG_META_SETS, TYPE_META, wintype);
		rc = cib_written(p, p->cib->cmds->replace(p->cib, XML_CIB_TAG_RESOURCES, copy, cib_sync_call));
		free_xml(copy);
	} else {
		xmlNode *f = frag_of(NULL, cur);
		xmlNode *r = new_primitive(f, id, name, agent, false);
		if (!r) {
			free_xml(f);
			return BE_INVALID;
		}
		if (wintype)
			frag_nvpair(r, NULL, XML_TAG_META_SETS, TYPE_META, wintype);
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

int pm_create(struct backend *b, enum be_kind kind, const char *name, const char *parent, const char *type,
		     struct be_object *out)
{
	struct pcmk *p = P(b);
	int rc = ready_write(p);
	if (rc)
		return rc;
	/* Resource types are the installed agents, the Windows types and
	 * the types clients made, kept as resource templates (restypes.c). */
	if (kind == BE_RESTYPE)
		return restypes_create(p, name, type, out);
	if (!name_ok(name) || (kind != BE_GROUP && kind != BE_RESOURCE))
		return BE_INVALID;
	if (view_by_name(&p->view, kind, name))
		return BE_EXISTS;
	return kind == BE_GROUP ? create_group(p, name, out) : create_resource(p, name, parent, type, out);
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

int pm_remove(struct backend *b, enum be_kind kind, const char *id)
{
	struct pcmk *p = P(b);
	int rc = ready_write(p);
	if (rc)
		return rc;
	if (kind == BE_RESTYPE)
		return restypes_remove(p, id);
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
		rc = after_write(p, cib_remove_id(p, XML_CIB_TAG_RESOURCES, XML_CIB_TAG_GROUP, obj.cib_id));
		if (rc == BE_OK) { /* its placeholder's history too (cleanup.c) */
			char ph[BE_NAME_MAX + 32];
			snprintf(ph, sizeof(ph), "%s" PLACEHOLDER_SUFFIX, obj.cib_id);
			cleanup_resource(p, ph);
		}
		return rc;
	}
	if (obj.o.state == BE_STATE_ONLINE || obj.o.state == BE_STATE_ONLINE_PENDING ||
	    obj.o.state == BE_STATE_OFFLINE_PENDING)
		return BE_BUSY;
	/* As clusapi wants: nothing may depend on it (the next in its chain,
	 * or an order constraint's "then"). */
	struct pobj dep;
	if (policy_links(p, &obj, true, &dep, 1))
		return BE_DEPENDENCY;
	/* Its own constraints (what it depends on, where it may run) go first. */
	rc = policy_forget(p, obj.cib_id);
	if (rc)
		return after_write(p, rc);
	if ((rc = refresh(p)) != BE_OK)
		return rc;
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
		rc = cib_written(p, p->cib->cmds->replace(p->cib, XML_CIB_TAG_RESOURCES, copy, cib_sync_call));
		free_xml(copy);
	} else {
		rc = cib_remove_id(p, XML_CIB_TAG_RESOURCES, XML_CIB_TAG_RESOURCE, obj.cib_id);
	}
	rc = after_write(p, rc);
	if (rc == BE_OK)
		cleanup_resource(p, obj.cib_id); /* no orphan left behind (cleanup.c) */
	return rc;
}

/* ChangeClusterResourceGroup (issue 11): the primitive leaves its group for
 * another in one replace of the resources section; the group it leaves gets
 * its placeholder if it is now empty, the one it joins loses its own.  The
 * server has checked that nothing depends on it either way. */
int pm_regroup(struct backend *b, const char *resource_id, const char *group_id)
{
	struct pcmk *p = P(b);
	int rc = ready_write(p);
	if (rc)
		return rc;
	struct pobj *r = view_by_id(&p->view, BE_RESOURCE, resource_id);
	struct pobj *g = view_by_id(&p->view, BE_GROUP, group_id);
	xmlNode *res = p->view.cib ? pcmk_find_cib_element(p->view.cib, XML_CIB_TAG_RESOURCES) : NULL;
	if (!r || !g || !res)
		return BE_NOT_FOUND;
	xmlNode *copy = copy_xml(res);
	xmlNode *prim = find_id(copy, r->cib_id), *to = find_id(copy, g->cib_id);
	if (!prim || !to || !xml_is(to, XML_CIB_TAG_GROUP)) {
		free_xml(copy);
		return BE_NOT_FOUND;
	}
	xmlNode *from = prim->parent;
	xmlUnlinkNode(prim);
	for (xmlNode *c = to->children, *next; c; c = next) {
		next = c->next;
		if (xml_is(c, XML_CIB_TAG_RESOURCE) && is_placeholder(crm_element_value(c, XML_ATTR_ID) ?: "")) {
			xmlUnlinkNode(c);
			free_xml(c);
		}
	}
	xmlAddChild(to, prim);
	if (from && xml_is(from, XML_CIB_TAG_GROUP)) {
		bool members = false;
		for (xmlNode *c = from->children; c && !members; c = c->next)
			members = xml_is(c, XML_CIB_TAG_RESOURCE);
		if (!members) {
			char ph[BE_NAME_MAX + 32];
			snprintf(ph, sizeof(ph), "%s" PLACEHOLDER_SUFFIX, crm_element_value(from, XML_ATTR_ID) ?: "");
			new_primitive(from, ph, NULL, PLACEHOLDER_TYPE, true);
		}
	}
	rc = cib_written(p, p->cib->cmds->replace(p->cib, XML_CIB_TAG_RESOURCES, copy, cib_sync_call));
	free_xml(copy);
	return after_write(p, rc);
}

int pm_rename(struct backend *b, enum be_kind kind, const char *id, const char *name)
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
	int rc = cib_written(p, p->cib->cmds->create(p->cib, XML_CIB_TAG_CONSTRAINTS, loc, cib_sync_call));
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

int pm_act(struct backend *b, enum be_kind kind, const char *id, enum be_action action, const char *target)
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
		if (action == BE_ACT_ONLINE || action == BE_ACT_OFFLINE) {
			/* Online: its providers too; offline: its dependents too
			 * (issue 11).  Pacemaker orders the starts and stops by
			 * the constraints; each role is set once. */
			bool on = action == BE_ACT_ONLINE;
			struct pobj *more = calloc(64, sizeof(*more));
			size_t n = more ? policy_closure(p, &obj, !on, more, 64) : 0;
			rc = BE_OK;
			for (size_t i = 0; i < n && !rc; i++) {
				struct pobj *cur = view_by_id(&p->view, BE_RESOURCE, more[i].o.id);
				if (cur && (on ? stopped_by_role(find_id(p->view.cib, cur->cib_id)) : true)) {
					struct pobj c = *cur;
					rc = set_roles(p, &c, on ? "Started" : "Stopped", false);
					if (!rc)
						rc = refresh(p);
				}
			}
			free(more);
			if (!rc) {
				struct pobj *cur = view_by_id(&p->view, BE_RESOURCE, obj.o.id);
				if (!cur)
					return BE_NOT_FOUND;
				obj = *cur;
				rc = set_roles(p, &obj, on ? "Started" : "Stopped", false);
			}
		} else if (action == BE_ACT_FAIL)
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
			rc = cib_written(p, set_standby(p->cib, obj.cib_id, XML_CIB_TAG_NODES,
						      action == BE_ACT_PAUSE ? "on" : "off"));
		else if (action == BE_ACT_EVICT)
			rc = pm_evict(p, &obj);
		else
			return BE_INVALID;
		break;
	default:
		return BE_UNSUPPORTED;
	}
	return after_write(p, rc);
}
