// SPDX-License-Identifier: GPL-2.0
/* The metrics of peeredged, one function per section; see metrics.h. */
#include <arpa/inet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bfd_snapshot.h"
#include "edge.h"
#include "metrics.h"
#include "prom_text.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- BGP ---- */

static const char *const bgp_states[] = {
	"Idle", "Connect", "Active", "OpenSent", "OpenConfirm", "Established",
};

struct best_count {
	uint32_t per_peer[RIB_MAX_PEERS];
};

static int count_best(void *ctx, const struct rib_entry *e)
{
	struct best_count *bc = ctx;

	if (e->paths)
		bc->per_peer[e->paths->peer]++;
	return 0;
}

typedef uint64_t (*session_value)(const struct bgp_session *s);

static uint64_t messages_in(const struct bgp_session *s) { return s->messages_in; }
static uint64_t messages_out(const struct bgp_session *s) { return s->messages_out; }
static uint64_t updates_in(const struct bgp_session *s) { return s->updates_in; }
static uint64_t updates_out(const struct bgp_session *s) { return s->updates_out; }
static uint64_t as_withdraw(const struct bgp_session *s) { return s->withdraws_as_errors; }
static uint64_t established(const struct bgp_session *s) { return s->established_count; }

/* Times it left Established: every entry but the one it may still be in. */
static uint64_t flaps(const struct bgp_session *s)
{
	return s->established_count - (s->state == BGP_STATE_ESTABLISHED && s->established_count);
}

static void per_neighbor(FILE *out, const struct bgpd *d, const char *name, const char *type,
			 const char *help, session_value value)
{
	prom_family(out, name, type, help);
	for (size_t i = 0; i < d->n_sessions; i++)
		prom_sample(out, name, (double)value(d->sessions[i]),
			    "neighbor", d->sessions[i]->cfg->name, NULL);
}

static void section_bgp(FILE *out, const struct metrics_source *src)
{
	struct best_count best = { 0 };
	const struct bgpd *d = src->d;
	uint64_t now = d->now();
	char addr[INET6_ADDRSTRLEN], as[16];

	prom_family(out, "peeredge_bgp_neighbor_info", "gauge",
		    "Configured BGP neighbors: address and remote AS, value 1.");
	for (size_t i = 0; i < d->n_sessions; i++) {
		const struct config_neighbor *n = d->sessions[i]->cfg;

		snprintf(as, sizeof(as), "%u", n->remote_as);
		prom_sample(out, "peeredge_bgp_neighbor_info", 1, "neighbor", n->name, "address",
			    config_addr_format(&n->address, addr, sizeof(addr)), "remote_as", as, NULL);
	}
	prom_family(out, "peeredge_bgp_session_state", "gauge",
		    "BGP finite state machine state (RFC 4271): 1 for the current state, 0 for the others.");
	for (size_t i = 0; i < d->n_sessions; i++)
		prom_state_set(out, "peeredge_bgp_session_state", bgp_states, N_OF(bgp_states),
			       d->sessions[i]->state, "neighbor", d->sessions[i]->cfg->name, NULL);
	prom_family(out, "peeredge_bgp_session_state_seconds", "gauge",
		    "Seconds since the session entered its current state.");
	for (size_t i = 0; i < d->n_sessions; i++)
		prom_sample(out, "peeredge_bgp_session_state_seconds",
			    (double)(now - d->sessions[i]->state_since) / 1000,
			    "neighbor", d->sessions[i]->cfg->name, NULL);
	prom_family(out, "peeredge_bgp_prefixes_received", "gauge",
		    "Routes in the neighbor's Adj-RIB-In (received and kept after RFC 7606 checks).");
	for (size_t i = 0; i < d->n_sessions; i++)
		prom_sample(out, "peeredge_bgp_prefixes_received",
			    rib_peer(d->rib, d->sessions[i]->rib_peer)->routes,
			    "neighbor", d->sessions[i]->cfg->name, NULL);
	rib_walk(d->rib, count_best, &best);
	prom_family(out, "peeredge_bgp_prefixes_best", "gauge",
		    "Routes of the neighbor selected as best path (Loc-RIB).");
	for (size_t i = 0; i < d->n_sessions; i++)
		prom_sample(out, "peeredge_bgp_prefixes_best", best.per_peer[d->sessions[i]->rib_peer],
			    "neighbor", d->sessions[i]->cfg->name, NULL);
	per_neighbor(out, d, "peeredge_bgp_messages_received_total", "counter",
		     "BGP messages received, every type.", messages_in);
	per_neighbor(out, d, "peeredge_bgp_messages_sent_total", "counter",
		     "BGP messages sent, every type.", messages_out);
	per_neighbor(out, d, "peeredge_bgp_updates_received_total", "counter",
		     "UPDATE messages received.", updates_in);
	per_neighbor(out, d, "peeredge_bgp_updates_sent_total", "counter",
		     "UPDATE messages sent.", updates_out);
	per_neighbor(out, d, "peeredge_bgp_updates_treated_as_withdraw_total", "counter",
		     "UPDATE messages whose routes were treated as withdrawn (RFC 7606).", as_withdraw);
	per_neighbor(out, d, "peeredge_bgp_established_transitions_total", "counter",
		     "Times the session reached Established.", established);
	per_neighbor(out, d, "peeredge_bgp_session_flaps_total", "counter",
		     "Times the session left Established.", flaps);
}

