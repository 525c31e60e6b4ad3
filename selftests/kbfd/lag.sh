#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# RFC 7130 micro-BFD on bonding (802.3ad) members. Two namespaces, each with
# a bond of three veth members joined pairwise; a LAG on both bonds,
# configured with the CLI (peeredge bfd lag), 50 ms x 3, keyed SHA1:
#  - bad input is refused with a reason and leaves nothing behind;
#  - every member session comes Up, the LAG is Up, sysfs shows it all;
#  - UDP to port 6784 but to another address than the LAG's own arrives on
#    a member as data: it reaches the bond, kbfd takes none of it; nor does
#    such a datagram leave on a member that is not Up (fault below);
#  - a silent fault on the member that carries the ping (every frame but
#    LACP's dropped on one side, carrier up, LACP left believing) takes that
#    member Down on both sides and the traffic goes on over the others; the
#    bonds' own view follows (kbfd holds the member's LACPDUs back, LACP
#    times out); removing the fault brings the member back, in the bonds'
#    view too, and it carries data again;
#  - two faulted members take the LAG below min-links: LAG Down event;
#  - release and re-enslave while sessions run; a member's link set down;
#  - the bond deleted under a live LAG, then rmmod with a live LAG.
. "$(dirname "$0")/lib.sh"

kbfd_require
require_cmd tc ping jq python3
pe_require
bonding_require

A=kbfd-lag-a-$$
B=kbfd-lag-b-$$
netns_add "$A" && netns_add "$B" || skip_all "cannot create namespaces"

topology() {
	bond_pair "$A" "$B" 3 lacp_rate fast xmit_hash_policy layer2 || return 1
	ip -n "$A" addr add 10.9.0.1/24 dev bond0
	ip -n "$B" addr add 10.9.0.2/24 dev bond0
}
topology || skip_all "cannot build the bond topology"

LA=$(lagdir "$A")
LB=$(lagdir "$B")
mstate() { cat "$1/member-$2/state" 2>/dev/null; }
lag_is() { [ "$(cat "$1/state" 2>/dev/null)" = "$2" ]; }
members_up() { [ "$(cat "$1/members_up" 2>/dev/null)" = "$2" ]; }
both_members_up() { members_up "$LA" "$1" && members_up "$LB" "$1"; }
m_is() { [ "$(mstate "$LA" "$1")" = "$2" ] && [ "$(mstate "$LB" "$1")" = "$2" ]; }
count_lag_dirs() { find "$KBFD_SYSFS" -maxdepth 1 -name 'lag-*' | wc -l; }
count_sessions() { ip netns exec "$1" "$KBFDCTL" dump | wc -l; }

# ping_recv NS COUNT: packets received back over the bond.
ping_recv() {
	ip netns exec "$A" ping -q -n -c "$2" -i 0.01 -W 1 10.9.0.2 2>/dev/null |
		awk '/received/ { print $4 }'
}

# Bad input first: refused with a reason, nothing created.
out=$(pe "$A" bfd lag add dev m1 peer 10.9.0.2 2>&1)
check "a non-bond device is refused" test $? != 0
check "... with the kernel's reason" grep -q "not a bonding device" <<<"$out"
out=$(pe "$A" bfd lag del dev bond0 2>&1)
check "deleting a LAG that does not exist is refused" grep -q "no LAG" <<<"$out"
out=$(pe "$A" bfd lag show dev bond0 2>&1)
check "showing a LAG that does not exist is refused" grep -q "no LAG on this interface" <<<"$out"
out=$(pe "$A" bfd lag add dev bond0 peer fd00::2 2>&1)
check "an IPv6 peer is refused when the bond has no IPv6 address" \
	grep -q "no global IPv6 address" <<<"$out"
check_fails "a bad min-links is refused" pe "$A" bfd lag add dev bond0 peer 10.9.0.2 min-links 0
check_fails "an unknown interface is refused" pe "$A" bfd lag add dev nosuch0 peer 10.9.0.2
check "no LAG left behind" test "$(count_lag_dirs)" = 0
check "no session left behind" test "$(count_sessions "$A")" = 0

