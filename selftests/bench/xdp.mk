# SPDX-License-Identifier: GPL-2.0
# XDP allowlist benchmark: xdp_bench, the LPM-trie comparison program
# (bpf/allowlist.bpf.c built with -DPE_LOOKUP_LPM) and both with the stream
# prologue (xdp_stream.bpf.c), plus the lookup floor (-DPE_STREAM_FLOOR).

XDP_BPFB := $(TOP)/build/bpf
XDP_BPF_CFLAGS := -O2 -g -Wall -Werror -target bpf -mcpu=v3 \
	-I/usr/include/x86_64-linux-gnu -I$(TOP)/include

.PHONY: xdp xdp-lib
XDP_STREAM_OBJS := $(B)/xdp_stream.bpf.o $(B)/xdp_stream_lpm.bpf.o \
	$(B)/xdp_stream_floor.bpf.o
xdp: $(B)/xdp_bench $(B)/allowlist_lpm.bpf.o $(XDP_STREAM_OBJS)

xdp-lib:
	$(MAKE) -C $(TOP)/bpf

# An empty recipe makes make look at the library's time again once bpf/ is
# done: xdp_bench is relinked when it was rebuilt.
$(XDP_BPFB)/liballowlist.a: xdp-lib
	@:

$(B)/allowlist_lpm.bpf.o: $(TOP)/bpf/allowlist.bpf.c $(TOP)/include/peeredge/allowlist.h | $(B)
	clang $(XDP_BPF_CFLAGS) -DPE_LOOKUP_LPM -c -o $@ $<

XDP_STREAM_DEPS := xdp_stream.bpf.c xdp_stream.h $(TOP)/bpf/allowlist.bpf.c \
	$(TOP)/include/peeredge/allowlist.h
$(B)/xdp_stream.bpf.o: $(XDP_STREAM_DEPS) | $(B)
	clang $(XDP_BPF_CFLAGS) -I$(TOP)/bpf -c -o $@ $<
$(B)/xdp_stream_lpm.bpf.o: $(XDP_STREAM_DEPS) | $(B)
	clang $(XDP_BPF_CFLAGS) -I$(TOP)/bpf -DPE_LOOKUP_LPM -c -o $@ $<
$(B)/xdp_stream_floor.bpf.o: $(XDP_STREAM_DEPS) | $(B)
	clang $(XDP_BPF_CFLAGS) -I$(TOP)/bpf -DPE_STREAM_FLOOR -c -o $@ $<

$(B)/xdp_bench: xdp_bench.c xdp_stream.h $(XDP_BPFB)/liballowlist.a | $(B)
	$(CC) -O2 -g -std=gnu11 -Wall -Wextra -Werror -I$(TOP)/include \
		-I$(TOP)/bpf -I$(XDP_BPFB) -o $@ $< $(XDP_BPFB)/liballowlist.a \
		-lbpf -lelf -lz
