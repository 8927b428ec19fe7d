/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Benchmark (not a test): OpenClusterEx + GetClusterInformation + CloseCluster
 * cycles over LPC and TCP, next to the floor: a raw socket connect, two round
 * trips of a small message to an echo server, and close, on the same transport.
 * Over TCP: anonymous (a server with --allow-anonymous), NTLMSSP at
 * PKT_PRIVACY (BENCH_NTLM_USER / BENCH_NTLM_PASSWORD), and Kerberos at
 * PKT_PRIVACY (BENCH_KRB5_HOST: the name to open, with a ticket in
 * KRB5CCNAME), each when configured, and TCP with the endpoint cache off
 * (every open asks the endpoint mapper).  Everything is measured in one run,
 * in interleaved rounds, and reported as ratios to the floor: the ratio of
 * the mean times, and the median of the rounds' own ratios (steadier when
 * other work shares the machine).  With BENCH_CSV=FILE the results are also
 * written there as CSV.
 *
 * Usage: bench_open CYCLES   (with CLUSAPI_LPC_SOCKET / CLUSAPI_EPMAPPER_PORT
 * pointing at a running clusterd; run by bench/run.sh)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "clusapi.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* An echo server in a child process: one connection at a time, echo until EOF. */
static pid_t echo_server(int lfd)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			continue;
		int one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		char buf[256];
		ssize_t n;
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			if (write(fd, buf, (size_t)n) != n)
				break;
		close(fd);
	}
}

