#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# peeredged's observability: the Prometheus endpoint (--metrics), the
# textfile (--metrics-file) and "peeredge status", against the real thing:
# one voice peering with two connections at AMS, each a BIRD peer in its
# own namespace, one good and one bad service prefix. The scrapes parse as
# Prometheus text (prometheus_client's parser) and say what the daemon
# says; a session going down shows in both; hostile HTTP clients (an
# oversized request, garbage, slowloris connections, a client that never
# reads) neither stop a normal scrape nor hurt the daemon.
. "$(dirname "$0")/../lib/lib.sh"
require_root
require_cmd ip bird birdc curl
PY=/usr/bin/python3
"$PY" -c 'import prometheus_client.parser' 2>/dev/null ||
	skip_all "python3-prometheus-client is not installed (make deps)"
require_agent agent-asan
WORK=$(mktemp -d /tmp/peeredge-observe.XXXXXX)
cleanup() {
	[ -n "${PID:-}" ] && kill -9 "$PID" 2>/dev/null
	netns_cleanup
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

NS=obs-pe-$$
PORT=10179
URL=http://127.0.0.1:$PORT/metrics
PFX=45.10.30
netns_add "$NS" || skip_all "cannot create network namespaces"
for i in 1 2; do
	netns_add "obs-p$i-$$" || skip_all "cannot create network namespaces"
	ip link add "va$i" netns "$NS" type veth peer name vb netns "obs-p$i-$$" ||
		skip_all "veth is not available"
	ip -n "$NS" addr add "10.98.4$i.1/24" dev "va$i"
	ip -n "obs-p$i-$$" addr add "10.98.4$i.2/24" dev vb
	ip -n "$NS" link set "va$i" up
	ip -n "obs-p$i-$$" link set vb up
	cat >"$WORK/bird$i.conf" <<EOF2
router id 10.98.4$i.2;
protocol device { }
protocol static { ipv4;
	route $PFX.0/24 unreachable { bgp_community.add((8075,8007)); };
	route $PFX.0/26 unreachable { bgp_community.add((8075,8007)); };
	route $PFX.64/26 unreachable;
}
protocol bgp edge { local 10.98.4$i.2 as 3320; neighbor 10.98.4$i.1 as 8075;
	hold time 6; connect retry time 1; error wait time 1, 2;
	ipv4 { import none; export all; }; }
EOF2
	ip netns exec "obs-p$i-$$" bird -c "$WORK/bird$i.conf" -s "$WORK/bird$i.ctl" \
		-P "$WORK/bird$i.pid" || skip_all "bird does not start"
done
cat >"$WORK/irr.db" <<EOF2
route:  $PFX.0/24
origin: AS3320
source: TEST
EOF2
cat >"$WORK/pe.conf" <<EOF2
router-id 10.98.41.1;
local-as 8075;
peering contoso { asn 3320; kind voice; }
registry $WORK/irr.db;
state-file $WORK/state;
fib table 100;
grace-period 0;
neighbor c1 { address 10.98.41.2; remote-as 3320; hold-time 6;
	peering contoso; location AMS; router r1; }
neighbor c2 { address 10.98.42.2; remote-as 3320; hold-time 6;
	peering contoso; location AMS; router r2; }
EOF2

pe() { ip netns exec "$NS" "$PEEREDGE" -s "$WORK/pe.sock" "$@"; }
in_ns() { ip netns exec "$NS" "$@"; }
scrape() { in_ns curl -sS --max-time 5 -o "$WORK/scrape" "$URL"; }
# metric QUERY: the value of the samples matching QUERY in the last scrape.
metric() { "$PY" "$TOP/selftests/e2e/prom_check.py" "$WORK/scrape" "$1"; }
is() { [ "$(metric "$1")" = "$2" ] || { echo "$1 = $(metric "$1"), wanted $2"; return 1; }; }
scraped_is() { scrape && is "$@"; }
json_get() { python3 -c "import json,sys; j=json.load(sys.stdin); print($1)"; }
sp_state() { pe -j service-prefix show "$1" | json_get "j['service_prefixes'][0]['state']"; }
status_rc() { local rc=0; pe status >"$WORK/status" 2>&1 || rc=$?; echo "$rc"; }
status_is() { [ "$(status_rc)" = "$1" ]; }
alive() { kill -0 "$PID"; }

# Refused before anything starts: a bad address, one line, exit 2.
refusal=$(in_ns "$PEEREDGED" -d -f "$WORK/pe.conf" -s "$WORK/pe.sock" --metrics 1.2.3:99999 2>&1) &&
	rc=0 || rc=$?
check "--metrics with a bad address: exit 2" test "$rc" = 2
check "... one line saying why" eval '[ "$(wc -l <<<"$refusal")" = 1 ] && grep -q "not a port" <<<"$refusal"'

ip netns exec "$NS" "$PEEREDGED" -d -f "$WORK/pe.conf" -s "$WORK/pe.sock" --metrics "$PORT" \
	--metrics-file "$WORK/pe.prom" >>"$WORK/peeredged.log" 2>&1 &
PID=$!
check "peeredged starts with --metrics $PORT --metrics-file" wait_for 10 test -S "$WORK/pe.sock"
check "the port alone listens on 127.0.0.1" eval 'in_ns ss -ltnH "sport = :$PORT" | grep -q "127.0.0.1:$PORT"'
check "both neighbors Established (metrics)" wait_for 40 eval \
	'scraped_is "peeredge_bgp_session_state{state=Established}" 2'

KEY=$(pe registered-prefix add sbc $PFX.0/24 | sed -n 's/.* key \([0-9a-f-]*\)$/\1/p')
check "registered a prefix" test -n "$KEY"
pe service-prefix add good $PFX.0/26 key "$KEY" primary AMS >/dev/null
pe service-prefix add nocomm $PFX.64/26 key "$KEY" primary AMS >/dev/null
check "good Verified, nocomm Failed" wait_for 20 eval \
	'[ "$(sp_state good)" = Verified ] && [ "$(sp_state nocomm)" = Failed ]'

scrape
check "GET /metrics: the body parses as Prometheus text, HELP and TYPE everywhere" \
	"$PY" "$TOP/selftests/e2e/prom_check.py" "$WORK/scrape"
check "Content-Type is the 0.0.4 text format" eval \
	'in_ns curl -sS -o /dev/null -w "%{content_type}" "$URL" | grep -q "^text/plain; version=0.0.4"'
check "c1: Established 1, Idle 0" eval 'is "peeredge_bgp_session_state{neighbor=c1,state=Established}" 1 &&
	is "peeredge_bgp_session_state{neighbor=c1,state=Idle}" 0'
check "c1: 3 prefixes received, as route show says" eval \
	'is "peeredge_bgp_prefixes_received{neighbor=c1}" "$(pe -j route show neighbor c1 | json_get "len(j[\"routes\"])")"'
check "... and 3" is "peeredge_bgp_prefixes_received{neighbor=c1}" 3
check "best paths over both neighbors: the 3 distinct prefixes" is peeredge_bgp_prefixes_best 3
check "UPDATEs and messages counted" eval \
	'[ "$(metric "peeredge_bgp_updates_received_total{neighbor=c1}")" -ge 1 ] &&
	 [ "$(metric "peeredge_bgp_messages_received_total{neighbor=c1}")" -gt \
	   "$(metric "peeredge_bgp_updates_received_total{neighbor=c1}")" ]'
check "no flaps yet" is "peeredge_bgp_session_flaps_total{neighbor=c2}" 0
check "service prefix good: Verified" is "peeredge_service_prefix_state{name=good,state=Verified}" 1
check "service prefix nocomm: Failed, not Verified" eval \
	'is "peeredge_service_prefix_state{name=nocomm,state=Failed}" 1 &&
	 is "peeredge_service_prefix_state{name=nocomm,state=Verified}" 0'
check "contoso: 1 Verified, 1 Failed" eval \
	'is "peeredge_service_prefixes{peering=contoso,state=Verified}" 1 &&
	 is "peeredge_service_prefixes{peering=contoso,state=Failed}" 1'
check "registered prefix sbc with its prefix label" \
	is "peeredge_registered_prefix_state{name=sbc,prefix=$PFX.0/24,state=Verified}" 1
check "connections c1, c2 Active" is "peeredge_connection_state{state=Active}" 2
check "one route installed" is peeredge_fib_routes 1
if [ -d /sys/module/kbfd ]; then
	check "kbfd loaded: peeredge_bfd_available 1" is peeredge_bfd_available 1
else
	check "no kbfd: peeredge_bfd_available 0, no BFD series" eval \
		'is peeredge_bfd_available 0 && is peeredge_bfd_session_state none'
fi
check "HEAD /metrics: 200, no body" eval \
	'[ "$(in_ns curl -sS -I -o /dev/null -w "%{http_code} %{size_download}" "$URL")" = "200 0" ]'

# The textfile: the same exposition, replaced by rename.
check "textfile written and parses" "$PY" "$TOP/selftests/e2e/prom_check.py" "$WORK/pe.prom"
check "... it says what the endpoint says" eval \
	'[ "$("$PY" "$TOP/selftests/e2e/prom_check.py" "$WORK/pe.prom" "peeredge_service_prefix_state{name=good,state=Verified}")" = 1 ]'
# Its inode, kept taken by a hard link: ext4 gives a freed inode's number
# to the next file, so after two rewrites the file could be back on the
# number seen, and "a new inode" would be a coin toss.
textfile_inode() {
	ln -f "$WORK/pe.prom" "$WORK/pe.prom.seen" && stat -c %i "$WORK/pe.prom.seen"
}
inode=$(textfile_inode)

# status: nocomm Failed makes it degraded, exit 3.
check "status: degraded, exit 3" status_is 3
check "... first line names the section" grep -qx "peeredged: degraded (service prefixes)" "$WORK/status"
check "... names nocomm with its first failing message" grep -q \
	"nocomm .*Failed *Received route for prefix should have the Peering Service community 8075:8007" \
	"$WORK/status"
check "... neighbors 2/2" grep -qx "neighbors: 2/2 Established" "$WORK/status"
status_json() {
	local json rc=0
	json=$(pe -j status) || rc=$?
	[ "$rc" = 3 ] || { echo "exit $rc"; return 1; }
	json_get '"%s|%s|%s|%d" % (j["healthy"], ",".join(j["degraded"]),
		j["service_prefixes"]["problems"][0]["name"], j["neighbors"]["up"])' <<<"$json"
}
check "status -j: one object, healthy false, degraded [service prefixes], exit 3" eval \
	'[ "$(status_json)" = "False|service prefixes|nocomm|2" ]'
