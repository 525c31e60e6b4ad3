#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The agent's man pages render without a warning, and name every CLI object.
. "$(dirname "$0")/../lib/lib.sh"
require_cmd man
for page in "$TOP"/agent/*.[58]; do
	check "$(basename "$page") renders without warnings" eval \
		"[ -z \"\$(MANWIDTH=80 man --warnings -l '$page' 2>&1 >/dev/null)\" ]"
done
PEEREDGE=$TOP/build/agent/peeredge
if [ -x "$PEEREDGE" ]; then
	for object in $("$PEEREDGE" help | sed -n 's/^  \([a-z-]*\)  .*/\1/p'); do
		check "peeredge.8 documents '$object'" eval \
			"MANWIDTH=200 man -l '$TOP/agent/peeredge.8' 2>/dev/null | grep -q '^ *$object '"
	done
fi
done_testing
