/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Conformance, issue 11: a Generic Service on the embedded backend is a
 * systemd unit (private property ServiceName), started and stopped through
 * systemd's D-Bus API and watched there (doc/restypes.md).
 *
 *   test_conformance_gensvc refusal   runs everywhere: a ServiceName that is
 *       not a service unit name is refused (ERROR_INVALID_PARAMETER); where
 *       PID 1 is not systemd, online is refused with ERROR_NOT_SUPPORTED and
 *       clusterd's log says why; with no ServiceName the resource is state
 *       only (online, runs nothing).
 *   test_conformance_gensvc unit      the real path, root on a machine that
 *       runs systemd (exit 77 otherwise): a unit of its own in
 *       /run/systemd/system starts with online, stops with offline; killed
 *       (KillUnit), it is restarted by the restart policy; killed with
 *       RestartAction 0, the resource is failed; a unit that does not exist
 *       fails the online with ERROR_INVALID_PARAMETER.  The unit's state is
 *       read over D-Bus (busctl), as clusterd reads it.
 *       With FAKE_SYSTEMD=1 (tests/service/gensvc-fake.sh) the same against
 *       tests/service/fake_systemd.c on a private bus, where also a unit that
 *       fails to start fails the online (ERROR_INTERNAL_ERROR).
 *
 * The target is CLUSTERD (a clusterd the test starts) or CLUSAPI_LPC_SOCKET
 * (a running embedded clusterd; its log is not checked then).
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

static struct daemon own_daemon;
static bool started_daemon;
static HCLUSTER cl;
static char gname[80];

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

/* One property in a property list: SZ (text) or DWORD (text NULL). */
static DWORD set_prop(HRESOURCE r, DWORD code, const char *name, const char *text, uint32_t dword)
{
	uint8_t buf[1024];
	size_t off = put32(buf, 0, 1);
	off = put32(buf, off, 0x00040003u); /* NAME */
	off = put_wide(buf, off, name);
	if (text) {
		off = put32(buf, off, 0x00010003u); /* SZ */
		off = put_wide(buf, off, text);
	} else {
		off = put32(buf, off, 0x00010002u); /* DWORD */
		off = put32(buf, off, 4);
		off = put32(buf, off, dword);
	}
	off = put32(buf, off, 0); /* ENDMARK */
	DWORD ret = 0;
	DWORD rc = ClusterResourceControl(r, NULL, code, buf, (DWORD)off, NULL, 0, &ret);
	return rc == ERROR_RESOURCE_PROPERTIES_STORED ? ERROR_SUCCESS : rc;
}

static DWORD set_service_name(HRESOURCE r, const char *unit)
{
	return set_prop(r, CONF_CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES, "ServiceName", unit, 0);
}

static CLUSTER_RESOURCE_STATE state_of(HRESOURCE r)
{
	return GetClusterResourceState(r, NULL, NULL, NULL, NULL);
}

static void wait_res(HRESOURCE r, CLUSTER_RESOURCE_STATE want, const char *what)
{
	double end = now_s() + WAIT_S;
	CLUSTER_RESOURCE_STATE s;
	do {
		s = state_of(r);
		if (s == want)
			return;
		sleep_ms(50);
	} while (now_s() < end);
	fail_msg("%s: resource state %d, wanted %d within %d s", what, s, want, WAIT_S);
}

static HRESOURCE create_service(HGROUP g, const char *name)
{
	WCHAR *wr = W(name), *wt = W("Generic Service");
	HRESOURCE r = CreateClusterResource(g, wr, wt, 0);
	free(wr);
	free(wt);
	if (!r)
		fail_msg("CreateClusterResource(%s, Generic Service): %s", name, ename(GetLastError()));
	return r;
}

