/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "daemon.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *clusterd_path(void)
{
	const char *p = getenv("CLUSTERD");
	return p && *p ? p : "clusterd";
}

/* Find "(port N)" on the first log line containing `what`. */
static uint16_t log_port(const char *log, const char *what)
{
	FILE *f = fopen(log, "r");
	char line[512];
	uint16_t port = 0;
	if (!f)
		return 0;
	while (!port && fgets(line, sizeof(line), f)) {
		char *p = strstr(line, what);
		char *q = p ? strstr(p, "(port ") : NULL;
		if (q)
			port = (uint16_t)atoi(q + 6);
	}
	fclose(f);
	return port;
}

static bool log_has(const char *log, const char *what)
{
	FILE *f = fopen(log, "r");
	char line[512];
	bool found = false;
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, what) != NULL;
	fclose(f);
	return found;
}

bool daemon_log_contains(const struct daemon *d, const char *what)
{
	return log_has(d->log, what);
}

/* Every daemon started (its directory, and its pid while it runs), so that
 * daemon_finish() can stop what a failed test left running and keep the
 * logs of a failed run.  Copies, not pointers: a test's struct daemon may
 * live on its stack. */
#define MAX_DAEMONS 64
static struct started {
	pid_t pid;
	char dir[256];
} started[MAX_DAEMONS];
static size_t nstarted;

static struct started *record_of_dir(const char *dir)
{
	for (size_t i = 0; i < nstarted; i++)
		if (strcmp(started[i].dir, dir) == 0)
			return &started[i];
	if (nstarted == MAX_DAEMONS)
		return NULL;
	snprintf(started[nstarted].dir, sizeof(started[0].dir), "%s", dir);
	return &started[nstarted++];
}

static void record_stopped(pid_t pid)
{
	for (size_t i = 0; i < nstarted; i++)
		if (started[i].pid == pid)
			started[i].pid = 0;
}

/* The loopback addresses the host name resolves to, other than 127.0.0.1 and
 * ::1 (which DAEMON_TCP listens on anyway): a Debian install maps the host
 * name to 127.0.1.1, and a test that opens the cluster by the host name must
 * find clusterd there.  Addresses that are not loopback are left out: tests
 * send nothing beyond loopback. */
static size_t host_loopback_listeners(char out[][64], size_t max)
{
	char host[256];
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res, *ai;
	size_t n = 0;
	if (gethostname(host, sizeof(host)) != 0 || getaddrinfo(host, NULL, &hints, &res) != 0)
		return 0;
	for (ai = res; ai && n < max; ai = ai->ai_next) {
		char addr[INET6_ADDRSTRLEN];
		if (ai->ai_family == AF_INET) {
			const struct in_addr *a = &((const struct sockaddr_in *)ai->ai_addr)->sin_addr;
			if ((ntohl(a->s_addr) >> 24) != 127 || ntohl(a->s_addr) == INADDR_LOOPBACK)
				continue;
			inet_ntop(AF_INET, a, addr, sizeof(addr));
			snprintf(out[n], 64, "%s:0", addr);
		} else if (ai->ai_family == AF_INET6) {
			continue; /* ::1 is the only IPv6 loopback address */
		} else {
			continue;
		}
		bool dup = false;
		for (size_t i = 0; i < n; i++)
			dup = dup || strcmp(out[i], out[n]) == 0;
		if (!dup)
			n++;
	}
	freeaddrinfo(res);
	return n;
}

