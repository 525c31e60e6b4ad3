// SPDX-License-Identifier: GPL-2.0
/*
 * RIB: the RFC 4271 9.1.2.2 decision process rule by rule (including the
 * non-transitive MED rule), attribute interning and refcounts, stale paths,
 * the change listener, and the memory cost of a route.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "rib.h"

static uint8_t path_buf[4][14];

/* attrs with an AS_PATH of n ASes starting at first_as. */
static struct bgp_attrs attrs(int slot, uint32_t first_as, int n, uint8_t origin)
{
	struct bgp_attrs a = {
		.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH),
		.origin = origin,
		.as_path = path_buf[slot],
		.as_path_len = (uint16_t)(2 + 4 * n),
	};
	uint8_t *p = path_buf[slot];
	int i;

	p[0] = BGP_AS_SEQUENCE;
	p[1] = (uint8_t)n;
	for (i = 0; i < n; i++) {
		uint32_t as = first_as + (uint32_t)i;

		p[2 + 4 * i] = as >> 24;
		p[3 + 4 * i] = (as >> 16) & 0xff;
		p[4 + 4 * i] = (as >> 8) & 0xff;
		p[5 + 4 * i] = as & 0xff;
	}
	return a;
}

static const uint8_t nh[4] = { 10, 0, 0, 1 };

FIXTURE(rib) {
	struct rib *rib;
	int peer[4];
	struct prefix p;
};

FIXTURE_SETUP(rib)
{
	int i;

	self->rib = rib_new();
	ASSERT_NE(NULL, self->rib);
	for (i = 0; i < 4; i++) {
		struct rib_peer *rp;

		self->peer[i] = rib_peer_add(self->rib);
		rp = rib_peer(self->rib, (uint16_t)self->peer[i]);
		rp->ebgp = true;
		rp->bgp_id = 100 - (uint32_t)i;	/* later peers have lower ids */
		rp->addr_family = AF_INET;
		rp->addr[3] = (uint8_t)i;
	}
	prefix_parse("203.0.113.0/24", &self->p);
}

FIXTURE_TEARDOWN(rib)
{
	rib_free(self->rib);
}

static void add(struct rib *rib, int peer, const struct prefix *p, const struct bgp_attrs *a)
{
	struct rib_attrs *ra = rib_attrs_get(rib, a, AF_INET, nh);

	rib_update(rib, (uint16_t)peer, p, ra);
	rib_attrs_put(rib, ra);
}

static int best_peer(struct rib *rib, const struct prefix *p)
{
	const struct rib_entry *e = rib_lookup(rib, p);

	return e ? e->paths->peer : -1;
}

TEST_F(rib, local_pref_then_path_length_then_origin)
{
	struct bgp_attrs a = attrs(0, 65001, 3, BGP_ORIGIN_IGP);
	struct bgp_attrs b = attrs(1, 65002, 2, BGP_ORIGIN_INCOMPLETE);
	struct bgp_attrs c = attrs(2, 65003, 2, BGP_ORIGIN_IGP);

	add(self->rib, self->peer[0], &self->p, &a);
	add(self->rib, self->peer[1], &self->p, &b);
	EXPECT_EQ(self->peer[1], best_peer(self->rib, &self->p));	/* shorter */
	add(self->rib, self->peer[2], &self->p, &c);
	EXPECT_EQ(self->peer[2], best_peer(self->rib, &self->p));	/* IGP origin */
	a.present |= BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
	a.local_pref = 200;
	add(self->rib, self->peer[0], &self->p, &a);
	EXPECT_EQ(self->peer[0], best_peer(self->rib, &self->p));	/* preference */
	EXPECT_EQ(1, rib_withdraw(self->rib, (uint16_t)self->peer[0], &self->p));
	EXPECT_EQ(self->peer[2], best_peer(self->rib, &self->p));
	EXPECT_EQ(0, rib_withdraw(self->rib, (uint16_t)self->peer[0], &self->p));
}

