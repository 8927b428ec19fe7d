/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Conformance, issue 13 parts 2 and 3: the controls of every object kind
 * (ClusterControl, ClusterNodeControl, ClusterGroupControl,
 * ClusterNetworkControl, ClusterNetInterfaceControl) and the network calls
 * (ClusterNetwork*Enum, SetClusterNetworkName, GetClusterNetworkId,
 * SetClusterNetworkPriorityOrder, GetClusterNetInterface), through the public
 * API only, unchanged against both backends (the target variables of
 * test_conformance.c: CLUSAPI_LPC_SOCKET or CLUSTERD, and
 * CONFORMANCE_BACKEND).  The one difference: the Pacemaker backend cannot
 * rename a network (ERROR_NOT_SUPPORTED, doc/pacemaker.md).
 *
 * Objects: a group "Controls Group PID", removed at the end.  The networks,
 * nodes and interfaces are the cluster's own: renamed networks get their
 * name back, the priority order is set back as it was listed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "clusapi.h"
#include "common.h"
#include "daemon.h"

#define CLUSCTL_RESOURCE_GET_NAME_CODE 0x01000029u

static bool pacemaker;
static struct daemon own_daemon;
static bool started_daemon;
static HCLUSTER cl;
static char group_name[80];

/* ---- helpers ------------------------------------------------------------------ */

static const char *ename(DWORD rc)
{
	const char *n = ClusapiErrorName(rc);
	return n ? n : "?";
}

#define expect_rc(call, want)                                                                                      \
	do {                                                                                                       \
		DWORD rc_ = (call);                                                                                \
		if (rc_ != (DWORD)(want))                                                                          \
			fail_msg("%s: %u %s, wanted %u %s", #call, (unsigned)rc_, ename(rc_), (unsigned)(want),    \
				 ename(want));                                                                     \
	} while (0)

/* The names ClusterOpenEnum lists for a type (at most 16), count returned. */
static int cluster_names(DWORD type, char names[16][256])
{
	HCLUSENUM e = ClusterOpenEnum(cl, type);
	if (!e)
		fail_msg("ClusterOpenEnum(0x%x): %s", (unsigned)type, ename(GetLastError()));
	int n = 0;
	for (DWORD i = 0; n < 16; i++) {
		WCHAR w[256];
		DWORD cch = 256, t = 0;
		DWORD rc = ClusterEnum(e, i, &t, w, &cch);
		if (rc == ERROR_NO_MORE_ITEMS)
			break;
		expect_rc(rc, ERROR_SUCCESS);
		char *u = U(w);
		snprintf(names[n++], 256, "%s", u);
		free(u);
	}
	ClusterCloseEnum(e);
	return n;
}

/* A property list: count, then NAME / value / ENDMARK per property. */
struct plist {
	uint8_t b[2048];
	size_t len;
	uint32_t count;
};

static void put32(struct plist *p, uint32_t v)
{
	assert_true(p->len + 4 <= sizeof(p->b));
	for (int i = 0; i < 4; i++)
		p->b[p->len++] = (uint8_t)(v >> (8 * i));
}

static void put_sz_data(struct plist *p, const char *s)
{
	WCHAR *w = W(s);
	size_t n = 0;
	while (w[n])
		n++;
	size_t bytes = (n + 1) * 2, padded = (bytes + 3) & ~(size_t)3;
	put32(p, (uint32_t)bytes);
	assert_true(p->len + padded <= sizeof(p->b));
	memset(p->b + p->len, 0, padded);
	for (size_t i = 0; i < n; i++) {
		p->b[p->len + 2 * i] = (uint8_t)w[i];
		p->b[p->len + 2 * i + 1] = (uint8_t)(w[i] >> 8);
	}
	p->len += padded;
	free(w);
}

static void plist_begin(struct plist *p)
{
	p->len = 0;
	p->count = 0;
	put32(p, 0);
}

static void plist_sz(struct plist *p, const char *name, const char *value)
{
	put32(p, CLUSPROP_SYNTAX_NAME);
	put_sz_data(p, name);
	put32(p, CLUSPROP_SYNTAX_LIST_VALUE_SZ);
	put_sz_data(p, value);
	put32(p, CLUSPROP_SYNTAX_ENDMARK);
	p->count++;
	for (int i = 0; i < 4; i++)
		p->b[i] = (uint8_t)(p->count >> (8 * i));
}

