// SPDX-License-Identifier: GPL-2.0
/*
 * peeredge XDP allowlist: userspace side. See allowlist_user.h for the API
 * and include/peeredge/allowlist.h for the tables. This file: the shadow,
 * the peering sets, interfaces, attach, open; the IPv4 tables are in
 * allowlist_v4.c, the IPv6 tables in allowlist_v6.c.
 *
 * The library keeps a shadow of the registry (prefix -> own peering bitmap)
 * in an open-addressing hash; every table entry the program reads is a
 * function of that shadow, recomputed for the entries a change touches.
 * For the IPv6 tables, whose entries are peering sets:
 *
 *  add:    entry = intern(set(entry) | bit): only ever grows, so the old
 *          and the new value both allow whatever was allowed before;
 *  remove: entry = recomputed from the shadow (the OR of the prefixes that
 *          still cover it): a single store from the old to the new set.
 *
 * Ordering rules that keep lookups valid while tables change:
 *  - a set bitmap is written before any entry refers to its id, ids are
 *    never reused;
 *  - a second-level table (an IPv4 block, wide chunk or bitmap, an IPv6
 *    chunk) is filled before an entry points to it, and freed after the
 *    entry stopped pointing to it; one freed since the last RCU grace
 *    period is reused only after one (chunk_pool.c);
 *  - IPv6 slices are replaced, never changed in place (allowlist_v6.c).
 * Array tables are mmap()ed (BPF_F_MMAPABLE) and written with atomic
 * release stores, so bulk changes cost no system call per entry.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "allowlist_int.h"
#include "allowlist.skel.h"

#define DEF_V4_BLOCKS	262144
#define DEF_V4_WIDE	1024
#define DEF_V4_BITMAPS	16384
#define DEF_V6_CHUNKS	8192
#define DEF_V6_RANGES	(1u << 21)
#define DEF_V6_BLOCKS	65536
#define DEF_V6_LINES	(1u << 18)
#define MAX_V6_LINES	(1u << 25)
#define DEF_V6_LISTS	(1u << 17)
#define DEF_PREFIXES	1048576

/* Set interning: bitmap -> id. */
struct set_ent {
	__u64 bits;
	__u32 id;		/* 0: free slot */
};

static const char *const reason_names[PE_R_MAX] = {
	[PE_R_PASS_SLOW] = "pass_slow",
	[PE_R_PASS_ARP] = "pass_arp",
	[PE_R_PASS_LLDP] = "pass_lldp",
	[PE_R_PASS_ND] = "pass_nd",
	[PE_R_PASS_BGP] = "pass_bgp",
	[PE_R_PASS_BFD] = "pass_bfd",
	[PE_R_PASS_V4] = "pass_v4",
	[PE_R_PASS_V6] = "pass_v6",
	[PE_R_PASS_NOCFG] = "pass_nocfg",
	[PE_R_DROP_V4_SRC] = "drop_v4_src",
	[PE_R_DROP_V6_SRC] = "drop_v6_src",
	[PE_R_DROP_ETHERTYPE] = "drop_ethertype",
	[PE_R_DROP_MALFORMED] = "drop_malformed",
	[PE_R_MON_V4_SRC] = "monitor_v4_src",
	[PE_R_MON_V6_SRC] = "monitor_v6_src",
	[PE_R_MON_ETHERTYPE] = "monitor_ethertype",
	[PE_R_MON_MALFORMED] = "monitor_malformed",
};

const char *pe_reason_name(unsigned int reason)
{
	return reason < PE_R_MAX ? reason_names[reason] : "?";
}

/* ---- shadow registry ---- */

static size_t key_hash(const struct pe_prefix_key *k)
{
	__u64 a, b;
	__u32 c;

	memcpy(&a, k->addr, 8);
	memcpy(&b, k->addr + 8, 8);
	c = (__u32)k->family << 8 | k->len;
	return mix64(a ^ mix64(b ^ c));
}

static int shadow_init(struct shadow *s, size_t cap)
{
	s->cap = cap;
	s->n = 0;
	s->ent = calloc(cap, sizeof(*s->ent));
	return s->ent ? 0 : -ENOMEM;
}

static struct shadow_ent *shadow_find(const struct shadow *s,
				      const struct pe_prefix_key *k)
{
	size_t m = s->cap - 1, i = key_hash(k) & m;

	while (s->ent[i].used) {
		if (!memcmp(&s->ent[i].key, k, sizeof(*k)))
			return &s->ent[i];
		i = (i + 1) & m;
	}
	return NULL;
}

static int shadow_grow(struct shadow *s)
{
	struct shadow old = *s;
	size_t i;

	if (shadow_init(s, old.cap * 2)) {
		*s = old;
		return -ENOMEM;
	}
	for (i = 0; i < old.cap; i++) {
		size_t m = s->cap - 1, j;

		if (!old.ent[i].used)
			continue;
		j = key_hash(&old.ent[i].key) & m;
		while (s->ent[j].used)
			j = (j + 1) & m;
		s->ent[j] = old.ent[i];
		s->n++;
	}
	free(old.ent);
	return 0;
}

