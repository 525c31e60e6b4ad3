#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bfd_bench.sh [TRIALS]: BFD failure detection, kbfd against FRR bfdd and
# BIRD, in one run on one machine (meant for the qemu guest:
# selftests/vm/run selftests/bench/vm.bench; FRR and BIRD also run on the
# host, kbfd is skipped there).
#
# Method: two namespaces joined by a veth pair, the same implementation on
# both ends, one single-hop IPv4 session. bfd_detect injects a silent fault
# (XDP drop of everything arriving on the measured end) at a random moment
# and times it to the first control packet that end sends with State Down,
# TRIALS times. Then, without a fault, it counts how often the session
# leaves Up in 10 s while two userspace busy loops hog both CPUs. "Up"
# means Up without a break for 30 detection intervals (at least 50 ms).
# Under qemu's software emulation, timers fire milliseconds late: the
# smallest intervals flap there whatever the implementation, which the
# false-Down column shows; a fault is only injected after a pause with
# the session Up at its fast timers throughout (a pause with a flap in it
# starts again: "pauses restarted"). "kbfd, no recheck" rows load kbfd.ko with
# detect_recheck_us=0 (Down at the detection timer's first expiry), to tell
# what the recheck costs from what the host's load does, in the same run.
#
# The same packet socket gives, for all three alike, the time beyond what
# the protocol asks: the Down packet minus (the peer's last packet that got
# through + the detection time the packets negotiated), "after deadline".
# For kbfd that time is cut further at kbfd's own marks (kbfd_split.awk):
# its tracepoints kbfd:detect_timeout (deadline, how late the detection
# timer found it passed, the recheck) and kbfd:tx, and the HRTIMER softirq
# being raised and run (irq:softirq_raise / softirq_entry), all on
# trace_clock "mono" like bfd_detect's CLOCK_MONOTONIC times.
. "$(dirname "$0")/../lib/lib.sh"
require_root
require_cmd bpftool

B=$TOP/build/selftests/bench
trials=${1:-20}
work=$(mktemp -d)
chmod 755 "$work"	# bfdd runs as frr
trap 'stop_all; netns_cleanup; rm -rf "$work"' EXIT
[ -x "$B/bfd_detect" ] || skip_all "build/selftests/bench/bfd_detect is not built (make selftests)"

pair() {
	stop_all
	netns_cleanup
	netns_add bm && netns_add br || return 1
	ip link add vm netns bm type veth peer name vr netns br
	ip -n bm addr add 10.77.0.1/24 dev vm
	ip -n br addr add 10.77.0.2/24 dev vr
	ip -n bm link set vm up
	ip -n br link set vr up
}

stop_all() {
	local f
	for f in "$work"/*/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
	rm -f "$work"/*/*.pid
	lsmod 2>/dev/null | grep -q '^kbfd ' && rmmod kbfd
	sleep 0.2
}

# side_conf NS: "my-address peer-address"
addrs() { [ "$1" = bm ] && echo "10.77.0.1 10.77.0.2" || echo "10.77.0.2 10.77.0.1"; }

start_frr() { # INTERVAL_MS
	local ns me peer
	for ns in bm br; do
		read -r me peer <<<"$(addrs $ns)"
		mkdir -p "$work/$ns"
		printf 'bfd\n peer %s local-address %s\n  receive-interval %s\n  transmit-interval %s\n  detect-multiplier 3\n !\n!\n' \
			"$peer" "$me" "$1" "$1" >"$work/$ns/bfdd.conf"
		chown -R frr:frr "$work/$ns"
		ip netns exec $ns /usr/lib/frr/bfdd -d -u frr -g frr -A 127.0.0.1 \
			-f "$work/$ns/bfdd.conf" -i "$work/$ns/bfdd.pid" -z "$work/$ns/zserv" \
			--vty_socket "$work/$ns" --bfdctl "$work/$ns/bfdd.sock" \
			--log "file:$work/$ns/bfdd.log" || return 1
	done
}

start_bird() { # INTERVAL (BIRD syntax, e.g. "1 ms")
	local ns me peer
	for ns in bm br; do
		read -r me peer <<<"$(addrs $ns)"
		mkdir -p "$work/$ns"
		printf 'router id %s;\nprotocol device {}\nprotocol bfd {\n interface "v*" { min rx interval %s; min tx interval %s; multiplier 3; };\n neighbor %s;\n}\n' \
			"$me" "$1" "$1" "$peer" >"$work/$ns/bird.conf"
		ip netns exec $ns bird -c "$work/$ns/bird.conf" -s "$work/$ns/bird.ctl" \
			-P "$work/$ns/bird.pid" || return 1
	done
}

