#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lag_bench.sh [BFD_TRIALS [LACP_TRIALS [PPS]]]: time from a silent fault on
# one bond member to that member carrying no more data, kbfd micro-BFD
# (RFC 7130) at 1 ms x 3 and 300 us x 3 against LACP's fast rate alone, in
# one run (meant for the qemu guest: selftests/bench/vm.bench; needs
# bonding.ko and kbfd.ko).
#
# Method: two namespaces, A and B, each with an 802.3ad bond (lacp_rate
# fast, xmit_hash_policy layer3+4, miimon 100) of three veth members joined
# pairwise; the same bond in every row, micro-BFD on it or not. A sends a
# paced UDP stream (PPS datagrams a second over 64 flows, hashed across the
# members) to B. lag_detect in B (member_fault.bpf.c) counts the stream per
# member in XDP, before anything else on B sees the frames, and injects the
# fault on member m1 at a random moment, carrier up: "in" drops every frame
# arriving on B's m1 (A->B: data, BFD, LACPDUs), "both" also every frame B
# sends on it. The figure is the arrival time of the last data frame on m1 after the
# fault minus the fault time (both CLOCK_MONOTONIC), once m1 has been quiet
# for 1 s; a member still carrying data after the timeout is a miss. Between
# trials the fault is cleared and m1 must carry the stream again for 1 s.
# Resolution: the stream's mean gap on m1 (printed). Under qemu's software
# emulation timers fire milliseconds late: only the ratios mean something.
. "$(dirname "$0")/../kbfd/lib.sh"
require_root
require_cmd tc
BIN=$TOP/build/selftests/bench
bfd_trials=${1:-8}
lacp_trials=${2:-5}
pps=${3:-8000}
for v in "$bfd_trials" "$lacp_trials" "$pps"; do
	[[ $v =~ ^[0-9]+$ ]] && ((v >= 1)) || { echo "lag_bench.sh: BFD_TRIALS, LACP_TRIALS and PPS must be positive integers" >&2; exit 2; }
done
[ -x "$BIN/lag_detect" ] || skip_all "build/selftests/bench/lag_detect is not built (make selftests)"
bonding_require
PORT=9000
FLOWS=64

A=lagb-a-$$
B=lagb-b-$$
netns_add "$A" && netns_add "$B" || skip_all "cannot create namespaces"
streampid=
work=$(mktemp -d)
trap 'kill $streampid $monitors 2>/dev/null; wait 2>/dev/null; netns_cleanup; kbfd_unload 2>/dev/null; rm -rf "$work"' EXIT
trap 'exit 1' TERM INT

topology() {
	bond_pair "$A" "$B" 3 lacp_rate fast xmit_hash_policy layer3+4 || return 1
	ip -n "$A" addr add 10.9.0.1/24 dev bond0
	ip -n "$B" addr add 10.9.0.2/24 dev bond0
}
topology || skip_all "cannot build the bond topology"
wait_for 30 ip netns exec "$A" ping -q -c 1 -W 1 10.9.0.2 >/dev/null ||
	skip_all "no traffic across the bond"
ip netns exec "$A" "$BIN/lag_detect" stream 10.9.0.2 $PORT $FLOWS "$pps" &
streampid=$!

declare -A p50
rows=()
run() { # LABEL KEY TRIALS TIMEOUT_MS MODE
	local label=$1 key=$2 trials=$3 timeout=$4 mode=$5 out summary
	out=$(ip netns exec "$B" "$BIN/lag_detect" measure m1 "$mode" "$trials" "$timeout" 1000 \
		$PORT $FLOWS m2 m3 2>&1)
	printf '%s\n' "$out" | sed 's/^/# /'
	summary=$(tail -n1 <<<"$out")
	if [[ $summary != n=[1-9]* ]]; then
		tap_not_ok "$label, fault $mode: ${summary:-no result}"
		rows+=("$(printf '| %-18s | %-5s | %3s | %6s | %10s | %10s | %10s | %6s |' \
			"$label" "$mode" 0 "$trials" - - - -)")
		return
	fi
	local n p50_us p99_us min_us max_us missed skipped gap_us
	eval "$summary"
	p50[$key-$mode]=$p50_us
	if [ -n "$monitors" ]; then
		explain_slow "$out"
		member_out_row "$label" "$key" "$mode" "$out"
	fi
	rows+=("$(printf '| %-18s | %-5s | %3s | %6s | %10s | %10s | %10s | %6s |' \
		"$label" "$mode" "$n" "$missed" "$min_us" "$p50_us" "$max_us" "$gap_us")")
	tap_ok "$label, fault $mode: median $p50_us us ($n trials, $missed missed, $skipped left out)"
}

# For micro-BFD trials slower than 100 ms: what m1's sessions did in the 4 s
# after the fault (kbfd events, CLOCK_MONOTONIC like the fault time).
monitors=
explain_slow() {
	local t us side idx
	while read -r t us; do
		[ -n "$t" ] || continue
		diag "m1 events within 4 s of the fault at $t ns ($us us):"
		for side in A B; do
			idx=$(ip netns exec "${!side}" cat /sys/class/net/m1/ifindex)
			awk -v t="$t" -v i="$idx" -v n="$side" '
				{ for (k = 1; k < NF; k++) { if ($k == "ts") ts = $(k + 1); if ($k == "ifindex") x = $(k + 1) } }
				x == i && ts >= t && ts <= t + 4e9 { printf "#   %s +%.3f ms: %s\n", n, (ts - t) / 1e6, $0 }' "$work/mon-$side"
		done
	done <<<"$(sed -n 's/^# trial [0-9]*: last data frame \([0-9]*\) us after the fault at \([0-9]*\) ns$/\2 \1/p' <<<"$1" |
		awk '$2 > 100000')"
}

