// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

#include "nlreq.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

void nlreq_socket_setup(struct nl_sock *sk)
{
	int one = 1;

	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
}

/* The NLMSGERR_ATTR_MSG string of a message's TLVs at tlv_offset, or "". */
static void copy_extack_message(const struct nlmsghdr *nlh, size_t tlv_offset,
				char *buf, size_t len)
{
	const struct nlattr *tlvs = (const void *)((const char *)nlh + tlv_offset);
	const struct nlattr *msg;

	buf[0] = '\0';
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS) || tlv_offset >= nlh->nlmsg_len)
		return;
	msg = nla_find(tlvs, nlh->nlmsg_len - tlv_offset, NLMSGERR_ATTR_MSG);
	/* The kernel NUL-terminates it; do not rely on that. */
	if (msg)
		snprintf(buf, len, "%.*s", (int)strnlen(nla_data(msg), nla_len(msg)),
			 (const char *)nla_data(msg));
}

/*
 * TLVs of an NLMSG_ERROR (error or ACK) follow the struct nlmsgerr and,
 * unless the kernel capped it, the whole echoed request.
 */
static size_t nlmsgerr_tlv_offset(const struct nlmsghdr *nlh)
{
	const struct nlmsgerr *e = nlmsg_data(nlh);
	size_t echoed = sizeof(e->msg);

	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && e->msg.nlmsg_len > echoed)
		echoed = e->msg.nlmsg_len;
	return NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(e->error) + echoed);
}

/* One window of requests in flight. */
struct window {
	struct nlreq *req;
	unsigned int first_seq;	/* sequence number of msgs[base] */
	size_t base;
	size_t answered;
};

static void fail(struct window *w, int error, unsigned int seq, const struct nlmsghdr *nlh,
		 size_t tlv_offset)
{
	struct nlreq *req = w->req;

	if (req->error)
		return;	/* the first failure is the one reported */
	req->error = error;
	req->failed_index = w->base + (seq - w->first_seq);
	copy_extack_message(nlh, tlv_offset, req->extack, sizeof(req->extack));
}

static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *e, void *arg)
{
	const struct nlmsghdr *nlh = (const void *)((const char *)e - NLMSG_HDRLEN);
	struct window *w = arg;

	(void)nla;
	w->answered++;
	fail(w, e->error, e->msg.nlmsg_seq, nlh, nlmsgerr_tlv_offset(nlh));
	return NL_OK;
}

static int on_ack(struct nl_msg *msg, void *arg)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct window *w = arg;

	w->answered++;
	copy_extack_message(nlh, nlmsgerr_tlv_offset(nlh), w->req->warning,
			    sizeof(w->req->warning));
	return NL_OK;
}

/* NLMSG_DONE of a dump: an int error (negative when the dump failed), TLVs. */
static int on_finish(struct nl_msg *msg, void *arg)
{
	const struct nlmsghdr *nlh = nlmsg_hdr(msg);
	struct window *w = arg;
	int error;

	w->answered++;
	if (nlmsg_datalen(nlh) >= (int)sizeof(error)) {
		memcpy(&error, nlmsg_data(nlh), sizeof(error));
		if (error < 0)
			fail(w, error, nlh->nlmsg_seq, nlh, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(error)));
	}
	return NL_OK;
}

static int on_dump_interrupted(struct nl_msg *msg, void *arg)
{
	struct window *w = arg;

	(void)msg;
	w->req->interrupted = true;
	return NL_OK;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct window *w = arg;

	return w->req->on_reply ? w->req->on_reply(msg, w->req->arg) : NL_OK;
}

int nlreq_any_sequence(struct nl_msg *msg, void *arg)
{
	(void)msg;
	(void)arg;
	return NL_OK;
}

static int libnl_failure(struct nlreq *req, int nlerr, const char *what)
{
	if (!req->error) {
		req->error = -EIO;
		snprintf(req->reason, sizeof(req->reason), "%s: %s", what, nl_geterror(nlerr));
	}
	return req->error;
}

int nlreq_run(struct nl_sock *sk, struct nl_msg **msgs, size_t n, struct nlreq *req)
{
	struct window w = { .req = req };
	struct nl_cb *cb;
	size_t i, sent;
	int err;

	req->error = 0;
	req->interrupted = false;
	req->extack[0] = '\0';
	req->reason[0] = '\0';
	req->warning[0] = '\0';
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	if (!cb)
		return libnl_failure(req, -NLE_NOMEM, "allocating callbacks");
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &w);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_ack, &w);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, &w);
	nl_cb_set(cb, NL_CB_DUMP_INTR, NL_CB_CUSTOM, on_dump_interrupted, &w);
	/* Answers are matched to requests by the window's counts. */
	nl_cb_set(cb, NL_CB_SEQ_CHECK, NL_CB_CUSTOM, nlreq_any_sequence, NULL);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &w);

	for (w.base = 0; w.base < n && !req->error; w.base += sent) {
		sent = 0;
		w.answered = 0;
		for (i = w.base; i < n && sent < NLREQ_WINDOW; i++, sent++) {
			err = nl_send_auto(sk, msgs[i]);
			if (err < 0) {
				libnl_failure(req, err, "sending a netlink request");
				break;
			}
			if (i == w.base)
				w.first_seq = nlmsg_hdr(msgs[i])->nlmsg_seq;
		}
		while (w.answered < sent) {
			err = nl_recvmsgs(sk, cb);
			if (err < 0) {
				libnl_failure(req, err, "reading netlink answers");
				break;
			}
		}
	}
	nl_cb_put(cb);
	return req->error;
}
