// SPDX-License-Identifier: GPL-2.0
/*
 * The receive path against crafted packets (RFC 5880 6.8.6, RFC 5881 GTSM,
 * RFC 5883, RFC 5880 6.7 authentication). The test plays the remote
 * system from 127.0.0.2 to a session in a fresh namespace: it brings the
 * session Up with hand-made packets, then sends malformed and hostile ones
 * that must be dropped, counted in rx_drops, reported by kbfd:rx_drop
 * with the right reason, and leave the session's state alone. It also
 * checks the digests of the packets the kernel signs, and that a sequence
 * number replay is refused. Needs kbfd.ko loaded (see rx.sh).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/udp.h>
#include <openssl/evp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "kbfd_nl.h"
#include "kselftest_harness.h"

#define TRACE "/sys/kernel/tracing"
#define MY_DISCR 0x11223344u
#define KEY "kbfd-secret"
#define KEY_ID 5

#define KBFD_FLAG_P 0x20
#define KBFD_FLAG_F 0x10
#define KBFD_FLAG_A 0x04
#define KBFD_FLAG_M 0x01

struct peer {
	struct kbfd_nl nl;
	uint32_t discr;		/* the session's local discriminator */
	int auth;
	uint32_t seq;
	int udp, raw;
};

static void put32(uint8_t *p, uint32_t v)
{
	v = htonl(v);
	memcpy(p, &v, 4);
}

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return ntohl(v);
}

static int digest_len(int type)
{
	return type >= KBFD_AUTH_KEYED_SHA1 ? 20 : 16;
}

static void digest(int type, const uint8_t *pkt, int len, uint8_t *out)
{
	unsigned int n;

	EVP_Digest(pkt, len, out, &n,
		   type >= KBFD_AUTH_KEYED_SHA1 ? EVP_sha1() : EVP_md5(), NULL);
}

/* A control packet, with the authentication section of @type if non-zero. */
static int build(uint8_t *b, int type, const char *key, int key_id,
		 uint32_t seq, int state, uint32_t your, uint8_t flags)
{
	int len = 24, klen = strlen(key);

	memset(b, 0, 64);
	b[0] = 1 << 5;
	b[1] = state << 6 | flags;
	b[2] = 10;			/* detect mult */
	put32(b + 4, MY_DISCR);
	put32(b + 8, your);
	put32(b + 12, 1000000);		/* desired min TX: 1 s */
	put32(b + 16, 300000);		/* required min RX */
	if (type == KBFD_AUTH_SIMPLE) {
		b[1] |= KBFD_FLAG_A;
		b[24] = type;
		b[25] = 3 + klen;
		b[26] = key_id;
		memcpy(b + 27, key, klen);
		len += 3 + klen;
	} else if (type) {
		int dl = digest_len(type);

		b[1] |= KBFD_FLAG_A;
		b[24] = type;
		b[25] = 8 + dl;
		b[26] = key_id;
		put32(b + 28, seq);
		memcpy(b + 32, key, klen > dl ? dl : klen);
		len += 8 + dl;
		b[3] = len;
		digest(type, b, len, b + 32);
	}
	b[3] = len;
	return len;
}

static int send_from(const char *src, int dport, int ttl, const void *b, int len)
{
	struct sockaddr_in s = { .sin_family = AF_INET }, d = s;
	int fd = socket(AF_INET, SOCK_DGRAM, 0), one = 1, r;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	inet_pton(AF_INET, src, &s.sin_addr);
	s.sin_port = htons(49200);
	if (bind(fd, (void *)&s, sizeof(s)) ||
	    setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl))) {
		close(fd);
		return -1;
	}
	inet_pton(AF_INET, "127.0.0.1", &d.sin_addr);
	d.sin_port = htons(dport);
	r = sendto(fd, b, len, 0, (void *)&d, sizeof(d));
	close(fd);
	usleep(30000);		/* let softirq processing finish */
	return r == len ? 0 : -1;
}

static int get_session(struct peer *p, struct kbfd_info *in)
{
	struct nl_msg *m = kbfd_nl_msg(&p->nl, KBFD_CMD_SESSION_GET, 0);

	nla_put_u32(m, KBFD_A_LOCAL_DISCR, p->discr);
	return kbfd_nl_call(&p->nl, m, in, 1, NULL);
}

static int state_of(struct peer *p)
{
	struct kbfd_info in;

	return get_session(p, &in) ? -1 : (int)in.u32[KBFD_A_STATE];
}

