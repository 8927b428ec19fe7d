/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for src/rpc/pdu.c and the tower codec of src/rpc/epm.c, against
 * PDUs captured from Samba clients and against our own encoders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rpc/epm.h"
#include "rpc/ndr.h"
#include "rpc/pdu.h"
#include "vectors.h"

static struct rpc_syntax syntax(const char *uuid, uint16_t major, uint16_t minor)
{
	struct rpc_syntax s;
	memset(&s, 0, sizeof(s));
	assert_true(rpc_uuid_parse(uuid, &s.uuid));
	s.major = major;
	s.minor = minor;
	return s;
}

#define CMRP_UUID "b97db8b2-4c63-11cf-bff6-08002be23f2f"
#define EPM_UUID "e1af8308-5d1f-11c9-91a4-08002b14a0fa"
#define NDR_UUID "8a885d04-1ceb-11c9-9fe8-08002b104860"
#define NDR64_UUID "71710533-beba-4937-8319-b5dbef9ccc36"

static void assert_syntax(const struct rpc_syntax *s, const char *uuid, uint16_t major, uint16_t minor)
{
	char buf[37];
	rpc_uuid_format(&s->uuid, buf);
	assert_string_equal(buf, uuid);
	assert_int_equal(s->major, major);
	assert_int_equal(s->minor, minor);
}

/* Decode the header of a whole PDU and check it says so. */
static void hdr_ok(const uint8_t *pdu, size_t len, struct rpc_hdr *h)
{
	assert_int_equal(rpc_hdr_decode(pdu, len, h), 0);
	assert_int_equal(h->frag_length, len);
}

/* A private, exactly sized copy so that ASan sees any read past the end. */
static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);
	assert_non_null(d);
	memcpy(d, p, n);
	return d;
}

static void set_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* ---- header --------------------------------------------------------------- */

static void test_hdr_decode_rejections(void **state)
{
	(void)state;
	uint8_t b[72];
	struct rpc_hdr h;

	memcpy(b, vec_cmrp_bind, sizeof(b));
	hdr_ok(b, sizeof(b), &h);
	assert_int_equal(h.rpc_vers, 5);
	assert_int_equal(h.rpc_vers_minor, 0);
	assert_int_equal(h.ptype, RPC_PTYPE_BIND);
	assert_int_equal(h.pfc_flags, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG);
	assert_int_equal(h.call_id, 3);
	assert_int_equal(h.auth_length, 0);
	assert_false(rpc_hdr_big_endian(&h));

	/* fewer than 16 bytes */
	assert_int_equal(rpc_hdr_decode(b, 15, &h), -1);
	assert_int_equal(rpc_hdr_decode(b, 0, &h), -1);

	/* version 4 (connectionless), 6 */
	b[0] = 4;
	assert_int_equal(rpc_hdr_decode(b, sizeof(b), &h), -1);
	b[0] = 6;
	assert_int_equal(rpc_hdr_decode(b, sizeof(b), &h), -1);
	b[0] = 5;
	/* minor 1 is 5.1; minor 2 does not exist */
	b[1] = 1;
	assert_int_equal(rpc_hdr_decode(b, sizeof(b), &h), 0);
	b[1] = 2;
	assert_int_equal(rpc_hdr_decode(b, sizeof(b), &h), -1);
	b[1] = 0;

	/* data representation: only ASCII + IEEE, either integer order */
	static const uint8_t bad_drep[] = { 0x20, 0x30, 0xf0, 0x11, 0x01, 0x1f };
	for (size_t i = 0; i < sizeof(bad_drep); i++) {
		b[4] = bad_drep[i];
		assert_int_equal(rpc_hdr_decode(b, sizeof(b), &h), -1);
	}
	b[4] = 0x10;

	/* frag_length below the header */
	set_le16(b + 8, 15);
	assert_int_equal(rpc_hdr_decode(b, sizeof(b), &h), -1);
	set_le16(b + 8, 0);
	assert_int_equal(rpc_hdr_decode(b, sizeof(b), &h), -1);
	set_le16(b + 8, 16);
	assert_int_equal(rpc_hdr_decode(b, sizeof(b), &h), 0);
	set_le16(b + 8, 72);

	/* auth_length must leave room for the 8-byte trailer in the body */
	set_le16(b + 10, 49); /* 49 + 8 > 72 - 16 */
	assert_int_equal(rpc_hdr_decode(b, sizeof(b), &h), -1);
	set_le16(b + 10, 0xffff);
	assert_int_equal(rpc_hdr_decode(b, sizeof(b), &h), -1);
	set_le16(b + 10, 48); /* exactly fits */
	assert_int_equal(rpc_hdr_decode(b, sizeof(b), &h), 0);
	assert_int_equal(h.auth_length, 48);
	set_le16(b + 8, 16); /* no body at all, yet an auth_length */
	set_le16(b + 10, 1);
	assert_int_equal(rpc_hdr_decode(b, sizeof(b), &h), -1);
}

static void test_hdr_big_endian(void **state)
{
	(void)state;
	static const uint8_t be[16] = { 5, 0, 0, 3, 0x00, 0, 0, 0, 0x00, 0x30, 0x00, 0x00, 0x01, 0x02, 0x03, 0x04 };
	struct rpc_hdr h;

	assert_int_equal(rpc_hdr_decode(be, sizeof(be), &h), 0);
	assert_true(rpc_hdr_big_endian(&h));
	assert_int_equal(h.frag_length, 0x30);
	assert_int_equal(h.call_id, 0x01020304);
}

/* ---- captured binds ------------------------------------------------------- */

