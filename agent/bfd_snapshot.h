/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Everything kbfd shows of this network namespace at one moment: its
 * sessions (micro-BFD member sessions included) and its LAGs, for the
 * metrics and "status". Taken over a client of its own, opened and closed
 * each time: a netlink round trip to the kernel, which answers at once,
 * and kbfd may be loaded or unloaded between two snapshots.
 */
#ifndef PEEREDGE_BFD_SNAPSHOT_H
#define PEEREDGE_BFD_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "bfd_client.h"

struct bfd_snapshot {
	bool available;		/* kbfd is loaded and answered both dumps */
	char error[256];	/* why not, when it is loaded but failed; else "" */
	struct bfd_session *sessions;
	size_t n_sessions;
	struct bfd_lag *lags;
	size_t n_lags;
};

/* Never fails: kbfd absent or failing leaves available false. */
void bfd_snapshot_take(struct bfd_snapshot *snap);
void bfd_snapshot_free(struct bfd_snapshot *snap);

#endif
