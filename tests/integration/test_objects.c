/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cluster object API end to end against a real clusterd (--node-name
 * node1, LPC): the seeded objects, enumerations, create / online / offline /
 * delete / rename, node pause and resume, the access matrix (read-only
 * handles), the handle matrix (closed, forged, other-session handles),
 * controls and the cluster registry (skipped while the server answers
 * RPC_S_PROCNUM_OUT_OF_RANGE), and durability across a kill -9.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clusapi.h"
#include "daemon.h"

static struct daemon dmn;
static const char *const daemon_args[] = { "--node-name", "node1", NULL };

static int group_setup(void **state)
{
	(void)state;
	if (daemon_start(&dmn, DAEMON_LPC_ONLY, daemon_args) != 0) {
		fprintf(stderr, "cannot start clusterd (CLUSTERD=%s)\n", getenv("CLUSTERD"));
		return -1;
	}
	daemon_use(&dmn);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	daemon_destroy(&dmn);
	return 0;
}

/* ---- helpers ------------------------------------------------------------- */

static void assert_wide(const WCHAR *w, const char *want)
{
	char *s = ClusapiWideToUtf8(w);
	assert_non_null(s);
	if (strcmp(s, want) != 0)
		fail_msg("got \"%s\", want \"%s\"", s, want);
	free(s);
}

static HCLUSTER open_full(void)
{
	HCLUSTER h = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	assert_non_null(h);
	return h;
}

static HCLUSTER open_read(void)
{
	DWORD granted = 0;
	HCLUSTER h = OpenClusterEx(NULL, GENERIC_READ, &granted);
	assert_non_null(h);
	assert_int_equal(granted, GENERIC_READ);
	return h;
}

static CLUSTER_GROUP_STATE group_state_of(HCLUSTER h, LPCWSTR name)
{
	HGROUP g = OpenClusterGroup(h, name);
	assert_non_null(g);
	CLUSTER_GROUP_STATE st = GetClusterGroupState(g, NULL, NULL);
	assert_true(CloseClusterGroup(g));
	return st;
}

static CLUSTER_RESOURCE_STATE res_state_of(HCLUSTER h, LPCWSTR name)
{
	HRESOURCE r = OpenClusterResource(h, name);
	assert_non_null(r);
	CLUSTER_RESOURCE_STATE st = GetClusterResourceState(r, NULL, NULL, NULL, NULL);
	assert_true(CloseClusterResource(r));
	return st;
}

static bool group_exists(HCLUSTER h, LPCWSTR name)
{
	HGROUP g = OpenClusterGroup(h, name);
	if (!g) {
		assert_int_equal(GetLastError(), ERROR_GROUP_NOT_FOUND);
		return false;
	}
	assert_true(CloseClusterGroup(g));
	return true;
}

static bool resource_exists(HCLUSTER h, LPCWSTR name)
{
	HRESOURCE r = OpenClusterResource(h, name);
	if (!r) {
		assert_int_equal(GetLastError(), ERROR_RESOURCE_NOT_FOUND);
		return false;
	}
	assert_true(CloseClusterResource(r));
	return true;
}

/* Does a list (from one of the Enum functions) hold this name with this type? */
struct seen {
	char names[64][128];
	DWORD types[64];
	DWORD n;
};

static bool seen_has(const struct seen *s, const char *name, DWORD type)
{
	for (DWORD i = 0; i < s->n; i++)
		if (strcmp(s->names[i], name) == 0 && s->types[i] == type)
			return true;
	return false;
}

typedef DWORD (*enum_fn)(void *h, DWORD i, LPDWORD type, LPWSTR name, LPDWORD cch);

static void collect(void *h, enum_fn fn, DWORD count, struct seen *s)
{
	WCHAR buf[128];
	memset(s, 0, sizeof(*s));
	for (DWORD i = 0;; i++) {
		DWORD type = 0xdead, cch = 128;
		DWORD err = fn(h, i, &type, buf, &cch);
		if (err == ERROR_NO_MORE_ITEMS)
			break;
		assert_int_equal(err, ERROR_SUCCESS);
		assert_true(s->n < 64);
		char *u = ClusapiWideToUtf8(buf);
		assert_int_equal(strlen(u) > 0, 1);
		snprintf(s->names[s->n], sizeof(s->names[0]), "%s", u);
		free(u);
		s->types[s->n++] = type;
	}
	assert_int_equal(s->n, count);
}

static DWORD enum_cluster(void *h, DWORD i, LPDWORD t, LPWSTR n, LPDWORD c)
{
	return ClusterEnum(h, i, t, n, c);
}
static DWORD enum_node(void *h, DWORD i, LPDWORD t, LPWSTR n, LPDWORD c)
{
	return ClusterNodeEnum(h, i, t, n, c);
}
static DWORD enum_group(void *h, DWORD i, LPDWORD t, LPWSTR n, LPDWORD c)
{
	return ClusterGroupEnum(h, i, t, n, c);
}
static DWORD enum_res(void *h, DWORD i, LPDWORD t, LPWSTR n, LPDWORD c)
{
	return ClusterResourceEnum(h, i, t, n, c);
}

/* ---- seeded objects -------------------------------------------------------- */

