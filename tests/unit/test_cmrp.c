/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for src/cmrp/cmrp.c: every MS-CMRP codec, round trips and the
 * stubs of PDUs captured from Samba clients. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/utf16.h"
#include "base/werror.h"
#include "cmrp/cmrp.h"
#include "vectors.h"

/* Captured stubs: the PDU minus its 24-byte request/response header. */
#define STUB(v) ((v) + 24)
#define STUB_LEN(v) (sizeof(v) - 24)

static struct cmrp_string str(const char *utf8)
{
	struct cmrp_string s;
	s.s = utf16_from_utf8_dup(utf8);
	assert_non_null(s.s);
	s.units = utf16_len(s.s);
	return s;
}

static void assert_str(const struct cmrp_string *s, const char *utf8)
{
	assert_non_null(s->s);
	assert_int_equal(s->s[s->units], 0);
	char *got = utf16_to_utf8_dup(s->s, s->units);
	assert_non_null(got);
	assert_string_equal(got, utf8);
	free(got);
}

static struct rpc_ctx_handle handle(const char *uuid)
{
	struct rpc_ctx_handle h = { 0 };
	assert_true(rpc_uuid_parse(uuid, &h.uuid));
	return h;
}

/* ---- a decoder of each shape, freeing what it decoded ------------------- */

typedef bool (*decode_fn)(struct ndr_pull *in);

static bool dec_open_ex_in(struct ndr_pull *in)
{
	uint32_t d;
	return cmrp_open_cluster_ex_decode_in(in, &d);
}

static bool dec_open_out(struct ndr_pull *in)
{
	struct cmrp_open_cluster_out o;
	return cmrp_open_cluster_decode_out(in, &o, false);
}

static bool dec_open_ex_out(struct ndr_pull *in)
{
	struct cmrp_open_cluster_out o;
	return cmrp_open_cluster_decode_out(in, &o, true);
}

static bool dec_handle(struct ndr_pull *in)
{
	struct rpc_ctx_handle h;
	return cmrp_handle_decode(in, &h);
}

static bool dec_close_out(struct ndr_pull *in)
{
	struct rpc_ctx_handle h;
	uint32_t r;
	return cmrp_close_decode_out(in, &h, &r);
}

static bool dec_set_name_in(struct ndr_pull *in)
{
	struct cmrp_string s;
	bool ok = cmrp_set_cluster_name_decode_in(in, &s);
	if (!ok)
		assert_null(s.s);
	cmrp_string_free(&s);
	return ok;
}

static bool dec_status_result(struct ndr_pull *in)
{
	uint32_t a, b;
	return cmrp_status_result_decode_out(in, &a, &b);
}

static bool dec_cluster_name_out(struct ndr_pull *in)
{
	struct cmrp_cluster_name_out o;
	bool ok = cmrp_get_cluster_name_decode_out(in, &o);
	if (!ok) {
		assert_null(o.cluster.s);
		assert_null(o.node.s);
	}
	cmrp_cluster_name_out_free(&o);
	return ok;
}

static bool dec_version_out(struct ndr_pull *in)
{
	struct cmrp_version_out o;
	bool ok = cmrp_version_decode_out(in, &o, false);
	cmrp_version_out_free(&o);
	return ok;
}

static bool dec_version2_out(struct ndr_pull *in)
{
	struct cmrp_version_out o;
	bool ok = cmrp_version_decode_out(in, &o, true);
	if (!ok) {
		assert_null(o.vendor.s);
		assert_null(o.csd.s);
	}
	cmrp_version_out_free(&o);
	return ok;
}

static bool run_decoder(decode_fn dec, const uint8_t *stub, size_t len)
{
	/* an exactly sized copy, so ASan catches any read past the stub */
	uint8_t *copy = malloc(len ? len : 1);
	struct ndr_pull in;
	assert_non_null(copy);
	if (len)
		memcpy(copy, stub, len);
	ndr_pull_init(&in, copy, len, false);
	bool ok = dec(&in);
	if (ok)
		assert_false(in.error);
	free(copy);
	return ok;
}

