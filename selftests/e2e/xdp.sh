#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# peeredged feeding and attaching the XDP allowlist, end to end. One voice
# peering, two connections at one location (BIRD peers p1, p2 in their own
# namespaces); the daemon attaches the allowlist to va1 (enforce, the
# driver's mode) and va2 (monitor, generic) by itself. UDP senders in p1 and
# p2 use sources inside a Verified prefix, inside a Failed one and outside
# every prefix; nft counters in the edge namespace, behind XDP, count what
# arrives. Then: a prefix turning Failed, detach/attach from the CLI, bad
# input, reload (reordered peerings, removed and missing interfaces), and
# kill -9 / clean restarts under traffic that must lose no valid packet and
# let no invalid one through.
#
#   p1 vb 10.99.51.2 --- va1 10.99.51.1  edge (peeredged)  va2 10.99.52.1 --- vb 10.99.52.2 p2
#   sources in p1 and p2: 45.10.20.5 (good /26, Verified), 45.10.20.70
#   (nocomm /26, Failed), 198.51.100.7 (nothing)
#
# "xdp.sh bond" (in the guest: the host has no bonding): va1 and va2 are
# bonds, each over one veth (ve1, ve2); the program on va1 runs natively on
# its member, on va2 generically on the bond itself.

# The bpffs this test mounts stays private to it.
if [ -z "$PE_XDP_UNSHARED" ]; then
	[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 4; }
	PE_XDP_UNSHARED=1 exec unshare -m --propagation private "$0" "$@"
fi
. "$(dirname "$0")/../lib/lib.sh"
require_root
require_cmd ip python3 bird birdc nft bpftool
require_agent agent-asan
LINKS=${1:-veth}
WORK=$(mktemp -d /tmp/peeredge-xdp.XXXXXX)
cleanup() {
	[ -n "${PID:-}" ] && kill -9 "$PID" 2>/dev/null
	jobs -p | xargs -r kill 2>/dev/null
	netns_cleanup
	umount "$WORK/bpffs" 2>/dev/null
	rm -rf "$WORK"
}
trap cleanup EXIT
mkdir "$WORK/bpffs"
mount -t bpf bpf "$WORK/bpffs" || skip_all "cannot mount a bpffs"

NS=xdp-pe-$$
TABLE=100
PFX=45.10.20
GOOD=$PFX.5 FAILED=$PFX.70 NONE=198.51.100.7
netns_add "$NS" || skip_all "cannot create network namespaces"
for i in 1 2; do
	P=xdp-p$i-$$
	netns_add "$P" || skip_all "cannot create network namespaces"
	if [ "$LINKS" = bond ]; then
		ip -n "$NS" link add "va$i" type bond mode balance-rr ||
			skip_all "no bonding in this kernel"
		ip link add "ve$i" netns "$NS" type veth peer name vb netns "$P" ||
			skip_all "veth is not available"
		ip -n "$NS" link set "ve$i" master "va$i"
	else
		ip link add "va$i" netns "$NS" type veth peer name vb netns "$P" ||
			skip_all "veth is not available"
	fi
	ip -n "$NS" addr add "10.99.5$i.1/24" dev "va$i"
	ip -n "$NS" addr add "fd00:5$i::1/64" dev "va$i" nodad
	ip -n "$P" addr add "10.99.5$i.2/24" dev vb
	ip -n "$P" addr add "fd00:5$i::2/64" dev vb nodad
	for s in $GOOD $FAILED $NONE; do ip -n "$P" addr add "$s/32" dev vb; done
	ip -n "$NS" link set "va$i" up
	ip -n "$P" link set vb up
done
# Sources without a route back are still delivered: the receiver counts.
ip netns exec "$NS" sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0 \
	net.ipv4.conf.va1.rp_filter=0 net.ipv4.conf.va2.rp_filter=0
ip netns exec "$NS" nft -f - <<EOF2 || skip_all "nft does not work here"
table inet xdptest {
	counter p1_good {}
	counter p1_failed {}
	counter p1_none {}
	counter p2_none {}
	chain input {
		type filter hook input priority 0;
		iifname "va1" ip saddr $GOOD udp dport 9 counter name p1_good
		iifname "va1" ip saddr $FAILED udp dport 9 counter name p1_failed
		iifname "va1" ip saddr $NONE udp dport 9 counter name p1_none
		iifname "va2" ip saddr $NONE udp dport 9 counter name p2_none
	}
}
EOF2

