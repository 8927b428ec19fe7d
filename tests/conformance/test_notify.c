/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Conformance: notification ports (CreateClusterNotifyPort, RegisterClusterNotify,
 * GetClusterNotify, CloseClusterNotifyPort), through the public API only,
 * against either backend (the target as in test_conformance.c: CLUSAPI_LPC_SOCKET,
 * or CLUSTERD to start an embedded clusterd of its own).
 *
 * Changes are made through a second cluster handle (another client) and must
 * reach the port's loop; the time from the change's return to the loop seeing
 * it is printed ("# notify latency").  Other activity on a shared cluster may
 * bring other events: the loops look for theirs by name, bounded.
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
static char group_name[80], renamed_name[80];

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Wait (up to limit_ms) for an event of filter `want` about `name`; its key in
 * *key.  true when seen. */
static bool wait_event(HCHANGE port, DWORD want, const char *name, DWORD_PTR *key, double limit_ms)
{
	double end = now_ms() + limit_ms;
	for (;;) {
		double left = end - now_ms();
		if (left <= 0)
			return false;
		WCHAR buf[256];
		DWORD cch = 256, filter = 0;
		DWORD_PTR k = 0;
		DWORD rc = GetClusterNotify(port, &k, &filter, buf, &cch, (DWORD)left);
		if (rc == WAIT_TIMEOUT)
			return false;
		assert_int_equal(rc, ERROR_SUCCESS);
		char *u = ClusapiWideToUtf8(buf);
		bool match = filter == want && u && strcmp(u, name) == 0;
		free(u);
		if (match) {
			*key = k;
			return true;
		}
	}
}

static void test_errors(void **state)
{
	(void)state;
	DWORD_PTR key;
	DWORD filter, cch = 10;
	WCHAR buf[10];

	/* Not a port. */
	assert_int_equal(GetClusterNotify(NULL, &key, &filter, buf, &cch, 0), ERROR_INVALID_HANDLE);
	assert_int_equal(GetClusterNotify((HCHANGE)cl, &key, &filter, buf, &cch, 0), ERROR_INVALID_HANDLE);
	assert_false(CloseClusterNotifyPort(NULL));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_int_equal(RegisterClusterNotify(NULL, CLUSTER_CHANGE_GROUP_STATE, cl, 1), ERROR_INVALID_HANDLE);
	/* Not a cluster. */
	assert_null(CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, NULL, CLUSTER_CHANGE_GROUP_ADDED, 1));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);

	HCHANGE port = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, cl, 0, 0);
	assert_non_null(port);
	/* No length. */
	assert_int_equal(GetClusterNotify(port, &key, &filter, buf, NULL, 0), ERROR_INVALID_PARAMETER);
	/* Not an object; an object with a filter not its own; no filter. */
	assert_int_equal(RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE, (HANDLE)port, 1), ERROR_INVALID_HANDLE);
	WCHAR *w = W("Cluster Group");
	HGROUP g = OpenClusterGroup(cl, w);
	free(w);
	if (g) {
		assert_int_equal(RegisterClusterNotify(port, CLUSTER_CHANGE_NODE_STATE, g, 1), ERROR_INVALID_PARAMETER);
		assert_int_equal(RegisterClusterNotify(port, 0, g, 1), ERROR_INVALID_PARAMETER);
		CloseClusterGroup(g);
	}
	/* Adding to an existing port returns that port. */
	assert_ptr_equal(CreateClusterNotifyPort(port, cl, CLUSTER_CHANGE_NODE_STATE, 7), port);
	assert_true(CloseClusterNotifyPort(port));
	/* Closed. */
	assert_int_equal(GetClusterNotify(port, &key, &filter, buf, &cch, 0), ERROR_INVALID_HANDLE);
	assert_false(CloseClusterNotifyPort(port));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
}

static void test_timeout(void **state)
{
	(void)state;
	/* A filter nothing in this test triggers. */
	HCHANGE port = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, cl, CLUSTER_CHANGE_NETWORK_DELETED, 1);
	assert_non_null(port);
	DWORD_PTR key;
	DWORD filter, cch = 64;
	WCHAR buf[64];

	double t0 = now_ms();
	assert_int_equal(GetClusterNotify(port, &key, &filter, buf, &cch, 0), WAIT_TIMEOUT);
	double t1 = now_ms();
	assert_true(t1 - t0 < 1000);
	assert_int_equal(GetClusterNotify(port, &key, &filter, buf, &cch, 300), WAIT_TIMEOUT);
	double t2 = now_ms();
	assert_true(t2 - t1 >= 290);
	assert_true(t2 - t1 < 2000);
	/* Registering after a timed-out wait (its GetNotify still outstanding). */
	assert_int_equal(RegisterClusterNotify(port, CLUSTER_CHANGE_CLUSTER_PROPERTY, cl, 2), ERROR_SUCCESS);
	assert_int_equal(GetClusterNotify(port, &key, &filter, buf, &cch, 50), WAIT_TIMEOUT);
	assert_true(CloseClusterNotifyPort(port));
}

