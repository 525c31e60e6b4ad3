/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Special-purpose address blocks (RFC 6890 and the IANA registries it
 * created, both families, plus multicast and the later additions) that a
 * peer can never register or activate: "Prefix is in a private range".
 */
#ifndef PEEREDGE_SPECIAL_H
#define PEEREDGE_SPECIAL_H

#include "prefix.h"

/*
 * The first special-purpose block p overlaps (p inside it, or p covering
 * it, so 0.0.0.0/0 and 8.0.0.0/6 match too), as "100.64.0.0/10 (RFC 6598)";
 * NULL when p is clear of all of them.
 */
const char *special_range_of(const struct prefix *p);

#endif
