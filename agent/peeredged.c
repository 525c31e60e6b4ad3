// SPDX-License-Identifier: GPL-2.0
/*
 * peeredged: the peering edge daemon. BGP sessions, RIB and the control
 * socket, on one epoll loop.
 *
 *	peeredged [-d] [-f CONFIG] [-s SOCKET]
 *
 * -d stays in the foreground and logs to stderr; otherwise it detaches and
 * logs to syslog. SIGHUP reloads the configuration (as "reload" does),
 * SIGTERM / SIGINT send Cease / Administrative Shutdown to every neighbor
 * and exit.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <unistd.h>

#include "bfd_client.h"
#include "config.h"
#include "control.h"
#include "session.h"

#define DEFAULT_CONFIG "/etc/peeredge/peeredged.conf"

static const char *config_path = DEFAULT_CONFIG;
static bool running = true;

static int reload(struct bgpd *d, char *err, size_t errlen)
{
	struct config cfg;

	if (config_load(config_path, &cfg, err, errlen)) {
		bgpd_log(d, LOG_ERR, "reload: %s (configuration unchanged)", err);
		return -1;
	}
	bgpd_log(d, LOG_NOTICE, "reloading %s", config_path);
	bgpd_reload(d, &cfg);
	return 0;
}

struct signals {
	struct ev_watch w;
	struct bgpd *d;
};

static void signal_event(struct ev_watch *w, uint32_t events)
{
	struct signals *sig = (struct signals *)w;
	struct signalfd_siginfo si;
	char err[512];

	(void)events;
	if (read(w->fd, &si, sizeof(si)) != sizeof(si))
		return;
	if (si.ssi_signo == SIGHUP)
		reload(sig->d, err, sizeof(err));
	else
		running = false;
}

/* kbfd events for neighbors with "bfd on" (RFC 5882 section 4.3). */
struct bfd_events {
	struct ev_watch w;
	struct bgpd *d;
	struct bfd_client client;
};

static void bfd_event(const struct bfd_session *ev, void *arg)
{
	struct bgpd *d = arg;
	size_t i;

	/* Init is a step on the way; AdminDown is not a failure (5882 3.2). */
	if (!bfd_has(ev, KBFD_A_STATE) ||
	    (ev->state != KBFD_STATE_UP && ev->state != KBFD_STATE_DOWN))
		return;
	for (i = 0; i < d->n_sessions; i++) {
		struct bgp_session *s = d->sessions[i];
		const struct config_addr *a = &s->cfg->address;

		if (a->family == ev->peer.family &&
		    !memcmp(a->a.bytes, ev->peer.bytes, a->family == AF_INET ? 4 : 16))
			session_bfd(s, ev->state == KBFD_STATE_UP);
	}
}

static void bfd_readable(struct ev_watch *w, uint32_t events)
{
	struct bfd_events *b = (struct bfd_events *)w;

	(void)events;
	if (bfd_client_recv_events(&b->client, bfd_event, b->d) == -ENOBUFS)
		bgpd_log(b->d, LOG_WARNING, "BFD events were lost (socket overflow)");
}

/* Subscribes when a neighbor uses BFD; without kbfd, BFD is just absent. */
static void bfd_events_open(struct bgpd *d, struct bfd_events *b)
{
	bool wanted = false;
	size_t i;

	for (i = 0; i < d->cfg.n_neighbors; i++)
		wanted |= d->cfg.neighbors[i].bfd;
	b->d = d;
	b->w.fd = -1;
	b->w.cb = bfd_readable;
	if (!wanted)
		return;
	if (bfd_client_open(&b->client) || bfd_client_subscribe(&b->client)) {
		bgpd_log(d, LOG_WARNING, "BFD events unavailable: %s", b->client.message[0] ?
			 b->client.message : "kbfd refused the subscription");
		if (b->client.sock)
			bfd_client_close(&b->client);
		return;
	}
	b->w.fd = bfd_client_fd(&b->client);
	bgpd_watch(d, &b->w, EPOLLIN);
}

static void usage(void)
{
	fprintf(stderr, "usage: peeredged [-d] [-f CONFIG] [-s SOCKET]\n"
		"  -d         foreground, log to stderr\n"
		"  -f CONFIG  configuration file (default " DEFAULT_CONFIG ")\n"
		"  -s SOCKET  control socket (default " CONTROL_SOCKET_PATH ")\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *socket_path = CONTROL_SOCKET_PATH;
	struct bgpd d = { .epfd = -1 };
	struct signals sig = { .d = &d };
	struct bfd_events bfd = { 0 };
	struct control *ctl;
	struct config cfg;
	char err[512];
	sigset_t mask;
	int opt;

	while ((opt = getopt(argc, argv, "df:s:h")) != -1) {
		switch (opt) {
		case 'd':
			d.log_stderr = true;
			break;
		case 'f':
			config_path = optarg;
			break;
		case 's':
			socket_path = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (config_load(config_path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "peeredged: %s\n", err);
		return 1;
	}
	if (!d.log_stderr)
		openlog("peeredged", LOG_PID, LOG_DAEMON);
	if (bgpd_init(&d, &cfg, err, sizeof(err))) {
		fprintf(stderr, "peeredged: %s\n", err);
		bgpd_shutdown(&d, NULL);
		return 1;
	}
	ctl = control_open(&d, socket_path, reload);
	if (!ctl) {
		fprintf(stderr, "peeredged: control socket %s: %s\n", socket_path, strerror(errno));
		bgpd_shutdown(&d, NULL);
		return 1;
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sig.w.fd = signalfd(-1, &mask, SFD_CLOEXEC);
	sig.w.cb = signal_event;
	if (sig.w.fd < 0 || bgpd_watch(&d, &sig.w, EPOLLIN)) {
		fprintf(stderr, "peeredged: signalfd: %s\n", strerror(errno));
		return 1;
	}
	if (!d.log_stderr && daemon(0, 0)) {
		fprintf(stderr, "peeredged: daemon: %s\n", strerror(errno));
		return 1;
	}
	bfd_events_open(&d, &bfd);
	bgpd_log(&d, LOG_NOTICE, "peeredged started: %s, %zu neighbors",
		 config_path, d.n_sessions);
	while (running)
		if (bgpd_poll(&d, 1000))
			break;
	bgpd_log(&d, LOG_NOTICE, "peeredged stopping");
	control_close(ctl);
	if (bfd.w.fd >= 0)
		bfd_client_close(&bfd.client);
	bgpd_shutdown(&d, "peeredged stopping");
	close(sig.w.fd);
	return 0;
}
