// SPDX-License-Identifier: GPL-2.0
/*
 * The transport of RFC 7130 sessions: each LAG member sends its control
 * packets as frames of its own (UDP 6784 to 01-00-5E-90-00-01 over IPv4 or
 * IPv6, as the LAG's addresses are; TTL / hop limit 255, DSCP CS6) with
 * dev_queue_xmit() at TC_PRIO_CONTROL, whatever the bond
 * thinks of the member, and receives them in a netfilter netdev ingress
 * hook on the member, which runs before the bond's rx_handler: the frame is
 * consumed there (NF_STOLEN), so the bond's stack never sees it.
 *
 * The same two hooks enforce the session's verdict on data, from the very
 * softirq that changes the session's state and without RTNL:
 *  - ingress: a member whose session is not Up drops every frame that is
 *    neither BFD nor link-local control (LACP and the like);
 *  - egress: a frame the bond hands such a member is re-sent on a member
 *    whose session is Up (chosen by the frame's flow hash among those the
 *    bond itself may transmit on), or dropped when there is none. A frame
 *    is re-sent once at most (a per-CPU guard), so two members going Down
 *    at the same time cannot bounce a frame between them.
 * The bond's own view follows through LACP itself: while a member's
 * session is not Up, the LACPDUs it receives are held back (dropped), so
 * the bond's 802.3ad receive machine times out (3 s at lacp_rate fast, 90 s
 * at slow) and takes the port out of collecting/distributing, and the LACPDUs
 * it keeps sending tell the partner the port is out of sync. When the
 * session comes Up they flow again and LACP brings the port back. No bonding
 * internals are touched and no RTNL is taken; data enforcement does not wait
 * for any of it. (Releasing and re-enslaving the member instead would cost
 * RTNL from a work item and the same LACP re-negotiation.)
 */

#include <linux/etherdevice.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_netdev.h>
#include <linux/percpu.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/udp.h>
#include <net/bonding.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ipv6.h>
#include <net/pkt_sched.h>
#include <uapi/linux/kbfd.h>

#include "lag.h"
#include "session.h"
#include "sysfs.h"

/* RFC 7130 section 2.3. */
static const u8 kbfd_micro_mac[ETH_ALEN] = {
	0x01, 0x00, 0x5e, 0x90, 0x00, 0x01
};

static DEFINE_PER_CPU(u8, kbfd_redirecting);

enum kbfd_frame {
	KBFD_FRAME_DATA,
	KBFD_FRAME_CONTROL,	/* link-local control: LACP, LLDP, ... */
	KBFD_FRAME_BFD,		/* micro-BFD */
};

bool kbfd_member_up(const struct kbfd_member *m)
{
	return READ_ONCE(m->s->state) == KBFD_STATE_UP;
}

int kbfd_member_lag_ifindex(const struct kbfd_member *m)
{
	return m->lag->ifindex;
}

/*
 * What a frame is. @l3 is the offset of the network header from skb->data
 * (0 on ingress, the link header's length on egress). Nothing in the frame
 * is trusted: headers are read through skb_header_pointer().
 *
 * UDP to port 6784 is micro-BFD only in the LAG's family and at its local
 * address: the destination on ingress (@rx), the source on egress. Other
 * traffic to that port (transit, or to another address of this host) is
 * data like any other, so kbfd neither takes it nor lets it bypass the
 * enforcement on a member that is not Up.
 */
