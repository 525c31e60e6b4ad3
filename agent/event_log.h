/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The validation events of every prefix, kept in memory for
 * "peeredge events": a bounded ring per target (registered or service
 * prefix), so a flapping prefix cannot push out the history of the others.
 * The daemon also logs each event; the rings are what an operator asks for.
 */
#ifndef PEEREDGE_EVENT_LOG_H
#define PEEREDGE_EVENT_LOG_H

#include <stddef.h>

#include "peering.h"
#include "validate.h"

#define EVENT_LOG_PER_TARGET 64

/* A vevent with its strings copied. */
struct event_record {
	int64_t time_ms;
	enum vevent_type type;
	enum vlevel level;
	char session_ip[INET6_ADDRSTRLEN];	/* "" when none */
	uint32_t old_origin, new_origin;
	enum vstate old_state, new_state;
	char text[sizeof(((struct vevent *)0)->text)];
};

struct event_ring {
	char target[PE_NAME_MAX];	/* first: see name_tree.h */
	char prefix[PE_NAME_MAX];
	size_t head, count;		/* oldest at (head - count) mod size */
	/*
	 * Grown on demand up to EVENT_LOG_PER_TARGET: most prefixes have a
	 * few events, and a full ring for each of 100,000 would take 1.7 GB.
	 * It only wraps once full, so head == count until then.
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
};

/* 0 or -ENOMEM (the event is then only in the daemon's log). */
int event_log_add(struct event_log *log, const struct vevent *ev);
const struct event_ring *event_log_find(const struct event_log *log, const char *target);
/* The i-th record of a ring, oldest first (i < ring->count). */
const struct event_record *event_ring_at(const struct event_ring *ring, size_t i);
/* Drops a deleted target's history, so a new one of that name starts clean. */
void event_log_forget(struct event_log *log, const char *target);
void event_log_free(struct event_log *log);

#endif
