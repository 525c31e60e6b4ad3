/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KBFD_SOCKET_H
#define _KBFD_SOCKET_H

#include <linux/types.h>

struct kbfd_net;
struct kbfd_session;
struct sk_buff;
struct sock;

int kbfd_socket_get(struct kbfd_net *kn, bool multihop, bool ipv6);
void kbfd_socket_put(struct kbfd_net *kn, bool multihop, bool ipv6);
void kbfd_socket_release_all(struct kbfd_net *kn);
int kbfd_socket_xmit(struct kbfd_session *s, const void *buf,
		     unsigned int len);

/* receive.c */
int kbfd_receive(struct sock *sk, struct sk_buff *skb);

/* send.c */
unsigned int kbfd_build_ctrl(struct kbfd_session *s, u8 *buf, bool final);
void kbfd_send_ctrl(struct kbfd_session *s, bool final);

#endif /* _KBFD_SOCKET_H */