start_kbfd() { # INTERVAL_US [MODULE-PARAMETER...]
	local ivl=$1 ns me peer
	shift
	kbfd_load "$@" || return 1
	for ns in bm br; do
		read -r me peer <<<"$(addrs $ns)"
		ip netns exec $ns "$TOP/build/agent/peeredge" bfd add "$peer" local "$me" \
			dev "v${ns#b}" interval "$ivl" multiplier 3 || return 1
	done
}

# Percent of the machine's CPU time busy over 2 s (/proc/stat: all but
# idle and iowait). After the trials, with the session Up and no hog: what
# the two ends' timers and packets take of the (emulated) CPUs.
cpu_busy() {
	local a b
	read -ra a </proc/stat
	sleep 2
	read -ra b </proc/stat
	awk -v a="${a[*]}" -v b="${b[*]}" 'BEGIN {
		split(a, x); split(b, y)
		for (i = 2; i <= 9; i++) { d = y[i] - x[i]; t += d; if (i == 5 || i == 6) idle += d }
		printf "%.0f%%", t ? 100 * (t - idle) / t : 0 }'
}

TR=/sys/kernel/tracing
TRACE_EVENTS="kbfd/detect_timeout kbfd/tx irq/softirq_raise irq/softirq_entry"

trace_events() { # 0|1
	local e
	for e in $TRACE_EVENTS; do echo "$1" >"$TR/events/$e/enable"; done
}

# Starts tracing kbfd's detection for kbfd_split.awk, if this kernel can;
# the trace clock and buffer size in use are put back by kbfd_trace_stop.
kbfd_trace_start() {
	[ -d "$TR/events/kbfd/detect_timeout" ] || return 1
	echo 0 >"$TR/tracing_on"
	old_clock=$(sed -n 's/.*\[\(.*\)\].*/\1/p' "$TR/trace_clock")
	old_buffer_kb=$(sed 's/ .*//' "$TR/buffer_size_kb")
	echo mono >"$TR/trace_clock"
	# About 30 s of two 100 us sessions' HRTIMER softirqs, without overwriting.
	echo 32768 >"$TR/buffer_size_kb"
	echo >"$TR/trace"
	echo 'state != 3' >"$TR/events/kbfd/tx/filter"
	echo 'vec == 8' >"$TR/events/irq/softirq_raise/filter"
	echo 'vec == 8' >"$TR/events/irq/softirq_entry/filter"
	trace_events 1
	echo 1 >"$TR/tracing_on"
}

kbfd_trace_stop() { # OUTFILE
	echo 0 >"$TR/tracing_on"
	trace_events 0
	cat "$TR/trace" >"$1"
	echo >"$TR/trace"
	echo "$old_buffer_kb" >"$TR/buffer_size_kb"
	echo "$old_clock" >"$TR/trace_clock"
}

rows=()
split_rows=()
# kbfd_split LABEL INTERVAL DETECT-OUTPUT TRACE-FILE
kbfd_split() {
	local recheck lines k cols=() overwritten
	recheck=$(cat /sys/module/kbfd/parameters/detect_recheck_us)
	lines=$(awk -v recheck_us="$recheck" -f "$TOP/selftests/bench/kbfd_split.awk" "$4" - <<<"$3")
	printf '%s\n' "$lines" | sed 's/^/# kbfd split: /'
	overwritten=$(grep -c 'LOST.*EVENTS' "$4")
	for k in rx irq wait queue late recheck build wire; do
		cols+=("$(sed -n "s/.* $k=\(-\{0,1\}[0-9]*\).*/\1/p" <<<"$lines" | ranks %d 50 99)")
	done
	split_rows+=("$(printf '| %-16s | %-12s | %3s | %s | %s | %s | %s | %s | %s | %s | %s | %s |' "$1" "$2" \
		"$(grep -c '^trial=' <<<"$lines")" "${cols[@]}" "$(grep -c 'ksoftirqd=1' <<<"$lines")")")
	[ "$overwritten" = 0 ] || diag "$1 $2: the trace lost events"
}

