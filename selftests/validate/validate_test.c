// SPDX-License-Identifier: GPL-2.0
/*
 * The validation engine: every check passing and failing with its exact
 * message, the states (Warning rules included), events, incremental runs.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kselftest_harness.h"

#include "peering.h"
#include "registry.h"
#include "validate.h"

/* ---- a route table standing in for the BGP side ---- */

#define MAX_ROUTES 64
#define MAX_SEGMENTS 8
#define MAX_SEGMENT_ASNS 16

struct test_route {
	char ip[INET6_ADDRSTRLEN];
	struct prefix pfx;
	struct rx_route route;
	struct as_segment segments[MAX_SEGMENTS];
	uint32_t asns[MAX_SEGMENTS][MAX_SEGMENT_ASNS];
	uint32_t communities[8];
};

struct rx_table {
	struct test_route routes[MAX_ROUTES];
	size_t n;
};

static struct prefix P(const char *s)
{
	struct prefix p;

	if (prefix_parse(s, &p) < 0) {
		fprintf(stderr, "test setup: bad prefix %s\n", s);
		abort();
	}
	return p;
}

static const struct rx_route *rx_lookup(void *ctx, const struct connection *conn,
					const struct prefix *pfx)
{
	struct rx_table *t = ctx;

	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->routes[i].ip, conn->neighbor) == 0 &&
		    prefix_equal(&t->routes[i].pfx, pfx))
			return &t->routes[i].route;
	return NULL;
}

static struct test_route *rx_find(struct rx_table *t, const char *ip, const struct prefix *p)
{
	for (size_t i = 0; i < t->n; i++)
		if (strcmp(t->routes[i].ip, ip) == 0 && prefix_equal(&t->routes[i].pfx, p))
			return &t->routes[i];
	return NULL;
}

/*
 * path: ASNs in AS_SEQUENCE order, "{a b}" an AS_SET, "|" starts a new
 * sequence segment. communities: "asn:value" words.
 */
static void announce(struct rx_table *t, const char *ip, const char *pfx, const char *path,
		     const char *communities)
{
	struct prefix p = P(pfx);
	struct test_route *r = rx_find(t, ip, &p);
	struct as_segment *seg = NULL;
	const char *c = path;

	if (!r) {
		if (t->n == MAX_ROUTES)
			abort();
		r = &t->routes[t->n++];
	}
	memset(r, 0, sizeof(*r));
	snprintf(r->ip, sizeof(r->ip), "%s", ip);
	r->pfx = p;
	r->route.segments = r->segments;
	r->route.communities = r->communities;
	while (*c) {
		char *end;

		if (*c == ' ') {
			c++;
		} else if (*c == '{' || *c == '|' || *c == '}') {
			/* A set, or a forced new sequence, opens a segment. */
			seg = NULL;
			if (*c == '{') {
				seg = &r->segments[r->route.nsegments];
				seg->asns = r->asns[r->route.nsegments++];
				seg->type = AS_SEGMENT_SET;
			}
			c++;
		} else {
			unsigned long asn = strtoul(c, &end, 10);

			if (!seg) {
				seg = &r->segments[r->route.nsegments];
				seg->asns = r->asns[r->route.nsegments++];
				seg->type = AS_SEGMENT_SEQUENCE;
			}
			r->asns[seg - r->segments][seg->len++] = (uint32_t)asn;
			c = end;
		}
	}
	for (c = communities; *c;) {
		char *end;
		unsigned long hi = strtoul(c, &end, 10), lo = strtoul(end + 1, &end, 10);

		r->communities[r->route.ncommunities++] = (uint32_t)(hi << 16 | lo);
		c = end + strspn(end, " ");
	}
}

static void withdraw(struct rx_table *t, const char *ip, const char *pfx)
{
	struct prefix p = P(pfx);
	struct test_route *r = rx_find(t, ip, &p);

	if (r)
		*r = t->routes[--t->n];
}

/* ---- events and messages as strings ---- */

struct event_log {
	struct {
		enum vevent_type type;
		enum vlevel level;
		char target[PE_NAME_MAX];
		char text[192];
		uint32_t old_origin, new_origin;
		enum vstate new_state;
	} ev[128];
	size_t n;
	size_t overflow;	/* events beyond ev[], counted only */
};

static void capture(void *ctx, const struct vevent *e)
{
	struct event_log *log = ctx;

	if (log->n == sizeof(log->ev) / sizeof(log->ev[0])) {
		log->overflow++;
		return;
	}
	log->ev[log->n].type = e->type;
	log->ev[log->n].level = e->level;
	snprintf(log->ev[log->n].target, PE_NAME_MAX, "%s", e->target);
	memcpy(log->ev[log->n].text, e->text, sizeof(e->text));
	log->ev[log->n].old_origin = e->old_origin;
	log->ev[log->n].new_origin = e->new_origin;
	log->ev[log->n].new_state = e->new_state;
	log->n++;
}

/* How many events of that type, level and target were logged. */
static size_t count_events(const struct event_log *log, const char *target,
			   enum vevent_type type, enum vlevel level)
{
	size_t n = 0;

	for (size_t i = 0; i < log->n; i++)
		n += strcmp(log->ev[i].target, target) == 0 && log->ev[i].type == type &&
		     log->ev[i].level == level;
	return n;
}

struct messages {
	char text[16][256];
	size_t n;
};

static void collect(void *ctx, const char *msg)
{
	struct messages *m = ctx;

	if (m->n < 16)
		snprintf(m->text[m->n++], sizeof(m->text[0]), "%s", msg);
}

/* Compares r's messages with a NULL-terminated list; logs the first mismatch. */
static bool messages_are(const struct vresult *r, const char *prefix_text,
			 const char *const *expected)
{
	struct messages m = { .n = 0 };
	size_t n = vresult_messages(r, prefix_text, collect, &m), want = 0;

	while (expected[want])
		want++;
	if (n != m.n || n != want) {
		fprintf(stderr, "# %zu messages, expected %zu:\n", n, want);
		for (size_t i = 0; i < m.n; i++)
			fprintf(stderr, "#   %s\n", m.text[i]);
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(m.text[i], expected[i]) != 0) {
			fprintf(stderr, "# got \"%s\"\n# want \"%s\"\n", m.text[i], expected[i]);
			return false;
		}
	}
	return true;
}