static struct shadow_ent *shadow_insert(struct shadow *s,
					const struct pe_prefix_key *k)
{
	struct shadow_ent *e = shadow_find(s, k);
	size_t m, i;

	if (e)
		return e;
	if ((s->n + 1) * 2 > s->cap && shadow_grow(s))
		return NULL;
	m = s->cap - 1;
	i = key_hash(k) & m;
	while (s->ent[i].used)
		i = (i + 1) & m;
	s->ent[i].key = *k;
	s->ent[i].used = 1;
	s->ent[i].own = 0;
	s->n++;
	return &s->ent[i];
}

/* Backward-shift deletion keeps probe chains intact without tombstones. */
static void shadow_remove(struct shadow *s, struct shadow_ent *e)
{
	size_t m = s->cap - 1, i = e - s->ent, j = i, h;

	for (;;) {
		j = (j + 1) & m;
		if (!s->ent[j].used)
			break;
		h = key_hash(&s->ent[j].key) & m;
		/* Can the entry at j move into the hole at i? */
		if ((i <= j) ? (h <= i || h > j) : (h <= i && h > j)) {
			s->ent[i] = s->ent[j];
			i = j;
		}
	}
	s->ent[i].used = 0;
	s->n--;
}

/* ---- addresses ---- */

static void mask_addr(__u8 *dst, const __u8 *src, unsigned int len,
		      unsigned int bytes)
{
	unsigned int i;

	for (i = 0; i < bytes; i++) {
		unsigned int bits = len > i * 8 ? len - i * 8 : 0;

		dst[i] = bits >= 8 ? src[i] : src[i] & (__u8)(0xff00 >> bits);
	}
}

static void make_key(struct pe_prefix_key *k, int family, const __u8 *addr,
		     unsigned int len)
{
	memset(k, 0, sizeof(*k));
	k->family = family;
	k->len = len;
	mask_addr(k->addr, addr, len, family == AF_INET ? 4 : 16);
}

__u64 al_own_bits(struct pe_allowlist *al, int family, const __u8 *addr,
		  unsigned int len)
{
	struct pe_prefix_key k;
	struct shadow_ent *e;

	if (!al->nlen[family == AF_INET6][len])
		return 0;
	make_key(&k, family, addr, len);
	e = shadow_find(&al->shadow, &k);
	return e ? e->own : 0;
}

__u64 al_cover_bits(struct pe_allowlist *al, int family, const __u8 *addr,
		    unsigned int lo, unsigned int hi)
{
	__u64 bits = 0;
	unsigned int l;

	for (l = lo; l <= hi; l++)
		bits |= al_own_bits(al, family, addr, l);
	return bits;
}

/* ---- sets ---- */

static __u64 set_bits(struct pe_allowlist *al, __u32 id)
{
	return id < al->sets_max ? al->sets[id] : 0;
}

static int set_tab_put(struct pe_allowlist *al, __u64 bits, __u32 id)
{
	size_t m = al->set_cap - 1, i = mix64(bits) & m;

	while (al->set_tab[i].id) {
		if (al->set_tab[i].bits == bits)
			return 0;
		i = (i + 1) & m;
	}
	al->set_tab[i].bits = bits;
	al->set_tab[i].id = id;
	return 0;
}

__u32 al_intern(struct pe_allowlist *al, __u64 bits, int *err)
{
	size_t m = al->set_cap - 1, i = mix64(bits) & m;
	__u32 id;

	if (!bits)
		return 0;
	while (al->set_tab[i].id) {
		if (al->set_tab[i].bits == bits)
			return al->set_tab[i].id;
		i = (i + 1) & m;
	}
	if (al->sets_next >= al->sets_max) {
		*err = -ENOSPC;
		return 0;
	}
	id = al->sets_next++;
	store64(&al->sets[id], bits);
	al->set_tab[i].bits = bits;
	al->set_tab[i].id = id;
	return id;
}

__u32 al_set_or(struct pe_allowlist *al, __u32 id, __u64 bits, int *err)
{
	__u64 had = set_bits(al, id);

	return (had & bits) == bits ? id : al_intern(al, had | bits, err);
}

/* ---- prefixes ---- */

static int check_prefix(int family, const void *addr, unsigned int len)
{
	__u8 m[16];
	unsigned int bytes;

	if (family == AF_INET)
		bytes = 4;
	else if (family == AF_INET6)
		bytes = 16;
	else
		return -EAFNOSUPPORT;
	if (!addr || len > bytes * 8)
		return -EINVAL;
	mask_addr(m, addr, len, bytes);
	return memcmp(m, addr, bytes) ? -EINVAL : 0;
}

/*
 * An add that failed (a table or the set ids full): the registry and the
 * shadow go back to before, and the entries the add had already widened
 * are recomputed from them. Recomputing needs no new space when nothing
 * changed (the slice of the failed /24 is left as it is).
 */
