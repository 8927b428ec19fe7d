/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for src/rpc/ndr.c: NDR 2.0 primitives, UUIDs and strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rpc/ndr.h"

/* malloc is wrapped at link time (-Wl,--wrap=malloc) for this executable, so
 * the tests can see how much the decoder asked for. */
void *__real_malloc(size_t n);
void *__wrap_malloc(size_t n);

static size_t malloc_calls;
static size_t malloc_largest;

void *__wrap_malloc(size_t n)
{
	malloc_calls++;
	if (n > malloc_largest)
		malloc_largest = n;
	return __real_malloc(n);
}

static void malloc_stats_reset(void)
{
	malloc_calls = 0;
	malloc_largest = 0;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* A [string] wire form: max_count, offset, actual_count, then `n` units (which
 * may be fewer than actual_count, to fake a short buffer).  Returns the size. */
static size_t build_string(uint8_t *buf, uint32_t max_count, uint32_t offset, uint32_t actual, const uint16_t *units,
			   size_t n, bool be)
{
	void (*put32)(uint8_t *, uint32_t) = be ? put_be32 : put_le32;
	put32(buf, max_count);
	put32(buf + 4, offset);
	put32(buf + 8, actual);
	for (size_t i = 0; i < n; i++) {
		buf[12 + 2 * i + (be ? 1 : 0)] = (uint8_t)units[i];
		buf[12 + 2 * i + (be ? 0 : 1)] = (uint8_t)(units[i] >> 8);
	}
	return 12 + 2 * n;
}

/* ---- integers and alignment ---------------------------------------------- */

static void test_push_alignment(void **state)
{
	(void)state;
	struct ndr_push p;
	static const uint8_t want[24] = {
		0xaa, 0x00, 0x22, 0x11,                         /* u8, pad, u16 */
		0xbb, 0x00, 0x00, 0x00,                         /* u8, pad to 4 */
		0x66, 0x55, 0x44, 0x33,                         /* u32 */
		0xcc, 0x00, 0x00, 0x00,                         /* u8, pad to 8 */
		0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01, /* u64 */
	};

	ndr_push_init(&p);
	assert_true(ndr_push_u8(&p, 0xaa));
	assert_true(ndr_push_u16(&p, 0x1122));
	assert_int_equal(p.len, 4);
	assert_true(ndr_push_u8(&p, 0xbb));
	assert_true(ndr_push_u32(&p, 0x33445566));
	assert_int_equal(p.len, 12);
	assert_true(ndr_push_u8(&p, 0xcc));
	assert_true(ndr_push_u64(&p, 0x0102030405060708ull));
	assert_false(p.error);
	assert_int_equal(p.len, sizeof(want));
	assert_memory_equal(p.data, want, sizeof(want));

	/* Aligning an aligned push adds nothing. */
	assert_true(ndr_push_align(&p, 8));
	assert_int_equal(p.len, 24);
	assert_true(ndr_push_u16(&p, 0xbeef));
	assert_true(ndr_push_align(&p, 8));
	assert_int_equal(p.len, 32);
	assert_int_equal(p.data[24], 0xef);
	assert_int_equal(p.data[25], 0xbe);
	for (size_t i = 26; i < 32; i++)
		assert_int_equal(p.data[i], 0);
	ndr_push_free(&p);
	assert_null(p.data);
	assert_int_equal(p.len, 0);
}

static void test_pull_alignment_le(void **state)
{
	(void)state;
	static const uint8_t buf[24] = {
		0xaa, 0x99, 0x22, 0x11, 0xbb, 0x99, 0x99, 0x99, 0x66, 0x55, 0x44, 0x33,
		0xcc, 0x99, 0x99, 0x99, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,
	};
	struct ndr_pull n;
	uint8_t u8;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	ndr_pull_init(&n, buf, sizeof(buf), false);
	assert_true(ndr_pull_u8(&n, &u8));
	assert_int_equal(u8, 0xaa);
	assert_true(ndr_pull_u16(&n, &u16)); /* skips the pad byte, whatever it holds */
	assert_int_equal(u16, 0x1122);
	assert_int_equal(n.off, 4);
	assert_true(ndr_pull_u8(&n, &u8));
	assert_int_equal(u8, 0xbb);
	assert_true(ndr_pull_u32(&n, &u32));
	assert_int_equal(u32, 0x33445566);
	assert_true(ndr_pull_u8(&n, &u8));
	assert_int_equal(u8, 0xcc);
	assert_true(ndr_pull_u64(&n, &u64));
	assert_true(u64 == 0x0102030405060708ull);
	assert_int_equal(ndr_pull_remaining(&n), 0);
	assert_false(n.error);
}

static void test_pull_big_endian(void **state)
{
	(void)state;
	static const uint8_t buf[] = {
		0x11, 0x22, 0x00, 0x00, 0x11, 0x22, 0x33, 0x44,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	};
	struct ndr_pull n;
	uint16_t u16;
	uint32_t u32;
	uint64_t u64;

	ndr_pull_init(&n, buf, sizeof(buf), true);
	assert_true(ndr_pull_u16(&n, &u16));
	assert_int_equal(u16, 0x1122);
	assert_true(ndr_pull_u32(&n, &u32));
	assert_int_equal(u32, 0x11223344);
	assert_true(ndr_pull_u64(&n, &u64));
	assert_true(u64 == 0x0102030405060708ull);
	assert_false(n.error);

	/* The same bytes little-endian. */
	ndr_pull_init(&n, buf, sizeof(buf), false);
	assert_true(ndr_pull_u16(&n, &u16));
	assert_int_equal(u16, 0x2211);
	assert_true(ndr_pull_u32(&n, &u32));
	assert_int_equal(u32, 0x44332211);
	assert_true(ndr_pull_u64(&n, &u64));
	assert_true(u64 == 0x0807060504030201ull);
}

static void test_pull_past_end_is_sticky(void **state)
{
	(void)state;
	static const uint8_t buf[6] = { 1, 0, 0, 0, 2, 0 };
	struct ndr_pull n;
	uint32_t u32 = 0;
	uint16_t u16 = 0;
	uint8_t u8 = 0;
	uint8_t bytes[4];

	ndr_pull_init(&n, buf, sizeof(buf), false);
	assert_true(ndr_pull_u32(&n, &u32));
	assert_int_equal(u32, 1);
	/* 2 bytes left: a u32 does not fit */
	u32 = 0xdeadbeef;
	assert_false(ndr_pull_u32(&n, &u32));
	assert_true(n.error);
	assert_int_equal(u32, 0xdeadbeef); /* untouched */
	assert_true(n.off <= n.len);
	/* Sticky: even what would fit now fails. */
	assert_false(ndr_pull_u16(&n, &u16));
	assert_false(ndr_pull_u8(&n, &u8));
	assert_false(ndr_pull_bytes(&n, bytes, 0));
	assert_false(ndr_pull_align(&n, 2));
	assert_true(n.error);

	/* Padding that runs off the end is an error too. */
	ndr_pull_init(&n, buf, 6, false);
	assert_true(ndr_pull_u8(&n, &u8));
	assert_true(ndr_pull_u8(&n, &u8));
	assert_true(ndr_pull_u8(&n, &u8));
	assert_true(ndr_pull_u8(&n, &u8));
	assert_true(ndr_pull_u8(&n, &u8));
	assert_false(ndr_pull_align(&n, 8));
	assert_true(n.error);

	/* ndr_pull_bytes of more than there is */
	ndr_pull_init(&n, buf, 6, false);
	assert_false(ndr_pull_bytes(&n, bytes, 7));
	assert_true(n.error);
	assert_int_equal(n.off, 0);

	/* An empty buffer: u8 fails. */
	ndr_pull_init(&n, buf, 0, false);
	assert_false(ndr_pull_u8(&n, &u8));
	assert_true(n.error);
}

static void test_push_cap_and_helpers(void **state)
{
	(void)state;
	struct ndr_push p;
	uint8_t blob[40] = { 0 };

	ndr_push_init(&p);
	p.max = 32;
	assert_true(ndr_push_bytes(&p, blob, 30));
	assert_false(ndr_push_u32(&p, 1)); /* 30 + 2 pad + 4 > 32 */
	assert_true(p.error);
	assert_false(ndr_push_u8(&p, 1)); /* sticky */
	ndr_push_free(&p);

	/* Overwrite in place; out of range writes are ignored. */
	ndr_push_init(&p);
	ndr_push_u32(&p, 0);
	ndr_push_u16(&p, 0);
	ndr_push_u32_at(&p, 0, 0xa1b2c3d4);
	ndr_push_u16_at(&p, 4, 0x0102);
	ndr_push_u16_at(&p, 5, 0xffff);  /* would end at 7 > 6 */
	ndr_push_u32_at(&p, 4, 0xffffffff);
	assert_int_equal(p.len, 6);
	static const uint8_t want[6] = { 0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x01 };
	assert_memory_equal(p.data, want, 6);

	/* Steal hands the buffer over and resets the push. */
	size_t len = 0;
	uint8_t *buf = ndr_push_steal(&p, &len);
	assert_non_null(buf);
	assert_int_equal(len, 6);
	assert_memory_equal(buf, want, 6);
	assert_null(p.data);
	assert_int_equal(p.len, 0);
	assert_int_equal(p.next_referent, 0x00020000);
	free(buf);

	assert_true(ndr_push_zeros(&p, 3));
	assert_int_equal(p.len, 3);
	ndr_push_free(&p);
}

/* ---- UUIDs and context handles ------------------------------------------- */

static void test_uuid_parse_format(void **state)
{
	(void)state;
	struct rpc_uuid u, v;
	char buf[37];
	static const uint8_t rest[8] = { 0xbf, 0xf6, 0x08, 0x00, 0x2b, 0xe2, 0x3f, 0x2f };

	assert_true(rpc_uuid_parse("b97db8b2-4c63-11cf-bff6-08002be23f2f", &u));
	assert_int_equal(u.time_low, 0xb97db8b2);
	assert_int_equal(u.time_mid, 0x4c63);
	assert_int_equal(u.time_hi, 0x11cf);
	assert_memory_equal(u.rest, rest, 8);
	rpc_uuid_format(&u, buf);
	assert_string_equal(buf, "b97db8b2-4c63-11cf-bff6-08002be23f2f");

	/* Upper case parses the same; the format is lower case. */
	assert_true(rpc_uuid_parse("B97DB8B2-4C63-11CF-BFF6-08002BE23F2F", &v));
	assert_true(rpc_uuid_equal(&u, &v));
	v.rest[7] ^= 1;
	assert_false(rpc_uuid_equal(&u, &v));

	static const char *const round[] = {
		"00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff",
		"8a885d04-1ceb-11c9-9fe8-08002b104860", "6cb71c2c-9812-4540-0300-000000000000",
		"e1af8308-5d1f-11c9-91a4-08002b14a0fa", "01234567-89ab-cdef-0123-456789abcdef",
	};
	for (size_t i = 0; i < sizeof(round) / sizeof(round[0]); i++) {
		assert_true(rpc_uuid_parse(round[i], &v));
		rpc_uuid_format(&v, buf);
		assert_string_equal(buf, round[i]);
	}
	assert_true(rpc_uuid_parse(round[0], &v));
	assert_true(rpc_uuid_is_nil(&v));
	assert_false(rpc_uuid_is_nil(&u));
}

static void test_uuid_malformed(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"",
		"b97db8b2",
		"b97db8b2-4c63-11cf-bff6-08002be23f2",    /* 35 */
		"b97db8b2-4c63-11cf-bff6-08002be23f2f0",  /* 37 */
		"b97db8b2-4c63-11cf-bff6-08002be23f2g",   /* non-hex */
		"b97db8b2-4c63-11cf-bff6-08002be23f2 ",
		" 97db8b2-4c63-11cf-bff6-08002be23f2f",
		"b97db8b2x4c63-11cf-bff6-08002be23f2f",   /* separator */
		"b97db8b24-c63-11cf-bff6-08002be23f2f",   /* dash moved */
		"b97db8b2-4c6311cf-bff6-08002be23f2f-",
		"b97db8b2-4c63-11cf-bff608002be23f2f--",
		"b97db8b2-4c63-11cf-bff6-08002be2-f2f",   /* extra dash in a group */
		"{b97db8b2-4c63-11cf-bff6-08002be23f2f}",
		"b97db8b2-4c63-11cf-bff6-08002be23f2f\n",
		"+97db8b2-4c63-11cf-bff6-08002be23f2f",
		"0x7db8b2-4c63-11cf-bff6-08002be23f2f",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct rpc_uuid u;
		assert_false(rpc_uuid_parse(bad[i], &u));
	}
}

