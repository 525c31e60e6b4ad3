/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Local clients served without blocking on the daemon's event loop: the
 * control socket's CLI connections and the metrics endpoint's scrapers.
 * A client that stops half-way through a request, or does not read its
 * answer, costs its buffers, never the loop BGP and BFD run on. The pool
 * accepts, caps the number of clients (a new one evicts the least
 * recently active one its owner lets go), sends answers as the socket
 * takes them, and frees closed clients once no epoll event can point at
 * them; its owner reads requests and says what follows an answer.
 */
#ifndef PEEREDGE_CLIENT_POOL_H
#define PEEREDGE_CLIENT_POOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "session.h"

enum client_phase {
	CLIENT_READING,		/* a request */
	CLIENT_WRITING,		/* an answer the socket did not take at once */
	CLIENT_DRAINING,	/* answered and shut down; dropping input */
	CLIENT_DEAD,		/* closed; freed by client_pool_reap() */
};

struct client_pool;

/* The start of each client; the owner's state follows it. */
struct client {
	struct ev_watch w;
	struct client_pool *pool;
	struct client *next;
	enum client_phase phase;
	uint64_t active;	/* accepted, or last answered: for eviction */
	char *out;		/* the answer (malloc'd), its length, and how */
	size_t out_len, sent;	/* much of it is sent (0 between answers) */
};

struct client_pool {
	struct ev_watch w;	/* the listening socket; fd -1: none */
	struct bgpd *d;
	struct client *clients;
	unsigned int n, max;
	size_t size;		/* of the owner's client, struct client first */
	uint32_t read_events;	/* epoll events while reading */
	/* The socket is readable while reading a request. */
	void (*readable)(struct client *c);
	/* The whole answer is sent (out freed): client_read_next() or
	 * client_drain(). */
	void (*answered)(struct client *c);
	/* May c go to make room? NULL: any client may. */
	bool (*evictable)(const struct client *c);
};

/*
 * Serves the listening socket fd (non-blocking) of a pool whose d, max,
 * size, read_events and callbacks are set; -1 when it cannot be watched.
 */
int client_pool_listen(struct client_pool *p, int fd);
/* Closes every client and the listening socket. */
void client_pool_close(struct client_pool *p);
/* Frees the closed clients; only where no epoll event of theirs is pending. */
void client_pool_reap(struct client_pool *p);

void client_close(struct client *c);
/* Sends the answer in c->out: what the socket takes now, the rest later. */
void client_send(struct client *c);
/* After an answer: the next request. */
void client_read_next(struct client *c);
/*
 * After the last answer: shut down the sending side and drop what comes
 * until the peer closes (closing with unread input would send a reset,
 * which can destroy what the peer has not read yet).
 */
void client_drain(struct client *c);

#endif
