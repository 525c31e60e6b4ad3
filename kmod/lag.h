/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFC 7130 micro-BFD: a LAG (a bonding device) and its members, each with
 * one BFD session that sends and receives on the member itself.
 *
 * Locking:
 *   RTNL, then kbfd_cfg_lock: adding and removing LAGs and members (the
 *	netlink commands and the netdevice notifier); namespace and module
 *	teardown take kbfd_cfg_lock alone.
 *   lag->members: RCU for the packet path (the member hooks), changed
 *	under kbfd_cfg_lock.
 *   lag->lock (spinlock, BH): the LAG's state and its count of Up members,
 *	recomputed from any context after a member session changed state.
 *	Never nested with a session lock.
 */
#ifndef _KBFD_LAG_H
#define _KBFD_LAG_H

#include <linux/atomic.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/kobject.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/spinlock.h>
#include <linux/udp.h>

#include "session.h"

#define KBFD_PORT_MICRO		6784
/* The longest link, network and UDP headers of a frame: over IPv6. */
#define KBFD_MEMBER_HDR_MAX	(ETH_HLEN + sizeof(struct ipv6hdr) + \
				 sizeof(struct udphdr))

struct kbfd_lag;

/* One enslaved port of a LAG and its RFC 7130 session. */
struct kbfd_member {
	struct list_head list;		/* lag->members */
	struct kbfd_lag *lag;
	struct net_device *dev;
	netdevice_tracker dev_tracker;
	struct kbfd_session *s;
	struct nf_hook_ops hooks[2];	/* ingress, egress */
	bool hooks_on;
	bool mc_added;
	bool linked;			/* sysfs link in the LAG directory */
	char link_name[IFNAMSIZ + 8];
	/* Ethernet, IP and UDP headers, built once (member.c). */
	u8 hdr[KBFD_MEMBER_HDR_MAX];
	u8 hdr_len;
	struct rcu_head rcu;
};

struct kbfd_lag {
	struct list_head list;		/* kn->lags, kbfd_cfg_lock */
	struct kbfd_net *kn;
	struct net_device *bond;
	netdevice_tracker bond_tracker;
	int ifindex;
	char name[IFNAMSIZ];		/* the bond's, when the LAG was added */
	struct kobject kobj;		/* /sys/kernel/kbfd/lag-<ns>-<ifindex> */

	/* Configuration, immutable: every member session gets it. */
	struct kbfd_key key;		/* peer and local address */
	struct kbfd_config cfg;
	u32 min_links;

	struct list_head members;	/* RCU; written under kbfd_cfg_lock */
	unsigned int n_members;		/* kbfd_cfg_lock */

	spinlock_t lock;		/* state, n_up */
	u8 state;			/* KBFD_STATE_DOWN or KBFD_STATE_UP */
	unsigned int n_up;

	/* Data-plane enforcement on members that are not Up. */
	atomic64_t rx_data_drops;
	atomic64_t tx_redirects;
	atomic64_t tx_drops;
	atomic64_t rx_lacp_held;	/* LACPDUs held back from the bond */
};

/* What a KBFD_CMD_LAG_EVENT reports. */
struct kbfd_lag_event {
	u8 change;			/* enum kbfd_lag_change */
	u8 old_state;
	u8 new_state;
	int member_ifindex;		/* 0 unless a member came or went */
	unsigned int n_up;
	u32 min_links;
	ktime_t ts;
};

/* lag.c */
int kbfd_lag_init(void);
void kbfd_lag_uninit(void);
struct kbfd_lag *kbfd_lag_find(struct kbfd_net *kn, int ifindex);
struct kbfd_lag *kbfd_lag_create(struct kbfd_net *kn, struct net_device *bond,
				 const struct kbfd_key *key,
				 const struct kbfd_config *cfg, u32 min_links,
				 struct netlink_ext_ack *extack);
void kbfd_lag_destroy(struct kbfd_lag *lag, bool tell_peers, bool deleted);
void kbfd_lag_destroy_all(struct kbfd_net *kn, bool tell_peers);
void kbfd_lag_snapshot(struct kbfd_lag *lag, u8 *state, unsigned int *n_up);
void kbfd_member_state_changed(struct kbfd_member *m,
			       const struct kbfd_event *ev);

/* member.c */
struct kbfd_member *kbfd_member_create(struct kbfd_lag *lag,
				       struct net_device *dev,
				       struct netlink_ext_ack *extack);
void kbfd_member_destroy(struct kbfd_member *m, bool tell_peer);
int kbfd_member_xmit(struct kbfd_member *m, struct kbfd_session *s,
		     const void *buf, unsigned int len);
bool kbfd_member_up(const struct kbfd_member *m);
int kbfd_member_lag_ifindex(const struct kbfd_member *m);

#endif /* _KBFD_LAG_H */