mon=$(mktemp)
ip netns exec "$A" "$PEEREDGE" bfd monitor >"$mon" 2>&1 &
monpid=$!
sleep 0.5

T="interval 50000 multiplier 3 min-links 2 auth keyed-sha1 key-id 7 key s3cret"
check "LAG added in A" pe "$A" bfd lag add dev bond0 peer 10.9.0.2 local 10.9.0.1 $T
check "LAG added in B (local address from the bond)" pe "$B" bfd lag add dev bond0 peer 10.9.0.1 $T
out=$(pe "$A" bfd lag add dev bond0 peer 10.9.0.2 2>&1)
check "a second LAG on the same bond is refused" grep -q "already exists" <<<"$out"
check "sysfs: A's LAG directory" test -d "$LA"
check "sysfs: three members" test "$(cat "$LA/members")" = 3
check "sysfs: B's local address was chosen" grep -qx 10.9.0.2 "$LB/local_addr"
check "member sessions authenticate (keyed SHA1)" grep -qx 4 "$LA/member-m1/auth_type"
check "all three members Up on both sides" wait_for 20 both_members_up 3
check "LAG Up on both sides" sh -c "grep -qx up $LA/state && grep -qx up $LB/state"
check "member sessions are listed with the bond" sh -c \
	"ip netns exec $A $PEEREDGE -j bfd show | grep -Eq '\"lag\": ?\"bond0\"'"
check "lag show lists three members Up" sh -c \
	"ip netns exec $A $PEEREDGE bfd lag show dev bond0 | grep -c 'member .* Up (remote Up)' | grep -qx 3"
check "lag show -j" sh -c "ip netns exec $A $PEEREDGE -j bfd lag show | grep -Eq '\"members_up\": ?3'"
d1=$(cat "$LA/member-m1/local_discr")
check_fails "a member session cannot be deleted on its own" kctl "$A" del discr "$d1"
[ -d /sys/kernel/tracing/events ] || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
check "tracepoint kbfd:lag_member exists" test -d /sys/kernel/tracing/events/kbfd/lag_member

# Traffic over the bond, once LACP has settled.
check "ping across the bond" wait_for 30 sh -c \
	"ip netns exec $A ping -q -c 1 -W 1 10.9.0.2 >/dev/null"
# Port 6784 alone does not make micro-BFD: a datagram to another address
# (10.9.0.77, which A resolves to B's bond) is data to B's members, and
# must reach B's bond rather than be taken (and dropped) by kbfd.
ip -n "$A" neigh add 10.9.0.77 dev bond0 nud permanent \
	lladdr "$(ip netns exec "$B" cat /sys/class/net/bond0/address)"
ip netns exec "$B" tc qdisc add dev bond0 clsact
ip netns exec "$B" tc filter add dev bond0 ingress pref 1 protocol ip flower \
	dst_ip 10.9.0.77 ip_proto udp dst_port 6784 action pass
bond_hits() {
	ip netns exec "$B" tc -s -j filter show dev bond0 ingress pref 1 |
		jq '[.[] | .options.actions[0].stats.packets // empty] | add // 0'
}
bond_hits_ge() { [ "$(bond_hits)" -ge "$1" ]; }
rx_drops() { cat "$LB"/member-m*/rx_drops | awk '{ n += $1 } END { print n + 0 }'; }
drops0=$(rx_drops)
ddrops0=$(cat "$LB/rx_data_drops")
# (A's datagrams reach B's members with a partial checksum, CHECKSUM_PARTIAL
# over veth: kbfd would count any it took, as it counts a bad one.)
ip netns exec "$A" bash -c 'for i in $(seq 20); do echo x >/dev/udp/10.9.0.77/6784; done'
check "UDP 6784 to another address reaches B's bond (20 datagrams)" \
	wait_for 5 bond_hits_ge 20
diag "B's bond saw $(bond_hits); B's members' rx_drops $drops0 -> $(rx_drops)"
check "... and kbfd took none of it (members' rx_drops unchanged)" \
	test "$(rx_drops)" = "$drops0"
