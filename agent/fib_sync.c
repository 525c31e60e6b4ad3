// SPDX-License-Identifier: GPL-2.0
/* Differences between the planned and the installed FIB; see fib_sync.h. */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fib_sync.h"

/* Appends elem to *arr of *n elements, doubling *cap when full. */
static int append(void *arr, size_t *n, size_t *cap, const void *elem, size_t size)
{
	void **p = arr;
	size_t grown_cap;
	char *grown;

	if (*n == *cap) {
		grown_cap = *cap ? 2 * *cap : 16;
		grown = realloc(*p, grown_cap * size);
		if (!grown)
			return -ENOMEM;
		*p = grown;
		*cap = grown_cap;
	}
	memcpy((char *)*p + *n * size, elem, size);
	(*n)++;
	return 0;
}

int fib_plan_nexthop(struct fib_plan *plan, const struct fib_plan_nexthop *nh)
{
	return append(&plan->nexthops, &plan->n_nexthops, &plan->cap_nexthops, nh, sizeof(*nh));
}

int fib_plan_group(struct fib_plan *plan, const struct fib_plan_group *group)
{
	return append(&plan->groups, &plan->n_groups, &plan->cap_groups, group, sizeof(*group));
}

int fib_plan_route(struct fib_plan *plan, const struct prefix *dst, uint32_t nexthop_id)
{
	struct fib_route route = { .dst = *dst, .nexthop_id = nexthop_id };

	return append(&plan->routes, &plan->n_routes, &plan->cap_routes, &route, sizeof(route));
}

void fib_plan_free(struct fib_plan *plan)
{
	free(plan->nexthops);
	free(plan->groups);
	free(plan->routes);
	memset(plan, 0, sizeof(*plan));
}

/* ---- orders: nexthops and groups by id, routes by prefix ---- */

static int id_order(uint32_t a, uint32_t b)
{
	return (a > b) - (a < b);
}

static int nexthop_order(const void *a, const void *b)
{
	return id_order(((const struct fib_plan_nexthop *)a)->id,
			((const struct fib_plan_nexthop *)b)->id);
}

static int group_order(const void *a, const void *b)
{
	return id_order(((const struct fib_plan_group *)a)->id,
			((const struct fib_plan_group *)b)->id);
}

static int route_order(const void *a, const void *b)
{
	return prefix_compare(&((const struct fib_route *)a)->dst,
			      &((const struct fib_route *)b)->dst);
}

/* Routes by prefix, then nexthop id: the first of a prefix is the one kept. */
static int route_order_nexthop(const void *a, const void *b)
{
	int d = route_order(a, b);

	return d ? d : id_order(((const struct fib_route *)a)->nexthop_id,
				((const struct fib_route *)b)->nexthop_id);
}

/* qsort(3) and bsearch(3) must not be given a NULL array, even empty. */
static void sort(void *base, size_t n, size_t size, int (*order)(const void *, const void *))
{
	if (n)
		qsort(base, n, size, order);
}

static bool found(const void *key, const void *base, size_t n, size_t size,
		  int (*order)(const void *, const void *))
{
	return n && bsearch(key, base, n, size, order);
}

/* Sorts the plan; one route per prefix, the lowest nexthop id. */
static void plan_sort(struct fib_plan *plan)
{
	size_t i, kept = 0;

	sort(plan->nexthops, plan->n_nexthops, sizeof(*plan->nexthops), nexthop_order);
	sort(plan->groups, plan->n_groups, sizeof(*plan->groups), group_order);
	sort(plan->routes, plan->n_routes, sizeof(*plan->routes), route_order_nexthop);
	for (i = 0; i < plan->n_routes; i++)
		if (!kept || route_order(&plan->routes[kept - 1], &plan->routes[i]))
			plan->routes[kept++] = plan->routes[i];
	plan->n_routes = kept;
}

static bool plan_has_nexthop(const struct fib_plan *plan, uint32_t id)
{
	struct fib_plan_nexthop nh = { .id = id };
	struct fib_plan_group group = { .id = id };

	return found(&nh, plan->nexthops, plan->n_nexthops, sizeof(nh), nexthop_order) ||
	       found(&group, plan->groups, plan->n_groups, sizeof(group), group_order);
}

/* ---- the difference between two sorted plans ---- */

/* One kind of plan element: its order, and what the kernel is sent. */
struct element_ops {
	size_t size;
	int (*order)(const void *a, const void *b);
	bool (*same)(const void *a, const void *b);
	/* Queues the element in new (changed or added). */
	int (*put)(struct fib *fib, const void *elem);
	/* Queues the removal of an element of old absent from new. */
	int (*del)(struct fib *fib, const void *elem, const struct fib_plan *new);
};

/*
 * Walks two sorted arrays at once: puts what new adds or changes, or (with
 * removals) deletes what old has and new has not.
 */
