// SPDX-License-Identifier: GPL-2.0
/*
 * The "kbfd" generic netlink family: the contract is documented in
 * include/uapi/linux/kbfd.h. Every request is validated strictly against
 * one family policy; cross-attribute rules are checked here before
 * anything changes, with an extended ACK naming the attribute.
 */

#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <uapi/linux/kbfd.h>

#include "auth.h"
#include "lag.h"
#include "netlink.h"
#include "session.h"

static struct genl_family kbfd_family;

enum {
	KBFD_MCGRP_EVENTS,
};

static const struct genl_multicast_group kbfd_mcgrps[] = {
	[KBFD_MCGRP_EVENTS] = { .name = KBFD_GENL_MCGRP_EVENTS },
};

static int kbfd_nl_validate_addr(const struct nlattr *attr,
				 struct netlink_ext_ack *extack)
{
	if (nla_len(attr) != sizeof(struct in_addr) &&
	    nla_len(attr) != sizeof(struct in6_addr)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "address must be 4 (IPv4) or 16 (IPv6) bytes");
		return -EINVAL;
	}
	return 0;
}

static struct netlink_range_validation kbfd_interval_range __ro_after_init = {
	.min = KBFD_MIN_INTERVAL_US,
	.max = KBFD_MAX_INTERVAL_US,
};

#define KBFD_READ_ONLY { .type = NLA_REJECT, \
			 .reject_message = "read-only attribute" }

static const struct nla_policy kbfd_policy[KBFD_A_MAX + 1] = {
	[KBFD_A_PEER_ADDR] = NLA_POLICY_VALIDATE_FN(NLA_BINARY,
						    kbfd_nl_validate_addr,
						    sizeof(struct in6_addr)),
	[KBFD_A_LOCAL_ADDR] = NLA_POLICY_VALIDATE_FN(NLA_BINARY,
						     kbfd_nl_validate_addr,
						     sizeof(struct in6_addr)),
	[KBFD_A_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[KBFD_A_MULTIHOP] = { .type = NLA_FLAG },
	[KBFD_A_DESIRED_MIN_TX_US] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &kbfd_interval_range),
	[KBFD_A_REQUIRED_MIN_RX_US] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &kbfd_interval_range),
	[KBFD_A_DETECT_MULT] = NLA_POLICY_MIN(NLA_U8, 1),
	[KBFD_A_ADMIN_DOWN] = NLA_POLICY_MAX(NLA_U8, 1),
	[KBFD_A_AUTH_TYPE] = NLA_POLICY_MAX(NLA_U8, KBFD_AUTH_METICULOUS_SHA1),
	[KBFD_A_AUTH_KEY_ID] = { .type = NLA_U8 },
	[KBFD_A_AUTH_KEY] = NLA_POLICY_RANGE(NLA_BINARY, 1, KBFD_AUTH_KEY_MAX),
	[KBFD_A_STATE] = KBFD_READ_ONLY,
	[KBFD_A_REMOTE_STATE] = KBFD_READ_ONLY,
	[KBFD_A_DIAG] = KBFD_READ_ONLY,
	[KBFD_A_LOCAL_DISCR] = NLA_POLICY_MIN(NLA_U32, 1),
	[KBFD_A_REMOTE_DISCR] = KBFD_READ_ONLY,
	[KBFD_A_NEG_TX_US] = KBFD_READ_ONLY,
	[KBFD_A_NEG_RX_US] = KBFD_READ_ONLY,
	[KBFD_A_REMOTE_DETECT_MULT] = KBFD_READ_ONLY,
	[KBFD_A_DETECT_TIME_US] = KBFD_READ_ONLY,
	[KBFD_A_RX_PACKETS] = KBFD_READ_ONLY,
	[KBFD_A_TX_PACKETS] = KBFD_READ_ONLY,
	[KBFD_A_RX_DROPS] = KBFD_READ_ONLY,
	[KBFD_A_UP_TRANSITIONS] = KBFD_READ_ONLY,
	[KBFD_A_OLD_STATE] = KBFD_READ_ONLY,
	[KBFD_A_TIMESTAMP_NS] = KBFD_READ_ONLY,
	[KBFD_A_PAD] = KBFD_READ_ONLY,
	[KBFD_A_LAG_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[KBFD_A_LAG_MIN_LINKS] = NLA_POLICY_RANGE(NLA_U32, 1,
						  KBFD_LAG_MAX_MIN_LINKS),
	[KBFD_A_LAG_STATE] = KBFD_READ_ONLY,
	[KBFD_A_LAG_OLD_STATE] = KBFD_READ_ONLY,
	[KBFD_A_LAG_MEMBERS_UP] = KBFD_READ_ONLY,
	[KBFD_A_LAG_MEMBER] = KBFD_READ_ONLY,
	[KBFD_A_LAG_CHANGE] = KBFD_READ_ONLY,
};

/*
 * Neither unspecified, IPv4-mapped nor multicast. The unspecified address
 * is no bit of ipv6_addr_type(): IPV6_ADDR_ANY is 0.
 */