pe service-prefix del nocomm
check "nocomm deleted: status healthy, exit 0" status_is 0
check "... says so" grep -qx "peeredged: healthy" "$WORK/status"
check "status with an extra word: exit 2, one line" eval \
	'out=$(pe status now 2>&1); rc=$?; [ $rc = 2 ] && [ "$(wc -l <<<"$out")" = 1 ]'

# The state file in status: a save that fails (its temporary file cannot
# be made) is a fault and is tried again; a refused addition is undone, a
# deletion stays and reaches the file once it can be written.
check "status: the state file up to date" \
	grep -Eqx "state file: up to date, written [0-9:]+ ago" "$WORK/status"
pe service-prefix add late $PFX.128/26 key "$KEY" primary AMS >/dev/null
mkdir "$WORK/state.tmp"
check "a deletion whose save fails: exit 1, one line naming the file" eval \
	'out=$(pe service-prefix del late 2>&1 >/dev/null); rc=$?;
	 [ $rc = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q "state.tmp" <<<"$out"'
check "... status: degraded (state file), exit 3" eval \
	'status_is 3 && grep -qx "peeredged: degraded (state file)" "$WORK/status"'
check "... saying why" grep -Eq \
	"^state file: the last save failed [0-9:]+ ago \(it is tried again\): .*state.tmp: Is a directory" \
	"$WORK/status"
check "... metrics: a change pending, the last save failed, counted" eval \
	'scrape && is peeredge_state_file_pending 1 && is peeredge_state_file_save_failed 1 &&
	 [ "$(metric peeredge_state_file_save_failures_total)" -ge 1 ]'
check "... -j: a change pending, the error" eval '[ "$(pe -j status | json_get \
	"\"%s|%s\" % (j[\"state_file\"][\"pending\"], \"Is a directory\" in j[\"state_file\"][\"error\"])")" = "True|True" ]'
check "an addition whose save fails: refused and undone" eval \
	'! pe service-prefix add later $PFX.192/26 key "$KEY" primary AMS >/dev/null 2>&1 &&
	 ! pe service-prefix show later >/dev/null 2>&1'
save_failures() { grep -c "state.tmp: Is a directory" "$WORK/peeredged.log"; }
check "... tried again, at most once a second" eval \
	'n=$(save_failures); sleep 3; d=$(($(save_failures) - n)); echo "$d in 3 s"; [ "$d" -ge 1 ] && [ "$d" -le 4 ]'
rmdir "$WORK/state.tmp"
check "once it can be: saved, status healthy" wait_for 10 status_is 0
check "... metrics: nothing pending, the last save did not fail" eval \
	'scrape && is peeredge_state_file_pending 0 && is peeredge_state_file_save_failed 0'
check "... the state file holds the deletion" eval \
	'grep -q "^service-prefix good " "$WORK/state" && ! grep -q "^service-prefix late " "$WORK/state"'

# A session goes down: metrics, textfile and status follow.
command birdc -s "$WORK/bird2.ctl" disable edge >/dev/null
check "c2 down: Established 0 in the next scrape" wait_for 15 \
	scraped_is "peeredge_bgp_session_state{neighbor=c2,state=Established}" 0
check "... one flap counted" is "peeredge_bgp_session_flaps_total{neighbor=c2}" 1
check "... c2 prefixes gone" is "peeredge_bgp_prefixes_received{neighbor=c2}" 0
check "... connection c2 not Active" is "peeredge_connection_state{connection=c2,state=Active}" 0
check "... the textfile follows within 3 s (not the 10 s period)" wait_for 3 eval \
	'[ "$("$PY" "$TOP/selftests/e2e/prom_check.py" "$WORK/pe.prom" "peeredge_bgp_session_state{neighbor=c2,state=Established}")" = 0 ]'
check "... replaced by rename (new inode), no temporary left" eval \
	'[ "$(stat -c %i "$WORK/pe.prom")" != "$inode" ] && [ ! -e "$WORK/pe.prom.tmp" ]'
check "status: degraded, exit 3" status_is 3
check "... c2 listed under neighbors with its state and since when" grep -Eq \
	"^  c2 +(Idle|Connect|Active) +for 00:00:[0-9]{2}" "$WORK/status"
check "... connections 1/2 Active" grep -qx "connections: 1/2 Active" "$WORK/status"
command birdc -s "$WORK/bird2.ctl" enable edge >/dev/null
check "c2 back: Established 1 again" wait_for 30 \
	scraped_is "peeredge_bgp_session_state{neighbor=c2,state=Established}" 1
sleep 2
inode=$(textfile_inode)
check "nothing changing: the textfile is still rewritten every 10 s" wait_for 12 eval \
	'[ "$(stat -c %i "$WORK/pe.prom")" != "$inode" ]'

# Hostile clients. http RAW: sends RAW, prints the status line it gets back.
http() {
	in_ns "$PY" - "$PORT" "$1" <<'EOF2'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(sys.argv[2].encode("latin-1").decode("unicode_escape").encode("latin-1"))
print(s.makefile("rb").readline().decode().strip())
EOF2
}
check "GET /other: 404" eval '[ "$(http "GET /other HTTP/1.1\r\nHost: x\r\n\r\n")" = "HTTP/1.1 404 Not Found" ]'
check "POST /metrics: 405" eval '[ "$(http "POST /metrics HTTP/1.1\r\n\r\n")" = "HTTP/1.1 405 Method Not Allowed" ]'
check "HTTP/2.0: 400" eval '[ "$(http "GET /metrics HTTP/2.0\r\n\r\n")" = "HTTP/1.1 400 Bad Request" ]'
check "garbage: 400" eval '[ "$(http "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\n\n")" = "HTTP/1.1 400 Bad Request" ]'
check "a NUL in the request: 400" eval '[ "$(http "GET /metrics\x00 HTTP/1.1\r\n\r\n")" = "HTTP/1.1 400 Bad Request" ]'
check "a 64 KiB request: 431, nothing buffered beyond the limit" eval \
	'[ "$(http "GET /metrics HTTP/1.1\r\nX: $(head -c 65536 /dev/zero | tr "\0" a)\r\n\r\n")" = \
	   "HTTP/1.1 431 Request Header Fields Too Large" ]'

# 40 connections each holding half a request, 10 that never read their
# response: a scrape still gets through, fast.
in_ns "$PY" - "$PORT" "$WORK/slow" <<'EOF2' &
import socket, sys, time
port, flag = int(sys.argv[1]), sys.argv[2]
held = []
for i in range(40):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /metrics HTTP/1.1\r\nX-Slow: ")
    held.append(s)
for i in range(10):
    s = socket.create_connection(("127.0.0.1", port))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
    s.sendall(b"GET /metrics HTTP/1.1\r\n\r\n")
    held.append(s)
open(flag, "w").close()
time.sleep(30)
EOF2
SLOW=$!
wait_for 10 test -e "$WORK/slow"
check "50 hostile connections open: a scrape succeeds within 2 s" eval \
	'in_ns curl -sS --max-time 2 -o "$WORK/scrape" "$URL" && is "peeredge_bgp_session_state{neighbor=c1,state=Established}" 1'
check "... and the control socket answers" eval 'pe -j neighbor show c1 >/dev/null'
check "a partial request is closed after the timeout (10 s)" eval \
	'in_ns "$PY" -c "
import socket, time
s = socket.create_connection((\"127.0.0.1\", $PORT))
s.sendall(b\"GET /metrics HTTP/1.1\r\n\")
s.settimeout(15)
t = time.time()
assert s.recv(1) == b\"\" and 9 <= time.time() - t <= 13, time.time() - t
"'
kill "$SLOW" 2>/dev/null; wait "$SLOW" 2>/dev/null
check "the daemon is still alive" alive
check "... and serves" scraped_is "peeredge_bgp_session_state{neighbor=c1,state=Established}" 1

kill -TERM "$PID"; rc=0; wait "$PID" || rc=$?; PID=
check "SIGTERM: clean exit" test "$rc" = 0
check "... no sanitizer report" eval '! grep -q -E "$SANITIZER_REPORT" "$WORK/peeredged.log"'
check "status without a daemon: exit 1, one line" eval \
	'out=$(pe status 2>&1); rc=$?; [ $rc = 1 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q "not running" <<<"$out"'

[ "$__tap_failed" = 0 ] || sed 's/^/# peeredged: /' "$WORK/peeredged.log" | tail -n 40
done_testing
