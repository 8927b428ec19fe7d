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
 * (pcmk_controld_api_refresh, what crm_resource sends) for each node that is
 * up and whose status has an lrm_resource of that id, the answers awaited at
 * most CLEANUP_WAIT_MS (polled: a controller that does not answer does not
 * stop clusterd).  A node that is down keeps that history (crm_resource
 * --cleanup later).  The fail counts: the attribute
 * manager's "clear failures" request; Pacemaker 2.1 has no public call for
 * it, so this uses pcmk__attrd_api_clear_failures (exported by libcrmcommon,
 * declared in its installed ipc_attrd_internal.h, the call crm_resource
 * makes).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <crm/crm.h>
#include <crm/common/ipc.h>
#include <crm/common/ipc_attrd_internal.h>
#include <crm/common/ipc_controld.h>
#include <crm/common/xml.h>
#include <crm/msg_xml.h>

#include "base/log.h"
#include "pcmk.h"

/* How long a delete waits for the controllers' answers, in all. */
#define CLEANUP_WAIT_MS 2000

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

struct replies {
	int pending;
};

static void on_event(pcmk_ipc_api_t *api, enum pcmk_ipc_event event, crm_exit_t status, void *data, void *user)
{
	(void)api;
	(void)status;
	(void)data;
	struct replies *r = user;
	if (event == pcmk_ipc_event_reply && r->pending > 0)
		r->pending--;
	else if (event == pcmk_ipc_event_disconnect)
		r->pending = 0;
}

/* Whether the view has node uname up (its controller can answer). */
static bool node_up(struct pcmk *p, const char *uname)
{
	struct pobj *n = view_by_name(&p->view, BE_NODE, uname);
	return n && (n->o.state == BE_STATE_UP || n->o.state == BE_STATE_PAUSED);
}

static void clean(struct pcmk *p, const char *rsc);

/* Resources deleted lately.  A probe or a stop whose result lands after the
 * delete writes history again, and the resource is an orphan once more (a
 * Generic Service where systemd is not PID 1 fails its probe on every node
 * shortly after it is created); so each new view looks for such history for
 * a while and cleans it up again (cleanup_orphans), at most once a second. */
#define RECENT_MAX 16
#define RECENT_MS 60000
static struct recent {
	char id[BE_NAME_MAX];
	long long until, next; /* monotonic ms */
} recent[RECENT_MAX];

static long long now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void remember(const char *rsc)
{
	long long now = now_ms();
	struct recent *slot = &recent[0];
	for (size_t i = 0; i < RECENT_MAX; i++) {
		if (recent[i].until <= now || strcmp(recent[i].id, rsc) == 0) {
			slot = &recent[i];
			break;
		}
		if (recent[i].until < slot->until)
			slot = &recent[i]; /* full: the oldest goes */
	}
	snprintf(slot->id, sizeof(slot->id), "%s", rsc);
	slot->until = now + RECENT_MS;
	slot->next = now + 1000;
}

void cleanup_resource(struct pcmk *p, const char *rsc)
{
	remember(rsc);
	clean(p, rsc);
}

void cleanup_orphans(struct pcmk *p)
{
	xmlNode *cib = p->view.cib;
	xmlNode *status = cib ? pcmk_find_cib_element(cib, XML_CIB_TAG_STATUS) : NULL;
	xmlNode *config = cib ? child_named(cib, XML_CIB_TAG_CONFIGURATION) : NULL;
	if (!status || !config)
		return;
	long long now = now_ms();
	for (size_t i = 0; i < RECENT_MAX; i++) {
		struct recent *r = &recent[i];
		if (r->until <= now || r->next > now || find_id(config, r->id))
			continue;
		bool orphan = false;
		for (xmlNode *ns = status->children; ns && !orphan; ns = ns->next)
			orphan = xml_is(ns, XML_CIB_TAG_STATE) && history_of(ns, r->id);
		if (!orphan)
			continue;
		r->next = now + 1000;
		log_info("pacemaker: deleted resource %s has history again (a late probe or stop): cleaning it up", r->id);
		clean(p, r->id);
	}
}

static void clean(struct pcmk *p, const char *rsc)
{
	xmlNode *status = p->view.cib ? pcmk_find_cib_element(p->view.cib, XML_CIB_TAG_STATUS) : NULL;
	pcmk_ipc_api_t *api = NULL;
	struct replies replies = { 0 };
	int rc = pcmk_rc_ok;
	for (xmlNode *ns = status ? status->children : NULL; ns; ns = ns->next) {
		const char *uname = crm_element_value(ns, XML_ATTR_UNAME);
		xmlNode *h = xml_is(ns, XML_CIB_TAG_STATE) && uname ? history_of(ns, rsc) : NULL;
		if (!h)
			continue;
		/* A node that is down cannot answer; its history stays until a
		 * cleanup (crm_resource skips such nodes too). */
		if (!node_up(p, uname)) {
			log_info("pacemaker: deleted resource %s: node %s is down, its history there stays", rsc, uname);
			continue;
		}
		if (!api) {
			/* Polled, with a deadline of our own: the event loop must
			 * not wait on a controller that does not answer. */
			rc = pcmk_new_ipc_api(&api, pcmk_ipc_controld);
			if (rc == pcmk_rc_ok) {
				pcmk_register_ipc_callback(api, on_event, &replies);
				rc = pcmk_connect_ipc(api, pcmk_ipc_dispatch_poll);
			}
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
			replies.pending++;
		}
	}
	if (rc != pcmk_rc_ok)
		log_warn("pacemaker: cannot reach the controller to clean up deleted resource %s: %s", rsc,
			 pcmk_rc_str(rc));
	/* The answers, at most CLEANUP_WAIT_MS in all. */
	int sent = replies.pending;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (api && replies.pending > 0) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		long left = CLEANUP_WAIT_MS - ((t.tv_sec - t0.tv_sec) * 1000L + (t.tv_nsec - t0.tv_nsec) / 1000000L);
		if (left <= 0)
			break;
		int prc = pcmk_poll_ipc(api, (int)left);
		if (prc == pcmk_rc_ok)
			pcmk_dispatch_ipc(api);
		else if (prc != EAGAIN)
			break;
	}
	if (replies.pending > 0)
		log_warn("pacemaker: deleted resource %s: %d of %d node(s) did not confirm the cleanup of its history "
			 "within %d ms",
			 rsc, replies.pending, sent, CLEANUP_WAIT_MS);
	if (api)
		pcmk_free_ipc_api(api);
	/* Its fail counts, on every node. */
	rc = pcmk__attrd_api_clear_failures(NULL, NULL, rsc, NULL, NULL, NULL, 0);
	if (rc != pcmk_rc_ok)
		log_warn("pacemaker: cannot clear the fail counts of deleted resource %s: %s", rsc, pcmk_rc_str(rc));
	if (sent)
		log_debug("pacemaker: deleted resource %s: its history cleaned up on %d node(s)", rsc, sent);
}