static void test_bind_decode_captured_btfn(void **state)
{
	(void)state;
	struct rpc_hdr h;
	struct rpc_bind b;
	uint64_t features = 0;

	hdr_ok(vec_btfn_bind, sizeof(vec_btfn_bind), &h);
	assert_int_equal(h.ptype, RPC_PTYPE_BIND);
	assert_int_equal(h.call_id, 1);
	assert_int_equal(rpc_bind_decode(vec_btfn_bind, &h, &b), 0);
	assert_int_equal(b.max_xmit_frag, 5840);
	assert_int_equal(b.max_recv_frag, 5840);
	assert_int_equal(b.assoc_group_id, 0);
	assert_int_equal(b.n_ctx, 2);
	assert_false(b.has_auth);

	assert_int_equal(b.ctx[0].ctx_id, 0);
	assert_int_equal(b.ctx[0].n_transfer, 1);
	assert_syntax(&b.ctx[0].abstract, CMRP_UUID, 3, 0);
	assert_syntax(&b.ctx[0].transfer[0], NDR_UUID, 2, 0);
	assert_true(rpc_syntax_equal(&b.ctx[0].transfer[0], &rpc_syntax_ndr));
	assert_false(rpc_syntax_is_btfn(&b.ctx[0].transfer[0], &features));

	assert_int_equal(b.ctx[1].ctx_id, 1);
	assert_int_equal(b.ctx[1].n_transfer, 1);
	assert_syntax(&b.ctx[1].abstract, CMRP_UUID, 3, 0);
	assert_syntax(&b.ctx[1].transfer[0], "6cb71c2c-9812-4540-0300-000000000000", 1, 0);
	assert_true(rpc_syntax_is_btfn(&b.ctx[1].transfer[0], &features));
	assert_true(features == (RPC_BTFN_SEC_CTX_MULTIPLEX | RPC_BTFN_KEEP_ON_ORPHAN));
}

static void test_bind_decode_captured_epm(void **state)
{
	(void)state;
	struct rpc_hdr h;
	struct rpc_bind b;

	hdr_ok(vec_epm_bind, sizeof(vec_epm_bind), &h);
	assert_int_equal(h.call_id, 1);
	assert_int_equal(rpc_bind_decode(vec_epm_bind, &h, &b), 0);
	assert_int_equal(b.max_xmit_frag, 4280);
	assert_int_equal(b.max_recv_frag, 4280);
	assert_int_equal(b.n_ctx, 1);
	assert_syntax(&b.ctx[0].abstract, EPM_UUID, 3, 0);
	assert_true(rpc_syntax_equal(&b.ctx[0].abstract, &epm_syntax));
	assert_true(rpc_syntax_equal(&b.ctx[0].transfer[0], &rpc_syntax_ndr));

	hdr_ok(vec_cmrp_bind, sizeof(vec_cmrp_bind), &h);
	assert_int_equal(rpc_bind_decode(vec_cmrp_bind, &h, &b), 0);
	assert_int_equal(b.n_ctx, 1);
	assert_syntax(&b.ctx[0].abstract, CMRP_UUID, 3, 0);
}

static void test_bind_ack_decode_captured(void **state)
{
	(void)state;
	struct rpc_hdr h;
	struct rpc_bind_ack a;

	hdr_ok(vec_btfn_bind_ack, sizeof(vec_btfn_bind_ack), &h);
	assert_int_equal(h.ptype, RPC_PTYPE_BIND_ACK);
	assert_int_equal(rpc_bind_ack_decode(vec_btfn_bind_ack, &h, &a), 0);
	assert_int_equal(a.max_xmit_frag, 5840);
	assert_int_equal(a.max_recv_frag, 5840);
	assert_int_equal(a.assoc_group_id, 0x12346);
	assert_string_equal(a.sec_addr, "46099");
	assert_int_equal(a.n_results, 2);
	assert_int_equal(a.results[0].result, RPC_RESULT_ACCEPT);
	assert_true(rpc_syntax_equal(&a.results[0].transfer, &rpc_syntax_ndr));
	assert_int_equal(a.results[1].result, RPC_RESULT_NEGOTIATE_ACK);
	assert_int_equal(a.results[1].reason, RPC_BTFN_KEEP_ON_ORPHAN);
	assert_true(rpc_uuid_is_nil(&a.results[1].transfer.uuid));

	hdr_ok(vec_epm_bind_ack, sizeof(vec_epm_bind_ack), &h);
	assert_int_equal(rpc_bind_ack_decode(vec_epm_bind_ack, &h, &a), 0);
	assert_int_equal(a.max_xmit_frag, 4280);
	assert_int_equal(a.assoc_group_id, 0x12340);
	assert_string_equal(a.sec_addr, "135");
	assert_int_equal(a.n_results, 1);
	assert_int_equal(a.results[0].result, RPC_RESULT_ACCEPT);
}

