/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BGP-4 messages on the wire (RFC 4271), with the capabilities peeredged
 * speaks (RFC 6793 4-octet ASN, RFC 4760 multiprotocol, RFC 2918 route
 * refresh, RFC 4724 graceful restart as helper) and RFC 7606 revised UPDATE
 * error handling.
 *
 * Decoders never read outside the buffer they are given and report what the
 * receiver must do: for OPEN/NOTIFICATION/header errors a NOTIFICATION to
 * send; for UPDATE one of the RFC 7606 outcomes (accept, treat-as-withdraw,
 * session reset), with attribute-discard applied silently but counted.
 */
#ifndef PEEREDGE_MESSAGES_H
#define PEEREDGE_MESSAGES_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"

#define BGP_PORT		179
#define BGP_VERSION		4
#define BGP_HEADER_LEN		19
#define BGP_MARKER_LEN		16
#define BGP_MSG_MAX		4096
#define BGP_AS_TRANS		23456

enum bgp_msg_type {
	BGP_MSG_OPEN = 1,
	BGP_MSG_UPDATE = 2,
	BGP_MSG_NOTIFICATION = 3,
	BGP_MSG_KEEPALIVE = 4,
	BGP_MSG_ROUTE_REFRESH = 5,
};

enum bgp_afi { BGP_AFI_IPV4 = 1, BGP_AFI_IPV6 = 2 };
#define BGP_SAFI_UNICAST	1

/* NOTIFICATION error codes and the subcodes peeredged sends or names. */
enum bgp_err_code {
	BGP_ERR_HEADER = 1,
	BGP_ERR_OPEN = 2,
	BGP_ERR_UPDATE = 3,
	BGP_ERR_HOLD_TIMER = 4,
	BGP_ERR_FSM = 5,
	BGP_ERR_CEASE = 6,
	BGP_ERR_ROUTE_REFRESH = 7,
};

enum {	/* BGP_ERR_HEADER */
	BGP_HDR_NOT_SYNC = 1,
	BGP_HDR_BAD_LENGTH = 2,
	BGP_HDR_BAD_TYPE = 3,
};

enum {	/* BGP_ERR_OPEN */
	BGP_OPEN_BAD_VERSION = 1,
	BGP_OPEN_BAD_PEER_AS = 2,
	BGP_OPEN_BAD_BGP_ID = 3,
	BGP_OPEN_UNSUPPORTED_PARAM = 4,
	BGP_OPEN_BAD_HOLD_TIME = 6,
	BGP_OPEN_UNSUPPORTED_CAPABILITY = 7,
};

enum {	/* BGP_ERR_UPDATE */
	BGP_UPD_MALFORMED_ATTR_LIST = 1,
	BGP_UPD_UNRECOGNIZED_WELLKNOWN = 2,
	BGP_UPD_MISSING_WELLKNOWN = 3,
	BGP_UPD_ATTR_FLAGS = 4,
	BGP_UPD_ATTR_LENGTH = 5,
	BGP_UPD_INVALID_ORIGIN = 6,
	BGP_UPD_INVALID_NEXT_HOP = 8,
	BGP_UPD_OPTIONAL_ATTR = 9,
	BGP_UPD_INVALID_NETWORK = 10,
	BGP_UPD_MALFORMED_AS_PATH = 11,
};

enum {	/* BGP_ERR_CEASE (RFC 4486, RFC 9384) */
	BGP_CEASE_MAX_PREFIX = 1,
	BGP_CEASE_ADMIN_SHUTDOWN = 2,
	BGP_CEASE_PEER_DECONFIGURED = 3,
	BGP_CEASE_ADMIN_RESET = 4,
	BGP_CEASE_CONNECTION_REJECTED = 5,
	BGP_CEASE_CONFIG_CHANGE = 6,
	BGP_CEASE_COLLISION = 7,
	BGP_CEASE_OUT_OF_RESOURCES = 8,
	BGP_CEASE_HARD_RESET = 9,
	BGP_CEASE_BFD_DOWN = 10,
};

/* Path attribute type codes. */
enum bgp_attr_type {
	BGP_ATTR_ORIGIN = 1,
	BGP_ATTR_AS_PATH = 2,
	BGP_ATTR_NEXT_HOP = 3,
	BGP_ATTR_MED = 4,
	BGP_ATTR_LOCAL_PREF = 5,
	BGP_ATTR_ATOMIC_AGGREGATE = 6,
	BGP_ATTR_AGGREGATOR = 7,
	BGP_ATTR_COMMUNITIES = 8,
	BGP_ATTR_ORIGINATOR_ID = 9,
	BGP_ATTR_CLUSTER_LIST = 10,
	BGP_ATTR_MP_REACH = 14,
	BGP_ATTR_MP_UNREACH = 15,
	BGP_ATTR_EXT_COMMUNITIES = 16,
	BGP_ATTR_AS4_PATH = 17,
	BGP_ATTR_AS4_AGGREGATOR = 18,
	BGP_ATTR_LARGE_COMMUNITIES = 32,
};

