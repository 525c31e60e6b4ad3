/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KBFD_SYSFS_H
#define _KBFD_SYSFS_H

struct kbfd_lag;
struct kbfd_member;
struct kbfd_session;

int kbfd_sysfs_init(void);
void kbfd_sysfs_uninit(void);
int kbfd_sysfs_add(struct kbfd_session *s);
void kbfd_sysfs_del(struct kbfd_session *s);
int kbfd_sysfs_lag_add(struct kbfd_lag *lag);
void kbfd_sysfs_lag_del(struct kbfd_lag *lag);
void kbfd_sysfs_lag_link(struct kbfd_member *m);
void kbfd_sysfs_lag_unlink(struct kbfd_member *m);

#endif /* _KBFD_SYSFS_H */