/* The operator's wording, verbatim from DESIGN.md. */
#define M_INVALID "Peering service prefix is invalid"
#define M_PRIVATE_RANGE "Prefix is in a private range"
#define M_ORIGIN "Origin ASN is not registered in a routing registry"
#define M_KEY "Prefix key does not match the registered prefix"
#define M_PRIMARY "Provider has fewer than two sessions in its primary location"
#define M_BACKUP "Provider has no sessions in its backup location"
#define M_NOT_RX(ip, pfx) "Not receiving prefix advertisement from IP " ip " for prefix " pfx
#define M_COMMUNITY "Received route for prefix should have the Peering Service community 8075:8007"
#define M_PATH_LENGTH "AS path length for prefix should be <=3 for prefix"
#define M_PRIVATE_ASN "AS path for prefix can't include private ASNs"
#define M_PREPENDING "AS path for prefix can't include AS prepending"

#define PFX "80.80.80.0/24"
#define AMS1 "198.51.100.1"
#define AMS2 "198.51.100.5"
#define FRA1 "198.51.100.9"
#define GRACE_MS 1000
#define LATER_MS 10000		/* well past the grace period */
#define SC "8075:8007"

static const char irr_text[] =
	"route: 80.80.80.0/24\norigin: AS13335\n\n"
	"route: 80.80.80.0/24\norigin: AS3356\n\n"
	"route: 80.80.0.0/16\norigin: AS3356\n\n"
	"route: 81.0.0.0/24\norigin: AS3320\n\n"
	"route: 100.64.1.0/24\norigin: AS13335\n";

static struct registry *registry_of(const char *text)
{
	FILE *f = fmemopen((void *)text, strlen(text), "r");
	struct registry *reg = registry_new();
	struct registry_stats st = { 0 };

	if (!f || !reg || registry_add_stream(reg, f, &st) < 0 || st.skipped)
		abort();
	fclose(f);
	return reg;
}

FIXTURE(engine) {
	struct peering_db *db;
	struct peering *voice;
	struct connection *ams1, *ams2, *fra1;
	struct registered_prefix *reg;
	struct service_prefix *svc;
	struct registry *irr;
	struct rx_table rx;
	struct event_log log;
	struct validator *v;
	const char *why;
};

static struct connection *add_active(struct peering_db *db, struct peering *p,
				     const char *name, const char *ip, const char *location,
				     const char *router)
{
	struct connection *c;
	const char *why;

	if (pdb_add_connection(db, p, name, ip, location, router, &c, &why) < 0)
		abort();
	c->state = CONN_ACTIVE;
	return c;
}

static void announce_everywhere(struct rx_table *rx, const char *pfx, const char *path,
				const char *communities)
{
	announce(rx, AMS1, pfx, path, communities);
	announce(rx, AMS2, pfx, path, communities);
	announce(rx, FRA1, pfx, path, communities);
}

/* A service prefix under the registration's key. */
static struct service_prefix *activate(struct peering_db *db, const char *name,
				       const char *pfx, const struct prefix_key *key,
				       const char *primary, const char *backup)
{
	char key_text[PREFIX_KEY_STRLEN];
	struct service_prefix *sp;
	const char *why;

	if (pdb_add_service_prefix(db, name, pfx, prefix_key_format(key, key_text), primary,
				   backup, 0, &sp, &why) < 0)
		abort();
	return sp;
}

FIXTURE_SETUP(engine)
{
	struct rx_source src = { rx_lookup, &self->rx };

	self->db = pdb_new();
	ASSERT_EQ(0, pdb_add_peering(self->db, "contoso", 13335, PEERING_VOICE, &self->voice,
				     &self->why));
	self->ams1 = add_active(self->db, self->voice, "ams1", AMS1, "Amsterdam", "r1");
	self->ams2 = add_active(self->db, self->voice, "ams2", AMS2, "Amsterdam", "r2");
	self->fra1 = add_active(self->db, self->voice, "fra1", FRA1, "Frankfurt", "r3");
	ASSERT_EQ(0, pdb_register_prefix(self->db, self->voice, "sbc", PFX, 0, &self->reg,
					 &self->why));
	self->svc = activate(self->db, "sbc-svc", PFX, &self->reg->key, "Amsterdam", "Frankfurt");
	self->irr = registry_of(irr_text);
	self->v = validator_new(self->db, &src, capture, &self->log);
	ASSERT_NE(NULL, self->v);
	validator_set_registry(self->v, self->irr);
	validator_set_pending_grace(self->v, GRACE_MS);
}

FIXTURE_TEARDOWN(engine)
{
	validator_free(self->v);
	registry_free(self->irr);
	pdb_free(self->db);
}

