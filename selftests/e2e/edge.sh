#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# peeredged end to end, as an operator runs it: one voice peering with two
# connections at the primary location (two routers) and one at the backup
# location, each a BIRD peer in its own namespace. A prefix is registered
# and four subnets of it activated with its key; the peers announce a good
# route and three that break one rule each. Then: a peer stops announcing,
# a session goes down, bad CLI input, kill -9 and restart, a corrupt state
# file.
. "$(dirname "$0")/../lib/lib.sh"
require_root
require_cmd ip python3 bird birdc
require_agent agent-asan
WORK=$(mktemp -d /tmp/peeredge-e2e.XXXXXX)
cleanup() {
	[ -n "${PID:-}" ] && kill -9 "$PID" 2>/dev/null
	netns_cleanup
	rm -rf "$WORK"
}
trap cleanup EXIT

NS=e2e-pe-$$
TABLE=100
netns_add "$NS" || skip_all "cannot create network namespaces"
# Peer i: namespace e2e-p$i-$$, link 10.99.4$i.0/24, peeredged .1, BIRD .2.
for i in 1 2 3; do
	netns_add "e2e-p$i-$$" || skip_all "cannot create network namespaces"
	ip link add "va$i" netns "$NS" type veth peer name vb netns "e2e-p$i-$$" ||
		skip_all "veth is not available"
	ip -n "$NS" addr add "10.99.4$i.1/24" dev "va$i"
	ip -n "e2e-p$i-$$" addr add "10.99.4$i.2/24" dev vb
	ip -n "$NS" link set "va$i" up
	ip -n "e2e-p$i-$$" link set vb up
done

PFX=45.10.20
cat >"$WORK/irr.db" <<EOF2
route:  $PFX.0/24
descr:  the registered SBC block
origin: AS3320
source: TEST
EOF2

cat >"$WORK/pe.conf" <<EOF2
router-id 10.99.41.1;
local-as 8075;
peering contoso { asn 3320; kind voice; }
peering idle { asn 3321; kind voice; }
registry $WORK/irr.db;
state-file $WORK/state;
fib table $TABLE;
grace-period 0;
neighbor c1 { address 10.99.41.2; remote-as 3320; hold-time 6;
	peering contoso; location AMS; router r1; }
neighbor c2 { address 10.99.42.2; remote-as 3320; hold-time 6;
	peering contoso; location AMS; router r2; }
neighbor c3 { address 10.99.43.2; remote-as 3320; hold-time 6; bfd on;
	peering contoso; location FRA; router r3; }
neighbor c4 { address 10.99.44.2; remote-as 3321; passive;
	peering idle; location AMS; router r9; }
EOF2

# bird_conf I [without]: peer I announcing the /24, the good /26 (unless
# "without"), and three /26 that each break a rule.
bird_conf() {
	local good="route $PFX.0/26 unreachable { bgp_community.add((8075,8007)); };"
	[ "${2:-}" = without ] && good=""
	cat <<EOF2
router id 10.99.4$1.2;
protocol device { }
protocol static { ipv4;
	route $PFX.0/24 unreachable { bgp_community.add((8075,8007)); };
	$good
	route $PFX.64/26 unreachable;
	route $PFX.128/26 unreachable { bgp_community.add((8075,8007));
		bgp_path.prepend(65010); bgp_path.prepend(3321); bgp_path.prepend(3322); };
	route $PFX.192/26 unreachable { bgp_community.add((8075,8007)); bgp_path.prepend(3321); };
}
protocol bgp edge { local 10.99.4$1.2 as 3320; neighbor 10.99.4$1.1 as 8075;
	hold time 6; connect retry time 1; error wait time 1, 2;
	ipv4 { import none; export all; }; }
EOF2
}
birdc() { command birdc -s "$WORK/bird$1.ctl" "${@:2}" >/dev/null; }
for i in 1 2 3; do
	bird_conf $i >"$WORK/bird$i.conf"
	ip netns exec "e2e-p$i-$$" bird -c "$WORK/bird$i.conf" -s "$WORK/bird$i.ctl" \
		-P "$WORK/bird$i.pid" || skip_all "bird does not start"
