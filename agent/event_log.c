// SPDX-License-Identifier: GPL-2.0
/* Per-target rings of validation events; see event_log.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "event_log.h"
#include "name_tree.h"

static void ring_free(struct event_log *log, struct event_ring *ring)
{
	log->records -= ring->cap;
	free(ring->records);
	free(ring);
}

/* Room for one more record in ring: grown while it may (see event_log.h). */
static int ring_room(struct event_log *log, struct event_ring *ring)
{
	size_t max = log->max_records ? log->max_records : EVENT_LOG_RECORDS_MAX;
	size_t cap = ring->cap ? 2 * ring->cap : 2;
	struct event_record *more;

	/*
	 * Only a full ring grows, and only with its records in order (the
	 * oldest at 0: head is back at 0); else the newest overwrites the
	 * oldest.
	 */
	if (ring->count < ring->cap || ring->head || ring->cap == EVENT_LOG_PER_TARGET)
		return 0;
	if (cap > EVENT_LOG_PER_TARGET)
		cap = EVENT_LOG_PER_TARGET;
	if (ring->cap >= EVENT_LOG_MIN_PER_TARGET && log->records + cap - ring->cap > max)
		return 0;
	more = realloc(ring->records, cap * sizeof(*more));
	if (!more)
		return ring->cap ? 0 : -ENOMEM;
	log->records += cap - ring->cap;
	ring->records = more;
	ring->head = ring->count;
	ring->cap = cap;
	return 0;
}

const struct event_ring *event_log_find(const struct event_log *log, const char *target)
{
	return name_tree_find(&log->by_target, target);
}

int event_log_add(struct event_log *log, const struct vevent *ev)
{
	struct event_ring *ring = name_tree_find(&log->by_target, ev->target), **grown;
	struct event_record *rec;

	if (!ring) {
		grown = array_grow(log->rings, log->nrings, sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		log->rings = grown;
		ring = calloc(1, sizeof(*ring));
		if (!ring)
			return -ENOMEM;
		snprintf(ring->target, sizeof(ring->target), "%s", ev->target);
		if (name_tree_add(&log->by_target, ring) < 0) {
			free(ring);
			return -ENOMEM;
		}
		ring->slot = log->nrings;
		log->rings[log->nrings++] = ring;
	}
	if (ring_room(log, ring) < 0)
		return -ENOMEM;
	/* The prefix text of a target may change (delete, re-add): keep the last. */
	snprintf(ring->prefix, sizeof(ring->prefix), "%s", ev->prefix);
	rec = &ring->records[ring->head];
	*rec = (struct event_record){
		.time_ms = ev->time_ms,
		.type = ev->type,
		.level = ev->level,
		.old_origin = ev->old_origin,
		.new_origin = ev->new_origin,
		.old_state = ev->old_state,
		.new_state = ev->new_state,
	};
	snprintf(rec->session_ip, sizeof(rec->session_ip), "%s",
		 ev->session_ip ? ev->session_ip : "");
	ring->head = (ring->head + 1) % ring->cap;
	if (ring->count < ring->cap)
		ring->count++;
	return 0;
}

const struct event_record *event_ring_at(const struct event_ring *ring, size_t i)
{
	return &ring->records[(ring->head + ring->cap - ring->count + i) % ring->cap];
}

const char *event_record_format(const struct event_ring *ring, const struct event_record *rec,
				char *buf, size_t len)
{
	struct vevent ev = {
		.type = rec->type,
		.level = rec->level,
		.target = ring->target,
		.prefix = ring->prefix,
		.session_ip = rec->session_ip,
		.old_origin = rec->old_origin,
		.new_origin = rec->new_origin,
		.old_state = rec->old_state,
		.new_state = rec->new_state,
	};

	return vevent_format(&ev, buf, len);
}

void event_log_forget(struct event_log *log, const char *target)
{
	struct event_ring *ring = name_tree_find(&log->by_target, target);

	if (!ring)
		return;
	name_tree_del(&log->by_target, target);
	log->rings[ring->slot] = log->rings[--log->nrings];
	log->rings[ring->slot]->slot = ring->slot;
	ring_free(log, ring);
}

void event_log_free(struct event_log *log)
{
	for (size_t i = 0; i < log->nrings; i++)
		ring_free(log, log->rings[i]);
	free(log->rings);
	log->rings = NULL;
	log->nrings = 0;
	name_tree_clear(&log->by_target);
}
