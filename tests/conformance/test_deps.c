/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Conformance, issue 11 parts 1 and 2: dependencies and owners, through the
 * public API only, unchanged against both backends (the same target
 * variables as test_conformance.c: CLUSAPI_LPC_SOCKET or CLUSTERD, and
 * CONFORMANCE_BACKEND).  The profile below is the only place the backends
 * differ; each difference is documented (doc/pacemaker.md, tests/README.md).
 *
 * Objects (names carry the process id): group G with resources A, B, C in
 * that order, group G2 with X, group G3 with Y.  All removed at the end, even
 * after a failure.
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

#define WAIT_S 30
#define CONF_CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES 0x01400086u

struct profile {
	const char *name;
	const char *type;
	const char *prop_name, *prop_value;
	/* Pacemaker: a group is a chain, each member depends on the one before
	 * it, and that dependency cannot be removed (ERROR_NOT_SUPPORTED). */
	bool chain;
	/* Pacemaker recovers a failed resource (restart) instead of leaving it
	 * failed with its dependents offline. */
	bool fail_recovers;
};

static const struct profile profiles[] = {
	{ "embedded", "Generic Application", "CommandLine", "exec sleep 600", false, false },
	{ "pacemaker", "ocf:pacemaker:Dummy", "fake", "deps", true, true },
};

static const struct profile *pf;
static struct daemon own_daemon;
static bool started_daemon;
static HCLUSTER cl;
static char gname[3][80], rname[5][80]; /* A B C X Y */
enum { A, B, C, X, Y };

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

static void assert_started(DWORD rc, const char *what)
{
	if (rc != ERROR_SUCCESS && rc != ERROR_IO_PENDING)
		fail_msg("%s: %u %s", what, (unsigned)rc, ename(rc));
}

static HRESOURCE res(int i)
{
	WCHAR *w = W(rname[i]);
	HRESOURCE r = OpenClusterResource(cl, w);
	free(w);
	if (!r)
		fail_msg("OpenClusterResource(%s): %s", rname[i], ename(GetLastError()));
	return r;
}

static HGROUP grp(int i)
{
	WCHAR *w = W(gname[i]);
	HGROUP g = OpenClusterGroup(cl, w);
	free(w);
	if (!g)
		fail_msg("OpenClusterGroup(%s): %s", gname[i], ename(GetLastError()));
	return g;
}

static HNODE node_named(const char *name)
{
	WCHAR *w = W(name);
	HNODE n = OpenClusterNode(cl, w);
	free(w);
	if (!n)
		fail_msg("OpenClusterNode(%s): %s", name, ename(GetLastError()));
	return n;
}

static void wait_res(HRESOURCE r, CLUSTER_RESOURCE_STATE want, const char *what)
{
	double end = now_s() + WAIT_S;
	CLUSTER_RESOURCE_STATE s;
	do {
		s = GetClusterResourceState(r, NULL, NULL, NULL, NULL);
		if (s == want)
			return;
		sleep_ms(100);
	} while (now_s() < end);
	fail_msg("%s: resource state %d, wanted %d within %d s", what, s, want, WAIT_S);
}

/* The owner node of a resource ("" when none). */
static void res_owner(HRESOURCE r, char *out, size_t cap)
{
	WCHAR w[256];
	DWORD cch = 256;
	GetClusterResourceState(r, w, &cch, NULL, NULL);
	char *u = U(w);
	snprintf(out, cap, "%s", u);
	free(u);
}

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

/* The private property every resource of the profile's type needs. */
static void set_prop(HRESOURCE r)
{
	uint8_t buf[1024];
	size_t off = put32(buf, 0, 1);
	off = put32(buf, off, 0x00040003u); /* NAME */
	off = put_wide(buf, off, pf->prop_name);
	off = put32(buf, off, 0x00010003u); /* SZ */
	off = put_wide(buf, off, pf->prop_value);
	off = put32(buf, off, 0); /* ENDMARK */
	DWORD ret = 0;
	DWORD rc = ClusterResourceControl(r, NULL, CONF_CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES, buf, (DWORD)off, NULL,
					  0, &ret);
	if (rc != ERROR_SUCCESS && rc != ERROR_RESOURCE_PROPERTIES_STORED)
		fail_msg("set %s: %s", pf->prop_name, ename(rc));
}

