// SPDX-License-Identifier: GPL-2.0
/* The XDP allowlist kept in step with the model; see xdp_sync.h. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <bpf/libbpf.h>

#include "array.h"
#include "session.h"
#include "xdp_sync.h"

#define XDP_POLL_MS 1000

const char *xdp_mode_name(enum pe_mode mode)
{
	return mode == PE_MODE_MONITOR ? "monitor" : "enforce";
}

/* ---- peering ids ---- */

int xdp_sync_peering_id(const struct xdp_sync *xs, const char *peering)
{
	for (int id = 0; id < PE_MAX_PEERINGS; id++)
		if (xs->peering[id][0] && !strcmp(xs->peering[id], peering))
			return id;
	return -1;
}

/* An id neither named nor still holding prefixes in the maps. */
static int free_id(const struct xdp_sync *xs)
{
	bool held[PE_MAX_PEERINGS] = { false };

	for (size_t i = 0; i < xs->n_installed; i++)
		held[xs->installed[i].peering_id] = true;
	for (int id = 0; id < PE_MAX_PEERINGS; id++)
		if (!xs->peering[id][0] && !held[id])
			return id;
	return -1;
}

/*
 * Configured peerings keep their ids; new ones get a free one; ids of
 * peerings gone from the configuration are released (their prefixes leave
 * at the next apply, and the id is reused only after that).
 */
static void assign_ids(struct xdp_sync *xs, const struct config *c)
{
	for (int id = 0; id < PE_MAX_PEERINGS; id++)
		if (xs->peering[id][0] && !config_find_peering(c, xs->peering[id]))
			xs->peering[id][0] = '\0';
	for (size_t i = 0; i < c->n_peerings; i++) {
		int id;

		if (xdp_sync_peering_id(xs, c->peerings[i].name) >= 0)
			continue;
		id = free_id(xs);
		if (id < 0) {
			bgpd_log(xs->d, LOG_ERR, "xdp: peering %s: no allowlist id left (at most %d "
				 "peerings)", c->peerings[i].name, PE_MAX_PEERINGS);
			continue;
		}
		snprintf(xs->peering[id], sizeof(xs->peering[id]), "%s", c->peerings[i].name);
	}
}

struct recover_ctx {
	struct xdp_sync *xs;
	const struct config *c;
};

/* A pinned interface configuration names the id its peering had before. */
static int recover_id(int ifindex, unsigned int peering, enum pe_mode mode, void *arg)
{
	struct recover_ctx *rc = arg;
	char name[IF_NAMESIZE];
	const struct config_xdp *x;

	(void)mode;
	if (!if_indextoname((unsigned int)ifindex, name) || !(x = config_find_xdp(rc->c, name)))
		return 0;
	if (!rc->xs->peering[peering][0] && xdp_sync_peering_id(rc->xs, x->peering) < 0)
		snprintf(rc->xs->peering[peering], CONFIG_NAME_MAX, "%s", x->peering);
	return 0;
}

/* ---- prefixes ---- */

static int entry_compare(const void *pa, const void *pb)
{
	const struct xdp_entry *a = pa, *b = pb;
	int d = prefix_compare(&a->pfx, &b->pfx);

	if (!d)
		d = (int)a->peering_id - (int)b->peering_id;
	return d;
}

static int append_entry(struct xdp_entry **arr, size_t *n, const struct xdp_entry *e)
{
	struct xdp_entry *grown = array_grow(*arr, *n, sizeof(**arr));

	if (!grown)
		return -ENOMEM;
	grown[(*n)++] = *e;
	*arr = grown;
	return 0;
}

struct load_ctx {
	struct xdp_entry *arr;
	size_t n;
};

