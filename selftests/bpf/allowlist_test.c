// SPDX-License-Identifier: GPL-2.0
/*
 * XDP allowlist: every packet class and verdict through BPF_PROG_TEST_RUN on
 * the host kernel, counters per reason, incremental updates against a brute
 * force model, pinned-map reuse and link replacement.
 *
 * The process moves into a network namespace of its own with a veth pair
 * (pe_a, pe_b): their ifindexes stand for two peering interfaces.
 */
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kselftest_harness.h"
#include "allowlist_user.h"
#include "pkt.h"

#define P1 1	/* peering of pe_a */
#define P2 2	/* peering of pe_b */

static int if_a, if_b, setup_err;

/* Own netns with a veth pair, before the harness forks the tests. */
__attribute__((constructor)) static void setup_netns(void)
{
	if (geteuid() != 0) {
		setup_err = EPERM;
		return;
	}
	/* Mounts (the test bpffs) stay private to this process tree. */
	if (unshare(CLONE_NEWNET | CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL)) {
		setup_err = errno;
		return;
	}
	if (system("ip link add pe_a type veth peer name pe_b && "
		   "ip link set pe_a up && ip link set pe_b up && ip link set lo up")) {
		setup_err = EIO;
		return;
	}
	if_a = if_nametoindex("pe_a");
	if_b = if_nametoindex("pe_b");
	if (!if_a || !if_b)
		setup_err = ENODEV;
}

/* One XDP run; returns the verdict or -errno. */
static int run(int prog, int ifindex, const void *data, size_t len)
{
	struct xdp_md ctx = { .data_end = len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = data, .data_size_in = len,
		    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = 1);

	if (bpf_prog_test_run_opts(prog, &o))
		return -errno;
	return o.retval;
}

/*
 * Runs a packet, checks the verdict and that exactly the counter of the
 * expected reason moved by one. Returns 0 or a line for the report.
 */
static int verdict(struct pe_allowlist *al, int ifindex, const struct pkt *p,
		   size_t len, int want_ret, int want_reason, char *why,
		   size_t whylen)
{
	struct pe_cnt before[PE_R_MAX], after[PE_R_MAX];
	int prog = pe_allowlist_prog_fd(al), ret, r, cidx = ifindex;

	/* Unconfigured interfaces share the counters of ifindex 0. */
	if (pe_allowlist_counters(al, cidx, before) == -ENOENT)
		cidx = 0;
	if (pe_allowlist_counters(al, cidx, before))
		return snprintf(why, whylen, "counters unreadable"), -1;
	ret = run(prog, ifindex, p->b, len);
	if (pe_allowlist_counters(al, cidx, after))
		return snprintf(why, whylen, "counters unreadable"), -1;
	if (ret != want_ret)
		return snprintf(why, whylen, "len %zu: verdict %d, want %d", len,
				ret, want_ret), -1;
	for (r = 0; r < PE_R_MAX; r++) {
		__u64 d = after[r].packets - before[r].packets;
		__u64 want = r == want_reason;

		if (d != want)
			return snprintf(why, whylen,
					"len %zu: counter %s moved by %llu, want %llu",
					len, pe_reason_name(r),
					(unsigned long long)d,
					(unsigned long long)want), -1;
		if (want && after[r].bytes - before[r].bytes != len)
			return snprintf(why, whylen, "len %zu: bytes of %s", len,
					pe_reason_name(r)), -1;
	}
	return 0;
}

#define VERDICT(ifindex, p, ret, reason) do {				\
	char __why[160] = "";						\
	int __r = verdict(self->al, ifindex, p, (p)->len, ret, reason,	\
			  __why, sizeof(__why));			\
	if (__r)							\
		TH_LOG("%s", __why);					\
	ASSERT_EQ(0, __r);						\
} while (0)

static int add4(struct pe_allowlist *al, const char *a, int len, int peering)
{
	struct in_addr x;

	inet_pton(AF_INET, a, &x);
	return pe_allowlist_add(al, AF_INET, &x, len, peering);
}

static int del4(struct pe_allowlist *al, const char *a, int len, int peering)
{
	struct in_addr x;

	inet_pton(AF_INET, a, &x);
	return pe_allowlist_del(al, AF_INET, &x, len, peering);
}

static int add6(struct pe_allowlist *al, const char *a, int len, int peering)
{
	struct in6_addr x;

	inet_pton(AF_INET6, a, &x);
	return pe_allowlist_add(al, AF_INET6, &x, len, peering);
}

static int del6(struct pe_allowlist *al, const char *a, int len, int peering)
{
	struct in6_addr x;

	inet_pton(AF_INET6, a, &x);
	return pe_allowlist_del(al, AF_INET6, &x, len, peering);
}

static int ok4(struct pe_allowlist *al, const char *a, int peering)
{
	struct in_addr x;

	inet_pton(AF_INET, a, &x);
	return pe_allowlist_allowed(al, AF_INET, &x, peering);
}

static int ok6(struct pe_allowlist *al, const char *a, int peering)
{
	struct in6_addr x;

	inet_pton(AF_INET6, a, &x);
	return pe_allowlist_allowed(al, AF_INET6, &x, peering);
}

/* UDP data packet from src (v4 or v6 by syntax), optional VLAN tags. */
static void data_pkt(struct pkt *p, const char *src, int ntags,
		     const uint16_t *tpid)
{
	if (strchr(src, ':')) {
		pkt_eth(p, 0x86dd, ntags, tpid);
		pkt_ip6(p, src, "2001:db8:ffff::1", IPPROTO_UDP);
	} else {
		pkt_eth(p, 0x0800, ntags, tpid);
		pkt_ip4(p, src, "198.51.100.1", IPPROTO_UDP, 0);
	}
	pkt_ports(p, 40000, 5060, 4 + 32);
	pkt_fix_len(p);
}

static void tcp_pkt(struct pkt *p, const char *src, uint16_t sport,
		    uint16_t dport)
{
	if (strchr(src, ':')) {
		pkt_eth(p, 0x86dd, 0, NULL);
		pkt_ip6(p, src, "2001:db8:ffff::1", IPPROTO_TCP);
	} else {
		pkt_eth(p, 0x0800, 0, NULL);
		pkt_ip4(p, src, "198.51.100.1", IPPROTO_TCP, 0);
	}
	pkt_ports(p, sport, dport, 16);
	pkt_fix_len(p);
}

static void udp_pkt(struct pkt *p, const char *src, uint16_t sport,
		    uint16_t dport)
{
	if (strchr(src, ':')) {
		pkt_eth(p, 0x86dd, 0, NULL);
		pkt_ip6(p, src, "2001:db8:ffff::1", IPPROTO_UDP);
	} else {
		pkt_eth(p, 0x0800, 0, NULL);
		pkt_ip4(p, src, "198.51.100.1", IPPROTO_UDP, 0);
	}
	pkt_ports(p, sport, dport, 4 + 24);
	pkt_fix_len(p);
}

static void icmp6_pkt(struct pkt *p, const char *src, uint8_t type)
{
	pkt_eth(p, 0x86dd, 0, NULL);
	pkt_ip6(p, src, "ff02::1", 58);
	pkt_u8(p, type);
	pkt_zero(p, 23);
	pkt_fix_len(p);
}

static void l2_pkt(struct pkt *p, uint16_t ethertype, int ntags,
		   const uint16_t *tpid)
{
	pkt_eth(p, ethertype, ntags, tpid);
	pkt_zero(p, 46);
}

static const uint16_t q1[] = { 0x8100 };
static const uint16_t qinq[] = { 0x88a8, 0x8100 };
static const uint16_t q3[] = { 0x88a8, 0x8100, 0x8100 };

FIXTURE(xdp) {
	struct pe_allowlist *al;
};

FIXTURE_SETUP(xdp)
{
	struct pe_allowlist_opts o = { .v4_blocks = 1024, .v4_wide = 64,
				       .v4_bitmaps = 1024, .v6_chunks = 256,
				       .v6_ranges = 1 << 16, .prefixes = 4096 };

	if (setup_err)
		SKIP(return, "no netns/veth: %s", strerror(setup_err));
	ASSERT_EQ(0, pe_allowlist_open(&o, &self->al));
	ASSERT_EQ(0, pe_allowlist_set_iface(self->al, if_a, P1, PE_MODE_ENFORCE));
	ASSERT_EQ(0, pe_allowlist_set_iface(self->al, if_b, P2, PE_MODE_ENFORCE));
	/* Verified: 192.0.2.0/24 and 2001:db8:1::/48 on P1, others on P2. */
	ASSERT_EQ(0, add4(self->al, "192.0.2.0", 24, P1));
	ASSERT_EQ(0, add6(self->al, "2001:db8:1::", 48, P1));
	ASSERT_EQ(0, add4(self->al, "203.0.113.0", 24, P2));
	ASSERT_EQ(0, add6(self->al, "2001:db8:2::", 48, P2));
}

FIXTURE_TEARDOWN(xdp)
{
	pe_allowlist_close(self->al);
}

/* Sources that are in no Verified prefix of P1. */
#define BAD4 "198.18.0.1"
#define BAD6 "2001:db8:9::1"
#define GOOD4 "192.0.2.10"
#define GOOD6 "2001:db8:1::10"

TEST_F(xdp, lacp_and_slow_protocols_pass)
{
	struct pkt p;

	l2_pkt(&p, 0x8809, 0, NULL);
	p.b[14] = 0x01;		/* LACP subtype */
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_SLOW);
	p.b[14] = 0x02;		/* marker */
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_SLOW);
}

TEST_F(xdp, arp_passes)
{
	struct pkt p;

	l2_pkt(&p, 0x0806, 0, NULL);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_ARP);
}

TEST_F(xdp, lldp_passes)
{
	struct pkt p;

	l2_pkt(&p, 0x88cc, 0, NULL);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_LLDP);
}

TEST_F(xdp, other_ethertypes_dropped)
{
	static const uint16_t types[] = { 0x8847, 0x8848, 0x88e5, 0x9000,
					  0x0060, 0x05dc, 0x8035 };
	struct pkt p;
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		l2_pkt(&p, types[i], 0, NULL);
		VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_ETHERTYPE);
	}
}

TEST_F(xdp, nd_each_type_passes)
{
	struct pkt p;
	int t;

	for (t = 133; t <= 137; t++) {
		icmp6_pkt(&p, "fe80::1", t);
		VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_ND);
		icmp6_pkt(&p, BAD6, t);
		VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_ND);
	}
	/* Neighbours of ND that are not ND: source decides. */
	icmp6_pkt(&p, BAD6, 128);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V6_SRC);
	icmp6_pkt(&p, BAD6, 132);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V6_SRC);
	icmp6_pkt(&p, BAD6, 138);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V6_SRC);
	icmp6_pkt(&p, GOOD6, 128);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_V6);
	/* ICMPv6 type 135 carried over IPv4 is not ND. */
	pkt_eth(&p, 0x0800, 0, NULL);
	pkt_ip4(&p, BAD4, "198.51.100.1", 58, 0);
	pkt_u8(&p, 135);
	pkt_zero(&p, 23);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V4_SRC);
}

TEST_F(xdp, bgp_both_directions)
{
	struct pkt p;

	tcp_pkt(&p, BAD4, 40001, 179);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_BGP);
	tcp_pkt(&p, BAD4, 179, 40001);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_BGP);
	tcp_pkt(&p, BAD6, 40001, 179);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_BGP);
	tcp_pkt(&p, BAD6, 179, 40001);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_BGP);
	/* Not BGP: 180, 179 over UDP, 179 in a high byte. */
	tcp_pkt(&p, BAD4, 40001, 180);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V4_SRC);
	udp_pkt(&p, BAD4, 40001, 179);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V4_SRC);
	tcp_pkt(&p, BAD6, 179 << 8, 40001);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V6_SRC);
}

TEST_F(xdp, bfd_each_port)
{
	static const uint16_t ports[] = { 3784, 4784, 6784 };
	struct pkt p;
	size_t i;

	for (i = 0; i < 3; i++) {
		udp_pkt(&p, BAD4, 49152, ports[i]);
		VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_BFD);
		udp_pkt(&p, BAD6, 49152, ports[i]);
		VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_BFD);
		/* BFD ports are destination ports; over TCP they are data. */
		udp_pkt(&p, BAD4, ports[i], 49152);
		VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V4_SRC);
		tcp_pkt(&p, BAD6, 49152, ports[i]);
		VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V6_SRC);
	}
	udp_pkt(&p, BAD4, 49152, 3785);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V4_SRC);
}

TEST_F(xdp, ipv4_allowed_and_denied)
{
	struct pkt p;

	data_pkt(&p, GOOD4, 0, NULL);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_V4);
	data_pkt(&p, "192.0.2.255", 0, NULL);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_V4);
	data_pkt(&p, "192.0.3.0", 0, NULL);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V4_SRC);
	data_pkt(&p, "192.0.1.255", 0, NULL);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V4_SRC);
	data_pkt(&p, BAD4, 0, NULL);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V4_SRC);
	/* IPv4 options are skipped to find the ports. */
	pkt_eth(&p, 0x0800, 0, NULL);
	pkt_ip4(&p, BAD4, "198.51.100.1", IPPROTO_TCP, 0);
	p.b[14] = 0x47;
	pkt_zero(&p, 8);
	pkt_ports(&p, 40000, 179, 16);
	pkt_fix_len(&p);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_BGP);
}

TEST_F(xdp, ipv6_allowed_and_denied)
{
	struct pkt p;

	data_pkt(&p, GOOD6, 0, NULL);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_V6);
	data_pkt(&p, "2001:db8:1:ffff:ffff:ffff:ffff:ffff", 0, NULL);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_V6);
	data_pkt(&p, "2001:db8:0:ffff::1", 0, NULL);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V6_SRC);
	data_pkt(&p, BAD6, 0, NULL);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V6_SRC);
	data_pkt(&p, "::", 0, NULL);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V6_SRC);
}

TEST_F(xdp, different_peerings_on_different_interfaces)
{
	struct pkt p;

	data_pkt(&p, GOOD4, 0, NULL);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_V4);
	VERDICT(if_b, &p, XDP_DROP, PE_R_DROP_V4_SRC);
	data_pkt(&p, "203.0.113.7", 0, NULL);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V4_SRC);
	VERDICT(if_b, &p, XDP_PASS, PE_R_PASS_V4);
	data_pkt(&p, GOOD6, 0, NULL);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_V6);
	VERDICT(if_b, &p, XDP_DROP, PE_R_DROP_V6_SRC);
	data_pkt(&p, "2001:db8:2::7", 0, NULL);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V6_SRC);
	VERDICT(if_b, &p, XDP_PASS, PE_R_PASS_V6);
	/* One prefix on both peerings. */
	ASSERT_EQ(0, add4(self->al, "192.0.2.0", 24, P2));
	data_pkt(&p, GOOD4, 0, NULL);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_V4);
	VERDICT(if_b, &p, XDP_PASS, PE_R_PASS_V4);
	/* Moving pe_b to peering P1 takes effect at once. */
	ASSERT_EQ(0, pe_allowlist_set_iface(self->al, if_b, P1, PE_MODE_ENFORCE));
	data_pkt(&p, "203.0.113.7", 0, NULL);
	VERDICT(if_b, &p, XDP_DROP, PE_R_DROP_V4_SRC);
}

