// SPDX-License-Identifier: GPL-2.0
/*
 * agent/install.c against the real kernel FIB, each test in a network
 * namespace of its own with a veth pair (192.0.2.1/24, 2001:db8::1/64).
 * What the kernel holds is checked with iproute2, not with our own dump.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <arpa/inet.h>

#include "kselftest_harness.h"
#include "install.h"
#include "fib_netns.h"

#define TABLE 100
#define BASE 0x10000	/* so that BASE + 100 is 65636 in iproute2's output */

static struct prefix pfx(const char *s)
{
	struct prefix p;

	if (prefix_parse(s, &p))
		abort();
	return p;
}

static struct ip_addr addr(const char *s)
{
	struct ip_addr a;

	if (ip_addr_parse(s, &a))
		abort();
	return a;
}

FIXTURE(fib) {
	struct fib fib;
	uint32_t ifindex;
};

FIXTURE_SETUP(fib)
{
	int ifindex = fib_netns_enter();

	if (ifindex < 0)
		SKIP(return, "unshare(CLONE_NEWNET): %s (needs root)", strerror(-ifindex));
	ASSERT_NE(0, ifindex);
	self->ifindex = (uint32_t)ifindex;
	ASSERT_EQ(0, fib_open(&self->fib, TABLE, BASE));
}

FIXTURE_TEARDOWN(fib)
{
	if (self->fib.sock)
		fib_close(&self->fib);
}

/* Two connections of one peering, a group over them, n routes to it. */
static void install_peering(struct __test_metadata *_metadata, FIXTURE_DATA(fib) *self, int n)
{
	struct ip_addr gw1 = addr("192.0.2.2"), gw2 = addr("192.0.2.3");
	uint32_t members[] = { BASE + 1, BASE + 2 };
	struct prefix p = pfx("198.18.0.0/24");
	int i;

	ASSERT_EQ(0, fib_nexthop_replace(&self->fib, BASE + 1, &gw1, self->ifindex));
	ASSERT_EQ(0, fib_nexthop_replace(&self->fib, BASE + 2, &gw2, self->ifindex));
	ASSERT_EQ(0, fib_group_replace(&self->fib, BASE + 100, members, 2));
	for (i = 0; i < n; i++) {
		p.addr.bytes[1] = 18 + i / 256;
		p.addr.bytes[2] = i % 256;
		ASSERT_EQ(0, fib_route_replace(&self->fib, &p, BASE + 100));
	}
	ASSERT_EQ(0, fib_commit(&self->fib)) TH_LOG("%s%s", self->fib.req.extack, self->fib.req.reason);
}

TEST_F(fib, routes_point_at_the_peering_group)
{
	struct fib_route *routes;
	size_t count;

	install_peering(_metadata, self, 3);
	EXPECT_EQ(3, count_lines("ip route show table 100 proto bgp", "nhid 65636"));
	EXPECT_EQ(1, count_lines("ip nexthop show id 65636", "group 65537/65538"));
	ASSERT_EQ(0, fib_routes(&self->fib, &routes, &count));
	EXPECT_EQ(3, count);
	EXPECT_EQ(BASE + 100, routes[0].nexthop_id);
	free(routes);
}

TEST_F(fib, a_connection_down_is_one_update_for_every_route)
{
	uint32_t remaining[] = { BASE + 2 };

	install_peering(_metadata, self, 2000);
	ASSERT_EQ(0, fib_group_replace(&self->fib, BASE + 100, remaining, 1));
	ASSERT_EQ(1, self->fib.queued);
	ASSERT_EQ(0, fib_commit(&self->fib));
	EXPECT_EQ(2000, count_lines("ip route show table 100 proto bgp", "nhid 65636"));
	EXPECT_EQ(1, count_lines("ip route show table 100 198.18.3.0/24", "via 192.0.2.3"));
	EXPECT_EQ(0, count_lines("ip route show table 100", "via 192.0.2.2"));
	/* The last connection going: its nexthop deleted, every route goes. */
	ASSERT_EQ(0, fib_nexthop_delete(&self->fib, BASE + 2));
	ASSERT_EQ(0, fib_commit(&self->fib));
	EXPECT_EQ(0, count_lines("ip route show table 100", ""));
}