#define BGP_ATTR_F_OPTIONAL	0x80
#define BGP_ATTR_F_TRANSITIVE	0x40
#define BGP_ATTR_F_PARTIAL	0x20
#define BGP_ATTR_F_EXTLEN	0x10

enum bgp_origin { BGP_ORIGIN_IGP = 0, BGP_ORIGIN_EGP = 1, BGP_ORIGIN_INCOMPLETE = 2 };

enum bgp_segment_type {
	BGP_AS_SET = 1,
	BGP_AS_SEQUENCE = 2,
	BGP_AS_CONFED_SEQUENCE = 3,
	BGP_AS_CONFED_SET = 4,
};

/* A NOTIFICATION to send (or one received). data is the diagnostic field. */
struct bgp_error {
	uint8_t code;
	uint8_t subcode;
	uint16_t data_len;
	uint8_t data[BGP_MSG_MAX];
};

struct bgp_open {
	uint8_t version;
	uint16_t my_as;			/* the 2-octet field (AS_TRANS for large ASNs) */
	uint32_t as;			/* effective ASN: the AS4 capability's when present */
	uint16_t hold_time;
	uint32_t bgp_id;		/* host order */
	bool cap_as4;
	bool cap_mp_ipv4;		/* MP IPv4 unicast (implied when no MP capability) */
	bool cap_mp_ipv6;
	bool cap_route_refresh;
	bool cap_graceful_restart;
	bool gr_restarting;		/* R bit */
	uint16_t gr_restart_time;	/* seconds, 12 bits */
	bool gr_ipv4, gr_ipv6;		/* AFIs the peer keeps forwarding state for */
};

/* A large community, RFC 8092. */
struct bgp_large_community {
	uint32_t global, local1, local2;
};

/*
 * Decoded path attributes. Variable parts point into the owner's storage
 * (the bgp_update arena when decoded); AS_PATH is kept as wire segments with
 * 4-octet ASNs whatever the session used; communities in host order.
 */
struct bgp_attrs {
	uint64_t present;		/* bit (1 << type) for type < 64 */
	uint8_t origin;
	uint16_t as_path_len;		/* bytes */
	const uint8_t *as_path;
	struct in_addr next_hop;
	uint32_t med;
	uint32_t local_pref;
	uint32_t aggregator_as;
	struct in_addr aggregator_id;
	uint16_t n_communities;
	const uint32_t *communities;
	uint16_t n_ext_communities;
	const uint8_t *ext_communities;	/* 8 octets each, opaque */
	uint16_t n_large_communities;
	const struct bgp_large_community *large_communities;
	uint8_t mp_nexthop_len;		/* 0, 4, 16 or 32 */
	uint8_t mp_nexthop[32];		/* IPv6 global [+ link-local], or IPv4 */
	uint16_t unknown_len;
	const uint8_t *unknown;		/* optional transitive attributes kept as is */
};

#define BGP_ATTR_BIT(t)		(UINT64_C(1) << (t))
static inline bool bgp_attr_has(const struct bgp_attrs *a, unsigned int type)
{
	return type < 64 && (a->present & BGP_ATTR_BIT(type));
}

/* One run of NLRI in wire format, already checked to be well formed. */
struct bgp_nlri {
	uint16_t afi;			/* 0: empty or for a family we ignore */
	uint16_t len;
	const uint8_t *data;
};

struct bgp_nlri_iter {
	uint16_t afi;
	const uint8_t *p, *end;
};

/* RFC 7606 outcome of decoding an UPDATE. */
enum bgp_update_verdict {
	BGP_UPDATE_OK,
	BGP_UPDATE_TREAT_AS_WITHDRAW,	/* every NLRI in it is a withdrawal */
	BGP_UPDATE_SESSION_RESET,	/* send error, close */
};

/* What the decoder needs to know about the session. */
struct bgp_peer_ctx {
	bool as4;			/* both sides announced the AS4 capability */
	bool ebgp;
	uint32_t peer_as;		/* leftmost AS_PATH check for eBGP */
	struct in_addr local_v4;	/* NEXT_HOP must not be us */
};

