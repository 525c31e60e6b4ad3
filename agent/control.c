// SPDX-License-Identifier: GPL-2.0
/* Control socket: the daemon's command server and the CLI's client. */
#include "control.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "client_pool.h"
#include "control_cmd.h"
#include "edge.h"

/* The CLI's timeout on the daemon. */
#define IO_TIMEOUT_S	5
/* Connections at once; a new one closes the least recently active. */
#define CONTROL_CLIENTS_MAX	16

struct control {
	struct client_pool pool;	/* first: its watch is the listener's */
	struct edge *edge;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	int (*reload)(struct bgpd *d, char *err, size_t errlen);
};

/* A CLI connection (peeredge route show | less may not read its answer). */
struct control_client {
	struct client c;	/* its answer: the header, then the text */
	size_t got;		/* of req: the u32 length, then the words */
	char req[4 + CONTROL_REQUEST_MAX];
};

/* ---- the CLI's blocking I/O, with a timeout ---- */

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int read_all(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT_S };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* ---- formatting helpers ---- */

const char *control_duration(uint64_t ms, char *buf, size_t len)
{
	uint64_t s = ms / 1000;

	snprintf(buf, len, "%02llu:%02llu:%02llu", (unsigned long long)(s / 3600),
		 (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
	return buf;
}

static const char *ipv4_format(uint32_t host_order, char *buf, size_t len)
{
	struct in_addr a = { htonl(host_order) };

	return inet_ntop(AF_INET, &a, buf, (socklen_t)len);
}

static const char *session_name_by_peer(struct bgpd *d, uint16_t peer)
{
	size_t i;

	for (i = 0; i < d->n_sessions; i++)
		if (d->sessions[i]->rib_peer == peer)
			return d->sessions[i]->cfg->name;
	return "?";
}

const char *control_session_info(const struct bgp_session *s)
{
	return s->admin_down ? "shutdown" : s->bfd_down ? "BFD down" :
	       s->prefix_limited ? "max-prefix" : s->last_error;
}

int control_fail(struct reply *r, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(r->out, fmt, ap);
	va_end(ap);
	fputc('\n', r->out);
	return status;
}

/* ---- neighbor show ---- */

static void neighbor_json(struct reply *r, const struct bgp_session *s, uint64_t t)
{
	struct json_writer *w = &r->jw;
	char buf[INET6_ADDRSTRLEN];

	json_start_object(w);
	json_kv_string(w, "name", s->cfg->name);
	json_kv_string(w, "address", config_addr_format(&s->cfg->address, buf, sizeof(buf)));
	json_kv_u64(w, "remote_as", s->cfg->remote_as);
	json_kv_string(w, "state", bgp_state_name(s->state));
	json_kv_u64(w, "state_seconds", (t - s->state_since) / 1000);
	json_kv_u64(w, "routes", rib_peer(s->d->rib, s->rib_peer)->routes);
	json_kv_string(w, "remote_id", s->state == BGP_STATE_ESTABLISHED ?
		       ipv4_format(s->peer.bgp_id, buf, sizeof(buf)) : NULL);
	json_kv_u64(w, "hold_time", s->hold_time);
	json_kv_bool(w, "as4", s->as4);
	json_kv_bool(w, "admin_down", s->admin_down);
	json_kv_bool(w, "bfd", s->cfg->bfd);
	json_kv_bool(w, "bfd_down", s->bfd_down);
	json_kv_bool(w, "prefix_limited", s->prefix_limited);
	json_kv_u64(w, "max_prefix", s->cfg->max_prefix);
	json_kv_u64(w, "established_count", s->established_count);
	json_kv_u64(w, "updates_in", s->updates_in);
	json_kv_u64(w, "updates_out", s->updates_out);
	json_kv_u64(w, "treated_as_withdraw", s->withdraws_as_errors);
	json_kv_string(w, "last_error", s->last_error);
	json_end_object(w);
}

static void neighbor_text(struct reply *r, const struct bgp_session *s, uint64_t t)
{
	char addr[INET6_ADDRSTRLEN], up[32];
	const char *info = control_session_info(s);

	fprintf(r->out, "%-16s %-26s %-10u %-12s %9s %7u  %s\n", s->cfg->name,
		config_addr_format(&s->cfg->address, addr, sizeof(addr)), s->cfg->remote_as,
		bgp_state_name(s->state), control_duration(t - s->state_since, up, sizeof(up)),
		rib_peer(s->d->rib, s->rib_peer)->routes, info);
}

static int cmd_neighbor_show(struct reply *r, int argc, char **argv)
{
	struct bgpd *d = r->d;
	uint64_t t = d->now();
	size_t i;

	if (argc > 1)
		return control_fail(r, CONTROL_USAGE, "usage: neighbor show [NAME]");
	if (argc == 1 && !bgpd_find(d, argv[0]))
		return control_fail(r, CONTROL_FAILED, "no neighbor '%s'", argv[0]);
	if (r->json) {
		json_start_object(&r->jw);
		json_key(&r->jw, "neighbors");
		json_start_array(&r->jw);
	} else {
		fprintf(r->out, "%-16s %-26s %-10s %-12s %9s %7s  %s\n", "Neighbor", "Address",
			"AS", "State", "Since", "Routes", "Info");
	}
	for (i = 0; i < d->n_sessions; i++) {
		const struct bgp_session *s = d->sessions[i];

		if (argc == 1 && strcmp(argv[0], s->cfg->name))
			continue;
		if (r->json)
			neighbor_json(r, s, t);
		else
			neighbor_text(r, s, t);
	}
	if (r->json) {
		json_end_array(&r->jw);
		json_end_object(&r->jw);
	}
	return CONTROL_OK;
}

/* ---- route show ---- */

struct route_filter {
	struct reply *r;
	bool by_prefix;
	struct prefix prefix;
	int peer;			/* -1: every neighbor */
	struct bgp_update *scratch;
};

static const char *const origin_names[] = { "igp", "egp", "incomplete" };

static void route_json(struct reply *r, const struct rib_entry *e, const struct rib_path *p,
		       const struct bgp_attrs *a, const char *nh, const char *path)
{
	struct json_writer *w = &r->jw;
	char buf[64];
	uint16_t i;

	json_start_object(w);
	json_kv_string(w, "prefix", prefix_format(&e->prefix, buf, sizeof(buf)));
	json_kv_string(w, "neighbor", session_name_by_peer(r->d, p->peer));
	json_kv_bool(w, "best", p == e->paths);
	json_kv_bool(w, "stale", p->stale);
	json_kv_string(w, "nexthop", nh);
	json_kv_string(w, "as_path", path);
	json_kv_u64(w, "as_path_length", p->attrs->path_count);
	json_kv_string(w, "origin", origin_names[a->origin]);
	if (bgp_attr_has(a, BGP_ATTR_MED))
		json_kv_u64(w, "med", a->med);
	json_kv_u64(w, "local_pref", p->attrs->local_pref);
	json_key(w, "communities");
	json_start_array(w);
	for (i = 0; i < a->n_communities; i++) {
		snprintf(buf, sizeof(buf), "%u:%u", a->communities[i] >> 16,
			 a->communities[i] & 0xffff);
		json_string(w, buf);
	}
	json_end_array(w);
	json_key(w, "large_communities");
	json_start_array(w);
	for (i = 0; i < a->n_large_communities; i++) {
		snprintf(buf, sizeof(buf), "%u:%u:%u", a->large_communities[i].global,
			 a->large_communities[i].local1, a->large_communities[i].local2);
		json_string(w, buf);
	}
	json_end_array(w);
	json_kv_u64(w, "ext_communities", a->n_ext_communities);
	json_end_object(w);
}

static void route_text(struct reply *r, const struct rib_entry *e, const struct rib_path *p,
		       const struct bgp_attrs *a, const char *nh, const char *path)
{
	char buf[PREFIX_STRLEN];
	uint16_t i;

	fprintf(r->out, "%s%s %s nexthop %s neighbor %s path [%s] origin %s",
		p == e->paths ? "*>" : "* ", p->stale ? "S" : " ",
		prefix_format(&e->prefix, buf, sizeof(buf)), nh,
		session_name_by_peer(r->d, p->peer), path, origin_names[a->origin]);
	if (bgp_attr_has(a, BGP_ATTR_MED))
		fprintf(r->out, " med %u", a->med);
	if (a->n_communities)
		fprintf(r->out, " communities");
	for (i = 0; i < a->n_communities; i++)
		fprintf(r->out, " %u:%u", a->communities[i] >> 16, a->communities[i] & 0xffff);
	if (a->n_large_communities)
		fprintf(r->out, " large-communities");
	for (i = 0; i < a->n_large_communities; i++)
		fprintf(r->out, " %u:%u:%u", a->large_communities[i].global,
			a->large_communities[i].local1, a->large_communities[i].local2);
	fputc('\n', r->out);
}

static int show_entry(void *ctx, const struct rib_entry *e)
{
	struct route_filter *f = ctx;
	const struct rib_path *p;
	char nh[INET6_ADDRSTRLEN], path[BGP_MSG_MAX * 3];

	if (f->by_prefix && !prefix_contains(&f->prefix, &e->prefix))
		return 0;
	for (p = e->paths; p; p = p->next) {
		const struct bgp_attrs *a = &f->scratch->attrs;

		if (f->peer >= 0 && p->peer != f->peer)
			continue;
		rib_attrs_decode(p->attrs, f->scratch);
		inet_ntop(p->attrs->nexthop_family, p->attrs->nexthop, nh, sizeof(nh));
		bgp_as_path_format(a->as_path, a->as_path_len, path, sizeof(path));
		if (f->r->json)
			route_json(f->r, e, p, a, nh, path);
		else
			route_text(f->r, e, p, a, nh, path);
	}
	return 0;
}

static int cmd_route_show(struct reply *r, int argc, char **argv)
{
	struct route_filter f = { .r = r, .peer = -1 };
	struct bgpd *d = r->d;
	int i;

	for (i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "neighbor") && i + 1 < argc) {
			struct bgp_session *s = bgpd_find(d, argv[++i]);

			if (!s)
				return control_fail(r, CONTROL_FAILED, "no neighbor '%s'", argv[i]);
			f.peer = s->rib_peer;
		} else if (!f.by_prefix && prefix_parse(argv[i], &f.prefix) == 0) {
			f.by_prefix = true;
		} else {
			return control_fail(r, CONTROL_USAGE,
					    "usage: route show [PREFIX] [neighbor NAME] ('%s'?)", argv[i]);
		}
	}
	f.scratch = d->upd;
	if (r->json) {
		json_start_object(&r->jw);
		json_key(&r->jw, "routes");
		json_start_array(&r->jw);
	}
	rib_walk(d->rib, show_entry, &f);
	if (r->json) {
		json_end_array(&r->jw);
		json_end_object(&r->jw);
	}
	return CONTROL_OK;
}