static enum kbfd_frame kbfd_classify(struct sk_buff *skb, unsigned int l3,
				     const u8 *dst_mac,
				     const struct kbfd_key *key, bool rx)
{
	struct ipv6hdr _ip6h;
	const struct ipv6hdr *ip6h;
	struct udphdr _uh;
	const struct udphdr *uh;
	struct iphdr _iph;
	const struct iphdr *iph;
	unsigned int l4;

	if (skb->protocol == htons(ETH_P_SLOW) ||
	    (dst_mac && is_link_local_ether_addr(dst_mac)))
		return KBFD_FRAME_CONTROL;
	if (skb->protocol == htons(ETH_P_IP)) {
		iph = skb_header_pointer(skb, l3, sizeof(_iph), &_iph);
		if (!iph || iph->version != 4 || iph->ihl < 5 ||
		    iph->protocol != IPPROTO_UDP ||
		    (iph->frag_off & htons(IP_MF | IP_OFFSET)) ||
		    key->family != AF_INET ||
		    (rx ? iph->daddr : iph->saddr) != key->local.v4)
			return KBFD_FRAME_DATA;
		l4 = l3 + iph->ihl * 4;
	} else if (skb->protocol == htons(ETH_P_IPV6)) {
		/* RFC 7130 frames carry no extension headers. */
		ip6h = skb_header_pointer(skb, l3, sizeof(_ip6h), &_ip6h);
		if (!ip6h || ip6h->version != 6 ||
		    ip6h->nexthdr != IPPROTO_UDP || key->family != AF_INET6 ||
		    !ipv6_addr_equal(rx ? &ip6h->daddr : &ip6h->saddr,
				     &key->local.v6))
			return KBFD_FRAME_DATA;
		l4 = l3 + sizeof(*ip6h);
	} else {
		return KBFD_FRAME_DATA;
	}
	uh = skb_header_pointer(skb, l4, sizeof(_uh), &_uh);
	if (!uh || uh->dest != htons(KBFD_PORT_MICRO))
		return KBFD_FRAME_DATA;
	return KBFD_FRAME_BFD;
}

/* Ingress: an LACPDU (slow protocols subtype 1, IEEE 802.1AX). */
static bool kbfd_is_lacpdu(struct sk_buff *skb)
{
	u8 _subtype;
	const u8 *subtype;

	if (skb->protocol != htons(ETH_P_SLOW))
		return false;
	subtype = skb_header_pointer(skb, 0, sizeof(_subtype), &_subtype);
	return subtype && *subtype == 1;
}

/*
 * Ingress, softirq: the control packet in the UDP datagram at @l4 (@ulen
 * bytes, checked against the IP header) goes to @m's session.
 */
static void kbfd_member_rx_ctrl(struct kbfd_member *m, struct sk_buff *skb,
				struct kbfd_key *pk, u8 ttl, unsigned int l4,
				unsigned int ulen)
{
	u8 buf[KBFD_PKT_MAX] __aligned(4);
	unsigned int plen = ulen - sizeof(struct udphdr);

	pk->has_local = true;
	pk->ifindex = m->dev->ifindex;
	pk->micro = true;
	if (plen >= KBFD_CTRL_LEN &&
	    skb_copy_bits(skb, l4 + sizeof(struct udphdr), buf,
			  min_t(unsigned int, plen, KBFD_PKT_MAX)))
		plen = 0;
	kbfd_rx_ctrl(dev_net(m->dev), pk, ttl, buf, plen, m->s);
}

/*
 * Ingress, softirq: a micro-BFD frame over IPv4 for @m's session. One that
 * fails the checks the IP and UDP layers would have made is counted and
 * traced against the session (bad_header), as a bad control packet is.
 * A checksum the stack vouches for (verified by the device, or a local
 * sender's CHECKSUM_PARTIAL over veth) is not computed again.
 */
static void kbfd_member_rx4(struct kbfd_member *m, struct sk_buff *skb)
{
	const struct iphdr *iph;
	unsigned int ihl, ulen;
	const struct udphdr *uh;
	struct kbfd_key pk;
	__wsum csum;

	if (!pskb_may_pull(skb, sizeof(*iph)))
		goto bad;
	iph = ip_hdr(skb);
	ihl = iph->ihl * 4;
	if (!pskb_may_pull(skb, ihl + sizeof(*uh)))
		goto bad;
	iph = ip_hdr(skb);
	if (ntohs(iph->tot_len) < ihl + sizeof(*uh) ||
	    ntohs(iph->tot_len) > skb->len || ip_fast_csum(iph, iph->ihl))
		goto bad;
	uh = (const struct udphdr *)(skb->data + ihl);
	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) || ihl + ulen > ntohs(iph->tot_len))
		goto bad;
	if (uh->check && !skb_csum_unnecessary(skb)) {
		csum = skb_checksum(skb, ihl, ulen, 0);
		if (csum_tcpudp_magic(iph->saddr, iph->daddr, ulen,
				      IPPROTO_UDP, csum))
			goto bad;
	}

	memset(&pk, 0, sizeof(pk));
	pk.family = AF_INET;
	pk.peer.v4 = iph->saddr;
	pk.local.v4 = iph->daddr;
	kbfd_member_rx_ctrl(m, skb, &pk, iph->ttl, ihl, ulen);
	return;
