// SPDX-License-Identifier: GPL-2.0
/*
 * Session FSM on loopback with a fake clock: the test plays the peer over a
 * real TCP connection (127.0.0.2 -> 127.0.0.1) and moves time by hand, so
 * hold, keepalive, restart and graceful-restart timers are exact.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "config.h"
#include "session.h"

static uint64_t fake_ms = 1000000;
static uint64_t fake_clock(void)
{
	return fake_ms;
}

struct peer {
	int fd;
	size_t len;
	uint8_t buf[16 * BGP_MSG_MAX];
};

FIXTURE(bgp) {
	struct bgpd d;
	struct bgp_session *s;
	struct peer p;
	uint16_t port;
	uint8_t msg[BGP_MSG_MAX];
};

static void pump(struct bgpd *d, int rounds)
{
	while (rounds--)
		bgpd_poll(d, 5);
}

FIXTURE_SETUP(bgp)
{
	char text[1024], err[256];
	struct config cfg;

	self->port = (uint16_t)(20000 + getpid() % 20000);
	snprintf(text, sizeof(text),
		 "router-id 10.0.0.1; local-as 64500; listen 127.0.0.1 port %u;\n"
		 "neighbor peer { address 127.0.0.2; remote-as 65001; passive; hold-time 9;\n"
		 "  max-prefix 2 restart 30; bfd on;\n"
		 "  announce 203.0.113.0/24 community 8075:8007 large-community 64500:1:2; }\n",
		 self->port);
	ASSERT_EQ(0, config_parse(text, "test", &cfg, err, sizeof(err))) TH_LOG("%s", err);
	memset(&self->d, 0, sizeof(self->d));
	self->d.now = fake_clock;
	self->d.log_stderr = true;
	ASSERT_EQ(0, bgpd_init(&self->d, &cfg, err, sizeof(err))) TH_LOG("%s", err);
	self->s = bgpd_find(&self->d, "peer");
	pump(&self->d, 1);
	ASSERT_EQ(BGP_STATE_ACTIVE, self->s->state);
	self->p.fd = -1;
}

FIXTURE_TEARDOWN(bgp)
{
	if (self->p.fd >= 0)
		close(self->p.fd);
	bgpd_shutdown(&self->d, NULL);
}

static int peer_connect(struct bgpd *d, struct peer *p, uint16_t port)
{
	struct sockaddr_in local = { .sin_family = AF_INET }, remote = local;

	inet_pton(AF_INET, "127.0.0.2", &local.sin_addr);
	inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
	remote.sin_port = htons(port);
	p->len = 0;
	p->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(p->fd, (struct sockaddr *)&local, sizeof(local)) ||
	    connect(p->fd, (struct sockaddr *)&remote, sizeof(remote)))
		return -1;
	fcntl(p->fd, F_SETFL, O_NONBLOCK);
	pump(d, 3);
	return 0;
}

/* Next message of type from the daemon (others skipped), into out. */
static int peer_expect(struct bgpd *d, struct peer *p, uint8_t type, uint8_t *out)
{
	struct bgp_error err;
	int tries, len;
	ssize_t n;

	for (tries = 0; tries < 200; tries++) {
		while ((len = bgp_header_check(p->buf, p->len, &err)) > 0) {
			uint8_t t = p->buf[18];

			memcpy(out, p->buf, (size_t)len);
			p->len -= (size_t)len;
			memmove(p->buf, p->buf + len, p->len);
			if (t == type)
				return len;
		}
		bgpd_poll(d, 5);
		n = read(p->fd, p->buf + p->len, sizeof(p->buf) - p->len);
		if (n == 0)
			return -1;
		if (n > 0)
			p->len += (size_t)n;
	}
	return -1;
}

static void peer_send(struct bgpd *d, struct peer *p, const uint8_t *msg, int len)
{
	if (len > 0 && write(p->fd, msg, (size_t)len) != len)
		return;
	pump(d, 3);
}

static void peer_open(struct bgpd *d, struct peer *p, uint32_t as, bool gr)
{
	struct bgp_open o = {
		.as = as, .hold_time = 30, .bgp_id = 0x0a000002, .cap_as4 = true,
		.cap_mp_ipv4 = true, .cap_graceful_restart = gr, .gr_restart_time = 60,
		.gr_ipv4 = gr,
	};
	uint8_t buf[BGP_MSG_MAX];

	peer_send(d, p, buf, bgp_open_encode(buf, sizeof(buf), &o));
}

