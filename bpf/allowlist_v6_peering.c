// SPDX-License-Identifier: GPL-2.0
/*
 * peeredge XDP allowlist: the per-peering IPv6 tables, in front of the
 * shared ones of allowlist_v6.c (layout in include/peeredge/allowlist.h).
 * Each peering has a directory of /16s; a /16 is nothing, everything, left
 * to the shared tables, or a block: a bit per /24 holding an entry, and the
 * u64 entries packed by rank in lines of pe_v6p_lines. An entry is the
 * answer for its /24 (all; the one or two outermost prefixes of the
 * peering inline; a list of up to 8), or "ask the shared tables".
 *
 * Every entry is a function of the shadow. A change that keeps the /24s a
 * block has entries for is made in place, one store per entry (each is a
 * whole answer for its /24; a list is written to new space first, the old
 * one freed). A /24
 * that needs an entry it has not got changes the ranks, so the /16 gets a
 * new block and entry lines, published by the one store of its directory
 * entry; the old ones are freed after a grace period (chunk_pool.c,
 * range_pool.c). Removals never need space. When space runs out, the /24
 * or the /16 is left to the shared tables, which are always right (they
 * were updated first), so a full pool costs speed, never a wrong answer;
 * such a /16 is built again once space is freed (retry_wanting()).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "allowlist_int.h"

/* An entry naming a list not written yet (in the image's list[]). */
#define LIST_NEW	(PE_V6P_LIST | PE_V6P_LIST_INDEX)

/* What peering p allows in one /16, built before it is written out. */
struct v6p_image {
	bool short_of_space;	/* an entry left to the shared tables for it */
	__u64 cur[256];		/* entries in the tables now (no entry: NONE) */
	__u64 ent[256];		/* wanted */
	__u64 list[256][PE_V6P_LIST_MAX];
};

static __u32 *dir_ent(struct pe_allowlist *al, __u32 p, __u32 s16)
{
	return &al->v6pdir[p << 16 | s16];
}

static void dir_store(struct pe_allowlist *al, __u32 *d, __u32 v)
{
	al->v6p_used16 += (v != PE_V6P_D_NONE) - (*d != PE_V6P_D_NONE);
	al->v6p_shared16 += (v == PE_V6P_D_SHARED) - (*d == PE_V6P_D_SHARED);
	store32(d, v);
}

static __u64 kind(__u64 e)
{
	return e & PE_V6P_KIND;
}

static void list_free(struct pe_allowlist *al, __u64 e)
{
	if (kind(e) != PE_V6P_LIST)
		return;
	chunk_free(&al->v6plistpool, e & PE_V6P_LIST_INDEX);
	al->v6p_freed = true;
}

/*
 * Directory entry key went without space: it is built again once space is
 * freed (best effort: without memory to note it, when it next changes).
 */
static void want_space(struct pe_allowlist *al, __u32 key)
{
	if (al->v6p_is_wanting[key / 64] >> (key % 64) & 1)
		return;
	if (al->v6p_nwanting == al->v6p_wanting_cap) {
		size_t cap = al->v6p_wanting_cap ? 2 * al->v6p_wanting_cap : 64;
		__u32 *grown = realloc(al->v6p_wanting, cap * sizeof(*grown));

		if (!grown)
			return;
		al->v6p_wanting = grown;
		al->v6p_wanting_cap = cap;
	}
	al->v6p_wanting[al->v6p_nwanting++] = key;
	al->v6p_is_wanting[key / 64] |= 1ULL << (key % 64);
}

/* The entry lines of a block with these /24 bits. */
static __u32 array_order(const __u64 *has)
{
	return range_order((bits_count(has) + PE_V6P_LINE - 1) / PE_V6P_LINE);
}

/* The entry of the /24 with rank r in a block. */
static __u64 *block_entry(const struct pe_allowlist *al,
			  const struct pe_v6p_block *b, unsigned int r)
{
	return &al->v6plines[b->base + r / PE_V6P_LINE].v[r % PE_V6P_LINE];
}

