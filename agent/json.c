// SPDX-License-Identifier: GPL-2.0
/* Streaming JSON writer; see json.h. */
#include <inttypes.h>
#include <string.h>

#include "json.h"

void json_init(struct json_writer *w, FILE *out)
{
	memset(w, 0, sizeof(*w));
	w->out = out;
}

/*
 * Length of the well-formed UTF-8 sequence starting at s (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or 0.
 */
static size_t utf8_sequence_length(const unsigned char *s, const unsigned char *end)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len, i;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4;
	else
		return 0;
	/* The second byte's range is narrower after a few lead bytes. */
	if (s[0] == 0xe0)
		lo = 0xa0;
	else if (s[0] == 0xed)
		hi = 0x9f;
	else if (s[0] == 0xf0)
		lo = 0x90;
	else if (s[0] == 0xf4)
		hi = 0x8f;
	if ((size_t)(end - s) < len || s[1] < lo || s[1] > hi)
		return 0;
	for (i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

static void write_escaped(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	const unsigned char *end = s + strlen(str);
	size_t len;

	fputc('"', out);
	while (s < end) {
		switch (*s) {
		case '"':  fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\b': fputs("\\b", out); break;
		case '\f': fputs("\\f", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*s < 0x20) {
				fprintf(out, "\\u%04x", *s);
			} else if (*s < 0x80) {
				fputc(*s, out);
			} else {
				len = utf8_sequence_length(s, end);
				if (!len) {
					fputs("\\ufffd", out);
					break;
				}
				fwrite(s, 1, len, out);
				s += len;
				continue;
			}
		}
		s++;
	}
	fputc('"', out);
}

/* Separator and bookkeeping before any value, container or not. */
static void begin_value(struct json_writer *w)
{
	if (w->key_pending) {
		w->key_pending = false;
		return;
	}
	if (w->in_object[w->depth])
		w->misused = true;	/* a member value with no key */
	if (w->has_members[w->depth]) {
		if (w->depth == 0)
			w->misused = true;	/* second top-level value */
		else
			fputc(',', w->out);
	}
	w->has_members[w->depth] = true;
}

static void start_container(struct json_writer *w, bool object)
{
	begin_value(w);
	if (w->depth == JSON_MAX_DEPTH) {
		w->misused = true;
		return;
	}
	fputc(object ? '{' : '[', w->out);
	w->depth++;
	w->in_object[w->depth] = object;
	w->has_members[w->depth] = false;
}

static void end_container(struct json_writer *w, bool object)
{
	if (w->depth == 0 || w->in_object[w->depth] != object || w->key_pending) {
		w->misused = true;
		return;
	}
	fputc(object ? '}' : ']', w->out);
	w->depth--;
}

void json_start_object(struct json_writer *w)
{
	start_container(w, true);
}

void json_end_object(struct json_writer *w)
{
	end_container(w, true);
}

void json_start_array(struct json_writer *w)
{
	start_container(w, false);
}

void json_end_array(struct json_writer *w)
{
	end_container(w, false);
}

void json_key(struct json_writer *w, const char *key)
{
	if (!w->in_object[w->depth] || w->key_pending) {
		w->misused = true;
		return;
	}
	if (w->has_members[w->depth])
		fputc(',', w->out);
	w->has_members[w->depth] = true;
	write_escaped(w->out, key);
	fputc(':', w->out);
	w->key_pending = true;
}

void json_string(struct json_writer *w, const char *s)
{
	begin_value(w);
	if (s)
		write_escaped(w->out, s);
	else
		fputs("null", w->out);
}

void json_u64(struct json_writer *w, uint64_t v)
{
	begin_value(w);
	fprintf(w->out, "%" PRIu64, v);
}

void json_i64(struct json_writer *w, int64_t v)
{
	begin_value(w);
	fprintf(w->out, "%" PRId64, v);
}

void json_bool(struct json_writer *w, bool v)
{
	begin_value(w);
	fputs(v ? "true" : "false", w->out);
}

void json_null(struct json_writer *w)
{
	begin_value(w);
	fputs("null", w->out);
}

void json_kv_string(struct json_writer *w, const char *key, const char *s)
{
	json_key(w, key);
	json_string(w, s);
}

void json_kv_u64(struct json_writer *w, const char *key, uint64_t v)
{
	json_key(w, key);
	json_u64(w, v);
}

void json_kv_i64(struct json_writer *w, const char *key, int64_t v)
{
	json_key(w, key);
	json_i64(w, v);
}

void json_kv_bool(struct json_writer *w, const char *key, bool v)
{
	json_key(w, key);
	json_bool(w, v);
}

int json_finish(struct json_writer *w)
{
	bool complete = w->depth == 0 && !w->key_pending && w->has_members[0];
	int ret = 0;

	fputc('\n', w->out);
	if (fflush(w->out) || ferror(w->out) || w->misused || !complete)
		ret = -1;
	json_init(w, w->out);
	return ret;
}
