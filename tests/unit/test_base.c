/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Unit tests for src/base: UTF-8 <-> UTF-16 conversion and the error tables. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/utf16.h"
#include "base/werror.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* One well-formed string and the UTF-16 it must give. */
struct utf_case {
	const char *utf8;
	uint16_t utf16[8];
	size_t units;
};

static const struct utf_case good_cases[] = {
	{ "", { 0 }, 0 },
	{ "A", { 0x41 }, 1 },
	{ "vm-clus", { 'v', 'm', '-', 'c', 'l', 'u', 's' }, 7 },
	{ "\x7f", { 0x7f }, 1 },
	{ "\xc2\x80", { 0x80 }, 1 },             /* smallest 2-byte */
	{ "\xc3\xa9", { 0xe9 }, 1 },             /* e acute */
	{ "\xdf\xbf", { 0x7ff }, 1 },            /* largest 2-byte */
	{ "\xe0\xa0\x80", { 0x800 }, 1 },        /* smallest 3-byte */
	{ "\xe2\x82\xac", { 0x20ac }, 1 },       /* euro sign */
	{ "\xed\x9f\xbf", { 0xd7ff }, 1 },       /* just below the surrogates */
	{ "\xee\x80\x80", { 0xe000 }, 1 },       /* just above them */
	{ "\xef\xbf\xbf", { 0xffff }, 1 },       /* largest 3-byte */
	{ "\xf0\x90\x80\x80", { 0xd800, 0xdc00 }, 2 }, /* U+10000 */
	{ "\xf0\x9f\x98\x80", { 0xd83d, 0xde00 }, 2 }, /* U+1F600 */
	{ "\xf4\x8f\xbf\xbf", { 0xdbff, 0xdfff }, 2 }, /* U+10FFFF */
	{ "a\xf0\x9f\x98\x80z", { 'a', 0xd83d, 0xde00, 'z' }, 4 },
	{ "\xce\xb1\xe2\x82\xac\xf0\x9d\x84\x9e", { 0x3b1, 0x20ac, 0xd834, 0xdd1e }, 4 },
};

static void test_utf8_to_utf16_good(void **state)
{
	(void)state;
	for (size_t i = 0; i < N(good_cases); i++) {
		const struct utf_case *c = &good_cases[i];
		size_t n = strlen(c->utf8);
		size_t units = c->units;
		uint16_t out[16];
		memset(out, 0xee, sizeof(out));
		assert_int_equal(utf8_to_utf16_len(c->utf8, n), (long)units);
		assert_int_equal(utf8_to_utf16(c->utf8, n, out), (long)units);
		assert_memory_equal(out, c->utf16, units * sizeof(uint16_t));
		/* nothing written past what was announced */
		assert_int_equal(out[units], 0xeeee);

		/* and back again */
		char back[32];
		assert_int_equal(utf16_to_utf8_len(c->utf16, units), (long)n);
		assert_int_equal(utf16_to_utf8(c->utf16, units, back), (long)n);
		assert_memory_equal(back, c->utf8, n);
	}
}

static void test_utf_dup_forms(void **state)
{
	(void)state;
	uint16_t *w = utf16_from_utf8_dup("x\xf0\x9f\x98\x80\xc3\xa9");
	assert_non_null(w);
	assert_int_equal(utf16_len(w), 4);
	assert_int_equal(w[0], 'x');
	assert_int_equal(w[1], 0xd83d);
	assert_int_equal(w[2], 0xde00);
	assert_int_equal(w[3], 0xe9);
	assert_int_equal(w[4], 0);

	char *s = utf16_to_utf8_dup(w, 4);
	assert_non_null(s);
	assert_string_equal(s, "x\xf0\x9f\x98\x80\xc3\xa9");
	free(s);

	/* n limits what is converted, the result is still NUL-terminated */
	s = utf16_to_utf8_dup(w, 1);
	assert_non_null(s);
	assert_string_equal(s, "x");
	free(s);
	free(w);

	w = utf16_from_utf8_dup("");
	assert_non_null(w);
	assert_int_equal(w[0], 0);
	assert_int_equal(utf16_len(w), 0);
	free(w);

	errno = 0;
	assert_null(utf16_from_utf8_dup("ab\xc0\x80"));
	assert_int_equal(errno, EILSEQ);

	static const uint16_t lone[] = { 'a', 0xd800, 0 };
	errno = 0;
	assert_null(utf16_to_utf8_dup(lone, 2));
	assert_int_equal(errno, EILSEQ);
}

