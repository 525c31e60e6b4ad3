/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The model the agent benchmarks load: one voice peering "bench" (AS
 * FIXTURE_PEER_AS) with N registered /24s, each activated as a service
 * prefix with its key at location AMS, and an RPSL registry holding their
 * route objects among other operators' ones. Prefix i is
 * (44 + i / 65536).(i / 256 % 256).(i % 256).0/24.
 */
#ifndef PEEREDGE_EDGE_FIXTURE_H
#define PEEREDGE_EDGE_FIXTURE_H

#include <stdio.h>

#include "peering.h"
#include "prefix.h"
#include "state.h"

#define FIXTURE_PEER_AS 3320

static inline void fixture_prefix(unsigned i, struct prefix *p)
{
	char s[32];

	snprintf(s, sizeof(s), "%u.%u.%u.0/24", 44 + (i >> 16), (i >> 8) & 255, i & 255);
	prefix_parse(s, p);
}

/* nobjects route objects, the first nservices for the fixture's prefixes. 0 or -1. */
static inline int fixture_write_registry(const char *path, unsigned nservices, unsigned nobjects)
{
	FILE *f = fopen(path, "w");
	char text[PREFIX_STRLEN];
	struct prefix pfx;
	unsigned i;

	if (!f)
		return -1;
	for (i = 0; i < nobjects; i++) {
		if (i < nservices) {
			fixture_prefix(i, &pfx);
			fprintf(f, "route:  %s\norigin: AS%u\nsource: BENCH\n\n",
				prefix_format(&pfx, text, sizeof(text)), FIXTURE_PEER_AS);
		} else {	/* other operators' objects: /24s and /22s elsewhere */
			fprintf(f, "route:  %u.%u.%u.0/%u\ndescr:  generated\norigin: AS%u\n"
				"source: BENCH\n\n", 60 + (i >> 16) % 60, (i >> 8) & 255,
				i & 252, i & 1 ? 24 : 22, 200000 + i % 60000);
		}
	}
	return fclose(f) ? -1 : 0;
}

/* The state file: registrations and activations of nservices prefixes. 0 or -1 with err. */
static inline int fixture_write_state(const char *path, unsigned nservices, char *err,
				      size_t errlen)
{
	struct peering_db *db = pdb_new();
	struct registered_prefix *rp;
	struct service_prefix *sp;
	struct peering *p;
	const char *why = "out of memory";
	char name[32], text[PREFIX_STRLEN], key[PREFIX_KEY_STRLEN];
	struct prefix pfx;
	unsigned i;
	int ret = -1;

	if (!db || pdb_add_peering(db, "bench", FIXTURE_PEER_AS, PEERING_VOICE, &p, &why))
		goto out;
	for (i = 0; i < nservices; i++) {
		struct prefix_key k;

		fixture_prefix(i, &pfx);
		prefix_format(&pfx, text, sizeof(text));
		snprintf(name, sizeof(name), "r%u", i);
		if (prefix_key_generate(&k) ||
		    pdb_restore_prefix(db, p, name, &pfx, &k, 0, &rp, &why))
			goto out;
		snprintf(name, sizeof(name), "s%u", i);
		if (pdb_add_service_prefix(db, name, text, prefix_key_format(&k, key), "AMS", NULL,
					   0, &sp, &why))
			goto out;
	}
	why = NULL;
	ret = state_save(path, db, err, errlen);
out:
	if (why)
		snprintf(err, errlen, "cannot build the state: %s", why);
	pdb_free(db);
	return ret;
}

#endif