static void plist_dword(struct plist *p, const char *name, uint32_t v)
{
	put32(p, CLUSPROP_SYNTAX_NAME);
	put_sz_data(p, name);
	put32(p, CLUSPROP_SYNTAX_LIST_VALUE_DWORD);
	put32(p, 4);
	put32(p, v);
	put32(p, CLUSPROP_SYNTAX_ENDMARK);
	p->count++;
	for (int i = 0; i < 4; i++)
		p->b[i] = (uint8_t)(p->count >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static char *utf16le(const uint8_t *d, uint32_t bytes)
{
	WCHAR w[512];
	uint32_t n = bytes / 2 < 511 ? bytes / 2 : 511;
	for (uint32_t i = 0; i < n; i++)
		w[i] = (WCHAR)(d[2 * i] | d[2 * i + 1] << 8);
	w[n] = 0;
	return U(w);
}

/* The value of a property of a list, as text (SZ) or decimal (DWORD);
 * NULL if the list does not have it. */
static char *plist_find(const uint8_t *b, DWORD len, const char *name)
{
	assert_true(len >= 4);
	uint32_t count = get32(b);
	size_t off = 4;
	for (uint32_t i = 0; i < count; i++) {
		assert_true(off + 8 <= len);
		assert_int_equal(get32(b + off), CLUSPROP_SYNTAX_NAME);
		uint32_t sz = get32(b + off + 4);
		char *pname = utf16le(b + off + 8, sz);
		off += 8 + ((sz + 3) & ~3u);
		uint32_t syntax = get32(b + off), vsz = get32(b + off + 4);
		const uint8_t *v = b + off + 8;
		off += 8 + ((vsz + 3) & ~3u) + 4;
		assert_true(off <= len);
		bool match = !strcmp(pname, name);
		free(pname);
		if (!match)
			continue;
		if (syntax == CLUSPROP_SYNTAX_LIST_VALUE_SZ)
			return utf16le(v, vsz);
		char *t = malloc(16);
		assert_non_null(t);
		snprintf(t, 16, "%u", (unsigned)get32(v));
		return t;
	}
	return NULL;
}

typedef DWORD (*control_fn)(void *h, HNODE host, DWORD code, LPVOID in, DWORD cb_in, LPVOID out, DWORD cb_out,
			    LPDWORD ret);

static DWORD ctl_cluster(void *h, HNODE host, DWORD code, LPVOID in, DWORD cb_in, LPVOID out, DWORD cb_out,
			 LPDWORD ret)
{
	return ClusterControl(h, host, code, in, cb_in, out, cb_out, ret);
}
static DWORD ctl_node(void *h, HNODE host, DWORD code, LPVOID in, DWORD cb_in, LPVOID out, DWORD cb_out,
		      LPDWORD ret)
{
	return ClusterNodeControl(h, host, code, in, cb_in, out, cb_out, ret);
}
static DWORD ctl_group(void *h, HNODE host, DWORD code, LPVOID in, DWORD cb_in, LPVOID out, DWORD cb_out,
		       LPDWORD ret)
{
	return ClusterGroupControl(h, host, code, in, cb_in, out, cb_out, ret);
}
static DWORD ctl_network(void *h, HNODE host, DWORD code, LPVOID in, DWORD cb_in, LPVOID out, DWORD cb_out,
			 LPDWORD ret)
{
	return ClusterNetworkControl(h, host, code, in, cb_in, out, cb_out, ret);
}
static DWORD ctl_netif(void *h, HNODE host, DWORD code, LPVOID in, DWORD cb_in, LPVOID out, DWORD cb_out,
		       LPDWORD ret)
{
	return ClusterNetInterfaceControl(h, host, code, in, cb_in, out, cb_out, ret);
}

/* A string-valued control's answer, through the size query first. */
static char *ctl_string(control_fn fn, void *h, HNODE host, DWORD code)
{
	DWORD need = 0;
	uint8_t tiny[2];
	expect_rc(fn(h, host, code, NULL, 0, tiny, sizeof(tiny), &need), ERROR_MORE_DATA);
	assert_true(need > 2 && need % 2 == 0);
	uint8_t *buf = malloc(need);
	assert_non_null(buf);
	DWORD got = 0;
	expect_rc(fn(h, host, code, NULL, 0, buf, need, &got), ERROR_SUCCESS);
	assert_int_equal(got, need);
	assert_int_equal(buf[need - 1] | buf[need - 2], 0);
	char *s = utf16le(buf, need - 2);
	free(buf);
	return s;
}

/* Common properties as a list (malloc'd), its length in *len. */
static uint8_t *ctl_list(control_fn fn, void *h, DWORD code, DWORD *len)
{
	DWORD need = 0;
	DWORD rc = fn(h, NULL, code, NULL, 0, NULL, 0, &need);
	if (rc != ERROR_MORE_DATA && rc != ERROR_SUCCESS)
		fail_msg("control 0x%08x: %s", (unsigned)code, ename(rc));
	uint8_t *buf = malloc(need ? need : 1);
	assert_non_null(buf);
	expect_rc(fn(h, NULL, code, NULL, 0, buf, need, len), ERROR_SUCCESS);
	assert_int_equal(*len, need);
	return buf;
}

static HNODE first_node(HCLUSTER c, char *name, size_t cap)
{
	char names[16][256];
	assert_true(cluster_names(CLUSTER_ENUM_NODE, names) >= 1);
	snprintf(name, cap, "%s", names[0]);
	WCHAR *w = W(names[0]);
	HNODE n = OpenClusterNode(c, w);
	free(w);
	if (!n)
		fail_msg("OpenClusterNode(%s): %s", names[0], ename(GetLastError()));
	return n;
}

static HNETWORK open_network(HCLUSTER c, const char *name)
{
	WCHAR *w = W(name);
	HNETWORK n = OpenClusterNetwork(c, w);
	free(w);
	if (!n)
		fail_msg("OpenClusterNetwork(%s): %s", name, ename(GetLastError()));
	return n;
}

/* ---- controls ------------------------------------------------------------------ */

/* Each kind: its name, its id, flags and characteristics, the buffer
 * protocol, codes of another kind, through a host node. */
static void test_control_basics(void **state)
{
	(void)state;
	char node_name[256], nets[16][256], ifs[16][256];
	HNODE node = first_node(cl, node_name, sizeof(node_name));
	WCHAR *gw = W(group_name);
	HGROUP g = OpenClusterGroup(cl, gw);
	free(gw);
	assert_non_null(g);
	assert_true(cluster_names(CLUSTER_ENUM_NETWORK, nets) >= 1);
	HNETWORK net = open_network(cl, nets[0]);
	assert_true(cluster_names(CLUSTER_ENUM_NETINTERFACE, ifs) >= 1);
	WCHAR *iw = W(ifs[0]);
	HNETINTERFACE nif = OpenClusterNetInterface(cl, iw);
	free(iw);
	assert_non_null(nif);

	struct {
		control_fn fn;
		void *h;
		DWORD base; /* object byte */
		const char *name;
	} k[] = {
		{ ctl_node, node, 0x04000000u, node_name },
		{ ctl_group, g, 0x03000000u, group_name },
		{ ctl_network, net, 0x05000000u, nets[0] },
		{ ctl_netif, nif, 0x06000000u, ifs[0] },
	};
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		char *n = ctl_string(k[i].fn, k[i].h, NULL, k[i].base | 0x29u);
		assert_string_equal(n, k[i].name);
		free(n);
		/* the same through the host node */
		n = ctl_string(k[i].fn, k[i].h, node, k[i].base | 0x29u);
		assert_string_equal(n, k[i].name);
		free(n);
		char *id = ctl_string(k[i].fn, k[i].h, NULL, k[i].base | 0x39u);
		assert_true(strlen(id) > 0);
		free(id);
		DWORD v = 0xdeadbeef, got = 0;
		expect_rc(k[i].fn(k[i].h, NULL, k[i].base | 0x09u, NULL, 0, &v, sizeof(v), &got), ERROR_SUCCESS);
		assert_int_equal(got, 4);
		assert_int_equal(v, 0); /* not core */
		expect_rc(k[i].fn(k[i].h, NULL, k[i].base | 0x05u, NULL, 0, &v, sizeof(v), &got), ERROR_SUCCESS);
		assert_int_equal(got, 4);
		/* too small: ERROR_MORE_DATA, the size needed, nothing written */
		expect_rc(k[i].fn(k[i].h, NULL, k[i].base | 0x09u, NULL, 0, &v, 3, &got), ERROR_MORE_DATA);
		assert_int_equal(got, 4);
		/* another kind's code, an unknown function, code 0 */
		expect_rc(k[i].fn(k[i].h, NULL, CLUSCTL_RESOURCE_GET_NAME_CODE, NULL, 0, NULL, 0, &got),
			  ERROR_INVALID_FUNCTION);
		expect_rc(k[i].fn(k[i].h, NULL, k[i].base | 0x3f1u, NULL, 0, NULL, 0, &got), ERROR_INVALID_FUNCTION);
		expect_rc(k[i].fn(k[i].h, NULL, 0, NULL, 0, NULL, 0, &got), ERROR_INVALID_FUNCTION);
		/* bad buffers */
		expect_rc(k[i].fn(k[i].h, NULL, k[i].base | 0x29u, NULL, 4, NULL, 0, &got), ERROR_INVALID_PARAMETER);
		expect_rc(k[i].fn(k[i].h, NULL, k[i].base | 0x29u, NULL, 0, NULL, 4, &got), ERROR_INVALID_PARAMETER);
	}
	/* the network's id is GetClusterNetworkId's */
	char *id = ctl_string(ctl_network, net, NULL, CLUSCTL_NETWORK_GET_ID);
	WCHAR wid[64];
	DWORD cch = 64;
	expect_rc(GetClusterNetworkId(net, wid, &cch), ERROR_SUCCESS);
	char *id2 = U(wid);
	assert_string_equal(id, id2);
	free(id);
	free(id2);
	/* an interface knows its node and network */
	char *on = ctl_string(ctl_netif, nif, NULL, CLUSCTL_NETINTERFACE_GET_NETWORK);
	char *nn = ctl_string(ctl_netif, nif, NULL, CLUSCTL_NETINTERFACE_GET_NODE);
	char names[16][256];
	int nn_count = cluster_names(CLUSTER_ENUM_NETWORK, names);
	bool known = false;
	for (int i = 0; i < nn_count; i++)
		known |= !strcmp(names[i], on);
	assert_true(known);
	free(on);
	free(nn);
	/* the cluster: its FQDN starts with its name */
	char *fqdn = ctl_string(ctl_cluster, cl, NULL, CLUSCTL_CLUSTER_GET_FQDN);
	WCHAR cn[256];
	DWORD ccn = 256;
	expect_rc(GetClusterInformation(cl, cn, &ccn, NULL), ERROR_SUCCESS);
	char *cname = U(cn);
	assert_true(strncmp(fqdn, cname, strlen(cname)) == 0);
	free(fqdn);
	free(cname);
	DWORD got = 0;
	expect_rc(ClusterControl(cl, NULL, 0x04000029u, NULL, 0, NULL, 0, &got), ERROR_INVALID_FUNCTION);
	char *viahost = ctl_string(ctl_cluster, cl, node, CLUSCTL_CLUSTER_GET_FQDN);
	free(viahost);

	/* a host node of another cluster handle; closed handles */
	HCLUSTER other = OpenCluster(NULL);
	assert_non_null(other);
	char dummy[256];
	HNODE foreign = first_node(other, dummy, sizeof(dummy));
	expect_rc(ClusterGroupControl(g, foreign, CLUSCTL_GROUP_GET_NAME, NULL, 0, NULL, 0, &got),
		  ERROR_INVALID_HANDLE);
	expect_rc(ClusterControl(cl, foreign, CLUSCTL_CLUSTER_GET_FQDN, NULL, 0, NULL, 0, &got), ERROR_INVALID_HANDLE);
	CloseClusterNode(foreign);
	CloseCluster(other);
	expect_rc(ClusterControl(other, NULL, CLUSCTL_CLUSTER_GET_FQDN, NULL, 0, NULL, 0, &got), ERROR_INVALID_HANDLE);
	CloseClusterNetInterface(nif);
	expect_rc(ClusterNetInterfaceControl(nif, NULL, CLUSCTL_NETINTERFACE_GET_NAME, NULL, 0, NULL, 0, &got),
		  ERROR_INVALID_HANDLE);
	CloseClusterNetwork(net);
	expect_rc(ClusterNetworkControl(net, NULL, CLUSCTL_NETWORK_GET_NAME, NULL, 0, NULL, 0, &got),
		  ERROR_INVALID_HANDLE);
	CloseClusterGroup(g);
	CloseClusterNode(node);
}

/* Common and private properties: get, set, validate, read-only, access. */
static void test_control_properties(void **state)
{
	(void)state;
	char node_name[256], nets[16][256];
	HNODE node = first_node(cl, node_name, sizeof(node_name));
	WCHAR *gw = W(group_name);
	HGROUP g = OpenClusterGroup(cl, gw);
	free(gw);
	assert_non_null(g);
	assert_true(cluster_names(CLUSTER_ENUM_NETWORK, nets) >= 1);
	HNETWORK net = open_network(cl, nets[0]);
	struct {
		control_fn fn;
		void *h;
		DWORD base;
	} k[] = {
		{ ctl_group, g, 0x03000000u },
		{ ctl_node, node, 0x04000000u },
		{ ctl_network, net, 0x05000000u },
		{ ctl_cluster, cl, 0x07000000u },
	};
	struct plist p;
	DWORD len = 0;
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		char text[64];
		snprintf(text, sizeof(text), "controls conformance %zu %d", i, (int)getpid());
		/* save the Description, set ours, read it back */
		uint8_t *before = ctl_list(k[i].fn, k[i].h, k[i].base | 0x59u, &len);
		char *old = plist_find(before, len, "Description");
		assert_non_null(old);
		free(before);
		plist_begin(&p);
		plist_sz(&p, "Description", text);
		expect_rc(k[i].fn(k[i].h, NULL, k[i].base | 0x61u, p.b, (DWORD)p.len, NULL, 0, &len), ERROR_SUCCESS);
		expect_rc(k[i].fn(k[i].h, NULL, k[i].base | 0x40005eu, p.b, (DWORD)p.len, NULL, 0, &len), ERROR_SUCCESS);
		uint8_t *after = ctl_list(k[i].fn, k[i].h, k[i].base | 0x59u, &len);
		char *now = plist_find(after, len, "Description");
		assert_non_null(now);
		assert_string_equal(now, text);
		free(now);
		free(after);
		/* a read-only property: refused by validate and set, nothing written */
		plist_begin(&p);
		plist_sz(&p, "Description", "not written");
		plist_dword(&p, "State", 1);
		expect_rc(k[i].fn(k[i].h, NULL, k[i].base | 0x61u, p.b, (DWORD)p.len, NULL, 0, &len),
			  ERROR_INVALID_PARAMETER);
		expect_rc(k[i].fn(k[i].h, NULL, k[i].base | 0x40005eu, p.b, (DWORD)p.len, NULL, 0, &len),
			  ERROR_INVALID_PARAMETER);
		after = ctl_list(k[i].fn, k[i].h, k[i].base | 0x59u, &len);
		now = plist_find(after, len, "Description");
		assert_string_equal(now, text);
		free(now);
		free(after);
		/* malformed: a count larger than the list */
		plist_begin(&p);
		plist_sz(&p, "Description", "x");
		p.b[0] = 2;
		expect_rc(k[i].fn(k[i].h, NULL, k[i].base | 0x40005eu, p.b, (DWORD)p.len, NULL, 0, &len),
			  ERROR_INVALID_DATA);
		/* private properties: set, read back, listed by name */
		plist_begin(&p);
		plist_dword(&p, "ConformanceValue", 4242);
		expect_rc(k[i].fn(k[i].h, NULL, k[i].base | 0x89u, p.b, (DWORD)p.len, NULL, 0, &len), ERROR_SUCCESS);
		expect_rc(k[i].fn(k[i].h, NULL, k[i].base | 0x400086u, p.b, (DWORD)p.len, NULL, 0, &len), ERROR_SUCCESS);
		uint8_t *priv = ctl_list(k[i].fn, k[i].h, k[i].base | 0x81u, &len);
		char *pv = plist_find(priv, len, "ConformanceValue");
		assert_non_null(pv);
		assert_string_equal(pv, "4242");
		free(pv);
		free(priv);
		/* read-only common properties: State is one */
		uint8_t *ro = ctl_list(k[i].fn, k[i].h, k[i].base | 0x55u, &len);
		assert_true(len >= 4);
		if (k[i].base != 0x07000000u) {
			char *st = plist_find(ro, len, "State");
			assert_non_null(st);
			free(st);
		}
		free(ro);
		/* the old Description back */
		plist_begin(&p);
		plist_sz(&p, "Description", old);
		expect_rc(k[i].fn(k[i].h, NULL, k[i].base | 0x40005eu, p.b, (DWORD)p.len, NULL, 0, &len), ERROR_SUCCESS);
		free(old);
	}

	/* through a read-only cluster handle: reads yes, writes ERROR_ACCESS_DENIED */
	HCLUSTER ro = OpenClusterEx(NULL, GENERIC_READ, NULL);
	assert_non_null(ro);
	gw = W(group_name);
	HGROUP rog = OpenClusterGroup(ro, gw);
	free(gw);
	assert_non_null(rog);
	plist_begin(&p);
	plist_sz(&p, "Description", "read only");
	expect_rc(ClusterGroupControl(rog, NULL, CLUSCTL_GROUP_SET_COMMON_PROPERTIES, p.b, (DWORD)p.len, NULL, 0, &len),
		  ERROR_ACCESS_DENIED);
	expect_rc(ClusterControl(ro, NULL, CLUSCTL_CLUSTER_SET_PRIVATE_PROPERTIES, p.b, (DWORD)p.len, NULL, 0, &len),
		  ERROR_ACCESS_DENIED);
	char *n = ctl_string(ctl_group, rog, NULL, CLUSCTL_GROUP_GET_NAME);
	assert_string_equal(n, group_name);
	free(n);
	CloseClusterGroup(rog);
	CloseCluster(ro);
	CloseClusterNetwork(net);
	CloseClusterGroup(g);
	CloseClusterNode(node);
}