struct names {
	char v[16][256];
	size_t n;
};

static void res_enum(HRESOURCE r, DWORD type, struct names *out)
{
	HRESENUM e = ClusterResourceOpenEnum(r, type);
	if (!e)
		fail_msg("ClusterResourceOpenEnum(%u): %s", (unsigned)type, ename(GetLastError()));
	out->n = 0;
	DWORD count = ClusterResourceGetEnumCount(e);
	for (DWORD i = 0; i < count && out->n < 16; i++) {
		WCHAR w[256];
		DWORD cch = 256, t = 0;
		assert_int_equal(ClusterResourceEnum(e, i, &t, w, &cch), ERROR_SUCCESS);
		assert_int_equal(t, type);
		char *u = U(w);
		snprintf(out->v[out->n++], 256, "%s", u);
		free(u);
	}
	WCHAR w[8];
	DWORD cch = 8, t;
	assert_int_equal(ClusterResourceEnum(e, count, &t, w, &cch), ERROR_NO_MORE_ITEMS);
	ClusterResourceCloseEnum(e);
}

static void group_nodes(HGROUP g, struct names *out)
{
	HGROUPENUM e = ClusterGroupOpenEnum(g, CLUSTER_GROUP_ENUM_NODES);
	if (!e)
		fail_msg("ClusterGroupOpenEnum(NODES): %s", ename(GetLastError()));
	out->n = 0;
	DWORD count = ClusterGroupGetEnumCount(e);
	for (DWORD i = 0; i < count && out->n < 16; i++) {
		WCHAR w[256];
		DWORD cch = 256, t = 0;
		assert_int_equal(ClusterGroupEnum(e, i, &t, w, &cch), ERROR_SUCCESS);
		assert_int_equal(t, CLUSTER_GROUP_ENUM_NODES);
		char *u = U(w);
		snprintf(out->v[out->n++], 256, "%s", u);
		free(u);
	}
	ClusterGroupCloseEnum(e);
}

static bool has(const struct names *n, const char *name)
{
	for (size_t i = 0; i < n->n; i++)
		if (strcmp(n->v[i], name) == 0)
			return true;
	return false;
}

static void cluster_nodes(struct names *out)
{
	HCLUSENUM e = ClusterOpenEnum(cl, CLUSTER_ENUM_NODE);
	assert_non_null(e);
	out->n = 0;
	for (DWORD i = 0; i < ClusterGetEnumCount(e) && out->n < 16; i++) {
		WCHAR w[256];
		DWORD cch = 256, t;
		assert_int_equal(ClusterEnum(e, i, &t, w, &cch), ERROR_SUCCESS);
		char *u = U(w);
		snprintf(out->v[out->n++], 256, "%s", u);
		free(u);
	}
	ClusterCloseEnum(e);
}

static DWORD set_expr(HRESOURCE r, const char *text)
{
	WCHAR *w = text ? W(text) : NULL;
	DWORD rc = SetClusterResourceDependencyExpression(r, w);
	free(w);
	return rc;
}

/* ---- dependencies ------------------------------------------------------------------ */

