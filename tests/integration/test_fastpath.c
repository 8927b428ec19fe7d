/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The library's short cuts over TCP (issue 12): the endpoint mapper's answer
 * remembered per address, and the bind sent with the first calls to a peer
 * known to be clusterd.  Both must give way when the peer moved or is not
 * clusterd: a remembered port nobody listens on any more is asked for again,
 * and a server that will not take a request before its bind is answered
 * makes the open fall back to the plain sequence (through the mapper).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "clusapi.h"
#include "daemon.h"

/* A port free on 127.0.0.1 (for the endpoint mapper both daemons share). */
static uint16_t free_port(void)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	uint16_t port = 0;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 && getsockname(fd, (struct sockaddr *)&sin, &len) == 0)
		port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

/* One open + GetClusterInformation + close through 127.0.0.1; 0 or the error. */
static DWORD cycle(void)
{
	HCLUSTER h = OpenClusterEx(u"127.0.0.1", GENERIC_READ, NULL);
	if (!h)
		return GetLastError();
	WCHAR buf[64];
	DWORD cch = 64;
	DWORD err = GetClusterInformation(h, buf, &cch, NULL);
	if (!CloseCluster(h) && !err)
		err = GetLastError();
	return err;
}

static void start_on(struct daemon *d, const char *epm)
{
	const char *const extra[] = { "--listen", "127.0.0.1:0", "--epmapper", epm, "--allow-anonymous", NULL };
	assert_int_equal(daemon_start(d, DAEMON_CUSTOM, extra), 0);
	daemon_use(d);
}

/* The daemon went and another took its endpoint mapper's port: the
 * remembered MS-CMRP port refuses the connection, the library asks the
 * mapper again and opens. */
static void test_moved_port(void **state)
{
	(void)state;
	char epm[32];
	snprintf(epm, sizeof(epm), "127.0.0.1:%u", free_port());
	struct daemon a, b;
	start_on(&a, epm);
	for (int i = 0; i < 3; i++)
		assert_int_equal(cycle(), ERROR_SUCCESS);
	uint16_t old_port = a.tcp_port;
	assert_int_equal(daemon_stop(&a), 0);
	daemon_destroy(&a);
	start_on(&b, epm);
	if (b.tcp_port == old_port)
		skip(); /* the kernel gave the same port: nothing moved */
	assert_int_equal(cycle(), ERROR_SUCCESS);
	assert_int_equal(cycle(), ERROR_SUCCESS);
	daemon_destroy(&b);
}

/*
 * A strict server on the remembered port: it answers nothing and reports
 * whether a request came in behind the bind before any bind_ack went out
 * (what clusterd takes and other servers need not).  Writes 'P' (pipelined)
 * or 'S' (bind alone) to the pipe for each connection.
 */
static void strict_server(int lfd, int report)
{
	for (;;) {
		int fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			_exit(0);
		uint8_t buf[4096];
		size_t got = 0;
		uint16_t frag = 0;
		while (got < 10 || got < frag) {
			ssize_t n = read(fd, buf + got, sizeof(buf) - got);
			if (n <= 0)
				break;
			got += (size_t)n;
			if (got >= 10)
				frag = (uint16_t)(buf[8] | buf[9] << 8);
		}
		/* Anything beyond the bind now, or within 200 ms? */
		struct pollfd p = { .fd = fd, .events = POLLIN };
		char verdict = got > frag || poll(&p, 1, 200) > 0 ? 'P' : 'S';
		if (write(report, &verdict, 1) != 1)
			_exit(1);
		close(fd); /* like a server that refuses the premature request */
	}
}

static void test_pipelined_fallback(void **state)
{
	(void)state;
	char epm[32];
	snprintf(epm, sizeof(epm), "127.0.0.1:%u", free_port());
	struct daemon a, b;
	start_on(&a, epm);
	/* The first open asks the mapper and learns the peer is clusterd. */
	for (int i = 0; i < 3; i++)
		assert_int_equal(cycle(), ERROR_SUCCESS);
	uint16_t old_port = a.tcp_port;
	assert_int_equal(daemon_stop(&a), 0);
	daemon_destroy(&a);

	/* Someone else now listens on the remembered port ... */
	int lfd = socket(AF_INET, SOCK_STREAM, 0), one = 1, pfd[2];
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(old_port),
				   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		skip(); /* the port went to somebody else meanwhile */
	assert_int_equal(listen(lfd, 8), 0);
	assert_int_equal(pipe(pfd), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		strict_server(lfd, pfd[1]);
	}
	close(lfd);
	close(pfd[1]);
	/* ... and clusterd came back elsewhere behind the same mapper. */
	start_on(&b, epm);
	assert_int_not_equal(b.tcp_port, old_port);

	DWORD err = cycle();
	char verdict = 0;
	struct pollfd p = { .fd = pfd[0], .events = POLLIN };
	bool reported = poll(&p, 1, 2000) > 0 && read(pfd[0], &verdict, 1) == 1;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(pfd[0]);
	/* The open went to the remembered port in one round trip with its
	 * bind, was refused, and then found clusterd through the mapper. */
	assert_true(reported);
	assert_int_equal(verdict, 'P');
	assert_int_equal(err, ERROR_SUCCESS);
	assert_int_equal(cycle(), ERROR_SUCCESS);
	daemon_destroy(&b);
}

/* With the cache off every open asks the mapper: still works. */
static void test_cache_off(void **state)
{
	(void)state;
	char epm[32];
	snprintf(epm, sizeof(epm), "127.0.0.1:%u", free_port());
	struct daemon a;
	setenv("CLUSAPI_ENDPOINT_CACHE_SECONDS", "0", 1);
	start_on(&a, epm);
	for (int i = 0; i < 3; i++)
		assert_int_equal(cycle(), ERROR_SUCCESS);
	unsetenv("CLUSAPI_ENDPOINT_CACHE_SECONDS");
	daemon_destroy(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moved_port),
		cmocka_unit_test(test_pipelined_fallback),
		cmocka_unit_test(test_cache_off),
	};
	return daemon_finish(cmocka_run_group_tests(tests, NULL, NULL));
}
