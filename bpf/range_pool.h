/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Space for the IPv6 range slices (pe_v6_ranges, mmap()ed): a buddy
 * allocator over 2^order_max ranges whose freed blocks wait in quarantine
 * until an RCU grace period has passed, since an XDP program may still be
 * bisecting a slice that was just replaced. Internal to liballowlist.
 */
#ifndef PEEREDGE_RANGE_POOL_H
#define PEEREDGE_RANGE_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "peeredge/allowlist.h"
#include "grace.h"

struct range_block {
	__u32 off;
	__u32 order;
};

struct range_pool {
	struct pe_v6_range *mem;	/* the map; free blocks hold list links */
	__u32 order_max;
	__u8 *free_order;		/* per range: order + 1 at a free block */
	__u32 head[PE_V6_SLICE_SHIFT + 1];	/* free lists; UINT32_MAX: empty */
	struct range_block *quar;	/* retired, maybe still read */
	size_t nquar, quar_cap;
	__u64 used;			/* ranges in live or retired blocks */
	__u64 quarantined;
	struct grace *grace;
};

/*
 * order_max <= PE_V6_SLICE_SHIFT. in_use NULL: everything free (new
 * tables). Otherwise (tables found pinned) the blocks in_use(off, order,
 * ctx) says are live are kept, asked about aligned blocks largest first:
 * 1 used, 0 free, -1 mixed; the free ones only after a grace period, as a
 * process before us may have retired them just now.
 */
int range_pool_init(struct range_pool *p, struct pe_v6_range *mem,
		    __u32 order_max, struct grace *grace,
		    int (*in_use)(__u32 off, __u32 order, void *ctx),
		    void *ctx);
void range_pool_fini(struct range_pool *p);

/* A block of 2^order ranges: 0, -ENOSPC, -ENOMEM. May wait for readers. */
int range_pool_alloc(struct range_pool *p, __u32 order, __u32 *off);
/* Room to retire one block without failing: call before publishing. */
int range_pool_reserve(struct range_pool *p);
/* A block nothing points to any more; reused after a grace period. */
void range_pool_retire(struct range_pool *p, __u32 off, __u32 order);

#endif
