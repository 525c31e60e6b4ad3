// SPDX-License-Identifier: GPL-2.0
/*
 * converge_watch: what the kernel FIB shows of a peering's routes, timed
 * with CLOCK_MONOTONIC (the clock of kbfd's event stamps), for
 * converge_bench.sh. Run inside the edge's namespace.
 *
 *   converge_watch count TABLE GROUP
 *	prints the routes of protocol bgp in TABLE, and how many of them
 *	point at nexthop GROUP (RTA_NH_ID): "routes=N via_group=M"
 *   converge_watch moved TABLE GROUP ROUTES TIMEOUT_MS
 *	prints "ready T" and waits for the kernel's notification that GROUP
 *	was replaced by a group of one nexthop: every route using it moved
 *	at that instant (the kernel swaps the group under them). Then checks
 *	with a dump that ROUTES routes point at GROUP (ROUTES 0: every route
 *	there does, however many are installed yet) and prints
 *	"moved_ns=T routes=N".
 *   converge_watch removed TABLE GROUP TIMEOUT_MS
 *	prints "ready T" and waits for the deletion of GROUP; the kernel
 *	removes the routes using it in the same request (under RTNL, which a
 *	route dump of this kernel takes too), so the end is the completion
 *	of the first dump after it that finds no route left in TABLE:
 *	"removed_ns=T deleted_ns=D routes=0", D the deletion's notification.
 * For an edge that installs each route by itself, without nexthop objects
 * (BIRD's kernel protocol, routes of any protocol in TABLE):
 *   converge_watch paths TABLE
 *	prints "routes=N single=S multi=M": routes with one and with several
 *	nexthops.
 *   converge_watch moved-per-route TABLE ROUTES GATEWAY TIMEOUT_MS
 *	prints "ready T", counts the kernel's notifications of a route in
 *	TABLE with GATEWAY as its one nexthop until ROUTES came, then checks
 *	with a dump that every route is so: "moved_ns=T routes=N single=S",
 *	T the last notification.
 *   converge_watch removed-per-route TABLE ROUTES TIMEOUT_MS
 *	the same for ROUTES deletions, then a dump must find TABLE empty:
 *	"removed_ns=T routes=N".
 * Exit 0 when the FIB showed what was expected, 1 otherwise (timeout, or a
 * route left behind), 2 on usage.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_util.h"

#define PROG "converge_watch"
#define BUF_SIZE (1 << 20)

static char buf[BUF_SIZE];

static int nl_open(unsigned int group)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	int size = 8 << 20;

	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		bench_die(PROG, "rtnetlink socket");
	/* A route notification per prefix: 100,000 of them must not overrun us. */
	if (group == RTNLGRP_IPV4_ROUTE)
		size = 512 << 20;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (group && setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof(group)))
		bench_die(PROG, "joining the nexthop group");
	return fd;
}

/* Attribute type of rta in a message of header size hdr; NULL when absent. */
static struct rtattr *attr(struct nlmsghdr *nlh, size_t hdr, unsigned short type)
{
	int len = (int)nlh->nlmsg_len - (int)NLMSG_LENGTH(hdr);
	struct rtattr *rta = (struct rtattr *)((char *)NLMSG_DATA(nlh) + NLMSG_ALIGN(hdr));

	for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len))
		if (rta->rta_type == type)
			return rta;
	return NULL;
}

static unsigned int attr_u32(struct nlmsghdr *nlh, size_t hdr, unsigned short type)
{
	struct rtattr *rta = attr(nlh, hdr, type);

	return rta && RTA_PAYLOAD(rta) >= 4 ? *(unsigned int *)RTA_DATA(rta) : 0;
}

/* The table of a route message (RTA_TABLE when the header's field is too small). */
static unsigned int route_table(struct nlmsghdr *nlh)
{
	unsigned int t = attr_u32(nlh, sizeof(struct rtmsg), RTA_TABLE);

	return t ? t : ((struct rtmsg *)NLMSG_DATA(nlh))->rtm_table;
}

/* True when the route has one nexthop and it is gateway gw (IPv4). */
static bool single_via(struct nlmsghdr *nlh, const struct in_addr *gw)
{
	struct rtattr *rta = attr(nlh, sizeof(struct rtmsg), RTA_GATEWAY);

	return !attr(nlh, sizeof(struct rtmsg), RTA_MULTIPATH) && rta &&
	       RTA_PAYLOAD(rta) == sizeof(*gw) && !memcmp(RTA_DATA(rta), gw, sizeof(*gw));
}

