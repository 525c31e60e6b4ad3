/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket between peeredge (CLI) and peeredged.
 *
 * Transport: a unix stream socket, by default CONTROL_SOCKET_PATH, created
 * by the daemon with mode 0600 (root only). A connection carries any number
 * of request/response pairs, strictly alternating. The daemon never waits
 * on a client: it serves 16 connections at once, and a new one closes the
 * least recently active.
 *
 * Request:  u32 length (big endian), then `length` bytes: the words of the
 *           command, each terminated by a NUL byte, exactly as the CLI got
 *           them in argv. A first word "-j" asks for JSON. At most
 *           CONTROL_REQUEST_MAX bytes.
 * Response: u32 status (big endian): 0 done, 1 failed, 2 not understood,
 *           3 done and the answer reports something degraded ("status"
 *           only; its text is printed as for 0); the CLI exits with it.
 *           Then u32 length, then `length` bytes of text to print as is:
 *           human-readable lines, or one JSON document with "-j". On
 *           failure the text is a one-line error message.
 *
 * Commands:
 *   status                                   health of everything, one screen
 *   neighbor show [NAME]                     sessions, state, counters
 *   neighbor reset NAME [MESSAGE]            Cease/Administrative Reset, restart
 *   neighbor shutdown NAME [MESSAGE]         Cease/Administrative Shutdown
 *                                            (RFC 9003 MESSAGE), stays down
 *   neighbor start NAME                      undo shutdown / max-prefix hold
 *   neighbor refresh NAME                    send ROUTE-REFRESH (RFC 2918)
 *   neighbor bfd NAME up|down                BFD state for the neighbor, as
 *                                            the kbfd events deliver it
 *   route show [PREFIX] [neighbor NAME]      Adj-RIB-In paths, best marked
 *   reload                                   re-read the configuration file
 *   peering show [NAME]                      peerings, kinds, connections
 *   connection show                          connections: location, router,
 *                                            state, BGP and BFD
 *   registered-prefix add NAME PREFIX [peering P]   prints the prefix key
 *   registered-prefix del NAME | show
 *   registered-asn add NAME ASN [peering P]  prints the prefix key
 *   registered-asn del NAME | show
 *   service-prefix add NAME PREFIX key KEY primary LOC [backup LOC]
 *   service-prefix del NAME | show [NAME] | validate NAME
 *   events [NAME]                            validation events, oldest first
 *   fib show                                 what the daemon installed
 *   xdp attach IFNAME [mode enforce|monitor] [peering NAME]
 *                                            the allowlist on IFNAME
 *   xdp detach IFNAME                        off again
 *   xdp show [IFNAME]                        interfaces, modes, counters
 *
 * So the CLI only has to do:  control_request(path, argc, argv, stdout)
 * and exit with the status it returns.
 */
#ifndef PEEREDGE_CONTROL_H
#define PEEREDGE_CONTROL_H

#include <stdint.h>
#include <stdio.h>

#include "session.h"

/* In a directory of its own, as systemd's RuntimeDirectory= makes it. */
#define CONTROL_SOCKET_DIR	"/run/peeredge"
#define CONTROL_SOCKET_PATH	CONTROL_SOCKET_DIR "/peeredged.sock"
#define CONTROL_REQUEST_MAX	4096

enum control_status {
	CONTROL_OK = 0,
	CONTROL_FAILED = 1,
	CONTROL_USAGE = 2,
	CONTROL_DEGRADED = 3,
};

struct control;

struct edge;

/*
 * Daemon side. reload is called for "reload" and returns 0 or fills err.
 * edge (may be NULL) serves the Peering Service commands.
 */
struct control *control_open(struct bgpd *d, struct edge *edge, const char *path,
			     int (*reload)(struct bgpd *d, char *err, size_t errlen));
void control_close(struct control *ctl);

/*
 * Client side: sends argv, writes the response text to out and returns the
 * status, or -1 (with a message on stderr) when the daemon is unreachable.
 */
int control_request(const char *path, int argc, char **argv, FILE *out);

#endif
