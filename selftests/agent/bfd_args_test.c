// SPDX-License-Identifier: GPL-2.0
/* agent/cli_bfd.c: parsing of every `peeredge bfd` option. */
#include <arpa/inet.h>

#include "kselftest_harness.h"

#include "cli_bfd.h"

#define MAX_WORDS 32

/* Parses the words of line (split on spaces) as the arguments of a verb. */
static int parse_line(enum bfd_verb verb, const char *line, struct bfd_session *s,
		      struct cli_error *err)
{
	static char copy[512];
	char *words[MAX_WORDS], *word, *save;
	int argc = 0;

	snprintf(copy, sizeof(copy), "%s", line);
	for (word = strtok_r(copy, " ", &save); word && argc < MAX_WORDS;
	     word = strtok_r(NULL, " ", &save))
		words[argc++] = word;
	err->msg[0] = '\0';
	return bfd_parse_args(verb, argc, words, s, err);
}

static bool addr_is(const struct ip_addr *a, const char *text)
{
	struct ip_addr expected;

	return !ip_addr_parse(text, &expected) && !ip_addr_compare(a, &expected);
}

TEST(add_with_peer_only)
{
	struct bfd_session s;
	struct cli_error err;

	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_ADD, "192.0.2.1", &s, &err)) TH_LOG("%s", err.msg);
	EXPECT_EQ(BFD_ATTR_BIT(KBFD_A_PEER_ADDR), s.present);
	EXPECT_TRUE(addr_is(&s.peer, "192.0.2.1"));
	EXPECT_FALSE(s.multihop);
}

TEST(add_with_every_option)
{
	struct bfd_session s;
	struct cli_error err;

	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_ADD,
		"2001:db8::1 local 2001:db8::2 dev lo multihop interval 100 rx-interval 250000 "
		"multiplier 5 auth meticulous-sha1 key-id 7 key s3cret admin-down", &s, &err))
		TH_LOG("%s", err.msg);
	EXPECT_EQ(BFD_ATTR_BIT(KBFD_A_PEER_ADDR) | BFD_ATTR_BIT(KBFD_A_LOCAL_ADDR) |
		  BFD_ATTR_BIT(KBFD_A_IFINDEX) | BFD_ATTR_BIT(KBFD_A_MULTIHOP) |
		  BFD_ATTR_BIT(KBFD_A_DESIRED_MIN_TX_US) |
		  BFD_ATTR_BIT(KBFD_A_REQUIRED_MIN_RX_US) | BFD_ATTR_BIT(KBFD_A_DETECT_MULT) |
		  BFD_ATTR_BIT(KBFD_A_AUTH_TYPE) | BFD_ATTR_BIT(KBFD_A_AUTH_KEY_ID) |
		  BFD_ATTR_BIT(KBFD_A_AUTH_KEY) | BFD_ATTR_BIT(KBFD_A_ADMIN_DOWN), s.present);
	EXPECT_TRUE(addr_is(&s.peer, "2001:db8::1"));
	EXPECT_TRUE(addr_is(&s.local, "2001:db8::2"));
	EXPECT_EQ(if_nametoindex("lo"), s.ifindex);
	EXPECT_TRUE(s.multihop);
	EXPECT_EQ(100, s.desired_min_tx_us);
	EXPECT_EQ(250000, s.required_min_rx_us);
	EXPECT_EQ(5, s.detect_mult);
	EXPECT_EQ(KBFD_AUTH_METICULOUS_SHA1, s.auth_type);
	EXPECT_EQ(7, s.auth_key_id);
	ASSERT_EQ(6, s.auth_key_len);
	EXPECT_EQ(0, memcmp("s3cret", s.auth_key, 6));
	EXPECT_EQ(1, s.admin_down);
}

TEST(interval_sets_both_directions)
{
	struct bfd_session s;
	struct cli_error err;

	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_ADD, "192.0.2.1 interval 50000", &s, &err));
	EXPECT_EQ(50000, s.desired_min_tx_us);
	EXPECT_EQ(50000, s.required_min_rx_us);
	EXPECT_TRUE(bfd_has(&s, KBFD_A_REQUIRED_MIN_RX_US));

	/* rx-interval wins, in either order */
	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_ADD,
					  "192.0.2.1 rx-interval 900 interval 50000", &s, &err));
	EXPECT_EQ(50000, s.desired_min_tx_us);
	EXPECT_EQ(900, s.required_min_rx_us);

	/* rx-interval alone leaves the transmit interval alone */
	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_SET, "192.0.2.1 rx-interval 900", &s, &err));
	EXPECT_FALSE(bfd_has(&s, KBFD_A_DESIRED_MIN_TX_US));
	EXPECT_EQ(900, s.required_min_rx_us);
}