static bool kbfd_ipv6_unicast(const struct in6_addr *a)
{
	return !ipv6_addr_any(a) && !ipv6_addr_v4mapped(a) &&
	       !ipv6_addr_is_multicast(a);
}

/* Key attributes of a request: the peer address is required. */
static int kbfd_nl_parse_key(struct genl_info *info, struct kbfd_key *k)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **attrs = info->attrs;
	struct nlattr *peer = attrs[KBFD_A_PEER_ADDR];
	struct nlattr *local = attrs[KBFD_A_LOCAL_ADDR];
	int alen;

	if (GENL_REQ_ATTR_CHECK(info, KBFD_A_PEER_ADDR)) {
		NL_SET_ERR_MSG(extack, "missing KBFD_A_PEER_ADDR");
		return -EINVAL;
	}
	memset(k, 0, sizeof(*k));
	alen = nla_len(peer);
	k->family = alen == sizeof(struct in_addr) ? AF_INET : AF_INET6;
	nla_memcpy(&k->peer, peer, alen);
	if (local) {
		if (nla_len(local) != alen) {
			NL_SET_ERR_MSG_ATTR(extack, local,
					    "local and peer address families differ");
			return -EINVAL;
		}
		nla_memcpy(&k->local, local, alen);
		k->has_local = true;
	}
	k->multihop = nla_get_flag(attrs[KBFD_A_MULTIHOP]);
	if (attrs[KBFD_A_IFINDEX])
		k->ifindex = nla_get_u32(attrs[KBFD_A_IFINDEX]);

	if (k->family == AF_INET) {
		if (ipv4_is_multicast(k->peer.v4) || ipv4_is_lbcast(k->peer.v4) ||
		    ipv4_is_zeronet(k->peer.v4)) {
			NL_SET_ERR_MSG_ATTR(extack, peer,
					    "peer address is not a unicast address");
			return -EINVAL;
		}
		if (k->has_local && (ipv4_is_multicast(k->local.v4) ||
				     ipv4_is_lbcast(k->local.v4) ||
				     ipv4_is_zeronet(k->local.v4))) {
			NL_SET_ERR_MSG_ATTR(extack, local,
					    "local address is not a unicast address");
			return -EINVAL;
		}
	} else {
		if (!kbfd_ipv6_unicast(&k->peer.v6)) {
			NL_SET_ERR_MSG_ATTR(extack, peer,
					    "peer address is not a unicast address");
			return -EINVAL;
		}
		if ((ipv6_addr_type(&k->peer.v6) & IPV6_ADDR_LINKLOCAL) &&
		    !k->ifindex) {
			NL_SET_ERR_MSG_ATTR(extack, peer,
					    "link-local peer needs KBFD_A_IFINDEX");
			return -EINVAL;
		}
		if (k->has_local && !kbfd_ipv6_unicast(&k->local.v6)) {
			NL_SET_ERR_MSG_ATTR(extack, local,
					    "local address is not a unicast address");
			return -EINVAL;
		}
	}
	return 0;
}

static int kbfd_nl_check_ifindex(struct net *net, struct genl_info *info,
				 const struct kbfd_key *k)
{
	bool found;

	if (!k->ifindex)
		return 0;
	rcu_read_lock();
	found = dev_get_by_index_rcu(net, k->ifindex);
	rcu_read_unlock();
	if (!found) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KBFD_A_IFINDEX],
				    "no such interface in this namespace");
		return -ENODEV;
	}
	return 0;
}

/*
 * Configuration attributes. @cfg starts from the current values (SET) or
 * the defaults (ADD); the result, authentication included, is complete.
 */
static int kbfd_nl_parse_config(struct genl_info *info,
				struct kbfd_config *cfg)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr **attrs = info->attrs;
	struct nlattr *a;
	int err;

	a = attrs[KBFD_A_DESIRED_MIN_TX_US];
	if (a) {
		cfg->tx = nla_get_u32(a);
		cfg->has_tx = true;
	}
	a = attrs[KBFD_A_REQUIRED_MIN_RX_US];
	if (a) {
		cfg->rx = nla_get_u32(a);
		cfg->has_rx = true;
	}
	a = attrs[KBFD_A_DETECT_MULT];
	if (a) {
		cfg->mult = nla_get_u8(a);
		cfg->has_mult = true;
	}
	a = attrs[KBFD_A_ADMIN_DOWN];
	if (a) {
		cfg->admin_down = nla_get_u8(a);
		cfg->has_admin = true;
	}
	a = attrs[KBFD_A_AUTH_TYPE];
	if (a) {
		cfg->auth.type = nla_get_u8(a);
		cfg->has_auth_type = true;
		if (cfg->auth.type == KBFD_AUTH_NONE) {
			memset(&cfg->auth, 0, sizeof(cfg->auth));
			if (attrs[KBFD_A_AUTH_KEY]) {
				NL_SET_ERR_MSG_ATTR(extack, attrs[KBFD_A_AUTH_KEY],
						    "key given without authentication");
				return -EINVAL;
			}
		}
	}
	a = attrs[KBFD_A_AUTH_KEY_ID];
	if (a) {
		cfg->auth.key_id = nla_get_u8(a);
		cfg->has_auth_key_id = true;
	}
	a = attrs[KBFD_A_AUTH_KEY];
	if (a) {
		memset(cfg->auth.key, 0, sizeof(cfg->auth.key));
		cfg->auth.key_len = nla_len(a);
		nla_memcpy(cfg->auth.key, a, sizeof(cfg->auth.key));
		cfg->has_auth_key = true;
	}
	if (cfg->auth.type == KBFD_AUTH_NONE &&
	    (cfg->has_auth_key || cfg->has_auth_key_id)) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[KBFD_A_AUTH_KEY] ?:
				    attrs[KBFD_A_AUTH_KEY_ID],
				    "key given without authentication");
		return -EINVAL;
	}
	err = kbfd_auth_check_config(&cfg->auth, extack);
	if (err)
		NL_SET_BAD_ATTR(extack, attrs[KBFD_A_AUTH_KEY] ?:
				attrs[KBFD_A_AUTH_TYPE]);
	return err;
}

