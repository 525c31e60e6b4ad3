/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Autonomous System numbers: parsing, printing and the classes a peering
 * edge must tell apart. Only ASN_PUBLIC may be a peer, a registered ASN or
 * appear in a received AS path; every other class is a "private ASN" in the
 * wording of the validation messages.
 */
#ifndef PEEREDGE_ASN_H
#define PEEREDGE_ASN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum asn_class {
	ASN_PUBLIC,
	ASN_ZERO,		/* 0 (RFC 7607) */
	ASN_TRANS,		/* 23456 (RFC 6793) */
	ASN_DOCUMENTATION,	/* 64496-64511, 65536-65551 (RFC 5398) */
	ASN_PRIVATE,		/* 64512-65534, 4200000000-4294967294 (RFC 6996) */
	ASN_LAST,		/* 65535, 4294967295 (RFC 7300) */
	ASN_RESERVED,		/* 65552-131071 (IANA AS Numbers registry) */
};

enum asn_class asn_classify(uint32_t asn);
static inline bool asn_is_public(uint32_t asn)
{
	return asn_classify(asn) == ASN_PUBLIC;
}
/* "public", "zero", "as-trans", "documentation", "private", "last", "reserved" */
const char *asn_class_name(enum asn_class c);

/* "AS64500", "as64500" or "64500" (asplain, RFC 5396). 0 or -EINVAL. */
int asn_parse(const char *s, uint32_t *asn);

#endif