TEST_F(xdp, vlan_single_and_double_tagged)
{
	const uint16_t *tags[] = { q1, qinq };
	uint16_t q8100x2[] = { 0x8100, 0x8100 };
	struct pkt p;
	int i;

	for (i = 0; i < 2; i++) {
		l2_pkt(&p, 0x0806, i + 1, tags[i]);
		VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_ARP);
		l2_pkt(&p, 0x8809, i + 1, tags[i]);
		VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_SLOW);
		data_pkt(&p, GOOD4, i + 1, tags[i]);
		VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_V4);
		data_pkt(&p, BAD4, i + 1, tags[i]);
		VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V4_SRC);
		data_pkt(&p, GOOD6, i + 1, tags[i]);
		VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_V6);
		data_pkt(&p, BAD6, i + 1, tags[i]);
		VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V6_SRC);
		/* BGP behind tags. */
		pkt_eth(&p, 0x0800, i + 1, tags[i]);
		pkt_ip4(&p, BAD4, "198.51.100.1", IPPROTO_TCP, 0);
		pkt_ports(&p, 179, 40000, 16);
		VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_BGP);
		pkt_eth(&p, 0x86dd, i + 1, tags[i]);
		pkt_ip6(&p, "fe80::1", "ff02::1", 58);
		pkt_u8(&p, 135);
		pkt_zero(&p, 23);
		VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_ND);
		pkt_eth(&p, 0x86dd, i + 1, tags[i]);
		pkt_ip6(&p, BAD6, "2001:db8::1", IPPROTO_UDP);
		pkt_ports(&p, 49152, 3784, 20);
		VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_BFD);
	}
	data_pkt(&p, BAD4, 2, q8100x2);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V4_SRC);
	/* A third tag is not parsed: the frame is dropped. */
	l2_pkt(&p, 0x0806, 3, q3);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_ETHERTYPE);
	data_pkt(&p, GOOD4, 3, q3);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_ETHERTYPE);
}

TEST_F(xdp, ipv6_extension_headers)
{
	struct pkt p;
	int n;

	/* hop-by-hop, dest opts, routing, then BGP / BFD / ND. */
	pkt_eth(&p, 0x86dd, 0, NULL);
	pkt_ip6(&p, BAD6, "2001:db8::1", 0);
	pkt_ext6(&p, 60, 0);
	pkt_ext6(&p, 43, 2);
	pkt_ext6(&p, 6, 1);
	pkt_ports(&p, 40000, 179, 16);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_BGP);
	pkt_eth(&p, 0x86dd, 0, NULL);
	pkt_ip6(&p, BAD6, "2001:db8::1", 0);
	pkt_ext6(&p, 17, 0);
	pkt_ports(&p, 49152, 4784, 16);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_BFD);
	pkt_eth(&p, 0x86dd, 0, NULL);
	pkt_ip6(&p, "fe80::1", "ff02::1", 0);
	pkt_ext6(&p, 58, 0);
	pkt_u8(&p, 136);
	pkt_zero(&p, 23);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_ND);
	/* Data behind extension headers: source decides. */
	pkt_eth(&p, 0x86dd, 0, NULL);
	pkt_ip6(&p, BAD6, "2001:db8::1", 0);
	pkt_ext6(&p, 60, 3);
	pkt_ext6(&p, 17, 0);
	pkt_ports(&p, 40000, 5060, 16);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V6_SRC);
	memcpy(p.b + 22, (struct in6_addr[]){ {
		.s6_addr = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1 } } }, 16);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_V6);
	/* Authentication header: length in 4-byte units. */
	pkt_eth(&p, 0x86dd, 0, NULL);
	pkt_ip6(&p, BAD6, "2001:db8::1", 51);
	pkt_u8(&p, 6);
	pkt_u8(&p, 4);		/* (4 + 2) * 4 = 24 bytes */
	pkt_zero(&p, 22);
	pkt_ports(&p, 179, 40000, 16);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_BGP);
	/* First fragment carries the TCP header. */
	pkt_eth(&p, 0x86dd, 0, NULL);
	pkt_ip6(&p, BAD6, "2001:db8::1", 44);
	pkt_frag6(&p, 6, 0, 1);
	pkt_ports(&p, 40000, 179, 16);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_BGP);
	/* Eight extension headers are walked, a ninth is not. */
	for (n = 8; n <= 9; n++) {
		int i;

		pkt_eth(&p, 0x86dd, 0, NULL);
		pkt_ip6(&p, BAD6, "2001:db8::1", 60);
		for (i = 0; i < n; i++)
			pkt_ext6(&p, i == n - 1 ? 6 : 60, 0);
		pkt_ports(&p, 40000, 179, 16);
		if (n == 8)
			VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_BGP);
		else
			VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V6_SRC);
	}
	/* A chain that runs past the end of the frame. */
	pkt_eth(&p, 0x86dd, 0, NULL);
	pkt_ip6(&p, BAD6, "2001:db8::1", 0);
	pkt_u8(&p, 6);
	pkt_u8(&p, 200);
	pkt_zero(&p, 30);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V6_SRC);
}

TEST_F(xdp, non_first_fragments_decided_by_source)
{
	struct pkt p;

	/* IPv4 first fragment (MF, offset 0): L4 is there. */
	pkt_eth(&p, 0x0800, 0, NULL);
	pkt_ip4(&p, BAD4, "198.51.100.1", IPPROTO_TCP, 0x2000);
	pkt_ports(&p, 40000, 179, 16);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_BGP);
	/* Non-first: the bytes where ports would be mean nothing. */
	pkt_eth(&p, 0x0800, 0, NULL);
	pkt_ip4(&p, BAD4, "198.51.100.1", IPPROTO_TCP, 0x2000 | 185);
	pkt_ports(&p, 40000, 179, 16);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V4_SRC);
	pkt_eth(&p, 0x0800, 0, NULL);
	pkt_ip4(&p, BAD4, "198.51.100.1", IPPROTO_UDP, 1);
	pkt_ports(&p, 49152, 3784, 16);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V4_SRC);
	pkt_eth(&p, 0x0800, 0, NULL);
	pkt_ip4(&p, GOOD4, "198.51.100.1", IPPROTO_TCP, 185);
	pkt_ports(&p, 40000, 179, 16);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_V4);
	/* IPv6 non-first fragment. */
	pkt_eth(&p, 0x86dd, 0, NULL);
	pkt_ip6(&p, BAD6, "2001:db8::1", 44);
	pkt_frag6(&p, 6, 100, 0);
	pkt_ports(&p, 40000, 179, 16);
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V6_SRC);
	pkt_eth(&p, 0x86dd, 0, NULL);
	pkt_ip6(&p, GOOD6, "2001:db8::1", 0);
	pkt_ext6(&p, 44, 0);
	pkt_frag6(&p, 17, 1, 1);
	pkt_ports(&p, 49152, 3784, 16);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_V6);
}

TEST_F(xdp, malformed_ip_headers)
{
	struct pkt p;

	data_pkt(&p, GOOD4, 0, NULL);
	p.b[14] = 0x65;		/* version 6 in an IPv4 ethertype */
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_MALFORMED);
	p.b[14] = 0x44;		/* ihl 4 */
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_MALFORMED);
	data_pkt(&p, GOOD6, 0, NULL);
	p.b[14] = 0x40;
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_MALFORMED);
	/* ihl 15 running past the frame: no L4, source decides. */
	tcp_pkt(&p, BAD4, 40000, 179);
	p.b[14] = 0x4f;
	p.len = 14 + 40;
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V4_SRC);
}

/*
 * Every truncation of a set of frames gets a defined verdict, and the one
 * expected from what is left of the headers.
 */
TEST_F(xdp, truncated_at_every_length)
{
	struct {
		const char *name;
		struct pkt p;
		size_t l3, l4;	/* offsets of IP and L4 headers */
		int full, src_only;	/* reason when complete / without L4 */
		int l2_only;	/* 1: verdict known from the ethertype */
	} c[6];
	int prog = pe_allowlist_prog_fd(self->al);
	size_t i, len;

	tcp_pkt(&c[0].p, BAD4, 40000, 179);
	c[0] = (__typeof__(c[0])){ "v4 bgp", c[0].p, 14, 34, PE_R_PASS_BGP,
			       PE_R_DROP_V4_SRC, 0 };
	pkt_eth(&c[1].p, 0x86dd, 2, qinq);
	pkt_ip6(&c[1].p, BAD6, "2001:db8::1", 0);
	pkt_ext6(&c[1].p, 44, 1);
	pkt_frag6(&c[1].p, 17, 0, 1);
	pkt_ports(&c[1].p, 49152, 6784, 16);
	c[1] = (__typeof__(c[1])){ "qinq v6 ext bfd", c[1].p, 22, 22 + 40 + 16 + 8,
			       PE_R_PASS_BFD, PE_R_DROP_V6_SRC, 0 };
	icmp6_pkt(&c[2].p, GOOD6, 135);
	c[2] = (__typeof__(c[2])){ "v6 nd", c[2].p, 14, 54, PE_R_PASS_ND,
			       PE_R_PASS_V6, 0 };
	data_pkt(&c[3].p, GOOD4, 1, q1);
	c[3] = (__typeof__(c[3])){ "vlan v4 data", c[3].p, 18, 38, PE_R_PASS_V4,
			       PE_R_PASS_V4, 0 };
	l2_pkt(&c[4].p, 0x0806, 2, qinq);
	c[4] = (__typeof__(c[4])){ "qinq arp", c[4].p, 22, 22, PE_R_PASS_ARP,
			       PE_R_PASS_ARP, 1 };
	l2_pkt(&c[5].p, 0x8809, 0, NULL);
	c[5] = (__typeof__(c[5])){ "lacp", c[5].p, 14, 14, PE_R_PASS_SLOW,
			       PE_R_PASS_SLOW, 1 };

	/* Below an Ethernet header the kernel refuses the run. */
	for (len = 0; len < 14; len++)
		ASSERT_GT(0, run(prog, if_a, c[0].p.b, len));

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		size_t iplen = c[i].l2_only ? 0 :
			(c[i].p.b[c[i].l3] >> 4) == 4 ? 20 : 40;

		for (len = 14; len <= c[i].p.len; len++) {
			char why[160] = "";
			int reason, ret;

			if (len < c[i].l3 + iplen)
				reason = PE_R_DROP_MALFORMED;
			else if (len < c[i].l4 + 4 && !c[i].l2_only)
				reason = c[i].src_only;
			else
				reason = c[i].full;
			/* ICMPv6 type needs a single byte. */
			if (c[i].full == PE_R_PASS_ND && len >= c[i].l4 + 1 &&
			    len >= c[i].l3 + iplen)
				reason = PE_R_PASS_ND;
			ret = reason >= PE_R_DROP_V4_SRC ? XDP_DROP : XDP_PASS;
			if (verdict(self->al, if_a, &c[i].p, len, ret, reason,
				    why, sizeof(why))) {
				TH_LOG("%s: %s", c[i].name, why);
				ASSERT_TRUE(0);
			}
		}
	}
}

TEST_F(xdp, monitor_mode_passes_and_counts)
{
	struct pkt p;

	ASSERT_EQ(0, pe_allowlist_set_iface(self->al, if_a, P1, PE_MODE_MONITOR));
	data_pkt(&p, BAD4, 0, NULL);
	VERDICT(if_a, &p, XDP_PASS, PE_R_MON_V4_SRC);
	data_pkt(&p, BAD6, 0, NULL);
	VERDICT(if_a, &p, XDP_PASS, PE_R_MON_V6_SRC);
	l2_pkt(&p, 0x8847, 0, NULL);
	VERDICT(if_a, &p, XDP_PASS, PE_R_MON_ETHERTYPE);
	data_pkt(&p, BAD4, 0, NULL);
	p.b[14] = 0x35;
	VERDICT(if_a, &p, XDP_PASS, PE_R_MON_MALFORMED);
	data_pkt(&p, GOOD4, 0, NULL);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_V4);
	tcp_pkt(&p, BAD4, 179, 40000);
	VERDICT(if_a, &p, XDP_PASS, PE_R_PASS_BGP);
	/* The other interface still enforces. */
	data_pkt(&p, BAD4, 0, NULL);
	VERDICT(if_b, &p, XDP_DROP, PE_R_DROP_V4_SRC);
	/* And back. */
	ASSERT_EQ(0, pe_allowlist_set_iface(self->al, if_a, P1, PE_MODE_ENFORCE));
	VERDICT(if_a, &p, XDP_DROP, PE_R_DROP_V4_SRC);
}

TEST_F(xdp, unconfigured_interface_passes_counted)
{
	struct pkt p;

	struct pe_cnt c[PE_R_MAX];

	ASSERT_EQ(0, pe_allowlist_del_iface(self->al, if_b));
	ASSERT_EQ(-ENOENT, pe_allowlist_counters(self->al, if_b, c));
	data_pkt(&p, BAD4, 0, NULL);
	VERDICT(if_b, &p, XDP_PASS, PE_R_PASS_NOCFG);
	tcp_pkt(&p, BAD4, 179, 40000);
	VERDICT(if_b, &p, XDP_PASS, PE_R_PASS_BGP);
	/* The library refuses to attach before configuration. */
	ASSERT_EQ(-ENOENT, pe_allowlist_attach(self->al, if_b, 0));
	ASSERT_EQ(-ERANGE, pe_allowlist_set_iface(self->al, PE_MAX_IFINDEX, P1,
						  PE_MODE_ENFORCE));
	/* Configured again: a fresh counter slot, starting from zero. */
	ASSERT_EQ(0, pe_allowlist_set_iface(self->al, if_b, P2, PE_MODE_ENFORCE));
	ASSERT_EQ(0, pe_allowlist_counters(self->al, if_b, c));
	ASSERT_EQ(0, c[PE_R_PASS_BGP].packets);
	VERDICT(if_b, &p, XDP_PASS, PE_R_PASS_BGP);
	ASSERT_EQ(0, pe_allowlist_counters(self->al, 0, c));
	ASSERT_EQ(1, c[PE_R_PASS_NOCFG].packets);
	ASSERT_EQ(1, c[PE_R_PASS_BGP].packets);
}

TEST_F(xdp, counters_read_back_per_reason)
{
	struct pe_cnt c[PE_R_MAX];
	int prog = pe_allowlist_prog_fd(self->al), i;
	struct pkt p;
	size_t bytes_bad = 0;

	for (i = 0; i < 7; i++) {
		data_pkt(&p, BAD4, 0, NULL);
		p.len += i;
		bytes_bad += p.len;
		ASSERT_EQ(XDP_DROP, run(prog, if_a, p.b, p.len));
	}
	tcp_pkt(&p, BAD6, 179, 1);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(XDP_PASS, run(prog, if_a, p.b, p.len));
	data_pkt(&p, GOOD4, 0, NULL);
	for (i = 0; i < 5; i++)
		ASSERT_EQ(XDP_DROP, run(prog, if_b, p.b, p.len));
	/* repeat runs the program N times: each one counts. */
	{
		struct xdp_md ctx = { .data_end = p.len, .ingress_ifindex = if_a };
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p.b,
			    .data_size_in = p.len, .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx), .repeat = 1000);

		ASSERT_EQ(0, bpf_prog_test_run_opts(prog, &o));
		ASSERT_EQ(XDP_PASS, o.retval);
	}
	ASSERT_EQ(0, pe_allowlist_counters(self->al, if_a, c));
	for (i = 0; i < PE_R_MAX; i++) {
		__u64 want = i == PE_R_DROP_V4_SRC ? 7 : i == PE_R_PASS_BGP ? 3 :
			     i == PE_R_PASS_V4 ? 1000 : 0;

		EXPECT_EQ(want, c[i].packets) TH_LOG("reason %s", pe_reason_name(i));
	}
	EXPECT_EQ(bytes_bad, c[PE_R_DROP_V4_SRC].bytes);
	EXPECT_EQ(1000 * p.len, c[PE_R_PASS_V4].bytes);
	ASSERT_EQ(0, pe_allowlist_counters(self->al, if_b, c));
	for (i = 0; i < PE_R_MAX; i++)
		EXPECT_EQ(i == PE_R_DROP_V4_SRC ? 5 : 0, c[i].packets);
}

/* Verdict of the program on a data packet, checked against the library. */
static int prog_allows(struct pe_allowlist *al, int ifindex, const char *src,
		       int peering)
{
	struct pkt p;
	int ret, lib;

	data_pkt(&p, src, 0, NULL);
	ret = run(pe_allowlist_prog_fd(al), ifindex, p.b, p.len);
	lib = strchr(src, ':') ? ok6(al, src, peering) : ok4(al, src, peering);
	if ((ret == XDP_PASS) != (lib == 1))
		return -1;
	return ret == XDP_PASS;
}

