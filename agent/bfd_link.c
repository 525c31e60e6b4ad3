// SPDX-License-Identifier: GPL-2.0
/* kbfd sessions and events for BGP neighbors; see bfd_link.h. */
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <syslog.h>

#include "bfd_link.h"

/* The kbfd key of a neighbor's session; false when it cannot have one. */
static bool neighbor_key(const struct config_neighbor *n, struct bfd_session *key)
{
	memset(key, 0, sizeof(*key));
	if (ip_addr_from_bytes(&key->peer, n->address.a.bytes,
			       n->address.family == AF_INET ? 4 : 16))
		return false;
	bfd_mark(key, KBFD_A_PEER_ADDR);
	if (n->local_address.family) {
		ip_addr_from_bytes(&key->local, n->local_address.a.bytes,
				   n->local_address.family == AF_INET ? 4 : 16);
		bfd_mark(key, KBFD_A_LOCAL_ADDR);
	}
	if (n->dev[0]) {
		key->ifindex = if_nametoindex(n->dev);
		if (!key->ifindex)
			return false;
		bfd_mark(key, KBFD_A_IFINDEX);
	}
	return true;
}

/*
 * Whether s (ours, or as kbfd dumps it with status too) is the session of key.
 * A micro-BFD member session (RFC 7130) never is, even with the neighbor's
 * addresses: one member failing must not take BGP down.
 */
static bool same_key(const struct bfd_session *key, const struct bfd_session *s)
{
	return !ip_addr_compare(&key->peer, &s->peer) && !s->multihop &&
	       !bfd_has(s, KBFD_A_LAG_IFINDEX) &&
	       (!bfd_has(key, KBFD_A_LOCAL_ADDR) ||
		(bfd_has(s, KBFD_A_LOCAL_ADDR) && !ip_addr_compare(&key->local, &s->local))) &&
	       (!bfd_has(key, KBFD_A_IFINDEX) || key->ifindex == s->ifindex);
}

static bool created(const struct bfd_link *b, const struct bfd_session *key)
{
	for (size_t i = 0; i < b->n_created; i++)
		if (same_key(&b->created[i], key))
			return true;
	return false;
}

static struct bgp_session *session_of_peer(struct bgpd *d, const struct ip_addr *peer)
{
	for (size_t i = 0; i < d->n_sessions; i++) {
		const struct config_addr *a = &d->sessions[i]->cfg->address;

		if (a->family == peer->family && !memcmp(a->a.bytes, peer->bytes, ip_addr_len(peer)))
			return d->sessions[i];
	}
	return NULL;
}

static void state_of(struct bfd_link *b, const struct bfd_session *ev)
{
	struct bgp_session *s = session_of_peer(b->d, &ev->peer);
	bool up = ev->state == KBFD_STATE_UP;

	if (!s || !s->cfg->bfd)
		return;
	edge_bfd(b->edge, s, up);
	session_bfd(s, up);
}

static void bfd_event(const struct bfd_session *ev, void *arg)
{
	/* Init is a step on the way; AdminDown is not a failure (5882 3.2). */
	if (bfd_has(ev, KBFD_A_STATE) && created(arg, ev) &&
	    (ev->state == KBFD_STATE_UP || ev->state == KBFD_STATE_DOWN))
		state_of(arg, ev);
}

static void bfd_readable(struct ev_watch *w, uint32_t events)
{
	struct bfd_link *b = (struct bfd_link *)w;

	(void)events;
	if (bfd_client_recv_events(&b->events, bfd_event, b) == -ENOBUFS)
		bgpd_log(b->d, LOG_WARNING, "BFD events were lost (socket overflow)");
}

static bool wanted(const struct config *c, const struct bfd_session *key)
{
	struct bfd_session k;

	for (size_t i = 0; i < c->n_neighbors; i++)
		if (c->neighbors[i].bfd && neighbor_key(&c->neighbors[i], &k) && same_key(&k, key))
			return true;
	return false;
}

