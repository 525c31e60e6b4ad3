/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside liballowlist: the handle, shared by allowlist.c (registry shadow,
 * peering sets, interfaces, open and close), allowlist_v4.c (the IPv4
 * tables), allowlist_v6.c (the shared IPv6 tables) and
 * allowlist_v6_peering.c (the per-peering IPv6 tables in front of them),
 * and what they call in each other.
 */
#ifndef PEEREDGE_ALLOWLIST_INT_H
#define PEEREDGE_ALLOWLIST_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "allowlist_user.h"
#include "chunk_pool.h"
#include "grace.h"
#include "range_pool.h"

#define PE_MAX_LINKS	64

/* Shadow of the registry: open addressing, linear probing. */
struct shadow_ent {
	struct pe_prefix_key key;
	__u32 used;
	__u64 own;
};

struct shadow {
	struct shadow_ent *ent;
	size_t cap;		/* power of two */
	size_t n;
};

/* Per IPv6 /24, its prefixes longer than /24 (allowlist_v6.c). */
struct v6blks {
	struct v6blk *ent;	/* open addressing, linear probing */
	size_t cap, n;
};

struct link_ent {
	int ifindex;
	int fd;			/* -1: free */
};

struct pe_allowlist {
	struct allowlist_bpf *skel;
	char *pin_dir;
	struct pe_allowlist_opts asked;	/* sizes the caller set; 0: as pinned */

	__u64 *sets;		/* mmap of pe_sets */
	__u32 sets_max, sets_next;
	struct set_ent *set_tab;
	size_t set_cap;

	struct grace grace;	/* shared by the pools below */
	__u32 *v4dir;		/* mmaps */
	struct pe_v4_block *v4blk;
	struct pe_v4_wide *v4wide;
	struct pe_v4_bits *v4bits;
	struct chunk_pool v4blocks, v4wides, v4bitmaps;
	bool v4_reused;		/* IPv4 tables found pinned, with this layout */
	__u32 v4_used16;	/* pe_v4_dir entries not PE_V4_NONE */
	__u16 *v4deep24;	/* per /24: prefixes longer than /24 in it */
	struct v4_image *v4img;	/* scratch of allowlist_v4.c */

	__u32 *v6dir;		/* mmap */
	__u64 *v6tbl;		/* mmap */
	struct pe_v6_range *v6rng;	/* mmap */
	struct chunk_pool v6pool;
	struct range_pool ranges;
	bool v6_reused;		/* IPv6 tables found pinned, with this layout */
	__u32 *v6deep;		/* per /16: prefixes longer than /16 in it */
	struct v6blks blks;	/* per /24: prefixes longer than /24 in it */
	struct v6cut *cuts;	/* scratch of v6_entry_write() */
	size_t cuts_cap;

	__u32 *v6pdir;		/* mmaps */
	struct pe_v6p_block *v6pblk;
	struct pe_v6p_line *v6plines;
	struct pe_v6p_list *v6plists;
	struct chunk_pool v6pblocks, v6plistpool;
	struct range_pool v6pentpool;
	__u32 v6p_used16;	/* pe_v6p_dir entries not PE_V6P_D_NONE */
	__u32 v6p_shared16;	/* ... that are PE_V6P_D_SHARED */
	/* (peering, /16)s left to the shared tables, whole or in part, for
	 * want of space: built again once space is freed */
	__u32 *v6p_wanting;
	size_t v6p_nwanting, v6p_wanting_cap;
	__u64 *v6p_is_wanting;	/* the same, a bit per pe_v6p_dir entry */
	bool v6p_freed;		/* space freed since the last retry */
	struct v6p_image *v6pimg;	/* scratch of allowlist_v6_peering.c */

	struct pe_ifcfg *ifcfg;	/* mmap, read only here */
	int reg_fd, ifcfg_fd, cnt_fd;

	struct shadow shadow;
	__u32 nlen[2][129];	/* prefixes per length, [0] v4, [1] v6 */

	struct link_ent links[PE_MAX_LINKS];
};