/* Adding and removing 0.0.0.0/0 rewrites 2^24 entries: slow under emulation. */
TEST_F_TIMEOUT(xdp, incremental_nested_prefixes_v4, 600)
{
	struct pe_allowlist_stats st, base;
	struct pe_allowlist *al = self->al;

	pe_allowlist_stats(al, &base);	/* the fixture's prefixes */
	/* 10.1.0.0/16 on P1, 10.1.2.0/24 inside it on P2. */
	ASSERT_EQ(0, add4(al, "10.1.0.0", 16, P1));
	EXPECT_EQ(1, prog_allows(al, if_a, "10.1.2.3", P1));
	EXPECT_EQ(0, prog_allows(al, if_b, "10.1.2.3", P2));
	ASSERT_EQ(0, add4(al, "10.1.2.0", 24, P2));
	EXPECT_EQ(1, prog_allows(al, if_a, "10.1.2.3", P1));
	EXPECT_EQ(1, prog_allows(al, if_b, "10.1.2.3", P2));
	EXPECT_EQ(0, prog_allows(al, if_b, "10.1.3.3", P2));
	/* Remove the /16: the /24 stays. */
	ASSERT_EQ(0, del4(al, "10.1.0.0", 16, P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "10.1.2.3", P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "10.1.3.3", P1));
	EXPECT_EQ(1, prog_allows(al, if_b, "10.1.2.3", P2));
	/* Back, then remove the /24: the /16 stays. */
	ASSERT_EQ(0, add4(al, "10.1.0.0", 16, P1));
	ASSERT_EQ(0, del4(al, "10.1.2.0", 24, P2));
	EXPECT_EQ(1, prog_allows(al, if_a, "10.1.2.3", P1));
	EXPECT_EQ(0, prog_allows(al, if_b, "10.1.2.3", P2));
	/* Same peering nested: removing the inner one changes nothing. */
	ASSERT_EQ(0, add4(al, "10.1.2.0", 24, P1));
	ASSERT_EQ(0, del4(al, "10.1.2.0", 24, P1));
	EXPECT_EQ(1, prog_allows(al, if_a, "10.1.2.3", P1));
	/* Longer than /24: a block and a bitmap per peering, freed when
	 * emptied. */
	ASSERT_EQ(0, add4(al, "10.9.9.16", 28, P2));
	ASSERT_EQ(0, add4(al, "10.9.9.20", 32, P1));
	pe_allowlist_stats(al, &st);
	EXPECT_EQ(base.v4_blocks_used + 2, st.v4_blocks_used);
	EXPECT_EQ(2, st.v4_bitmaps_used);
	EXPECT_EQ(1, prog_allows(al, if_b, "10.9.9.16", P2));
	EXPECT_EQ(1, prog_allows(al, if_b, "10.9.9.31", P2));
	EXPECT_EQ(0, prog_allows(al, if_b, "10.9.9.32", P2));
	EXPECT_EQ(0, prog_allows(al, if_b, "10.9.9.15", P2));
	EXPECT_EQ(1, prog_allows(al, if_a, "10.9.9.20", P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "10.9.9.21", P1));
	ASSERT_EQ(0, add4(al, "10.9.0.0", 16, P1));	/* over the block */
	EXPECT_EQ(1, prog_allows(al, if_a, "10.9.9.21", P1));
	pe_allowlist_stats(al, &st);
	EXPECT_EQ(base.v4_blocks_used + 1, st.v4_blocks_used);
	EXPECT_EQ(1, st.v4_bitmaps_used);
	ASSERT_EQ(0, del4(al, "10.9.9.16", 28, P2));
	ASSERT_EQ(0, del4(al, "10.9.9.20", 32, P1));
	pe_allowlist_stats(al, &st);
	EXPECT_EQ(0, st.v4_bitmaps_used);
	EXPECT_EQ(0, prog_allows(al, if_b, "10.9.9.16", P2));
	EXPECT_EQ(1, prog_allows(al, if_a, "10.9.9.20", P1));
	ASSERT_EQ(0, del4(al, "10.9.0.0", 16, P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "10.9.9.20", P1));
	/* Errors. */
	EXPECT_EQ(-ENOENT, del4(al, "10.9.0.0", 16, P1));
	EXPECT_EQ(-EINVAL, add4(al, "10.9.0.1", 16, P1));
	EXPECT_EQ(-EINVAL, add4(al, "10.9.0.0", 33, P1));
	EXPECT_EQ(-ERANGE, add4(al, "10.9.0.0", 16, 64));
	/* /0 and /32 edges. */
	ASSERT_EQ(0, add4(al, "0.0.0.0", 0, P2));
	EXPECT_EQ(1, prog_allows(al, if_b, "255.255.255.255", P2));
	ASSERT_EQ(0, del4(al, "0.0.0.0", 0, P2));
	EXPECT_EQ(0, prog_allows(al, if_b, "255.255.255.255", P2));
	EXPECT_EQ(1, prog_allows(al, if_b, "203.0.113.255", P2));
}

TEST_F(xdp, incremental_nested_prefixes_v6)
{
	struct pe_allowlist *al = self->al;

	ASSERT_EQ(0, add6(al, "2001:db8::", 32, P1));
	ASSERT_EQ(0, add6(al, "2001:db8:5::", 48, P2));
	ASSERT_EQ(0, add6(al, "2001:db8:5:7::", 64, P2 + 1));
	EXPECT_EQ(1, prog_allows(al, if_a, "2001:db8:5:7::1", P1));
	EXPECT_EQ(1, prog_allows(al, if_b, "2001:db8:5:7::1", P2));
	EXPECT_EQ(1, ok6(al, "2001:db8:5:7::1", P2 + 1));
	EXPECT_EQ(0, ok6(al, "2001:db8:5:8::1", P2 + 1));
	ASSERT_EQ(0, del6(al, "2001:db8::", 32, P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "2001:db8:5:7::1", P1));
	EXPECT_EQ(1, prog_allows(al, if_a, "2001:db8:1::1", P1));
	EXPECT_EQ(1, prog_allows(al, if_b, "2001:db8:5:7::1", P2));
	ASSERT_EQ(0, del6(al, "2001:db8:5::", 48, P2));
	EXPECT_EQ(0, prog_allows(al, if_b, "2001:db8:5:7::1", P2));
	EXPECT_EQ(1, ok6(al, "2001:db8:5:7::1", P2 + 1));
	ASSERT_EQ(0, add6(al, "2001:db8:5::", 48, P2));
	EXPECT_EQ(1, prog_allows(al, if_b, "2001:db8:5:7::1", P2));
	/* Lengths off the 8-bit levels, expanded; and the /16 directory. */
	ASSERT_EQ(0, add6(al, "2a00:1450::", 29, P1));
	EXPECT_EQ(1, prog_allows(al, if_a, "2a00:1457:ffff::1", P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "2a00:1458::1", P1));
	ASSERT_EQ(0, add6(al, "2a00:1456::", 31, P2));
	EXPECT_EQ(1, prog_allows(al, if_b, "2a00:1457:ffff::1", P2));
	ASSERT_EQ(0, del6(al, "2a00:1450::", 29, P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "2a00:1457:ffff::1", P1));
	EXPECT_EQ(1, prog_allows(al, if_b, "2a00:1457:ffff::1", P2));
	ASSERT_EQ(0, add6(al, "2c00::", 12, P1));
	EXPECT_EQ(1, prog_allows(al, if_a, "2c0f:ffff::1", P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "2c10::1", P1));
	ASSERT_EQ(0, add6(al, "2c0f:f000::", 20, P2));
	EXPECT_EQ(1, prog_allows(al, if_b, "2c0f:ffff::1", P2));
	EXPECT_EQ(0, prog_allows(al, if_b, "2c0f:efff::1", P2));
	ASSERT_EQ(0, del6(al, "2c00::", 12, P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "2c0f:ffff::1", P1));
	ASSERT_EQ(0, add6(al, "2001:db8:5:7::42", 128, P1));
	EXPECT_EQ(1, prog_allows(al, if_a, "2001:db8:5:7::42", P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "2001:db8:5:7::43", P1));
	ASSERT_EQ(0, add6(al, "::", 0, P1));
	EXPECT_EQ(1, prog_allows(al, if_a, "ffff::1", P1));
	ASSERT_EQ(0, del6(al, "::", 0, P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "ffff::1", P1));
	EXPECT_EQ(-EINVAL, add6(al, "2001:db8::1", 64, P1));
}

/*
 * Random adds and removes against a brute-force model: after every step,
 * for addresses inside, at the edges of and outside the live prefixes, the
 * program and the library agree with the model.
 */
struct mpfx {
	int family, len, peering;
	__u8 a[16];
};

static int model_allows(const struct mpfx *m, int n, int family,
			const __u8 *a, int peering)
{
	int i, l;

	for (i = 0; i < n; i++) {
		if (m[i].family != family || m[i].peering != peering)
			continue;
		for (l = 0; l < m[i].len; l++)
			if (((m[i].a[l / 8] ^ a[l / 8]) >> (7 - l % 8)) & 1)
				break;
		if (l == m[i].len)
			return 1;
	}
	return 0;
}

static int rnd_len4(void)
{
	static const int l[] = { 8, 12, 15, 16, 17, 20, 23, 24, 24, 24, 25, 27, 29, 31, 32 };

	return l[rand() % (sizeof(l) / sizeof(l[0]))];
}

static int rnd_len6(void)
{
	static const int l[] = { 0, 8, 14, 16, 17, 19, 24, 29, 32, 33, 40, 44, 47, 48, 48, 56, 63, 64, 100, 127, 128 };

	return l[rand() % (sizeof(l) / sizeof(l[0]))];
}

enum mix {
	MIX_BOTH,	/* IPv4 and IPv6, every length */
	MIX_V6_DENSE,	/* /25../128 in two /24s: slices of hundreds of ranges */
	MIX_V6_SPARSE,	/* /25../56 over 16 /24s, a few at a time: /24 entries
			 * go between plain, one inline prefix and slice */
	MIX_V4_SLOTS,	/* IPv4, mostly /25../32, in 16 /24s of one /16: the
			 * /16 goes between nothing, all, a block and a
			 * wide chunk */
};

/* steps random adds (2/3) and removes (1/3) of at most maxn live prefixes */
static void random_ops(struct __test_metadata *_metadata,
		       struct pe_allowlist *al, int steps, int maxn,
		       enum mix mix)
{
	struct mpfx *m = calloc(maxn, sizeof(*m));
	int n = 0, step, k;

	ASSERT_NE(NULL, m);
	for (step = 0; step < steps; step++) {
		struct mpfx x = {};
		int i, bytes;

		if (n && (rand() % 3 == 0 || n == maxn)) {
			i = rand() % n;
			ASSERT_EQ(0, pe_allowlist_del(al, m[i].family, m[i].a,
						      m[i].len, m[i].peering));
			m[i] = m[--n];
		} else {
			x.family = mix == MIX_V4_SLOTS ? AF_INET :
				   mix != MIX_BOTH || rand() % 2 ? AF_INET6 : AF_INET;
			bytes = x.family == AF_INET ? 4 : 16;
			x.len = mix == MIX_V4_SLOTS && rand() % 4 ? 25 + rand() % 8 :
				x.family == AF_INET ? rnd_len4() :
				mix == MIX_V6_DENSE ? 25 + rand() % 104 :
				mix == MIX_V6_SPARSE ? 25 + rand() % 32 :
				rnd_len6();
			x.peering = P1 + rand() % 2;
			/* Cluster addresses so that prefixes nest. */
			x.a[0] = x.family == AF_INET ? 10 : 0x20;
			x.a[1] = rand() % 2;
			for (i = 2; i < bytes; i++)
				x.a[i] = rand() % 4 ? rand() % 4 : rand();
			if (mix == MIX_V6_DENSE)
				x.a[2] = 0;
			if (mix == MIX_V6_SPARSE || mix == MIX_V4_SLOTS)
				x.a[2] = rand() % 16;
			if (mix == MIX_V4_SLOTS)
				x.a[1] = 0;
			for (i = 0; i < bytes; i++) {
				int keep = x.len - i * 8;

				if (keep <= 0)
					x.a[i] = 0;
				else if (keep < 8)
					x.a[i] &= 0xff << (8 - keep);
			}
			for (i = 0; i < n; i++)
				if (!memcmp(&m[i], &x, sizeof(x)))
					break;
			ASSERT_EQ(0, pe_allowlist_add(al, x.family, x.a, x.len,
						      x.peering));
			if (i == n)
				m[n++] = x;
		}
		/* Probe addresses around a few live prefixes and random. */
		for (k = 0; k < 12 && n; k++) {
			const struct mpfx *p = &m[rand() % n];
			int fam = p->family, pe = P1 + rand() % 2, ifx;
			__u8 a[16];
			struct pkt pk;
			char s[64];
			int want, got, lib;

			bytes = fam == AF_INET ? 4 : 16;
			memcpy(a, p->a, 16);
			switch (k % 4) {
			case 0:	/* inside, random host bits */
				for (i = p->len / 8; i < bytes; i++)
					a[i] |= rand() & (i == p->len / 8 ?
						0xff >> (p->len % 8) : 0xff);
				break;
			case 1:	/* last address */
				for (i = p->len / 8; i < bytes; i++)
					a[i] |= i == p->len / 8 ?
						0xff >> (p->len % 8) : 0xff;
				break;
			case 2:	/* just before the first */
				for (i = bytes - 1; i >= 0 && a[i]-- == 0; i--)
					;
				break;
			default:
				a[bytes - 1] ^= rand();
				a[rand() % bytes] ^= 1 << (rand() % 8);
			}
			want = model_allows(m, n, fam, a, pe);
			lib = pe_allowlist_allowed(al, fam, a, pe);
			inet_ntop(fam, a, s, sizeof(s));
			ifx = pe == P1 ? if_a : if_b;
			data_pkt(&pk, s, 0, NULL);
			got = run(pe_allowlist_prog_fd(al), ifx, pk.b, pk.len);
			ASSERT_EQ(want, lib) TH_LOG("step %d: %s on peering %d", step, s, pe);
			ASSERT_EQ(want ? XDP_PASS : XDP_DROP, got)
				TH_LOG("step %d: %s on peering %d", step, s, pe);
		}
	}
	/* Everything removed: the tables are empty again. */
	while (n) {
		n--;
		ASSERT_EQ(0, pe_allowlist_del(al, m[n].family, m[n].a, m[n].len,
					      m[n].peering));
	}
	{
		struct pe_allowlist_stats st;

		pe_allowlist_stats(al, &st);
		EXPECT_EQ(0, st.prefixes);
		EXPECT_EQ(0, st.v4_blocks_used);
		EXPECT_EQ(0, st.v4_wide_used);
		EXPECT_EQ(0, st.v4_bitmaps_used);
		EXPECT_EQ(0, st.v4_slash16_used);
		EXPECT_EQ(0, st.v6_chunks_used);
		EXPECT_EQ(0, st.v6_ranges_used);
		EXPECT_EQ(0, st.v6_blocks_used);
		EXPECT_EQ(0, st.v6_entry_lines_used);
		EXPECT_EQ(0, st.v6_lists_used);
		EXPECT_EQ(0, st.v6_slash16_used);
		EXPECT_EQ(0, st.v6_slash16_shared);
	}
	EXPECT_EQ(0, ok4(al, "10.0.0.1", P1));
	EXPECT_EQ(0, ok6(al, "2000::1", P1));
	free(m);
}

static void drop_fixture_prefixes(struct __test_metadata *_metadata,
				  struct pe_allowlist *al)
{
	ASSERT_EQ(0, del4(al, "192.0.2.0", 24, P1));
	ASSERT_EQ(0, del6(al, "2001:db8:1::", 48, P1));
	ASSERT_EQ(0, del4(al, "203.0.113.0", 24, P2));
	ASSERT_EQ(0, del6(al, "2001:db8:2::", 48, P2));
}

