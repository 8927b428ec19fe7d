/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The backend conformance suite: one set of C-API tests, through the public
 * API only (include/clusapi.h), run unchanged against a clusterd on the
 * embedded backend and against one on the Pacemaker backend.
 *
 * Target, from the environment:
 *   CLUSAPI_LPC_SOCKET    the clusterd to test (its LPC socket).  When unset and
 *                         CLUSTERD names a clusterd binary, the suite starts an
 *                         embedded one of its own (tests/integration/daemon.c)
 *                         and stops it at the end.
 *   CONFORMANCE_BACKEND   "embedded" (the default) or "pacemaker": selects the
 *                         row of `backends` below, the only place the two
 *                         differ (each difference is in the README's
 *                         compatibility table; tests/README.md lists them).
 *
 * The suite creates one group (its name carries the process id, so two runs
 * against one cluster never meet) with two resources, and removes them at
 * the end, even after a failed test.  State changes may be asynchronous
 * (Pacemaker answers ERROR_IO_PENDING): every state check waits, bounded.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "clusapi.h"
#include "common.h"
#include "daemon.h"
#include "test_restypes.h"

#define WAIT_S 30 /* for the backend to carry out a state change */

/* Control codes of ClusterResourceControl beyond the header's read ones
 * (Windows' values: object 1, modify bit 22). */
#define CONF_CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES 0x01400086u
/* CLUSPROP syntaxes (MS-CMRP 2.2.3.10). */
#define SYNTAX_ENDMARK 0u
#define SYNTAX_NAME 0x00040003u
#define SYNTAX_DWORD 0x00010002u
#define SYNTAX_SZ 0x00010003u

/* ---- the per-backend table --------------------------------------------------- */

struct backend_profile {
	const char *name;
	/* A resource type both lifecycles can run.  Embedded: the Windows types
	 * only (Generic Application is supervised: online runs its CommandLine);
	 * Pacemaker: installed OCF agents only ("Windows resource types" are not
	 * mapped, README compatibility table), Dummy is in every Pacemaker. */
	const char *type;
	/* A private property every resource of that type gets (through
	 * SET_PRIVATE_PROPERTIES) before it goes online. */
	const char *prop_name, *prop_value;
	/* Private properties are CIB attributes on Pacemaker, which are text: a
	 * REG_DWORD is stored as its decimal text and reads back as a string
	 * (README: "non-text registry values"; doc/pacemaker.md). */
	bool dword_reads_as_text;
};

static const struct backend_profile backends[] = {
	{ "embedded", "Generic Application", "CommandLine", "exec sleep 600", false },
	{ "pacemaker", "ocf:pacemaker:Dummy", "fake", "conformance", true },
};

static const struct backend_profile *be;
static struct daemon own_daemon; /* when the suite starts its own clusterd */
static bool started_daemon;
static HCLUSTER cl;              /* GENERIC_ALL */
static char group_name[80], res_name[2][80], renamed_group[80], renamed_res[80];
static WCHAR *wgroup, *wres[2];

/* ---- helpers ---------------------------------------------------------------- */

static void assert_wide(const WCHAR *w, const char *want)
{
	char *s = U(w);
	if (strcmp(s, want) != 0)
		fail_msg("got \"%s\", wanted \"%s\"", s, want);
	free(s);
}

/* ERROR_SUCCESS or ERROR_IO_PENDING: the change is done or under way. */
static void assert_started(DWORD rc, const char *what)
{
	if (rc != ERROR_SUCCESS && rc != ERROR_IO_PENDING)
		fail_msg("%s: %u %s", what, (unsigned)rc, ClusapiErrorName(rc) ? ClusapiErrorName(rc) : "");
}

static HGROUP open_group(const char *name)
{
	WCHAR *w = W(name);
	HGROUP g = OpenClusterGroup(cl, w);
	free(w);
	if (!g)
		fail_msg("OpenClusterGroup(%s): %s", name, ClusapiErrorName(GetLastError()));
	return g;
}

static HRESOURCE open_res(const char *name)
{
	WCHAR *w = W(name);
	HRESOURCE r = OpenClusterResource(cl, w);
	free(w);
	if (!r)
		fail_msg("OpenClusterResource(%s): %s", name, ClusapiErrorName(GetLastError()));
	return r;
}

/* Wait until the group is in state want (and, when owner is given, on that
 * node); the owner it reports goes to got. */
static void wait_group(HGROUP g, CLUSTER_GROUP_STATE want, const char *owner, char *got, size_t cap)
{
	double end = now_s() + WAIT_S;
	CLUSTER_GROUP_STATE s;
	char node[128] = "";
	do {
		WCHAR w[128];
		DWORD cch = 128;
		s = GetClusterGroupState(g, w, &cch);
		if (s != ClusterGroupStateUnknown) {
			char *u = U(w);
			snprintf(node, sizeof(node), "%s", u);
			free(u);
		}
		if (s == want && (!owner || strcmp(owner, node) == 0)) {
			if (got)
				snprintf(got, cap, "%s", node);
			return;
		}
		sleep_ms(100);
	} while (now_s() < end);
	fail_msg("group state %d on \"%s\" (error %u), wanted %d on \"%s\" within %d s", s, node,
		 (unsigned)GetLastError(), want, owner ? owner : "(any)", WAIT_S);
}

static void wait_res(HRESOURCE r, CLUSTER_RESOURCE_STATE want)
{
	double end = now_s() + WAIT_S;
	CLUSTER_RESOURCE_STATE s;
	do {
		s = GetClusterResourceState(r, NULL, NULL, NULL, NULL);
		if (s == want)
			return;
		sleep_ms(100);
	} while (now_s() < end);
	fail_msg("resource state %d (error %u), wanted %d within %d s", s, (unsigned)GetLastError(), want, WAIT_S);
}

/* A property list with one value: SZ (text) or DWORD (text NULL). */
static size_t put32(uint8_t *p, size_t off, uint32_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
	p[off + 2] = (uint8_t)(v >> 16);
	p[off + 3] = (uint8_t)(v >> 24);
	return off + 4;
}

static size_t put_wide(uint8_t *p, size_t off, const char *s)
{
	WCHAR *w = W(s);
	size_t n = 0;
	while (w[n])
		n++;
	size_t bytes = (n + 1) * 2, padded = (bytes + 3) & ~(size_t)3;
	off = put32(p, off, (uint32_t)bytes);
	memset(p + off, 0, padded);
	for (size_t i = 0; i < n; i++) {
		p[off + 2 * i] = (uint8_t)w[i];
		p[off + 2 * i + 1] = (uint8_t)(w[i] >> 8);
	}
	free(w);
	return off + padded;
}