static unsigned int rank_of(const struct pe_v6p_block *b, unsigned int t)
{
	return b->before[t >> 6] +
	       __builtin_popcountll(b->has[t >> 6] & ((1ULL << (t & 63)) - 1));
}

static void image_read(const struct pe_allowlist *al, __u32 d,
		       struct v6p_image *img)
{
	const struct pe_v6p_block *b;
	unsigned int t, r = 0;

	img->short_of_space = false;
	memset(img->cur, 0, sizeof(img->cur));
	if (d & PE_V6P_D_BLOCK) {
		b = &al->v6pblk[d & PE_V6P_INDEX_MASK];
		for (t = 0; t < 256; t++)
			if (bit_test(b->has, t))
				img->cur[t] = *block_entry(al, b, r++);
	}
	memcpy(img->ent, img->cur, sizeof(img->ent));
}

/* A PE_V6P_ONE word: the prefix, 25..64 long. */
static __u64 word_one(const struct v6_span *s)
{
	return PE_V6P_ONE | (__u64)(s->len - 25) << 40 |
	       ((__u64)(s->start >> 64) & 0xffffffffffULL);
}

/* Bits 24..47 and length - 25 of a prefix 25..48 long: 29 bits. */
static __u64 short_bits(const struct v6_span *s)
{
	return ((__u32)(s->start >> 80) & 0xffffff) | (s->len - 25) << 24;
}

/*
 * The entry peering bit needs for /24 t of the image's /16 s16, which no
 * prefix of length <= 16 of it covers; a list goes to img->list[t].
 */
static __u64 want24(struct pe_allowlist *al, struct v6p_image *img,
		    __u32 s16, unsigned int t, __u64 bit)
{
	struct v6_span sp[PE_V6P_LIST_MAX + 1];
	__u8 a[16] = { s16 >> 8, s16, t };
	unsigned int n, i, longest = 0;

	if (al_cover_bits(al, AF_INET6, a, 17, 24) & bit)
		return PE_V6P_ALL;
	n = al_v6_outermost(al, s16 << 8 | t, bit, sp, PE_V6P_LIST_MAX + 1);
	for (i = 0; i < n; i++)
		if (sp[i].len > longest)
			longest = sp[i].len;
	if (!n)
		return PE_V6P_NONE;
	if (n > PE_V6P_LIST_MAX || longest > PE_V6P_ONE_MAX_LEN)
		return PE_V6P_SHARED;
	if (n == 1)
		return word_one(&sp[0]);
	if (n == 2 && longest <= PE_V6P_SHORT_MAX_LEN)
		return PE_V6P_TWO | short_bits(&sp[0]) | short_bits(&sp[1]) << 29;
	memset(img->list[t], 0, sizeof(img->list[t]));
	for (i = 0; i < n; i++)
		img->list[t][i] = word_one(&sp[i]);
	return LIST_NEW;
}

/* /24 t of /16 s16 in the image, recomputed from the shadow. */
static void image_recompute24(struct pe_allowlist *al, struct v6p_image *img,
			      __u32 s16, unsigned int t, __u64 bit)
{
	__u64 e = want24(al, img, s16, t, bit), c = img->cur[t];

	/* A list published already, the same: keep it. */
	if (e == LIST_NEW && kind(c) == PE_V6P_LIST &&
	    !memcmp(al->v6plists[c & PE_V6P_LIST_INDEX].v, img->list[t],
		    sizeof(img->list[t])))
		e = c;
	img->ent[t] = e;
}

/* A new list is written out, or left to the shared tables. */
static __u64 entry_final(struct pe_allowlist *al, struct v6p_image *img,
			 unsigned int t)
{
	__u32 i;

	if (img->ent[t] != LIST_NEW)
		return img->ent[t];
	if (chunk_alloc(&al->v6plistpool, &i)) {
		img->short_of_space = true;
		return img->ent[t] = PE_V6P_SHARED;
	}
	memcpy(al->v6plists[i].v, img->list[t], sizeof(img->list[t]));
	return img->ent[t] = PE_V6P_LIST | i;
}

