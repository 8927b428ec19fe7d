/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The server at the wire: context handles per connection (closed, forged and
 * other-session handles), opnum semantics, and bad input of every kind.  Each
 * malformed exchange must end in a fault or a close, and the server must go on
 * serving everybody else.
 */
#include <arpa/inet.h>
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
#include <unistd.h>

#include <cmocka.h>

#include "cmrp/cmrp.h"
#include "daemon.h"
#include "rpc/client.h"
#include "rpc/epm.h"

static struct daemon d;

static int group_setup(void **state)
{
	(void)state;
	static const char *const extra[] = { "--allow-anonymous", "--verbose", NULL };
	return daemon_start(&d, DAEMON_TCP, extra);
}

static int group_teardown(void **state)
{
	(void)state;
	assert_int_equal(daemon_stop(&d), 0);
	daemon_destroy(&d);
	return 0;
}

static struct sockaddr_in loopback(uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

static void connect_bound(struct rpc_client *c)
{
	struct sockaddr_in sin = loopback(d.tcp_port);
	rpc_client_init(c);
	assert_int_equal(rpc_client_connect_addr(c, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(rpc_client_bind(c, &cmrp_syntax), 0);
}

/* One call with an already-encoded stub; returns the Windows error of the
 * transport (fault) and leaves the reply in *in (free *buf). */
static DWORD call(struct rpc_client *c, uint16_t opnum, const struct ndr_push *req, struct ndr_pull *in, uint8_t **buf)
{
	size_t len;
	bool be;
	DWORD err = rpc_client_call(c, opnum, req->data, req->len, buf, &len, &be);
	if (!err)
		ndr_pull_init(in, *buf, len, be);
	return err;
}

static struct rpc_ctx_handle open_cluster(struct rpc_client *c)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	struct cmrp_open_cluster_out o;
	ndr_push_init(&req);
	cmrp_open_cluster_ex_encode_in(&req, MAXIMUM_ALLOWED);
	assert_int_equal(call(c, CMRP_OPEN_CLUSTER_EX, &req, &in, &buf), 0);
	assert_true(cmrp_open_cluster_decode_out(&in, &o, true));
	assert_int_equal(o.status, 0);
	assert_int_equal(o.granted, GENERIC_ALL);
	assert_false(rpc_uuid_is_nil(&o.handle.uuid));
	free(buf);
	ndr_push_free(&req);
	return o.handle;
}

static uint32_t close_cluster(struct rpc_client *c, struct rpc_ctx_handle h, struct rpc_ctx_handle *out)
{
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	uint32_t result;
	ndr_push_init(&req);
	cmrp_handle_encode(&req, &h);
	assert_int_equal(call(c, CMRP_CLOSE_CLUSTER, &req, &in, &buf), 0);
	assert_true(cmrp_close_decode_out(&in, out, &result));
	free(buf);
	ndr_push_free(&req);
	return result;
}

/* The server still serves a fresh connection. */
static void assert_server_alive(void)
{
	struct rpc_client c;
	connect_bound(&c);
	struct rpc_ctx_handle h = open_cluster(&c), out;
	assert_int_equal(close_cluster(&c, h, &out), 0);
	rpc_client_close(&c);
}

static void test_handles_belong_to_their_connection(void **state)
{
	(void)state;
	struct rpc_client a, b;
	struct rpc_ctx_handle out;
	connect_bound(&a);
	connect_bound(&b);
	struct rpc_ctx_handle ha = open_cluster(&a);
	/* Another session's handle: refused, and it stays valid where it lives. */
	assert_int_equal(close_cluster(&b, ha, &out), ERROR_INVALID_HANDLE);
	assert_memory_equal(&out, &ha, sizeof(ha));
	/* Close returns a zeroed handle; a second close is refused. */
	assert_int_equal(close_cluster(&a, ha, &out), 0);
	assert_true(rpc_uuid_is_nil(&out.uuid) && out.attributes == 0);
	assert_int_equal(close_cluster(&a, ha, &out), ERROR_INVALID_HANDLE);
	/* Forged handles. */
	struct rpc_ctx_handle forged = ha;
	forged.uuid.rest[7] ^= 1;
	assert_int_equal(close_cluster(&a, forged, &out), ERROR_INVALID_HANDLE);
	struct rpc_ctx_handle zero = { 0 };
	assert_int_equal(close_cluster(&a, zero, &out), ERROR_INVALID_HANDLE);
	struct rpc_ctx_handle hb = open_cluster(&b);
	hb.attributes = 1;
	assert_int_equal(close_cluster(&b, hb, &out), ERROR_INVALID_HANDLE);
	rpc_client_close(&a);
	rpc_client_close(&b);
}

static int count_in_log(const char *what)
{
	FILE *f = fopen(d.log, "r");
	char line[512];
	int n = 0;
	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, what) != NULL;
	fclose(f);
	return n;
}

static void test_rundown(void **state)
{
	(void)state;
	struct rpc_client c;
	connect_bound(&c);
	int before = count_in_log("3 context handle(s) run down");
	open_cluster(&c);
	open_cluster(&c);
	open_cluster(&c);
	rpc_client_close(&c); /* the connection goes with three handles open */
	for (int i = 0; i < 200 && count_in_log("3 context handle(s) run down") == before; i++)
		usleep(10000);
	assert_int_equal(count_in_log("3 context handle(s) run down"), before + 1);
	assert_server_alive();
}

static void test_opnums(void **state)
{
	(void)state;
	struct rpc_client c;
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	connect_bound(&c);
	ndr_push_init(&req);

	/* 0 OpenCluster */
	assert_int_equal(call(&c, CMRP_OPEN_CLUSTER, &req, &in, &buf), 0);
	struct cmrp_open_cluster_out o;
	assert_true(cmrp_open_cluster_decode_out(&in, &o, false));
	assert_int_equal(o.status, 0);
	free(buf);

	/* 4 GetClusterVersion: not used in protocol version 3 */
	struct cmrp_version_out v;
	assert_int_equal(call(&c, CMRP_GET_CLUSTER_VERSION, &req, &in, &buf), 0);
	assert_true(cmrp_version_decode_out(&in, &v, false));
	assert_int_equal(v.result, ERROR_CALL_NOT_IMPLEMENTED);
	cmrp_version_out_free(&v);
	free(buf);

	/* 102 GetClusterVersion2 */
	assert_int_equal(call(&c, CMRP_GET_CLUSTER_VERSION2, &req, &in, &buf), 0);
	assert_true(cmrp_version_decode_out(&in, &v, true));
	assert_int_equal(v.result, 0);
	assert_true(v.has_opver);
	assert_non_null(v.vendor.s);
	cmrp_version_out_free(&v);
	free(buf);

	/* An opnum nobody implements: nca_op_rng_error -> 1745; the association
	 * survives a fault. */
	assert_int_equal(call(&c, 190, &req, &in, &buf), RPC_S_PROCNUM_OUT_OF_RANGE);
	assert_int_equal(call(&c, 0xffff, &req, &in, &buf), RPC_S_PROCNUM_OUT_OF_RANGE);
	/* A stub that does not decode: an NDR fault. */
	ndr_push_u32(&req, 5);
	ndr_push_u32(&req, 7);
	assert_int_equal(call(&c, CMRP_SET_CLUSTER_NAME, &req, &in, &buf), RPC_X_BAD_STUB_DATA);
	assert_int_equal(call(&c, CMRP_GET_CLUSTER_NAME, &req, &in, &buf), RPC_X_BAD_STUB_DATA); /* trailing bytes */
	ndr_push_free(&req);

	/* Still fine. */
	struct rpc_ctx_handle h = open_cluster(&c), out;
	assert_int_equal(close_cluster(&c, h, &out), 0);
	rpc_client_close(&c);
}

static void test_set_name_bad_strings(void **state)
{
	(void)state;
	struct rpc_client c;
	struct ndr_push req;
	struct ndr_pull in;
	uint8_t *buf;
	static const uint16_t name[] = { 'a', 'b', 'c', 0 };
	struct {
		uint32_t max, off, actual;
		size_t units;
	} cases[] = {
		{ 4, 1, 3, 3 },                  /* offset != 0 */
		{ 2, 0, 4, 4 },                  /* actual > max */
		{ 0xffffffffu, 0, 0x7fffffffu, 4 }, /* huge counts, 8 bytes present */
		{ 4, 0, 0, 0 },                  /* empty, not even a NUL */
		{ 3, 0, 3, 3 },                  /* no terminating NUL */
	};
	connect_bound(&c);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ndr_push_init(&req);
		ndr_push_u32(&req, cases[i].max);
		ndr_push_u32(&req, cases[i].off);
		ndr_push_u32(&req, cases[i].actual);
		for (size_t k = 0; k < cases[i].units; k++)
			ndr_push_u16(&req, k < 3 ? name[k] : 0x41);
		DWORD err = call(&c, CMRP_SET_CLUSTER_NAME, &req, &in, &buf);
		if (err != RPC_X_BAD_STUB_DATA)
			fail_msg("case %zu: expected an NDR fault, got %u", i, (unsigned)err);
		ndr_push_free(&req);
	}
	rpc_client_close(&c);
	assert_server_alive();
}

