// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_bench's "stream" programs: the allowlist program (built as it is, or
 * with -DPE_LOOKUP_LPM) with a prologue that writes the next address of a
 * table of random sources into the packet's source field. One
 * BPF_PROG_TEST_RUN with repeat N then looks up N different sources, the
 * way a port sees traffic, instead of one source N times with the table
 * entry it touches in cache. pe_stream_null is the prologue alone: the cost
 * of the test-run loop and of the rotation itself. pe_stream_probe adds one
 * read at a place picked by the source in a 64 MiB array (a u32 per IPv4
 * /24): what one read costs in a table that does not fit in the caches,
 * to a program this short. Confined to the start of that array
 * (pe_stream_probe_mask), it gives the same for smaller tables.
 *
 * Built with -DPE_STREAM_FLOOR, pe_allowlist is the "lookup floor": the
 * allowlist program whose source lookup is that one read and nothing more
 * (its table filled by the bench, half the entries non-zero at random, so
 * that the verdict follows what was read as a lookup's does). A short
 * program like the probe lets the processor start the next packets' reads
 * while one waits, which a program as long as the allowlist cannot: the
 * lookup floor is what one read of a table of that size costs inside the
 * allowlist program.
 *
 * The bench gives the lookup maps of these objects the fds of the real
 * ones (bpf_map__reuse_fd), so the tables are filled once.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#include "xdp_stream.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PE_STREAM_SOURCES);
	__type(key, __u32);
	__type(value, struct in6_addr);	/* IPv4: the first 4 bytes */
} pe_stream_src SEC(".maps");

/* The index of the next source; the bench runs on one CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} pe_stream_pos SEC(".maps");

static __always_inline void stream_next_source(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct in6_addr *src;
	__u32 zero = 0, *pos, i;

	pos = bpf_map_lookup_elem(&pe_stream_pos, &zero);
	if (!pos)
		return;
	i = *pos;
	*pos = (i + 1) & (PE_STREAM_SOURCES - 1);
	src = bpf_map_lookup_elem(&pe_stream_src, &i);
	if (!src || (void *)(eth + 1) > end)
		return;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) <= end)
			__builtin_memcpy(&ip->saddr, src, 4);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) <= end)
			__builtin_memcpy(&ip6->saddr, src, 16);
	}
}

#ifndef PE_LOOKUP_LPM
/* A direct table of a u32 per /24, 16 to a 64-byte element. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, PE_STREAM_PROBE_ELEMS);
	__type(key, __u32);
	__type(value, __u32[16]);
} pe_stream_probe_tbl SEC(".maps");

/* The elements of pe_stream_probe_tbl the probe reads, less one: 2^n - 1. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} pe_stream_probe_mask SEC(".maps");

/* The entry a source picks: IPv4 by its /24, IPv6 by a hash of it all. */
static __always_inline __u32 probe_at_v4(__u32 saddr)
{
	return bpf_ntohl(saddr) >> 8;
}

static __always_inline __u32 probe_at_v6(const struct in6_addr *src)
{
	__u64 hi, lo;

	__builtin_memcpy(&hi, &src->s6_addr[0], 8);
	__builtin_memcpy(&lo, &src->s6_addr[8], 8);
	return ((hi ^ lo) * 0x9e3779b97f4a7c15ULL) >> 40;
}

/* The one read: is entry @at of the confined table non-zero? */
static __always_inline int probe_has(__u32 at)
{
	__u32 zero = 0, *mask, *v;

	mask = bpf_map_lookup_elem(&pe_stream_probe_mask, &zero);
	if (!mask)
		return 0;
	v = bpf_map_lookup_elem(&pe_stream_probe_tbl,
				&(__u32){ (at >> 4) & *mask });
	return v && v[at & 15];
}
#endif

#ifdef PE_STREAM_FLOOR
#define PE_BENCH_LOOKUP
static __always_inline int v4_allowed(__u32 saddr, __u32 peering)
{
	return probe_has(probe_at_v4(saddr));
}

static __always_inline int v6_allowed(const struct in6_addr *src,
				      __u32 peering)
{
	return probe_has(probe_at_v6(src));
}
#endif

#define PE_BENCH_PROLOGUE(ctx) stream_next_source(ctx)
#include "allowlist.bpf.c"

SEC("xdp")
int pe_stream_null(struct xdp_md *ctx)
{
	stream_next_source(ctx);
	return XDP_PASS;
}

#ifndef PE_LOOKUP_LPM
SEC("xdp")
int pe_stream_probe(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	__u32 at;

	stream_next_source(ctx);
	if ((void *)(eth + 1) > end)
		return XDP_ABORTED;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = (void *)(eth + 1);

		if ((void *)(ip + 1) > end)
			return XDP_ABORTED;
		at = probe_at_v4(ip->saddr);
	} else {
		struct ipv6hdr *ip6 = (void *)(eth + 1);

		if ((void *)(ip6 + 1) > end)
			return XDP_ABORTED;
		at = probe_at_v6(&ip6->saddr);
	}
	return probe_has(at) ? XDP_PASS : XDP_DROP;
}
#endif
