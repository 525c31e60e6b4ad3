/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fixed-size nodes for structures with one small object per prefix (the
 * RIB's entries and paths), taken from blocks of their own instead of
 * glibc's heap. A BGP session going down frees a path per prefix it
 * announced; in the heap those 100,000 small frees sit in glibc's fast
 * bins until the next free of 64 KiB or more consolidates them all (the
 * dead session's own buffer: 6.5-36.4 ms of the event loop at 100,000
 * prefixes, README). Here a freed node only goes back on the pool's list.
 *
 * Blocks are kept until node_pool_release(): the pool holds the memory of
 * the largest table it has held. Each block is as large as the pool before
 * it, from 64 KiB up to 2 MiB blocks in transparent huge pages, as the heap
 * is (peeredged(8), ENVIRONMENT). Nodes are aligned to NODE_POOL_ALIGN.
 * Under ASan a free node is poisoned, so a use after free is still caught.
 */
#ifndef PEEREDGE_NODE_POOL_H
#define PEEREDGE_NODE_POOL_H

#include <stddef.h>

#define NODE_POOL_ALIGN		sizeof(void *)
#define NODE_POOL_BLOCK_BYTES	(64 * 1024)	/* the first block */
#define NODE_POOL_HUGE_BYTES	(2 * 1024 * 1024)	/* the largest, a huge page */

struct node_pool {
	size_t node_size;		/* rounded up to NODE_POOL_ALIGN */
	void *free_nodes;		/* linked through each one's first word */
	struct node_pool_block *blocks;
	size_t bytes, nodes_in_use;	/* mapped for the blocks; handed out */
};

/* node_size: of the objects, at most a block's room for one. */
void node_pool_init(struct node_pool *pool, size_t node_size);
/* A zeroed node, or NULL when no block could be mapped. */
void *node_pool_get(struct node_pool *pool);
void node_pool_put(struct node_pool *pool, void *node);
/* Unmaps every block: nodes still out are gone with them. */
void node_pool_release(struct node_pool *pool);
/* Bytes mapped for the pool's blocks. */
size_t node_pool_bytes(const struct node_pool *pool);

#endif
