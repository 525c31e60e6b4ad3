// SPDX-License-Identifier: GPL-2.0
/* The state file saved by a child process; see state_writer.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "state.h"
#include "state_writer.h"

/*
 * The child: first it closes its copies of the daemon's descriptors, and
 * only then tells the parent to go on. While a child held a socket the
 * daemon closed, epoll kept reporting it (a registration ends with the
 * last reference to the file), for a watch already freed. The daemon's
 * signals stay blocked: a SIGTERM does not cut a save short.
 */
static void save_in_child(int pipe_fd, const char *path, const struct peering_db *db,
			  char *err, size_t errlen)
{
	int ret;

	if (dup2(pipe_fd, STDERR_FILENO + 1) < 0 ||
	    close_range(STDERR_FILENO + 2, ~0U, 0) < 0 || write(STDERR_FILENO + 1, "r", 1) != 1)
		_exit(2);
	ret = state_save(path, db, err, errlen);
	/* Without the message, the parent reports the exit status. */
	if (ret < 0 && write(STDERR_FILENO + 1, err, strlen(err)) < 0)
		_exit(2);
	_exit(ret < 0);	/* not exit(): no atexit handler of the daemon's runs twice */
}

int state_writer_start(struct state_writer *w, const char *path, const struct peering_db *db,
		       char *err, size_t errlen)
{
	int64_t begin = clock_monotonic_ns();
	int fds[2], ret;
	char ready;
	pid_t pid;

	if (state_writer_busy(w)) {
		snprintf(err, errlen, "a state file save is already running");
		return -EBUSY;
	}
	if (pipe2(fds, O_CLOEXEC) < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot save the state file in the background: %s",
			 strerror(errno));
		return ret;
	}
	pid = fork();
	if (pid < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot save the state file in the background: %s",
			 strerror(errno));
		close(fds[0]);
		close(fds[1]);
		return ret;
	}
	if (!pid)
		save_in_child(fds[1], path, db, err, errlen);
	close(fds[1]);
	/* Until the child let go of the daemon's files (or ended). */
	while (read(fds[0], &ready, 1) < 0 && errno == EINTR)
		;
	w->pid = pid;
	w->err_fd = fds[0];
	/* fork() copies the page tables: this grows with the daemon's memory. */
	w->start_us = (clock_monotonic_ns() - begin) / 1000;
	w->started_ms = clock_monotonic_ms();
	return 0;
}

int state_writer_reap(struct state_writer *w, char *err, size_t errlen)
{
	int status = 0;
	ssize_t n;
	pid_t got;

	if (!state_writer_busy(w))
		return 0;
	do
		got = waitpid(w->pid, &status, 0);
	while (got < 0 && errno == EINTR);
	w->pid = 0;
	if (got > 0 && WIFEXITED(status) && !WEXITSTATUS(status)) {
		close(w->err_fd);
		return 1;
	}
	n = errlen ? read(w->err_fd, err, errlen - 1) : 0;
	close(w->err_fd);
	if (n > 0)
		err[n] = '\0';
	else if (got < 0)
		snprintf(err, errlen, "state file save: cannot collect its process: %s",
			 strerror(errno));
	else
		snprintf(err, errlen, "state file save: its process ended abnormally (status %#x)",
			 (unsigned int)status);
	return -1;
}
