#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# converge_bench.sh [-e peeredged|bird] [-n 0|1] [-t kbfd|command]
#                   [TRIALS [PREFIXES...]]:
# issue 7's convergence, a connection's BFD Down to every route of its
# peering moved (another connection is left) or removed (it was the last),
# for each table size (default: 3 trials, 1000 and 100000 prefixes) and
# each edge (default both; -e picks one). -n sets
# net.ipv4.nexthop_compat_mode in the edge's namespace (the kernel's
# default is 1: a replaced nexthop group is also announced route by route,
# every route of the table walked under RTNL). Meant for the qemu guest
# (selftests/bench/vm.bench; needs kbfd.ko, BIRD, nft); with -t command,
# for the host (selftests/bench/host.bench), which cannot load kbfd.ko.
#
# Method: two namespaces, the edge and the peer (BIRD 2), joined by two
# veth pairs, one BGP session over BFD on each: two connections of one
# voice peering. converge_fixture writes the state file (PREFIXES
# registered /24s, each activated with its key), the registry and BIRD's
# static routes; BIRD announces them all on both sessions with 8075:8007.
# The far side's BFD is kbfd (peeredge bfd add, 100 ms x 3). A fault drops
# every frame both ways on the peer's end of connection c1 (nft netdev
# ingress and egress chains), carrier up. BGP hold time 90 s (the usual;
# BFD is what detects here). Moved trials run with both sessions up;
# removed trials first disable BIRD's c2 and fault the last connection.
# Each trial waits until the edge is quiet: its log unchanged for 3 s and
# under 30% of a CPU used in the last second. Between trials
# the fault is cleared (and c2 enabled) and everything must be back
# (every route via both connections) before the next. With 20,000
# prefixes or more, peeredged gets two trials more, moved while its loop
# is busy: c1 faulted while a periodic re-validation pass runs (the edge
# over 70% of a CPU for a quarter second, every route in), and while the FIB pass
# that puts the table back after the last removed trial runs (the routes
# growing between two dumps, under half in); the routes installed by then
# must all point at the group.
#
# Edge peeredged (build/agent): the prefixes go Verified and it installs
# each as a route to the peering's nexthop group (RTA_NH_ID); its BFD is
# kbfd. Start: kbfd's Down event of c1 on the edge (its CLOCK_MONOTONIC
# stamp, from `peeredge -j bfd monitor`), not the fault: BFD's detection
# time and nft's start (most of a second under emulation) are not ours.
# End (converge_watch, CLOCK_MONOTONIC, same namespace): moved, the
# kernel's notification that the group was replaced by one of a single
# nexthop (the routes are swapped under it at that instant; a dump after
# it checks all PREFIXES routes still point at the group); removed, after
# the group's deletion notification, the end of the first dump that finds
# no route in the table (the kernel flushes the routes of a deleted
# nexthop itself; the deletion's own notification time is reported too).
#
# Edge bird, the alternative without nexthop objects: BIRD 2 with BFD
# (its own, 100 ms x 3) on both sessions and its kernel protocol exporting
# the routes with both sessions' nexthops merged (multipath), each route
# its own netlink request. Start: BIRD's log line of c1's BFD session
# going Down (microseconds, wall clock, turned into CLOCK_MONOTONIC).
# End: the kernel's notification of the last of PREFIXES routes replaced
# by one via c2 (moved) or deleted (removed), then checked by a dump.
#
# -t command (peeredged only): no BFD runs. The edge's neighbors still say
# bfd on (peeredged then runs BGP without it), and the Down of c1 is the
# request `peeredge neighbor bfd c1 down` on the control socket: as on
# kbfd's Down event, the edge takes the connection down first (the
# session's BFD flag), then the BGP session ceases, in the same turn of
# its loop. Its CLOCK_MONOTONIC stamp, taken just before the request is
# sent, is the start. The trial ends with `neighbor bfd c1 up`.
#
# Also reported: how long the table took to load, and the BGP sessions
# lost to a hold timer meanwhile (must be 0: the event loop stays free).
#
# EDGE_PRELOAD=build/selftests/bench/alloc_trace.so runs peeredged under
# the allocation tracer (see alloc_trace.c; ALLOC_TRACE_OUT names its
# report): for finding where a slow trial's time went, not for the table.
. "$(dirname "$0")/../lib/lib.sh"
require_root
require_cmd ip nft bird birdc python3
BIN=$TOP/build/selftests/bench
PEEREDGED=${PEEREDGED:-$TOP/build/agent/peeredged}
PEEREDGE=${PEEREDGE:-$TOP/build/agent/peeredge}
edges=(peeredged bird)
NH_COMPAT=
TRIGGER=kbfd
while [[ ${1:-} =~ ^-[ent]$ ]]; do
	if [ "$1" = -e ]; then
		[[ ${2:-} =~ ^(peeredged|bird)$ ]] ||
			{ echo "converge_bench.sh: -e takes peeredged or bird" >&2; exit 2; }
		edges=("$2")
	elif [ "$1" = -t ]; then
		[[ ${2:-} =~ ^(kbfd|command)$ ]] ||
			{ echo "converge_bench.sh: -t takes kbfd or command" >&2; exit 2; }
		TRIGGER=$2
	else
		[[ ${2:-} =~ ^[01]$ ]] ||
			{ echo "converge_bench.sh: -n takes 0 or 1" >&2; exit 2; }
		NH_COMPAT=$2
	fi
	shift 2
