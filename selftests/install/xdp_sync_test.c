// SPDX-License-Identifier: GPL-2.0
/*
 * The allowlist's sync in steps (agent/xdp_sync.c), against the real maps
 * in a bpffs of its own: after every step the maps hold exactly what the
 * sync says is installed, a step makes no more changes than asked, a pass
 * ends at its target, and a pass replaced half-way leaves nothing behind;
 * an interface that appears is configured on its link event, before any
 * poll. Each test runs in a network namespace of its own.
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "session.h"
#include "xdp_sync.h"

FIXTURE(xsync) {
	char dir[64];
	struct bgpd d;
	struct config_xdp x;
	struct config c;
	struct xdp_sync xs;
};

FIXTURE_SETUP(xsync)
{
	char err[512];

	if (unshare(CLONE_NEWNET))
		SKIP(return, "no network namespace of our own: %s", strerror(errno));
	self->d.epfd = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, self->d.epfd);
	snprintf(self->dir, sizeof(self->dir), "/tmp/pe-xdp-sync-test.XXXXXX");
	if (!mkdtemp(self->dir))
		SKIP(return, "mkdtemp: %s", strerror(errno));
	if (mount("bpf", self->dir, "bpf", 0, NULL)) {
		rmdir(self->dir);
		self->dir[0] = 0;
		SKIP(return, "no bpffs of our own: %s", strerror(errno));
	}
	self->d.log_stderr = true;
	/* One xdp statement, so the allowlist opens; nothing is attached here. */
	snprintf(self->x.ifname, sizeof(self->x.ifname), "pe-none0");
	snprintf(self->x.peering, sizeof(self->x.peering), "p0");
	self->c.xdp = &self->x;
	self->c.n_xdp = 1;
	snprintf(self->c.xdp_pin_dir, sizeof(self->c.xdp_pin_dir), "%s/peeredge", self->dir);
	ASSERT_EQ(0, xdp_sync_open(&self->xs, &self->d, &self->c, err, sizeof(err)))
		TH_LOG("%s", err);
	ASSERT_NE(NULL, self->xs.al);
}

FIXTURE_TEARDOWN(xsync)
{
	if (!self->dir[0])
		return;
	xdp_sync_close(&self->xs);
	umount(self->dir);
	rmdir(self->dir);
	close(self->d.epfd);
}

/* Entry i of a family of test prefixes: 10.i.i.0/24, peering i % 3. */
static struct xdp_entry nth(int i)
{
	struct xdp_entry e = { .pfx = { .family = AF_INET, .len = 24 }, .peering_id = i % 3 };

	e.pfx.addr.bytes[0] = 10;
	e.pfx.addr.bytes[1] = (uint8_t)(i >> 8);
	e.pfx.addr.bytes[2] = (uint8_t)i;
	return e;
}

/* Entries first..last (step apart), in reverse order, one twice. */
static struct xdp_entry *want_range(int first, int last, int step, size_t *n)
{
	struct xdp_entry *w = malloc(((last - first) / step + 2) * sizeof(*w));

	*n = 0;
	for (int i = last; i >= first; i -= step)
		w[(*n)++] = nth(i);
	w[*n] = w[0];
	(*n)++;
	return w;
}

struct collected {
	struct xdp_entry e[4096];
	size_t n;
};

static int collect(int family, const void *addr, unsigned int len, __u64 peerings, void *arg)
{
	struct collected *c = arg;

	for (unsigned int id = 0; id < PE_MAX_PEERINGS; id++) {
		if (!(peerings & 1ULL << id) || c->n == 4096)
			continue;
		c->e[c->n] = (struct xdp_entry){ .pfx = { .family = (uint8_t)family,
							  .len = (uint8_t)len },
						 .peering_id = id };
		memcpy(c->e[c->n].pfx.addr.bytes, addr, 4);
		c->n++;
	}
	return 0;
}

static int entry_order(const void *pa, const void *pb)
{
	const struct xdp_entry *a = pa, *b = pb;
	int d = prefix_compare(&a->pfx, &b->pfx);

	return d ? d : (int)a->peering_id - (int)b->peering_id;
}

/* The library's maps hold exactly installed. */
static void expect_maps_are_installed(struct __test_metadata *_metadata,
				      const struct xdp_sync *xs, int step)
{
	static struct collected c;

	c.n = 0;
	ASSERT_EQ(0, pe_allowlist_foreach(xs->al, collect, &c));
	qsort(c.e, c.n, sizeof(c.e[0]), entry_order);
	ASSERT_EQ(xs->n_installed, c.n) TH_LOG("step %d", step);
	for (size_t i = 0; i < c.n; i++) {
		ASSERT_EQ(0, entry_order(&c.e[i], &xs->installed[i]))
			TH_LOG("step %d: %zu", step, i);
	}
}

