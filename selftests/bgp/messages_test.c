// SPDX-License-Identifier: GPL-2.0
/*
 * BGP message layer: encode -> decode round trips of every message and
 * attribute, the RFC 6793 AS4 merge, and every RFC 7606 error class from
 * hand-crafted bytes.
 */
#include <arpa/inet.h>
#include <string.h>

#include "kselftest_harness.h"
#include "messages.h"

static struct bgp_update upd;		/* large: keep it off the stack */
static uint8_t msg[BGP_MSG_MAX];

static struct prefix pfx(int family, const char *addr, uint8_t len)
{
	struct prefix p = { .family = (uint8_t)family, .len = len };

	inet_pton(family, addr, &p.addr);
	return p;
}

static const uint8_t path4[] = {	/* 65001 4200000001 {65010,65011} */
	BGP_AS_SEQUENCE, 2, 0, 0, 0xfd, 0xe9, 0xfa, 0x56, 0xea, 0x01,
	BGP_AS_SET, 2, 0, 0, 0xfd, 0xf2, 0, 0, 0xfd, 0xf3,
};
static const uint32_t comms[] = { (8075u << 16) | 8007, (65001u << 16) | 1 };
static const struct bgp_large_community larges[] = { { 4200000001u, 1, 2 } };
static const uint8_t ext[] = { 0x00, 0x02, 0xfd, 0xe9, 0, 0, 0, 7 };
/* An optional transitive attribute nobody knows, type 250. */
static const uint8_t unknown_attr[] = { 0xc0, 250, 3, 'a', 'b', 'c' };

static void full_attrs(struct bgp_attrs *a)
{
	memset(a, 0, sizeof(*a));
	a->present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
		     BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP) | BGP_ATTR_BIT(BGP_ATTR_MED) |
		     BGP_ATTR_BIT(BGP_ATTR_ATOMIC_AGGREGATE) | BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR) |
		     BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES) | BGP_ATTR_BIT(BGP_ATTR_EXT_COMMUNITIES) |
		     BGP_ATTR_BIT(BGP_ATTR_LARGE_COMMUNITIES);
	a->origin = BGP_ORIGIN_EGP;
	a->as_path = path4;
	a->as_path_len = sizeof(path4);
	inet_pton(AF_INET, "10.99.0.1", &a->next_hop);
	a->med = 77;
	a->aggregator_as = 4200000001u;
	inet_pton(AF_INET, "192.0.2.9", &a->aggregator_id);
	a->communities = comms;
	a->n_communities = 2;
	a->ext_communities = ext;
	a->n_ext_communities = 1;
	a->large_communities = larges;
	a->n_large_communities = 1;
	a->unknown = unknown_attr;
	a->unknown_len = sizeof(unknown_attr);
}

static const struct bgp_peer_ctx ebgp_as4 = { .as4 = true, .ebgp = true, .peer_as = 65001 };
static const struct bgp_peer_ctx ebgp_as2 = { .as4 = false, .ebgp = true, .peer_as = 65001 };
static const struct bgp_peer_ctx ibgp_as4 = { .as4 = true, .ebgp = false };

static size_t nlri_count(const struct bgp_nlri *n, struct prefix *first)
{
	struct bgp_nlri_iter it;
	struct prefix p;
	size_t count = 0;

	bgp_nlri_iter_init(&it, n);
	while (bgp_nlri_next(&it, &p))
		if (count++ == 0 && first)
			*first = p;
	return count;
}

TEST(header_checks)
{
	struct bgp_error err;
	int len = bgp_keepalive_encode(msg, sizeof(msg));

	ASSERT_EQ(BGP_HEADER_LEN, len);
	EXPECT_EQ(0, bgp_header_check(msg, 18, &err));
	EXPECT_EQ(BGP_HEADER_LEN, bgp_header_check(msg, (size_t)len, &err));
	msg[3] = 0;
	EXPECT_EQ(-1, bgp_header_check(msg, (size_t)len, &err));
	EXPECT_EQ(BGP_HDR_NOT_SYNC, err.subcode);
	msg[3] = 0xff;
	msg[17] = 20;	/* KEEPALIVE must be exactly 19 */
	EXPECT_EQ(-1, bgp_header_check(msg, (size_t)len, &err));
	EXPECT_EQ(BGP_HDR_BAD_LENGTH, err.subcode);
	EXPECT_EQ(2, err.data_len);
	msg[16] = 0x10; msg[17] = 0x01; msg[18] = BGP_MSG_UPDATE;	/* 4097 */
	EXPECT_EQ(-1, bgp_header_check(msg, (size_t)len, &err));
	EXPECT_EQ(BGP_HDR_BAD_LENGTH, err.subcode);
	msg[16] = 0; msg[17] = 30; msg[18] = 6;
	EXPECT_EQ(-1, bgp_header_check(msg, (size_t)len, &err));
	EXPECT_EQ(BGP_HDR_BAD_TYPE, err.subcode);
	EXPECT_EQ(BGP_ERR_HEADER, err.code);
}

