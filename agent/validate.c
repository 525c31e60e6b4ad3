// SPDX-License-Identifier: GPL-2.0
/* The validation engine: states, messages and events (rules in validate.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "asn.h"
#include "clock.h"
#include "peering.h"
#include "registry.h"
#include "special.h"
#include "validate.h"

/* ---- names and messages ---- */

static const char *const vstate_names[] = {
	[VSTATE_NONE] = "None",
	[VSTATE_PENDING] = "Pending",
	[VSTATE_VERIFIED] = "Verified",
	[VSTATE_FAILED] = "Failed",
	[VSTATE_WARNING] = "Warning",
	[VSTATE_INVALID] = "Invalid",
	[VSTATE_UNKNOWN] = "Unknown",
};

const char *vstate_name(enum vstate s)
{
	return vstate_names[s];
}

int vstate_parse(const char *s, enum vstate *state)
{
	for (size_t i = 0; i < sizeof(vstate_names) / sizeof(vstate_names[0]); i++) {
		if (strcasecmp(vstate_names[i], s) == 0) {
			*state = (enum vstate)i;
			return 0;
		}
	}
	return -EINVAL;
}

bool vstate_installable(enum vstate s)
{
	return s == VSTATE_VERIFIED || s == VSTATE_WARNING;
}

const char *vevent_type_name(enum vevent_type t)
{
	static const char *const names[] = {
		[VEVENT_ANNOUNCEMENT] = "PrefixAnnouncementEvent",
		[VEVENT_WITHDRAWAL] = "PrefixWithdrawalEvent",
		[VEVENT_BACKUP_ANNOUNCEMENT] = "BackupPrefixAnnouncementEvent",
		[VEVENT_BACKUP_WITHDRAWAL] = "BackupPrefixWithdrawalEvent",
		[VEVENT_ORIGIN_AS_CHANGE] = "PrefixOriginAsChangeEvent",
		[VEVENT_STATE_CHANGE] = "PrefixValidationStateChangeEvent",
	};
	return names[t];
}

const char *vlevel_name(enum vlevel l)
{
	static const char *const names[] = {
		[VLEVEL_INFORMATION] = "Information",
		[VLEVEL_WARNING] = "Warning",
		[VLEVEL_ERROR] = "Error",
		[VLEVEL_CRITICAL] = "Critical",
	};
	return names[l];
}

/* The operator's wording (DESIGN.md), verbatim; NULL for the per-IP one. */
static const char *const check_messages[VCHECK_COUNT] = {
	[VCHECK_PREFIX_INVALID] = "Peering service prefix is invalid",
	[VCHECK_PRIVATE_RANGE] = "Prefix is in a private range",
	[VCHECK_ORIGIN_UNREGISTERED] = "Origin ASN is not registered in a routing registry",
	[VCHECK_KEY_MISMATCH] = "Prefix key does not match the registered prefix",
	[VCHECK_PRIMARY_SESSIONS] = "Provider has fewer than two sessions in its primary location",
	[VCHECK_BACKUP_SESSIONS] = "Provider has no sessions in its backup location",
	[VCHECK_COMMUNITY] = "Received route for prefix should have the Peering Service community 8075:8007",
	[VCHECK_PATH_LENGTH] = "AS path length for prefix should be <=3 for prefix",
	[VCHECK_PRIVATE_ASN] = "AS path for prefix can't include private ASNs",
	[VCHECK_PREPENDING] = "AS path for prefix can't include AS prepending",
};

size_t vresult_messages(const struct vresult *r, const char *prefix_text,
			void (*fn)(void *ctx, const char *msg), void *ctx)
{
	size_t n = 0;

	for (enum vcheck c = 0; c < VCHECK_COUNT; c++) {
		if (!(r->failed & VCHECK_BIT(c)))
			continue;
		if (c != VCHECK_NOT_RECEIVED) {
			fn(ctx, check_messages[c]);
			n++;
			continue;
		}
		for (size_t i = 0; i < r->nsessions; i++) {
			char msg[256];

			if (r->sessions[i].received)
				continue;
			snprintf(msg, sizeof(msg),
				 "Not receiving prefix advertisement from IP %s for prefix %s",
				 r->sessions[i].ip, prefix_text);
			fn(ctx, msg);
			n++;
		}
	}
	return n;
}

void vresult_free(struct vresult *r)
{
	free(r->sessions);
	r->sessions = NULL;
	r->nsessions = 0;
}

/* ---- route checks ---- */