/* ---- neighbor actions ---- */

static int cmd_neighbor_action(struct reply *r, const char *verb, int argc, char **argv)
{
	struct bgp_session *s;
	const char *msg = argc > 1 ? argv[1] : NULL;

	if (argc < 1)
		return control_fail(r, CONTROL_USAGE, "usage: neighbor %s NAME ...", verb);
	s = bgpd_find(r->d, argv[0]);
	if (!s)
		return control_fail(r, CONTROL_FAILED, "no neighbor '%s'", argv[0]);
	if (!strcmp(verb, "reset") && argc <= 2) {
		session_reset(s, msg);
	} else if (!strcmp(verb, "shutdown") && argc <= 2) {
		session_shutdown(s, msg);
	} else if (!strcmp(verb, "start") && argc == 1) {
		session_start(s);
	} else if (!strcmp(verb, "refresh") && argc == 1) {
		if (session_refresh(s))
			return control_fail(r, CONTROL_FAILED, "neighbor %s: not established or no "
					    "route refresh capability", argv[0]);
	} else if (!strcmp(verb, "bfd") && argc == 2 &&
		   (!strcmp(argv[1], "up") || !strcmp(argv[1], "down"))) {
		if (!s->cfg->bfd)
			return control_fail(r, CONTROL_FAILED, "neighbor %s does not use BFD", argv[0]);
		/* As a kbfd event would: the edge's connection state follows too. */
		if (r->edge)
			edge_bfd(r->edge, s, !strcmp(argv[1], "up"));
		session_bfd(s, !strcmp(argv[1], "up"));
	} else {
		return control_fail(r, CONTROL_USAGE, "usage: neighbor reset|shutdown NAME [MESSAGE], "
				    "neighbor start|refresh NAME, neighbor bfd NAME up|down");
	}
	if (r->json) {
		json_start_object(&r->jw);
		json_kv_string(&r->jw, "neighbor", s->cfg->name);
		json_kv_string(&r->jw, "state", bgp_state_name(s->state));
		json_end_object(&r->jw);
	}
	return CONTROL_OK;
}

