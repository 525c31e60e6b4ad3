// SPDX-License-Identifier: GPL-2.0
/*
 * The session engine: listeners, connections, the FSM and its timers.
 * Every state change is logged with the neighbor, the RFC 4271 event that
 * caused it and the reason.
 */
#include "session.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <syslog.h>
#include <unistd.h>

#include "clock.h"

#ifndef IP_MINTTL
#define IP_MINTTL 21
#endif
#ifndef IPV6_MINHOPCOUNT
#define IPV6_MINHOPCOUNT 73
#endif

#define GTSM_TTL	255
#define FAMILY_V4	1
#define FAMILY_V6	2

static const char *const state_names[] = {
	"Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established",
};

const char *bgp_state_name(enum bgp_state st)
{
	return state_names[st];
}

uint64_t bgpd_clock_ms(void)
{
	return (uint64_t)clock_monotonic_ms();
}

void bgpd_log(struct bgpd *d, int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (d->log_stderr) {
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	} else {
		vsyslog(prio, fmt, ap);
	}
	va_end(ap);
}

int bgpd_watch(struct bgpd *d, struct ev_watch *w, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = w };

	if (epoll_ctl(d->epfd, EPOLL_CTL_MOD, w->fd, &ev) == 0)
		return 0;
	return epoll_ctl(d->epfd, EPOLL_CTL_ADD, w->fd, &ev);
}

struct bgp_session *bgpd_find(struct bgpd *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n_sessions; i++)
		if (!strcmp(d->sessions[i]->cfg->name, name))
			return d->sessions[i];
	return NULL;
}

/* ---- socket helpers ---- */

union sockaddr_any {
	struct sockaddr sa;
	struct sockaddr_in v4;
	struct sockaddr_in6 v6;
	struct sockaddr_storage ss;
};

static socklen_t to_sockaddr(const struct config_addr *a, uint16_t port, union sockaddr_any *u)
{
	memset(u, 0, sizeof(*u));
	if (a->family == AF_INET) {
		u->v4.sin_family = AF_INET;
		u->v4.sin_addr = a->a.v4;
		u->v4.sin_port = htons(port);
		return sizeof(u->v4);
	}
	u->v6.sin6_family = AF_INET6;
	u->v6.sin6_addr = a->a.v6;
	u->v6.sin6_port = htons(port);
	return sizeof(u->v6);
}

static void from_sockaddr(const union sockaddr_any *u, struct config_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->family = (uint8_t)u->sa.sa_family;
	if (a->family == AF_INET)
		a->a.v4 = u->v4.sin_addr;
	else
		a->a.v6 = u->v6.sin6_addr;
}

/* RFC 2385 key for peer on fd; an empty password deletes it. */
static int set_md5(int fd, const struct config_addr *peer, const char *password)
{
	struct tcp_md5sig md5 = { 0 };
	union sockaddr_any u;

	to_sockaddr(peer, 0, &u);
	memcpy(&md5.tcpm_addr, &u.ss, sizeof(md5.tcpm_addr));
	md5.tcpm_keylen = (uint16_t)strlen(password);
	memcpy(md5.tcpm_key, password, md5.tcpm_keylen);
	return setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &md5, sizeof(md5));
}

/* RFC 5082: send with TTL 255, accept only TTL >= 254 (one hop). */
static int set_ttl(int fd, int family, bool minimum_too)
{
	int ttl = GTSM_TTL, min = GTSM_TTL - 1;

	if (family == AF_INET)
		return setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl)) ||
		       (minimum_too && setsockopt(fd, IPPROTO_IP, IP_MINTTL, &min, sizeof(min)));
	return setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl)) ||
	       (minimum_too && setsockopt(fd, IPPROTO_IPV6, IPV6_MINHOPCOUNT, &min, sizeof(min)));
}

/* ---- connections ---- */

static void conn_event(struct ev_watch *w, uint32_t events);

static struct bgp_conn *conn_new(struct bgp_session *s, int fd, bool outbound)
{
	struct bgp_conn *c = calloc(1, sizeof(*c));

	if (!c) {
		close(fd);
		return NULL;
	}
	c->w.fd = fd;
	c->w.cb = conn_event;
	c->s = s;
	c->outbound = outbound;
	c->events = EPOLLIN;
	if (bgpd_watch(s->d, &c->w, c->events)) {
		close(fd);
		free(c);
		return NULL;
	}
	return c;
}

/*
 * Closes now but frees after the epoll round (events of this round may
 * still point at it). Received bytes are drained first: closing with unread
 * data makes the kernel answer with RST, which can lose our NOTIFICATION.
 */
static void conn_close(struct bgp_conn *c)
{
	struct bgpd *d = c->s->d;
	uint8_t sink[BGP_MSG_MAX];

	if (c->dead)
		return;
	while (read(c->w.fd, sink, sizeof(sink)) > 0)
		;
	shutdown(c->w.fd, SHUT_WR);
	close(c->w.fd);
	c->dead = true;
	c->next_dead = d->dead;
	d->dead = c;
	if (c->s->conn == c)
		c->s->conn = NULL;
	if (c->s->pending == c)
		c->s->pending = NULL;
}

static void conn_update_events(struct bgp_conn *c)
{
	uint32_t want = c->connecting ? EPOLLOUT : EPOLLIN | (c->wlen ? EPOLLOUT : 0);

	if (want != c->events) {
		c->events = want;
		bgpd_watch(c->s->d, &c->w, want);
	}
}

static void conn_flush(struct bgp_conn *c)
{
	ssize_t n;

	while (c->wlen) {
		n = send(c->w.fd, c->wbuf, c->wlen, MSG_NOSIGNAL);
		if (n <= 0)
			break;	/* EAGAIN waits for EPOLLOUT; errors show up as EPOLLERR */
		memmove(c->wbuf, c->wbuf + n, c->wlen - (size_t)n);
		c->wlen -= (size_t)n;
	}
	conn_update_events(c);
}

