/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sessions, the per network namespace state and the global tables.
 *
 * Locking:
 *   kbfd_cfg_lock (mutex): every configuration change, the per-namespace
 *	session lists and sockets, module teardown. Taken in process context
 *	only.
 *   kbfd_ht_lock (spinlock, BH): writers of the two global hash tables;
 *	readers use RCU (the receive path).
 *   session->lock (spinlock, BH): the RFC 5880 state variables, counters,
 *	authentication state and the two hrtimers. Never held across a
 *	transmission and never nested with another lock.
 */
#ifndef _KBFD_SESSION_H
#define _KBFD_SESSION_H

#include <linux/hrtimer.h>
#include <linux/in6.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>

#include "proto.h"

struct crypto_shash;
struct kbfd_member;
struct socket;

/* Socket slots of a namespace: [multihop][ipv6]. */
#define KBFD_SOCK_SLOTS	2

struct kbfd_net {
	struct net *net;
	struct list_head sessions;	/* under kbfd_cfg_lock */
	struct list_head lags;		/* under kbfd_cfg_lock */
	unsigned int n_sessions;
	unsigned int gen;		/* bumped on list changes, for dumps */
	struct socket __rcu *sock[KBFD_SOCK_SLOTS][KBFD_SOCK_SLOTS];
	unsigned int sock_users[KBFD_SOCK_SLOTS][KBFD_SOCK_SLOTS];
};

union kbfd_addr {
	__be32 v4;
	struct in6_addr v6;
};

/* What identifies a session inside its namespace. */
struct kbfd_key {
	union kbfd_addr peer;
	union kbfd_addr local;
	int ifindex;		/* 0: any */
	u8 family;		/* AF_INET or AF_INET6 */
	bool has_local;
	bool multihop;
	bool micro;		/* RFC 7130, on a LAG member */
};

struct kbfd_auth {
	u8 type;		/* enum kbfd_auth_type */
	u8 key_id;
	u8 key_len;
	u8 key[20];
};

struct kbfd_session {
	struct hlist_node discr_node;	/* kbfd_discr_ht, RCU */
	struct hlist_node key_node;	/* kbfd_key_ht, RCU */
	struct list_head list;		/* kn->sessions */
	struct kbfd_net *kn;
	refcount_t refcnt;
	struct kobject kobj;		/* /sys/kernel/kbfd/<local_discr> */
	bool kobj_added;
	struct rcu_work free_work;

	/* Immutable after creation. */
	struct kbfd_key key;
	u32 local_discr;
	__be16 sport;
	/*
	 * Transport: NULL for the UDP sockets (RFC 5881 / 5883), else the LAG
	 * member the session sends and receives on (RFC 7130, member.c).
	 */
	struct kbfd_member *member;
	int lag_ifindex;		/* 0 unless a member session */

	spinlock_t lock;		/* everything below */
	bool dead;
	struct hrtimer tx_timer;
	struct hrtimer detect_timer;
	struct dst_cache dst_cache;

	/* Configuration. */
	u32 cfg_tx;		/* desired min TX, us */
	u32 cfg_rx;		/* required min RX, us */
	u8 detect_mult;
	bool admin_down;

	/* Authentication (RFC 5880 6.7). */
	struct kbfd_auth auth;
	struct crypto_shash *tfm;
	u32 xmit_seq;
	u32 rcv_seq;
	bool rcv_seq_known;
	ktime_t rcv_seq_expires;	/* 2 x detection time after last RX */

	/* RFC 5880 6.8.1 state variables. */
	u8 state;
	u8 remote_state;
	u8 diag;
	u32 remote_discr;
	u32 adv_tx;		/* bfd.DesiredMinTxInterval, on the wire */
	u32 adv_rx;		/* bfd.RequiredMinRxInterval, on the wire */
	u32 act_tx;		/* DesiredMinTx in effect for our TX */
	u32 act_rx;		/* RequiredMinRx in effect for detection */
	u32 remote_tx;		/* remote DesiredMinTxInterval */
	u32 remote_rx;		/* bfd.RemoteMinRxInterval */
	u8 remote_mult;
	bool poll;		/* a Poll Sequence of ours is running */
	ktime_t last_rx;
	ktime_t rechecked_deadline;	/* expired once, looked at again (timers.c) */
	ktime_t recheck_from;		/* when rechecked_deadline was found expired */

	/* Counters. */
	u64 rx_packets;
	u64 tx_packets;
	u64 rx_drops;
	u32 up_transitions;
};

