/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the metrics (metrics.h) go: an HTTP endpoint, a textfile, or both.
 *
 * HTTP (--metrics ADDR:PORT): GET /metrics (or HEAD) over HTTP/1.0 or 1.1
 * answers 200 with the exposition and closes the connection; another path
 * gets 404, another method 405, anything that is not a request line 400,
 * a request over METRICS_REQUEST_MAX bytes 431. Everything is non-blocking
 * on the daemon's epoll loop: a client holds at most METRICS_REQUEST_MAX
 * bytes of request and one response, and is closed METRICS_TIMEOUT_MS after
 * it connected whatever it is doing. At most METRICS_CLIENTS_MAX at once;
 * one more evicts the oldest one not being answered (still sending its
 * request, or answered and not gone), so clients that hold connections
 * open cannot lock out a scrape.
 *
 * Textfile (--metrics-file PATH), for node_exporter's textfile collector:
 * the whole exposition written to PATH.tmp and renamed over PATH, so a
 * reader sees the old file or the new one, never a part. Written at start,
 * every METRICS_FILE_INTERVAL_MS, and within a second of a state change
 * (neighbor, BFD as the daemon sees it, connection, prefix validation).
 */
#ifndef PEEREDGE_METRICS_EXPORT_H
#define PEEREDGE_METRICS_EXPORT_H

#include <stddef.h>
#include <sys/socket.h>

#include "metrics.h"

#define METRICS_REQUEST_MAX		4096
#define METRICS_CLIENTS_MAX		16
#define METRICS_TIMEOUT_MS		10000
#define METRICS_FILE_INTERVAL_MS	10000
#define METRICS_DEFAULT_ADDR		"127.0.0.1"

struct metrics_export;

/*
 * "PORT", "IPV4:PORT" or "[IPV6]:PORT"; only a port listens on
 * METRICS_DEFAULT_ADDR. 0, or -1 with a sentence in err.
 */
int metrics_listen_parse(const char *text, struct sockaddr_storage *ss, socklen_t *len,
			 char *err, size_t errlen);

/*
 * Starts what is asked (listen and file may each be NULL): binds the
 * listener and writes the file once. NULL with a sentence in err.
 */
struct metrics_export *metrics_export_open(const struct metrics_source *src, const char *listen,
					   const char *file, char *err, size_t errlen);
/* Once per event-loop turn: timeouts, closed clients, the textfile. */
void metrics_export_turn(struct metrics_export *m);
void metrics_export_close(struct metrics_export *m);

#endif
