#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RFC 7130 micro-BFD over IPv6: a LAG's sessions take the family of its
# peer's address. Two namespaces, each with an 802.3ad bond of two veth
# members and IPv6 addresses on the bonds, micro-BFD at 50 ms x 3:
#  - mixed families, and a bond without a global IPv6 (or any IPv4) address
#    of its own when no local address is given, are refused and leave
#    nothing behind, whatever other interfaces of the namespace hold;
#  - the local address is the bond's own; both members come Up on both
#    sides, their frames on the wire are IPv6, hop limit 255, UDP 6784 to
#    01-00-5E-90-00-01 (tc flower counters on the far member);
#  - UDP to port 6784 to another IPv6 address than the LAG's own, or over
#    IPv4, arrives on a member as data: it reaches the bond, kbfd takes none;
#  - a silent fault on the member carrying the traffic (every frame dropped
#    on one side, carrier up) takes it Down on both sides and ping6 goes on
#    over the other; removing the fault brings it back.
. "$(dirname "$0")/lib.sh"

kbfd_require
require_cmd tc ping jq python3
pe_require
bonding_require

A=kbfd-lag6-a-$$
B=kbfd-lag6-b-$$
netns_add "$A" && netns_add "$B" || skip_all "cannot create namespaces"
bond_pair "$A" "$B" 2 lacp_rate slow xmit_hash_policy layer2 ||
	skip_all "cannot build the bond topology"
ip -n "$A" addr add fd00:9::1/64 dev bond0 nodad
ip -n "$A" addr add 10.9.0.1/24 dev bond0
LA=$(lagdir "$A")
LB=$(lagdir "$B")
count_lag_dirs() { find "$KBFD_SYSFS" -maxdepth 1 -name 'lag-*' | wc -l; }

# Refused: nothing created.
out=$(pe "$A" bfd lag add dev bond0 peer fd00:9::2 local 10.9.0.1 2>&1)
check "an IPv6 peer with an IPv4 local address is refused" grep -q "same family" <<<"$out"
# Addresses elsewhere in B's namespace are never the bond's: source address
# selection would pick them (or loopback's while the bond's link-local is
# still tentative).
ip -n "$B" link add other0 type dummy
ip -n "$B" link set other0 up
ip -n "$B" addr add fd00:99::2/64 dev other0 nodad
ip -n "$B" addr add 10.99.0.2/24 dev other0
out=$(pe "$B" bfd lag add dev bond0 peer fd00:9::1 2>&1)
check "a bond with only a link-local IPv6 address is refused" \
	grep -q "no global IPv6 address" <<<"$out"
out=$(pe "$B" bfd lag add dev bond0 peer 10.9.0.1 2>&1)
check "a bond without an IPv4 address is refused (another interface has one)" \
	grep -q "no IPv4 address" <<<"$out"
check "no LAG left behind" test "$(count_lag_dirs)" = 0
check "no session left behind" test "$(ip netns exec "$B" "$KBFDCTL" dump | wc -l)" = 0
ip -n "$B" addr add fd00:9::2/64 dev bond0 nodad

# B counts what arrives on m1 before kbfd's hook takes it: micro-BFD over
# IPv6 as RFC 7130 has it, and the same port over IPv4 (never expected).
ip netns exec "$B" tc qdisc add dev m1 clsact
ip netns exec "$B" tc filter add dev m1 ingress pref 1 protocol ipv6 flower \
	dst_mac 01:00:5e:90:00:01 ip_proto udp dst_port 6784 ip_ttl 255 action pass
ip netns exec "$B" tc filter add dev m1 ingress pref 2 protocol ip flower \
	ip_proto udp dst_port 6784 action pass
hits() {
	ip netns exec "$B" tc -s -j filter show dev m1 ingress pref "$1" |
		jq '[.[] | .options.actions[0].stats.packets // empty] | add // 0'
}

T="interval 50000 multiplier 3 min-links 1"
check "LAG over IPv6 added in A (local address from the bond)" \
	pe "$A" bfd lag add dev bond0 peer fd00:9::2 $T