/* VCHECK_BIT()s of the AS path rules route breaks; *origin gets its origin. */
static uint32_t check_as_path(const struct rx_route *route, uint32_t *origin)
{
	uint32_t failed = 0, length = 0, previous = 0;
	bool previous_valid = false;

	*origin = 0;
	for (size_t s = 0; s < route->nsegments; s++) {
		const struct as_segment *seg = &route->segments[s];
		bool sequence = seg->type == AS_SEGMENT_SEQUENCE;

		/* RFC 4271 9.1.2.2: an AS_SET counts as one, whatever its size. */
		length += sequence ? seg->len : 1;
		/* A set is unordered: nothing in or next to it is "in a row". */
		if (!sequence)
			previous_valid = false;
		for (size_t i = 0; i < seg->len; i++) {
			if (!asn_is_public(seg->asns[i]))
				failed |= VCHECK_BIT(VCHECK_PRIVATE_ASN);
			if (!sequence)
				continue;
			if (previous_valid && seg->asns[i] == previous)
				failed |= VCHECK_BIT(VCHECK_PREPENDING);
			previous = seg->asns[i];
			previous_valid = true;
		}
		/* Only a path ending in a sequence names one origin. */
		*origin = sequence && seg->len ? seg->asns[seg->len - 1] : 0;
	}
	if (length > 3)
		failed |= VCHECK_BIT(VCHECK_PATH_LENGTH);
	return failed;
}

static bool has_community(const struct rx_route *route, uint32_t community)
{
	for (size_t i = 0; i < route->ncommunities; i++)
		if (route->communities[i] == community)
			return true;
	return false;
}

/* ---- the engine ---- */

enum target_kind { TARGET_REGISTERED, TARGET_SERVICE };

struct index_entry {
	const struct prefix *pfx;
	enum target_kind kind;
	void *obj;
};

struct validator {
	struct peering_db *db;
	struct rx_source rx;
	const struct registry *reg;
	vevent_fn emit;
	void *emit_ctx;
	int64_t grace_ms;
	/* An evaluation's sessions, before they replace the stored ones:
	 * kept between evaluations so that a pass allocates nothing. */
	struct vsession *scratch;
	size_t scratch_cap;
	/* Targets sorted by prefix, for validator_run_prefix. */
	struct index_entry *index;
	size_t nindex;
	uint64_t index_generation;
	bool index_valid;
	/* The pass over every target in progress (validator_run_some). */
	struct run {
		bool active;
		bool again;	/* requested meanwhile: one more pass after it */
		uint64_t generation;	/* of the db its cursor points into */
		size_t peering, prefix;	/* next registered prefix */
		size_t service;		/* next service prefix, once past the peerings */
	} run;
};

/* One evaluation's view of a target, whichever its kind. */
struct target {
	const char *name;
	const char *prefix_text;	/* as given; NULL: format pfx (emit) */
	const struct prefix *pfx;	/* NULL when the text is no prefix */
	bool key_mismatch;
	const struct peering *peering;	/* whose sessions carry it */
	const char *primary, *backup;	/* NULL: every Active connection */
	enum registry_match match;
	int64_t created_ms;
	struct vresult *result;
};

struct validator *validator_new(struct peering_db *db, const struct rx_source *rx,
				vevent_fn emit, void *emit_ctx)
{
	struct validator *v = calloc(1, sizeof(*v));

	if (!v)
		return NULL;
	v->db = db;
	v->rx = *rx;
	v->emit = emit;
	v->emit_ctx = emit_ctx;
	v->grace_ms = VALIDATE_PENDING_GRACE_MS;
	return v;
}

void validator_free(struct validator *v)
{
	if (!v)
		return;
	free(v->scratch);
	free(v->index);
	free(v);
}

const struct registry *validator_set_registry(struct validator *v,
					      const struct registry *reg)
{
	const struct registry *old = v->reg;

	v->reg = reg;
	return old;
}

void validator_set_pending_grace(struct validator *v, int64_t grace_ms)
{
	v->grace_ms = grace_ms;
}

/* The registration a service prefix's key points at, as t->peering. */
static void resolve_service_key(const struct peering_db *db, const struct service_prefix *sp,
				struct target *t)
{
	const struct registered_prefix *rp = pdb_registration_containing(db, &sp->pfx);

