#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kbfd helpers for the shell selftests, on top of selftests/lib/lib.sh:
# loading and unloading kbfd.ko, the C client, sysfs lookups and a pair of
# network namespaces joined by veth.
. "$(dirname "${BASH_SOURCE[0]}")/../lib/lib.sh"

KBFDCTL=$TOP/build/selftests/kbfd/kbfdctl
KBFD_SYSFS=/sys/kernel/kbfd
PEEREDGE=$TOP/build/agent/peeredge

kbfd_unload() {
	grep -q '^kbfd ' /proc/modules || return 0
	rmmod kbfd
}

kbfd_require() {
	require_root
	[ -f "$KBFD_KO" ] || skip_all "kbfd.ko is not built (make kmod)"
	[ -x "$KBFDCTL" ] || skip_all "kbfdctl is not built (make selftests)"
	[ -d /sys/module ] && [ -f /proc/modules ] || skip_all "no module support"
	kbfd_load || skip_all "cannot load kbfd.ko (this kernel: $(uname -r))"
}

# Tests that drive kbfd through the peeredge CLI: pe NS ARGS... runs it in NS.
pe_require() {
	[ -x "$PEEREDGE" ] || skip_all "peeredge is not built (make agent)"
}

pe() {
	local ns=$1
	shift
	ip netns exec "$ns" "$PEEREDGE" "$@"
}

# Tests of LAGs: their bonds are made in their own namespaces only.
bonding_require() {
	modprobe -q bonding max_bonds=0 2>/dev/null || skip_all "no bonding module"
}

# kbfdctl in a namespace: kctl NS ARGS...
kctl() {
	local ns=$1
	shift
	ip netns exec "$ns" "$KBFDCTL" "$@"
}

# Value of one field printed by "kbfdctl get": kfield NS FIELD KEY...
kfield() {
	local ns=$1 f=$2
	shift 2
	kctl "$ns" get "$@" | awk -v f="$f" '$1 == f { print $2 }'
}

# state_is NS STATE KEY...
state_is() {
	local ns=$1 want=$2
	shift 2
	[ "$(kfield "$ns" state "$@")" = "$want" ]
}

# Two namespaces $NS1 and $NS2 joined by veth: 10.0.0.1/24 + fd00::1/64 on
# side 1, .2 / ::2 on side 2. IPv6 DAD is off so addresses work at once.
veth_pair() {
	NS1=kbfd-a-$$
	NS2=kbfd-b-$$
	netns_add "$NS1" && netns_add "$NS2" || return 1
	ip -n "$NS1" link add veth0 type veth peer name veth0 netns "$NS2" || return 1
	local ns i
	for i in 1 2; do
		ns=NS$i
		ns=${!ns}
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0
		ip -n "$ns" addr add 10.0.0.$i/24 dev veth0
		ip -n "$ns" addr add fd00::$i/64 dev veth0 nodad
		ip -n "$ns" link set veth0 up
	done
}

# Drop all BFD traffic entering and leaving NS (single-hop and multihop
# ports), in one nft transaction: the path is cut both ways at one moment.
bfd_block() {
	ip netns exec "$1" nft -f - <<-EOT
	table inet kbfdtest {
		chain in {
			type filter hook input priority 0; policy accept;
			udp dport { 3784, 4784 } drop
		}
		chain out {
			type filter hook output priority 0; policy accept;
			udp dport { 3784, 4784 } drop
		}
	}
	EOT
}

bfd_unblock() {
	ip netns exec "$1" nft delete table inet kbfdtest
}

# bond_pair NS1 NS2 N [OPTION...]: N veth pairs m1..mN between NS1 and NS2,
# enslaved on each side to an 802.3ad bond0 (miimon 100 and the bond
# OPTIONs, e.g. lacp_rate fast), everything up.
bond_pair() {
	local a=$1 b=$2 n=$3 ns i
	shift 3
	for ((i = 1; i <= n; i++)); do
		ip -n "$a" link add m$i type veth peer name m$i netns "$b" || return 1
	done
	for ns in "$a" "$b"; do
		ip -n "$ns" link add bond0 type bond mode 802.3ad miimon 100 "$@" || return 1
		for ((i = 1; i <= n; i++)); do
			ip -n "$ns" link set m$i down
			ip -n "$ns" link set m$i master bond0 || return 1
			ip -n "$ns" link set m$i up
		done
		ip -n "$ns" link set bond0 up
	done
}

# bond_view NS MEMBER: the bond's own view of MEMBER, ACTIVE or BACKUP (out
# of the active aggregator: LACP has not taken it in, or has taken it out).
bond_view() {
	ip -n "$1" -d -j link show dev "$2" | jq -r '.[0].linkinfo.info_slave_data.state'
}

# lagdir NS [BOND]: sysfs directory of the LAG on BOND (bond0) in NS.
lagdir() {
	local ns=$1 bond=${2:-bond0} inum idx
	inum=$(ip netns exec "$ns" stat -L -c %i /proc/self/ns/net)
	idx=$(ip netns exec "$ns" cat /sys/class/net/"$bond"/ifindex)
	echo "$KBFD_SYSFS/lag-$inum-$idx"
}

# Sysfs directory of a session by discriminator.
sysfs_of() {
	echo "$KBFD_SYSFS/$1"
}
