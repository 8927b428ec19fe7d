/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Issue 11, dependencies and owners:
 *   clusctl resource depend NAME PROVIDER       NAME depends on PROVIDER
 *   clusctl resource undepend NAME PROVIDER     ... no longer
 *   clusctl resource owners NAME [add|remove NODE]
 *                                              possible owners (list, change)
 *   clusctl group owners NAME [set [NODE...]]  preferred owners, in order
 * A change prints one line ("resource web: depends on ip"); with --json each
 * command prints the object's list as it is afterwards:
 *   {"name": NAME, "depends_on": [...], "dependents": [...]}
 *   {"name": NAME, "possible_owners": [...]}
 *   {"name": NAME, "preferred_owners": [...]}
 */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* {"name": NAME, KEY: [...] (, KEY2: [...])} */
static void print_lists(const char *name, const char *key, const struct strlist *l, const char *key2,
			const struct strlist *l2)
{
	bool first = true;
	printf("{");
	json_str(&first, "name", name);
	json_list(&first, key, l);
	if (key2)
		json_list(&first, key2, l2);
	printf("}\n");
}

/* ---- resource depend / undepend ------------------------------------------------- */

static int depend(const struct cli *cli, HCLUSTER hc, const struct args *a)
{
	bool add = strcmp(a->verb, "depend") == 0;
	const char *name = a->pos[0], *prov = a->pos[1];
	HRESOURCE r = cli_open_resource(hc, name);
	HRESOURCE p = r ? cli_open_resource(hc, prov) : NULL;
	int rc = EXIT_FAILED;
	if (r && p) {
		DWORD err = add ? AddClusterResourceDependency(r, p) : RemoveClusterResourceDependency(r, p);
		if (err) {
			failf(err, "cannot make resource \"%s\" %s on \"%s\"", name, add ? "depend" : "stop depending",
			      prov);
		} else if (cli->json) {
			struct strlist deps = { 0 }, provides = { 0 };
			err = enum_resource(r, CLUSTER_RESOURCE_ENUM_DEPENDS, &deps);
			if (!err)
				err = enum_resource(r, CLUSTER_RESOURCE_ENUM_PROVIDES, &provides);
			if (err)
				failf(err, "cannot read the dependencies of resource \"%s\"", name);
			else {
				print_lists(name, "depends_on", &deps, "dependents", &provides);
				rc = 0;
			}
			strlist_free(&deps);
			strlist_free(&provides);
		} else {
			printf("resource %s: %s %s\n", name, add ? "depends on" : "no longer depends on", prov);
			rc = 0;
		}
	}
	if (p)
		CloseClusterResource(p);
	if (r)
		CloseClusterResource(r);
	return rc;
}

/* ---- resource owners NAME [add|remove NODE] ------------------------------------------- */

static int resource_owners(const struct cli *cli, HCLUSTER hc, const struct args *a)
{
	const char *name = a->pos[0], *op = a->npos > 1 ? a->pos[1] : NULL;
	if (op && (a->npos != 3 || (strcmp(op, "add") != 0 && strcmp(op, "remove") != 0))) {
		fprintf(stderr, "clusctl: usage: clusctl resource owners NAME [add|remove NODE]\n");
		return EXIT_USAGE;
	}
	HRESOURCE r = cli_open_resource(hc, name);
	if (!r)
		return EXIT_FAILED;
	int rc = EXIT_FAILED;
	DWORD err = ERROR_SUCCESS;
	if (op) {
		HNODE n = cli_open_node(hc, a->pos[2]);
		if (!n) {
			CloseClusterResource(r);
			return EXIT_FAILED;
		}
		bool add = strcmp(op, "add") == 0;
		err = add ? AddClusterResourceNode(r, n) : RemoveClusterResourceNode(r, n);
		CloseClusterNode(n);
		if (err) {
			failf(err, "cannot %s node \"%s\" %s the possible owners of resource \"%s\"", op, a->pos[2],
			      add ? "to" : "from", name);
			CloseClusterResource(r);
			return EXIT_FAILED;
		}
		if (!cli->json) {
			printf("resource %s: %s possible owner %s\n", name, add ? "added" : "removed", a->pos[2]);
			CloseClusterResource(r);
			return 0;
		}
	}
	struct strlist nodes = { 0 };
	err = enum_resource(r, CLUSTER_RESOURCE_ENUM_NODES, &nodes);
	if (err) {
		failf(err, "cannot read the possible owners of resource \"%s\"", name);
	} else if (cli->json) {
		print_lists(name, "possible_owners", &nodes, NULL, NULL);
		rc = 0;
	} else {
		for (size_t i = 0; i < nodes.n; i++)
			printf("%s\n", nodes.v[i]);
		rc = 0;
	}
	strlist_free(&nodes);
	CloseClusterResource(r);
	return rc;
}

/* ---- group owners NAME [set [NODE...]] ---------------------------------------------- */

static int group_owners(const struct cli *cli, HCLUSTER hc, const struct args *a)
{
	const char *name = a->pos[0];
	bool set = a->npos > 1;
	if (set && strcmp(a->pos[1], "set") != 0) {
		fprintf(stderr, "clusctl: usage: clusctl group owners NAME [set [NODE...]]\n");
		return EXIT_USAGE;
	}
	HGROUP g = cli_open_group(hc, name);
	if (!g)
		return EXIT_FAILED;
	int rc = EXIT_FAILED;
	DWORD err;
	if (set) {
		HNODE nodes[16];
		int n = 0;
		bool ok = true;
		for (int i = 2; i < a->npos && ok; i++) {
			nodes[n] = cli_open_node(hc, a->pos[i]);
			ok = nodes[n] != NULL;
			n += ok;
		}
		err = ok ? SetClusterGroupNodeList(g, (DWORD)n, n ? nodes : NULL) : ERROR_SUCCESS;
		for (int i = 0; i < n; i++)
			CloseClusterNode(nodes[i]);
		if (!ok || err) {
			if (ok)
				failf(err, "cannot set the preferred owners of group \"%s\"", name);
			CloseClusterGroup(g);
			return EXIT_FAILED;
		}
		if (!cli->json) {
			struct strlist l = { 0 };
			for (int i = 2; i < a->npos; i++)
				strlist_add(&l, a->pos[i]);
			printf("group %s: preferred owners %s\n", name, strlist_join(&l));
			strlist_free(&l);
			CloseClusterGroup(g);
			return 0;
		}
	}
	struct strlist nodes = { 0 };
	err = enum_group(g, CLUSTER_GROUP_ENUM_NODES, &nodes);
	if (err) {
		failf(err, "cannot read the preferred owners of group \"%s\"", name);
	} else if (cli->json) {
		print_lists(name, "preferred_owners", &nodes, NULL, NULL);
		rc = 0;
	} else {
		for (size_t i = 0; i < nodes.n; i++)
			printf("%s\n", nodes.v[i]);
		rc = 0;
	}
	strlist_free(&nodes);
	CloseClusterGroup(g);
	return rc;
}

int cmd_deps(const struct cli *cli, const struct args *a)
{
	HCLUSTER hc = cli_open_cluster(cli);
	if (!hc)
		return EXIT_FAILED;
	int rc;
	if (strcmp(a->noun, "group") == 0)
		rc = group_owners(cli, hc, a);
	else if (strcmp(a->verb, "owners") == 0)
		rc = resource_owners(cli, hc, a);
	else
		rc = depend(cli, hc, a);
	return cli_close_cluster(hc, rc);
}
