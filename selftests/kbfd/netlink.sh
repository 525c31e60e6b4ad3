#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs netlink_test (the genetlink contract) with kbfd.ko loaded.
. "$(dirname "$0")/lib.sh"
kbfd_require
# The LAG tests make 802.3ad bonds in their namespaces (they skip without).
modprobe -q bonding max_bonds=0 2>/dev/null
exec "$TOP/build/selftests/kbfd/netlink_test"
