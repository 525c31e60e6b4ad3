# SPDX-License-Identifier: GPL-2.0
#
# peeredge: top-level build.
#   make            build kbfd.ko (build/kbfd/kmod/), the agent and the BPF objects
#   make demo       install what is missing, build, and run the peering lab
#                   (selftests/demo/lab.sh) in a qemu guest, shown as it runs
#   make check      install what is missing, build, run every test
#                   (host, then the kernel tests in a qemu guest)
#   make deps       install the Debian packages the project uses
#   make lint       checkpatch.pl and W=1 C=1 for kmod/
#   make bench      the benchmarks (host, then in the qemu guest), as tables
#   make fuzz       libFuzzer over the BGP decoder, the configuration, state
#                   and registry readers, FUZZ_TIME seconds (600) each
#   make install    install what `make` built and kbfd's DKMS sources
#                   (DESTDIR, PREFIX); make uninstall removes them
#   make install-kmod  kbfd.ko into /lib/modules without DKMS (INSTALL_MOD_PATH)
#   make sign-kmod KEY=key.pem CERT=cert.pem [OUT=signed.ko]  sign kbfd.ko

TOP := $(CURDIR)
BUILD := $(TOP)/build

# Headers of the kernel the module is built for: the running kernel's when
# it has them, else the newest Debian linux-headers-*-amd64 package.
KDIR ?= $(or $(wildcard /lib/modules/$(shell uname -r)/build),\
	$(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n1))
export KDIR

LINUX_SOURCE := /usr/src/linux-source-6.1.tar.xz
KSFT_DIR := $(BUILD)/kselftest
KSFT_HDRS := $(KSFT_DIR)/kselftest.h $(KSFT_DIR)/kselftest_harness.h
CHECKPATCH := $(BUILD)/linux-scripts/scripts/checkpatch.pl

# Everything build, test and the interop peers need, from Debian 12.
DEPS := build-essential clang llvm make pkg-config git \
	linux-headers-amd64 linux-image-amd64 linux-source-6.1 sparse kmod \
	libnl-3-dev libnl-genl-3-dev libnl-route-3-dev libbpf-dev libelf-dev \
	zlib1g-dev libssl-dev bpftool libclang-rt-14-dev \
	qemu-system-x86 busybox-static xz-utils cpio \
	iproute2 nftables iputils-ping ethtool iperf3 \
	curl jq python3-prometheus-client \
	frr bird2 exabgp \
	systemd man-db openssl dkms linux-perf

