/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A deleted resource leaves nothing behind (issue 11): once its primitive is
 * out of the CIB's configuration, its operation history on every node and its
 * fail counts go too, as `crm_resource --cleanup --resource ID` would do.
 * Without this a resource whose stop cannot run (a Generic Service, systemd:,
 * where PID 1 is not systemd) stays in crm_mon as a blocked orphan, and any
 * deleted resource keeps its history in the status section.
 *
 * The history: the controller's "delete resource" request
 * (pcmk_controld_api_refresh, what crm_resource sends) for each node whose
 * status has an lrm_resource of that id.  The fail counts: the attribute
 * manager's "clear failures" request; Pacemaker 2.1 has no public call for
 * it, so this uses pcmk__attrd_api_clear_failures (exported by libcrmcommon,
 * declared in its installed ipc_attrd_internal.h, the call crm_resource
 * makes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <crm/crm.h>
#include <crm/common/ipc.h>
#include <crm/common/ipc_attrd_internal.h>
#include <crm/common/ipc_controld.h>
#include <crm/common/xml.h>
#include <crm/msg_xml.h>

#include "base/log.h"
#include "pcmk.h"

/* The lrm_resource of id rsc under a node_state, or NULL. */
static xmlNode *history_of(xmlNode *node_state, const char *rsc)
{
	for (xmlNode *lrm = node_state->children; lrm; lrm = lrm->next) {
		if (!xml_is(lrm, XML_CIB_TAG_LRM))
			continue;
		for (xmlNode *list = lrm->children; list; list = list->next) {
			if (!xml_is(list, XML_LRM_TAG_RESOURCES))
				continue;
			for (xmlNode *r = list->children; r; r = r->next) {
				const char *id = crm_element_value(r, XML_ATTR_ID);
				if (xml_is(r, XML_LRM_TAG_RESOURCE) && id && strcmp(id, rsc) == 0)
					return r;
			}
		}
	}
	return NULL;
}

void cleanup_resource(struct pcmk *p, const char *rsc)
{
	xmlNode *status = p->view.cib ? pcmk_find_cib_element(p->view.cib, XML_CIB_TAG_STATUS) : NULL;
	pcmk_ipc_api_t *api = NULL;
	int rc = pcmk_rc_ok;
	int nodes = 0;
	for (xmlNode *ns = status ? status->children : NULL; ns; ns = ns->next) {
		const char *uname = crm_element_value(ns, XML_ATTR_UNAME);
		xmlNode *h = xml_is(ns, XML_CIB_TAG_STATE) && uname ? history_of(ns, rsc) : NULL;
		if (!h)
			continue;
		if (!api) {
			rc = pcmk_new_ipc_api(&api, pcmk_ipc_controld);
			if (rc == pcmk_rc_ok)
				rc = pcmk_connect_ipc(api, pcmk_ipc_dispatch_sync);
			if (rc != pcmk_rc_ok)
				break;
		}
		/* The executor needs the agent to forget the resource: the
		 * history has it (the configuration is gone). */
		rc = pcmk_controld_api_refresh(api, uname, NULL, rsc, rsc, crm_element_value(h, XML_AGENT_ATTR_CLASS),
					       crm_element_value(h, XML_AGENT_ATTR_PROVIDER),
					       crm_element_value(h, XML_ATTR_TYPE), false);
		if (rc != pcmk_rc_ok) {
			log_warn("pacemaker: cannot clean up the history of deleted resource %s on %s: %s", rsc, uname,
				 pcmk_rc_str(rc));
			rc = pcmk_rc_ok;
		} else {
			nodes++;
		}
	}
	if (rc != pcmk_rc_ok)
		log_warn("pacemaker: cannot reach the controller to clean up deleted resource %s: %s", rsc,
			 pcmk_rc_str(rc));
	if (api)
		pcmk_free_ipc_api(api);
	/* Its fail counts, on every node. */
	rc = pcmk__attrd_api_clear_failures(NULL, NULL, rsc, NULL, NULL, NULL, 0);
	if (rc != pcmk_rc_ok)
		log_warn("pacemaker: cannot clear the fail counts of deleted resource %s: %s", rsc, pcmk_rc_str(rc));
	if (nodes)
		log_debug("pacemaker: deleted resource %s: its history cleaned up on %d node(s)", rsc, nodes);
}
