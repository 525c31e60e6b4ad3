// SPDX-License-Identifier: GPL-2.0
/*
 * peeredge XDP allowlist: userspace side. See allowlist_user.h for the API
 * and include/peeredge/allowlist.h for the tables.
 *
 * The library keeps a shadow of the registry (prefix -> own peering bitmap)
 * in an open-addressing hash; every table entry the program reads is a
 * function of that shadow, recomputed for the entries a change touches:
 *
 *  add:    entry = intern(set(entry) | bit): only ever grows, so the old
 *          and the new value both allow whatever was allowed before;
 *  remove: entry = recomputed from the shadow (the OR of the prefixes that
 *          still cover it): a single store from the old to the new set.
 *
 * Ordering rules that keep lookups valid while tables change:
 *  - a set bitmap is written before any entry refers to its id, ids are
 *    never reused;
 *  - a second-level IPv4 chunk is filled before the /24 points to it, and
 *    released to the tail of a FIFO after the /24 stopped pointing to it;
 *  - an IPv6 /32 node (or the /16 directory) announces a level before the
 *    first hash entry of that level appears under it, and stops after the
 *    last one went; a node exists before it is announced in the directory.
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

#include "allowlist_user.h"
#include "allowlist.skel.h"

#define DEF_V4_CHUNKS	16384
#define DEF_V6_SLOTS	262144
#define DEF_PREFIXES	1048576
#define PE_MAX_LINKS	64

/* Shadow of the registry: open addressing, linear probing. */
struct shadow_ent {
	struct pe_prefix_key key;
	__u32 used;
	__u64 own;
};

struct shadow {
	struct shadow_ent *ent;
	size_t cap;		/* power of two */
	size_t n;
};

/* Set interning: bitmap -> id. */
struct set_ent {
	__u64 bits;
	__u32 id;		/* 0: free slot */
};

/* A /32 node as the library tracks it. */
struct v6node {
	__u32 k32;		/* the /32, host order */
	__u32 used;
	__u32 own;		/* set id of prefixes /25../32 covering it */
	__u32 cnt[PE_V6_NLEVELS];	/* slots per deeper level under it */
};

struct v6nodes {
	struct v6node *ent;
	size_t cap, n;
};

struct link_ent {
	int ifindex;
	int fd;			/* -1: free */
};

struct pe_allowlist {
	struct allowlist_bpf *skel;
	char *pin_dir;

	__u64 *sets;		/* mmap of pe_sets */
	__u32 sets_max, sets_next;
	struct set_ent *set_tab;
	size_t set_cap;

	__u32 *tbl24, *tbl8;	/* mmaps */
	__u32 chunks;
	__u32 *chunk_fifo;	/* free chunk ids */
	__u32 fifo_head, fifo_len;

	__u64 *v6top;		/* mmap: head, nodes of each /16 */
	struct pe_ifcfg *ifcfg;	/* mmap, read only here */
	__u32 (*v6cnt)[2];	/* per /16: level-24 slots, /32 nodes */
	__u16 (*v6sub)[64];	/* per /16: /32 nodes in each /22 */
	struct v6nodes nodes;
	__u32 v6_slots, v6_used;
	int v6_fd, reg_fd, ifcfg_fd, cnt_fd;

	struct shadow shadow;
	__u32 nlen[2][129];	/* prefixes per length, [0] v4, [1] v6 */

