/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * OpenClusterEx end to end through the public API, against a real clusterd:
 * LPC and TCP (IPv4, IPv6, names), access levels, errors, handle lifetime,
 * threads.  Run as root the unprivileged-caller tests run too.
 */
#include <netinet/in.h>
#include <pthread.h>
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

static struct daemon main_daemon;

static int group_setup(void **state)
{
	(void)state;
	static const char *const extra[] = { "--allow-anonymous", NULL };
	if (daemon_start(&main_daemon, DAEMON_TCP, extra) != 0) {
		fprintf(stderr, "cannot start clusterd (CLUSTERD=%s)\n", getenv("CLUSTERD"));
		return -1;
	}
	daemon_use(&main_daemon);
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	assert_int_equal(daemon_stop(&main_daemon), 0); /* a clean stop */
	daemon_destroy(&main_daemon);
	return 0;
}

static HCLUSTER open_utf8(const char *name, DWORD access, DWORD *granted)
{
	LPWSTR w = name ? ClusapiUtf8ToWide(name) : NULL;
	HCLUSTER h = OpenClusterEx(w, access, granted);
	DWORD err = GetLastError();
	free(w);
	SetLastError(err);
	return h;
}

static char *cluster_name(HCLUSTER h)
{
	WCHAR buf[128];
	DWORD cch = 128;
	assert_int_equal(GetClusterInformation(h, buf, &cch, NULL), ERROR_SUCCESS);
	return ClusapiWideToUtf8(buf);
}

static void test_lpc_access_levels(void **state)
{
	(void)state;
	DWORD granted = 0xdead;
	HCLUSTER h = OpenClusterEx(NULL, MAXIMUM_ALLOWED, &granted);
	assert_non_null(h);
	/* The test runs as root or as the daemon's own user: both are full. */
	assert_int_equal(granted, GENERIC_ALL);
	assert_int_equal(ClusapiGetGrantedAccess(h), GENERIC_ALL);
	assert_true(CloseCluster(h));

	h = OpenClusterEx(NULL, GENERIC_READ, &granted);
	assert_non_null(h);
	assert_int_equal(granted, GENERIC_READ);
	assert_true(CloseCluster(h));

	h = OpenClusterEx(NULL, GENERIC_ALL, NULL); /* GrantedAccess is optional */
	assert_non_null(h);
	assert_int_equal(ClusapiGetGrantedAccess(h), GENERIC_ALL);
	assert_true(CloseCluster(h));

	h = OpenCluster(NULL);
	assert_non_null(h);
	assert_int_equal(ClusapiGetGrantedAccess(h), GENERIC_ALL);
	assert_true(CloseCluster(h));
}

static void test_bad_desired_access(void **state)
{
	(void)state;
	DWORD granted = 7;
	SetLastError(0);
	assert_null(OpenClusterEx(NULL, 0, &granted));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	assert_int_equal(granted, 0);
	/* The server refuses these itself. */
	assert_null(OpenClusterEx(NULL, CLUSAPI_CHANGE_ACCESS, NULL));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	assert_null(OpenClusterEx(NULL, 0x00000100, NULL));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
	assert_null(open_utf8("127.0.0.1", 0x00000100, NULL));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);
}

static void open_remote_ok(const char *name)
{
	DWORD granted = 0;
	HCLUSTER h = open_utf8(name, MAXIMUM_ALLOWED, &granted);
	if (!h)
		fail_msg("OpenClusterEx(\"%s\") failed: %u", name, (unsigned)GetLastError());
	assert_int_equal(granted, GENERIC_ALL); /* --allow-anonymous */
	char *n = cluster_name(h);
	assert_non_null(n);
	assert_true(strlen(n) > 0);
	free(n);
	assert_true(CloseCluster(h));
}

static void test_tcp_ipv4(void **state)
{
	(void)state;
	open_remote_ok("127.0.0.1");
}

static void test_tcp_ipv6(void **state)
{
	(void)state;
	open_remote_ok("::1");
	open_remote_ok("[::1]");
}

static void test_tcp_names(void **state)
{
	(void)state;
	char host[256];
	open_remote_ok("localhost");
	assert_int_equal(gethostname(host, sizeof(host)), 0);
	open_remote_ok(host);
}

