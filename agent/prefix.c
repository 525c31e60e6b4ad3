// SPDX-License-Identifier: GPL-2.0
/* IPv4 / IPv6 prefixes: strict parsing, canonical printing, containment. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "prefix.h"

static unsigned int prefix_maxlen(uint8_t family)
{
	return family == AF_INET ? 32 : 128;
}

/* True when the first len bits of a and b are equal. */
static bool bits_equal(const uint8_t *a, const uint8_t *b, unsigned int len)
{
	unsigned int whole = len / 8, rest = len % 8;

	if (memcmp(a, b, whole) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

int prefix_parse(const char *s, struct prefix *p)
{
	char addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(s, '/');
	const char *len_text;
	unsigned int len = 0;
	struct prefix out = { 0 };

	if (!slash || (size_t)(slash - s) >= sizeof(addr))
		return -EINVAL;
	memcpy(addr, s, slash - s);
	addr[slash - s] = '\0';
	out.family = strchr(addr, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(out.family, addr, out.addr.bytes) != 1)
		return -EINVAL;

	/* Decimal, no sign, no leading zero, no trailing text. */
	len_text = slash + 1;
	if (len_text[0] == '\0' || (len_text[0] == '0' && len_text[1] != '\0'))
		return -EINVAL;
	for (const char *c = len_text; *c; c++) {
		if (*c < '0' || *c > '9' || c - len_text >= 3)
			return -EINVAL;
		len = len * 10 + (unsigned int)(*c - '0');
	}
	if (len > prefix_maxlen(out.family))
		return -EINVAL;
	out.len = (uint8_t)len;

	/* Host bits set means the operator typed an address, not a prefix. */
	for (unsigned int bit = len; bit < prefix_maxlen(out.family); bit++)
		if (out.addr.bytes[bit / 8] & (0x80 >> (bit % 8)))
			return -EINVAL;
	*p = out;
	return 0;
}

const char *prefix_format(const struct prefix *p, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];

	if (!inet_ntop(p->family, p->addr.bytes, addr, sizeof(addr)))
		snprintf(addr, sizeof(addr), "?");
	snprintf(buf, len, "%s/%u", addr, p->len);
	return buf;
}

bool prefix_contains(const struct prefix *outer, const struct prefix *inner)
{
	return outer->family == inner->family && outer->len <= inner->len &&
	       bits_equal(outer->addr.bytes, inner->addr.bytes, outer->len);
}

bool prefix_equal(const struct prefix *a, const struct prefix *b)
{
	return a->family == b->family && a->len == b->len &&
	       bits_equal(a->addr.bytes, b->addr.bytes, a->len);
}

int prefix_compare(const struct prefix *a, const struct prefix *b)
{
	int d = (int)a->family - (int)b->family;

	/* Only the family's bytes: the rest of the union is not promised zero. */
	if (!d)
		d = memcmp(a->addr.bytes, b->addr.bytes, a->family == AF_INET ? 4 : 16);
	if (!d)
		d = (int)a->len - (int)b->len;
	return d;
}