/* A valid stub decodes; with zero padding up to the next multiple of 8 it
 * still does; any truncation or 8+ bytes of trailing data is refused. */
static void check_strictness(decode_fn dec, const uint8_t *stub, size_t len)
{
	uint8_t *big = calloc(1, len + 64);
	assert_non_null(big);
	memcpy(big, stub, len);

	assert_true(run_decoder(dec, big, len));
	if (len % 8)
		assert_true(run_decoder(dec, big, len + (8 - len % 8)));
	static const size_t extra[] = { 8, 9, 12, 16, 63 };
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		memset(big + len, 0xab, 64);
		assert_false(run_decoder(dec, big, len + extra[i]));
		memset(big + len, 0, 64);
		assert_false(run_decoder(dec, big, len + extra[i]));
	}
	for (size_t cut = 0; cut < len; cut++)
		if (run_decoder(dec, big, cut))
			fail_msg("a stub of %zu bytes cut to %zu still decodes", len, cut);
	free(big);
}

static void test_syntax(void **state)
{
	(void)state;
	char buf[37];
	rpc_uuid_format(&cmrp_syntax.uuid, buf);
	assert_string_equal(buf, "b97db8b2-4c63-11cf-bff6-08002be23f2f");
	assert_int_equal(cmrp_syntax.major, 3);
	assert_int_equal(cmrp_syntax.minor, 0);
}

/* ---- 0 / 117 open --------------------------------------------------------- */

static void test_open_cluster(void **state)
{
	(void)state;
	struct ndr_push p;
	struct ndr_pull in;
	uint32_t desired = 0;
	struct cmrp_open_cluster_out o, d;

	ndr_push_init(&p);
	assert_true(cmrp_open_cluster_ex_encode_in(&p, 0x80000000u));
	static const uint8_t want_in[] = { 0, 0, 0, 0x80 };
	assert_int_equal(p.len, 4);
	assert_memory_equal(p.data, want_in, 4);
	ndr_pull_init(&in, p.data, p.len, false);
	assert_true(cmrp_open_cluster_ex_decode_in(&in, &desired));
	assert_int_equal(desired, 0x80000000u);
	check_strictness(dec_open_ex_in, p.data, p.len);
	ndr_push_free(&p);

	/* OpenClusterEx out: granted, status, handle */
	o.granted = 0x10000000u;
	o.status = 0;
	o.handle = handle("00112233-4455-6677-8899-aabbccddeeff");
	o.handle.attributes = 0;
	ndr_push_init(&p);
	assert_true(cmrp_open_cluster_encode_out(&p, &o, true));
	assert_int_equal(p.len, 28);
	ndr_pull_init(&in, p.data, p.len, false);
	assert_true(cmrp_open_cluster_decode_out(&in, &d, true));
	assert_int_equal(d.granted, 0x10000000u);
	assert_int_equal(d.status, 0);
	assert_true(rpc_uuid_equal(&d.handle.uuid, &o.handle.uuid));
	check_strictness(dec_open_ex_out, p.data, p.len);
	ndr_push_free(&p);

	/* OpenCluster out: status, handle (no granted) */
	o.status = ERROR_ACCESS_DENIED;
	memset(&o.handle, 0, sizeof(o.handle));
	ndr_push_init(&p);
	assert_true(cmrp_open_cluster_encode_out(&p, &o, false));
	assert_int_equal(p.len, 24);
	ndr_pull_init(&in, p.data, p.len, false);
	assert_true(cmrp_open_cluster_decode_out(&in, &d, false));
	assert_int_equal(d.granted, 0);
	assert_int_equal(d.status, ERROR_ACCESS_DENIED);
	assert_true(rpc_uuid_is_nil(&d.handle.uuid));
	ndr_push_free(&p);
}

