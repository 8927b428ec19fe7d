/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Benchmark (not a test): throughput at the wire, with the project's own
 * DCE/RPC client (src/rpc) and no library above it, next to a floor in the
 * same run.
 *
 *   bench_wire run SECONDS ROUNDS CSV "K1 K2 ..." SPEC...
 *
 * Each SPEC is LABEL,KIND,ADDRESS[,REF]: for every client count K and every
 * round, the SPECs are measured in turn (interleaved), each with K threads
 * repeating KIND against ADDRESS for SECONDS.  KIND:
 *   floor      connect, two round trips of 100 bytes to an echo server, close
 *   cycle      connect, bind MS-CMRP, OpenClusterEx, CloseCluster, close (the
 *              plain DCE/RPC sequence: three round trips)
 *   pipelined  the same with the bind and the open in one send (clusterd only)
 *   ntlm       the cycle with NTLMSSP at PKT_PRIVACY (BENCH_NTLM_USER and
 *              BENCH_NTLM_PASSWORD)
 *   call       one connection per client, bound once; then GetClusterName
 *              calls (counted: calls/s)
 *   epm        connect, bind the endpoint mapper, ept_map MS-CMRP over TCP,
 *              close
 *   epm-lsarpc the same, mapping lsarpc (what a Samba mapper knows)
 * ADDRESS: unix:PATH, tcp:IPV4:PORT, or echo:unix / echo:tcp (an echo server
 * this program starts: one epoll loop per core, in child processes).
 * REF: the label this one is compared with (the ratio of the mean rates and
 * the median of the rounds' ratios).  CSV (appended, header when empty):
 *   label,kind,clients,per_s,ref,ratio_of_means,median_round_ratio,errors
 *
 *   bench_wire handles LPC_SOCKET CLUSTERD_PID CSV N1 N2 ...
 *
 * Opens resource handles on one LPC connection (full rights: root) until N1,
 * N2, ... are open, and writes clusterd's VmRSS at each point:
 *   handles,rss_kib,bytes_per_handle (over the RSS before the first)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/utf16.h"
#include "cmrp/cmrp.h"
#include "cmrp/cmrp_objects.h"
#include "rpc/auth.h"
#include "rpc/client.h"
#include "rpc/epm.h"

#include "bench_util.h"

#define MAX_SPECS 16
#define MAX_ROUNDS 32
#define MAX_CLIENTS 4096
#define MSG 100

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

enum kind { K_FLOOR, K_CYCLE, K_PIPELINED, K_NTLM, K_CALL, K_EPM, K_EPM_LSA };
static const char *const kind_names[] = { "floor", "cycle", "pipelined", "ntlm", "call", "epm", "epm-lsarpc" };

struct spec {
	char label[64];
	enum kind kind;
	struct sockaddr_storage sa;
	socklen_t salen;
	char ref[64];
	int ref_idx;
};

static struct spec specs[MAX_SPECS];
static int nspecs;
static const char *ntlm_user, *ntlm_password;
static pid_t echo_pids[64];
static int n_echo;
static char echo_path[108];

/* lsarpc 12345778-1234-abcd-ef00-0123456789ab v0.0 */
static const struct rpc_syntax lsarpc_syntax = {
	.uuid = { 0x12345778, 0x1234, 0xabcd, { 0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab } },
	.major = 0,
	.minor = 0,
};

static void stop_echo(void)
{
	for (int i = 0; i < n_echo; i++) {
		kill(echo_pids[i], SIGKILL);
		waitpid(echo_pids[i], NULL, 0);
	}
	n_echo = 0;
	if (echo_path[0])
		unlink(echo_path);
}

/* An echo server: one epoll loop per core, each a child process, all on one
 * non-blocking listening socket. */
static void echo_child(int lfd)
{
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE, .data.fd = lfd };
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &ev);
	for (;;) {
		struct epoll_event evs[64];
		int n = epoll_wait(ep, evs, 64, -1);
		for (int i = 0; i < n; i++) {
			int fd = evs[i].data.fd;
			if (fd == lfd) {
				int c;
				while ((c = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					int one = 1;
					setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					struct epoll_event cev = { .events = EPOLLIN, .data.fd = c };
					epoll_ctl(ep, EPOLL_CTL_ADD, c, &cev);
				}
				continue;
			}
			char buf[4096];
			ssize_t r = read(fd, buf, sizeof(buf));
			if (r > 0 && write(fd, buf, (size_t)r) == r)
				continue;
			if (r < 0 && errno == EAGAIN)
				continue;
			close(fd);
		}
	}
}

