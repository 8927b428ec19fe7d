/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The endpoint mapper's server codecs in process: requests encoded here (one
 * of them big-endian, byte by byte), the interface's dispatch called
 * directly, the responses decoded field by field.  Per-connection state
 * through conn_of, as clusterd wires it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rpc/epm.h"

static const struct rpc_syntax iface_a = {
	.uuid = { 0xb97db8b2, 0x4c63, 0x11cf, { 0xbf, 0xf6, 0x08, 0x00, 0x2b, 0xe2, 0x3f, 0x2f } },
	.major = 3,
	.minor = 2,
};
static const struct rpc_syntax iface_b = {
	.uuid = { 0x12345678, 0x1234, 0xabcd, { 0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab } },
	.major = 1,
	.minor = 0,
};

struct env {
	struct epm_registry reg;
	struct rpc_server_iface iface;
	struct epm_conn conns[2];
};

static struct epm_conn *conn_of(void *user)
{
	return user;
}

static int setup(void **state)
{
	struct env *e = calloc(1, sizeof(*e));
	assert_non_null(e);
	epm_server_iface(&e->iface, &e->reg);
	e->reg.conn_of = conn_of;
	assert_true(epm_registry_add(&e->reg, &iface_a, 1000, 0x0a000001u, "A one"));
	assert_true(epm_registry_add(&e->reg, &iface_b, 2000, 0, "B wildcard"));
	assert_true(epm_registry_add(&e->reg, &iface_a, 1001, 0x0a000002u, "A two"));
	e->reg.entries[2].object.time_low = 0x0b1ec7; /* an entry for one object */
	epm_conn_init(&e->conns[0], 0xc0a80001u);
	epm_conn_init(&e->conns[1], 0xc0a80002u);
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

/* Dispatch; returns the fault, and the reply in *out (init'ed here). */
static uint32_t call(struct env *e, int conn, uint16_t op, const uint8_t *stub, size_t len, bool be,
		     struct ndr_push *out)
{
	struct ndr_pull in;
	ndr_pull_init(&in, stub, len, be);
	ndr_push_init(out);
	return e->iface.dispatch(&e->iface, &e->conns[conn], op, &in, out);
}

struct got {
	struct rpc_ctx_handle h;
	uint32_t n;
	struct rpc_uuid obj[8];
	char ann[8][64];
	struct epm_tower t[8];
	uint32_t status;
};

static void pull_twr(struct ndr_pull *in, struct epm_tower *t)
{
	uint32_t mc = 0, len = 0;
	ndr_pull_align(in, 4);
	assert_true(ndr_pull_u32(in, &mc) && ndr_pull_u32(in, &len));
	assert_int_equal(mc, len);
	assert_int_equal(epm_tower_decode(in->data + in->off, len, t), 0);
	in->off += len;
}

static void decode_lookup(const struct ndr_push *out, uint32_t max, struct got *g)
{
	struct ndr_pull in;
	uint32_t mc = 0, off = 0, actual = 0, ref = 0;
	ndr_pull_init(&in, out->data, out->len, false);
	assert_true(ndr_pull_ctx_handle(&in, &g->h));
	assert_true(ndr_pull_u32(&in, &g->n));
	assert_true(ndr_pull_u32(&in, &mc) && ndr_pull_u32(&in, &off) && ndr_pull_u32(&in, &actual));
	assert_int_equal(mc, max);
	assert_int_equal(off, 0);
	assert_int_equal(actual, g->n);
	assert_true(g->n <= 8);
	for (uint32_t i = 0; i < g->n; i++) {
		uint32_t aoff = 0, alen = 0;
		ndr_pull_align(&in, 4);
		assert_true(ndr_pull_uuid(&in, &g->obj[i]) && ndr_pull_ptr(&in, &ref));
		assert_int_not_equal(ref, 0);
		assert_true(ndr_pull_u32(&in, &aoff) && ndr_pull_u32(&in, &alen));
		assert_int_equal(aoff, 0);
		assert_true(alen >= 1 && alen <= 64);
		assert_true(ndr_pull_bytes(&in, g->ann[i], alen));
		assert_int_equal(g->ann[i][alen - 1], 0);
	}
	for (uint32_t i = 0; i < g->n; i++)
		pull_twr(&in, &g->t[i]);
	ndr_pull_align(&in, 4);
	assert_true(ndr_pull_u32(&in, &g->status));
	assert_int_equal(ndr_pull_remaining(&in), 0);
}

static void lookup_req(struct ndr_push *p, uint32_t inquiry, const struct rpc_uuid *obj,
		       const struct rpc_syntax *ifid, uint32_t vers, const struct rpc_ctx_handle *h, uint32_t max)
{
	static const struct rpc_ctx_handle nil;
	ndr_push_init(p);
	ndr_push_u32(p, inquiry);
	ndr_push_ptr(p, obj != NULL);
	if (obj)
		ndr_push_uuid(p, obj);
	ndr_push_ptr(p, ifid != NULL);
	if (ifid) {
		ndr_push_uuid(p, &ifid->uuid);
		ndr_push_u16(p, ifid->major);
		ndr_push_u16(p, ifid->minor);
	}
	ndr_push_u32(p, vers);
	ndr_push_ctx_handle(p, h ? h : &nil);
	ndr_push_u32(p, max);
}

static void do_lookup(struct env *e, int conn, uint32_t inquiry, const struct rpc_uuid *obj,
		      const struct rpc_syntax *ifid, uint32_t vers, const struct rpc_ctx_handle *h, uint32_t max,
		      struct got *g)
{
	struct ndr_push req, out;
	lookup_req(&req, inquiry, obj, ifid, vers, h, max);
	assert_int_equal(call(e, conn, EPM_OP_LOOKUP, req.data, req.len, false, &out), 0);
	decode_lookup(&out, max, g);
	ndr_push_free(&req);
	ndr_push_free(&out);
}

/* Entries, annotations, objects and the towers' addresses: the entry's own,
 * or the connection's for a wildcard. */
static void test_lookup_fields(void **state)
{
	struct env *e = *state;
	struct got g;
	do_lookup(e, 0, EPM_INQ_ALL, NULL, NULL, 0, NULL, 8, &g);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.status, EPM_STATUS_NO_MORE);
	assert_string_equal(g.ann[0], "A one");
	assert_string_equal(g.ann[1], "B wildcard");
	assert_string_equal(g.ann[2], "A two");
	assert_true(rpc_uuid_is_nil(&g.obj[0]));
	assert_int_equal(g.obj[2].time_low, 0x0b1ec7);
	assert_true(rpc_syntax_equal(&g.t[0].iface, &iface_a));
	assert_true(rpc_syntax_equal(&g.t[1].iface, &iface_b));
	assert_int_equal(g.t[0].port, 1000);
	assert_int_equal(g.t[0].ipv4, 0x0a000001u);
	assert_int_equal(g.t[1].ipv4, 0xc0a80001u);
	assert_int_equal(g.t[2].ipv4, 0x0a000002u);
	do_lookup(e, 1, EPM_INQ_ALL, NULL, NULL, 0, NULL, 8, &g);
	assert_int_equal(g.t[1].ipv4, 0xc0a80002u);
}

