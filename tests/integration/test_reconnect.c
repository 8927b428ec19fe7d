/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Client reconnect against real clusterds: a cluster handle whose connection
 * dies opens the cluster again (the same daemon restarted, over LPC; or the
 * other of two daemons answering for one name, over TCP), reopens its object
 * handles by name (registry subkeys by their path from the root) and repeats
 * a read; a write that may have happened is
 * reported as such (RPC_S_CALL_FAILED, or RPC_S_CALL_FAILED_DNE when it was
 * never sent) and the next call works.
 */
#include <netdb.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "clusapi.h"
#include "daemon.h"

static char *node_of(HCLUSTER h)
{
	WCHAR buf[128];
	DWORD cch = 128;
	assert_int_equal(ClusapiGetConnectedNodeName(h, buf, &cch), ERROR_SUCCESS);
	return ClusapiWideToUtf8(buf);
}

static CLUSTER_GROUP_STATE group_state(HGROUP g)
{
	return GetClusterGroupState(g, NULL, NULL);
}

/* LPC: clusterd restarts under the handle. */
static void test_lpc_restart(void **state)
{
	(void)state;
	struct daemon d;
	static const char *const extra[] = { "--node-name", "solo", NULL };
	assert_int_equal(daemon_start(&d, DAEMON_LPC_ONLY, extra), 0);
	daemon_use(&d);

	HCLUSTER h = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	assert_non_null(h);
	HGROUP g = OpenClusterGroup(h, u"Cluster Group");
	assert_non_null(g);
	HNODE n = OpenClusterNode(h, u"solo");
	assert_non_null(n);
	HKEY root = GetClusterKey(h, KEY_READ);
	assert_non_null(root);
	assert_int_equal(group_state(g), ClusterGroupOnline);

	/* A clean restart: reads go on as if nothing happened. */
	assert_int_equal(daemon_stop(&d), 0);
	assert_int_equal(daemon_restart(&d, DAEMON_LPC_ONLY, extra), 0);
	WCHAR name[64];
	DWORD cch = 64;
	assert_int_equal(GetClusterInformation(h, name, &cch, NULL), ERROR_SUCCESS);
	assert_int_equal(group_state(g), ClusterGroupOnline);
	assert_int_equal(GetClusterNodeState(n), ClusterNodeUp);
	DWORD type, cb = 0;
	/* The root key was reopened too: a query answers (the value is absent). */
	assert_int_equal(ClusterRegQueryValue(root, u"NoSuchValue", &type, NULL, &cb), ERROR_FILE_NOT_FOUND);

	/* A crash, then a write first: it was sent on the dead connection, so
	 * it may or may not have happened: the caller is told, and the next
	 * call works. */
	daemon_kill9(&d);
	assert_int_equal(daemon_restart(&d, DAEMON_LPC_ONLY, extra), 0);
	DWORD err = OfflineClusterGroup(g);
	assert_true(err == RPC_S_CALL_FAILED || err == RPC_S_CALL_FAILED_DNE);
	err = OfflineClusterGroup(g);
	assert_true(err == ERROR_SUCCESS || err == ERROR_IO_PENDING);
	assert_int_equal(group_state(g), ClusterGroupOffline);
	assert_int_equal(OnlineClusterGroup(g, NULL), ERROR_SUCCESS);

	/* Nobody there at all: the read fails with the transport error, and
	 * works again once the daemon is back. */
	assert_int_equal(daemon_stop(&d), 0);
	assert_int_equal(group_state(g), ClusterGroupStateUnknown);
	assert_int_equal(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
	assert_int_equal(daemon_restart(&d, DAEMON_LPC_ONLY, extra), 0);
	assert_int_equal(group_state(g), ClusterGroupOnline);

	/* A group renamed through this handle is reopened by its new name. */
	assert_int_equal(SetClusterGroupName(g, u"Renamed Group"), ERROR_SUCCESS);
	assert_int_equal(daemon_stop(&d), 0);
	assert_int_equal(daemon_restart(&d, DAEMON_LPC_ONLY, extra), 0);
	assert_int_equal(group_state(g), ClusterGroupOnline);
	assert_int_equal(SetClusterGroupName(g, u"Cluster Group"), ERROR_SUCCESS);

	ClusterRegCloseKey(root);
	assert_true(CloseClusterNode(n));
	assert_true(CloseClusterGroup(g));
	assert_true(CloseCluster(h));
	daemon_destroy(&d);
}

/* LPC: registry subkeys are reopened too, by their path from the root (also
 * when the caller no longer holds the root key), across a clean restart and
 * a kill -9. */
static void test_lpc_registry_subkeys(void **state)
{
	(void)state;
	struct daemon d;
	static const char *const extra[] = { "--node-name", "solo", NULL };
	assert_int_equal(daemon_start(&d, DAEMON_LPC_ONLY, extra), 0);
	daemon_use(&d);

	HCLUSTER h = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	assert_non_null(h);
	HKEY root = GetClusterKey(h, KEY_ALL_ACCESS);
	assert_non_null(root);
	/* Groups (a subkey), then its first subkey (a group's own key). */
	WCHAR first[256], second[256], again[256];
	DWORD cch = 256;
	assert_int_equal(ClusterRegEnumKey(root, 0, first, &cch, NULL), ERROR_SUCCESS);
	HKEY sub = NULL, subsub = NULL;
	assert_int_equal(ClusterRegOpenKey(root, first, KEY_ALL_ACCESS, &sub), ERROR_SUCCESS);
	cch = 256;
	assert_int_equal(ClusterRegEnumKey(sub, 0, second, &cch, NULL), ERROR_SUCCESS);
	assert_int_equal(ClusterRegOpenKey(sub, second, KEY_ALL_ACCESS, &subsub), ERROR_SUCCESS);
	DWORD dw = 0x1234, type, cb;
	assert_int_equal(ClusterRegSetValue(subsub, u"ReconnectTest", REG_DWORD, (const BYTE *)&dw, 4), ERROR_SUCCESS);
	assert_int_equal(ClusterRegCloseKey(root), ERROR_SUCCESS);

	for (int round = 0; round < 2; round++) {
		if (round == 0) {
			assert_int_equal(daemon_stop(&d), 0);
		} else {
			daemon_kill9(&d);
		}
		assert_int_equal(daemon_restart(&d, DAEMON_LPC_ONLY, extra), 0);
		/* Both levels answer on the new connection, not ERROR_INVALID_HANDLE. */
		cch = 256;
		assert_int_equal(ClusterRegEnumKey(sub, 0, again, &cch, NULL), ERROR_SUCCESS);
		assert_int_equal(memcmp(again, second, (cch + 1) * sizeof(WCHAR)), 0);
		DWORD got = 0;
		cb = sizeof(got);
		assert_int_equal(ClusterRegQueryValue(subsub, u"ReconnectTest", &type, (BYTE *)&got, &cb), ERROR_SUCCESS);
		assert_int_equal(type, REG_DWORD);
		assert_int_equal(got, dw);
		/* A write through the reopened handle works (it is not the first
		 * call after the restart, so it is not in doubt). */
		dw++;
		assert_int_equal(ClusterRegSetValue(subsub, u"ReconnectTest", REG_DWORD, (const BYTE *)&dw, 4),
				 ERROR_SUCCESS);
	}

	assert_int_equal(ClusterRegCloseKey(subsub), ERROR_SUCCESS);
	assert_int_equal(ClusterRegCloseKey(sub), ERROR_SUCCESS);
	assert_true(CloseCluster(h));
	daemon_destroy(&d);
}

/* A port number free on both 127.0.0.1 and 127.0.0.2. */
static uint16_t free_port(void)
{
	for (int tries = 0; tries < 50; tries++) {
		int a = socket(AF_INET, SOCK_STREAM, 0), b = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t len = sizeof(sin);
		uint16_t port = 0;
		if (bind(a, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
		    getsockname(a, (struct sockaddr *)&sin, &len) == 0) {
			sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK + 1);
			if (bind(b, (struct sockaddr *)&sin, sizeof(sin)) == 0)
				port = ntohs(sin.sin_port);
		}
		close(a);
		close(b);
		if (port)
			return port;
	}
	return 0;
}

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: failed: %s\n", __FILE__, __LINE__, #cond); \
			return 1;                                                     \
		}                                                                     \
	} while (0)

/* In a private mount namespace /etc/hosts says "clus" is 127.0.0.1 and
 * 127.0.0.2, where two daemons answer (the same endpoint-mapper port); the
 * one the handle is on dies.  Returns 0 or 1 (it runs in a child). */
static int failover(const char *dir)
{
	char hosts[300];
	snprintf(hosts, sizeof(hosts), "%s/hosts", dir);
	FILE *f = fopen(hosts, "w");
	CHECK(f);
	fprintf(f, "127.0.0.1 localhost\n127.0.0.1 clus\n127.0.0.2 clus\n");
	fclose(f);
	CHECK(unshare(CLONE_NEWNS) == 0);
	CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
	CHECK(mount(hosts, "/etc/hosts", NULL, MS_BIND, NULL) == 0);

	uint16_t port = free_port();
	CHECK(port != 0);
	char e1[32], e2[32], pstr[8];
	snprintf(e1, sizeof(e1), "127.0.0.1:%u", port);
	snprintf(e2, sizeof(e2), "127.0.0.2:%u", port);
	snprintf(pstr, sizeof(pstr), "%u", port);
	const char *const a_args[] = { "--listen", "127.0.0.1:0", "--epmapper", e1, "--node-name", "node-a",
				       "--allow-anonymous", NULL };
	const char *const b_args[] = { "--listen", "127.0.0.2:0", "--epmapper", e2, "--node-name", "node-b",
				       "--allow-anonymous", NULL };
	struct daemon a, b;
	CHECK(daemon_start(&a, DAEMON_CUSTOM, a_args) == 0);
	CHECK(daemon_start(&b, DAEMON_CUSTOM, b_args) == 0);
	setenv("CLUSAPI_EPMAPPER_PORT", pstr, 1);

	int rc = 1;
	HCLUSTER h = OpenClusterEx(u"clus", GENERIC_ALL, NULL);
	CHECK(h);
	HGROUP g = OpenClusterGroup(h, u"Cluster Group");
	CHECK(g);
	char *first = node_of(h);
	bool on_a = strcmp(first, "node-a") == 0;
	free(first);
	daemon_kill9(on_a ? &a : &b);
	/* The next read succeeds, through the other daemon. */
	if (group_state(g) != ClusterGroupOnline) {
		fprintf(stderr, "read after failover: error %u\n", (unsigned)GetLastError());
		goto out;
	}
	char *second = node_of(h);
	rc = strcmp(second, on_a ? "node-b" : "node-a") == 0 ? 0 : 1;
	if (rc)
		fprintf(stderr, "after failover the handle is on %s\n", second);
	free(second);
out:
	CloseClusterGroup(g);
	CloseCluster(h);
	daemon_destroy(&a);
	daemon_destroy(&b);
	return rc;
}

static void test_tcp_failover(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "needs root (a private mount namespace for /etc/hosts)\n");
		skip();
	}
	char dir[] = "/tmp/clusapi-failover-XXXXXX";
	assert_non_null(mkdtemp(dir));
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(failover(dir));
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	char hosts[300];
	snprintf(hosts, sizeof(hosts), "%s/hosts", dir);
	unlink(hosts);
	rmdir(dir);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lpc_restart),
		cmocka_unit_test(test_lpc_registry_subkeys),
		cmocka_unit_test(test_tcp_failover),
	};
	return daemon_finish(cmocka_run_group_tests(tests, NULL, NULL));
}
