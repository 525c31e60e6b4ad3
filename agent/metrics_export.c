// SPDX-License-Identifier: GPL-2.0
/* The metrics over HTTP and to a textfile; see metrics_export.h. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <syslog.h>
#include <unistd.h>

#include "cli_util.h"
#include "client_pool.h"
#include "edge.h"
#include "metrics_export.h"
#include "prom_text.h"

/* The file is rewritten this soon after a state change, not sooner. */
#define METRICS_FILE_MIN_GAP_MS 1000

/* A scraper; its one response is the client's answer. */
struct metrics_client {
	struct client c;
	size_t rlen;
	char req[METRICS_REQUEST_MAX];
};

struct metrics_export {
	struct client_pool pool;	/* first: its watch is the listener's */
	struct metrics_source src;
	char *file, *tmp;
	uint64_t file_written, file_fingerprint;
	bool file_failing;
};

/* ---- listen address ---- */

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int metrics_listen_parse(const char *text, struct sockaddr_storage *ss, socklen_t *len,
			 char *err, size_t errlen)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	char host[INET6_ADDRSTRLEN + 2] = METRICS_DEFAULT_ADDR;
	const char *port = text, *colon = strrchr(text, ':');
	uint32_t p;

	memset(ss, 0, sizeof(*ss));
	if (colon) {
		size_t n = (size_t)(colon - text);

		if (text[0] == '[' && n >= 2 && text[n - 1] == ']') {
			text++;
			n -= 2;
		} else if (memchr(text, ':', n)) {
			return fail(err, errlen, "'%s': write an IPv6 address in brackets, "
				    "[ADDR]:PORT", text);
		}
		if (n == 0 || n >= sizeof(host))
			return fail(err, errlen, "'%s' is not ADDR:PORT", text);
		memcpy(host, text, n);
		host[n] = '\0';
		port = colon + 1;
	}
	if (cli_parse_u32(port, 1, 65535, &p))
		return fail(err, errlen, "'%s' is not a port (1-65535)", port);
	if (inet_pton(AF_INET, host, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)p);
		*len = sizeof(*sin);
	} else if (inet_pton(AF_INET6, host, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)p);
		*len = sizeof(*sin6);
	} else {
		return fail(err, errlen, "'%s' is not an IPv4 or IPv6 address", host);
	}
	return 0;
}

/* ---- HTTP clients ---- */

static void respond(struct client *c, const char *status, const char *extra_header,
		    bool with_body)
{
	struct metrics_export *m = (struct metrics_export *)c->pool;
	char *body = NULL;
	size_t body_len = 0;
	FILE *out = open_memstream(&c->out, &c->out_len);
	FILE *b;

	if (!out) {
		client_close(c);
		return;
	}
	b = open_memstream(&body, &body_len);
	if (b) {
		if (!strncmp(status, "200", 3))
			metrics_write(b, &m->src);
		else
			fprintf(b, "%s\n", status);
		fclose(b);
	}
	fprintf(out, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s"
		"Connection: close\r\n\r\n", status,
		!strncmp(status, "200", 3) ? PROM_CONTENT_TYPE : "text/plain; charset=utf-8",
		body_len, extra_header);
	if (with_body && body)
		fwrite(body, 1, body_len, out);
	free(body);
	if (fclose(out) || !b) {
		client_close(c);
		return;
	}
	client_send(c);
}

/* The request line of a complete head: METHOD SP TARGET SP HTTP/1.x. */
static void handle_request(struct metrics_client *mc)
{
	struct client *c = &mc->c;
	char *line = mc->req, *end = strpbrk(line, "\r\n"), *target, *version;
	bool head;

	*end = '\0';
	target = strchr(line, ' ');
	version = target ? strchr(target + 1, ' ') : NULL;
	if (!version || strchr(version + 1, ' ') || target == line || version == target + 1 ||
	    (strcmp(version + 1, "HTTP/1.0") && strcmp(version + 1, "HTTP/1.1"))) {
		respond(c, "400 Bad Request", "", true);
		return;
	}
	*target++ = '\0';
	*version = '\0';
	head = !strcmp(line, "HEAD");
	if (strcmp(line, "GET") && !head)
		respond(c, "405 Method Not Allowed", "Allow: GET, HEAD\r\n", true);
	else if (strcmp(target, "/metrics") && strncmp(target, "/metrics?", 9))
		respond(c, "404 Not Found", "", !head);
	else
		respond(c, "200 OK", "", !head);
}

static void client_readable(struct client *c)
{
	struct metrics_client *mc = (struct metrics_client *)c;
	/* One byte kept for the NUL that makes the head a string. */
	ssize_t n = read(c->w.fd, mc->req + mc->rlen, sizeof(mc->req) - 1 - mc->rlen);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		client_close(c);
		return;
	}
	mc->rlen += (size_t)n;
	mc->req[mc->rlen] = '\0';
	if (strlen(mc->req) != mc->rlen)
		respond(c, "400 Bad Request", "", true);
	else if (strstr(mc->req, "\r\n\r\n") || strstr(mc->req, "\n\n"))
		handle_request(mc);
	else if (mc->rlen == sizeof(mc->req) - 1)
		respond(c, "431 Request Header Fields Too Large", "", true);
}

