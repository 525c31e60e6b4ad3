/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The state file written in the background: a forked child saves the db
 * as it was at the fork (the pages are shared copy-on-write), so the event
 * loop does not wait while a large table is formatted and fsynced (seconds
 * at 100,000 prefixes in the guest). One writer at a time: two would race
 * to the rename, and an older snapshot could land last.
 */
#ifndef PEEREDGE_STATE_WRITER_H
#define PEEREDGE_STATE_WRITER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "peering.h"

struct state_writer {
	pid_t pid;		/* the child, 0 when none runs */
	int err_fd;		/* its error message comes through this pipe */
	int64_t started_ms;	/* CLOCK_MONOTONIC */
	int64_t start_us;	/* the event loop's wait for fork() and the child */
};

/*
 * Starts a child saving db to path (state_save). 0; -EBUSY while one runs;
 * another -errno when none could start. err says why.
 */
int state_writer_start(struct state_writer *w, const char *path, const struct peering_db *db,
		       char *err, size_t errlen);
/*
 * Waits for the child and collects it: 0 when none ran, 1 when it wrote
 * the file, -1 when it failed (err says why; the file on disk is the one
 * before). err_fd turns readable when the child is exiting: the event
 * loop watches it, so the wait is then over at once.
 */
int state_writer_reap(struct state_writer *w, char *err, size_t errlen);

static inline bool state_writer_busy(const struct state_writer *w)
{
	return w->pid > 0;
}

#endif