done
if [ "$TRIGGER" = command ]; then
	[ "${edges[*]}" != bird ] ||
		{ echo "converge_bench.sh: -t command is for the peeredged edge" >&2; exit 2; }
	edges=(peeredged)
fi
trials=${1:-3}
shift || true
sizes=("$@")
((${#sizes[@]})) || sizes=(1000 100000)
for v in "$trials" "${sizes[@]}"; do
	[[ $v =~ ^[0-9]+$ ]] && ((v >= 1)) ||
		{ echo "converge_bench.sh: TRIALS and PREFIXES must be positive integers" >&2; exit 2; }
done
for b in "$BIN/converge_watch" "$BIN/converge_fixture" "$PEEREDGED" "$PEEREDGE"; do
	[ -x "$b" ] || skip_all "$b is not built (make; make -C selftests/bench)"
done
if [ "$TRIGGER" = kbfd ]; then
	[ -f "$KBFD_KO" ] || skip_all "kmod/kbfd.ko is not built (make kmod)"
	kbfd_load || skip_all "kbfd.ko does not load"
fi
# Two runs at once would share CPU 0 (below) and spoil each other's figures.
LOCK=${TMPDIR:-/tmp}/peeredge-converge-bench.lock
exec 9>"$LOCK"
flock -n 9 || skip_all "$LOCK is held: another converge_bench.sh, or an edge one left running, would share CPU 0"

. "$(dirname "$0")/converge_lib.sh"

fault_on() {
	ip netns exec "$P" nft -f - <<EOF
table netdev fault {
	chain in { type filter hook ingress device "vb1" priority -500; policy drop; }
	chain out { type filter hook egress device "vb1" priority -500; policy drop; }
}
EOF
}
fault_off() { ip netns exec "$P" nft delete table netdev fault; }
# command_bfd up|down: -t command's BFD event of c1, a request on the
# edge's control socket; prints its CLOCK_MONOTONIC stamp, taken just
# before it is sent.
command_bfd() {
	python3 - "$W/pe.sock" "$1" <<'EOF'
import socket, struct, sys, time
words = b"".join(w.encode() + b"\0" for w in ("neighbor", "bfd", "c1", sys.argv[2]))
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
t = time.clock_gettime_ns(time.CLOCK_MONOTONIC)
s.sendall(struct.pack("!I", len(words)) + words)
status, _ = struct.unpack("!II", s.recv(8, socket.MSG_WAITALL))
if status:
    sys.exit("neighbor bfd c1 %s: status %d" % (sys.argv[2], status))
print(t)
EOF
}
# down_ns AFTER_NS: the CLOCK_MONOTONIC stamp of the edge's first BFD Down
# of c1 after AFTER_NS: kbfd's event, or BIRD's log line (wall clock, in
# microseconds, moved onto the monotonic clock by their offset now).
down_ns() {
	python3 - "$edge" "$W" "$1" <<'EOF'
import datetime, json, sys, time
edge, w, after = sys.argv[1], sys.argv[2], int(sys.argv[3])
if edge == "peeredged":
    for line in open(w + "/bfd-events"):
        try:
            e = json.loads(line)
        except ValueError:
            continue
        if e.get("peer") == "10.30.1.2" and e.get("state") == "Down" and \
                e.get("timestamp_ns", 0) > after:
            print(e["timestamp_ns"]); break
else:
    offset = time.clock_gettime_ns(time.CLOCK_REALTIME) - \
        time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    for line in open(w + "/edge-bird.log"):
        if "Session to 10.30.1.2 changed state from Up to Down" not in line:
            continue
        wall = datetime.datetime.strptime(line[:26], "%Y-%m-%d %H:%M:%S.%f")
        ns = int(wall.timestamp()) * 10**9 + wall.microsecond * 1000 - offset
        if ns > after:
            print(ns); break
EOF
}
edge_log() { [ "$edge" = peeredged ] && echo "$W/peeredged.log" || echo "$W/edge-bird.log"; }
edge_pid() { [ "$edge" = peeredged ] && echo "$PID" || cat "$W/edge.pid"; }
# The edge on CPU 0, the watcher on CPU 1: on one CPU the watcher's read
# of the kernel's notification waited for the end of the edge's own
# request (the kernel here does not preempt it), which for a deleted
# group includes unlinking every route.
on_watch_cpu=
if (($(nproc) >= 2)); then
	on_watch_cpu="taskset -c 1"
fi
pin_edge() {
	[ -n "$on_watch_cpu" ] || return 0
	[ "$edge" = peeredged ] || wait_for 10 test -s "$W/edge.pid"
	taskset -apc 0 "$(edge_pid)" >/dev/null
}
# cpu_percent PID [SECONDS]: the share of a CPU the process used over the
# next SECONDS (default 1).
cpu_percent() {
	local before window=${2:-1}
	before=$(awk '{ print $14 + $15 }' "/proc/$1/stat")
	sleep "$window"
	awk -v b="$before" -v hz="$(getconf CLK_TCK)" -v w="$window" \
		'{ print int(($14 + $15 - b) * 100 / hz / w) }' "/proc/$1/stat"
}
# quiet: the edge's log unchanged for 3 s, and under 30% of a CPU used in
# the last of them, so a trial starts with its event loop idle. A sliced
# pass logs only at its end and runs its slices back to back (near 100%):
# at 100,000 prefixes a re-validation pass lasts half a minute in the
# guest. The short passes of a small table stay under it.
quiet() {
	local size busy
	size=$(stat -c %s "$(edge_log)")
	sleep 2
	busy=$(cpu_percent "$(edge_pid)")
	[ "$(stat -c %s "$(edge_log)")" = "$size" ] && ((busy < 30))
}
# between_passes: peeredged's periodic re-validation pass ended under
# 200 ms ago. On the host at 100,000 prefixes a pass of about 350 ms runs
# every 1.4 s, so its log is never still for 3 s: a trial starts right
# after one instead.
between_passes() {
	local log=$W/peeredged.log
	[ "$edge" = peeredged ] && tail -n 1 "$log" | grep -q '^re-validation in .* took' &&
		(($(python3 -c 'import os, sys, time
print(int((time.time() - os.stat(sys.argv[1]).st_mtime) * 1000))' "$log") < 200))
}
# edge_ready N PATHS: N routes in the FIB, each over PATHS connections
# (and for peeredged, those connections Active).
edge_ready() {
	local n=$1 m=$2 c
	if [ "$edge" = peeredged ]; then
		c=(c1 c2)
		ready "$n" "$m" "${c[@]:0:m}"
	else
		((m == 1)) && c="single=$n multi=0" || c="single=0 multi=$n"
		[ "$(ip netns exec "$E" "$BIN/converge_watch" paths $TABLE)" = "routes=$n $c" ]
	fi
}
# watch_fib moved|removed N: converge_watch for the edge's kind of FIB.
watch_fib() {
	case $edge-$1 in
	peeredged-moved | peeredged-revalidating) set -- moved $TABLE $GROUP "$2" ;;
	peeredged-busy) set -- moved $TABLE $GROUP 0 ;;
	peeredged-removed) set -- removed $TABLE $GROUP ;;
	bird-moved) set -- moved-per-route $TABLE "$2" 10.30.2.2 ;;
	bird-removed) set -- removed-per-route $TABLE "$2" ;;
	esac
	$on_watch_cpu ip netns exec "$E" "$BIN/converge_watch" "$@" 60000
}
fib_routes() {
	ip netns exec "$E" "$BIN/converge_watch" count $TABLE $GROUP |
		sed -n 's/^routes=\([0-9]*\) .*/\1/p'
}
# installing N: a FIB pass is putting the table back over the group of
# both connections (the routes grow between two dumps, not yet half in).
installing() {
	local before after
	[ "$(group_size)" = 2 ] || return 1
	before=$(fib_routes)
	sleep 0.2
	after=$(fib_routes)
	((after > before && after < $1 / 2))
}
# revalidating N: every route over both connections, and the edge over
# 70% of a CPU in the last quarter second: a re-validation pass is running
# (on the host one lasts about 300 ms, and a second-long window missed
# them for 400 s).
revalidating() {
	edge_ready "$1" 2 && (($(cpu_percent "$PID" 0.25) > 70))
}
# trial moved|removed|revalidating|busy N: one fault of c1; prints the ms
# from its BFD Down to the FIB, and for peeredged's removed also to the
# group's deletion notification. revalidating and busy (peeredged):
# moved, while a re-validation pass runs, or the FIB pass that puts the
# table back after a removed trial, instead of with the edge's loop idle.
trial() {
	local mode=$1 n=$2 ready_ns end_ns deleted_ns down line
	if [ "$mode" = busy ]; then
		wait_for $((120 + n / 200)) installing "$n" ||
			{ diag >&2 "busy: no FIB pass caught"; return 1; }
	elif [ "$mode" = revalidating ]; then
		wait_for 400 revalidating "$n" ||
			{ diag >&2 "revalidating: no re-validation pass caught"; return 1; }
	else
		wait_for 20 quiet || wait_for 300 between_passes ||
			diag >&2 "$mode: the edge did not go quiet"
	fi
	coproc W1 { watch_fib "$mode" "$n"; }
	read -r _ ready_ns <&"${W1[0]}"
	if [ "$TRIGGER" = command ]; then
		down=$(command_bfd down)
	else
		fault_on
	fi
	read -r line <&"${W1[0]}"
	wait "$W1_PID" || { diag >&2 "$mode: $line"; trial_end; return 1; }
	end_ns=$(sed -n 's/.*\(moved\|removed\)_ns=\([0-9]*\).*/\2/p' <<<"$line")
	deleted_ns=$(sed -n 's/.*deleted_ns=\([0-9]*\).*/\1/p' <<<"$line")
	[ "$TRIGGER" = command ] ||
		down=$(wait_for 10 test -n "$(down_ns "$ready_ns")" && down_ns "$ready_ns")
	trial_end
	[ -n "$down" ] && [ -n "$end_ns" ] || { diag >&2 "$mode: no BFD Down event"; return 1; }
	python3 -c "print('%.1f' % (($end_ns - $down) / 1e6))"
	[ -z "$deleted_ns" ] || python3 -c "print('%.1f' % (($deleted_ns - $down) / 1e6))"
}
# The end of a trial: c1's fault cleared, or its BFD said up again.
trial_end() {
	if [ "$TRIGGER" = command ]; then
		command_bfd up >/dev/null
	else
		fault_off
	fi
}
# stats MS...: p50 / p99 / max (nearest rank).
stats() { printf '%s\n' "$@" | ranks %.1f 50 99 100; }

rows=()
for n in "${sizes[@]}"; do
	for edge in "${edges[@]}"; do
		if [ "$edge" = peeredged ]; then
			conv_start "$n" on 90
		else
			conv_start_bird "$n" on 90
		fi
		pin_edge
		check "$edge, $n prefixes: every route over both connections" \
			wait_for $((120 + n / 200)) edge_ready "$n" 2
		load_s=$(python3 -c "print('%.1f' % ($EPOCHREALTIME - $t0))")
		moved=() removed=() deleted=() busy=() revalidating=()
		for ((t = 0; t < trials; t++)); do
			ms=$(trial moved "$n") && moved+=("$ms")
			check "$edge, $n: moved trial $((t + 1)): ${ms:-failed} ms" test -n "$ms"
			check "$edge, $n: ... back" wait_for $((120 + n / 200)) edge_ready "$n" 2
		done
		# c1's return asks for a pass over every target: at 20,000 and
		# more, long enough to fault c1 again during it.
		if [ "$edge" = peeredged ] && ((n >= 20000)); then
			ms=$(trial revalidating "$n") && revalidating+=("$ms")
			check "$edge, $n: moved during a re-validation pass: ${ms:-failed} ms" \
				test -n "$ms"
			check "$edge, $n: ... back" wait_for $((120 + n / 200)) edge_ready "$n" 2
		fi
		# A prefix Failed once needs two sessions again (the primary
		# location's rule): c2 comes back between removed trials.
		for ((t = 0; t < trials; t++)); do
			birdc -s "$W/bird.ctl" disable c2 >/dev/null
			check "$edge, $n: c2 disabled, every route over c1 alone" \
				wait_for 60 edge_ready "$n" 1
			ms=$(trial removed "$n") &&
				{ removed+=("${ms%$'\n'*}"); [ "$edge" = bird ] || deleted+=("${ms#*$'\n'}"); }
			check "$edge, $n: removed trial $((t + 1)): ${ms//$'\n'/ ms, group deleted after } ms" \
				test -n "$ms"
			birdc -s "$W/bird.ctl" enable c2 >/dev/null
			# The table comes back by a FIB pass of n / 192 slices: at
			# 20,000 and more, one is long enough to fault c1 during it.
			# (Not on the host, -t command: the pass is over before two
			# dumps 0.2 s apart can catch it.)
			if [ "$edge" = peeredged ] && [ "$TRIGGER" = kbfd ] &&
			   ((t == trials - 1 && n >= 20000)); then
				ms=$(trial busy "$n") && busy+=("$ms")
				check "$edge, $n: moved during a FIB pass: ${ms:-failed} ms" test -n "$ms"
			fi
			check "$edge, $n: ... back" wait_for $((120 + n / 200)) edge_ready "$n" 2
		done
		lost=$(hold_expiries "$(edge_log)")
		check "$edge, $n: no BGP session lost to a hold timer ($lost)" test "$lost" = 0
		[ "$edge" = bird ] ||
			grep -E "took [0-9]+ ms" "$W/peeredged.log" | sed "s/^/# $n: /" | tail -n 20
		rows+=("| $edge | $n | $(stats "${moved[@]}") | $(stats "${revalidating[@]}") | $(stats "${busy[@]}") | $(stats "${deleted[@]}") | $(stats "${removed[@]}") | $load_s | $lost |")
		conv_stop
	done
done

echo "# uptime: $(uptime)"
echo "# net.ipv4.nexthop_compat_mode in the edge's namespace: ${NH_COMPAT:-$(cat /proc/sys/net/ipv4/nexthop_compat_mode) (not set)}"
echo "# BFD Down ($TRIGGER) -> FIB, ms (p50 / p99 / max of $trials trials; nearest rank)"
echo "| edge | prefixes | moved p50 / p99 / max | moved during a re-validation pass | moved during a FIB pass | group deleted p50 / p99 / max | routes removed p50 / p99 / max | table load s | hold timer expiries |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
done_testing