static void conn_send(struct bgp_conn *c, const uint8_t *msg, int len)
{
	if (len <= 0 || c->dead)
		return;
	if (c->wcap - c->wlen < (size_t)len) {
		size_t cap = (c->wlen + (size_t)len) * 2;
		uint8_t *nb = realloc(c->wbuf, cap);

		if (!nb)
			return;
		c->wbuf = nb;
		c->wcap = cap;
	}
	memcpy(c->wbuf + c->wlen, msg, (size_t)len);
	c->wlen += (size_t)len;
	c->s->messages_out++;
	conn_flush(c);
}

static bool conn_local_addr(const struct bgp_conn *c, struct config_addr *a)
{
	union sockaddr_any u;
	socklen_t len = sizeof(u);

	if (getsockname(c->w.fd, &u.sa, &len))
		return false;
	from_sockaddr(&u, a);
	return true;
}

/* ---- FSM plumbing ---- */

static uint64_t now(const struct bgp_session *s)
{
	return s->d->now();
}

static void set_state(struct bgp_session *s, enum bgp_state to, const char *event,
		      const char *reason)
{
	if (s->state == to)
		return;
	bgpd_log(s->d, to == BGP_STATE_ESTABLISHED || s->state == BGP_STATE_ESTABLISHED ?
		 LOG_NOTICE : LOG_INFO, "neighbor %s: %s -> %s (event %s%s%s)", s->cfg->name,
		 state_names[s->state], state_names[to], event, reason ? ": " : "",
		 reason ? reason : "");
	s->state = to;
	s->state_since = now(s);
	if (s->d->on_change)
		s->d->on_change(s->d->on_change_ctx, s);
}

static void send_notification(struct bgp_conn *c, uint8_t code, uint8_t subcode,
			      const uint8_t *data, size_t len)
{
	uint8_t buf[BGP_MSG_MAX];

	conn_send(c, buf, bgp_notification_encode(buf, sizeof(buf), code, subcode, data, len));
	bgpd_log(c->s->d, LOG_WARNING, "neighbor %s: sent NOTIFICATION %u/%u (%s)",
		 c->s->cfg->name, code, subcode, bgp_error_name(code, subcode));
}

static void send_cease(struct bgp_conn *c, uint8_t subcode, const char *msg)
{
	uint8_t buf[BGP_MSG_MAX];

	conn_send(c, buf, bgp_cease_encode(buf, sizeof(buf), subcode, msg));
	bgpd_log(c->s->d, LOG_WARNING, "neighbor %s: sent NOTIFICATION Cease/%u (%s)%s%s",
		 c->s->cfg->name, subcode, bgp_error_name(BGP_ERR_CEASE, subcode),
		 msg ? ": " : "", msg ? msg : "");
}

/* Routes of the peer may be kept (RFC 4724 helper) when it restarts. */
static bool peer_does_gr(const struct bgp_session *s)
{
	return s->peer.cap_graceful_restart && (s->peer.gr_ipv4 || s->peer.gr_ipv6);
}

static void schedule_start(struct bgp_session *s)
{
	if (s->admin_down || s->bfd_down)
		s->start_at = 0;
	else if (s->prefix_limited)
		s->start_at = s->cfg->max_prefix_restart ?
			now(s) + s->cfg->max_prefix_restart * 1000ull : 0;
	else
		s->start_at = now(s) + BGP_IDLE_HOLD_MS;
}

/*
 * Back to Idle. graceful: the transport failed under a GR-capable peer, so
 * its routes stay (stale) for its restart time instead of being flushed.
 */
static void session_down(struct bgp_session *s, const char *event, const char *reason,
			 bool graceful)
{
	struct bgpd *d = s->d;
	bool was_established;

	if (reason)
		snprintf(s->last_error, sizeof(s->last_error), "%s", reason);
	if (s->conn)
		conn_close(s->conn);
	if (s->pending)
		conn_close(s->pending);
	was_established = s->state == BGP_STATE_ESTABLISHED;
	s->hold_at = s->keepalive_at = s->connect_retry_at = 0;
	/* The listener first (the FIB moves away at once), then the routes. */
	set_state(s, BGP_STATE_IDLE, event, reason);
	if (was_established && graceful && peer_does_gr(s)) {
		rib_peer_mark_stale(d->rib, s->rib_peer);
		s->stale_until = now(s) + s->peer.gr_restart_time * 1000ull;
		bgpd_log(d, LOG_INFO, "neighbor %s: keeping %u routes as stale for %u s (graceful restart)",
			 s->cfg->name, rib_peer(d->rib, s->rib_peer)->routes, s->peer.gr_restart_time);
	} else {
		rib_peer_flush(d->rib, s->rib_peer, false);
		s->stale_until = 0;
	}
	schedule_start(s);
}

/* A NOTIFICATION to the peer on the FSM connection, then down. */
static void session_error(struct bgp_session *s, const char *event, uint8_t code,
			  uint8_t subcode, const uint8_t *data, size_t len, const char *reason)
{
	if (s->conn)
		send_notification(s->conn, code, subcode, data, len);
	session_down(s, event, reason, false);
}

static void send_open(struct bgp_session *s, struct bgp_conn *c)
{
	struct bgp_open o = {
		.as = s->d->cfg.local_as,
		.hold_time = s->cfg->hold_time,
		.bgp_id = s->d->cfg.router_id,
		.cap_as4 = true,
		.cap_mp_ipv4 = true,
		.cap_mp_ipv6 = true,
		.cap_route_refresh = true,
		.cap_graceful_restart = true,
		.gr_restart_time = BGP_GR_RESTART_TIME,
	};
	uint8_t buf[BGP_MSG_MAX];

	conn_send(c, buf, bgp_open_encode(buf, sizeof(buf), &o));
}

