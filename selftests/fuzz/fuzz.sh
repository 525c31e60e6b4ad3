#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Host test: fuzz the BGP message decoders, the configuration parser, the
# state file reader and the registry reader, FUZZ_TIME seconds (20) each.
. "$(dirname "$0")/../lib/lib.sh"
command -v clang >/dev/null || skip_all "clang is not installed"
ls /usr/lib/llvm-*/lib/clang/*/lib/linux/libclang_rt.fuzzer-x86_64.a >/dev/null 2>&1 ||
	skip_all "libclang-rt (libFuzzer) is not installed"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
# fuzz NAME: libFuzzer is chatty: keep its log, show the summary (all of
# it on failure).
fuzz() {
	make -s -C "$TOP/selftests/fuzz" "run-$1" >"$log" 2>&1 && rc=0 || rc=$?
	if [ "$rc" = 0 ]; then grep -E "^(Done|stat::number_of_executed_units|stat::new_units)" "$log"
	else tail -n 40 "$log"; fi
	return "$rc"
}
t=${FUZZ_TIME:-20}
check "fuzzers and seed corpora build" make -s -C "$TOP/selftests/fuzz"
check "decoders survive $t s of fuzzing" fuzz messages
check "config parser survives $t s of fuzzing" fuzz config
check "state file reader survives $t s of fuzzing" fuzz state
check "registry reader survives $t s of fuzzing" fuzz registry
done_testing
