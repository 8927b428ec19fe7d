/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Conformance: the notification events added by issue 13's notify2 part,
 * through the public API only, against either backend (the target as in
 * test_notify.c: CLUSAPI_LPC_SOCKET, or CLUSTERD to start an embedded clusterd
 * of its own):
 *  - RegisterClusterNotify with an HKEY (ApiAddNotifyKey): only changes of
 *    that key (a value of it, a subkey made or deleted right under it) are
 *    reported, with CLUSTER_CHANGE_REGISTRY_SUBTREE those below it too;
 *  - CLUSTER_CHANGE_HANDLE_CLOSE when a registered key or object is deleted;
 *  - CLUSTER_CHANGE_CLUSTER_PROPERTY on SetClusterName;
 *  - RegisterClusterNotify while another thread waits in GetClusterNotify on
 *    the same port returns at once, and the waiter sees the new registration.
 *
 * Changes are made through a second cluster handle (another client).  A
 * change that must not be reported is always made before one that must, so
 * "the first event is the expected one" shows the first was left out.
 */
#include <pthread.h>
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

static struct daemon own_daemon;
static bool started_daemon;
static HCLUSTER cl, other; /* two clients */
static char base_name[80], sibling_name[80], group_name[80];

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The next event of a port (within limit_ms): its filter, key and name (in
 * name, UTF-8).  false on WAIT_TIMEOUT. */
static bool next_event(HCHANGE port, DWORD *filter, DWORD_PTR *key, char *name, size_t size, double limit_ms)
{
	WCHAR buf[512];
	DWORD cch = 512;
	DWORD rc = GetClusterNotify(port, key, filter, buf, &cch, (DWORD)limit_ms);
	if (rc == WAIT_TIMEOUT)
		return false;
	assert_int_equal(rc, ERROR_SUCCESS);
	char *u = ClusapiWideToUtf8(buf);
	assert_non_null(u);
	snprintf(name, size, "%s", u);
	free(u);
	return true;
}

/* The next event must be (filter, key, name). */
static void expect_event(HCHANGE port, DWORD want_filter, DWORD_PTR want_key, const char *want_name)
{
	DWORD filter = 0;
	DWORD_PTR key = 0;
	char name[512];
	if (!next_event(port, &filter, &key, name, sizeof(name), 10000))
		fail_msg("no event within 10 s (wanted filter 0x%x on \"%s\")", want_filter, want_name);
	if (filter != want_filter || key != want_key || strcmp(name, want_name) != 0)
		fail_msg("event 0x%x key %lu on \"%s\"; wanted 0x%x key %lu on \"%s\"", filter, (unsigned long)key,
			 name, want_filter, (unsigned long)want_key, want_name);
}

/* Nothing more within ms. */
static void expect_quiet(HCHANGE port, double ms)
{
	DWORD filter = 0;
	DWORD_PTR key = 0;
	char name[512];
	if (next_event(port, &filter, &key, name, sizeof(name), ms))
		fail_msg("unexpected event 0x%x key %lu on \"%s\"", filter, (unsigned long)key, name);
}

/* A key under the root (made if missing) for client c. */
static HKEY make_key(HCLUSTER c, const char *path)
{
	HKEY root = GetClusterKey(c, KEY_ALL_ACCESS);
	assert_non_null(root);
	HKEY k = NULL;
	DWORD disp = 0;
	WCHAR *w = W(path);
	LONG rc = ClusterRegCreateKey(root, w, 0, KEY_ALL_ACCESS, NULL, &k, &disp);
	free(w);
	ClusterRegCloseKey(root);
	if (rc != ERROR_SUCCESS)
		fail_msg("ClusterRegCreateKey(%s): %s", path, ClusapiErrorName((DWORD)rc));
	return k;
}

static HKEY open_key(HCLUSTER c, const char *path, REGSAM sam)
{
	HKEY root = GetClusterKey(c, sam);
	assert_non_null(root);
	HKEY k = NULL;
	WCHAR *w = W(path);
	LONG rc = ClusterRegOpenKey(root, w, sam, &k);
	free(w);
	ClusterRegCloseKey(root);
	assert_int_equal(rc, ERROR_SUCCESS);
	return k;
}

static void set_dword(HKEY k, const char *name, DWORD v)
{
	WCHAR *w = W(name);
	assert_int_equal(ClusterRegSetValue(k, w, REG_DWORD, (const BYTE *)&v, sizeof(v)), ERROR_SUCCESS);
	free(w);
}

static void delete_key(HCLUSTER c, const char *path)
{
	HKEY root = GetClusterKey(c, KEY_ALL_ACCESS);
	if (!root)
		return;
	WCHAR *w = ClusapiUtf8ToWide(path);
	if (w)
		ClusterRegDeleteKey(root, w);
	free(w);
	ClusterRegCloseKey(root);
}

