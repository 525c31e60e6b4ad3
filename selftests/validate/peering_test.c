// SPDX-License-Identifier: GPL-2.0
/* The Peering Service model: registrations, keys, the rules on input. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include "peering.h"

FIXTURE(model) {
	struct peering_db *db;
	struct peering *voice, *rs;
	struct connection *c1;
	const char *why;
};

FIXTURE_SETUP(model)
{
	self->db = pdb_new();
	ASSERT_NE(NULL, self->db);
	ASSERT_EQ(0, pdb_add_peering(self->db, "contoso", 13335, PEERING_VOICE,
				     &self->voice, &self->why));
	ASSERT_EQ(0, pdb_add_peering(self->db, "ixp", 3320, PEERING_ROUTE_SERVER,
				     &self->rs, &self->why));
	ASSERT_EQ(0, pdb_add_connection(self->db, self->voice, "ams1", "198.51.100.1",
					"Amsterdam", "r1", &self->c1, &self->why));
}

FIXTURE_TEARDOWN(model)
{
	pdb_free(self->db);
}

TEST_F(model, peer_asn_must_be_public)
{
	static const uint32_t bogons[] = { 0, 23456, 64496, 64512, 65534, 65535, 65551,
					   100000, 4200000000u, 4294967295u };

	for (size_t i = 0; i < ARRAY_SIZE(bogons); i++) {
		EXPECT_EQ(-EINVAL, pdb_add_peering(self->db, "bogon", bogons[i], PEERING_VOICE,
						   NULL, &self->why)) TH_LOG("AS%u", bogons[i]);
	}
	EXPECT_STREQ("the peer ASN must be public", self->why);
	EXPECT_EQ(-EEXIST, pdb_add_peering(self->db, "contoso", 8075, PEERING_VOICE, NULL,
					   &self->why));
	EXPECT_EQ(2, self->db->npeerings);
}

TEST_F(model, names)
{
	static const char *const bad[] = { "", "-lead", "has space", "semi;colon", "ünï",
		"a123456789012345678901234567890123456789012345678901234567890123" };

	EXPECT_TRUE(peering_name_valid("Amsterdam-2.b_x"));
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_FALSE(peering_name_valid(bad[i])) TH_LOG("\"%s\"", bad[i]);
	}
	EXPECT_EQ(-EINVAL, pdb_add_connection(self->db, self->voice, "x", "198.51.100.9",
					      "bad location", "r1", NULL, &self->why));
	EXPECT_EQ(-EINVAL, pdb_add_connection(self->db, self->voice, "x", "198.51.100.300",
					      "Amsterdam", "r1", NULL, &self->why));
	EXPECT_STREQ("the neighbor must be an IPv4 or IPv6 address", self->why);
}

TEST_F(model, connections)
{
	struct connection *c;

	/* Neighbors are stored canonical and unique across peerings. */
	ASSERT_EQ(0, pdb_add_connection(self->db, self->rs, "rs1", "2001:DB8:0::1",
					"Frankfurt", "r3", &c, &self->why));
	EXPECT_STREQ("2001:db8::1", c->neighbor);
	EXPECT_EQ(CONN_NONE, c->state);
	EXPECT_EQ(c, pdb_connection_by_neighbor(self->db, "2001:db8::1"));
	EXPECT_EQ(-EEXIST, pdb_add_connection(self->db, self->rs, "rs2", "198.51.100.1",
					      "Frankfurt", "r4", NULL, &self->why));
	EXPECT_EQ(-EEXIST, pdb_add_connection(self->db, self->rs, "rs1", "198.51.100.2",
					      "Frankfurt", "r4", NULL, &self->why));
	EXPECT_EQ(0, pdb_del_connection(self->db, self->rs, "rs1"));
	EXPECT_EQ(-ENOENT, pdb_del_connection(self->db, self->rs, "rs1"));
	EXPECT_EQ(NULL, pdb_connection_by_neighbor(self->db, "2001:db8::1"));
}

TEST_F(model, registration_needs_an_active_connection)
{
	struct registered_prefix *rp;

	EXPECT_EQ(-EAGAIN, pdb_register_prefix(self->db, self->voice, "sbc", "80.80.80.0/24",
					       0, &rp, &self->why));
	EXPECT_STREQ("no connection of the peering is Active yet", self->why);
	self->c1->state = CONN_VALIDATING;
	EXPECT_EQ(-EAGAIN, pdb_register_prefix(self->db, self->voice, "sbc", "80.80.80.0/24",
					       0, &rp, &self->why));
	self->c1->state = CONN_ACTIVE;
	ASSERT_EQ(0, pdb_register_prefix(self->db, self->voice, "sbc", "80.80.80.0/24", 0,
					 &rp, &self->why));
	EXPECT_EQ(self->voice, rp->peering);
	EXPECT_EQ(VSTATE_NONE, rp->result.state);
}

