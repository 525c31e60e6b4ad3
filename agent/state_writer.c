// SPDX-License-Identifier: GPL-2.0
/* The state file formatted by the event loop, written by a thread; see state_writer.h. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "clock.h"
#include "state_writer.h"

int state_writer_format(struct state_writer *w, const struct peering_db *db,
			size_t max_records)
{
	if (w->writing)
		return -EBUSY;
	if (!w->text.len)
		w->started_ms = clock_monotonic_ms();
	return state_text_add(&w->text, db, max_records);
}

/* The thread: it touches nothing but the writer's text, path and result. */
static void *write_in_thread(void *arg)
{
	struct state_writer *w = arg;
	struct sched_param idle = { 0 };
	uint64_t one = 1;

	/*
	 * On a CPU it shares with the loop (an edge pinned to one CPU), the
	 * loop takes it back as soon as an event wakes it. Lowering one's own
	 * policy needs no privilege; should it fail, the save still runs.
	 */
	pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle);
	w->result = state_text_write(w->path, &w->text, w->err, sizeof(w->err));
	/*
	 * The loop reads the result after pthread_join(), which orders it. One
	 * write of 1 to a fresh counter: only a signal could interrupt it.
	 */
	while (write(w->done_fd, &one, sizeof(one)) < 0 && errno == EINTR)
		;
	return NULL;
}

int state_writer_start(struct state_writer *w, const char *path, char *err, size_t errlen)
{
	sigset_t all, old;
	int ret;

	if (w->writing) {
		snprintf(err, errlen, "a state file save is already running");
		return -EBUSY;
	}
	w->path = strdup(path);
	w->done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!w->path || w->done_fd < 0) {
		ret = w->path ? -errno : -ENOMEM;
		goto fail;
	}
	/* The daemon's signals are for its loop (signalfd), never the writer. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	ret = -pthread_create(&w->thread, NULL, write_in_thread, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!ret) {
		w->writing = true;
		return 0;
	}
fail:
	snprintf(err, errlen, "cannot save the state file in the background: %s",
		 strerror(-ret));
	if (w->done_fd >= 0)
		close(w->done_fd);
	free(w->path);
	w->path = NULL;
	return ret;
}

int state_writer_reap(struct state_writer *w, char *err, size_t errlen)
{
	int ret;

	if (!w->writing)
		return 0;
	pthread_join(w->thread, NULL);
	w->writing = false;
	close(w->done_fd);
	free(w->path);
	w->path = NULL;
	ret = w->result < 0 ? -1 : 1;
	if (ret < 0)
		snprintf(err, errlen, "%s", w->err);
	state_text_clear(&w->text);
	return ret;
}

void state_writer_drop(struct state_writer *w)
{
	if (!w->writing)
		state_text_clear(&w->text);
}

void state_writer_free(struct state_writer *w)
{
	char unreported[sizeof(w->err)];

	state_writer_reap(w, unreported, sizeof(unreported));
	state_text_free(&w->text);
}
