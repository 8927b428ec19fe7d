/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Read and write properties through controls, written as Microsoft's
 * documentation writes clusapi programs: the group's Description (a common
 * property, ClusterGroupControl) and each resource's CommandLine (a private
 * property, ClusterResourceControl), in MS-CMRP property lists, with the
 * ERROR_MORE_DATA protocol for the size of the answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clusapi.h>

#define GROUP_NAME L"Example Group"

static void PrintW(const char *label, LPCWSTR text)
{
	printf("%s", label);
	for (; *text; text++)
		putchar(*text < 0x80 ? (int)*text : '?');
	putchar('\n');
}

static int Fail(const char *what, DWORD status)
{
	fprintf(stderr, "properties: %s failed: error %u\n", what, (unsigned)status);
	return 1;
}

static DWORD StringBytes(LPCWSTR text)
{
	DWORD n = 0;
	while (text[n])
		n++;
	return (n + 1) * sizeof(WCHAR);
}

static BYTE *PutDword(BYTE *p, DWORD value)
{
	memcpy(p, &value, sizeof(DWORD));
	return p + sizeof(DWORD);
}

/* Syntax, size, the string with its NUL, padded to a DWORD. */
static BYTE *PutString(BYTE *p, DWORD syntax, LPCWSTR text)
{
	DWORD cb = StringBytes(text), padded = (cb + 3) & ~3u;
	p = PutDword(p, syntax);
	p = PutDword(p, cb);
	memset(p, 0, padded);
	memcpy(p, text, cb);
	return p + padded;
}

/* A property list of one string property. */
static DWORD OneStringProperty(BYTE *buffer, LPCWSTR name, LPCWSTR value)
{
	BYTE *p = PutDword(buffer, 1);
	p = PutString(p, CLUSPROP_SYNTAX_NAME, name);
	p = PutString(p, CLUSPROP_SYNTAX_LIST_VALUE_SZ, value);
	p = PutDword(p, CLUSPROP_SYNTAX_ENDMARK);
	return (DWORD)(p - buffer);
}

/* Print the string value of a property from a property list. */
static void PrintProperty(const BYTE *list, DWORD cbList, LPCWSTR name)
{
	DWORD count, offset = sizeof(DWORD);
	memcpy(&count, list, sizeof(DWORD));
	for (DWORD i = 0; i < count && offset + 8 <= cbList; i++) {
		DWORD cbName, syntax, cbValue;
		memcpy(&cbName, list + offset + 4, sizeof(DWORD));
		const WCHAR *pName = (const WCHAR *)(list + offset + 8);
		offset += 8 + ((cbName + 3) & ~3u);
		memcpy(&syntax, list + offset, sizeof(DWORD));
		memcpy(&cbValue, list + offset + 4, sizeof(DWORD));
		const WCHAR *pValue = (const WCHAR *)(list + offset + 8);
		offset += 8 + ((cbValue + 3) & ~3u) + sizeof(DWORD);
		if (cbName == StringBytes(name) && memcmp(pName, name, cbName) == 0 &&
		    syntax == CLUSPROP_SYNTAX_LIST_VALUE_SZ) {
			PrintW("  ", name);
			PrintW("  = ", pValue);
		}
	}
}

int main(void)
{
	HCLUSTER hCluster = OpenCluster(NULL);
	if (hCluster == NULL)
		return Fail("OpenCluster", GetLastError());
	HGROUP hGroup = OpenClusterGroup(hCluster, GROUP_NAME);
	if (hGroup == NULL)
		return Fail("OpenClusterGroup", GetLastError());

	/* A common property of the group. */
	BYTE buffer[512];
	DWORD cbList = OneStringProperty(buffer, L"Description", L"Written through ClusterGroupControl");
	DWORD dwStatus = ClusterGroupControl(hGroup, NULL, CLUSCTL_GROUP_SET_COMMON_PROPERTIES, buffer, cbList,
					     NULL, 0, NULL);
	if (dwStatus != ERROR_SUCCESS)
		return Fail("CLUSCTL_GROUP_SET_COMMON_PROPERTIES", dwStatus);

	/* Read them back: first the size, then the list. */
	DWORD cbNeeded = 0;
	dwStatus = ClusterGroupControl(hGroup, NULL, CLUSCTL_GROUP_GET_COMMON_PROPERTIES, NULL, 0, NULL, 0, &cbNeeded);
	if (dwStatus != ERROR_MORE_DATA && dwStatus != ERROR_SUCCESS)
		return Fail("CLUSCTL_GROUP_GET_COMMON_PROPERTIES", dwStatus);
	BYTE *pList = malloc(cbNeeded);
	if (pList == NULL)
		return Fail("malloc", ERROR_NOT_ENOUGH_MEMORY);
	DWORD cbReturned = 0;
	dwStatus = ClusterGroupControl(hGroup, NULL, CLUSCTL_GROUP_GET_COMMON_PROPERTIES, NULL, 0, pList, cbNeeded,
				       &cbReturned);
	if (dwStatus != ERROR_SUCCESS)
		return Fail("CLUSCTL_GROUP_GET_COMMON_PROPERTIES", dwStatus);
	PrintW("Group: ", GROUP_NAME);
	PrintProperty(pList, cbReturned, L"Description");
	free(pList);

	/* A private property of each resource in the group. */
	HGROUPENUM hEnum = ClusterGroupOpenEnum(hGroup, CLUSTER_GROUP_ENUM_CONTAINS);
	if (hEnum == NULL)
		return Fail("ClusterGroupOpenEnum", GetLastError());
	for (DWORD dwIndex = 0;; dwIndex++) {
		WCHAR szName[256];
		DWORD cchName = sizeof(szName) / sizeof(WCHAR), dwType;
		dwStatus = ClusterGroupEnum(hEnum, dwIndex, &dwType, szName, &cchName);
		if (dwStatus == ERROR_NO_MORE_ITEMS)
			break;
		if (dwStatus != ERROR_SUCCESS)
			return Fail("ClusterGroupEnum", dwStatus);
		HRESOURCE hResource = OpenClusterResource(hCluster, szName);
		if (hResource == NULL)
			return Fail("OpenClusterResource", GetLastError());
		cbList = OneStringProperty(buffer, L"CommandLine", L"sleep 600");
		dwStatus = ClusterResourceControl(hResource, NULL, CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES, buffer,
						  cbList, NULL, 0, NULL);
		if (dwStatus != ERROR_SUCCESS)
			return Fail("CLUSCTL_RESOURCE_SET_PRIVATE_PROPERTIES", dwStatus);
		BYTE answer[512];
		dwStatus = ClusterResourceControl(hResource, NULL, CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES, NULL, 0,
						  answer, sizeof(answer), &cbReturned);
		if (dwStatus != ERROR_SUCCESS)
			return Fail("CLUSCTL_RESOURCE_GET_PRIVATE_PROPERTIES", dwStatus);
		PrintW("Resource: ", szName);
		PrintProperty(answer, cbReturned, L"CommandLine");
		CloseClusterResource(hResource);
	}
	ClusterGroupCloseEnum(hEnum);
	CloseClusterGroup(hGroup);
	CloseCluster(hCluster);
	return 0;
}
