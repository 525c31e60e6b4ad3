/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BGP session engine: the RFC 4271 section 8 finite state machine for each
 * configured neighbor, its TCP connections (active and passive opens, 6.8
 * collision resolution, TCP-MD5, GTSM) and timers, all driven by one epoll
 * loop without threads.
 *
 * Time comes from bgpd.now (milliseconds, monotonic), which tests replace
 * with a fake clock; every timer is an absolute deadline checked by
 * bgpd_poll() after the I/O of each round.
 */
#ifndef PEEREDGE_SESSION_H
#define PEEREDGE_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "messages.h"
#include "rib.h"

enum bgp_state {
	BGP_STATE_IDLE,
	BGP_STATE_CONNECT,
	BGP_STATE_ACTIVE,
	BGP_STATE_OPENSENT,
	BGP_STATE_OPENCONFIRM,
	BGP_STATE_ESTABLISHED,
};

/* Timer values, milliseconds. */
#define BGP_CONNECT_RETRY_MS	10000	/* shorter than RFC 4271's 120 s example */
#define BGP_IDLE_HOLD_MS	5000	/* before restarting after an error */
#define BGP_OPEN_HOLD_MS	240000	/* hold timer while waiting for OPEN */
#define BGP_GR_RESTART_TIME	120	/* seconds we ask a helper to wait for us */

/* One file descriptor in the loop; cb gets the epoll events. */
struct ev_watch {
	int fd;
	void (*cb)(struct ev_watch *w, uint32_t events);
};

struct bgp_session;
struct bgpd;

/*
 * Received messages one connection may handle in one event-loop round, in
 * ms (checked between messages): the rest waits for the next round, after
 * the timers and the edge's turn.
 */
#define BGP_ROUND_BUDGET_MS 50

struct bgp_listener {
	struct ev_watch w;
	struct bgpd *d;
	struct config_addr addr;
};

struct bgp_conn {
	struct ev_watch w;
	struct bgp_session *s;
	struct bgp_conn *next_dead;	/* freed after the epoll round */
	bool outbound;
	bool connecting;		/* non-blocking connect() in flight */
	bool dead;
	bool open_received;
	struct bgp_open open;		/* peer's OPEN on this connection */
	uint32_t events;		/* current epoll interest */
	size_t rlen;
	bool backlog;			/* whole messages left in rbuf for the next round */
	uint8_t rbuf[16 * BGP_MSG_MAX];	/* a table dump arrives in few reads */
	uint8_t *wbuf;
	size_t wlen, wcap;
};

struct bgp_session {
	struct bgpd *d;
	const struct config_neighbor *cfg;	/* points into d->cfg */
	uint16_t rib_peer;
	enum bgp_state state;
	struct bgp_conn *conn;		/* the connection the FSM follows */
	struct bgp_conn *pending;	/* second, inbound connection (6.8) */
	uint64_t state_since;
	uint64_t start_at;		/* automatic start; 0: stay Idle */
	uint64_t connect_retry_at, hold_at, keepalive_at, stale_until;
	uint16_t hold_time;		/* negotiated, seconds */
	struct bgp_open peer;		/* OPEN of the established connection */
	struct config_addr local;	/* our end of it; family 0: unknown */
	bool as4;
	bool admin_down;		/* neighbor shutdown */
	bool bfd_down;			/* held down until BFD reports Up */
	bool prefix_limited;		/* max-prefix tripped */
	uint8_t eor_pending;		/* families whose End-of-RIB we wait for */
	char last_error[256];
	uint32_t established_count;
	uint64_t updates_in, updates_out, withdraws_as_errors;
	uint64_t messages_in, messages_out;	/* every type, every connection */
};

struct bgpd {
	int epfd;
	struct config cfg;
	struct rib *rib;
	struct bgp_session **sessions;
	size_t n_sessions;
	struct bgp_listener listeners[CONFIG_MAX_LISTEN];
	size_t n_listeners;
	struct bgp_conn *dead;
	uint64_t (*now)(void);
	bool log_stderr;
	struct bgp_update *upd;		/* decode scratch, one per daemon */
	/* Told of every FSM state change and BFD hold change; may be NULL. */
	void (*on_change)(void *ctx, struct bgp_session *s);
	void *on_change_ctx;
};

/* Takes ownership of cfg (on success and on failure). 0 or -1 with err. */
int bgpd_init(struct bgpd *d, struct config *cfg, char *err, size_t errlen);
/* Applies a new configuration; takes ownership of cfg. */
void bgpd_reload(struct bgpd *d, struct config *cfg);
/* One round: wait for I/O (at most max_wait_ms), dispatch, run timers. */
int bgpd_poll(struct bgpd *d, int max_wait_ms);
int bgpd_watch(struct bgpd *d, struct ev_watch *w, uint32_t events);
/* Cease / Administrative Shutdown to every neighbor, then free. */
void bgpd_shutdown(struct bgpd *d, const char *msg);
void bgpd_log(struct bgpd *d, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
struct bgp_session *bgpd_find(struct bgpd *d, const char *name);
uint64_t bgpd_clock_ms(void);

/* Operator actions and BFD hook. */
void session_shutdown(struct bgp_session *s, const char *msg);	/* stays down */
void session_start(struct bgp_session *s);			/* undoes shutdown */
void session_reset(struct bgp_session *s, const char *msg);	/* down, then up */
/* RFC 2918: asks the peer to resend its routes. -1 when not possible now. */
int session_refresh(struct bgp_session *s);
/*
 * BFD state for this neighbor (RFC 5882, RFC 9384): Down resets an
 * established session with Cease / BFD Down and holds it in Idle until Up.
 */
void session_bfd(struct bgp_session *s, bool up);

const char *bgp_state_name(enum bgp_state st);

#endif