	t->key_mismatch = true;
	if (rp) {
		t->key_mismatch = !prefix_key_equal(&rp->key, &sp->key);
		t->peering = rp->peering;
		t->match = rp->pfx.len < sp->pfx.len ? REGISTRY_COVERING : REGISTRY_EXACT;
		return;
	}
	/* Route servers register ASNs: few of them, a scan is enough. */
	for (size_t i = 0; i < db->npeerings; i++) {
		for (size_t j = 0; j < db->peerings[i]->nasns; j++) {
			if (prefix_key_equal(&db->peerings[i]->asns[j]->key, &sp->key)) {
				t->key_mismatch = false;
				t->peering = db->peerings[i];
				return;
			}
		}
	}
}

const struct peering *validate_service_peering(const struct peering_db *db,
					       const struct service_prefix *sp)
{
	struct target t = { 0 };

	if (!sp->parsed)
		return NULL;
	resolve_service_key(db, sp, &t);
	return t.key_mismatch ? NULL : t.peering;
}

static void target_of_registered(struct registered_prefix *rp, struct target *t)
{
	*t = (struct target){
		.name = rp->name,
		.pfx = &rp->pfx,
		.peering = rp->peering,
		.match = REGISTRY_EXACT,
		.created_ms = rp->created_ms,
		.result = &rp->result,
	};
}

static void target_of_service(const struct peering_db *db, struct service_prefix *sp,
			      struct target *t)
{
	*t = (struct target){
		.name = sp->name,
		.prefix_text = sp->text,
		.pfx = sp->parsed ? &sp->pfx : NULL,
		.primary = sp->primary,
		.backup = sp->backup[0] ? sp->backup : NULL,
		.match = REGISTRY_EXACT,
		.created_ms = sp->created_ms,
		.result = &sp->result,
	};
	if (t->pfx)
		resolve_service_key(db, sp, t);
}

/* The CONFIG_CHECKS that fail. */
static uint32_t static_failures(const struct target *t)
{
	if (!t->pfx || t->pfx->family != AF_INET)
		return VCHECK_BIT(VCHECK_PREFIX_INVALID);
	return (special_range_of(t->pfx) ? VCHECK_BIT(VCHECK_PRIVATE_RANGE) : 0) |
	       (t->key_mismatch ? VCHECK_BIT(VCHECK_KEY_MISMATCH) : 0);
}

/*
 * Which sessions the target needs, with the location checks. Every
 * connection at its locations is a session that must advertise it, up or
 * not: one that is down is named as missing. Only Active ones count
 * towards the number of sessions a location has.
 */
static int collect_sessions(struct validator *v, const struct target *t, struct vresult *r)
{
	const struct peering *p = t->peering;
	size_t nprimary = 0, nbackup = 0;
	const char *first_router = NULL;
	bool two_routers = false;

	if (p->nconns > v->scratch_cap) {
		struct vsession *grown = realloc(v->scratch, p->nconns * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		v->scratch = grown;
		v->scratch_cap = p->nconns;
	}
	r->sessions = v->scratch;
	for (size_t i = 0; i < p->nconns; i++) {
		const struct connection *c = p->conns[i];
		bool backup = t->backup && strcmp(c->location, t->backup) == 0;
		struct vsession *s = &r->sessions[r->nsessions];

		if (t->primary && !backup && strcmp(c->location, t->primary) != 0)
			continue;
		memcpy(s->ip, c->neighbor, sizeof(s->ip));
		s->backup = backup;
		s->active = c->state == CONN_ACTIVE;
		r->nsessions++;
		if (!s->active)
			continue;
		if (backup) {
			nbackup++;
			continue;
		}
		nprimary++;
		if (!first_router)
			first_router = c->router;
		else if (strcmp(first_router, c->router) != 0)
			two_routers = true;
	}
	if (t->primary && (nprimary < 2 || !two_routers))
		r->failed |= VCHECK_BIT(VCHECK_PRIMARY_SESSIONS);
	if (t->backup && nbackup == 0)
		r->failed |= VCHECK_BIT(VCHECK_BACKUP_SESSIONS);
	return 0;
}

/* The connection behind a session (neighbor addresses are unique). */
static const struct connection *session_connection(const struct peering *p,
						   const struct vsession *s)
{
	for (size_t i = 0; i < p->nconns; i++)
		if (strcmp(p->conns[i]->neighbor, s->ip) == 0)
			return p->conns[i];
	return NULL;
}

/* Route checks on every session; true when no registry could decide. */
static bool check_routes(const struct validator *v, const struct target *t,
			 struct vresult *r)
{
	bool undecided = false;

	for (size_t i = 0; i < r->nsessions; i++) {
		struct vsession *s = &r->sessions[i];
		/* A connection that is not Active carries nothing that counts. */
		const struct rx_route *route = !s->active ? NULL :
			v->rx.lookup(v->rx.ctx, session_connection(t->peering, s), t->pfx);
		uint32_t origin;

		s->received = route != NULL;
		if (!route) {
			r->failed |= VCHECK_BIT(VCHECK_NOT_RECEIVED);
			continue;
		}
		if (!has_community(route, PEERING_SERVICE_COMMUNITY))
			r->failed |= VCHECK_BIT(VCHECK_COMMUNITY);
		r->failed |= check_as_path(route, &origin);
		if (!r->origin)
			r->origin = origin;
		if (!v->reg)
			undecided = true;
		else if (!origin || !registry_has_route(v->reg, t->pfx, origin, t->match))
			r->failed |= VCHECK_BIT(VCHECK_ORIGIN_UNREGISTERED);
	}
	return undecided;
}

static bool any_received(const struct vresult *r)
{
	for (size_t i = 0; i < r->nsessions; i++)
		if (r->sessions[i].received)
			return true;
	return false;
}

/* What only a configuration change fixes: the target is Invalid. */
#define CONFIG_CHECKS (VCHECK_BIT(VCHECK_PREFIX_INVALID) | VCHECK_BIT(VCHECK_PRIVATE_RANGE) | \
		       VCHECK_BIT(VCHECK_KEY_MISMATCH))
