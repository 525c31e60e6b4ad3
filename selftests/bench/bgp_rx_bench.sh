#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# [RECEIVERS="peeredged bird frr"] [POLL_S=0.1] bgp_rx_bench.sh [PREFIXES]:
# receiving a full IPv4 table (default 1,000,000 prefixes) from one BIRD 2
# sender, with peeredged, BIRD 2 and FRR bgpd as receivers, one after the
# other in the same run (issue 5).
#
# Method: the sender (namespace S) holds PREFIXES static /24s, each with
# the AS path "64600 TRANSIT ORIGIN" (8 transit ASNs; one public 4-octet
# origin ASN per block of 16 prefixes, so about PREFIXES/16 attribute sets,
# as in a real table where neighbouring prefixes share an origin) and the
# community (64600, TRANSIT). Each receiver runs in its own namespace,
# joined to S by its own veth pair, and stores what it receives without
# installing it in the kernel (peeredged without a FIB table, BIRD without
# a kernel protocol, bgpd without zebra). The sender's session to a
# receiver is enabled once the receiver idles and its VmHWM (peak resident
# memory, /proc/PID/status) has been read. Then the receiver's own CLI
# (peeredge -j neighbor show, birdc show protocols all, vtysh show bgp
# summary json) is asked every POLL_S seconds for the session state and
# route count: the time is from the first poll seeing Established to the
# first seeing every prefix, at the resolution of the measured poll period
# (printed). CPU: user + system time of the receiver and of the sender
# over that interval. Memory: VmHWM when done minus VmHWM idle, per route.
. "$(dirname "$0")/../lib/lib.sh"
require_root
require_cmd ip bird birdc vtysh python3

N=${1:-1000000}
POLL_S=${POLL_S:-0.1}
RECEIVERS=${RECEIVERS:-peeredged bird frr}
case $N in '' | *[!0-9]*) echo "bgp_rx_bench: PREFIXES must be a number, not '$N'" >&2; exit 2 ;; esac
[ "$N" -ge 1 ] && [ "$N" -le 4194304 ] || { echo "bgp_rx_bench: PREFIXES must be in 1..4194304" >&2; exit 2; }
BGPD=/usr/lib/frr/bgpd
require_agent agent
[ -x "$BGPD" ] || skip_all "FRR bgpd is not installed"

WORK=$(mktemp -d /tmp/peeredge-rxbench.XXXXXX)
chmod 755 "$WORK"	# bgpd runs as frr
stop_pidfile() { [ -f "$1" ] && kill "$(cat "$1")" 2>/dev/null; rm -f "$1"; }
cleanup() {
	local f
	for f in "$WORK"/*.pid "$WORK"/*/*.pid; do stop_pidfile "$f"; done
	netns_cleanup
	rm -rf "$WORK"
}
trap cleanup EXIT

S=rxb-s-$$
netns_add "$S" || skip_all "cannot create network namespaces"
# Receiver i: namespace rxb-r$i-$$, link 10.98.$i.0/24, sender .1, receiver .2.
for i in 1 2 3; do
	netns_add "rxb-r$i-$$" || skip_all "cannot create network namespaces"
	ip link add "s$i" netns "$S" type veth peer name r netns "rxb-r$i-$$" ||
		skip_all "veth is not available"
	ip -n "$S" addr add "10.98.$i.1/24" dev "s$i"
	ip -n "rxb-r$i-$$" addr add "10.98.$i.2/24" dev r
	ip -n "$S" link set "s$i" up
	ip -n "rxb-r$i-$$" link set r up
done

# The sender: N static /24s from 16.0.0.0 on, one bgp protocol per receiver,
# disabled until that receiver is measured.
{
	echo "router id 10.98.1.1;"
	echo "protocol device { }"
	echo "protocol static table_src { ipv4 { import all; };"
	python3 - "$N" <<'PY'
import sys
n = int(sys.argv[1])
out = []
for i in range(n):
    a = (16 << 24) + (i << 8)
    transit = 3000 + (i >> 4) % 8
    origin = 200000 + (i >> 4) % 60000
    out.append("route %d.%d.%d.0/24 unreachable { bgp_path.prepend(%d); "
               "bgp_path.prepend(%d); bgp_community.add((64600,%d)); };"
               % (a >> 24, (a >> 16) & 255, (a >> 8) & 255, origin, transit, transit))
sys.stdout.write("\n".join(out) + "\n")
PY
	echo "}"
	for i in 1 2 3; do
		cat <<EOF
protocol bgp r$i { disabled; local 10.98.$i.1 as 64600; neighbor 10.98.$i.2 as 64700;
	hold time 240; connect retry time 1; ipv4 { import none; export all; }; }
EOF
	done
} >"$WORK/sender.conf"
ip netns exec "$S" bird -c "$WORK/sender.conf" -s "$WORK/sender.ctl" -P "$WORK/sender.pid" ||
	skip_all "the sender BIRD does not start"