TEST_F(engine, route_checks)
{
	static const struct {
		const char *path, *communities;
		enum vstate state;
		const char *messages[6];
	} cases[] = {
		{ "13335", SC, VSTATE_VERIFIED, { NULL } },
		{ "3356 1299 13335", SC, VSTATE_VERIFIED, { NULL } },	/* length 3 */
		{ "13335 3356 13335", SC, VSTATE_VERIFIED, { NULL } },	/* a loop, not prepending */
		{ "13335", "3356:100 " SC " 65000:1", VSTATE_VERIFIED, { NULL } },
		{ "3356 1299 174 13335", SC, VSTATE_FAILED, { M_PATH_LENGTH, NULL } },
		{ "3356 {13335 174}", SC, VSTATE_FAILED, { M_ORIGIN, NULL } },	/* set origin */
		{ "3356 1299 {13335 174}", SC, VSTATE_FAILED, { M_ORIGIN, NULL } },	/* set = 1 */
		{ "3356 1299 174 {13335}", SC, VSTATE_FAILED, { M_ORIGIN, M_PATH_LENGTH, NULL } },
		{ "3356 174", SC, VSTATE_FAILED, { M_ORIGIN, NULL } },	/* AS174 not registered */
		{ "", SC, VSTATE_FAILED, { M_ORIGIN, NULL } },		/* no origin at all */
		{ "64512 13335", SC, VSTATE_FAILED, { M_PRIVATE_ASN, NULL } },
		{ "65534 13335", SC, VSTATE_FAILED, { M_PRIVATE_ASN, NULL } },
		{ "4200000000 13335", SC, VSTATE_FAILED, { M_PRIVATE_ASN, NULL } },
		{ "4294967294 13335", SC, VSTATE_FAILED, { M_PRIVATE_ASN, NULL } },
		{ "{4294967294} 13335", SC, VSTATE_FAILED, { M_PRIVATE_ASN, NULL } },
		{ "{174 64513} 13335", SC, VSTATE_FAILED, { M_PRIVATE_ASN, NULL } },
		{ "0 13335", SC, VSTATE_FAILED, { M_PRIVATE_ASN, NULL } },
		{ "23456 13335", SC, VSTATE_FAILED, { M_PRIVATE_ASN, NULL } },
		{ "64496 13335", SC, VSTATE_FAILED, { M_PRIVATE_ASN, NULL } },
		{ "65535 13335", SC, VSTATE_FAILED, { M_PRIVATE_ASN, NULL } },
		{ "65551 13335", SC, VSTATE_FAILED, { M_PRIVATE_ASN, NULL } },
		{ "65552 13335", SC, VSTATE_FAILED, { M_PRIVATE_ASN, NULL } },
		{ "4294967295 13335", SC, VSTATE_FAILED, { M_PRIVATE_ASN, NULL } },
		{ "3356 64512", SC, VSTATE_FAILED, { M_ORIGIN, M_PRIVATE_ASN, NULL } },
		{ "13335 13335", SC, VSTATE_FAILED, { M_PREPENDING, NULL } },
		{ "3356 13335 13335", SC, VSTATE_FAILED, { M_PREPENDING, NULL } },
		{ "3356 | 3356 13335", SC, VSTATE_FAILED, { M_PREPENDING, NULL } },
		{ "3356 {3356} 13335", SC, VSTATE_VERIFIED, { NULL } },	/* set between */
		{ "13335", "", VSTATE_FAILED, { M_COMMUNITY, NULL } },
		{ "13335", "8075:8008 3356:8007 8007:8075", VSTATE_FAILED, { M_COMMUNITY, NULL } },
		{ "64512 64512 3356 1299 {13335}", "", VSTATE_FAILED,
		  { M_ORIGIN, M_COMMUNITY, M_PATH_LENGTH, M_PRIVATE_ASN, M_PREPENDING, NULL } },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		announce_everywhere(&self->rx, PFX, cases[i].path, cases[i].communities);
		validator_run_all(self->v, LATER_MS);
		EXPECT_EQ(cases[i].state, self->svc->result.state)
			TH_LOG("case %zu: %s", i, cases[i].path);
		EXPECT_TRUE(messages_are(&self->svc->result, PFX, cases[i].messages))
			TH_LOG("case %zu: %s", i, cases[i].path);
		/* The registered prefix goes through the same route checks. */
		EXPECT_EQ(cases[i].state, self->reg->result.state) TH_LOG("case %zu", i);
		EXPECT_TRUE(messages_are(&self->reg->result, PFX, cases[i].messages))
			TH_LOG("case %zu: %s", i, cases[i].path);
	}
}

TEST_F(engine, not_receiving_names_each_session)
{
	static const char *const svc_messages[] = {
		M_NOT_RX(AMS2, PFX), M_NOT_RX(FRA1, PFX), NULL
	};

	announce(&self->rx, AMS1, PFX, "13335", SC);
	validator_run_all(self->v, LATER_MS);
	EXPECT_EQ(VSTATE_FAILED, self->svc->result.state);
	EXPECT_TRUE(messages_are(&self->svc->result, PFX, svc_messages));
	/* A registered prefix needs every Active connection of the peering. */
	EXPECT_EQ(VSTATE_FAILED, self->reg->result.state);
	EXPECT_TRUE(messages_are(&self->reg->result, PFX, svc_messages));
	EXPECT_EQ(3, self->svc->result.nsessions);
	EXPECT_EQ(13335, self->svc->result.origin);
}

TEST_F(engine, pending_during_grace_then_failed)
{
	static const char *const silent[] = {
		M_NOT_RX(AMS1, PFX), M_NOT_RX(AMS2, PFX), M_NOT_RX(FRA1, PFX), NULL
	};

	validator_run_all(self->v, GRACE_MS / 2);
	EXPECT_EQ(VSTATE_PENDING, self->svc->result.state);
	EXPECT_TRUE(messages_are(&self->svc->result, PFX, silent));
	validator_run_all(self->v, GRACE_MS);
	EXPECT_EQ(VSTATE_FAILED, self->svc->result.state);
	EXPECT_EQ(1, count_events(&self->log, "sbc-svc", VEVENT_STATE_CHANGE, VLEVEL_ERROR));
	announce_everywhere(&self->rx, PFX, "13335", SC);
	validator_run_all(self->v, GRACE_MS + 1);
	EXPECT_EQ(VSTATE_VERIFIED, self->svc->result.state);

	/* Once decided, a prefix never goes back to Pending. */
	withdraw(&self->rx, AMS1, PFX);
	withdraw(&self->rx, AMS2, PFX);
	withdraw(&self->rx, FRA1, PFX);
	self->svc->created_ms = LATER_MS;
	validator_run_all(self->v, LATER_MS);
	EXPECT_EQ(VSTATE_FAILED, self->svc->result.state);
}

