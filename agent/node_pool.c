// SPDX-License-Identifier: GPL-2.0
/* Fixed-size nodes in blocks of their own; see node_pool.h. */
#include "node_pool.h"

#include <assert.h>
#include <sanitizer/asan_interface.h>
#include <string.h>
#include <sys/mman.h>

struct node_pool_block {
	struct node_pool_block *next;
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

/* Maps a block and puts its nodes on the free list, first node on top. */
static int add_block(struct node_pool *pool)
{
	struct node_pool_block *b = mmap(NULL, NODE_POOL_BLOCK_BYTES, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	size_t n = (NODE_POOL_BLOCK_BYTES - FIRST_NODE_OFFSET) / pool->node_size;
	char *first;

	if (b == MAP_FAILED)
		return -1;
	b->next = pool->blocks;
	pool->blocks = b;
	pool->nblocks++;
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
		ASAN_UNPOISON_MEMORY_REGION(b, NODE_POOL_BLOCK_BYTES);
		munmap(b, NODE_POOL_BLOCK_BYTES);
	}
	pool->free_nodes = NULL;
	pool->nblocks = pool->nodes_in_use = 0;
}

size_t node_pool_bytes(const struct node_pool *pool)
{
	return pool->nblocks * NODE_POOL_BLOCK_BYTES;
}
