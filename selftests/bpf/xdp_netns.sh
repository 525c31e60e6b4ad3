#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# XDP allowlist end to end: two namespaces over a veth pair, the program on
# the edge's end (loaded and attached by pe_xdp, maps pinned in a bpffs of
# this test's own). Pings from allowed and denied sources, counters, monitor
# mode, incremental updates, and a program replaced (and prefixes changed)
# many times under a 100 pps ping that must lose nothing.
#
#   src ns: veth_s  192.0.2.10/24 (allowed)  198.18.0.10/24 (denied)
#                   2001:db8:1::10/64 (allowed)  2001:db8:9::10/64 (denied)
#   edge ns: veth_e 192.0.2.1/24 198.18.0.1/24 2001:db8:1::1/64 2001:db8:9::1/64
#            XDP on veth_e, peering 1; Verified on peering 1: 192.0.2.0/24,
#            2001:db8:1::/48

# Mounts (the bpffs) stay private to this test.
if [ -z "$PE_XDP_UNSHARED" ]; then
	[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root"; exit 4; }
	PE_XDP_UNSHARED=1 exec unshare -m --propagation private "$0" "$@"
fi

. "$(dirname "$0")/../lib/lib.sh"

require_root
require_cmd ip ping
PE_XDP=${PE_XDP:-$TOP/build/selftests/bpf/pe_xdp}
[ -x "$PE_XDP" ] || skip_all "$PE_XDP not built (make -C selftests/bpf)"

S=pe-xdp-src-$$
E=pe-xdp-edge-$$
BPFFS=$(mktemp -d /tmp/pe-xdp-bpffs.XXXXXX)
trap 'netns_cleanup; umount "$BPFFS" 2>/dev/null; rmdir "$BPFFS"' EXIT
mount -t bpf bpf "$BPFFS" || skip_all "cannot mount a bpffs"
PIN=$BPFFS/peeredge

edge() { ip netns exec "$E" "$@"; }
src() { ip netns exec "$S" "$@"; }
xdp() { edge "$PE_XDP" -d "$PIN" "$@"; }
count() { xdp count veth_e "$1"; }

netns_add "$S" && netns_add "$E" || skip_all "cannot create network namespaces"
ip -n "$S" link add veth_s type veth peer name veth_e netns "$E" ||
	skip_all "cannot create veth"
ip -n "$S" addr add 192.0.2.10/24 dev veth_s
ip -n "$S" addr add 198.18.0.10/24 dev veth_s
ip -n "$S" addr add 2001:db8:1::10/64 dev veth_s nodad
ip -n "$S" addr add 2001:db8:9::10/64 dev veth_s nodad
ip -n "$E" addr add 192.0.2.1/24 dev veth_e
ip -n "$E" addr add 198.18.0.1/24 dev veth_e
ip -n "$E" addr add 2001:db8:1::1/64 dev veth_e nodad
ip -n "$E" addr add 2001:db8:9::1/64 dev veth_e nodad
ip -n "$S" link set veth_s up
ip -n "$E" link set veth_e up

ping_ok() { src ping -q -c 2 -i 0.2 -W 1 "$@" >/dev/null; }
ping4_good() { ping_ok -I 192.0.2.10 192.0.2.1; }
ping4_bad() { ping_ok -I 198.18.0.10 198.18.0.1; }
ping6_good() { ping_ok -6 -I 2001:db8:1::10 2001:db8:1::1; }
ping6_bad() { ping_ok -6 -I 2001:db8:9::10 2001:db8:9::1; }
prog_id() { ip -n "$E" -d link show veth_e 2>/dev/null | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p' | head -n1; }
at_least() { local v; v=$(count "$1") && [ "$v" -ge "$2" ] || { echo "$1 = $v, want >= $2"; return 1; }; }

check "both sources reach the edge without XDP" ping4_bad
check "configure veth_e: peering 1, enforce" xdp iface veth_e 1 enforce
check "add 192.0.2.0/24 on peering 1" xdp add 192.0.2.0/24 1
check "add 2001:db8:1::/48 on peering 1" xdp add 2001:db8:1::/48 1
check "attach to veth_e" xdp attach veth_e
ID1=$(prog_id)
check "program attached" test -n "$ID1"
check "maps pinned" test -e "$PIN/pe_v4_dir" -a -e "$PIN/pe_counters" -a -e "$PIN/link_$(edge cat /sys/class/net/veth_e/ifindex)"
check "IPv4 ping from an allowed source passes" ping4_good
check_fails "IPv4 ping from a denied source is dropped" ping4_bad
check "IPv6 ping from an allowed source passes" ping6_good
check_fails "IPv6 ping from a denied source is dropped" ping6_bad
check "drops counted (drop_v4_src >= 2)" at_least drop_v4_src 2
check "drops counted (drop_v6_src >= 2)" at_least drop_v6_src 2
check "allowed counted (pass_v4 >= 2)" at_least pass_v4 2
check "ARP passed and counted" at_least pass_arp 1
check "ND passed and counted" at_least pass_nd 1
check "counters readable with bpftool" bash -c "command -v bpftool >/dev/null || exit 0; bpftool -j map dump pinned '$PIN/pe_counters' | grep -q '\"packets\"'"

check "monitor mode" xdp iface veth_e 1 monitor
before=$(count monitor_v4_src)
check "monitor: denied source passes" ping4_bad
check "monitor: and is counted" at_least monitor_v4_src $((before + 2))
check "back to enforce" xdp iface veth_e 1 enforce
check_fails "enforce: denied again" ping4_bad

check "remove 192.0.2.0/24" xdp del 192.0.2.0/24 1
check_fails "removed prefix: source dropped" ping4_good
check "add it back" xdp add 192.0.2.0/24 1
check "added prefix: source passes" ping4_good

# Replace the program and churn the tables under a 100 pps ping.
src ping -q -i 0.01 -c 500 -W 1 -I 192.0.2.10 192.0.2.1 >"$BPFFS/../ping.$$" 2>&1 &
pid=$!
sleep 0.3
churn_ok=0
for i in $(seq 1 10); do
	xdp attach veth_e || churn_ok=1
	xdp add 192.0.0.0/16 1 || churn_ok=1
	xdp add 192.0.2.128/25 2 || churn_ok=1
	xdp del 192.0.0.0/16 1 || churn_ok=1
	xdp del 192.0.2.128/25 2 || churn_ok=1
done
wait $pid
ping_rc=$?
summary=$(grep -E 'packets transmitted' "$BPFFS/../ping.$$")
rm -f "$BPFFS/../ping.$$"
diag "under churn: $summary"
check "10 replacements and 40 updates under traffic succeed" test $churn_ok = 0
check "program was replaced (new id)" test "$(prog_id)" != "$ID1"
check "no valid packet lost during replace/update" bash -c "[ $ping_rc = 0 ] && echo '$summary' | grep -q ' 0% packet loss'"
check_fails "still enforcing after replace" ping4_bad

check "detach" xdp detach veth_e
check "no program left" test -z "$(prog_id)"
check "detached: denied source passes again" ping4_bad

done_testing
