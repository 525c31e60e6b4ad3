/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A budget of log lines per window, for messages that come in floods (one
 * per prefix when a connection changes: hundreds of thousands at a time,
 * which syslog and journald would drop wholesale, other lines with them).
 * Beyond the budget lines are only counted; the count is for the caller
 * to log once the window is over.
 */
#ifndef PEEREDGE_LOG_LIMIT_H
#define PEEREDGE_LOG_LIMIT_H

#include <stdbool.h>
#include <stdint.h>

struct log_limit {
	unsigned int budget;	/* lines per window */
	int64_t window_ms;
	int64_t start_ms;	/* of the current window */
	unsigned int logged;	/* in it */
	unsigned long held;	/* not logged in it */
};

void log_limit_init(struct log_limit *l, unsigned int budget, int64_t window_ms);
/*
 * One more line at now_ms: true when it may be logged, false when it is
 * only counted. Call log_limit_end() first, or the window never moves on
 * while lines are held.
 */
bool log_limit_take(struct log_limit *l, int64_t now_ms);
/*
 * When the window is over: the lines held in it (0 when none, or when it
 * is not over), and the next window starts.
 */
unsigned long log_limit_end(struct log_limit *l, int64_t now_ms);
/* Milliseconds until held lines are due to be reported; -1: none held. */
int64_t log_limit_due_in(const struct log_limit *l, int64_t now_ms);

#endif