bad:
	kbfd_rx_drop(m->s, 0, KBFD_DROP_HEADER);
}

/* Ingress, softirq: a micro-BFD frame over IPv6, checked as over IPv4. */
static void kbfd_member_rx6(struct kbfd_member *m, struct sk_buff *skb)
{
	const struct ipv6hdr *ip6h;
	unsigned int ulen, paylen;
	const struct udphdr *uh;
	struct kbfd_key pk;
	__wsum csum;

	if (!pskb_may_pull(skb, sizeof(*ip6h) + sizeof(*uh)))
		goto bad;
	ip6h = ipv6_hdr(skb);
	paylen = ntohs(ip6h->payload_len);
	if (paylen < sizeof(*uh) || sizeof(*ip6h) + paylen > skb->len)
		goto bad;
	uh = (const struct udphdr *)(skb->data + sizeof(*ip6h));
	ulen = ntohs(uh->len);
	/* Over IPv6 the UDP checksum is mandatory (RFC 8200 section 8.1). */
	if (ulen < sizeof(*uh) || ulen > paylen || !uh->check)
		goto bad;
	if (!skb_csum_unnecessary(skb)) {
		csum = skb_checksum(skb, sizeof(*ip6h), ulen, 0);
		if (csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, ulen,
				    IPPROTO_UDP, csum))
			goto bad;
	}

	memset(&pk, 0, sizeof(pk));
	pk.family = AF_INET6;
	pk.peer.v6 = ip6h->saddr;
	pk.local.v6 = ip6h->daddr;
	kbfd_member_rx_ctrl(m, skb, &pk, ip6h->hop_limit, sizeof(*ip6h), ulen);
	return;
bad:
	kbfd_rx_drop(m->s, 0, KBFD_DROP_HEADER);
}

static unsigned int kbfd_member_ingress(void *priv, struct sk_buff *skb,
					const struct nf_hook_state *state)
{
	struct kbfd_member *m = priv;
	const u8 *dst = skb_mac_header_was_set(skb) ?
			eth_hdr(skb)->h_dest : NULL;

	switch (kbfd_classify(skb, 0, dst, &m->lag->key, true)) {
	case KBFD_FRAME_BFD:
		if (skb->protocol == htons(ETH_P_IPV6))
			kbfd_member_rx6(m, skb);
		else
			kbfd_member_rx4(m, skb);
		consume_skb(skb);
		return NF_STOLEN;
	case KBFD_FRAME_CONTROL:
		if (likely(kbfd_member_up(m)) || !kbfd_is_lacpdu(skb))
			return NF_ACCEPT;
		atomic64_inc(&m->lag->rx_lacp_held);
		return NF_DROP;
	default:
		break;
	}
	if (likely(kbfd_member_up(m)))
		return NF_ACCEPT;
	atomic64_inc(&m->lag->rx_data_drops);
	return NF_DROP;
}

/* RCU: a member whose session is Up and the bond may transmit on. */
static bool kbfd_member_usable(struct kbfd_member *m)
{
	struct net_device *dev = m->dev;
	struct slave *slave;

	if (!kbfd_member_up(m) || !netif_running(dev) ||
	    !netif_carrier_ok(dev) || !netif_is_bond_slave(dev))
		return false;
	slave = bond_slave_get_rcu(dev);
	return slave && bond_slave_can_tx(slave);
}

static struct kbfd_member *kbfd_member_pick(struct kbfd_lag *lag,
					    struct sk_buff *skb)
{
	struct kbfd_member *m;
	unsigned int n = 0, i;

	list_for_each_entry_rcu(m, &lag->members, list)
		n += kbfd_member_usable(m);
	if (!n)
		return NULL;
	i = reciprocal_scale(skb_get_hash(skb), n);
	list_for_each_entry_rcu(m, &lag->members, list) {
		if (kbfd_member_usable(m) && !i--)
			return m;
	}
	return NULL;		/* the set changed under us */
}