TEST(open_round_trip)
{
	struct bgp_open o = {
		.as = 4200000001u, .hold_time = 90, .bgp_id = 0x0a630001,
		.cap_as4 = true, .cap_mp_ipv4 = true, .cap_mp_ipv6 = true,
		.cap_route_refresh = true, .cap_graceful_restart = true,
		.gr_restart_time = 120, .gr_ipv6 = true,
	}, d;
	struct bgp_error err;
	int len = bgp_open_encode(msg, sizeof(msg), &o);

	ASSERT_GT(len, 29);
	ASSERT_EQ(len, bgp_header_check(msg, (size_t)len, &err));
	ASSERT_EQ(0, bgp_open_decode(msg, (size_t)len, &d, &err));
	EXPECT_EQ(BGP_AS_TRANS, d.my_as);
	EXPECT_EQ(4200000001u, d.as);
	EXPECT_EQ(90, d.hold_time);
	EXPECT_EQ(0x0a630001u, d.bgp_id);
	EXPECT_TRUE(d.cap_as4 && d.cap_mp_ipv4 && d.cap_mp_ipv6 && d.cap_route_refresh);
	EXPECT_TRUE(d.cap_graceful_restart);
	EXPECT_EQ(120, d.gr_restart_time);
	EXPECT_FALSE(d.gr_ipv4);
	EXPECT_TRUE(d.gr_ipv6);

	/* No capabilities at all: a plain RFC 4271 IPv4 speaker. */
	memset(&o, 0, sizeof(o));
	o.as = 65001;
	o.hold_time = 3;
	o.bgp_id = 1;
	len = bgp_open_encode(msg, sizeof(msg), &o);
	ASSERT_EQ(0, bgp_open_decode(msg, (size_t)len, &d, &err));
	EXPECT_TRUE(d.cap_mp_ipv4);
	EXPECT_FALSE(d.cap_as4);
	EXPECT_EQ(65001u, d.as);
}

TEST(open_errors)
{
	struct bgp_open o = { .as = 65001, .hold_time = 2, .bgp_id = 1 }, d;
	struct bgp_error err;
	int len = bgp_open_encode(msg, sizeof(msg), &o);

	EXPECT_EQ(-1, bgp_open_decode(msg, (size_t)len, &d, &err));
	EXPECT_EQ(BGP_ERR_OPEN, err.code);
	EXPECT_EQ(BGP_OPEN_BAD_HOLD_TIME, err.subcode);
	o.hold_time = 0;
	o.bgp_id = 0;
	len = bgp_open_encode(msg, sizeof(msg), &o);
	EXPECT_EQ(-1, bgp_open_decode(msg, (size_t)len, &d, &err));
	EXPECT_EQ(BGP_OPEN_BAD_BGP_ID, err.subcode);
	o.bgp_id = 1;
	len = bgp_open_encode(msg, sizeof(msg), &o);
	msg[19] = 3;
	EXPECT_EQ(-1, bgp_open_decode(msg, (size_t)len, &d, &err));
	EXPECT_EQ(BGP_OPEN_BAD_VERSION, err.subcode);
	msg[19] = 4;
	msg[28] = 40;	/* optional parameters run past the message */
	EXPECT_EQ(-1, bgp_open_decode(msg, (size_t)len, &d, &err));
	EXPECT_EQ(BGP_ERR_HEADER, err.code);
}

