/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Conformance: lookups and the rest of the classic calls (GetClusterFrom*,
 * GetClusterNodeId, GetNodeClusterState, GetClusterQuorumResource,
 * SetClusterQuorumResource, EvictClusterNodeEx's errors, BackupClusterDatabase,
 * RestoreClusterDatabase, SetClusterServiceAccountPassword), through the
 * public API only.  Target as in test_conformance.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "clusapi.h"
#include "common.h"
#include "daemon.h"

static struct daemon own_daemon;
static bool started_daemon;
static HCLUSTER cl;

static bool first_of(DWORD type, WCHAR *name, DWORD cap)
{
	HCLUSENUM e = ClusterOpenEnum(cl, type);
	if (!e)
		return false;
	DWORD cch = cap, t;
	bool ok = ClusterEnum(e, 0, &t, name, &cch) == ERROR_SUCCESS;
	ClusterCloseEnum(e);
	return ok;
}

static void cluster_name(HCLUSTER h, char *out, size_t cap)
{
	WCHAR w[256];
	DWORD cch = 256;
	assert_int_equal(GetClusterInformation(h, w, &cch, NULL), ERROR_SUCCESS);
	char *u = ClusapiWideToUtf8(w);
	snprintf(out, cap, "%s", u);
	free(u);
}

static void test_cluster_from(void **state)
{
	(void)state;
	char want[256], got[256];
	cluster_name(cl, want, sizeof(want));

	assert_null(GetClusterFromNode(NULL));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_null(GetClusterFromGroup((HGROUP)cl));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_null(GetClusterFromResource(NULL));
	assert_null(GetClusterFromNetwork(NULL));
	assert_null(GetClusterFromNetInterface(NULL));

	WCHAR name[256];
	assert_true(first_of(CLUSTER_ENUM_NODE, name, 256));
	HNODE n = OpenClusterNode(cl, name);
	assert_non_null(n);
	HCLUSTER h = GetClusterFromNode(n);
	assert_non_null(h);
	assert_ptr_not_equal(h, cl);
	cluster_name(h, got, sizeof(got));
	assert_string_equal(got, want);
	/* Closing it leaves the node and the cluster handle it came from. */
	assert_true(CloseCluster(h));
	assert_int_not_equal(GetClusterNodeState(n), ClusterNodeStateUnknown);
	cluster_name(cl, got, sizeof(got));
	CloseClusterNode(n);

	WCHAR *w = W("Cluster Group");
	HGROUP g = OpenClusterGroup(cl, w);
	free(w);
	if (g) {
		h = GetClusterFromGroup(g);
		assert_non_null(h);
		cluster_name(h, got, sizeof(got));
		assert_string_equal(got, want);
		assert_true(CloseCluster(h));
		CloseClusterGroup(g);
	}
	if (first_of(CLUSTER_ENUM_NETWORK, name, 256)) {
		HNETWORK net = OpenClusterNetwork(cl, name);
		assert_non_null(net);
		h = GetClusterFromNetwork(net);
		assert_non_null(h);
		assert_true(CloseCluster(h));
		CloseClusterNetwork(net);
	}
	if (first_of(CLUSTER_ENUM_NETINTERFACE, name, 256)) {
		HNETINTERFACE nif = OpenClusterNetInterface(cl, name);
		assert_non_null(nif);
		h = GetClusterFromNetInterface(nif);
		assert_non_null(h);
		assert_true(CloseCluster(h));
		CloseClusterNetInterface(nif);
	}
	if (first_of(CLUSTER_ENUM_RESOURCE, name, 256)) {
		HRESOURCE r = OpenClusterResource(cl, name);
		assert_non_null(r);
		h = GetClusterFromResource(r);
		assert_non_null(h);
		assert_true(CloseCluster(h));
		CloseClusterResource(r);
	}
}

