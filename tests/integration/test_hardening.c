/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * clusterd under the weight of strangers (issue 15): unauthenticated
 * fragments are not kept, the reassembly budget refuses the newest call,
 * idle floods do not lock an administrator out (over LPC, and over TCP with
 * sealed NTLM), the login grace closes connections that never log in (and
 * says so in the log, with the peer), and one address gets only its share.
 *
 * Floods come from other loopback addresses (127.0.0.2 and up: any 127/8
 * address is local on Linux) than the administrator's 127.0.0.1, as a flood
 * from another host would.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/werror.h"
#include "clusapi.h"
#include "cmrp/cmrp.h"
#include "daemon.h"
#include "rpc/client.h"
#include "rpc/ntlmssp.h"

#define ALICE_PW "Alice-Pa55word!"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long rss_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static bool log_contains(const struct daemon *d, const char *a, const char *b)
{
	char line[1024];
	bool found = false;
	FILE *f = fopen(d->log, "r");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, a) && (!b || strstr(line, b));
	fclose(f);
	return found;
}

/* A TCP connection to clusterd from the loopback address 127.0.0.<src>;
 * -1 when connect() fails. */
static int connect_from(const struct daemon *d, int src)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in me = { .sin_family = AF_INET };
	me.sin_addr.s_addr = htonl(0x7f000000u | (uint32_t)src);
	assert_int_equal(bind(fd, (struct sockaddr *)&me, sizeof(me)), 0);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(d->tcp_port) };
	to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void send_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		assert_true(w > 0);
		p += w;
		n -= (size_t)w;
	}
}

/* One PDU, or -1 on close, -2 when nothing comes within ms. */
static int recv_pdu(int fd, uint8_t *buf, size_t cap, struct rpc_hdr *h, int ms)
{
	size_t got = 0, need = RPC_HDR_LEN;
	while (got < need) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, ms) <= 0)
			return -2;
		ssize_t n = recv(fd, buf + got, need - got, 0);
		if (n <= 0)
			return -1;
		got += (size_t)n;
		if (got == RPC_HDR_LEN) {
			assert_int_equal(rpc_hdr_decode(buf, got, h), 0);
			assert_true(h->frag_length <= cap);
			need = h->frag_length;
		}
	}
	return h->ptype;
}

/* The status of a fault PDU. */
static uint32_t fault_status(const uint8_t *buf, const struct rpc_hdr *h)
{
	struct rpc_fault f;
	assert_int_equal(rpc_fault_decode(buf, h, &f), 0);
	return f.status;
}

/* The server closed this connection within ms (EOF or reset). */
static bool closed_within(int fd, int ms)
{
	uint8_t buf[4096];
	double end = now_s() + ms / 1000.0;
	for (;;) {
		int left = (int)((end - now_s()) * 1000);
		if (left < 0)
			return false;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, left) <= 0)
			return false;
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n <= 0)
			return true;
	}
}

static size_t pdu_bind(uint8_t *out, uint32_t call_id)
{
	struct ndr_push p;
	struct rpc_bind b = { .max_xmit_frag = 5840, .max_recv_frag = 5840, .n_ctx = 1 };
	b.ctx[0].n_transfer = 1;
	b.ctx[0].abstract = cmrp_syntax;
	b.ctx[0].transfer[0] = rpc_syntax_ndr;
	ndr_push_init(&p);
	assert_true(rpc_bind_encode(&p, RPC_PTYPE_BIND, call_id, &b));
	memcpy(out, p.data, p.len);
	size_t n = p.len;
	ndr_push_free(&p);
	return n;
}

/* Connect from 127.0.0.<src> and bind without authentication. */
static int bound_from(const struct daemon *d, int src)
{
	uint8_t buf[8192];
	struct rpc_hdr h;
	int fd = connect_from(d, src);
	assert_true(fd >= 0);
	send_all(fd, buf, pdu_bind(buf, 1));
	assert_int_equal(recv_pdu(fd, buf, sizeof(buf), &h, 5000), RPC_PTYPE_BIND_ACK);
	return fd;
}

