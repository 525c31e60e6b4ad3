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
 *	with a dump that ROUTES routes point at GROUP and prints
 *	"moved_ns=T routes=N".
 *   converge_watch removed TABLE GROUP TIMEOUT_MS
 *	prints "ready T" and waits for the deletion of GROUP; the kernel
 *	removes the routes using it in the same request (under RTNL, which a
 *	route dump of this kernel takes too), so the end is the completion
 *	of the first dump after it that finds no route left in TABLE:
 *	"removed_ns=T deleted_ns=D routes=0", D the deletion's notification.
 * Exit 0 when the FIB showed what was expected, 1 otherwise (timeout, or a
 * route left behind), 2 on usage.
 */
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

/* Dumps both families' routes: those of protocol bgp in table, and via group. */
static void count_routes(unsigned int table, unsigned int group, size_t *routes, size_t *via)
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

	*routes = *via = 0;
	if (send(fd, &req, sizeof(req), 0) < 0)
		bench_die(PROG, "route dump");
	while (!done) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		struct nlmsghdr *nlh = (struct nlmsghdr *)buf;

		if (n < 0)
			bench_die(PROG, "route dump");
		for (; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			struct rtmsg *rtm = NLMSG_DATA(nlh);
			unsigned int t;

			if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR) {
				done = true;
				break;
			}
			if (nlh->nlmsg_type != RTM_NEWROUTE || rtm->rtm_protocol != RTPROT_BGP)
				continue;
			t = attr_u32(nlh, sizeof(*rtm), RTA_TABLE);
			if ((t ? t : rtm->rtm_table) != table)
				continue;
			(*routes)++;
			*via += attr_u32(nlh, sizeof(*rtm), RTA_NH_ID) == group;
		}
	}
	close(fd);
}

/* Waits for a notification of group: a replace by one nexthop, or its deletion. */
static int64_t wait_group(int fd, unsigned int group, bool deleted, int timeout_ms)
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
			if (errno == ENOBUFS)	/* a burst overran us: what we look for may be lost */
				fprintf(stderr, PROG ": notifications lost (ENOBUFS)\n");
			continue;
		}
		for (; NLMSG_OK(nlh, n); nlh = NLMSG_NEXT(nlh, n)) {
			struct rtattr *members;

			if (attr_u32(nlh, sizeof(struct nhmsg), NHA_ID) != group)
				continue;
			if (deleted && nlh->nlmsg_type == RTM_DELNEXTHOP)
				return t;
			members = attr(nlh, sizeof(struct nhmsg), NHA_GROUP);
			if (!deleted && nlh->nlmsg_type == RTM_NEWNEXTHOP && members &&
			    RTA_PAYLOAD(members) == sizeof(struct nexthop_grp))
				return t;
		}
	}
}

static int usage(void)
{
	fprintf(stderr, "usage: " PROG " count TABLE GROUP\n"
		"       " PROG " moved TABLE GROUP ROUTES TIMEOUT_MS\n"
		"       " PROG " removed TABLE GROUP TIMEOUT_MS\n");
	return 2;
}

int main(int argc, char **argv)
{
	unsigned int table, group;
	size_t routes, via;
	int64_t t, deleted;
	int fd;

	if (argc < 4)
		return usage();
	table = (unsigned int)strtoul(argv[2], NULL, 0);
	group = (unsigned int)strtoul(argv[3], NULL, 0);
	if (!strcmp(argv[1], "count") && argc == 4) {
		count_routes(table, group, &routes, &via);
		printf("routes=%zu via_group=%zu\n", routes, via);
		return 0;
	}
	if (!strcmp(argv[1], "moved") && argc == 6) {
		size_t want = strtoul(argv[4], NULL, 0);

		fd = nl_open(RTNLGRP_NEXTHOP);
		printf("ready %lld\n", (long long)clock_ns(CLOCK_MONOTONIC));
		fflush(stdout);
		t = wait_group(fd, group, false, atoi(argv[5]));
		if (t < 0) {
			printf("timeout\n");
			return 1;
		}
		count_routes(table, group, &routes, &via);
		printf("moved_ns=%lld routes=%zu via_group=%zu\n", (long long)t, routes, via);
		return routes == want && via == want ? 0 : 1;
	}
	if (!strcmp(argv[1], "removed") && argc == 5) {
		fd = nl_open(RTNLGRP_NEXTHOP);
		printf("ready %lld\n", (long long)clock_ns(CLOCK_MONOTONIC));
		fflush(stdout);
		deleted = wait_group(fd, group, true, atoi(argv[4]));
		if (deleted < 0) {
			printf("timeout\n");
			return 1;
		}
		for (int tries = 0; tries < 1000; tries++) {
			count_routes(table, group, &routes, &via);
			t = clock_ns(CLOCK_MONOTONIC);
			if (!routes)
				break;
		}
		printf("removed_ns=%lld deleted_ns=%lld routes=%zu\n", (long long)t,
		       (long long)deleted, routes);
		return routes ? 1 : 0;
	}
	return usage();
}