check "... nor dropped it as data (rx_data_drops unchanged)" \
	test "$(cat "$LB/rx_data_drops")" = "$ddrops0"
check "the member sessions stay Up" both_members_up 3

# Micro-BFD frames that the IP or UDP layer would have refused, sent by A
# straight onto its m1 (a packet socket, past its stack): B's kbfd, which
# takes them before any layer could, counts each in the member session's
# rx_drops (bad_header) and the sessions stay Up.
# inject KIND COUNT: KIND udp_csum, ip_csum or udp_len.
inject() {
	ip netns exec "$A" python3 - "$1" "$2" \
		"$(ip netns exec "$A" cat /sys/class/net/m1/address)" <<-'EOF'
	import socket, struct, sys
	kind, count, mac = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3].replace(":", ""))
	def fold(b):
	    if len(b) % 2:
	        b += b"\0"
	    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
	    while s >> 16:
	        s = (s & 0xffff) + (s >> 16)
	    return ~s & 0xffff
	src, dst = socket.inet_aton("10.9.0.1"), socket.inet_aton("10.9.0.2")
	# BFD control: version 1, Up, detect mult 3, length 24, discriminators, intervals
	bfd = struct.pack("!BBBBIIIII", 0x20, 0xc0, 3, 24, 1, 2, 50000, 50000, 0)
	ulen = 8 + len(bfd)
	udp = struct.pack("!HHHH", 49152, 6784, ulen + (100 if kind == "udp_len" else 0), 0) + bfd
	ucsum = fold(src + dst + struct.pack("!BBH", 0, 17, len(udp)) + udp) or 0xffff
	if kind == "udp_csum":
	    ucsum ^= 0x5a5a
	udp = udp[:6] + struct.pack("!H", ucsum) + udp[8:]
	ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0xc0, 20 + len(udp), 0, 0, 255, 17, 0, src, dst)
	icsum = fold(ip) ^ (0x5a5a if kind == "ip_csum" else 0)
	ip = ip[:10] + struct.pack("!H", icsum) + ip[12:]
	frame = bytes.fromhex("01005e900001") + mac + b"\x08\x00" + ip + udp
	s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
	s.bind(("m1", 0))
	for _ in range(count):
	    s.send(frame)
	EOF
}
mdrops0=$(cat "$LB/member-m1/rx_drops")
for kind in udp_csum ip_csum udp_len; do inject $kind 3; done
mdrops_are() { [ "$(cat "$LB/member-m1/rx_drops")" = "$1" ]; }
check "9 frames with a bad UDP checksum, IP checksum or UDP length: 9 rx_drops on B's m1" \
	wait_for 5 mdrops_are $((mdrops0 + 9))
diag "B's m1 rx_drops $mdrops0 -> $(cat "$LB/member-m1/rx_drops")"
check "... and the member sessions stay Up" both_members_up 3

txp() { ip netns exec "$A" cat /sys/class/net/"$1"/statistics/tx_packets; }
declare -A before
for i in 1 2 3; do before[m$i]=$(txp m$i); done
got=$(ping_recv "$A" 100)
check "100 pings, none lost, all members Up" test "${got:-0}" -ge 99
busy=m1 most=0
for i in 1 2 3; do
	d=$(($(txp m$i) - before[m$i]))
	((d > most)) && most=$d busy=m$i
done
diag "A sends the ping over $busy ($most frames)"

# Silent fault on that member: B drops everything it receives on it but
# LACPDUs, so LACP alone would never notice.
fault() { ip netns exec "$B" tc qdisc add dev "$1" clsact &&
	  ip netns exec "$B" tc filter add dev "$1" ingress pref 1 protocol 0x8809 matchall action ok &&
	  ip netns exec "$B" tc filter add dev "$1" ingress pref 2 matchall action drop; }
