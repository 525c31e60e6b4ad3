# SPDX-License-Identifier: GPL-2.0
#
# kbfd_split.awk: where kbfd's time after the detection deadline goes, per
# trial of bfd_detect (bfd_bench.sh).
#
#   awk -v recheck_us=N -f kbfd_split.awk TRACE DETECT-OUTPUT
#
# TRACE: /sys/kernel/tracing/trace with trace_clock "mono" (CLOCK_MONOTONIC,
# like bfd_detect's fault_ns= deadline_ns= down_ns= and kbfd's own times),
# holding kbfd:detect_timeout, kbfd:tx (filter state != 3), and
# irq:softirq_raise / softirq_entry (filter vec == 8, HRTIMER_SOFTIRQ).
# For every trial line of DETECT-OUTPUT, the detect_timeout decided between
# the fault and the Down on the wire is the one that made it, and the time
# from the wire deadline (last heard + detection time) to the Down packet
# is cut at kbfd's own marks, in us, signed:
#   rx      kbfd's deadline minus the wire deadline: the last packet's way
#           from the packet tap to kbfd's receive path
#   irq     the hard interrupt that raised HRTIMER_SOFTIRQ on that CPU,
#           minus the expiry the deciding callback was armed for (the
#           deadline, or the recheck's first expiry + recheck_us); negative
#           when the softirq was raised for an earlier timer
#   wait    that softirq's start minus the raise: time spent pending
#   queue   the callback's start minus the softirq's start: other timers
#           run first in the same pass
#   late    first expiry minus the deadline (the tracepoint's late_ns);
#           without a recheck late = irq + wait + queue
#   recheck decision minus first expiry (the tracepoint's recheck_ns)
#   build   the Down packet built (kbfd:tx) minus the decision
#   wire    the Down packet on the wire minus its build
#   ksoftirqd  1 when the deciding callback ran in ksoftirqd, else 0
# Output: "trial=N rx= irq= wait= queue= late= recheck= build= wire=
# ksoftirqd=" lines; a trial whose event is missing is left out.

function ns_of(ts,	p) {
	p = index(ts, ".")
	return substr(ts, 1, p - 1) * 1000000000 + substr(ts, p + 1) * 1000
}

function field(name, line,	m) {
	if (!match(line, " " name "=-?[0-9]+"))
		return ""
	m = substr(line, RSTART + length(name) + 2, RLENGTH - length(name) - 2)
	return m + 0
}

# Trace lines: "TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: ARGS".
FNR == NR {
	if (!match($0, /\[[0-9]+\] [^ ]+ +[0-9]+\.[0-9]+: [a-z_]+:/))
		next
	hdr = substr($0, RSTART, RLENGTH)
	split(hdr, h, /[][ :]+/)
	cpu = h[2]
	ts = ns_of(h[4])
	ev = h[5]
	task = substr($0, 1, RSTART - 1)
	if (ev == "softirq_raise") {
		raised[cpu] = ts
	} else if (ev == "softirq_entry") {
		entered[cpu] = ts
	} else if (ev == "detect_timeout") {
		k = ++n_ev
		d = field("deadline", $0)
		ev_deadline[k] = d
		ev_late[k] = field("late_ns", $0)
		ev_recheck[k] = field("recheck_ns", $0)
		ev_decided[k] = d + ev_late[k] + ev_recheck[k]
		ev_raised[k] = raised[cpu]
		ev_entered[k] = entered[cpu]
		ev_start[k] = ts
		ev_ksoftirqd[k] = task ~ /ksoftirqd/ ? 1 : 0
		pending_tx[field("discr", $0)] = k
	} else if (ev == "tx") {
		discr = field("discr", $0)
		if (discr in pending_tx) {
			ev_built[pending_tx[discr]] = ts
			delete pending_tx[discr]
		}
	}
	next
}

/^# trial [0-9]+: detected/ {
	trial = $3 + 0
	fault = field("fault_ns", $0)
	wire_deadline = field("deadline_ns", $0)
	down = field("down_ns", $0)
	for (k = 1; k <= n_ev; k++)
		if (ev_decided[k] >= fault && ev_decided[k] <= down)
			break
	if (k > n_ev || !(k in ev_built))
		next
	armed = ev_recheck[k] > 0 ? ev_deadline[k] + ev_late[k] + recheck_us * 1000 : \
		ev_deadline[k]
	printf "trial=%d rx=%d irq=%d wait=%d queue=%d late=%d recheck=%d build=%d wire=%d ksoftirqd=%d\n",
		trial, (ev_deadline[k] - wire_deadline) / 1000,
		(ev_raised[k] - armed) / 1000, (ev_entered[k] - ev_raised[k]) / 1000,
		(ev_start[k] - ev_entered[k]) / 1000, ev_late[k] / 1000,
		ev_recheck[k] / 1000, (ev_built[k] - ev_decided[k]) / 1000,
		(down - ev_built[k]) / 1000, ev_ksoftirqd[k]
}
