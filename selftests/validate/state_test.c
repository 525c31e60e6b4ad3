// SPDX-License-Identifier: GPL-2.0
/* The state file: round trip, refusals that leave the file alone, crashes. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"

#include "../lib/fnv1a64.h"
#include "state.h"
#include "state_writer.h"

/* The file's bytes, NUL-terminated too. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0;

	if (!f)
		return NULL;
	*len = 0;
	for (;;) {
		buf = realloc(buf, cap += 65536);
		if (!buf)
			abort();
		size_t n = fread(buf + *len, 1, cap - *len, f);

		*len += n;
		if (n == 0)
			break;
	}
	buf[*len] = '\0';	/* each read leaves room: cap - len >= 65536 */
	fclose(f);
	return buf;
}

static void spill(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f || fwrite(data, 1, len, f) != len || fclose(f) != 0)
		abort();
}

/* body plus the end line state_save would write with `records`. */
static void spill_sealed(const char *path, const char *body, unsigned long records)
{
	char end[64];
	size_t blen = strlen(body);
	char *all = malloc(blen + sizeof(end));

	snprintf(end, sizeof(end), "end %lu %016" PRIx64 "\n", records, fnv1a64(body, blen));
	memcpy(all, body, blen);
	strcpy(all + blen, end);
	spill(path, all, strlen(all));
	free(all);
}

static const char key1[] = "00112233-4455-6677-8899-aabbccddeeff";

/* A db with one of everything; `variant` tells two states apart. */
static struct peering_db *sample_db(int variant)
{
	struct peering_db *db = pdb_new();
	struct peering *voice, *rs;
	struct connection *c;
	struct registered_prefix *rp;
	struct registered_asn *ra;
	struct service_prefix *sp;
	struct prefix_key k;
	const char *why;

	if (!db || prefix_key_parse(key1, &k) < 0 ||
	    pdb_add_peering(db, "contoso", 13335, PEERING_VOICE, &voice, &why) < 0 ||
	    pdb_add_connection(db, voice, "ams1", "198.51.100.1", "Amsterdam", "r1", &c, &why) < 0)
		abort();
	c->state = CONN_ACTIVE;
	if (pdb_add_connection(db, voice, "ams2", "2001:db8::5", "Amsterdam", "r2", &c, &why) < 0)
		abort();
	c->state = CONN_PROVISIONING_COMPLETED;
	if (pdb_register_prefix(db, voice, "sbc", "80.80.80.0/24", 1700000000123, &rp, &why) < 0)
		abort();
	rp->result.state = VSTATE_WARNING;
	if (pdb_add_service_prefix(db, "sbc-svc", "80.80.80.0/25", key1, "Amsterdam",
				   "Frankfurt", 1700000000456, &sp, &why) < 0)
		abort();
	sp->result.state = VSTATE_VERIFIED;
	if (pdb_add_service_prefix(db, "typo", "80.80.80.1/24", key1, "Amsterdam", NULL, -5,
				   &sp, &why) < 0)
		abort();
	sp->result.state = VSTATE_INVALID;
	for (int i = 0; i < variant * 50; i++) {
		char name[32], pfx[32];

		snprintf(name, sizeof(name), "extra%d", i);
		snprintf(pfx, sizeof(pfx), "81.0.%d.0/24", i);
		if (pdb_register_prefix(db, voice, name, pfx, i, NULL, &why) < 0)
			abort();
	}
	if (pdb_add_peering(db, "ixp", 3320, PEERING_ROUTE_SERVER, &rs, &why) < 0 ||
	    pdb_restore_asn(db, rs, "dtag", 3320, &k, &ra, &why) < 0)
		abort();
	return db;
}

FIXTURE(state) {
	char dir[64];
	char path[96];
	char err[256];
};

FIXTURE_SETUP(state)
{
	snprintf(self->dir, sizeof(self->dir), "/tmp/peeredge-state-XXXXXX");
	ASSERT_NE(NULL, mkdtemp(self->dir));
	snprintf(self->path, sizeof(self->path), "%s/state", self->dir);
}

FIXTURE_TEARDOWN(state)
{
	char tmp[128];

	snprintf(tmp, sizeof(tmp), "%s.tmp", self->path);
	unlink(tmp);
	unlink(self->path);
	rmdir(self->dir);
}

