// SPDX-License-Identifier: GPL-2.0
/* kbfd generic netlink client; see bfd_client.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/socket.h>

#include "bfd_client.h"
#include "nlreq.h"

/* A dump that keeps being interrupted by session changes is given up. */
#define DUMP_ATTEMPTS 3
/* Room for bursts of events (mass flaps) before the kernel drops them. */
#define EVENTS_RCVBUF (1 << 20)

#define ADDR_POLICY { .type = NLA_UNSPEC, .minlen = 4, .maxlen = 16 }

const struct nla_policy bfd_attr_policy[KBFD_A_MAX + 1] = {
	[KBFD_A_PEER_ADDR]		= ADDR_POLICY,
	[KBFD_A_LOCAL_ADDR]		= ADDR_POLICY,
	[KBFD_A_IFINDEX]		= { .type = NLA_U32 },
	[KBFD_A_MULTIHOP]		= { .type = NLA_FLAG },
	[KBFD_A_DESIRED_MIN_TX_US]	= { .type = NLA_U32 },
	[KBFD_A_REQUIRED_MIN_RX_US]	= { .type = NLA_U32 },
	[KBFD_A_DETECT_MULT]		= { .type = NLA_U8 },
	[KBFD_A_ADMIN_DOWN]		= { .type = NLA_U8 },
	[KBFD_A_AUTH_TYPE]		= { .type = NLA_U8 },
	[KBFD_A_AUTH_KEY_ID]		= { .type = NLA_U8 },
	[KBFD_A_AUTH_KEY]		= { .type = NLA_UNSPEC, .minlen = 1,
					    .maxlen = KBFD_AUTH_KEY_MAX },
	[KBFD_A_STATE]			= { .type = NLA_U8 },
	[KBFD_A_REMOTE_STATE]		= { .type = NLA_U8 },
	[KBFD_A_DIAG]			= { .type = NLA_U8 },
	[KBFD_A_LOCAL_DISCR]		= { .type = NLA_U32 },
	[KBFD_A_REMOTE_DISCR]		= { .type = NLA_U32 },
	[KBFD_A_NEG_TX_US]		= { .type = NLA_U32 },
	[KBFD_A_NEG_RX_US]		= { .type = NLA_U32 },
	[KBFD_A_REMOTE_DETECT_MULT]	= { .type = NLA_U8 },
	[KBFD_A_DETECT_TIME_US]		= { .type = NLA_U32 },
	[KBFD_A_RX_PACKETS]		= { .type = NLA_U64 },
	[KBFD_A_TX_PACKETS]		= { .type = NLA_U64 },
	[KBFD_A_RX_DROPS]		= { .type = NLA_U64 },
	[KBFD_A_UP_TRANSITIONS]		= { .type = NLA_U32 },
	[KBFD_A_OLD_STATE]		= { .type = NLA_U8 },
	[KBFD_A_TIMESTAMP_NS]		= { .type = NLA_U64 },
	[KBFD_A_LAG_IFINDEX]		= { .type = NLA_U32 },
	[KBFD_A_LAG_MIN_LINKS]		= { .type = NLA_U32 },
	[KBFD_A_LAG_STATE]		= { .type = NLA_U8 },
	[KBFD_A_LAG_OLD_STATE]		= { .type = NLA_U8 },
	[KBFD_A_LAG_MEMBERS_UP]		= { .type = NLA_U32 },
	[KBFD_A_LAG_MEMBER]		= { .type = NLA_NESTED },
	[KBFD_A_LAG_CHANGE]		= { .type = NLA_U8 },
};

#define PUT(s, attr, put_expr)					\
	do {							\
		if (bfd_has(s, attr) && (put_expr) < 0)		\
			return -EMSGSIZE;			\
	} while (0)