static void test_cluster_wide(void **state)
{
	(void)state;
	const DWORD_PTR mykey = (DWORD_PTR)0x1234567890abcdefull;
	HCHANGE port = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, cl,
					       CLUSTER_CHANGE_GROUP_ADDED | CLUSTER_CHANGE_GROUP_DELETED, mykey);
	assert_non_null(port);
	/* Make sure the port's GetNotify is outstanding before the change. */
	DWORD_PTR key = 0;
	DWORD filter, cch = 256;
	WCHAR buf[256];
	assert_int_equal(GetClusterNotify(port, &key, &filter, buf, &cch, 10), WAIT_TIMEOUT);

	/* Another client creates a group: the port sees it. */
	WCHAR *w = W(group_name);
	double before = now_ms();
	HGROUP g = CreateClusterGroup(other, w);
	double made = now_ms();
	assert_non_null(g);
	/* First with a buffer too small: the size, and the event stays. */
	double end = made + 10000;
	bool seen = false;
	while (!seen && now_ms() < end) {
		WCHAR small[2];
		cch = 2;
		DWORD rc = GetClusterNotify(port, &key, &filter, small, &cch, (DWORD)(end - now_ms()));
		if (rc == WAIT_TIMEOUT)
			break;
		if (rc == ERROR_SUCCESS)
			continue; /* a one-letter name: someone else's */
		assert_int_equal(rc, ERROR_MORE_DATA);
		DWORD need = cch;
		cch = 256;
		assert_int_equal(GetClusterNotify(port, &key, &filter, buf, &cch, 0), ERROR_SUCCESS);
		assert_int_equal(cch, need);
		char *u = ClusapiWideToUtf8(buf);
		if (u && strcmp(u, group_name) == 0 && filter == CLUSTER_CHANGE_GROUP_ADDED) {
			seen = true;
			assert_int_equal(need, strlen(group_name));
			print_message("# notify latency: group added seen %.1f ms after CreateClusterGroup began "
				      "(the call took %.1f ms)\n",
				      now_ms() - before, made - before);
		}
		free(u);
	}
	assert_true(seen);
	assert_true(key == mykey);

	assert_int_equal(DeleteClusterGroup(g), ERROR_SUCCESS);
	CloseClusterGroup(g);
	assert_true(wait_event(port, CLUSTER_CHANGE_GROUP_DELETED, group_name, &key, 10000));
	assert_true(key == mykey);
	free(w);
	assert_true(CloseClusterNotifyPort(port));
}

static void test_object(void **state)
{
	(void)state;
	WCHAR *w = W(group_name);
	HGROUP g = CreateClusterGroup(other, w);
	free(w);
	assert_non_null(g);
	HGROUP mine = NULL;
	w = W(group_name);
	mine = OpenClusterGroup(cl, w);
	free(w);
	assert_non_null(mine);

	HCHANGE port = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, cl, 0, 0);
	assert_non_null(port);
	assert_int_equal(RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_PROPERTY | CLUSTER_CHANGE_GROUP_DELETED,
					       mine, 42),
			 ERROR_SUCCESS);
	/* Renamed by the other client: a property change of this group. */
	w = W(renamed_name);
	double t0 = now_ms();
	assert_int_equal(SetClusterGroupName(g, w), ERROR_SUCCESS);
	double done = now_ms();
	free(w);
	DWORD_PTR key = 0;
	bool seen = wait_event(port, CLUSTER_CHANGE_GROUP_PROPERTY, renamed_name, &key, 10000);
	if (seen)
		print_message("# notify latency: rename seen %.1f ms after SetClusterGroupName began "
			      "(the call took %.1f ms)\n",
			      now_ms() - t0, done - t0);
	assert_true(seen);
	assert_true(key == 42);
	assert_int_equal(DeleteClusterGroup(g), ERROR_SUCCESS);
	assert_true(wait_event(port, CLUSTER_CHANGE_GROUP_DELETED, renamed_name, &key, 10000));
	CloseClusterGroup(g);
	CloseClusterGroup(mine);
	assert_true(CloseClusterNotifyPort(port));
}

