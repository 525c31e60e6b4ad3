// SPDX-License-Identifier: GPL-2.0
/*
 * agent/fib_sync.c's plan diff against the real kernel FIB, in a network
 * namespace of its own with a veth pair: random plans against a simple
 * quadratic reference (what the kernel must hold, how many requests it
 * takes), whole or in steps (the kernel holding what the pass says it
 * installed after each), and the cost of a 100,000-route plan that did
 * not change.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <net/if.h>

#include "kselftest_harness.h"
#include "fib_sync.h"
#include "fib_netns.h"

#define TABLE 100
#define BASE 0x10000
#define GATEWAYS 4
#define GROUPS 3
#define PREFIXES 48

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

FIXTURE(sync) {
	struct fib_sync fs;
	uint32_t ifindex;
	char err[512];
};

FIXTURE_SETUP(sync)
{
	int ifindex = fib_netns_enter();

	if (ifindex < 0)
		SKIP(return, "unshare(CLONE_NEWNET): %s (needs root)", strerror(-ifindex));
	ASSERT_NE(0, ifindex);
	self->ifindex = (uint32_t)ifindex;
	ASSERT_EQ(0, fib_sync_open(&self->fs, TABLE, BASE, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
}

FIXTURE_TEARDOWN(sync)
{
	if (self->fs.fib.sock)
		fib_sync_close(&self->fs);
}

/* Prefix i: for even i the IPv4 /24 at 64.0.0.0 + 256 i, for odd 2001:db8:i::/48. */
static struct prefix nth_prefix(int i)
{
	struct prefix p = { 0 };

	if (i % 2) {
		p.family = AF_INET6;
		p.len = 48;
		p.addr.bytes[0] = 0x20;
		p.addr.bytes[1] = 0x01;
		p.addr.bytes[2] = 0x0d;
		p.addr.bytes[3] = 0xb8;
		p.addr.bytes[4] = (uint8_t)(i >> 8);
		p.addr.bytes[5] = (uint8_t)i;
	} else {
		uint32_t a = 0x40000000u + (uint32_t)i * 256;

		p.family = AF_INET;
		p.len = 24;
		for (int b = 0; b < 4; b++)
			p.addr.bytes[b] = (uint8_t)(a >> (24 - 8 * b));
	}
	return p;
}

/* Gateway g of family: 192.0.2.(2+g) or 2001:db8::(2+g). */
static struct fib_plan_nexthop nth_nexthop(uint32_t ifindex, int g, int family, int moved)
{
	struct fib_plan_nexthop nh = { .id = BASE + 1 + g + (family == AF_INET6 ? GATEWAYS : 0),
				       .ifindex = ifindex };
	char text[64];

	snprintf(text, sizeof(text), family == AF_INET ? "192.0.2.%d" : "2001:db8::%d",
		 2 + g + 10 * moved);
	if (ip_addr_parse(text, &nh.gateway))
		abort();
	return nh;
}

/*
 * A random plan: some of the nexthops (a gateway sometimes moved), groups
 * of one family over some of them, routes to random groups of their
 * family, in a random order and some prefixes twice.
 */
static void random_plan(struct fib_plan *plan, uint32_t ifindex)
{
	bool have[2 * GATEWAYS] = { false };
	uint32_t group_ids[2][GROUPS];
	size_t n_groups[2] = { 0, 0 };

	for (int f = 0; f < 2; f++)
		for (int g = 0; g < GATEWAYS; g++) {
			struct fib_plan_nexthop nh = nth_nexthop(ifindex, g, f ? AF_INET6 : AF_INET,
								  rand() % 8 == 0);

			if (rand() % 3 == 0)
				continue;
			have[f * GATEWAYS + g] = true;
			if (fib_plan_nexthop(plan, &nh))
				abort();
		}
	for (int f = 0; f < 2; f++)
		for (int k = 0; k < GROUPS; k++) {
			struct fib_plan_group group = { .id = BASE + 0x100 + 16 * f + k };

			for (int g = 0; g < GATEWAYS; g++)
				if (have[f * GATEWAYS + g] && rand() % 2)
					group.members[group.n++] = BASE + 1 + f * GATEWAYS + g;
			if (!group.n || rand() % 4 == 0)
				continue;
			group_ids[f][n_groups[f]++] = group.id;
			if (fib_plan_group(plan, &group))
				abort();
		}
	for (int r = 0; r < PREFIXES * 3 / 2; r++) {
		int i = rand() % PREFIXES, f = i % 2;
		struct prefix p = nth_prefix(i);

		if (n_groups[f] && fib_plan_route(plan, &p, group_ids[f][rand() % n_groups[f]]))
			abort();
	}
}