static void send_keepalive(struct bgp_session *s)
{
	uint8_t buf[BGP_HEADER_LEN];

	conn_send(s->conn, buf, bgp_keepalive_encode(buf, sizeof(buf)));
	s->keepalive_at = s->hold_time ? now(s) + s->hold_time * 1000ull / 3 : 0;
}

/* Connection up (either direction): our OPEN, OpenSent. */
static void enter_opensent(struct bgp_session *s, const char *event)
{
	s->connect_retry_at = 0;
	send_open(s, s->conn);
	s->hold_at = now(s) + BGP_OPEN_HOLD_MS;
	set_state(s, BGP_STATE_OPENSENT, event, NULL);
}

static void start_connect(struct bgp_session *s, const char *event)
{
	const struct config_neighbor *n = s->cfg;
	union sockaddr_any peer, local;
	socklen_t plen = to_sockaddr(&n->address, n->port, &peer), llen;
	int fd = socket(n->address.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	s->connect_retry_at = now(s) + BGP_CONNECT_RETRY_MS;
	if (fd < 0)
		goto fail;
	if (n->local_address.family) {
		llen = to_sockaddr(&n->local_address, 0, &local);
		if (bind(fd, &local.sa, llen))
			goto fail;
	}
	if ((n->password[0] && set_md5(fd, &n->address, n->password)) ||
	    (n->ttl_security && set_ttl(fd, n->address.family, true)))
		goto fail;
	if (connect(fd, &peer.sa, plen) && errno != EINPROGRESS)
		goto fail;
	s->conn = conn_new(s, fd, true);
	if (!s->conn)
		return;
	s->conn->connecting = true;
	conn_update_events(s->conn);
	set_state(s, BGP_STATE_CONNECT, event, NULL);
	return;
fail:
	snprintf(s->last_error, sizeof(s->last_error), "connect: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
	set_state(s, BGP_STATE_ACTIVE, "TcpConnectionFails", s->last_error);
}

/* ManualStart / AutomaticStart from Idle. */
static void fsm_start(struct bgp_session *s, const char *event)
{
	s->start_at = 0;
	if (s->cfg->passive) {
		set_state(s, BGP_STATE_ACTIVE, event, "passive");
		return;
	}
	start_connect(s, event);
}

/* ---- announcing our routes ---- */

static void announce_family(struct bgp_session *s, int family, const struct config_addr *local)
{
	const struct config_neighbor *n = s->cfg;
	bool ebgp = n->remote_as != s->d->cfg.local_as;
	uint8_t path[6] = { BGP_AS_SEQUENCE, 1 }, buf[BGP_MSG_MAX];
	uint32_t as = s->d->cfg.local_as;
	size_t i;

	path[2] = as >> 24;
	path[3] = (as >> 16) & 0xff;
	path[4] = (as >> 8) & 0xff;
	path[5] = as & 0xff;
	for (i = 0; i < n->n_announce; i++) {
		const struct config_announce *an = &n->announce[i];
		struct bgp_attrs a = {
			.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH),
			.origin = BGP_ORIGIN_IGP,
			.as_path = path,
			.as_path_len = ebgp ? sizeof(path) : 0,
			.local_pref = 100,
			.communities = an->communities,
			.n_communities = an->n_communities,
			.large_communities = an->large,
			.n_large_communities = an->n_large,
		};
		struct bgp_update_out out = { NULL, 0, &an->prefix, 1, &a };

		if (an->prefix.family != family)
			continue;
		if (!ebgp)
			a.present |= BGP_ATTR_BIT(BGP_ATTR_LOCAL_PREF);
		if (an->n_communities)
			a.present |= BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES);
		if (an->n_large)
			a.present |= BGP_ATTR_BIT(BGP_ATTR_LARGE_COMMUNITIES);
		if (family == AF_INET) {
			a.present |= BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP);
			a.next_hop = local->a.v4;
		} else {
			a.mp_nexthop_len = 16;
			memcpy(a.mp_nexthop, &local->a.v6, 16);
		}
		conn_send(s->conn, buf, bgp_update_encode(buf, sizeof(buf), &out, s->as4));
		s->updates_out++;
	}
	conn_send(s->conn, buf, bgp_end_of_rib_encode(buf, sizeof(buf),
			family == AF_INET ? BGP_AFI_IPV4 : BGP_AFI_IPV6));
}

/*
 * Our announcements for every family both sides speak. The next hop is our
 * end of the connection, so a family is sent only over its own transport
 * (no RFC 8950 IPv4-over-IPv6 next hops).
 */
static void announce_all(struct bgp_session *s)
{
	if (s->local.family == AF_INET && s->peer.cap_mp_ipv4)
		announce_family(s, AF_INET, &s->local);
	if (s->local.family == AF_INET6 && s->peer.cap_mp_ipv6)
		announce_family(s, AF_INET6, &s->local);
}

/* ---- receiving ---- */

static void check_open(struct bgp_session *s, const struct bgp_open *o, struct bgp_error *err)
{
	err->code = 0;
	if (o->as != s->cfg->remote_as) {
		err->code = BGP_ERR_OPEN;
		err->subcode = BGP_OPEN_BAD_PEER_AS;
		err->data_len = 0;
	} else if (o->bgp_id == s->d->cfg.router_id && s->cfg->remote_as == s->d->cfg.local_as) {
		/* RFC 6286 2.1: identical identifiers only matter inside an AS. */
		err->code = BGP_ERR_OPEN;
		err->subcode = BGP_OPEN_BAD_BGP_ID;
		err->data_len = 0;
	}
}

static void enter_openconfirm(struct bgp_session *s, const struct bgp_open *o)
{
	s->peer = *o;
	s->as4 = o->cap_as4;
	s->hold_time = o->hold_time < s->cfg->hold_time ? o->hold_time : s->cfg->hold_time;
	s->hold_at = s->hold_time ? now(s) + s->hold_time * 1000ull : 0;
	send_keepalive(s);
	set_state(s, BGP_STATE_OPENCONFIRM, "BGPOpen", NULL);
}

