// SPDX-License-Identifier: GPL-2.0
/*
 * converge_fixture DIR PREFIXES: the model of converge_bench.sh
 * (edge_fixture.h): DIR/irr.db, DIR/state, and DIR/routes.conf, the same
 * prefixes as BIRD static routes for the peer to announce.
 */
#include <stdio.h>
#include <stdlib.h>

#include "edge_fixture.h"

int main(int argc, char **argv)
{
	char path[4096], err[512], text[PREFIX_STRLEN];
	unsigned long n = argc == 3 ? strtoul(argv[2], NULL, 0) : 0;
	struct prefix pfx;
	FILE *f;

	if (n < 1 || n > 1000000) {
		fprintf(stderr, "usage: converge_fixture DIR PREFIXES (1..1000000)\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/irr.db", argv[1]);
	if (fixture_write_registry(path, (unsigned)n, (unsigned)n)) {
		perror(path);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/state", argv[1]);
	if (fixture_write_state(path, (unsigned)n, err, sizeof(err))) {
		fprintf(stderr, "converge_fixture: %s\n", err);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/routes.conf", argv[1]);
	f = fopen(path, "w");
	for (unsigned i = 0; f && i < n; i++) {
		fixture_prefix(i, &pfx);
		fprintf(f, "route %s unreachable;\n", prefix_format(&pfx, text, sizeof(text)));
	}
	if (!f || fclose(f)) {
		perror(path);
		return 1;
	}
	return 0;
}
