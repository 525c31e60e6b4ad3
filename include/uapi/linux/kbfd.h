/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * kbfd: in-kernel Bidirectional Forwarding Detection (RFC 5880, 5881, 5883,
 * 7130) configured over generic netlink.
 *
 * Family name: KBFD_GENL_NAME ("kbfd"), version KBFD_GENL_VERSION.
 * Multicast group: KBFD_GENL_MCGRP_EVENTS ("events").
 *
 * Every session belongs to the network namespace of the socket that created
 * it and is destroyed with that namespace. Commands that change state
 * (KBFD_CMD_SESSION_ADD, _DEL, _SET, KBFD_CMD_LAG_ADD, _DEL) require
 * CAP_NET_ADMIN in the user namespace owning the network namespace;
 * KBFD_CMD_SESSION_GET and KBFD_CMD_LAG_GET are open to everyone.
 * Attributes are validated strictly: an unknown attribute, a wrong length
 * or a value out of range is refused with -EINVAL (or -ERANGE) and an
 * extended ACK message naming the attribute; nothing is changed then.
 *
 * Identifying a session
 * ---------------------
 * A session is identified either by its local discriminator
 * (KBFD_A_LOCAL_DISCR), or by its key: the tuple
 *
 *   KBFD_A_PEER_ADDR, KBFD_A_LOCAL_ADDR, KBFD_A_IFINDEX, KBFD_A_MULTIHOP
 *
 * where an absent KBFD_A_LOCAL_ADDR means "unspecified" (the source address
 * is chosen by routing) and an absent KBFD_A_IFINDEX means "any interface".
 * Addresses are raw network-order bytes: 4 bytes for IPv4, 16 for IPv6; the
 * family is given by the length. Both addresses of one session have the same
 * family. DEL, SET and GET name a session with the same key it was added
 * with (or by its discriminator).
 *
 * KBFD_CMD_SESSION_ADD
 *   Required: KBFD_A_PEER_ADDR.
 *   Optional: KBFD_A_LOCAL_ADDR, KBFD_A_IFINDEX, KBFD_A_MULTIHOP,
 *             KBFD_A_DESIRED_MIN_TX_US, KBFD_A_REQUIRED_MIN_RX_US,
 *             KBFD_A_DETECT_MULT, KBFD_A_ADMIN_DOWN,
 *             KBFD_A_AUTH_TYPE, KBFD_A_AUTH_KEY_ID, KBFD_A_AUTH_KEY.
 *   Defaults: 300000 us x 3, not admin-down, no authentication.
 *   A session with the same key already existing: -EEXIST.
 *   Single-hop sessions (RFC 5881) use UDP port 3784 and require TTL / hop
 *   limit 255 on receive; multihop sessions (RFC 5883) use UDP port 4784.
 *   The reply is a KBFD_CMD_SESSION_GET message describing the new session.
 *
 * KBFD_CMD_SESSION_DEL
 *   Required: the session's identity (see above). Unknown: -ENOENT.
 *   The peer is told AdminDown before the session is freed.
 *
 * KBFD_CMD_SESSION_SET
 *   Required: the session's identity. Any of the optional attributes of
 *   KBFD_CMD_SESSION_ADD may be given; those absent are left unchanged.
 *   Timer changes on an Up session go through a Poll sequence (RFC 5880
 *   6.8.3) and never take the session down. KBFD_A_ADMIN_DOWN 1 / 0 moves
 *   the session to AdminDown / back to Down.
 *
 * KBFD_CMD_SESSION_GET
 *   doit: the session's identity; replies with one session.
 *   dumpit (NLM_F_DUMP): every session of the namespace, one message each.
 *   Each reply carries the key attributes, the configuration attributes
 *   (never KBFD_A_AUTH_KEY) and the read-only status attributes:
 *   KBFD_A_STATE, KBFD_A_REMOTE_STATE, KBFD_A_DIAG, KBFD_A_LOCAL_DISCR,
 *   KBFD_A_REMOTE_DISCR, KBFD_A_NEG_TX_US, KBFD_A_NEG_RX_US,
 *   KBFD_A_REMOTE_DETECT_MULT, KBFD_A_DETECT_TIME_US, KBFD_A_RX_PACKETS,
 *   KBFD_A_TX_PACKETS, KBFD_A_RX_DROPS, KBFD_A_UP_TRANSITIONS.
 *
 * KBFD_CMD_SESSION_EVENT (multicast on KBFD_GENL_MCGRP_EVENTS only)
 *   Sent on every state change of a session: the key attributes,
 *   KBFD_A_LOCAL_DISCR, KBFD_A_OLD_STATE, KBFD_A_STATE, KBFD_A_DIAG and
 *   KBFD_A_TIMESTAMP_NS (CLOCK_MONOTONIC, ns, taken where the change was
 *   decided: in the receive path or the detection timer).
 *
 * Micro-BFD on LAG members (RFC 7130)
 * -----------------------------------
 * A LAG is a bonding device (identified by KBFD_A_LAG_IFINDEX) on whose
 * every member (enslaved port) kbfd runs one RFC 7130 session: UDP port
 * 6784, destination MAC 01-00-5E-90-00-01, TTL / hop limit 255, over IPv4
 * or IPv6 as KBFD_A_PEER_ADDR is, sent and received on the member itself,
 * never through the bond's IP stack. Members are
 * tracked: a port enslaved later gets a session, a released one loses it.
 * A member whose session is not Up carries no data in either direction
 * (BFD and link-local control frames such as LACPDUs still flow): frames
 * the bond hands it are re-sent on a member whose session is Up (or
 * dropped when there is none) and data frames it receives are dropped.
 * The LAG itself is Up while at least KBFD_A_LAG_MIN_LINKS members are Up.
 * Member sessions are ordinary sessions for KBFD_CMD_SESSION_GET (they carry
 * KBFD_A_LAG_IFINDEX, and KBFD_A_IFINDEX names the member) but belong to
 * their LAG: KBFD_CMD_SESSION_SET and _DEL refuse them with -EBUSY.
 *
 * KBFD_CMD_LAG_ADD
 *   Required: KBFD_A_LAG_IFINDEX (a bonding device of this namespace;
 *             anything else: -ENODEV / -EINVAL), KBFD_A_PEER_ADDR.
 *   Optional: KBFD_A_LOCAL_ADDR (default: the bond's source address
 *             towards the peer, of the peer's family, which must be an
 *             address of the bond itself, global and not tentative in
 *             IPv6; otherwise -EADDRNOTAVAIL), KBFD_A_DESIRED_MIN_TX_US,
 *             KBFD_A_REQUIRED_MIN_RX_US, KBFD_A_DETECT_MULT,
 *             KBFD_A_AUTH_TYPE, KBFD_A_AUTH_KEY_ID, KBFD_A_AUTH_KEY,
 *             KBFD_A_LAG_MIN_LINKS (default 1): the configuration of every
 *             member session.
 *   A LAG on the same bond already existing: -EEXIST. On any failure
 *   nothing is left behind. The reply is a KBFD_CMD_LAG_GET message.
 *
 * KBFD_CMD_LAG_DEL
 *   Required: KBFD_A_LAG_IFINDEX. Unknown: -ENOENT. The member sessions
 *   tell their peers AdminDown, the members carry data again.
 *
 * KBFD_CMD_LAG_GET
 *   doit: KBFD_A_LAG_IFINDEX; dumpit: every LAG of the namespace.
 *   Replies carry KBFD_A_LAG_IFINDEX, KBFD_A_PEER_ADDR, KBFD_A_LOCAL_ADDR,
 *   the configuration attributes (never KBFD_A_AUTH_KEY),
 *   KBFD_A_LAG_MIN_LINKS, KBFD_A_LAG_STATE, KBFD_A_LAG_MEMBERS_UP and one
 *   nested KBFD_A_LAG_MEMBER per member holding KBFD_A_IFINDEX,
 *   KBFD_A_LOCAL_DISCR, KBFD_A_REMOTE_DISCR, KBFD_A_STATE,
 *   KBFD_A_REMOTE_STATE and KBFD_A_DIAG. A reply holds the whole LAG
 *   whatever its size (52 bytes a member), so may be longer than a page:
 *   receive with MSG_PEEK or a large buffer. A dump's messages are
 *   allocated for the largest LAG when it starts; a LAG that outgrows that
 *   during the dump ends it with -EMSGSIZE, never with a LAG cut short.
 *
 * KBFD_CMD_LAG_EVENT (multicast on KBFD_GENL_MCGRP_EVENTS only)
 *   Sent when the LAG's state changes (KBFD_A_LAG_CHANGE
 *   KBFD_LAG_CHANGE_STATE), a member joins or leaves (_MEMBER_ADD,
 *   _MEMBER_DEL, with KBFD_A_IFINDEX naming it) and when the LAG goes away
 *   because its bond was deleted (_DELETED). Carries KBFD_A_LAG_IFINDEX,
 *   KBFD_A_LAG_CHANGE, KBFD_A_LAG_OLD_STATE, KBFD_A_LAG_STATE,
 *   KBFD_A_LAG_MEMBERS_UP, KBFD_A_LAG_MIN_LINKS and KBFD_A_TIMESTAMP_NS.
 *   State changes of a member's session are KBFD_CMD_SESSION_EVENTs with
 *   KBFD_A_LAG_IFINDEX added.
 */