TEST(notification_and_shutdown_communication)
{
	struct bgp_notification n;
	char longmsg[300];
	int len = bgp_cease_encode(msg, sizeof(msg), BGP_CEASE_ADMIN_SHUTDOWN, "maintenance 42");

	ASSERT_GT(len, 21);
	ASSERT_EQ(0, bgp_notification_decode(msg, (size_t)len, &n));
	EXPECT_EQ(BGP_ERR_CEASE, n.code);
	EXPECT_EQ(BGP_CEASE_ADMIN_SHUTDOWN, n.subcode);
	EXPECT_STREQ("maintenance 42", n.shutdown_msg);

	/* 255 octets at most, never splitting a UTF-8 sequence ("é" is 2). */
	memset(longmsg, 'x', sizeof(longmsg));
	longmsg[254] = (char)0xc3;
	longmsg[255] = (char)0xa9;
	longmsg[299] = '\0';
	len = bgp_cease_encode(msg, sizeof(msg), BGP_CEASE_ADMIN_RESET, longmsg);
	ASSERT_EQ(0, bgp_notification_decode(msg, (size_t)len, &n));
	EXPECT_EQ(254, strlen(n.shutdown_msg));

	len = bgp_cease_encode(msg, sizeof(msg), BGP_CEASE_BFD_DOWN, "ignored");
	EXPECT_EQ(21, len);
	ASSERT_EQ(0, bgp_notification_decode(msg, (size_t)len, &n));
	EXPECT_STREQ("BFD down", bgp_error_name(n.code, n.subcode));

	len = bgp_notification_encode(msg, sizeof(msg), BGP_ERR_UPDATE, BGP_UPD_ATTR_FLAGS,
				      unknown_attr, sizeof(unknown_attr));
	ASSERT_EQ(0, bgp_notification_decode(msg, (size_t)len, &n));
	EXPECT_EQ(sizeof(unknown_attr), n.data_len);
	EXPECT_EQ(0, memcmp(n.data, unknown_attr, sizeof(unknown_attr)));
}

TEST(route_refresh_round_trip)
{
	uint16_t afi;
	uint8_t safi;
	int len = bgp_route_refresh_encode(msg, sizeof(msg), BGP_AFI_IPV6, BGP_SAFI_UNICAST);

	ASSERT_EQ(23, len);
	ASSERT_EQ(0, bgp_route_refresh_decode(msg, (size_t)len, &afi, &safi));
	EXPECT_EQ(BGP_AFI_IPV6, afi);
	EXPECT_EQ(BGP_SAFI_UNICAST, safi);
}

static void check_full_attrs(struct __test_metadata *_metadata, const struct bgp_attrs *d)
{
	struct bgp_attrs a;
	char buf[128];

	full_attrs(&a);
	EXPECT_EQ(a.present, d->present);
	EXPECT_EQ(BGP_ORIGIN_EGP, d->origin);
	EXPECT_STREQ("65001 4200000001 {65010,65011}",
		     bgp_as_path_format(d->as_path, d->as_path_len, buf, sizeof(buf)));
	EXPECT_EQ(a.next_hop.s_addr, d->next_hop.s_addr);
	EXPECT_EQ(77, d->med);
	EXPECT_EQ(4200000001u, d->aggregator_as);
	EXPECT_EQ(a.aggregator_id.s_addr, d->aggregator_id.s_addr);
	ASSERT_EQ(2, d->n_communities);
	EXPECT_EQ(comms[0], d->communities[0]);
	EXPECT_EQ(comms[1], d->communities[1]);
	ASSERT_EQ(1, d->n_ext_communities);
	EXPECT_EQ(0, memcmp(ext, d->ext_communities, 8));
	ASSERT_EQ(1, d->n_large_communities);
	EXPECT_EQ(4200000001u, d->large_communities[0].global);
	EXPECT_EQ(2, d->large_communities[0].local2);
	/* Passed on with the Partial bit now set. */
	ASSERT_EQ(sizeof(unknown_attr), d->unknown_len);
	EXPECT_EQ(0xe0, d->unknown[0]);
	EXPECT_EQ(0, memcmp(unknown_attr + 1, d->unknown + 1, sizeof(unknown_attr) - 1));
}

TEST(update_ipv4_round_trip_as4_and_as2)
{
	struct prefix ann[2] = { pfx(AF_INET, "203.0.113.0", 24), pfx(AF_INET, "198.51.100.128", 25) };
	struct prefix wd[1] = { pfx(AF_INET, "192.0.2.0", 24) };
	struct bgp_attrs a;
	struct bgp_update_out out = { wd, 1, ann, 2, &a };
	struct prefix first;
	int len, as4;

	full_attrs(&a);
	for (as4 = 1; as4 >= 0; as4--) {
		len = bgp_update_encode(msg, sizeof(msg), &out, as4);
		ASSERT_GT(len, 23);
		bgp_update_decode(msg, (size_t)len, as4 ? &ebgp_as4 : &ebgp_as2, &upd);
		ASSERT_EQ(BGP_UPDATE_OK, upd.verdict) TH_LOG("%s", upd.reason);
		EXPECT_EQ(0, upd.discarded);
		EXPECT_EQ(2, nlri_count(&upd.announced, &first));
		EXPECT_TRUE(prefix_equal(&first, &ann[0]));
		EXPECT_EQ(1, nlri_count(&upd.withdrawn, &first));
		EXPECT_TRUE(prefix_equal(&first, &wd[0]));
		check_full_attrs(_metadata, &upd.attrs);
	}
}

