// SPDX-License-Identifier: GPL-2.0
/* The glue between sessions, RIB, model, validator, FIB and state; see edge.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <syslog.h>
#include <time.h>

#include "array.h"
#include "clock.h"
#include "edge.h"
#include "state.h"

/* Re-validate everything this often: Pending targets time out. */
#define EDGE_FULL_RUN_MS 1000
/* Whole-table jobs longer than this are logged: what a turn costs. */
#define EDGE_SLOW_JOB_MS 100

/* Scratch a validator lookup decodes a received route into. */
struct edge_rx {
	struct bgp_update upd;
	struct rx_route route;
	struct as_segment segments[BGP_MSG_MAX / 6];
	uint32_t asns[BGP_MSG_MAX / 4];
};

int64_t edge_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- sessions and connections ---- */

struct bgp_session *edge_session_of(const struct edge *e, const struct connection *c)
{
	struct ip_addr neighbor;

	/* Addresses, not text: the validator asks this for every route. */
	if (ip_addr_parse(c->neighbor, &neighbor))
		return NULL;
	for (size_t i = 0; i < e->d->n_sessions; i++) {
		struct bgp_session *s = e->d->sessions[i];
		const struct config_addr *a = &s->cfg->address;

		if (a->family == neighbor.family &&
		    !memcmp(a->a.bytes, neighbor.bytes, ip_addr_len(&neighbor)))
			return s;
	}
	return NULL;
}

static bool session_active(const struct edge *e, const struct bgp_session *s)
{
	/* Without kbfd the operator was told BFD is unavailable; BGP alone rules. */
	bool bfd_ok = !s->cfg->bfd || !e->bfd_available || e->bfd_up[s->rib_peer];

	return s->state == BGP_STATE_ESTABLISHED && !s->bfd_down && bfd_ok;
}

/* Connection states from the sessions; true when any changed. */
static bool refresh_connections(struct edge *e)
{
	bool changed = false;

	for (size_t i = 0; i < e->db->npeerings; i++) {
		struct peering *p = e->db->peerings[i];

		for (size_t j = 0; j < p->nconns; j++) {
			struct connection *c = p->conns[j];
			struct bgp_session *s = edge_session_of(e, c);
			/* Configured but not up: provisioned, waiting for its session. */
			enum conn_state st = s && session_active(e, s) ? CONN_ACTIVE :
					     CONN_PROVISIONING_COMPLETED;

			if (c->state == st)
				continue;
			bgpd_log(e->d, LOG_NOTICE, "connection %s of peering %s: %s -> %s", c->name,
				 p->name, conn_state_name(c->state), conn_state_name(st));
			c->state = st;
			changed = true;
		}
	}
	return changed;
}

static bool settled(const struct edge *e)
{
	return !e->settle_deadline_ms;
}

static bool pace_due(const struct edge_pace *pace)
{
	return clock_monotonic_ms() >= pace->next_ms;
}

/* A job busy for took ms is done: when it may run again. */
static void pace_done(struct edge *e, struct edge_pace *pace, int64_t took, int64_t gap_ms,
		      const char *job)
{
	if (took >= EDGE_SLOW_JOB_MS)
		bgpd_log(e->d, LOG_INFO, "%s took %lld ms", job, (long long)took);
	pace->next_ms = clock_monotonic_ms() +
			(gap_ms > EDGE_PACE_FACTOR * took ? gap_ms : EDGE_PACE_FACTOR * took);
}

/* A slice of a pass begins: its start, and the pass's if it is the first. */
static int64_t slice_begin(struct edge_slices *run)
{
	int64_t now = clock_monotonic_ms();

	if (!run->n)
		run->start_ms = now;
	return now;
}

/*
 * A slice that began at start ends; the pass's last paces the job by the
 * slices' time, not the work the loop did in between.
 */
static void slice_end(struct edge *e, struct edge_slices *run, int64_t start, bool done,
		      struct edge_pace *pace, int64_t gap_ms, const char *job)
{
	int64_t took = clock_monotonic_ms() - start;
	char line[112];

	run->busy_ms += took;
	if (took > run->longest_ms)
		run->longest_ms = took;
	run->n++;
	if (!done)
		return;
	snprintf(line, sizeof(line), "%s in %zu slices (longest %lld ms) over %lld ms", job,
		 run->n, (long long)run->longest_ms,
		 (long long)(clock_monotonic_ms() - run->start_ms));
	pace_done(e, pace, run->busy_ms, gap_ms, line);
	memset(run, 0, sizeof(*run));
}

/* Every target at once, for an operator's change: its reply follows. */
static void revalidate_all(struct edge *e)
{
	int64_t start = clock_monotonic_ms();

	e->revalidate_now = e->revalidate_bulk = false;
	if (settled(e))
		validator_run_all(e->v, edge_now_ms());
	/* It completed the sliced pass, if one was in progress. */
	memset(&e->revalidate_run, 0, sizeof(e->revalidate_run));
	pace_done(e, &e->revalidate_pace, clock_monotonic_ms() - start, EDGE_FULL_RUN_MS,
		  "re-validation");
}