TEST_F(model, registered_prefix_rules)
{
	static const struct {
		const char *pfx;
		int err;
		const char *why;
	} cases[] = {
		{ "80.80.80.0/25", -EINVAL, "a registered prefix is IPv4, /24 or shorter" },
		{ "80.80.80.1/24", -EINVAL, "not a prefix (or host bits set)" },
		{ "2a00:1450::/32", -EINVAL, "a registered prefix is IPv4, /24 or shorter" },
		{ "80.80.0.0/16", -EEXIST, "the prefix overlaps one already registered" },
		{ "80.80.80.0/24", -EEXIST, "the prefix overlaps one already registered" },
	};
	struct peering *other;
	struct connection *c;

	self->c1->state = CONN_ACTIVE;
	ASSERT_EQ(0, pdb_register_prefix(self->db, self->voice, "sbc", "80.80.80.0/24", 0,
					 NULL, &self->why));
	/* "A prefix can be registered only with a single peering." */
	ASSERT_EQ(0, pdb_add_peering(self->db, "fabrikam", 8068, PEERING_VOICE, &other,
				     &self->why));
	ASSERT_EQ(0, pdb_add_connection(self->db, other, "x1", "198.51.100.77", "Paris", "p1",
					&c, &self->why));
	c->state = CONN_ACTIVE;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		EXPECT_EQ(cases[i].err, pdb_register_prefix(self->db, other, "p", cases[i].pfx,
							    0, NULL, &self->why))
			TH_LOG("%s", cases[i].pfx);
		EXPECT_STREQ(cases[i].why, self->why);
	}
	EXPECT_EQ(-EEXIST, pdb_register_prefix(self->db, self->voice, "sbc", "80.80.90.0/24", 0,
					       NULL, &self->why));
	EXPECT_EQ(-EINVAL, pdb_register_asn(self->db, self->voice, "asn", 13335, NULL,
					    &self->why));
	EXPECT_STREQ("only route-server peerings register ASNs", self->why);
	EXPECT_EQ(0, pdb_del_registered_prefix(self->db, self->voice, "sbc"));
	EXPECT_EQ(0, pdb_register_prefix(self->db, other, "p", "80.80.0.0/16", 0, NULL,
					 &self->why));
}

TEST_F(model, registered_asn_rules)
{
	struct connection *c;
	struct registered_asn *ra;

	ASSERT_EQ(0, pdb_add_connection(self->db, self->rs, "rs1", "198.51.100.20", "Frankfurt",
					"r3", &c, &self->why));
	c->state = CONN_ACTIVE;
	EXPECT_EQ(-EINVAL, pdb_register_asn(self->db, self->rs, "a", 4200000000u, NULL,
					    &self->why));
	EXPECT_STREQ("a registered ASN must be public", self->why);
	ASSERT_EQ(0, pdb_register_asn(self->db, self->rs, "a", 3320, &ra, &self->why));
	EXPECT_EQ(-EEXIST, pdb_register_asn(self->db, self->rs, "b", 3320, NULL, &self->why));
	EXPECT_EQ(-EEXIST, pdb_register_asn(self->db, self->rs, "a", 3321, NULL, &self->why));
	EXPECT_EQ(-EINVAL, pdb_register_prefix(self->db, self->rs, "p", "80.80.80.0/24", 0,
					       NULL, &self->why));
	EXPECT_STREQ("only voice peerings register prefixes", self->why);
	EXPECT_EQ(0, pdb_del_registered_asn(self->db, self->rs, "a"));
	EXPECT_EQ(-ENOENT, pdb_del_registered_asn(self->db, self->rs, "a"));
}

