// SPDX-License-Identifier: GPL-2.0
/* The state file: line records, checksummed, replaced atomically. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "asn.h"
#include "state.h"

#define STATE_MAGIC "peeredge-state"
#define STATE_MAX_FIELDS 8

static uint64_t fnv1a64(const char *data, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)data[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return ret;
}

/* ---- writing ---- */

/*
 * Room for more than need bytes after the text. The buffer is mapped, not
 * malloc'ed: growing it moves no bytes (mremap), where realloc in the
 * daemon's large heap copied the whole text at once into fresh pages, each
 * one a fault (11 us in the host's guest: a 113 ms slice at 100,000).
 */
static int text_reserve(struct state_text *t, size_t need)
{
	size_t cap = t->cap ? t->cap : 1 << 16;
	void *grown;

	while (cap - t->len <= need)
		cap *= 2;
	if (t->buf)
		grown = mremap(t->buf, t->cap, cap, MREMAP_MAYMOVE);
	else
		grown = mmap(NULL, cap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (grown == MAP_FAILED)
		return -ENOMEM;
	/*
	 * In huge pages, as the heap is: the text of a large table takes
	 * tens of MiB, kept between saves, and a daemon mapped in 4 KiB pages
	 * stalled at wake-up in a shadow-paged guest (peeredged(8)).
	 */
	madvise(grown, cap, MADV_HUGEPAGE);
	t->buf = grown;
	t->cap = cap;
	return 0;
}

/* Appends one formatted line to t; -ENOMEM. */
static int __attribute__((format(printf, 2, 3))) text_add(struct state_text *t,
							  const char *fmt, ...)
{
	va_list ap;
	int n, ret;

	for (;;) {
		va_start(ap, fmt);
		n = vsnprintf(t->buf ? t->buf + t->len : NULL, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -EINVAL;
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return 0;
		}
		ret = text_reserve(t, (size_t)n);
		if (ret < 0)
			return ret;
	}
}

/*
 * Record number item of peering p: its own line first, then its
 * connections, registered prefixes and registered ASNs.
 */
static int add_peering_record(struct state_text *t, const struct peering *p, size_t item)
{
	char key[PREFIX_KEY_STRLEN], pfx[PREFIX_STRLEN];
	const struct registered_prefix *rp;
	const struct registered_asn *ra;
	const struct connection *c;

	if (item == 0)
		return text_add(t, "peering %s %" PRIu32 " %s\n", p->name, p->asn,
				peering_kind_name(p->kind));
	item--;
	if (item < p->nconns) {
		c = p->conns[item];
		return text_add(t, "connection %s %s %s %s %s %s\n", p->name, c->name,
				c->neighbor, c->location, c->router, conn_state_name(c->state));
	}
	item -= p->nconns;
	if (item < p->nprefixes) {
		rp = p->prefixes[item];
		return text_add(t, "registered-prefix %s %s %s %s %" PRId64 " %s\n", p->name,
				rp->name, prefix_format(&rp->pfx, pfx, sizeof(pfx)),
				prefix_key_format(&rp->key, key), rp->created_ms,
				vstate_name(rp->result.state));
	}
	ra = p->asns[item - p->nprefixes];
	return text_add(t, "registered-asn %s %s %" PRIu32 " %s\n", p->name, ra->name, ra->asn,
			prefix_key_format(&ra->key, key));
}

static int add_service_record(struct state_text *t, const struct service_prefix *sp)
{
	char key[PREFIX_KEY_STRLEN];

	return text_add(t, "service-prefix %s %s %s %s %s %" PRId64 " %s\n", sp->name, sp->text,
			prefix_key_format(&sp->key, key), sp->primary,
			sp->backup[0] ? sp->backup : "-", sp->created_ms,
			vstate_name(sp->result.state));
}

int state_text_add(struct state_text *t, const struct peering_db *db, size_t max_records)
{
	int ret;

	if (t->len && t->generation != db->generation)
		state_text_clear(t);
	if (!t->len) {
		t->generation = db->generation;
		ret = text_add(t, STATE_MAGIC " %d\n", STATE_VERSION);
		if (ret < 0)
			return ret;
	}
	for (; max_records; max_records--) {
		if (t->peering < db->npeerings) {
			const struct peering *p = db->peerings[t->peering];

			ret = add_peering_record(t, p, t->item);
			if (ret < 0)
				return ret;
			if (++t->item == 1 + p->nconns + p->nprefixes + p->nasns) {
				t->peering++;
				t->item = 0;
			}
		} else if (t->item < db->nservices) {
			ret = add_service_record(t, db->services[t->item]);
			if (ret < 0)
				return ret;
			t->item++;
		} else {
			return 1;
		}
		t->records++;
	}
	return t->peering == db->npeerings && t->item == db->nservices;
}

void state_text_clear(struct state_text *t)
{
	t->len = 0;
	t->records = 0;
	t->peering = 0;
	t->item = 0;
}

void state_text_free(struct state_text *t)
{
	if (t->buf)
		munmap(t->buf, t->cap);
	memset(t, 0, sizeof(*t));
}

/* All of buf to fd, or -errno. */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Makes a rename in path's directory durable. */
static int fsync_parent(const char *path)
{
	char *copy = strdup(path);
	int fd, ret = 0;

	if (!copy)
		return -ENOMEM;
	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(copy);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		ret = -errno;
	close(fd);
	return ret;
}

int state_text_write(const char *path, const struct state_text *t, char *err, size_t errlen)
{
	char *tmp = NULL, end[64];
	int fd, ret, n;

	n = snprintf(end, sizeof(end), "end %lu %016" PRIx64 "\n", t->records,
		     fnv1a64(t->buf, t->len));
	if (asprintf(&tmp, "%s.tmp", path) < 0)
		return fail(err, errlen, -ENOMEM, "out of memory");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = fail(err, errlen, -errno, "cannot create %s: %s", tmp, strerror(errno));
		goto out;
	}
	ret = write_all(fd, t->buf, t->len);
	if (ret == 0)
		ret = write_all(fd, end, (size_t)n);
	if (ret == 0 && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && ret == 0)
		ret = -errno;
	if (ret == 0 && rename(tmp, path) < 0)
		ret = -errno;
	if (ret < 0) {
		unlink(tmp);
		ret = fail(err, errlen, ret, "cannot write %s: %s", path, strerror(-ret));
		goto out;
	}
	ret = fsync_parent(path);
	if (ret < 0)
		fail(err, errlen, ret, "cannot sync the directory of %s: %s", path,
		     strerror(-ret));
out:
	free(tmp);
	return ret;
}