/* Objects: by object matches the entry's own; ept_map serves an entry without
 * one to any object. */
static void test_lookup_objects(void **state)
{
	struct env *e = *state;
	struct got g;
	struct rpc_uuid obj = { .time_low = 0x0b1ec7 }, nil = { 0 };
	do_lookup(e, 0, EPM_INQ_BY_OBJ, &obj, NULL, 0, NULL, 8, &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.ann[0], "A two");
	do_lookup(e, 0, EPM_INQ_BY_OBJ, &nil, NULL, 0, NULL, 8, &g);
	assert_int_equal(g.n, 2);
	do_lookup(e, 0, EPM_INQ_BY_BOTH, &obj, &iface_a, EPM_VERS_ALL, NULL, 8, &g);
	assert_int_equal(g.n, 1);
	do_lookup(e, 0, EPM_INQ_BY_BOTH, &obj, &iface_b, EPM_VERS_ALL, NULL, 8, &g);
	assert_int_equal(g.n, 0);
	assert_int_equal(g.status, EPM_STATUS_NO_MORE);
}

/* A continuation on the other connection, or with the other call, is a
 * context mismatch; the owner's goes on. */
static void test_handles(void **state)
{
	struct env *e = *state;
	struct got g;
	struct ndr_push req, out;
	do_lookup(e, 0, EPM_INQ_ALL, NULL, NULL, 0, NULL, 1, &g);
	assert_int_equal(g.status, EPM_STATUS_OK);
	assert_int_equal(epm_conn_searches(&e->conns[0]), 1);
	assert_int_equal(epm_conn_searches(&e->conns[1]), 0);
	lookup_req(&req, EPM_INQ_ALL, NULL, NULL, 0, &g.h, 1);
	assert_int_equal(call(e, 1, EPM_OP_LOOKUP, req.data, req.len, false, &out), NCA_S_FAULT_CONTEXT_MISMATCH);
	ndr_push_free(&out);
	ndr_push_free(&req);
	struct rpc_ctx_handle h = g.h;
	do_lookup(e, 0, EPM_INQ_ALL, NULL, NULL, 0, &h, 1, &g);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.ann[0], "B wildcard");
	/* rundown */
	epm_conn_free(&e->conns[0]);
	assert_int_equal(epm_conn_searches(&e->conns[0]), 0);
	lookup_req(&req, EPM_INQ_ALL, NULL, NULL, 0, &g.h, 1);
	assert_int_equal(call(e, 0, EPM_OP_LOOKUP, req.data, req.len, false, &out), NCA_S_FAULT_CONTEXT_MISMATCH);
	ndr_push_free(&out);
	ndr_push_free(&req);
}