/* The session a DEL / SET / GET request names. kbfd_cfg_lock held. */
static struct kbfd_session *__kbfd_nl_lookup(struct net *net,
					     struct genl_info *info)
{
	struct nlattr *discr = info->attrs[KBFD_A_LOCAL_DISCR];
	struct kbfd_session *s;
	struct kbfd_key key;
	int err;

	if (discr && !info->attrs[KBFD_A_PEER_ADDR]) {
		s = kbfd_session_by_discr(net, nla_get_u32(discr));
		if (!s) {
			NL_SET_ERR_MSG_ATTR(info->extack, discr, "no such session");
			return ERR_PTR(-ENOENT);
		}
		return s;
	}
	err = kbfd_nl_parse_key(info, &key);
	if (err)
		return ERR_PTR(err);
	s = kbfd_session_by_key(net, &key);
	if (!s || (discr && s->local_discr != nla_get_u32(discr))) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KBFD_A_PEER_ADDR],
				    "no such session");
		return ERR_PTR(-ENOENT);
	}
	return s;
}

/* DEL and SET: a LAG member's session belongs to its LAG. */
static struct kbfd_session *kbfd_nl_lookup(struct net *net,
					   struct genl_info *info, bool change)
{
	struct kbfd_session *s = __kbfd_nl_lookup(net, info);

	if (!IS_ERR(s) && change && s->member) {
		NL_SET_ERR_MSG(info->extack,
			       "the session belongs to a LAG (KBFD_CMD_LAG_DEL)");
		return ERR_PTR(-EBUSY);
	}
	return s;
}

struct kbfd_nl_snap {
	u32 cfg_tx, cfg_rx, remote_discr, neg_tx, neg_rx, detect;
	u64 rx_packets, tx_packets, rx_drops;
	u32 up_transitions;
	u8 mult, admin_down, auth_type, auth_key_id, state, remote_state;
	u8 diag, remote_mult;
};

static int kbfd_nl_put_key(struct sk_buff *skb, const struct kbfd_session *s)
{
	const struct kbfd_key *k = &s->key;
	int alen = k->family == AF_INET ? sizeof(struct in_addr) :
					  sizeof(struct in6_addr);

	if (nla_put(skb, KBFD_A_PEER_ADDR, alen, &k->peer) ||
	    (k->has_local && nla_put(skb, KBFD_A_LOCAL_ADDR, alen, &k->local)) ||
	    (k->ifindex && nla_put_u32(skb, KBFD_A_IFINDEX, k->ifindex)) ||
	    (k->multihop && nla_put_flag(skb, KBFD_A_MULTIHOP)) ||
	    nla_put_u32(skb, KBFD_A_LOCAL_DISCR, s->local_discr) ||
	    (s->lag_ifindex &&
	     nla_put_u32(skb, KBFD_A_LAG_IFINDEX, s->lag_ifindex)))
		return -EMSGSIZE;
	return 0;
}