static void start_echo(struct spec *s, bool unix_socket)
{
	int lfd;
	if (unix_socket) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };
		snprintf(echo_path, sizeof(echo_path), "/tmp/clusapi-wire-%d.sock", (int)getpid());
		unlink(echo_path);
		memcpy(sun.sun_path, echo_path, strlen(echo_path) + 1);
		lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) < 0)
			goto fail;
		memcpy(&s->sa, &sun, sizeof(sun));
		s->salen = sizeof(sun);
	} else {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		socklen_t len = sizeof(sin);
		lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (lfd < 0 || bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
		    getsockname(lfd, (struct sockaddr *)&sin, &len) < 0)
			goto fail;
		memcpy(&s->sa, &sin, sizeof(sin));
		s->salen = sizeof(sin);
	}
	if (listen(lfd, 4096) < 0)
		goto fail;
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	for (long i = 0; i < cores && n_echo < 64; i++) {
		pid_t pid = fork();
		if (pid == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL); /* gone with the benchmark, however it ends */
			echo_child(lfd);
		}
		if (pid < 0)
			goto fail;
		echo_pids[n_echo++] = pid;
	}
	close(lfd);
	return;
fail:
	perror("bench_wire: echo server");
	exit(1);
}

static void parse_addr(struct spec *s, const char *a)
{
	if (strcmp(a, "echo:unix") == 0 || strcmp(a, "echo:tcp") == 0) {
		start_echo(s, a[5] == 'u');
		return;
	}
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	if (strncmp(a, "unix:", 5) == 0 &&
	    (size_t)snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", a + 5) < sizeof(sun.sun_path)) {
		memcpy(&s->sa, &sun, sizeof(sun));
		s->salen = sizeof(sun);
		return;
	}
	if (strncmp(a, "tcp:", 4) == 0) {
		char host[64];
		const char *colon = strrchr(a + 4, ':');
		struct sockaddr_in sin = { .sin_family = AF_INET };
		if (colon && (size_t)(colon - (a + 4)) < sizeof(host)) {
			memcpy(host, a + 4, (size_t)(colon - (a + 4)));
			host[colon - (a + 4)] = 0;
			sin.sin_port = htons((uint16_t)atoi(colon + 1));
			if (inet_pton(AF_INET, host, &sin.sin_addr) == 1) {
				memcpy(&s->sa, &sin, sizeof(sin));
				s->salen = sizeof(sin);
				return;
			}
		}
	}
	fprintf(stderr, "bench_wire: bad address %s\n", a);
	exit(2);
}

static void parse_spec(const char *arg)
{
	if (nspecs == MAX_SPECS) {
		fprintf(stderr, "bench_wire: too many specs\n");
		exit(2);
	}
	struct spec *s = &specs[nspecs++];
	char *dup = strdup(arg), *save = NULL;
	char *label = strtok_r(dup, ",", &save), *kind = strtok_r(NULL, ",", &save);
	char *addr = strtok_r(NULL, ",", &save), *ref = strtok_r(NULL, ",", &save);
	if (!label || !kind || !addr) {
		fprintf(stderr, "bench_wire: bad spec %s (LABEL,KIND,ADDRESS[,REF])\n", arg);
		exit(2);
	}
	snprintf(s->label, sizeof(s->label), "%s", label);
	snprintf(s->ref, sizeof(s->ref), "%s", ref ? ref : "");
	s->ref_idx = -1;
	size_t k;
	for (k = 0; k < sizeof(kind_names) / sizeof(kind_names[0]); k++)
		if (strcmp(kind, kind_names[k]) == 0)
			break;
	if (k == sizeof(kind_names) / sizeof(kind_names[0])) {
		fprintf(stderr, "bench_wire: unknown kind %s\n", kind);
		exit(2);
	}
	s->kind = (enum kind)k;
	parse_addr(s, addr);
	free(dup);
}