static int merge(struct fib *fib, const struct element_ops *ops, const void *old, size_t n_old,
		 const void *new, size_t n_new, const struct fib_plan *new_plan, bool removals)
{
	size_t i = 0, j = 0;
	int err = 0;

	while (!err && (i < n_old || j < n_new)) {
		const char *o = (const char *)old + i * ops->size;
		const char *n = (const char *)new + j * ops->size;
		int d = i == n_old ? 1 : j == n_new ? -1 : ops->order(o, n);

		if (d < 0) {
			if (removals)
				err = ops->del(fib, o, new_plan);
			i++;
		} else if (d > 0) {
			if (!removals)
				err = ops->put(fib, n);
			j++;
		} else {
			if (!removals && !ops->same(o, n))
				err = ops->put(fib, n);
			i++;
			j++;
		}
	}
	return err;
}

static bool nexthop_same(const void *pa, const void *pb)
{
	const struct fib_plan_nexthop *a = pa, *b = pb;

	return a->ifindex == b->ifindex && !ip_addr_compare(&a->gateway, &b->gateway);
}

static int nexthop_put(struct fib *fib, const void *elem)
{
	const struct fib_plan_nexthop *nh = elem;

	return fib_nexthop_replace(fib, nh->id, &nh->gateway, nh->ifindex);
}

static int nexthop_del(struct fib *fib, const void *elem, const struct fib_plan *new)
{
	(void)new;
	return fib_nexthop_delete(fib, ((const struct fib_plan_nexthop *)elem)->id);
}

static bool group_same(const void *pa, const void *pb)
{
	const struct fib_plan_group *a = pa, *b = pb;

	return a->n == b->n && !memcmp(a->members, b->members, a->n * sizeof(*a->members));
}

static int group_put(struct fib *fib, const void *elem)
{
	const struct fib_plan_group *group = elem;

	return fib_group_replace(fib, group->id, group->members, group->n);
}

static int group_del(struct fib *fib, const void *elem, const struct fib_plan *new)
{
	(void)new;
	return fib_nexthop_delete(fib, ((const struct fib_plan_group *)elem)->id);
}

static bool route_same(const void *a, const void *b)
{
	return ((const struct fib_route *)a)->nexthop_id == ((const struct fib_route *)b)->nexthop_id;
}

static int route_put(struct fib *fib, const void *elem)
{
	const struct fib_route *route = elem;

	return fib_route_replace(fib, &route->dst, route->nexthop_id);
}

static int route_del(struct fib *fib, const void *elem, const struct fib_plan *new)
{
	const struct fib_route *route = elem;

	/* Deleting its nexthop or group takes the route with it: one message for all. */
	if (!plan_has_nexthop(new, route->nexthop_id))
		return 0;
	return fib_route_delete(fib, &route->dst);
}

static const struct element_ops nexthop_ops = {
	sizeof(struct fib_plan_nexthop), nexthop_order, nexthop_same, nexthop_put, nexthop_del,
};
static const struct element_ops group_ops = {
	sizeof(struct fib_plan_group), group_order, group_same, group_put, group_del,
};
static const struct element_ops route_ops = {
	sizeof(struct fib_route), route_order, route_same, route_put, route_del,
};

/*
 * Queues what turns sorted `old` into sorted `new`, in an order the kernel
 * accepts; with routes false, the nexthops and groups alone.
 */
static int queue_changes(struct fib *fib, const struct fib_plan *old, const struct fib_plan *new,
			 bool routes)
{
	int err;

	/* Nexthops, then groups naming them, then routes naming groups. */
	err = merge(fib, &nexthop_ops, old->nexthops, old->n_nexthops, new->nexthops,
		    new->n_nexthops, new, false);
	if (!err)
		err = merge(fib, &group_ops, old->groups, old->n_groups, new->groups,
			    new->n_groups, new, false);
	if (!err && routes)
		err = merge(fib, &route_ops, old->routes, old->n_routes, new->routes,
			    new->n_routes, new, false);
	/* Removals the other way round: routes, groups, nexthops. */
	if (!err && routes)
		err = merge(fib, &route_ops, old->routes, old->n_routes, new->routes,
			    new->n_routes, new, true);
	if (!err)
		err = merge(fib, &group_ops, old->groups, old->n_groups, new->groups,
			    new->n_groups, new, true);
	if (!err)
		err = merge(fib, &nexthop_ops, old->nexthops, old->n_nexthops, new->nexthops,
			    new->n_nexthops, new, true);
	return err;
}

static const char *fib_reason(const struct fib *fib, int err)
{
	if (fib->req.extack[0])
		return fib->req.extack;
	if (fib->req.reason[0])
		return fib->req.reason;
	return strerror(-err);
}

