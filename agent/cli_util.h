/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What every object of the peeredge CLI shares: global options, exit codes,
 * the one-line error convention, the list of objects, and argument parsers.
 */
#ifndef PEEREDGE_CLI_UTIL_H
#define PEEREDGE_CLI_UTIL_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Exit codes: 0 done; 1 the command was understood but failed (module not
 * loaded, refused by the kernel or the daemon, no such session, no such
 * interface); 2 the command line was not understood (unknown word, missing
 * or malformed value, value out of range); 3 "status" found something
 * degraded (its report is on stdout, as for 0).
 */
enum cli_exit {
	CLI_EXIT_OK = 0,
	CLI_EXIT_FAILURE = 1,
	CLI_EXIT_USAGE = 2,
	CLI_EXIT_DEGRADED = 3,
};

/* Global options, given before the object: peeredge [-j] [-s PATH] OBJECT ... */
struct cli_options {
	bool json;
	const char *socket_path;	/* peeredged's control socket */
};

/*
 * The objects of the CLI. Adding one is one line here, X(ID, WORD, SUMMARY),
 * plus a file cli_<ID>.c defining
 *	int cli_<ID>(const struct cli_options *opts, int argc, char **argv);
 * which gets the words after the object name WORD (argv[0] is the first of
 * them) and returns an enum cli_exit. SUMMARY is its line in `peeredge help`.
 * The daemon's objects are in cli_daemon.c: they forward to peeredged.
 */
#define CLI_OBJECTS(X) \
	X(status, "status", "health of everything on one screen; exit 3 when degraded") \
	X(bfd, "bfd", "BFD sessions in the kernel (kbfd); works without peeredged") \
	X(neighbor, "neighbor", "BGP neighbors: show, reset, shutdown, start, refresh") \
	X(route, "route", "received routes (Adj-RIB-In): show") \
	X(reload, "reload", "re-read peeredged's configuration") \
	X(peering, "peering", "Peering Service peerings: show") \
	X(connection, "connection", "connections of the peerings: show") \
	X(registered_prefix, "registered-prefix", "voice registrations: add, del, show") \
	X(registered_asn, "registered-asn", "route-server registrations: add, del, show") \
	X(service_prefix, "service-prefix", "activations: add, del, show, validate") \
	X(events, "events", "validation events of the prefixes") \
	X(fib, "fib", "what peeredged installed in the kernel FIB: show") \
	X(xdp, "xdp", "the XDP allowlist on peering interfaces: attach, detach, show")

#define CLI_DECLARE_OBJECT(id, word, summary) \
	int cli_##id(const struct cli_options *opts, int argc, char **argv);
CLI_OBJECTS(CLI_DECLARE_OBJECT)
#undef CLI_DECLARE_OBJECT

/*
 * Errors are one line on stderr, "peeredge: <context>: <reason>". Parsers
 * fill a struct cli_error and return an exit code; the command prints it.
 */
struct cli_error {
	char msg[256];
};

/* Formats the reason into err and returns code, for `return cli_fail(...)`. */
int cli_fail(struct cli_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prints "peeredge: <context>: <reason>" (context may be NULL) on stderr. */
void cli_print_error(const char *context, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Plain decimal, no sign, no spaces. 0, -EINVAL (not a number), -ERANGE. */
int cli_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);

/* An IPv4 or IPv6 address, raw network-order bytes like the kbfd uapi. */
struct ip_addr {
	int family;		/* AF_INET or AF_INET6 */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[16];
	};
};

#define IP_ADDR_STRLEN INET6_ADDRSTRLEN

/* Numeric address only (no names, no %scope). 0 or -EINVAL. */
int ip_addr_parse(const char *s, struct ip_addr *a);
/* Sets a from 4 or 16 raw bytes. 0 or -EINVAL for any other length. */
int ip_addr_from_bytes(struct ip_addr *a, const void *bytes, size_t len);
/* 4 or 16. */
size_t ip_addr_len(const struct ip_addr *a);
/* Canonical text into buf (at least IP_ADDR_STRLEN bytes); returns buf. */
const char *ip_addr_format(const struct ip_addr *a, char *buf, size_t len);
bool ip_addr_is_v6_link_local(const struct ip_addr *a);
/* Orders by family, then bytes: for sorted listings. */
int ip_addr_compare(const struct ip_addr *a, const struct ip_addr *b);

/* Interface name to index in this network namespace. 0, -EINVAL, -ENODEV. */
int cli_ifindex(const char *name, uint32_t *ifindex);
/* Interface name, or "if<N>" when the index is not (or no longer) known. */
const char *cli_ifname(uint32_t ifindex, char buf[IF_NAMESIZE]);

#endif