static int load_prefix(int family, const void *addr, unsigned int len, __u64 peerings,
		       void *arg)
{
	struct load_ctx *lc = arg;
	struct xdp_entry e = { .pfx = { .family = (uint8_t)family, .len = (uint8_t)len } };

	memcpy(e.pfx.addr.bytes, addr, family == AF_INET ? 4 : 16);
	for (unsigned int id = 0; id < PE_MAX_PEERINGS; id++) {
		if (!(peerings & 1ULL << id))
			continue;
		e.peering_id = id;
		if (append_entry(&lc->arr, &lc->n, &e))
			return -ENOMEM;
	}
	return 0;
}

/* What the maps hold now, as the library's shadow of them says. */
static int load_installed(struct xdp_sync *xs)
{
	struct load_ctx lc = { 0 };
	int ret = pe_allowlist_foreach(xs->al, load_prefix, &lc);

	if (ret) {
		free(lc.arr);
		return ret;
	}
	array_sort(lc.arr, lc.n, sizeof(*lc.arr), entry_compare);
	free(xs->installed);
	xs->installed = lc.arr;
	xs->n_installed = lc.n;
	return 0;
}

static int entry_update(struct xdp_sync *xs, const struct xdp_entry *e, bool add)
{
	char pfx[PREFIX_STRLEN];
	int ret = add ? pe_allowlist_add(xs->al, e->pfx.family, e->pfx.addr.bytes, e->pfx.len,
					 e->peering_id) :
			pe_allowlist_del(xs->al, e->pfx.family, e->pfx.addr.bytes, e->pfx.len,
					 e->peering_id);

	if (ret && !(ret == -ENOENT && !add)) {
		bgpd_log(xs->d, LOG_ERR, "xdp: %s %s (peering id %u): %s",
			 add ? "allowing" : "removing", prefix_format(&e->pfx, pfx, sizeof(pfx)),
			 e->peering_id, strerror(-ret));
		return ret;
	}
	return 0;
}

static bool held(const struct xdp_entry *e, const struct xdp_entry *set, size_t n)
{
	return n && bsearch(e, set, n, sizeof(*set), entry_compare);
}

static void drop_pass(struct xdp_sync *xs)
{
	free(xs->target);
	xs->target = NULL;
	xs->n_target = 0;
	xs->pass = false;
}

/* An update failed: the maps' truth for the next try, which comes paced. */
static int pass_failed(struct xdp_sync *xs)
{
	drop_pass(xs);
	xs->retry = true;
	load_installed(xs);
	return -1;
}

void xdp_sync_start(struct xdp_sync *xs, struct xdp_entry *want, size_t n)
{
	size_t k = 0;

	drop_pass(xs);
	array_sort(want, n, sizeof(*want), entry_compare);
	for (size_t i = 0; i < n; i++)	/* duplicates: one service prefix, two names */
		if (!k || entry_compare(&want[k - 1], &want[i]))
			want[k++] = want[i];
	xs->target = want;
	xs->n_target = k;
	xs->added_at = xs->removed_at = 0;
	xs->pass = true;
}

bool xdp_sync_busy(const struct xdp_sync *xs)
{
	return xs->pass;
}