static void test_dependency_rules(void **state)
{
	(void)state;
	HRESOURCE a = res(A), b = res(B), c = res(C), x = res(X);
	struct names n;

	expect_rc(AddClusterResourceDependency(c, a), ERROR_SUCCESS);
	res_enum(c, CLUSTER_RESOURCE_ENUM_DEPENDS, &n);
	assert_true(has(&n, rname[A]));
	res_enum(a, CLUSTER_RESOURCE_ENUM_PROVIDES, &n);
	assert_true(has(&n, rname[C]));

	expect_rc(AddClusterResourceDependency(c, a), ERROR_DEPENDENCY_ALREADY_EXISTS);
	expect_rc(AddClusterResourceDependency(a, c), ERROR_CIRCULAR_DEPENDENCY);
	expect_rc(AddClusterResourceDependency(a, a), ERROR_INVALID_PARAMETER);
	expect_rc(AddClusterResourceDependency(a, x), ERROR_INVALID_PARAMETER);

	assert_false(CanResourceBeDependent(c, a));
	assert_int_equal(GetLastError(), ERROR_DEPENDENCY_ALREADY_EXISTS);
	assert_false(CanResourceBeDependent(a, c));
	assert_int_equal(GetLastError(), ERROR_CIRCULAR_DEPENDENCY);
	assert_false(CanResourceBeDependent(a, x));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	assert_false(CanResourceBeDependent(a, a));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	if (pf->chain) {
		assert_false(CanResourceBeDependent(b, a)); /* the chain has it */
		assert_int_equal(GetLastError(), ERROR_DEPENDENCY_ALREADY_EXISTS);
	} else {
		assert_true(CanResourceBeDependent(b, a));
	}

	/* The expression names it; a short buffer says how long it is. */
	WCHAR w[512];
	DWORD cch = 512;
	expect_rc(GetClusterResourceDependencyExpression(c, w, &cch), ERROR_SUCCESS);
	char *expr = U(w), want[128];
	snprintf(want, sizeof(want), "[%s]", rname[A]);
	if (!strstr(expr, want))
		fail_msg("expression \"%s\" lacks %s", expr, want);
	DWORD len = (DWORD)strlen(expr);
	free(expr);
	cch = 2;
	expect_rc(GetClusterResourceDependencyExpression(c, w, &cch), ERROR_MORE_DATA);
	assert_int_equal(cch, len);
	expect_rc(GetClusterResourceDependencyExpression(c, w, NULL), ERROR_INVALID_PARAMETER);

	/* A provider stays while it has dependents, and stays in their group. */
	expect_rc(DeleteClusterResource(a), ERROR_DEPENDENT_RESOURCE_EXISTS);
	HGROUP g2 = grp(1);
	expect_rc(ChangeClusterResourceGroup(a, g2), ERROR_DEPENDENT_RESOURCE_EXISTS);
	CloseClusterGroup(g2);

	/* Read-only handles change nothing. */
	WCHAR *wa = W(rname[A]), *wc = W(rname[C]);
	HRESOURCE ra = OpenClusterResourceEx(cl, wa, GENERIC_READ, NULL);
	HRESOURCE rro = OpenClusterResourceEx(cl, wc, GENERIC_READ, NULL);
	free(wa);
	free(wc);
	assert_non_null(ra);
	assert_non_null(rro);
	expect_rc(RemoveClusterResourceDependency(rro, ra), ERROR_ACCESS_DENIED);
	CloseClusterResource(ra);
	CloseClusterResource(rro);

	expect_rc(RemoveClusterResourceDependency(c, a), ERROR_SUCCESS);
	expect_rc(RemoveClusterResourceDependency(c, a), ERROR_DEPENDENCY_NOT_FOUND);
	res_enum(c, CLUSTER_RESOURCE_ENUM_DEPENDS, &n);
	assert_false(has(&n, rname[A]));
	expect_rc(RemoveClusterResourceDependency(b, a), pf->chain ? ERROR_NOT_SUPPORTED : ERROR_DEPENDENCY_NOT_FOUND);

	/* Handles of another kind or closed ones. */
	expect_rc(AddClusterResourceDependency(c, NULL), ERROR_INVALID_HANDLE);
	expect_rc(AddClusterResourceDependency(NULL, a), ERROR_INVALID_HANDLE);

	CloseClusterResource(a);
	CloseClusterResource(b);
	CloseClusterResource(c);
	CloseClusterResource(x);
}

