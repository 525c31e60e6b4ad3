// SPDX-License-Identifier: GPL-2.0
/*
 * Session table and lifetime.
 *
 * Sessions live in two global hash tables (by local discriminator, which
 * is unique across namespaces so that /sys/kernel/kbfd/<discr> is too, and
 * by peer address) read under RCU by the receive path, and in their
 * namespace's list under kbfd_cfg_lock. A session holds two references:
 * one for its table membership, dropped by kbfd_session_destroy(), one for
 * its sysfs kobject, dropped by the kobject's release. The memory goes
 * after an RCU grace period, from a work item (crypto and dst_cache
 * teardown want process context).
 */

#include <crypto/hash.h>
#include <linux/hashtable.h>
#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <net/ipv6.h>
#include <net/netlink.h>
#include <uapi/linux/kbfd.h>

#include "auth.h"
#include "lag.h"
#include "netlink.h"
#include "session.h"
#include "socket.h"
#include "sysfs.h"
#include "timers.h"

#define KBFD_HT_BITS	10

static DEFINE_HASHTABLE(kbfd_discr_ht, KBFD_HT_BITS);
static DEFINE_HASHTABLE(kbfd_key_ht, KBFD_HT_BITS);
static DEFINE_SPINLOCK(kbfd_ht_lock);

static u32 kbfd_key_hash(const struct net *net, const struct kbfd_key *k)
{
	u32 seed = net_hash_mix(net) ^ (k->multihop ? 0x5bd1e995 : 0);

	if (k->family == AF_INET)
		return jhash_1word((__force u32)k->peer.v4, seed);
	return jhash2((const u32 *)&k->peer.v6, 4, seed);
}

static bool kbfd_addr_equal(u8 family, const union kbfd_addr *a,
			    const union kbfd_addr *b)
{
	if (family == AF_INET)
		return a->v4 == b->v4;
	return ipv6_addr_equal(&a->v6, &b->v6);
}

bool kbfd_key_equal(const struct kbfd_key *a, const struct kbfd_key *b)
{
	if (a->family != b->family || a->multihop != b->multihop ||
	    a->micro != b->micro || a->ifindex != b->ifindex ||
	    a->has_local != b->has_local)
		return false;
	if (!kbfd_addr_equal(a->family, &a->peer, &b->peer))
		return false;
	return !a->has_local || kbfd_addr_equal(a->family, &a->local, &b->local);
}

/* RCU or kbfd_cfg_lock. */
struct kbfd_session *kbfd_session_by_discr(const struct net *net, u32 discr)
{
	struct kbfd_session *s;

	hash_for_each_possible_rcu(kbfd_discr_ht, s, discr_node, discr,
				   lockdep_is_held(&kbfd_cfg_lock)) {
		if (s->local_discr == discr && net_eq(s->kn->net, net))
			return s;
	}
	return NULL;
}

/* Exact key match: RCU or kbfd_cfg_lock. */
struct kbfd_session *kbfd_session_by_key(const struct net *net,
					 const struct kbfd_key *key)
{
	struct kbfd_session *s;

	hash_for_each_possible_rcu(kbfd_key_ht, s, key_node,
				   kbfd_key_hash(net, key),
				   lockdep_is_held(&kbfd_cfg_lock)) {
		if (net_eq(s->kn->net, net) && kbfd_key_equal(&s->key, key))
			return s;
	}
	return NULL;
}

/*
 * Demultiplexing a packet without Your Discriminator (6.8.6): the session
 * whose peer is the packet's source, on the same port kind, and whose
 * optional local address and interface match. The most specific wins.
 */
struct kbfd_session *kbfd_session_rx_lookup(const struct net *net,
					    const struct kbfd_key *pk)
{
	struct kbfd_session *s, *best = NULL;
	int score, best_score = -1;

	hash_for_each_possible_rcu(kbfd_key_ht, s, key_node,
				   kbfd_key_hash(net, pk)) {
		const struct kbfd_key *k = &s->key;

		if (!net_eq(s->kn->net, net) || k->family != pk->family ||
		    k->multihop != pk->multihop ||
		    !kbfd_addr_equal(k->family, &k->peer, &pk->peer))
			continue;
		if (k->ifindex && k->ifindex != pk->ifindex)
			continue;
		if (k->has_local &&
		    !kbfd_addr_equal(k->family, &k->local, &pk->local))
			continue;
		score = !!k->ifindex + 2 * k->has_local;
		if (score > best_score) {
			best = s;
			best_score = score;
		}
	}
	return best;
}

static void kbfd_session_free_work(struct work_struct *work)
{
	struct kbfd_session *s = container_of(to_rcu_work(work),
					      struct kbfd_session, free_work);

	crypto_free_shash(s->tfm);
	dst_cache_destroy(&s->dst_cache);
	kfree_sensitive(s);
}

