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
 *  IPv6 tables hold a u32 set id, pe_sets[id] holds the bitmap. Id 0 is
 *  the empty set. Ids are never recycled while the maps live, so a reader
 *  that fetched an old id always finds the bitmap it meant.
 *
 *  IPv4, one 1-bit-per-/24 structure per peering (a packet's interface
 *  names its peering, so the tables answer yes or no, not a set):
 *   pe_v4_dir[p << 16 | a >> 16]
 *                         u32: PE_V4_NONE when no prefix of peering p
 *                         covers or lies in that /16, PE_V4_ALL when one of
 *                         length <= 16 covers it (or prefixes cover each of
 *                         its /24s), else PE_V4_BLOCK | b or,
 *                         when more than PE_V4_DEEP_SLOTS of its /24s hold
 *                         longer prefixes, PE_V4_WIDE | w;
 *   pe_v4_blocks[b]       64 bytes: all[] has a bit per /24, set when a
 *                         prefix of length 17..24 covers it; deep[] lists up
 *                         to PE_V4_DEEP_SLOTS /24s holding longer prefixes,
 *                         each with its /32 bitmap in pe_v4_bits;
 *   pe_v4_wide[w].v[(a >> 8) & 0xff]
 *                         u32: PE_V4_NONE, PE_V4_ALL, or PE_V4_BITS | i;
 *   pe_v4_bits[i]         256 bits, one per /32 of that /24.
 *   A source costs one load in the 256 KiB of its peering's directory, and
 *   one in a block (64 bytes per /16 in use: 4 MiB for a global table) or
 *   a wide chunk; a /24 holding longer prefixes one more.
 *
 *  IPv6, per peering in front (as IPv4, a yes or no for peering p), the
 *  shared tables below behind it:
 *   pe_v6p_dir[p << 16 | a >> 112]
 *                         u32: PE_V6P_D_NONE, PE_V6P_D_ALL (a prefix of
 *                         length <= 16 covers the /16), PE_V6P_D_SHARED (ask
 *                         the shared tables: a /16 whose tables could not
 *                         be built), or PE_V6P_D_BLOCK | b;
 *   pe_v6p_blocks[b]      64 bytes: has[] a bit per /24 holding an entry;
 *                         the entry of the /24 with rank r among them
 *                         (r = before[w] + set bits of has[w] below it, w =
 *                         its 64-bit word) is pe_v6p_lines[base + r / 8]
 *                         .v[r % 8];
 *   entries               u64: PE_V6P_NONE, PE_V6P_ALL (a prefix of length
 *                         17..24 covers the /24), PE_V6P_SHARED (ask the
 *                         shared tables), PE_V6P_ONE (the one outermost
 *                         prefix of peering p in the /24, 25..64 long),
 *                         PE_V6P_TWO (two, each 25..48 long), PE_V6P_LIST
 *                         | l (pe_v6p_lists[l]: up to 8, each 25..64).
 *   Only the outermost prefixes of a peering matter for its yes or no, and
 *   most /24s of a large table hold one or two; a /24 with more than 8 or
 *   one longer than /64 is left to the shared tables.
 *   The entries of a /16 are packed by rank, 8 bytes each, so that the
 *   table most packets read is about 8 bytes per /24 in use (8 MiB at a
 *   million prefixes), not 2 KiB per /16, and the entry itself answers for
 *   all but the /24s that need a list: one read after the block, where a
 *   separate pool of longer entries cost a second one.
 *
 *  IPv6, shared by the peerings: DIR-16-8 then sorted ranges (no hash
 *  probe):
 *   pe_v6_dir[a >> 112]   u32: set id of the /16 (OR of every prefix of
 *                         length <= 16 covering it), or PE_V6_CHUNK | c when
 *                         a longer prefix lies inside it;
 *   pe_v6_tbl[c].v[(a >> 104) & 0xff]
 *                         u64: in the low 32 bits, the set id of that /24
 *                         (prefixes of length <= 24 covering it), or
 *                         PE_V6_SLICE | order << 26 | off when longer
 *                         prefixes lie inside it; or, bit 63 set, the one
 *                         prefix of length 25..48 inside it (PE_V6_ONE:
 *                         most /24s of a large table hold one prefix, and
 *                         then no slice is read);
 *   pe_v6_ranges[off .. off + 2^order - 1]
 *                         the slice: the /24 cut into ranges, sorted by
 *                         start (address bits 24..127), each with the set id
 *                         of every prefix covering it; the first starts at
 *                         the /24, the unused tail repeats the last range
 *                         with the largest start. The program bisects it
 *                         (order steps) for the last start <= the source.
 *   A source in a /16 without prefixes longer than /16 costs one array
 *   load, one in a /24 without longer prefixes or with a single one up to
 *   /48 two, otherwise two plus a bisect whose last two steps share a
 *   cache line.
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
 * take 8 bytes: directory entries are grouped in 64-byte elements
 * (pe_group); seen through mmap() pe_v4_dir is a flat u32 array indexed as
 * in the comment above. A deep slot: bits 24..31 the /24 inside the /16
 * (the address's third byte), PE_V4_SLOT_USED, bits 0..22 the pe_v4_bits
 * index; 0 is a free slot.
 */
#define PE_V4_NONE		0u
#define PE_V4_ALL		1u
#define PE_V4_BLOCK		0x80000000u	/* pe_v4_dir */
#define PE_V4_WIDE		0x40000000u	/* pe_v4_dir */
#define PE_V4_BITS		0x80000000u	/* pe_v4_wide */
#define PE_V4_INDEX_MASK	0x007fffffu
#define PE_V4_SLOT_USED		0x00800000u
#define PE_V4_DEEP_SLOTS	8
#define PE_V4_DIR_SIZE		(PE_MAX_PEERINGS << 16)
#define PE_GROUP		16	/* u32 entries per 64-byte element */

struct pe_group {
	__u32 v[PE_GROUP];
};

struct pe_v4_block {
	__u64 all[4];
	__u32 deep[PE_V4_DEEP_SLOTS];
};

struct pe_v4_wide {
	__u32 v[256];
};

struct pe_v4_bits {
	__u64 w[4];
};

/*
 * IPv6 tables. The directory has the IPv4 element layout (pe_group); a
 * chunk is 256 u64 entries. An entry with PE_V6_ONE set:
 *   bits 56..60: prefix length - 25 (lengths 25..48),
 *   bits 32..55: prefix bits 24..47,
 *   bits 16..31: set id inside the prefix, bits 0..15: elsewhere in the /24.
 * A range is 16 bytes, four to a cache line:
 *   mid: address bits 24..87 (host order),
 *   low: address bits 88..127 << 24 | set id (ids fit in 16 bits: pe_sets
 *        has 65536 entries; bits 16..23 stay zero).
 * Comparing (mid, low) with (source mid, source bits 88..127 << 24 | 0xffffff)
 * orders ranges by start whatever their set id.
 */
#define PE_V6_DIR_SIZE		(1u << 16)
#define PE_V6_CHUNK		0x80000000u
#define PE_V6_CHUNK_MASK	0x00ffffffu
#define PE_V6_SLICE		0x80000000u
#define PE_V6_SLICE_SHIFT	26	/* order above, first range below */
#define PE_V6_SLICE_OFF_MASK	((1u << PE_V6_SLICE_SHIFT) - 1)
#define PE_V6_SLICE_MAX_ORDER	24	/* bisect steps; ranges <= 2^26 */
#define PE_V6_SET_MASK		0xffffu
#define PE_V6_ONE		(1ULL << 63)
#define PE_V6_ONE_MAX_LEN	48

struct pe_v6_chunk {
	__u64 v[256];
};

struct pe_v6_range {
	__u64 mid;
	__u64 low;
};

/*
 * Per-peering IPv6 tables. Directory: the IPv4 element layout (pe_group).
 * Entries and list words (u64), by bits 62..63:
 *   0: PE_V6P_NONE, PE_V6P_ALL, PE_V6P_SHARED (entries), or an unused list
 *     word;
 *   PE_V6P_ONE: bits 40..45 length - 25 (25..64), bits 0..39 prefix bits
 *     24..63;
 *   PE_V6P_TWO: bits 53..57 and 24..28 lengths - 25 (25..48), bits 29..52
 *     and 0..23 prefix bits 24..47 (entries);
 *   PE_V6P_LIST: bits 0..31 an index in pe_v6p_lists (entries).
 * A block's entry lines are a buddy block of 2^k lines, k the least with
 * 8 * 2^k >= the set bits of has[].
 */
#define PE_V6P_D_NONE		0u
#define PE_V6P_D_ALL		1u
#define PE_V6P_D_SHARED		2u
#define PE_V6P_D_BLOCK		0x80000000u
#define PE_V6P_INDEX_MASK	0x00ffffffu
#define PE_V6P_DIR_SIZE		(PE_MAX_PEERINGS << 16)
#define PE_V6P_NONE		0ULL
#define PE_V6P_ALL		1ULL
#define PE_V6P_SHARED		2ULL
#define PE_V6P_KIND		(3ULL << 62)
#define PE_V6P_ONE		(1ULL << 62)
#define PE_V6P_TWO		(2ULL << 62)
#define PE_V6P_LIST		(3ULL << 62)
#define PE_V6P_LIST_INDEX	0xffffffffULL
#define PE_V6P_ONE_MAX_LEN	64
#define PE_V6P_SHORT_MAX_LEN	48	/* each of a TWO */
#define PE_V6P_LINE		8	/* entries a line */
#define PE_V6P_LIST_MAX		8

struct pe_v6p_block {
	__u64 has[4];
	__u32 base;		/* first line of the entries */
	__u8 before[4];		/* entries of has[0 .. w-1] */
	__u32 pad[6];
};

struct pe_v6p_line {
	__u64 v[PE_V6P_LINE];
};

struct pe_v6p_list {
	__u64 v[PE_V6P_LIST_MAX];
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