done

start_daemon() {
	rm -f "$WORK/pe.sock"	# kill -9 leaves it behind
	ip netns exec "$NS" "$PEEREDGED" -d -f "$WORK/pe.conf" -s "$WORK/pe.sock" \
		>>"$WORK/peeredged.log" 2>&1 &
	PID=$!
	wait_for 5 test -S "$WORK/pe.sock"
}
pe() { ip netns exec "$NS" "$PEEREDGE" -s "$WORK/pe.sock" "$@"; }
json_get() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
conn_state() { pe -j connection show | json_get "[c['state'] for c in j['connections'] if c['name']=='$1'][0]"; }
active() { local c; for c in "$@"; do [ "$(conn_state "$c")" = Active ] || return 1; done; }
sp_state() { pe -j service-prefix show "$1" | json_get "j['service_prefixes'][0]['state']"; }
sp_state_is() { [ "$(sp_state "$1")" = "$2" ]; }
sp_says() { pe -j service-prefix show "$1" | json_get "j['service_prefixes'][0]['messages']" | grep -qF -- "$2"; }
route_nhid() { ip -n "$NS" route show table $TABLE "$1" | sed -n 's/.*nhid \([0-9]*\).*/\1/p'; }
group_members() { ip -n "$NS" nexthop show id "$1" | sed -n 's/.*group \([0-9/]*\).*/\1/p' | tr / '\n' | wc -l; }
group_has() { [ "$(group_members "$(route_nhid "$1")")" = "$2" ]; }
logged() { grep -qF -- "$1" "$WORK/peeredged.log"; }

start_daemon
check "peeredged starts with a peering, a registry and a FIB table" kill -0 "$PID"
check "three connections become Active" wait_for 40 active c1 c2 c3
check "the idle peering's connection is not Active" eval '[ "$(conn_state c4)" != Active ]'
if ! grep -q '^kbfd ' /proc/modules 2>/dev/null; then
	check "no kbfd: the log says BFD is unavailable" logged "BFD is unavailable"
	check "... and the 'bfd on' connection is Active on BGP alone" eval \
		'[ "$(pe -j connection show | json_get "[c[\"bfd\"] for c in j[\"connections\"] if c[\"name\"]==\"c3\"][0]")" = unavailable ]'
fi

# Registration: the key is printed once.
out=$(pe registered-prefix add sbc $PFX.0/24 peering contoso)
KEY=$(sed -n 's/.* key \([0-9a-f-]*\)$/\1/p' <<<"$out")
check "registered-prefix add prints the prefix key" test -n "$KEY"
check "registered-prefix show does not print it again" eval "! pe registered-prefix show | grep -q -- '$KEY'"
for a in "good $PFX.0/26" "nocomm $PFX.64/26" "badpath $PFX.128/26" "noirr $PFX.192/26"; do
	set -- $a
	check "service-prefix add $1 $2 with the key" pe service-prefix add $1 $2 key "$KEY" \
		primary AMS backup FRA
done

check "good prefix: Verified" wait_for 20 sp_state_is good Verified
check "missing community: Failed" wait_for 5 sp_state_is nocomm Failed
check "... Received route for prefix should have the Peering Service community 8075:8007" \
	sp_says nocomm "Received route for prefix should have the Peering Service community 8075:8007"
check "long path with a private ASN: Failed" sp_state_is badpath Failed
check "... AS path length for prefix should be <=3 for prefix" \
	sp_says badpath "AS path length for prefix should be <=3 for prefix"
check "... AS path for prefix can't include private ASNs" \
	sp_says badpath "AS path for prefix can't include private ASNs"