TEST_F(engine, warning_when_a_verified_prefix_loses_redundancy)
{
	static const char *const lost_ams2[] = { M_NOT_RX(AMS2, PFX), NULL };
	static const char *const only_backup[] = {
		M_NOT_RX(AMS1, PFX), M_NOT_RX(AMS2, PFX), NULL
	};

	announce_everywhere(&self->rx, PFX, "13335", SC);
	validator_run_all(self->v, LATER_MS);
	ASSERT_EQ(VSTATE_VERIFIED, self->svc->result.state);
	EXPECT_EQ(3, count_events(&self->log, "sbc-svc", VEVENT_ANNOUNCEMENT, VLEVEL_INFORMATION) +
		     count_events(&self->log, "sbc-svc", VEVENT_BACKUP_ANNOUNCEMENT,
				  VLEVEL_INFORMATION));
	EXPECT_EQ(1, count_events(&self->log, "sbc-svc", VEVENT_BACKUP_ANNOUNCEMENT,
				  VLEVEL_INFORMATION));

	/* One of two primary sessions goes: Warning, not Failed. */
	self->log.n = 0;
	withdraw(&self->rx, AMS2, PFX);
	validator_run_all(self->v, LATER_MS + 1);
	EXPECT_EQ(VSTATE_WARNING, self->svc->result.state);
	EXPECT_TRUE(messages_are(&self->svc->result, PFX, lost_ams2));
	EXPECT_EQ(VSTATE_WARNING, self->reg->result.state);
	EXPECT_EQ(1, count_events(&self->log, "sbc-svc", VEVENT_WITHDRAWAL, VLEVEL_WARNING));
	EXPECT_EQ(1, count_events(&self->log, "sbc-svc", VEVENT_STATE_CHANGE, VLEVEL_WARNING));
	EXPECT_TRUE(vstate_installable(self->svc->result.state));

	/* Only the backup location carries it: still Warning. */
	withdraw(&self->rx, AMS1, PFX);
	validator_run_all(self->v, LATER_MS + 2);
	EXPECT_EQ(VSTATE_WARNING, self->svc->result.state);
	EXPECT_TRUE(messages_are(&self->svc->result, PFX, only_backup));

	/* The last session goes: Failed, and Critical events. */
	self->log.n = 0;
	withdraw(&self->rx, FRA1, PFX);
	validator_run_all(self->v, LATER_MS + 3);
	EXPECT_EQ(VSTATE_FAILED, self->svc->result.state);
	EXPECT_FALSE(vstate_installable(self->svc->result.state));
	EXPECT_EQ(1, count_events(&self->log, "sbc-svc", VEVENT_BACKUP_WITHDRAWAL,
				  VLEVEL_CRITICAL));
	EXPECT_EQ(1, count_events(&self->log, "sbc-svc", VEVENT_STATE_CHANGE, VLEVEL_CRITICAL));

	/* Fixed: back to Verified, announcements logged. */
	self->log.n = 0;
	announce_everywhere(&self->rx, PFX, "13335", SC);
	validator_run_all(self->v, LATER_MS + 4);
	EXPECT_EQ(VSTATE_VERIFIED, self->svc->result.state);
	EXPECT_EQ(2, count_events(&self->log, "sbc-svc", VEVENT_ANNOUNCEMENT, VLEVEL_INFORMATION));
	EXPECT_EQ(1, count_events(&self->log, "sbc-svc", VEVENT_STATE_CHANGE, VLEVEL_INFORMATION));
}

TEST_F(engine, connection_leaving_active_is_a_warning)
{
	static const char *const expected[] = { M_PRIMARY, M_NOT_RX(AMS2, PFX), NULL };

	announce_everywhere(&self->rx, PFX, "13335", SC);
	validator_run_all(self->v, LATER_MS);
	ASSERT_EQ(VSTATE_VERIFIED, self->svc->result.state);
	self->log.n = 0;
	/* Its BGP session may still be up (BFD is not): its routes do not count. */
	self->ams2->state = CONN_VALIDATING;
	validator_run_all(self->v, LATER_MS + 1);
	EXPECT_EQ(VSTATE_WARNING, self->svc->result.state);
	EXPECT_TRUE(messages_are(&self->svc->result, PFX, expected));
	/* The session is gone from the required set: reported as withdrawn. */
	EXPECT_EQ(1, count_events(&self->log, "sbc-svc", VEVENT_WITHDRAWAL, VLEVEL_WARNING));
}

TEST_F(engine, degraded_quality_is_failed_not_warning)
{
	static const char *const expected[] = { M_COMMUNITY, NULL };

	announce_everywhere(&self->rx, PFX, "13335", SC);
	validator_run_all(self->v, LATER_MS);
	ASSERT_EQ(VSTATE_VERIFIED, self->svc->result.state);
	self->log.n = 0;
	announce(&self->rx, AMS2, PFX, "13335", "");
	validator_run_all(self->v, LATER_MS + 1);
	EXPECT_EQ(VSTATE_FAILED, self->svc->result.state);
	EXPECT_TRUE(messages_are(&self->svc->result, PFX, expected));
	EXPECT_EQ(1, count_events(&self->log, "sbc-svc", VEVENT_STATE_CHANGE, VLEVEL_CRITICAL));
}

TEST_F(engine, never_verified_missing_session_is_failed)
{
	announce(&self->rx, AMS1, PFX, "13335", SC);
	announce(&self->rx, FRA1, PFX, "13335", SC);
	validator_run_all(self->v, LATER_MS);
	EXPECT_EQ(VSTATE_FAILED, self->svc->result.state);
}

