/* SPDX-License-Identifier: GPL-2.0 */
/* IPv4 / IPv6 prefixes as the agent stores, compares and prints them. */
#ifndef PEEREDGE_PREFIX_H
#define PEEREDGE_PREFIX_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct prefix {
	uint8_t family;		/* AF_INET or AF_INET6 */
	uint8_t len;		/* 0..32 or 0..128 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[16];
	} addr;			/* host bits always zero */
};

/* "a.b.c.d/len" or "x::/len"; refuses host bits set. 0 or -errno. */
int prefix_parse(const char *s, struct prefix *p);
/* Writes the canonical text; buf of at least PREFIX_STRLEN bytes. */
#define PREFIX_STRLEN (INET6_ADDRSTRLEN + 4)
const char *prefix_format(const struct prefix *p, char *buf, size_t len);
/* True when inner lies inside outer (same family, outer->len <= inner->len). */
bool prefix_contains(const struct prefix *outer, const struct prefix *inner);
bool prefix_equal(const struct prefix *a, const struct prefix *b);
/* A total order (family, address, length) for sorting; <0, 0, >0. */
int prefix_compare(const struct prefix *a, const struct prefix *b);

#endif