static void test_dependency_expression(void **state)
{
	(void)state;
	HRESOURCE a = res(A), b = res(B), c = res(C);
	struct names n;
	char e[600];

	snprintf(e, sizeof(e), "[%s]", rname[A]);
	expect_rc(set_expr(c, e), ERROR_SUCCESS);
	res_enum(c, CLUSTER_RESOURCE_ENUM_DEPENDS, &n);
	assert_true(has(&n, rname[A]));

	/* OR is refused, and changes nothing. */
	snprintf(e, sizeof(e), "([%s] or [%s])", rname[A], rname[B]);
	expect_rc(set_expr(c, e), ERROR_NOT_SUPPORTED);
	res_enum(c, CLUSTER_RESOURCE_ENUM_DEPENDS, &n);
	assert_true(has(&n, rname[A]));

	expect_rc(set_expr(c, "[no such resource here]"), ERROR_RESOURCE_NOT_FOUND);
	snprintf(e, sizeof(e), "[%s] and", rname[A]);
	expect_rc(set_expr(c, e), ERROR_INVALID_PARAMETER);
	snprintf(e, sizeof(e), "[%s] [%s]", rname[A], rname[B]);
	expect_rc(set_expr(c, e), ERROR_INVALID_PARAMETER);
	snprintf(e, sizeof(e), "[%s]", rname[C]);
	expect_rc(set_expr(c, e), ERROR_INVALID_PARAMETER);
	snprintf(e, sizeof(e), "[%s]", rname[X]);
	expect_rc(set_expr(c, e), ERROR_INVALID_PARAMETER);
	snprintf(e, sizeof(e), "[%s]", rname[C]);
	expect_rc(set_expr(a, e), ERROR_CIRCULAR_DEPENDENCY);

	/* Empty: none (but a Pacemaker group's chain). */
	expect_rc(set_expr(c, ""), ERROR_SUCCESS);
	res_enum(c, CLUSTER_RESOURCE_ENUM_DEPENDS, &n);
	assert_false(has(&n, rname[A]));

	/* By id, in parentheses, AND of two. */
	uint8_t id[256];
	DWORD ret = 0;
	expect_rc(ClusterResourceControl(a, NULL, CLUSCTL_RESOURCE_GET_ID, NULL, 0, id, sizeof(id), &ret),
		  ERROR_SUCCESS);
	WCHAR wid[128] = { 0 };
	for (DWORD i = 0; i + 1 < ret && i / 2 < 127; i += 2)
		wid[i / 2] = (WCHAR)(id[i] | id[i + 1] << 8);
	char *uid = U(wid);
	if (pf->chain)
		snprintf(e, sizeof(e), "([%s])", uid);
	else
		snprintf(e, sizeof(e), "([%s]) and [%s]", uid, rname[B]);
	free(uid);
	expect_rc(set_expr(c, e), ERROR_SUCCESS);
	res_enum(c, CLUSTER_RESOURCE_ENUM_DEPENDS, &n);
	assert_true(has(&n, rname[A]));
	assert_true(has(&n, rname[B])); /* named, or the chain's */

	expect_rc(set_expr(c, NULL), ERROR_SUCCESS);
	res_enum(c, CLUSTER_RESOURCE_ENUM_DEPENDS, &n);
	assert_false(has(&n, rname[A]));
	assert_int_equal(n.n, pf->chain ? 1u : 0u);

	CloseClusterResource(a);
	CloseClusterResource(b);
	CloseClusterResource(c);
}

/* Online brings providers up first, offline takes dependents down first, a
 * failed provider takes its dependents offline (embedded) or Pacemaker
 * recovers both. */
