// SPDX-License-Identifier: GPL-2.0
/*
 * Buddy allocator in a map, see range_pool.h.
 *
 * Free blocks are linked through their own first unit (two u64: next,
 * previous): no reader looks at a free block, so the map holds the lists
 * and freeing never needs memory. Retired blocks are only returned to the
 * lists after an RCU grace period (grace.c): every XDP program run that
 * could have started in a retired slice has finished by then.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "range_pool.h"

#define NIL UINT32_MAX

/* The links of a free block: in its first unit. */
static __u64 *links(const struct range_pool *p, __u32 off)
{
	return (__u64 *)((char *)p->mem + (size_t)off * p->unit);
}

static void list_push(struct range_pool *p, __u32 off, __u32 order)
{
	__u32 next = p->head[order];

	links(p, off)[0] = next;
	links(p, off)[1] = NIL;
	if (next != NIL)
		links(p, next)[1] = off;
	p->head[order] = off;
	p->free_order[off] = order + 1;
}

static void list_del(struct range_pool *p, __u32 off, __u32 order)
{
	__u32 next = links(p, off)[0], prev = links(p, off)[1];

	if (prev != NIL)
		links(p, prev)[0] = next;
	else
		p->head[order] = next;
	if (next != NIL)
		links(p, next)[1] = prev;
	p->free_order[off] = 0;
}

/* Back to the free lists, merged with its free buddies. */
static void release(struct range_pool *p, __u32 off, __u32 order)
{
	while (order < p->order_max) {
		__u32 buddy = off ^ (1u << order);

		if (p->free_order[buddy] != order + 1)
			break;
		list_del(p, buddy, order);
		off &= ~(1u << order);
		order++;
	}
	list_push(p, off, order);
}

/* Units of the block in use: 1 all, 0 none, -1 some. */
static int block_use(const __u64 *in_use, __u32 off, __u32 order)
{
	__u64 n = 1ULL << order, set = 0, i;

	if (order >= 6) {
		for (i = off / 64; i < (off + n) / 64; i++)
			set += __builtin_popcountll(in_use[i]);
	} else {
		for (i = off; i < off + n; i++)
			set += in_use[i / 64] >> (i % 64) & 1;
	}
	return set == n ? 1 : set ? -1 : 0;
}

static void rebuild_block(struct range_pool *p, __u32 off, __u32 order,
			  const __u64 *in_use)
{
	int u = block_use(in_use, off, order);

	if (u == 0) {
		list_push(p, off, order);
	} else if (u > 0) {
		p->used += 1ULL << order;
	} else if (order) {
		rebuild_block(p, off, order - 1, in_use);
		rebuild_block(p, off + (1u << (order - 1)), order - 1, in_use);
	}
}

int range_pool_init(struct range_pool *p, void *mem, size_t unit,
		    __u32 order_max, struct grace *grace, const __u64 *in_use)
{
	__u32 o;

	if (order_max > RANGE_POOL_MAX_ORDER || unit < 16)
		return -ERANGE;
	memset(p, 0, sizeof(*p));
	p->mem = mem;
	p->unit = unit;
	p->order_max = order_max;
	p->grace = grace;
	for (o = 0; o <= RANGE_POOL_MAX_ORDER; o++)
		p->head[o] = NIL;
	p->free_order = calloc((size_t)1 << order_max, 1);
	if (!p->free_order)
		return -ENOMEM;
	if (!in_use) {
		list_push(p, 0, order_max);
		return 0;
	}
	/* Any wait of this handle came after the last writer before it. */
	if (!p->grace->waits)
		grace_wait(p->grace);
	rebuild_block(p, 0, order_max, in_use);
	return 0;
}

void range_pool_fini(struct range_pool *p)
{
	free(p->free_order);
	free(p->quar);
	p->free_order = NULL;
	p->quar = NULL;
}

/* Wait until no XDP program can still be inside a retired block. */
static void grace_period(struct range_pool *p)
{
	size_t i;

	grace_wait(p->grace);
	for (i = 0; i < p->nquar; i++)
		release(p, p->quar[i].off, p->quar[i].order);
	p->used -= p->quarantined;
	p->quarantined = 0;
	p->nquar = 0;
}

static int take(struct range_pool *p, __u32 order, __u32 *off)
{
	__u32 o = order, b;

	while (o <= p->order_max && p->head[o] == NIL)
		o++;
	if (o > p->order_max)
		return -ENOSPC;
	b = p->head[o];
	list_del(p, b, o);
	/* Split: the upper halves go back to the lists. */
	while (o > order) {
		o--;
		list_push(p, b + (1u << o), o);
	}
	*off = b;
	p->used += 1ull << order;
	return 0;
}

int range_pool_alloc(struct range_pool *p, __u32 order, __u32 *off)
{
	/* Many retired blocks fragment the space: wait for readers early. */
	if (p->quarantined * 4 > (1ull << p->order_max))
		grace_period(p);
	if (order > p->order_max)
		return -ENOSPC;
	if (!take(p, order, off))
		return 0;
	if (!p->nquar)
		return -ENOSPC;
	grace_period(p);
	return take(p, order, off);
}

int range_pool_reserve(struct range_pool *p, size_t n)
{
	struct range_block *q;
	size_t cap = p->quar_cap ? p->quar_cap : 64;

	if (p->nquar + n <= p->quar_cap)
		return 0;
	while (cap < p->nquar + n)
		cap *= 2;
	q = realloc(p->quar, cap * sizeof(*q));
	if (!q)
		return -ENOMEM;
	p->quar = q;
	p->quar_cap = cap;
	return 0;
}

void range_pool_retire(struct range_pool *p, __u32 off, __u32 order)
{
	/* range_pool_reserve() made room. */
	p->quar[p->nquar++] = (struct range_block){ off, order };
	p->quarantined += 1ull << order;
}

__u32 range_order(__u32 n)
{
	__u32 o = 0;

	while ((1ULL << o) < n)
		o++;
	return o;
}