static void test_seeded_objects(void **state)
{
	(void)state;
	HCLUSTER h = open_full();
	WCHAR node[64], group[64];
	DWORD cn, cg, granted;

	HNODE n = OpenClusterNode(h, u"node1");
	assert_non_null(n);
	assert_int_equal(GetClusterNodeState(n), ClusterNodeUp);
	assert_true(CloseClusterNode(n));
	n = OpenClusterNodeEx(h, u"node1", MAXIMUM_ALLOWED, &granted);
	assert_non_null(n);
	assert_int_equal(granted, GENERIC_ALL);
	assert_true(CloseClusterNode(n));

	HGROUP g = OpenClusterGroup(h, u"Cluster Group");
	assert_non_null(g);
	cn = 64;
	assert_int_equal(GetClusterGroupState(g, node, &cn), ClusterGroupOnline);
	assert_wide(node, "node1");
	assert_int_equal(cn, 5);
	/* The (buffer, count) convention on the owner's name. */
	cn = 3;
	assert_int_equal(GetClusterGroupState(g, node, &cn), ClusterGroupStateUnknown);
	assert_int_equal(GetLastError(), ERROR_MORE_DATA);
	assert_int_equal(cn, 5);
	cn = 0;
	assert_int_equal(GetClusterGroupState(g, NULL, &cn), ClusterGroupOnline);
	assert_int_equal(cn, 5);
	assert_int_equal(GetClusterGroupState(g, node, NULL), ClusterGroupStateUnknown);
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	assert_true(CloseClusterGroup(g));
	g = OpenClusterGroupEx(h, u"Cluster Group", GENERIC_READ, &granted);
	assert_non_null(g);
	assert_int_equal(granted, GENERIC_READ);
	assert_true(CloseClusterGroup(g));

	static const LPCWSTR resources[] = { u"Cluster Name", u"Cluster IP Address", u"Network Name" };
	for (size_t i = 0; i < 3; i++) {
		HRESOURCE r = i == 1 ? OpenClusterResourceEx(h, resources[i], GENERIC_ALL, &granted)
				     : OpenClusterResource(h, resources[i]);
		assert_non_null(r);
		if (i == 1)
			assert_int_equal(granted, GENERIC_ALL);
		cn = 64;
		cg = 64;
		assert_int_equal(GetClusterResourceState(r, node, &cn, group, &cg), ClusterResourceOnline);
		assert_wide(node, "node1");
		assert_wide(group, "Cluster Group");
		assert_int_equal(cg, 13);
		cg = 4;
		assert_int_equal(GetClusterResourceState(r, NULL, NULL, group, &cg), ClusterResourceStateUnknown);
		assert_int_equal(GetLastError(), ERROR_MORE_DATA);
		assert_int_equal(cg, 13);
		/* The network name the resource is reached by: the cluster's. */
		WCHAR nn[128], cname[128];
		DWORD cnn = 128, ccn = 128;
		assert_true(GetClusterResourceNetworkName(r, nn, &cnn));
		assert_int_equal(GetClusterInformation(h, cname, &ccn, NULL), ERROR_SUCCESS);
		assert_int_equal(cnn, ccn);
		assert_memory_equal(nn, cname, (ccn + 1) * sizeof(WCHAR));
		cnn = 2;
		assert_false(GetClusterResourceNetworkName(r, nn, &cnn));
		assert_int_equal(GetLastError(), ERROR_MORE_DATA);
		assert_int_equal(cnn, ccn);
		assert_true(CloseClusterResource(r));
	}

	HNETWORK net = OpenClusterNetwork(h, u"Cluster Network 1");
	assert_non_null(net);
	assert_int_equal(GetClusterNetworkState(net), ClusterNetworkUp);
	assert_true(CloseClusterNetwork(net));
	net = OpenClusterNetworkEx(h, u"Cluster Network 1", MAXIMUM_ALLOWED, &granted);
	assert_non_null(net);
	assert_int_equal(granted, GENERIC_ALL);
	assert_true(CloseClusterNetwork(net));

	HNETINTERFACE nif = OpenClusterNetInterface(h, u"node1 - Ethernet");
	assert_non_null(nif);
	assert_int_equal(GetClusterNetInterfaceState(nif), ClusterNetInterfaceUp);
	assert_true(CloseClusterNetInterface(nif));
	nif = OpenClusterNetInterfaceEx(h, u"node1 - Ethernet", GENERIC_READ, &granted);
	assert_non_null(nif);
	assert_int_equal(granted, GENERIC_READ);
	assert_true(CloseClusterNetInterface(nif));

	/* Not found: NULL and the kind's own error. */
	SetLastError(0);
	assert_null(OpenClusterNode(h, u"node2"));
	assert_int_equal(GetLastError(), ERROR_CLUSTER_NODE_NOT_FOUND);
	assert_null(OpenClusterGroup(h, u"No Such Group"));
	assert_int_equal(GetLastError(), ERROR_GROUP_NOT_FOUND);
	assert_null(OpenClusterResource(h, u"No Such Resource"));
	assert_int_equal(GetLastError(), ERROR_RESOURCE_NOT_FOUND);
	assert_null(OpenClusterNetwork(h, u"Cluster Network 99"));
	assert_int_equal(GetLastError(), ERROR_CLUSTER_NETWORK_NOT_FOUND);
	assert_null(OpenClusterNetInterface(h, u"nope"));
	assert_int_equal(GetLastError(), ERROR_CLUSTER_NETINTERFACE_NOT_FOUND);
	assert_null(OpenClusterGroupEx(h, u"No Such Group", GENERIC_READ, &granted));
	assert_int_equal(GetLastError(), ERROR_GROUP_NOT_FOUND);
	assert_int_equal(granted, 0);
	assert_null(OpenClusterGroup(h, NULL));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	assert_true(CloseCluster(h));
}

/* ---- enumerations ------------------------------------------------------------- */

static void test_cluster_enum(void **state)
{
	(void)state;
	HCLUSTER h = open_full();
	struct seen s;
	WCHAR buf[128];
	DWORD type, cch;

	HCLUSENUM e = ClusterOpenEnum(h, CLUSTER_ENUM_ALL);
	assert_non_null(e);
	DWORD count = ClusterGetEnumCount(e);
	collect(e, enum_cluster, count, &s);
	assert_true(seen_has(&s, "node1", CLUSTER_ENUM_NODE));
	assert_true(seen_has(&s, "Cluster Group", CLUSTER_ENUM_GROUP));
	assert_true(seen_has(&s, "Cluster Name", CLUSTER_ENUM_RESOURCE));
	assert_true(seen_has(&s, "Cluster IP Address", CLUSTER_ENUM_RESOURCE));
	assert_true(seen_has(&s, "Network Name", CLUSTER_ENUM_RESOURCE));
	assert_true(seen_has(&s, "Network Name", CLUSTER_ENUM_RESTYPE));
	assert_true(seen_has(&s, "IP Address", CLUSTER_ENUM_RESTYPE));
	assert_true(seen_has(&s, "Generic Application", CLUSTER_ENUM_RESTYPE));
	assert_true(seen_has(&s, "Cluster Network 1", CLUSTER_ENUM_NETWORK));
	assert_true(seen_has(&s, "node1 - Ethernet", CLUSTER_ENUM_NETINTERFACE));
	/* Past the end; too small a buffer; a length query. */
	cch = 128;
	assert_int_equal(ClusterEnum(e, count, &type, buf, &cch), ERROR_NO_MORE_ITEMS);
	cch = 2;
	assert_int_equal(ClusterEnum(e, 0, &type, buf, &cch), ERROR_MORE_DATA);
	assert_true(cch >= 2);
	DWORD need = cch;
	cch = 0;
	assert_int_equal(ClusterEnum(e, 0, &type, NULL, &cch), ERROR_SUCCESS);
	assert_int_equal(cch, need);
	assert_int_equal(ClusterEnum(e, 0, &type, buf, NULL), ERROR_INVALID_PARAMETER);
	assert_int_equal(ClusterCloseEnum(e), ERROR_SUCCESS);
	assert_int_equal(ClusterCloseEnum(e), ERROR_INVALID_HANDLE);

	/* One kind alone. */
	e = ClusterOpenEnum(h, CLUSTER_ENUM_NODE);
	assert_non_null(e);
	assert_int_equal(ClusterGetEnumCount(e), 1);
	collect(e, enum_cluster, 1, &s);
	assert_true(seen_has(&s, "node1", CLUSTER_ENUM_NODE));
	assert_int_equal(ClusterCloseEnum(e), ERROR_SUCCESS);
	e = ClusterOpenEnum(h, CLUSTER_ENUM_GROUP);
	assert_non_null(e);
	collect(e, enum_cluster, ClusterGetEnumCount(e), &s);
	assert_true(seen_has(&s, "Cluster Group", CLUSTER_ENUM_GROUP));
	for (DWORD i = 0; i < s.n; i++)
		assert_int_equal(s.types[i], CLUSTER_ENUM_GROUP);
	assert_int_equal(ClusterCloseEnum(e), ERROR_SUCCESS);

	/* Bad type bits. */
	assert_null(ClusterOpenEnum(h, 0));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	assert_null(ClusterOpenEnum(h, 0x100));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);

	/* The Ex form: ids and names. */
	HCLUSENUMEX ex = ClusterOpenEnumEx(h, CLUSTER_ENUM_NODE | CLUSTER_ENUM_GROUP | CLUSTER_ENUM_RESOURCE, NULL);
	assert_non_null(ex);
	DWORD n = ClusterGetEnumCountEx(ex);
	assert_true(n >= 5);
	bool found_group = false;
	for (DWORD i = 0; i < n; i++) {
		DWORD cb = 0;
		assert_int_equal(ClusterEnumEx(ex, i, NULL, &cb), ERROR_MORE_DATA);
		assert_true(cb > sizeof(CLUSTER_ENUM_ITEM));
		PCLUSTER_ENUM_ITEM item = malloc(cb);
		DWORD small = cb - 1;
		assert_int_equal(ClusterEnumEx(ex, i, item, &small), ERROR_MORE_DATA);
		assert_int_equal(small, cb);
		assert_int_equal(ClusterEnumEx(ex, i, item, &cb), ERROR_SUCCESS);
		assert_int_equal(item->dwVersion, CLUSTER_ENUM_ITEM_VERSION_1);
		assert_true(item->cbId > sizeof(WCHAR)); /* a non-empty id */
		assert_true(item->cbName > sizeof(WCHAR));
		char *name = ClusapiWideToUtf8(item->lpszName);
		assert_int_equal((strlen(name) + 1) * 2, item->cbName);
		if (strcmp(name, "Cluster Group") == 0) {
			assert_int_equal(item->dwType, CLUSTER_ENUM_GROUP);
			found_group = true;
		}
		/* The id opens nothing by itself but is not the name. */
		char *id = ClusapiWideToUtf8(item->lpszId);
		assert_string_not_equal(id, name);
		free(id);
		free(name);
		free(item);
	}
	assert_true(found_group);
	DWORD cb = 4096;
	assert_int_equal(ClusterEnumEx(ex, n, NULL, &cb), ERROR_NO_MORE_ITEMS);
	assert_int_equal(ClusterEnumEx(ex, 0, NULL, NULL), ERROR_INVALID_PARAMETER);
	assert_int_equal(ClusterCloseEnumEx(ex), ERROR_SUCCESS);
	assert_int_equal(ClusterCloseEnumEx(ex), ERROR_INVALID_HANDLE);
	int dummy;
	assert_null(ClusterOpenEnumEx(h, CLUSTER_ENUM_NODE, &dummy));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	assert_true(CloseCluster(h));
}

