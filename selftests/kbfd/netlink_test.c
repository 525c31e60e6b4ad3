// SPDX-License-Identifier: GPL-2.0
/*
 * The kbfd genetlink contract (include/uapi/linux/kbfd.h): permissions,
 * strict validation with extended ACKs, identities, replies, dumps, events
 * and namespace isolation. Each test runs in a fresh network namespace.
 * Needs kbfd.ko loaded (see selftests/kbfd/netlink.sh).
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <net/if.h>
#include <poll.h>

#include "kbfd_nl.h"
#include "kselftest_harness.h"

static const uint8_t peer4[4] = { 127, 0, 0, 2 };
static const uint8_t peer4b[4] = { 127, 0, 0, 3 };

static int count_sessions(struct kbfd_nl *nl)
{
	struct nl_msg *m = kbfd_nl_msg(nl, KBFD_CMD_SESSION_GET, NLM_F_DUMP);
	int n = 0, err = kbfd_nl_call(nl, m, NULL, 0, &n);

	return err ? err : n;
}

static int count_lags(struct kbfd_nl *nl)
{
	struct nl_msg *m = kbfd_nl_msg(nl, KBFD_CMD_LAG_GET, NLM_F_DUMP);
	int n = 0, err = kbfd_nl_call(nl, m, NULL, 0, &n);

	return err ? err : n;
}

/* A LAG command naming the LAG by its bond's ifindex (0: none). */
static struct nl_msg *lag_msg(struct kbfd_nl *nl, int cmd, unsigned int bond)
{
	struct nl_msg *m = kbfd_nl_msg(nl, cmd, 0);

	if (bond)
		nla_put_u32(m, KBFD_A_LAG_IFINDEX, bond);
	return m;
}

static int add_peer(struct kbfd_nl *nl, const uint8_t *p, struct kbfd_info *out)
{
	struct nl_msg *m = kbfd_nl_msg(nl, KBFD_CMD_SESSION_ADD, 0);

	nla_put(m, KBFD_A_PEER_ADDR, 4, p);
	nla_put_u32(m, KBFD_A_DESIRED_MIN_TX_US, 100000);
	return kbfd_nl_call(nl, m, out, out ? 1 : 0, NULL);
}

static int get_peer(struct kbfd_nl *nl, const uint8_t *p, struct kbfd_info *out)
{
	struct nl_msg *m = kbfd_nl_msg(nl, KBFD_CMD_SESSION_GET, 0);

	nla_put(m, KBFD_A_PEER_ADDR, 4, p);
	return kbfd_nl_call(nl, m, out, 1, NULL);
}

FIXTURE(kbfd) {
	struct kbfd_nl nl;
};

FIXTURE_SETUP(kbfd)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, system("ip link set lo up"));
	ASSERT_EQ(0, kbfd_nl_open(&self->nl)) TH_LOG("kbfd family not registered");
}

FIXTURE_TEARDOWN(kbfd)
{
	kbfd_nl_close(&self->nl);
}

