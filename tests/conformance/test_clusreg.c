/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Conformance: the rest of the cluster registry (ClusterRegCreateKey,
 * ClusterRegDeleteKey, ClusterRegEnumValue, ClusterRegDeleteValue,
 * ClusterRegQueryInfoKey, ClusterRegGetKeySecurity, ClusterRegSetKeySecurity)
 * and the objects' keys (GetCluster*Key), through the public API only.
 * Target as in test_conformance.c (CLUSAPI_LPC_SOCKET, or CLUSTERD to start an
 * embedded clusterd; CONFORMANCE_BACKEND embedded or pacemaker).
 *
 * The one difference between the backends: on Pacemaker the node, group and
 * resource keys and their Parameters map onto the CIB's objects and new keys
 * are kept in the CIB too (doc/pacemaker.md); network, interface and type
 * keys are not mapped (they exist once something is stored under them).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "clusapi.h"
#include "common.h"
#include "daemon.h"

static struct daemon own_daemon;
static bool started_daemon;
static bool pacemaker;
static HCLUSTER cl;
static char group_name[80];
static HGROUP group;

static void test_errors(void **state)
{
	(void)state;
	HKEY k = (HKEY)1;
	DWORD cch = 10, cb = 10;
	WCHAR name[10];
	WCHAR *w = W("x");

	assert_int_equal(ClusterRegCreateKey(NULL, w, 0, KEY_ALL_ACCESS, NULL, &k, NULL), ERROR_INVALID_HANDLE);
	assert_null(k);
	assert_int_equal(ClusterRegDeleteKey(NULL, w), ERROR_INVALID_HANDLE);
	assert_int_equal(ClusterRegDeleteValue(NULL, w), ERROR_INVALID_HANDLE);
	assert_int_equal(ClusterRegEnumValue(NULL, 0, name, &cch, NULL, NULL, NULL), ERROR_INVALID_HANDLE);
	assert_int_equal(ClusterRegQueryInfoKey(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), ERROR_INVALID_HANDLE);
	assert_int_equal(ClusterRegGetKeySecurity(NULL, OWNER_SECURITY_INFORMATION, NULL, &cb), ERROR_INVALID_PARAMETER);
	cb = 0;
	assert_int_equal(ClusterRegGetKeySecurity(NULL, OWNER_SECURITY_INFORMATION, NULL, &cb), ERROR_INVALID_HANDLE);
	assert_null(GetClusterNodeKey(NULL, KEY_READ));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_null(GetClusterGroupKey((HGROUP)cl, KEY_READ));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_null(GetClusterResourceKey(NULL, KEY_READ));
	assert_null(GetClusterNetworkKey(NULL, KEY_READ));
	assert_null(GetClusterNetInterfaceKey(NULL, KEY_READ));
	assert_null(GetClusterResourceTypeKey(NULL, w, KEY_READ));
	assert_int_equal(GetLastError(), ERROR_INVALID_HANDLE);
	assert_null(GetClusterResourceTypeKey(cl, NULL, KEY_READ));
	assert_int_equal(GetLastError(), ERROR_INVALID_PARAMETER);

	HKEY root = GetClusterKey(cl, KEY_READ);
	assert_non_null(root);
	assert_int_equal(ClusterRegCreateKey(root, w, 0, KEY_ALL_ACCESS, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
	assert_int_equal(ClusterRegCreateKey(root, NULL, 0, KEY_ALL_ACCESS, NULL, &k, NULL), ERROR_INVALID_PARAMETER);
	assert_int_equal(ClusterRegEnumValue(root, 0, name, NULL, NULL, NULL, NULL), ERROR_INVALID_PARAMETER);
	assert_int_equal(ClusterRegEnumValue(root, 100000, name, &cch, NULL, NULL, NULL), ERROR_NO_MORE_ITEMS);
	assert_int_equal(ClusterRegSetKeySecurity(root, DACL_SECURITY_INFORMATION, NULL), ERROR_INVALID_PARAMETER);
	uint8_t junk[32] = { 9 };
	assert_int_equal(ClusterRegSetKeySecurity(root, DACL_SECURITY_INFORMATION, junk), ERROR_INVALID_PARAMETER);
	/* A read-only key handle changes nothing. */
	assert_int_equal(ClusterRegDeleteValue(root, w), ERROR_ACCESS_DENIED);
	ClusterRegCloseKey(root);
	free(w);
}

/* The group's key and its Parameters subkey: values set, enumerated,
 * counted, deleted. */
static void test_group_key(void **state)
{
	(void)state;
	HKEY gk = GetClusterGroupKey(group, KEY_ALL_ACCESS);
	assert_non_null(gk);
	HKEY params = NULL;
	DWORD disp = 0;
	WCHAR *w = W("Parameters");
	assert_int_equal(ClusterRegCreateKey(gk, w, REG_OPTION_NON_VOLATILE, KEY_ALL_ACCESS, NULL, &params, &disp),
			 ERROR_SUCCESS);
	free(w);
	assert_non_null(params);
	assert_true(disp == REG_CREATED_NEW_KEY || disp == REG_OPENED_EXISTING_KEY);

	WCHAR *alpha = W("Alpha"), *beta = W("BetaValue");
	WCHAR *one = W("one");
	assert_int_equal(ClusterRegSetValue(params, alpha, REG_SZ, (const BYTE *)one, 4 * sizeof(WCHAR)),
			 ERROR_SUCCESS);
	WCHAR *seven = W("7");
	assert_int_equal(ClusterRegSetValue(params, beta, REG_SZ, (const BYTE *)seven, 2 * sizeof(WCHAR)),
			 ERROR_SUCCESS);

	/* Enumerate: both names, then ERROR_NO_MORE_ITEMS. */
	bool saw_alpha = false, saw_beta = false;
	DWORD i = 0;
	for (;; i++) {
		WCHAR name[64];
		BYTE data[64];
		DWORD cch = 64, cb = sizeof(data), type = 0;
		DWORD rc = ClusterRegEnumValue(params, i, name, &cch, &type, data, &cb);
		if (rc == ERROR_NO_MORE_ITEMS)
			break;
		assert_int_equal(rc, ERROR_SUCCESS);
		char *u = ClusapiWideToUtf8(name);
		assert_int_equal(cch, strlen(u));
		if (strcmp(u, "Alpha") == 0) {
			saw_alpha = true;
			assert_int_equal(type, REG_SZ);
			assert_int_equal(cb, 4 * sizeof(WCHAR));
			assert_memory_equal(data, one, cb);
			/* A name buffer too small: the length, ERROR_MORE_DATA. */
			WCHAR small[2];
			DWORD scch = 2;
			assert_int_equal(ClusterRegEnumValue(params, i, small, &scch, NULL, NULL, NULL), ERROR_MORE_DATA);
			assert_int_equal(scch, 5);
			/* No data buffer: the data's size. */
			DWORD need = 0;
			scch = 64;
			assert_int_equal(ClusterRegEnumValue(params, i, name, &scch, NULL, NULL, &need), ERROR_SUCCESS);
			assert_int_equal(need, 4 * sizeof(WCHAR));
			/* A data buffer too small. */
			need = 2;
			scch = 64;
			assert_int_equal(ClusterRegEnumValue(params, i, name, &scch, NULL, data, &need), ERROR_MORE_DATA);
			assert_int_equal(need, 4 * sizeof(WCHAR));
		}
		saw_beta |= strcmp(u, "BetaValue") == 0;
		free(u);
	}
	assert_true(saw_alpha && saw_beta);

	DWORD subkeys = 99, maxsub = 0, values = 0, maxname = 0, maxdata = 0, sd = 0;
	FILETIME ft;
	assert_int_equal(ClusterRegQueryInfoKey(params, &subkeys, &maxsub, &values, &maxname, &maxdata, &sd, &ft),
			 ERROR_SUCCESS);
	assert_int_equal(values, i);
	assert_true(values >= 2);
	assert_true(maxname >= 9);
	assert_true(maxdata >= 4 * sizeof(WCHAR));
	assert_true(sd > 0);
	/* Optional outputs may be NULL. */
	assert_int_equal(ClusterRegQueryInfoKey(params, NULL, NULL, NULL, NULL, NULL, NULL, NULL), ERROR_SUCCESS);

	/* Delete a value: gone, and deleting it again fails. */
	assert_int_equal(ClusterRegDeleteValue(params, alpha), ERROR_SUCCESS);
	DWORD cb = 0;
	assert_int_equal(ClusterRegQueryValue(params, alpha, NULL, NULL, &cb), ERROR_FILE_NOT_FOUND);
	assert_int_not_equal(ClusterRegDeleteValue(params, alpha), ERROR_SUCCESS);
	assert_int_equal(ClusterRegQueryInfoKey(params, NULL, NULL, &values, NULL, NULL, NULL, NULL), ERROR_SUCCESS);
	assert_int_equal(values, i - 1);
	assert_int_equal(ClusterRegDeleteValue(params, beta), ERROR_SUCCESS);

	/* A new key below it: on both backends (Pacemaker keeps free-form keys
	 * in the CIB, doc/pacemaker.md). */
	WCHAR *sub = W("NotifySub");
	HKEY nk = NULL;
	DWORD rc = ClusterRegCreateKey(params, sub, 0, KEY_ALL_ACCESS, NULL, &nk, &disp);
	{
		assert_int_equal(rc, ERROR_SUCCESS);
		assert_int_equal(disp, REG_CREATED_NEW_KEY);
		assert_int_equal(ClusterRegSetValue(nk, alpha, REG_SZ, (const BYTE *)one, 4 * sizeof(WCHAR)),
				 ERROR_SUCCESS);
		ClusterRegCloseKey(nk);
		/* Opening it again reports an existing key. */
		assert_int_equal(ClusterRegCreateKey(params, sub, 0, KEY_READ, NULL, &nk, &disp), ERROR_SUCCESS);
		assert_int_equal(disp, REG_OPENED_EXISTING_KEY);
		ClusterRegCloseKey(nk);
		assert_int_equal(ClusterRegQueryInfoKey(params, &subkeys, NULL, NULL, NULL, NULL, NULL, NULL),
				 ERROR_SUCCESS);
		assert_int_equal(subkeys, 1);
		assert_int_equal(ClusterRegDeleteKey(params, sub), ERROR_SUCCESS);
		assert_int_equal(ClusterRegOpenKey(params, sub, KEY_READ, &nk), ERROR_FILE_NOT_FOUND);
		assert_int_not_equal(ClusterRegDeleteKey(params, sub), ERROR_SUCCESS);
	}
	free(sub);
	free(alpha);
	free(beta);
	free(one);
	free(seven);
	ClusterRegCloseKey(params);
	ClusterRegCloseKey(gk);
}

static void test_key_security(void **state)
{
	(void)state;
	HKEY gk = GetClusterGroupKey(group, KEY_ALL_ACCESS);
	assert_non_null(gk);
	const DWORD all = OWNER_SECURITY_INFORMATION | GROUP_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION;
	DWORD cb = 0;
	assert_int_equal(ClusterRegGetKeySecurity(gk, all, NULL, &cb), ERROR_INSUFFICIENT_BUFFER);
	assert_true(cb >= 20 && cb < 1024);
	uint8_t *sd = malloc(cb);
	assert_non_null(sd);
	DWORD cb2 = cb - 1;
	assert_int_equal(ClusterRegGetKeySecurity(gk, all, sd, &cb2), ERROR_INSUFFICIENT_BUFFER);
	assert_int_equal(cb2, cb);
	assert_int_equal(ClusterRegGetKeySecurity(gk, all, sd, &cb), ERROR_SUCCESS);
	assert_int_equal(sd[0], 1);       /* revision */
	assert_true(sd[3] & 0x80);        /* self-relative */
	/* Setting what it reports: accepted, nothing changes. */
	assert_int_equal(ClusterRegSetKeySecurity(gk, all, sd), ERROR_SUCCESS);
	/* Any other descriptor: not supported (the access list governs). */
	uint32_t dacl = (uint32_t)sd[16] | (uint32_t)sd[17] << 8;
	assert_true(dacl > 0 && dacl + 12 < cb);
	sd[dacl + 8 + 4] ^= 0x01; /* the ACE's access mask */
	assert_int_equal(ClusterRegSetKeySecurity(gk, all, sd), ERROR_NOT_SUPPORTED);
	sd[dacl + 8 + 4] ^= 0x01;
	assert_int_equal(ClusterRegSetKeySecurity(gk, SACL_SECURITY_INFORMATION, sd), ERROR_NOT_SUPPORTED);
	free(sd);
	/* Read-only handle: no setting. */
	HKEY ro = GetClusterGroupKey(group, KEY_READ);
	assert_non_null(ro);
	cb = 256;
	uint8_t buf[256];
	assert_int_equal(ClusterRegGetKeySecurity(ro, all, buf, &cb), ERROR_SUCCESS);
	assert_int_equal(ClusterRegSetKeySecurity(ro, all, buf), ERROR_ACCESS_DENIED);
	ClusterRegCloseKey(ro);
	ClusterRegCloseKey(gk);
}

/* The keys of the other kinds of object. */
static void test_object_keys(void **state)
{
	(void)state;
	HCLUSENUM e = ClusterOpenEnum(cl, CLUSTER_ENUM_NODE);
	assert_non_null(e);
	WCHAR name[256];
	DWORD cch = 256, type;
	assert_int_equal(ClusterEnum(e, 0, &type, name, &cch), ERROR_SUCCESS);
	ClusterCloseEnum(e);
	HNODE n = OpenClusterNode(cl, name);
	assert_non_null(n);
	HKEY nk = GetClusterNodeKey(n, KEY_READ);
	assert_non_null(nk);
	assert_int_equal(ClusterRegQueryInfoKey(nk, NULL, NULL, NULL, NULL, NULL, NULL, NULL), ERROR_SUCCESS);
	ClusterRegCloseKey(nk);
	CloseClusterNode(n);

	if (pacemaker) {
		/* A network's key is not mapped onto the CIB: it exists only
		 * once something was stored under it (the controls suite may
		 * have, earlier in the same run); otherwise ERROR_FILE_NOT_FOUND. */
		e = ClusterOpenEnum(cl, CLUSTER_ENUM_NETWORK);
		cch = 256;
		if (e && ClusterEnum(e, 0, &type, name, &cch) == ERROR_SUCCESS) {
			HNETWORK net = OpenClusterNetwork(cl, name);
			assert_non_null(net);
			HKEY nk2 = GetClusterNetworkKey(net, KEY_READ);
			if (nk2)
				ClusterRegCloseKey(nk2);
			else
				assert_int_equal(GetLastError(), ERROR_FILE_NOT_FOUND);
			CloseClusterNetwork(net);
		}
		if (e)
			ClusterCloseEnum(e);
	} else {
		e = ClusterOpenEnum(cl, CLUSTER_ENUM_NETWORK);
		cch = 256;
		if (e && ClusterEnum(e, 0, &type, name, &cch) == ERROR_SUCCESS) {
			HNETWORK net = OpenClusterNetwork(cl, name);
			assert_non_null(net);
			HKEY k = GetClusterNetworkKey(net, KEY_READ);
			assert_non_null(k);
			ClusterRegCloseKey(k);
			CloseClusterNetwork(net);
		}
		if (e)
			ClusterCloseEnum(e);
		e = ClusterOpenEnum(cl, CLUSTER_ENUM_NETINTERFACE);
		cch = 256;
		if (e && ClusterEnum(e, 0, &type, name, &cch) == ERROR_SUCCESS) {
			HNETINTERFACE nif = OpenClusterNetInterface(cl, name);
			assert_non_null(nif);
			HKEY k = GetClusterNetInterfaceKey(nif, KEY_READ);
			assert_non_null(k);
			ClusterRegCloseKey(k);
			CloseClusterNetInterface(nif);
		}
		if (e)
			ClusterCloseEnum(e);
		WCHAR *t = W("Generic Application");
		HKEY k = GetClusterResourceTypeKey(cl, t, KEY_READ);
		free(t);
		assert_non_null(k);
		ClusterRegCloseKey(k);
	}
	WCHAR *t = W("No Such Type");
	assert_null(GetClusterResourceTypeKey(cl, t, KEY_READ));
	assert_int_not_equal(GetLastError(), ERROR_SUCCESS);
	free(t);
}

static int setup(void **state)
{
	(void)state;
	const char *b = getenv("CONFORMANCE_BACKEND");
	pacemaker = b && strcmp(b, "pacemaker") == 0;
	const char *lpc = getenv("CLUSAPI_LPC_SOCKET");
	if (!lpc || !*lpc) {
		if (!getenv("CLUSTERD") || pacemaker) {
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
	snprintf(group_name, sizeof(group_name), "Registry Group %d", (int)getpid());
	WCHAR *w = ClusapiUtf8ToWide(group_name);
	group = CreateClusterGroup(cl, w);
	free(w);
	if (!group) {
		fprintf(stderr, "cannot create %s: %s\n", group_name, ClusapiErrorName(GetLastError()));
		return -1;
	}
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (group) {
		DeleteClusterGroup(group);
		CloseClusterGroup(group);
	}
	if (cl)
		CloseCluster(cl);
	if (started_daemon)
		daemon_destroy(&own_daemon);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_group_key),
		cmocka_unit_test(test_key_security),
		cmocka_unit_test(test_object_keys),
	};
	return daemon_finish(cmocka_run_group_tests(tests, setup, teardown));
}
