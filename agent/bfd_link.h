/* SPDX-License-Identifier: GPL-2.0 */
/*
 * peeredged's side of BGP over BFD (RFC 5882): a kbfd single-hop session
 * for every neighbor with "bfd on" (peer = neighbor address, local =
 * local-address, dev when configured), created at start and reload,
 * deleted when the neighbor goes or the daemon stops; kbfd's Up / Down
 * events reach the session (Down: Cease / BFD Down, held until Up) and the
 * edge (a connection is Active only with BFD Up).
 *
 * Without kbfd, BGP runs on and the daemon says once, plainly, that BFD is
 * unavailable.
 */
#ifndef PEEREDGE_BFD_LINK_H
#define PEEREDGE_BFD_LINK_H

#include "bfd_client.h"
#include "edge.h"
#include "session.h"

struct bfd_link {
	struct ev_watch w;		/* the events client's socket */
	struct bgpd *d;
	struct edge *edge;
	struct bfd_client events;
	struct bfd_client cmds;
	bool available;
	struct bfd_session *created;	/* keys of the sessions we added */
	size_t n_created;
};

void bfd_link_open(struct bfd_link *b, struct bgpd *d, struct edge *e);
/*
 * Creates and deletes kbfd sessions to match the configuration (connecting
 * to kbfd first when a neighbor now wants BFD).
 */
void bfd_link_sync(struct bfd_link *b);
/* Deletes the sessions it created, closes the clients. */
void bfd_link_close(struct bfd_link *b);

#endif
