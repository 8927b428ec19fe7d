/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A call's deadline is for the whole call, not for each read: a fake server
 * (a forked process on a Unix socket) answers the bind at once, then sends a
 * valid-looking response one byte every 200 ms.  With a 1 s deadline
 * ($CLUSAPI_CALL_TIMEOUT_MS=1000) the call must fail with RPC_S_CALL_FAILED
 * (what the library returns for a timed-out or broken call, as before) after
 * about 1 s, not after the 20 s the dribble would take.  Both through the
 * engine (rpc_client_call) and through the public API (OpenClusterEx on LPC,
 * the server dribbling the OpenClusterEx answer).  And the same against a
 * server that never answers at all: the first read of an exchange waits in a
 * blocking recv bounded by SO_RCVTIMEO, which must end the call at its
 * deadline just the same.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "clusapi.h"
#include "cmrp/cmrp.h"
#include "rpc/client.h"
#include "rpc/pdu.h"

#define DEADLINE_MS 1000
/* Scheduling and the 200 ms between bytes: the call may end up to one poll
 * late plus a little. */
#define MARGIN_MS 600

static char dir[48], path[80];
/* The fake server never answers the request (no byte at all). */
static bool silent;

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Read one whole PDU from fd (false at end of file). */
static bool read_pdu(int fd, uint8_t *buf, size_t cap, struct rpc_hdr *h)
{
	size_t got = 0, want = RPC_HDR_LEN;
	while (got < want) {
		ssize_t r = read(fd, buf + got, want - got);
		if (r <= 0)
			return false;
		got += (size_t)r;
		if (got == RPC_HDR_LEN) {
			if (rpc_hdr_decode(buf, got, h) < 0 || h->frag_length > cap)
				return false;
			want = h->frag_length;
		}
	}
	return true;
}

/* The fake server: one connection; bind_ack at once, then the answer to the
 * first request one byte every 200 ms. */
static void fake_server(int lfd)
{
	uint8_t buf[8192];
	struct rpc_hdr h;
	struct ndr_push p;
	int fd = accept(lfd, NULL, NULL);
	if (fd < 0 || !read_pdu(fd, buf, sizeof(buf), &h) || h.ptype != RPC_PTYPE_BIND)
		_exit(1);
	struct rpc_bind_ack ack = { .max_xmit_frag = 4280, .max_recv_frag = 4280, .assoc_group_id = 0x1234,
				    .n_results = 1 };
	ack.results[0].result = RPC_RESULT_ACCEPT;
	ack.results[0].transfer = rpc_syntax_ndr;
	ndr_push_init(&p);
	if (!rpc_bind_ack_encode(&p, RPC_PTYPE_BIND_ACK, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG, h.call_id, &ack) ||
	    write(fd, p.data, p.len) != (ssize_t)p.len)
		_exit(1);
	ndr_push_free(&p);
	if (!read_pdu(fd, buf, sizeof(buf), &h) || h.ptype != RPC_PTYPE_REQUEST)
		_exit(1);
	if (silent) {
		/* Until the client gives up (EOF) or the test kills us. */
		while (read(fd, buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	/* A response of 100 stub bytes: 124 bytes, 25 s at this pace. */
	uint8_t stub[100] = { 0 };
	ndr_push_init(&p);
	if (!rpc_response_encode(&p, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG, h.call_id, sizeof(stub), 0, stub,
				 sizeof(stub)))
		_exit(1);
	for (size_t i = 0; i < p.len; i++) {
		if (write(fd, p.data + i, 1) != 1)
			_exit(0); /* the client gave up: what we expect */
		usleep(200 * 1000);
	}
	_exit(0);
}

static pid_t start_server(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	int lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(lfd, 4), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		fake_server(lfd);
	close(lfd);
	return pid;
}

static void stop_server(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	unlink(path);
}

static void check_elapsed(const char *what, long ms)
{
	fprintf(stderr, "%s: failed after %ld ms (deadline %d ms)\n", what, ms, DEADLINE_MS);
	if (ms < DEADLINE_MS - 50 || ms > DEADLINE_MS + MARGIN_MS)
		fail_msg("%s took %ld ms: want the %d ms deadline (+%d ms at most)", what, ms, DEADLINE_MS,
			 MARGIN_MS);
}

static void engine_call_deadline(void **state)
{
	(void)state;
	pid_t pid = start_server();
	struct rpc_client c;
	uint8_t *out = NULL;
	size_t out_len = 0;
	bool be;

	rpc_client_init(&c);
	assert_int_equal(c.timeout_ms, DEADLINE_MS); /* from the environment */
	assert_int_equal(rpc_client_connect_unix(&c, path), ERROR_SUCCESS);
	assert_int_equal(rpc_client_bind(&c, &cmrp_syntax), ERROR_SUCCESS);
	long t0 = now_ms();
	DWORD err = rpc_client_call(&c, CMRP_GET_CLUSTER_NAME, NULL, 0, &out, &out_len, &be);
	long ms = now_ms() - t0;
	assert_int_equal(err, RPC_S_CALL_FAILED);
	assert_null(out);
	assert_false(c.bound); /* the association is finished */
	check_elapsed("rpc_client_call", ms);
	rpc_client_close(&c);
	stop_server(pid);
}

static void api_open_deadline(void **state)
{
	(void)state;
	pid_t pid = start_server();
	long t0 = now_ms();
	HCLUSTER h = OpenClusterEx(NULL, GENERIC_READ, NULL);
	DWORD err = GetLastError();
	long ms = now_ms() - t0;
	assert_null(h);
	assert_int_equal(err, RPC_S_CALL_FAILED);
	check_elapsed("OpenClusterEx", ms);
	stop_server(pid);
}

static void engine_call_silent(void **state)
{
	(void)state;
	silent = true;
	engine_call_deadline(state);
	silent = false;
}

static void api_open_silent(void **state)
{
	(void)state;
	silent = true;
	api_open_deadline(state);
	silent = false;
}

static void env_out_of_range(void **state)
{
	(void)state;
	struct rpc_client c;
	static const char *bad[] = { "0", "5", "-1", "abc", "1000x", "99999999999999999999" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		setenv("CLUSAPI_CALL_TIMEOUT_MS", bad[i], 1);
		rpc_client_init(&c);
		assert_int_equal(c.timeout_ms, RPC_CLIENT_DEFAULT_TIMEOUT_MS);
		rpc_client_close(&c);
	}
	setenv("CLUSAPI_CALL_TIMEOUT_MS", "2500", 1);
	rpc_client_init(&c);
	assert_int_equal(c.timeout_ms, 2500);
	rpc_client_close(&c);
	unsetenv("CLUSAPI_CALL_TIMEOUT_MS");
	rpc_client_init(&c);
	assert_int_equal(c.timeout_ms, RPC_CLIENT_DEFAULT_TIMEOUT_MS);
	rpc_client_close(&c);
}

int main(void)
{
	snprintf(dir, sizeof(dir), "%s/clusapi-deadline.XXXXXX", "/tmp");
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/lpc.sock", dir);
	setenv("CLUSAPI_LPC_SOCKET", path, 1);
	char ms[16];
	snprintf(ms, sizeof(ms), "%d", DEADLINE_MS);
	setenv("CLUSAPI_CALL_TIMEOUT_MS", ms, 1);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(engine_call_deadline),
		cmocka_unit_test(api_open_deadline),
		cmocka_unit_test(engine_call_silent),
		cmocka_unit_test(api_open_silent),
		cmocka_unit_test(env_out_of_range),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(path);
	rmdir(dir);
	return rc;
}
