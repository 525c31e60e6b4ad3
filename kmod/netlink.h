/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KBFD_NETLINK_H
#define _KBFD_NETLINK_H

struct kbfd_session;
struct kbfd_event;

int kbfd_genl_init(void);
void kbfd_genl_uninit(void);
void kbfd_genl_notify(struct kbfd_session *s, const struct kbfd_event *ev);

#endif /* _KBFD_NETLINK_H */
