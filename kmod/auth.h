/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KBFD_AUTH_H
#define _KBFD_AUTH_H

#include <linux/ktime.h>
#include <linux/types.h>

#include "proto.h"

struct kbfd_auth;
struct kbfd_session;
struct crypto_shash;
struct netlink_ext_ack;

int kbfd_auth_check_config(const struct kbfd_auth *a,
			   struct netlink_ext_ack *extack);
struct crypto_shash *kbfd_auth_alloc_tfm(u8 type);
unsigned int kbfd_auth_len(u8 type, u8 key_len);
void kbfd_auth_sign(struct kbfd_session *s, u8 *pkt, unsigned int len);
int kbfd_auth_verify(struct kbfd_session *s, const u8 *pkt, unsigned int len,
		     ktime_t now, enum kbfd_drop_reason *why);

#endif /* _KBFD_AUTH_H */
