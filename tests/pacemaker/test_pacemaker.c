/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The Pacemaker backend on a real 3-node corosync + Pacemaker cluster
 * (tests/pacemaker/run.sh starts it with cluster.sh and one clusterd
 * --backend pacemaker per node, each on its LPC socket PCMK_DIR/cdN/lpc).
 * Through the C API, from every node's clusterd: the same nodes, groups and
 * resources with the same ids; a group created, brought online, moved,
 * failed (and recovered by Pacemaker), taken offline and deleted, each step confirmed by what Pacemaker itself
 * says (crm_mon --output-as=xml); a node paused and resumed (standby); a node
 * cut off from the others answering ERROR_CLUSTER_NO_QUORUM, and answering
 * again once it is back; kill -9 of corosync and pacemakerd on the owner
 * node: the group online elsewhere; a notification port on one node's clusterd told of
 * a change made through another's (the CIB watch path, at the wire).
 */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "clusapi.h"
#include "base/utf16.h"
#include "cmrp/cmrp.h"
#include "cmrp/cmrp_notify.h"
#include "cmrp/cmrp_objects.h"
#include "rpc/client.h"

#define NODES 3
#define WAIT_S 30 /* for Pacemaker to carry out a change */

static const char *dir, *cluster_sh;
static HCLUSTER cl[NODES + 1]; /* cl[n]: node n's clusterd */
static int mon_node = 2;       /* where crm_mon and cibadmin run (a live node) */

/* ---- helpers ------------------------------------------------------------- */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static HCLUSTER open_node(int n)
{
	char lpc[512];
	snprintf(lpc, sizeof(lpc), "%s/cd%d/lpc", dir, n);
	setenv("CLUSAPI_LPC_SOCKET", lpc, 1);
	return OpenClusterEx(NULL, GENERIC_ALL, NULL);
}

static WCHAR *W(const char *s)
{
	WCHAR *w = ClusapiUtf8ToWide(s);
	assert_non_null(w);
	return w;
}

