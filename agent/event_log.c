// SPDX-License-Identifier: GPL-2.0
/* Per-target rings of validation events; see event_log.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "event_log.h"

static void ring_free(struct event_ring *ring)
{
	free(ring->records);
	free(ring);
}

static size_t ring_index(const struct event_log *log, const char *target)
{
	size_t i;

	for (i = 0; i < log->nrings; i++)
		if (!strcmp(log->rings[i]->target, target))
			break;
	return i;
}

const struct event_ring *event_log_find(const struct event_log *log, const char *target)
{
	size_t i = ring_index(log, target);

	return i < log->nrings ? log->rings[i] : NULL;
}

int event_log_add(struct event_log *log, const struct vevent *ev)
{
	size_t i = ring_index(log, ev->target);
	struct event_ring *ring, **grown;
	struct event_record *rec;

	if (i == log->nrings) {
		grown = realloc(log->rings, (log->nrings + 1) * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		log->rings = grown;
		ring = calloc(1, sizeof(*ring));
		if (!ring)
			return -ENOMEM;
		snprintf(ring->target, sizeof(ring->target), "%s", ev->target);
		log->rings[log->nrings++] = ring;
	}
	ring = log->rings[i];
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
	size_t i = ring_index(log, target);

	if (i == log->nrings)
		return;
	ring_free(log->rings[i]);
	log->rings[i] = log->rings[--log->nrings];
}

void event_log_free(struct event_log *log)
{
	for (size_t i = 0; i < log->nrings; i++)
		ring_free(log->rings[i]);
	free(log->rings);
	log->rings = NULL;
	log->nrings = 0;
}