static void join(char *out, size_t size, const char *a, const char *b)
{
	snprintf(out, size, "%s\\%s", a, b);
}

/* Errors of a key registration. */
static void test_key_errors(void **state)
{
	(void)state;
	HCHANGE port = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, cl, 0, 0);
	assert_non_null(port);
	HKEY k = make_key(other, base_name);
	ClusterRegCloseKey(k);
	k = open_key(cl, base_name, KEY_READ);
	assert_int_equal(RegisterClusterNotify(port, 0, k, 1), ERROR_INVALID_PARAMETER);
	assert_int_equal(RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE, k, 1), ERROR_INVALID_PARAMETER);
	assert_int_equal(RegisterClusterNotify(port, CLUSTER_CHANGE_REGISTRY_VALUE | CLUSTER_CHANGE_NODE_STATE, k, 1),
			 ERROR_INVALID_PARAMETER);
	/* SUBTREE says where, not what: alone it asks for nothing. */
	assert_int_equal(RegisterClusterNotify(port, CLUSTER_CHANGE_REGISTRY_SUBTREE, k, 1), ERROR_INVALID_PARAMETER);
	/* A key deleted since it was opened. */
	char sub[200];
	join(sub, sizeof(sub), base_name, "Gone");
	HKEY g = make_key(other, sub);
	ClusterRegCloseKey(g);
	g = open_key(cl, sub, KEY_READ);
	delete_key(other, sub);
	DWORD rc = RegisterClusterNotify(port, CLUSTER_CHANGE_REGISTRY_VALUE, g, 1);
	assert_int_not_equal(rc, ERROR_SUCCESS);
	print_message("# registering a deleted key: %s\n", ClusapiErrorName(rc));
	ClusterRegCloseKey(g);
	ClusterRegCloseKey(k);
	assert_true(CloseClusterNotifyPort(port));
}

/* Only changes of the registered key. */
static void test_key_scope(void **state)
{
	(void)state;
	char sub_a[200], sub_b[200];
	join(sub_a, sizeof(sub_a), base_name, "A");
	join(sub_b, sizeof(sub_b), base_name, "B");
	HKEY mine = make_key(other, base_name), a = make_key(other, sub_a), sib = make_key(other, sibling_name);

	HCHANGE port = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, cl, 0, 0);
	assert_non_null(port);
	HKEY watched = open_key(cl, base_name, KEY_READ);
	assert_int_equal(
		RegisterClusterNotify(port, CLUSTER_CHANGE_REGISTRY_VALUE | CLUSTER_CHANGE_REGISTRY_NAME, watched, 11),
		ERROR_SUCCESS);
	ClusterRegCloseKey(watched); /* the registration outlives the caller's handle */

	set_dword(sib, "v", 1);  /* another key: not reported */
	set_dword(a, "v", 1);    /* below it, no subtree asked: not reported */
	set_dword(mine, "v", 1); /* the key's value: reported */
	double t0 = now_ms();
	expect_event(port, CLUSTER_CHANGE_REGISTRY_VALUE, 11, base_name);
	print_message("# notify latency: key value seen %.1f ms after ClusterRegSetValue returned\n", now_ms() - t0);

	/* A subkey made right under it: its name changed. */
	HKEY b = make_key(other, sub_b);
	expect_event(port, CLUSTER_CHANGE_REGISTRY_NAME, 11, sub_b);
	ClusterRegCloseKey(b);
	delete_key(other, sub_b);
	expect_event(port, CLUSTER_CHANGE_REGISTRY_NAME, 11, sub_b);
	expect_quiet(port, 300);

	/* The same with CLUSTER_CHANGE_REGISTRY_SUBTREE: below it too, still
	 * not the sibling. */
	watched = open_key(cl, base_name, KEY_READ);
	assert_int_equal(RegisterClusterNotify(port, CLUSTER_CHANGE_REGISTRY_VALUE | CLUSTER_CHANGE_REGISTRY_SUBTREE,
					       watched, 12),
			 ERROR_SUCCESS);
	ClusterRegCloseKey(watched);
	set_dword(sib, "v", 2);
	set_dword(a, "v", 2);
	expect_event(port, CLUSTER_CHANGE_REGISTRY_VALUE, 12, sub_a);
	expect_quiet(port, 300);

	ClusterRegCloseKey(a);
	ClusterRegCloseKey(mine);
	ClusterRegCloseKey(sib);
	assert_true(CloseClusterNotifyPort(port));
}

/* A registered key deleted: CLUSTER_CHANGE_HANDLE_CLOSE, and nothing of it
 * after (a key made again by that name is another key). */