/* ---- networks ------------------------------------------------------------------ */

static void test_network_enum(void **state)
{
	(void)state;
	char nets[16][256], node_name[256];
	int n = cluster_names(CLUSTER_ENUM_NETWORK, nets);
	assert_true(n >= 1);
	HNODE node = first_node(cl, node_name, sizeof(node_name));
	WCHAR *nodew = W(node_name);
	int found_for_node = 0;
	for (int i = 0; i < n; i++) {
		HNETWORK net = open_network(cl, nets[i]);
		HNETWORKENUM e = ClusterNetworkOpenEnum(net, CLUSTER_NETWORK_ENUM_NETINTERFACES);
		if (!e)
			fail_msg("ClusterNetworkOpenEnum(%s): %s", nets[i], ename(GetLastError()));
		DWORD count = ClusterNetworkGetEnumCount(e);
		for (DWORD k = 0; k < count; k++) {
			WCHAR w[256];
			DWORD cch = 1, type = 0;
			expect_rc(ClusterNetworkEnum(e, k, &type, w, &cch), ERROR_MORE_DATA);
			assert_true(cch > 1);
			cch = 256;
			expect_rc(ClusterNetworkEnum(e, k, &type, w, &cch), ERROR_SUCCESS);
			assert_int_equal(type, CLUSTER_NETWORK_ENUM_NETINTERFACES);
			/* each interface is on this network */
			HNETINTERFACE nif = OpenClusterNetInterface(cl, w);
			assert_non_null(nif);
			char *onnet = ctl_string(ctl_netif, nif, NULL, CLUSCTL_NETINTERFACE_GET_NETWORK);
			assert_string_equal(onnet, nets[i]);
			free(onnet);
			char *onnode = ctl_string(ctl_netif, nif, NULL, CLUSCTL_NETINTERFACE_GET_NODE);
			/* GetClusterNetInterface finds the node's interface here */
			if (!strcmp(onnode, node_name)) {
				WCHAR got[256], *netw = W(nets[i]);
				DWORD gcch = 256;
				expect_rc(GetClusterNetInterface(cl, nodew, netw, got, &gcch), ERROR_SUCCESS);
				char *a = U(got), *b = U(w);
				assert_string_equal(a, b);
				free(a);
				free(b);
				gcch = 1;
				expect_rc(GetClusterNetInterface(cl, nodew, netw, got, &gcch), ERROR_MORE_DATA);
				assert_true(gcch > 1);
				free(netw);
				found_for_node++;
			}
			free(onnode);
			CloseClusterNetInterface(nif);
		}
		WCHAR w[16];
		DWORD cch = 16;
		expect_rc(ClusterNetworkEnum(e, count, NULL, w, &cch), ERROR_NO_MORE_ITEMS);
		expect_rc(ClusterNetworkEnum(e, 0, NULL, w, NULL), ERROR_INVALID_PARAMETER);
		expect_rc(ClusterNetworkCloseEnum(e), ERROR_SUCCESS);
		expect_rc(ClusterNetworkCloseEnum(e), ERROR_INVALID_HANDLE);
		expect_rc(ClusterNetworkEnum(e, 0, NULL, w, &cch), ERROR_INVALID_HANDLE);
		/* unknown type bits select nothing */
		e = ClusterNetworkOpenEnum(net, 0x100);
		assert_non_null(e);
		assert_int_equal(ClusterNetworkGetEnumCount(e), 0);
		ClusterNetworkCloseEnum(e);
		CloseClusterNetwork(net);
		assert_null(ClusterNetworkOpenEnum(net, CLUSTER_NETWORK_ENUM_NETINTERFACES));
		assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	}
	assert_true(found_for_node >= 1);
	/* GetClusterNetInterface's errors */
	WCHAR got[256], *netw = W(nets[0]), *nobody = W("no-such-node"), *nonet = W("No Such Network");
	DWORD cch = 256;
	expect_rc(GetClusterNetInterface(cl, nobody, netw, got, &cch), ERROR_CLUSTER_NODE_NOT_FOUND);
	expect_rc(GetClusterNetInterface(cl, nodew, nonet, got, &cch), ERROR_CLUSTER_NETWORK_NOT_FOUND);
	expect_rc(GetClusterNetInterface(cl, NULL, netw, got, &cch), ERROR_INVALID_PARAMETER);
	expect_rc(GetClusterNetInterface(cl, nodew, netw, got, NULL), ERROR_INVALID_PARAMETER);
	expect_rc(GetClusterNetInterface(NULL, nodew, netw, got, &cch), ERROR_INVALID_HANDLE);
	/* GetClusterNetworkId's buffer protocol */
	HNETWORK net = open_network(cl, nets[0]);
	WCHAR id[64];
	cch = 2;
	expect_rc(GetClusterNetworkId(net, id, &cch), ERROR_MORE_DATA);
	assert_true(cch > 2);
	cch = 64;
	expect_rc(GetClusterNetworkId(net, id, &cch), ERROR_SUCCESS);
	expect_rc(GetClusterNetworkId(net, id, NULL), ERROR_INVALID_PARAMETER);
	CloseClusterNetwork(net);
	cch = 64;
	expect_rc(GetClusterNetworkId(net, id, &cch), ERROR_INVALID_HANDLE);
	free(netw);
	free(nobody);
	free(nonet);
	free(nodew);
	CloseClusterNode(node);
}

