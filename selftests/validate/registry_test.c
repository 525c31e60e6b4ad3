// SPDX-License-Identifier: GPL-2.0
/* RPSL route-object reading and the registry index. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "registry.h"

static struct prefix P(const char *s)
{
	struct prefix p;

	if (prefix_parse(s, &p) < 0) {
		fprintf(stderr, "test setup: bad prefix %s\n", s);
		abort();
	}
	return p;
}

/* A registry from RPSL text; stats in *st. */
static struct registry *load_text(const char *text, struct registry_stats *st)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct registry *reg = registry_new();

	memset(st, 0, sizeof(*st));
	if (!f || !reg || registry_add_stream(reg, f, st) < 0)
		abort();
	fclose(f);
	return reg;
}

static bool has(const struct registry *reg, const char *pfx, uint32_t origin)
{
	struct prefix p = P(pfx);

	return registry_has_route(reg, &p, origin, REGISTRY_EXACT);
}

static const char good_rpsl[] =
	"% whois-style banner\n"
	"# and an RPSL comment\n"
	"\n"
	"route:          80.80.80.0/24\n"
	"descr:          SBCs\n"
	"                second descr line\n"
	"+               third descr line\n"
	"origin:         AS13335\n"
	"mnt-by:         MAINT-EXAMPLE\n"
	"source:         RIPE\n"
	"\n"
	"ROUTE:          80.80.0.0/16 # trailing comment\n"
	"Origin:         as3356\n"
	"\n"
	"\n"
	"route6:         2a00:1450::/32\n"
	"# a comment inside an object does not end it\n"
	"origin:\n"
	"                AS15169\n"
	"\r\n"
	"aut-num:        AS13335\n"
	"as-name:        EXAMPLE\n"
	"origin:         AS1\n"
	"\n"
	"route:          80.80.80.0/24\n"
	"origin:         AS3356\n"
	"\n"
	"route:          80.80.80.0/24\n"
	"origin:         AS13335\n";	/* duplicate, no final blank line */

TEST(good_objects)
{
	struct registry_stats st;
	struct registry *reg = load_text(good_rpsl, &st);

	EXPECT_EQ(6, st.objects);
	EXPECT_EQ(5, st.routes);
	EXPECT_EQ(0, st.skipped);
	EXPECT_EQ(0, st.first_error_line);
	EXPECT_EQ(4, registry_size(reg));	/* the duplicate counts once */
	EXPECT_TRUE(has(reg, "80.80.80.0/24", 13335));
	EXPECT_TRUE(has(reg, "80.80.80.0/24", 3356));	/* two origins, two objects */
	EXPECT_TRUE(has(reg, "80.80.0.0/16", 3356));
	EXPECT_TRUE(has(reg, "2a00:1450::/32", 15169));
	EXPECT_FALSE(has(reg, "80.80.80.0/24", 15169));
	EXPECT_FALSE(has(reg, "80.80.80.0/25", 13335));	/* exact match only */
	EXPECT_FALSE(has(reg, "80.80.0.0/16", 13335));
	EXPECT_FALSE(has(reg, "80.80.81.0/24", 3356));
	EXPECT_FALSE(has(reg, "2a00:1450::/48", 15169));
	registry_free(reg);
}

TEST(covering_match)
{
	struct registry_stats st;
	struct registry *reg = load_text(good_rpsl, &st);
	struct prefix sub = P("80.80.81.128/25"), v6sub = P("2a00:1450:4001::/48"),
		      outside = P("80.81.0.0/24");

	EXPECT_FALSE(registry_has_route(reg, &sub, 3356, REGISTRY_EXACT));
	EXPECT_TRUE(registry_has_route(reg, &sub, 3356, REGISTRY_COVERING));	/* 80.80/16 */
	EXPECT_FALSE(registry_has_route(reg, &sub, 13335, REGISTRY_COVERING));
	EXPECT_TRUE(registry_has_route(reg, &v6sub, 15169, REGISTRY_COVERING));
	EXPECT_FALSE(registry_has_route(reg, &outside, 3356, REGISTRY_COVERING));
	registry_free(reg);
}

