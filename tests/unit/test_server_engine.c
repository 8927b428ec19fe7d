/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Unit tests for the transport-independent DCE/RPC server engine
 * (src/rpc/server.c), driven in-process: PDUs go into rpc_srv_conn_process()
 * and whatever it queues is decoded and checked.  Besides a small calculator
 * interface of our own, the endpoint mapper and a canned clusapi interface
 * replay PDUs captured from Samba clients.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/werror.h"
#include "cmrp/cmrp.h"
#include "rpc/epm.h"
#include "rpc/ndr.h"
#include "rpc/pdu.h"
#include "rpc/server.h"
#include "vectors.h"

/* ---- the calculator interface ------------------------------------------- */

#define CALC_UUID "3f2b8a1e-6d4c-4b7a-9e15-0c2d4e6f8a90"
#define CALC_MAJOR 1
#define CALC_MINOR 2

enum { OP_ADD = 0, OP_ECHO = 1, OP_FILL = 2, OP_DEFER = 3 };

struct calc_state {
	const struct rpc_srv_conn *conn; /* the fixture's connection */
	uint32_t deferred_call_id;       /* what OP_DEFER saw */
	uint16_t deferred_ctx_id;
	int calls;
	void *last_user;
	uint16_t last_opnum;
	bool last_big_endian;
};

static uint8_t fill_byte(size_t i)
{
	return (uint8_t)(i * 7 + 3 + (i >> 8));
}

/* ADD (a, b) -> a + b; ECHO (n, bytes[n]) -> (n, bytes); FILL (n) -> n
 * pattern bytes; anything else is out of range. */
static uint32_t calc_dispatch(const struct rpc_server_iface *iface, void *conn_user, uint16_t opnum,
			      struct ndr_pull *in, struct ndr_push *out)
{
	struct calc_state *st = iface->ctx;
	uint32_t a, b, n;

	st->calls++;
	st->last_user = conn_user;
	st->last_opnum = opnum;
	st->last_big_endian = in->big_endian;
	switch (opnum) {
	case OP_ADD:
		ndr_pull_u32(in, &a);
		ndr_pull_u32(in, &b);
		if (in->error)
			return NCA_S_FAULT_NDR;
		ndr_push_u32(out, a + b);
		return 0;
	case OP_ECHO:
		if (!ndr_pull_u32(in, &n) || n > ndr_pull_remaining(in))
			return NCA_S_FAULT_NDR;
		ndr_push_u32(out, n);
		ndr_push_bytes(out, in->data + in->off, n);
		return 0;
	case OP_FILL:
		if (!ndr_pull_u32(in, &n))
			return NCA_S_FAULT_NDR;
		for (uint32_t i = 0; i < n; i++)
			ndr_push_u8(out, fill_byte(i));
		return 0;
	case OP_DEFER:
		/* No reply now: the test answers later with rpc_srv_conn_reply(). */
		if (!cmrp_decode_done(in))
			return NCA_S_FAULT_NDR;
		st->deferred_call_id = st->conn->current_call_id;
		st->deferred_ctx_id = st->conn->current_ctx_id;
		return RPC_DISPATCH_PENDING;
	default:
		return NCA_S_OP_RNG_ERROR;
	}
}

/* ---- a canned clusapi interface for the captured session --------------- */

/* An ASCII string as malloc'd UTF-16 (NUL-terminated). */
static uint16_t *u16dup(const char *ascii, size_t *units)
{
	size_t n = strlen(ascii);
	uint16_t *s = malloc((n + 1) * sizeof(uint16_t));
	assert_non_null(s);
	for (size_t i = 0; i <= n; i++)
		s[i] = (uint8_t)ascii[i];
	*units = n;
	return s;
}

/* The fixture: three interfaces (ours, the endpoint mapper knowing clusapi
 * on port 46099, and the canned clusapi) and one connection. */
struct engine {
	struct calc_state calc;
	struct rpc_server_iface calc_iface;
	struct rpc_server_iface epm_iface;
	struct rpc_server_iface cmrp_iface;
	struct epm_registry reg;
	struct rpc_server_conf conf;
	struct rpc_srv_conn c;
	int user_token;
	struct cmrp_string new_name;
};

static uint32_t cmrp_canned_dispatch(const struct rpc_server_iface *iface, void *conn_user, uint16_t opnum,
				     struct ndr_pull *in, struct ndr_push *out)
{
	struct engine *e = iface->ctx;
	(void)conn_user;

	switch (opnum) {
	case CMRP_GET_CLUSTER_NAME: {
		struct cmrp_cluster_name_out o = { .result = 0 };
		o.cluster.s = u16dup("vm-cluster", &o.cluster.units);
		o.node.s = u16dup("vm", &o.node.units);
		cmrp_get_cluster_name_encode_out(out, &o);
		cmrp_cluster_name_out_free(&o);
		return 0;
	}
	case CMRP_GET_CLUSTER_VERSION2: {
		struct cmrp_version_out o = {
			.major = 10, .minor = 0, .build = 14393, .has_opver = true,
			.highest = 0x90000, .lowest = 0x90000,
		};
		o.vendor.s = u16dup("libclusapi clusterd", &o.vendor.units);
		o.csd.s = u16dup("clusterd 0.1.0", &o.csd.units);
		cmrp_version_encode_out(out, &o, true);
		cmrp_version_out_free(&o);
		return 0;
	}
	case CMRP_SET_CLUSTER_NAME:
		cmrp_string_free(&e->new_name);
		if (!cmrp_set_cluster_name_decode_in(in, &e->new_name))
			return NCA_S_FAULT_NDR;
		cmrp_status_result_encode_out(out, 0, ERROR_RESOURCE_PROPERTIES_STORED);
		return 0;
	default:
		return NCA_S_OP_RNG_ERROR;
	}
}

/* ---- fixture --------------------------------------------------------------- */

static struct rpc_syntax syntax(const char *uuid, uint16_t major, uint16_t minor)
{
	struct rpc_syntax s;
	memset(&s, 0, sizeof(s));
	assert_true(rpc_uuid_parse(uuid, &s.uuid));
	s.major = major;
	s.minor = minor;
	return s;
}

static struct rpc_syntax calc_syntax(void)
{
	return syntax(CALC_UUID, CALC_MAJOR, CALC_MINOR);
}

static int engine_setup(void **state)
{
	struct engine *e = calloc(1, sizeof(*e));
	assert_non_null(e);

	e->calc_iface.syntax = calc_syntax();
	e->calc_iface.name = "calc";
	e->calc_iface.dispatch = calc_dispatch;
	e->calc_iface.ctx = &e->calc;
	e->calc.conn = &e->c;

	e->reg.n = 1;
	e->reg.entries[0].iface = cmrp_syntax;
	e->reg.entries[0].tcp_port = 46099;
	strcpy(e->reg.entries[0].annotation, "clusapi");
	epm_server_iface(&e->epm_iface, &e->reg);

	e->cmrp_iface.syntax = cmrp_syntax;
	e->cmrp_iface.name = "clusapi";
	e->cmrp_iface.dispatch = cmrp_canned_dispatch;
	e->cmrp_iface.ctx = e;

	e->conf.ifaces[0] = &e->calc_iface;
	e->conf.ifaces[1] = &e->epm_iface;
	e->conf.ifaces[2] = &e->cmrp_iface;
	e->conf.n_ifaces = 3;
	rpc_srv_conn_init(&e->c, &e->conf, &e->user_token, "135");
	*state = e;
	return 0;
}

static int engine_teardown(void **state)
{
	struct engine *e = *state;
	rpc_srv_conn_free(&e->c);
	cmrp_string_free(&e->new_name);
	free(e);
	return 0;
}

/* Hand one PDU over in an exactly sized copy (ASan sees over-reads), which
 * is freed right after: the engine must not keep pointers into it. */
static int feed(struct rpc_srv_conn *c, const uint8_t *pdu, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	if (len)
		memcpy(copy, pdu, len);
	int rc = rpc_srv_conn_process(c, copy, len);
	free(copy);
	return rc;
}

