#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# peeredged against ExaBGP 4 over a veth pair: IPv4 and IPv6 sessions,
# routes both ways with AS path, communities and large communities. What
# ExaBGP receives is read from its JSON API output.
. "$(dirname "$0")/bgp_lib.sh"
bgp_require
require_cmd exabgp
bgp_topology 24

cat >"$WORK/pe.conf" <<CONF
router-id $A4;
local-as 64500;
neighbor exa {
	address $B4;
	remote-as 65003;
	announce 203.0.113.0/24 community 8075:8007 large-community 64500:1:2;
}
neighbor exa6 {
	address $B6;
	remote-as 65003;
	announce 2001:db8:abcd::/48 community 8075:8007 large-community 64500:6:6;
}
CONF

cat >"$WORK/receiver.py" <<PY
import sys
with open("$WORK/exabgp-received.json", "a") as out:
    for line in sys.stdin:
        out.write(line)
        out.flush()
PY
exa_neighbor() { # ADDRESS LOCAL FAMILY ROUTE
	cat <<CONF
neighbor $1 {
	router-id $B4;
	local-address $2;
	local-as 65003;
	peer-as 64500;
	hold-time 30;
	family { $3 unicast; }
	api { processes [ receiver ]; receive { parsed; update; } }
	static { route $4 next-hop self community [ 8075:8007 ] large-community [ 65003:1:2 ] as-path [ 65003 65030 ]; }
}
CONF
}
{
	echo "process receiver { run python3 $WORK/receiver.py; encoder json; }"
	exa_neighbor "$A4" "$B4" ipv4 198.51.100.0/24
	exa_neighbor "$A6" "$B6" ipv6 2001:db8:24::/48
} >"$WORK/exabgp.conf"

env exabgp.daemon.user=root exabgp.daemon.drop=false exabgp.log.destination="$WORK/exabgp.log" \
	exabgp.tcp.bind='' exabgp.api.cli=false \
	ip netns exec "$NS_B" exabgp "$WORK/exabgp.conf" >"$WORK/exabgp.out" 2>&1 &
wait_for 5 pgrep -f "exabgp $WORK/exabgp.conf" >/dev/null || skip_all "exabgp does not start"

start_peeredged "$WORK/pe.conf"
check "peeredged starts" peeredged_alive
check "IPv4 session establishes" wait_for 30 neighbor_state_is exa Established
check "IPv6 session establishes" wait_for 30 neighbor_state_is exa6 Established
check "ExaBGP route arrives with AS path 65003 65030" wait_for 10 \
	route_has 198.51.100.0/24 exa as_path "65003 65030"
check "... with community 8075:8007" route_has 198.51.100.0/24 exa communities 8075:8007
check "... with large community 65003:1:2" route_has 198.51.100.0/24 exa large_communities 65003:1:2
check "ExaBGP IPv6 route arrives" wait_for 10 route_has 2001:db8:24::/48 exa6 communities 8075:8007
received() { grep -h -- "$1" "$WORK/exabgp-received.json" | grep -q -- "$2"; }
check "our route reaches ExaBGP with AS path [64500]" wait_for 10 \
	received 203.0.113.0/24 '"as-path": \[ 64500 \]'
check "... with community 8075:8007" received 203.0.113.0/24 '"community": \[ \[ 8075, 8007 \] \]'
check "... with large community 64500:1:2" received 203.0.113.0/24 '\[ 64500, 1 *, 2 \]'
check "our IPv6 route reaches ExaBGP" wait_for 10 received 2001:db8:abcd::/48 '\[ 64500, 6 *, 6 \]'
check "peeredged is still running" peeredged_alive
check_peeredged_stops
[ "$__tap_failed" = 0 ] || { show_log 40; sed 's/^/# exabgp: /' "$WORK/exabgp.out" | tail -20;
	sed 's/^/# exabgp-rx: /' "$WORK/exabgp-received.json" 2>/dev/null | tail -5; }
done_testing