int state_save(const char *path, const struct peering_db *db, char *err, size_t errlen)
{
	struct state_text t = { 0 };
	int ret = state_text_add(&t, db, SIZE_MAX);

	if (ret < 0)
		ret = fail(err, errlen, ret, "out of memory");
	else
		ret = state_text_write(path, &t, err, errlen);
	state_text_free(&t);
	return ret;
}

/* ---- reading ---- */

/* Splits line on single spaces; the number of fields, or -1 if too many. */
static int split_fields(char *line, char *fields[STATE_MAX_FIELDS])
{
	int n = 0;

	for (char *tok = strtok(line, " "); tok; tok = strtok(NULL, " ")) {
		if (n == STATE_MAX_FIELDS)
			return -1;
		fields[n++] = tok;
	}
	return n;
}

static int parse_int64(const char *s, int64_t *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno || end == s || *end ? -EINVAL : 0;
}

/* One record into db; NULL, or why it is refused. */
static const char *load_record(struct peering_db *db, char **f, int n)
{
	struct prefix_key key;
	struct prefix pfx;
	struct peering *p;
	enum peering_kind kind;
	enum conn_state cstate;
	enum vstate vstate;
	uint32_t asn;
	int64_t created;
	const char *why = NULL;

#define EXPECT(count) do { if (n != (count)) return "wrong number of fields"; } while (0)
	if (strcmp(f[0], "peering") == 0) {
		EXPECT(4);
		if (asn_parse(f[2], &asn) < 0 || peering_kind_parse(f[3], &kind) < 0)
			return "bad ASN or peering kind";
		return pdb_add_peering(db, f[1], asn, kind, NULL, &why) < 0 ? why : NULL;
	}
	if (strcmp(f[0], "service-prefix") == 0) {
		struct service_prefix *sp;

		EXPECT(8);
		if (parse_int64(f[6], &created) < 0 || vstate_parse(f[7], &vstate) < 0)
			return "bad time or validation state";
		if (pdb_add_service_prefix(db, f[1], f[2], f[3], f[4],
					   strcmp(f[5], "-") ? f[5] : NULL, created, &sp, &why) < 0)
			return why;
		sp->result.state = vstate;
		return NULL;
	}
	/* The remaining records all belong to a peering, named second. */
	p = n > 1 ? pdb_peering(db, f[1]) : NULL;
	if (!p)
		return "unknown record, or a peering not defined before";
	if (strcmp(f[0], "connection") == 0) {
		struct connection *c;

		EXPECT(7);
		if (conn_state_parse(f[6], &cstate) < 0)
			return "bad connection state";
		if (pdb_add_connection(db, p, f[2], f[3], f[4], f[5], &c, &why) < 0)
			return why;
		c->state = cstate;
		return NULL;
	}
	if (strcmp(f[0], "registered-prefix") == 0) {
		struct registered_prefix *rp;

		EXPECT(7);
		if (prefix_parse(f[3], &pfx) < 0 || prefix_key_parse(f[4], &key) < 0 ||
		    parse_int64(f[5], &created) < 0 || vstate_parse(f[6], &vstate) < 0)
			return "bad prefix, key, time or validation state";
		if (pdb_restore_prefix(db, p, f[2], &pfx, &key, created, &rp, &why) < 0)
			return why;
		rp->result.state = vstate;
		return NULL;
	}
	if (strcmp(f[0], "registered-asn") == 0) {
		EXPECT(5);
		if (asn_parse(f[3], &asn) < 0 || prefix_key_parse(f[4], &key) < 0)
			return "bad ASN or key";
		return pdb_restore_asn(db, p, f[2], asn, &key, NULL, &why) < 0 ? why : NULL;
	}
#undef EXPECT
	return "unknown record";
}

