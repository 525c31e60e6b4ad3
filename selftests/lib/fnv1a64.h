/* SPDX-License-Identifier: GPL-2.0 */
/*
 * FNV-1a 64, written from its specification, for tests that forge state
 * files (agent/state.h) with a good end line: the checksum is the state
 * code's own business, so tests do not borrow it.
 */
#ifndef SELFTESTS_FNV1A64_H
#define SELFTESTS_FNV1A64_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t fnv1a64(const char *s, size_t len)
{
	uint64_t h = 14695981039346656037ull;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
	return h;
}

#endif