/* Room for 2-to-4-octet path expansion, an AS4 merge and copies. */
#define BGP_UPDATE_ARENA	(6 * BGP_MSG_MAX)

struct bgp_update {
	struct bgp_nlri withdrawn, announced;		/* IPv4 fields */
	struct bgp_nlri mp_withdrawn, mp_announced;	/* MP_UNREACH / MP_REACH */
	struct bgp_attrs attrs;
	enum bgp_update_verdict verdict;
	const char *reason;		/* first malformation seen, for the log */
	unsigned int discarded;		/* attributes dropped (attribute-discard) */
	int end_of_rib_afi;		/* RFC 4724 marker: AFI, or 0 */
	struct bgp_error error;		/* valid when SESSION_RESET */
	size_t arena_used;
	uint8_t arena[BGP_UPDATE_ARENA] __attribute__((aligned(8)));
};

struct bgp_notification {
	uint8_t code, subcode;
	uint16_t data_len;
	const uint8_t *data;
	char shutdown_msg[256];		/* RFC 9003 communication, "" if none */
};

/*
 * Message framing. Returns the length of the message at buf when complete,
 * 0 when more bytes are needed, -1 when the header is bad (err filled).
 */
int bgp_header_check(const uint8_t *buf, size_t len, struct bgp_error *err);

/* Encoders: return the message length, or -1 when it does not fit in cap. */
int bgp_open_encode(uint8_t *buf, size_t cap, const struct bgp_open *o);
int bgp_keepalive_encode(uint8_t *buf, size_t cap);
int bgp_notification_encode(uint8_t *buf, size_t cap, uint8_t code, uint8_t subcode,
			    const uint8_t *data, size_t data_len);
/* Cease with an RFC 9003 shutdown communication (msg may be NULL). */
int bgp_cease_encode(uint8_t *buf, size_t cap, uint8_t subcode, const char *msg);
int bgp_route_refresh_encode(uint8_t *buf, size_t cap, uint16_t afi, uint8_t safi);

struct bgp_update_out {
	const struct prefix *withdrawn;	/* all of one family */
	size_t n_withdrawn;
	const struct prefix *announced;	/* same family as withdrawn */
	size_t n_announced;
	const struct bgp_attrs *attrs;	/* when n_announced */
};
int bgp_update_encode(uint8_t *buf, size_t cap, const struct bgp_update_out *u, bool as4);
/* End-of-RIB marker for afi (RFC 4724 section 2). */
int bgp_end_of_rib_encode(uint8_t *buf, size_t cap, uint16_t afi);
/*
 * The path attributes alone, without MP_REACH/MP_UNREACH: the canonical
 * form the RIB interns (as4 = true). 0 or the length; -1 if too long.
 */
int bgp_attrs_encode(uint8_t *buf, size_t cap, const struct bgp_attrs *a, bool as4);

/* Decoders take the whole message, header included. */
int bgp_open_decode(const uint8_t *msg, size_t len, struct bgp_open *o, struct bgp_error *err);
void bgp_update_decode(const uint8_t *msg, size_t len, const struct bgp_peer_ctx *ctx,
		       struct bgp_update *u);
int bgp_notification_decode(const uint8_t *msg, size_t len, struct bgp_notification *n);
int bgp_route_refresh_decode(const uint8_t *msg, size_t len, uint16_t *afi, uint8_t *safi);
/*
 * Decodes a canonical attribute blob from bgp_attrs_encode(..., true) back
 * into attrs; u provides the storage. 0, or -1 when the blob is not clean.
 */
int bgp_attrs_decode(const uint8_t *blob, size_t len, struct bgp_update *u);

void bgp_nlri_iter_init(struct bgp_nlri_iter *it, const struct bgp_nlri *n);
bool bgp_nlri_next(struct bgp_nlri_iter *it, struct prefix *p);

/* AS_PATH helpers over 4-octet wire segments. */
unsigned int bgp_as_path_count(const uint8_t *path, size_t len);	/* RFC 4271 9.1.2.2 length */
uint32_t bgp_as_path_first(const uint8_t *path, size_t len);		/* 0 when none */
uint32_t bgp_as_path_origin(const uint8_t *path, size_t len);		/* 0 when none */
/* "65001 65002 {65003,65004}"; returns buf. */
char *bgp_as_path_format(const uint8_t *path, size_t len, char *buf, size_t size);

const char *bgp_msg_type_name(unsigned int type);
const char *bgp_error_name(uint8_t code, uint8_t subcode);

#endif