/* The whole file in a NUL-terminated buffer, or NULL with errno set. */
static char *read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf = NULL;
	size_t size = 0;
	ssize_t n;
	int saved = 0;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) < 0)
		saved = errno;
	else if (!(buf = malloc((size = (size_t)st.st_size) + 1)))
		saved = ENOMEM;
	else if ((n = pread(fd, buf, size, 0)) < 0 || (size_t)n != size)
		saved = n < 0 ? errno : EIO;
	close(fd);
	if (saved) {
		free(buf);
		errno = saved;
		return NULL;
	}
	buf[size] = '\0';
	*len = size;
	return buf;
}

/* Checks header, end line and checksum; *body_len = bytes before "end". */
static int check_envelope(const char *path, const char *text, size_t len, size_t *body_len,
			  unsigned long *records, char *err, size_t errlen)
{
	static const char magic[] = STATE_MAGIC " ";
	const char *version_at = text + sizeof(magic) - 1, *end_line;
	int header_len, end_len = 0;
	char end_check[17], *after;
	unsigned long version;
	uint64_t sum;

	/* Exactly "peeredge-state N\n": sscanf's blanks would take any or none. */
	if (strncmp(text, magic, sizeof(magic) - 1) || !isdigit((unsigned char)*version_at))
		return fail(err, errlen, -EINVAL, "%s is not a peeredge state file", path);
	version = strtoul(version_at, &after, 10);
	header_len = (int)(after - text);
	if (*after != '\n' || version < 1)
		return fail(err, errlen, -EINVAL, "%s is not a peeredge state file", path);
	if (version > STATE_VERSION)
		return fail(err, errlen, -EPROTONOSUPPORT,
			    "%s has state format version %lu, newer than version %d this "
			    "peeredge understands; refusing to use or overwrite it",
			    path, version, STATE_VERSION);
	if (len < 2 || text[len - 1] != '\n' || strlen(text) != len)
		return fail(err, errlen, -EINVAL, "%s is corrupt: truncated or binary", path);
	end_line = text + len - 1;
	while (end_line > text && end_line[-1] != '\n')
		end_line--;
	/* The end line comes after the header line, never is it, and holds
	 * nothing after the checksum. */
	if (end_line <= text + header_len || strncmp(end_line, "end ", 4) ||
	    !isdigit((unsigned char)end_line[4]) ||
	    sscanf(end_line, "end %lu %16[0-9a-f]%n", records, end_check, &end_len) != 2 ||
	    strlen(end_check) != 16 || end_line + end_len != text + len - 1)
		return fail(err, errlen, -EINVAL, "%s is corrupt: no end line", path);
	*body_len = (size_t)(end_line - text);
	sum = fnv1a64(text, *body_len);
	if (strtoull(end_check, NULL, 16) != sum)
		return fail(err, errlen, -EINVAL, "%s is corrupt: checksum mismatch", path);
	return 0;
}

int state_load(const char *path, struct peering_db **out, char *err, size_t errlen)
{
	size_t len, body_len = 0;
	unsigned long expected, records = 0, lineno = 1;
	char *text = read_file(path, &len), *line = text, *next;
	struct peering_db *db;
	int ret;

	if (!text)
		return fail(err, errlen, -errno, "cannot read %s: %s", path, strerror(errno));
	ret = check_envelope(path, text, len, &body_len, &expected, err, errlen);
	db = ret < 0 ? NULL : pdb_new();
	if (ret == 0 && !db)
		ret = fail(err, errlen, -ENOMEM, "out of memory");
	/* Line 1, the header, is checked; records start on line 2 and every
	 * one of them ends in '\n' (the end line follows them). */
	if (ret == 0) {
		text[body_len] = '\0';
		line = strchr(text, '\n') + 1;
	}
	for (; ret == 0 && *line; line = next, records++) {
		char *fields[STATE_MAX_FIELDS];
		const char *why;
		int n;

		next = strchr(line, '\n');
		*next++ = '\0';
		lineno++;
		n = split_fields(line, fields);
		why = n < 1 ? "empty or overlong line" : load_record(db, fields, n);
		if (why)
			ret = fail(err, errlen, -EINVAL, "%s is corrupt: line %lu: %s", path,
				   lineno, why);
	}
	if (ret == 0 && records != expected)
		ret = fail(err, errlen, -EINVAL, "%s is corrupt: %lu records, the end line says %lu",
			   path, records, expected);
	free(text);
	if (ret < 0) {
		pdb_free(db);
		return ret;
	}
	*out = db;
	return 0;
}