/* Run a command inside node n; its output, malloc'd. */
static char *in_node(int n, const char *cmd)
{
	char line[1024];
	snprintf(line, sizeof(line), "'%s' exec '%s' %d %s 2>/dev/null", cluster_sh, dir, n, cmd);
	FILE *f = popen(line, "r");
	assert_non_null(f);
	size_t cap = 65536, len = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	size_t got;
	while ((got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
		len += got;
		if (cap - len < 1024) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	buf[len] = 0;
	pclose(f);
	return buf;
}

static char *crm_mon(void)
{
	return in_node(mon_node, "crm_mon -1 --output-as=xml");
}

/* Where crm_mon says resource rsc is started and not failed ("" when it is
 * not), in out. */
static void rsc_where(const char *xml, const char *rsc, char *out, size_t cap)
{
	char key[160];
	out[0] = 0;
	snprintf(key, sizeof(key), "<resource id=\"%s\" ", rsc);
	const char *r = strstr(xml, key);
	if (!r)
		return;
	const char *end = strstr(r, "</resource>");
	const char *tag_end = strchr(r, '>');
	const char *role = strstr(r, "role=\"Started\"");
	const char *healthy = strstr(r, "failed=\"false\"");
	if (!role || !tag_end || role > tag_end || !healthy || healthy > tag_end || !strstr(r, "active=\"true\""))
		return;
	const char *node = strstr(r, "<node name=\"");
	if (!node || (end && node > end))
		return;
	node += strlen("<node name=\"");
	size_t n = strcspn(node, "\"");
	snprintf(out, cap, "%.*s", (int)n, node);
}

/* Does crm_mon say node `node` is in standby? */
static bool node_standby(const char *xml, const char *node)
{
	char key[80];
	snprintf(key, sizeof(key), "<node name=\"%s\" ", node);
	const char *p = strstr(xml, key);
	const char *end = p ? strchr(p, '>') : NULL;
	const char *sb = p ? strstr(p, "standby=\"true\"") : NULL;
	return sb && sb < end;
}

/* Wait until both members of the test group are started on one node (want:
 * that node, or any when NULL; "" waits until both are stopped); the node in
 * where.  false after WAIT_S. */
static bool wait_group(const char *want, char *where, size_t cap)
{
	double end = now_s() + WAIT_S;
	char a[64], b[64];
	do {
		char *xml = crm_mon();
		rsc_where(xml, "test-a", a, sizeof(a));
		rsc_where(xml, "test-b", b, sizeof(b));
		free(xml);
		bool ok = strcmp(a, b) == 0 && (want ? strcmp(a, want) == 0 : a[0] != 0);
		if (ok) {
			snprintf(where, cap, "%s", a);
			return true;
		}
		sleep_ms(300);
	} while (now_s() < end);
	fprintf(stderr, "crm_mon: test-a on \"%s\", test-b on \"%s\", wanted \"%s\"\n", a, b, want ? want : "(any)");
	return false;
}

/* The group's state and owner as node n's clusterd says. */
static CLUSTER_GROUP_STATE group_state(int n, char *owner, size_t cap)
{
	WCHAR *name = W("Test Group");
	HGROUP g = OpenClusterGroup(cl[n], name);
	free(name);
	assert_non_null(g);
	WCHAR node[64];
	DWORD cch = 64;
	CLUSTER_GROUP_STATE s = GetClusterGroupState(g, node, &cch);
	char *u = ClusapiWideToUtf8(node);
	snprintf(owner, cap, "%s", u ? u : "");
	free(u);
	CloseClusterGroup(g);
	return s;
}

/* Wait until node n's clusterd reports the group in state want on owner
 * (NULL: any owner). */
static void wait_group_state(int n, CLUSTER_GROUP_STATE want, const char *owner)
{
	double end = now_s() + WAIT_S;
	char got[64];
	CLUSTER_GROUP_STATE s;
	do {
		s = group_state(n, got, sizeof(got));
		if (s == want && (!owner || strcmp(owner, got) == 0))
			return;
		sleep_ms(200);
	} while (now_s() < end);
	fail_msg("node %d's clusterd says the group is in state %d on \"%s\", wanted %d on \"%s\"", n, s, got, want,
		 owner ? owner : "(any)");
}

static int cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Everything a node's clusterd enumerates, as sorted "type name id" lines. */
static char *view_of(int n)
{
	HCLUSENUMEX e = ClusterOpenEnumEx(cl[n], CLUSTER_ENUM_NODE | CLUSTER_ENUM_GROUP | CLUSTER_ENUM_RESOURCE, NULL);
	assert_non_null(e);
	DWORD count = ClusterGetEnumCountEx(e);
	char **lines = calloc(count + 1, sizeof(*lines));
	size_t total = 1;
	for (DWORD i = 0; i < count; i++) {
		union {
			CLUSTER_ENUM_ITEM item;
			uint8_t bytes[2048];
		} u;
		DWORD cb = sizeof(u);
		assert_int_equal(ClusterEnumEx(e, i, &u.item, &cb), ERROR_SUCCESS);
		char *name = ClusapiWideToUtf8(u.item.lpszName), *id = ClusapiWideToUtf8(u.item.lpszId);
		assert_true(asprintf(&lines[i], "%u %s %s\n", u.item.dwType, name, id) > 0);
		total += strlen(lines[i]);
		free(name);
		free(id);
	}
	ClusterCloseEnumEx(e);
	qsort(lines, count, sizeof(*lines), cmp_line);
	char *out = calloc(1, total);
	for (DWORD i = 0; i < count; i++) {
		strcat(out, lines[i]);
		free(lines[i]);
	}
	free(lines);
	return out;
}

/* ---- tests --------------------------------------------------------------- */

static void test_cluster_identity(void **state)
{
	(void)state;
	for (int n = 1; n <= NODES; n++) {
		WCHAR name[64];
		DWORD cch = 64;
		CLUSTERVERSIONINFO vi = { .dwVersionInfoSize = sizeof(vi) };
		assert_int_equal(GetClusterInformation(cl[n], name, &cch, &vi), ERROR_SUCCESS);
		char *u = ClusapiWideToUtf8(name);
		assert_string_equal(u, "pcmktest"); /* corosync's cluster_name */
		free(u);
		cch = 64;
		assert_int_equal(ClusapiGetConnectedNodeName(cl[n], name, &cch), ERROR_SUCCESS);
		u = ClusapiWideToUtf8(name);
		char want[16];
		snprintf(want, sizeof(want), "node%d", n);
		assert_string_equal(u, want);
		free(u);
	}
	/* The name is corosync's: renaming it is not a clusapi call. */
	WCHAR *other = W("renamed");
	assert_int_equal(SetClusterName(cl[1], other), ERROR_NOT_SUPPORTED);
	free(other);
}

static void test_create(void **state)
{
	(void)state;
	WCHAR *gname = W("Test Group"), *type = W("ocf:pacemaker:Dummy");
	HGROUP g = CreateClusterGroup(cl[1], gname);
	assert_non_null(g);
	for (int i = 0; i < 2; i++) {
		WCHAR *rname = W(i ? "test-b" : "test-a");
		HRESOURCE r = CreateClusterResource(g, rname, type, 0);
		assert_non_null(r);
		assert_int_equal(GetClusterResourceState(r, NULL, NULL, NULL, NULL), ClusterResourceOffline);
		CloseClusterResource(r);
		free(rname);
	}
	assert_int_equal(GetClusterGroupState(g, NULL, NULL), ClusterGroupOffline);
	/* A second group of that name: refused. */
	assert_null(CreateClusterGroup(cl[2], gname));
	CloseClusterGroup(g);
	free(gname);
	free(type);
	char *cib = in_node(3, "cibadmin -Q -o resources");
	assert_non_null(strstr(cib, "<group id=\"Test_Group\""));
	assert_non_null(strstr(cib, "<primitive id=\"test-a\" class=\"ocf\" provider=\"pacemaker\" type=\"Dummy\""));
	assert_non_null(strstr(cib, "<primitive id=\"test-b\""));
	assert_null(strstr(cib, "clusapi-empty")); /* the placeholder went with the first resource */
	free(cib);
	/* A group is a chain: test-b depends on test-a, test-a on nothing. */
	WCHAR *bname = W("test-b");
	HRESOURCE rb = OpenClusterResource(cl[2], bname);
	free(bname);
	assert_non_null(rb);
	HRESENUM e = ClusterResourceOpenEnum(rb, CLUSTER_RESOURCE_ENUM_DEPENDS);
	assert_non_null(e);
	assert_int_equal(ClusterResourceGetEnumCount(e), 1);
	WCHAR dep[64];
	DWORD kind, cch = 64;
	assert_int_equal(ClusterResourceEnum(e, 0, &kind, dep, &cch), ERROR_SUCCESS);
	char *u = ClusapiWideToUtf8(dep);
	assert_string_equal(u, "test-a");
	free(u);
	ClusterResourceCloseEnum(e);
	CloseClusterResource(rb);
}

/* The id node n's clusterd gives the object of this type and name. */
static void id_of(int n, DWORD type, const char *name, char *out, size_t cap)
{
	HCLUSENUMEX e = ClusterOpenEnumEx(cl[n], type, NULL);
	assert_non_null(e);
	out[0] = 0;
	for (DWORD i = 0; i < ClusterGetEnumCountEx(e) && !out[0]; i++) {
		union {
			CLUSTER_ENUM_ITEM item;
			uint8_t bytes[2048];
		} u;
		DWORD cb = sizeof(u);
		assert_int_equal(ClusterEnumEx(e, i, &u.item, &cb), ERROR_SUCCESS);
		char *nm = ClusapiWideToUtf8(u.item.lpszName), *id = ClusapiWideToUtf8(u.item.lpszId);
		if (strcmp(nm, name) == 0)
			snprintf(out, cap, "%s", id);
		free(nm);
		free(id);
	}
	ClusterCloseEnumEx(e);
	assert_true(out[0] != 0);
}

static HKEY params_key(int n, const char *rsc)
{
	char id[64], path[128];
	id_of(n, CLUSTER_ENUM_RESOURCE, rsc, id, sizeof(id));
	snprintf(path, sizeof(path), "Resources\\%s\\Parameters", id);
	HKEY root = GetClusterKey(cl[n], KEY_ALL_ACCESS), k = NULL;
	assert_non_null(root);
	WCHAR *w = W(path);
	assert_int_equal(ClusterRegOpenKey(root, w, KEY_ALL_ACCESS, &k), ERROR_SUCCESS);
	free(w);
	ClusterRegCloseKey(root);
	return k;
}

/* Private properties are the primitive's instance attributes: written
 * through one node's registry, seen by Pacemaker and by another node. */
static void test_properties(void **state)
{
	(void)state;
	HKEY k = params_key(1, "test-a");
	WCHAR *name = W("fake"), *value = W("hello"), *sleep_name = W("op_sleep"), *bad = W("blob");
	assert_int_equal(ClusterRegSetValue(k, name, REG_SZ, (const BYTE *)value, 12), ERROR_SUCCESS);
	DWORD zero = 0;
	assert_int_equal(ClusterRegSetValue(k, sleep_name, REG_DWORD, (const BYTE *)&zero, 4), ERROR_SUCCESS);
	/* CIB attributes are text: no binary values. */
	assert_int_equal(ClusterRegSetValue(k, bad, REG_BINARY, (const BYTE *)"\x01\x02", 2), ERROR_NOT_SUPPORTED);
	ClusterRegCloseKey(k);
	char *out = in_node(2, "crm_resource -r test-a -g fake");
	assert_non_null(strstr(out, "hello"));
	free(out);
	out = in_node(2, "crm_resource -r test-a -g op_sleep");
	assert_non_null(strstr(out, "0"));
	free(out);
	/* Node 3 reads it back as REG_SZ. */
	k = params_key(3, "test-a");
	double end = now_s() + 10;
	WCHAR buf[32];
	DWORD type = 0, cb;
	LONG rc;
	do {
		cb = sizeof(buf);
		rc = ClusterRegQueryValue(k, name, &type, (LPBYTE)buf, &cb);
		if (rc == ERROR_SUCCESS)
			break;
		sleep_ms(100);
	} while (now_s() < end);
	assert_int_equal(rc, ERROR_SUCCESS);
	assert_int_equal(type, REG_SZ);
	char *u = ClusapiWideToUtf8(buf);
	assert_string_equal(u, "hello");
	free(u);
	ClusterRegCloseKey(k);
	free(name);
	free(value);
	free(sleep_name);
	free(bad);
}

/* Every node's clusterd shows the same objects with the same ids (the
 * others learn of node 1's changes through CIB notifications). */
static void test_same_view(void **state)
{
	(void)state;
	double end = now_s() + 10;
	char *v1 = view_of(1);
	assert_non_null(strstr(v1, " Test Group "));
	assert_non_null(strstr(v1, " test-a "));
	assert_non_null(strstr(v1, " node1 "));
	assert_non_null(strstr(v1, " node3 "));
	for (int n = 2; n <= NODES; n++) {
		char *vn;
		for (;;) {
			vn = view_of(n);
			if (strcmp(v1, vn) == 0 || now_s() > end)
				break;
			free(vn);
			sleep_ms(200);
		}
		if (strcmp(v1, vn) != 0)
			fail_msg("node 1 sees:\n%s\nnode %d sees:\n%s", v1, n, vn);
		free(vn);
	}
	free(v1);
}

static char owner_node[64];

static void test_online(void **state)
{
	(void)state;
	WCHAR *gname = W("Test Group");
	HGROUP g = OpenClusterGroup(cl[2], gname);
	free(gname);
	assert_non_null(g);
	double t0 = now_s();
	DWORD rc = OnlineClusterGroup(g, NULL);
	assert_true(rc == ERROR_SUCCESS || rc == ERROR_IO_PENDING);
	CloseClusterGroup(g);
	assert_true(wait_group(NULL, owner_node, sizeof(owner_node)));
	fprintf(stderr, "# online: both resources started on %s in %.1f s\n", owner_node, now_s() - t0);
	for (int n = 1; n <= NODES; n++)
		wait_group_state(n, ClusterGroupOnline, owner_node);
}

/* Fail = crm_resource --fail: Pacemaker records the failure and recovers
 * the resource in place. */
static void test_fail(void **state)
{
	(void)state;
	WCHAR *rname = W("test-a");
	HRESOURCE r = OpenClusterResource(cl[3], rname);
	free(rname);
	assert_non_null(r);
	double t0 = now_s();
	assert_int_equal(FailClusterResource(r), ERROR_SUCCESS);
	CloseClusterResource(r);
	double end = now_s() + WAIT_S;
	char *xml = NULL;
	while (now_s() < end) {
		xml = crm_mon();
		if (strstr(xml, "<failure op_key=\"test-a_"))
			break;
		free(xml);
		xml = NULL;
		sleep_ms(200);
	}
	assert_non_null(xml);
	free(xml);
	char where[64];
	assert_true(wait_group(owner_node, where, sizeof(where)));
	fprintf(stderr, "# fail: failure recorded and test-a running again in %.1f s\n", now_s() - t0);
	/* Clean the record, so that later moves are not held back by it. */
	free(in_node(1, "crm_resource --cleanup -r test-a"));
}

static void test_move(void **state)
{
	(void)state;
	char target[16], where[64];
	snprintf(target, sizeof(target), "%s", strcmp(owner_node, "node1") == 0 ? "node2" : "node1");
	WCHAR *gname = W("Test Group"), *tname = W(target);
	HGROUP g = OpenClusterGroup(cl[3], gname);
	HNODE node = OpenClusterNode(cl[3], tname);
	free(gname);
	free(tname);
	assert_non_null(g);
	assert_non_null(node);
	double t0 = now_s();
	DWORD rc = MoveClusterGroup(g, node);
	assert_true(rc == ERROR_SUCCESS || rc == ERROR_IO_PENDING);
	assert_true(wait_group(target, where, sizeof(where)));
	fprintf(stderr, "# move: %s -> %s in %.1f s\n", owner_node, target, now_s() - t0);
	snprintf(owner_node, sizeof(owner_node), "%s", target);
	for (int n = 1; n <= NODES; n++)
		wait_group_state(n, ClusterGroupOnline, target);
	/* Where crm_resource --move would have put it. */
	char *cons = in_node(1, "cibadmin -Q -o constraints");
	char want[160];
	snprintf(want, sizeof(want), "id=\"cli-prefer-Test_Group\" rsc=\"Test_Group\" role=\"Started\" node=\"%s\"", target);
	assert_non_null(strstr(cons, want));
	free(cons);
	CloseClusterNode(node);
	CloseClusterGroup(g);
}

/* Pause = standby: the group leaves the paused node; resume brings it back
 * (its move preference still points there). */
static void test_pause_resume(void **state)
{
	(void)state;
	char where[64];
	WCHAR *nname = W(owner_node);
	HNODE node = OpenClusterNode(cl[1], nname);
	free(nname);
	assert_non_null(node);
	double t0 = now_s();
	assert_int_equal(PauseClusterNode(node), ERROR_SUCCESS);
	assert_int_equal(GetClusterNodeState(node), ClusterNodePaused);
	assert_int_equal(PauseClusterNode(node), ERROR_CLUSTER_NODE_PAUSED);
	char *xml = crm_mon();
	assert_true(node_standby(xml, owner_node));
	free(xml);
	double end = now_s() + WAIT_S;
	do {
		assert_true(wait_group(NULL, where, sizeof(where)));
		if (strcmp(where, owner_node) != 0)
			break;
		sleep_ms(300);
	} while (now_s() < end);
	assert_string_not_equal(where, owner_node);
	fprintf(stderr, "# pause %s: group drained to %s in %.1f s\n", owner_node, where, now_s() - t0);
	assert_int_equal(ResumeClusterNode(node), ERROR_SUCCESS);
	assert_int_equal(GetClusterNodeState(node), ClusterNodeUp);
	assert_int_equal(ResumeClusterNode(node), ERROR_CLUSTER_NODE_NOT_PAUSED);
	xml = crm_mon();
	assert_false(node_standby(xml, owner_node));
	free(xml);
	assert_true(wait_group(owner_node, where, sizeof(where)));
	CloseClusterNode(node);
}

/* ---- a notification port at the wire (node 3's clusterd) ---- */

struct watcher {
	struct rpc_client c;
	struct rpc_ctx_handle port;
	struct cmrp_get_notify_out o;
	volatile int done; /* 1: an indication, -1: an error */
};

static void wire_call(struct rpc_client *c, uint16_t opnum, struct ndr_push *req, struct ndr_pull *in, uint8_t **buf)
{
	size_t len;
	bool be;
	DWORD err = rpc_client_call(c, opnum, req->data, req->len, buf, &len, &be);
	ndr_push_free(req);
	if (err)
		fail_msg("opnum %u: transport error %u", opnum, (unsigned)err);
	ndr_pull_init(in, *buf, len, be);
}

/* A port on node n watching "Test Group"'s state. */
static void watch_group_on(int n, struct watcher *w)
{
	char lpc[512];
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	snprintf(lpc, sizeof(lpc), "%s/cd%d/lpc", dir, n);
	rpc_client_init(&w->c);
	assert_int_equal(rpc_client_connect_unix(&w->c, lpc), 0);
	assert_int_equal(rpc_client_bind(&w->c, &cmrp_syntax), 0);

	struct cmrp_create_notify_out cn;
	ndr_push_init(&req);
	wire_call(&w->c, CMRP_CREATE_NOTIFY, &req, &in, &buf);
	assert_true(cmrp_create_notify_decode_out(&in, &cn));
	free(buf);
	assert_int_equal(cn.status, 0);
	w->port = cn.handle;

	struct cmrp_open_object_out og;
	uint16_t *name = utf16_from_utf8_dup("Test Group");
	ndr_push_init(&req);
	cmrp_name_encode_in(&req, name, utf16_len(name));
	free(name);
	wire_call(&w->c, CMRP_OPEN_GROUP, &req, &in, &buf);
	assert_true(cmrp_open_object_decode_out(&in, &og, false));
	free(buf);
	assert_int_equal(og.status, 0);

	struct cmrp_add_notify_in a = { .notify = w->port, .object = og.handle, .filter = CLUSTER_CHANGE_GROUP_STATE,
					.key = 0x6006 };
	struct cmrp_add_notify_out ao;
	ndr_push_init(&req);
	assert_true(cmrp_add_notify_encode_in(&req, &a, false));
	wire_call(&w->c, CMRP_ADD_NOTIFY_GROUP, &req, &in, &buf);
	assert_true(cmrp_add_notify_decode_out(&in, &ao));
	free(buf);
	assert_int_equal(ao.result, 0);
}

static void *get_notify_thread(void *arg)
{
	struct watcher *w = arg;
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	size_t len;
	bool be;
	ndr_push_init(&req);
	cmrp_handle_encode(&req, &w->port);
	DWORD err = rpc_client_call(&w->c, CMRP_GET_NOTIFY, req.data, req.len, &buf, &len, &be);
	ndr_push_free(&req);
	if (!err) {
		ndr_pull_init(&in, buf, len, be);
		if (!cmrp_get_notify_decode_out(&in, &w->o))
			err = 1;
		free(buf);
	}
	w->done = err ? -1 : 1;
	return NULL;
}

static void test_offline(void **state)
{
	(void)state;
	/* Node 3 watches, node 1 acts: node 3 hears of it through the CIB. */
	static struct watcher w;
	pthread_t t;
	watch_group_on(3, &w);
	assert_int_equal(pthread_create(&t, NULL, get_notify_thread, &w), 0);
	WCHAR *gname = W("Test Group");
	HGROUP g = OpenClusterGroup(cl[1], gname);
	free(gname);
	assert_non_null(g);
	double t0 = now_s();
	DWORD rc = OfflineClusterGroup(g);
	assert_true(rc == ERROR_SUCCESS || rc == ERROR_IO_PENDING);
	CloseClusterGroup(g);
	double end = now_s() + WAIT_S;
	char a[64] = "?", b[64] = "?";
	while (now_s() < end) {
		char *xml = crm_mon();
		rsc_where(xml, "test-a", a, sizeof(a));
		rsc_where(xml, "test-b", b, sizeof(b));
		free(xml);
		if (!a[0] && !b[0])
			break;
		sleep_ms(300);
	}
	assert_string_equal(a, "");
	assert_string_equal(b, "");
	fprintf(stderr, "# offline: both resources stopped in %.1f s\n", now_s() - t0);
	for (int n = 1; n <= NODES; n++)
		wait_group_state(n, ClusterGroupOffline, NULL);
	/* The GetNotify on node 3 has its answer by now (a bounded wait: on
	 * failure the thread stays blocked and the process ends with it). */
	end = now_s() + 5;
	while (!w.done && now_s() < end)
		sleep_ms(50);
	if (w.done != 1)
		fail_msg("node 3's GetNotify did not return an indication (%d)", w.done);
	pthread_join(t, NULL);
	assert_int_equal(w.o.result, 0);
	assert_int_equal(w.o.key, 0x6006);
	assert_int_equal(w.o.filter, CLUSTER_CHANGE_GROUP_STATE);
	char *name = utf16_to_utf8_dup(w.o.name.s, w.o.name.units);
	assert_string_equal(name, "Test Group");
	free(name);
	cmrp_get_notify_out_free(&w.o);
	rpc_client_close(&w.c);
}

/* A node cut off from the other two has no quorum: its clusterd says so
 * instead of answering from what it saw before; it answers again once back. */
static void test_lost_quorum(void **state)
{
	(void)state;
	char cmd[1024], owner[64];
	snprintf(cmd, sizeof(cmd), "'%s' cut '%s' 3", cluster_sh, dir);
	assert_int_equal(system(cmd), 0);
	double t0 = now_s(), end = t0 + WAIT_S;
	CLUSTER_GROUP_STATE s = ClusterGroupOffline;
	DWORD err = 0;
	while (now_s() < end) {
		WCHAR *gname = W("Test Group");
		HGROUP g = OpenClusterGroup(cl[3], gname);
		free(gname);
		if (!g) {
			err = GetLastError();
			break;
		}
		s = GetClusterGroupState(g, NULL, NULL);
		CloseClusterGroup(g);
		sleep_ms(200);
	}
	/* The majority sees node 3's interface go: knet lost the link. */
	WCHAR *ifname = W("node3 - Ethernet");
	HNETINTERFACE nif = OpenClusterNetInterface(cl[1], ifname);
	free(ifname);
	assert_non_null(nif);
	CLUSTER_NETINTERFACE_STATE ns = GetClusterNetInterfaceState(nif);
	for (double e2 = now_s() + 10; ns == ClusterNetInterfaceUp && now_s() < e2; ns = GetClusterNetInterfaceState(nif))
		sleep_ms(200);
	CloseClusterNetInterface(nif);
	snprintf(cmd, sizeof(cmd), "'%s' heal '%s' 3", cluster_sh, dir);
	assert_int_equal(system(cmd), 0);
	assert_int_not_equal(ns, ClusterNetInterfaceUp);
	(void)s;
	assert_int_equal(err, ERROR_CLUSTER_NO_QUORUM);
	fprintf(stderr, "# node 3 cut off: ERROR_CLUSTER_NO_QUORUM after %.1f s\n", now_s() - t0);
	/* The majority side still answers. */
	assert_int_equal(group_state(1, owner, sizeof(owner)), ClusterGroupOffline);
	t0 = now_s();
	end = t0 + WAIT_S;
	HGROUP g = NULL;
	while (!g && now_s() < end) {
		WCHAR *gname = W("Test Group");
		g = OpenClusterGroup(cl[3], gname);
		free(gname);
		if (!g)
			sleep_ms(200);
	}
	assert_non_null(g);
	CloseClusterGroup(g);
	fprintf(stderr, "# node 3 back: answering again after %.1f s\n", now_s() - t0);
}

/* A client over TCP, as a program elsewhere on the network: in a child
 * process inside a surviving node's network namespace, with an /etc/hosts of
 * its own naming node1..node3.  It opens the cluster through node `dead` as
 * the NTLM account of run.sh, opens the group, says it is ready on `ready`,
 * waits for the word on `go` (the owner's corosync and pacemakerd are dead
 * then), and reads the group's state: that read must succeed, through
 * reconnecting to another node.  Exits 0 when it did. */
#define CHECK(cond)                                                                        \
	do {                                                                               \
		if (!(cond)) {                                                             \
			fprintf(stderr, "reconnect client: %s:%d: failed: %s (last error %u)\n", \
				__FILE__, __LINE__, #cond, (unsigned)GetLastError());              \
			_exit(1);                                                          \
		}                                                                          \
	} while (0)

static void tcp_client(int survivor, int dead, int ready, int go)
{
	char path[512], hosts[512];
	snprintf(path, sizeof(path), "%s/n%d/corosync.pid", dir, survivor);
	FILE *f = fopen(path, "r");
	CHECK(f);
	int pid = 0;
	CHECK(fscanf(f, "%d", &pid) == 1);
	fclose(f);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", pid);
	int ns = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(ns >= 0 && setns(ns, CLONE_NEWNET) == 0);
	close(ns);
	snprintf(hosts, sizeof(hosts), "%s/client-hosts", dir);
	f = fopen(hosts, "w");
	CHECK(f);
	fprintf(f, "127.0.0.1 localhost\n");
	for (int n = 1; n <= NODES; n++)
		fprintf(f, "10.77.0.%d node%d\n", n, n);
	fclose(f);
	CHECK(unshare(CLONE_NEWNS) == 0);
	CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
	CHECK(mount(hosts, "/etc/hosts", NULL, MS_BIND, NULL) == 0);
	unsetenv("CLUSAPI_EPMAPPER_PORT");

	char target[16];
	snprintf(target, sizeof(target), "node%d", dead);
	WCHAR *wt = W(target), *wu = W("tester"), *wp = W("Tester-Pw1"), *gname = W("Test Group");
	HCLUSTER h = ClusapiOpenClusterWithCredentials(wt, wu, wp, GENERIC_ALL, NULL);
	CHECK(h);
	HGROUP g = OpenClusterGroup(h, gname);
	CHECK(g);
	WCHAR node[64];
	DWORD cch = 64;
	CHECK(ClusapiGetConnectedNodeName(h, node, &cch) == ERROR_SUCCESS);
	char *on = ClusapiWideToUtf8(node);
	CHECK(on && strcmp(on, target) == 0);
	free(on);
	CHECK(write(ready, "r", 1) == 1);
	char c;
	CHECK(read(go, &c, 1) == 1);

	/* The first read after the owner died. */
	double t0 = now_s();
	cch = 64;
	CLUSTER_GROUP_STATE st = GetClusterGroupState(g, node, &cch);
	double took = now_s() - t0;
	CHECK(st != ClusterGroupStateUnknown);
	cch = 64;
	CHECK(ClusapiGetConnectedNodeName(h, node, &cch) == ERROR_SUCCESS);
	on = ClusapiWideToUtf8(node);
	CHECK(on && strcmp(on, target) != 0);
	fprintf(stderr, "# reconnect: the first read after the owner died succeeded through %s in %.3f s\n", on,
		took);
	free(on);
	CloseClusterGroup(g);
	CloseCluster(h);
	_exit(0);
}

/* kill -9 corosync and pacemakerd on the owner: the others start the group
 * (no fencing in tests: Pacemaker takes the node for down at once); the dead
 * node's clusterd, which has no corosync any more, answers
 * ERROR_CLUSTER_NO_QUORUM. */
static void test_failover(void **state)
{
	(void)state;
	char owner[64], where[64], path[512];
	WCHAR *gname = W("Test Group");
	HGROUP g = OpenClusterGroup(cl[1], gname);
	assert_non_null(g);
	DWORD rc = OnlineClusterGroup(g, NULL);
	assert_true(rc == ERROR_SUCCESS || rc == ERROR_IO_PENDING);
	CloseClusterGroup(g);
	assert_true(wait_group(NULL, owner, sizeof(owner)));
	int dead = owner[strlen(owner) - 1] - '0';
	assert_true(dead >= 1 && dead <= NODES);
	mon_node = dead == 2 ? 1 : 2;
	/* Whether the owner is also the DC (then a new DC is elected first). */
	char dc[64] = "?";
	char *xml = crm_mon();
	const char *d = strstr(xml, "<current_dc ");
	d = d ? strstr(d, " name=\"") : NULL;
	if (d)
		snprintf(dc, sizeof(dc), "%.*s", (int)strcspn(d + 7, "\""), d + 7);
	free(xml);
	/* A TCP client on the owner, from a surviving node's network. */
	int ready[2], go[2];
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	fflush(NULL);
	pid_t client = fork();
	assert_true(client >= 0);
	if (client == 0) {
		close(ready[0]);
		close(go[1]);
		tcp_client(mon_node, dead, ready[1], go[0]);
	}
	close(ready[1]);
	close(go[0]);
	char c;
	assert_int_equal(read(ready[0], &c, 1), 1);
	const char *const daemons[] = { "corosync", "pacemakerd" };
	double t0 = now_s();
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/n%d/%s.pid", dir, dead, daemons[i]);
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		int pid = 0;
		assert_int_equal(fscanf(f, "%d", &pid), 1);
		fclose(f);
		assert_true(pid > 1);
		assert_int_equal(kill(pid, SIGKILL), 0);
	}
	double end = now_s() + WAIT_S;
	do {
		assert_true(wait_group(NULL, where, sizeof(where)));
		if (strcmp(where, owner) != 0)
			break;
		sleep_ms(100);
	} while (now_s() < end);
	assert_string_not_equal(where, owner);
	fprintf(stderr, "# kill -9 corosync + pacemakerd on %s (DC was %s): group online on %s in %.1f s (token 1000 ms)\n",
		owner, dc, where, now_s() - t0);
	/* Now the client reads, through another node. */
	assert_int_equal(write(go[1], "g", 1), 1);
	int status;
	assert_int_equal(waitpid(client, &status, 0), client);
	close(ready[0]);
	close(go[1]);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	wait_group_state(mon_node, ClusterGroupOnline, where);
	g = OpenClusterGroup(cl[dead], gname);
	assert_null(g);
	assert_int_equal(GetLastError(), ERROR_CLUSTER_NO_QUORUM);
	/* Offline again, for test_delete. */
	g = OpenClusterGroup(cl[mon_node], gname);
	free(gname);
	assert_non_null(g);
	rc = OfflineClusterGroup(g);
	assert_true(rc == ERROR_SUCCESS || rc == ERROR_IO_PENDING);
	CloseClusterGroup(g);
	wait_group_state(mon_node, ClusterGroupOffline, NULL);
}

static void test_delete(void **state)
{
	(void)state;
	WCHAR *gname = W("Test Group");
	HGROUP g = OpenClusterGroup(cl[mon_node], gname);
	free(gname);
	assert_non_null(g);
	assert_int_equal(DeleteClusterGroup(g), ERROR_DIR_NOT_EMPTY);
	/* test-b depends on test-a (a group is a chain): test-a cannot go first. */
	WCHAR *aname = W("test-a");
	HRESOURCE ra = OpenClusterResource(cl[mon_node], aname);
	free(aname);
	assert_non_null(ra);
	assert_int_equal(DeleteClusterResource(ra), ERROR_DEPENDENT_RESOURCE_EXISTS);
	for (int i = 0; i < 2; i++) {
		WCHAR *rname = W(i ? "test-a" : "test-b");
		HRESOURCE r = OpenClusterResource(cl[mon_node], rname);
		free(rname);
		assert_non_null(r);
		assert_int_equal(DeleteClusterResource(r), ERROR_SUCCESS);
		CloseClusterResource(r);
	}
	CloseClusterResource(ra);
	assert_int_equal(DeleteClusterGroup(g), ERROR_SUCCESS);
	CloseClusterGroup(g);
	char *cib = in_node(mon_node, "cibadmin -Q -o configuration"); /* the status keeps op history a while */
	assert_null(strstr(cib, "Test_Group"));
	assert_null(strstr(cib, "test-a"));
	free(cib);
}

static int setup(void **state)
{
	(void)state;
	dir = getenv("PCMK_DIR");
	cluster_sh = getenv("CLUSTER_SH");
	if (!dir || !cluster_sh) {
		fprintf(stderr, "PCMK_DIR and CLUSTER_SH must be set (run tests/pacemaker/run.sh)\n");
		return -1;
	}
	for (int n = 1; n <= NODES; n++) {
		cl[n] = open_node(n);
		if (!cl[n]) {
			fprintf(stderr, "cannot open node %d's clusterd: %s\n", n, ClusapiErrorName(GetLastError()));
			return -1;
		}
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	for (int n = 1; n <= NODES; n++)
		if (cl[n])
			CloseCluster(cl[n]);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cluster_identity),
		cmocka_unit_test(test_create),
		cmocka_unit_test(test_same_view),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_online),
		cmocka_unit_test(test_fail),
		cmocka_unit_test(test_move),
		cmocka_unit_test(test_pause_resume),
		cmocka_unit_test(test_offline),
		cmocka_unit_test(test_lost_quorum),
		cmocka_unit_test(test_failover),
		cmocka_unit_test(test_delete),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
