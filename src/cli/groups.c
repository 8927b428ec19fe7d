/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusctl group list | show NAME | create NAME | delete NAME | online NAME |
 * offline NAME | move NAME [NODE] | rename NAME NEWNAME
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct group_state {
	HGROUP h;
	int state;
};

static DWORD group_state_get(void *ctx, LPWSTR buf, LPDWORD cch)
{
	struct group_state *g = ctx;
	g->state = GetClusterGroupState(g->h, buf, cch);
	return g->state == ClusterGroupStateUnknown ? GetLastError() : ERROR_SUCCESS;
}

/* The state, and the owner node in *owner (malloc'd). */
static DWORD group_state(HGROUP h, int *state, char **owner)
{
	struct group_state g = { h, ClusterGroupStateUnknown };
	DWORD err;
	*owner = get_string(group_state_get, &g, &err);
	*state = g.state;
	return err;
}

static int group_list(const struct cli *cli, HCLUSTER hc)
{
	struct strlist names = { 0 }, ids = { 0 };
	DWORD err = enum_cluster(hc, CLUSTER_ENUM_GROUP, &names, &ids);
	if (err) {
		fail("cannot list the groups", err);
		return EXIT_FAILED;
	}
	static const char *const headers[] = { "NAME", "OWNER NODE", "STATE" };
	struct listing l;
	listing_begin(&l, cli->json, 3, headers);
	for (size_t i = 0; i < names.n; i++) {
		LPWSTR w = ClusapiUtf8ToWide(names.v[i]);
		HGROUP h = w ? OpenClusterGroup(hc, w) : NULL;
		free(w);
		if (!h)
			continue; /* gone since the enumeration */
		int state;
		char *owner;
		err = group_state(h, &state, &owner);
		CloseClusterGroup(h);
		if (err)
			continue;
		if (cli->json) {
			bool first = true;
			listing_object(&l);
			json_str(&first, "name", names.v[i]);
			json_str(&first, "id", ids.v[i]);
			json_str(&first, "state", group_state_word(state));
			json_int(&first, "state_code", state);
			json_str(&first, "owner_node", owner);
			listing_object_end(&l);
		} else {
			const char *row[] = { names.v[i], owner, group_state_word(state) };
			listing_row(&l, row);
		}
		free(owner);
	}
	listing_end(&l);
	strlist_free(&names);
	strlist_free(&ids);
	return 0;
}

static int group_show(const struct cli *cli, HCLUSTER hc, const char *name)
{
	HGROUP h = cli_open_group(hc, name);
	if (!h)
		return EXIT_FAILED;
	int rc = EXIT_FAILED, state;
	char *owner = NULL, *canonical, *id;
	struct strlist resources = { 0 }, nodes = { 0 };
	DWORD err = group_state(h, &state, &owner);
	if (!err)
		err = enum_group(h, CLUSTER_GROUP_ENUM_CONTAINS, &resources);
	if (!err)
		err = enum_group(h, CLUSTER_GROUP_ENUM_NODES, &nodes);
	lookup_name_id(hc, CLUSTER_ENUM_GROUP, name, &canonical, &id);
	if (err) {
		failf(err, "cannot read group \"%s\"", name);
	} else if (cli->json) {
		bool first = true;
		printf("{");
		json_str(&first, "name", canonical ? canonical : name);
		json_str(&first, "id", id);
		json_str(&first, "state", group_state_word(state));
		json_int(&first, "state_code", state);
		json_str(&first, "owner_node", owner);
		json_list(&first, "resources", &resources);
		json_list(&first, "preferred_nodes", &nodes);
		printf("}\n");
		rc = 0;
	} else {
		kv("Name", "%s", canonical ? canonical : name);
		kv("Id", "%s", id ? id : "-");
		kv("State", "%s (%d)", group_state_word(state), state);
		kv("Owner node", "%s", owner && *owner ? owner : "-");
		kv("Resources", "%s", strlist_join(&resources));
		kv("Preferred nodes", "%s", strlist_join(&nodes));
		rc = 0;
	}
	free(owner);
	free(canonical);
	free(id);
	strlist_free(&resources);
	strlist_free(&nodes);
	CloseClusterGroup(h);
	return rc;
}

