#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs rx_test (crafted and hostile packets, authentication) with kbfd.ko
# loaded and tracefs mounted for the kbfd:rx_drop checks.
. "$(dirname "$0")/lib.sh"
kbfd_require
[ -d /sys/kernel/tracing/events ] || mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
exec "$TOP/build/selftests/kbfd/rx_test"