/* Up to Established; our OPEN, KEEPALIVE and announcement are consumed. */
static int establish(struct bgpd *d, struct peer *p, uint16_t port, bool gr, uint8_t *scratch)
{
	uint8_t ka[BGP_HEADER_LEN];

	if (peer_connect(d, p, port) || peer_expect(d, p, BGP_MSG_OPEN, scratch) < 0)
		return -1;
	peer_open(d, p, 65001, gr);
	if (peer_expect(d, p, BGP_MSG_KEEPALIVE, scratch) < 0)
		return -1;
	peer_send(d, p, ka, bgp_keepalive_encode(ka, sizeof(ka)));
	return 0;
}

static int announce(struct bgpd *d, struct peer *p, int n, const char *first_octet)
{
	static const uint8_t path[] = { BGP_AS_SEQUENCE, 1, 0, 0, 0xfd, 0xe9 };
	struct prefix pfx[8];
	struct bgp_attrs a = {
		.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
			   BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP),
		.as_path = path, .as_path_len = sizeof(path),
	};
	struct bgp_update_out out = { NULL, 0, pfx, (size_t)n, &a };
	uint8_t buf[BGP_MSG_MAX];
	char s[32];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(s, sizeof(s), "%s.0.%d.0/24", first_octet, i);
		prefix_parse(s, &pfx[i]);
	}
	a.next_hop.s_addr = htonl(0x0a000002);
	peer_send(d, p, buf, bgp_update_encode(buf, sizeof(buf), &out, true));
	return rib_peer(d->rib, d->sessions[0]->rib_peer)->routes;
}

TEST_F(bgp, passive_open_reaches_established_and_announces)
{
	struct bgp_update u;
	struct prefix got;
	struct bgp_nlri_iter it;
	struct bgp_peer_ctx ctx = { .as4 = true, .ebgp = true, .peer_as = 64500 };
	int len;

	ASSERT_EQ(0, establish(&self->d, &self->p, self->port, false, self->msg));
	EXPECT_EQ(BGP_STATE_ESTABLISHED, self->s->state);
	EXPECT_EQ(9, self->s->hold_time);
	len = peer_expect(&self->d, &self->p, BGP_MSG_UPDATE, self->msg);
	ASSERT_GT(len, 0);
	bgp_update_decode(self->msg, (size_t)len, &ctx, &u);
	/* Our next hop is our end of the connection: 127.0.0.1 on loopback,
	 * which a real peer would refuse; everything else must be clean. */
	ASSERT_NE(BGP_UPDATE_SESSION_RESET, u.verdict);
	EXPECT_EQ(htonl(0x7f000001), u.attrs.next_hop.s_addr);
	bgp_nlri_iter_init(&it, &u.announced);
	ASSERT_TRUE(bgp_nlri_next(&it, &got));
	EXPECT_EQ(24, got.len);
	ASSERT_EQ(1, u.attrs.n_communities);
	EXPECT_EQ((8075u << 16) | 8007, u.attrs.communities[0]);
	EXPECT_EQ(64500u, bgp_as_path_first(u.attrs.as_path, u.attrs.as_path_len));
	/* End-of-RIB follows. */
	len = peer_expect(&self->d, &self->p, BGP_MSG_UPDATE, self->msg);
	bgp_update_decode(self->msg, (size_t)len, &ctx, &u);
	EXPECT_EQ(BGP_AFI_IPV4, u.end_of_rib_afi);
	EXPECT_EQ(2, announce(&self->d, &self->p, 2, "198"));
}