/* A slice's yield: kbfd has an event waiting to be read. */
static bool bfd_event_waiting(void *arg)
{
	const struct edge *e = arg;
	struct pollfd pfd = { .fd = e->bfd_events_fd, .events = POLLIN };

	return e->bfd_events_fd >= 0 && poll(&pfd, 1, 0) > 0;
}

/* The end of a slice of whole-table work that begins now. */
static int64_t slice_deadline_ns(void)
{
	return clock_monotonic_ns() + EDGE_SLICE_MS * 1000000LL;
}

/* The slice is over: its time is up, or kbfd has an event waiting. */
static bool slice_spent(const struct edge *e, int64_t deadline_ns)
{
	return clock_monotonic_ns() >= deadline_ns || bfd_event_waiting((void *)e);
}

/*
 * One slice of the pass over every target, starting one when none is in
 * progress (a request during one asks for another pass after it). State
 * changes mark the FIB dirty themselves (validation_event); the pacing
 * counts the slices' time, not the work the loop did in between.
 */
static void revalidate_slice(struct edge *e)
{
	int64_t start = slice_begin(&e->revalidate_run);
	bool done = true;

	if (e->revalidate_now || !validator_run_busy(e->v)) {
		e->revalidate_now = e->revalidate_bulk = false;
		if (settled(e))
			validator_run_start(e->v);
	}
	if (settled(e))
		done = validator_run_some(e->v, edge_now_ms(), EDGE_SLICE_MS, bfd_event_waiting,
					  e);
	slice_end(e, &e->revalidate_run, start, done, &e->revalidate_pace, EDGE_FULL_RUN_MS,
		  "re-validation");
}

/* At open: the connections whose return validation waits for. */
static int await_active_connections(struct edge *e)
{
	for (size_t i = 0; i < e->db->npeerings; i++) {
		const struct peering *p = e->db->peerings[i];

		for (size_t j = 0; j < p->nconns; j++) {
			char (*grown)[INET6_ADDRSTRLEN];

			if (p->conns[j]->state != CONN_ACTIVE)
				continue;
			grown = realloc(e->awaited, (e->n_awaited + 1) * sizeof(*grown));
			if (!grown)
				return -1;
			e->awaited = grown;
			memcpy(e->awaited[e->n_awaited++], p->conns[j]->neighbor, INET6_ADDRSTRLEN);
		}
	}
	if (e->n_awaited) {
		e->settle_deadline_ms = edge_now_ms() + EDGE_SETTLE_MS;
		bgpd_log(e->d, LOG_NOTICE, "validation waits up to %d s for the %zu connections "
			 "that were Active before", EDGE_SETTLE_MS / 1000, e->n_awaited);
	}
	return 0;
}

/* Ends the start-up wait when every awaited connection is back, or on time. */
static void check_settled(struct edge *e)
{
	bool timed_out = edge_now_ms() >= e->settle_deadline_ms;

	if (settled(e))
		return;
	for (size_t i = e->n_awaited; i-- > 0;) {
		const struct connection *c = pdb_connection_by_neighbor(e->db, e->awaited[i]);
		const struct bgp_session *s = c ? edge_session_of(e, c) : NULL;

		/* Back means Active with its whole table: End-of-RIB (RFC 4724). */
		if (s && (c->state != CONN_ACTIVE || s->eor_pending))
			continue;
		if (i != --e->n_awaited)
			memcpy(e->awaited[i], e->awaited[e->n_awaited], INET6_ADDRSTRLEN);
	}
	if (e->n_awaited && !timed_out)
		return;
	bgpd_log(e->d, LOG_NOTICE, "%s: validating", e->n_awaited ?
		 "connections still down after the start-up wait" : "connections are back");
	e->settle_deadline_ms = 0;
	e->revalidate_now = true;
}

static void sync_nexthops(struct edge *e);

/*
 * The nexthops and groups follow at once, before anything whole-table:
 * that one update is what moves (or removes) every route of a peering.
 * Re-validation and the routes follow at the end of the turn.
 */
static void build_drop(struct edge *e);

static void connections_changed(struct edge *e)
{
	if (!refresh_connections(e))
		return;
	if (e->fib_enabled)
		sync_nexthops(e);
	/* A plan in the making has the old groups: the next is built afresh. */
	build_drop(e);
	e->state_dirty = true;
	e->fib_dirty = true;
	e->revalidate_now = true;
	check_settled(e);
}

static void session_changed(void *ctx, struct bgp_session *s)
{
	(void)s;
	connections_changed(ctx);
}

void edge_bfd(struct edge *e, struct bgp_session *s, bool up)
{
	e->bfd_up[s->rib_peer] = up;
	connections_changed(e);
}

void edge_set_bfd_events(struct edge *e, int fd)
{
	e->bfd_available = true;
	e->bfd_events_fd = fd;
	connections_changed(e);
}

/* ---- received routes, as the validator asks for them ---- */

