#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bfd_cpu.sh [SESSIONS [WINDOW_S]]: CPU used by SESSIONS (default 1000)
# single-hop BFD sessions at 10 ms x 3, kbfd against FRR bfdd and BIRD, in
# one run on one machine (meant for the qemu guest: selftests/bench/vm.bench;
# on the host, whose kernel takes no modules, the kbfd row is skipped).
#
# Method: two namespaces joined by one veth pair, SESSIONS addresses on each
# side (static neighbour entries, so ARP plays no part), one session per
# address pair, the same implementation at both ends. Each implementation in
# turn: an idle baseline (nothing running, WINDOW_S seconds), then start,
# wait until every session is Up on both sides (at most 45 s; how many and
# how long is reported), then a measurement window of WINDOW_S seconds.
# CPU is all non-idle time in /proc/stat (user, nice, system, irq, softirq,
# steal) over the window minus the baseline, as a percentage of one core
# (200 % is both vCPUs). Per side: utime + stime of each daemon process
# (/proc/PID/stat, all threads); kbfd runs in softirq and timer context of
# both sides at once, so it has no per-side figure. False Downs: sessions
# that left Up during the window, from each implementation's own books
# (kbfd: up_transitions and states from a dump; bfdd: its session-down
# counters; BIRD: its "changed state from Up" trace lines). A daemon too
# busy to answer its control socket within 10 s is reported as "?".
. "$(dirname "$0")/../kbfd/lib.sh"
require_root
require_cmd ip

n=${1:-1000}
win=${2:-10}
[[ $n =~ ^[0-9]+$ ]] && ((n >= 1 && n <= 60000)) || { echo "bfd_cpu.sh: SESSIONS must be 1..60000" >&2; exit 2; }
[[ $win =~ ^[0-9]+$ ]] && ((win >= 1)) || { echo "bfd_cpu.sh: WINDOW_S must be a positive integer" >&2; exit 2; }
up_timeout=45
A=bcpu-a-$$
B=bcpu-b-$$
work=$(mktemp -d)
chmod 755 "$work"	# bfdd runs as frr
trap 'stop_all; netns_cleanup; rm -rf "$work"' EXIT
# The runner's time limit sends TERM: the daemons must not outlive us.
trap 'exit 1' TERM INT
ulimit -n 65536 2>/dev/null || ulimit -n 16384	# a socket per session in the daemons
ncpu=$(grep -c '^cpu[0-9]' /proc/stat)
hz=$(getconf CLK_TCK)

# pairs ME PEER: "my-address peer-address", one line per session: the
# consecutive IPv4 addresses from ME and from PEER.
pairs() {
	awk -v a="$1" -v b="$2" -v n="$n" '
		function num(s, o) { split(s, o, "."); return ((o[1] * 256 + o[2]) * 256 + o[3]) * 256 + o[4] }
		function dot(x) { return sprintf("%d.%d.%d.%d", int(x / 16777216) % 256, int(x / 65536) % 256, int(x / 256) % 256, x % 256) }
		BEGIN { x = num(a); y = num(b); for (i = 0; i < n; i++) print dot(x + i), dot(y + i) }'
}
ABASE=10.100.0.1
BBASE=10.101.0.1

# The addresses, with static neighbour entries.
topology() {
	local macA macB
	netns_add "$A" && netns_add "$B" || return 1
	ip link add va netns "$A" type veth peer name vb netns "$B" || return 1
	ip -n "$A" link set va up && ip -n "$B" link set vb up || return 1
	macA=$(ip netns exec "$A" cat /sys/class/net/va/address)
	macB=$(ip netns exec "$B" cat /sys/class/net/vb/address)
	pairs $ABASE $BBASE | awk -v m="$macB" '{ print "addr add " $1 "/15 dev va"
		print "neigh add " $2 " lladdr " m " dev va nud permanent" }' >"$work/a.batch"
	pairs $BBASE $ABASE | awk -v m="$macA" '{ print "addr add " $1 "/15 dev vb"
		print "neigh add " $2 " lladdr " m " dev vb nud permanent" }' >"$work/b.batch"
	ip -n "$A" -b "$work/a.batch" && ip -n "$B" -b "$work/b.batch" &&
		[ "$(ip -n "$B" -4 -o addr show dev vb | wc -l)" = "$n" ]
}

# side NS: prints "dir my-base peer-base"
side() { [ "$1" = "$A" ] && echo "$work/a $ABASE $BBASE" || echo "$work/b $BBASE $ABASE"; }

pids=()
stop_all() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do
		for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		# A saturated daemon can take minutes over a graceful exit.
		kill -KILL "$p" 2>/dev/null
	done
	pids=()
	kbfd_unload 2>/dev/null
	sleep 0.2
}

