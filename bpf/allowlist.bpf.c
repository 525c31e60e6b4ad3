// SPDX-License-Identifier: GPL-2.0
/*
 * peeredge XDP allowlist.
 *
 * Attached to each peering interface (a bond's members, or the bond). Frames
 * the control plane needs always pass (slow protocols/LACP, ARP, LLDP, IPv6
 * neighbor discovery, BGP, BFD, with up to two VLAN tags); IPv4/IPv6 data
 * passes only when its source lies inside a Verified prefix of the
 * interface's peering; every other ethertype is dropped. Each verdict is
 * counted per interface and reason. Map layouts and the lookup structure:
 * include/peeredge/allowlist.h.
 *
 * Built twice: normally, and with -DPE_LOOKUP_LPM for the benchmark, where
 * the only difference is that the address lookup goes through two
 * BPF_MAP_TYPE_LPM_TRIE maps (same parsing, config and counters). The
 * benchmark also includes this file with PE_BENCH_PROLOGUE defined, and
 * once with PE_BENCH_LOOKUP, where it supplies v4_allowed() and
 * v6_allowed() itself (selftests/bench/xdp_stream.bpf.c).
 *
 * Kept to what Debian's 6.1 verifier accepts: bounded loops, helpers only.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "peeredge/allowlist.h"

char LICENSE[] SEC("license") = "GPL";

/* Nothing, except in the benchmark's stream programs. */
#ifndef PE_BENCH_PROLOGUE
#define PE_BENCH_PROLOGUE(ctx) do { } while (0)
#endif

#define ETH_P_SLOW_	0x8809
#define ETH_P_LLDP_	0x88cc
#define ETH_P_8021Q_	0x8100
#define ETH_P_8021AD_	0x88a8
#define PE_MAX_VLAN	2
#define PE_MAX_EXTHDR	8

#define IPPROTO_ICMPV6_	58
#define NEXTHDR_HOP	0
#define NEXTHDR_ROUTING	43
#define NEXTHDR_FRAG	44
#define NEXTHDR_AUTH	51
#define NEXTHDR_DEST	60

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, PE_MAX_IFINDEX);
	__type(key, __u32);
	__type(value, struct pe_ifcfg);
} pe_ifcfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, PE_MAX_IFACES * PE_R_MAX);
	__type(key, __u32);
	__type(value, struct pe_cnt);
} pe_counters SEC(".maps");

#if defined(PE_BENCH_LOOKUP)
/* v4_allowed() and v6_allowed() are the includer's. */
#elif !defined(PE_LOOKUP_LPM)
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u64);
} pe_sets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, PE_V4_DIR_SIZE / PE_GROUP);
	__type(key, __u32);
	__type(value, struct pe_group);
} pe_v4_dir SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 262144);	/* blocks, set at load */
	__type(key, __u32);
	__type(value, struct pe_v4_block);
} pe_v4_blocks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1024);	/* wide chunks, set at load */
	__type(key, __u32);
	__type(value, struct pe_v4_wide);
} pe_v4_wide SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 16384);	/* /32 bitmaps, set at load */
	__type(key, __u32);
	__type(value, struct pe_v4_bits);
} pe_v4_bits SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, PE_V6_DIR_SIZE / PE_GROUP);
	__type(key, __u32);
	__type(value, struct pe_group);
} pe_v6_dir SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 8192);	/* chunks, set at load */
	__type(key, __u32);
	__type(value, struct pe_v6_chunk);
} pe_v6_tbl SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1 << 21);	/* ranges, set at load */
	__type(key, __u32);
	__type(value, struct pe_v6_range);
} pe_v6_ranges SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, PE_V6P_DIR_SIZE / PE_GROUP);
	__type(key, __u32);
	__type(value, struct pe_group);
} pe_v6p_dir SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 65536);	/* blocks, set at load */
	__type(key, __u32);
	__type(value, struct pe_v6p_block);
} pe_v6p_blocks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1 << 18);	/* entry lines, set at load */
	__type(key, __u32);
	__type(value, struct pe_v6p_line);
} pe_v6p_lines SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(map_flags, BPF_F_MMAPABLE);
	__uint(max_entries, 1 << 17);	/* set at load */
	__type(key, __u32);
	__type(value, struct pe_v6p_list);
} pe_v6p_lists SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 1048576);
	__type(key, struct pe_prefix_key);
	__type(value, __u64);
} pe_prefixes SEC(".maps");