/* The reference: the route kept for a prefix is the one of lowest nexthop id. */
static const struct fib_route *ref_route(const struct fib_plan *plan, const struct prefix *dst)
{
	const struct fib_route *best = NULL;

	for (size_t i = 0; i < plan->n_routes; i++)
		if (prefix_equal(&plan->routes[i].dst, dst) &&
		    (!best || plan->routes[i].nexthop_id < best->nexthop_id))
			best = &plan->routes[i];
	return best;
}

static const struct fib_plan_nexthop *ref_nexthop(const struct fib_plan *plan, uint32_t id)
{
	for (size_t i = 0; i < plan->n_nexthops; i++)
		if (plan->nexthops[i].id == id)
			return &plan->nexthops[i];
	return NULL;
}

static const struct fib_plan_group *ref_group(const struct fib_plan *plan, uint32_t id)
{
	for (size_t i = 0; i < plan->n_groups; i++)
		if (plan->groups[i].id == id)
			return &plan->groups[i];
	return NULL;
}

/* Requests the reference needs to turn old into new. */
static size_t ref_requests(const struct fib_plan *old, const struct fib_plan *new)
{
	size_t n = 0;

	for (size_t i = 0; i < new->n_nexthops; i++) {
		const struct fib_plan_nexthop *a = &new->nexthops[i], *b = ref_nexthop(old, a->id);

		n += !b || b->ifindex != a->ifindex || ip_addr_compare(&a->gateway, &b->gateway);
	}
	for (size_t i = 0; i < new->n_groups; i++) {
		const struct fib_plan_group *a = &new->groups[i], *b = ref_group(old, a->id);

		n += !b || b->n != a->n || memcmp(a->members, b->members, a->n * 4);
	}
	for (int i = 0; i < PREFIXES; i++) {
		struct prefix p = nth_prefix(i);
		const struct fib_route *a = ref_route(new, &p), *b = ref_route(old, &p);

		if (a)
			n += !b || b->nexthop_id != a->nexthop_id;
		/* A route whose group goes is removed by the kernel with it. */
		else if (b)
			n += ref_group(new, b->nexthop_id) != NULL;
	}
	for (size_t i = 0; i < old->n_groups; i++)
		n += !ref_group(new, old->groups[i].id);
	for (size_t i = 0; i < old->n_nexthops; i++)
		n += !ref_nexthop(new, old->nexthops[i].id);
	return n;
}

static void copy_plan(struct fib_plan *to, const struct fib_plan *from)
{
	memset(to, 0, sizeof(*to));
	for (size_t i = 0; i < from->n_nexthops; i++)
		if (fib_plan_nexthop(to, &from->nexthops[i]))
			abort();
	for (size_t i = 0; i < from->n_groups; i++)
		if (fib_plan_group(to, &from->groups[i]))
			abort();
	for (size_t i = 0; i < from->n_routes; i++)
		if (fib_plan_route(to, &from->routes[i].dst, from->routes[i].nexthop_id))
			abort();
}

/* The kernel holds want, as the reference reads it; round says which case. */
static void expect_kernel_is(struct __test_metadata *_metadata, struct fib_sync *fs,
			     const struct fib_plan *want, int round)
{
	struct fib_nexthop *nexthops;
	struct fib_route *routes;
	size_t count, expected_routes = 0;

	ASSERT_EQ(0, fib_routes(&fs->fib, &routes, &count));
	for (int i = 0; i < PREFIXES; i++) {
		struct prefix p = nth_prefix(i);

		expected_routes += ref_route(want, &p) != NULL;
	}
	EXPECT_EQ(expected_routes, count) TH_LOG("round %d", round);
	for (size_t i = 0; i < count; i++) {
		const struct fib_route *r = ref_route(want, &routes[i].dst);

		ASSERT_NE(NULL, r) TH_LOG("round %d: a route not planned", round);
		EXPECT_EQ(r->nexthop_id, routes[i].nexthop_id) TH_LOG("round %d", round);
	}
	free(routes);
	ASSERT_EQ(0, fib_nexthops(&fs->fib, &nexthops, &count));
	EXPECT_EQ(want->n_nexthops + want->n_groups, count) TH_LOG("round %d", round);
	for (size_t i = 0; i < count; i++)
		EXPECT_TRUE(nexthops[i].group ? ref_group(want, nexthops[i].id) != NULL :
			    ref_nexthop(want, nexthops[i].id) != NULL);
	free(nexthops);
}