static void add_undo(struct pe_allowlist *al, const struct pe_prefix_key *k,
		     __u64 before, __u64 added)
{
	struct shadow_ent *e = shadow_find(&al->shadow, k);
	bool v6 = k->family == AF_INET6;

	if (!e)
		return;
	if (before) {
		e->own = before;
		bpf_map_update_elem(al->reg_fd, k, &before, BPF_ANY);
	} else {
		shadow_remove(&al->shadow, e);
		al->nlen[v6][k->len]--;
		bpf_map_delete_elem(al->reg_fd, k);
	}
	if (v6)
		al_v6_del(al, k->addr, k->len, added, !before);
	else
		al_v4_del(al, k->addr, k->len, added, !before);
}

int pe_allowlist_add(struct pe_allowlist *al, int family, const void *addr,
		     unsigned int len, unsigned int peering)
{
	struct pe_prefix_key k;
	struct shadow_ent *e;
	__u64 bit, own;
	bool fresh;
	int err;

	err = check_prefix(family, addr, len);
	if (err)
		return err;
	if (peering >= PE_MAX_PEERINGS)
		return -ERANGE;
	bit = 1ULL << peering;
	make_key(&k, family, addr, len);
	e = shadow_find(&al->shadow, &k);
	own = (e ? e->own : 0) | bit;
	fresh = !e;
	/* Registry first: a crash in between leaves it to the next add. */
	if (bpf_map_update_elem(al->reg_fd, &k, &own, BPF_ANY))
		return -errno;
	if (!e) {
		e = shadow_insert(&al->shadow, &k);
		if (!e)
			return -ENOMEM;
		al->nlen[family == AF_INET6][len]++;
	}
	e->own = own;
	/* Always applied, so that adding again repairs a half-done add. */
	err = family == AF_INET ? al_v4_add(al, k.addr, len, bit, fresh) :
				  al_v6_add(al, k.addr, len, bit, fresh);
	if (err)
		add_undo(al, &k, own & ~bit, bit);
	return err;
}

/*
 * A removal that failed part-way (a table without room for what is left
 * once the prefix goes, or out of memory): the prefix stays, as the
 * registry still holds it, so that removing it again retries. The tables
 * are made to allow it again, best effort: where that fails too, a table
 * stays without it, which is what the caller asked for.
 */
static void del_undo(struct pe_allowlist *al, struct shadow_ent *e,
		     __u64 bit, bool gone)
{
	const struct pe_prefix_key *k = &e->key;

	e->own |= bit;
	if (k->family == AF_INET6)
		al_v6_add(al, k->addr, k->len, bit, gone);
	else
		al_v4_add(al, k->addr, k->len, bit, gone);
}

int pe_allowlist_del(struct pe_allowlist *al, int family, const void *addr,
		     unsigned int len, unsigned int peering)
{
	struct pe_prefix_key k;
	struct shadow_ent *e;
	bool gone;
	__u64 bit;
	int err;

	err = check_prefix(family, addr, len);
	if (err)
		return err;
	if (peering >= PE_MAX_PEERINGS)
		return -ERANGE;
	bit = 1ULL << peering;
	make_key(&k, family, addr, len);
	e = shadow_find(&al->shadow, &k);
	if (!e || !(e->own & bit))
		return -ENOENT;
	/* Emptied, the entry stays in the shadow until the tables are done. */
	e->own &= ~bit;
	gone = !e->own;
	/* Tables first, registry last: a crash in between is repaired by
	 * removing again. */
	err = family == AF_INET ? al_v4_del(al, k.addr, len, bit, gone) :
				  al_v6_del(al, k.addr, len, bit, gone);
	if (err) {
		del_undo(al, e, bit, gone);
		return err;
	}
	if (!gone)
		return bpf_map_update_elem(al->reg_fd, &k, &e->own, BPF_ANY) ?
		       -errno : 0;
	shadow_remove(&al->shadow, e);
	al->nlen[family == AF_INET6][len]--;
	if (bpf_map_delete_elem(al->reg_fd, &k) && errno != ENOENT)
		return -errno;
	return 0;
}

int pe_allowlist_foreach(const struct pe_allowlist *al, pe_prefix_fn fn,
			 void *ctx)
{
	size_t i;
	int ret;

	for (i = 0; i < al->shadow.cap; i++) {
		const struct shadow_ent *e = &al->shadow.ent[i];

		if (!e->used || !e->own)
			continue;
		ret = fn(e->key.family, e->key.addr, e->key.len, e->own, ctx);
		if (ret)
			return ret;
	}
	return 0;
}

int pe_allowlist_allowed(struct pe_allowlist *al, int family, const void *addr,
			 unsigned int peering)
{
	const __u8 *b = addr;
	__u64 bit;

	if (peering >= PE_MAX_PEERINGS)
		return 0;
	bit = 1ULL << peering;
	if (family == AF_INET)
		return al_v4_allowed(al, b, peering);
	if (family == AF_INET6) {
		int r = al_v6p_allowed(al, b, peering);

		return r != V6P_ASK_SHARED ? r :
		       !!(set_bits(al, al_v6_lookup(al, b)) & bit);
	}
	return -EAFNOSUPPORT;
}

/* ---- interfaces, counters ---- */

static int ifcfg_get(struct pe_allowlist *al, int ifindex,
		     struct pe_ifcfg *cfg)
{
	__u32 key = ifindex;