TEST_F(engine, location_checks)
{
	static const char *const same_router[] = { M_PRIMARY, NULL };
	static const char *const no_backup_session[] = { M_BACKUP, M_NOT_RX(FRA1, PFX), NULL };
	static const char *const nowhere[] = { M_PRIMARY, NULL };
	struct service_prefix *no_backup, *paris;

	announce_everywhere(&self->rx, PFX, "13335", SC);

	/* Two sessions on one router are not two sessions. */
	snprintf(self->ams2->router, PE_NAME_MAX, "r1");
	validator_run_all(self->v, LATER_MS);
	EXPECT_EQ(VSTATE_FAILED, self->svc->result.state);
	EXPECT_TRUE(messages_are(&self->svc->result, PFX, same_router));
	snprintf(self->ams2->router, PE_NAME_MAX, "r2");

	/* A backup location without an Active session: it is also named. */
	self->fra1->state = CONN_PROVISIONING_STARTED;
	validator_run_all(self->v, LATER_MS);
	EXPECT_EQ(VSTATE_FAILED, self->svc->result.state);
	EXPECT_TRUE(messages_are(&self->svc->result, PFX, no_backup_session));

	/* Without a backup location, Frankfurt is not needed at all. */
	no_backup = activate(self->db, "no-backup", PFX, &self->reg->key, "Amsterdam", NULL);
	withdraw(&self->rx, FRA1, PFX);
	self->fra1->state = CONN_ACTIVE;
	validator_run_all(self->v, LATER_MS);
	EXPECT_EQ(VSTATE_VERIFIED, no_backup->result.state);
	EXPECT_EQ(2, no_backup->result.nsessions);
	/* ... while the registered prefix needs every connection (it was
	 * Verified before, so this is a Warning). */
	EXPECT_EQ(VSTATE_WARNING, self->reg->result.state);
	EXPECT_TRUE(messages_are(&self->reg->result, PFX,
				 (const char *const[]){ M_NOT_RX(FRA1, PFX), NULL }));

	/* A primary location where the peering has no connection. */
	paris = activate(self->db, "paris", PFX, &self->reg->key, "Paris", NULL);
	validator_run_all(self->v, LATER_MS);
	EXPECT_EQ(VSTATE_FAILED, paris->result.state);
	EXPECT_TRUE(messages_are(&paris->result, PFX, nowhere));
}

TEST_F(engine, static_checks_are_invalid)
{
	static const char *const invalid[] = { M_INVALID, NULL };
	static const char *const key[] = { M_KEY, NULL };
	static const char *const private_range[] = { M_PRIVATE_RANGE, NULL };
	static const char *const bad_text[] = {
		"80.80.80.1/24", "2a00:1450::/32", "banana", "80.80.80.0/33",
	};
	struct prefix_key other_key = { { 1, 2, 3 } };
	struct registered_prefix *cgn;
	struct service_prefix *sp;

	announce_everywhere(&self->rx, PFX, "13335", SC);
	announce_everywhere(&self->rx, "100.64.1.0/24", "13335", SC);
	for (size_t i = 0; i < ARRAY_SIZE(bad_text); i++) {
		char name[16];

		snprintf(name, sizeof(name), "bad%zu", i);
		sp = activate(self->db, name, bad_text[i], &self->reg->key, "Amsterdam", NULL);
		validator_run_all(self->v, LATER_MS);
		EXPECT_EQ(VSTATE_INVALID, sp->result.state) TH_LOG("%s", bad_text[i]);
		EXPECT_TRUE(messages_are(&sp->result, bad_text[i], invalid)) TH_LOG("%s", bad_text[i]);
	}

	sp = activate(self->db, "wrong-key", PFX, &other_key, "Amsterdam", "Frankfurt");
	validator_run_all(self->v, LATER_MS);
	EXPECT_EQ(VSTATE_INVALID, sp->result.state);
	EXPECT_TRUE(messages_are(&sp->result, PFX, key));

	/* Outside every registration: no key can match. */
	sp = activate(self->db, "unregistered", "81.0.0.0/24", &self->reg->key, "Amsterdam",
		      NULL);
	validator_run_all(self->v, LATER_MS);
	EXPECT_EQ(VSTATE_INVALID, sp->result.state);
	EXPECT_TRUE(messages_are(&sp->result, "81.0.0.0/24", key));

	/* Registration does not check the range; validation does, for both. */
	ASSERT_EQ(0, pdb_register_prefix(self->db, self->voice, "cgn", "100.64.1.0/24", 0,
					 &cgn, &self->why));
	sp = activate(self->db, "cgn-svc", "100.64.1.0/24", &cgn->key, "Amsterdam", NULL);
	validator_run_all(self->v, LATER_MS);
	EXPECT_EQ(VSTATE_INVALID, cgn->result.state);
	EXPECT_TRUE(messages_are(&cgn->result, "100.64.1.0/24", private_range));
	EXPECT_EQ(VSTATE_INVALID, sp->result.state);
	EXPECT_TRUE(messages_are(&sp->result, "100.64.1.0/24", private_range));
	EXPECT_EQ(0, sp->result.nsessions);	/* routes are not even looked at */
}

TEST_F(engine, private_ranges_by_registration)
{
	static const char *const private_range[] = { M_PRIVATE_RANGE, NULL };
	static const char *const cases[] = {
		"192.0.0.0/24", "192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
		"100.64.0.0/10", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16",
		"198.18.0.0/15", "169.254.0.0/16", "127.0.0.0/8", "0.0.0.0/8", "0.0.0.0/0",
		"224.0.0.0/4", "240.0.0.0/4", "192.88.99.0/24",
	};

	/* Registrations never overlap: make room for 0.0.0.0/0. */
	ASSERT_EQ(0, pdb_del_registered_prefix(self->db, self->voice, "sbc"));
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct registered_prefix *rp;
		char name[16];

		snprintf(name, sizeof(name), "r%zu", i);
		ASSERT_EQ(0, pdb_register_prefix(self->db, self->voice, name, cases[i], 0, &rp,
						 &self->why)) TH_LOG("%s: %s", cases[i], self->why);
		validator_run_all(self->v, LATER_MS);
		EXPECT_EQ(VSTATE_INVALID, rp->result.state) TH_LOG("%s", cases[i]);
		EXPECT_TRUE(messages_are(&rp->result, cases[i], private_range)) TH_LOG("%s", cases[i]);
		ASSERT_EQ(0, pdb_del_registered_prefix(self->db, self->voice, name));
	}
}

TEST_F(engine, more_specific_service_prefix)
{
	static const char *const origin[] = { M_ORIGIN, NULL };
	struct service_prefix *half;
	struct registered_prefix *reg81;

	/* Covered by the /24 route object of AS13335: accepted. */
	half = activate(self->db, "half", "80.80.80.128/25", &self->reg->key, "Amsterdam",
			"Frankfurt");
	announce_everywhere(&self->rx, "80.80.80.128/25", "13335", SC);
	validator_run_all(self->v, LATER_MS);
	EXPECT_EQ(VSTATE_VERIFIED, half->result.state);

	/* No covering route object for AS174. */
	announce_everywhere(&self->rx, "80.80.80.128/25", "174", SC);
	validator_run_all(self->v, LATER_MS);
	EXPECT_EQ(VSTATE_FAILED, half->result.state);
	EXPECT_TRUE(messages_are(&half->result, "80.80.80.128/25", origin));

	/* A registered prefix needs a route object for exactly itself. */
	ASSERT_EQ(0, pdb_register_prefix(self->db, self->voice, "sbc81", "80.80.81.0/24", 0,
					 &reg81, &self->why));
	announce_everywhere(&self->rx, "80.80.81.0/24", "3356", SC);	/* 80.80/16 only */
	validator_run_all(self->v, LATER_MS);
	EXPECT_EQ(VSTATE_FAILED, reg81->result.state);
	EXPECT_TRUE(messages_are(&reg81->result, "80.80.81.0/24", origin));
}