static void test_open_close_captured(void **state)
{
	(void)state;
	struct ndr_pull in;
	struct cmrp_open_cluster_out o;
	struct rpc_ctx_handle h, want = handle("3bcdc556-88d3-4adb-a83f-eb157500884c");
	uint32_t result = 0xffffffff;
	struct ndr_push p;

	/* ApiOpenCluster response: Status 0 and the handle */
	assert_int_equal(STUB_LEN(vec_open_cluster_resp), 24);
	ndr_pull_init(&in, STUB(vec_open_cluster_resp), STUB_LEN(vec_open_cluster_resp), false);
	assert_true(cmrp_open_cluster_decode_out(&in, &o, false));
	assert_int_equal(o.status, 0);
	assert_int_equal(o.handle.attributes, 0);
	assert_true(rpc_uuid_equal(&o.handle.uuid, &want.uuid));
	ndr_push_init(&p);
	assert_true(cmrp_open_cluster_encode_out(&p, &o, false));
	assert_int_equal(p.len, 24);
	assert_memory_equal(p.data, STUB(vec_open_cluster_resp), 24);
	ndr_push_free(&p);
	check_strictness(dec_open_out, STUB(vec_open_cluster_resp), 24);

	/* ApiCloseCluster request: the same handle */
	ndr_pull_init(&in, STUB(vec_close_cluster_req), STUB_LEN(vec_close_cluster_req), false);
	assert_true(cmrp_handle_decode(&in, &h));
	assert_true(rpc_uuid_equal(&h.uuid, &want.uuid));
	ndr_push_init(&p);
	assert_true(cmrp_handle_encode(&p, &h));
	assert_int_equal(p.len, STUB_LEN(vec_close_cluster_req));
	assert_memory_equal(p.data, STUB(vec_close_cluster_req), p.len);
	ndr_push_free(&p);
	check_strictness(dec_handle, STUB(vec_close_cluster_req), STUB_LEN(vec_close_cluster_req));

	/* ApiCloseCluster response: a NULL handle and ERROR_SUCCESS */
	ndr_pull_init(&in, STUB(vec_close_cluster_resp), STUB_LEN(vec_close_cluster_resp), false);
	assert_true(cmrp_close_decode_out(&in, &h, &result));
	assert_true(rpc_uuid_is_nil(&h.uuid));
	assert_int_equal(h.attributes, 0);
	assert_int_equal(result, 0);
	check_strictness(dec_close_out, STUB(vec_close_cluster_resp), STUB_LEN(vec_close_cluster_resp));

	/* close round trip with a non-zero result */
	h = want;
	ndr_push_init(&p);
	assert_true(cmrp_close_encode_out(&p, &h, ERROR_INVALID_HANDLE));
	ndr_pull_init(&in, p.data, p.len, false);
	struct rpc_ctx_handle h2;
	assert_true(cmrp_close_decode_out(&in, &h2, &result));
	assert_true(rpc_uuid_equal(&h2.uuid, &want.uuid));
	assert_int_equal(result, ERROR_INVALID_HANDLE);
	ndr_push_free(&p);
}

/* ---- 2 SetClusterName ------------------------------------------------------ */