/* A table entry the XDP program may be reading: one release store. */
static inline void store32(__u32 *p, __u32 v)
{
	if (__atomic_load_n(p, __ATOMIC_RELAXED) != v)
		__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline void store64(__u64 *p, __u64 v)
{
	if (__atomic_load_n(p, __ATOMIC_RELAXED) != v)
		__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* 256-bit bitmaps (a bit per /24 of a /16). */
static inline bool bit_test(const __u64 *w, unsigned int i)
{
	return w[i >> 6] >> (i & 63) & 1;
}

/* Bits first .. first + n - 1. */
static inline void bits_set(__u64 *w, unsigned int first, unsigned int n)
{
	unsigned int i;

	for (i = first; i < first + n; i++)
		w[i >> 6] |= 1ULL << (i & 63);
}

static inline bool bits_empty(const __u64 *w)
{
	return !(w[0] | w[1] | w[2] | w[3]);
}

static inline unsigned int bits_count(const __u64 *w)
{
	return __builtin_popcountll(w[0]) + __builtin_popcountll(w[1]) +
	       __builtin_popcountll(w[2]) + __builtin_popcountll(w[3]);
}

static inline __u64 mix64(__u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

/* allowlist.c: the shadow and the peering sets. */

/* Own bits of the prefix addr/len (0 when not registered). */
__u64 al_own_bits(struct pe_allowlist *al, int family, const __u8 *addr,
		  unsigned int len);
/* OR of the own bits of the prefixes of length lo..hi covering addr. */
__u64 al_cover_bits(struct pe_allowlist *al, int family, const __u8 *addr,
		    unsigned int lo, unsigned int hi);
/* The id of a bitmap, created on first use. 0 or -errno in *err. */
__u32 al_intern(struct pe_allowlist *al, __u64 bits, int *err);
/* The id of set id plus bits. */
__u32 al_set_or(struct pe_allowlist *al, __u32 id, __u64 bits, int *err);

/* allowlist_v4.c: the IPv4 tables. */

/*
 * Once the shadow holds the registry: the state of IPv4 tables found
 * pinned (al->v4_reused), or new ones filled from the shadow; the pools
 * hold that many blocks, wide chunks and /32 bitmaps.
 */
int al_v4_open(struct pe_allowlist *al, __u32 blocks, __u32 wides,
	       __u32 bitmaps);
void al_v4_close(struct pe_allowlist *al);
/*
 * The shadow already holds the prefix (fresh: it just appeared there);
 * bits: the peerings being added.
 */
int al_v4_add(struct pe_allowlist *al, const __u8 *addr, unsigned int len,
	      __u64 bits, bool fresh);
/*
 * The shadow no longer gives the prefix the peerings of bits (gone: no
 * peering holds it any more).
 */
int al_v4_del(struct pe_allowlist *al, const __u8 *addr, unsigned int len,
	      __u64 bits, bool gone);
/* What the program answers for source b on peering p. */
int al_v4_allowed(const struct pe_allowlist *al, const __u8 *b, __u32 p);

/* allowlist_v6.c: the IPv6 tables. */

/*
 * Once the shadow holds the registry: the state of IPv6 tables found
 * pinned (al->v6_reused), or new ones filled from the shadow. chunks:
 * pe_v6_tbl entries, 2^order_max: pe_v6_ranges entries.
 */
int al_v6_open(struct pe_allowlist *al, __u32 chunks, __u32 order_max);
void al_v6_close(struct pe_allowlist *al);
/*
 * The shadow already holds the prefix (fresh: it just appeared there);
 * bits: the peerings being added.
 */
int al_v6_add(struct pe_allowlist *al, const __u8 *addr, unsigned int len,
	      __u64 bits, bool fresh);
/*
 * The shadow no longer gives the prefix the peerings of bits (gone: it
 * left the shadow, no peering holds it any more).
 */
int al_v6_del(struct pe_allowlist *al, const __u8 *addr, unsigned int len,
	      __u64 bits, bool gone);
/* What the program computes: the set id of a source. */
__u32 al_v6_lookup(struct pe_allowlist *al, const __u8 *b);

/* A prefix longer than /24. */
struct v6_span {
	unsigned __int128 start;
	unsigned int len;
};

/*
 * The outermost prefixes of the peerings of bit inside /24 k24 (address
 * bits 0..23), in address order, into out[0 .. max-1]. Returns how many
 * there are, counting up to max.
 */
unsigned int al_v6_outermost(const struct pe_allowlist *al, __u32 k24,
			     __u64 bit, struct v6_span *out, unsigned int max);

/* allowlist_v6_peering.c: the per-peering IPv6 tables in front. */

/*
 * After al_v6_open(): the state of the tables found pinned (al->v6_reused)
 * or new ones filled from the shadow; the pools' sizes (lines, of entries,
 * a power of two).
 */
int al_v6p_open(struct pe_allowlist *al, __u32 blocks, __u32 lines,
		__u32 lists);
void al_v6p_close(struct pe_allowlist *al);
/*
 * After the shadow and the shared tables took a change of the prefix for
 * the peerings of bits. Where space runs out a /24 or /16 is left to the
 * shared tables (always right), so only -ENOMEM is returned.
 */
int al_v6p_change(struct pe_allowlist *al, const __u8 *addr,
		  unsigned int len, __u64 bits);

enum { V6P_NO, V6P_YES, V6P_ASK_SHARED };
/* What the program answers for source b on peering p from these tables. */
int al_v6p_allowed(const struct pe_allowlist *al, const __u8 *b, __u32 p);

#endif