TEST_F(kbfd, add_reply_get_del)
{
	struct kbfd_info in, g;
	struct nl_msg *m;

	ASSERT_EQ(0, add_peer(&self->nl, peer4, &in));
	ASSERT_TRUE(in.has[KBFD_A_LOCAL_DISCR]);
	EXPECT_NE(0, in.u32[KBFD_A_LOCAL_DISCR]);
	EXPECT_EQ(KBFD_STATE_DOWN, in.u32[KBFD_A_STATE]);
	EXPECT_EQ(100000, in.u32[KBFD_A_DESIRED_MIN_TX_US]);
	EXPECT_EQ(KBFD_DEFAULT_INTERVAL_US, in.u32[KBFD_A_REQUIRED_MIN_RX_US]);
	EXPECT_EQ(KBFD_DEFAULT_DETECT_MULT, in.u32[KBFD_A_DETECT_MULT]);
	EXPECT_EQ(0, memcmp(in.peer, peer4, 4));
	EXPECT_TRUE(in.has[KBFD_A_RX_PACKETS]);
	EXPECT_TRUE(in.has[KBFD_A_UP_TRANSITIONS]);

	/* GET by key and by discriminator name the same session. */
	ASSERT_EQ(0, get_peer(&self->nl, peer4, &g));
	EXPECT_EQ(in.u32[KBFD_A_LOCAL_DISCR], g.u32[KBFD_A_LOCAL_DISCR]);
	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_GET, 0);
	nla_put_u32(m, KBFD_A_LOCAL_DISCR, in.u32[KBFD_A_LOCAL_DISCR]);
	ASSERT_EQ(0, kbfd_nl_call(&self->nl, m, &g, 1, NULL));
	EXPECT_EQ(0, memcmp(g.peer, peer4, 4));

	EXPECT_EQ(-EEXIST, add_peer(&self->nl, peer4, NULL));

	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_DEL, 0);
	nla_put_u32(m, KBFD_A_LOCAL_DISCR, in.u32[KBFD_A_LOCAL_DISCR]);
	ASSERT_EQ(0, kbfd_nl_call(&self->nl, m, NULL, 0, NULL));
	EXPECT_EQ(-ENOENT, get_peer(&self->nl, peer4, &g));
	EXPECT_EQ(0, count_sessions(&self->nl));
}

TEST_F(kbfd, dump_lists_every_session)
{
	ASSERT_EQ(0, add_peer(&self->nl, peer4, NULL));
	ASSERT_EQ(0, add_peer(&self->nl, peer4b, NULL));
	EXPECT_EQ(2, count_sessions(&self->nl));
}

TEST_F(kbfd, key_never_read_back)
{
	struct kbfd_info in;
	struct nl_msg *m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);

	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	nla_put_u8(m, KBFD_A_AUTH_TYPE, KBFD_AUTH_KEYED_SHA1);
	nla_put_u8(m, KBFD_A_AUTH_KEY_ID, 7);
	nla_put(m, KBFD_A_AUTH_KEY, 20, "01234567890123456789");
	ASSERT_EQ(0, kbfd_nl_call(&self->nl, m, &in, 1, NULL));
	EXPECT_EQ(KBFD_AUTH_KEYED_SHA1, in.u32[KBFD_A_AUTH_TYPE]);
	EXPECT_EQ(7, in.u32[KBFD_A_AUTH_KEY_ID]);
	EXPECT_FALSE(in.has[KBFD_A_AUTH_KEY]);
}

/* A request that must fail with @err, an extack message, and no change. */
static int expect_refused(struct __test_metadata *_metadata,
			  struct kbfd_nl *nl, struct nl_msg *m, int err1,
			  int err2)
{
	int before = count_sessions(nl), lags = count_lags(nl), err, off;

	err = kbfd_nl_call(nl, m, NULL, 0, NULL);
	off = nl->bad_attr_off;
	EXPECT_TRUE(err == err1 || err == err2) TH_LOG("got %d", err);
	EXPECT_NE(0, nl->extack[0]) TH_LOG("no extack message");
	TH_LOG("extack: %s", nl->extack);
	EXPECT_EQ(before, count_sessions(nl));
	EXPECT_EQ(lags, count_lags(nl));
	return off;
}

TEST_F(kbfd, unknown_attribute_rejected)
{
	struct nl_msg *m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);

	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	nla_put_u32(m, KBFD_A_MAX + 5, 1);
	/* The offset points at the unknown attribute. */
	EXPECT_GE(expect_refused(_metadata, &self->nl, m, -EINVAL, -EINVAL), 0);
}

TEST_F(kbfd, missing_peer_rejected)
{
	struct nl_msg *m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);

	nla_put_u32(m, KBFD_A_DESIRED_MIN_TX_US, 100000);
	expect_refused(_metadata, &self->nl, m, -EINVAL, -EINVAL);
}