TEST_F(state, round_trip)
{
	struct peering_db *db = sample_db(1), *back = NULL;
	char again[128];
	size_t len1, len2;
	char *text1, *text2;
	struct service_prefix *sp;
	struct peering *p;

	ASSERT_EQ(0, state_save(self->path, db, self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	ASSERT_EQ(0, state_load(self->path, &back, self->err, sizeof(self->err))) TH_LOG("%s", self->err);

	p = pdb_peering(back, "contoso");
	ASSERT_NE(NULL, p);
	EXPECT_EQ(13335, p->asn);
	EXPECT_EQ(PEERING_VOICE, p->kind);
	ASSERT_EQ(2, p->nconns);
	EXPECT_STREQ("2001:db8::5", p->conns[1]->neighbor);
	EXPECT_EQ(CONN_PROVISIONING_COMPLETED, p->conns[1]->state);
	EXPECT_STREQ("r2", p->conns[1]->router);
	ASSERT_EQ(51, p->nprefixes);
	EXPECT_TRUE(prefix_key_equal(&pdb_peering(db, "contoso")->prefixes[0]->key,
				     &p->prefixes[0]->key));
	EXPECT_EQ(1700000000123, p->prefixes[0]->created_ms);
	EXPECT_EQ(VSTATE_WARNING, p->prefixes[0]->result.state);
	sp = pdb_service_prefix(back, "sbc-svc");
	ASSERT_NE(NULL, sp);
	EXPECT_STREQ("Frankfurt", sp->backup);
	EXPECT_EQ(VSTATE_VERIFIED, sp->result.state);
	sp = pdb_service_prefix(back, "typo");
	ASSERT_NE(NULL, sp);
	EXPECT_FALSE(sp->parsed);
	EXPECT_STREQ("", sp->backup);
	EXPECT_EQ(-5, sp->created_ms);
	ASSERT_NE(NULL, pdb_peering(back, "ixp"));
	EXPECT_EQ(3320, pdb_peering(back, "ixp")->asns[0]->asn);

	/* What was loaded saves to the very same bytes. */
	snprintf(again, sizeof(again), "%s/again", self->dir);
	ASSERT_EQ(0, state_save(again, back, self->err, sizeof(self->err)));
	text1 = slurp(self->path, &len1);
	text2 = slurp(again, &len2);
	ASSERT_EQ(len1, len2);
	EXPECT_EQ(0, memcmp(text1, text2, len1));
	EXPECT_EQ(0, strncmp("peeredge-state 1\npeering contoso 13335 voice\n", text1, 44));
	unlink(again);
	free(text1);
	free(text2);
	pdb_free(db);
	pdb_free(back);
}

TEST_F(state, empty_db_and_missing_file)
{
	struct peering_db *db = pdb_new(), *back = NULL;

	EXPECT_EQ(-ENOENT, state_load(self->path, &back, self->err, sizeof(self->err)));
	ASSERT_EQ(0, state_save(self->path, db, self->err, sizeof(self->err)));
	ASSERT_EQ(0, state_load(self->path, &back, self->err, sizeof(self->err)));
	EXPECT_EQ(0, back->npeerings);
	EXPECT_EQ(0, back->nservices);
	pdb_free(db);
	pdb_free(back);
}

/* Loads must fail with err containing `message`, leaving the file as it was. */
static void expect_refused(struct __test_metadata *_metadata, const char *path, int expected,
			   const char *message)
{
	struct peering_db *db = NULL;
	struct stat before, after;
	size_t len1, len2;
	char *text1 = slurp(path, &len1), *text2, err[256] = "";

	ASSERT_EQ(0, stat(path, &before));
	EXPECT_EQ(expected, state_load(path, &db, err, sizeof(err))) TH_LOG("%s", message);
	EXPECT_EQ(NULL, db);
	EXPECT_NE(NULL, strstr(err, message)) TH_LOG("err \"%s\", want \"%s\"", err, message);
	text2 = slurp(path, &len2);
	ASSERT_EQ(0, stat(path, &after));
	ASSERT_EQ(len1, len2);
	EXPECT_EQ(0, memcmp(text1, text2, len1));
	EXPECT_EQ(before.st_ino, after.st_ino);
	EXPECT_EQ(before.st_mtim.tv_nsec, after.st_mtim.tv_nsec);
	free(text1);
	free(text2);
}

TEST_F(state, corrupt_files_are_refused_untouched)
{
	struct peering_db *db = sample_db(0);
	size_t len, off;
	char *good, *bad;

	ASSERT_EQ(0, state_save(self->path, db, self->err, sizeof(self->err)));
	good = slurp(self->path, &len);
	bad = malloc(len + 1);

	/* A flipped bit in a record. */
	memcpy(bad, good, len);
	bad[30] ^= 0x01;
	spill(self->path, bad, len);
	expect_refused(_metadata, self->path, -EINVAL, "is corrupt: checksum mismatch");

	/* Cut in the middle of a line, then right before the end line. */
	spill(self->path, good, len / 2);
	expect_refused(_metadata, self->path, -EINVAL, "is corrupt: truncated or binary");
	spill(self->path, good, (size_t)(strstr(good, "\nend ") + 1 - good));
	expect_refused(_metadata, self->path, -EINVAL, "is corrupt: no end line");

	/* More on the end line after its checksum. */
	memcpy(bad, good, len - 1);
	memcpy(bad + len - 1, "0\n", 2);
	spill(self->path, bad, len + 1);
	expect_refused(_metadata, self->path, -EINVAL, "is corrupt: no end line");

	/* A sign before the end line's count. */
	off = (size_t)(strstr(good, "\nend ") + 5 - good);
	memcpy(bad, good, off);
	bad[off] = '+';
	memcpy(bad + off + 1, good + off, len - off);
	spill(self->path, bad, len + 1);
	expect_refused(_metadata, self->path, -EINVAL, "is corrupt: no end line");

	/* Only a header; an end line with no header before it. */
	spill(self->path, "peeredge-state 1\n", 17);
	expect_refused(_metadata, self->path, -EINVAL, "is corrupt: no end line");
	spill(self->path, strstr(good, "end "), strlen(strstr(good, "end ")));
	expect_refused(_metadata, self->path, -EINVAL, "is not a peeredge state file");

	/* A NUL byte. */
	memcpy(bad, good, len);
	bad[40] = '\0';
	spill(self->path, bad, len);
	expect_refused(_metadata, self->path, -EINVAL, "truncated or binary");

	spill(self->path, "", 0);
	expect_refused(_metadata, self->path, -EINVAL, "is not a peeredge state file");
	spill(self->path, "\x7f" "ELF\x02\x01\x01", 7);
	expect_refused(_metadata, self->path, -EINVAL, "is not a peeredge state file");
	free(good);
	free(bad);
	pdb_free(db);
}

TEST_F(state, bad_records_in_a_sealed_file)
{
	static const struct {
		const char *body;
		unsigned long records;
		const char *message;
	} cases[] = {
		{ "peeredge-state 1\nbogus record\n", 1, "line 2: unknown record" },
		{ "peeredge-state 1\nconnection nobody c1 192.0.2.1 A r1 Active\n", 1,
		  "line 2: unknown record, or a peering not defined before" },
		{ "peeredge-state 1\npeering p 64512 voice\n", 1, "line 2: the peer ASN must be public" },
		{ "peeredge-state 1\npeering p 13335 satellite\n", 1, "line 2: bad ASN or peering kind" },
		{ "peeredge-state 1\npeering p 13335 voice extra\n", 1, "line 2: wrong number of fields" },
		{ "peeredge-state 1\npeering p 13335 voice\n\n", 2, "line 3: empty or overlong line" },
		{ "peeredge-state 1\npeering p 13335 voice\npeering p 13335 voice\n", 2,
		  "line 3: a peering with that name exists" },
		{ "peeredge-state 1\npeering p 13335 voice\n"
		  "registered-prefix p sbc 80.80.80.0/24 nokey 0 None\n", 2,
		  "line 3: bad prefix, key, time or validation state" },
		{ "peeredge-state 1\npeering p 13335 voice\n"
		  "connection p c1 192.0.2.1 A r1 Sleeping\n", 2, "line 3: bad connection state" },
		{ "peeredge-state 1\nservice-prefix s 80.80.80.0/24 00112233445566778899aabbccddeeff "
		  "A - 12x Verified\n", 1, "line 2: bad time or validation state" },
		{ "peeredge-state 1\npeering p 13335 voice\n", 2,
		  "1 records, the end line says 2" },
		/* The header exactly: no blank missing, no sign, on one line. */
		{ "peeredge-state1\npeering p 13335 voice\n", 1, "is not a peeredge state file" },
		{ "peeredge-state +1\npeering p 13335 voice\n", 1, "is not a peeredge state file" },
		{ "peeredge-state\n1\npeering p 13335 voice\n", 1, "is not a peeredge state file" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		spill_sealed(self->path, cases[i].body, cases[i].records);
		expect_refused(_metadata, self->path, -EINVAL, cases[i].message);
	}
	/* The forging itself is right: a good body loads. */
	spill_sealed(self->path, "peeredge-state 1\npeering p 13335 voice\n", 1);
	struct peering_db *db = NULL;
	ASSERT_EQ(0, state_load(self->path, &db, self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	pdb_free(db);
}

TEST_F(state, newer_version_is_refused_untouched)
{
	spill_sealed(self->path, "peeredge-state 2\nsomething new\n", 1);
	expect_refused(_metadata, self->path, -EPROTONOSUPPORT,
		       "has state format version 2, newer than version 1 this peeredge "
		       "understands; refusing to use or overwrite it");
}

TEST_F(state, save_failure_reports)
{
	struct peering_db *db = pdb_new();

	EXPECT_EQ(-ENOENT, state_save("/nonexistent/dir/state", db, self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "cannot create /nonexistent/dir/state.tmp"));
	pdb_free(db);
}

static bool same_bytes(const char *path1, const char *path2)
{
	size_t len1, len2;
	char *text1 = slurp(path1, &len1), *text2 = slurp(path2, &len2);
	bool same = text1 && text2 && len1 == len2 && !memcmp(text1, text2, len1);

	free(text1);
	free(text2);
	return same;
}

/* The file at path holds exactly what state_save would write for db now. */
static bool saved_as(const char *path, const struct peering_db *db, const char *dir)
{
	char sync_path[128], err[256];
	bool same;

	snprintf(sync_path, sizeof(sync_path), "%s/sync", dir);
	if (state_save(sync_path, db, err, sizeof(err)) < 0)
		abort();
	same = same_bytes(path, sync_path);
	unlink(sync_path);
	return same;
}

TEST_F(state, a_save_in_batches_writes_what_one_save_writes)
{
	struct peering_db *db = sample_db(1), *back = NULL;
	struct state_writer w = { 0 };
	int ret, batches = 0;

	EXPECT_EQ(0, state_writer_reap(&w, self->err, sizeof(self->err)));
	do {
		ret = state_writer_format(&w, db, 7);
		batches++;
		EXPECT_TRUE(state_writer_formatting(&w));
	} while (ret == 0);
	ASSERT_EQ(1, ret);
	EXPECT_EQ(9, batches);	/* 58 records, 7 a batch */
	ASSERT_EQ(0, state_writer_start(&w, self->path, self->err, sizeof(self->err)))
		TH_LOG("%s", self->err);
	EXPECT_TRUE(state_writer_busy(&w));
	EXPECT_FALSE(state_writer_formatting(&w));
	ASSERT_EQ(1, state_writer_reap(&w, self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	EXPECT_FALSE(state_writer_busy(&w));
	EXPECT_EQ(0, state_writer_reap(&w, self->err, sizeof(self->err)));
	EXPECT_TRUE(saved_as(self->path, db, self->dir));
	ASSERT_EQ(0, state_load(self->path, &back, self->err, sizeof(self->err)));
	EXPECT_EQ(51, pdb_peering(back, "contoso")->nprefixes);
	state_writer_free(&w);
	pdb_free(db);
	pdb_free(back);
}

/* A peering line must come before the lines naming it, whatever changed. */
TEST_F(state, a_change_of_structure_while_formatting_starts_the_text_over)
{
	struct peering_db *db = sample_db(1);
	struct peering *late;
	struct state_writer w = { 0 };
	const char *why;
	int ret;

	ASSERT_EQ(0, state_writer_format(&w, db, 10));
	ASSERT_EQ(0, pdb_register_prefix(db, pdb_peering(db, "contoso"), "late", "82.0.0.0/24",
					  1, NULL, &why));
	ASSERT_EQ(0, pdb_add_peering(db, "a-late-one", 3356, PEERING_VOICE, &late, &why));
	ASSERT_EQ(0, state_writer_format(&w, db, 10));
	/* Its line is in the text already. */
	ASSERT_EQ(0, pdb_del_registered_prefix(db, pdb_peering(db, "contoso"), "sbc"));
	while ((ret = state_writer_format(&w, db, 10)) == 0)
		;
	ASSERT_EQ(1, ret);
	ASSERT_EQ(0, state_writer_start(&w, self->path, self->err, sizeof(self->err)));
	ASSERT_EQ(1, state_writer_reap(&w, self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	EXPECT_TRUE(saved_as(self->path, db, self->dir));
	state_writer_free(&w);
	pdb_free(db);
}

/* The thread writes the text; the loop goes on changing its db meanwhile. */
TEST_F(state, the_thread_writes_the_text_not_the_db)
{
	struct peering_db *db = sample_db(1), *back = NULL;
	struct state_writer w = { 0 };
	char was[128];
	const char *why;

	snprintf(was, sizeof(was), "%s/was", self->dir);
	ASSERT_EQ(0, state_save(was, db, self->err, sizeof(self->err)));
	ASSERT_EQ(1, state_writer_format(&w, db, SIZE_MAX));
	ASSERT_EQ(0, state_writer_start(&w, self->path, self->err, sizeof(self->err)));
	ASSERT_EQ(-EBUSY, state_writer_format(&w, db, 1));
	pdb_service_prefix(db, "sbc-svc")->result.state = VSTATE_FAILED;
	ASSERT_EQ(0, pdb_del_peering(db, "ixp"));
	ASSERT_EQ(0, pdb_register_prefix(db, pdb_peering(db, "contoso"), "late", "82.0.0.0/24",
					  1, NULL, &why));
	ASSERT_EQ(1, state_writer_reap(&w, self->err, sizeof(self->err))) TH_LOG("%s", self->err);
	EXPECT_TRUE(same_bytes(self->path, was));
	unlink(was);
	ASSERT_EQ(0, state_load(self->path, &back, self->err, sizeof(self->err)));
	EXPECT_EQ(VSTATE_VERIFIED, pdb_service_prefix(back, "sbc-svc")->result.state);
	state_writer_free(&w);
	pdb_free(db);
	pdb_free(back);
}

/* This process's threads (the writer among them) that run with policy. */
static int threads_with_policy(int policy)
{
	DIR *dir = opendir("/proc/self/task");
	struct dirent *de;
	int n = 0;

	if (!dir)
		abort();
	while ((de = readdir(dir)))
		if (de->d_name[0] != '.' && sched_getscheduler(atoi(de->d_name)) == policy)
			n++;
	closedir(dir);
	return n;
}

/*
 * The event loop watches done_fd instead of joining at once: it must not be
 * readable while the thread works, and must turn readable when it is
 * through. A FIFO in place of the temporary file holds the thread in
 * open() until the test opens the other end; meanwhile it is seen to run
 * as SCHED_IDLE, below the loop.
 */
TEST_F(state, done_fd_turns_readable_when_the_thread_is_through)
{
	struct peering_db *db = sample_db(0);
	struct state_writer w = { 0 };
	struct pollfd pfd = { .events = POLLIN };
	char tmp[128], buf[4096];
	int reader;

	snprintf(tmp, sizeof(tmp), "%s.tmp", self->path);
	ASSERT_EQ(0, mkfifo(tmp, 0600));
	ASSERT_EQ(1, state_writer_format(&w, db, SIZE_MAX));
	ASSERT_EQ(0, state_writer_start(&w, self->path, self->err, sizeof(self->err)));
	pfd.fd = w.done_fd;
	EXPECT_EQ(0, poll(&pfd, 1, 200));
	EXPECT_EQ(1, threads_with_policy(SCHED_IDLE));
	reader = open(tmp, O_RDONLY | O_NONBLOCK);
	ASSERT_LE(0, reader);
	ASSERT_EQ(1, poll(&pfd, 1, 10000));
	EXPECT_LT(0, read(reader, buf, sizeof(buf)));	/* what it wrote to the FIFO */
	close(reader);
	/* A FIFO cannot be fsynced: the save fails, and says so. */
	EXPECT_EQ(-1, state_writer_reap(&w, self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "cannot write")) TH_LOG("%s", self->err);
	EXPECT_NE(0, access(self->path, F_OK));
	EXPECT_NE(0, access(tmp, F_OK));
	state_writer_free(&w);
	pdb_free(db);
}

TEST_F(state, one_background_save_at_a_time)
{
	struct peering_db *db = sample_db(2);
	struct state_writer w = { 0 };

	ASSERT_EQ(1, state_writer_format(&w, db, SIZE_MAX));
	ASSERT_EQ(0, state_writer_start(&w, self->path, self->err, sizeof(self->err)));
	EXPECT_EQ(-EBUSY, state_writer_start(&w, self->path, self->err, sizeof(self->err)));
	EXPECT_STREQ("a state file save is already running", self->err);
	EXPECT_EQ(1, state_writer_reap(&w, self->err, sizeof(self->err)));
	EXPECT_TRUE(saved_as(self->path, db, self->dir));
	state_writer_free(&w);
	pdb_free(db);
}

TEST_F(state, a_failed_background_save_says_why)
{
	struct peering_db *db = pdb_new();
	struct state_writer w = { 0 };

	ASSERT_EQ(1, state_writer_format(&w, db, SIZE_MAX));
	ASSERT_EQ(0, state_writer_start(&w, "/nonexistent/dir/state", self->err,
					sizeof(self->err)));
	EXPECT_EQ(-1, state_writer_reap(&w, self->err, sizeof(self->err)));
	EXPECT_NE(NULL, strstr(self->err, "cannot create /nonexistent/dir/state.tmp"))
		TH_LOG("%s", self->err);
	EXPECT_FALSE(state_writer_busy(&w));
	state_writer_free(&w);
	pdb_free(db);
}

TEST_F(state, a_dropped_text_writes_nothing)
{
	struct peering_db *db = sample_db(1);
	struct state_writer w = { 0 };

	ASSERT_EQ(0, state_writer_format(&w, db, 5));
	state_writer_drop(&w);
	EXPECT_FALSE(state_writer_formatting(&w));
	EXPECT_EQ(0, state_writer_reap(&w, self->err, sizeof(self->err)));
	EXPECT_NE(0, access(self->path, F_OK));
	/* The next save starts from the first record. */
	ASSERT_EQ(1, state_writer_format(&w, db, SIZE_MAX));
	ASSERT_EQ(0, state_writer_start(&w, self->path, self->err, sizeof(self->err)));
	ASSERT_EQ(1, state_writer_reap(&w, self->err, sizeof(self->err)));
	EXPECT_TRUE(saved_as(self->path, db, self->dir));
	state_writer_free(&w);
	pdb_free(db);
}

/*
 * A child saves two states in turn, forever; it is killed -9 at random
 * moments. The file must always load, as exactly one of the two.
 */
TEST_F(state, kill_9_while_writing)
{
	enum { KILLS = 40 };
	struct peering_db *a = sample_db(0), *b = sample_db(2), *db;
	char path_a[128], path_b[128];
	size_t len_a, len_b, len;
	char *text_a, *text_b, *text;
	unsigned int seen_a = 0, seen_b = 0;

	snprintf(path_a, sizeof(path_a), "%s/a", self->dir);
	snprintf(path_b, sizeof(path_b), "%s/b", self->dir);
	ASSERT_EQ(0, state_save(path_a, a, self->err, sizeof(self->err)));
	ASSERT_EQ(0, state_save(path_b, b, self->err, sizeof(self->err)));
	text_a = slurp(path_a, &len_a);
	text_b = slurp(path_b, &len_b);
	unlink(path_a);
	unlink(path_b);
	ASSERT_EQ(0, state_save(self->path, a, self->err, sizeof(self->err)));
	srand((unsigned int)time(NULL));

	for (int k = 0; k < KILLS; k++) {
		pid_t pid = fork();
		int status;

		ASSERT_GE(pid, 0);
		if (pid == 0) {
			char err[256];

			for (unsigned long n = 0;; n++)
				state_save(self->path, n % 2 ? b : a, err, sizeof(err));
		}
		usleep((useconds_t)(rand() % 20000));
		ASSERT_EQ(0, kill(pid, SIGKILL));
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_TRUE(WIFSIGNALED(status));

		db = NULL;
		ASSERT_EQ(0, state_load(self->path, &db, self->err, sizeof(self->err)))
			TH_LOG("after kill %d: %s", k, self->err);
		pdb_free(db);
		text = slurp(self->path, &len);
		if (len == len_a && memcmp(text, text_a, len) == 0)
			seen_a++;
		else if (len == len_b && memcmp(text, text_b, len) == 0)
			seen_b++;
		else
			ASSERT_TRUE(false) TH_LOG("after kill %d: neither state", k);
		free(text);
	}
	TH_LOG("%d kills: old/new state A %u times, B %u times", KILLS, seen_a, seen_b);
	free(text_a);
	free(text_b);
	pdb_free(a);
	pdb_free(b);
}

TEST_HARNESS_MAIN
