// SPDX-License-Identifier: GPL-2.0
/*
 * The CLI objects peeredged serves: each forwards its words over the control
 * socket (control.h) and prints the answer, on stdout when the command was
 * done, as one "peeredge: OBJECT: reason" line on stderr when it was not.
 * The daemon checks everything; the CLI adds only "help".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"
#include "control.h"

static const struct {
	const char *object;
	const char *usage;
} usages[] = {
	{ "status", "status\n" },
	{ "neighbor", "neighbor show [NAME]\n"
		      "neighbor reset|shutdown NAME [MESSAGE]\n"
		      "neighbor start|refresh NAME\n" },
	{ "route", "route show [PREFIX] [neighbor NAME]\n" },
	{ "reload", "reload\n" },
	{ "peering", "peering show [NAME]\n" },
	{ "connection", "connection show\n" },
	{ "registered-prefix", "registered-prefix add NAME PREFIX [peering NAME]\n"
			       "registered-prefix del NAME\n"
			       "registered-prefix show\n" },
	{ "registered-asn", "registered-asn add NAME ASN [peering NAME]\n"
			    "registered-asn del NAME\n"
			    "registered-asn show\n" },
	{ "service-prefix", "service-prefix add NAME PREFIX key KEY primary LOCATION "
			    "[backup LOCATION]\n"
			    "service-prefix del NAME\n"
			    "service-prefix show [NAME]\n"
			    "service-prefix validate NAME\n" },
	{ "events", "events [NAME]\n" },
	{ "fib", "fib show\n" },
	{ "xdp", "xdp attach IFNAME [mode enforce|monitor] [peering NAME]\n"
		 "xdp detach IFNAME\n"
		 "xdp show [IFNAME]\n" },
};

static void print_object_usage(const char *object)
{
	for (size_t i = 0; i < sizeof(usages) / sizeof(usages[0]); i++) {
		const char *line = usages[i].usage;

		if (strcmp(usages[i].object, object))
			continue;
		while (*line) {
			size_t n = strcspn(line, "\n");

			printf("%s peeredge [-j] [-s SOCKET] %.*s\n",
			       line == usages[i].usage ? "Usage:" : "      ", (int)n, line);
			line += n + (line[n] == '\n');
		}
	}
}

/* Sends [-j] OBJECT ARGS... and prints the answer; returns the exit code. */
static int forward(const struct cli_options *opts, const char *object, int argc, char **argv)
{
	char **words = calloc((size_t)argc + 2, sizeof(*words));
	char *text = NULL;
	size_t len = 0, n = 0;
	FILE *out;
	int status;

	if (argc == 1 && !strcmp(argv[0], "help")) {
		free(words);
		print_object_usage(object);
		return CLI_EXIT_OK;
	}
	out = open_memstream(&text, &len);
	if (!words || !out) {
		free(words);
		if (out)
			fclose(out);
		cli_print_error(object, "out of memory");
		return CLI_EXIT_FAILURE;
	}
	if (opts->json)
		words[n++] = "-j";
	words[n++] = (char *)object;
	memcpy(words + n, argv, (size_t)argc * sizeof(*argv));
	status = control_request(opts->socket_path, (int)n + argc, words, out);
	fclose(out);
	free(words);
	if (status == CONTROL_OK || status == CONTROL_DEGRADED) {
		fwrite(text, 1, len, stdout);
	} else if (status > 0) {
		/* The daemon's one-line reason. */
		while (len && text[len - 1] == '\n')
			text[--len] = '\0';
		cli_print_error(object, "%s", text);
	}
	free(text);
	if (status < 0)
		return CLI_EXIT_FAILURE;
	return status == CONTROL_USAGE ? CLI_EXIT_USAGE :
	       status == CONTROL_DEGRADED ? CLI_EXIT_DEGRADED :
	       status == CONTROL_OK ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

#define CLI_FORWARD(id, word)						\
	int cli_##id(const struct cli_options *opts, int argc, char **argv)	\
	{								\
		return forward(opts, word, argc, argv);		\
	}

CLI_FORWARD(status, "status")
CLI_FORWARD(neighbor, "neighbor")
CLI_FORWARD(route, "route")
CLI_FORWARD(reload, "reload")
CLI_FORWARD(peering, "peering")
CLI_FORWARD(connection, "connection")
CLI_FORWARD(registered_prefix, "registered-prefix")
CLI_FORWARD(registered_asn, "registered-asn")
CLI_FORWARD(service_prefix, "service-prefix")
CLI_FORWARD(events, "events")
CLI_FORWARD(fib, "fib")
CLI_FORWARD(xdp, "xdp")
