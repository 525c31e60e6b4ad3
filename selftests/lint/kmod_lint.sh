#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# kmod/ style gates: checkpatch.pl --strict clean, and a W=1 C=1 (sparse)
# build without a single warning. The build runs on a copy of the sources so
# that it never disturbs the kbfd.ko the other tests load.
. "$(dirname "$0")/../lib/lib.sh"

ls "$TOP"/kmod/*.c >/dev/null 2>&1 || skip_all "no kmod sources"
require_cmd sparse
make -s -C "$TOP" checkpatch >/dev/null || skip_all "checkpatch.pl unavailable"
KDIR=${KDIR:-$(make -s -C "$TOP" --no-print-directory print-kdir)}

checkpatch() {
	"$TOP/build/linux-scripts/scripts/checkpatch.pl" --no-tree --strict --terse \
		--ignore FILE_PATH_CHANGES -f $(git -C "$TOP" ls-files ':/kmod/*.[ch]' | sed "s|^|$TOP/|") \
		"$TOP/include/uapi/linux/kbfd.h" |
		grep -E 'ERROR|WARNING|CHECK' && return 1
	return 0
}
check "checkpatch.pl --strict reports nothing for kmod/ and the uapi header" checkpatch

w1_build() {
	local d log
	d=$(mktemp -d) && log=$d/build.log
	mkdir -p "$d/include"
	cp -r "$TOP/kmod" "$d/" && cp -r "$TOP/include/uapi" "$d/include/" && cp "$TOP/Kbuild" "$d/"
	make -C "$KDIR" M="$d" W=1 C=1 modules >"$log" 2>&1
	local rc=$?
	grep -E 'warning|error' "$log"
	local found=$?
	rm -rf "$d"
	[ $rc = 0 ] && [ $found != 0 ]
}
check "make W=1 C=1 builds kmod/ without a warning" w1_build
done_testing
