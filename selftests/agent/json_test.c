// SPDX-License-Identifier: GPL-2.0
/* agent/json.c: escaping, nesting, numbers, misuse detection. */
#include <locale.h>
#include <wchar.h>

#include "kselftest_harness.h"

#include "json.h"

FIXTURE(json) {
	char *buf;
	size_t len;
	FILE *out;
	struct json_writer w;
	char rendered[512];
};

FIXTURE_SETUP(json)
{
	self->out = open_memstream(&self->buf, &self->len);
	ASSERT_NE(NULL, self->out);
	json_init(&self->w, self->out);
}

FIXTURE_TEARDOWN(json)
{
	fclose(self->out);
	free(self->buf);
}

/*
 * Writes s as one top-level string and returns the text, newline included.
 * The stream is rewound first; json_finish() flushes, which sets len.
 */
static const char *render_string(FIXTURE_DATA(json) *self, const char *s)
{
	rewind(self->out);
	json_string(&self->w, s);
	if (json_finish(&self->w))
		return "(json_finish failed)";
	snprintf(self->rendered, sizeof(self->rendered), "%.*s", (int)self->len, self->buf);
	return self->rendered;
}

TEST_F(json, quotes_and_backslash)
{
	EXPECT_STREQ("\"a\\\"b\\\\c/\"\n", render_string(self, "a\"b\\c/"));
	EXPECT_STREQ("\"\"\n", render_string(self, ""));
}

TEST_F(json, control_characters)
{
	EXPECT_STREQ("\"\\u0001\\b\\f\\n\\r\\t\\u001f\\u000b\"\n",
		     render_string(self, "\x01\b\f\n\r\t\x1f\v"));
	/* DEL needs no escape in JSON. */
	EXPECT_STREQ("\"\x7f\"\n", render_string(self, "\x7f"));
}

TEST_F(json, utf8_passes_through)
{
	/* 2, 3 and 4 byte sequences, and the highest code point. */
	EXPECT_STREQ("\"caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf\"\n",
		     render_string(self, "caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80 \xf4\x8f\xbf\xbf"));
}

TEST_F(json, invalid_utf8_is_replaced)
{
	/* stray continuation, lone lead byte, byte never valid */
	EXPECT_STREQ("\"a\\ufffdb\\ufffd\"\n", render_string(self, "a\x80" "b\xff"));
	/* sequence cut short by the end of the string */
	EXPECT_STREQ("\"\\ufffd\\ufffd\"\n", render_string(self, "\xe6\x97"));
	/* overlong encoding of '/' */
	EXPECT_STREQ("\"\\ufffd\\ufffd\"\n", render_string(self, "\xc0\xaf"));
	/* UTF-16 surrogate U+D800 */
	EXPECT_STREQ("\"\\ufffd\\ufffd\\ufffd\"\n", render_string(self, "\xed\xa0\x80"));
	/* above U+10FFFF */
	EXPECT_STREQ("\"\\ufffd\\ufffd\\ufffd\\ufffd\"\n", render_string(self, "\xf4\x90\x80\x80"));
	/* a lead byte followed by ASCII keeps the ASCII */
	EXPECT_STREQ("\"\\ufffdA\"\n", render_string(self, "\xc3" "A"));
}

/* Every string of two bytes comes out as valid UTF-8 with no raw controls. */
TEST_F(json, any_bytes_give_valid_output)
{
	unsigned int a, b;
	char in[3] = { 0 };
	const char *out;
	mbstate_t state;
	size_t i, n, len;

	ASSERT_NE(NULL, setlocale(LC_CTYPE, "C.UTF-8"));
	for (a = 1; a < 256; a++) {
		for (b = 0; b < 256; b++) {
			in[0] = a;
			in[1] = b;
			out = render_string(self, in);
			len = strlen(out);
			memset(&state, 0, sizeof(state));
			for (i = 0; i < len; i += n) {
				ASSERT_FALSE((unsigned char)out[i] < 0x20 && out[i] != '\n')
					TH_LOG("raw control in output of %02x %02x", a, b);
				n = mbrtowc(NULL, out + i, len - i, &state);
				ASSERT_LT(n, (size_t)-2) TH_LOG("invalid UTF-8 out of %02x %02x", a, b);
			}
		}
	}
}

