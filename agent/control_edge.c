// SPDX-License-Identifier: GPL-2.0
/*
 * Control commands of the Peering Service: peerings, connections,
 * registrations, activations, validation events and the installed FIB.
 * Every change is checked whole before anything is stored, and is on disk
 * (state file) before the reply says it is done.
 */
#include <errno.h>
#include <inttypes.h>
#include <net/if.h>
#include <string.h>
#include <time.h>

#include "asn.h"
#include "control_cmd.h"
#include "edge.h"
#include "special.h"

/* ---- shared pieces ---- */

static const char *time_format(int64_t ms, char *buf, size_t len)
{
	time_t sec = (time_t)(ms / 1000);
	struct tm tm;
	size_t n;

	gmtime_r(&sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03dZ", (int)(ms % 1000));
	return buf;
}

static void json_open_list(struct reply *r, const char *key)
{
	json_start_object(&r->jw);
	json_key(&r->jw, key);
	json_start_array(&r->jw);
}

static void json_close_list(struct reply *r)
{
	json_end_array(&r->jw);
	json_end_object(&r->jw);
}

/* After a change to the model: validate and save; the reply says if it failed. */
static int committed(struct reply *r)
{
	char err[512];

	if (edge_model_changed(r->edge, err, sizeof(err)))
		return control_fail(r, CONTROL_FAILED, "%s", err);
	return CONTROL_OK;
}

/* The peering a registration goes to: named, or the only one of its kind. */
static struct peering *choose_peering(struct reply *r, int argc, char **argv,
				      enum peering_kind kind, int *status)
{
	struct peering_db *db = r->edge->db;
	struct peering *found = NULL;

	if (argc == 2 && !strcmp(argv[0], "peering")) {
		found = pdb_peering(db, argv[1]);
		if (!found)
			*status = control_fail(r, CONTROL_FAILED, "no peering '%s'", argv[1]);
		else if (found->kind != kind)
			*status = control_fail(r, CONTROL_FAILED, "peering %s is a %s peering", argv[1],
					       peering_kind_name(found->kind));
		return *status ? NULL : found;
	}
	if (argc) {
		*status = control_fail(r, CONTROL_USAGE, "unexpected '%s' (only 'peering NAME' may follow)",
				       argv[0]);
		return NULL;
	}
	for (size_t i = 0; i < db->npeerings; i++) {
		if (db->peerings[i]->kind != kind)
			continue;
		if (found) {
			*status = control_fail(r, CONTROL_USAGE, "several %s peerings: say which with "
					       "'peering NAME'", peering_kind_name(kind));
			return NULL;
		}
		found = db->peerings[i];
	}
	if (!found)
		*status = control_fail(r, CONTROL_FAILED, "no %s peering is configured",
				       peering_kind_name(kind));
	return found;
}

struct messages {
	struct reply *r;
	const char *indent;
};

static void message_out(void *ctx, const char *msg)
{
	struct messages *m = ctx;

	if (m->r->json)
		json_string(&m->r->jw, msg);
	else
		fprintf(m->r->out, "%s%s\n", m->indent, msg);
}

/* The validation verdict: state, then one message per failing check. */
static void verdict(struct reply *r, const struct vresult *res, const char *prefix_text)
{
	struct messages m = { r, "    " };

	if (r->json) {
		json_kv_string(&r->jw, "state", vstate_name(res->state));
		json_key(&r->jw, "messages");
		json_start_array(&r->jw);
	}
	if (res->state != VSTATE_NONE)
		vresult_messages(res, prefix_text, message_out, &m);
	if (r->json)
		json_end_array(&r->jw);
}

/* ---- peering show, connection show ---- */

static size_t active_connections(const struct peering *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nconns; i++)
		n += p->conns[i]->state == CONN_ACTIVE;
	return n;
}