/*
 * What directory entry old pointed to, once nothing reads it: its block,
 * its entry lines, and the lists the image does not keep.
 */
static void struct_free(struct pe_allowlist *al, __u32 old,
			const struct v6p_image *img, bool keep_same)
{
	const struct pe_v6p_block *b;
	unsigned int t;

	if (!(old & PE_V6P_D_BLOCK))
		return;
	b = &al->v6pblk[old & PE_V6P_INDEX_MASK];
	for (t = 0; t < 256; t++)
		if (!(keep_same && img->ent[t] == img->cur[t]))
			list_free(al, img->cur[t]);
	range_pool_retire(&al->v6pentpool, b->base, array_order(b->has));
	chunk_free(&al->v6pblocks, old & PE_V6P_INDEX_MASK);
	al->v6p_freed = true;
}

/* The directory entry becomes v (not a block); the old tables go. */
static void dir_set(struct pe_allowlist *al, __u32 *d, __u32 v,
		    const struct v6p_image *img)
{
	__u32 old = *d;

	if (old == v)
		return;
	dir_store(al, d, v);
	struct_free(al, old, img, false);
}

/* Entries changed in place: the block keeps its /24s. */
static void install_in_place(struct pe_allowlist *al, __u32 d,
			     struct v6p_image *img)
{
	const struct pe_v6p_block *b = &al->v6pblk[d & PE_V6P_INDEX_MASK];
	unsigned int t, r = 0;

	for (t = 0; t < 256; t++) {
		if (!bit_test(b->has, t))
			continue;
		if (img->ent[t] != img->cur[t]) {
			store64(block_entry(al, b, r), entry_final(al, img, t));
			list_free(al, img->cur[t]);
		}
		r++;
	}
}

/* A new block and entry lines for the image, then the directory entry. */
static void install_new(struct pe_allowlist *al, __u32 *d, const __u64 *has,
			struct v6p_image *img)
{
	__u32 bi, base, old = *d, order = array_order(has);
	struct pe_v6p_block *b;
	unsigned int t, w, r = 0;

	if (chunk_alloc(&al->v6pblocks, &bi))
		goto no_space;
	if (range_pool_alloc(&al->v6pentpool, order, &base)) {
		chunk_free(&al->v6pblocks, bi);
		goto no_space;
	}
	b = &al->v6pblk[bi];
	memset(b, 0, sizeof(*b));
	memcpy(b->has, has, sizeof(b->has));
	b->base = base;
	for (w = 1; w < 4; w++)
		b->before[w] = b->before[w - 1] + __builtin_popcountll(has[w - 1]);
	for (t = 0; t < 256; t++)
		if (bit_test(has, t))
			*block_entry(al, b, r++) = entry_final(al, img, t);
	dir_store(al, d, PE_V6P_D_BLOCK | bi);
	struct_free(al, old, img, true);
	return;
no_space:
	img->short_of_space = true;
	dir_set(al, d, PE_V6P_D_SHARED, img);
}

/*
 * Writes the image of (p, s16) to the tables (room to retire the old entry
 * lines reserved).
 */
static void image_install(struct pe_allowlist *al, __u32 p, __u32 s16,
			  struct v6p_image *img)
{
	__u32 *d = dir_ent(al, p, s16), old = *d;
	unsigned int t, n = 0, nall = 0;
	__u64 has[4] = { 0 };