TEST_F(json, nesting)
{
	json_start_object(&self->w);
	json_key(&self->w, "a");
	json_start_array(&self->w);
	json_u64(&self->w, 1);
	json_start_object(&self->w);
	json_kv_bool(&self->w, "b", true);
	json_end_object(&self->w);
	json_null(&self->w);
	json_string(&self->w, "x");
	json_start_array(&self->w);
	json_end_array(&self->w);
	json_end_array(&self->w);
	json_key(&self->w, "c");
	json_start_object(&self->w);
	json_end_object(&self->w);
	json_kv_string(&self->w, "d", NULL);
	json_end_object(&self->w);
	ASSERT_EQ(0, json_finish(&self->w));
	EXPECT_STREQ("{\"a\":[1,{\"b\":true},null,\"x\",[]],\"c\":{},\"d\":null}\n", self->buf);
}

TEST_F(json, keys_are_escaped)
{
	json_start_object(&self->w);
	json_kv_i64(&self->w, "we\"ird\n", -1);
	json_end_object(&self->w);
	ASSERT_EQ(0, json_finish(&self->w));
	EXPECT_STREQ("{\"we\\\"ird\\n\":-1}\n", self->buf);
}

TEST_F(json, number_limits)
{
	json_start_array(&self->w);
	json_u64(&self->w, UINT64_MAX);
	json_i64(&self->w, INT64_MIN);
	json_u64(&self->w, 0);
	json_bool(&self->w, false);
	json_end_array(&self->w);
	ASSERT_EQ(0, json_finish(&self->w));
	EXPECT_STREQ("[18446744073709551615,-9223372036854775808,0,false]\n", self->buf);
}

TEST_F(json, one_value_per_line)
{
	json_start_object(&self->w);
	json_kv_u64(&self->w, "n", 1);
	json_end_object(&self->w);
	ASSERT_EQ(0, json_finish(&self->w));
	json_start_object(&self->w);
	json_kv_u64(&self->w, "n", 2);
	json_end_object(&self->w);
	ASSERT_EQ(0, json_finish(&self->w));
	EXPECT_STREQ("{\"n\":1}\n{\"n\":2}\n", self->buf);
}

TEST_F(json, value_without_key_is_misuse)
{
	json_start_object(&self->w);
	json_u64(&self->w, 1);
	json_end_object(&self->w);
	EXPECT_EQ(-1, json_finish(&self->w));
}

TEST_F(json, key_outside_object_is_misuse)
{
	json_start_array(&self->w);
	json_key(&self->w, "k");
	json_end_array(&self->w);
	EXPECT_EQ(-1, json_finish(&self->w));
}

TEST_F(json, key_without_value_is_misuse)
{
	json_start_object(&self->w);
	json_key(&self->w, "k");
	json_end_object(&self->w);
	EXPECT_EQ(-1, json_finish(&self->w));
}

TEST_F(json, unbalanced_is_misuse)
{
	json_start_object(&self->w);
	json_end_array(&self->w);
	EXPECT_EQ(-1, json_finish(&self->w));

	json_start_array(&self->w);
	EXPECT_EQ(-1, json_finish(&self->w));

	json_end_array(&self->w);
	EXPECT_EQ(-1, json_finish(&self->w));

	EXPECT_EQ(-1, json_finish(&self->w));	/* nothing written */

	json_u64(&self->w, 1);
	json_u64(&self->w, 2);
	EXPECT_EQ(-1, json_finish(&self->w));	/* two top-level values */

	/* The writer recovers after each finish. */
	json_u64(&self->w, 3);
	EXPECT_EQ(0, json_finish(&self->w));
}

TEST_F(json, too_deep_is_refused)
{
	int i;

	for (i = 0; i < JSON_MAX_DEPTH + 5; i++)
		json_start_array(&self->w);
	for (i = 0; i < JSON_MAX_DEPTH + 5; i++)
		json_end_array(&self->w);
	EXPECT_EQ(-1, json_finish(&self->w));

	for (i = 0; i < JSON_MAX_DEPTH; i++)
		json_start_array(&self->w);
	for (i = 0; i < JSON_MAX_DEPTH; i++)
		json_end_array(&self->w);
	EXPECT_EQ(0, json_finish(&self->w));
}

TEST(write_error_is_reported)
{
	struct json_writer w;
	FILE *full = fopen("/dev/full", "w");

	ASSERT_NE(NULL, full);
	json_init(&w, full);
	json_string(&w, "lost");
	EXPECT_EQ(-1, json_finish(&w));
	fclose(full);
}

TEST_HARNESS_MAIN