static int cmd_reload(struct reply *r)
{
	char err[512];

	if (r->ctl->reload(r->d, err, sizeof(err)))
		return control_fail(r, CONTROL_FAILED, "reload failed: %s", err);
	if (r->json) {
		json_start_object(&r->jw);
		json_kv_bool(&r->jw, "reloaded", true);
		json_end_object(&r->jw);
	}
	return CONTROL_OK;
}

static int dispatch(struct reply *r, int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[0], "neighbor") && !strcmp(argv[1], "show"))
		return cmd_neighbor_show(r, argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[0], "neighbor"))
		return cmd_neighbor_action(r, argv[1], argc - 2, argv + 2);
	if (argc >= 2 && !strcmp(argv[0], "route") && !strcmp(argv[1], "show"))
		return cmd_route_show(r, argc - 2, argv + 2);
	if (argc == 1 && !strcmp(argv[0], "reload"))
		return cmd_reload(r);
	if (argc >= 1 && r->edge && !strcmp(argv[0], "status"))
		return control_status(r, argc - 1, argv + 1);
	if (argc >= 1 && r->edge && !strcmp(argv[0], "xdp"))
		return control_xdp_command(r, argc - 1, argv + 1);
	if (argc >= 1 && r->edge && control_edge_owns(argv[0]))
		return control_edge_command(r, argc, argv);
	return control_fail(r, CONTROL_USAGE, "unknown command '%s': try status, neighbor, "
			    "route show, reload, peering, connection, registered-prefix, "
			    "registered-asn, service-prefix, events, fib show, xdp",
			    argc ? argv[0] : "");
}

