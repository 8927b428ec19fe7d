/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * EvictNode on Pacemaker: removing a node from the cluster the way
 * `pcs cluster node remove` does (corosync's nodelist on every remaining node
 * with a configuration reload, then Pacemaker's node entry and status through
 * `crm_node --force -R`), coordinated through the CIB, since no clusterd can
 * edit another node's corosync.conf:
 *
 *   1. The clusterd asked (pm_evict) checks and records the request: the
 *      node attribute "clusterd-evict" (its value: the requesting node) on
 *      the evicted node's entry in the CIB's nodes section.  Refused: a node
 *      that is up (stop its cluster stack first: the requester cannot stop
 *      another machine's services), and an eviction that would leave the
 *      remaining members without a majority of the remaining votes.
 *   2. Every clusterd, at each CIB change (evict_step), sees the request,
 *      removes the node from its own corosync.conf (written to a temporary
 *      file, synced and renamed over it) and records that it has, as the
 *      attribute "clusterd-evict-ack-NODE" on the same entry.
 *   3. The member with the lowest node id (one node, and another one if it
 *      goes) waits until every member has acknowledged, then runs
 *      `corosync-cfgtool -R` (every corosync reloads its file) and
 *      `crm_node --force -R NODE` (Pacemaker forgets the node, and the request
 *      goes with its entry).
 *
 * A configured node that is down when the eviction happens keeps its old
 * corosync.conf (as with `pcs --skip-offline`): fix it before it starts.
 * corosync's file is $COROSYNC_MAIN_CONFIG_FILE (corosync's own variable)
 * or /etc/corosync/corosync.conf.  Editing it and running the two tools need
 * root: src/backend/launch_pcmk.c does them, in clusterd's privileged helper
 * once clusterd serves the network as hacluster.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <crm/cib.h>
#include <crm/cib/util.h>
#include <crm/common/xml.h>
#include <crm/msg_xml.h>

#include "backend/launch.h"
#include "base/log.h"
#include "pcmk.h"

#define EVICT_ATTR "clusterd-evict"
#define ACK_PREFIX "clusterd-evict-ack-"
/* ---- the request, in the CIB ---------------------------------------------- */

static const struct corosync_node *cs_node(const struct corosync_view *cs, const char *name, unsigned nodeid)
{
	for (size_t i = 0; i < cs->nnodes; i++)
		if (strcmp(cs->nodes[i].name, name) == 0 || (nodeid && cs->nodes[i].nodeid == nodeid))
			return &cs->nodes[i];
	return NULL;
}

static int set_node_attr(struct pcmk *p, const char *node_id, const char *name, const char *value)
{
	int rc = update_attr_delegate(p->cib, cib_sync_call, XML_CIB_TAG_NODES, node_id, XML_TAG_ATTR_SETS, NULL,
				      NULL, name, value, FALSE, NULL, NULL);
	return cib_written(p, rc);
}

int pm_evict(struct pcmk *p, const struct pobj *n)
{
	/* Membership as corosync has it now: the watch thread's copy is read
	 * after each change it is told of, and a node that has just gone may
	 * still be "joined" there (an administrator's call, rare: a cmap read
	 * on this thread is worth it; if corosync does not answer, the copy). */
	struct corosync_view now;
	if (corosync_read(&now) == 0 && now.nnodes)
		p->cs = now;
	const struct corosync_node *target = cs_node(&p->cs, n->o.name, n->o.number);
	if (!target)
		return BE_NOT_FOUND;
	if (target->joined) {
		log_info("pacemaker: evict %s refused: it is up (stop its cluster stack first)", n->o.name);
		return BE_BUSY;
	}
	/* What is left must still be a majority of what is left. */
	size_t remaining = p->cs.nnodes - 1, up = 0;
	for (size_t i = 0; i < p->cs.nnodes; i++)
		if (&p->cs.nodes[i] != target && p->cs.nodes[i].joined)
			up++;
	if (up * 2 <= remaining) {
		log_info("pacemaker: evict %s refused: %zu of the %zu remaining nodes are up, not a majority", n->o.name,
			 up, remaining);
		return BE_NO_QUORUM;
	}
	log_info("pacemaker: evict %s: requested; every member removes it from its corosync.conf", n->o.name);
	return set_node_attr(p, n->cib_id, EVICT_ATTR, p->cs.local_name);
}

/* The requests in the CIB this view came from. */
void evict_step(struct pcmk *p)
{
	xmlNode *cib = p->view.cib;
	if (!cib)
		return;
	xmlNode *config = child_named(cib, XML_CIB_TAG_CONFIGURATION);
	xmlNode *nodes = config ? child_named(config, XML_CIB_TAG_NODES) : NULL;
	if (!nodes)
		return;
	for (xmlNode *x = nodes->children; x; x = x->next) {
		if (!xml_is(x, XML_CIB_TAG_NODE) || !nv_value(x, XML_TAG_ATTR_SETS, EVICT_ATTR))
			continue;
		const char *id = crm_element_value(x, XML_ATTR_ID);
		const char *name = crm_element_value(x, XML_ATTR_UNAME);
		if (!id || !name || strcmp(name, p->cs.local_name) == 0)
			continue;
		unsigned nodeid = (unsigned)strtoul(id, NULL, 10);
		char ack[BE_NAME_MAX + sizeof(ACK_PREFIX)];
		snprintf(ack, sizeof(ack), ACK_PREFIX "%s", p->cs.local_name);
		if (!nv_value(x, XML_TAG_ATTR_SETS, ack)) {
			/* Root's file: through the privileged helper when
			 * clusterd has given up root (launch_pcmk.c). */
			int e = launch_corosync_remove_node(name, nodeid);
			if (e && e != EALREADY) {
				log_error("pacemaker: evict %s: not removed from corosync's configuration: %s", name,
					  strerror(e));
				continue;
			}
			if (set_node_attr(p, id, ack, "1") != BE_OK)
				continue;
			return; /* the write brings a new view, and a new step */
		}
		/* The finisher: the member with the lowest node id. */
		const struct corosync_node *me = NULL, *first = NULL;
		bool all = true;
		for (size_t i = 0; i < p->cs.nnodes; i++) {
			const struct corosync_node *c = &p->cs.nodes[i];
			if (!c->joined || strcmp(c->name, name) == 0)
				continue;
			if (!first || c->nodeid < first->nodeid)
				first = c;
			if (strcmp(c->name, p->cs.local_name) == 0)
				me = c;
			char a[BE_NAME_MAX + sizeof(ACK_PREFIX)];
			snprintf(a, sizeof(a), ACK_PREFIX "%s", c->name);
			if (!nv_value(x, XML_TAG_ATTR_SETS, a))
				all = false;
		}
		if (!me || me != first || !all)
			continue;
		log_info("pacemaker: evict %s: every member has it out of its nodelist: reloading corosync, "
			 "removing it from Pacemaker",
			 name);
		int e = launch_corosync_reload();
		if (!e)
			e = launch_crm_node_remove(name);
		if (!e)
			log_info("pacemaker: evict %s: done", name);
		else
			log_error("pacemaker: evict %s: corosync-cfgtool -R, crm_node --force -R: %s", name,
				  strerror(e));
		p->dirty = true;
		return;
	}
}