TEST_F(xdp, random_updates_match_model)
{
	srand(7);
	drop_fixture_prefixes(_metadata, self->al);
	random_ops(_metadata, self->al, 600, 512, MIX_BOTH);
}

TEST_F(xdp, random_dense_v6_slices_match_model)
{
	srand(11);
	drop_fixture_prefixes(_metadata, self->al);
	random_ops(_metadata, self->al, 2000, 400, MIX_V6_DENSE);
}

/* Pinned maps survive the handle; a new load reuses them and replaces the
 * attached program atomically. */
/* Collects what pe_allowlist_foreach() reports, as text. */
static int collect_prefix(int family, const void *addr, unsigned int len,
			  __u64 peerings, void *ctx)
{
	char a[INET6_ADDRSTRLEN], *out = ctx;

	inet_ntop(family, addr, a, sizeof(a));
	snprintf(out + strlen(out), 512 - strlen(out), "%s/%u=%llx ", a, len,
		 (unsigned long long)peerings);
	return 0;
}

static int collect_iface(int ifindex, unsigned int peering, enum pe_mode mode,
			 void *ctx)
{
	char *out = ctx;

	snprintf(out + strlen(out), 512 - strlen(out), "%d:%u:%d ", ifindex,
		 peering, mode);
	return 0;
}

static int stop_at_first(int family, const void *addr, unsigned int len,
			 __u64 peerings, void *ctx)
{
	++*(int *)ctx;
	return -EINTR;
}

/*
 * A /16 whose block has no free slot for a ninth /24 holding longer
 * prefixes moves to a wide chunk; wide entries change in place, and the
 * chunk goes when nothing is left in it.
 */
TEST_F(xdp, v4_block_grows_into_wide_chunk)
{
	struct pe_allowlist *al = self->al;
	struct pe_allowlist_stats st, base;
	char a[32];
	int i;

	pe_allowlist_stats(al, &base);	/* the fixture's prefixes */
	for (i = 0; i < 8; i++) {
		snprintf(a, sizeof(a), "10.7.%d.0", i);
		ASSERT_EQ(0, add4(al, a, 25, P1));
	}
	pe_allowlist_stats(al, &st);
	EXPECT_EQ(base.v4_blocks_used + 1, st.v4_blocks_used);
	EXPECT_EQ(0, st.v4_wide_used);
	EXPECT_EQ(8, st.v4_bitmaps_used);
	ASSERT_EQ(0, add4(al, "10.7.8.0", 25, P1));
	pe_allowlist_stats(al, &st);
	EXPECT_EQ(base.v4_blocks_used, st.v4_blocks_used);
	EXPECT_EQ(1, st.v4_wide_used);
	EXPECT_EQ(9, st.v4_bitmaps_used);
	EXPECT_EQ(1, prog_allows(al, if_a, "10.7.8.1", P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "10.7.8.200", P1));
	EXPECT_EQ(1, prog_allows(al, if_a, "10.7.3.5", P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "10.7.9.1", P1));
	EXPECT_EQ(0, prog_allows(al, if_b, "10.7.3.5", P2));
	/* A /20 over them: whole /24s, their bitmaps go. */
	ASSERT_EQ(0, add4(al, "10.7.0.0", 20, P1));
	pe_allowlist_stats(al, &st);
	EXPECT_EQ(0, st.v4_bitmaps_used);
	EXPECT_EQ(1, prog_allows(al, if_a, "10.7.8.200", P1));
	EXPECT_EQ(1, prog_allows(al, if_a, "10.7.15.1", P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "10.7.16.1", P1));
	ASSERT_EQ(0, del4(al, "10.7.0.0", 20, P1));
	pe_allowlist_stats(al, &st);
	EXPECT_EQ(9, st.v4_bitmaps_used);
	EXPECT_EQ(0, prog_allows(al, if_a, "10.7.8.200", P1));
	EXPECT_EQ(1, prog_allows(al, if_a, "10.7.8.1", P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "10.7.15.1", P1));
	/* Down to 5 such /24s: still wide; to 4, half the slots: a block. */
	for (i = 0; i < 5; i++) {
		pe_allowlist_stats(al, &st);
		EXPECT_EQ(1, st.v4_wide_used) TH_LOG("%d removed", i);
		snprintf(a, sizeof(a), "10.7.%d.0", i);
		ASSERT_EQ(0, del4(al, a, 25, P1));
	}
	pe_allowlist_stats(al, &st);
	EXPECT_EQ(0, st.v4_wide_used);
	EXPECT_EQ(base.v4_blocks_used + 1, st.v4_blocks_used);
	EXPECT_EQ(4, st.v4_bitmaps_used);
	EXPECT_EQ(0, prog_allows(al, if_a, "10.7.4.1", P1));
	EXPECT_EQ(1, prog_allows(al, if_a, "10.7.5.1", P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "10.7.5.200", P1));
	EXPECT_EQ(1, prog_allows(al, if_a, "10.7.8.1", P1));
	for (i = 5; i < 9; i++) {
		snprintf(a, sizeof(a), "10.7.%d.0", i);
		ASSERT_EQ(0, del4(al, a, 25, P1));
	}
	pe_allowlist_stats(al, &st);
	EXPECT_EQ(0, st.v4_wide_used);
	EXPECT_EQ(0, st.v4_bitmaps_used);
	EXPECT_EQ(0, prog_allows(al, if_a, "10.7.8.1", P1));
}

TEST_F(xdp, random_v4_blocks_and_wide_chunks_match_model)
{
	srand(17);
	drop_fixture_prefixes(_metadata, self->al);
	random_ops(_metadata, self->al, 3000, 40, MIX_V4_SLOTS);
}

TEST_F(xdp, random_sparse_v6_entries_match_model)
{
	srand(13);
	drop_fixture_prefixes(_metadata, self->al);
	random_ops(_metadata, self->al, 3000, 24, MIX_V6_SPARSE);
}

/* The per-peering IPv6 space in use, as text. */
static void v6p_use(struct pe_allowlist *al, char *out, size_t len)
{
	struct pe_allowlist_stats st;

	pe_allowlist_stats(al, &st);
	snprintf(out, len, "blocks %u lines %u lists %u /16s %u shared %u",
		 st.v6_blocks_used, st.v6_entry_lines_used, st.v6_lists_used,
		 st.v6_slash16_used, st.v6_slash16_shared);
}

#define EXPECT_V6P_USE(al, want) do {					\
	char use_[128];							\
									\
	v6p_use(al, use_, sizeof(use_));				\
	EXPECT_STREQ(want, use_);					\
} while (0)

/* The /40s 2001:d0n:n00::/40 of 2001:d00::/24, n = 1..9. */
static int add_d0n(struct pe_allowlist *al, int n, int peering, bool add)
{
	char a[32];

	snprintf(a, sizeof(a), "2001:d0%d:%d00::", n, n);
	return add ? add6(al, a, 40, peering) : del6(al, a, 40, peering);
}

/*
 * One /24 of P1 through every kind of per-peering entry and back: its one
 * outermost prefix (/25../64) or two <= /48 inline, 3..8 in a list, more or
 * one longer than /64 left to the shared tables. Nested prefixes and P2's do not count; a prefix covering
 * the /24 or the /16 needs no entry.
 */
TEST_F(xdp, v6_peering_entry_kinds)
{
	struct pe_allowlist *al = self->al;
	int n;

	drop_fixture_prefixes(_metadata, al);
	EXPECT_V6P_USE(al, "blocks 0 lines 0 lists 0 /16s 0 shared 0");
	ASSERT_EQ(0, add_d0n(al, 1, P1, true));
	ASSERT_EQ(0, add6(al, "2001:d01:100:1::", 64, P1));
	EXPECT_V6P_USE(al, "blocks 1 lines 1 lists 0 /16s 1 shared 0");
	EXPECT_EQ(1, prog_allows(al, if_a, "2001:d01:1ff::1", P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "2001:d01:200::1", P1));
	EXPECT_EQ(0, prog_allows(al, if_b, "2001:d01:100::1", P2));
	ASSERT_EQ(0, add_d0n(al, 1, P2, true));
	EXPECT_V6P_USE(al, "blocks 2 lines 2 lists 0 /16s 2 shared 0");
	EXPECT_EQ(1, prog_allows(al, if_b, "2001:d01:1ff::1", P2));

	ASSERT_EQ(0, add_d0n(al, 2, P1, true));
	EXPECT_V6P_USE(al, "blocks 2 lines 2 lists 0 /16s 2 shared 0");
	EXPECT_EQ(1, prog_allows(al, if_a, "2001:d02:2ff:ffff::1", P1));
	EXPECT_EQ(1, prog_allows(al, if_a, "2001:d01:100::1", P1));
	EXPECT_EQ(0, prog_allows(al, if_b, "2001:d02:200::1", P2));
	ASSERT_EQ(0, add6(al, "2001:d03:300:1::", 64, P1));
	EXPECT_V6P_USE(al, "blocks 2 lines 2 lists 1 /16s 2 shared 0");
	EXPECT_EQ(1, prog_allows(al, if_a, "2001:d03:300:1::5", P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "2001:d03:300:2::1", P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "2001:d03:300::1", P1));
	for (n = 4; n <= 8; n++)
		ASSERT_EQ(0, add_d0n(al, n, P1, true));
	EXPECT_V6P_USE(al, "blocks 2 lines 2 lists 1 /16s 2 shared 0");
	EXPECT_EQ(1, prog_allows(al, if_a, "2001:d08:8ff::1", P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "2001:d09:900::1", P1));
	/* A ninth: the shared tables answer for the /24. */
	ASSERT_EQ(0, add_d0n(al, 9, P1, true));
	EXPECT_V6P_USE(al, "blocks 2 lines 2 lists 0 /16s 2 shared 0");
	EXPECT_EQ(1, prog_allows(al, if_a, "2001:d09:900::1", P1));
	EXPECT_EQ(1, prog_allows(al, if_a, "2001:d04:4ff::1", P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "2001:d04:500::1", P1));
	EXPECT_EQ(0, prog_allows(al, if_b, "2001:d09:900::1", P2));
	ASSERT_EQ(0, add_d0n(al, 9, P1, false));
	EXPECT_V6P_USE(al, "blocks 2 lines 2 lists 1 /16s 2 shared 0");
	EXPECT_EQ(0, prog_allows(al, if_a, "2001:d09:900::1", P1));

	/* Nested, then outermost: longer than /64, shared. */
	ASSERT_EQ(0, add6(al, "2001:d05:500:0:1::", 80, P1));
	EXPECT_V6P_USE(al, "blocks 2 lines 2 lists 1 /16s 2 shared 0");
	ASSERT_EQ(0, add_d0n(al, 5, P1, false));
	EXPECT_V6P_USE(al, "blocks 2 lines 2 lists 0 /16s 2 shared 0");
	EXPECT_EQ(1, prog_allows(al, if_a, "2001:d05:500:0:1::9", P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "2001:d05:500:0:2::9", P1));
	ASSERT_EQ(0, del6(al, "2001:d05:500:0:1::", 80, P1));
	EXPECT_V6P_USE(al, "blocks 2 lines 2 lists 1 /16s 2 shared 0");

	/* Back down: a list, two, one /40, one /64. */
	ASSERT_EQ(0, del6(al, "2001:d03:300:1::", 64, P1));
	for (n = 4; n <= 8; n++)
		if (n != 5)
			ASSERT_EQ(0, add_d0n(al, n, P1, false));
	EXPECT_V6P_USE(al, "blocks 2 lines 2 lists 0 /16s 2 shared 0");
	EXPECT_EQ(0, prog_allows(al, if_a, "2001:d04:400::1", P1));
	EXPECT_EQ(1, prog_allows(al, if_a, "2001:d02:200::1", P1));
	ASSERT_EQ(0, add_d0n(al, 2, P1, false));
	EXPECT_V6P_USE(al, "blocks 2 lines 2 lists 0 /16s 2 shared 0");
	EXPECT_EQ(0, prog_allows(al, if_a, "2001:d02:200::1", P1));
	ASSERT_EQ(0, add_d0n(al, 1, P1, false));
	EXPECT_V6P_USE(al, "blocks 2 lines 2 lists 0 /16s 2 shared 0");
	EXPECT_EQ(1, prog_allows(al, if_a, "2001:d01:100:1::9", P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "2001:d01:100:2::1", P1));
	EXPECT_EQ(1, prog_allows(al, if_b, "2001:d01:100:2::1", P2));

	/* Covering the /24, then the /16: no entry, then no block. */
	ASSERT_EQ(0, add6(al, "2001:d00::", 24, P1));
	EXPECT_V6P_USE(al, "blocks 2 lines 2 lists 0 /16s 2 shared 0");
	EXPECT_EQ(1, prog_allows(al, if_a, "2001:dff::1", P1));
	EXPECT_EQ(0, prog_allows(al, if_a, "2001:e00::1", P1));
	ASSERT_EQ(0, add6(al, "2001::", 16, P1));
	EXPECT_V6P_USE(al, "blocks 1 lines 1 lists 0 /16s 2 shared 0");
	EXPECT_EQ(1, prog_allows(al, if_a, "2001:e00::1", P1));
	ASSERT_EQ(0, del6(al, "2001::", 16, P1));
	ASSERT_EQ(0, del6(al, "2001:d00::", 24, P1));
	EXPECT_V6P_USE(al, "blocks 2 lines 2 lists 0 /16s 2 shared 0");
	EXPECT_EQ(0, prog_allows(al, if_a, "2001:e00::1", P1));
	EXPECT_EQ(1, prog_allows(al, if_a, "2001:d01:100:1::9", P1));
	ASSERT_EQ(0, del6(al, "2001:d01:100:1::", 64, P1));
	ASSERT_EQ(0, add_d0n(al, 1, P2, false));
	EXPECT_V6P_USE(al, "blocks 0 lines 0 lists 0 /16s 0 shared 0");
}

TEST_F(xdp, foreach_reports_prefixes_and_interfaces)
{
	char got[512] = "", want[512];
	int calls = 0;

	/* The fixture's four, one of them on two peerings. */
	ASSERT_EQ(0, add4(self->al, "192.0.2.0", 24, P2));
	ASSERT_EQ(0, pe_allowlist_foreach(self->al, collect_prefix, got));
	EXPECT_NE(NULL, strstr(got, "192.0.2.0/24=6 "));	/* P1 | P2 */
	EXPECT_NE(NULL, strstr(got, "2001:db8:1::/48=2 "));
	EXPECT_NE(NULL, strstr(got, "203.0.113.0/24=4 "));
	EXPECT_NE(NULL, strstr(got, "2001:db8:2::/48=4 "));
	ASSERT_EQ(0, del4(self->al, "203.0.113.0", 24, P2));
	got[0] = '\0';
	ASSERT_EQ(0, pe_allowlist_foreach(self->al, collect_prefix, got));
	EXPECT_EQ(NULL, strstr(got, "203.0.113.0"));
	EXPECT_EQ(-EINTR, pe_allowlist_foreach(self->al, stop_at_first, &calls));
	EXPECT_EQ(1, calls);

	got[0] = '\0';
	ASSERT_EQ(0, pe_allowlist_set_iface(self->al, if_b, P2, PE_MODE_MONITOR));
	ASSERT_EQ(0, pe_allowlist_foreach_iface(self->al, collect_iface, got));
	/* In ifindex order, each with its peering and mode. */
	if (if_a < if_b)
		snprintf(want, sizeof(want), "%d:%d:0 %d:%d:1 ", if_a, P1, if_b, P2);
	else
		snprintf(want, sizeof(want), "%d:%d:1 %d:%d:0 ", if_b, P2, if_a, P1);
	EXPECT_STREQ(want, got);
	ASSERT_EQ(0, pe_allowlist_del_iface(self->al, if_b));
	got[0] = '\0';
	ASSERT_EQ(0, pe_allowlist_foreach_iface(self->al, collect_iface, got));
	snprintf(want, sizeof(want), "%d:%d:0 ", if_a, P1);
	EXPECT_STREQ(want, got);
}

