#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages named on the command line that are missing.
# Quiet and quick when everything is there.
set -eu
missing=()
for p in "$@"; do
	s=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$s" = installed ] || missing+=("$p")
done
((${#missing[@]})) || exit 0
echo "deps: installing ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "deps: need root to install packages" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
# The interop daemons are started by the tests, never at boot.
for s in frr bird exabgp; do
	systemctl disable --now "$s" >/dev/null 2>&1 || true
done
