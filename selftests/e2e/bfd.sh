#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# peeredged and kbfd (qemu guest): the daemon creates the kbfd session of a
# "bfd on" neighbor, the connection is Active only with BFD Up, BFD Down
# resets the BGP session and holds it down until Up, reload without "bfd"
# deletes the kbfd session. The far side runs kbfd too (peeredge bfd add)
# and BIRD for BGP.
. "$(dirname "$0")/../lib/lib.sh"
require_root
require_cmd ip python3 bird birdc
require_agent agent-asan
require_kbfd_loaded
WORK=$(mktemp -d /tmp/peeredge-bfd.XXXXXX)
cleanup() {
	[ -n "${PID:-}" ] && kill -9 "$PID" 2>/dev/null
	netns_cleanup
	rm -rf "$WORK"
}
trap cleanup EXIT

A=e2e-bfd-a B=e2e-bfd-b
netns_add "$A" && netns_add "$B" || skip_all "cannot create network namespaces"
ip link add va netns "$A" type veth peer name vb netns "$B"
ip -n "$A" addr add 10.99.50.1/24 dev va
ip -n "$B" addr add 10.99.50.2/24 dev vb
ip -n "$A" link set va up
ip -n "$B" link set vb up

cat >"$WORK/bird.conf" <<EOF2
router id 10.99.50.2;
protocol device { }
protocol static { ipv4; route 45.10.20.0/24 unreachable { bgp_community.add((8075,8007)); }; }
protocol bgp edge { local 10.99.50.2 as 3320; neighbor 10.99.50.1 as 8075;
	hold time 6; connect retry time 1; error wait time 1, 2;
	ipv4 { import none; export all; }; }
EOF2
ip netns exec "$B" bird -c "$WORK/bird.conf" -s "$WORK/bird.ctl" -P "$WORK/bird.pid" ||
	skip_all "bird does not start"

conf() {
	cat <<EOF2
router-id 10.99.50.1;
local-as 8075;
peering contoso { asn 3320; kind voice; }
state-file $WORK/state;
neighbor b { address 10.99.50.2; local-address 10.99.50.1; remote-as 3320; hold-time 6;
	bfd $1; dev va; peering contoso; location AMS; router r1; }
EOF2
}
start_daemon() {
	rm -f "$WORK/pe.sock"
	ip netns exec "$A" "$PEEREDGED" -d -f "$WORK/pe.conf" -s "$WORK/pe.sock" \
		>>"$WORK/peeredged.log" 2>&1 &
	PID=$!
	wait_for 10 test -S "$WORK/pe.sock"
}
conf on >"$WORK/pe.conf"
start_daemon

pe() { local ns=$1; shift; ip netns exec "$ns" "$PEEREDGE" -s "$WORK/pe.sock" "$@"; }
json_get() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
conn() { pe "$A" -j connection show | json_get "j['connections'][0]['$1']"; }
conn_is() { [ "$(conn "$1")" = "$2" ]; }
bfd_state_is() { [ "$(pe "$A" -j bfd show 10.99.50.2 | json_get "j[0]['state']")" = "$1" ]; }
logged() { grep -qF -- "$1" "$WORK/peeredged.log"; }

check "peeredged created the kbfd session of the neighbor" wait_for 10 pe "$A" bfd show 10.99.50.2 local 10.99.50.1 dev va
check "BGP comes up" wait_for 40 conn_is bgp_state Established
check "without BFD Up the connection is not Active" conn_is state ProvisioningCompleted
check "the far side's BFD session" pe "$B" bfd add 10.99.50.1 local 10.99.50.2 dev vb interval 100000
check "BFD Up" wait_for 20 bfd_state_is Up
check "... makes the connection Active" wait_for 10 conn_is state Active
check "... connection show says BFD up" conn_is bfd up

check "far side admin-down" pe "$B" bfd set 10.99.50.1 local 10.99.50.2 dev vb admin-down
check "BFD Down resets the session (Cease / BFD Down)" wait_for 10 logged "Cease/10"
check "... the connection is no longer Active" wait_for 5 eval '! conn_is state Active'
sleep 3
check "... and BGP is held down" conn_is bgp_state Idle
check "far side admin-up" pe "$B" bfd set 10.99.50.1 local 10.99.50.2 dev vb admin-up
check "BFD Up releases it: Established and Active" wait_for 40 eval \
	'conn_is bgp_state Established && conn_is state Active'

# A restart finds its kbfd session Up already: no event will say so.
kill -9 "$PID"; wait "$PID" 2>/dev/null; PID=
start_daemon
check "after kill -9 and restart the Up kbfd session is adopted" wait_for 40 eval \
	'conn_is bfd up && conn_is state Active'

conf off >"$WORK/pe.conf"
check "reload with bfd off" pe "$A" reload
check "... deletes the kbfd session" wait_for 5 eval '! pe "$A" bfd show 10.99.50.2 >/dev/null 2>&1'
check "... the connection stays Active on BGP alone" wait_for 40 conn_is state Active

kill -TERM "$PID"; rc=0; wait "$PID" || rc=$?; PID=
check "SIGTERM: clean exit" test "$rc" = 0
check "... no sanitizer report" eval '! grep -q -E "$SANITIZER_REPORT" "$WORK/peeredged.log"'
[ "$__tap_failed" = 0 ] || sed 's/^/# peeredged: /' "$WORK/peeredged.log" | tail -n 60
done_testing