static int floor_cycle(const struct sockaddr *sa, socklen_t len)
{
	return bench_floor_cycle(sa, len, 64);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double bench_floor(const struct sockaddr *sa, socklen_t len, int cycles)
{
	double t0 = now();
	for (int i = 0; i < cycles; i++)
		if (floor_cycle(sa, len) < 0) {
			fprintf(stderr, "floor cycle failed\n");
			exit(1);
		}
	return (now() - t0) / cycles;
}

/* Credentials for the NTLM cycles (NULL: plain OpenClusterEx). */
static LPWSTR ntlm_user, ntlm_password;
/* The caller's ticket cache: only the Kerberos cycles may use it. */
static char *krb5_ccache;
/* The echo servers, stopped however the run ends. */
static pid_t echo_pids[2];

static void stop_echo_servers(void)
{
	for (int i = 0; i < 2; i++)
		if (echo_pids[i] > 0) {
			kill(echo_pids[i], SIGKILL);
			waitpid(echo_pids[i], NULL, 0);
			echo_pids[i] = 0;
		}
}

static double bench_clusapi(LPCWSTR name, int cycles, bool ntlm, bool krb5)
{
	if (krb5 && krb5_ccache)
		setenv("KRB5CCNAME", krb5_ccache, 1);
	else
		setenv("KRB5CCNAME", "FILE:/nonexistent/clusapi-bench-no-tickets", 1);
	double t0 = now();
	for (int i = 0; i < cycles; i++) {
		HCLUSTER h = ntlm ? ClusapiOpenClusterWithCredentials(name, ntlm_user, ntlm_password, GENERIC_READ, NULL)
				  : OpenClusterEx(name, GENERIC_READ, NULL);
		if (!h) {
			fprintf(stderr, "OpenClusterEx failed: %s\n", ClusapiErrorMessage(GetLastError()));
			exit(1);
		}
		WCHAR buf[64];
		DWORD cch = 64;
		CLUSTERVERSIONINFO vi = { .dwVersionInfoSize = sizeof(vi) };
		if (GetClusterInformation(h, buf, &cch, &vi) != ERROR_SUCCESS || !CloseCluster(h)) {
			fprintf(stderr, "cycle failed\n");
			exit(1);
		}
	}
	return (now() - t0) / cycles;
}

int main(int argc, char **argv)
{
	int cycles = argc > 1 ? atoi(argv[1]) : 2000;
	if (cycles <= 0)
		cycles = 2000;

	/* Floors: TCP on 127.0.0.1 and a Unix socket. */
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t slen = sizeof(sin);
	int tfd = socket(AF_INET, SOCK_STREAM, 0);
	bind(tfd, (struct sockaddr *)&sin, sizeof(sin));
	listen(tfd, 128);
	getsockname(tfd, (struct sockaddr *)&sin, &slen);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/tmp/clusapi-bench-%d.sock", (int)getpid());
	unlink(sun.sun_path);
	int ufd = socket(AF_UNIX, SOCK_STREAM, 0);
	bind(ufd, (struct sockaddr *)&sun, sizeof(sun));
	listen(ufd, 128);
	const char *cc = getenv("KRB5CCNAME");
	krb5_ccache = cc ? strdup(cc) : NULL;
	echo_pids[0] = echo_server(tfd);
	echo_pids[1] = echo_server(ufd);
	atexit(stop_echo_servers);

	/* Warm up everything once, then measure interleaved rounds so that both
	 * sides see the same machine. */
	bench_floor((struct sockaddr *)&sin, sizeof(sin), 100);
	bench_floor((struct sockaddr *)&sun, sizeof(sun), 100);
	const char *nu = getenv("BENCH_NTLM_USER"), *np = getenv("BENCH_NTLM_PASSWORD"), *kh = getenv("BENCH_KRB5_HOST");
	bool ntlm = nu && np && *nu;
	LPWSTR krb5_host = kh && *kh ? ClusapiUtf8ToWide(kh) : NULL;
	if (ntlm) {
		ntlm_user = ClusapiUtf8ToWide(nu);
		ntlm_password = ClusapiUtf8ToWide(np);
	}
	bench_clusapi(NULL, 100, false, false);
	bench_clusapi(u"127.0.0.1", 100, false, false);
	if (ntlm)
		bench_clusapi(u"127.0.0.1", 100, true, false);
	if (krb5_host)
		bench_clusapi(krb5_host, 100, false, true);
	enum { F_UNIX, C_LPC, F_TCP, C_TCP, C_NOCACHE, C_NTLM, C_KRB5, NM };
	static const char *const what[NM] = {
		"floor, Unix socket: connect + 2 round trips + close",
		"LPC: OpenClusterEx + GetClusterInformation + CloseCluster",
		"floor, TCP 127.0.0.1: connect + 2 round trips + close",
		"TCP: OpenClusterEx + GetClusterInformation + CloseCluster",
		"TCP, endpoint cache off: the same cycle",
		"TCP, NTLMSSP + PKT_PRIVACY: the same cycle",
		"TCP, Kerberos (SPNEGO) + PKT_PRIVACY: the same cycle",
	};
	/* Which floor each is measured against. */
	static const int floor_of[NM] = { -1, F_UNIX, -1, F_TCP, F_TCP, F_TCP, F_TCP };
	bool on[NM] = { true, true, true, true, true, ntlm, krb5_host != NULL };
	int rounds = 10, per = cycles / rounds;
	if (per < 1)
		per = 1;
	double t[NM][10] = { { 0 } };
	for (int r = 0; r < rounds; r++) {
		t[F_UNIX][r] = bench_floor((struct sockaddr *)&sun, sizeof(sun), per);
		t[C_LPC][r] = bench_clusapi(NULL, per, false, false);
		t[F_TCP][r] = bench_floor((struct sockaddr *)&sin, sizeof(sin), per);
		t[C_TCP][r] = bench_clusapi(u"127.0.0.1", per, false, false);
		setenv("CLUSAPI_ENDPOINT_CACHE_SECONDS", "0", 1);
		t[C_NOCACHE][r] = bench_clusapi(u"127.0.0.1", per, false, false);
		unsetenv("CLUSAPI_ENDPOINT_CACHE_SECONDS");
		if (ntlm)
			t[C_NTLM][r] = bench_clusapi(u"127.0.0.1", per, true, false);
		if (krb5_host)
			t[C_KRB5][r] = bench_clusapi(krb5_host, per, false, true);
	}
	stop_echo_servers();
	unlink(sun.sun_path);

	const char *csv_path = getenv("BENCH_CSV");
	FILE *csv = csv_path && *csv_path ? fopen(csv_path, "w") : NULL;
	if (csv)
		fprintf(csv, "measurement,mean_us,ratio_of_means,median_round_ratio\n");
	printf("cycles per measurement: %d (in %d interleaved rounds)\n", per * rounds, rounds);
	printf("%-58s %9s %8s %8s\n", "", "mean", "ratio", "median");
	for (int m = 0; m < NM; m++) {
		if (!on[m])
			continue;
		double mean = 0, fmean = 0, ratios[10];
		for (int r = 0; r < rounds; r++) {
			mean += t[m][r] / rounds;
			if (floor_of[m] >= 0) {
				fmean += t[floor_of[m]][r] / rounds;
				ratios[r] = t[m][r] / t[floor_of[m]][r];
			}
		}
		if (floor_of[m] < 0) {
			printf("%-58s %7.1f us\n", what[m], mean * 1e6);
			if (csv)
				fprintf(csv, "\"%s\",%.1f,,\n", what[m], mean * 1e6);
			continue;
		}
		qsort(ratios, (size_t)rounds, sizeof(double), cmp_double);
		double median = (ratios[(rounds - 1) / 2] + ratios[rounds / 2]) / 2;
		printf("%-58s %7.1f us %7.2fx %7.2fx\n", what[m], mean * 1e6, mean / fmean, median);
		if (csv)
			fprintf(csv, "\"%s\",%.1f,%.3f,%.3f\n", what[m], mean * 1e6, mean / fmean, median);
	}
	if (csv)
		fclose(csv);
	free(ntlm_user);
	free(ntlm_password);
	free(krb5_host);
	free(krb5_ccache);
	return 0;
}