/* Wire AS_PATH (4-octet ASNs) into rx segments; false when it does not fit. */
static bool decode_segments(struct edge_rx *rx, const uint8_t *p, size_t len)
{
	size_t nseg = 0, nasn = 0;

	while (len >= 2) {
		size_t count = p[1];

		if (len < 2 + 4 * count || nseg == sizeof(rx->segments) / sizeof(rx->segments[0]) ||
		    nasn + count > sizeof(rx->asns) / sizeof(rx->asns[0]))
			return false;
		rx->segments[nseg] = (struct as_segment){
			.type = p[0], .len = (uint8_t)count, .asns = &rx->asns[nasn] };
		for (size_t i = 0; i < count; i++) {
			uint32_t be;

			memcpy(&be, p + 2 + 4 * i, 4);
			rx->asns[nasn++] = ntohl(be);
		}
		nseg++;
		p += 2 + 4 * count;
		len -= 2 + 4 * count;
	}
	rx->route.segments = rx->segments;
	rx->route.nsegments = nseg;
	return true;
}

static const struct rx_route *lookup_route(void *ctx, const struct connection *c,
					   const struct prefix *pfx)
{
	struct edge *e = ctx;
	struct bgp_session *s = edge_session_of(e, c);
	const struct rib_entry *entry;
	const struct rib_path *path;
	struct edge_rx *rx = e->rx;

	if (!s || s->state != BGP_STATE_ESTABLISHED || !(entry = rib_lookup(e->d->rib, pfx)))
		return NULL;
	for (path = entry->paths; path && path->peer != s->rib_peer; path = path->next)
		;
	if (!path || rib_attrs_decode(path->attrs, &rx->upd) < 0 ||
	    !decode_segments(rx, rx->upd.attrs.as_path, rx->upd.attrs.as_path_len))
		return NULL;
	rx->route.communities = rx->upd.attrs.communities;
	rx->route.ncommunities = rx->upd.attrs.n_communities;
	return &rx->route;
}

static void rib_changed(void *ctx, const struct rib_entry *entry, uint16_t peer,
			const struct rib_attrs *attrs, bool best_changed)
{
	struct edge *e = ctx;

	(void)peer;
	(void)attrs;
	(void)best_changed;
	/* A whole run is due anyway: it covers this prefix. */
	if (!settled(e) || e->revalidate_now || e->revalidate_bulk)
		return;
	if (++e->turn_prefix_runs > EDGE_PREFIX_RUNS_MAX) {
		e->revalidate_bulk = true;
		return;
	}
	validator_run_prefix(e->v, &entry->prefix, edge_now_ms());
}

/* The validation events the line budget held back, once its second is over. */
static void report_held_events(struct edge *e, int64_t now)
{
	int64_t over = now - e->event_lines.start_ms;
	unsigned long held = log_limit_end(&e->event_lines, now);

	if (held)
		bgpd_log(e->d, LOG_NOTICE,
			 "%lu more validation events in %lld ms not logged (see peeredge events)",
			 held, (long long)over);
}

static void validation_event(void *ctx, const struct vevent *ev)
{
	struct edge *e = ctx;
	int64_t now = clock_monotonic_ms();

	report_held_events(e, now);
	if (log_limit_take(&e->event_lines, now))
		bgpd_log(e->d, ev->level >= VLEVEL_ERROR ? LOG_WARNING : LOG_INFO, "%s", ev->text);
	if (event_log_add(&e->events, ev) < 0)
		bgpd_log(e->d, LOG_WARNING, "event not kept: out of memory");
	if (ev->type == VEVENT_STATE_CHANGE) {
		e->fib_dirty = true;
		e->state_dirty = true;
	}
}

/* ---- configuration ---- */

int edge_check_config(const struct edge *e, const struct config *c, char *err, size_t errlen)
{
	for (size_t i = 0; i < c->n_peerings; i++) {
		const struct config_peering *cp = &c->peerings[i];
		const struct peering *p = pdb_peering(e->db, cp->name);
		enum peering_kind kind = cp->route_server ? PEERING_ROUTE_SERVER : PEERING_VOICE;

		/* Registrations are of one kind; they cannot follow a kind change. */
		if (p && p->kind != kind && (p->nprefixes || p->nasns)) {
			snprintf(err, errlen, "peering %s: kind %s, but the state file holds %s "
				 "registrations of it; delete them first", cp->name,
				 peering_kind_name(kind), peering_kind_name(p->kind));
			return -1;
		}
	}
	return 0;
}

int edge_load_registry(const struct config *c, struct bgpd *d, struct registry **out,
		       char *err, size_t errlen)
{
	struct registry *reg;

	*out = NULL;
	if (!c->n_registry)
		return 0;
	reg = registry_new();
	if (!reg) {
		snprintf(err, errlen, "registry: out of memory");
		return -1;
	}
	for (size_t i = 0; i < c->n_registry; i++) {
		struct registry_stats st = { 0 };
		int ret = registry_add_file(reg, c->registry[i], &st);

		if (ret < 0) {
			snprintf(err, errlen, "registry %s: %s", c->registry[i], strerror(-ret));
			registry_free(reg);
			return -1;
		}
		bgpd_log(d, LOG_INFO, "registry %s: %lu route objects, %lu skipped%s%s",
			 c->registry[i], st.routes, st.skipped, st.skipped ? ", first: " : "",
			 st.skipped ? st.first_error : "");
	}
	*out = reg;
	return 0;
}

