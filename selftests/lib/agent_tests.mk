# SPDX-License-Identifier: GPL-2.0
#
# Unit tests of agent code: kselftest_harness.h programs built with
# ASan+UBSan against build/agent-asan/libpeeredge.a. A test folder's Makefile
# sets TESTS (program names, each from <name>.c) and includes this file:
#
#	TESTS := fib_test
#	include ../lib/agent_tests.mk

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/../..)
PART := $(notdir $(abspath .))
OUT := $(TOP)/build/selftests/$(PART)
AGENT_LIB := $(TOP)/build/agent-asan/libpeeredge.a

PKGS := libnl-genl-3.0 libnl-route-3.0
CFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer \
	-I$(TOP)/build/kselftest -I$(TOP)/include -I$(TOP)/agent \
	$(shell pkg-config --cflags $(PKGS))
# The harness's own macros trip these; the tests themselves stay -Werror.
CFLAGS += -Wno-unused-parameter -Wno-sign-compare
LDLIBS += $(shell pkg-config --libs $(PKGS)) $(EXTRA_LDLIBS)

.PHONY: all agent-lib clean
all: $(addprefix $(OUT)/,$(TESTS))

agent-lib:
	$(MAKE) -C $(TOP)/agent $(AGENT_LIB)

$(AGENT_LIB): agent-lib

$(OUT)/%: %.c $(AGENT_LIB) $(TOP)/build/kselftest/kselftest_harness.h | $(OUT)
	$(CC) $(CFLAGS) -o $@ $< $(AGENT_LIB) $(LDLIBS)

$(OUT):
	mkdir -p $@

clean:
	rm -rf $(OUT)