TEST(update_ipv6_mp_round_trip)
{
	struct prefix ann[1] = { pfx(AF_INET6, "2001:db8:100::", 48) };
	struct prefix wd[2] = { pfx(AF_INET6, "2001:db8:200::", 40), pfx(AF_INET6, "::", 0) };
	struct bgp_attrs a;
	struct bgp_update_out out = { NULL, 0, ann, 1, &a };
	struct prefix got;
	int len;

	full_attrs(&a);
	a.present &= ~BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
	a.mp_nexthop_len = 16;
	inet_pton(AF_INET6, "2001:db8::1", a.mp_nexthop);
	len = bgp_update_encode(msg, sizeof(msg), &out, true);
	bgp_update_decode(msg, (size_t)len, &ebgp_as4, &upd);
	ASSERT_EQ(BGP_UPDATE_OK, upd.verdict) TH_LOG("%s", upd.reason);
	EXPECT_EQ(0, nlri_count(&upd.announced, NULL));
	EXPECT_EQ(BGP_AFI_IPV6, upd.mp_announced.afi);
	EXPECT_EQ(1, nlri_count(&upd.mp_announced, &got));
	EXPECT_TRUE(prefix_equal(&got, &ann[0]));
	EXPECT_EQ(16, upd.attrs.mp_nexthop_len);
	EXPECT_EQ(0, memcmp(a.mp_nexthop, upd.attrs.mp_nexthop, 16));
	EXPECT_EQ(0, upd.end_of_rib_afi);

	out = (struct bgp_update_out){ wd, 2, NULL, 0, NULL };
	len = bgp_update_encode(msg, sizeof(msg), &out, true);
	bgp_update_decode(msg, (size_t)len, &ebgp_as4, &upd);
	ASSERT_EQ(BGP_UPDATE_OK, upd.verdict);
	EXPECT_EQ(2, nlri_count(&upd.mp_withdrawn, &got));
	EXPECT_TRUE(prefix_equal(&got, &wd[0]));
}

TEST(end_of_rib)
{
	int len = bgp_end_of_rib_encode(msg, sizeof(msg), BGP_AFI_IPV4);

	EXPECT_EQ(23, len);
	bgp_update_decode(msg, (size_t)len, &ebgp_as4, &upd);
	EXPECT_EQ(BGP_AFI_IPV4, upd.end_of_rib_afi);
	len = bgp_end_of_rib_encode(msg, sizeof(msg), BGP_AFI_IPV6);
	bgp_update_decode(msg, (size_t)len, &ebgp_as4, &upd);
	EXPECT_EQ(BGP_UPDATE_OK, upd.verdict);
	EXPECT_EQ(BGP_AFI_IPV6, upd.end_of_rib_afi);
}

TEST(canonical_attrs_round_trip)
{
	uint8_t blob[BGP_MSG_MAX];
	struct bgp_attrs a;
	int len;

	full_attrs(&a);
	len = bgp_attrs_encode(blob, sizeof(blob), &a, true);
	ASSERT_GT(len, 0);
	ASSERT_EQ(0, bgp_attrs_decode(blob, (size_t)len, &upd));
	check_full_attrs(_metadata, &upd.attrs);
}

TEST(as_path_helpers)
{
	EXPECT_EQ(3, bgp_as_path_count(path4, sizeof(path4)));
	EXPECT_EQ(65001u, bgp_as_path_first(path4, sizeof(path4)));
	EXPECT_EQ(0u, bgp_as_path_origin(path4, sizeof(path4)));	/* ends in a set */
	EXPECT_EQ(4200000001u, bgp_as_path_origin(path4, 10));
}

/* ---- crafted UPDATEs ---- */

