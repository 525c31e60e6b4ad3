// SPDX-License-Identifier: GPL-2.0
/*
 * agent/bfd_client.c: the attributes a command puts on the wire, parsed back
 * with genlmsg_parse() and the policy, and the parsing of what kbfd sends.
 */
#include <netlink/genl/genl.h>

#include "kselftest_harness.h"

#include "bfd_client.h"
#include "cli_bfd.h"

#define FAKE_FAMILY 0x1234

static struct nl_msg *new_message(uint8_t cmd)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, 0, 1, FAKE_FAMILY, 0, 0, cmd, KBFD_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

/* Parses the message into tb with the client's policy; -1 on failure. */
static int parse_message(struct nl_msg *msg, struct nlattr **tb)
{
	return genlmsg_parse(nlmsg_hdr(msg), 0, tb, KBFD_A_MAX, bfd_attr_policy) < 0 ? -1 : 0;
}

/* The attribute types present in tb, as BFD_ATTR_BITs. */
static uint64_t attrs_present(struct nlattr **tb)
{
	uint64_t present = 0;
	int attr;

	for (attr = 0; attr <= KBFD_A_MAX; attr++)
		if (tb[attr])
			present |= BFD_ATTR_BIT(attr);
	return present;
}

/* Builds the attributes of an add/set/del from a command line. */
static struct nl_msg *message_from_line(enum bfd_verb verb, uint8_t cmd, char **words, int n)
{
	struct bfd_session s;
	struct cli_error err;
	struct nl_msg *msg;

	if (bfd_parse_args(verb, n, words, &s, &err))
		return NULL;
	msg = new_message(cmd);
	if (msg && bfd_session_to_msg(msg, &s)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

TEST(add_with_every_option)
{
	char *words[] = {
		"192.0.2.1", "local", "192.0.2.2", "dev", "lo", "multihop",
		"interval", "1000", "rx-interval", "2000", "multiplier", "4",
		"auth", "keyed-md5", "key-id", "9", "key", "secret", "admin-down",
	};
	struct nlattr *tb[KBFD_A_MAX + 1];
	const uint8_t peer[4] = { 192, 0, 2, 1 }, local[4] = { 192, 0, 2, 2 };
	struct nl_msg *msg;

	msg = message_from_line(BFD_VERB_ADD, KBFD_CMD_SESSION_ADD, words,
				sizeof(words) / sizeof(words[0]));
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, parse_message(msg, tb));
	EXPECT_EQ(KBFD_CMD_SESSION_ADD, genlmsg_hdr(nlmsg_hdr(msg))->cmd);
	EXPECT_EQ(KBFD_GENL_VERSION, genlmsg_hdr(nlmsg_hdr(msg))->version);

	EXPECT_EQ(BFD_ATTR_BIT(KBFD_A_PEER_ADDR) | BFD_ATTR_BIT(KBFD_A_LOCAL_ADDR) |
		  BFD_ATTR_BIT(KBFD_A_IFINDEX) | BFD_ATTR_BIT(KBFD_A_MULTIHOP) |
		  BFD_ATTR_BIT(KBFD_A_DESIRED_MIN_TX_US) |
		  BFD_ATTR_BIT(KBFD_A_REQUIRED_MIN_RX_US) | BFD_ATTR_BIT(KBFD_A_DETECT_MULT) |
		  BFD_ATTR_BIT(KBFD_A_AUTH_TYPE) | BFD_ATTR_BIT(KBFD_A_AUTH_KEY_ID) |
		  BFD_ATTR_BIT(KBFD_A_AUTH_KEY) | BFD_ATTR_BIT(KBFD_A_ADMIN_DOWN),
		  attrs_present(tb));
	ASSERT_EQ(4, nla_len(tb[KBFD_A_PEER_ADDR]));
	EXPECT_EQ(0, memcmp(peer, nla_data(tb[KBFD_A_PEER_ADDR]), 4));
	ASSERT_EQ(4, nla_len(tb[KBFD_A_LOCAL_ADDR]));
	EXPECT_EQ(0, memcmp(local, nla_data(tb[KBFD_A_LOCAL_ADDR]), 4));
	EXPECT_EQ(if_nametoindex("lo"), nla_get_u32(tb[KBFD_A_IFINDEX]));
	EXPECT_EQ(0, nla_len(tb[KBFD_A_MULTIHOP]));	/* a flag: no payload */
	EXPECT_EQ(1000, nla_get_u32(tb[KBFD_A_DESIRED_MIN_TX_US]));
	EXPECT_EQ(2000, nla_get_u32(tb[KBFD_A_REQUIRED_MIN_RX_US]));
	EXPECT_EQ(1, nla_len(tb[KBFD_A_DETECT_MULT]));
	EXPECT_EQ(4, nla_get_u8(tb[KBFD_A_DETECT_MULT]));
	EXPECT_EQ(1, nla_len(tb[KBFD_A_ADMIN_DOWN]));
	EXPECT_EQ(1, nla_get_u8(tb[KBFD_A_ADMIN_DOWN]));
	EXPECT_EQ(KBFD_AUTH_KEYED_MD5, nla_get_u8(tb[KBFD_A_AUTH_TYPE]));
	EXPECT_EQ(9, nla_get_u8(tb[KBFD_A_AUTH_KEY_ID]));
	ASSERT_EQ(6, nla_len(tb[KBFD_A_AUTH_KEY]));	/* no NUL on the wire */
	EXPECT_EQ(0, memcmp("secret", nla_data(tb[KBFD_A_AUTH_KEY]), 6));
	nlmsg_free(msg);
}

TEST(del_carries_the_key_only)
{
	char *words[] = { "2001:db8::1" };
	struct nlattr *tb[KBFD_A_MAX + 1];
	struct nl_msg *msg;

	msg = message_from_line(BFD_VERB_DEL, KBFD_CMD_SESSION_DEL, words, 1);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, parse_message(msg, tb));
	EXPECT_EQ(BFD_ATTR_BIT(KBFD_A_PEER_ADDR), attrs_present(tb));
	EXPECT_EQ(16, nla_len(tb[KBFD_A_PEER_ADDR]));
	nlmsg_free(msg);
}

