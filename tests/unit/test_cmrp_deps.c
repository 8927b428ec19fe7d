/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The (handle, text) request of issue 11's SetGroupNodeList (counted
 * multi-string) and SetResourceDependencyExpression ([string, unique]):
 * known bytes, round trips, NULL pointers, and requests that must not
 * decode (a count that disagrees, too long, truncated).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmrp/cmrp_deps.h"
#include "cmrp/cmrp_table.h"

static void handle(struct rpc_ctx_handle *h)
{
	memset(h, 0, sizeof(*h));
	memset(&h->uuid, 0x5a, sizeof(h->uuid));
}

static uint8_t *encode(const struct cmrp_handle_wstr_in *in, unsigned form, size_t *len)
{
	struct ndr_push p;
	ndr_push_init(&p);
	assert_true(cmrp_handle_wstr_encode_in(&p, in, form));
	return ndr_push_steal(&p, len);
}

static bool decode(const uint8_t *b, size_t len, unsigned form, struct cmrp_handle_wstr_in *out)
{
	struct ndr_pull in;
	ndr_pull_init(&in, b, len, false);
	return cmrp_handle_wstr_decode_in(&in, out, form);
}

static void test_counted(void **state)
{
	(void)state;
	/* "n1\0n2\0\0": 7 units */
	uint16_t multi[] = { 'n', '1', 0, 'n', '2', 0, 0 };
	struct cmrp_handle_wstr_in in = { .present = true, .s = multi, .units = 7 }, out;
	handle(&in.handle);
	size_t len;
	uint8_t *b = encode(&in, CMRP_WSTR_COUNTED, &len);
	/* handle 20, referent 4, max count 4, 7 units 14 + 2 padding, cch 4 */
	assert_int_equal(len, 20 + 4 + 4 + 16 + 4);
	assert_int_equal(b[24], 7);
	assert_int_equal(b[44], 7);
	assert_true(decode(b, len, CMRP_WSTR_COUNTED, &out));
	assert_true(out.present);
	assert_int_equal(out.units, 7);
	assert_memory_equal(out.s, multi, sizeof(multi));
	assert_int_equal(out.s[7], 0); /* the decoder's own NUL */
	cmrp_handle_wstr_in_free(&out);

	/* cch that disagrees with the array's count */
	b[44] = 6;
	assert_false(decode(b, len, CMRP_WSTR_COUNTED, &out));
	assert_null(out.s);
	/* truncated */
	assert_false(decode(b, 30, CMRP_WSTR_COUNTED, &out));
	free(b);

	/* a count beyond the limit is refused before any allocation */
	uint8_t big[20 + 4 + 4 + 4] = { 0 };
	big[20] = 1;
	big[24 + 2] = 0x02; /* max count 0x20000 > 65536 */
	assert_false(decode(big, sizeof(big), CMRP_WSTR_COUNTED, &out));

	/* NULL list */
	struct cmrp_handle_wstr_in none = { .present = false };
	handle(&none.handle);
	b = encode(&none, CMRP_WSTR_COUNTED, &len);
	assert_int_equal(len, 20 + 4 + 4);
	assert_true(decode(b, len, CMRP_WSTR_COUNTED, &out));
	assert_false(out.present);
	assert_int_equal(out.units, 0);
	free(b);
}

static void test_string(void **state)
{
	(void)state;
	uint16_t text[] = { '[', 'a', ']', 0 };
	struct cmrp_handle_wstr_in in = { .present = true, .s = text, .units = 3 }, out;
	handle(&in.handle);
	size_t len;
	uint8_t *b = encode(&in, CMRP_WSTR_STRING, &len);
	assert_int_equal(len, 20 + 4 + 12 + 8);
	assert_true(decode(b, len, CMRP_WSTR_STRING, &out));
	assert_true(out.present);
	assert_int_equal(out.units, 3);
	assert_memory_equal(out.s, text, sizeof(text));
	assert_memory_equal(&out.handle, &in.handle, sizeof(in.handle));
	cmrp_handle_wstr_in_free(&out);
	/* no NUL where the string says its end is */
	b[len - 2] = 'x';
	assert_false(decode(b, len, CMRP_WSTR_STRING, &out));
	free(b);

	struct cmrp_handle_wstr_in none = { .present = false };
	handle(&none.handle);
	b = encode(&none, CMRP_WSTR_STRING, &len);
	assert_int_equal(len, 24);
	assert_true(decode(b, len, CMRP_WSTR_STRING, &out));
	assert_false(out.present);
	assert_null(out.s);
	free(b);
}

static void test_table(void **state)
{
	(void)state;
	assert_string_equal(cmrp_op(CMRP_SET_GROUP_NODE_LIST)->name, "ApiSetGroupNodeList");
	assert_int_equal(cmrp_op(CMRP_SET_GROUP_NODE_LIST)->in_arg, CMRP_WSTR_COUNTED);
	assert_string_equal(cmrp_op(CMRP_SET_RESOURCE_DEPENDENCY_EXPRESSION)->name, "ApiSetResourceDependencyExpression");
	assert_int_equal(cmrp_op(CMRP_SET_RESOURCE_DEPENDENCY_EXPRESSION)->in_arg, CMRP_WSTR_STRING);
	assert_string_equal(cmrp_op(19)->name, "ApiAddResourceDependency");
	assert_string_equal(cmrp_op(20)->name, "ApiRemoveResourceDependency");
	assert_string_equal(cmrp_op(21)->name, "ApiCanResourceBeDependent");
	assert_int_equal(cmrp_op(21)->kind, CMRP_CALL_READ);
	assert_string_equal(cmrp_op(23)->name, "ApiAddResourceNode");
	assert_int_equal(cmrp_op(23)->in_handles[1].type, CMRP_HANDLE_NODE);
	assert_string_equal(cmrp_op(24)->name, "ApiRemoveResourceNode");
	assert_string_equal(cmrp_op(25)->name, "ApiChangeResourceGroup");
	assert_int_equal(cmrp_op(25)->in_handles[1].type, CMRP_HANDLE_GROUP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counted),
		cmocka_unit_test(test_string),
		cmocka_unit_test(test_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
