// SPDX-License-Identifier: GPL-2.0
/*
 * Reception of control packets (RFC 5880 6.8.6, RFC 5881 section 5,
 * RFC 5883). Runs in softirq context from the UDP socket's encap_rcv.
 * Nothing in the packet is trusted: it is copied out of the skb, checked
 * field by field, and dropped with a reason (kbfd:rx_drop) at the first
 * problem.
 */

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/skbuff.h>
#include <linux/udp.h>
#include <net/sock.h>
#include <uapi/linux/kbfd.h>

#include "auth.h"
#include "session.h"
#include "socket.h"
#include "timers.h"
#include "trace.h"

void kbfd_rx_drop(struct kbfd_session *s, u32 discr,
		  enum kbfd_drop_reason why)
{
	if (s) {
		spin_lock_bh(&s->lock);
		s->rx_drops++;
		spin_unlock_bh(&s->lock);
	}
	trace_rx_drop(s ? s->local_discr : 0, discr, why);
}

/* Addresses and interface of the packet, as a session key. */
static bool kbfd_pkt_key(struct sk_buff *skb, bool multihop,
			 struct kbfd_key *k, u8 *ttl)
{
	memset(k, 0, sizeof(*k));
	k->multihop = multihop;
	k->has_local = true;
	k->ifindex = skb->skb_iif;
	if (skb->protocol == htons(ETH_P_IP)) {
		const struct iphdr *iph = ip_hdr(skb);

		k->family = AF_INET;
		k->peer.v4 = iph->saddr;
		k->local.v4 = iph->daddr;
		*ttl = iph->ttl;
		return true;
	}
	if (skb->protocol == htons(ETH_P_IPV6)) {
		const struct ipv6hdr *ip6h = ipv6_hdr(skb);

		k->family = AF_INET6;
		k->peer.v6 = ip6h->saddr;
		k->local.v6 = ip6h->daddr;
		*ttl = ip6h->hop_limit;
		return true;
	}
	return false;
}

/* Does a packet that named the session by discriminator fit its key? */
static bool kbfd_pkt_matches(const struct kbfd_session *s,
			     const struct kbfd_key *pk)
{
	const struct kbfd_key *k = &s->key;

	if (k->family != pk->family || k->multihop != pk->multihop ||
	    k->micro != pk->micro)
		return false;
	if (k->ifindex && k->ifindex != pk->ifindex)
		return false;
	if (k->family == AF_INET)
		return k->peer.v4 == pk->peer.v4 &&
		       (!k->has_local || k->local.v4 == pk->local.v4);
	return ipv6_addr_equal(&k->peer.v6, &pk->peer.v6) &&
	       (!k->has_local || ipv6_addr_equal(&k->local.v6, &pk->local.v6));
}

/*
 * RFC 5880 6.8.6, in its order, on a packet already copied out of its skb.
 * With @fixed the transport named the session (a LAG member): the packet
 * must still fit it.
 */
