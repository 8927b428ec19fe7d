/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the benchmark programs share: a process's resident memory, and the
 * floor's cycle (connect, two round trips of LEN bytes to an echo server,
 * close) that the measured cycles are compared with.
 */
#ifndef CLUSAPI_BENCH_UTIL_H
#define CLUSAPI_BENCH_UTIL_H

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* VmRSS of PID in KiB, -1 when it cannot be read. */
static inline long bench_rss_kib(int pid)
{
	char path[64], line[256];
	long kib = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = atol(line + 6);
	if (f)
		fclose(f);
	return kib;
}

#define BENCH_FLOOR_MAX 256

/* One floor cycle against an echo server: 0, or -1 when any step failed. */
static inline int bench_floor_cycle(const struct sockaddr *sa, socklen_t salen, size_t len)
{
	char msg[BENCH_FLOOR_MAX], buf[BENCH_FLOOR_MAX];
	if (len > sizeof(msg))
		len = sizeof(msg);
	memset(msg, 'x', len);
	int fd = socket(sa->sa_family, SOCK_STREAM, 0);
	if (fd < 0)
		return -1;
	int one = 1;
	if (sa->sa_family != AF_UNIX)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	int rc = connect(fd, sa, salen) < 0 ? -1 : 0;
	for (int rt = 0; rc == 0 && rt < 2; rt++) {
		if (write(fd, msg, len) != (ssize_t)len) {
			rc = -1;
			break;
		}
		size_t got = 0;
		while (rc == 0 && got < len) {
			ssize_t n = read(fd, buf + got, len - got);
			if (n <= 0)
				rc = -1;
			else
				got += (size_t)n;
		}
	}
	close(fd);
	return rc;
}

#endif