/* ---- server ---- */

/* Splits the NUL-terminated words of a request; -1 if malformed. */
static int split_words(char *buf, size_t len, char **argv, int max)
{
	int argc = 0;
	size_t i = 0;

	if (len && buf[len - 1] != '\0')
		return -1;
	while (i < len) {
		if (argc == max)
			return -1;
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	return argc;
}

/* The request in cc->req is complete: its answer goes out. */
static void client_answer(struct control_client *cc)
{
	struct control *ctl = (struct control *)cc->c.pool;
	struct reply r = { .ctl = ctl, .d = ctl->pool.d, .edge = ctl->edge };
	struct client *c = &cc->c;
	static const char header_room[8];
	char *argv[64];
	uint32_t hdr[2];
	int argc, status;

	argc = split_words(cc->req + 4, cc->got - 4, argv, 64);
	r.out = open_memstream(&c->out, &c->out_len);
	if (!r.out) {
		client_close(c);
		return;
	}
	fwrite(header_room, 1, sizeof(header_room), r.out);
	if (argc > 0 && !strcmp(argv[0], "-j")) {
		r.json = true;
		json_init(&r.jw, r.out);
		argc--;
		memmove(argv, argv + 1, (size_t)argc * sizeof(*argv));
	}
	if (argc < 0) {
		status = control_fail(&r, CONTROL_USAGE, "malformed request");
	} else {
		status = dispatch(&r, argc, argv);
		if (r.json && (status == CONTROL_OK || status == CONTROL_DEGRADED))
			json_finish(&r.jw);
	}
	if (fclose(r.out) || c->out_len < sizeof(hdr)) {
		client_close(c);
		return;
	}
	hdr[0] = htonl((uint32_t)status);
	hdr[1] = htonl((uint32_t)(c->out_len - sizeof(hdr)));
	memcpy(c->out, hdr, sizeof(hdr));
	client_send(c);
}

/* Bytes of the request being read: its length word, then what it says. */
static size_t request_size(const struct control_client *cc)
{
	uint32_t len;

	if (cc->got < 4)
		return 4;
	memcpy(&len, cc->req, 4);
	return 4 + (size_t)ntohl(len);
}

static void client_readable(struct client *c)
{
	struct control_client *cc = (struct control_client *)c;
	ssize_t n = read(c->w.fd, cc->req + cc->got, request_size(cc) - cc->got);

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	/* A peer that closed between requests, or cut one short. */
	if (n <= 0) {
		client_close(c);
		return;
	}
	cc->got += (size_t)n;
	if (request_size(cc) > sizeof(cc->req))
		client_close(c);
	else if (cc->got == request_size(cc))
		client_answer(cc);
}

/* Answered: the connection may carry another request. */
static void client_answered(struct client *c)
{
	((struct control_client *)c)->got = 0;
	client_read_next(c);
}

struct control *control_open(struct bgpd *d, struct edge *edge, const char *path,
			     int (*reload)(struct bgpd *d, char *err, size_t errlen))
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct control *ctl;
	mode_t old_mask;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	ctl = calloc(1, sizeof(*ctl));
	if (!ctl)
		return NULL;
	strcpy(sun.sun_path, path);
	strcpy(ctl->path, path);
	/* The default directory, when no service manager made it. */
	if (!strcmp(path, CONTROL_SOCKET_PATH))
		mkdir(CONTROL_SOCKET_DIR, 0755);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	unlink(path);
	/* Created 0600 from the start: no window where others could connect. */
	old_mask = umask(0177);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) || listen(fd, 8)) {
		umask(old_mask);
		if (fd >= 0)
			close(fd);
		free(ctl);
		return NULL;
	}
	umask(old_mask);
	ctl->pool = (struct client_pool){
		.d = d, .max = CONTROL_CLIENTS_MAX,
		.size = sizeof(struct control_client), .read_events = EPOLLIN,
		.readable = client_readable, .answered = client_answered,
	};
	ctl->edge = edge;
	ctl->reload = reload;
	if (client_pool_listen(&ctl->pool, fd)) {
		control_close(ctl);
		return NULL;
	}
	return ctl;
}