/* UPDATE with the given withdrawn, attribute and NLRI bytes. */
static size_t build(const uint8_t *wd, size_t wd_len, const uint8_t *attrs, size_t attr_len,
		    const uint8_t *nlri, size_t nlri_len)
{
	size_t n = BGP_HEADER_LEN;

	memset(msg, 0xff, BGP_MARKER_LEN);
	msg[18] = BGP_MSG_UPDATE;
	msg[n++] = (uint8_t)(wd_len >> 8);
	msg[n++] = (uint8_t)wd_len;
	if (wd_len)
		memcpy(msg + n, wd, wd_len);
	n += wd_len;
	msg[n++] = (uint8_t)(attr_len >> 8);
	msg[n++] = (uint8_t)attr_len;
	if (attr_len)
		memcpy(msg + n, attrs, attr_len);
	n += attr_len;
	if (nlri_len)
		memcpy(msg + n, nlri, nlri_len);
	n += nlri_len;
	msg[16] = (uint8_t)(n >> 8);
	msg[17] = (uint8_t)n;
	return n;
}

#define ORIGIN_OK	0x40, 1, 1, 0
#define PATH2_OK	0x40, 2, 4, 2, 1, 0xfd, 0xe9		/* 65001, 2-octet */
#define PATH4_OK	0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xe9	/* 65001, 4-octet */
#define NH_OK		0x40, 3, 4, 10, 99, 0, 1
static const uint8_t nlri10[] = { 8, 10 };

struct rfc7606_case {
	const char *name;
	const struct bgp_peer_ctx *ctx;
	uint8_t attrs[64];
	size_t len;
	enum bgp_update_verdict verdict;
	unsigned int discarded;
	uint8_t subcode;	/* NOTIFICATION subcode on session reset */
};

#define CASE(n, c, v, d, s, ...) { n, c, { __VA_ARGS__ }, sizeof((uint8_t[]){ __VA_ARGS__ }), v, d, s }
#define OK BGP_UPDATE_OK
#define TAW BGP_UPDATE_TREAT_AS_WITHDRAW
#define RST BGP_UPDATE_SESSION_RESET