/* ept_lookup by interface, big-endian, written out byte by byte:
 * inquiry 1, object NULL, Ifid -> iface_b 1.0, vers_option EXACT, a NULL
 * handle, max_ents 4. */
static void test_lookup_big_endian(void **state)
{
	struct env *e = *state;
	static const uint8_t req[] = {
		0x00, 0x00, 0x00, 0x01,				/* inquiry_type */
		0x00, 0x00, 0x00, 0x00,				/* object: NULL */
		0x00, 0x00, 0x00, 0x02,				/* Ifid: referent */
		0x12, 0x34, 0x56, 0x78, 0x12, 0x34, 0xab, 0xcd, /* uuid, fields big-endian */
		0xef, 0x00, 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0x00, 0x01, /* major 1 */
		0x00, 0x00,					/* minor 0 */
		0x00, 0x00, 0x00, 0x03,				/* vers_option EXACT */
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* handle */
		0x00, 0x00, 0x00, 0x04,				/* max_ents */
	};
	struct ndr_push out;
	struct got g;
	assert_int_equal(call(e, 0, EPM_OP_LOOKUP, req, sizeof(req), true, &out), 0);
	decode_lookup(&out, 4, &g);
	ndr_push_free(&out);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.ann[0], "B wildcard");
	assert_int_equal(g.status, EPM_STATUS_NO_MORE);
	/* the same with the uuid's fields in the wrong order finds nothing */
	uint8_t bad[sizeof(req)];
	memcpy(bad, req, sizeof(req));
	bad[12] = 0x78;
	bad[15] = 0x12;
	assert_int_equal(call(e, 0, EPM_OP_LOOKUP, bad, sizeof(bad), true, &out), 0);
	decode_lookup(&out, 4, &g);
	ndr_push_free(&out);
	assert_int_equal(g.n, 0);
	/* and read little-endian, max_ents is 0x04000000: beyond the range */
	assert_int_equal(call(e, 0, EPM_OP_LOOKUP, req, sizeof(req), false, &out), EPM_FAULT_INVALID_BOUND);
	ndr_push_free(&out);
}