static int cmd_peering_show(struct reply *r, int argc, char **argv)
{
	const struct peering_db *db = r->edge->db;

	if (argc > 1)
		return control_fail(r, CONTROL_USAGE, "usage: peering show [NAME]");
	if (argc == 1 && !pdb_peering(db, argv[0]))
		return control_fail(r, CONTROL_FAILED, "no peering '%s'", argv[0]);
	if (r->json)
		json_open_list(r, "peerings");
	else
		fprintf(r->out, "%-20s %-10s %-12s %11s %7s %10s %5s\n", "Peering", "ASN", "Kind",
			"Connections", "Active", "Prefixes", "ASNs");
	for (size_t i = 0; i < db->npeerings; i++) {
		const struct peering *p = db->peerings[i];

		if (argc == 1 && strcmp(argv[0], p->name))
			continue;
		if (!r->json) {
			fprintf(r->out, "%-20s %-10" PRIu32 " %-12s %11zu %7zu %10zu %5zu\n",
				p->name, p->asn, peering_kind_name(p->kind), p->nconns,
				active_connections(p), p->nprefixes, p->nasns);
			continue;
		}
		json_start_object(&r->jw);
		json_kv_string(&r->jw, "name", p->name);
		json_kv_u64(&r->jw, "asn", p->asn);
		json_kv_string(&r->jw, "kind", peering_kind_name(p->kind));
		json_key(&r->jw, "connections");
		json_start_array(&r->jw);
		for (size_t j = 0; j < p->nconns; j++)
			json_string(&r->jw, p->conns[j]->name);
		json_end_array(&r->jw);
		json_kv_u64(&r->jw, "active_connections", active_connections(p));
		json_kv_u64(&r->jw, "registered_prefixes", p->nprefixes);
		json_kv_u64(&r->jw, "registered_asns", p->nasns);
		json_end_object(&r->jw);
	}
	if (r->json)
		json_close_list(r);
	return CONTROL_OK;
}

static const char *bfd_summary(const struct edge *e, const struct bgp_session *s)
{
	if (!s || !s->cfg->bfd)
		return "off";
	if (!e->bfd_available)
		return "unavailable";
	return e->bfd_up[s->rib_peer] && !s->bfd_down ? "up" : "down";
}

static int cmd_connection_show(struct reply *r, int argc, char **argv)
{
	const struct peering_db *db = r->edge->db;

	(void)argv;
	if (argc)
		return control_fail(r, CONTROL_USAGE, "usage: connection show");
	if (r->json)
		json_open_list(r, "connections");
	else
		fprintf(r->out, "%-16s %-16s %-26s %-12s %-12s %-22s %-12s %s\n", "Connection",
			"Peering", "Neighbor", "Location", "Router", "State", "BGP", "BFD");
	for (size_t i = 0; i < db->npeerings; i++) {
		for (size_t j = 0; j < db->peerings[i]->nconns; j++) {
			const struct connection *c = db->peerings[i]->conns[j];
			const struct bgp_session *s = edge_session_of(r->edge, c);
			const char *bgp = s ? bgp_state_name(s->state) : "-";

			if (!r->json) {
				fprintf(r->out, "%-16s %-16s %-26s %-12s %-12s %-22s %-12s %s\n",
					c->name, c->peering->name, c->neighbor, c->location,
					c->router, conn_state_name(c->state), bgp,
					bfd_summary(r->edge, s));
				continue;
			}
			json_start_object(&r->jw);
			json_kv_string(&r->jw, "name", c->name);
			json_kv_string(&r->jw, "peering", c->peering->name);
			json_kv_string(&r->jw, "neighbor", c->neighbor);
			json_kv_string(&r->jw, "location", c->location);
			json_kv_string(&r->jw, "router", c->router);
			json_kv_string(&r->jw, "state", conn_state_name(c->state));
			json_kv_string(&r->jw, "bgp_state", bgp);
			json_kv_string(&r->jw, "bfd", bfd_summary(r->edge, s));
			json_end_object(&r->jw);
		}
	}
	if (r->json)
		json_close_list(r);
	return CONTROL_OK;
}

/* ---- registered-prefix, registered-asn ---- */

