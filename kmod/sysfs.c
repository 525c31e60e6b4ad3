// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/kernel/kbfd/<local discriminator>/: one directory per session, from
 * every network namespace (local discriminators are unique system-wide),
 * one value per file. The "netns" file holds the inode number of the
 * session's namespace, as in /proc/<pid>/ns/net.
 *
 * state, remote_state: admin_down, down, init or up
 * diag: the local diagnostic, numeric (RFC 5880 section 4.1)
 * intervals: microseconds; counters: decimal.
 *
 * /sys/kernel/kbfd/lag-<netns>-<bond ifindex>/: one directory per RFC 7130
 * LAG, with a symbolic link member-<ifname> to the session directory of
 * each member. bond (its name when the LAG was added), ifindex, netns,
 * state (down or up), min_links, members, members_up, peer_addr,
 * local_addr, and the data-plane counters rx_data_drops (data frames
 * dropped on members that are not Up), tx_redirects (frames the bond gave
 * such a member, re-sent on an Up one), tx_drops (... dropped, no Up
 * member being left) and rx_lacp_held (LACPDUs such a member received and
 * did not pass to the bond, so that LACP takes it out too).
 */

#include <linux/kobject.h>
#include <linux/sysfs.h>
#include <net/net_namespace.h>
#include <uapi/linux/kbfd.h>

#include "lag.h"
#include "session.h"
#include "sysfs.h"

static struct kset *kbfd_kset;

enum kbfd_sysfs_field {
	KBFD_F_STATE,
	KBFD_F_REMOTE_STATE,
	KBFD_F_DIAG,
	KBFD_F_LOCAL_DISCR,
	KBFD_F_REMOTE_DISCR,
	KBFD_F_PEER,
	KBFD_F_LOCAL,
	KBFD_F_IFINDEX,
	KBFD_F_MULTIHOP,
	KBFD_F_NETNS,
	KBFD_F_DESIRED_TX,
	KBFD_F_REQUIRED_RX,
	KBFD_F_DETECT_MULT,
	KBFD_F_REMOTE_MULT,
	KBFD_F_REMOTE_TX,
	KBFD_F_REMOTE_RX,
	KBFD_F_TX_INTERVAL,
	KBFD_F_RX_INTERVAL,
	KBFD_F_DETECT_TIME,
	KBFD_F_ADMIN_DOWN,
	KBFD_F_AUTH_TYPE,
	KBFD_F_POLL,
	KBFD_F_RX_PACKETS,
	KBFD_F_TX_PACKETS,
	KBFD_F_RX_DROPS,
	KBFD_F_UP_TRANSITIONS,
};

struct kbfd_sysfs_attr {
	struct kobj_attribute attr;
	enum kbfd_sysfs_field field;
};

static const char *const kbfd_state_names[] = {
	[KBFD_STATE_ADMIN_DOWN] = "admin_down",
	[KBFD_STATE_DOWN] = "down",
	[KBFD_STATE_INIT] = "init",
	[KBFD_STATE_UP] = "up",
};

static ssize_t kbfd_show_addr(const struct kbfd_key *k,
			      const union kbfd_addr *a, char *buf)
{
	if (k->family == AF_INET)
		return sysfs_emit(buf, "%pI4\n", &a->v4);
	return sysfs_emit(buf, "%pI6c\n", &a->v6);
}

static ssize_t kbfd_sysfs_show(struct kobject *kobj,
			       struct kobj_attribute *kattr, char *buf)
{
	struct kbfd_session *s = container_of(kobj, struct kbfd_session, kobj);
	const struct kbfd_sysfs_attr *a =
		container_of(kattr, struct kbfd_sysfs_attr, attr);
	u64 v;

	/* Immutable fields first. */
	switch (a->field) {
	case KBFD_F_LOCAL_DISCR:
		return sysfs_emit(buf, "%u\n", s->local_discr);
	case KBFD_F_PEER:
		return kbfd_show_addr(&s->key, &s->key.peer, buf);
	case KBFD_F_LOCAL:
		if (!s->key.has_local)
			return sysfs_emit(buf, "any\n");
		return kbfd_show_addr(&s->key, &s->key.local, buf);
	case KBFD_F_IFINDEX:
		return sysfs_emit(buf, "%d\n", s->key.ifindex);
	case KBFD_F_MULTIHOP:
		return sysfs_emit(buf, "%d\n", s->key.multihop);
	case KBFD_F_NETNS:
		return sysfs_emit(buf, "%u\n", s->kn->net->ns.inum);
	case KBFD_F_STATE:
	case KBFD_F_REMOTE_STATE: {
		u8 st;

		spin_lock_bh(&s->lock);
		st = a->field == KBFD_F_STATE ? s->state : s->remote_state;
		spin_unlock_bh(&s->lock);
		return sysfs_emit(buf, "%s\n", kbfd_state_names[st & 3]);
	}
	default:
		break;
	}

