// SPDX-License-Identifier: GPL-2.0
/* The special-purpose table; blocks are written as their leading bytes. */
#include <sys/socket.h>

#include "special.h"

static const struct special_block {
	struct prefix pfx;
	const char *text;
} special_blocks[] = {
#define V4(l, text, ...) { { AF_INET, l, { .bytes = { __VA_ARGS__ } } }, text }
#define V6(l, text, ...) { { AF_INET6, l, { .bytes = { __VA_ARGS__ } } }, text }
	V4(8, "0.0.0.0/8 (RFC 791 this network)", 0),
	V4(8, "10.0.0.0/8 (RFC 1918)", 10),
	V4(10, "100.64.0.0/10 (RFC 6598 shared address space)", 100, 64),
	V4(8, "127.0.0.0/8 (RFC 1122 loopback)", 127),
	V4(16, "169.254.0.0/16 (RFC 3927 link local)", 169, 254),
	V4(12, "172.16.0.0/12 (RFC 1918)", 172, 16),
	V4(24, "192.0.0.0/24 (RFC 6890 IETF protocol assignments)", 192, 0, 0),
	V4(24, "192.0.2.0/24 (RFC 5737 documentation)", 192, 0, 2),
	V4(24, "192.88.99.0/24 (RFC 7526 6to4 relay anycast)", 192, 88, 99),
	V4(16, "192.168.0.0/16 (RFC 1918)", 192, 168),
	V4(15, "198.18.0.0/15 (RFC 2544 benchmarking)", 198, 18),
	V4(24, "198.51.100.0/24 (RFC 5737 documentation)", 198, 51, 100),
	V4(24, "203.0.113.0/24 (RFC 5737 documentation)", 203, 0, 113),
	V4(4, "224.0.0.0/4 (RFC 5771 multicast)", 224),
	/* 240/4 covers 255.255.255.255/32 (RFC 919 broadcast) too. */
	V4(4, "240.0.0.0/4 (RFC 1112 reserved)", 240),
	V6(128, "::/128 (RFC 4291 unspecified)", 0),
	V6(128, "::1/128 (RFC 4291 loopback)", [15] = 1),
	V6(96, "::ffff:0:0/96 (RFC 4291 IPv4-mapped)", [10] = 0xff, 0xff),
	V6(96, "64:ff9b::/96 (RFC 6052 IPv4-IPv6 translation)", 0, 0x64, 0xff, 0x9b),
	V6(48, "64:ff9b:1::/48 (RFC 8215 local-use translation)", 0, 0x64, 0xff, 0x9b, 0, 1),
	V6(64, "100::/64 (RFC 6666 discard-only)", 1, 0),
	V6(23, "2001::/23 (RFC 2928 IETF protocol assignments)", 0x20, 0x01),
	V6(32, "2001:db8::/32 (RFC 3849 documentation)", 0x20, 0x01, 0x0d, 0xb8),
	/* 6to4 space is derived from IPv4 and never a peer's own. */
	V6(16, "2002::/16 (RFC 3056 6to4)", 0x20, 0x02),
	V6(20, "3fff::/20 (RFC 9637 documentation)", 0x3f, 0xff),
	V6(16, "5f00::/16 (RFC 9602 SRv6 SIDs)", 0x5f, 0x00),
	V6(7, "fc00::/7 (RFC 4193 unique local)", 0xfc),
	V6(10, "fe80::/10 (RFC 4291 link local)", 0xfe, 0x80),
	V6(8, "ff00::/8 (RFC 4291 multicast)", 0xff),
#undef V4
#undef V6
};

const char *special_range_of(const struct prefix *p)
{
	for (size_t i = 0; i < sizeof(special_blocks) / sizeof(special_blocks[0]); i++) {
		const struct prefix *block = &special_blocks[i].pfx;

		if (prefix_contains(block, p) || prefix_contains(p, block))
			return special_blocks[i].text;
	}
	return NULL;
}