/* Merges sorted adds (none installed yet) into installed, from the back. */
static int install_added(struct xdp_sync *xs, const struct xdp_entry *adds, size_t k)
{
	size_t i = xs->n_installed, w = xs->n_installed + k;
	struct xdp_entry *grown;

	if (!k)
		return 0;
	grown = realloc(xs->installed, w * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	xs->installed = grown;
	xs->n_installed = w;
	while (k) {
		if (i && entry_compare(&grown[i - 1], &adds[k - 1]) > 0)
			grown[--w] = grown[--i];
		else
			grown[--w] = adds[--k];
	}
	return 0;
}

/* Additions from the pass's cursor: every moment allows the still-valid sources. */
static int step_additions(struct xdp_sync *xs, size_t max, size_t *looked)
{
	size_t left = xs->n_target - xs->added_at, k = 0;
	struct xdp_entry *adds = malloc((max < left ? max : left) * sizeof(*adds));
	int ret = 0;

	if (!adds)
		return -ENOMEM;
	for (; xs->added_at < xs->n_target && k < max && *looked; xs->added_at++, (*looked)--) {
		const struct xdp_entry *e = &xs->target[xs->added_at];

		if (held(e, xs->installed, xs->n_installed))
			continue;
		ret = entry_update(xs, e, true);
		if (ret)
			break;
		adds[k++] = *e;
	}
	/* What went into the maps goes into installed, even before a failure. */
	if (install_added(xs, adds, k) < 0 && !ret)
		ret = -ENOMEM;
	free(adds);
	return ret;
}

/* Removals from the pass's cursor in installed, which closes up behind it. */
static int step_removals(struct xdp_sync *xs, size_t max, size_t *looked)
{
	struct xdp_entry *in = xs->installed;
	size_t r = xs->removed_at, w = r, k = 0;
	int ret = 0;

	for (; r < xs->n_installed && k < max && *looked; r++, (*looked)--) {
		if (held(&in[r], xs->target, xs->n_target)) {
			in[w++] = in[r];
			continue;
		}
		ret = entry_update(xs, &in[r], false);
		if (ret)
			break;
		k++;
	}
	if (w != r)
		memmove(in + w, in + r, (xs->n_installed - r) * sizeof(*in));
	xs->n_installed -= r - w;
	xs->removed_at = w;
	return ret;
}

int xdp_sync_step(struct xdp_sync *xs, size_t max)
{
	size_t looked;

	if (!xs->pass)
		return 0;
	if (!xs->al) {
		drop_pass(xs);
		return 0;
	}
	max = max ? max : 1;
	looked = max > SIZE_MAX / XDP_STEP_LOOK ? SIZE_MAX : XDP_STEP_LOOK * max;
	if (xs->added_at < xs->n_target) {
		if (step_additions(xs, max, &looked) < 0)
			return pass_failed(xs);
		if (xs->added_at < xs->n_target)
			return 1;
	}
	if (step_removals(xs, max, &looked) < 0)
		return pass_failed(xs);
	if (xs->removed_at < xs->n_installed)
		return 1;
	drop_pass(xs);
	xs->retry = false;
	return 0;
}

/* ---- interfaces ---- */

static uint32_t flags_of(enum config_xdp_attach attach)
{
	return attach == CONFIG_XDP_NATIVE ? XDP_FLAGS_DRV_MODE :
	       attach == CONFIG_XDP_GENERIC ? XDP_FLAGS_SKB_MODE : 0;
}

static __u8 attached_mode(uint32_t ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (!ifindex || bpf_xdp_query((int)ifindex, 0, &q))
		return XDP_ATTACHED_NONE;
	return q.attach_mode;
}

const char *xdp_iface_attach_mode(const struct xdp_iface *ifc)
{
	switch (attached_mode(ifc->ifindex)) {
	case XDP_ATTACHED_DRV:
		return "native";
	case XDP_ATTACHED_SKB:
		return "generic";
	case XDP_ATTACHED_HW:
		return "offload";
	case XDP_ATTACHED_MULTI:
		return "multi";
	default:
		return "none";
	}
}

/*
 * The members of a bond (sysfs), in the daemon's network namespace, as a
 * malloc'd array (NULL when it has none, or is no bond). 0 or -ENOMEM.
 */
static int read_members(const char *name, uint32_t **members, size_t *n)
{
	char path[64 + IF_NAMESIZE], word[IF_NAMESIZE + 1];
	uint32_t *grown;
	FILE *f;

	*members = NULL;
	*n = 0;
	snprintf(path, sizeof(path), "/sys/class/net/%s/bonding/slaves", name);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fscanf(f, "%16s", word) == 1) {
		uint32_t index = if_nametoindex(word);

		if (!index)
			continue;
		grown = array_grow(*members, *n, sizeof(**members));
		if (!grown) {
			free(*members);
			*members = NULL;
			*n = 0;
			fclose(f);
			return -ENOMEM;
		}
		*members = grown;
		(*members)[(*n)++] = index;
	}
	fclose(f);
	return 0;
}