# member_out OUT: per trial of OUT, microseconds from the fault to A's m1
# session leaving Up (its kbfd event): from then on kbfd's hooks keep data
# off m1, whatever the stream's resolution. Only trials where the session
# was Up at the fault (its last event before it was to Up) count.
member_out() {
	local idx
	idx=$(ip netns exec "$A" cat /sys/class/net/m1/ifindex)
	sed -n 's/^# trial [0-9]*: last data frame [0-9]* us after the fault at \([0-9]*\) ns$/\1/p' <<<"$1" |
		awk -v i="$idx" -v f="$work/mon-A" '
		BEGIN { while ((getline l < f) > 0) { n = split(l, w, " "); ts = x = o = st = ""
				for (k = 1; k < n; k++) { if (w[k] == "ts") ts = w[k + 1]; if (w[k] == "state") st = w[k + 1]
					if (w[k] == "ifindex") x = w[k + 1]; if (w[k] == "old_state") o = w[k + 1] }
				if (x == i) { ev[++m] = ts + 0; old[m] = o; new[m] = st } } }
		{ up = 0; for (k = 1; k <= m && ev[k] < $1 + 0; k++) up = new[k] == "up"
			for (; up && k <= m; k++) if (old[k] == "up") { printf "%d\n", (ev[k] - $1) / 1000; break } }'
}

declare -A ev50
rows_ev=()
member_out_row() { # LABEL KEY MODE OUT
	local v n
	v=$(member_out "$4" | sort -n)
	n=$(grep -c . <<<"$v")
	((n > 0)) || return
	ev50[$2-$3]=$(sed -n "$(((50 * n + 99) / 100))p" <<<"$v")
	rows_ev+=("$(printf '| %-20s | %-5s | %3s | %10s | %10s | %10s |' "$1" "$3" "$n" \
		"$(head -n1 <<<"$v")" "${ev50[$2-$3]}" "$(tail -n1 <<<"$v")")")
}

lacp_rows() {
	run "LACP fast" lacp "$lacp_trials" 20000 both
	run "LACP fast" lacp "$lacp_trials" 20000 in
}

bfd_rows() { # INTERVAL_US LABEL
	local la lb
	if ! ip netns exec "$A" "$PEEREDGE" bfd lag add dev bond0 peer 10.9.0.2 local 10.9.0.1 \
		interval "$1" multiplier 3 min-links 1 ||
		! ip netns exec "$B" "$PEEREDGE" bfd lag add dev bond0 peer 10.9.0.1 local 10.9.0.2 \
		interval "$1" multiplier 3 min-links 1; then
		tap_not_ok "$2: cannot add the LAG"
		return
	fi
	la=$(lagdir "$A")
	lb=$(lagdir "$B")
	if wait_for 30 sh -c "grep -qx 3 $la/members_up && grep -qx 3 $lb/members_up"; then
		run "$2" "bfd$1" "$bfd_trials" 5000 both
		run "$2" "bfd$1" "$bfd_trials" 5000 in
	else
		tap_not_ok "$2: the members never came Up"
	fi
	ip netns exec "$A" "$PEEREDGE" bfd lag del dev bond0
	ip netns exec "$B" "$PEEREDGE" bfd lag del dev bond0
}

kbfd_ok=
[ -f "$KBFD_KO" ] && [ -x "$PEEREDGE" ] &&
	[ "$(modinfo -F vermagic "$KBFD_KO" 2>/dev/null | cut -d' ' -f1)" = "$(uname -r)" ] &&
	kbfd_load && kbfd_ok=1
kbfd_unload
lacp_rows
if [ -n "$kbfd_ok" ]; then
	kbfd_load
	for side in A B; do
		ip netns exec "${!side}" "$KBFDCTL" monitor >"$work/mon-$side" 2>&1 &
		monitors+=" $!"
	done
	bfd_rows 1000 "micro-BFD 1 ms x 3"
	bfd_rows 300 "micro-BFD 300 us x 3"
else
	tap_skip "micro-BFD" "kbfd.ko or peeredge cannot be used here (run in the guest)"
fi

echo "# Silent fault on one bond member to its last data frame (us), $pps datagrams/s over $FLOWS flows"
echo "# | mechanism          | fault |   n | missed |        min |     median |        max | gap us |"
printf '# %s\n' "${rows[@]}"
echo "# micro-BFD: fault to A's m1 session leaving Up (kbfd event, same clock), us"
echo "# | mechanism            | fault |   n |        min |     median |        max |"
printf '# %s\n' "${rows_ev[@]}"
for mode in both in; do
	for k in bfd1000 bfd300; do
		[ -n "${p50[lacp-$mode]:-}" ] && [ -n "${p50[$k-$mode]:-}" ] || continue
		awk -v l="${p50[lacp-$mode]}" -v b="${p50[$k-$mode]}" -v e="${ev50[$k-$mode]:-}" -v k="$k" -v m="$mode" \
			'BEGIN { r1 = "n/a (median: no data frame after the fault)"; r2 = "n/a"
				if (b > 0) r1 = sprintf("%.0fx", l / b)
				if (e > 0) r2 = sprintf("%.0fx", l / e)
				printf "# fault %s: LACP median / %s median: last data frame %s, session event %s\n", m, k, r1, r2 }'
	done
done
echo "# fault in: frames A->B on m1 dropped at B; both: B->A as well. gap: mean interval between"
echo "# data frames on m1 before the fault (resolution); missed: still carrying data at the timeout"
done_testing
