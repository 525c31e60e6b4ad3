// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/nexthop.h>
#include <linux/rtnetlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "install.h"

static bool owned_id(const struct fib *fib, uint32_t id)
{
	return id >= fib->id_base && id - fib->id_base < FIB_ID_SPAN;
}

static int queue(struct fib *fib, struct nl_msg *msg)
{
	struct nl_msg **grown;
	size_t capacity;

	if (fib->queued == fib->capacity) {
		capacity = fib->capacity ? 2 * fib->capacity : 64;
		grown = realloc(fib->queue, capacity * sizeof(*grown));
		if (!grown) {
			nlmsg_free(msg);
			return -ENOMEM;
		}
		fib->queue = grown;
		fib->capacity = capacity;
	}
	fib->queue[fib->queued++] = msg;
	return 0;
}

/* A request with its fixed header; NULL when out of memory. */
static struct nl_msg *request(int type, int flags, const void *hdr, size_t hdrlen)
{
	struct nl_msg *msg = nlmsg_alloc_simple(type, flags | NLM_F_REQUEST);

	if (msg && nlmsg_append(msg, (void *)hdr, hdrlen, NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static struct nl_msg *nexthop_request(int type, int flags, uint8_t family, uint32_t id)
{
	/* The kernel refuses a protocol in the header of a delete. */
	struct nhmsg nhm = {
		.nh_family = family,
		.nh_protocol = type == RTM_NEWNEXTHOP ? RTPROT_BGP : 0,
	};
	struct nl_msg *msg = request(type, flags | NLM_F_ACK, &nhm, sizeof(nhm));

	if (msg && nla_put_u32(msg, NHA_ID, id) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static size_t addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

int fib_nexthop_replace(struct fib *fib, uint32_t id, const struct ip_addr *gateway,
			uint32_t ifindex)
{
	struct nl_msg *msg;

	if (!owned_id(fib, id) || (gateway->family != AF_INET && gateway->family != AF_INET6))
		return -EINVAL;
	msg = nexthop_request(RTM_NEWNEXTHOP, NLM_F_CREATE | NLM_F_REPLACE, gateway->family, id);
	if (!msg)
		return -ENOMEM;
	if (nla_put(msg, NHA_GATEWAY, addr_len(gateway->family), gateway->bytes) < 0 ||
	    nla_put_u32(msg, NHA_OIF, ifindex) < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return queue(fib, msg);
}

int fib_group_replace(struct fib *fib, uint32_t id, const uint32_t *members, size_t n)
{
	struct nexthop_grp *grp;
	struct nl_msg *msg;
	size_t i;
	int err;

	if (!owned_id(fib, id) || !n)
		return -EINVAL;
	grp = calloc(n, sizeof(*grp));
	if (!grp)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		grp[i].id = members[i];
	msg = nexthop_request(RTM_NEWNEXTHOP, NLM_F_CREATE | NLM_F_REPLACE, AF_UNSPEC, id);
	err = msg ? nla_put(msg, NHA_GROUP, n * sizeof(*grp), grp) : -ENOMEM;
	free(grp);
	if (err < 0) {
		nlmsg_free(msg);
		return -ENOMEM;
	}
	return queue(fib, msg);
}

int fib_nexthop_delete(struct fib *fib, uint32_t id)
{
	struct nl_msg *msg;

	if (!owned_id(fib, id))
		return -EINVAL;
	msg = nexthop_request(RTM_DELNEXTHOP, 0, AF_UNSPEC, id);
	return msg ? queue(fib, msg) : -ENOMEM;
}

static struct nl_msg *route_request(struct fib *fib, int type, int flags, const struct prefix *dst)
{
	struct rtmsg rtm = {
		.rtm_family = dst->family,
		.rtm_dst_len = dst->len,
		.rtm_table = fib->table < 256 ? fib->table : RT_TABLE_UNSPEC,
		.rtm_protocol = RTPROT_BGP,
		.rtm_scope = RT_SCOPE_UNIVERSE,
		.rtm_type = RTN_UNICAST,
	};
	struct nl_msg *msg = request(type, flags | NLM_F_ACK, &rtm, sizeof(rtm));

	if (msg && (nla_put_u32(msg, RTA_TABLE, fib->table) < 0 ||
		    nla_put(msg, RTA_DST, addr_len(dst->family), dst->addr.bytes) < 0)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

int fib_route_replace(struct fib *fib, const struct prefix *dst, uint32_t nexthop_id)
{
	struct nl_msg *msg;

	if (!owned_id(fib, nexthop_id))
		return -EINVAL;
	msg = route_request(fib, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE, dst);
	if (msg && nla_put_u32(msg, RTA_NH_ID, nexthop_id) < 0) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg ? queue(fib, msg) : -ENOMEM;
}

int fib_route_delete(struct fib *fib, const struct prefix *dst)
{
	struct nl_msg *msg = route_request(fib, RTM_DELROUTE, 0, dst);

	return msg ? queue(fib, msg) : -ENOMEM;
}

void fib_discard(struct fib *fib)
{
	size_t i;

	for (i = 0; i < fib->queued; i++)
		nlmsg_free(fib->queue[i]);
	fib->queued = 0;
}

int fib_commit(struct fib *fib)
{
	int err;

	fib->committed = fib->queued;
	if (!fib->queued)
		return 0;
	fib->req.on_reply = NULL;
	err = nlreq_run(fib->sock, fib->queue, fib->queued, &fib->req);
	fib_discard(fib);
	return err;
}

int fib_open(struct fib *fib, uint32_t table, uint32_t id_base)
{
	int err;

	memset(fib, 0, sizeof(*fib));
	if (!table || table == RT_TABLE_UNSPEC || id_base == 0 ||
	    id_base > UINT32_MAX - FIB_ID_SPAN) {
		snprintf(fib->req.reason, sizeof(fib->req.reason),
			 "table must be 1..2^32-1 and the nexthop id range inside 1..2^32-1");
		return -EINVAL;
	}
	fib->table = table;
	fib->id_base = id_base;
	fib->sock = nl_socket_alloc();
	if (!fib->sock)
		return -ENOMEM;
	err = nl_connect(fib->sock, NETLINK_ROUTE);
	if (err < 0) {
		snprintf(fib->req.reason, sizeof(fib->req.reason), "rtnetlink: %s",
			 nl_geterror(err));
		nl_socket_free(fib->sock);
		fib->sock = NULL;
		return -EIO;
	}
	nlreq_socket_setup(fib->sock);
	/* A full table dump comes in large parts; don't make it crawl. */
	nl_socket_set_buffer_size(fib->sock, 4 << 20, 4 << 20);
	nl_socket_set_msg_buf_size(fib->sock, 64 << 10);
	return 0;
}

void fib_close(struct fib *fib)
{
	fib_discard(fib);
	free(fib->queue);
	nl_socket_free(fib->sock);
	memset(fib, 0, sizeof(*fib));
}

/* Growing arrays filled by the dump callbacks. */
struct collected {
	struct fib *fib;
	void *items;
	size_t count, capacity, size;
	bool nomem;
};

static void *collect_slot(struct collected *c)
{
	void *grown;
	size_t capacity;

	if (c->count == c->capacity) {
		capacity = c->capacity ? 2 * c->capacity : 256;
		grown = realloc(c->items, capacity * c->size);
		if (!grown) {
			c->nomem = true;
			return NULL;
		}
		c->items = grown;
		c->capacity = capacity;
	}
	return (char *)c->items + c->size * c->count++;
}

static int on_route(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct collected *c = arg;
	struct nlattr *tb[RTA_MAX + 1];
	struct fib_route *route;
	struct rtmsg *rtm;
	uint32_t table;

	if (nlh->nlmsg_type != RTM_NEWROUTE || nlmsg_parse(nlh, sizeof(*rtm), tb, RTA_MAX, NULL) < 0)
		return NL_OK;
	rtm = nlmsg_data(nlh);
	table = tb[RTA_TABLE] ? nla_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
	if (rtm->rtm_protocol != RTPROT_BGP || table != c->fib->table ||
	    (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6))
		return NL_OK;
	if (rtm->rtm_dst_len && (!tb[RTA_DST] || nla_len(tb[RTA_DST]) != (int)addr_len(rtm->rtm_family)))
		return NL_OK;
	route = collect_slot(c);
	if (!route)
		return NL_STOP;
	memset(route, 0, sizeof(*route));
	route->dst.family = rtm->rtm_family;
	route->dst.len = rtm->rtm_dst_len;
	if (tb[RTA_DST])
		memcpy(route->dst.addr.bytes, nla_data(tb[RTA_DST]), addr_len(rtm->rtm_family));
	route->nexthop_id = tb[RTA_NH_ID] ? nla_get_u32(tb[RTA_NH_ID]) : 0;
	return NL_OK;
}

static int on_nexthop(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct collected *c = arg;
	struct nlattr *tb[NHA_MAX + 1];
	struct fib_nexthop *nh;
	struct nhmsg *nhm;
	uint32_t id;

	if (nlh->nlmsg_type != RTM_NEWNEXTHOP || nlmsg_parse(nlh, sizeof(*nhm), tb, NHA_MAX, NULL) < 0 ||
	    !tb[NHA_ID])
		return NL_OK;
	nhm = nlmsg_data(nlh);
	id = nla_get_u32(tb[NHA_ID]);
	if (nhm->nh_protocol != RTPROT_BGP || !owned_id(c->fib, id))
		return NL_OK;
	nh = collect_slot(c);
	if (!nh)
		return NL_STOP;
	nh->id = id;
	nh->group = tb[NHA_GROUP] != NULL;
	return NL_OK;
}

/* Runs one dump and collects what the callback keeps. */
static int dump(struct fib *fib, struct nl_msg **msg,
		int (*on_reply)(struct nl_msg *, void *), struct collected *c)
{
	int err;

	fib->req.on_reply = on_reply;
	fib->req.arg = c;
	err = nlreq_run(fib->sock, msg, 1, &fib->req);
	fib->req.on_reply = NULL;
	nlmsg_free(*msg);
	if (!err && c->nomem)
		err = -ENOMEM;
	if (!err && fib->req.interrupted) {
		snprintf(fib->req.reason, sizeof(fib->req.reason),
			 "the kernel's tables changed during the dump");
		err = -EAGAIN;
	}
	if (err)
		free(c->items);
	return err;
}

int fib_routes(struct fib *fib, struct fib_route **routes, size_t *count)
{
	struct collected c = { .fib = fib, .size = sizeof(**routes) };
	/* One dump for every family: a socket runs one dump at a time. */
	struct rtmsg rtm = { .rtm_family = AF_UNSPEC };
	struct nl_msg *msg = request(RTM_GETROUTE, NLM_F_DUMP, &rtm, sizeof(rtm));
	int err;

	if (!msg)
		return -ENOMEM;
	err = dump(fib, &msg, on_route, &c);
	if (err)
		return err;
	*routes = c.items;
	*count = c.count;
	return 0;
}

int fib_nexthops(struct fib *fib, struct fib_nexthop **nexthops, size_t *count)
{
	struct collected c = { .fib = fib, .size = sizeof(**nexthops) };
	struct nhmsg nhm = { .nh_family = AF_UNSPEC };
	struct nl_msg *msg = request(RTM_GETNEXTHOP, NLM_F_DUMP, &nhm, sizeof(nhm));
	int err;

	if (!msg)
		return -ENOMEM;
	err = dump(fib, &msg, on_nexthop, &c);
	if (err)
		return err;
	*nexthops = c.items;
	*count = c.count;
	return 0;
}

int fib_reconcile(struct fib *fib, bool (*keep_route)(const struct fib_route *route, void *arg),
		  bool (*keep_nexthop)(uint32_t id, void *arg), void *arg)
{
	struct fib_nexthop *nexthops;
	struct fib_route *routes;
	size_t i, count, deleted = 0;
	int err, pass;

	err = fib_routes(fib, &routes, &count);
	if (err)
		return err;
	for (i = 0; i < count && !err; i++)
		if (!keep_route(&routes[i], arg)) {
			err = fib_route_delete(fib, &routes[i].dst);
			deleted++;
		}
	free(routes);
	if (err || (err = fib_commit(fib)))
		goto fail;

	err = fib_nexthops(fib, &nexthops, &count);
	if (err)
		return err;
	/* Groups first: deleting a group's last member deletes the group. */
	for (pass = 0; pass < 2 && !err; pass++) {
		for (i = 0; i < count && !err; i++)
			if (nexthops[i].group == !pass && !keep_nexthop(nexthops[i].id, arg)) {
				err = fib_nexthop_delete(fib, nexthops[i].id);
				deleted++;
			}
		if (!err)
			err = fib_commit(fib);
	}
	free(nexthops);
	if (err)
		goto fail;
	return (int)deleted;
fail:
	fib_discard(fib);
	return err;
}