TEST_F(bgp, route_refresh_both_ways)
{
	uint8_t rr[32];
	uint16_t afi;
	uint8_t safi;
	int len;

	ASSERT_EQ(0, establish(&self->d, &self->p, self->port, false, self->msg));
	EXPECT_GT(peer_expect(&self->d, &self->p, BGP_MSG_UPDATE, self->msg), 0);
	EXPECT_GT(peer_expect(&self->d, &self->p, BGP_MSG_UPDATE, self->msg), 0);	/* EoR */
	/* Our peer did not announce the capability: no refresh for it. */
	EXPECT_EQ(-1, session_refresh(self->s));
	self->s->peer.cap_route_refresh = true;
	ASSERT_EQ(0, session_refresh(self->s));
	len = peer_expect(&self->d, &self->p, BGP_MSG_ROUTE_REFRESH, self->msg);
	ASSERT_EQ(0, bgp_route_refresh_decode(self->msg, (size_t)len, &afi, &safi));
	EXPECT_EQ(BGP_AFI_IPV4, afi);
	/* Asked by the peer, the daemon sends its routes again. */
	peer_send(&self->d, &self->p, rr, bgp_route_refresh_encode(rr, sizeof(rr), BGP_AFI_IPV4,
								   BGP_SAFI_UNICAST));
	EXPECT_GT(peer_expect(&self->d, &self->p, BGP_MSG_UPDATE, self->msg), 0);
	EXPECT_EQ(2, self->s->updates_out);
}

TEST_F(bgp, keepalive_then_hold_timer_expiry)
{
	struct bgp_notification n;
	int len;

	ASSERT_EQ(0, establish(&self->d, &self->p, self->port, false, self->msg));
	fake_ms += 3001;	/* keepalive = hold / 3 */
	EXPECT_GT(peer_expect(&self->d, &self->p, BGP_MSG_KEEPALIVE, self->msg), 0);
	fake_ms += 9001;
	len = peer_expect(&self->d, &self->p, BGP_MSG_NOTIFICATION, self->msg);
	ASSERT_GT(len, 0);
	bgp_notification_decode(self->msg, (size_t)len, &n);
	EXPECT_EQ(BGP_ERR_HOLD_TIMER, n.code);
	EXPECT_EQ(BGP_STATE_IDLE, self->s->state);
	/* Automatic restart after the idle hold time. */
	fake_ms += BGP_IDLE_HOLD_MS;
	pump(&self->d, 1);
	EXPECT_EQ(BGP_STATE_ACTIVE, self->s->state);
}

TEST_F(bgp, max_prefix_cease_and_restart_timer)
{
	struct bgp_notification n;
	int len;

	ASSERT_EQ(0, establish(&self->d, &self->p, self->port, false, self->msg));
	announce(&self->d, &self->p, 3, "198");
	len = peer_expect(&self->d, &self->p, BGP_MSG_NOTIFICATION, self->msg);
	ASSERT_GT(len, 0);
	bgp_notification_decode(self->msg, (size_t)len, &n);
	EXPECT_EQ(BGP_ERR_CEASE, n.code);
	EXPECT_EQ(BGP_CEASE_MAX_PREFIX, n.subcode);
	ASSERT_EQ(7, n.data_len);	/* RFC 4486: AFI, SAFI, limit */
	EXPECT_EQ(2, n.data[6]);
	EXPECT_EQ(BGP_STATE_IDLE, self->s->state);
	EXPECT_TRUE(self->s->prefix_limited);
	EXPECT_EQ(0, rib_peer(self->d.rib, self->s->rib_peer)->routes);
	fake_ms += 29000;
	pump(&self->d, 1);
	EXPECT_EQ(BGP_STATE_IDLE, self->s->state);
	fake_ms += 1000;
	pump(&self->d, 1);
	EXPECT_EQ(BGP_STATE_ACTIVE, self->s->state);
}

TEST_F(bgp, bfd_down_cease_10_and_hold_down)
{
	struct bgp_notification n;
	int len;

	ASSERT_EQ(0, establish(&self->d, &self->p, self->port, false, self->msg));
	session_bfd(self->s, false);
	len = peer_expect(&self->d, &self->p, BGP_MSG_NOTIFICATION, self->msg);
	ASSERT_GT(len, 0);
	bgp_notification_decode(self->msg, (size_t)len, &n);
	EXPECT_EQ(BGP_ERR_CEASE, n.code);
	EXPECT_EQ(BGP_CEASE_BFD_DOWN, n.subcode);
	fake_ms += 600000;
	pump(&self->d, 2);
	EXPECT_EQ(BGP_STATE_IDLE, self->s->state);	/* held down */
	session_bfd(self->s, true);
	EXPECT_EQ(BGP_STATE_ACTIVE, self->s->state);
}