/* Our encoders reproduce what was on the wire, byte for byte. */
static void test_encoders_match_captures(void **state)
{
	(void)state;
	struct ndr_push p;
	struct rpc_bind b;
	struct rpc_bind_ack a;

	/* the epm bind */
	memset(&b, 0, sizeof(b));
	b.max_xmit_frag = b.max_recv_frag = 4280;
	b.n_ctx = 1;
	b.ctx[0].n_transfer = 1;
	b.ctx[0].abstract = epm_syntax;
	b.ctx[0].transfer[0] = rpc_syntax_ndr;
	ndr_push_init(&p);
	assert_true(rpc_bind_encode(&p, RPC_PTYPE_BIND, 1, &b));
	assert_int_equal(p.len, sizeof(vec_epm_bind));
	assert_memory_equal(p.data, vec_epm_bind, sizeof(vec_epm_bind));

	/* the bind with feature negotiation */
	memset(&b, 0, sizeof(b));
	b.max_xmit_frag = b.max_recv_frag = 5840;
	b.n_ctx = 2;
	for (int i = 0; i < 2; i++) {
		b.ctx[i].ctx_id = (uint16_t)i;
		b.ctx[i].n_transfer = 1;
		b.ctx[i].abstract = syntax(CMRP_UUID, 3, 0);
	}
	b.ctx[0].transfer[0] = rpc_syntax_ndr;
	rpc_syntax_btfn(&b.ctx[1].transfer[0], RPC_BTFN_SEC_CTX_MULTIPLEX | RPC_BTFN_KEEP_ON_ORPHAN);
	assert_true(rpc_bind_encode(&p, RPC_PTYPE_BIND, 1, &b));
	assert_int_equal(p.len, sizeof(vec_btfn_bind));
	assert_memory_equal(p.data, vec_btfn_bind, sizeof(vec_btfn_bind));

	/* its bind_ack */
	memset(&a, 0, sizeof(a));
	a.max_xmit_frag = a.max_recv_frag = 5840;
	a.assoc_group_id = 0x12346;
	strcpy(a.sec_addr, "46099");
	a.n_results = 2;
	a.results[0].transfer = rpc_syntax_ndr;
	a.results[1].result = RPC_RESULT_NEGOTIATE_ACK;
	a.results[1].reason = RPC_BTFN_KEEP_ON_ORPHAN;
	assert_true(rpc_bind_ack_encode(&p, RPC_PTYPE_BIND_ACK, 0, 1, &a));
	assert_int_equal(p.len, sizeof(vec_btfn_bind_ack));
	assert_memory_equal(p.data, vec_btfn_bind_ack, sizeof(vec_btfn_bind_ack));

	/* the epm bind_ack ("135": two bytes of padding after the address) */
	memset(&a, 0, sizeof(a));
	a.max_xmit_frag = a.max_recv_frag = 4280;
	a.assoc_group_id = 0x12340;
	strcpy(a.sec_addr, "135");
	a.n_results = 1;
	a.results[0].transfer = rpc_syntax_ndr;
	assert_true(rpc_bind_ack_encode(&p, RPC_PTYPE_BIND_ACK, 0, 1, &a));
	assert_int_equal(p.len, sizeof(vec_epm_bind_ack));
	assert_memory_equal(p.data, vec_epm_bind_ack, sizeof(vec_epm_bind_ack));

	/* SetClusterName request */
	assert_true(rpc_request_encode(&p, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG, 5, 34, 0, 2,
				       vec_set_cluster_name_req + 24, 34));
	assert_int_equal(p.len, sizeof(vec_set_cluster_name_req));
	assert_memory_equal(p.data, vec_set_cluster_name_req, sizeof(vec_set_cluster_name_req));

	/* GetClusterVersion2 response */
	assert_true(rpc_response_encode(&p, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG, 13, 144, 0,
					vec_get_version2_resp + 24, 144));
	assert_int_equal(p.len, sizeof(vec_get_version2_resp));
	assert_memory_equal(p.data, vec_get_version2_resp, sizeof(vec_get_version2_resp));
	ndr_push_free(&p);
}

static void test_request_response_decode_captured(void **state)
{
	(void)state;
	struct rpc_hdr h;
	struct rpc_request r;
	struct rpc_response resp;

	hdr_ok(vec_set_cluster_name_req, sizeof(vec_set_cluster_name_req), &h);
	assert_int_equal(h.ptype, RPC_PTYPE_REQUEST);
	assert_int_equal(h.call_id, 5);
	assert_int_equal(rpc_request_decode(vec_set_cluster_name_req, &h, &r), 0);
	assert_int_equal(r.alloc_hint, 34);
	assert_int_equal(r.ctx_id, 0);
	assert_int_equal(r.opnum, 2);
	assert_false(r.has_object);
	assert_false(r.has_auth);
	assert_int_equal(r.stub_len, 34);
	assert_ptr_equal(r.stub, vec_set_cluster_name_req + 24);

	hdr_ok(vec_get_version2_req, sizeof(vec_get_version2_req), &h);
	assert_int_equal(rpc_request_decode(vec_get_version2_req, &h, &r), 0);
	assert_int_equal(r.opnum, 102);
	assert_int_equal(r.stub_len, 0);

	hdr_ok(vec_get_version2_resp, sizeof(vec_get_version2_resp), &h);
	assert_int_equal(h.ptype, RPC_PTYPE_RESPONSE);
	assert_int_equal(h.call_id, 13);
	assert_int_equal(rpc_response_decode(vec_get_version2_resp, &h, &resp), 0);
	assert_int_equal(resp.alloc_hint, 144);
	assert_int_equal(resp.ctx_id, 0);
	assert_int_equal(resp.cancel_count, 0);
	assert_int_equal(resp.stub_len, 144);
	assert_ptr_equal(resp.stub, vec_get_version2_resp + 24);

	hdr_ok(vec_ept_map_req, sizeof(vec_ept_map_req), &h);
	assert_int_equal(rpc_request_decode(vec_ept_map_req, &h, &r), 0);
	assert_int_equal(h.call_id, 2);
	assert_int_equal(r.opnum, EPM_OP_MAP);
	assert_int_equal(r.stub_len, 116);
}

/* ---- round trips ------------------------------------------------------------ */

