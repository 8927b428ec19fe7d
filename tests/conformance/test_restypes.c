/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Conformance: resource types (issue 11, part 4), on either backend through
 * the C API only.  Built into test_conformance (main() lists RESTYPE_TESTS);
 * each test opens the cluster the suite's setup pointed the library at
 * (CLUSAPI_LPC_SOCKET) and reads CONFORMANCE_BACKEND itself, so it shares
 * nothing else with test_conformance.c.  Names carry the process id.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cmocka.h>

#include "clusapi.h"
#include "common.h"
#include "test_restypes.h"

/* Can this backend keep types made with CreateClusterResourceType? */
static bool custom_types(void)
{
	const char *b = getenv("CONFORMANCE_BACKEND");
	return !b || !*b || strcmp(b, "embedded") == 0;
}

static void expect(DWORD got, DWORD want, const char *what)
{
	if (got != want)
		fail_msg("%s: got %u %s, wanted %u %s", what, (unsigned)got, ClusapiErrorName(got) ?: "", (unsigned)want,
			 ClusapiErrorName(want) ?: "");
}

static HCLUSTER open_cluster(void)
{
	HCLUSTER c = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	if (!c)
		fail_msg("OpenClusterEx: %s", ClusapiErrorName(GetLastError()));
	return c;
}

/* Is name among the cluster's resource types? */
static bool type_listed(HCLUSTER c, const char *name)
{
	HCLUSENUM e = ClusterOpenEnum(c, CLUSTER_ENUM_RESTYPE);
	assert_non_null(e);
	bool found = false;
	for (DWORD i = 0; !found; i++) {
		WCHAR buf[512];
		DWORD cch = 512, type = 0;
		DWORD rc = ClusterEnum(e, i, &type, buf, &cch);
		if (rc == ERROR_NO_MORE_ITEMS)
			break;
		expect(rc, ERROR_SUCCESS, "ClusterEnum");
		assert_int_equal(type, CLUSTER_ENUM_RESTYPE);
		char *u = ClusapiWideToUtf8(buf);
		found = u && strcasecmp(u, name) == 0;
		free(u);
	}
	ClusterCloseEnum(e);
	return found;
}

/* Does a property list hold a property of this name? */
static bool has_property(const uint8_t *buf, DWORD len, const char *name)
{
	uint8_t pat[256];
	size_t n = strlen(name);
	assert_true(2 * (n + 1) <= sizeof(pat));
	for (size_t i = 0; i <= n; i++) {
		pat[2 * i] = (uint8_t)name[i];
		pat[2 * i + 1] = 0;
	}
	return memmem(buf, len, pat, 2 * (n + 1)) != NULL;
}

static DWORD type_control(HCLUSTER c, const char *type, HNODE node, DWORD code, uint8_t *out, DWORD cb, DWORD *ret)
{
	WCHAR *w = W(type);
	DWORD rc = ClusterResourceTypeControl(c, w, node, code, NULL, 0, out, cb, ret);
	free(w);
	return rc;
}

/* Every Windows built-in type is listed on every backend, available or not. */
static void test_restype_builtins_listed(void **state)
{
	(void)state;
	HCLUSTER c = open_cluster();
	static const char *const names[] = { "Generic Application", "Generic Service", "Generic Script", "IP Address",
					     "Network Name", "Physical Disk", "Storage Pool", "MSMQ",
					     "Distributed Transaction Coordinator" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!type_listed(c, names[i]))
			fail_msg("resource type \"%s\" is not listed", names[i]);
	CloseCluster(c);
}

