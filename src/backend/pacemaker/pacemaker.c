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
 *   quorum    votequorum, tracked by the watch thread and checked on every
 *             call: without quorum (or without corosync) every call is
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
 * This file: the backend's entry points (open, destroy, the ops table).  The
 * others, and which file owns what (and where new work goes), are listed at
 * the top of pcmk.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <crm/cib.h>
#include <crm/common/xml.h>

#include "backend/backend.h"
#include "base/log.h"
#include "pcmk.h"

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
	state_free(p->state);
	if (p->efd >= 0)
		close(p->efd);
	free(p);
}

/* One thread: Pacemaker's libraries keep state per thread (libxml2's node
 * hooks, which crm_xml_init() installs once, on its first caller's thread;
 * and more: with them copied to another thread, its ACL checks still abort
 * there), so clusterd serves this backend with one event loop. */
static const struct backend_ops pacemaker_ops = {
	.name = "pacemaker",
	.one_thread = true,
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
	.depend = pm_depend,
	.owners = pm_owners,
	.set_owners = pm_set_owners,
	.regroup = pm_regroup,
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
	.state_get = pm_state_get,
	.state_put = pm_state_put,
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
	p->quorate_told = -1;
	/* Before anything else of Pacemaker's: cluster_status() aborts on op
	 * history otherwise. */
	crm_xml_init();
	if (corosync_read(&p->cs) < 0 || !p->cs.local_name[0]) {
		snprintf(err, errlen, "cannot read corosync's configuration (cmap): is corosync running on this node?");
		goto fail;
	}
	p->quorum = corosync_quorum_new();
	p->state = state_open();
	p->cib = cib_new();
	p->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (!p->quorum || !p->state || !p->cib || p->efd < 0) {
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
	p->watch = pcmk_watch_start(p->efd, p->quorum);
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
