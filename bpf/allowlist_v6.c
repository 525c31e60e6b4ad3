// SPDX-License-Identifier: GPL-2.0
/*
 * peeredge XDP allowlist, userspace side: the IPv6 tables (DIR-16-8, then
 * slices of ranges; layouts in include/peeredge/allowlist.h, design in
 * bpf/README.md). Every entry is recomputed from the shadow of the registry
 * kept by allowlist.c, with the ordering rules that keep lookups valid:
 *  - a chunk of /24 entries is filled before the /16 points to it, and
 *    freed after the /16 stopped pointing to it (chunk_pool.c reuses it
 *    only after an RCU grace period);
 *  - a slice (the ranges of a /24) is built aside and published with the
 *    one store of its /24 entry; the slice it replaces is retired to a
 *    quarantine, reused only after an RCU grace period (range_pool.c).
 *    Adding rebuilds a slice from the shadow too: the new one allows at
 *    least what the old one did.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "allowlist_int.h"

typedef unsigned __int128 u128;

/* A prefix longer than /24, in the list of its /24. */
struct v6pfx {
	u128 start;
	__u64 own;
	__u8 len;
};

struct v6blk {
	__u32 k24;		/* address bits 0..23 */
	__u32 used;
	size_t n, cap;
	struct v6pfx *p;	/* sorted by start, then length */
};

/* A range of a slice being built. */
struct v6cut {
	u128 start;
	__u64 bits;
	__u32 id;
};

static u128 a6_load(const __u8 *b)
{
	u128 v = 0;
	int i;

	for (i = 0; i < 16; i++)
		v = v << 8 | b[i];
	return v;
}

static void a6_of24(__u32 k24, __u8 *b)
{
	memset(b, 0, 16);
	b[0] = k24 >> 16;
	b[1] = k24 >> 8;
	b[2] = k24;
}

/* ---- per-/24 lists of the prefixes longer than /24, for the slices ---- */

static struct v6blk *blk_find(const struct v6blks *t, __u32 k24)
{
	size_t m = t->cap - 1, i = mix64(k24) & m;

	while (t->ent[i].used) {
		if (t->ent[i].k24 == k24)
			return &t->ent[i];
		i = (i + 1) & m;
	}
	return NULL;
}

static struct v6blk *blk_slot(struct v6blks *t, __u32 k24)
{
	size_t m = t->cap - 1, i = mix64(k24) & m;

	while (t->ent[i].used)
		i = (i + 1) & m;
	return &t->ent[i];
}

static int blks_grow(struct v6blks *t)
{
	struct v6blks old = *t;
	size_t i;

	t->cap = old.cap * 2;
	t->ent = calloc(t->cap, sizeof(*t->ent));
	if (!t->ent) {
		*t = old;
		return -ENOMEM;
	}
	for (i = 0; i < old.cap; i++)
		if (old.ent[i].used)
			*blk_slot(t, old.ent[i].k24) = old.ent[i];
	free(old.ent);
	return 0;
}

/* Backward-shift deletion, as for the shadow. */
static void blk_forget(struct v6blks *t, struct v6blk *b)
{
	size_t m = t->cap - 1, i = b - t->ent, j = i, h;

	free(b->p);
	for (;;) {
		j = (j + 1) & m;
		if (!t->ent[j].used)
			break;
		h = mix64(t->ent[j].k24) & m;
		if ((i <= j) ? (h <= i || h > j) : (h <= i && h > j)) {
			t->ent[i] = t->ent[j];
			i = j;
		}
	}
	memset(&t->ent[i], 0, sizeof(t->ent[i]));
	t->n--;
}

