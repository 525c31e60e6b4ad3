#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Interoperability: a kbfd session in one namespace against FRR's bfdd and
# against BIRD 2's BFD in the other, over veth, IPv4 and IPv6, 100 ms x 5
# (x 5 because the guest is emulated and its vCPUs can stall on a loaded
# host). Multihop (RFC 5883) against FRR too. The session comes Up, a killed
# peer takes it Down (diagnostic 1), and against BIRD every RFC 5880
# authentication type brings it Up too; a wrong key never does.
. "$(dirname "$0")/lib.sh"

kbfd_require
veth_pair || skip_all "cannot build the veth topology"
W=$(mktemp -d)
trap 'pkill_all; netns_cleanup; rm -rf "$W"' EXIT
pids=()
pkill_all() { local p; for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null; done; pids=(); }

A4=(peer 10.0.0.2 local 10.0.0.1)
A6=(peer fd00::2 local fd00::1)
AM=(peer 10.0.0.2 local 10.0.0.1 multihop)
T="tx 100000 rx 100000 mult 5"
up4() { state_is "$NS1" up "${A4[@]}"; }
up6() { state_is "$NS1" up "${A6[@]}"; }
upm() { state_is "$NS1" up "${AM[@]}"; }
down_diag1() { state_is "$NS1" down "$@" && [ "$(kfield "$NS1" diag "$@")" = 1 ]; }

# --- FRR bfdd ---
frr_start() {
	mkdir -p "$W/frr"
	chmod 777 "$W" "$W/frr"	# bfdd drops to the frr user
	cat >"$W/frr/bfdd.conf" <<-EOT
	bfd
	 peer 10.0.0.1 local-address 10.0.0.2
	  receive-interval 100
	  transmit-interval 100
	  detect-multiplier 5
	 exit
	 peer fd00::1 local-address fd00::2
	  receive-interval 100
	  transmit-interval 100
	  detect-multiplier 5
	 exit
	 peer 10.0.0.1 multihop local-address 10.0.0.2
	  receive-interval 100
	  transmit-interval 100
	  detect-multiplier 5
	 exit
	exit
	EOT
	ip netns exec "$NS2" /usr/lib/frr/bfdd -f "$W/frr/bfdd.conf" -u frr -g frr \
		-i "$W/frr/bfdd.pid" --vty_socket "$W/frr" --bfdctl "$W/frr/bfdd.sock" \
		-P 0 >"$W/frr/log" 2>&1 &
	pids+=($!)
}

if [ -x /usr/lib/frr/bfdd ]; then
	check "kbfd sessions against FRR bfdd added" sh -c \
		"ip netns exec $NS1 $KBFDCTL add ${A4[*]} $T && ip netns exec $NS1 $KBFDCTL add ${A6[*]} $T &&
		 ip netns exec $NS1 $KBFDCTL add ${AM[*]} $T"
	frr_start
	check "FRR bfdd: IPv4 session Up" wait_for 30 up4
	check "FRR bfdd: IPv6 session Up" wait_for 30 up6
	check "FRR bfdd: IPv4 multihop session Up" wait_for 30 upm
	sleep 2
	check "FRR bfdd: stays Up (no flap)" test "$(kfield "$NS1" up_transitions "${A4[@]}")" = 1
	pkill_all
	check "FRR bfdd killed: IPv4 Down with diag 1" wait_for 10 down_diag1 "${A4[@]}"
	check "FRR bfdd killed: IPv6 Down with diag 1" wait_for 10 down_diag1 "${A6[@]}"
	check "FRR bfdd killed: multihop Down with diag 1" wait_for 10 down_diag1 "${AM[@]}"
	sed 's/^/# bfdd: /' "$W/frr/log" | head -20
	kctl "$NS1" del "${A4[@]}"
	kctl "$NS1" del "${A6[@]}"
	kctl "$NS1" del "${AM[@]}"
else
	tap_skip "FRR bfdd" "not installed"
fi

# --- BIRD 2 ---
bird_start() { # AUTHLINES
	mkdir -p "$W/bird"
	cat >"$W/bird/bird.conf" <<-EOT
	router id 10.0.0.2;
	protocol device { }
	protocol bfd {
		interface "veth0" {
			min rx interval 100 ms;
			min tx interval 100 ms;
			multiplier 5;
			$1
		};
		neighbor 10.0.0.1 dev "veth0" local 10.0.0.2;
		neighbor fd00::1 dev "veth0" local fd00::2;
	}
	EOT
	ip netns exec "$NS2" bird -f -c "$W/bird/bird.conf" -s "$W/bird/bird.ctl" \
		-P "$W/bird/bird.pid" >"$W/bird/log" 2>&1 &
	pids+=($!)
}

if command -v bird >/dev/null; then
	check "kbfd sessions against BIRD added" sh -c \
		"ip netns exec $NS1 $KBFDCTL add ${A4[*]} $T && ip netns exec $NS1 $KBFDCTL add ${A6[*]} $T"
	bird_start ""
	check "BIRD: IPv4 session Up" wait_for 30 up4
	check "BIRD: IPv6 session Up" wait_for 30 up6
	sleep 2
	check "BIRD: stays Up (no flap)" test "$(kfield "$NS1" up_transitions "${A4[@]}")" = 1
	pkill_all
	check "BIRD killed: IPv4 Down with diag 1" wait_for 10 down_diag1 "${A4[@]}"
	check "BIRD killed: IPv6 Down with diag 1" wait_for 10 down_diag1 "${A6[@]}"
	kctl "$NS1" del "${A4[@]}"
	kctl "$NS1" del "${A6[@]}"

	for t in simple:simple md5:keyed\ md5 meticulous-md5:meticulous\ keyed\ md5 \
		 sha1:keyed\ sha1 meticulous-sha1:meticulous\ keyed\ sha1; do
		k=${t%%:*} b=${t#*:}
		kctl "$NS1" add "${A4[@]}" $T auth "$k" keyid 5 key kbfd-secret
		bird_start "authentication $b; password \"kbfd-secret\" { id 5; };"
		check "BIRD, $b authentication: Up" wait_for 30 up4
		sleep 1
		check "BIRD, $b authentication: no drops, no flap" sh -c \
			"[ \"\$(ip netns exec $NS1 $KBFDCTL get ${A4[*]} | awk '\$1==\"rx_drops\"{print \$2}')\" = 0 ] &&
			 [ \"\$(ip netns exec $NS1 $KBFDCTL get ${A4[*]} | awk '\$1==\"up_transitions\"{print \$2}')\" = 1 ]"
		pkill_all
		kctl "$NS1" del "${A4[@]}"
		sleep 0.2
	done
	# A wrong key never comes Up and is counted as dropped.
	kctl "$NS1" add "${A4[@]}" $T auth sha1 keyid 5 key wrong-secret
	bird_start "authentication keyed sha1; password \"kbfd-secret\" { id 5; };"
	sleep 4
	check "BIRD, wrong key: not Up" sh -c "! ip netns exec $NS1 $KBFDCTL get ${A4[*]} | grep -qx 'state up'"
	check "BIRD, wrong key: packets dropped" test "$(kfield "$NS1" rx_drops "${A4[@]}")" -gt 0
	pkill_all
else
	tap_skip "BIRD" "not installed"
fi
done_testing
