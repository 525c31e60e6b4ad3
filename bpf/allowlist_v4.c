// SPDX-License-Identifier: GPL-2.0
/*
 * peeredge XDP allowlist: the IPv4 tables (layout in
 * include/peeredge/allowlist.h). Each peering has its own directory of
 * /16s; a /16 is either nothing, everything, a block (a bit per /24 and up
 * to PE_V4_DEEP_SLOTS /24s holding longer prefixes) or a wide chunk (an
 * entry per /24). A /24 holding longer prefixes has a bitmap of its /32s.
 *
 * Every entry is a function of the shadow. Changes that keep a reader
 * right at every step are made in place with single stores (a bit of a
 * block, a slot, a wide entry, a word of a bitmap: each covers addresses
 * whose answer goes from the old to the new value alone). Anything else -
 * a /16 appearing, a block outgrowing its slots, a removal - builds a new
 * block or wide chunk with new bitmaps, points the directory to it, and
 * frees the old ones, which chunk_pool.c hands out again only after a
 * grace period.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "allowlist_int.h"

/* What peering p allows in one /16, built before it is written out. */
struct v4_image {
	__u64 all[4];			/* /24s covered by a prefix <= /24 */
	unsigned int ndeep;
	__u8 deep[256];			/* /24s with a /32 bitmap, and it: */
	__u64 w[256][4];
};