static void test_object_enums(void **state)
{
	(void)state;
	HCLUSTER h = open_full();
	struct seen s;

	HNODE n = OpenClusterNode(h, u"node1");
	assert_non_null(n);
	HNODEENUM ne = ClusterNodeOpenEnum(n, CLUSTER_NODE_ENUM_ALL);
	assert_non_null(ne);
	collect(ne, enum_node, ClusterNodeGetEnumCount(ne), &s);
	assert_true(seen_has(&s, "node1 - Ethernet", CLUSTER_NODE_ENUM_NETINTERFACES));
	assert_true(seen_has(&s, "Cluster Group", CLUSTER_NODE_ENUM_GROUPS));
	assert_int_equal(ClusterNodeCloseEnum(ne), ERROR_SUCCESS);
	assert_int_equal(ClusterNodeCloseEnum(ne), ERROR_INVALID_HANDLE);
	ne = ClusterNodeOpenEnum(n, CLUSTER_NODE_ENUM_NETINTERFACES);
	assert_non_null(ne);
	collect(ne, enum_node, ClusterNodeGetEnumCount(ne), &s);
	assert_true(seen_has(&s, "node1 - Ethernet", CLUSTER_NODE_ENUM_NETINTERFACES));
	assert_false(seen_has(&s, "Cluster Group", CLUSTER_NODE_ENUM_GROUPS));
	assert_int_equal(ClusterNodeCloseEnum(ne), ERROR_SUCCESS);
	assert_true(CloseClusterNode(n));

	HGROUP g = OpenClusterGroup(h, u"Cluster Group");
	assert_non_null(g);
	/* No preferred owners until set (as on Windows); then node1 (issue 11). */
	HGROUPENUM ge = ClusterGroupOpenEnum(g, CLUSTER_GROUP_ENUM_NODES);
	assert_non_null(ge);
	assert_int_equal(ClusterGroupGetEnumCount(ge), 0);
	assert_int_equal(ClusterGroupCloseEnum(ge), ERROR_SUCCESS);
	n = OpenClusterNode(h, u"node1");
	assert_non_null(n);
	assert_int_equal(SetClusterGroupNodeList(g, 1, &n), ERROR_SUCCESS);
	ge = ClusterGroupOpenEnum(g, CLUSTER_GROUP_ENUM_ALL);
	assert_non_null(ge);
	assert_int_equal(ClusterGroupGetEnumCount(ge), 4);
	collect(ge, enum_group, 4, &s);
	assert_true(seen_has(&s, "Cluster Name", CLUSTER_GROUP_ENUM_CONTAINS));
	assert_true(seen_has(&s, "Cluster IP Address", CLUSTER_GROUP_ENUM_CONTAINS));
	assert_true(seen_has(&s, "Network Name", CLUSTER_GROUP_ENUM_CONTAINS));
	assert_true(seen_has(&s, "node1", CLUSTER_GROUP_ENUM_NODES));
	assert_int_equal(ClusterGroupCloseEnum(ge), ERROR_SUCCESS);
	ge = ClusterGroupOpenEnum(g, CLUSTER_GROUP_ENUM_CONTAINS);
	assert_non_null(ge);
	assert_int_equal(ClusterGroupGetEnumCount(ge), 3);
	assert_int_equal(ClusterGroupCloseEnum(ge), ERROR_SUCCESS);
	assert_int_equal(SetClusterGroupNodeList(g, 0, NULL), ERROR_SUCCESS);
	assert_true(CloseClusterNode(n));
	assert_true(CloseClusterGroup(g));

	HRESOURCE r = OpenClusterResource(h, u"Cluster Name");
	assert_non_null(r);
	HRESENUM re = ClusterResourceOpenEnum(r, CLUSTER_RESOURCE_ENUM_DEPENDS | CLUSTER_RESOURCE_ENUM_NODES);
	assert_non_null(re);
	collect(re, enum_res, ClusterResourceGetEnumCount(re), &s);
	assert_int_equal(s.n, 2);
	assert_true(seen_has(&s, "Cluster IP Address", CLUSTER_RESOURCE_ENUM_DEPENDS));
	assert_true(seen_has(&s, "node1", CLUSTER_RESOURCE_ENUM_NODES));
	assert_int_equal(ClusterResourceCloseEnum(re), ERROR_SUCCESS);
	assert_int_equal(ClusterResourceCloseEnum(re), ERROR_INVALID_HANDLE);
	assert_true(CloseClusterResource(r));
	assert_true(CloseCluster(h));
}

/* ---- create, online, offline, delete, rename ----------------------------------- */