void control_close(struct control *ctl)
{
	if (!ctl)
		return;
	client_pool_close(&ctl->pool);
	unlink(ctl->path);
	free(ctl);
}

/* ---- client ---- */

int control_request(const char *path, int argc, char **argv, FILE *out)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	uint32_t len = 0, hdr[2];
	char *text;
	size_t n;
	int i, fd, status = -1;

	for (i = 0; i < argc; i++)
		len += (uint32_t)strlen(argv[i]) + 1;
	if (len > CONTROL_REQUEST_MAX || strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "peeredge: request too long\n");
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		if (errno == ENOENT || errno == ECONNREFUSED)
			fprintf(stderr, "peeredge: peeredged is not running (control socket %s)\n",
				path);
		else
			fprintf(stderr, "peeredge: cannot reach peeredged at %s: %s\n", path,
				strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	set_timeouts(fd);
	len = htonl(len);
	if (write_all(fd, &len, 4))
		goto io_error;
	for (i = 0; i < argc; i++)
		if (write_all(fd, argv[i], strlen(argv[i]) + 1))
			goto io_error;
	if (read_all(fd, hdr, sizeof(hdr)))
		goto io_error;
	n = ntohl(hdr[1]);
	text = malloc(n ? n : 1);
	if (!text || read_all(fd, text, n)) {
		free(text);
		goto io_error;
	}
	fwrite(text, 1, n, out);
	free(text);
	status = (int)ntohl(hdr[0]);
	close(fd);
	return status;
io_error:
	fprintf(stderr, "peeredge: control socket %s: %s\n", path,
		errno ? strerror(errno) : "connection closed");
	close(fd);
	return -1;
}
