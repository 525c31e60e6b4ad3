/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KBFD_SYSFS_H
#define _KBFD_SYSFS_H

struct kbfd_session;

int kbfd_sysfs_init(void);
void kbfd_sysfs_uninit(void);
int kbfd_sysfs_add(struct kbfd_session *s);
void kbfd_sysfs_del(struct kbfd_session *s);

#endif /* _KBFD_SYSFS_H */
