/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The validation engine: computes, for every registered prefix and every
 * peering service prefix, a state and the failing checks (with the exact
 * operator messages of DESIGN.md), from the model (peering.h), the routes
 * received on each connection (struct rx_source) and the routing registry.
 *
 * Targets and the sessions they need:
 *   registered prefix: every Active connection of its peering;
 *   service prefix:    the Active connections, at its primary location (and
 *                      backup location, when set), of the peering whose
 *                      registration its key matches: the registered prefix
 *                      containing it (voice), else a registered ASN (route
 *                      server). "Two sessions" means Active connections on
 *                      two different routers.
 *
 * The engine is single-threaded: call it from the daemon's event loop.
 *
 * Route checks (each received route, exact prefix match, no add-path):
 *   community 8075:8007 present;
 *   AS path length <= 3: AS_SEQUENCE ASNs count one each, an AS_SET counts
 *     one (RFC 4271 9.1.2.2);
 *   no ASN other than public ones (asn.h) anywhere, AS_SETs included;
 *   no prepending: the same ASN twice in a row in AS_SEQUENCE order
 *     (across adjacent sequence segments too). The same ASN further apart
 *     (A B A) is a loop, not prepending: this check does not flag it,
 *     loop detection belongs to the BGP speaker (RFC 4271 9.1.2);
 *   origin = the last ASN of a path ending in an AS_SEQUENCE; a path that
 *     is empty or ends in an AS_SET has no origin and fails the registry
 *     check. The origin must be the origin of an IRR route object for
 *     exactly the prefix; a service prefix more specific than its
 *     registered prefix is also accepted under a covering route object
 *     (operators register the aggregate; the seeds allow activating its
 *     smaller subnets).
 *
 * States, first rule that applies:
 *   Invalid  the prefix text is not an IPv4 prefix (IPv6 included: the
 *            service is IPv4, per the seeds and DESIGN.md), is in a
 *            special-purpose range, or its key is not that of the
 *            registered prefix containing it (nor of a registered ASN).
 *            Only a configuration change fixes these; routes of an
 *            Invalid target are not looked at.
 *   Verified no check fails.
 *   Unknown  no registry is loaded and nothing else fails: the origin
 *            check cannot be decided.
 *   Warning  the prefix was Verified (or Warning) before, is still received
 *            on at least one session, every received route passes its
 *            checks, and only redundancy checks fail: a session not
 *            advertising it, fewer than two primary sessions, no backup
 *            session. So a Verified prefix losing one of its two primary
 *            sessions (or its backup) degrades to Warning; losing its
 *            community, a good AS path or the last session is Failed.
 *            Warning prefixes stay installable (traffic still has a way).
 *   Pending  something fails, the previous state is None or Pending (it
 *            was never decided) and the target was created less than the
 *            grace period ago: routes take time to arrive after activation
 *            (default VALIDATE_PENDING_GRACE_MS).
 *   Failed   anything else.
 *   None is the state before the first evaluation.
 *
 * Messages: one per failing check, in DESIGN.md's table order; only the
 * not-receiving check gives one per silent session (vresult_messages).
 *
 * Events, from the difference between two successive evaluations of a
 * target (plus one per state change):
 *   PrefixAnnouncementEvent / BackupPrefixAnnouncementEvent, Information:
 *     a primary / backup session started advertising the prefix;
 *   PrefixWithdrawalEvent / BackupPrefixWithdrawalEvent: a session stopped
 *     (or left the required set: its connection is no longer Active);
 *     Warning while another session still carries it, Critical when none;
 *   PrefixOriginAsChangeEvent, Warning: the origin ASN changed;
 *   PrefixValidationStateChangeEvent: Information into Verified, Pending or
 *     None; Warning into Warning or Unknown; Critical from Verified/Warning
 *     into Failed/Invalid (the prefix leaves the allowlist); Error otherwise.
 */
#ifndef PEEREDGE_VALIDATE_H
#define PEEREDGE_VALIDATE_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "prefix.h"

struct peering_db;
struct peering;
struct connection;
struct registry;
struct service_prefix;

enum vstate {
	VSTATE_NONE,
	VSTATE_PENDING,
	VSTATE_VERIFIED,
	VSTATE_FAILED,
	VSTATE_WARNING,
	VSTATE_INVALID,
	VSTATE_UNKNOWN,
};
const char *vstate_name(enum vstate s);	/* "None", "Pending", ... */
int vstate_parse(const char *s, enum vstate *state);
/* Verified and Warning prefixes belong in the FIB and the XDP allowlist. */
bool vstate_installable(enum vstate s);

/* The checks, in the order of DESIGN.md's table and of the messages. */
enum vcheck {
	VCHECK_PREFIX_INVALID,
	VCHECK_PRIVATE_RANGE,
	VCHECK_ORIGIN_UNREGISTERED,
	VCHECK_KEY_MISMATCH,
	VCHECK_PRIMARY_SESSIONS,
	VCHECK_BACKUP_SESSIONS,
	VCHECK_NOT_RECEIVED,	/* one message per silent session */
	VCHECK_COMMUNITY,
	VCHECK_PATH_LENGTH,
	VCHECK_PRIVATE_ASN,
	VCHECK_PREPENDING,
	VCHECK_COUNT,
};
#define VCHECK_BIT(c) (1u << (c))

/* A session a target must be received on, and whether it is. */
struct vsession {
	char ip[INET6_ADDRSTRLEN];
	bool backup;		/* in the backup location */
	bool active;		/* its connection is Active */
	bool received;
};