TEST_F(engine, route_server_registered_asn)
{
	struct peering *ixp;
	struct registered_asn *ra;
	struct service_prefix *sp;

	ASSERT_EQ(0, pdb_add_peering(self->db, "ixp", 3320, PEERING_ROUTE_SERVER, &ixp,
				     &self->why));
	add_active(self->db, ixp, "rs1", "198.51.100.20", "Berlin", "rs-a");
	add_active(self->db, ixp, "rs2", "198.51.100.21", "Berlin", "rs-b");
	ASSERT_EQ(0, pdb_register_asn(self->db, ixp, "dtag", 3320, &ra, &self->why));
	sp = activate(self->db, "ixp-svc", "81.0.0.0/24", &ra->key, "Berlin", NULL);
	announce(&self->rx, "198.51.100.20", "81.0.0.0/24", "3320", SC);
	announce(&self->rx, "198.51.100.21", "81.0.0.0/24", "3320", SC);
	validator_run_all(self->v, LATER_MS);
	EXPECT_EQ(VSTATE_VERIFIED, sp->result.state);
	EXPECT_EQ(2, sp->result.nsessions);
}

TEST_F(engine, registry_missing_is_unknown_and_swaps)
{
	static const char *const origin[] = { M_ORIGIN, NULL };
	struct registry *empty = registry_new();

	announce_everywhere(&self->rx, PFX, "13335", SC);
	EXPECT_EQ(self->irr, validator_set_registry(self->v, NULL));
	validator_run_all(self->v, LATER_MS);
	EXPECT_EQ(VSTATE_UNKNOWN, self->svc->result.state);
	EXPECT_TRUE(messages_are(&self->svc->result, PFX, (const char *const[]){ NULL }));

	/* Reload: build, swap, free the old one. */
	EXPECT_EQ(NULL, validator_set_registry(self->v, empty));
	validator_run_all(self->v, LATER_MS);
	EXPECT_EQ(VSTATE_FAILED, self->svc->result.state);
	EXPECT_TRUE(messages_are(&self->svc->result, PFX, origin));
	EXPECT_EQ(empty, validator_set_registry(self->v, self->irr));
	registry_free(empty);
	validator_run_all(self->v, LATER_MS);
	EXPECT_EQ(VSTATE_VERIFIED, self->svc->result.state);
}

TEST_F(engine, events)
{
	announce_everywhere(&self->rx, PFX, "13335", SC);
	validator_run_all(self->v, LATER_MS);
	/* 2 targets x (3 announcements + 1 state change) */
	ASSERT_EQ(8, self->log.n);
	EXPECT_STREQ("PrefixAnnouncementEvent Information sbc 80.80.80.0/24: announced by "
		     "198.51.100.1", self->log.ev[0].text);
	EXPECT_STREQ("PrefixValidationStateChangeEvent Information sbc 80.80.80.0/24: "
		     "None -> Verified", self->log.ev[3].text);
	EXPECT_STREQ("BackupPrefixAnnouncementEvent Information sbc-svc 80.80.80.0/24: "
		     "announced by 198.51.100.9", self->log.ev[6].text);

	/* Same input, no news. */
	self->log.n = 0;
	validator_run_all(self->v, LATER_MS + 1);
	EXPECT_EQ(0, self->log.n);

	/* Origin AS13335 -> AS3356, both registered: still Verified. */
	announce_everywhere(&self->rx, PFX, "3356", SC);
	validator_run_prefix(self->v, &self->svc->pfx, LATER_MS + 2);
	ASSERT_EQ(2, self->log.n);
	EXPECT_EQ(VEVENT_ORIGIN_AS_CHANGE, self->log.ev[0].type);
	EXPECT_EQ(VLEVEL_WARNING, self->log.ev[0].level);
	EXPECT_EQ(13335, self->log.ev[0].old_origin);
	EXPECT_EQ(3356, self->log.ev[0].new_origin);
	EXPECT_STREQ("PrefixOriginAsChangeEvent Warning sbc 80.80.80.0/24: origin AS13335 -> "
		     "AS3356", self->log.ev[0].text);
	EXPECT_EQ(VSTATE_VERIFIED, self->svc->result.state);
}

/*
 * A pass keeps each result's session array (a pass over a large table
 * must not allocate and free once per prefix) and still compares the new
 * sessions with the old ones before overwriting them.
 */
TEST_F(engine, sessions_stored_in_place)
{
	const struct vsession *kept;

	announce_everywhere(&self->rx, PFX, "13335", SC);
	validator_run_all(self->v, LATER_MS);
	ASSERT_EQ(3, self->reg->result.nsessions);
	kept = self->reg->result.sessions;

	withdraw(&self->rx, AMS2, PFX);
	self->log.n = 0;
	validator_run_all(self->v, LATER_MS + 1);
	EXPECT_EQ(kept, self->reg->result.sessions);
	ASSERT_EQ(3, self->reg->result.nsessions);
	EXPECT_STREQ(AMS2, self->reg->result.sessions[1].ip);
	EXPECT_FALSE(self->reg->result.sessions[1].received);
	EXPECT_TRUE(self->reg->result.sessions[2].received);
	EXPECT_EQ(1, count_events(&self->log, "sbc", VEVENT_WITHDRAWAL, VLEVEL_WARNING));

	/* A fourth connection: a longer array, the new session in it. */
	add_active(self->db, self->voice, "fra2", "198.51.100.13", "Frankfurt", "r4");
	announce(&self->rx, AMS2, PFX, "13335", SC);
	self->log.n = 0;
	validator_run_all(self->v, LATER_MS + 2);
	ASSERT_EQ(4, self->reg->result.nsessions);
	EXPECT_STREQ("198.51.100.13", self->reg->result.sessions[3].ip);
	EXPECT_FALSE(self->reg->result.sessions[3].received);
	EXPECT_TRUE(self->reg->result.sessions[1].received);
	EXPECT_EQ(1, count_events(&self->log, "sbc", VEVENT_ANNOUNCEMENT, VLEVEL_INFORMATION));
}