int bfd_session_to_msg(struct nl_msg *msg, const struct bfd_session *s)
{
	PUT(s, KBFD_A_PEER_ADDR,
	    nla_put(msg, KBFD_A_PEER_ADDR, ip_addr_len(&s->peer), s->peer.bytes));
	PUT(s, KBFD_A_LOCAL_ADDR,
	    nla_put(msg, KBFD_A_LOCAL_ADDR, ip_addr_len(&s->local), s->local.bytes));
	PUT(s, KBFD_A_IFINDEX, nla_put_u32(msg, KBFD_A_IFINDEX, s->ifindex));
	if (s->multihop)
		PUT(s, KBFD_A_MULTIHOP, nla_put_flag(msg, KBFD_A_MULTIHOP));
	PUT(s, KBFD_A_LOCAL_DISCR, nla_put_u32(msg, KBFD_A_LOCAL_DISCR, s->local_discr));
	PUT(s, KBFD_A_DESIRED_MIN_TX_US,
	    nla_put_u32(msg, KBFD_A_DESIRED_MIN_TX_US, s->desired_min_tx_us));
	PUT(s, KBFD_A_REQUIRED_MIN_RX_US,
	    nla_put_u32(msg, KBFD_A_REQUIRED_MIN_RX_US, s->required_min_rx_us));
	PUT(s, KBFD_A_DETECT_MULT, nla_put_u8(msg, KBFD_A_DETECT_MULT, s->detect_mult));
	PUT(s, KBFD_A_ADMIN_DOWN, nla_put_u8(msg, KBFD_A_ADMIN_DOWN, s->admin_down));
	PUT(s, KBFD_A_AUTH_TYPE, nla_put_u8(msg, KBFD_A_AUTH_TYPE, s->auth_type));
	PUT(s, KBFD_A_AUTH_KEY_ID, nla_put_u8(msg, KBFD_A_AUTH_KEY_ID, s->auth_key_id));
	PUT(s, KBFD_A_AUTH_KEY,
	    nla_put(msg, KBFD_A_AUTH_KEY, s->auth_key_len, s->auth_key));
	PUT(s, KBFD_A_LAG_IFINDEX, nla_put_u32(msg, KBFD_A_LAG_IFINDEX, s->lag_ifindex));
	PUT(s, KBFD_A_LAG_MIN_LINKS,
	    nla_put_u32(msg, KBFD_A_LAG_MIN_LINKS, s->lag_min_links));
	return 0;
}

#define GET(tb, s, attr, member, getter)			\
	do {							\
		if (tb[attr]) {					\
			(s)->member = getter(tb[attr]);		\
			bfd_mark(s, attr);			\
		}						\
	} while (0)

static int get_addr(struct nlattr **tb, struct bfd_session *s, int attr,
		    struct ip_addr *addr)
{
	if (!tb[attr])
		return 0;
	if (ip_addr_from_bytes(addr, nla_data(tb[attr]), nla_len(tb[attr])))
		return -EINVAL;
	bfd_mark(s, attr);
	return 0;
}

