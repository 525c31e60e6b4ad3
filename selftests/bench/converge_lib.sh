# SPDX-License-Identifier: GPL-2.0
#
# The convergence lab, for converge_bench.sh (in the guest, BFD on) and
# selftests/e2e/load.sh (on the host, BFD off): namespaces $E (the edge)
# and $P (BIRD 2, the peer) joined by va1/vb1 (10.30.1.0/24) and va2/vb2
# (10.30.2.0/24), one BGP session on each: connections c1 and c2 of one
# voice peering. converge_fixture writes the state file (N registered /24s,
# each activated with its key), the registry and BIRD's static routes;
# BIRD announces them all on both sessions with 8075:8007. The edge is
# peeredged (conv_start: the prefixes go Verified and it installs each as
# a route to the peering's nexthop group) or, for comparison, a BIRD 2
# (conv_start_bird: its kernel protocol installs each route by itself,
# with both sessions' nexthops merged, no nexthop objects). Needs lib.sh
# sourced, BIN, PEEREDGED and PEEREDGE set.

TABLE=100
GROUP=$((0x10000000 + 0x1000))	# default nexthop base + group offset, peering 0
E=conv-e-$$ P=conv-p-$$
W=$(mktemp -d /tmp/peeredge-conv.XXXXXX)
PID= BPID=
conv_stop() {
	[ -n "$BPID" ] && kill "$BPID" 2>/dev/null
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null
	PID= BPID=
	netns_cleanup
}
# The end of peeredged's log, where a daemon that died says why (a fatal
# error), or a sanitizer's report whole (from its first line, at most 100);
# the log goes with $W.
daemon_log_tail() {
	local from
	from=$(grep -n -m1 -E "$SANITIZER_REPORT" "$W/peeredged.log" | cut -d: -f1)
	if [ -n "$from" ]; then
		tail -n +"$((from > 1 ? from - 1 : 1))" "$W/peeredged.log" | head -n 100
	else
		tail -n 40 "$W/peeredged.log"
	fi | sed 's/^/# peeredged: /'
}
# daemon_running WHEN: peeredged still runs. If it does not, one failed check
# says how it ended and why (a sanitizer's report, else its log's last line),
# its log's end follows, and the test ends: what it checks after this
# would only fail for the same reason, under other names.
daemon_running() {
	local rc why
	kill -0 "$PID" 2>/dev/null && return 0
	wait "$PID"
	rc=$?
	why=$(grep -m1 -E "$SANITIZER_REPORT" "$W/peeredged.log" || tail -n 1 "$W/peeredged.log")
	tap_not_ok "peeredged still runs $1 (it ended with status $rc: ${why:-an empty log})"
	daemon_log_tail
	PID=
	done_testing
}
cleanup() {
	[ -n "$PID" ] && ! kill -0 "$PID" 2>/dev/null && daemon_log_tail
	conv_stop
	# A failed run leaves the daemon's log behind.
	[ "$__tap_failed" = 0 ] || grep -E "took|Established ->|expired" "$W/peeredged.log" |
		tail -n 40 | sed 's/^/# log: /'
	rm -rf "$W"
}
trap cleanup EXIT

pe() { ip netns exec "$E" "$PEEREDGE" -s "$W/pe.sock" "$@"; }
json_get() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
conn_state() { pe -j connection show | json_get "[c['state'] for c in j['connections'] if c['name']=='$1'][0]"; }
group_size() { ip -n "$E" nexthop show id "$GROUP" 2>/dev/null | sed -n 's/.*group \([0-9/]*\).*/\1/p' | tr / '\n' | grep -c .; }
# in_fib N MEMBERS: N routes, all via the group, which has MEMBERS nexthops.
in_fib() {
	[ "$(group_size)" = "$2" ] &&
		[ "$(ip netns exec "$E" "$BIN/converge_watch" count $TABLE $GROUP)" = "routes=$1 via_group=$1" ]
}
# ready N MEMBERS CONN...: the connections Active and the FIB as in_fib says.
ready() {
	local n=$1 m=$2 c
	shift 2
	for c in "$@"; do [ "$(conn_state "$c")" = Active ] || return 1; done
	in_fib "$n" "$m"
}
# hold_expiries [LOG]: BGP sessions lost to a hold timer (peeredged's log by default).
hold_expiries() { grep -ci "hold timer expired" "${1:-$W/peeredged.log}"; }

