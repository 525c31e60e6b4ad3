/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The peering edge: what joins the BGP speaker (session.h, rib.h) to the
 * Peering Service model (peering.h), the validation engine (validate.h),
 * the durable state (state.h), the kernel FIB (fib_sync.h) and the XDP
 * allowlist (xdp_sync.h).
 *
 *   config       peerings and their connections (neighbors with "peering")
 *   state file   registrations and activations: operator actions, loaded
 *                at start (a corrupt or newer file stops the daemon; it is
 *                never overwritten), saved atomically after changes
 *   sessions     Established (and BFD Up where "bfd on" and kbfd is there)
 *                makes a connection Active; anything else takes it back
 *   RIB          every Adj-RIB-In change re-validates the targets of that
 *                prefix at once, in the same event-loop turn; past
 *                EDGE_PREFIX_RUNS_MAX in one turn (a table loading, a
 *                session's routes flushed) one paced run over every target
 *                replaces them, far cheaper per prefix
 *   FIB          one nexthop per Active connection, one group per
 *                peering, a route to the group for every service prefix
 *                whose state is installable. A connection change updates
 *                the nexthops and groups at once, in the event's own call,
 *                before any whole-table work (one group update moves or
 *                removes every route of the peering); the routes follow
 *                once the re-validation it asks for is through
 *   XDP          with the routes: the installable service prefixes of
 *                each peering as the allowed sources on its interfaces
 *                (also while its connections are coming back at start-up,
 *                so a restart refuses no valid traffic)
 *   pacing       whole-table work (timed re-validation, route and XDP
 *                syncs, the state file) runs at the end of a turn, but
 *                after a job that took T ms the same job waits at least
 *                EDGE_PACE_FACTOR x T: with a small table that is a few
 *                ms, while 100k prefixes load it keeps keepalives and BFD
 *                events read. Nothing is dropped, only coalesced: a dirty
 *                state is saved on the next due turn, at edge_close(), and
 *                at once after an operator's change. A paced save is
 *                formatted in slices and written by a thread
 *                (state_writer.h), the loop going on; the others drop the
 *                text or wait for the thread, then save. Re-validation runs
 *                in slices of EDGE_SLICE_MS, one a turn, the sockets read
 *                in between (a waiting kbfd event ends a slice early);
 *                its pace counts the slices' time. The route
 *                sync likewise commits EDGE_FIB_SLICE_ROUTES route
 *                changes a turn (fib_sync_step()); a connection change
 *                drops the pass in progress, a route change restarts it
 *                (paced). Only an operator's change re-validates
 *                everything at once (its reply and the save follow)
 *   restart      connections that were Active when the state was saved get
 *                EDGE_SETTLE_MS to come back (Active, End-of-RIB received)
 *                before anything is validated,
 *                so a restart does not turn every Verified prefix Failed
 *                for the seconds its sessions take to come up; meanwhile
 *                the saved states rule the FIB
 *
 * Everything runs on the daemon's event loop; nothing here blocks on the
 * network.
 */
#ifndef PEEREDGE_EDGE_H
#define PEEREDGE_EDGE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "event_log.h"
#include "fib_sync.h"
#include "log_limit.h"
#include "peering.h"
#include "registry.h"
#include "session.h"
#include "state_writer.h"
#include "validate.h"
#include "xdp_sync.h"

/* Nexthop ids: base + 1 + RIB peer slot per connection, groups above. */
#define EDGE_GROUP_ID_OFFSET 0x1000
#define EDGE_SETTLE_MS 60000
/* A whole-table job that took T ms waits this many T before it runs again. */
#define EDGE_PACE_FACTOR 4
/* Prefixes re-validated one by one in a turn before a whole run takes over. */
#define EDGE_PREFIX_RUNS_MAX 256
/*
 * A re-validation, or a FIB and XDP plan's build, runs this long a turn,
 * then the loop reads its sockets, whatever the table's size (so does a
 * paced state save's formatting). A kbfd event ends the slice sooner: a BFD Down
 * does not wait for the slice. Each slice ends in a poll round: a 100k
 * re-validation took 320 of them under ASan on the host (load.sh).
 */
#define EDGE_SLICE_MS 20

/*
 * Route changes a FIB sync commits a turn, then the loop reads its
 * sockets, for the same reason: about EDGE_SLICE_MS in the guest, where
 * installing 100k routes took 391 slices of 256 at 26 ms each (the
 * kernel's inserts most of it).
 */
#define EDGE_FIB_SLICE_ROUTES 192
/*
 * Allowlist changes a pass makes a turn: each is a map update or more, a
 * system call: a table's worth in one turn held the loop.
 */
#define EDGE_XDP_SLICE_ENTRIES 2048
/* State file records formatted between two looks at the clock and kbfd. */
#define EDGE_SAVE_BATCH 256
/*
 * A failed state file save is tried again this long after at the
 * soonest: a full disk would otherwise be tried, and logged, every few ms.
 */
#define EDGE_SAVE_RETRY_MS 1000
/* Service prefixes a plan's build takes between two looks at the clock and kbfd. */
#define EDGE_BUILD_CHECK 64
/*
 * Validation events logged a second; more are counted and the count is
 * logged (a connection change at 100,000 prefixes makes 200,000 events;
 * journald's default limit is 10,000 lines in 30 s). The event log
 * (peeredge events) keeps the latest of each prefix.
 */
#define EDGE_EVENT_LINES_PER_S 200

struct edge_rx;

struct edge {
	struct bgpd *d;
	struct peering_db *db;
	struct validator *v;
	struct registry *reg;
	struct event_log events;
	struct log_limit event_lines;	/* of the validation events */
	struct fib_sync fib;
	bool fib_enabled;
	struct xdp_sync xdp;
	uint32_t fib_table, fib_id_base;	/* as opened; reload does not move them */
	char state_path[CONFIG_PATH_MAX];
	bool bfd_available;		/* kbfd answers: BFD Up is required */
	int bfd_events_fd;		/* kbfd's events, or -1; see edge_set_bfd_events() */
	bool bfd_up[RIB_MAX_PEERS];	/* by RIB peer slot */
	bool fib_dirty, state_dirty;
	bool revalidate_now;		/* a connection changed: every target, from this turn */
	bool revalidate_bulk;		/* too many prefixes this turn: every target, paced */
	/* The sliced passes in progress: re-validation, FIB and XDP sync. */
	struct edge_slices {
		int64_t busy_ms;	/* the slices' time */
		size_t n;		/* slices so far */
		int64_t start_ms;	/* the first slice's start */
		int64_t longest_ms;	/* the loop's longest wait on one of them */
	} revalidate_run, sync_run, save_run;
	/* The plan of a FIB and XDP pass, built in slices (sync_slice()). */
	struct edge_build {
		bool active;		/* being built */
		bool want_ready;	/* built: want waits for the FIB pass's end */
		uint64_t generation;	/* the db's when the build began */
		size_t next;		/* the next of order to take */
		int64_t busy_ms;	/* the build's slices' time */
		struct fib_plan plan;
		struct xdp_entry *want;	/* the allowlist, in order's order */
		size_t n_want;
		/* The db's service prefixes in prefix order, as of order_generation. */
		struct service_prefix **order;
		size_t n_order;
		bool ordered;
		uint64_t order_generation;
	} build;
	size_t turn_prefix_runs;	/* prefixes re-validated one by one this turn */
	/* Whole-table jobs: when each may run again (see pacing above). */
	struct edge_pace {
		int64_t next_ms;
	} revalidate_pace, sync_pace, save_pace;
	struct state_writer writer;	/* the paced save in progress */
	struct ev_watch writer_watch;	/* its done_fd: readable when it ends */
	int64_t saved_at_ms;		/* the last save's end; 0: none since start */
	char save_error[512];		/* why it failed; "" when it did not */
	uint64_t save_failures;		/* saves that failed since start */
	/* Start-up: neighbors of connections Active before, not yet back. */
	char (*awaited)[INET6_ADDRSTRLEN];
	size_t n_awaited;
	int64_t settle_deadline_ms;	/* 0: settled, validation runs */
	struct edge_rx *rx;		/* what validator lookups decode into */
};

/*
 * After bgpd_init(): loads the state file, the registry files, applies the
 * configuration's peerings and connections, opens the FIB table. 0, or -1
 * with a sentence in err (the daemon must not start).
 */
int edge_open(struct edge *e, struct bgpd *d, char *err, size_t errlen);
void edge_close(struct edge *e);

/*
 * Reload in three steps, so a refused configuration changes nothing:
 * edge_check_config() and edge_load_registry() before bgpd_reload(), then
 * edge_apply_config() with the new registry.
 */
int edge_check_config(const struct edge *e, const struct config *c, char *err, size_t errlen);
int edge_load_registry(const struct config *c, struct bgpd *d, struct registry **out,
		       char *err, size_t errlen);
void edge_apply_config(struct edge *e, struct registry *reg);

/*
 * Changes not in the state file yet: waiting for their save (paced, or
 * retried after a failure), or in one being formatted or written.
 */
bool edge_save_pending(const struct edge *e);
/* The last save failed (save_error says why); it is tried again. */
bool edge_save_failed(const struct edge *e);

/* End of an event-loop turn: timed re-validation, FIB, XDP, state file. */
void edge_turn(struct edge *e);
/* How long the event loop may wait before edge_turn() has work due: 0..max_ms. */
int edge_poll_timeout_ms(const struct edge *e, int max_ms);

/* A kbfd session of neighbor s changed state (RFC 5882). */
void edge_bfd(struct edge *e, struct bgp_session *s, bool up);
/*
 * kbfd answers and sends its events on fd: BFD Up is required from now
 * on, and a re-validation slice ends early when an event waits (a Down
 * moves every route of a connection; it must not wait for the slice).
 */
void edge_set_bfd_events(struct edge *e, int fd);

/* The session behind a connection, or NULL (neighbor not configured). */
struct bgp_session *edge_session_of(const struct edge *e, const struct connection *c);

/*
 * After an operator changed the model: re-validate, then save the state
 * file now (so a reply of success means it is on disk). 0, or -1 with err.
 */
int edge_model_changed(struct edge *e, char *err, size_t errlen);

int64_t edge_now_ms(void);

#endif