static bool log_says(const char *needle)
{
	FILE *f = fopen(own_daemon.log, "r");
	if (!f)
		return false;
	char line[2048];
	bool found = false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

static bool systemd_runs(void)
{
	return access("/run/systemd/system", F_OK) == 0;
}

/* ---- everywhere ---------------------------------------------------------------- */

static void test_gensvc_refusal(void **state)
{
	(void)state;
	WCHAR *wg = W(gname);
	HGROUP g = OpenClusterGroup(cl, wg);
	free(wg);
	assert_non_null(g);
	char rname[96];
	snprintf(rname, sizeof(rname), "gensvc-refused-%d", (int)getpid());
	HRESOURCE r = create_service(g, rname);

	/* No ServiceName: state only, as before units. */
	expect_rc(OnlineClusterResource(r), ERROR_SUCCESS);
	assert_int_equal(state_of(r), ClusterResourceOnline);
	expect_rc(OfflineClusterResource(r), ERROR_SUCCESS);
	assert_int_equal(state_of(r), ClusterResourceOffline);

	/* Not a service unit name: refused whether or not systemd runs. */
	static const char *const bad[] = { "a/b", "-x", "evil.service;reboot", "x.socket", ".service" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		expect_rc(set_service_name(r, bad[i]), ERROR_SUCCESS);
		DWORD rc = OnlineClusterResource(r);
		if (rc != ERROR_INVALID_PARAMETER)
			fail_msg("online with ServiceName \"%s\": %u %s, wanted ERROR_INVALID_PARAMETER", bad[i],
				 (unsigned)rc, ename(rc));
		assert_int_equal(state_of(r), ClusterResourceOffline);
	}

	if (!systemd_runs()) {
		/* No systemd: refused with a defined error and a log line. */
		char unit[80];
		snprintf(unit, sizeof(unit), "clusapi-conformance-%d", (int)getpid());
		expect_rc(set_service_name(r, unit), ERROR_SUCCESS);
		expect_rc(OnlineClusterResource(r), ERROR_NOT_SUPPORTED);
		assert_int_equal(state_of(r), ClusterResourceOffline);
		if (started_daemon && !log_says("this machine does not run systemd (no /run/systemd/system)"))
			fail_msg("clusterd's log (%s) does not say why the Generic Service did not start",
				 own_daemon.log);
		/* The group online fails the same way, nothing left half done. */
		DWORD rc = OnlineClusterGroup(g, NULL);
		if (rc != ERROR_NOT_SUPPORTED)
			fail_msg("OnlineClusterGroup: %u %s, wanted ERROR_NOT_SUPPORTED", (unsigned)rc, ename(rc));
		assert_int_equal(state_of(r), ClusterResourceOffline);
	} else {
		printf("# systemd runs here: the refusal without systemd is not exercised\n");
	}
	expect_rc(DeleteClusterResource(r), ERROR_SUCCESS);
	CloseClusterResource(r);
	CloseClusterGroup(g);
}

/* ---- the real path: systemd, root ----------------------------------------------- */

static char unit_name[96], unit_path[160];
static bool fake;

/* The unit's ActiveState over D-Bus ("" when it cannot be read). */
static void unit_state(char *out, size_t cap)
{
	char path[512] = "/org/freedesktop/systemd1/unit/", cmd[800];
	size_t n = strlen(path);
	for (const char *c = unit_name; *c && n + 4 < sizeof(path); c++) {
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9'))
			path[n++] = *c;
		else
			n += (size_t)snprintf(path + n, sizeof(path) - n, "_%02x", (unsigned)(unsigned char)*c);
	}
	path[n] = 0;
	snprintf(cmd, sizeof(cmd),
		 "busctl --system get-property org.freedesktop.systemd1 %s org.freedesktop.systemd1.Unit ActiveState",
		 path);
	out[0] = 0;
	FILE *f = popen(cmd, "r");
	char line[128] = "";
	if (f && fgets(line, sizeof(line), f)) {
		/* s "active" */
		char *q = strchr(line, '"'), *e = q ? strchr(q + 1, '"') : NULL;
		if (q && e) {
			*e = 0;
			snprintf(out, cap, "%s", q + 1);
		}
	}
	if (f)
		pclose(f);
}

static bool unit_active(void)
{
	char st[32];
	unit_state(st, sizeof(st));
	return strcmp(st, "active") == 0;
}

static void wait_unit(bool active, const char *what)
{
	double end = now_s() + WAIT_S;
	while (unit_active() != active) {
		if (now_s() > end)
			fail_msg("%s: %s is %s after %d s", what, unit_name, active ? "not active" : "still active",
				 WAIT_S);
		sleep_ms(100);
	}
}

static void kill_unit(void)
{
	char cmd[512];
	snprintf(cmd, sizeof(cmd),
		 "busctl --system call org.freedesktop.systemd1 /org/freedesktop/systemd1 "
		 "org.freedesktop.systemd1.Manager KillUnit ssi %s all 9 >/dev/null",
		 unit_name);
	if (system(cmd) != 0)
		fail_msg("%s failed", cmd);
}

static void test_gensvc_unit(void **state)
{
	(void)state;
	WCHAR *wg = W(gname);
	HGROUP g = OpenClusterGroup(cl, wg);
	free(wg);
	assert_non_null(g);
	char rname[96];
	snprintf(rname, sizeof(rname), "gensvc-unit-%d", (int)getpid());
	HRESOURCE r = create_service(g, rname);
	expect_rc(set_service_name(r, unit_name), ERROR_SUCCESS);

	/* Online starts it, offline stops it. */
	expect_rc(OnlineClusterResource(r), ERROR_SUCCESS);
	assert_int_equal(state_of(r), ClusterResourceOnline);
	wait_unit(true, "after online");
	expect_rc(OfflineClusterResource(r), ERROR_SUCCESS);
	assert_int_equal(state_of(r), ClusterResourceOffline);
	wait_unit(false, "after offline");

	/* Killed: restarted after RestartDelay (the default threshold: 1). */
	expect_rc(set_prop(r, CLUSCTL_RESOURCE_SET_COMMON_PROPERTIES, "RestartDelay", NULL, 200), ERROR_SUCCESS);
	expect_rc(OnlineClusterResource(r), ERROR_SUCCESS);
	wait_unit(true, "online again");
	double t0 = now_s();
	kill_unit();
	wait_unit(false, "killed");
	wait_res(r, ClusterResourceOnline, "restarted");
	wait_unit(true, "restarted");
	printf("# killed unit restarted and online after %.2f s\n", now_s() - t0);

	/* Killed with RestartAction 0: failed, the unit left stopped. */
	expect_rc(set_prop(r, CLUSCTL_RESOURCE_SET_COMMON_PROPERTIES, "RestartAction", NULL, 0), ERROR_SUCCESS);
	kill_unit();
	wait_res(r, ClusterResourceFailed, "killed with RestartAction 0");
	sleep_ms(500);
	assert_false(unit_active());

	expect_rc(OfflineClusterResource(r), ERROR_SUCCESS);

	/* A unit that does not exist. */
	char other[128];
	snprintf(other, sizeof(other), "clusapi-missing-%d", (int)getpid());
	expect_rc(set_service_name(r, other), ERROR_SUCCESS);
	expect_rc(OnlineClusterResource(r), ERROR_INVALID_PARAMETER);
	assert_int_equal(state_of(r), ClusterResourceOffline);
	if (fake) {
		/* One whose start job fails. */
		snprintf(other, sizeof(other), "clusapi-broken-%d.service", (int)getpid());
		expect_rc(set_service_name(r, other), ERROR_SUCCESS);
		expect_rc(OnlineClusterResource(r), ERROR_INTERNAL_ERROR);
		assert_int_equal(state_of(r), ClusterResourceOffline);
	}
	expect_rc(DeleteClusterResource(r), ERROR_SUCCESS);
	CloseClusterResource(r);
	CloseClusterGroup(g);
}

/* ---- setup ---------------------------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	const char *lpc = getenv("CLUSAPI_LPC_SOCKET");
	if (!lpc || !*lpc) {
		if (!getenv("CLUSTERD")) {
			fprintf(stderr, "set CLUSAPI_LPC_SOCKET (a clusterd to test), or CLUSTERD to start one\n");
			return -1;
		}
		/* GENSVC_CLUSTERD_USER (gensvc-fake.sh): clusterd --user U, its
		 * unit requests then go through the privileged helper. */
		const char *user = getenv("GENSVC_CLUSTERD_USER");
		const char *extra[] = { "--user", user, NULL };
		if (daemon_start(&own_daemon, DAEMON_LPC_ONLY, user && *user ? extra : NULL) != 0) {
			fprintf(stderr, "cannot start clusterd\n");
			return -1;
		}
		started_daemon = true;
		daemon_use(&own_daemon);
	}
	snprintf(gname, sizeof(gname), "Gensvc Group %d", (int)getpid());
	cl = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	if (!cl) {
		fprintf(stderr, "cannot open the cluster: %s\n", ename(GetLastError()));
		return -1;
	}
	WCHAR *wg = W(gname);
	HGROUP g = CreateClusterGroup(cl, wg);
	free(wg);
	if (!g) {
		fprintf(stderr, "CreateClusterGroup: %s\n", ename(GetLastError()));
		return -1;
	}
	CloseClusterGroup(g);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (cl) {
		WCHAR *wg = W(gname);
		HGROUP g = OpenClusterGroup(cl, wg);
		free(wg);
		if (g) {
			OfflineClusterGroup(g);
			HGROUPENUM e = ClusterGroupOpenEnum(g, CLUSTER_GROUP_ENUM_CONTAINS);
			for (DWORD i = 0; e; i++) {
				WCHAR name[256];
				DWORD cch = 256, type = 0;
				if (ClusterGroupEnum(e, i, &type, name, &cch) != ERROR_SUCCESS)
					break;
				HRESOURCE r = OpenClusterResource(cl, name);
				if (r) {
					OfflineClusterResource(r);
					DeleteClusterResource(r);
					CloseClusterResource(r);
					i--;
				}
			}
			if (e)
				ClusterGroupCloseEnum(e);
			DeleteClusterGroup(g);
			CloseClusterGroup(g);
		}
		CloseCluster(cl);
	}
	if (unit_path[0]) {
		char cmd[256];
		snprintf(cmd, sizeof(cmd), "systemctl stop %s >/dev/null 2>&1", unit_name);
		if (system(cmd) < 0)
			perror("system");
		unlink(unit_path);
		if (system("systemctl daemon-reload") < 0)
			perror("system");
	}
	return 0;
}