TEST_F(rib, med_only_within_the_same_neighbor_as)
{
	/* X and Y from AS 65001 (MED 10, 20), Z from AS 65002 (MED 5). */
	struct bgp_attrs x = attrs(0, 65001, 1, 0), y = attrs(1, 65001, 1, 0),
			 z = attrs(2, 65002, 1, 0);

	x.present |= BGP_ATTR_BIT(BGP_ATTR_MED);
	y.present |= BGP_ATTR_BIT(BGP_ATTR_MED);
	z.present |= BGP_ATTR_BIT(BGP_ATTR_MED);
	x.med = 20;
	y.med = 10;
	z.med = 5;
	/* Peer ids: peer[0] 100 (X), peer[1] 99 (Y), peer[3] 97 (Z). */
	add(self->rib, self->peer[0], &self->p, &x);
	add(self->rib, self->peer[3], &self->p, &z);
	/* Different ASes: MED ignored, lowest BGP id (Z's peer) wins. */
	EXPECT_EQ(self->peer[3], best_peer(self->rib, &self->p));
	add(self->rib, self->peer[1], &self->p, &y);
	/* Y eliminates X on MED; Y (id 99) vs Z (id 97): Z. */
	EXPECT_EQ(self->peer[3], best_peer(self->rib, &self->p));
	EXPECT_EQ(1, rib_withdraw(self->rib, (uint16_t)self->peer[3], &self->p));
	EXPECT_EQ(self->peer[1], best_peer(self->rib, &self->p));
}

TEST_F(rib, ebgp_over_ibgp_then_router_id)
{
	struct bgp_attrs a = attrs(0, 65001, 1, 0);

	rib_peer(self->rib, (uint16_t)self->peer[3])->ebgp = false;
	add(self->rib, self->peer[3], &self->p, &a);
	add(self->rib, self->peer[0], &self->p, &a);
	EXPECT_EQ(self->peer[0], best_peer(self->rib, &self->p));	/* eBGP */
	add(self->rib, self->peer[2], &self->p, &a);
	EXPECT_EQ(self->peer[2], best_peer(self->rib, &self->p));	/* id 98 < 100 */
}

TEST_F(rib, interning_and_refcounts)
{
	struct bgp_attrs a = attrs(0, 65001, 2, 0), b = attrs(1, 65001, 2, 0);
	struct rib_attrs *ra = rib_attrs_get(self->rib, &a, AF_INET, nh);
	struct rib_attrs *rb = rib_attrs_get(self->rib, &b, AF_INET, nh);
	struct rib_stats st;

	EXPECT_EQ(ra, rb);	/* equal content, one copy */
	EXPECT_EQ(2, ra->refcnt);
	rib_attrs_put(self->rib, rb);
	rib_update(self->rib, (uint16_t)self->peer[0], &self->p, ra);
	rib_attrs_put(self->rib, ra);
	rib_stats(self->rib, &st);
	EXPECT_EQ(1, st.attr_sets);
	rib_withdraw(self->rib, (uint16_t)self->peer[0], &self->p);
	rib_stats(self->rib, &st);
	EXPECT_EQ(0, st.attr_sets);
	EXPECT_EQ(0, st.prefixes);
}

TEST_F(rib, stale_paths_and_flush)
{
	struct bgp_attrs a = attrs(0, 65001, 1, 0);
	struct prefix q;

	prefix_parse("198.51.100.0/24", &q);
	add(self->rib, self->peer[0], &self->p, &a);
	add(self->rib, self->peer[0], &q, &a);
	add(self->rib, self->peer[1], &q, &a);
	rib_peer_mark_stale(self->rib, (uint16_t)self->peer[0]);
	add(self->rib, self->peer[0], &q, &a);		/* refreshed: no longer stale */
	rib_peer_flush(self->rib, (uint16_t)self->peer[0], true);
	EXPECT_EQ(NULL, rib_lookup(self->rib, &self->p));
	EXPECT_EQ(1, rib_peer(self->rib, (uint16_t)self->peer[0])->routes);
	rib_peer_flush(self->rib, (uint16_t)self->peer[0], false);
	EXPECT_EQ(0, rib_peer(self->rib, (uint16_t)self->peer[0])->routes);
	EXPECT_EQ(self->peer[1], best_peer(self->rib, &q));
}