static void enter_established(struct bgp_session *s)
{
	struct rib_peer *p = rib_peer(s->d->rib, s->rib_peer);

	p->ebgp = s->cfg->remote_as != s->d->cfg.local_as;
	p->bgp_id = s->peer.bgp_id;
	p->addr_family = s->cfg->address.family;
	memcpy(p->addr, s->cfg->address.a.bytes, sizeof(p->addr));
	s->established_count++;
	s->prefix_limited = false;
	s->last_error[0] = '\0';
	s->eor_pending = (s->peer.cap_mp_ipv4 ? FAMILY_V4 : 0) | (s->peer.cap_mp_ipv6 ? FAMILY_V6 : 0);
	/* Asked once: every UPDATE checks NEXT_HOP against it. */
	if (!conn_local_addr(s->conn, &s->local))
		s->local.family = 0;
	set_state(s, BGP_STATE_ESTABLISHED, "KeepAliveMsg", NULL);
	/* RFC 4724 4.2: back without graceful restart, stale routes go now. */
	if (s->stale_until && !peer_does_gr(s)) {
		rib_peer_flush(s->d->rib, s->rib_peer, true);
		s->stale_until = 0;
	}
	announce_all(s);
}

/*
 * 6.8: an OPEN on the second connection tells us the peer's identifier;
 * the connection opened by the side with the higher identifier survives.
 */
static void resolve_collision(struct bgp_session *s, struct bgp_conn *pending)
{
	bool keep_inbound = s->d->cfg.router_id < pending->open.bgp_id;

	if (keep_inbound) {
		send_cease(s->conn, BGP_CEASE_COLLISION, NULL);
		conn_close(s->conn);
		s->pending = NULL;
		s->conn = pending;
		bgpd_log(s->d, LOG_INFO, "neighbor %s: collision: keeping the inbound connection",
			 s->cfg->name);
		enter_openconfirm(s, &pending->open);
	} else {
		send_cease(pending, BGP_CEASE_COLLISION, NULL);
		conn_close(pending);
		bgpd_log(s->d, LOG_INFO, "neighbor %s: collision: keeping the outbound connection",
			 s->cfg->name);
	}
}

static void handle_open(struct bgp_session *s, struct bgp_conn *c, const uint8_t *msg, size_t len)
{
	struct bgp_error err;
	char why[128];

	if (bgp_open_decode(msg, len, &c->open, &err) == 0)
		check_open(s, &c->open, &err);
	else if (!err.code)
		err.code = BGP_ERR_OPEN;
	if (err.code) {
		snprintf(why, sizeof(why), "bad OPEN: %s", bgp_error_name(err.code, err.subcode));
		send_notification(c, err.code, err.subcode, err.data, err.data_len);
		if (c == s->pending) {
			conn_close(c);
			return;
		}
		session_down(s, "BGPOpenMsgErr", why, false);
		return;
	}
	c->open_received = true;
	if (c == s->pending)
		resolve_collision(s, c);
	else
		enter_openconfirm(s, &c->open);
}

static void max_prefix_tripped(struct bgp_session *s, uint16_t afi)
{
	uint32_t limit = s->cfg->max_prefix;
	uint8_t data[7] = { afi >> 8, afi & 0xff, BGP_SAFI_UNICAST,
			    limit >> 24, (limit >> 16) & 0xff, (limit >> 8) & 0xff, limit & 0xff };
	char why[96];

	snprintf(why, sizeof(why), "max-prefix %u exceeded", limit);
	s->prefix_limited = true;
	session_error(s, "UpdateMsg", BGP_ERR_CEASE, BGP_CEASE_MAX_PREFIX, data, sizeof(data), why);
	bgpd_log(s->d, LOG_WARNING, "neighbor %s: %s, %s", s->cfg->name, why,
		 s->start_at ? "restart timer running" : "down until reset");
}

static void apply_withdrawals(struct bgp_session *s, const struct bgp_nlri *n)
{
	struct bgp_nlri_iter it;
	struct prefix p;

	bgp_nlri_iter_init(&it, n);
	while (bgp_nlri_next(&it, &p))
		rib_withdraw(s->d->rib, s->rib_peer, &p);
}

static void apply_announcements(struct bgp_session *s, const struct bgp_nlri *n,
				uint8_t nh_family, const void *nexthop)
{
	struct rib *rib = s->d->rib;
	struct rib_attrs *ra;
	struct bgp_nlri_iter it;
	struct prefix p;

	if (!n->afi)
		return;
	ra = rib_attrs_get(rib, &s->d->upd->attrs, nh_family, nexthop);
	if (!ra)
		return;
	bgp_nlri_iter_init(&it, n);
	while (bgp_nlri_next(&it, &p))
		rib_update(rib, s->rib_peer, &p, ra);
	rib_attrs_put(rib, ra);
}

static void handle_end_of_rib(struct bgp_session *s, int afi)
{
	s->eor_pending &= (uint8_t)~(afi == BGP_AFI_IPV4 ? FAMILY_V4 : FAMILY_V6);
	if (s->stale_until && !s->eor_pending) {
		rib_peer_flush(s->d->rib, s->rib_peer, true);
		s->stale_until = 0;
		bgpd_log(s->d, LOG_INFO, "neighbor %s: End-of-RIB, stale routes flushed",
			 s->cfg->name);
	}
}

