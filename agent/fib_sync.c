// SPDX-License-Identifier: GPL-2.0
/* Differences between the planned and the installed FIB; see fib_sync.h. */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fib_sync.h"

/* realloc'ing append of one element of size elem to *arr holding *n. */
static int append(void *arr, size_t *n, const void *elem, size_t size)
{
	void **p = arr;
	char *grown = realloc(*p, (*n + 1) * size);

	if (!grown)
		return -ENOMEM;
	memcpy(grown + *n * size, elem, size);
	*p = grown;
	(*n)++;
	return 0;
}

int fib_plan_nexthop(struct fib_plan *plan, const struct fib_plan_nexthop *nh)
{
	return append(&plan->nexthops, &plan->n_nexthops, nh, sizeof(*nh));
}

int fib_plan_group(struct fib_plan *plan, const struct fib_plan_group *group)
{
	return append(&plan->groups, &plan->n_groups, group, sizeof(*group));
}

static const struct fib_route *find_route(const struct fib_plan *plan, const struct prefix *dst)
{
	for (size_t i = 0; i < plan->n_routes; i++)
		if (prefix_equal(&plan->routes[i].dst, dst))
			return &plan->routes[i];
	return NULL;
}

int fib_plan_route(struct fib_plan *plan, const struct prefix *dst, uint32_t nexthop_id)
{
	struct fib_route route = { .dst = *dst, .nexthop_id = nexthop_id };

	if (find_route(plan, dst))
		return 0;
	return append(&plan->routes, &plan->n_routes, &route, sizeof(route));
}

void fib_plan_free(struct fib_plan *plan)
{
	free(plan->nexthops);
	free(plan->groups);
	free(plan->routes);
	memset(plan, 0, sizeof(*plan));
}

static const struct fib_plan_nexthop *find_nexthop(const struct fib_plan *plan, uint32_t id)
{
	for (size_t i = 0; i < plan->n_nexthops; i++)
		if (plan->nexthops[i].id == id)
			return &plan->nexthops[i];
	return NULL;
}

static const struct fib_plan_group *find_group(const struct fib_plan *plan, uint32_t id)
{
	for (size_t i = 0; i < plan->n_groups; i++)
		if (plan->groups[i].id == id)
			return &plan->groups[i];
	return NULL;
}

static bool nexthop_same(const struct fib_plan_nexthop *a, const struct fib_plan_nexthop *b)
{
	return a && b && a->ifindex == b->ifindex && !ip_addr_compare(&a->gateway, &b->gateway);
}

static bool group_same(const struct fib_plan_group *a, const struct fib_plan_group *b)
{
	return a && b && a->n == b->n && !memcmp(a->members, b->members, a->n * sizeof(*a->members));
}

/* Queues what turns `old` into `new`, in an order the kernel accepts. */
static int queue_changes(struct fib *fib, const struct fib_plan *old, const struct fib_plan *new)
{
	int err = 0;
	size_t i;

	/* Nexthops, then groups naming them, then routes naming groups. */
	for (i = 0; i < new->n_nexthops && !err; i++)
		if (!nexthop_same(&new->nexthops[i], find_nexthop(old, new->nexthops[i].id)))
			err = fib_nexthop_replace(fib, new->nexthops[i].id, &new->nexthops[i].gateway,
						  new->nexthops[i].ifindex);
	for (i = 0; i < new->n_groups && !err; i++)
		if (!group_same(&new->groups[i], find_group(old, new->groups[i].id)))
			err = fib_group_replace(fib, new->groups[i].id, new->groups[i].members,
						new->groups[i].n);
	for (i = 0; i < new->n_routes && !err; i++) {
		const struct fib_route *was = find_route(old, &new->routes[i].dst);

		if (!was || was->nexthop_id != new->routes[i].nexthop_id)
			err = fib_route_replace(fib, &new->routes[i].dst, new->routes[i].nexthop_id);
	}
	/* Removals the other way round: routes, groups, nexthops. */
	for (i = 0; i < old->n_routes && !err; i++)
		if (!find_route(new, &old->routes[i].dst))
			err = fib_route_delete(fib, &old->routes[i].dst);
	for (i = 0; i < old->n_groups && !err; i++)
		if (!find_group(new, old->groups[i].id))
			err = fib_nexthop_delete(fib, old->groups[i].id);
	for (i = 0; i < old->n_nexthops && !err; i++)
		if (!find_nexthop(new, old->nexthops[i].id))
			err = fib_nexthop_delete(fib, old->nexthops[i].id);
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

int fib_sync_apply(struct fib_sync *fs, struct fib_plan *plan, char *err, size_t errlen)
{
	int ret = queue_changes(&fs->fib, &fs->installed, plan);

	if (!ret)
		ret = fib_commit(&fs->fib);
	else
		fib_discard(&fs->fib);
	if (ret) {
		snprintf(err, errlen, "FIB update failed: %s", fib_reason(&fs->fib, ret));
		fib_plan_free(plan);
		return ret;
	}
	fib_plan_free(&fs->installed);
	fs->installed = *plan;
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
