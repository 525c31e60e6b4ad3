#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Single-hop sessions (RFC 5881) between two namespaces over veth, IPv4,
# IPv6 and IPv6 link-local: they come Up; cutting the path takes both sides
# Down with diagnostic 1 (Control Detection Time Expired) and restoring it
# brings them back;
# AdminDown works both ways (the peer sees diagnostic 3); an interval change
# on an Up session goes through a Poll Sequence without a flap; events carry
# old and new state; deleting a session tells the peer; deleting a namespace
# with live sessions removes them. Timers are 100 ms x 3, and 50 ms x 10
# for the Poll Sequence checks: the guest runs under TCG emulation, often on
# a loaded host, where the vCPUs can stall for hundreds of milliseconds.
. "$(dirname "$0")/lib.sh"

kbfd_require
require_cmd nft
veth_pair || skip_all "cannot build the veth topology"

T="tx 100000 rx 100000 mult 3"
A4=(peer 10.0.0.2 local 10.0.0.1)
B4=(peer 10.0.0.1 local 10.0.0.2)
A6=(peer fd00::2)
B6=(peer fd00::1)

mon=$(mktemp)
ip netns exec "$NS1" "$KBFDCTL" monitor 120 >"$mon" &
monpid=$!
wait_for 5 grep -q monitoring "$mon"

check "add IPv4 session in A" kctl "$NS1" add "${A4[@]}" $T
check "add IPv4 session in B" kctl "$NS2" add "${B4[@]}" $T
check "add IPv6 session in A" kctl "$NS1" add "${A6[@]}" $T
check "add IPv6 session in B" kctl "$NS2" add "${B6[@]}" $T
check_fails "a second session with the same key is refused" kctl "$NS1" add "${A4[@]}"

both_up() { state_is "$NS1" up "${A4[@]}" && state_is "$NS2" up "${B4[@]}"; }
both_up6() { state_is "$NS1" up "${A6[@]}" && state_is "$NS2" up "${B6[@]}"; }
check "IPv4 session comes Up on both sides" wait_for 15 both_up
check "IPv6 session comes Up on both sides" wait_for 15 both_up6

# IPv6 link-local peers need the interface.
ll() { ip -n "$1" -6 addr show dev veth0 scope link | awk '/inet6/ { sub("/.*", "", $2); print $2 }'; }
LL1=$(ll "$NS1")
LL2=$(ll "$NS2")
check_fails "link-local peer without an interface is refused" kctl "$NS1" add peer "$LL2"
check "link-local session in A (dev veth0)" kctl "$NS1" add peer "$LL2" dev veth0 $T
check "link-local session in B (dev veth0)" kctl "$NS2" add peer "$LL1" dev veth0 $T
check "IPv6 link-local session comes Up" wait_for 15 sh -c \
	"ip netns exec $NS1 $KBFDCTL get peer $LL2 dev veth0 | grep -qx 'state up' &&
	 ip netns exec $NS2 $KBFDCTL get peer $LL1 dev veth0 | grep -qx 'state up'"
kctl "$NS1" del peer "$LL2" dev veth0
kctl "$NS2" del peer "$LL1" dev veth0

d1=$(kfield "$NS1" discr "${A4[@]}")
d2=$(kfield "$NS2" discr "${B4[@]}")
check "discriminators learnt" test "$(kfield "$NS1" remote_discr "${A4[@]}")" = "$d2"
check "sysfs shows the session Up" grep -qx up "$(sysfs_of "$d1")/state"
ns1_inode=$(ip netns exec "$NS1" stat -L -c %i /proc/self/ns/net)
check "sysfs netns file names the namespace" grep -qx "$ns1_inode" "$(sysfs_of "$d1")/netns"
check "sysfs peer address" grep -qx 10.0.0.2 "$(sysfs_of "$d1")/peer_addr"
check "negotiated TX is the fast interval once Up" \
	wait_for 5 sh -c "[ \"\$(cat $(sysfs_of "$d1")/tx_interval_us)\" = 100000 ]"
check "TTL 255 packets counted" test "$(cat "$(sysfs_of "$d1")/rx_packets")" -gt 0

# Cut the path both ways at once: each side detects the silence itself
# (two separate cuts would let the first side to time out tell the other).
bfd_block "$NS1"
both_down() { state_is "$NS1" down "${A4[@]}" && state_is "$NS2" down "${B4[@]}"; }
check "path cut: both sides go Down" wait_for 10 both_down
check "A's diagnostic is 1 (detection time expired)" test "$(kfield "$NS1" diag "${A4[@]}")" = 1
check "B's diagnostic is 1 (detection time expired)" test "$(kfield "$NS2" diag "${B4[@]}")" = 1
check "IPv6 session also goes Down" wait_for 10 sh -c \
	"ip netns exec $NS1 $KBFDCTL get ${A6[*]} | grep -qx 'state down'"
