// SPDX-License-Identifier: GPL-2.0
/* agent/log_limit.c: the budget, the count held beyond it, the windows. */
#include "kselftest_harness.h"

#include "log_limit.h"

TEST(budget_then_held_then_reported_once)
{
	struct log_limit l;
	unsigned int i, logged = 0;

	log_limit_init(&l, 3, 1000);
	for (i = 0; i < 10; i++)
		logged += log_limit_take(&l, 100 + i);
	EXPECT_EQ(3, logged);
	EXPECT_EQ(0, log_limit_end(&l, 999));	/* the window is not over */
	EXPECT_EQ(891, log_limit_due_in(&l, 109));
	EXPECT_EQ(0, log_limit_due_in(&l, 1500));
	EXPECT_EQ(7, log_limit_end(&l, 1500));
	EXPECT_EQ(-1, log_limit_due_in(&l, 1500));
	/* The next window has its own budget, from when the last one ended. */
	EXPECT_TRUE(log_limit_take(&l, 1600));
	EXPECT_TRUE(log_limit_take(&l, 1600));
	EXPECT_TRUE(log_limit_take(&l, 1600));
	EXPECT_FALSE(log_limit_take(&l, 1600));
	EXPECT_EQ(0, log_limit_end(&l, 2499));
	EXPECT_EQ(1, log_limit_end(&l, 2500));
	EXPECT_EQ(0, log_limit_end(&l, 3600));	/* said once */
}

TEST(quiet_windows_roll_without_a_report)
{
	struct log_limit l;
	int64_t t;

	log_limit_init(&l, 2, 1000);
	/* Two lines a second, for a minute: each may be logged. */
	for (t = 0; t < 60000; t += 500)
		ASSERT_TRUE(log_limit_take(&l, t)) TH_LOG("at %lld ms", (long long)t);
	EXPECT_EQ(0, log_limit_end(&l, 61000));
	EXPECT_EQ(-1, log_limit_due_in(&l, 61000));
}

TEST(held_lines_keep_the_window_open_until_reported)
{
	struct log_limit l;

	log_limit_init(&l, 1, 1000);
	EXPECT_TRUE(log_limit_take(&l, 0));
	EXPECT_FALSE(log_limit_take(&l, 10));
	/* Late, and no report yet: still held, not lost in a new window. */
	EXPECT_FALSE(log_limit_take(&l, 5000));
	EXPECT_EQ(2, log_limit_end(&l, 5000));
	EXPECT_TRUE(log_limit_take(&l, 5001));
}

TEST_HARNESS_MAIN