SELFTEST_PARTS := $(patsubst selftests/%/Makefile,%,$(wildcard selftests/*/Makefile))

.PHONY: all kmod agent bpf selftests deps check demo lint clean kselftest-headers print-kdir checkpatch bench fuzz \
	install uninstall install-kmod sign-kmod print-version

all: kmod agent bpf selftests

# kbfd.ko is built in $(KBUILD_TREE), a tree of links to the sources: an
# external module's objects, and modpost's generated kbfd.mod.c, land beside
# its sources, and 6.1's Kbuild can put them nowhere else (no MO=).
KBUILD_TREE := $(BUILD)/kbfd
KBFD_KO := $(KBUILD_TREE)/kmod/kbfd.ko
kmod:
	@test -n "$(KDIR)" || { echo "no kernel headers: run 'make deps' or set KDIR" >&2; exit 1; }
	@mkdir -p $(KBUILD_TREE)/kmod
	@find $(KBUILD_TREE) -xtype l -delete
	@ln -sfn $(TOP)/Kbuild $(TOP)/include $(KBUILD_TREE)/
	@ln -sf $(addprefix $(TOP)/,$(KMOD_SRCS)) $(KBUILD_TREE)/kmod/
	$(MAKE) -C $(KDIR) M=$(KBUILD_TREE) modules

# The agent links the XDP allowlist library.
agent: bpf
	$(MAKE) -C agent

bpf:
	$(MAKE) -C bpf

kselftest-headers: $(KSFT_HDRS)

# kselftest.h and kselftest_harness.h come from Debian's linux-source-6.1 at
# build time; the tree never carries copies.
$(KSFT_HDRS): | $(LINUX_SOURCE)
	@mkdir -p $(KSFT_DIR)
	tar -xJf $(LINUX_SOURCE) -C $(KSFT_DIR) --strip-components=4 \
		linux-source-6.1/tools/testing/selftests/kselftest.h \
		linux-source-6.1/tools/testing/selftests/kselftest_harness.h
	@touch $(KSFT_HDRS)

$(LINUX_SOURCE):
	@echo "$@ is missing: run 'make deps'" >&2; exit 1

selftests: kselftest-headers agent bpf
	@set -e; for p in $(SELFTEST_PARTS); do $(MAKE) -C selftests/$$p; done

deps:
	@TOP=$(TOP) selftests/lib/deps.sh $(DEPS)

check: deps
	@$(MAKE) --no-print-directory all
	@selftests/run

demo: deps
	@$(MAKE) --no-print-directory all
	@: >$(BUILD)/demo-results
	@VM_TIMEOUT=$${VM_TIMEOUT:-900} selftests/vm/run --stream --results $(BUILD)/demo-results \
		selftests/demo/vm.tests

fuzz: kselftest-headers
	$(MAKE) -C selftests/fuzz run FUZZ_TIME=$(or $(FUZZ_TIME),600)

bench: deps
	@$(MAKE) --no-print-directory all
	@: >$(BUILD)/bench-results
	selftests/lib/runner.sh $(BUILD)/bench-results $(wildcard selftests/*/host.bench)
	KSFT_TIMEOUT=1800 VM_TIMEOUT=7200 \
		selftests/vm/run --results $(BUILD)/bench-results $(wildcard selftests/*/vm.bench)

$(CHECKPATCH): | $(LINUX_SOURCE)
	@mkdir -p $(BUILD)/linux-scripts
	tar -xJf $(LINUX_SOURCE) -C $(BUILD)/linux-scripts --strip-components=1 \
		linux-source-6.1/scripts/checkpatch.pl \
		linux-source-6.1/scripts/spelling.txt \
		linux-source-6.1/scripts/const_structs.checkpatch

checkpatch: $(CHECKPATCH)

lint: checkpatch
	@selftests/lint/kmod_lint.sh

print-kdir:
	@echo $(KDIR)

clean:
	-$(MAKE) -C agent clean
	-$(MAKE) -C bpf clean
	rm -rf $(BUILD)

# Installation. PREFIX is for what `make` built; two paths are fixed because
# the programs look there: peeredged reads /etc/peeredge/peeredged.conf and
# dkms finds sources in /usr/src/<name>-<version>.
VERSION := 0.1.0
PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
PKGLIBDIR ?= $(PREFIX)/lib/peeredge
UNITDIR ?= $(PREFIX)/lib/systemd/system
MANDIR ?= $(PREFIX)/share/man
CONFDIR := /etc/peeredge
DKMS_SRCDIR := /usr/src/kbfd-$(VERSION)

PROGRAMS := peeredged peeredge
MAN_PAGES := $(wildcard agent/*.5 agent/*.8)
MAN_GZ := $(patsubst agent/%,$(BUILD)/man/%.gz,$(MAN_PAGES))
# modpost's generated kbfd.mod.c is not a source.
KMOD_SRCS := $(filter-out %.mod.c,$(wildcard kmod/*.c kmod/*.h)) kmod/Kbuild
# The hash the kernel signs its own modules with.
SIG_HASH ?= $(or $(shell sed -n 's/^CONFIG_MODULE_SIG_HASH=//p' \
	$(KDIR)/include/config/auto.conf 2>/dev/null | tr -d '"'),sha256)

# $(call man_path,agent/NAME.SECTION): where that page goes, gzipped.
man_path = $(DESTDIR)$(MANDIR)/man$(patsubst .%,%,$(suffix $(1)))/$(notdir $(1)).gz
# $(call install_subst,SRC,DEST): SRC as DEST (0644), placeholders filled in.
install_subst = install -d $(dir $(2)) && \
	sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@SBINDIR@|$(SBINDIR)|g' $(1) >$(2) && \
	chmod 0644 $(2)

$(BUILD)/man/%.gz: agent/%
	@mkdir -p $(@D)
	gzip -9nc $< >$@

# Installs, never builds: `make && sudo make install`. Of the configuration
# only the example: a real peeredged.conf is the operator's. kbfd's sources go
# to DKMS laid out as here: Kbuild -> kmod/, include/uapi.
install: $(MAN_GZ)
	@for p in $(PROGRAMS); do test -x $(BUILD)/agent/$$p || \
		{ echo "build/agent/$$p is missing: run 'make' first" >&2; exit 1; }; done
	install -d $(DESTDIR)$(SBINDIR)
	install -m 0755 $(addprefix $(BUILD)/agent/,$(PROGRAMS)) $(DESTDIR)$(SBINDIR)/
	install -D -m 0644 agent/peeredged.conf.example $(DESTDIR)$(CONFDIR)/peeredged.conf.example
	$(call install_subst,agent/peeredged.service,$(DESTDIR)$(UNITDIR)/peeredged.service)
	$(foreach m,$(MAN_PAGES),install -D -m 0644 $(BUILD)/man/$(notdir $m).gz $(call man_path,$m) &&) true
	$(if $(wildcard $(BUILD)/bpf/allowlist.bpf.o),install -D -m 0644 $(BUILD)/bpf/allowlist.bpf.o $(DESTDIR)$(PKGLIBDIR)/allowlist.bpf.o)
	$(call install_subst,kmod/dkms.conf,$(DESTDIR)$(DKMS_SRCDIR)/dkms.conf)
	install -m 0644 Kbuild $(DESTDIR)$(DKMS_SRCDIR)/
	install -d $(DESTDIR)$(DKMS_SRCDIR)/kmod
	install -m 0644 $(KMOD_SRCS) $(DESTDIR)$(DKMS_SRCDIR)/kmod/
	install -D -m 0644 include/uapi/linux/kbfd.h $(DESTDIR)$(DKMS_SRCDIR)/include/uapi/linux/kbfd.h

# /etc/peeredge stays when it holds the operator's configuration.
uninstall:
	rm -f $(addprefix $(DESTDIR)$(SBINDIR)/,$(PROGRAMS))
	rm -f $(DESTDIR)$(CONFDIR)/peeredged.conf.example
	rmdir --ignore-fail-on-non-empty $(DESTDIR)$(CONFDIR) 2>/dev/null || true
	rm -f $(DESTDIR)$(UNITDIR)/peeredged.service
	rm -f $(foreach m,$(MAN_PAGES),$(call man_path,$m))
	rm -rf $(DESTDIR)$(PKGLIBDIR) $(DESTDIR)$(DKMS_SRCDIR)

# Without DKMS, what modules_install does for an external module: kbfd.ko
# into /lib/modules/<release it was built for>/extra, under INSTALL_MOD_PATH
# when set, then depmod (Kbuild's own would skip it: Debian's headers have no
# System.map).
KMOD_RELEASE = $(firstword $(shell modinfo -F vermagic $(KBFD_KO)))
install-kmod:
	@test -f $(KBFD_KO) || { echo "$(KBFD_KO) is missing: run 'make' first" >&2; exit 1; }
	install -D -m 0644 $(KBFD_KO) $(INSTALL_MOD_PATH)/lib/modules/$(KMOD_RELEASE)/extra/kbfd.ko
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KMOD_RELEASE)

# For kernels that only load signed modules (Secure Boot: enroll CERT with
# mokutil --import). Signs $(KBFD_KO) in place, or writes a signed copy to
# OUT. A second signature would be appended after the first and not verify,
# hence the refusal.
sign-kmod:
	@test -n "$(KEY)" && test -n "$(CERT)" || \
		{ echo "usage: make sign-kmod KEY=key.pem CERT=cert.pem [OUT=signed.ko]" >&2; exit 1; }
	@test -z "$$(modinfo -F signer $(KBFD_KO))" || \
		{ echo "$(KBFD_KO) is already signed: rebuild it with 'make kmod'" >&2; exit 1; }
	$(KDIR)/scripts/sign-file $(SIG_HASH) $(KEY) $(CERT) $(KBFD_KO) $(OUT)

print-version:
	@echo $(VERSION)
