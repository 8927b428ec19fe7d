/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Benchmark (not a test): durable writes per second against the number of
 * concurrent writers.  Each writer is a process with its own LPC connection
 * (OpenClusterEx(NULL)) creating resources in a new group (each creation
 * a durable change: acknowledged once it is on disk) for SECONDS; the total
 * creations per second are printed for every writer count, as CSV when
 * asked.
 *
 * Usage: bench_writes SECONDS CSV_FILE|- WRITERS...   (with CLUSAPI_LPC_SOCKET
 * pointing at a running clusterd; run by bench/run.sh)
 */
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clusapi.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One writer: create resources until the end time; the count in *done. */
static int writer(int run, int id, double start, double end, long *done)
{
	char gname[64];
	snprintf(gname, sizeof(gname), "bench-writes-%d-%d", run, (int)getppid());
	LPWSTR gw = ClusapiUtf8ToWide(gname);
	HCLUSTER h = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	HGROUP g = h ? OpenClusterGroup(h, gw) : NULL;
	free(gw);
	if (!g) {
		fprintf(stderr, "writer %d: open: %s\n", id, ClusapiErrorMessage(GetLastError()));
		return 1;
	}
	while (now() < start)
		usleep(1000);
	long n = 0;
	while (now() < end) {
		char name[64];
		snprintf(name, sizeof(name), "w%d-%d-%ld-%d", run, id, n, (int)getpid());
		LPWSTR w = ClusapiUtf8ToWide(name);
		HRESOURCE r = CreateClusterResource(g, w, u"Generic Service", 0);
		free(w);
		if (!r) {
			fprintf(stderr, "writer %d: CreateClusterResource: %s\n", id, ClusapiErrorMessage(GetLastError()));
			return 1;
		}
		CloseClusterResource(r);
		n++;
	}
	*done = n;
	CloseClusterGroup(g);
	CloseCluster(h);
	return 0;
}

/* Writes per second with `writers` concurrent writers. */
static double measure(int run, int writers, double seconds)
{
	long *counts = mmap(NULL, sizeof(long) * (size_t)writers, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
			    -1, 0);
	if (counts == MAP_FAILED)
		exit(1);
	pid_t *pids = calloc((size_t)writers, sizeof(pid_t));
	/* A group of its own per measurement: a group's size costs its
	 * creations something, the same for every writer count. */
	char gname[64];
	snprintf(gname, sizeof(gname), "bench-writes-%d-%d", run, (int)getpid());
	LPWSTR gw = ClusapiUtf8ToWide(gname);
	HCLUSTER h = OpenClusterEx(NULL, GENERIC_ALL, NULL);
	HGROUP g = h ? CreateClusterGroup(h, gw) : NULL;
	free(gw);
	if (!g) {
		fprintf(stderr, "CreateClusterGroup: %s\n", ClusapiErrorMessage(GetLastError()));
		exit(1);
	}
	CloseClusterGroup(g);
	CloseCluster(h);
	double start = now() + 0.2 + 0.01 * writers, end = start + seconds;
	for (int i = 0; i < writers; i++) {
		pids[i] = fork();
		if (pids[i] == 0)
			_exit(writer(run, i, start, end, &counts[i]));
	}
	bool ok = true;
	for (int i = 0; i < writers; i++) {
		int status;
		waitpid(pids[i], &status, 0);
		ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	if (!ok) {
		fprintf(stderr, "a writer failed\n");
		exit(1);
	}
	long total = 0;
	for (int i = 0; i < writers; i++)
		total += counts[i];
	munmap(counts, sizeof(long) * (size_t)writers);
	free(pids);
	return (double)total / seconds;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: bench_writes SECONDS CSV_FILE|- WRITERS...\n");
		return 2;
	}
	double seconds = atof(argv[1]);
	FILE *csv = strcmp(argv[2], "-") == 0 ? NULL : fopen(argv[2], "w");
	if (csv)
		fprintf(csv, "writers,writes_per_s,ratio_to_1\n");
	double single = 0;
	printf("%-10s %12s %10s\n", "writers", "writes/s", "x 1 writer");
	for (int a = 3; a < argc; a++) {
		int writers = atoi(argv[a]);
		if (writers <= 0)
			continue;
		double rate = measure(a, writers, seconds);
		if (writers == 1 || single == 0)
			single = rate;
		printf("%-10d %12.0f %10.2f\n", writers, rate, rate / single);
		if (csv)
			fprintf(csv, "%d,%.1f,%.3f\n", writers, rate, rate / single);
		fflush(stdout);
	}
	if (csv)
		fclose(csv);
	return 0;
}