/* ---- the cycles ---------------------------------------------------------- */

static int floor_cycle(const struct spec *s)
{
	return bench_floor_cycle((const struct sockaddr *)&s->sa, s->salen, MSG);
}

static DWORD connect_spec(struct rpc_client *c, const struct spec *s)
{
	rpc_client_init(c);
	if (s->sa.ss_family == AF_UNIX)
		return rpc_client_connect_unix(c, ((const struct sockaddr_un *)&s->sa)->sun_path);
	return rpc_client_connect_addr(c, (const struct sockaddr *)&s->sa, s->salen);
}

static DWORD one_call(struct rpc_client *c, uint16_t opnum, struct ndr_push *req, uint8_t **out, size_t *len,
		      bool *be)
{
	DWORD err = rpc_client_call(c, opnum, req->data, req->len, out, len, be);
	ndr_push_free(req);
	return err;
}

/* OpenClusterEx then CloseCluster on a bound association. */
static DWORD open_close(struct rpc_client *c, bool opened, uint8_t *obuf, size_t olen, bool obe)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf = obuf;
	size_t len = olen;
	bool be = obe;
	DWORD err;
	if (!opened) {
		ndr_push_init(&req);
		cmrp_open_cluster_ex_encode_in(&req, 0x80000000u); /* GENERIC_READ */
		err = one_call(c, CMRP_OPEN_CLUSTER_EX, &req, &buf, &len, &be);
		if (err)
			return err;
	}
	struct cmrp_open_cluster_out o;
	ndr_pull_init(&in, buf, len, be);
	bool ok = cmrp_open_cluster_decode_out(&in, &o, true);
	free(buf);
	if (!ok)
		return RPC_S_PROTOCOL_ERROR;
	if (o.status)
		return o.status;
	ndr_push_init(&req);
	cmrp_handle_encode(&req, &o.handle);
	err = one_call(c, CMRP_CLOSE_CLUSTER, &req, &buf, &len, &be);
	if (err)
		return err;
	struct rpc_ctx_handle h;
	uint32_t result;
	ndr_pull_init(&in, buf, len, be);
	ok = cmrp_close_decode_out(&in, &h, &result);
	free(buf);
	return !ok ? RPC_S_PROTOCOL_ERROR : result;
}

static DWORD rpc_cycle(const struct spec *s)
{
	struct rpc_client c;
	DWORD err = connect_spec(&c, s);
	if (err)
		goto out;
	switch (s->kind) {
	case K_CYCLE:
		err = rpc_client_bind(&c, &cmrp_syntax);
		if (!err)
			err = open_close(&c, false, NULL, 0, false);
		break;
	case K_PIPELINED: {
		struct ndr_push req;
		ndr_push_init(&req);
		cmrp_open_cluster_ex_encode_in(&req, 0x80000000u);
		struct rpc_call call = { .opnum = CMRP_OPEN_CLUSTER_EX, .stub = req.data, .stub_len = req.len };
		err = rpc_client_bind_and_call(&c, &cmrp_syntax, &call, 1);
		ndr_push_free(&req);
		if (!err)
			err = call.status;
		if (!err)
			err = open_close(&c, true, call.out, call.out_len, call.big_endian);
		else
			free(call.out);
		break;
	}
	case K_NTLM: {
		struct rpc_auth_client_creds cr = { .user = ntlm_user, .password = ntlm_password };
		struct rpc_auth auth;
		err = rpc_auth_ntlmssp_client(&cr, &auth);
		if (!err)
			err = rpc_client_bind_auth(&c, &cmrp_syntax, &auth, RPC_AUTHN_LEVEL_PKT_PRIVACY);
		if (!err)
			err = open_close(&c, false, NULL, 0, false);
		break;
	}
	case K_EPM:
	case K_EPM_LSA: {
		uint16_t port = 0;
		err = rpc_client_bind(&c, &epm_syntax);
		if (!err)
			err = epm_client_map_tcp(&c, s->kind == K_EPM ? &cmrp_syntax : &lsarpc_syntax, &port);
		if (!err && port == 0)
			err = RPC_S_PROTOCOL_ERROR;
		break;
	}
	default:
		err = ERROR_INVALID_PARAMETER;
	}
out:
	rpc_client_close(&c);
	return err;
}