static struct registered_prefix *find_registered_prefix(const struct peering_db *db,
							const char *name)
{
	for (size_t i = 0; i < db->npeerings; i++)
		for (size_t j = 0; j < db->peerings[i]->nprefixes; j++)
			if (!strcmp(db->peerings[i]->prefixes[j]->name, name))
				return db->peerings[i]->prefixes[j];
	return NULL;
}

static struct registered_asn *find_registered_asn(const struct peering_db *db, const char *name)
{
	for (size_t i = 0; i < db->npeerings; i++)
		for (size_t j = 0; j < db->peerings[i]->nasns; j++)
			if (!strcmp(db->peerings[i]->asns[j]->name, name))
				return db->peerings[i]->asns[j];
	return NULL;
}

/* The key, shown once: nothing prints it again. */
static void print_key(struct reply *r, const char *what, const char *name, const char *value,
		      const struct peering *p, const struct prefix_key *key)
{
	char text[PREFIX_KEY_STRLEN];

	prefix_key_format(key, text);
	if (!r->json) {
		fprintf(r->out, "%s %s %s peering %s key %s\n", what, name, value, p->name, text);
		return;
	}
	json_start_object(&r->jw);
	json_kv_string(&r->jw, "name", name);
	json_kv_string(&r->jw, what, value);
	json_kv_string(&r->jw, "peering", p->name);
	json_kv_string(&r->jw, "key", text);
	json_end_object(&r->jw);
}

static int registered_prefix_add(struct reply *r, int argc, char **argv)
{
	struct registered_prefix *rp;
	struct prefix pfx;
	struct peering *p;
	const char *why, *range;
	int status = 0;

	if (argc < 2)
		return control_fail(r, CONTROL_USAGE, "usage: registered-prefix add NAME PREFIX "
				    "[peering NAME]");
	if (prefix_parse(argv[1], &pfx) < 0 || pfx.family != AF_INET)
		return control_fail(r, CONTROL_USAGE, "'%s' is not an IPv4 prefix (a.b.c.d/len, host "
				    "bits zero)", argv[1]);
	range = special_range_of(&pfx);
	if (range)
		return control_fail(r, CONTROL_FAILED, "Prefix is in a private range: %s is in %s",
				    argv[1], range);
	p = choose_peering(r, argc - 2, argv + 2, PEERING_VOICE, &status);
	if (!p)
		return status;
	if (pdb_register_prefix(r->edge->db, p, argv[0], argv[1], edge_now_ms(), &rp, &why) < 0)
		return control_fail(r, CONTROL_FAILED, "%s: %s", argv[0], why);
	status = committed(r);
	if (status) {
		pdb_del_registered_prefix(r->edge->db, p, argv[0]);
		return status;
	}
	print_key(r, "prefix", rp->name, argv[1], p, &rp->key);
	return CONTROL_OK;
}

static int registered_asn_add(struct reply *r, int argc, char **argv)
{
	struct registered_asn *ra;
	struct peering *p;
	const char *why;
	uint32_t asn;
	int status = 0;

	if (argc < 2)
		return control_fail(r, CONTROL_USAGE, "usage: registered-asn add NAME ASN [peering NAME]");
	if (asn_parse(argv[1], &asn) < 0)
		return control_fail(r, CONTROL_USAGE, "'%s' is not an AS number", argv[1]);
	p = choose_peering(r, argc - 2, argv + 2, PEERING_ROUTE_SERVER, &status);
	if (!p)
		return status;
	if (pdb_register_asn(r->edge->db, p, argv[0], asn, &ra, &why) < 0)
		return control_fail(r, CONTROL_FAILED, "%s: %s", argv[0], why);
	status = committed(r);
	if (status) {
		pdb_del_registered_asn(r->edge->db, p, argv[0]);
		return status;
	}
	print_key(r, "asn", ra->name, argv[1], p, &ra->key);
	return CONTROL_OK;
}

