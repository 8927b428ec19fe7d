/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The cluster registry, written as Microsoft's documentation writes clusapi
 * programs: the root key's subkeys, and a value written and read back.
 */
#include <stdio.h>
#include <string.h>

#include <clusapi.h>

static void PrintW(const char *label, LPCWSTR text)
{
	printf("%s", label);
	for (; *text; text++)
		putchar(*text < 0x80 ? (int)*text : '?');
	putchar('\n');
}

static int Fail(const char *what, LONG status)
{
	fprintf(stderr, "registry: %s failed: error %ld\n", what, (long)status);
	return 1;
}

int main(void)
{
	HCLUSTER hCluster = OpenCluster(NULL);
	if (hCluster == NULL)
		return Fail("OpenCluster", (LONG)GetLastError());
	HKEY hRoot = GetClusterKey(hCluster, KEY_ALL_ACCESS);
	if (hRoot == NULL)
		return Fail("GetClusterKey", (LONG)GetLastError());

	for (DWORD dwIndex = 0;; dwIndex++) {
		WCHAR szSubKey[256];
		DWORD cchSubKey = sizeof(szSubKey) / sizeof(WCHAR);
		FILETIME ftLastWrite;
		LONG lStatus = ClusterRegEnumKey(hRoot, dwIndex, szSubKey, &cchSubKey, &ftLastWrite);
		if (lStatus == ERROR_NO_MORE_ITEMS)
			break;
		if (lStatus != ERROR_SUCCESS)
			return Fail("ClusterRegEnumKey", lStatus);
		PrintW("Key: ", szSubKey);
	}

	const WCHAR szValue[] = L"Written by the registry example";
	LONG lStatus = ClusterRegSetValue(hRoot, L"ExampleValue", REG_SZ, (const BYTE *)szValue, sizeof(szValue));
	if (lStatus != ERROR_SUCCESS)
		return Fail("ClusterRegSetValue", lStatus);

	WCHAR szData[128];
	DWORD dwType = 0, cbData = sizeof(szData);
	lStatus = ClusterRegQueryValue(hRoot, L"ExampleValue", &dwType, (LPBYTE)szData, &cbData);
	if (lStatus != ERROR_SUCCESS)
		return Fail("ClusterRegQueryValue", lStatus);
	if (dwType != REG_SZ || cbData != sizeof(szValue))
		return Fail("ClusterRegQueryValue (type or size)", ERROR_INVALID_DATA);
	PrintW("ExampleValue: ", szData);

	ClusterRegCloseKey(hRoot);
	CloseCluster(hCluster);
	return 0;
}