/* ---- threads ------------------------------------------------------------- */

static atomic_bool said;

struct worker {
	pthread_t thread;
	const struct spec *s;
	double start, end;
	long done, errors;
};

static void say(const struct spec *s, DWORD err)
{
	if (!atomic_exchange(&said, true))
		fprintf(stderr, "bench_wire: %s (%s): a cycle failed: %u (0x%x)\n", s->label, kind_names[s->kind],
			(unsigned)err, (unsigned)err);
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	const struct spec *s = w->s;
	struct rpc_client c;
	bool bound = false;
	if (s->kind == K_CALL) {
		DWORD err = connect_spec(&c, s);
		if (!err)
			err = rpc_client_bind(&c, &cmrp_syntax);
		if (err) {
			say(s, err);
			w->errors++;
			rpc_client_close(&c);
			return NULL;
		}
		bound = true;
	}
	double wait = w->start - now();
	if (wait > 0) {
		struct timespec ts = { (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9) };
		nanosleep(&ts, NULL);
	}
	while (now() < w->end) {
		DWORD err;
		if (s->kind == K_FLOOR) {
			err = floor_cycle(s) ? RPC_S_SERVER_UNAVAILABLE : 0;
		} else if (s->kind == K_CALL) {
			uint8_t *buf;
			size_t len;
			bool be;
			err = rpc_client_call(&c, CMRP_GET_CLUSTER_NAME, NULL, 0, &buf, &len, &be);
			if (!err)
				free(buf);
		} else {
			err = rpc_cycle(s);
		}
		if (err) {
			say(s, err);
			if (++w->errors > 1000 || (s->kind == K_CALL))
				break;
		} else {
			w->done++;
		}
	}
	if (bound)
		rpc_client_close(&c);
	return NULL;
}

