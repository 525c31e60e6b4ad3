// SPDX-License-Identifier: GPL-2.0
/*
 * Free second-level chunks, see chunk_pool.h. Oldest first, so that in the
 * common case the head was freed before the last grace period and is taken
 * without a system call; only when the pool is down to recently freed
 * chunks does an allocation wait for one.
 */
#include <errno.h>
#include <stdlib.h>

#include "chunk_pool.h"

int chunk_pool_init(struct chunk_pool *p, __u32 n, struct grace *grace)
{
	*p = (struct chunk_pool){ .n = n, .grace = grace,
				  .fresh_since = grace->waits };
	p->fifo = calloc(n ? n : 1, sizeof(*p->fifo));
	return p->fifo ? 0 : -ENOMEM;
}

void chunk_pool_fini(struct chunk_pool *p)
{
	free(p->fifo);
	p->fifo = NULL;
}

/* A grace period (waited for by any pool) since the last free: all safe. */
static void forget_fresh(struct chunk_pool *p)
{
	if (p->fresh_since != p->grace->waits) {
		p->fresh = 0;
		p->fresh_since = p->grace->waits;
	}
}

int chunk_alloc(struct chunk_pool *p, __u32 *c)
{
	if (!p->len)
		return -ENOSPC;
	forget_fresh(p);
	if (p->len <= p->fresh) {
		grace_wait(p->grace);
		forget_fresh(p);
	}
	*c = p->fifo[p->head];
	p->head = (p->head + 1) % p->n;
	p->len--;
	return 0;
}

void chunk_free(struct chunk_pool *p, __u32 c)
{
	forget_fresh(p);
	p->fifo[(p->head + p->len) % p->n] = c;
	p->len++;
	p->fresh++;
}

int chunk_pool_fill(struct chunk_pool *p, const __u32 *dir, __u32 ndir,
		    __u32 flag, __u32 mask, bool maybe_read)
{
	bool *used = calloc(p->n ? p->n : 1, sizeof(*used));
	__u32 i;

	if (!used)
		return -ENOMEM;
	for (i = 0; i < ndir; i++)
		if ((dir[i] & flag) && (dir[i] & mask) < p->n)
			used[dir[i] & mask] = true;
	for (i = 0; i < p->n; i++)
		if (!used[i])
			chunk_free(p, i);
	free(used);
	/* Any wait of this handle came after the last writer before it. */
	if (!maybe_read || p->grace->waits)
		p->fresh = 0;
	return 0;
}
