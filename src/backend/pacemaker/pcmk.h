/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Inside the Pacemaker backend: what its files share. */
#ifndef BACKEND_PACEMAKER_PCMK_H
#define BACKEND_PACEMAKER_PCMK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend/backend.h"

/* ---- corosync.c: what corosync knows (cmap, votequorum) ---- */

#define COROSYNC_MAX_NODES 32
#define COROSYNC_MAX_LINKS 8

struct corosync_node {
	char name[BE_NAME_MAX];
	uint32_t nodeid;
	bool joined; /* runtime.members.ID.status is "joined" */
	char addr[COROSYNC_MAX_LINKS][64]; /* ringN_addr, "" when the link is not configured */
	bool link_up[COROSYNC_MAX_LINKS];  /* knet: this node reaches it on link N */
};

struct corosync_view {
	char cluster_name[BE_NAME_MAX];
	char local_name[BE_NAME_MAX];
	struct corosync_node nodes[COROSYNC_MAX_NODES];
	size_t nnodes;
	size_t nlinks; /* highest configured link + 1 */
};

/* Read the nodelist, the cluster name, the membership and the state of each
 * knet link (from this node) from cmap.  0, or -1 when corosync does not
 * answer. */
int corosync_read(struct corosync_view *v);

/* The IPv4 subnet ("10.77.0.0/24") of the local interface holding addr;
 * "addr/32" when no local interface has it. */
void corosync_subnet_of(const char *addr, char *out, size_t cap);

struct corosync_quorum;
struct corosync_quorum *corosync_quorum_new(void);
void corosync_quorum_free(struct corosync_quorum *q);
/* Is the partition this node is in quorate right now?  false as well when
 * corosync does not answer: a node that cannot tell must not answer from
 * what it saw before. */
bool corosync_quorate(struct corosync_quorum *q);

/* ---- watch.c: CIB change notifications on a thread of their own ---- */

struct pcmk_watch;
/* Start the thread: it connects to the CIB, registers for diff
 * notifications and adds 1 to the eventfd efd on each (and on a lost
 * connection); it reconnects by itself. */
struct pcmk_watch *pcmk_watch_start(int efd);
void pcmk_watch_stop(struct pcmk_watch *w);

#endif