static unsigned int kbfd_member_egress(void *priv, struct sk_buff *skb,
				       const struct nf_hook_state *state)
{
	struct kbfd_member *m = priv, *alt;
	const u8 *dst = skb->data;

	if (likely(kbfd_member_up(m)))
		return NF_ACCEPT;
	if (skb_headlen(skb) < ETH_HLEN)
		dst = NULL;
	if (kbfd_classify(skb, dst ? ETH_HLEN : 0, dst, &m->lag->key,
			  false) != KBFD_FRAME_DATA)
		return NF_ACCEPT;
	if (this_cpu_read(kbfd_redirecting))
		goto drop;
	alt = kbfd_member_pick(m->lag, skb);
	if (!alt || alt == m)
		goto drop;
	atomic64_inc(&m->lag->tx_redirects);
	skb->dev = alt->dev;
	this_cpu_write(kbfd_redirecting, 1);
	dev_queue_xmit(skb);
	this_cpu_write(kbfd_redirecting, 0);
	return NF_STOLEN;
drop:
	atomic64_inc(&m->lag->tx_drops);
	return NF_DROP;
}

/* The headers of every frame, but lengths and checksums. */
static void kbfd_member_build_hdr(struct kbfd_member *m,
				  const struct kbfd_key *key)
{
	struct ethhdr *eth = (struct ethhdr *)m->hdr;
	struct ipv6hdr *ip6h;
	struct udphdr *uh;
	struct iphdr *iph;

	ether_addr_copy(eth->h_dest, kbfd_micro_mac);
	if (key->family == AF_INET6) {
		eth->h_proto = htons(ETH_P_IPV6);
		ip6h = (struct ipv6hdr *)(eth + 1);
		ip6_flow_hdr(ip6h, KBFD_DSCP_CS6, 0);
		ip6h->nexthdr = IPPROTO_UDP;
		ip6h->hop_limit = KBFD_TTL;
		ip6h->saddr = key->local.v6;
		ip6h->daddr = key->peer.v6;
		uh = (struct udphdr *)(ip6h + 1);
	} else {
		eth->h_proto = htons(ETH_P_IP);
		iph = (struct iphdr *)(eth + 1);
		iph->version = 4;
		iph->ihl = 5;
		iph->tos = KBFD_DSCP_CS6;
		iph->frag_off = htons(IP_DF);
		iph->ttl = KBFD_TTL;
		iph->protocol = IPPROTO_UDP;
		iph->saddr = key->local.v4;
		iph->daddr = key->peer.v4;
		uh = (struct udphdr *)(iph + 1);
	}
	uh->dest = htons(KBFD_PORT_MICRO);
	m->hdr_len = (u8 *)(uh + 1) - m->hdr;
}

/* Any context, unlocked; the member outlives its session's transmissions. */
int kbfd_member_xmit(struct kbfd_member *m, struct kbfd_session *s,
		     const void *buf, unsigned int len)
{
	struct net_device *dev = m->dev;
	unsigned int ulen = sizeof(struct udphdr) + len;
	unsigned int hr = LL_RESERVED_SPACE(dev);
	struct ipv6hdr *ip6h;
	struct sk_buff *skb;
	struct udphdr *uh;
	struct iphdr *iph;
	struct ethhdr *eth;
	__wsum csum;

	if (!netif_running(dev))
		return -ENETDOWN;
	skb = alloc_skb(hr + m->hdr_len + len + dev->needed_tailroom,
			GFP_ATOMIC);
	if (!skb)
		return -ENOMEM;
	skb_reserve(skb, hr);
	eth = skb_put_data(skb, m->hdr, m->hdr_len);
	skb_put_data(skb, buf, len);
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);
	skb_set_transport_header(skb, m->hdr_len - sizeof(*uh));

	ether_addr_copy(eth->h_source, dev->dev_addr);
	uh = udp_hdr(skb);
	uh->source = s->sport;
	uh->len = htons(ulen);
	uh->check = 0;
	csum = csum_partial(uh, ulen, 0);
	if (eth->h_proto == htons(ETH_P_IPV6)) {
		ip6h = ipv6_hdr(skb);
		ip6h->payload_len = htons(ulen);
		uh->check = csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, ulen,
					    IPPROTO_UDP, csum);
	} else {
		iph = ip_hdr(skb);
		iph->tot_len = htons(sizeof(*iph) + ulen);
		iph->check = 0;
		iph->check = ip_fast_csum(iph, iph->ihl);
		uh->check = csum_tcpudp_magic(iph->saddr, iph->daddr, ulen,
					      IPPROTO_UDP, csum);
	}
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;

	skb->ip_summed = CHECKSUM_NONE;
	skb->protocol = eth->h_proto;
	skb->priority = TC_PRIO_CONTROL;
	skb->dev = dev;
	return dev_queue_xmit(skb);
}