static void add_session(struct bfd_link *b, const struct config_neighbor *n)
{
	struct bfd_session key, *grown;
	int err;

	if (!neighbor_key(n, &key)) {
		bgpd_log(b->d, LOG_WARNING, "neighbor %s: no BFD session (interface %s unknown)",
			 n->name, n->dev);
		return;
	}
	if (created(b, &key))
		return;
	err = bfd_client_add(&b->cmds, &key);
	if (err && err != -EEXIST) {
		bgpd_log(b->d, LOG_WARNING, "neighbor %s: kbfd refused the session: %s", n->name,
			 b->cmds.extack[0] ? b->cmds.extack : strerror(-err));
		return;
	}
	grown = realloc(b->created, (b->n_created + 1) * sizeof(*grown));
	if (!grown)
		return;
	b->created = grown;
	b->created[b->n_created++] = key;
	bgpd_log(b->d, LOG_INFO, "neighbor %s: BFD session %s", n->name,
		 err ? "already there" : "created");
}

/* Sessions that were up before we subscribed send no event: ask. */
static void learn_states(struct bfd_link *b)
{
	struct bfd_session *all;
	size_t count;

	if (bfd_client_dump(&b->cmds, &all, &count))
		return;
	for (size_t i = 0; i < count; i++)
		if (created(b, &all[i]) && bfd_has(&all[i], KBFD_A_STATE) &&
		    all[i].state == KBFD_STATE_UP)
			state_of(b, &all[i]);
	free(all);
}

static bool needed(const struct config *c)
{
	for (size_t i = 0; i < c->n_neighbors; i++)
		if (c->neighbors[i].bfd)
			return true;
	return false;
}

/* Opens both clients and subscribes; says plainly when kbfd is not there. */
static void connect_kbfd(struct bfd_link *b)
{
	if (bfd_client_open(&b->events) || bfd_client_subscribe(&b->events) ||
	    bfd_client_open(&b->cmds)) {
		bgpd_log(b->d, LOG_WARNING, "BFD is unavailable (%s): BGP runs without it",
			 b->events.message[0] ? b->events.message : b->cmds.message[0] ?
			 b->cmds.message : "kbfd refused the subscription");
		if (b->events.sock)
			bfd_client_close(&b->events);
		return;
	}
	b->w.fd = bfd_client_fd(&b->events);
	if (bgpd_watch(b->d, &b->w, EPOLLIN)) {
		bgpd_log(b->d, LOG_WARNING, "BFD is unavailable: cannot watch its events");
		bfd_client_close(&b->events);
		bfd_client_close(&b->cmds);
		b->w.fd = -1;
		return;
	}
	b->available = true;
	edge_set_bfd_events(b->edge, b->w.fd);
}

void bfd_link_sync(struct bfd_link *b)
{
	const struct config *c = &b->d->cfg;

	if (!b->available && needed(c))
		connect_kbfd(b);
	if (!b->available)
		return;
	for (size_t i = b->n_created; i-- > 0;) {
		if (wanted(c, &b->created[i]))
			continue;
		bfd_client_del(&b->cmds, &b->created[i]);
		if (i != --b->n_created)
			b->created[i] = b->created[b->n_created];
	}
	for (size_t i = 0; i < c->n_neighbors; i++)
		if (c->neighbors[i].bfd)
			add_session(b, &c->neighbors[i]);
	learn_states(b);
}

void bfd_link_open(struct bfd_link *b, struct bgpd *d, struct edge *e)
{
	memset(b, 0, sizeof(*b));
	b->d = d;
	b->edge = e;
	b->w.fd = -1;
	b->w.cb = bfd_readable;
	bfd_link_sync(b);
}

void bfd_link_close(struct bfd_link *b)
{
	if (!b->available)
		return;
	for (size_t i = 0; i < b->n_created; i++)
		bfd_client_del(&b->cmds, &b->created[i]);
	free(b->created);
	bfd_client_close(&b->events);
	bfd_client_close(&b->cmds);
	memset(b, 0, sizeof(*b));
}
