/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Routing information bases: the Adj-RIB-In of every neighbor and the
 * Loc-RIB chosen from them by the RFC 4271 9.1 decision process.
 *
 * Memory is the point: path attributes are interned (hashed, refcounted,
 * stored once in their canonical wire form), a prefix is one hash node and
 * each neighbor's route to it one small path record, so a route costs well
 * under 150 bytes when attribute sets are shared (rib_stats() measures it).
 * A prefix's paths are kept best first: paths[0] is the Loc-RIB route.
 */
#ifndef PEEREDGE_RIB_H
#define PEEREDGE_RIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "messages.h"
#include "prefix.h"

#define RIB_MAX_PEERS	1024

/* An interned attribute set plus what the decision process reads often. */
struct rib_attrs {
	struct rib_attrs *hnext;
	uint32_t hash;
	uint32_t refcnt;
	uint32_t med;
	uint32_t local_pref;
	uint32_t neighbor_as;		/* leftmost AS, for MED comparison */
	uint16_t path_count;		/* RFC 4271 9.1.2.2 a) length */
	uint8_t origin;
	uint8_t nexthop_family;		/* AF_INET / AF_INET6 */
	uint8_t nexthop[16];
	uint16_t len;
	uint8_t blob[];			/* bgp_attrs_encode(..., as4 = true) */
};

struct rib_path {
	struct rib_path *next;
	struct rib_attrs *attrs;
	uint16_t peer;
	bool stale;			/* RFC 4724 helper: kept while the peer restarts */
};

struct rib_entry {
	struct rib_entry *hnext;
	struct rib_path *paths;		/* best first */
	struct prefix prefix;
};

/* What the decision process knows of a neighbor. */
struct rib_peer {
	bool in_use;
	bool ebgp;
	uint32_t bgp_id;
	uint8_t addr_family;
	uint8_t addr[16];
	uint32_t routes;		/* Adj-RIB-In size */
};

/*
 * Called on every Adj-RIB-In change: attrs is the new set or NULL when the
 * neighbor withdrew the prefix. best_changed says whether paths[0] moved.
 */
typedef void (*rib_listener)(void *ctx, const struct rib_entry *e, uint16_t peer,
			     const struct rib_attrs *attrs, bool best_changed);

struct rib;

struct rib_stats {
	size_t prefixes, paths, attr_sets;
	size_t bytes;			/* tables, node blocks and attribute sets */
};

struct rib *rib_new(void);
void rib_free(struct rib *rib);
void rib_set_listener(struct rib *rib, rib_listener fn, void *ctx);

/* Neighbor slots: id in [0, RIB_MAX_PEERS), or -1 when full. */
int rib_peer_add(struct rib *rib);
void rib_peer_remove(struct rib *rib, uint16_t peer);
struct rib_peer *rib_peer(struct rib *rib, uint16_t peer);

/*
 * Interns attrs with a next hop (family + 4 or 16 octets). Returns a
 * reference the caller passes to rib_update() or drops with rib_attrs_put().
 */
struct rib_attrs *rib_attrs_get(struct rib *rib, const struct bgp_attrs *a,
				uint8_t nh_family, const void *nexthop);
void rib_attrs_put(struct rib *rib, struct rib_attrs *ra);
/* Decodes an interned set into u->attrs for display. */
int rib_attrs_decode(const struct rib_attrs *ra, struct bgp_update *u);

/* Takes a reference on attrs. 0 replaced, 1 added, -1 out of memory. */
int rib_update(struct rib *rib, uint16_t peer, const struct prefix *p, struct rib_attrs *attrs);
/* 1 when the peer had a route to p, else 0. */
int rib_withdraw(struct rib *rib, uint16_t peer, const struct prefix *p);
/* Drops every route of peer (all: true) or only those marked stale. */
void rib_peer_flush(struct rib *rib, uint16_t peer, bool only_stale);
void rib_peer_mark_stale(struct rib *rib, uint16_t peer);

const struct rib_entry *rib_lookup(const struct rib *rib, const struct prefix *p);
/* Visits every prefix, in no particular order; stop when fn returns non-zero. */
int rib_walk(const struct rib *rib, int (*fn)(void *ctx, const struct rib_entry *e), void *ctx);
void rib_stats(const struct rib *rib, struct rib_stats *st);

#endif
