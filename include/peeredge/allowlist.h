/* SPDX-License-Identifier: GPL-2.0 */
/*
 * peeredge XDP allowlist: map layouts shared by the XDP program
 * (bpf/allowlist.bpf.c), its userspace library (bpf/allowlist.c) and the
 * agent. Everything here is part of the on-disk contract of the maps pinned
 * under PE_PIN_DIR: a program reloaded or an agent restarted finds maps with
 * these exact layouts and reuses them.
 *
 * Lookup structure (the "why" is in bpf/README.md):
 *
 *  A "set" is a u64 bitmap of peering ids (0..63). Sets are interned: the
 *  address tables hold a u32 set id, pe_sets[id] holds the bitmap. Id 0 is
 *  the empty set. Ids are never recycled while the maps live, so a reader
 *  that fetched an old id always finds the bitmap it meant.
 *
 *  IPv4, DIR-24-8:
 *   pe_v4_tbl24[a >> 8]   u32: set id of the /24 (OR of every prefix of
 *                         length <= 24 covering it), or PE_V4_CHUNK | c when
 *                         a prefix longer than /24 lies inside it;
 *   pe_v4_tbl8[c].v[a & 0xff]
 *                         u32: set id of that /32 (OR of every prefix
 *                         covering it, whatever its length).
 *   One or two array loads per packet, whatever the number of prefixes.
 *
 *  IPv6, a /16 directory, then /32 nodes, then one hash slot per 8-bit
 *  level (levels 24, 32, ..., 128; a prefix is expanded to at most 128 slots
 *  of the next level up):
 *   pe_v6_top[top 16 bits] {head, nodes}: head's low 32 bits the set id of
 *                         prefixes of length <= 16 covering it, high 32
 *                         bits: bit 0 set when level-24 slots exist under
 *                         this /16, bit 1 when /32 nodes do; nodes: bit k
 *                         set when a /32 node exists in the k-th /22 of the
 *                         /16 (address bits 16-21).
 *   pe_v6_hash{24, /24}   set id of prefixes /17../24 covering the /24;
 *   pe_v6_hash{32, /32}   the /32 node: set id of prefixes /25../32
 *                         covering it, and a mask of the deeper levels that
 *                         have slots under it (bit i: level 24 + 8 i); a node
 *                         exists when either is non-empty;
 *   pe_v6_hash{L, /L}     L > 32: set id of prefixes (L-8, L] covering it.
 *   The program reads the directory, then at most the /24 slot, the /32
 *   node and, longest first, the deeper levels the node lists, stopping at
 *   the first set that holds its peering. A source in a /22 without any
 *   prefix of length > 16 (most random, spoofed sources) costs one array
 *   load; in an empty /32 of a populated /22, one hash probe more.
 *
 *  pe_prefixes: the registry of what was added (prefix -> own peering
 *  bitmap). The program never reads it; the library rebuilds its state from
 *  it when it reopens pinned maps.
 */
#ifndef PEEREDGE_ALLOWLIST_H
#define PEEREDGE_ALLOWLIST_H

#include <linux/types.h>

#define PE_PIN_DIR		"/sys/fs/bpf/peeredge"
#define PE_MAX_PEERINGS		64

/*
 * Per-interface configuration: pe_ifcfg, an array indexed by ifindex (so
 * ifindex < PE_MAX_IFINDEX). An entry with active == 0 is an unconfigured
 * interface. Each configured interface owns a counter slot (1 ..
 * PE_MAX_IFACES-1); slot 0 counts the traffic of unconfigured interfaces.
 */
#define PE_MAX_IFINDEX		65536
#define PE_MAX_IFACES		256

enum pe_mode {
	PE_MODE_ENFORCE = 0,	/* drop what is not allowed */
	PE_MODE_MONITOR = 1,	/* count what would be dropped, pass it */
};

struct pe_ifcfg {
	__u32 peering;		/* 0..PE_MAX_PEERINGS-1 */
	__u32 mode;		/* enum pe_mode */
	__u32 slot;		/* counter slot */
	__u32 active;		/* 1: configured; written last */
};

