/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Windows resource types on Pacemaker (src/backend/wintypes.h): each is
 * listed under its Windows name and mapped onto an agent that does the same
 * job ("IP Address" is ocf:heartbeat:IPaddr2), or onto a class whose agent a
 * private property names ("Generic Service" is systemd:UNIT, UNIT from
 * ServiceName).  A type whose agent is not installed on this node, or that
 * has no Linux counterpart, is listed as not available.  A resource of a
 * Windows type is a primitive of the mapped agent that keeps the Windows name
 * in its meta attribute clusapi-type, so GetResourceType and every node's
 * clusterd give it back; crm_resource and pcs see an ordinary primitive.
 *
 * Types made by clients (CreateClusterResourceType): a named alias of an
 * available type, kept in the CIB (so every node has it) as a resource
 * template of the agent it resolves to, id "clusapi-type-NAME", with meta
 * attributes naming the type (CUSTOM_NAME_META) and the type it is made from
 * (CUSTOM_BASE_META).  A resource of it is an ordinary primitive of that
 * agent with the type's name in clusapi-type, as for a Windows type; it does
 * not reference the template (pcs does not handle templates).  A type made
 * from a Windows type whose agent a private property names (Generic Service,
 * Generic Script) cannot be a template: refused (BE_UNSUPPORTED).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <crm/crm.h>
#include <crm/msg_xml.h>

#include "backend/wintypes.h"
#include "base/log.h"
#include "pcmk.h"

#define CUSTOM_ID_PREFIX "clusapi-type-"
#define CUSTOM_NAME_META "clusapi-type-name"
#define CUSTOM_BASE_META "clusapi-type-base"

static bool agent_installed(const struct pcmk *p, const char *agent)
{
	for (size_t i = 0; i < p->nagents; i++)
		if (strcmp(p->agents[i], agent) == 0)
			return true;
	return false;
}

/* Is this mapping usable here?  An OCF agent must be installed; a class
 * (systemd:, lsb:) is Pacemaker's to check when the resource starts. */
static bool mapping_available(const struct pcmk *p, const struct wintype *w)
{
	if (!w->pacemaker)
		return false;
	if (strncmp(w->pacemaker, "ocf:", 4) == 0)
		return agent_installed(p, w->pacemaker);
	return true;
}

void restypes_add(struct view *v, const struct pcmk *p)
{
	for (size_t i = 0; i < n_wintypes; i++) {
		const struct wintype *w = &wintypes[i];
		char key[BE_NAME_MAX];
		snprintf(key, sizeof(key), "wintype:%s", w->name);
		struct pobj *o = view_add(v, BE_RESTYPE, key, w->name);
		if (!o)
			return;
		bool ok = mapping_available(p, w);
		o->o.state = ok ? BE_STATE_UP : BE_STATE_DOWN;
		if (!ok && w->pacemaker)
			snprintf(o->o.type, sizeof(o->o.type), "not available (%s is not installed)", w->pacemaker);
		else if (!ok)
			snprintf(o->o.type, sizeof(o->o.type), "not available");
		else if (w->unit)
			snprintf(o->o.type, sizeof(o->o.type), "%sUNIT (UNIT: private property %s)", w->pacemaker, w->unit);
		else
			snprintf(o->o.type, sizeof(o->o.type), "%s", w->pacemaker);
	}
}

/* A type made by a client, by name, or NULL. */
static const struct pobj *custom_type(const struct view *v, const char *name)
{
	for (size_t i = 0; i < v->n; i++)
		if (v->v[i].o.kind == BE_RESTYPE && strncmp(v->v[i].cib_id, CUSTOM_ID_PREFIX, strlen(CUSTOM_ID_PREFIX)) == 0 &&
		    strcasecmp(v->v[i].o.name, name) == 0)
			return &v->v[i];
	return NULL;
}

static int agent_of(const struct pcmk *p, const char *type, const char *cib_id, char *agent, size_t cap,
		    const char **wintype, int depth)
{
	*wintype = NULL;
	const struct pobj *c = custom_type(&p->view, type);
	if (c) {
		const char *base_wintype;
		if (depth > 8)
			return BE_INVALID;
		int rc = agent_of(p, c->o.parent, cib_id, agent, cap, &base_wintype, depth + 1);
		*wintype = c->o.name;
		return rc;
	}
	const struct wintype *w = wintype_find(type);
	if (!w) {
		snprintf(agent, cap, "%s", type);
		return BE_OK;
	}
	if (!mapping_available(p, w))
		return BE_UNSUPPORTED;
	*wintype = w->name;
	/* A class's agent comes from a private property; until it is set,
	 * the resource's own id names it (it cannot start before that). */
	if (w->unit)
		snprintf(agent, cap, "%s%s", w->pacemaker, cib_id);
	else
		snprintf(agent, cap, "%s", w->pacemaker);
	return BE_OK;
}

int restypes_agent(const struct pcmk *p, const char *type, const char *cib_id, char *agent, size_t cap,
		   const char **wintype)
{
	return agent_of(p, type, cib_id, agent, cap, wintype, 0);
}