static __always_inline int set_has(__u32 id, __u64 bit)
{
	__u64 *set;

	if (!id)
		return 0;
	set = bpf_map_lookup_elem(&pe_sets, &id);
	return set && (*set & bit);
}

/* Bit i (0..255) of a 256-bit bitmap. */
static __always_inline int v4_bit(__u32 idx, __u32 i)
{
	struct pe_v4_bits *b = bpf_map_lookup_elem(&pe_v4_bits, &idx);

	return b && ((b->w[(i >> 6) & 3] >> (i & 63)) & 1);
}

static __always_inline int v4_allowed(__u32 saddr, __u32 peering)
{
	__u32 a = bpf_ntohl(saddr), idx = peering << 16 | a >> 16;
	__u32 s24 = (a >> 8) & 0xff, e, k;
	struct pe_v4_block *blk;
	struct pe_v4_wide *w;
	struct pe_group *g;

	idx >>= 4;
	g = bpf_map_lookup_elem(&pe_v4_dir, &idx);
	if (!g)
		return 0;
	e = g->v[(a >> 16) & (PE_GROUP - 1)];
	if (e <= PE_V4_ALL)
		return e;
	idx = e & PE_V4_INDEX_MASK;
	if (e & PE_V4_WIDE) {
		w = bpf_map_lookup_elem(&pe_v4_wide, &idx);
		if (!w)
			return 0;
		e = w->v[s24];
		if (e <= PE_V4_ALL)
			return e;
		return v4_bit(e & PE_V4_INDEX_MASK, a & 0xff);
	}
	blk = bpf_map_lookup_elem(&pe_v4_blocks, &idx);
	if (!blk)
		return 0;
	if ((blk->all[s24 >> 6] >> (s24 & 63)) & 1)
		return 1;
	for (k = 0; k < PE_V4_DEEP_SLOTS; k++) {
		e = blk->deep[k];
		if ((e & PE_V4_SLOT_USED) && e >> 24 == s24)
			return v4_bit(e & PE_V4_INDEX_MASK, a & 0xff);
	}
	return 0;
}

/*
 * A global function: the verifier checks it once, on its own, instead of
 * once per parsing path that reaches it (the bisect loop would otherwise
 * multiply with the extension-header walk).
 * hi/lo: the source address, first and last 8 bytes as loaded from memory.
 */
__attribute__((noinline)) int pe_v6_lookup(__u64 hi, __u64 lo, __u64 bit)
{
	__u32 idx, v, off, order, base = 0, i;
	struct pe_v6_chunk *c;
	struct pe_v6_range *r;
	struct pe_group *g;
	__u64 qmid, qlow, e;

	hi = bpf_be64_to_cpu(hi);
	lo = bpf_be64_to_cpu(lo);
	idx = hi >> 52;
	g = bpf_map_lookup_elem(&pe_v6_dir, &idx);
	if (!g)
		return 0;
	v = g->v[(hi >> 48) & (PE_GROUP - 1)];
	if (!(v & PE_V6_CHUNK))
		return set_has(v, bit);
	idx = v & PE_V6_CHUNK_MASK;
	c = bpf_map_lookup_elem(&pe_v6_tbl, &idx);
	if (!c)
		return 0;
	e = c->v[(hi >> 40) & 0xff];
	if (e & PE_V6_ONE) {
		__u32 shift = 48 - 25 - ((e >> 56) & 31);

		/* Bits 24..47 of the source against those of the prefix. */
		if (!((((hi >> 16) ^ (e >> 32)) & 0xffffff) >> (shift & 31)))
			e >>= 16;
		return set_has(e & PE_V6_SET_MASK, bit);
	}
	v = e;
	if (!(v & PE_V6_SLICE))
		return set_has(v, bit);
	off = v & PE_V6_SLICE_OFF_MASK;
	order = (v & ~PE_V6_SLICE) >> PE_V6_SLICE_SHIFT;
	qmid = hi << 24 | lo >> 40;
	qlow = lo << 24 | 0xffffff;
	/* Last range starting at or before the source; range 0 always does. */
	for (i = 0; i < PE_V6_SLICE_MAX_ORDER; i++) {
		__u32 step;

		if (i >= order)
			break;
		step = 1u << ((order - 1 - i) & 31);
		idx = off + base + step;
		r = bpf_map_lookup_elem(&pe_v6_ranges, &idx);
		if (!r)
			return 0;
		if (r->mid < qmid || (r->mid == qmid && r->low <= qlow))
			base += step;
	}
	idx = off + base;
	r = bpf_map_lookup_elem(&pe_v6_ranges, &idx);
	if (!r)
		return 0;
	return set_has(r->low & PE_V6_SET_MASK, bit);
}