static void test_bind_round_trip(void **state)
{
	(void)state;
	struct rpc_bind b, d;
	struct rpc_hdr h;
	struct ndr_push p;

	memset(&b, 0, sizeof(b));
	b.max_xmit_frag = 4280;
	b.max_recv_frag = 5840;
	b.assoc_group_id = 0xabcdef01;
	b.n_ctx = 3;
	b.ctx[0] = (struct rpc_pres_ctx){ .ctx_id = 0, .n_transfer = 1, .abstract = syntax(CMRP_UUID, 3, 0) };
	b.ctx[0].transfer[0] = rpc_syntax_ndr;
	b.ctx[1] = (struct rpc_pres_ctx){ .ctx_id = 7, .n_transfer = 2, .abstract = syntax(EPM_UUID, 3, 0) };
	b.ctx[1].transfer[0] = syntax(NDR64_UUID, 1, 0);
	b.ctx[1].transfer[1] = rpc_syntax_ndr;
	b.ctx[2] = (struct rpc_pres_ctx){ .ctx_id = 0xffff, .n_transfer = RPC_MAX_TRANSFER,
					  .abstract = syntax(CMRP_UUID, 3, 1) };
	for (int t = 0; t < RPC_MAX_TRANSFER; t++)
		rpc_syntax_btfn(&b.ctx[2].transfer[t], (uint64_t)t + 1);

	static const uint8_t ptypes[] = { RPC_PTYPE_BIND, RPC_PTYPE_ALTER_CONTEXT };
	for (size_t k = 0; k < sizeof(ptypes); k++) {
		ndr_push_init(&p);
		assert_true(rpc_bind_encode(&p, ptypes[k], 0x01020304, &b));
		hdr_ok(p.data, p.len, &h);
		assert_int_equal(h.ptype, ptypes[k]);
		assert_int_equal(h.call_id, 0x01020304);
		assert_int_equal(h.pfc_flags, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG);
		assert_int_equal(p.len, 16 + 12 + (4 + 20 + 20) + (4 + 20 + 40) + (4 + 20 + 80));
		assert_int_equal(rpc_bind_decode(p.data, &h, &d), 0);
		assert_int_equal(d.max_xmit_frag, 4280);
		assert_int_equal(d.max_recv_frag, 5840);
		assert_int_equal(d.assoc_group_id, 0xabcdef01);
		assert_int_equal(d.n_ctx, 3);
		for (int i = 0; i < 3; i++) {
			assert_int_equal(d.ctx[i].ctx_id, b.ctx[i].ctx_id);
			assert_int_equal(d.ctx[i].n_transfer, b.ctx[i].n_transfer);
			assert_true(rpc_syntax_equal(&d.ctx[i].abstract, &b.ctx[i].abstract));
			for (int t = 0; t < b.ctx[i].n_transfer; t++)
				assert_true(rpc_syntax_equal(&d.ctx[i].transfer[t], &b.ctx[i].transfer[t]));
		}
		uint64_t f;
		assert_true(rpc_syntax_is_btfn(&d.ctx[2].transfer[3], &f));
		assert_true(f == 4);
		ndr_push_free(&p);
	}
}

static void test_bind_ack_nak_round_trip(void **state)
{
	(void)state;
	struct rpc_bind_ack a, d;
	struct rpc_hdr h;
	struct ndr_push p;
	uint16_t reason = 0xffff;

	memset(&a, 0, sizeof(a));
	a.max_xmit_frag = 1432;
	a.max_recv_frag = 4280;
	a.assoc_group_id = 77;
	strcpy(a.sec_addr, "/run/clusterd.s"); /* the longest that fits */
	a.n_results = RPC_MAX_CONTEXTS;
	for (int i = 0; i < RPC_MAX_CONTEXTS; i++) {
		a.results[i].result = (uint16_t)(i % 4);
		a.results[i].reason = (uint16_t)(i % 3);
		a.results[i].transfer = rpc_syntax_ndr;
		a.results[i].transfer.minor = (uint16_t)i;
	}
	ndr_push_init(&p);
	assert_true(rpc_bind_ack_encode(&p, RPC_PTYPE_ALTER_CONTEXT_RESP, RPC_PFC_SUPPORT_HEADER_SIGN, 9, &a));
	hdr_ok(p.data, p.len, &h);
	assert_int_equal(h.ptype, RPC_PTYPE_ALTER_CONTEXT_RESP);
	assert_int_equal(h.pfc_flags, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG | RPC_PFC_SUPPORT_HEADER_SIGN);
	assert_int_equal(rpc_bind_ack_decode(p.data, &h, &d), 0);
	assert_int_equal(d.max_xmit_frag, 1432);
	assert_int_equal(d.max_recv_frag, 4280);
	assert_int_equal(d.assoc_group_id, 77);
	assert_string_equal(d.sec_addr, "/run/clusterd.s");
	assert_int_equal(d.n_results, RPC_MAX_CONTEXTS);
	for (int i = 0; i < RPC_MAX_CONTEXTS; i++) {
		assert_int_equal(d.results[i].result, i % 4);
		assert_int_equal(d.results[i].reason, i % 3);
		assert_true(rpc_syntax_equal(&d.results[i].transfer, &a.results[i].transfer));
	}

	/* no secondary address (alter_context_resp) */
	a.sec_addr[0] = 0;
	a.n_results = 1;
	assert_true(rpc_bind_ack_encode(&p, RPC_PTYPE_ALTER_CONTEXT_RESP, 0, 9, &a));
	hdr_ok(p.data, p.len, &h);
	assert_int_equal(p.len, 16 + 8 + 2 + 2 + 4 + 24);
	assert_int_equal(rpc_bind_ack_decode(p.data, &h, &d), 0);
	assert_string_equal(d.sec_addr, "");
	assert_int_equal(d.n_results, 1);

	/* bind_nak */
	assert_true(rpc_bind_nak_encode(&p, 44, RPC_NAK_AUTH_TYPE_NOT_RECOGNIZED));
	hdr_ok(p.data, p.len, &h);
	assert_int_equal(h.ptype, RPC_PTYPE_BIND_NAK);
	assert_int_equal(h.call_id, 44);
	assert_int_equal(rpc_bind_nak_decode(p.data, &h, &reason), 0);
	assert_int_equal(reason, RPC_NAK_AUTH_TYPE_NOT_RECOGNIZED);
	/* one supported version, 5.0 */
	assert_int_equal(p.len, 21);
	assert_int_equal(p.data[18], 1);
	assert_int_equal(p.data[19], 5);
	assert_int_equal(p.data[20], 0);
	ndr_push_free(&p);
}

