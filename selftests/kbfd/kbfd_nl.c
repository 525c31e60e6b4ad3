// SPDX-License-Identifier: GPL-2.0
/* Test helpers: talk to the kbfd generic netlink family with libnl. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/netlink.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "kbfd_nl.h"

int kbfd_nl_open(struct kbfd_nl *nl)
{
	memset(nl, 0, sizeof(*nl));
	nl->sk = nl_socket_alloc();
	if (!nl->sk)
		return -ENOMEM;
	if (genl_connect(nl->sk)) {
		nl_socket_free(nl->sk);
		return -ECONNREFUSED;
	}
	{
		int one = 1;

		setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK,
			   NETLINK_EXT_ACK, &one, sizeof(one));
	}
	nl->family = genl_ctrl_resolve(nl->sk, KBFD_GENL_NAME);
	if (nl->family < 0) {
		nl_socket_free(nl->sk);
		return -ENOENT;
	}
	return 0;
}

void kbfd_nl_close(struct kbfd_nl *nl)
{
	nl_socket_free(nl->sk);
}

struct nl_msg *kbfd_nl_msg(struct kbfd_nl *nl, int cmd, int flags)
{
	struct nl_msg *msg = nlmsg_alloc();

	if (msg)
		genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, nl->family, 0, flags,
			    cmd, KBFD_GENL_VERSION);
	return msg;
}

int kbfd_nl_parse(struct nlmsghdr *nlh, struct kbfd_info *info, int *cmd)
{
	struct genlmsghdr *g = nlmsg_data(nlh);
	struct nlattr *a;
	int rem;

	memset(info, 0, sizeof(*info));
	if (cmd)
		*cmd = g->cmd;
	nla_for_each_attr(a, genlmsg_attrdata(g, 0), genlmsg_attrlen(g, 0), rem) {
		int t = nla_type(a);

		if (t <= 0 || t > KBFD_A_MAX)
			continue;
		info->has[t] = true;
		switch (t) {
		case KBFD_A_PEER_ADDR:
			info->alen = nla_len(a) > 16 ? 16 : nla_len(a);
			memcpy(info->peer, nla_data(a), info->alen);
			break;
		case KBFD_A_LOCAL_ADDR:
			memcpy(info->local, nla_data(a),
			       nla_len(a) > 16 ? 16 : nla_len(a));
			break;
		case KBFD_A_RX_PACKETS:
		case KBFD_A_TX_PACKETS:
		case KBFD_A_RX_DROPS:
		case KBFD_A_TIMESTAMP_NS:
			info->u64[t] = nla_get_u64(a);
			break;
		case KBFD_A_LAG_MEMBER:
			info->n_members++;
			break;
		default:
			if (nla_len(a) == 1)
				info->u32[t] = nla_get_u8(a);
			else if (nla_len(a) == 4)
				info->u32[t] = nla_get_u32(a);
			break;
		}
	}
	return 0;
}

struct call_ctx {
	struct kbfd_nl *nl;
	struct kbfd_info *out;
	int max, n, err;
	bool done;
};

static int valid_cb(struct nl_msg *msg, void *arg)
{
	struct call_ctx *c = arg;

	if (c->out && c->n < c->max)
		kbfd_nl_parse(nlmsg_hdr(msg), &c->out[c->n], NULL);
	c->n++;
	return NL_OK;
}

static int finish_cb(struct nl_msg *msg, void *arg)
{
	struct call_ctx *c = arg;

	c->done = true;
	return NL_STOP;
}

static int ack_cb(struct nl_msg *msg, void *arg)
{
	struct call_ctx *c = arg;

	c->done = true;
	return NL_STOP;
}

static int error_cb(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct call_ctx *c = arg;
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	int len = nlh->nlmsg_len - NLMSG_HDRLEN, off;
	struct nlattr *a;
	int rem;

	c->err = err->error;
	c->done = true;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NL_STOP;
	off = sizeof(*err);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(struct nlmsghdr);
	if (off >= len)
		return NL_STOP;
	nla_for_each_attr(a, (struct nlattr *)((char *)err + off), len - off, rem) {
		if (nla_type(a) == NLMSGERR_ATTR_MSG)
			snprintf(c->nl->extack, sizeof(c->nl->extack), "%s",
				 (char *)nla_data(a));
		else if (nla_type(a) == NLMSGERR_ATTR_OFFS)
			c->nl->bad_attr_off = nla_get_u32(a);
	}
	return NL_STOP;
}

int kbfd_nl_call(struct kbfd_nl *nl, struct nl_msg *msg,
		 struct kbfd_info *out, int max, int *n)
{
	struct call_ctx c = { .nl = nl, .out = out, .max = max };
	struct nl_cb *cb;
	int err;

	nl->extack[0] = 0;
	nl->bad_attr_off = -1;
	err = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	if (err < 0)
		return -EIO;
	cb = nl_cb_alloc(NL_CB_DEFAULT);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, valid_cb, &c);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, finish_cb, &c);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, ack_cb, &c);
	nl_cb_err(cb, NL_CB_CUSTOM, error_cb, &c);
	while (!c.done) {
		err = nl_recvmsgs(nl->sk, cb);
		if (err < 0 && !c.done) {
			c.err = -EIO;
			break;
		}
	}
	nl_cb_put(cb);
	if (n)
		*n = c.n;
	return c.err;
}

int kbfd_nl_subscribe(struct kbfd_nl *nl)
{
	int grp = genl_ctrl_resolve_grp(nl->sk, KBFD_GENL_NAME,
					KBFD_GENL_MCGRP_EVENTS);

	if (grp < 0)
		return grp;
	nl_socket_disable_seq_check(nl->sk);
	return nl_socket_add_membership(nl->sk, grp);
}

const char *kbfd_state_name(unsigned int s)
{
	static const char *const names[] = { "admin_down", "down", "init", "up" };

	return s < 4 ? names[s] : "?";
}

int kbfd_parse_addr(const char *s, uint8_t *buf)
{
	if (inet_pton(AF_INET, s, buf) == 1)
		return 4;
	if (inet_pton(AF_INET6, s, buf) == 1)
		return 16;
	return -1;
}

void kbfd_format_addr(const uint8_t *a, int alen, char *buf, size_t len)
{
	inet_ntop(alen == 4 ? AF_INET : AF_INET6, a, buf, len);
}