	spin_lock_bh(&s->lock);
	switch (a->field) {
	case KBFD_F_DIAG:
		v = s->diag;
		break;
	case KBFD_F_REMOTE_DISCR:
		v = s->remote_discr;
		break;
	case KBFD_F_DESIRED_TX:
		v = s->cfg_tx;
		break;
	case KBFD_F_REQUIRED_RX:
		v = s->cfg_rx;
		break;
	case KBFD_F_DETECT_MULT:
		v = s->detect_mult;
		break;
	case KBFD_F_REMOTE_MULT:
		v = s->remote_mult;
		break;
	case KBFD_F_REMOTE_TX:
		v = s->remote_tx;
		break;
	case KBFD_F_REMOTE_RX:
		v = s->remote_rx;
		break;
	case KBFD_F_TX_INTERVAL:
		v = kbfd_tx_interval_us(s);
		break;
	case KBFD_F_RX_INTERVAL:
		v = max(s->act_rx, s->remote_tx);
		break;
	case KBFD_F_DETECT_TIME:
		v = kbfd_detect_time_us(s);
		break;
	case KBFD_F_ADMIN_DOWN:
		v = s->admin_down;
		break;
	case KBFD_F_AUTH_TYPE:
		v = s->auth.type;
		break;
	case KBFD_F_POLL:
		v = s->poll;
		break;
	case KBFD_F_RX_PACKETS:
		v = s->rx_packets;
		break;
	case KBFD_F_TX_PACKETS:
		v = s->tx_packets;
		break;
	case KBFD_F_RX_DROPS:
		v = s->rx_drops;
		break;
	case KBFD_F_UP_TRANSITIONS:
		v = s->up_transitions;
		break;
	default:
		v = 0;
		break;
	}
	spin_unlock_bh(&s->lock);
	return sysfs_emit(buf, "%llu\n", v);
}

#define KBFD_ATTR(_name, _field)					\
	static struct kbfd_sysfs_attr kbfd_attr_##_name = {		\
		.attr = __ATTR(_name, 0444, kbfd_sysfs_show, NULL),	\
		.field = _field,					\
	}

KBFD_ATTR(state, KBFD_F_STATE);
KBFD_ATTR(remote_state, KBFD_F_REMOTE_STATE);
KBFD_ATTR(diag, KBFD_F_DIAG);
KBFD_ATTR(local_discr, KBFD_F_LOCAL_DISCR);
KBFD_ATTR(remote_discr, KBFD_F_REMOTE_DISCR);
KBFD_ATTR(peer_addr, KBFD_F_PEER);
KBFD_ATTR(local_addr, KBFD_F_LOCAL);
KBFD_ATTR(ifindex, KBFD_F_IFINDEX);
KBFD_ATTR(multihop, KBFD_F_MULTIHOP);
KBFD_ATTR(netns, KBFD_F_NETNS);
KBFD_ATTR(desired_min_tx_us, KBFD_F_DESIRED_TX);
KBFD_ATTR(required_min_rx_us, KBFD_F_REQUIRED_RX);
KBFD_ATTR(detect_mult, KBFD_F_DETECT_MULT);
KBFD_ATTR(remote_detect_mult, KBFD_F_REMOTE_MULT);
KBFD_ATTR(remote_min_tx_us, KBFD_F_REMOTE_TX);
KBFD_ATTR(remote_min_rx_us, KBFD_F_REMOTE_RX);
KBFD_ATTR(tx_interval_us, KBFD_F_TX_INTERVAL);
KBFD_ATTR(rx_interval_us, KBFD_F_RX_INTERVAL);
KBFD_ATTR(detect_time_us, KBFD_F_DETECT_TIME);
KBFD_ATTR(admin_down, KBFD_F_ADMIN_DOWN);
KBFD_ATTR(auth_type, KBFD_F_AUTH_TYPE);
KBFD_ATTR(poll, KBFD_F_POLL);
KBFD_ATTR(rx_packets, KBFD_F_RX_PACKETS);
KBFD_ATTR(tx_packets, KBFD_F_TX_PACKETS);
KBFD_ATTR(rx_drops, KBFD_F_RX_DROPS);
KBFD_ATTR(up_transitions, KBFD_F_UP_TRANSITIONS);