static void test_request_response_fault_round_trip(void **state)
{
	(void)state;
	uint8_t stub[300];
	struct ndr_push p;
	struct rpc_hdr h;
	struct rpc_request r;
	struct rpc_response resp;
	struct rpc_fault f;

	for (size_t i = 0; i < sizeof(stub); i++)
		stub[i] = (uint8_t)(i * 13 + 1);

	ndr_push_init(&p);
	assert_true(rpc_request_encode(&p, RPC_PFC_FIRST_FRAG, 0x55, 1000, 3, 117, stub, sizeof(stub)));
	hdr_ok(p.data, p.len, &h);
	assert_int_equal(h.ptype, RPC_PTYPE_REQUEST);
	assert_int_equal(h.pfc_flags, RPC_PFC_FIRST_FRAG);
	assert_int_equal(h.call_id, 0x55);
	assert_int_equal(rpc_request_decode(p.data, &h, &r), 0);
	assert_int_equal(r.alloc_hint, 1000);
	assert_int_equal(r.ctx_id, 3);
	assert_int_equal(r.opnum, 117);
	assert_int_equal(r.stub_len, sizeof(stub));
	assert_memory_equal(r.stub, stub, sizeof(stub));

	assert_true(rpc_response_encode(&p, RPC_PFC_LAST_FRAG, 0x56, 300, 4, stub, 17));
	hdr_ok(p.data, p.len, &h);
	assert_int_equal(h.ptype, RPC_PTYPE_RESPONSE);
	assert_int_equal(h.pfc_flags, RPC_PFC_LAST_FRAG);
	assert_int_equal(rpc_response_decode(p.data, &h, &resp), 0);
	assert_int_equal(resp.alloc_hint, 300);
	assert_int_equal(resp.ctx_id, 4);
	assert_int_equal(resp.stub_len, 17);
	assert_memory_equal(resp.stub, stub, 17);

	/* empty stub */
	assert_true(rpc_response_encode(&p, 3, 1, 0, 0, NULL, 0));
	hdr_ok(p.data, p.len, &h);
	assert_int_equal(p.len, 24);
	assert_int_equal(rpc_response_decode(p.data, &h, &resp), 0);
	assert_int_equal(resp.stub_len, 0);

	assert_true(rpc_fault_encode(&p, RPC_PFC_DID_NOT_EXECUTE, 0x57, 2, 0x1c010002));
	hdr_ok(p.data, p.len, &h);
	assert_int_equal(h.ptype, RPC_PTYPE_FAULT);
	assert_int_equal(h.pfc_flags, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG | RPC_PFC_DID_NOT_EXECUTE);
	assert_int_equal(h.call_id, 0x57);
	assert_int_equal(p.len, 32);
	assert_int_equal(rpc_fault_decode(p.data, &h, &f), 0);
	assert_int_equal(f.ctx_id, 2);
	assert_int_equal(f.status, 0x1c010002);

	assert_true(rpc_shutdown_encode(&p, 8));
	hdr_ok(p.data, p.len, &h);
	assert_int_equal(h.ptype, RPC_PTYPE_SHUTDOWN);
	assert_int_equal(p.len, 16);

	/* A PDU over 65535 bytes cannot be encoded. */
	uint8_t *big = calloc(1, 70000);
	assert_non_null(big);
	assert_false(rpc_request_encode(&p, 3, 1, 0, 0, 0, big, 70000));
	free(big);
	ndr_push_free(&p);
}

static void test_truncated_bodies(void **state)
{
	(void)state;
	struct rpc_hdr h;
	struct rpc_request r;
	struct rpc_response resp;
	struct rpc_fault f;
	struct rpc_bind b;
	struct rpc_bind_ack a;
	struct ndr_push p;

	/* Every shorter frag_length of a captured bind fails to decode. */
	for (size_t len = 16; len < sizeof(vec_btfn_bind); len++) {
		uint8_t *d = dup_bytes(vec_btfn_bind, len);
		set_le16(d + 8, (uint16_t)len);
		hdr_ok(d, len, &h);
		assert_int_equal(rpc_bind_decode(d, &h, &b), -1);
		free(d);
	}
	for (size_t len = 16; len < sizeof(vec_btfn_bind_ack); len++) {
		uint8_t *d = dup_bytes(vec_btfn_bind_ack, len);
		set_le16(d + 8, (uint16_t)len);
		hdr_ok(d, len, &h);
		assert_int_equal(rpc_bind_ack_decode(d, &h, &a), -1);
		free(d);
	}
	for (size_t len = 16; len < 24; len++) {
		uint8_t *d = dup_bytes(vec_get_version2_req, len);
		set_le16(d + 8, (uint16_t)len);
		hdr_ok(d, len, &h);
		assert_int_equal(rpc_request_decode(d, &h, &r), -1);
		free(d);
		d = dup_bytes(vec_get_version2_resp, len);
		set_le16(d + 8, (uint16_t)len);
		hdr_ok(d, len, &h);
		assert_int_equal(rpc_response_decode(d, &h, &resp), -1);
		free(d);
	}
	ndr_push_init(&p);
	assert_true(rpc_fault_encode(&p, 0, 1, 0, 5));
	for (size_t len = 16; len < 28; len++) {
		uint8_t *d = dup_bytes(p.data, len);
		set_le16(d + 8, (uint16_t)len);
		hdr_ok(d, len, &h);
		assert_int_equal(rpc_fault_decode(d, &h, &f), -1);
		free(d);
	}
	ndr_push_free(&p);
}