static int dst_order(const void *a, const void *b)
{
	return prefix_compare(&((const struct fib_route *)a)->dst,
			      &((const struct fib_route *)b)->dst);
}

/* The kernel holds what fs->installed says, routes and nexthop objects. */
static void expect_kernel_is_installed(struct __test_metadata *_metadata, struct fib_sync *fs,
				       int round, int step)
{
	const struct fib_plan *in = &fs->installed;
	struct fib_nexthop *nexthops;
	struct fib_route *routes;
	size_t count;

	ASSERT_EQ(0, fib_routes(&fs->fib, &routes, &count));
	if (count)
		qsort(routes, count, sizeof(*routes), dst_order);
	EXPECT_EQ(in->n_routes, count) TH_LOG("round %d step %d", round, step);
	for (size_t i = 0; i < count && i < in->n_routes; i++) {
		EXPECT_TRUE(prefix_equal(&in->routes[i].dst, &routes[i].dst))
			TH_LOG("round %d step %d: route %zu", round, step, i);
		EXPECT_EQ(in->routes[i].nexthop_id, routes[i].nexthop_id)
			TH_LOG("round %d step %d: route %zu", round, step, i);
	}
	free(routes);
	ASSERT_EQ(0, fib_nexthops(&fs->fib, &nexthops, &count));
	EXPECT_EQ(in->n_nexthops + in->n_groups, count) TH_LOG("round %d step %d", round, step);
	for (size_t i = 0; i < count; i++) {
		EXPECT_TRUE(nexthops[i].group ? ref_group(in, nexthops[i].id) != NULL :
			    ref_nexthop(in, nexthops[i].id) != NULL)
			TH_LOG("round %d step %d: id %u", round, step, nexthops[i].id);
	}
	free(nexthops);
}

/*
 * Steps the pass in progress to its end, max_routes 1..7 at random: after
 * each, the kernel holds what installed says, and no step sent more route
 * changes than its budget (plus the nexthops and groups of both plans).
 */
static void step_to_the_end(struct __test_metadata *_metadata, struct fib_sync *fs,
			    size_t nexthop_objects, int round)
{
	char err[512];
	int ret, step = 0;

	do {
		size_t max_routes = 1 + rand() % 7;

		ret = fib_sync_step(fs, max_routes, err, sizeof(err));
		ASSERT_LE(0, ret) TH_LOG("round %d step %d: %s", round, step, err);
		EXPECT_LE(fs->fib.committed, max_routes + nexthop_objects)
			TH_LOG("round %d step %d", round, step);
		EXPECT_EQ(ret == 1, fib_sync_busy(fs));
		expect_kernel_is_installed(_metadata, fs, round, step);
		step++;
	} while (ret == 1);
}

static size_t nexthop_objects(const struct fib_plan *a, const struct fib_plan *b)
{
	return a->n_nexthops + a->n_groups + b->n_nexthops + b->n_groups;
}

/*
 * Rounds of random plans, each from the last, applied whole (sending what
 * the reference would) or in steps: the kernel ends holding each.
 */
static void random_rounds(struct __test_metadata *_metadata, struct fib_sync *fs,
			  uint32_t ifindex, unsigned int seed, int rounds, bool in_steps)
{
	struct fib_plan was = { 0 };
	char err[512];

	srand(seed);
	for (int round = 0; round < rounds; round++) {
		struct fib_plan want = { 0 }, plan;

		random_plan(&want, ifindex);
		copy_plan(&plan, &want);
		if (in_steps) {
			fib_sync_start(fs, &plan);
			step_to_the_end(_metadata, fs, nexthop_objects(&was, &want), round);
		} else {
			ASSERT_EQ(0, fib_sync_apply(fs, &plan, err, sizeof(err)))
				TH_LOG("round %d: %s", round, err);
			EXPECT_EQ(ref_requests(&was, &want), fs->fib.committed)
				TH_LOG("round %d", round);
		}
		expect_kernel_is(_metadata, fs, &want, round);
		fib_plan_free(&was);
		was = want;
	}
	fib_plan_free(&was);
}