	if (ifindex <= 0 || ifindex >= PE_MAX_IFINDEX)
		return -ERANGE;
	if (bpf_map_lookup_elem(al->ifcfg_fd, &key, cfg))
		return -errno;
	return 0;
}

static int ifcfg_put(struct pe_allowlist *al, int ifindex,
		     const struct pe_ifcfg *cfg)
{
	__u32 key = ifindex;

	return bpf_map_update_elem(al->ifcfg_fd, &key, cfg, BPF_ANY) ? -errno : 0;
}

static int slot_clear(struct pe_allowlist *al, __u32 slot)
{
	int ncpu = libbpf_num_possible_cpus();
	struct pe_cnt *zero;
	unsigned int r;
	int err = 0;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	zero = calloc(ncpu, sizeof(*zero));
	if (!zero)
		return -ENOMEM;
	for (r = 0; r < PE_R_MAX && !err; r++) {
		__u32 idx = slot * PE_R_MAX + r;

		if (bpf_map_update_elem(al->cnt_fd, &idx, zero, BPF_ANY))
			err = -errno;
	}
	free(zero);
	return err;
}

int pe_allowlist_set_iface(struct pe_allowlist *al, int ifindex,
			   unsigned int peering, enum pe_mode mode)
{
	bool used[PE_MAX_IFACES] = { true };	/* slot 0: unconfigured */
	struct pe_ifcfg cfg;
	__u32 i, slot;
	int err;

	if (peering >= PE_MAX_PEERINGS ||
	    (mode != PE_MODE_ENFORCE && mode != PE_MODE_MONITOR))
		return -ERANGE;
	err = ifcfg_get(al, ifindex, &cfg);
	if (err)
		return err;
	if (cfg.active) {
		/* Each field is one aligned store: no torn state matters. */
		cfg.peering = peering;
		cfg.mode = mode;
		return ifcfg_put(al, ifindex, &cfg);
	}
	for (i = 1; i < PE_MAX_IFINDEX; i++)
		if (al->ifcfg[i].active && al->ifcfg[i].slot < PE_MAX_IFACES)
			used[al->ifcfg[i].slot] = true;
	for (slot = 1; slot < PE_MAX_IFACES && used[slot]; slot++)
		;
	if (slot == PE_MAX_IFACES)
		return -ENOSPC;
	err = slot_clear(al, slot);
	if (err)
		return err;
	/* Everything but active first, then active alone. */
	cfg = (struct pe_ifcfg){ .peering = peering, .mode = mode, .slot = slot };
	err = ifcfg_put(al, ifindex, &cfg);
	if (err)
		return err;
	cfg.active = 1;
	return ifcfg_put(al, ifindex, &cfg);
}

int pe_allowlist_del_iface(struct pe_allowlist *al, int ifindex)
{
	struct pe_ifcfg cfg, off = {};
	int err;

	err = ifcfg_get(al, ifindex, &cfg);
	if (err)
		return err;
	if (!cfg.active)
		return -ENOENT;
	err = ifcfg_put(al, ifindex, &off);
	if (err)
		return err;
	return cfg.slot < PE_MAX_IFACES ? slot_clear(al, cfg.slot) : 0;
}

int pe_allowlist_foreach_iface(const struct pe_allowlist *al, pe_iface_fn fn,
			       void *ctx)
{
	int i, ret;

	for (i = 1; i < PE_MAX_IFINDEX; i++) {
		const struct pe_ifcfg *c = &al->ifcfg[i];

		if (!c->active)
			continue;
		ret = fn(i, c->peering, (enum pe_mode)c->mode, ctx);
		if (ret)
			return ret;
	}
	return 0;
}

int pe_allowlist_counters(struct pe_allowlist *al, int ifindex,
			  struct pe_cnt out[PE_R_MAX])
{
	int ncpu = libbpf_num_possible_cpus(), i, err;
	struct pe_ifcfg cfg = {};
	struct pe_cnt *per;
	unsigned int r;

	if (ncpu <= 0)
		return ncpu ? ncpu : -EINVAL;
	if (ifindex) {
		err = ifcfg_get(al, ifindex, &cfg);
		if (err)
			return err;
		if (!cfg.active || cfg.slot >= PE_MAX_IFACES)
			return -ENOENT;
	}
	per = calloc(ncpu, sizeof(*per));
	if (!per)
		return -ENOMEM;
	for (r = 0; r < PE_R_MAX; r++) {
		__u32 idx = cfg.slot * PE_R_MAX + r;

		out[r].packets = out[r].bytes = 0;
		if (bpf_map_lookup_elem(al->cnt_fd, &idx, per))
			continue;
		for (i = 0; i < ncpu; i++) {
			out[r].packets += per[i].packets;
			out[r].bytes += per[i].bytes;
		}
	}
	free(per);
	return 0;
}

/* ---- attach ---- */

static struct link_ent *link_slot(struct pe_allowlist *al, int ifindex)
{
	int i;

	for (i = 0; i < PE_MAX_LINKS; i++)
		if (al->links[i].fd >= 0 && al->links[i].ifindex == ifindex)
			return &al->links[i];
	return NULL;
}

