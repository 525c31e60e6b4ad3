// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness over the configuration parser (peeredge.conf(5)). The
 * parse is all or nothing: an input that parses is looked up and freed, one
 * that does not must leave a "file:line: ..." message and no configuration
 * at all behind, since the daemon keeps running on its old one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct config zero;
	static const char name[] = "fuzz.conf";
	struct config c;
	char err[256] = "", *text;

	/* config_load refuses files holding a NUL byte. */
	if (memchr(data, '\0', size) || !(text = malloc(size + 1)))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (config_parse(text, name, &c, err, sizeof(err)) == 0) {
		for (size_t i = 0; i < c.n_neighbors; i++)
			if (config_find_neighbor(&c, c.neighbors[i].name) != &c.neighbors[i] ||
			    (c.neighbors[i].peering[0] &&
			     !config_find_peering(&c, c.neighbors[i].peering)))
				__builtin_trap();
		config_free(&c);
	} else if (strncmp(err, name, strlen(name)) || err[strlen(name)] != ':' ||
		   memcmp(&c, &zero, sizeof(c))) {
		__builtin_trap();	/* a clear error, and nothing kept */
	}
	free(text);
	return 0;
}
