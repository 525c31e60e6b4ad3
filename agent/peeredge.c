// SPDX-License-Identifier: GPL-2.0
/*
 * peeredge: the command line of a peering edge.
 *
 *	peeredge [-j] [-s SOCKET] OBJECT COMMAND [ARGS...]
 *
 * Global options come before the object; each object (see CLI_OBJECTS in
 * cli_util.h) parses the rest of the line itself.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli_util.h"
#include "control.h"

static const struct cli_object {
	const char *name;
	int (*run)(const struct cli_options *opts, int argc, char **argv);
	const char *summary;
} objects[] = {
#define CLI_OBJECT_ENTRY(id, word, summary) { word, cli_##id, summary },
	CLI_OBJECTS(CLI_OBJECT_ENTRY)
#undef CLI_OBJECT_ENTRY
};

#define N_OBJECTS (sizeof(objects) / sizeof(objects[0]))

static void print_usage(FILE *out)
{
	size_t i;

	fputs("Usage: peeredge [-j] [-s SOCKET] OBJECT COMMAND [ARGS...]\n"
	      "       peeredge help | peeredge OBJECT help\n"
	      "\n"
	      "Objects:\n", out);
	for (i = 0; i < N_OBJECTS; i++)
		fprintf(out, "  %-18s %s\n", objects[i].name, objects[i].summary);
	fputs("\n"
	      "Options:\n"
	      "  -j, --json         JSON output\n"
	      "  -s, --socket PATH  peeredged's control socket (default "
	      CONTROL_SOCKET_PATH ")\n"
	      "  -h, --help         this text\n"
	      "\n"
	      "Exit status: 0 done, 1 the command failed, 2 the command line was not\n"
	      "understood, 3 'status' found something degraded. Errors are one line\n"
	      "on stderr.\n", out);
}

static int run(int argc, char **argv)
{
	static const struct option long_options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "socket", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct cli_options opts = { .socket_path = CONTROL_SOCKET_PATH };
	size_t i;
	int c;

	opterr = 0;	/* one line of our own instead of getopt's */
	/* '+': options end at the object name; objects parse the rest. */
	while ((c = getopt_long(argc, argv, "+:jhs:", long_options, NULL)) != -1) {
		switch (c) {
		case 'j':
			opts.json = true;
			break;
		case 's':
			opts.socket_path = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return CLI_EXIT_OK;
		case ':':
			cli_print_error(NULL, "'%s' needs a value (see 'peeredge help')",
					argv[optind - 1]);
			return CLI_EXIT_USAGE;
		default:
			cli_print_error(NULL, "unknown option '%s' (see 'peeredge help')",
					argv[optind - 1]);
			return CLI_EXIT_USAGE;
		}
	}
	if (optind == argc) {
		print_usage(stderr);
		return CLI_EXIT_USAGE;
	}
	if (!strcmp(argv[optind], "help")) {
		print_usage(stdout);
		return CLI_EXIT_OK;
	}
	for (i = 0; i < N_OBJECTS; i++)
		if (!strcmp(argv[optind], objects[i].name))
			return objects[i].run(&opts, argc - optind - 1, argv + optind + 1);
	cli_print_error(NULL, "unknown object '%s' (see 'peeredge help')", argv[optind]);
	return CLI_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	int ret = run(argc, argv);

	/* Output that never arrived (full disk, closed pipe) is a failure. */
	if (fflush(stdout) || ferror(stdout)) {
		cli_print_error(NULL, "writing output: %s", strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	return ret;
}