static struct attribute *kbfd_session_attrs[] = {
	&kbfd_attr_state.attr.attr,
	&kbfd_attr_remote_state.attr.attr,
	&kbfd_attr_diag.attr.attr,
	&kbfd_attr_local_discr.attr.attr,
	&kbfd_attr_remote_discr.attr.attr,
	&kbfd_attr_peer_addr.attr.attr,
	&kbfd_attr_local_addr.attr.attr,
	&kbfd_attr_ifindex.attr.attr,
	&kbfd_attr_multihop.attr.attr,
	&kbfd_attr_netns.attr.attr,
	&kbfd_attr_desired_min_tx_us.attr.attr,
	&kbfd_attr_required_min_rx_us.attr.attr,
	&kbfd_attr_detect_mult.attr.attr,
	&kbfd_attr_remote_detect_mult.attr.attr,
	&kbfd_attr_remote_min_tx_us.attr.attr,
	&kbfd_attr_remote_min_rx_us.attr.attr,
	&kbfd_attr_tx_interval_us.attr.attr,
	&kbfd_attr_rx_interval_us.attr.attr,
	&kbfd_attr_detect_time_us.attr.attr,
	&kbfd_attr_admin_down.attr.attr,
	&kbfd_attr_auth_type.attr.attr,
	&kbfd_attr_poll.attr.attr,
	&kbfd_attr_rx_packets.attr.attr,
	&kbfd_attr_tx_packets.attr.attr,
	&kbfd_attr_rx_drops.attr.attr,
	&kbfd_attr_up_transitions.attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(kbfd_session);

static void kbfd_sysfs_release(struct kobject *kobj)
{
	kbfd_session_put(container_of(kobj, struct kbfd_session, kobj));
}

static const struct kobj_type kbfd_session_ktype = {
	.release = kbfd_sysfs_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = kbfd_session_groups,
};

/* Process context. On failure the kobject's reference is dropped. */
int kbfd_sysfs_add(struct kbfd_session *s)
{
	int err;

	s->kobj.kset = kbfd_kset;
	err = kobject_init_and_add(&s->kobj, &kbfd_session_ktype, NULL, "%u",
				   s->local_discr);
	if (err) {
		kobject_put(&s->kobj);
		return err;
	}
	kobject_uevent(&s->kobj, KOBJ_ADD);
	return 0;
}

/* Process context: waits for readers, then drops the kobject reference. */
void kbfd_sysfs_del(struct kbfd_session *s)
{
	kobject_uevent(&s->kobj, KOBJ_REMOVE);
	kobject_del(&s->kobj);
	kobject_put(&s->kobj);
}

enum kbfd_lag_field {
	KBFD_LF_BOND,
	KBFD_LF_IFINDEX,
	KBFD_LF_NETNS,
	KBFD_LF_STATE,
	KBFD_LF_MIN_LINKS,
	KBFD_LF_MEMBERS,
	KBFD_LF_MEMBERS_UP,
	KBFD_LF_PEER,
	KBFD_LF_LOCAL,
	KBFD_LF_RX_DATA_DROPS,
	KBFD_LF_TX_REDIRECTS,
	KBFD_LF_TX_DROPS,
	KBFD_LF_RX_LACP_HELD,
};

struct kbfd_lag_attr {
	struct kobj_attribute attr;
	enum kbfd_lag_field field;
};

static ssize_t kbfd_lag_show(struct kobject *kobj, struct kobj_attribute *kattr,
			     char *buf)
{
	struct kbfd_lag *lag = container_of(kobj, struct kbfd_lag, kobj);
	const struct kbfd_lag_attr *a =
		container_of(kattr, struct kbfd_lag_attr, attr);
	unsigned int n_up;
	u8 state;

	switch (a->field) {
	case KBFD_LF_BOND:
		return sysfs_emit(buf, "%s\n", lag->name);
	case KBFD_LF_IFINDEX:
		return sysfs_emit(buf, "%d\n", lag->ifindex);
	case KBFD_LF_NETNS:
		return sysfs_emit(buf, "%u\n", lag->kn->net->ns.inum);
	case KBFD_LF_STATE:
		kbfd_lag_snapshot(lag, &state, &n_up);
		return sysfs_emit(buf, "%s\n", kbfd_state_names[state & 3]);
	case KBFD_LF_MIN_LINKS:
		return sysfs_emit(buf, "%u\n", lag->min_links);
	case KBFD_LF_MEMBERS:
		return sysfs_emit(buf, "%u\n", READ_ONCE(lag->n_members));
	case KBFD_LF_MEMBERS_UP:
		kbfd_lag_snapshot(lag, &state, &n_up);
		return sysfs_emit(buf, "%u\n", n_up);
	case KBFD_LF_PEER:
		return kbfd_show_addr(&lag->key, &lag->key.peer, buf);
	case KBFD_LF_LOCAL:
		return kbfd_show_addr(&lag->key, &lag->key.local, buf);
	case KBFD_LF_RX_DATA_DROPS:
		return sysfs_emit(buf, "%lld\n",
				  atomic64_read(&lag->rx_data_drops));
	case KBFD_LF_TX_REDIRECTS:
		return sysfs_emit(buf, "%lld\n",
				  atomic64_read(&lag->tx_redirects));
	case KBFD_LF_TX_DROPS:
		return sysfs_emit(buf, "%lld\n", atomic64_read(&lag->tx_drops));
	case KBFD_LF_RX_LACP_HELD:
		return sysfs_emit(buf, "%lld\n",
				  atomic64_read(&lag->rx_lacp_held));
	}
	return -EINVAL;
}

#define KBFD_LAG_ATTR(_name, _field)					\
	static struct kbfd_lag_attr kbfd_lag_attr_##_name = {		\
		.attr = __ATTR(_name, 0444, kbfd_lag_show, NULL),	\
		.field = _field,					\
	}