TEST_F(engine, names)
{
	static const char *const states[] = {
		"None", "Pending", "Verified", "Failed", "Warning", "Invalid", "Unknown",
	};
	enum vstate s;

	for (size_t i = 0; i < ARRAY_SIZE(states); i++) {
		EXPECT_STREQ(states[i], vstate_name((enum vstate)i));
		ASSERT_EQ(0, vstate_parse(states[i], &s));
		EXPECT_EQ(i, s);
	}
	EXPECT_EQ(-EINVAL, vstate_parse("Bogus", &s));
	EXPECT_STREQ("PrefixWithdrawalEvent", vevent_type_name(VEVENT_WITHDRAWAL));
	EXPECT_STREQ("BackupPrefixWithdrawalEvent", vevent_type_name(VEVENT_BACKUP_WITHDRAWAL));
	EXPECT_STREQ("Critical", vlevel_name(VLEVEL_CRITICAL));
	EXPECT_STREQ("Information", vlevel_name(VLEVEL_INFORMATION));
	EXPECT_FALSE(vstate_installable(VSTATE_PENDING));
	EXPECT_FALSE(vstate_installable(VSTATE_UNKNOWN));
}

TEST_F(engine, incremental_runs)
{
	struct prefix pfx = P(PFX), other = P("80.80.81.0/24");
	struct service_prefix *sp;

	announce_everywhere(&self->rx, PFX, "13335", SC);
	EXPECT_EQ(0, validator_run_prefix(self->v, &other, LATER_MS));
	EXPECT_EQ(2, validator_run_prefix(self->v, &pfx, LATER_MS));
	EXPECT_EQ(VSTATE_VERIFIED, self->svc->result.state);
	EXPECT_EQ(VSTATE_VERIFIED, self->reg->result.state);

	/* A new target is found without telling the validator. */
	sp = activate(self->db, "more", "80.80.81.0/24", &self->reg->key, "Amsterdam", NULL);
	EXPECT_EQ(1, validator_run_prefix(self->v, &other, LATER_MS));
	EXPECT_EQ(VSTATE_INVALID, sp->result.state);	/* outside the /24 */
	EXPECT_EQ(VSTATE_VERIFIED, self->svc->result.state);	/* untouched */
	ASSERT_EQ(0, pdb_del_service_prefix(self->db, "more"));
	EXPECT_EQ(0, validator_run_prefix(self->v, &other, LATER_MS));
	EXPECT_EQ(2, validator_run_all(self->v, LATER_MS));
}

/* ---- re-validation in slices ---- */

/* Registered /24s, each with its /25 activated: twice as many targets. */
#define SLICE_PREFIXES 60
#define SLICE_TARGETS (2 * SLICE_PREFIXES)

/* Evaluations by prefix: each target has one session, so one lookup each. */
struct lookup_count {
	struct prefix pfx[SLICE_TARGETS + 8];
	unsigned count[SLICE_TARGETS + 8];
	size_t n;
};

static const struct rx_route *counting_lookup(void *ctx, const struct connection *conn,
					      const struct prefix *pfx)
{
	struct lookup_count *c = ctx;
	size_t i;

	(void)conn;
	for (i = 0; i < c->n && !prefix_equal(&c->pfx[i], pfx); i++)
		;
	if (i == c->n) {
		if (c->n == ARRAY_SIZE(c->pfx))
			abort();
		c->pfx[c->n] = *pfx;
		c->count[c->n++] = 0;
	}
	c->count[i]++;
	return NULL;
}

/* Exactly `targets` targets evaluated, each `times` times. */
static bool each_evaluated(const struct lookup_count *c, size_t targets, unsigned times)
{
	bool ok = c->n == targets;

	if (!ok)
		fprintf(stderr, "# %zu targets evaluated, expected %zu\n", c->n, targets);
	for (size_t i = 0; i < c->n; i++) {
		char text[PREFIX_STRLEN];

		if (c->count[i] == times)
			continue;
		fprintf(stderr, "# %s evaluated %u times, expected %u\n",
			prefix_format(&c->pfx[i], text, sizeof(text)), c->count[i], times);
		ok = false;
	}
	return ok;
}

FIXTURE(slices) {
	struct peering_db *db;
	struct peering *voice;
	struct lookup_count seen;
	struct validator *v;
};

/* Registration i (82.0.i.0/24) and its activation (82.0.i.0/25). */
static void add_slice_target(struct peering_db *db, struct peering *p, int i)
{
	struct registered_prefix *rp;
	char name[16], pfx[32];
	const char *why;

	snprintf(name, sizeof(name), "r%d", i);
	snprintf(pfx, sizeof(pfx), "82.0.%d.0/24", i);
	if (pdb_register_prefix(db, p, name, pfx, 0, &rp, &why) < 0)
		abort();
	snprintf(name, sizeof(name), "s%d", i);
	snprintf(pfx, sizeof(pfx), "82.0.%d.0/25", i);
	activate(db, name, pfx, &rp->key, "Amsterdam", NULL);
}

FIXTURE_SETUP(slices)
{
	struct rx_source src = { counting_lookup, &self->seen };
	const char *why;

	self->db = pdb_new();
	ASSERT_EQ(0, pdb_add_peering(self->db, "contoso", 13335, PEERING_VOICE, &self->voice,
				     &why));
	add_active(self->db, self->voice, "ams1", AMS1, "Amsterdam", "r1");
	for (int i = 0; i < SLICE_PREFIXES; i++)
		add_slice_target(self->db, self->voice, i);
	self->v = validator_new(self->db, &src, NULL, NULL);
	ASSERT_NE(NULL, self->v);
}

