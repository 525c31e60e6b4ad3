#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# peeredged's metrics and "peeredge status" with kbfd.ko (qemu guest): the
# kbfd session peeredged creates for a "bfd on" neighbor shows in the scrape
# with its state and packet counters, as "peeredge bfd show" has them; when
# the far side goes away it turns Down there and in status, which names it
# and exits 3. The far side is kbfd in another namespace (peeredge bfd add).
# Then a micro-BFD LAG on a bond of two members: its state and members in
# the scrape, one member cut shows there and in status.
. "$(dirname "$0")/../kbfd/lib.sh"	# lib.sh, and bond_pair
require_root
require_cmd ip curl
PY=/usr/bin/python3
"$PY" -c 'import prometheus_client.parser' 2>/dev/null ||
	skip_all "python3-prometheus-client is not installed (make deps)"
require_agent agent-asan
require_kbfd_loaded
WORK=$(mktemp -d /tmp/peeredge-obsbfd.XXXXXX)
cleanup() {
	[ -n "${PID:-}" ] && kill -9 "$PID" 2>/dev/null
	netns_cleanup
	rm -rf "$WORK"
}
trap cleanup EXIT

A=obs-bfd-a-$$ B=obs-bfd-b-$$
PORT=10179
netns_add "$A" && netns_add "$B" || skip_all "cannot create network namespaces"
ip link add va netns "$A" type veth peer name vb netns "$B"
ip -n "$A" addr add 10.99.51.1/24 dev va
ip -n "$B" addr add 10.99.51.2/24 dev vb
ip -n "$A" link set va up
ip -n "$B" link set vb up
cat >"$WORK/pe.conf" <<EOF2
router-id 10.99.51.1;
local-as 8075;
state-file $WORK/state;
neighbor b { address 10.99.51.2; local-address 10.99.51.1; remote-as 3320; passive;
	bfd on; dev va; }
EOF2
ip netns exec "$A" "$PEEREDGED" -d -f "$WORK/pe.conf" -s "$WORK/pe.sock" --metrics "$PORT" \
	>>"$WORK/peeredged.log" 2>&1 &