static int feed_push(struct rpc_srv_conn *c, struct ndr_push *p)
{
	assert_false(p->error);
	int rc = feed(c, p->data, p->len);
	ndr_push_free(p);
	return rc;
}

/* Everything the engine queued, split into PDUs (each must decode and fit). */
#define OUTQ_MAX 128
struct outq {
	uint8_t *buf;
	size_t len;
	size_t n;
	size_t off[OUTQ_MAX];
	struct rpc_hdr h[OUTQ_MAX];
};

static void outq_take(struct rpc_srv_conn *c, struct outq *q)
{
	memset(q, 0, sizeof(*q));
	q->len = c->out_len - c->out_off;
	q->buf = malloc(q->len ? q->len : 1);
	assert_non_null(q->buf);
	if (q->len)
		memcpy(q->buf, c->out + c->out_off, q->len);
	c->out_off = c->out_len;
	for (size_t off = 0; off < q->len;) {
		assert_true(q->n < OUTQ_MAX);
		struct rpc_hdr *h = &q->h[q->n];
		assert_int_equal(rpc_hdr_decode(q->buf + off, q->len - off, h), 0);
		assert_true(h->frag_length <= q->len - off);
		/* replies are always little-endian, version 5.0 */
		assert_int_equal(h->rpc_vers, 5);
		assert_int_equal(h->rpc_vers_minor, 0);
		assert_int_equal(h->drep[0], 0x10);
		assert_int_equal(h->auth_length, 0);
		q->off[q->n++] = off;
		off += h->frag_length;
	}
}

static const uint8_t *outq_pdu(const struct outq *q, size_t i)
{
	return q->buf + q->off[i];
}

static void outq_free(struct outq *q)
{
	free(q->buf);
	memset(q, 0, sizeof(*q));
}

static void expect_no_output(struct rpc_srv_conn *c)
{
	assert_int_equal(c->out_len - c->out_off, 0);
}

static struct rpc_pres_ctx pctx(uint16_t id, struct rpc_syntax abstract, struct rpc_syntax transfer)
{
	struct rpc_pres_ctx p;
	memset(&p, 0, sizeof(p));
	p.ctx_id = id;
	p.n_transfer = 1;
	p.abstract = abstract;
	p.transfer[0] = transfer;
	return p;
}

static int send_bind(struct rpc_srv_conn *c, uint8_t ptype, uint32_t call_id, uint16_t xmit, uint16_t recv,
		     const struct rpc_pres_ctx *ctxs, uint8_t n)
{
	struct rpc_bind b;
	struct ndr_push p;

	memset(&b, 0, sizeof(b));
	b.max_xmit_frag = xmit;
	b.max_recv_frag = recv;
	b.n_ctx = n;
	for (uint8_t i = 0; i < n; i++)
		b.ctx[i] = ctxs[i];
	ndr_push_init(&p);
	assert_true(rpc_bind_encode(&p, ptype, call_id, &b));
	return feed_push(c, &p);
}

/* Bind the calculator as context 0; xmit/recv are the client's sizes. */
static void bind_calc(struct rpc_srv_conn *c, uint16_t xmit, uint16_t recv)
{
	struct rpc_pres_ctx ctx = pctx(0, calc_syntax(), rpc_syntax_ndr);
	struct outq q;
	struct rpc_bind_ack a;

	assert_int_equal(send_bind(c, RPC_PTYPE_BIND, 1, xmit, recv, &ctx, 1), 0);
	outq_take(c, &q);
	assert_int_equal(q.n, 1);
	assert_int_equal(q.h[0].ptype, RPC_PTYPE_BIND_ACK);
	assert_int_equal(rpc_bind_ack_decode(outq_pdu(&q, 0), &q.h[0], &a), 0);
	assert_int_equal(a.results[0].result, RPC_RESULT_ACCEPT);
	outq_free(&q);
}

static int send_request(struct rpc_srv_conn *c, uint8_t flags, uint32_t call_id, uint16_t ctx_id, uint16_t opnum,
			const uint8_t *stub, size_t len)
{
	struct ndr_push p;
	ndr_push_init(&p);
	assert_true(rpc_request_encode(&p, flags, call_id, (uint32_t)len, ctx_id, opnum, stub, len));
	return feed_push(c, &p);
}

#define FL (RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG)

/* Reassemble the response to call_id from q, checking the fragment flags,
 * alloc hints and sizes.  Returns a malloc'd stub. */
static uint8_t *collect_response(const struct outq *q, uint32_t call_id, uint16_t ctx_id, size_t max_frag,
				 size_t *len)
{
	uint8_t *all = NULL;
	size_t total = 0;

	assert_true(q->n >= 1);
	for (size_t i = 0; i < q->n; i++) {
		struct rpc_response r;
		const struct rpc_hdr *h = &q->h[i];
		assert_int_equal(h->ptype, RPC_PTYPE_RESPONSE);
		assert_int_equal(h->call_id, call_id);
		assert_true(h->frag_length <= max_frag);
		assert_int_equal(!!(h->pfc_flags & RPC_PFC_FIRST_FRAG), i == 0);
		assert_int_equal(!!(h->pfc_flags & RPC_PFC_LAST_FRAG), i == q->n - 1);
		assert_int_equal(h->pfc_flags & ~FL, 0);
		assert_int_equal(rpc_response_decode(outq_pdu(q, i), h, &r), 0);
		assert_int_equal(r.ctx_id, ctx_id);
		if (i + 1 < q->n)
			assert_int_equal(r.stub_len % 8, 0);
		all = realloc(all, total + r.stub_len + 1);
		assert_non_null(all);
		if (r.stub_len)
			memcpy(all + total, r.stub, r.stub_len);
		total += r.stub_len;
	}
	/* alloc_hint of each fragment is what is left from there on */
	size_t left = total;
	for (size_t i = 0; i < q->n; i++) {
		struct rpc_response r;
		rpc_response_decode(outq_pdu(q, i), &q->h[i], &r);
		assert_int_equal(r.alloc_hint, left);
		left -= r.stub_len;
	}
	*len = total;
	return all;
}

static uint32_t call_add(struct rpc_srv_conn *c, uint32_t call_id, uint16_t ctx_id, uint32_t a, uint32_t b)
{
	uint8_t stub[8];
	struct outq q;
	size_t len;

	for (int i = 0; i < 4; i++) {
		stub[i] = (uint8_t)(a >> (8 * i));
		stub[4 + i] = (uint8_t)(b >> (8 * i));
	}
	assert_int_equal(send_request(c, FL, call_id, ctx_id, OP_ADD, stub, sizeof(stub)), 0);
	outq_take(c, &q);
	uint8_t *r = collect_response(&q, call_id, ctx_id, RPC_MAX_FRAG, &len);
	assert_int_equal(len, 4);
	uint32_t sum = (uint32_t)r[0] | (uint32_t)r[1] << 8 | (uint32_t)r[2] << 16 | (uint32_t)r[3] << 24;
	free(r);
	outq_free(&q);
	return sum;
}

static void expect_fault(struct rpc_srv_conn *c, uint32_t call_id, uint16_t ctx_id, uint32_t status, bool dne)
{
	struct outq q;
	struct rpc_fault f;

	outq_take(c, &q);
	assert_int_equal(q.n, 1);
	assert_int_equal(q.h[0].ptype, RPC_PTYPE_FAULT);
	assert_int_equal(q.h[0].call_id, call_id);
	assert_int_equal(q.h[0].pfc_flags, FL | (dne ? RPC_PFC_DID_NOT_EXECUTE : 0));
	assert_int_equal(rpc_fault_decode(outq_pdu(&q, 0), &q.h[0], &f), 0);
	assert_int_equal(f.ctx_id, ctx_id);
	assert_int_equal(f.status, status);
	outq_free(&q);
}

/* ---- bind ------------------------------------------------------------------ */