/* ClusterResourceType*Enum: the nodes that can run a type, its resources. */
static void test_restype_enum(void **state)
{
	(void)state;
	HCLUSTER c = open_cluster();
	char gname[80], rname[80];
	snprintf(gname, sizeof(gname), "Restype Group %d", (int)getpid());
	snprintf(rname, sizeof(rname), "restype-app-%d", (int)getpid());
	WCHAR *wg = W(gname), *wr = W(rname), *wt = W("Generic Application");
	HGROUP g = CreateClusterGroup(c, wg);
	assert_non_null(g);
	HRESOURCE r = CreateClusterResource(g, wr, wt, 0);
	if (!r)
		fail_msg("CreateClusterResource(Generic Application): %s", ClusapiErrorName(GetLastError()));

	HRESTYPEENUM e = ClusterResourceTypeOpenEnum(c, wt, CLUSTER_RESOURCE_TYPE_ENUM_ALL);
	assert_non_null(e);
	DWORD n = ClusterResourceTypeGetEnumCount(e);
	DWORD nodes = 0, mine = 0;
	for (DWORD i = 0; i < n; i++) {
		WCHAR buf[256];
		DWORD cch = 256, type = 0;
		expect(ClusterResourceTypeEnum(e, i, &type, buf, &cch), ERROR_SUCCESS, "ClusterResourceTypeEnum");
		char *u = ClusapiWideToUtf8(buf);
		assert_non_null(u);
		if (type == CLUSTER_RESOURCE_TYPE_ENUM_NODES)
			nodes++;
		else if (type == CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES && strcmp(u, rname) == 0)
			mine++;
		else if (type != CLUSTER_RESOURCE_TYPE_ENUM_RESOURCES)
			fail_msg("entry %u has type %u", (unsigned)i, (unsigned)type);
		free(u);
	}
	assert_true(nodes >= 1);
	assert_int_equal(mine, 1);
	/* Past the end; too small a buffer; no count. */
	WCHAR small[2];
	DWORD cch = 2;
	expect(ClusterResourceTypeEnum(e, n, NULL, small, &cch), ERROR_NO_MORE_ITEMS, "past the end");
	for (DWORD i = 0; i < n; i++) {
		cch = 1;
		DWORD rc = ClusterResourceTypeEnum(e, i, NULL, small, &cch);
		if (rc == ERROR_MORE_DATA) {
			assert_true(cch > 1);
			break;
		}
	}
	expect(ClusterResourceTypeEnum(e, 0, NULL, small, NULL), ERROR_INVALID_PARAMETER, "NULL count");
	expect(ClusterResourceTypeCloseEnum(e), ERROR_SUCCESS, "close");
	expect(ClusterResourceTypeCloseEnum(e), ERROR_INVALID_HANDLE, "close twice");
	assert_int_equal(ClusterResourceTypeGetEnumCount(e), 0);
	expect(GetLastError(), ERROR_INVALID_HANDLE, "count on a closed enum");

	/* Only what was asked. */
	e = ClusterResourceTypeOpenEnum(c, wt, CLUSTER_RESOURCE_TYPE_ENUM_NODES);
	assert_non_null(e);
	assert_int_equal(ClusterResourceTypeGetEnumCount(e), nodes);
	ClusterResourceTypeCloseEnum(e);

	/* Errors. */
	WCHAR *bad = W("No Such Type");
	assert_null(ClusterResourceTypeOpenEnum(c, bad, CLUSTER_RESOURCE_TYPE_ENUM_ALL));
	expect(GetLastError(), ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND, "unknown type");
	assert_null(ClusterResourceTypeOpenEnum(c, NULL, CLUSTER_RESOURCE_TYPE_ENUM_ALL));
	expect(GetLastError(), ERROR_INVALID_PARAMETER, "NULL type");
	assert_null(ClusterResourceTypeOpenEnum(NULL, wt, CLUSTER_RESOURCE_TYPE_ENUM_ALL));
	expect(GetLastError(), ERROR_INVALID_HANDLE, "NULL cluster");
	free(bad);

	expect(DeleteClusterResource(r), ERROR_SUCCESS, "DeleteClusterResource");
	CloseClusterResource(r);
	expect(DeleteClusterGroup(g), ERROR_SUCCESS, "DeleteClusterGroup");
	CloseClusterGroup(g);
	free(wg);
	free(wr);
	free(wt);
	CloseCluster(c);
}