	struct link_ent links[PE_MAX_LINKS];
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

static void store32(__u32 *p, __u32 v)
{
	if (__atomic_load_n(p, __ATOMIC_RELAXED) != v)
		__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static void store64(__u64 *p, __u64 v)
{
	if (__atomic_load_n(p, __ATOMIC_RELAXED) != v)
		__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static __u64 mix64(__u64 x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
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

static __u64 own_bits(struct pe_allowlist *al, int family, const __u8 *addr,
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

/* OR of the own bits of the prefixes of length lo..hi covering addr. */
static __u64 cover_bits(struct pe_allowlist *al, int family, const __u8 *addr,
			unsigned int lo, unsigned int hi)
{
	__u64 bits = 0;
	unsigned int l;

	for (l = lo; l <= hi; l++)
		bits |= own_bits(al, family, addr, l);
	return bits;
}

static void v4_bytes(__u32 a, __u8 *b)
{
	b[0] = a >> 24;
	b[1] = a >> 16;
	b[2] = a >> 8;
	b[3] = a;
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

/* The id of a bitmap, created on first use. 0 or -errno in *err. */
static __u32 intern(struct pe_allowlist *al, __u64 bits, int *err)
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

static __u32 set_or(struct pe_allowlist *al, __u32 id, __u64 bit, int *err)
{
	__u64 bits = set_bits(al, id);

	return (bits & bit) ? id : intern(al, bits | bit, err);
}

/* ---- IPv4 ---- */

static int chunk_alloc(struct pe_allowlist *al, __u32 *c)
{
	if (!al->fifo_len)
		return -ENOSPC;
	*c = al->chunk_fifo[al->fifo_head];
	al->fifo_head = (al->fifo_head + 1) % al->chunks;
	al->fifo_len--;
	return 0;
}

static void chunk_free(struct pe_allowlist *al, __u32 c)
{
	al->chunk_fifo[(al->fifo_head + al->fifo_len) % al->chunks] = c;
	al->fifo_len++;
}

static bool v4_deep_in_use(struct pe_allowlist *al)
{
	unsigned int l;

	for (l = 25; l <= 32; l++)
		if (al->nlen[0][l])
			return true;
	return false;
}

/* Recompute tbl24[idx] (and its chunk) from the shadow. */
static int v4_recompute(struct pe_allowlist *al, __u32 idx)
{
	__u32 v = al->tbl24[idx], c, e, ids[256];
	__u64 base, deep = 0;
	bool any_deep = false;
	int err = 0;
	__u8 b[4];

	v4_bytes(idx << 8, b);
	base = cover_bits(al, AF_INET, b, 0, 24);
	if (!(v & PE_V4_CHUNK)) {
		e = intern(al, base, &err);
		if (!err)
			store32(&al->tbl24[idx], e);
		return err;
	}
	c = v & PE_V4_CHUNK_MASK;
	for (e = 0; e < 256; e++) {
		unsigned int l;

		if (v4_deep_in_use(al)) {
			v4_bytes(idx << 8 | e, b);
			deep = 0;
			for (l = 25; l <= 32; l++) {
				struct pe_prefix_key k;
				struct shadow_ent *s;

				if (!al->nlen[0][l])
					continue;
				make_key(&k, AF_INET, b, l);
				s = shadow_find(&al->shadow, &k);
				if (s) {
					any_deep = true;
					deep |= s->own;
				}
			}
		}
		ids[e] = intern(al, base | deep, &err);
		if (err)
			return err;
	}
	if (any_deep) {
		for (e = 0; e < 256; e++)
			store32(&al->tbl8[c * 256 + e], ids[e]);
		return 0;
	}
	/* No longer prefix left in this /24: back to a plain entry. */
	store32(&al->tbl24[idx], ids[0]);
	chunk_free(al, c);
	return 0;
}

static int v4_add(struct pe_allowlist *al, const __u8 *addr, unsigned int len,
		  __u64 bit)
{
	__u32 a = (__u32)addr[0] << 24 | addr[1] << 16 | addr[2] << 8 | addr[3];
	__u32 idx, end, v, c, e, first, n;
	int err = 0;

	if (len <= 24) {
		end = (a >> 8) + (1u << (24 - len));
		for (idx = a >> 8; idx < end; idx++) {
			v = al->tbl24[idx];
			if (v & PE_V4_CHUNK) {
				c = v & PE_V4_CHUNK_MASK;
				for (e = 0; e < 256 && !err; e++) {
					__u32 *p = &al->tbl8[c * 256 + e];

					store32(p, set_or(al, *p, bit, &err));
				}
			} else {
				store32(&al->tbl24[idx], set_or(al, v, bit, &err));
			}
			if (err)
				return err;
		}
		return 0;
	}
	idx = a >> 8;
	first = a & 0xff;
	n = 1u << (32 - len);
	v = al->tbl24[idx];
	if (v & PE_V4_CHUNK) {
		c = v & PE_V4_CHUNK_MASK;
		for (e = first; e < first + n && !err; e++) {
			__u32 *p = &al->tbl8[c * 256 + e];

			store32(p, set_or(al, *p, bit, &err));
		}
		return err;
	}
	err = chunk_alloc(al, &c);
	if (err)
		return err;
	for (e = 0; e < 256; e++)
		store32(&al->tbl8[c * 256 + e],
			e >= first && e < first + n ? set_or(al, v, bit, &err) : v);
	if (err) {
		chunk_free(al, c);
		return err;
	}
	store32(&al->tbl24[idx], PE_V4_CHUNK | c);
	return 0;
}

static int v4_del(struct pe_allowlist *al, const __u8 *addr, unsigned int len)
{
	__u32 a = (__u32)addr[0] << 24 | addr[1] << 16 | addr[2] << 8 | addr[3];
	__u32 idx, end;
	int err;

	end = len <= 24 ? (a >> 8) + (1u << (24 - len)) : (a >> 8) + 1;
	for (idx = a >> 8; idx < end; idx++) {
		err = v4_recompute(al, idx);
		if (err)
			return err;
	}
	return 0;
}

/* ---- IPv6 ---- */

typedef unsigned __int128 u128;

static u128 a6_load(const __u8 *b)
{
	u128 v = 0;
	int i;

	for (i = 0; i < 16; i++)
		v = v << 8 | b[i];
	return v;
}

static void a6_store(u128 v, __u8 *b)
{
	int i;

	for (i = 15; i >= 0; i--) {
		b[i] = (__u8)v;
		v >>= 8;
	}
}

static unsigned int v6_level(unsigned int len)
{
	unsigned int l = (len + 7) / 8 * 8;

	return l < PE_V6_LEVEL_MIN ? PE_V6_LEVEL_MIN : l;
}

static void v6_key(struct pe_v6_key *k, const __u8 *slot, unsigned int level)
{
	__u8 m[16];

	memset(k, 0, sizeof(*k));
	mask_addr(m, slot, level, 16);
	k->level = level;
	memcpy(&k->hi, m, 8);
	memcpy(&k->lo, m + 8, 8);
}

#define V6HEAD(al, idx)		((al)->v6top[2 * (idx)])
#define V6NODES(al, idx)	((al)->v6top[2 * (idx) + 1])

static void v6_top_store(struct pe_allowlist *al, __u32 idx, __u32 set,
			 __u32 mask)
{
	store64(&V6HEAD(al, idx), (__u64)mask << 32 | set);
}

/* The /22 bitmap of /32 nodes: set before a node appears, cleared after. */
static void v6_node_dir(struct pe_allowlist *al, __u32 k32, bool add)
{
	__u32 top = k32 >> 16, sub = (k32 >> 10) & 63;
	__u64 nodes = V6NODES(al, top);

	if (add) {
		if (al->v6sub[top][sub]++ == 0)
			store64(&V6NODES(al, top), nodes | 1ULL << sub);
	} else {
		if (--al->v6sub[top][sub] == 0)
			store64(&V6NODES(al, top), nodes & ~(1ULL << sub));
	}
}

/* Level 24 slots (li 0) and /32 nodes (li 1) under each /16. */
static void v6_top_level(struct pe_allowlist *al, __u32 top, unsigned int li,
			 bool add)
{
	__u64 e = V6HEAD(al, top);
	__u32 mask = e >> 32;

	if (add) {
		if (al->v6cnt[top][li]++ == 0)
			v6_top_store(al, top, (__u32)e, mask | 1u << li);
	} else {
		if (--al->v6cnt[top][li] == 0)
			v6_top_store(al, top, (__u32)e, mask & ~(1u << li));
	}
}

/* ---- /32 nodes: userspace mirror, open addressing ---- */

static struct v6node *node_find(struct pe_allowlist *al, __u32 k32)
{
	size_t m = al->nodes.cap - 1, i = mix64(k32) & m;

	while (al->nodes.ent[i].used) {
		if (al->nodes.ent[i].k32 == k32)
			return &al->nodes.ent[i];
		i = (i + 1) & m;
	}
	return NULL;
}

static int nodes_grow(struct pe_allowlist *al)
{
	struct v6nodes old = al->nodes;
	size_t i;

	al->nodes.cap = old.cap * 2;
	al->nodes.n = 0;
	al->nodes.ent = calloc(al->nodes.cap, sizeof(*old.ent));
	if (!al->nodes.ent) {
		al->nodes = old;
		return -ENOMEM;
	}
	for (i = 0; i < old.cap; i++) {
		size_t m = al->nodes.cap - 1, j;

		if (!old.ent[i].used)
			continue;
		j = mix64(old.ent[i].k32) & m;
		while (al->nodes.ent[j].used)
			j = (j + 1) & m;
		al->nodes.ent[j] = old.ent[i];
		al->nodes.n++;
	}
	free(old.ent);
	return 0;
}

static struct v6node *node_get(struct pe_allowlist *al, __u32 k32, bool *fresh)
{
	struct v6node *n = node_find(al, k32);
	size_t m, i;

	*fresh = false;
	if (n)
		return n;
	if ((al->nodes.n + 1) * 2 > al->nodes.cap && nodes_grow(al))
		return NULL;
	m = al->nodes.cap - 1;
	i = mix64(k32) & m;
	while (al->nodes.ent[i].used)
		i = (i + 1) & m;
	n = &al->nodes.ent[i];
	memset(n, 0, sizeof(*n));
	n->k32 = k32;
	n->used = 1;
	al->nodes.n++;
	*fresh = true;
	return n;
}

static void node_forget(struct pe_allowlist *al, struct v6node *n)
{
	size_t m = al->nodes.cap - 1, i = n - al->nodes.ent, j = i, h;

	for (;;) {
		j = (j + 1) & m;
		if (!al->nodes.ent[j].used)
			break;
		h = mix64(al->nodes.ent[j].k32) & m;
		if ((i <= j) ? (h <= i || h > j) : (h <= i && h > j)) {
			al->nodes.ent[i] = al->nodes.ent[j];
			i = j;
		}
	}
	al->nodes.ent[i].used = 0;
	al->nodes.n--;
}

static void node_key(struct pe_v6_key *k, __u32 k32)
{
	__u8 b[16] = { k32 >> 24, k32 >> 16, k32 >> 8, k32 };

	v6_key(k, b, 32);
}

static bool node_needed(const struct v6node *n)
{
	unsigned int i;

	if (n->own)
		return true;
	for (i = 2; i < PE_V6_NLEVELS; i++)
		if (n->cnt[i])
			return true;
	return false;
}

/*
 * Writes the node to the table (its own set, the mask of the deeper levels
 * in use); a fresh node is announced in the /16 directory first. A node no
 * longer needed is deleted, then withdrawn from the directory.
 */
static int node_sync(struct pe_allowlist *al, struct v6node *n, bool fresh)
{
	struct pe_v6_val v = { .set = n->own };
	__u32 top = n->k32 >> 16;
	struct pe_v6_key k;
	unsigned int i;

	node_key(&k, n->k32);
	if (!node_needed(n)) {
		if (!fresh) {
			if (bpf_map_delete_elem(al->v6_fd, &k) && errno != ENOENT)
				return -errno;
			v6_top_level(al, top, 1, false);
			v6_node_dir(al, n->k32, false);
			al->v6_used--;
		}
		node_forget(al, n);
		return 0;
	}
	for (i = 2; i < PE_V6_NLEVELS; i++)
		if (n->cnt[i])
			v.mask |= 1u << i;
	if (fresh) {
		if (al->v6_used >= al->v6_slots) {
			node_forget(al, n);
			return -ENOSPC;
		}
		v6_top_level(al, top, 1, true);
		v6_node_dir(al, n->k32, true);
		al->v6_used++;
	}
	if (bpf_map_update_elem(al->v6_fd, &k, &v, BPF_ANY))
		return -errno;
	return 0;
}

static __u32 k32_of(const __u8 *b)
{
	return (__u32)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
}

static int v6_add(struct pe_allowlist *al, const __u8 *addr, unsigned int len,
		  __u64 bit)
{
	u128 base = a6_load(addr), j, n;
	__u32 top = addr[0] << 8 | addr[1], idx, id;
	unsigned int level, li;
	int err = 0;

	if (len <= 16) {
		__u32 end = top + (1u << (16 - len));

		for (idx = top; idx < end; idx++) {
			__u64 e = V6HEAD(al, idx);

			id = set_or(al, (__u32)e, bit, &err);
			if (err)
				return err;
			v6_top_store(al, idx, id, e >> 32);
		}
		return 0;
	}
	level = v6_level(len);
	li = (level - PE_V6_LEVEL_MIN) / PE_V6_LEVEL_STEP;
	n = (u128)1 << (level - len);
	for (j = 0; j < n; j++) {
		struct pe_v6_val old = {}, v = {};
		struct v6node *nd = NULL;
		struct pe_v6_key k;
		bool exists, fresh;
		__u8 slot[16];

		a6_store(base | j << (128 - level), slot);
		if (level == 32) {
			nd = node_get(al, k32_of(slot), &fresh);
			if (!nd)
				return -ENOMEM;
			id = set_or(al, nd->own, bit, &err);
			if (err)
				return err;
			if (!fresh && id == nd->own)
				continue;
			nd->own = id;
			err = node_sync(al, nd, fresh);
			if (err)
				return err;
			continue;
		}
		v6_key(&k, slot, level);
		exists = !bpf_map_lookup_elem(al->v6_fd, &k, &old);
		v.set = set_or(al, exists ? old.set : 0, bit, &err);
		if (err)
			return err;
		if (exists) {
			if (v.set != old.set &&
			    bpf_map_update_elem(al->v6_fd, &k, &v, BPF_ANY))
				return -errno;
			continue;
		}
		if (al->v6_used >= al->v6_slots)
			return -ENOSPC;
		/* Announce the slot: directory bit (24) or node mask. */
		if (level == 24) {
			v6_top_level(al, top, 0, true);
		} else {
			nd = node_get(al, k32_of(slot), &fresh);
			if (!nd)
				return -ENOMEM;
			if (nd->cnt[li]++ == 0 || fresh) {
				err = node_sync(al, nd, fresh);
				if (err) {
					if (!fresh)
						nd->cnt[li]--;
					return err;
				}
			}
		}
		if (bpf_map_update_elem(al->v6_fd, &k, &v, BPF_NOEXIST))
			return -errno;
		al->v6_used++;
	}
	return 0;
}

static int v6_del(struct pe_allowlist *al, const __u8 *addr, unsigned int len)
{
	u128 base = a6_load(addr), j, n;
	__u32 top = addr[0] << 8 | addr[1], idx, id;
	unsigned int level, li;
	int err = 0;

	if (len <= 16) {
		__u32 end = top + (1u << (16 - len));

		for (idx = top; idx < end; idx++) {
			__u8 b[16] = { idx >> 8, idx & 0xff };

			id = intern(al, cover_bits(al, AF_INET6, b, 0, 16), &err);
			if (err)
				return err;
			v6_top_store(al, idx, id, V6HEAD(al, idx) >> 32);
		}
		return 0;
	}
	level = v6_level(len);
	li = (level - PE_V6_LEVEL_MIN) / PE_V6_LEVEL_STEP;
	n = (u128)1 << (level - len);
	for (j = 0; j < n; j++) {
		struct pe_v6_val old, v = {};
		struct v6node *nd;
		struct pe_v6_key k;
		__u8 slot[16];
		__u64 bits;

		a6_store(base | j << (128 - level), slot);
		bits = cover_bits(al, AF_INET6, slot, level == PE_V6_LEVEL_MIN ?
				  17 : level - 7, level);
		id = intern(al, bits, &err);
		if (err)
			return err;
		if (level == 32) {
			nd = node_find(al, k32_of(slot));
			if (!nd || nd->own == id)
				continue;
			nd->own = id;
			err = node_sync(al, nd, false);
			if (err)
				return err;
			continue;
		}
		v6_key(&k, slot, level);
		if (bpf_map_lookup_elem(al->v6_fd, &k, &old))
			continue;
		if (id) {
			v.set = id;
			if (id != old.set &&
			    bpf_map_update_elem(al->v6_fd, &k, &v, BPF_EXIST))
				return -errno;
			continue;
		}
		if (bpf_map_delete_elem(al->v6_fd, &k))
			return -errno;
		al->v6_used--;
		/* Withdraw the slot: directory bit (24) or node mask. */
		if (level == 24) {
			v6_top_level(al, top, 0, false);
			continue;
		}
		nd = node_find(al, k32_of(slot));
		if (nd && --nd->cnt[li] == 0) {
			err = node_sync(al, nd, false);
			if (err)
				return err;
		}
	}
	return 0;
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

int pe_allowlist_add(struct pe_allowlist *al, int family, const void *addr,
		     unsigned int len, unsigned int peering)
{
	struct pe_prefix_key k;
	struct shadow_ent *e;
	__u64 bit, own;
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
	return family == AF_INET ? v4_add(al, k.addr, len, bit) :
				   v6_add(al, k.addr, len, bit);
}

int pe_allowlist_del(struct pe_allowlist *al, int family, const void *addr,
		     unsigned int len, unsigned int peering)
{
	struct pe_prefix_key k;
	struct shadow_ent *e;
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
	e->own &= ~bit;
	if (!e->own) {
		shadow_remove(&al->shadow, e);
		al->nlen[family == AF_INET6][len]--;
	}
	/* Tables first, registry last: a crash in between is repaired by
	 * removing again. */
	err = family == AF_INET ? v4_del(al, k.addr, len) :
				  v6_del(al, k.addr, len);
	if (err)
		return err;
	e = shadow_find(&al->shadow, &k);
	if (e) {
		if (bpf_map_update_elem(al->reg_fd, &k, &e->own, BPF_ANY))
			return -errno;
	} else if (bpf_map_delete_elem(al->reg_fd, &k) && errno != ENOENT) {
		return -errno;
	}
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
	if (family == AF_INET) {
		__u32 a = (__u32)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
		__u32 v = __atomic_load_n(&al->tbl24[a >> 8], __ATOMIC_ACQUIRE);

		if (v & PE_V4_CHUNK)
			v = al->tbl8[(v & PE_V4_CHUNK_MASK) * 256 + (a & 0xff)];
		return !!(set_bits(al, v) & bit);
	}
	if (family == AF_INET6) {
		__u64 e = __atomic_load_n(&V6HEAD(al, b[0] << 8 | b[1]),
					  __ATOMIC_ACQUIRE);
		__u64 nodes = __atomic_load_n(&V6NODES(al, b[0] << 8 | b[1]),
					      __ATOMIC_ACQUIRE);
		__u32 mask = e >> 32;
		struct pe_v6_val v;
		struct pe_v6_key k;
		int i;

		if (set_bits(al, (__u32)e) & bit)
			return 1;
		if (mask & 1) {
			v6_key(&k, b, 24);
			if (!bpf_map_lookup_elem(al->v6_fd, &k, &v) &&
			    (set_bits(al, v.set) & bit))
				return 1;
		}
		if (!(nodes & 1ULL << (b[2] >> 2)))
			return 0;
		v6_key(&k, b, 32);
		if (bpf_map_lookup_elem(al->v6_fd, &k, &v))
			return 0;
		if (set_bits(al, v.set) & bit)
			return 1;
		mask = v.mask;
		for (i = PE_V6_NLEVELS - 1; i >= 2; i--) {
			if (!(mask & 1u << i))
				continue;
			v6_key(&k, b, PE_V6_LEVEL_MIN + PE_V6_LEVEL_STEP * i);
			if (!bpf_map_lookup_elem(al->v6_fd, &k, &v) &&
			    (set_bits(al, v.set) & bit))
				return 1;
		}
		return 0;
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

/* Pin paths for every map; sizes follow maps already pinned there. */
static int setup_pins(struct pe_allowlist *al)
{
	struct bpf_map *m;
	char path[PATH_MAX];
	int err, fd;

	err = mkdir_p(al->pin_dir);
	if (err)
		return err;
	bpf_object__for_each_map(m, al->skel->obj) {
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);

		if (snprintf(path, sizeof(path), "%s/%s", al->pin_dir,
			     bpf_map__name(m)) >= (int)sizeof(path))
			return -ENAMETOOLONG;
		fd = bpf_obj_get(path);
		if (fd >= 0) {
			err = bpf_obj_get_info_by_fd(fd, &info, &len);
			close(fd);
			if (err)
				return -errno;
			err = bpf_map__set_max_entries(m, info.max_entries);
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
	struct pe_v6_key vk, vnext, *vprev = NULL;
	__u32 idx, c;
	bool *used;
	__u64 own;

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
	/* Chunks in use: those a /24 points to. */
	used = calloc(al->chunks, sizeof(*used));
	if (!used)
		return -ENOMEM;
	for (idx = 0; idx < PE_V4_TBL24_SIZE; idx++) {
		__u32 v = al->tbl24[idx];

		if ((v & PE_V4_CHUNK) && (v & PE_V4_CHUNK_MASK) < al->chunks)
			used[v & PE_V4_CHUNK_MASK] = true;
	}
	for (c = 0; c < al->chunks; c++)
		if (!used[c])
			chunk_free(al, c);
	free(used);
	/* IPv6: slots and /32 nodes per /16, nodes with their deeper levels. */
	while (!bpf_map_get_next_key(al->v6_fd, vprev, &vnext)) {
		struct pe_v6_val v;
		struct v6node *nd;
		unsigned int li;
		bool fresh;
		__u8 b[8];

		vk = vnext;
		vprev = &vk;
		if (bpf_map_lookup_elem(al->v6_fd, &vk, &v))
			continue;
		memcpy(b, &vk.hi, 8);
		li = (vk.level - PE_V6_LEVEL_MIN) / PE_V6_LEVEL_STEP;
		if (li >= PE_V6_NLEVELS)
			continue;
		al->v6_used++;
		if (li == 0) {
			al->v6cnt[b[0] << 8 | b[1]][0]++;
			continue;
		}
		nd = node_get(al, k32_of(b), &fresh);
		if (!nd)
			return -ENOMEM;
		if (li == 1) {
			nd->own = v.set;
			al->v6cnt[b[0] << 8 | b[1]][1]++;
			al->v6sub[b[0] << 8 | b[1]][b[2] >> 2]++;
		} else {
			nd->cnt[li]++;
		}
	}
	return 0;
}

void pe_allowlist_close(struct pe_allowlist *al)
{
	int i;

	if (!al)
		return;
	for (i = 0; i < PE_MAX_LINKS; i++)
		if (al->links[i].fd >= 0)
			close(al->links[i].fd);
	if (al->skel) {
		__typeof__(al->skel->maps) *m = &al->skel->maps;

		map_munmap(m->pe_sets, al->sets);
		map_munmap(m->pe_v4_tbl24, al->tbl24);
		map_munmap(m->pe_v4_tbl8, al->tbl8);
		map_munmap(m->pe_v6_top, al->v6top);
		map_munmap(m->pe_ifcfg, al->ifcfg);
		allowlist_bpf__destroy(al->skel);
	}
	free(al->shadow.ent);
	free(al->set_tab);
	free(al->chunk_fifo);
	free(al->v6cnt);
	free(al->v6sub);
	free(al->nodes.ent);
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
	if (!o.v4_chunks)
		o.v4_chunks = DEF_V4_CHUNKS;
	if (!o.v6_slots)
		o.v6_slots = DEF_V6_SLOTS;
	if (!o.prefixes)
		o.prefixes = DEF_PREFIXES;
	if (o.v4_chunks > PE_V4_CHUNK_MASK + 1)
		return -ERANGE;
	al = calloc(1, sizeof(*al));
	if (!al)
		return -ENOMEM;
	for (i = 0; i < PE_MAX_LINKS; i++)
		al->links[i].fd = -1;
	err = -ENOMEM;
	if (o.pin_dir && !(al->pin_dir = strdup(o.pin_dir)))
		goto fail;
	al->skel = allowlist_bpf__open();
	if (!al->skel) {
		err = -errno;
		goto fail;
	}
	m = &al->skel->maps;
	bpf_map__set_max_entries(m->pe_v4_tbl8, o.v4_chunks);
	bpf_map__set_max_entries(m->pe_v6_hash, o.v6_slots);
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
	al->chunks = bpf_map__max_entries(m->pe_v4_tbl8);
	al->v6_slots = bpf_map__max_entries(m->pe_v6_hash);
	al->sets = map_mmap(m->pe_sets);
	al->tbl24 = map_mmap(m->pe_v4_tbl24);
	al->tbl8 = map_mmap(m->pe_v4_tbl8);
	al->v6top = map_mmap(m->pe_v6_top);
	al->ifcfg = map_mmap(m->pe_ifcfg);
	if (!al->sets || !al->tbl24 || !al->tbl8 || !al->v6top || !al->ifcfg) {
		err = -errno;
		goto fail;
	}
	for (al->set_cap = 1; al->set_cap < 2 * (size_t)al->sets_max;)
		al->set_cap <<= 1;
	al->set_tab = calloc(al->set_cap, sizeof(*al->set_tab));
	al->chunk_fifo = calloc(al->chunks ? al->chunks : 1, sizeof(__u32));
	al->v6cnt = calloc(PE_V6_TOP_SIZE, sizeof(*al->v6cnt));
	al->v6sub = calloc(PE_V6_TOP_SIZE, sizeof(*al->v6sub));
	al->nodes.cap = 1024;
	al->nodes.ent = calloc(al->nodes.cap, sizeof(*al->nodes.ent));
	if (!al->set_tab || !al->chunk_fifo || !al->v6cnt || !al->v6sub ||
	    !al->nodes.ent ||
	    shadow_init(&al->shadow, 1024))
		goto fail;
	al->v6_fd = bpf_map__fd(m->pe_v6_hash);
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
	st->v4_chunks = al->chunks;
	st->v4_chunks_used = al->chunks - al->fifo_len;
	st->v6_slots = al->v6_slots;
	st->v6_slots_used = al->v6_used;
}
