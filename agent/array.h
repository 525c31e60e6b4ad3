/* SPDX-License-Identifier: GPL-2.0 */
/* Arrays that grow by doubling without a capacity field, and their sorting. */
#ifndef PEEREDGE_ARRAY_H
#define PEEREDGE_ARRAY_H

#include <stdbool.h>
#include <stdlib.h>

/*
 * Room for element n of arr (n elements in use, of size elem), or NULL
 * (arr is then left as it was). The array is reallocated to 2n only when n
 * is a power of two (or 0), so it always has room below that: appending n
 * elements costs O(n) copies, where growing by one each time was O(n^2)
 * wherever realloc cannot grow in place (ASan's never does).
 */
static inline void *array_grow(void *arr, size_t n, size_t elem)
{
	if (n & (n - 1))
		return arr;
	return realloc(arr, (n ? 2 * n : 1) * elem);
}

/*
 * qsort(3), but for an array already in order (one built in that order,
 * checked in O(n)), and never given a NULL array, even empty.
 */
static inline void array_sort(void *arr, size_t n, size_t elem,
			      int (*order)(const void *, const void *))
{
	const char *p = arr;
	bool sorted = true;

	for (size_t i = 1; i < n && sorted; i++)
		sorted = order(p + (i - 1) * elem, p + i * elem) <= 0;
	if (!sorted)
		qsort(arr, n, elem, order);
}

#endif
