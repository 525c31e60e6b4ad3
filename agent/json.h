/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small streaming JSON writer: values go straight to a FILE as they are
 * produced, commas and nesting are tracked here, strings are escaped as
 * RFC 8259 requires (invalid UTF-8 becomes U+FFFD, so the output always
 * parses). Every -j output of peeredge and peeredged goes through it.
 *
 *	struct json_writer w;
 *	json_init(&w, stdout);
 *	json_start_object(&w);
 *	json_kv_string(&w, "peer", "192.0.2.1");
 *	json_kv_u64(&w, "rx_packets", 42);
 *	json_end_object(&w);
 *	if (json_finish(&w))	// newline, flush, report misuse or I/O error
 *		...
 *
 * Misuse (a value where a key is due, unbalanced ends, nesting deeper than
 * JSON_MAX_DEPTH) does not abort: the writer remembers it and json_finish()
 * reports it, so callers check once.
 */
#ifndef PEEREDGE_JSON_H
#define PEEREDGE_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 32

struct json_writer {
	FILE *out;
	unsigned int depth;			/* open containers */
	bool in_object[JSON_MAX_DEPTH + 1];	/* per depth: object, not array */
	bool has_members[JSON_MAX_DEPTH + 1];	/* per depth: a comma is due */
	bool key_pending;			/* a key was written, value due */
	bool misused;
};

void json_init(struct json_writer *w, FILE *out);

void json_start_object(struct json_writer *w);
void json_end_object(struct json_writer *w);
void json_start_array(struct json_writer *w);
void json_end_array(struct json_writer *w);

/* Member name inside an object; the next call writes its value. */
void json_key(struct json_writer *w, const char *key);

/* A NULL string is written as null. */
void json_string(struct json_writer *w, const char *s);
void json_u64(struct json_writer *w, uint64_t v);
void json_i64(struct json_writer *w, int64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);

/* "key": value in one call. */
void json_kv_string(struct json_writer *w, const char *key, const char *s);
void json_kv_u64(struct json_writer *w, const char *key, uint64_t v);
void json_kv_i64(struct json_writer *w, const char *key, int64_t v);
void json_kv_bool(struct json_writer *w, const char *key, bool v);

/*
 * Ends one top-level value: writes a newline and flushes, so a stream of
 * values is one per line. Returns 0, or -1 when the value was incomplete or
 * malformed, or writing failed. The writer is ready for the next value.
 */
int json_finish(struct json_writer *w);

#endif