static bool is_ours(const struct xdp_sync *xs, uint32_t ifindex)
{
	for (size_t i = 0; i < xs->n_ifaces; i++) {
		const struct xdp_iface *ifc = &xs->ifaces[i];

		if (ifc->ifindex == ifindex)
			return true;
		for (size_t m = 0; m < ifc->n_members; m++)
			if (ifc->members[m] == ifindex)
				return true;
	}
	return false;
}

/* Takes the program and configuration off an index (the interface may be gone). */
static void unconfigure(struct xdp_sync *xs, uint32_t ifindex, bool detach)
{
	if (detach)
		pe_allowlist_detach(xs->al, (int)ifindex);
	pe_allowlist_del_iface(xs->al, (int)ifindex);
}

/* Forgets what ifc had configured (it is being removed or was recreated). */
static void iface_clear(struct xdp_sync *xs, struct xdp_iface *ifc, bool detach)
{
	for (size_t m = 0; m < ifc->n_members; m++)
		unconfigure(xs, ifc->members[m], false);
	if (ifc->ifindex)
		unconfigure(xs, ifc->ifindex, detach);
	free(ifc->members);
	ifc->members = NULL;
	ifc->n_members = 0;
	ifc->ifindex = 0;
}

static int attach(struct xdp_sync *xs, struct xdp_iface *ifc)
{
	uint32_t flags = flags_of(ifc->attach);
	__u8 now = attached_mode(ifc->ifindex);
	int ret;

	/* native <-> generic is no swap the kernel offers: off, then on. */
	if ((ifc->attach == CONFIG_XDP_NATIVE && now == XDP_ATTACHED_SKB) ||
	    (ifc->attach == CONFIG_XDP_GENERIC && now == XDP_ATTACHED_DRV))
		pe_allowlist_detach(xs->al, (int)ifc->ifindex);
	ret = pe_allowlist_attach(xs->al, (int)ifc->ifindex, flags);
	if (ret == -ENOLINK) {
		/* A pinned link of an interface that was deleted since. */
		pe_allowlist_detach(xs->al, (int)ifc->ifindex);
		ret = pe_allowlist_attach(xs->al, (int)ifc->ifindex, flags);
	}
	return ret;
}

/*
 * Brings ifc in line with the system: configuration of the interface and
 * its members, then the program. force: the wanted settings changed.
 */
static void iface_apply(struct xdp_sync *xs, struct xdp_iface *ifc, bool force)
{
	uint32_t ifindex = if_nametoindex(ifc->name), *members = NULL;
	int id = xdp_sync_peering_id(xs, ifc->peering), ret = 0;
	size_t n_members = 0;

	if (ifindex && read_members(ifc->name, &members, &n_members)) {
		if (ifc->error != -ENOMEM)
			bgpd_log(xs->d, LOG_ERR, "xdp: %s: no memory for its members; "
				 "left as it was", ifc->name);
		ifc->error = -ENOMEM;
		return;
	}
	if (!force && ifindex == ifc->ifindex && !ifc->error && n_members == ifc->n_members &&
	    (!n_members || !memcmp(members, ifc->members, n_members * sizeof(*members)))) {
		free(members);
		return;
	}
	if (ifc->ifindex && ifc->ifindex != ifindex)
		iface_clear(xs, ifc, true);
	if (!ifindex) {
		if (ifc->error != -ENODEV)
			bgpd_log(xs->d, LOG_WARNING, "xdp: interface %s does not exist; the "
				 "allowlist is attached when it appears", ifc->name);
		ifc->error = -ENODEV;
		return;
	}
	if (id < 0) {
		if (ifc->error != -ESRCH)
			bgpd_log(xs->d, LOG_ERR, "xdp: %s: peering %s has no allowlist id; not "
				 "attached", ifc->name, ifc->peering);
		ifc->error = -ESRCH;
		free(members);
		return;
	}
	/* Members that left the bond: their configuration goes. */
	for (size_t m = 0; m < ifc->n_members; m++) {
		bool kept = false;

		for (size_t k = 0; k < n_members; k++)
			kept |= members[k] == ifc->members[m];
		if (!kept)
			unconfigure(xs, ifc->members[m], false);
	}
	ifc->ifindex = ifindex;
	free(ifc->members);
	ifc->members = members;
	ifc->n_members = n_members;
	/* Configuration before the program: it never runs on an unconfigured port. */
	ret = pe_allowlist_set_iface(xs->al, (int)ifindex, (unsigned int)id, ifc->mode);
	for (size_t m = 0; m < n_members && !ret; m++)
		ret = pe_allowlist_set_iface(xs->al, (int)members[m], (unsigned int)id, ifc->mode);
	if (!ret)
		ret = attach(xs, ifc);
	if (ret) {
		if (ret != ifc->error)
			bgpd_log(xs->d, LOG_ERR, "xdp: attaching to %s: %s", ifc->name,
				 strerror(-ret));
	} else if (ifc->error || force) {
		bgpd_log(xs->d, LOG_NOTICE, "xdp: %s: peering %s, mode %s, attached %s%s",
			 ifc->name, ifc->peering, xdp_mode_name(ifc->mode),
			 xdp_iface_attach_mode(ifc), n_members ? " (bond: members too)" : "");
	}
	ifc->error = ret;
}