cat >"$WORK/irr.db" <<EOF2
route:  $PFX.0/24
origin: AS3320
source: TEST
EOF2

# pe_conf [reordered] [extra xdp statements of contoso]
pe_conf() {
	local contoso="peering contoso { asn 3320; kind voice;
	xdp va1;
	xdp va2 mode monitor generic;
	$2 }" idle="peering idle { asn 3321; kind voice; }"
	cat <<EOF2
router-id 10.99.51.1;
local-as 8075;
$([ "$1" = reordered ] && echo "$idle" || echo "$contoso")
$([ "$1" = reordered ] && echo "$contoso" || echo "$idle")
registry $WORK/irr.db;
state-file $WORK/state;
fib table $TABLE;
grace-period 0;
xdp pin-dir $WORK/bpffs/pe;
xdp ipv4-blocks 4096;
xdp ipv6-blocks 1024;
neighbor c1 { address 10.99.51.2; remote-as 3320; hold-time 6;
	peering contoso; location AMS; router r1; }
neighbor c2 { address 10.99.52.2; remote-as 3320; hold-time 6;
	peering contoso; location AMS; router r2; }
EOF2
}
pe_conf >"$WORK/pe.conf"

# bird_conf I [nocomm]: the good /26 with 8075:8007 (without: "nocomm"),
# the nocomm /26 always without.
bird_conf() {
	local good="route $PFX.0/26 unreachable { bgp_community.add((8075,8007)); };"
	[ "${2:-}" = nocomm ] && good="route $PFX.0/26 unreachable;"
	cat <<EOF2
router id 10.99.5$1.2;
protocol device { }
protocol static { ipv4;
	route $PFX.0/24 unreachable { bgp_community.add((8075,8007)); };
	$good
	route $PFX.64/26 unreachable;
}
protocol bgp edge { local 10.99.5$1.2 as 3320; neighbor 10.99.5$1.1 as 8075;
	hold time 6; connect retry time 1; error wait time 1, 2;
	ipv4 { import none; export all; }; }
EOF2
}
birdc() { command birdc -s "$WORK/bird$1.ctl" "${@:2}" >/dev/null; }
for i in 1 2; do
	bird_conf $i >"$WORK/bird$i.conf"
	ip netns exec "xdp-p$i-$$" bird -c "$WORK/bird$i.conf" -s "$WORK/bird$i.ctl" \
		-P "$WORK/bird$i.pid" || skip_all "bird does not start"
done

start_daemon() {
	rm -f "$WORK/pe.sock"
	ip netns exec "$NS" "$PEEREDGED" -d -f "$WORK/pe.conf" -s "$WORK/pe.sock" \
		--metrics-file "$WORK/pe.prom" >>"$WORK/peeredged.log" 2>&1 &
	PID=$!
	wait_for 5 test -S "$WORK/pe.sock"
}
pe() { ip netns exec "$NS" "$PEEREDGE" -s "$WORK/pe.sock" "$@"; }
json_get() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
conn_state() { pe -j connection show | json_get "[c['state'] for c in j['connections'] if c['name']=='$1'][0]"; }
active() { local c; for c in "$@"; do [ "$(conn_state "$c")" = Active ] || return 1; done; }
sp_state_is() { [ "$(pe -j service-prefix show "$1" | json_get "j['service_prefixes'][0]['state']")" = "$2" ]; }
logged() { grep -qF -- "$1" "$WORK/peeredged.log"; }
# xdp_field IF EXPR: EXPR over the interface's object x of "xdp show -j".
xdp_field() { pe -j xdp show | json_get "[$2 for x in j['interfaces'] if x['ifname']=='$1'][0]"; }
cnt() { xdp_field "$1" "x['counters']['$2']['packets']"; }
received() { ip netns exec "$NS" nft -j list counter inet xdptest "$1" |
	json_get "[o['counter']['packets'] for o in j['nftables'] if 'counter' in o][0]"; }