static void test_uuid_and_handle_wire(void **state)
{
	(void)state;
	/* The clusapi interface UUID as it appears in a bind (little-endian
	 * fields, then the 8 bytes in order). */
	static const uint8_t wire[16] = { 0xb2, 0xb8, 0x7d, 0xb9, 0x63, 0x4c, 0xcf, 0x11,
					  0xbf, 0xf6, 0x08, 0x00, 0x2b, 0xe2, 0x3f, 0x2f };
	struct rpc_uuid u, got;
	struct ndr_push p;
	struct ndr_pull n;

	assert_true(rpc_uuid_parse("b97db8b2-4c63-11cf-bff6-08002be23f2f", &u));
	ndr_push_init(&p);
	assert_true(ndr_push_uuid(&p, &u));
	assert_int_equal(p.len, 16);
	assert_memory_equal(p.data, wire, 16);
	ndr_push_free(&p);

	ndr_pull_init(&n, wire, sizeof(wire), false);
	assert_true(ndr_pull_uuid(&n, &got));
	assert_true(rpc_uuid_equal(&u, &got));
	ndr_pull_init(&n, wire, 15, false);
	assert_false(ndr_pull_uuid(&n, &got));

	/* A context handle: u32 attributes then the UUID, 20 bytes. */
	struct rpc_ctx_handle h = { .attributes = 7, .uuid = u }, h2;
	ndr_push_init(&p);
	ndr_push_u8(&p, 1); /* forces 3 bytes of padding first */
	assert_true(ndr_push_ctx_handle(&p, &h));
	assert_int_equal(p.len, 24);
	assert_memory_equal(p.data + 8, wire, 16);
	ndr_pull_init(&n, p.data, p.len, false);
	uint8_t b;
	assert_true(ndr_pull_u8(&n, &b));
	assert_true(ndr_pull_ctx_handle(&n, &h2));
	assert_int_equal(h2.attributes, 7);
	assert_true(rpc_uuid_equal(&h2.uuid, &u));
	ndr_push_free(&p);
}