static int spawn(struct daemon *d, enum daemon_mode mode, const char *const *extra)
{
	const char *argv[48];
	char host_addrs[4][64];
	size_t n = 0;
	argv[n++] = clusterd_path();
	argv[n++] = "--foreground";
	argv[n++] = "--state-dir";
	argv[n++] = d->state;
	argv[n++] = "--lpc-socket";
	argv[n++] = d->lpc;
	if (mode == DAEMON_TCP) {
		argv[n++] = "--listen";
		argv[n++] = "127.0.0.1:0";
		argv[n++] = "--listen";
		argv[n++] = "[::1]:0";
		argv[n++] = "--epmapper";
		argv[n++] = "127.0.0.1:0";
		argv[n++] = "--epmapper";
		argv[n++] = "[::1]:0";
		size_t nh = host_loopback_listeners(host_addrs, 4);
		for (size_t i = 0; i < nh; i++) {
			argv[n++] = "--listen";
			argv[n++] = host_addrs[i];
			argv[n++] = "--epmapper";
			argv[n++] = host_addrs[i];
		}
	} else if (mode != DAEMON_CUSTOM) {
		argv[n++] = "--listen";
		argv[n++] = "none";
		argv[n++] = "--epmapper";
		argv[n++] = mode == DAEMON_EPM_ONLY ? "127.0.0.1:0" : "none";
	}
	for (size_t i = 0; extra && extra[i] && n < 46; i++)
		argv[n++] = extra[i];
	argv[n] = NULL;

	unlink(d->log);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int fd = open(d->log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	d->pid = pid;
	struct started *rec = record_of_dir(d->dir);
	if (rec)
		rec->pid = pid;
	/* Ready when it says so (or dead). */
	for (int i = 0; i < 500; i++) {
		if (log_has(d->log, ": ready"))
			break;
		int status;
		if (waitpid(pid, &status, WNOHANG) == pid) {
			record_stopped(pid);
			d->pid = 0;
			return -1;
		}
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	if (!log_has(d->log, ": ready")) {
		daemon_stop(d);
		return -1;
	}
	d->tcp_port = log_port(d->log, "MS-CMRP listening");
	d->epm_port = log_port(d->log, "endpoint mapper listening");
	return 0;
}

int daemon_start(struct daemon *d, enum daemon_mode mode, const char *const *extra)
{
	memset(d, 0, sizeof(*d));
	snprintf(d->dir, sizeof(d->dir), "/tmp/clusapi-test-XXXXXX");
	if (!mkdtemp(d->dir))
		return -1;
	/* Reachable by the unprivileged test user (the ACL decides the rest). */
	chmod(d->dir, 0755);
	snprintf(d->state, sizeof(d->state), "%s/state", d->dir);
	snprintf(d->lpc, sizeof(d->lpc), "%s/lpc.sock", d->dir);
	snprintf(d->log, sizeof(d->log), "%s/clusterd.log", d->dir);
	return spawn(d, mode, extra);
}

int daemon_restart(struct daemon *d, enum daemon_mode mode, const char *const *extra)
{
	return spawn(d, mode, extra);
}

int daemon_stop(struct daemon *d)
{
	int status = -1;
	if (d->pid <= 0)
		return -1;
	kill(d->pid, SIGTERM);
	for (int i = 0; i < 500; i++) {
		if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
			record_stopped(d->pid);
			d->pid = 0;
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		}
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	kill(d->pid, SIGKILL);
	waitpid(d->pid, &status, 0);
	record_stopped(d->pid);
	d->pid = 0;
	return -1;
}

void daemon_kill9(struct daemon *d)
{
	int status;
	if (d->pid <= 0)
		return;
	kill(d->pid, SIGKILL);
	waitpid(d->pid, &status, 0);
	record_stopped(d->pid);
	d->pid = 0;
}

void daemon_destroy(struct daemon *d)
{
	/* The directory goes at daemon_finish(), when every test passed. */
	daemon_stop(d);
}

int daemon_finish(int failures)
{
	char cmd[400];
	for (size_t i = 0; i < nstarted; i++) {
		struct started *r = &started[i];
		if (r->pid > 0) { /* a test that failed half-way left it running */
			int status;
			kill(r->pid, SIGTERM);
			waitpid(r->pid, &status, 0);
			r->pid = 0;
		}
		if (strncmp(r->dir, "/tmp/clusapi-test-", 18) != 0)
			continue;
		if (failures) {
			fprintf(stderr, "kept for the failure: clusterd's state and log in %s (clusterd.log)\n", r->dir);
			continue;
		}
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", r->dir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", r->dir);
	}
	nstarted = 0;
	return failures;
}

void daemon_use(const struct daemon *d)
{
	char port[16];
	setenv("CLUSAPI_LPC_SOCKET", d->lpc, 1);
	snprintf(port, sizeof(port), "%u", d->epm_port);
	if (d->epm_port)
		setenv("CLUSAPI_EPMAPPER_PORT", port, 1);
}

int daemon_write_acl(const struct daemon *d, const char *text)
{
	char path[400], tmp[410];
	snprintf(path, sizeof(path), "%s/cluster.acl", d->state);
	snprintf(tmp, sizeof(tmp), "%s.new", path);
	FILE *f = fopen(tmp, "w");
	if (!f)
		return -1;
	fputs(text, f);
	fclose(f);
	/* A rename gives a new mtime even within the same clock tick as the
	 * previous write: touch it a little into the future to be sure. */
	struct timespec ts[2];
	clock_gettime(CLOCK_REALTIME, &ts[0]);
	static long bump;
	ts[0].tv_sec += 1 + bump++;
	ts[1] = ts[0];
	utimensat(AT_FDCWD, tmp, ts, 0);
	return rename(tmp, path);
}

int run_as_nobody(int (*fn)(void *), void *arg)
{
	if (geteuid() != 0)
		return -1;
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
			_exit(254);
		_exit(fn(arg) & 0xff);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}