/* The first name of an enumeration (malloc'd), or NULL. */
static WCHAR *first_of(DWORD type)
{
	HCLUSENUM e = ClusterOpenEnum(cl, type);
	if (!e)
		return NULL;
	WCHAR *name = calloc(256, sizeof(WCHAR));
	DWORD cch = 256, t;
	if (name && ClusterEnum(e, 0, &t, name, &cch) != ERROR_SUCCESS) {
		free(name);
		name = NULL;
	}
	ClusterCloseEnum(e);
	return name;
}

/* Every kind of object can be registered; a registry key too, and a change
 * of the cluster database made by the other client arrives. */
static void test_register_kinds(void **state)
{
	(void)state;
	HCHANGE port = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, cl, 0, 0);
	assert_non_null(port);

	WCHAR *name = first_of(CLUSTER_ENUM_NODE);
	assert_non_null(name);
	HNODE n = OpenClusterNode(cl, name);
	free(name);
	assert_non_null(n);
	assert_int_equal(RegisterClusterNotify(port, CLUSTER_CHANGE_NODE_STATE | CLUSTER_CHANGE_NODE_PROPERTY, n, 1),
			 ERROR_SUCCESS);
	assert_int_equal(RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE, n, 1), ERROR_INVALID_PARAMETER);
	CloseClusterNode(n);

	name = first_of(CLUSTER_ENUM_NETWORK);
	if (name) {
		HNETWORK net = OpenClusterNetwork(cl, name);
		free(name);
		assert_non_null(net);
		assert_int_equal(RegisterClusterNotify(port, CLUSTER_CHANGE_NETWORK_STATE, net, 2), ERROR_SUCCESS);
		assert_int_equal(RegisterClusterNotify(port, CLUSTER_CHANGE_NODE_STATE, net, 2),
				 ERROR_INVALID_PARAMETER);
		CloseClusterNetwork(net);
	}
	name = first_of(CLUSTER_ENUM_NETINTERFACE);
	if (name) {
		HNETINTERFACE nif = OpenClusterNetInterface(cl, name);
		free(name);
		assert_non_null(nif);
		assert_int_equal(RegisterClusterNotify(port, CLUSTER_CHANGE_NETINTERFACE_STATE, nif, 3), ERROR_SUCCESS);
		CloseClusterNetInterface(nif);
	}
	/* A cluster handle: cluster-wide filters. */
	assert_int_equal(RegisterClusterNotify(port, CLUSTER_CHANGE_CLUSTER_STATE, cl, 4), ERROR_SUCCESS);
	assert_int_equal(RegisterClusterNotify(port, 0, cl, 4), ERROR_INVALID_PARAMETER);

	/* A key: the registry filters only. */
	HKEY root = GetClusterKey(cl, KEY_READ);
	assert_non_null(root);
	assert_int_equal(RegisterClusterNotify(port, CLUSTER_CHANGE_GROUP_STATE, root, 5), ERROR_INVALID_PARAMETER);
	assert_int_equal(RegisterClusterNotify(port, CLUSTER_CHANGE_REGISTRY_VALUE, root, 5), ERROR_SUCCESS);
	ClusterRegCloseKey(root);

	/* The other client writes a value. */
	HKEY key = GetClusterKey(other, KEY_ALL_ACCESS);
	assert_non_null(key);
	WCHAR *w = W(group_name);
	const DWORD v = 1;
	DWORD rc = ClusterRegSetValue(key, w, REG_DWORD, (const BYTE *)&v, sizeof(v));
	free(w);
	if (rc == ERROR_SUCCESS) {
		double end = now_ms() + 10000, t0 = now_ms();
		bool seen = false;
		while (!seen && now_ms() < end) {
			WCHAR buf[512];
			DWORD cch = 512, filter = 0;
			DWORD_PTR k = 0;
			DWORD r = GetClusterNotify(port, &k, &filter, buf, &cch, (DWORD)(end - now_ms()));
			if (r == WAIT_TIMEOUT)
				break;
			assert_int_equal(r, ERROR_SUCCESS);
			seen = filter == CLUSTER_CHANGE_REGISTRY_VALUE && k == 5;
		}
		assert_true(seen);
		print_message("# notify latency: registry value seen %.1f ms after ClusterRegSetValue returned\n",
			      now_ms() - t0);
		w = W(group_name);
		assert_int_equal(ClusterRegDeleteValue(key, w), ERROR_SUCCESS);
		free(w);
	} else {
		print_message("# the root key is not writable here (error %u): no registry event checked\n", rc);
	}
	ClusterRegCloseKey(key);
	assert_true(CloseClusterNotifyPort(port));
}