# --- kbfd -------------------------------------------------------------------
start_kbfd() {
	local ns dir me peer
	kbfd_load || return 1
	for ns in "$A" "$B"; do
		read -r dir me peer <<<"$(side "$ns")"
		kctl "$ns" bulk "$n" "$peer" local-from "$me" dev "$([ "$ns" = "$A" ] && echo va || echo vb)" \
			tx 10000 rx 10000 mult 3 || return 1
	done
}
kbfd_dump() { kctl "$1" dump; }
up_kbfd() { kbfd_dump "$1" | grep -c ' state up '; }
# counters NS: "up-sessions up-transitions"
counters_kbfd() {
	kbfd_dump "$1" | awk '{ for (i = 1; i < NF; i++) { if ($i == "state" && $(i + 1) == "up") u++
		if ($i == "up_transitions") t += $(i + 1) } } END { print u + 0, t + 0 }'
}

# --- FRR bfdd ---------------------------------------------------------------
start_frr() {
	local ns dir me peer
	for ns in "$A" "$B"; do
		read -r dir me peer <<<"$(side "$ns")"
		mkdir -p "$dir"
		pairs "$me" "$peer" | awk 'BEGIN { print "bfd" }
			{ printf " peer %s local-address %s\n  receive-interval 10\n  transmit-interval 10\n  detect-multiplier 3\n !\n", $2, $1 }
			END { print "!" }' >"$dir/bfdd.conf"
		chown -R frr:frr "$dir"
		ip netns exec "$ns" /usr/lib/frr/bfdd -d -u frr -g frr -A 127.0.0.1 \
			-f "$dir/bfdd.conf" -i "$dir/bfdd.pid" -z "$dir/zserv" \
			--vty_socket "$dir" --bfdctl "$dir/bfdd.sock" \
			--log "file:$dir/bfdd.log" || return 1
		wait_for 10 test -s "$dir/bfdd.pid" || return 1
		pids+=("$(cat "$dir/bfdd.pid")")
	done
}
frr_vty() { local dir; read -r dir _ <<<"$(side "$1")"; timeout 10 vtysh --vty_socket "$dir" -d bfdd -c "$2"; }
up_frr() { frr_vty "$1" "show bfd peers json" | jq -e '[.[] | select(.status == "up")] | length'; }
counters_frr() {
	local up down
	up=$(up_frr "$1") && down=$(frr_vty "$1" "show bfd peers counters json" |
		jq -e '[.[]."session-down"] | add // 0') && [ -n "$up" ] && [ -n "$down" ] &&
		echo "$up $down" || echo "? ?"
}

# --- BIRD -------------------------------------------------------------------
start_bird() {
	local ns dir me peer dev
	for ns in "$A" "$B"; do
		read -r dir me peer <<<"$(side "$ns")"
		dev=$([ "$ns" = "$A" ] && echo va || echo vb)
		mkdir -p "$dir"
		{
			printf 'router id %s;\nlog "%s" all;\nprotocol device {}\n' "$me" "$dir/bird.log"
			printf 'protocol bfd {\n debug { events };\n'
			printf ' interface "%s" { min rx interval 10 ms; min tx interval 10 ms; multiplier 3; };\n' "$dev"
			pairs "$me" "$peer" | awk -v d="$dev" '{ printf " neighbor %s dev \"%s\" local %s;\n", $2, d, $1 }'
			echo '}'
		} >"$dir/bird.conf"
		ip netns exec "$ns" bird -c "$dir/bird.conf" -s "$dir/bird.ctl" -P "$dir/bird.pid" || return 1
		wait_for 10 test -s "$dir/bird.pid" || return 1
		pids+=("$(cat "$dir/bird.pid")")
	done
}
up_bird() {
	local dir
	read -r dir _ <<<"$(side "$1")"
	timeout 10 birdc -s "$dir/bird.ctl" show bfd sessions >"$dir/sessions" || return 1
	awk '$3 == "Up"' "$dir/sessions" | wc -l
}
# BIRD keeps no per-session counters: Downs are counted in its trace.
counters_bird() {
	local dir
	read -r dir _ <<<"$(side "$1")"
	local up
	up=$(up_bird "$1") && echo "$up $(grep -c 'changed state from Up' "$dir/bird.log")" || echo "? ?"
}

# --- measurement ------------------------------------------------------------
# cpu_ticks: "non-idle total" jiffies summed over all CPUs.
cpu_ticks() {
	awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat
}
proc_ticks() { [ -n "$1" ] && awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }

# window [PID_A PID_B]: sleeps WINDOW_S; prints "cpu% a% b%" (one core = 100).
# /proc/stat counts ticks, which an emulated guest loses under load: the
# total is its non-idle share; a process's time is in real seconds (from the
# scheduler's clock), so it is divided by the wall-clock window.
window() {
	local b0 t0 b1 t1 pa0 pb0 pa1 pb1 w0 w1
	read -r b0 t0 <<<"$(cpu_ticks)"
	pa0=$(proc_ticks "${1:-}") pb0=$(proc_ticks "${2:-}") w0=$(date +%s%N)
	sleep "$win"
	read -r b1 t1 <<<"$(cpu_ticks)"
	pa1=$(proc_ticks "${1:-}") pb1=$(proc_ticks "${2:-}") w1=$(date +%s%N)
	awk -v b=$((b1 - b0)) -v t=$((t1 - t0)) -v a=$((pa1 - pa0)) -v p=$((pb1 - pb0)) -v c="$ncpu" \
		-v s=$(((w1 - w0) / 1000000)) -v hz="$hz" \
		'BEGIN { w = s / 1000 * hz; printf "%.1f %.1f %.1f\n", 100 * c * b / t, 100 * a / w, 100 * p / w }'
}