/* Set bits of x (BPF has no population count instruction). */
static __always_inline __u32 popcount64(__u64 x)
{
	x -= (x >> 1) & 0x5555555555555555ULL;
	x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
	x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (x * 0x0101010101010101ULL) >> 56;
}

/* Is address bits 0..63 (hi) inside the PE_V6P_ONE prefix of word e? */
static __always_inline int v6p_one_has(__u64 e, __u64 hi)
{
	__u32 shift = 39 - ((e >> 40) & 63);

	return !((((hi ^ e) & 0xffffffffffULL)) >> (shift & 63));
}

/* Are address bits 24..47 s inside the 29-bit short prefix of v? */
static __always_inline int v6p_short_has(__u32 s, __u64 v)
{
	return !(((s ^ v) & 0xffffff) >> ((23 - ((v >> 24) & 31)) & 31));
}

#define V6P_ASK_SHARED	2

/*
 * What peering's own tables say about source address bits 0..63 (host
 * order): 0, 1, or V6P_ASK_SHARED. A global function, checked once.
 */
__attribute__((noinline)) int pe_v6p_lookup(__u64 hi, __u32 peering)
{
	__u32 idx = (peering << 16 | hi >> 48) >> 4, s24 = (hi >> 40) & 0xff;
	__u32 w = s24 >> 6, s = (hi >> 16) & 0xffffff, rank, k, d;
	struct pe_v6p_line *line;
	struct pe_v6p_block *blk;
	struct pe_v6p_list *ls;
	struct pe_group *g;
	__u64 has, e;

	if (peering >= PE_MAX_PEERINGS)
		return 0;
	g = bpf_map_lookup_elem(&pe_v6p_dir, &idx);
	if (!g)
		return 0;
	d = g->v[(hi >> 48) & (PE_GROUP - 1)];
	if (d == PE_V6P_D_SHARED)
		return V6P_ASK_SHARED;
	if (!(d & PE_V6P_D_BLOCK))
		return d == PE_V6P_D_ALL;
	idx = d & PE_V6P_INDEX_MASK;
	blk = bpf_map_lookup_elem(&pe_v6p_blocks, &idx);
	if (!blk)
		return 0;
	has = blk->has[w];
	if (!((has >> (s24 & 63)) & 1))
		return 0;
	rank = blk->before[w] + popcount64(has & ((1ULL << (s24 & 63)) - 1));
	idx = blk->base + rank / PE_V6P_LINE;
	line = bpf_map_lookup_elem(&pe_v6p_lines, &idx);
	if (!line)
		return 0;
	e = line->v[rank % PE_V6P_LINE];
	switch (e & PE_V6P_KIND) {
	case PE_V6P_ONE:
		return v6p_one_has(e, hi);
	case PE_V6P_TWO:
		return v6p_short_has(s, e) || v6p_short_has(s, e >> 29);
	case PE_V6P_LIST:
		idx = e & PE_V6P_LIST_INDEX;
		ls = bpf_map_lookup_elem(&pe_v6p_lists, &idx);
		if (!ls)
			return 0;
		for (k = 0; k < PE_V6P_LIST_MAX; k++)
			if ((ls->v[k] & PE_V6P_KIND) == PE_V6P_ONE &&
			    v6p_one_has(ls->v[k], hi))
				return 1;
		return 0;
	}
	return e == PE_V6P_SHARED ? V6P_ASK_SHARED : e == PE_V6P_ALL;
}

static __always_inline int v6_allowed(const struct in6_addr *src,
				      __u32 peering)
{
	__u64 hi, lo, bit = peering < PE_MAX_PEERINGS ? 1ULL << peering : 0;
	int r;

	__builtin_memcpy(&hi, &src->s6_addr[0], 8);
	__builtin_memcpy(&lo, &src->s6_addr[8], 8);
	r = pe_v6p_lookup(bpf_be64_to_cpu(hi), peering);
	return r == V6P_ASK_SHARED ? pe_v6_lookup(hi, lo, bit) : r;
}
#else /* PE_LOOKUP_LPM: the comparison program of the benchmark */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 2097152);
	__type(key, struct pe_lpm4_key);
	__type(value, __u64);
} pe_lpm4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(max_entries, 2097152);
	__type(key, struct pe_lpm6_key);
	__type(value, __u64);
} pe_lpm6 SEC(".maps");

