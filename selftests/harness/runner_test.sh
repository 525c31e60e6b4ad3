#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The runner's counting: TAP lines, exit statuses, crashes after results,
# timeouts. A miscounting runner would hide failures, so it is tested too.
. "$(dirname "$0")/../lib/lib.sh"

t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
prog() { printf '#!/bin/bash\n%s\n' "$2" >"$t/$1"; chmod +x "$t/$1"; echo "$t/$1" >>"$t/list"; }
prog tap 'echo "ok 1 a"; echo "not ok 2 b"; echo "ok 3 c # SKIP no peer"; exit 1'
prog pass 'exit 0'
prog skip 'echo "needs bonding"; exit 4'
prog fail 'exit 3'
prog crash 'echo "ok 1 first"; kill -SEGV $$'
prog slow 'sleep 30'
KSFT_TIMEOUT=2 "$TOP/selftests/lib/runner.sh" "$t/results" "$t/list" >"$t/out" 2>&1

count() { grep -c "^$1 $t/$2: " "$t/results"; }
check "TAP ok lines count as passes" test "$(count PASS tap)" = 1
check "TAP not ok lines count as failures" test "$(count FAIL tap)" = 1
check "TAP SKIP lines count as skips" test "$(count SKIP tap)" = 1
check "exit 0 without TAP is a pass" test "$(count PASS pass)" = 1
check "exit 4 without TAP is a skip" test "$(count SKIP skip)" = 1
check "other exit statuses are failures" test "$(count FAIL fail)" = 1
check "a crash after passing results is a failure" test "$(count FAIL crash)" = 1
check "a timeout is a failure" test "$(count FAIL slow)" = 1
check "the runner prints one plan line" grep -qx '1..6' "$t/out"
done_testing
