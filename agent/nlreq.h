/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Netlink requests over libnl-3 with what libnl 3.7 leaves out: the kernel's
 * extended ACK message, and many requests in flight at once. Used by every
 * netlink client of the agent (kbfd over generic netlink, the FIB over
 * rtnetlink).
 */
#ifndef PEEREDGE_NLREQ_H
#define PEEREDGE_NLREQ_H

#include <stdbool.h>
#include <stddef.h>

#include <netlink/msg.h>

struct nl_sock;

/* Requests sent before their acknowledgements are read. */
#define NLREQ_WINDOW 128

struct nlreq {
	/* Called for every data message of the replies (e.g. dump parts). */
	int (*on_reply)(struct nl_msg *msg, void *arg);
	void *arg;

	/* Results. */
	int error;		/* first kernel or libnl error, negative errno */
	size_t failed_index;	/* which request got it */
	bool interrupted;	/* a dump saw NLM_F_DUMP_INTR */
	char extack[256];	/* the kernel's reason for refusing, or "" */
	char reason[256];	/* reason for a failure not the kernel's, or "" */
	char warning[256];	/* extended ACK message of a success */
};

/*
 * Asks the kernel to send extended ACK messages and to cap the requests it
 * echoes in errors. Harmless on kernels without either.
 */
void nlreq_socket_setup(struct nl_sock *sk);

/* An NL_CB_SEQ_CHECK callback that takes every sequence number. */
int nlreq_any_sequence(struct nl_msg *msg, void *arg);

/*
 * Sends msgs[0..n-1] in order, at most NLREQ_WINDOW unanswered at a time,
 * and reads every answer: an ACK or error for each request (they must carry
 * NLM_F_ACK), the end of the dump for a dump. Requests after the first
 * failing window are not sent. Returns 0 or req->error. The kernel runs
 * one dump at a time per socket: give dumps one by one.
 */
int nlreq_run(struct nl_sock *sk, struct nl_msg **msgs, size_t n, struct nlreq *req);

#endif