static struct connection *peering_conn(const struct peering *p, const char *name)
{
	for (size_t i = 0; i < p->nconns; i++)
		if (!strcmp(p->conns[i]->name, name))
			return p->conns[i];
	return NULL;
}

/* Connections no longer configured as they are (name, peering, address) go. */
static void drop_stale_connections(struct edge *e, const struct config *c)
{
	char addr[INET6_ADDRSTRLEN];

	for (size_t i = 0; i < e->db->npeerings; i++) {
		struct peering *p = e->db->peerings[i];

		for (size_t j = p->nconns; j-- > 0;) {
			const struct connection *conn = p->conns[j];
			const struct config_neighbor *n = config_find_neighbor(c, conn->name);

			if (n && !strcmp(n->peering, p->name) &&
			    !strcmp(config_addr_format(&n->address, addr, sizeof(addr)),
				    conn->neighbor))
				continue;
			bgpd_log(e->d, LOG_NOTICE, "connection %s of peering %s removed",
				 conn->name, p->name);
			pdb_del_connection(e->db, p, conn->name);
		}
	}
}

/* True when an existing peering changed (adding one bumps db->generation). */
static bool apply_peerings(struct edge *e, const struct config *c)
{
	bool changed = false;
	const char *why;

	for (size_t i = 0; i < c->n_peerings; i++) {
		const struct config_peering *cp = &c->peerings[i];
		enum peering_kind kind = cp->route_server ? PEERING_ROUTE_SERVER : PEERING_VOICE;
		struct peering *p = pdb_peering(e->db, cp->name);

		if (!p) {
			if (pdb_add_peering(e->db, cp->name, cp->asn, kind, NULL, &why) < 0)
				bgpd_log(e->d, LOG_ERR, "peering %s: %s", cp->name, why);
			continue;
		}
		changed |= p->asn != cp->asn || p->kind != kind;
		p->asn = cp->asn;
		p->kind = kind;	/* edge_check_config refused a kind change that matters */
	}
	for (size_t i = 0; i < e->db->npeerings; i++)
		if (!config_find_peering(c, e->db->peerings[i]->name))
			bgpd_log(e->d, LOG_WARNING, "peering %s is in the state file but not "
				 "configured: kept with its registrations, without connections",
				 e->db->peerings[i]->name);
	return changed;
}

/* True when an existing connection moved (adding one bumps db->generation). */
static bool apply_connections(struct edge *e, const struct config *c)
{
	char addr[INET6_ADDRSTRLEN];
	bool changed = false;
	const char *why;

	for (size_t i = 0; i < c->n_neighbors; i++) {
		const struct config_neighbor *n = &c->neighbors[i];
		struct peering *p = n->peering[0] ? pdb_peering(e->db, n->peering) : NULL;
		struct connection *conn;

		if (!p)
			continue;
		conn = peering_conn(p, n->name);
		if (conn) {
			changed |= strcmp(conn->location, n->location) ||
				   strcmp(conn->router, n->router);
			snprintf(conn->location, sizeof(conn->location), "%s", n->location);
			snprintf(conn->router, sizeof(conn->router), "%s", n->router);
			continue;
		}
		if (pdb_add_connection(e->db, p, n->name,
				       config_addr_format(&n->address, addr, sizeof(addr)),
				       n->location, n->router, &conn, &why) < 0) {
			bgpd_log(e->d, LOG_ERR, "neighbor %s: not a connection of %s: %s",
				 n->name, p->name, why);
			continue;
		}
		conn->state = CONN_PROVISIONING_COMPLETED;
	}
	return changed;
}

/* A RIB peer slot freed by a removed neighbor must not lend its BFD Up to the next. */
static void forget_unused_bfd(struct edge *e)
{
	bool used[RIB_MAX_PEERS] = { false };

	for (size_t i = 0; i < e->d->n_sessions; i++)
		used[e->d->sessions[i]->rib_peer] = true;
	for (size_t i = 0; i < RIB_MAX_PEERS; i++)
		e->bfd_up[i] &= used[i];
}

