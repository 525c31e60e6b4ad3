// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel UDP sockets, one per namespace, family and port (3784 single-hop,
 * 4784 multihop), created with the first session that needs them and
 * released with the last. Packets arrive through encap_rcv in softirq
 * context; packets leave through udp_tunnel_xmit_skb() with TTL / hop
 * limit 255, DSCP CS6 and a per-session source port.
 */

#include <linux/inetdevice.h>
#include <linux/net.h>
#include <linux/skbuff.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/ipv6_stubs.h>
#include <net/pkt_sched.h>
#include <net/route.h>
#include <net/udp_tunnel.h>

#include "session.h"
#include "socket.h"

static int kbfd_socket_create(struct kbfd_net *kn, bool multihop, bool ipv6,
			      struct socket **res)
{
	struct udp_tunnel_sock_cfg cfg = {
		.sk_user_data = kn,
		.encap_type = 1,
		.encap_rcv = kbfd_receive,
	};
	struct udp_port_cfg port = {
		.local_udp_port = htons(multihop ? KBFD_PORT_MULTIHOP :
					KBFD_PORT_SINGLEHOP),
	};
	struct socket *sock;
	int err;

	if (ipv6) {
		if (!ipv6_mod_enabled())
			return -EAFNOSUPPORT;
		port.family = AF_INET6;
		port.local_ip6 = in6addr_any;
		port.ipv6_v6only = 1;
		port.use_udp6_tx_checksums = 1;
		port.use_udp6_rx_checksums = 1;
	} else {
		port.family = AF_INET;
		port.local_ip.s_addr = htonl(INADDR_ANY);
		port.use_udp_checksums = 1;
	}
	err = udp_sock_create(kn->net, &port, &sock);
	if (err)
		return err;
	sock->sk->sk_allocation = GFP_ATOMIC;
	setup_udp_tunnel_sock(kn->net, sock, &cfg);
	*res = sock;
	return 0;
}

/* Under kbfd_cfg_lock. */
int kbfd_socket_get(struct kbfd_net *kn, bool multihop, bool ipv6)
{
	struct socket *sock;
	int err;

	if (kn->sock_users[multihop][ipv6]++)
		return 0;
	err = kbfd_socket_create(kn, multihop, ipv6, &sock);
	if (err) {
		kn->sock_users[multihop][ipv6]--;
		return err;
	}
	rcu_assign_pointer(kn->sock[multihop][ipv6], sock);
	return 0;
}

static void kbfd_socket_release(struct kbfd_net *kn, bool multihop, bool ipv6)
{
	struct socket *sock;

	sock = rcu_dereference_protected(kn->sock[multihop][ipv6],
					 lockdep_is_held(&kbfd_cfg_lock));
	if (!sock)
		return;
	RCU_INIT_POINTER(kn->sock[multihop][ipv6], NULL);
	/* Waits for the receive path and senders (RCU) to be done. */
	udp_tunnel_sock_release(sock);
}

/* Under kbfd_cfg_lock. */
void kbfd_socket_put(struct kbfd_net *kn, bool multihop, bool ipv6)
{
	if (WARN_ON_ONCE(!kn->sock_users[multihop][ipv6]))
		return;
	if (--kn->sock_users[multihop][ipv6])
		return;
	kbfd_socket_release(kn, multihop, ipv6);
}

/* Under kbfd_cfg_lock, once the namespace has no session left. */
void kbfd_socket_release_all(struct kbfd_net *kn)
{
	int mh, v6;

	for (mh = 0; mh < KBFD_SOCK_SLOTS; mh++) {
		for (v6 = 0; v6 < KBFD_SOCK_SLOTS; v6++) {
			kn->sock_users[mh][v6] = 0;
			kbfd_socket_release(kn, mh, v6);
		}
	}
}

static struct sk_buff *kbfd_alloc_skb(const void *buf, unsigned int len)
{
	unsigned int hr = MAX_HEADER + sizeof(struct ipv6hdr) +
			  sizeof(struct udphdr);
	struct sk_buff *skb = alloc_skb(hr + len, GFP_ATOMIC);