static __always_inline int lpm_has(__u64 *v, __u32 peering)
{
	return v && peering < PE_MAX_PEERINGS && ((*v >> peering) & 1);
}

static __always_inline int v4_allowed(__u32 saddr, __u32 peering)
{
	struct pe_lpm4_key key = { .prefixlen = 32 };
	__u64 *v;

	__builtin_memcpy(key.addr, &saddr, 4);
	v = bpf_map_lookup_elem(&pe_lpm4, &key);
	return lpm_has(v, peering);
}

static __always_inline int v6_allowed(const struct in6_addr *src,
				      __u32 peering)
{
	struct pe_lpm6_key key = { .prefixlen = 128 };
	__u64 *v;

	__builtin_memcpy(key.addr, src, 16);
	v = bpf_map_lookup_elem(&pe_lpm6, &key);
	return lpm_has(v, peering);
}
#endif

/* A parsing cursor: every read is checked against the end of the frame. */
struct cursor {
	void *data;
	void *end;
	__u32 off;
};

#define CUR_PTR(c, n) ({						\
	void *__p = (c)->data + (c)->off;				\
	__p + (n) > (c)->end ? NULL : __p;				\
})

/* L4 of a packet: is it control plane? Returns a PE_R_PASS_* or -1. */
static __always_inline int l4_control(struct cursor *c, __u8 proto, int v6)
{
	__u8 *l4;

	if (proto == IPPROTO_TCP) {
		l4 = CUR_PTR(c, 4);
		if (!l4)
			return -1;
		if ((l4[0] == 0 && l4[1] == 179) || (l4[2] == 0 && l4[3] == 179))
			return PE_R_PASS_BGP;
	} else if (proto == IPPROTO_UDP) {
		__u16 dport;

		l4 = CUR_PTR(c, 4);
		if (!l4)
			return -1;
		dport = ((__u16)l4[2] << 8) | l4[3];
		if (dport == 3784 || dport == 4784 || dport == 6784)
			return PE_R_PASS_BFD;
	} else if (proto == IPPROTO_ICMPV6_ && v6) {
		l4 = CUR_PTR(c, 1);
		if (!l4)
			return -1;
		if (l4[0] >= 133 && l4[0] <= 137)
			return PE_R_PASS_ND;
	}
	return -1;
}

static __always_inline int do_ipv4(struct cursor *c, __u32 peering)
{
	struct iphdr *iph = CUR_PTR(c, sizeof(*iph));
	__u32 hlen;
	int r;

	if (!iph || iph->version != 4 || iph->ihl < 5)
		return PE_R_DROP_MALFORMED;
	hlen = iph->ihl * 4;
	/* Non-first fragments carry no L4 header: source decides alone. */
	if (!(iph->frag_off & bpf_htons(0x1fff))) {
		c->off += hlen;
		r = l4_control(c, iph->protocol, 0);
		if (r >= 0)
			return r;
	}
	return v4_allowed(iph->saddr, peering) ? PE_R_PASS_V4 : PE_R_DROP_V4_SRC;
}

static __always_inline int do_ipv6(struct cursor *c, __u32 peering)
{
	struct ipv6hdr *ip6h = CUR_PTR(c, sizeof(*ip6h));
	__u8 nh, *h;
	int i, r;

	if (!ip6h || ip6h->version != 6)
		return PE_R_DROP_MALFORMED;
	nh = ip6h->nexthdr;
	c->off += sizeof(*ip6h);
	/*
	 * Walk at most PE_MAX_EXTHDR extension headers. A chain that is
	 * longer, truncated, or a non-first fragment: no L4, source decides.
	 */
	for (i = 0; i < PE_MAX_EXTHDR; i++) {
		if (nh != NEXTHDR_HOP && nh != NEXTHDR_ROUTING &&
		    nh != NEXTHDR_DEST && nh != NEXTHDR_FRAG &&
		    nh != NEXTHDR_AUTH)
			break;
		h = CUR_PTR(c, 8);
		if (!h)
			goto source;
		if (nh == NEXTHDR_FRAG) {
			if ((h[2] << 8 | h[3]) & 0xfff8)
				goto source;
			c->off += 8;
		} else if (nh == NEXTHDR_AUTH) {
			c->off += ((__u32)h[1] + 2) * 4;
		} else {
			c->off += ((__u32)h[1] + 1) * 8;
		}
		nh = h[0];
	}
	r = l4_control(c, nh, 1);
	if (r >= 0)
		return r;
source:
	return v6_allowed(&ip6h->saddr, peering) ? PE_R_PASS_V6 : PE_R_DROP_V6_SRC;
}