static const struct rfc7606_case cases[] = {
	CASE("all fine", &ebgp_as4, OK, 0, 0, ORIGIN_OK, PATH4_OK, NH_OK),
	CASE("7.1 ORIGIN length 2", &ebgp_as4, TAW, 0, 0, 0x40, 1, 2, 0, 0, PATH4_OK, NH_OK),
	CASE("7.1 ORIGIN value 3", &ebgp_as4, TAW, 0, 0, 0x40, 1, 1, 3, PATH4_OK, NH_OK),
	CASE("7.2 AS_PATH zero-length segment", &ebgp_as4, TAW, 0, 0, ORIGIN_OK,
	     0x40, 2, 8, 2, 1, 0, 0, 0xfd, 0xe9, 2, 0, NH_OK),
	CASE("7.2 AS_PATH segment overrun", &ebgp_as4, TAW, 0, 0, ORIGIN_OK,
	     0x40, 2, 6, 2, 2, 0, 0, 0xfd, 0xe9, NH_OK),
	CASE("7.2 AS_PATH lone trailing octet", &ebgp_as4, TAW, 0, 0, ORIGIN_OK,
	     0x40, 2, 7, 2, 1, 0, 0, 0xfd, 0xe9, 2, NH_OK),
	CASE("7.2 AS_PATH unknown segment type", &ebgp_as4, TAW, 0, 0, ORIGIN_OK,
	     0x40, 2, 6, 9, 1, 0, 0, 0xfd, 0xe9, NH_OK),
	CASE("7.2 AS_PATH leftmost AS is not the peer", &ebgp_as4, TAW, 0, 0, ORIGIN_OK,
	     0x40, 2, 6, 2, 1, 0, 0, 0xfd, 0xea, NH_OK),
	CASE("7.2 AS_CONFED segment from external peer", &ebgp_as4, TAW, 0, 0, ORIGIN_OK,
	     0x40, 2, 12, 3, 1, 0, 0, 0xfd, 0xe9, 2, 1, 0, 0, 0xfd, 0xe9, NH_OK),
	CASE("7.3 NEXT_HOP length 5", &ebgp_as4, TAW, 0, 0, ORIGIN_OK, PATH4_OK,
	     0x40, 3, 5, 10, 99, 0, 1, 0),
	CASE("7.3 NEXT_HOP 0.0.0.0", &ebgp_as4, TAW, 0, 0, ORIGIN_OK, PATH4_OK,
	     0x40, 3, 4, 0, 0, 0, 0),
	CASE("7.3 NEXT_HOP multicast", &ebgp_as4, TAW, 0, 0, ORIGIN_OK, PATH4_OK,
	     0x40, 3, 4, 224, 0, 0, 5),
	CASE("7.4 MED length 3", &ebgp_as4, TAW, 0, 0, ORIGIN_OK, PATH4_OK, NH_OK,
	     0x80, 4, 3, 0, 0, 1),
	CASE("7.5 LOCAL_PREF from eBGP discarded", &ebgp_as4, OK, 1, 0, ORIGIN_OK, PATH4_OK, NH_OK,
	     0x40, 5, 4, 0, 0, 0, 100),
	CASE("7.5 LOCAL_PREF length 3 on iBGP", &ibgp_as4, TAW, 0, 0, ORIGIN_OK, PATH4_OK, NH_OK,
	     0x40, 5, 3, 0, 0, 100),
	CASE("missing LOCAL_PREF on iBGP", &ibgp_as4, TAW, 0, 0, ORIGIN_OK, PATH4_OK, NH_OK),
	CASE("7.6 ATOMIC_AGGREGATE length 1", &ebgp_as4, OK, 1, 0, ORIGIN_OK, PATH4_OK, NH_OK,
	     0x40, 6, 1, 0),
	CASE("7.7 AGGREGATOR length 7", &ebgp_as4, OK, 1, 0, ORIGIN_OK, PATH4_OK, NH_OK,
	     0xc0, 7, 7, 0, 0, 0xfd, 0xe9, 1, 2, 3),
	CASE("7.7 AGGREGATOR 4-octet on 2-octet session", &ebgp_as2, OK, 1, 0, ORIGIN_OK, PATH2_OK,
	     NH_OK, 0xc0, 7, 8, 0, 0, 0xfd, 0xe9, 1, 2, 3, 4),
	CASE("7.8 COMMUNITIES length 5", &ebgp_as4, TAW, 0, 0, ORIGIN_OK, PATH4_OK, NH_OK,
	     0xc0, 8, 5, 0, 1, 0, 2, 0),
	CASE("7.8 COMMUNITIES length 0", &ebgp_as4, TAW, 0, 0, ORIGIN_OK, PATH4_OK, NH_OK,
	     0xc0, 8, 0),
	CASE("7.9 ORIGINATOR_ID length 3", &ibgp_as4, TAW, 0, 0, ORIGIN_OK, PATH4_OK, NH_OK,
	     0x40, 5, 4, 0, 0, 0, 100, 0x80, 9, 3, 1, 2, 3),
	CASE("7.10 CLUSTER_LIST length 5", &ibgp_as4, TAW, 0, 0, ORIGIN_OK, PATH4_OK, NH_OK,
	     0x40, 5, 4, 0, 0, 0, 100, 0x80, 10, 5, 1, 2, 3, 4, 5),
	CASE("7.14 EXTENDED_COMMUNITIES length 7", &ebgp_as4, TAW, 0, 0, ORIGIN_OK, PATH4_OK,
	     NH_OK, 0xc0, 16, 7, 0, 2, 0, 0, 0, 0, 0),
	CASE("RFC 8092 LARGE_COMMUNITIES length 11", &ebgp_as4, TAW, 0, 0, ORIGIN_OK, PATH4_OK,
	     NH_OK, 0xc0, 32, 11, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0),
	CASE("RFC 6793 AS4_PATH malformed", &ebgp_as2, OK, 1, 0, ORIGIN_OK, PATH2_OK, NH_OK,
	     0xc0, 17, 6, 2, 2, 0, 0, 0xfd, 0xe9),
	CASE("RFC 6793 AS4_AGGREGATOR length 7", &ebgp_as2, OK, 1, 0, ORIGIN_OK, PATH2_OK, NH_OK,
	     0xc0, 18, 7, 0, 0, 0xfd, 0xe9, 1, 2, 3),
	CASE("3(c) ORIGIN with Optional bit", &ebgp_as4, TAW, 0, 0, 0xc0, 1, 1, 0, PATH4_OK, NH_OK),
	CASE("3(c) COMMUNITIES without Transitive", &ebgp_as4, TAW, 0, 0, ORIGIN_OK, PATH4_OK, NH_OK,
	     0x80, 8, 4, 0, 1, 0, 2),
	CASE("3(d) missing ORIGIN", &ebgp_as4, TAW, 0, 0, PATH4_OK, NH_OK),
	CASE("3(d) missing NEXT_HOP", &ebgp_as4, TAW, 0, 0, ORIGIN_OK, PATH4_OK),
	CASE("3(g) duplicate ORIGIN dropped", &ebgp_as4, OK, 1, 0, ORIGIN_OK, 0x40, 1, 1, 2,
	     PATH4_OK, NH_OK),
	CASE("3(g) duplicate MP_UNREACH resets", &ebgp_as4, RST, 0, BGP_UPD_MALFORMED_ATTR_LIST,
	     ORIGIN_OK, PATH4_OK, NH_OK, 0x80, 15, 3, 0, 2, 1, 0x80, 15, 3, 0, 2, 1),
	CASE("4 attribute overruns the attribute block", &ebgp_as4, TAW, 0, 0, ORIGIN_OK, PATH4_OK,
	     NH_OK, 0xc0, 8, 8, 0, 1),
	CASE("unrecognized well-known attribute", &ebgp_as4, RST, 0, BGP_UPD_UNRECOGNIZED_WELLKNOWN,
	     ORIGIN_OK, PATH4_OK, NH_OK, 0x40, 99, 1, 0),
	CASE("unknown optional non-transitive dropped", &ebgp_as4, OK, 0, 0, ORIGIN_OK, PATH4_OK,
	     NH_OK, 0x80, 99, 1, 0),
	CASE("7.11 MP_REACH IPv6 next hop length 5", &ebgp_as4, RST, 0, BGP_UPD_OPTIONAL_ATTR,
	     0x80, 14, 11, 0, 2, 1, 5, 1, 2, 3, 4, 5, 0, 0, ORIGIN_OK, PATH4_OK),
	CASE("5.3 MP_REACH IPv6 prefix length 129", &ebgp_as4, RST, 0, BGP_UPD_OPTIONAL_ATTR,
	     0x80, 14, 23, 0, 2, 1, 16, 0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0,
	     129, 0x20, ORIGIN_OK, PATH4_OK),
	CASE("5.3 MP_UNREACH truncated prefix", &ebgp_as4, RST, 0, BGP_UPD_OPTIONAL_ATTR,
	     0x80, 15, 5, 0, 2, 1, 64, 0x20),
	CASE("MP_UNREACH with Transitive bit", &ebgp_as4, RST, 0, BGP_UPD_ATTR_FLAGS,
	     0xc0, 15, 3, 0, 2, 1),
};