void restypes_add_custom(struct view *v, xmlNode *cib)
{
	xmlNode *res = cib ? pcmk_find_cib_element(cib, XML_CIB_TAG_RESOURCES) : NULL;
	for (xmlNode *t = res ? res->children : NULL; t; t = t->next) {
		const char *id = crm_element_value(t, XML_ATTR_ID);
		if (!xml_is(t, XML_CIB_TAG_RSC_TEMPLATE) || !id || strncmp(id, CUSTOM_ID_PREFIX, strlen(CUSTOM_ID_PREFIX)))
			continue;
		const char *name = nv_value(t, XML_TAG_META_SETS, CUSTOM_NAME_META);
		const char *base = nv_value(t, XML_TAG_META_SETS, CUSTOM_BASE_META);
		if (!name || !base || view_by_name(v, BE_RESTYPE, name))
			continue;
		struct pobj *o = view_add(v, BE_RESTYPE, id, name);
		if (!o)
			return;
		const char *cls = crm_element_value(t, XML_AGENT_ATTR_CLASS);
		const char *prov = crm_element_value(t, XML_AGENT_ATTR_PROVIDER);
		const char *type = crm_element_value(t, XML_ATTR_TYPE);
		o->o.state = BE_STATE_UP;
		snprintf(o->o.parent, sizeof(o->o.parent), "%s", base);
		snprintf(o->o.type, sizeof(o->o.type), "%s%s%s:%s (resource template %s, made from %s)", cls ? cls : "",
			 prov ? ":" : "", prov ? prov : "", type ? type : "", id, base);
	}
}

int restypes_create(struct pcmk *p, const char *name, const char *base, struct be_object *out)
{
	if (!name || !*name || !base || strlen(name) >= BE_NAME_MAX - sizeof(CUSTOM_ID_PREFIX))
		return BE_INVALID;
	if (view_by_name(&p->view, BE_RESTYPE, name))
		return BE_EXISTS;
	struct pobj *b = view_by_name(&p->view, BE_RESTYPE, base);
	if (!b)
		return BE_INVALID;
	if (b->o.state == BE_STATE_DOWN)
		return BE_UNSUPPORTED;
	/* The agent: what a resource of the base type would run.  A class
	 * whose agent is a private property has no agent of its own. */
	char agent[BE_NAME_MAX * 2];
	const char *wintype;
	int rc = restypes_agent(p, b->o.name, "-", agent, sizeof(agent), &wintype);
	if (rc)
		return rc;
	const struct wintype *w = NULL;
	for (const struct pobj *c = b; c;) {
		w = wintype_find(c->o.name);
		const struct pobj *next = custom_type(&p->view, c->o.name);
		c = next ? view_by_name(&p->view, BE_RESTYPE, next->o.parent) : NULL;
	}
	if (w && w->unit)
		return BE_UNSUPPORTED;
	char cls[64] = "", prov[64] = "", type[BE_NAME_MAX] = "";
	const char *c1 = strchr(agent, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1)
		return BE_INVALID;
	snprintf(cls, sizeof(cls), "%.*s", (int)(c1 - agent), agent);
	if (c2) {
		snprintf(prov, sizeof(prov), "%.*s", (int)(c2 - c1 - 1), c1 + 1);
		snprintf(type, sizeof(type), "%s", c2 + 1);
	} else {
		snprintf(type, sizeof(type), "%s", c1 + 1);
	}
	char idname[BE_NAME_MAX + 16], id[BE_NAME_MAX];
	snprintf(idname, sizeof(idname), CUSTOM_ID_PREFIX "%s", name);
	new_cib_id(p->view.cib, idname, id, sizeof(id));
	xmlNode *t = create_xml_node(NULL, XML_CIB_TAG_RSC_TEMPLATE);
	crm_xml_add(t, XML_ATTR_ID, id);
	crm_xml_add(t, XML_AGENT_ATTR_CLASS, cls);
	if (prov[0])
		crm_xml_add(t, XML_AGENT_ATTR_PROVIDER, prov);
	crm_xml_add(t, XML_ATTR_TYPE, type);
	frag_nvpair(t, NULL, XML_TAG_META_SETS, CUSTOM_NAME_META, name);
	frag_nvpair(t, NULL, XML_TAG_META_SETS, CUSTOM_BASE_META, b->o.name);
	rc = cib_written(p, p->cib->cmds->create(p->cib, XML_CIB_TAG_RESOURCES, t, cib_sync_call));
	free_xml(t);
	rc = after_write(p, rc);
	if (!rc) {
		struct pobj *o = view_by_name(&p->view, BE_RESTYPE, name);
		if (!o)
			return BE_IO;
		if (out)
			*out = o->o;
	}
	return rc;
}

int restypes_remove(struct pcmk *p, const char *id)
{
	struct pobj *o = view_by_id(&p->view, BE_RESTYPE, id);
	if (!o)
		return BE_NOT_FOUND;
	if (strncmp(o->cib_id, CUSTOM_ID_PREFIX, strlen(CUSTOM_ID_PREFIX)) != 0)
		return BE_UNSUPPORTED; /* the Windows types and the agents stay */
	struct pobj t = *o;
	/* Not while resources, or types made from it, use it. */
	for (size_t i = 0; i < p->view.n; i++) {
		const struct be_object *x = &p->view.v[i].o;
		if ((x->kind == BE_RESOURCE && strcasecmp(x->type, t.o.name) == 0) ||
		    (x->kind == BE_RESTYPE && custom_type(&p->view, x->name) && strcasecmp(x->parent, t.o.name) == 0))
			return BE_NOT_EMPTY;
	}
	return after_write(p, cib_remove_id(p, XML_CIB_TAG_RESOURCES, XML_CIB_TAG_RSC_TEMPLATE, t.cib_id));
}

const char *restypes_unit_property(const char *wintype)
{
	const struct wintype *w = wintype_find(wintype);
	return w ? w->unit : NULL;
}