static void test_dependency_behaviour(void **state)
{
	(void)state;
	HRESOURCE a = res(A), b = res(B), c = res(C);
	expect_rc(AddClusterResourceDependency(c, a), ERROR_SUCCESS);

	assert_started(OnlineClusterResource(c), "OnlineClusterResource(C)");
	wait_res(a, ClusterResourceOnline, "provider A after onlining C");
	wait_res(c, ClusterResourceOnline, "C");

	/* An online dependent takes only online providers. */
	expect_rc(AddClusterResourceDependency(c, b),
		  pf->chain ? ERROR_DEPENDENCY_ALREADY_EXISTS : ERROR_RESOURCE_ONLINE);
	assert_false(CanResourceBeDependent(c, a));

	assert_started(OfflineClusterResource(a), "OfflineClusterResource(A)");
	wait_res(c, ClusterResourceOffline, "dependent C after offlining A");
	wait_res(a, ClusterResourceOffline, "A");

	assert_started(OnlineClusterResource(c), "OnlineClusterResource(C) again");
	wait_res(a, ClusterResourceOnline, "A again");
	wait_res(c, ClusterResourceOnline, "C again");
	assert_started(FailClusterResource(a), "FailClusterResource(A)");
	if (pf->fail_recovers) {
		wait_res(a, ClusterResourceOnline, "A recovered");
		wait_res(c, ClusterResourceOnline, "C recovered");
	} else {
		wait_res(a, ClusterResourceFailed, "A failed");
		wait_res(c, ClusterResourceOffline, "dependent C of failed A");
	}

	assert_started(OfflineClusterResource(a), "OfflineClusterResource(A) at the end");
	wait_res(c, ClusterResourceOffline, "C at the end");
	wait_res(a, ClusterResourceOffline, "A at the end");
	wait_res(b, ClusterResourceOffline, "B at the end");
	expect_rc(RemoveClusterResourceDependency(c, a), ERROR_SUCCESS);
	CloseClusterResource(a);
	CloseClusterResource(b);
	CloseClusterResource(c);
}

/* ---- owners ---------------------------------------------------------------------- */

static void test_possible_owners(void **state)
{
	(void)state;
	HRESOURCE a = res(A);
	HGROUP g = grp(0);
	struct names all, n;
	cluster_nodes(&all);
	assert_true(all.n >= 1);
	const char *node = all.v[0];
	HNODE h = node_named(node);

	/* Every node until restricted. */
	res_enum(a, CLUSTER_RESOURCE_ENUM_NODES, &n);
	assert_int_equal(n.n, all.n);
	for (size_t i = 0; i < all.n; i++)
		assert_true(has(&n, all.v[i]));
	expect_rc(AddClusterResourceNode(a, h), ERROR_OBJECT_ALREADY_EXISTS);

	expect_rc(RemoveClusterResourceNode(a, h), ERROR_SUCCESS);
	res_enum(a, CLUSTER_RESOURCE_ENUM_NODES, &n);
	assert_false(has(&n, node));
	assert_int_equal(n.n, all.n - 1);
	expect_rc(RemoveClusterResourceNode(a, h), ERROR_CLUSTER_NODE_NOT_FOUND);
	/* A group does not go where one of its resources may not run. */
	expect_rc(MoveClusterGroup(g, h), ERROR_HOST_NODE_NOT_RESOURCE_OWNER);

	expect_rc(AddClusterResourceNode(a, h), ERROR_SUCCESS);
	res_enum(a, CLUSTER_RESOURCE_ENUM_NODES, &n);
	assert_true(has(&n, node));
	assert_int_equal(n.n, all.n);

	/* With no possible owner it does not come online, nor its group. */
	for (size_t i = 0; i < all.n; i++) {
		HNODE hi = node_named(all.v[i]);
		expect_rc(RemoveClusterResourceNode(a, hi), ERROR_SUCCESS);
		CloseClusterNode(hi);
	}
	res_enum(a, CLUSTER_RESOURCE_ENUM_NODES, &n);
	assert_int_equal(n.n, 0u);
	expect_rc(OnlineClusterResource(a), ERROR_HOST_NODE_NOT_RESOURCE_OWNER);
	expect_rc(OnlineClusterGroup(g, NULL), ERROR_HOST_NODE_NOT_RESOURCE_OWNER);
	assert_int_equal(GetClusterResourceState(a, NULL, NULL, NULL, NULL), ClusterResourceOffline);
	for (size_t i = 0; i < all.n; i++) {
		HNODE hi = node_named(all.v[i]);
		expect_rc(AddClusterResourceNode(a, hi), ERROR_SUCCESS);
		CloseClusterNode(hi);
	}

	/* Not away from the node an online resource runs on. */
	assert_started(OnlineClusterResource(a), "OnlineClusterResource(A)");
	wait_res(a, ClusterResourceOnline, "A online");
	char owner[256];
	res_owner(a, owner, sizeof(owner));
	HNODE ho = node_named(owner);
	expect_rc(RemoveClusterResourceNode(a, ho), ERROR_INVALID_STATE);
	CloseClusterNode(ho);
	assert_started(OfflineClusterResource(a), "OfflineClusterResource(A)");
	wait_res(a, ClusterResourceOffline, "A offline");

	expect_rc(AddClusterResourceNode(a, NULL), ERROR_INVALID_HANDLE);
	expect_rc(AddClusterResourceNode(NULL, h), ERROR_INVALID_HANDLE);
	CloseClusterNode(h);
	CloseClusterGroup(g);
	CloseClusterResource(a);
}