TEST(rfc7606_classes)
{
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct rfc7606_case *c = &cases[i];
		size_t len = build(NULL, 0, c->attrs, c->len, nlri10, sizeof(nlri10));

		bgp_update_decode(msg, len, c->ctx, &upd);
		EXPECT_EQ(c->verdict, upd.verdict) TH_LOG("%s: %s", c->name, upd.reason);
		EXPECT_EQ(c->discarded, upd.discarded) TH_LOG("%s", c->name);
		if (c->verdict == BGP_UPDATE_SESSION_RESET) {
			EXPECT_EQ(BGP_ERR_UPDATE, upd.error.code) TH_LOG("%s", c->name);
			EXPECT_EQ(c->subcode, upd.error.subcode) TH_LOG("%s", c->name);
		}
	}
}

TEST(rfc7606_message_level)
{
	static const uint8_t attrs[] = { ORIGIN_OK, PATH4_OK, NH_OK };
	static const uint8_t bad_nlri[] = { 33, 10, 0, 0, 0, 0 };
	static const uint8_t wd[] = { 24, 192, 0, 2 };
	size_t len;

	/* Attribute block longer than the message: the NLRI cannot be found. */
	len = build(NULL, 0, attrs, sizeof(attrs), NULL, 0);
	msg[BGP_HEADER_LEN + 3] = 200;
	bgp_update_decode(msg, len, &ebgp_as4, &upd);
	EXPECT_EQ(BGP_UPDATE_SESSION_RESET, upd.verdict);
	EXPECT_EQ(BGP_UPD_MALFORMED_ATTR_LIST, upd.error.subcode);

	len = build(wd, sizeof(wd), attrs, sizeof(attrs), NULL, 0);
	msg[BGP_HEADER_LEN + 1] = 100;
	bgp_update_decode(msg, len, &ebgp_as4, &upd);
	EXPECT_EQ(BGP_UPDATE_SESSION_RESET, upd.verdict);

	len = build(NULL, 0, attrs, sizeof(attrs), bad_nlri, sizeof(bad_nlri));
	bgp_update_decode(msg, len, &ebgp_as4, &upd);
	EXPECT_EQ(BGP_UPDATE_SESSION_RESET, upd.verdict);
	EXPECT_EQ(BGP_UPD_INVALID_NETWORK, upd.error.subcode);

	/* Withdrawals alone need no attributes. */
	len = build(wd, sizeof(wd), NULL, 0, NULL, 0);
	bgp_update_decode(msg, len, &ebgp_as4, &upd);
	EXPECT_EQ(BGP_UPDATE_OK, upd.verdict);
	EXPECT_EQ(1, nlri_count(&upd.withdrawn, NULL));
}

