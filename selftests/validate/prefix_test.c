// SPDX-License-Identifier: GPL-2.0
/* Prefixes, special-purpose ranges and ASN classes. */
#include <errno.h>
#include <sys/socket.h>

#include "kselftest_harness.h"

#include "asn.h"
#include "prefix.h"
#include "special.h"

static struct prefix P(const char *s)
{
	struct prefix p;

	if (prefix_parse(s, &p) < 0) {
		fprintf(stderr, "test setup: bad prefix %s\n", s);
		abort();
	}
	return p;
}

TEST(parse_and_format)
{
	static const struct {
		const char *in, *canonical;
		int family, len;
	} cases[] = {
		{ "80.80.80.0/24", "80.80.80.0/24", AF_INET, 24 },
		{ "0.0.0.0/0", "0.0.0.0/0", AF_INET, 0 },
		{ "192.0.2.1/32", "192.0.2.1/32", AF_INET, 32 },
		{ "100.64.0.0/10", "100.64.0.0/10", AF_INET, 10 },
		{ "2001:db8::/32", "2001:db8::/32", AF_INET6, 32 },
		{ "2001:DB8:0:0::/48", "2001:db8::/48", AF_INET6, 48 },
		{ "::/0", "::/0", AF_INET6, 0 },
		{ "::1/128", "::1/128", AF_INET6, 128 },
		{ "2a00:1450:4001:800::/56", "2a00:1450:4001:800::/56", AF_INET6, 56 },
	};
	char buf[PREFIX_STRLEN];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct prefix p;

		ASSERT_EQ(0, prefix_parse(cases[i].in, &p)) TH_LOG("%s", cases[i].in);
		EXPECT_EQ(cases[i].family, p.family);
		EXPECT_EQ(cases[i].len, p.len);
		EXPECT_STREQ(cases[i].canonical, prefix_format(&p, buf, sizeof(buf)));
	}
}

TEST(parse_errors)
{
	static const char *const bad[] = {
		"10.0.0.1/24",		/* host bits */
		"80.80.80.128/24",	/* host bits */
		"2001:db8::1/32",	/* host bits */
		"10.0.0.0",		/* no length */
		"10.0.0.0/",
		"10.0.0.0/33",
		"2001:db8::/129",
		"10.0.0.0/024",		/* leading zero */
		"10.0.0.0/-1",
		"10.0.0.0/+8",
		"10.0.0.0/ 8",
		"10.0.0.0/8 ",
		"10.0.0.0/8x",
		"10.0.0.0/1000",
		"300.0.0.0/8",
		"10.0.0/8",
		"1.2.3.4.5/32",
		"/24",
		"",
		"fe80::%eth0/64",
		"2001:db8:::/48",
		"0x0a.0.0.0/8",
		"2001:db8::/32/32",
	};
	struct prefix p;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, prefix_parse(bad[i], &p)) TH_LOG("accepted \"%s\"", bad[i]);
	}
}

TEST(contains_and_equal)
{
	struct prefix agg = P("80.80.0.0/16"), sub = P("80.80.80.0/24"),
		      other = P("80.81.0.0/24"), all = P("0.0.0.0/0"), v6 = P("::/0"),
		      host = P("80.80.80.1/32");

	EXPECT_TRUE(prefix_contains(&agg, &sub));
	EXPECT_TRUE(prefix_contains(&agg, &agg));
	EXPECT_TRUE(prefix_contains(&all, &host));
	EXPECT_TRUE(prefix_contains(&sub, &host));
	EXPECT_FALSE(prefix_contains(&sub, &agg));
	EXPECT_FALSE(prefix_contains(&agg, &other));
	EXPECT_FALSE(prefix_contains(&v6, &sub));	/* families never mix */
	EXPECT_TRUE(prefix_equal(&sub, &sub));
	EXPECT_FALSE(prefix_equal(&agg, &sub));
	EXPECT_FALSE(prefix_equal(&all, &v6));
}