static void test_set_cluster_name(void **state)
{
	(void)state;
	struct ndr_pull in;
	struct ndr_push p;
	struct cmrp_string name;
	uint32_t st = 0xffffffff, result = 0xffffffff;

	/* the captured request: "vm-cluster" */
	ndr_pull_init(&in, STUB(vec_set_cluster_name_req), STUB_LEN(vec_set_cluster_name_req), false);
	assert_true(cmrp_set_cluster_name_decode_in(&in, &name));
	assert_int_equal(name.units, 10);
	assert_str(&name, "vm-cluster");

	/* encoding it gives the captured bytes */
	ndr_push_init(&p);
	assert_true(cmrp_set_cluster_name_encode_in(&p, name.s, name.units));
	assert_int_equal(p.len, STUB_LEN(vec_set_cluster_name_req));
	assert_memory_equal(p.data, STUB(vec_set_cluster_name_req), p.len);
	ndr_push_free(&p);
	cmrp_string_free(&name);
	assert_null(name.s);
	assert_int_equal(name.units, 0);
	check_strictness(dec_set_name_in, STUB(vec_set_cluster_name_req), STUB_LEN(vec_set_cluster_name_req));

	/* the captured response: rpc_status 0, ERROR_RESOURCE_PROPERTIES_STORED */
	ndr_pull_init(&in, STUB(vec_set_cluster_name_resp), STUB_LEN(vec_set_cluster_name_resp), false);
	assert_true(cmrp_status_result_decode_out(&in, &st, &result));
	assert_int_equal(st, 0);
	assert_int_equal(result, ERROR_RESOURCE_PROPERTIES_STORED);
	ndr_push_init(&p);
	assert_true(cmrp_status_result_encode_out(&p, 0, 5024));
	assert_memory_equal(p.data, STUB(vec_set_cluster_name_resp), 8);
	ndr_push_free(&p);
	check_strictness(dec_status_result, STUB(vec_set_cluster_name_resp), 8);

	/* a big-endian reply decodes too */
	static const uint8_t be[8] = { 0, 0, 0, 0, 0, 0, 0x13, 0xa0 };
	ndr_pull_init(&in, be, sizeof(be), true);
	assert_true(cmrp_status_result_decode_out(&in, &st, &result));
	assert_int_equal(result, 5024);

	/* non-ASCII round trip */
	struct cmrp_string n = str("n\xc5\x93ud-\xf0\x9f\x98\x80");
	ndr_push_init(&p);
	assert_true(cmrp_set_cluster_name_encode_in(&p, n.s, n.units));
	ndr_pull_init(&in, p.data, p.len, false);
	assert_true(cmrp_set_cluster_name_decode_in(&in, &name));
	assert_int_equal(name.units, n.units);
	assert_str(&name, "n\xc5\x93ud-\xf0\x9f\x98\x80");
	cmrp_string_free(&name);
	cmrp_string_free(&n);
	ndr_push_free(&p);
}

static void test_name_length_limit(void **state)
{
	(void)state;
	uint16_t *long_name = malloc((CMRP_MAX_NAME_UNITS + 1) * sizeof(uint16_t));
	struct ndr_push p;
	struct ndr_pull in;
	struct cmrp_string name;

	assert_non_null(long_name);
	for (size_t i = 0; i <= CMRP_MAX_NAME_UNITS; i++)
		long_name[i] = 'a' + (uint16_t)(i % 26);

	/* CMRP_MAX_NAME_UNITS counts the NUL: 1023 characters fit */
	ndr_push_init(&p);
	assert_true(cmrp_set_cluster_name_encode_in(&p, long_name, CMRP_MAX_NAME_UNITS - 1));
	ndr_pull_init(&in, p.data, p.len, false);
	assert_true(cmrp_set_cluster_name_decode_in(&in, &name));
	assert_int_equal(name.units, CMRP_MAX_NAME_UNITS - 1);
	cmrp_string_free(&name);
	ndr_push_free(&p);

	/* one more is refused */
	ndr_push_init(&p);
	assert_true(cmrp_set_cluster_name_encode_in(&p, long_name, CMRP_MAX_NAME_UNITS));
	ndr_pull_init(&in, p.data, p.len, false);
	assert_false(cmrp_set_cluster_name_decode_in(&in, &name));
	assert_null(name.s);
	ndr_push_free(&p);

	/* the same limit applies to [out] strings */
	struct cmrp_cluster_name_out o = { 0 }, d;
	o.cluster.s = long_name;
	o.cluster.units = CMRP_MAX_NAME_UNITS;
	ndr_push_init(&p);
	assert_true(cmrp_get_cluster_name_encode_out(&p, &o));
	ndr_pull_init(&in, p.data, p.len, false);
	assert_false(cmrp_get_cluster_name_decode_out(&in, &d));
	assert_null(d.cluster.s);
	ndr_push_free(&p);
	free(long_name);
}

/* ---- 3 GetClusterName -------------------------------------------------------- */

