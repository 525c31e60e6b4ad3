// SPDX-License-Identifier: GPL-2.0
/* agent/cli_util.c: numbers, addresses, interface names, error lines. */
#include <arpa/inet.h>

#include "kselftest_harness.h"

#include "cli_util.h"

TEST(u32_accepts_plain_decimal)
{
	uint32_t v = 7;

	ASSERT_EQ(0, cli_parse_u32("0", 0, UINT32_MAX, &v));
	EXPECT_EQ(0, v);
	ASSERT_EQ(0, cli_parse_u32("4294967295", 0, UINT32_MAX, &v));
	EXPECT_EQ(UINT32_MAX, v);
	ASSERT_EQ(0, cli_parse_u32("007", 0, 10, &v));
	EXPECT_EQ(7, v);
}

TEST(u32_refuses_what_is_not_a_number)
{
	static const char *const bad[] = {
		"", "-1", "+1", " 1", "1 ", "1x", "0x10", "1.5", "1e3", "x",
	};
	uint32_t v = 42;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, cli_parse_u32(bad[i], 0, UINT32_MAX, &v))
			TH_LOG("'%s'", bad[i]);
	}
	EXPECT_EQ(42, v);	/* untouched on failure */
}

TEST(u32_checks_the_range)
{
	uint32_t v = 42;

	EXPECT_EQ(-ERANGE, cli_parse_u32("4294967296", 0, UINT32_MAX, &v));
	EXPECT_EQ(-ERANGE, cli_parse_u32("99999999999999999999999", 0, UINT32_MAX, &v));
	EXPECT_EQ(-ERANGE, cli_parse_u32("99", 100, 200, &v));
	EXPECT_EQ(-ERANGE, cli_parse_u32("201", 100, 200, &v));
	EXPECT_EQ(42, v);
	ASSERT_EQ(0, cli_parse_u32("100", 100, 200, &v));
	EXPECT_EQ(100, v);
	ASSERT_EQ(0, cli_parse_u32("200", 100, 200, &v));
	EXPECT_EQ(200, v);
}

TEST(ipv4_address)
{
	static const uint8_t expected[4] = { 192, 0, 2, 1 };
	char buf[IP_ADDR_STRLEN];
	struct ip_addr a;

	ASSERT_EQ(0, ip_addr_parse("192.0.2.1", &a));
	EXPECT_EQ(AF_INET, a.family);
	EXPECT_EQ(4, ip_addr_len(&a));
	EXPECT_EQ(0, memcmp(expected, a.bytes, 4));
	EXPECT_STREQ("192.0.2.1", ip_addr_format(&a, buf, sizeof(buf)));
	EXPECT_FALSE(ip_addr_is_v6_link_local(&a));
}

TEST(ipv6_address)
{
	static const uint8_t expected[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	char buf[IP_ADDR_STRLEN];
	struct ip_addr a;

	ASSERT_EQ(0, ip_addr_parse("2001:DB8:0::1", &a));
	EXPECT_EQ(AF_INET6, a.family);
	EXPECT_EQ(16, ip_addr_len(&a));
	EXPECT_EQ(0, memcmp(expected, a.bytes, 16));
	EXPECT_STREQ("2001:db8::1", ip_addr_format(&a, buf, sizeof(buf)));
	EXPECT_FALSE(ip_addr_is_v6_link_local(&a));

	/* An IPv4-mapped address is IPv6 on the wire. */
	ASSERT_EQ(0, ip_addr_parse("::ffff:192.0.2.1", &a));
	EXPECT_EQ(AF_INET6, a.family);

	ASSERT_EQ(0, ip_addr_parse("fe80::1", &a));
	EXPECT_TRUE(ip_addr_is_v6_link_local(&a));
}

TEST(bad_addresses)
{
	static const char *const bad[] = {
		"", "192.0.2", "256.0.0.1", "192.0.2.1/32", " 192.0.2.1", "192.0.2.1 ",
		"fe80::1%eth0", "2001:db8:::1", "example.com", "1.2.3.4.5", "::g",
	};
	struct ip_addr a;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, ip_addr_parse(bad[i], &a)) TH_LOG("'%s'", bad[i]);
	}
}

TEST(address_from_raw_bytes)
{
	static const uint8_t raw[16] = { 0xfe, 0x80, [15] = 2 };
	char buf[IP_ADDR_STRLEN];
	struct ip_addr a;

	ASSERT_EQ(0, ip_addr_from_bytes(&a, raw, 4));
	EXPECT_EQ(AF_INET, a.family);
	EXPECT_STREQ("254.128.0.0", ip_addr_format(&a, buf, sizeof(buf)));
	ASSERT_EQ(0, ip_addr_from_bytes(&a, raw, 16));
	EXPECT_EQ(AF_INET6, a.family);
	EXPECT_STREQ("fe80::2", ip_addr_format(&a, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, ip_addr_from_bytes(&a, raw, 0));
	EXPECT_EQ(-EINVAL, ip_addr_from_bytes(&a, raw, 5));
	EXPECT_EQ(-EINVAL, ip_addr_from_bytes(&a, raw, 15));
}

TEST(address_order)
{
	struct ip_addr a, b;

	ASSERT_EQ(0, ip_addr_parse("192.0.2.1", &a));
	ASSERT_EQ(0, ip_addr_parse("192.0.2.10", &b));
	EXPECT_LT(ip_addr_compare(&a, &b), 0);
	EXPECT_GT(ip_addr_compare(&b, &a), 0);
	EXPECT_EQ(0, ip_addr_compare(&a, &a));
	ASSERT_EQ(0, ip_addr_parse("::1", &b));
	EXPECT_LT(ip_addr_compare(&a, &b), 0);	/* IPv4 sorts first */
	EXPECT_GT(ip_addr_compare(&b, &a), 0);
}

TEST(interface_names)
{
	char name[IF_NAMESIZE];
	uint32_t ifindex = 0;

	ASSERT_EQ(0, cli_ifindex("lo", &ifindex));
	EXPECT_EQ(if_nametoindex("lo"), ifindex);
	EXPECT_STREQ("lo", cli_ifname(ifindex, name));

	EXPECT_EQ(-ENODEV, cli_ifindex("nosuchif0", &ifindex));
	EXPECT_EQ(-EINVAL, cli_ifindex("", &ifindex));
	EXPECT_EQ(-EINVAL, cli_ifindex("sixteen-chars-xx", &ifindex));
	EXPECT_STREQ("if2147483647", cli_ifname(2147483647, name));
}

TEST(error_lines)
{
	struct cli_error err;
	char long_word[400];

	EXPECT_EQ(CLI_EXIT_USAGE, cli_fail(&err, CLI_EXIT_USAGE, "'%s' is %d", "x", 3));
	EXPECT_STREQ("'x' is 3", err.msg);

	/* Too long for the buffer: cut, still terminated. */
	memset(long_word, 'w', sizeof(long_word) - 1);
	long_word[sizeof(long_word) - 1] = '\0';
	EXPECT_EQ(CLI_EXIT_FAILURE, cli_fail(&err, CLI_EXIT_FAILURE, "%s", long_word));
	EXPECT_EQ(sizeof(err.msg) - 1, strlen(err.msg));
}

TEST_HARNESS_MAIN