static void iface_remove(struct xdp_sync *xs, size_t i)
{
	iface_clear(xs, &xs->ifaces[i], true);
	bgpd_log(xs->d, LOG_NOTICE, "xdp: %s detached", xs->ifaces[i].name);
	xs->ifaces[i] = xs->ifaces[--xs->n_ifaces];
}

static struct xdp_iface *iface_add(struct xdp_sync *xs, const char *name)
{
	struct xdp_iface *grown = realloc(xs->ifaces, (xs->n_ifaces + 1) * sizeof(*grown));

	if (!grown)
		return NULL;
	xs->ifaces = grown;
	grown = &xs->ifaces[xs->n_ifaces++];
	memset(grown, 0, sizeof(*grown));
	snprintf(grown->name, sizeof(grown->name), "%s", name);
	grown->error = 1;	/* not yet attached: the first success is logged */
	return grown;
}

const struct xdp_iface *xdp_sync_find(const struct xdp_sync *xs, const char *ifname)
{
	for (size_t i = 0; i < xs->n_ifaces; i++)
		if (!strcmp(xs->ifaces[i].name, ifname))
			return &xs->ifaces[i];
	return NULL;
}

/* Interfaces the maps configure that are not ours (an earlier run's). */
static int drop_foreign(int ifindex, unsigned int peering, enum pe_mode mode, void *arg)
{
	struct xdp_sync *xs = arg;
	char name[IF_NAMESIZE];

	(void)peering;
	(void)mode;
	if (is_ours(xs, (uint32_t)ifindex))
		return 0;
	if (!if_indextoname((unsigned int)ifindex, name))
		snprintf(name, sizeof(name), "if%d", ifindex);
	bgpd_log(xs->d, LOG_NOTICE, "xdp: %s is not configured (an earlier run attached it): "
		 "detached", name);
	unconfigure(xs, (uint32_t)ifindex, true);
	return 0;
}

/* ---- life cycle ---- */

static void apply_all(struct xdp_sync *xs)
{
	for (size_t i = 0; i < xs->n_ifaces; i++)
		iface_apply(xs, &xs->ifaces[i], false);
}

/*
 * Link events: what they say is not read, only that something changed.
 * Drained first, so a burst (a bond built member by member) costs one look.
 */
