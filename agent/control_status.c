// SPDX-License-Identifier: GPL-2.0
/*
 * "status": the health of everything on one screen, or as one JSON object.
 * One function per section; each says what is wrong in it and returns
 * false when that makes the edge degraded:
 *
 *   neighbors         a neighbor not Established (one shut down by the
 *                     operator is listed, but is not a fault)
 *   bfd               a kbfd session or a LAG member not Up (AdminDown is
 *                     not a fault); kbfd not loaded while neighbors want BFD
 *   connections       a connection not Active
 *   service prefixes  one in Failed, Warning, Invalid or Unknown (Pending
 *                     and None are on their way, not faults)
 *   xdp               every allowlist interface with what it refused; one
 *                     that is not attached is a fault
 *   state file        whether changes wait to be saved; a failed last save
 *                     is a fault (it is tried again)
 *
 * The reply is CONTROL_OK when every section is healthy, else
 * CONTROL_DEGRADED (the CLI exits 3), with the same report.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "bfd_snapshot.h"
#include "clock.h"
#include "control_cmd.h"
#include "edge.h"

struct status {
	struct reply *r;
	FILE *out;		/* text: sections go here, after the verdict line */
	struct json_writer *jw;	/* JSON: the reply's writer */
};

/* The start of a section: "name: up/total what" or "name": {"up":,"total":. */
static void section_head(struct status *st, const char *key, const char *title, size_t up,
			 size_t total, const char *what)
{
	if (!st->jw) {
		fprintf(st->out, "%s: %zu/%zu %s\n", title, up, total, what);
		return;
	}
	json_key(st->jw, key);
	json_start_object(st->jw);
	json_kv_u64(st->jw, "up", up);
	json_kv_u64(st->jw, "total", total);
	json_key(st->jw, "down");
	json_start_array(st->jw);
}

static void section_end(struct status *st)
{
	if (st->jw) {
		json_end_array(st->jw);
		json_end_object(st->jw);
	}
}

/* ---- neighbors ---- */

static bool neighbors(struct status *st)
{
	const struct bgpd *d = st->r->d;
	uint64_t t = d->now();
	size_t up = 0;
	bool healthy = true;
	char dur[32];

	for (size_t i = 0; i < d->n_sessions; i++)
		up += d->sessions[i]->state == BGP_STATE_ESTABLISHED;
	section_head(st, "neighbors", "neighbors", up, d->n_sessions, "Established");
	for (size_t i = 0; i < d->n_sessions; i++) {
		const struct bgp_session *s = d->sessions[i];

		if (s->state == BGP_STATE_ESTABLISHED)
			continue;
		healthy &= s->admin_down;
		if (!st->jw) {
			fprintf(st->out, "  %-16s %-12s for %s  %s\n", s->cfg->name,
				bgp_state_name(s->state),
				control_duration(t - s->state_since, dur, sizeof(dur)),
				control_session_info(s));
			continue;
		}
		json_start_object(st->jw);
		json_kv_string(st->jw, "name", s->cfg->name);
		json_kv_string(st->jw, "state", bgp_state_name(s->state));
		json_kv_u64(st->jw, "state_seconds", (t - s->state_since) / 1000);
		json_kv_bool(st->jw, "shutdown", s->admin_down);
		json_kv_string(st->jw, "info", control_session_info(s));
		json_end_object(st->jw);
	}
	section_end(st);
	return healthy;
}

/* ---- BFD: sessions, LAG members ---- */

static bool bfd_wanted(const struct bgpd *d)
{
	for (size_t i = 0; i < d->n_sessions; i++)
		if (d->sessions[i]->cfg->bfd)
			return true;
	return false;
}

static void bfd_down_session(struct status *st, const struct bfd_session *s)
{
	char peer[IP_ADDR_STRLEN], dev[IF_NAMESIZE];

	ip_addr_format(&s->peer, peer, sizeof(peer));
	if (s->ifindex)
		cli_ifname(s->ifindex, dev);
	else
		dev[0] = '\0';
	if (!st->jw) {
		fprintf(st->out, "  %-16s %-10s %-10s %s\n", peer, dev, bfd_state_name(s->state),
			bfd_diag_name(s->diag));
		return;
	}
	json_start_object(st->jw);
	json_kv_string(st->jw, "peer", peer);
	json_kv_string(st->jw, "dev", dev[0] ? dev : NULL);
	json_kv_string(st->jw, "state", bfd_state_name(s->state));
	json_kv_string(st->jw, "diagnostic", bfd_diag_name(s->diag));
	json_end_object(st->jw);
}