view_is() { [ "$(bond_view "$A" "$1")" = "$2" ] && [ "$(bond_view "$B" "$1")" = "$2" ]; }
unfault() { ip netns exec "$B" tc qdisc del dev "$1" clsact; }
# Pings run across the fault until both sides see the member not Up, and a
# second longer: each lost one is ~10 ms without service. Ending the run on
# the sessions' state rather than on a ping count keeps the window covered
# however slowly the commands around it run, and well before LACP's own
# timeout (3 s) takes the member out of A's bond: until then A's bond still
# hashes the ping onto it, and kbfd must re-send those frames elsewhere.
# B hears nothing on it: Down. A still hears B's Down packets: Down or Init,
# never Up again, so it carries no data either.
not_up() { [ "$(mstate "$LB" "$1")" = down ] && [ "$(mstate "$LA" "$1")" != up ]; }
pingout=$(mktemp)
ip netns exec "$A" ping -n -c 3000 -i 0.01 -W 1 10.9.0.2 >"$pingout" 2>&1 &
pingpid=$!
sleep 0.5
check "silent fault on $busy (carrier stays up)" fault "$busy"
check "$busy goes Down in B, not Up in A" wait_for 10 not_up "$busy"
# Nor does port 6784 make micro-BFD on the way out: A's bond still hashes
# datagrams to 10.9.0.77 onto $busy (until LACP takes it out, 3 s), and
# those from an address that is not the LAG's are data, re-sent on a
# healthy member, not let out on the faulted one.
h0=$(bond_hits)
ip -n "$A" addr add 10.9.0.11/24 dev bond0
ip netns exec "$A" python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.9.0.11", 0))
for i in range(20):
    s.sendto(b"x", ("10.9.0.77", 6784))'
check "UDP 6784 not from the LAG's address leaves A on a healthy member" \
	wait_for 5 bond_hits_ge $((h0 + 20))
ip -n "$A" addr del 10.9.0.11/24 dev bond0
ip netns exec "$B" tc qdisc del dev bond0 clsact
ip -n "$A" neigh del 10.9.0.77 dev bond0
sleep 1
kill -INT "$pingpid"
wait "$pingpid"
sent=$(awk '/transmitted/ { print $1 }' "$pingout")
got=$(awk '/transmitted/ { print $4 }' "$pingout")
rm -f "$pingout"
diag "$((${sent:-0} - ${got:-0})) of ${sent:-0} pings (10 ms apart) lost across the fault"
check "fewer than 100 pings lost across the fault (detection + switch-over)" \
	test "${got:-0}" -gt 0 -a "$((${sent:-0} - ${got:-0}))" -lt 100
check "A re-sent the bond's frames on a healthy member" test "$(cat "$LA/tx_redirects")" -gt 0
check "B's $busy diagnostic is 1 (detection time expired)" \
	grep -qx 1 "$LB/member-$busy/diag"
check "LAG stays Up (2 >= min-links)" sh -c "grep -qx up $LA/state && grep -qx up $LB/state"
check "the others stay Up" test "$(cat "$LA/members_up")" = 2
got=$(ping_recv "$A" 200)
diag "with $busy faulted: $got of 200 pings came back"
check "traffic goes on over the other members (>= 198 of 200)" test "${got:-0}" -ge 198
check "$busy carrier is still up in A" sh -c \
	"ip netns exec $A cat /sys/class/net/$busy/carrier | grep -qx 1"
check "both bonds take $busy out of their aggregator (LACP, fast rate: 3 s)" \
	wait_for 60 view_is "$busy" BACKUP
check "... because kbfd held its LACPDUs back (rx_lacp_held)" sh -c \
	"[ \$(cat $LA/rx_lacp_held) -gt 0 ] && [ \$(cat $LB/rx_lacp_held) -gt 0 ]"

check "fault removed" unfault "$busy"
check "$busy comes back Up on both sides" wait_for 20 m_is "$busy" up
check "... and into both bonds' aggregators" wait_for 60 view_is "$busy" ACTIVE
t0=$(txp "$busy")
got=$(ping_recv "$A" 100)
check "traffic after recovery (>= 99 of 100)" test "${got:-0}" -ge 99
check "$busy carries data again" test "$(($(txp "$busy") - t0))" -ge 90