static void test_utf8_rejects_ill_formed(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"\xc0\x80",         /* overlong NUL */
		"\xc1\xbf",         /* overlong 0x7f */
		"\xe0\x80\x80",     /* overlong 3-byte */
		"\xe0\x9f\xbf",     /* overlong 0x7ff */
		"\xf0\x80\x80\x80", /* overlong 4-byte */
		"\xf0\x8f\xbf\xbf", /* overlong 0xffff */
		"\xed\xa0\x80",     /* U+D800 encoded: a surrogate */
		"\xed\xbf\xbf",     /* U+DFFF */
		"\xed\xa0\xbd\xed\xb8\x80", /* CESU-8 pair */
		"\xf4\x90\x80\x80", /* U+110000 */
		"\xf5\x80\x80\x80",
		"\xf8\x88\x80\x80\x80", /* 5-byte form */
		"\xfc\x84\x80\x80\x80\x80",
		"\xfe",
		"\xff",
		"\x80",             /* lone continuation */
		"\xbf",
		"a\x80z",
		"\xc3",             /* truncated */
		"\xe2\x82",
		"\xf0\x9f\x98",
		"\xc3\x28",         /* bad continuation */
		"\xe2\x28\xa1",
		"\xe2\x82\x28",
		"\xf0\x9f\x28\x80",
		"ok\xe2\x82",       /* good prefix, truncated tail */
	};
	for (size_t i = 0; i < N(bad); i++) {
		uint16_t out[16];
		size_t n = strlen(bad[i]);
		assert_int_equal(utf8_to_utf16_len(bad[i], n), -1);
		assert_int_equal(utf8_to_utf16(bad[i], n, out), -1);
		assert_null(utf16_from_utf8_dup(bad[i]));
	}
	/* A sequence cut by n is truncated even if the bytes follow in memory. */
	assert_int_equal(utf8_to_utf16_len("\xe2\x82\xac", 2), -1);
	assert_int_equal(utf8_to_utf16_len("\xe2\x82\xac", 3), 1);
}

static void test_utf16_rejects_lone_surrogates(void **state)
{
	(void)state;
	static const uint16_t high_end[] = { 'a', 0xd800 };
	static const uint16_t high_then_bmp[] = { 0xd83d, 'a' };
	static const uint16_t high_high[] = { 0xd83d, 0xd83d, 0xde00 };
	static const uint16_t low_alone[] = { 0xdc00 };
	static const uint16_t reversed[] = { 0xde00, 0xd83d };
	static const uint16_t pair[] = { 0xd83d, 0xde00 };
	char out[16];

	assert_int_equal(utf16_to_utf8_len(high_end, 2), -1);
	assert_int_equal(utf16_to_utf8(high_end, 2, out), -1);
	assert_int_equal(utf16_to_utf8_len(high_then_bmp, 2), -1);
	assert_int_equal(utf16_to_utf8_len(high_high, 3), -1);
	assert_int_equal(utf16_to_utf8_len(low_alone, 1), -1);
	assert_int_equal(utf16_to_utf8_len(reversed, 2), -1);
	/* a pair split by n is a lone high surrogate */
	assert_int_equal(utf16_to_utf8_len(pair, 1), -1);
	assert_int_equal(utf16_to_utf8_len(pair, 2), 4);
	assert_int_equal(utf16_to_utf8(pair, 2, out), 4);
	assert_memory_equal(out, "\xf0\x9f\x98\x80", 4);
}