	for (t = 0; t < 256; t++) {
		if (img->ent[t] == PE_V6P_NONE)
			continue;
		bits_set(has, t, 1);
		n++;
		nall += img->ent[t] == PE_V6P_ALL;
	}
	if (!n) {
		dir_set(al, d, PE_V6P_D_NONE, img);
	} else if (nall == 256) {
		dir_set(al, d, PE_V6P_D_ALL, img);
	} else if (old & PE_V6P_D_BLOCK) {
		const __u64 *cur = al->v6pblk[old & PE_V6P_INDEX_MASK].has;

		for (t = 0; t < 4 && !(has[t] & ~cur[t]); t++)
			;
		if (t == 4)
			install_in_place(al, old, img);
		else
			install_new(al, d, has, img);
	} else {
		install_new(al, d, has, img);
	}
	if (img->short_of_space)
		want_space(al, p << 16 | s16);
}

/*
 * /24s first .. first + n - 1 of what peering p allows in /16 s16,
 * recomputed from the shadow (all of them when the /16 was all allowed or
 * left to the shared tables).
 */
static int update16(struct pe_allowlist *al, __u32 p, __u32 s16,
		    unsigned int first, unsigned int n)
{
	struct v6p_image *img = al->v6pimg;
	__u8 a[16] = { s16 >> 8, s16 };
	__u32 d = *dir_ent(al, p, s16);
	__u64 bit = 1ULL << p;
	unsigned int t;
	/* Whatever follows may retire the /16's entry lines. */
	int err = range_pool_reserve(&al->v6pentpool, 1);

	if (err)
		return err;
	image_read(al, d, img);
	if (al_cover_bits(al, AF_INET6, a, 0, 16) & bit) {
		dir_set(al, dir_ent(al, p, s16), PE_V6P_D_ALL, img);
		return 0;
	}
	if (d == PE_V6P_D_ALL || d == PE_V6P_D_SHARED) {
		first = 0;
		n = 256;
	}
	/* No prefix of any peering longer than /16 in it: no /24 entry. */
	if (!al->v6deep[s16])
		memset(img->ent, 0, sizeof(img->ent));
	else
		for (t = first; t < first + n; t++)
			image_recompute24(al, img, s16, t, bit);
	image_install(al, p, s16, img);
	return 0;
}

/* (peering, /16)s rebuilt after a change that freed space, at most */
#define V6P_RETRY_MAX 8

/*
 * Space was freed: the oldest few of the (peering, /16)s that went without
 * it, each once; those still short go to the back. Best effort: the
 * change that called it is done, and a failure here only leaves a /16 to
 * the shared tables a while longer.
 */
static void retry_wanting(struct pe_allowlist *al)
{
	size_t n = al->v6p_nwanting < V6P_RETRY_MAX ? al->v6p_nwanting :
						      V6P_RETRY_MAX, i;
	__u32 keys[V6P_RETRY_MAX];

	al->v6p_freed = false;
	memcpy(keys, al->v6p_wanting, n * sizeof(keys[0]));
	al->v6p_nwanting -= n;
	memmove(al->v6p_wanting, al->v6p_wanting + n,
		al->v6p_nwanting * sizeof(keys[0]));
	for (i = 0; i < n; i++)
		al->v6p_is_wanting[keys[i] / 64] &= ~(1ULL << (keys[i] % 64));
	for (i = 0; i < n; i++)
		if (update16(al, keys[i] >> 16, keys[i] & 0xffff, 0, 256))
			want_space(al, keys[i]);
}

int al_v6p_change(struct pe_allowlist *al, const __u8 *addr,
		  unsigned int len, __u64 bits)
{
	__u32 s16 = addr[0] << 8 | addr[1], p, i;
	unsigned int t = addr[2], n = len < 24 ? 1u << (24 - len) : 1;
	int err = 0;

	for (p = 0; p < PE_MAX_PEERINGS && !err; p++) {
		if (!(bits >> p & 1))
			continue;
		if (len > 16) {
			err = update16(al, p, s16, t, n);
			continue;
		}
		for (i = s16; i < s16 + (1u << (16 - len)) && !err; i++)
			err = update16(al, p, i, 0, 256);
	}
	if (!err && al->v6p_freed && al->v6p_nwanting)
		retry_wanting(al);
	return err;
}

