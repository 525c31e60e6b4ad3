/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside the control socket server: what a command handler gets and how it
 * answers. control.c serves the BGP commands, control_edge.c the Peering
 * Service ones, control_xdp.c the XDP allowlist.
 */
#ifndef PEEREDGE_CONTROL_CMD_H
#define PEEREDGE_CONTROL_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "control.h"
#include "json.h"

struct control;

/* What a command handler writes to. */
struct reply {
	FILE *out;
	bool json;
	struct json_writer jw;
	struct control *ctl;
	struct bgpd *d;
	struct edge *edge;
};

/* One line of text as the whole answer; returns status. */
int control_fail(struct reply *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* "00:01:02": hours, minutes, seconds of a duration in milliseconds. */
const char *control_duration(uint64_t ms, char *buf, size_t len);
/* Why a session is not up, as "neighbor show" says it ("" when no reason). */
const char *control_session_info(const struct bgp_session *s);

/* "status": CONTROL_OK when everything is healthy, else CONTROL_DEGRADED. */
int control_status(struct reply *r, int argc, char **argv);

/* True for the first words control_edge_command() serves. */
bool control_edge_owns(const char *word);
int control_edge_command(struct reply *r, int argc, char **argv);
/* "xdp ..." (argv[0] is the verb), control_xdp.c. */
int control_xdp_command(struct reply *r, int argc, char **argv);

#endif