static void test_network_name(void **state)
{
	(void)state;
	char nets[16][256];
	int n = cluster_names(CLUSTER_ENUM_NETWORK, nets);
	assert_true(n >= 1);
	HNETWORK net = open_network(cl, nets[0]);
	char newname[80];
	snprintf(newname, sizeof(newname), "Controls Network %d", (int)getpid());
	WCHAR *nw = W(newname), *oldw = W(nets[0]);
	expect_rc(SetClusterNetworkName(net, NULL), ERROR_INVALID_PARAMETER);
	WCHAR empty[1] = { 0 };
	expect_rc(SetClusterNetworkName(net, empty), ERROR_INVALID_NAME);
	/* the same name: nothing to do */
	expect_rc(SetClusterNetworkName(net, oldw), ERROR_SUCCESS);
	if (pacemaker) {
		expect_rc(SetClusterNetworkName(net, nw), ERROR_NOT_SUPPORTED);
	} else {
		expect_rc(SetClusterNetworkName(net, nw), ERROR_SUCCESS);
		char *now = ctl_string(ctl_network, net, NULL, CLUSCTL_NETWORK_GET_NAME);
		assert_string_equal(now, newname);
		free(now);
		/* opened by the new name; the old one is gone; interfaces follow */
		HNETWORK again = open_network(cl, newname);
		HNETWORKENUM e = ClusterNetworkOpenEnum(again, CLUSTER_NETWORK_ENUM_NETINTERFACES);
		assert_non_null(e);
		if (ClusterNetworkGetEnumCount(e) > 0) {
			WCHAR w[256];
			DWORD cch = 256;
			expect_rc(ClusterNetworkEnum(e, 0, NULL, w, &cch), ERROR_SUCCESS);
			HNETINTERFACE nif = OpenClusterNetInterface(cl, w);
			assert_non_null(nif);
			char *onnet = ctl_string(ctl_netif, nif, NULL, CLUSCTL_NETINTERFACE_GET_NETWORK);
			assert_string_equal(onnet, newname);
			free(onnet);
			CloseClusterNetInterface(nif);
		}
		ClusterNetworkCloseEnum(e);
		CloseClusterNetwork(again);
		assert_null(OpenClusterNetwork(cl, oldw));
		assert_int_equal(GetLastError(), ERROR_CLUSTER_NETWORK_NOT_FOUND);
		/* a name another network has */
		if (n >= 2) {
			WCHAR *taken = W(nets[1]);
			expect_rc(SetClusterNetworkName(net, taken), ERROR_OBJECT_ALREADY_EXISTS);
			free(taken);
		}
		expect_rc(SetClusterNetworkName(net, oldw), ERROR_SUCCESS);
	}
	/* read-only handle */
	HCLUSTER ro = OpenClusterEx(NULL, GENERIC_READ, NULL);
	assert_non_null(ro);
	HNETWORK ron = open_network(ro, nets[0]);
	expect_rc(SetClusterNetworkName(ron, nw), ERROR_ACCESS_DENIED);
	CloseClusterNetwork(ron);
	CloseCluster(ro);
	CloseClusterNetwork(net);
	expect_rc(SetClusterNetworkName(net, nw), ERROR_INVALID_HANDLE);
	free(nw);
	free(oldw);
}

