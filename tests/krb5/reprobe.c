/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One process, several OpenClusterEx calls over TCP with shell commands in
 * between (kinit, kdestroy): for reprobe.sh, which checks that the library's
 * per-process Kerberos cache (auth_gssapi.c) notices a ticket that appears
 * or goes away between two opens.
 *
 * Usage: krb5_reprobe HOST STEP...
 *   read | full | denied   OpenClusterEx(HOST, MAXIMUM_ALLOWED): the access
 *                          granted must be GENERIC_READ, GENERIC_ALL, or the
 *                          open refused with ERROR_ACCESS_DENIED
 *   run:COMMAND            system(COMMAND), which must exit 0
 * Exits 0 when every step went as said, else 1 naming the step.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clusapi.h"

static int open_step(LPCWSTR host, const char *want, int n)
{
	DWORD granted = 0;
	HCLUSTER h = OpenClusterEx(host, MAXIMUM_ALLOWED, &granted);
	DWORD err = h ? ERROR_SUCCESS : GetLastError();
	const char *got = !h ? (err == ERROR_ACCESS_DENIED ? "denied" : "error")
		      : granted == GENERIC_ALL ? "full"
		      : granted == GENERIC_READ ? "read"
						: "other";

	if (h)
		CloseCluster(h);
	if (strcmp(got, want) != 0) {
		fprintf(stderr, "step %d: wanted %s, got %s (%s, granted 0x%lx)\n", n, want, got,
			h ? "opened" : ClusapiErrorMessage(err), (unsigned long)granted);
		return 1;
	}
	printf("step %d: %s\n", n, got);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: krb5_reprobe HOST STEP...\n");
		return 2;
	}
	LPWSTR host = ClusapiUtf8ToWide(argv[1]);
	int rc = 0;

	for (int i = 2; i < argc && rc == 0; i++) {
		if (strncmp(argv[i], "run:", 4) == 0) {
			fflush(stdout);
			if (system(argv[i] + 4) != 0) {
				fprintf(stderr, "step %d: '%s' failed\n", i - 1, argv[i] + 4);
				rc = 1;
			}
		} else {
			rc = open_step(host, argv[i], i - 1);
		}
	}
	free(host);
	return rc;
}
