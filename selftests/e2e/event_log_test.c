// SPDX-License-Identifier: GPL-2.0
/* Validation events kept per prefix: bounded, oldest first, forgettable. */
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

	snprintf(ev.text, sizeof(ev.text), "%s at %lld", target, (long long)t);
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