/* K threads on one spec for `secs`: completed cycles per second. */
static double measure(const struct spec *s, int k, double secs, long *errors)
{
	static struct worker w[MAX_CLIENTS];
	double start = now() + 0.05 + (s->kind == K_CALL ? 0.001 * k : 0);
	for (int i = 0; i < k; i++) {
		w[i] = (struct worker){ .s = s, .start = start, .end = start + secs };
		if (pthread_create(&w[i].thread, NULL, worker_run, &w[i]) != 0) {
			fprintf(stderr, "bench_wire: cannot start thread %d\n", i);
			exit(1);
		}
	}
	long done = 0;
	for (int i = 0; i < k; i++) {
		pthread_join(w[i].thread, NULL);
		done += w[i].done;
		*errors += w[i].errors;
	}
	return (double)done / secs;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static int cmd_run(int argc, char **argv)
{
	if (argc < 7) {
		fprintf(stderr, "usage: bench_wire run SECONDS ROUNDS CSV \"K1 K2 ...\" SPEC...\n");
		return 2;
	}
	double secs = atof(argv[2]);
	int rounds = atoi(argv[3]);
	const char *csv_path = argv[4];
	int ks[64], nk = 0;
	char *kl = strdup(argv[5]), *save = NULL;
	for (char *t = strtok_r(kl, " ", &save); t && nk < 64; t = strtok_r(NULL, " ", &save))
		ks[nk++] = atoi(t);
	free(kl);
	if (secs <= 0 || rounds < 1 || rounds > MAX_ROUNDS || nk == 0) {
		fprintf(stderr, "bench_wire: bad SECONDS, ROUNDS (1..%d) or client list\n", MAX_ROUNDS);
		return 2;
	}
	for (int i = 0; i < nk; i++)
		if (ks[i] < 1 || ks[i] > MAX_CLIENTS) {
			fprintf(stderr, "bench_wire: clients 1..%d\n", MAX_CLIENTS);
			return 2;
		}
	ntlm_user = getenv("BENCH_NTLM_USER");
	ntlm_password = getenv("BENCH_NTLM_PASSWORD");
	atexit(stop_echo);
	for (int i = 6; i < argc; i++)
		parse_spec(argv[i]);
	for (int i = 0; i < nspecs; i++) {
		if (specs[i].kind == K_NTLM && (!ntlm_user || !ntlm_password)) {
			fprintf(stderr, "bench_wire: %s needs BENCH_NTLM_USER and BENCH_NTLM_PASSWORD\n", specs[i].label);
			return 2;
		}
		for (int j = 0; j < nspecs; j++)
			if (specs[i].ref[0] && strcmp(specs[i].ref, specs[j].label) == 0)
				specs[i].ref_idx = j;
		if (specs[i].ref[0] && specs[i].ref_idx < 0) {
			fprintf(stderr, "bench_wire: %s: no spec labelled %s\n", specs[i].label, specs[i].ref);
			return 2;
		}
	}
	/* Warm up: each once with one client, and fail early if one cannot run. */
	for (int i = 0; i < nspecs; i++) {
		long errors = 0;
		measure(&specs[i], 1, 0.2, &errors);
		if (errors) {
			fprintf(stderr, "bench_wire: %s does not work (above); stopping\n", specs[i].label);
			return 1;
		}
	}
	struct stat st;
	bool fresh = stat(csv_path, &st) != 0 || st.st_size == 0;
	FILE *csv = fopen(csv_path, "a");
	if (!csv) {
		perror(csv_path);
		return 1;
	}
	if (fresh)
		fprintf(csv, "label,kind,clients,per_s,ref,ratio_of_means,median_round_ratio,errors\n");
	printf("%-22s %-10s %7s %11s  %-14s %7s %7s\n", "label", "kind", "clients", "per second", "against", "ratio",
	       "median");
	for (int ki = 0; ki < nk; ki++) {
		static double rate[MAX_SPECS][MAX_ROUNDS];
		long errors[MAX_SPECS] = { 0 };
		for (int r = 0; r < rounds; r++)
			for (int i = 0; i < nspecs; i++)
				rate[i][r] = measure(&specs[i], ks[ki], secs, &errors[i]);
		for (int i = 0; i < nspecs; i++) {
			const struct spec *s = &specs[i];
			double mean = 0, rmean = 0, ratios[MAX_ROUNDS];
			for (int r = 0; r < rounds; r++) {
				mean += rate[i][r] / rounds;
				if (s->ref_idx >= 0) {
					rmean += rate[s->ref_idx][r] / rounds;
					ratios[r] = rate[s->ref_idx][r] > 0 ? rate[i][r] / rate[s->ref_idx][r] : 0;
				}
			}
			if (s->ref_idx < 0) {
				printf("%-22s %-10s %7d %11.0f\n", s->label, kind_names[s->kind], ks[ki], mean);
				fprintf(csv, "%s,%s,%d,%.1f,,,,%ld\n", s->label, kind_names[s->kind], ks[ki], mean, errors[i]);
				continue;
			}
			qsort(ratios, (size_t)rounds, sizeof(double), cmp_double);
			double median = (ratios[(rounds - 1) / 2] + ratios[rounds / 2]) / 2;
			double rom = rmean > 0 ? mean / rmean : 0;
			printf("%-22s %-10s %7d %11.0f  %-14s %6.2fx %6.2fx%s\n", s->label, kind_names[s->kind], ks[ki], mean,
			       s->ref, rom, median, errors[i] ? " (errors)" : "");
			fprintf(csv, "%s,%s,%d,%.1f,%s,%.3f,%.3f,%ld\n", s->label, kind_names[s->kind], ks[ki], mean, s->ref,
				rom, median, errors[i]);
		}
		fflush(stdout);
	}
	fclose(csv);
	return 0;
}

/* ---- memory against handles --------------------------------------------- */

static int cmd_handles(int argc, char **argv)
{
	if (argc < 6) {
		fprintf(stderr, "usage: bench_wire handles LPC_SOCKET CLUSTERD_PID CSV N...\n");
		return 2;
	}
	int pid = atoi(argv[3]);
	struct spec s = { .kind = K_CALL };
	char addr[200];
	snprintf(addr, sizeof(addr), "unix:%s", argv[2]);
	parse_addr(&s, addr);
	struct rpc_client c;
	DWORD err = connect_spec(&c, &s);
	if (!err)
		err = rpc_client_bind(&c, &cmrp_syntax);
	struct ndr_push req;
	uint8_t *buf;
	size_t len;
	bool be;
	if (!err) {
		ndr_push_init(&req);
		cmrp_open_cluster_ex_encode_in(&req, 0x10000000u); /* GENERIC_ALL */
		err = one_call(&c, CMRP_OPEN_CLUSTER_EX, &req, &buf, &len, &be);
		if (!err)
			free(buf);
	}
	if (err) {
		fprintf(stderr, "bench_wire: cannot open the cluster on %s: %u\n", argv[2], (unsigned)err);
		return 1;
	}
	FILE *csv = fopen(argv[4], "w");
	if (!csv) {
		perror(argv[4]);
		return 1;
	}
	fprintf(csv, "handles,rss_kib,bytes_per_handle\n");
	uint16_t *name = utf16_from_utf8_dup("Cluster Name");
	struct ndr_push named;
	ndr_push_init(&named);
	cmrp_name_encode_in(&named, name, utf16_len(name));
	free(name);
	/* Settle: one open and close first, so that the baseline has seen the path. */
	long rss0 = bench_rss_kib(pid), open = 0;
	printf("clusterd VmRSS before: %ld KiB\n%9s %10s %16s\n", rss0, "handles", "VmRSS KiB", "bytes per handle");
	double t0 = now();
	for (int i = 5; i < argc; i++) {
		long target = atol(argv[i]);
		while (open < target) {
			err = rpc_client_call(&c, CMRP_OPEN_RESOURCE, named.data, named.len, &buf, &len, &be);
			if (err) {
				fprintf(stderr, "bench_wire: OpenResource %ld failed: %u\n", open + 1, (unsigned)err);
				return 1;
			}
			struct ndr_pull in;
			struct cmrp_open_object_out o;
			ndr_pull_init(&in, buf, len, be);
			bool ok = cmrp_open_object_decode_out(&in, &o, false);
			free(buf);
			if (!ok || o.status) {
				fprintf(stderr, "bench_wire: OpenResource %ld: status %u\n", open + 1, (unsigned)o.status);
				return 1;
			}
			open++;
		}
		long rss = bench_rss_kib(pid);
		double per = open ? (double)(rss - rss0) * 1024.0 / (double)open : 0;
		printf("%9ld %10ld %16.0f\n", open, rss, per);
		fprintf(csv, "%ld,%ld,%.1f\n", open, rss, per);
	}
	printf("%ld handles opened in %.2f s\n", open, now() - t0);
	ndr_push_free(&named);
	fclose(csv);
	rpc_client_close(&c); /* the server drops the handles with the connection */
	return 0;
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc > 1 && strcmp(argv[1], "run") == 0)
		return cmd_run(argc, argv);
	if (argc > 1 && strcmp(argv[1], "handles") == 0)
		return cmd_handles(argc, argv);
	fprintf(stderr, "usage: bench_wire run SECONDS ROUNDS CSV \"K1 K2 ...\" SPEC...\n"
			"       bench_wire handles LPC_SOCKET CLUSTERD_PID CSV N...\n");
	return 2;
}
