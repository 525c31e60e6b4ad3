#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Shared by the BGP interop tests: a two-namespace topology, peeredged in
# one of them, and questions to its control socket.
#
#   . "$(dirname "$0")/bgp_lib.sh"
#   bgp_topology 7            # ns pe-7-a (10.99.7.1, fd99:7::1) <-> pe-7-b (.2, ::2)
#   start_peeredged "$conf"   # in pe-N-a, control socket $WORK/pe.sock
#   check "up" wait_for 20 neighbor_state_is bird Established

. "$(dirname "${BASH_SOURCE[0]}")/../lib/lib.sh"

BGP_BUILD=$TOP/build/selftests/bgp
PEEREDGED=${PEEREDGED:-$TOP/build/agent-asan/peeredged}
CTL=$BGP_BUILD/ctl

bgp_require() {
	require_root
	require_cmd ip python3
	[ -x "$PEEREDGED" ] || skip_all "peeredged is not built (make -C agent)"
	[ -x "$CTL" ] || skip_all "ctl is not built (make -C selftests/bgp)"
	WORK=$(mktemp -d /tmp/peeredge-bgp.XXXXXX)
	trap 'bgp_cleanup' EXIT
}

bgp_cleanup() {
	[ -n "${PEEREDGED_PID:-}" ] && kill "$PEEREDGED_PID" 2>/dev/null && wait "$PEEREDGED_PID" 2>/dev/null
	netns_cleanup
	rm -rf "$WORK"
}

# bgp_topology N: namespaces NS_A, NS_B joined by a veth pair.
bgp_topology() {
	local n=$1
	NS_A=pe-$n-a NS_B=pe-$n-b
	A4=10.99.$n.1 B4=10.99.$n.2 A6=fd99:$n::1 B6=fd99:$n::2
	netns_add "$NS_A" && netns_add "$NS_B" || skip_all "cannot create network namespaces"
	# Created inside the namespaces: no name ever exists in the host's.
	ip link add va netns "$NS_A" type veth peer name vb netns "$NS_B" ||
		skip_all "veth is not available"
	ip -n "$NS_A" addr add "$A4/24" dev va
	ip -n "$NS_B" addr add "$B4/24" dev vb
	ip -n "$NS_A" addr add "$A6/64" dev va nodad
	ip -n "$NS_B" addr add "$B6/64" dev vb nodad
	ip -n "$NS_A" link set va up
	ip -n "$NS_B" link set vb up
}

start_peeredged() {
	cp "$1" "$WORK/peeredged.conf"
	ip netns exec "$NS_A" "$PEEREDGED" -d -f "$WORK/peeredged.conf" -s "$WORK/pe.sock" \
		>>"$WORK/peeredged.log" 2>&1 &
	PEEREDGED_PID=$!
	wait_for 5 test -S "$WORK/pe.sock"
}
# (not inside check: that runs in a subshell and PEEREDGED_PID would be lost)

peeredged_alive() { kill -0 "$PEEREDGED_PID" 2>/dev/null; }

# SIGTERM: the daemon sends Cease to everyone and exits 0; under ASan that
# exit also runs the leak check, and the log must be free of reports.
# (Not run through check: wait only works from the shell that started it.)
check_peeredged_stops() {
	local rc=0
	kill -TERM "$PEEREDGED_PID" && wait "$PEEREDGED_PID" || rc=$?
	PEEREDGED_PID=
	grep -q -E "$SANITIZER_REPORT" "$WORK/peeredged.log" && rc=sanitizer
	check "peeredged stops cleanly on SIGTERM (exit: $rc)" test "$rc" = 0
}

ctl() { "$CTL" "$WORK/pe.sock" "$@"; }

# json_get EXPR: evaluates a Python expression over the JSON on stdin (j).
json_get() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }

neighbor_field() { ctl -j neighbor show "$1" | json_get "j['neighbors'][0]['$2']"; }
neighbor_state_is() { [ "$(neighbor_field "$1" state)" = "$2" ]; }

# route_has PREFIX NEIGHBOR FIELD VALUE: our Adj-RIB-In has the path with it.
route_has() {
	ctl -j route show "$1" neighbor "$2" | python3 -c "
import json, sys
j = json.load(sys.stdin)
r = [x for x in j['routes'] if x['prefix'] == '$1']
v = r[0]['$3'] if r else None
sys.exit(0 if (('$4' in v) if isinstance(v, list) else str(v) == '$4') else 1)"
}
route_absent() { ! ctl -j route show "$1" neighbor "$2" | grep -q "\"$1\""; }

show_log() { sed 's/^/# peeredged: /' "$WORK/peeredged.log" | tail -n "${1:-40}"; }