TEST_F(kbfd, bad_address_length_rejected)
{
	struct nl_msg *m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);
	static const uint8_t five[5] = { 127, 0, 0, 2, 0 };

	nla_put(m, KBFD_A_PEER_ADDR, 5, five);
	expect_refused(_metadata, &self->nl, m, -EINVAL, -EINVAL);
}

TEST_F(kbfd, mixed_families_rejected)
{
	struct nl_msg *m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);
	static const uint8_t six[16] = { 0xfd, [15] = 1 };

	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	nla_put(m, KBFD_A_LOCAL_ADDR, 16, six);
	expect_refused(_metadata, &self->nl, m, -EINVAL, -EINVAL);
}

TEST_F(kbfd, multicast_peer_rejected)
{
	struct nl_msg *m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);
	static const uint8_t mc[4] = { 224, 0, 0, 1 };

	nla_put(m, KBFD_A_PEER_ADDR, 4, mc);
	expect_refused(_metadata, &self->nl, m, -EINVAL, -EINVAL);
}


/* Unspecified (::) and IPv4-mapped addresses are no IPv6 unicast peers. */
TEST_F(kbfd, ipv6_unspecified_and_mapped_rejected)
{
	static const uint8_t any[16];
	static const uint8_t mapped[16] = { [10] = 0xff, [11] = 0xff,
					    127, 0, 0, 2 };
	static const uint8_t ula[16] = { 0xfd, [15] = 2 };
	struct nl_msg *m;

	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);
	nla_put(m, KBFD_A_PEER_ADDR, 16, any);
	expect_refused(_metadata, &self->nl, m, -EINVAL, -EINVAL);

	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);
	nla_put(m, KBFD_A_PEER_ADDR, 16, mapped);
	expect_refused(_metadata, &self->nl, m, -EINVAL, -EINVAL);

	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);
	nla_put(m, KBFD_A_PEER_ADDR, 16, ula);
	nla_put(m, KBFD_A_LOCAL_ADDR, 16, any);
	expect_refused(_metadata, &self->nl, m, -EINVAL, -EINVAL);

	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);
	nla_put(m, KBFD_A_PEER_ADDR, 16, ula);
	nla_put(m, KBFD_A_LOCAL_ADDR, 16, mapped);
	expect_refused(_metadata, &self->nl, m, -EINVAL, -EINVAL);

	/* An ordinary IPv6 peer still is. */
	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);
	nla_put(m, KBFD_A_PEER_ADDR, 16, ula);
	EXPECT_EQ(0, kbfd_nl_call(&self->nl, m, NULL, 0, NULL));
	EXPECT_EQ(1, count_sessions(&self->nl));
}

TEST_F(kbfd, interval_out_of_range_rejected)
{
	struct nl_msg *m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);

	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	nla_put_u32(m, KBFD_A_DESIRED_MIN_TX_US, KBFD_MIN_INTERVAL_US - 1);
	expect_refused(_metadata, &self->nl, m, -ERANGE, -EINVAL);

	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);
	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	nla_put_u32(m, KBFD_A_REQUIRED_MIN_RX_US, KBFD_MAX_INTERVAL_US + 1);
	expect_refused(_metadata, &self->nl, m, -ERANGE, -EINVAL);
}

TEST_F(kbfd, detect_mult_zero_rejected)
{
	struct nl_msg *m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);

	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	nla_put_u8(m, KBFD_A_DETECT_MULT, 0);
	expect_refused(_metadata, &self->nl, m, -ERANGE, -EINVAL);
}

TEST_F(kbfd, wrong_attribute_size_rejected)
{
	struct nl_msg *m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);

	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	nla_put_u8(m, KBFD_A_DESIRED_MIN_TX_US, 1);	/* u32 expected */
	expect_refused(_metadata, &self->nl, m, -ERANGE, -EINVAL);
}

TEST_F(kbfd, read_only_attribute_rejected)
{
	struct nl_msg *m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);

	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	nla_put_u8(m, KBFD_A_STATE, KBFD_STATE_UP);
	expect_refused(_metadata, &self->nl, m, -EINVAL, -EINVAL);
}