static void test_cluster_information(void **state)
{
	(void)state;
	HCLUSTER h = OpenClusterEx(NULL, GENERIC_READ, NULL);
	assert_non_null(h);

	/* The name is the one kept in the state directory. */
	char path[400], stored[128] = "";
	snprintf(path, sizeof(path), "%s/cluster-name", main_daemon.state);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_non_null(fgets(stored, sizeof(stored), f));
	fclose(f);
	stored[strcspn(stored, "\n")] = 0;

	CLUSTERVERSIONINFO vi = { .dwVersionInfoSize = sizeof(vi) };
	WCHAR buf[128];
	DWORD cch = 128;
	assert_int_equal(GetClusterInformation(h, buf, &cch, &vi), ERROR_SUCCESS);
	char *name = ClusapiWideToUtf8(buf);
	assert_string_equal(name, stored);
	assert_int_equal(cch, strlen(stored));
	free(name);
	assert_int_equal(vi.MajorVersion, 10);
	assert_true(vi.dwClusterHighestVersion >= vi.dwClusterLowestVersion);
	char *vendor = ClusapiWideToUtf8(vi.szVendorId);
	assert_non_null(strstr(vendor, "clusterd"));
	free(vendor);

	/* Length query, too small a buffer, and a bad info size. */
	cch = 0;
	assert_int_equal(GetClusterInformation(h, NULL, &cch, NULL), ERROR_SUCCESS);
	assert_int_equal(cch, strlen(stored));
	cch = 3;
	assert_int_equal(GetClusterInformation(h, buf, &cch, NULL), ERROR_MORE_DATA);
	assert_int_equal(cch, strlen(stored));
	cch = (DWORD)strlen(stored); /* no room for the NUL */
	assert_int_equal(GetClusterInformation(h, buf, &cch, NULL), ERROR_MORE_DATA);
	vi.dwVersionInfoSize = 4;
	cch = 128;
	assert_int_equal(GetClusterInformation(h, buf, &cch, &vi), ERROR_INVALID_PARAMETER);
	assert_int_equal(GetClusterInformation(h, buf, NULL, NULL), ERROR_INVALID_PARAMETER);

	/* The node serving us. */
	char host[256];
	gethostname(host, sizeof(host));
	host[strcspn(host, ".")] = 0;
	cch = 128;
	assert_int_equal(ClusapiGetConnectedNodeName(h, buf, &cch), ERROR_SUCCESS);
	char *node = ClusapiWideToUtf8(buf);
	assert_string_equal(node, host);
	free(node);
	assert_true(CloseCluster(h));
}

static void test_close_then_reuse(void **state)
{
	(void)state;
	WCHAR buf[64];
	DWORD cch = 64;
	HCLUSTER h = OpenClusterEx(NULL, GENERIC_READ, NULL);
	assert_non_null(h);
	assert_true(CloseCluster(h));
	/* Defined behaviour for a stale handle: ERROR_INVALID_HANDLE, no crash. */
	SetLastError(0);
	assert_false(CloseCluster(h));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_int_equal(GetClusterInformation(h, buf, &cch, NULL), ERROR_INVALID_HANDLE);
	assert_int_equal(ClusapiGetGrantedAccess(h), 0);
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	/* A handle reopened in the same slot is a different handle. */
	HCLUSTER h2 = OpenClusterEx(NULL, GENERIC_READ, NULL);
	assert_non_null(h2);
	assert_ptr_not_equal(h, h2);
	assert_false(CloseCluster(h));
	assert_true(CloseCluster(h2));
	/* Made-up handles. */
	assert_false(CloseCluster(NULL));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_false(CloseCluster((HCLUSTER)(uintptr_t)0x12345678));
	assert_int_equal(GetClusterInformation((HCLUSTER)(uintptr_t)0xdeadbeef, buf, &cch, NULL), ERROR_INVALID_HANDLE);
}