int bfd_session_from_msg(struct nlmsghdr *nlh, struct bfd_session *s)
{
	struct nlattr *tb[KBFD_A_MAX + 1];

	memset(s, 0, sizeof(*s));
	if (genlmsg_parse(nlh, 0, tb, KBFD_A_MAX, bfd_attr_policy) < 0 ||
	    get_addr(tb, s, KBFD_A_PEER_ADDR, &s->peer) ||
	    get_addr(tb, s, KBFD_A_LOCAL_ADDR, &s->local))
		return -EINVAL;
	if (tb[KBFD_A_AUTH_KEY]) {
		s->auth_key_len = nla_len(tb[KBFD_A_AUTH_KEY]);
		memcpy(s->auth_key, nla_data(tb[KBFD_A_AUTH_KEY]), s->auth_key_len);
		bfd_mark(s, KBFD_A_AUTH_KEY);
	}
	GET(tb, s, KBFD_A_IFINDEX, ifindex, nla_get_u32);
	GET(tb, s, KBFD_A_MULTIHOP, multihop, nla_get_flag);
	GET(tb, s, KBFD_A_DESIRED_MIN_TX_US, desired_min_tx_us, nla_get_u32);
	GET(tb, s, KBFD_A_REQUIRED_MIN_RX_US, required_min_rx_us, nla_get_u32);
	GET(tb, s, KBFD_A_DETECT_MULT, detect_mult, nla_get_u8);
	GET(tb, s, KBFD_A_ADMIN_DOWN, admin_down, nla_get_u8);
	GET(tb, s, KBFD_A_AUTH_TYPE, auth_type, nla_get_u8);
	GET(tb, s, KBFD_A_AUTH_KEY_ID, auth_key_id, nla_get_u8);
	GET(tb, s, KBFD_A_STATE, state, nla_get_u8);
	GET(tb, s, KBFD_A_REMOTE_STATE, remote_state, nla_get_u8);
	GET(tb, s, KBFD_A_DIAG, diag, nla_get_u8);
	GET(tb, s, KBFD_A_LOCAL_DISCR, local_discr, nla_get_u32);
	GET(tb, s, KBFD_A_REMOTE_DISCR, remote_discr, nla_get_u32);
	GET(tb, s, KBFD_A_NEG_TX_US, neg_tx_us, nla_get_u32);
	GET(tb, s, KBFD_A_NEG_RX_US, neg_rx_us, nla_get_u32);
	GET(tb, s, KBFD_A_REMOTE_DETECT_MULT, remote_detect_mult, nla_get_u8);
	GET(tb, s, KBFD_A_DETECT_TIME_US, detect_time_us, nla_get_u32);
	GET(tb, s, KBFD_A_RX_PACKETS, rx_packets, nla_get_u64);
	GET(tb, s, KBFD_A_TX_PACKETS, tx_packets, nla_get_u64);
	GET(tb, s, KBFD_A_RX_DROPS, rx_drops, nla_get_u64);
	GET(tb, s, KBFD_A_UP_TRANSITIONS, up_transitions, nla_get_u32);
	GET(tb, s, KBFD_A_OLD_STATE, old_state, nla_get_u8);
	GET(tb, s, KBFD_A_TIMESTAMP_NS, timestamp_ns, nla_get_u64);
	GET(tb, s, KBFD_A_LAG_IFINDEX, lag_ifindex, nla_get_u32);
	return 0;
}

#define LAG_MARK(l, attr) ((l)->present |= BFD_ATTR_BIT(attr))
#define LAG_GET(tb, l, attr, member, getter)			\
	do {							\
		if (tb[attr]) {					\
			(l)->member = getter(tb[attr]);		\
			LAG_MARK(l, attr);			\
		}						\
	} while (0)

static int lag_member_from_attr(struct nlattr *nest, struct bfd_lag_member *m)
{
	struct nlattr *tb[KBFD_A_MAX + 1];

	memset(m, 0, sizeof(*m));
	if (nla_parse_nested(tb, KBFD_A_MAX, nest, bfd_attr_policy) < 0 ||
	    !tb[KBFD_A_IFINDEX])
		return -EINVAL;
	m->ifindex = nla_get_u32(tb[KBFD_A_IFINDEX]);
	if (tb[KBFD_A_LOCAL_DISCR])
		m->local_discr = nla_get_u32(tb[KBFD_A_LOCAL_DISCR]);
	if (tb[KBFD_A_REMOTE_DISCR])
		m->remote_discr = nla_get_u32(tb[KBFD_A_REMOTE_DISCR]);
	if (tb[KBFD_A_STATE])
		m->state = nla_get_u8(tb[KBFD_A_STATE]);
	if (tb[KBFD_A_REMOTE_STATE])
		m->remote_state = nla_get_u8(tb[KBFD_A_REMOTE_STATE]);
	if (tb[KBFD_A_DIAG])
		m->diag = nla_get_u8(tb[KBFD_A_DIAG]);
	return 0;
}