static void bfd_down_member(struct status *st, const struct bfd_lag *lag,
			    const struct bfd_lag_member *m)
{
	char bond[IF_NAMESIZE], member[IF_NAMESIZE];

	cli_ifname(lag->ifindex, bond);
	cli_ifname(m->ifindex, member);
	if (!st->jw) {
		fprintf(st->out, "  %-16s %-10s %-10s %s\n", bond, member, bfd_state_name(m->state),
			bfd_diag_name(m->diag));
		return;
	}
	json_start_object(st->jw);
	json_kv_string(st->jw, "lag", bond);
	json_kv_string(st->jw, "member", member);
	json_kv_string(st->jw, "state", bfd_state_name(m->state));
	json_kv_string(st->jw, "diagnostic", bfd_diag_name(m->diag));
	json_end_object(st->jw);
}

static bool bfd(struct status *st)
{
	struct bfd_snapshot snap;
	size_t up = 0, members = 0, members_up = 0;
	bool healthy = true;

	bfd_snapshot_take(&snap);
	if (!snap.available) {
		const char *why = snap.error[0] ? snap.error : "kbfd is not loaded";

		healthy = !snap.error[0] && !bfd_wanted(st->r->d);
		if (st->jw) {
			json_key(st->jw, "bfd");
			json_start_object(st->jw);
			json_kv_bool(st->jw, "available", false);
			json_kv_string(st->jw, "reason", why);
			json_end_object(st->jw);
		} else {
			fprintf(st->out, "bfd: unavailable (%s)%s\n", why,
				healthy ? "" : ", neighbors with 'bfd on' run without it");
		}
		return healthy;
	}
	for (size_t i = 0; i < snap.n_sessions; i++)
		up += snap.sessions[i].state == KBFD_STATE_UP;
	for (size_t i = 0; i < snap.n_lags; i++) {
		members += snap.lags[i].n_members;
		members_up += snap.lags[i].members_up;
	}
	if (st->jw) {
		json_key(st->jw, "bfd");
		json_start_object(st->jw);
		json_kv_bool(st->jw, "available", true);
	}
	section_head(st, "sessions", "bfd sessions", up, snap.n_sessions, "Up");
	for (size_t i = 0; i < snap.n_sessions; i++) {
		const struct bfd_session *s = &snap.sessions[i];

		if (s->state == KBFD_STATE_UP)
			continue;
		healthy &= s->state == KBFD_STATE_ADMIN_DOWN;
		bfd_down_session(st, s);
	}
	section_end(st);
	section_head(st, "lag_members", "lag members", members_up, members, "Up");
	for (size_t i = 0; i < snap.n_lags; i++) {
		for (size_t j = 0; j < snap.lags[i].n_members; j++) {
			const struct bfd_lag_member *m = &snap.lags[i].members[j];

			if (m->state == KBFD_STATE_UP)
				continue;
			healthy &= m->state == KBFD_STATE_ADMIN_DOWN;
			bfd_down_member(st, &snap.lags[i], m);
		}
	}
	section_end(st);
	if (st->jw)
		json_end_object(st->jw);
	bfd_snapshot_free(&snap);
	return healthy;
}

/* ---- connections ---- */

static bool connections(struct status *st)
{
	const struct peering_db *db = st->r->edge->db;
	size_t up = 0, total = 0;

	for (size_t i = 0; i < db->npeerings; i++) {
		total += db->peerings[i]->nconns;
		for (size_t j = 0; j < db->peerings[i]->nconns; j++)
			up += db->peerings[i]->conns[j]->state == CONN_ACTIVE;
	}
	section_head(st, "connections", "connections", up, total, "Active");
	for (size_t i = 0; i < db->npeerings; i++) {
		for (size_t j = 0; j < db->peerings[i]->nconns; j++) {
			const struct connection *c = db->peerings[i]->conns[j];
			const struct bgp_session *s = edge_session_of(st->r->edge, c);
			const char *bgp = s ? bgp_state_name(s->state) : "-";

			if (c->state == CONN_ACTIVE)
				continue;
			if (!st->jw) {
				fprintf(st->out, "  %-16s %-16s %-22s BGP %s\n", c->name,
					c->peering->name, conn_state_name(c->state), bgp);
				continue;
			}
			json_start_object(st->jw);
			json_kv_string(st->jw, "name", c->name);
			json_kv_string(st->jw, "peering", c->peering->name);
			json_kv_string(st->jw, "state", conn_state_name(c->state));
			json_kv_string(st->jw, "bgp_state", bgp);
			json_end_object(st->jw);
		}
	}
	section_end(st);
	return up == total;
}

