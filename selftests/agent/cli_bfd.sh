#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The peeredge CLI against the real kbfd.ko (in the qemu guest): two network
# namespaces joined by veth run BFD with each other, driven only through
# `peeredge bfd`: add, show (text and JSON), set, del, the kernel's refusals
# as one line, and monitor (text and JSON) seeing sessions change state.
. "$(dirname "$0")/../lib/lib.sh"

require_root
require_cmd ip python3 timeout
PEEREDGE=${PEEREDGE:-$TOP/build/agent-asan/peeredge}
[ -x "$PEEREDGE" ] || skip_all "$PEEREDGE is not built (make selftests)"
[ -f "$KBFD_KO" ] || skip_all "kbfd.ko is not built (make kmod)"
[ -f /proc/modules ] || skip_all "this kernel has no module support"

if ! kbfd_load; then
	tap_not_ok "kbfd.ko loads"
	done_testing
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; netns_cleanup' EXIT
# A private copy: the shared build tree may be relinked while this runs.
# The unprivileged checks run it too.
cp "$PEEREDGE" "$tmp/peeredge" && chmod 755 "$tmp" && PEEREDGE=$tmp/peeredge

A=cli-a-$$
B=cli-b-$$
if ! netns_add "$A" || ! netns_add "$B"; then
	skip_all "cannot create network namespaces"
fi
ip -n "$A" link add veth0 type veth peer name veth0 netns "$B"
for i in 1 2; do
	ns=$A
	[ "$i" = 2 ] && ns=$B
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	ip -n "$ns" addr add 10.0.1.$i/24 dev veth0
	ip -n "$ns" addr add fd01::$i/64 dev veth0 nodad
	ip -n "$ns" link set veth0 up
done

pe() { # pe NS ARGS...: peeredge in a namespace
	local ns=$1
	shift
	ip netns exec "$ns" timeout 20 "$PEEREDGE" "$@"
}

# Session keys as each side names them.
A4="10.0.1.2 local 10.0.1.1 dev veth0"
B4="10.0.1.1 local 10.0.1.2 dev veth0"
A6="fd01::2 local fd01::1 dev veth0"
B6="fd01::1 local fd01::2 dev veth0"

# show_json NS EXPR [FILTER...]: `-j bfd show [FILTER...]` in NS is a JSON
# array `s` and the Python expression EXPR (which may span lines) holds;
# one(PEER) is the only session to PEER ({} if none).
show_json() {
	local ns=$1 expr=$2 out
	shift 2
	out=$(pe "$ns" -j bfd show "$@") || return 1
	python3 - "$out" "$expr" <<-'EOF'
	import json, sys
	s = json.loads(sys.argv[1])
	def one(peer):
	    found = [x for x in s if x.get("peer") == peer]
	    return found[0] if len(found) == 1 else {}
	if not eval("(" + sys.argv[2] + ")"):
	    print(json.dumps(s, indent=1))
	    sys.exit(1)
	EOF
}

state_is() { show_json "$1" "one('$2').get('state') == '$3'"; }

# one_error_line NS STATUS REGEX ARGS...: exits STATUS, nothing on stdout,
# exactly one line matching REGEX on stderr.
one_error_line() {
	local ns=$1 status=$2 regex=$3 rc=0
	shift 3
	pe "$ns" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	sed 's/^/stderr: /' "$tmp/err"
	[ "$rc" = "$status" ] || { echo "exit $rc, wanted $status"; return 1; }
	[ -s "$tmp/out" ] && { echo "stdout is not empty"; return 1; }
	[ "$(wc -l <"$tmp/err")" = 1 ] || { echo "not one line on stderr"; return 1; }
	grep -Eq -- "$regex" "$tmp/err" || { echo "stderr does not match /$regex/"; return 1; }
}

# Each event line a JSON object; EXPR (Python, over the list `e`) holds.
events_json() {
	python3 - "$1" "$2" <<-'EOF'
	import json, sys
	e = [json.loads(line) for line in open(sys.argv[1])]
	if not eval("(" + sys.argv[2] + ")"):
	    print(json.dumps(e, indent=1))
	    sys.exit(1)
	EOF
}

# --- add, show ---------------------------------------------------------------
# shellcheck disable=SC2086 # the keys are meant to split into words
check "add a session" pe "$A" bfd add $A4 interval 100000 multiplier 5
check "show lists it" sh -c "ip netns exec $A $PEEREDGE bfd show | grep -q '^10.0.1.2 local 10.0.1.1 dev veth0$'"
check "show PEER lists it" sh -c "ip netns exec $A $PEEREDGE bfd show 10.0.1.2 | grep -Eq '^  state +(Down|Init|Up)'"
check "-j show has every field" show_json "$A" "set(one('10.0.1.2')) >= {
	'peer', 'local', 'dev', 'multihop', 'state', 'remote_state', 'diag', 'diag_code',
	'tx_interval_us', 'rx_interval_us', 'multiplier', 'detect_time_us', 'rx_packets',
	'tx_packets', 'local_discr', 'remote_discr', 'rx_drops', 'admin_down'}"
