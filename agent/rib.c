// SPDX-License-Identifier: GPL-2.0
/*
 * Adj-RIB-In and Loc-RIB. Two chained hash tables that grow by doubling:
 * prefixes, and interned attribute sets.
 */
#include "rib.h"

#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "node_pool.h"

#define DEFAULT_LOCAL_PREF	100

_Static_assert(_Alignof(struct rib_entry) <= NODE_POOL_ALIGN &&
	       _Alignof(struct rib_path) <= NODE_POOL_ALIGN, "rib nodes need more alignment");

struct rib {
	struct rib_entry **buckets;
	size_t nbuckets, nentries, npaths;
	struct rib_attrs **abuckets;
	size_t nabuckets, nattrs;
	/* Entries and paths come and go by the table (a session going down
	 * drops one per prefix): pools, not the heap (node_pool.h). */
	struct node_pool entry_pool, path_pool;
	struct rib_peer peers[RIB_MAX_PEERS];
	rib_listener listener;
	void *listener_ctx;
};

static uint32_t fnv1a(uint32_t h, const void *data, size_t len)
{
	const uint8_t *p = data;

	while (len--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static uint32_t prefix_hash(const struct prefix *p)
{
	uint32_t h = fnv1a(2166136261u, &p->family, 1);

	h = fnv1a(h, &p->len, 1);
	return fnv1a(h, p->addr.bytes, (p->len + 7u) / 8);
}

struct rib *rib_new(void)
{
	struct rib *rib = calloc(1, sizeof(*rib));

	if (!rib)
		return NULL;
	rib->nbuckets = 1024;
	rib->nabuckets = 256;
	node_pool_init(&rib->entry_pool, sizeof(struct rib_entry));
	node_pool_init(&rib->path_pool, sizeof(struct rib_path));
	rib->buckets = calloc(rib->nbuckets, sizeof(*rib->buckets));
	rib->abuckets = calloc(rib->nabuckets, sizeof(*rib->abuckets));
	if (!rib->buckets || !rib->abuckets) {
		rib_free(rib);
		return NULL;
	}
	return rib;
}

void rib_set_listener(struct rib *rib, rib_listener fn, void *ctx)
{
	rib->listener = fn;
	rib->listener_ctx = ctx;
}

/* Rehash into twice the buckets; on allocation failure keep the old table. */
static void grow(void ***buckets, size_t *n, size_t next_offset, uint32_t (*hash)(const void *))
{
	size_t newn = *n * 2, i;
	void **nb = calloc(newn, sizeof(*nb));

	if (!nb)
		return;
	for (i = 0; i < *n; i++) {
		void *node = (*buckets)[i];

		while (node) {
			void **nextp = (void **)((char *)node + next_offset);
			void *next = *nextp;
			size_t b = hash(node) & (newn - 1);

			*nextp = nb[b];
			nb[b] = node;
			node = next;
		}
	}
	free(*buckets);
	*buckets = nb;
	*n = newn;
}

static uint32_t entry_hash(const void *node)
{
	return prefix_hash(&((const struct rib_entry *)node)->prefix);
}

static uint32_t attrs_hash(const void *node)
{
	return ((const struct rib_attrs *)node)->hash;
}

/* ---- neighbors ---- */

int rib_peer_add(struct rib *rib)
{
	int i;

	for (i = 0; i < RIB_MAX_PEERS; i++) {
		if (!rib->peers[i].in_use) {
			memset(&rib->peers[i], 0, sizeof(rib->peers[i]));
			rib->peers[i].in_use = true;
			return i;
		}
	}
	return -1;
}

void rib_peer_remove(struct rib *rib, uint16_t peer)
{
	rib_peer_flush(rib, peer, false);
	rib->peers[peer].in_use = false;
}

struct rib_peer *rib_peer(struct rib *rib, uint16_t peer)
{
	return &rib->peers[peer];
}

/* ---- interned attribute sets ---- */

struct rib_attrs *rib_attrs_get(struct rib *rib, const struct bgp_attrs *a,
				uint8_t nh_family, const void *nexthop)
{
	uint8_t blob[BGP_MSG_MAX], nh[16] = { 0 };
	int len = bgp_attrs_encode(blob, sizeof(blob), a, true);
	struct rib_attrs *ra;
	uint32_t h;
	size_t b;

	if (len < 0)
		return NULL;
	memcpy(nh, nexthop, nh_family == AF_INET6 ? 16 : 4);
	h = fnv1a(fnv1a(fnv1a(2166136261u, &nh_family, 1), nh, 16), blob, (size_t)len);
	b = h & (rib->nabuckets - 1);
	for (ra = rib->abuckets[b]; ra; ra = ra->hnext) {
		if (ra->hash == h && ra->len == len && ra->nexthop_family == nh_family &&
		    !memcmp(ra->nexthop, nh, 16) && !memcmp(ra->blob, blob, (size_t)len)) {
			ra->refcnt++;
			return ra;
		}
	}
	ra = malloc(sizeof(*ra) + (size_t)len);
	if (!ra)
		return NULL;
	ra->hash = h;
	ra->refcnt = 1;
	ra->med = bgp_attr_has(a, BGP_ATTR_MED) ? a->med : 0;
	ra->local_pref = bgp_attr_has(a, BGP_ATTR_LOCAL_PREF) ? a->local_pref : DEFAULT_LOCAL_PREF;
	ra->neighbor_as = bgp_as_path_first(a->as_path, a->as_path_len);
	ra->path_count = (uint16_t)bgp_as_path_count(a->as_path, a->as_path_len);
	ra->origin = a->origin;
	ra->nexthop_family = nh_family;
	memcpy(ra->nexthop, nh, 16);
	ra->len = (uint16_t)len;
	memcpy(ra->blob, blob, (size_t)len);
	ra->hnext = rib->abuckets[b];
	rib->abuckets[b] = ra;
	if (++rib->nattrs > rib->nabuckets)
		grow((void ***)&rib->abuckets, &rib->nabuckets, offsetof(struct rib_attrs, hnext),
		     attrs_hash);
	return ra;
}

void rib_attrs_put(struct rib *rib, struct rib_attrs *ra)
{
	struct rib_attrs **pp;

	if (--ra->refcnt)
		return;
	for (pp = &rib->abuckets[ra->hash & (rib->nabuckets - 1)]; *pp; pp = &(*pp)->hnext) {
		if (*pp == ra) {
			*pp = ra->hnext;
			break;
		}
	}
	rib->nattrs--;
	free(ra);
}

int rib_attrs_decode(const struct rib_attrs *ra, struct bgp_update *u)
{
	int rc = bgp_attrs_decode(ra->blob, ra->len, u);

	if (ra->nexthop_family == AF_INET6) {
		u->attrs.mp_nexthop_len = 16;
		memcpy(u->attrs.mp_nexthop, ra->nexthop, 16);
	}
	return rc;
}

/* ---- decision process ---- */

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

/* RFC 4271 9.1.2.2 a)-c): degree of preference, path length, origin. */
static int cmp_preference(const struct rib_attrs *x, const struct rib_attrs *y)
{
	int c;

	if ((c = cmp_u32(y->local_pref, x->local_pref)))
		return c;
	if ((c = cmp_u32(x->path_count, y->path_count)))
		return c;
	return cmp_u32(x->origin, y->origin);
}

/* 9.1.2.2 e)-g): eBGP over iBGP, lowest BGP identifier, lowest address. */
static int cmp_tiebreak(const struct rib *rib, const struct rib_path *a, const struct rib_path *b)
{
	const struct rib_peer *pa = &rib->peers[a->peer], *pb = &rib->peers[b->peer];
	int c;

	if (pa->ebgp != pb->ebgp)
		return pa->ebgp ? -1 : 1;
	if ((c = cmp_u32(pa->bgp_id, pb->bgp_id)))
		return c;
	return memcmp(pa->addr, pb->addr, sizeof(pa->addr));
}

/*
 * Moves the best path to the front. Rule d) (MED, only between paths from
 * the same neighbor AS) is not transitive, so it is applied to the set of
 * paths left by a)-c), as the RFC describes, not pairwise.
 */
static void select_best(const struct rib *rib, struct rib_entry *e)
{
	struct rib_path *top = NULL, *p, *q, **pp, **best = NULL;

	for (p = e->paths; p; p = p->next)
		if (!top || cmp_preference(p->attrs, top->attrs) < 0)
			top = p;
	for (pp = &e->paths; *pp; pp = &(*pp)->next) {
		bool beaten = false;

		p = *pp;
		if (cmp_preference(p->attrs, top->attrs))
			continue;
		for (q = e->paths; q && !beaten; q = q->next)
			beaten = !cmp_preference(q->attrs, top->attrs) &&
				 q->attrs->neighbor_as == p->attrs->neighbor_as &&
				 q->attrs->med < p->attrs->med;
		if (!beaten && (!best || cmp_tiebreak(rib, p, *best) < 0))
			best = pp;
	}
	if (best && *best != e->paths) {
		p = *best;
		*best = p->next;
		p->next = e->paths;
		e->paths = p;
	}
}

/* ---- prefixes ---- */

static struct rib_entry **find_slot(const struct rib *rib, const struct prefix *p)
{
	struct rib_entry **pp = &rib->buckets[prefix_hash(p) & (rib->nbuckets - 1)];

	while (*pp && !prefix_equal(&(*pp)->prefix, p))
		pp = &(*pp)->hnext;
	return pp;
}

const struct rib_entry *rib_lookup(const struct rib *rib, const struct prefix *p)
{
	return *find_slot(rib, p);
}

static void notify(struct rib *rib, const struct rib_entry *e, uint16_t peer,
		   const struct rib_attrs *attrs, const struct rib_path *old_best)
{
	if (rib->listener)
		rib->listener(rib->listener_ctx, e, peer, attrs, e->paths != old_best ||
			      (old_best && old_best->peer == peer));
}

int rib_update(struct rib *rib, uint16_t peer, const struct prefix *p, struct rib_attrs *attrs)
{
	struct rib_entry **slot = find_slot(rib, p), *e = *slot;
	struct rib_path *path, *old_best;

	if (!e) {
		e = node_pool_get(&rib->entry_pool);
		if (!e)
			return -1;
		e->prefix = *p;
		*slot = e;
		if (++rib->nentries > rib->nbuckets)
			grow((void ***)&rib->buckets, &rib->nbuckets,
			     offsetof(struct rib_entry, hnext), entry_hash);
	}
	old_best = e->paths;
	for (path = e->paths; path && path->peer != peer; path = path->next)
		;
	attrs->refcnt++;
	if (path) {
		rib_attrs_put(rib, path->attrs);
		path->attrs = attrs;
		path->stale = false;
		select_best(rib, e);
		notify(rib, e, peer, attrs, old_best);
		return 0;
	}
	path = node_pool_get(&rib->path_pool);
	if (!path) {
		attrs->refcnt--;
		return -1;
	}
	path->attrs = attrs;
	path->peer = peer;
	path->next = e->paths;
	e->paths = path;
	rib->npaths++;
	rib->peers[peer].routes++;
	select_best(rib, e);
	notify(rib, e, peer, attrs, old_best);
	return 1;
}

/* Unlinks *pp (a path of entry at *slot); frees the entry when it empties. */
static void remove_path(struct rib *rib, struct rib_entry **slot, struct rib_path **pp)
{
	struct rib_entry *e = *slot;
	struct rib_path *path = *pp, *old_best = e->paths;
	uint16_t peer = path->peer;

	*pp = path->next;
	rib->npaths--;
	rib->peers[peer].routes--;
	rib_attrs_put(rib, path->attrs);
	node_pool_put(&rib->path_pool, path);
	select_best(rib, e);
	notify(rib, e, peer, NULL, old_best);
	if (!e->paths) {
		*slot = e->hnext;
		rib->nentries--;
		node_pool_put(&rib->entry_pool, e);
	}
}

int rib_withdraw(struct rib *rib, uint16_t peer, const struct prefix *p)
{
	struct rib_entry **slot = find_slot(rib, p);
	struct rib_path **pp;

	if (!*slot)
		return 0;
	for (pp = &(*slot)->paths; *pp; pp = &(*pp)->next) {
		if ((*pp)->peer == peer) {
			remove_path(rib, slot, pp);
			return 1;
		}
	}
	return 0;
}

/* Calls fn on every path of peer; fn may remove it (then returns true). */
static void for_each_peer_path(struct rib *rib, uint16_t peer,
			       bool (*fn)(struct rib *, struct rib_entry **, struct rib_path **))
{
	size_t b;

	for (b = 0; b < rib->nbuckets && rib->peers[peer].routes; b++) {
		struct rib_entry **slot = &rib->buckets[b];

		while (*slot) {
			struct rib_entry *e = *slot;
			struct rib_path **pp = &e->paths;
			bool removed = false;

			while (*pp && (*pp)->peer != peer)
				pp = &(*pp)->next;
			if (*pp)
				removed = fn(rib, slot, pp);
			/* A removed last path freed e and already advanced *slot. */
			if (!removed || *slot == e)
				slot = &e->hnext;
		}
	}
}

static bool drop_path(struct rib *rib, struct rib_entry **slot, struct rib_path **pp)
{
	remove_path(rib, slot, pp);
	return true;
}

static bool drop_stale_path(struct rib *rib, struct rib_entry **slot, struct rib_path **pp)
{
	if (!(*pp)->stale)
		return false;
	remove_path(rib, slot, pp);
	return true;
}

static bool mark_stale(struct rib *rib, struct rib_entry **slot, struct rib_path **pp)
{
	(void)rib;
	(void)slot;
	(*pp)->stale = true;
	return false;
}

void rib_peer_flush(struct rib *rib, uint16_t peer, bool only_stale)
{
	for_each_peer_path(rib, peer, only_stale ? drop_stale_path : drop_path);
}

void rib_peer_mark_stale(struct rib *rib, uint16_t peer)
{
	for_each_peer_path(rib, peer, mark_stale);
}

int rib_walk(const struct rib *rib, int (*fn)(void *ctx, const struct rib_entry *e), void *ctx)
{
	const struct rib_entry *e;
	size_t b;
	int rc;

	for (b = 0; b < rib->nbuckets; b++)
		for (e = rib->buckets[b]; e; e = e->hnext)
			if ((rc = fn(ctx, e)))
				return rc;
	return 0;
}

void rib_stats(const struct rib *rib, struct rib_stats *st)
{
	const struct rib_attrs *a;

	*st = (struct rib_stats){
		.prefixes = rib->nentries,
		.paths = rib->npaths,
		.attr_sets = rib->nattrs,
		.bytes = malloc_usable_size(rib->buckets) + malloc_usable_size(rib->abuckets) +
			 node_pool_bytes(&rib->entry_pool) + node_pool_bytes(&rib->path_pool),
	};
	/* Attribute sets vary in size: the allocator says how large each is. */
	for (size_t b = 0; b < rib->nabuckets; b++)
		for (a = rib->abuckets[b]; a; a = a->hnext)
			st->bytes += malloc_usable_size((void *)a);
}

void rib_free(struct rib *rib)
{
	size_t b;

	if (!rib)
		return;
	/* Every path holds a reference to its attribute set: free the sets
	 * themselves, then the pools with every entry and path in them. */
	for (b = 0; rib->abuckets && b < rib->nabuckets; b++) {
		while (rib->abuckets[b]) {
			struct rib_attrs *a = rib->abuckets[b];

			rib->abuckets[b] = a->hnext;
			free(a);
		}
	}
	node_pool_release(&rib->entry_pool);
	node_pool_release(&rib->path_pool);
	free(rib->buckets);
	free(rib->abuckets);
	free(rib);
}
