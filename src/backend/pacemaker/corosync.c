/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the Pacemaker backend reads from corosync itself: the cluster name, the
 * nodelist with each node's link addresses (knet links: ring0_addr,
 * ring1_addr...), who is a member now and which links are connected (cmap).
 * Quorum is quorum.c.
 */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <corosync/cmap.h>

#include "pcmk.h"

static void get_string(cmap_handle_t h, const char *key, char *out, size_t cap)
{
	char *s = NULL;
	out[0] = 0;
	if (cmap_get_string(h, key, &s) == CS_OK && s)
		snprintf(out, cap, "%s", s);
	free(s);
}

/* knet's view of each link from this node: stats.knet.nodeID.linkN.connected
 * in the statistics map. */
static void read_links(struct corosync_view *v)
{
	cmap_handle_t h;
	char key[128];
	if (cmap_initialize_map(&h, CMAP_MAP_STATS) != CS_OK)
		return;
	for (size_t i = 0; i < v->nnodes; i++) {
		for (size_t l = 0; l < v->nlinks; l++) {
			uint8_t up = 0;
			snprintf(key, sizeof(key), "stats.knet.node%u.link%zu.connected", v->nodes[i].nodeid, l);
			v->nodes[i].link_up[l] = v->nodes[i].addr[l][0] && cmap_get_uint8(h, key, &up) == CS_OK && up;
		}
	}
	cmap_finalize(h);
}

int corosync_read(struct corosync_view *v)
{
	cmap_handle_t h;
	char key[128], status[32];
	uint32_t pos = UINT32_MAX;

	memset(v, 0, sizeof(*v));
	if (cmap_initialize(&h) != CS_OK)
		return -1;
	get_string(h, "totem.cluster_name", v->cluster_name, sizeof(v->cluster_name));
	cmap_get_uint32(h, "nodelist.local_node_pos", &pos);
	for (uint32_t i = 0; i < COROSYNC_MAX_NODES; i++) {
		struct corosync_node *n = &v->nodes[v->nnodes];
		snprintf(key, sizeof(key), "nodelist.node.%u.nodeid", i);
		if (cmap_get_uint32(h, key, &n->nodeid) != CS_OK)
			break;
		snprintf(key, sizeof(key), "nodelist.node.%u.name", i);
		get_string(h, key, n->name, sizeof(n->name));
		for (size_t l = 0; l < COROSYNC_MAX_LINKS; l++) {
			snprintf(key, sizeof(key), "nodelist.node.%u.ring%zu_addr", i, l);
			get_string(h, key, n->addr[l], sizeof(n->addr[l]));
			if (n->addr[l][0] && l + 1 > v->nlinks)
				v->nlinks = l + 1;
		}
		/* Pacemaker names a node without a name by its first address. */
		if (!n->name[0])
			memcpy(n->name, n->addr[0], sizeof(n->addr[0]));
		snprintf(key, sizeof(key), "runtime.members.%u.status", n->nodeid);
		get_string(h, key, status, sizeof(status));
		n->joined = strcmp(status, "joined") == 0;
		if (i == pos)
			memcpy(v->local_name, n->name, sizeof(v->local_name));
		v->nnodes++;
	}
	cmap_finalize(h);
	read_links(v);
	return 0;
}

void corosync_subnet_of(const char *addr, char *out, size_t cap)
{
	struct in_addr want;
	struct ifaddrs *ifs = NULL;

	snprintf(out, cap, "%s/32", addr);
	if (inet_pton(AF_INET, addr, &want) != 1 || getifaddrs(&ifs) < 0)
		return;
	for (struct ifaddrs *i = ifs; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !i->ifa_netmask)
			continue;
		struct in_addr a = ((struct sockaddr_in *)i->ifa_addr)->sin_addr;
		struct in_addr m = ((struct sockaddr_in *)i->ifa_netmask)->sin_addr;
		if (a.s_addr != want.s_addr)
			continue;
		struct in_addr net = { .s_addr = a.s_addr & m.s_addr };
		char text[INET_ADDRSTRLEN];
		inet_ntop(AF_INET, &net, text, sizeof(text));
		snprintf(out, cap, "%s/%d", text, __builtin_popcount(m.s_addr));
		break;
	}
	freeifaddrs(ifs);
}
