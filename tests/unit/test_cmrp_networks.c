/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Issue 13's two request shapes (src/cmrp/cmrp_networks.c): GetNetInterface's
 * two strings and SetNetworkPriorityOrder's counted list of string pointers,
 * round trips and hostile input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cmrp/cmrp_networks.h"

static uint16_t *u16(const char *s, size_t *units)
{
	size_t n = strlen(s);
	uint16_t *w = calloc(n + 1, sizeof(*w));
	assert_non_null(w);
	for (size_t i = 0; i < n; i++)
		w[i] = (uint8_t)s[i];
	*units = n;
	return w;
}

static void test_two_names(void **state)
{
	(void)state;
	struct cmrp_two_names_in a = { 0 }, b;
	a.a.s = u16("node1", &a.a.units);
	a.b.s = u16("Cluster Network 1", &a.b.units);
	struct ndr_push p;
	struct ndr_pull in;
	ndr_push_init(&p);
	assert_true(cmrp_two_names_encode_in(&p, &a));
	/* max, offset, actual, 6 units (padded to 4), then the second */
	assert_int_equal(p.len, 12 + 12 + 12 + 36);
	ndr_pull_init(&in, p.data, p.len, false);
	assert_true(cmrp_two_names_decode_in(&in, &b));
	assert_int_equal(b.a.units, 5);
	assert_memory_equal(b.a.s, a.a.s, 10);
	assert_int_equal(b.b.units, 17);
	cmrp_two_names_in_free(&b);
	/* one string short */
	ndr_pull_init(&in, p.data, 24, false);
	assert_false(cmrp_two_names_decode_in(&in, &b));
	assert_null(b.a.s);
	ndr_push_free(&p);
	cmrp_two_names_in_free(&a);
}

static void test_name_list(void **state)
{
	(void)state;
	struct cmrp_string names[3];
	names[0].s = u16("id-one", &names[0].units);
	names[1] = (struct cmrp_string){ NULL, 0 };
	names[2].s = u16("id-3", &names[2].units);
	struct cmrp_name_list_in a = { 3, names }, b;
	struct ndr_push p;
	struct ndr_pull in;
	ndr_push_init(&p);
	assert_true(cmrp_name_list_encode_in(&p, &a));
	ndr_pull_init(&in, p.data, p.len, false);
	assert_true(cmrp_name_list_decode_in(&in, &b));
	assert_int_equal(b.count, 3);
	assert_int_equal(b.names[0].units, 6);
	assert_memory_equal(b.names[0].s, names[0].s, 12);
	assert_null(b.names[1].s);
	assert_int_equal(b.names[2].units, 4);
	cmrp_name_list_in_free(&b);
	assert_null(b.names);
	/* truncated anywhere: refused, nothing left to free */
	for (size_t cut = 0; cut < p.len; cut++) {
		ndr_pull_init(&in, p.data, cut, false);
		assert_false(cmrp_name_list_decode_in(&in, &b));
		assert_null(b.names);
	}
	ndr_push_free(&p);

	/* a count over the range, a max count that is not the count, a count
	 * the bytes cannot hold */
	static const uint8_t over[] = { 0xe9, 0x03, 0, 0, 0xe9, 0x03, 0, 0 };
	ndr_pull_init(&in, over, sizeof(over), false);
	assert_false(cmrp_name_list_decode_in(&in, &b));
	static const uint8_t mismatch[] = { 1, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0 };
	ndr_pull_init(&in, mismatch, sizeof(mismatch), false);
	assert_false(cmrp_name_list_decode_in(&in, &b));
	static const uint8_t huge[] = { 0xe8, 0x03, 0, 0, 0xe8, 0x03, 0, 0, 0, 0, 0, 0 };
	ndr_pull_init(&in, huge, sizeof(huge), false);
	assert_false(cmrp_name_list_decode_in(&in, &b));
	/* the empty list */
	static const uint8_t empty[] = { 0, 0, 0, 0, 0, 0, 0, 0 };
	ndr_pull_init(&in, empty, sizeof(empty), false);
	assert_true(cmrp_name_list_decode_in(&in, &b));
	assert_int_equal(b.count, 0);
	/* more than 1000 is not encoded either */
	struct cmrp_name_list_in big = { 1001, names };
	ndr_push_init(&p);
	assert_false(cmrp_name_list_encode_in(&p, &big));
	ndr_push_free(&p);
	free(names[0].s);
	free(names[2].s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_two_names),
		cmocka_unit_test(test_name_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
