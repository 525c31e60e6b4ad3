// SPDX-License-Identifier: GPL-2.0
/* Local clients served without blocking; see client_pool.h. */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "client_pool.h"

void client_close(struct client *c)
{
	if (c->phase == CLIENT_DEAD)
		return;
	c->phase = CLIENT_DEAD;
	close(c->w.fd);
	free(c->out);
	c->out = NULL;
	c->pool->n--;
}

void client_pool_reap(struct client_pool *p)
{
	struct client **pp = &p->clients, *c;

	while ((c = *pp)) {
		if (c->phase == CLIENT_DEAD) {
			*pp = c->next;
			free(c);
		} else {
			pp = &c->next;
		}
	}
}

static void set_events(struct client *c, uint32_t events)
{
	if (bgpd_watch(c->pool->d, &c->w, events))
		client_close(c);
}

void client_send(struct client *c)
{
	ssize_t n;

	while (c->sent < c->out_len) {
		n = send(c->w.fd, c->out + c->sent, c->out_len - c->sent,
			 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			if (c->phase != CLIENT_WRITING) {
				c->phase = CLIENT_WRITING;
				set_events(c, EPOLLOUT);
			}
			return;
		}
		if (n <= 0) {
			client_close(c);
			return;
		}
		c->sent += (size_t)n;
	}
	free(c->out);
	c->out = NULL;
	c->sent = 0;
	c->pool->answered(c);
}

void client_read_next(struct client *c)
{
	c->active = c->pool->d->now();
	if (c->phase == CLIENT_WRITING) {
		c->phase = CLIENT_READING;
		set_events(c, c->pool->read_events);
	}
}

void client_drain(struct client *c)
{
	c->phase = CLIENT_DRAINING;
	shutdown(c->w.fd, SHUT_WR);
	set_events(c, EPOLLIN | EPOLLRDHUP);
}

static void client_event(struct ev_watch *w, uint32_t events)
{
	struct client *c = (struct client *)w;
	char sink[512];
	ssize_t n;

	switch (c->phase) {
	case CLIENT_DEAD:
		return;
	case CLIENT_WRITING:
		if (events & (EPOLLERR | EPOLLHUP))
			client_close(c);
		else
			client_send(c);
		return;
	case CLIENT_DRAINING:
		n = read(w->fd, sink, sizeof(sink));
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			client_close(c);
		return;
	case CLIENT_READING:
		c->pool->readable(c);
		return;
	}
}

/* Room for one more: the least recently active evictable client goes. */
static bool make_room(struct client_pool *p)
{
	struct client *oldest = NULL;

	if (p->n < p->max)
		return true;
	for (struct client *c = p->clients; c; c = c->next)
		if (c->phase != CLIENT_DEAD && (!p->evictable || p->evictable(c)) &&
		    (!oldest || c->active < oldest->active))
			oldest = c;
	if (!oldest)
		return false;
	client_close(oldest);
	return true;
}

static void accept_clients(struct ev_watch *w, uint32_t events)
{
	struct client_pool *p = (struct client_pool *)w;
	struct client *c;
	int fd;

	(void)events;
	/*
	 * Clients closed before this event: each fd has one event a round,
	 * so none is pending for them.
	 */
	client_pool_reap(p);
	/* Bounded, so a flood of connections cannot keep us here. */
	for (unsigned int i = 0; i < p->max; i++) {
		fd = accept4(w->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		c = make_room(p) ? calloc(1, p->size) : NULL;
		if (!c) {
			close(fd);
			continue;
		}
		c->w.fd = fd;
		c->w.cb = client_event;
		c->pool = p;
		c->active = p->d->now();
		c->next = p->clients;
		p->clients = c;
		p->n++;
		if (bgpd_watch(p->d, &c->w, p->read_events))
			client_close(c);
	}
}

int client_pool_listen(struct client_pool *p, int fd)
{
	p->w.fd = fd;
	p->w.cb = accept_clients;
	return bgpd_watch(p->d, &p->w, EPOLLIN);
}

void client_pool_close(struct client_pool *p)
{
	for (struct client *c = p->clients; c; c = c->next)
		client_close(c);
	client_pool_reap(p);
	if (p->w.fd >= 0)
		close(p->w.fd);
	p->w.fd = -1;
}