static void test_bind_accepted(void **state)
{
	struct engine *e = *state;
	struct rpc_syntax btfn, ndr64 = syntax("71710533-beba-4937-8319-b5dbef9ccc36", 1, 0);
	struct rpc_pres_ctx ctxs[3];
	struct rpc_bind_ack a;
	struct outq q;

	rpc_syntax_btfn(&btfn, RPC_BTFN_SEC_CTX_MULTIPLEX | RPC_BTFN_KEEP_ON_ORPHAN);
	ctxs[0] = pctx(0, calc_syntax(), rpc_syntax_ndr);
	ctxs[1] = pctx(1, calc_syntax(), btfn);
	ctxs[2] = pctx(2, calc_syntax(), ndr64);
	/* client sends up to 5000, receives up to 2000 */
	assert_int_equal(send_bind(&e->c, RPC_PTYPE_BIND, 77, 5000, 2000, ctxs, 3), 0);
	outq_take(&e->c, &q);
	assert_int_equal(q.n, 1);
	assert_int_equal(q.h[0].ptype, RPC_PTYPE_BIND_ACK);
	assert_int_equal(q.h[0].call_id, 77);
	assert_int_equal(q.h[0].pfc_flags, FL);
	assert_int_equal(rpc_bind_ack_decode(outq_pdu(&q, 0), &q.h[0], &a), 0);
	assert_int_equal(a.max_xmit_frag, 2000); /* what we send: what the client receives */
	assert_int_equal(a.max_recv_frag, 5000);
	assert_int_not_equal(a.assoc_group_id, 0);
	assert_string_equal(a.sec_addr, "135");
	assert_int_equal(a.n_results, 3);
	assert_int_equal(a.results[0].result, RPC_RESULT_ACCEPT);
	assert_true(rpc_syntax_equal(&a.results[0].transfer, &rpc_syntax_ndr));
	assert_int_equal(a.results[1].result, RPC_RESULT_NEGOTIATE_ACK);
	assert_int_equal(a.results[1].reason, RPC_BTFN_KEEP_ON_ORPHAN); /* no multiplexing offered */
	assert_int_equal(a.results[2].result, RPC_RESULT_PROVIDER_REJECT);
	assert_int_equal(a.results[2].reason, RPC_REASON_TRANSFER_NOT_SUPPORTED);
	outq_free(&q);
	assert_true(e->c.bound);
	assert_int_equal(e->c.max_xmit, 2000);
	assert_int_equal(e->c.max_recv, 5000);

	/* The accepted context works and the conn_user pointer comes through. */
	assert_int_equal(call_add(&e->c, 2, 0, 40, 2), 42);
	assert_ptr_equal(e->calc.last_user, &e->user_token);
	assert_int_equal(e->calc.last_opnum, OP_ADD);
	assert_false(e->calc.last_big_endian);
	/* The negotiation-only and rejected contexts are not usable. */
	uint8_t stub[8] = { 0 };
	assert_int_equal(send_request(&e->c, FL, 3, 1, OP_ADD, stub, 8), 0);
	expect_fault(&e->c, 3, 1, NCA_S_UNK_IF, true);
	assert_int_equal(send_request(&e->c, FL, 4, 2, OP_ADD, stub, 8), 0);
	expect_fault(&e->c, 4, 2, NCA_S_UNK_IF, true);
	assert_int_equal(e->calc.calls, 1);
}

static void test_bind_frag_sizes_clamped(void **state)
{
	struct engine *e = *state;
	struct rpc_pres_ctx ctx = pctx(0, calc_syntax(), rpc_syntax_ndr);
	struct rpc_bind_ack a1, a2;
	struct outq q;
	struct rpc_srv_conn c2;

	assert_int_equal(send_bind(&e->c, RPC_PTYPE_BIND, 1, 65535, 8000, &ctx, 1), 0);
	outq_take(&e->c, &q);
	assert_int_equal(rpc_bind_ack_decode(outq_pdu(&q, 0), &q.h[0], &a1), 0);
	assert_int_equal(a1.max_xmit_frag, RPC_DEFAULT_FRAG);
	assert_int_equal(a1.max_recv_frag, RPC_DEFAULT_FRAG);
	outq_free(&q);

	/* the minimum is accepted; every connection gets its own group */
	rpc_srv_conn_init(&c2, &e->conf, NULL, NULL);
	assert_int_equal(send_bind(&c2, RPC_PTYPE_BIND, 1, RPC_MIN_FRAG, RPC_MIN_FRAG, &ctx, 1), 0);
	outq_take(&c2, &q);
	assert_int_equal(rpc_bind_ack_decode(outq_pdu(&q, 0), &q.h[0], &a2), 0);
	assert_int_equal(a2.max_xmit_frag, RPC_MIN_FRAG);
	assert_int_equal(a2.max_recv_frag, RPC_MIN_FRAG);
	assert_string_equal(a2.sec_addr, "");
	assert_int_not_equal(a2.assoc_group_id, 0);
	assert_int_not_equal(a2.assoc_group_id, a1.assoc_group_id);
	outq_free(&q);
	rpc_srv_conn_free(&c2);
}

static void test_bind_unknown_interface(void **state)
{
	struct engine *e = *state;
	struct rpc_pres_ctx ctxs[5];
	struct rpc_bind_ack a;
	struct outq q;

	ctxs[0] = pctx(0, syntax("00000001-0002-0003-0405-060708090a0b", 1, 0), rpc_syntax_ndr);
	ctxs[1] = pctx(1, syntax(CALC_UUID, CALC_MAJOR + 1, 0), rpc_syntax_ndr);      /* other major */
	ctxs[2] = pctx(2, syntax(CALC_UUID, CALC_MAJOR, CALC_MINOR + 1), rpc_syntax_ndr); /* newer minor */
	ctxs[3] = pctx(3, syntax(CALC_UUID, CALC_MAJOR, 0), rpc_syntax_ndr);          /* older minor: fine */
	ctxs[4] = pctx(4, syntax(CALC_UUID, CALC_MAJOR, CALC_MINOR), rpc_syntax_ndr);
	assert_int_equal(send_bind(&e->c, RPC_PTYPE_BIND, 5, 5840, 5840, ctxs, 5), 0);
	outq_take(&e->c, &q);
	assert_int_equal(q.n, 1);
	assert_int_equal(rpc_bind_ack_decode(outq_pdu(&q, 0), &q.h[0], &a), 0);
	assert_int_equal(a.n_results, 5);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(a.results[i].result, RPC_RESULT_PROVIDER_REJECT);
		assert_int_equal(a.results[i].reason, RPC_REASON_ABSTRACT_NOT_SUPPORTED);
		assert_true(rpc_uuid_is_nil(&a.results[i].transfer.uuid));
	}
	assert_int_equal(a.results[3].result, RPC_RESULT_ACCEPT);
	assert_int_equal(a.results[4].result, RPC_RESULT_ACCEPT);
	outq_free(&q);

	/* a request on a rejected context is an unknown interface */
	uint8_t stub[8] = { 1, 0, 0, 0, 2, 0, 0, 0 };
	assert_int_equal(send_request(&e->c, FL, 6, 0, OP_ADD, stub, 8), 0);
	expect_fault(&e->c, 6, 0, NCA_S_UNK_IF, true);
	assert_int_equal(e->calc.calls, 0);
	assert_int_equal(call_add(&e->c, 7, 3, 1, 2), 3);
	assert_int_equal(call_add(&e->c, 8, 4, 5, 6), 11);
}

static void expect_bind_nak(struct rpc_srv_conn *c, uint32_t call_id, uint16_t reason)
{
	struct outq q;
	uint16_t got = 0xffff;

	outq_take(c, &q);
	assert_int_equal(q.n, 1);
	assert_int_equal(q.h[0].ptype, RPC_PTYPE_BIND_NAK);
	assert_int_equal(q.h[0].call_id, call_id);
	assert_int_equal(rpc_bind_nak_decode(outq_pdu(&q, 0), &q.h[0], &got), 0);
	assert_int_equal(got, reason);
	outq_free(&q);
}

