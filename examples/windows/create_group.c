/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Create a group with two resources, one depending on the other, written as
 * Microsoft's documentation writes clusapi programs (L"..." literals, LPWSTR,
 * DWORD).  "create_group --delete" takes it all away again.  Built with
 * -fshort-wchar as it is, and without it from a copy with u"..." literals
 * (examples/meson.build).
 */
#include <stdio.h>
#include <string.h>
#include <threads.h>
#include <time.h>

#include <clusapi.h>

#define GROUP_NAME L"Example Group"
#define APP_NAME L"Example App"
#define DATA_NAME L"Example Data"
#define RESOURCE_TYPE L"Generic Application"

static void PrintW(const char *label, LPCWSTR text)
{
	printf("%s", label);
	for (; *text; text++)
		putchar(*text < 0x80 ? (int)*text : '?');
	putchar('\n');
}

static int Fail(const char *what, DWORD status)
{
	fprintf(stderr, "create_group: %s failed: error %u\n", what, (unsigned)status);
	return 1;
}

static int DeleteAll(HCLUSTER hCluster)
{
	/* Offline first: an online resource cannot be deleted. */
	HGROUP hOffline = OpenClusterGroup(hCluster, GROUP_NAME);
	if (hOffline == NULL)
		return Fail("OpenClusterGroup", GetLastError());
	DWORD dwOffline = OfflineClusterGroup(hOffline);
	if (dwOffline != ERROR_SUCCESS && dwOffline != ERROR_IO_PENDING)
		return Fail("OfflineClusterGroup", dwOffline);
	for (int i = 0; i < 300 && GetClusterGroupState(hOffline, NULL, NULL) != ClusterGroupOffline; i++) {
		struct timespec pause = { 0, 100 * 1000 * 1000 };
		thrd_sleep(&pause, NULL);
	}
	CloseClusterGroup(hOffline);

	LPCWSTR resources[2] = { APP_NAME, DATA_NAME };
	for (int i = 0; i < 2; i++) {
		HRESOURCE hResource = OpenClusterResource(hCluster, resources[i]);
		if (hResource == NULL)
			return Fail("OpenClusterResource", GetLastError());
		DWORD dwStatus = DeleteClusterResource(hResource);
		CloseClusterResource(hResource);
		if (dwStatus != ERROR_SUCCESS)
			return Fail("DeleteClusterResource", dwStatus);
	}
	HGROUP hGroup = OpenClusterGroup(hCluster, GROUP_NAME);
	if (hGroup == NULL)
		return Fail("OpenClusterGroup", GetLastError());
	DWORD dwStatus = DeleteClusterGroup(hGroup);
	CloseClusterGroup(hGroup);
	if (dwStatus != ERROR_SUCCESS)
		return Fail("DeleteClusterGroup", dwStatus);
	PrintW("Deleted: ", GROUP_NAME);
	return 0;
}

int main(int argc, char **argv)
{
	HCLUSTER hCluster = OpenCluster(NULL);
	if (hCluster == NULL)
		return Fail("OpenCluster", GetLastError());
	if (argc > 1 && strcmp(argv[1], "--delete") == 0) {
		int rc = DeleteAll(hCluster);
		CloseCluster(hCluster);
		return rc;
	}

	HGROUP hGroup = CreateClusterGroup(hCluster, GROUP_NAME);
	if (hGroup == NULL)
		return Fail("CreateClusterGroup", GetLastError());
	PrintW("Group: ", GROUP_NAME);

	HRESOURCE hData = CreateClusterResource(hGroup, DATA_NAME, RESOURCE_TYPE, 0);
	if (hData == NULL)
		return Fail("CreateClusterResource", GetLastError());
	HRESOURCE hApp = CreateClusterResource(hGroup, APP_NAME, RESOURCE_TYPE, 0);
	if (hApp == NULL)
		return Fail("CreateClusterResource", GetLastError());
	PrintW("Resource: ", DATA_NAME);
	PrintW("Resource: ", APP_NAME);

	/* The application needs its data first. */
	DWORD dwStatus = AddClusterResourceDependency(hApp, hData);
	if (dwStatus != ERROR_SUCCESS)
		return Fail("AddClusterResourceDependency", dwStatus);

	WCHAR szExpression[256];
	DWORD cchExpression = sizeof(szExpression) / sizeof(WCHAR);
	dwStatus = GetClusterResourceDependencyExpression(hApp, szExpression, &cchExpression);
	if (dwStatus != ERROR_SUCCESS)
		return Fail("GetClusterResourceDependencyExpression", dwStatus);
	PrintW("Dependencies: ", szExpression);

	CloseClusterResource(hApp);
	CloseClusterResource(hData);
	CloseClusterGroup(hGroup);
	CloseCluster(hCluster);
	return 0;
}