/* A listed type with nothing behind it: a defined error, nothing faked. */
static void test_restype_not_available(void **state)
{
	(void)state;
	HCLUSTER c = open_cluster();
	char gname[80];
	snprintf(gname, sizeof(gname), "Restype NA Group %d", (int)getpid());
	WCHAR *wg = W(gname), *wr = W("restype-msmq"), *wt = W("MSMQ");
	HGROUP g = CreateClusterGroup(c, wg);
	assert_non_null(g);
	assert_null(CreateClusterResource(g, wr, wt, 0));
	expect(GetLastError(), ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED, "CreateClusterResource(MSMQ)");
	uint8_t buf[256];
	DWORD ret = 0;
	expect(type_control(c, "MSMQ", NULL, CLUSCTL_RESOURCE_TYPE_GET_RO_COMMON_PROPERTIES, buf, sizeof(buf), &ret),
	       ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED, "control on MSMQ");
	/* Other such types answer controls, and say what they are (as Windows
	 * does for every type but the message queuing ones). */
	expect(type_control(c, "Distributed Transaction Coordinator", NULL, CLUSCTL_RESOURCE_TYPE_GET_RO_COMMON_PROPERTIES,
			    buf, sizeof(buf), &ret),
	       ERROR_SUCCESS, "control on DTC");
	assert_true(has_property(buf, ret, "not available"));
	/* It can run on no node. */
	HRESTYPEENUM e = ClusterResourceTypeOpenEnum(c, wt, CLUSTER_RESOURCE_TYPE_ENUM_NODES);
	assert_non_null(e);
	assert_int_equal(ClusterResourceTypeGetEnumCount(e), 0);
	ClusterResourceTypeCloseEnum(e);
	/* No resource was made. */
	HRESOURCE r = OpenClusterResource(c, wr);
	assert_null(r);
	expect(DeleteClusterGroup(g), ERROR_SUCCESS, "DeleteClusterGroup");
	CloseClusterGroup(g);
	free(wg);
	free(wr);
	free(wt);
	CloseCluster(c);
}

/* ClusterResourceTypeControl: properties, class, a node, errors. */
static void test_restype_control(void **state)
{
	(void)state;
	HCLUSTER c = open_cluster();
	uint8_t buf[4096];
	DWORD ret = 0;
	expect(type_control(c, "Generic Application", NULL, CLUSCTL_RESOURCE_TYPE_GET_RO_COMMON_PROPERTIES, buf,
			    sizeof(buf), &ret),
	       ERROR_SUCCESS, "GET_RO_COMMON_PROPERTIES");
	assert_true(has_property(buf, ret, "Implementation"));
	assert_true(has_property(buf, ret, "DllName"));
	expect(type_control(c, "Generic Application", NULL, CLUSCTL_RESOURCE_TYPE_GET_COMMON_PROPERTIES, buf,
			    sizeof(buf), &ret),
	       ERROR_SUCCESS, "GET_COMMON_PROPERTIES");
	assert_true(has_property(buf, ret, "Name"));
	/* Class: an IP address is a network resource (CLUS_RESCLASS_NETWORK). */
	expect(type_control(c, "IP Address", NULL, CLUSCTL_RESOURCE_TYPE_GET_CLASS_INFO, buf, sizeof(buf), &ret),
	       ERROR_SUCCESS, "GET_CLASS_INFO");
	assert_int_equal(ret, 8);
	assert_int_equal(buf[0], 2);
	/* Too small a buffer: the size needed. */
	DWORD need = 0;
	expect(type_control(c, "Generic Application", NULL, CLUSCTL_RESOURCE_TYPE_GET_RO_COMMON_PROPERTIES, buf, 4,
			    &need),
	       ERROR_MORE_DATA, "small buffer");
	assert_true(need > 4);
	/* Through a node (ApiNodeResourceTypeControl). */
	WCHAR name[128];
	DWORD cch = 128;
	expect(ClusapiGetConnectedNodeName(c, name, &cch), ERROR_SUCCESS, "connected node");
	HNODE node = OpenClusterNode(c, name);
	assert_non_null(node);
	expect(type_control(c, "Generic Application", node, CLUSCTL_RESOURCE_TYPE_GET_FLAGS, buf, sizeof(buf), &ret),
	       ERROR_SUCCESS, "through a node");
	assert_int_equal(ret, 4);
	CloseClusterNode(node);
	/* Errors. */
	expect(type_control(c, "No Such Type", NULL, CLUSCTL_RESOURCE_TYPE_GET_FLAGS, buf, sizeof(buf), &ret),
	       ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND, "unknown type");
	expect(type_control(c, "Generic Application", NULL, 0, buf, sizeof(buf), &ret), ERROR_INVALID_FUNCTION,
	       "code 0");
	expect(type_control(c, "Generic Application", NULL, CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES, buf, sizeof(buf),
			    &ret),
	       ERROR_INVALID_FUNCTION, "a resource's code");
	expect(ClusterResourceTypeControl(c, NULL, NULL, CLUSCTL_RESOURCE_TYPE_GET_FLAGS, NULL, 0, buf, sizeof(buf),
					  &ret),
	       ERROR_INVALID_PARAMETER, "NULL type");
	WCHAR *wt = W("Generic Application");
	expect(ClusterResourceTypeControl(NULL, wt, NULL, CLUSCTL_RESOURCE_TYPE_GET_FLAGS, NULL, 0, buf, sizeof(buf),
					  &ret),
	       ERROR_INVALID_HANDLE, "NULL cluster");
	free(wt);
	CloseCluster(c);
}

