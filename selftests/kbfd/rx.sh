#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs rx_test (crafted and hostile packets, authentication) with kbfd.ko
# loaded and tracefs mounted for the kbfd:rx_drop checks. rx_test leaves
# the event on across its tests; it is turned off here, once. Recording
# command names is off meanwhile: with it, enabling the first event also
# patches the scheduler's tracepoints, live code on every CPU, which has
# hung the emulated guest. Both settings are put back as they were.
. "$(dirname "$0")/lib.sh"
kbfd_require
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs tracefs $T 2>/dev/null
record_cmd=$(cat $T/options/record-cmd 2>/dev/null)
[ -n "$record_cmd" ] && echo 0 >$T/options/record-cmd
was_on=$(cat $T/events/kbfd/rx_drop/enable 2>/dev/null)
"$TOP/build/selftests/kbfd/rx_test"
rc=$?
[ "$was_on" = 0 ] && echo 0 >$T/events/kbfd/rx_drop/enable
[ -n "$record_cmd" ] && echo "$record_cmd" >$T/options/record-cmd
exit $rc