static void test_get_cluster_name(void **state)
{
	(void)state;
	struct ndr_pull in;
	struct ndr_push p;
	struct cmrp_cluster_name_out o, d;

	/* captured: "vm-cluster" on node "vm" */
	ndr_pull_init(&in, STUB(vec_get_cluster_name_resp), STUB_LEN(vec_get_cluster_name_resp), false);
	assert_true(cmrp_get_cluster_name_decode_out(&in, &o));
	assert_str(&o.cluster, "vm-cluster");
	assert_int_equal(o.cluster.units, 10);
	assert_str(&o.node, "vm");
	assert_int_equal(o.node.units, 2);
	assert_int_equal(o.result, 0);

	ndr_push_init(&p);
	assert_true(cmrp_get_cluster_name_encode_out(&p, &o));
	assert_int_equal(p.len, STUB_LEN(vec_get_cluster_name_resp));
	assert_memory_equal(p.data, STUB(vec_get_cluster_name_resp), p.len);
	ndr_push_free(&p);
	cmrp_cluster_name_out_free(&o);
	assert_null(o.cluster.s);
	assert_null(o.node.s);
	check_strictness(dec_cluster_name_out, STUB(vec_get_cluster_name_resp), STUB_LEN(vec_get_cluster_name_resp));

	/* NULL string pointers: unique pointers with referent 0 */
	memset(&o, 0, sizeof(o));
	o.result = ERROR_ACCESS_DENIED;
	ndr_push_init(&p);
	assert_true(cmrp_get_cluster_name_encode_out(&p, &o));
	assert_int_equal(p.len, 12);
	static const uint8_t nulls[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0 };
	assert_memory_equal(p.data, nulls, 12);
	ndr_pull_init(&in, p.data, p.len, false);
	assert_true(cmrp_get_cluster_name_decode_out(&in, &d));
	assert_null(d.cluster.s);
	assert_int_equal(d.cluster.units, 0);
	assert_null(d.node.s);
	assert_int_equal(d.result, ERROR_ACCESS_DENIED);
	cmrp_cluster_name_out_free(&d);
	check_strictness(dec_cluster_name_out, p.data, p.len);
	ndr_push_free(&p);

	/* one present, one NULL; an empty string is not NULL */
	o.cluster = str("");
	o.result = 0;
	ndr_push_init(&p);
	assert_true(cmrp_get_cluster_name_encode_out(&p, &o));
	ndr_pull_init(&in, p.data, p.len, false);
	assert_true(cmrp_get_cluster_name_decode_out(&in, &d));
	assert_non_null(d.cluster.s);
	assert_int_equal(d.cluster.units, 0);
	assert_null(d.node.s);
	cmrp_cluster_name_out_free(&d);
	cmrp_cluster_name_out_free(&o);
	ndr_push_free(&p);

	/* a broken second string frees the first (ASan checks the leak) */
	uint8_t bad[sizeof(vec_get_cluster_name_resp) - 24];
	memcpy(bad, STUB(vec_get_cluster_name_resp), sizeof(bad));
	/* node string: "vm\0" -> "vmX", no NUL */
	assert_int_equal(bad[60], 0);
	bad[60] = 'X';
	assert_false(run_decoder(dec_cluster_name_out, bad, sizeof(bad)));
	/* node string with offset 1 */
	memcpy(bad, STUB(vec_get_cluster_name_resp), sizeof(bad));
	assert_int_equal(bad[48], 0);
	bad[48] = 1;
	assert_false(run_decoder(dec_cluster_name_out, bad, sizeof(bad)));
}

/* ---- 4 / 102 GetClusterVersion(2) ---------------------------------------------- */

