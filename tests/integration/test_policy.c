/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Failure policies on the embedded backend (issue 11, part 3): the common
 * properties of resources and groups read and written through the controls
 * (defaults, values kept, bad values refused), and the restart policy of a
 * Generic Application: killed with SIGKILL in a loop, it is restarted
 * RestartDelay after each death (online pending meanwhile), and failed at the
 * first death past RestartThreshold restarts within RestartPeriod.  Prints
 * the restart times it measured.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "clusapi.h"
#include "daemon.h"

#define SYNTAX_ENDMARK 0u
#define SYNTAX_NAME 0x00040003u
#define SYNTAX_DWORD 0x00010002u
#define SYNTAX_SZ 0x00010003u
#define SET_COMMON 0x0140005eu     /* CLUSCTL_RESOURCE_SET_COMMON_PROPERTIES */
#define SET_PRIVATE 0x01400086u    /* CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES */
#define GROUP_SET_COMMON 0x0340005eu
#define GROUP_GET_COMMON 0x03000059u

static struct daemon dmn;
static HCLUSTER cl;

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

/* ---- property lists ---------------------------------------------------------- */

struct plist {
	uint8_t b[2048];
	size_t off;
	uint32_t count;
};

static void put32(struct plist *l, uint32_t v)
{
	assert_true(l->off + 4 <= sizeof(l->b));
	l->b[l->off++] = (uint8_t)v;
	l->b[l->off++] = (uint8_t)(v >> 8);
	l->b[l->off++] = (uint8_t)(v >> 16);
	l->b[l->off++] = (uint8_t)(v >> 24);
}

static void put_wide(struct plist *l, const char *s)
{
	size_t n = strlen(s), bytes = (n + 1) * 2, padded = (bytes + 3) & ~(size_t)3;
	put32(l, (uint32_t)bytes);
	assert_true(l->off + padded <= sizeof(l->b));
	memset(l->b + l->off, 0, padded);
	for (size_t i = 0; i < n; i++)
		l->b[l->off + 2 * i] = (uint8_t)s[i]; /* ASCII here */
	l->off += padded;
}

static void plist_begin(struct plist *l)
{
	memset(l, 0, sizeof(*l));
	l->off = 4;
}

static void plist_dword(struct plist *l, const char *name, uint32_t v)
{
	put32(l, SYNTAX_NAME);
	put_wide(l, name);
	put32(l, SYNTAX_DWORD);
	put32(l, 4);
	put32(l, v);
	put32(l, SYNTAX_ENDMARK);
	l->count++;
}

static void plist_sz(struct plist *l, const char *name, const char *text)
{
	put32(l, SYNTAX_NAME);
	put_wide(l, name);
	put32(l, SYNTAX_SZ);
	put_wide(l, text);
	put32(l, SYNTAX_ENDMARK);
	l->count++;
}