/* Position of (start, len) in a list sorted by start, then length. */
static size_t blk_pos(const struct v6blk *b, u128 start, unsigned int len)
{
	size_t lo = 0, hi = b->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		const struct v6pfx *p = &b->p[mid];

		if (p->start < start || (p->start == start && p->len < len))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Records the own bits of a prefix longer than /24 (own 0: forgets it).
 * Idempotent, so that repeating an interrupted add or remove repairs.
 */
static int blk_set(struct v6blks *t, u128 start, unsigned int len, __u64 own)
{
	__u32 k24 = start >> 104;
	struct v6blk *b = blk_find(t, k24);
	size_t i;

	if (!b) {
		if (!own)
			return 0;
		if ((t->n + 1) * 2 > t->cap && blks_grow(t))
			return -ENOMEM;
		b = blk_slot(t, k24);
		b->k24 = k24;
		b->used = 1;
		t->n++;
	}
	i = blk_pos(b, start, len);
	if (i < b->n && b->p[i].start == start && b->p[i].len == len) {
		if (own) {
			b->p[i].own = own;
			return 0;
		}
		memmove(&b->p[i], &b->p[i + 1], (b->n - i - 1) * sizeof(*b->p));
		if (--b->n == 0)
			blk_forget(t, b);
		return 0;
	}
	if (!own)
		return 0;
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 4;
		struct v6pfx *p = realloc(b->p, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		b->p = p;
		b->cap = cap;
	}
	memmove(&b->p[i + 1], &b->p[i], (b->n - i) * sizeof(*b->p));
	b->p[i] = (struct v6pfx){ .start = start, .own = own, .len = len };
	b->n++;
	return 0;
}

/* ---- slices ---- */

static int scratch_reserve(struct pe_allowlist *al, size_t n)
{
	struct v6cut *c;

	if (n <= al->cuts_cap)
		return 0;
	c = realloc(al->cuts, n * sizeof(*c));
	if (!c)
		return -ENOMEM;
	al->cuts = c;
	al->cuts_cap = n;
	return 0;
}

/* Appends a range start; a later start at the same place replaces it. */
static void cut(struct pe_allowlist *al, size_t *n, u128 start, __u64 bits)
{
	if (*n && al->cuts[*n - 1].start == start)
		--*n;
	if (*n && al->cuts[*n - 1].bits == bits)
		return;
	al->cuts[(*n)++] = (struct v6cut){ start, bits, 0 };
}

/*
 * The /24 cut into ranges of equal peering sets: base (prefixes <= /24)
 * everywhere, plus each longer prefix over its span. Prefixes nest or are
 * disjoint, so a sweep in (start, length) order with a stack of the open
 * ones sees every change. Returns the number of ranges in al->cuts.
 */
static size_t v6_sweep(struct pe_allowlist *al, __u32 k24, __u64 base,
		       const struct v6blk *b)
{
	struct {
		u128 last;
		__u64 bits;
	} open[129 - 24];
	u128 first = (u128)k24 << 104, end = first | ((((u128)1) << 104) - 1);
	size_t n = 0, i;
	int sp = 0;

	cut(al, &n, first, base);
	for (i = 0; b && i < b->n; i++) {
		const struct v6pfx *p = &b->p[i];

		while (sp && open[sp - 1].last < p->start) {
			sp--;
			cut(al, &n, open[sp].last + 1, sp ? open[sp - 1].bits : base);
		}
		open[sp].last = p->start | (((u128)1 << (128 - p->len)) - 1);
		open[sp].bits = (sp ? open[sp - 1].bits : base) | p->own;
		cut(al, &n, p->start, open[sp].bits);
		sp++;
	}
	while (sp) {
		sp--;
		if (open[sp].last != end)
			cut(al, &n, open[sp].last + 1, sp ? open[sp - 1].bits : base);
	}
	return n;
}

static __u64 range_low(u128 start, __u32 id)
{
	return ((__u64)start & ((1ULL << 40) - 1)) << 24 | id;
}

static bool is_slice(__u64 ent)
{
	return !(ent & PE_V6_ONE) && (ent & PE_V6_SLICE);
}

/* Does the published slice hold exactly the n ranges in al->cuts? */
static bool slice_equal(const struct pe_allowlist *al, __u32 ent, size_t n)
{
	__u32 off = ent & PE_V6_SLICE_OFF_MASK, i;
	__u32 order = (ent & ~PE_V6_SLICE) >> PE_V6_SLICE_SHIFT;

	if (n < 2 || (1ULL << order) < n || (1ULL << order) >= 2 * n)
		return false;
	for (i = 0; i < n; i++) {
		const struct pe_v6_range *r = &al->v6rng[off + i];

		if (r->mid != (__u64)(al->cuts[i].start >> 40) ||
		    r->low != range_low(al->cuts[i].start, al->cuts[i].id))
			return false;
	}
	return true;
}

/* The entry of a /24 whose one longer prefix p is at most /48. */
static __u64 v6_one(const struct v6pfx *p, __u32 outside, __u32 inside)
{
	return PE_V6_ONE | (__u64)(p->len - 25) << 56 |
	       (__u64)(p->start >> 80 & 0xffffff) << 32 |
	       (__u64)inside << 16 | outside;
}

/*
 * Recomputes the chunk entry of a /24 from the shadow: a set id, the one
 * prefix inline, or a new
 * slice built aside and published with the one store of the entry; the
 * old slice is retired (reused only once no program can be reading it).
 */
static int v6_entry_write(struct pe_allowlist *al, __u32 k24, __u64 *ent)
{
	const struct v6blk *b = blk_find(&al->blks, k24);
	__u32 off = 0, order = 0, id;
	__u64 old = *ent, nv, base;
	size_t n, i, j;
	int err = 0;
	__u8 a[16];

	a6_of24(k24, a);
	err = scratch_reserve(al, b ? 2 * b->n + 1 : 1);
	if (!err)
		err = range_pool_reserve(&al->ranges, 1);
	if (err)
		return err;
	base = al_cover_bits(al, AF_INET6, a, 0, 24);
	n = v6_sweep(al, k24, base, b);
	/* Bitmaps to set ids; neighbours may merge when ids are equal. */
	for (i = j = 0; i < n; i++) {
		id = al_intern(al, al->cuts[i].bits, &err);
		if (err)
			return err;
		if (j && al->cuts[j - 1].id == id)
			continue;
		al->cuts[j] = al->cuts[i];
		al->cuts[j++].id = id;
	}
	n = j;
	if (is_slice(old) && slice_equal(al, old, n))
		return 0;
	if (n == 1) {
		nv = al->cuts[0].id;
	} else if (b->n == 1 && b->p[0].len <= PE_V6_ONE_MAX_LEN) {
		nv = v6_one(&b->p[0], al_intern(al, base, &err),
			    al_intern(al, base | b->p[0].own, &err));
		if (err)
			return err;
	} else {
		order = range_order(n);
		/* The program bisects at most PE_V6_SLICE_MAX_ORDER steps. */
		if (order > PE_V6_SLICE_MAX_ORDER)
			return -ENOSPC;
		err = range_pool_alloc(&al->ranges, order, &off);
		if (err)
			return err;
		for (i = 0; i < (1u << order); i++) {
			struct pe_v6_range *r = &al->v6rng[off + i];

			if (i < n) {
				r->mid = (__u64)(al->cuts[i].start >> 40);
				r->low = range_low(al->cuts[i].start, al->cuts[i].id);
			} else {	/* padding: sorts last, the last range's set */
				r->mid = ~0ULL;
				r->low = ~0ULL << 24 | al->cuts[n - 1].id;
			}
		}
		nv = PE_V6_SLICE | order << PE_V6_SLICE_SHIFT | off;
	}
	store64(ent, nv);
	if (is_slice(old) && old != nv)
		range_pool_retire(&al->ranges,
				  old & PE_V6_SLICE_OFF_MASK,
				  (old & ~PE_V6_SLICE) >> PE_V6_SLICE_SHIFT);
	return 0;
}

/* The 256 /24 entries of a /16, created from its directory entry. */
static int v6_chunk_get(struct pe_allowlist *al, __u32 top, __u64 **ent)
{
	__u32 v = al->v6dir[top], c, e;
	int err;

	if (!(v & PE_V6_CHUNK)) {
		err = chunk_alloc(&al->v6pool, &c);
		if (err)
			return err;
		for (e = 0; e < 256; e++)
			store64(&al->v6tbl[c * 256 + e], v);
		v = PE_V6_CHUNK | c;
		store32(&al->v6dir[top], v);
	}
	*ent = &al->v6tbl[(v & PE_V6_CHUNK_MASK) * 256];
	return 0;
}

/* No prefix longer than /16 left in it: the /16 is one entry again. */
static int v6_chunk_put(struct pe_allowlist *al, __u32 top)
{
	__u32 v = al->v6dir[top], id;
	__u8 a[16] = { top >> 8, top };
	int err = 0;

	if (al->v6deep[top] || !(v & PE_V6_CHUNK))
		return 0;
	id = al_intern(al, al_cover_bits(al, AF_INET6, a, 0, 16), &err);
	if (err)
		return err;
	store32(&al->v6dir[top], id);
	chunk_free(&al->v6pool, v & PE_V6_CHUNK_MASK);
	return 0;
}

/* Adding bits to a /24: a plain entry only grows, others are rebuilt. */
static int v6_entry_add(struct pe_allowlist *al, __u32 k24, __u64 *ent,
			__u64 bits)
{
	int err = 0;
	__u32 id;

	if (*ent & (PE_V6_ONE | PE_V6_SLICE))
		return v6_entry_write(al, k24, ent);
	id = al_set_or(al, *ent, bits, &err);
	if (!err)
		store64(ent, id);
	return err;
}

/* The shared tables take the prefix (bits: the peerings being added). */
static int shared_add(struct pe_allowlist *al, const __u8 *addr,
		      unsigned int len, __u64 bits, bool fresh)
{
	__u32 top = addr[0] << 8 | addr[1], idx, k24, end;
	u128 start = a6_load(addr);
	int err = 0;
	__u64 *ent;

	if (len <= 16) {
		end = top + (1u << (16 - len));
		for (idx = top; idx < end; idx++) {
			__u32 v = al->v6dir[idx], i;

			if (!(v & PE_V6_CHUNK)) {
				v = al_set_or(al, v, bits, &err);
				if (err)
					return err;
				store32(&al->v6dir[idx], v);
				continue;
			}
			ent = &al->v6tbl[(v & PE_V6_CHUNK_MASK) * 256];
			for (i = 0; i < 256; i++) {
				err = v6_entry_add(al, idx << 8 | i, &ent[i], bits);
				if (err)
					return err;
			}
		}
		return 0;
	}
	if (fresh)
		al->v6deep[top]++;
	k24 = start >> 104;
	err = v6_chunk_get(al, top, &ent);
	if (err)
		return err;
	if (len > 24) {
		err = blk_set(&al->blks, start, len, al_own_bits(al, AF_INET6, addr, len));
		return err ? err : v6_entry_write(al, k24, &ent[k24 & 0xff]);
	}
	end = k24 + (1u << (24 - len));
	for (; k24 < end; k24++) {
		err = v6_entry_add(al, k24, &ent[k24 & 0xff], bits);
		if (err)
			return err;
	}
	return 0;
}

static int shared_del(struct pe_allowlist *al, const __u8 *addr,
		      unsigned int len, bool gone)
{
	__u32 top = addr[0] << 8 | addr[1], idx, k24, end, id, i;
	u128 start = a6_load(addr);
	int err = 0;
	__u64 *ent;

	if (len <= 16) {
		end = top + (1u << (16 - len));
		for (idx = top; idx < end; idx++) {
			__u32 v = al->v6dir[idx];
			__u8 a[16] = { idx >> 8, idx };

			if (!(v & PE_V6_CHUNK)) {
				id = al_intern(al, al_cover_bits(al, AF_INET6, a, 0, 16), &err);
				if (err)
					return err;
				store32(&al->v6dir[idx], id);
				continue;
			}
			ent = &al->v6tbl[(v & PE_V6_CHUNK_MASK) * 256];
			for (i = 0; i < 256; i++) {
				err = v6_entry_write(al, idx << 8 | i, &ent[i]);
				if (err)
					return err;
			}
		}
		return 0;
	}
	k24 = start >> 104;
	if (len > 24) {
		err = blk_set(&al->blks, start, len, al_own_bits(al, AF_INET6, addr, len));
		if (err)
			return err;
	}
	if (al->v6dir[top] & PE_V6_CHUNK) {
		ent = &al->v6tbl[(al->v6dir[top] & PE_V6_CHUNK_MASK) * 256];
		end = len > 24 ? k24 + 1 : k24 + (1u << (24 - len));
		for (; k24 < end; k24++) {
			err = v6_entry_write(al, k24, &ent[k24 & 0xff]);
			if (err)
				return err;
		}
	}
	if (gone && al->v6deep[top])
		al->v6deep[top]--;
	return v6_chunk_put(al, top);
}

int al_v6_add(struct pe_allowlist *al, const __u8 *addr, unsigned int len,
	      __u64 bits, bool fresh)
{
	int err = shared_add(al, addr, len, bits, fresh);

	/* The per-peering tables last: they may defer to the shared ones. */
	return err ? err : al_v6p_change(al, addr, len, bits);
}

int al_v6_del(struct pe_allowlist *al, const __u8 *addr, unsigned int len,
	      __u64 bits, bool gone)
{
	int err = shared_del(al, addr, len, gone), err2;

	/* Even when the shared tables failed: the prefix left the shadow. */
	err2 = al_v6p_change(al, addr, len, bits);
	return err ? err : err2;
}

unsigned int al_v6_outermost(const struct pe_allowlist *al, __u32 k24,
			     __u64 bit, struct v6_span *out, unsigned int max)
{
	const struct v6blk *b = blk_find(&al->blks, k24);
	unsigned int n = 0;
	u128 last = 0;
	size_t i;

	/* Sorted by start, then length: an outer prefix comes first. */
	for (i = 0; b && i < b->n && n < max; i++) {
		const struct v6pfx *p = &b->p[i];

		if (!(p->own & bit) || (n && p->start <= last))
			continue;
		out[n++] = (struct v6_span){ p->start, p->len };
		last = p->start | ((((u128)1) << (128 - p->len)) - 1);
	}
	return n;
}

__u32 al_v6_lookup(struct pe_allowlist *al, const __u8 *b)
{
	u128 a = a6_load(b);
	__u32 v = __atomic_load_n(&al->v6dir[a >> 112], __ATOMIC_ACQUIRE);
	__u32 off, order, base = 0, step;
	__u64 qmid, qlow, e;

	if (!(v & PE_V6_CHUNK))
		return v;
	e = __atomic_load_n(&al->v6tbl[(v & PE_V6_CHUNK_MASK) * 256 +
				       (__u32)(a >> 104 & 0xff)],
			    __ATOMIC_ACQUIRE);
	if (e & PE_V6_ONE) {
		unsigned int len = 25 + (e >> 56 & 31);

		return (((__u32)(a >> 80) ^ (__u32)(e >> 32)) & 0xffffff) >>
			       (48 - len) ?
			       e & PE_V6_SET_MASK : e >> 16 & PE_V6_SET_MASK;
	}
	v = e;
	if (!(v & PE_V6_SLICE))
		return v;
	off = v & PE_V6_SLICE_OFF_MASK;
	order = (v & ~PE_V6_SLICE) >> PE_V6_SLICE_SHIFT;
	qmid = (__u64)(a >> 40);
	qlow = range_low(a, 0xffffff);
	for (step = order ? 1u << (order - 1) : 0; step; step >>= 1) {
		const struct pe_v6_range *r = &al->v6rng[off + base + step];

		if (r->mid < qmid || (r->mid == qmid && r->low <= qlow))
			base += step;
	}
	return al->v6rng[off + base].low & PE_V6_SET_MASK;
}

/* ---- open: tables found pinned, or new ones ---- */

/*
 * A /24 entry of pinned tables: a set id, one prefix inline, or a slice
 * inside the range space, aligned, overlapping no slice marked in used;
 * its ranges are marked.
 */
static bool tbl_entry_valid(__u64 s, __u32 order_max, __u64 *used)
{
	__u32 off = s & PE_V6_SLICE_OFF_MASK, k;
	__u32 order = (s & ~PE_V6_SLICE) >> PE_V6_SLICE_SHIFT;

	if (s & PE_V6_ONE)
		return (s >> 56 & 0x7f) <= PE_V6_ONE_MAX_LEN - 25;
	if (!is_slice(s))
		return s <= PE_V6_SET_MASK;
	if ((s >> 32) || order > PE_V6_SLICE_MAX_ORDER || order > order_max ||
	    off % (1u << order) || off + (1ULL << order) > (1ULL << order_max))
		return false;
	for (k = off; k < off + (1u << order); k++)
		if (used[k / 64] >> (k % 64) & 1)
			return false;
	for (k = off; k < off + (1u << order); k++)
		used[k / 64] |= 1ULL << (k % 64);
	return true;
}

/* A pinned directory entry: a set id, or a chunk inside the pool not in chunks. */
static bool dir_valid(const struct pe_allowlist *al, __u32 v, const __u64 *chunks)
{
	__u32 ci = v & PE_V6_CHUNK_MASK;

	if (!(v & PE_V6_CHUNK))
		return v <= PE_V6_SET_MASK;
	return !(v & ~(PE_V6_CHUNK | PE_V6_CHUNK_MASK)) && ci < al->v6pool.n &&
	       !(chunks[ci / 64] >> (ci % 64) & 1);
}

/* The set id of what covers the first len bits of a (16 or 24). */
static __u32 cover_id(struct pe_allowlist *al, const __u8 *a, unsigned int len,
		      int *err)
{
	return al_intern(al, al_cover_bits(al, AF_INET6, a, 0, len), err);
}

static __u64 *entry_of24(const struct pe_allowlist *al, __u32 k24)
{
	return &al->v6tbl[(al->v6dir[k24 >> 8] & PE_V6_CHUNK_MASK) * 256 + (k24 & 255)];
}

/*
 * IPv6 state of tables found pinned: counts, lists, free space. An entry
 * this library would not have written (a chunk or slice outside the pools
 * or used twice, a value of no kind) is not followed: it is set to what
 * covers it up to /16 or /24 at once, then rebuilt from the shadow (a /16
 * with a new chunk, a /24 with a new slice).
 */
static int v6_rebuild_reused(struct pe_allowlist *al, __u32 order_max)
{
	__u64 *used = NULL, *chunks = NULL, *bad24 = NULL;
	__u32 c, e, k, *bad16 = NULL, nbad16 = 0, nbad24 = 0;
	size_t i;
	int err;

	for (i = 0; i < al->shadow.cap; i++) {
		const struct shadow_ent *s = &al->shadow.ent[i];

		if (!s->used || s->key.family != AF_INET6 || s->key.len <= 16)
			continue;
		al->v6deep[s->key.addr[0] << 8 | s->key.addr[1]]++;
		if (s->key.len > 24) {
			err = blk_set(&al->blks, a6_load(s->key.addr), s->key.len,
				      s->own);
			if (err)
				return err;
		}
	}
	err = -ENOMEM;
	used = calloc(((size_t)1 << order_max) / 64 + 1, 8);
	chunks = calloc(al->v6pool.n / 64 + 1, 8);
	bad24 = calloc(PE_V6_DIR_SIZE * 256 / 64, 8);
	bad16 = calloc(PE_V6_DIR_SIZE, sizeof(*bad16));
	if (!used || !chunks || !bad24 || !bad16)
		goto out;
	err = 0;
	for (c = 0; c < PE_V6_DIR_SIZE && !err; c++) {
		__u32 v = al->v6dir[c], ci = v & PE_V6_CHUNK_MASK;
		__u8 a[16] = { c >> 8, c };

		if (!dir_valid(al, v, chunks)) {
			store32(&al->v6dir[c], cover_id(al, a, 16, &err));
			bad16[nbad16++] = c;
			continue;
		}
		if (!(v & PE_V6_CHUNK))
			continue;
		chunks[ci / 64] |= 1ULL << (ci % 64);
		for (e = 0; e < 256 && !err; e++) {
			if (tbl_entry_valid(al->v6tbl[ci * 256 + e], order_max, used))
				continue;
			a[2] = e;
			k = c << 8 | e;
			bad24[k / 64] |= 1ULL << (k % 64);
			nbad24++;
			store64(entry_of24(al, k), cover_id(al, a, 24, &err));
		}
	}
	/* What rejected entries pointed to is free once no program that
	 * followed them before is still running. */
	if (!err && (nbad16 || nbad24))
		grace_wait(&al->grace);
	if (!err)
		err = chunk_pool_fill(&al->v6pool, al->v6dir, PE_V6_DIR_SIZE,
				      PE_V6_CHUNK, PE_V6_CHUNK_MASK, true);
	if (!err)
		err = range_pool_init(&al->ranges, al->v6rng, sizeof(*al->v6rng),
				      order_max, &al->grace, used);
	for (k = 0; k < PE_V6_DIR_SIZE * 256 && !err; k++) {
		if (!bad24[k / 64])
			k |= 63;
		else if (bad24[k / 64] >> (k % 64) & 1)
			err = v6_entry_write(al, k, entry_of24(al, k));
	}
	for (i = 0; i < nbad16 && !err; i++) {
		__u64 *ent;

		if (!al->v6deep[bad16[i]])
			continue;
		err = v6_chunk_get(al, bad16[i], &ent);
		for (e = 0; e < 256 && !err; e++)
			err = v6_entry_write(al, bad16[i] << 8 | e, &ent[e]);
	}
out:
	free(used);
	free(chunks);
	free(bad24);
	free(bad16);
	return err;
}

static int v6_fill(struct pe_allowlist *al, __u32 order_max)
{
	size_t i;
	int err;

	err = range_pool_init(&al->ranges, al->v6rng, sizeof(*al->v6rng),
			      order_max, &al->grace, NULL);
	if (!err)
		err = chunk_pool_fill(&al->v6pool, al->v6dir, PE_V6_DIR_SIZE,
				      PE_V6_CHUNK, PE_V6_CHUNK_MASK, false);
	if (err)
		return err;
	for (i = 0; i < al->shadow.cap; i++) {
		const struct shadow_ent *s = &al->shadow.ent[i];

		if (!s->used || s->key.family != AF_INET6)
			continue;
		err = shared_add(al, s->key.addr, s->key.len, s->own, true);
		if (err)
			return err;
	}
	return 0;
}

int al_v6_open(struct pe_allowlist *al, __u32 chunks, __u32 order_max)
{
	int err = chunk_pool_init(&al->v6pool, chunks, &al->grace);

	if (err)
		return err;
	al->v6deep = calloc(PE_V6_DIR_SIZE, sizeof(*al->v6deep));
	al->blks.cap = 1024;
	al->blks.ent = calloc(al->blks.cap, sizeof(*al->blks.ent));
	if (!al->v6deep || !al->blks.ent)
		return -ENOMEM;
	return al->v6_reused ? v6_rebuild_reused(al, order_max) :
			       v6_fill(al, order_max);
}

void al_v6_close(struct pe_allowlist *al)
{
	size_t i;

	chunk_pool_fini(&al->v6pool);
	range_pool_fini(&al->ranges);
	free(al->v6deep);
	for (i = 0; al->blks.ent && i < al->blks.cap; i++)
		free(al->blks.ent[i].p);
	free(al->blks.ent);
	free(al->cuts);
}
