/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The endpoint mapper at the wire, with stubs encoded here by hand: every
 * call of the interface, the inquiry types and version options of ept_lookup,
 * entry handles that continue ept_lookup and ept_map (and that belong to one
 * connection and one call), ept_lookup_handle_free, the cap on open searches,
 * the counts the server refuses, ept_insert and ept_delete refused over TCP,
 * and towers that name an address the client can reach.
 *
 * One clusterd with MS-CMRP on three loopback addresses (three entries), one
 * with a wildcard MS-CMRP listener, one with two listeners on ports of their
 * own and the mapper on the second address.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "cmrp/cmrp.h"
#include "daemon.h"
#include "rpc/client.h"
#include "rpc/epm.h"

#define NENT 3
static struct daemon d, wild, split;
static uint16_t split_port2; /* the second listener's own port */
static const char *const addrs[NENT] = { "127.0.0.1", "127.0.0.2", "127.0.0.3" };

static int group_setup(void **state)
{
	(void)state;
	static const char *const extra[] = { "--listen", "127.0.0.1:0", "--listen", "127.0.0.2:0", "--listen",
					     "127.0.0.3:0", "--epmapper", "127.0.0.1:0", "--allow-anonymous", NULL };
	static const char *const extra_wild[] = { "--listen", "0.0.0.0:0", "--epmapper", "127.0.0.1:0",
						  "--allow-anonymous", NULL };
	if (daemon_start(&d, DAEMON_CUSTOM, extra) != 0 || daemon_start(&wild, DAEMON_CUSTOM, extra_wild) != 0)
		return -1;
	/* A free port on 127.0.0.2 for the second listener. */
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	sin.sin_addr.s_addr = htonl(0x7f000002u);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) < 0)
		return -1;
	split_port2 = ntohs(sin.sin_port);
	close(fd);
	static char second[32];
	snprintf(second, sizeof(second), "127.0.0.2:%u", split_port2);
	static const char *extra_split[] = { "--listen", "127.0.0.1:0", "--listen", NULL, "--epmapper", "127.0.0.2:0",
					     "--allow-anonymous", NULL };
	extra_split[3] = second;
	return daemon_start(&split, DAEMON_CUSTOM, extra_split);
}

static int group_teardown(void **state)
{
	(void)state;
	assert_int_equal(daemon_stop(&d), 0);
	assert_int_equal(daemon_stop(&wild), 0);
	assert_int_equal(daemon_stop(&split), 0);
	daemon_destroy(&d);
	daemon_destroy(&wild);
	daemon_destroy(&split);
	return 0;
}