static __u32 a4(const __u8 *b)
{
	return (__u32)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

static void bytes4(__u32 a, __u8 *b)
{
	b[0] = a >> 24;
	b[1] = a >> 16;
	b[2] = a >> 8;
	b[3] = a;
}

/* Does a prefix of peering bit, of length lo..hi, cover address a? */
static bool covered(struct pe_allowlist *al, __u32 a, unsigned int lo,
		    unsigned int hi, __u64 bit)
{
	__u8 b[4];

	bytes4(a, b);
	return al_cover_bits(al, AF_INET, b, lo, hi) & bit;
}

/* The /32s of /24 t allowed by prefixes of peering bit longer than /24. */
static bool deep_bits(struct pe_allowlist *al, __u32 t, __u64 bit, __u64 *w)
{
	unsigned int l, i, n;
	__u8 b[4];

	memset(w, 0, 4 * sizeof(*w));
	if (!al->v4deep24[t])
		return false;
	for (l = 25; l <= 32; l++) {
		if (!al->nlen[0][l])
			continue;
		n = 1u << (32 - l);
		for (i = 0; i < 256; i += n) {
			bytes4(t << 8 | i, b);
			if (al_own_bits(al, AF_INET, b, l) & bit)
				bits_set(w, i, n);
		}
	}
	return !bits_empty(w);
}

static __u32 *dir_ent(struct pe_allowlist *al, __u32 p, __u32 s16)
{
	return &al->v4dir[p << 16 | s16];
}

static void dir_store(struct pe_allowlist *al, __u32 *d, __u32 v)
{
	al->v4_used16 += (v != PE_V4_NONE) - (*d != PE_V4_NONE);
	store32(d, v);
}

static void bits_store(struct pe_allowlist *al, __u32 i, const __u64 *w)
{
	unsigned int k;

	for (k = 0; k < 4; k++)
		store64(&al->v4bits[i].w[k], w[k]);
}

/* A new bitmap holding w, not yet reachable. */
static int bits_new(struct pe_allowlist *al, const __u64 *w, __u32 *i)
{
	int err = chunk_alloc(&al->v4bitmaps, i);

	if (!err)
		bits_store(al, *i, w);
	return err;
}

/*
 * The bitmaps directory entry e leads to (its block's slots, its wide
 * chunk's entries), into out[256]: how many.
 */
static unsigned int struct_bitmaps(const struct pe_allowlist *al, __u32 e,
				   __u32 *out)
{
	__u32 idx = e & PE_V4_INDEX_MASK, i, v;
	unsigned int n = 0;

	if (e & PE_V4_BLOCK) {
		for (i = 0; i < PE_V4_DEEP_SLOTS; i++) {
			v = al->v4blk[idx].deep[i];
			if (v & PE_V4_SLOT_USED)
				out[n++] = v & PE_V4_INDEX_MASK;
		}
	} else if (e & PE_V4_WIDE) {
		for (i = 0; i < 256; i++) {
			v = al->v4wide[idx].v[i];
			if (v & PE_V4_BITS)
				out[n++] = v & PE_V4_INDEX_MASK;
		}
	}
	return n;
}

/* What a directory entry points to, freed once nothing reads it. */
static void struct_free(struct pe_allowlist *al, __u32 e)
{
	__u32 bm[256];
	unsigned int n = struct_bitmaps(al, e, bm);

	while (n--)
		chunk_free(&al->v4bitmaps, bm[n]);
	if (e & PE_V4_BLOCK)
		chunk_free(&al->v4blocks, e & PE_V4_INDEX_MASK);
	else if (e & PE_V4_WIDE)
		chunk_free(&al->v4wides, e & PE_V4_INDEX_MASK);
}

static void image_read(const struct pe_allowlist *al, __u32 e,
		       struct v4_image *img)
{
	__u32 i, v, idx = e & PE_V4_INDEX_MASK;

	memset(img->all, e == PE_V4_ALL ? 0xff : 0, sizeof(img->all));
	img->ndeep = 0;
	if (e & PE_V4_BLOCK) {
		memcpy(img->all, al->v4blk[idx].all, sizeof(img->all));
		for (i = 0; i < PE_V4_DEEP_SLOTS; i++) {
			v = al->v4blk[idx].deep[i];
			if (!(v & PE_V4_SLOT_USED))
				continue;
			img->deep[img->ndeep] = v >> 24;
			memcpy(img->w[img->ndeep++],
			       al->v4bits[v & PE_V4_INDEX_MASK].w,
			       sizeof(img->w[0]));
		}
	} else if (e & PE_V4_WIDE) {
		for (i = 0; i < 256; i++) {
			v = al->v4wide[idx].v[i];
			if (v == PE_V4_ALL) {
				bits_set(img->all, i, 1);
			} else if (v & PE_V4_BITS) {
				img->deep[img->ndeep] = i;
				memcpy(img->w[img->ndeep++],
				       al->v4bits[v & PE_V4_INDEX_MASK].w,
				       sizeof(img->w[0]));
			}
		}
	}
}

static void image_drop_deep(struct v4_image *img, unsigned int t)
{
	unsigned int i;

	for (i = 0; i < img->ndeep; i++) {
		if (img->deep[i] != t)
			continue;
		img->ndeep--;
		img->deep[i] = img->deep[img->ndeep];
		memcpy(img->w[i], img->w[img->ndeep], sizeof(img->w[0]));
		return;
	}
}

/* /24 number t of the image, recomputed from the shadow. */
static void image_recompute24(struct pe_allowlist *al, struct v4_image *img,
			      __u32 s16, unsigned int t, __u64 bit)
{
	__u32 t24 = s16 << 8 | t;

	img->all[t >> 6] &= ~(1ULL << (t & 63));
	image_drop_deep(img, t);
	if (covered(al, t24 << 8, 17, 24, bit))
		bits_set(img->all, t, 1);
	else if (deep_bits(al, t24, bit, img->w[img->ndeep]))
		img->deep[img->ndeep++] = t;
}

/*
 * Writes the image as new tables and points the directory entry of (p,
 * s16) to them; the old ones are freed.
 */
static int image_install(struct pe_allowlist *al, __u32 p, __u32 s16,
			 const struct v4_image *img)
{
	__u32 *d = dir_ent(al, p, s16), old = *d, ne, idx[256], i;
	unsigned int nall = bits_count(img->all);
	int err = 0;

	if (nall == 256) {
		ne = PE_V4_ALL;
	} else if (!nall && !img->ndeep) {
		ne = PE_V4_NONE;
	} else {
		for (i = 0; i < img->ndeep; i++) {
			err = bits_new(al, img->w[i], &idx[i]);
			if (err)
				goto undo;
		}
		if (img->ndeep <= PE_V4_DEEP_SLOTS) {
			struct pe_v4_block *b;

			err = chunk_alloc(&al->v4blocks, &ne);
			if (err)
				goto undo;
			b = &al->v4blk[ne];
			memcpy(b->all, img->all, sizeof(b->all));
			memset(b->deep, 0, sizeof(b->deep));
			for (i = 0; i < img->ndeep; i++)
				b->deep[i] = (__u32)img->deep[i] << 24 |
					     PE_V4_SLOT_USED | idx[i];
			ne |= PE_V4_BLOCK;
		} else {
			struct pe_v4_wide *w;

			err = chunk_alloc(&al->v4wides, &ne);
			if (err)
				goto undo;
			w = &al->v4wide[ne];
			for (i = 0; i < 256; i++)
				w->v[i] = bit_test(img->all, i) ? PE_V4_ALL :
								  PE_V4_NONE;
			for (i = 0; i < img->ndeep; i++)
				w->v[img->deep[i]] = PE_V4_BITS | idx[i];
			ne |= PE_V4_WIDE;
		}
	}
	if (ne == old && ne <= PE_V4_ALL)
		return 0;
	dir_store(al, d, ne);
	struct_free(al, old);
	return 0;
undo:
	while (i--)
		chunk_free(&al->v4bitmaps, idx[i]);
	return err;
}

/* Everything peering p allows in /16 s16, from the shadow. */
static int rebuild16(struct pe_allowlist *al, __u32 p, __u32 s16)
{
	struct v4_image *img = al->v4img;
	__u64 bit = 1ULL << p;
	unsigned int t;

	image_read(al, PE_V4_NONE, img);
	if (covered(al, s16 << 16, 0, 16, bit)) {
		memset(img->all, 0xff, sizeof(img->all));
	} else {
		for (t = 0; t < 256; t++)
			image_recompute24(al, img, s16, t, bit);
	}
	return image_install(al, p, s16, img);
}

/* Slot of /24 t in a block, or PE_V4_DEEP_SLOTS. */
static unsigned int block_slot(const struct pe_v4_block *b, unsigned int t)
{
	unsigned int k;

	for (k = 0; k < PE_V4_DEEP_SLOTS; k++)
		if ((b->deep[k] & PE_V4_SLOT_USED) && b->deep[k] >> 24 == t)
			break;
	return k;
}

/*
 * /24 t of a block becomes all allowed, or else what bitmap w allows (an
 * empty w: nothing), in place. Returns 1 when that needs a slot and none
 * is free.
 */
static int block_set24(struct pe_allowlist *al, __u32 *d, unsigned int t,
		       bool all, const __u64 *w)
{
	__u32 bi = *d & PE_V4_INDEX_MASK, s, idx;
	struct pe_v4_block *b = &al->v4blk[bi];
	unsigned int k = block_slot(b, t), f, used = 0;
	__u64 word = b->all[t >> 6], tbit = 1ULL << (t & 63);
	int err;

	if (all) {
		store64(&b->all[t >> 6], word | tbit);
	} else if (!bits_empty(w)) {
		if (k < PE_V4_DEEP_SLOTS) {
			bits_store(al, b->deep[k] & PE_V4_INDEX_MASK, w);
		} else {
			for (f = 0; f < PE_V4_DEEP_SLOTS; f++)
				if (!(b->deep[f] & PE_V4_SLOT_USED))
					break;
			if (f == PE_V4_DEEP_SLOTS)
				return 1;
			err = bits_new(al, w, &idx);
			if (err)
				return err;
			store32(&b->deep[f], t << 24 | PE_V4_SLOT_USED | idx);
		}
		/* The slot is readable before the /24 stops being all. */
		store64(&b->all[t >> 6], word & ~tbit);
		k = PE_V4_DEEP_SLOTS;
	} else {
		store64(&b->all[t >> 6], word & ~tbit);
	}
	if (k < PE_V4_DEEP_SLOTS) {
		s = b->deep[k];
		store32(&b->deep[k], 0);
		chunk_free(&al->v4bitmaps, s & PE_V4_INDEX_MASK);
	}
	for (k = 0; k < PE_V4_DEEP_SLOTS; k++)
		used += !!(b->deep[k] & PE_V4_SLOT_USED);
	if (bits_count(b->all) == 256 && !used) {
		dir_store(al, d, PE_V4_ALL);
		chunk_free(&al->v4blocks, bi);
	} else if (bits_empty(b->all) && !used) {
		dir_store(al, d, PE_V4_NONE);
		chunk_free(&al->v4blocks, bi);
	}
	return 0;
}

/*
 * A wide chunk down to a few /24s with longer prefixes becomes a block
 * again: at half the slots, so that a /16 near the limit does not go back
 * and forth. Without space for the block it stays as it is, correct.
 */
static void wide_shrink(struct pe_allowlist *al, __u32 *d, unsigned int nbits)
{
	__u32 key = d - al->v4dir;

	if (!al->v4blocks.len || al->v4bitmaps.len < nbits)
		return;
	image_read(al, *d, al->v4img);
	image_install(al, key >> 16, key & 0xffff, al->v4img);
}

/* The same in a wide chunk: never needs another one. */
static int wide_set24(struct pe_allowlist *al, __u32 *d, unsigned int t,
		      bool all, const __u64 *w)
{
	__u32 wi = *d & PE_V4_INDEX_MASK, v, idx;
	struct pe_v4_wide *wc = &al->v4wide[wi];
	unsigned int i, nnone = 0, nbits = 0;
	int err;

	v = wc->v[t];
	if (!all && !bits_empty(w) && (v & PE_V4_BITS)) {
		bits_store(al, v & PE_V4_INDEX_MASK, w);
		return 0;
	}
	if (all) {
		store32(&wc->v[t], PE_V4_ALL);
	} else if (!bits_empty(w)) {
		err = bits_new(al, w, &idx);
		if (err)
			return err;
		store32(&wc->v[t], PE_V4_BITS | idx);
	} else {
		store32(&wc->v[t], PE_V4_NONE);
	}
	if (v & PE_V4_BITS)
		chunk_free(&al->v4bitmaps, v & PE_V4_INDEX_MASK);
	for (i = 0; i < 256; i++) {
		nnone += wc->v[i] == PE_V4_NONE;
		nbits += !!(wc->v[i] & PE_V4_BITS);
	}
	if (nnone == 256) {
		dir_store(al, d, PE_V4_NONE);
		chunk_free(&al->v4wides, wi);
	} else if (nbits <= PE_V4_DEEP_SLOTS / 2) {
		wide_shrink(al, d, nbits);
	}
	return 0;
}

/*
 * /24 t of what peering p allows in /16 s16 becomes all, or w: in place
 * when the /16 has a block with room or a wide chunk, else in new tables.
 */
static int set24(struct pe_allowlist *al, __u32 p, __u32 s16, unsigned int t,
		 bool all, const __u64 *w)
{
	__u32 *d = dir_ent(al, p, s16), e = *d;
	struct v4_image *img = al->v4img;
	int err = 1;

	if (e & PE_V4_BLOCK)
		err = block_set24(al, d, t, all, w);
	else if (e & PE_V4_WIDE)
		err = wide_set24(al, d, t, all, w);
	else if (e == PE_V4_NONE && !all && bits_empty(w))
		err = 0;
	if (err != 1)
		return err;
	image_read(al, e, img);
	img->all[t >> 6] &= ~(1ULL << (t & 63));
	image_drop_deep(img, t);
	if (all) {
		bits_set(img->all, t, 1);
	} else if (!bits_empty(w)) {
		img->deep[img->ndeep] = t;
		memcpy(img->w[img->ndeep++], w, sizeof(img->w[0]));
	}
	return image_install(al, p, s16, img);
}

/* The /32 bitmap peering p's tables hold for /24 t of /16 s16 now. */
static void current_bits(const struct pe_allowlist *al, __u32 e,
			 unsigned int t, __u64 *w)
{
	__u32 idx = e & PE_V4_INDEX_MASK, v = PE_V4_NONE, k;

	memset(w, 0, 4 * sizeof(*w));
	if (e & PE_V4_BLOCK) {
		k = block_slot(&al->v4blk[idx], t);
		if (k < PE_V4_DEEP_SLOTS)
			v = PE_V4_BITS | al->v4blk[idx].deep[k];
	} else if (e & PE_V4_WIDE) {
		v = al->v4wide[idx].v[t];
	}
	if (v & PE_V4_BITS)
		memcpy(w, al->v4bits[v & PE_V4_INDEX_MASK].w, 4 * sizeof(*w));
}

/* Is /24 t all allowed by what the tables hold now (not ALL)? */
static bool current_all(const struct pe_allowlist *al, __u32 e, unsigned int t)
{
	__u32 idx = e & PE_V4_INDEX_MASK;

	if (e & PE_V4_BLOCK)
		return bit_test(al->v4blk[idx].all, t);
	return (e & PE_V4_WIDE) && al->v4wide[idx].v[t] == PE_V4_ALL;
}

int al_v4_add(struct pe_allowlist *al, const __u8 *addr, unsigned int len,
	      __u64 bits, bool fresh)
{
	__u32 a = a4(addr), s16 = a >> 16, t = (a >> 8) & 0xff, p, *d, e, i;
	unsigned int n = len <= 24 ? 1u << (24 - len) : 1;
	__u64 w[4];
	int err = 0;

	if (fresh && len > 24)
		al->v4deep24[a >> 8]++;
	for (p = 0; p < PE_MAX_PEERINGS && !err; p++) {
		if (!(bits >> p & 1))
			continue;
		if (len <= 16) {
			for (i = s16; i < s16 + (1u << (16 - len)); i++) {
				d = dir_ent(al, p, i);
				e = *d;
				if (e == PE_V4_ALL)
					continue;
				dir_store(al, d, PE_V4_ALL);
				struct_free(al, e);
			}
			continue;
		}
		if (len <= 24) {
			for (i = t; i < t + n && !err; i++) {
				e = *dir_ent(al, p, s16);
				if (e != PE_V4_ALL && !current_all(al, e, i))
					err = set24(al, p, s16, i, true, NULL);
			}
			continue;
		}
		e = *dir_ent(al, p, s16);
		if (e == PE_V4_ALL || current_all(al, e, t))
			continue;
		current_bits(al, e, t, w);
		bits_set(w, a & 0xff, 1u << (32 - len));
		err = set24(al, p, s16, t, false, w);
	}
	return err;
}

int al_v4_del(struct pe_allowlist *al, const __u8 *addr, unsigned int len,
	      __u64 bits, bool gone)
{
	__u32 a = a4(addr), s16 = a >> 16, t = (a >> 8) & 0xff, p, i, t24;
	unsigned int n = len <= 24 ? 1u << (24 - len) : 1;
	__u64 w[4] = { 0 };
	bool all;
	int err = 0;

	if (gone && len > 24)
		al->v4deep24[a >> 8]--;
	for (p = 0; p < PE_MAX_PEERINGS && !err; p++) {
		if (!(bits >> p & 1))
			continue;
		if (len <= 16) {
			for (i = s16; i < s16 + (1u << (16 - len)) && !err; i++)
				err = rebuild16(al, p, i);
			continue;
		}
		/* Its /16 may be all allowed for another reason as well. */
		if (*dir_ent(al, p, s16) == PE_V4_ALL) {
			err = rebuild16(al, p, s16);
			continue;
		}
		for (i = t; i < t + n && !err; i++) {
			t24 = s16 << 8 | i;
			all = covered(al, t24 << 8, 17, 24, 1ULL << p);
			if (!all)
				deep_bits(al, t24, 1ULL << p, w);
			err = set24(al, p, s16, i, all, w);
		}
	}
	return err;
}

int al_v4_allowed(const struct pe_allowlist *al, const __u8 *b, __u32 p)
{
	__u32 a = a4(b), s24 = (a >> 8) & 0xff, e, i;
	const struct pe_v4_block *blk;

	e = __atomic_load_n(&al->v4dir[p << 16 | a >> 16], __ATOMIC_ACQUIRE);
	if (e <= PE_V4_ALL)
		return e;
	if (e & PE_V4_WIDE) {
		e = al->v4wide[e & PE_V4_INDEX_MASK].v[s24];
		if (e <= PE_V4_ALL)
			return e;
		return bit_test(al->v4bits[e & PE_V4_INDEX_MASK].w, a & 0xff);
	}
	blk = &al->v4blk[e & PE_V4_INDEX_MASK];
	if (bit_test(blk->all, s24))
		return 1;
	i = block_slot(blk, s24);
	return i < PE_V4_DEEP_SLOTS &&
	       bit_test(al->v4bits[blk->deep[i] & PE_V4_INDEX_MASK].w, a & 0xff);
}

/* Does directory entry e point only inside the pools? */
static bool struct_in_pools(const struct pe_allowlist *al, __u32 e)
{
	__u32 idx = e & PE_V4_INDEX_MASK, i, v;

	if (e <= PE_V4_ALL)
		return true;
	if ((e & PE_V4_BLOCK) && !(e & PE_V4_WIDE) && idx < al->v4blocks.n) {
		for (i = 0; i < PE_V4_DEEP_SLOTS; i++) {
			v = al->v4blk[idx].deep[i];
			if ((v & PE_V4_SLOT_USED) &&
			    (v & PE_V4_INDEX_MASK) >= al->v4bitmaps.n)
				return false;
		}
		return true;
	}
	if ((e & PE_V4_WIDE) && !(e & PE_V4_BLOCK) && idx < al->v4wides.n) {
		for (i = 0; i < 256; i++) {
			v = al->v4wide[idx].v[i];
			if (v > PE_V4_ALL && (!(v & PE_V4_BITS) ||
					     (v & PE_V4_INDEX_MASK) >= al->v4bitmaps.n))
				return false;
		}
		return true;
	}
	return false;
}

/*
 * Tables found pinned: what their directory and blocks point to is in
 * use, the rest is free (and may still be read by a program that ran
 * just before us). An entry pointing outside the pools (written by
 * something else than this library) is rebuilt from the shadow.
 */
static int v4_rebuild_reused(struct pe_allowlist *al)
{
	__u32 *refs, *bad = NULL, nrefs = 0, nbad = 0, cap = 0, i, bm[256];
	unsigned int n;
	int err;

	for (i = 0; i < PE_V4_DIR_SIZE; i++) {
		if (struct_in_pools(al, al->v4dir[i]))
			continue;
		if (nbad == cap) {
			__u32 *grown = realloc(bad, (cap = cap ? 2 * cap : 16) *
						    sizeof(*bad));

			if (!grown) {
				free(bad);
				return -ENOMEM;
			}
			bad = grown;
		}
		bad[nbad++] = i;
		store32(&al->v4dir[i], PE_V4_NONE);
	}
	err = chunk_pool_fill(&al->v4blocks, al->v4dir, PE_V4_DIR_SIZE,
			      PE_V4_BLOCK, PE_V4_INDEX_MASK, true);
	if (!err)
		err = chunk_pool_fill(&al->v4wides, al->v4dir, PE_V4_DIR_SIZE,
				      PE_V4_WIDE, PE_V4_INDEX_MASK, true);
	refs = err ? NULL : calloc(al->v4bitmaps.n + 1, sizeof(*refs));
	if (!refs) {
		free(bad);
		return err ? err : -ENOMEM;
	}
	for (i = 0; i < PE_V4_DIR_SIZE; i++) {
		if (al->v4dir[i] != PE_V4_NONE)
			al->v4_used16++;
		n = struct_bitmaps(al, al->v4dir[i], bm);
		while (n-- && nrefs < al->v4bitmaps.n)
			refs[nrefs++] = PE_V4_BITS | bm[n];
	}
	err = chunk_pool_fill(&al->v4bitmaps, refs, nrefs, PE_V4_BITS,
			      PE_V4_INDEX_MASK, true);
	free(refs);
	for (i = 0; i < nbad && !err; i++)
		err = rebuild16(al, bad[i] >> 16, bad[i] & 0xffff);
	free(bad);
	return err;
}

/* New IPv4 tables (first start, or an older layout replaced). */
static int v4_fill(struct pe_allowlist *al)
{
	size_t i;
	int err;

	err = chunk_pool_fill(&al->v4blocks, NULL, 0, 0, 0, false);
	if (!err)
		err = chunk_pool_fill(&al->v4wides, NULL, 0, 0, 0, false);
	if (!err)
		err = chunk_pool_fill(&al->v4bitmaps, NULL, 0, 0, 0, false);
	for (i = 0; i < al->shadow.cap && !err; i++) {
		const struct shadow_ent *s = &al->shadow.ent[i];

		if (s->used && s->key.family == AF_INET)
			err = al_v4_add(al, s->key.addr, s->key.len, s->own,
					false);
	}
	return err;
}

int al_v4_open(struct pe_allowlist *al, __u32 blocks, __u32 wides,
	       __u32 bitmaps)
{
	size_t i;

	al->v4img = malloc(sizeof(*al->v4img));
	/* 32 MiB of address space; pages are touched only where /24s hold
	 * prefixes longer than /24. */
	al->v4deep24 = calloc(1u << 24, sizeof(*al->v4deep24));
	if (!al->v4img || !al->v4deep24 ||
	    chunk_pool_init(&al->v4blocks, blocks, &al->grace) ||
	    chunk_pool_init(&al->v4wides, wides, &al->grace) ||
	    chunk_pool_init(&al->v4bitmaps, bitmaps, &al->grace))
		return -ENOMEM;
	for (i = 0; i < al->shadow.cap; i++) {
		const struct shadow_ent *s = &al->shadow.ent[i];

		if (s->used && s->key.family == AF_INET && s->key.len > 24)
			al->v4deep24[a4(s->key.addr) >> 8]++;
	}
	return al->v4_reused ? v4_rebuild_reused(al) : v4_fill(al);
}

void al_v4_close(struct pe_allowlist *al)
{
	chunk_pool_fini(&al->v4blocks);
	chunk_pool_fini(&al->v4wides);
	chunk_pool_fini(&al->v4bitmaps);
	free(al->v4deep24);
	free(al->v4img);
}