#ifndef _UAPI_LINUX_KBFD_H
#define _UAPI_LINUX_KBFD_H

#define KBFD_GENL_NAME		"kbfd"
#define KBFD_GENL_VERSION	1
#define KBFD_GENL_MCGRP_EVENTS	"events"

/* Interval limits, microseconds. */
#define KBFD_MIN_INTERVAL_US		100
#define KBFD_MAX_INTERVAL_US		60000000
#define KBFD_DEFAULT_INTERVAL_US	300000
#define KBFD_DEFAULT_DETECT_MULT	3

/* Longest key: 16 bytes for simple password, 16 for MD5, 20 for SHA1. */
#define KBFD_AUTH_KEY_MAX	20

enum kbfd_cmd {
	KBFD_CMD_UNSPEC,
	KBFD_CMD_SESSION_GET,
	KBFD_CMD_SESSION_ADD,
	KBFD_CMD_SESSION_DEL,
	KBFD_CMD_SESSION_SET,
	KBFD_CMD_SESSION_EVENT,
	KBFD_CMD_LAG_GET,
	KBFD_CMD_LAG_ADD,
	KBFD_CMD_LAG_DEL,
	KBFD_CMD_LAG_EVENT,
	__KBFD_CMD_MAX
};

#define KBFD_CMD_MAX (__KBFD_CMD_MAX - 1)