PID=$!
pe() { local ns=$1; shift; ip netns exec "$ns" "$PEEREDGE" -s "$WORK/pe.sock" "$@"; }
scrape() { ip netns exec "$A" curl -sS --max-time 5 -o "$WORK/scrape" "http://127.0.0.1:$PORT/metrics"; }
metric() { "$PY" "$TOP/selftests/e2e/prom_check.py" "$WORK/scrape" "$1"; }
is() { [ "$(metric "$1")" = "$2" ] || { echo "$1 = $(metric "$1"), wanted $2"; return 1; }; }
scraped_is() { scrape && is "$@"; }
json_get() { "$PY" -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
SESSION="peer=10.99.51.2,local=10.99.51.1,dev=va,mode=single-hop"

check "peeredged starts with --metrics" wait_for 10 test -S "$WORK/pe.sock"
check "it created the neighbor's kbfd session" wait_for 10 pe "$A" bfd show 10.99.51.2
check "the far side's session" pe "$B" bfd add 10.99.51.1 local 10.99.51.2 dev vb interval 100000
check "BFD Up in the scrape" wait_for 20 scraped_is "peeredge_bfd_session_state{$SESSION,state=Up}" 1
check "the scrape parses" "$PY" "$TOP/selftests/e2e/prom_check.py" "$WORK/scrape"
check "kbfd available" is peeredge_bfd_available 1
check "one session, Down 0" is "peeredge_bfd_session_state{$SESSION,state=Down}" 0
check "packets counted both ways" eval \
	'[ "$(metric "peeredge_bfd_rx_packets_total{$SESSION}")" -gt 0 ] &&
	 [ "$(metric "peeredge_bfd_tx_packets_total{$SESSION}")" -gt 0 ]'
check "one Up transition, as bfd show says" eval \
	'is "peeredge_bfd_up_transitions_total{$SESSION}" \
	   "$(pe "$A" -j bfd show 10.99.51.2 | json_get "j[0][\"up_transitions\"]")"'
check "status: bfd sessions 1/1 Up" eval \
	'pe "$A" status | grep -qx "bfd sessions: 1/1 Up"'

pe "$B" bfd del 10.99.51.1 local 10.99.51.2 dev vb
check "far side gone: Down in the scrape" wait_for 10 \
	scraped_is "peeredge_bfd_session_state{$SESSION,state=Down}" 1
rc=0; pe "$A" status >"$WORK/status" || rc=$?
check "status: exit 3" test "$rc" = 3
check "... bfd named among the degraded" grep -q "^peeredged: degraded (.*bfd.*)" "$WORK/status"
check "... the session named with its diagnostic" grep -Eq \
	"^  10.99.51.2 +va +Down +(Control Detection Time Expired|Neighbor Signaled Session Down)" "$WORK/status"
check "status -j: bfd.sessions.down[0].peer" eval \
	'[ "$(pe "$A" -j status | json_get "j[\"bfd\"][\"sessions\"][\"down\"][0][\"peer\"]")" = 10.99.51.2 ]'

# A micro-BFD LAG: bond0 of two veth members on each side.
if modprobe -q bonding max_bonds=0 2>/dev/null; then
	lag_topology() {
		bond_pair "$A" "$B" 2 lacp_rate slow || return 1
		ip -n "$A" addr add 10.99.52.1/24 dev bond0
		ip -n "$B" addr add 10.99.52.2/24 dev bond0
	}
	check "bond topology" lag_topology
	check "LAG on both sides" eval 'pe "$A" bfd lag add dev bond0 peer 10.99.52.2 interval 100000 &&
		pe "$B" bfd lag add dev bond0 peer 10.99.52.1 interval 100000'
	check "LAG Up with 2 members Up in the scrape" wait_for 30 eval \
		'scraped_is "peeredge_bfd_lag_up{lag=bond0}" 1 && is "peeredge_bfd_lag_members_up{lag=bond0}" 2'
	check "... 2 members, m1 and m2 Up" eval 'is "peeredge_bfd_lag_members{lag=bond0}" 2 &&
		is "peeredge_bfd_lag_member_state{lag=bond0,member=m1,state=Up}" 1 &&
		is "peeredge_bfd_lag_member_state{lag=bond0,member=m2,state=Up}" 1'
	check "... member sessions listed as micro-bfd" is \
		"peeredge_bfd_session_state{dev=m1,mode=micro-bfd,state=Up}" 1
	check "... the scrape parses" "$PY" "$TOP/selftests/e2e/prom_check.py" "$WORK/scrape"
	ip -n "$B" link set m2 down
	check "a member cut: m2 not Up, LAG still Up with 1" wait_for 10 eval \
		'scraped_is "peeredge_bfd_lag_member_state{lag=bond0,member=m2,state=Up}" 0 &&
		 is "peeredge_bfd_lag_members_up{lag=bond0}" 1 && is "peeredge_bfd_lag_up{lag=bond0}" 1'
	check "status: lag members 1/2 Up, m2 named" eval \
		'pe "$A" status >"$WORK/status"; grep -qx "lag members: 1/2 Up" "$WORK/status" &&
		 grep -Eq "^  bond0 +m2 +Down" "$WORK/status"'
else
	tap_skip "micro-BFD LAG metrics" "no bonding module"
fi

kill -TERM "$PID"; rc=0; wait "$PID" || rc=$?; PID=
check "SIGTERM: clean exit" test "$rc" = 0
check "... no sanitizer report" eval '! grep -q -E "$SANITIZER_REPORT" "$WORK/peeredged.log"'
[ "$__tap_failed" = 0 ] || sed 's/^/# peeredged: /' "$WORK/peeredged.log" | tail -n 30
done_testing
