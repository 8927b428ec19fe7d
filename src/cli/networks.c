/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusctl network list | show NAME | rename NAME NEWNAME
 * clusctl netinterface list | show NAME
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

/* The two kinds differ only in their calls and words. */
struct kind {
	const char *noun, *plural, *what;
	DWORD enum_type;
	void *(*open)(HCLUSTER hc, LPCWSTR name);
	int (*state)(void *h);
	void (*close)(void *h);
	const char *(*word)(int state);
	int unknown;
};

static void *net_open(HCLUSTER hc, LPCWSTR name)
{
	return OpenClusterNetwork(hc, name);
}
static int net_state(void *h)
{
	return GetClusterNetworkState(h);
}
static void net_close(void *h)
{
	CloseClusterNetwork(h);
}
static void *nif_open(HCLUSTER hc, LPCWSTR name)
{
	return OpenClusterNetInterface(hc, name);
}
static int nif_state(void *h)
{
	return GetClusterNetInterfaceState(h);
}
static void nif_close(void *h)
{
	CloseClusterNetInterface(h);
}

static const struct kind network = { "network", "networks", "network name", CLUSTER_ENUM_NETWORK, net_open, net_state,
				     net_close, network_state_word, ClusterNetworkStateUnknown };
static const struct kind netinterface = { "netinterface", "network interfaces", "interface name",
					  CLUSTER_ENUM_NETINTERFACE, nif_open, nif_state, nif_close,
					  netinterface_state_word, ClusterNetInterfaceStateUnknown };

/* Which node each interface is on: the API has no call that says so for an
 * interface, so ask every node for its interfaces.  names[i] -> nodes.v[i]. */
static DWORD interface_nodes(HCLUSTER hc, const struct strlist *ifnames, struct strlist *nodes)
{
	struct strlist all = { 0 };
	char **owner = calloc(ifnames->n + 1, sizeof(*owner));
	DWORD err = owner ? enum_cluster(hc, CLUSTER_ENUM_NODE, &all, NULL) : ERROR_NOT_ENOUGH_MEMORY;
	for (size_t n = 0; !err && n < all.n; n++) {
		LPWSTR w = ClusapiUtf8ToWide(all.v[n]);
		HNODE h = w ? OpenClusterNode(hc, w) : NULL;
		free(w);
		if (!h)
			continue;
		struct strlist ifs = { 0 };
		if (enum_node(h, CLUSTER_NODE_ENUM_NETINTERFACES, &ifs) == ERROR_SUCCESS)
			for (size_t i = 0; i < ifnames->n; i++)
				for (size_t j = 0; j < ifs.n; j++)
					if (!owner[i] && strcasecmp(ifnames->v[i], ifs.v[j]) == 0)
						owner[i] = all.v[n];
		strlist_free(&ifs);
		CloseClusterNode(h);
	}
	for (size_t i = 0; !err && i < ifnames->n; i++)
		if (!strlist_add(nodes, owner[i] ? owner[i] : ""))
			err = ERROR_NOT_ENOUGH_MEMORY;
	free(owner);
	strlist_free(&all);
	return err;
}

static void object_json(const struct kind *k, bool *first, const char *name, const char *id, int state,
			const char *node)
{
	json_str(first, "name", name);
	json_str(first, "id", id);
	json_str(first, "state", k->word(state));
	json_int(first, "state_code", state);
	if (k == &netinterface)
		json_str(first, "node", node);
}

