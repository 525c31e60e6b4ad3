// SPDX-License-Identifier: GPL-2.0
/*
 * The "xdp" commands of the control socket: attach, detach, show. The
 * daemon is the one writer of the allowlist maps, so the CLI asks it.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "cli_util.h"
#include "control_cmd.h"
#include "edge.h"

#define XDP_USAGE "usage: xdp attach IFNAME [mode enforce|monitor] [peering NAME], " \
		  "xdp detach IFNAME, xdp show [IFNAME]"

static int usage(struct reply *r)
{
	return control_fail(r, CONTROL_USAGE, XDP_USAGE);
}

/* ---- attach, detach ---- */

static int cmd_attach(struct reply *r, int argc, char **argv)
{
	const char *peering = NULL;
	enum pe_mode mode, *mode_set = NULL;
	uint32_t ifindex;
	char err[256];

	if (argc < 1)
		return usage(r);
	if (cli_ifindex(argv[0], &ifindex) == -EINVAL)
		return control_fail(r, CONTROL_USAGE, "'%s' is not an interface name", argv[0]);
	for (int i = 1; i < argc; i += 2) {
		if (i + 1 == argc)
			return control_fail(r, CONTROL_USAGE, "'%s' needs a value", argv[i]);
		if (!strcmp(argv[i], "mode") && !mode_set) {
			if (strcmp(argv[i + 1], "enforce") && strcmp(argv[i + 1], "monitor"))
				return control_fail(r, CONTROL_USAGE, "mode must be enforce or "
						    "monitor, not '%s'", argv[i + 1]);
			mode = strcmp(argv[i + 1], "monitor") ? PE_MODE_ENFORCE : PE_MODE_MONITOR;
			mode_set = &mode;
		} else if (!strcmp(argv[i], "peering") && !peering) {
			peering = argv[i + 1];
		} else {
			return control_fail(r, CONTROL_USAGE, "unexpected '%s' (mode, peering, each "
					    "once)", argv[i]);
		}
	}
	if (xdp_sync_attach(&r->edge->xdp, &r->d->cfg, argv[0], peering, mode_set, err,
			    sizeof(err)))
		return control_fail(r, CONTROL_FAILED, "%s", err);
	if (r->json) {
		const struct xdp_iface *ifc = xdp_sync_find(&r->edge->xdp, argv[0]);

		json_start_object(&r->jw);
		json_kv_string(&r->jw, "ifname", ifc->name);
		json_kv_string(&r->jw, "peering", ifc->peering);
		json_kv_string(&r->jw, "mode", xdp_mode_name(ifc->mode));
		json_kv_string(&r->jw, "attach", xdp_iface_attach_mode(ifc));
		json_end_object(&r->jw);
	}
	return CONTROL_OK;
}

static int cmd_detach(struct reply *r, int argc, char **argv)
{
	char err[256];

	if (argc != 1)
		return usage(r);
	if (xdp_sync_detach(&r->edge->xdp, argv[0], err, sizeof(err)))
		return control_fail(r, CONTROL_FAILED, "%s", err);
	if (r->json) {
		json_start_object(&r->jw);
		json_kv_string(&r->jw, "ifname", argv[0]);
		json_kv_bool(&r->jw, "detached", true);
		json_end_object(&r->jw);
	}
	return CONTROL_OK;
}

/* ---- show ---- */

static const char *state_of(const struct xdp_iface *ifc, char *buf, size_t len)
{
	if (ifc->error == -ENODEV)
		return "missing";
	if (ifc->error > 0)
		return "pending";
	if (ifc->error) {
		snprintf(buf, len, "failed: %s", strerror(-ifc->error));
		return buf;
	}
	return "attached";
}

static void show_text(struct reply *r, const struct xdp_iface *ifc, const struct pe_cnt *cnt,
		      bool have_cnt)
{
	char state[128], member[IF_NAMESIZE];

	fprintf(r->out, "%s: peering %s mode %s attach %s %s%s\n", ifc->name, ifc->peering,
		xdp_mode_name(ifc->mode), xdp_iface_attach_mode(ifc), state_of(ifc, state, sizeof(state)),
		ifc->from_config ? "" : " (from the command line)");
	if (ifc->n_members) {
		fputs("  members", r->out);
		for (size_t m = 0; m < ifc->n_members; m++)
			fprintf(r->out, " %s", cli_ifname(ifc->members[m], member));
		fputc('\n', r->out);
	}
	for (unsigned int i = 0; have_cnt && i < PE_R_MAX; i++)
		if (cnt[i].packets)
			fprintf(r->out, "  %-18s %12" PRIu64 " packets %14" PRIu64 " bytes\n",
				pe_reason_name(i), (uint64_t)cnt[i].packets, (uint64_t)cnt[i].bytes);
}