static int kbfd_nl_fill(struct sk_buff *skb, void *obj, u32 portid, u32 seq,
			int flags, struct netlink_callback *cb)
{
	struct kbfd_session *s = obj;
	struct kbfd_nl_snap n;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &kbfd_family, flags,
			  KBFD_CMD_SESSION_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);

	spin_lock_bh(&s->lock);
	n.cfg_tx = s->cfg_tx;
	n.cfg_rx = s->cfg_rx;
	n.mult = s->detect_mult;
	n.admin_down = s->admin_down;
	n.auth_type = s->auth.type;
	n.auth_key_id = s->auth.key_id;
	n.state = s->state;
	n.remote_state = s->remote_state;
	n.diag = s->diag;
	n.remote_discr = s->remote_discr;
	n.neg_tx = kbfd_tx_interval_us(s);
	n.neg_rx = max(s->act_rx, s->remote_tx);
	n.remote_mult = s->remote_mult;
	n.detect = kbfd_detect_time_us(s);
	n.rx_packets = s->rx_packets;
	n.tx_packets = s->tx_packets;
	n.rx_drops = s->rx_drops;
	n.up_transitions = s->up_transitions;
	spin_unlock_bh(&s->lock);

	if (kbfd_nl_put_key(skb, s) ||
	    nla_put_u32(skb, KBFD_A_DESIRED_MIN_TX_US, n.cfg_tx) ||
	    nla_put_u32(skb, KBFD_A_REQUIRED_MIN_RX_US, n.cfg_rx) ||
	    nla_put_u8(skb, KBFD_A_DETECT_MULT, n.mult) ||
	    nla_put_u8(skb, KBFD_A_ADMIN_DOWN, n.admin_down) ||
	    nla_put_u8(skb, KBFD_A_AUTH_TYPE, n.auth_type) ||
	    (n.auth_type && nla_put_u8(skb, KBFD_A_AUTH_KEY_ID, n.auth_key_id)) ||
	    nla_put_u8(skb, KBFD_A_STATE, n.state) ||
	    nla_put_u8(skb, KBFD_A_REMOTE_STATE, n.remote_state) ||
	    nla_put_u8(skb, KBFD_A_DIAG, n.diag) ||
	    nla_put_u32(skb, KBFD_A_REMOTE_DISCR, n.remote_discr) ||
	    nla_put_u32(skb, KBFD_A_NEG_TX_US, n.neg_tx) ||
	    nla_put_u32(skb, KBFD_A_NEG_RX_US, n.neg_rx) ||
	    nla_put_u8(skb, KBFD_A_REMOTE_DETECT_MULT, n.remote_mult) ||
	    nla_put_u32(skb, KBFD_A_DETECT_TIME_US, n.detect) ||
	    nla_put_u64_64bit(skb, KBFD_A_RX_PACKETS, n.rx_packets,
			      KBFD_A_PAD) ||
	    nla_put_u64_64bit(skb, KBFD_A_TX_PACKETS, n.tx_packets,
			      KBFD_A_PAD) ||
	    nla_put_u64_64bit(skb, KBFD_A_RX_DROPS, n.rx_drops, KBFD_A_PAD) ||
	    nla_put_u32(skb, KBFD_A_UP_TRANSITIONS, n.up_transitions)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Describes a session or a LAG (fill) in a message of its own. */
typedef int (*kbfd_nl_fill_t)(struct sk_buff *skb, void *obj, u32 portid,
			      u32 seq, int flags, struct netlink_callback *cb);

/* Replies to @info with @obj, described by @fill in @size bytes at most. */
static int kbfd_nl_reply(void *obj, kbfd_nl_fill_t fill, size_t size,
			 struct genl_info *info)
{
	struct sk_buff *msg;
	int err;

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	err = fill(msg, obj, info->snd_portid, info->snd_seq, 0, NULL);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/*
 * Dumps one list of the namespace (at head_offset in struct kbfd_net), whose
 * entries are found by their list node at node_offset. kbfd_cfg_lock keeps
 * the list still between parts; cb->seq from the generation flags a dump
 * that spanned changes.
 */
static int kbfd_nl_dump_list(struct sk_buff *skb, struct netlink_callback *cb,
			     size_t head_offset, size_t node_offset,
			     kbfd_nl_fill_t fill)
{
	struct list_head *head, *pos;
	struct kbfd_net *kn;
	bool whole = true;
	long idx = 0;

	mutex_lock(&kbfd_cfg_lock);
	if (kbfd_exiting)
		goto out;
	kn = kbfd_pernet(sock_net(skb->sk));
	cb->seq = kn->gen;
	head = (struct list_head *)((char *)kn + head_offset);
	list_for_each(pos, head) {
		if (idx >= cb->args[0] &&
		    fill(skb, (char *)pos - node_offset,
			 NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			 NLM_F_MULTI, cb)) {
			whole = false;
			break;
		}
		idx++;
	}
	cb->args[0] = idx;
out:
	mutex_unlock(&kbfd_cfg_lock);
	/*
	 * An entry that fits no message (a LAG grown since the dump began)
	 * fails the dump, rather than end it short as if it were whole.
	 */
	if (!whole && !skb->len)
		return -EMSGSIZE;
	return skb->len;
}

/* Takes kbfd_cfg_lock; fails once the module is on its way out. */
static struct kbfd_net *kbfd_nl_begin(struct genl_info *info)
{
	mutex_lock(&kbfd_cfg_lock);
	if (kbfd_exiting) {
		mutex_unlock(&kbfd_cfg_lock);
		NL_SET_ERR_MSG(info->extack, "kbfd is being unloaded");
		return NULL;
	}
	return kbfd_pernet(genl_info_net(info));
}

static int kbfd_nl_add(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct kbfd_config cfg = {
		.tx = KBFD_DEFAULT_INTERVAL_US,
		.rx = KBFD_DEFAULT_INTERVAL_US,
		.mult = KBFD_DEFAULT_DETECT_MULT,
	};
	struct kbfd_session *s;
	struct kbfd_net *kn;
	struct kbfd_key key;
	int err;

	if (info->attrs[KBFD_A_LOCAL_DISCR]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KBFD_A_LOCAL_DISCR],
				    "the local discriminator is chosen by the kernel");
		return -EINVAL;
	}
	if (info->attrs[KBFD_A_LAG_IFINDEX] || info->attrs[KBFD_A_LAG_MIN_LINKS]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KBFD_A_LAG_IFINDEX] ?:
				    info->attrs[KBFD_A_LAG_MIN_LINKS],
				    "LAG sessions are added with KBFD_CMD_LAG_ADD");
		return -EINVAL;
	}
	err = kbfd_nl_parse_key(info, &key);
	if (err)
		return err;
	err = kbfd_nl_parse_config(info, &cfg);
	if (err)
		return err;

	kn = kbfd_nl_begin(info);
	if (!kn)
		return -ESHUTDOWN;
	err = kbfd_nl_check_ifindex(net, info, &key);
	if (err)
		goto out;
	if (kbfd_session_by_key(net, &key)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KBFD_A_PEER_ADDR],
				    "a session with this key exists");
		err = -EEXIST;
		goto out;
	}
	err = kbfd_session_room(kn, info->extack);
	if (err)
		goto out;
	s = kbfd_session_create(kn, &key, &cfg, NULL, info->extack);
	if (IS_ERR(s)) {
		err = PTR_ERR(s);
		goto out;
	}
	err = kbfd_nl_reply(s, kbfd_nl_fill, NLMSG_GOODSIZE, info);
	if (err)
		kbfd_session_destroy(s, false);
