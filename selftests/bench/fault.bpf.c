// SPDX-License-Identifier: GPL-2.0
/*
 * A silent path fault for the BFD benchmark: while fault[0] is non-zero,
 * every frame arriving on the interface is dropped, carrier and link state
 * untouched. Switching it is one bpf(BPF_MAP_UPDATE_ELEM) syscall, so the
 * moment of the fault is known to the microsecond.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} fault SEC(".maps");

SEC("xdp")
int drop_while_faulty(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u32 *on = bpf_map_lookup_elem(&fault, &key);

	return on && *on ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