/* A resource of a Windows type keeps its Windows type name (what Samba's
 * suite does with "Generic Service"). */
static void test_restype_windows_resource(void **state)
{
	(void)state;
	HCLUSTER c = open_cluster();
	char gname[80], rname[80];
	snprintf(gname, sizeof(gname), "Restype Win Group %d", (int)getpid());
	snprintf(rname, sizeof(rname), "restype-svc-%d", (int)getpid());
	WCHAR *wg = W(gname), *wr = W(rname), *wt = W("Generic Service");
	HGROUP g = CreateClusterGroup(c, wg);
	assert_non_null(g);
	HRESOURCE r = CreateClusterResource(g, wr, wt, 0);
	if (!r)
		fail_msg("CreateClusterResource(Generic Service): %s", ClusapiErrorName(GetLastError()));
	WCHAR type[128];
	DWORD ret = 0;
	expect(ClusterResourceControl(r, NULL, CLUSCTL_RESOURCE_GET_RESOURCE_TYPE, NULL, 0, type, sizeof(type), &ret),
	       ERROR_SUCCESS, "GET_RESOURCE_TYPE");
	char *u = ClusapiWideToUtf8(type);
	assert_non_null(u);
	assert_string_equal(u, "Generic Service");
	free(u);
	char renamed[96];
	snprintf(renamed, sizeof(renamed), "%s-renamed", rname);
	WCHAR *wn = W(renamed);
	expect(SetClusterResourceName(r, wn), ERROR_SUCCESS, "SetClusterResourceName");
	free(wn);
	expect(DeleteClusterResource(r), ERROR_SUCCESS, "DeleteClusterResource");
	CloseClusterResource(r);
	expect(DeleteClusterGroup(g), ERROR_SUCCESS, "DeleteClusterGroup");
	CloseClusterGroup(g);
	free(wg);
	free(wr);
	free(wt);
	CloseCluster(c);
}