int bfd_lag_from_msg(struct nlmsghdr *nlh, struct bfd_lag *l)
{
	struct nlattr *tb[KBFD_A_MAX + 1], *a;
	struct bfd_session tmp;
	size_t count = 0;
	int rem;

	memset(l, 0, sizeof(*l));
	memset(&tmp, 0, sizeof(tmp));
	if (genlmsg_parse(nlh, 0, tb, KBFD_A_MAX, bfd_attr_policy) < 0 ||
	    get_addr(tb, &tmp, KBFD_A_PEER_ADDR, &l->peer) ||
	    get_addr(tb, &tmp, KBFD_A_LOCAL_ADDR, &l->local))
		return -EINVAL;
	l->present = tmp.present;
	LAG_GET(tb, l, KBFD_A_LAG_IFINDEX, ifindex, nla_get_u32);
	LAG_GET(tb, l, KBFD_A_DESIRED_MIN_TX_US, desired_min_tx_us, nla_get_u32);
	LAG_GET(tb, l, KBFD_A_REQUIRED_MIN_RX_US, required_min_rx_us, nla_get_u32);
	LAG_GET(tb, l, KBFD_A_DETECT_MULT, detect_mult, nla_get_u8);
	LAG_GET(tb, l, KBFD_A_AUTH_TYPE, auth_type, nla_get_u8);
	LAG_GET(tb, l, KBFD_A_AUTH_KEY_ID, auth_key_id, nla_get_u8);
	LAG_GET(tb, l, KBFD_A_LAG_MIN_LINKS, min_links, nla_get_u32);
	LAG_GET(tb, l, KBFD_A_LAG_STATE, state, nla_get_u8);
	LAG_GET(tb, l, KBFD_A_LAG_OLD_STATE, old_state, nla_get_u8);
	LAG_GET(tb, l, KBFD_A_LAG_MEMBERS_UP, members_up, nla_get_u32);
	LAG_GET(tb, l, KBFD_A_LAG_CHANGE, change, nla_get_u8);
	LAG_GET(tb, l, KBFD_A_IFINDEX, member_ifindex, nla_get_u32);
	LAG_GET(tb, l, KBFD_A_TIMESTAMP_NS, timestamp_ns, nla_get_u64);
	if (!tb[KBFD_A_LAG_IFINDEX])
		return -EINVAL;
	/* The members are repeated attributes of the top level: counted, then read. */
	nlmsg_for_each_attr(a, nlh, GENL_HDRLEN, rem)
		count += nla_type(a) == KBFD_A_LAG_MEMBER;
	if (!count)
		return 0;
	l->members = calloc(count, sizeof(*l->members));
	if (!l->members)
		return -ENOMEM;
	nlmsg_for_each_attr(a, nlh, GENL_HDRLEN, rem) {
		if (nla_type(a) != KBFD_A_LAG_MEMBER)
			continue;
		if (lag_member_from_attr(a, &l->members[l->n_members])) {
			bfd_lag_clear(l);
			return -EINVAL;
		}
		l->n_members++;
	}
	return 0;
}

void bfd_lag_clear(struct bfd_lag *l)
{
	free(l->members);
	l->members = NULL;
	l->n_members = 0;
}

void bfd_lags_free(struct bfd_lag *lags, size_t count)
{
	for (size_t i = 0; i < count; i++)
		bfd_lag_clear(&lags[i]);
	free(lags);
}

const char *bfd_state_name(uint8_t state)
{
	static const char *const names[] = {
		[KBFD_STATE_ADMIN_DOWN]	= "AdminDown",
		[KBFD_STATE_DOWN]	= "Down",
		[KBFD_STATE_INIT]	= "Init",
		[KBFD_STATE_UP]		= "Up",
	};

	return state < sizeof(names) / sizeof(names[0]) ? names[state] : "Unknown";
}

const char *bfd_diag_name(uint8_t diag)
{
	static const char *const names[] = {
		[KBFD_DIAG_NONE]		= "No Diagnostic",
		[KBFD_DIAG_DETECT_EXPIRED]	= "Control Detection Time Expired",
		[KBFD_DIAG_ECHO_FAILED]		= "Echo Function Failed",
		[KBFD_DIAG_NEIGHBOR_DOWN]	= "Neighbor Signaled Session Down",
		[KBFD_DIAG_FWD_PLANE_RESET]	= "Forwarding Plane Reset",
		[KBFD_DIAG_PATH_DOWN]		= "Path Down",
		[KBFD_DIAG_CONCAT_PATH_DOWN]	= "Concatenated Path Down",
		[KBFD_DIAG_ADMIN_DOWN]		= "Administratively Down",
		[KBFD_DIAG_REV_CONCAT_PATH_DOWN] = "Reverse Concatenated Path Down",
	};

	return diag < sizeof(names) / sizeof(names[0]) ? names[diag] : "Reserved";
}