/* ---- raw bytes ---------------------------------------------------------- */

static int raw_connect(void)
{
	struct sockaddr_in sin = loopback(d.tcp_port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	return fd;
}

static void raw_send(int fd, const void *p, size_t n)
{
	assert_int_equal(send(fd, p, n, MSG_NOSIGNAL), (ssize_t)n);
}

/* Read one PDU (or EOF): returns its ptype, or -1 on close, -2 on timeout. */
static int raw_recv(int fd, uint8_t *buf, size_t cap, struct rpc_hdr *h)
{
	size_t got = 0, need = RPC_HDR_LEN;
	while (got < need) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, 5000) <= 0)
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

static size_t make_bind(uint8_t *out, const struct rpc_syntax *iface, uint32_t call_id)
{
	struct ndr_push p;
	struct rpc_bind b = { .max_xmit_frag = 5840, .max_recv_frag = 5840, .n_ctx = 1 };
	b.ctx[0].n_transfer = 1;
	b.ctx[0].abstract = *iface;
	b.ctx[0].transfer[0] = rpc_syntax_ndr;
	ndr_push_init(&p);
	assert_true(rpc_bind_encode(&p, RPC_PTYPE_BIND, call_id, &b));
	assert_true(p.len <= 256); /* callers' buffers hold 256 bytes */
	memcpy(out, p.data, p.len);
	size_t n = p.len;
	ndr_push_free(&p);
	return n;
}