/* CreateClusterResourceType / DeleteClusterResourceType. */
static void test_restype_create_delete(void **state)
{
	(void)state;
	HCLUSTER c = open_cluster();
	char tname[80];
	snprintf(tname, sizeof(tname), "Conformance Type %d", (int)getpid());
	WCHAR *wt = W(tname), *wdisp = W("A conformance type"), *wga = W("Generic Application");
	WCHAR *wbad = W("No Such Type"), *wmsmq = W("MSMQ"), *wempty = W("");

	/* Arguments first (no server involved). */
	expect(CreateClusterResourceType(c, NULL, wdisp, wga, 5000, 60000), ERROR_INVALID_PARAMETER, "NULL name");
	expect(CreateClusterResourceType(c, wempty, wdisp, wga, 5000, 60000), ERROR_INVALID_PARAMETER, "empty name");
	expect(CreateClusterResourceType(c, wt, wdisp, NULL, 5000, 60000), ERROR_INVALID_PARAMETER, "NULL DLL");
	expect(CreateClusterResourceType(NULL, wt, wdisp, wga, 5000, 60000), ERROR_INVALID_HANDLE, "NULL cluster");
	expect(DeleteClusterResourceType(c, NULL), ERROR_INVALID_PARAMETER, "delete NULL");
	expect(DeleteClusterResourceType(c, wbad), ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND, "delete unknown");
	expect(DeleteClusterResourceType(c, wga), ERROR_NOT_SUPPORTED, "delete a built-in type");
	assert_true(type_listed(c, "Generic Application"));

	/* Pacemaker keeps a new type as a resource template of its agent: a
	 * type whose agent a private property names (Generic Service:
	 * systemd:UNIT) has none to keep.  Embedded: shares its implementation. */
	WCHAR *wgs = W("Generic Service");
	expect(CreateClusterResourceType(c, wt, wdisp, wgs, 5000, 60000),
	       custom_types() ? ERROR_SUCCESS : ERROR_NOT_SUPPORTED, "from Generic Service");
	if (custom_types())
		expect(DeleteClusterResourceType(c, wt), ERROR_SUCCESS, "delete the type made from Generic Service");
	free(wgs);
	assert_false(type_listed(c, tname));
	expect(CreateClusterResourceType(c, wt, wdisp, wbad, 5000, 60000), ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND,
	       "from an unknown type");
	expect(CreateClusterResourceType(c, wt, wdisp, wmsmq, 5000, 60000), ERROR_CLUSTER_RESTYPE_NOT_SUPPORTED,
	       "from a type not available");
	assert_false(type_listed(c, tname));
	expect(CreateClusterResourceType(c, wt, wdisp, wga, 5000, 60000), ERROR_SUCCESS, "CreateClusterResourceType");
	assert_true(type_listed(c, tname));
	expect(CreateClusterResourceType(c, wt, wdisp, wga, 5000, 60000), ERROR_OBJECT_ALREADY_EXISTS, "twice");
	/* It is made from Generic Application. */
	uint8_t buf[2048];
	DWORD ret = 0;
	expect(type_control(c, tname, NULL, CLUSCTL_RESOURCE_TYPE_GET_RO_COMMON_PROPERTIES, buf, sizeof(buf), &ret),
	       ERROR_SUCCESS, "control on the new type");
	assert_true(has_property(buf, ret, "Generic Application"));

	/* In use: not deleted. */
	char gname[80];
	snprintf(gname, sizeof(gname), "Restype Custom Group %d", (int)getpid());
	WCHAR *wg = W(gname), *wr = W("restype-custom");
	HGROUP g = CreateClusterGroup(c, wg);
	assert_non_null(g);
	HRESOURCE r = CreateClusterResource(g, wr, wt, 0);
	assert_non_null(r);
	expect(DeleteClusterResourceType(c, wt), ERROR_DIR_NOT_EMPTY, "delete while in use");
	assert_true(type_listed(c, tname));
	expect(DeleteClusterResource(r), ERROR_SUCCESS, "DeleteClusterResource");
	CloseClusterResource(r);
	expect(DeleteClusterGroup(g), ERROR_SUCCESS, "DeleteClusterGroup");
	CloseClusterGroup(g);
	free(wg);
	free(wr);

	expect(DeleteClusterResourceType(c, wt), ERROR_SUCCESS, "DeleteClusterResourceType");
	assert_false(type_listed(c, tname));
	expect(DeleteClusterResourceType(c, wt), ERROR_CLUSTER_RESOURCE_TYPE_NOT_FOUND, "delete twice");
	free(wt);
	free(wdisp);
	free(wga);
	free(wbad);
	free(wmsmq);
	free(wempty);
	CloseCluster(c);
}

/* ---- failure policies (issue 11, part 3) ------------------------------------ */