TEST_F(sync, random_plans_match_a_quadratic_reference)
{
	random_rounds(_metadata, &self->fs, self->ifindex, 7, 60, false);
}

TEST_F(sync, random_plans_in_steps_match_the_reference_and_the_kernel_after_each)
{
	random_rounds(_metadata, &self->fs, self->ifindex, 11, 40, true);
}

TEST_F(sync, a_new_plan_during_a_pass_replaces_it)
{
	int replaced = 0;

	srand(13);
	for (int round = 0; round < 30; round++) {
		struct fib_plan dropped = { 0 }, want = { 0 }, plan;

		random_plan(&dropped, self->ifindex);
		fib_sync_start(&self->fs, &dropped);
		for (int step = 0; step < 3; step++) {
			ASSERT_LE(0, fib_sync_step(&self->fs, 2, self->err, sizeof(self->err)))
				TH_LOG("%s", self->err);
			expect_kernel_is_installed(_metadata, &self->fs, round, step);
		}
		replaced += fib_sync_busy(&self->fs);
		random_plan(&want, self->ifindex);
		copy_plan(&plan, &want);
		fib_sync_start(&self->fs, &plan);
		step_to_the_end(_metadata, &self->fs, nexthop_objects(&self->fs.installed, &want),
				round);
		expect_kernel_is(_metadata, &self->fs, &want, round);
		fib_plan_free(&want);
	}
	/* Most rounds must have replaced a pass in progress, or this tests nothing. */
	EXPECT_LT(20, replaced);
}

/* Two nexthops (192.0.2.2, .3), one group over those of `members`, n routes to it. */
static void peering_plan(struct fib_plan *plan, uint32_t ifindex, int members, int n,
			 bool reversed)
{
	struct fib_plan_group group = { .id = BASE + 0x100 };

	memset(plan, 0, sizeof(*plan));
	for (int g = 0; g < 2; g++) {
		struct fib_plan_nexthop nh = nth_nexthop(ifindex, g, AF_INET, 0);

		if (!(members & (1 << g)))
			continue;
		if (fib_plan_nexthop(plan, &nh))
			abort();
		group.members[group.n++] = nh.id;
	}
	if (!group.n)
		return;
	if (fib_plan_group(plan, &group))
		abort();
	for (int i = 0; i < n; i++) {
		struct prefix p = nth_prefix(2 * (reversed ? n - 1 - i : i));

		if (fib_plan_route(plan, &p, group.id))
			abort();
	}
}