static void test_unique_pointers(void **state)
{
	(void)state;
	struct ndr_push p;
	struct ndr_pull n;
	uint32_t r;

	ndr_push_init(&p);
	assert_true(ndr_push_ptr(&p, true));
	assert_true(ndr_push_ptr(&p, false));
	assert_true(ndr_push_ptr(&p, true));
	assert_int_equal(p.len, 12);

	ndr_pull_init(&n, p.data, p.len, false);
	assert_true(ndr_pull_ptr(&n, &r));
	assert_int_equal(r, 0x00020000);
	assert_true(ndr_pull_ptr(&n, &r));
	assert_int_equal(r, 0); /* NULL */
	assert_true(ndr_pull_ptr(&n, &r));
	assert_int_equal(r, 0x00020004); /* fresh, distinct referent */
	assert_false(ndr_pull_ptr(&n, &r));
	ndr_push_free(&p);
}

/* ---- strings ---------------------------------------------------------------- */

static void expect_string_fails(const uint8_t *buf, size_t len, size_t max_units, bool be)
{
	struct ndr_pull n;
	uint16_t *s = (uint16_t *)(uintptr_t)1;
	size_t units = 99;

	ndr_pull_init(&n, buf, len, be);
	assert_false(ndr_pull_string(&n, &s, &units, max_units));
	assert_true(n.error);
	assert_null(s);
	assert_int_equal(units, 0);
}