/* One state change, reported after the session lock is dropped. */
struct kbfd_event {
	bool valid;
	u8 old_state;
	u8 new_state;
	u8 diag;
	ktime_t ts;
};

/* What the caller of a state machine step must do once unlocked. */
#define KBFD_ACT_SEND		BIT(0)	/* send a control packet now */
#define KBFD_ACT_FINAL		BIT(1)	/* ... with the Final bit */

extern struct mutex kbfd_cfg_lock;
extern bool kbfd_exiting;
extern unsigned int kbfd_net_id;
extern unsigned int kbfd_max_sessions;
extern unsigned int kbfd_max_sessions_total;
extern unsigned int kbfd_detect_recheck_us;
extern struct workqueue_struct *kbfd_wq;

static inline struct kbfd_net *kbfd_pernet(struct net *net)
{
	return net_generic(net, kbfd_net_id);
}

static inline struct net *kbfd_session_net(const struct kbfd_session *s)
{
	return s->kn->net;
}

struct kbfd_config {
	u32 tx, rx;
	u8 mult;
	u8 admin_down;
	struct kbfd_auth auth;
	bool has_tx, has_rx, has_mult, has_admin, has_auth_type;
	bool has_auth_key_id, has_auth_key;
};

struct netlink_ext_ack;

int kbfd_session_room(const struct kbfd_net *kn,
		      struct netlink_ext_ack *extack);
struct kbfd_session *kbfd_session_create(struct kbfd_net *kn,
					 const struct kbfd_key *key,
					 const struct kbfd_config *cfg,
					 struct kbfd_member *member,
					 struct netlink_ext_ack *extack);
int kbfd_session_configure(struct kbfd_session *s,
			   const struct kbfd_config *cfg,
			   struct netlink_ext_ack *extack);
void kbfd_session_destroy(struct kbfd_session *s, bool tell_peer);
void kbfd_session_put(struct kbfd_session *s);
void kbfd_net_destroy_sessions(struct kbfd_net *kn, bool tell_peers);

struct kbfd_session *kbfd_session_by_discr(const struct net *net, u32 discr);
struct kbfd_session *kbfd_session_by_key(const struct net *net,
					 const struct kbfd_key *key);
struct kbfd_session *kbfd_session_rx_lookup(const struct net *net,
					    const struct kbfd_key *pkt);
bool kbfd_key_equal(const struct kbfd_key *a, const struct kbfd_key *b);

/* fsm.c: all called with session->lock held. */
void kbfd_fsm_init(struct kbfd_session *s);
unsigned int kbfd_fsm_rx(struct kbfd_session *s, const struct kbfd_ctrl *c,
			 ktime_t now, struct kbfd_event *ev);
unsigned int kbfd_fsm_detect_expired(struct kbfd_session *s, ktime_t now,
				     struct kbfd_event *ev);
unsigned int kbfd_fsm_path_down(struct kbfd_session *s, ktime_t now,
				struct kbfd_event *ev);
unsigned int kbfd_fsm_admin(struct kbfd_session *s, bool down, ktime_t now,
			    struct kbfd_event *ev);
unsigned int kbfd_fsm_timers_changed(struct kbfd_session *s);
u32 kbfd_tx_interval_us(const struct kbfd_session *s);
u32 kbfd_detect_time_us(const struct kbfd_session *s);

/* After the lock is dropped: send what the step asked for, report events. */
void kbfd_session_act(struct kbfd_session *s, unsigned int act,
		      const struct kbfd_event *ev);

/* send.c: hand a built packet to the session's transport. */
int kbfd_xmit(struct kbfd_session *s, const void *buf, unsigned int len);

/*
 * receive.c: a control packet copied out of its skb (@plen bytes were on
 * the wire, at most KBFD_PKT_MAX copied into @buf), from @pk with @ttl.
 * @fixed is the session the transport already determined (a LAG member's),
 * or NULL to demultiplex (RFC 5880 6.8.6). RCU read side, softirq.
 */
void kbfd_rx_ctrl(struct net *net, const struct kbfd_key *pk, u8 ttl,
		  const u8 *buf, unsigned int plen, struct kbfd_session *fixed);
/* receive.c: a packet dropped, counted against @s (if any) and traced. */
void kbfd_rx_drop(struct kbfd_session *s, u32 discr,
		  enum kbfd_drop_reason why);

#endif /* _KBFD_SESSION_H */