static size_t prop_list(uint8_t *buf, const char *name, const char *text, uint32_t dword)
{
	size_t off = put32(buf, 0, 1);
	off = put32(buf, off, SYNTAX_NAME);
	off = put_wide(buf, off, name);
	if (text) {
		off = put32(buf, off, SYNTAX_SZ);
		off = put_wide(buf, off, text);
	} else {
		off = put32(buf, off, SYNTAX_DWORD);
		off = put32(buf, off, 4);
		off = put32(buf, off, dword);
	}
	return put32(buf, off, SYNTAX_ENDMARK);
}

static DWORD set_private(HRESOURCE r, const char *name, const char *text, uint32_t dword)
{
	uint8_t buf[1024];
	size_t len = prop_list(buf, name, text, dword);
	DWORD ret = 0;
	return ClusterResourceControl(r, NULL, CONF_CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES, buf, (DWORD)len, NULL, 0,
				      &ret);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* A UTF-16LE string of len bytes (its NUL included) as UTF-8, malloc'd. */
static char *wide_at(const uint8_t *p, uint32_t len)
{
	WCHAR *w = calloc(len / 2 + 1, sizeof(WCHAR));
	assert_non_null(w);
	for (uint32_t i = 0; i < len / 2; i++)
		w[i] = (WCHAR)(p[2 * i] | p[2 * i + 1] << 8);
	char *s = U(w);
	free(w);
	return s;
}

/* Find property `name` in GET_PRIVATE_PROPERTIES' answer: its syntax, and its
 * value as text (a DWORD in decimal).  false when it is not there. */
static bool get_private(HRESOURCE r, const char *name, uint32_t *syntax, char *value, size_t cap)
{
	uint8_t buf[8192];
	DWORD ret = 0;
	assert_int_equal(ClusterResourceControl(r, NULL, CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES, NULL, 0, buf,
						sizeof(buf), &ret),
			 ERROR_SUCCESS);
	assert_true(ret >= 4 && ret <= sizeof(buf));
	uint32_t count = get32(buf);
	size_t off = 4;
	for (uint32_t i = 0; i < count; i++) {
		assert_true(off + 8 <= ret);
		assert_int_equal(get32(buf + off), SYNTAX_NAME);
		uint32_t len = get32(buf + off + 4);
		off += 8;
		assert_true(off + len <= ret);
		char *pname = wide_at(buf + off, len);
		off += (len + 3) & ~3u;
		bool match = strcmp(pname, name) == 0;
		free(pname);
		/* The value(s), up to the end mark. */
		bool first = true;
		for (;;) {
			assert_true(off + 4 <= ret);
			uint32_t syn = get32(buf + off);
			if (syn == SYNTAX_ENDMARK) {
				off += 4;
				break;
			}
			assert_true(off + 8 <= ret);
			uint32_t vlen = get32(buf + off + 4);
			assert_true(off + 8 + vlen <= ret);
			if (match && first) {
				*syntax = syn;
				if (syn == SYNTAX_DWORD && vlen == 4) {
					snprintf(value, cap, "%u", get32(buf + off + 8));
				} else if (syn == SYNTAX_SZ) {
					char *s = wide_at(buf + off + 8, vlen);
					snprintf(value, cap, "%s", s);
					free(s);
				} else {
					snprintf(value, cap, "?");
				}
			}
			first = false;
			off += 8 + ((vlen + 3) & ~3u);
		}
		if (match)
			return true;
	}
	return false;
}

/* All names ClusterOpenEnum gives for one type, as "\n"-separated text with a
 * leading and trailing "\n" (so strstr("\nNAME\n") finds one). */
struct names {
	char text[16384];
	DWORD count;
};

static void enum_names(HCLUSTER h, DWORD type, struct names *out)
{
	HCLUSENUM e = ClusterOpenEnum(h, type);
	assert_non_null(e);
	out->count = ClusterGetEnumCount(e);
	snprintf(out->text, sizeof(out->text), "\n");
	for (DWORD i = 0; i < out->count; i++) {
		WCHAR name[256];
		DWORD cch = 256, t = 0;
		assert_int_equal(ClusterEnum(e, i, &t, name, &cch), ERROR_SUCCESS);
		assert_int_equal(t, type);
		char *u = U(name);
		assert_true(strlen(out->text) + strlen(u) + 2 < sizeof(out->text));
		strcat(out->text, u);
		strcat(out->text, "\n");
		free(u);
	}
	WCHAR name[256];
	DWORD cch = 256, t;
	assert_int_equal(ClusterEnum(e, out->count, &t, name, &cch), ERROR_NO_MORE_ITEMS);
	assert_int_equal(ClusterCloseEnum(e), ERROR_SUCCESS);
}

static bool has_name(const struct names *n, const char *name)
{
	char key[300];
	snprintf(key, sizeof(key), "\n%s\n", name);
	return strstr(n->text, key) != NULL;
}

static void connected_node(char *out, size_t cap)
{
	WCHAR w[128];
	DWORD cch = 128;
	assert_int_equal(ClusapiGetConnectedNodeName(cl, w, &cch), ERROR_SUCCESS);
	char *u = U(w);
	snprintf(out, cap, "%s", u);
	free(u);
}

/* ---- opening the cluster ------------------------------------------------------ */

static void test_open_access(void **state)
{
	(void)state;
	DWORD granted = 0;
	HCLUSTER h = OpenClusterEx(NULL, GENERIC_ALL, &granted);
	assert_non_null(h);
	assert_int_equal(granted, GENERIC_ALL);
	assert_int_equal(ClusapiGetGrantedAccess(h), GENERIC_ALL);
	assert_true(CloseCluster(h));

	granted = 0;
	h = OpenClusterEx(NULL, MAXIMUM_ALLOWED, &granted);
	assert_non_null(h);
	assert_int_equal(granted, GENERIC_ALL); /* root may do everything */
	assert_true(CloseCluster(h));

	granted = 0;
	h = OpenClusterEx(NULL, GENERIC_READ, &granted);
	assert_non_null(h);
	assert_int_equal(granted, GENERIC_READ);
	assert_int_equal(ClusapiGetGrantedAccess(h), GENERIC_READ);
	assert_true(CloseCluster(h));

	h = OpenCluster(NULL);
	assert_non_null(h);
	assert_true(CloseCluster(h));

	assert_null(OpenClusterEx(NULL, 0, NULL));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
}

static void test_cluster_information(void **state)
{
	(void)state;
	WCHAR name[128];
	DWORD cch = 128;
	CLUSTERVERSIONINFO vi = { .dwVersionInfoSize = sizeof(vi) };
	assert_int_equal(GetClusterInformation(cl, name, &cch, &vi), ERROR_SUCCESS);
	assert_true(cch > 0);
	assert_true(name[cch] == 0);
	assert_true(vi.MajorVersion > 0);
	assert_true(vi.szVendorId[0] != 0);
	assert_true(vi.dwClusterHighestVersion >= vi.dwClusterLowestVersion);
	DWORD len = cch;
	/* The length alone; too small a buffer. */
	cch = 0;
	DWORD rc = GetClusterInformation(cl, NULL, &cch, NULL);
	assert_true(rc == ERROR_SUCCESS || rc == ERROR_MORE_DATA);
	assert_int_equal(cch, len);
	WCHAR small[2];
	cch = 2;
	assert_int_equal(GetClusterInformation(cl, small, &cch, NULL), ERROR_MORE_DATA);
	assert_int_equal(cch, len);
	/* The node serving us is a cluster node. */
	char node[128];
	connected_node(node, sizeof(node));
	struct names nodes;
	enum_names(cl, CLUSTER_ENUM_NODE, &nodes);
	assert_true(has_name(&nodes, node));
}

/* ---- enumerations ---------------------------------------------------------------- */

/* ClusterOpenEnum and ClusterOpenEnumEx agree (same count, same names), every
 * Ex item is well formed, and every object enumerated opens by its name. */
static void check_enum_type(DWORD type)
{
	struct names plain;
	enum_names(cl, type, &plain);
	HCLUSENUMEX ex = ClusterOpenEnumEx(cl, type, NULL);
	assert_non_null(ex);
	assert_int_equal(ClusterGetEnumCountEx(ex), plain.count);
	for (DWORD i = 0; i < plain.count; i++) {
		union {
			CLUSTER_ENUM_ITEM item;
			uint8_t bytes[2048];
		} u;
		DWORD cb = 0;
		assert_int_equal(ClusterEnumEx(ex, i, NULL, &cb), ERROR_MORE_DATA);
		assert_true(cb > sizeof(CLUSTER_ENUM_ITEM) && cb <= sizeof(u));
		DWORD need = cb;
		cb = sizeof(u);
		assert_int_equal(ClusterEnumEx(ex, i, &u.item, &cb), ERROR_SUCCESS);
		assert_int_equal(cb, need);
		assert_int_equal(u.item.dwType, type);
		assert_non_null(u.item.lpszName);
		assert_non_null(u.item.lpszId);
		char *name = U(u.item.lpszName), *id = U(u.item.lpszId);
		assert_true(has_name(&plain, name));
		assert_int_equal(u.item.cbName, (strlen(name) + 1) * 2); /* ASCII names here */
		if (type != CLUSTER_ENUM_RESTYPE)
			assert_true(id[0] != 0);
		/* Opens by name; its state is known. */
		WCHAR *w = u.item.lpszName;
		switch (type) {
		case CLUSTER_ENUM_NODE: {
			HNODE n = OpenClusterNode(cl, w);
			assert_non_null(n);
			assert_int_not_equal(GetClusterNodeState(n), ClusterNodeStateUnknown);
			assert_true(CloseClusterNode(n));
			break;
		}
		case CLUSTER_ENUM_GROUP: {
			HGROUP g = OpenClusterGroup(cl, w);
			assert_non_null(g);
			assert_int_not_equal(GetClusterGroupState(g, NULL, NULL), ClusterGroupStateUnknown);
			assert_true(CloseClusterGroup(g));
			break;
		}
		case CLUSTER_ENUM_RESOURCE: {
			HRESOURCE r = OpenClusterResource(cl, w);
			assert_non_null(r);
			assert_int_not_equal(GetClusterResourceState(r, NULL, NULL, NULL, NULL),
					     ClusterResourceStateUnknown);
			assert_true(CloseClusterResource(r));
			break;
		}
		case CLUSTER_ENUM_NETWORK: {
			HNETWORK n = OpenClusterNetwork(cl, w);
			assert_non_null(n);
			assert_int_not_equal(GetClusterNetworkState(n), ClusterNetworkStateUnknown);
			assert_true(CloseClusterNetwork(n));
			break;
		}
		case CLUSTER_ENUM_NETINTERFACE: {
			HNETINTERFACE n = OpenClusterNetInterface(cl, w);
			assert_non_null(n);
			assert_int_not_equal(GetClusterNetInterfaceState(n), ClusterNetInterfaceStateUnknown);
			assert_true(CloseClusterNetInterface(n));
			break;
		}
		default:
			break;
		}
		free(name);
		free(id);
	}
	DWORD cb = 0;
	assert_int_equal(ClusterEnumEx(ex, plain.count, NULL, &cb), ERROR_NO_MORE_ITEMS);
	assert_int_equal(ClusterCloseEnumEx(ex), ERROR_SUCCESS);
	assert_int_equal(ClusterCloseEnumEx(ex), ERROR_INVALID_HANDLE);
}

static void test_enumerations(void **state)
{
	(void)state;
	static const DWORD types[] = { CLUSTER_ENUM_NODE, CLUSTER_ENUM_RESTYPE, CLUSTER_ENUM_RESOURCE,
				       CLUSTER_ENUM_GROUP, CLUSTER_ENUM_NETWORK, CLUSTER_ENUM_NETINTERFACE };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		check_enum_type(types[i]);

	struct names nodes, restypes, nets, nifs;
	enum_names(cl, CLUSTER_ENUM_NODE, &nodes);
	enum_names(cl, CLUSTER_ENUM_RESTYPE, &restypes);
	enum_names(cl, CLUSTER_ENUM_NETWORK, &nets);
	enum_names(cl, CLUSTER_ENUM_NETINTERFACE, &nifs);
	assert_true(nodes.count >= 1);
	assert_true(has_name(&restypes, be->type));
	/* Every network has an interface on some node, every interface is on a network. */
	assert_true(nifs.count >= nets.count);

	/* Several types at once: the sum of each (one snapshot). */
	HCLUSENUM e = ClusterOpenEnum(cl, CLUSTER_ENUM_NODE | CLUSTER_ENUM_NETWORK);
	assert_non_null(e);
	assert_int_equal(ClusterGetEnumCount(e), nodes.count + nets.count);
	assert_int_equal(ClusterCloseEnum(e), ERROR_SUCCESS);
	assert_int_equal(ClusterCloseEnum(e), ERROR_INVALID_HANDLE);

	/* Bad arguments. */
	assert_null(ClusterOpenEnum(cl, 0));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	int opt = 0;
	assert_null(ClusterOpenEnumEx(cl, CLUSTER_ENUM_NODE, &opt));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
}

/* ---- create, properties, online, offline, move, rename, delete ------------------- */

static void test_create(void **state)
{
	(void)state;
	HGROUP g = CreateClusterGroup(cl, wgroup);
	assert_non_null(g);
	wait_group(g, ClusterGroupOffline, NULL, NULL, 0);
	/* The name is taken now. */
	assert_null(CreateClusterGroup(cl, wgroup));
	assert_int_equal(GetLastError(), ERROR_OBJECT_ALREADY_EXISTS);

	WCHAR *type = W(be->type);
	for (int i = 0; i < 2; i++) {
		HRESOURCE r = CreateClusterResource(g, wres[i], type, 0);
		if (!r)
			fail_msg("CreateClusterResource(%s, %s): %s", res_name[i], be->type,
				 ClusapiErrorName(GetLastError()));
		wait_res(r, ClusterResourceOffline);
		WCHAR node[128], grp[128];
		DWORD cn = 128, cg = 128;
		assert_int_equal(GetClusterResourceState(r, node, &cn, grp, &cg), ClusterResourceOffline);
		assert_wide(grp, group_name);
		uint8_t out[512];
		DWORD ret = 0;
		assert_int_equal(ClusterResourceControl(r, NULL, CLUSCTL_RESOURCE_GET_RESOURCE_TYPE, NULL, 0, out,
							sizeof(out), &ret),
				 ERROR_SUCCESS);
		assert_wide((const WCHAR *)out, be->type);
		assert_true(CloseClusterResource(r));
	}
	/* Taken names, unknown types. */
	assert_null(CreateClusterResource(g, wres[0], type, 0));
	assert_int_equal(GetLastError(), ERROR_OBJECT_ALREADY_EXISTS);
	WCHAR *other = W("conformance-no-such"), *nosuch = W("No Such Type:at all");
	assert_null(CreateClusterResource(g, other, nosuch, 0));
	assert_int_equal(GetLastError(), ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND);
	free(other);
	free(nosuch);
	free(type);

	/* The group contains both, and the cluster enumerates them. */
	HGROUPENUM ge = ClusterGroupOpenEnum(g, CLUSTER_GROUP_ENUM_CONTAINS);
	assert_non_null(ge);
	assert_int_equal(ClusterGroupGetEnumCount(ge), 2);
	bool seen[2] = { false, false };
	for (DWORD i = 0; i < 2; i++) {
		WCHAR name[128];
		DWORD cch = 128, t = 0;
		assert_int_equal(ClusterGroupEnum(ge, i, &t, name, &cch), ERROR_SUCCESS);
		assert_int_equal(t, CLUSTER_GROUP_ENUM_CONTAINS);
		char *u = U(name);
		for (int k = 0; k < 2; k++)
			seen[k] |= strcmp(u, res_name[k]) == 0;
		free(u);
	}
	assert_true(seen[0] && seen[1]);
	assert_int_equal(ClusterGroupCloseEnum(ge), ERROR_SUCCESS);
	struct names groups, resources;
	enum_names(cl, CLUSTER_ENUM_GROUP, &groups);
	enum_names(cl, CLUSTER_ENUM_RESOURCE, &resources);
	assert_true(has_name(&groups, group_name));
	assert_true(has_name(&resources, res_name[0]) && has_name(&resources, res_name[1]));
	assert_true(CloseClusterGroup(g));
}

static void test_private_properties(void **state)
{
	(void)state;
	char value[256];
	uint32_t syntax = 0;
	for (int i = 0; i < 2; i++) {
		HRESOURCE r = open_res(res_name[i]);
		assert_int_equal(set_private(r, be->prop_name, be->prop_value, 0), ERROR_SUCCESS);
		assert_true(get_private(r, be->prop_name, &syntax, value, sizeof(value)));
		assert_int_equal(syntax, SYNTAX_SZ);
		assert_string_equal(value, be->prop_value);
		assert_true(CloseClusterResource(r));
	}
	/* A second value, a DWORD; and a change of the first. */
	HRESOURCE r = open_res(res_name[0]);
	assert_int_equal(set_private(r, "ConformanceNumber", NULL, 42), ERROR_SUCCESS);
	assert_true(get_private(r, "ConformanceNumber", &syntax, value, sizeof(value)));
	assert_int_equal(syntax, be->dword_reads_as_text ? SYNTAX_SZ : SYNTAX_DWORD);
	assert_string_equal(value, "42");
	assert_int_equal(set_private(r, "ConformanceText", "one", 0), ERROR_SUCCESS);
	assert_int_equal(set_private(r, "ConformanceText", "two", 0), ERROR_SUCCESS);
	assert_true(get_private(r, "ConformanceText", &syntax, value, sizeof(value)));
	assert_string_equal(value, "two");
	/* The other resource's properties are its own. */
	HRESOURCE r2 = open_res(res_name[1]);
	assert_false(get_private(r2, "ConformanceText", &syntax, value, sizeof(value)));
	assert_true(CloseClusterResource(r2));
	/* A malformed list changes nothing. */
	uint8_t bad[8] = { 1, 0, 0, 0, 0, 0, 0, 0 };
	DWORD ret = 0;
	assert_int_equal(ClusterResourceControl(r, NULL, CONF_CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES, bad,
						sizeof(bad), NULL, 0, &ret),
			 ERROR_INVALID_DATA);
	assert_true(CloseClusterResource(r));
}

/* One resource alone, then the whole group. */
static void test_online_offline(void **state)
{
	(void)state;
	char owner[128], node[128];
	connected_node(node, sizeof(node));
	struct names nodes;
	enum_names(cl, CLUSTER_ENUM_NODE, &nodes);

	HGROUP g = open_group(group_name);
	HRESOURCE a = open_res(res_name[0]), b = open_res(res_name[1]);
	/* The first resource alone: the group is partly online. */
	assert_started(OnlineClusterResource(a), "OnlineClusterResource");
	wait_res(a, ClusterResourceOnline);
	wait_group(g, ClusterGroupPartialOnline, NULL, owner, sizeof(owner));
	assert_true(has_name(&nodes, owner));
	assert_int_equal(GetClusterResourceState(b, NULL, NULL, NULL, NULL), ClusterResourceOffline);
	WCHAR rnode[128];
	DWORD cch = 128;
	assert_int_equal(GetClusterResourceState(a, rnode, &cch, NULL, NULL), ClusterResourceOnline);
	assert_wide(rnode, owner);
	/* An online resource cannot be deleted. */
	assert_int_equal(DeleteClusterResource(a), ERROR_INVALID_STATE);
	assert_started(OfflineClusterResource(a), "OfflineClusterResource");
	wait_res(a, ClusterResourceOffline);
	wait_group(g, ClusterGroupOffline, NULL, NULL, 0);

	/* The group: both members online, on one node. */
	assert_started(OnlineClusterGroup(g, NULL), "OnlineClusterGroup");
	wait_group(g, ClusterGroupOnline, NULL, owner, sizeof(owner));
	wait_res(a, ClusterResourceOnline);
	wait_res(b, ClusterResourceOnline);
	assert_true(has_name(&nodes, owner));
	cch = 128;
	assert_int_equal(GetClusterResourceState(b, rnode, &cch, NULL, NULL), ClusterResourceOnline);
	assert_wide(rnode, owner);
	/* The node that owns it lists it. */
	WCHAR *wowner = W(owner);
	HNODE n = OpenClusterNode(cl, wowner);
	free(wowner);
	assert_non_null(n);
	HNODEENUM ne = ClusterNodeOpenEnum(n, CLUSTER_NODE_ENUM_GROUPS);
	assert_non_null(ne);
	bool listed = false;
	for (DWORD i = 0; i < ClusterNodeGetEnumCount(ne); i++) {
		WCHAR name[128];
		DWORD c = 128, t;
		assert_int_equal(ClusterNodeEnum(ne, i, &t, name, &c), ERROR_SUCCESS);
		char *u = U(name);
		listed |= strcmp(u, group_name) == 0;
		free(u);
	}
	assert_int_equal(ClusterNodeCloseEnum(ne), ERROR_SUCCESS);
	assert_true(listed);
	assert_true(CloseClusterNode(n));
	/* A group with resources cannot be deleted. */
	assert_int_equal(DeleteClusterGroup(g), ERROR_DIR_NOT_EMPTY);

	assert_true(CloseClusterResource(a));
	assert_true(CloseClusterResource(b));
	assert_true(CloseClusterGroup(g));
}

/* Move the online group: to each other node that is up and back (more than
 * one node), or to its own node (one node). */
static void test_move(void **state)
{
	(void)state;
	char owner[128], where[128];
	HGROUP g = open_group(group_name);
	wait_group(g, ClusterGroupOnline, NULL, owner, sizeof(owner));

	/* The nodes that are up, other than the owner. */
	HCLUSENUM e = ClusterOpenEnum(cl, CLUSTER_ENUM_NODE);
	assert_non_null(e);
	char others[8][128];
	int nothers = 0;
	DWORD count = ClusterGetEnumCount(e);
	for (DWORD i = 0; i < count && nothers < 8; i++) {
		WCHAR name[128];
		DWORD cch = 128, t;
		assert_int_equal(ClusterEnum(e, i, &t, name, &cch), ERROR_SUCCESS);
		HNODE n = OpenClusterNode(cl, name);
		assert_non_null(n);
		bool up = GetClusterNodeState(n) == ClusterNodeUp;
		assert_true(CloseClusterNode(n));
		char *u = U(name);
		if (up && strcmp(u, owner) != 0)
			snprintf(others[nothers++], sizeof(others[0]), "%s", u);
		free(u);
	}
	ClusterCloseEnum(e);

	if (nothers == 0) {
		/* One node: moving to it (or to "the best other node", which is
		 * none) leaves the group where it is. */
		WCHAR *w = W(owner);
		HNODE n = OpenClusterNode(cl, w);
		free(w);
		assert_non_null(n);
		assert_started(MoveClusterGroup(g, n), "MoveClusterGroup to its own node");
		wait_group(g, ClusterGroupOnline, owner, NULL, 0);
		assert_true(CloseClusterNode(n));
		print_message("one node up: the group stays on %s\n", owner);
	} else {
		double t0 = now_s();
		WCHAR *w = W(others[0]);
		HNODE n = OpenClusterNode(cl, w);
		free(w);
		assert_non_null(n);
		assert_started(MoveClusterGroup(g, n), "MoveClusterGroup");
		wait_group(g, ClusterGroupOnline, others[0], NULL, 0);
		print_message("moved %s -> %s in %.1f s\n", owner, others[0], now_s() - t0);
		assert_true(CloseClusterNode(n));
		/* Both members went with it. */
		for (int i = 0; i < 2; i++) {
			HRESOURCE r = open_res(res_name[i]);
			WCHAR rnode[128];
			DWORD cch = 128;
			wait_res(r, ClusterResourceOnline);
			assert_int_equal(GetClusterResourceState(r, rnode, &cch, NULL, NULL), ClusterResourceOnline);
			assert_wide(rnode, others[0]);
			assert_true(CloseClusterResource(r));
		}
		/* No target: the best other node. */
		t0 = now_s();
		assert_started(MoveClusterGroup(g, NULL), "MoveClusterGroup(NULL)");
		double end = now_s() + WAIT_S;
		do {
			wait_group(g, ClusterGroupOnline, NULL, where, sizeof(where));
			if (strcmp(where, others[0]) != 0)
				break;
			sleep_ms(100);
		} while (now_s() < end);
		assert_string_not_equal(where, others[0]);
		print_message("moved %s -> %s (no target) in %.1f s\n", others[0], where, now_s() - t0);
	}
	/* To a node that is not there. */
	HNODE bogus = (HNODE)(uintptr_t)0x5151;
	assert_int_equal(MoveClusterGroup(g, bogus), ERROR_INVALID_HANDLE);
	assert_true(CloseClusterGroup(g));
}

static void test_rename(void **state)
{
	(void)state;
	HGROUP g = open_group(group_name);
	WCHAR *wnew = W(renamed_group);
	assert_int_equal(SetClusterGroupName(g, wnew), ERROR_SUCCESS);
	struct names groups;
	enum_names(cl, CLUSTER_ENUM_GROUP, &groups);
	assert_true(has_name(&groups, renamed_group));
	assert_false(has_name(&groups, group_name));
	/* The old name is gone, the new one opens, the handle still works. */
	assert_null(OpenClusterGroup(cl, wgroup));
	assert_int_equal(GetLastError(), ERROR_GROUP_NOT_FOUND);
	HGROUP g2 = OpenClusterGroup(cl, wnew);
	assert_non_null(g2);
	assert_int_not_equal(GetClusterGroupState(g, NULL, NULL), ClusterGroupStateUnknown);
	/* A resource's group is the new name. */
	HRESOURCE r = open_res(res_name[1]);
	WCHAR grp[128];
	DWORD cg = 128;
	assert_int_not_equal(GetClusterResourceState(r, NULL, NULL, grp, &cg), ClusterResourceStateUnknown);
	assert_wide(grp, renamed_group);
	/* Back, so that the rest of the suite knows it by its name. */
	assert_int_equal(SetClusterGroupName(g2, wgroup), ERROR_SUCCESS);
	assert_true(CloseClusterGroup(g2));
	/* A name in use; an empty one. */
	WCHAR *wres0 = wres[0];
	assert_int_equal(SetClusterResourceName(r, wres0), ERROR_OBJECT_ALREADY_EXISTS);
	assert_int_equal(SetClusterGroupName(g, u""), ERROR_INVALID_NAME);

	WCHAR *wrnew = W(renamed_res);
	assert_int_equal(SetClusterResourceName(r, wrnew), ERROR_SUCCESS);
	struct names resources;
	enum_names(cl, CLUSTER_ENUM_RESOURCE, &resources);
	assert_true(has_name(&resources, renamed_res));
	assert_false(has_name(&resources, res_name[1]));
	assert_null(OpenClusterResource(cl, wres[1]));
	assert_int_equal(GetLastError(), ERROR_RESOURCE_NOT_FOUND);
	assert_int_equal(SetClusterResourceName(r, wres[1]), ERROR_SUCCESS);
	/* The rename kept its properties and its state. */
	char value[256];
	uint32_t syntax;
	assert_true(get_private(r, be->prop_name, &syntax, value, sizeof(value)));
	assert_string_equal(value, be->prop_value);
	wait_res(r, ClusterResourceOnline);
	assert_true(CloseClusterResource(r));
	free(wrnew);
	free(wnew);
	assert_true(CloseClusterGroup(g));
}

static void test_offline_delete(void **state)
{
	(void)state;
	HGROUP g = open_group(group_name);
	assert_started(OfflineClusterGroup(g), "OfflineClusterGroup");
	wait_group(g, ClusterGroupOffline, NULL, NULL, 0);
	HRESOURCE r[2];
	for (int i = 0; i < 2; i++) {
		r[i] = open_res(res_name[i]);
		wait_res(r[i], ClusterResourceOffline);
	}
	assert_int_equal(DeleteClusterGroup(g), ERROR_DIR_NOT_EMPTY);
	/* From the end of the group (on Pacemaker a group is a chain: each
	 * member depends on the one before it). */
	for (int i = 1; i >= 0; i--) {
		assert_int_equal(DeleteClusterResource(r[i]), ERROR_SUCCESS);
		/* The handle outlives the object: it says so. */
		assert_int_equal(GetClusterResourceState(r[i], NULL, NULL, NULL, NULL), ClusterResourceStateUnknown);
		assert_int_equal(GetLastError(), ERROR_RESOURCE_NOT_FOUND);
		assert_true(CloseClusterResource(r[i]));
		assert_null(OpenClusterResource(cl, wres[i]));
		assert_int_equal(GetLastError(), ERROR_RESOURCE_NOT_FOUND);
	}
	assert_int_equal(DeleteClusterGroup(g), ERROR_SUCCESS);
	assert_true(CloseClusterGroup(g));
	assert_null(OpenClusterGroup(cl, wgroup));
	assert_int_equal(GetLastError(), ERROR_GROUP_NOT_FOUND);
	/* Gone from the enumerations too (on Pacemaker the status section keeps
	 * a deleted resource's operation history for a while: not an object). */
	struct names groups, resources;
	enum_names(cl, CLUSTER_ENUM_GROUP, &groups);
	enum_names(cl, CLUSTER_ENUM_RESOURCE, &resources);
	assert_false(has_name(&groups, group_name));
	assert_false(has_name(&resources, res_name[0]));
	assert_false(has_name(&resources, res_name[1]));
}

/* ---- errors ------------------------------------------------------------------------ */

static void test_unknown_names(void **state)
{
	(void)state;
	WCHAR *w = W("conformance-no-such-object");
	assert_null(OpenClusterGroup(cl, w));
	assert_int_equal(GetLastError(), ERROR_GROUP_NOT_FOUND);
	assert_null(OpenClusterResource(cl, w));
	assert_int_equal(GetLastError(), ERROR_RESOURCE_NOT_FOUND);
	assert_null(OpenClusterNode(cl, w));
	assert_int_equal(GetLastError(), ERROR_CLUSTER_NODE_NOT_FOUND);
	assert_null(OpenClusterNetwork(cl, w));
	assert_int_equal(GetLastError(), ERROR_CLUSTER_NETWORK_NOT_FOUND);
	assert_null(OpenClusterNetInterface(cl, w));
	assert_int_equal(GetLastError(), ERROR_CLUSTER_NETINTERFACE_NOT_FOUND);
	assert_null(OpenClusterGroupEx(cl, w, GENERIC_READ, NULL));
	assert_int_equal(GetLastError(), ERROR_GROUP_NOT_FOUND);
	assert_null(OpenClusterResourceEx(cl, w, GENERIC_ALL, NULL));
	assert_int_equal(GetLastError(), ERROR_RESOURCE_NOT_FOUND);
	free(w);
	assert_null(OpenClusterGroup(cl, NULL));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	assert_null(CreateClusterGroup(cl, u""));
	assert_int_equal(GetLastError(), ERROR_INVALID_NAME);
}

static void test_invalid_handles(void **state)
{
	(void)state;
	assert_false(CloseCluster(NULL));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	HCLUSTER made_up = (HCLUSTER)(uintptr_t)0x7777;
	WCHAR name[64];
	DWORD cch = 64;
	assert_int_equal(GetClusterInformation(made_up, name, &cch, NULL), ERROR_INVALID_HANDLE);
	assert_null(OpenClusterGroup(made_up, u"x"));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_null(ClusterOpenEnum(made_up, CLUSTER_ENUM_NODE));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	HGROUP g = (HGROUP)(uintptr_t)0x4242;
	assert_int_equal(GetClusterGroupState(g, NULL, NULL), ClusterGroupStateUnknown);
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_int_equal(OnlineClusterGroup(g, NULL), ERROR_INVALID_HANDLE);
	assert_int_equal(DeleteClusterGroup(NULL), ERROR_INVALID_HANDLE);
	HRESOURCE r = (HRESOURCE)(uintptr_t)0x4243;
	assert_int_equal(OnlineClusterResource(r), ERROR_INVALID_HANDLE);
	assert_int_equal(GetClusterResourceState(NULL, NULL, NULL, NULL, NULL), ClusterResourceStateUnknown);
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);

	/* Closed handles. */
	struct names nodes;
	enum_names(cl, CLUSTER_ENUM_NODE, &nodes);
	char node[128];
	connected_node(node, sizeof(node));
	WCHAR *wn = W(node);
	HNODE n = OpenClusterNode(cl, wn);
	free(wn);
	assert_non_null(n);
	assert_true(CloseClusterNode(n));
	assert_false(CloseClusterNode(n));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_int_equal(GetClusterNodeState(n), ClusterNodeStateUnknown);
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	HCLUSTER h = OpenCluster(NULL);
	assert_non_null(h);
	assert_true(CloseCluster(h));
	assert_false(CloseCluster(h));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	cch = 64;
	assert_int_equal(GetClusterInformation(h, name, &cch, NULL), ERROR_INVALID_HANDLE);
}

