// SPDX-License-Identifier: GPL-2.0
#include "log_limit.h"

void log_limit_init(struct log_limit *l, unsigned int budget, int64_t window_ms)
{
	*l = (struct log_limit){ .budget = budget, .window_ms = window_ms };
}

static bool window_over(const struct log_limit *l, int64_t now_ms)
{
	return now_ms - l->start_ms >= l->window_ms;
}

static void window_start(struct log_limit *l, int64_t now_ms)
{
	l->start_ms = now_ms;
	l->logged = 0;
	l->held = 0;
}

bool log_limit_take(struct log_limit *l, int64_t now_ms)
{
	/* Nothing held: a quiet window closes without a word. */
	if (!l->held && window_over(l, now_ms))
		window_start(l, now_ms);
	if (l->logged < l->budget) {
		l->logged++;
		return true;
	}
	l->held++;
	return false;
}

unsigned long log_limit_end(struct log_limit *l, int64_t now_ms)
{
	unsigned long held = l->held;

	if (!window_over(l, now_ms))
		return 0;
	window_start(l, now_ms);
	return held;
}

int64_t log_limit_due_in(const struct log_limit *l, int64_t now_ms)
{
	int64_t left = l->start_ms + l->window_ms - now_ms;

	if (!l->held)
		return -1;
	return left > 0 ? left : 0;
}