TEST_F(sync, an_unchanged_plan_of_100000_routes_sends_nothing_at_once)
{
	struct fib_plan plan;
	double start, took;

	peering_plan(&plan, self->ifindex, 3, 100000, false);
	ASSERT_EQ(0, fib_sync_apply(&self->fs, &plan, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	ASSERT_EQ(100000 + 3, self->fs.fib.committed);

	peering_plan(&plan, self->ifindex, 3, 100000, true);
	start = now_s();
	ASSERT_EQ(0, fib_sync_apply(&self->fs, &plan, self->err, sizeof(self->err)));
	took = now_s() - start;
	EXPECT_EQ(0, self->fs.fib.committed);
	/* The quadratic diff took 158 s here under ASan; sorted merges take tens of ms. */
	EXPECT_LT(took, 2.0);
	TH_LOG("unchanged 100,000-route plan: %.3f s", took);
}

TEST_F(sync, a_step_looks_at_a_bounded_window)
{
	enum { ROUTES = 2000, MAX = 4 };
	struct fib_plan plan, want;
	int steps = 0, ret;

	peering_plan(&plan, self->ifindex, 3, ROUTES, false);
	ASSERT_EQ(0, fib_sync_apply(&self->fs, &plan, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	/* The same routes and one more after them: one change, at the far end. */
	peering_plan(&want, self->ifindex, 3, ROUTES + 1, false);
	copy_plan(&plan, &want);
	fib_sync_start(&self->fs, &plan);
	do {
		ret = fib_sync_step(&self->fs, MAX, self->err, sizeof(self->err));
		ASSERT_LE(0, ret) TH_LOG("%s", self->err);
		steps++;
		if (ret)
			EXPECT_EQ(steps * FIB_STEP_WALK * MAX, self->fs.installed_at);
	} while (ret == 1);
	EXPECT_EQ(ROUTES / (FIB_STEP_WALK * MAX) + 1, steps);
	/* A step of 0 is taken as 1: the pass still ends. */
	fib_sync_start(&self->fs, &want);
	copy_plan(&want, &self->fs.target);
	for (steps = 0; fib_sync_step(&self->fs, 0, self->err, sizeof(self->err)) == 1; steps++)
		ASSERT_GT(ROUTES, steps);
	expect_kernel_is_installed(_metadata, &self->fs, 0, steps);
	EXPECT_EQ(ROUTES + 1, self->fs.installed.n_routes);
	EXPECT_EQ(ROUTES + 1, count_lines("ip route show table 100 proto bgp", "nhid 65792"));
	fib_plan_free(&want);
}

/*
 * Routes added between installed ones, in steps: the installed routes
 * outgrow their array (moved by realloc) in a step whose window reads
 * them. The load test's daemon died of this (ASan: heap-use-after-free)
 * when a second connection's routes came in around the first's.
 */
TEST_F(sync, routes_added_between_installed_ones_in_steps)
{
	enum { HALF = 64 };
	struct fib_plan plan, want;
	bool grew = false;
	int ret, step = 0;
	size_t cap;

	peering_plan(&plan, self->ifindex, 3, 0, false);
	for (int i = 0; i < HALF; i++) {
		struct prefix p = nth_prefix(4 * i);

		ASSERT_EQ(0, fib_plan_route(&plan, &p, BASE + 0x100));
	}
	ASSERT_EQ(0, fib_sync_apply(&self->fs, &plan, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	cap = self->fs.installed.cap_routes;
	/* Every even prefix: one new route after each installed one. */
	peering_plan(&want, self->ifindex, 3, 2 * HALF, false);
	copy_plan(&plan, &want);
	fib_sync_start(&self->fs, &plan);
	do {
		ret = fib_sync_step(&self->fs, 4, self->err, sizeof(self->err));
		ASSERT_LE(0, ret) TH_LOG("%s", self->err);
		grew |= ret == 1 && self->fs.installed.cap_routes > cap;
		expect_kernel_is_installed(_metadata, &self->fs, 0, step++);
	} while (ret == 1);
	/* Or this tests nothing. */
	EXPECT_TRUE(grew) TH_LOG("installed routes: %zu in %zu", HALF + 0ul, cap);
	EXPECT_EQ(2 * HALF, self->fs.installed.n_routes);
	EXPECT_EQ(2 * HALF, count_lines("ip route show table 100 proto bgp", "nhid 65792"));
	fib_plan_free(&want);
}

TEST_F(sync, after_a_refused_request_installed_is_what_the_kernel_took)
{
	struct fib_plan_nexthop bad = nth_nexthop(self->ifindex, 0, AF_INET, 0);
	struct fib_plan_group bad_group = { .id = BASE + 0x200, .n = 1 };
	struct fib_plan plan;

	peering_plan(&plan, self->ifindex, 3, 100, false);
	ASSERT_EQ(0, fib_sync_apply(&self->fs, &plan, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	/*
	 * 100 more routes to the group, and in the same batch a nexthop on
	 * a device that does not exist, its group and 10 routes to that:
	 * the kernel takes the first, refuses the rest.
	 */
	peering_plan(&plan, self->ifindex, 3, 200, false);
	bad.id = BASE + 0x50;
	bad.ifindex = 999999;
	bad_group.members[0] = bad.id;
	ASSERT_EQ(0, fib_plan_nexthop(&plan, &bad));
	ASSERT_EQ(0, fib_plan_group(&plan, &bad_group));
	for (int i = 0; i < 10; i++) {
		struct prefix p = nth_prefix(2 * (300 + i));

		ASSERT_EQ(0, fib_plan_route(&plan, &p, bad_group.id));
	}
	EXPECT_GT(0, fib_sync_apply(&self->fs, &plan, self->err, sizeof(self->err)));
	TH_LOG("refused as expected: %s", self->err);
	EXPECT_EQ(200, count_lines("ip route show table 100 proto bgp", "nhid 65792"));
	expect_kernel_is_installed(_metadata, &self->fs, 0, 0);
	EXPECT_EQ(200, self->fs.installed.n_routes);

	/* Back to the first plan: the routes the refused batch added go too. */
	peering_plan(&plan, self->ifindex, 3, 100, false);
	ASSERT_EQ(0, fib_sync_apply(&self->fs, &plan, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	EXPECT_EQ(100, count_lines("ip route show table 100 proto bgp", "nhid 65792"));
	expect_kernel_is_installed(_metadata, &self->fs, 0, 1);
}

TEST_F(sync, a_connection_change_is_its_nexthop_and_group_alone)
{
	struct fib_plan plan;

	peering_plan(&plan, self->ifindex, 3, 20000, false);
	ASSERT_EQ(0, fib_sync_apply(&self->fs, &plan, self->err, sizeof(self->err)));

	/* The first connection down: the group shrinks, its nexthop goes. */
	peering_plan(&plan, self->ifindex, 2, 0, false);
	ASSERT_EQ(0, fib_sync_apply_nexthops(&self->fs, &plan, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	EXPECT_EQ(2, self->fs.fib.committed);
	EXPECT_EQ(20000, self->fs.installed.n_routes);
	EXPECT_EQ(20000, count_lines("ip route show table 100 proto bgp", "nhid 65792"));
	EXPECT_EQ(1, count_lines("ip nexthop show id 65792", "group 65538 "));
	EXPECT_EQ(0, count_lines("ip nexthop show", "id 65537 "));

	/* The second: group and nexthop deleted, the kernel takes every route. */
	peering_plan(&plan, self->ifindex, 0, 0, false);
	ASSERT_EQ(0, fib_sync_apply_nexthops(&self->fs, &plan, self->err, sizeof(self->err)));
	EXPECT_EQ(2, self->fs.fib.committed);
	EXPECT_EQ(0, self->fs.installed.n_routes);
	EXPECT_EQ(0, count_lines("ip route show table 100", ""));
	EXPECT_EQ(0, count_lines("ip nexthop show", ""));

	/* Back: nexthops and group again; the routes come with the next full plan. */
	peering_plan(&plan, self->ifindex, 3, 0, false);
	ASSERT_EQ(0, fib_sync_apply_nexthops(&self->fs, &plan, self->err, sizeof(self->err)));
	EXPECT_EQ(3, self->fs.fib.committed);
	peering_plan(&plan, self->ifindex, 3, 20000, false);
	ASSERT_EQ(0, fib_sync_apply(&self->fs, &plan, self->err, sizeof(self->err)));
	EXPECT_EQ(20000, self->fs.fib.committed);
	EXPECT_EQ(20000, count_lines("ip route show table 100 proto bgp", "nhid 65792"));
}

TEST_F(sync, a_connection_change_during_a_pass_drops_it)
{
	struct fib_plan plan, want;
	int ret;

	peering_plan(&plan, self->ifindex, 3, 2000, false);
	fib_sync_start(&self->fs, &plan);
	for (int step = 0; step < 3; step++)
		ASSERT_EQ(1, fib_sync_step(&self->fs, 100, self->err, sizeof(self->err)))
			TH_LOG("%s", self->err);
	EXPECT_EQ(300, count_lines("ip route show table 100 proto bgp", "nhid 65792"));

	/* The first connection down: its group is the second alone from now on. */
	peering_plan(&plan, self->ifindex, 2, 0, false);
	ASSERT_EQ(0, fib_sync_apply_nexthops(&self->fs, &plan, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	EXPECT_FALSE(fib_sync_busy(&self->fs));
	EXPECT_EQ(0, fib_sync_step(&self->fs, 100, self->err, sizeof(self->err)));
	EXPECT_EQ(1, count_lines("ip nexthop show id 65792", "group 65538 "));
	EXPECT_EQ(0, count_lines("ip nexthop show", "id 65537 "));
	expect_kernel_is_installed(_metadata, &self->fs, 0, 0);
	EXPECT_EQ(300, self->fs.installed.n_routes);

	/* The pass that follows the change ends at its own plan. */
	peering_plan(&want, self->ifindex, 2, 2000, false);
	copy_plan(&plan, &want);
	fib_sync_start(&self->fs, &plan);
	do {
		ret = fib_sync_step(&self->fs, 100, self->err, sizeof(self->err));
		ASSERT_LE(0, ret) TH_LOG("%s", self->err);
	} while (ret == 1);
	expect_kernel_is_installed(_metadata, &self->fs, 1, 0);
	EXPECT_EQ(2000, count_lines("ip route show table 100 proto bgp", "nhid 65792"));
	EXPECT_EQ(1, count_lines("ip nexthop show id 65792", "group 65538 "));
	EXPECT_EQ(0, count_lines("ip nexthop show", "id 65537 "));
	fib_plan_free(&want);
}

TEST_HARNESS_MAIN
