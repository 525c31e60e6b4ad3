// SPDX-License-Identifier: GPL-2.0
/* Per-target rings of validation events; see event_log.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "event_log.h"
#include "name_tree.h"

static void ring_free(struct event_ring *ring)
{
	free(ring->records);
	free(ring);
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
	if (ring->count == ring->cap && ring->cap < EVENT_LOG_PER_TARGET) {
		size_t cap = ring->cap ? 2 * ring->cap : 2;
		struct event_record *more;

		if (cap > EVENT_LOG_PER_TARGET)
			cap = EVENT_LOG_PER_TARGET;
		more = realloc(ring->records, cap * sizeof(*more));
		if (!more)
			return -ENOMEM;
		ring->records = more;
		ring->cap = cap;
	}
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
	memcpy(rec->text, ev->text, sizeof(rec->text));
	ring->head = (ring->head + 1) % EVENT_LOG_PER_TARGET;
	if (ring->count < EVENT_LOG_PER_TARGET)
		ring->count++;
	return 0;
}

const struct event_record *event_ring_at(const struct event_ring *ring, size_t i)
{
	return &ring->records[(ring->head + EVENT_LOG_PER_TARGET - ring->count + i) %
			      EVENT_LOG_PER_TARGET];
}

void event_log_forget(struct event_log *log, const char *target)
{
	struct event_ring *ring = name_tree_find(&log->by_target, target);

	if (!ring)
		return;
	name_tree_del(&log->by_target, target);
	log->rings[ring->slot] = log->rings[--log->nrings];
	log->rings[ring->slot]->slot = ring->slot;
	ring_free(ring);
}

void event_log_free(struct event_log *log)
{
	for (size_t i = 0; i < log->nrings; i++)
		ring_free(log->rings[i]);
	free(log->rings);
	log->rings = NULL;
	log->nrings = 0;
	name_tree_clear(&log->by_target);
}