TEST_F(model, prefix_keys)
{
	struct registered_prefix *a, *b;
	struct prefix_key parsed;
	char text[PREFIX_KEY_STRLEN], upper[PREFIX_KEY_STRLEN], bare[33];
	size_t n = 0;

	self->c1->state = CONN_ACTIVE;
	ASSERT_EQ(0, pdb_register_prefix(self->db, self->voice, "a", "80.80.80.0/24", 0, &a,
					 &self->why));
	ASSERT_EQ(0, pdb_register_prefix(self->db, self->voice, "b", "80.80.81.0/24", 0, &b,
					 &self->why));
	EXPECT_FALSE(prefix_key_equal(&a->key, &b->key));

	/* 8-4-4-4-12 lowercase hex. */
	prefix_key_format(&a->key, text);
	ASSERT_EQ(36, strlen(text));
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		EXPECT_EQ(dash, text[i] == '-') TH_LOG("%s", text);
		if (!dash) {
			EXPECT_TRUE(strchr("0123456789abcdef", text[i]) != NULL) TH_LOG("%s", text);
			bare[n++] = text[i];
		}
		upper[i] = (char)(text[i] >= 'a' && text[i] <= 'f' ? text[i] - 32 : text[i]);
	}
	bare[n] = upper[36] = '\0';
	ASSERT_EQ(0, prefix_key_parse(text, &parsed));
	EXPECT_TRUE(prefix_key_equal(&a->key, &parsed));
	ASSERT_EQ(0, prefix_key_parse(upper, &parsed));
	EXPECT_TRUE(prefix_key_equal(&a->key, &parsed));
	ASSERT_EQ(0, prefix_key_parse(bare, &parsed));
	EXPECT_TRUE(prefix_key_equal(&a->key, &parsed));

	static const char *const bad[] = {
		"", "0123456789abcdef0123456789abcde",		/* 31 digits */
		"0123456789abcdef0123456789abcdef0",		/* 33 */
		"0123456789abcdef0123456789abcdeg",
		"-0123456789abcdef0123456789abcdef",
		"012-3456789abcdef0123456789abcdef",		/* dash inside a byte pair */
		"01234567 89abcdef0123456789abcdef",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, prefix_key_parse(bad[i], &parsed)) TH_LOG("\"%s\"", bad[i]);
	}
}

TEST_F(model, service_prefix_rules)
{
	static const char key[] = "00112233-4455-6677-8899-aabbccddeeff";
	struct service_prefix *sp;

	ASSERT_EQ(0, pdb_add_service_prefix(self->db, "svc", "80.80.80.0/24", key, "Amsterdam",
					    "Frankfurt", 1000, &sp, &self->why));
	EXPECT_TRUE(sp->parsed);
	EXPECT_EQ(1000, sp->created_ms);
	EXPECT_EQ(sp, pdb_service_prefix(self->db, "svc"));
	/* Stored as typed even when it is no prefix: validation says Invalid. */
	ASSERT_EQ(0, pdb_add_service_prefix(self->db, "typo", "80.80.80.1/24", key, "Amsterdam",
					    NULL, 0, &sp, &self->why));
	EXPECT_FALSE(sp->parsed);
	EXPECT_STREQ("80.80.80.1/24", sp->text);
	EXPECT_STREQ("", sp->backup);

	EXPECT_EQ(-EEXIST, pdb_add_service_prefix(self->db, "svc", "80.80.80.0/24", key,
						  "Amsterdam", NULL, 0, NULL, &self->why));
	EXPECT_EQ(-EINVAL, pdb_add_service_prefix(self->db, "x", "80.80.80.0/24", key,
						  "Amsterdam", "Amsterdam", 0, NULL, &self->why));
	EXPECT_STREQ("the backup location must differ from the primary one", self->why);
	EXPECT_EQ(-EINVAL, pdb_add_service_prefix(self->db, "x", "80.80.80.0/24", "nokey",
						  "Amsterdam", NULL, 0, NULL, &self->why));
	EXPECT_EQ(-EINVAL, pdb_add_service_prefix(self->db, "x", "80.80.80.0 /24", key,
						  "Amsterdam", NULL, 0, NULL, &self->why));
	EXPECT_EQ(-EINVAL, pdb_add_service_prefix(self->db, "x", "", key, "Amsterdam", NULL, 0,
						  NULL, &self->why));
	EXPECT_EQ(0, pdb_del_service_prefix(self->db, "typo"));
	EXPECT_EQ(-ENOENT, pdb_del_service_prefix(self->db, "typo"));
	EXPECT_EQ(1, self->db->nservices);
}

TEST_F(model, generation_moves_on_every_change)
{
	uint64_t g = self->db->generation;

	ASSERT_EQ(0, pdb_add_connection(self->db, self->voice, "ams2", "198.51.100.5",
					"Amsterdam", "r2", NULL, &self->why));
	EXPECT_LT(g, self->db->generation);
	g = self->db->generation;
	ASSERT_EQ(0, pdb_del_peering(self->db, "contoso"));
	EXPECT_LT(g, self->db->generation);
	EXPECT_EQ(NULL, pdb_peering(self->db, "contoso"));
	EXPECT_EQ(-ENOENT, pdb_del_peering(self->db, "contoso"));
}

