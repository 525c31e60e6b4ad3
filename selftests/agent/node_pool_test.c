// SPDX-License-Identifier: GPL-2.0
/* agent/node_pool.c: zeroed nodes, reuse, blocks and their sizes, poisoning of free nodes. */
#include "kselftest_harness.h"

#include <inttypes.h>
#include <sanitizer/asan_interface.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "node_pool.h"

struct thing {
	uint64_t a, b;
	uint8_t c;
};

TEST(nodes_are_zeroed_aligned_and_distinct)
{
	struct node_pool pool;
	struct thing *t1, *t2;
	size_t gap;

	node_pool_init(&pool, sizeof(struct thing));
	EXPECT_EQ(24, pool.node_size);	/* 17 bytes rounded up to a pointer */
	t1 = node_pool_get(&pool);
	t2 = node_pool_get(&pool);
	ASSERT_NE(NULL, t1);
	ASSERT_NE(NULL, t2);
	EXPECT_NE(t1, t2);
	EXPECT_EQ(0, (uintptr_t)t1 % NODE_POOL_ALIGN);
	EXPECT_EQ(0, (uintptr_t)t2 % NODE_POOL_ALIGN);
	gap = t1 < t2 ? (size_t)((char *)t2 - (char *)t1) : (size_t)((char *)t1 - (char *)t2);
	EXPECT_GE(gap, pool.node_size);
	memset(t1, 0xa5, sizeof(*t1));
	node_pool_put(&pool, t1);
	/* The node just put is the next one out, zeroed again. */
	EXPECT_EQ(t1, node_pool_get(&pool));
	EXPECT_EQ(0, t1->a);
	EXPECT_EQ(0, t1->b);
	EXPECT_EQ(0, t1->c);
	EXPECT_EQ(2, pool.nodes_in_use);
	node_pool_release(&pool);
}

TEST(blocks_are_added_as_needed_and_released)
{
	size_t per_block = (NODE_POOL_BLOCK_BYTES - sizeof(void *)) / 64;
	struct node_pool pool;
	void **nodes = calloc(per_block + 1, sizeof(*nodes));

	ASSERT_NE(NULL, nodes);
	node_pool_init(&pool, 64);
	EXPECT_EQ(0, node_pool_bytes(&pool));
	for (size_t i = 0; i < per_block; i++)
		ASSERT_NE(NULL, nodes[i] = node_pool_get(&pool));
	EXPECT_EQ(NODE_POOL_BLOCK_BYTES, node_pool_bytes(&pool));
	nodes[per_block] = node_pool_get(&pool);
	ASSERT_NE(NULL, nodes[per_block]);
	EXPECT_EQ(2 * NODE_POOL_BLOCK_BYTES, node_pool_bytes(&pool));
	/* Every node can be written whole without touching another. */
	for (size_t i = 0; i <= per_block; i++)
		memset(nodes[i], (int)(i & 0xff), 64);
	for (size_t i = 0; i <= per_block; i++)
		ASSERT_EQ((uint8_t)(i & 0xff), ((uint8_t *)nodes[i])[63]);
	/* Freed nodes are reused before any new block. */
	for (size_t i = 0; i <= per_block; i++)
		node_pool_put(&pool, nodes[i]);
	EXPECT_EQ(0, pool.nodes_in_use);
	for (size_t i = 0; i <= per_block; i++)
		ASSERT_NE(NULL, node_pool_get(&pool));
	EXPECT_EQ(2 * NODE_POOL_BLOCK_BYTES, node_pool_bytes(&pool));
	node_pool_release(&pool);
	EXPECT_EQ(0, node_pool_bytes(&pool));
	EXPECT_EQ(NULL, pool.free_nodes);
	free(nodes);
}

/* Whether the mapping holding addr has flag (smaps' VmFlags, e.g. hg). */
static bool mapping_has_flag(const void *addr, const char *flag)
{
	uintptr_t a = (uintptr_t)addr, start, end;
	bool inside = false, found = false;
	char line[512];
	FILE *f = fopen("/proc/self/smaps", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " ", &start, &end) == 2)
			inside = a >= start && a < end;
		else if (inside && !strncmp(line, "VmFlags:", 8))
			found = strstr(line, flag) != NULL;
	}
	fclose(f);
	return found;
}

/*
 * Each block is as large as the pool before it, up to a huge page: 64 KiB
 * for a small table, and for a large one blocks aligned to 2 MiB that the
 * kernel is asked to back with huge pages (VmFlags hg).
 */
TEST(a_growing_pool_ends_in_huge_page_blocks)
{
	size_t want = NODE_POOL_BLOCK_BYTES, seen = 0;
	struct node_pool pool;

	node_pool_init(&pool, 64);
	while (node_pool_bytes(&pool) < 3 * NODE_POOL_HUGE_BYTES) {
		ASSERT_NE(NULL, node_pool_get(&pool));
		if (node_pool_bytes(&pool) == seen)
			continue;
		seen = node_pool_bytes(&pool);
		ASSERT_EQ(want, seen);
		want += seen < NODE_POOL_HUGE_BYTES ? seen : NODE_POOL_HUGE_BYTES;
	}
	EXPECT_EQ(0, (uintptr_t)pool.blocks % NODE_POOL_HUGE_BYTES);
	EXPECT_TRUE(mapping_has_flag(pool.blocks, " hg"));
	node_pool_release(&pool);
	EXPECT_EQ(0, node_pool_bytes(&pool));
}

/* The unit tests run under ASan: a node on the free list is poisoned. */
TEST(free_nodes_are_poisoned)
{
	struct node_pool pool;
	char *node;

	node_pool_init(&pool, 40);
	node = node_pool_get(&pool);
	ASSERT_NE(NULL, node);
	EXPECT_EQ(NULL, __asan_region_is_poisoned(node, 40));
	node_pool_put(&pool, node);
	EXPECT_EQ(node, __asan_region_is_poisoned(node, 40));
	/* So is every node of a fresh block not handed out yet. */
	EXPECT_EQ(node + 40, __asan_region_is_poisoned(node + 40, 40));
	node_pool_release(&pool);
}

TEST_HARNESS_MAIN
