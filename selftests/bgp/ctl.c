// SPDX-License-Identifier: GPL-2.0
/*
 * ctl SOCKET WORD...: one request on peeredged's control socket, the reply
 * on stdout, the daemon's status as exit code. What the interop tests use to
 * look at our side without depending on the CLI.
 */
#include <stdio.h>

#include "control.h"

int main(int argc, char **argv)
{
	int rc;

	if (argc < 3) {
		fprintf(stderr, "usage: ctl SOCKET WORD...\n");
		return 2;
	}
	rc = control_request(argv[1], argc - 2, argv + 2, stdout);
	return rc < 0 ? 1 : rc;
}