TEST(interval_limits)
{
	struct bfd_session s;
	struct cli_error err;

	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_ADD, "192.0.2.1 interval 100", &s, &err));
	EXPECT_EQ(KBFD_MIN_INTERVAL_US, s.desired_min_tx_us);
	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_ADD, "192.0.2.1 interval 60000000", &s, &err));
	EXPECT_EQ(KBFD_MAX_INTERVAL_US, s.desired_min_tx_us);
}

TEST(multiplier_and_key_id_limits)
{
	struct bfd_session s;
	struct cli_error err;

	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_ADD, "192.0.2.1 multiplier 1", &s, &err));
	EXPECT_EQ(1, s.detect_mult);
	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_ADD, "192.0.2.1 multiplier 255", &s, &err));
	EXPECT_EQ(255, s.detect_mult);
	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_ADD,
					  "192.0.2.1 auth simple key-id 0 key k", &s, &err));
	EXPECT_EQ(0, s.auth_key_id);
	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_ADD,
					  "192.0.2.1 auth simple key-id 255 key k", &s, &err));
	EXPECT_EQ(255, s.auth_key_id);
}

TEST(every_auth_type)
{
	static const struct { const char *name; uint8_t type; } types[] = {
		{ "simple", KBFD_AUTH_SIMPLE },
		{ "keyed-md5", KBFD_AUTH_KEYED_MD5 },
		{ "meticulous-md5", KBFD_AUTH_METICULOUS_MD5 },
		{ "keyed-sha1", KBFD_AUTH_KEYED_SHA1 },
		{ "meticulous-sha1", KBFD_AUTH_METICULOUS_SHA1 },
	};
	struct bfd_session s;
	struct cli_error err;
	char line[128];
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		snprintf(line, sizeof(line), "192.0.2.1 auth %s key-id 1 key 0123456789abcdef",
			 types[i].name);
		ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_ADD, line, &s, &err))
			TH_LOG("%s: %s", line, err.msg);
		EXPECT_EQ(types[i].type, s.auth_type);
		EXPECT_EQ(16, s.auth_key_len);
	}
	/* SHA1 keys may be 20 bytes, the others 16 (RFC 5880 4.2). */
	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_ADD,
		  "192.0.2.1 auth keyed-sha1 key-id 1 key 0123456789abcdefghij", &s, &err));
	EXPECT_EQ(20, s.auth_key_len);
}

TEST(set_takes_auth_none_and_admin_up)
{
	struct bfd_session s;
	struct cli_error err;

	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_SET, "192.0.2.1 auth none", &s, &err))
		TH_LOG("%s", err.msg);
	EXPECT_EQ(BFD_ATTR_BIT(KBFD_A_PEER_ADDR) | BFD_ATTR_BIT(KBFD_A_AUTH_TYPE), s.present);
	EXPECT_EQ(KBFD_AUTH_NONE, s.auth_type);

	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_SET, "192.0.2.1 admin-up", &s, &err));
	EXPECT_TRUE(bfd_has(&s, KBFD_A_ADMIN_DOWN));
	EXPECT_EQ(0, s.admin_down);

	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_SET, "192.0.2.1 admin-down", &s, &err));
	EXPECT_EQ(1, s.admin_down);
}

TEST(del_names_the_session_only)
{
	struct bfd_session s;
	struct cli_error err;

	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_DEL,
					  "192.0.2.1 local 192.0.2.2 dev lo multihop", &s, &err));
	EXPECT_EQ(BFD_ATTR_BIT(KBFD_A_PEER_ADDR) | BFD_ATTR_BIT(KBFD_A_LOCAL_ADDR) |
		  BFD_ATTR_BIT(KBFD_A_IFINDEX) | BFD_ATTR_BIT(KBFD_A_MULTIHOP), s.present);
	/* A link-local peer without dev can be named (it cannot be added). */
	EXPECT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_DEL, "fe80::1", &s, &err));
}

TEST(show_filters_are_optional)
{
	struct bfd_session s;
	struct cli_error err;

	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_SHOW, "", &s, &err));
	EXPECT_EQ(0, s.present);
	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_SHOW, "2001:db8::1", &s, &err));
	EXPECT_EQ(BFD_ATTR_BIT(KBFD_A_PEER_ADDR), s.present);
	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_SHOW, "dev lo multihop", &s, &err));
	EXPECT_EQ(BFD_ATTR_BIT(KBFD_A_IFINDEX) | BFD_ATTR_BIT(KBFD_A_MULTIHOP), s.present);
	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_MONITOR, "", &s, &err));
}