/* Is bits 0..63 of an address inside the PE_V6P_ONE prefix of word w? */
static bool word_one_has(__u64 w, __u64 hi)
{
	return !(((hi ^ w) & 0xffffffffffULL) >> (64 - 25 - (w >> 40 & 63)));
}

/* Are bits 24..47 s inside the 29-bit short prefix v? */
static bool short_has(__u32 s, __u64 v)
{
	return !(((s ^ v) & 0xffffff) >> (48 - 25 - (v >> 24 & 31)));
}

int al_v6p_allowed(const struct pe_allowlist *al, const __u8 *b, __u32 p)
{
	__u32 d = __atomic_load_n(&al->v6pdir[p << 16 | b[0] << 8 | b[1]],
				  __ATOMIC_ACQUIRE);
	__u32 s = b[3] << 16 | b[4] << 8 | b[5];
	const struct pe_v6p_block *blk;
	const struct pe_v6p_list *ls;
	__u64 hi = 0, e;
	unsigned int k;

	if (d == PE_V6P_D_SHARED)
		return V6P_ASK_SHARED;
	if (!(d & PE_V6P_D_BLOCK))
		return d == PE_V6P_D_ALL ? V6P_YES : V6P_NO;
	blk = &al->v6pblk[d & PE_V6P_INDEX_MASK];
	if (!bit_test(blk->has, b[2]))
		return V6P_NO;
	e = *block_entry(al, blk, rank_of(blk, b[2]));
	for (k = 0; k < 8; k++)
		hi = hi << 8 | b[k];
	switch (kind(e)) {
	case PE_V6P_ONE:
		return word_one_has(e, hi);
	case PE_V6P_TWO:
		return short_has(s, e) || short_has(s, e >> 29);
	case PE_V6P_LIST:
		ls = &al->v6plists[e & PE_V6P_LIST_INDEX];
		for (k = 0; k < PE_V6P_LIST_MAX; k++)
			if (kind(ls->v[k]) == PE_V6P_ONE &&
			    word_one_has(ls->v[k], hi))
				return V6P_YES;
		return V6P_NO;
	}
	return e == PE_V6P_SHARED ? V6P_ASK_SHARED :
	       e == PE_V6P_ALL ? V6P_YES : V6P_NO;
}

/* ---- open: tables found pinned, or new ones ---- */

/* What pinned tables use, as bitmaps, while their directory is checked. */
struct v6p_use {
	__u64 *blocks, *lines, *lists;	/* in one allocation */
	size_t words;
};

/* Bitmaps of u for the pools of al, all clear; false without memory. */
static bool v6p_use_alloc(const struct pe_allowlist *al, struct v6p_use *u)
{
	size_t nb = al->v6pblocks.n / 64 + 1;
	size_t nl = (1u << al->v6pentpool.order_max) / 64 + 1;
	size_t nli = al->v6plistpool.n / 64 + 1;

	u->words = nb + nl + nli;
	u->blocks = calloc(u->words, 8);
	if (!u->blocks)
		return false;
	u->lines = u->blocks + nb;
	u->lists = u->lines + nl;
	return true;
}

/* Marks n units from off in a bitmap; false when one was marked already. */
static bool mark_units(__u64 *used, __u32 off, __u32 n)
{
	__u32 i;

	for (i = off; i < off + n; i++) {
		if (used[i / 64] >> (i % 64) & 1)
			return false;
		used[i / 64] |= 1ULL << (i % 64);
	}
	return true;
}

/* A PE_V6P_ONE word as this library writes it: a length the lookups shift by. */
static bool word_one_valid(__u64 w)
{
	return (w & PE_V6P_KIND) == PE_V6P_ONE &&
	       (w >> 40 & 63) <= PE_V6P_ONE_MAX_LEN - 25;
}

/* Up to 8 PE_V6P_ONE words, the rest zero. */
static bool list_valid(const struct pe_v6p_list *l)
{
	unsigned int k;

	for (k = 0; k < PE_V6P_LIST_MAX; k++)
		if (l->v[k] && !word_one_valid(l->v[k]))
			return false;
	return true;
}