static int group_create(HCLUSTER hc, const char *name)
{
	LPWSTR w = cli_wide(name, "group name");
	if (!w)
		return EXIT_USAGE;
	HGROUP h = CreateClusterGroup(hc, w);
	free(w);
	if (!h) {
		failf(GetLastError(), "cannot create group \"%s\"", name);
		return EXIT_FAILED;
	}
	int state;
	char *owner;
	if (group_state(h, &state, &owner) == ERROR_SUCCESS)
		printf("group %s: created (%s)\n", name, group_state_word(state));
	else
		printf("group %s: created\n", name);
	free(owner);
	CloseClusterGroup(h);
	return 0;
}

static int settle_state(void *ctx)
{
	return GetClusterGroupState(ctx, NULL, NULL);
}

static bool settle_pending(int state)
{
	return state == ClusterGroupPending;
}

static int group_change(HCLUSTER hc, const struct args *a)
{
	const char *verb = a->verb, *name = a->pos[0];
	HGROUP h = cli_open_group(hc, name);
	if (!h)
		return EXIT_FAILED;
	HNODE node = NULL;
	LPWSTR newname = NULL;
	DWORD err = ERROR_SUCCESS;
	int rc = EXIT_FAILED;

	if (strcmp(verb, "move") == 0 && a->npos > 1) {
		LPWSTR w = cli_wide(a->pos[1], "node name");
		if (!w)
			goto out;
		node = OpenClusterNode(hc, w);
		free(w);
		if (!node) {
			failf(GetLastError(), "cannot open node \"%s\"", a->pos[1]);
			goto out;
		}
	}
	if (strcmp(verb, "rename") == 0 && !(newname = cli_wide(a->pos[1], "new name"))) {
		rc = EXIT_USAGE;
		goto out;
	}

	if (strcmp(verb, "delete") == 0)
		err = DeleteClusterGroup(h);
	else if (strcmp(verb, "online") == 0)
		err = OnlineClusterGroup(h, NULL);
	else if (strcmp(verb, "offline") == 0)
		err = OfflineClusterGroup(h);
	else if (strcmp(verb, "move") == 0)
		err = MoveClusterGroup(h, node);
	else
		err = SetClusterGroupName(h, newname);
	if (err == ERROR_IO_PENDING) {
		wait_settled(settle_state, settle_pending, h);
		err = ERROR_SUCCESS;
	}
	if (err) {
		if (node)
			failf(err, "cannot move group \"%s\" to node \"%s\"", name, a->pos[1]);
		else if (newname)
			failf(err, "cannot rename group \"%s\" to \"%s\"", name, a->pos[1]);
		else
			failf(err, "cannot %s group \"%s\"", verb_phrase(verb), name);
		goto out;
	}

	int state;
	char *owner = NULL;
	DWORD serr = newname || strcmp(verb, "delete") == 0 ? ERROR_INVALID_FUNCTION : group_state(h, &state, &owner);
	if (strcmp(verb, "delete") == 0)
		printf("group %s: deleted\n", name);
	else if (newname)
		printf("group %s: renamed to %s\n", name, a->pos[1]);
	else if (strcmp(verb, "move") == 0)
		printf("group %s: moved to %s (%s)\n", name, serr ? (node ? a->pos[1] : "?") : owner,
		       serr ? "?" : group_state_word(state));
	else
		printf("group %s: %s\n", name, serr ? verb : group_state_word(state));
	free(owner);
	rc = 0;
out:
	free(newname);
	if (node)
		CloseClusterNode(node);
	CloseClusterGroup(h);
	return rc;
}

int cmd_group(const struct cli *cli, const struct args *a)
{
	HCLUSTER hc = cli_open_cluster(cli);
	if (!hc)
		return EXIT_FAILED;
	int rc;
	if (strcmp(a->verb, "list") == 0)
		rc = group_list(cli, hc);
	else if (strcmp(a->verb, "show") == 0)
		rc = group_show(cli, hc, a->pos[0]);
	else if (strcmp(a->verb, "create") == 0)
		rc = group_create(hc, a->pos[0]);
	else
		rc = group_change(hc, a);
	return cli_close_cluster(hc, rc);
}
