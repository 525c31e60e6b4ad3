#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The peering lab of `make demo` (and of `make check`, in the qemu guest).
#
# The peer, contoso (AS 3320), runs FRR (zebra, bgpd, bfdd); the edge (AS
# 8075) runs peeredge: kbfd.ko, peeredged, the XDP allowlist. They are
# joined by three 802.3ad bonds of two veth pairs each: two at the primary
# location (Amsterdam, routers edge-1 and edge-2) and one at the backup
# (Frankfurt, edge-3). Each bond carries one BGP session over BFD and
# micro-BFD on its members (both sides run kbfd for micro-BFD; FRR has
# none). The story, each step checked:
#   1. sessions come up; traffic from contoso's SBC is dropped (nothing
#      Verified yet);
#   2. the SBC block is registered, two subnets activated with the key: one
#      goes Verified, the one announced without 8075:8007 goes Failed with
#      its message; the FIB and the allowlist hold exactly the Verified one;
#   3. traffic from the Verified source passes, from an unregistered or a
#      Failed source it is dropped and counted;
#   4. a silent fault on the LAG member carrying the traffic: micro-BFD takes
#      it out, the traffic goes on; the fault removed, it comes back;
#   5. a whole connection cut: BFD Down resets BGP at once, the prefix goes
#      Warning naming the missing session, the routes move in one nexthop
#      update; restored, everything is back to Verified.
# It ends with a summary table and passes only if every step did.
. "$(dirname "$0")/../lib/lib.sh"
require_root
require_cmd ip nft ping python3 vtysh
PEEREDGED=${PEEREDGED:-$TOP/build/agent/peeredged}
PEEREDGE=${PEEREDGE:-$TOP/build/agent/peeredge}
FRR=/usr/lib/frr
[ -x "$PEEREDGED" ] && [ -x "$PEEREDGE" ] || skip_all "the agent is not built (make agent)"
[ -x "$FRR/bgpd" ] && [ -x "$FRR/bfdd" ] && [ -x "$FRR/zebra" ] || skip_all "FRR is not installed"
[ -f "$KBFD_KO" ] || skip_all "kbfd.ko is not built (make kmod)"
[ -f /proc/modules ] || skip_all "this kernel has no module support (run it in the guest: make demo)"
modprobe -q bonding max_bonds=0 2>/dev/null || skip_all "no bonding module"
kbfd_load || skip_all "kbfd.ko does not load"

W=$(mktemp -d /tmp/peeredge-demo.XXXXXX)
chmod 755 "$W"
EDGE=demo-edge-$$
PEER=demo-peer-$$
PID=
cleanup() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	jobs -p | xargs -r kill 2>/dev/null
	for f in "$W"/frr/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; done
	netns_cleanup
	umount "$W/bpffs" 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

T0=$EPOCHREALTIME
say() { printf '# [%7.2f s] %s\n' "$(bc_sub "$EPOCHREALTIME" "$T0")" "$*"; }
bc_sub() { python3 -c "print($1 - $2)"; }
pe() { ip netns exec "$EDGE" "$PEEREDGE" -s "$W/pe.sock" "$@"; }
pe_peer() { ip netns exec "$PEER" "$PEEREDGE" "$@"; }
json_get() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
# frr_bgp CMD...: configuration commands under contoso's "router bgp".
frr_bgp() {
	local c args=(-c "configure terminal" -c "router bgp 3320" -c "address-family ipv4 unicast")
	for c in "$@"; do args+=(-c "$c"); done
	ip netns exec "$PEER" vtysh --vty_socket "$W/frr" -d bgpd "${args[@]}"
}

# Summary rows: step, expected, observed.
SUMMARY=()
row() { SUMMARY+=("$1|$2|$3"); }