static void test_set_cluster_name(void **state)
{
	(void)state;
	HCLUSTER h = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	assert_non_null(h);
	char *old = cluster_name(h);
	assert_int_equal(SetClusterName(h, u"renamed-cluster"), ERROR_RESOURCE_PROPERTIES_STORED);
	char *now = cluster_name(h);
	assert_string_equal(now, "renamed-cluster");
	free(now);
	/* Same name again: stored, as the spec and Samba's suite say. */
	assert_int_equal(SetClusterName(h, u"renamed-cluster"), ERROR_RESOURCE_PROPERTIES_STORED);
	/* Bad names change nothing. */
	assert_int_equal(SetClusterName(h, u"bad name!"), ERROR_INVALID_NAME);
	assert_int_equal(SetClusterName(h, u""), ERROR_INVALID_NAME);
	assert_int_equal(SetClusterName(h, u"-dash"), ERROR_INVALID_NAME);
	assert_int_equal(SetClusterName(h, u"12345"), ERROR_INVALID_NAME);
	assert_int_equal(SetClusterName(h, NULL), ERROR_INVALID_PARAMETER);
	now = cluster_name(h);
	assert_string_equal(now, "renamed-cluster");
	free(now);
	/* A read-only handle may not rename. */
	HCLUSTER ro = OpenClusterEx(NULL, GENERIC_READ, NULL);
	assert_non_null(ro);
	assert_int_equal(SetClusterName(ro, u"other-name"), ERROR_ACCESS_DENIED);
	assert_true(CloseCluster(ro));
	/* Back to where we were. */
	LPWSTR w = ClusapiUtf8ToWide(old);
	assert_int_equal(SetClusterName(h, w), ERROR_RESOURCE_PROPERTIES_STORED);
	free(w);
	free(old);
	assert_true(CloseCluster(h));
}

static void test_open_close_cycles(void **state)
{
	(void)state;
	const char *env = getenv("CLUSAPI_TEST_CYCLES");
	int n = env ? atoi(env) : 1000;
	for (int i = 0; i < n; i++) {
		HCLUSTER h = OpenClusterEx(i % 10 == 9 ? u"127.0.0.1" : NULL, GENERIC_READ, NULL);
		if (!h)
			fail_msg("cycle %d: error %u", i, (unsigned)GetLastError());
		WCHAR buf[64];
		DWORD cch = 64;
		CLUSTERVERSIONINFO vi = { .dwVersionInfoSize = sizeof(vi) };
		assert_int_equal(GetClusterInformation(h, buf, &cch, &vi), ERROR_SUCCESS);
		assert_true(CloseCluster(h));
	}
}

struct thread_arg {
	HCLUSTER shared;
	int id;
	int failures;
};

static void *thread_main(void *p)
{
	struct thread_arg *a = p;
	for (int i = 0; i < 25; i++) {
		LPCWSTR name = (a->id + i) % 3 == 0 ? u"127.0.0.1" : (a->id + i) % 3 == 1 ? u"::1" : NULL;
		DWORD granted = 0;
		HCLUSTER h = OpenClusterEx(name, MAXIMUM_ALLOWED, &granted);
		WCHAR buf[64];
		DWORD cch = 64;
		if (!h || granted != GENERIC_ALL || GetClusterInformation(h, buf, &cch, NULL) != ERROR_SUCCESS ||
		    !CloseCluster(h))
			a->failures++;
		/* Everyone also uses one handle at the same time. */
		cch = 64;
		if (GetClusterInformation(a->shared, buf, &cch, NULL) != ERROR_SUCCESS)
			a->failures++;
		/* The last error is per thread. */
		SetLastError((DWORD)a->id);
		if (GetLastError() != (DWORD)a->id)
			a->failures++;
	}
	return NULL;
}

static void test_threads(void **state)
{
	(void)state;
	enum { N = 8 };
	pthread_t t[N];
	struct thread_arg args[N];
	HCLUSTER shared = OpenClusterEx(NULL, GENERIC_READ, NULL);
	assert_non_null(shared);
	for (int i = 0; i < N; i++) {
		args[i] = (struct thread_arg){ .shared = shared, .id = i + 1 };
		assert_int_equal(pthread_create(&t[i], NULL, thread_main, &args[i]), 0);
	}
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(args[i].failures, 0);
	}
	assert_true(CloseCluster(shared));
}

/* ---- tests with daemons of their own ---------------------------------- */

static void test_unknown_host(void **state)
{
	(void)state;
	assert_null(open_utf8("no-such-host.invalid", GENERIC_READ, NULL));
	assert_int_equal(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
	assert_null(open_utf8("", GENERIC_READ, NULL));
	assert_int_equal(GetLastError(), RPC_S_INVALID_BINDING);
}

static uint16_t unused_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	getsockname(fd, (struct sockaddr *)&sin, &len);
	close(fd); /* nobody listens there now */
	return ntohs(sin.sin_port);
}