/* A bpffs of our own: nothing outside the test is touched. */
static int own_bpffs(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/pe-allowlist-test.XXXXXX");
	if (!mkdtemp(dir) || mount("bpf", dir, "bpf", 0, NULL))
		return -errno;
	strncat(dir, "/peeredge", len - strlen(dir) - 1);
	return 0;
}

static void own_bpffs_release(char *dir)
{
	*strrchr(dir, '/') = 0;
	umount(dir);
	rmdir(dir);
}

/* A handle on maps pinned in a bpffs of our own, if_a on P1. */
static int open_pinned(struct pe_allowlist_opts *o, char *dir, size_t len,
		       struct pe_allowlist **a)
{
	int err = own_bpffs(dir, len);

	if (err)
		return err;
	o->pin_dir = dir;
	err = pe_allowlist_open(o, a);
	return err ? err : pe_allowlist_set_iface(*a, if_a, P1, PE_MODE_ENFORCE);
}

TEST(pinned_reuse_and_replace)
{
	struct pe_allowlist_opts o = { .v4_blocks = 32, .v4_wide = 4,
				       .v4_bitmaps = 32, .v6_chunks = 16,
				       .v6_ranges = 1024, .prefixes = 1024 };
	struct pe_allowlist *a1, *a2;
	char dir[64], cmd[160];
	__u32 id1 = 0, id2 = 0;
	struct pe_cnt c[PE_R_MAX];
	struct pkt p;

	if (setup_err)
		SKIP(return, "no netns/veth: %s", strerror(setup_err));
	ASSERT_EQ(0, open_pinned(&o, dir, sizeof(dir), &a1));
	ASSERT_EQ(0, add4(a1, "192.0.2.0", 24, P1));
	ASSERT_EQ(0, add4(a1, "192.0.2.128", 25, P2));
	ASSERT_EQ(0, add6(a1, "2001:db8:10::", 44, P1));
	ASSERT_EQ(0, pe_allowlist_attach(a1, if_a, XDP_FLAGS_SKB_MODE));
	ASSERT_EQ(0, bpf_xdp_query_id(if_a, XDP_FLAGS_SKB_MODE, &id1));
	ASSERT_NE(0, id1);
	data_pkt(&p, BAD4, 0, NULL);
	ASSERT_EQ(XDP_DROP, run(pe_allowlist_prog_fd(a1), if_a, p.b, p.len));
	pe_allowlist_close(a1);

	/* The link is pinned: still attached with the handle gone. */
	ASSERT_EQ(0, bpf_xdp_query_id(if_a, XDP_FLAGS_SKB_MODE, &id2));
	ASSERT_EQ(id1, id2);

	ASSERT_EQ(0, pe_allowlist_open(&o, &a2));
	EXPECT_EQ(1, ok4(a2, "192.0.2.200", P1));
	EXPECT_EQ(1, ok4(a2, "192.0.2.200", P2));
	EXPECT_EQ(0, ok4(a2, "192.0.2.100", P2));
	EXPECT_EQ(1, ok6(a2, "2001:db8:1f::1", P1));
	/* Counters survived as well. */
	ASSERT_EQ(0, pe_allowlist_counters(a2, if_a, c));
	EXPECT_EQ(1, c[PE_R_DROP_V4_SRC].packets);
	/* The rebuilt state works: remove the /25, its bitmap and P2's
	 * block go. */
	ASSERT_EQ(0, del4(a2, "192.0.2.128", 25, P2));
	{
		struct pe_allowlist_stats st;

		pe_allowlist_stats(a2, &st);
		EXPECT_EQ(0, st.v4_bitmaps_used);
		EXPECT_EQ(1, st.v4_blocks_used);
		EXPECT_EQ(2, st.prefixes);
		/* The /44, alone in its /24, is inline: no slice. */
		EXPECT_EQ(1, st.v6_chunks_used);
		EXPECT_EQ(0, st.v6_ranges_used);
	}
	EXPECT_EQ(0, ok4(a2, "192.0.2.200", P2));
	EXPECT_EQ(-ENOENT, del4(a2, "192.0.2.128", 25, P2));
	ASSERT_EQ(0, del6(a2, "2001:db8:10::", 44, P1));
	EXPECT_EQ(0, ok6(a2, "2001:db8:1f::1", P1));
	{
		struct pe_allowlist_stats st;

		pe_allowlist_stats(a2, &st);
		EXPECT_EQ(0, st.v6_chunks_used);
		EXPECT_EQ(0, st.v6_ranges_used);
	}

	/* Replace: same link, new program. */
	ASSERT_EQ(0, pe_allowlist_attach(a2, if_a, XDP_FLAGS_SKB_MODE));
	ASSERT_EQ(0, bpf_xdp_query_id(if_a, XDP_FLAGS_SKB_MODE, &id2));
	EXPECT_NE(id1, id2);
	snprintf(cmd, sizeof(cmd), "test -e %s/link_%d", dir, if_a);
	EXPECT_EQ(0, system(cmd));
	ASSERT_EQ(0, pe_allowlist_detach(a2, if_a));
	ASSERT_EQ(0, bpf_xdp_query_id(if_a, XDP_FLAGS_SKB_MODE, &id2));
	EXPECT_EQ(0, id2);
	EXPECT_NE(0, system(cmd));

	/* A program attached through netlink is replaced in place. */
	ASSERT_EQ(0, bpf_xdp_attach(if_a, pe_allowlist_prog_fd(a2),
				    XDP_FLAGS_SKB_MODE, NULL));
	pe_allowlist_close(a2);
	ASSERT_EQ(0, bpf_xdp_query_id(if_a, XDP_FLAGS_SKB_MODE, &id1));
	ASSERT_EQ(0, pe_allowlist_open(&o, &a2));
	ASSERT_EQ(0, pe_allowlist_attach(a2, if_a, XDP_FLAGS_SKB_MODE));
	ASSERT_EQ(0, bpf_xdp_query_id(if_a, XDP_FLAGS_SKB_MODE, &id2));
	EXPECT_NE(0, id2);
	EXPECT_NE(id1, id2);
	ASSERT_EQ(0, pe_allowlist_detach(a2, if_a));
	pe_allowlist_close(a2);
	own_bpffs_release(dir);
}

/* Pins a map of the given shape at dir/name, as an older peeredge left it. */
static int pin_map(const char *dir, const char *name, enum bpf_map_type type,
		   __u32 key, __u32 value, __u32 entries)
{
	char path[128];
	int fd, err;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
	fd = bpf_map_create(type, name, key, value, entries, NULL);
	if (fd < 0)
		return -errno;
	err = bpf_obj_pin(fd, path) ? -errno : 0;
	close(fd);
	return err;
}

static __u32 pinned_value_size(const char *dir, const char *name)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		info.value_size = 0;
	close(fd);
	return info.value_size;
}

static int pinned_fd(const char *dir, const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return bpf_obj_get(path);
}

/*
 * A digest of every slice the pinned IPv6 tables point to (where, and
 * what), read through the maps: a reopen must leave live slices alone.
 */
static __u64 live_slices_digest(const char *dir, int *nslices)
{
	int fdir = pinned_fd(dir, "pe_v6_dir"), ftbl = pinned_fd(dir, "pe_v6_tbl");
	int frng = pinned_fd(dir, "pe_v6_ranges");
	__u64 h = 14695981039346656037ULL;
	struct pe_v6_chunk c;
	struct pe_group g;
	__u32 i, j, e, k;

	*nslices = 0;
	for (i = 0; i < PE_V6_DIR_SIZE / PE_GROUP; i++) {
		if (bpf_map_lookup_elem(fdir, &i, &g)) {
			h = 0;
			break;
		}
		for (j = 0; j < PE_GROUP; j++) {
			__u32 ci = g.v[j] & PE_V6_CHUNK_MASK;

			if (!(g.v[j] & PE_V6_CHUNK) ||
			    bpf_map_lookup_elem(ftbl, &ci, &c))
				continue;
			for (e = 0; e < 256; e++) {
				__u32 off = c.v[e] & PE_V6_SLICE_OFF_MASK;
				__u32 order = (c.v[e] & ~PE_V6_SLICE) >> PE_V6_SLICE_SHIFT;

				if ((c.v[e] & PE_V6_ONE) || !(c.v[e] & PE_V6_SLICE))
					continue;
				++*nslices;
				for (k = off; k < off + (1u << order); k++) {
					struct pe_v6_range r;

					if (bpf_map_lookup_elem(frng, &k, &r))
						h = 0;
					h = (h ^ k ^ r.mid ^ (r.low << 1)) * 1099511628211ULL;
				}
			}
		}
	}
	close(fdir);
	close(ftbl);
	close(frng);
	return h;
}

/*
 * Pins of an older IPv6 layout (the /16 + hash maps, a pe_v6_dir of another
 * shape): replaced at open, the new tables rebuilt from the registry.
 */
TEST(older_v6_layout_replaced_at_open)
{
	struct pe_allowlist_opts o = { .v6_chunks = 16, .v6_ranges = 1024,
				       .prefixes = 1024 };
	struct pe_allowlist_stats st;
	struct pe_allowlist *a;
	char dir[64], path[128];
	int round, nslices;

	if (setup_err)
		SKIP(return, "no netns/veth: %s", strerror(setup_err));
	ASSERT_EQ(0, open_pinned(&o, dir, sizeof(dir), &a));
	ASSERT_EQ(0, add6(a, "2001:db8::", 32, P2));
	ASSERT_EQ(0, add6(a, "2001:db8:10::", 44, P1));
	ASSERT_EQ(0, add6(a, "2a00::", 12, P1));
	/* Under every range of the slice, its first one included. */
	ASSERT_EQ(0, add6(a, "2001::", 16, P2 + 1));
	ASSERT_EQ(0, add4(a, "192.0.2.0", 24, P1));
	pe_allowlist_close(a);
	ASSERT_EQ(0, pin_map(dir, "pe_v6_top", BPF_MAP_TYPE_ARRAY, 4, 16, 65536));
	ASSERT_EQ(0, pin_map(dir, "pe_v6_hash", BPF_MAP_TYPE_HASH, 24, 8, 1024));
	ASSERT_EQ(0, pin_map(dir, "pe_v6_dir", BPF_MAP_TYPE_ARRAY, 4, 8, 65536));

	/* Round 0 replaces the tables, round 1 reuses what round 0 built. */
	for (round = 0; round < 2; round++) {
		__u64 digest = live_slices_digest(dir, &nslices);

		ASSERT_EQ(0, pe_allowlist_open(&o, &a));
		if (round == 1) {
			EXPECT_EQ(digest, live_slices_digest(dir, &nslices));
			EXPECT_EQ(1, nslices);
		}
		snprintf(path, sizeof(path), "%s/pe_v6_top", dir);
		EXPECT_NE(0, access(path, F_OK));
		snprintf(path, sizeof(path), "%s/pe_v6_hash", dir);
		EXPECT_NE(0, access(path, F_OK));
		EXPECT_EQ(sizeof(struct pe_group), pinned_value_size(dir, "pe_v6_dir"));
		EXPECT_EQ(1, prog_allows(a, if_a, "2001:db8:1f::1", P1));
		EXPECT_EQ(0, prog_allows(a, if_a, "2001:db8:20::1", P1));
		EXPECT_EQ(1, ok6(a, "2001:db8:20::1", P2));
		EXPECT_EQ(1, prog_allows(a, if_a, "2a0f:1::1", P1));
		EXPECT_EQ(0, prog_allows(a, if_a, "2a10::1", P1));
		EXPECT_EQ(1, prog_allows(a, if_a, "192.0.2.1", P1));
		EXPECT_EQ(1, ok6(a, "2001:d00::1", P2 + 1));
		EXPECT_EQ(1, ok6(a, "2001:db8:1f::1", P2 + 1));
		EXPECT_EQ(1, ok6(a, "2001:dff:ffff::1", P2 + 1));
		pe_allowlist_stats(a, &st);
		EXPECT_EQ(5, st.prefixes);
		EXPECT_EQ(1, st.v6_chunks_used);
		/* start, the /32, the /44 in it, the rest of the /32, after */
		EXPECT_EQ(8, st.v6_ranges_used);
		pe_allowlist_close(a);
	}
	ASSERT_EQ(0, pe_allowlist_open(&o, &a));
	ASSERT_EQ(0, del6(a, "2001:db8:10::", 44, P1));
	ASSERT_EQ(0, del6(a, "2001:db8::", 32, P2));
	EXPECT_EQ(0, ok6(a, "2001:db8:1f::1", P1));
	pe_allowlist_stats(a, &st);
	EXPECT_EQ(0, st.v6_chunks_used);
	EXPECT_EQ(0, st.v6_ranges_used);
	pe_allowlist_close(a);
	own_bpffs_release(dir);
}

/*
 * The per-peering IPv6 entries of the layout before (u32 entries in
 * pe_v6p_entries, longer ones in pe_v6p_ext): their pins go, and the IPv6
 * tables are replaced and filled from the registry, not reused with
 * blocks that pointed into the old entries.
 */
TEST(v6_peering_u32_entries_replaced_at_open)
{
	static const char *const retired[] = { "pe_v6p_entries", "pe_v6p_ext" };
	struct pe_allowlist_opts o = { .prefixes = 1024 };
	struct pe_allowlist *a;
	char dir[64], path[128];
	unsigned int i;

	if (setup_err)
		SKIP(return, "no netns/veth: %s", strerror(setup_err));
	ASSERT_EQ(0, open_pinned(&o, dir, sizeof(dir), &a));
	ASSERT_EQ(0, add6(a, "2001:d01:100::", 40, P1));
	ASSERT_EQ(0, add6(a, "2001:e01:200::", 56, P1));
	pe_allowlist_close(a);
	snprintf(path, sizeof(path), "%s/pe_v6p_lines", dir);
	ASSERT_EQ(0, unlink(path));
	ASSERT_EQ(0, pin_map(dir, retired[0], BPF_MAP_TYPE_ARRAY, 4, 64, 1024));
	ASSERT_EQ(0, pin_map(dir, retired[1], BPF_MAP_TYPE_ARRAY, 4, 8, 1024));

	ASSERT_EQ(0, pe_allowlist_open(&o, &a));
	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, retired[i]);
		EXPECT_NE(0, access(path, F_OK)) TH_LOG("%s", retired[i]);
	}
	EXPECT_V6P_USE(a, "blocks 1 lines 1 lists 0 /16s 1 shared 0");
	EXPECT_EQ(1, prog_allows(a, if_a, "2001:d01:1ff::1", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "2001:d01:200::1", P1));
	EXPECT_EQ(1, prog_allows(a, if_a, "2001:e01:200:ff::1", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "2001:e01:201::1", P1));
	pe_allowlist_close(a);
	own_bpffs_release(dir);
}

/*
 * Maps pinned by an older layout: the retired IPv4 tables are unpinned,
 * and IPv4 tables of another layout are replaced by new ones filled from
 * the registry at open (else the program would refuse every source).
 */
