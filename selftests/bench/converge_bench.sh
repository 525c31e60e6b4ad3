#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# converge_bench.sh [TRIALS [PREFIXES...]]: issue 7's convergence, a
# connection's BFD Down to every route of its peering moved (another
# connection is left) or removed (it was the last), for each table size
# (default: 3 trials, 1000 and 100000 prefixes). Meant for the qemu guest
# (selftests/bench/vm.bench; needs kbfd.ko, BIRD, nft).
#
# Method: two namespaces, the edge (peeredged, build/agent) and the peer
# (BIRD 2), joined by two veth pairs, one BGP session over BFD on each: two
# connections of one voice peering. converge_fixture writes the state file
# (PREFIXES registered /24s, each activated with its key), the registry
# and BIRD's static routes; BIRD announces them all on both sessions with
# 8075:8007, so they go Verified and peeredged installs each as a route to
# the peering's nexthop group (RTA_NH_ID). The far side's BFD is kbfd
# (peeredge bfd add, 100 ms x 3). A fault drops every frame both ways on
# the peer's end of connection c1 (nft netdev ingress and egress chains),
# carrier up. BGP hold time 90 s (the usual; BFD is what detects here).
# Start: the kbfd session Down event of c1 on the edge (its CLOCK_MONOTONIC
# stamp, from `peeredge -j bfd monitor`), not the fault: BFD's detection
# time and nft's start (most of a second under emulation) are not ours.
# End (converge_watch, CLOCK_MONOTONIC, same namespace): moved, the kernel's
# notification that the group was replaced by one of a single nexthop (the
# routes are swapped under it at that instant; a dump after it checks all
# PREFIXES routes still point at the group); removed, after the group's
# deletion notification, the end of the first dump that finds no route in
# the table (the kernel flushes the routes of a deleted nexthop itself;
# the deletion's own notification time is reported too). Moved trials run
# with both sessions up; removed trials first
# disable BIRD's c2 and fault the last connection. Each trial waits until
# the daemon's log is quiet for 3 s. Between trials the fault
# is cleared (and c2 enabled) and everything must be back (connections
# Active, every route via the group) before the next.
# Also reported: how long the table took to load, and the BGP sessions
# lost to a hold timer meanwhile (must be 0: the event loop stays free).
. "$(dirname "$0")/../lib/lib.sh"
require_root
require_cmd ip nft bird birdc python3
BIN=$TOP/build/selftests/bench
PEEREDGED=${PEEREDGED:-$TOP/build/agent/peeredged}
PEEREDGE=${PEEREDGE:-$TOP/build/agent/peeredge}
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
[ -f "$KBFD_KO" ] || skip_all "kmod/kbfd.ko is not built (make kmod)"
kbfd_load || skip_all "kbfd.ko does not load"

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
# down_ns AFTER_NS: the stamp of the first kbfd Down event of c1 after AFTER_NS.
down_ns() {
	python3 - "$W/bfd-events" "$1" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if e.get("peer") == "10.30.1.2" and e.get("state") == "Down" and \
            e.get("timestamp_ns", 0) > int(sys.argv[2]):
        print(e["timestamp_ns"]); break
EOF
}
# quiet: the daemon's log unchanged for 3 s, so a trial starts with the
# event loop idle (a whole-table job in progress delays the BFD event).
quiet() {
	local size
	size=$(stat -c %s "$W/peeredged.log")
	sleep 3
	[ "$(stat -c %s "$W/peeredged.log")" = "$size" ]
}
# trial moved|removed N: one fault of c1; prints the ms from its BFD Down to
# the FIB, and for removed also to the group's deletion notification.
trial() {
	local mode=$1 n=$2 ready_ns end_ns deleted_ns down line
	wait_for 300 quiet || diag "$mode: the daemon did not go quiet"
	if [ "$mode" = moved ]; then
		coproc W1 { ip netns exec "$E" "$BIN/converge_watch" moved $TABLE $GROUP "$n" 60000; }
	else
		coproc W1 { ip netns exec "$E" "$BIN/converge_watch" removed $TABLE $GROUP 60000; }
	fi
	read -r _ ready_ns <&"${W1[0]}"
	fault_on
	read -r line <&"${W1[0]}"
	wait "$W1_PID" || { diag "$mode: $line"; fault_off; return 1; }
	end_ns=$(sed -n 's/.*\(moved\|removed\)_ns=\([0-9]*\).*/\2/p' <<<"$line")
	deleted_ns=$(sed -n 's/.*deleted_ns=\([0-9]*\).*/\1/p' <<<"$line")
	down=$(wait_for 10 test -n "$(down_ns "$ready_ns")" && down_ns "$ready_ns")
	fault_off
	[ -n "$down" ] && [ -n "$end_ns" ] || { diag "$mode: no BFD Down event"; return 1; }
	python3 -c "print('%.1f' % (($end_ns - $down) / 1e6))"
	[ -z "$deleted_ns" ] || python3 -c "print('%.1f' % (($deleted_ns - $down) / 1e6))"
}
# stats MS...: p50 / p99 / max (nearest rank).
stats() {
	python3 - "$@" <<'EOF'
import math, sys
v = sorted(float(x) for x in sys.argv[1:])
if not v:
    print("- / - / -"); sys.exit()
rank = lambda p: v[max(0, math.ceil(p * len(v) / 100) - 1)]
print("%.1f / %.1f / %.1f" % (rank(50), rank(99), v[-1]))
EOF
}

rows=()
for n in "${sizes[@]}"; do
	conv_start "$n" on 90
	check "$n prefixes: both connections Active, every route via the group of 2" \
		wait_for $((120 + n / 200)) ready "$n" 2 c1 c2
	load_s=$(python3 -c "print('%.1f' % ($EPOCHREALTIME - $t0))")
	moved=() removed=() deleted=()
	for ((t = 0; t < trials; t++)); do
		ms=$(trial moved "$n") && moved+=("$ms")
		check "$n: moved trial $((t + 1)): ${ms:-failed} ms" test -n "$ms"
		check "$n: ... back" wait_for $((120 + n / 200)) ready "$n" 2 c1 c2
	done
	# A prefix Failed once needs two sessions again (the primary location's
	# rule): c2 comes back between removed trials.
	for ((t = 0; t < trials; t++)); do
		birdc -s "$W/bird.ctl" disable c2 >/dev/null
		check "$n: c2 disabled, the group has c1 alone" wait_for 60 ready "$n" 1 c1
		ms=$(trial removed "$n") && { removed+=("${ms%$'\n'*}"); deleted+=("${ms#*$'\n'}"); }
		check "$n: removed trial $((t + 1)): ${ms//$'\n'/ ms, group deleted after } ms" test -n "$ms"
		birdc -s "$W/bird.ctl" enable c2 >/dev/null
		check "$n: ... back" wait_for $((120 + n / 200)) ready "$n" 2 c1 c2
	done
	lost=$(hold_expiries)
	check "$n: no BGP session lost to a hold timer ($lost)" test "$lost" = 0
	grep -E "took [0-9]+ ms" "$W/peeredged.log" | sed "s/^/# $n: /" | tail -n 20
	rows+=("| $n | $(stats "${moved[@]}") | $(stats "${deleted[@]}") | $(stats "${removed[@]}") | $load_s | $lost |")
	conv_stop
done

echo "# uptime: $(uptime)"
echo "# kbfd Down -> FIB, ms (p50 / p99 / max of $trials trials; nearest rank)"
echo "| prefixes | moved p50 / p99 / max | group deleted p50 / p99 / max | routes removed p50 / p99 / max | table load s | hold timer expiries |"
echo "|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
done_testing
