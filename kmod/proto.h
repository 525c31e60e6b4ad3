/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BFD control packet format (RFC 5880 section 4) and the reasons a received
 * packet is dropped.
 */
#ifndef _KBFD_PROTO_H
#define _KBFD_PROTO_H

#include <linux/types.h>
#include <linux/build_bug.h>

#define KBFD_VERSION		1
#define KBFD_PORT_SINGLEHOP	3784
#define KBFD_PORT_MULTIHOP	4784
#define KBFD_TTL		255
#define KBFD_DSCP_CS6		0xc0

/* Source ports, RFC 5881 section 4. */
#define KBFD_SPORT_MIN		49152
#define KBFD_SPORT_MAX		65535

/* bfd.DesiredMinTxInterval while the session is not Up (6.8.3). */
#define KBFD_SLOW_TX_US		1000000

#define KBFD_FLAG_P		0x20
#define KBFD_FLAG_F		0x10
#define KBFD_FLAG_C		0x08
#define KBFD_FLAG_A		0x04
#define KBFD_FLAG_D		0x02
#define KBFD_FLAG_M		0x01

struct kbfd_ctrl {
	u8 vers_diag;		/* version:3, diag:5 */
	u8 flags;		/* state:2, P, F, C, A, D, M */
	u8 detect_mult;
	u8 length;
	__be32 my_discr;
	__be32 your_discr;
	__be32 desired_min_tx;
	__be32 required_min_rx;
	__be32 required_min_echo_rx;
} __packed;

#define KBFD_CTRL_LEN		24
static_assert(sizeof(struct kbfd_ctrl) == KBFD_CTRL_LEN);

static inline u8 kbfd_ctrl_version(const struct kbfd_ctrl *c)
{
	return c->vers_diag >> 5;
}

static inline u8 kbfd_ctrl_diag(const struct kbfd_ctrl *c)
{
	return c->vers_diag & 0x1f;
}

static inline u8 kbfd_ctrl_state(const struct kbfd_ctrl *c)
{
	return c->flags >> 6;
}

/* Authentication section (RFC 5880 section 4.2 to 4.4). */
struct kbfd_auth_hdr {
	u8 type;
	u8 len;
	u8 key_id;
} __packed;

struct kbfd_auth_digest {
	u8 type;
	u8 len;
	u8 key_id;
	u8 reserved;
	__be32 seq;
	u8 digest[];
} __packed;

#define KBFD_SIMPLE_PW_MIN	1
#define KBFD_SIMPLE_PW_MAX	16
#define KBFD_MD5_LEN		16
#define KBFD_SHA1_LEN		20
#define KBFD_AUTH_MD5_LEN	(8 + KBFD_MD5_LEN)	/* 24 */
#define KBFD_AUTH_SHA1_LEN	(8 + KBFD_SHA1_LEN)	/* 28 */

/* Longest packet we send or accept: header plus SHA1 section. */
#define KBFD_PKT_MAX		(KBFD_CTRL_LEN + KBFD_AUTH_SHA1_LEN)

/*
 * Why a received packet was dropped: the kbfd:rx_drop tracepoint prints
 * these by name (trace.h keeps the names).
 */
enum kbfd_drop_reason {
	KBFD_DROP_SHORT,	/* shorter than a control packet */
	KBFD_DROP_VERSION,	/* version is not 1 */
	KBFD_DROP_LENGTH,	/* Length field wrong */
	KBFD_DROP_TTL,	/* single-hop TTL / hop limit not 255 */
	KBFD_DROP_DETECT_MULT,	/* Detect Mult is zero */
	KBFD_DROP_MULTIPOINT,	/* M bit set */
	KBFD_DROP_MY_DISCR,	/* My Discriminator is zero */
	KBFD_DROP_NO_SESSION,	/* no session matches */
	KBFD_DROP_YOUR_DISCR,	/* no Your Discr. outside Down */
	KBFD_DROP_ADDR,	/* addresses do not fit the session */
	KBFD_DROP_AUTH_MISSING,	/* A bit clear, session authenticated */
	KBFD_DROP_AUTH_UNEXPECTED,	/* A bit set, session not */
	KBFD_DROP_AUTH_TYPE,	/* other authentication type */
	KBFD_DROP_AUTH_KEY_ID,	/* unknown Key ID */
	KBFD_DROP_AUTH_BAD,	/* wrong password or digest */
	KBFD_DROP_AUTH_SEQ,	/* sequence number replayed */
	KBFD_DROP_HEADER,	/* on a LAG member: IP/UDP header or checksum bad */
};

#endif /* _KBFD_PROTO_H */