static void test_group_resource_lifecycle(void **state)
{
	(void)state;
	HCLUSTER h = open_full();
	WCHAR node[64], group[64];
	DWORD cn = 64, cg = 64;

	HGROUP g = CreateClusterGroup(h, u"Test Group");
	assert_non_null(g);
	assert_int_equal(GetClusterGroupState(g, NULL, NULL), ClusterGroupOffline);
	assert_null(CreateClusterGroup(h, u"Test Group"));
	assert_int_equal(GetLastError(), ERROR_OBJECT_ALREADY_EXISTS);
	assert_null(CreateClusterGroup(h, u""));
	assert_int_equal(GetLastError(), ERROR_INVALID_NAME);

	/* An empty group goes online and offline by itself. */
	assert_int_equal(OnlineClusterGroup(g, NULL), ERROR_SUCCESS);
	assert_int_equal(GetClusterGroupState(g, NULL, NULL), ClusterGroupOnline);
	assert_int_equal(OfflineClusterGroup(g), ERROR_SUCCESS);
	assert_int_equal(GetClusterGroupState(g, NULL, NULL), ClusterGroupOffline);

	HRESOURCE r = CreateClusterResource(g, u"Test App", u"Generic Service", 0);
	assert_non_null(r);
	assert_int_equal(GetClusterResourceState(r, node, &cn, group, &cg), ClusterResourceOffline);
	assert_wide(group, "Test Group");
	assert_null(CreateClusterResource(g, u"Test App", u"Generic Service", 0));
	assert_int_equal(GetLastError(), ERROR_OBJECT_ALREADY_EXISTS);
	assert_null(CreateClusterResource(g, u"Test Other", u"No Such Type", 0));
	assert_int_equal(GetLastError(), ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND);
	assert_null(CreateClusterResource(g, u"Test Other", u"Generic Service", 0x100));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	assert_false(resource_exists(h, u"Test Other"));

	/* Online the resource: the group follows. */
	DWORD err = OnlineClusterResource(r);
	assert_true(err == ERROR_SUCCESS || err == ERROR_IO_PENDING);
	assert_int_equal(GetClusterResourceState(r, NULL, NULL, NULL, NULL), ClusterResourceOnline);
	assert_int_equal(GetClusterGroupState(g, NULL, NULL), ClusterGroupOnline);
	/* An online resource cannot be deleted; a group with resources neither. */
	assert_int_equal(DeleteClusterResource(r), ERROR_INVALID_STATE);
	assert_int_equal(DeleteClusterGroup(g), ERROR_DIR_NOT_EMPTY);
	/* The group offline takes the resource along, and back. */
	assert_int_equal(OfflineClusterGroup(g), ERROR_SUCCESS);
	assert_int_equal(GetClusterResourceState(r, NULL, NULL, NULL, NULL), ClusterResourceOffline);
	assert_int_equal(GetClusterGroupState(g, NULL, NULL), ClusterGroupOffline);
	assert_int_equal(OnlineClusterGroup(g, NULL), ERROR_SUCCESS);
	assert_int_equal(GetClusterResourceState(r, NULL, NULL, NULL, NULL), ClusterResourceOnline);
	/* Fail it: the group has failed too. */
	assert_int_equal(FailClusterResource(r), ERROR_SUCCESS);
	assert_int_equal(GetClusterResourceState(r, NULL, NULL, NULL, NULL), ClusterResourceFailed);
	assert_int_equal(GetClusterGroupState(g, NULL, NULL), ClusterGroupFailed);
	err = OfflineClusterResource(r);
	assert_true(err == ERROR_SUCCESS || err == ERROR_IO_PENDING);
	assert_int_equal(GetClusterResourceState(r, NULL, NULL, NULL, NULL), ClusterResourceOffline);

	/* Move to this node (the only one), with and without a destination. */
	HNODE n = OpenClusterNode(h, u"node1");
	assert_non_null(n);
	assert_int_equal(MoveClusterGroup(g, n), ERROR_SUCCESS);
	assert_int_equal(MoveClusterGroup(g, NULL), ERROR_SUCCESS);
	assert_int_equal(OnlineClusterGroup(g, n), ERROR_SUCCESS);
	cn = 64;
	assert_int_equal(GetClusterGroupState(g, node, &cn), ClusterGroupOnline);
	assert_wide(node, "node1");
	assert_int_equal(OfflineClusterGroup(g), ERROR_SUCCESS);
	assert_true(CloseClusterNode(n));

	/* Delete the resource, then the group; the handles say they are gone. */
	assert_int_equal(DeleteClusterResource(r), ERROR_SUCCESS);
	assert_false(resource_exists(h, u"Test App"));
	assert_int_equal(GetClusterResourceState(r, NULL, NULL, NULL, NULL), ClusterResourceStateUnknown);
	assert_int_equal(GetLastError(), ERROR_RESOURCE_NOT_FOUND);
	assert_int_equal(OnlineClusterResource(r), ERROR_RESOURCE_NOT_FOUND);
	assert_true(CloseClusterResource(r));
	assert_int_equal(DeleteClusterGroup(g), ERROR_SUCCESS);
	assert_false(group_exists(h, u"Test Group"));
	assert_int_equal(GetClusterGroupState(g, NULL, NULL), ClusterGroupStateUnknown);
	assert_int_equal(GetLastError(), ERROR_GROUP_NOT_FOUND);
	assert_true(CloseClusterGroup(g));

	/* The cluster's own objects stay. */
	HGROUP core = OpenClusterGroup(h, u"Cluster Group");
	assert_non_null(core);
	assert_int_not_equal(DeleteClusterGroup(core), ERROR_SUCCESS);
	assert_true(group_exists(h, u"Cluster Group"));
	assert_true(CloseClusterGroup(core));
	assert_true(CloseCluster(h));
}

static void test_rename(void **state)
{
	(void)state;
	HCLUSTER h = open_full();
	HGROUP g = CreateClusterGroup(h, u"Rename Me");
	assert_non_null(g);
	HRESOURCE r = CreateClusterResource(g, u"Rename Res", u"Generic Service", CLUSTER_RESOURCE_SEPARATE_MONITOR);
	assert_non_null(r);

	assert_int_equal(SetClusterGroupName(g, u"Renamed Group"), ERROR_SUCCESS);
	assert_false(group_exists(h, u"Rename Me"));
	assert_true(group_exists(h, u"Renamed Group"));
	assert_int_equal(SetClusterResourceName(r, u"Renamed Res"), ERROR_SUCCESS);
	assert_false(resource_exists(h, u"Rename Res"));
	assert_true(resource_exists(h, u"Renamed Res"));
	/* The resource now says it is in the renamed group. */
	WCHAR group[64];
	DWORD cg = 64;
	GetClusterResourceState(r, NULL, NULL, group, &cg);
	assert_wide(group, "Renamed Group");
	/* Same name: nothing to do.  Taken names and bad names change nothing. */
	assert_int_equal(SetClusterGroupName(g, u"Renamed Group"), ERROR_SUCCESS);
	assert_int_equal(SetClusterGroupName(g, u"Cluster Group"), ERROR_OBJECT_ALREADY_EXISTS);
	assert_int_equal(SetClusterResourceName(r, u"Cluster Name"), ERROR_OBJECT_ALREADY_EXISTS);
	assert_int_equal(SetClusterGroupName(g, u""), ERROR_INVALID_NAME);
	assert_int_equal(SetClusterResourceName(r, NULL), ERROR_INVALID_PARAMETER);
	assert_true(group_exists(h, u"Renamed Group"));
	assert_true(resource_exists(h, u"Renamed Res"));

	assert_int_equal(DeleteClusterResource(r), ERROR_SUCCESS);
	assert_true(CloseClusterResource(r));
	assert_int_equal(DeleteClusterGroup(g), ERROR_SUCCESS);
	assert_true(CloseClusterGroup(g));
	assert_true(CloseCluster(h));
}

static void test_node_pause_resume(void **state)
{
	(void)state;
	HCLUSTER h = open_full();
	HNODE n = OpenClusterNode(h, u"node1");
	assert_non_null(n);
	assert_int_equal(ResumeClusterNode(n), ERROR_CLUSTER_NODE_NOT_PAUSED);
	assert_int_equal(PauseClusterNode(n), ERROR_SUCCESS);
	assert_int_equal(GetClusterNodeState(n), ClusterNodePaused);
	assert_int_equal(PauseClusterNode(n), ERROR_CLUSTER_NODE_PAUSED);
	assert_int_equal(ResumeClusterNode(n), ERROR_SUCCESS);
	assert_int_equal(GetClusterNodeState(n), ClusterNodeUp);
	/* Evicting the (last) node: it is gone from the membership until
	 * clusterd starts again, when it joins as the cluster's node. */
	assert_int_equal(EvictClusterNode(n), ERROR_SUCCESS);
	assert_int_equal(GetClusterNodeState(n), ClusterNodeStateUnknown);
	assert_int_equal(GetLastError(), ERROR_CLUSTER_NODE_NOT_FOUND);
	assert_null(OpenClusterNode(h, u"node1"));
	assert_int_equal(GetLastError(), ERROR_CLUSTER_NODE_NOT_FOUND);
	assert_true(CloseClusterNode(n));
	assert_true(CloseCluster(h));
	assert_int_equal(daemon_stop(&dmn), 0);
	assert_int_equal(daemon_restart(&dmn, DAEMON_LPC_ONLY, daemon_args), 0);
	h = open_full();
	n = OpenClusterNode(h, u"node1");
	assert_non_null(n);
	assert_int_equal(GetClusterNodeState(n), ClusterNodeUp);
	assert_true(CloseClusterNode(n));
	assert_true(CloseCluster(h));
}

