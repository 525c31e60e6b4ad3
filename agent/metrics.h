/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What peeredged tells Prometheus: the whole exposition (prom_text.h),
 * written section by section. Each section is one function over what the
 * daemon holds; adding one (the XDP counters, say) is one more function
 * and one line in the table of metrics.c.
 *
 *	BGP          neighbor state, prefixes, messages, flaps
 *	validation   service and registered prefixes by state, per prefix
 *	connections  state of every connection, what the FIB holds
 *	BFD          kbfd's sessions and LAGs (bfd_snapshot.h), or
 *	             peeredge_bfd_available 0 when kbfd is not loaded
 *
 * Served by metrics_export.h over HTTP and to a textfile.
 */
#ifndef PEEREDGE_METRICS_H
#define PEEREDGE_METRICS_H

#include <stdio.h>

struct bgpd;
struct edge;

struct metrics_source {
	struct bgpd *d;
	struct edge *edge;
};

void metrics_write(FILE *out, const struct metrics_source *src);

#endif
