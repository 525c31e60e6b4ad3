/* SPDX-License-Identifier: GPL-2.0 */
/* Monotonic time for timers, pacing and budgets: it never jumps with the wall clock. */
#ifndef PEEREDGE_CLOCK_H
#define PEEREDGE_CLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t clock_monotonic_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline int64_t clock_monotonic_ms(void)
{
	return clock_monotonic_ns() / 1000000;
}

#endif
