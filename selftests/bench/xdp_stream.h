/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by xdp_bench.c and xdp_stream.bpf.c. */
#ifndef PE_XDP_STREAM_H
#define PE_XDP_STREAM_H

/*
 * Sources one stream run cycles through: a power of two. 2^20 (16 MiB of
 * addresses) touch as many table entries as 1M prefixes have, far more
 * than the caches hold.
 */
#define PE_STREAM_SOURCES	(1u << 20)

/* Elements of 64 bytes in the probe's array: 64 MiB, a u32 per /24. */
#define PE_STREAM_PROBE_ELEMS	(1u << 20)

#endif