out:
	mutex_unlock(&kbfd_cfg_lock);
	return err;
}

static int kbfd_nl_del(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct kbfd_session *s;
	int err = 0;

	if (!kbfd_nl_begin(info))
		return -ESHUTDOWN;
	s = kbfd_nl_lookup(net, info, true);
	if (IS_ERR(s))
		err = PTR_ERR(s);
	else
		kbfd_session_destroy(s, true);
	mutex_unlock(&kbfd_cfg_lock);
	return err;
}

static int kbfd_nl_set(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct kbfd_config cfg = {};
	struct kbfd_session *s;
	int err;

	if (!kbfd_nl_begin(info))
		return -ESHUTDOWN;
	s = kbfd_nl_lookup(net, info, true);
	if (IS_ERR(s)) {
		err = PTR_ERR(s);
		goto out;
	}
	/* Start from the current configuration. */
	spin_lock_bh(&s->lock);
	cfg.tx = s->cfg_tx;
	cfg.rx = s->cfg_rx;
	cfg.mult = s->detect_mult;
	cfg.admin_down = s->admin_down;
	cfg.auth = s->auth;
	spin_unlock_bh(&s->lock);
	err = kbfd_nl_parse_config(info, &cfg);
	if (!err)
		err = kbfd_session_configure(s, &cfg, info->extack);
out:
	memzero_explicit(&cfg.auth, sizeof(cfg.auth));
	mutex_unlock(&kbfd_cfg_lock);
	return err;
}

static int kbfd_nl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct kbfd_session *s;
	int err;

	if (!kbfd_nl_begin(info))
		return -ESHUTDOWN;
	s = kbfd_nl_lookup(net, info, false);
	err = IS_ERR(s) ? PTR_ERR(s) :
	      kbfd_nl_reply(s, kbfd_nl_fill, NLMSG_GOODSIZE, info);
	mutex_unlock(&kbfd_cfg_lock);
	return err;
}

static int kbfd_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return kbfd_nl_dump_list(skb, cb, offsetof(struct kbfd_net, sessions),
				 offsetof(struct kbfd_session, list),
				 kbfd_nl_fill);
}

/* LAGs (RFC 7130). */