static int registered_del(struct reply *r, bool asn, int argc, char **argv)
{
	struct peering_db *db = r->edge->db;
	struct registered_prefix *rp;
	struct registered_asn *ra;

	if (argc != 1)
		return control_fail(r, CONTROL_USAGE, "usage: registered-%s del NAME",
				    asn ? "asn" : "prefix");
	if (asn) {
		ra = find_registered_asn(db, argv[0]);
		if (!ra)
			return control_fail(r, CONTROL_FAILED, "no registered ASN '%s'", argv[0]);
		pdb_del_registered_asn(db, ra->peering, argv[0]);
	} else {
		rp = find_registered_prefix(db, argv[0]);
		if (!rp)
			return control_fail(r, CONTROL_FAILED, "no registered prefix '%s'", argv[0]);
		pdb_del_registered_prefix(db, rp->peering, argv[0]);
		event_log_forget(&r->edge->events, argv[0]);
	}
	return committed(r);
}

static void registered_prefix_out(struct reply *r, const struct registered_prefix *rp)
{
	char pfx[PREFIX_STRLEN];

	prefix_format(&rp->pfx, pfx, sizeof(pfx));
	if (!r->json) {
		fprintf(r->out, "%-20s %-20s %-20s %s\n", rp->name, pfx, rp->peering->name,
			vstate_name(rp->result.state));
		verdict(r, &rp->result, pfx);
		return;
	}
	json_start_object(&r->jw);
	json_kv_string(&r->jw, "name", rp->name);
	json_kv_string(&r->jw, "prefix", pfx);
	json_kv_string(&r->jw, "peering", rp->peering->name);
	verdict(r, &rp->result, pfx);
	json_end_object(&r->jw);
}

static int registered_show(struct reply *r, bool asn, int argc)
{
	const struct peering_db *db = r->edge->db;

	if (argc)
		return control_fail(r, CONTROL_USAGE, "usage: registered-%s show", asn ? "asn" : "prefix");
	if (r->json)
		json_open_list(r, asn ? "registered_asns" : "registered_prefixes");
	else
		fprintf(r->out, "%-20s %-20s %-20s %s\n", "Name", asn ? "ASN" : "Prefix",
			"Peering", asn ? "" : "State");
	for (size_t i = 0; i < db->npeerings; i++) {
		const struct peering *p = db->peerings[i];

		for (size_t j = 0; !asn && j < p->nprefixes; j++)
			registered_prefix_out(r, p->prefixes[j]);
		for (size_t j = 0; asn && j < p->nasns; j++) {
			if (!r->json) {
				fprintf(r->out, "%-20s AS%-18" PRIu32 " %s\n", p->asns[j]->name,
					p->asns[j]->asn, p->name);
				continue;
			}
			json_start_object(&r->jw);
			json_kv_string(&r->jw, "name", p->asns[j]->name);
			json_kv_u64(&r->jw, "asn", p->asns[j]->asn);
			json_kv_string(&r->jw, "peering", p->name);
			json_end_object(&r->jw);
		}
	}
	if (r->json)
		json_close_list(r);
	return CONTROL_OK;
}

static int cmd_registered(struct reply *r, bool asn, int argc, char **argv)
{
	const char *verb = argc ? argv[0] : "";

	if (!strcmp(verb, "add"))
		return asn ? registered_asn_add(r, argc - 1, argv + 1) :
			     registered_prefix_add(r, argc - 1, argv + 1);
	if (!strcmp(verb, "del"))
		return registered_del(r, asn, argc - 1, argv + 1);
	if (!strcmp(verb, "show"))
		return registered_show(r, asn, argc - 1);
	return control_fail(r, CONTROL_USAGE, "usage: registered-%s add|del|show ...",
			    asn ? "asn" : "prefix");
}

/* ---- service-prefix ---- */