/* Object handles whose cluster handle was closed: every call
 * ERROR_INVALID_HANDLE, Close* frees them.  Two cluster handles' objects do
 * not mix. */
static void test_closed_cluster_handle(void **state)
{
	(void)state;
	char node[128];
	connected_node(node, sizeof(node));
	WCHAR *wn = W(node);
	HGROUP g = CreateClusterGroup(cl, wgroup);
	assert_non_null(g);

	HCLUSTER h = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	assert_non_null(h);
	HGROUP hg = OpenClusterGroup(h, wgroup);
	HNODE hn = OpenClusterNode(h, wn);
	HCLUSENUM he = ClusterOpenEnum(h, CLUSTER_ENUM_GROUP);
	assert_non_null(hg);
	assert_non_null(hn);
	assert_non_null(he);
	/* Mixed: a node of another cluster handle. */
	HNODE n = OpenClusterNode(cl, wn);
	assert_non_null(n);
	assert_int_equal(MoveClusterGroup(hg, n), ERROR_INVALID_HANDLE);
	assert_int_equal(OnlineClusterGroup(g, hn), ERROR_INVALID_HANDLE);
	assert_true(CloseClusterNode(n));

	assert_true(CloseCluster(h));
	assert_int_equal(GetClusterGroupState(hg, NULL, NULL), ClusterGroupStateUnknown);
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_int_equal(OnlineClusterGroup(hg, NULL), ERROR_INVALID_HANDLE);
	assert_int_equal(DeleteClusterGroup(hg), ERROR_INVALID_HANDLE);
	assert_int_equal(SetClusterGroupName(hg, u"conformance-hacked"), ERROR_INVALID_HANDLE);
	assert_int_equal(GetClusterNodeState(hn), ClusterNodeStateUnknown);
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_null(CreateClusterResource(hg, u"conformance-hacked", u"x", 0));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_true(CloseClusterGroup(hg));
	assert_true(CloseClusterNode(hn));
	ClusterCloseEnum(he);
	free(wn);

	/* The group is untouched, through the other handle. */
	assert_int_equal(GetClusterGroupState(g, NULL, NULL), ClusterGroupOffline);
	assert_int_equal(DeleteClusterGroup(g), ERROR_SUCCESS);
	assert_true(CloseClusterGroup(g));
}

