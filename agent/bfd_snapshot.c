// SPDX-License-Identifier: GPL-2.0
/* One look at kbfd's sessions and LAGs; see bfd_snapshot.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bfd_snapshot.h"

void bfd_snapshot_take(struct bfd_snapshot *snap)
{
	struct bfd_client c = { 0 };
	int err;

	memset(snap, 0, sizeof(*snap));
	err = bfd_client_open(&c);
	if (err == -ENOENT)
		return;		/* not loaded: nothing to report, nothing wrong */
	if (!err)
		err = bfd_client_dump(&c, &snap->sessions, &snap->n_sessions);
	if (!err)
		err = bfd_client_lag_dump(&c, &snap->lags, &snap->n_lags);
	if (err) {
		snprintf(snap->error, sizeof(snap->error), "%s",
			 c.message[0] ? c.message : c.extack[0] ? c.extack : strerror(-err));
		bfd_snapshot_free(snap);
	} else {
		snap->available = true;
	}
	if (c.sock)
		bfd_client_close(&c);
}

void bfd_snapshot_free(struct bfd_snapshot *snap)
{
	free(snap->sessions);
	bfd_lags_free(snap->lags, snap->n_lags);
	snap->sessions = NULL;
	snap->lags = NULL;
	snap->n_sessions = snap->n_lags = 0;
	snap->available = false;
}