static void test_no_daemon(void **state)
{
	(void)state;
	char port[16];
	setenv("CLUSAPI_LPC_SOCKET", "/tmp/clusapi-test-no-such-dir/lpc.sock", 1);
	assert_null(OpenClusterEx(NULL, GENERIC_READ, NULL));
	assert_int_equal(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
	snprintf(port, sizeof(port), "%u", unused_port());
	setenv("CLUSAPI_EPMAPPER_PORT", port, 1);
	assert_null(open_utf8("127.0.0.1", GENERIC_READ, NULL));
	assert_int_equal(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
	daemon_use(&main_daemon);
}

static void test_endpoint_not_registered(void **state)
{
	(void)state;
	struct daemon d;
	assert_int_equal(daemon_start(&d, DAEMON_EPM_ONLY, NULL), 0);
	assert_true(d.epm_port != 0);
	daemon_use(&d);
	assert_null(open_utf8("127.0.0.1", GENERIC_READ, NULL));
	assert_int_equal(GetLastError(), EPT_S_NOT_REGISTERED);
	/* LPC still works on such a node. */
	HCLUSTER h = OpenClusterEx(NULL, GENERIC_READ, NULL);
	assert_non_null(h);
	assert_true(CloseCluster(h));
	daemon_destroy(&d);
	daemon_use(&main_daemon);
}

static void test_down_level(void **state)
{
	(void)state;
	struct daemon d;
	static const char *const extra[] = { "--allow-anonymous", "--test-down-level", NULL };
	assert_int_equal(daemon_start(&d, DAEMON_TCP, extra), 0);
	daemon_use(&d);
	assert_null(OpenClusterEx(NULL, GENERIC_READ, NULL));
	assert_int_equal(GetLastError(), RPC_S_PROCNUM_OUT_OF_RANGE);
	assert_null(open_utf8("127.0.0.1", MAXIMUM_ALLOWED, NULL));
	assert_int_equal(GetLastError(), RPC_S_PROCNUM_OUT_OF_RANGE);
	daemon_destroy(&d);
	daemon_use(&main_daemon);
}

static void test_anonymous_denied(void **state)
{
	(void)state;
	struct daemon d;
	assert_int_equal(daemon_start(&d, DAEMON_TCP, NULL), 0);
	daemon_use(&d);
	assert_null(open_utf8("127.0.0.1", GENERIC_READ, NULL));
	assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
	assert_null(open_utf8("::1", MAXIMUM_ALLOWED, NULL));
	assert_int_equal(GetLastError(), ERROR_ACCESS_DENIED);
	HCLUSTER h = OpenClusterEx(NULL, MAXIMUM_ALLOWED, NULL);
	assert_non_null(h);
	assert_true(CloseCluster(h));
	daemon_destroy(&d);
	daemon_use(&main_daemon);
}

struct nobody_case {
	DWORD desired;
	DWORD expect_error;
	DWORD expect_granted;
};

/* Runs as nobody: 0 when OpenClusterEx did what the case expects. */
static int nobody_open(void *p)
{
	const struct nobody_case *c = p;
	DWORD granted = 0;
	HCLUSTER h = OpenClusterEx(NULL, c->desired, &granted);
	if (!h)
		return GetLastError() == c->expect_error ? 0 : 1;
	int rc = (c->expect_error == 0 && granted == c->expect_granted) ? 0 : 2;
	CloseCluster(h);
	return rc;
}

static void expect_nobody(DWORD desired, DWORD err, DWORD granted)
{
	struct nobody_case c = { desired, err, granted };
	int rc = run_as_nobody(nobody_open, &c);
	if (rc != 0)
		fail_msg("as nobody, desired 0x%08x: expected error %u granted 0x%08x, child said %d", (unsigned)desired,
			 (unsigned)err, (unsigned)granted, rc);
}

static void test_unprivileged_user(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "skipped: switching to the nobody user needs root\n");
		skip();
	}
	struct daemon d;
	assert_int_equal(daemon_start(&d, DAEMON_LPC_ONLY, NULL), 0);
	daemon_use(&d);
	/* Default ACL: nobody has nothing. */
	expect_nobody(MAXIMUM_ALLOWED, ERROR_ACCESS_DENIED, 0);
	expect_nobody(GENERIC_READ, ERROR_ACCESS_DENIED, 0);
	/* A read entry. */
	assert_int_equal(daemon_write_acl(&d, "uid:0 full\nuid:65534 read\n"), 0);
	expect_nobody(MAXIMUM_ALLOWED, 0, GENERIC_READ);
	expect_nobody(GENERIC_READ, 0, GENERIC_READ);
	expect_nobody(GENERIC_ALL, ERROR_ACCESS_DENIED, 0);
	/* A group grant; then a deny for the user wins over it. */
	assert_int_equal(daemon_write_acl(&d, "uid:0 full\ngid:65534 full\n"), 0);
	expect_nobody(MAXIMUM_ALLOWED, 0, GENERIC_ALL);
	assert_int_equal(daemon_write_acl(&d, "uid:0 full\ngid:65534 full\nuid:65534 deny\n"), 0);
	expect_nobody(MAXIMUM_ALLOWED, ERROR_ACCESS_DENIED, 0);
	/* A broken edit keeps the previous ACL. */
	assert_int_equal(daemon_write_acl(&d, "uid:0 full\nuid:65534 sometimes\n"), 0);
	expect_nobody(MAXIMUM_ALLOWED, ERROR_ACCESS_DENIED, 0);
	HCLUSTER h = OpenClusterEx(NULL, MAXIMUM_ALLOWED, NULL);
	assert_non_null(h);
	assert_true(CloseCluster(h));
	daemon_destroy(&d);
	daemon_use(&main_daemon);
}

