/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Client of the kbfd generic netlink family (include/uapi/linux/kbfd.h),
 * built on libnl-genl-3. Used by the CLI and by peeredged.
 *
 * Use one client for commands and a separate one for events: a subscribed
 * socket receives events in between the replies to commands.
 *
 * Functions return 0 or a negative errno. When the kernel refused a
 * command, that is its own error (-EEXIST, -ENOENT, -EINVAL, -EPERM...) and
 * c->extack holds its extended ACK message if it gave one. Any other
 * failure leaves a complete, human reason in c->message: -ENOENT from
 * bfd_client_open() when the family is not registered (kbfd.ko is not
 * loaded), -EIO when netlink itself failed, -EPROTO for a reply that does
 * not parse.
 */
#ifndef PEEREDGE_BFD_CLIENT_H
#define PEEREDGE_BFD_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <uapi/linux/kbfd.h>

#include "cli_util.h"

/*
 * One session as the family describes it: what a command sends, what a
 * reply or an event carries. `present` has bit (1 << KBFD_A_x) set for
 * every attribute that is meaningful: bfd_session_from_msg() sets exactly
 * those it found, bfd_session_to_msg() sends those a command may carry.
 */
struct bfd_session {
	uint64_t present;

	/* key */
	struct ip_addr peer;
	struct ip_addr local;
	uint32_t ifindex;
	bool multihop;

	/* configuration */
	uint32_t desired_min_tx_us;
	uint32_t required_min_rx_us;
	uint8_t detect_mult;
	uint8_t admin_down;	/* 0 or 1, as on the wire */
	uint8_t auth_type;
	uint8_t auth_key_id;
	uint8_t auth_key_len;
	uint8_t auth_key[KBFD_AUTH_KEY_MAX];

	/* status, read only */
	uint8_t state;
	uint8_t remote_state;
	uint8_t diag;
	uint8_t remote_detect_mult;
	uint32_t local_discr;
	uint32_t remote_discr;
	uint32_t neg_tx_us;
	uint32_t neg_rx_us;
	uint32_t detect_time_us;
	uint32_t up_transitions;
	uint64_t rx_packets;
	uint64_t tx_packets;
	uint64_t rx_drops;

	/* events only */
	uint8_t old_state;
	uint64_t timestamp_ns;

	/* RFC 7130: the LAG of a member session; LAG_ADD's min-links */
	uint32_t lag_ifindex;
	uint32_t lag_min_links;
};

/* One member of a LAG, as KBFD_CMD_LAG_GET describes it. */
struct bfd_lag_member {
	uint32_t ifindex;
	uint32_t local_discr;
	uint32_t remote_discr;
	uint8_t state;
	uint8_t remote_state;
	uint8_t diag;
};

/*
 * A LAG (KBFD_CMD_LAG_GET reply) or a LAG event (KBFD_CMD_LAG_EVENT).
 * `present` has the attribute bits, as in struct bfd_session.
 */
struct bfd_lag {
	uint64_t present;
	uint32_t ifindex;		/* the bond */
	struct ip_addr peer;
	struct ip_addr local;
	uint32_t desired_min_tx_us;
	uint32_t required_min_rx_us;
	uint8_t detect_mult;
	uint8_t auth_type;
	uint8_t auth_key_id;
	uint32_t min_links;
	uint8_t state;			/* KBFD_STATE_DOWN or _UP */
	uint32_t members_up;
	size_t n_members;
	struct bfd_lag_member *members;	/* malloc'd, as many as the bond has */

	/* events only */
	uint8_t change;			/* enum kbfd_lag_change */
	uint8_t old_state;
	uint32_t member_ifindex;
	uint64_t timestamp_ns;
};

#define BFD_ATTR_BIT(attr) (UINT64_C(1) << (attr))

static inline bool bfd_has(const struct bfd_session *s, int attr)
{
	return s->present & BFD_ATTR_BIT(attr);
}

static inline void bfd_mark(struct bfd_session *s, int attr)
{
	s->present |= BFD_ATTR_BIT(attr);
}