struct route_count {
	size_t routes;		/* in the table (of protocol bgp, for a group) */
	size_t via_group;	/* using the nexthop group (RTA_NH_ID) */
	size_t single;		/* with one nexthop */
	size_t multi;		/* with several (RTA_MULTIPATH) */
	size_t single_via_gw;	/* with gw as their one nexthop */
};

/*
 * Dumps both families' routes in table: with group set, those of protocol
 * bgp and how many use the group; otherwise all, by their nexthops.
 */
static void count_routes(unsigned int table, unsigned int group, const struct in_addr *gw,
			 struct route_count *c)
{
	struct {
		struct nlmsghdr nlh;
		struct rtmsg rtm;
	} req = {
		.nlh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETROUTE,
			 .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP, .nlmsg_seq = 1 },
		.rtm = { .rtm_family = AF_UNSPEC },
	};
	int fd = nl_open(0);
	bool done = false;

	memset(c, 0, sizeof(*c));
	if (send(fd, &req, sizeof(req), 0) < 0)
		bench_die(PROG, "route dump");
	while (!done) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

		if (n < 0)
			bench_die(PROG, "route dump");
		for (; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			struct rtmsg *rtm = NLMSG_DATA(nlh);

			if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR) {
				done = true;
				break;
			}
			if (nlh->nlmsg_type != RTM_NEWROUTE || route_table(nlh) != table ||
			    (group && rtm->rtm_protocol != RTPROT_BGP))
				continue;
			c->routes++;
			c->via_group += group && attr_u32(nlh, sizeof(*rtm), RTA_NH_ID) == group;
			if (attr(nlh, sizeof(*rtm), RTA_MULTIPATH))
				c->multi++;
			else
				c->single++;
			c->single_via_gw += gw && single_via(nlh, gw);
		}
	}
	close(fd);
}

/*
 * Receives notifications until seen() has counted enough, or until the
 * deadline: the time of the last batch read, -1 on timeout or when
 * notifications were lost (a burst overran the socket).
 */
static int64_t wait_for(int fd, int timeout_ms, bool (*seen)(struct nlmsghdr *nlh, void *arg),
			void *arg)
{
	int64_t deadline = clock_ns(CLOCK_MONOTONIC) + timeout_ms * 1000000LL;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	for (;;) {
		int64_t left = (deadline - clock_ns(CLOCK_MONOTONIC)) / 1000000;
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
		int64_t t;
		ssize_t n;

		if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
			return -1;
		n = recv(fd, buf, sizeof(buf), 0);
		t = clock_ns(CLOCK_MONOTONIC);
		if (n < 0) {
			fprintf(stderr, PROG ": %s\n", errno == ENOBUFS ?
				"notifications lost (ENOBUFS)" : strerror(errno));
			return -1;
		}
		for (; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n))
			if (seen(nlh, arg))
				return t;
	}
}

struct group_wait {
	unsigned int group;
	bool deleted;	/* its deletion, or a replace by a group of one */
};

static bool group_seen(struct nlmsghdr *nlh, void *arg)
{
	const struct group_wait *w = arg;
	struct rtattr *members;

	if (attr_u32(nlh, sizeof(struct nhmsg), NHA_ID) != w->group)
		return false;
	if (w->deleted)
		return nlh->nlmsg_type == RTM_DELNEXTHOP;
	members = attr(nlh, sizeof(struct nhmsg), NHA_GROUP);
	return nlh->nlmsg_type == RTM_NEWNEXTHOP && members &&
	       RTA_PAYLOAD(members) == sizeof(struct nexthop_grp);
}

struct per_route_wait {
	unsigned int table;
	size_t want, seen;
	const struct in_addr *gw;	/* moved to it; NULL: deleted */
};

static bool per_route_seen(struct nlmsghdr *nlh, void *arg)
{
	struct per_route_wait *w = arg;

	if (nlh->nlmsg_type != (w->gw ? RTM_NEWROUTE : RTM_DELROUTE) ||
	    route_table(nlh) != w->table || (w->gw && !single_via(nlh, w->gw)))
		return false;
	return ++w->seen == w->want;
}