/* ---- validation ---- */

static const char *const vstates[] = {
	"None", "Pending", "Verified", "Failed", "Warning", "Invalid", "Unknown",
};

static void section_validation(FILE *out, const struct metrics_source *src)
{
	const struct peering_db *db = src->edge->db;
	size_t unmatched[N_OF(vstates)] = { 0 }, n_unmatched = 0;
	char pfx[PREFIX_STRLEN];

	prom_family(out, "peeredge_service_prefixes", "gauge",
		    "Peering Service prefixes (activations) by validation state, per peering "
		    "(peering=\"\": the key matches no registration).");
	for (size_t i = 0; i < db->npeerings; i++) {
		size_t count[N_OF(vstates)] = { 0 };

		for (size_t j = 0; j < db->nservices; j++)
			if (validate_service_peering(db, db->services[j]) == db->peerings[i])
				count[db->services[j]->result.state]++;
		for (size_t s = 0; s < N_OF(vstates); s++)
			prom_sample(out, "peeredge_service_prefixes", (double)count[s],
				    "peering", db->peerings[i]->name, "state", vstates[s], NULL);
	}
	for (size_t j = 0; j < db->nservices; j++) {
		if (!validate_service_peering(db, db->services[j])) {
			unmatched[db->services[j]->result.state]++;
			n_unmatched++;
		}
	}
	for (size_t s = 0; n_unmatched && s < N_OF(vstates); s++)
		prom_sample(out, "peeredge_service_prefixes", (double)unmatched[s],
			    "peering", "", "state", vstates[s], NULL);

	prom_family(out, "peeredge_service_prefix_state", "gauge",
		    "Validation state of each Peering Service prefix: 1 for the current state.");
	for (size_t j = 0; j < db->nservices; j++) {
		const struct service_prefix *sp = db->services[j];
		const struct peering *p = validate_service_peering(db, sp);

		prom_state_set(out, "peeredge_service_prefix_state", vstates, N_OF(vstates),
			       sp->result.state, "name", sp->name, "prefix", sp->text,
			       "peering", p ? p->name : "", NULL);
	}
	prom_family(out, "peeredge_registered_prefix_state", "gauge",
		    "Validation state of each registered prefix: 1 for the current state.");
	for (size_t i = 0; i < db->npeerings; i++) {
		for (size_t j = 0; j < db->peerings[i]->nprefixes; j++) {
			const struct registered_prefix *rp = db->peerings[i]->prefixes[j];

			prom_state_set(out, "peeredge_registered_prefix_state", vstates, N_OF(vstates),
				       rp->result.state, "name", rp->name,
				       "prefix", prefix_format(&rp->pfx, pfx, sizeof(pfx)),
				       "peering", db->peerings[i]->name, NULL);
		}
	}
}

/* ---- connections and FIB ---- */