reset_counters() { ip netns exec "$NS" nft reset counters table inet xdptest >/dev/null; }
# send I SRC N [PPS]: N UDP packets from SRC in peer I to the edge, port 9.
send() {
	ip netns exec "xdp-p$1-$$" python3 - "$2" "10.99.5$1.1" "$3" "${4:-1000}" <<'EOF2'
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 0))
n, gap = int(sys.argv[3]), 1.0 / float(sys.argv[4])
for i in range(n):
    s.sendto(b"peeredge-xdp-test", (sys.argv[2], 9))
    time.sleep(gap)
EOF2
}
# A packet in flight needs a moment to reach the counter.
received_is() { wait_for 2 eval '[ "$(received '"$1"')" = '"$2"' ]' || { echo "$1: $(received "$1"), want $2"; return 1; }; }
link_xdp() { ip -n "$NS" -j -d link show "$1" | json_get "j[0].get('xdp', {}).get('mode', 'none')"; }

start_daemon
check "peeredged starts with two xdp interfaces configured" kill -0 "$PID"
check "va1 attached, enforce" eval '[ "$(xdp_field va1 "x[\"state\"] + \" \" + x[\"mode\"]")" = "attached enforce" ]'
check "va2 attached, monitor, generic" eval \
	'[ "$(xdp_field va2 "x[\"mode\"] + \" \" + x[\"attach\"]")" = "monitor generic" ]'
check "... the kernel agrees: va2 has a generic (skb) program" eval '[ "$(link_xdp va2)" = 2 ]'
check "... and va1 one in the driver's mode" eval '[ "$(link_xdp va1)" != none ]'
pinned_size() { bpftool -j map show pinned "$WORK/bpffs/pe/$1" | json_get 'j["max_entries"]'; }
check "the IPv4 blocks pinned as configured (xdp ipv4-blocks 4096)" \
	test "$(pinned_size pe_v4_blocks)" = 4096
check "the IPv6 blocks too (xdp ipv6-blocks 1024), with 4096 entry lines, 2048 lists" \
	test "$(pinned_size pe_v6p_blocks) $(pinned_size pe_v6p_lines) $(pinned_size pe_v6p_lists)" \
	= "1024 4096 2048"
if [ "$LINKS" = bond ]; then
	# The filtering checks below prove the member's configuration is used:
	# natively, the program sees the frame on ve1, not on va1.
	check "bond va1: its member ve1 is configured alike" eval \
		'[ "$(xdp_field va1 "\" \".join(x[\"members\"])")" = ve1 ]'
	# More members than a LAG of real routers has (no carrier: the bond
	# sends nothing on them); each must be configured, then forgotten.
	for k in $(seq 1 40); do
		ip -n "$NS" link add "vx$k" type veth peer name "vy$k"
		ip -n "$NS" link set "vx$k" master va1
	done
	# ifcfg_active IFINDEX: the active field of its pe_ifcfg entry.
	ifcfg_active() {
		bpftool -j map lookup pinned "$WORK/bpffs/pe/pe_ifcfg" key \
			$(($1 & 255)) $(($1 >> 8 & 255)) 0 0 | json_get 'j["formatted"]["value"]["active"]'
	}
	ifindex_of() { ip -n "$NS" -j link show "$1" | json_get 'j[0]["ifindex"]'; }
	VX1=$(ifindex_of vx1) VX40=$(ifindex_of vx40)
	check "bond va1 grown to 41 members: each followed" wait_for 5 eval \
		'[ "$(xdp_field va1 "len(x[\"members\"])")" = 41 ]'
	check "... and configured in the program's map (vx1, vx40)" eval \
		'[ "$(ifcfg_active $VX1) $(ifcfg_active $VX40)" = "1 1" ]'
	for k in $(seq 1 40); do ip -n "$NS" link del "vx$k"; done
	check "... gone again: ve1 alone" wait_for 5 eval \
		'[ "$(xdp_field va1 "\" \".join(x[\"members\"])")" = ve1 ]'
	check "... their configuration dropped (vx1, vx40)" eval \
		'[ "$(ifcfg_active $VX1) $(ifcfg_active $VX40)" = "0 0" ]'
fi