/* ---- the access matrix ------------------------------------------------------------ */

/* Every mutating call on read-only objects: ERROR_ACCESS_DENIED, nothing changes. */
static void check_read_only_objects(HCLUSTER full, HGROUP g, HRESOURCE r, HNODE n)
{
	assert_int_equal(OnlineClusterGroup(g, NULL), ERROR_ACCESS_DENIED);
	assert_int_equal(OnlineClusterGroup(g, n), ERROR_ACCESS_DENIED);
	assert_int_equal(OfflineClusterGroup(g), ERROR_ACCESS_DENIED);
	assert_int_equal(MoveClusterGroup(g, NULL), ERROR_ACCESS_DENIED);
	assert_int_equal(MoveClusterGroup(g, n), ERROR_ACCESS_DENIED);
	assert_int_equal(SetClusterGroupName(g, u"Hacked Group"), ERROR_ACCESS_DENIED);
	assert_int_equal(DeleteClusterGroup(g), ERROR_ACCESS_DENIED);
	assert_null(CreateClusterResource(g, u"Hacked Res", u"Generic Application", 0));
	assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
	assert_int_equal(OnlineClusterResource(r), ERROR_ACCESS_DENIED);
	assert_int_equal(OfflineClusterResource(r), ERROR_ACCESS_DENIED);
	assert_int_equal(FailClusterResource(r), ERROR_ACCESS_DENIED);
	assert_int_equal(SetClusterResourceName(r, u"Hacked Res"), ERROR_ACCESS_DENIED);
	assert_int_equal(DeleteClusterResource(r), ERROR_ACCESS_DENIED);
	assert_int_equal(PauseClusterNode(n), ERROR_ACCESS_DENIED);
	assert_int_equal(ResumeClusterNode(n), ERROR_ACCESS_DENIED);
	assert_int_equal(EvictClusterNode(n), ERROR_ACCESS_DENIED);

	/* Reading still works. */
	assert_int_equal(GetClusterGroupState(g, NULL, NULL), ClusterGroupOffline);
	assert_int_equal(GetClusterResourceState(r, NULL, NULL, NULL, NULL), ClusterResourceOffline);
	assert_int_equal(GetClusterNodeState(n), ClusterNodeUp);

	/* Nothing changed, seen from a full handle. */
	assert_true(group_exists(full, u"Access Group"));
	assert_false(group_exists(full, u"Hacked Group"));
	assert_true(resource_exists(full, u"Access Res"));
	assert_false(resource_exists(full, u"Hacked Res"));
	assert_int_equal(group_state_of(full, u"Access Group"), ClusterGroupOffline);
	assert_int_equal(res_state_of(full, u"Access Res"), ClusterResourceOffline);
}

static void test_access_matrix(void **state)
{
	(void)state;
	HCLUSTER full = open_full();
	HGROUP fg = CreateClusterGroup(full, u"Access Group");
	assert_non_null(fg);
	HRESOURCE fr = CreateClusterResource(fg, u"Access Res", u"Generic Application", 0);
	assert_non_null(fr);
	DWORD granted;

	/* 1. Objects opened read-only (Ex, GENERIC_READ) from a full handle. */
	HGROUP g = OpenClusterGroupEx(full, u"Access Group", GENERIC_READ, &granted);
	assert_non_null(g);
	assert_int_equal(granted, GENERIC_READ);
	HRESOURCE r = OpenClusterResourceEx(full, u"Access Res", GENERIC_READ, &granted);
	assert_non_null(r);
	assert_int_equal(granted, GENERIC_READ);
	HNODE n = OpenClusterNodeEx(full, u"node1", GENERIC_READ, &granted);
	assert_non_null(n);
	assert_int_equal(granted, GENERIC_READ);
	check_read_only_objects(full, g, r, n);
	assert_true(CloseClusterGroup(g));
	assert_true(CloseClusterResource(r));
	assert_true(CloseClusterNode(n));

	/* 2. A read-only cluster handle: enumerating and opening to read work. */
	HCLUSTER ro = open_read();
	HCLUSENUM e = ClusterOpenEnum(ro, CLUSTER_ENUM_GROUP);
	assert_non_null(e);
	assert_int_equal(ClusterCloseEnum(e), ERROR_SUCCESS);
	g = OpenClusterGroupEx(ro, u"Access Group", GENERIC_READ, &granted);
	assert_non_null(g);
	assert_int_equal(granted, GENERIC_READ);
	assert_int_equal(SetClusterGroupName(g, u"Hacked Group"), ERROR_ACCESS_DENIED);
	assert_true(CloseClusterGroup(g));

	/* 3. What the server grants objects opened from a read-only cluster
	 * handle with MAXIMUM_ALLOWED (and with the plain Open calls, which ask
	 * for the same).  They must be read-only. */
	g = OpenClusterGroupEx(ro, u"Access Group", MAXIMUM_ALLOWED, &granted);
	assert_non_null(g);
	DWORD g_granted = granted;
	assert_true(CloseClusterGroup(g));
	/* Objects opened through a read-only cluster handle are read-only. */
	assert_int_equal(g_granted, GENERIC_READ);
	assert_null(OpenClusterGroupEx(ro, u"Access Group", GENERIC_ALL, &granted));
	assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
	g = OpenClusterGroup(ro, u"Access Group");
	r = OpenClusterResource(ro, u"Access Res");
	n = OpenClusterNode(ro, u"node1");
	assert_non_null(g);
	assert_non_null(r);
	assert_non_null(n);
	check_read_only_objects(full, g, r, n);
	assert_null(CreateClusterGroup(ro, u"Hacked Group"));
	assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
	assert_false(group_exists(full, u"Hacked Group"));
	assert_true(CloseClusterGroup(g));
	assert_true(CloseClusterResource(r));
	assert_true(CloseClusterNode(n));
	assert_true(CloseCluster(ro));

	assert_int_equal(DeleteClusterResource(fr), ERROR_SUCCESS);
	assert_true(CloseClusterResource(fr));
	assert_int_equal(DeleteClusterGroup(fg), ERROR_SUCCESS);
	assert_true(CloseClusterGroup(fg));
	assert_true(CloseCluster(full));
}

/* ---- the handle matrix --------------------------------------------------------------- */

/* Every call that takes this kind of handle, each must say ERROR_INVALID_HANDLE. */
static void node_calls_invalid(HNODE n, HGROUP good_group)
{
	SetLastError(0);
	assert_int_equal(GetClusterNodeState(n), ClusterNodeStateUnknown);
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_int_equal(PauseClusterNode(n), ERROR_INVALID_HANDLE);
	assert_int_equal(ResumeClusterNode(n), ERROR_INVALID_HANDLE);
	assert_int_equal(EvictClusterNode(n), ERROR_INVALID_HANDLE);
	assert_null(ClusterNodeOpenEnum(n, CLUSTER_NODE_ENUM_ALL));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	if (good_group && n) { /* a NULL node is no node, not a bad one */
		assert_int_equal(MoveClusterGroup(good_group, n), ERROR_INVALID_HANDLE);
		assert_int_equal(OnlineClusterGroup(good_group, n), ERROR_INVALID_HANDLE);
	}
}

