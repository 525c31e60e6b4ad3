/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Variable-size space in an mmap()ed array map: a buddy allocator over
 * 2^order_max units whose freed blocks wait in quarantine until an RCU
 * grace period has passed, since an XDP program may still be reading what
 * was just replaced. It holds the IPv6 range slices (a unit: one 16-byte
 * range) and the per-peering IPv6 entries (a unit: a 64-byte line of 16).
 * Internal to liballowlist.
 */
#ifndef PEEREDGE_RANGE_POOL_H
#define PEEREDGE_RANGE_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "grace.h"

#define RANGE_POOL_MAX_ORDER	26

struct range_block {
	__u32 off;
	__u32 order;
};

struct range_pool {
	void *mem;			/* the map; free blocks hold list links */
	size_t unit;			/* bytes, at least 16 */
	__u32 order_max;
	__u8 *free_order;		/* per unit: order + 1 at a free block */
	__u32 head[RANGE_POOL_MAX_ORDER + 1];	/* free lists; UINT32_MAX: empty */
	struct range_block *quar;	/* retired, maybe still read */
	size_t nquar, quar_cap;
	__u64 used;			/* units in live or retired blocks */
	__u64 quarantined;
	struct grace *grace;
};

/*
 * order_max <= RANGE_POOL_MAX_ORDER. in_use NULL: everything free (new
 * tables). Otherwise (tables found pinned) a bitmap of the units in use:
 * the aligned blocks it covers whole are kept, the free ones are handed
 * out only after a grace period, as a process before us may have retired
 * them just now.
 */
int range_pool_init(struct range_pool *p, void *mem, size_t unit,
		    __u32 order_max, struct grace *grace, const __u64 *in_use);
void range_pool_fini(struct range_pool *p);

/* A block of 2^order units: 0, -ENOSPC, -ENOMEM. May wait for readers. */
int range_pool_alloc(struct range_pool *p, __u32 order, __u32 *off);
/* Room to retire n blocks without failing: call before publishing. */
int range_pool_reserve(struct range_pool *p, size_t n);
/* A block nothing points to any more; reused after a grace period. */
void range_pool_retire(struct range_pool *p, __u32 off, __u32 order);
/* The order of a block holding n units. */
__u32 range_order(__u32 n);

#endif
