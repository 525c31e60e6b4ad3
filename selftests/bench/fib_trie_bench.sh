#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# fib_trie_bench.sh [ROUTES]: why one route in a commit can hold RTNL for
# long. Inserts ROUTES (default 70,000) IPv4 /24 routes through one nexthop
# object, in address order from 44.0.0.0/24 (converge_bench's layout), with
# one `ip -batch` pinned to CPU 0 in a namespace of its own, and times every
# fib_table_insert() with the function_graph tracer, and the
# synchronize_rcu() calls inside it. Twice: with net.ipv4.fib_sync_mem at
# the kernel's default (512 KiB: the trie waits for a grace period, holding
# RTNL, once that much of its freed nodes is pending) and at its maximum
# (64 MiB). Prints, for the slowest inserts of either run, how many routes
# the table held and the time of that insert in both runs, and the median.
#
# Meant for the guest (selftests/bench/vm.bench): needs root over the
# initial namespace's sysctls, and tracefs with function_graph.
. "$(dirname "$0")/../lib/lib.sh"
require_root
require_cmd ip awk taskset
routes=${1:-70000}
T=/sys/kernel/tracing
SYNC=/proc/sys/net/ipv4/fib_sync_mem
mountpoint -q $T || mount -t tracefs none $T 2>/dev/null
grep -qw function_graph $T/available_tracers 2>/dev/null ||
	skip_all "no function_graph tracer in $T"
[ -w $SYNC ] || skip_all "$SYNC is not writable here"
work=$(mktemp -d)
sync_default=$(cat $SYNC)
restore() {
	echo 0 >$T/tracing_on
	echo nop >$T/current_tracer
	echo >$T/set_ftrace_filter
	echo "$sync_default" >$SYNC
	rm -rf "$work"
	netns_cleanup
}
trap restore EXIT

awk -v n="$routes" 'BEGIN {
	for (i = 0; i < n; i++)
		printf "route add %d.%d.%d.0/24 nhid 1 proto bgp\n",
		       44 + int(i / 65536), int(i / 256) % 256, i % 256 }' >"$work/batch"

# One insert per line of $work/$1: "routes-after us-in-insert us-in-sync".
run() { # LABEL FIB_SYNC_MEM
	netns_add fibtrie || return 1
	ip -n fibtrie link add t0 type veth peer name t1 &&
		ip -n fibtrie link set t0 up && ip -n fibtrie link set t1 up &&
		ip -n fibtrie nexthop add id 1 dev t0 || return 1
	echo "$2" >$SYNC
	echo 0 >$T/tracing_on
	echo nop >$T/current_tracer
	echo 65536 >$T/buffer_size_kb
	echo "fib_table_insert synchronize_rcu" >$T/set_ftrace_filter
	echo function_graph >$T/current_tracer
	echo >$T/trace
	echo 1 >$T/tracing_on
	taskset -c 0 ip -n fibtrie -batch "$work/batch" || return 1
	echo 0 >$T/tracing_on
	# Depth 0 is fib_table_insert (a leaf "();" or "{" ... "}"); a
	# synchronize_rcu() line inside it adds to its sync time. CPU 0 only.
	awk '/^ *0\)/ {
		split($0, f, "|"); body = f[2]; lead = match(body, /[^ ]/) - 1
		us = 0
		if (match(f[1], /[0-9.]+ us/))
			us = substr(f[1], RSTART, RLENGTH - 3) + 0
		if (lead == 2 && body ~ /fib_table_insert\(\);/) {
			print ++k, us, 0; next }
		if (lead == 2 && body ~ /\{ *$/) { sync = 0; next }
		if (lead == 2 && body ~ /\}/) { print ++k, us, sync; next }
		if (lead > 2 && body ~ /synchronize_rcu/ && us > 0) sync += us
	}' $T/trace >"$work/$1"
	echo nop >$T/current_tracer
	netns_cleanup
	local got
	got=$(wc -l <"$work/$1")
	[ "$got" = "$routes" ] || { diag "$1: $got inserts traced, not $routes (trace buffer full?)"; return 1; }
}

ms() { awk -v u="$1" -v d="${2:-1}" 'BEGIN { printf "%.*f", d, u / 1000 }'; }
median() { cut -d' ' -f2 "$1" | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", v[int((NR + 1) / 2)] }'; }

diag "fib_trie_bench: $routes /24 routes, one ip -batch, kernel $(uname -r)"
run default "$sync_default" || { tap_not_ok "run with fib_sync_mem $sync_default"; done_testing; }
tap_ok "$routes inserts traced with fib_sync_mem $sync_default"
run max 67108864 || { tap_not_ok "run with fib_sync_mem 64 MiB"; done_testing; }
tap_ok "$routes inserts traced with fib_sync_mem 64 MiB"

# The 12 slowest inserts of either run, by the routes the table then held.
slow=$( (sort -k2 -n -r "$work/default" | head -12; sort -k2 -n -r "$work/max" | head -12) |
	cut -d' ' -f1 | sort -n -u)
echo
echo "## fib_table_insert() of one /24 route, by routes in the table (ms; function_graph, guest)"
echo "| routes | fib_sync_mem $((sync_default / 1024)) KiB | of which synchronize_rcu | 64 MiB | of which synchronize_rcu |"
echo "|---:|---:|---:|---:|---:|"
for k in $slow; do
	read -r _ d ds < <(sed -n "${k}p" "$work/default")
	read -r _ m mu < <(sed -n "${k}p" "$work/max")
	echo "| $k | $(ms "$d") | $(ms "$ds") | $(ms "$m") | $(ms "$mu") |"
done
echo "| median | $(ms "$(median "$work/default")" 3) | | $(ms "$(median "$work/max")" 3) | |"
for r in default max; do
	diag "$r: all inserts $(awk '{ s += $2 } END { printf "%.0f", s / 1000 }' "$work/$r") ms, synchronize_rcu $(awk '{ s += $3 } END { printf "%.0f", s / 1000 }' "$work/$r") ms"
done
# With 64 MiB pending allowed, 70,000 routes free far less: no wait.
check "no synchronize_rcu in an insert with fib_sync_mem 64 MiB" \
	[ "$(awk '{ s += $3 } END { print s + 0 }' "$work/max")" = 0 ]
done_testing