void kbfd_session_put(struct kbfd_session *s)
{
	if (!refcount_dec_and_test(&s->refcnt))
		return;
	INIT_RCU_WORK(&s->free_work, kbfd_session_free_work);
	queue_rcu_work(kbfd_wq, &s->free_work);
}

/* Sessions of every namespace; kbfd_cfg_lock. */
static unsigned int kbfd_n_sessions;

/*
 * kbfd_cfg_lock held: 0 when @kn may have one more session, else -ENOSPC
 * and which limit, max_sessions (per namespace) or max_sessions_total.
 */
int kbfd_session_room(const struct kbfd_net *kn, struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&kbfd_cfg_lock);
	if (kn->n_sessions >= READ_ONCE(kbfd_max_sessions)) {
		NL_SET_ERR_MSG(extack,
			       "too many sessions in this namespace (max_sessions)");
		return -ENOSPC;
	}
	if (kbfd_n_sessions >= READ_ONCE(kbfd_max_sessions_total)) {
		NL_SET_ERR_MSG(extack,
			       "too many sessions on this host (max_sessions_total)");
		return -ENOSPC;
	}
	return 0;
}

static u32 kbfd_alloc_discr(void)
{
	u32 d;

	lockdep_assert_held(&kbfd_ht_lock);
	for (;;) {
		struct kbfd_session *s;
		bool used = false;

		d = get_random_u32();
		if (!d)
			continue;
		hash_for_each_possible(kbfd_discr_ht, s, discr_node, d) {
			if (s->local_discr == d) {
				used = true;
				break;
			}
		}
		if (!used)
			return d;
	}
}

/* Apply @cfg; locked; new crypto handle prepared by the caller. */
static unsigned int kbfd_session_apply(struct kbfd_session *s,
				       const struct kbfd_config *cfg,
				       struct crypto_shash **tfm,
				       struct kbfd_event *ev)
{
	bool timers = false;
	unsigned int act = 0;
	ktime_t now = ktime_get();

	if (cfg->has_tx && cfg->tx != s->cfg_tx) {
		s->cfg_tx = cfg->tx;
		timers = true;
	}
	if (cfg->has_rx && cfg->rx != s->cfg_rx) {
		s->cfg_rx = cfg->rx;
		timers = true;
	}
	if (cfg->has_mult)
		s->detect_mult = cfg->mult;
	if (cfg->has_auth_type || cfg->has_auth_key || cfg->has_auth_key_id) {
		swap(s->tfm, *tfm);
		s->auth = cfg->auth;
		s->rcv_seq_known = false;
	}
	if (timers)
		act |= kbfd_fsm_timers_changed(s);
	if (cfg->has_admin && cfg->admin_down != s->admin_down)
		act |= kbfd_fsm_admin(s, cfg->admin_down, now, ev);
	return act;
}

/* kbfd_cfg_lock held. @cfg->auth is the complete resulting auth config. */
int kbfd_session_configure(struct kbfd_session *s,
			   const struct kbfd_config *cfg,
			   struct netlink_ext_ack *extack)
{
	struct crypto_shash *tfm = NULL;
	struct kbfd_event ev = {};
	unsigned int act;

	if (cfg->has_auth_type || cfg->has_auth_key || cfg->has_auth_key_id) {
		tfm = kbfd_auth_alloc_tfm(cfg->auth.type);
		if (IS_ERR(tfm)) {
			NL_SET_ERR_MSG(extack, "hash algorithm not available");
			return PTR_ERR(tfm);
		}
	}
	spin_lock_bh(&s->lock);
	act = kbfd_session_apply(s, cfg, &tfm, &ev);
	spin_unlock_bh(&s->lock);
	crypto_free_shash(tfm);		/* the old one, or NULL */

	kbfd_session_act(s, act, &ev);
	return 0;
}

/*
 * A session on the UDP sockets (@member NULL) or on a LAG member (RFC 7130:
 * no socket, not in the key table, packets come from the member's hook).
 */
struct kbfd_session *kbfd_session_create(struct kbfd_net *kn,
					 const struct kbfd_key *key,
					 const struct kbfd_config *cfg,
					 struct kbfd_member *member,
					 struct netlink_ext_ack *extack)
{
	bool v6 = key->family == AF_INET6;
	struct kbfd_session *s;
	int err;

	lockdep_assert_held(&kbfd_cfg_lock);
	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	if (!s)
		return ERR_PTR(-ENOMEM);
	s->kn = kn;
	s->key = *key;
	s->member = member;
	if (member)
		s->lag_ifindex = kbfd_member_lag_ifindex(member);
	s->sport = htons(KBFD_SPORT_MIN +
			 get_random_u32_below(KBFD_SPORT_MAX - KBFD_SPORT_MIN + 1));
	spin_lock_init(&s->lock);
	refcount_set(&s->refcnt, 2);	/* tables + kobject */
	kbfd_timers_init(s);
	s->cfg_tx = cfg->tx;
	s->cfg_rx = cfg->rx;
	s->detect_mult = cfg->mult;
	s->admin_down = cfg->admin_down;
	s->auth = cfg->auth;
	s->xmit_seq = get_random_u32();

