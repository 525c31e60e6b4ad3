// SPDX-License-Identifier: GPL-2.0
/* ASN classification; the ranges are those of IANA's special registry. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asn.h"

static const struct {
	uint32_t first, last;
	enum asn_class class;
} asn_ranges[] = {
	{ 0, 0, ASN_ZERO },				/* RFC 7607 */
	{ 23456, 23456, ASN_TRANS },			/* RFC 6793 */
	{ 64496, 64511, ASN_DOCUMENTATION },		/* RFC 5398 */
	{ 64512, 65534, ASN_PRIVATE },			/* RFC 6996 */
	{ 65535, 65535, ASN_LAST },			/* RFC 7300 */
	{ 65536, 65551, ASN_DOCUMENTATION },		/* RFC 5398 */
	{ 65552, 131071, ASN_RESERVED },		/* IANA registry */
	{ 4200000000u, 4294967294u, ASN_PRIVATE },	/* RFC 6996 */
	{ 4294967295u, 4294967295u, ASN_LAST },	/* RFC 7300 */
};

enum asn_class asn_classify(uint32_t asn)
{
	for (size_t i = 0; i < sizeof(asn_ranges) / sizeof(asn_ranges[0]); i++)
		if (asn >= asn_ranges[i].first && asn <= asn_ranges[i].last)
			return asn_ranges[i].class;
	return ASN_PUBLIC;
}

const char *asn_class_name(enum asn_class c)
{
	static const char *const names[] = {
		[ASN_PUBLIC] = "public",
		[ASN_ZERO] = "zero",
		[ASN_TRANS] = "as-trans",
		[ASN_DOCUMENTATION] = "documentation",
		[ASN_PRIVATE] = "private",
		[ASN_LAST] = "last",
		[ASN_RESERVED] = "reserved",
	};
	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "?";
}

int asn_parse(const char *s, uint32_t *asn)
{
	unsigned long long v;

	if (strncasecmp(s, "AS", 2) == 0)
		s += 2;
	/* Digits only: strtoul would accept signs, blanks and hex. */
	if (*s == '\0' || strspn(s, "0123456789") != strlen(s) ||
	    strlen(s) > 10 || (s[0] == '0' && s[1] != '\0'))
		return -EINVAL;
	v = strtoull(s, NULL, 10);
	if (v > UINT32_MAX)
		return -EINVAL;
	*asn = (uint32_t)v;
	return 0;
}