# --- topology: three LAGs of two members ------------------------------------
LOC=([1]=Amsterdam [2]=Amsterdam [3]=Frankfurt)
topology() {
	local i m ns
	for i in 1 2 3; do
		for m in 1 2; do
			ip -n "$EDGE" link add "l${i}m$m" type veth peer name "l${i}m$m" netns "$PEER" || return 1
		done
		for ns in "$EDGE" "$PEER"; do
			ip -n "$ns" link add "bond$i" type bond mode 802.3ad miimon 100 \
				lacp_rate fast xmit_hash_policy layer3+4 || return 1
			for m in 1 2; do
				ip -n "$ns" link set "l${i}m$m" master "bond$i" || return 1
				ip -n "$ns" link set "l${i}m$m" up
			done
			ip -n "$ns" link set "bond$i" up
		done
		ip -n "$EDGE" addr add "10.20.$i.1/30" dev "bond$i"
		ip -n "$PEER" addr add "10.20.$i.2/30" dev "bond$i"
	done
	# The edge's service address (announced to contoso), the SBC's sources.
	ip -n "$EDGE" addr add 10.255.0.1/32 dev lo
	ip -n "$PEER" addr add 45.10.20.1/32 dev lo	# inside the Verified /26
	ip -n "$PEER" addr add 45.10.20.65/32 dev lo	# inside the Failed /26
	ip -n "$PEER" addr add 45.10.99.1/32 dev lo	# never registered
	ip netns exec "$EDGE" sysctl -qw net.ipv4.conf.all.rp_filter=0
	# peeredged installs into table 100; the edge routes by it.
	ip -n "$EDGE" rule add lookup 100 pref 100
}
netns_add "$EDGE" && netns_add "$PEER" || skip_all "cannot create namespaces"
topology || skip_all "cannot build the bonds (802.3ad over veth)"
say "lab: edge and contoso joined by bond1, bond2 (Amsterdam) and bond3 (Frankfurt), 2 members each"

# --- contoso: FRR with BFD ----------------------------------------------------
mkdir -p "$W/frr" && chmod 777 "$W/frr"
cat >"$W/frr/zebra.conf" <<EOF
hostname contoso
log file $W/frr/zebra.log
EOF
cat >"$W/frr/bfdd.conf" <<EOF
hostname contoso
log file $W/frr/bfdd.log
EOF
cat >"$W/frr/bgpd.conf" <<EOF
frr defaults traditional
hostname contoso
log file $W/frr/bgpd.log
route-map TAGGED permit 10
 set community 8075:8007
route-map UNTAGGED permit 10
router bgp 3320
 bgp router-id 10.20.1.2
 no bgp ebgp-requires-policy
 no bgp network import-check
 timers bgp 3 9
 neighbor EDGE peer-group
 neighbor EDGE remote-as 8075
 neighbor EDGE bfd
 neighbor EDGE timers connect 1
 neighbor 10.20.1.1 peer-group EDGE
 neighbor 10.20.2.1 peer-group EDGE
 neighbor 10.20.3.1 peer-group EDGE
 address-family ipv4 unicast
  network 45.10.20.0/24 route-map TAGGED
  maximum-paths 8
 exit-address-family
EOF
frr_start() {
	local d=$1
	shift
	ip netns exec "$PEER" "$FRR/$d" -d -f "$W/frr/$d.conf" -i "$W/frr/$d.pid" \
		-z "$W/frr/zserv.api" --vty_socket "$W/frr" -u frr -g frr -A 127.0.0.1 -P 0 "$@" \
		>>"$W/frr/stdout" 2>&1
}
frr_start zebra && frr_start bfdd --bfdctl "$W/frr/bfdd.sock" && frr_start bgpd ||
	skip_all "FRR does not start: $(cat "$W/frr/stdout")"

# --- the edge: peeredged -------------------------------------------------------
cat >"$W/irr.db" <<EOF
route:  45.10.20.0/24
descr:  contoso SBC block
origin: AS3320
source: DEMO
EOF
cat >"$W/pe.conf" <<EOF
router-id 10.20.1.1;
local-as 8075;
peering contoso { asn 3320; kind voice; xdp bond1; xdp bond2; xdp bond3; }
registry $W/irr.db;
state-file $W/state;
fib table 100;
grace-period 30;		# Pending this long before Failed
xdp pin-dir $W/bpffs/peeredge;
EOF
for i in 1 2 3; do
	cat >>"$W/pe.conf" <<EOF