TEST_F(kbfd, local_discr_on_add_rejected)
{
	struct nl_msg *m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);

	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	nla_put_u32(m, KBFD_A_LOCAL_DISCR, 1234);
	expect_refused(_metadata, &self->nl, m, -EINVAL, -EINVAL);
}

TEST_F(kbfd, auth_rules)
{
	struct nl_msg *m;

	/* Key too long for MD5. */
	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);
	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	nla_put_u8(m, KBFD_A_AUTH_TYPE, KBFD_AUTH_KEYED_MD5);
	nla_put(m, KBFD_A_AUTH_KEY, 17, "01234567890123456");
	expect_refused(_metadata, &self->nl, m, -ERANGE, -EINVAL);
	/* Authentication without a key. */
	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);
	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	nla_put_u8(m, KBFD_A_AUTH_TYPE, KBFD_AUTH_SIMPLE);
	expect_refused(_metadata, &self->nl, m, -EINVAL, -EINVAL);
	/* A key without authentication. */
	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);
	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	nla_put(m, KBFD_A_AUTH_KEY, 4, "abcd");
	expect_refused(_metadata, &self->nl, m, -EINVAL, -EINVAL);
	/* Unknown type. */
	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_ADD, 0);
	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	nla_put_u8(m, KBFD_A_AUTH_TYPE, 6);
	nla_put(m, KBFD_A_AUTH_KEY, 4, "abcd");
	expect_refused(_metadata, &self->nl, m, -ERANGE, -EINVAL);
}

TEST_F(kbfd, unknown_session)
{
	struct nl_msg *m;

	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_DEL, 0);
	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	EXPECT_EQ(-ENOENT, kbfd_nl_call(&self->nl, m, NULL, 0, NULL));
	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_SET, 0);
	nla_put_u32(m, KBFD_A_LOCAL_DISCR, 42);
	nla_put_u8(m, KBFD_A_ADMIN_DOWN, 1);
	EXPECT_EQ(-ENOENT, kbfd_nl_call(&self->nl, m, NULL, 0, NULL));
	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_DEL, 0);
	EXPECT_EQ(-EINVAL, kbfd_nl_call(&self->nl, m, NULL, 0, NULL));
}

TEST_F(kbfd, bad_set_changes_nothing)
{
	struct kbfd_info in;
	struct nl_msg *m;

	ASSERT_EQ(0, add_peer(&self->nl, peer4, NULL));
	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_SET, 0);
	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	nla_put_u8(m, KBFD_A_DETECT_MULT, 5);
	nla_put_u32(m, KBFD_A_REQUIRED_MIN_RX_US, 1);	/* out of range */
	EXPECT_NE(0, kbfd_nl_call(&self->nl, m, NULL, 0, NULL));
	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_SET, 0);
	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	nla_put_u8(m, KBFD_A_DETECT_MULT, 5);
	nla_put(m, KBFD_A_AUTH_KEY, 3, "abc");	/* no auth type */
	EXPECT_EQ(-EINVAL, kbfd_nl_call(&self->nl, m, NULL, 0, NULL));
	ASSERT_EQ(0, get_peer(&self->nl, peer4, &in));
	EXPECT_EQ(KBFD_DEFAULT_DETECT_MULT, in.u32[KBFD_A_DETECT_MULT]);
	EXPECT_EQ(KBFD_DEFAULT_INTERVAL_US, in.u32[KBFD_A_REQUIRED_MIN_RX_US]);

	/* A good SET does change it. */
	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_SET, 0);
	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	nla_put_u8(m, KBFD_A_DETECT_MULT, 5);
	EXPECT_EQ(0, kbfd_nl_call(&self->nl, m, NULL, 0, NULL));
	ASSERT_EQ(0, get_peer(&self->nl, peer4, &in));
	EXPECT_EQ(5, in.u32[KBFD_A_DETECT_MULT]);
}