static void test_bind_context_limits(void **state)
{
	(void)state;
	uint8_t b[sizeof(vec_epm_bind)];
	struct rpc_hdr h;
	struct rpc_bind d;

	memcpy(b, vec_epm_bind, sizeof(b));
	hdr_ok(b, sizeof(b), &h);
	assert_int_equal(rpc_bind_decode(b, &h, &d), 0);

	/* n_ctx > RPC_MAX_CONTEXTS is refused outright */
	b[24] = RPC_MAX_CONTEXTS + 1;
	assert_int_equal(rpc_bind_decode(b, &h, &d), -1);
	b[24] = 0xff;
	assert_int_equal(rpc_bind_decode(b, &h, &d), -1);
	/* two contexts announced, one present */
	b[24] = 2;
	assert_int_equal(rpc_bind_decode(b, &h, &d), -1);
	b[24] = 1;

	/* n_transfer 0 or over the limit */
	assert_int_equal(b[30], 1);
	b[30] = 0;
	assert_int_equal(rpc_bind_decode(b, &h, &d), -1);
	b[30] = RPC_MAX_TRANSFER + 1;
	assert_int_equal(rpc_bind_decode(b, &h, &d), -1);
	b[30] = 1;

	/* RPC_MAX_CONTEXTS + 1 complete contexts: refused, not decoded past the
	 * array */
	struct rpc_bind nine;
	struct ndr_push p9;
	memset(&nine, 0, sizeof(nine));
	nine.max_xmit_frag = nine.max_recv_frag = 5840;
	nine.n_ctx = RPC_MAX_CONTEXTS;
	for (int i = 0; i < RPC_MAX_CONTEXTS; i++) {
		nine.ctx[i].ctx_id = (uint16_t)i;
		nine.ctx[i].n_transfer = 1;
		nine.ctx[i].abstract = epm_syntax;
		nine.ctx[i].transfer[0] = rpc_syntax_ndr;
	}
	ndr_push_init(&p9);
	assert_true(rpc_bind_encode(&p9, RPC_PTYPE_BIND, 1, &nine));
	assert_int_equal(p9.len, 28 + RPC_MAX_CONTEXTS * 44);
	/* one more context: a copy of the last one with id 8 */
	uint8_t extra[44];
	memcpy(extra, p9.data + p9.len - 44, 44);
	extra[0] = RPC_MAX_CONTEXTS;
	assert_true(ndr_push_bytes(&p9, extra, sizeof(extra)));
	p9.data[24] = RPC_MAX_CONTEXTS + 1;
	ndr_push_u16_at(&p9, 8, (uint16_t)p9.len);
	hdr_ok(p9.data, p9.len, &h);
	assert_int_equal(rpc_bind_decode(p9.data, &h, &d), -1);
	ndr_push_free(&p9);

	/* RPC_MAX_CONTEXTS contexts is fine */
	struct rpc_bind many;
	struct ndr_push p;
	memset(&many, 0, sizeof(many));
	many.max_xmit_frag = many.max_recv_frag = 5840;
	many.n_ctx = RPC_MAX_CONTEXTS;
	for (int i = 0; i < RPC_MAX_CONTEXTS; i++) {
		many.ctx[i].ctx_id = (uint16_t)i;
		many.ctx[i].n_transfer = 1;
		many.ctx[i].abstract = epm_syntax;
		many.ctx[i].transfer[0] = rpc_syntax_ndr;
	}
	ndr_push_init(&p);
	assert_true(rpc_bind_encode(&p, RPC_PTYPE_BIND, 1, &many));
	hdr_ok(p.data, p.len, &h);
	assert_int_equal(rpc_bind_decode(p.data, &h, &d), 0);
	assert_int_equal(d.n_ctx, RPC_MAX_CONTEXTS);
	ndr_push_free(&p);
}

/* A request with an 8-byte auth trailer and a 16-byte verifier: the stub the
 * decoder returns excludes the auth padding. */
static void test_request_with_auth_trailer(void **state)
{
	(void)state;
	static const uint8_t pdu[56] = {
		5, 0, 0, 3, 0x10, 0, 0, 0, 56, 0, 16, 0, 9, 0, 0, 0, /* header: frag 56, auth 16 */
		5, 0, 0, 0, 1, 0, 4, 0,                             /* alloc_hint 5, ctx 1, opnum 4 */
		'h', 'e', 'l', 'l', 'o', 0, 0, 0,                   /* stub + 3 bytes auth pad */
		0x0a, 6, 3, 0, 0x04, 0x03, 0x02, 0x01,               /* NTLMSSP, privacy, pad 3 */
		0xa0, 0xa1, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7,
		0xa8, 0xa9, 0xaa, 0xab, 0xac, 0xad, 0xae, 0xaf,
	};
	struct rpc_hdr h;
	struct rpc_request r;
	struct rpc_response resp;

	hdr_ok(pdu, sizeof(pdu), &h);
	assert_int_equal(h.auth_length, 16);
	assert_int_equal(rpc_request_decode(pdu, &h, &r), 0);
	assert_int_equal(r.ctx_id, 1);
	assert_int_equal(r.opnum, 4);
	assert_true(r.has_auth);
	assert_int_equal(r.stub_len, 5);
	assert_memory_equal(r.stub, "hello", 5);
	assert_int_equal(r.auth.auth_type, 0x0a);
	assert_int_equal(r.auth.auth_level, 6);
	assert_int_equal(r.auth.auth_pad_length, 3);
	assert_int_equal(r.auth.auth_context_id, 0x01020304);
	assert_int_equal(r.auth.value_len, 16);
	assert_ptr_equal(r.auth.value, pdu + 40);

	/* the same body as a response: stub excludes the pad too */
	uint8_t rp[56];
	memcpy(rp, pdu, sizeof(rp));
	rp[2] = RPC_PTYPE_RESPONSE;
	rp[22] = rp[23] = 0; /* cancel count, reserved */
	hdr_ok(rp, sizeof(rp), &h);
	assert_int_equal(rpc_response_decode(rp, &h, &resp), 0);
	assert_int_equal(resp.stub_len, 5);

	/* auth_pad_length larger than the stub: refused */
	uint8_t bad[56];
	memcpy(bad, pdu, sizeof(bad));
	bad[34] = 9;
	hdr_ok(bad, sizeof(bad), &h);
	assert_int_equal(rpc_request_decode(bad, &h, &r), -1);
	bad[2] = RPC_PTYPE_RESPONSE;
	assert_int_equal(rpc_response_decode(bad, &h, &resp), -1);

	/* a bind with an auth trailer says so */
	struct rpc_bind b;
	struct ndr_push p;
	ndr_push_init(&p);
	memset(&b, 0, sizeof(b));
	b.max_xmit_frag = b.max_recv_frag = 5840;
	b.n_ctx = 1;
	b.ctx[0].n_transfer = 1;
	b.ctx[0].abstract = epm_syntax;
	b.ctx[0].transfer[0] = rpc_syntax_ndr;
	assert_true(rpc_bind_encode(&p, RPC_PTYPE_BIND, 1, &b));
	static const uint8_t trailer[8 + 4] = { 9, 2, 0, 0, 0x11, 0, 0, 0, 'N', 'E', 'G', 'O' };
	assert_true(ndr_push_bytes(&p, trailer, sizeof(trailer)));
	ndr_push_u16_at(&p, 8, (uint16_t)p.len);
	ndr_push_u16_at(&p, 10, 4);
	hdr_ok(p.data, p.len, &h);
	struct rpc_bind d;
	assert_int_equal(rpc_bind_decode(p.data, &h, &d), 0);
	assert_true(d.has_auth);
	assert_int_equal(d.auth.auth_type, 9);
	assert_int_equal(d.auth.auth_level, 2);
	assert_int_equal(d.auth.auth_context_id, 0x11);
	assert_int_equal(d.auth.value_len, 4);
	assert_memory_equal(d.auth.value, "NEGO", 4);
	assert_int_equal(d.n_ctx, 1);
	ndr_push_free(&p);
}