neighbor edge-$i { address 10.20.$i.2; local-address 10.20.$i.1; remote-as 3320;
	hold-time 9; bfd on; dev bond$i; peering contoso; location ${LOC[$i]}; router edge-$i;
	announce 10.255.0.0/24; }
EOF
done
# "ip netns exec" mounts a fresh /sys, hiding /sys/fs/bpf: a bpffs of our own.
mkdir "$W/bpffs" && mount -t bpf bpf "$W/bpffs" || skip_all "cannot mount a bpffs"
ip netns exec "$EDGE" "$PEEREDGED" -d -f "$W/pe.conf" -s "$W/pe.sock" >"$W/peeredged.log" 2>&1 &
PID=$!
if ! wait_for 10 test -S "$W/pe.sock"; then
	sed 's/^/# peeredged: /' "$W/peeredged.log"
	tap_not_ok "peeredged starts"
	done_testing
fi

# Micro-BFD on every member, both sides, 20 ms x 3.
MB="interval 20000 multiplier 3"
for i in 1 2 3; do
	pe bfd lag add dev "bond$i" peer "10.20.$i.2" local "10.20.$i.1" $MB >/dev/null
	pe_peer bfd lag add dev "bond$i" peer "10.20.$i.1" local "10.20.$i.2" $MB >/dev/null
done
ip netns exec "$EDGE" "$PEEREDGE" -j bfd monitor >"$W/bfd-events" 2>&1 &
ip netns exec "$EDGE" ip -ts monitor nexthop >"$W/nh-events" 2>&1 &

conn_field() { pe -j connection show | json_get "[c['$2'] for c in j['connections'] if c['name']=='$1'][0]"; }
active() { local c; for c in "$@"; do [ "$(conn_field "$c" state)" = Active ] || return 1; done; }
lag_members_up() { [ "$(pe -j bfd lag show dev "$1" | json_get "j[0]['members_up']")" = "$2" ]; }
all_lags_up() { local i; for i in 1 2 3; do lag_members_up "bond$i" 2 || return 1; done; }

t=$EPOCHREALTIME
check "micro-BFD: all six members Up" wait_for 60 all_lags_up
check "three BGP sessions over BFD: connections Active" wait_for 90 active edge-1 edge-2 edge-3
ok=$([ "$__tap_failed" = 0 ] && echo yes || echo NO)
say "sessions up: 3 BGP over BFD (kbfd <-> FRR bfdd), 6 micro-BFD members"
row "bring-up" "3 BGP/BFD sessions, 6 members Up" "$ok, $(bc_sub "$EPOCHREALTIME" "$t" | cut -c1-5) s"

# --- traffic before registration ----------------------------------------------
xdp_count() { # REASON: summed over the three bonds
	pe -j xdp show | json_get "sum(i['counters']['$1']['packets'] for i in j['interfaces'])"
}
# ping_from SRC COUNT [INTERVAL]: replies received.
ping_from() {
	ip netns exec "$PEER" ping -q -n -I "$1" -c "$2" -i "${3:-0.05}" -W 1 10.255.0.1 2>/dev/null |
		awk '/received/ { print $4 }'
}
d0=$(xdp_count drop_v4_src)
got=$(ping_from 45.10.20.1 5)
check "before registration the SBC's traffic is dropped" test "${got:-0}" = 0
check "... and counted by XDP (drop_v4_src)" test "$(xdp_count drop_v4_src)" -ge $((d0 + 5))
say "before registration: 5 pings from 45.10.20.1, ${got:-0} answered (XDP drop_v4_src)"
row "unregistered SBC traffic" "dropped" "${got:-0}/5 through"

# --- registration and validation ----------------------------------------------
sp_field() { pe -j service-prefix show "$1" | json_get "j['service_prefixes'][0]['$2']"; }
sp_is() { [ "$(sp_field "$1" state)" = "$2" ]; }
out=$(pe registered-prefix add sbc 45.10.20.0/24 peering contoso)
KEY=$(sed -n 's/.* key \([0-9a-f-]*\)$/\1/p' <<<"$out")
check "registered-prefix add prints the prefix key" test -n "$KEY"
say "registered 45.10.20.0/24 (contoso), key $KEY"
check "service-prefix voice-a 45.10.20.0/26" pe service-prefix add voice-a 45.10.20.0/26 key "$KEY" \
	primary Amsterdam backup Frankfurt