static size_t pdu_request(uint8_t *out, uint8_t flags, uint32_t call_id, uint32_t alloc_hint, uint16_t opnum,
			  const uint8_t *stub, size_t len)
{
	struct ndr_push p;
	ndr_push_init(&p);
	assert_true(rpc_request_encode(&p, flags, call_id, alloc_hint, 0, opnum, stub, len));
	memcpy(out, p.data, p.len);
	size_t n = p.len;
	ndr_push_free(&p);
	return n;
}

#define FRAG_STUB 5800

/* Fragments of one call that never ends: about `bytes` of stub. */
static void send_unfinished(int fd, uint32_t call_id, uint32_t alloc_hint, size_t bytes)
{
	static uint8_t stub[FRAG_STUB];
	static uint8_t buf[64 * 1024];
	size_t per = FRAG_STUB - 24, n = 0, sent = 0;
	bool first = true;
	while (sent < bytes) {
		n += pdu_request(buf + n, first ? RPC_PFC_FIRST_FRAG : 0, call_id, alloc_hint, CMRP_SET_CLUSTER_NAME, stub,
				 per);
		first = false;
		sent += per;
		if (n + FRAG_STUB + 64 > sizeof(buf) || sent >= bytes) {
			send_all(fd, buf, n);
			n = 0;
		}
	}
}

static void raise_nofile(rlim_t want)
{
	struct rlimit rl;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur < want) {
		rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* An OpenClusterEx that works, from a fresh anonymous connection (servers
 * started with --allow-anonymous) or over LPC. */
static void assert_serving_lpc(void)
{
	HCLUSTER h = OpenCluster(NULL);
	if (!h)
		fail_msg("OpenCluster over LPC failed: %u", (unsigned)GetLastError());
	CloseCluster(h);
}

static int write_accounts(const struct daemon *d)
{
	char path[400], line[100], h[33];
	uint8_t nt[16];
	snprintf(path, sizeof(path), "%s/accounts", d->state);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0)
		return -1;
	ntlmssp_ntowfv1(ALICE_PW, nt);
	for (int i = 0; i < 16; i++)
		sprintf(h + 2 * i, "%02x", nt[i]);
	int n = snprintf(line, sizeof(line), "alice %s\n", h);
	bool ok = write(fd, line, (size_t)n) == n;
	close(fd);
	return ok ? 0 : -1;
}

static void start(struct daemon *d, const char *const *extra)
{
	char acl[100];
	assert_int_equal(daemon_start(d, DAEMON_TCP, extra), 0);
	daemon_use(d);
	snprintf(acl, sizeof(acl), "uid:%u full\nuser:alice full\n", (unsigned)getuid());
	assert_int_equal(write_accounts(d), 0);
	assert_int_equal(daemon_write_acl(d, acl), 0);
}

static void stop(struct daemon *d)
{
	assert_int_equal(daemon_stop(d), 0);
	daemon_destroy(d);
}

/* The administrator over LPC and over TCP with sealed NTLM, each within 2 s. */
static void admin_gets_in(void)
{
	double t0 = now_s();
	assert_serving_lpc();
	double lpc = now_s() - t0;

	LPWSTR host = ClusapiUtf8ToWide("127.0.0.1"), user = ClusapiUtf8ToWide("alice"),
	       pw = ClusapiUtf8ToWide(ALICE_PW);
	DWORD granted = 0;
	t0 = now_s();
	HCLUSTER h = ClusapiOpenClusterWithCredentials(host, user, pw, GENERIC_ALL, &granted);
	DWORD err = GetLastError();
	double tcp = now_s() - t0;
	free(host);
	free(user);
	free(pw);
	if (!h)
		fail_msg("sealed NTLM open over TCP failed: %u (%s)", (unsigned)err, werror_message(err));
	CloseCluster(h);
	print_message("administrator in over LPC in %.3f s, over sealed NTLM TCP in %.3f s\n", lpc, tcp);
	assert_true(lpc < 2.0);
	assert_true(tcp < 2.0);
}