TEST_F(bgp, shutdown_communication_and_start)
{
	struct bgp_notification n;
	int len;

	ASSERT_EQ(0, establish(&self->d, &self->p, self->port, false, self->msg));
	session_shutdown(self->s, "planned maintenance");
	len = peer_expect(&self->d, &self->p, BGP_MSG_NOTIFICATION, self->msg);
	ASSERT_GT(len, 0);
	bgp_notification_decode(self->msg, (size_t)len, &n);
	EXPECT_EQ(BGP_CEASE_ADMIN_SHUTDOWN, n.subcode);
	EXPECT_STREQ("planned maintenance", n.shutdown_msg);
	fake_ms += 600000;
	pump(&self->d, 2);
	EXPECT_EQ(BGP_STATE_IDLE, self->s->state);
	session_start(self->s);
	EXPECT_EQ(BGP_STATE_ACTIVE, self->s->state);
}

TEST_F(bgp, open_with_wrong_as_is_refused)
{
	struct bgp_notification n;
	int len;

	ASSERT_EQ(0, peer_connect(&self->d, &self->p, self->port));
	ASSERT_GT(peer_expect(&self->d, &self->p, BGP_MSG_OPEN, self->msg), 0);
	EXPECT_EQ(BGP_STATE_OPENSENT, self->s->state);
	peer_open(&self->d, &self->p, 65099, false);
	len = peer_expect(&self->d, &self->p, BGP_MSG_NOTIFICATION, self->msg);
	ASSERT_GT(len, 0);
	bgp_notification_decode(self->msg, (size_t)len, &n);
	EXPECT_EQ(BGP_ERR_OPEN, n.code);
	EXPECT_EQ(BGP_OPEN_BAD_PEER_AS, n.subcode);
	EXPECT_EQ(BGP_STATE_IDLE, self->s->state);
}

TEST_F(bgp, update_before_keepalive_is_an_fsm_error)
{
	struct bgp_notification n;
	int len;

	ASSERT_EQ(0, peer_connect(&self->d, &self->p, self->port));
	ASSERT_GT(peer_expect(&self->d, &self->p, BGP_MSG_OPEN, self->msg), 0);
	peer_open(&self->d, &self->p, 65001, false);
	EXPECT_EQ(BGP_STATE_OPENCONFIRM, self->s->state);
	announce(&self->d, &self->p, 1, "198");
	len = peer_expect(&self->d, &self->p, BGP_MSG_NOTIFICATION, self->msg);
	ASSERT_GT(len, 0);
	bgp_notification_decode(self->msg, (size_t)len, &n);
	EXPECT_EQ(BGP_ERR_FSM, n.code);
	EXPECT_EQ(2, n.subcode);	/* RFC 6608: unexpected message in OpenConfirm */
}

TEST_F(bgp, graceful_restart_helper_keeps_stale_routes_until_end_of_rib)
{
	uint8_t eor[32];
	const struct rib_entry *e;
	struct prefix p;

	ASSERT_EQ(0, establish(&self->d, &self->p, self->port, true, self->msg));
	EXPECT_EQ(1, announce(&self->d, &self->p, 1, "198"));
	close(self->p.fd);	/* the peer restarts: no NOTIFICATION */
	self->p.fd = -1;
	pump(&self->d, 3);
	EXPECT_EQ(BGP_STATE_IDLE, self->s->state);
	prefix_parse("198.0.0.0/24", &p);
	e = rib_lookup(self->d.rib, &p);
	ASSERT_NE(NULL, e);
	EXPECT_TRUE(e->paths->stale);
	fake_ms += BGP_IDLE_HOLD_MS;
	pump(&self->d, 1);
	ASSERT_EQ(0, establish(&self->d, &self->p, self->port, true, self->msg));
	EXPECT_TRUE(rib_lookup(self->d.rib, &p)->paths->stale);
	peer_send(&self->d, &self->p, eor, bgp_end_of_rib_encode(eor, sizeof(eor), BGP_AFI_IPV4));
	EXPECT_EQ(NULL, rib_lookup(self->d.rib, &p));

	/* Without End-of-RIB the restart time (60 s) ends it. */
	EXPECT_EQ(1, announce(&self->d, &self->p, 1, "198"));
	close(self->p.fd);
	self->p.fd = -1;
	pump(&self->d, 3);
	ASSERT_NE(NULL, rib_lookup(self->d.rib, &p));
	fake_ms += 60001;
	pump(&self->d, 1);
	EXPECT_EQ(NULL, rib_lookup(self->d.rib, &p));
}

