// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 7130 LAGs: one per bonding device, with one member (and one session)
 * per enslaved port. A netdevice notifier follows the bond: a port enslaved
 * later becomes a member, a released or unregistered one stops being one,
 * a member whose link goes down takes its session Down at once (diagnostic
 * Path Down), and a deleted bond takes its LAG along. The LAG is Up while
 * at least min_links of its members are Up; its state is recomputed after
 * every member state change, in the context that made the change.
 */

#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <net/netlink.h>
#include <uapi/linux/kbfd.h>

#include "lag.h"
#include "netlink.h"
#include "session.h"
#include "sysfs.h"
#include "trace.h"

/* kbfd_cfg_lock held. */
struct kbfd_lag *kbfd_lag_find(struct kbfd_net *kn, int ifindex)
{
	struct kbfd_lag *lag;

	list_for_each_entry(lag, &kn->lags, list) {
		if (lag->ifindex == ifindex)
			return lag;
	}
	return NULL;
}

void kbfd_lag_snapshot(struct kbfd_lag *lag, u8 *state, unsigned int *n_up)
{
	spin_lock_bh(&lag->lock);
	*state = lag->state;
	*n_up = lag->n_up;
	spin_unlock_bh(&lag->lock);
}

/*
 * Any context. Recounts the Up members and reports a change of the LAG's
 * state; @change other than KBFD_LAG_CHANGE_STATE is reported as well.
 */
static void kbfd_lag_update(struct kbfd_lag *lag, u8 change,
			    int member_ifindex, u8 *state_out,
			    unsigned int *up_out)
{
	struct kbfd_lag_event ev = {
		.change = change,
		.member_ifindex = member_ifindex,
		.min_links = lag->min_links,
		.ts = ktime_get(),
	};
	struct kbfd_member *m;
	unsigned int n_up = 0;

	rcu_read_lock();
	spin_lock_bh(&lag->lock);
	list_for_each_entry_rcu(m, &lag->members, list)
		n_up += kbfd_member_up(m);
	ev.old_state = lag->state;
	lag->n_up = n_up;
	lag->state = n_up >= lag->min_links ? KBFD_STATE_UP : KBFD_STATE_DOWN;
	ev.new_state = lag->state;
	ev.n_up = n_up;
	spin_unlock_bh(&lag->lock);
	rcu_read_unlock();

	if (state_out)
		*state_out = ev.new_state;
	if (up_out)
		*up_out = n_up;
	if (ev.old_state != ev.new_state) {
		struct kbfd_lag_event st = ev;

		st.change = KBFD_LAG_CHANGE_STATE;
		st.member_ifindex = 0;
		kbfd_genl_lag_notify(lag, &st);
	}
	if (change != KBFD_LAG_CHANGE_STATE)
		kbfd_genl_lag_notify(lag, &ev);
}

/* Any context, after a member session changed state. */
void kbfd_member_state_changed(struct kbfd_member *m,
			       const struct kbfd_event *ev)
{
	unsigned int n_up;
	u8 state;

	kbfd_lag_update(m->lag, KBFD_LAG_CHANGE_STATE, 0, &state, &n_up);
	trace_lag_member(m->lag->ifindex, m->dev->ifindex, m->s->local_discr,
			 ev->old_state, ev->new_state, n_up, state);
}

/* RTNL and kbfd_cfg_lock held. */
static int kbfd_lag_member_add(struct kbfd_lag *lag, struct net_device *dev,
			       struct netlink_ext_ack *extack)
{
	struct kbfd_member *m;

	m = kbfd_member_create(lag, dev, extack);
	if (IS_ERR(m))
		return PTR_ERR(m);
	kbfd_lag_update(lag, KBFD_LAG_CHANGE_MEMBER_ADD, dev->ifindex,
			NULL, NULL);
	return 0;
}