/* The port's clusterd restarts: the port reconnects by itself, says so with
 * CLUSTER_CHANGE_CLUSTER_RECONNECT, and its registrations hold again.  Only
 * with a clusterd of the suite's own. */
static void test_reconnect(void **state)
{
	(void)state;
	if (!started_daemon) {
		print_message("# not this suite's clusterd: no restart\n");
		return;
	}
	HCHANGE port = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, cl,
					       CLUSTER_CHANGE_GROUP_ADDED | CLUSTER_CHANGE_CLUSTER_RECONNECT, 77);
	assert_non_null(port);
	DWORD_PTR key = 0;
	DWORD filter = 0, cch = 256;
	WCHAR buf[256];
	assert_int_equal(GetClusterNotify(port, &key, &filter, buf, &cch, 10), WAIT_TIMEOUT);
	assert_int_equal(daemon_stop(&own_daemon), 0);
	/* Nobody to reconnect to: the connection's error. */
	DWORD rc = GetClusterNotify(port, &key, &filter, buf, &cch, 1000);
	assert_true(rc != ERROR_SUCCESS && rc != WAIT_TIMEOUT);
	assert_int_equal(daemon_restart(&own_daemon, DAEMON_LPC_ONLY, NULL), 0);
	cch = 256;
	assert_int_equal(GetClusterNotify(port, &key, &filter, buf, &cch, 5000), ERROR_SUCCESS);
	assert_int_equal(filter, CLUSTER_CHANGE_CLUSTER_RECONNECT);
	assert_true(key == 77);
	/* The other client reconnects on its next call, and the port sees it. */
	WCHAR *w = W(group_name);
	HGROUP g = CreateClusterGroup(other, w);
	if (!g) /* the write that found the connection dead is not repeated */
		g = CreateClusterGroup(other, w);
	free(w);
	assert_non_null(g);
	assert_true(wait_event(port, CLUSTER_CHANGE_GROUP_ADDED, group_name, &key, 5000));
	assert_true(key == 77);
	assert_int_equal(DeleteClusterGroup(g), ERROR_SUCCESS);
	CloseClusterGroup(g);
	assert_true(CloseClusterNotifyPort(port));
}

struct waiter {
	HCHANGE port;
	DWORD rc;
	double took;
};

static void *wait_forever(void *arg)
{
	struct waiter *wt = arg;
	DWORD_PTR key;
	DWORD filter, cch = 64;
	WCHAR buf[64];
	double t0 = now_ms();
	wt->rc = GetClusterNotify(wt->port, &key, &filter, buf, &cch, INFINITE);
	wt->took = now_ms() - t0;
	return NULL;
}

static void test_close_wakes_waiter(void **state)
{
	(void)state;
	struct waiter wt = { 0 };
	wt.port = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, cl, CLUSTER_CHANGE_NETWORK_DELETED, 1);
	assert_non_null(wt.port);
	pthread_t t;
	assert_int_equal(pthread_create(&t, NULL, wait_forever, &wt), 0);
	usleep(200 * 1000);
	double t0 = now_ms();
	assert_true(CloseClusterNotifyPort(wt.port));
	pthread_join(t, NULL);
	assert_int_equal(wt.rc, ERROR_INVALID_HANDLE);
	assert_true(now_ms() - t0 < 2000);
}

static void cleanup_leftovers(void)
{
	const char *names[] = { group_name, renamed_name };
	for (size_t i = 0; i < 2; i++) {
		WCHAR *w = ClusapiUtf8ToWide(names[i]);
		HGROUP g = w ? OpenClusterGroup(cl, w) : NULL;
		free(w);
		if (g) {
			DeleteClusterGroup(g);
			CloseClusterGroup(g);
		}
	}
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
	snprintf(group_name, sizeof(group_name), "Notify Group %d", (int)getpid());
	snprintf(renamed_name, sizeof(renamed_name), "Notify Renamed %d", (int)getpid());
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
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_cluster_wide),
		cmocka_unit_test(test_object),
		cmocka_unit_test(test_register_kinds),
		cmocka_unit_test(test_close_wakes_waiter),
		cmocka_unit_test(test_reconnect),
	};
	return daemon_finish(cmocka_run_group_tests(tests, setup, teardown));
}
