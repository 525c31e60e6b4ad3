/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The durable state: peerings, connections, registrations with their prefix
 * keys, peering service prefixes, and each prefix's last validation state
 * (so a restart keeps Warning prefixes in Warning instead of Failed).
 *
 * Format: ASCII text, one record per line, fields separated by one space,
 * every field a single token (names, prefixes and keys never hold blanks):
 *
 *   peeredge-state 1
 *   peering <name> <asn> voice|route-server
 *   connection <peering> <name> <neighbor> <location> <router> <conn-state>
 *   registered-prefix <peering> <name> <prefix> <key> <created-ms> <vstate>
 *   registered-asn <peering> <name> <asn> <key>
 *   service-prefix <name> <prefix-text> <key> <primary> <backup|-> <created-ms> <vstate>
 *   end <number of records> <FNV-1a 64 of every byte before this line, hex>
 *
 * A peering line comes before the lines naming it. Writing is atomic: a
 * temporary file next to the target, fsync, rename over it, fsync of the
 * directory; a crash leaves the old or the new file, never a mix. Reading
 * refuses, and never modifies, a file that is corrupt (bad syntax, missing
 * end line, record count or checksum mismatch) or of a newer version; a
 * daemon getting an error from state_load must not go on to overwrite it.
 */
#ifndef PEEREDGE_STATE_H
#define PEEREDGE_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "peering.h"

#define STATE_VERSION 1

/*
 * Reads path into a new db (*out, to pdb_free). 0; -ENOENT when there is
 * no file (start empty); another -errno with a sentence in err otherwise.
 */
int state_load(const char *path, struct peering_db **out, char *err, size_t errlen);
/* Replaces path atomically with db. 0, or -errno with a sentence in err. */
int state_save(const char *path, const struct peering_db *db, char *err, size_t errlen);

/*
 * The same in two steps, for a table too large to format in one go: the
 * records are added a batch at a time (the daemon's event loop between
 * batches), then the text is written, by another thread if need be (it is
 * the text's only user then). A record shows its object as it was when
 * it was added; one whose object changes later is the next save's. A change
 * to the db's structure (db->generation) since the first batch starts the
 * text over, so a peering's line always comes before the lines naming it.
 */
struct state_text {
	char *buf;		/* the lines so far, without the end line */
	size_t len, cap;
	unsigned long records;
	uint64_t generation;	/* the db's at the first batch */
	size_t peering;		/* the next record: db->peerings[peering]'s */
	size_t item;		/* item-th, or db->services[item] past the peerings */
};

/*
 * Adds up to max_records records of db to t: 1 when the text is complete,
 * 0 when more remain, -ENOMEM (t keeps what it had).
 */
int state_text_add(struct state_text *t, const struct peering_db *db, size_t max_records);
/* Empties t for another db or another save; keeps its buffer. */
void state_text_clear(struct state_text *t);
void state_text_free(struct state_text *t);
/*
 * Replaces path atomically with a complete text and its end line. 0, or
 * -errno with a sentence in err.
 */
int state_text_write(const char *path, const struct state_text *t, char *err, size_t errlen);

#endif