static void test_request_with_object_uuid(void **state)
{
	(void)state;
	uint8_t pdu[48] = { 5, 0, 0, 0x03 | RPC_PFC_OBJECT_UUID, 0x10, 0, 0, 0, 48, 0, 0, 0, 1, 0, 0, 0,
			    8, 0, 0, 0, 0, 0, 6, 0 };
	struct rpc_uuid obj;
	struct rpc_hdr h;
	struct rpc_request r;
	struct ndr_push p;

	assert_true(rpc_uuid_parse("01234567-89ab-cdef-0123-456789abcdef", &obj));
	ndr_push_init(&p);
	ndr_push_uuid(&p, &obj);
	memcpy(pdu + 24, p.data, 16);
	ndr_push_free(&p);
	memcpy(pdu + 40, "abcdefgh", 8);
	hdr_ok(pdu, sizeof(pdu), &h);
	assert_int_equal(rpc_request_decode(pdu, &h, &r), 0);
	assert_true(r.has_object);
	assert_true(rpc_uuid_equal(&r.object, &obj));
	assert_int_equal(r.opnum, 6);
	assert_int_equal(r.stub_len, 8);
	assert_memory_equal(r.stub, "abcdefgh", 8);

	/* flag set but no room for the UUID */
	set_le16(pdu + 8, 36);
	hdr_ok(pdu, 36, &h);
	assert_int_equal(rpc_request_decode(pdu, &h, &r), -1);
}

static void test_btfn_syntax(void **state)
{
	(void)state;
	struct rpc_syntax s;
	uint64_t f = 0;
	char buf[37];

	rpc_syntax_btfn(&s, 3);
	rpc_uuid_format(&s.uuid, buf);
	assert_string_equal(buf, "6cb71c2c-9812-4540-0300-000000000000");
	assert_int_equal(s.major, 1);
	assert_int_equal(s.minor, 0);
	assert_true(rpc_syntax_is_btfn(&s, &f));
	assert_true(f == 3);

	rpc_syntax_btfn(&s, 0x0102030405060708ull);
	rpc_uuid_format(&s.uuid, buf);
	assert_string_equal(buf, "6cb71c2c-9812-4540-0807-060504030201");
	assert_true(rpc_syntax_is_btfn(&s, &f));
	assert_true(f == 0x0102030405060708ull);

	rpc_syntax_btfn(&s, 0);
	assert_true(rpc_syntax_is_btfn(&s, &f));
	assert_true(f == 0);

	/* anything else is not feature negotiation */
	f = 99;
	assert_false(rpc_syntax_is_btfn(&rpc_syntax_ndr, &f));
	assert_true(f == 99);
	rpc_syntax_btfn(&s, 3);
	s.major = 2;
	assert_false(rpc_syntax_is_btfn(&s, &f));
	rpc_syntax_btfn(&s, 3);
	s.minor = 1;
	assert_false(rpc_syntax_is_btfn(&s, &f));
	rpc_syntax_btfn(&s, 3);
	s.uuid.time_low ^= 1;
	assert_false(rpc_syntax_is_btfn(&s, &f));
	rpc_syntax_btfn(&s, 3);
	s.uuid.time_mid ^= 0x100;
	assert_false(rpc_syntax_is_btfn(&s, &f));
	rpc_syntax_btfn(&s, 3);
	s.uuid.time_hi = 0x4541;
	assert_false(rpc_syntax_is_btfn(&s, &f));

	/* syntax equality looks at every field */
	struct rpc_syntax a = rpc_syntax_ndr, b = rpc_syntax_ndr;
	assert_true(rpc_syntax_equal(&a, &b));
	b.minor = 1;
	assert_false(rpc_syntax_equal(&a, &b));
	b = rpc_syntax_ndr;
	b.major = 1;
	assert_false(rpc_syntax_equal(&a, &b));
	b = rpc_syntax_ndr;
	b.uuid.rest[7] ^= 0x80;
	assert_false(rpc_syntax_equal(&a, &b));
	assert_syntax(&rpc_syntax_ndr, NDR_UUID, 2, 0);
	assert_syntax(&epm_syntax, EPM_UUID, 3, 0);
}

/* ---- towers ----------------------------------------------------------------- */

/* The map_tower of the captured ept_map request (75 octets after the twr_t
 * conformance and length words). */
#define REQ_TOWER (vec_ept_map_req + 24 + 16)
#define RESP_TOWER (vec_ept_map_resp + 24 + 48)
#define TOWER_LEN 75