static int changes, best_changes;
static void count(void *ctx, const struct rib_entry *e, uint16_t peer,
		  const struct rib_attrs *a, bool best_changed)
{
	changes++;
	best_changes += best_changed;
}

TEST_F(rib, listener_sees_every_change)
{
	struct bgp_attrs a = attrs(0, 65001, 1, 0), b = attrs(1, 65001, 3, 0);

	rib_set_listener(self->rib, count, NULL);
	add(self->rib, self->peer[0], &self->p, &a);
	add(self->rib, self->peer[1], &self->p, &b);	/* worse: best unchanged */
	rib_withdraw(self->rib, (uint16_t)self->peer[0], &self->p);
	EXPECT_EQ(3, changes);
	EXPECT_EQ(2, best_changes);
}

TEST_F(rib, a_route_costs_less_than_150_bytes)
{
	struct bgp_attrs a = attrs(0, 65001, 2, 0);
	struct rib_attrs *ra = rib_attrs_get(self->rib, &a, AF_INET, nh);
	const int n = 200000;
	struct rib_stats st;
	struct prefix p = { .family = AF_INET, .len = 24 };
	int i;

	for (i = 0; i < n; i++) {
		p.addr.bytes[0] = (uint8_t)(1 + (i >> 16));
		p.addr.bytes[1] = (uint8_t)(i >> 8);
		p.addr.bytes[2] = (uint8_t)i;
		ASSERT_EQ(1, rib_update(self->rib, (uint16_t)self->peer[0], &p, ra));
	}
	rib_attrs_put(self->rib, ra);
	rib_stats(self->rib, &st);
	EXPECT_EQ((size_t)n, st.prefixes);
	TH_LOG("%zu bytes for %d routes: %zu per route", st.bytes, n, st.bytes / n);
	EXPECT_LT(st.bytes / n, 150);
	rib_peer_flush(self->rib, (uint16_t)self->peer[0], false);
	rib_stats(self->rib, &st);
	EXPECT_EQ(0, st.prefixes);
}

static int address_order(const void *a, const void *b)
{
	uintptr_t x = *(const uintptr_t *)a, y = *(const uintptr_t *)b;

	return (x > y) - (x < y);
}

/*
 * A session going down and coming back with the same table takes its
 * entries and paths from the nodes the flush left (node_pool.h), not from
 * new memory: every one is at an address the first table used.
 */
TEST_F(rib, a_table_flushed_and_learned_again_reuses_its_nodes)
{
	struct bgp_attrs a = attrs(0, 65001, 2, 0);
	struct rib_attrs *ra = rib_attrs_get(self->rib, &a, AF_INET, nh);
	struct prefix p = { .family = AF_INET, .len = 24 };
	const size_t n = 20000;
	uintptr_t *used = calloc(2 * n, sizeof(*used));
	struct rib_stats first, again;

	ASSERT_NE(NULL, used);
	for (int round = 0; round < 2; round++) {
		for (size_t i = 0; i < n; i++) {
			const struct rib_entry *e;
			uintptr_t key[2];

			p.addr.bytes[1] = (uint8_t)(i >> 8);
			p.addr.bytes[2] = (uint8_t)i;
			ASSERT_EQ(1, rib_update(self->rib, (uint16_t)self->peer[0], &p, ra));
			e = rib_lookup(self->rib, &p);
			key[0] = (uintptr_t)e;
			key[1] = (uintptr_t)e->paths;
			if (!round) {
				used[2 * i] = key[0];
				used[2 * i + 1] = key[1];
				continue;
			}
			ASSERT_NE(NULL, bsearch(&key[0], used, 2 * n, sizeof(*used), address_order));
			ASSERT_NE(NULL, bsearch(&key[1], used, 2 * n, sizeof(*used), address_order));
		}
		if (!round)
			qsort(used, 2 * n, sizeof(*used), address_order);
		rib_stats(self->rib, round ? &again : &first);
		rib_peer_flush(self->rib, (uint16_t)self->peer[0], false);
	}
	rib_attrs_put(self->rib, ra);
	EXPECT_EQ(n, again.prefixes);
	EXPECT_EQ(first.bytes, again.bytes);
	free(used);
}

TEST_HARNESS_MAIN