static int service_prefix_add(struct reply *r, int argc, char **argv)
{
	const char *key = NULL, *primary = NULL, *backup = NULL, *why, *range;
	struct service_prefix *sp;
	struct prefix pfx;

	if (argc < 2)
		goto usage;
	for (int i = 2; i < argc; i += 2) {
		const char **slot = !strcmp(argv[i], "key") ? &key :
				    !strcmp(argv[i], "primary") ? &primary :
				    !strcmp(argv[i], "backup") ? &backup : NULL;

		if (!slot || i + 1 == argc || *slot)
			goto usage;
		*slot = argv[i + 1];
	}
	if (!key || !primary)
		goto usage;
	if (prefix_parse(argv[1], &pfx) < 0 || pfx.family != AF_INET)
		return control_fail(r, CONTROL_USAGE, "Peering service prefix is invalid: '%s' is not an "
				    "IPv4 prefix", argv[1]);
	range = special_range_of(&pfx);
	if (range)
		return control_fail(r, CONTROL_FAILED, "Prefix is in a private range: %s is in %s",
				    argv[1], range);
	if (pdb_add_service_prefix(r->edge->db, argv[0], argv[1], key, primary, backup,
				   edge_now_ms(), &sp, &why) < 0)
		return control_fail(r, CONTROL_FAILED, "%s: %s", argv[0], why);
	if (committed(r)) {
		pdb_del_service_prefix(r->edge->db, argv[0]);
		return CONTROL_FAILED;
	}
	if (r->json) {
		json_start_object(&r->jw);
		json_kv_string(&r->jw, "name", sp->name);
		json_kv_string(&r->jw, "prefix", sp->text);
		verdict(r, &sp->result, sp->text);
		json_end_object(&r->jw);
	} else {
		fprintf(r->out, "service-prefix %s %s: %s\n", sp->name, sp->text,
			vstate_name(sp->result.state));
		verdict(r, &sp->result, sp->text);
	}
	return CONTROL_OK;
usage:
	return control_fail(r, CONTROL_USAGE, "usage: service-prefix add NAME PREFIX key KEY "
			    "primary LOCATION [backup LOCATION]");
}

static void service_prefix_out(struct reply *r, const struct service_prefix *sp)
{
	const struct peering *p = validate_service_peering(r->edge->db, sp);

	if (!r->json) {
		fprintf(r->out, "%-20s %-20s %-12s %-12s %-16s %s\n", sp->name, sp->text,
			sp->primary, sp->backup[0] ? sp->backup : "-", p ? p->name : "-",
			vstate_name(sp->result.state));
		verdict(r, &sp->result, sp->text);
		return;
	}
	json_start_object(&r->jw);
	json_kv_string(&r->jw, "name", sp->name);
	json_kv_string(&r->jw, "prefix", sp->text);
	json_kv_string(&r->jw, "primary", sp->primary);
	json_kv_string(&r->jw, "backup", sp->backup[0] ? sp->backup : NULL);
	json_kv_string(&r->jw, "peering", p ? p->name : NULL);
	verdict(r, &sp->result, sp->text);
	json_end_object(&r->jw);
}

static int service_prefix_show(struct reply *r, int argc, char **argv)
{
	const struct peering_db *db = r->edge->db;

	if (argc > 1)
		return control_fail(r, CONTROL_USAGE, "usage: service-prefix show [NAME]");
	if (argc == 1 && !pdb_service_prefix(db, argv[0]))
		return control_fail(r, CONTROL_FAILED, "no service prefix '%s'", argv[0]);
	if (r->json)
		json_open_list(r, "service_prefixes");
	else
		fprintf(r->out, "%-20s %-20s %-12s %-12s %-16s %s\n", "Name", "Prefix", "Primary",
			"Backup", "Peering", "State");
	for (size_t i = 0; i < db->nservices; i++)
		if (argc == 0 || !strcmp(argv[0], db->services[i]->name))
			service_prefix_out(r, db->services[i]);
	if (r->json)
		json_close_list(r);
	return CONTROL_OK;
}