static int raw_bound(void)
{
	uint8_t buf[8192];
	struct rpc_hdr h;
	int fd = raw_connect();
	size_t n = make_bind(buf, &cmrp_syntax, 1);
	raw_send(fd, buf, n);
	assert_int_equal(raw_recv(fd, buf, sizeof(buf), &h), RPC_PTYPE_BIND_ACK);
	return fd;
}

static size_t make_request(uint8_t *out, uint8_t flags, uint32_t call_id, uint32_t alloc_hint, uint16_t ctx,
			   uint16_t opnum, const uint8_t *stub, size_t len)
{
	struct ndr_push p;
	ndr_push_init(&p);
	assert_true(rpc_request_encode(&p, flags, call_id, alloc_hint, ctx, opnum, stub, len));
	assert_true(p.len <= RPC_REQUEST_HDR_LEN + len);
	memcpy(out, p.data, p.len);
	size_t n = p.len;
	ndr_push_free(&p);
	return n;
}

/* Expect the server to close this connection (maybe after a fault). */
static void expect_fault_or_close(int fd)
{
	uint8_t buf[8192];
	struct rpc_hdr h;
	int t = raw_recv(fd, buf, sizeof(buf), &h);
	assert_true(t == -1 || t == RPC_PTYPE_FAULT || t == RPC_PTYPE_BIND_NAK);
	close(fd);
	assert_server_alive();
}

static void test_truncated_pdu(void **state)
{
	(void)state;
	uint8_t buf[256];
	int fd = raw_connect();
	size_t n = make_bind(buf, &cmrp_syntax, 1);
	raw_send(fd, buf, n / 2); /* half a bind, then hang up */
	close(fd);
	assert_server_alive();

	fd = raw_bound();
	n = make_request(buf, 3, 2, 0, 0, CMRP_GET_CLUSTER_NAME, NULL, 0);
	raw_send(fd, buf, n - 3); /* a request that never completes */
	close(fd);
	assert_server_alive();
}