check "service-prefix voice-b 45.10.20.64/26" pe service-prefix add voice-b 45.10.20.64/26 key "$KEY" \
	primary Amsterdam backup Frankfurt
check "not announced yet: both Pending" eval 'sp_is voice-a Pending && sp_is voice-b Pending'
say "activated voice-a 45.10.20.0/26 and voice-b 45.10.20.64/26 with the key: Pending"
t=$EPOCHREALTIME
check "contoso announces them (voice-b without 8075:8007)" frr_bgp \
	"network 45.10.20.0/26 route-map TAGGED" "network 45.10.20.64/26 route-map UNTAGGED"
check "voice-a goes Verified" wait_for 20 sp_is voice-a Verified
tv=$(bc_sub "$EPOCHREALTIME" "$t" | cut -c1-5)
check "voice-b goes Failed once its grace period is over" wait_for 45 sp_is voice-b Failed
msg=$(sp_field voice-b messages)
check "... with the rule's message" grep -qF \
	"Received route for prefix should have the Peering Service community 8075:8007" <<<"$msg"
check "voice-a's events: None -> Pending -> Verified" eval \
	'pe events voice-a | grep -q "None -> Pending" && pe events voice-a | grep -q "Pending -> Verified"'
pe events voice-a | sed 's/^/#   /'
say "announced: voice-a Verified $tv s later; voice-b Failed: $msg"
row "activation" "voice-a Verified, voice-b Failed" "$(sp_field voice-a state) in $tv s, $(sp_field voice-b state)"

fib_prefixes() { ip -n "$EDGE" -j route show table 100 | json_get "' '.join(sorted(r['dst'] for r in j))"; }
check "the FIB holds exactly the Verified prefix" test "$(fib_prefixes)" = 45.10.20.0/26
route_nhid() { ip -n "$EDGE" route show table 100 45.10.20.0/26 | sed -n 's/.*nhid \([0-9]*\).*/\1/p'; }
group_size() { ip -n "$EDGE" nexthop show id "$(route_nhid)" | sed -n 's/.*group \([0-9/]*\).*/\1/p' | tr / '\n' | grep -c .; }
check "... through a group of the three connections" test "$(group_size)" = 3

# --- traffic through the allowlist ---------------------------------------------
ping_from 45.10.20.1 1 >/dev/null	# the edge resolves contoso's address first
got=$(ping_from 45.10.20.1 20)
check "traffic from the Verified source passes (20/20)" test "${got:-0}" = 20
d0=$(xdp_count drop_v4_src)
bad=$(ping_from 45.10.99.1 5)
badf=$(ping_from 45.10.20.65 5)
check "traffic from an unregistered source is dropped" test "${bad:-0}" = 0
check "traffic from the Failed prefix is dropped" test "${badf:-0}" = 0
check "... both counted by XDP" test "$(xdp_count drop_v4_src)" -ge $((d0 + 10))
say "traffic: Verified 45.10.20.1 ${got:-0}/20 through; unregistered 45.10.99.1 ${bad:-0}/5; Failed 45.10.20.65 ${badf:-0}/5"
row "allowlist" "Verified passes, others dropped" "${got:-0}/20, ${bad:-0}/5, ${badf:-0}/5"

# --- a silent fault on the member that carries the traffic -----------------------
txp() { ip netns exec "$PEER" cat "/sys/class/net/$1/statistics/tx_packets"; }
members=(l1m1 l1m2 l2m1 l2m2 l3m1 l3m2)
declare -A before
for m in "${members[@]}"; do before[$m]=$(txp "$m"); done
ping_from 45.10.20.1 30 0.02 >/dev/null
busy= most=0
for m in "${members[@]}"; do
	d=$(($(txp "$m") - before[$m]))
	((d > most)) && most=$d busy=$m