check "-j show has the configuration" show_json "$A" "one('10.0.1.2').get('local') == '10.0.1.1'
	and one('10.0.1.2')['dev'] == 'veth0' and one('10.0.1.2')['multihop'] is False
	and one('10.0.1.2')['multiplier'] == 5 and one('10.0.1.2')['desired_min_tx_us'] == 100000
	and one('10.0.1.2')['required_min_rx_us'] == 100000 and one('10.0.1.2')['local_discr'] != 0"
check "a lone session stays Down" state_is "$A" 10.0.1.2 Down

# --- refusals ----------------------------------------------------------------
# shellcheck disable=SC2086
check "duplicate add fails" one_error_line "$A" 1 "already exists" bfd add $A4
check "bad interval fails" one_error_line "$A" 2 "out of range" bfd add 10.0.1.9 interval 99
check "del of an unknown session fails" one_error_line "$A" 1 "no such session" bfd del 10.0.1.9
check "set of an unknown session fails" one_error_line "$A" 1 "no such session" bfd set 10.0.1.9 admin-down
check "show of an unknown peer fails" one_error_line "$A" 1 "no such session" bfd show 10.0.1.9
check "-j show of an unknown peer fails" one_error_line "$A" 1 "no such session" -j bfd show 10.0.1.9
check "the kernel's own reason is shown" one_error_line "$A" 1 "^peeredge: bfd add 224.0.0.1: .*: .*unicast" bfd add 224.0.0.1

# --- a multihop session to the same peer, and show's filters ----------------------
check "multihop session to the same peer" pe "$A" bfd add 10.0.1.2 local 10.0.1.1 multihop
check "show PEER lists both, single-hop first" show_json "$A" "[(x['multihop'], x['dev']) for x in s] == [(False, 'veth0'), (True, None)]" 10.0.1.2
check "show PEER multihop lists only it" show_json "$A" "[x['multihop'] for x in s] == [True]" 10.0.1.2 multihop
check "show dev veth0 lists only the single-hop one" show_json "$A" "[x['dev'] for x in s] == ['veth0']" dev veth0
check "del the multihop session" pe "$A" bfd del 10.0.1.2 local 10.0.1.1 multihop

# --- both sides: Up ------------------------------------------------------------
# shellcheck disable=SC2086
check "peer side added" pe "$B" bfd add $B4 interval 100000 multiplier 5
check "session comes Up on A" wait_for 30 state_is "$A" 10.0.1.2 Up
check "session comes Up on B" wait_for 30 state_is "$B" 10.0.1.1 Up
check "Up session shows remote Up, packets, discriminators" show_json "$A" "one('10.0.1.2')['remote_state'] == 'Up'
	and one('10.0.1.2')['rx_packets'] > 0 and one('10.0.1.2')['tx_packets'] > 0
	and one('10.0.1.2')['remote_discr'] != 0 and one('10.0.1.2')['detect_time_us'] > 0"
diag "$(pe "$A" -j bfd show)"

# --- monitor ---------------------------------------------------------------
ip netns exec "$A" "$PEEREDGE" -j bfd monitor >"$tmp/events" 2>"$tmp/events.err" &
json_monitor=$!
ip netns exec "$A" "$PEEREDGE" bfd monitor >"$tmp/text" 2>"$tmp/text.err" &
text_monitor=$!
sleep 2	# both subscribed (ASan start-up is slow under emulation)

# shellcheck disable=SC2086
check "peer goes admin-down" pe "$B" bfd set $B4 admin-down
check "peer side is AdminDown" wait_for 10 state_is "$B" 10.0.1.1 AdminDown
check "A goes Down" wait_for 10 state_is "$A" 10.0.1.2 Down
check "A's diag is Neighbor Signaled Session Down" show_json "$A" "one('10.0.1.2')['diag'] == 'Neighbor Signaled Session Down' and one('10.0.1.2')['diag_code'] == 3"
check "-j monitor saw Up -> Down" wait_for 10 events_json "$tmp/events" "any(x['peer'] == '10.0.1.2'
	and x['local'] == '10.0.1.1' and x['dev'] == 'veth0' and x['old_state'] == 'Up'
	and x['state'] == 'Down' and x['diag'] == 'Neighbor Signaled Session Down'
	and x['diag_code'] == 3 and x['local_discr'] > 0 for x in e)"
