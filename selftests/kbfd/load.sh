#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kbfd.ko loads and unloads cleanly: the genetlink family, its multicast
# group, /sys/kernel/kbfd and the tracepoints come and go with it, 20 times
# over, and nothing is left behind.
. "$(dirname "$0")/lib.sh"

kbfd_require
kbfd_unload

genl_has_kbfd() { genl ctrl get name kbfd >/dev/null 2>&1; }
genl_has_events() { genl ctrl get name kbfd 2>/dev/null | grep -q 'name: events'; }
slab_objs() { awk '$1 == "kmalloc-256" || $1 == "kmalloc-512" { n += $2 } END { print n }' /proc/slabinfo 2>/dev/null; }

check "kbfd.ko loads" kbfd_load
check "genetlink family kbfd is registered" genl_has_kbfd
check "family has the events multicast group" genl_has_events
check "/sys/kernel/kbfd exists" test -d /sys/kernel/kbfd
[ -d /sys/kernel/tracing/events ] || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
check "tracepoint kbfd:state_change exists" test -d /sys/kernel/tracing/events/kbfd/state_change
check "tracepoint kbfd:rx_drop exists" test -d /sys/kernel/tracing/events/kbfd/rx_drop
check "tracepoint kbfd:tx exists" test -d /sys/kernel/tracing/events/kbfd/tx
check "rx_drop prints its reason by name" \
	grep -q 'auth_seq_replay' /sys/kernel/tracing/events/kbfd/rx_drop/format
check "modinfo has version and description" \
	sh -c "modinfo '$KBFD_KO' | grep -q '^version:' && modinfo '$KBFD_KO' | grep -q '^description:'"
check "kbfd.ko unloads" kbfd_unload
check "family is gone after unload" sh -c '! genl ctrl get name kbfd >/dev/null 2>&1'
check "/sys/kernel/kbfd is gone after unload" test ! -e /sys/kernel/kbfd
check "tracepoints are gone after unload" test ! -e /sys/kernel/tracing/events/kbfd

cycles() {
	local i
	for i in $(seq 20); do
		kbfd_load || { echo "load $i failed"; return 1; }
		genl_has_kbfd || { echo "family missing after load $i"; return 1; }
		kbfd_unload || { echo "unload $i failed"; return 1; }
	done
	! grep -q '^kbfd ' /proc/modules && ! genl_has_kbfd && [ ! -e /sys/kernel/kbfd ]
}
before=$(slab_objs)
check "20 load/unload cycles leave nothing behind" cycles
after=$(slab_objs)
diag "kmalloc-256+512 objects before $before after $after"

# A session alive at rmmod time is torn down cleanly.
with_session() {
	kbfd_load || return 1
	"$KBFDCTL" add peer 127.0.0.2 tx 100000 rx 100000 || return 1
	ls /sys/kernel/kbfd | grep -q . || return 1
	kbfd_unload && [ ! -e /sys/kernel/kbfd ]
}
check "rmmod with a live session is clean" with_session
done_testing