static uint64_t drops_of(struct peer *p)
{
	struct kbfd_info in;

	return get_session(p, &in) ? ~0ull : in.u64[KBFD_A_RX_DROPS];
}

static int add_session(struct peer *p, bool multihop, int auth)
{
	struct nl_msg *m = kbfd_nl_msg(&p->nl, KBFD_CMD_SESSION_ADD, 0);
	static const uint8_t peer[4] = { 127, 0, 0, 2 };
	static const uint8_t local[4] = { 127, 0, 0, 1 };
	struct kbfd_info in;
	int err;

	nla_put(m, KBFD_A_PEER_ADDR, 4, peer);
	nla_put(m, KBFD_A_LOCAL_ADDR, 4, local);
	if (multihop)
		nla_put_flag(m, KBFD_A_MULTIHOP);
	if (auth) {
		nla_put_u8(m, KBFD_A_AUTH_TYPE, auth);
		nla_put_u8(m, KBFD_A_AUTH_KEY_ID, KEY_ID);
		nla_put(m, KBFD_A_AUTH_KEY, strlen(KEY), KEY);
	}
	err = kbfd_nl_call(&p->nl, m, &in, 1, NULL);
	if (!err)
		p->discr = in.u32[KBFD_A_LOCAL_DISCR];
	p->auth = auth;
	p->seq = 1000;
	return err;
}

/*
 * Turns kbfd:rx_drop on and empties the trace buffer. It stays on across
 * the tests (rx.sh turns it off at the end): each enable and disable
 * patches live kernel text (int3 + IPI), and under multi-threaded TCG that
 * has hung the guest (a CPU looping on the int3 in __schedule).
 */
static void trace_start(void)
{
	int fd = open(TRACE "/events/kbfd/rx_drop/enable", O_WRONLY);

	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1)
		perror("kbfd:rx_drop enable");
	close(fd);
	fd = open(TRACE "/trace", O_WRONLY | O_TRUNC);
	if (fd >= 0)
		close(fd);
}

static bool trace_has(const char *reason)
{
	char line[512], pat[128];
	bool found = false;
	FILE *f = fopen(TRACE "/trace", "r");

	if (!f)
		return false;
	snprintf(pat, sizeof(pat), "reason=%s", reason);
	while (fgets(line, sizeof(line), f))
		if (strstr(line, pat)) {
			found = true;
			break;
		}
	fclose(f);
	return found;
}

FIXTURE(rx) {
	struct peer p;
};

FIXTURE_SETUP(rx)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, system("ip link set lo up"));
	ASSERT_EQ(0, kbfd_nl_open(&self->p.nl));
	trace_start();
}

FIXTURE_TEARDOWN(rx)
{
	kbfd_nl_close(&self->p.nl);
}

/* Down (no Your Discriminator) then Up: the session goes Init, then Up. */
static void handshake(struct __test_metadata *_metadata, struct peer *p,
		      int dport, int ttl)
{
	uint8_t b[64];
	int len;

	len = build(b, p->auth, KEY, KEY_ID, p->seq++, KBFD_STATE_DOWN, 0, 0);
	ASSERT_EQ(0, send_from("127.0.0.2", dport, ttl, b, len));
	ASSERT_EQ(KBFD_STATE_INIT, state_of(p));
	len = build(b, p->auth, KEY, KEY_ID, p->seq++, KBFD_STATE_UP, p->discr, 0);
	ASSERT_EQ(0, send_from("127.0.0.2", dport, ttl, b, len));
	ASSERT_EQ(KBFD_STATE_UP, state_of(p));
}

/* Send a bad packet: dropped, counted, traced, state unchanged. */
static void expect_drop(struct __test_metadata *_metadata, struct peer *p,
			const char *src, int dport, int ttl, const uint8_t *b,
			int len, const char *reason, bool counted)
{
	uint64_t before = drops_of(p);
	int st = state_of(p);

	ASSERT_EQ(0, send_from(src, dport, ttl, b, len));
	EXPECT_EQ(st, state_of(p)) TH_LOG("%s changed the state", reason);
	EXPECT_EQ(before + counted, drops_of(p)) TH_LOG("%s not counted", reason);
	if (access(TRACE "/events/kbfd/rx_drop", F_OK) == 0)
		EXPECT_TRUE(trace_has(reason)) TH_LOG("no rx_drop reason=%s", reason);
}