const char *bfd_auth_name(uint8_t auth_type)
{
	static const char *const names[] = {
		[KBFD_AUTH_NONE]		= "none",
		[KBFD_AUTH_SIMPLE]		= "simple",
		[KBFD_AUTH_KEYED_MD5]		= "keyed-md5",
		[KBFD_AUTH_METICULOUS_MD5]	= "meticulous-md5",
		[KBFD_AUTH_KEYED_SHA1]		= "keyed-sha1",
		[KBFD_AUTH_METICULOUS_SHA1]	= "meticulous-sha1",
	};

	return auth_type < sizeof(names) / sizeof(names[0]) ? names[auth_type] : "unknown";
}

static int libnl_failure(struct bfd_client *c, int nlerr, const char *what)
{
	snprintf(c->message, sizeof(c->message), "%s: %s", what, nl_geterror(nlerr));
	return -EIO;
}

/* Sessions collected from the replies of a dump. */
struct collected {
	struct bfd_session *sessions;
	size_t count, capacity;
	bool malformed;
};

static int on_session(struct nl_msg *msg, void *arg)
{
	struct collected *col = arg;
	struct bfd_session *grown;
	size_t capacity;

	if (col->count == col->capacity) {
		capacity = col->capacity ? 2 * col->capacity : 16;
		grown = realloc(col->sessions, capacity * sizeof(*grown));
		if (!grown)
			return -NLE_NOMEM;
		col->sessions = grown;
		col->capacity = capacity;
	}
	if (bfd_session_from_msg(nlmsg_hdr(msg), &col->sessions[col->count]))
		col->malformed = true;
	else
		col->count++;
	return NL_OK;
}

/*
 * Sends msg and reads its answer; a dump's sessions go into col (NULL for
 * commands: the description ADD returns is not needed).
 */
static int run_request(struct bfd_client *c, struct nl_msg *msg, struct collected *col,
		       bool *interrupted)
{
	struct nlreq req = { .on_reply = col ? on_session : NULL, .arg = col };
	int err;

	err = nlreq_run(c->sock, &msg, 1, &req);
	snprintf(c->message, sizeof(c->message), "%s", req.reason);
	snprintf(c->extack, sizeof(c->extack), "%s", req.extack);
	snprintf(c->warning, sizeof(c->warning), "%s", req.warning);
	if (interrupted)
		*interrupted = req.interrupted;
	if (!err && col && col->malformed) {
		snprintf(c->message, sizeof(c->message),
			 "kbfd sent a session this client cannot parse");
		err = -EPROTO;
	}
	return err;
}

static struct nl_msg *new_request(struct bfd_client *c, uint8_t cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg && !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, c->family, 0,
				flags, cmd, KBFD_GENL_VERSION)) {
		nlmsg_free(msg);
		msg = NULL;
	}
	return msg;
}

static int session_command(struct bfd_client *c, uint8_t cmd, const struct bfd_session *s)
{
	struct nl_msg *msg;
	int err;

	msg = new_request(c, cmd, 0);
	if (!msg)
		return libnl_failure(c, -NLE_NOMEM, "building the request");
	err = bfd_session_to_msg(msg, s);
	if (err)
		err = libnl_failure(c, -NLE_NOMEM, "building the request");
	else
		err = run_request(c, msg, NULL, NULL);
	nlmsg_free(msg);
	return err;
}

int bfd_client_add(struct bfd_client *c, const struct bfd_session *s)
{
	return session_command(c, KBFD_CMD_SESSION_ADD, s);
}

int bfd_client_set(struct bfd_client *c, const struct bfd_session *s)
{
	return session_command(c, KBFD_CMD_SESSION_SET, s);
}

int bfd_client_del(struct bfd_client *c, const struct bfd_session *s)
{
	return session_command(c, KBFD_CMD_SESSION_DEL, s);
}

int bfd_client_lag_add(struct bfd_client *c, const struct bfd_session *s)
{
	return session_command(c, KBFD_CMD_LAG_ADD, s);
}

int bfd_client_lag_del(struct bfd_client *c, const struct bfd_session *s)
{
	return session_command(c, KBFD_CMD_LAG_DEL, s);
}

struct collected_lags {
	struct bfd_lag *lags;
	size_t count, capacity;
	bool malformed;
};