TEST_F(fib, ipv6_routes)
{
	struct ip_addr gw = addr("2001:db8::2");
	struct prefix p = pfx("2001:db8:100::/48");

	ASSERT_EQ(0, fib_nexthop_replace(&self->fib, BASE + 7, &gw, self->ifindex));
	ASSERT_EQ(0, fib_route_replace(&self->fib, &p, BASE + 7));
	ASSERT_EQ(0, fib_commit(&self->fib)) TH_LOG("%s%s", self->fib.req.extack, self->fib.req.reason);
	EXPECT_EQ(1, count_lines("ip -6 route show table 100 proto bgp", "2001:db8:100::/48 nhid 65543"));
	ASSERT_EQ(0, fib_route_delete(&self->fib, &p));
	ASSERT_EQ(0, fib_commit(&self->fib));
	EXPECT_EQ(0, count_lines("ip -6 route show table 100", ""));
}

TEST_F(fib, a_refused_change_reports_which_and_why)
{
	struct prefix p = pfx("198.18.9.0/24"), q = pfx("198.18.10.0/24");

	install_peering(_metadata, self, 1);
	ASSERT_EQ(0, fib_route_replace(&self->fib, &p, BASE + 100));
	ASSERT_EQ(0, fib_route_replace(&self->fib, &q, BASE + 55));	/* no such nexthop */
	EXPECT_GT(0, fib_commit(&self->fib));
	EXPECT_EQ(1, self->fib.req.failed_index);
	EXPECT_STREQ("Nexthop id does not exist", self->fib.req.extack);
	EXPECT_EQ(0, self->fib.queued);
	EXPECT_EQ(0, count_lines("ip route show table 100", "198.18.10.0"));
}

TEST_F(fib, ids_outside_the_agents_range_are_refused_before_the_kernel)
{
	struct ip_addr gw = addr("192.0.2.2");
	struct prefix p = pfx("198.18.0.0/24");

	EXPECT_EQ(-EINVAL, fib_nexthop_replace(&self->fib, 5, &gw, self->ifindex));
	EXPECT_EQ(-EINVAL, fib_route_replace(&self->fib, &p, BASE + FIB_ID_SPAN));
	EXPECT_EQ(-EINVAL, fib_group_replace(&self->fib, BASE + 1, NULL, 0));
	EXPECT_EQ(0, self->fib.queued);
}

static bool keep_even(const struct fib_route *route, void *arg)
{
	(void)arg;
	return route->dst.addr.bytes[2] % 2 == 0;
}

static bool keep_connection_2(uint32_t id, void *arg)
{
	(void)arg;
	return id == BASE + 2 || id == BASE + 100;
}

TEST_F(fib, reconcile_removes_only_its_own_stale_objects)
{
	install_peering(_metadata, self, 10);
	/* What others own, in our table and elsewhere. */
	ASSERT_EQ(0, sh("ip route add 203.0.113.0/24 via 192.0.2.9 table 100 proto static && "
			"ip route add 203.0.114.0/24 via 192.0.2.9 proto bgp && "
			"ip nexthop add id 9 via 192.0.2.9 dev v0"));
	/* 5 odd routes, then nexthop BASE+1 (the group survives with BASE+2). */
	EXPECT_EQ(6, fib_reconcile(&self->fib, keep_even, keep_connection_2, NULL))
		TH_LOG("%s%s", self->fib.req.extack, self->fib.req.reason);
	EXPECT_EQ(5, count_lines("ip route show table 100 proto bgp", "nhid"));
	EXPECT_EQ(1, count_lines("ip route show table 100", "203.0.113.0/24"));
	EXPECT_EQ(1, count_lines("ip route show", "203.0.114.0/24"));
	EXPECT_EQ(1, count_lines("ip nexthop show", "id 9 "));
	EXPECT_EQ(0, count_lines("ip nexthop show", "id 65537 "));
	EXPECT_EQ(1, count_lines("ip nexthop show", "id 65538 "));
}

TEST_F(fib, bulk_install_of_20000_routes)
{
	struct fib_route *routes;
	size_t count;

	install_peering(_metadata, self, 20000);
	ASSERT_EQ(0, fib_routes(&self->fib, &routes, &count));
	EXPECT_EQ(20000, count);
	free(routes);
	EXPECT_EQ(20000, count_lines("ip route show table 100 proto bgp", "nhid 65636"));
}

TEST_HARNESS_MAIN
