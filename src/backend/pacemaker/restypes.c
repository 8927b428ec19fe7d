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
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <crm/crm.h>
#include <crm/msg_xml.h>

#include "backend/wintypes.h"
#include "pcmk.h"

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

int restypes_agent(const struct pcmk *p, const char *type, const char *cib_id, char *agent, size_t cap,
		   const char **wintype)
{
	const struct wintype *w = wintype_find(type);
	*wintype = NULL;
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

const char *restypes_unit_property(const char *wintype)
{
	const struct wintype *w = wintype_find(wintype);
	return w ? w->unit : NULL;
}