static void link_path(const struct pe_allowlist *al, int ifindex, char *buf,
		      size_t len)
{
	snprintf(buf, len, "%s/link_%d", al->pin_dir, ifindex);
}

int pe_allowlist_prog_fd(const struct pe_allowlist *al)
{
	return bpf_program__fd(al->skel->progs.pe_allowlist);
}

int pe_allowlist_attach(struct pe_allowlist *al, int ifindex, __u32 xdp_flags)
{
	int prog = pe_allowlist_prog_fd(al), fd, err, i;
	LIBBPF_OPTS(bpf_link_create_opts, lopts, .flags = xdp_flags);
	struct pe_ifcfg cfg;
	struct link_ent *le;
	char path[PATH_MAX];
	__u32 old_id = 0;

	err = ifcfg_get(al, ifindex, &cfg);
	if (err)
		return err;
	if (!cfg.active)
		return -ENOENT;
	/* A link of ours already there: swap the program in one step. */
	le = link_slot(al, ifindex);
	if (le)
		return bpf_link_update(le->fd, prog, NULL) ? -errno : 0;
	if (al->pin_dir) {
		link_path(al, ifindex, path, sizeof(path));
		fd = bpf_obj_get(path);
		if (fd >= 0) {
			err = bpf_link_update(fd, prog, NULL) ? -errno : 0;
			close(fd);
			return err;
		}
	}
	for (i = 0; i < PE_MAX_LINKS && al->links[i].fd >= 0; i++)
		;
	if (i == PE_MAX_LINKS)
		return -ENOSPC;
	fd = bpf_link_create(prog, ifindex, BPF_XDP, &lopts);
	if (fd < 0) {
		err = -errno;
		/* Attached through netlink (ip link, xdp-loader): replace. */
		if (err != -EBUSY && err != -EEXIST)
			return err;
		if (bpf_xdp_query_id(ifindex, xdp_flags, &old_id) || !old_id)
			return err;
		{
			LIBBPF_OPTS(bpf_xdp_attach_opts, xopts);
			int old = bpf_prog_get_fd_by_id(old_id);

			if (old < 0)
				return -errno;
			xopts.old_prog_fd = old;
			err = bpf_xdp_attach(ifindex, prog,
					     xdp_flags | XDP_FLAGS_REPLACE, &xopts);
			close(old);
			return err;
		}
	}
	if (al->pin_dir && bpf_obj_pin(fd, path)) {
		err = -errno;
		close(fd);
		return err;
	}
	al->links[i].ifindex = ifindex;
	al->links[i].fd = fd;
	return 0;
}

int pe_allowlist_detach(struct pe_allowlist *al, int ifindex)
{
	struct link_ent *le = link_slot(al, ifindex);
	char path[PATH_MAX];
	int fd = -1, err = 0;

	if (le) {
		fd = le->fd;
		le->fd = -1;
	} else if (al->pin_dir) {
		link_path(al, ifindex, path, sizeof(path));
		fd = bpf_obj_get(path);
	}
	if (fd >= 0) {
		if (bpf_link_detach(fd))
			err = -errno;
		close(fd);
	} else {
		/* Attached through netlink: whatever mode it is in. */
		static const __u32 modes[] = { XDP_FLAGS_SKB_MODE,
					       XDP_FLAGS_DRV_MODE,
					       XDP_FLAGS_HW_MODE };
		unsigned int i;

		err = -ENOENT;
		for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
			__u32 id = 0;

			if (bpf_xdp_query_id(ifindex, modes[i], &id) || !id)
				continue;
			err = bpf_xdp_detach(ifindex, modes[i], NULL);
			if (err)
				break;
		}
	}
	if (al->pin_dir) {
		link_path(al, ifindex, path, sizeof(path));
		unlink(path);
	}
	return err;
}

/* ---- open / rebuild ---- */

static void *map_mmap(struct bpf_map *m)
{
	size_t sz = (size_t)bpf_map__max_entries(m) * bpf_map__value_size(m);
	void *p;

	p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_SHARED, bpf_map__fd(m), 0);
	return p == MAP_FAILED ? NULL : p;
}

static void map_munmap(struct bpf_map *m, void *p)
{
	if (p)
		munmap(p, (size_t)bpf_map__max_entries(m) * bpf_map__value_size(m));
}