/*
 * The IP layers are global functions, verified once each, whatever the L2
 * path (tags) that led to them: this keeps the verifier's work small on
 * 6.1. off: where the IP header starts (after at most two tags).
 */
#define PE_MAX_L2	(sizeof(struct ethhdr) + 4 * PE_MAX_VLAN)

__attribute__((noinline)) int pe_ipv4(struct xdp_md *ctx, __u32 off,
					 __u32 peering)
{
	struct cursor c = {
		.data = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
		.off = off,
	};

	if (off > PE_MAX_L2)
		return PE_R_DROP_MALFORMED;
	return do_ipv4(&c, peering);
}

__attribute__((noinline)) int pe_ipv6(struct xdp_md *ctx, __u32 off,
					 __u32 peering)
{
	struct cursor c = {
		.data = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
		.off = off,
	};

	if (off > PE_MAX_L2)
		return PE_R_DROP_MALFORMED;
	return do_ipv6(&c, peering);
}

static __always_inline int classify(struct xdp_md *ctx, struct cursor *c,
				    __u32 peering)
{
	struct ethhdr *eth = CUR_PTR(c, sizeof(*eth));
	__u16 proto;
	__u8 *vh;
	int i;

	if (!eth)
		return PE_R_DROP_MALFORMED;
	proto = bpf_ntohs(eth->h_proto);
	c->off = sizeof(*eth);
	for (i = 0; i < PE_MAX_VLAN; i++) {
		if (proto != ETH_P_8021Q_ && proto != ETH_P_8021AD_)
			break;
		vh = CUR_PTR(c, 4);
		if (!vh)
			return PE_R_DROP_MALFORMED;
		proto = (__u16)vh[2] << 8 | vh[3];
		c->off += 4;
	}
	switch (proto) {
	case ETH_P_SLOW_:
		return PE_R_PASS_SLOW;
	case ETH_P_ARP:
		return PE_R_PASS_ARP;
	case ETH_P_LLDP_:
		return PE_R_PASS_LLDP;
	case ETH_P_IP:
		return pe_ipv4(ctx, c->off, peering);
	case ETH_P_IPV6:
		return pe_ipv6(ctx, c->off, peering);
	}
	return PE_R_DROP_ETHERTYPE;
}

static __always_inline void count(__u32 slot, __u32 reason, __u64 bytes)
{
	__u32 idx = slot * PE_R_MAX + reason;
	struct pe_cnt *cnt;

	cnt = bpf_map_lookup_elem(&pe_counters, &idx);
	if (cnt) {
		cnt->packets++;
		cnt->bytes += bytes;
	}
}

SEC("xdp")
int pe_allowlist(struct xdp_md *ctx)
{
	struct cursor c = {
		.data = (void *)(long)ctx->data,
		.end = (void *)(long)ctx->data_end,
	};
	__u32 ifindex = ctx->ingress_ifindex, slot = 0;
	struct pe_ifcfg *cfg;
	__u32 peering = PE_MAX_PEERINGS;	/* none: nothing allowed */
	int reason;

	PE_BENCH_PROLOGUE(ctx);
	cfg = bpf_map_lookup_elem(&pe_ifcfg, &ifindex);
	if (cfg && !cfg->active)
		cfg = NULL;
	if (cfg) {
		slot = cfg->slot < PE_MAX_IFACES ? cfg->slot : 0;
		if (cfg->peering < PE_MAX_PEERINGS)
			peering = cfg->peering;
	}
	reason = classify(ctx, &c, peering);
	if (reason >= PE_R_DROP_V4_SRC) {
		if (!cfg)
			reason = PE_R_PASS_NOCFG;
		else if (cfg->mode == PE_MODE_MONITOR)
			reason += PE_R_MON_OFFSET;
	}
	count(slot, reason, c.end - c.data);
	if (reason >= PE_R_DROP_V4_SRC && reason < PE_R_MON_V4_SRC)
		return XDP_DROP;
	return XDP_PASS;
}
