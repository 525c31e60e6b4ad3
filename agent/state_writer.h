/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The paced state file save, kept off the event loop's back: the loop
 * formats the db a batch of records at a time between its other work
 * (state_text), then a thread writes and fsyncs the file (seconds at
 * 100,000 prefixes in the guest) while the loop goes on. There is no
 * fork(): copying the daemon's page tables held the loop 16-28 ms at
 * 100,000 prefixes on the host, and each page the loop wrote afterwards
 * took a fault (selftests/bench/fork_bench.c). The text's buffer stays
 * from one save to the next (the largest text so far, megabytes at
 * 100,000 prefixes), so its pages are faulted in once, not at every save.
 * The thread runs as SCHED_IDLE: on a CPU the two share, the loop woken by
 * a BFD Down or a BGP message preempts it at once (the scheduler's rule
 * for an idle-policy task), instead of waiting for its time slice.
 * One save at a time: two would race to the rename, and an older snapshot
 * could land last.
 */
#ifndef PEEREDGE_STATE_WRITER_H
#define PEEREDGE_STATE_WRITER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "peering.h"
#include "state.h"

struct state_writer {
	struct state_text text;	/* the loop's while formatting, the thread's while writing */
	char *path;		/* the file the thread writes */
	pthread_t thread;
	bool writing;		/* the thread was started and is not collected yet */
	int done_fd;		/* an eventfd, readable once the thread is through */
	int result;		/* its state_text_write()'s */
	char err[256];		/* why, when result < 0 */
	int64_t started_ms;	/* CLOCK_MONOTONIC, at the first batch */
};

/*
 * Formats up to max_records more records of db (state_text_add): 1 when
 * the text is complete, 0 when more remain, -ENOMEM, -EBUSY while the
 * thread writes.
 */
int state_writer_format(struct state_writer *w, const struct peering_db *db,
			size_t max_records);
/*
 * Starts the thread writing the complete text to path: 0, or -errno with
 * a sentence in err (the text stays, to be written otherwise or dropped).
 */
int state_writer_start(struct state_writer *w, const char *path, char *err, size_t errlen);
/*
 * Waits for the thread and collects it: 0 when none ran, 1 when it wrote
 * the file, -1 when it failed (err says why; the file on disk is the one
 * before). done_fd turns readable when the thread is through: the event
 * loop watches it, so the wait is then over at once.
 */
int state_writer_reap(struct state_writer *w, char *err, size_t errlen);
/* Drops a text being formatted; a thread writing is left alone. */
void state_writer_drop(struct state_writer *w);
/* Waits for a thread still writing (its result unreported), then frees the buffer. */
void state_writer_free(struct state_writer *w);

static inline bool state_writer_busy(const struct state_writer *w)
{
	return w->writing;
}

static inline bool state_writer_formatting(const struct state_writer *w)
{
	return !w->writing && w->text.len;
}

#endif