static void group_calls_invalid(HGROUP g, HNODE good_node)
{
	WCHAR buf[64];
	DWORD cch = 64;
	SetLastError(0);
	assert_int_equal(GetClusterGroupState(g, buf, &cch), ClusterGroupStateUnknown);
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_int_equal(DeleteClusterGroup(g), ERROR_INVALID_HANDLE);
	assert_int_equal(OnlineClusterGroup(g, NULL), ERROR_INVALID_HANDLE);
	assert_int_equal(OnlineClusterGroup(g, good_node), ERROR_INVALID_HANDLE);
	assert_int_equal(OfflineClusterGroup(g), ERROR_INVALID_HANDLE);
	assert_int_equal(MoveClusterGroup(g, NULL), ERROR_INVALID_HANDLE);
	assert_int_equal(MoveClusterGroup(g, good_node), ERROR_INVALID_HANDLE);
	assert_int_equal(SetClusterGroupName(g, u"X"), ERROR_INVALID_HANDLE);
	assert_null(ClusterGroupOpenEnum(g, CLUSTER_GROUP_ENUM_ALL));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_null(CreateClusterResource(g, u"X", u"Generic Application", 0));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
}

static void resource_calls_invalid(HRESOURCE r, HNODE good_node)
{
	WCHAR buf[64];
	DWORD cch = 64, cch2 = 64, ret = 7;
	SetLastError(0);
	assert_int_equal(GetClusterResourceState(r, buf, &cch, buf, &cch2), ClusterResourceStateUnknown);
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_int_equal(DeleteClusterResource(r), ERROR_INVALID_HANDLE);
	assert_int_equal(OnlineClusterResource(r), ERROR_INVALID_HANDLE);
	assert_int_equal(OfflineClusterResource(r), ERROR_INVALID_HANDLE);
	assert_int_equal(FailClusterResource(r), ERROR_INVALID_HANDLE);
	assert_int_equal(SetClusterResourceName(r, u"X"), ERROR_INVALID_HANDLE);
	cch = 64;
	assert_false(GetClusterResourceNetworkName(r, buf, &cch));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_null(ClusterResourceOpenEnum(r, CLUSTER_RESOURCE_ENUM_ALL));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_int_equal(ClusterResourceControl(r, NULL, CLUSCTL_RESOURCE_GET_NAME, NULL, 0, buf, sizeof(buf), &ret),
			 ERROR_INVALID_HANDLE);
	assert_int_equal(ClusterResourceControl(r, good_node, CLUSCTL_RESOURCE_GET_NAME, NULL, 0, buf, sizeof(buf),
						&ret),
			 ERROR_INVALID_HANDLE);
}

static void network_calls_invalid(HNETWORK net, HNETINTERFACE nif)
{
	SetLastError(0);
	assert_int_equal(GetClusterNetworkState(net), ClusterNetworkStateUnknown);
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	SetLastError(0);
	assert_int_equal(GetClusterNetInterfaceState(nif), ClusterNetInterfaceStateUnknown);
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
}

static void key_calls_invalid(HKEY k)
{
	HKEY sub = (HKEY)(uintptr_t)0x77;
	WCHAR buf[64];
	DWORD cch = 64, type, cb = 4;
	BYTE data[4] = { 1, 2, 3, 4 };
	assert_int_equal(ClusterRegOpenKey(k, u"", KEY_READ, &sub), ERROR_INVALID_HANDLE);
	assert_null(sub);
	assert_int_equal(ClusterRegEnumKey(k, 0, buf, &cch, NULL), ERROR_INVALID_HANDLE);
	assert_int_equal(ClusterRegQueryValue(k, u"v", &type, data, &cb), ERROR_INVALID_HANDLE);
	assert_int_equal(ClusterRegSetValue(k, u"v", REG_BINARY, data, 4), ERROR_INVALID_HANDLE);
}

static void close_calls_invalid(void *h)
{
	SetLastError(0);
	assert_false(CloseClusterNode(h));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_false(CloseClusterGroup(h));
	assert_false(CloseClusterResource(h));
	assert_false(CloseClusterNetwork(h));
	assert_false(CloseClusterNetInterface(h));
	assert_int_equal(ClusterRegCloseKey(h), ERROR_INVALID_HANDLE);
	assert_int_equal(ClusterCloseEnum(h), ERROR_INVALID_HANDLE);
	assert_int_equal(ClusterCloseEnumEx(h), ERROR_INVALID_HANDLE);
	assert_int_equal(ClusterNodeCloseEnum(h), ERROR_INVALID_HANDLE);
	assert_int_equal(ClusterGroupCloseEnum(h), ERROR_INVALID_HANDLE);
	assert_int_equal(ClusterResourceCloseEnum(h), ERROR_INVALID_HANDLE);
}

static void enum_calls_invalid(void *h)
{
	WCHAR buf[64];
	DWORD cch = 64, type, cb = 0;
	SetLastError(0);
	assert_int_equal(ClusterGetEnumCount(h), 0);
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_int_equal(ClusterGetEnumCountEx(h), 0);
	assert_int_equal(ClusterNodeGetEnumCount(h), 0);
	assert_int_equal(ClusterGroupGetEnumCount(h), 0);
	assert_int_equal(ClusterResourceGetEnumCount(h), 0);
	assert_int_equal(ClusterEnum(h, 0, &type, buf, &cch), ERROR_INVALID_HANDLE);
	assert_int_equal(ClusterEnumEx(h, 0, NULL, &cb), ERROR_INVALID_HANDLE);
	assert_int_equal(ClusterNodeEnum(h, 0, &type, buf, &cch), ERROR_INVALID_HANDLE);
	assert_int_equal(ClusterGroupEnum(h, 0, &type, buf, &cch), ERROR_INVALID_HANDLE);
	assert_int_equal(ClusterResourceEnum(h, 0, &type, buf, &cch), ERROR_INVALID_HANDLE);
}

static void cluster_calls_invalid(HCLUSTER h)
{
	SetLastError(0);
	assert_null(OpenClusterNode(h, u"node1"));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_null(OpenClusterNodeEx(h, u"node1", GENERIC_READ, NULL));
	assert_null(OpenClusterGroup(h, u"Cluster Group"));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_null(OpenClusterGroupEx(h, u"Cluster Group", GENERIC_READ, NULL));
	assert_null(OpenClusterResource(h, u"Cluster Name"));
	assert_null(OpenClusterResourceEx(h, u"Cluster Name", GENERIC_READ, NULL));
	assert_null(OpenClusterNetwork(h, u"Cluster Network 1"));
	assert_null(OpenClusterNetworkEx(h, u"Cluster Network 1", GENERIC_READ, NULL));
	assert_null(OpenClusterNetInterface(h, u"node1 - Ethernet"));
	assert_null(OpenClusterNetInterfaceEx(h, u"node1 - Ethernet", GENERIC_READ, NULL));
	assert_null(CreateClusterGroup(h, u"Never"));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_null(ClusterOpenEnum(h, CLUSTER_ENUM_ALL));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_null(ClusterOpenEnumEx(h, CLUSTER_ENUM_ALL, NULL));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_null(GetClusterKey(h, KEY_READ));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
}