/*
 * 6.8 collision: the daemon connects out to us while we connect in. The
 * connection opened by the side with the higher BGP identifier survives;
 * the other one gets Cease / Connection Collision Resolution.
 */
static void collision(struct __test_metadata *_metadata, uint32_t peer_id, bool inbound_wins)
{
	struct sockaddr_in peer_addr = { .sin_family = AF_INET };
	struct peer out = { .fd = -1 }, in = { .fd = -1 };
	uint16_t port = (uint16_t)(20000 + getpid() % 20000), peer_port = port + 1;
	struct bgp_open o = { .as = 65001, .hold_time = 30, .bgp_id = peer_id, .cap_as4 = true };
	uint8_t msg[BGP_MSG_MAX];
	struct bgp_notification n;
	struct bgp_session *s;
	struct config cfg;
	struct bgpd d = { .now = fake_clock, .log_stderr = true };
	char text[512], err[256];
	int lfd, len, one = 1;

	inet_pton(AF_INET, "127.0.0.2", &peer_addr.sin_addr);
	peer_addr.sin_port = htons(peer_port);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ASSERT_EQ(0, bind(lfd, (struct sockaddr *)&peer_addr, sizeof(peer_addr)));
	ASSERT_EQ(0, listen(lfd, 1));
	snprintf(text, sizeof(text), "router-id 10.0.0.5; local-as 64500; listen 127.0.0.1 port %u;\n"
		 "neighbor peer { address 127.0.0.2; remote-as 65001; port %u; }\n", port, peer_port);
	ASSERT_EQ(0, config_parse(text, "test", &cfg, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(0, bgpd_init(&d, &cfg, err, sizeof(err))) TH_LOG("%s", err);
	s = bgpd_find(&d, "peer");
	pump(&d, 3);
	out.fd = accept(lfd, NULL, NULL);
	ASSERT_GE(out.fd, 0);
	fcntl(out.fd, F_SETFL, O_NONBLOCK);
	ASSERT_GT(peer_expect(&d, &out, BGP_MSG_OPEN, msg), 0);
	ASSERT_EQ(BGP_STATE_OPENSENT, s->state);

	ASSERT_EQ(0, peer_connect(&d, &in, port));
	ASSERT_GT(peer_expect(&d, &in, BGP_MSG_OPEN, msg), 0);
	peer_send(&d, &in, msg, bgp_open_encode(msg, sizeof(msg), &o));
	len = peer_expect(&d, inbound_wins ? &out : &in, BGP_MSG_NOTIFICATION, msg);
	ASSERT_GT(len, 0);
	bgp_notification_decode(msg, (size_t)len, &n);
	EXPECT_EQ(BGP_ERR_CEASE, n.code);
	EXPECT_EQ(BGP_CEASE_COLLISION, n.subcode);
	if (inbound_wins) {
		EXPECT_EQ(BGP_STATE_OPENCONFIRM, s->state);
		EXPECT_GT(peer_expect(&d, &in, BGP_MSG_KEEPALIVE, msg), 0);
	} else {
		/* The outbound one goes on: finish it. */
		EXPECT_EQ(BGP_STATE_OPENSENT, s->state);
		peer_send(&d, &out, msg, bgp_open_encode(msg, sizeof(msg), &o));
		EXPECT_EQ(BGP_STATE_OPENCONFIRM, s->state);
	}
	peer_send(&d, inbound_wins ? &in : &out, msg, bgp_keepalive_encode(msg, sizeof(msg)));
	EXPECT_EQ(BGP_STATE_ESTABLISHED, s->state);
	close(out.fd);
	close(in.fd);
	close(lfd);
	bgpd_shutdown(&d, NULL);
}

TEST(collision_higher_remote_id_keeps_inbound)
{
	collision(_metadata, 0x0a000009, true);
}

TEST(collision_lower_remote_id_keeps_outbound)
{
	collision(_metadata, 0x09000001, false);
}

TEST_HARNESS_MAIN
