// SPDX-License-Identifier: GPL-2.0
/*
 * Two soft, pinned hrtimers per session.
 *
 * The TX timer sends the periodic control packet with the jitter of
 * RFC 5880 6.8.7: 75-100 % of the interval, 75-90 % with a detection
 * multiplier of 1.
 *
 * The detection timer is armed lazily: receiving a packet only records its
 * timestamp; the timer is moved earlier only when the deadline it points at
 * is later than the new one, and on expiry it re-arms itself when a packet
 * arrived in the meantime.
 *
 * When the detection timer expires, the packets that would have kept the
 * session Up may already be queued: the peer's TX timer ran in the same
 * timer softirq (both ends on one host, or both late after a stall), or the
 * network softirq was deferred to ksoftirqd along with this one. The
 * network softirq runs before the next timer softirq, so the session is
 * looked at once more kbfd_detect_recheck_us (module parameter, 10 by
 * default, 0 for none) later before it goes Down: input before timeouts,
 * for a few microseconds of detection time. kbfd:detect_timeout says how
 * late the expiry and the recheck were against the deadline.
 *
 * Both callbacks re-arm with hrtimer_start() under the session lock and
 * return HRTIMER_NORESTART, so a concurrent re-arm from the receive path
 * never races with hrtimer_forward().
 */

#include <linux/hrtimer.h>
#include <linux/random.h>
#include <uapi/linux/kbfd.h>

#include "session.h"
#include "socket.h"
#include "timers.h"
#include "trace.h"

#define KBFD_HRTIMER_MODE	HRTIMER_MODE_REL_PINNED_SOFT
#define KBFD_HRTIMER_MODE_ABS	HRTIMER_MODE_ABS_PINNED_SOFT

static u64 kbfd_jittered_ns(const struct kbfd_session *s)
{
	u64 ns = (u64)kbfd_tx_interval_us(s) * NSEC_PER_USEC;
	u32 pct = s->detect_mult == 1 ? 75 + get_random_u32_below(16) :
					75 + get_random_u32_below(26);

	return div_u64(ns * pct, 100);
}

static enum hrtimer_restart kbfd_tx_timer_fn(struct hrtimer *t)
{
	struct kbfd_session *s = container_of(t, struct kbfd_session, tx_timer);
	u8 buf[KBFD_PKT_MAX];
	unsigned int len = 0;

	spin_lock_bh(&s->lock);
	if (s->dead) {
		spin_unlock_bh(&s->lock);
		return HRTIMER_NORESTART;
	}
	/* RFC 5880 6.8.7: no periodic packets when the peer asks for none. */
	if (s->remote_rx || s->state == KBFD_STATE_ADMIN_DOWN)
		len = kbfd_build_ctrl(s, buf, false);
	hrtimer_start(t, ns_to_ktime(kbfd_jittered_ns(s)), KBFD_HRTIMER_MODE);
	spin_unlock_bh(&s->lock);

	if (len)
		kbfd_xmit(s, buf, len);
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart kbfd_detect_timer_fn(struct hrtimer *t)
{
	struct kbfd_session *s = container_of(t, struct kbfd_session,
					      detect_timer);
	struct kbfd_event ev = {};
	unsigned int act = 0;
	ktime_t now, deadline;
	u32 detect, recheck_us;

	spin_lock_bh(&s->lock);
	if (s->dead || s->state == KBFD_STATE_ADMIN_DOWN) {
		spin_unlock_bh(&s->lock);
		return HRTIMER_NORESTART;
	}
	detect = kbfd_detect_time_us(s);
	if (!detect) {
		spin_unlock_bh(&s->lock);
		return HRTIMER_NORESTART;
	}
	recheck_us = READ_ONCE(kbfd_detect_recheck_us);
	now = ktime_get();
	deadline = ktime_add_us(s->last_rx, detect);
	if (ktime_before(now, deadline)) {
		hrtimer_start(t, deadline, KBFD_HRTIMER_MODE_ABS);
	} else if (recheck_us && s->rechecked_deadline != deadline) {
		s->rechecked_deadline = deadline;
		s->recheck_from = now;
		hrtimer_start(t, ktime_add_us(now, recheck_us),
			      KBFD_HRTIMER_MODE_ABS);
	} else {
		trace_detect_timeout(s->local_discr, deadline,
				     s->rechecked_deadline == deadline ?
				     s->recheck_from : now, now);
		act = kbfd_fsm_detect_expired(s, now, &ev);
	}
	spin_unlock_bh(&s->lock);

	kbfd_session_act(s, act, &ev);
	return HRTIMER_NORESTART;
}

void kbfd_timers_init(struct kbfd_session *s)
{
	hrtimer_init(&s->tx_timer, CLOCK_MONOTONIC, KBFD_HRTIMER_MODE);
	s->tx_timer.function = kbfd_tx_timer_fn;
	hrtimer_init(&s->detect_timer, CLOCK_MONOTONIC, KBFD_HRTIMER_MODE);
	s->detect_timer.function = kbfd_detect_timer_fn;
}

/* Process context, after s->dead was set under the lock. */
void kbfd_timers_stop(struct kbfd_session *s)
{
	hrtimer_cancel(&s->tx_timer);
	hrtimer_cancel(&s->detect_timer);
}

/* Locked. */
void kbfd_timer_tx_arm(struct kbfd_session *s, u64 delay_ns)
{
	if (!s->dead)
		hrtimer_start(&s->tx_timer, ns_to_ktime(delay_ns),
			      KBFD_HRTIMER_MODE);
}

/*
 * Locked. The TX interval changed: when the pending expiry lies further
 * away than a full new interval, bring it forward.
 */
void kbfd_timer_tx_retime(struct kbfd_session *s)
{
	u64 next = kbfd_jittered_ns(s);
	ktime_t left;

	if (s->dead)
		return;
	left = hrtimer_get_remaining(&s->tx_timer);
	if (!hrtimer_is_queued(&s->tx_timer) || ktime_to_ns(left) > (s64)next)
		hrtimer_start(&s->tx_timer, ns_to_ktime(next),
			      KBFD_HRTIMER_MODE);
}

/* Locked, after a packet was accepted (s->last_rx is fresh). */
void kbfd_timer_detect_arm(struct kbfd_session *s)
{
	u32 detect = kbfd_detect_time_us(s);
	ktime_t deadline;

	if (s->dead || !detect)
		return;
	deadline = ktime_add_us(s->last_rx, detect);
	if (!hrtimer_is_queued(&s->detect_timer) ||
	    ktime_after(hrtimer_get_expires(&s->detect_timer), deadline))
		hrtimer_start(&s->detect_timer, deadline,
			      KBFD_HRTIMER_MODE_ABS);
}

/* Locked: the callback, if running, sees the new state and stops. */
void kbfd_timer_detect_stop(struct kbfd_session *s)
{
	hrtimer_try_to_cancel(&s->detect_timer);
}