TEST_F(rx, handshake_and_malformed)
{
	struct peer *p = &self->p;
	uint8_t b[64];
	int len;

	ASSERT_EQ(0, add_session(p, false, 0));
	handshake(_metadata, p, 3784, 255);

	len = build(b, 0, "", 0, 0, KBFD_STATE_UP, p->discr, 0);
	b[0] = 2 << 5;
	expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, len, "bad_version", true);

	build(b, 0, "", 0, 0, KBFD_STATE_UP, p->discr, 0);
	b[3] = 20;
	expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, 24, "bad_length", true);
	b[3] = 40;	/* longer than the payload */
	expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, 24, "bad_length", true);

	len = build(b, 0, "", 0, 0, KBFD_STATE_UP, p->discr, 0);
	b[2] = 0;
	expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, len, "zero_detect_mult", true);

	len = build(b, 0, "", 0, 0, KBFD_STATE_UP, p->discr, KBFD_FLAG_M);
	expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, len, "multipoint", true);

	len = build(b, 0, "", 0, 0, KBFD_STATE_UP, p->discr, 0);
	put32(b + 4, 0);
	expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, len, "zero_my_discr", true);

	/* GTSM: a single-hop packet must arrive with TTL 255. */
	len = build(b, 0, "", 0, 0, KBFD_STATE_DOWN, p->discr, 0);
	expect_drop(_metadata, p, "127.0.0.2", 3784, 254, b, len, "bad_ttl", true);
	expect_drop(_metadata, p, "127.0.0.2", 3784, 1, b, len, "bad_ttl", true);

	/* Somebody else's address using our discriminator. */
	len = build(b, 0, "", 0, 0, KBFD_STATE_DOWN, p->discr, 0);
	expect_drop(_metadata, p, "127.0.0.3", 3784, 255, b, len, "address_mismatch", true);

	/* A multihop packet for a single-hop session. */
	expect_drop(_metadata, p, "127.0.0.2", 4784, 255, b, len, "no_session", false);

	/* Unknown discriminator; no discriminator outside Down. */
	len = build(b, 0, "", 0, 0, KBFD_STATE_DOWN, p->discr ^ 0x5a5a5a5a, 0);
	expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, len, "no_session", false);
	len = build(b, 0, "", 0, 0, KBFD_STATE_UP, 0, 0);
	expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, len,
		    "zero_your_discr_state", false);

	/* Authentication on a session without it. */
	len = build(b, KBFD_AUTH_SIMPLE, KEY, KEY_ID, 0, KBFD_STATE_DOWN, p->discr, 0);
	expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, len, "auth_unexpected", true);

	/* Short and empty datagrams. */
	expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, 10, "short", false);
	expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, 0, "short", false);

	/* Still Up: none of it got through. A good packet still does. */
	len = build(b, 0, "", 0, 0, KBFD_STATE_DOWN, p->discr, 0);
	ASSERT_EQ(0, send_from("127.0.0.2", 3784, 255, b, len));
	EXPECT_EQ(KBFD_STATE_DOWN, state_of(p));
}

/* Random bytes, some shaped like a header naming the session: no crash,
 * the session survives, and nothing random brings it Up. */
TEST_F(rx, random_garbage)
{
	struct peer *p = &self->p;
	struct sockaddr_in s = { .sin_family = AF_INET }, d = s;
	int fd, i, ttl = 255;
	uint8_t b[80];

	ASSERT_EQ(0, add_session(p, false, 0));
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_GE(fd, 0);
	inet_pton(AF_INET, "127.0.0.2", &s.sin_addr);
	ASSERT_EQ(0, bind(fd, (void *)&s, sizeof(s)));
	ASSERT_EQ(0, setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)));
	inet_pton(AF_INET, "127.0.0.1", &d.sin_addr);
	srand(12345);
	for (i = 0; i < 3000; i++) {
		int len = rand() % sizeof(b), j;

		for (j = 0; j < len; j++)
			b[j] = rand();
		if (i & 1 && len >= 24) {
			b[0] = 1 << 5 | (b[0] & 0x1f);
			b[3] = len;
			put32(b + 8, p->discr);
			b[1] &= ~(KBFD_FLAG_M | KBFD_FLAG_A);
			b[1] |= KBFD_STATE_UP << 6;	/* never a valid next step */
			b[1] &= ~KBFD_FLAG_P;
		}
		d.sin_port = htons(i % 3 ? 3784 : 4784);
		sendto(fd, b, len, 0, (void *)&d, sizeof(d));
	}
	close(fd);
	usleep(200000);
	EXPECT_EQ(KBFD_STATE_DOWN, state_of(p));
	EXPECT_NE(~0ull, drops_of(p));
}