check "LAG over IPv6 added in B" pe "$B" bfd lag add dev bond0 peer fd00:9::1 local fd00:9::2 $T
check "A's local address is the bond's global one" grep -qx fd00:9::1 "$LA/local_addr"
check "member sessions have the IPv6 peer" grep -qx fd00:9::2 "$LA/member-m1/peer_addr"
# KBFD_CMD_LAG_GET carries both addresses whole (16 bytes), as they were given.
check "lag show gives the IPv6 peer and local addresses" sh -c \
	"ip netns exec $A $PEEREDGE bfd lag show dev bond0 | grep -q '^lag bond0 peer fd00:9::2 local fd00:9::1\$'"
both_up() { grep -qx 2 "$LA/members_up" && grep -qx 2 "$LB/members_up"; }
check "both members Up on both sides" wait_for 20 both_up
check "LAG Up on both sides" sh -c "grep -qx up $LA/state && grep -qx up $LB/state"
diag "on B's m1: $(hits 1) micro-BFD frames over IPv6, $(hits 2) over IPv4"
check "the frames on the wire: IPv6, hop limit 255, UDP 6784, 01-00-5E-90-00-01" \
	test "$(hits 1)" -gt 0
check "... and none over IPv4" test "$(hits 2)" = 0
ip netns exec "$B" tc qdisc del dev m1 clsact

check "ping6 across the bond" wait_for 30 sh -c \
	"ip netns exec $A ping -6 -q -c 1 -W 1 fd00:9::2 >/dev/null"
# Port 6784 alone does not make micro-BFD: datagrams to another address
# (fd00:9::77, which A resolves to B's bond) or of the other family
# (10.9.0.77) are data to B's members, and must reach B's bond.
bmac=$(ip netns exec "$B" cat /sys/class/net/bond0/address)
ip -n "$A" neigh add fd00:9::77 dev bond0 nud permanent lladdr "$bmac"
ip -n "$A" neigh add 10.9.0.77 dev bond0 nud permanent lladdr "$bmac"
ip netns exec "$B" tc qdisc add dev bond0 clsact
ip netns exec "$B" tc filter add dev bond0 ingress pref 1 protocol ipv6 flower \
	dst_ip fd00:9::77 ip_proto udp dst_port 6784 action pass
ip netns exec "$B" tc filter add dev bond0 ingress pref 2 protocol ip flower \
	dst_ip 10.9.0.77 ip_proto udp dst_port 6784 action pass
bond_hits() {
	ip netns exec "$B" tc -s -j filter show dev bond0 ingress pref "$1" |
		jq '[.[] | .options.actions[0].stats.packets // empty] | add // 0'
}
bond_hits_ge() { [ "$(bond_hits 1)" -ge "$1" ] && [ "$(bond_hits 2)" -ge "$1" ]; }
rx_drops() { cat "$LB"/member-m*/rx_drops | awk '{ n += $1 } END { print n + 0 }'; }
drops0=$(rx_drops)
# (A's datagrams reach B's members with a partial checksum, CHECKSUM_PARTIAL
# over veth: kbfd would count any it took, as it counts a bad one.)
ip netns exec "$A" bash -c 'for i in $(seq 20); do
	echo x >/dev/udp/fd00:9::77/6784; echo x >/dev/udp/10.9.0.77/6784; done'
check "UDP 6784 to another address, IPv6 or IPv4, reaches B's bond (20 + 20)" \
	wait_for 5 bond_hits_ge 20
diag "B's bond saw $(bond_hits 1) + $(bond_hits 2); B's members' rx_drops $drops0 -> $(rx_drops)"
check "... and kbfd took none of it (members' rx_drops unchanged)" \
	test "$(rx_drops)" = "$drops0"
check "the member sessions stay Up" both_up
ip netns exec "$B" tc qdisc del dev bond0 clsact
ip -n "$A" neigh del fd00:9::77 dev bond0
ip -n "$A" neigh del 10.9.0.77 dev bond0

# Both members in both bonds' aggregators before one is faulted (checked,
# not assumed): otherwise the bond has no other member for the traffic, and
# the checks below would fail for LACP's reasons rather than kbfd's.
aggregated() { local ns i; for ns in "$A" "$B"; do for i in m1 m2; do
	[ "$(bond_view "$ns" $i)" = ACTIVE ] || return 1; done; done; }
