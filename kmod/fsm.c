// SPDX-License-Identifier: GPL-2.0
/*
 * The RFC 5880 state machine (section 6.8.6 for reception, 6.8.4 for the
 * detection time, 6.8.3 for timer changes and Poll Sequences). Every
 * function here runs with the session lock held; it changes state
 * variables and says what the caller must do after unlocking.
 */

#include <linux/kernel.h>
#include <linux/minmax.h>
#include <uapi/linux/kbfd.h>

#include "session.h"
#include "timers.h"
#include "trace.h"

u32 kbfd_tx_interval_us(const struct kbfd_session *s)
{
	return max(s->act_tx, s->remote_rx);
}

u32 kbfd_detect_time_us(const struct kbfd_session *s)
{
	u64 t = (u64)s->remote_mult * max(s->act_rx, s->remote_tx);

	return min_t(u64, t, U32_MAX);
}

/* Timer values while the session is not Up: slow TX (6.8.3), no poll. */
static void kbfd_timers_slow(struct kbfd_session *s)
{
	s->adv_tx = max_t(u32, s->cfg_tx, KBFD_SLOW_TX_US);
	s->adv_rx = s->cfg_rx;
	s->act_tx = s->adv_tx;
	s->act_rx = s->adv_rx;
	s->poll = false;
}

/*
 * New advertised values on an Up session: a decrease of our TX interval or
 * an increase of our RX interval takes effect at once, the opposite waits
 * for the end of the Poll Sequence.
 */
static void kbfd_timers_poll(struct kbfd_session *s)
{
	u32 tx = s->cfg_tx, rx = s->cfg_rx;

	if (tx == s->adv_tx && rx == s->adv_rx)
		return;
	s->adv_tx = tx;
	s->adv_rx = rx;
	s->act_tx = min(s->act_tx, tx);
	s->act_rx = max(s->act_rx, rx);
	s->poll = true;
}

void kbfd_fsm_init(struct kbfd_session *s)
{
	s->state = s->admin_down ? KBFD_STATE_ADMIN_DOWN : KBFD_STATE_DOWN;
	s->diag = s->admin_down ? KBFD_DIAG_ADMIN_DOWN : KBFD_DIAG_NONE;
	s->remote_state = KBFD_STATE_DOWN;
	s->remote_discr = 0;
	s->remote_rx = 1;	/* initial value, 6.8.1 */
	s->remote_tx = 0;
	s->remote_mult = 0;
	kbfd_timers_slow(s);
}

static unsigned int kbfd_set_state(struct kbfd_session *s, u8 state, u8 diag,
				   ktime_t now, struct kbfd_event *ev)
{
	u8 old = s->state;

	if (old == state)
		return 0;
	/* Read locklessly by the LAG member hooks (member.c). */
	WRITE_ONCE(s->state, state);
	s->diag = diag;
	if (state == KBFD_STATE_UP) {
		s->diag = KBFD_DIAG_NONE;
		s->up_transitions++;
		kbfd_timers_poll(s);
	} else if (old == KBFD_STATE_UP) {
		kbfd_timers_slow(s);
	}
	if (state == KBFD_STATE_ADMIN_DOWN)
		kbfd_timers_slow(s);

	ev->valid = true;
	ev->old_state = old;
	ev->new_state = state;
	ev->diag = s->diag;
	ev->ts = now;
	trace_state_change(s->local_discr, old, state, s->diag);

	kbfd_timer_tx_retime(s);
	return KBFD_ACT_SEND;
}