static void epm_connect_to(struct rpc_client *c, uint32_t addr, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	sin.sin_addr.s_addr = htonl(addr);
	rpc_client_init(c);
	assert_int_equal(rpc_client_connect_addr(c, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(rpc_client_bind(c, &epm_syntax), 0);
}

static void epm_connect(struct rpc_client *c, uint16_t port)
{
	epm_connect_to(c, INADDR_LOOPBACK, port);
}

static const struct rpc_ctx_handle nil_handle;

static bool handle_is_nil(const struct rpc_ctx_handle *h)
{
	return h->attributes == 0 && rpc_uuid_is_nil(&h->uuid);
}

struct entry {
	struct rpc_uuid object;
	char annotation[65];
	struct epm_tower tower;
};

struct lookup_args {
	uint32_t inquiry;
	const struct rpc_uuid *object;
	const struct rpc_syntax *ifid;
	uint32_t vers;
	uint32_t max;
};

/* A twr_t pointee: conformance, length, octets (decoded into t). */
static void pull_twr(struct ndr_pull *in, struct epm_tower *t)
{
	uint32_t max_count, len;
	ndr_pull_align(in, 4);
	assert_true(ndr_pull_u32(in, &max_count));
	assert_true(ndr_pull_u32(in, &len));
	assert_int_equal(max_count, len);
	assert_true(len <= ndr_pull_remaining(in));
	assert_int_equal(epm_tower_decode(in->data + in->off, len, t), 0);
	in->off += len;
}

/* ept_lookup; the call's transport or fault error, else 0 with the outputs. */
static DWORD lookup(struct rpc_client *c, const struct lookup_args *a, struct rpc_ctx_handle *h, uint32_t *n,
		    struct entry *e, size_t ecap, uint32_t *status)
{
	struct ndr_push req;
	ndr_push_init(&req);
	ndr_push_u32(&req, a->inquiry);
	ndr_push_ptr(&req, a->object != NULL);
	if (a->object)
		ndr_push_uuid(&req, a->object);
	ndr_push_ptr(&req, a->ifid != NULL);
	if (a->ifid) {
		ndr_push_uuid(&req, &a->ifid->uuid);
		ndr_push_u16(&req, a->ifid->major);
		ndr_push_u16(&req, a->ifid->minor);
	}
	ndr_push_u32(&req, a->vers);
	ndr_push_ctx_handle(&req, h);
	ndr_push_u32(&req, a->max);
	assert_false(req.error);

	uint8_t *buf = NULL;
	size_t len;
	bool be;
	DWORD err = rpc_client_call(c, EPM_OP_LOOKUP, req.data, req.len, &buf, &len, &be);
	ndr_push_free(&req);
	if (err)
		return err;
	struct ndr_pull in;
	uint32_t max_count, offset, actual;
	ndr_pull_init(&in, buf, len, be);
	assert_true(ndr_pull_ctx_handle(&in, h));
	assert_true(ndr_pull_u32(&in, n));
	assert_true(ndr_pull_u32(&in, &max_count));
	assert_true(ndr_pull_u32(&in, &offset));
	assert_true(ndr_pull_u32(&in, &actual));
	assert_int_equal(max_count, a->max);
	assert_int_equal(offset, 0);
	assert_int_equal(actual, *n);
	assert_true(*n <= ecap);
	uint32_t refs[16];
	for (uint32_t i = 0; i < *n; i++) {
		uint32_t off, alen;
		ndr_pull_align(&in, 4);
		assert_true(ndr_pull_uuid(&in, &e[i].object));
		assert_true(ndr_pull_ptr(&in, &refs[i]));
		assert_true(ndr_pull_u32(&in, &off));
		assert_true(ndr_pull_u32(&in, &alen));
		assert_int_equal(off, 0);
		assert_true(alen >= 1 && alen <= 64);
		assert_true(ndr_pull_bytes(&in, e[i].annotation, alen));
		assert_int_equal(e[i].annotation[alen - 1], 0);
	}
	for (uint32_t i = 0; i < *n; i++) {
		assert_int_not_equal(refs[i], 0);
		pull_twr(&in, &e[i].tower);
	}
	ndr_pull_align(&in, 4);
	assert_true(ndr_pull_u32(&in, status));
	assert_int_equal(ndr_pull_remaining(&in), 0);
	free(buf);
	return 0;
}

static void map_tower_push(struct ndr_push *req, const struct epm_tower *t)
{
	struct ndr_push tw;
	ndr_push_init(&tw);
	assert_true(epm_tower_encode(&tw, t));
	ndr_push_u32(req, (uint32_t)tw.len);
	ndr_push_u32(req, (uint32_t)tw.len);
	ndr_push_bytes(req, tw.data, tw.len);
	ndr_push_free(&tw);
}

static struct epm_tower want_tower(const struct rpc_syntax *iface)
{
	struct epm_tower t = { .iface = *iface, .transfer = rpc_syntax_ndr, .rpc_protocol = EPM_PROT_NCACN,
			       .transport = EPM_PROT_TCP };
	return t;
}

/* ept_map */
static DWORD map(struct rpc_client *c, const struct rpc_uuid *object, const struct epm_tower *t,
		 struct rpc_ctx_handle *h, uint32_t max, uint32_t *n, struct epm_tower *out, size_t cap,
		 uint32_t *status)
{
	struct ndr_push req;
	ndr_push_init(&req);
	ndr_push_ptr(&req, object != NULL);
	if (object)
		ndr_push_uuid(&req, object);
	ndr_push_ptr(&req, t != NULL);
	if (t)
		map_tower_push(&req, t);
	ndr_push_align(&req, 4);
	ndr_push_ctx_handle(&req, h);
	ndr_push_u32(&req, max);
	assert_false(req.error);

	uint8_t *buf = NULL;
	size_t len;
	bool be;
	DWORD err = rpc_client_call(c, EPM_OP_MAP, req.data, req.len, &buf, &len, &be);
	ndr_push_free(&req);
	if (err)
		return err;
	struct ndr_pull in;
	uint32_t max_count, offset, actual, refs[16];
	ndr_pull_init(&in, buf, len, be);
	assert_true(ndr_pull_ctx_handle(&in, h));
	assert_true(ndr_pull_u32(&in, n));
	assert_true(ndr_pull_u32(&in, &max_count));
	assert_true(ndr_pull_u32(&in, &offset));
	assert_true(ndr_pull_u32(&in, &actual));
	assert_int_equal(max_count, max);
	assert_int_equal(offset, 0);
	assert_int_equal(actual, *n);
	assert_true(*n <= cap);
	for (uint32_t i = 0; i < *n; i++)
		assert_true(ndr_pull_ptr(&in, &refs[i]) && refs[i] != 0);
	for (uint32_t i = 0; i < *n; i++)
		pull_twr(&in, &out[i]);
	ndr_pull_align(&in, 4);
	assert_true(ndr_pull_u32(&in, status));
	assert_int_equal(ndr_pull_remaining(&in), 0);
	free(buf);
	return 0;
}

static DWORD handle_free(struct rpc_client *c, struct rpc_ctx_handle *h, uint32_t *status)
{
	struct ndr_push req;
	ndr_push_init(&req);
	ndr_push_ctx_handle(&req, h);
	uint8_t *buf = NULL;
	size_t len;
	bool be;
	DWORD err = rpc_client_call(c, EPM_OP_LOOKUP_HANDLE_FREE, req.data, req.len, &buf, &len, &be);
	ndr_push_free(&req);
	if (err)
		return err;
	struct ndr_pull in;
	ndr_pull_init(&in, buf, len, be);
	assert_true(ndr_pull_ctx_handle(&in, h));
	assert_true(ndr_pull_u32(&in, status));
	assert_int_equal(ndr_pull_remaining(&in), 0);
	free(buf);
	return 0;
}

static uint32_t ip(const char *s)
{
	struct in_addr a;
	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return ntohl(a.s_addr);
}

static void assert_cmrp_tower(const struct epm_tower *t, uint16_t port, uint32_t ipv4)
{
	assert_true(rpc_syntax_equal(&t->iface, &cmrp_syntax));
	assert_true(rpc_syntax_equal(&t->transfer, &rpc_syntax_ndr));
	assert_int_equal(t->rpc_protocol, EPM_PROT_NCACN);
	assert_int_equal(t->transport, EPM_PROT_TCP);
	assert_int_equal(t->port, port);
	assert_int_equal(t->ipv4, ipv4);
}

static const struct lookup_args all1 = { .inquiry = EPM_INQ_ALL, .vers = EPM_VERS_ALL, .max = 1 };

/* max_ents 1: one entry a call, status 0 and a handle each time; then none,
 * EPT_S_NOT_REGISTERED and the NULL handle. */
static void test_lookup_one_by_one(void **state)
{
	(void)state;
	struct rpc_client c;
	struct rpc_ctx_handle h = nil_handle;
	struct entry e[1];
	uint32_t n, st;
	epm_connect(&c, d.epm_port);
	for (int i = 0; i < NENT; i++) {
		assert_int_equal(lookup(&c, &all1, &h, &n, e, 1, &st), 0);
		assert_int_equal(n, 1);
		assert_int_equal(st, EPM_STATUS_OK);
		assert_false(handle_is_nil(&h));
		assert_string_equal(e[0].annotation, "Failover Cluster Management API");
		assert_true(rpc_uuid_is_nil(&e[0].object));
		assert_cmrp_tower(&e[0].tower, d.tcp_port, ip(addrs[i]));
	}
	assert_int_equal(lookup(&c, &all1, &h, &n, e, 1, &st), 0);
	assert_int_equal(n, 0);
	assert_int_equal(st, EPM_STATUS_NO_MORE);
	assert_true(handle_is_nil(&h));
	rpc_client_close(&c);
}

/* A batch that ends the search before max_ents ends it with
 * EPT_S_NOT_REGISTERED and the NULL handle; a full one goes on. */
static void test_lookup_batches(void **state)
{
	(void)state;
	struct rpc_client c;
	struct rpc_ctx_handle h = nil_handle;
	struct entry e[10];
	uint32_t n, st;
	struct lookup_args a = all1;
	epm_connect(&c, d.epm_port);

	a.max = 10;
	assert_int_equal(lookup(&c, &a, &h, &n, e, 10, &st), 0);
	assert_int_equal(n, NENT);
	assert_int_equal(st, EPM_STATUS_NO_MORE);
	assert_true(handle_is_nil(&h));
	for (int i = 0; i < NENT; i++)
		assert_cmrp_tower(&e[i].tower, d.tcp_port, ip(addrs[i]));

	a.max = 2;
	assert_int_equal(lookup(&c, &a, &h, &n, e, 10, &st), 0);
	assert_int_equal(n, 2);
	assert_int_equal(st, EPM_STATUS_OK);
	assert_false(handle_is_nil(&h));
	assert_int_equal(lookup(&c, &a, &h, &n, e, 10, &st), 0);
	assert_int_equal(n, 1);
	assert_int_equal(st, EPM_STATUS_NO_MORE);
	assert_true(handle_is_nil(&h));
	assert_cmrp_tower(&e[0].tower, d.tcp_port, ip(addrs[2]));

	/* exactly full: status 0 and a handle; the next call ends it */
	a.max = NENT;
	assert_int_equal(lookup(&c, &a, &h, &n, e, 10, &st), 0);
	assert_int_equal(n, NENT);
	assert_int_equal(st, EPM_STATUS_OK);
	assert_false(handle_is_nil(&h));
	assert_int_equal(lookup(&c, &a, &h, &n, e, 10, &st), 0);
	assert_int_equal(n, 0);
	assert_int_equal(st, EPM_STATUS_NO_MORE);
	assert_true(handle_is_nil(&h));

	/* max_ents 0 asks nothing and ends the search */
	a.max = 0;
	assert_int_equal(lookup(&c, &a, &h, &n, e, 10, &st), 0);
	assert_int_equal(n, 0);
	assert_int_equal(st, EPM_STATUS_NO_MORE);
	assert_true(handle_is_nil(&h));
	rpc_client_close(&c);
}

static uint32_t count_by(struct rpc_client *c, uint32_t inquiry, const struct rpc_uuid *obj,
			 const struct rpc_syntax *ifid, uint32_t vers, uint32_t *st)
{
	struct lookup_args a = { .inquiry = inquiry, .object = obj, .ifid = ifid, .vers = vers, .max = 10 };
	struct rpc_ctx_handle h = nil_handle;
	struct entry e[10];
	uint32_t n;
	assert_int_equal(lookup(c, &a, &h, &n, e, 10, st), 0);
	assert_true(handle_is_nil(&h));
	return n;
}

/* The inquiry types and version options of C706 / MS-RPCE. */
static void test_lookup_inquiries(void **state)
{
	(void)state;
	struct rpc_client c;
	uint32_t st;
	struct rpc_syntax v = cmrp_syntax; /* 3.0 */
	struct rpc_uuid other;
	assert_true(rpc_uuid_parse("11111111-2222-3333-4444-555555555555", &other));
	epm_connect(&c, d.epm_port);

	struct {
		uint16_t major, minor;
		uint32_t vers;
		uint32_t want;
	} cases[] = {
		{ 3, 0, EPM_VERS_ALL, NENT },	      { 9, 9, EPM_VERS_ALL, NENT },
		{ 3, 0, EPM_VERS_EXACT, NENT },	      { 3, 1, EPM_VERS_EXACT, 0 },
		{ 3, 0, EPM_VERS_COMPATIBLE, NENT },  { 3, 1, EPM_VERS_COMPATIBLE, 0 },
		{ 2, 0, EPM_VERS_COMPATIBLE, 0 },     { 3, 7, EPM_VERS_MAJOR_ONLY, NENT },
		{ 4, 0, EPM_VERS_MAJOR_ONLY, 0 },     { 4, 0, EPM_VERS_UPTO, NENT },
		{ 3, 0, EPM_VERS_UPTO, NENT },	      { 2, 9, EPM_VERS_UPTO, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		v.major = cases[i].major;
		v.minor = cases[i].minor;
		uint32_t n = count_by(&c, EPM_INQ_BY_IF, NULL, &v, cases[i].vers, &st);
		if (n != cases[i].want)
			fail_msg("case %zu (%u.%u option %u): %u entries, want %u", i, v.major, v.minor, cases[i].vers,
				 n, cases[i].want);
		assert_int_equal(st, EPM_STATUS_NO_MORE);
	}
	/* another interface */
	assert_int_equal(count_by(&c, EPM_INQ_BY_IF, NULL, &epm_syntax, EPM_VERS_ALL, &st), 0);
	assert_int_equal(st, EPM_STATUS_NO_MORE);
	/* by object: our entries have none (the nil UUID) */
	static const struct rpc_uuid nil;
	assert_int_equal(count_by(&c, EPM_INQ_BY_OBJ, &nil, NULL, 0, &st), NENT);
	assert_int_equal(count_by(&c, EPM_INQ_BY_OBJ, NULL, NULL, 0, &st), NENT);
	assert_int_equal(count_by(&c, EPM_INQ_BY_OBJ, &other, NULL, 0, &st), 0);
	assert_int_equal(count_by(&c, EPM_INQ_BY_BOTH, &nil, &cmrp_syntax, EPM_VERS_EXACT, &st), NENT);
	assert_int_equal(count_by(&c, EPM_INQ_BY_BOTH, &other, &cmrp_syntax, EPM_VERS_EXACT, &st), 0);
	/* all: the interface and object asked are ignored */
	assert_int_equal(count_by(&c, EPM_INQ_ALL, &other, &epm_syntax, 77, &st), NENT);
	/* what cannot be answered */
	assert_int_equal(count_by(&c, 4, NULL, NULL, EPM_VERS_ALL, &st), 0);
	assert_int_equal(st, EPM_STATUS_CANT_PERFORM);
	assert_int_equal(count_by(&c, EPM_INQ_BY_IF, NULL, NULL, EPM_VERS_ALL, &st), 0);
	assert_int_equal(st, EPM_STATUS_CANT_PERFORM);
	assert_int_equal(count_by(&c, EPM_INQ_BY_IF, NULL, &cmrp_syntax, 0, &st), 0);
	assert_int_equal(st, EPM_STATUS_CANT_PERFORM);
	assert_int_equal(count_by(&c, EPM_INQ_BY_IF, NULL, &cmrp_syntax, 6, &st), 0);
	assert_int_equal(st, EPM_STATUS_CANT_PERFORM);
	rpc_client_close(&c);
}

/* A search continued with its own inquiry: by interface, one at a time. */
static void test_lookup_continue_by_if(void **state)
{
	(void)state;
	struct rpc_client c;
	struct rpc_ctx_handle h = nil_handle;
	struct entry e[1];
	uint32_t n, st;
	struct lookup_args a = { .inquiry = EPM_INQ_BY_IF, .ifid = &cmrp_syntax, .vers = EPM_VERS_EXACT, .max = 1 };
	epm_connect(&c, d.epm_port);
	for (int i = 0; i < NENT; i++) {
		assert_int_equal(lookup(&c, &a, &h, &n, e, 1, &st), 0);
		assert_int_equal(n, 1);
		assert_int_equal(st, EPM_STATUS_OK);
		assert_cmrp_tower(&e[0].tower, d.tcp_port, ip(addrs[i]));
	}
	assert_int_equal(lookup(&c, &a, &h, &n, e, 1, &st), 0);
	assert_int_equal(n, 0);
	assert_int_equal(st, EPM_STATUS_NO_MORE);
	rpc_client_close(&c);
}

/* Counts beyond MIDL's range(0,500) are faults; nothing is allocated for them. */
static void test_counts_refused(void **state)
{
	(void)state;
	struct rpc_client c;
	struct rpc_ctx_handle h = nil_handle;
	struct entry e[1];
	struct epm_tower t[1], w = want_tower(&cmrp_syntax);
	uint32_t n, st;
	struct lookup_args a = all1;
	epm_connect(&c, d.epm_port);
	uint32_t bad[] = { EPM_MAX_RESULTS + 1, 0x7fffffff, 0xffffffff };
	for (size_t i = 0; i < 3; i++) {
		a.max = bad[i];
		assert_int_equal(lookup(&c, &a, &h, &n, e, 1, &st), EPM_FAULT_INVALID_BOUND);
		h = nil_handle;
		assert_int_equal(map(&c, NULL, &w, &h, bad[i], &n, t, 1, &st), EPM_FAULT_INVALID_BOUND);
		h = nil_handle;
	}
	/* 500 is allowed */
	a.max = EPM_MAX_RESULTS;
	struct entry many[NENT];
	assert_int_equal(lookup(&c, &a, &h, &n, many, NENT, &st), 0);
	assert_int_equal(n, NENT);
	rpc_client_close(&c);
}

/* Handles are validated: forged ones, another connection's, another call's,
 * a finished search's. */
static void test_handles_validated(void **state)
{
	(void)state;
	struct rpc_client c, c2;
	struct rpc_ctx_handle h = nil_handle, saved;
	struct entry e[1];
	struct epm_tower t[1], w = want_tower(&cmrp_syntax);
	uint32_t n, st;
	epm_connect(&c, d.epm_port);
	epm_connect(&c2, d.epm_port);

	struct rpc_ctx_handle forged = { .attributes = 0 };
	assert_true(rpc_uuid_parse("01234567-89ab-4def-8123-456789abcdef", &forged.uuid));
	h = forged;
	assert_int_equal(lookup(&c, &all1, &h, &n, e, 1, &st), ERROR_INVALID_HANDLE);
	h = forged;
	assert_int_equal(map(&c, NULL, &w, &h, 1, &n, t, 1, &st), ERROR_INVALID_HANDLE);

	h = nil_handle;
	assert_int_equal(lookup(&c, &all1, &h, &n, e, 1, &st), 0);
	assert_false(handle_is_nil(&h));
	saved = h;
	/* not on another connection */
	assert_int_equal(lookup(&c2, &all1, &h, &n, e, 1, &st), ERROR_INVALID_HANDLE);
	h = saved;
	assert_int_equal(handle_free(&c2, &h, &st), ERROR_INVALID_HANDLE);
	/* not for ept_map */
	h = saved;
	assert_int_equal(map(&c, NULL, &w, &h, 1, &n, t, 1, &st), ERROR_INVALID_HANDLE);
	/* with attributes set it is another handle */
	h = saved;
	h.attributes = 1;
	assert_int_equal(lookup(&c, &all1, &h, &n, e, 1, &st), ERROR_INVALID_HANDLE);
	/* still good on its own connection: goes on where it was */
	h = saved;
	assert_int_equal(lookup(&c, &all1, &h, &n, e, 1, &st), 0);
	assert_int_equal(n, 1);
	assert_cmrp_tower(&e[0].tower, d.tcp_port, ip(addrs[1]));
	/* a search that ended is gone */
	saved = h;
	while (!handle_is_nil(&h))
		assert_int_equal(lookup(&c, &all1, &h, &n, e, 1, &st), 0);
	h = saved;
	assert_int_equal(lookup(&c, &all1, &h, &n, e, 1, &st), ERROR_INVALID_HANDLE);
	rpc_client_close(&c);
	rpc_client_close(&c2);
}

/* ept_lookup_handle_free ends a search early. */
static void test_handle_free(void **state)
{
	(void)state;
	struct rpc_client c;
	struct rpc_ctx_handle h = nil_handle, saved;
	struct entry e[1];
	struct epm_tower t[1], w = want_tower(&cmrp_syntax);
	uint32_t n, st;
	epm_connect(&c, d.epm_port);
	assert_int_equal(lookup(&c, &all1, &h, &n, e, 1, &st), 0);
	saved = h;
	assert_int_equal(handle_free(&c, &h, &st), 0);
	assert_int_equal(st, EPM_STATUS_OK);
	assert_true(handle_is_nil(&h));
	h = saved;
	assert_int_equal(lookup(&c, &all1, &h, &n, e, 1, &st), ERROR_INVALID_HANDLE);
	h = saved;
	assert_int_equal(handle_free(&c, &h, &st), ERROR_INVALID_HANDLE);
	/* an ept_map search too */
	h = nil_handle;
	assert_int_equal(map(&c, NULL, &w, &h, 1, &n, t, 1, &st), 0);
	assert_false(handle_is_nil(&h));
	assert_int_equal(handle_free(&c, &h, &st), 0);
	assert_true(handle_is_nil(&h));
	/* the NULL handle: nothing to free */
	h = nil_handle;
	assert_int_equal(handle_free(&c, &h, &st), 0);
	assert_int_equal(st, EPM_STATUS_OK);
	rpc_client_close(&c);
}

/* A connection may leave EPM_MAX_HANDLES searches open, no more; closing
 * one makes room, and a new connection starts with none. */
static void test_search_cap(void **state)
{
	(void)state;
	struct rpc_client c;
	struct rpc_ctx_handle h[EPM_MAX_HANDLES + 1];
	struct entry e[1];
	uint32_t n, st;
	for (int round = 0; round < 2; round++) {
		epm_connect(&c, d.epm_port);
		for (int i = 0; i < EPM_MAX_HANDLES; i++) {
			h[i] = nil_handle;
			assert_int_equal(lookup(&c, &all1, &h[i], &n, e, 1, &st), 0);
			assert_int_equal(st, EPM_STATUS_OK);
			assert_false(handle_is_nil(&h[i]));
		}
		h[EPM_MAX_HANDLES] = nil_handle;
		assert_int_equal(lookup(&c, &all1, &h[EPM_MAX_HANDLES], &n, e, 1, &st), 0);
		assert_int_equal(n, 0);
		assert_int_equal(st, EPM_STATUS_CANT_PERFORM);
		assert_true(handle_is_nil(&h[EPM_MAX_HANDLES]));
		/* a search at its end gets its entries and the end without one */
		struct lookup_args last = all1;
		last.inquiry = EPM_INQ_BY_IF;
		last.ifid = &cmrp_syntax;
		last.vers = EPM_VERS_EXACT;
		last.max = NENT;
		h[EPM_MAX_HANDLES] = nil_handle;
		struct entry three[NENT];
		assert_int_equal(lookup(&c, &last, &h[EPM_MAX_HANDLES], &n, three, NENT, &st), 0);
		assert_int_equal(n, NENT);
		assert_int_equal(st, EPM_STATUS_NO_MORE);
		assert_true(handle_is_nil(&h[EPM_MAX_HANDLES]));
		/* a search needing no handle still works */
		struct lookup_args a = all1;
		struct entry all[NENT];
		a.max = 10;
		assert_int_equal(lookup(&c, &a, &h[EPM_MAX_HANDLES], &n, all, NENT, &st), 0);
		assert_int_equal(n, NENT);
		assert_int_equal(handle_free(&c, &h[3], &st), 0);
		h[EPM_MAX_HANDLES] = nil_handle;
		assert_int_equal(lookup(&c, &all1, &h[EPM_MAX_HANDLES], &n, e, 1, &st), 0);
		assert_int_equal(st, EPM_STATUS_OK);
		/* the others are intact */
		assert_int_equal(lookup(&c, &all1, &h[0], &n, e, 1, &st), 0);
		assert_cmrp_tower(&e[0].tower, d.tcp_port, ip(addrs[1]));
		rpc_client_close(&c); /* the next round: a new connection, none open */
	}
}

/* ept_map: towers for the interface asked, continued with the handle. */
static void test_map(void **state)
{
	(void)state;
	struct rpc_client c;
	struct rpc_ctx_handle h = nil_handle;
	struct epm_tower t[10], w = want_tower(&cmrp_syntax);
	uint32_t n, st;
	struct rpc_uuid obj;
	assert_true(rpc_uuid_parse("11111111-2222-3333-4444-555555555555", &obj));
	epm_connect(&c, d.epm_port);

	assert_int_equal(map(&c, NULL, &w, &h, 10, &n, t, 10, &st), 0);
	assert_int_equal(n, NENT);
	assert_int_equal(st, EPM_STATUS_OK);
	assert_true(handle_is_nil(&h));
	for (int i = 0; i < NENT; i++)
		assert_cmrp_tower(&t[i], d.tcp_port, ip(addrs[i]));

	/* one at a time: a handle while more are left */
	for (int i = 0; i < NENT; i++) {
		assert_int_equal(map(&c, &obj, &w, &h, 1, &n, t, 10, &st), 0);
		assert_int_equal(n, 1);
		assert_int_equal(st, EPM_STATUS_OK);
		assert_cmrp_tower(&t[0], d.tcp_port, ip(addrs[i]));
		assert_int_equal(handle_is_nil(&h), i == NENT - 1);
	}
	/* 2 then 1 */
	assert_int_equal(map(&c, NULL, &w, &h, 2, &n, t, 10, &st), 0);
	assert_int_equal(n, 2);
	assert_false(handle_is_nil(&h));
	assert_int_equal(map(&c, NULL, &w, &h, 2, &n, t, 10, &st), 0);
	assert_int_equal(n, 1);
	assert_int_equal(st, EPM_STATUS_OK);
	assert_true(handle_is_nil(&h));
	assert_cmrp_tower(&t[0], d.tcp_port, ip(addrs[2]));

	/* what does not match */
	struct epm_tower x = want_tower(&epm_syntax);
	assert_int_equal(map(&c, NULL, &x, &h, 10, &n, t, 10, &st), 0);
	assert_int_equal(n, 0);
	assert_int_equal(st, EPM_STATUS_NO_MORE);
	x = w;
	x.iface.minor = 1; /* newer than served */
	assert_int_equal(map(&c, NULL, &x, &h, 10, &n, t, 10, &st), 0);
	assert_int_equal(st, EPM_STATUS_NO_MORE);
	x = w;
	x.iface.major = 4;
	assert_int_equal(map(&c, NULL, &x, &h, 10, &n, t, 10, &st), 0);
	assert_int_equal(st, EPM_STATUS_NO_MORE);
	x = w;
	x.transport = 0x08; /* UDP */
	assert_int_equal(map(&c, NULL, &x, &h, 10, &n, t, 10, &st), 0);
	assert_int_equal(st, EPM_STATUS_NO_MORE);
	x = w;
	x.transfer.major = 1; /* not NDR 2.0 */
	assert_int_equal(map(&c, NULL, &x, &h, 10, &n, t, 10, &st), 0);
	assert_int_equal(st, EPM_STATUS_NO_MORE);
	assert_int_equal(map(&c, NULL, NULL, &h, 10, &n, t, 10, &st), 0);
	assert_int_equal(n, 0);
	assert_int_equal(st, EPM_STATUS_NO_MORE);
	/* max_towers 0 */
	assert_int_equal(map(&c, NULL, &w, &h, 0, &n, t, 10, &st), 0);
	assert_int_equal(n, 0);
	assert_int_equal(st, EPM_STATUS_NO_MORE);
	assert_true(handle_is_nil(&h));
	/* our own client finds the port */
	uint16_t port = 0;
	assert_int_equal(epm_client_map_tcp(&c, &cmrp_syntax, &port), 0);
	assert_int_equal(port, d.tcp_port);
	rpc_client_close(&c);
}

static DWORD raw_call(struct rpc_client *c, uint16_t opnum, const uint8_t *stub, size_t len)
{
	uint8_t *buf = NULL;
	size_t out_len;
	bool be;
	DWORD err = rpc_client_call(c, opnum, stub, len, &buf, &out_len, &be);
	free(buf);
	return err;
}

/* ept_insert and ept_delete over TCP: access denied, whatever they carry;
 * the calls MS-RPCE has clients not make: out of range.  Malformed
 * requests: a fault, and the connection goes on. */
static void test_refused_calls(void **state)
{
	(void)state;
	struct rpc_client c;
	epm_connect(&c, d.epm_port);
	/* ept_insert: num_ents 1, an entry with a tower, replace 0 */
	struct ndr_push req;
	ndr_push_init(&req);
	ndr_push_u32(&req, 1);
	ndr_push_u32(&req, 1); /* conformance */
	static const struct rpc_uuid nil;
	ndr_push_uuid(&req, &nil);
	ndr_push_ptr(&req, true);
	ndr_push_u32(&req, 0);
	ndr_push_u32(&req, 5);
	ndr_push_bytes(&req, "evil", 5);
	ndr_push_align(&req, 4);
	struct epm_tower w = want_tower(&cmrp_syntax);
	w.port = 1;
	map_tower_push(&req, &w);
	ndr_push_align(&req, 4);
	ndr_push_u32(&req, 0);
	assert_int_equal(raw_call(&c, EPM_OP_INSERT, req.data, req.len), ERROR_ACCESS_DENIED);
	assert_int_equal(raw_call(&c, EPM_OP_DELETE, req.data, req.len - 4), ERROR_ACCESS_DENIED);
	assert_int_equal(raw_call(&c, EPM_OP_INSERT, NULL, 0), ERROR_ACCESS_DENIED);
	ndr_push_free(&req);
	for (uint16_t op = EPM_OP_INQ_OBJECT; op <= 9; op++)
		assert_int_equal(raw_call(&c, op, (const uint8_t *)"\0\0\0\0\0\0\0\0", 8), RPC_S_PROCNUM_OUT_OF_RANGE);
	/* truncated requests */
	uint8_t junk[40] = { 0 };
	for (size_t len = 0; len < 40; len += 7) {
		assert_int_equal(raw_call(&c, EPM_OP_LOOKUP, junk, len), RPC_X_BAD_STUB_DATA);
		assert_int_equal(raw_call(&c, EPM_OP_LOOKUP_HANDLE_FREE, junk, len < 20 ? len : 19),
				 RPC_X_BAD_STUB_DATA);
	}
	/* a map tower whose length lies */
	ndr_push_init(&req);
	ndr_push_ptr(&req, false);
	ndr_push_ptr(&req, true);
	ndr_push_u32(&req, 0xffff);
	ndr_push_u32(&req, 0xffff);
	ndr_push_zeros(&req, 40);
	assert_int_equal(raw_call(&c, EPM_OP_MAP, req.data, req.len), RPC_X_BAD_STUB_DATA);
	ndr_push_free(&req);
	/* and the connection still serves */
	struct rpc_ctx_handle h = nil_handle;
	struct entry e[NENT];
	uint32_t n, st;
	struct lookup_args a = all1;
	a.max = 10;
	assert_int_equal(lookup(&c, &a, &h, &n, e, NENT, &st), 0);
	assert_int_equal(n, NENT);
	rpc_client_close(&c);
}

/* A wildcard listener: the tower names the address the client used to
 * reach the mapper, never 0.0.0.0. */
static void test_wildcard_address(void **state)
{
	(void)state;
	struct rpc_client c;
	struct rpc_ctx_handle h = nil_handle;
	struct entry e[2];
	struct epm_tower t[2], w = want_tower(&cmrp_syntax);
	uint32_t n, st;
	struct lookup_args a = all1;
	a.max = 2;
	epm_connect(&c, wild.epm_port);
	assert_int_equal(lookup(&c, &a, &h, &n, e, 2, &st), 0);
	assert_int_equal(n, 1);
	assert_cmrp_tower(&e[0].tower, wild.tcp_port, INADDR_LOOPBACK);
	assert_int_equal(map(&c, NULL, &w, &h, 2, &n, t, 2, &st), 0);
	assert_int_equal(n, 1);
	assert_cmrp_tower(&t[0], wild.tcp_port, INADDR_LOOPBACK);
	rpc_client_close(&c);
}

/* Listeners with ports of their own: each tower has its own, and our client
 * takes the one of the address it reached the mapper on. */
static void test_listener_ports(void **state)
{
	(void)state;
	struct rpc_client c;
	struct rpc_ctx_handle h = nil_handle;
	struct entry e[2];
	uint32_t n, st;
	struct lookup_args a = all1;
	a.max = 2;
	assert_int_not_equal(split.tcp_port, split_port2);
	epm_connect_to(&c, 0x7f000002u, split.epm_port);
	assert_int_equal(lookup(&c, &a, &h, &n, e, 2, &st), 0);
	assert_int_equal(n, 2);
	assert_cmrp_tower(&e[0].tower, split.tcp_port, 0x7f000001u);
	assert_cmrp_tower(&e[1].tower, split_port2, 0x7f000002u);
	uint16_t port = 0;
	assert_int_equal(epm_client_map_tcp(&c, &cmrp_syntax, &port), 0);
	assert_int_equal(port, split_port2);
	rpc_client_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_one_by_one),
		cmocka_unit_test(test_lookup_batches),
		cmocka_unit_test(test_lookup_inquiries),
		cmocka_unit_test(test_lookup_continue_by_if),
		cmocka_unit_test(test_counts_refused),
		cmocka_unit_test(test_handles_validated),
		cmocka_unit_test(test_handle_free),
		cmocka_unit_test(test_search_cap),
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_refused_calls),
		cmocka_unit_test(test_wildcard_address),
		cmocka_unit_test(test_listener_ports),
	};
	return daemon_finish(cmocka_run_group_tests(tests, group_setup, group_teardown));
}