static void show_json(struct reply *r, const struct xdp_iface *ifc, const struct pe_cnt *cnt,
		      bool have_cnt)
{
	char state[128], member[IF_NAMESIZE];

	json_start_object(&r->jw);
	json_kv_string(&r->jw, "ifname", ifc->name);
	json_kv_u64(&r->jw, "ifindex", ifc->ifindex);
	json_kv_string(&r->jw, "peering", ifc->peering);
	json_kv_string(&r->jw, "mode", xdp_mode_name(ifc->mode));
	json_kv_string(&r->jw, "attach", xdp_iface_attach_mode(ifc));
	json_kv_string(&r->jw, "state", state_of(ifc, state, sizeof(state)));
	json_kv_bool(&r->jw, "configured", ifc->from_config);
	json_key(&r->jw, "members");
	json_start_array(&r->jw);
	for (size_t m = 0; m < ifc->n_members; m++)
		json_string(&r->jw, cli_ifname(ifc->members[m], member));
	json_end_array(&r->jw);
	json_key(&r->jw, "counters");
	json_start_object(&r->jw);
	for (unsigned int i = 0; have_cnt && i < PE_R_MAX; i++) {
		json_key(&r->jw, pe_reason_name(i));
		json_start_object(&r->jw);
		json_kv_u64(&r->jw, "packets", cnt[i].packets);
		json_kv_u64(&r->jw, "bytes", cnt[i].bytes);
		json_end_object(&r->jw);
	}
	json_end_object(&r->jw);
	json_end_object(&r->jw);
}

/* What the maps allow, by peering name. */
static void prefixes_json(struct reply *r, const struct xdp_sync *xs)
{
	char pfx[PREFIX_STRLEN];

	json_key(&r->jw, "prefixes");
	json_start_array(&r->jw);
	for (size_t i = 0; i < xs->n_installed; i++) {
		const struct xdp_entry *e = &xs->installed[i];

		json_start_object(&r->jw);
		json_kv_string(&r->jw, "prefix", prefix_format(&e->pfx, pfx, sizeof(pfx)));
		json_kv_u64(&r->jw, "peering_id", e->peering_id);
		json_kv_string(&r->jw, "peering", xs->peering[e->peering_id][0] ?
			       xs->peering[e->peering_id] : NULL);
		json_end_object(&r->jw);
	}
	json_end_array(&r->jw);
}

/* The registry and the tables: used/size each, IPv4 then IPv6 on a line. */
static void tables_text(struct reply *r, const struct xdp_tables *t)
{
	fprintf(r->out, "allowlist: prefixes %" PRIu64 ", IPv6 /16s left to the shared tables %"
		PRIu32 "\n", t->prefixes, t->v6_slash16_shared);
	for (size_t i = 0; i < XDP_N_TABLES; i++) {
		const struct xdp_table_use *u = &t->table[i];
		/* "v4_..." then "v6_...": a line for each family */
		bool new_family = i && u->name[1] != t->table[i - 1].name[1];

		fprintf(r->out, "%s  %s %" PRIu32 "/%" PRIu32, new_family ? "\n" : "",
			u->name, u->used, u->size);
	}
	fputc('\n', r->out);
}

/* t NULL: no allowlist open. */
static void tables_json(struct reply *r, const struct xdp_tables *t)
{
	json_key(&r->jw, "tables");
	if (!t) {
		json_null(&r->jw);
		return;
	}
	json_start_object(&r->jw);
	json_kv_u64(&r->jw, "prefixes", t->prefixes);
	json_kv_u64(&r->jw, "v6_slash16_shared", t->v6_slash16_shared);
	for (size_t i = 0; i < XDP_N_TABLES; i++) {
		json_key(&r->jw, t->table[i].name);
		json_start_object(&r->jw);
		json_kv_u64(&r->jw, "used", t->table[i].used);
		json_kv_u64(&r->jw, "size", t->table[i].size);
		json_end_object(&r->jw);
	}
	json_end_object(&r->jw);
}

static int cmd_show(struct reply *r, int argc, char **argv)
{
	const struct xdp_sync *xs = &r->edge->xdp;
	struct xdp_tables tables;
	bool have_tables = xdp_sync_tables(xs, &tables);

	if (argc > 1)
		return usage(r);
	if (argc == 1 && !xdp_sync_find(xs, argv[0]))
		return control_fail(r, CONTROL_FAILED, "%s is not attached", argv[0]);
	if (r->json) {
		json_start_object(&r->jw);
		json_kv_string(&r->jw, "pin_dir", xs->al ? xs->pin_dir : NULL);
		tables_json(r, have_tables ? &tables : NULL);
		prefixes_json(r, xs);
		json_key(&r->jw, "interfaces");
		json_start_array(&r->jw);
	} else if (!xs->al) {
		fputs("no XDP interface configured\n", r->out);
	}
	for (size_t i = 0; i < xs->n_ifaces; i++) {
		const struct xdp_iface *ifc = &xs->ifaces[i];
		struct pe_cnt cnt[PE_R_MAX];
		bool have_cnt;

		if (argc == 1 && strcmp(argv[0], ifc->name))
			continue;
		have_cnt = !xdp_iface_counters(xs, ifc, cnt);
		(r->json ? show_json : show_text)(r, ifc, cnt, have_cnt);
	}
	if (r->json) {
		json_end_array(&r->jw);
		json_end_object(&r->jw);
	} else if (have_tables && argc == 0) {
		tables_text(r, &tables);
	}
	return CONTROL_OK;
}

int control_xdp_command(struct reply *r, int argc, char **argv)
{
	const char *verb = argc ? argv[0] : "show";
	int rest = argc > 1 ? argc - 1 : 0;

	if (!strcmp(verb, "show"))
		return cmd_show(r, rest, argv + 1);
	if (!strcmp(verb, "attach"))
		return cmd_attach(r, rest, argv + 1);
	if (!strcmp(verb, "detach"))
		return cmd_detach(r, rest, argv + 1);
	return usage(r);
}
