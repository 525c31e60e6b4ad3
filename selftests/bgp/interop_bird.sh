#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# peeredged against BIRD 2 over a veth pair between two namespaces: IPv4
# and IPv6 sessions (TCP-MD5 on IPv4, GTSM on IPv6), routes both ways with
# AS path, communities and large communities, TCP-MD5 mismatch, max-prefix
# tripping and recovering, hold timer expiry, reload.
. "$(dirname "$0")/bgp_lib.sh"
bgp_require
require_cmd bird birdc
bgp_topology 21

cat >"$WORK/pe.conf" <<CONF
router-id $A4;
local-as 64500;
neighbor bird {
	address $B4;
	remote-as 65001;
	password "s3cret";
	hold-time 6;
	max-prefix 3 restart 2;
	announce 203.0.113.0/24 community 8075:8007 large-community 64500:1:2;
}
neighbor bird6 {
	address $B6;
	remote-as 65001;
	ttl-security;
	bfd on;
	announce 2001:db8:abcd::/48 community 8075:8007 large-community 64500:6:6;
}
CONF

# bird_conf N: BIRD exporting N IPv4 routes (198.51.100.K/32 ... ).
bird_conf() {
	local i routes=""
	for i in $(seq 1 "$1"); do
		routes+="	route 198.51.100.$i/32 unreachable { bgp_community.add((8075,8007)); bgp_large_community.add((65001,1,$i)); bgp_path.prepend(65010); };
"
	done
	cat <<CONF
router id $B4;
protocol device { }
protocol static s4 { ipv4; 
$routes}
protocol static s6 { ipv6; route 2001:db8:6::/48 unreachable { bgp_community.add((8075,8007)); }; }
protocol bgp peeredge4 { local $B4 as 65001; neighbor $A4 as 64500; password "s3cret";
	hold time 6; connect retry time 2; error wait time 1, 2;
	ipv4 { import all; export all; }; }
protocol bgp peeredge6 { local $B6 as 65001; neighbor $A6 as 64500; ttl security on;
	connect retry time 2; ipv6 { import all; export all; }; }
CONF
}
bird_conf 2 >"$WORK/bird.conf"
ip netns exec "$NS_B" bird -c "$WORK/bird.conf" -s "$WORK/bird.ctl" -P "$WORK/bird.pid" ||
	skip_all "bird does not start"
birdc() { command birdc -s "$WORK/bird.ctl" "$@"; }
bird_has() { birdc show route all "$1" | grep -q -- "$2"; }
bird_proto_up() { birdc show protocols "$1" | grep -q Established; }

start_peeredged "$WORK/pe.conf"
check "peeredged starts" peeredged_alive
check "IPv4 session with TCP-MD5 establishes" wait_for 30 neighbor_state_is bird Established
check "IPv6 session with GTSM establishes" wait_for 30 neighbor_state_is bird6 Established
check "BIRD sees the IPv4 session up" wait_for 10 bird_proto_up peeredge4
check "BIRD route arrives with its AS path" wait_for 10 route_has 198.51.100.1/32 bird as_path "65001 65010"
check "... with community 8075:8007" route_has 198.51.100.1/32 bird communities 8075:8007
check "... with large community 65001:1:1" route_has 198.51.100.1/32 bird large_communities 65001:1:1
check "BIRD IPv6 route arrives" wait_for 10 route_has 2001:db8:6::/48 bird6 as_path 65001
check "our route reaches BIRD with AS path 64500" wait_for 10 bird_has 203.0.113.0/24 "BGP.as_path: 64500$"
check "... with community (8075,8007)" bird_has 203.0.113.0/24 "BGP.community: (8075,8007)"
check "... with large community (64500, 1, 2)" bird_has 203.0.113.0/24 "BGP.large_community: (64500, 1, 2)"
check "our IPv6 route reaches BIRD" wait_for 10 bird_has 2001:db8:abcd::/48 "BGP.large_community: (64500, 6, 6)"

# max-prefix 3: four routes trip it (Cease/1 to BIRD), two let it recover.
logged() { grep -q -- "$1" "$WORK/peeredged.log"; }
bird_conf 4 >"$WORK/bird.conf"
birdc configure >/dev/null
check "max-prefix 3 trips with 4 routes" wait_for 15 logged "max-prefix 3 exceeded"
check "BIRD got Cease / maximum number of prefixes" wait_for 5 eval \
	'birdc show protocols all peeredge4 | grep -q -i "maximum number of prefixes"'
bird_conf 2 >"$WORK/bird.conf"
birdc configure >/dev/null
check "session recovers after the restart timer" wait_for 20 neighbor_state_is bird Established
sleep 3
check "... and stays up with 2 routes" eval \
	'neighbor_state_is bird Established && [ "$(neighbor_field bird routes)" = 2 ]'

# Hold timer: BIRD frozen, no KEEPALIVE for longer than the 6 s hold time.
kill -STOP "$(cat "$WORK/bird.pid")"
check "hold timer expires" wait_for 15 logged "HoldTimer_Expires"
check "routes of the dead session are gone" wait_for 2 route_absent 198.51.100.1/32 bird
kill -CONT "$(cat "$WORK/bird.pid")"
check "session comes back after the hold timer" wait_for 30 neighbor_state_is bird Established

# TCP-MD5 mismatch: reload with another key; the session must not come up.
sed -i 's/"s3cret"/"wrong"/' "$WORK/peeredged.conf"
check "reload with a different TCP-MD5 key" ctl reload
sleep 8
check_fails "mismatched TCP-MD5 key: no session" neighbor_state_is bird Established
sed -i 's/"wrong"/"s3cret"/' "$WORK/peeredged.conf"
check "reload with the right key" ctl reload
check "matching key: session is back" wait_for 30 neighbor_state_is bird Established

# Operator actions over the control socket.
before=$(neighbor_field bird updates_in)
check "route refresh (RFC 2918) requested" ctl neighbor refresh bird
check "... BIRD sends its routes again" wait_for 5 eval \
	'[ "$(neighbor_field bird updates_in)" -gt "$before" ]'
check "control socket is root-only (0600)" test "$(stat -c %a "$WORK/pe.sock")" = 600
check "neighbor shutdown with a message" ctl neighbor shutdown bird6 "planned maintenance"
check "BIRD got the RFC 9003 shutdown communication" wait_for 5 eval \
	'birdc show protocols all peeredge6 | grep -q "planned maintenance"'
sleep 2
check "shut down neighbor stays down" neighbor_state_is bird6 Idle
check "neighbor start brings it back" ctl neighbor start bird6
check "... Established" wait_for 30 neighbor_state_is bird6 Established
check "BFD down resets the session" ctl neighbor bfd bird6 down
# BIRD 2.0 has no name for Cease subcode 10 yet: "Unknown error 6.10".
check "BIRD got Cease / BFD down (6/10)" wait_for 5 eval \
	'birdc show protocols all peeredge6 | grep -q -E "Received: .*(6\.10|BFD)"'
sleep 3
check "held down while BFD is down" neighbor_state_is bird6 Idle
check "BFD up releases it" ctl neighbor bfd bird6 up
check "... Established" wait_for 30 neighbor_state_is bird6 Established
check_fails "unknown neighbor is an error" ctl neighbor reset nosuch

check "peeredged is still running" peeredged_alive
check_peeredged_stops
check "BIRD got Cease / administrative shutdown with our message" wait_for 5 eval \
	'birdc show protocols all peeredge4 | grep -q "peeredged stopping"'
[ "$__tap_failed" = 0 ] || show_log 60
done_testing
