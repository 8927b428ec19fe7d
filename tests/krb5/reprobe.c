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
 *   threads:N:M:WANT       N threads, M opens each, all must get WANT (for
 *                          opens while another process runs kinit again and
 *                          again: the library's shared credential is replaced
 *                          under the threads' feet)
 * Exits 0 when every step went as said, else 1 naming the step.
 */
#include <pthread.h>
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

struct worker {
	pthread_t t;
	LPCWSTR host;
	const char *want;
	int opens, failed;
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;

	for (int i = 0; i < w->opens && !w->failed; i++)
		w->failed = open_step(w->host, w->want, i);
	return NULL;
}

static int threads_step(LPCWSTR host, const char *spec)
{
	struct worker w[16];
	char want[16];
	int n = 0, m = 0, rc = 0;

	if (sscanf(spec, "%d:%d:%15s", &n, &m, want) != 3 || n < 1 || n > 16 || m < 1) {
		fprintf(stderr, "bad threads step '%s'\n", spec);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		w[i] = (struct worker){ .host = host, .want = want, .opens = m };
		if (pthread_create(&w[i].t, NULL, worker_run, &w[i]) != 0) {
			fprintf(stderr, "pthread_create failed\n");
			return 1;
		}
	}
	for (int i = 0; i < n; i++) {
		pthread_join(w[i].t, NULL);
		rc |= w[i].failed;
	}
	return rc;
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
		} else if (strncmp(argv[i], "threads:", 8) == 0) {
			rc = threads_step(host, argv[i] + 8);
			if (!rc)
				printf("step %d: %s\n", i - 1, argv[i]);
		} else {
			rc = open_step(host, argv[i], i - 1);
		}
	}
	free(host);
	return rc;
}