/* Steps of max to the end; each within max changes; returns how many. */
static int step_to_the_end(struct __test_metadata *_metadata, struct xdp_sync *xs, size_t max)
{
	int steps = 0, ret;

	do {
		size_t before = xs->n_installed;

		ret = xdp_sync_step(xs, max);
		ASSERT_LE(0, ret);
		EXPECT_EQ(ret == 1, xdp_sync_busy(xs));
		/* A step adds or removes, never both, at most max. */
		EXPECT_GE(max, before > xs->n_installed ? before - xs->n_installed :
			       xs->n_installed - before) TH_LOG("step %d", steps);
		expect_maps_are_installed(_metadata, xs, steps);
		steps++;
	} while (ret == 1);
	return steps;
}

static bool installed_is(const struct xdp_sync *xs, int first, int last, int step)
{
	size_t k = 0;

	for (int i = first; i <= last; i += step, k++) {
		struct xdp_entry e = nth(i);

		if (k >= xs->n_installed || entry_order(&e, &xs->installed[k]))
			return false;
	}
	return k == xs->n_installed;
}

TEST_F(xsync, a_pass_in_steps_ends_at_its_target)
{
	struct xdp_entry *want;
	size_t n;
	int steps;

	/* 0..999 from nothing: 1000 additions, 64 a step (16 steps), then
	 * the removals look at the 1000 installed, 1024 a step: 17. */
	want = want_range(0, 999, 1, &n);
	xdp_sync_start(&self->xs, want, n);
	steps = step_to_the_end(_metadata, &self->xs, 64);
	EXPECT_EQ(17, steps);
	EXPECT_TRUE(installed_is(&self->xs, 0, 999, 1));

	/* The even ones of 500..1498: 250 removed (0..499), 250 added, 250 kept. */
	want = want_range(500, 1498, 2, &n);
	xdp_sync_start(&self->xs, want, n);
	step_to_the_end(_metadata, &self->xs, 7);
	EXPECT_TRUE(installed_is(&self->xs, 500, 1498, 2));
	EXPECT_FALSE(self->xs.retry);
}

TEST_F(xsync, a_step_looks_at_a_bounded_window)
{
	struct xdp_entry *want;
	size_t n;

	want = want_range(0, 999, 1, &n);
	xdp_sync_start(&self->xs, want, n);
	step_to_the_end(_metadata, &self->xs, 2000);
	/* The same and one more at the far end: steps of 4 look at 64 each. */
	want = want_range(0, 1000, 1, &n);
	xdp_sync_start(&self->xs, want, n);
	EXPECT_EQ(1001 / (XDP_STEP_LOOK * 4) + 1 + 1000 / (XDP_STEP_LOOK * 4) + 1,
		  step_to_the_end(_metadata, &self->xs, 4));
	EXPECT_TRUE(installed_is(&self->xs, 0, 1000, 1));
}

TEST_F(xsync, a_pass_replaced_half_way_leaves_nothing_behind)
{
	struct xdp_entry *want;
	size_t n;

	want = want_range(0, 499, 1, &n);
	xdp_sync_start(&self->xs, want, n);
	step_to_the_end(_metadata, &self->xs, 100);
	/* Half of 1000..1499 in, 0..249 not yet out: then another target. */
	want = want_range(1000, 1499, 1, &n);
	xdp_sync_start(&self->xs, want, n);
	for (int i = 0; i < 3; i++)
		ASSERT_EQ(1, xdp_sync_step(&self->xs, 100));
	expect_maps_are_installed(_metadata, &self->xs, 0);
	EXPECT_EQ(500 + 300, self->xs.n_installed);
	want = want_range(200, 299, 1, &n);
	xdp_sync_start(&self->xs, want, n);
	step_to_the_end(_metadata, &self->xs, 100);
	/* Nothing of the dropped pass stays allowed. */
	EXPECT_TRUE(installed_is(&self->xs, 200, 299, 1));
}

/*
 * The configured pe-none0 appears: the link event wakes the daemon's loop
 * and the interface is configured then, not at the next poll.
 */
TEST_F(xsync, an_interface_appearing_is_configured_on_its_link_event)
{
	struct config_peering p0 = { .name = "p0" };
	const struct xdp_iface *ifc;
	struct pe_cnt c[PE_R_MAX];
	struct epoll_event ev;
	struct ev_watch *w;
	unsigned int index;

	self->c.peerings = &p0;
	self->c.n_peerings = 1;
	xdp_sync_config(&self->xs, &self->c);
	ifc = xdp_sync_find(&self->xs, "pe-none0");
	ASSERT_NE(NULL, ifc);
	ASSERT_EQ(-ENODEV, ifc->error);
	if (system("ip link add pe-none0 type veth peer name pe-none1"))
		SKIP(return, "cannot create a veth pair");
	index = if_nametoindex("pe-none0");
	ASSERT_NE(0, index);
	ASSERT_EQ(1, epoll_wait(self->d.epfd, &ev, 1, 2000));
	w = ev.data.ptr;
	w->cb(w, ev.events);
	EXPECT_EQ(index, ifc->ifindex);
	EXPECT_NE(-ENODEV, ifc->error);
	EXPECT_EQ(0, pe_allowlist_counters(self->xs.al, (int)index, c));
}

TEST_HARNESS_MAIN