static void test_bind_with_auth_is_nakked(void **state)
{
	struct engine *e = *state;
	struct rpc_bind b;
	struct ndr_push p;
	static const uint8_t trailer[8 + 16] = { 10, 2, 0, 0, 1, 0, 0, 0, 'N', 'T', 'L', 'M', 'S', 'S', 'P', 0,
						 1, 0, 0, 0, 0x97, 0x82, 0x08, 0xe2 };

	memset(&b, 0, sizeof(b));
	b.max_xmit_frag = b.max_recv_frag = 5840;
	b.n_ctx = 1;
	b.ctx[0] = pctx(0, calc_syntax(), rpc_syntax_ndr);
	ndr_push_init(&p);
	assert_true(rpc_bind_encode(&p, RPC_PTYPE_BIND, 9, &b));
	assert_true(ndr_push_bytes(&p, trailer, sizeof(trailer)));
	ndr_push_u16_at(&p, 8, (uint16_t)p.len);
	ndr_push_u16_at(&p, 10, 16);
	assert_int_equal(feed_push(&e->c, &p), -1);
	expect_bind_nak(&e->c, 9, RPC_NAK_AUTH_TYPE_NOT_RECOGNIZED);
	assert_false(e->c.bound);
}

static void test_bind_refusals(void **state)
{
	struct engine *e = *state;
	struct rpc_pres_ctx ctx = pctx(0, calc_syntax(), rpc_syntax_ndr);
	struct rpc_srv_conn c;

	/* fragments below the MS-RPCE minimum */
	rpc_srv_conn_init(&c, &e->conf, NULL, "1");
	assert_int_equal(send_bind(&c, RPC_PTYPE_BIND, 2, RPC_MIN_FRAG - 1, 5840, &ctx, 1), -1);
	expect_bind_nak(&c, 2, RPC_NAK_LOCAL_LIMIT_EXCEEDED);
	rpc_srv_conn_free(&c);
	rpc_srv_conn_init(&c, &e->conf, NULL, "1");
	assert_int_equal(send_bind(&c, RPC_PTYPE_BIND, 2, 5840, 16, &ctx, 1), -1);
	expect_bind_nak(&c, 2, RPC_NAK_LOCAL_LIMIT_EXCEEDED);
	rpc_srv_conn_free(&c);

	/* no contexts at all */
	rpc_srv_conn_init(&c, &e->conf, NULL, "1");
	assert_int_equal(send_bind(&c, RPC_PTYPE_BIND, 3, 5840, 5840, NULL, 0), -1);
	expect_bind_nak(&c, 3, RPC_NAK_NOT_SPECIFIED);
	rpc_srv_conn_free(&c);

	/* alter_context before bind: closed without an answer */
	rpc_srv_conn_init(&c, &e->conf, NULL, "1");
	assert_int_equal(send_bind(&c, RPC_PTYPE_ALTER_CONTEXT, 4, 5840, 5840, &ctx, 1), -1);
	expect_no_output(&c);
	rpc_srv_conn_free(&c);

	/* a second bind on a bound connection */
	bind_calc(&e->c, 5840, 5840);
	assert_int_equal(send_bind(&e->c, RPC_PTYPE_BIND, 5, 5840, 5840, &ctx, 1), -1);
	expect_no_output(&e->c);
}

static void test_alter_context(void **state)
{
	struct engine *e = *state;
	struct rpc_pres_ctx ctxs[2];
	struct rpc_bind_ack a;
	struct outq q;

	bind_calc(&e->c, 4000, 3000);
	/* a new context 5 for the calculator; context 0 may not change meaning */
	ctxs[0] = pctx(5, calc_syntax(), rpc_syntax_ndr);
	ctxs[1] = pctx(0, epm_syntax, rpc_syntax_ndr);
	/* the fragment sizes of the alter_context are ignored */
	assert_int_equal(send_bind(&e->c, RPC_PTYPE_ALTER_CONTEXT, 2, 1432, 1432, ctxs, 2), 0);
	outq_take(&e->c, &q);
	assert_int_equal(q.n, 1);
	assert_int_equal(q.h[0].ptype, RPC_PTYPE_ALTER_CONTEXT_RESP);
	assert_int_equal(q.h[0].call_id, 2);
	assert_int_equal(rpc_bind_ack_decode(outq_pdu(&q, 0), &q.h[0], &a), 0);
	assert_string_equal(a.sec_addr, "");
	assert_int_equal(a.max_xmit_frag, 3000);
	assert_int_equal(a.max_recv_frag, 4000);
	assert_int_equal(a.n_results, 2);
	assert_int_equal(a.results[0].result, RPC_RESULT_ACCEPT);
	assert_int_equal(a.results[1].result, RPC_RESULT_PROVIDER_REJECT);
	outq_free(&q);
	assert_int_equal(e->c.max_xmit, 3000);

	assert_int_equal(call_add(&e->c, 3, 5, 100, 23), 123);
	assert_int_equal(call_add(&e->c, 4, 0, 1, 1), 2); /* still the calculator */
}

/* ---- requests ---------------------------------------------------------------- */

static void test_request_before_bind(void **state)
{
	struct engine *e = *state;
	uint8_t stub[8] = { 0 };

	assert_int_equal(send_request(&e->c, FL, 1, 0, OP_ADD, stub, 8), -1);
	expect_no_output(&e->c);
	assert_int_equal(e->calc.calls, 0);

	struct ndr_push p;
	ndr_push_init(&p);
	assert_true(rpc_simple_encode(&p, RPC_PTYPE_CO_CANCEL, FL, 1));
	assert_int_equal(feed_push(&e->c, &p), -1);
	ndr_push_init(&p);
	assert_true(rpc_simple_encode(&p, RPC_PTYPE_ORPHANED, FL, 1));
	assert_int_equal(feed_push(&e->c, &p), -1);
	expect_no_output(&e->c);
}

static void test_fragmented_request(void **state)
{
	struct engine *e = *state;
	enum { PAYLOAD = 3000 };
	uint8_t stub[4 + PAYLOAD];
	struct outq q;
	size_t len;

	bind_calc(&e->c, 5840, 5840);
	stub[0] = (uint8_t)(PAYLOAD & 0xff);
	stub[1] = (uint8_t)(PAYLOAD >> 8);
	stub[2] = stub[3] = 0;
	for (size_t i = 0; i < PAYLOAD; i++)
		stub[4 + i] = (uint8_t)(i ^ (i >> 3));

	assert_int_equal(send_request(&e->c, RPC_PFC_FIRST_FRAG, 10, 0, OP_ECHO, stub, 1000), 0);
	expect_no_output(&e->c);
	assert_int_equal(send_request(&e->c, 0, 10, 0, OP_ECHO, stub + 1000, 1000), 0);
	expect_no_output(&e->c);
	assert_int_equal(e->calc.calls, 0);
	assert_int_equal(send_request(&e->c, RPC_PFC_LAST_FRAG, 10, 0, OP_ECHO, stub + 2000, sizeof(stub) - 2000), 0);
	assert_int_equal(e->calc.calls, 1);
	outq_take(&e->c, &q);
	assert_int_equal(q.n, 1);
	uint8_t *r = collect_response(&q, 10, 0, 5840, &len);
	assert_int_equal(len, sizeof(stub));
	assert_memory_equal(r, stub, sizeof(stub));
	free(r);
	outq_free(&q);

	/* the connection is ready for the next call */
	assert_int_equal(call_add(&e->c, 11, 0, 7, 8), 15);
}

static void fill_call(struct engine *e, uint32_t call_id, uint32_t n, size_t max_xmit, size_t want_frags)
{
	uint8_t stub[4] = { (uint8_t)n, (uint8_t)(n >> 8), (uint8_t)(n >> 16), (uint8_t)(n >> 24) };
	struct outq q;
	size_t len;

	assert_int_equal(send_request(&e->c, FL, call_id, 0, OP_FILL, stub, 4), 0);
	outq_take(&e->c, &q);
	assert_int_equal(q.n, want_frags);
	uint8_t *r = collect_response(&q, call_id, 0, max_xmit, &len);
	assert_int_equal(len, n);
	for (size_t i = 0; i < n; i++)
		if (r[i] != fill_byte(i))
			fail_msg("byte %zu of %u differs", i, n);
	free(r);
	outq_free(&q);
}