void edge_apply_config(struct edge *e, struct registry *reg)
{
	const struct config *c = &e->d->cfg;
	uint64_t generation = e->db->generation;
	bool changed;

	drop_stale_connections(e, c);
	changed = apply_peerings(e, c);
	changed |= apply_connections(e, c);
	registry_free((struct registry *)validator_set_registry(e->v, reg));
	e->reg = reg;
	if (!reg && c->n_peerings)
		bgpd_log(e->d, LOG_WARNING, "no registry file: origin checks cannot be decided "
			 "(prefixes stay Unknown)");
	validator_set_pending_grace(e->v, (int64_t)c->grace_period * 1000);
	xdp_sync_config(&e->xdp, c);
	if (strcmp(c->state_file, e->state_path))
		bgpd_log(e->d, LOG_WARNING, "state-file changed: takes effect at restart");
	if (c->fib_table != e->fib_table || (e->fib_table && c->fib_nexthop_base != e->fib_id_base))
		bgpd_log(e->d, LOG_WARNING, "fib table changed: takes effect at restart");
	forget_unused_bfd(e);
	refresh_connections(e);
	build_drop(e);		/* peerings may have moved: the next plan is built afresh */
	/* Only a real change is written: a BGP-only daemon never creates the file. */
	if (changed || generation != e->db->generation)
		e->state_dirty = true;
	e->fib_dirty = true;
	e->revalidate_now = true;
}

/* ---- FIB ---- */

static int compare_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* The group of peering p (index pi) over its Active connections, if any. */
static int plan_peering(struct edge *e, size_t pi, struct fib_plan *plan)
{
	const struct peering *p = e->db->peerings[pi];
	struct fib_plan_group group = { .id = e->fib_id_base + EDGE_GROUP_ID_OFFSET + (uint32_t)pi };
	int ret = 0;

	for (size_t j = 0; j < p->nconns && !ret && group.n < FIB_GROUP_MAX; j++) {
		struct bgp_session *s = edge_session_of(e, p->conns[j]);
		struct fib_plan_nexthop nh = { 0 };

		if (p->conns[j]->state != CONN_ACTIVE || !s ||
		    ip_addr_parse(p->conns[j]->neighbor, &nh.gateway))
			continue;
		nh.id = e->fib_id_base + 1 + s->rib_peer;
		nh.ifindex = s->cfg->dev[0] ? if_nametoindex(s->cfg->dev) :
			     fib_ifindex_for(&nh.gateway);
		if (!nh.ifindex) {
			bgpd_log(e->d, LOG_WARNING, "neighbor %s: no interface reaches %s; not "
				 "a nexthop", s->cfg->name, p->conns[j]->neighbor);
			continue;
		}
		ret = fib_plan_nexthop(plan, &nh);
		group.members[group.n++] = nh.id;
	}
	if (ret || !group.n)
		return ret;
	qsort(group.members, group.n, sizeof(group.members[0]), compare_u32);
	return fib_plan_group(plan, &group);
}

static int plan_groups(struct edge *e, struct fib_plan *plan)
{
	int ret = 0;

	for (size_t i = 0; i < e->db->npeerings && !ret; i++)
		ret = plan_peering(e, i, plan);
	return ret;
}

/* The connections' nexthops and the peerings' groups alone; routes stay. */
static void sync_nexthops(struct edge *e)
{
	struct fib_plan plan = { 0 };
	char err[512];

	if (plan_groups(e, &plan) < 0) {
		fib_plan_free(&plan);
		bgpd_log(e->d, LOG_ERR, "FIB: out of memory");
		return;
	}
	if (fib_sync_apply_nexthops(&e->fib, &plan, err, sizeof(err)) < 0)
		bgpd_log(e->d, LOG_ERR, "%s", err);
}

/* ---- a FIB and XDP pass's plan, built in slices ---- */

static int service_order(const void *a, const void *b)
{
	return prefix_compare(&(*(struct service_prefix *const *)a)->pfx,
			      &(*(struct service_prefix *const *)b)->pfx);
}

/*
 * The service prefixes in prefix order: a plan built in that order needs
 * no sort at its end (array_sort() checks). Sorted again only when
 * prefixes came or went (db->generation), after an operator's change or a
 * reload, which re-validate the whole table at once anyway.
 */
static int order_services(struct edge *e)
{
	struct edge_build *b = &e->build;
	size_t n = e->db->nservices;

	if (b->ordered && b->order_generation == e->db->generation)
		return 0;
	if (n > b->n_order) {
		struct service_prefix **grown = realloc(b->order, n * sizeof(*grown));

		if (!grown)
			return -1;
		b->order = grown;
	}
	if (n)
		memcpy(b->order, e->db->services, n * sizeof(*b->order));
	array_sort(b->order, n, sizeof(*b->order), service_order);
	b->n_order = n;
	b->ordered = true;
	b->order_generation = e->db->generation;
	return 0;
}

/* Drops the plan being built, and the allowlist waiting for the FIB pass. */
static void build_drop(struct edge *e)
{
	struct edge_build *b = &e->build;

	fib_plan_free(&b->plan);
	free(b->want);
	b->want = NULL;
	b->n_want = 0;
	b->active = b->want_ready = false;
	b->busy_ms = 0;
}

static int build_begin(struct edge *e)
{
	struct edge_build *b = &e->build;

	build_drop(e);
	if (order_services(e) < 0 || (e->fib_enabled && plan_groups(e, &b->plan) < 0))
		return -1;
	b->active = true;
	b->next = 0;
	b->generation = e->db->generation;
	return 0;
}

