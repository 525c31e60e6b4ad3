// SPDX-License-Identifier: GPL-2.0
/*
 * agent/prom_text.c: the exposition lines and their escaping; and
 * metrics_listen_parse(), what --metrics accepts.
 */
#include <arpa/inet.h>

#include "kselftest_harness.h"

#include "metrics_export.h"
#include "prom_text.h"

/* Runs the writes of BODY on a memory stream and leaves the text in buf. */
#define RENDER(buf, BODY)							\
	do {									\
		size_t len_;							\
		FILE *out = open_memstream(&(buf), &len_);			\
		ASSERT_NE(NULL, out);						\
		BODY;								\
		fclose(out);							\
	} while (0)

TEST(family_lines)
{
	char *buf = NULL;

	RENDER(buf, prom_family(out, "peeredge_x_total", "counter", "Things, \\ and\nmore."));
	EXPECT_STREQ("# HELP peeredge_x_total Things, \\\\ and\\nmore.\n"
		     "# TYPE peeredge_x_total counter\n", buf);
	free(buf);
}

TEST(sample_without_labels)
{
	char *buf = NULL;

	RENDER(buf, prom_sample(out, "peeredge_up", 1, NULL));
	EXPECT_STREQ("peeredge_up 1\n", buf);
	free(buf);
}

TEST(label_values_escaped)
{
	char *buf = NULL;

	RENDER(buf, prom_sample(out, "m", 0.25, "a", "x\"y\\z\nw", "b", NULL, NULL));
	EXPECT_STREQ("m{a=\"x\\\"y\\\\z\\nw\",b=\"\"} 0.25\n", buf);
	free(buf);
}

TEST(large_counter_exact)
{
	char *buf = NULL;

	RENDER(buf, prom_sample(out, "m", 123456789012345.0, NULL));
	EXPECT_STREQ("m 123456789012345\n", buf);
	free(buf);
}

TEST(state_set_one_current)
{
	static const char *const states[] = { "Down", "Up" };
	char *buf = NULL;

	RENDER(buf, prom_state_set(out, "s", states, 2, 1, "peer", "10.0.0.1", NULL));
	EXPECT_STREQ("s{peer=\"10.0.0.1\",state=\"Down\"} 0\n"
		     "s{peer=\"10.0.0.1\",state=\"Up\"} 1\n", buf);
	free(buf);
}

static int parse(const char *text, struct sockaddr_storage *ss)
{
	char err[256];
	socklen_t len;

	return metrics_listen_parse(text, ss, &len, err, sizeof(err));
}

TEST(listen_port_alone_is_loopback)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

	ASSERT_EQ(0, parse("10179", &ss));
	EXPECT_EQ(AF_INET, sin->sin_family);
	EXPECT_EQ(htonl(INADDR_LOOPBACK), sin->sin_addr.s_addr);
	EXPECT_EQ(10179, ntohs(sin->sin_port));
}

TEST(listen_addresses)
{
	struct sockaddr_storage ss;

	ASSERT_EQ(0, parse("0.0.0.0:9000", &ss));
	EXPECT_EQ(AF_INET, ss.ss_family);
	ASSERT_EQ(0, parse("[::1]:9000", &ss));
	EXPECT_EQ(AF_INET6, ss.ss_family);
	EXPECT_EQ(9000, ntohs(((struct sockaddr_in6 *)&ss)->sin6_port));
}

TEST(listen_refused)
{
	static const char *const bad[] = {
		"", "0", "65536", "-1", "+80", " 80", "80x", "1.2.3:80", "1.2.3.4:", ":80",
		"::1:80", "[::1]", "[::1]:", "[1.2.3.4]:80x", "host:80", "[]:80",
	};
	struct sockaddr_storage ss;

	for (size_t n = 0; n < sizeof(bad) / sizeof(bad[0]); n++) {
		const char *text = bad[n];

		EXPECT_EQ(-1, parse(text, &ss)) TH_LOG("'%s' was accepted", text);
	}
}

TEST_HARNESS_MAIN