/* (a) 64 connections bound without authentication, 4 MB of unfinished
 * fragments each, to a server that requires authentication: each is refused
 * at its first fragment, nothing is kept, the server goes on. */
static void test_unauth_fragments_not_kept(void **state)
{
	(void)state;
	struct daemon d;
	static const char *const extra[] = { "--max-per-peer", "100", "--login-grace", "60", NULL };
	enum { N = 64 };
	int fds[N];
	uint8_t buf[8192];
	struct rpc_hdr h;

	start(&d, extra);
	assert_serving_lpc();
	long before = rss_kib(d.pid);
	assert_true(before > 0);
	double t0 = now_s();
	for (int i = 0; i < N; i++)
		fds[i] = bound_from(&d, 2);
	for (int i = 0; i < N; i++)
		send_unfinished(fds[i], 7, 4u * 1024u * 1024u, 4u * 1024u * 1024u);
	/* Each was answered at its first fragment, and is still open. */
	for (int i = 0; i < N; i++) {
		assert_int_equal(recv_pdu(fds[i], buf, sizeof(buf), &h, 5000), RPC_PTYPE_FAULT);
		assert_int_equal(fault_status(buf, &h), ERROR_ACCESS_DENIED);
		assert_int_equal(h.call_id, 7);
	}
	long after = rss_kib(d.pid);
	print_message("64 x 4 MiB unauthenticated fragments in %.2f s: RSS %ld KiB -> %ld KiB (+%ld KiB)\n",
		      now_s() - t0, before, after, after - before);
#if defined(__SANITIZE_THREAD__)
	/* ThreadSanitizer's allocator and shadow memory add tens of MiB to a
	 * clusterd's RSS under this load: the figure is meaningless in that build
	 * (the gcc and ASan builds check it); everything else here still holds. */
	print_message("TSan build: RSS bound not checked (shadow memory)\n");
#else
	assert_true(after - before < 32 * 1024);
#endif
	assert_serving_lpc();
	for (int i = 0; i < N; i++)
		close(fds[i]);
	stop(&d);
}

/* (b) the global budget: calls that announce more than is left are refused
 * (the newest), one that grows past what it announced too; the others and
 * the server go on. */
static void test_reassembly_budget(void **state)
{
	(void)state;
	struct daemon d;
	static const char *const extra[] = { "--allow-anonymous", "--max-reassembly-bytes", "1048576", NULL };
	uint8_t buf[8192];
	struct rpc_hdr h;

	start(&d, extra);
	int a = bound_from(&d, 1), b = bound_from(&d, 1), c = bound_from(&d, 1), e = bound_from(&d, 1);
	/* a and b announce 400,000 bytes each and send 100,000: they fit.
	 * (Each is given time to arrive first: connections served by
	 * different event loops are read in no set order.) */
	send_unfinished(a, 2, 400000, 100000);
	usleep(200 * 1000);
	send_unfinished(b, 2, 400000, 100000);
	usleep(200 * 1000);
	/* c announces 400,000 more: over the 1 MiB budget, the newest call
	 * is refused at its first fragment. */
	send_unfinished(c, 2, 400000, 100000);
	assert_int_equal(recv_pdu(c, buf, sizeof(buf), &h, 5000), RPC_PTYPE_FAULT);
	assert_int_equal(fault_status(buf, &h), RPC_S_SERVER_TOO_BUSY);
	/* e announces nothing and grows until the budget is spent. */
	send_unfinished(e, 2, 0, 400000);
	assert_int_equal(recv_pdu(e, buf, sizeof(buf), &h, 5000), RPC_PTYPE_FAULT);
	assert_int_equal(fault_status(buf, &h), RPC_S_SERVER_TOO_BUSY);
	/* a and b were not refused. */
	assert_int_equal(recv_pdu(a, buf, sizeof(buf), &h, 200), -2);
	assert_int_equal(recv_pdu(b, buf, sizeof(buf), &h, 200), -2);
	assert_true(log_contains(&d, "reassembly budget", "RPC_S_SERVER_TOO_BUSY"));
	/* The refused connection still serves: the rest of its call is
	 * dropped, a new call is answered (an empty stub: a fault, not a
	 * close). */
	size_t n = pdu_request(buf, RPC_PFC_LAST_FRAG, 2, 0, CMRP_SET_CLUSTER_NAME, (const uint8_t *)"", 0);
	send_all(c, buf, n);
	n = pdu_request(buf, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG, 3, 0, CMRP_GET_CLUSTER_NAME, NULL, 0);
	send_all(c, buf, n);
	int t = recv_pdu(c, buf, sizeof(buf), &h, 5000);
	assert_true(t == RPC_PTYPE_RESPONSE || t == RPC_PTYPE_FAULT);
	assert_int_equal(h.call_id, 3);
	/* Closing a and b gives their share back: c's new big call fits. */
	close(a);
	close(b);
	usleep(200 * 1000);
	send_unfinished(c, 4, 400000, 100000);
	assert_int_equal(recv_pdu(c, buf, sizeof(buf), &h, 300), -2);
	assert_serving_lpc();
	close(c);
	close(e);
	stop(&d);
}