static void handle_update(struct bgp_session *s, const uint8_t *msg, size_t len)
{
	struct bgp_update *u = s->d->upd;
	struct bgp_peer_ctx ctx = {
		.as4 = s->as4,
		.ebgp = s->cfg->remote_as != s->d->cfg.local_as,
		.peer_as = s->cfg->enforce_first_as ? s->cfg->remote_as : 0,
	};
	const uint8_t *mp_nh = u->attrs.mp_nexthop;

	if (s->local.family == AF_INET)
		ctx.local_v4 = s->local.a.v4;
	s->updates_in++;
	bgp_update_decode(msg, len, &ctx, u);
	if (u->verdict == BGP_UPDATE_SESSION_RESET) {
		char why[160];

		snprintf(why, sizeof(why), "malformed UPDATE: %s", u->reason);
		session_error(s, "UpdateMsgErr", u->error.code, u->error.subcode, u->error.data,
			      u->error.data_len, why);
		return;
	}
	if (u->verdict == BGP_UPDATE_TREAT_AS_WITHDRAW || u->discarded)
		bgpd_log(s->d, LOG_WARNING, "neighbor %s: UPDATE %s: %s", s->cfg->name,
			 u->verdict == BGP_UPDATE_TREAT_AS_WITHDRAW ? "treated as withdraw"
								    : "attribute discarded",
			 u->reason);
	apply_withdrawals(s, &u->withdrawn);
	apply_withdrawals(s, &u->mp_withdrawn);
	if (u->verdict == BGP_UPDATE_TREAT_AS_WITHDRAW) {
		s->withdraws_as_errors++;
		apply_withdrawals(s, &u->announced);
		apply_withdrawals(s, &u->mp_announced);
	} else {
		apply_announcements(s, &u->announced, AF_INET, &u->attrs.next_hop);
		apply_announcements(s, &u->mp_announced,
				    u->attrs.mp_nexthop_len == 4 ? AF_INET : AF_INET6, mp_nh);
	}
	if (u->end_of_rib_afi)
		handle_end_of_rib(s, u->end_of_rib_afi);
	if (s->cfg->max_prefix && rib_peer(s->d->rib, s->rib_peer)->routes > s->cfg->max_prefix)
		max_prefix_tripped(s, u->mp_announced.afi ? u->mp_announced.afi : BGP_AFI_IPV4);
}

static void handle_notification(struct bgp_session *s, const uint8_t *msg, size_t len)
{
	struct bgp_notification n;
	char why[400];

	if (bgp_notification_decode(msg, len, &n))
		return;
	snprintf(why, sizeof(why), "received NOTIFICATION %u/%u (%s)%s%s%s", n.code, n.subcode,
		 bgp_error_name(n.code, n.subcode), n.shutdown_msg[0] ? ": \"" : "",
		 n.shutdown_msg, n.shutdown_msg[0] ? "\"" : "");
	session_down(s, "NotifMsg", why, false);
}

/* RFC 6608 subcodes: which state received the unexpected message. */
static uint8_t fsm_error_subcode(enum bgp_state st)
{
	return st == BGP_STATE_OPENSENT ? 1 : st == BGP_STATE_OPENCONFIRM ? 2 : 3;
}

static void fsm_error(struct bgp_session *s, uint8_t type)
{
	char why[64];

	snprintf(why, sizeof(why), "unexpected %s in %s", bgp_msg_type_name(type),
		 state_names[s->state]);
	session_error(s, "BGPFsmError", BGP_ERR_FSM, fsm_error_subcode(s->state), NULL, 0, why);
}

/* One complete message on connection c. */
static void handle_message(struct bgp_conn *c, const uint8_t *msg, size_t len)
{
	struct bgp_session *s = c->s;
	uint8_t type = msg[18];
	bool main_conn = c == s->conn;

	if (type == BGP_MSG_NOTIFICATION) {
		if (main_conn)
			handle_notification(s, msg, len);
		else
			conn_close(c);
		return;
	}
	if (!main_conn || s->state == BGP_STATE_OPENSENT) {
		/* Only an OPEN is expected before we have the peer's. */
		if (type == BGP_MSG_OPEN && !c->open_received) {
			handle_open(s, c, msg, len);
		} else if (main_conn) {
			fsm_error(s, type);
		} else {
			send_notification(c, BGP_ERR_FSM, fsm_error_subcode(BGP_STATE_OPENSENT), NULL, 0);
			conn_close(c);
		}
		return;
	}
	if (s->hold_time)
		s->hold_at = now(s) + s->hold_time * 1000ull;
	switch (type) {
	case BGP_MSG_KEEPALIVE:
		if (s->state == BGP_STATE_OPENCONFIRM)
			enter_established(s);
		return;
	case BGP_MSG_UPDATE:
		if (s->state == BGP_STATE_ESTABLISHED) {
			handle_update(s, msg, len);
			return;
		}
		break;
	case BGP_MSG_ROUTE_REFRESH:
		if (s->state == BGP_STATE_ESTABLISHED) {
			announce_all(s);
			return;
		}
		break;
	}
	fsm_error(s, type);
}

/*
 * Handles the whole messages in rbuf until deadline (ms, d->now()): a
 * table of 100k prefixes is many seconds of validation, and the timers
 * (keepalives, hold) and the rest of the loop must run meanwhile. What is
 * left waits in rbuf for the next round (c->backlog). False when the
 * connection is gone.
 */
static bool conn_process(struct bgp_conn *c, uint64_t deadline)
{
	struct bgp_session *s = c->s;
	struct bgp_error err;
	size_t off;
	int len;

	c->backlog = false;
	/* Every whole message in the buffer, then one move of the rest. */
	for (off = 0; (len = bgp_header_check(c->rbuf + off, c->rlen - off, &err)) > 0;
	     off += (size_t)len) {
		if (s->d->now() >= deadline) {
			c->backlog = true;
			break;
		}
		s->messages_in++;
		handle_message(c, c->rbuf + off, (size_t)len);
		if (c->dead)
			return false;
	}
	c->rlen -= off;
	memmove(c->rbuf, c->rbuf + off, c->rlen);
	if (len < 0) {
		send_notification(c, err.code, err.subcode, err.data, err.data_len);
		if (c == s->conn)
			session_down(s, "BGPHeaderErr", bgp_error_name(err.code, err.subcode),
				     false);
		else
			conn_close(c);
		return false;
	}
	return true;
}

