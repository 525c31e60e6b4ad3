// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness over the RPSL reader of the prefix registry. Real IRR
 * dumps are large and partly broken, so any input must read without harm;
 * the counts must add up, and reading the same dump twice (a reload that
 * finds the file unchanged) must index nothing new.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "registry.h"

static void add(struct registry *reg, const uint8_t *data, size_t size,
		struct registry_stats *st)
{
	FILE *f = fmemopen((void *)data, size, "r");

	memset(st, 0, sizeof(*st));
	if (!f)
		__builtin_trap();
	if (registry_add_stream(reg, f, st) < 0)
		__builtin_trap();	/* memory never fails to read */
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct registry *reg;
	struct registry_stats st;
	unsigned long routes;

	/* fmemopen wants at least one byte. */
	if (!size || !(reg = registry_new()))
		return 0;
	add(reg, data, size, &st);
	routes = registry_size(reg);
	if (st.routes + st.skipped > st.objects || routes > st.routes ||
	    !st.skipped != !st.first_error_line)
		__builtin_trap();
	add(reg, data, size, &st);
	if (registry_size(reg) != routes)
		__builtin_trap();
	registry_free(reg);
	return 0;
}