static void test_name_survives_restart(void **state)
{
	(void)state;
	struct daemon d;
	assert_int_equal(daemon_start(&d, DAEMON_LPC_ONLY, NULL), 0);
	daemon_use(&d);
	HCLUSTER h = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	assert_non_null(h);
	assert_int_equal(SetClusterName(h, u"durable-name"), ERROR_RESOURCE_PROPERTIES_STORED);
	assert_true(CloseCluster(h));
	assert_int_equal(daemon_stop(&d), 0);
	/* The connection is gone with the daemon. */
	assert_null(OpenClusterEx(NULL, GENERIC_READ, NULL));
	assert_int_equal(GetLastError(), RPC_S_SERVER_UNAVAILABLE);
	assert_int_equal(daemon_restart(&d, DAEMON_LPC_ONLY, NULL), 0);
	h = OpenClusterEx(NULL, GENERIC_READ, NULL);
	assert_non_null(h);
	char *name = cluster_name(h);
	assert_string_equal(name, "durable-name");
	free(name);
	assert_true(CloseCluster(h));
	daemon_destroy(&d);
	daemon_use(&main_daemon);
}

static void test_call_after_daemon_died(void **state)
{
	(void)state;
	struct daemon d;
	assert_int_equal(daemon_start(&d, DAEMON_LPC_ONLY, NULL), 0);
	daemon_use(&d);
	HCLUSTER h = OpenClusterEx(NULL, GENERIC_READ, NULL);
	assert_non_null(h);
	assert_int_equal(daemon_stop(&d), 0);
	WCHAR buf[64];
	DWORD cch = 64;
	DWORD err = GetClusterInformation(h, buf, &cch, NULL);
	assert_true(err == RPC_S_CALL_FAILED || err == RPC_S_SERVER_UNAVAILABLE);
	/* The handle is still closed cleanly, locally. */
	CloseCluster(h);
	assert_false(CloseCluster(h));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	daemon_destroy(&d);
	daemon_use(&main_daemon);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "cycles") == 0) {
		/* The valgrind run: only the open/close cycles. */
		const struct CMUnitTest cycles[] = { cmocka_unit_test(test_open_close_cycles) };
		return daemon_finish(cmocka_run_group_tests(cycles, group_setup, group_teardown));
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lpc_access_levels),
		cmocka_unit_test(test_bad_desired_access),
		cmocka_unit_test(test_tcp_ipv4),
		cmocka_unit_test(test_tcp_ipv6),
		cmocka_unit_test(test_tcp_names),
		cmocka_unit_test(test_cluster_information),
		cmocka_unit_test(test_close_then_reuse),
		cmocka_unit_test(test_set_cluster_name),
		cmocka_unit_test(test_open_close_cycles),
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_unknown_host),
		cmocka_unit_test(test_no_daemon),
		cmocka_unit_test(test_endpoint_not_registered),
		cmocka_unit_test(test_down_level),
		cmocka_unit_test(test_anonymous_denied),
		cmocka_unit_test(test_unprivileged_user),
		cmocka_unit_test(test_name_survives_restart),
		cmocka_unit_test(test_call_after_daemon_died),
	};
	return daemon_finish(cmocka_run_group_tests(tests, group_setup, group_teardown));
}