TEST_F(rx, poll_gets_final)
{
	struct peer *p = &self->p;
	uint8_t b[64], r[128];
	int len, fd, got = 0;
	struct pollfd pf;

	ASSERT_EQ(0, add_session(p, false, 0));
	handshake(_metadata, p, 3784, 255);
	/* The session answers to 127.0.0.2:3784, which the kernel owns; a
	 * raw socket sees the copy. */
	fd = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
	ASSERT_GE(fd, 0);
	len = build(b, 0, "", 0, 0, KBFD_STATE_UP, p->discr, KBFD_FLAG_P);
	ASSERT_EQ(0, send_from("127.0.0.2", 3784, 255, b, len));
	pf.fd = fd;
	pf.events = POLLIN;
	while (!got && poll(&pf, 1, 2000) > 0) {
		int n = recv(fd, r, sizeof(r), 0);
		struct iphdr *ip = (void *)r;
		uint8_t *u = r + ip->ihl * 4, *c = u + 8;

		if (n < ip->ihl * 4 + 8 + 24 || ntohs(((struct udphdr *)u)->dest) != 3784 ||
		    ip->saddr != htonl(0x7f000001) || get32(c + 4) != p->discr)
			continue;
		if (c[1] & KBFD_FLAG_F) {
			got = 1;
			EXPECT_FALSE(c[1] & KBFD_FLAG_P);
			EXPECT_EQ(255, ip->ttl);
			EXPECT_EQ(MY_DISCR, get32(c + 8));
			EXPECT_GE(ntohs(((struct udphdr *)u)->source), 49152);
		}
	}
	EXPECT_TRUE(got) TH_LOG("no Final answer to a Poll");
	close(fd);
}

TEST_F(rx, multihop_accepts_any_ttl)
{
	struct peer *p = &self->p;
	uint8_t b[64];
	int len;

	struct nl_msg *m;
	static const uint8_t other[4] = { 127, 0, 0, 4 };

	/* A single-hop session elsewhere opens port 3784 too. */
	m = kbfd_nl_msg(&p->nl, KBFD_CMD_SESSION_ADD, 0);
	nla_put(m, KBFD_A_PEER_ADDR, 4, other);
	ASSERT_EQ(0, kbfd_nl_call(&p->nl, m, NULL, 0, NULL));

	ASSERT_EQ(0, add_session(p, true, 0));
	handshake(_metadata, p, 4784, 17);
	/* Naming the multihop session on the single-hop port. */
	len = build(b, 0, "", 0, 0, KBFD_STATE_UP, p->discr, 0);
	expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, len, "address_mismatch", true);
	/* Multihop packets are still validated. */
	b[0] = 3 << 5;
	expect_drop(_metadata, p, "127.0.0.2", 4784, 64, b, len, "bad_version", true);
	EXPECT_EQ(KBFD_STATE_UP, state_of(p));
}

FIXTURE(auth) {
	struct peer p;
};

FIXTURE_SETUP(auth)
{
	ASSERT_EQ(0, unshare(CLONE_NEWNET));
	ASSERT_EQ(0, system("ip link set lo up"));
	ASSERT_EQ(0, kbfd_nl_open(&self->p.nl));
	trace_start();
}

FIXTURE_TEARDOWN(auth)
{
	kbfd_nl_close(&self->p.nl);
}

FIXTURE_VARIANT(auth) {
	int auth;
};

FIXTURE_VARIANT_ADD(auth, simple) { .auth = KBFD_AUTH_SIMPLE };
FIXTURE_VARIANT_ADD(auth, keyed_md5) { .auth = KBFD_AUTH_KEYED_MD5 };
FIXTURE_VARIANT_ADD(auth, meticulous_md5) { .auth = KBFD_AUTH_METICULOUS_MD5 };
FIXTURE_VARIANT_ADD(auth, keyed_sha1) { .auth = KBFD_AUTH_KEYED_SHA1 };
FIXTURE_VARIANT_ADD(auth, meticulous_sha1) { .auth = KBFD_AUTH_METICULOUS_SHA1 };

/* Packets the kernel signs verify with the key; sequence numbers grow. */
static void check_kernel_signs(struct __test_metadata *_metadata,
			       struct peer *p)
{
	uint8_t r[256], copy[64], d[20];
	uint32_t last = 0;
	int fd, seen = 0, type = p->auth, dl = digest_len(type);
	struct pollfd pf;
	time_t end = time(NULL) + 4;