FIXTURE_TEARDOWN(slices)
{
	validator_free(self->v);
	pdb_free(self->db);
}

/* Slices with no time budget (each makes progress) until none is left: how many. */
static size_t slices_to_end(struct validator *v)
{
	size_t n = 1;

	while (!validator_run_some(v, LATER_MS, 0, NULL, NULL) && n <= 4 * SLICE_TARGETS)
		n++;
	return n;
}

/* Slices with no time budget, k of them, leaving the pass in progress. */
static bool run_partly(struct validator *v, int k)
{
	for (int i = 0; i < k; i++)
		if (validator_run_some(v, LATER_MS, 0, NULL, NULL))
			return false;
	return true;
}

TEST_F(slices, every_target_once)
{
	size_t n;

	EXPECT_TRUE(validator_run_some(self->v, LATER_MS, 0, NULL, NULL));	/* nothing asked */
	EXPECT_EQ(0, self->seen.n);
	validator_run_start(self->v);
	EXPECT_TRUE(validator_run_busy(self->v));
	n = slices_to_end(self->v);
	EXPECT_GT(n, 1);		/* a tiny budget cuts the pass */
	EXPECT_LE(n, SLICE_TARGETS + 1);	/* and each slice gets somewhere */
	EXPECT_TRUE(each_evaluated(&self->seen, SLICE_TARGETS, 1));
	EXPECT_FALSE(validator_run_busy(self->v));

	/* A budget that covers the pass: one slice. */
	self->seen.n = 0;
	validator_run_start(self->v);
	EXPECT_TRUE(validator_run_some(self->v, LATER_MS, 60000, NULL, NULL));
	EXPECT_TRUE(each_evaluated(&self->seen, SLICE_TARGETS, 1));
}

/* A slice's yield that counts its calls and says yes from the at-th on. */
struct yield_count {
	size_t calls, at;
};

static bool yield_at(void *arg)
{
	struct yield_count *y = arg;

	return ++y->calls >= y->at;
}

TEST_F(slices, yield_ends_the_slice_after_the_target_in_hand)
{
	struct yield_count y = { .at = 3 };

	validator_run_start(self->v);
	/* A budget for the whole pass: the yield cuts it, asked after each target. */
	EXPECT_FALSE(validator_run_some(self->v, LATER_MS, 60000, yield_at, &y));
	EXPECT_EQ(3, y.calls);
	EXPECT_EQ(3, self->seen.n);
	EXPECT_TRUE(validator_run_busy(self->v));
	/* The pass goes on from there: every target once. */
	slices_to_end(self->v);
	EXPECT_TRUE(each_evaluated(&self->seen, SLICE_TARGETS, 1));
}

TEST_F(slices, db_change_restarts_the_pass)
{
	validator_run_start(self->v);
	ASSERT_TRUE(run_partly(self->v, SLICE_PREFIXES / 2));
	/* Targets before the cursor go and come: every position moves. */
	ASSERT_EQ(0, pdb_del_service_prefix(self->db, "s0"));
	ASSERT_EQ(0, pdb_del_registered_prefix(self->db, self->voice, "r0"));
	add_slice_target(self->db, self->voice, SLICE_PREFIXES);
	self->seen.n = 0;
	slices_to_end(self->v);
	/* Every target of the new db, once under it; the removed one never. */
	EXPECT_TRUE(each_evaluated(&self->seen, SLICE_TARGETS, 1));
	for (size_t i = 0; i < self->seen.n; i++)
		EXPECT_NE(0, self->seen.pfx[i].addr.bytes[2]);
}

TEST_F(slices, request_during_a_pass_gets_a_whole_pass)
{
	validator_run_start(self->v);
	ASSERT_TRUE(run_partly(self->v, SLICE_PREFIXES / 2));
	validator_run_start(self->v);
	slices_to_end(self->v);
	/* The pass in progress goes on, then one more over everything. */
	EXPECT_TRUE(each_evaluated(&self->seen, SLICE_TARGETS, 2));
}

TEST_F(slices, run_all_completes_a_pass_in_progress)
{
	validator_run_start(self->v);
	ASSERT_TRUE(run_partly(self->v, SLICE_PREFIXES / 2));
	validator_run_start(self->v);
	self->seen.n = 0;
	EXPECT_EQ(SLICE_TARGETS, validator_run_all(self->v, LATER_MS));
	EXPECT_FALSE(validator_run_busy(self->v));
	EXPECT_TRUE(validator_run_some(self->v, LATER_MS, 0, NULL, NULL));
	EXPECT_TRUE(each_evaluated(&self->seen, SLICE_TARGETS, 1));
}

/* Per-UPDATE cost with many targets: 2000 registered /24s, one UPDATE each. */
TEST_F(engine, incremental_cost)
{
	enum { TARGETS = 2000, ROUNDS = 50 };
	struct timespec t0, t1;
	double per_update_us;

	for (int i = 0; i < TARGETS; i++) {
		char name[16], pfx[32];

		snprintf(name, sizeof(name), "p%d", i);
		snprintf(pfx, sizeof(pfx), "82.%d.%d.0/24", i / 256, i % 256);
		ASSERT_EQ(0, pdb_register_prefix(self->db, self->voice, name, pfx, 0, NULL,
						 &self->why));
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int r = 0; r < ROUNDS; r++) {
		for (int i = 0; i < TARGETS; i++) {
			struct prefix p = { .family = AF_INET, .len = 24,
					    .addr.bytes = { 82, (uint8_t)(i / 256),
							    (uint8_t)(i % 256) } };

			ASSERT_EQ(1, validator_run_prefix(self->v, &p, LATER_MS));
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	per_update_us = ((double)(t1.tv_sec - t0.tv_sec) * 1e6 +
			 (t1.tv_nsec - t0.tv_nsec) / 1e3) / (TARGETS * ROUNDS);
	TH_LOG("%.2f us per incremental run with %d targets (ASan build)", per_update_us,
	       TARGETS + 2);
	EXPECT_LT(per_update_us, 200.0);
}

TEST_HARNESS_MAIN