static int kbfd_nl_put_lag_member(struct sk_buff *skb, struct kbfd_member *m)
{
	struct kbfd_session *s = m->s;
	u8 state, remote_state, diag;
	struct nlattr *nest;
	u32 remote_discr;

	spin_lock_bh(&s->lock);
	state = s->state;
	remote_state = s->remote_state;
	diag = s->diag;
	remote_discr = s->remote_discr;
	spin_unlock_bh(&s->lock);

	nest = nla_nest_start(skb, KBFD_A_LAG_MEMBER);
	if (!nest ||
	    nla_put_u32(skb, KBFD_A_IFINDEX, s->key.ifindex) ||
	    nla_put_u32(skb, KBFD_A_LOCAL_DISCR, s->local_discr) ||
	    nla_put_u32(skb, KBFD_A_REMOTE_DISCR, remote_discr) ||
	    nla_put_u8(skb, KBFD_A_STATE, state) ||
	    nla_put_u8(skb, KBFD_A_REMOTE_STATE, remote_state) ||
	    nla_put_u8(skb, KBFD_A_DIAG, diag))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * Bytes of the attributes kbfd_nl_lag_fill() puts, at most: a nest per
 * member, so a large LAG needs more than a page. kbfd_cfg_lock held.
 */
static size_t kbfd_nl_lag_size(const struct kbfd_lag *lag)
{
	size_t member = nla_total_size(0) + 3 * nla_total_size(sizeof(u32)) +
			3 * nla_total_size(sizeof(u8));

	return 2 * nla_total_size(sizeof(struct in6_addr)) +
	       5 * nla_total_size(sizeof(u32)) + 4 * nla_total_size(sizeof(u8)) +
	       lag->n_members * member;
}

/* kbfd_cfg_lock held. */
static int kbfd_nl_lag_fill(struct sk_buff *skb, void *obj, u32 portid,
			    u32 seq, int flags, struct netlink_callback *cb)
{
	struct kbfd_lag *lag = obj;
	const struct kbfd_config *cfg = &lag->cfg;
	int alen = lag->key.family == AF_INET ? sizeof(struct in_addr) :
						sizeof(struct in6_addr);
	struct kbfd_member *m;
	unsigned int n_up;
	void *hdr;
	u8 state;

	hdr = genlmsg_put(skb, portid, seq, &kbfd_family, flags,
			  KBFD_CMD_LAG_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);
	kbfd_lag_snapshot(lag, &state, &n_up);
	if (nla_put_u32(skb, KBFD_A_LAG_IFINDEX, lag->ifindex) ||
	    nla_put(skb, KBFD_A_PEER_ADDR, alen, &lag->key.peer) ||
	    nla_put(skb, KBFD_A_LOCAL_ADDR, alen, &lag->key.local) ||
	    nla_put_u32(skb, KBFD_A_DESIRED_MIN_TX_US, cfg->tx) ||
	    nla_put_u32(skb, KBFD_A_REQUIRED_MIN_RX_US, cfg->rx) ||
	    nla_put_u8(skb, KBFD_A_DETECT_MULT, cfg->mult) ||
	    nla_put_u8(skb, KBFD_A_AUTH_TYPE, cfg->auth.type) ||
	    (cfg->auth.type &&
	     nla_put_u8(skb, KBFD_A_AUTH_KEY_ID, cfg->auth.key_id)) ||
	    nla_put_u32(skb, KBFD_A_LAG_MIN_LINKS, lag->min_links) ||
	    nla_put_u8(skb, KBFD_A_LAG_STATE, state) ||
	    nla_put_u32(skb, KBFD_A_LAG_MEMBERS_UP, n_up))
		goto err;
	list_for_each_entry(m, &lag->members, list) {
		if (kbfd_nl_put_lag_member(skb, m))
			goto err;
	}
	genlmsg_end(skb, hdr);
	return 0;
err:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static struct kbfd_lag *kbfd_nl_lag_lookup(struct kbfd_net *kn,
					   struct genl_info *info)
{
	struct kbfd_lag *lag;

	if (GENL_REQ_ATTR_CHECK(info, KBFD_A_LAG_IFINDEX)) {
		NL_SET_ERR_MSG(info->extack, "missing KBFD_A_LAG_IFINDEX");
		return ERR_PTR(-EINVAL);
	}
	lag = kbfd_lag_find(kn, nla_get_u32(info->attrs[KBFD_A_LAG_IFINDEX]));
	if (!lag) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KBFD_A_LAG_IFINDEX],
				    "no LAG on this interface");
		return ERR_PTR(-ENOENT);
	}
	return lag;
}

/* Attributes a LAG_ADD takes besides the key and the configuration. */
static const int kbfd_lag_refused[] = {
	KBFD_A_IFINDEX, KBFD_A_MULTIHOP, KBFD_A_LOCAL_DISCR, KBFD_A_ADMIN_DOWN,
};

static bool kbfd_in_dev_has_addr(struct in_device *idev, __be32 addr)
{
	const struct in_ifaddr *ifa;

	in_dev_for_each_ifa_rtnl(ifa, idev)
		if (ifa->ifa_local == addr)
			return true;
	return false;
}

static int kbfd_nl_lag_check(struct net *net, struct genl_info *info,
			     struct kbfd_key *key, struct net_device **bond)
{
	struct netlink_ext_ack *extack = info->extack;
	struct nlattr *a = info->attrs[KBFD_A_LAG_IFINDEX];
	struct net_device *dev;
	struct in_device *idev;

	ASSERT_RTNL();
	dev = __dev_get_by_index(net, nla_get_u32(a));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(extack, a, "no such interface in this namespace");
		return -ENODEV;
	}
	if (!netif_is_bond_master(dev)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "not a bonding device");
		return -EINVAL;
	}
	/*
	 * Both source address selections fall back to other interfaces of the
	 * namespace (a loopback or dummy address, or any address while the
	 * bond's own are tentative): a LAG's local address is the bond's own.
	 */
	if (!key->has_local && key->family == AF_INET) {
		idev = __in_dev_get_rtnl(dev);
		key->local.v4 = idev ? inet_select_addr(dev, key->peer.v4,
							RT_SCOPE_UNIVERSE) : 0;
		if (!key->local.v4 || !kbfd_in_dev_has_addr(idev, key->local.v4)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "the bond has no IPv4 address: give KBFD_A_LOCAL_ADDR");
			return -EADDRNOTAVAIL;
		}
		key->has_local = true;
	} else if (!key->has_local) {
		/* The peer cannot be link-local (no KBFD_A_IFINDEX): nor may we. */
		if (ipv6_dev_get_saddr(net, dev, &key->peer.v6, 0,
				       &key->local.v6) ||
		    (ipv6_addr_type(&key->local.v6) & IPV6_ADDR_LINKLOCAL) ||
		    !ipv6_chk_addr(net, &key->local.v6, dev, 1)) {
			NL_SET_ERR_MSG_ATTR(extack, a,
					    "the bond has no global IPv6 address: give KBFD_A_LOCAL_ADDR");
			return -EADDRNOTAVAIL;
		}
		key->has_local = true;
	}
	*bond = dev;
	return 0;
}