	err = dst_cache_init(&s->dst_cache, GFP_KERNEL_ACCOUNT);
	if (err)
		goto err_free;
	s->tfm = kbfd_auth_alloc_tfm(cfg->auth.type);
	if (IS_ERR(s->tfm)) {
		err = PTR_ERR(s->tfm);
		s->tfm = NULL;
		NL_SET_ERR_MSG(extack, "hash algorithm not available");
		goto err_dst;
	}
	err = member ? 0 : kbfd_socket_get(kn, key->multihop, v6);
	if (err) {
		if (err == -EADDRINUSE)
			NL_SET_ERR_MSG(extack, "BFD port in use in this namespace");
		else
			NL_SET_ERR_MSG(extack, "cannot create the BFD socket");
		goto err_tfm;
	}

	spin_lock_bh(&kbfd_ht_lock);
	s->local_discr = kbfd_alloc_discr();
	spin_unlock_bh(&kbfd_ht_lock);
	kbfd_fsm_init(s);

	/* The discriminator is reserved once the sysfs name exists. */
	err = kbfd_sysfs_add(s);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot create the sysfs directory");
		goto err_sock;
	}

	spin_lock_bh(&kbfd_ht_lock);
	hash_add_rcu(kbfd_discr_ht, &s->discr_node, s->local_discr);
	if (!member)
		hash_add_rcu(kbfd_key_ht, &s->key_node,
			     kbfd_key_hash(kn->net, key));
	spin_unlock_bh(&kbfd_ht_lock);
	list_add_tail(&s->list, &kn->sessions);
	kn->n_sessions++;
	kbfd_n_sessions++;
	kn->gen++;

	/* First packet soon, spread to avoid synchronised bursts. */
	spin_lock_bh(&s->lock);
	kbfd_timer_tx_arm(s, get_random_u32_below(10 * NSEC_PER_MSEC));
	spin_unlock_bh(&s->lock);
	return s;

err_sock:
	if (!member)
		kbfd_socket_put(kn, key->multihop, v6);
err_tfm:
	crypto_free_shash(s->tfm);
err_dst:
	dst_cache_destroy(&s->dst_cache);
err_free:
	kfree(s);
	return ERR_PTR(err);
}

/*
 * kbfd_cfg_lock held, process context. With @tell_peer the session goes
 * AdminDown and says so to the peer first (RFC 5880 6.8.16).
 */
void kbfd_session_destroy(struct kbfd_session *s, bool tell_peer)
{
	struct kbfd_net *kn = s->kn;
	struct kbfd_event ev = {};
	unsigned int act = 0;

	lockdep_assert_held(&kbfd_cfg_lock);
	if (tell_peer) {
		spin_lock_bh(&s->lock);
		act = kbfd_fsm_admin(s, true, ktime_get(), &ev);
		spin_unlock_bh(&s->lock);
		kbfd_session_act(s, act | KBFD_ACT_SEND, &ev);
	}

	spin_lock_bh(&kbfd_ht_lock);
	hash_del_rcu(&s->discr_node);
	if (!s->member)
		hash_del_rcu(&s->key_node);
	spin_unlock_bh(&kbfd_ht_lock);
	list_del(&s->list);
	kn->n_sessions--;
	kbfd_n_sessions--;
	kn->gen++;

	spin_lock_bh(&s->lock);
	s->dead = true;
	spin_unlock_bh(&s->lock);
	kbfd_timers_stop(s);

	kbfd_sysfs_del(s);		/* drops the kobject's reference */
	if (!s->member)
		kbfd_socket_put(kn, s->key.multihop,
				s->key.family == AF_INET6);
	kbfd_session_put(s);
}

/* kbfd_cfg_lock held: the namespace or the module is going away. */
void kbfd_net_destroy_sessions(struct kbfd_net *kn, bool tell_peers)
{
	struct kbfd_session *s, *tmp;

	kbfd_lag_destroy_all(kn, tell_peers);
	list_for_each_entry_safe(s, tmp, &kn->sessions, list)
		kbfd_session_destroy(s, tell_peers);
	kbfd_socket_release_all(kn);
}

void kbfd_session_act(struct kbfd_session *s, unsigned int act,
		      const struct kbfd_event *ev)
{
	if (ev->valid) {
		kbfd_genl_notify(s, ev);
		if (s->member)
			kbfd_member_state_changed(s->member, ev);
	}
	if (act & KBFD_ACT_SEND)
		kbfd_send_ctrl(s, act & KBFD_ACT_FINAL);
}
