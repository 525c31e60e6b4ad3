/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The validation events of every prefix, kept in memory for
 * "peeredge events": a bounded ring per target (registered or service
 * prefix), so a flapping prefix cannot push out the history of the others.
 * The daemon also logs each event; the rings are what an operator asks for.
 *
 * The rings together are bounded too: a ring holds up to
 * EVENT_LOG_PER_TARGET events, but grows past EVENT_LOG_MIN_PER_TARGET
 * only while all the rings' room stays within the log's max_records
 * (EVENT_LOG_RECORDS_MAX when 0); a ring that cannot grow keeps its newest
 * events in the room it has. At 100,000 prefixes (200,000 targets) rings
 * of 64 full-text events each reached 1.5 GB in the guest after a few
 * connection changes, and the kernel killed the daemon. A record keeps
 * the event's fields; its text is made again when shown.
 */
#ifndef PEEREDGE_EVENT_LOG_H
#define PEEREDGE_EVENT_LOG_H

#include <stddef.h>

#include "peering.h"
#include "validate.h"

#define EVENT_LOG_PER_TARGET 64
#define EVENT_LOG_MIN_PER_TARGET 4
#define EVENT_LOG_RECORDS_MAX (1 << 19)	/* 80 bytes each: 40 MiB */

/* A vevent's fields, its session copied. */
struct event_record {
	int64_t time_ms;
	enum vevent_type type;
	enum vlevel level;
	char session_ip[INET6_ADDRSTRLEN];	/* "" when none */
	uint32_t old_origin, new_origin;
	enum vstate old_state, new_state;
};

struct event_ring {
	char target[PE_NAME_MAX];	/* first: see name_tree.h */
	char prefix[PE_NAME_MAX];
	size_t head, count;		/* oldest at (head - count) mod cap */
	/*
	 * Grown on demand (see above): most prefixes have a few events. The
	 * next record goes at head, modulo cap.
	 */
	size_t cap;
	struct event_record *records;
	size_t slot;			/* in event_log.rings */
};

/* Rings in order of creation, and indexed by target for O(log n) lookups. */
struct event_log {
	struct event_ring **rings;
	size_t nrings;
	void *by_target;
	size_t records;		/* the rings' room, in records */
	size_t max_records;	/* 0: EVENT_LOG_RECORDS_MAX */
};

/* 0 or -ENOMEM (the event is then only in the daemon's log). */
int event_log_add(struct event_log *log, const struct vevent *ev);
const struct event_ring *event_log_find(const struct event_log *log, const char *target);
/* The i-th record of a ring, oldest first (i < ring->count). */
const struct event_record *event_ring_at(const struct event_ring *ring, size_t i);
/* A record of ring as the line the daemon logged for it; returns buf. */
const char *event_record_format(const struct event_ring *ring, const struct event_record *rec,
				char *buf, size_t len);
/* Drops a deleted target's history, so a new one of that name starts clean. */
void event_log_forget(struct event_log *log, const char *target);
void event_log_free(struct event_log *log);

#endif
