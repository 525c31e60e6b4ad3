// SPDX-License-Identifier: GPL-2.0
/*
 * A silent fault on one bond member, and the clock that tells when that
 * member stopped carrying data (lag_detect.c). Attached on the receiving
 * side of every member of the far bond:
 *  - XDP (ingress): the benchmark's data stream (IPv4 UDP to a port in
 *    [port_lo, port_hi]) is counted and dropped on every member (a sink: the
 *    far stack never sees it); on the target member the arrival time of the
 *    last data frame is kept. While FAULT_IN is set, every other frame
 *    arriving on the target is dropped too (BFD, LACPDUs, ARP).
 *  - tc egress on the target: while FAULT_OUT is set, every frame leaving is
 *    dropped. Carrier stays up either way; switching is one map update.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* Slots of ctl: written by userspace, then by this program. */
enum {
	CTL_FAULT,	/* FAULT_IN | FAULT_OUT */
	CTL_TARGET,	/* ifindex of the faulty member */
	CTL_PORT_LO,
	CTL_PORT_HI,
	CTL_LAST_NS,	/* bpf_ktime_get_ns() of the last data frame on the target */
	CTL_FRAMES,	/* data frames seen on the target */
	CTL_MAX,
};

#define FAULT_IN 1
#define FAULT_OUT 2

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, CTL_MAX);
	__type(key, __u32);
	__type(value, __u64);
} ctl SEC(".maps");

static __always_inline __u64 get(__u32 k)
{
	__u64 *v = bpf_map_lookup_elem(&ctl, &k);

	return v ? *v : 0;
}

static __always_inline int is_data(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	struct udphdr *udp;
	__u16 port;

	if ((void *)(ip + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP) ||
	    ip->protocol != IPPROTO_UDP || ip->ihl != 5)
		return 0;
	udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > end)
		return 0;
	port = bpf_ntohs(udp->dest);
	return port >= get(CTL_PORT_LO) && port <= get(CTL_PORT_HI);
}

SEC("xdp")
int member_in(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	int target = ctx->ingress_ifindex == get(CTL_TARGET);

	if (is_data(data, end)) {
		if (target) {
			__u32 k = CTL_LAST_NS;
			__u64 now = bpf_ktime_get_ns(), *v;

			bpf_map_update_elem(&ctl, &k, &now, BPF_ANY);
			k = CTL_FRAMES;
			v = bpf_map_lookup_elem(&ctl, &k);
			if (v)
				__sync_fetch_and_add(v, 1);
		}
		return XDP_DROP;
	}
	return target && (get(CTL_FAULT) & FAULT_IN) ? XDP_DROP : XDP_PASS;
}

SEC("tc")
int member_out(struct __sk_buff *skb)
{
	return skb->ifindex == get(CTL_TARGET) && (get(CTL_FAULT) & FAULT_OUT) ?
		TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