/* (c) an idle flood from another address: the administrator gets in over
 * LPC and over sealed NTLM, each within 2 s. */
static void test_idle_flood_admin_gets_in(void **state)
{
	(void)state;
	struct daemon d;
	static const char *const extra[] = { "--max-connections", "256", "--login-grace", "60", NULL };
	enum { N = 300 };
	int fds[N];

	raise_nofile(4096);
	start(&d, extra);
	for (int i = 0; i < N; i++)
		fds[i] = connect_from(&d, 2);
	usleep(200 * 1000);
	admin_gets_in();
	assert_true(log_contains(&d, "127.0.0.2", "--max-per-peer"));
	for (int i = 0; i < N; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	stop(&d);
}

/* (c'') the same flood from many addresses, each under its own share: the
 * cap for strangers fills, and every new connection makes room by closing
 * the stranger that has waited longest, so the administrator still gets in;
 * at most the cap of strangers stays open. */
static void test_distributed_flood_admin_gets_in(void **state)
{
	(void)state;
	struct daemon d;
	/* --max-unauthenticated 64, so --max-per-peer 8 */
	static const char *const extra[] = { "--max-connections", "256", "--login-grace", "60", NULL };
	enum { ADDRS = 100, EACH = 4, N = ADDRS * EACH };
	int fds[N];

	raise_nofile(4096);
	start(&d, extra);
	for (int i = 0; i < N; i++)
		fds[i] = connect_from(&d, 2 + i % ADDRS);
	usleep(300 * 1000);
	admin_gets_in();
	assert_true(log_contains(&d, "to make room", "--max-unauthenticated"));
	int open_ = 0;
	for (int i = 0; i < N; i++) {
		if (fds[i] < 0)
			continue;
		if (!closed_within(fds[i], 0))
			open_++;
		close(fds[i]);
	}
	print_message("%d of %d strangers' connections still open (cap 64)\n", open_, N);
	assert_true(open_ <= 64);
	stop(&d);
}

/* (c') TCP at its cap with logged-in (anonymous, as the test switch allows)
 * connections: TCP is refused, LPC still gets in. */
static void test_tcp_full_lpc_gets_in(void **state)
{
	(void)state;
	struct daemon d;
	static const char *const extra[] = { "--allow-anonymous", "--max-connections", "256", NULL };
	enum { N = 256 };
	int fds[N];

	raise_nofile(4096);
	start(&d, extra);
	for (int i = 0; i < N; i++)
		fds[i] = bound_from(&d, 2 + i % 8);
	int extra_fd = connect_from(&d, 9);
	assert_true(extra_fd < 0 || closed_within(extra_fd, 2000));
	if (extra_fd >= 0)
		close(extra_fd);
	assert_true(log_contains(&d, "256 TCP connections is the limit", "--max-connections"));
	double t0 = now_s();
	assert_serving_lpc();
	assert_true(now_s() - t0 < 2.0);
	for (int i = 0; i < N; i++)
		close(fds[i]);
	stop(&d);
}

/* (d) the login grace: a connection that never binds, and one bound but
 * never authenticated, are closed after it, the reason logged with the peer;
 * a logged-in connection stays. */
static void test_login_grace(void **state)
{
	(void)state;
	struct daemon d;
	static const char *const extra[] = { "--login-grace", "1", NULL };
	uint8_t buf[8192];
	struct rpc_hdr h;

	start(&d, extra);
	struct rpc_client c;
	struct rpc_auth_client_creds cr = { .user = "alice", .password = ALICE_PW };
	struct rpc_auth a;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(d.tcp_port) };
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	rpc_client_init(&c);
	assert_int_equal(rpc_client_connect_addr(&c, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(rpc_auth_ntlmssp_client(&cr, &a), 0);
	assert_int_equal(rpc_client_bind_auth(&c, &cmrp_syntax, &a, RPC_AUTHN_LEVEL_PKT_PRIVACY), 0);

	double t0 = now_s();
	int idle = connect_from(&d, 3);
	int bound = bound_from(&d, 4);
	assert_true(idle >= 0);
	assert_true(closed_within(idle, 4000));
	double took = now_s() - t0;
	print_message("idle connection closed after %.2f s (login grace 1 s)\n", took);
	assert_true(took > 0.5);
	assert_true(closed_within(bound, 2000));
	close(idle);
	close(bound);
	assert_true(log_contains(&d, "127.0.0.3:", "timed out in login grace"));
	assert_true(log_contains(&d, "127.0.0.4:", "timed out in login grace"));

	/* The sealed connection outlived the grace and still answers. */
	size_t len;
	bool be;
	uint8_t *out;
	assert_int_equal(rpc_client_call(&c, CMRP_GET_CLUSTER_NAME, NULL, 0, &out, &len, &be), 0);
	free(out);
	rpc_client_close(&c);
	(void)buf;
	(void)h;
	stop(&d);
}

/* (e) one address gets its share of connections not logged in; the others
 * are not affected. */
static void test_per_peer(void **state)
{
	(void)state;
	struct daemon d;
	static const char *const extra[] = { "--max-per-peer", "4", "--login-grace", "60", NULL };
	int fds[4];

	start(&d, extra);
	for (int i = 0; i < 4; i++)
		fds[i] = connect_from(&d, 5);
	int fifth = connect_from(&d, 5);
	int other = connect_from(&d, 6);
	assert_true(fifth < 0 || closed_within(fifth, 2000));
	assert_true(other >= 0);
	assert_false(closed_within(other, 300));
	for (int i = 0; i < 4; i++) {
		assert_true(fds[i] >= 0);
		assert_false(closed_within(fds[i], 50));
	}
	assert_true(log_contains(&d, "127.0.0.5", "--max-per-peer"));
	/* One gone: its address may come again. */
	close(fds[0]);
	usleep(200 * 1000);
	fds[0] = connect_from(&d, 5);
	assert_true(fds[0] >= 0);
	assert_false(closed_within(fds[0], 300));
	for (int i = 0; i < 4; i++)
		close(fds[i]);
	if (fifth >= 0)
		close(fifth);
	close(other);
	stop(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unauth_fragments_not_kept),
		cmocka_unit_test(test_reassembly_budget),
		cmocka_unit_test(test_idle_flood_admin_gets_in),
		cmocka_unit_test(test_distributed_flood_admin_gets_in),
		cmocka_unit_test(test_tcp_full_lpc_gets_in),
		cmocka_unit_test(test_login_grace),
		cmocka_unit_test(test_per_peer),
	};
	return daemon_finish(cmocka_run_group_tests(tests, NULL, NULL));
}