/* Attribute policy for parsing what the kernel sends (libnl form). */
extern const struct nla_policy bfd_attr_policy[KBFD_A_MAX + 1];

/*
 * Puts the identity and configuration attributes present in s into msg:
 * what commands take. Status attributes are never sent. 0 or -EMSGSIZE.
 */
int bfd_session_to_msg(struct nl_msg *msg, const struct bfd_session *s);
/* Parses a kbfd genetlink message into s. 0 or -EINVAL (malformed). */
int bfd_session_from_msg(struct nlmsghdr *nlh, struct bfd_session *s);

/* RFC 5880 names: "Up", "Control Detection Time Expired", "keyed-sha1". */
const char *bfd_state_name(uint8_t state);
const char *bfd_diag_name(uint8_t diag);
const char *bfd_auth_name(uint8_t auth_type);

struct nl_sock;

struct bfd_client {
	struct nl_sock *sock;
	int family;
	char message[256];	/* reason for a failure not the kernel's, or "" */
	char extack[256];	/* the kernel's reason for refusing, or "" */
	char warning[256];	/* extended ACK message of a successful command */
};

/* Connects and resolves the family; -ENOENT when kbfd is not loaded. */
int bfd_client_open(struct bfd_client *c);
void bfd_client_close(struct bfd_client *c);

/* s carries the key (and for add/set, the attributes to change). */
int bfd_client_add(struct bfd_client *c, const struct bfd_session *s);
int bfd_client_set(struct bfd_client *c, const struct bfd_session *s);
int bfd_client_del(struct bfd_client *c, const struct bfd_session *s);

/*
 * LAGs (RFC 7130 micro-BFD on a bond's members). add takes lag_ifindex,
 * the peer, and optionally local, timers, auth and lag_min_links from s;
 * del takes lag_ifindex.
 */
int bfd_client_lag_add(struct bfd_client *c, const struct bfd_session *s);
int bfd_client_lag_del(struct bfd_client *c, const struct bfd_session *s);
/* Every LAG of the namespace, as a malloc'd array freed by bfd_lags_free(). */
int bfd_client_lag_dump(struct bfd_client *c, struct bfd_lag **lags, size_t *count);
/* The LAG on bond (-ENOENT: none); free lag->members with bfd_lag_clear(). */
int bfd_client_lag_get(struct bfd_client *c, uint32_t bond, struct bfd_lag *lag);
/*
 * Parses a KBFD_CMD_LAG_GET or _LAG_EVENT message: 0, -EINVAL, or -ENOMEM.
 * On success lag->members is the caller's, to free with bfd_lag_clear().
 */
int bfd_lag_from_msg(struct nlmsghdr *nlh, struct bfd_lag *lag);
void bfd_lag_clear(struct bfd_lag *lag);
void bfd_lags_free(struct bfd_lag *lags, size_t count);

/*
 * Every session of the namespace, as a malloc'd array the caller frees.
 * A dump interrupted by concurrent changes is retried.
 */
int bfd_client_dump(struct bfd_client *c, struct bfd_session **sessions, size_t *count);

/* Joins the events group; then poll bfd_client_fd() and call recv. */
int bfd_client_subscribe(struct bfd_client *c);
int bfd_client_fd(const struct bfd_client *c);

/*
 * Reads what is pending on a subscribed client (blocks if nothing is) and
 * calls on_event for every session event. -ENOBUFS when the socket
 * overflowed and events were lost; the client stays usable.
 */
typedef void (*bfd_event_fn)(const struct bfd_session *event, void *arg);
int bfd_client_recv_events(struct bfd_client *c, bfd_event_fn on_event, void *arg);

/* The same, with LAG events too (on_lag_event may be NULL). */
typedef void (*bfd_lag_event_fn)(const struct bfd_lag *event, void *arg);
int bfd_client_recv_all_events(struct bfd_client *c, bfd_event_fn on_event,
			       bfd_lag_event_fn on_lag_event, void *arg);

#endif