static int kbfd_nl_lag_add(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct kbfd_config cfg = {
		.tx = KBFD_DEFAULT_INTERVAL_US,
		.rx = KBFD_DEFAULT_INTERVAL_US,
		.mult = KBFD_DEFAULT_DETECT_MULT,
	};
	struct net_device *bond;
	struct kbfd_lag *lag;
	struct kbfd_net *kn;
	struct kbfd_key key;
	u32 min_links = 1;
	int err, i;

	if (GENL_REQ_ATTR_CHECK(info, KBFD_A_LAG_IFINDEX)) {
		NL_SET_ERR_MSG(info->extack, "missing KBFD_A_LAG_IFINDEX");
		return -EINVAL;
	}
	for (i = 0; i < ARRAY_SIZE(kbfd_lag_refused); i++) {
		struct nlattr *a = info->attrs[kbfd_lag_refused[i]];

		if (a) {
			NL_SET_ERR_MSG_ATTR(info->extack, a,
					    "attribute not taken by KBFD_CMD_LAG_ADD");
			return -EINVAL;
		}
	}
	err = kbfd_nl_parse_key(info, &key);
	if (err)
		return err;
	err = kbfd_nl_parse_config(info, &cfg);
	if (err)
		goto out_cfg;
	if (info->attrs[KBFD_A_LAG_MIN_LINKS])
		min_links = nla_get_u32(info->attrs[KBFD_A_LAG_MIN_LINKS]);

	rtnl_lock();
	kn = kbfd_nl_begin(info);
	if (!kn) {
		rtnl_unlock();
		err = -ESHUTDOWN;
		goto out_cfg;
	}
	err = kbfd_nl_lag_check(net, info, &key, &bond);
	if (err)
		goto out;
	if (kbfd_lag_find(kn, bond->ifindex)) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[KBFD_A_LAG_IFINDEX],
				    "this bond has a LAG already");
		err = -EEXIST;
		goto out;
	}
	lag = kbfd_lag_create(kn, bond, &key, &cfg, min_links, info->extack);
	if (IS_ERR(lag)) {
		err = PTR_ERR(lag);
		goto out;
	}
	err = kbfd_nl_reply(lag, kbfd_nl_lag_fill, kbfd_nl_lag_size(lag), info);
	if (err)
		kbfd_lag_destroy(lag, false, false);
out:
	mutex_unlock(&kbfd_cfg_lock);
	rtnl_unlock();
out_cfg:
	memzero_explicit(&cfg.auth, sizeof(cfg.auth));
	return err;
}

static int kbfd_nl_lag_del(struct sk_buff *skb, struct genl_info *info)
{
	struct kbfd_lag *lag;
	struct kbfd_net *kn;
	int err = 0;

	rtnl_lock();
	kn = kbfd_nl_begin(info);
	if (!kn) {
		rtnl_unlock();
		return -ESHUTDOWN;
	}
	lag = kbfd_nl_lag_lookup(kn, info);
	if (IS_ERR(lag))
		err = PTR_ERR(lag);
	else
		kbfd_lag_destroy(lag, true, false);
	mutex_unlock(&kbfd_cfg_lock);
	rtnl_unlock();
	return err;
}

static int kbfd_nl_lag_get(struct sk_buff *skb, struct genl_info *info)
{
	struct kbfd_lag *lag;
	struct kbfd_net *kn;
	int err;

	kn = kbfd_nl_begin(info);
	if (!kn)
		return -ESHUTDOWN;
	lag = kbfd_nl_lag_lookup(kn, info);
	err = IS_ERR(lag) ? PTR_ERR(lag) :
	      kbfd_nl_reply(lag, kbfd_nl_lag_fill, kbfd_nl_lag_size(lag), info);
	mutex_unlock(&kbfd_cfg_lock);
	return err;
}

/* Each message of a LAG dump can hold the largest LAG whole. */
static int kbfd_nl_lag_dump_start(struct netlink_callback *cb)
{
	struct kbfd_lag *lag;
	struct kbfd_net *kn;
	size_t size = 0;

	mutex_lock(&kbfd_cfg_lock);
	if (!kbfd_exiting) {
		kn = kbfd_pernet(sock_net(cb->skb->sk));
		list_for_each_entry(lag, &kn->lags, list)
			size = max(size, kbfd_nl_lag_size(lag));
	}
	mutex_unlock(&kbfd_cfg_lock);
	cb->min_dump_alloc = nlmsg_total_size(genlmsg_total_size(size));
	return 0;
}

