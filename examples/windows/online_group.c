/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Enumerate the groups of the cluster with their state and owner, then bring
 * one online and wait for it, written as Microsoft's documentation writes
 * clusapi programs.
 */
#include <stdio.h>
#include <threads.h>
#include <time.h>

#include <clusapi.h>

#define GROUP_NAME L"Example Group"

static void PrintW(LPCWSTR text)
{
	for (; *text; text++)
		putchar(*text < 0x80 ? (int)*text : '?');
}

static int Fail(const char *what, DWORD status)
{
	fprintf(stderr, "online_group: %s failed: error %u\n", what, (unsigned)status);
	return 1;
}

static const char *StateName(CLUSTER_GROUP_STATE state)
{
	switch (state) {
	case ClusterGroupOnline:
		return "online";
	case ClusterGroupOffline:
		return "offline";
	case ClusterGroupFailed:
		return "failed";
	case ClusterGroupPartialOnline:
		return "partially online";
	case ClusterGroupPending:
		return "pending";
	default:
		return "unknown";
	}
}

int main(void)
{
	HCLUSTER hCluster = OpenCluster(NULL);
	if (hCluster == NULL)
		return Fail("OpenCluster", GetLastError());

	HCLUSENUM hEnum = ClusterOpenEnum(hCluster, CLUSTER_ENUM_GROUP);
	if (hEnum == NULL)
		return Fail("ClusterOpenEnum", GetLastError());
	DWORD dwCount = ClusterGetEnumCount(hEnum);
	for (DWORD dwIndex = 0; dwIndex < dwCount; dwIndex++) {
		WCHAR szName[256], szNode[256];
		DWORD cchName = sizeof(szName) / sizeof(WCHAR), cchNode = sizeof(szNode) / sizeof(WCHAR), dwType;
		DWORD dwStatus = ClusterEnum(hEnum, dwIndex, &dwType, szName, &cchName);
		if (dwStatus != ERROR_SUCCESS)
			return Fail("ClusterEnum", dwStatus);
		HGROUP hGroup = OpenClusterGroup(hCluster, szName);
		if (hGroup == NULL)
			return Fail("OpenClusterGroup", GetLastError());
		CLUSTER_GROUP_STATE state = GetClusterGroupState(hGroup, szNode, &cchNode);
		printf("Group: ");
		PrintW(szName);
		printf(" (%s", StateName(state));
		if (cchNode > 0) {
			printf(" on ");
			PrintW(szNode);
		}
		printf(")\n");
		CloseClusterGroup(hGroup);
	}
	ClusterCloseEnum(hEnum);

	HGROUP hGroup = OpenClusterGroup(hCluster, GROUP_NAME);
	if (hGroup == NULL)
		return Fail("OpenClusterGroup", GetLastError());
	DWORD dwStatus = OnlineClusterGroup(hGroup, NULL);
	if (dwStatus != ERROR_SUCCESS && dwStatus != ERROR_IO_PENDING)
		return Fail("OnlineClusterGroup", dwStatus);
	CLUSTER_GROUP_STATE state = ClusterGroupStateUnknown;
	for (int i = 0; i < 300 && state != ClusterGroupOnline; i++) {
		struct timespec pause = { 0, 100 * 1000 * 1000 };
		state = GetClusterGroupState(hGroup, NULL, NULL);
		if (state != ClusterGroupOnline)
			thrd_sleep(&pause, NULL);
	}
	printf("Online: ");
	PrintW(GROUP_NAME);
	printf(" (%s)\n", StateName(state));
	CloseClusterGroup(hGroup);
	CloseCluster(hCluster);
	return state == ClusterGroupOnline ? 0 : 1;
}