/*
 * An entry of pinned tables as this library writes it: prefix lengths
 * the lookups can shift by, and a list inside the pool that no other
 * entry names.
 */
static bool entry_valid(const struct pe_allowlist *al, __u64 e,
			struct v6p_use *u)
{
	__u64 i = e & PE_V6P_LIST_INDEX;

	switch (kind(e)) {
	case PE_V6P_ONE:
		return word_one_valid(e);
	case PE_V6P_TWO:
		return (e >> 24 & 31) <= PE_V6P_SHORT_MAX_LEN - 25 &&
		       (e >> 53 & 31) <= PE_V6P_SHORT_MAX_LEN - 25;
	case PE_V6P_LIST:
		return e == (PE_V6P_LIST | i) && i < al->v6plistpool.n &&
		       list_valid(&al->v6plists[i]) &&
		       mark_units(u->lists, i, 1);
	}
	return e <= PE_V6P_SHARED;
}

/*
 * Does directory entry d point only inside the pools, to a block, entry
 * lines and lists no other entry uses, with consistent ranks?
 * What it uses is marked in u.
 */
static bool struct_valid(const struct pe_allowlist *al, __u32 d,
			 struct v6p_use *u)
{
	__u32 bi = d & PE_V6P_INDEX_MASK;
	__u32 nlines = 1u << al->v6pentpool.order_max;
	const struct pe_v6p_block *b;
	unsigned int w, r, n, before = 0;

	if (d <= PE_V6P_D_SHARED)
		return true;
	if (!(d & PE_V6P_D_BLOCK) ||
	    (d & ~(PE_V6P_D_BLOCK | PE_V6P_INDEX_MASK)) ||
	    bi >= al->v6pblocks.n || !mark_units(u->blocks, bi, 1))
		return false;
	b = &al->v6pblk[bi];
	for (w = 0; w < 4; w++) {
		if (b->before[w] != before)
			return false;
		before += __builtin_popcountll(b->has[w]);
	}
	n = 1u << array_order(b->has);
	if (!before || b->base % n || b->base + (__u64)n > nlines ||
	    !mark_units(u->lines, b->base, n))
		return false;
	for (r = 0; r < before; r++)
		if (!entry_valid(al, *block_entry(al, b, r), u))
			return false;
	return true;
}

/* Frees what a bitmap of n units does not mark. */
static int pool_fill_unused(struct chunk_pool *p, const __u64 *used)
{
	__u32 *refs = calloc(p->n + 1, sizeof(*refs)), n = 0, i;
	int err;

	if (!refs)
		return -ENOMEM;
	for (i = 0; i < p->n; i++)
		if (used[i / 64] >> (i % 64) & 1)
			refs[n++] = PE_V6P_D_BLOCK | i;
	err = chunk_pool_fill(p, refs, n, PE_V6P_D_BLOCK, PE_V6P_INDEX_MASK, true);
	free(refs);
	return err;
}

/*
 * Tables found pinned: what their directory points to is in use, the rest
 * is free (and may still be read by a program that ran just before us).
 * A directory entry that is not what this library writes is left to the
 * shared tables at once, then rebuilt from the shadow.
 */
