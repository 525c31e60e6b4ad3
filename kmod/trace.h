/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tracepoints: kbfd:state_change, kbfd:detect_timeout, kbfd:rx_drop, kbfd:tx,
 * kbfd:lag_member.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM kbfd

#if !defined(_KBFD_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _KBFD_TRACE_H

#include <linux/tracepoint.h>

#include "proto.h"

#define kbfd_show_state(s)						\
	__print_symbolic(s, { 0, "AdminDown" }, { 1, "Down" },		\
			 { 2, "Init" }, { 3, "Up" })

TRACE_DEFINE_ENUM(KBFD_DROP_SHORT);
TRACE_DEFINE_ENUM(KBFD_DROP_VERSION);
TRACE_DEFINE_ENUM(KBFD_DROP_LENGTH);
TRACE_DEFINE_ENUM(KBFD_DROP_TTL);
TRACE_DEFINE_ENUM(KBFD_DROP_DETECT_MULT);
TRACE_DEFINE_ENUM(KBFD_DROP_MULTIPOINT);
TRACE_DEFINE_ENUM(KBFD_DROP_MY_DISCR);
TRACE_DEFINE_ENUM(KBFD_DROP_NO_SESSION);
TRACE_DEFINE_ENUM(KBFD_DROP_YOUR_DISCR);
TRACE_DEFINE_ENUM(KBFD_DROP_ADDR);
TRACE_DEFINE_ENUM(KBFD_DROP_AUTH_MISSING);
TRACE_DEFINE_ENUM(KBFD_DROP_AUTH_UNEXPECTED);
TRACE_DEFINE_ENUM(KBFD_DROP_AUTH_TYPE);
TRACE_DEFINE_ENUM(KBFD_DROP_AUTH_KEY_ID);
TRACE_DEFINE_ENUM(KBFD_DROP_AUTH_BAD);
TRACE_DEFINE_ENUM(KBFD_DROP_AUTH_SEQ);
TRACE_DEFINE_ENUM(KBFD_DROP_HEADER);

/*
 * Every reason here needs its TRACE_DEFINE_ENUM above: the format file then
 * gives perf and trace-cmd its number (tracing.sh checks).
 */
#define kbfd_show_drop_reason(r)					\
	__print_symbolic(r,						\
			 { KBFD_DROP_SHORT, "short" },			\
			 { KBFD_DROP_VERSION, "bad_version" },		\
			 { KBFD_DROP_LENGTH, "bad_length" },		\
			 { KBFD_DROP_TTL, "bad_ttl" },			\
			 { KBFD_DROP_DETECT_MULT, "zero_detect_mult" },	\
			 { KBFD_DROP_MULTIPOINT, "multipoint" },	\
			 { KBFD_DROP_MY_DISCR, "zero_my_discr" },	\
			 { KBFD_DROP_NO_SESSION, "no_session" },	\
			 { KBFD_DROP_YOUR_DISCR, "zero_your_discr_state" }, \
			 { KBFD_DROP_ADDR, "address_mismatch" },	\
			 { KBFD_DROP_AUTH_MISSING, "auth_missing" },	\
			 { KBFD_DROP_AUTH_UNEXPECTED, "auth_unexpected" }, \
			 { KBFD_DROP_AUTH_TYPE, "auth_type" },		\
			 { KBFD_DROP_AUTH_KEY_ID, "auth_key_id" },	\
			 { KBFD_DROP_AUTH_BAD, "auth_failed" },		\
			 { KBFD_DROP_AUTH_SEQ, "auth_seq_replay" },	\
			 { KBFD_DROP_HEADER, "bad_header" })

TRACE_EVENT(state_change,
	    TP_PROTO(u32 discr, u8 old_state, u8 new_state, u8 diag),
	    TP_ARGS(discr, old_state, new_state, diag),
	    TP_STRUCT__entry(__field(u32, discr)
			     __field(u8, old_state)
			     __field(u8, new_state)
			     __field(u8, diag)),
	    TP_fast_assign(__entry->discr = discr;
			   __entry->old_state = old_state;
			   __entry->new_state = new_state;
			   __entry->diag = diag;),
	    TP_printk("discr=%u %s -> %s diag=%u", __entry->discr,
		      kbfd_show_state(__entry->old_state),
		      kbfd_show_state(__entry->new_state), __entry->diag)
);