# The allowlist is empty: control traffic only.
check "empty allowlist: BGP comes up over both links" wait_for 40 active c1 c2
check "... BGP counted as pass_bgp on va1" eval '[ "$(cnt va1 pass_bgp)" -gt 0 ]'
# BIRD may have resolved the edge before the program was there: ask again.
ip -n "xdp-p1-$$" neigh flush dev vb
ip netns exec "xdp-p1-$$" ping -c 1 -W 1 10.99.51.1 >/dev/null 2>&1
check "... ARP passes: p1 resolved the edge again" eval \
	'ip -n xdp-p1-$$ neigh show 10.99.51.1 | grep -q lladdr'
check "... counted as pass_arp" eval '[ "$(cnt va1 pass_arp)" -gt 0 ]'
ip netns exec "xdp-p1-$$" ping -6 -c 1 -W 1 fd00:51::1 >/dev/null 2>&1
check "... IPv6 neighbor discovery passes: p1 resolved the edge" eval \
	'ip -n xdp-p1-$$ -6 neigh show fd00:51::1 | grep -q lladdr'
check "... counted as pass_nd" eval '[ "$(cnt va1 pass_nd)" -gt 0 ]'
check "... the echo request itself is dropped (drop_v6_src)" eval '[ "$(cnt va1 drop_v6_src)" -gt 0 ]'
send 1 $GOOD 20
check "... data from a not yet Verified source is dropped" received_is p1_good 0

# Register, activate: one Verified, one Failed prefix.
out=$(pe registered-prefix add sbc $PFX.0/24 peering contoso)
KEY=$(sed -n 's/.* key \([0-9a-f-]*\)$/\1/p' <<<"$out")
pe service-prefix add good $PFX.0/26 key "$KEY" primary AMS >/dev/null
pe service-prefix add nocomm $PFX.64/26 key "$KEY" primary AMS >/dev/null
check "good prefix Verified" wait_for 20 sp_state_is good Verified
check "nocomm prefix Failed" wait_for 5 sp_state_is nocomm Failed
ipv_routes() { ip -n "$NS" -j route show table $TABLE | json_get "' '.join(sorted(r['dst'] for r in j))"; }
verified() { pe -j service-prefix show | json_get \
	"' '.join(sorted(p['prefix'] for p in j['service_prefixes'] if p['state']=='Verified'))"; }
allowlist() { pe -j xdp show | json_get \
	"' '.join(sorted(p['prefix'] for p in j['prefixes'] if p['peering']=='contoso'))"; }
check "the allowlist holds exactly the Verified service prefixes" eval \
	'[ "$(allowlist)" = "$(verified)" ] && [ "$(verified)" = $PFX.0/26 ]'
check "ip -j route: exactly the Verified service prefixes" eval '[ "$(ipv_routes)" = "$(verified)" ]'
xdp_table() { pe -j xdp show | json_get "j['tables']$1"; }
check "xdp show -j: 1 prefix, 1 of the 4096 IPv4 blocks and a /32 bitmap in use" \
	test "$(xdp_table "['prefixes']") $(xdp_table "['v4_blocks']['used']")/$(xdp_table \
		"['v4_blocks']['size']") $(xdp_table "['v4_bitmaps']['used']")" = "1 1/4096 1"
check "xdp show (text): the tables' use" eval 'pe xdp show | grep -q "^allowlist: prefixes 1," &&
	pe xdp show | grep -q "^  v4_blocks 1/4096  v4_wide 0/"'
check "ip -j nexthop: the group of each route exists" eval \
	'for id in $(ip -n $NS -j route show table $TABLE | json_get "\" \".join(str(r[\"nhid\"]) for r in j)"); do
		ip -n $NS -j nexthop show id $id | grep -q group || exit 1; done'

