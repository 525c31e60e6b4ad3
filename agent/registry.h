/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Routing registry: the route / route6 objects of IRR databases (RPSL,
 * RFC 2622 and RFC 4012), read from text dumps and indexed as a hash set of
 * (prefix, origin ASN) for the check "Origin ASN is not registered in a
 * routing registry".
 *
 * Reading: objects are separated by blank lines; attribute names are case
 * insensitive; lines starting with '#' or '%' are comments; a value may
 * continue on lines starting with a space, a tab or '+'; "#" ends a value.
 * Only route: and route6: objects are kept, each needs exactly one origin:.
 * A malformed object is skipped and counted, the rest of the file is kept
 * (real IRR dumps always hold a few broken objects).
 *
 * Reloading: build a new registry (registry_new + registry_add_*), then
 * swap it in (validator_set_registry) and free the old one.
 */
#ifndef PEEREDGE_REGISTRY_H
#define PEEREDGE_REGISTRY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "prefix.h"

struct registry;

struct registry_stats {
	unsigned long objects;		/* objects seen, any class */
	unsigned long routes;		/* route / route6 objects indexed */
	unsigned long skipped;		/* malformed objects left out */
	/* The first bad line (or first line of a bad object); 0: none. */
	unsigned long first_error_line;
	char first_error[96];
};

struct registry *registry_new(void);
void registry_free(struct registry *reg);
/* Adds the objects of one dump. 0, or -errno when it cannot be read. */
int registry_add_stream(struct registry *reg, FILE *f, struct registry_stats *st);
int registry_add_file(struct registry *reg, const char *path, struct registry_stats *st);
/* Distinct (prefix, origin) pairs held. */
unsigned long registry_size(const struct registry *reg);

enum registry_match {
	REGISTRY_EXACT,		/* a route object for exactly this prefix */
	REGISTRY_COVERING,	/* ... or for any less specific one */
};
bool registry_has_route(const struct registry *reg, const struct prefix *pfx,
			uint32_t origin, enum registry_match match);

#endif
