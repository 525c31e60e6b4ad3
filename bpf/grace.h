/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RCU grace periods for the lock-free readers of the tables (XDP programs):
 * space a program may still be reading - a replaced IPv6 slice, a released
 * second-level chunk - is reused only after one. Internal to liballowlist.
 */
#ifndef PEEREDGE_GRACE_H
#define PEEREDGE_GRACE_H

#include <linux/types.h>

/*
 * The grace periods a handle waited for. Its pools share it: a wait one of
 * them made also covers what the others released before it.
 */
struct grace {
	__u64 waits;
};

/* Returns once every XDP program run started before the call is over. */
void grace_wait(struct grace *g);

#endif
