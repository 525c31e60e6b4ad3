#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# peeredged against FRR bgpd (run alone, without zebra) over a veth pair:
# IPv4 session with TCP-MD5 and IPv6 session, routes both ways with AS path,
# communities and large communities; FRR is asked through vtysh.
. "$(dirname "$0")/bgp_lib.sh"
bgp_require
BGPD=/usr/lib/frr/bgpd
[ -x "$BGPD" ] || skip_all "FRR bgpd is not installed"
require_cmd vtysh
bgp_topology 23

cat >"$WORK/pe.conf" <<CONF
router-id $A4;
local-as 64500;
neighbor frr {
	address $B4;
	remote-as 65002;
	password "s3cret";
	announce 203.0.113.0/24 community 8075:8007 large-community 64500:1:2;
}
neighbor frr6 {
	address $B6;
	remote-as 65002;
	announce 2001:db8:abcd::/48 community 8075:8007 large-community 64500:6:6;
}
CONF

mkdir -p "$WORK/frr"
chmod 777 "$WORK" "$WORK/frr"
cat >"$WORK/frr/bgpd.conf" <<CONF
frr defaults traditional
hostname frr-peer
log file $WORK/frr/bgpd.log debugging
!
route-map TAG permit 10
 set community 8075:8007
 set large-community 65002:1:2
 set as-path prepend 65020
!
router bgp 65002
 bgp router-id $B4
 no bgp ebgp-requires-policy
 no bgp network import-check
 timers bgp 3 9
 neighbor $A4 remote-as 64500
 neighbor $A4 password s3cret
 neighbor $A4 timers connect 2
 neighbor $A6 remote-as 64500
 neighbor $A6 timers connect 2
 address-family ipv4 unicast
  network 198.51.100.0/24 route-map TAG
  no neighbor $A6 activate
 exit-address-family
 address-family ipv6 unicast
  network 2001:db8:23::/48 route-map TAG
  neighbor $A6 activate
 exit-address-family
!
CONF
ip netns exec "$NS_B" "$BGPD" -d -Z -n -f "$WORK/frr/bgpd.conf" -i "$WORK/frr/bgpd.pid" \
	--vty_socket "$WORK/frr" -u frr -g frr -A 127.0.0.1 -P 0 >"$WORK/frr/stdout" 2>&1 ||
	skip_all "FRR bgpd does not start: $(cat "$WORK/frr/stdout")"
frr() { ip netns exec "$NS_B" vtysh --vty_socket "$WORK/frr" -d bgpd -c "$1"; }
frr_route_has() { frr "show bgp $1 json" | grep -q -- "$2"; }
frr_up() { frr "show bgp neighbors $1 json" | grep -q '"bgpState":"Established"'; }

start_peeredged "$WORK/pe.conf"
check "peeredged starts" peeredged_alive
check "IPv4 session with TCP-MD5 establishes" wait_for 30 neighbor_state_is frr Established
check "IPv6 session establishes" wait_for 30 neighbor_state_is frr6 Established
check "FRR sees the IPv4 session up" wait_for 10 frr_up "$A4"
check "FRR route arrives with AS path 65002 65020" wait_for 10 \
	route_has 198.51.100.0/24 frr as_path "65002 65020"
check "... with community 8075:8007" route_has 198.51.100.0/24 frr communities 8075:8007
check "... with large community 65002:1:2" route_has 198.51.100.0/24 frr large_communities 65002:1:2
check "FRR IPv6 route arrives" wait_for 10 route_has 2001:db8:23::/48 frr6 as_path "65002 65020"
frr_path_is() { [ "$(frr "show bgp $1 json" | json_get "j['paths'][0]['aspath']['string']")" = "$2" ]; }
check "our route reaches FRR with AS path 64500" wait_for 10 \
	frr_path_is "ipv4 unicast 203.0.113.0/24" 64500
check "... with community 8075:8007" frr_route_has "ipv4 unicast 203.0.113.0/24" '"string":"8075:8007"'
check "... with large community 64500:1:2" frr_route_has "ipv4 unicast 203.0.113.0/24" '"string":"64500:1:2"'
check "our IPv6 route reaches FRR" wait_for 10 \
	frr_route_has "ipv6 unicast 2001:db8:abcd::/48" '"string":"64500:6:6"'
check "peeredged is still running" peeredged_alive
check_peeredged_stops
[ "$__tap_failed" = 0 ] || { show_log 40; sed 's/^/# frr: /' "$WORK/frr/bgpd.log" | tail -30; }
done_testing
