/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CreateClusterResourceType / DeleteClusterResourceType from the shell, for
 * gensvc.sh (clusctl has no verb for them): through CLUSAPI_LPC_SOCKET,
 *   restype create NAME BASE    restype delete NAME
 * prints the error's name (ERROR_SUCCESS when it worked); exit 0 on success.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusapi.h"

int main(int argc, char **argv)
{
	bool create = argc == 4 && strcmp(argv[1], "create") == 0;
	bool del = argc == 3 && strcmp(argv[1], "delete") == 0;
	if (!create && !del) {
		fprintf(stderr, "usage: restype create NAME BASE | restype delete NAME\n");
		return 2;
	}
	HCLUSTER c = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	if (!c) {
		printf("%s\n", ClusapiErrorName(GetLastError()));
		return 1;
	}
	WCHAR *name = ClusapiUtf8ToWide(argv[2]), *base = create ? ClusapiUtf8ToWide(argv[3]) : NULL;
	DWORD rc = create ? CreateClusterResourceType(c, name, name, base, 5000, 60000)
			  : DeleteClusterResourceType(c, name);
	const char *n = ClusapiErrorName(rc);
	printf("%s\n", n ? n : "?");
	free(name);
	free(base);
	CloseCluster(c);
	return rc == ERROR_SUCCESS ? 0 : 1;
}