check "origin missing from the registry: Failed" sp_state_is noirr Failed
check "... Origin ASN is not registered in a routing registry" \
	sp_says noirr "Origin ASN is not registered in a routing registry"

check "good prefix installed in table $TABLE via a nexthop id" wait_for 5 eval \
	'[ -n "$(route_nhid $PFX.0/26)" ]'
check "... a group over the three connections" wait_for 5 group_has $PFX.0/26 3
check "... and fib show says the same" eval \
	'pe -j fib show | json_get "[r[\"nexthop_id\"] for r in j[\"routes\"]]" | grep -q "$(route_nhid $PFX.0/26)"'
check "failed prefixes are not installed" eval \
	'[ -z "$(ip -n $NS route show table $TABLE $PFX.64/26)" ]'

# One primary peer stops announcing the good prefix.
bird_conf 2 without >"$WORK/bird2.conf"
birdc 2 configure
check "peer 2 stops announcing: Warning" wait_for 15 sp_state_is good Warning
check "... Not receiving prefix advertisement from IP 10.99.42.2 for prefix $PFX.0/26" \
	sp_says good "Not receiving prefix advertisement from IP 10.99.42.2 for prefix $PFX.0/26"
check "... still installed" eval '[ -n "$(route_nhid $PFX.0/26)" ]'
check "... a withdrawal event naming the session" eval \
	"pe events good | grep -q 'PrefixWithdrawalEvent.*10.99.42.2'"
bird_conf 2 >"$WORK/bird2.conf"
birdc 2 configure
check "re-announced: Verified again" wait_for 15 sp_state_is good Verified

# A whole session down: one group update, the route stays via the others.
birdc 2 disable edge
check "session 2 down: connection no longer Active" wait_for 15 eval '[ "$(conn_state c2)" != Active ]'
check "... the group has the two remaining connections" wait_for 5 group_has $PFX.0/26 2
check "... the route stays" eval '[ -n "$(route_nhid $PFX.0/26)" ]'
birdc 2 enable edge
check "session 2 back: group of three again" wait_for 30 group_has $PFX.0/26 3
rp_state_is() { [ "$(pe -j registered-prefix show | json_get "j['registered_prefixes'][0]['state']")" = "$1" ]; }
check "... the registered prefix and the good one are Verified again" wait_for 15 eval \
	'rp_state_is Verified && sp_state_is good Verified'