TEST_F(kbfd, reserved_header_field_rejected)
{
	struct nl_msg *m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_GET, NLM_F_DUMP);
	struct genlmsghdr *g = nlmsg_data(nlmsg_hdr(m));

	g->reserved = 1;
	EXPECT_EQ(-EINVAL, kbfd_nl_call(&self->nl, m, NULL, 0, NULL));
}

TEST_F(kbfd, event_on_state_change)
{
	struct kbfd_nl ev;
	struct kbfd_info in, e;
	struct nl_msg *m;
	struct pollfd p;
	int cmd = 0, got = 0;
	char buf[8192];

	ASSERT_EQ(0, kbfd_nl_open(&ev));
	ASSERT_EQ(0, kbfd_nl_subscribe(&ev));
	ASSERT_EQ(0, add_peer(&self->nl, peer4, &in));
	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_SET, 0);
	nla_put_u32(m, KBFD_A_LOCAL_DISCR, in.u32[KBFD_A_LOCAL_DISCR]);
	nla_put_u8(m, KBFD_A_ADMIN_DOWN, 1);
	ASSERT_EQ(0, kbfd_nl_call(&self->nl, m, NULL, 0, NULL));

	p.fd = nl_socket_get_fd(ev.sk);
	p.events = POLLIN;
	while (!got && poll(&p, 1, 2000) > 0) {
		int len = recv(p.fd, buf, sizeof(buf), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		for (; len > 0 && NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			kbfd_nl_parse(h, &e, &cmd);
			if (cmd == KBFD_CMD_SESSION_EVENT)
				got = 1;
		}
	}
	ASSERT_TRUE(got);
	EXPECT_EQ(in.u32[KBFD_A_LOCAL_DISCR], e.u32[KBFD_A_LOCAL_DISCR]);
	EXPECT_EQ(KBFD_STATE_DOWN, e.u32[KBFD_A_OLD_STATE]);
	EXPECT_EQ(KBFD_STATE_ADMIN_DOWN, e.u32[KBFD_A_STATE]);
	EXPECT_EQ(KBFD_DIAG_ADMIN_DOWN, e.u32[KBFD_A_DIAG]);
	EXPECT_NE(0, e.u64[KBFD_A_TIMESTAMP_NS]);
	EXPECT_EQ(0, memcmp(e.peer, peer4, 4));
	kbfd_nl_close(&ev);
}

TEST_F(kbfd, namespaces_are_isolated)
{
	struct kbfd_nl other;

	ASSERT_EQ(0, add_peer(&self->nl, peer4, NULL));
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, kbfd_nl_open(&other));
	EXPECT_EQ(0, count_sessions(&other));
	/* The same key is free in the other namespace. */
	EXPECT_EQ(0, add_peer(&other, peer4, NULL));
	EXPECT_EQ(1, count_sessions(&other));
	EXPECT_EQ(1, count_sessions(&self->nl));
	kbfd_nl_close(&other);
}

/*
 * bond0 (802.3ad, 10.9.0.1/24) with one veth member in the test's
 * namespace; the ifindex of bond0, or 0 when bonds cannot be made here.
 */
static unsigned int make_bond(void)
{
	if (system("ip link add bond0 type bond mode 802.3ad 2>/dev/null &&"
		   " ip link add m1 type veth peer name m1p &&"
		   " ip link set m1 master bond0 &&"
		   " ip addr add 10.9.0.1/24 dev bond0"))
		return 0;
	return if_nametoindex("bond0");
}

static const uint8_t lag_peer4[4] = { 10, 9, 0, 2 };

