/* SPDX-License-Identifier: GPL-2.0 */
/*
 * peeredge XDP allowlist: userspace library (build/bpf/liballowlist.a).
 *
 * Opens and loads the XDP program, creates or reuses its maps pinned under a
 * directory, attaches it to interfaces through pinned bpf_links (replaced
 * atomically when the program is reloaded), and keeps the lookup tables in
 * step with the Verified prefixes the caller adds and removes, one at a time,
 * without a moment where a still-valid source is refused.
 *
 * A handle is not thread-safe: one writer (the agent) at a time, per pin
 * directory. The XDP program reads concurrently; every table update is a
 * single aligned store or a single map-element update, ordered so that the
 * program sees either the old or the new answer. All functions return 0 (or
 * a count / boolean where said) and -errno on failure.
 */
#ifndef PEEREDGE_ALLOWLIST_USER_H
#define PEEREDGE_ALLOWLIST_USER_H

#include <linux/types.h>
#include <stddef.h>

#include "peeredge/allowlist.h"

struct pe_allowlist;

struct pe_allowlist_opts {
	/*
	 * Where the maps (and links) are pinned: created when missing,
	 * reused when present. NULL: nothing pinned, everything goes away
	 * with the handle.
	 */
	const char *pin_dir;
	/*
	 * Sizes of the tables. 0: the size of the pinned table, else the
	 * default given. Set, and different from the pinned table's, that
	 * family's tables are all replaced by new ones, filled from the
	 * registry before the program is swapped in.
	 *
	 * (peering, /16)s holding prefixes longer than /16; 0: 262144.
	 */
	__u32 v4_blocks;
	/* ... with more than PE_V4_DEEP_SLOTS /24s holding prefixes longer
	 * than /24; 0: 1024 */
	__u32 v4_wide;
	__u32 v4_bitmaps;	/* (peering, /24)s holding prefixes longer than
				 * /24; 0: 16384 */
	__u32 v6_chunks;	/* /16s holding prefixes longer than /16; 0: 8192 */
	__u32 v6_ranges;	/* IPv6 slice ranges (16 bytes each), rounded up
				 * to a power of two, at most 2^26; 0: 2^21 */
	__u32 v6_blocks;	/* per-peering IPv6: (peering, /16)s holding
				 * prefixes longer than /16; 0: 65536 */
	__u32 v6_entry_lines;	/* ... 64-byte lines of their /24 entries, 8 a
				 * line, rounded up to a power of two, at most
				 * 2^25; 0: 2^18 */
	__u32 v6_lists;		/* ... /24s holding 3..8 prefixes, or two with
				 * one longer than /48; 0: 2^17 */
	__u32 prefixes;		/* registry capacity; 0: 1048576 */
};

int pe_allowlist_open(const struct pe_allowlist_opts *opts,
		      struct pe_allowlist **alp);
/* Frees the handle; pinned maps and pinned links stay in place. */
void pe_allowlist_close(struct pe_allowlist *al);

/* The loaded XDP program (for BPF_PROG_TEST_RUN, bpftool, ...). */
int pe_allowlist_prog_fd(const struct pe_allowlist *al);

/*
 * Attach to ifindex (in the caller's network namespace) through a bpf_link,
 * pinned as <pin_dir>/link_<ifindex>. When a link is already there (an
 * earlier load), its program is replaced atomically (BPF_LINK_UPDATE); when
 * a program was attached through netlink, it is replaced with
 * XDP_FLAGS_REPLACE. xdp_flags: 0 (native when the driver has it, else
 * generic), XDP_FLAGS_DRV_MODE or XDP_FLAGS_SKB_MODE. The interface must
 * have been configured first (-ENOENT otherwise).
 */
int pe_allowlist_attach(struct pe_allowlist *al, int ifindex, __u32 xdp_flags);
int pe_allowlist_detach(struct pe_allowlist *al, int ifindex);

/*
 * Per-interface configuration; takes effect on the next packet. ifindex
 * must be below PE_MAX_IFINDEX (-ERANGE), at most PE_MAX_IFACES - 1
 * interfaces are configured at a time (-ENOSPC).
 */
int pe_allowlist_set_iface(struct pe_allowlist *al, int ifindex,
			   unsigned int peering, enum pe_mode mode);
/* Removes configuration and counters; detach first. */
int pe_allowlist_del_iface(struct pe_allowlist *al, int ifindex);

/*
 * Allow (remove) sources inside family/addr/len on peering. addr is in
 * network order (struct in_addr / in6_addr); host bits must be zero
 * (-EINVAL). Adding twice is harmless; removing what is not there is
 * -ENOENT. A source is allowed on a peering while any added prefix of that
 * peering covers it, whatever the other, longer or shorter, prefixes.
 */
int pe_allowlist_add(struct pe_allowlist *al, int family, const void *addr,
		     unsigned int len, unsigned int peering);
int pe_allowlist_del(struct pe_allowlist *al, int family, const void *addr,
		     unsigned int len, unsigned int peering);

/*
 * Calls fn for every added prefix with the bitmap of the peerings it was
 * added for (bit n: peering n), in no particular order: what the pinned
 * maps held at open plus the changes since. fn must not add or remove; a
 * non-zero return stops the walk and is returned.
 */
typedef int (*pe_prefix_fn)(int family, const void *addr, unsigned int len,
			    __u64 peerings, void *ctx);
int pe_allowlist_foreach(const struct pe_allowlist *al, pe_prefix_fn fn,
			 void *ctx);

/* Calls fn for every configured interface; same rules as above. */
typedef int (*pe_iface_fn)(int ifindex, unsigned int peering,
			   enum pe_mode mode, void *ctx);
int pe_allowlist_foreach_iface(const struct pe_allowlist *al, pe_iface_fn fn,
			       void *ctx);

/*
 * What the XDP program would answer for a source address on a peering,
 * computed from the same tables: 1 allowed, 0 not, -errno.
 */
int pe_allowlist_allowed(struct pe_allowlist *al, int family, const void *addr,
			 unsigned int peering);

/*
 * Counters of a configured ifindex (since it was configured) summed over
 * CPUs, indexed by enum pe_reason; ifindex 0: all unconfigured interfaces.
 */
int pe_allowlist_counters(struct pe_allowlist *al, int ifindex,
			  struct pe_cnt out[PE_R_MAX]);
/* "pass_bgp", "drop_v4_src", ...; "?" when out of range. */
const char *pe_reason_name(unsigned int reason);

struct pe_allowlist_stats {
	__u64 prefixes;		/* registry entries */
	__u32 sets;		/* interned peering sets */
	__u32 v4_blocks_used, v4_blocks;
	__u32 v4_wide_used, v4_wide;
	__u32 v4_bitmaps_used, v4_bitmaps;
	__u32 v4_slash16_used;	/* (peering, /16)s with something allowed */
	__u32 v6_chunks_used, v6_chunks;
	__u32 v6_ranges_used, v6_ranges;	/* in live slices */
	__u32 v6_blocks_used, v6_blocks;	/* per-peering IPv6 */
	__u32 v6_entry_lines_used, v6_entry_lines;
	__u32 v6_lists_used, v6_lists;
	__u32 v6_slash16_used;	/* (peering, /16)s with something allowed */
	__u32 v6_slash16_shared;	/* ... left to the shared tables: no
					 * space for their own */
	__u64 grace_waits;	/* RCU grace periods waited for before reuse */
};
void pe_allowlist_stats(const struct pe_allowlist *al,
			struct pe_allowlist_stats *st);

#endif