TEST(set_admin_up_sends_zero)
{
	char *words[] = { "192.0.2.1", "admin-up" };
	struct nlattr *tb[KBFD_A_MAX + 1];
	struct nl_msg *msg;

	msg = message_from_line(BFD_VERB_SET, KBFD_CMD_SESSION_SET, words, 2);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, parse_message(msg, tb));
	EXPECT_EQ(BFD_ATTR_BIT(KBFD_A_PEER_ADDR) | BFD_ATTR_BIT(KBFD_A_ADMIN_DOWN),
		  attrs_present(tb));
	EXPECT_EQ(0, nla_get_u8(tb[KBFD_A_ADMIN_DOWN]));
	nlmsg_free(msg);
}

TEST(status_is_never_sent)
{
	struct nlattr *tb[KBFD_A_MAX + 1];
	struct bfd_session s = { 0 };
	struct nl_msg *msg;

	ASSERT_EQ(0, ip_addr_parse("192.0.2.1", &s.peer));
	/* As a session read back from a dump would have them. */
	s.present = BFD_ATTR_BIT(KBFD_A_PEER_ADDR) | BFD_ATTR_BIT(KBFD_A_STATE) |
		    BFD_ATTR_BIT(KBFD_A_RX_PACKETS) | BFD_ATTR_BIT(KBFD_A_NEG_TX_US) |
		    BFD_ATTR_BIT(KBFD_A_TIMESTAMP_NS) | BFD_ATTR_BIT(KBFD_A_LOCAL_DISCR);
	s.local_discr = 77;
	msg = new_message(KBFD_CMD_SESSION_DEL);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, bfd_session_to_msg(msg, &s));
	ASSERT_EQ(0, parse_message(msg, tb));
	/* The discriminator is an identity, so it goes; status does not. */
	EXPECT_EQ(BFD_ATTR_BIT(KBFD_A_PEER_ADDR) | BFD_ATTR_BIT(KBFD_A_LOCAL_DISCR),
		  attrs_present(tb));
	EXPECT_EQ(77, nla_get_u32(tb[KBFD_A_LOCAL_DISCR]));
	nlmsg_free(msg);
}