static void test_handle_matrix(void **state)
{
	(void)state;
	HCLUSTER a = open_full(), b = open_full();
	HNODE nb = OpenClusterNode(b, u"node1");
	HGROUP gb = OpenClusterGroup(b, u"Cluster Group");
	assert_non_null(nb);
	assert_non_null(gb);

	/* Forged and NULL handles, of every kind. */
	void *forged[] = { NULL, (void *)(uintptr_t)0x1234, (void *)(uintptr_t)0xdeadbeef, (void *)(uintptr_t)-1 };
	for (size_t i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		node_calls_invalid(forged[i], gb);
		group_calls_invalid(forged[i], nb);
		resource_calls_invalid(forged[i], nb);
		network_calls_invalid(forged[i], forged[i]);
		key_calls_invalid(forged[i]);
		enum_calls_invalid(forged[i]);
		close_calls_invalid(forged[i]);
		cluster_calls_invalid(forged[i]);
	}

	/* Closed handles. */
	HNODE n = OpenClusterNode(a, u"node1");
	HGROUP g = OpenClusterGroup(a, u"Cluster Group");
	HRESOURCE r = OpenClusterResource(a, u"Cluster Name");
	HNETWORK net = OpenClusterNetwork(a, u"Cluster Network 1");
	HNETINTERFACE nif = OpenClusterNetInterface(a, u"node1 - Ethernet");
	HCLUSENUM e = ClusterOpenEnum(a, CLUSTER_ENUM_ALL);
	HCLUSENUMEX ex = ClusterOpenEnumEx(a, CLUSTER_ENUM_ALL, NULL);
	assert_non_null(n);
	assert_non_null(g);
	assert_non_null(r);
	assert_non_null(net);
	assert_non_null(nif);
	assert_non_null(e);
	assert_non_null(ex);
	HNODEENUM ne = ClusterNodeOpenEnum(n, CLUSTER_NODE_ENUM_ALL);
	HGROUPENUM ge = ClusterGroupOpenEnum(g, CLUSTER_GROUP_ENUM_ALL);
	HRESENUM re = ClusterResourceOpenEnum(r, CLUSTER_RESOURCE_ENUM_ALL);
	assert_non_null(ne);
	assert_non_null(ge);
	assert_non_null(re);
	assert_true(CloseClusterNode(n));
	assert_true(CloseClusterGroup(g));
	assert_true(CloseClusterResource(r));
	assert_true(CloseClusterNetwork(net));
	assert_true(CloseClusterNetInterface(nif));
	assert_int_equal(ClusterCloseEnum(e), ERROR_SUCCESS);
	assert_int_equal(ClusterCloseEnumEx(ex), ERROR_SUCCESS);
	assert_int_equal(ClusterNodeCloseEnum(ne), ERROR_SUCCESS);
	assert_int_equal(ClusterGroupCloseEnum(ge), ERROR_SUCCESS);
	assert_int_equal(ClusterResourceCloseEnum(re), ERROR_SUCCESS);
	node_calls_invalid(n, gb);
	group_calls_invalid(g, nb);
	resource_calls_invalid(r, nb);
	network_calls_invalid(net, nif);
	void *closed[] = { n, g, r, net, nif, e, ex, ne, ge, re };
	for (size_t i = 0; i < sizeof(closed) / sizeof(closed[0]); i++) {
		enum_calls_invalid(closed[i]);
		close_calls_invalid(closed[i]);
		key_calls_invalid(closed[i]);
	}

	/* One kind of handle passed as another. */
	g = OpenClusterGroup(a, u"Cluster Group");
	n = OpenClusterNode(a, u"node1");
	assert_non_null(g);
	assert_non_null(n);
	resource_calls_invalid((HRESOURCE)g, n);
	node_calls_invalid((HNODE)g, g);
	group_calls_invalid((HGROUP)n, n);
	cluster_calls_invalid((HCLUSTER)g);
	enum_calls_invalid(g);

	/* Handles of two sessions where they meet: A's group with B's node. */
	assert_int_equal(MoveClusterGroup(g, nb), ERROR_INVALID_HANDLE);
	assert_int_equal(OnlineClusterGroup(g, nb), ERROR_INVALID_HANDLE);
	assert_int_equal(MoveClusterGroup(gb, n), ERROR_INVALID_HANDLE);
	r = OpenClusterResource(a, u"Cluster Name");
	assert_non_null(r);
	BYTE out[256];
	DWORD ret = 0;
	assert_int_equal(ClusterResourceControl(r, nb, CLUSCTL_RESOURCE_GET_NAME, NULL, 0, out, sizeof(out), &ret),
			 ERROR_INVALID_HANDLE);
	/* ...while each works with its own. */
	assert_int_equal(MoveClusterGroup(g, n), ERROR_SUCCESS);
	assert_int_equal(MoveClusterGroup(gb, nb), ERROR_SUCCESS);
	assert_int_equal(GetClusterGroupState(g, NULL, NULL), ClusterGroupOnline);

	/* A's objects once A is closed: the server let go of them. */
	HRESOURCE r2 = OpenClusterResource(a, u"Cluster IP Address");
	assert_non_null(r2);
	assert_true(CloseCluster(a));
	node_calls_invalid(n, gb);
	group_calls_invalid(g, nb);
	resource_calls_invalid(r, nb);
	cluster_calls_invalid(a);
	/* Closing them frees them, once. */
	assert_true(CloseClusterGroup(g));
	assert_false(CloseClusterGroup(g));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_true(CloseClusterNode(n));
	assert_true(CloseClusterResource(r));
	assert_true(CloseClusterResource(r2));

	/* B is unharmed. */
	assert_int_equal(GetClusterGroupState(gb, NULL, NULL), ClusterGroupOnline);
	assert_int_equal(GetClusterNodeState(nb), ClusterNodeUp);
	assert_true(CloseClusterNode(nb));
	assert_true(CloseClusterGroup(gb));
	assert_true(CloseCluster(b));
}

/* ---- controls and the registry (server side may not be there yet) --------------- */

static void test_resource_control(void **state)
{
	(void)state;
	HCLUSTER h = open_full();
	HRESOURCE r = OpenClusterResource(h, u"Cluster Name");
	HNODE n = OpenClusterNode(h, u"node1");
	assert_non_null(r);
	assert_non_null(n);
	BYTE out[512];
	DWORD ret = 0;
	DWORD err = ClusterResourceControl(r, NULL, CLUSCTL_RESOURCE_GET_NAME, NULL, 0, out, sizeof(out), &ret);
	if (err == RPC_S_PROCNUM_OUT_OF_RANGE) {
		CloseClusterNode(n);
		CloseClusterResource(r);
		CloseCluster(h);
		print_message("ApiResourceControl (opnum 73) not served yet (RPC_S_PROCNUM_OUT_OF_RANGE): skipped\n");
		skip();
	}
	assert_int_equal(err, ERROR_SUCCESS);
	assert_int_equal(ret, sizeof(u"Cluster Name"));
	assert_wide((const WCHAR *)out, "Cluster Name");
	/* Too small: ERROR_MORE_DATA with the size needed. */
	ret = 0;
	assert_int_equal(ClusterResourceControl(r, NULL, CLUSCTL_RESOURCE_GET_NAME, NULL, 0, out, 4, &ret),
			 ERROR_MORE_DATA);
	assert_int_equal(ret, sizeof(u"Cluster Name"));
	ret = 0;
	assert_int_equal(ClusterResourceControl(r, NULL, CLUSCTL_RESOURCE_GET_RESOURCE_TYPE, NULL, 0, out,
						sizeof(out), &ret),
			 ERROR_SUCCESS);
	assert_wide((const WCHAR *)out, "Network Name");
	/* Through a named node (ApiNodeResourceControl, opnum 72). */
	ret = 0;
	err = ClusterResourceControl(r, n, CLUSCTL_RESOURCE_GET_NAME, NULL, 0, out, sizeof(out), &ret);
	if (err != RPC_S_PROCNUM_OUT_OF_RANGE) {
		assert_int_equal(err, ERROR_SUCCESS);
		assert_wide((const WCHAR *)out, "Cluster Name");
	}
	/* Bad parameters. */
	assert_int_equal(ClusterResourceControl(r, NULL, CLUSCTL_RESOURCE_GET_NAME, NULL, 4, out, sizeof(out), &ret),
			 ERROR_INVALID_PARAMETER);
	assert_int_equal(ClusterResourceControl(r, NULL, CLUSCTL_RESOURCE_GET_NAME, NULL, 0, NULL, 8, &ret),
			 ERROR_INVALID_PARAMETER);
	assert_true(CloseClusterNode(n));
	assert_true(CloseClusterResource(r));
	assert_true(CloseCluster(h));
}