static int object_list(const struct cli *cli, HCLUSTER hc, const struct kind *k)
{
	struct strlist names = { 0 }, ids = { 0 }, nodes = { 0 };
	DWORD err = enum_cluster(hc, k->enum_type, &names, &ids);
	if (!err && k == &netinterface)
		err = interface_nodes(hc, &names, &nodes);
	if (err) {
		failf(err, "cannot list the %s", k->plural);
		strlist_free(&names);
		strlist_free(&ids);
		return EXIT_FAILED;
	}
	static const char *const net_headers[] = { "NAME", "ID", "STATE" };
	static const char *const nif_headers[] = { "NAME", "NODE", "STATE" };
	struct listing l;
	listing_begin(&l, cli->json, 3, k == &netinterface ? nif_headers : net_headers);
	for (size_t i = 0; i < names.n; i++) {
		LPWSTR w = ClusapiUtf8ToWide(names.v[i]);
		void *h = w ? k->open(hc, w) : NULL;
		free(w);
		if (!h)
			continue; /* gone since the enumeration */
		int state = k->state(h);
		k->close(h);
		const char *node = k == &netinterface ? nodes.v[i] : NULL;
		if (cli->json) {
			bool first = true;
			listing_object(&l);
			object_json(k, &first, names.v[i], ids.v[i], state, node);
			listing_object_end(&l);
		} else {
			const char *row[] = { names.v[i], node ? node : ids.v[i], k->word(state) };
			listing_row(&l, row);
		}
	}
	listing_end(&l);
	strlist_free(&names);
	strlist_free(&ids);
	strlist_free(&nodes);
	return 0;
}

static int object_show(const struct cli *cli, HCLUSTER hc, const struct kind *k, const char *name)
{
	LPWSTR w = cli_wide(name, k->what);
	if (!w)
		return EXIT_USAGE;
	void *h = k->open(hc, w);
	free(w);
	if (!h) {
		failf(GetLastError(), "cannot open %s \"%s\"", k->noun, name);
		return EXIT_FAILED;
	}
	int state = k->state(h);
	DWORD err = state == k->unknown ? GetLastError() : ERROR_SUCCESS;
	k->close(h);
	if (err) {
		failf(err, "cannot read %s \"%s\"", k->noun, name);
		return EXIT_FAILED;
	}
	char *canonical, *id;
	lookup_name_id(hc, k->enum_type, name, &canonical, &id);
	struct strlist one = { 0 }, nodes = { 0 };
	if (k == &netinterface && strlist_add(&one, canonical ? canonical : name))
		interface_nodes(hc, &one, &nodes);
	const char *node = nodes.n ? nodes.v[0] : NULL;
	if (cli->json) {
		bool first = true;
		printf("{");
		object_json(k, &first, canonical ? canonical : name, id, state, node);
		printf("}\n");
	} else {
		kv("Name", "%s", canonical ? canonical : name);
		kv("Id", "%s", id ? id : "-");
		kv("State", "%s (%d)", k->word(state), state);
		if (k == &netinterface)
			kv("Node", "%s", node && *node ? node : "-");
	}
	free(canonical);
	free(id);
	strlist_free(&one);
	strlist_free(&nodes);
	return 0;
}

/* network rename NAME NEWNAME (issue 13): SetClusterNetworkName. */
static int network_rename(HCLUSTER hc, const char *name, const char *newname)
{
	LPWSTR w = cli_wide(name, "network name"), nw = w ? cli_wide(newname, "new name") : NULL;
	if (!nw) {
		free(w);
		return EXIT_USAGE;
	}
	HNETWORK h = OpenClusterNetwork(hc, w);
	int rc = EXIT_FAILED;
	if (!h) {
		failf(GetLastError(), "cannot open network \"%s\"", name);
	} else {
		DWORD err = SetClusterNetworkName(h, nw);
		CloseClusterNetwork(h);
		if (err) {
			failf(err, "cannot rename network \"%s\" to \"%s\"", name, newname);
		} else {
			printf("network %s: renamed to %s\n", name, newname);
			rc = 0;
		}
	}
	free(w);
	free(nw);
	return rc;
}

static int run(const struct cli *cli, const struct args *a, const struct kind *k)
{
	HCLUSTER hc = cli_open_cluster(cli);
	if (!hc)
		return EXIT_FAILED;
	int rc;
	if (strcmp(a->verb, "list") == 0)
		rc = object_list(cli, hc, k);
	else if (strcmp(a->verb, "rename") == 0)
		rc = network_rename(hc, a->pos[0], a->pos[1]);
	else
		rc = object_show(cli, hc, k, a->pos[0]);
	return cli_close_cluster(hc, rc);
}

int cmd_network(const struct cli *cli, const struct args *a)
{
	return run(cli, a, &network);
}

int cmd_netinterface(const struct cli *cli, const struct args *a)
{
	return run(cli, a, &netinterface);
}