/* Service prefix sp's route, when its peering has a group, and allowlist entry. */
static int build_service(struct edge *e, const struct service_prefix *sp)
{
	struct edge_build *b = &e->build;
	const struct peering *p;
	struct xdp_entry *grown;
	int id;

	if (!vstate_installable(sp->result.state) || !(p = validate_service_peering(e->db, sp)))
		return 0;
	for (size_t pi = 0; e->fib_enabled && pi < e->db->npeerings; pi++) {
		uint32_t group = e->fib_id_base + EDGE_GROUP_ID_OFFSET + (uint32_t)pi;

		if (e->db->peerings[pi] != p)
			continue;
		for (size_t g = 0; g < b->plan.n_groups; g++)
			if (b->plan.groups[g].id == group && fib_plan_route(&b->plan, &sp->pfx, group))
				return -1;
	}
	id = xdp_sync_peering_id(&e->xdp, p->name);
	if (id < 0)
		return 0;
	grown = array_grow(b->want, b->n_want, sizeof(*b->want));
	if (!grown)
		return -1;
	b->want = grown;
	b->want[b->n_want++] = (struct xdp_entry){ .pfx = sp->pfx, .peering_id = (unsigned int)id };
	return 0;
}

/*
 * Builds on from where the last slice stopped, for EDGE_SLICE_MS or until
 * a kbfd event waits (looked at every EDGE_BUILD_CHECK services: a
 * service costs far less than a poll); true once the plan is whole.
 */
static int build_some(struct edge *e, bool *built)
{
	struct edge_build *b = &e->build;
	int64_t deadline = slice_deadline_ns();

	/* Prefixes came or went: positions moved, the build starts over. */
	if (b->generation != e->db->generation && build_begin(e) < 0)
		return -1;
	for (;;) {
		size_t end = b->next + EDGE_BUILD_CHECK < b->n_order ? b->next + EDGE_BUILD_CHECK :
			     b->n_order;

		for (; b->next < end; b->next++)
			if (build_service(e, b->order[b->next]) < 0)
				return -1;
		*built = b->next == b->n_order;
		if (*built || slice_spent(e, deadline))
			return 0;
	}
}

/* ---- state file ---- */

/*
 * A save (job) ended now, after took ms: err says why it failed, NULL when
 * it did not. A failure is logged and its changes saved again, no sooner
 * than EDGE_SAVE_RETRY_MS from now.
 */
static void save_done(struct edge *e, int64_t took, const char *job, const char *err)
{
	e->saved_at_ms = clock_monotonic_ms();
	snprintf(e->save_error, sizeof(e->save_error), "%s", err ? err : "");
	if (err) {
		e->save_failures++;
		bgpd_log(e->d, LOG_ERR, "%s", err);
		e->state_dirty = true;
	}
	pace_done(e, &e->save_pace, took, err ? EDGE_SAVE_RETRY_MS : 0, job);
}

bool edge_save_failed(const struct edge *e)
{
	return e->save_error[0] != '\0';
}

bool edge_save_pending(const struct edge *e)
{
	return e->state_dirty || state_writer_busy(&e->writer) ||
	       state_writer_formatting(&e->writer);
}

/* A save whose thread ended (or none): collected, paced, tried again if it failed. */
static void reap_save(struct edge *e)
{
	int64_t took = clock_monotonic_ms() - e->writer.started_ms;
	char err[512], job[112];
	int ret = state_writer_reap(&e->writer, err, sizeof(err));

	if (!ret)
		return;
	snprintf(job, sizeof(job),
		 "state file save (formatted in %zu slices, longest %lld ms, then written by a thread)",
		 e->save_run.n, (long long)e->save_run.longest_ms);
	save_done(e, took, job, ret < 0 ? err : NULL);
	memset(&e->save_run, 0, sizeof(e->save_run));
}

/*
 * Before another save: a text being formatted is dropped (what it held is
 * saved again), a thread writing is waited for, or it could rename an
 * older snapshot over the new one.
 */
static void end_save(struct edge *e)
{
	if (state_writer_formatting(&e->writer)) {
		state_writer_drop(&e->writer);
		memset(&e->save_run, 0, sizeof(e->save_run));
		e->state_dirty = true;
	}
	reap_save(e);
}

/*
 * In the loop, for an operator's change and at close. A failed save is
 * tried again (paced) like a background one, with what the db holds then.
 */
static int save_state(struct edge *e, char *err, size_t errlen)
{
	int64_t start;
	int ret;

	end_save(e);
	start = clock_monotonic_ms();
	e->state_dirty = false;
	ret = state_save(e->state_path, e->db, err, errlen) < 0 ? -1 : 0;
	save_done(e, clock_monotonic_ms() - start, "state file save", ret ? err : NULL);
	return ret;
}

/* The thread is through: collecting it waits no longer. */
static void save_ended(struct ev_watch *w, uint32_t events)
{
	(void)events;
	reap_save((struct edge *)((char *)w - offsetof(struct edge, writer_watch)));
}

