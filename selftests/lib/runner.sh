#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# runner.sh RESULTS LIST...
#
# Runs every test program named in the LIST files (one per line, relative to
# the repository root; '#' starts a comment), kselftest style. A program's own
# output is shown indented as a TAP subtest. Its results are:
#   - each top-level TAP line it prints ("ok N d", "not ok N d",
#     "ok N d # SKIP why"), or
#   - when it prints none, its exit status: 0 pass, 4 skip, other fail.
# A program that printed results but exited non-zero without reporting a
# failure (a crash, a timeout) gets one more failure.
# Every result is appended to RESULTS as "PASS|FAIL|SKIP <program>: <desc>".
# KSFT_STREAM=1 shows a program's output as it runs instead of when it ends.
set -u
results=$1
shift
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
timeout_s=${KSFT_TIMEOUT:-600}
n=0

record() { # KIND PROGRAM DESC
	echo "$1 $2: $3" >>"$results"
}

run_one() {
	local prog=$1 log rc=0 tap kind
	log=$(mktemp)
	n=$((n + 1))
	echo "# [$(date +%T)] $prog"
	# shellcheck disable=SC2086 # a line may carry arguments
	if [ -n "${KSFT_STREAM:-}" ]; then	# shown as it runs (make demo)
		timeout --kill-after=10 "$timeout_s" $prog </dev/null 2>&1 | tee "$log" | sed -u 's/^/    /'
		rc=${PIPESTATUS[0]}
	else
		timeout --kill-after=10 "$timeout_s" $prog </dev/null >"$log" 2>&1 || rc=$?
		sed 's/^/    /' "$log"
	fi
	tap=$(grep -E '^(not )?ok [0-9]+' "$log")
	if [ -n "$tap" ]; then
		while IFS= read -r line; do
			desc=$(sed -E 's/^(not )?ok [0-9]+ -? ?//' <<<"$line")
			case $line in
			not\ ok*) kind=FAIL ;;
			*'# SKIP'* | *'# skip'*) kind=SKIP ;;
			*) kind=PASS ;;
			esac
			record "$kind" "$prog" "$desc"
		done <<<"$tap"
		if [ "$rc" != 0 ] && [ "$rc" != 4 ] && ! grep -q '^not ok' <<<"$tap"; then
			record FAIL "$prog" "exited with status $rc"
			tap="not ok"
		fi
	else
		case $rc in
		0) record PASS "$prog" "exit 0" ;;
		4) record SKIP "$prog" "$(grep -m1 -i skip "$log" || echo skipped)" ;;
		124 | 137) record FAIL "$prog" "timed out after ${timeout_s}s" ;;
		*) record FAIL "$prog" "exited with status $rc" ;;
		esac
	fi
	if [ "$rc" = 0 ] || [ "$rc" = 4 ] && ! grep -q '^not ok' <<<"$tap"; then
		[ "$rc" = 4 ] && echo "ok $n $prog # SKIP" || echo "ok $n $prog"
	else
		echo "not ok $n $prog # exit=$rc"
	fi
	rm -f "$log"
}

for list in "$@"; do
	[ -f "$list" ] || continue
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%%#*}
		line=$(echo $line)
		[ -n "$line" ] && run_one "$line"
	done <"$list"
done
echo "1..$n"
