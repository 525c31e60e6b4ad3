/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `peeredge bfd ...`: BFD sessions of kbfd, straight over generic netlink.
 * The entry point cli_bfd() is declared with the other objects in
 * cli_util.h; the argument parser is exposed for the unit tests.
 */
#ifndef PEEREDGE_CLI_BFD_H
#define PEEREDGE_CLI_BFD_H

#include "bfd_client.h"
#include "cli_util.h"

enum bfd_verb {
	BFD_VERB_SHOW,
	BFD_VERB_ADD,
	BFD_VERB_SET,
	BFD_VERB_DEL,
	BFD_VERB_MONITOR,
};

/*
 * Parses the words after the verb into s: the attributes to send for
 * add/set/del, the filter for show. Returns CLI_EXIT_OK, or CLI_EXIT_USAGE /
 * CLI_EXIT_FAILURE (unknown interface) with a one-line reason in err.
 */
int bfd_parse_args(enum bfd_verb verb, int argc, char **argv,
		   struct bfd_session *s, struct cli_error *err);

#endif