static void test_response_fragmented(void **state)
{
	struct engine *e = *state;

	/* the client receives at most 1432 bytes a fragment: 1408 of stub */
	bind_calc(&e->c, 5840, RPC_MIN_FRAG);
	assert_int_equal(e->c.max_xmit, RPC_MIN_FRAG);
	fill_call(e, 2, 5000, RPC_MIN_FRAG, 4); /* 1408 * 3 + 776 */
	fill_call(e, 3, 1408, RPC_MIN_FRAG, 1);
	fill_call(e, 4, 1409, RPC_MIN_FRAG, 2);
	fill_call(e, 5, 0, RPC_MIN_FRAG, 1);
	fill_call(e, 6, 100000, RPC_MIN_FRAG, 72); /* 71 full fragments + 32 bytes */

	/* 1500 - 24 = 1476 is not a multiple of 8: fragments carry 1472 */
	rpc_srv_conn_free(&e->c);
	rpc_srv_conn_init(&e->c, &e->conf, NULL, "135");
	bind_calc(&e->c, 5840, 1500);
	fill_call(e, 7, 1472, 1500, 1);
	fill_call(e, 8, 1476, 1500, 2);
	fill_call(e, 9, 3000, 1500, 3); /* 1472 + 1472 + 56 */
}

static void test_unknown_opnum(void **state)
{
	struct engine *e = *state;
	uint8_t stub[8] = { 0 };

	bind_calc(&e->c, 5840, 5840);
	assert_int_equal(send_request(&e->c, FL, 20, 0, 99, stub, 8), 0);
	expect_fault(&e->c, 20, 0, NCA_S_OP_RNG_ERROR, true);
	assert_int_equal(werror_from_fault(NCA_S_OP_RNG_ERROR), RPC_S_PROCNUM_OUT_OF_RANGE);
	/* a fault from the interface itself did execute */
	assert_int_equal(send_request(&e->c, FL, 21, 0, OP_ADD, stub, 3), 0);
	expect_fault(&e->c, 21, 0, NCA_S_FAULT_NDR, false);
	/* still usable */
	assert_int_equal(call_add(&e->c, 22, 0, 0xffffffff, 2), 1);
}

static void test_unknown_context(void **state)
{
	struct engine *e = *state;
	uint8_t stub[8] = { 0 };

	bind_calc(&e->c, 5840, 5840);
	assert_int_equal(send_request(&e->c, FL, 30, 7, OP_ADD, stub, 8), 0);
	expect_fault(&e->c, 30, 7, NCA_S_UNK_IF, true);
	assert_int_equal(e->calc.calls, 0);
	assert_int_equal(call_add(&e->c, 31, 0, 3, 4), 7);
}

static void test_request_too_big(void **state)
{
	struct engine *e = *state;
	uint8_t stub[2000];

	memset(stub, 0, sizeof(stub));
	e->conf.max_request_bytes = 1024;

	/* one fragment over the cap */
	bind_calc(&e->c, 5840, 5840);
	assert_int_equal(send_request(&e->c, FL, 40, 0, OP_ECHO, stub, sizeof(stub)), -1);
	expect_fault(&e->c, 40, 0, NCA_S_FAULT_REMOTE_NO_MEMORY, true);
	assert_int_equal(e->calc.calls, 0);
	rpc_srv_conn_free(&e->c);

	/* fragments that add up to more than the cap */
	rpc_srv_conn_init(&e->c, &e->conf, NULL, "135");
	bind_calc(&e->c, 5840, 5840);
	assert_int_equal(send_request(&e->c, RPC_PFC_FIRST_FRAG, 41, 0, OP_ECHO, stub, 600), 0);
	assert_int_equal(send_request(&e->c, 0, 41, 0, OP_ECHO, stub, 600), -1);
	expect_fault(&e->c, 41, 0, NCA_S_FAULT_REMOTE_NO_MEMORY, true);
	rpc_srv_conn_free(&e->c);

	/* exactly the cap is fine */
	rpc_srv_conn_init(&e->c, &e->conf, NULL, "135");
	bind_calc(&e->c, 5840, 5840);
	stub[0] = 0xfc; /* echo 1020 bytes */
	stub[1] = 0x03;
	assert_int_equal(send_request(&e->c, RPC_PFC_FIRST_FRAG, 42, 0, OP_ECHO, stub, 512), 0);
	assert_int_equal(send_request(&e->c, RPC_PFC_LAST_FRAG, 42, 0, OP_ECHO, stub + 512, 512), 0);
	struct outq q;
	size_t len;
	outq_take(&e->c, &q);
	uint8_t *r = collect_response(&q, 42, 0, 5840, &len);
	assert_int_equal(len, 1024);
	free(r);
	outq_free(&q);
}

/* The admit hook: a refused caller is answered at its first fragment and
 * nothing of its request is kept; the connection goes on. */
static bool admit_flag;
static bool admit_if_flag(void *conn_user)
{
	(void)conn_user;
	return admit_flag;
}

static void test_admit_refuses_at_first_fragment(void **state)
{
	struct engine *e = *state;
	uint8_t stub[1000];

	memset(stub, 0, sizeof(stub));
	e->conf.admit = admit_if_flag;
	admit_flag = false;
	bind_calc(&e->c, 5840, 5840);
	/* one fragment: the policy's answer, the connection stays */
	assert_int_equal(send_request(&e->c, FL, 50, 0, OP_ECHO, stub, 16), 0);
	expect_fault(&e->c, 50, 0, ERROR_ACCESS_DENIED, false);
	/* many: answered at the first, the rest dropped, nothing held */
	assert_int_equal(send_request(&e->c, RPC_PFC_FIRST_FRAG, 51, 0, OP_ECHO, stub, sizeof(stub)), 0);
	expect_fault(&e->c, 51, 0, ERROR_ACCESS_DENIED, false);
	for (int i = 0; i < 100; i++) {
		assert_int_equal(send_request(&e->c, 0, 51, 0, OP_ECHO, stub, sizeof(stub)), 0);
		assert_int_equal(e->c.call_bytes, 0);
		assert_null(e->c.calls[0].buf);
	}
	assert_int_equal(send_request(&e->c, RPC_PFC_LAST_FRAG, 51, 0, OP_ECHO, stub, sizeof(stub)), 0);
	expect_no_output(&e->c);
	assert_int_equal(e->calc.calls, 0);
	/* admitted again: served as usual */
	admit_flag = true;
	assert_int_equal(call_add(&e->c, 52, 0, 2, 3), 5);
	e->conf.admit = NULL;
}

static int send_hinted(struct rpc_srv_conn *c, uint8_t flags, uint32_t call_id, uint32_t hint, const uint8_t *stub,
		       size_t len)
{
	struct ndr_push p;
	ndr_push_init(&p);
	assert_true(rpc_request_encode(&p, flags, call_id, hint, 0, OP_ECHO, stub, len));
	return feed_push(c, &p);
}

/* The global budget: charged at the first fragment with alloc_hint, refused
 * with RPC_S_SERVER_TOO_BUSY when it does not fit, given back at the end. */