sender() { birdc -s "$WORK/sender.ctl" "$@"; }
loaded() { sender show protocols all table_src | grep -q "^ *Routes: *$N imported"; }
wait_for 600 loaded || { echo "the sender did not load $N routes" >&2; exit 1; }
SPID=$(cat "$WORK/sender.pid")

hwm_kb() { awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"; }
# CPU time (user + system, all threads) of a process, in clock ticks.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
ticks_s() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", t / hz }'; }

# Receivers: start_X starts it (sets RPID); poll_X is the command that
# shows its session state and route count, parsed by poll() below.
start_peeredged() {
	cat >"$WORK/pe.conf" <<EOF
router-id 10.98.1.2;
local-as 64700;
neighbor sender { address 10.98.1.1; remote-as 64600; hold-time 240; }
EOF
	ip netns exec "rxb-r1-$$" "$PEEREDGED" -d -f "$WORK/pe.conf" -s "$WORK/pe.sock" \
		>"$WORK/peeredged.log" 2>&1 &
	RPID=$!
	echo "$RPID" >"$WORK/peeredged.pid"
	wait_for 10 test -S "$WORK/pe.sock"
}
# shellcheck disable=SC2034 # poll_X are read through a nameref in measure()
poll_peeredged=("$PEEREDGE" -s "$WORK/pe.sock" -j neighbor show sender)

start_bird() {
	cat >"$WORK/rbird.conf" <<EOF
router id 10.98.2.2;
protocol device { }
protocol bgp sender { local 10.98.2.2 as 64700; neighbor 10.98.2.1 as 64600;
	hold time 240; connect retry time 1; ipv4 { import all; export none; }; }
EOF
	ip netns exec "rxb-r2-$$" bird -c "$WORK/rbird.conf" -s "$WORK/rbird.ctl" \
		-P "$WORK/rbird.pid" || return 1
	wait_for 10 test -s "$WORK/rbird.pid" && RPID=$(cat "$WORK/rbird.pid")
}
# shellcheck disable=SC2034
poll_bird=(birdc -s "$WORK/rbird.ctl" show protocols all sender)

start_frr() {
	mkdir -p "$WORK/frr"
	cat >"$WORK/frr/bgpd.conf" <<EOF
frr defaults traditional
hostname rxbench
router bgp 64700
 bgp router-id 10.98.3.2
 no bgp ebgp-requires-policy
 neighbor 10.98.3.1 remote-as 64600
 neighbor 10.98.3.1 timers 80 240
 neighbor 10.98.3.1 timers connect 1
!
EOF
	chown -R frr:frr "$WORK/frr"
	ip netns exec "rxb-r3-$$" "$BGPD" -d -Z -n -f "$WORK/frr/bgpd.conf" -i "$WORK/frr/bgpd.pid" \
		--vty_socket "$WORK/frr" -u frr -g frr -A 127.0.0.1 -P 0 >"$WORK/frr/stdout" 2>&1 ||
		return 1
	wait_for 10 test -s "$WORK/frr/bgpd.pid" && RPID=$(cat "$WORK/frr/bgpd.pid")
}
# shellcheck disable=SC2034
poll_frr=(vtysh --vty_socket "$WORK/frr" -d bgpd -c 'show bgp ipv4 unicast summary json')

# poll KIND CMD...: runs CMD every POLL_S seconds until it shows N routes on
# an Established session (15 minutes at most, or until the count stands
# still for 60 s). Prints the seconds from the
# first poll seeing Established to the first seeing N routes, and the mean
# poll period; or "timeout STATE ROUTES".
poll() {
	python3 - "$N" "$POLL_S" "$@" <<'PY'
import json, re, subprocess, sys, time
n, period, kind, cmd = int(sys.argv[1]), float(sys.argv[2]), sys.argv[3], sys.argv[4:]

def state(out):
    if kind == "peeredged":
        nb = json.loads(out)["neighbors"][0]
        return nb["state"], int(nb["routes"])
    if kind == "bird":
        st = re.search(r"BGP state:\s+(\w+)", out)
        r = re.search(r"Routes:\s+(\d+) imported", out)
        return (st.group(1) if st else "?"), (int(r.group(1)) if r else 0)
    p = json.loads(out)["peers"]["10.98.3.1"]
    return p["state"], int(p["pfxRcd"])

t_first = time.monotonic()
t_est = None
polls = 0
st, routes = "?", 0
last, t_moved = -1, t_first
while time.monotonic() - t_first < 900 and time.monotonic() - t_moved < 60:
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    t = time.monotonic()
    polls += 1
    try:
        st, routes = state(out)
    except (ValueError, KeyError, IndexError):
        pass
    if routes != last:
        last, t_moved = routes, t
    if t_est is None and st == "Established":
        t_est = t
    if t_est is not None and routes >= n:
        print("%.2f %.3f" % (t - t_est, (t - t_first) / max(polls - 1, 1)))
        sys.exit(0)
    time.sleep(period)
print("timeout", st, routes)
PY
}

# measure NAME INDEX: one receiver, one row of the table.
measure() {
	local name=$1 i=$2 idle peak secs period cpu0 cpu1 scpu0 scpu1
	local -n cmd="poll_$name"
	RPID=""
	"start_$name" && [ -n "$RPID" ] || { echo "| $name | did not start | | | | | |"; return; }
	sleep 2
	idle=$(hwm_kb "$RPID")
	cpu0=$(cpu_ticks "$RPID")
	scpu0=$(cpu_ticks "$SPID")
	sender enable "r$i" >/dev/null
	read -r secs period rest <<<"$(poll "$name" "${cmd[@]}")"
	peak=$(hwm_kb "$RPID")
	cpu1=$(cpu_ticks "$RPID")
	scpu1=$(cpu_ticks "$SPID")
	sender disable "r$i" >/dev/null
	kill "$RPID" 2>/dev/null
	if [ "$secs" = timeout ]; then
		echo "| $name | no full table (state $period, $rest routes) | | | | | |"
		return
	fi
	PERIODS+=" $name $period s;"
	echo "| $name | $secs | $(ticks_s $((cpu1 - cpu0))) | $(ticks_s $((scpu1 - scpu0))) | $((peak / 1024)) | $(((peak - idle) / 1024)) | $(((peak - idle) * 1024 / N)) |"
}

echo "# Receiving $N IPv4 prefixes from one BIRD $(bird --version 2>&1 | awk '{print $3}') sender, $(date -u '+%F %H:%M UTC')"
echo "# $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo "| receiver | seconds Established -> all received | receiver CPU s | sender CPU s | peak MiB | peak - idle MiB | bytes/route |"
echo "|---|---:|---:|---:|---:|---:|---:|"
PERIODS=""
for r in $RECEIVERS; do
	case $r in
	peeredged) measure peeredged 1 ;;
	bird) measure bird 2 ;;
	frr) measure frr 3 ;;
	*) echo "bgp_rx_bench: unknown receiver '$r'" >&2; exit 2 ;;
	esac
done
echo "# poll periods:$PERIODS"
cat <<EOF
# Method: one BIRD sender with $N static /24s (AS path 64600 TRANSIT ORIGIN,
# 8 transits, one origin per 16 prefixes, one community), each receiver in
# its own namespace over veth, storing routes without a FIB. Seconds: from
# the first poll of the receiver's CLI that sees Established to the first
# that sees all $N routes (resolution: the poll periods above, the CLI's
# own time included). Memory: VmHWM of the receiving process when done, minus its
# VmHWM idle before the session; bytes/route = that difference / $N.
# CPU s: user + system time the receiving process (all threads) and the
# sending BIRD used over the same interval (the rest of the time they waited
# for each other, or for a CPU: 2 cores shared with other work).
# peeredged: $PEEREDGED; bird $(bird --version 2>&1 | awk '{print $3}'); $($BGPD --version 2>/dev/null | head -1)
EOF
