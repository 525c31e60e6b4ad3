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

# detect_recheck_us takes 0-1000, at load and at run time; anything else is
# refused and leaves the value as it was.
RECHECK=/sys/module/kbfd/parameters/detect_recheck_us
recheck_at_run_time() {
	local bad
	kbfd_load || return 1
	[ "$(cat $RECHECK)" = 10 ] || { echo "default is $(cat $RECHECK)"; return 1; }
	echo 0 >$RECHECK && [ "$(cat $RECHECK)" = 0 ] || return 1
	echo 1000 >$RECHECK && [ "$(cat $RECHECK)" = 1000 ] || return 1
	for bad in 1001 -1 abc ''; do
		if echo "$bad" 2>/dev/null >$RECHECK; then
			echo "took '$bad'"
			return 1
		fi
	done
	[ "$(cat $RECHECK)" = 1000 ] || { echo "now $(cat $RECHECK)"; return 1; }
	kbfd_unload
}
recheck_at_load() { # VALUE
	kbfd_load detect_recheck_us="$1" || return 1
	local got
	got=$(cat $RECHECK)
	kbfd_unload
	[ "$got" = "$1" ] || { echo "loaded with $got"; return 1; }
}
check "detect_recheck_us: 10 by default, takes 0 and 1000, refuses 1001, -1, abc" \
	recheck_at_run_time
check "insmod detect_recheck_us=0" recheck_at_load 0
check_fails "insmod refuses detect_recheck_us=1001" recheck_at_load 1001
check "nothing stays loaded after the refused insmod" sh -c '! grep -q "^kbfd " /proc/modules'

# A session alive at rmmod time is torn down cleanly.
with_session() {
	kbfd_load || return 1
	"$KBFDCTL" add peer 127.0.0.2 tx 100000 rx 100000 || return 1
	ls /sys/kernel/kbfd | grep -q . || return 1
	kbfd_unload && [ ! -e /sys/kernel/kbfd ]
}
check "rmmod with a live session is clean" with_session
done_testing