static void test_string_valid(void **state)
{
	(void)state;
	static const uint16_t ab[] = { 'a', 0xe9, 0 };
	uint8_t buf[64];
	struct ndr_pull n;
	uint16_t *s;
	size_t units;

	size_t len = build_string(buf, 3, 0, 3, ab, 3, false);
	ndr_pull_init(&n, buf, len, false);
	assert_true(ndr_pull_string(&n, &s, &units, 100));
	assert_int_equal(units, 2);
	assert_int_equal(s[0], 'a');
	assert_int_equal(s[1], 0xe9);
	assert_int_equal(s[2], 0); /* NUL kept */
	assert_int_equal(n.off, len);
	free(s);

	/* max_count larger than actual (conformant varying) is fine. */
	len = build_string(buf, 40, 0, 3, ab, 3, false);
	ndr_pull_init(&n, buf, len, false);
	assert_true(ndr_pull_string(&n, &s, &units, 100));
	assert_int_equal(units, 2);
	free(s);

	/* The empty string is one NUL unit. */
	static const uint16_t empty[] = { 0 };
	len = build_string(buf, 1, 0, 1, empty, 1, false);
	ndr_pull_init(&n, buf, len, false);
	assert_true(ndr_pull_string(&n, &s, &units, 100));
	assert_int_equal(units, 0);
	assert_int_equal(s[0], 0);
	free(s);

	/* Big-endian units. */
	len = build_string(buf, 3, 0, 3, ab, 3, true);
	assert_int_equal(buf[12], 0x00);
	assert_int_equal(buf[13], 'a');
	ndr_pull_init(&n, buf, len, true);
	assert_true(ndr_pull_string(&n, &s, &units, 100));
	assert_int_equal(units, 2);
	assert_int_equal(s[0], 'a');
	assert_int_equal(s[1], 0xe9);
	free(s);

	/* The header is 4-aligned from the start of the stub. */
	uint8_t buf2[64] = { 0x55, 0, 0, 0 };
	len = build_string(buf2 + 4, 3, 0, 3, ab, 3, false) + 4;
	ndr_pull_init(&n, buf2, len, false);
	uint8_t b;
	assert_true(ndr_pull_u8(&n, &b));
	assert_true(ndr_pull_string(&n, &s, &units, 100));
	assert_int_equal(units, 2);
	free(s);
}

