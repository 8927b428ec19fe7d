/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Benchmark helper (not a test): N cycles of OpenClusterEx +
 * GetClusterInformation + CloseCluster, nothing else, for bench/cost.sh to
 * measure with time(1) and strace -c.
 *
 * Usage: bench_cycle NAME|"" N   ("" : LPC)
 */
#include <stdio.h>
#include <stdlib.h>

#include "clusapi.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_cycle NAME|\"\" N\n");
		return 2;
	}
	LPWSTR name = argv[1][0] ? ClusapiUtf8ToWide(argv[1]) : NULL;
	int n = atoi(argv[2]);
	for (int i = 0; i < n; i++) {
		HCLUSTER h = OpenClusterEx(name, GENERIC_READ, NULL);
		if (!h) {
			fprintf(stderr, "OpenClusterEx: %s\n", ClusapiErrorMessage(GetLastError()));
			return 1;
		}
		WCHAR buf[64];
		DWORD cch = 64;
		CLUSTERVERSIONINFO vi = { .dwVersionInfoSize = sizeof(vi) };
		if (GetClusterInformation(h, buf, &cch, &vi) != ERROR_SUCCESS || !CloseCluster(h)) {
			fprintf(stderr, "cycle failed\n");
			return 1;
		}
	}
	free(name);
	return 0;
}