TEST_F(kbfd, lag_add_get_dump_del)
{
	static const uint8_t local4[4] = { 10, 9, 0, 1 };
	unsigned int bond = make_bond();
	struct kbfd_info in, g;
	struct nl_msg *m;

	if (!bond)
		SKIP(return, "cannot make an 802.3ad bond (bonding module)");
	m = lag_msg(&self->nl, KBFD_CMD_LAG_ADD, bond);
	nla_put(m, KBFD_A_PEER_ADDR, 4, lag_peer4);
	ASSERT_EQ(0, kbfd_nl_call(&self->nl, m, &in, 1, NULL)) TH_LOG("%s", self->nl.extack);
	/* The reply describes the LAG: the bond's own address, one member. */
	EXPECT_EQ(bond, in.u32[KBFD_A_LAG_IFINDEX]);
	EXPECT_EQ(0, memcmp(in.peer, lag_peer4, 4));
	EXPECT_EQ(0, memcmp(in.local, local4, 4));
	EXPECT_EQ(1, in.u32[KBFD_A_LAG_MIN_LINKS]);
	EXPECT_EQ(1, in.n_members);
	EXPECT_FALSE(in.has[KBFD_A_AUTH_KEY]);

	m = lag_msg(&self->nl, KBFD_CMD_LAG_ADD, bond);
	nla_put(m, KBFD_A_PEER_ADDR, 4, lag_peer4);
	EXPECT_EQ(-EEXIST, kbfd_nl_call(&self->nl, m, NULL, 0, NULL));
	EXPECT_STREQ("this bond has a LAG already", self->nl.extack);

	ASSERT_EQ(0, kbfd_nl_call(&self->nl, lag_msg(&self->nl, KBFD_CMD_LAG_GET, bond),
				  &g, 1, NULL));
	EXPECT_EQ(bond, g.u32[KBFD_A_LAG_IFINDEX]);
	EXPECT_EQ(1, g.n_members);
	EXPECT_EQ(1, count_lags(&self->nl));

	ASSERT_EQ(0, kbfd_nl_call(&self->nl, lag_msg(&self->nl, KBFD_CMD_LAG_DEL, bond),
				  NULL, 0, NULL));
	EXPECT_EQ(-ENOENT, kbfd_nl_call(&self->nl, lag_msg(&self->nl, KBFD_CMD_LAG_GET, bond),
					&g, 1, NULL));
	EXPECT_STREQ("no LAG on this interface", self->nl.extack);
	EXPECT_EQ(-ENOENT, kbfd_nl_call(&self->nl, lag_msg(&self->nl, KBFD_CMD_LAG_DEL, bond),
					NULL, 0, NULL));
	EXPECT_EQ(0, count_lags(&self->nl));
	EXPECT_EQ(0, count_sessions(&self->nl));
}

