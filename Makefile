# SPDX-License-Identifier: GPL-2.0
#
# peeredge: top-level build.
#   make            build kbfd.ko, the agent and the BPF objects
#   make check      install what is missing, build, run every test
#                   (host, then the kernel tests in a qemu guest)
#   make deps       install the Debian packages the project uses
#   make lint       checkpatch.pl and W=1 C=1 for kmod/
#   make bench      the benchmarks (host, then in the qemu guest), as tables
#   make fuzz       libFuzzer over the BGP decoder, FUZZ_TIME seconds (600)

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
	zlib1g-dev bpftool libclang-rt-14-dev \
	qemu-system-x86 busybox-static xz-utils cpio \
	iproute2 nftables iputils-ping ethtool iperf3 \
	frr bird2 exabgp

SELFTEST_PARTS := $(patsubst selftests/%/Makefile,%,$(wildcard selftests/*/Makefile))

.PHONY: all kmod agent bpf selftests deps check lint clean kselftest-headers print-kdir checkpatch bench fuzz

all: kmod agent bpf selftests

kmod:
	@test -n "$(KDIR)" || { echo "no kernel headers: run 'make deps' or set KDIR" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) modules

agent:
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

fuzz: kselftest-headers
	$(MAKE) -C selftests/fuzz run FUZZ_TIME=$(or $(FUZZ_TIME),600)

bench: deps
	@$(MAKE) --no-print-directory all
	@: >$(BUILD)/bench-results
	selftests/lib/runner.sh $(BUILD)/bench-results $(wildcard selftests/*/host.bench)
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
	-$(MAKE) -C $(KDIR) M=$(TOP) clean
	-$(MAKE) -C agent clean
	-$(MAKE) -C bpf clean
	rm -rf $(BUILD)