static void test_node_id(void **state)
{
	(void)state;
	WCHAR name[256], id[128], id2[128];
	DWORD cch = 128;
	assert_int_equal(GetClusterNodeId((HNODE)cl, id, &cch), ERROR_INVALID_HANDLE);
	assert_true(first_of(CLUSTER_ENUM_NODE, name, 256));
	HNODE n = OpenClusterNode(cl, name);
	assert_non_null(n);
	assert_int_equal(GetClusterNodeId(n, id, NULL), ERROR_INVALID_PARAMETER);
	cch = 128;
	assert_int_equal(GetClusterNodeId(n, id, &cch), ERROR_SUCCESS);
	assert_true(cch > 0);
	DWORD len = cch;
	WCHAR small[1];
	cch = 1;
	assert_int_equal(GetClusterNodeId(n, small, &cch), ERROR_MORE_DATA);
	assert_int_equal(cch, len);
	CloseClusterNode(n);

	/* NULL: the node serving the local cluster. */
	DWORD ncch = 256;
	assert_int_equal(ClusapiGetConnectedNodeName(cl, name, &ncch), ERROR_SUCCESS);
	n = OpenClusterNode(cl, name);
	assert_non_null(n);
	cch = 128;
	assert_int_equal(GetClusterNodeId(n, id, &cch), ERROR_SUCCESS);
	CloseClusterNode(n);
	DWORD cch2 = 128;
	assert_int_equal(GetClusterNodeId(NULL, id2, &cch2), ERROR_SUCCESS);
	assert_int_equal(cch2, cch);
	assert_memory_equal(id, id2, cch * sizeof(WCHAR));
}

static void test_node_cluster_state(void **state)
{
	(void)state;
	DWORD st = 99;
	assert_int_equal(GetNodeClusterState(NULL, NULL), ERROR_INVALID_PARAMETER);
	assert_int_equal(GetNodeClusterState(NULL, &st), ERROR_SUCCESS);
	assert_int_equal(st, ClusterStateRunning);
	char host[256];
	assert_int_equal(gethostname(host, sizeof(host)), 0);
	WCHAR *w = W(host);
	st = 99;
	assert_int_equal(GetNodeClusterState(w, &st), ERROR_SUCCESS);
	assert_int_equal(st, ClusterStateRunning);
	free(w);
	/* Nobody on the LPC socket: not running (or less). */
	char *saved = strdup(getenv("CLUSAPI_LPC_SOCKET"));
	setenv("CLUSAPI_LPC_SOCKET", "/nonexistent/clusapi-test.sock", 1);
	st = 99;
	assert_int_equal(GetNodeClusterState(NULL, &st), ERROR_SUCCESS);
	assert_true(st == ClusterStateNotRunning || st == ClusterStateNotConfigured || st == ClusterStateNotInstalled);
	setenv("CLUSAPI_LPC_SOCKET", saved, 1);
	free(saved);
}

static void test_quorum(void **state)
{
	(void)state;
	WCHAR res[256], dev[256];
	DWORD rcch = 256, dcch = 256, maxlog = 7;
	assert_int_equal(GetClusterQuorumResource(NULL, res, &rcch, dev, &dcch, &maxlog), ERROR_INVALID_HANDLE);
	assert_int_equal(GetClusterQuorumResource(cl, res, NULL, dev, &dcch, &maxlog), ERROR_INVALID_PARAMETER);
	rcch = dcch = 256;
	DWORD rc = GetClusterQuorumResource(cl, res, &rcch, dev, &dcch, &maxlog);
	assert_int_equal(rc, ERROR_SUCCESS);
	char *u = ClusapiWideToUtf8(res), *d = ClusapiWideToUtf8(dev);
	print_message("# quorum resource \"%s\", device \"%s\", max log %u\n", u, d, maxlog);
	if (rcch > 0) {
		DWORD need = rcch;
		rcch = 1;
		dcch = 256;
		assert_int_equal(GetClusterQuorumResource(cl, res, &rcch, dev, &dcch, NULL), ERROR_MORE_DATA);
		assert_int_equal(rcch, need);
		WCHAR *w = W(u);
		HRESOURCE r = OpenClusterResource(cl, w);
		free(w);
		if (r) {
			rc = SetClusterQuorumResource(r, dev, 0);
			print_message("# SetClusterQuorumResource: %s\n", ClusapiErrorName(rc));
			assert_true(rc == ERROR_SUCCESS || rc == ERROR_NOT_SUPPORTED);
			CloseClusterResource(r);
		}
	}
	free(u);
	free(d);
	assert_int_equal(SetClusterQuorumResource(NULL, NULL, 0), ERROR_INVALID_HANDLE);
}