/* Wait until the group is online on `on` (NULL: anywhere); its owner. */
static void wait_group_on(HGROUP g, const char *on, char *owner, size_t cap, const char *what)
{
	double end = now_s() + WAIT_S;
	CLUSTER_GROUP_STATE s;
	char node[256] = "";
	do {
		WCHAR w[256];
		DWORD cch = 256;
		s = GetClusterGroupState(g, w, &cch);
		if (s != ClusterGroupStateUnknown) {
			char *u = U(w);
			snprintf(node, sizeof(node), "%s", u);
			free(u);
		}
		if (s == ClusterGroupOnline && node[0] && (!on || strcmp(node, on) == 0)) {
			if (owner)
				snprintf(owner, cap, "%s", node);
			return;
		}
		sleep_ms(100);
	} while (now_s() < end);
	fail_msg("%s: group state %d on \"%s\", wanted online on \"%s\" within %d s", what, s, node, on ? on : "(any)",
		 WAIT_S);
}

/* With two other nodes up, MoveClusterGroup with no target goes to the most
 * preferred node every member may run on (a one-node cluster cannot show it). */
static void move_by_preference(HGROUP g, const struct names *all)
{
	HRESOURCE a = res(A);
	char owner[256], other[2][256];
	assert_started(OnlineClusterGroup(g, NULL), "OnlineClusterGroup");
	wait_group_on(g, NULL, owner, sizeof(owner), "online");
	size_t k = 0;
	for (size_t i = 0; i < all->n && k < 2; i++)
		if (strcmp(all->v[i], owner) != 0)
			snprintf(other[k++], sizeof(other[0]), "%s", all->v[i]);
	assert_int_equal(k, 2);
	HNODE hx = node_named(other[0]), hy = node_named(other[1]), ho = node_named(owner);

	HNODE pref[2] = { hy, hx };
	expect_rc(SetClusterGroupNodeList(g, 2, pref), ERROR_SUCCESS);
	assert_started(MoveClusterGroup(g, NULL), "MoveClusterGroup to the preferred node");
	wait_group_on(g, other[1], NULL, 0, "moved to the most preferred node");

	/* The most preferred one may not run A: the next. */
	HNODE pref2[2] = { hx, ho };
	expect_rc(SetClusterGroupNodeList(g, 2, pref2), ERROR_SUCCESS);
	expect_rc(RemoveClusterResourceNode(a, hx), ERROR_SUCCESS);
	assert_started(MoveClusterGroup(g, NULL), "MoveClusterGroup past a node A may not run on");
	wait_group_on(g, owner, NULL, 0, "moved past a node that is not a possible owner");

	expect_rc(AddClusterResourceNode(a, hx), ERROR_SUCCESS);
	assert_started(OfflineClusterGroup(g), "OfflineClusterGroup");
	double end = now_s() + WAIT_S;
	while (GetClusterGroupState(g, NULL, NULL) != ClusterGroupOffline && now_s() < end)
		sleep_ms(100);
	assert_int_equal(GetClusterGroupState(g, NULL, NULL), ClusterGroupOffline);
	CloseClusterNode(hx);
	CloseClusterNode(hy);
	CloseClusterNode(ho);
	CloseClusterResource(a);
}