/* The formatted text to the writer thread, or written here if none can start. */
static void save_in_background(struct edge *e)
{
	char err[512];

	if (state_writer_start(&e->writer, e->state_path, err, sizeof(err)) < 0) {
		bgpd_log(e->d, LOG_WARNING, "%s; saving in the event loop", err);
		save_state(e, err, sizeof(err));
		return;
	}
	e->writer_watch.fd = e->writer.done_fd;
	e->writer_watch.cb = save_ended;
	if (bgpd_watch(e->d, &e->writer_watch, EPOLLIN)) {
		bgpd_log(e->d, LOG_WARNING, "cannot watch the state file save: %s; waiting for it",
			 strerror(errno));
		reap_save(e);
	}
}

/*
 * A slice of a paced save: the db formatted EDGE_SAVE_BATCH records at a
 * time for EDGE_SLICE_MS, or until kbfd has an event; once the text is
 * complete, a thread writes it.
 */
static void save_slice(struct edge *e)
{
	int64_t start = slice_begin(&e->save_run);
	int64_t deadline = slice_deadline_ns();
	int ret;

	/* Changes from here on are the next save's, unless this text still catches them. */
	if (!state_writer_formatting(&e->writer))
		e->state_dirty = false;
	do
		ret = state_writer_format(&e->writer, e->db, EDGE_SAVE_BATCH);
	while (!ret && !slice_spent(e, deadline));
	slice_end(e, &e->save_run, start, false, NULL, 0, NULL);
	if (ret < 0) {
		char err[64];

		snprintf(err, sizeof(err), "state file save: %s", strerror(-ret));
		state_writer_drop(&e->writer);
		save_done(e, e->save_run.busy_ms, "state file save", err);
		memset(&e->save_run, 0, sizeof(e->save_run));
	} else if (ret) {
		save_in_background(e);
	}
}

int edge_model_changed(struct edge *e, char *err, size_t errlen)
{
	e->fib_dirty = true;
	revalidate_all(e);
	return save_state(e, err, errlen);
}

/* A build that ran out of memory: dropped, the whole pass again (paced). */
static void build_failed(struct edge *e)
{
	build_drop(e);
	e->xdp.retry = true;
	bgpd_log(e->d, LOG_ERR, "FIB and XDP: out of memory");
}

static bool sync_busy(const struct edge *e)
{
	return e->build.active || fib_sync_busy(&e->fib) || e->build.want_ready ||
	       xdp_sync_busy(&e->xdp);
}

/*
 * A slice of the plan's build; once it is whole, the FIB pass to it
 * starts (replacing any in progress: what its steps committed stays) and
 * its allowlist waits for that pass's end. The next build waits for the
 * pace of this one's time: a change during the pass restarts it, paced.
 */
static void build_slice(struct edge *e)
{
	int64_t start = clock_monotonic_ms();
	bool built = false;

	if (build_some(e, &built) < 0) {
		build_failed(e);
		return;
	}
	e->build.busy_ms += clock_monotonic_ms() - start;
	if (!built)
		return;
	e->build.active = false;
	e->build.want_ready = true;
	if (e->fib_enabled)
		fib_sync_start(&e->fib, &e->build.plan);
	fib_plan_free(&e->build.plan);
	e->sync_pace.next_ms = clock_monotonic_ms() + EDGE_PACE_FACTOR * e->build.busy_ms;
}

/*
 * One slice of the FIB and XDP sync: a pass starts when the routes (or a
 * failed allowlist) changed and the sync's pace allows. Its plan is built
 * in slices, then EDGE_FIB_SLICE_ROUTES route changes of it are committed
 * a turn; the allowlist follows the finished pass, EDGE_XDP_SLICE_ENTRIES
 * changes a turn. The pacing counts the slices' time, not the work the
 * loop did in between.
 */
static void sync_slice(struct edge *e)
{
	int64_t start = slice_begin(&e->sync_run);
	char err[512];

	if ((e->fib_dirty || e->xdp.retry) && !e->build.active && pace_due(&e->sync_pace)) {
		/* This pass covers both; a failure sets them again. */
		e->fib_dirty = e->xdp.retry = false;
		if (build_begin(e) < 0)
			build_failed(e);
	}
	if (e->build.active) {
		build_slice(e);
	} else if (fib_sync_busy(&e->fib)) {
		if (fib_sync_step(&e->fib, EDGE_FIB_SLICE_ROUTES, err, sizeof(err)) < 0)
			bgpd_log(e->d, LOG_ERR, "%s", err);
	} else if (e->build.want_ready) {
		xdp_sync_start(&e->xdp, e->build.want, e->build.n_want);
		e->build.want = NULL;
		build_drop(e);
	} else if (xdp_sync_busy(&e->xdp)) {
		xdp_sync_step(&e->xdp, EDGE_XDP_SLICE_ENTRIES);
	}
	slice_end(e, &e->sync_run, start, !sync_busy(e), &e->sync_pace, 0, "FIB and XDP sync");
}

/*
 * One whole-table job a turn at most, so the timers (keepalives) run
 * between them: a slice of re-validation, then (once the pass is through)
 * a slice of the route and XDP syncs, then a slice of a state file save's
 * formatting (its writing is a thread's).
 */
