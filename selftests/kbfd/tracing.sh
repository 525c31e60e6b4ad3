#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The tracing one-liner of the README works as written: `perf record` on the
# kbfd:* tracepoints, then `perf script`, shows a session coming Up, the
# packets it sends and a packet dropped for a wrong TTL, decoded (state and
# reason names).
. "$(dirname "$0")/lib.sh"

kbfd_require
require_cmd perf
pe_require
veth_pair || skip_all "cannot create the namespace pair"

W=$(mktemp -d)
OUT=$W/out
trap 'kill "$perfpid" 2>/dev/null; rm -rf "$W"; netns_cleanup' EXIT
# The README's line, stopped by a signal instead of "sleep". perf takes
# seconds to start under TCG: it starts with its events disabled and is
# told to enable them through its control FIFO, whose ack says they are.
mkfifo "$W/ctl" "$W/ack"
perf record -q -a -e 'kbfd:*' -o "$W/perf.data" -D -1 --control "fifo:$W/ctl,$W/ack" &
perfpid=$!
exec 8<>"$W/ctl" 9<>"$W/ack"
echo enable >&8
check "perf records kbfd:*" read -r -t 120 -u 9 ack

check "session added on side 1" pe "$NS1" bfd add 10.0.0.2 local 10.0.0.1 interval 50000
check "session added on side 2" pe "$NS2" bfd add 10.0.0.1 local 10.0.0.2 interval 50000
up() { pe "$NS1" -j bfd show 10.0.0.2 | grep -Eq '"state": ?"Up"'; }
check "sessions come Up" wait_for 20 up
# A packet with TTL 254 must be dropped with reason ttl (RFC 5881 5).
ip netns exec "$NS2" nft -f - <<EOF
table ip mangle {
	chain out {
		type filter hook output priority mangle; policy accept;
		udp dport 3784 ip ttl set 254
	}
}
EOF
sleep 1
ip netns exec "$NS2" nft delete table ip mangle
sleep 1
kill -INT "$perfpid"
wait "$perfpid" 2>/dev/null
perfpid=
perf script -i "$W/perf.data" >"$OUT" 2>/dev/null
check "state_change Init -> Up or Down -> Up decoded" grep -Eq 'kbfd:state_change.*-> Up' "$OUT"
check "tx events" grep -q 'kbfd:tx' "$OUT"
check "rx_drop with reason bad_ttl" grep -Eq 'kbfd:rx_drop.*reason=bad_ttl' "$OUT"
# perf and trace-cmd decode reasons from the format file: every enum value
# in it must have been resolved to its number (TRACE_DEFINE_ENUM).
FMT=/sys/kernel/tracing/events/kbfd/rx_drop/format
check "rx_drop's format resolves every reason to its value" eval \
	'grep -q "bad_header" $FMT && ! grep -o "KBFD_DROP_[A-Z_]*" $FMT'
[ "$__tap_failed" = 0 ] || head -n 30 "$OUT" | sed 's/^/# perf: /'
done_testing
