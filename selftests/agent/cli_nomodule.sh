#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# peeredge on a kernel without kbfd (the development host cannot load
# modules): every bfd command that needs the kernel says so in one plain line
# and exits 1; command lines that make no sense are refused before that, in
# one line, with exit 2. Help goes to stdout with exit 0.
. "$(dirname "$0")/../lib/lib.sh"

PEEREDGE=${PEEREDGE:-$TOP/build/agent-asan/peeredge}
[ -x "$PEEREDGE" ] || skip_all "$PEEREDGE is not built (make selftests)"
[ -d /sys/module/kbfd ] && skip_all "kbfd is loaded on this kernel"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"; netns_cleanup' EXIT
# A private copy: the shared build tree may be relinked while this runs.
cp "$PEEREDGE" "$tmp/peeredge" && PEEREDGE=$tmp/peeredge

# run ARGS...: peeredge ARGS with stdout, stderr and status in $tmp.
run() {
	local rc=0
	timeout 10 "$PEEREDGE" "$@" >"$tmp/out" 2>"$tmp/err" || rc=$?
	echo "$rc" >"$tmp/rc"
	sed 's/^/stderr: /' "$tmp/err"
}

# one_error_line STATUS REGEX ARGS...: peeredge ARGS exits with STATUS,
# prints nothing on stdout and exactly one line, matching REGEX, on stderr.
one_error_line() {
	local status=$1 regex=$2 lines
	shift 2
	run "$@"
	[ "$(cat "$tmp/rc")" = "$status" ] || { echo "exit $(cat "$tmp/rc"), wanted $status"; return 1; }
	[ -s "$tmp/out" ] && { echo "stdout is not empty"; return 1; }
	lines=$(wc -l <"$tmp/err")
	[ "$lines" = 1 ] || { echo "$lines lines on stderr, wanted 1"; return 1; }
	grep -Eq -- "$regex" "$tmp/err" || { echo "stderr does not match /$regex/"; return 1; }
}

# help_text REGEX ARGS...: exit 0, stdout matches REGEX, stderr empty.
help_text() {
	local regex=$1
	shift
	run "$@"
	[ "$(cat "$tmp/rc")" = 0 ] || { echo "exit $(cat "$tmp/rc")"; return 1; }
	[ -s "$tmp/err" ] && { echo "stderr is not empty"; return 1; }
	grep -Eq -- "$regex" "$tmp/out" || { echo "stdout does not match /$regex/"; return 1; }
}

not_loaded='^peeredge: kbfd module is not loaded \(modprobe kbfd\)$'
check "bfd show: not loaded" one_error_line 1 "$not_loaded" bfd show
check "-j bfd show: not loaded" one_error_line 1 "$not_loaded" -j bfd show
check "--json bfd show PEER: not loaded" one_error_line 1 "$not_loaded" --json bfd show 192.0.2.1
check "bfd (show by default): not loaded" one_error_line 1 "$not_loaded" bfd
check "bfd monitor: not loaded" one_error_line 1 "$not_loaded" bfd monitor
check "-j bfd monitor: not loaded" one_error_line 1 "$not_loaded" -j bfd monitor
check "bfd add: not loaded" one_error_line 1 "$not_loaded" bfd add 192.0.2.1 interval 1000
check "bfd set: not loaded" one_error_line 1 "$not_loaded" bfd set 2001:db8::1 admin-down
check "bfd del: not loaded" one_error_line 1 "$not_loaded" bfd del 192.0.2.1 local 192.0.2.2

usage='\(see .peeredge (bfd )?help.\)$'
check "missing PEER" one_error_line 2 "missing PEER.*$usage" bfd add
check "interval out of range" one_error_line 2 "interval: 50 is out of range" bfd add 192.0.2.1 interval 50
check "interval not a number" one_error_line 2 "not a number" bfd add 192.0.2.1 interval fast
check "missing value" one_error_line 2 "'interval' needs a value" bfd add 192.0.2.1 interval
check "unknown option" one_error_line 2 "unknown option 'bogus'" bfd add 192.0.2.1 bogus
check "bad address" one_error_line 2 "'300.1.1.1' is not an IP address" bfd add 300.1.1.1
check "family mismatch" one_error_line 2 "same family" bfd add 192.0.2.1 local 2001:db8::1
check "multiplier out of range" one_error_line 2 "out of range 1..255" bfd add 192.0.2.1 multiplier 0
check "unknown auth type" one_error_line 2 "auth: 'md5'" bfd add 192.0.2.1 auth md5 key-id 1 key x
check "set without a change" one_error_line 2 "nothing to change" bfd set 192.0.2.1
check "monitor takes no argument" one_error_line 2 "unexpected" bfd monitor 192.0.2.1
check "unknown command" one_error_line 2 "unknown command 'frobnicate'" bfd frobnicate
check "unknown object" one_error_line 2 "unknown object 'frobnicate'" frobnicate
check "unknown global option" one_error_line 2 "unknown option '-x'" -x bfd show
check "unknown interface" one_error_line 1 "no interface named 'nosuchif0'" bfd add 192.0.2.1 dev nosuchif0

check "help" help_text '^  bfd ' help
check "-h" help_text 'Exit status' -h
check "bfd help" help_text 'peeredge bfd add PEER' bfd help

no_arguments() {
	run
	[ "$(cat "$tmp/rc")" = 2 ] && [ ! -s "$tmp/out" ] && grep -q '^Usage: peeredge' "$tmp/err"
}
check "no arguments: usage on stderr, exit 2" no_arguments

done_testing