static int usage(void)
{
	fprintf(stderr, "usage: " PROG " count TABLE GROUP\n"
		"       " PROG " moved TABLE GROUP ROUTES TIMEOUT_MS\n"
		"       " PROG " removed TABLE GROUP TIMEOUT_MS\n"
		"       " PROG " paths TABLE\n"
		"       " PROG " moved-per-route TABLE ROUTES GATEWAY TIMEOUT_MS\n"
		"       " PROG " removed-per-route TABLE ROUTES TIMEOUT_MS\n");
	return 2;
}

static int ready(unsigned int group)
{
	int fd = nl_open(group);

	printf("ready %lld\n", (long long)clock_ns(CLOCK_MONOTONIC));
	fflush(stdout);
	return fd;
}

static int timed_out(void)
{
	printf("timeout\n");
	return 1;
}

int main(int argc, char **argv)
{
	struct group_wait g = { 0 };
	struct route_count c;
	unsigned int table;
	struct in_addr gw;
	int64_t t, deleted;
	int fd;

	if (argc < 3)
		return usage();
	table = (unsigned int)strtoul(argv[2], NULL, 0);
	if (!strcmp(argv[1], "paths") && argc == 3) {
		count_routes(table, 0, NULL, &c);
		printf("routes=%zu single=%zu multi=%zu\n", c.routes, c.single, c.multi);
		return 0;
	}
	if (!strcmp(argv[1], "moved-per-route") && argc == 6) {
		struct per_route_wait w = { table, strtoul(argv[3], NULL, 0), 0, &gw };

		if (inet_pton(AF_INET, argv[4], &gw) != 1)
			return usage();
		fd = ready(RTNLGRP_IPV4_ROUTE);
		t = wait_for(fd, atoi(argv[5]), per_route_seen, &w);
		if (t < 0)
			return timed_out();
		count_routes(table, 0, &gw, &c);
		printf("moved_ns=%lld routes=%zu single=%zu\n", (long long)t, c.routes,
		       c.single_via_gw);
		return c.routes == w.want && c.single_via_gw == w.want ? 0 : 1;
	}
	if (!strcmp(argv[1], "removed-per-route") && argc == 5) {
		struct per_route_wait w = { table, strtoul(argv[3], NULL, 0), 0, NULL };

		fd = ready(RTNLGRP_IPV4_ROUTE);
		t = wait_for(fd, atoi(argv[4]), per_route_seen, &w);
		if (t < 0)
			return timed_out();
		count_routes(table, 0, NULL, &c);
		printf("removed_ns=%lld routes=%zu\n", (long long)t, c.routes);
		return c.routes ? 1 : 0;
	}
	if (argc < 4)
		return usage();
	g.group = (unsigned int)strtoul(argv[3], NULL, 0);

	if (!strcmp(argv[1], "count") && argc == 4) {
		count_routes(table, g.group, NULL, &c);
		printf("routes=%zu via_group=%zu\n", c.routes, c.via_group);
		return 0;
	}
	if (!strcmp(argv[1], "moved") && argc == 6) {
		size_t want = strtoul(argv[4], NULL, 0);

		fd = ready(RTNLGRP_NEXTHOP);
		t = wait_for(fd, atoi(argv[5]), group_seen, &g);
		if (t < 0)
			return timed_out();
		count_routes(table, g.group, NULL, &c);
		printf("moved_ns=%lld routes=%zu via_group=%zu\n", (long long)t, c.routes,
		       c.via_group);
		return c.via_group == c.routes && (!want || c.routes == want) ? 0 : 1;
	}
	if (!strcmp(argv[1], "removed") && argc == 5) {
		g.deleted = true;
		fd = ready(RTNLGRP_NEXTHOP);
		deleted = wait_for(fd, atoi(argv[4]), group_seen, &g);
		if (deleted < 0)
			return timed_out();
		for (int tries = 0; tries < 1000; tries++) {
			count_routes(table, g.group, NULL, &c);
			t = clock_ns(CLOCK_MONOTONIC);
			if (!c.routes)
				break;
		}
		printf("removed_ns=%lld deleted_ns=%lld routes=%zu\n", (long long)t,
		       (long long)deleted, c.routes);
		return c.routes ? 1 : 0;
	}
	return usage();
}