/* Session states, with the values RFC 5880 section 4.1 puts on the wire. */
enum kbfd_state {
	KBFD_STATE_ADMIN_DOWN	= 0,
	KBFD_STATE_DOWN		= 1,
	KBFD_STATE_INIT		= 2,
	KBFD_STATE_UP		= 3,
};

/* Diagnostic codes, RFC 5880 section 4.1. */
enum kbfd_diag {
	KBFD_DIAG_NONE			= 0,
	KBFD_DIAG_DETECT_EXPIRED	= 1, /* Control Detection Time Expired */
	KBFD_DIAG_ECHO_FAILED		= 2,
	KBFD_DIAG_NEIGHBOR_DOWN		= 3, /* Neighbor Signaled Session Down */
	KBFD_DIAG_FWD_PLANE_RESET	= 4,
	KBFD_DIAG_PATH_DOWN		= 5,
	KBFD_DIAG_CONCAT_PATH_DOWN	= 6,
	KBFD_DIAG_ADMIN_DOWN		= 7,
	KBFD_DIAG_REV_CONCAT_PATH_DOWN	= 8,
};

/* What a KBFD_CMD_LAG_EVENT reports. */
enum kbfd_lag_change {
	KBFD_LAG_CHANGE_STATE		= 1, /* LAG Up <-> Down */
	KBFD_LAG_CHANGE_MEMBER_ADD	= 2, /* a port was enslaved */
	KBFD_LAG_CHANGE_MEMBER_DEL	= 3, /* a port was released */
	KBFD_LAG_CHANGE_DELETED		= 4, /* the bond went away */
};

#define KBFD_LAG_MAX_MIN_LINKS	1024

/* Authentication types, RFC 5880 section 4.2. */
enum kbfd_auth_type {
	KBFD_AUTH_NONE			= 0,
	KBFD_AUTH_SIMPLE		= 1,
	KBFD_AUTH_KEYED_MD5		= 2,
	KBFD_AUTH_METICULOUS_MD5	= 3,
	KBFD_AUTH_KEYED_SHA1		= 4,
	KBFD_AUTH_METICULOUS_SHA1	= 5,
};