/* A read-only cluster handle reads and refuses every change. */
static void test_read_only(void **state)
{
	(void)state;
	HGROUP g = CreateClusterGroup(cl, wgroup);
	assert_non_null(g);
	WCHAR *type = W(be->type);
	HRESOURCE r = CreateClusterResource(g, wres[0], type, 0);
	assert_non_null(r);
	char node[128];
	connected_node(node, sizeof(node));
	WCHAR *wn = W(node);

	DWORD granted = 0;
	HCLUSTER ro = OpenClusterEx(NULL, GENERIC_READ, &granted);
	assert_non_null(ro);
	assert_int_equal(granted, GENERIC_READ);
	assert_null(CreateClusterGroup(ro, u"conformance-hacked"));
	assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
	HGROUP rg = OpenClusterGroup(ro, wgroup);
	HRESOURCE rr = OpenClusterResource(ro, wres[0]);
	HNODE rn = OpenClusterNode(ro, wn);
	assert_non_null(rg);
	assert_non_null(rr);
	assert_non_null(rn);
	assert_null(OpenClusterGroupEx(ro, wgroup, GENERIC_ALL, NULL));
	assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);

	assert_int_equal(OnlineClusterGroup(rg, NULL), ERROR_ACCESS_DENIED);
	assert_int_equal(OfflineClusterGroup(rg), ERROR_ACCESS_DENIED);
	assert_int_equal(MoveClusterGroup(rg, rn), ERROR_ACCESS_DENIED);
	assert_int_equal(SetClusterGroupName(rg, u"conformance-hacked"), ERROR_ACCESS_DENIED);
	assert_int_equal(DeleteClusterGroup(rg), ERROR_ACCESS_DENIED);
	assert_null(CreateClusterResource(rg, u"conformance-hacked", type, 0));
	assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
	assert_int_equal(OnlineClusterResource(rr), ERROR_ACCESS_DENIED);
	assert_int_equal(OfflineClusterResource(rr), ERROR_ACCESS_DENIED);
	assert_int_equal(FailClusterResource(rr), ERROR_ACCESS_DENIED);
	assert_int_equal(SetClusterResourceName(rr, u"conformance-hacked"), ERROR_ACCESS_DENIED);
	assert_int_equal(DeleteClusterResource(rr), ERROR_ACCESS_DENIED);
	assert_int_equal(set_private(rr, "ConformanceText", "hacked", 0), ERROR_ACCESS_DENIED);
	assert_int_equal(PauseClusterNode(rn), ERROR_ACCESS_DENIED);
	assert_int_equal(ResumeClusterNode(rn), ERROR_ACCESS_DENIED);
	assert_int_equal(EvictClusterNode(rn), ERROR_ACCESS_DENIED);
	assert_int_equal(SetClusterName(ro, u"hacked"), ERROR_ACCESS_DENIED);

	/* Reads work. */
	assert_int_equal(GetClusterGroupState(rg, NULL, NULL), ClusterGroupOffline);
	assert_int_equal(GetClusterResourceState(rr, NULL, NULL, NULL, NULL), ClusterResourceOffline);
	assert_int_equal(GetClusterNodeState(rn), ClusterNodeUp);
	uint8_t out[512];
	DWORD ret = 0;
	assert_int_equal(ClusterResourceControl(rr, NULL, CLUSCTL_RESOURCE_GET_NAME, NULL, 0, out, sizeof(out), &ret),
			 ERROR_SUCCESS);
	assert_wide((const WCHAR *)out, res_name[0]);
	assert_true(CloseClusterGroup(rg));
	assert_true(CloseClusterResource(rr));
	assert_true(CloseClusterNode(rn));
	assert_true(CloseCluster(ro));

	/* Nothing changed. */
	struct names groups, resources;
	enum_names(cl, CLUSTER_ENUM_GROUP, &groups);
	enum_names(cl, CLUSTER_ENUM_RESOURCE, &resources);
	assert_false(has_name(&groups, "conformance-hacked"));
	assert_false(has_name(&resources, "conformance-hacked"));
	assert_true(has_name(&resources, res_name[0]));
	assert_int_equal(GetClusterGroupState(g, NULL, NULL), ClusterGroupOffline);

	assert_int_equal(DeleteClusterResource(r), ERROR_SUCCESS);
	assert_true(CloseClusterResource(r));
	assert_int_equal(DeleteClusterGroup(g), ERROR_SUCCESS);
	assert_true(CloseClusterGroup(g));
	free(type);
	free(wn);
}

