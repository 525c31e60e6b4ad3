# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of agent code: kselftest_harness.h programs built with
# ASan+UBSan against build/agent-asan/libpeeredge.a (and the ASan XDP
# allowlist library it uses), one program per
# <name>.c. A test folder's Makefile names them and includes this file:
#
#	TESTS := fib_test
#	include ../lib/agent_tests.mk

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
B := $(TOP)/build/selftests/$(notdir $(CURDIR))
LIB := $(TOP)/build/agent-asan/libpeeredge.a
KSFT := $(TOP)/build/kselftest

PKGS := libnl-genl-3.0 libnl-route-3.0
SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# The harness leaves parameters unused and compares literals with sizes.
CFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wno-sign-compare -MMD -MP -I$(TOP)/agent -I$(TOP)/bpf -I$(TOP)/include -I$(TOP)/include/uapi \
	-I$(KSFT) $(shell pkg-config --cflags $(PKGS)) $(SAN)
LDLIBS := $(TOP)/build/bpf/liballowlist-asan.a -lbpf -lelf -lz \
	$(shell pkg-config --libs $(PKGS)) $(EXTRA_LDLIBS)

.PHONY: all clean FORCE
all: $(addprefix $(B)/,$(TESTS))

$(KSFT)/kselftest_harness.h:
	$(MAKE) -C $(TOP) kselftest-headers

# The agent's Makefile knows when the library is stale.
$(LIB): FORCE
	$(MAKE) -C $(TOP)/agent $(LIB)

$(B)/%: %.c $(LIB) $(KSFT)/kselftest_harness.h | $(B)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LDLIBS)

$(B):
	mkdir -p $@

-include $(wildcard $(B)/*.d)

clean:
	rm -rf $(B)