static void test_key_handle_close(void **state)
{
	(void)state;
	char sub_c[200];
	join(sub_c, sizeof(sub_c), base_name, "C");
	HKEY c = make_key(other, sub_c);
	ClusterRegCloseKey(c);

	HCHANGE port = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, cl, 0, 0);
	assert_non_null(port);
	HKEY watched = open_key(cl, sub_c, KEY_READ);
	assert_int_equal(RegisterClusterNotify(port,
					       CLUSTER_CHANGE_REGISTRY_NAME | CLUSTER_CHANGE_REGISTRY_VALUE |
						       CLUSTER_CHANGE_HANDLE_CLOSE,
					       watched, 21),
			 ERROR_SUCCESS);
	ClusterRegCloseKey(watched);
	delete_key(other, sub_c);
	expect_event(port, CLUSTER_CHANGE_REGISTRY_NAME, 21, sub_c);
	expect_event(port, CLUSTER_CHANGE_HANDLE_CLOSE, 21, sub_c);
	c = make_key(other, sub_c);
	set_dword(c, "v", 3);
	expect_quiet(port, 300);
	ClusterRegCloseKey(c);
	delete_key(other, sub_c);
	assert_true(CloseClusterNotifyPort(port));
}

/* A registered group deleted: GROUP_DELETED, then HANDLE_CLOSE. */
static void test_object_handle_close(void **state)
{
	(void)state;
	WCHAR *w = W(group_name);
	HGROUP g = CreateClusterGroup(other, w);
	assert_non_null(g);
	HGROUP mine = OpenClusterGroup(cl, w);
	free(w);
	assert_non_null(mine);
	HCHANGE port = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, cl, 0, 0);
	assert_non_null(port);
	assert_int_equal(RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_DELETED | CLUSTER_CHANGE_HANDLE_CLOSE, mine, 31),
			 ERROR_SUCCESS);
	/* HANDLE_CLOSE alone is a valid registration too. */
	assert_int_equal(RegisterClusterNotify(port, CLUSTER_CHANGE_HANDLE_CLOSE, mine, 32), ERROR_SUCCESS);
	CloseClusterGroup(mine);
	assert_int_equal(DeleteClusterGroup(g), ERROR_SUCCESS);
	CloseClusterGroup(g);
	/* In registration order: the first registration's two, then the
	 * second's. */
	expect_event(port, CLUSTER_CHANGE_GROUP_DELETED, 31, group_name);
	expect_event(port, CLUSTER_CHANGE_HANDLE_CLOSE, 31, group_name);
	expect_event(port, CLUSTER_CHANGE_HANDLE_CLOSE, 32, group_name);
	assert_true(CloseClusterNotifyPort(port));
}

/* SetClusterName: CLUSTER_CHANGE_CLUSTER_PROPERTY with the new name. */
static void test_cluster_property(void **state)
{
	(void)state;
	WCHAR old[256];
	DWORD cch = 256;
	assert_int_equal(GetClusterInformation(cl, old, &cch, NULL), ERROR_SUCCESS);
	HCHANGE port = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, cl, CLUSTER_CHANGE_CLUSTER_PROPERTY, 41);
	assert_non_null(port);
	char newname[64];
	snprintf(newname, sizeof(newname), "n2-%d", (int)getpid() % 100000);
	WCHAR *w = W(newname);
	DWORD rc = SetClusterName(other, w);
	free(w);
	if (rc != ERROR_SUCCESS && rc != ERROR_RESOURCE_PROPERTIES_STORED) {
		print_message("# SetClusterName refused here (%s): no CLUSTER_PROPERTY checked\n", ClusapiErrorName(rc));
		assert_true(CloseClusterNotifyPort(port));
		return;
	}
	expect_event(port, CLUSTER_CHANGE_CLUSTER_PROPERTY, 41, newname);
	rc = SetClusterName(other, old);
	assert_true(rc == ERROR_SUCCESS || rc == ERROR_RESOURCE_PROPERTIES_STORED);
	char *u = ClusapiWideToUtf8(old);
	assert_non_null(u);
	expect_event(port, CLUSTER_CHANGE_CLUSTER_PROPERTY, 41, u);
	free(u);
	/* The same name again changes nothing: no event. */
	rc = SetClusterName(other, old);
	assert_int_equal(rc, ERROR_RESOURCE_PROPERTIES_STORED);
	expect_quiet(port, 300);
	assert_true(CloseClusterNotifyPort(port));
}

struct waiter {
	HCHANGE port;
	DWORD rc, filter;
	DWORD_PTR key;
	char name[256];
};