static void test_registry(void **state)
{
	(void)state;
	HCLUSTER h = open_full();
	HKEY root = GetClusterKey(h, KEY_ALL_ACCESS);
	if (!root && GetLastError() == RPC_S_PROCNUM_OUT_OF_RANGE) {
		CloseCluster(h);
		print_message("ApiGetRootKey (opnum 28) not served yet (RPC_S_PROCNUM_OUT_OF_RANGE): skipped\n");
		skip();
	}
	assert_non_null(root);

	/* Values in the root: set, read back, size queries. */
	static const WCHAR text[] = u"hello";
	assert_int_equal(ClusterRegSetValue(root, u"TestValue", REG_SZ, (const BYTE *)text, sizeof(text)),
			 ERROR_SUCCESS);
	DWORD type = 0, cb = 0;
	assert_int_equal(ClusterRegQueryValue(root, u"TestValue", &type, NULL, &cb), ERROR_SUCCESS);
	assert_int_equal(type, REG_SZ);
	assert_int_equal(cb, sizeof(text));
	BYTE data[64];
	cb = 2;
	assert_int_equal(ClusterRegQueryValue(root, u"TestValue", &type, data, &cb), ERROR_MORE_DATA);
	assert_int_equal(cb, sizeof(text));
	cb = sizeof(data);
	assert_int_equal(ClusterRegQueryValue(root, u"TestValue", &type, data, &cb), ERROR_SUCCESS);
	assert_int_equal(cb, sizeof(text));
	assert_memory_equal(data, text, sizeof(text));
	DWORD dw = 42;
	assert_int_equal(ClusterRegSetValue(root, u"TestDword", REG_DWORD, (const BYTE *)&dw, 4), ERROR_SUCCESS);
	cb = sizeof(data);
	assert_int_equal(ClusterRegQueryValue(root, u"TestDword", &type, data, &cb), ERROR_SUCCESS);
	assert_int_equal(type, REG_DWORD);
	assert_int_equal(cb, 4);
	assert_memory_equal(data, &dw, 4);
	cb = sizeof(data);
	assert_int_equal(ClusterRegQueryValue(root, u"NoSuchValue", &type, data, &cb), ERROR_FILE_NOT_FOUND);

	/* Subkeys: enumerate, open each. */
	WCHAR name[256];
	DWORD n = 0;
	for (;; n++) {
		DWORD cch = 256;
		FILETIME ft = { 0, 0 };
		LONG rc = ClusterRegEnumKey(root, n, name, &cch, &ft);
		if (rc == ERROR_NO_MORE_ITEMS)
			break;
		assert_int_equal(rc, ERROR_SUCCESS);
		HKEY sub = NULL;
		assert_int_equal(ClusterRegOpenKey(root, name, KEY_READ, &sub), ERROR_SUCCESS);
		assert_non_null(sub);
		assert_int_equal(ClusterRegCloseKey(sub), ERROR_SUCCESS);
		assert_int_equal(ClusterRegCloseKey(sub), ERROR_INVALID_HANDLE);
	}
	assert_true(n > 0); /* Groups, Resources, Nodes... */
	DWORD cch = 1;
	assert_int_equal(ClusterRegEnumKey(root, 0, name, &cch, NULL), ERROR_MORE_DATA);
	HKEY sub = (HKEY)(uintptr_t)1;
	assert_int_equal(ClusterRegOpenKey(root, u"No Such Key", KEY_READ, &sub), ERROR_FILE_NOT_FOUND);
	assert_null(sub);
	assert_int_equal(ClusterRegOpenKey(root, u"x", KEY_READ, NULL), ERROR_INVALID_PARAMETER);

	/* A read-only key: reading works, writing is refused. */
	HKEY ro = GetClusterKey(h, KEY_READ);
	assert_non_null(ro);
	cb = sizeof(data);
	assert_int_equal(ClusterRegQueryValue(ro, u"TestValue", &type, data, &cb), ERROR_SUCCESS);
	assert_int_equal(ClusterRegSetValue(ro, u"TestValue", REG_DWORD, (const BYTE *)&dw, 4), ERROR_ACCESS_DENIED);
	cb = sizeof(data);
	assert_int_equal(ClusterRegQueryValue(root, u"TestValue", &type, data, &cb), ERROR_SUCCESS);
	assert_int_equal(type, REG_SZ);
	assert_int_equal(ClusterRegCloseKey(ro), ERROR_SUCCESS);

	assert_int_equal(ClusterRegCloseKey(root), ERROR_SUCCESS);
	key_calls_invalid(root);
	assert_true(CloseCluster(h));
}

/* ---- durability ----------------------------------------------------------------------- */

static void test_durability_kill9(void **state)
{
	(void)state;
	HCLUSTER h = open_full();
	HGROUP g = CreateClusterGroup(h, u"Durable Group");
	assert_non_null(g);
	HRESOURCE r = CreateClusterResource(g, u"Durable Res", u"Generic Script", 0);
	assert_non_null(r);
	assert_int_equal(OnlineClusterGroup(g, NULL), ERROR_SUCCESS);
	assert_true(CloseClusterResource(r));
	assert_true(CloseClusterGroup(g));
	assert_true(CloseCluster(h));

	daemon_kill9(&dmn);
	assert_int_equal(daemon_restart(&dmn, DAEMON_LPC_ONLY, daemon_args), 0);

	h = open_full();
	assert_true(group_exists(h, u"Durable Group"));
	assert_true(resource_exists(h, u"Durable Res"));
	WCHAR group[64];
	DWORD cg = 64;
	r = OpenClusterResource(h, u"Durable Res");
	assert_non_null(r);
	assert_int_equal(GetClusterResourceState(r, NULL, NULL, group, &cg), ClusterResourceOnline);
	assert_wide(group, "Durable Group");
	assert_int_equal(OfflineClusterResource(r), ERROR_SUCCESS);
	assert_int_equal(DeleteClusterResource(r), ERROR_SUCCESS);
	assert_true(CloseClusterResource(r));
	g = OpenClusterGroup(h, u"Durable Group");
	assert_non_null(g);
	assert_int_equal(DeleteClusterGroup(g), ERROR_SUCCESS);
	assert_true(CloseClusterGroup(g));
	assert_true(CloseCluster(h));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seeded_objects),
		cmocka_unit_test(test_cluster_enum),
		cmocka_unit_test(test_object_enums),
		cmocka_unit_test(test_group_resource_lifecycle),
		cmocka_unit_test(test_rename),
		cmocka_unit_test(test_node_pause_resume),
		cmocka_unit_test(test_access_matrix),
		cmocka_unit_test(test_handle_matrix),
		cmocka_unit_test(test_resource_control),
		cmocka_unit_test(test_registry),
		cmocka_unit_test(test_durability_kill9),
	};
	return daemon_finish(cmocka_run_group_tests(tests, group_setup, group_teardown));
}