static void test_werror_names(void **state)
{
	(void)state;
	static const struct {
		DWORD code;
		const char *name;
	} known[] = {
		{ ERROR_SUCCESS, "ERROR_SUCCESS" },
		{ ERROR_ACCESS_DENIED, "ERROR_ACCESS_DENIED" },
		{ ERROR_INVALID_HANDLE, "ERROR_INVALID_HANDLE" },
		{ ERROR_INVALID_PARAMETER, "ERROR_INVALID_PARAMETER" },
		{ ERROR_MORE_DATA, "ERROR_MORE_DATA" },
		{ ERROR_INVALID_NAME, "ERROR_INVALID_NAME" },
		{ 1745, "RPC_S_PROCNUM_OUT_OF_RANGE" },
		{ 1717, "RPC_S_UNKNOWN_IF" },
		{ 1722, "RPC_S_SERVER_UNAVAILABLE" },
		{ 1753, "EPT_S_NOT_REGISTERED" },
		{ 1783, "RPC_X_BAD_STUB_DATA" },
		{ 5024, "ERROR_RESOURCE_PROPERTIES_STORED" },
	};
	const char *unknown = werror_message(0xdeadbeefu);

	assert_non_null(unknown);
	assert_non_null(strstr(unknown, "Unknown"));
	for (size_t i = 0; i < N(known); i++) {
		const char *name = werror_name(known[i].code);
		assert_non_null(name);
		assert_string_equal(name, known[i].name);
		const char *msg = werror_message(known[i].code);
		assert_non_null(msg);
		assert_true(strlen(msg) > 10);
		assert_string_not_equal(msg, unknown);
	}
	assert_non_null(strstr(werror_message(ERROR_ACCESS_DENIED), "Access is denied"));
	assert_non_null(strstr(werror_message(ERROR_SUCCESS), "successfully"));

	/* Unknown codes: no name, but always a sentence. */
	static const DWORD unknown_codes[] = { 3, 9999, 0x12345678u, 0xffffffffu, NCA_S_OP_RNG_ERROR };
	for (size_t i = 0; i < N(unknown_codes); i++) {
		assert_null(werror_name(unknown_codes[i]));
		assert_string_equal(werror_message(unknown_codes[i]), unknown);
	}
}

static void test_werror_from_fault(void **state)
{
	(void)state;
	assert_int_equal(werror_from_fault(0x1c010002u), 1745);      /* op range -> PROCNUM_OUT_OF_RANGE */
	assert_int_equal(werror_from_fault(0x1c010003u), 1717);      /* unknown if -> RPC_S_UNKNOWN_IF */
	assert_int_equal(werror_from_fault(0x1c00001au), 6);         /* context mismatch -> INVALID_HANDLE */
	assert_int_equal(werror_from_fault(0x000006f7u), 1783);      /* NDR -> RPC_X_BAD_STUB_DATA */
	assert_int_equal(werror_from_fault(0x1c01000bu), 1728);      /* proto error -> RPC_S_PROTOCOL_ERROR */
	assert_int_equal(werror_from_fault(0x1c000012u), 8);         /* no memory */
	assert_int_equal(werror_from_fault(5), 5);                   /* access denied */
	/* Windows codes travel unchanged. */
	assert_int_equal(werror_from_fault(87), 87);
	assert_int_equal(werror_from_fault(1753), 1753);
	assert_int_equal(werror_from_fault(5024), 5024);
	assert_int_equal(werror_from_fault(0xffff), 0xffff);
	/* Other NCA statuses mean the call failed. */
	assert_int_equal(werror_from_fault(0x10000), 1726);
	assert_int_equal(werror_from_fault(0x1c000001u), 1726);
	assert_int_equal(werror_from_fault(0x16c9a0d6u), 1726);
	assert_int_equal(werror_from_fault(0xffffffffu), 1726);
}

struct tls_probe {
	DWORD seen_at_start;
	DWORD seen_after_set;
};

static void *tls_thread(void *arg)
{
	struct tls_probe *p = arg;
	p->seen_at_start = werror_get_last();
	werror_set_last(ERROR_INVALID_NAME);
	p->seen_after_set = werror_get_last();
	return NULL;
}

static void test_last_error_is_thread_local(void **state)
{
	(void)state;
	pthread_t t;
	struct tls_probe probe = { 0xffffffffu, 0xffffffffu };

	werror_set_last(ERROR_ACCESS_DENIED);
	assert_int_equal(werror_get_last(), ERROR_ACCESS_DENIED);
	assert_int_equal(pthread_create(&t, NULL, tls_thread, &probe), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	/* The other thread started with its own zero and its set stayed there. */
	assert_int_equal(probe.seen_at_start, ERROR_SUCCESS);
	assert_int_equal(probe.seen_after_set, ERROR_INVALID_NAME);
	assert_int_equal(werror_get_last(), ERROR_ACCESS_DENIED);
	werror_set_last(ERROR_SUCCESS);
	assert_int_equal(werror_get_last(), ERROR_SUCCESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_to_utf16_good),
		cmocka_unit_test(test_utf_dup_forms),
		cmocka_unit_test(test_utf8_rejects_ill_formed),
		cmocka_unit_test(test_utf16_rejects_lone_surrogates),
		cmocka_unit_test(test_werror_names),
		cmocka_unit_test(test_werror_from_fault),
		cmocka_unit_test(test_last_error_is_thread_local),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
