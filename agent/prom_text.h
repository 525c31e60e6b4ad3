/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A writer for the Prometheus text exposition format, version 0.0.4:
 *
 *	# HELP peeredge_bgp_updates_received_total UPDATE messages received.
 *	# TYPE peeredge_bgp_updates_received_total counter
 *	peeredge_bgp_updates_received_total{neighbor="c1"} 42
 *
 * Every sample of a family follows its HELP and TYPE lines, so callers
 * write one family at a time. Label values are escaped as the format
 * requires (backslash, double quote, newline), HELP text too (backslash,
 * newline); names are the caller's constants.
 */
#ifndef PEEREDGE_PROM_TEXT_H
#define PEEREDGE_PROM_TEXT_H

#include <stddef.h>
#include <stdio.h>

#define PROM_CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

/* "# HELP name help" and "# TYPE name type" (gauge, counter, ...). */
void prom_family(FILE *out, const char *name, const char *type, const char *help);

/*
 * One sample: name{label="value",...} value. The labels are name, value
 * pairs ending with NULL; a NULL value is written as "".
 */
void prom_sample(FILE *out, const char *name, double value, ...)
	__attribute__((sentinel));

/*
 * A state set, one sample per possible state: 1 for current, 0 for the
 * others, the state in label "state" after the pairs given (NULL-ended).
 */
void prom_state_set(FILE *out, const char *name, const char *const *states, size_t n_states,
		    size_t current, ...) __attribute__((sentinel));

#endif