static void test_reassembly_budget(void **state)
{
	struct engine *e = *state;
	struct rpc_srv_budget b = { .limit = 10000 };
	struct rpc_srv_conn c2;
	uint8_t stub[1000];

	memset(stub, 0, sizeof(stub));
	e->conf.budget = &b;
	bind_calc(&e->c, 5840, 5840);
	rpc_srv_conn_init(&c2, &e->conf, NULL, "135");
	bind_calc(&c2, 5840, 5840);
	/* a single fragment holds nothing between reads */
	assert_int_equal(call_add(&e->c, 60, 0, 1, 2), 3);
	assert_int_equal(b.used, 0);
	/* 6000 announced: charged */
	assert_int_equal(send_hinted(&e->c, RPC_PFC_FIRST_FRAG, 61, 6000, stub, sizeof(stub)), 0);
	expect_no_output(&e->c);
	assert_int_equal(b.used, 6000);
	/* 6000 more does not fit: the newest call is refused, the rest of it
	 * dropped, its connection goes on */
	assert_int_equal(send_hinted(&c2, RPC_PFC_FIRST_FRAG, 70, 6000, stub, sizeof(stub)), 0);
	expect_fault(&c2, 70, 0, RPC_S_SERVER_TOO_BUSY, true);
	assert_int_equal(b.refused, 1);
	assert_int_equal(send_hinted(&c2, RPC_PFC_LAST_FRAG, 70, 5000, stub, sizeof(stub)), 0);
	expect_no_output(&c2);
	assert_int_equal(call_add(&c2, 71, 0, 4, 5), 9);
	/* one that announces nothing grows until the budget is spent */
	assert_int_equal(send_hinted(&c2, RPC_PFC_FIRST_FRAG, 72, 0, stub, sizeof(stub)), 0);
	for (int i = 0; i < 10; i++)
		assert_int_equal(send_hinted(&c2, 0, 72, 0, stub, sizeof(stub)), 0);
	expect_fault(&c2, 72, 0, RPC_S_SERVER_TOO_BUSY, true);
	assert_int_equal(b.used, 6000);
	/* a closed connection gives its share back */
	rpc_srv_conn_free(&e->c);
	assert_int_equal(b.used, 0);
	rpc_srv_conn_free(&c2);
	rpc_srv_conn_init(&e->c, &e->conf, &e->user_token, "135");
	e->conf.budget = NULL;
}

static void test_interleaved_fragments(void **state)
{
	struct engine *e = *state;
	uint8_t stub[16] = { 4, 0, 0, 0, 'a', 'b', 'c', 'd' };

	/* a new call starting while another is unfinished */
	bind_calc(&e->c, 5840, 5840);
	assert_int_equal(send_request(&e->c, RPC_PFC_FIRST_FRAG, 50, 0, OP_ECHO, stub, 4), 0);
	assert_int_equal(send_request(&e->c, FL, 51, 0, OP_ADD, stub, 8), -1);
	assert_int_equal(e->calc.calls, 0);
	rpc_srv_conn_free(&e->c);

	/* a continuation of another call id */
	rpc_srv_conn_init(&e->c, &e->conf, NULL, "135");
	bind_calc(&e->c, 5840, 5840);
	assert_int_equal(send_request(&e->c, RPC_PFC_FIRST_FRAG, 52, 0, OP_ECHO, stub, 4), 0);
	assert_int_equal(send_request(&e->c, RPC_PFC_LAST_FRAG, 53, 0, OP_ECHO, stub + 4, 4), -1);
	rpc_srv_conn_free(&e->c);

	/* a continuation that changes the opnum or the context */
	rpc_srv_conn_init(&e->c, &e->conf, NULL, "135");
	bind_calc(&e->c, 5840, 5840);
	assert_int_equal(send_request(&e->c, RPC_PFC_FIRST_FRAG, 54, 0, OP_ECHO, stub, 4), 0);
	assert_int_equal(send_request(&e->c, RPC_PFC_LAST_FRAG, 54, 0, OP_FILL, stub + 4, 4), -1);
	rpc_srv_conn_free(&e->c);
	rpc_srv_conn_init(&e->c, &e->conf, NULL, "135");
	bind_calc(&e->c, 5840, 5840);
	assert_int_equal(send_request(&e->c, RPC_PFC_FIRST_FRAG, 55, 0, OP_ECHO, stub, 4), 0);
	assert_int_equal(send_request(&e->c, RPC_PFC_LAST_FRAG, 55, 1, OP_ECHO, stub + 4, 4), -1);
	rpc_srv_conn_free(&e->c);

	/* a continuation with no call in progress */
	rpc_srv_conn_init(&e->c, &e->conf, NULL, "135");
	bind_calc(&e->c, 5840, 5840);
	assert_int_equal(send_request(&e->c, RPC_PFC_LAST_FRAG, 56, 0, OP_ECHO, stub, 8), -1);
	assert_int_equal(e->calc.calls, 0);
	expect_no_output(&e->c);
}

/* With PFC_CONC_MPX asked for at bind, the fragments of several calls may
 * interleave; each is answered when its last fragment arrives. */
static void test_concurrent_multiplexing(void **state)
{
	struct engine *e = *state;
	struct rpc_pres_ctx ctx = pctx(0, calc_syntax(), rpc_syntax_ndr);
	struct rpc_bind b;
	struct ndr_push p;
	struct outq q;
	uint8_t echo[8] = { 4, 0, 0, 0, 'a', 'b', 'c', 'd' };
	uint8_t add[8] = { 2, 0, 0, 0, 3, 0, 0, 0 };
	size_t len;

	memset(&b, 0, sizeof(b));
	b.max_xmit_frag = b.max_recv_frag = 5840;
	b.conc_mpx = true;
	b.n_ctx = 1;
	b.ctx[0] = ctx;
	ndr_push_init(&p);
	assert_true(rpc_bind_encode(&p, RPC_PTYPE_BIND, 1, &b));
	assert_int_equal(feed_push(&e->c, &p), 0);
	outq_take(&e->c, &q);
	assert_int_equal(q.n, 1);
	assert_int_equal(q.h[0].ptype, RPC_PTYPE_BIND_ACK);
	assert_true(q.h[0].pfc_flags & RPC_PFC_CONC_MPX);
	outq_free(&q);

	/* call 10 starts, call 11 comes whole, then call 10 ends */
	assert_int_equal(send_request(&e->c, RPC_PFC_FIRST_FRAG, 10, 0, OP_ECHO, echo, 4), 0);
	assert_int_equal(send_request(&e->c, FL, 11, 0, OP_ADD, add, 8), 0);
	outq_take(&e->c, &q);
	uint8_t *r = collect_response(&q, 11, 0, 5840, &len);
	assert_int_equal(len, 4);
	assert_int_equal(r[0], 5);
	free(r);
	outq_free(&q);
	assert_int_equal(send_request(&e->c, RPC_PFC_LAST_FRAG, 10, 0, OP_ECHO, echo + 4, 4), 0);
	outq_take(&e->c, &q);
	r = collect_response(&q, 10, 0, 5840, &len);
	assert_int_equal(len, 8);
	assert_memory_equal(r, echo, 8);
	free(r);
	outq_free(&q);

	/* a call id already in flight cannot start again */
	assert_int_equal(send_request(&e->c, RPC_PFC_FIRST_FRAG, 20, 0, OP_ECHO, echo, 4), 0);
	assert_int_equal(send_request(&e->c, RPC_PFC_FIRST_FRAG, 20, 0, OP_ECHO, echo, 4), -1);
	rpc_srv_conn_free(&e->c);

	/* at most RPC_SRV_MAX_CALLS calls in reassembly at once */
	rpc_srv_conn_init(&e->c, &e->conf, NULL, "135");
	b.ctx[0] = ctx;
	ndr_push_init(&p);
	assert_true(rpc_bind_encode(&p, RPC_PTYPE_BIND, 1, &b));
	assert_int_equal(feed_push(&e->c, &p), 0);
	outq_take(&e->c, &q);
	outq_free(&q);
	for (uint32_t id = 30; id < 30 + RPC_SRV_MAX_CALLS; id++)
		assert_int_equal(send_request(&e->c, RPC_PFC_FIRST_FRAG, id, 0, OP_ECHO, echo, 4), 0);
	assert_int_equal(send_request(&e->c, RPC_PFC_FIRST_FRAG, 99, 0, OP_ECHO, echo, 4), -1);
}

/* A call the interface answers later (RPC_DISPATCH_PENDING): nothing is sent
 * at first, other calls are answered meanwhile, and the late reply (or fault)
 * is a well-formed response to the right call, fragmented as usual. */