TEST(link_local_peer_with_dev)
{
	struct bfd_session s;
	struct cli_error err;

	ASSERT_EQ(CLI_EXIT_OK, parse_line(BFD_VERB_ADD, "fe80::1 dev lo", &s, &err));
	EXPECT_TRUE(ip_addr_is_v6_link_local(&s.peer));
}

/* Each refused command line, the exit code and a word the reason must hold. */
static const struct refusal {
	enum bfd_verb verb;
	const char *line;
	int code;
	const char *reason;
} refusals[] = {
	/* the peer */
	{ BFD_VERB_ADD, "", CLI_EXIT_USAGE, "missing PEER" },
	{ BFD_VERB_SET, "interval 1000", CLI_EXIT_USAGE, "missing PEER" },
	{ BFD_VERB_DEL, "local 192.0.2.2", CLI_EXIT_USAGE, "missing PEER" },
	{ BFD_VERB_ADD, "300.1.1.1", CLI_EXIT_USAGE, "not an IP address" },
	{ BFD_VERB_ADD, "peer1", CLI_EXIT_USAGE, "not an IP address" },
	{ BFD_VERB_SHOW, "192.0.2.x", CLI_EXIT_USAGE, "not an IP address" },
	{ BFD_VERB_ADD, "fe80::1", CLI_EXIT_USAGE, "dev IFNAME" },
	/* addresses and families */
	{ BFD_VERB_ADD, "192.0.2.1 local 192.0.2", CLI_EXIT_USAGE, "not an IP address" },
	{ BFD_VERB_ADD, "192.0.2.1 local 2001:db8::2", CLI_EXIT_USAGE, "same family" },
	{ BFD_VERB_DEL, "2001:db8::1 local 192.0.2.2", CLI_EXIT_USAGE, "same family" },
	{ BFD_VERB_SHOW, "2001:db8::1 local 192.0.2.2", CLI_EXIT_USAGE, "same family" },
	/* interfaces */
	{ BFD_VERB_ADD, "192.0.2.1 dev nosuchif0", CLI_EXIT_FAILURE, "no interface" },
	{ BFD_VERB_ADD, "192.0.2.1 dev sixteen-chars-xx", CLI_EXIT_USAGE, "interface name" },
	/* numbers */
	{ BFD_VERB_ADD, "192.0.2.1 interval 99", CLI_EXIT_USAGE, "out of range" },
	{ BFD_VERB_ADD, "192.0.2.1 interval 60000001", CLI_EXIT_USAGE, "out of range" },
	{ BFD_VERB_ADD, "192.0.2.1 interval 0", CLI_EXIT_USAGE, "out of range" },
	{ BFD_VERB_ADD, "192.0.2.1 interval 1ms", CLI_EXIT_USAGE, "not a number" },
	{ BFD_VERB_ADD, "192.0.2.1 interval -300", CLI_EXIT_USAGE, "not a number" },
	{ BFD_VERB_SET, "192.0.2.1 rx-interval 99", CLI_EXIT_USAGE, "out of range" },
	{ BFD_VERB_SET, "192.0.2.1 rx-interval 60000001", CLI_EXIT_USAGE, "out of range" },
	{ BFD_VERB_ADD, "192.0.2.1 multiplier 0", CLI_EXIT_USAGE, "out of range" },
	{ BFD_VERB_ADD, "192.0.2.1 multiplier 256", CLI_EXIT_USAGE, "out of range" },
	{ BFD_VERB_ADD, "192.0.2.1 multiplier three", CLI_EXIT_USAGE, "not a number" },
	{ BFD_VERB_ADD, "192.0.2.1 auth simple key-id 256 key k", CLI_EXIT_USAGE, "out of range" },
	/* missing values */
	{ BFD_VERB_ADD, "192.0.2.1 local", CLI_EXIT_USAGE, "needs a value" },
	{ BFD_VERB_ADD, "192.0.2.1 dev", CLI_EXIT_USAGE, "needs a value" },
	{ BFD_VERB_ADD, "192.0.2.1 interval", CLI_EXIT_USAGE, "needs a value" },
	{ BFD_VERB_ADD, "192.0.2.1 rx-interval", CLI_EXIT_USAGE, "needs a value" },
	{ BFD_VERB_ADD, "192.0.2.1 multiplier", CLI_EXIT_USAGE, "needs a value" },
	{ BFD_VERB_ADD, "192.0.2.1 auth", CLI_EXIT_USAGE, "needs a value" },
	{ BFD_VERB_ADD, "192.0.2.1 auth simple key-id", CLI_EXIT_USAGE, "needs a value" },
	{ BFD_VERB_ADD, "192.0.2.1 auth simple key-id 1 key", CLI_EXIT_USAGE, "needs a value" },
	/* unknown, repeated, misplaced words */
	{ BFD_VERB_ADD, "192.0.2.1 bogus", CLI_EXIT_USAGE, "unknown option 'bogus'" },
	{ BFD_VERB_ADD, "192.0.2.1 192.0.2.2", CLI_EXIT_USAGE, "unknown option" },
	{ BFD_VERB_ADD, "192.0.2.1 Interval 300", CLI_EXIT_USAGE, "unknown option" },
	{ BFD_VERB_ADD, "192.0.2.1 interval 300 interval 400", CLI_EXIT_USAGE, "twice" },
	{ BFD_VERB_ADD, "192.0.2.1 multihop multihop", CLI_EXIT_USAGE, "twice" },
	{ BFD_VERB_DEL, "192.0.2.1 interval 300", CLI_EXIT_USAGE, "does not apply" },
	{ BFD_VERB_DEL, "192.0.2.1 admin-down", CLI_EXIT_USAGE, "does not apply" },
	{ BFD_VERB_SHOW, "192.0.2.1 multiplier 3", CLI_EXIT_USAGE, "does not apply" },
	{ BFD_VERB_ADD, "192.0.2.1 admin-up", CLI_EXIT_USAGE, "does not apply" },
	{ BFD_VERB_MONITOR, "192.0.2.1", CLI_EXIT_USAGE, "unexpected" },
	{ BFD_VERB_SHOW, "-j", CLI_EXIT_USAGE, "options go before the object" },
	{ BFD_VERB_ADD, "192.0.2.1 --json", CLI_EXIT_USAGE, "options go before the object" },
	{ BFD_VERB_SET, "192.0.2.1 admin-down admin-up", CLI_EXIT_USAGE, "exclude" },
	/* authentication */
	{ BFD_VERB_ADD, "192.0.2.1 auth md5 key-id 1 key k", CLI_EXIT_USAGE, "is not one of" },
	{ BFD_VERB_ADD, "192.0.2.1 auth none", CLI_EXIT_USAGE, "is not one of" },
	{ BFD_VERB_ADD, "192.0.2.1 auth simple", CLI_EXIT_USAGE, "needs 'key-id N'" },
	{ BFD_VERB_ADD, "192.0.2.1 auth simple key k", CLI_EXIT_USAGE, "needs 'key-id N'" },
	{ BFD_VERB_ADD, "192.0.2.1 auth simple key-id 1", CLI_EXIT_USAGE, "needs 'key-id N'" },
	{ BFD_VERB_ADD, "192.0.2.1 key-id 1 key k", CLI_EXIT_USAGE, "need 'auth TYPE'" },
	{ BFD_VERB_SET, "192.0.2.1 auth none key-id 1", CLI_EXIT_USAGE, "takes no key" },
	{ BFD_VERB_ADD, "192.0.2.1 auth simple key-id 1 key 0123456789abcdefX",
	  CLI_EXIT_USAGE, "1..16 bytes" },
	{ BFD_VERB_ADD, "192.0.2.1 auth keyed-md5 key-id 1 key 0123456789abcdefX",
	  CLI_EXIT_USAGE, "1..16 bytes" },
	{ BFD_VERB_ADD, "192.0.2.1 auth keyed-sha1 key-id 1 key 0123456789abcdefghijK",
	  CLI_EXIT_USAGE, "1..20 bytes" },
	/* set must change something */
	{ BFD_VERB_SET, "192.0.2.1", CLI_EXIT_USAGE, "nothing to change" },
	{ BFD_VERB_SET, "192.0.2.1 local 192.0.2.2 dev lo multihop", CLI_EXIT_USAGE,
	  "nothing to change" },
};

TEST(refused_lines_get_one_clear_reason)
{
	const struct refusal *r;
	struct bfd_session s;
	struct cli_error err;
	size_t i;

	for (i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		r = &refusals[i];
		EXPECT_EQ(r->code, parse_line(r->verb, r->line, &s, &err))
			TH_LOG("'%s' was not refused as expected (%s)", r->line, err.msg);
		EXPECT_NE(NULL, strstr(err.msg, r->reason))
			TH_LOG("'%s': reason '%s' lacks '%s'", r->line, err.msg, r->reason);
		EXPECT_EQ(NULL, strchr(err.msg, '\n')) TH_LOG("'%s': not one line", r->line);
	}
}

TEST(values_may_hold_spaces)
{
	char *words[] = { "192.0.2.1", "auth", "simple", "key-id", "1", "key", "two words" };
	struct bfd_session s;
	struct cli_error err;

	ASSERT_EQ(CLI_EXIT_OK, bfd_parse_args(BFD_VERB_ADD, 7, words, &s, &err));
	ASSERT_EQ(9, s.auth_key_len);
	EXPECT_EQ(0, memcmp("two words", s.auth_key, 9));
}

TEST_HARNESS_MAIN
