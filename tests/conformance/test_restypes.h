/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The resource type and failure policy tests (test_restypes.c), listed in
 * test_conformance's main(). */
#ifndef TESTS_CONFORMANCE_RESTYPES_H
#define TESTS_CONFORMANCE_RESTYPES_H

#define RESTYPE_TEST_COUNT 7
extern void (*const restype_test_fns[RESTYPE_TEST_COUNT])(void **);
extern const char *const restype_test_names[RESTYPE_TEST_COUNT];

#define RESTYPE_TEST(i) { restype_test_names[i], restype_test_fns[i], NULL, NULL, NULL }
#define RESTYPE_TESTS                                                                                             \
	RESTYPE_TEST(0), RESTYPE_TEST(1), RESTYPE_TEST(2), RESTYPE_TEST(3), RESTYPE_TEST(4), RESTYPE_TEST(5), RESTYPE_TEST(6)

#endif