TEST(full_message_is_refused)
{
	struct bfd_session s = { 0 };
	struct nl_msg *msg = nlmsg_alloc_size(NLMSG_HDRLEN + GENL_HDRLEN + 8);

	ASSERT_NE(NULL, msg);
	ASSERT_NE(NULL, genlmsg_put(msg, 0, 1, FAKE_FAMILY, 0, 0, KBFD_CMD_SESSION_ADD, 1));
	ASSERT_EQ(0, ip_addr_parse("2001:db8::1", &s.peer));
	bfd_mark(&s, KBFD_A_PEER_ADDR);
	EXPECT_EQ(-EMSGSIZE, bfd_session_to_msg(msg, &s));
	nlmsg_free(msg);
}

/* A reply like kbfd's KBFD_CMD_SESSION_GET, every attribute set. */
static struct nl_msg *kernel_reply(void)
{
	static const uint8_t peer[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t local[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
	struct nl_msg *msg = new_message(KBFD_CMD_SESSION_GET);

	if (!msg ||
	    nla_put(msg, KBFD_A_PEER_ADDR, 16, peer) ||
	    nla_put(msg, KBFD_A_LOCAL_ADDR, 16, local) ||
	    nla_put_u32(msg, KBFD_A_IFINDEX, 3) ||
	    nla_put_flag(msg, KBFD_A_MULTIHOP) ||
	    nla_put_u32(msg, KBFD_A_DESIRED_MIN_TX_US, 300000) ||
	    nla_put_u32(msg, KBFD_A_REQUIRED_MIN_RX_US, 200000) ||
	    nla_put_u8(msg, KBFD_A_DETECT_MULT, 3) ||
	    nla_put_u8(msg, KBFD_A_ADMIN_DOWN, 0) ||
	    nla_put_u8(msg, KBFD_A_AUTH_TYPE, KBFD_AUTH_KEYED_SHA1) ||
	    nla_put_u8(msg, KBFD_A_AUTH_KEY_ID, 2) ||
	    nla_put_u8(msg, KBFD_A_STATE, KBFD_STATE_UP) ||
	    nla_put_u8(msg, KBFD_A_REMOTE_STATE, KBFD_STATE_INIT) ||
	    nla_put_u8(msg, KBFD_A_DIAG, KBFD_DIAG_NEIGHBOR_DOWN) ||
	    nla_put_u32(msg, KBFD_A_LOCAL_DISCR, 0x01020304) ||
	    nla_put_u32(msg, KBFD_A_REMOTE_DISCR, 0xfffffffe) ||
	    nla_put_u32(msg, KBFD_A_NEG_TX_US, 310000) ||
	    nla_put_u32(msg, KBFD_A_NEG_RX_US, 320000) ||
	    nla_put_u8(msg, KBFD_A_REMOTE_DETECT_MULT, 5) ||
	    nla_put_u32(msg, KBFD_A_DETECT_TIME_US, 1600000) ||
	    nla_put_u64(msg, KBFD_A_RX_PACKETS, UINT64_C(1) << 40) ||
	    nla_put_u64(msg, KBFD_A_TX_PACKETS, UINT64_MAX) ||
	    nla_put_u64(msg, KBFD_A_RX_DROPS, 17) ||
	    nla_put_u32(msg, KBFD_A_UP_TRANSITIONS, 2) ||
	    nla_put_u8(msg, KBFD_A_OLD_STATE, KBFD_STATE_DOWN) ||
	    nla_put_u64(msg, KBFD_A_TIMESTAMP_NS, 123456789) ||
	    nla_put_u32(msg, KBFD_A_LAG_IFINDEX, 9) ||
	    nla_put_u32(msg, KBFD_A_MAX + 10, 1)) {	/* from a newer kbfd */
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/*
 * A KBFD_CMD_LAG_GET reply with @n members (ifindex 10 + i, local
 * discriminator 100 + i, the odd ones Down), in a message of @size bytes.
 */
static struct nl_msg *lag_reply(int n, size_t size)
{
	uint8_t peer[4] = { 192, 0, 2, 1 }, local[4] = { 192, 0, 2, 2 };
	struct nl_msg *msg = nlmsg_alloc_size(size);
	struct nlattr *nest;
	int i, err;

	if (!msg || !genlmsg_put(msg, 0, 1, FAKE_FAMILY, 0, 0, KBFD_CMD_LAG_GET,
				 KBFD_GENL_VERSION))
		goto fail;
	err = nla_put_u32(msg, KBFD_A_LAG_IFINDEX, 5) ||
	      nla_put(msg, KBFD_A_PEER_ADDR, 4, peer) ||
	      nla_put(msg, KBFD_A_LOCAL_ADDR, 4, local) ||
	      nla_put_u32(msg, KBFD_A_LAG_MIN_LINKS, 2) ||
	      nla_put_u8(msg, KBFD_A_LAG_STATE, KBFD_STATE_UP) ||
	      nla_put_u32(msg, KBFD_A_LAG_MEMBERS_UP, 1);
	for (i = 0; i < n && !err; i++) {
		nest = nla_nest_start(msg, KBFD_A_LAG_MEMBER);
		err = !nest || nla_put_u32(msg, KBFD_A_IFINDEX, 10 + i) ||
		      nla_put_u32(msg, KBFD_A_LOCAL_DISCR, 100 + i) ||
		      nla_put_u8(msg, KBFD_A_STATE, i % 2 ? KBFD_STATE_DOWN : KBFD_STATE_UP);
		if (!err)
			nla_nest_end(msg, nest);
	}
	if (!err)
		return msg;
fail:
	nlmsg_free(msg);
	return NULL;
}

TEST(lag_reply_is_parsed)
{
	struct nl_msg *msg = lag_reply(2, 4096);
	char buf[IP_ADDR_STRLEN];
	struct bfd_lag l;

	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, bfd_lag_from_msg(nlmsg_hdr(msg), &l));
	EXPECT_EQ(5, l.ifindex);
	EXPECT_STREQ("192.0.2.1", ip_addr_format(&l.peer, buf, sizeof(buf)));
	EXPECT_STREQ("192.0.2.2", ip_addr_format(&l.local, buf, sizeof(buf)));
	EXPECT_EQ(2, l.min_links);
	EXPECT_EQ(KBFD_STATE_UP, l.state);
	EXPECT_EQ(1, l.members_up);
	ASSERT_EQ(2, l.n_members);
	EXPECT_EQ(11, l.members[1].ifindex);
	EXPECT_EQ(101, l.members[1].local_discr);
	EXPECT_EQ(KBFD_STATE_DOWN, l.members[1].state);
	bfd_lag_clear(&l);
	EXPECT_EQ(NULL, l.members);
	EXPECT_EQ(0, l.n_members);
	nlmsg_free(msg);
}

/* A bond has no member limit, nor does kbfd: every member is read. */
TEST(lag_reply_of_a_thousand_members_is_read_whole)
{
	struct nl_msg *msg = lag_reply(1000, 64 << 10);
	struct bfd_lag l;

	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, bfd_lag_from_msg(nlmsg_hdr(msg), &l));
	ASSERT_EQ(1000, l.n_members);
	EXPECT_EQ(10 + 999, l.members[999].ifindex);
	EXPECT_EQ(100 + 999, l.members[999].local_discr);
	EXPECT_EQ(KBFD_STATE_DOWN, l.members[999].state);
	EXPECT_EQ(KBFD_STATE_UP, l.members[998].state);
	bfd_lag_clear(&l);
	nlmsg_free(msg);
}

/* A member without its ifindex fails the whole LAG, and nothing is kept. */
TEST(lag_reply_with_a_bad_member_is_refused)
{
	struct nl_msg *msg = lag_reply(3, 4096);
	struct nlattr *nest;
	struct bfd_lag l;

	ASSERT_NE(NULL, msg);
	nest = nla_nest_start(msg, KBFD_A_LAG_MEMBER);
	ASSERT_NE(NULL, nest);
	ASSERT_EQ(0, nla_put_u32(msg, KBFD_A_LOCAL_DISCR, 7));
	nla_nest_end(msg, nest);
	EXPECT_EQ(-EINVAL, bfd_lag_from_msg(nlmsg_hdr(msg), &l));
	EXPECT_EQ(NULL, l.members);
	EXPECT_EQ(0, l.n_members);
	nlmsg_free(msg);
}

TEST(reply_is_parsed)
{
	struct nl_msg *msg = kernel_reply();
	char buf[IP_ADDR_STRLEN];
	struct bfd_session s;

	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, bfd_session_from_msg(nlmsg_hdr(msg), &s));
	/*
	 * every session attribute but the key (write only) and the padding,
	 * and the LAG of a micro-BFD member session
	 */
	EXPECT_EQ(((BFD_ATTR_BIT(KBFD_A_PAD + 1) - 1) & ~BFD_ATTR_BIT(KBFD_A_UNSPEC) &
		   ~BFD_ATTR_BIT(KBFD_A_AUTH_KEY) & ~BFD_ATTR_BIT(KBFD_A_PAD)) |
		  BFD_ATTR_BIT(KBFD_A_LAG_IFINDEX), s.present);
	EXPECT_EQ(9, s.lag_ifindex);
	EXPECT_STREQ("2001:db8::1", ip_addr_format(&s.peer, buf, sizeof(buf)));
	EXPECT_STREQ("2001:db8::2", ip_addr_format(&s.local, buf, sizeof(buf)));
	EXPECT_EQ(3, s.ifindex);
	EXPECT_TRUE(s.multihop);
	EXPECT_EQ(300000, s.desired_min_tx_us);
	EXPECT_EQ(200000, s.required_min_rx_us);
	EXPECT_EQ(3, s.detect_mult);
	EXPECT_EQ(0, s.admin_down);
	EXPECT_EQ(KBFD_AUTH_KEYED_SHA1, s.auth_type);
	EXPECT_EQ(2, s.auth_key_id);
	EXPECT_EQ(KBFD_STATE_UP, s.state);
	EXPECT_EQ(KBFD_STATE_INIT, s.remote_state);
	EXPECT_EQ(KBFD_DIAG_NEIGHBOR_DOWN, s.diag);
	EXPECT_EQ(0x01020304, s.local_discr);
	EXPECT_EQ(0xfffffffe, s.remote_discr);
	EXPECT_EQ(310000, s.neg_tx_us);
	EXPECT_EQ(320000, s.neg_rx_us);
	EXPECT_EQ(5, s.remote_detect_mult);
	EXPECT_EQ(1600000, s.detect_time_us);
	EXPECT_EQ(UINT64_C(1) << 40, s.rx_packets);
	EXPECT_EQ(UINT64_MAX, s.tx_packets);
	EXPECT_EQ(17, s.rx_drops);
	EXPECT_EQ(2, s.up_transitions);
	EXPECT_EQ(KBFD_STATE_DOWN, s.old_state);
	EXPECT_EQ(123456789, s.timestamp_ns);
	nlmsg_free(msg);
}

TEST(absent_attributes_stay_absent)
{
	struct nl_msg *msg = new_message(KBFD_CMD_SESSION_EVENT);
	struct bfd_session s;

	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u8(msg, KBFD_A_STATE, KBFD_STATE_DOWN));
	ASSERT_EQ(0, bfd_session_from_msg(nlmsg_hdr(msg), &s));
	EXPECT_EQ(BFD_ATTR_BIT(KBFD_A_STATE), s.present);
	EXPECT_FALSE(bfd_has(&s, KBFD_A_PEER_ADDR));
	EXPECT_FALSE(s.multihop);
	nlmsg_free(msg);
}