static void test_deferred_reply(void **state)
{
	struct engine *e = *state;
	struct rpc_pres_ctx ctx = pctx(0, calc_syntax(), rpc_syntax_ndr);
	struct rpc_bind b;
	struct ndr_push p;
	struct outq q;
	uint8_t add[8] = { 2, 0, 0, 0, 3, 0, 0, 0 };
	size_t len;

	memset(&b, 0, sizeof(b));
	b.max_xmit_frag = b.max_recv_frag = RPC_MIN_FRAG;
	b.conc_mpx = true;
	b.n_ctx = 1;
	b.ctx[0] = ctx;
	ndr_push_init(&p);
	assert_true(rpc_bind_encode(&p, RPC_PTYPE_BIND, 1, &b));
	assert_int_equal(feed_push(&e->c, &p), 0);
	outq_take(&e->c, &q);
	assert_true(q.h[0].pfc_flags & RPC_PFC_CONC_MPX);
	outq_free(&q);

	/* call 40 is deferred: no output, its ids were visible to dispatch */
	assert_int_equal(send_request(&e->c, FL, 40, 0, OP_DEFER, NULL, 0), 0);
	expect_no_output(&e->c);
	assert_int_equal(e->calc.deferred_call_id, 40);
	assert_int_equal(e->calc.deferred_ctx_id, 0);

	/* more deferred calls than reassembly slots: a deferred call holds none */
	for (uint32_t id = 50; id < 50 + 2 * RPC_SRV_MAX_CALLS; id++) {
		assert_int_equal(send_request(&e->c, FL, id, 0, OP_DEFER, NULL, 0), 0);
		assert_int_equal(e->calc.deferred_call_id, id);
	}
	expect_no_output(&e->c);

	/* other calls are still answered */
	assert_int_equal(send_request(&e->c, FL, 41, 0, OP_ADD, add, 8), 0);
	outq_take(&e->c, &q);
	uint8_t *r = collect_response(&q, 41, 0, RPC_MIN_FRAG, &len);
	assert_int_equal(len, 4);
	assert_int_equal(r[0], 5);
	free(r);
	outq_free(&q);

	/* the late reply to call 40: big enough to need fragments */
	size_t n = 3 * RPC_MIN_FRAG;
	uint8_t *stub = malloc(n);
	assert_non_null(stub);
	for (size_t i = 0; i < n; i++)
		stub[i] = fill_byte(i);
	assert_int_equal(rpc_srv_conn_reply(&e->c, 40, 0, stub, n), 0);
	outq_take(&e->c, &q);
	assert_true(q.n > 1);
	r = collect_response(&q, 40, 0, RPC_MIN_FRAG, &len);
	assert_int_equal(len, n);
	assert_memory_equal(r, stub, n);
	free(r);
	free(stub);
	outq_free(&q);

	/* and a deferred fault */
	assert_int_equal(rpc_srv_conn_fault(&e->c, 50, 0, NCA_S_FAULT_NDR), 0);
	expect_fault(&e->c, 50, 0, NCA_S_FAULT_NDR, false);

	/* still in step: a plain call works */
	assert_int_equal(call_add(&e->c, 42, 0, 7, 8), 15);
}

static void test_orphaned_and_cancel(void **state)
{
	struct engine *e = *state;
	uint8_t stub[8] = { 4, 0, 0, 0, 'w', 'x', 'y', 'z' };
	struct ndr_push p;

	bind_calc(&e->c, 5840, 5840);
	assert_int_equal(send_request(&e->c, RPC_PFC_FIRST_FRAG, 60, 0, OP_ECHO, stub, 4), 0);
	/* the client gives the call up: its fragments are forgotten */
	ndr_push_init(&p);
	assert_true(rpc_simple_encode(&p, RPC_PTYPE_ORPHANED, FL, 60));
	assert_int_equal(feed_push(&e->c, &p), 0);
	assert_false(e->c.calls[0].in_use);
	/* so a new call may start */
	assert_int_equal(call_add(&e->c, 61, 0, 20, 22), 42);

	/* orphaning another call leaves the one in progress alone */
	assert_int_equal(send_request(&e->c, RPC_PFC_FIRST_FRAG, 62, 0, OP_ECHO, stub, 4), 0);
	ndr_push_init(&p);
	assert_true(rpc_simple_encode(&p, RPC_PTYPE_ORPHANED, FL, 59));
	assert_int_equal(feed_push(&e->c, &p), 0);
	assert_int_equal(send_request(&e->c, RPC_PFC_LAST_FRAG, 62, 0, OP_ECHO, stub + 4, 4), 0);
	struct outq q;
	size_t len;
	outq_take(&e->c, &q);
	uint8_t *r = collect_response(&q, 62, 0, 5840, &len);
	assert_int_equal(len, 8);
	assert_memory_equal(r, stub, 8);
	free(r);
	outq_free(&q);
	ndr_push_init(&p);
	assert_true(rpc_simple_encode(&p, RPC_PTYPE_CO_CANCEL, FL, 61));
	assert_int_equal(feed_push(&e->c, &p), 0);
	expect_no_output(&e->c);
	assert_int_equal(e->calc.calls, 2);
}

static void test_unknown_ptype_closes(void **state)
{
	struct engine *e = *state;
	static const uint8_t ptypes[] = { RPC_PTYPE_PING, RPC_PTYPE_RESPONSE, RPC_PTYPE_FAULT, RPC_PTYPE_BIND_ACK,
					  RPC_PTYPE_BIND_NAK, RPC_PTYPE_ALTER_CONTEXT_RESP, RPC_PTYPE_AUTH3,
					  RPC_PTYPE_SHUTDOWN, 20, 99, 255 };

	bind_calc(&e->c, 5840, 5840);
	for (size_t i = 0; i < sizeof(ptypes); i++) {
		struct ndr_push p;
		ndr_push_init(&p);
		assert_true(rpc_simple_encode(&p, ptypes[i], FL, 70));
		ndr_push_zeros(&p, 8);
		ndr_push_u16_at(&p, 8, (uint16_t)p.len);
		assert_int_equal(feed_push(&e->c, &p), -1);
	}
	expect_no_output(&e->c);

	/* a PDU whose length is not what its header says */
	uint8_t stub[8] = { 0 };
	struct ndr_push p;
	ndr_push_init(&p);
	assert_true(rpc_request_encode(&p, FL, 71, 8, 0, OP_ADD, stub, 8));
	assert_int_equal(rpc_srv_conn_process(&e->c, p.data, p.len - 1), -1);
	ndr_push_zeros(&p, 1);
	assert_int_equal(rpc_srv_conn_process(&e->c, p.data, p.len), -1);
	ndr_push_free(&p);
	assert_int_equal(e->calc.calls, 0);
}

static void test_frame(void **state)
{
	struct engine *e = *state;
	uint8_t buf[6000];

	memset(buf, 0, sizeof(buf));
	memcpy(buf, vec_cmrp_bind, sizeof(vec_cmrp_bind));
	memcpy(buf + 72, vec_cmrp_bind, sizeof(vec_cmrp_bind));
	for (size_t avail = 0; avail < 72; avail++)
		assert_int_equal(rpc_srv_conn_frame(&e->c, buf, avail), 0);
	assert_int_equal(rpc_srv_conn_frame(&e->c, buf, 72), 72);
	assert_int_equal(rpc_srv_conn_frame(&e->c, buf, 144), 72); /* two PDUs back to back */
	assert_int_equal(rpc_srv_conn_frame(&e->c, buf, 100), 72);

	/* malformed headers are refused as soon as the header is there */
	buf[0] = 4;
	assert_int_equal(rpc_srv_conn_frame(&e->c, buf, 15), 0);
	assert_int_equal(rpc_srv_conn_frame(&e->c, buf, 16), -1);
	buf[0] = 5;
	buf[8] = 10; /* frag_length below the header size */
	buf[9] = 0;
	assert_int_equal(rpc_srv_conn_frame(&e->c, buf, 16), -1);

	/* longer than we receive: refused before the bytes arrive */
	buf[8] = (uint8_t)(RPC_DEFAULT_FRAG + 1);
	buf[9] = (uint8_t)((RPC_DEFAULT_FRAG + 1) >> 8);
	assert_int_equal(rpc_srv_conn_frame(&e->c, buf, 16), -1);
	buf[8] = (uint8_t)RPC_DEFAULT_FRAG;
	buf[9] = (uint8_t)(RPC_DEFAULT_FRAG >> 8);
	assert_int_equal(rpc_srv_conn_frame(&e->c, buf, 16), 0);
	assert_int_equal(rpc_srv_conn_frame(&e->c, buf, RPC_DEFAULT_FRAG), RPC_DEFAULT_FRAG);

	/* after a bind the negotiated size is the limit */
	bind_calc(&e->c, 2000, 5840);
	buf[8] = (uint8_t)2001;
	buf[9] = (uint8_t)(2001 >> 8);
	assert_int_equal(rpc_srv_conn_frame(&e->c, buf, 16), -1);
	buf[8] = (uint8_t)2000;
	buf[9] = (uint8_t)(2000 >> 8);
	assert_int_equal(rpc_srv_conn_frame(&e->c, buf, 1999), 0);
	assert_int_equal(rpc_srv_conn_frame(&e->c, buf, 2000), 2000);

	/* big-endian frag_length */
	memcpy(buf, vec_cmrp_bind, 16);
	buf[4] = 0x00;
	buf[8] = 0;
	buf[9] = 72;
	assert_int_equal(rpc_srv_conn_frame(&e->c, buf, 72), 72);
}

