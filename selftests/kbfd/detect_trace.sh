#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kbfd:detect_timeout tells the truth. A 50 ms x 3 session is cut (nft,
# both ways, between two trace_marker writes on trace_clock "mono", which is
# CLOCK_MONOTONIC like the tracepoint's fields), once with the default
# recheck and once with detect_recheck_us=0. Each time exactly one event
# comes for the session and:
#   - its deadline is the last packet heard + 150 ms: no later than the cut
#     + 150 ms, no earlier than the cut + 150 ms - one 50 ms TX interval
#     (and 50 ms of slack for the emulated guest);
#   - deadline + late_ns + recheck_ns is the decision: exactly the
#     KBFD_A_TIMESTAMP_NS of the Down event it caused (from Up or Init,
#     diag 1: detection time expired), and not after the tracepoint's own
#     timestamp;
#   - late_ns >= 0 (an hrtimer never fires early); recheck_ns >= the recheck
#     delay with it, 0 without.
. "$(dirname "$0")/lib.sh"

kbfd_require
require_cmd nft
TR=/sys/kernel/tracing
[ -d "$TR/events/kbfd/detect_timeout" ] || skip_all "no tracefs or no kbfd:detect_timeout"
veth_pair || skip_all "cannot build the veth topology"

W=$(mktemp -d)
old_clock=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$TR/trace_clock")
trap 'kill "$monpid" 2>/dev/null; echo 0 >"$TR/events/kbfd/detect_timeout/enable";
	echo "$old_clock" >"$TR/trace_clock"; echo 10 >/sys/module/kbfd/parameters/detect_recheck_us;
	rm -rf "$W"; netns_cleanup' EXIT

A=(peer 10.0.0.2 local 10.0.0.1)
B=(peer 10.0.0.1 local 10.0.0.2)
T="tx 50000 rx 50000 mult 3"
DETECT_NS=150000000
TX_NS=50000000
SLACK_NS=50000000

ip netns exec "$NS1" "$KBFDCTL" monitor 300 >"$W/mon" &
monpid=$!
wait_for 5 grep -q monitoring "$W/mon"
check "session added in A" kctl "$NS1" add "${A[@]}" $T
check "session added in B" kctl "$NS2" add "${B[@]}" $T
up() { state_is "$NS1" up "${A[@]}" && state_is "$NS2" up "${B[@]}"; }
check "sessions come Up" wait_for 20 up
discr=$(kfield "$NS1" discr "${A[@]}")

echo mono >"$TR/trace_clock"
echo 1 >"$TR/events/kbfd/detect_timeout/enable"
echo 1 >"$TR/tracing_on"

# ns of a trace line's timestamp (us resolution).
trace_ns() { sed -n "s/.* \([0-9]*\)\.\([0-9]\{6\}\): $1.*/\1\2000/p" "$W/trace"; }
# A field of the session's detect_timeout lines.
tp_field() { sed -n "s/.*detect_timeout: discr=$discr .*$1=\(-\{0,1\}[0-9]*\).*/\1/p" "$W/trace"; }

# The monitor's lines since the cut (after line $seen).
events_since_cut() { tail -n +$((seen + 1)) "$W/mon"; }

# The session's Down event for an expired detection time (from Up, or from
# Init had a neighbour's Down moved it there first) since the cut.
down_event() {
	events_since_cut |
		grep -E "old_state (up|init) state down .* discr $discr " |
		grep " diag 1 "
}

# One cut of the path and its repair: went_down, came_up (0 or 1), ev_ts
# (the Down event's stamp) and the trace of the cut in $W/trace.
cut_and_restore() {
	seen=$(wc -l <"$W/mon")
	echo >"$TR/trace"
	echo cut-before >"$TR/trace_marker"
	bfd_block "$NS1"
	echo cut-after >"$TR/trace_marker"
	went_down=0
	wait_for 10 state_is "$NS1" down "${A[@]}" && went_down=1
	cat "$TR/trace" >"$W/trace"
	wait_for 5 down_event
	ev_ts=$(down_event | sed -n 's/.* ts \([0-9]*\).*/\1/p')
	bfd_unblock "$NS1"
	came_up=0
	wait_for 20 up && came_up=1
}

# The session's timer fired more than a detection time late: the guest did
# not run for that long (TCG on a busy host), so its packets stopped
# before the cut, and the cut does not show what it is meant to.
stalled() {
	local late
	for late in $(tp_field late_ns); do
		((late > DETECT_NS)) && return 0
	done
	return 1
}

cut_once() { # RECHECK_US
	local recheck_us=$1 before after n deadline late recheck decided tp_ns ev_ts
	local seen went_down came_up
	echo "$recheck_us" >/sys/module/kbfd/parameters/detect_recheck_us
	cut_and_restore
	n=$(grep -c "detect_timeout: discr=$discr " "$W/trace")
	if [ "$n" != 1 ] && stalled; then
		diag "recheck $recheck_us us: a timer fired $(tp_field late_ns | sort -n | tail -n 1) ns late, the guest stalled: cut again"
		grep -E 'tracing_mark|detect_timeout' "$W/trace" | sed 's/^/# trace: /'
		cut_and_restore
	fi
	check "recheck $recheck_us us: cut path, A goes Down" test "$went_down" = 1
	check "recheck $recheck_us us: path restored, Up again" test "$came_up" = 1

	before=$(trace_ns 'tracing_mark_write: cut-before')
	after=$(trace_ns 'tracing_mark_write: cut-after')
	n=$(grep -c "detect_timeout: discr=$discr " "$W/trace")
	check "recheck $recheck_us us: one detect_timeout for the session" test "$n" = 1
	if [ "$n" != 1 ]; then
		grep -E 'tracing_mark|detect_timeout' "$W/trace" | sed 's/^/# trace: /'
		return
	fi
	deadline=$(tp_field deadline)
	late=$(tp_field late_ns)
	recheck=$(tp_field recheck_ns)
	decided=$((deadline + late + recheck))
	tp_ns=$(trace_ns "detect_timeout: discr=$discr ")
	check "recheck $recheck_us us: deadline no later than the cut + detection time" \
		test "$deadline" -le $((after + DETECT_NS))
	check "recheck $recheck_us us: deadline no earlier than the cut + detection time - TX interval" \
		test "$deadline" -ge $((before + DETECT_NS - TX_NS - SLACK_NS))
	check "recheck $recheck_us us: late_ns >= 0" test "$late" -ge 0
	if [ "$recheck_us" = 0 ]; then
		check "recheck off: recheck_ns is 0" test "$recheck" = 0
	else
		check "recheck $recheck_us us: recheck_ns >= $recheck_us us" \
			test "$recheck" -ge $((recheck_us * 1000))
	fi
	check "recheck $recheck_us us: decision not after the tracepoint fired" \
		test "$decided" -le $((tp_ns + 1000))
	check "recheck $recheck_us us: deadline + late + recheck = the event's timestamp" \
		test "$ev_ts" = "$decided"
	[ "$__tap_failed" = 0 ] && return
	grep -E 'tracing_mark|detect_timeout' "$W/trace" | sed 's/^/# trace: /'
	diag "decided $decided, Down event's ts '$ev_ts'; the monitor's lines since the cut:"
	events_since_cut | sed 's/^/# mon: /'
}

cut_once 10
cut_once 0
done_testing