/* What a Verified prefix may lose and stay in service: Warning. */
#define REDUNDANCY_CHECKS (VCHECK_BIT(VCHECK_PRIMARY_SESSIONS) | \
			   VCHECK_BIT(VCHECK_BACKUP_SESSIONS) | \
			   VCHECK_BIT(VCHECK_NOT_RECEIVED))

static enum vstate decide_state(const struct validator *v, const struct target *t,
				const struct vresult *r, bool undecided, int64_t now_ms)
{
	enum vstate prev = t->result->state;

	if (r->failed & CONFIG_CHECKS)
		return VSTATE_INVALID;
	if (!r->failed)
		return undecided ? VSTATE_UNKNOWN : VSTATE_VERIFIED;
	if (!(r->failed & ~REDUNDANCY_CHECKS) && any_received(r) &&
	    (prev == VSTATE_VERIFIED || prev == VSTATE_WARNING))
		return VSTATE_WARNING;
	if ((prev == VSTATE_NONE || prev == VSTATE_PENDING) &&
	    now_ms - t->created_ms < v->grace_ms)
		return VSTATE_PENDING;
	return VSTATE_FAILED;
}

/* ---- events ---- */

static bool was_received(const struct vresult *r, const struct vsession *s)
{
	for (size_t i = 0; i < r->nsessions; i++)
		if (r->sessions[i].backup == s->backup && strcmp(r->sessions[i].ip, s->ip) == 0)
			return r->sessions[i].received;
	return false;
}

const char *vevent_format(const struct vevent *ev, char *buf, size_t len)
{
	char what[96] = "";

	switch (ev->type) {
	case VEVENT_ANNOUNCEMENT:
	case VEVENT_BACKUP_ANNOUNCEMENT:
		snprintf(what, sizeof(what), "announced by %s", ev->session_ip);
		break;
	case VEVENT_WITHDRAWAL:
	case VEVENT_BACKUP_WITHDRAWAL:
		snprintf(what, sizeof(what), "withdrawn by %s", ev->session_ip);
		break;
	case VEVENT_ORIGIN_AS_CHANGE:
		snprintf(what, sizeof(what), "origin AS%u -> AS%u", ev->old_origin, ev->new_origin);
		break;
	case VEVENT_STATE_CHANGE:
		snprintf(what, sizeof(what), "%s -> %s", vstate_name(ev->old_state),
			 vstate_name(ev->new_state));
		break;
	}
	snprintf(buf, len, "%s %s %s %s: %s", vevent_type_name(ev->type), vlevel_name(ev->level),
		 ev->target, ev->prefix, what);
	return buf;
}

static void emit(const struct validator *v, const struct target *t, struct vevent *ev,
		 int64_t now_ms)
{
	char text[PREFIX_STRLEN];

	if (!v->emit)
		return;
	ev->time_ms = now_ms;
	ev->target = t->name;
	/* Formatted here, not per evaluation: most evaluations emit nothing. */
	ev->prefix = t->prefix_text ? t->prefix_text : prefix_format(t->pfx, text, sizeof(text));
	vevent_format(ev, ev->text, sizeof(ev->text));
	v->emit(v->emit_ctx, ev);
}