reset_counters
drops=$(cnt va1 drop_v4_src)
send 1 $GOOD 100; send 1 $FAILED 100; send 1 $NONE 100
check "Verified source: all 100 packets arrive" received_is p1_good 100
check "source in a Failed prefix: none arrives" received_is p1_failed 0
check "source outside every prefix: none arrives" received_is p1_none 0
check "... both counted as drop_v4_src" eval '[ $(($(cnt va1 drop_v4_src) - drops)) -ge 200 ]'
check "... the Verified ones as pass_v4" eval '[ "$(cnt va1 pass_v4)" -ge 100 ]'
mon=$(cnt va2 monitor_v4_src)
send 2 $NONE 50
check "monitor mode (va2): the unknown source arrives" received_is p2_none 50
check "... counted as monitor_v4_src" eval '[ $(($(cnt va2 monitor_v4_src) - mon)) -ge 50 ]'
check "xdp show (text) lists counters by reason" eval 'pe xdp show va1 | grep -q "drop_v4_src"'
metric() { /usr/bin/python3 "$TOP/selftests/e2e/prom_check.py" "$WORK/pe.prom" "$1"; }
metric_is() { [ "$(metric "$1")" = "$2" ]; }
dropped=$(cnt va1 drop_v4_src)
check "metrics: peeredge_xdp_packets_total of va1's drop_v4_src as xdp show counts it" \
	wait_for 15 metric_is "peeredge_xdp_packets_total{interface=va1,reason=drop_v4_src}" "$dropped"
check "metrics: both interfaces attached" metric_is peeredge_xdp_attached 2
check "metrics: the IPv4 blocks' use and size" eval \
	'metric_is "peeredge_xdp_table_used{table=v4_blocks}" 1 &&
	 metric_is "peeredge_xdp_table_size{table=v4_blocks}" 4096 && metric_is peeredge_xdp_prefixes 1'
status_xdp() { pe -j status | json_get "j['xdp']$1"; }
check "status -j: 2 of 2 interfaces attached" \
	test "$(status_xdp "['up']")/$(status_xdp "['total']")" = 2/2
check "status -j: va1 refused what it dropped" \
	test "$(status_xdp "['interfaces'][0]['refused_packets']")" -ge "$dropped"
check "status (text): the xdp section" eval 'pe status | grep -q "^xdp: 2/2 interfaces attached"'

# The good prefix turns Failed: its traffic stops.
for i in 1 2; do bird_conf $i nocomm >"$WORK/bird$i.conf"; birdc $i configure; done
check "announced without 8075:8007: good turns Failed" wait_for 20 sp_state_is good Failed
check "... its route leaves the FIB" wait_for 5 eval '[ "$(ipv_routes)" = "$(verified)" ]'
check "... and the allowlist" eval '[ -z "$(allowlist)" ]'
check "... whose tables are empty again" \
	test "$(xdp_table "['prefixes']") $(xdp_table "['v4_blocks']['used']") $(xdp_table \
		"['v4_bitmaps']['used']")" = "0 0 0"
reset_counters
send 1 $GOOD 50
check "... and its sources are dropped" received_is p1_good 0
for i in 1 2; do bird_conf $i >"$WORK/bird$i.conf"; birdc $i configure; done
check "community back: Verified again" wait_for 20 sp_state_is good Verified
send 1 $GOOD 50
check "... its sources pass again" received_is p1_good 50