check "monitor saw Up -> Down" wait_for 10 grep -Eq \
	'^[0-9-]{10}T[0-9:.]{15}Z 10.0.1.2 local 10.0.1.1 dev veth0: Up -> Down \(Neighbor Signaled Session Down\)$' "$tmp/text"

# shellcheck disable=SC2086
check "peer goes admin-up" pe "$B" bfd set $B4 admin-up
check "session comes back Up" wait_for 30 state_is "$A" 10.0.1.2 Up
check "-j monitor saw it come Up" wait_for 10 events_json "$tmp/events" "e[-1]['state'] == 'Up'"

# shellcheck disable=SC2086
check "local admin-down" pe "$A" bfd set $A4 admin-down
check "monitor saw Up -> AdminDown" wait_for 10 grep -q 'dev veth0: Up -> AdminDown (Administratively Down)$' "$tmp/text"
check "-j show reports admin_down" show_json "$A" "one('10.0.1.2')['admin_down'] is True and one('10.0.1.2')['state'] == 'AdminDown'"
# shellcheck disable=SC2086
check "local admin-up" pe "$A" bfd set $A4 admin-up
check "Up again" wait_for 30 state_is "$A" 10.0.1.2 Up

# Not through check: only this shell can wait for its children.
kill -TERM "$json_monitor" "$text_monitor"
json_status=0 text_status=0
wait "$json_monitor" || json_status=$?
wait "$text_monitor" || text_status=$?
check "-j monitor ends with status 0 on SIGTERM" test "$json_status" = 0
check "monitor ends with status 0 on SIGTERM" test "$text_status" = 0
check "-j monitor printed only JSON lines" events_json "$tmp/events" "len(e) >= 4"
check "monitors wrote nothing on stderr" test ! -s "$tmp/events.err" -a ! -s "$tmp/text.err"

# --- timers on an Up session -----------------------------------------------------
# shellcheck disable=SC2086
check "set a new interval" pe "$A" bfd set $A4 interval 200000 rx-interval 150000
check "the new timers are shown" show_json "$A" "one('10.0.1.2')['desired_min_tx_us'] == 200000 and one('10.0.1.2')['required_min_rx_us'] == 150000"
check "the session stayed Up" state_is "$A" 10.0.1.2 Up

# --- IPv6 with authentication --------------------------------------------------
# shellcheck disable=SC2086
check "IPv6 session with keyed-sha1" pe "$A" bfd add $A6 auth keyed-sha1 key-id 3 key 01234567890123456789
# shellcheck disable=SC2086
check "IPv6 peer side" pe "$B" bfd add $B6 auth keyed-sha1 key-id 3 key 01234567890123456789
check "IPv6 authenticated session comes Up" wait_for 30 state_is "$A" fd01::2 Up
check "show lists IPv4 first, never the key" show_json "$A" "[x['peer'] for x in s] == ['10.0.1.2', 'fd01::2']
	and s[1]['auth'] == 'keyed-sha1' and s[1]['auth_key_id'] == 3 and 'key' not in s[1]"

# --- permissions -------------------------------------------------------------
if command -v setpriv >/dev/null; then
	nobody() { ip netns exec "$A" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all "$PEEREDGE" "$@"; }
	check "show works without privileges" nobody bfd show
	nobody_add() {
		local rc=0
		nobody bfd add 10.0.1.9 >"$tmp/out" 2>"$tmp/err" || rc=$?
		cat "$tmp/err"
		[ "$rc" = 1 ] && [ "$(wc -l <"$tmp/err")" = 1 ] && grep -q "permission denied" "$tmp/err"
	}
	check "add needs CAP_NET_ADMIN" nobody_add
else
	tap_skip "permissions" "setpriv is not installed"
fi

# --- del -----------------------------------------------------------------------
# shellcheck disable=SC2086
check "del the IPv4 session" pe "$A" bfd del $A4
check "only the IPv6 session is left" show_json "$A" "[x['peer'] for x in s] == ['fd01::2']"
# shellcheck disable=SC2086
check "del again fails" one_error_line "$A" 1 "no such session" bfd del $A4
check "B's session goes Down once A's is gone" wait_for 30 state_is "$B" 10.0.1.1 Down
# shellcheck disable=SC2086
check "del the IPv6 session" pe "$A" bfd del $A6
check "-j show of no session is []" sh -c "[ \"\$(ip netns exec $A $PEEREDGE -j bfd show)\" = '[]' ]"
check "other namespaces are untouched" show_json "$B" "len(s) == 2"

done_testing