void kbfd_rx_ctrl(struct net *net, const struct kbfd_key *pk, u8 ttl,
		  const u8 *buf, unsigned int plen, struct kbfd_session *fixed)
{
	const struct kbfd_ctrl *c = (const struct kbfd_ctrl *)buf;
	struct kbfd_session *s = NULL;
	struct kbfd_event ev = {};
	enum kbfd_drop_reason why;
	unsigned int act;
	u32 your_discr = 0;
	ktime_t now;

	if (plen < KBFD_CTRL_LEN) {
		why = KBFD_DROP_SHORT;
		goto drop;
	}
	your_discr = be32_to_cpu(c->your_discr);

	if (kbfd_ctrl_version(c) != KBFD_VERSION) {
		why = KBFD_DROP_VERSION;
		goto drop;
	}
	if (c->length < KBFD_CTRL_LEN ||
	    ((c->flags & KBFD_FLAG_A) && c->length < KBFD_CTRL_LEN + 2) ||
	    c->length > plen) {
		why = KBFD_DROP_LENGTH;
		goto drop;
	}
	if (!c->detect_mult) {
		why = KBFD_DROP_DETECT_MULT;
		goto drop;
	}
	if (c->flags & KBFD_FLAG_M) {
		why = KBFD_DROP_MULTIPOINT;
		goto drop;
	}
	if (!c->my_discr) {
		why = KBFD_DROP_MY_DISCR;
		goto drop;
	}
	/* RFC 5881 section 5 (GTSM, RFC 5082): single-hop means TTL 255. */
	if (!pk->multihop && ttl != KBFD_TTL) {
		why = KBFD_DROP_TTL;
		goto drop;
	}

	if (your_discr) {
		s = fixed ?: kbfd_session_by_discr(net, your_discr);
		if (!s || s->local_discr != your_discr) {
			s = NULL;
			why = KBFD_DROP_NO_SESSION;
			goto drop;
		}
		if (!kbfd_pkt_matches(s, pk)) {
			why = KBFD_DROP_ADDR;
			goto drop;
		}
	} else {
		if (kbfd_ctrl_state(c) != KBFD_STATE_DOWN &&
		    kbfd_ctrl_state(c) != KBFD_STATE_ADMIN_DOWN) {
			why = KBFD_DROP_YOUR_DISCR;
			goto drop;
		}
		s = fixed ?: kbfd_session_rx_lookup(net, pk);
		if (!s) {
			why = KBFD_DROP_NO_SESSION;
			goto drop;
		}
		if (fixed && !kbfd_pkt_matches(s, pk)) {
			why = KBFD_DROP_ADDR;
			goto drop;
		}
	}

	now = ktime_get();
	spin_lock_bh(&s->lock);
	if (s->dead) {
		spin_unlock_bh(&s->lock);
		return;
	}
	if (!(c->flags & KBFD_FLAG_A) != !s->auth.type) {
		why = s->auth.type ? KBFD_DROP_AUTH_MISSING :
				     KBFD_DROP_AUTH_UNEXPECTED;
		goto drop_locked;
	}
	if (s->auth.type) {
		if (kbfd_auth_verify(s, buf, c->length, now, &why))
			goto drop_locked;
	}
	s->rx_packets++;
	act = kbfd_fsm_rx(s, c, now, &ev);
	spin_unlock_bh(&s->lock);

	kbfd_session_act(s, act, &ev);
	return;

drop_locked:
	s->rx_drops++;
	spin_unlock_bh(&s->lock);
	trace_rx_drop(s->local_discr, your_discr, why);
	return;
drop:
	/* A bad packet that names a session counts against it. */
	if (!s && your_discr && !fixed)
		s = kbfd_session_by_discr(net, your_discr);
	if (!s && fixed)
		s = fixed;
	kbfd_rx_drop(s, your_discr, why);
}

static void kbfd_rx(struct sock *sk, struct sk_buff *skb)
{
	struct kbfd_net *kn = rcu_dereference_sk_user_data(sk);
	u8 buf[KBFD_PKT_MAX] __aligned(4);
	unsigned int off, plen;
	struct kbfd_key pk;
	bool multihop;
	u8 ttl;

	if (unlikely(!kn))
		return;
	multihop = udp_hdr(skb)->dest == htons(KBFD_PORT_MULTIHOP);
	if (!kbfd_pkt_key(skb, multihop, &pk, &ttl))
		return;

	off = skb_transport_offset(skb) + sizeof(struct udphdr);
	plen = skb->len > off ? skb->len - off : 0;
	if (plen >= KBFD_CTRL_LEN &&
	    skb_copy_bits(skb, off, buf, min_t(unsigned int, plen,
					       KBFD_PKT_MAX)))
		plen = 0;
	kbfd_rx_ctrl(sock_net(sk), &pk, ttl, buf, plen, NULL);
}

/* encap_rcv: the UDP layer verified the checksum; we always consume. */
int kbfd_receive(struct sock *sk, struct sk_buff *skb)
{
	rcu_read_lock();
	kbfd_rx(sk, skb);
	rcu_read_unlock();
	consume_skb(skb);
	return 0;
}