static void test_preferred_owners(void **state)
{
	(void)state;
	HGROUP g = grp(0);
	struct names all, n;
	cluster_nodes(&all);
	HNODE hn[16];
	size_t k = all.n;
	/* In reverse order of the cluster's list, to see the order kept. */
	for (size_t i = 0; i < k; i++)
		hn[i] = node_named(all.v[k - 1 - i]);

	group_nodes(g, &n);
	assert_int_equal(n.n, 0u);
	expect_rc(SetClusterGroupNodeList(g, (DWORD)k, hn), ERROR_SUCCESS);
	group_nodes(g, &n);
	assert_int_equal(n.n, k);
	for (size_t i = 0; i < k; i++)
		assert_string_equal(n.v[i], all.v[k - 1 - i]);
	expect_rc(SetClusterGroupNodeList(g, 1, hn), ERROR_SUCCESS);
	group_nodes(g, &n);
	assert_int_equal(n.n, 1u);
	assert_string_equal(n.v[0], all.v[k - 1]);

	expect_rc(SetClusterGroupNodeList(g, 1, NULL), ERROR_INVALID_PARAMETER);
	HNODE bad[1] = { NULL };
	expect_rc(SetClusterGroupNodeList(g, 1, bad), ERROR_INVALID_HANDLE);
	expect_rc(SetClusterGroupNodeList(g, 0, NULL), ERROR_SUCCESS);
	group_nodes(g, &n);
	assert_int_equal(n.n, 0u);

	if (k >= 3)
		move_by_preference(g, &all);
	else
		fprintf(stderr, "# %zu node(s): MoveClusterGroup by preference needs 3, not checked here\n", k);
	expect_rc(SetClusterGroupNodeList(g, 0, NULL), ERROR_SUCCESS);

	for (size_t i = 0; i < k; i++)
		CloseClusterNode(hn[i]);
	CloseClusterGroup(g);
}

static void group_of(HRESOURCE r, char *out, size_t cap)
{
	WCHAR w[256];
	DWORD cch = 256;
	assert_int_not_equal(GetClusterResourceState(r, NULL, NULL, w, &cch), ClusterResourceStateUnknown);
	char *u = U(w);
	snprintf(out, cap, "%s", u);
	free(u);
}

static void test_change_group(void **state)
{
	(void)state;
	HRESOURCE y = res(Y), x = res(X);
	HGROUP g2 = grp(1), g3 = grp(2);
	char where[256];
	expect_rc(ChangeClusterResourceGroup(y, g3), ERROR_SUCCESS); /* where it is */
	expect_rc(ChangeClusterResourceGroup(y, g2), ERROR_SUCCESS);
	group_of(y, where, sizeof(where));
	assert_string_equal(where, gname[1]);
	HGROUPENUM e = ClusterGroupOpenEnum(g3, CLUSTER_GROUP_ENUM_CONTAINS);
	assert_non_null(e);
	assert_int_equal(ClusterGroupGetEnumCount(e), 0); /* it left G3 empty */
	ClusterGroupCloseEnum(e);
	/* Back: on Pacemaker it now follows X in G2's chain. */
	expect_rc(ChangeClusterResourceGroup(y, g3), pf->chain ? ERROR_DEPENDENT_RESOURCE_EXISTS : ERROR_SUCCESS);
	if (!pf->chain) {
		group_of(y, where, sizeof(where));
		assert_string_equal(where, gname[2]);
	}
	/* Not the cluster's own resources; no bad handles. */
	WCHAR *wn = W("Cluster Name");
	HRESOURCE core = OpenClusterResource(cl, wn);
	free(wn);
	if (core && !pf->chain) { /* the embedded backend's core group (Pacemaker has none) */
		expect_rc(ChangeClusterResourceGroup(core, g3), ERROR_CORE_RESOURCE);
		CloseClusterResource(core);
	}
	expect_rc(ChangeClusterResourceGroup(y, NULL), ERROR_INVALID_HANDLE);
	expect_rc(ChangeClusterResourceGroup(NULL, g3), ERROR_INVALID_HANDLE);
	CloseClusterGroup(g2);
	CloseClusterGroup(g3);
	CloseClusterResource(x);
	CloseClusterResource(y);
}