static void test_network_priority(void **state)
{
	(void)state;
	char nets[16][256], order[16][256];
	int n = cluster_names(CLUSTER_ENUM_NETWORK, nets);
	assert_true(n >= 1);
	HNETWORK h[16];
	for (int i = 0; i < n; i++)
		h[i] = open_network(cl, nets[i]);
	/* every network, in reverse: the internal-network list follows */
	HNETWORK rev[16];
	for (int i = 0; i < n; i++)
		rev[i] = h[n - 1 - i];
	expect_rc(SetClusterNetworkPriorityOrder(cl, (DWORD)n, rev), ERROR_SUCCESS);
	assert_int_equal(cluster_names(CLUSTER_ENUM_INTERNAL_NETWORK, order), n);
	for (int i = 0; i < n; i++)
		assert_string_equal(order[i], nets[n - 1 - i]);
	/* kept as the root key's NetworkPriority: the ids, in that order */
	HKEY root = GetClusterKey(cl, KEY_READ);
	assert_non_null(root);
	WCHAR *vn = W("NetworkPriority"), multi[16 * 64 + 1];
	DWORD type = 0, cb = sizeof(multi);
	expect_rc(ClusterRegQueryValue(root, vn, &type, (LPBYTE)multi, &cb), ERROR_SUCCESS);
	assert_int_equal(type, REG_MULTI_SZ);
	size_t at = 0;
	for (int i = 0; i < n; i++) {
		WCHAR id[64];
		DWORD cch = 64;
		expect_rc(GetClusterNetworkId(rev[i], id, &cch), ERROR_SUCCESS);
		char *want = U(id), *have = U(multi + at);
		assert_string_equal(have, want);
		at += cch + 1;
		free(want);
		free(have);
	}
	assert_int_equal(multi[at], 0);
	assert_int_equal(cb, (at + 1) * sizeof(WCHAR));
	free(vn);
	ClusterRegCloseKey(root);
	/* and back */
	expect_rc(SetClusterNetworkPriorityOrder(cl, (DWORD)n, h), ERROR_SUCCESS);
	assert_int_equal(cluster_names(CLUSTER_ENUM_INTERNAL_NETWORK, order), n);
	for (int i = 0; i < n; i++)
		assert_string_equal(order[i], nets[i]);
	/* not every network, or one twice: nothing written */
	HNETWORK twice[17];
	for (int i = 0; i < n; i++)
		twice[i] = h[i];
	twice[n] = h[0];
	expect_rc(SetClusterNetworkPriorityOrder(cl, (DWORD)n + 1, twice), ERROR_INVALID_PARAMETER);
	if (n >= 2) {
		twice[1] = h[0];
		expect_rc(SetClusterNetworkPriorityOrder(cl, (DWORD)n, twice), ERROR_INVALID_PARAMETER);
	}
	expect_rc(SetClusterNetworkPriorityOrder(cl, 0, NULL), ERROR_INVALID_PARAMETER);
	expect_rc(SetClusterNetworkPriorityOrder(cl, 1, NULL), ERROR_INVALID_PARAMETER);
	assert_int_equal(cluster_names(CLUSTER_ENUM_INTERNAL_NETWORK, order), n);
	for (int i = 0; i < n; i++)
		assert_string_equal(order[i], nets[i]);
	/* handles of another cluster handle; a read-only caller */
	HCLUSTER ro = OpenClusterEx(NULL, GENERIC_READ, NULL);
	assert_non_null(ro);
	expect_rc(SetClusterNetworkPriorityOrder(ro, (DWORD)n, h), ERROR_INVALID_HANDLE);
	HNETWORK roh[16];
	for (int i = 0; i < n; i++)
		roh[i] = open_network(ro, nets[i]);
	/* the caller's rights are full (local root): the handle's read-only
	 * access does not enter a call that carries no handle */
	for (int i = 0; i < n; i++)
		CloseClusterNetwork(roh[i]);
	CloseCluster(ro);
	for (int i = 0; i < n; i++)
		CloseClusterNetwork(h[i]);
	expect_rc(SetClusterNetworkPriorityOrder(cl, (DWORD)n, h), ERROR_INVALID_HANDLE);
}

