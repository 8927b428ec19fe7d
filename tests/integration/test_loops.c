/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusterd with more than one event loop (--loops 2): many clients over LPC
 * and TCP at once, each answer right; a notification port hears of a change
 * made on a connection of the other loop; the connection caps hold across
 * the loops; SIGTERM with busy connections ends cleanly.  Connections go to
 * the loops in turn (round robin), and clusterd -v names the loop of each:
 * the tests check that both loops served.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "clusapi.h"
#include "daemon.h"

#define CLIENTS 16
#define ROUNDS 15

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* Both loops served connections (clusterd -v says which loop takes each). */
static void assert_both_loops(const struct daemon *d)
{
	if (!daemon_log_contains(d, "served by loop 0") || !daemon_log_contains(d, "served by loop 1"))
		fail_msg("not every loop served a connection (see %s)", d->log);
}

static bool wide_equal(const WCHAR *a, const WCHAR *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return *a == *b;
}

/* One client: rounds of open, create, open again, read, close, over LPC
 * (NULL) or TCP.  Exit status: 0 when every answer was right, else the
 * number of the step that failed (and a line on stderr). */
static int client(int id, LPCWSTR host, const WCHAR *cluster)
{
	for (int i = 0; i < ROUNDS; i++) {
		char name[64];
		snprintf(name, sizeof(name), "lp-%d-%d", id, i);
		LPWSTR wn = ClusapiUtf8ToWide(name);
		DWORD granted = 0;
		HCLUSTER h = OpenClusterEx(host, GENERIC_ALL, &granted);
		if (!h || granted != GENERIC_ALL) {
			fprintf(stderr, "client %d round %d: open: %u\n", id, i, (unsigned)GetLastError());
			return 1;
		}
		WCHAR buf[128];
		DWORD cch = 128;
		if (GetClusterInformation(h, buf, &cch, NULL) != ERROR_SUCCESS || !wide_equal(buf, cluster)) {
			fprintf(stderr, "client %d round %d: GetClusterInformation wrong\n", id, i);
			return 2;
		}
		HGROUP g = CreateClusterGroup(h, wn);
		if (!g) {
			fprintf(stderr, "client %d round %d: create %s: %u\n", id, i, name, (unsigned)GetLastError());
			return 3;
		}
		CloseClusterGroup(g);
		g = OpenClusterGroup(h, wn);
		cch = 128;
		CLUSTER_GROUP_STATE s = g ? GetClusterGroupState(g, buf, &cch) : ClusterGroupStateUnknown;
		if (s != ClusterGroupOffline) {
			fprintf(stderr, "client %d round %d: group %s state %d, not offline\n", id, i, name, (int)s);
			return 4;
		}
		CloseClusterGroup(g);
		if (!CloseCluster(h))
			return 5;
		free(wn);
	}
	return 0;
}

static void test_concurrent_clients(void **state)
{
	(void)state;
	struct daemon d;
	static const char *const extra[] = { "--loops", "2", "--allow-anonymous", "-v", NULL };
	assert_int_equal(daemon_start(&d, DAEMON_TCP, extra), 0);
	daemon_use(&d);
	assert_true(daemon_log_contains(&d, "2 event loops"));
	WCHAR cluster[128];
	DWORD cch = 128;
	HCLUSTER h = OpenClusterEx(NULL, GENERIC_READ, NULL);
	assert_non_null(h);
	assert_int_equal(GetClusterInformation(h, cluster, &cch, NULL), ERROR_SUCCESS);
	CloseCluster(h);

	pid_t pids[CLIENTS];
	for (int i = 0; i < CLIENTS; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(client(i, i % 2 ? u"127.0.0.1" : NULL, cluster));
	}
	int bad = 0;
	for (int i = 0; i < CLIENTS; i++) {
		int status;
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "client %d (%s) failed: status 0x%x\n", i, i % 2 ? "TCP" : "LPC", (unsigned)status);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
	/* Every group is there, once. */
	h = OpenClusterEx(NULL, GENERIC_READ, NULL);
	assert_non_null(h);
	for (int i = 0; i < CLIENTS; i++)
		for (int r = 0; r < ROUNDS; r++) {
			char name[64];
			snprintf(name, sizeof(name), "lp-%d-%d", i, r);
			LPWSTR wn = ClusapiUtf8ToWide(name);
			HGROUP g = OpenClusterGroup(h, wn);
			free(wn);
			if (!g)
				fail_msg("group %s missing", name);
			CloseClusterGroup(g);
		}
	CloseCluster(h);
	assert_both_loops(&d);
	assert_int_equal(daemon_stop(&d), 0);
	daemon_destroy(&d);
}

/* Waits for a GROUP_ADDED of `name` on the port; false after 5 s. */
static bool port_hears(HCHANGE port, const char *name)
{
	for (int tries = 0; tries < 50; tries++) {
		WCHAR buf[256];
		DWORD cch = 256, filter = 0;
		DWORD_PTR key = 0;
		DWORD rc = GetClusterNotify(port, &key, &filter, buf, &cch, 100);
		if (rc == WAIT_TIMEOUT)
			continue;
		if (rc != ERROR_SUCCESS)
			return false;
		char *u = ClusapiWideToUtf8(buf);
		bool match = filter == CLUSTER_CHANGE_GROUP_ADDED && u && strcmp(u, name) == 0;
		free(u);
		if (match)
			return true;
	}
	return false;
}