static int on_lag(struct nl_msg *msg, void *arg)
{
	struct collected_lags *col = arg;
	struct bfd_lag *grown;
	size_t capacity;

	if (col->count == col->capacity) {
		capacity = col->capacity ? 2 * col->capacity : 4;
		grown = realloc(col->lags, capacity * sizeof(*grown));
		if (!grown)
			return -NLE_NOMEM;
		col->lags = grown;
		col->capacity = capacity;
	}
	switch (bfd_lag_from_msg(nlmsg_hdr(msg), &col->lags[col->count])) {
	case 0:
		col->count++;
		break;
	case -ENOMEM:
		return -NLE_NOMEM;
	default:
		col->malformed = true;
	}
	return NL_OK;
}

/*
 * Sends a LAG_GET (a dump or one LAG) and collects the LAGs of its answer
 * into col, which the caller frees whatever the outcome; interrupted (may
 * be NULL): the dump met a change.
 */
static int lag_request(struct bfd_client *c, int flags, uint32_t bond,
		       struct collected_lags *col, bool *interrupted)
{
	struct nlreq req = { .on_reply = on_lag, .arg = col };
	struct nl_msg *msg;
	int err;

	*col = (struct collected_lags){ 0 };
	msg = new_request(c, KBFD_CMD_LAG_GET, flags);
	if (!msg || (bond && nla_put_u32(msg, KBFD_A_LAG_IFINDEX, bond))) {
		nlmsg_free(msg);
		return libnl_failure(c, -NLE_NOMEM, "building the request");
	}
	err = nlreq_run(c->sock, &msg, 1, &req);
	nlmsg_free(msg);
	snprintf(c->message, sizeof(c->message), "%s", req.reason);
	snprintf(c->extack, sizeof(c->extack), "%s", req.extack);
	if (!err && col->malformed) {
		snprintf(c->message, sizeof(c->message),
			 "kbfd sent a LAG this client cannot parse");
		err = -EPROTO;
	}
	if (interrupted)
		*interrupted = req.interrupted;
	return err;
}

int bfd_client_lag_dump(struct bfd_client *c, struct bfd_lag **lags, size_t *count)
{
	struct collected_lags col;
	bool interrupted;
	int attempt, err = 0;

	for (attempt = 0; attempt < DUMP_ATTEMPTS; attempt++) {
		err = lag_request(c, NLM_F_DUMP, 0, &col, &interrupted);
		if (err || !interrupted)
			break;
		bfd_lags_free(col.lags, col.count);
		col.lags = NULL;
		col.count = 0;
		snprintf(c->message, sizeof(c->message), "LAGs kept changing during the dump");
		err = -EAGAIN;
	}
	if (err) {
		bfd_lags_free(col.lags, col.count);
		return err;
	}
	*lags = col.lags;
	*count = col.count;
	return 0;
}

int bfd_client_lag_get(struct bfd_client *c, uint32_t bond, struct bfd_lag *lag)
{
	struct collected_lags col;
	int err;

	err = lag_request(c, 0, bond, &col, NULL);
	if (!err && col.count != 1) {
		snprintf(c->message, sizeof(c->message),
			 "kbfd answered with %zu LAGs for one", col.count);
		err = -EPROTO;
	}
	if (err) {
		bfd_lags_free(col.lags, col.count);
		return err;
	}
	*lag = col.lags[0];
	free(col.lags);
	return 0;
}

int bfd_client_dump(struct bfd_client *c, struct bfd_session **sessions, size_t *count)
{
	struct collected col;
	struct nl_msg *msg;
	bool interrupted = false;
	int attempt, err = 0;

	for (attempt = 0; attempt < DUMP_ATTEMPTS; attempt++) {
		col = (struct collected){ 0 };
		msg = new_request(c, KBFD_CMD_SESSION_GET, NLM_F_DUMP);
		if (!msg)
			return libnl_failure(c, -NLE_NOMEM, "building the request");
		err = run_request(c, msg, &col, &interrupted);
		nlmsg_free(msg);
		if (err || !interrupted)
			break;
		free(col.sessions);
		col.sessions = NULL;
		snprintf(c->message, sizeof(c->message),
			 "sessions kept changing during the dump");
		err = -EAGAIN;
	}
	if (err) {
		free(col.sessions);
		return err;
	}
	*sessions = col.sessions;
	*count = col.count;
	return 0;
}