TEST_F(kbfd, lag_bad_requests_rejected)
{
	static const int refused[] = {
		KBFD_A_IFINDEX, KBFD_A_MULTIHOP, KBFD_A_LOCAL_DISCR, KBFD_A_ADMIN_DOWN,
	};
	static const int cmds[] = { KBFD_CMD_LAG_ADD, KBFD_CMD_LAG_GET, KBFD_CMD_LAG_DEL };
	unsigned int bond = make_bond(), i;
	struct nl_msg *m;

	if (!bond)
		SKIP(return, "cannot make an 802.3ad bond (bonding module)");
	/* Each command needs the bond's ifindex, which is never 0. */
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		m = lag_msg(&self->nl, cmds[i], 0);
		nla_put(m, KBFD_A_PEER_ADDR, 4, lag_peer4);
		expect_refused(_metadata, &self->nl, m, -EINVAL, -EINVAL);
		m = lag_msg(&self->nl, cmds[i], 0);
		nla_put_u32(m, KBFD_A_LAG_IFINDEX, 0);
		EXPECT_GE(expect_refused(_metadata, &self->nl, m, -ERANGE, -ERANGE), 0);
	}
	/* Session attributes a LAG does not take, each named by the extack. */
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		m = lag_msg(&self->nl, KBFD_CMD_LAG_ADD, bond);
		nla_put(m, KBFD_A_PEER_ADDR, 4, lag_peer4);
		if (refused[i] == KBFD_A_MULTIHOP)
			nla_put_flag(m, refused[i]);
		else if (refused[i] == KBFD_A_ADMIN_DOWN)
			nla_put_u8(m, refused[i], 1);
		else
			nla_put_u32(m, refused[i], 1);
		EXPECT_GE(expect_refused(_metadata, &self->nl, m, -EINVAL, -EINVAL), 0)
			TH_LOG("attribute %d", refused[i]);
	}
	m = lag_msg(&self->nl, KBFD_CMD_LAG_ADD, if_nametoindex("lo"));
	nla_put(m, KBFD_A_PEER_ADDR, 4, lag_peer4);
	EXPECT_EQ(-EINVAL, kbfd_nl_call(&self->nl, m, NULL, 0, NULL));
	EXPECT_STREQ("not a bonding device", self->nl.extack);
	m = lag_msg(&self->nl, KBFD_CMD_LAG_ADD, 99999);
	nla_put(m, KBFD_A_PEER_ADDR, 4, lag_peer4);
	expect_refused(_metadata, &self->nl, m, -ENODEV, -ENODEV);
	m = lag_msg(&self->nl, KBFD_CMD_LAG_ADD, bond);
	nla_put(m, KBFD_A_PEER_ADDR, 4, lag_peer4);
	nla_put_u32(m, KBFD_A_LAG_MIN_LINKS, 0);
	EXPECT_GE(expect_refused(_metadata, &self->nl, m, -EINVAL, -ERANGE), 0);
	/* Without an address of its own the bond cannot speak for the LAG. */
	ASSERT_EQ(0, system("ip addr flush dev bond0"));
	m = lag_msg(&self->nl, KBFD_CMD_LAG_ADD, bond);
	nla_put(m, KBFD_A_PEER_ADDR, 4, lag_peer4);
	expect_refused(_metadata, &self->nl, m, -EADDRNOTAVAIL, -EADDRNOTAVAIL);
	EXPECT_EQ(0, count_lags(&self->nl));
	EXPECT_EQ(0, count_sessions(&self->nl));
}

static int drop_cap_net_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	d[CAP_NET_ADMIN / 32].effective &= ~(1u << (CAP_NET_ADMIN % 32));
	d[CAP_NET_ADMIN / 32].permitted &= ~(1u << (CAP_NET_ADMIN % 32));
	return syscall(SYS_capset, &h, d);
}

TEST_F(kbfd, unprivileged_cannot_change)
{
	struct kbfd_info in;
	struct nl_msg *m;

	ASSERT_EQ(0, add_peer(&self->nl, peer4, &in));
	ASSERT_EQ(0, drop_cap_net_admin());
	EXPECT_EQ(-EPERM, add_peer(&self->nl, peer4b, NULL));
	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_DEL, 0);
	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	EXPECT_EQ(-EPERM, kbfd_nl_call(&self->nl, m, NULL, 0, NULL));
	m = kbfd_nl_msg(&self->nl, KBFD_CMD_SESSION_SET, 0);
	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4);
	nla_put_u8(m, KBFD_A_ADMIN_DOWN, 1);
	EXPECT_EQ(-EPERM, kbfd_nl_call(&self->nl, m, NULL, 0, NULL));
	m = lag_msg(&self->nl, KBFD_CMD_LAG_ADD, if_nametoindex("lo"));
	nla_put(m, KBFD_A_PEER_ADDR, 4, peer4b);
	EXPECT_EQ(-EPERM, kbfd_nl_call(&self->nl, m, NULL, 0, NULL));
	EXPECT_EQ(-EPERM, kbfd_nl_call(&self->nl, lag_msg(&self->nl, KBFD_CMD_LAG_DEL,
							  if_nametoindex("lo")), NULL, 0, NULL));
	/* Reading stays open. */
	EXPECT_EQ(0, count_lags(&self->nl));
	EXPECT_EQ(1, count_sessions(&self->nl));
	EXPECT_EQ(0, get_peer(&self->nl, peer4, &in));
	EXPECT_EQ(KBFD_STATE_DOWN, in.u32[KBFD_A_STATE]);
}

TEST_HARNESS_MAIN