/**
 * enum kbfd_attr - attributes of the kbfd family
 * @KBFD_A_PEER_ADDR: binary, 4 or 16 bytes: the remote system's address
 * @KBFD_A_LOCAL_ADDR: binary, 4 or 16 bytes: source address to use and to
 *	accept packets on
 * @KBFD_A_IFINDEX: u32: bind the session to this interface (required for
 *	IPv6 link-local peers)
 * @KBFD_A_MULTIHOP: flag: RFC 5883 multihop session (UDP 4784, no TTL check)
 * @KBFD_A_DESIRED_MIN_TX_US: u32, KBFD_MIN_INTERVAL_US..KBFD_MAX_INTERVAL_US
 * @KBFD_A_REQUIRED_MIN_RX_US: u32, same range
 * @KBFD_A_DETECT_MULT: u8, 1..255
 * @KBFD_A_ADMIN_DOWN: u8, 0 or 1
 * @KBFD_A_AUTH_TYPE: u8, enum kbfd_auth_type
 * @KBFD_A_AUTH_KEY_ID: u8
 * @KBFD_A_AUTH_KEY: binary, 1..KBFD_AUTH_KEY_MAX bytes (write only)
 * @KBFD_A_STATE: u8, enum kbfd_state (read only)
 * @KBFD_A_REMOTE_STATE: u8, enum kbfd_state (read only)
 * @KBFD_A_DIAG: u8, enum kbfd_diag: local diagnostic (read only)
 * @KBFD_A_LOCAL_DISCR: u32: local discriminator, never 0; also an identity
 * @KBFD_A_REMOTE_DISCR: u32 (read only), 0 until learnt
 * @KBFD_A_NEG_TX_US: u32: negotiated transmit interval (read only)
 * @KBFD_A_NEG_RX_US: u32: negotiated receive interval (read only)
 * @KBFD_A_REMOTE_DETECT_MULT: u8 (read only)
 * @KBFD_A_DETECT_TIME_US: u32: current detection time (read only)
 * @KBFD_A_RX_PACKETS: u64: control packets accepted (read only)
 * @KBFD_A_TX_PACKETS: u64: control packets sent (read only)
 * @KBFD_A_RX_DROPS: u64: packets for this session that were dropped (read
 *	only)
 * @KBFD_A_UP_TRANSITIONS: u32: times the session went Up (read only)
 * @KBFD_A_OLD_STATE: u8, enum kbfd_state (events only)
 * @KBFD_A_TIMESTAMP_NS: u64, CLOCK_MONOTONIC (events only)
 * @KBFD_A_PAD: padding for 64-bit attributes
 * @KBFD_A_LAG_IFINDEX: u32: the bonding device of a LAG
 * @KBFD_A_LAG_MIN_LINKS: u32, 1..KBFD_LAG_MAX_MIN_LINKS: members that must be
 *	Up for the LAG to be Up
 * @KBFD_A_LAG_STATE: u8, KBFD_STATE_DOWN or KBFD_STATE_UP: the LAG's state
 *	(read only)
 * @KBFD_A_LAG_OLD_STATE: u8, the LAG's previous state (events only)
 * @KBFD_A_LAG_MEMBERS_UP: u32: members whose session is Up (read only)
 * @KBFD_A_LAG_MEMBER: nested, one per member (read only)
 * @KBFD_A_LAG_CHANGE: u8, enum kbfd_lag_change (events only)
 */
enum kbfd_attr {
	KBFD_A_UNSPEC,
	KBFD_A_PEER_ADDR,
	KBFD_A_LOCAL_ADDR,
	KBFD_A_IFINDEX,
	KBFD_A_MULTIHOP,
	KBFD_A_DESIRED_MIN_TX_US,
	KBFD_A_REQUIRED_MIN_RX_US,
	KBFD_A_DETECT_MULT,
	KBFD_A_ADMIN_DOWN,
	KBFD_A_AUTH_TYPE,
	KBFD_A_AUTH_KEY_ID,
	KBFD_A_AUTH_KEY,
	KBFD_A_STATE,
	KBFD_A_REMOTE_STATE,
	KBFD_A_DIAG,
	KBFD_A_LOCAL_DISCR,
	KBFD_A_REMOTE_DISCR,
	KBFD_A_NEG_TX_US,
	KBFD_A_NEG_RX_US,
	KBFD_A_REMOTE_DETECT_MULT,
	KBFD_A_DETECT_TIME_US,
	KBFD_A_RX_PACKETS,
	KBFD_A_TX_PACKETS,
	KBFD_A_RX_DROPS,
	KBFD_A_UP_TRANSITIONS,
	KBFD_A_OLD_STATE,
	KBFD_A_TIMESTAMP_NS,
	KBFD_A_PAD,
	KBFD_A_LAG_IFINDEX,
	KBFD_A_LAG_MIN_LINKS,
	KBFD_A_LAG_STATE,
	KBFD_A_LAG_OLD_STATE,
	KBFD_A_LAG_MEMBERS_UP,
	KBFD_A_LAG_MEMBER,
	KBFD_A_LAG_CHANGE,
	__KBFD_A_MAX
};

#define KBFD_A_MAX (__KBFD_A_MAX - 1)

#endif /* _UAPI_LINUX_KBFD_H */