static int cmd_service_prefix(struct reply *r, int argc, char **argv)
{
	const char *verb = argc ? argv[0] : "";

	if (!strcmp(verb, "add"))
		return service_prefix_add(r, argc - 1, argv + 1);
	if (!strcmp(verb, "show"))
		return service_prefix_show(r, argc - 1, argv + 1);
	if ((!strcmp(verb, "del") || !strcmp(verb, "validate")) && argc != 2)
		return control_fail(r, CONTROL_USAGE, "usage: service-prefix %s NAME", verb);
	if (!strcmp(verb, "del")) {
		if (pdb_del_service_prefix(r->edge->db, argv[1]) < 0)
			return control_fail(r, CONTROL_FAILED, "no service prefix '%s'", argv[1]);
		event_log_forget(&r->edge->events, argv[1]);
		return committed(r);
	}
	if (!strcmp(verb, "validate")) {
		if (!pdb_service_prefix(r->edge->db, argv[1]))
			return control_fail(r, CONTROL_FAILED, "no service prefix '%s'", argv[1]);
		validator_run_all(r->edge->v, edge_now_ms());
		return service_prefix_show(r, 1, argv + 1);
	}
	return control_fail(r, CONTROL_USAGE, "usage: service-prefix add|del|show|validate ...");
}

/* ---- events ---- */

static void event_out(struct reply *r, const struct event_ring *ring,
		      const struct event_record *ev)
{
	char when[40], text[sizeof(((struct vevent *)0)->text)];

	time_format(ev->time_ms, when, sizeof(when));
	event_record_format(ring, ev, text, sizeof(text));
	if (!r->json) {
		fprintf(r->out, "%s %s\n", when, text);
		return;
	}
	json_start_object(&r->jw);
	json_kv_string(&r->jw, "time", when);
	json_kv_string(&r->jw, "name", ring->target);
	json_kv_string(&r->jw, "prefix", ring->prefix);
	json_kv_string(&r->jw, "type", vevent_type_name(ev->type));
	json_kv_string(&r->jw, "level", vlevel_name(ev->level));
	if (ev->session_ip[0])
		json_kv_string(&r->jw, "session", ev->session_ip);
	if (ev->type == VEVENT_ORIGIN_AS_CHANGE) {
		json_kv_u64(&r->jw, "old_origin", ev->old_origin);
		json_kv_u64(&r->jw, "new_origin", ev->new_origin);
	}
	if (ev->type == VEVENT_STATE_CHANGE) {
		json_kv_string(&r->jw, "old_state", vstate_name(ev->old_state));
		json_kv_string(&r->jw, "new_state", vstate_name(ev->new_state));
	}
	json_kv_string(&r->jw, "text", text);
	json_end_object(&r->jw);
}

static int cmd_events(struct reply *r, int argc, char **argv)
{
	const struct event_log *log = &r->edge->events;
	const struct event_ring *only = NULL;

	if (argc > 1)
		return control_fail(r, CONTROL_USAGE, "usage: events [NAME]");
	if (argc == 1) {
		only = event_log_find(log, argv[0]);
		if (!only && !pdb_service_prefix(r->edge->db, argv[0]) &&
		    !find_registered_prefix(r->edge->db, argv[0]))
			return control_fail(r, CONTROL_FAILED, "no prefix named '%s'", argv[0]);
	}
	if (r->json)
		json_open_list(r, "events");
	for (size_t i = 0; i < log->nrings; i++) {
		if (argc == 1 && log->rings[i] != only)
			continue;
		for (size_t j = 0; j < log->rings[i]->count; j++)
			event_out(r, log->rings[i], event_ring_at(log->rings[i], j));
	}
	if (r->json)
		json_close_list(r);
	return CONTROL_OK;
}

/* ---- fib show ---- */

