/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Free second-level chunks (IPv4 pe_v4_tbl8, IPv6 pe_v6_tbl): a FIFO,
 * oldest first. A chunk is freed once its directory entry stopped pointing
 * to it, but an XDP program that loaded the entry before may still be
 * reading it: the chunks freed since the last grace period (the FIFO's
 * tail) are handed out again only after one. Internal to liballowlist.
 */
#ifndef PEEREDGE_CHUNK_POOL_H
#define PEEREDGE_CHUNK_POOL_H

#include <stdbool.h>
#include <linux/types.h>

#include "grace.h"

struct chunk_pool {
	__u32 *fifo;
	__u32 n, head, len;
	__u32 fresh;		/* the FIFO's last `fresh` chunks were freed */
	__u64 fresh_since;	/* after grace wait number fresh_since */
	struct grace *grace;
};

/* n chunks, none free yet. */
int chunk_pool_init(struct chunk_pool *p, __u32 n, struct grace *grace);
void chunk_pool_fini(struct chunk_pool *p);

/*
 * Frees the chunks no entry of dir (ndir entries, a chunk pointer is
 * flag | index & mask) points to. maybe_read: the tables were found pinned,
 * a process before us may have freed them just now.
 */
int chunk_pool_fill(struct chunk_pool *p, const __u32 *dir, __u32 ndir,
		    __u32 flag, __u32 mask, bool maybe_read);

/* 0 or -ENOSPC. May wait for readers (a grace period). */
int chunk_alloc(struct chunk_pool *p, __u32 *c);
/* A chunk nothing points to any more. */
void chunk_free(struct chunk_pool *p, __u32 c);

#endif
