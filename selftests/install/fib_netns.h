/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the FIB tests share: a fresh network namespace with one veth pair
 * (v0 up, 192.0.2.1/24 and 2001:db8::1/64 on it), and ways to ask
 * iproute2 what the kernel holds. The kernel is the reference: the tests
 * compare its own view with the plan they gave.
 */
#ifndef FIB_NETNS_H
#define FIB_NETNS_H

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int sh(const char *cmd)
{
	return system(cmd);
}

/* Lines of `cmd`'s output that contain `needle` ("" counts every line). */
static int count_lines(const char *cmd, const char *needle)
{
	char line[512];
	int n = 0;
	FILE *f = popen(cmd, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, needle))
			n++;
	pclose(f);
	return n;
}

/*
 * Enters a new network namespace and builds the veth pair there. Returns
 * v0's ifindex; 0 when the veth could not be built; -errno when the
 * namespace could not be made (not root: the caller skips).
 */
static int fib_netns_enter(void)
{
	if (unshare(CLONE_NEWNET))
		return -errno;
	if (sh("ip link add v0 type veth peer name v1 && ip link set v0 up && "
	       "ip link set v1 up && ip addr add 192.0.2.1/24 dev v0 && "
	       "ip -6 addr add 2001:db8::1/64 dev v0 nodad"))
		return 0;
	return (int)if_nametoindex("v0");
}

#endif
