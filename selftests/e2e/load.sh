#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# load.sh [PREFIXES]: the event loop stays free while a large table loads
# (issue 7). peeredged (ASan build) takes PREFIXES (default 100,000)
# Verified prefixes from two BIRD sessions of one peering with a 9 s hold
# time (keepalives every 3 s), BFD off: the lab of
# selftests/bench/converge_lib.sh. Checked: every route installed via the
# peering's group, no session lost to a hold timer while loading; a
# connection going down moves every route at once, its state reaches the
# state file (saves are coalesced, not dropped); a connection change
# during a re-validation is handled between its slices; validation events
# reach the log at a bounded rate; a clean SIGTERM exits 0.
. "$(dirname "$0")/../lib/lib.sh"
require_root
require_cmd ip bird birdc python3
BIN=$TOP/build/selftests/bench
PEEREDGED=${PEEREDGED:-$TOP/build/agent-asan/peeredged}
PEEREDGE=${PEEREDGE:-$TOP/build/agent-asan/peeredge}
n=${1:-100000}
[[ $n =~ ^[0-9]+$ ]] && ((n >= 1)) || { echo "load.sh: PREFIXES must be a positive integer" >&2; exit 2; }
for b in "$BIN/converge_watch" "$BIN/converge_fixture" "$PEEREDGED" "$PEEREDGE"; do
	[ -x "$b" ] || skip_all "$b is not built (make; make -C selftests/bench)"
done
. "$TOP/selftests/bench/converge_lib.sh"

conv_start "$n" off 9
check "$n prefixes Verified and installed, every route via the group of 2" \
	wait_for $((60 + n / 200)) ready "$n" 2 c1 c2
daemon_running "after loading"
diag "loaded in $(python3 -c "print('%.1f' % ($EPOCHREALTIME - $t0))") s"
grep -E "took [0-9]+ ms" "$W/peeredged.log" | tail -n 5 | sed 's/^/# /'
check "no BGP session lost to a hold timer while loading" test "$(hold_expiries)" = 0

# The control socket never holds the event loop: with one client stuck
# half-way through a request and one not reading a large answer (route
# show of the whole table), a third is answered at once, and the second
# then reads its answer whole. (Served synchronously, each of the first
# two held the daemon for its 5 s socket timeout.)
stalled_clients() {
	ip netns exec "$E" python3 - "$W/pe.sock" <<'PY'
import socket, struct, sys, time
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sys.argv[1])
    return s
def request(s, *words):
    body = b"".join(w.encode() + b"\0" for w in words)
    s.sendall(struct.pack(">I", len(body)) + body)
def read_n(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(min(65536, n - len(buf)))
        if not chunk:
            break
        buf += chunk
    return buf
half = conn()
half.sendall(b"\0\0")
big = conn()
request(big, "route", "show")
time.sleep(0.5)
t = time.monotonic()
third = conn()
request(third, "neighbor", "show")
status, n = struct.unpack(">II", read_n(third, 8))
ok3 = status == 0 and len(read_n(third, n)) == n
ms = (time.monotonic() - t) * 1000
status, n = struct.unpack(">II", read_n(big, 8))
whole = status == 0 and len(read_n(big, n)) == n
print("%d %d %d %d" % (ms, ok3, whole, n))
PY
}
read -r third_ms third_ok big_whole big_len <<<"$(stalled_clients)"
diag "third client answered in ${third_ms} ms; route show: $big_len bytes"
check "control socket: a third client answered in under 1 s past two stalled ones" \
	eval '[ "$third_ok" = 1 ] && [ "$third_ms" -lt 1000 ]'
check "... the one not reading got its whole answer, larger than a socket buffer" \
	eval '[ "$big_whole" = 1 ] && [ "$big_len" -gt 1000000 ]'
daemon_running "past the stalled clients"

t=$EPOCHREALTIME
birdc -s "$W/bird.ctl" disable c1 >/dev/null
check "c1 down: the group is c2 alone, every route still via it" wait_for 20 ready "$n" 1 c2
diag "moved $(python3 -c "print('%.0f' % (($EPOCHREALTIME - $t) * 1000))") ms after birdc disable (polled)"
check "no BGP session lost to a hold timer" test "$(hold_expiries)" = 0
check "the state file holds the connection change (a coalesced save)" wait_for 20 \
	grep -q "^connection bench c1 .* ProvisioningCompleted$" "$W/state"
daemon_running "after c1 went down"

# A connection change during a re-validation is handled between its
# slices: c1 coming back asks for a pass over every target (and sends its
# table), c2 goes down while that pass runs. Its nexthop update must come
# long before the pass ends, and the pass's end must come after it in the
# log (a pass that blocked the loop would end first).
group_is() { [ "$(group_size)" = "$1" ]; }
mark=$(($(wc -l <"$W/peeredged.log") + 1))
birdc -s "$W/bird.ctl" enable c1 >/dev/null
check "c1 back: the group is c1 and c2" wait_for 30 group_is 2
t=$EPOCHREALTIME
birdc -s "$W/bird.ctl" disable c2 >/dev/null
check "c2 down: the group is c1 alone" wait_for 20 group_is 1
moved=$(python3 -c "print('%.0f' % (($EPOCHREALTIME - $t) * 1000))")
# The log lines of c1's and c2's changes, then the end of the pass after c1's.
pass_end() {
	tail -n +$mark "$W/peeredged.log" | awk '
		/connection c1 of peering bench: .* -> Active/ && !up { up = NR }
		/connection c2 of peering bench: Active -> / && !down { down = NR }
		up && !end && / took [0-9]+ ms/ && /^re-validation/ { end = NR; line = $0 }
		END { if (end) print up, down, end, line; else exit 1 }'
}
check "... the pass in progress then ends" wait_for 120 pass_end
read -r up down end line < <(pass_end)
diag "c1 Active at log line $up, c2 down at $down, the pass ended at $end: $line"
pass_ms=$(sed -n 's/.* over \([0-9]*\) ms .*/\1/p' <<<"$line")
diag "c2's nexthop update seen ${moved} ms after birdc disable (polled), the pass took ${pass_ms:-?} ms"
check "c2 went down while the pass ran: handled before its end" test "${down:-0}" -gt "$up" -a "$end" -gt "${down:-0}"
check "... its nexthop update in under half the pass's wall time" \
	test -n "$pass_ms" -a "$((moved * 2))" -lt "${pass_ms:-0}"
check "no BGP session lost to a hold timer meanwhile" test "$(hold_expiries)" = 0
daemon_running "after c1 came back and c2 went down"

# Every change above made an event per prefix; the log takes 200 of them a
# second (EDGE_EVENT_LINES_PER_S) and counts the rest.
event_lines=$(grep -cE '^(Backup)?Prefix[A-Za-z]+Event ' "$W/peeredged.log")
held=$(sed -n 's/^\([0-9]*\) more validation events in [0-9]* ms not logged.*/\1/p' "$W/peeredged.log" |
	awk '{ n += $1 } END { print n + 0 }')
secs=$(python3 -c "print(int($EPOCHREALTIME - $t0) + 2)")
diag "$event_lines validation events logged in about $secs s, $held counted and not logged"
check "validation events logged at most 200 a second" test "$event_lines" -le $((200 * secs))
check "... the others counted in the log" test "$held" -gt 0
kill -TERM "$PID"
wait "$PID"
rc=$?
PID=
[ "$rc" = 0 ] || daemon_log_tail
check "a clean SIGTERM: peeredged exits 0 (ASan: no leak, no error)" test "$rc" = 0
done_testing
