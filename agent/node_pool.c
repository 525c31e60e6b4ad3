// SPDX-License-Identifier: GPL-2.0
/* Fixed-size nodes in blocks of their own; see node_pool.h. */
#include "node_pool.h"

#include <assert.h>
#include <sanitizer/asan_interface.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

struct node_pool_block {
	struct node_pool_block *next;
	size_t bytes;
};

#define ALIGNED(n)	(((n) + NODE_POOL_ALIGN - 1) & ~(NODE_POOL_ALIGN - 1))
/* The first node starts here, so that it is aligned as promised. */
#define FIRST_NODE_OFFSET	ALIGNED(sizeof(struct node_pool_block))

void node_pool_init(struct node_pool *pool, size_t node_size)
{
	/* A free node holds the link to the next one. */
	size_t size = ALIGNED(node_size < sizeof(void *) ? sizeof(void *) : node_size);

	assert(size <= NODE_POOL_BLOCK_BYTES - FIRST_NODE_OFFSET);
	*pool = (struct node_pool){ .node_size = size };
}

static void push_free(struct node_pool *pool, void *node)
{
	*(void **)node = pool->free_nodes;
	pool->free_nodes = node;
	ASAN_POISON_MEMORY_REGION(node, pool->node_size);
}

/*
 * A block as large as the pool so far, from NODE_POOL_BLOCK_BYTES up to
 * NODE_POOL_HUGE_BYTES: a small table stays small, and a large one ends up
 * in huge pages.
 */
static size_t next_block_bytes(const struct node_pool *pool)
{
	size_t bytes = pool->bytes ? pool->bytes : NODE_POOL_BLOCK_BYTES;

	return bytes < NODE_POOL_HUGE_BYTES ? bytes : NODE_POOL_HUGE_BYTES;
}

/*
 * bytes of fresh memory. A huge page's worth is aligned to one and marked
 * MADV_HUGEPAGE (what THP's usual "madvise" mode waits for), so that it
 * costs the process one page table entry rather than 512.
 */
static void *map_block(size_t bytes)
{
	size_t over = bytes == NODE_POOL_HUGE_BYTES ? NODE_POOL_HUGE_BYTES : 0;
	char *p = mmap(NULL, bytes + over, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	size_t head;

	if (p == MAP_FAILED || !over)
		return p;
	head = -(uintptr_t)p & (NODE_POOL_HUGE_BYTES - 1);
	if (head)
		munmap(p, head);
	munmap(p + head + bytes, over - head);
	madvise(p + head, bytes, MADV_HUGEPAGE);
	return p + head;
}

/* Maps a block and puts its nodes on the free list, first node on top. */
static int add_block(struct node_pool *pool)
{
	size_t bytes = next_block_bytes(pool);
	struct node_pool_block *b = map_block(bytes);
	size_t n = (bytes - FIRST_NODE_OFFSET) / pool->node_size;
	char *first;

	if (b == MAP_FAILED)
		return -1;
	b->next = pool->blocks;
	b->bytes = bytes;
	pool->blocks = b;
	pool->bytes += bytes;
	first = (char *)b + FIRST_NODE_OFFSET;
	while (n--)
		push_free(pool, first + n * pool->node_size);
	return 0;
}

void *node_pool_get(struct node_pool *pool)
{
	void *node;

	if (!pool->free_nodes && add_block(pool) < 0)
		return NULL;
	node = pool->free_nodes;
	ASAN_UNPOISON_MEMORY_REGION(node, pool->node_size);
	pool->free_nodes = *(void **)node;
	memset(node, 0, pool->node_size);
	pool->nodes_in_use++;
	return node;
}

void node_pool_put(struct node_pool *pool, void *node)
{
	pool->nodes_in_use--;
	push_free(pool, node);
}

void node_pool_release(struct node_pool *pool)
{
	while (pool->blocks) {
		struct node_pool_block *b = pool->blocks;

		pool->blocks = b->next;
		ASAN_UNPOISON_MEMORY_REGION(b, b->bytes);
		munmap(b, b->bytes);
	}
	pool->free_nodes = NULL;
	pool->bytes = pool->nodes_in_use = 0;
}

size_t node_pool_bytes(const struct node_pool *pool)
{
	return pool->bytes;
}