struct vresult {
	enum vstate state;
	uint32_t failed;	/* VCHECK_BIT()s */
	uint32_t origin;	/* of the first received route; 0: none/ambiguous */
	struct vsession *sessions;
	size_t nsessions;
};
void vresult_free(struct vresult *r);

/*
 * Calls fn once per failing check with its operator message, in table
 * order; prefix_text fills "<prefix>" of the not-receiving message.
 * Returns the number of messages.
 */
size_t vresult_messages(const struct vresult *r, const char *prefix_text,
			void (*fn)(void *ctx, const char *msg), void *ctx);

/* ---- route input: what the BGP side feeds in ---- */

#define PEERING_SERVICE_COMMUNITY ((8075u << 16) | 8007u)

enum as_segment_type {		/* RFC 4271 4.3 codes */
	AS_SEGMENT_SET = 1,
	AS_SEGMENT_SEQUENCE = 2,
};

/*
 * An AS_PATH as received (4-octet ASNs, RFC 6793: AS4_PATH already merged).
 * Confederation segments never come from an eBGP peer: the BGP side treats
 * them as malformed (RFC 7606) and never hands them over.
 */
struct as_segment {
	uint8_t type;		/* enum as_segment_type */
	uint8_t len;
	const uint32_t *asns;
};

struct rx_route {
	const struct as_segment *segments;
	size_t nsegments;
	const uint32_t *communities;	/* RFC 1997, (asn << 16) | value */
	size_t ncommunities;
};

/*
 * The route received on conn's session for exactly pfx, or NULL (no route,
 * or the session is down). What it returns must stay valid until the next
 * call.
 */
struct rx_source {
	const struct rx_route *(*lookup)(void *ctx, const struct connection *conn,
					 const struct prefix *pfx);
	void *ctx;
};

/* ---- events ---- */

enum vevent_type {
	VEVENT_ANNOUNCEMENT,
	VEVENT_WITHDRAWAL,
	VEVENT_BACKUP_ANNOUNCEMENT,
	VEVENT_BACKUP_WITHDRAWAL,
	VEVENT_ORIGIN_AS_CHANGE,
	VEVENT_STATE_CHANGE,
};
const char *vevent_type_name(enum vevent_type t);	/* "PrefixAnnouncementEvent", ... */

enum vlevel { VLEVEL_INFORMATION, VLEVEL_WARNING, VLEVEL_ERROR, VLEVEL_CRITICAL };
const char *vlevel_name(enum vlevel l);	/* "Information", ... */

struct vevent {
	int64_t time_ms;	/* unix time */
	enum vevent_type type;
	enum vlevel level;
	const char *target;	/* name of the registered / service prefix */
	const char *prefix;	/* its prefix text */
	const char *session_ip;	/* (backup) announcement / withdrawal only */
	uint32_t old_origin, new_origin;	/* origin change only */
	enum vstate old_state, new_state;	/* state change only */
	char text[192];		/* the whole event as one log line: vevent_format() */
};

/* ev as one log line, "TYPE LEVEL target prefix: what"; returns buf. */
const char *vevent_format(const struct vevent *ev, char *buf, size_t len);

/* ---- the engine ---- */

#define VALIDATE_PENDING_GRACE_MS (5 * 60 * 1000)

struct validator;

typedef void (*vevent_fn)(void *ctx, const struct vevent *ev);

struct validator *validator_new(struct peering_db *db, const struct rx_source *rx,
				vevent_fn emit, void *emit_ctx);
void validator_free(struct validator *v);
/* Swaps in a (re)loaded registry, NULL for none; returns the old one. */
const struct registry *validator_set_registry(struct validator *v,
					      const struct registry *reg);
void validator_set_pending_grace(struct validator *v, int64_t grace_ms);

/*
 * Re-evaluates every target: after a session, connection, registry or model
 * change. Returns how many were evaluated. It also completes a run in
 * progress (below): this pass covers whatever that one was asked for.
 */
size_t validator_run_all(struct validator *v, int64_t now_ms);
/*
 * The same pass in slices, so the event loop serves sockets in between:
 * validator_run_start() asks for a pass over every target; while one is in
 * progress it asks for one more after it (what caused the request may
 * change targets already passed). validator_run_some() evaluates targets
 * from where the last slice stopped, at least one, until budget_ms is
 * spent or yield (when not NULL, asked after each target) says something
 * more urgent waits; true when no pass is left. Each target is evaluated
 * once a pass. When targets are added or removed between slices
 * (db->generation), the pass starts over: positions moved, and the change
 * may alter any verdict. That cannot starve it: the daemon changes the db
 * only on an operator's command, which runs validator_run_all() at once,
 * or on a reload.
 */
void validator_run_start(struct validator *v);
typedef bool (*validator_yield_fn)(void *ctx);
bool validator_run_some(struct validator *v, int64_t now_ms, int64_t budget_ms,
			validator_yield_fn yield, void *yield_ctx);
bool validator_run_busy(const struct validator *v);	/* a pass is in progress */
/*
 * Re-evaluates the targets whose prefix is exactly route_pfx: after an
 * UPDATE or withdrawal for it. O(log targets) to find them. Returns how
 * many were evaluated.
 */
size_t validator_run_prefix(struct validator *v, const struct prefix *route_pfx,
			    int64_t now_ms);

/*
 * The peering whose sessions carry a service prefix: that of the
 * registration its key matches; NULL when it matches none.
 */
const struct peering *validate_service_peering(const struct peering_db *db,
					       const struct service_prefix *sp);

#endif