/* The unit of the real path: sleeps, no Restart= of its own. */
static int make_unit(void)
{
	snprintf(unit_name, sizeof(unit_name), "clusapi-conformance-%d.service", (int)getpid());
	snprintf(unit_path, sizeof(unit_path), "/run/systemd/system/%s", unit_name);
	FILE *f = fopen(unit_path, "w");
	if (!f) {
		perror(unit_path);
		unit_path[0] = 0;
		return -1;
	}
	fprintf(f, "# written by libclusapi's test_conformance_gensvc; removed at its end\n"
		   "[Unit]\nDescription=libclusapi conformance Generic Service\n"
		   "[Service]\nExecStart=/bin/sleep 600\n");
	fclose(f);
	return system("systemctl daemon-reload") == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "refusal";
	if (strcmp(mode, "unit") == 0) {
		const char *f = getenv("FAKE_SYSTEMD");
		fake = f && strcmp(f, "1") == 0;
		if (fake) {
			/* gensvc-fake.sh: a private bus, /run/systemd/system in a
			 * mount namespace of its own, no unit file. */
			snprintf(unit_name, sizeof(unit_name), "clusapi-conformance-%d.service", (int)getpid());
			const struct CMUnitTest tests[] = { cmocka_unit_test(test_gensvc_unit) };
			return daemon_finish(cmocka_run_group_tests(tests, setup, teardown));
		}
		if (!systemd_runs()) {
			printf("SKIP: this machine does not run systemd as PID 1 (no /run/systemd/system): "
			       "a Generic Service has no unit to start here\n");
			return 77;
		}
		if (geteuid() != 0) {
			printf("SKIP: not root (the test writes a unit to /run/systemd/system)\n");
			return 77;
		}
		if (make_unit() != 0) {
			fprintf(stderr, "cannot install the test unit %s\n", unit_path);
			teardown(NULL);
			return 1;
		}
		const struct CMUnitTest tests[] = { cmocka_unit_test(test_gensvc_unit) };
		return daemon_finish(cmocka_run_group_tests(tests, setup, teardown));
	}
	if (strcmp(mode, "refusal") != 0) {
		fprintf(stderr, "usage: %s [refusal|unit]\n", argv[0]);
		return 2;
	}
	const struct CMUnitTest tests[] = { cmocka_unit_test(test_gensvc_refusal) };
	return daemon_finish(cmocka_run_group_tests(tests, setup, teardown));
}