all_up() { [ "$(up_$1 "$A")" -ge "$n" ] && [ "$(up_$1 "$B")" -ge "$n" ]; }

# min A B: the smaller, "?" when either is unknown.
min() { [[ $1 == '?' || $2 == '?' ]] && echo '?' || echo $(($1 < $2 ? $1 : $2)); }

rows=()
measure() { # LABEL KIND (kbfd|frr|bird)
	local label=$1 kind=$2 base cpu pa pb t0 took upa upb ua0 da0 ub0 db0 ua1 da1 ub1 db1 downs per_a per_b
	stop_all
	read -r base _ <<<"$(window)"
	diag "$label: idle baseline $base % of one core"
	t0=$SECONDS
	if ! "start_$kind"; then
		tap_not_ok "$label: could not start $n sessions per side"
		stop_all
		return
	fi
	while ! all_up "$kind" 2>/dev/null && ((SECONDS - t0 < up_timeout)); do sleep 1; done
	took=$((SECONDS - t0))
	read -r ua0 da0 <<<"$(counters_$kind "$A")"
	read -r ub0 db0 <<<"$(counters_$kind "$B")"
	diag "$label: $ua0 (A) / $ub0 (B) of $n sessions Up after $took s"
	read -r cpu pa pb <<<"$(window "${pids[0]:-}" "${pids[1]:-}")"
	read -r ua1 da1 <<<"$(counters_$kind "$A")"
	read -r ub1 db1 <<<"$(counters_$kind "$B")"
	stop_all
	if [[ "$ua0$da0$ub0$db0$ua1$da1$ub1$db1" == *'?'* ]]; then
		downs='?'
		per_a=$pa per_b=$pb
	elif [ "$kind" = kbfd ]; then
		# A session's Downs: its new Up transitions plus 1 if it ended not Up.
		downs=$(((da1 - da0) + (ua0 - ua1) + (db1 - db0) + (ub0 - ub1)))
		per_a=- per_b=-
	else
		downs=$(((da1 - da0) + (db1 - db0)))
		per_a=$pa per_b=$pb
	fi
	cpu=$(awk -v c="$cpu" -v b="$base" 'BEGIN { printf "%.1f", c - b }')
	upa=$(min "$ua0" "$ub0")
	rows+=("$(printf '| %-10s | %8s | %10s | %3s s | %5s | %6s | %6s | %5s | %8s |' \
		"$label" "$n" "$upa" "$took" "$cpu" "$per_a" "$per_b" "$downs" "$(min "$ua1" "$ub1")")")
	if [ "$upa" = '?' ]; then
		tap_ok "$label: $cpu % of one core; too busy to say how many sessions are Up"
	elif ((upa == 0)); then
		tap_not_ok "$label: no session came Up in $took s"
	elif ((upa == n)); then
		tap_ok "$label: $n sessions Up in $took s, $cpu % of one core, $downs false Downs in $win s"
	else
		tap_ok "$label: only $upa of $n sessions Up after $took s, $cpu % of one core, $downs Downs in $win s"
	fi
}

topology || skip_all "cannot build the topology"
kbfd_ok=
[ -f "$KBFD_KO" ] && [ -x "$KBFDCTL" ] && [ -f /proc/modules ] &&
	[ "$(modinfo -F vermagic "$KBFD_KO" 2>/dev/null | cut -d' ' -f1)" = "$(uname -r)" ] && kbfd_ok=1
frr_ok=
[ -x /usr/lib/frr/bfdd ] && command -v vtysh jq >/dev/null && frr_ok=1
diag "$n sessions per side at 10 ms x 3, $ncpu CPUs, window $win s"
if [ -n "$kbfd_ok" ]; then
	measure kbfd kbfd
else
	tap_skip "kbfd" "kbfd.ko does not load on this kernel (run in the guest)"
fi
if [ -n "$frr_ok" ]; then
	measure "FRR bfdd" frr
else
	tap_skip "FRR bfdd" "FRR (bfdd, vtysh) or jq is not installed"
fi
if command -v bird birdc >/dev/null; then
	measure BIRD bird
else
	tap_skip "BIRD" "BIRD 2 is not installed"
fi

echo "# CPU of BFD sessions at 10 ms x 3, two namespaces over veth, $win s window"
echo "# | impl       | sessions | Up (start) | to Up | CPU % | side A | side B | Downs | Up (end) |"
printf '# %s\n' "${rows[@]}"
echo "# CPU %: non-idle /proc/stat time minus the idle baseline, % of one core ($ncpu CPUs = $((ncpu * 100)) %);"
echo "# side A/B: the daemon's utime+stime (kbfd: in-kernel, not split by side)"
done_testing
