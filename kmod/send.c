// SPDX-License-Identifier: GPL-2.0
/*
 * Building control packets (RFC 5880 section 4.1 and 6.8.7).
 */

#include <linux/kernel.h>
#include <linux/string.h>
#include <uapi/linux/kbfd.h>

#include "auth.h"
#include "lag.h"
#include "session.h"
#include "socket.h"
#include "trace.h"

/*
 * Locked. Fills @buf (KBFD_PKT_MAX bytes) and returns the packet length.
 * With @final the packet answers a Poll: F set, P clear (4.1: never both).
 */
unsigned int kbfd_build_ctrl(struct kbfd_session *s, u8 *buf, bool final)
{
	struct kbfd_ctrl *c = (struct kbfd_ctrl *)buf;
	unsigned int alen = kbfd_auth_len(s->auth.type, s->auth.key_len);
	unsigned int len = KBFD_CTRL_LEN + alen;
	u8 flags = s->state << 6;

	if (final)
		flags |= KBFD_FLAG_F;
	else if (s->poll)
		flags |= KBFD_FLAG_P;
	if (alen)
		flags |= KBFD_FLAG_A;

	memset(buf, 0, len);
	c->vers_diag = (KBFD_VERSION << 5) | (s->diag & 0x1f);
	c->flags = flags;
	c->detect_mult = s->detect_mult;
	c->length = len;
	c->my_discr = cpu_to_be32(s->local_discr);
	c->your_discr = cpu_to_be32(s->remote_discr);
	c->desired_min_tx = cpu_to_be32(s->adv_tx);
	c->required_min_rx = cpu_to_be32(s->adv_rx);
	c->required_min_echo_rx = 0;
	if (alen)
		kbfd_auth_sign(s, buf, len);

	s->tx_packets++;
	trace_tx(s->local_discr, s->state, flags);
	return len;
}

/*
 * Unlocked: the one place that chooses the transport. Sessions of RFC
 * 5881 / 5883 go out through the namespace's UDP socket, micro-BFD
 * sessions as a frame on their LAG member; building, timers, the state
 * machine and authentication are the same for both.
 */
int kbfd_xmit(struct kbfd_session *s, const void *buf, unsigned int len)
{
	if (s->member)
		return kbfd_member_xmit(s->member, s, buf, len);
	return kbfd_socket_xmit(s, buf, len);
}

/* Unlocked: send one packet now. */
void kbfd_send_ctrl(struct kbfd_session *s, bool final)
{
	u8 buf[KBFD_PKT_MAX];
	unsigned int len;

	spin_lock_bh(&s->lock);
	if (s->dead) {
		spin_unlock_bh(&s->lock);
		return;
	}
	len = kbfd_build_ctrl(s, buf, final);
	spin_unlock_bh(&s->lock);
	kbfd_xmit(s, buf, len);
}