int bfd_client_open(struct bfd_client *c)
{
	int err;

	memset(c, 0, sizeof(*c));
	c->sock = nl_socket_alloc();
	if (!c->sock)
		return libnl_failure(c, -NLE_NOMEM, "allocating a netlink socket");
	err = genl_connect(c->sock);
	if (err < 0) {
		err = libnl_failure(c, err, "connecting to generic netlink");
		goto fail;
	}
	nlreq_socket_setup(c->sock);

	c->family = genl_ctrl_resolve(c->sock, KBFD_GENL_NAME);
	if (c->family == -NLE_OBJ_NOTFOUND) {
		snprintf(c->message, sizeof(c->message),
			 "kbfd module is not loaded (modprobe kbfd)");
		err = -ENOENT;
		goto fail;
	}
	if (c->family < 0) {
		err = libnl_failure(c, c->family, "resolving the kbfd family");
		goto fail;
	}
	return 0;
fail:
	nl_socket_free(c->sock);
	c->sock = NULL;
	return err;
}

void bfd_client_close(struct bfd_client *c)
{
	nl_socket_free(c->sock);
	c->sock = NULL;
}

int bfd_client_subscribe(struct bfd_client *c)
{
	int group, err;

	group = genl_ctrl_resolve_grp(c->sock, KBFD_GENL_NAME, KBFD_GENL_MCGRP_EVENTS);
	if (group < 0)
		return libnl_failure(c, group, "resolving the kbfd events group");
	err = nl_socket_add_membership(c->sock, group);
	if (err < 0)
		return libnl_failure(c, err, "joining the kbfd events group");
	/* Best effort: above net.core.rmem_max it is capped, not refused. */
	nl_socket_set_buffer_size(c->sock, EVENTS_RCVBUF, 0);
	return 0;
}

int bfd_client_fd(const struct bfd_client *c)
{
	return nl_socket_get_fd(c->sock);
}

struct event_delivery {
	bfd_event_fn on_event;
	bfd_lag_event_fn on_lag_event;
	void *arg;
};

static int on_event_message(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct event_delivery *delivery = arg;
	struct bfd_session event;
	struct bfd_lag lag;

	if (!genlmsg_valid_hdr(nlh, 0))
		return NL_SKIP;
	if (genlmsg_hdr(nlh)->cmd == KBFD_CMD_LAG_EVENT && delivery->on_lag_event) {
		if (bfd_lag_from_msg(nlh, &lag))
			return NL_SKIP;
		delivery->on_lag_event(&lag, delivery->arg);
		bfd_lag_clear(&lag);
		return NL_OK;
	}
	if (genlmsg_hdr(nlh)->cmd != KBFD_CMD_SESSION_EVENT ||
	    bfd_session_from_msg(nlh, &event))
		return NL_SKIP;
	delivery->on_event(&event, delivery->arg);
	return NL_OK;
}

int bfd_client_recv_events(struct bfd_client *c, bfd_event_fn on_event, void *arg)
{
	return bfd_client_recv_all_events(c, on_event, NULL, arg);
}

int bfd_client_recv_all_events(struct bfd_client *c, bfd_event_fn on_event,
			       bfd_lag_event_fn on_lag_event, void *arg)
{
	struct event_delivery delivery = {
		.on_event = on_event, .on_lag_event = on_lag_event, .arg = arg,
	};
	struct nl_cb *cb;
	int err;

	c->message[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return libnl_failure(c, -NLE_NOMEM, "allocating callbacks");
	/* Events are unsolicited: they carry no sequence number to check. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, nlreq_any_sequence, NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_event_message, &delivery);
	err = nl_recvmsgs(c->sock, cb);
	nl_cb_put(cb);
	if (err == -NLE_NOMEM) {
		/* recvmsg() failed with ENOBUFS: the kernel dropped events. */
		snprintf(c->message, sizeof(c->message),
			 "events were lost: the receive buffer overflowed");
		return -ENOBUFS;
	}
	if (err < 0)
		return libnl_failure(c, err, "receiving kbfd events");
	return 0;
}
