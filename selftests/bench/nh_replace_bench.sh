#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nh_replace_bench.sh [ROUTES [REPLACES [ROUNDS]]]: what replacing a
# nexthop group costs the kernel when ROUTES routes use it (default
# 100,000), the request by which peeredged moves every route of a peering
# when a connection goes down. With net.ipv4.nexthop_compat_mode at 1 (the
# kernel's default: the replace is also announced route by route, the
# whole FIB walked and an RTM_NEWROUTE built for each route using the
# group, holding RTNL) and at 0 (the group's own notification only).
#
# Method: a namespace of our own, a veth pair, two nexthops and a group of
# both; ROUTES /24 routes via the group (one `ip -batch`, converge_bench's
# layout from 44.0.0.0/24); then, for each mode in turn, ROUNDS times
# (default 5, the modes interleaved round by round), one `ip -batch` of
# REPLACES (default 20) replaces alternating between the group of one
# nexthop and of both, timed as a whole and divided by REPLACES, so the
# command's own start is spread over all of them. Also with no route, for
# the request's fixed cost. ms per replace, median and largest over the
# rounds (nearest rank). Nothing listens to route notifications in the
# namespace; no traffic is sent.
. "$(dirname "$0")/../lib/lib.sh"
require_root
require_cmd ip awk
routes=${1:-100000}
replaces=${2:-20}
rounds=${3:-5}
for v in "$routes" "$replaces" "$rounds"; do
	[[ $v =~ ^[0-9]+$ ]] && ((v >= 1)) ||
		{ echo "nh_replace_bench.sh: ROUTES, REPLACES and ROUNDS must be positive integers" >&2; exit 2; }
done
NS=nhrepl-$$
work=$(mktemp -d)
trap 'rm -rf "$work"; netns_cleanup' EXIT

awk -v n="$routes" 'BEGIN {
	for (i = 0; i < n; i++)
		printf "route add %d.%d.%d.0/24 nhid 10 proto bgp table 100\n",
		       44 + int(i / 65536), int(i / 256) % 256, i % 256 }' >"$work/routes"
awk -v n="$replaces" 'BEGIN {
	for (i = 0; i < n; i++)
		print (i % 2 ? "nexthop replace id 10 group 1/2" : "nexthop replace id 10 group 2") }' \
	>"$work/replaces"

# lab N: the namespace with N routes via group 10.
lab() {
	netns_add "$NS" || skip_all "cannot create a network namespace"
	ip -n "$NS" link add name t0 type veth peer name t1 &&
		ip -n "$NS" link set t0 up && ip -n "$NS" link set t1 up &&
		ip -n "$NS" addr add 10.99.0.1/24 dev t0 &&
		ip -n "$NS" addr add 10.99.1.1/24 dev t1 &&
		ip -n "$NS" nexthop add id 1 via 10.99.0.2 dev t0 &&
		ip -n "$NS" nexthop add id 2 via 10.99.1.2 dev t1 &&
		ip -n "$NS" nexthop add id 10 group 1/2 ||
		skip_all "nexthop objects are not available"
	((!$1)) || ip -n "$NS" -batch <(head -n "$1" "$work/routes") ||
		{ echo "nh_replace_bench.sh: installing $1 routes failed" >&2; exit 1; }
}
# per_replace MODE: ms per replace of one batch with the compat mode MODE.
per_replace() {
	local t0 t1
	ip netns exec "$NS" sysctl -qw net.ipv4.nexthop_compat_mode="$1" ||
		skip_all "net.ipv4.nexthop_compat_mode cannot be set"
	t0=$EPOCHREALTIME
	ip -n "$NS" -batch "$work/replaces" || exit 1
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" -v n="$replaces" 'BEGIN { printf "%.2f\n", (b - a) * 1000 / n }'
}

echo "# nh_replace_bench: $replaces group replaces a batch, $rounds rounds a mode, interleaved; $(nproc) CPUs, $(uname -r)"
echo "# uptime: $(uptime)"
echo "| routes via the group | compat_mode 1: ms per replace, median / max | compat_mode 0 | 1 against 0 |"
echo "|---:|---:|---:|---:|"
for n in 0 "$routes"; do
	lab "$n"
	on=() off=()
	for ((r = 0; r < rounds; r++)); do
		on+=("$(per_replace 1)")
		off+=("$(per_replace 0)")
	done
	r1=$(printf '%s\n' "${on[@]}" | ranks %.2f 50 100)
	r0=$(printf '%s\n' "${off[@]}" | ranks %.2f 50 100)
	echo "| $n | $r1 | $r0 | $(awk -v a="${r1%% *}" -v b="${r0%% *}" 'BEGIN { printf "%.1fx", (b > 0 ? a / b : 0) }') |"
	netns_cleanup
done
