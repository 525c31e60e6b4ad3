/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The XDP allowlist as peeredged drives it (library: bpf/allowlist_user.h).
 *
 *   peering ids  the library's 0..63: one per configured peering, kept by
 *                name for the life of the daemon (a reload that reorders
 *                peerings changes nothing in the maps); at start, taken
 *                back from the pinned interface configuration, so a
 *                restart keeps them too
 *   prefixes     per peering exactly the installable service prefixes
 *                (the set the FIB plan routes); a pass (xdp_sync_start(),
 *                then xdp_sync_step() a turn) sends only the difference
 *                from what the maps hold: all additions first, then the
 *                removals, so no still-valid source is refused at any
 *                moment
 *   interfaces   the "xdp" statements of the configuration, plus those
 *                attached with "peeredge xdp attach" (they last until
 *                detached, or the daemon restarts); a bond's members get
 *                the bond's configuration too, since the program sees the
 *                member a frame came in on
 *   restart      the maps and the bpf_links stay pinned when the daemon
 *                stops or dies, so filtering goes on with the last set;
 *                the next start reuses them, attaches its fresh program
 *                in one atomic swap and reconciles the difference
 *
 * Everything runs on the daemon's event loop; the daemon is the one writer
 * of the maps.
 */
#ifndef PEEREDGE_XDP_SYNC_H
#define PEEREDGE_XDP_SYNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "allowlist_user.h"
#include "config.h"
#include "prefix.h"
#include "session.h"

struct bgpd;

/* One interface the daemon keeps the program on. */
struct xdp_iface {
	char name[IF_NAMESIZE];
	char peering[CONFIG_NAME_MAX];
	enum pe_mode mode;
	enum config_xdp_attach attach;
	bool from_config;		/* else attached from the CLI */
	uint32_t ifindex;		/* 0: the interface does not exist */
	size_t n_members;
	uint32_t *members;		/* a bond's, configured alongside; malloc'd */
	int error;			/* last attach failure, -errno; 0: attached,
					 * 1: not tried yet */
};

/* A prefix allowed on one peering. */
struct xdp_entry {
	struct prefix pfx;
	unsigned int peering_id;
};

struct xdp_sync {
	struct bgpd *d;			/* for the log */
	struct pe_allowlist *al;	/* NULL: not opened (nothing to do yet) */
	char pin_dir[CONFIG_PATH_MAX];
	uint32_t ipv4_blocks;		/* as opened; 0: the library's default */
	uint32_t ipv6_blocks;		/* as opened; 0: the library's default */
	char peering[PE_MAX_PEERINGS][CONFIG_NAME_MAX];	/* by id; "" free */
	size_t n_ifaces;
	struct xdp_iface *ifaces;
	size_t n_installed;
	struct xdp_entry *installed;	/* sorted, what the maps hold */
	/* The pass in progress: its sorted target, and its cursors. */
	struct xdp_entry *target;
	size_t n_target;
	size_t added_at;		/* the next of target to add, if missing */
	size_t removed_at;		/* then the next of installed to remove, if not wanted */
	bool pass;
	bool retry;			/* an update failed: a pass again */
	int64_t last_poll_ms;
	struct ev_watch links;		/* rtnetlink link events; fd -1: none */
};

/*
 * At start, with the configuration: opens the allowlist under the pin
 * directory when the configuration names interfaces or maps are already
 * pinned there (from an earlier run), takes back its peering ids, then
 * configures the interfaces as xdp_sync_config() does. 0, or -1 with err.
 */
int xdp_sync_open(struct xdp_sync *xs, struct bgpd *d, const struct config *c, char *err,
		  size_t errlen);
/*
 * Start and reload: attaches the configured interfaces that are not yet,
 * changes mode and peering in place, detaches the configured ones that are
 * gone from the configuration (those attached from the CLI stay).
 */
void xdp_sync_config(struct xdp_sync *xs, const struct config *c);
/* Leaves the maps and the attachments pinned: filtering goes on. */
void xdp_sync_close(struct xdp_sync *xs);

/*
 * The peering id of a configured peering, or -1 (no id: more than
 * PE_MAX_PEERINGS peerings, or not configured).
 */
int xdp_sync_peering_id(const struct xdp_sync *xs, const char *peering);

/*
 * A pass to make the maps hold exactly want (n entries from malloc, any
 * order, duplicates allowed; taken over and sorted), replacing any in
 * progress: installed follows every step, so the next pass starts from
 * the truth. Each xdp_sync_step() makes up to max changes (0 is taken as
 * 1), looking at no more than XDP_STEP_LOOK x max entries: additions
 * first, then removals. It returns 1 while steps remain, 0 when the pass
 * is through (or there is none), -1 after logging a failed update (the
 * pass dropped, installed read back from the maps, retry set).
 */
#define XDP_STEP_LOOK 16
void xdp_sync_start(struct xdp_sync *xs, struct xdp_entry *want, size_t n);
int xdp_sync_step(struct xdp_sync *xs, size_t max);
bool xdp_sync_busy(const struct xdp_sync *xs);

/*
 * Once a second at most: interfaces that appeared get attached, those that
 * went away forgotten, bond members followed. The same is done at once on
 * every rtnetlink link event (a member enslaved, say), so a member is
 * configured before the program bonding gave it has passed much as
 * pass_nocfg.
 */
void xdp_sync_poll(struct xdp_sync *xs, int64_t now_ms);

/*
 * "peeredge xdp attach/detach": 0, or -errno with a sentence in err.
 * peering NULL: the interface's configured peering, else the only
 * configured one.
 */
int xdp_sync_attach(struct xdp_sync *xs, const struct config *c, const char *ifname,
		    const char *peering, const enum pe_mode *mode, char *err, size_t errlen);
int xdp_sync_detach(struct xdp_sync *xs, const char *ifname, char *err, size_t errlen);

const struct xdp_iface *xdp_sync_find(const struct xdp_sync *xs, const char *ifname);

/*
 * Counters of one interface (its members' included), per reason, summed
 * over CPUs since it was configured: for "xdp show" and metrics. 0, or
 * -ENOENT when the interface is not attached now.
 */
int xdp_iface_counters(const struct xdp_sync *xs, const struct xdp_iface *ifc,
		       struct pe_cnt out[PE_R_MAX]);

/* Space in one of the allowlist's tables (bpf/README.md, "Limits"). */
struct xdp_table_use {
	const char *name;		/* "v4_blocks", ... as the library's options */
	uint32_t used, size;
};

#define XDP_N_TABLES 8

/* The allowlist's registry and tables, for "xdp show" and metrics. */
struct xdp_tables {
	uint64_t prefixes;		/* (prefix, peerings) entries */
	struct xdp_table_use table[XDP_N_TABLES];	/* IPv4 first */
	/* (peering, /16)s the per-peering IPv6 tables had no space for: their
	 * sources are looked up in the shared tables, slower */
	uint32_t v6_slash16_shared;
};

/* false when no allowlist is open. */
bool xdp_sync_tables(const struct xdp_sync *xs, struct xdp_tables *t);

/* "enforce" or "monitor". */
const char *xdp_mode_name(enum pe_mode mode);

/* "native", "generic", "offload", or "none": how the program runs there now. */
const char *xdp_iface_attach_mode(const struct xdp_iface *ifc);

#endif