/* 6.8.6, from "Set bfd.RemoteDiscr" on; the packet is valid and ours. */
unsigned int kbfd_fsm_rx(struct kbfd_session *s, const struct kbfd_ctrl *c,
			 ktime_t now, struct kbfd_event *ev)
{
	u8 rstate = kbfd_ctrl_state(c);
	u32 old_remote_rx = s->remote_rx;
	u32 old_act_tx = s->act_tx;
	unsigned int act = 0;

	s->remote_discr = be32_to_cpu(c->my_discr);
	s->remote_state = rstate;
	s->remote_mult = c->detect_mult;
	s->remote_tx = be32_to_cpu(c->desired_min_tx);
	s->remote_rx = be32_to_cpu(c->required_min_rx);
	s->last_rx = now;

	if ((c->flags & KBFD_FLAG_F) && s->poll) {
		s->poll = false;
		s->act_tx = s->adv_tx;
		s->act_rx = s->adv_rx;
	}
	if (c->flags & KBFD_FLAG_P)
		act |= KBFD_ACT_SEND | KBFD_ACT_FINAL;

	if (s->state == KBFD_STATE_ADMIN_DOWN)
		return act;

	if (rstate == KBFD_STATE_ADMIN_DOWN) {
		if (s->state != KBFD_STATE_DOWN)
			act |= kbfd_set_state(s, KBFD_STATE_DOWN,
					      KBFD_DIAG_NEIGHBOR_DOWN, now, ev);
	} else {
		switch (s->state) {
		case KBFD_STATE_DOWN:
			if (rstate == KBFD_STATE_DOWN)
				act |= kbfd_set_state(s, KBFD_STATE_INIT,
						      s->diag, now, ev);
			else if (rstate == KBFD_STATE_INIT)
				act |= kbfd_set_state(s, KBFD_STATE_UP,
						      KBFD_DIAG_NONE, now, ev);
			break;
		case KBFD_STATE_INIT:
			if (rstate == KBFD_STATE_INIT || rstate == KBFD_STATE_UP)
				act |= kbfd_set_state(s, KBFD_STATE_UP,
						      KBFD_DIAG_NONE, now, ev);
			break;
		case KBFD_STATE_UP:
			if (rstate == KBFD_STATE_DOWN)
				act |= kbfd_set_state(s, KBFD_STATE_DOWN,
						      KBFD_DIAG_NEIGHBOR_DOWN,
						      now, ev);
			break;
		}
	}

	if (s->remote_rx != old_remote_rx || s->act_tx != old_act_tx)
		kbfd_timer_tx_retime(s);
	kbfd_timer_detect_arm(s);
	return act;
}

static unsigned int kbfd_fsm_lost(struct kbfd_session *s, u8 diag,
				  ktime_t now, struct kbfd_event *ev)
{
	unsigned int act = 0;

	if (s->state == KBFD_STATE_INIT || s->state == KBFD_STATE_UP)
		act = kbfd_set_state(s, KBFD_STATE_DOWN, diag, now, ev);
	s->remote_discr = 0;
	s->remote_state = KBFD_STATE_DOWN;
	s->remote_rx = 1;
	s->remote_tx = 0;
	s->remote_mult = 0;
	kbfd_timer_tx_retime(s);
	return act;
}

/* 6.8.4: no valid packet for a Detection Time. */
unsigned int kbfd_fsm_detect_expired(struct kbfd_session *s, ktime_t now,
				     struct kbfd_event *ev)
{
	return kbfd_fsm_lost(s, KBFD_DIAG_DETECT_EXPIRED, now, ev);
}

/* The link under a micro-BFD session went down (RFC 7130: Path Down). */
unsigned int kbfd_fsm_path_down(struct kbfd_session *s, ktime_t now,
				struct kbfd_event *ev)
{
	return kbfd_fsm_lost(s, KBFD_DIAG_PATH_DOWN, now, ev);
}

unsigned int kbfd_fsm_admin(struct kbfd_session *s, bool down, ktime_t now,
			    struct kbfd_event *ev)
{
	s->admin_down = down;
	if (down) {
		if (s->state == KBFD_STATE_ADMIN_DOWN)
			return 0;
		kbfd_timer_detect_stop(s);
		return kbfd_set_state(s, KBFD_STATE_ADMIN_DOWN,
				      KBFD_DIAG_ADMIN_DOWN, now, ev);
	}
	if (s->state != KBFD_STATE_ADMIN_DOWN)
		return 0;
	return kbfd_set_state(s, KBFD_STATE_DOWN, KBFD_DIAG_NONE, now, ev);
}

/* The configured intervals changed (6.8.3). */
unsigned int kbfd_fsm_timers_changed(struct kbfd_session *s)
{
	if (s->state != KBFD_STATE_UP) {
		kbfd_timers_slow(s);
		kbfd_timer_tx_retime(s);
		return 0;
	}
	kbfd_timers_poll(s);
	kbfd_timer_tx_retime(s);
	return s->poll ? KBFD_ACT_SEND : 0;
}