/*
 * The detection time expired (RFC 5880 6.8.4): when the deadline was
 * (last packet received + Detection Time), how late the detection timer
 * first found it passed, and how long the recheck (timers.c) then took
 * before the session was declared lost. CLOCK_MONOTONIC, ns: deadline +
 * late_ns + recheck_ns is the moment of the decision, the timestamp of
 * the state change's netlink event.
 */
TRACE_EVENT(detect_timeout,
	    TP_PROTO(u32 discr, ktime_t deadline, ktime_t expired,
		     ktime_t decided),
	    TP_ARGS(discr, deadline, expired, decided),
	    TP_STRUCT__entry(__field(u32, discr)
			     __field(s64, deadline)
			     __field(s64, late_ns)
			     __field(s64, recheck_ns)),
	    TP_fast_assign(__entry->discr = discr;
			   __entry->deadline = ktime_to_ns(deadline);
			   __entry->late_ns = ktime_to_ns(ktime_sub(expired,
								    deadline));
			   __entry->recheck_ns = ktime_to_ns(ktime_sub(decided,
								       expired));),
	    TP_printk("discr=%u deadline=%lld late_ns=%lld recheck_ns=%lld",
		      __entry->discr, __entry->deadline, __entry->late_ns,
		      __entry->recheck_ns)
);

TRACE_EVENT(rx_drop,
	    TP_PROTO(u32 discr, u32 your_discr, enum kbfd_drop_reason reason),
	    TP_ARGS(discr, your_discr, reason),
	    TP_STRUCT__entry(__field(u32, discr)
			     __field(u32, your_discr)
			     __field(unsigned int, reason)),
	    TP_fast_assign(__entry->discr = discr;
			   __entry->your_discr = your_discr;
			   __entry->reason = reason;),
	    TP_printk("discr=%u your_discr=%u reason=%s", __entry->discr,
		      __entry->your_discr,
		      kbfd_show_drop_reason(__entry->reason))
);

TRACE_EVENT(tx,
	    TP_PROTO(u32 discr, u8 state, u8 flags),
	    TP_ARGS(discr, state, flags),
	    TP_STRUCT__entry(__field(u32, discr)
			     __field(u8, state)
			     __field(u8, flags)),
	    TP_fast_assign(__entry->discr = discr;
			   __entry->state = state;
			   __entry->flags = flags;),
	    TP_printk("discr=%u state=%s flags=0x%02x", __entry->discr,
		      kbfd_show_state(__entry->state), __entry->flags)
);

/* A LAG member's session changed state; the LAG as it is afterwards. */
TRACE_EVENT(lag_member,
	    TP_PROTO(int lag_ifindex, int member_ifindex, u32 discr,
		     u8 old_state, u8 new_state, unsigned int members_up,
		     u8 lag_state),
	    TP_ARGS(lag_ifindex, member_ifindex, discr, old_state, new_state,
		    members_up, lag_state),
	    TP_STRUCT__entry(__field(int, lag_ifindex)
			     __field(int, member_ifindex)
			     __field(u32, discr)
			     __field(u8, old_state)
			     __field(u8, new_state)
			     __field(unsigned int, members_up)
			     __field(u8, lag_state)),
	    TP_fast_assign(__entry->lag_ifindex = lag_ifindex;
			   __entry->member_ifindex = member_ifindex;
			   __entry->discr = discr;
			   __entry->old_state = old_state;
			   __entry->new_state = new_state;
			   __entry->members_up = members_up;
			   __entry->lag_state = lag_state;),
	    TP_printk("lag=%d member=%d discr=%u %s -> %s members_up=%u lag=%s",
		      __entry->lag_ifindex, __entry->member_ifindex,
		      __entry->discr, kbfd_show_state(__entry->old_state),
		      kbfd_show_state(__entry->new_state), __entry->members_up,
		      kbfd_show_state(__entry->lag_state))
);

#endif /* _KBFD_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