static void test_string_rejections(void **state)
{
	(void)state;
	static const uint16_t abc0[] = { 'a', 'b', 'c', 0 };
	static const uint16_t abc[] = { 'a', 'b', 'c' };
	static const uint16_t embedded[] = { 'a', 0, 'b', 0 };
	static const uint16_t nul_first[] = { 0, 'x', 0 };
	uint8_t buf[64];
	size_t len;

	/* offset != 0 */
	len = build_string(buf, 4, 1, 3, abc0 + 1, 3, false);
	expect_string_fails(buf, len, 100, false);
	/* actual > max_count */
	len = build_string(buf, 3, 0, 4, abc0, 4, false);
	expect_string_fails(buf, len, 100, false);
	/* actual 0 (not even a NUL) */
	len = build_string(buf, 0, 0, 0, NULL, 0, false);
	expect_string_fails(buf, len, 100, false);
	len = build_string(buf, 4, 0, 0, abc0, 4, false);
	expect_string_fails(buf, len, 100, false);
	/* no NUL terminator */
	len = build_string(buf, 3, 0, 3, abc, 3, false);
	expect_string_fails(buf, len, 100, false);
	/* embedded NUL */
	len = build_string(buf, 4, 0, 4, embedded, 4, false);
	expect_string_fails(buf, len, 100, false);
	len = build_string(buf, 3, 0, 3, nul_first, 3, false);
	expect_string_fails(buf, len, 100, false);
	/* the units announced are not all there */
	len = build_string(buf, 4, 0, 4, abc0, 3, false);
	expect_string_fails(buf, len, 100, false);
	/* header itself truncated */
	len = build_string(buf, 4, 0, 4, abc0, 4, false);
	expect_string_fails(buf, 11, 100, false);
	expect_string_fails(buf, 0, 100, false);
	/* over max_units (NUL included): 4 units need max_units >= 4 */
	expect_string_fails(buf, len, 3, false);
	struct ndr_pull n;
	uint16_t *s;
	size_t units;
	ndr_pull_init(&n, buf, len, false);
	assert_true(ndr_pull_string(&n, &s, &units, 4));
	assert_int_equal(units, 3);
	free(s);
	/* a big-endian header read little-endian is nonsense and must fail */
	len = build_string(buf, 4, 0, 4, abc0, 4, true);
	expect_string_fails(buf, len, 100, false);
}

static void test_string_huge_count_no_allocation(void **state)
{
	(void)state;
	static const uint16_t five[] = { 'a', 'b', 'c', 'd', 0 };
	uint8_t buf[64];
	size_t len;

	/* actual = 0x7fffffff with 10 bytes of data behind it */
	len = build_string(buf, 0x7fffffff, 0, 0x7fffffff, five, 5, false);
	assert_int_equal(len, 22);
	malloc_stats_reset();
	expect_string_fails(buf, len, SIZE_MAX, false);
	assert_true(malloc_largest <= 64);

	len = build_string(buf, 0xffffffff, 0, 0xffffffff, five, 5, false);
	malloc_stats_reset();
	expect_string_fails(buf, len, SIZE_MAX, false);
	assert_true(malloc_largest <= 64);

	/* Under every cap, yet far more than is present: still no allocation. */
	len = build_string(buf, 20000, 0, 20000, five, 5, false);
	malloc_stats_reset();
	expect_string_fails(buf, len, 30000, false);
	assert_int_equal(malloc_calls, 0);

	/* Sanity: the wrapper does see the allocation of a real string. */
	len = build_string(buf, 5, 0, 5, five, 5, false);
	struct ndr_pull n;
	uint16_t *s;
	size_t units;
	malloc_stats_reset();
	ndr_pull_init(&n, buf, len, false);
	assert_true(ndr_pull_string(&n, &s, &units, 100));
	assert_int_equal(malloc_calls, 1);
	assert_int_equal(malloc_largest, 10);
	free(s);
}