/* ---- service prefixes ---- */

static bool prefix_faulty(enum vstate s)
{
	return s == VSTATE_FAILED || s == VSTATE_WARNING || s == VSTATE_INVALID ||
	       s == VSTATE_UNKNOWN;
}

static void keep_first(void *ctx, const char *msg)
{
	char **first = ctx;

	if (!*first)
		*first = strdup(msg);
}

static bool service_prefixes(struct status *st)
{
	const struct peering_db *db = st->r->edge->db;
	size_t count[VSTATE_UNKNOWN + 1] = { 0 };
	bool healthy = true;
	const char *sep = "";

	for (size_t i = 0; i < db->nservices; i++)
		count[db->services[i]->result.state]++;
	if (st->jw) {
		json_key(st->jw, "service_prefixes");
		json_start_object(st->jw);
		json_kv_u64(st->jw, "total", db->nservices);
		json_key(st->jw, "by_state");
		json_start_object(st->jw);
	} else {
		fprintf(st->out, "service prefixes: %zu", db->nservices);
		sep = " (";
	}
	for (int s = VSTATE_NONE; s <= VSTATE_UNKNOWN; s++) {
		if (st->jw) {
			json_kv_u64(st->jw, vstate_name(s), count[s]);
		} else if (count[s]) {
			fprintf(st->out, "%s%s %zu", sep, vstate_name(s), count[s]);
			sep = ", ";
		}
	}
	if (st->jw) {
		json_end_object(st->jw);
		json_key(st->jw, "problems");
		json_start_array(st->jw);
	} else {
		fputs(db->nservices ? ")\n" : "\n", st->out);
	}
	for (size_t i = 0; i < db->nservices; i++) {
		const struct service_prefix *sp = db->services[i];
		char *first = NULL;

		if (!prefix_faulty(sp->result.state))
			continue;
		healthy = false;
		vresult_messages(&sp->result, sp->text, keep_first, &first);
		if (!st->jw) {
			fprintf(st->out, "  %-16s %-20s %-8s %s\n", sp->name, sp->text,
				vstate_name(sp->result.state), first ? first : "");
		} else {
			json_start_object(st->jw);
			json_kv_string(st->jw, "name", sp->name);
			json_kv_string(st->jw, "prefix", sp->text);
			json_kv_string(st->jw, "state", vstate_name(sp->result.state));
			json_kv_string(st->jw, "message", first);
			json_end_object(st->jw);
		}
		free(first);
	}
	if (st->jw) {
		json_end_array(st->jw);
		json_end_object(st->jw);
	}
	return healthy;
}

/* ---- XDP allowlist ---- */

/* Frames dropped (enforce) or that would have been (monitor), all reasons. */
static uint64_t xdp_refused(const struct pe_cnt cnt[PE_R_MAX])
{
	uint64_t n = 0;

	for (unsigned int r = PE_R_DROP_V4_SRC; r < PE_R_MAX; r++)
		n += cnt[r].packets;
	return n;
}