check "LACP has both members in both bonds' aggregators" wait_for 60 aggregated
txp() { ip netns exec "$A" cat /sys/class/net/"$1"/statistics/tx_packets; }
t1=$(txp m1) t2=$(txp m2)
ip netns exec "$A" ping -6 -q -c 50 -i 0.01 fd00:9::2 >/dev/null 2>&1
busy=m1
(($(txp m2) - t2 > $(txp m1) - t1)) && busy=m2
diag "A sends the ping over $busy"

# Control packets sent by A's own stack (a UDP socket: the checksum left to
# the device, so CHECKSUM_PARTIAL when they reach B's member over veth),
# copies of what A's member session on $busy sends: B's kbfd must take them
# as the valid packets they are, not drop them for their checksum.
stack_send() {
	ip netns exec "$A" python3 - "$(cat "$LA/member-$busy/local_discr")" \
		"$(cat "$LA/member-$busy/remote_discr")" <<-'EOF'
	import socket, struct, sys
	mine, yours = int(sys.argv[1]), int(sys.argv[2])
	s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
	s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_UNICAST_HOPS, 255)
	s.bind(("fd00:9::1", 49153))
	# version 1, Up, detect mult 3, length 24, discriminators, 50 ms intervals
	packet = struct.pack("!BBBBIIIII", 0x20, 0xc0, 3, 24, mine, yours, 50000, 50000, 0)
	for _ in range(20):
	    s.sendto(packet, ("fd00:9::2", 6784))
	EOF
}
bdrops() { cat "$LB/member-$busy/rx_drops"; }
drops1=$(bdrops)
check "A's stack sends 20 control packets to B" stack_send
sleep 0.5
check "... B's $busy drops none (rx_drops $drops1 -> $(bdrops))" test "$(bdrops)" = "$drops1"

ip netns exec "$B" tc qdisc add dev "$busy" clsact
check "silent fault on $busy (carrier stays up)" ip netns exec "$B" tc filter add dev "$busy" \
	ingress matchall action drop
not_up() { grep -qx down "$LB/member-$busy/state" && ! grep -qx up "$LA/member-$busy/state"; }
check "$busy goes Down in B, not Up in A" wait_for 10 not_up
check "B's $busy diagnostic is 1 (detection time expired)" grep -qx 1 "$LB/member-$busy/diag"
check "LAG stays Up (1 >= min-links)" sh -c "grep -qx up $LA/state && grep -qx up $LB/state"
pingout=$(ip netns exec "$A" ping -6 -q -n -c 100 -i 0.01 -W 1 fd00:9::2 2>&1)
got=$(awk '/received/ { print $4 }' <<<"$pingout")
diag "with $busy faulted: ${got:-0} of 100 pings came back"
check "ping6 goes on over the other member (>= 99 of 100)" test "${got:-0}" -ge 99
check "A re-sent the bond's frames on the healthy member" test "$(cat "$LA/tx_redirects")" -gt 0
diag "A: tx_redirects $(cat "$LA/tx_redirects"), tx_drops $(cat "$LA/tx_drops")"
if [ "${got:-0}" -lt 99 ]; then	# what an intermittent failure needs explained
	for i in m1 m2; do
		diag "$i: A $(cat "$LA/member-$i/state"), B $(cat "$LB/member-$i/state")," \
		     "A's bond $(bond_view "$A" $i), B's bond $(bond_view "$B" $i)"
	done
	diag "ping said: $(tail -n 3 <<<"$pingout" | tr '\n' ';')"
	diag "A's neighbours: $(ip -n "$A" -6 neigh show dev bond0 | tr '\n' ';')"
	diag "B's neighbours: $(ip -n "$B" -6 neigh show dev bond0 | tr '\n' ';')"
fi
ip netns exec "$B" tc qdisc del dev "$busy" clsact
check "fault removed: $busy Up again on both sides" wait_for 20 both_up

check "LAG deleted in A" pe "$A" bfd lag del dev bond0
check "LAG deleted in B" pe "$B" bfd lag del dev bond0
check "no LAG left" test "$(count_lag_dirs)" = 0
done_testing
