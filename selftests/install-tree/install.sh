#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make install into a scratch DESTDIR and what it puts there: every file and
# its mode, the systemd unit (systemd-analyze verify; its capabilities are
# enough for the daemon and the XDP allowlist), the man pages (man -l), the
# DKMS tree (kbfd.ko builds from it, by hand from dkms.conf and with dkms
# itself); then make uninstall, make install-kmod, make sign-kmod, and the
# module's modinfo fields.
. "$(dirname "$0")/../lib/lib.sh"

cd "$TOP" || exit 1
require_cmd modinfo openssl gzip depmod
if [ ! -x build/agent/peeredged ] || [ ! -f "$KBFD_KO" ]; then
	skip_all "nothing built: run 'make' first"
fi
KDIR=$(make -s --no-print-directory print-kdir)
[ -n "$KDIR" ] || skip_all "no kernel headers: run 'make deps'"
VERSION=$(make -s --no-print-directory print-version)
KRELEASE=$(modinfo -F vermagic "$KBFD_KO" | cut -d' ' -f1)

tmp=$(mktemp -d)
trap 'netns_cleanup; rm -rf "$tmp"' EXIT
root=$tmp/root
dkms_src=usr/src/kbfd-$VERSION
conf=etc/peeredge/peeredged.conf
unit=usr/lib/systemd/system/peeredged.service
mapfile -t man_pages < <(ls agent/*.5 agent/*.8 2>/dev/null)
kmod_srcs=(kmod/Kbuild)
for f in kmod/*.c kmod/*.h; do
	[[ $f == *.mod.c ]] || kmod_srcs+=("$f")
done

mk() { make -s --no-print-directory "$@"; }

# has_mode MODE FILE...: each FILE (relative to $root) exists with MODE.
has_mode() {
	local mode=$1 f m rc=0
	shift
	for f in "$@"; do
		m=$(stat -c %a "$root/$f") || { rc=1; continue; }
		[ "$m" = "$mode" ] || { echo "$f: mode $m, want $mode"; rc=1; }
	done
	return $rc
}

# same_files SRCDIR DESTDIR FILE...: installed copies are byte for byte the
# sources.
same_files() {
	local src=$1 dst=$2 f rc=0
	shift 2
	for f in "$@"; do
		cmp "$src/$f" "$root/$dst/$(basename "$f")" || rc=1
	done
	return $rc
}

expected_files() {
	echo usr/sbin/peeredged
	echo usr/sbin/peeredge
	echo etc/peeredge/peeredged.conf.example
	echo "$conf"
	echo "$unit"
	[ -f build/bpf/allowlist.bpf.o ] && echo usr/lib/peeredge/allowlist.bpf.o
	local m
	for m in "${man_pages[@]}"; do
		echo "usr/share/man/man${m##*.}/${m#agent/}.gz"
	done
	echo "$dkms_src/dkms.conf"
	echo "$dkms_src/Kbuild"
	echo "$dkms_src/include/uapi/linux/kbfd.h"
	for m in "${kmod_srcs[@]}"; do
		echo "$dkms_src/$m"
	done
}

installed_files() { (cd "$root" && find . -type f -printf '%P\n'); }
same_file_lists() { diff <(sort "$1") <(sort "$2"); }

# An operator's configuration that install must leave alone.
mkdir -p "$root/etc/peeredge"
echo "local-as 64500;" >"$root/$conf"
cp "$root/$conf" "$tmp/conf.orig"

check "make install DESTDIR=... PREFIX=/usr" mk install DESTDIR="$root" PREFIX=/usr
expected_files >"$tmp/expected"
installed_files >"$tmp/installed"
check "exactly the expected files are installed" same_file_lists "$tmp/expected" "$tmp/installed"
check "the existing peeredged.conf is untouched" cmp "$tmp/conf.orig" "$root/$conf"
programs_ok() {
	has_mode 755 usr/sbin/peeredged usr/sbin/peeredge &&
		same_files build/agent usr/sbin peeredged peeredge
}
check "programs are 0755 and the built ones" programs_ok
mapfile -t data_files < <(grep -v -e '^usr/sbin/' -e "^$conf\$" "$tmp/expected")
check "everything else is 0644" has_mode 644 "${data_files[@]}"
dkms_tree_ok() {
	same_files . "$dkms_src/kmod" "${kmod_srcs[@]}" &&
		cmp include/uapi/linux/kbfd.h "$root/$dkms_src/include/uapi/linux/kbfd.h" &&
		cmp Kbuild "$root/$dkms_src/Kbuild"
}
check "the DKMS tree holds the module sources" dkms_tree_ok
check_fails "no placeholder is left in the unit and dkms.conf" \
	grep -n "@[A-Z]*@" "$root/$unit" "$root/$dkms_src/dkms.conf"
check "the unit starts /usr/sbin/peeredged in the foreground" \
	grep -Ex 'ExecStart=/usr/sbin/peeredged -d( .*)?' "$root/$unit"
dkms_conf_names() (
	# shellcheck source=/dev/null
	. "$root/$dkms_src/dkms.conf" && [ "$PACKAGE_NAME" = kbfd ] && [ "$PACKAGE_VERSION" = "$VERSION" ]
)
check "dkms.conf names kbfd $VERSION" dkms_conf_names

# The unit as systemd will read it. verify wants ExecStart= to exist on this
# host: a copy pointing into the scratch tree stands in for it.
verify_unit() {
	local man=(--man=no)
	mkdir -p "$tmp/unit"
	sed "s|=/usr/sbin/|=$root/usr/sbin/|" "$root/$unit" >"$tmp/unit/peeredged.service"
	((${#man_pages[@]})) && man=(--man=yes)
	MANPATH=$root/usr/share/man systemd-analyze verify "${man[@]}" "$tmp/unit/peeredged.service"
}
if ! command -v systemd-analyze >/dev/null; then
	tap_skip "systemd-analyze verify" "systemd is not installed"
else
	((${#man_pages[@]})) || diag "no man pages yet: Documentation= not checked"
	check "systemd-analyze verify accepts the unit" verify_unit
fi

# The unit's CapabilityBoundingSet and NoNewPrivileges=yes, imitated with
# setpriv: enough for the installed daemon to listen on port 179 (in a
# namespace of its own) and answer the installed CLI, while without
# CAP_NET_BIND_SERVICE it cannot.
unit_caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$root/$unit")
# daemon CAPS: becomes peeredged in pe-inst-$$, bounded to CAPS (CAP_X ... as in
# the unit), for 10 s at most (then exit status 124). Run it in a subshell.
daemon() {
	local cap caps=-all
	for cap in ${1,,}; do
		caps+=",+${cap#cap_}"
	done
	cat >"$tmp/peeredged.conf" <<-EOF
		router-id 192.0.2.1;
		local-as 64500;
		listen 127.0.0.1;
		state-file $tmp/state;
	EOF
	exec timeout 10 ip netns exec pe-inst-$$ setpriv --no-new-privs --bounding-set "$caps" \
		"$root/usr/sbin/peeredged" -d -f "$tmp/peeredged.conf" -s "$tmp/peeredged.sock"
}
listening_on_179() { ip netns exec pe-inst-$$ ss -Hltn 'sport = :179' | grep -q LISTEN; }
runs_with_unit_caps() {
	local pid
	(daemon "$unit_caps") &
	pid=$!
	wait_for 5 test -S "$tmp/peeredged.sock" && listening_on_179 &&
		"$root/usr/sbin/peeredge" -s "$tmp/peeredged.sock" neighbor show &&
		kill "$pid" && wait "$pid"
}
fails_without_bind_cap() {
	local out
	out=$( (daemon "${unit_caps/CAP_NET_BIND_SERVICE/}") 2>&1) && return 1
	echo "$out"
	grep -q "port 179: Permission denied" <<<"$out"
}
# The XDP allowlist, loaded and attached by the selftests' pe_xdp as the
# daemon will, with the same capabilities, maps pinned in a bpffs of its own.
xdp_loads_with_unit_caps() {
	local cap caps=-all
	for cap in ${unit_caps,,}; do
		caps+=",+${cap#cap_}"
	done
	mkdir -p "$tmp/bpffs"
	# ip netns exec gives the command a mount namespace of its own.
	# shellcheck disable=SC2016 # expanded by that inner shell
	ip netns exec pe-inst-$$ sh -ec '
		dir=$1 caps=$2 pe_xdp=$3
		mount -t bpf bpf "$dir/bpffs"
		ip link add pe-inst0 type veth peer name pe-inst1
		xdp() { setpriv --no-new-privs --bounding-set "$caps" "$pe_xdp" -d "$dir/bpffs/pe" "$@"; }
		xdp iface pe-inst0 1 enforce && xdp attach pe-inst0
		ip link show pe-inst0 | grep -q " xdp"' \
		_ "$tmp" "$caps" "$TOP/build/selftests/bpf/pe_xdp"
}
if [ "$(id -u)" != 0 ] || ! command -v setpriv ss >/dev/null; then
	tap_skip "peeredged with the unit's capabilities" "needs root, setpriv and ss"
else
	netns_add pe-inst-$$
	check "peeredged serves port 179 and the CLI with only $unit_caps" runs_with_unit_caps
	check "and cannot without CAP_NET_BIND_SERVICE" fails_without_bind_cap
	if [ -x build/selftests/bpf/pe_xdp ]; then
		check "the XDP allowlist loads and attaches with only $unit_caps" xdp_loads_with_unit_caps
	else
		tap_skip "the XDP allowlist with the unit's capabilities" "pe_xdp is not built"
	fi
	netns_cleanup
fi

# man_clean PAGE: gzip is intact and man renders it without a warning.
man_clean() {
	local warn
	gzip -t "$1" || return 1
	warn=$(MANWIDTH=80 man --warnings -l "$1" 2>&1 >/dev/null) || return 1
	[ -z "$warn" ] || { echo "$warn"; return 1; }
}
if ((${#man_pages[@]} == 0)); then
	tap_skip "man pages render" "no agent/*.5 or agent/*.8 yet"
elif ! command -v man >/dev/null; then
	tap_skip "man pages render" "man-db is not installed"
else
	for m in "${man_pages[@]}"; do
		check "${m#agent/} is gzipped and renders without warnings" \
			man_clean "$root/usr/share/man/man${m##*.}/${m#agent/}.gz"
	done
fi

# What dkms does with dkms.conf, done by hand: the source tree copied to
# $dkms_tree/kbfd/VERSION/build, MAKE[0] run in it, the module taken from
# BUILT_MODULE_LOCATION.
dkms_conf_builds() {
	# shellcheck disable=SC2034 # both are read by dkms.conf
	local dkms_tree=$tmp/dkms-by-hand kernel_source_dir=$KDIR
	local build=$dkms_tree/kbfd/$VERSION/build ko
	mkdir -p "$dkms_tree/kbfd/$VERSION" && cp -r "$root/$dkms_src" "$build" || return 1
	ko=$(cd "$build" && . ./dkms.conf &&
		eval "${MAKE[0]}" >"$tmp/dkms-make.log" 2>&1 &&
		echo "$build/${BUILT_MODULE_LOCATION[0]}${BUILT_MODULE_NAME[0]}.ko") ||
		{ tail -n 20 "$tmp/dkms-make.log"; return 1; }
	[ "$(modinfo -F version "$ko")" = "$VERSION" ]
}
check "kbfd.ko builds from the DKMS tree as dkms.conf says" dkms_conf_builds

key=$tmp/key.pem
cert=$tmp/cert.der
make_key() {
	openssl req -new -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=peeredge selftest/" \
		-keyout "$key" -outform DER -out "$cert" >"$tmp/openssl.log" 2>&1 ||
		{ cat "$tmp/openssl.log"; return 1; }
}
check "a throwaway signing key" make_key

# dkms itself, on trees of its own, for the kernel of KDIR (not necessarily
# the running one), signing with the throwaway key instead of its MOK.
dkms_builds() {
	local tree=$tmp/dkms ko
	mkdir -p "$tree"
	mok_signing_key=$key mok_certificate=$cert \
		dkms build "kbfd/$VERSION" -k "$KRELEASE" --kernelsourcedir "$KDIR" \
		--dkmstree "$tree" --sourcetree "$root/usr/src" >"$tmp/dkms.log" 2>&1 ||
		{ tail -n 20 "$tmp/dkms.log"; return 1; }
	ko=$tree/kbfd/$VERSION/$KRELEASE/$(uname -m)/module/kbfd.ko
	[ "$(modinfo -F version "$ko")" = "$VERSION" ] &&
		[ "$(modinfo -F signer "$ko")" = "peeredge selftest" ]
}
if command -v dkms >/dev/null; then
	check "dkms build kbfd/$VERSION -k $KRELEASE" dkms_builds
else
	tap_skip "dkms build" "dkms is not installed"
fi

check "make uninstall" mk uninstall DESTDIR="$root" PREFIX=/usr
echo "$conf" >"$tmp/expected"
installed_files >"$tmp/installed"
check "uninstall leaves only the operator's configuration" \
	same_file_lists "$tmp/expected" "$tmp/installed"
rm "$root/$conf"
check "a second uninstall" mk uninstall DESTDIR="$root" PREFIX=/usr
check "it removes /etc/peeredge, now empty" test ! -e "$root/etc/peeredge"
check "no file is left" test -z "$(installed_files)"
check "no directory of ours is left" \
	test ! -e "$root/$dkms_src" -a ! -e "$root/usr/lib/peeredge"

ko=$root/lib/modules/$KRELEASE/extra/kbfd.ko
check "make install-kmod INSTALL_MOD_PATH=..." mk install-kmod INSTALL_MOD_PATH="$root"
check "kbfd.ko is in extra/" cmp "$KBFD_KO" "$ko"
check "and in modules.dep" grep -x "extra/kbfd.ko:.*" "$root/lib/modules/$KRELEASE/modules.dep"

# Signing writes a copy: the built kbfd.ko is what the kernel tests load.
sum=$(sha256sum "$KBFD_KO")
check "make sign-kmod OUT=..." mk sign-kmod KEY="$key" CERT="$cert" OUT="$tmp/kbfd-signed.ko"
check "the signed copy names its signer" \
	test "$(modinfo -F signer "$tmp/kbfd-signed.ko")" = "peeredge selftest"
kernel_hash=$(sed -n 's/^CONFIG_MODULE_SIG_HASH=//p' "$KDIR/include/config/auto.conf" | tr -d '"')
check "the signed copy uses the kernel's hash ($kernel_hash)" \
	test "$(modinfo -F sig_hashalgo "$tmp/kbfd-signed.ko")" = "$kernel_hash"
check "the built kbfd.ko itself is not modified" test "$(sha256sum "$KBFD_KO")" = "$sum"
check_fails "make sign-kmod without KEY/CERT is refused" mk sign-kmod

# modinfo kbfd: what an operator reads before loading it.
check "kbfd.ko version is $VERSION" test "$(modinfo -F version "$KBFD_KO")" = "$VERSION"
check "kbfd.ko has a description" test -n "$(modinfo -F description "$KBFD_KO")"
check "kbfd.ko license is GPL" test "$(modinfo -F license "$KBFD_KO")" = GPL
# modinfo shows "name:description (type)", or "name:type" without MODULE_PARM_DESC.
params_described() {
	local parms
	parms=$(modinfo -F parm "$KBFD_KO") && [ -n "$parms" ] || return 1
	echo "$parms"
	! grep -vE ' \([a-z ]+\)$' <<<"$parms"
}
check "every kbfd.ko parameter is described" params_described

done_testing
