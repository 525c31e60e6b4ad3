// SPDX-License-Identifier: GPL-2.0
/* Prometheus text exposition format writer; see prom_text.h. */
#include <math.h>
#include <stdbool.h>
#include <stdarg.h>
#include <string.h>

#include "prom_text.h"

/* Writes s with \\, \n and, in label values, \" escaped. */
static void write_escaped(FILE *out, const char *s, bool quote)
{
	for (; s && *s; s++) {
		if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '\n')
			fputs("\\n", out);
		else if (*s == '"' && quote)
			fputs("\\\"", out);
		else
			fputc(*s, out);
	}
}

void prom_family(FILE *out, const char *name, const char *type, const char *help)
{
	fprintf(out, "# HELP %s ", name);
	write_escaped(out, help, false);
	fprintf(out, "\n# TYPE %s %s\n", name, type);
}

static void write_labels(FILE *out, va_list ap, const char *last_name, const char *last_value)
{
	const char *label, *sep = "{";

	while ((label = va_arg(ap, const char *))) {
		fprintf(out, "%s%s=\"", sep, label);
		write_escaped(out, va_arg(ap, const char *), true);
		fputc('"', out);
		sep = ",";
	}
	if (last_name) {
		fprintf(out, "%s%s=\"", sep, last_name);
		write_escaped(out, last_value, true);
		fputc('"', out);
		sep = ",";
	}
	if (*sep == ',')
		fputc('}', out);
}

static void write_value(FILE *out, double value)
{
	if (isnan(value))
		fputs(" NaN\n", out);
	else if (isinf(value))
		fputs(value > 0 ? " +Inf\n" : " -Inf\n", out);
	else
		fprintf(out, " %.15g\n", value);
}

void prom_sample(FILE *out, const char *name, double value, ...)
{
	va_list ap;

	fputs(name, out);
	va_start(ap, value);
	write_labels(out, ap, NULL, NULL);
	va_end(ap);
	write_value(out, value);
}

void prom_state_set(FILE *out, const char *name, const char *const *states, size_t n_states,
		    size_t current, ...)
{
	va_list ap;

	for (size_t i = 0; i < n_states; i++) {
		fputs(name, out);
		va_start(ap, current);
		write_labels(out, ap, "state", states[i]);
		va_end(ap);
		write_value(out, i == current);
	}
}
