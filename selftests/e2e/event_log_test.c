// SPDX-License-Identifier: GPL-2.0
/* Validation events kept per prefix: bounded, oldest first, forgettable. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "event_log.h"

static int add(struct event_log *log, const char *target, int64_t t)
{
	struct vevent ev = {
		.time_ms = t,
		.type = VEVENT_WITHDRAWAL,
		.level = VLEVEL_WARNING,
		.target = target,
		.prefix = "192.0.2.0/24",
		.session_ip = "10.0.0.2",
	};

	return event_log_add(log, &ev);
}

TEST(each_target_keeps_its_own_history)
{
	struct event_log log = { 0 };
	const struct event_ring *a, *b;

	ASSERT_EQ(0, add(&log, "a", 1));
	ASSERT_EQ(0, add(&log, "b", 2));
	ASSERT_EQ(0, add(&log, "a", 3));
	a = event_log_find(&log, "a");
	b = event_log_find(&log, "b");
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	EXPECT_EQ(2, a->count);
	EXPECT_EQ(1, b->count);
	EXPECT_EQ(1, event_ring_at(a, 0)->time_ms);
	EXPECT_EQ(3, event_ring_at(a, 1)->time_ms);
	EXPECT_STREQ("10.0.0.2", event_ring_at(b, 0)->session_ip);
	EXPECT_STREQ("192.0.2.0/24", b->prefix);
	EXPECT_EQ(NULL, event_log_find(&log, "c"));
	event_log_free(&log);
}

TEST(a_ring_keeps_the_newest)
{
	struct event_log log = { 0 };
	const struct event_ring *r;
	int64_t t;

	for (t = 0; t < 3 * EVENT_LOG_PER_TARGET + 5; t++)
		ASSERT_EQ(0, add(&log, "flappy", t));
	ASSERT_EQ(0, add(&log, "quiet", 1000));
	r = event_log_find(&log, "flappy");
	ASSERT_EQ(EVENT_LOG_PER_TARGET, r->count);
	EXPECT_EQ(2 * EVENT_LOG_PER_TARGET + 5, event_ring_at(r, 0)->time_ms);
	EXPECT_EQ(t - 1, event_ring_at(r, EVENT_LOG_PER_TARGET - 1)->time_ms);
	/* The flapping one does not push out the others. */
	EXPECT_EQ(1, event_log_find(&log, "quiet")->count);
	event_log_free(&log);
}

/* Ring r holds, oldest first, the events first..last of add(). */
static bool holds(const struct event_ring *r, int64_t first, int64_t last)
{
	if (r->count != (size_t)(last - first + 1))
		return false;
	for (size_t i = 0; i < r->count; i++)
		if (event_ring_at(r, i)->time_ms != first + (int64_t)i)
			return false;
	return true;
}

TEST(the_rings_together_stay_within_the_budget)
{
	struct event_log log = { .max_records = 24 };
	const struct event_ring *r;
	size_t before;
	char name[16];

	/* A flapping target grows while the budget allows: 2, 4, 8, 16, not 32. */
	for (int64_t t = 0; t < 100; t++)
		ASSERT_EQ(0, add(&log, "flappy", t));
	r = event_log_find(&log, "flappy");
	EXPECT_EQ(16, r->cap);
	EXPECT_TRUE(holds(r, 84, 99));
	/* Ten more, ten events each: past the budget, each keeps its newest
	 * in the minimum room (the first took the last 4 of the budget). */
	for (int k = 0; k < 10; k++) {
		snprintf(name, sizeof(name), "t%d", k);
		for (int64_t t = 0; t < 10; t++)
			ASSERT_EQ(0, add(&log, name, 100 * k + t));
	}
	EXPECT_EQ(16 + 8 + 9 * EVENT_LOG_MIN_PER_TARGET, log.records);
	EXPECT_TRUE(holds(event_log_find(&log, "t0"), 2, 9));
	for (int k = 1; k < 10; k++) {
		snprintf(name, sizeof(name), "t%d", k);
		r = event_log_find(&log, name);
		EXPECT_EQ(EVENT_LOG_MIN_PER_TARGET, r->cap);
		EXPECT_TRUE(holds(r, 100 * k + 10 - EVENT_LOG_MIN_PER_TARGET, 100 * k + 9))
			TH_LOG("%s", name);
	}
	/* A forgotten ring gives its room back. */
	before = log.records;
	event_log_forget(&log, "flappy");
	EXPECT_EQ(before - 16, log.records);
	event_log_free(&log);
	EXPECT_EQ(0, log.records);
}

TEST(a_record_reads_as_the_line_logged)
{
	struct event_log log = { 0 };
	struct vevent ev = {
		.time_ms = 7,
		.type = VEVENT_STATE_CHANGE,
		.level = VLEVEL_CRITICAL,
		.target = "voice1",
		.prefix = "192.0.2.0/24",
		.old_state = VSTATE_VERIFIED,
		.new_state = VSTATE_FAILED,
	};
	const struct event_ring *r;
	char line[sizeof(ev.text)];

	vevent_format(&ev, ev.text, sizeof(ev.text));
	EXPECT_STREQ("PrefixValidationStateChangeEvent Critical voice1 192.0.2.0/24: "
		     "Verified -> Failed", ev.text);
	ASSERT_EQ(0, event_log_add(&log, &ev));
	ASSERT_EQ(0, add(&log, "voice1", 8));
	r = event_log_find(&log, "voice1");
	EXPECT_STREQ(ev.text, event_record_format(r, event_ring_at(r, 0), line, sizeof(line)));
	EXPECT_STREQ("PrefixWithdrawalEvent Warning voice1 192.0.2.0/24: withdrawn by 10.0.0.2",
		     event_record_format(r, event_ring_at(r, 1), line, sizeof(line)));
	event_log_free(&log);
}

TEST(forget_drops_a_deleted_target)
{
	struct event_log log = { 0 };

	ASSERT_EQ(0, add(&log, "a", 1));
	ASSERT_EQ(0, add(&log, "b", 2));
	ASSERT_EQ(0, add(&log, "c", 3));
	event_log_forget(&log, "a");
	event_log_forget(&log, "nosuch");
	EXPECT_EQ(NULL, event_log_find(&log, "a"));
	EXPECT_EQ(1, event_log_find(&log, "b")->count);
	/* "c" took the place of "a": forgetting it must still find it. */
	event_log_forget(&log, "c");
	EXPECT_EQ(NULL, event_log_find(&log, "c"));
	EXPECT_EQ(1, log.nrings);
	EXPECT_EQ(event_log_find(&log, "b"), log.rings[0]);
	ASSERT_EQ(0, add(&log, "a", 4));
	EXPECT_EQ(1, event_log_find(&log, "a")->count);
	EXPECT_EQ(4, event_ring_at(event_log_find(&log, "a"), 0)->time_ms);
	event_log_free(&log);
}

TEST_HARNESS_MAIN
