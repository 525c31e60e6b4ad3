#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RFC 7606 end to end: a raw injector (bgp_inject.py) brings up a session,
# announces a route, sends one malformed UPDATE per case, and the outcome
# must be the class RFC 7606 section 7 (or 3-5) gives that malformation:
# treat-as-withdraw, attribute-discard or session reset (NOTIFICATION
# code/subcode). Each case runs as its own neighbor (own source address).
# Then random mutations; the daemon must never crash.
. "$(dirname "$0")/bgp_lib.sh"
bgp_require
bgp_topology 22

CASES="origin-value:withdrawn as-path-zero-segment:withdrawn next-hop-multicast:withdrawn
communities-length:withdrawn large-communities-length:withdrawn missing-next-hop:withdrawn
flags-conflict:withdrawn foreign-first-as:withdrawn foreign-first-as-rs:kept atomic-aggregate-length:kept aggregator-length:kept
local-pref-from-ebgp:kept unknown-optional-transitive:kept
duplicate-mp-unreach:reset_3/1 nlri-length-33:reset_3/10 unrecognized-well-known:reset_3/2
attribute-block-overrun:reset_3/1 bad-marker:reset_1/1 bad-type:reset_1/3 fuzz:2000:fuzzed"

{
	echo "router-id $A4; local-as 64500;"
	i=10
	for c in $CASES; do
		rs=""
		[[ $c == *-rs:* ]] && rs="enforce-first-as off;"
		echo "neighbor n$i { address 10.99.22.$i; remote-as 65001; passive; $rs }"
		ip -n "$NS_B" addr add "10.99.22.$i/24" dev vb
		i=$((i + 1))
	done
} >"$WORK/pe.conf"
start_peeredged "$WORK/pe.conf"
check "peeredged starts" peeredged_alive

i=10
for c in $CASES; do
	name=${c%:*} want=${c##*:}
	got=$(ip netns exec "$NS_B" python3 "$(dirname "$0")/bgp_inject.py" --local "10.99.22.$i" \
		--peer "$A4" --as 65001 --peer-as 64500 --ctl "$WORK/pe.sock" --neighbor "n$i" \
		"$name" 2>&1 | tail -n1)
	check "$name: ${want/_/ } (got: $got)" test "$got" = "${want/_/ }"
	i=$((i + 1))
done
check "peeredged survived every case" peeredged_alive
check "... and still answers" ctl neighbor show
check_peeredged_stops
[ "$__tap_failed" = 0 ] || show_log 60
done_testing