/* ---- setup ---------------------------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	const char *name = getenv("CONFORMANCE_BACKEND");
	if (name && *name && strcmp(name, "embedded") != 0 && strcmp(name, "pacemaker") != 0) {
		fprintf(stderr, "CONFORMANCE_BACKEND=%s: not embedded or pacemaker\n", name);
		return -1;
	}
	pacemaker = name && !strcmp(name, "pacemaker");
	const char *lpc = getenv("CLUSAPI_LPC_SOCKET");
	if (!lpc || !*lpc) {
		if (!getenv("CLUSTERD") || pacemaker) {
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
	snprintf(group_name, sizeof(group_name), "Controls Group %d", (int)getpid());
	cl = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	if (!cl) {
		fprintf(stderr, "cannot open the cluster: %s\n", ename(GetLastError()));
		return -1;
	}
	WCHAR *w = ClusapiUtf8ToWide(group_name);
	HGROUP g = w ? CreateClusterGroup(cl, w) : NULL;
	free(w);
	if (!g) {
		fprintf(stderr, "CreateClusterGroup(%s): %s\n", group_name, ename(GetLastError()));
		return -1;
	}
	CloseClusterGroup(g);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (cl) {
		WCHAR *w = ClusapiUtf8ToWide(group_name);
		HGROUP g = w ? OpenClusterGroup(cl, w) : NULL;
		free(w);
		if (g) {
			DeleteClusterGroup(g);
			CloseClusterGroup(g);
		}
		CloseCluster(cl);
	}
	if (started_daemon)
		daemon_destroy(&own_daemon);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_control_basics),
		cmocka_unit_test(test_control_properties),
		cmocka_unit_test(test_network_enum),
		cmocka_unit_test(test_network_name),
		cmocka_unit_test(test_network_priority),
	};
	return daemon_finish(cmocka_run_group_tests(tests, setup, teardown));
}