static struct kbfd_member *kbfd_lag_member_find(struct kbfd_lag *lag,
						const struct net_device *dev)
{
	struct kbfd_member *m;

	list_for_each_entry(m, &lag->members, list) {
		if (m->dev == dev)
			return m;
	}
	return NULL;
}

/* kbfd_cfg_lock held. */
static void kbfd_lag_member_del(struct kbfd_lag *lag, struct kbfd_member *m,
				bool tell_peer, bool report)
{
	int ifindex = m->dev->ifindex;

	kbfd_member_destroy(m, tell_peer);
	if (report)
		kbfd_lag_update(lag, KBFD_LAG_CHANGE_MEMBER_DEL, ifindex,
				NULL, NULL);
}

static void kbfd_lag_free(struct kbfd_lag *lag)
{
	netdev_put(lag->bond, &lag->bond_tracker);
	memzero_explicit(&lag->cfg.auth, sizeof(lag->cfg.auth));
	kbfd_sysfs_lag_del(lag);	/* frees through the kobject */
}

/* RTNL and kbfd_cfg_lock held. Nothing is left behind on failure. */
struct kbfd_lag *kbfd_lag_create(struct kbfd_net *kn, struct net_device *bond,
				 const struct kbfd_key *key,
				 const struct kbfd_config *cfg, u32 min_links,
				 struct netlink_ext_ack *extack)
{
	struct net_device *lower;
	struct list_head *iter;
	struct kbfd_lag *lag;
	int err;

	ASSERT_RTNL();
	lockdep_assert_held(&kbfd_cfg_lock);
	lag = kzalloc(sizeof(*lag), GFP_KERNEL_ACCOUNT);
	if (!lag)
		return ERR_PTR(-ENOMEM);
	lag->kn = kn;
	lag->ifindex = bond->ifindex;
	strscpy(lag->name, bond->name, sizeof(lag->name));
	lag->key = *key;
	lag->cfg = *cfg;
	lag->min_links = min_links;
	lag->state = KBFD_STATE_DOWN;
	INIT_LIST_HEAD(&lag->members);
	spin_lock_init(&lag->lock);

	/* On failure the kobject's release frees @lag. */
	err = kbfd_sysfs_lag_add(lag);
	if (err) {
		NL_SET_ERR_MSG(extack, "cannot create the LAG's sysfs directory");
		return ERR_PTR(err);
	}
	lag->bond = bond;
	netdev_hold(bond, &lag->bond_tracker, GFP_KERNEL);
	list_add_tail(&lag->list, &kn->lags);
	kn->gen++;		/* a dump spanning this is flagged interrupted */

	netdev_for_each_lower_dev(bond, lower, iter) {
		struct kbfd_member *m = kbfd_member_create(lag, lower, extack);

		if (IS_ERR(m)) {
			err = PTR_ERR(m);
			goto err_members;
		}
	}
	kbfd_lag_update(lag, KBFD_LAG_CHANGE_STATE, 0, NULL, NULL);
	return lag;

err_members:
	kbfd_lag_destroy(lag, false, false);
	return ERR_PTR(err);
}

/*
 * kbfd_cfg_lock held. @deleted: the bond is going away, listeners are told
 * with a KBFD_LAG_CHANGE_DELETED event.
 */
void kbfd_lag_destroy(struct kbfd_lag *lag, bool tell_peers, bool deleted)
{
	struct kbfd_member *m, *tmp;

	lockdep_assert_held(&kbfd_cfg_lock);
	list_for_each_entry_safe(m, tmp, &lag->members, list)
		kbfd_lag_member_del(lag, m, tell_peers, false);
	list_del(&lag->list);
	lag->kn->gen++;
	if (deleted) {
		struct kbfd_lag_event ev = {
			.change = KBFD_LAG_CHANGE_DELETED,
			.old_state = lag->state,
			.new_state = KBFD_STATE_DOWN,
			.min_links = lag->min_links,
			.ts = ktime_get(),
		};

		kbfd_genl_lag_notify(lag, &ev);
	}
	kbfd_lag_free(lag);
}