TEST(v4_tables_of_older_layout_replaced)
{
	struct pe_allowlist_opts o = { .v4_blocks = 16, .v4_wide = 2,
				       .v4_bitmaps = 16, .v6_chunks = 16,
				       .v6_ranges = 1024, .prefixes = 1024 };
	struct pe_allowlist_stats st;
	struct pe_allowlist *a;
	char dir[64], path[128];

	if (setup_err)
		SKIP(return, "no netns/veth: %s", strerror(setup_err));
	ASSERT_EQ(0, open_pinned(&o, dir, sizeof(dir), &a));
	ASSERT_EQ(0, add4(a, "192.0.2.0", 24, P1));
	ASSERT_EQ(0, add4(a, "10.0.0.0", 8, P1));
	ASSERT_EQ(0, add4(a, "198.51.100.128", 25, P1));
	pe_allowlist_close(a);
	ASSERT_EQ(0, pin_map(dir, "pe_v4_tbl24", BPF_MAP_TYPE_ARRAY, 4, 64, 16));
	ASSERT_EQ(0, pin_map(dir, "pe_v4_blocks", BPF_MAP_TYPE_ARRAY, 4, 8, 16));

	ASSERT_EQ(0, pe_allowlist_open(&o, &a));
	snprintf(path, sizeof(path), "%s/pe_v4_tbl24", dir);
	EXPECT_NE(0, access(path, F_OK));
	pe_allowlist_stats(a, &st);
	EXPECT_EQ(1 + 256 + 1, st.v4_slash16_used);
	EXPECT_EQ(2, st.v4_blocks_used);
	EXPECT_EQ(1, st.v4_bitmaps_used);
	EXPECT_EQ(1, prog_allows(a, if_a, "192.0.2.1", P1));
	EXPECT_EQ(1, prog_allows(a, if_a, "10.200.0.1", P1));
	EXPECT_EQ(1, prog_allows(a, if_a, "198.51.100.200", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "198.51.100.1", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "192.0.3.1", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "192.1.2.1", P1));
	ASSERT_EQ(0, del4(a, "10.0.0.0", 8, P1));
	ASSERT_EQ(0, del4(a, "198.51.100.128", 25, P1));
	pe_allowlist_stats(a, &st);
	EXPECT_EQ(1, st.v4_slash16_used);
	EXPECT_EQ(0, prog_allows(a, if_a, "10.200.0.1", P1));
	EXPECT_EQ(1, prog_allows(a, if_a, "192.0.2.1", P1));
	ASSERT_EQ(0, del4(a, "192.0.2.0", 24, P1));
	pe_allowlist_stats(a, &st);
	EXPECT_EQ(0, st.v4_slash16_used);
	EXPECT_EQ(0, st.v4_blocks_used);
	EXPECT_EQ(0, prog_allows(a, if_a, "192.0.2.1", P1));
	pe_allowlist_close(a);
	own_bpffs_release(dir);
}

/*
 * v4_blocks asked for and different from the pinned table's size: the IPv4
 * tables are replaced by new ones of that size, filled from the registry;
 * 0 follows the pinned size.
 */
/* Sizes set by the caller replace pinned tables of other sizes; unset,
 * they follow the pinned tables. */
TEST(blocks_resized_at_open)
{
	struct pe_allowlist_opts o = { .v4_blocks = 16, .v4_wide = 2,
				       .v4_bitmaps = 16, .v6_chunks = 16,
				       .v6_ranges = 1024, .v6_blocks = 16,
				       .v6_entry_lines = 16, .v6_lists = 16,
				       .prefixes = 1024 };
	struct pe_allowlist_stats st;
	struct pe_allowlist *a;
	char dir[64];
	int round;

	if (setup_err)
		SKIP(return, "no netns/veth: %s", strerror(setup_err));
	ASSERT_EQ(0, open_pinned(&o, dir, sizeof(dir), &a));
	ASSERT_EQ(0, add4(a, "192.0.2.0", 24, P1));
	ASSERT_EQ(0, add4(a, "198.51.100.128", 25, P1));
	ASSERT_EQ(0, add6(a, "2001:d01:100::", 40, P1));
	ASSERT_EQ(0, add6(a, "2400:d01:100::", 56, P1));
	pe_allowlist_close(a);

	/* Round 0 asks for larger tables, round 1 for none: as pinned. */
	for (round = 0; round < 2; round++) {
		o.v4_blocks = round ? 0 : 32;
		o.v6_blocks = round ? 0 : 32;
		o.v6_entry_lines = round ? 0 : 64;
		ASSERT_EQ(0, pe_allowlist_open(&o, &a));
		pe_allowlist_stats(a, &st);
		EXPECT_EQ(32, st.v4_blocks);
		EXPECT_EQ(2, st.v4_blocks_used);
		EXPECT_EQ(1, st.v4_bitmaps_used);
		EXPECT_EQ(32, st.v6_blocks);
		EXPECT_EQ(64, st.v6_entry_lines);
		EXPECT_EQ(16, st.v6_lists);
		EXPECT_EQ(2, st.v6_blocks_used);
		EXPECT_EQ(2, st.v6_entry_lines_used);
		EXPECT_EQ(1, prog_allows(a, if_a, "192.0.2.1", P1));
		EXPECT_EQ(1, prog_allows(a, if_a, "198.51.100.200", P1));
		EXPECT_EQ(0, prog_allows(a, if_a, "198.51.100.1", P1));
		EXPECT_EQ(1, prog_allows(a, if_a, "2001:d01:1ff::1", P1));
		EXPECT_EQ(0, prog_allows(a, if_a, "2001:d01:200::1", P1));
		EXPECT_EQ(1, prog_allows(a, if_a, "2400:d01:100:ff::1", P1));
		EXPECT_EQ(0, prog_allows(a, if_a, "2400:d01:101::1", P1));
		pe_allowlist_close(a);
	}
	own_bpffs_release(dir);
}

/*
 * u32 number w of element key of the pinned map dir/name (values of vsize
 * bytes): read into *v, or, set, written from *v. -1 on failure.
 */
static int pinned_u32(const char *dir, const char *name, __u32 key,
		      size_t vsize, __u32 w, __u32 *v, bool set)
{
	__u32 val[512];	/* the largest value: an IPv6 chunk */
	int fd, err;

	if (vsize > sizeof(val) || (w + 1) * 4 > vsize)
		return -1;
	fd = pinned_fd(dir, name);
	if (fd < 0)
		return -1;
	err = bpf_map_lookup_elem(fd, &key, val);
	if (!err && set) {
		val[w] = *v;
		err = bpf_map_update_elem(fd, &key, val, BPF_ANY);
	} else if (!err) {
		*v = val[w];
	}
	close(fd);
	return err;
}

/* Entry e of the pinned IPv4 directory in dir, as pinned_u32(). */
static int v4_dir_entry(const char *dir, __u32 e, __u32 *v, bool set)
{
	return pinned_u32(dir, "pe_v4_dir", e / PE_GROUP,
			  sizeof(struct pe_group), e % PE_GROUP, v, set);
}

/* The pinned block b's used slots pointed at bitmap index i; -1 on failure. */
static int poke_v4_slots(const char *dir, __u32 b, __u32 i)
{
	struct pe_v4_block blk;
	char path[128];
	int fd, err, k;

	snprintf(path, sizeof(path), "%s/pe_v4_blocks", dir);
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -1;
	err = bpf_map_lookup_elem(fd, &b, &blk);
	for (k = 0; !err && k < PE_V4_DEEP_SLOTS; k++)
		if (blk.deep[k] & PE_V4_SLOT_USED)
			blk.deep[k] = (blk.deep[k] & ~PE_V4_INDEX_MASK) | i;
	if (!err)
		err = bpf_map_update_elem(fd, &b, &blk, BPF_ANY);
	close(fd);
	return err;
}

/*
 * Pinned IPv4 entries pointing outside the pools (not written by the
 * library: a bad block, a bad slot) are rebuilt from the registry at open,
 * instead of being followed.
 */
TEST(v4_entries_outside_the_pools_rebuilt_at_open)
{
	struct pe_allowlist_opts o = { .v4_blocks = 16, .v4_wide = 2,
				       .v4_bitmaps = 16, .v6_chunks = 16,
				       .v6_ranges = 1024, .prefixes = 1024 };
	struct pe_allowlist_stats st;
	struct pe_allowlist *a;
	char dir[64];
	__u32 b, bad = PE_V4_BLOCK | PE_V4_INDEX_MASK;

	if (setup_err)
		SKIP(return, "no netns/veth: %s", strerror(setup_err));
	ASSERT_EQ(0, open_pinned(&o, dir, sizeof(dir), &a));
	ASSERT_EQ(0, add4(a, "192.0.2.0", 24, P1));
	ASSERT_EQ(0, add4(a, "198.51.100.128", 25, P1));
	pe_allowlist_close(a);
	ASSERT_EQ(0, v4_dir_entry(dir, P1 << 16 | 192 << 8 | 0, &bad, true));
	ASSERT_EQ(0, v4_dir_entry(dir, P1 << 16 | 198 << 8 | 51, &b, false));
	ASSERT_NE(0, b & PE_V4_BLOCK);
	ASSERT_EQ(0, poke_v4_slots(dir, b & PE_V4_INDEX_MASK, PE_V4_INDEX_MASK));

	ASSERT_EQ(0, pe_allowlist_open(&o, &a));
	pe_allowlist_stats(a, &st);
	EXPECT_EQ(2, st.v4_slash16_used);
	EXPECT_EQ(1, st.v4_bitmaps_used);
	EXPECT_EQ(1, prog_allows(a, if_a, "192.0.2.1", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "192.0.3.1", P1));
	EXPECT_EQ(1, prog_allows(a, if_a, "198.51.100.200", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "198.51.100.1", P1));
	ASSERT_EQ(0, del4(a, "198.51.100.128", 25, P1));
	ASSERT_EQ(0, del4(a, "192.0.2.0", 24, P1));
	pe_allowlist_stats(a, &st);
	EXPECT_EQ(0, st.v4_slash16_used);
	EXPECT_EQ(0, st.v4_bitmaps_used);
	pe_allowlist_close(a);
	own_bpffs_release(dir);
}

/* Directory entry of P1's /16 s16 in the pinned per-peering IPv6 tables. */
static int v6p_dir_entry(const char *dir, __u32 s16, __u32 *v, bool set)
{
	__u32 e = P1 << 16 | s16;

	return pinned_u32(dir, "pe_v6p_dir", e / PE_GROUP,
			  sizeof(struct pe_group), e % PE_GROUP, v, set);
}

/*
 * Entry rank 0 (u64) of the block of P1's /16 s16, pinned: read into *v
 * or, set, written from *v. -1 on failure.
 */
static int v6p_first_entry(const char *dir, __u32 s16, __u64 *v, bool set)
{
	__u32 d, base, w[2] = { 0, 0 }, i;

	if (set) {
		w[0] = *v;
		w[1] = *v >> 32;
	}
	if (v6p_dir_entry(dir, s16, &d, false) || !(d & PE_V6P_D_BLOCK) ||
	    pinned_u32(dir, "pe_v6p_blocks", d & PE_V6P_INDEX_MASK,
		       sizeof(struct pe_v6p_block),
		       offsetof(struct pe_v6p_block, base) / 4, &base, false))
		return -1;
	for (i = 0; i < 2; i++)
		if (pinned_u32(dir, "pe_v6p_lines", base,
			       sizeof(struct pe_v6p_line), i, &w[i], set))
			return -1;
	*v = (__u64)w[1] << 32 | w[0];
	return 0;
}

/*
 * Pinned per-peering IPv6 tables are reused as they are; what this library
 * would not have written (a directory entry or /24 entry of no kind, a
 * block, list or entry lines outside the pools, a length the lookups
 * cannot shift by) is rebuilt from the registry at open instead of being
 * followed.
 */
TEST(v6_peering_entries_outside_the_pools_rebuilt_at_open)
{
	struct pe_allowlist_opts o = { .v6_chunks = 16, .v6_ranges = 1024,
				       .v6_blocks = 16, .v6_entry_lines = 16,
				       .v6_lists = 16, .prefixes = 1024 };
	static const struct {
		const char *pfx, *in, *out;
		int len;
	} pfx[] = {
		{ "2001:a01:100::", "2001:a01:1ff::1", "2001:a01:200::1", 40 },
		{ "2400:d01:100::", "2400:d01:1ff::1", "2400:d01:200::1", 40 },
		{ "2a00:d01:100::", "2a00:d01:100:ff::1", "2a00:d01:101::1", 56 },
		/* the fourth block: what a directory entry of 3 would be */
		{ "2600:b01:100::", "2600:b01:1ff::1", "2600:b01:200::1", 40 },
		{ "2c00:d01:100::", "2c00:d01:1ff::1", "2c00:d01:200::1", 40 },
		{ "2c00:d02:200::", "2c00:d02:2ff::1", "2c00:d02:300::1", 40 },
		{ "2c00:d03:300::", "2c00:d03:3ff::1", "2c00:d03:400::1", 40 },
		{ "2e00:d01:100::", "2e00:d01:1ff::1", "2e00:d01:200::1", 40 },
		{ "2800:d01:100::", "2800:d01:100:ff::1", "2800:d01:101::1", 56 },
	};
	const char *use = "blocks 7 lines 7 lists 1 /16s 7 shared 0";
	__u32 bad = PE_V6P_D_BLOCK | PE_V6P_INDEX_MASK, none = 3, d;
	struct pe_allowlist *a;
	unsigned int i, round;
	char dir[64];

	if (setup_err)
		SKIP(return, "no netns/veth: %s", strerror(setup_err));
	ASSERT_EQ(0, open_pinned(&o, dir, sizeof(dir), &a));
	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		ASSERT_EQ(0, add6(a, pfx[i].pfx, pfx[i].len, P1));
	EXPECT_V6P_USE(a, use);
	pe_allowlist_close(a);
	/* Round 0 reopens as they are; round 1 after breaking them. */
	for (round = 0; round < 2; round++) {
		if (round) {
			ASSERT_EQ(0, v6p_dir_entry(dir, 0x2001, &none, true));
			ASSERT_EQ(0, v6p_dir_entry(dir, 0x2400, &bad, true));
			__u64 no_kind = PE_V6P_SHARED + 1, e;
			__u64 list = PE_V6P_LIST | PE_V6P_LIST_INDEX;

			ASSERT_EQ(0, v6p_first_entry(dir, 0x2a00, &no_kind, true));
			ASSERT_EQ(0, v6p_first_entry(dir, 0x2c00, &list, true));
			/* a /56 made 25 + 63 long: a shift past 64 */
			ASSERT_EQ(0, v6p_first_entry(dir, 0x2800, &e, false));
			ASSERT_EQ(PE_V6P_ONE, e & PE_V6P_KIND);
			e |= 63ULL << 40;
			ASSERT_EQ(0, v6p_first_entry(dir, 0x2800, &e, true));
			ASSERT_EQ(0, v6p_dir_entry(dir, 0x2e00, &d, false));
			ASSERT_EQ(0, pinned_u32(dir, "pe_v6p_blocks",
						d & PE_V6P_INDEX_MASK,
						sizeof(struct pe_v6p_block),
						offsetof(struct pe_v6p_block, base) / 4,
						&bad, true));
		}
		ASSERT_EQ(0, pe_allowlist_open(&o, &a));
		EXPECT_V6P_USE(a, use);
		for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++) {
			EXPECT_EQ(1, prog_allows(a, if_a, pfx[i].in, P1))
				TH_LOG("round %u: %s", round, pfx[i].in);
			EXPECT_EQ(0, prog_allows(a, if_a, pfx[i].out, P1))
				TH_LOG("round %u: %s", round, pfx[i].out);
		}
		if (round)
			break;
		pe_allowlist_close(a);
	}
	for (i = 0; i < sizeof(pfx) / sizeof(pfx[0]); i++)
		ASSERT_EQ(0, del6(a, pfx[i].pfx, pfx[i].len, P1));
	EXPECT_V6P_USE(a, "blocks 0 lines 0 lists 0 /16s 0 shared 0");
	pe_allowlist_close(a);
	own_bpffs_release(dir);
}

/* Entry c (a /16) of the pinned shared IPv6 directory, as pinned_u32(). */
static int v6_dir_entry(const char *dir, __u32 c, __u32 *v, bool set)
{
	return pinned_u32(dir, "pe_v6_dir", c / PE_GROUP,
			  sizeof(struct pe_group), c % PE_GROUP, v, set);
}

/*
 * Pinned shared IPv6 entries pointing outside the pools or at what another
 * entry uses (a chunk, a slice), or of no kind, are rebuilt from the
 * registry at open instead of being followed, by the program or by the
 * library's next update. Nine /48s in a /24 leave it to the shared tables
 * (a slice) on the per-peering side too.
 */