static const char *const conn_states[] = {
	"None", "PendingApproval", "Approved", "ProvisioningStarted", "ProvisioningFailed",
	"ProvisioningCompleted", "Validating", "Active",
};

static void section_connections(FILE *out, const struct metrics_source *src)
{
	const struct peering_db *db = src->edge->db;
	const struct fib_plan *fib = &src->edge->fib.installed;

	prom_family(out, "peeredge_connection_state", "gauge",
		    "State of each Peering Service connection: 1 for the current state.");
	for (size_t i = 0; i < db->npeerings; i++) {
		for (size_t j = 0; j < db->peerings[i]->nconns; j++) {
			const struct connection *c = db->peerings[i]->conns[j];

			prom_state_set(out, "peeredge_connection_state", conn_states,
				       N_OF(conn_states), c->state, "connection", c->name,
				       "peering", db->peerings[i]->name, "location", c->location,
				       "router", c->router, NULL);
		}
	}
	prom_family(out, "peeredge_fib_routes", "gauge",
		    "Routes peeredged installed in its kernel routing table.");
	prom_sample(out, "peeredge_fib_routes", src->edge->fib_enabled ? (double)fib->n_routes : 0,
		    NULL);
	prom_family(out, "peeredge_fib_nexthops", "gauge",
		    "Nexthop objects (one per Active connection) peeredged installed.");
	prom_sample(out, "peeredge_fib_nexthops",
		    src->edge->fib_enabled ? (double)fib->n_nexthops : 0, NULL);
}

/* ---- BFD ---- */

static const char *const bfd_states[] = { "AdminDown", "Down", "Init", "Up" };

struct bfd_labels {
	char peer[IP_ADDR_STRLEN], local[IP_ADDR_STRLEN], dev[IF_NAMESIZE];
	const char *mode;
};

static void bfd_labels_of(const struct bfd_session *s, struct bfd_labels *l)
{
	ip_addr_format(&s->peer, l->peer, sizeof(l->peer));
	if (bfd_has(s, KBFD_A_LOCAL_ADDR))
		ip_addr_format(&s->local, l->local, sizeof(l->local));
	else
		l->local[0] = '\0';
	if (s->ifindex)
		cli_ifname(s->ifindex, l->dev);
	else
		l->dev[0] = '\0';
	l->mode = bfd_has(s, KBFD_A_LAG_IFINDEX) ? "micro-bfd" :
		  s->multihop ? "multihop" : "single-hop";
}

#define BFD_LABELS(l) "peer", (l).peer, "local", (l).local, "dev", (l).dev, "mode", (l).mode

typedef double (*bfd_value)(const struct bfd_session *s);

static double rx_packets(const struct bfd_session *s) { return (double)s->rx_packets; }
static double tx_packets(const struct bfd_session *s) { return (double)s->tx_packets; }
static double rx_drops(const struct bfd_session *s) { return (double)s->rx_drops; }
static double up_transitions(const struct bfd_session *s) { return s->up_transitions; }
static double detect_time(const struct bfd_session *s) { return s->detect_time_us / 1e6; }

static void per_bfd_session(FILE *out, const struct bfd_snapshot *snap, const char *name,
			    const char *type, const char *help, bfd_value value)
{
	struct bfd_labels l;

	prom_family(out, name, type, help);
	for (size_t i = 0; i < snap->n_sessions; i++) {
		bfd_labels_of(&snap->sessions[i], &l);
		prom_sample(out, name, value(&snap->sessions[i]), BFD_LABELS(l), NULL);
	}
}

