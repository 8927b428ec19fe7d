/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusctl node list | show NAME | pause NAME | resume NAME | evict NAME
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

static int node_list(const struct cli *cli, HCLUSTER hc)
{
	struct strlist names = { 0 }, ids = { 0 };
	DWORD err = enum_cluster(hc, CLUSTER_ENUM_NODE, &names, &ids);
	if (err) {
		fail("cannot list the nodes", err);
		return EXIT_FAILED;
	}
	static const char *const headers[] = { "NAME", "ID", "STATE" };
	struct listing l;
	listing_begin(&l, cli->json, 3, headers);
	for (size_t i = 0; i < names.n; i++) {
		LPWSTR w = ClusapiUtf8ToWide(names.v[i]);
		HNODE h = w ? OpenClusterNode(hc, w) : NULL;
		free(w);
		if (!h)
			continue; /* gone since the enumeration */
		int state = GetClusterNodeState(h);
		CloseClusterNode(h);
		if (cli->json) {
			bool first = true;
			listing_object(&l);
			json_str(&first, "name", names.v[i]);
			json_str(&first, "id", ids.v[i]);
			json_str(&first, "state", node_state_word(state));
			json_int(&first, "state_code", state);
			listing_object_end(&l);
		} else {
			const char *row[] = { names.v[i], ids.v[i], node_state_word(state) };
			listing_row(&l, row);
		}
	}
	listing_end(&l);
	strlist_free(&names);
	strlist_free(&ids);
	return 0;
}

static int node_show(const struct cli *cli, HCLUSTER hc, const char *name)
{
	HNODE h = cli_open_node(hc, name);
	if (!h)
		return EXIT_FAILED;
	int rc = EXIT_FAILED;
	struct strlist groups = { 0 }, ifs = { 0 };
	char *canonical, *id;
	int state = GetClusterNodeState(h);
	DWORD err = state == ClusterNodeStateUnknown ? GetLastError() : ERROR_SUCCESS;
	if (!err)
		err = enum_node(h, CLUSTER_NODE_ENUM_GROUPS, &groups);
	if (!err)
		err = enum_node(h, CLUSTER_NODE_ENUM_NETINTERFACES, &ifs);
	lookup_name_id(hc, CLUSTER_ENUM_NODE, name, &canonical, &id);
	if (err) {
		failf(err, "cannot read node \"%s\"", name);
	} else if (cli->json) {
		bool first = true;
		printf("{");
		json_str(&first, "name", canonical ? canonical : name);
		json_str(&first, "id", id);
		json_str(&first, "state", node_state_word(state));
		json_int(&first, "state_code", state);
		json_list(&first, "groups", &groups);
		json_list(&first, "netinterfaces", &ifs);
		printf("}\n");
		rc = 0;
	} else {
		kv("Name", "%s", canonical ? canonical : name);
		kv("Id", "%s", id ? id : "-");
		kv("State", "%s (%d)", node_state_word(state), state);
		kv("Groups", "%s", strlist_join(&groups));
		kv("Net interfaces", "%s", strlist_join(&ifs));
		rc = 0;
	}
	free(canonical);
	free(id);
	strlist_free(&groups);
	strlist_free(&ifs);
	CloseClusterNode(h);
	return rc;
}

static int node_change(HCLUSTER hc, const char *verb, const char *name)
{
	HNODE h = cli_open_node(hc, name);
	if (!h)
		return EXIT_FAILED;
	bool pause = strcmp(verb, "pause") == 0;
	DWORD err = pause ? PauseClusterNode(h) : ResumeClusterNode(h);
	int rc = EXIT_FAILED;
	if (err) {
		failf(err, "cannot %s node \"%s\"", verb, name);
	} else {
		int state = GetClusterNodeState(h);
		printf("node %s: %s\n", name,
		       state == ClusterNodeStateUnknown ? (pause ? "paused" : "up") : node_state_word(state));
		rc = 0;
	}
	CloseClusterNode(h);
	return rc;
}

/* Evict: the server says yes once the eviction is under way (on Pacemaker
 * every node takes part); wait, bounded, until the node is gone. */
#define EVICT_WAIT_S 30

static int node_evict(HCLUSTER hc, const char *name)
{
	HNODE h = cli_open_node(hc, name);
	if (!h)
		return EXIT_FAILED;
	DWORD err = EvictClusterNode(h);
	CloseClusterNode(h);
	if (err) {
		failf(err, "cannot evict node \"%s\"", name);
		return EXIT_FAILED;
	}
	LPWSTR w = cli_wide(name, "node name");
	if (!w)
		return EXIT_FAILED;
	struct timespec step = { 0, 200 * 1000 * 1000 };
	for (int i = 0; i < EVICT_WAIT_S * 5; i++) {
		HNODE still = OpenClusterNode(hc, w);
		if (!still) {
			free(w);
			printf("node %s: evicted\n", name);
			return 0;
		}
		CloseClusterNode(still);
		nanosleep(&step, NULL);
	}
	free(w);
	printf("node %s: eviction under way (still listed after %d s)\n", name, EVICT_WAIT_S);
	return 0;
}

int cmd_node(const struct cli *cli, const struct args *a)
{
	HCLUSTER hc = cli_open_cluster(cli);
	if (!hc)
		return EXIT_FAILED;
	int rc;
	if (strcmp(a->verb, "list") == 0)
		rc = node_list(cli, hc);
	else if (strcmp(a->verb, "show") == 0)
		rc = node_show(cli, hc, a->pos[0]);
	else if (strcmp(a->verb, "evict") == 0)
		rc = node_evict(hc, a->pos[0]);
	else
		rc = node_change(hc, a->verb, a->pos[0]);
	return cli_close_cluster(hc, rc);
}