# The CLI.
bad() {
	local out rc want=$1
	shift
	out=$(pe "$@" 2>&1 >/dev/null) && rc=0 || rc=$?
	echo "$out"
	[ "$rc" = "$want" ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && [ -n "$out" ]
}
check "xdp attach without an interface: usage, exit 2" bad 2 xdp attach
check "xdp attach of a missing interface: exit 1" bad 1 xdp attach nosuch0
check "xdp attach with a bad mode: exit 2" bad 2 xdp attach va1 mode bogus
check "xdp attach with an unknown peering: exit 1" bad 1 xdp attach va1 peering nosuch
check "xdp attach with a dangling word: exit 2" bad 2 xdp attach va1 mode
check "xdp detach of what is not attached: exit 1" bad 1 xdp detach lo
check "xdp show of what is not attached: exit 1" bad 1 xdp show lo
check "... none of it changed va1" eval '[ "$(xdp_field va1 "x[\"state\"] + \" \" + x[\"mode\"]")" = "attached enforce" ]'
check "xdp attach va1 mode monitor: mode changed in place" pe xdp attach va1 mode monitor
check "... show says monitor" eval '[ "$(xdp_field va1 "x[\"mode\"]")" = monitor ]'
reset_counters
send 1 $NONE 20
check "... the unknown source now arrives" received_is p1_none 20
pe xdp attach va1 mode enforce >/dev/null
check "xdp detach va1" pe xdp detach va1
check "... the program is off va1" eval '[ "$(link_xdp va1)" = none ]'
reset_counters
send 1 $NONE 20
check "... everything arrives" received_is p1_none 20
check "xdp attach va1 (peering from the config): back on" pe xdp attach va1
check "... filtering again" eval 'reset_counters; send 1 $NONE 20; send 1 $GOOD 20;
	received_is p1_none 0 && received_is p1_good 20'

# Reload: reordered peerings change nothing, va2 removed, va9 missing.
pe_conf reordered "xdp va9;" | sed '/xdp va2/d' >"$WORK/pe.conf"
mark=$(($(wc -l <"$WORK/peeredged.log") + 1))
since() { tail -n +$mark "$WORK/peeredged.log"; }
drops=$(cnt va1 drop_v4_src)
send 1 $GOOD 300 200 &
SENDER=$!
sleep 0.3
check "reload with reordered peerings, va2 removed, va9 added" pe reload
wait $SENDER
check "... the Verified source lost nothing across the reload" eval 'received_is p1_good $((20 + 300))'
check "... va2 detached" wait_for 5 eval '[ "$(link_xdp va2)" = none ]'
check "... and gone from xdp show" eval '! pe -j xdp show | grep -q "\"va2\""'
check "... va9 missing: the log says so" wait_for 5 eval 'since | grep -q "interface va9 does not exist"'
ip -n "$NS" link add va9 type veth peer name vb9
ip -n "$NS" link set va9 up
check "... va9 appears: attached by itself" wait_for 5 eval \
	'[ "$(xdp_field va9 "x[\"state\"]")" = attached ] && [ "$(link_xdp va9)" != none ]'
cp "$WORK/pe.conf" "$WORK/pe.conf.good"
sed -i 's/xdp va1;/xdp va1 mode bogus;/' "$WORK/pe.conf"
# (check has locals named out and rc)
refusal=$(pe reload 2>&1) && refused=0 || refused=$?
line=$(grep -n "mode bogus" "$WORK/pe.conf" | cut -d: -f1)
check "bad xdp config: reload refused with file:line and what is wrong" eval \
	'[ "$refused" = 1 ] && grep -q "pe.conf:$line: xdp mode must be enforce or monitor, not .bogus." <<<"$refusal"'
check "... va1 still attached, enforcing" eval \
	'[ "$(xdp_field va1 "x[\"state\"] + \" \" + x[\"mode\"]")" = "attached enforce" ]'
cp "$WORK/pe.conf.good" "$WORK/pe.conf"

# Restarts under traffic: 200 pps from a Verified and an unknown source.
restart_under_traffic() {	# $1: kill signal
	reset_counters
	send 1 $GOOD 2400 200 &
	local g=$!
	send 1 $NONE 2400 200 &
	local n=$!
	sleep 1
	kill "-$1" "$PID"; wait "$PID" 2>/dev/null; PID=
	sleep 1
	start_daemon
	wait $g $n
}
restart_under_traffic 9
check "kill -9 and restart under traffic: peeredged back" kill -0 "$PID"
check "... all 2400 packets of the Verified source arrived" received_is p1_good 2400
check "... none of the unknown source" received_is p1_none 0
check "... the allowlist kept its entries" eval '[ "$(allowlist)" = $PFX.0/26 ]'
check "... connections back, good still Verified" wait_for 40 eval 'active c1 c2 && sp_state_is good Verified'
restart_under_traffic TERM
check "clean restart under traffic: all 2400 Verified packets arrived" received_is p1_good 2400
check "... none of the unknown source" received_is p1_none 0
kill -TERM "$PID"; rc=0; wait "$PID" || rc=$?; PID=
check "SIGTERM: clean exit" test "$rc" = 0
check "... the program stays on va1 (filtering goes on without the daemon)" \
	eval '[ "$(link_xdp va1)" != none ]'
check "... no sanitizer report" eval '! grep -q -E "$SANITIZER_REPORT" "$WORK/peeredged.log"'

[ "$__tap_failed" = 0 ] || sed 's/^/# peeredged: /' "$WORK/peeredged.log" | tail -n 60
done_testing