TEST(malformed_replies_are_refused)
{
	static const uint8_t five[5] = { 1, 2, 3, 4, 5 };
	static const uint8_t long_key[KBFD_AUTH_KEY_MAX + 1] = { 0 };
	struct bfd_session s;
	struct nl_msg *msg;

	/* an address of neither 4 nor 16 bytes */
	msg = new_message(KBFD_CMD_SESSION_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put(msg, KBFD_A_PEER_ADDR, sizeof(five), five));
	EXPECT_EQ(-EINVAL, bfd_session_from_msg(nlmsg_hdr(msg), &s));
	nlmsg_free(msg);

	/* a u32 cut to two bytes */
	msg = new_message(KBFD_CMD_SESSION_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put_u16(msg, KBFD_A_LOCAL_DISCR, 1));
	EXPECT_EQ(-EINVAL, bfd_session_from_msg(nlmsg_hdr(msg), &s));
	nlmsg_free(msg);

	/* a key longer than any authentication type allows */
	msg = new_message(KBFD_CMD_SESSION_GET);
	ASSERT_NE(NULL, msg);
	ASSERT_EQ(0, nla_put(msg, KBFD_A_AUTH_KEY, sizeof(long_key), long_key));
	EXPECT_EQ(-EINVAL, bfd_session_from_msg(nlmsg_hdr(msg), &s));
	nlmsg_free(msg);
}