/* ---- set-up ---------------------------------------------------------------------- */

static void remove_all(void)
{
	static const int order[] = { C, B, A, Y, X };
	for (size_t i = 0; i < 5; i++) {
		WCHAR *w = W(rname[order[i]]);
		HRESOURCE r = OpenClusterResource(cl, w);
		free(w);
		if (!r)
			continue;
		SetClusterResourceDependencyExpression(r, NULL);
		OfflineClusterResource(r);
		double end = now_s() + WAIT_S;
		while (DeleteClusterResource(r) == ERROR_INVALID_STATE && now_s() < end)
			sleep_ms(200);
		CloseClusterResource(r);
	}
	for (size_t i = 0; i < 3; i++) {
		WCHAR *w = W(gname[i]);
		HGROUP g = OpenClusterGroup(cl, w);
		free(w);
		if (!g)
			continue;
		DeleteClusterGroup(g);
		CloseClusterGroup(g);
	}
}

static int setup(void **state)
{
	(void)state;
	const char *name = getenv("CONFORMANCE_BACKEND");
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (strcmp(profiles[i].name, name && *name ? name : "embedded") == 0)
			pf = &profiles[i];
	if (!pf) {
		fprintf(stderr, "CONFORMANCE_BACKEND=%s: not embedded or pacemaker\n", name);
		return -1;
	}
	const char *lpc = getenv("CLUSAPI_LPC_SOCKET");
	if (!lpc || !*lpc) {
		if (!getenv("CLUSTERD") || strcmp(pf->name, "embedded") != 0) {
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
	for (int i = 0; i < 3; i++)
		snprintf(gname[i], sizeof(gname[i]), "Deps Group %d %d", i + 1, pid);
	const char *letters = "abcxy";
	for (int i = 0; i < 5; i++)
		snprintf(rname[i], sizeof(rname[i]), "deps-%c-%d", letters[i], pid);
	cl = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	if (!cl) {
		fprintf(stderr, "cannot open the cluster: %s\n", ename(GetLastError()));
		return -1;
	}
	static const int group_of[] = { 0, 0, 0, 1, 2 };
	HGROUP g[3];
	for (int i = 0; i < 3; i++) {
		WCHAR *w = W(gname[i]);
		g[i] = CreateClusterGroup(cl, w);
		free(w);
		if (!g[i]) {
			fprintf(stderr, "CreateClusterGroup(%s): %s\n", gname[i], ename(GetLastError()));
			return -1;
		}
	}
	WCHAR *wt = W(pf->type);
	for (int i = 0; i < 5; i++) {
		WCHAR *w = W(rname[i]);
		HRESOURCE r = CreateClusterResource(g[group_of[i]], w, wt, 0);
		free(w);
		if (!r) {
			fprintf(stderr, "CreateClusterResource(%s): %s\n", rname[i], ename(GetLastError()));
			free(wt);
			return -1;
		}
		set_prop(r);
		CloseClusterResource(r);
	}
	free(wt);
	for (int i = 0; i < 3; i++)
		CloseClusterGroup(g[i]);
	fprintf(stderr, "# deps conformance: backend %s\n", pf->name);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (cl) {
		remove_all();
		CloseCluster(cl);
	}
	if (started_daemon)
		daemon_destroy(&own_daemon);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dependency_rules),
		cmocka_unit_test(test_dependency_expression),
		cmocka_unit_test(test_dependency_behaviour),
		cmocka_unit_test(test_possible_owners),
		cmocka_unit_test(test_preferred_owners),
		cmocka_unit_test(test_change_group),
	};
	return daemon_finish(cmocka_run_group_tests(tests, setup, teardown));
}