void kbfd_lag_destroy_all(struct kbfd_net *kn, bool tell_peers)
{
	struct kbfd_lag *lag, *tmp;

	list_for_each_entry_safe(lag, tmp, &kn->lags, list)
		kbfd_lag_destroy(lag, tell_peers, false);
}

static struct kbfd_member *kbfd_member_by_dev(struct kbfd_net *kn,
					      const struct net_device *dev)
{
	struct kbfd_member *m;
	struct kbfd_lag *lag;

	list_for_each_entry(lag, &kn->lags, list) {
		m = kbfd_lag_member_find(lag, dev);
		if (m)
			return m;
	}
	return NULL;
}

/* The member's link went down: its session cannot stay Up. */
static void kbfd_member_path_down(struct kbfd_member *m)
{
	struct kbfd_session *s = m->s;
	struct kbfd_event ev = {};
	unsigned int act;

	spin_lock_bh(&s->lock);
	act = s->dead ? 0 : kbfd_fsm_path_down(s, ktime_get(), &ev);
	spin_unlock_bh(&s->lock);
	kbfd_session_act(s, act, &ev);
}

static void kbfd_lag_changeupper(struct kbfd_net *kn, struct net_device *dev,
				 struct netdev_notifier_changeupper_info *info)
{
	struct kbfd_lag *lag = kbfd_lag_find(kn, info->upper_dev->ifindex);
	struct kbfd_member *m;
	int err;

	if (!lag || lag->bond != info->upper_dev)
		return;
	m = kbfd_lag_member_find(lag, dev);
	if (info->linking && !m) {
		err = kbfd_lag_member_add(lag, dev, NULL);
		if (err)
			net_warn_ratelimited("kbfd: %s: no micro-BFD on new member %s: %d\n",
					     lag->bond->name, dev->name, err);
	} else if (!info->linking && m) {
		kbfd_lag_member_del(lag, m, true, true);
	}
}

static int kbfd_lag_netdev_event(struct notifier_block *nb,
				 unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);
	struct kbfd_member *m;
	struct kbfd_lag *lag;
	struct kbfd_net *kn;

	if (event != NETDEV_CHANGEUPPER && event != NETDEV_UNREGISTER &&
	    event != NETDEV_DOWN && event != NETDEV_CHANGE)
		return NOTIFY_DONE;

	mutex_lock(&kbfd_cfg_lock);
	/* From here on the per-namespace state may be gone. */
	if (kbfd_exiting)
		goto out;
	kn = kbfd_pernet(dev_net(dev));
	if (list_empty(&kn->lags))
		goto out;

	switch (event) {
	case NETDEV_CHANGEUPPER:
		kbfd_lag_changeupper(kn, dev, ptr);
		break;
	case NETDEV_UNREGISTER:
		lag = kbfd_lag_find(kn, dev->ifindex);
		if (lag && lag->bond == dev) {
			kbfd_lag_destroy(lag, false, true);
			break;
		}
		m = kbfd_member_by_dev(kn, dev);
		if (m)
			kbfd_lag_member_del(m->lag, m, false, true);
		break;
	case NETDEV_DOWN:
	case NETDEV_CHANGE:
		if (event == NETDEV_CHANGE && netif_carrier_ok(dev))
			break;
		m = kbfd_member_by_dev(kn, dev);
		if (m)
			kbfd_member_path_down(m);
		break;
	}
out:
	mutex_unlock(&kbfd_cfg_lock);
	return NOTIFY_DONE;
}

static struct notifier_block kbfd_lag_notifier = {
	.notifier_call = kbfd_lag_netdev_event,
};

int kbfd_lag_init(void)
{
	return register_netdevice_notifier(&kbfd_lag_notifier);
}

void kbfd_lag_uninit(void)
{
	unregister_netdevice_notifier(&kbfd_lag_notifier);
}
