/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel FIB over rtnetlink: routes for Verified prefixes, pointing at Linux
 * nexthop objects (RTA_NH_ID).
 *
 * Each connection (BGP neighbor) is one nexthop object: its next hop and
 * interface. Each peering is one nexthop group over the nexthops of its
 * connections that are up, and every route of that peering points at the
 * group. A connection going down is then a single update of the group (or
 * the deletion of its nexthop, which the kernel also applies to every group
 * and route using it), not one message per prefix.
 *
 * Ownership: routes of protocol RTPROT_BGP in the agent's table, and nexthop
 * objects with ids in [id_base, id_base + FIB_ID_SPAN) and protocol
 * RTPROT_BGP, belong to peeredged; nothing else is ever changed or removed.
 */
#ifndef PEEREDGE_INSTALL_H
#define PEEREDGE_INSTALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli_util.h"
#include "nlreq.h"
#include "prefix.h"

#define FIB_ID_SPAN 0x100000

struct nl_sock;
struct nl_msg;

struct fib {
	struct nl_sock *sock;
	uint32_t table;
	uint32_t id_base;
	/* Requests queued by the fib_*() calls below, sent by fib_commit(). */
	struct nl_msg **queue;
	size_t queued, capacity;
	struct nlreq req;	/* results of the last fib_commit() / dump */
	size_t committed;	/* requests the last fib_commit() sent */
};

/* 0 or -errno; on failure fib->req.reason says why. */
int fib_open(struct fib *fib, uint32_t table, uint32_t id_base);
void fib_close(struct fib *fib);

/*
 * Queue changes; none reaches the kernel before fib_commit(). Each returns
 * 0, -EINVAL (an id outside the agent's range, a family mismatch) or
 * -ENOMEM. Nexthops must exist before a group or route names them: queue
 * them first.
 */
int fib_nexthop_replace(struct fib *fib, uint32_t id, const struct ip_addr *gateway,
			uint32_t ifindex);
int fib_group_replace(struct fib *fib, uint32_t id, const uint32_t *members, size_t n);
int fib_nexthop_delete(struct fib *fib, uint32_t id);
int fib_route_replace(struct fib *fib, const struct prefix *dst, uint32_t nexthop_id);
int fib_route_delete(struct fib *fib, const struct prefix *dst);

/*
 * Sends every queued change, pipelined, in order. Returns 0 or the first
 * error (negative errno) with fib->req.extack (or .reason) and .failed_index
 * telling which change and why. The queue is empty afterwards either way.
 */
int fib_commit(struct fib *fib);
/* Drops queued changes without sending them. */
void fib_discard(struct fib *fib);

/* A route the agent owns, as found in the kernel. */
struct fib_route {
	struct prefix dst;
	uint32_t nexthop_id;	/* 0 when the route has no RTA_NH_ID */
};

/* Every route the agent owns in its table (both families); caller frees. */
int fib_routes(struct fib *fib, struct fib_route **routes, size_t *count);
struct fib_nexthop {
	uint32_t id;
	bool group;
};

/* Every nexthop object in the agent's range; caller frees. */
int fib_nexthops(struct fib *fib, struct fib_nexthop **nexthops, size_t *count);

/*
 * Start-up reconciliation with what an earlier run left in the kernel:
 * deletes the agent's routes that keep_route() rejects, then its groups and
 * nexthops that keep_nexthop() rejects. Routes and nexthops of anyone else
 * are never looked at. Returns the number of objects deleted, or a
 * negative errno.
 */
int fib_reconcile(struct fib *fib, bool (*keep_route)(const struct fib_route *route, void *arg),
		  bool (*keep_nexthop)(uint32_t id, void *arg), void *arg);

#endif