static bool xdp(struct status *st)
{
	const struct xdp_sync *xs = &st->r->edge->xdp;
	size_t up = 0;

	for (size_t i = 0; i < xs->n_ifaces; i++)
		up += !xs->ifaces[i].error;
	section_head(st, "xdp", "xdp", up, xs->n_ifaces, "interfaces attached");
	if (st->jw) {	/* "down" stays empty: every interface is listed below */
		json_end_array(st->jw);
		json_key(st->jw, "interfaces");
		json_start_array(st->jw);
	}
	for (size_t i = 0; i < xs->n_ifaces; i++) {
		const struct xdp_iface *ifc = &xs->ifaces[i];
		struct pe_cnt cnt[PE_R_MAX];
		bool counted = !ifc->error && !xdp_iface_counters(xs, ifc, cnt);

		if (!st->jw) {
			if (counted)
				fprintf(st->out, "  %-16s %-8s %-8s %" PRIu64 " %s\n", ifc->name,
					xdp_mode_name(ifc->mode), xdp_iface_attach_mode(ifc),
					xdp_refused(cnt), ifc->mode == PE_MODE_MONITOR ?
					"would have been dropped" : "dropped");
			else
				fprintf(st->out, "  %-16s %-8s not attached: %s\n", ifc->name,
					xdp_mode_name(ifc->mode), ifc->error > 0 ?
					"not tried yet" : strerror(-ifc->error));
			continue;
		}
		json_start_object(st->jw);
		json_kv_string(st->jw, "interface", ifc->name);
		json_kv_string(st->jw, "mode", xdp_mode_name(ifc->mode));
		json_kv_string(st->jw, "attach", xdp_iface_attach_mode(ifc));
		json_kv_bool(st->jw, "attached", !ifc->error);
		if (counted)
			json_kv_u64(st->jw, "refused_packets", xdp_refused(cnt));
		json_end_object(st->jw);
	}
	section_end(st);
	return up == xs->n_ifaces;
}

/* ---- state file ---- */

/* The last save's outcome and whether changes wait for the next. */
static bool state_file(struct status *st)
{
	const struct edge *e = st->r->edge;
	bool pending = edge_save_pending(e), failed = edge_save_failed(e);
	uint64_t ago = (uint64_t)(clock_monotonic_ms() - e->saved_at_ms);
	char dur[32];

	if (st->jw) {
		json_key(st->jw, "state_file");
		json_start_object(st->jw);
		json_kv_string(st->jw, "path", e->state_path);
		json_kv_bool(st->jw, "pending", pending);
		json_key(st->jw, "last_save_seconds");
		if (e->saved_at_ms)
			json_u64(st->jw, ago / 1000);
		else
			json_null(st->jw);
		json_kv_string(st->jw, "error", failed ? e->save_error : NULL);
		json_end_object(st->jw);
	} else if (failed) {
		fprintf(st->out, "state file: the last save failed %s ago (it is tried again): %s\n",
			control_duration(ago, dur, sizeof(dur)), e->save_error);
	} else if (e->saved_at_ms) {
		fprintf(st->out, "state file: %s, written %s ago\n",
			pending ? "changes to save" : "up to date",
			control_duration(ago, dur, sizeof(dur)));
	} else {
		fprintf(st->out, "state file: %s, not written since start\n",
			pending ? "changes to save" : "up to date");
	}
	return !failed;
}

/* ---- the report ---- */

static const struct {
	const char *name;
	bool (*run)(struct status *st);
} sections[] = {
	{ "neighbors", neighbors },
	{ "bfd", bfd },
	{ "connections", connections },
	{ "service prefixes", service_prefixes },
	{ "xdp", xdp },
	{ "state file", state_file },
};

#define N_SECTIONS (sizeof(sections) / sizeof(sections[0]))

int control_status(struct reply *r, int argc, char **argv)
{
	struct status st = { .r = r };
	bool healthy[N_SECTIONS], all = true;
	char *text = NULL;
	size_t len = 0;

	(void)argv;
	if (argc)
		return control_fail(r, CONTROL_USAGE, "usage: status");
	if (r->json) {
		st.jw = &r->jw;
		json_start_object(st.jw);
	} else {
		st.out = open_memstream(&text, &len);
		if (!st.out)
			return control_fail(r, CONTROL_FAILED, "out of memory");
	}
	for (size_t i = 0; i < N_SECTIONS; i++) {
		healthy[i] = sections[i].run(&st);
		all &= healthy[i];
	}
	if (r->json) {
		json_kv_bool(st.jw, "healthy", all);
		json_key(st.jw, "degraded");
		json_start_array(st.jw);
	} else {
		fclose(st.out);
		fprintf(r->out, "peeredged: %s", all ? "healthy" : "degraded (");
	}
	for (size_t i = 0, n = 0; i < N_SECTIONS; i++) {
		if (healthy[i])
			continue;
		if (r->json)
			json_string(st.jw, sections[i].name);
		else
			fprintf(r->out, "%s%s", n++ ? ", " : "", sections[i].name);
	}
	if (r->json) {
		json_end_array(st.jw);
		json_end_object(st.jw);
	} else {
		fprintf(r->out, "%s\n%s", all ? "" : ")", text ? text : "");
		free(text);
	}
	return all ? CONTROL_OK : CONTROL_DEGRADED;
}