# Bad input: one line on stderr, non-zero exit, the state file untouched.
# The daemon coalesces and paces saves (longer on a busy host): the last
# change on disk first, which status says.
state_saved() { [ "$(pe -j status | json_get "j['state_file']['pending']")" = False ]; }
check "status: no change waits to be saved" wait_for 30 state_saved
cp "$WORK/state" "$WORK/state.before"
bad() {
	local out rc
	out=$(pe "$@" 2>&1 >/dev/null) && rc=0 || rc=$?
	echo "$out"
	[ "$rc" != 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && [ -n "$out" ] &&
		cmp "$WORK/state" "$WORK/state.before"
}
check "malformed prefix" bad registered-prefix add x 45.10.21.0/33 peering contoso
check "host bits set" bad registered-prefix add x 45.10.21.1/24 peering contoso
check "private prefix" bad registered-prefix add x 10.1.0.0/24 peering contoso
check "unknown peering" bad registered-prefix add x 45.10.21.0/24 peering nosuch
check "no Active connection" bad registered-prefix add x 45.10.22.0/24 peering idle
check "wrong key format" bad service-prefix add x $PFX.0/27 key 1234 primary AMS
check "malformed service prefix" bad service-prefix add x 45.10.20.0/299 key "$KEY" primary AMS
check "unknown service prefix" bad service-prefix del nosuch
check "unknown registered prefix" bad registered-prefix del nosuch
check "unknown neighbor" bad neighbor reset nosuch
check "unknown verb" bad service-prefix frobnicate
check "same backup and primary" bad service-prefix add x $PFX.0/27 key "$KEY" primary AMS backup AMS
check "-j output parses" eval 'pe -j peering show | json_get "j[\"peerings\"][0][\"name\"]" | grep -q contoso'
check "events show state changes" eval 'pe events good | grep -q "PrefixValidationStateChangeEvent"'

# Reload re-reads the registry and re-validates.
cat >>"$WORK/irr.db" <<EOF2

route:  $PFX.192/26
origin: AS3321
source: TEST
EOF2
check "reload with a registry that now has the origin" pe reload
check "... the prefix it lacked is Verified" wait_for 10 sp_state_is noirr Verified
check "neighbor show over the CLI" eval 'pe -j neighbor show c1 | json_get "j[\"neighbors\"][0][\"state\"]" | grep -q Established'

# kill -9, restart: everything still there.
kill -9 "$PID"; wait "$PID" 2>/dev/null; PID=
mark=$(($(wc -l <"$WORK/peeredged.log") + 1))
since_restart() { tail -n +$mark "$WORK/peeredged.log"; }
start_daemon
check "restarted after kill -9" kill -0 "$PID"
check "the registration survived" eval 'pe registered-prefix show | grep -q "^sbc .*$PFX.0/24"'
check "the four activations survived" eval '[ "$(pe -j service-prefix show | json_get "len(j[\"service_prefixes\"])")" = 4 ]'
check "good prefix Verified and installed again" wait_for 40 eval \
	'sp_state_is good Verified && [ -n "$(route_nhid $PFX.0/26)" ]'
check "validation waited for the connections that were Active" eval \
	'since_restart | grep -q "connections are back: validating"'
check "... so the restart did not flap the good prefix to Failed" eval \
	'! since_restart | grep -q "good .*Verified -> Failed"'
kill -TERM "$PID"; rc=0; wait "$PID" || rc=$?; PID=
check "SIGTERM: clean exit" test "$rc" = 0
check "... no sanitizer report" eval '! grep -q -E "$SANITIZER_REPORT" "$WORK/peeredged.log"'
check "... its routes are gone" eval '[ -z "$(ip -n $NS route show table $TABLE)" ]'

# Detached (no -d): it forks into the background and still obeys SIGTERM.
ip netns exec "$NS" "$PEEREDGED" -f "$WORK/pe.conf" -s "$WORK/pe.sock" 2>>"$WORK/peeredged.log"
check "detached: peeredged answers on its socket" wait_for 10 pe peering show
daemon_pid() {
	local p
	for p in $(ip netns pids "$NS"); do
		[ "$(readlink "/proc/$p/exe")" = "$(readlink -f "$PEEREDGED")" ] && echo "$p"
	done
}
dpid=$(daemon_pid | head -n1)
check "... in the background" test -n "$dpid"
[ -n "$dpid" ] && kill -TERM "$dpid"
check "detached: SIGTERM stops it" wait_for 10 eval '[ -z "$(daemon_pid)" ]'

# A corrupt state file: refused, and left as it is.
sed -i 's/^registered-prefix contoso sbc/registered-prefix contoso sbd/' "$WORK/state"
cp "$WORK/state" "$WORK/state.corrupt"
refusal=$(ip netns exec "$NS" "$PEEREDGED" -d -f "$WORK/pe.conf" -s "$WORK/pe2.sock" 2>&1) && rc=0 || rc=$?
check "corrupt state file: peeredged refuses to start" test "$rc" != 0
check "... saying why" eval 'grep "is corrupt" <<<"$refusal"'
check "... and leaves the file unchanged" cmp "$WORK/state" "$WORK/state.corrupt"
check "CLI without a daemon: one plain line" eval \
	'[ "$(pe peering show 2>&1)" = "peeredge: peeredged is not running (control socket $WORK/pe.sock)" ]'

[ "$__tap_failed" = 0 ] || sed 's/^/# peeredged: /' "$WORK/peeredged.log" | tail -n 60
done_testing
