/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Group commit (issue 12): concurrent durable writes share their commits, and
 * still nothing is acknowledged before its commit.  Writers in processes of
 * their own create resources as fast as they can and record each creation
 * the server acknowledged; clusterd is killed with SIGKILL in the middle;
 * after a restart every acknowledged resource must be there.  Without a
 * crash, all of them are there and the notification port saw them added.
 * Run with one event loop, and with two (the writers' connections on both:
 * a turn's changes may wait for the other loop's commit, which must then
 * hold them before either loop answers).
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "clusapi.h"
#include "daemon.h"

#define WRITERS 8
#define PER_WRITER 400

/* What the writers share with the parent: how many of their creations were
 * acknowledged (names are "gc-<writer>-<i>", made in order). */
struct shared {
	volatile long acked[WRITERS];
};

static void name_of(char *buf, size_t len, int w, long i)
{
	snprintf(buf, len, "gc-%d-%ld", w, i);
}

static int writer(struct shared *sh, int w)
{
	HCLUSTER h = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	HGROUP g = h ? OpenClusterGroup(h, u"gc") : NULL;
	if (!g)
		return 1;
	for (long i = 0; i < PER_WRITER; i++) {
		char name[64];
		name_of(name, sizeof(name), w, i);
		LPWSTR wn = ClusapiUtf8ToWide(name);
		HRESOURCE r = CreateClusterResource(g, wn, u"Generic Service", 0);
		free(wn);
		if (!r)
			return 0; /* the server went: what was acknowledged is counted */
		sh->acked[w] = i + 1;
		CloseClusterResource(r);
	}
	return 0;
}

/* Run the writers; kill_after_ms > 0 kills clusterd -9 that long after they
 * started.  Returns the number of acknowledged creations. */
static long run_writers(struct daemon *d, struct shared *sh, int kill_after_ms)
{
	pid_t pids[WRITERS];
	for (int w = 0; w < WRITERS; w++) {
		sh->acked[w] = 0;
		pids[w] = fork();
		assert_true(pids[w] >= 0);
		if (pids[w] == 0)
			_exit(writer(sh, w));
	}
	if (kill_after_ms > 0) {
		struct timespec ts = { kill_after_ms / 1000, (kill_after_ms % 1000) * 1000000L };
		nanosleep(&ts, NULL);
		daemon_kill9(d);
	}
	long total = 0;
	for (int w = 0; w < WRITERS; w++) {
		int status;
		waitpid(pids[w], &status, 0);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		total += sh->acked[w];
	}
	return total;
}

/* Every acknowledged resource exists. */
static void check_acked(const struct shared *sh)
{
	HCLUSTER h = OpenClusterEx(NULL, GENERIC_READ, NULL);
	assert_non_null(h);
	for (int w = 0; w < WRITERS; w++) {
		for (long i = 0; i < sh->acked[w]; i++) {
			char name[64];
			name_of(name, sizeof(name), w, i);
			LPWSTR wn = ClusapiUtf8ToWide(name);
			HRESOURCE r = OpenClusterResource(h, wn);
			free(wn);
			if (!r)
				fail_msg("acknowledged resource %s is missing after the crash: %s", name,
					 ClusapiErrorMessage(GetLastError()));
			CloseClusterResource(r);
		}
	}
	CloseCluster(h);
}

static void crash_keeps_acknowledged(const char *const *extra)
{
	struct daemon d;
	struct shared *sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(sh != MAP_FAILED);
	assert_int_equal(daemon_start(&d, DAEMON_LPC_ONLY, extra), 0);
	daemon_use(&d);
	HCLUSTER h = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	assert_non_null(h);
	HGROUP g = CreateClusterGroup(h, u"gc");
	assert_non_null(g);
	CloseClusterGroup(g);
	CloseCluster(h);

	/* Without a crash: everything there. */
	long all = run_writers(&d, sh, 0);
	assert_int_equal(all, WRITERS * PER_WRITER);
	check_acked(sh);

	/* Again, killed in the middle, three times. */
	for (int round = 0; round < 3; round++) {
		/* From scratch (the names are reused): a new state directory. */
		assert_int_equal(daemon_stop(&d), 0);
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d.state);
		assert_int_equal(system(cmd), 0);
		assert_int_equal(daemon_restart(&d, DAEMON_LPC_ONLY, extra), 0);
		h = OpenClusterEx(NULL, GENERIC_ALL, NULL);
		assert_non_null(h);
		g = CreateClusterGroup(h, u"gc");
		assert_non_null(g);
		CloseClusterGroup(g);
		CloseCluster(h);

		long acked = run_writers(&d, sh, 150 + 100 * round);
		fprintf(stderr, "round %d: %ld creations acknowledged before the kill -9\n", round, acked);
		assert_int_equal(daemon_restart(&d, DAEMON_LPC_ONLY, extra), 0);
		check_acked(sh);
	}
	daemon_destroy(&d);
	munmap(sh, sizeof(*sh));
}

static void test_crash_keeps_acknowledged_one_loop(void **state)
{
	(void)state;
	static const char *const extra[] = { "--loops", "1", NULL };
	crash_keeps_acknowledged(extra);
}

static void test_crash_keeps_acknowledged_two_loops(void **state)
{
	(void)state;
	static const char *const extra[] = { "--loops", "2", NULL };
	crash_keeps_acknowledged(extra);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crash_keeps_acknowledged_one_loop),
		cmocka_unit_test(test_crash_keeps_acknowledged_two_loops),
	};
	return daemon_finish(cmocka_run_group_tests(tests, NULL, NULL));
}
