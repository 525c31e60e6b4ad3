#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs netlink_test (the genetlink contract) with kbfd.ko loaded.
. "$(dirname "$0")/lib.sh"
kbfd_require
exec "$TOP/build/selftests/kbfd/netlink_test"