static void links_readable(struct ev_watch *w, uint32_t events)
{
	struct xdp_sync *xs = (struct xdp_sync *)((char *)w - offsetof(struct xdp_sync, links));
	char buf[8192];
	ssize_t n;

	(void)events;
	do
		n = recv(w->fd, buf, sizeof(buf), MSG_DONTWAIT);
	while (n > 0 || (n < 0 && (errno == EINTR || errno == ENOBUFS)));
	apply_all(xs);
}

/* Subscribes to link events; without them the poll alone follows the bonds. */
static void watch_links(struct xdp_sync *xs)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK };

	xs->links.cb = links_readable;
	xs->links.fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
	if (xs->links.fd >= 0 && !bind(xs->links.fd, (struct sockaddr *)&sa, sizeof(sa)) &&
	    !bgpd_watch(xs->d, &xs->links, EPOLLIN))
		return;
	bgpd_log(xs->d, LOG_WARNING, "xdp: no link events (%s): bond members are looked at "
		 "once a second", strerror(errno));
	if (xs->links.fd >= 0)
		close(xs->links.fd);
	xs->links.fd = -1;
}

static int open_allowlist(struct xdp_sync *xs, char *err, size_t errlen)
{
	/* The per-peering IPv6 pools in the ratios of the library's defaults. */
	struct pe_allowlist_opts opts = { .pin_dir = xs->pin_dir,
					  .v4_blocks = xs->ipv4_blocks,
					  .v6_blocks = xs->ipv6_blocks,
					  .v6_entry_lines = 4 * xs->ipv6_blocks,
					  .v6_lists = 2 * xs->ipv6_blocks };
	int ret = pe_allowlist_open(&opts, &xs->al);

	if (!ret)
		ret = load_installed(xs);
	if (ret) {
		snprintf(err, errlen, "xdp: cannot open the allowlist in %s: %s", xs->pin_dir,
			 strerror(-ret));
		pe_allowlist_close(xs->al);
		xs->al = NULL;
		return -1;
	}
	watch_links(xs);
	return 0;
}

int xdp_sync_open(struct xdp_sync *xs, struct bgpd *d, const struct config *c, char *err,
		  size_t errlen)
{
	char probe[CONFIG_PATH_MAX + 16];
	struct stat st;

	memset(xs, 0, sizeof(*xs));
	xs->d = d;
	xs->links.fd = -1;
	snprintf(xs->pin_dir, sizeof(xs->pin_dir), "%s", c->xdp_pin_dir);
	xs->ipv4_blocks = c->xdp_ipv4_blocks;
	xs->ipv6_blocks = c->xdp_ipv6_blocks;
	snprintf(probe, sizeof(probe), "%s/pe_ifcfg", xs->pin_dir);
	/* Nothing configured, nothing pinned: the daemon leaves bpffs alone. */
	if (!c->n_xdp && stat(probe, &st))
		return 0;
	if (open_allowlist(xs, err, errlen))
		return -1;
	{
		struct recover_ctx rc = { .xs = xs, .c = c };

		pe_allowlist_foreach_iface(xs->al, recover_id, &rc);
	}
	bgpd_log(d, LOG_NOTICE, "xdp: allowlist in %s, %zu prefix entries kept from before",
		 xs->pin_dir, xs->n_installed);
	return 0;
}