static int mkdir_p(const char *dir)
{
	char buf[PATH_MAX], *s;

	if (snprintf(buf, sizeof(buf), "%s", dir) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = 0;
		if (mkdir(buf, 0700) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(buf, 0700) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Pins of maps of earlier layouts that no program reads any more. */
static const char *const retired_maps[] = {
	"pe_v6_top", "pe_v6_hash", "pe_v4_any16", "pe_v4_tbl24", "pe_v4_tbl8",
	"pe_v6p_entries", "pe_v6p_ext",
};

/* The address tables of each family, reused together or not at all. */
static const struct {
	const char *name;
	int family;		/* 4 or 6 */
} addr_tables[] = {
	{ "pe_v4_dir", 4 }, { "pe_v4_blocks", 4 }, { "pe_v4_wide", 4 },
	{ "pe_v4_bits", 4 }, { "pe_v6_dir", 6 }, { "pe_v6_tbl", 6 },
	{ "pe_v6_ranges", 6 }, { "pe_v6p_dir", 6 }, { "pe_v6p_blocks", 6 },
	{ "pe_v6p_lines", 6 }, { "pe_v6p_lists", 6 },
};

#define N_ADDR_TABLES (sizeof(addr_tables) / sizeof(addr_tables[0]))

/* 4 or 6 for an address table of that family, else 0. */
static int table_family(const char *name)
{
	unsigned int i;

	for (i = 0; i < N_ADDR_TABLES; i++)
		if (!strcmp(name, addr_tables[i].name))
			return addr_tables[i].family;
	return 0;
}

/*
 * A pinned map this program can use as it is: same type, key, value and
 * flags. Another layout (an older peeredge) is not reused.
 */
static bool pin_compatible(const struct bpf_map *m, const char *path,
			   __u32 *max_entries)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	int fd = bpf_obj_get(path), err;

	if (fd < 0)
		return false;
	err = bpf_obj_get_info_by_fd(fd, &info, &len);
	close(fd);
	*max_entries = info.max_entries;
	return !err && info.type == bpf_map__type(m) &&
	       info.key_size == bpf_map__key_size(m) &&
	       info.value_size == bpf_map__value_size(m) &&
	       info.map_flags == bpf_map__map_flags(m);
}

static int map_pin_path(const struct pe_allowlist *al, const char *name,
			char *path)
{
	if (snprintf(path, PATH_MAX, "%s/%s", al->pin_dir, name) >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

/* The size the caller set for map m, as it is created; 0: none set. */
static __u32 size_asked(const struct pe_allowlist *al, const struct bpf_map *m)
{
	const struct pe_allowlist_opts *o = &al->asked;
	const struct allowlist_bpf *s = al->skel;

	if (m == s->maps.pe_v4_blocks)
		return o->v4_blocks;
	if (m == s->maps.pe_v4_wide)
		return o->v4_wide;
	if (m == s->maps.pe_v4_bits)
		return o->v4_bitmaps;
	if (m == s->maps.pe_v6_tbl)
		return o->v6_chunks;
	if (m == s->maps.pe_v6_ranges)
		return o->v6_ranges ? 1u << range_order(o->v6_ranges) : 0;
	if (m == s->maps.pe_v6p_blocks)
		return o->v6_blocks;
	if (m == s->maps.pe_v6p_lines)
		return o->v6_entry_lines ? 1u << range_order(o->v6_entry_lines) : 0;
	if (m == s->maps.pe_v6p_lists)
		return o->v6_lists;
	return 0;
}

/*
 * Pin paths for every map; sizes follow maps already pinned there unless
 * the caller set them. The
 * address tables of a family are reused together or not at all: when one
 * of them is missing or of another layout, all are replaced by new ones,
 * which rebuild() fills from the registry (al->v4_reused, al->v6_reused
 * false).
 */
static int setup_pins(struct pe_allowlist *al)
{
	char path[PATH_MAX];
	struct bpf_map *m;
	unsigned int i;
	__u32 max, asked;
	/* Address tables found compatible, and in all, by family (4, 6). */
	unsigned int ok[7] = { 0 }, want[7] = { 0 };
	int err, fam;

	err = mkdir_p(al->pin_dir);
	if (err)
		return err;
	for (i = 0; i < sizeof(retired_maps) / sizeof(retired_maps[0]); i++) {
		err = map_pin_path(al, retired_maps[i], path);
		if (err)
			return err;
		if (unlink(path) && errno != ENOENT)
			return -errno;
	}
	bpf_object__for_each_map(m, al->skel->obj) {
		err = map_pin_path(al, bpf_map__name(m), path);
		if (err)
			return err;
		asked = size_asked(al, m);
		if (pin_compatible(m, path, &max) && (!asked || max == asked))
			ok[table_family(bpf_map__name(m))]++;
	}
	for (i = 0; i < N_ADDR_TABLES; i++)
		want[addr_tables[i].family]++;
	al->v4_reused = ok[4] == want[4];
	al->v6_reused = ok[6] == want[6];
	bpf_object__for_each_map(m, al->skel->obj) {
		err = map_pin_path(al, bpf_map__name(m), path);
		if (err)
			return err;
		fam = table_family(bpf_map__name(m));
		if ((fam == 4 && !al->v4_reused) || (fam == 6 && !al->v6_reused) ||
		    (!pin_compatible(m, path, &max) && access(path, F_OK) == 0)) {
			if (unlink(path) && errno != ENOENT)
				return -errno;
		} else if (access(path, F_OK) == 0) {
			err = bpf_map__set_max_entries(m, max);
			if (err)
				return err;
		}
		err = bpf_map__set_pin_path(m, path);
		if (err)
			return err;
	}
	return 0;
}

static int rebuild(struct pe_allowlist *al)
{
	struct pe_prefix_key k, next, *prev = NULL;
	__u32 idx, order_max;
	__u64 own;
	int err;

	/* Registry -> shadow. */
	while (!bpf_map_get_next_key(al->reg_fd, prev, &next)) {
		struct shadow_ent *e;

		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(al->reg_fd, &k, &own) || !own)
			continue;
		if ((k.family != AF_INET && k.family != AF_INET6) ||
		    k.len > (k.family == AF_INET ? 32 : 128))
			continue;
		e = shadow_insert(&al->shadow, &k);
		if (!e)
			return -ENOMEM;
		if (!e->own)
			al->nlen[k.family == AF_INET6][k.len]++;
		e->own = own;
	}
	/* Sets in use. */
	for (idx = 1; idx < al->sets_max; idx++) {
		if (!al->sets[idx])
			continue;
		set_tab_put(al, al->sets[idx], idx);
		al->sets_next = idx + 1;
	}
	err = al_v4_open(al, bpf_map__max_entries(al->skel->maps.pe_v4_blocks),
			 bpf_map__max_entries(al->skel->maps.pe_v4_wide),
			 bpf_map__max_entries(al->skel->maps.pe_v4_bits));
	if (err)
		return err;
	order_max = range_order(bpf_map__max_entries(al->skel->maps.pe_v6_ranges));
	err = al_v6_open(al, bpf_map__max_entries(al->skel->maps.pe_v6_tbl),
			 order_max);
	if (err)
		return err;
	return al_v6p_open(al, bpf_map__max_entries(al->skel->maps.pe_v6p_blocks),
			   bpf_map__max_entries(al->skel->maps.pe_v6p_lines),
			   bpf_map__max_entries(al->skel->maps.pe_v6p_lists));
}

void pe_allowlist_close(struct pe_allowlist *al)
{
	size_t i;

	if (!al)
		return;
	for (i = 0; i < PE_MAX_LINKS; i++)
		if (al->links[i].fd >= 0)
			close(al->links[i].fd);
	if (al->skel) {
		__typeof__(al->skel->maps) *m = &al->skel->maps;

		map_munmap(m->pe_sets, al->sets);
		map_munmap(m->pe_v4_dir, al->v4dir);
		map_munmap(m->pe_v4_blocks, al->v4blk);
		map_munmap(m->pe_v4_wide, al->v4wide);
		map_munmap(m->pe_v4_bits, al->v4bits);
		map_munmap(m->pe_v6_dir, al->v6dir);
		map_munmap(m->pe_v6_tbl, al->v6tbl);
		map_munmap(m->pe_v6_ranges, al->v6rng);
		map_munmap(m->pe_v6p_dir, al->v6pdir);
		map_munmap(m->pe_v6p_blocks, al->v6pblk);
		map_munmap(m->pe_v6p_lines, al->v6plines);
		map_munmap(m->pe_v6p_lists, al->v6plists);
		map_munmap(m->pe_ifcfg, al->ifcfg);
		allowlist_bpf__destroy(al->skel);
	}
	free(al->shadow.ent);
	free(al->set_tab);
	al_v4_close(al);
	al_v6_close(al);
	al_v6p_close(al);
	free(al->pin_dir);
	free(al);
}

int pe_allowlist_open(const struct pe_allowlist_opts *opts,
		      struct pe_allowlist **alp)
{
	struct pe_allowlist_opts o = opts ? *opts : (struct pe_allowlist_opts){};
	__typeof__(((struct allowlist_bpf *)0)->maps) *m;
	struct pe_allowlist *al;
	int err, i;

	*alp = NULL;
	if (!o.v4_blocks)
		o.v4_blocks = DEF_V4_BLOCKS;
	if (!o.v4_wide)
		o.v4_wide = DEF_V4_WIDE;
	if (!o.v4_bitmaps)
		o.v4_bitmaps = DEF_V4_BITMAPS;
	if (!o.v6_chunks)
		o.v6_chunks = DEF_V6_CHUNKS;
	if (!o.v6_ranges)
		o.v6_ranges = DEF_V6_RANGES;
	if (!o.v6_blocks)
		o.v6_blocks = DEF_V6_BLOCKS;
	if (!o.v6_entry_lines)
		o.v6_entry_lines = DEF_V6_LINES;
	if (!o.v6_lists)
		o.v6_lists = DEF_V6_LISTS;
	if (!o.prefixes)
		o.prefixes = DEF_PREFIXES;
	if (o.v4_blocks > PE_V4_INDEX_MASK + 1 ||
	    o.v4_wide > PE_V4_INDEX_MASK + 1 ||
	    o.v4_bitmaps > PE_V4_INDEX_MASK + 1 ||
	    o.v6_chunks > PE_V6_CHUNK_MASK + 1 ||
	    o.v6_ranges > 1u << PE_V6_SLICE_SHIFT ||
	    o.v6_blocks > PE_V6P_INDEX_MASK + 1 ||
	    o.v6_entry_lines > MAX_V6_LINES ||
	    o.v6_lists > PE_V6P_INDEX_MASK + 1)
		return -ERANGE;
	al = calloc(1, sizeof(*al));
	if (!al)
		return -ENOMEM;
	for (i = 0; i < PE_MAX_LINKS; i++)
		al->links[i].fd = -1;
	if (opts)
		al->asked = *opts;
	al->asked.pin_dir = NULL;	/* o.pin_dir, copied below */
	err = -ENOMEM;
	if (o.pin_dir && !(al->pin_dir = strdup(o.pin_dir)))
		goto fail;
	al->skel = allowlist_bpf__open();
	if (!al->skel) {
		err = -errno;
		goto fail;
	}
	m = &al->skel->maps;
	bpf_map__set_max_entries(m->pe_v4_blocks, o.v4_blocks);
	bpf_map__set_max_entries(m->pe_v4_wide, o.v4_wide);
	bpf_map__set_max_entries(m->pe_v4_bits, o.v4_bitmaps);
	bpf_map__set_max_entries(m->pe_v6_tbl, o.v6_chunks);
	bpf_map__set_max_entries(m->pe_v6_ranges, 1u << range_order(o.v6_ranges));
	bpf_map__set_max_entries(m->pe_v6p_blocks, o.v6_blocks);
	bpf_map__set_max_entries(m->pe_v6p_lines,
				 1u << range_order(o.v6_entry_lines));
	bpf_map__set_max_entries(m->pe_v6p_lists, o.v6_lists);
	bpf_map__set_max_entries(m->pe_prefixes, o.prefixes);
	if (al->pin_dir) {
		err = setup_pins(al);
		if (err)
			goto fail;
	}
	err = allowlist_bpf__load(al->skel);
	if (err)
		goto fail;

	err = -ENOMEM;
	al->sets_max = bpf_map__max_entries(m->pe_sets);
	al->sets_next = 1;
	al->sets = map_mmap(m->pe_sets);
	al->v4dir = map_mmap(m->pe_v4_dir);
	al->v4blk = map_mmap(m->pe_v4_blocks);
	al->v4wide = map_mmap(m->pe_v4_wide);
	al->v4bits = map_mmap(m->pe_v4_bits);
	al->v6dir = map_mmap(m->pe_v6_dir);
	al->v6tbl = map_mmap(m->pe_v6_tbl);
	al->v6rng = map_mmap(m->pe_v6_ranges);
	al->v6pdir = map_mmap(m->pe_v6p_dir);
	al->v6pblk = map_mmap(m->pe_v6p_blocks);
	al->v6plines = map_mmap(m->pe_v6p_lines);
	al->v6plists = map_mmap(m->pe_v6p_lists);
	al->ifcfg = map_mmap(m->pe_ifcfg);
	if (!al->sets || !al->v4dir || !al->v4blk || !al->v4wide ||
	    !al->v4bits || !al->v6dir || !al->v6tbl || !al->v6rng ||
	    !al->v6pdir || !al->v6pblk || !al->v6plines || !al->v6plists ||
	    !al->ifcfg) {
		err = -errno;
		goto fail;
	}
	for (al->set_cap = 1; al->set_cap < 2 * (size_t)al->sets_max;)
		al->set_cap <<= 1;
	al->set_tab = calloc(al->set_cap, sizeof(*al->set_tab));
	if (!al->set_tab || shadow_init(&al->shadow, 1024))
		goto fail;
	al->reg_fd = bpf_map__fd(m->pe_prefixes);
	al->ifcfg_fd = bpf_map__fd(m->pe_ifcfg);
	al->cnt_fd = bpf_map__fd(m->pe_counters);
	err = rebuild(al);
	if (err)
		goto fail;
	*alp = al;
	return 0;
fail:
	pe_allowlist_close(al);
	return err < 0 ? err : -EINVAL;
}

void pe_allowlist_stats(const struct pe_allowlist *al,
			struct pe_allowlist_stats *st)
{
	st->prefixes = al->shadow.n;
	st->sets = al->sets_next - 1;
	st->v4_blocks = al->v4blocks.n;
	st->v4_blocks_used = al->v4blocks.n - al->v4blocks.len;
	st->v4_wide = al->v4wides.n;
	st->v4_wide_used = al->v4wides.n - al->v4wides.len;
	st->v4_bitmaps = al->v4bitmaps.n;
	st->v4_bitmaps_used = al->v4bitmaps.n - al->v4bitmaps.len;
	st->v4_slash16_used = al->v4_used16;
	st->v6_chunks = al->v6pool.n;
	st->v6_chunks_used = al->v6pool.n - al->v6pool.len;
	st->v6_ranges = 1u << al->ranges.order_max;
	st->v6_ranges_used = al->ranges.used - al->ranges.quarantined;
	st->v6_blocks = al->v6pblocks.n;
	st->v6_blocks_used = al->v6pblocks.n - al->v6pblocks.len;
	st->v6_entry_lines = 1u << al->v6pentpool.order_max;
	st->v6_entry_lines_used = al->v6pentpool.used - al->v6pentpool.quarantined;
	st->v6_lists = al->v6plistpool.n;
	st->v6_lists_used = al->v6plistpool.n - al->v6plistpool.len;
	st->v6_slash16_used = al->v6p_used16;
	st->v6_slash16_shared = al->v6p_shared16;
	st->grace_waits = al->grace.waits;
}