/* Room is made by closing a client not being answered. */
static bool client_evictable(const struct client *c)
{
	return c->phase == CLIENT_READING || c->phase == CLIENT_DRAINING;
}

static int listen_on(struct metrics_export *m, const char *text, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int one = 1, fd;

	if (metrics_listen_parse(text, &ss, &len, err, errlen))
		return -1;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return fail(err, errlen, "metrics socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, 16)) {
		close(fd);
		return fail(err, errlen, "metrics on %s: %s", text, strerror(errno));
	}
	if (client_pool_listen(&m->pool, fd))
		return fail(err, errlen, "metrics on %s: %s", text, strerror(errno));
	return 0;
}

/* ---- textfile ---- */

/* FNV-1a over everything whose change should reach the file at once. */
static uint64_t state_fingerprint(const struct metrics_source *src)
{
	const struct peering_db *db = src->edge->db;
	uint64_t h = 14695981039346656037ull;

#define MIX(v) (h = (h ^ (uint64_t)(v)) * 1099511628211ull)
	MIX(src->d->n_sessions);
	for (size_t i = 0; i < src->d->n_sessions; i++) {
		MIX(src->d->sessions[i]->state);
		MIX(src->edge->bfd_up[src->d->sessions[i]->rib_peer]);
	}
	MIX(db->generation);
	for (size_t i = 0; i < db->npeerings; i++) {
		for (size_t j = 0; j < db->peerings[i]->nconns; j++)
			MIX(db->peerings[i]->conns[j]->state);
		for (size_t j = 0; j < db->peerings[i]->nprefixes; j++)
			MIX(db->peerings[i]->prefixes[j]->result.state);
	}
	for (size_t i = 0; i < db->nservices; i++)
		MIX(db->services[i]->result.state);
#undef MIX
	return h;
}

static int write_file(struct metrics_export *m)
{
	FILE *f = fopen(m->tmp, "w");
	int err;

	if (!f)
		return -errno;
	metrics_write(f, &m->src);
	err = ferror(f) ? EIO : 0;
	if (fclose(f) && !err)
		err = errno;
	if (!err && rename(m->tmp, m->file))
		err = errno;
	if (err)
		unlink(m->tmp);
	return -err;
}

static void file_turn(struct metrics_export *m)
{
	uint64_t now = m->src.d->now(), fp = state_fingerprint(&m->src);
	int err;

	if (now - m->file_written < METRICS_FILE_INTERVAL_MS &&
	    (fp == m->file_fingerprint || now - m->file_written < METRICS_FILE_MIN_GAP_MS))
		return;
	err = write_file(m);
	m->file_written = now;
	m->file_fingerprint = fp;
	/* Said once when it starts failing and once when it works again. */
	if (err && !m->file_failing)
		bgpd_log(m->src.d, LOG_ERR, "metrics file %s: %s", m->file, strerror(-err));
	else if (!err && m->file_failing)
		bgpd_log(m->src.d, LOG_NOTICE, "metrics file %s: written again", m->file);
	m->file_failing = err != 0;
}

/* ---- the whole ---- */

struct metrics_export *metrics_export_open(const struct metrics_source *src, const char *listen,
					   const char *file, char *err, size_t errlen)
{
	struct metrics_export *m = calloc(1, sizeof(*m));

	if (!m) {
		fail(err, errlen, "out of memory");
		return NULL;
	}
	m->src = *src;
	m->pool = (struct client_pool){
		.w.fd = -1, .d = src->d, .max = METRICS_CLIENTS_MAX,
		.size = sizeof(struct metrics_client),
		.read_events = EPOLLIN | EPOLLRDHUP, .readable = client_readable,
		/* Connection: close, after the one response. */
		.answered = client_drain, .evictable = client_evictable,
	};
	if (listen && listen_on(m, listen, err, errlen))
		goto fail;
	if (file) {
		/* Absolute: the daemon changes to / when it detaches. */
		char cwd[4096];

		if (file[0] == '/')
			m->file = strdup(file);
		else if (!getcwd(cwd, sizeof(cwd)) || asprintf(&m->file, "%s/%s", cwd, file) < 0)
			m->file = NULL;
		if (!m->file || asprintf(&m->tmp, "%s.tmp", m->file) < 0) {
			m->tmp = NULL;
			fail(err, errlen, "out of memory");
			goto fail;
		}
		int werr = write_file(m);

		if (werr) {
			fail(err, errlen, "metrics file %s: %s", file, strerror(-werr));
			goto fail;
		}
		m->file_written = src->d->now();
		m->file_fingerprint = state_fingerprint(src);
	}
	return m;
fail:
	metrics_export_close(m);
	return NULL;
}

void metrics_export_turn(struct metrics_export *m)
{
	uint64_t now;

	if (!m)
		return;
	now = m->src.d->now();
	for (struct client *c = m->pool.clients; c; c = c->next)
		if (c->phase != CLIENT_DEAD && now - c->active >= METRICS_TIMEOUT_MS)
			client_close(c);
	client_pool_reap(&m->pool);
	if (m->file)
		file_turn(m);
}

void metrics_export_close(struct metrics_export *m)
{
	if (!m)
		return;
	client_pool_close(&m->pool);
	free(m->file);
	free(m->tmp);
	free(m);
}