static int cmd_fib_show(struct reply *r, int argc)
{
	const struct fib_plan *in = &r->edge->fib.installed;
	char addr[IP_ADDR_STRLEN], dev[IF_NAMESIZE], pfx[PREFIX_STRLEN];

	if (argc)
		return control_fail(r, CONTROL_USAGE, "usage: fib show");
	if (!r->edge->fib_enabled)
		return control_fail(r, CONTROL_FAILED, "nothing is installed: no 'fib table' in the "
				    "configuration");
	if (!r->json) {
		fprintf(r->out, "table %" PRIu32 "\n", r->edge->fib_table);
		for (size_t i = 0; i < in->n_nexthops; i++)
			fprintf(r->out, "nexthop %" PRIu32 " via %s dev %s\n", in->nexthops[i].id,
				ip_addr_format(&in->nexthops[i].gateway, addr, sizeof(addr)),
				cli_ifname(in->nexthops[i].ifindex, dev));
		for (size_t i = 0; i < in->n_groups; i++) {
			fprintf(r->out, "group %" PRIu32 " members", in->groups[i].id);
			for (size_t j = 0; j < in->groups[i].n; j++)
				fprintf(r->out, " %" PRIu32, in->groups[i].members[j]);
			fputc('\n', r->out);
		}
		for (size_t i = 0; i < in->n_routes; i++)
			fprintf(r->out, "route %s nhid %" PRIu32 "\n",
				prefix_format(&in->routes[i].dst, pfx, sizeof(pfx)),
				in->routes[i].nexthop_id);
		return CONTROL_OK;
	}
	json_start_object(&r->jw);
	json_kv_u64(&r->jw, "table", r->edge->fib_table);
	json_key(&r->jw, "nexthops");
	json_start_array(&r->jw);
	for (size_t i = 0; i < in->n_nexthops; i++) {
		json_start_object(&r->jw);
		json_kv_u64(&r->jw, "id", in->nexthops[i].id);
		json_kv_string(&r->jw, "gateway",
			       ip_addr_format(&in->nexthops[i].gateway, addr, sizeof(addr)));
		json_kv_string(&r->jw, "dev", cli_ifname(in->nexthops[i].ifindex, dev));
		json_end_object(&r->jw);
	}
	json_end_array(&r->jw);
	json_key(&r->jw, "groups");
	json_start_array(&r->jw);
	for (size_t i = 0; i < in->n_groups; i++) {
		json_start_object(&r->jw);
		json_kv_u64(&r->jw, "id", in->groups[i].id);
		json_key(&r->jw, "members");
		json_start_array(&r->jw);
		for (size_t j = 0; j < in->groups[i].n; j++)
			json_u64(&r->jw, in->groups[i].members[j]);
		json_end_array(&r->jw);
		json_end_object(&r->jw);
	}
	json_end_array(&r->jw);
	json_key(&r->jw, "routes");
	json_start_array(&r->jw);
	for (size_t i = 0; i < in->n_routes; i++) {
		json_start_object(&r->jw);
		json_kv_string(&r->jw, "prefix", prefix_format(&in->routes[i].dst, pfx, sizeof(pfx)));
		json_kv_u64(&r->jw, "nexthop_id", in->routes[i].nexthop_id);
		json_end_object(&r->jw);
	}
	json_end_array(&r->jw);
	json_end_object(&r->jw);
	return CONTROL_OK;
}

/* ---- dispatch ---- */

static const char *const owned[] = {
	"peering", "connection", "registered-prefix", "registered-asn", "service-prefix",
	"events", "fib",
};

bool control_edge_owns(const char *word)
{
	for (size_t i = 0; i < sizeof(owned) / sizeof(owned[0]); i++)
		if (!strcmp(word, owned[i]))
			return true;
	return false;
}

int control_edge_command(struct reply *r, int argc, char **argv)
{
	const char *object = argv[0], *verb = argc > 1 ? argv[1] : "show";
	bool show = !strcmp(verb, "show");
	int rest = argc > 2 ? argc - 2 : 0;
	char **rest_argv = argv + 2;

	if (!strcmp(object, "peering") && show)
		return cmd_peering_show(r, rest, rest_argv);
	if (!strcmp(object, "connection") && show)
		return cmd_connection_show(r, rest, rest_argv);
	if (!strcmp(object, "registered-prefix"))
		return cmd_registered(r, false, argc - 1, argv + 1);
	if (!strcmp(object, "registered-asn"))
		return cmd_registered(r, true, argc - 1, argv + 1);
	if (!strcmp(object, "service-prefix"))
		return cmd_service_prefix(r, argc - 1, argv + 1);
	if (!strcmp(object, "events"))
		return cmd_events(r, argc - 1, argv + 1);
	if (!strcmp(object, "fib") && show)
		return cmd_fib_show(r, rest);
	return control_fail(r, CONTROL_USAGE, "usage: %s show", object);
}
