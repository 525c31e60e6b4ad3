#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A LAG larger than one page of netlink attributes: two namespaces joined
# by 160 veth pairs, an 802.3ad bond of all of them on each side, a LAG on
# both bonds (peeredge bfd lag). Each member is a nested attribute of 52
# bytes; a reply allocated NLMSG_GOODSIZE held 100 of them, not 160:
#  - lag add answers with the whole LAG (it used to fail, the LAG undone);
#  - lag show dev bond0 (kbfd's LAG_GET for one LAG, answered by the size
#    of the LAG like the add) and lag show (a dump, beside a small LAG on a
#    second bond) list every member: the CLI holds them all;
#  - every member session comes Up on both sides;
#  - lag del leaves nothing behind.
. "$(dirname "$0")/lib.sh"

kbfd_require
require_cmd jq
pe_require
bonding_require

N=160
A=kbfd-lagl-a-$$
B=kbfd-lagl-b-$$
netns_add "$A" && netns_add "$B" || skip_all "cannot create namespaces"

bond_pair "$A" "$B" "$N" lacp_rate fast || skip_all "cannot build $N-member bonds"
ip -n "$A" addr add 10.9.2.1/24 dev bond0
ip -n "$B" addr add 10.9.2.2/24 dev bond0

check "LAG of $N members added in A" pe "$A" bfd lag add dev bond0 peer 10.9.2.2 local 10.9.2.1
check "... and in B" pe "$B" bfd lag add dev bond0 peer 10.9.2.1 local 10.9.2.2
LA=$(lagdir "$A")
LB=$(lagdir "$B")
check "sysfs: $N members" test "$(cat "$LA/members")" = "$N"

# A second, small LAG in A: the dump carries both.
ip -n "$A" link add s1 type veth peer name s2
ip -n "$A" link add bond1 type bond mode 802.3ad miimon 100
ip -n "$A" link set s1 master bond1
ip -n "$A" link set bond1 up
check "a one-member LAG on bond1 in A" pe "$A" bfd lag add dev bond1 peer 10.9.3.2 local 10.9.3.1

show_one() { pe "$A" -j bfd lag show dev bond0; }
show_all() { pe "$A" -j bfd lag show; }
check "lag show dev bond0: $N distinct members, m1 and m$N among them" eval \
	'[ "$(show_one | jq -r "[.[0].members[].dev] | (unique | length), index(\"m1\") != null,
		index(\"m$N\") != null" | xargs)" = "$N true true" ]'
check "lag show: both LAGs, $N and 1 members" eval \
	'[ "$(show_all | jq -r "sort_by(.lag) | map(.members | length) | join(\" \")")" = "$N 1" ]'
check "every member Up on both sides" wait_for 60 eval \
	'[ "$(cat "$LA/members_up") $(cat "$LB/members_up")" = "$N $N" ]'
check "lag show: $N members Up (remote Up)" eval \
	'[ "$(show_one | jq "[.[0].members[] | select(.state == \"Up\" and .remote_state == \"Up\")] | length")" = "$N" ]'
echo "# lag show dev bond0 (text), first lines:"
pe "$A" bfd lag show dev bond0 | head -4 | sed 's/^/#   /'

check "LAGs deleted" eval 'pe "$A" bfd lag del dev bond0 && pe "$A" bfd lag del dev bond1 &&
	pe "$B" bfd lag del dev bond0'
check "no LAG left" eval '[ "$(find "$KBFD_SYSFS" -maxdepth 1 -name "lag-*" | wc -l)" = 0 ]'
check "no member session left" eval '[ -z "$(ip netns exec "$A" "$KBFDCTL" dump)" ]'
done_testing