	if (!skb)
		return NULL;
	skb_reserve(skb, hr);
	skb_put_data(skb, buf, len);
	skb->priority = TC_PRIO_CONTROL;
	return skb;
}

static __be16 kbfd_dport(const struct kbfd_session *s)
{
	return htons(s->key.multihop ? KBFD_PORT_MULTIHOP :
			KBFD_PORT_SINGLEHOP);
}

/* Called with rcu_read_lock_bh held. */
static int kbfd_xmit4(struct kbfd_session *s, struct sock *sk,
		      struct sk_buff *skb)
{
	struct flowi4 fl = {
		.daddr = s->key.peer.v4,
		.saddr = s->key.has_local ? s->key.local.v4 : 0,
		.flowi4_oif = s->key.ifindex,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = s->sport,
		.fl4_dport = kbfd_dport(s),
	};
	__be32 saddr = fl.saddr;
	struct rtable *rt;

	rt = dst_cache_get_ip4(&s->dst_cache, &saddr);
	if (!rt || (s->key.has_local && saddr != s->key.local.v4)) {
		if (rt)
			ip_rt_put(rt);
		rt = ip_route_output_flow(sock_net(sk), &fl, sk);
		if (IS_ERR(rt))
			return PTR_ERR(rt);
		saddr = fl.saddr;
		dst_cache_set_ip4(&s->dst_cache, &rt->dst, saddr);
	}
	/*
	 * skb->dev stays NULL: the tunnel helpers count a non-NULL skb->dev
	 * as a tunnel device with per-cpu tstats, which lo or veth are not.
	 */
	udp_tunnel_xmit_skb(rt, sk, skb, saddr, s->key.peer.v4, KBFD_DSCP_CS6,
			    KBFD_TTL, htons(IP_DF), s->sport, kbfd_dport(s),
			    false, false);
	return 0;
}

static int kbfd_xmit6(struct kbfd_session *s, struct sock *sk,
		      struct sk_buff *skb)
{
	struct flowi6 fl = {
		.daddr = s->key.peer.v6,
		.flowi6_oif = s->key.ifindex,
		.flowi6_proto = IPPROTO_UDP,
		.fl6_sport = s->sport,
		.fl6_dport = kbfd_dport(s),
	};
	struct dst_entry *dst;
	struct in6_addr saddr;

	if (s->key.has_local)
		fl.saddr = s->key.local.v6;
	dst = dst_cache_get_ip6(&s->dst_cache, &saddr);
	if (!dst) {
		dst = ipv6_stub->ipv6_dst_lookup_flow(sock_net(sk), sk, &fl,
						      NULL);
		if (IS_ERR(dst))
			return PTR_ERR(dst);
		saddr = fl.saddr;
		dst_cache_set_ip6(&s->dst_cache, dst, &saddr);
	}
	udp_tunnel6_xmit_skb(dst, sk, skb, NULL, &saddr, &s->key.peer.v6,
			     KBFD_DSCP_CS6, KBFD_TTL, 0, s->sport, kbfd_dport(s),
			     false);
	return 0;
}

/*
 * Send @len bytes of BFD payload to the session's peer. Any context; the
 * caller guarantees the session stays alive (RCU, timer or config lock).
 */
int kbfd_socket_xmit(struct kbfd_session *s, const void *buf,
		     unsigned int len)
{
	bool v6 = s->key.family == AF_INET6;
	struct sk_buff *skb;
	struct socket *sock;
	int err;

	skb = kbfd_alloc_skb(buf, len);
	if (!skb)
		return -ENOMEM;

	rcu_read_lock_bh();
	sock = rcu_dereference_bh(s->kn->sock[s->key.multihop][v6]);
	if (unlikely(!sock)) {
		err = -ENONET;
	} else {
		/* On success the skb is consumed. */
		err = v6 ? kbfd_xmit6(s, sock->sk, skb) :
			   kbfd_xmit4(s, sock->sk, skb);
		if (!err)
			skb = NULL;
	}
	rcu_read_unlock_bh();
	kfree_skb(skb);
	if (err)
		net_dbg_ratelimited("kbfd: session %u: send failed: %d\n",
				    s->local_discr, err);
	return err;
}