/*
 * Why a packet got its verdict. Counted in pe_counters, a per-CPU array
 * indexed by slot * PE_R_MAX + reason (the slot of an ifindex is in
 * pe_ifcfg). Never renumber: the values are what bpftool shows.
 */
enum pe_reason {
	PE_R_PASS_SLOW = 0,	/* ethertype 0x8809: LACP, marker, OAM */
	PE_R_PASS_ARP,		/* ethertype 0x0806 */
	PE_R_PASS_LLDP,		/* ethertype 0x88cc, link-local, never forwarded */
	PE_R_PASS_ND,		/* ICMPv6 133..137 */
	PE_R_PASS_BGP,		/* TCP, source or destination port 179 */
	PE_R_PASS_BFD,		/* UDP, destination port 3784, 4784 or 6784 */
	PE_R_PASS_V4,		/* IPv4 source inside a Verified prefix */
	PE_R_PASS_V6,		/* IPv6 source inside a Verified prefix */
	PE_R_PASS_NOCFG,	/* interface has no pe_ifcfg entry */
	PE_R_DROP_V4_SRC,	/* IPv4 source not allowed on this peering */
	PE_R_DROP_V6_SRC,	/* IPv6 source not allowed on this peering */
	PE_R_DROP_ETHERTYPE,	/* other ethertype, or more than two VLAN tags */
	PE_R_DROP_MALFORMED,	/* truncated Ethernet/VLAN/IP header, bad version */
	PE_R_MON_V4_SRC,	/* monitor mode: PE_R_DROP_* counted, passed */
	PE_R_MON_V6_SRC,
	PE_R_MON_ETHERTYPE,
	PE_R_MON_MALFORMED,
	PE_R_MAX
};

#define PE_R_MON_OFFSET		(PE_R_MON_V4_SRC - PE_R_DROP_V4_SRC)

struct pe_cnt {
	__u64 packets;
	__u64 bytes;
};

/*
 * IPv4 tables. Array map elements are 8-byte aligned, so a u32 value would
 * take 8 bytes: entries are grouped in 64-byte elements (one cache line) for
 * tbl24 and 1 KiB elements (a whole chunk) for tbl8. Seen through mmap()
 * both are flat u32 arrays indexed as in the comment above.
 */
#define PE_V4_CHUNK		0x80000000u
#define PE_V4_CHUNK_MASK	0x00ffffffu
#define PE_V4_TBL24_SIZE	(1u << 24)
#define PE_V4_GROUP		16	/* tbl24 entries per element */

struct pe_v4_group {
	__u32 v[PE_V4_GROUP];
};

struct pe_v4_chunk {
	__u32 v[256];
};

/* IPv6 tables. */
#define PE_V6_TOP_SIZE		(1u << 16)
#define PE_V6_LEVEL_MIN		24
#define PE_V6_LEVEL_STEP	8
#define PE_V6_NLEVELS		14	/* 24, 32, ..., 128 */

struct pe_v6_key {
	__u32 level;		/* 24, 32, ..., 128 */
	__u32 pad;		/* zero */
	/*
	 * The address masked to level: bytes 0-7 and 8-15 in network order,
	 * as a host u64 loads them from memory (memcpy, not be64toh).
	 */
	__u64 hi;
	__u64 lo;
};

struct pe_v6_dir {
	__u64 head;		/* set id | level-24 and /32-node flags << 32 */
	__u64 nodes;		/* /22s of this /16 holding /32 nodes */
};

struct pe_v6_val {
	__u32 set;		/* set id */
	__u32 mask;		/* /32 nodes: deeper levels present */
};

/* Registry of added prefixes (pe_prefixes): key -> own peering bitmap. */
struct pe_prefix_key {
	__u8 family;		/* AF_INET (2) or AF_INET6 (10) */
	__u8 len;
	__u8 pad[2];
	__u8 addr[16];		/* network order, host bits zero */
};

/* LPM-trie keys of the comparison program (benchmark only). */
struct pe_lpm4_key {
	__u32 prefixlen;
	__u8 addr[4];
};

struct pe_lpm6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

#endif