/*
 * One event per session receiving the prefix in `has` but not in `had`:
 * announcements when `has` is the new result, withdrawals when it is the
 * old one.
 */
static void emit_session_changes(const struct validator *v, const struct target *t,
				 const struct vresult *has, const struct vresult *had,
				 bool announced, enum vlevel level, int64_t now_ms)
{
	for (size_t i = 0; i < has->nsessions; i++) {
		const struct vsession *s = &has->sessions[i];
		struct vevent ev = { .session_ip = s->ip, .level = level };

		if (!s->received || was_received(had, s))
			continue;
		if (announced)
			ev.type = s->backup ? VEVENT_BACKUP_ANNOUNCEMENT : VEVENT_ANNOUNCEMENT;
		else
			ev.type = s->backup ? VEVENT_BACKUP_WITHDRAWAL : VEVENT_WITHDRAWAL;
		emit(v, t, &ev, now_ms);
	}
}

static enum vlevel state_change_level(enum vstate from, enum vstate to)
{
	switch (to) {
	case VSTATE_VERIFIED:
	case VSTATE_PENDING:
	case VSTATE_NONE:
		return VLEVEL_INFORMATION;
	case VSTATE_WARNING:
	case VSTATE_UNKNOWN:
		return VLEVEL_WARNING;
	default:
		return vstate_installable(from) ? VLEVEL_CRITICAL : VLEVEL_ERROR;
	}
}

static void emit_events(const struct validator *v, const struct target *t,
			const struct vresult *old, const struct vresult *new, int64_t now_ms)
{
	emit_session_changes(v, t, new, old, true, VLEVEL_INFORMATION, now_ms);
	/* A withdrawal is Critical once no session carries the prefix. */
	emit_session_changes(v, t, old, new, false,
			     any_received(new) ? VLEVEL_WARNING : VLEVEL_CRITICAL, now_ms);
	if (old->origin && new->origin && old->origin != new->origin) {
		struct vevent ev = {
			.type = VEVENT_ORIGIN_AS_CHANGE,
			.level = VLEVEL_WARNING,
			.old_origin = old->origin,
			.new_origin = new->origin,
		};

		emit(v, t, &ev, now_ms);
	}
	if (old->state != new->state) {
		struct vevent ev = {
			.type = VEVENT_STATE_CHANGE,
			.level = state_change_level(old->state, new->state),
			.old_state = old->state,
			.new_state = new->state,
		};

		emit(v, t, &ev, now_ms);
	}
}

/* ---- evaluation ---- */

/*
 * The new result replaces the stored one. Its sessions are copied into the
 * stored array when their number is the same (nearly always), so that a
 * pass does not allocate and free an array per target (a pass every few
 * seconds over 100,000 prefixes, in the heap the whole daemon shares).
 */
static void evaluate(struct validator *v, const struct target *t, int64_t now_ms)
{
	struct vresult r = { .failed = static_failures(t) };
	struct vsession *stored = t->result->sessions;
	bool undecided = false;

	/* Without a valid prefix and a registration there is nothing to ask
	 * the sessions; a key matching nothing leaves no peering either. */
	if (!r.failed && t->peering) {
		if (collect_sessions(v, t, &r) < 0)
			return;	/* out of memory: keep the previous verdict */
		undecided = check_routes(v, t, &r);
	}
	if (r.nsessions != t->result->nsessions) {
		stored = r.nsessions ? malloc(r.nsessions * sizeof(*stored)) : NULL;
		if (r.nsessions && !stored)
			return;	/* as above */
	}
	r.state = decide_state(v, t, &r, undecided, now_ms);
	emit_events(v, t, t->result, &r, now_ms);
	if (stored != t->result->sessions)
		vresult_free(t->result);
	if (r.nsessions)
		memcpy(stored, r.sessions, r.nsessions * sizeof(*stored));
	r.sessions = stored;
	*t->result = r;
}

static void evaluate_registered(struct validator *v, struct registered_prefix *rp,
				int64_t now_ms)
{
	struct target t;

	target_of_registered(rp, &t);
	evaluate(v, &t, now_ms);
}

static void evaluate_service(struct validator *v, struct service_prefix *sp,
			     int64_t now_ms)
{
	struct target t;

	target_of_service(v->db, sp, &t);
	evaluate(v, &t, now_ms);
}