static void test_the_rest(void **state)
{
	(void)state;
	HRESULT hr = 0;
	assert_int_equal(EvictClusterNodeEx(NULL, 1000, &hr), ERROR_INVALID_HANDLE);
	assert_int_equal((uint32_t)hr, 0x80070006u);
	assert_int_equal(BackupClusterDatabase(cl, NULL), ERROR_INVALID_PARAMETER);
	assert_int_equal(BackupClusterDatabase(NULL, u"/tmp"), ERROR_INVALID_HANDLE);
	assert_int_equal(RestoreClusterDatabase(NULL, FALSE, NULL), ERROR_INVALID_PARAMETER);
	/* Not while clusterd runs here. */
	assert_int_equal(RestoreClusterDatabase(u"/nonexistent", FALSE, NULL), ERROR_BUSY);
	DWORD cb = 100;
	CLUSTER_SET_PASSWORD_STATUS st[2];
	assert_int_equal(SetClusterServiceAccountPassword(NULL, u"secret", 0, st, &cb), ERROR_CALL_NOT_IMPLEMENTED);
	assert_int_equal(cb, 0);
}

static bool is_pacemaker(void)
{
	const char *b = getenv("CONFORMANCE_BACKEND");
	return b && strcmp(b, "pacemaker") == 0;
}

static void copy_file(const char *from, const char *to, long cut, long at, uint32_t be_value)
{
	FILE *f = fopen(from, "rb"), *t = fopen(to, "wb");
	assert_non_null(f);
	assert_non_null(t);
	uint8_t buf[4096];
	size_t n;
	long off = 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		if (at >= off && at + 4 <= off + (long)n) {
			uint8_t *p = buf + (at - off);
			p[0] = (uint8_t)(be_value >> 24), p[1] = (uint8_t)(be_value >> 16);
			p[2] = (uint8_t)(be_value >> 8), p[3] = (uint8_t)be_value;
		}
		if (cut >= 0 && off + (long)n > cut)
			n = (size_t)(cut - off);
		fwrite(buf, 1, n, t);
		off += (long)n;
		if (cut >= 0 && off >= cut)
			break;
	}
	fclose(f);
	fclose(t);
}

/* BackupClusterDatabase over LPC as root; on the embedded backend started
 * here, the whole round trip: back up, change, stop, restore, start, and the
 * change is gone; a newer, a cut and a missing backup refused. */