static void test_version2_captured(void **state)
{
	(void)state;
	struct ndr_pull in;
	struct ndr_push p;
	struct cmrp_version_out o;

	ndr_pull_init(&in, STUB(vec_get_version2_resp), STUB_LEN(vec_get_version2_resp), false);
	assert_true(cmrp_version_decode_out(&in, &o, true));
	assert_int_equal(o.major, 10);
	assert_int_equal(o.minor, 0);
	assert_int_equal(o.build, 14393);
	assert_str(&o.vendor, "libclusapi clusterd");
	assert_str(&o.csd, "clusterd 0.1.0");
	assert_true(o.has_opver);
	assert_int_equal(o.highest, 0x00090000);
	assert_int_equal(o.lowest, 0x00090000);
	assert_int_equal(o.flags, 0);
	assert_int_equal(o.rpc_status, 0);
	assert_int_equal(o.result, 0);

	ndr_push_init(&p);
	assert_true(cmrp_version_encode_out(&p, &o, true));
	assert_int_equal(p.len, STUB_LEN(vec_get_version2_resp));
	assert_memory_equal(p.data, STUB(vec_get_version2_resp), p.len);
	ndr_push_free(&p);
	cmrp_version_out_free(&o);
	assert_null(o.vendor.s);
	assert_null(o.csd.s);
	check_strictness(dec_version2_out, STUB(vec_get_version2_resp), STUB_LEN(vec_get_version2_resp));

	/* Stub layout: 0 major minor build pad, 8 vendor ptr, 12 max offset
	 * actual, 24 20 units, 64 csd ptr, 68 max offset actual, 80 15 units,
	 * pad, 112 opver ptr, 116 size highest lowest flags reserved,
	 * 136 rpc_status, 140 result. */
	uint8_t bad[sizeof(vec_get_version2_resp) - 24];
	assert_int_equal(sizeof(bad), 144);

	/* the operational version structure must say it is 20 bytes */
	memcpy(bad, STUB(vec_get_version2_resp), sizeof(bad));
	assert_int_equal(bad[116], 20);
	bad[116] = 24;
	assert_false(run_decoder(dec_version2_out, bad, sizeof(bad)));

	/* vendor: actual_count above max_count */
	memcpy(bad, STUB(vec_get_version2_resp), sizeof(bad));
	assert_int_equal(bad[20], 20);
	bad[20] = 21;
	assert_false(run_decoder(dec_version2_out, bad, sizeof(bad)));

	/* csd broken after the vendor was decoded: the vendor is freed (ASan
	 * reports a leak otherwise) and both come back NULL */
	memcpy(bad, STUB(vec_get_version2_resp), sizeof(bad));
	assert_int_equal(bad[76], 15);
	bad[76] = 16;
	assert_false(run_decoder(dec_version2_out, bad, sizeof(bad)));
	memcpy(bad, STUB(vec_get_version2_resp), sizeof(bad));
	assert_int_equal(bad[108], 0);
	bad[108] = '!'; /* csd NUL overwritten */
	assert_false(run_decoder(dec_version2_out, bad, sizeof(bad)));

	/* a NULL operational version pointer leaves 24 bytes that are not ours */
	memcpy(bad, STUB(vec_get_version2_resp), sizeof(bad));
	memset(bad + 112, 0, 4);
	assert_false(run_decoder(dec_version2_out, bad, sizeof(bad)));
}