/* Registrations whose prefix overlaps pfx, by a plain scan. */
static size_t scan_overlapping(const struct peering_db *db, const struct prefix *pfx,
			       const struct registered_prefix **found)
{
	size_t n = 0;

	for (size_t i = 0; i < db->npeerings; i++)
		for (size_t j = 0; j < db->peerings[i]->nprefixes; j++) {
			const struct registered_prefix *rp = db->peerings[i]->prefixes[j];

			if (prefix_contains(&rp->pfx, pfx) || prefix_contains(pfx, &rp->pfx)) {
				*found = rp;
				n++;
			}
		}
	return n;
}

static struct prefix random_v4(unsigned int len)
{
	uint32_t addr = (uint32_t)random() << 1 ^ (uint32_t)random();
	struct prefix p = { .family = AF_INET, .len = (uint8_t)len };

	p.addr.v4.s_addr = htonl(len ? addr & (UINT32_MAX << (32 - len)) : 0);
	return p;
}

/* The indexes behind restore and key resolution agree with a scan. */
TEST_F(model, registration_index_matches_a_scan)
{
	struct registered_prefix *rp;
	size_t accepted = 0;
	char name[PE_NAME_MAX];

	srandom(7);
	self->c1->state = CONN_ACTIVE;
	for (int i = 0; i < 3000; i++) {
		/* Within 10.0.0.0/8 so that many collide. */
		struct prefix pfx = random_v4(12 + (unsigned int)random() % 13);
		const struct registered_prefix *other = NULL;
		size_t overlaps;

		pfx.addr.bytes[0] = 10;
		overlaps = scan_overlapping(self->db, &pfx, &other);
		snprintf(name, sizeof(name), "r%d", i);
		EXPECT_EQ(overlaps ? -EEXIST : 0,
			  pdb_restore_prefix(self->db, self->voice, name, &pfx,
					     &(struct prefix_key){ 0 }, 0, &rp, &self->why));
		accepted += !overlaps;
	}
	EXPECT_LT(100, accepted);
	/* Deletes keep the index in step: a third of them go. */
	for (size_t j = 0; j < self->voice->nprefixes; j += 2)
		ASSERT_EQ(0, pdb_del_registered_prefix(self->db, self->voice,
						       self->voice->prefixes[j]->name));
	for (int i = 0; i < 20000; i++) {
		struct prefix probe = random_v4(8 + (unsigned int)random() % 25);
		const struct registered_prefix *want = NULL;

		probe.addr.bytes[0] = 10;
		if (scan_overlapping(self->db, &probe, &want) != 1 ||
		    !prefix_contains(&want->pfx, &probe))
			want = NULL;
		ASSERT_EQ(want, pdb_registration_containing(self->db, &probe));
	}
	/* A name freed by a delete can be used again, a kept one cannot. */
	rp = self->voice->prefixes[0];
	snprintf(name, sizeof(name), "%s", rp->name);
	EXPECT_EQ(-EEXIST, pdb_restore_prefix(self->db, self->voice, name,
					      &(struct prefix){ .family = AF_INET, .len = 24,
								.addr.bytes = { 11 } },
					      &(struct prefix_key){ 0 }, 0, NULL, &self->why));
	EXPECT_STREQ("the peering has a registration with that name", self->why);
	/* Deleting the peering frees its prefixes for another one. */
	ASSERT_EQ(0, pdb_del_peering(self->db, "contoso"));
	for (int i = 0; i < 1000; i++) {
		struct prefix probe = random_v4(8 + (unsigned int)random() % 25);

		probe.addr.bytes[0] = 10;
		ASSERT_EQ(NULL, pdb_registration_containing(self->db, &probe));
	}
	ASSERT_EQ(0, pdb_add_peering(self->db, "contoso", 13335, PEERING_VOICE, &self->voice,
				     &self->why));
	EXPECT_EQ(0, pdb_restore_prefix(self->db, self->voice, name,
					&(struct prefix){ .family = AF_INET, .len = 8,
							  .addr.bytes = { 10 } },
					&(struct prefix_key){ 0 }, 0, NULL, &self->why));
}

TEST_HARNESS_MAIN
