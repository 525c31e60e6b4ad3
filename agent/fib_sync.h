/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What peeredged wants in the kernel FIB, and getting it there: the daemon
 * builds a plan (nexthops, groups, routes) from the model, fib_sync_apply()
 * sends only the difference from what it installed last (install.h) in one
 * commit, or a pass (fib_sync_start(), fib_sync_step()) in commits of a
 * bounded number of routes, so the event loop runs between them. A
 * connection going down changes one group, not every route.
 */
#ifndef PEEREDGE_FIB_SYNC_H
#define PEEREDGE_FIB_SYNC_H

#include "config.h"
#include "install.h"

#define FIB_GROUP_MAX CONFIG_MAX_CONNECTIONS	/* the config refuses more */

struct fib_plan_nexthop {
	uint32_t id;
	struct ip_addr gateway;
	uint32_t ifindex;
};

struct fib_plan_group {
	uint32_t id;
	size_t n;
	uint32_t members[FIB_GROUP_MAX];	/* ascending */
};

struct fib_plan {
	struct fib_plan_nexthop *nexthops;
	struct fib_plan_group *groups;
	struct fib_route *routes;
	size_t n_nexthops, n_groups, n_routes;
	size_t cap_nexthops, cap_groups, cap_routes;	/* allocated, doubling */
};

/*
 * Appends in any order; 0 or -ENOMEM. fib_sync_apply() sorts the plan; of
 * two routes to one prefix it keeps the one to the lowest nexthop id.
 */
int fib_plan_nexthop(struct fib_plan *plan, const struct fib_plan_nexthop *nh);
int fib_plan_group(struct fib_plan *plan, const struct fib_plan_group *group);
int fib_plan_route(struct fib_plan *plan, const struct prefix *dst, uint32_t nexthop_id);
void fib_plan_free(struct fib_plan *plan);

struct fib_sync {
	struct fib fib;
	struct fib_plan installed;	/* what the kernel holds: each commit updates it */
	/* The pass in progress: its sorted plan, and its cursor in both route arrays. */
	struct fib_plan target;
	bool pass;
	size_t installed_at, target_at;
};

/*
 * Opens the table and removes what an earlier run left there (its routes
 * and nexthop objects: the daemon re-installs from the model once the
 * sessions are up). 0, or -errno with err set.
 */
int fib_sync_open(struct fib_sync *fs, uint32_t table, uint32_t id_base, char *err,
		  size_t errlen);
/*
 * Makes the kernel match plan, sending only the difference from what is
 * installed, in one commit: sorted merges, O(n log n) in the plan's size.
 * Routes whose nexthop or group goes are not deleted one by one: the
 * kernel removes them with it. Takes ownership of plan on success (and
 * frees it on failure). 0, or -errno with err set; after a failed commit
 * (part of a batch may have been applied) installed is read back from the
 * kernel, so the next plan is diffed against what is there.
 */
int fib_sync_apply(struct fib_sync *fs, struct fib_plan *plan, char *err, size_t errlen);
/*
 * The same in steps. fib_sync_start() takes plan (sorting it) as the
 * target of a pass, replacing any in progress. Each fib_sync_step()
 * commits the route changes of the next max_routes (0 is taken as 1) in
 * prefix order, looking at no more than FIB_STEP_WALK x max_routes routes,
 * with every nexthop and group of the target they need (none is removed
 * yet); after it the routes up to its last prefix are the target's, those
 * after it as they were (and so is a route whose group the target lacks).
 * The last step commits the target itself, removing the nexthops and
 * groups it lacks (and with them their routes). A step costs O(max_routes)
 * but for moving the installed routes after it (when their count changed),
 * a pass at most n / max_routes steps with changes and n / (FIB_STEP_WALK
 * x max_routes) without. Returns 1 while steps remain, 0 when the pass is
 * through (or there is none), -errno with err set when a commit failed
 * (the pass is dropped; what the kernel holds is installed).
 */
#define FIB_STEP_WALK 16
void fib_sync_start(struct fib_sync *fs, struct fib_plan *plan);
int fib_sync_step(struct fib_sync *fs, size_t max_routes, char *err, size_t errlen);
bool fib_sync_busy(const struct fib_sync *fs);
/*
 * The same for a plan of nexthops and groups only (a connection changed):
 * the installed routes stay as they are, but for those of a group that
 * goes, which the kernel removes with it. A group update moves every route
 * using it: nothing per route is sent, nor looked at before the commit.
 * It drops the pass in progress, if any: the caller starts another.
 */
int fib_sync_apply_nexthops(struct fib_sync *fs, struct fib_plan *plan, char *err,
			    size_t errlen);
/* Removes everything installed, then closes. */
void fib_sync_close(struct fib_sync *fs);

/* The ifindex of the interface whose subnet holds addr; 0 when none does. */
uint32_t fib_ifindex_for(const struct ip_addr *addr);

#endif