# Two members faulted: below min-links, the LAG goes Down, then Up again.
other=m1
[ "$busy" = m1 ] && other=m2
fault "$busy"
fault "$other"
check "two faults: LAG Down on both sides" wait_for 10 sh -c \
	"grep -qx down $LA/state && grep -qx down $LB/state"
unfault "$busy"
unfault "$other"
check "faults removed: LAG Up again" wait_for 20 both_members_up 3

# Release and re-enslave while the sessions run.
ip -n "$A" link set m3 nomaster
check "released member leaves the LAG" wait_for 5 sh -c "[ \"\$(cat $LA/members)\" = 2 ]"
check "its sysfs link is gone" test ! -e "$LA/member-m3"
check "the peer's session goes Down (told AdminDown: diag 3)" wait_for 10 sh -c \
	"grep -qx down $LB/member-m3/state && grep -qx 3 $LB/member-m3/diag"
ip -n "$A" link set m3 down
ip -n "$A" link set m3 master bond0
ip -n "$A" link set m3 up
check "re-enslaved member joins the LAG" wait_for 5 sh -c "[ \"\$(cat $LA/members)\" = 3 ]"
check "... and comes Up on both sides" wait_for 20 both_members_up 3

# A member's link going down takes its session Down at once (Path Down).
ip -n "$A" link set m2 down
check "link down: A's m2 Down with diag 5 (path down)" wait_for 5 sh -c \
	"grep -qx down $LA/member-m2/state && grep -qx 5 $LA/member-m2/diag"
ip -n "$A" link set m2 up
check "link up: m2 Up again" wait_for 20 both_members_up 3

sleep 0.5
kill "$monpid" 2>/dev/null
wait "$monpid" 2>/dev/null
check "monitor: member Up -> Down event" grep -Eq "dev $busy lag bond0: Up -> Down" "$mon"
check "monitor: LAG Up -> Down event" grep -Eq "lag bond0: Up -> Down \(1 up, min-links 2\)" "$mon"
check "monitor: LAG Down -> Up event" grep -Eq "lag bond0: Down -> Up" "$mon"
check "monitor: member removed / added events" sh -c \
	"grep -q 'member removed m3' $mon && grep -q 'member added m3' $mon"
grep "lag bond0: " "$mon" | sed 's/^/# /'
rm -f "$mon"

# The bond deleted under a live LAG; then rmmod with a live LAG.
ip -n "$B" link del bond0
check "deleting B's bond removes its LAG" wait_for 10 test ! -e "$LB"
check "... and its member sessions" wait_for 10 sh -c "[ \$(ip netns exec $B $KBFDCTL dump | wc -l) = 0 ]"
check "A's members go Down" wait_for 10 members_up "$LA" 0
check "A's LAG is Down" lag_is "$LA" down
check "LAG delete in A" pe "$A" bfd lag del dev bond0
check "A's LAG directory is gone" test ! -e "$LA"
check "LAG added again in A" pe "$A" bfd lag add dev bond0 peer 10.9.0.2 $T
check "rmmod with a live LAG" kbfd_unload
check "sysfs gone" test ! -e "$KBFD_SYSFS"
check "the bond still works without kbfd" sh -c "ip -n $A link show bond0 >/dev/null"
check "kbfd loads again" kbfd_load

# A namespace deleted with a live LAG takes it along.
ip -n "$B" link add bond1 type bond mode 802.3ad miimon 100
ip -n "$B" link set m1 down
ip -n "$B" link set m1 master bond1
ip -n "$B" link set m1 up
ip -n "$B" link set bond1 up
check "LAG on a new bond in B" pe "$B" bfd lag add dev bond1 peer 10.9.0.1 local 10.9.0.2
LB1=$(lagdir "$B" bond1)
check "... has its directory" test -d "$LB1"
ip netns del "$B"
check "deleting the namespace removes the LAG" wait_for 10 test ! -e "$LB1"
check "no LAG left at all" wait_for 10 sh -c "[ \$(find $KBFD_SYSFS -maxdepth 1 -name 'lag-*' | wc -l) = 0 ]"
done_testing