#define SYNTAX_ENDMARK 0u
#define SYNTAX_NAME 0x00040003u
#define SYNTAX_DWORD 0x00010002u

static size_t put32(uint8_t *p, size_t off, uint32_t v)
{
	p[off] = (uint8_t)v;
	p[off + 1] = (uint8_t)(v >> 8);
	p[off + 2] = (uint8_t)(v >> 16);
	p[off + 3] = (uint8_t)(v >> 24);
	return off + 4;
}

/* A one-property list NAME = v (DWORD). */
static size_t dword_list(uint8_t *buf, const char *name, uint32_t v)
{
	size_t n = strlen(name), bytes = (n + 1) * 2, padded = (bytes + 3) & ~(size_t)3;
	size_t off = put32(buf, 0, 1);
	off = put32(buf, off, SYNTAX_NAME);
	off = put32(buf, off, (uint32_t)bytes);
	memset(buf + off, 0, padded);
	for (size_t i = 0; i < n; i++)
		buf[off + 2 * i] = (uint8_t)name[i];
	off += padded;
	off = put32(buf, off, SYNTAX_DWORD);
	off = put32(buf, off, 4);
	off = put32(buf, off, v);
	return put32(buf, off, SYNTAX_ENDMARK);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The DWORD value following the property name in a list. */
static uint32_t list_dword(const uint8_t *buf, DWORD len, const char *name)
{
	uint8_t pat[128];
	size_t n = strlen(name);
	for (size_t i = 0; i <= n; i++) {
		pat[2 * i] = (uint8_t)name[i];
		pat[2 * i + 1] = 0;
	}
	const uint8_t *at = memmem(buf, len, pat, 2 * (n + 1));
	if (!at)
		fail_msg("no property %s", name);
	size_t off = (size_t)(at - buf) + ((2 * (n + 1) + 3) & ~(size_t)3);
	assert_true(off + 12 <= len);
	assert_int_equal(get32(buf + off), SYNTAX_DWORD);
	return get32(buf + off + 8);
}

typedef DWORD (*control_fn)(void *h, HNODE node, DWORD code, LPVOID in, DWORD cin, LPVOID out, DWORD cout,
			    LPDWORD ret);

static DWORD res_control(void *h, HNODE node, DWORD code, LPVOID in, DWORD cin, LPVOID out, DWORD cout, LPDWORD ret)
{
	return ClusterResourceControl(h, node, code, in, cin, out, cout, ret);
}

static DWORD grp_control(void *h, HNODE node, DWORD code, LPVOID in, DWORD cin, LPVOID out, DWORD cout, LPDWORD ret)
{
	return ClusterGroupControl(h, node, code, in, cin, out, cout, ret);
}

static uint32_t policy_get(control_fn fn, void *h, DWORD code, const char *name)
{
	uint8_t buf[4096];
	DWORD ret = 0;
	expect(fn(h, NULL, code, NULL, 0, buf, sizeof(buf), &ret), ERROR_SUCCESS, "GET_COMMON_PROPERTIES");
	return list_dword(buf, ret, name);
}

static DWORD policy_set(control_fn fn, void *h, DWORD code, const char *name, uint32_t v)
{
	uint8_t buf[256];
	size_t len = dword_list(buf, name, v);
	DWORD ret = 0;
	return fn(h, NULL, code, buf, (DWORD)len, NULL, 0, &ret);
}

/* Written through the controls, read back as what the backend will do. */
static void test_policy_common_properties(void **state)
{
	(void)state;
	bool pcmk = !custom_types();
	HCLUSTER c = open_cluster();
	char gname[80], rname[80];
	snprintf(gname, sizeof(gname), "Policy Group %d", (int)getpid());
	snprintf(rname, sizeof(rname), "policy-res-%d", (int)getpid());
	WCHAR *wg = W(gname), *wr = W(rname), *wt = W(pcmk ? "ocf:pacemaker:Dummy" : "Generic Application");
	HGROUP g = CreateClusterGroup(c, wg);
	assert_non_null(g);
	HRESOURCE r = CreateClusterResource(g, wr, wt, 0);
	assert_non_null(r);
	const DWORD rget = CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES, rset = CLUSCTL_RESOURCE_SET_COMMON_PROPERTIES;
	const DWORD gget = CLUSCTL_GROUP_GET_COMMON_PROPERTIES, gset = CLUSCTL_GROUP_SET_COMMON_PROPERTIES;

	/* Defaults: Windows' (embedded), Pacemaker's (migration-threshold
	 * INFINITY: restarted in place for ever; failures never expire). */
	assert_int_equal(policy_get(res_control, r, rget, "RestartThreshold"), pcmk ? 0xFFFFFFFFu : 1);
	assert_int_equal(policy_get(res_control, r, rget, "RestartPeriod"), pcmk ? 0 : 900000);
	assert_int_equal(policy_get(res_control, r, rget, "IsAlivePollInterval"), pcmk ? 10000 : 60000);
	assert_int_equal(policy_get(res_control, r, rget, "RestartDelay"), 500);

	/* Mapped on both. */
	expect(policy_set(res_control, r, rset, "RestartThreshold", 2), ERROR_SUCCESS, "set RestartThreshold");
	expect(policy_set(res_control, r, rset, "RestartPeriod", 60000), ERROR_SUCCESS, "set RestartPeriod");
	expect(policy_set(res_control, r, rset, "IsAlivePollInterval", 20000), ERROR_SUCCESS, "set IsAlivePollInterval");
	assert_int_equal(policy_get(res_control, r, rget, "RestartThreshold"), 2);
	assert_int_equal(policy_get(res_control, r, rget, "RestartPeriod"), 60000);
	assert_int_equal(policy_get(res_control, r, rget, "IsAlivePollInterval"), 20000);
	expect(policy_set(grp_control, g, gset, "AutoFailbackType", 1), ERROR_SUCCESS, "set AutoFailbackType 1");
	assert_int_equal(policy_get(grp_control, g, gget, "AutoFailbackType"), 1);
	expect(policy_set(grp_control, g, gset, "AutoFailbackType", 0), ERROR_SUCCESS, "set AutoFailbackType 0");
	assert_int_equal(policy_get(grp_control, g, gget, "AutoFailbackType"), 0);
	/* Out of range, on both: nothing written. */
	expect(policy_set(res_control, r, rset, "RestartAction", 3), ERROR_INVALID_PARAMETER, "RestartAction 3");
	expect(policy_set(grp_control, g, gset, "AutoFailbackType", 2), ERROR_INVALID_PARAMETER, "AutoFailbackType 2");
	assert_int_equal(policy_get(grp_control, g, gget, "AutoFailbackType"), 0);
	/* No Pacemaker counterpart: refused there, kept on the embedded backend. */
	expect(policy_set(res_control, r, rset, "RestartDelay", 250), pcmk ? ERROR_NOT_SUPPORTED : ERROR_SUCCESS,
	       "set RestartDelay");
	assert_int_equal(policy_get(res_control, r, rget, "RestartDelay"), pcmk ? 500 : 250);

	expect(DeleteClusterResource(r), ERROR_SUCCESS, "DeleteClusterResource");
	CloseClusterResource(r);
	expect(DeleteClusterGroup(g), ERROR_SUCCESS, "DeleteClusterGroup");
	CloseClusterGroup(g);
	free(wg);
	free(wr);
	free(wt);
	CloseCluster(c);
}

/* cmocka_unit_test needs the functions where RESTYPE_TESTS is expanded. */
void (*const restype_test_fns[RESTYPE_TEST_COUNT])(void **) = {
	test_restype_builtins_listed, test_restype_enum,	    test_restype_not_available,
	test_restype_control,	      test_restype_windows_resource, test_restype_create_delete,
	test_policy_common_properties,
};
const char *const restype_test_names[RESTYPE_TEST_COUNT] = {
	"test_restype_builtins_listed", "test_restype_enum",		 "test_restype_not_available",
	"test_restype_control",		"test_restype_windows_resource", "test_restype_create_delete",
	"test_policy_common_properties",
};