	fd = socket(AF_INET, SOCK_RAW, IPPROTO_UDP);
	ASSERT_GE(fd, 0);
	pf.fd = fd;
	pf.events = POLLIN;
	while (seen < 2 && time(NULL) < end && poll(&pf, 1, 1500) > 0) {
		int n = recv(fd, r, sizeof(r), 0);
		struct iphdr *ip = (void *)r;
		uint8_t *c = r + ip->ihl * 4 + 8;
		int len = c[3];

		if (n < ip->ihl * 4 + 8 + 24 || ip->saddr != htonl(0x7f000001) ||
		    get32(c + 4) != p->discr)
			continue;
		ASSERT_TRUE(c[1] & KBFD_FLAG_A);
		ASSERT_EQ(type, c[24]);
		ASSERT_EQ(KEY_ID, c[26]);
		if (type == KBFD_AUTH_SIMPLE) {
			EXPECT_EQ(24 + 3 + (int)strlen(KEY), len);
			EXPECT_EQ(0, memcmp(c + 27, KEY, strlen(KEY)));
		} else {
			ASSERT_EQ(24 + 8 + dl, len);
			memcpy(copy, c, len);
			memset(copy + 32, 0, dl);
			memcpy(copy + 32, KEY, strlen(KEY));
			digest(type, copy, len, d);
			EXPECT_EQ(0, memcmp(d, c + 32, dl)) TH_LOG("bad digest from the kernel");
			if (seen)
				EXPECT_GT(get32(c + 28) - last, 0u);
			last = get32(c + 28);
		}
		seen++;
	}
	EXPECT_EQ(2, seen) TH_LOG("saw %d signed packets", seen);
	close(fd);
}

TEST_F(auth, types)
{
	struct peer *p = &self->p;
	int type = variant->auth, len;
	bool meticulous = type == KBFD_AUTH_METICULOUS_MD5 ||
			  type == KBFD_AUTH_METICULOUS_SHA1;
	uint8_t b[64];

	ASSERT_EQ(0, add_session(p, false, type));
	handshake(_metadata, p, 3784, 255);

	/* Wrong key, wrong key ID, missing authentication, other type. */
	len = build(b, type, "wrong-key", KEY_ID, p->seq++, KBFD_STATE_UP, p->discr, 0);
	expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, len,
		    type == KBFD_AUTH_SIMPLE ? "bad_length" : "auth_failed", true);
	len = build(b, type, "kbfd-secreT", KEY_ID, p->seq++, KBFD_STATE_UP, p->discr, 0);
	expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, len, "auth_failed", true);
	len = build(b, type, KEY, KEY_ID + 1, p->seq++, KBFD_STATE_UP, p->discr, 0);
	expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, len, "auth_key_id", true);
	len = build(b, 0, "", 0, 0, KBFD_STATE_UP, p->discr, 0);
	expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, len, "auth_missing", true);
	len = build(b, type == KBFD_AUTH_SIMPLE ? KBFD_AUTH_KEYED_MD5 : KBFD_AUTH_SIMPLE,
		    KEY, KEY_ID, p->seq++, KBFD_STATE_UP, p->discr, 0);
	expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, len, "auth_type", true);

	if (type != KBFD_AUTH_SIMPLE) {
		uint32_t seq = p->seq++;

		/* A good packet; its replay; an old one; one from too far ahead. */
		len = build(b, type, KEY, KEY_ID, seq, KBFD_STATE_UP, p->discr, 0);
		ASSERT_EQ(0, send_from("127.0.0.2", 3784, 255, b, len));
		if (meticulous)
			expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, len,
				    "auth_seq_replay", true);
		len = build(b, type, KEY, KEY_ID, seq - 1, KBFD_STATE_UP, p->discr, 0);
		expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, len,
			    "auth_seq_replay", true);
		len = build(b, type, KEY, KEY_ID, seq + 3 * 10 + 1, KBFD_STATE_UP,
			    p->discr, 0);
		expect_drop(_metadata, p, "127.0.0.2", 3784, 255, b, len,
			    "auth_seq_replay", true);
		/* Inside the window: accepted (and the peer's Down is seen). */
		len = build(b, type, KEY, KEY_ID, seq + 3 * 10, KBFD_STATE_DOWN,
			    p->discr, 0);
		ASSERT_EQ(0, send_from("127.0.0.2", 3784, 255, b, len));
		EXPECT_EQ(KBFD_STATE_DOWN, state_of(p));
	}
	check_kernel_signs(_metadata, p);
}

TEST_HARNESS_MAIN