static void test_version_round_trips(void **state)
{
	(void)state;
	struct ndr_pull in;
	struct ndr_push p;
	struct cmrp_version_out o, d;

	/* version 1: no operational version, no rpc_status; NULL csd */
	memset(&o, 0, sizeof(o));
	o.major = 6;
	o.minor = 3;
	o.build = 9600;
	o.vendor = str("Vendor");
	o.result = 0;
	ndr_push_init(&p);
	assert_true(cmrp_version_encode_out(&p, &o, false));
	ndr_pull_init(&in, p.data, p.len, false);
	assert_true(cmrp_version_decode_out(&in, &d, false));
	assert_int_equal(d.major, 6);
	assert_int_equal(d.minor, 3);
	assert_int_equal(d.build, 9600);
	assert_str(&d.vendor, "Vendor");
	assert_null(d.csd.s);
	assert_false(d.has_opver);
	assert_int_equal(d.result, 0);
	cmrp_version_out_free(&d);
	check_strictness(dec_version_out, p.data, p.len);
	/* a version 1 reply is not a version 2 reply */
	assert_false(run_decoder(dec_version2_out, p.data, p.len));
	ndr_push_free(&p);

	/* version 2 without the operational version, with an error */
	o.has_opver = false;
	o.rpc_status = 0x6f7;
	o.result = ERROR_INTERNAL_ERROR;
	o.csd = str("SP1");
	ndr_push_init(&p);
	assert_true(cmrp_version_encode_out(&p, &o, true));
	ndr_pull_init(&in, p.data, p.len, false);
	assert_true(cmrp_version_decode_out(&in, &d, true));
	assert_false(d.has_opver);
	assert_int_equal(d.highest, 0);
	assert_int_equal(d.rpc_status, 0x6f7);
	assert_int_equal(d.result, ERROR_INTERNAL_ERROR);
	assert_str(&d.csd, "SP1");
	cmrp_version_out_free(&d);
	check_strictness(dec_version2_out, p.data, p.len);
	ndr_push_free(&p);

	/* version 2, every field set, both strings NULL */
	cmrp_version_out_free(&o);
	o.has_opver = true;
	o.highest = 0x000a0000;
	o.lowest = 0x00080000;
	o.flags = 0x1;
	o.rpc_status = 0;
	o.result = 0;
	ndr_push_init(&p);
	assert_true(cmrp_version_encode_out(&p, &o, true));
	ndr_pull_init(&in, p.data, p.len, false);
	assert_true(cmrp_version_decode_out(&in, &d, true));
	assert_null(d.vendor.s);
	assert_null(d.csd.s);
	assert_true(d.has_opver);
	assert_int_equal(d.highest, 0x000a0000);
	assert_int_equal(d.lowest, 0x00080000);
	assert_int_equal(d.flags, 1);
	cmrp_version_out_free(&d);
	check_strictness(dec_version2_out, p.data, p.len);
	ndr_push_free(&p);
}

static void test_status_result_and_handles(void **state)
{
	(void)state;
	struct ndr_push p;
	struct ndr_pull in;
	uint32_t a = 0, b = 0;

	ndr_push_init(&p);
	assert_true(cmrp_status_result_encode_out(&p, 0x1c010002u, ERROR_INVALID_NAME));
	ndr_pull_init(&in, p.data, p.len, false);
	assert_true(cmrp_status_result_decode_out(&in, &a, &b));
	assert_int_equal(a, 0x1c010002u);
	assert_int_equal(b, ERROR_INVALID_NAME);
	ndr_push_free(&p);

	struct rpc_ctx_handle h = handle("fedcba98-7654-3210-0f1e-2d3c4b5a6978"), d;
	h.attributes = 0x11;
	ndr_push_init(&p);
	assert_true(cmrp_handle_encode(&p, &h));
	assert_int_equal(p.len, 20);
	ndr_pull_init(&in, p.data, p.len, false);
	assert_true(cmrp_handle_decode(&in, &d));
	assert_int_equal(d.attributes, 0x11);
	assert_true(rpc_uuid_equal(&d.uuid, &h.uuid));
	check_strictness(dec_handle, p.data, p.len);
	ndr_push_free(&p);

	/* cmrp_decode_done itself */
	static const uint8_t eight[8] = { 0 };
	ndr_pull_init(&in, eight, 8, false);
	assert_false(cmrp_decode_done(&in));
	assert_true(in.error);
	ndr_pull_init(&in, eight, 7, false);
	assert_true(cmrp_decode_done(&in));
	ndr_pull_init(&in, eight, 0, false);
	assert_true(cmrp_decode_done(&in));
	in.error = true;
	assert_false(cmrp_decode_done(&in));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_open_cluster),
		cmocka_unit_test(test_open_close_captured),
		cmocka_unit_test(test_set_cluster_name),
		cmocka_unit_test(test_name_length_limit),
		cmocka_unit_test(test_get_cluster_name),
		cmocka_unit_test(test_version2_captured),
		cmocka_unit_test(test_version_round_trips),
		cmocka_unit_test(test_status_result_and_handles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