static void conn_readable(struct bgp_conn *c)
{
	struct bgp_session *s = c->s;
	uint64_t deadline = s->d->now() + BGP_ROUND_BUDGET_MS;
	ssize_t n;

	if (c->backlog && (!conn_process(c, deadline) || c->backlog))
		return;
	for (;;) {
		n = read(c->w.fd, c->rbuf + c->rlen, sizeof(c->rbuf) - c->rlen);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			const char *why = n == 0 ? "connection closed by peer" : strerror(errno);

			if (c == s->conn)
				session_down(s, "TcpConnectionFails", why, true);
			else
				conn_close(c);
			return;
		}
		c->rlen += (size_t)n;
		if (!conn_process(c, deadline) || c->backlog)
			return;
	}
}

static void connect_done(struct bgp_conn *c)
{
	struct bgp_session *s = c->s;
	int soerr = 0;
	socklen_t len = sizeof(soerr);

	getsockopt(c->w.fd, SOL_SOCKET, SO_ERROR, &soerr, &len);
	c->connecting = false;
	if (soerr) {
		snprintf(s->last_error, sizeof(s->last_error), "connect: %s", strerror(soerr));
		conn_close(c);
		set_state(s, BGP_STATE_ACTIVE, "TcpConnectionFails", s->last_error);
		return;
	}
	conn_update_events(c);
	enter_opensent(s, "Tcp_CR_Acked");
}

static void conn_event(struct ev_watch *w, uint32_t events)
{
	struct bgp_conn *c = (struct bgp_conn *)((char *)w - offsetof(struct bgp_conn, w));

	if (c->dead)
		return;
	if (c->connecting) {
		connect_done(c);
		return;
	}
	if (events & EPOLLOUT)
		conn_flush(c);
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP))
		conn_readable(c);
}

/* ---- passive open ---- */

static struct bgp_session *find_by_addr(struct bgpd *d, const struct config_addr *a)
{
	size_t i;

	for (i = 0; i < d->n_sessions; i++)
		if (d->sessions[i]->cfg->address.family == a->family &&
		    !memcmp(&d->sessions[i]->cfg->address.a, &a->a,
			    a->family == AF_INET ? 4 : 16))
			return d->sessions[i];
	return NULL;
}

/* An inbound connection for s, per state (RFC 4271 8.2.2 and 6.8). */
static void incoming(struct bgp_session *s, int fd)
{
	struct bgp_conn *c;

	if (s->cfg->ttl_security && set_ttl(fd, s->cfg->address.family, true)) {
		close(fd);
		return;
	}
	switch (s->state) {
	case BGP_STATE_IDLE:
		close(fd);	/* Idle refuses connections */
		return;
	case BGP_STATE_ESTABLISHED:
		if (!peer_does_gr(s)) {
			c = conn_new(s, fd, false);
			if (c) {
				send_cease(c, BGP_CEASE_COLLISION, NULL);
				conn_close(c);
			}
			return;
		}
		/* RFC 4724 4.2: a new connection means the peer restarted. */
		session_down(s, "TcpConnectionConfirmed", "peer restarted (graceful restart)", true);
		break;
	case BGP_STATE_OPENSENT:
	case BGP_STATE_OPENCONFIRM:
		if (s->conn && s->conn->outbound) {
			if (s->pending)
				conn_close(s->pending);
			s->pending = conn_new(s, fd, false);
			if (s->pending)
				send_open(s, s->pending);
			return;
		}
		break;
	default:
		break;
	}
	if (s->conn)
		conn_close(s->conn);
	s->conn = conn_new(s, fd, false);
	if (!s->conn) {
		session_down(s, "TcpConnectionFails", "out of memory", false);
		return;
	}
	enter_opensent(s, "TcpConnectionConfirmed");
}

static void listener_event(struct ev_watch *w, uint32_t events)
{
	struct bgp_listener *l = (struct bgp_listener *)w;
	struct bgpd *d = l->d;
	union sockaddr_any peer;
	socklen_t len = sizeof(peer);
	struct config_addr a;
	struct bgp_session *s;
	char buf[INET6_ADDRSTRLEN];
	int fd;

	(void)events;
	fd = accept4(w->fd, &peer.sa, &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	from_sockaddr(&peer, &a);
	s = find_by_addr(d, &a);
	if (!s || s->admin_down || s->bfd_down) {
		bgpd_log(d, LOG_INFO, "refused connection from %s: %s",
			 config_addr_format(&a, buf, sizeof(buf)),
			 s ? "neighbor is held down" : "not a configured neighbor");
		close(fd);
		return;
	}
	incoming(s, fd);
}

/* MD5 keys and the TTL of GTSM neighbors of l's family, on the listener. */
static void listener_configure(struct bgpd *d, struct bgp_listener *l,
			       const struct config *old)
{
	const struct config_neighbor *n;
	bool gtsm = false;
	size_t i;

	for (i = 0; old && i < old->n_neighbors; i++) {
		n = &old->neighbors[i];
		if (n->address.family == l->addr.family && n->password[0])
			set_md5(l->w.fd, &n->address, "");
	}
	for (i = 0; i < d->cfg.n_neighbors; i++) {
		n = &d->cfg.neighbors[i];
		if (n->address.family != l->addr.family)
			continue;
		if (n->password[0] && set_md5(l->w.fd, &n->address, n->password))
			bgpd_log(d, LOG_ERR, "neighbor %s: TCP-MD5 key: %s", n->name, strerror(errno));
		gtsm |= n->ttl_security;
	}
	/* The SYN-ACK leaves with the listener's TTL: GTSM peers need 255. */
	if (gtsm)
		set_ttl(l->w.fd, l->addr.family, false);
}

static int listener_open(struct bgpd *d, const struct config_listen *cl, bool required,
			 char *err, size_t errlen)
{
	struct bgp_listener *l = &d->listeners[d->n_listeners];
	union sockaddr_any u;
	socklen_t len = to_sockaddr(&cl->addr, cl->port, &u);
	char buf[INET6_ADDRSTRLEN];
	int one = 1, fd;

	fd = socket(cl->addr.family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd >= 0 && (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
			(cl->addr.family == AF_INET6 &&
			 setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one))) ||
			bind(fd, &u.sa, len) || listen(fd, 16))) {
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		snprintf(err, errlen, "listen %s port %u: %s",
			 config_addr_format(&cl->addr, buf, sizeof(buf)), cl->port, strerror(errno));
		if (!required)
			bgpd_log(d, LOG_WARNING, "%s", err);
		return required ? -1 : 0;
	}
	l->w.fd = fd;
	l->w.cb = listener_event;
	l->d = d;
	l->addr = cl->addr;
	listener_configure(d, l, NULL);
	d->n_listeners++;
	return bgpd_watch(d, &l->w, EPOLLIN);
}