measure() { # LABEL INTERVAL-TEXT INTERVAL-US START-COMMAND...
	local label=$1 ivl=$2 settle=$(( $3 * 30 / 1000 < 50 ? 50 : $3 * 30 / 1000 )) out hog summary watch p busy
	local traced=
	shift 3
	if ! pair || ! "$@"; then
		tap_not_ok "$label $ivl: could not start it"
		stop_all
		return
	fi
	[[ $label == kbfd* ]] && kbfd_trace_start && traced=1
	out=$(ip netns exec bm "$B/bfd_detect" detect vm "$trials" 5000 "$settle" 2>&1)
	printf '%s\n' "$out" | sed 's/^/# /'
	summary=$(tail -n1 <<<"$out")
	if [ "$traced" ]; then
		kbfd_trace_stop "$work/trace"
		kbfd_split "$label" "$ivl x 3" "$out" "$work/trace"
	fi
	busy=$(cpu_busy)
	hog=()
	for p in 1 2; do timeout 12 sh -c 'while :; do :; done' & hog+=($!); done
	watch=$(ip netns exec bm "$B/bfd_detect" watch vm 10 "$settle" 2>&1 | tail -n1)
	wait "${hog[@]}" 2>/dev/null
	stop_all
	if [[ $summary != n=* ]]; then
		tap_not_ok "$label $ivl: $summary"
		return
	fi
	# A watch that could not run (the session never came up) leaves "?".
	local n missed p50_us p99_us min_us max_us downs='?' packets
	local after_p50_us after_p99_us after_min_us after_max_us detect_time_us leaked sock_drops unsteady
	eval "$summary"
	[[ $watch == downs=* ]] && eval "$watch"
	rows+=("$(printf '| %-16s | %-12s | %3s | %6s | %9s | %9s | %9s | %9s | %7s | %4s | %7s | %9s | %9s | %6s | %6s | %6s |' \
		"$label" "$ivl x 3" "$n" "$missed" "$p50_us" "$p99_us" "$min_us" "$max_us" "$downs" "$busy" \
		"$detect_time_us" "$after_p50_us" "$after_p99_us" "$leaked" "$sock_drops" "$unsteady")")
	tap_ok "$label $ivl: p50 ${p50_us} us, p99 ${p99_us} us, $after_p50_us us after the deadline at p50, $downs false Downs under load"
}

if [ -f "$KBFD_KO" ] && [ -x "$TOP/build/agent/peeredge" ] && modinfo "$KBFD_KO" >/dev/null 2>&1 &&
	[ "$(modinfo -F vermagic "$KBFD_KO" | cut -d' ' -f1)" = "$(uname -r)" ]; then
	measure kbfd "10 ms" 10000 start_kbfd 10000
	# Each pair back to back, so that both see the same host load.
	measure kbfd "1 ms" 1000 start_kbfd 1000
	measure "kbfd, no recheck" "1 ms" 1000 start_kbfd 1000 detect_recheck_us=0
	measure kbfd "300 us" 300 start_kbfd 300
	measure "kbfd, no recheck" "300 us" 300 start_kbfd 300 detect_recheck_us=0
	measure kbfd "100 us" 100 start_kbfd 100
	measure "kbfd, no recheck" "100 us" 100 start_kbfd 100 detect_recheck_us=0
else
	tap_skip "kbfd" "kbfd.ko does not load on this kernel (run in the guest)"
fi
if [ -x /usr/lib/frr/bfdd ]; then
	measure "FRR bfdd" "10 ms" 10000 start_frr 10
else
	tap_skip "FRR bfdd" "FRR is not installed"
fi
if command -v bird >/dev/null; then
	measure "BIRD" "1 ms" 1000 start_bird "1 ms"
	measure "BIRD" "10 ms" 10000 start_bird "10 ms"
else
	tap_skip "BIRD" "BIRD 2 is not installed"
fi

echo "# BFD detection time, silent fault to the first Down packet on the wire (us);"
echo "# detection time negotiated on the wire, Down packet after the deadline (last heard + detection time, us)"
echo "# | impl             | interval     |   n | missed |       p50 |       p99 |       min |       max | false Downs (10 s, 2 CPU hogs) | CPU busy, Up, no hog | detection time | after deadline p50 | p99 | peer packets leaked through the fault | socket drops | pauses restarted (flaps) |"
printf '# %s\n' "${rows[@]}"
if [ ${#split_rows[@]} -gt 0 ]; then
	echo "# kbfd after the deadline, split (us, p50 / p99; kbfd_split.awk says what each is)"
	echo "# | impl             | interval     |   n | rx | irq | wait | queue | late | recheck | build | wire | in ksoftirqd |"
	printf '# %s\n' "${split_rows[@]}"
fi
done_testing