static void test_bad_frag_length(void **state)
{
	(void)state;
	uint8_t buf[256];
	/* below the header size */
	int fd = raw_bound();
	size_t n = make_request(buf, 3, 2, 0, 0, CMRP_GET_CLUSTER_NAME, NULL, 0);
	buf[8] = 10;
	buf[9] = 0;
	raw_send(fd, buf, n);
	expect_fault_or_close(fd);
	/* above what was negotiated */
	fd = raw_bound();
	n = make_request(buf, 3, 2, 0, 0, CMRP_GET_CLUSTER_NAME, NULL, 0);
	buf[8] = 0xff;
	buf[9] = 0xff;
	raw_send(fd, buf, n);
	expect_fault_or_close(fd);
	/* before any bind, a huge fragment announced */
	fd = raw_connect();
	n = make_bind(buf, &cmrp_syntax, 1);
	buf[8] = 0x00;
	buf[9] = 0xf0;
	raw_send(fd, buf, n);
	expect_fault_or_close(fd);
}

static void test_huge_alloc_hint(void **state)
{
	(void)state;
	uint8_t buf[256], reply[8192];
	struct rpc_hdr h;
	int fd = raw_bound();
	/* alloc_hint is only a hint: 4 GiB announced, a tiny call sent. */
	size_t n = make_request(buf, 3, 2, 0xffffffffu, 0, CMRP_GET_CLUSTER_NAME, NULL, 0);
	raw_send(fd, buf, n);
	assert_int_equal(raw_recv(fd, reply, sizeof(reply), &h), RPC_PTYPE_RESPONSE);
	close(fd);
}

static void test_endless_fragments(void **state)
{
	(void)state;
	static uint8_t stub[5800];
	uint8_t buf[6000];
	int fd = raw_bound();
	/* Fragments that never end: the server stops at its cap (4 MiB). */
	size_t n = make_request(buf, RPC_PFC_FIRST_FRAG, 2, 0, 0, CMRP_SET_CLUSTER_NAME, stub, sizeof(stub) - 24);
	raw_send(fd, buf, n);
	bool closed = false;
	for (int i = 0; i < 2000 && !closed; i++) {
		n = make_request(buf, 0, 2, 0, 0, CMRP_SET_CLUSTER_NAME, stub, sizeof(stub) - 24);
		closed = send(fd, buf, n, MSG_NOSIGNAL) != (ssize_t)n;
	}
	expect_fault_or_close(fd);
}

static void test_unknown_ptype(void **state)
{
	(void)state;
	uint8_t buf[256];
	int fd = raw_bound();
	size_t n = make_request(buf, 3, 2, 0, 0, 0, NULL, 0);
	buf[2] = 42;
	raw_send(fd, buf, n);
	expect_fault_or_close(fd);
	/* server-to-client types from a client */
	fd = raw_bound();
	n = make_request(buf, 3, 2, 0, 0, 0, NULL, 0);
	buf[2] = RPC_PTYPE_BIND_ACK;
	raw_send(fd, buf, n);
	expect_fault_or_close(fd);
	/* wrong protocol version */
	fd = raw_connect();
	n = make_bind(buf, &cmrp_syntax, 1);
	buf[0] = 4;
	raw_send(fd, buf, n);
	expect_fault_or_close(fd);
}

static void test_request_before_bind(void **state)
{
	(void)state;
	uint8_t buf[256];
	int fd = raw_connect();
	size_t n = make_request(buf, 3, 1, 0, 0, CMRP_GET_CLUSTER_NAME, NULL, 0);
	raw_send(fd, buf, n);
	expect_fault_or_close(fd);
}

