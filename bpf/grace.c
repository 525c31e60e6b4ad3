// SPDX-License-Identifier: GPL-2.0
/*
 * membarrier(MEMBARRIER_CMD_GLOBAL) waits for an RCU grace period
 * (synchronize_rcu()), and XDP programs run inside RCU read-side sections.
 */
#include <unistd.h>
#include <linux/membarrier.h>
#include <sys/syscall.h>

#include "grace.h"

void grace_wait(struct grace *g)
{
	if (syscall(__NR_membarrier, MEMBARRIER_CMD_GLOBAL, 0, 0))
		/*
		 * nohz_full kernels refuse it: a pause far longer than any
		 * program run (bounded loops, tens of nanoseconds).
		 */
		usleep(50000);
	g->waits++;
}