check "remote discriminator forgotten on timeout" test "$(kfield "$NS1" remote_discr "${A4[@]}")" = 0
check "slow TX (>= 1 s) while not Up" test "$(kfield "$NS1" neg_tx "${A4[@]}")" -ge 1000000
bfd_unblock "$NS1"
check "path restored: IPv4 Up again" wait_for 20 both_up
check "path restored: IPv6 Up again" wait_for 20 both_up6
check "up_transitions counts the second Up" test "$(kfield "$NS1" up_transitions "${A4[@]}")" -ge 2

# AdminDown, from A then from B.
check "A admin down" kctl "$NS1" set "${A4[@]}" admin 1
check "A is AdminDown with diag 7" wait_for 5 sh -c \
	"ip netns exec $NS1 $KBFDCTL get ${A4[*]} | grep -qx 'state admin_down'"
check "A's diagnostic is 7" test "$(kfield "$NS1" diag "${A4[@]}")" = 7
b_down3() { state_is "$NS2" down "${B4[@]}" && [ "$(kfield "$NS2" diag "${B4[@]}")" = 3 ]; }
check "B goes Down with diag 3 (neighbor signaled down)" wait_for 10 b_down3
check "A admin up" kctl "$NS1" set "${A4[@]}" admin 0
check "session Up after A's admin up" wait_for 20 both_up
check "B admin down" kctl "$NS2" set "${B4[@]}" admin 1
a_down3() { state_is "$NS1" down "${A4[@]}" && [ "$(kfield "$NS1" diag "${A4[@]}")" = 3 ]; }
check "A goes Down with diag 3" wait_for 10 a_down3
check "B admin up" kctl "$NS2" set "${B4[@]}" admin 0
check "session Up after B's admin up" wait_for 20 both_up

# Interval changes on an Up session: Poll Sequence, no flap.
ups1=$(kfield "$NS1" up_transitions "${A4[@]}")
ups2=$(kfield "$NS2" up_transitions "${B4[@]}")
check "faster timers on A (50 ms x 10)" kctl "$NS1" set "${A4[@]}" tx 50000 rx 50000 mult 10
check "faster timers on B (50 ms x 10)" kctl "$NS2" set "${B4[@]}" tx 50000 rx 50000 mult 10
poll_done() { [ "$(cat "$(sysfs_of "$d1")/poll")" = 0 ] && [ "$(cat "$(sysfs_of "$d2")/poll")" = 0 ]; }
check "the Poll Sequences terminate" wait_for 5 poll_done
check "negotiated TX is 50 ms" wait_for 5 sh -c "[ \"\$(cat $(sysfs_of "$d1")/tx_interval_us)\" = 50000 ]"
check "detection time is 500 ms" test "$(cat "$(sysfs_of "$d1")/detect_time_us")" = 500000
check "slower timers on A (300 ms)" kctl "$NS1" set "${A4[@]}" tx 300000 rx 300000
check "the Poll Sequence terminates" wait_for 5 poll_done
check "B's detection time follows (3 s)" wait_for 5 sh -c "[ \"\$(cat $(sysfs_of "$d2")/detect_time_us)\" = 3000000 ]"
sleep 2
check "still Up after the changes" both_up
check "no flap on A" test "$(kfield "$NS1" up_transitions "${A4[@]}")" = "$ups1"
check "no flap on B" test "$(kfield "$NS2" up_transitions "${B4[@]}")" = "$ups2"

# Events.
sleep 0.5
kill "$monpid" 2>/dev/null
wait "$monpid" 2>/dev/null
diag "$(grep -c discr "$mon") events seen"
check "event: Up -> Down with diag 1" grep -Eq "old_state up state down .*diag 1 discr $d1 " "$mon"
check "event: -> AdminDown with diag 7" grep -Eq "old_state (up|down) state admin_down .*diag 7 discr $d1 " "$mon"
check "event: Init/Down -> Up" grep -Eq "state up .*discr $d1 " "$mon"
check "events carry a timestamp" grep -Eq "discr $d1 .*ts [1-9]" "$mon"
grep "discr $d1 " "$mon" | sed 's/^/# /'

# Deleting tells the peer.
check "delete A's IPv4 session" kctl "$NS1" del "${A4[@]}"
check "B goes Down with diag 3 after the delete" wait_for 10 b_down3
check "A's sysfs directory is gone" test ! -e "$(sysfs_of "$d1")"

# A namespace deleted with live sessions takes them along.
d6=$(kfield "$NS2" discr "${B6[@]}")
ip netns del "$NS2"
check "namespace deletion removes its sessions" wait_for 10 test ! -e "$(sysfs_of "$d2")"
check "... the IPv6 one too" wait_for 10 test ! -e "$(sysfs_of "$d6")"
check "A's IPv6 session goes Down without its peer" wait_for 10 sh -c \
	"ip netns exec $NS1 $KBFDCTL get ${A6[*]} | grep -qx 'state down'"
rm -f "$mon"
done_testing