/* RTNL and kbfd_cfg_lock held. */
struct kbfd_member *kbfd_member_create(struct kbfd_lag *lag,
				       struct net_device *dev,
				       struct netlink_ext_ack *extack)
{
	struct net *net = dev_net(dev);
	struct kbfd_member *m;
	struct kbfd_key key;
	int err, i;

	ASSERT_RTNL();
	lockdep_assert_held(&kbfd_cfg_lock);
	if (dev->type != ARPHRD_ETHER || dev->hard_header_len != ETH_HLEN) {
		NL_SET_ERR_MSG(extack, "LAG member is not an Ethernet device");
		return ERR_PTR(-EOPNOTSUPP);
	}
	err = kbfd_session_room(lag->kn, extack);
	if (err)
		return ERR_PTR(err);
	m = kzalloc(sizeof(*m), GFP_KERNEL_ACCOUNT);
	if (!m)
		return ERR_PTR(-ENOMEM);
	m->lag = lag;
	m->dev = dev;
	netdev_hold(dev, &m->dev_tracker, GFP_KERNEL);

	key = lag->key;
	key.ifindex = dev->ifindex;
	key.micro = true;
	kbfd_member_build_hdr(m, &key);
	m->s = kbfd_session_create(lag->kn, &key, &lag->cfg, m, extack);
	if (IS_ERR(m->s)) {
		err = PTR_ERR(m->s);
		goto err_put;
	}

	err = dev_mc_add(dev, kbfd_micro_mac);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot join the micro-BFD MAC address");
		goto err_session;
	}
	m->mc_added = true;

	for (i = 0; i < ARRAY_SIZE(m->hooks); i++) {
		struct nf_hook_ops *ops = &m->hooks[i];

		ops->hook = i ? kbfd_member_egress : kbfd_member_ingress;
		ops->dev = dev;
		ops->priv = m;
		ops->pf = NFPROTO_NETDEV;
		ops->hooknum = i ? NF_NETDEV_EGRESS : NF_NETDEV_INGRESS;
		ops->priority = INT_MIN + 1;
	}
	err = nf_register_net_hooks(net, m->hooks, ARRAY_SIZE(m->hooks));
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot hook the LAG member");
		goto err_mc;
	}
	m->hooks_on = true;
	list_add_tail_rcu(&m->list, &lag->members);
	WRITE_ONCE(lag->n_members, lag->n_members + 1);
	kbfd_sysfs_lag_link(m);
	return m;

err_mc:
	dev_mc_del(dev, kbfd_micro_mac);
err_session:
	kbfd_session_destroy(m->s, false);
err_put:
	netdev_put(dev, &m->dev_tracker);
	kfree(m);
	return ERR_PTR(err);
}

/* kbfd_cfg_lock held, process context. */
void kbfd_member_destroy(struct kbfd_member *m, bool tell_peer)
{
	struct kbfd_lag *lag = m->lag;

	lockdep_assert_held(&kbfd_cfg_lock);
	list_del_rcu(&m->list);
	WRITE_ONCE(lag->n_members, lag->n_members - 1);
	/* Waits for the hooks of every CPU: none sees @m from here on. */
	if (m->hooks_on)
		nf_unregister_net_hooks(dev_net(m->dev), m->hooks,
					ARRAY_SIZE(m->hooks));
	kbfd_sysfs_lag_unlink(m);
	kbfd_session_destroy(m->s, tell_peer);
	if (m->mc_added)
		dev_mc_del(m->dev, kbfd_micro_mac);
	netdev_put(m->dev, &m->dev_tracker);
	kfree_rcu(m, rcu);
}