static void bfd_lags(FILE *out, const struct bfd_snapshot *snap)
{
	char lag[IF_NAMESIZE], member[IF_NAMESIZE];

	prom_family(out, "peeredge_bfd_lag_up", "gauge",
		    "Micro-BFD LAG (RFC 7130) state: 1 while at least min-links members are Up.");
	for (size_t i = 0; i < snap->n_lags; i++)
		prom_sample(out, "peeredge_bfd_lag_up", snap->lags[i].state == KBFD_STATE_UP,
			    "lag", cli_ifname(snap->lags[i].ifindex, lag), NULL);
	prom_family(out, "peeredge_bfd_lag_members", "gauge", "Members of the LAG.");
	for (size_t i = 0; i < snap->n_lags; i++)
		prom_sample(out, "peeredge_bfd_lag_members", (double)snap->lags[i].n_members,
			    "lag", cli_ifname(snap->lags[i].ifindex, lag), NULL);
	prom_family(out, "peeredge_bfd_lag_members_up", "gauge",
		    "Members of the LAG whose micro-BFD session is Up.");
	for (size_t i = 0; i < snap->n_lags; i++)
		prom_sample(out, "peeredge_bfd_lag_members_up", snap->lags[i].members_up,
			    "lag", cli_ifname(snap->lags[i].ifindex, lag), NULL);
	prom_family(out, "peeredge_bfd_lag_member_state", "gauge",
		    "Micro-BFD session state of each LAG member: 1 for the current state.");
	for (size_t i = 0; i < snap->n_lags; i++) {
		for (size_t j = 0; j < snap->lags[i].n_members; j++) {
			const struct bfd_lag_member *m = &snap->lags[i].members[j];

			prom_state_set(out, "peeredge_bfd_lag_member_state", bfd_states,
				       N_OF(bfd_states), m->state < N_OF(bfd_states) ?
				       m->state : KBFD_STATE_DOWN,
				       "lag", cli_ifname(snap->lags[i].ifindex, lag),
				       "member", cli_ifname(m->ifindex, member), NULL);
		}
	}
}

static void section_bfd(FILE *out, const struct metrics_source *src)
{
	struct bfd_snapshot snap;
	struct bfd_labels l;

	(void)src;
	bfd_snapshot_take(&snap);
	prom_family(out, "peeredge_bfd_available", "gauge",
		    "1 when the kbfd module answers in this network namespace, 0 when it is not loaded.");
	prom_sample(out, "peeredge_bfd_available", snap.available, NULL);
	if (!snap.available)
		return;
	prom_family(out, "peeredge_bfd_session_state", "gauge",
		    "kbfd session state (RFC 5880): 1 for the current state.");
	for (size_t i = 0; i < snap.n_sessions; i++) {
		const struct bfd_session *s = &snap.sessions[i];

		bfd_labels_of(s, &l);
		prom_state_set(out, "peeredge_bfd_session_state", bfd_states, N_OF(bfd_states),
			       s->state < N_OF(bfd_states) ? s->state : KBFD_STATE_DOWN,
			       BFD_LABELS(l), NULL);
	}
	per_bfd_session(out, &snap, "peeredge_bfd_rx_packets_total", "counter",
			"BFD control packets received and accepted.", rx_packets);
	per_bfd_session(out, &snap, "peeredge_bfd_tx_packets_total", "counter",
			"BFD control packets sent.", tx_packets);
	per_bfd_session(out, &snap, "peeredge_bfd_rx_drops_total", "counter",
			"BFD packets for the session that were dropped.", rx_drops);
	per_bfd_session(out, &snap, "peeredge_bfd_up_transitions_total", "counter",
			"Times the session went Up.", up_transitions);
	per_bfd_session(out, &snap, "peeredge_bfd_detect_time_seconds", "gauge",
			"Negotiated detection time.", detect_time);
	bfd_lags(out, &snap);
	bfd_snapshot_free(&snap);
}

/* ---- XDP allowlist ---- */

/* One interface's counters, read once per scrape. */
struct xdp_snapshot {
	bool read;
	struct pe_cnt cnt[PE_R_MAX];
};

static void xdp_counter_family(FILE *out, const struct xdp_sync *xs,
			       const struct xdp_snapshot *snap, const char *name,
			       const char *help, bool bytes)
{
	prom_family(out, name, "counter", help);
	for (size_t i = 0; i < xs->n_ifaces; i++)
		for (unsigned int r = 0; snap[i].read && r < PE_R_MAX; r++)
			prom_sample(out, name, (double)(bytes ? snap[i].cnt[r].bytes :
							snap[i].cnt[r].packets),
				    "interface", xs->ifaces[i].name, "reason", pe_reason_name(r),
				    NULL);
}

