/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * For bench/failover.sh: a client over TCP that holds a group handle through
 * one node while that node dies, and times what it sees.
 *
 * Usage: reconnect_probe NODE USER PASSWORD GROUP
 * Opens the cluster through NODE with NTLM credentials and the group, prints
 * "ready OWNER" and waits for a line on stdin (the owner is being killed
 * then).  It then reads the group's state every 50 ms and prints, in ms since
 * that line:
 *   "reconnect MS CALL_MS NODE"  the first read answered by another node: when,
 *                                how long that one call took (its reconnect
 *                                included), and through which node
 *   "online MS NODE"             the group seen online on another node
 * Gives up after 30 s (exit 1).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clusapi.h"

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static char *utf8(const WCHAR *w)
{
	char *s = ClusapiWideToUtf8(w);
	return s ? s : strdup("?");
}

static char *connected_node(HCLUSTER h)
{
	WCHAR buf[128];
	DWORD cch = 128;
	return ClusapiGetConnectedNodeName(h, buf, &cch) == ERROR_SUCCESS ? utf8(buf) : strdup("?");
}

int main(int argc, char **argv)
{
	if (argc != 5) {
		fprintf(stderr, "usage: reconnect_probe NODE USER PASSWORD GROUP\n");
		return 2;
	}
	LPWSTR node = ClusapiUtf8ToWide(argv[1]), user = ClusapiUtf8ToWide(argv[2]), pw = ClusapiUtf8ToWide(argv[3]),
	       group = ClusapiUtf8ToWide(argv[4]);
	HCLUSTER h = ClusapiOpenClusterWithCredentials(node, user, pw, GENERIC_READ, NULL);
	if (!h) {
		fprintf(stderr, "reconnect_probe: open: %s\n", ClusapiErrorName(GetLastError()));
		return 1;
	}
	HGROUP g = OpenClusterGroup(h, group);
	WCHAR owner[128];
	DWORD cch = 128;
	if (!g || GetClusterGroupState(g, owner, &cch) == ClusterGroupStateUnknown) {
		fprintf(stderr, "reconnect_probe: group: %s\n", ClusapiErrorName(GetLastError()));
		return 1;
	}
	char *first_owner = utf8(owner), *first_node = connected_node(h);
	printf("ready %s\n", first_owner);
	fflush(stdout);
	char line[16];
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	double t0 = now_ms();
	bool reconnected = false;
	while (now_ms() - t0 < 30000) {
		double c0 = now_ms();
		cch = 128;
		CLUSTER_GROUP_STATE st = GetClusterGroupState(g, owner, &cch);
		double c1 = now_ms();
		char *on = connected_node(h);
		if (!reconnected && st != ClusterGroupStateUnknown && strcmp(on, first_node) != 0) {
			printf("reconnect %.0f %.1f %s\n", c0 - t0, c1 - c0, on);
			fflush(stdout);
			reconnected = true;
		}
		char *o = utf8(owner);
		bool done = st == ClusterGroupOnline && strcmp(o, first_owner) != 0;
		if (done)
			printf("online %.0f %s\n", c1 - t0, o);
		free(o);
		free(on);
		if (done)
			return 0;
		struct timespec ts = { 0, 50 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return 1;
}
