/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _KBFD_TIMERS_H
#define _KBFD_TIMERS_H

struct kbfd_session;

void kbfd_timers_init(struct kbfd_session *s);
void kbfd_timers_stop(struct kbfd_session *s);
void kbfd_timer_tx_arm(struct kbfd_session *s, u64 delay_ns);
void kbfd_timer_tx_retime(struct kbfd_session *s);
void kbfd_timer_detect_arm(struct kbfd_session *s);
void kbfd_timer_detect_stop(struct kbfd_session *s);

#endif /* _KBFD_TIMERS_H */
