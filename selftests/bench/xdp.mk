# SPDX-License-Identifier: GPL-2.0
# XDP allowlist benchmark: xdp_bench and the LPM-trie comparison program
# (bpf/allowlist.bpf.c built with -DPE_LOOKUP_LPM).

XDP_BPFB := $(TOP)/build/bpf
XDP_BPF_CFLAGS := -O2 -g -Wall -Werror -target bpf -mcpu=v3 \
	-I/usr/include/x86_64-linux-gnu -I$(TOP)/include

.PHONY: xdp xdp-lib
xdp: $(B)/xdp_bench $(B)/allowlist_lpm.bpf.o

xdp-lib:
	$(MAKE) -C $(TOP)/bpf

# An empty recipe makes make look at the library's time again once bpf/ is
# done: xdp_bench is relinked when it was rebuilt.
$(XDP_BPFB)/liballowlist.a: xdp-lib
	@:

$(B)/allowlist_lpm.bpf.o: $(TOP)/bpf/allowlist.bpf.c $(TOP)/include/peeredge/allowlist.h | $(B)
	clang $(XDP_BPF_CFLAGS) -DPE_LOOKUP_LPM -c -o $@ $<

$(B)/xdp_bench: xdp_bench.c $(XDP_BPFB)/liballowlist.a | $(B)
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -I$(TOP)/include \
		-I$(TOP)/bpf -I$(XDP_BPFB) -o $@ $< $(XDP_BPFB)/liballowlist.a \
		-lbpf -lelf -lz