TEST(as4_merge_from_two_octet_peer)
{
	/* AS_PATH 65001 23456 23456, AS4_PATH 4200000001 4200000002. */
	static const uint8_t attrs[] = {
		ORIGIN_OK, 0x40, 2, 8, 2, 3, 0xfd, 0xe9, 0x5b, 0xa0, 0x5b, 0xa0, NH_OK,
		0xc0, 7, 6, 0x5b, 0xa0, 192, 0, 2, 1,
		0xc0, 17, 10, 2, 2, 0xfa, 0x56, 0xea, 0x01, 0xfa, 0x56, 0xea, 0x02,
		0xc0, 18, 8, 0xfa, 0x56, 0xea, 0x03, 192, 0, 2, 1,
	};
	uint8_t longer[sizeof(attrs) + 4];
	char buf[128];
	size_t len = build(NULL, 0, attrs, sizeof(attrs), nlri10, sizeof(nlri10));

	bgp_update_decode(msg, len, &ebgp_as2, &upd);
	ASSERT_EQ(BGP_UPDATE_OK, upd.verdict) TH_LOG("%s", upd.reason);
	EXPECT_STREQ("65001 4200000001 4200000002",
		     bgp_as_path_format(upd.attrs.as_path, upd.attrs.as_path_len, buf, sizeof(buf)));
	EXPECT_EQ(4200000003u, upd.attrs.aggregator_as);

	/* AGGREGATOR not AS_TRANS: AS4_PATH and AS4_AGGREGATOR are ignored. */
	memcpy(longer, attrs, sizeof(attrs));
	longer[25] = 0xfd;
	longer[26] = 0xe9;
	len = build(NULL, 0, longer, sizeof(attrs), nlri10, sizeof(nlri10));
	bgp_update_decode(msg, len, &ebgp_as2, &upd);
	ASSERT_EQ(BGP_UPDATE_OK, upd.verdict);
	EXPECT_STREQ("65001 23456 23456",
		     bgp_as_path_format(upd.attrs.as_path, upd.attrs.as_path_len, buf, sizeof(buf)));
	EXPECT_EQ(65001u, upd.attrs.aggregator_as);

	/* AS4_PATH longer than AS_PATH: ignored. */
	memcpy(longer, attrs, sizeof(attrs));
	longer[6] = 4;		/* AS_PATH: one ASN only */
	longer[8] = 1;
	memmove(longer + 11, longer + 15, sizeof(attrs) - 15);
	len = build(NULL, 0, longer, sizeof(attrs) - 4, nlri10, sizeof(nlri10));
	bgp_update_decode(msg, len, &ebgp_as2, &upd);
	ASSERT_EQ(BGP_UPDATE_OK, upd.verdict) TH_LOG("%s", upd.reason);
	EXPECT_STREQ("65001",
		     bgp_as_path_format(upd.attrs.as_path, upd.attrs.as_path_len, buf, sizeof(buf)));
}

TEST(as4_encode_for_two_octet_peer)
{
	struct prefix ann[1] = { pfx(AF_INET, "203.0.113.0", 24) };
	struct bgp_attrs a;
	struct bgp_update_out out = { NULL, 0, ann, 1, &a };
	char buf[128];
	int len;

	full_attrs(&a);
	len = bgp_update_encode(msg, sizeof(msg), &out, false);
	/* AS_TRANS in AS_PATH/AGGREGATOR, the truth in AS4_PATH/AS4_AGGREGATOR. */
	bgp_update_decode(msg, (size_t)len, &ebgp_as2, &upd);
	ASSERT_EQ(BGP_UPDATE_OK, upd.verdict);
	EXPECT_STREQ("65001 4200000001 {65010,65011}",
		     bgp_as_path_format(upd.attrs.as_path, upd.attrs.as_path_len, buf, sizeof(buf)));
	EXPECT_EQ(4200000001u, upd.attrs.aggregator_as);
}

TEST_HARNESS_MAIN