TEST(rfc_5880_names)
{
	EXPECT_STREQ("AdminDown", bfd_state_name(KBFD_STATE_ADMIN_DOWN));
	EXPECT_STREQ("Down", bfd_state_name(KBFD_STATE_DOWN));
	EXPECT_STREQ("Init", bfd_state_name(KBFD_STATE_INIT));
	EXPECT_STREQ("Up", bfd_state_name(KBFD_STATE_UP));
	EXPECT_STREQ("Unknown", bfd_state_name(4));

	EXPECT_STREQ("No Diagnostic", bfd_diag_name(KBFD_DIAG_NONE));
	EXPECT_STREQ("Control Detection Time Expired", bfd_diag_name(KBFD_DIAG_DETECT_EXPIRED));
	EXPECT_STREQ("Echo Function Failed", bfd_diag_name(KBFD_DIAG_ECHO_FAILED));
	EXPECT_STREQ("Neighbor Signaled Session Down", bfd_diag_name(KBFD_DIAG_NEIGHBOR_DOWN));
	EXPECT_STREQ("Forwarding Plane Reset", bfd_diag_name(KBFD_DIAG_FWD_PLANE_RESET));
	EXPECT_STREQ("Path Down", bfd_diag_name(KBFD_DIAG_PATH_DOWN));
	EXPECT_STREQ("Concatenated Path Down", bfd_diag_name(KBFD_DIAG_CONCAT_PATH_DOWN));
	EXPECT_STREQ("Administratively Down", bfd_diag_name(KBFD_DIAG_ADMIN_DOWN));
	EXPECT_STREQ("Reverse Concatenated Path Down",
		     bfd_diag_name(KBFD_DIAG_REV_CONCAT_PATH_DOWN));
	EXPECT_STREQ("Reserved", bfd_diag_name(9));
	EXPECT_STREQ("Reserved", bfd_diag_name(31));

	EXPECT_STREQ("none", bfd_auth_name(KBFD_AUTH_NONE));
	EXPECT_STREQ("meticulous-sha1", bfd_auth_name(KBFD_AUTH_METICULOUS_SHA1));
	EXPECT_STREQ("unknown", bfd_auth_name(6));
}

TEST_HARNESS_MAIN