static int kbfd_nl_lag_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	return kbfd_nl_dump_list(skb, cb, offsetof(struct kbfd_net, lags),
				 offsetof(struct kbfd_lag, list),
				 kbfd_nl_lag_fill);
}

static const struct genl_ops kbfd_ops[] = {
	{
		.cmd = KBFD_CMD_SESSION_GET,
		.doit = kbfd_nl_get,
		.dumpit = kbfd_nl_dump,
	},
	{
		.cmd = KBFD_CMD_SESSION_ADD,
		.doit = kbfd_nl_add,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KBFD_CMD_SESSION_DEL,
		.doit = kbfd_nl_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KBFD_CMD_SESSION_SET,
		.doit = kbfd_nl_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KBFD_CMD_LAG_GET,
		.doit = kbfd_nl_lag_get,
		.start = kbfd_nl_lag_dump_start,
		.dumpit = kbfd_nl_lag_dump,
	},
	{
		.cmd = KBFD_CMD_LAG_ADD,
		.doit = kbfd_nl_lag_add,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = KBFD_CMD_LAG_DEL,
		.doit = kbfd_nl_lag_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

/*
 * resv_start_op stays 0: every command validates strictly and rejects
 * a non-zero reserved header field.
 */
static struct genl_family kbfd_family __ro_after_init = {
	.name = KBFD_GENL_NAME,
	.version = KBFD_GENL_VERSION,
	.maxattr = KBFD_A_MAX,
	.policy = kbfd_policy,
	.netnsok = true,
	.ops = kbfd_ops,
	.n_ops = ARRAY_SIZE(kbfd_ops),
	.mcgrps = kbfd_mcgrps,
	.n_mcgrps = ARRAY_SIZE(kbfd_mcgrps),
	.module = THIS_MODULE,
};

/* Puts the attributes of event @ev about @obj in @msg; non-zero when full. */
typedef int (*kbfd_nl_event_fill_t)(struct sk_buff *msg, const void *obj,
				    const void *ev);

/* Any context: event @cmd, stamped @ts, to @net's "events" listeners. */
static void kbfd_nl_notify(struct net *net, u8 cmd, kbfd_nl_event_fill_t fill,
			   const void *obj, const void *ev, ktime_t ts)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&kbfd_family, net, KBFD_MCGRP_EVENTS))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &kbfd_family, 0, cmd);
	if (!hdr || fill(msg, obj, ev) ||
	    nla_put_u64_64bit(msg, KBFD_A_TIMESTAMP_NS, ktime_to_ns(ts),
			      KBFD_A_PAD)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&kbfd_family, net, msg, 0, KBFD_MCGRP_EVENTS,
				GFP_ATOMIC);
}

static int kbfd_nl_session_event(struct sk_buff *msg, const void *obj,
				 const void *arg)
{
	const struct kbfd_event *ev = arg;

	return kbfd_nl_put_key(msg, obj) ||
	       nla_put_u8(msg, KBFD_A_OLD_STATE, ev->old_state) ||
	       nla_put_u8(msg, KBFD_A_STATE, ev->new_state) ||
	       nla_put_u8(msg, KBFD_A_DIAG, ev->diag);
}

/* Any context: a state change, to the namespace's "events" listeners. */
void kbfd_genl_notify(struct kbfd_session *s, const struct kbfd_event *ev)
{
	kbfd_nl_notify(kbfd_session_net(s), KBFD_CMD_SESSION_EVENT,
		       kbfd_nl_session_event, s, ev, ev->ts);
}

static int kbfd_nl_lag_event(struct sk_buff *msg, const void *obj,
			     const void *arg)
{
	const struct kbfd_lag *lag = obj;
	const struct kbfd_lag_event *ev = arg;

	return nla_put_u32(msg, KBFD_A_LAG_IFINDEX, lag->ifindex) ||
	       nla_put_u8(msg, KBFD_A_LAG_CHANGE, ev->change) ||
	       (ev->member_ifindex &&
		nla_put_u32(msg, KBFD_A_IFINDEX, ev->member_ifindex)) ||
	       nla_put_u8(msg, KBFD_A_LAG_OLD_STATE, ev->old_state) ||
	       nla_put_u8(msg, KBFD_A_LAG_STATE, ev->new_state) ||
	       nla_put_u32(msg, KBFD_A_LAG_MEMBERS_UP, ev->n_up) ||
	       nla_put_u32(msg, KBFD_A_LAG_MIN_LINKS, ev->min_links);
}

/* Any context: a LAG event, to the namespace's "events" listeners. */
void kbfd_genl_lag_notify(struct kbfd_lag *lag,
			  const struct kbfd_lag_event *ev)
{
	kbfd_nl_notify(lag->kn->net, KBFD_CMD_LAG_EVENT, kbfd_nl_lag_event,
		       lag, ev, ev->ts);
}

int __init kbfd_genl_init(void)
{
	return genl_register_family(&kbfd_family);
}

void kbfd_genl_uninit(void)
{
	genl_unregister_family(&kbfd_family);
}