void xdp_sync_config(struct xdp_sync *xs, const struct config *c)
{
	char err[512];

	if (strcmp(c->xdp_pin_dir, xs->pin_dir) && xs->al)
		bgpd_log(xs->d, LOG_WARNING, "xdp pin-dir changed: takes effect at restart");
	if (c->xdp_ipv4_blocks != xs->ipv4_blocks && xs->al)
		bgpd_log(xs->d, LOG_WARNING, "xdp ipv4-blocks changed: takes effect at restart");
	if (c->xdp_ipv6_blocks != xs->ipv6_blocks && xs->al)
		bgpd_log(xs->d, LOG_WARNING, "xdp ipv6-blocks changed: takes effect at restart");
	if (!xs->al && !c->n_xdp)
		return;
	if (!xs->al) {
		snprintf(xs->pin_dir, sizeof(xs->pin_dir), "%s", c->xdp_pin_dir);
		xs->ipv4_blocks = c->xdp_ipv4_blocks;
		xs->ipv6_blocks = c->xdp_ipv6_blocks;
		if (open_allowlist(xs, err, sizeof(err))) {
			bgpd_log(xs->d, LOG_ERR, "%s", err);
			return;
		}
	}
	assign_ids(xs, c);
	for (size_t i = xs->n_ifaces; i-- > 0;) {
		const struct xdp_iface *ifc = &xs->ifaces[i];

		if ((ifc->from_config && !config_find_xdp(c, ifc->name)) ||
		    xdp_sync_peering_id(xs, ifc->peering) < 0)
			iface_remove(xs, i);
	}
	for (size_t i = 0; i < c->n_xdp; i++) {
		const struct config_xdp *x = &c->xdp[i];
		struct xdp_iface *ifc = (struct xdp_iface *)xdp_sync_find(xs, x->ifname);
		enum pe_mode mode = x->monitor ? PE_MODE_MONITOR : PE_MODE_ENFORCE;
		bool changed;

		if (!ifc && !(ifc = iface_add(xs, x->ifname))) {
			bgpd_log(xs->d, LOG_ERR, "xdp: %s: out of memory", x->ifname);
			continue;
		}
		changed = !ifc->from_config || ifc->mode != mode || ifc->attach != x->attach ||
			  strcmp(ifc->peering, x->peering);
		ifc->from_config = true;
		ifc->mode = mode;
		ifc->attach = x->attach;
		snprintf(ifc->peering, sizeof(ifc->peering), "%s", x->peering);
		iface_apply(xs, ifc, changed);
	}
	pe_allowlist_foreach_iface(xs->al, drop_foreign, xs);
}

void xdp_sync_poll(struct xdp_sync *xs, int64_t now_ms)
{
	if (!xs->al || now_ms - xs->last_poll_ms < XDP_POLL_MS)
		return;
	xs->last_poll_ms = now_ms;
	apply_all(xs);
}

void xdp_sync_close(struct xdp_sync *xs)
{
	drop_pass(xs);
	pe_allowlist_close(xs->al);
	if (xs->links.fd >= 0)
		close(xs->links.fd);	/* which takes it out of the epoll set too */
	for (size_t i = 0; i < xs->n_ifaces; i++)
		free(xs->ifaces[i].members);
	free(xs->ifaces);
	free(xs->installed);
	memset(xs, 0, sizeof(*xs));
	xs->links.fd = -1;
}

/* ---- the CLI's attach and detach ---- */

/* The peering an attach without "peering NAME" means, or NULL. */
static const char *default_peering(const struct xdp_sync *xs, const struct config *c,
				   const char *ifname)
{
	const struct xdp_iface *ifc = xdp_sync_find(xs, ifname);
	const struct config_xdp *x = config_find_xdp(c, ifname);

	if (ifc)
		return ifc->peering;
	if (x)
		return x->peering;
	return c->n_peerings == 1 ? c->peerings[0].name : NULL;
}