static void test_string_hard_cap(void **state)
{
	(void)state;
	/* NDR_MAX_STRING_UNITS applies even when the caller allows more. */
	size_t cap = NDR_MAX_STRING_UNITS;
	size_t len = 12 + 2 * (cap + 1);
	uint8_t *buf = calloc(1, len);
	struct ndr_pull n;
	uint16_t *s;
	size_t units;

	assert_non_null(buf);
	for (size_t i = 0; i < cap + 1; i++)
		buf[12 + 2 * i] = 'x';
	/* cap + 1 units, NUL last */
	put_le32(buf, (uint32_t)(cap + 1));
	put_le32(buf + 8, (uint32_t)(cap + 1));
	buf[12 + 2 * cap] = 0;
	expect_string_fails(buf, len, SIZE_MAX, false);

	/* exactly cap units (NUL included) is accepted */
	put_le32(buf, (uint32_t)cap);
	put_le32(buf + 8, (uint32_t)cap);
	buf[12 + 2 * (cap - 1)] = 0;
	ndr_pull_init(&n, buf, 12 + 2 * cap, false);
	assert_true(ndr_pull_string(&n, &s, &units, SIZE_MAX));
	assert_int_equal(units, cap - 1);
	free(s);
	free(buf);
}

static void test_push_string(void **state)
{
	(void)state;
	static const uint16_t vm[] = { 'v', 'm', 'X' }; /* only 2 units pushed */
	static const uint8_t want[] = { 3, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 'v', 0, 'm', 0, 0, 0 };
	struct ndr_push p;
	struct ndr_pull n;
	uint16_t *s;
	size_t units;

	ndr_push_init(&p);
	assert_true(ndr_push_string(&p, vm, 2));
	assert_int_equal(p.len, sizeof(want));
	assert_memory_equal(p.data, want, sizeof(want));
	ndr_pull_init(&n, p.data, p.len, false);
	assert_true(ndr_pull_string(&n, &s, &units, 10));
	assert_int_equal(units, 2);
	assert_memory_equal(s, vm, 4);
	free(s);
	ndr_push_free(&p);

	/* An empty string is pushed as a lone NUL. */
	ndr_push_init(&p);
	assert_true(ndr_push_string(&p, NULL, 0));
	assert_int_equal(p.len, 14);
	ndr_pull_init(&n, p.data, p.len, false);
	assert_true(ndr_pull_string(&n, &s, &units, 10));
	assert_int_equal(units, 0);
	free(s);
	ndr_push_free(&p);

	/* Too long to be pulled back: refused on push too. */
	uint16_t *big = calloc(NDR_MAX_STRING_UNITS, sizeof(uint16_t));
	assert_non_null(big);
	for (size_t i = 0; i < NDR_MAX_STRING_UNITS; i++)
		big[i] = 'y';
	ndr_push_init(&p);
	assert_false(ndr_push_string(&p, big, NDR_MAX_STRING_UNITS));
	assert_true(p.error);
	ndr_push_free(&p);
	ndr_push_init(&p);
	assert_true(ndr_push_string(&p, big, NDR_MAX_STRING_UNITS - 1));
	ndr_pull_init(&n, p.data, p.len, false);
	assert_true(ndr_pull_string(&n, &s, &units, SIZE_MAX));
	assert_int_equal(units, NDR_MAX_STRING_UNITS - 1);
	free(s);
	ndr_push_free(&p);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_alignment),
		cmocka_unit_test(test_pull_alignment_le),
		cmocka_unit_test(test_pull_big_endian),
		cmocka_unit_test(test_pull_past_end_is_sticky),
		cmocka_unit_test(test_push_cap_and_helpers),
		cmocka_unit_test(test_uuid_parse_format),
		cmocka_unit_test(test_uuid_malformed),
		cmocka_unit_test(test_uuid_and_handle_wire),
		cmocka_unit_test(test_unique_pointers),
		cmocka_unit_test(test_string_valid),
		cmocka_unit_test(test_string_rejections),
		cmocka_unit_test(test_string_huge_count_no_allocation),
		cmocka_unit_test(test_string_hard_cap),
		cmocka_unit_test(test_push_string),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