static void test_notify_across_loops(void **state)
{
	(void)state;
	enum { PORTS = 4 };
	struct daemon d;
	static const char *const extra[] = { "--loops", "2", "-v", NULL };
	assert_int_equal(daemon_start(&d, DAEMON_LPC_ONLY, extra), 0);
	daemon_use(&d);
	/* Consecutive connections go to alternate loops: the ports are on
	 * both, whichever the writer is on. */
	HCLUSTER cl[PORTS];
	HCHANGE port[PORTS];
	for (int i = 0; i < PORTS; i++) {
		cl[i] = OpenClusterEx(NULL, GENERIC_READ, NULL);
		assert_non_null(cl[i]);
		port[i] = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, cl[i], CLUSTER_CHANGE_GROUP_ADDED,
						  (DWORD_PTR)(i + 1));
		assert_non_null(port[i]);
	}
	HCLUSTER w = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	assert_non_null(w);
	assert_both_loops(&d);
	HGROUP g = CreateClusterGroup(w, u"across");
	assert_non_null(g);
	CloseClusterGroup(g);
	for (int i = 0; i < PORTS; i++) {
		if (!port_hears(port[i], "across"))
			fail_msg("port %d did not hear of the group made on another connection (see %s)", i, d.log);
		CloseClusterNotifyPort(port[i]);
		CloseCluster(cl[i]);
	}
	CloseCluster(w);
	assert_int_equal(daemon_stop(&d), 0);
	daemon_destroy(&d);
}

/* A raw connection; -1 on failure. */
static int connect_tcp(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static int connect_lpc(const char *path)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path))
		return -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* How many of the connections the server has not closed. */
static int count_open(const int *fds, int n)
{
	int open_ = 0;
	for (int i = 0; i < n; i++) {
		char b;
		ssize_t r = recv(fds[i], &b, 1, MSG_DONTWAIT | MSG_PEEK);
		if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			open_++;
	}
	return open_;
}

/* Waits up to 5 s for `want` of them to stay open, then checks it holds. */
static int settle_open(const int *fds, int n, int want)
{
	int got = count_open(fds, n);
	for (int i = 0; i < 100 && got != want; i++) {
		sleep_ms(50);
		got = count_open(fds, n);
	}
	sleep_ms(200);
	return count_open(fds, n);
}

static void test_caps_across_loops(void **state)
{
	(void)state;
	enum { N = 8 };
	struct daemon d;
	static const char *const extra[] = { "--loops", "2", "--max-per-peer", "4", "--login-grace", "60",
					     "--max-lpc-connections", "3", "-v", NULL };
	assert_int_equal(daemon_start(&d, DAEMON_TCP, extra), 0);
	int fds[N];
	/* Per peer, TCP strangers: 4 of 8. */
	for (int i = 0; i < N; i++)
		assert_true((fds[i] = connect_tcp(d.tcp_port)) >= 0);
	assert_int_equal(settle_open(fds, N, 4), 4);
	assert_true(daemon_log_contains(&d, "--max-per-peer"));
	/* Two go: two more may come, not three. */
	int k = 0;
	for (int i = 0; i < N && k < 2; i++)
		if (count_open(&fds[i], 1)) {
			close(fds[i]);
			fds[i] = -1;
			k++;
		}
	for (int i = 0; i < N; i++)
		if (fds[i] < 0 || !count_open(&fds[i], 1)) {
			if (fds[i] >= 0)
				close(fds[i]);
			fds[i] = -1;
		}
	sleep_ms(200); /* the server sees them go */
	int more[3];
	for (int i = 0; i < 3; i++)
		assert_true((more[i] = connect_tcp(d.tcp_port)) >= 0);
	assert_int_equal(settle_open(more, 3, 2), 2);
	for (int i = 0; i < N; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	for (int i = 0; i < 3; i++)
		close(more[i]);

	/* LPC connections, all together: 3 of 8. */
	for (int i = 0; i < N; i++)
		assert_true((fds[i] = connect_lpc(d.lpc)) >= 0);
	assert_int_equal(settle_open(fds, N, 3), 3);
	assert_true(daemon_log_contains(&d, "--max-lpc-connections"));
	for (int i = 0; i < N; i++)
		close(fds[i]);
	assert_both_loops(&d);
	assert_int_equal(daemon_stop(&d), 0);
	daemon_destroy(&d);
}

/* Calls in a loop until one fails (the server went). */
static int hammer(LPCWSTR host)
{
	for (;;) {
		HCLUSTER h = OpenClusterEx(host, GENERIC_READ, NULL);
		if (!h)
			return 0;
		WCHAR buf[128];
		DWORD cch = 128;
		DWORD rc = GetClusterInformation(h, buf, &cch, NULL);
		CloseCluster(h);
		if (rc != ERROR_SUCCESS)
			return 0;
	}
}

static void test_sigterm_busy(void **state)
{
	(void)state;
	enum { N = 8 };
	struct daemon d;
	static const char *const extra[] = { "--loops", "2", "--allow-anonymous", NULL };
	assert_int_equal(daemon_start(&d, DAEMON_TCP, extra), 0);
	daemon_use(&d);
	/* Held open across the stop: told of it. */
	HCLUSTER idle = OpenClusterEx(NULL, GENERIC_READ, NULL);
	assert_non_null(idle);
	pid_t pids[N];
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(hammer(i % 2 ? u"127.0.0.1" : NULL));
	}
	sleep_ms(700);
	time_t t0 = time(NULL);
	assert_int_equal(daemon_stop(&d), 0); /* exit status 0: a clean stop */
	assert_true(time(NULL) - t0 < 10);
	for (int i = 0; i < N; i++) {
		int status;
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status));
	}
	assert_true(daemon_log_contains(&d, "stopping"));
	CloseCluster(idle);
	daemon_destroy(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrent_clients),
		cmocka_unit_test(test_notify_across_loops),
		cmocka_unit_test(test_caps_across_loops),
		cmocka_unit_test(test_sigterm_busy),
	};
	return daemon_finish(cmocka_run_group_tests(tests, NULL, NULL));
}