static void test_big_endian_request(void **state)
{
	struct engine *e = *state;
	static const uint8_t be_req[32] = {
		5, 0, RPC_PTYPE_REQUEST, FL, 0x00, 0, 0, 0, /* drep: big-endian integers */
		0, 32, 0, 0,                                /* frag_length 32, auth_length 0 */
		0, 0, 0x01, 0x02,                           /* call_id 0x102 */
		0, 0, 0, 8,                                 /* alloc_hint */
		0, 0, 0, OP_ADD,                            /* ctx 0, opnum */
		0x01, 0x02, 0x03, 0x04, 0x00, 0x00, 0x00, 0x10,
	};
	struct outq q;
	size_t len;

	bind_calc(&e->c, 5840, 5840);
	assert_int_equal(rpc_srv_conn_frame(&e->c, be_req, sizeof(be_req)), 32);
	assert_int_equal(feed(&e->c, be_req, sizeof(be_req)), 0);
	assert_true(e->calc.last_big_endian);
	outq_take(&e->c, &q);
	uint8_t *r = collect_response(&q, 0x102, 0, 5840, &len);
	assert_int_equal(len, 4);
	/* the reply is little-endian: 0x01020314 */
	assert_int_equal(r[0], 0x14);
	assert_int_equal(r[1], 0x03);
	assert_int_equal(r[2], 0x02);
	assert_int_equal(r[3], 0x01);
	free(r);
	outq_free(&q);

	/* and the next little-endian call is little-endian again */
	assert_int_equal(call_add(&e->c, 0x103, 0, 1, 2), 3);
	assert_false(e->calc.last_big_endian);
}

/* ---- captured sessions replayed ------------------------------------------------ */

/* The bind_ack we send is the captured one except for the association group
 * (which comes from a process-wide counter). */
static void expect_ack_like(struct rpc_srv_conn *c, const uint8_t *want, size_t want_len)
{
	struct outq q;
	outq_take(c, &q);
	assert_int_equal(q.n, 1);
	assert_int_equal(q.len, want_len);
	assert_memory_equal(q.buf, want, 20);
	assert_memory_equal(q.buf + 24, want + 24, want_len - 24);
	assert_true(q.buf[20] | q.buf[21] | q.buf[22] | q.buf[23]);
	outq_free(&q);
}

static void expect_exact(struct rpc_srv_conn *c, const uint8_t *want, size_t want_len)
{
	struct outq q;
	outq_take(c, &q);
	assert_int_equal(q.n, 1);
	assert_int_equal(q.len, want_len);
	assert_memory_equal(q.buf, want, want_len);
	outq_free(&q);
}

static void test_captured_epm_map(void **state)
{
	struct engine *e = *state;

	assert_int_equal(rpc_srv_conn_frame(&e->c, vec_epm_bind, sizeof(vec_epm_bind)), sizeof(vec_epm_bind));
	assert_int_equal(feed(&e->c, vec_epm_bind, sizeof(vec_epm_bind)), 0);
	expect_ack_like(&e->c, vec_epm_bind_ack, sizeof(vec_epm_bind_ack));
	/* ept_map for clusapi over TCP: the tower names port 46099 */
	assert_int_equal(feed(&e->c, vec_ept_map_req, sizeof(vec_ept_map_req)), 0);
	expect_exact(&e->c, vec_ept_map_resp, sizeof(vec_ept_map_resp));

	/* an interface the mapper does not know: no tower, EPT_S_NOT_REGISTERED */
	e->reg.entries[0].iface.uuid.time_low ^= 1;
	assert_int_equal(feed(&e->c, vec_ept_map_req, sizeof(vec_ept_map_req)), 0);
	struct outq q;
	struct rpc_response r;
	outq_take(&e->c, &q);
	assert_int_equal(q.n, 1);
	assert_int_equal(rpc_response_decode(outq_pdu(&q, 0), &q.h[0], &r), 0);
	assert_int_equal(r.stub_len, 20 + 4 + 12 + 4);
	struct ndr_pull in;
	uint32_t v;
	ndr_pull_init(&in, r.stub, r.stub_len, false);
	in.off = 20;
	ndr_pull_u32(&in, &v);
	assert_int_equal(v, 0); /* num_towers */
	in.off = r.stub_len - 4;
	ndr_pull_u32(&in, &v);
	assert_int_equal(v, EPT_S_NOT_REGISTERED_STATUS);
	outq_free(&q);
}

static void test_captured_clusapi_session(void **state)
{
	struct engine *e = *state;
	char name[16];

	/* bind with two contexts, the second negotiating features; the captured
	 * ack names port 46099 as our address */
	rpc_srv_conn_free(&e->c);
	rpc_srv_conn_init(&e->c, &e->conf, &e->user_token, "46099");
	assert_int_equal(feed(&e->c, vec_btfn_bind, sizeof(vec_btfn_bind)), 0);
	expect_ack_like(&e->c, vec_btfn_bind_ack, sizeof(vec_btfn_bind_ack));

	/* our replies to the captured requests are the captured replies */
	assert_int_equal(feed(&e->c, vec_get_cluster_name_req, sizeof(vec_get_cluster_name_req)), 0);
	expect_exact(&e->c, vec_get_cluster_name_resp, sizeof(vec_get_cluster_name_resp));
	assert_int_equal(feed(&e->c, vec_get_version2_req, sizeof(vec_get_version2_req)), 0);
	expect_exact(&e->c, vec_get_version2_resp, sizeof(vec_get_version2_resp));
	assert_int_equal(feed(&e->c, vec_set_cluster_name_req, sizeof(vec_set_cluster_name_req)), 0);
	expect_exact(&e->c, vec_set_cluster_name_resp, sizeof(vec_set_cluster_name_resp));
	assert_int_equal(e->new_name.units, 10);
	for (size_t i = 0; i <= e->new_name.units; i++)
		name[i] = (char)e->new_name.s[i];
	assert_string_equal(name, "vm-cluster");
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, engine_setup, engine_teardown)
	const struct CMUnitTest tests[] = {
		T(test_bind_accepted),
		T(test_bind_frag_sizes_clamped),
		T(test_bind_unknown_interface),
		T(test_bind_with_auth_is_nakked),
		T(test_bind_refusals),
		T(test_alter_context),
		T(test_request_before_bind),
		T(test_fragmented_request),
		T(test_response_fragmented),
		T(test_unknown_opnum),
		T(test_unknown_context),
		T(test_request_too_big),
		T(test_admit_refuses_at_first_fragment),
		T(test_reassembly_budget),
		T(test_interleaved_fragments),
		T(test_concurrent_multiplexing),
		T(test_deferred_reply),
		T(test_orphaned_and_cancel),
		T(test_unknown_ptype_closes),
		T(test_frame),
		T(test_big_endian_request),
		T(test_captured_epm_map),
		T(test_captured_clusapi_session),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