int xdp_sync_attach(struct xdp_sync *xs, const struct config *c, const char *ifname,
		    const char *peering, const enum pe_mode *mode, char *err, size_t errlen)
{
	char name[CONFIG_NAME_MAX];
	struct xdp_iface *ifc, saved;
	bool fresh = false;

	if (!if_nametoindex(ifname)) {
		snprintf(err, errlen, "no interface '%s'", ifname);
		return -ENODEV;
	}
	if (!peering && !(peering = default_peering(xs, c, ifname))) {
		snprintf(err, errlen, "which peering? give 'peering NAME'");
		return -EINVAL;
	}
	if (!config_find_peering(c, peering)) {
		snprintf(err, errlen, "peering '%s' is not configured", peering);
		return -ENOENT;
	}
	/* peering may be the interface's own field, rewritten below. */
	snprintf(name, sizeof(name), "%s", peering);
	if (!xs->al && open_allowlist(xs, err, errlen))
		return -EIO;
	assign_ids(xs, c);
	if (xdp_sync_peering_id(xs, name) < 0) {
		snprintf(err, errlen, "peering %s has no allowlist id (at most %d peerings)",
			 peering, PE_MAX_PEERINGS);
		return -ENOSPC;
	}
	ifc = (struct xdp_iface *)xdp_sync_find(xs, ifname);
	if (!ifc) {
		ifc = iface_add(xs, ifname);
		if (!ifc) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		fresh = true;
	}
	saved = *ifc;
	snprintf(ifc->peering, sizeof(ifc->peering), "%s", name);
	if (mode)
		ifc->mode = *mode;
	iface_apply(xs, ifc, true);
	if (ifc->error) {
		int ret = ifc->error;

		snprintf(err, errlen, "attaching to %s: %s", ifname, strerror(-ret));
		if (fresh) {
			iface_clear(xs, ifc, true);
			xs->n_ifaces--;
		} else {
			*ifc = saved;
			iface_apply(xs, ifc, true);
		}
		return ret;
	}
	return 0;
}

int xdp_sync_detach(struct xdp_sync *xs, const char *ifname, char *err, size_t errlen)
{
	const struct xdp_iface *ifc = xdp_sync_find(xs, ifname);

	if (!ifc) {
		snprintf(err, errlen, "%s is not attached", ifname);
		return -ENOENT;
	}
	if (ifc->from_config)
		bgpd_log(xs->d, LOG_NOTICE, "xdp: %s is in the configuration: detached until the "
			 "next reload", ifname);
	iface_remove(xs, (size_t)(ifc - xs->ifaces));
	return 0;
}

/* ---- counters ---- */

int xdp_iface_counters(const struct xdp_sync *xs, const struct xdp_iface *ifc,
		       struct pe_cnt out[PE_R_MAX])
{
	struct pe_cnt part[PE_R_MAX];
	int ret;

	if (!xs->al || !ifc->ifindex)
		return -ENOENT;
	ret = pe_allowlist_counters(xs->al, (int)ifc->ifindex, out);
	for (size_t m = 0; m < ifc->n_members && !ret; m++) {
		if (pe_allowlist_counters(xs->al, (int)ifc->members[m], part))
			continue;
		for (unsigned int r = 0; r < PE_R_MAX; r++) {
			out[r].packets += part[r].packets;
			out[r].bytes += part[r].bytes;
		}
	}
	return ret;
}

/* Where each table's use and size are in the library's statistics. */
#define TABLE_FIELDS(f) { #f, offsetof(struct pe_allowlist_stats, f##_used), \
			  offsetof(struct pe_allowlist_stats, f) }
static const struct {
	const char *name;
	size_t used, size;
} table_fields[XDP_N_TABLES] = {
	TABLE_FIELDS(v4_blocks), TABLE_FIELDS(v4_wide), TABLE_FIELDS(v4_bitmaps),
	TABLE_FIELDS(v6_chunks), TABLE_FIELDS(v6_ranges), TABLE_FIELDS(v6_blocks),
	TABLE_FIELDS(v6_entry_lines), TABLE_FIELDS(v6_lists),
};

bool xdp_sync_tables(const struct xdp_sync *xs, struct xdp_tables *t)
{
	struct pe_allowlist_stats st;

	if (!xs->al)
		return false;
	pe_allowlist_stats(xs->al, &st);
	t->prefixes = st.prefixes;
	t->v6_slash16_shared = st.v6_slash16_shared;
	for (size_t i = 0; i < XDP_N_TABLES; i++) {
		t->table[i].name = table_fields[i].name;
		memcpy(&t->table[i].used, (const char *)&st + table_fields[i].used, 4);
		memcpy(&t->table[i].size, (const char *)&st + table_fields[i].size, 4);
	}
	return true;
}