TEST(v6_shared_entries_outside_the_pools_rebuilt_at_open)
{
	struct pe_allowlist_opts o = { .v6_chunks = 16, .v6_ranges = 1024,
				       .prefixes = 1024 };
	static const __u32 tops[] = { 0x2001, 0x2400, 0x2600 };
	struct pe_allowlist_stats before, st;
	__u32 v, bad = PE_V6_CHUNK | PE_V6_CHUNK_MASK, none = 0x12345;
	__u32 slice = PE_V6_SLICE | 3 << PE_V6_SLICE_SHIFT | PE_V6_SLICE_OFF_MASK;
	struct pe_allowlist *a;
	char dir[64], p[64];
	unsigned int t, n;

	if (setup_err)
		SKIP(return, "no netns/veth: %s", strerror(setup_err));
	ASSERT_EQ(0, open_pinned(&o, dir, sizeof(dir), &a));
	for (t = 0; t < 3; t++)
		for (n = 1; n <= 9; n++) {
			snprintf(p, sizeof(p), "%x:d00:%u::", tops[t], n);
			ASSERT_EQ(0, add6(a, p, 48, P1));
		}
	pe_allowlist_stats(a, &before);
	EXPECT_EQ(3, before.v6_chunks_used);
	pe_allowlist_close(a);

	ASSERT_EQ(0, v6_dir_entry(dir, 0x2001, &bad, true));
	ASSERT_EQ(0, v6_dir_entry(dir, 0x2a00, &none, true));
	ASSERT_EQ(0, v6_dir_entry(dir, 0x2400, &v, false));
	ASSERT_NE(0, v & PE_V6_CHUNK);
	ASSERT_EQ(0, v6_dir_entry(dir, 0x2600, &v, true));	/* shared */
	ASSERT_EQ(0, pinned_u32(dir, "pe_v6_tbl", v & PE_V6_CHUNK_MASK,
				sizeof(struct pe_v6_chunk), 2 * 0x0d, &slice, true));

	ASSERT_EQ(0, pe_allowlist_open(&o, &a));
	pe_allowlist_stats(a, &st);
	EXPECT_EQ(before.v6_chunks_used, st.v6_chunks_used);
	EXPECT_EQ(before.v6_ranges_used, st.v6_ranges_used);
	EXPECT_EQ(0, prog_allows(a, if_a, "2a00::1", P1));
	for (t = 0; t < 3; t++) {
		for (n = 1; n <= 9; n++) {
			snprintf(p, sizeof(p), "%x:d00:%u:ffff::1", tops[t], n);
			EXPECT_EQ(1, prog_allows(a, if_a, p, P1)) TH_LOG("%s", p);
		}
		snprintf(p, sizeof(p), "%x:d00:a::1", tops[t]);
		EXPECT_EQ(0, prog_allows(a, if_a, p, P1)) TH_LOG("%s", p);
		/* The library's own updates go where the tables say. */
		snprintf(p, sizeof(p), "%x:d00:a::", tops[t]);
		ASSERT_EQ(0, add6(a, p, 48, P1));
		strcat(p, "1");
		EXPECT_EQ(1, prog_allows(a, if_a, p, P1)) TH_LOG("%s", p);
	}
	for (t = 0; t < 3; t++)
		for (n = 1; n <= 10; n++) {
			snprintf(p, sizeof(p), "%x:d00:%x::", tops[t], n);
			ASSERT_EQ(0, del6(a, p, 48, P1)) TH_LOG("%s", p);
		}
	pe_allowlist_stats(a, &st);
	EXPECT_EQ(0, st.v6_chunks_used);
	EXPECT_EQ(0, st.v6_ranges_used);
	pe_allowlist_close(a);
	own_bpffs_release(dir);
}

/* What foreach lists, as text. */
static void listed(struct pe_allowlist *al, char *out)
{
	out[0] = '\0';
	pe_allowlist_foreach(al, collect_prefix, out);
}

/* A full table refuses the prefix with -ENOSPC and changes nothing. */
/* After adds that failed: the registry and the space in use as before. */
static void expect_unchanged(struct __test_metadata *_metadata,
			     struct pe_allowlist *a,
			     const struct pe_allowlist_stats *before,
			     const char *listing)
{
	struct pe_allowlist_stats after;
	char now[512];

	pe_allowlist_stats(a, &after);
	EXPECT_EQ(before->prefixes, after.prefixes);
	EXPECT_EQ(before->v4_blocks_used, after.v4_blocks_used);
	EXPECT_EQ(before->v4_wide_used, after.v4_wide_used);
	EXPECT_EQ(before->v4_bitmaps_used, after.v4_bitmaps_used);
	EXPECT_EQ(before->v6_chunks_used, after.v6_chunks_used);
	EXPECT_EQ(before->v6_ranges_used, after.v6_ranges_used);
	listed(a, now);
	EXPECT_STREQ(listing, now);
}

/*
 * IPv4 pools full (two blocks, three bitmaps): an add that needs one more
 * fails with ENOSPC and leaves the registry and the tables as they were;
 * removing these needs no new space.
 */
TEST(v4_capacity_exhausted_changes_nothing)
{
	struct pe_allowlist_opts o = { .v4_blocks = 2, .v4_wide = 1,
				       .v4_bitmaps = 3, .prefixes = 64 };
	struct pe_allowlist_stats before;
	struct pe_allowlist *a;
	char l1[512];

	if (setup_err)
		SKIP(return, "no netns/veth: %s", strerror(setup_err));
	ASSERT_EQ(0, pe_allowlist_open(&o, &a));
	ASSERT_EQ(0, pe_allowlist_set_iface(a, if_a, P1, PE_MODE_ENFORCE));
	ASSERT_EQ(0, add4(a, "10.1.1.0", 25, P1));
	ASSERT_EQ(0, add4(a, "10.1.2.0", 26, P1));
	ASSERT_EQ(0, add4(a, "10.1.3.0", 27, P1));
	ASSERT_EQ(0, add4(a, "10.2.0.0", 24, P1));
	pe_allowlist_stats(a, &before);
	EXPECT_EQ(2, before.v4_blocks_used);
	EXPECT_EQ(3, before.v4_bitmaps_used);
	listed(a, l1);

	/* A third /16, a fourth bitmap, a second peering's block. */
	EXPECT_EQ(-ENOSPC, add4(a, "10.3.0.0", 24, P1));
	EXPECT_EQ(-ENOSPC, add4(a, "10.1.4.0", 25, P1));
	EXPECT_EQ(-ENOSPC, add4(a, "10.2.0.0", 25, P2));
	expect_unchanged(_metadata, a, &before, l1);
	EXPECT_EQ(0, prog_allows(a, if_a, "10.3.0.1", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "10.1.4.1", P1));
	EXPECT_EQ(0, ok4(a, "10.2.0.1", P2));
	EXPECT_EQ(1, prog_allows(a, if_a, "10.1.1.1", P1));
	EXPECT_EQ(1, prog_allows(a, if_a, "10.1.2.1", P1));
	EXPECT_EQ(1, prog_allows(a, if_a, "10.1.3.1", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "10.1.3.33", P1));
	EXPECT_EQ(1, prog_allows(a, if_a, "10.2.0.200", P1));

	/* Full, a removal still works, and frees what the next add takes. */
	ASSERT_EQ(0, del4(a, "10.1.2.0", 26, P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "10.1.2.1", P1));
	ASSERT_EQ(0, add4(a, "10.1.4.0", 25, P1));
	EXPECT_EQ(1, prog_allows(a, if_a, "10.1.4.1", P1));
	pe_allowlist_close(a);
}

/*
 * A removal can need space: without its /16, what is left of that /16 (a
 * /25) needs a block, and none is free. The removal fails with ENOSPC and
 * keeps the prefix (listed, allowed; for a /15, also in the /16 its
 * removal had done before the one without space), so that removing it
 * again, once blocks are free, goes through.
 */
TEST(v4_removal_without_space_keeps_the_prefix)
{
	struct pe_allowlist_opts o = { .v4_blocks = 2, .v4_wide = 1,
				       .v4_bitmaps = 2, .prefixes = 64 };
	struct pe_allowlist_stats before;
	struct pe_allowlist *a;
	char l1[512];

	if (setup_err)
		SKIP(return, "no netns/veth: %s", strerror(setup_err));
	ASSERT_EQ(0, pe_allowlist_open(&o, &a));
	ASSERT_EQ(0, pe_allowlist_set_iface(a, if_a, P1, PE_MODE_ENFORCE));
	ASSERT_EQ(0, add4(a, "10.1.0.0", 16, P1));
	ASSERT_EQ(0, add4(a, "10.1.5.0", 25, P1));
	ASSERT_EQ(0, add4(a, "10.4.0.0", 15, P1));
	ASSERT_EQ(0, add4(a, "10.5.9.0", 25, P1));
	ASSERT_EQ(0, add4(a, "10.2.0.0", 24, P1));	/* the two blocks */
	ASSERT_EQ(0, add4(a, "10.3.0.0", 24, P1));
	pe_allowlist_stats(a, &before);
	EXPECT_EQ(2, before.v4_blocks_used);
	listed(a, l1);

	EXPECT_EQ(-ENOSPC, del4(a, "10.1.0.0", 16, P1));
	EXPECT_EQ(-ENOSPC, del4(a, "10.4.0.0", 15, P1));
	expect_unchanged(_metadata, a, &before, l1);
	EXPECT_EQ(1, prog_allows(a, if_a, "10.1.7.1", P1));
	EXPECT_EQ(1, prog_allows(a, if_a, "10.1.5.1", P1));
	EXPECT_EQ(1, prog_allows(a, if_a, "10.4.0.1", P1));
	EXPECT_EQ(1, prog_allows(a, if_a, "10.5.1.1", P1));

	ASSERT_EQ(0, del4(a, "10.2.0.0", 24, P1));
	ASSERT_EQ(0, del4(a, "10.3.0.0", 24, P1));
	ASSERT_EQ(0, del4(a, "10.1.0.0", 16, P1));
	ASSERT_EQ(0, del4(a, "10.4.0.0", 15, P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "10.1.7.1", P1));
	EXPECT_EQ(1, prog_allows(a, if_a, "10.1.5.1", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "10.1.5.129", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "10.4.0.1", P1));
	EXPECT_EQ(1, prog_allows(a, if_a, "10.5.9.1", P1));
	EXPECT_EQ(-ENOENT, del4(a, "10.1.0.0", 16, P1));
	pe_allowlist_close(a);
}

TEST(v6_capacity_exhausted_changes_nothing)
{
	struct pe_allowlist_opts o = { .v6_chunks = 2, .v6_ranges = 16,
				       .prefixes = 64 };
	/* Two /24s, two /48s each: 5 ranges, slices of 8: all 16 ranges. */
	static const char *const fill[] = { "2001:d00:1::", "2001:d00:3::",
					    "2001:e00:1::", "2001:e00:3::" };
	struct pe_allowlist_stats before, after;
	struct pe_allowlist *a;
	unsigned int i;
	char l1[512];

	if (setup_err)
		SKIP(return, "no netns/veth: %s", strerror(setup_err));
	ASSERT_EQ(0, pe_allowlist_open(&o, &a));
	ASSERT_EQ(0, pe_allowlist_set_iface(a, if_a, P1, PE_MODE_ENFORCE));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, add6(a, fill[i], 48, P1));
	/* Alone in its /24 and at most /48: inline, no range needed. */
	ASSERT_EQ(0, add6(a, "2001:1100:1::", 48, P1));
	ASSERT_EQ(0, add6(a, "2a00::", 24, P1));	/* second chunk */
	pe_allowlist_stats(a, &before);
	EXPECT_EQ(16, before.v6_ranges_used);
	EXPECT_EQ(2, before.v6_chunks_used);
	listed(a, l1);

	/* A second prefix next to the inline one; one more in a full /24;
	 * a nested one; a lone /64 (too long to inline); a third chunk. */
	EXPECT_EQ(-ENOSPC, add6(a, "2001:1100:3::", 48, P1));
	EXPECT_EQ(-ENOSPC, add6(a, "2001:d00:5::", 48, P1));
	EXPECT_EQ(-ENOSPC, add6(a, "2001:d00:1:1::", 64, P2));
	EXPECT_EQ(-ENOSPC, add6(a, "2001:1200:0:1::", 64, P1));
	EXPECT_EQ(-ENOSPC, add6(a, "2c00:1::", 32, P1));
	EXPECT_EQ(-ENOSPC, add6(a, "2c00::", 20, P1));
	expect_unchanged(_metadata, a, &before, l1);
	EXPECT_EQ(0, prog_allows(a, if_a, "2001:1100:3::1", P1));
	EXPECT_EQ(1, prog_allows(a, if_a, "2001:1100:1::1", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "2001:d00:5::1", P1));
	EXPECT_EQ(0, ok6(a, "2001:d00:1:1::1", P2));
	EXPECT_EQ(0, prog_allows(a, if_a, "2001:1200:0:1::1", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "2c00:1::1", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "2c00:0:1::1", P1));
	for (i = 0; i < 4; i++) {
		char src[64];

		snprintf(src, sizeof(src), "%s1", fill[i]);
		EXPECT_EQ(1, prog_allows(a, if_a, src, P1));
	}
	EXPECT_EQ(-ENOENT, del6(a, "2001:1100:3::", 48, P1));

	/* Space freed (after readers are gone) is used again: the /24 left
	 * with one /48 goes inline, its slice to the next one. */
	ASSERT_EQ(0, del6(a, fill[3], 48, P1));
	pe_allowlist_stats(a, &after);
	EXPECT_EQ(8, after.v6_ranges_used);
	ASSERT_EQ(0, add6(a, "2001:1100:3::", 48, P1));
	EXPECT_EQ(1, prog_allows(a, if_a, "2001:1100:3::1", P1));
	EXPECT_EQ(1, prog_allows(a, if_a, "2001:1100:1::1", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "2001:1100:2::1", P1));
	EXPECT_EQ(1, prog_allows(a, if_a, "2001:e00:1::1", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "2001:e00:3::1", P1));
	pe_allowlist_close(a);
}

/* The prefixes of P1 in v6_peering_pools_full_left_to_shared_tables, an
 * address inside and one outside each. */
static const struct {
	const char *pfx, *in, *out;
	int len;
} p1_full[] = {
	{ "2001:d01:100::", "2001:d01:1ff::1", "2001:d01:200::1", 40 },
	{ "2001:e01:100::", "2001:e01:1ff::1", "2001:e01:200::1", 40 },
	{ "2001:e02:200::", "2001:e02:2ff::1", "2001:e02:300::1", 40 },
	{ "2001:e03:300::", "2001:e03:300:ff::1", "2001:e03:301::1", 56 },
	{ "2001:f01:100::", "2001:f01:1ff::1", "2001:f01:200::1", 40 },
	{ "2001:f02:200::", "2001:f02:200:ff::1", "2001:f02:201::1", 56 },
	{ "2001:f03:300::", "2001:f03:3ff::1", "2001:f03:400::1", 40 },
};

static void expect_p1_full_verdicts(struct __test_metadata *_metadata,
				    struct pe_allowlist *a)
{
	unsigned int i;

	for (i = 0; i < sizeof(p1_full) / sizeof(p1_full[0]); i++) {
		EXPECT_EQ(1, prog_allows(a, if_a, p1_full[i].in, P1))
			TH_LOG("%s", p1_full[i].in);
		EXPECT_EQ(0, prog_allows(a, if_a, p1_full[i].out, P1))
			TH_LOG("%s", p1_full[i].out);
	}
}

/*
 * Per-peering IPv6 pools full: never an error and never a wrong answer. An
 * entry that needs a list that is not there, and a /16 that needs a block
 * or entry lines, are left to the shared tables; a /16 is built again when
 * it next changes and the space is there.
 */
