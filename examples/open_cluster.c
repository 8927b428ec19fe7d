/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * open_cluster: open a cluster, print its name, version and the access
 * granted, and list its nodes.
 *
 *   cc -o open_cluster open_cluster.c $(pkg-config --cflags --libs libclusapi)
 *   ./open_cluster            the local cluster (over LPC)
 *   ./open_cluster HOST       a cluster over TCP (authenticated: see README)
 */
#include <stdio.h>
#include <stdlib.h>

#include <clusapi.h>

/* Strings are UTF-16 (WCHAR is char16_t): print them as UTF-8. */
static void PrintLine(const char *pszLabel, LPCWSTR lpszText, const char *pszAfter)
{
	char *pszText = ClusapiWideToUtf8(lpszText); /* malloc'd; NULL if not valid UTF-16 */
	printf("%s%s%s\n", pszLabel, pszText ? pszText : "?", pszAfter);
	free(pszText);
}

static void PrintError(const char *pszWhat, DWORD dwError)
{
	const char *pszName = ClusapiErrorName(dwError);
	fprintf(stderr, "open_cluster: %s failed: %s (error %u %s)\n", pszWhat, ClusapiErrorMessage(dwError),
		(unsigned)dwError, pszName ? pszName : "");
}

static const char *NodeStateName(CLUSTER_NODE_STATE nState)
{
	switch (nState) {
	case ClusterNodeUp: return "up";
	case ClusterNodeDown: return "down";
	case ClusterNodePaused: return "paused";
	case ClusterNodeJoining: return "joining";
	default: return "unknown";
	}
}

/* List the nodes, with their state. */
static DWORD PrintNodes(HCLUSTER hCluster)
{
	HCLUSENUM hEnum = ClusterOpenEnum(hCluster, CLUSTER_ENUM_NODE);
	if (hEnum == NULL)
		return GetLastError();

	DWORD dwError = ERROR_SUCCESS;
	for (DWORD dwIndex = 0;; dwIndex++) {
		WCHAR szNodeName[256];
		DWORD cchNodeName = sizeof(szNodeName) / sizeof(szNodeName[0]);
		DWORD dwType;
		dwError = ClusterEnum(hEnum, dwIndex, &dwType, szNodeName, &cchNodeName);
		if (dwError == ERROR_NO_MORE_ITEMS) {
			dwError = ERROR_SUCCESS;
			break;
		}
		if (dwError != ERROR_SUCCESS)
			break;

		CLUSTER_NODE_STATE nState = ClusterNodeStateUnknown;
		HNODE hNode = OpenClusterNode(hCluster, szNodeName);
		if (hNode != NULL) {
			nState = GetClusterNodeState(hNode);
			CloseClusterNode(hNode);
		}
		char szState[32];
		snprintf(szState, sizeof(szState), " (%s)", NodeStateName(nState));
		PrintLine("Node:    ", szNodeName, szState);
	}
	ClusterCloseEnum(hEnum);
	return dwError;
}

int main(int argc, char **argv)
{
	LPWSTR lpszClusterName = NULL; /* NULL: the local cluster */
	if (argc > 1 && (lpszClusterName = ClusapiUtf8ToWide(argv[1])) == NULL) {
		PrintError("ClusapiUtf8ToWide", GetLastError());
		return 1;
	}

	DWORD dwGranted = 0;
	HCLUSTER hCluster = OpenClusterEx(lpszClusterName, MAXIMUM_ALLOWED, &dwGranted);
	free(lpszClusterName);
	if (hCluster == NULL) {
		PrintError("OpenClusterEx", GetLastError());
		return 1;
	}

	WCHAR szName[256];
	DWORD cchName = sizeof(szName) / sizeof(szName[0]);
	CLUSTERVERSIONINFO vi = { .dwVersionInfoSize = sizeof(vi) };
	DWORD dwError = GetClusterInformation(hCluster, szName, &cchName, &vi);
	if (dwError != ERROR_SUCCESS) {
		PrintError("GetClusterInformation", dwError);
		CloseCluster(hCluster);
		return 1;
	}
	PrintLine("Cluster: ", szName, "");
	printf("Version: %u.%u build %u\n", vi.MajorVersion, vi.MinorVersion, vi.BuildNumber);
	PrintLine("Vendor:  ", vi.szVendorId, "");
	printf("Access:  %s\n", dwGranted == GENERIC_ALL ? "GENERIC_ALL" : "GENERIC_READ");

	dwError = PrintNodes(hCluster);
	if (dwError != ERROR_SUCCESS)
		PrintError("enumerating the nodes", dwError);

	if (!CloseCluster(hCluster)) {
		PrintError("CloseCluster", GetLastError());
		return 1;
	}
	return dwError == ERROR_SUCCESS ? 0 : 1;
}