/* ---- sessions ---- */

static struct bgp_session *session_new(struct bgpd *d, const struct config_neighbor *n)
{
	struct bgp_session *s = calloc(1, sizeof(*s)), **grown;
	int peer = rib_peer_add(d->rib);

	grown = realloc(d->sessions, (d->n_sessions + 1) * sizeof(*d->sessions));
	if (!s || peer < 0 || !grown) {
		free(s);
		if (peer >= 0)
			rib_peer_remove(d->rib, (uint16_t)peer);
		if (grown)
			d->sessions = grown;
		return NULL;
	}
	d->sessions = grown;
	d->sessions[d->n_sessions++] = s;
	s->d = d;
	s->cfg = n;
	s->rib_peer = (uint16_t)peer;
	s->state_since = d->now();
	s->start_at = d->now();		/* automatic start on the first round */
	return s;
}

static void session_free(struct bgpd *d, struct bgp_session *s)
{
	size_t i;

	rib_peer_remove(d->rib, s->rib_peer);
	for (i = 0; i < d->n_sessions; i++) {
		if (d->sessions[i] == s) {
			d->sessions[i] = d->sessions[--d->n_sessions];
			break;
		}
	}
	free(s);
}

/* A Cease on the FSM connection (when there is one), then Idle. */
static void session_cease(struct bgp_session *s, uint8_t subcode, const char *msg,
			  const char *event)
{
	char why[320];

	snprintf(why, sizeof(why), "%s%s%s", bgp_error_name(BGP_ERR_CEASE, subcode),
		 msg ? ": " : "", msg ? msg : "");
	if (s->conn && !s->conn->connecting)
		send_cease(s->conn, subcode, msg);
	session_down(s, event, why, false);
}

void session_shutdown(struct bgp_session *s, const char *msg)
{
	s->admin_down = true;
	session_cease(s, BGP_CEASE_ADMIN_SHUTDOWN, msg, "ManualStop");
}

void session_start(struct bgp_session *s)
{
	s->admin_down = false;
	s->prefix_limited = false;
	if (s->state == BGP_STATE_IDLE && !s->bfd_down)
		fsm_start(s, "ManualStart");
}

void session_reset(struct bgp_session *s, const char *msg)
{
	s->prefix_limited = false;
	session_cease(s, BGP_CEASE_ADMIN_RESET, msg, "ManualStop");
}

int session_refresh(struct bgp_session *s)
{
	uint8_t buf[32];

	if (s->state != BGP_STATE_ESTABLISHED || !s->peer.cap_route_refresh)
		return -1;
	if (s->peer.cap_mp_ipv4)
		conn_send(s->conn, buf, bgp_route_refresh_encode(buf, sizeof(buf), BGP_AFI_IPV4,
								 BGP_SAFI_UNICAST));
	if (s->peer.cap_mp_ipv6)
		conn_send(s->conn, buf, bgp_route_refresh_encode(buf, sizeof(buf), BGP_AFI_IPV6,
								 BGP_SAFI_UNICAST));
	return 0;
}

void session_bfd(struct bgp_session *s, bool up)
{
	if (!s->cfg->bfd || s->bfd_down == !up)
		return;
	bgpd_log(s->d, LOG_NOTICE, "neighbor %s: BFD %s", s->cfg->name, up ? "up" : "down");
	s->bfd_down = !up;
	if (s->d->on_change)
		s->d->on_change(s->d->on_change_ctx, s);
	if (!up) {
		session_cease(s, BGP_CEASE_BFD_DOWN, NULL, "BfdDown");
		return;
	}
	if (s->state == BGP_STATE_IDLE && !s->admin_down && !s->prefix_limited)
		fsm_start(s, "BfdUp");
}

/* ---- timers ---- */

static bool due(uint64_t deadline, uint64_t t)
{
	return deadline && t >= deadline;
}

static void session_timers(struct bgp_session *s, uint64_t t)
{
	if (due(s->stale_until, t)) {
		s->stale_until = 0;
		rib_peer_flush(s->d->rib, s->rib_peer, true);
		bgpd_log(s->d, LOG_INFO, "neighbor %s: restart time over, stale routes flushed",
			 s->cfg->name);
	}
	switch (s->state) {
	case BGP_STATE_IDLE:
		if (due(s->start_at, t))
			fsm_start(s, "AutomaticStart");
		break;
	case BGP_STATE_CONNECT:
	case BGP_STATE_ACTIVE:
		if (due(s->connect_retry_at, t) && !s->cfg->passive) {
			if (s->conn)
				conn_close(s->conn);
			start_connect(s, "ConnectRetryTimer_Expires");
		}
		break;
	default:
		if (due(s->hold_at, t)) {
			session_error(s, "HoldTimer_Expires", BGP_ERR_HOLD_TIMER, 0, NULL, 0,
				      "hold timer expired");
			break;
		}
		if (s->state != BGP_STATE_OPENSENT && due(s->keepalive_at, t))
			send_keepalive(s);
	}
}

static uint64_t earliest(uint64_t a, uint64_t b)
{
	return !a ? b : !b ? a : a < b ? a : b;
}

