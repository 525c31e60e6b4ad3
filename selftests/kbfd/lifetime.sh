#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Session lifetime at scale: 1000 sessions in a namespace (all visible in
# sysfs and in a dump), rmmod with all of them alive; a namespace deleted
# with 1000 live sessions; the kmalloc caches back at their baseline
# afterwards; the per-namespace limit (max_sessions) and the host's
# (max_sessions_total) hold.
. "$(dirname "$0")/lib.sh"

kbfd_require
kbfd_unload
N=1000

slab() { awk -v c="$1" '$1 == c || $1 == "kmalloc-cg-" substr(c, 9) { n += $2 } END { print n + 0 }' /proc/slabinfo; }
count_sysfs() { find /sys/kernel/kbfd -mindepth 1 -maxdepth 1 -type d 2>/dev/null | wc -l; }

netns_add kbfd-life-$$
NS=kbfd-life-$$
ip -n "$NS" link add d0 type dummy && ip -n "$NS" link set d0 up &&
	ip -n "$NS" addr add 10.1.0.0/16 dev d0

base512=$(slab kmalloc-512)
base1k=$(slab kmalloc-1k)
check "load" kbfd_load
check "add $N sessions" kctl "$NS" bulk $N 10.1.1.1 tx 100000 rx 100000
check "$N directories in sysfs" test "$(count_sysfs)" = $N
check "a dump lists $N sessions" test "$(kctl "$NS" dump | wc -l)" = $N
check "sessions transmit" sh -c \
	"sleep 2; [ \$(cat /sys/kernel/kbfd/\$(ls /sys/kernel/kbfd | head -n1)/tx_packets) -gt 0 ]"
t0=$(date +%s.%N)
check "rmmod with $N live sessions" kbfd_unload
diag "rmmod took $(echo "$(date +%s.%N) - $t0" | bc) s"
check "sysfs gone" test ! -e /sys/kernel/kbfd

check "reload" kbfd_load
check "add $N sessions again" kctl "$NS" bulk $N 10.1.1.1
t0=$(date +%s.%N)
ip netns del "$NS"
check "deleting the namespace removes all $N sessions" wait_for 60 sh -c \
	"[ \$(find /sys/kernel/kbfd -mindepth 1 -maxdepth 1 -type d | wc -l) = 0 ]"
diag "namespace teardown took $(echo "$(date +%s.%N) - $t0" | bc) s"

# max_sessions is enforced per namespace.
netns_add kbfd-lim-$$
echo 5 >/sys/module/kbfd/parameters/max_sessions
check "max_sessions: 5 sessions fit" kctl kbfd-lim-$$ bulk 5 10.2.0.1
check_fails "max_sessions: the sixth is refused" kctl kbfd-lim-$$ add peer 10.3.0.1
echo 16384 >/sys/module/kbfd/parameters/max_sessions
# ... and max_sessions_total over all of them: 5 here, 2 more elsewhere.
netns_add kbfd-lim2-$$
echo 7 >/sys/module/kbfd/parameters/max_sessions_total
check "max_sessions_total: 2 more fit in another namespace" kctl kbfd-lim2-$$ bulk 2 10.4.0.1
out=$(kctl kbfd-lim2-$$ add peer 10.5.0.1 2>&1)
check "max_sessions_total: the eighth on the host is refused, saying why" \
	grep -q "too many sessions on this host (max_sessions_total)" <<<"$out"
check "... and a session deleted elsewhere makes room" eval \
	'kctl kbfd-lim-$$ del peer 10.2.0.1 && kctl kbfd-lim2-$$ add peer 10.5.0.1'
echo 65536 >/sys/module/kbfd/parameters/max_sessions_total
ip netns del kbfd-lim-$$
ip netns del kbfd-lim2-$$
wait_for 30 test "$(count_sysfs)" = 0

check "unload" kbfd_unload
sleep 1
now512=$(slab kmalloc-512)
now1k=$(slab kmalloc-1k)
diag "kmalloc-512 active objects: $base512 -> $now512; kmalloc-1k: $base1k -> $now1k"
check "kmalloc-512 back near its baseline (< +200)" test $((now512 - base512)) -lt 200
check "kmalloc-1k back near its baseline (< +200)" test $((now1k - base1k)) -lt 200
done_testing