done
bond=bond${busy:1:1}
# fault FILE: loads the nft ruleset FILE in contoso's namespace; prints
# CLOCK_MONOTONIC (the clock of kbfd's event stamps) and the wall clock in
# ns as nft starts, and how long nft took in ms. Times are taken from its
# start: under emulation nft needs a good part of a second, and a 20 ms
# session may be Down before it has returned.
fault() {
	python3 -c 'import subprocess, sys, time
m, w = time.monotonic_ns(), time.time_ns()
subprocess.run(sys.argv[1:], check=True)
print(m, w, (time.monotonic_ns() - m) // 1000000)' ip netns exec "$PEER" nft -f "$1"
}
# A silent fault: the member's carrier stays up, every frame both ways is lost.
nft_drop() { # DEVICE...
	local d
	echo "table netdev fault {"
	for d in "$@"; do
		echo "chain in_$d { type filter hook ingress device \"$d\" priority -500; policy drop; }"
		echo "chain out_$d { type filter hook egress device \"$d\" priority -500; policy drop; }"
	done
	echo "}"
}
nft_drop "$busy" >"$W/fault1.nft"
# event_ms AFTER_NS KEY=VALUE...: ms from AFTER_NS (CLOCK_MONOTONIC) to the
# first kbfd session event after it whose fields match ("lag=" matches a
# session that is not a LAG member).
event_ms() {
	python3 - "$W/bfd-events" "$@" <<'EOF'
import json, sys
after = int(sys.argv[2])
want = dict(kv.split("=", 1) for kv in sys.argv[3:])
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    if (e.get("timestamp_ns", 0) > after and "change" not in e and
            all(str(e.get(k) or "") == v for k, v in want.items())):
        print('%.1f' % ((e["timestamp_ns"] - after) / 1e6)); break
EOF
}
member_is() { [ "$(pe -j bfd lag show dev "$bond" |
	json_get "[m['state'] for m in j[0]['members'] if m['dev']=='$busy'][0]")" = "$1" ]; }
ip netns exec "$PEER" ping -q -n -I 45.10.20.1 -c 300 -i 0.01 -W 1 10.255.0.1 >"$W/ping-fault" 2>&1 &
pingpid=$!
sleep 0.5
read -r tf _ nft_ms < <(fault "$W/fault1.nft")
check "silent fault on $busy (carrier up, every frame lost): member Down on the edge" wait_for 10 member_is Down
wait "$pingpid"
lost=$((300 - $(awk '/received/ { print $4 }' "$W/ping-fault")))
det=$(event_ms "$tf" lag="$bond" dev="$busy" state=Down)
check "micro-BFD: Down ${det:-?} ms after nft began the fault (nft took $nft_ms ms)" \
	python3 -c "import sys; sys.exit(not (0 < ${det:-0} < 500 + $nft_ms))"
check "the traffic went on over the other members (${lost} of 300 lost at 10 ms spacing)" test "$lost" -le 30
check "LAG $bond stays Up with one member" lag_members_up "$bond" 1
check "its BGP session was not disturbed" active edge-1 edge-2 edge-3
say "member fault on $busy ($bond): Down ${det:-?} ms after the fault began (kbfd event; nft took $nft_ms ms), $lost/300 pings lost, BGP untouched"
row "member fault ($busy)" "member out, traffic goes on" "Down ${det:-?} ms after nft began (nft: $nft_ms), $lost/300 lost"
ip netns exec "$PEER" nft delete table netdev fault
check "fault removed: the member is Up again" wait_for 20 member_is Up
# The bonds' own view: kbfd held its LACPDUs back, LACP took it out too.
bond_view() { ip -n "$1" -d -j link show dev "$busy" | json_get "j[0]['linkinfo']['info_slave_data']['state']"; }
check "... and LACP puts it back into both bonds" wait_for 60 eval \
	'[ "$(bond_view "$EDGE")" = ACTIVE ] && [ "$(bond_view "$PEER")" = ACTIVE ]'
got=$(ping_from 45.10.20.1 20)
check "... and traffic flows (20/20)" test "${got:-0}" = 20

# --- a whole connection cut ----------------------------------------------------------
sp_says() { sp_field voice-a messages | grep -qF -- "$1"; }
nft_drop l2m1 l2m2 >"$W/fault2.nft"
ip netns exec "$PEER" ping -q -n -I 45.10.20.1 -c 200 -i 0.02 -W 1 10.255.0.1 >"$W/ping-cut" 2>&1 &
pingpid=$!
sleep 0.5
read -r tf trt nft_ms < <(fault "$W/fault2.nft")
check "connection edge-2 cut: no longer Active" wait_for 10 eval '[ "$(conn_field edge-2 state)" != Active ]'
check "... BGP reset by BFD Down (Cease/10)" wait_for 5 grep -q "Cease/10" "$W/peeredged.log"
check "voice-a goes Warning" wait_for 10 sp_is voice-a Warning
check "... naming the missing session 10.20.2.2" sp_says 10.20.2.2
sp_field voice-a messages | sed "s/^/#   /"
check "routes moved: the group has two connections" wait_for 10 test "$(group_size)" = 2
wait "$pingpid"
lost=$((200 - $(awk '/received/ { print $4 }' "$W/ping-cut")))
bfd_down=$(event_ms "$tf" peer=10.20.2.2 lag= state=Down)
nh_move=$(python3 - "$W/nh-events" "$trt" "$(route_nhid)" <<'EOF'
import datetime, re, sys
path, t0, gid = sys.argv[1], int(sys.argv[2]) / 1e9, sys.argv[3]
for line in open(path):
    m = re.match(r'\[(\S+)\] id (\d+) group (\S+)', line)
    if m and m.group(2) == gid and len(m.group(3).split('/')) == 2:
        t = datetime.datetime.fromisoformat(m.group(1)).timestamp()
        if t >= t0:
            print('%.0f' % ((t - t0) * 1e3)); break
EOF
)
check "BFD (300 ms x 3) detected the cut in under 2 s (${bfd_down:-?} ms after nft began, nft: $nft_ms ms)" \
	python3 -c "import sys; sys.exit(not (0 < ${bfd_down:-0} < 2000 + $nft_ms))"
check "the routes moved in one nexthop update, well before BGP's 9 s hold time (${nh_move:-?} ms)" \
	python3 -c "import sys; sys.exit(not (0 < ${nh_move:-0} < 3000 + $nft_ms))"
check "traffic went on over the other connections ($lost of 200 lost)" test "$lost" -le 100
say "connection edge-2 cut: BFD Down after ${bfd_down:-?} ms, routes moved after ${nh_move:-?} ms, voice-a Warning, $lost/200 pings lost"
row "connection cut (edge-2)" "BGP down at BFD speed, Warning" "BFD ${bfd_down:-?}, FIB ${nh_move:-?} ms (nft: $nft_ms), $(sp_field voice-a state)"
ip netns exec "$PEER" nft delete table netdev fault
check "restored: the connection is Active again" wait_for 60 active edge-1 edge-2 edge-3
check "... voice-a Verified again" wait_for 10 sp_is voice-a Verified
check "... the group has three connections again" wait_for 10 test "$(group_size)" = 3
row "restore" "Active, Verified, 3 nexthops" "$(conn_field edge-2 state), $(sp_field voice-a state), $(group_size)"

pe status | sed 's/^/#   /' || true
kill -TERM "$PID"; rc=0; wait "$PID" || rc=$?; PID=
check "peeredged stops cleanly" test "$rc" = 0
[ "$__tap_failed" = 0 ] || tail -n 40 "$W/peeredged.log" | sed 's/^/# peeredged: /'

echo "#"
echo "# peeredge lab summary"
printf '# %-26s %-36s %s\n' step expected observed
for r in "${SUMMARY[@]}"; do
	IFS='|' read -r a b c <<<"$r"
	printf '# %-26s %-36s %s\n' "$a" "$b" "$c"
done
printf '# %s\n' "$([ "$__tap_failed" = 0 ] && echo "every step behaved as described" || echo "$__tap_failed checks FAILED")"
done_testing