static uint64_t next_deadline(const struct bgp_session *s)
{
	uint64_t t = s->stale_until;

	switch (s->state) {
	case BGP_STATE_IDLE:
		return earliest(t, s->start_at);
	case BGP_STATE_CONNECT:
	case BGP_STATE_ACTIVE:
		return s->cfg->passive ? t : earliest(t, s->connect_retry_at);
	default:
		return earliest(earliest(t, s->hold_at), s->keepalive_at);
	}
}

static void free_dead(struct bgpd *d)
{
	while (d->dead) {
		struct bgp_conn *c = d->dead;

		d->dead = c->next_dead;
		free(c->wbuf);
		free(c);
	}
}

int bgpd_poll(struct bgpd *d, int max_wait_ms)
{
	struct epoll_event ev[32];
	uint64_t t = d->now(), next = 0;
	int i, n, wait;

	for (i = 0; i < (int)d->n_sessions; i++) {
		next = earliest(next, next_deadline(d->sessions[i]));
		if (d->sessions[i]->conn && d->sessions[i]->conn->backlog)
			max_wait_ms = 0;
	}
	wait = max_wait_ms;
	if (next)
		wait = next <= t ? 0 : next - t < (uint64_t)max_wait_ms ? (int)(next - t) : max_wait_ms;
	n = epoll_wait(d->epfd, ev, 32, wait);
	if (n < 0 && errno != EINTR)
		return -1;
	for (i = 0; i < n; i++) {
		struct ev_watch *w = ev[i].data.ptr;

		w->cb(w, ev[i].events);
	}
	/* Messages a budget left behind, when no new bytes woke their socket. */
	for (i = 0; i < (int)d->n_sessions; i++) {
		struct bgp_conn *c = d->sessions[i]->conn;

		if (c && c->backlog && !c->dead)
			conn_process(c, d->now() + BGP_ROUND_BUDGET_MS);
	}
	t = d->now();
	for (i = 0; i < (int)d->n_sessions; i++)
		session_timers(d->sessions[i], t);
	free_dead(d);
	return 0;
}

/* ---- daemon ---- */

int bgpd_init(struct bgpd *d, struct config *cfg, char *err, size_t errlen)
{
	static const struct config_listen defaults[] = {
		{ .addr = { .family = AF_INET }, .port = BGP_PORT },
		{ .addr = { .family = AF_INET6 }, .port = BGP_PORT },
	};
	size_t i;

	if (!d->now)
		d->now = bgpd_clock_ms;
	d->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	d->epfd = epoll_create1(EPOLL_CLOEXEC);
	d->rib = rib_new();
	d->upd = malloc(sizeof(*d->upd));
	if (d->epfd < 0 || !d->rib || !d->upd) {
		snprintf(err, errlen, "out of resources");
		return -1;
	}
	for (i = 0; i < d->cfg.n_listen; i++)
		if (listener_open(d, &d->cfg.listen[i], true, err, errlen))
			return -1;
	for (i = 0; !d->cfg.n_listen && i < 2; i++)
		if (listener_open(d, &defaults[i], false, err, errlen))
			return -1;
	for (i = 0; i < d->cfg.n_neighbors; i++) {
		if (!session_new(d, &d->cfg.neighbors[i])) {
			snprintf(err, errlen, "neighbor %s: out of resources", d->cfg.neighbors[i].name);
			return -1;
		}
	}
	return 0;
}

void bgpd_reload(struct bgpd *d, struct config *cfg)
{
	struct config old = d->cfg;
	bool identity = cfg->router_id != old.router_id || cfg->local_as != old.local_as;
	size_t i;

	d->cfg = *cfg;
	memset(cfg, 0, sizeof(*cfg));
	/* Sessions point into the old config until re-pointed or removed. */
	for (i = d->n_sessions; i-- > 0;) {
		struct bgp_session *s = d->sessions[i];
		const struct config_neighbor *n = config_find_neighbor(&d->cfg, s->cfg->name);

		if (!n) {
			session_cease(s, BGP_CEASE_PEER_DECONFIGURED, NULL, "ManualStop");
			bgpd_log(d, LOG_NOTICE, "neighbor %s: removed", s->cfg->name);
			session_free(d, s);
			continue;
		}
		if (identity || config_neighbor_differs(s->cfg, n)) {
			bgpd_log(d, LOG_NOTICE, "neighbor %s: configuration changed", n->name);
			session_cease(s, BGP_CEASE_CONFIG_CHANGE, NULL, "ManualStop");
		}
		s->cfg = n;
	}
	for (i = 0; i < d->cfg.n_neighbors; i++) {
		if (!bgpd_find(d, d->cfg.neighbors[i].name)) {
			bgpd_log(d, LOG_NOTICE, "neighbor %s: added", d->cfg.neighbors[i].name);
			session_new(d, &d->cfg.neighbors[i]);
		}
	}
	if (d->cfg.n_listen != old.n_listen ||
	    memcmp(d->cfg.listen, old.listen, sizeof(old.listen)))
		bgpd_log(d, LOG_WARNING, "listen addresses changed: takes effect at restart");
	for (i = 0; i < d->n_listeners; i++)
		listener_configure(d, &d->listeners[i], &old);
	config_free(&old);
}

void bgpd_shutdown(struct bgpd *d, const char *msg)
{
	size_t i;

	while (d->n_sessions) {
		struct bgp_session *s = d->sessions[0];

		if (s->conn && !s->conn->connecting)
			send_cease(s->conn, BGP_CEASE_ADMIN_SHUTDOWN, msg);
		session_down(s, "ManualStop", "daemon shutting down", false);
		session_free(d, s);
	}
	free_dead(d);
	for (i = 0; i < d->n_listeners; i++)
		close(d->listeners[i].w.fd);
	free(d->sessions);
	rib_free(d->rib);
	free(d->upd);
	if (d->epfd >= 0)
		close(d->epfd);
	config_free(&d->cfg);
}