static DWORD plist_len(struct plist *l)
{
	size_t end = l->off;
	l->off = 0;
	put32(l, l->count);
	l->off = end;
	return (DWORD)end;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The DWORD property `name` of a property list; fails the test when absent. */
static uint32_t find_dword(const uint8_t *buf, DWORD len, const char *name)
{
	uint32_t count = get32(buf);
	size_t off = 4;
	for (uint32_t i = 0; i < count; i++) {
		assert_true(off + 8 <= len);
		assert_int_equal(get32(buf + off), SYNTAX_NAME);
		uint32_t n = get32(buf + off + 4);
		char pname[128] = "";
		for (uint32_t k = 0; k + 1 < n && k / 2 < sizeof(pname) - 1; k += 2)
			pname[k / 2] = (char)buf[off + 8 + k];
		off += 8 + ((n + 3) & ~3u);
		uint32_t syn = get32(buf + off), vlen = get32(buf + off + 4);
		uint32_t v = vlen == 4 ? get32(buf + off + 8) : 0;
		off += 8 + ((vlen + 3) & ~3u);
		assert_int_equal(get32(buf + off), SYNTAX_ENDMARK);
		off += 4;
		if (strcmp(pname, name) == 0) {
			assert_int_equal(syn, SYNTAX_DWORD);
			return v;
		}
	}
	fail_msg("no property %s", name);
	return 0;
}

static uint32_t res_prop(HRESOURCE r, const char *name)
{
	uint8_t buf[4096];
	DWORD ret = 0;
	assert_int_equal(ClusterResourceControl(r, NULL, CLUSCTL_RESOURCE_GET_COMMON_PROPERTIES, NULL, 0, buf,
						sizeof(buf), &ret),
			 ERROR_SUCCESS);
	return find_dword(buf, ret, name);
}

static DWORD res_set(HRESOURCE r, DWORD code, struct plist *l)
{
	DWORD len = plist_len(l), ret = 0;
	return ClusterResourceControl(r, NULL, code, l->b, len, NULL, 0, &ret);
}

/* ---- fixtures ---------------------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	if (daemon_start(&dmn, DAEMON_LPC_ONLY, NULL) != 0)
		return -1;
	daemon_use(&dmn);
	cl = OpenCluster(NULL);
	return cl ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	if (cl)
		CloseCluster(cl);
	daemon_destroy(&dmn);
	return 0;
}

static HGROUP new_group(const char *name)
{
	WCHAR *w = ClusapiUtf8ToWide(name);
	HGROUP g = CreateClusterGroup(cl, w);
	free(w);
	assert_non_null(g);
	return g;
}

static HRESOURCE new_app(HGROUP g, const char *name, const char *cmdline)
{
	WCHAR *w = ClusapiUtf8ToWide(name);
	HRESOURCE r = CreateClusterResource(g, w, u"Generic Application", 0);
	free(w);
	assert_non_null(r);
	if (cmdline) {
		struct plist l;
		plist_begin(&l);
		plist_sz(&l, "CommandLine", cmdline);
		assert_int_equal(res_set(r, SET_PRIVATE, &l), ERROR_SUCCESS);
	}
	return r;
}

/* ---- the properties ------------------------------------------------------------ */

static void test_policy_properties(void **state)
{
	(void)state;
	HGROUP g = new_group("Policy Props");
	HRESOURCE r = new_app(g, "policy-props", NULL);
	/* Windows' defaults. */
	assert_int_equal(res_prop(r, "RestartAction"), 2);
	assert_int_equal(res_prop(r, "RestartThreshold"), 1);
	assert_int_equal(res_prop(r, "RestartPeriod"), 900000);
	assert_int_equal(res_prop(r, "RestartDelay"), 500);
	assert_int_equal(res_prop(r, "PendingTimeout"), 180000);
	assert_int_equal(res_prop(r, "LooksAlivePollInterval"), 5000);
	assert_int_equal(res_prop(r, "IsAlivePollInterval"), 60000);
	/* Written, read back. */
	struct plist l;
	plist_begin(&l);
	plist_dword(&l, "RestartThreshold", 5);
	plist_dword(&l, "RestartPeriod", 30000);
	plist_dword(&l, "RestartDelay", 250);
	assert_int_equal(res_set(r, SET_COMMON, &l), ERROR_SUCCESS);
	assert_int_equal(res_prop(r, "RestartThreshold"), 5);
	assert_int_equal(res_prop(r, "RestartPeriod"), 30000);
	assert_int_equal(res_prop(r, "RestartDelay"), 250);
	/* Refused, and nothing of the list written: a value out of range, a
	 * string, a group's property on a resource. */
	plist_begin(&l);
	plist_dword(&l, "RestartThreshold", 7);
	plist_dword(&l, "RestartAction", 3);
	assert_int_equal(res_set(r, SET_COMMON, &l), ERROR_INVALID_PARAMETER);
	assert_int_equal(res_prop(r, "RestartThreshold"), 5);
	plist_begin(&l);
	plist_sz(&l, "RestartDelay", "100");
	assert_int_equal(res_set(r, SET_COMMON, &l), ERROR_INVALID_PARAMETER);
	plist_begin(&l);
	plist_dword(&l, "AutoFailbackType", 1);
	assert_int_equal(res_set(r, SET_COMMON, &l), ERROR_INVALID_PARAMETER);

	/* A group's. */
	uint8_t buf[4096];
	DWORD ret = 0;
	assert_int_equal(ClusterGroupControl(g, NULL, GROUP_GET_COMMON, NULL, 0, buf, sizeof(buf), &ret), ERROR_SUCCESS);
	assert_int_equal(find_dword(buf, ret, "FailoverThreshold"), 0xFFFFFFFFu);
	assert_int_equal(find_dword(buf, ret, "FailoverPeriod"), 6);
	assert_int_equal(find_dword(buf, ret, "AutoFailbackType"), 0);
	assert_int_equal(find_dword(buf, ret, "FailbackWindowStart"), 0xFFFFFFFFu);
	plist_begin(&l);
	plist_dword(&l, "AutoFailbackType", 1);
	plist_dword(&l, "FailbackWindowStart", 22);
	plist_dword(&l, "FailbackWindowEnd", 4);
	plist_dword(&l, "FailoverThreshold", 3);
	DWORD len = plist_len(&l);
	assert_int_equal(ClusterGroupControl(g, NULL, GROUP_SET_COMMON, l.b, len, NULL, 0, &ret), ERROR_SUCCESS);
	assert_int_equal(ClusterGroupControl(g, NULL, GROUP_GET_COMMON, NULL, 0, buf, sizeof(buf), &ret), ERROR_SUCCESS);
	assert_int_equal(find_dword(buf, ret, "AutoFailbackType"), 1);
	assert_int_equal(find_dword(buf, ret, "FailbackWindowStart"), 22);
	assert_int_equal(find_dword(buf, ret, "FailbackWindowEnd"), 4);
	assert_int_equal(find_dword(buf, ret, "FailoverThreshold"), 3);
	plist_begin(&l);
	plist_dword(&l, "FailbackWindowStart", 24);
	len = plist_len(&l);
	assert_int_equal(ClusterGroupControl(g, NULL, GROUP_SET_COMMON, l.b, len, NULL, 0, &ret),
			 ERROR_INVALID_PARAMETER);

	assert_int_equal(DeleteClusterResource(r), ERROR_SUCCESS);
	CloseClusterResource(r);
	assert_int_equal(DeleteClusterGroup(g), ERROR_SUCCESS);
	CloseClusterGroup(g);
}

/* ---- the restart policy ------------------------------------------------------------ */

/* The pid the command wrote, or 0. */
static pid_t read_pid(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	long pid = 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	return (pid_t)pid;
}

/* Wait (up to 10 s) for a state; the seconds it took, or -1. */
static double wait_state(HRESOURCE r, CLUSTER_RESOURCE_STATE want, double since)
{
	double end = now_s() + 10;
	while (now_s() < end) {
		if (GetClusterResourceState(r, NULL, NULL, NULL, NULL) == want)
			return now_s() - since;
		sleep_ms(5);
	}
	return -1;
}

static void test_restart_policy(void **state)
{
	(void)state;
	char pidfile[400], cmd[1400];
	snprintf(pidfile, sizeof(pidfile), "%s/app.pid", dmn.dir);
	snprintf(cmd, sizeof(cmd), "echo $$ > %s.tmp && mv %s.tmp %s && exec sleep 600", pidfile, pidfile, pidfile);
	HGROUP g = new_group("Policy Restart");
	HRESOURCE r = new_app(g, "policy-app", cmd);
	const uint32_t threshold = 3, delay = 300;
	struct plist l;
	plist_begin(&l);
	plist_dword(&l, "RestartThreshold", threshold);
	plist_dword(&l, "RestartPeriod", 60000);
	plist_dword(&l, "RestartDelay", delay);
	assert_int_equal(res_set(r, SET_COMMON, &l), ERROR_SUCCESS);
	/* A dependent: it stays online through the restarts, and goes offline
	 * with its provider when that is failed. */
	HRESOURCE dep = new_app(g, "policy-dependent", "exec sleep 600");
	assert_int_equal(AddClusterResourceDependency(dep, r), ERROR_SUCCESS);
	DWORD rc = OnlineClusterResource(dep); /* brings its provider up first */
	assert_true(rc == ERROR_SUCCESS || rc == ERROR_IO_PENDING);
	assert_true(wait_state(dep, ClusterResourceOnline, now_s()) >= 0);
	assert_true(wait_state(r, ClusterResourceOnline, now_s()) >= 0);

	for (uint32_t death = 1; death <= threshold + 1; death++) {
		pid_t pid = 0;
		double end = now_s() + 5;
		while (!(pid = read_pid(pidfile)) && now_s() < end)
			sleep_ms(5);
		assert_true(pid > 0);
		unlink(pidfile);
		double t0 = now_s();
		assert_int_equal(kill(pid, SIGKILL), 0);
		if (death <= threshold) {
			/* Pending while it waits RestartDelay, then online again
			 * with a new process. */
			double pend = wait_state(r, ClusterResourceOnlinePending, t0);
			double up = wait_state(r, ClusterResourceOnline, t0);
			if (pend < 0 || up < 0)
				fail_msg("death %u: pending after %.3f s, online after %.3f s", (unsigned)death, pend, up);
			if (up < delay / 1000.0 || up > delay / 1000.0 + 1.0)
				fail_msg("death %u: online again after %.3f s, RestartDelay is %u ms", (unsigned)death, up,
					 (unsigned)delay);
			end = now_s() + 5;
			pid_t again = 0;
			while (!(again = read_pid(pidfile)) && now_s() < end)
				sleep_ms(5);
			assert_true(again > 0 && again != pid);
			printf("# restart %u of %u: pending after %.1f ms, online after %.1f ms (RestartDelay %u ms)\n",
			       (unsigned)death, (unsigned)threshold, pend * 1000, up * 1000, (unsigned)delay);
		} else {
			/* Past the threshold within the period: failed, not restarted. */
			double failed = wait_state(r, ClusterResourceFailed, t0);
			if (failed < 0)
				fail_msg("death %u: not failed", (unsigned)death);
			printf("# death %u (past RestartThreshold %u): failed after %.1f ms\n", (unsigned)death,
			       (unsigned)threshold, failed * 1000);
			sleep_ms(delay + 200);
			assert_int_equal(GetClusterResourceState(r, NULL, NULL, NULL, NULL), ClusterResourceFailed);
			assert_int_equal(read_pid(pidfile), 0);
			assert_int_equal(GetClusterGroupState(g, NULL, NULL), ClusterGroupFailed);
			assert_int_equal(GetClusterResourceState(dep, NULL, NULL, NULL, NULL), ClusterResourceOffline);
		}
		if (death <= threshold)
			assert_int_equal(GetClusterResourceState(dep, NULL, NULL, NULL, NULL), ClusterResourceOnline);
	}
	assert_int_equal(DeleteClusterResource(dep), ERROR_SUCCESS);
	CloseClusterResource(dep);

	/* Brought online by hand, it runs again with a fresh history. */
	rc = OnlineClusterResource(r);
	assert_true(rc == ERROR_SUCCESS || rc == ERROR_IO_PENDING);
	assert_true(wait_state(r, ClusterResourceOnline, now_s()) >= 0);

	/* RestartAction 0: the first death fails it. */
	plist_begin(&l);
	plist_dword(&l, "RestartAction", 0);
	assert_int_equal(res_set(r, SET_COMMON, &l), ERROR_SUCCESS);
	pid_t pid = 0;
	double end = now_s() + 5;
	while (!(pid = read_pid(pidfile)) && now_s() < end)
		sleep_ms(5);
	assert_true(pid > 0);
	double t0 = now_s();
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_true(wait_state(r, ClusterResourceFailed, t0) >= 0);

	/* Offline while a restart is pending: it stays offline. */
	plist_begin(&l);
	plist_dword(&l, "RestartAction", 2);
	plist_dword(&l, "RestartDelay", 1000);
	assert_int_equal(res_set(r, SET_COMMON, &l), ERROR_SUCCESS);
	unlink(pidfile);
	rc = OnlineClusterResource(r);
	assert_true(wait_state(r, ClusterResourceOnline, now_s()) >= 0);
	end = now_s() + 5;
	while (!(pid = read_pid(pidfile)) && now_s() < end)
		sleep_ms(5);
	assert_true(pid > 0);
	unlink(pidfile);
	t0 = now_s();
	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_true(wait_state(r, ClusterResourceOnlinePending, t0) >= 0);
	rc = OfflineClusterResource(r);
	assert_true(rc == ERROR_SUCCESS || rc == ERROR_IO_PENDING);
	sleep_ms(1300);
	assert_int_equal(GetClusterResourceState(r, NULL, NULL, NULL, NULL), ClusterResourceOffline);
	assert_int_equal(read_pid(pidfile), 0);

	assert_int_equal(DeleteClusterResource(r), ERROR_SUCCESS);
	CloseClusterResource(r);
	assert_int_equal(DeleteClusterGroup(g), ERROR_SUCCESS);
	CloseClusterGroup(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_properties),
		cmocka_unit_test(test_restart_policy),
	};
	return daemon_finish(cmocka_run_group_tests(tests, setup, teardown));
}
