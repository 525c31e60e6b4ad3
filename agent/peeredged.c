// SPDX-License-Identifier: GPL-2.0
/*
 * peeredged: the peering edge daemon. BGP sessions, RIB, the Peering
 * Service edge (validation, FIB, state file, edge.h), kbfd coupling and the
 * control socket, on one epoll loop.
 *
 *	peeredged [-d] [-f CONFIG] [-s SOCKET] [--metrics [ADDR:]PORT]
 *		  [--metrics-file PATH]
 *
 * -d stays in the foreground and logs to stderr; otherwise it detaches and
 * logs to syslog. SIGHUP reloads the configuration (as "reload" does),
 * SIGTERM / SIGINT send Cease / Administrative Shutdown to every neighbor,
 * remove the installed routes and the kbfd sessions it created, and exit.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <unistd.h>

#include "bfd_link.h"
#include "config.h"
#include "control.h"
#include "edge.h"
#include "metrics_export.h"
#include "session.h"

#define DEFAULT_CONFIG "/etc/peeredge/peeredged.conf"

static const char *config_path = DEFAULT_CONFIG;
static bool running = true;
static struct edge edge;
static struct bfd_link bfd;

/* All or nothing: everything that can refuse is asked before anything changes. */
static int reload(struct bgpd *d, char *err, size_t errlen)
{
	struct registry *reg = NULL;
	struct config cfg;

	if (config_load(config_path, &cfg, err, errlen))
		goto refused;
	if (edge_check_config(&edge, &cfg, err, errlen) ||
	    edge_load_registry(&cfg, d, &reg, err, errlen)) {
		config_free(&cfg);
		goto refused;
	}
	bgpd_log(d, LOG_NOTICE, "reloading %s", config_path);
	bgpd_reload(d, &cfg);
	edge_apply_config(&edge, reg);
	bfd_link_sync(&bfd);
	return 0;
refused:
	bgpd_log(d, LOG_ERR, "reload: %s (configuration unchanged)", err);
	return -1;
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

static void usage(void)
{
	fprintf(stderr, "usage: peeredged [-d] [-f CONFIG] [-s SOCKET] [--metrics [ADDR:]PORT] "
		"[--metrics-file PATH]\n"
		"  -d         foreground, log to stderr\n"
		"  -f CONFIG  configuration file (default " DEFAULT_CONFIG ")\n"
		"  -s SOCKET  control socket (default " CONTROL_SOCKET_PATH ")\n"
		"  --metrics [ADDR:]PORT  Prometheus endpoint (ADDR default "
		METRICS_DEFAULT_ADDR ")\n"
		"  --metrics-file PATH    Prometheus textfile, rewritten atomically\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "metrics", required_argument, NULL, 'm' },
		{ "metrics-file", required_argument, NULL, 'M' },
		{ 0 }
	};
	const char *socket_path = CONTROL_SOCKET_PATH, *metrics_listen = NULL, *metrics_file = NULL;
	struct metrics_export *metrics = NULL;
	struct bgpd d = { .epfd = -1 };
	struct signals sig = { .d = &d };
	struct control *ctl;
	struct config cfg;
	char err[512];
	sigset_t mask;
	int opt;

	while ((opt = getopt_long(argc, argv, "df:s:h", long_options, NULL)) != -1) {
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
		case 'm':
			metrics_listen = optarg;
			break;
		case 'M':
			metrics_file = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (metrics_listen) {
		struct sockaddr_storage ss;
		socklen_t len;

		if (metrics_listen_parse(metrics_listen, &ss, &len, err, sizeof(err))) {
			fprintf(stderr, "peeredged: --metrics: %s\n", err);
			return 2;
		}
	}
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
	if (edge_open(&edge, &d, err, sizeof(err))) {
		fprintf(stderr, "peeredged: %s\n", err);
		edge_close(&edge);
		bgpd_shutdown(&d, NULL);
		return 1;
	}
	ctl = control_open(&d, &edge, socket_path, reload);
	if (!ctl) {
		fprintf(stderr, "peeredged: control socket %s: %s\n", socket_path, strerror(errno));
		edge_close(&edge);
		bgpd_shutdown(&d, NULL);
		return 1;
	}
	if (metrics_listen || metrics_file) {
		metrics = metrics_export_open(&(struct metrics_source){ &d, &edge }, metrics_listen,
					      metrics_file, err, sizeof(err));
		if (!metrics) {
			fprintf(stderr, "peeredged: %s\n", err);
			control_close(ctl);
			edge_close(&edge);
			bgpd_shutdown(&d, NULL);
			return 1;
		}
	}
	if (!d.log_stderr && daemon(0, 0)) {
		fprintf(stderr, "peeredged: daemon: %s\n", strerror(errno));
		return 1;
	}
	/*
	 * After daemon(): a signalfd wakes epoll only for the process that
	 * created it, so one made before the fork would never wake the child.
	 */
	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	signal(SIGPIPE, SIG_IGN);
	sig.w.fd = signalfd(-1, &mask, SFD_CLOEXEC);
	sig.w.cb = signal_event;
	if (sig.w.fd < 0 || bgpd_watch(&d, &sig.w, EPOLLIN)) {
		bgpd_log(&d, LOG_ERR, "signalfd: %s", strerror(errno));
		return 1;
	}
	bfd_link_open(&bfd, &d, &edge);
	bgpd_log(&d, LOG_NOTICE, "peeredged started: %s, %zu neighbors",
		 config_path, d.n_sessions);
	while (running) {
		if (bgpd_poll(&d, edge_poll_timeout_ms(&edge, 1000)))
			break;
		edge_turn(&edge);
		metrics_export_turn(metrics);
	}
	bgpd_log(&d, LOG_NOTICE, "peeredged stopping");
	metrics_export_close(metrics);
	control_close(ctl);
	bfd_link_close(&bfd);
	edge_close(&edge);
	bgpd_shutdown(&d, "peeredged stopping");
	close(sig.w.fd);
	return 0;
}