# conv_lab N BFD HOLD: the namespaces and links, the fixture's files, the
# peer's BIRD config ($W/bird.conf, hold time HOLD s) and, with BFD on,
# the far side's kbfd sessions (100 ms x 3).
conv_lab() {
	local n=$1 bfd=$2 hold=$3 i
	netns_add "$E" && netns_add "$P" || skip_all "cannot create network namespaces"
	# NH_COMPAT (converge_bench.sh -n): how the edge's kernel announces a
	# replaced nexthop group.
	[ -z "${NH_COMPAT:-}" ] ||
		ip netns exec "$E" sysctl -qw net.ipv4.nexthop_compat_mode="$NH_COMPAT" ||
		skip_all "net.ipv4.nexthop_compat_mode cannot be set"
	for i in 1 2; do
		ip link add "va$i" netns "$E" type veth peer name "vb$i" netns "$P" ||
			skip_all "veth is not available"
		ip -n "$E" addr add "10.30.$i.1/24" dev "va$i"
		ip -n "$P" addr add "10.30.$i.2/24" dev "vb$i"
		ip -n "$E" link set "va$i" up
		ip -n "$P" link set "vb$i" up
	done
	rm -f "$W"/*
	"$BIN/converge_fixture" "$W" "$n" || exit 1
	{
		echo "router id 10.30.1.2;"
		echo "protocol device { }"
		echo "protocol static { ipv4;"
		cat "$W/routes.conf"
		echo "}"
		cat <<EOF
template bgp edge { local as 3320; hold time $hold; connect retry time 1; error wait time 1, 2;
	ipv4 { import none; export filter { bgp_community.add((8075,8007)); accept; }; }; }
protocol bgp c1 from edge { local 10.30.1.2; neighbor 10.30.1.1 as 8075; }
protocol bgp c2 from edge { local 10.30.2.2; neighbor 10.30.2.1 as 8075; }
EOF
	} >"$W/bird.conf"
	# The far side's BFD: kbfd's (converge_bench.sh -t command has none).
	[ "$bfd" = on ] && [ "${TRIGGER:-kbfd}" = kbfd ] || return 0
	for i in 1 2; do
		ip netns exec "$P" "$PEEREDGE" bfd add "10.30.$i.1" local "10.30.$i.2" dev "vb$i" \
			interval 100000 >/dev/null || skip_all "kbfd: cannot add the far side's session"
	done
}

# The peer's BIRD, started last; t0 is when it started.
start_peer() {
	t0=$EPOCHREALTIME
	ip netns exec "$P" bird -c "$W/bird.conf" -s "$W/bird.ctl" -P "$W/bird.pid" ||
		skip_all "bird does not start"
}

# conv_start N BFD HOLD: the lab with N prefixes and peeredged as the edge,
# "bfd BFD" on both neighbors (on: `peeredge -j bfd monitor` into
# $W/bfd-events), BGP hold time HOLD s on both sides.
conv_start() {
	local n=$1 bfd=$2 hold=$3 i
	conv_lab "$n" "$bfd" "$hold"
	cat >"$W/pe.conf" <<EOF
router-id 10.30.1.1;
local-as 8075;
peering bench { asn 3320; kind voice; }
registry $W/irr.db;
state-file $W/state;
fib table $TABLE;
grace-period 0;
EOF
	for i in 1 2; do
		cat >>"$W/pe.conf" <<EOF
neighbor c$i { address 10.30.$i.2; local-address 10.30.$i.1; remote-as 3320;
	hold-time $hold; bfd $bfd; dev va$i; peering bench; location AMS; router r$i; }
EOF
	done
	# The environment its systemd unit gives the daemon (glibc's huge-page
	# heap), and EDGE_PRELOAD: a library for the edge, alloc_trace.so say.
	local unit_env
	mapfile -t unit_env < <(sed -n 's/^Environment=//p' "$TOP/agent/peeredged.service")
	ip netns exec "$E" env "${unit_env[@]}" ${EDGE_PRELOAD:+LD_PRELOAD="$EDGE_PRELOAD"} \
		"$PEEREDGED" -d -f "$W/pe.conf" -s "$W/pe.sock" >"$W/peeredged.log" 2>&1 &
	PID=$!
	wait_for 60 test -S "$W/pe.sock" || { sed 's/^/# /' "$W/peeredged.log"; exit 1; }
	if [ "$bfd" = on ] && [ "${TRIGGER:-kbfd}" = kbfd ]; then
		ip netns exec "$E" "$PEEREDGE" -j bfd monitor >"$W/bfd-events" 2>&1 &
		BPID=$!
	fi
	start_peer
}

# conv_start_bird N BFD HOLD: the same lab with a BIRD 2 as the edge: BGP
# sessions c1 and c2 (with BFD on, over BIRD's BFD at 100 ms x 3, whose
# state changes it logs with microseconds into $W/edge-bird.log), the
# routes carrying 8075:8007 imported, and its kernel protocol exporting
# them to table $TABLE with both sessions' nexthops merged.
conv_start_bird() {
	local n=$1 bfd=$2 hold=$3
	conv_lab "$n" "$bfd" "$hold"
	cat >"$W/edge.conf" <<EOF
router id 10.30.1.1;
log "$W/edge-bird.log" all;
timeformat log "%F %T.%6f";
protocol device { }
protocol kernel { ipv4 { import none; export all; }; kernel table $TABLE; merge paths on; }
EOF
	[ "$bfd" = on ] && cat >>"$W/edge.conf" <<EOF
protocol bfd { debug { events }; interface "va*" { interval 100 ms; multiplier 3; }; }
EOF
	cat >>"$W/edge.conf" <<EOF
template bgp peer { local as 8075; hold time $hold; connect retry time 1; error wait time 1, 2;
	bfd $bfd; ipv4 { import where (8075,8007) ~ bgp_community; export none; }; }
protocol bgp c1 from peer { local 10.30.1.1; neighbor 10.30.1.2 as 3320; }
protocol bgp c2 from peer { local 10.30.2.1; neighbor 10.30.2.2 as 3320; }
EOF
	ip netns exec "$E" bird -c "$W/edge.conf" -s "$W/edge.ctl" -P "$W/edge.pid" ||
		skip_all "bird does not start as the edge"
	start_peer
}