/* A pass from the first target, under the db as it is now. */
static void run_restart(struct validator *v, bool again)
{
	v->run = (struct run){ .active = true, .again = again,
			       .generation = v->db->generation };
}

/* Evaluates the run's next target; false when the pass is through. */
static bool run_step(struct validator *v, int64_t now_ms)
{
	const struct peering_db *db = v->db;
	struct run *run = &v->run;

	for (; run->peering < db->npeerings; run->peering++, run->prefix = 0) {
		const struct peering *p = db->peerings[run->peering];

		if (run->prefix < p->nprefixes) {
			evaluate_registered(v, p->prefixes[run->prefix++], now_ms);
			return true;
		}
	}
	if (run->service < db->nservices) {
		evaluate_service(v, db->services[run->service++], now_ms);
		return true;
	}
	return false;
}

size_t validator_run_all(struct validator *v, int64_t now_ms)
{
	size_t count = 0;

	/* A whole pass from here covers a run in progress and its requests. */
	run_restart(v, false);
	while (run_step(v, now_ms))
		count++;
	v->run.active = false;
	return count;
}

void validator_run_start(struct validator *v)
{
	if (v->run.active)
		v->run.again = true;
	else
		run_restart(v, false);
}

bool validator_run_busy(const struct validator *v)
{
	return v->run.active;
}

bool validator_run_some(struct validator *v, int64_t now_ms, int64_t budget_ms,
			validator_yield_fn yield, void *yield_ctx)
{
	int64_t deadline = clock_monotonic_ns() + budget_ms * 1000000;

	if (!v->run.active)
		return true;
	/* Targets came or went: positions moved, and the change may alter
	 * any verdict, so the pass starts over under the new db. */
	if (v->run.generation != v->db->generation)
		run_restart(v, v->run.again);
	do {
		if (run_step(v, now_ms))
			continue;
		if (!v->run.again) {
			v->run.active = false;
			return true;
		}
		run_restart(v, false);
	} while (clock_monotonic_ns() < deadline && !(yield && yield(yield_ctx)));
	return false;
}

/* ---- the prefix index ---- */

static int prefix_order(const struct prefix *a, const struct prefix *b)
{
	int c;

	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	c = memcmp(a->addr.bytes, b->addr.bytes, sizeof(a->addr.bytes));
	if (c)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

static int index_entry_order(const void *a, const void *b)
{
	return prefix_order(((const struct index_entry *)a)->pfx,
			    ((const struct index_entry *)b)->pfx);
}

static int index_rebuild(struct validator *v)
{
	const struct peering_db *db = v->db;
	size_t n = db->nservices;
	struct index_entry *index;

	for (size_t i = 0; i < db->npeerings; i++)
		n += db->peerings[i]->nprefixes;
	index = calloc(n ? n : 1, sizeof(*index));
	if (!index)
		return -ENOMEM;
	n = 0;
	for (size_t i = 0; i < db->npeerings; i++)
		for (size_t j = 0; j < db->peerings[i]->nprefixes; j++)
			index[n++] = (struct index_entry){ &db->peerings[i]->prefixes[j]->pfx,
							   TARGET_REGISTERED,
							   db->peerings[i]->prefixes[j] };
	for (size_t i = 0; i < db->nservices; i++)
		if (db->services[i]->parsed)
			index[n++] = (struct index_entry){ &db->services[i]->pfx, TARGET_SERVICE,
							   db->services[i] };
	qsort(index, n, sizeof(*index), index_entry_order);
	free(v->index);
	v->index = index;
	v->nindex = n;
	v->index_generation = db->generation;
	v->index_valid = true;
	return 0;
}

size_t validator_run_prefix(struct validator *v, const struct prefix *route_pfx,
			    int64_t now_ms)
{
	size_t lo = 0, hi, count = 0;

	if ((!v->index_valid || v->index_generation != v->db->generation) &&
	    index_rebuild(v) < 0) {
		/* No index (out of memory): stay correct the slow way. */
		return validator_run_all(v, now_ms);
	}
	/* Lower bound of route_pfx. */
	hi = v->nindex;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (prefix_order(v->index[mid].pfx, route_pfx) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < v->nindex && prefix_equal(v->index[lo].pfx, route_pfx); lo++, count++) {
		if (v->index[lo].kind == TARGET_REGISTERED)
			evaluate_registered(v, v->index[lo].obj, now_ms);
		else
			evaluate_service(v, v->index[lo].obj, now_ms);
	}
	return count;
}