static void *wait_forever(void *arg)
{
	struct waiter *wt = arg;
	WCHAR buf[256];
	DWORD cch = 256;
	wt->rc = GetClusterNotify(wt->port, &wt->key, &wt->filter, buf, &cch, INFINITE);
	if (wt->rc == ERROR_SUCCESS) {
		char *u = ClusapiWideToUtf8(buf);
		snprintf(wt->name, sizeof(wt->name), "%s", u ? u : "");
		free(u);
	}
	return NULL;
}

/* RegisterClusterNotify while another thread waits in GetClusterNotify on
 * the same port: it does not wait for that call, and the waiting call then
 * sees what the new registration asked for. */
static void test_register_while_waiting(void **state)
{
	(void)state;
	struct waiter wt = { 0 };
	wt.port = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, cl, 0, 0);
	assert_non_null(wt.port);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, wait_forever, &wt), 0);
	usleep(200 * 1000);

	double t0 = now_ms();
	assert_int_equal(RegisterClusterNotify(wt.port, CLUSTER_CHANGE_GROUP_ADDED, cl, 51), ERROR_SUCCESS);
	HKEY k = make_key(other, base_name);
	ClusterRegCloseKey(k);
	k = open_key(cl, base_name, KEY_READ);
	assert_int_equal(RegisterClusterNotify(wt.port, CLUSTER_CHANGE_REGISTRY_VALUE, k, 52), ERROR_SUCCESS);
	ClusterRegCloseKey(k);
	double took = now_ms() - t0;
	print_message("# two registrations beside a waiting GetClusterNotify: %.1f ms\n", took);
	assert_true(took < 2000);

	WCHAR *w = W(group_name);
	HGROUP g = CreateClusterGroup(other, w);
	free(w);
	assert_non_null(g);
	pthread_join(t, NULL);
	assert_int_equal(wt.rc, ERROR_SUCCESS);
	assert_int_equal(wt.filter, CLUSTER_CHANGE_GROUP_ADDED);
	assert_true(wt.key == 51);
	assert_string_equal(wt.name, group_name);

	/* And again, the key's registration this time. */
	memset(wt.name, 0, sizeof(wt.name));
	assert_int_equal(pthread_create(&t, NULL, wait_forever, &wt), 0);
	usleep(100 * 1000);
	k = open_key(other, base_name, KEY_ALL_ACCESS);
	set_dword(k, "w", 5);
	ClusterRegCloseKey(k);
	pthread_join(t, NULL);
	assert_int_equal(wt.rc, ERROR_SUCCESS);
	assert_int_equal(wt.filter, CLUSTER_CHANGE_REGISTRY_VALUE);
	assert_true(wt.key == 52);
	assert_string_equal(wt.name, base_name);

	assert_int_equal(DeleteClusterGroup(g), ERROR_SUCCESS);
	CloseClusterGroup(g);
	assert_true(CloseClusterNotifyPort(wt.port));
}

static void cleanup_leftovers(void)
{
	WCHAR *w = ClusapiUtf8ToWide(group_name);
	HGROUP g = w ? OpenClusterGroup(cl, w) : NULL;
	free(w);
	if (g) {
		DeleteClusterGroup(g);
		CloseClusterGroup(g);
	}
	const char *subs[] = { "A", "B", "C", "Gone" };
	for (size_t i = 0; i < sizeof(subs) / sizeof(subs[0]); i++) {
		char p[200];
		join(p, sizeof(p), base_name, subs[i]);
		delete_key(cl, p);
	}
	delete_key(cl, base_name);
	delete_key(cl, sibling_name);
}

static int setup(void **state)
{
	(void)state;
	const char *lpc = getenv("CLUSAPI_LPC_SOCKET");
	if (!lpc || !*lpc) {
		if (!getenv("CLUSTERD")) {
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
	snprintf(base_name, sizeof(base_name), "Notify2 %d", (int)getpid());
	snprintf(sibling_name, sizeof(sibling_name), "Notify2 Sibling %d", (int)getpid());
	snprintf(group_name, sizeof(group_name), "Notify2 Group %d", (int)getpid());
	cl = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	other = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	if (!cl || !other) {
		fprintf(stderr, "cannot open the cluster: %s\n", ClusapiErrorName(GetLastError()));
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (cl) {
		cleanup_leftovers();
		CloseCluster(cl);
	}
	if (other)
		CloseCluster(other);
	if (started_daemon)
		daemon_destroy(&own_daemon);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_errors),
		cmocka_unit_test(test_key_scope),
		cmocka_unit_test(test_key_handle_close),
		cmocka_unit_test(test_object_handle_close),
		cmocka_unit_test(test_cluster_property),
		cmocka_unit_test(test_register_while_waiting),
	};
	return daemon_finish(cmocka_run_group_tests(tests, setup, teardown));
}