/* Queues and commits the changes from what is installed to sorted plan. */
static int commit_sorted(struct fib_sync *fs, struct fib_plan *plan, bool routes, char *err,
			 size_t errlen)
{
	int ret = queue_changes(&fs->fib, &fs->installed, plan, routes);

	if (!ret)
		ret = fib_commit(&fs->fib);
	else
		fib_discard(&fs->fib);
	if (ret) {
		snprintf(err, errlen, "FIB update failed: %s", fib_reason(&fs->fib, ret));
		fib_plan_free(plan);
	}
	return ret;
}

int fib_sync_apply(struct fib_sync *fs, struct fib_plan *plan, char *err, size_t errlen)
{
	int ret;

	plan_sort(plan);
	ret = commit_sorted(fs, plan, true, err, errlen);
	if (ret)
		return ret;
	fib_plan_free(&fs->installed);
	fs->installed = *plan;
	memset(plan, 0, sizeof(*plan));
	return 0;
}

/*
 * Nothing per route comes before the commit: at 100,000 routes, filtering
 * and diffing them first delayed a connection's group update by tens of
 * milliseconds in the guest. The routes of a group that went (the kernel
 * flushed them) leave the installed plan afterwards.
 */
int fib_sync_apply_nexthops(struct fib_sync *fs, struct fib_plan *plan, char *err,
			    size_t errlen)
{
	struct fib_plan *installed = &fs->installed;
	size_t kept = 0;
	int ret;

	free(plan->routes);
	plan->routes = NULL;
	plan->n_routes = plan->cap_routes = 0;
	plan_sort(plan);
	ret = commit_sorted(fs, plan, false, err, errlen);
	if (ret)
		return ret;
	for (size_t i = 0; i < installed->n_routes; i++)
		if (plan_has_nexthop(plan, installed->routes[i].nexthop_id))
			installed->routes[kept++] = installed->routes[i];
	plan->routes = installed->routes;
	plan->n_routes = kept;
	plan->cap_routes = installed->cap_routes;
	installed->routes = NULL;
	fib_plan_free(installed);
	*installed = *plan;
	memset(plan, 0, sizeof(*plan));
	return 0;
}

static bool keep_nothing_route(const struct fib_route *route, void *arg)
{
	(void)route;
	(void)arg;
	return false;
}

static bool keep_nothing_nexthop(uint32_t id, void *arg)
{
	(void)id;
	(void)arg;
	return false;
}

int fib_sync_open(struct fib_sync *fs, uint32_t table, uint32_t id_base, char *err,
		  size_t errlen)
{
	int ret;

	memset(fs, 0, sizeof(*fs));
	ret = fib_open(&fs->fib, table, id_base);
	if (!ret)
		ret = fib_reconcile(&fs->fib, keep_nothing_route, keep_nothing_nexthop, NULL);
	if (ret < 0) {
		snprintf(err, errlen, "FIB table %u: %s", table, fib_reason(&fs->fib, ret));
		if (fs->fib.sock)
			fib_close(&fs->fib);
		return ret;
	}
	return 0;
}

void fib_sync_close(struct fib_sync *fs)
{
	struct fib_plan none = { 0 };
	char err[256];

	/* Routes via sessions that are going away would blackhole traffic. */
	fib_sync_apply(fs, &none, err, sizeof(err));
	fib_plan_free(&fs->installed);
	if (fs->fib.sock)
		fib_close(&fs->fib);
}

static bool in_subnet(const struct ip_addr *addr, const struct sockaddr *ifa_addr,
		      const struct sockaddr *mask)
{
	const uint8_t *a, *m;
	size_t len = ip_addr_len(addr);

	if (!ifa_addr || !mask || ifa_addr->sa_family != addr->family)
		return false;
	if (addr->family == AF_INET) {
		a = (const uint8_t *)&((const struct sockaddr_in *)ifa_addr)->sin_addr;
		m = (const uint8_t *)&((const struct sockaddr_in *)mask)->sin_addr;
	} else {
		a = (const uint8_t *)&((const struct sockaddr_in6 *)ifa_addr)->sin6_addr;
		m = (const uint8_t *)&((const struct sockaddr_in6 *)mask)->sin6_addr;
	}
	for (size_t i = 0; i < len; i++)
		if ((a[i] & m[i]) != (addr->bytes[i] & m[i]))
			return false;
	return true;
}

uint32_t fib_ifindex_for(const struct ip_addr *addr)
{
	struct ifaddrs *list, *ifa;
	uint32_t index = 0;

	if (getifaddrs(&list))
		return 0;
	for (ifa = list; ifa && !index; ifa = ifa->ifa_next)
		if (in_subnet(addr, ifa->ifa_addr, ifa->ifa_netmask))
			index = if_nametoindex(ifa->ifa_name);
	freeifaddrs(list);
	return index;
}
