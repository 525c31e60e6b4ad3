// SPDX-License-Identifier: GPL-2.0
/* Shared pieces of the peeredge CLI; see cli_util.h. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_util.h"

int cli_fail(struct cli_error *err, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void cli_print_error(const char *context, const char *fmt, ...)
{
	va_list ap;

	fputs("peeredge: ", stderr);
	if (context)
		fprintf(stderr, "%s: ", context);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cli_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long long v;
	char *end;

	/* strtoull would accept leading spaces, a sign and wrap negatives. */
	if (!isdigit((unsigned char)s[0]))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (*end)
		return -EINVAL;
	if (errno == ERANGE || v < min || v > max)
		return -ERANGE;
	*out = (uint32_t)v;
	return 0;
}

int ip_addr_parse(const char *s, struct ip_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, &a->v4) == 1) {
		a->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, &a->v6) == 1) {
		a->family = AF_INET6;
		return 0;
	}
	return -EINVAL;
}

int ip_addr_from_bytes(struct ip_addr *a, const void *bytes, size_t len)
{
	memset(a, 0, sizeof(*a));
	if (len == sizeof(a->v4))
		a->family = AF_INET;
	else if (len == sizeof(a->v6))
		a->family = AF_INET6;
	else
		return -EINVAL;
	memcpy(a->bytes, bytes, len);
	return 0;
}

size_t ip_addr_len(const struct ip_addr *a)
{
	return a->family == AF_INET ? sizeof(a->v4) : sizeof(a->v6);
}

const char *ip_addr_format(const struct ip_addr *a, char *buf, size_t len)
{
	if (!inet_ntop(a->family, a->bytes, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

bool ip_addr_is_v6_link_local(const struct ip_addr *a)
{
	return a->family == AF_INET6 && IN6_IS_ADDR_LINKLOCAL(&a->v6);
}

int ip_addr_compare(const struct ip_addr *a, const struct ip_addr *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, ip_addr_len(a));
}

int cli_ifindex(const char *name, uint32_t *ifindex)
{
	unsigned int index;

	if (!name[0] || strlen(name) >= IF_NAMESIZE)
		return -EINVAL;
	index = if_nametoindex(name);
	if (!index)
		return -ENODEV;
	*ifindex = index;
	return 0;
}

const char *cli_ifname(uint32_t ifindex, char buf[IF_NAMESIZE])
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, IF_NAMESIZE, "if%u", ifindex);
	return buf;
}
