/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The monotonic clock in milliseconds (deadlines, timers, durations). */
#ifndef CLUSAPI_BASE_CLOCK_H
#define CLUSAPI_BASE_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline uint64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

#endif