/* ept_map: the interface's towers, minor version compatible, objects. */
static void test_map(void **state)
{
	struct env *e = *state;
	struct rpc_uuid obj = { .time_low = 0x0b1ec7 }, other = { .time_low = 42 };
	struct {
		struct rpc_syntax want;
		const struct rpc_uuid *obj;
		uint32_t n;
	} cases[] = {
		{ iface_a, NULL, 1 },	/* entry 2 is for its object only */
		{ iface_a, &obj, 2 },	{ iface_a, &other, 1 }, { iface_b, &other, 1 },
	};
	cases[0].want.minor = 0;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct epm_tower t = { .iface = cases[i].want, .transfer = rpc_syntax_ndr,
				       .rpc_protocol = EPM_PROT_NCACN, .transport = EPM_PROT_TCP };
		struct ndr_push req, tw, out;
		ndr_push_init(&req);
		ndr_push_init(&tw);
		assert_true(epm_tower_encode(&tw, &t));
		ndr_push_ptr(&req, cases[i].obj != NULL);
		if (cases[i].obj)
			ndr_push_uuid(&req, cases[i].obj);
		ndr_push_ptr(&req, true);
		ndr_push_u32(&req, (uint32_t)tw.len);
		ndr_push_u32(&req, (uint32_t)tw.len);
		ndr_push_bytes(&req, tw.data, tw.len);
		ndr_push_align(&req, 4);
		static const struct rpc_ctx_handle nil;
		ndr_push_ctx_handle(&req, &nil);
		ndr_push_u32(&req, 8);
		assert_int_equal(call(e, 0, EPM_OP_MAP, req.data, req.len, false, &out), 0);
		struct ndr_pull in;
		struct rpc_ctx_handle h;
		uint32_t n, mc, off, actual, ref, status;
		ndr_pull_init(&in, out.data, out.len, false);
		ndr_pull_ctx_handle(&in, &h);
		ndr_pull_u32(&in, &n);
		ndr_pull_u32(&in, &mc);
		ndr_pull_u32(&in, &off);
		ndr_pull_u32(&in, &actual);
		if (n != cases[i].n)
			fail_msg("case %zu: %u towers, want %u", i, n, cases[i].n);
		assert_int_equal(mc, 8);
		assert_int_equal(actual, n);
		for (uint32_t k = 0; k < n; k++)
			assert_true(ndr_pull_ptr(&in, &ref) && ref);
		for (uint32_t k = 0; k < n; k++) {
			struct epm_tower got;
			pull_twr(&in, &got);
			assert_true(rpc_uuid_equal(&got.iface.uuid, &cases[i].want.uuid));
			assert_int_not_equal(got.ipv4, 0);
		}
		ndr_pull_align(&in, 4);
		ndr_pull_u32(&in, &status);
		assert_false(in.error);
		assert_int_equal(ndr_pull_remaining(&in), 0);
		assert_int_equal(status, EPM_STATUS_OK);
		assert_true(h.attributes == 0 && rpc_uuid_is_nil(&h.uuid));
		ndr_push_free(&req);
		ndr_push_free(&tw);
		ndr_push_free(&out);
	}
}

/* The tower encoder writes the protocols it is given, and the decoder
 * reads them back; the port and address are big-endian. */
static void test_tower_protocols(void **state)
{
	(void)state;
	struct epm_tower t = { .iface = iface_b, .transfer = rpc_syntax_ndr, .rpc_protocol = 0x0a,
			       .transport = 0x08, .port = 0x1234, .ipv4 = 0x01020304 }, d;
	struct ndr_push p;
	ndr_push_init(&p);
	assert_true(epm_tower_encode(&p, &t));
	assert_int_equal(p.len, 75);
	assert_int_equal(p.data[2 + 25 + 25 + 2], 0x0a);
	assert_int_equal(p.data[2 + 25 + 25 + 7 + 2], 0x08);
	assert_int_equal(epm_tower_decode(p.data, p.len, &d), 0);
	assert_int_equal(d.rpc_protocol, 0x0a);
	assert_int_equal(d.transport, 0x08);
	assert_int_equal(d.port, 0); /* only a TCP floor has a port we read */
	t.transport = EPM_PROT_TCP;
	ndr_push_free(&p);
	ndr_push_init(&p);
	assert_true(epm_tower_encode(&p, &t));
	assert_int_equal(epm_tower_decode(p.data, p.len, &d), 0);
	assert_int_equal(d.port, 0x1234);
	assert_int_equal(d.ipv4, 0x01020304);
	assert_int_equal(p.data[p.len - 4], 1);
	assert_int_equal(p.data[p.len - 1], 4);
	ndr_push_free(&p);
}

/* The registry's capacity. */
static void test_registry_full(void **state)
{
	struct env *e = *state;
	while (e->reg.n < EPM_MAX_ENTRIES)
		assert_true(epm_registry_add(&e->reg, &iface_b, 1, 0, "x"));
	assert_false(epm_registry_add(&e->reg, &iface_b, 1, 0, "x"));
	/* a long annotation is cut to fit, NUL included */
	e->reg.n--;
	assert_true(epm_registry_add(&e->reg, &iface_b, 1, 0,
				     "0123456789012345678901234567890123456789012345678901234567890123456789"));
	assert_int_equal(strlen(e->reg.entries[e->reg.n - 1].annotation), 63);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lookup_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_objects, setup, teardown),
		cmocka_unit_test_setup_teardown(test_handles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lookup_big_endian, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tower_protocols, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registry_full, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