TEST(v6_peering_pools_full_left_to_shared_tables)
{
	struct pe_allowlist_opts o = { .v6_blocks = 2, .v6_entry_lines = 2,
				       .v6_lists = 1, .prefixes = 64 };
	struct pe_allowlist *a;
	unsigned int i;

	if (setup_err)
		SKIP(return, "no netns/veth: %s", strerror(setup_err));
	ASSERT_EQ(0, pe_allowlist_open(&o, &a));
	ASSERT_EQ(0, pe_allowlist_set_iface(a, if_a, P1, PE_MODE_ENFORCE));
	ASSERT_EQ(0, pe_allowlist_set_iface(a, if_b, P2, PE_MODE_ENFORCE));
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, add6(a, p1_full[i].pfx, p1_full[i].len, P1));
	EXPECT_V6P_USE(a, "blocks 1 lines 1 lists 0 /16s 1 shared 0");
	/* A third in 2001:e00::/24 takes the one list. */
	ASSERT_EQ(0, add6(a, p1_full[3].pfx, p1_full[3].len, P1));
	EXPECT_V6P_USE(a, "blocks 1 lines 1 lists 1 /16s 1 shared 0");
	/* No list left for two with a /56, then three: the /24 is the
	 * shared tables'. */
	for (i = 4; i < 7; i++) {
		ASSERT_EQ(0, add6(a, p1_full[i].pfx, p1_full[i].len, P1));
		EXPECT_V6P_USE(a, "blocks 1 lines 1 lists 1 /16s 1 shared 0");
		EXPECT_EQ(1, prog_allows(a, if_a, p1_full[i].in, P1));
		EXPECT_EQ(0, prog_allows(a, if_a, p1_full[i].out, P1));
	}
	expect_p1_full_verdicts(_metadata, a);

	/* P2 takes the other block; its next /16 gets none. */
	ASSERT_EQ(0, add6(a, "2001:d01:100::", 40, P2));
	EXPECT_V6P_USE(a, "blocks 2 lines 2 lists 1 /16s 2 shared 0");
	ASSERT_EQ(0, add6(a, "2002:d01:100::", 40, P2));
	EXPECT_V6P_USE(a, "blocks 2 lines 2 lists 1 /16s 3 shared 1");
	EXPECT_EQ(1, prog_allows(a, if_b, "2002:d01:1ff::1", P2));
	EXPECT_EQ(0, prog_allows(a, if_b, "2002:d01:200::1", P2));
	EXPECT_EQ(0, prog_allows(a, if_a, "2002:d01:100::1", P1));
	/* P1's /16 needs a new block for a new /24 while it holds the old
	 * one: none left, so it goes to the shared tables, freeing its
	 * block; then the oldest /16 that went without space, P1's own (its
	 * /24 short of a list), is built again at once, P2's next. */
	ASSERT_EQ(0, add6(a, "2001:b01:100::", 40, P1));
	EXPECT_V6P_USE(a, "blocks 2 lines 2 lists 1 /16s 3 shared 1");
	EXPECT_EQ(1, prog_allows(a, if_a, "2001:b01:100::1", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "2001:b01:200::1", P1));
	expect_p1_full_verdicts(_metadata, a);
	EXPECT_EQ(1, prog_allows(a, if_b, "2002:d01:1ff::1", P2));
	EXPECT_EQ(0, prog_allows(a, if_b, "2002:d01:200::1", P2));

	/* P2's /16 goes; P1's stays built. */
	ASSERT_EQ(0, del6(a, "2002:d01:100::", 40, P2));
	EXPECT_V6P_USE(a, "blocks 2 lines 2 lists 1 /16s 2 shared 0");
	EXPECT_EQ(1, prog_allows(a, if_a, "2001:b01:100::1", P1));
	expect_p1_full_verdicts(_metadata, a);
	/* The /24 without a list gets one once the other's goes. */
	ASSERT_EQ(0, del6(a, p1_full[3].pfx, p1_full[3].len, P1));
	EXPECT_V6P_USE(a, "blocks 2 lines 2 lists 1 /16s 2 shared 0");
	EXPECT_EQ(1, prog_allows(a, if_a, p1_full[5].in, P1));
	EXPECT_EQ(0, prog_allows(a, if_a, p1_full[5].out, P1));
	EXPECT_EQ(0, prog_allows(a, if_a, p1_full[3].in, P1));
	ASSERT_EQ(0, add6(a, p1_full[3].pfx, p1_full[3].len, P1));
	ASSERT_EQ(0, del6(a, "2001:b01:100::", 40, P1));
	EXPECT_V6P_USE(a, "blocks 2 lines 2 lists 1 /16s 2 shared 0");
	EXPECT_EQ(0, prog_allows(a, if_a, "2001:b01:100::1", P1));
	expect_p1_full_verdicts(_metadata, a);
	ASSERT_EQ(0, del6(a, "2001:d01:100::", 40, P2));
	for (i = 0; i < sizeof(p1_full) / sizeof(p1_full[0]); i++)
		ASSERT_EQ(0, del6(a, p1_full[i].pfx, p1_full[i].len, P1));
	EXPECT_V6P_USE(a, "blocks 0 lines 0 lists 0 /16s 0 shared 0");
	pe_allowlist_close(a);
}

/*
 * Space freed goes to the /16 that has waited longest: with one block, B
 * and then C go without; freeing X's block builds B, freeing B's builds C.
 */
TEST(v6_peering_space_goes_to_the_longest_waiting)
{
	struct pe_allowlist_opts o = { .v6_blocks = 1, .prefixes = 64 };
	struct pe_allowlist *a;
	__u32 b, c;
	char dir[64];

	if (setup_err)
		SKIP(return, "no netns/veth: %s", strerror(setup_err));
	ASSERT_EQ(0, open_pinned(&o, dir, sizeof(dir), &a));
	ASSERT_EQ(0, pe_allowlist_set_iface(a, if_a, P1, PE_MODE_ENFORCE));
	ASSERT_EQ(0, add6(a, "2001:d01:100::", 40, P1));	/* X */
	ASSERT_EQ(0, add6(a, "2003:d01:100::", 40, P1));	/* B */
	ASSERT_EQ(0, add6(a, "2004:d01:100::", 40, P1));	/* C */
	EXPECT_V6P_USE(a, "blocks 1 lines 1 lists 0 /16s 3 shared 2");
	ASSERT_EQ(0, del6(a, "2001:d01:100::", 40, P1));
	EXPECT_V6P_USE(a, "blocks 1 lines 1 lists 0 /16s 2 shared 1");
	ASSERT_EQ(0, v6p_dir_entry(dir, 0x2003, &b, false));
	ASSERT_EQ(0, v6p_dir_entry(dir, 0x2004, &c, false));
	EXPECT_NE(0, b & PE_V6P_D_BLOCK);
	EXPECT_EQ(PE_V6P_D_SHARED, c);
	EXPECT_EQ(1, prog_allows(a, if_a, "2003:d01:1ff::1", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "2003:d01:200::1", P1));
	ASSERT_EQ(0, del6(a, "2003:d01:100::", 40, P1));
	EXPECT_V6P_USE(a, "blocks 1 lines 1 lists 0 /16s 1 shared 0");
	ASSERT_EQ(0, v6p_dir_entry(dir, 0x2004, &c, false));
	EXPECT_NE(0, c & PE_V6P_D_BLOCK);
	EXPECT_EQ(1, prog_allows(a, if_a, "2004:d01:1ff::1", P1));
	EXPECT_EQ(0, prog_allows(a, if_a, "2004:d01:200::1", P1));
	pe_allowlist_close(a);
	own_bpffs_release(dir);
}

/*
 * A /16 prefix over a peering's /16 replaces its block at once: the entry
 * lines go to the quarantine, which must have room for them whatever came
 * before: after as many replaced blocks as it held (its array full), and
 * in tables found pinned (no array yet).
 */
TEST(v6_peering_block_replaced_by_a_covering_16)
{
	struct pe_allowlist_opts o = { .prefixes = 1024 };
	struct pe_allowlist *a;
	char dir[64], p[64];
	int i, round;

	if (setup_err)
		SKIP(return, "no netns/veth: %s", strerror(setup_err));
	ASSERT_EQ(0, open_pinned(&o, dir, sizeof(dir), &a));
	ASSERT_EQ(0, add6(a, "2001:0:500::", 40, P1));
	pe_allowlist_close(a);
	ASSERT_EQ(0, pe_allowlist_open(&o, &a));
	for (round = 0; round < 2; round++) {
		ASSERT_EQ(0, add6(a, "2001::", 16, P1));
		EXPECT_V6P_USE(a, "blocks 0 lines 0 lists 0 /16s 1 shared 0");
		EXPECT_EQ(1, prog_allows(a, if_a, "2001:ffff::1", P1));
		ASSERT_EQ(0, del6(a, "2001::", 16, P1));
		EXPECT_EQ(1, prog_allows(a, if_a, "2001:0:5ff::1", P1));
		EXPECT_EQ(0, prog_allows(a, if_a, "2001:ffff::1", P1));
		/* 64 and more blocks replaced, one /24 more each time. */
		for (i = 1; i <= 65 && !round; i++) {
			snprintf(p, sizeof(p), "2001:%x00::", i);
			ASSERT_EQ(0, add6(a, p, 40, P1));
		}
	}
	for (i = 1; i <= 65; i++) {
		snprintf(p, sizeof(p), "2001:%x00::", i);
		ASSERT_EQ(0, del6(a, p, 40, P1));
	}
	ASSERT_EQ(0, del6(a, "2001:0:500::", 40, P1));
	EXPECT_V6P_USE(a, "blocks 0 lines 0 lists 0 /16s 0 shared 0");
	pe_allowlist_close(a);
	own_bpffs_release(dir);
}

/* Grace periods the handle waited for so far. */
static __u64 grace_waits(const struct pe_allowlist *al)
{
	struct pe_allowlist_stats st;

	pe_allowlist_stats(al, &st);
	return st.grace_waits;
}

/*
 * Prefix number i of a family, each in a second-level chunk of its own:
 * 10.0.i.0/25, 200i::/32 (i < 10). Added (add) or removed on P1.
 */
static int chunk_prefix(struct pe_allowlist *al, int family, int i, bool add)
{
	__u8 a[16] = { 0x20, i };
	unsigned int len = 32;

	if (family == AF_INET) {
		a[0] = 10;
		a[1] = 0;
		a[2] = i;
		len = 25;
	}
	return add ? pe_allowlist_add(al, family, a, len, P1) :
		     pe_allowlist_del(al, family, a, len, P1);
}

/* Adds prefix number i: the grace periods waited for since open; ~0: failed. */
static __u64 waits_after_add(struct pe_allowlist *al, int family, int i)
{
	return chunk_prefix(al, family, i, true) ? ~0ULL : grace_waits(al);
}

/* Is the first host of prefix number i allowed on P1? */
static int chunk_prefix_allowed(struct pe_allowlist *al, int family, int i)
{
	__u8 a[16] = { 0x20, i };

	if (family == AF_INET) {
		a[0] = 10;
		a[1] = 0;
		a[2] = i;
		a[3] = 1;
	} else {
		a[15] = 1;
	}
	return pe_allowlist_allowed(al, family, a, P1);
}

/*
 * A second-level chunk freed since the last grace period may still be read
 * by a program that loaded the old directory entry: it is handed out again
 * only after a grace period; older free chunks are taken without one, and
 * one wait covers what both pools freed before it. Two chunks per pool.
 */
TEST(chunk_reused_only_after_grace_period)
{
	struct pe_allowlist_opts o = { .v4_blocks = 2, .v4_wide = 2,
				       .v4_bitmaps = 2, .v6_chunks = 2,
				       .v6_ranges = 16, .prefixes = 64 };
	static const int families[] = { AF_INET, AF_INET6 };
	struct pe_allowlist *a;
	unsigned int f;

	if (setup_err)
		SKIP(return, "no netns/veth: %s", strerror(setup_err));
	ASSERT_EQ(0, pe_allowlist_open(&o, &a));
	for (f = 0; f < 2; f++) {
		int fam = families[f];
		__u64 w = grace_waits(a);

		/* New tables: no program ever read them. */
		ASSERT_EQ(0, chunk_prefix(a, fam, 0, true));	/* chunk x */
		ASSERT_EQ(0, chunk_prefix(a, fam, 0, false));	/* x freed now */
		EXPECT_EQ(w, waits_after_add(a, fam, 1));	/* y, free before */
		EXPECT_EQ(w + 1, waits_after_add(a, fam, 2));	/* only x left */
		/* Both freed after that wait: the first reuse waits, the
		 * second finds its chunk freed before that wait. */
		ASSERT_EQ(0, chunk_prefix(a, fam, 1, false));
		ASSERT_EQ(0, chunk_prefix(a, fam, 2, false));
		EXPECT_EQ(w + 2, waits_after_add(a, fam, 3));
		EXPECT_EQ(w + 2, waits_after_add(a, fam, 4));
		EXPECT_EQ(0, chunk_prefix_allowed(a, fam, 0));
		EXPECT_EQ(0, chunk_prefix_allowed(a, fam, 2));
		EXPECT_EQ(1, chunk_prefix_allowed(a, fam, 3));
		EXPECT_EQ(1, chunk_prefix_allowed(a, fam, 4));
	}
	/* An IPv6 chunk freed, then an IPv4 reuse that waits: the IPv6
	 * chunk is safe after that wait and is taken without another. */
	ASSERT_EQ(0, chunk_prefix(a, AF_INET6, 3, false));
	ASSERT_EQ(0, chunk_prefix(a, AF_INET, 3, false));
	EXPECT_EQ(5, waits_after_add(a, AF_INET, 5));
	EXPECT_EQ(5, waits_after_add(a, AF_INET6, 5));
	EXPECT_EQ(1, chunk_prefix_allowed(a, AF_INET6, 5));
	EXPECT_EQ(0, chunk_prefix_allowed(a, AF_INET6, 3));
	pe_allowlist_close(a);
}

/*
 * Free chunks found in a reused pinned table may have been freed by the
 * process before, just now: the first reuse waits, unless the open did
 * already (reused IPv6 tables: the slice space waits once at open).
 */
TEST(pinned_free_chunks_reused_after_grace_period)
{
	struct pe_allowlist_opts o = { .v4_blocks = 2, .v4_wide = 2,
				       .v4_bitmaps = 2, .v6_chunks = 2,
				       .v6_ranges = 16, .prefixes = 64 };
	struct pe_allowlist *a;
	char dir[64];

	if (setup_err)
		SKIP(return, "no netns/veth: %s", strerror(setup_err));
	ASSERT_EQ(0, own_bpffs(dir, sizeof(dir)));
	o.pin_dir = dir;
	ASSERT_EQ(0, pe_allowlist_open(&o, &a));
	ASSERT_EQ(0, chunk_prefix(a, AF_INET, 0, true));
	ASSERT_EQ(0, chunk_prefix(a, AF_INET, 0, false));
	EXPECT_EQ(0, grace_waits(a));
	pe_allowlist_close(a);

	/* IPv6 tables of another layout: replaced, no wait at open. */
	ASSERT_EQ(0, pin_map(dir, "pe_v6_dir", BPF_MAP_TYPE_ARRAY, 4, 8, 65536));
	ASSERT_EQ(0, pe_allowlist_open(&o, &a));
	EXPECT_EQ(0, grace_waits(a));
	EXPECT_EQ(1, waits_after_add(a, AF_INET, 1));
	EXPECT_EQ(1, chunk_prefix_allowed(a, AF_INET, 1));
	pe_allowlist_close(a);

	/* Everything reused: the wait at open covers the free chunk. */
	ASSERT_EQ(0, pe_allowlist_open(&o, &a));
	EXPECT_EQ(1, grace_waits(a));
	EXPECT_EQ(1, waits_after_add(a, AF_INET, 2));
	EXPECT_EQ(1, chunk_prefix_allowed(a, AF_INET, 1));
	EXPECT_EQ(1, chunk_prefix_allowed(a, AF_INET, 2));
	pe_allowlist_close(a);
	own_bpffs_release(dir);
}

TEST_HARNESS_MAIN