static void test_tower_captured(void **state)
{
	(void)state;
	struct epm_tower t;

	/* request: twr_t max_count and length are both 75 */
	assert_int_equal(vec_ept_map_req[24 + 8], TOWER_LEN);
	assert_int_equal(vec_ept_map_req[24 + 12], TOWER_LEN);
	assert_int_equal(epm_tower_decode(REQ_TOWER, TOWER_LEN, &t), 0);
	assert_syntax(&t.iface, CMRP_UUID, 3, 0);
	assert_true(rpc_syntax_equal(&t.transfer, &rpc_syntax_ndr));
	assert_int_equal(t.rpc_protocol, EPM_PROT_NCACN);
	assert_int_equal(t.transport, EPM_PROT_TCP);
	assert_int_equal(t.port, 0);
	assert_int_equal(t.ipv4, 0);

	/* response: the port clusterd listens on */
	assert_int_equal(vec_ept_map_resp[24 + 44], TOWER_LEN);
	assert_int_equal(epm_tower_decode(RESP_TOWER, TOWER_LEN, &t), 0);
	assert_syntax(&t.iface, CMRP_UUID, 3, 0);
	assert_int_equal(t.transport, EPM_PROT_TCP);
	assert_int_equal(t.port, 46099);

	/* Our encoder produces the request tower byte for byte. */
	struct epm_tower want = { .iface = syntax(CMRP_UUID, 3, 0), .transfer = rpc_syntax_ndr,
				  .rpc_protocol = EPM_PROT_NCACN, .transport = EPM_PROT_TCP };
	struct ndr_push p;
	ndr_push_init(&p);
	assert_true(epm_tower_encode(&p, &want));
	assert_int_equal(p.len, TOWER_LEN);
	assert_memory_equal(p.data, REQ_TOWER, TOWER_LEN);
	ndr_push_free(&p);
	want.port = 46099;
	ndr_push_init(&p);
	assert_true(epm_tower_encode(&p, &want));
	assert_memory_equal(p.data, RESP_TOWER, TOWER_LEN);
	ndr_push_free(&p);
}

static void test_tower_round_trip_and_rejections(void **state)
{
	(void)state;
	struct epm_tower t = { .iface = syntax(EPM_UUID, 3, 0), .transfer = syntax(NDR64_UUID, 1, 0),
			       .rpc_protocol = EPM_PROT_NCACN, .transport = EPM_PROT_TCP,
			       .port = 0x1234, .ipv4 = 0xc0a80102 };
	struct epm_tower d;
	struct ndr_push p;

	ndr_push_init(&p);
	assert_true(epm_tower_encode(&p, &t));
	assert_int_equal(p.len, TOWER_LEN);
	/* port and address are big-endian on the wire */
	assert_int_equal(p.data[61], EPM_PROT_TCP);
	assert_int_equal(p.data[64], 0x12);
	assert_int_equal(p.data[65], 0x34);
	assert_int_equal(p.data[68], EPM_PROT_IP);
	assert_int_equal(p.data[71], 0xc0);
	assert_int_equal(p.data[74], 0x02);
	assert_int_equal(epm_tower_decode(p.data, p.len, &d), 0);
	assert_true(rpc_syntax_equal(&d.iface, &t.iface));
	assert_true(rpc_syntax_equal(&d.transfer, &t.transfer));
	assert_int_equal(d.rpc_protocol, EPM_PROT_NCACN);
	assert_int_equal(d.transport, EPM_PROT_TCP);
	assert_int_equal(d.port, 0x1234);
	assert_int_equal(d.ipv4, 0xc0a80102);

	/* Every truncation fails (checked in an exactly sized copy). */
	for (size_t len = 0; len < TOWER_LEN; len++) {
		uint8_t *c = dup_bytes(p.data, len);
		assert_int_equal(epm_tower_decode(c, len, &d), -1);
		free(c);
	}

	uint8_t b[TOWER_LEN];
	/* floor counts out of range */
	memcpy(b, p.data, sizeof(b));
	set_le16(b, 2);
	assert_int_equal(epm_tower_decode(b, sizeof(b), &d), -1);
	set_le16(b, 9);
	assert_int_equal(epm_tower_decode(b, sizeof(b), &d), -1);
	set_le16(b, 6); /* one more floor than present */
	assert_int_equal(epm_tower_decode(b, sizeof(b), &d), -1);
	/* floor 1 is not a UUID floor */
	memcpy(b, p.data, sizeof(b));
	b[4] = EPM_PROT_TCP;
	assert_int_equal(epm_tower_decode(b, sizeof(b), &d), -1);
	/* lhs length 0 */
	memcpy(b, p.data, sizeof(b));
	set_le16(b + 2, 0);
	assert_int_equal(epm_tower_decode(b, sizeof(b), &d), -1);
	/* rhs length running past the end */
	memcpy(b, p.data, sizeof(b));
	set_le16(b + 23, 0xffff);
	assert_int_equal(epm_tower_decode(b, sizeof(b), &d), -1);
	ndr_push_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hdr_decode_rejections),
		cmocka_unit_test(test_hdr_big_endian),
		cmocka_unit_test(test_bind_decode_captured_btfn),
		cmocka_unit_test(test_bind_decode_captured_epm),
		cmocka_unit_test(test_bind_ack_decode_captured),
		cmocka_unit_test(test_encoders_match_captures),
		cmocka_unit_test(test_request_response_decode_captured),
		cmocka_unit_test(test_bind_round_trip),
		cmocka_unit_test(test_bind_ack_nak_round_trip),
		cmocka_unit_test(test_request_response_fault_round_trip),
		cmocka_unit_test(test_truncated_bodies),
		cmocka_unit_test(test_bind_context_limits),
		cmocka_unit_test(test_request_with_auth_trailer),
		cmocka_unit_test(test_request_with_object_uuid),
		cmocka_unit_test(test_btfn_syntax),
		cmocka_unit_test(test_tower_captured),
		cmocka_unit_test(test_tower_round_trip_and_rejections),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