static void xdp_tables(FILE *out, const struct xdp_sync *xs)
{
	struct xdp_tables t;

	if (!xdp_sync_tables(xs, &t))
		return;
	prom_family(out, "peeredge_xdp_prefixes", "gauge",
		    "(prefix, peerings) entries in the allowlist's registry.");
	prom_sample(out, "peeredge_xdp_prefixes", (double)t.prefixes, NULL);
	prom_family(out, "peeredge_xdp_table_used", "gauge",
		    "Entries in use in each allowlist table. A full IPv4 table, v6_chunks or "
		    "v6_ranges refuses adds; a full per-peering IPv6 one makes lookups slower.");
	for (size_t i = 0; i < XDP_N_TABLES; i++)
		prom_sample(out, "peeredge_xdp_table_used", t.table[i].used, "table",
			    t.table[i].name, NULL);
	prom_family(out, "peeredge_xdp_table_size", "gauge",
		    "Entries each allowlist table holds, fixed when its map was created.");
	for (size_t i = 0; i < XDP_N_TABLES; i++)
		prom_sample(out, "peeredge_xdp_table_size", t.table[i].size, "table",
			    t.table[i].name, NULL);
	prom_family(out, "peeredge_xdp_v6_slash16_shared", "gauge",
		    "(peering, /16)s whose IPv6 sources are looked up in the slower shared "
		    "tables: no space for their own.");
	prom_sample(out, "peeredge_xdp_v6_slash16_shared", t.v6_slash16_shared, NULL);
}

static void section_xdp(FILE *out, const struct metrics_source *src)
{
	const struct xdp_sync *xs = &src->edge->xdp;
	struct xdp_snapshot *snap = calloc(xs->n_ifaces ? xs->n_ifaces : 1, sizeof(*snap));

	prom_family(out, "peeredge_xdp_attached", "gauge",
		    "1 when the allowlist program runs on the interface (label attach: how).");
	for (size_t i = 0; i < xs->n_ifaces; i++) {
		const struct xdp_iface *ifc = &xs->ifaces[i];

		prom_sample(out, "peeredge_xdp_attached", ifc->error ? 0 : 1, "interface",
			    ifc->name, "peering", ifc->peering, "mode", xdp_mode_name(ifc->mode),
			    "attach", xdp_iface_attach_mode(ifc), NULL);
		if (snap)
			snap[i].read = !xdp_iface_counters(xs, ifc, snap[i].cnt);
	}
	if (!snap)
		return;
	xdp_counter_family(out, xs, snap, "peeredge_xdp_packets_total",
			   "Frames seen by the allowlist, by verdict and reason (pass_*, drop_*, "
			   "monitor_*: would have been dropped).", false);
	xdp_counter_family(out, xs, snap, "peeredge_xdp_bytes_total",
			   "Bytes of those frames, by verdict and reason.", true);
	free(snap);
	xdp_tables(out, xs);
}

/* ---- state file ---- */

static void section_state_file(FILE *out, const struct metrics_source *src)
{
	const struct edge *e = src->edge;

	prom_family(out, "peeredge_state_file_pending", "gauge",
		    "1 while changes wait to be saved in the state file.");
	prom_sample(out, "peeredge_state_file_pending", edge_save_pending(e), NULL);
	prom_family(out, "peeredge_state_file_save_failed", "gauge",
		    "1 when the last save of the state file failed (it is tried again).");
	prom_sample(out, "peeredge_state_file_save_failed", edge_save_failed(e), NULL);
	prom_family(out, "peeredge_state_file_save_failures_total", "counter",
		    "Saves of the state file that failed.");
	prom_sample(out, "peeredge_state_file_save_failures_total", (double)e->save_failures,
		    NULL);
}

/* ---- the exposition ---- */

static void (*const sections[])(FILE *out, const struct metrics_source *src) = {
	section_bgp,
	section_validation,
	section_connections,
	section_bfd,
	section_xdp,
	section_state_file,
};

void metrics_write(FILE *out, const struct metrics_source *src)
{
	for (size_t i = 0; i < N_OF(sections); i++)
		sections[i](out, src);
}
