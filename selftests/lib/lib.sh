#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the shell selftests: TAP output in the kselftest style and the
# exit codes the runner understands (0 pass, 1 fail, 4 skip).
#
#   . "$(dirname "$0")/../lib/lib.sh"
#   check "session comes up" wait_for 5 session_is_up
#   skip_all "bonding.ko is not available"   # exits 4
#   done_testing                              # exits 0 or 1
#
# Each check prints "ok N desc" or "not ok N desc"; the runner counts them.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export TOP
__tap_n=0
__tap_failed=0

tap_ok() { __tap_n=$((__tap_n + 1)); echo "ok $__tap_n $*"; }
tap_not_ok() { __tap_n=$((__tap_n + 1)); __tap_failed=$((__tap_failed + 1)); echo "not ok $__tap_n $*"; }
tap_skip() { __tap_n=$((__tap_n + 1)); echo "ok $__tap_n $1 # SKIP $2"; }
diag() { echo "# $*"; }

# check DESC CMD...: one TAP result from a command's exit status; its output
# is shown as diagnostics.
check() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1) && rc=0 || rc=$?
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
	if [ "$rc" = 0 ]; then tap_ok "$desc"; else tap_not_ok "$desc (exit $rc)"; fi
	return 0
}

# check_fails DESC CMD...: passes when the command fails.
check_fails() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1) && rc=0 || rc=$?
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# /'
	if [ "$rc" != 0 ]; then tap_ok "$desc"; else tap_not_ok "$desc (unexpectedly succeeded)"; fi
	return 0
}

# wait_for SECONDS CMD...: poll every 50 ms until CMD succeeds.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		((SECONDS < deadline)) || return 1
		sleep 0.05
	done
}

# The first line of an ASan, LSan or UBSan report, for grep -E.
SANITIZER_REPORT="ERROR: (Address|Leak)Sanitizer|runtime error:"

skip_all() { echo "1..0 # SKIP $*"; exit $KSFT_SKIP; }

done_testing() {
	echo "1..$__tap_n"
	((__tap_failed == 0)) && exit $KSFT_PASS
	exit $KSFT_FAIL
}

require_root() { [ "$(id -u)" = 0 ] || skip_all "needs root"; }
require_cmd() { local c; for c in "$@"; do command -v "$c" >/dev/null || skip_all "$c is not installed"; done; }

# kbfd_load [PARAM=VALUE...]: the freshly built kbfd.ko, unless it is loaded
# already (in the guest: the host kernel takes no modules).
KBFD_KO=$TOP/build/kbfd/kmod/kbfd.ko	# make kmod builds it there
kbfd_load() {
	grep -q '^kbfd ' /proc/modules && return 0
	# insmod does not pull in what kbfd.ko depends on.
	modprobe -q udp_tunnel && modprobe -q ip6_udp_tunnel && insmod "$KBFD_KO" "$@"
}

# require_agent BUILD_DIR: PEEREDGED and PEEREDGE from the environment, else
# from build/BUILD_DIR (agent-asan for the tests, agent for benchmarks).
require_agent() {
	PEEREDGED=${PEEREDGED:-$TOP/build/$1/peeredged}
	PEEREDGE=${PEEREDGE:-$TOP/build/$1/peeredge}
	[ -x "$PEEREDGED" ] && [ -x "$PEEREDGE" ] || skip_all "the agent is not built (make -C agent)"
}

# require_kbfd_loaded: kbfd.ko built and loaded. Where modules load at all,
# kbfd.ko failing to is a test failure, not a skip.
require_kbfd_loaded() {
	[ -f "$KBFD_KO" ] || skip_all "kbfd.ko is not built (make kmod)"
	[ -f /proc/modules ] || skip_all "this kernel has no module support"
	if ! kbfd_load; then
		tap_not_ok "kbfd.ko loads"
		done_testing
	fi
}

# ranks FORMAT P...: the P-th percentiles (nearest rank; 100 is the
# largest) of the numbers on stdin, one a line, each printed with printf
# FORMAT and joined by " / "; "-" for each when there are none.
ranks() {
	local fmt=$1
	shift
	sort -g | awk -v fmt="$fmt" -v ps="$*" 'BEGIN { np = split(ps, p, " ") }
		NF { v[++n] = $1 }
		END {
			for (i = 1; i <= np; i++) {
				r = int((p[i] * n + 99) / 100)
				printf "%s%s", (i > 1 ? " / " : ""), (n ? sprintf(fmt, v[r < 1 ? 1 : r]) : "-")
			}
			print ""
		}'
}

# Network namespaces named after the test, removed on exit.
__netns=()
netns_add() {
	ip netns add "$1" && __netns+=("$1") && ip -n "$1" link set lo up
}
netns_cleanup() {
	local n
	for n in "${__netns[@]}"; do ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del "$n" 2>/dev/null; done
	__netns=()
}
trap netns_cleanup EXIT