TEST(malformed_objects_are_skipped)
{
	static const struct {
		const char *object;
		const char *error;
		unsigned long line;	/* the bad line, else the object's first */
	} bad[] = {
		{ "route: 81.0.0.0/24\ndescr: no origin\n", "route object needs exactly one origin", 4 },
		{ "route: 81.0.1.0/24\norigin: AS1\norigin: AS2\n",
		  "route object needs exactly one origin", 4 },
		{ "route: 81.0.2.1/24\norigin: AS1\n", "bad route prefix", 4 },
		{ "route: 2a00::/32\norigin: AS1\n", "bad route prefix", 4 },
		{ "route6: 81.0.3.0/24\norigin: AS1\n", "bad route prefix", 4 },
		{ "route: 81.0.4.0/24\norigin: 1\n", "bad origin ASN", 4 },
		{ "route: 81.0.5.0/24\norigin: ASX\n", "bad origin ASN", 4 },
		{ "route: 81.0.6.0/24\norigin: AS4294967296\n", "bad origin ASN", 4 },
		{ "route: 81.0.7.0/24\nthis line has no colon\norigin: AS1\n",
		  "not an attribute, continuation or comment", 5 },
		{ "route: 81.0.8.0/24\n: AS1\norigin: AS1\n",
		  "not an attribute, continuation or comment", 5 },
		{ " continuation first\nroute: 81.0.9.0/24\norigin: AS1\n",
		  "continuation outside an attribute", 4 },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[512];
		struct registry_stats st;
		struct registry *reg;

		/* A good object on lines 1-2, the bad one from line 4. */
		snprintf(text, sizeof(text), "route: 80.80.80.0/24\norigin: AS13335\n\n%s",
			 bad[i].object);
		reg = load_text(text, &st);
		EXPECT_EQ(2, st.objects) TH_LOG("case %zu", i);
		EXPECT_EQ(1, st.routes) TH_LOG("case %zu", i);
		EXPECT_EQ(1, st.skipped) TH_LOG("case %zu", i);
		EXPECT_EQ(bad[i].line, st.first_error_line) TH_LOG("case %zu", i);
		EXPECT_STREQ(bad[i].error, st.first_error);
		EXPECT_TRUE(has(reg, "80.80.80.0/24", 13335));
		EXPECT_EQ(1, registry_size(reg));
		registry_free(reg);
	}
}

TEST(overlong_value)
{
	char text[1024];
	struct registry_stats st;
	struct registry *reg;
	int n = snprintf(text, sizeof(text), "route: 80.80.80.0/24\norigin: AS1");

	memset(text + n, ' ', 300);
	strcpy(text + n + 300, "x\n");
	reg = load_text(text, &st);
	EXPECT_EQ(1, st.skipped);
	EXPECT_STREQ("attribute value too long", st.first_error);
	EXPECT_EQ(0, registry_size(reg));
	registry_free(reg);
}

TEST(missing_file)
{
	struct registry_stats st = { 0 };
	struct registry *reg = registry_new();

	EXPECT_EQ(-ENOENT, registry_add_file(reg, "/nonexistent/peeredge.db", &st));
	registry_free(reg);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

#define SYNTHETIC_OBJECTS 100000

/* Object i: 20+i/65536 . i/256 . i%256 .0/24, origin AS(131072 + i). */
static void synthetic_prefix(unsigned int i, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.0/24", 20 + i / 65536, (i / 256) % 256, i % 256);
}

TEST(synthetic_100k)
{
	char path[] = "/tmp/peeredge-registry-XXXXXX", pfx[32];
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct registry_stats st = { 0 };
	struct registry *reg = registry_new();
	struct timespec t0;
	double load_s, lookup_s;

	ASSERT_NE(NULL, f);
	for (unsigned int i = 0; i < SYNTHETIC_OBJECTS; i++) {
		synthetic_prefix(i, pfx, sizeof(pfx));
		fprintf(f, "route:      %s\ndescr:      synthetic %u\norigin:     AS%u\n"
			   "mnt-by:     MAINT-TEST\nsource:     TEST\n\n",
			pfx, i, 131072 + i);
	}
	ASSERT_EQ(0, fclose(f));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	ASSERT_EQ(0, registry_add_file(reg, path, &st));
	load_s = seconds_since(&t0);
	unlink(path);
	EXPECT_EQ(SYNTHETIC_OBJECTS, st.routes);
	EXPECT_EQ(SYNTHETIC_OBJECTS, registry_size(reg));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned int i = 0; i < SYNTHETIC_OBJECTS; i++) {
		struct prefix p;

		synthetic_prefix(i, pfx, sizeof(pfx));
		ASSERT_EQ(0, prefix_parse(pfx, &p));
		ASSERT_TRUE(registry_has_route(reg, &p, 131072 + i, REGISTRY_EXACT));
		ASSERT_FALSE(registry_has_route(reg, &p, 131071 - i, REGISTRY_EXACT));
	}
	lookup_s = seconds_since(&t0);
	TH_LOG("%d objects: load %.3f s, %d lookups %.3f s (ASan build)", SYNTHETIC_OBJECTS,
	       load_s, 2 * SYNTHETIC_OBJECTS, lookup_s);
	/* Generous for ASan on a slow machine; a list would take minutes. */
	EXPECT_LT(load_s, 10.0);
	EXPECT_LT(lookup_s, 10.0);
	registry_free(reg);
}

TEST_HARNESS_MAIN
