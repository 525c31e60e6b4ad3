/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Test packet builder for the XDP allowlist tests and benchmark: Ethernet
 * with VLAN tags, IPv4/IPv6, IPv6 extension headers, TCP/UDP ports, ICMP.
 * Checksums are not filled in: XDP never looks at them.
 */
#ifndef PE_SELFTEST_PKT_H
#define PE_SELFTEST_PKT_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

#define PKT_MAX 1024

struct pkt {
	uint8_t b[PKT_MAX];
	size_t len;
	size_t l3;		/* offset of the IP header */
};

static inline void pkt_put(struct pkt *p, const void *d, size_t n)
{
	memcpy(p->b + p->len, d, n);
	p->len += n;
}

static inline void pkt_u8(struct pkt *p, uint8_t v)
{
	pkt_put(p, &v, 1);
}

static inline void pkt_be16(struct pkt *p, uint16_t v)
{
	uint16_t n = htons(v);

	pkt_put(p, &n, 2);
}

static inline void pkt_zero(struct pkt *p, size_t n)
{
	memset(p->b + p->len, 0, n);
	p->len += n;
}

/* Ethernet header, then ntags tags (TPIDs in tpid[]), then ethertype. */
static inline void pkt_eth(struct pkt *p, uint16_t ethertype, int ntags,
			   const uint16_t *tpid)
{
	static const uint8_t dst[6] = { 0x02, 0, 0, 0, 0, 1 };
	static const uint8_t src[6] = { 0x02, 0, 0, 0, 0, 2 };
	int i;

	p->len = 0;
	pkt_put(p, dst, 6);
	pkt_put(p, src, 6);
	for (i = 0; i < ntags; i++) {
		pkt_be16(p, tpid[i]);
		pkt_be16(p, 100 + i);	/* TCI: VLAN id */
	}
	pkt_be16(p, ethertype);
	p->l3 = p->len;
}

/* IPv4 header; frag is the host-order frag_off field (flags | offset). */
static inline void pkt_ip4(struct pkt *p, const char *src, const char *dst,
			   uint8_t proto, uint16_t frag)
{
	uint8_t h[20] = { 0x45, 0 };
	struct in_addr a;

	h[6] = frag >> 8;
	h[7] = frag & 0xff;
	h[8] = 64;
	h[9] = proto;
	inet_pton(AF_INET, src, &a);
	memcpy(h + 12, &a, 4);
	inet_pton(AF_INET, dst, &a);
	memcpy(h + 16, &a, 4);
	pkt_put(p, h, 20);
}

static inline void pkt_ip6(struct pkt *p, const char *src, const char *dst,
			   uint8_t nexthdr)
{
	uint8_t h[40] = { 0x60, 0 };
	struct in6_addr a;

	h[6] = nexthdr;
	h[7] = 64;
	inet_pton(AF_INET6, src, &a);
	memcpy(h + 8, &a, 16);
	inet_pton(AF_INET6, dst, &a);
	memcpy(h + 24, &a, 16);
	pkt_put(p, h, 40);
}

/* Generic extension header (hop-by-hop, routing, dest opts): 8*(len+1). */
static inline void pkt_ext6(struct pkt *p, uint8_t nexthdr, uint8_t len8)
{
	pkt_u8(p, nexthdr);
	pkt_u8(p, len8);
	pkt_zero(p, 6 + 8 * (size_t)len8);
}

/* Fragment header; off in 8-byte units. */
static inline void pkt_frag6(struct pkt *p, uint8_t nexthdr, uint16_t off,
			     int more)
{
	pkt_u8(p, nexthdr);
	pkt_u8(p, 0);
	pkt_be16(p, (uint16_t)(off << 3 | (more ? 1 : 0)));
	pkt_zero(p, 4);
}

/* TCP or UDP: ports, then some header and payload bytes. */
static inline void pkt_ports(struct pkt *p, uint16_t sport, uint16_t dport,
			     size_t rest)
{
	pkt_be16(p, sport);
	pkt_be16(p, dport);
	pkt_zero(p, rest);
}

/* Fix the IP length fields after the payload is in place. */
static inline void pkt_fix_len(struct pkt *p)
{
	uint16_t n;

	if ((p->b[p->l3] >> 4) == 4) {
		n = htons((uint16_t)(p->len - p->l3));
		memcpy(p->b + p->l3 + 2, &n, 2);
	} else if ((p->b[p->l3] >> 4) == 6) {
		n = htons((uint16_t)(p->len - p->l3 - 40));
		memcpy(p->b + p->l3 + 4, &n, 2);
	}
}

#endif