TEST(special_ranges)
{
	static const struct {
		const char *pfx;
		bool special;
	} cases[] = {
		{ "0.0.0.0/0", true },		/* covers everything */
		{ "8.0.0.0/6", true },		/* covers 10/8 */
		{ "0.0.0.0/8", true },
		{ "10.1.0.0/16", true },
		{ "100.64.0.0/10", true },
		{ "100.127.255.0/24", true },
		{ "100.128.0.0/24", false },
		{ "100.63.255.0/24", false },
		{ "127.0.0.1/32", true },
		{ "169.254.1.0/24", true },
		{ "172.16.0.0/12", true },
		{ "172.31.0.0/16", true },
		{ "172.32.0.0/16", false },
		{ "192.0.0.0/24", true },
		{ "192.0.0.8/29", true },
		{ "192.0.1.0/24", false },
		{ "192.0.2.0/24", true },
		{ "192.88.99.0/24", true },
		{ "192.168.10.0/24", true },
		{ "198.18.0.0/15", true },
		{ "198.19.255.0/24", true },
		{ "198.20.0.0/16", false },
		{ "198.51.100.0/24", true },
		{ "203.0.113.0/24", true },
		{ "203.0.114.0/24", false },
		{ "224.0.0.0/24", true },
		{ "239.255.255.0/24", true },
		{ "240.0.0.0/4", true },
		{ "255.255.255.255/32", true },
		{ "80.80.80.0/24", false },
		{ "8.8.8.0/24", false },
		{ "1.1.1.0/24", false },
		{ "::/128", true },
		{ "::1/128", true },
		{ "::/0", true },
		{ "::ffff:0:0/96", true },
		{ "::ffff:808:800/120", true },
		{ "64:ff9b::/96", true },
		{ "64:ff9b:1::/48", true },
		{ "100::/64", true },
		{ "2001::/23", true },
		{ "2001::/32", true },
		{ "2001::/16", true },		/* covers 2001::/23 */
		{ "2001:db8::/32", true },
		{ "2001:db8:1234::/48", true },
		{ "2002::/16", true },
		{ "3fff::/20", true },
		{ "fc00::/7", true },
		{ "fd12:3456::/32", true },
		{ "fe80::/10", true },
		{ "fe80::/64", true },
		{ "ff02::/16", true },
		{ "2001:4860::/32", false },
		{ "2a00:1450::/32", false },
		{ "2620:0:860::/46", false },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct prefix p = P(cases[i].pfx);

		EXPECT_EQ(cases[i].special, special_range_of(&p) != NULL) TH_LOG("%s", cases[i].pfx);
	}
	struct prefix cgn = P("100.64.1.0/24");
	EXPECT_STREQ("100.64.0.0/10 (RFC 6598 shared address space)", special_range_of(&cgn));
}

TEST(asn_classes)
{
	static const struct {
		uint32_t asn;
		enum asn_class class;
	} cases[] = {
		{ 0, ASN_ZERO },
		{ 1, ASN_PUBLIC },
		{ 8075, ASN_PUBLIC },
		{ 23455, ASN_PUBLIC },
		{ 23456, ASN_TRANS },
		{ 23457, ASN_PUBLIC },
		{ 64495, ASN_PUBLIC },
		{ 64496, ASN_DOCUMENTATION },
		{ 64511, ASN_DOCUMENTATION },
		{ 64512, ASN_PRIVATE },
		{ 65000, ASN_PRIVATE },
		{ 65534, ASN_PRIVATE },
		{ 65535, ASN_LAST },
		{ 65536, ASN_DOCUMENTATION },
		{ 65551, ASN_DOCUMENTATION },
		{ 65552, ASN_RESERVED },
		{ 131071, ASN_RESERVED },
		{ 131072, ASN_PUBLIC },
		{ 4199999999u, ASN_PUBLIC },
		{ 4200000000u, ASN_PRIVATE },
		{ 4294967294u, ASN_PRIVATE },
		{ 4294967295u, ASN_LAST },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(cases[i].class, asn_classify(cases[i].asn)) TH_LOG("AS%u", cases[i].asn);
		EXPECT_EQ(cases[i].class == ASN_PUBLIC, asn_is_public(cases[i].asn));
	}
	EXPECT_STREQ("private", asn_class_name(ASN_PRIVATE));
	EXPECT_STREQ("as-trans", asn_class_name(ASN_TRANS));
}

TEST(asn_text)
{
	static const struct {
		const char *in;
		uint32_t asn;
	} good[] = {
		{ "AS8075", 8075 }, { "as13335", 13335 }, { "0", 0 },
		{ "4294967295", 4294967295u }, { "AS4200000000", 4200000000u },
	};
	static const char *const bad[] = {
		"", "AS", "4294967296", "-1", "+1", "0x10", "AS 1", " 1", "1 ", "01",
		"1.10", "AS99999999999",
	};
	uint32_t asn;

	for (size_t i = 0; i < ARRAY_SIZE(good); i++) {
		ASSERT_EQ(0, asn_parse(good[i].in, &asn)) TH_LOG("%s", good[i].in);
		EXPECT_EQ(good[i].asn, asn);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, asn_parse(bad[i], &asn)) TH_LOG("accepted \"%s\"", bad[i]);
	}
}

TEST_HARNESS_MAIN
