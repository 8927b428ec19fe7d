/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusctl watch: the cluster's changes as they happen, through a notification
 * port (CreateClusterNotifyPort / GetClusterNotify), one line per change; with
 * --json one JSON object per line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "cli.h"

static const struct {
	DWORD bit;
	const char *what;
} events[] = {
	{ CLUSTER_CHANGE_NODE_STATE, "node state" },
	{ CLUSTER_CHANGE_NODE_DELETED, "node deleted" },
	{ CLUSTER_CHANGE_NODE_ADDED, "node added" },
	{ CLUSTER_CHANGE_NODE_PROPERTY, "node property" },
	{ CLUSTER_CHANGE_REGISTRY_NAME, "registry name" },
	{ CLUSTER_CHANGE_REGISTRY_ATTRIBUTES, "registry attributes" },
	{ CLUSTER_CHANGE_REGISTRY_VALUE, "registry value" },
	{ CLUSTER_CHANGE_REGISTRY_SUBTREE, "registry subtree" },
	{ CLUSTER_CHANGE_RESOURCE_STATE, "resource state" },
	{ CLUSTER_CHANGE_RESOURCE_DELETED, "resource deleted" },
	{ CLUSTER_CHANGE_RESOURCE_ADDED, "resource added" },
	{ CLUSTER_CHANGE_RESOURCE_PROPERTY, "resource property" },
	{ CLUSTER_CHANGE_GROUP_STATE, "group state" },
	{ CLUSTER_CHANGE_GROUP_DELETED, "group deleted" },
	{ CLUSTER_CHANGE_GROUP_ADDED, "group added" },
	{ CLUSTER_CHANGE_GROUP_PROPERTY, "group property" },
	{ CLUSTER_CHANGE_RESOURCE_TYPE_DELETED, "resource type deleted" },
	{ CLUSTER_CHANGE_RESOURCE_TYPE_ADDED, "resource type added" },
	{ CLUSTER_CHANGE_RESOURCE_TYPE_PROPERTY, "resource type property" },
	{ CLUSTER_CHANGE_CLUSTER_RECONNECT, "cluster reconnect" },
	{ CLUSTER_CHANGE_NETWORK_STATE, "network state" },
	{ CLUSTER_CHANGE_NETWORK_DELETED, "network deleted" },
	{ CLUSTER_CHANGE_NETWORK_ADDED, "network added" },
	{ CLUSTER_CHANGE_NETWORK_PROPERTY, "network property" },
	{ CLUSTER_CHANGE_NETINTERFACE_STATE, "netinterface state" },
	{ CLUSTER_CHANGE_NETINTERFACE_DELETED, "netinterface deleted" },
	{ CLUSTER_CHANGE_NETINTERFACE_ADDED, "netinterface added" },
	{ CLUSTER_CHANGE_NETINTERFACE_PROPERTY, "netinterface property" },
	{ CLUSTER_CHANGE_QUORUM_STATE, "quorum state" },
	{ CLUSTER_CHANGE_CLUSTER_STATE, "cluster state" },
	{ CLUSTER_CHANGE_CLUSTER_PROPERTY, "cluster property" },
	{ CLUSTER_CHANGE_HANDLE_CLOSE, "handle close" },
};

static const char *event_word(DWORD bit)
{
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++)
		if (events[i].bit == bit)
			return events[i].what;
	return "unknown";
}

/* The state an object is in now, for a *_STATE event ("" when not known). */
static const char *state_now(HCLUSTER h, DWORD bit, LPCWSTR name)
{
	const char *word = "";
	if (bit == CLUSTER_CHANGE_GROUP_STATE) {
		HGROUP g = OpenClusterGroup(h, name);
		if (g) {
			word = group_state_word(GetClusterGroupState(g, NULL, NULL));
			CloseClusterGroup(g);
		}
	} else if (bit == CLUSTER_CHANGE_RESOURCE_STATE) {
		HRESOURCE r = OpenClusterResource(h, name);
		if (r) {
			word = resource_state_word(GetClusterResourceState(r, NULL, NULL, NULL, NULL));
			CloseClusterResource(r);
		}
	} else if (bit == CLUSTER_CHANGE_NODE_STATE) {
		HNODE n = OpenClusterNode(h, name);
		if (n) {
			word = node_state_word(GetClusterNodeState(n));
			CloseClusterNode(n);
		}
	}
	return word;
}

/* "2026-12-03T13:40:01.123Z" (UTC) */
static void timestamp(char *buf, size_t cap)
{
	struct timeval tv;
	struct tm tm;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	size_t n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, cap - n, ".%03ldZ", (long)(tv.tv_usec / 1000));
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int cmd_watch(const struct cli *cli, const struct args *a)
{
	double seconds = -1;
	if (a->npos == 1) {
		char *end;
		errno = 0;
		seconds = strtod(a->pos[0], &end);
		if (errno || end == a->pos[0] || *end || seconds < 0 || seconds > 86400.0 * 365) {
			fprintf(stderr, "clusctl: watch wants a number of seconds, not \"%s\"\n", a->pos[0]);
			return EXIT_USAGE;
		}
	}
	HCLUSTER h = cli_open_cluster(cli);
	if (!h)
		return EXIT_FAILED;
	HCHANGE port = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, h, 0xFFFFFFFFu, 0);
	if (!port) {
		fail("cannot watch the cluster", GetLastError());
		return cli_close_cluster(h, EXIT_FAILED);
	}
	if (!cli->json) {
		printf("Watching the cluster%s; Ctrl-C stops.\n", seconds >= 0 ? " for the time given" : "");
		fflush(stdout);
	}
	double end = seconds >= 0 ? now_s() + seconds : 0;
	WCHAR *name = NULL;
	DWORD cap = 256;
	int rc = 0;
	for (;;) {
		DWORD wait = INFINITE;
		if (seconds >= 0) {
			double left = end - now_s();
			if (left <= 0)
				break;
			wait = (DWORD)(left * 1000) + 1;
		}
		if (!name && !(name = malloc(cap * sizeof(WCHAR)))) {
			fail("cannot watch the cluster", ERROR_NOT_ENOUGH_MEMORY);
			rc = EXIT_FAILED;
			break;
		}
		DWORD cch = cap, filter = 0;
		DWORD_PTR key;
		DWORD err = GetClusterNotify(port, &key, &filter, name, &cch, wait);
		if (err == WAIT_TIMEOUT)
			continue;
		if (err == ERROR_MORE_DATA) {
			free(name);
			name = NULL;
			cap = cch + 1;
			continue;
		}
		if (err) {
			fail("lost the cluster's notifications", err);
			rc = EXIT_FAILED;
			break;
		}
		char when[40];
		timestamp(when, sizeof(when));
		char *u = ClusapiWideToUtf8(name);
		const char *state = state_now(h, filter, name);
		if (cli->json) {
			bool first = true;
			printf("{");
			json_str(&first, "time", when);
			json_str(&first, "event", event_word(filter));
			json_int(&first, "filter", (long)filter);
			json_str(&first, "name", u ? u : "");
			if (*state)
				json_str(&first, "state", state);
			printf("}\n");
		} else {
			printf("%s  %-22s %s%s%s%s\n", when, event_word(filter), u ? u : "", *state ? " (" : "", state,
			       *state ? ")" : "");
		}
		fflush(stdout);
		free(u);
	}
	free(name);
	CloseClusterNotifyPort(port);
	return cli_close_cluster(h, rc);
}
