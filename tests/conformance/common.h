/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Small helpers every conformance program uses: time, text and the
 * property-list encoding (MS-CMRP 2.2.3.10).  Static inline: each test
 * program is its own executable.  Include after <cmocka.h> and "clusapi.h".
 */
#ifndef TESTS_CONFORMANCE_COMMON_H
#define TESTS_CONFORMANCE_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static inline double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* UTF-8 to a malloc'd WCHAR string, and back; the test fails on NULL. */
static inline WCHAR *W(const char *s)
{
	WCHAR *w = ClusapiUtf8ToWide(s);
	assert_non_null(w);
	return w;
}

static inline char *U(const WCHAR *w)
{
	char *s = ClusapiWideToUtf8(w);
	assert_non_null(s);
	return s;
}

#endif