void edge_turn(struct edge *e)
{
	report_held_events(e, clock_monotonic_ms());
	check_settled(e);
	e->turn_prefix_runs = 0;
	xdp_sync_poll(&e->xdp, edge_now_ms());
	if (e->revalidate_now || validator_run_busy(e->v) || pace_due(&e->revalidate_pace)) {
		revalidate_slice(e);
	} else if (sync_busy(e) || ((e->fib_dirty || e->xdp.retry) && pace_due(&e->sync_pace))) {
		sync_slice(e);
	} else if (state_writer_formatting(&e->writer) ||
		   (e->state_dirty && pace_due(&e->save_pace) && !state_writer_busy(&e->writer))) {
		save_slice(e);
	}
}

static int64_t wait_for(const struct edge_pace *pace, int64_t now)
{
	return pace->next_ms > now ? pace->next_ms - now : 0;
}

int edge_poll_timeout_ms(const struct edge *e, int max_ms)
{
	int64_t now = clock_monotonic_ms(), wait = wait_for(&e->revalidate_pace, now);
	int64_t report = log_limit_due_in(&e->event_lines, now);

	if (e->revalidate_now || validator_run_busy(e->v) || sync_busy(e) ||
	    state_writer_formatting(&e->writer))
		wait = 0;
	if ((e->fib_dirty || e->xdp.retry) && wait_for(&e->sync_pace, now) < wait)
		wait = wait_for(&e->sync_pace, now);
	/* A change during a save waits for its end (save_ended), not the pace. */
	if (e->state_dirty && !state_writer_busy(&e->writer) &&
	    wait_for(&e->save_pace, now) < wait)
		wait = wait_for(&e->save_pace, now);
	if (report >= 0 && report < wait)
		wait = report;
	return wait < max_ms ? (int)wait : max_ms;
}

/* ---- life cycle ---- */

static int load_state(struct edge *e, char *err, size_t errlen)
{
	int ret = state_load(e->state_path, &e->db, err, errlen);

	if (ret == -ENOENT) {
		bgpd_log(e->d, LOG_NOTICE, "state file %s does not exist: starting empty",
			 e->state_path);
		e->db = pdb_new();
		if (!e->db) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		return 0;
	}
	if (ret < 0) {
		size_t n = strlen(err);

		/* state_load never touches the file; say so, it is what matters now. */
		snprintf(err + n, errlen - n, " (not starting; the file is left as it is)");
		return -1;
	}
	return 0;
}

int edge_open(struct edge *e, struct bgpd *d, char *err, size_t errlen)
{
	const struct config *c = &d->cfg;
	struct rx_source rx = { .lookup = lookup_route, .ctx = e };
	struct registry *reg;

	memset(e, 0, sizeof(*e));
	e->d = d;
	e->bfd_events_fd = -1;
	log_limit_init(&e->event_lines, EDGE_EVENT_LINES_PER_S, 1000);
	snprintf(e->state_path, sizeof(e->state_path), "%s", c->state_file);
	if (load_state(e, err, errlen) || edge_check_config(e, c, err, errlen) ||
	    edge_load_registry(c, d, &reg, err, errlen))
		return -1;
	if (await_active_connections(e)) {
		registry_free(reg);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	e->rx = calloc(1, sizeof(*e->rx));
	e->v = validator_new(e->db, &rx, validation_event, e);
	if (!e->rx || !e->v) {
		registry_free(reg);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (c->fib_table) {
		if (fib_sync_open(&e->fib, c->fib_table, c->fib_nexthop_base, err, errlen) < 0) {
			registry_free(reg);
			return -1;
		}
		e->fib_enabled = true;
		e->fib_table = c->fib_table;
		e->fib_id_base = c->fib_nexthop_base;
	} else if (c->n_peerings) {
		bgpd_log(d, LOG_NOTICE, "no 'fib table': Verified prefixes are not installed");
	}
	if (xdp_sync_open(&e->xdp, d, c, err, errlen) < 0) {
		registry_free(reg);
		return -1;
	}
	edge_apply_config(e, reg);
	rib_set_listener(d->rib, rib_changed, e);
	d->on_change = session_changed;
	d->on_change_ctx = e;
	return 0;
}

void edge_close(struct edge *e)
{
	char err[512];

	/* A save in progress ends first; a change still coalesced is not lost. */
	end_save(e);
	if (e->db && e->state_dirty)
		save_state(e, err, sizeof(err));
	state_writer_free(&e->writer);
	if (e->d) {
		rib_set_listener(e->d->rib, NULL, NULL);
		e->d->on_change = NULL;
	}
	if (e->fib_enabled)
		fib_sync_close(&e->fib);
	build_drop(e);
	free(e->build.order);
	xdp_sync_close(&e->xdp);
	validator_free(e->v);
	registry_free(e->reg);
	pdb_free(e->db);
	event_log_free(&e->events);
	free(e->awaited);
	free(e->rx);
	memset(e, 0, sizeof(*e));
}
