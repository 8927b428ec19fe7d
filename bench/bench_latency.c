/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Benchmark (not a test): latency percentiles of a whole library session
 * (OpenClusterEx + GetClusterInformation + CloseCluster) against the number
 * of concurrent clients, each a thread running cycles for SECONDS, over LPC
 * or TCP (127.0.0.1).  Prints cycles/s and p50/p90/p99/max per client count;
 * appends CSV rows when asked.
 *
 * Usage: bench_latency lpc|tcp SECONDS CSV_FILE|- CLIENTS...
 * (with CLUSAPI_LPC_SOCKET / CLUSAPI_EPMAPPER_PORT pointing at a running
 * clusterd; run by bench/run.sh)
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clusapi.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One line about the first failure of a measurement, not one per thread. */
static atomic_bool said;

struct client {
	pthread_t thread;
	LPCWSTR name;
	double start, end;
	double *lat; /* seconds per cycle */
	size_t n, cap;
	bool failed;
};

static void *client_run(void *arg)
{
	struct client *c = arg;
	double wait = c->start - now();
	if (wait > 0) {
		struct timespec ts = { (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9) };
		nanosleep(&ts, NULL);
	}
	while (now() < c->end) {
		double t0 = now();
		HCLUSTER h = OpenClusterEx(c->name, GENERIC_READ, NULL);
		WCHAR buf[64];
		DWORD cch = 64;
		CLUSTERVERSIONINFO vi = { .dwVersionInfoSize = sizeof(vi) };
		if (!h || GetClusterInformation(h, buf, &cch, &vi) != ERROR_SUCCESS || !CloseCluster(h)) {
			if (!atomic_exchange(&said, true))
				fprintf(stderr, "a cycle failed: %s\n", ClusapiErrorMessage(GetLastError()));
			c->failed = true;
			return NULL;
		}
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 1024;
			c->lat = realloc(c->lat, c->cap * sizeof(double));
			if (!c->lat) {
				c->failed = true;
				return NULL;
			}
		}
		c->lat[c->n++] = now() - t0;
	}
	return NULL;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	if (argc < 5) {
		fprintf(stderr, "usage: bench_latency lpc|tcp SECONDS CSV_FILE|- CLIENTS...\n");
		return 2;
	}
	bool tcp = strcmp(argv[1], "tcp") == 0;
	double seconds = atof(argv[2]);
	FILE *csv = strcmp(argv[3], "-") == 0 ? NULL : fopen(argv[3], "a");
	printf("%-5s %8s %10s %9s %9s %9s %9s\n", "via", "clients", "cycles/s", "p50 us", "p90 us", "p99 us", "max us");
	for (int a = 4; a < argc; a++) {
		int n = atoi(argv[a]);
		if (n <= 0)
			continue;
		struct client *cs = calloc((size_t)n, sizeof(*cs));
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setstacksize(&attr, 256 * 1024);
		double start = now() + 0.1 + 0.001 * n;
		for (int i = 0; i < n; i++) {
			cs[i].name = tcp ? u"127.0.0.1" : NULL;
			cs[i].start = start;
			cs[i].end = start + seconds;
			if (pthread_create(&cs[i].thread, &attr, client_run, &cs[i]) != 0) {
				fprintf(stderr, "cannot start %d threads\n", n);
				return 1;
			}
		}
		size_t total = 0;
		bool failed = false;
		for (int i = 0; i < n; i++) {
			pthread_join(cs[i].thread, NULL);
			total += cs[i].n;
			failed = failed || cs[i].failed;
		}
		if (failed) {
			/* Past what this machine or server takes: said, not measured. */
			printf("%-5s %8d    (cycles failed: not measured)\n", argv[1], n);
			for (int i = 0; i < n; i++)
				free(cs[i].lat);
			free(cs);
			pthread_attr_destroy(&attr);
			atomic_store(&said, false);
			continue;
		}
		double *all = malloc((total ? total : 1) * sizeof(double));
		size_t k = 0;
		for (int i = 0; i < n; i++) {
			memcpy(all + k, cs[i].lat, cs[i].n * sizeof(double));
			k += cs[i].n;
			free(cs[i].lat);
		}
		qsort(all, total, sizeof(double), cmp);
#define PCT(p) (total ? all[(size_t)((double)(total - 1) * (p))] * 1e6 : 0)
		double rate = (double)total / seconds;
		printf("%-5s %8d %10.0f %9.0f %9.0f %9.0f %9.0f\n", argv[1], n, rate, PCT(0.5), PCT(0.9), PCT(0.99),
		       PCT(1.0));
		if (csv)
			fprintf(csv, "%s,%d,%.1f,%.1f,%.1f,%.1f,%.1f\n", argv[1], n, rate, PCT(0.5), PCT(0.9), PCT(0.99),
				PCT(1.0));
		fflush(stdout);
		free(all);
		free(cs);
		pthread_attr_destroy(&attr);
	}
	if (csv)
		fclose(csv);
	return 0;
}
