// SPDX-License-Identifier: GPL-2.0
/* Differences between the planned and the installed FIB; see fib_sync.h. */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
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

/* bsearch(3) must not be given a NULL array, even empty. */
static bool found(const void *key, const void *base, size_t n, size_t size,
		  int (*order)(const void *, const void *))
{
	return n && bsearch(key, base, n, size, order);
}

/* Sorts the plan; one route per prefix, the lowest nexthop id. */
static void plan_sort(struct fib_plan *plan)
{
	size_t i, kept = 0;

	array_sort(plan->nexthops, plan->n_nexthops, sizeof(*plan->nexthops), nexthop_order);
	array_sort(plan->groups, plan->n_groups, sizeof(*plan->groups), group_order);
	array_sort(plan->routes, plan->n_routes, sizeof(*plan->routes), route_order_nexthop);
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

/* Two sorted arrays walked at once, from heads i and j up to their ends. */
struct walk {
	size_t size;
	int (*order)(const void *a, const void *b);
	const void *old, *new;
	size_t i, end_old, j, end_new;
};

static struct walk walk_all(const struct element_ops *ops, const void *old, size_t n_old,
			    const void *new, size_t n_new)
{
	return (struct walk){ ops->size, ops->order, old, new, 0, n_old, 0, n_new };
}

/*
 * The next key of the walk: *o is old's element of it, *n new's, NULL where
 * that array lacks the key. False at the end of both.
 */
static bool walk_next(struct walk *w, const void **o, const void **n)
{
	int d;

	if (w->i == w->end_old && w->j == w->end_new)
		return false;
	d = w->i == w->end_old ? 1 : w->j == w->end_new ? -1 :
	    w->order((const char *)w->old + w->i * w->size, (const char *)w->new + w->j * w->size);
	*o = d <= 0 ? (const char *)w->old + w->i++ * w->size : NULL;
	*n = d >= 0 ? (const char *)w->new + w->j++ * w->size : NULL;
	return true;
}

/*
 * Puts what new adds or changes, or (with removals) deletes what old has
 * and new has not.
 */
static int merge(struct fib *fib, const struct element_ops *ops, struct walk w,
		 const struct fib_plan *new_plan, bool removals)
{
	const void *o, *n;
	int err = 0;

	while (!err && walk_next(&w, &o, &n)) {
		if (!n) {
			if (removals)
				err = ops->del(fib, o, new_plan);
		} else if (!removals && (!o || !ops->same(o, n))) {
			err = ops->put(fib, n);
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

/*
 * A route whose nexthop or group the target lacks: deleting that takes the
 * route with it, one message for all.
 */
static bool route_left_to_its_group(const void *elem, const struct fib_plan *target)
{
	return !plan_has_nexthop(target, ((const struct fib_route *)elem)->nexthop_id);
}

static int route_del(struct fib *fib, const void *elem, const struct fib_plan *new)
{
	if (route_left_to_its_group(elem, new))
		return 0;
	return fib_route_delete(fib, &((const struct fib_route *)elem)->dst);
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
 * accepts: the routes of the `routes` walk over both (NULL: none), and the
 * nexthops and groups, with none of them removed when `keep_nexthops`.
 */
static int queue_changes(struct fib *fib, const struct fib_plan *old, const struct fib_plan *new,
			 const struct walk *routes, bool keep_nexthops)
{
	struct walk nexthops = walk_all(&nexthop_ops, old->nexthops, old->n_nexthops,
					new->nexthops, new->n_nexthops);
	struct walk groups = walk_all(&group_ops, old->groups, old->n_groups, new->groups,
				      new->n_groups);
	int err;

	/* Nexthops, then groups naming them, then routes naming groups. */
	err = merge(fib, &nexthop_ops, nexthops, new, false);
	if (!err)
		err = merge(fib, &group_ops, groups, new, false);
	if (!err && routes)
		err = merge(fib, &route_ops, *routes, new, false);
	/* Removals the other way round: routes, groups, nexthops. */
	if (!err && routes)
		err = merge(fib, &route_ops, *routes, new, true);
	if (!err && !keep_nexthops)
		err = merge(fib, &group_ops, groups, new, true);
	if (!err && !keep_nexthops)
		err = merge(fib, &nexthop_ops, nexthops, new, true);
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

/*
 * What the kernel holds, as installed after a failed commit: the requests
 * of a batch before and after the one refused may have been applied.
 * Routes come back as they are; nexthops and groups by id alone, so the
 * next pass puts every one it wants again (a replace) and deletes the
 * others.
 */
static int read_back(struct fib_sync *fs)
{
	struct fib_plan plan = { 0 };
	struct fib_nexthop *nexthops;
	size_t n;
	int ret = fib_nexthops(&fs->fib, &nexthops, &n);

	if (ret)
		return ret;
	for (size_t i = 0; !ret && i < n; i++)
		ret = nexthops[i].group ?
		      fib_plan_group(&plan, &(struct fib_plan_group){ .id = nexthops[i].id }) :
		      fib_plan_nexthop(&plan, &(struct fib_plan_nexthop){ .id = nexthops[i].id });
	free(nexthops);
	if (!ret)
		ret = fib_routes(&fs->fib, &plan.routes, &plan.n_routes);
	if (ret) {
		fib_plan_free(&plan);
		return ret;
	}
	plan.cap_routes = plan.n_routes;
	plan_sort(&plan);
	fib_plan_free(&fs->installed);
	fs->installed = plan;
	return 0;
}

/*
 * Queues and commits the changes from what is installed to sorted plan
 * (queue_changes() says which); frees plan when that fails, and then
 * reads installed back from the kernel.
 */
static int commit_sorted(struct fib_sync *fs, struct fib_plan *plan, const struct walk *routes,
			 bool keep_nexthops, char *err, size_t errlen)
{
	int ret = queue_changes(&fs->fib, &fs->installed, plan, routes, keep_nexthops);
	bool sent = !ret;

	if (!ret)
		ret = fib_commit(&fs->fib);
	else
		fib_discard(&fs->fib);
	if (ret) {
		snprintf(err, errlen, "FIB update failed: %s", fib_reason(&fs->fib, ret));
		fib_plan_free(plan);
		if (sent && read_back(fs) < 0) {
			size_t len = strlen(err);

			snprintf(err + len, errlen - len, " (and reading the table back failed)");
		}
	}
	return ret;
}

/* ---- a pass in steps ---- */

static void drop_pass(struct fib_sync *fs)
{
	fib_plan_free(&fs->target);
	fs->pass = false;
}

void fib_sync_start(struct fib_sync *fs, struct fib_plan *plan)
{
	drop_pass(fs);
	plan_sort(plan);
	fs->target = *plan;
	memset(plan, 0, sizeof(*plan));
	fs->installed_at = fs->target_at = 0;
	fs->pass = true;
}

bool fib_sync_busy(const struct fib_sync *fs)
{
	return fs->pass;
}

/* The installed routes against the target's, from the pass's cursor on. */
static struct walk pass_routes(const struct fib_sync *fs)
{
	struct walk w = walk_all(&route_ops, fs->installed.routes, fs->installed.n_routes,
				 fs->target.routes, fs->target.n_routes);

	w.i = fs->installed_at;
	w.j = fs->target_at;
	return w;
}

/*
 * The next step's routes: from the cursor to where max_routes changes are
 * seen, or FIB_STEP_WALK x max_routes routes, whichever comes first (a
 * pass with little to change does not look at the whole table at once).
 */
static struct walk pass_window(const struct fib_sync *fs, size_t max_routes)
{
	size_t most = max_routes > SIZE_MAX / FIB_STEP_WALK ? SIZE_MAX : FIB_STEP_WALK * max_routes;
	struct walk window = pass_routes(fs), rest = window;
	size_t changes = 0, walked = 0;
	const void *o, *n;

	while (changes < max_routes && walked++ < most && walk_next(&rest, &o, &n))
		changes += n ? !o || !route_same(o, n) : !route_left_to_its_group(o, &fs->target);
	window.end_old = rest.i;
	window.end_new = rest.j;
	return window;
}

static bool keep_any(const void *elem, const struct fib_plan *target)
{
	(void)elem;
	(void)target;
	return true;
}

/*
 * The keys of walk w in a new sorted array of *n_out: new's element where
 * it has one, else old's when keep_old() says so. NULL when out of memory.
 */
static void *walk_union(struct walk w,
			bool (*keep_old)(const void *o, const struct fib_plan *target),
			const struct fib_plan *target, size_t *n_out)
{
	size_t k = 0, most = (w.end_old - w.i) + (w.end_new - w.j);
	char *out = malloc(most ? most * w.size : 1);
	const void *o, *n;

	if (!out)
		return NULL;
	while (walk_next(&w, &o, &n))
		if (n || keep_old(o, target))
			memcpy(out + k++ * w.size, n ? n : o, w.size);
	*n_out = k;
	return out;
}

/*
 * What installed holds after a step over window: every nexthop and group
 * of both plans (the target's where they differ; none goes before the
 * last step, the routes left may still name them), and the window's
 * routes (the target's, and those left to their group). Built, and room
 * made for them, before the commit: running out of memory sends nothing.
 * Making room may move the installed routes, which window then follows.
 */
static int pass_next(struct fib_sync *fs, struct walk *window, struct fib_plan *next)
{
	struct fib_plan *in = &fs->installed;
	const struct fib_plan *to = &fs->target;
	size_t need;

	next->nexthops = walk_union(walk_all(&nexthop_ops, in->nexthops, in->n_nexthops,
					     to->nexthops, to->n_nexthops),
				    keep_any, to, &next->n_nexthops);
	next->groups = walk_union(walk_all(&group_ops, in->groups, in->n_groups, to->groups,
					   to->n_groups), keep_any, to, &next->n_groups);
	next->routes = walk_union(*window, route_left_to_its_group, to, &next->n_routes);
	if (!next->nexthops || !next->groups || !next->routes)
		return -ENOMEM;
	next->cap_nexthops = next->n_nexthops;
	next->cap_groups = next->n_groups;
	need = in->n_routes - (window->end_old - window->i) + next->n_routes;
	if (need > in->cap_routes) {
		size_t cap = need > 2 * in->cap_routes ? need : 2 * in->cap_routes;
		struct fib_route *grown = realloc(in->routes, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		in->routes = grown;
		in->cap_routes = cap;
		window->old = grown;
	}
	return 0;
}

/* After the commit: installed becomes what pass_next() built; the cursor moves past it. */
static void pass_advance(struct fib_sync *fs, const struct walk *window, struct fib_plan *next)
{
	struct fib_plan *in = &fs->installed;
	size_t tail = in->n_routes - window->end_old;

	/* A window whose route count did not change leaves the rest in place. */
	if (window->i + next->n_routes != window->end_old)
		memmove(in->routes + window->i + next->n_routes, in->routes + window->end_old,
			tail * sizeof(*in->routes));
	memcpy(in->routes + window->i, next->routes, next->n_routes * sizeof(*in->routes));
	in->n_routes = window->i + next->n_routes + tail;
	fs->installed_at = window->i + next->n_routes;
	fs->target_at = window->end_new;
	free(in->nexthops);
	free(in->groups);
	in->nexthops = next->nexthops;
	in->groups = next->groups;
	in->n_nexthops = in->cap_nexthops = next->n_nexthops;
	in->n_groups = in->cap_groups = next->n_groups;
	free(next->routes);
	memset(next, 0, sizeof(*next));
}

/*
 * The last step: the target itself. The routes before the cursor are the
 * target's already, or left to a group this commit deletes.
 */
static int pass_finish(struct fib_sync *fs, char *err, size_t errlen)
{
	struct walk routes = pass_routes(fs);
	int ret;

	fs->pass = false;
	ret = commit_sorted(fs, &fs->target, &routes, false, err, errlen);
	if (ret)
		return ret;
	fib_plan_free(&fs->installed);
	fs->installed = fs->target;
	memset(&fs->target, 0, sizeof(fs->target));
	return 0;
}

int fib_sync_step(struct fib_sync *fs, size_t max_routes, char *err, size_t errlen)
{
	struct fib_plan next = { 0 };
	struct walk window;
	int ret;

	if (!fs->pass)
		return 0;
	/* A step of nothing would never end the pass. */
	window = pass_window(fs, max_routes ? max_routes : 1);
	if (window.end_old == fs->installed.n_routes && window.end_new == fs->target.n_routes)
		return pass_finish(fs, err, errlen);
	ret = pass_next(fs, &window, &next);
	if (ret)
		snprintf(err, errlen, "FIB update: out of memory");
	else
		ret = commit_sorted(fs, &fs->target, &window, true, err, errlen);
	if (ret) {
		fib_plan_free(&next);
		drop_pass(fs);
		return ret;
	}
	pass_advance(fs, &window, &next);
	return 1;
}

int fib_sync_apply(struct fib_sync *fs, struct fib_plan *plan, char *err, size_t errlen)
{
	int ret;

	fib_sync_start(fs, plan);
	ret = fib_sync_step(fs, SIZE_MAX, err, errlen);
	return ret < 0 ? ret : 0;
}

/*
 * Nothing per route comes before the commit: at 100,000 routes, filtering
 * and diffing them first delayed a connection's group update by tens of
 * milliseconds in the guest. The routes of a group that went (the kernel
 * flushed them) leave the installed plan afterwards. A pass in progress
 * is dropped: its target's groups predate the change, and a later step
 * of it would put them back.
 */
int fib_sync_apply_nexthops(struct fib_sync *fs, struct fib_plan *plan, char *err,
			    size_t errlen)
{
	struct fib_plan *installed = &fs->installed;
	size_t kept = 0;
	int ret;

	drop_pass(fs);
	free(plan->routes);
	plan->routes = NULL;
	plan->n_routes = plan->cap_routes = 0;
	plan_sort(plan);
	ret = commit_sorted(fs, plan, NULL, false, err, errlen);
	if (ret)
		return ret;
	for (size_t i = 0; i < installed->n_routes; i++)
		if (!route_left_to_its_group(&installed->routes[i], plan))
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