static int v6p_rebuild_reused(struct pe_allowlist *al)
{
	__u32 i, *bad = NULL, nbad = 0, cap = 0;
	struct v6p_use u;
	int err = -ENOMEM;

	if (!v6p_use_alloc(al, &u))
		return -ENOMEM;
	for (i = 0; i < PE_V6P_DIR_SIZE; i++) {
		__u32 d = al->v6pdir[i];

		if (d != PE_V6P_D_NONE)
			al->v6p_used16++;
		if (d == PE_V6P_D_SHARED) {
			al->v6p_shared16++;
			want_space(al, i);
		}
		if (struct_valid(al, d, &u))
			continue;
		if (nbad == cap) {
			__u32 *grown = realloc(bad, (cap = cap ? 2 * cap : 16) *
						    sizeof(*bad));

			if (!grown)
				goto out;
			bad = grown;
		}
		bad[nbad++] = i;
		dir_store(al, &al->v6pdir[i], PE_V6P_D_SHARED);
	}
	if (nbad) {
		/* Again without the rejected ones: what they marked is free,
		 * once a program that followed them before is done. */
		memset(u.blocks, 0, u.words * 8);
		for (i = 0; i < PE_V6P_DIR_SIZE; i++)
			struct_valid(al, al->v6pdir[i], &u);
		grace_wait(&al->grace);
	}
	err = pool_fill_unused(&al->v6pblocks, u.blocks);
	if (!err)
		err = pool_fill_unused(&al->v6plistpool, u.lists);
	if (!err)
		err = range_pool_init(&al->v6pentpool, al->v6plines,
				      sizeof(*al->v6plines),
				      al->v6pentpool.order_max, &al->grace,
				      u.lines);
	for (i = 0; i < nbad && !err; i++)
		err = update16(al, bad[i] >> 16, bad[i] & 0xffff, 0, 256);
out:
	free(bad);
	free(u.blocks);
	return err;
}

/* New tables: each (peering, /16) holding something built once. */
static int v6p_fill(struct pe_allowlist *al)
{
	__u64 *todo = calloc(PE_V6P_DIR_SIZE / 64, 8);
	__u32 i, s16, n, p;
	size_t k;
	int err = 0;

	if (!todo)
		return -ENOMEM;
	for (k = 0; k < al->shadow.cap; k++) {
		const struct shadow_ent *s = &al->shadow.ent[k];

		if (!s->used || s->key.family != AF_INET6)
			continue;
		s16 = s->key.addr[0] << 8 | s->key.addr[1];
		n = s->key.len < 16 ? 1u << (16 - s->key.len) : 1;
		for (p = 0; p < PE_MAX_PEERINGS; p++)
			if (s->own >> p & 1)
				for (i = s16; i < s16 + n; i++)
					todo[(p << 16 | i) / 64] |= 1ULL << (i % 64);
	}
	for (i = 0; i < PE_V6P_DIR_SIZE && !err; i++)
		if (todo[i / 64] >> (i % 64) & 1)
			err = update16(al, i >> 16, i & 0xffff, 0, 256);
	free(todo);
	return err;
}

int al_v6p_open(struct pe_allowlist *al, __u32 blocks, __u32 lines,
		__u32 lists)
{
	__u32 order = range_order(lines);
	int err;

	al->v6pimg = malloc(sizeof(*al->v6pimg));
	al->v6p_is_wanting = calloc(PE_V6P_DIR_SIZE / 64, 8);
	if (!al->v6pimg || !al->v6p_is_wanting ||
	    chunk_pool_init(&al->v6pblocks, blocks, &al->grace) ||
	    chunk_pool_init(&al->v6plistpool, lists, &al->grace))
		return -ENOMEM;
	if (al->v6_reused) {
		/* order_max first, for the checks; the pool is set up after. */
		al->v6pentpool.order_max = order;
		return v6p_rebuild_reused(al);
	}
	err = chunk_pool_fill(&al->v6pblocks, NULL, 0, 0, 0, false);
	if (!err)
		err = chunk_pool_fill(&al->v6plistpool, NULL, 0, 0, 0, false);
	if (!err)
		err = range_pool_init(&al->v6pentpool, al->v6plines,
				      sizeof(*al->v6plines), order, &al->grace,
				      NULL);
	return err ? err : v6p_fill(al);
}

void al_v6p_close(struct pe_allowlist *al)
{
	chunk_pool_fini(&al->v6pblocks);
	chunk_pool_fini(&al->v6plistpool);
	range_pool_fini(&al->v6pentpool);
	free(al->v6pimg);
	free(al->v6p_wanting);
	free(al->v6p_is_wanting);
}