KBFD_LAG_ATTR(bond, KBFD_LF_BOND);
KBFD_LAG_ATTR(ifindex, KBFD_LF_IFINDEX);
KBFD_LAG_ATTR(netns, KBFD_LF_NETNS);
KBFD_LAG_ATTR(state, KBFD_LF_STATE);
KBFD_LAG_ATTR(min_links, KBFD_LF_MIN_LINKS);
KBFD_LAG_ATTR(members, KBFD_LF_MEMBERS);
KBFD_LAG_ATTR(members_up, KBFD_LF_MEMBERS_UP);
KBFD_LAG_ATTR(peer_addr, KBFD_LF_PEER);
KBFD_LAG_ATTR(local_addr, KBFD_LF_LOCAL);
KBFD_LAG_ATTR(rx_data_drops, KBFD_LF_RX_DATA_DROPS);
KBFD_LAG_ATTR(tx_redirects, KBFD_LF_TX_REDIRECTS);
KBFD_LAG_ATTR(tx_drops, KBFD_LF_TX_DROPS);
KBFD_LAG_ATTR(rx_lacp_held, KBFD_LF_RX_LACP_HELD);

static struct attribute *kbfd_lag_attrs[] = {
	&kbfd_lag_attr_bond.attr.attr,
	&kbfd_lag_attr_ifindex.attr.attr,
	&kbfd_lag_attr_netns.attr.attr,
	&kbfd_lag_attr_state.attr.attr,
	&kbfd_lag_attr_min_links.attr.attr,
	&kbfd_lag_attr_members.attr.attr,
	&kbfd_lag_attr_members_up.attr.attr,
	&kbfd_lag_attr_peer_addr.attr.attr,
	&kbfd_lag_attr_local_addr.attr.attr,
	&kbfd_lag_attr_rx_data_drops.attr.attr,
	&kbfd_lag_attr_tx_redirects.attr.attr,
	&kbfd_lag_attr_tx_drops.attr.attr,
	&kbfd_lag_attr_rx_lacp_held.attr.attr,
	NULL,
};
ATTRIBUTE_GROUPS(kbfd_lag);

static void kbfd_lag_release(struct kobject *kobj)
{
	kfree(container_of(kobj, struct kbfd_lag, kobj));
}

static const struct kobj_type kbfd_lag_ktype = {
	.release = kbfd_lag_release,
	.sysfs_ops = &kobj_sysfs_ops,
	.default_groups = kbfd_lag_groups,
};

/* Process context. On failure the LAG is freed by the kobject's release. */
int kbfd_sysfs_lag_add(struct kbfd_lag *lag)
{
	int err;

	lag->kobj.kset = kbfd_kset;
	err = kobject_init_and_add(&lag->kobj, &kbfd_lag_ktype, NULL,
				   "lag-%u-%d", lag->kn->net->ns.inum,
				   lag->ifindex);
	if (err) {
		kobject_put(&lag->kobj);
		return err;
	}
	kobject_uevent(&lag->kobj, KOBJ_ADD);
	return 0;
}

/* Process context: waits for readers, then frees the LAG. */
void kbfd_sysfs_lag_del(struct kbfd_lag *lag)
{
	kobject_uevent(&lag->kobj, KOBJ_REMOVE);
	kobject_del(&lag->kobj);
	kobject_put(&lag->kobj);
}

/* member-<ifname> -> ../<discr>; best effort (a name clash is harmless). */
void kbfd_sysfs_lag_link(struct kbfd_member *m)
{
	snprintf(m->link_name, sizeof(m->link_name), "member-%s",
		 m->dev->name);
	m->linked = !sysfs_create_link_nowarn(&m->lag->kobj, &m->s->kobj,
					      m->link_name);
}

void kbfd_sysfs_lag_unlink(struct kbfd_member *m)
{
	if (m->linked)
		sysfs_remove_link(&m->lag->kobj, m->link_name);
	m->linked = false;
}

int kbfd_sysfs_init(void)
{
	kbfd_kset = kset_create_and_add("kbfd", NULL, kernel_kobj);
	return kbfd_kset ? 0 : -ENOMEM;
}

void kbfd_sysfs_uninit(void)
{
	kset_unregister(kbfd_kset);
}