static void test_backup_restore(void **state)
{
	(void)state;
	char dir[] = "/tmp/clusapi-backup-XXXXXX";
	assert_non_null(mkdtemp(dir));
	WCHAR *wdir = W(dir);
	assert_int_equal(BackupClusterDatabase(cl, u"relative/path"),
			 is_pacemaker() ? ERROR_NOT_SUPPORTED : getuid() ? ERROR_ACCESS_DENIED : ERROR_INVALID_PARAMETER);
	if (is_pacemaker() || getuid() != 0) {
		assert_int_equal(BackupClusterDatabase(cl, wdir), is_pacemaker() ? ERROR_NOT_SUPPORTED : ERROR_ACCESS_DENIED);
		free(wdir);
		rmdir(dir);
		return;
	}
	assert_int_equal(BackupClusterDatabase(cl, u"/nonexistent/dir"), ERROR_PATH_NOT_FOUND);
	WCHAR *before = W("Before The Backup"), *after = W("After The Backup");
	HGROUP g = CreateClusterGroup(cl, before);
	assert_non_null(g);
	CloseClusterGroup(g);
	assert_int_equal(BackupClusterDatabase(cl, wdir), ERROR_SUCCESS);
	assert_int_equal(BackupClusterDatabase(cl, wdir), ERROR_FILE_EXISTS);
	char file[300], bad[400], baddir[300];
	snprintf(file, sizeof(file), "%s/cluster.db", dir);
	FILE *f = fopen(file, "rb");
	assert_non_null(f);
	char magic[16];
	assert_int_equal(fread(magic, 1, 16, f), 16);
	fclose(f);
	assert_memory_equal(magic, "SQLite format 3", 16);

	/* Changed after the backup. */
	g = OpenClusterGroup(cl, before);
	assert_non_null(g);
	assert_int_equal(DeleteClusterGroup(g), ERROR_SUCCESS);
	CloseClusterGroup(g);
	g = CreateClusterGroup(cl, after);
	assert_non_null(g);
	CloseClusterGroup(g);

	if (!started_daemon) {
		print_message("# not this suite's clusterd: no restore round trip\n");
	} else {
		CloseCluster(cl);
		cl = NULL;
		assert_int_equal(daemon_stop(&own_daemon), 0);
		setenv("CLUSAPI_STATE_DIR", own_daemon.state, 1);
		/* Refused: none there, a newer schema, a cut file. */
		assert_int_equal(RestoreClusterDatabase(u"/nonexistent/dir", FALSE, NULL), ERROR_FILE_NOT_FOUND);
		snprintf(baddir, sizeof(baddir), "%s/bad", dir);
		assert_int_equal(mkdir(baddir, 0700), 0);
		snprintf(bad, sizeof(bad), "%s/cluster.db", baddir);
		WCHAR *wbad = W(baddir);
		copy_file(file, bad, -1, 60, 99); /* user_version 99 */
		assert_int_equal(RestoreClusterDatabase(wbad, FALSE, NULL), ERROR_REVISION_MISMATCH);
		copy_file(file, bad, 1000, -1, 0);
		assert_int_equal(RestoreClusterDatabase(wbad, FALSE, NULL), ERROR_FILE_CORRUPT);
		copy_file(file, bad, -1, 0, 0x12345678); /* no magic */
		assert_int_equal(RestoreClusterDatabase(wbad, FALSE, NULL), ERROR_FILE_CORRUPT);
		unlink(bad);
		rmdir(baddir);
		free(wbad);
		/* The backup itself. */
		assert_int_equal(RestoreClusterDatabase(wdir, TRUE, NULL), ERROR_SUCCESS);
		unsetenv("CLUSAPI_STATE_DIR");
		assert_int_equal(daemon_restart(&own_daemon, DAEMON_LPC_ONLY, NULL), 0);
		cl = OpenClusterEx(NULL, GENERIC_ALL, NULL);
		assert_non_null(cl);
		g = OpenClusterGroup(cl, before);
		assert_non_null(g); /* back */
		DeleteClusterGroup(g);
		CloseClusterGroup(g);
		assert_null(OpenClusterGroup(cl, after)); /* gone */
	}
	if (cl && (g = OpenClusterGroup(cl, after))) {
		DeleteClusterGroup(g);
		CloseClusterGroup(g);
	}
	unlink(file);
	rmdir(dir);
	free(before);
	free(after);
	free(wdir);
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
	cl = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	if (!cl) {
		fprintf(stderr, "cannot open the cluster: %s\n", ClusapiErrorName(GetLastError()));
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (cl)
		CloseCluster(cl);
	if (started_daemon)
		daemon_destroy(&own_daemon);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cluster_from),
		cmocka_unit_test(test_node_id),
		cmocka_unit_test(test_node_cluster_state),
		cmocka_unit_test(test_quorum),
		cmocka_unit_test(test_the_rest),
		cmocka_unit_test(test_backup_restore),
	};
	return daemon_finish(cmocka_run_group_tests(tests, setup, teardown));
}
