/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KBFD_NETLINK_H
#define _KBFD_NETLINK_H

struct kbfd_session;
struct kbfd_event;
struct kbfd_lag;
struct kbfd_lag_event;

int kbfd_genl_init(void);
void kbfd_genl_uninit(void);
void kbfd_genl_notify(struct kbfd_session *s, const struct kbfd_event *ev);
void kbfd_genl_lag_notify(struct kbfd_lag *lag,
			  const struct kbfd_lag_event *ev);

#endif /* _KBFD_NETLINK_H */
