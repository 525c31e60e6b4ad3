#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# seeds.sh DIR: seed corpora for the text fuzzers, in DIR/config,
# DIR/registry and DIR/state: the shipped example configuration and the
# grammar of config.h, the here documents of the shell tests that write
# peeredged.conf or registry files, RPSL objects of every kind read, and a
# state file body of every record (fuzz_state adds the end line).
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
out=$1
mkdir -p "$out/config" "$out/registry" "$out/state"
cp "$TOP/agent/peeredged.conf.example" "$out/config/example"
# config.h's summary of every statement, optional parts in.
sed -n 's/^ \*\t//p' "$TOP/agent/config.h" | tr -d '[]' >"$out/config/grammar"
# Every here document of the shell tests, one file each; then each goes
# where it belongs, the rest (bird, frr, python) away.
docs=$(mktemp -d)
trap 'rm -rf "$docs"' EXIT
awk -v dir="$docs" '
	doc && $0 ~ "^[\t]*" end "$" { doc = 0; close(file); next }
	doc { print > file; next }
	match($0, /<<-?'\''?[A-Z0-9]+/) {
		end = substr($0, RSTART, RLENGTH); sub(/<<-?'\''?/, "", end)
		file = dir "/" ++n; doc = 1
	}' "$TOP"/selftests/*/*.sh
for f in "$docs"/*; do
	if grep -q '^[[:space:]]*router-id' "$f"; then cp "$f" "$out/config/heredoc-${f##*/}"
	elif grep -qi '^route6\?:' "$f"; then cp "$f" "$out/registry/heredoc-${f##*/}"
	fi
done
cat >"$out/registry/objects" <<'RPSL'
% banner
route:          80.80.80.0/24
descr:          SBCs
+               continued
origin:         AS13335 # comment
source:         RIPE

route6:         2a00:1450::/32
origin:
                AS15169

aut-num:        AS13335
RPSL
cat >"$out/state/all-records" <<'STATE'
peeredge-state 1
peering contoso 13335 voice
connection contoso ams1 198.51.100.1 Amsterdam r1 Active
connection contoso ams2 2001:db8::5 Amsterdam r2 ProvisioningCompleted
registered-prefix contoso sbc 80.80.80.0/24 00112233-4455-6677-8899-aabbccddeeff 1700000000123 Warning
peering ixp 3320 route-server
registered-asn ixp dtag 3320 00112233-4455-6677-8899-aabbccddeeff
service-prefix sbc-svc 80.80.80.0/25 00112233-4455-6677-8899-aabbccddeeff Amsterdam Frankfurt 1700000000456 Verified
service-prefix typo 80.80.80.1/24 00112233445566778899aabbccddeeff Amsterdam - -5 Invalid
STATE