/* ---- set-up ---------------------------------------------------------------------- */

/* Whatever a failed test left behind: offline, delete members from the end,
 * delete the group (best effort, bounded). */
static void cleanup_leftovers(void)
{
	const char *gnames[] = { group_name, renamed_group };
	for (size_t k = 0; k < 2; k++) {
		WCHAR *w = W(gnames[k]);
		HGROUP g = OpenClusterGroup(cl, w);
		free(w);
		if (!g)
			continue;
		fprintf(stderr, "# cleaning up group %s\n", gnames[k]);
		OfflineClusterGroup(g);
		const char *rnames[] = { renamed_res, res_name[1], res_name[0] };
		for (size_t i = 0; i < 3; i++) {
			w = W(rnames[i]);
			HRESOURCE r = OpenClusterResource(cl, w);
			free(w);
			if (!r)
				continue;
			OfflineClusterResource(r);
			double end = now_s() + WAIT_S;
			while (DeleteClusterResource(r) == ERROR_INVALID_STATE && now_s() < end)
				sleep_ms(200);
			CloseClusterResource(r);
		}
		DeleteClusterGroup(g);
		CloseClusterGroup(g);
	}
}

static int setup(void **state)
{
	(void)state;
	const char *name = getenv("CONFORMANCE_BACKEND");
	be = NULL;
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (strcmp(backends[i].name, name && *name ? name : "embedded") == 0)
			be = &backends[i];
	if (!be) {
		fprintf(stderr, "CONFORMANCE_BACKEND=%s: not embedded or pacemaker\n", name);
		return -1;
	}
	const char *lpc = getenv("CLUSAPI_LPC_SOCKET");
	if (!lpc || !*lpc) {
		if (!getenv("CLUSTERD") || strcmp(be->name, "embedded") != 0) {
			fprintf(stderr, "set CLUSAPI_LPC_SOCKET (a clusterd to test), or CLUSTERD to start one\n");
			return -1;
		}
		if (daemon_start(&own_daemon, DAEMON_LPC_ONLY, NULL) != 0) {
			fprintf(stderr, "cannot start clusterd\n");
			return -1;
		}
		started_daemon = true;
		daemon_use(&own_daemon);
	}
	int pid = (int)getpid();
	snprintf(group_name, sizeof(group_name), "Conformance Group %d", pid);
	snprintf(renamed_group, sizeof(renamed_group), "Conformance Renamed %d", pid);
	snprintf(res_name[0], sizeof(res_name[0]), "conf-a-%d", pid);
	snprintf(res_name[1], sizeof(res_name[1]), "conf-b-%d", pid);
	snprintf(renamed_res, sizeof(renamed_res), "conf-renamed-%d", pid);
	wgroup = ClusapiUtf8ToWide(group_name);
	wres[0] = ClusapiUtf8ToWide(res_name[0]);
	wres[1] = ClusapiUtf8ToWide(res_name[1]);
	cl = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	if (!cl) {
		fprintf(stderr, "cannot open the cluster at %s: %s\n", getenv("CLUSAPI_LPC_SOCKET"),
			ClusapiErrorName(GetLastError()));
		return -1;
	}
	char node[128];
	WCHAR w[128];
	DWORD cch = 128;
	ClusapiGetConnectedNodeName(cl, w, &cch);
	char *u = ClusapiWideToUtf8(w);
	snprintf(node, sizeof(node), "%s", u ? u : "?");
	free(u);
	fprintf(stderr, "# conformance: backend %s, node %s, resource type \"%s\"\n", be->name, node, be->type);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (cl) {
		cleanup_leftovers();
		CloseCluster(cl);
	}
	free(wgroup);
	free(wres[0]);
	free(wres[1]);
	if (started_daemon)
		daemon_destroy(&own_daemon);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_access),
		cmocka_unit_test(test_cluster_information),
		cmocka_unit_test(test_enumerations),
		cmocka_unit_test(test_unknown_names),
		cmocka_unit_test(test_invalid_handles),
		cmocka_unit_test(test_closed_cluster_handle),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_private_properties),
		cmocka_unit_test(test_online_offline),
		cmocka_unit_test(test_move),
		cmocka_unit_test(test_rename),
		cmocka_unit_test(test_offline_delete),
		RESTYPE_TESTS, /* test_restypes.c */
	};
	return daemon_finish(cmocka_run_group_tests(tests, setup, teardown));
}