static void test_bind_unknown_interface(void **state)
{
	(void)state;
	uint8_t buf[8192];
	struct rpc_hdr h;
	struct rpc_bind_ack ack;
	struct rpc_syntax unknown = cmrp_syntax;
	unknown.uuid.time_low ^= 0x1;
	int fd = raw_connect();
	size_t n = make_bind(buf, &unknown, 1);
	raw_send(fd, buf, n);
	assert_int_equal(raw_recv(fd, buf, sizeof(buf), &h), RPC_PTYPE_BIND_ACK);
	assert_int_equal(rpc_bind_ack_decode(buf, &h, &ack), 0);
	assert_int_equal(ack.n_results, 1);
	assert_int_equal(ack.results[0].result, RPC_RESULT_PROVIDER_REJECT);
	assert_int_equal(ack.results[0].reason, RPC_REASON_ABSTRACT_NOT_SUPPORTED);
	/* A call on the rejected context: a fault (unknown interface). */
	n = make_request(buf, 3, 2, 0, 0, 0, NULL, 0);
	raw_send(fd, buf, n);
	assert_int_equal(raw_recv(fd, buf, sizeof(buf), &h), RPC_PTYPE_FAULT);
	struct rpc_fault f;
	assert_int_equal(rpc_fault_decode(buf, &h, &f), 0);
	assert_int_equal(f.status, NCA_S_UNK_IF);
	close(fd);
	/* The endpoint mapper is not served on the MS-CMRP port, and the reverse. */
	fd = raw_connect();
	n = make_bind(buf, &epm_syntax, 1);
	raw_send(fd, buf, n);
	assert_int_equal(raw_recv(fd, buf, sizeof(buf), &h), RPC_PTYPE_BIND_ACK);
	assert_int_equal(rpc_bind_ack_decode(buf, &h, &ack), 0);
	assert_int_equal(ack.results[0].result, RPC_RESULT_PROVIDER_REJECT);
	close(fd);
	assert_server_alive();
}

static void test_big_endian_client(void **state)
{
	(void)state;
	uint8_t buf[8192];
	struct rpc_hdr h;
	int fd = raw_bound();
	/* GetClusterName with a big-endian data representation. */
	uint8_t req[24] = { 5, 0, 0, 3, 0x00, 0, 0, 0, 0, 24, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3 };
	raw_send(fd, req, sizeof(req));
	assert_int_equal(raw_recv(fd, buf, sizeof(buf), &h), RPC_PTYPE_RESPONSE);
	assert_int_equal(h.call_id, 2);
	struct rpc_response r;
	assert_int_equal(rpc_response_decode(buf, &h, &r), 0);
	struct ndr_pull in;
	struct cmrp_cluster_name_out o;
	ndr_pull_init(&in, r.stub, r.stub_len, rpc_hdr_big_endian(&h));
	assert_true(cmrp_get_cluster_name_decode_out(&in, &o));
	assert_int_equal(o.result, 0);
	assert_non_null(o.cluster.s);
	cmrp_cluster_name_out_free(&o);
	close(fd);
}

static void test_many_connections(void **state)
{
	(void)state;
	enum { N = 2000 };
	static int fds[N];
	struct rlimit rl;
	/* The server takes thousands; the test needs the descriptors too. */
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
	if (rl.rlim_cur < N + 100) {
		rl.rlim_cur = rl.rlim_max < N + 100 ? rl.rlim_max : N + 100;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur < N + 100) {
		fprintf(stderr, "skipped: RLIMIT_NOFILE hard limit %lu is below %d\n", (unsigned long)rl.rlim_max, N + 100);
		skip();
	}
	for (int i = 0; i < N; i++)
		fds[i] = raw_bound();
	assert_server_alive();
	for (int i = 0; i < N; i++)
		close(fds[i]);
	assert_server_alive();
}

static void test_epm_lookup(void **state)
{
	(void)state;
	struct rpc_client c;
	struct sockaddr_in sin = loopback(d.epm_port);
	uint16_t port = 0;
	rpc_client_init(&c);
	assert_int_equal(rpc_client_connect_addr(&c, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(rpc_client_bind(&c, &epm_syntax), 0);
	assert_int_equal(epm_client_map_tcp(&c, &cmrp_syntax, &port), 0);
	assert_int_equal(port, d.tcp_port);
	assert_int_equal(epm_client_map_tcp(&c, &epm_syntax, &port), EPT_S_NOT_REGISTERED);
	rpc_client_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handles_belong_to_their_connection),
		cmocka_unit_test(test_rundown),
		cmocka_unit_test(test_opnums),
		cmocka_unit_test(test_set_name_bad_strings),
		cmocka_unit_test(test_truncated_pdu),
		cmocka_unit_test(test_bad_frag_length),
		cmocka_unit_test(test_huge_alloc_hint),
		cmocka_unit_test(test_endless_fragments),
		cmocka_unit_test(test_unknown_ptype),
		cmocka_unit_test(test_request_before_bind),
		cmocka_unit_test(test_bind_unknown_interface),
		cmocka_unit_test(test_big_endian_client),
		cmocka_unit_test(test_many_connections),
		cmocka_unit_test(test_epm_lookup),
	};
	return daemon_finish(cmocka_run_group_tests(tests, group_setup, group_teardown));
}
