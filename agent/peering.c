// SPDX-License-Identifier: GPL-2.0
/* The Peering Service model: peerings, connections, registrations, keys. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <search.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>

#include "array.h"
#include "asn.h"
#include "name_tree.h"
#include "peering.h"

/* ---- names ---- */

bool peering_name_valid(const char *name)
{
	size_t len = strlen(name);

	/* A leading letter or digit keeps "-" free to mean "none" in files. */
	return len > 0 && len < PE_NAME_MAX && isalnum((unsigned char)name[0]) &&
	       strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789._-") == len;
}

/* No blank, no control byte, nothing outside ASCII (the daemon keeps the C locale). */
bool printable_word(const char *s)
{
	for (; *s; s++)
		if (!isgraph((unsigned char)*s))
			return false;
	return true;
}

static const char *const kind_names[] = {
	[PEERING_VOICE] = "voice",
	[PEERING_ROUTE_SERVER] = "route-server",
};

static const char *const conn_state_names[] = {
	[CONN_NONE] = "None",
	[CONN_PENDING_APPROVAL] = "PendingApproval",
	[CONN_APPROVED] = "Approved",
	[CONN_PROVISIONING_STARTED] = "ProvisioningStarted",
	[CONN_PROVISIONING_FAILED] = "ProvisioningFailed",
	[CONN_PROVISIONING_COMPLETED] = "ProvisioningCompleted",
	[CONN_VALIDATING] = "Validating",
	[CONN_ACTIVE] = "Active",
};

/* Index of s in names (case-insensitive), or -EINVAL. */
static int name_index(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcasecmp(names[i], s) == 0)
			return (int)i;
	return -EINVAL;
}

#define NAME_INDEX(names, s) name_index(names, sizeof(names) / sizeof(names[0]), s)

const char *peering_kind_name(enum peering_kind kind)
{
	return kind_names[kind];
}

int peering_kind_parse(const char *s, enum peering_kind *kind)
{
	int i = NAME_INDEX(kind_names, s);

	if (i < 0)
		return i;
	*kind = (enum peering_kind)i;
	return 0;
}

const char *conn_state_name(enum conn_state state)
{
	return conn_state_names[state];
}

int conn_state_parse(const char *s, enum conn_state *state)
{
	int i = NAME_INDEX(conn_state_names, s);

	if (i < 0)
		return i;
	*state = (enum conn_state)i;
	return 0;
}

/* ---- prefix keys ---- */

int prefix_key_generate(struct prefix_key *key)
{
	ssize_t n = getrandom(key->bytes, sizeof(key->bytes), 0);

	return n == (ssize_t)sizeof(key->bytes) ? 0 : n < 0 ? -errno : -EIO;
}

int prefix_key_parse(const char *s, struct prefix_key *key)
{
	size_t nibbles = 0;
	struct prefix_key k = { 0 };

	for (; *s; s++) {
		const char *hex = "0123456789abcdef";
		const char *d = strchr(hex, *s >= 'A' && *s <= 'F' ? *s - 'A' + 'a' : *s);

		if (*s == '-' && nibbles % 4 == 0 && nibbles > 0)
			continue;	/* grouping is free-form, on byte pairs */
		if (!d || nibbles == 2 * sizeof(k.bytes))
			return -EINVAL;
		k.bytes[nibbles / 2] |= (uint8_t)((d - hex) << (nibbles % 2 ? 0 : 4));
		nibbles++;
	}
	if (nibbles != 2 * sizeof(k.bytes))
		return -EINVAL;
	*key = k;
	return 0;
}

const char *prefix_key_format(const struct prefix_key *key, char buf[PREFIX_KEY_STRLEN])
{
	char *out = buf;

	for (size_t i = 0; i < sizeof(key->bytes); i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			*out++ = '-';
		out += sprintf(out, "%02x", key->bytes[i]);
	}
	return buf;
}

bool prefix_key_equal(const struct prefix_key *a, const struct prefix_key *b)
{
	uint8_t diff = 0;

	/* Constant time: the key is the proof of registration. */
	for (size_t i = 0; i < sizeof(a->bytes); i++)
		diff |= a->bytes[i] ^ b->bytes[i];
	return diff == 0;
}

/* ---- arrays of object pointers ---- */

static void array_remove(void *arr, size_t *n, size_t idx, size_t elem)
{
	char *base = arr;

	memmove(base + idx * elem, base + (idx + 1) * elem, (*n - idx - 1) * elem);
	(*n)--;
}

static void copy_name(char dst[PE_NAME_MAX], const char *src)
{
	snprintf(dst, PE_NAME_MAX, "%s", src);
}

/* ---- the db ---- */

struct peering_db *pdb_new(void)
{
	return calloc(1, sizeof(struct peering_db));
}

static void registered_prefix_free(struct registered_prefix *rp)
{
	vresult_free(&rp->result);
	free(rp);
}

static void peering_free(struct peering *p)
{
	for (size_t i = 0; i < p->nconns; i++)
		free(p->conns[i]);
	for (size_t i = 0; i < p->nprefixes; i++)
		registered_prefix_free(p->prefixes[i]);
	for (size_t i = 0; i < p->nasns; i++)
		free(p->asns[i]);
	free(p->conns);
	free(p->prefixes);
	free(p->asns);
	name_tree_clear(&p->registration_names);
	free(p);
}

static void service_prefix_free(struct service_prefix *sp)
{
	vresult_free(&sp->result);
	free(sp);
}

void pdb_free(struct peering_db *db)
{
	if (!db)
		return;
	for (size_t i = 0; i < db->npeerings; i++)
		peering_free(db->peerings[i]);
	for (size_t i = 0; i < db->nservices; i++)
		service_prefix_free(db->services[i]);
	free(db->peerings);
	free(db->services);
	name_tree_clear(&db->peering_names);
	name_tree_clear(&db->service_names);
	name_tree_clear(&db->prefix_ranges);
	free(db);
}

/* ---- registered prefixes by address range ---- */

static uint32_t range_first(const struct prefix *p)
{
	return ntohl(p->addr.v4.s_addr);
}

static uint32_t range_last(const struct prefix *p)
{
	return p->len >= 32 ? range_first(p) : range_first(p) | (UINT32_MAX >> p->len);
}

/*
 * IPv4 prefixes as address ranges, in address order; overlapping ones
 * compare equal. Registrations never overlap, so in their tree this is a
 * total order; and a search for any probe finds a registration overlapping
 * it when there is one: a registration not overlapping the probe lies
 * wholly before or after it, and so does every overlapping one relative to
 * that registration, so the search never leaves their side.
 */
static int range_order(const void *a, const void *b)
{
	if (range_last(a) < range_first(b))
		return -1;
	return range_first(a) > range_last(b) ? 1 : 0;
}

/* A registration overlapping the IPv4 prefix pfx, or NULL. */
static struct registered_prefix *registration_overlapping(const struct peering_db *db,
							  const struct prefix *pfx)
{
	void **node = tfind(pfx, &db->prefix_ranges, range_order);

	return node ? (struct registered_prefix *)((char *)*node -
						   offsetof(struct registered_prefix, pfx))
		    : NULL;
}

struct registered_prefix *pdb_registration_containing(const struct peering_db *db,
						      const struct prefix *pfx)
{
	struct registered_prefix *rp;

	if (pfx->family != AF_INET)
		return NULL;	/* registrations are IPv4 */
	rp = registration_overlapping(db, pfx);
	/* Any other overlapping one would overlap rp too: there is none. */
	return rp && prefix_contains(&rp->pfx, pfx) ? rp : NULL;
}

static int prefix_range_add(struct peering_db *db, struct registered_prefix *rp)
{
	return tsearch(&rp->pfx, &db->prefix_ranges, range_order) ? 0 : -ENOMEM;
}

static void prefix_range_del(struct peering_db *db, struct registered_prefix *rp)
{
	tdelete(&rp->pfx, &db->prefix_ranges, range_order);
}

static const struct registered_asn *registration_of_asn(const struct peering_db *db,
							uint32_t asn)
{
	for (size_t i = 0; i < db->npeerings; i++)
		for (size_t j = 0; j < db->peerings[i]->nasns; j++)
			if (db->peerings[i]->asns[j]->asn == asn)
				return db->peerings[i]->asns[j];
	return NULL;
}

/* ---- peerings ---- */

struct peering *pdb_peering(const struct peering_db *db, const char *name)
{
	return name_tree_find(&db->peering_names, name);
}

int pdb_add_peering(struct peering_db *db, const char *name, uint32_t asn,
		    enum peering_kind kind, struct peering **out, const char **why)
{
	struct peering **arr, *p;

	if (!peering_name_valid(name))
		return *why = "invalid peering name", -EINVAL;
	if (!asn_is_public(asn))
		return *why = "the peer ASN must be public", -EINVAL;
	if (pdb_peering(db, name))
		return *why = "a peering with that name exists", -EEXIST;
	arr = array_grow(db->peerings, db->npeerings, sizeof(*arr));
	if (!arr)
		return *why = "out of memory", -ENOMEM;
	db->peerings = arr;
	p = calloc(1, sizeof(*p));
	if (!p)
		return *why = "out of memory", -ENOMEM;
	copy_name(p->name, name);
	p->asn = asn;
	p->kind = kind;
	if (name_tree_add(&db->peering_names, p) < 0) {
		free(p);
		return *why = "out of memory", -ENOMEM;
	}
	db->peerings[db->npeerings++] = p;
	db->generation++;
	if (out)
		*out = p;
	return 0;
}

int pdb_del_peering(struct peering_db *db, const char *name)
{
	for (size_t i = 0; i < db->npeerings; i++) {
		struct peering *p = db->peerings[i];

		if (strcmp(p->name, name) != 0)
			continue;
		for (size_t j = 0; j < p->nprefixes; j++)
			prefix_range_del(db, p->prefixes[j]);
		name_tree_del(&db->peering_names, name);
		peering_free(p);
		array_remove(db->peerings, &db->npeerings, i, sizeof(*db->peerings));
		db->generation++;
		return 0;
	}
	return -ENOENT;
}

/* ---- connections ---- */

struct connection *pdb_connection_by_neighbor(const struct peering_db *db,
					      const char *neighbor)
{
	for (size_t i = 0; i < db->npeerings; i++)
		for (size_t j = 0; j < db->peerings[i]->nconns; j++)
			if (strcmp(db->peerings[i]->conns[j]->neighbor, neighbor) == 0)
				return db->peerings[i]->conns[j];
	return NULL;
}

static struct connection *peering_connection(const struct peering *p, const char *name)
{
	for (size_t i = 0; i < p->nconns; i++)
		if (strcmp(p->conns[i]->name, name) == 0)
			return p->conns[i];
	return NULL;
}

/* The canonical text of an IPv4 or IPv6 address, or -EINVAL. */
static int canonical_address(const char *text, char out[INET6_ADDRSTRLEN])
{
	int family = strchr(text, ':') ? AF_INET6 : AF_INET;
	struct in6_addr addr;

	if (inet_pton(family, text, &addr) != 1 ||
	    !inet_ntop(family, &addr, out, INET6_ADDRSTRLEN))
		return -EINVAL;
	return 0;
}

int pdb_add_connection(struct peering_db *db, struct peering *p, const char *name,
		       const char *neighbor, const char *location, const char *router,
		       struct connection **out, const char **why)
{
	char ip[INET6_ADDRSTRLEN];
	struct connection **arr, *c;

	if (!peering_name_valid(name) || !peering_name_valid(location) ||
	    !peering_name_valid(router))
		return *why = "invalid connection, location or router name", -EINVAL;
	if (canonical_address(neighbor, ip) < 0)
		return *why = "the neighbor must be an IPv4 or IPv6 address", -EINVAL;
	if (peering_connection(p, name))
		return *why = "the peering has a connection with that name", -EEXIST;
	if (pdb_connection_by_neighbor(db, ip))
		return *why = "another connection uses that neighbor address", -EEXIST;
	arr = array_grow(p->conns, p->nconns, sizeof(*arr));
	if (!arr)
		return *why = "out of memory", -ENOMEM;
	p->conns = arr;
	c = calloc(1, sizeof(*c));
	if (!c)
		return *why = "out of memory", -ENOMEM;
	copy_name(c->name, name);
	memcpy(c->neighbor, ip, sizeof(ip));
	copy_name(c->location, location);
	copy_name(c->router, router);
	c->peering = p;
	p->conns[p->nconns++] = c;
	db->generation++;
	if (out)
		*out = c;
	return 0;
}

int pdb_del_connection(struct peering_db *db, struct peering *p, const char *name)
{
	for (size_t i = 0; i < p->nconns; i++) {
		if (strcmp(p->conns[i]->name, name) != 0)
			continue;
		free(p->conns[i]);
		array_remove(p->conns, &p->nconns, i, sizeof(*p->conns));
		db->generation++;
		return 0;
	}
	return -ENOENT;
}

/* ---- registrations ---- */

static bool peering_has_active_connection(const struct peering *p)
{
	for (size_t i = 0; i < p->nconns; i++)
		if (p->conns[i]->state == CONN_ACTIVE)
			return true;
	return false;
}

static bool peering_has_registration(const struct peering *p, const char *name)
{
	return name_tree_find(&p->registration_names, name) != NULL;
}

int pdb_restore_prefix(struct peering_db *db, struct peering *p, const char *name,
		       const struct prefix *pfx, const struct prefix_key *key,
		       int64_t created_ms, struct registered_prefix **out,
		       const char **why)
{
	struct registered_prefix **arr, *rp;

	if (p->kind != PEERING_VOICE)
		return *why = "only voice peerings register prefixes", -EINVAL;
	if (!peering_name_valid(name))
		return *why = "invalid registration name", -EINVAL;
	if (pfx->family != AF_INET || pfx->len > 24)
		return *why = "a registered prefix is IPv4, /24 or shorter", -EINVAL;
	if (peering_has_registration(p, name))
		return *why = "the peering has a registration with that name", -EEXIST;
	if (registration_overlapping(db, pfx))
		return *why = "the prefix overlaps one already registered", -EEXIST;
	arr = array_grow(p->prefixes, p->nprefixes, sizeof(*arr));
	if (!arr)
		return *why = "out of memory", -ENOMEM;
	p->prefixes = arr;
	rp = calloc(1, sizeof(*rp));
	if (!rp)
		return *why = "out of memory", -ENOMEM;
	copy_name(rp->name, name);
	rp->pfx = *pfx;
	rp->key = *key;
	rp->peering = p;
	rp->created_ms = created_ms;
	if (prefix_range_add(db, rp) < 0) {
		free(rp);
		return *why = "out of memory", -ENOMEM;
	}
	if (name_tree_add(&p->registration_names, rp) < 0) {
		prefix_range_del(db, rp);
		free(rp);
		return *why = "out of memory", -ENOMEM;
	}
	p->prefixes[p->nprefixes++] = rp;
	db->generation++;
	if (out)
		*out = rp;
	return 0;
}

int pdb_restore_asn(struct peering_db *db, struct peering *p, const char *name,
		    uint32_t asn, const struct prefix_key *key,
		    struct registered_asn **out, const char **why)
{
	struct registered_asn **arr, *ra;

	if (p->kind != PEERING_ROUTE_SERVER)
		return *why = "only route-server peerings register ASNs", -EINVAL;
	if (!peering_name_valid(name))
		return *why = "invalid registration name", -EINVAL;
	if (!asn_is_public(asn))
		return *why = "a registered ASN must be public", -EINVAL;
	if (peering_has_registration(p, name))
		return *why = "the peering has a registration with that name", -EEXIST;
	if (registration_of_asn(db, asn))
		return *why = "the ASN is already registered", -EEXIST;
	arr = array_grow(p->asns, p->nasns, sizeof(*arr));
	if (!arr)
		return *why = "out of memory", -ENOMEM;
	p->asns = arr;
	ra = calloc(1, sizeof(*ra));
	if (!ra)
		return *why = "out of memory", -ENOMEM;
	copy_name(ra->name, name);
	ra->asn = asn;
	ra->key = *key;
	ra->peering = p;
	if (name_tree_add(&p->registration_names, ra) < 0) {
		free(ra);
		return *why = "out of memory", -ENOMEM;
	}
	p->asns[p->nasns++] = ra;
	db->generation++;
	if (out)
		*out = ra;
	return 0;
}

/* What registering needs besides the checks of the restore functions. */
static int registration_preconditions(const struct peering *p, struct prefix_key *key,
				      const char **why)
{
	/* The seeds: connections must be Active before anything is registered. */
	if (!peering_has_active_connection(p))
		return *why = "no connection of the peering is Active yet", -EAGAIN;
	if (prefix_key_generate(key) < 0)
		return *why = "cannot generate a prefix key", -EIO;
	return 0;
}

int pdb_register_prefix(struct peering_db *db, struct peering *p, const char *name,
			const char *prefix_text, int64_t now_ms,
			struct registered_prefix **out, const char **why)
{
	struct prefix pfx;
	struct prefix_key key;
	int ret;

	if (prefix_parse(prefix_text, &pfx) < 0)
		return *why = "not a prefix (or host bits set)", -EINVAL;
	ret = registration_preconditions(p, &key, why);
	return ret < 0 ? ret : pdb_restore_prefix(db, p, name, &pfx, &key, now_ms, out, why);
}

int pdb_register_asn(struct peering_db *db, struct peering *p, const char *name,
		     uint32_t asn, struct registered_asn **out, const char **why)
{
	struct prefix_key key;
	int ret = registration_preconditions(p, &key, why);

	return ret < 0 ? ret : pdb_restore_asn(db, p, name, asn, &key, out, why);
}

static int del_registration(struct peering_db *db, void *arr, size_t *n, size_t idx,
			    size_t elem)
{
	array_remove(arr, n, idx, elem);
	db->generation++;
	return 0;
}

int pdb_del_registered_prefix(struct peering_db *db, struct peering *p, const char *name)
{
	for (size_t i = 0; i < p->nprefixes; i++) {
		if (strcmp(p->prefixes[i]->name, name) != 0)
			continue;
		prefix_range_del(db, p->prefixes[i]);
		name_tree_del(&p->registration_names, name);
		registered_prefix_free(p->prefixes[i]);
		return del_registration(db, p->prefixes, &p->nprefixes, i, sizeof(*p->prefixes));
	}
	return -ENOENT;
}

int pdb_del_registered_asn(struct peering_db *db, struct peering *p, const char *name)
{
	for (size_t i = 0; i < p->nasns; i++) {
		if (strcmp(p->asns[i]->name, name) != 0)
			continue;
		name_tree_del(&p->registration_names, name);
		free(p->asns[i]);
		return del_registration(db, p->asns, &p->nasns, i, sizeof(*p->asns));
	}
	return -ENOENT;
}

/* ---- peering service prefixes ---- */

struct service_prefix *pdb_service_prefix(const struct peering_db *db, const char *name)
{
	return name_tree_find(&db->service_names, name);
}

int pdb_add_service_prefix(struct peering_db *db, const char *name,
			   const char *prefix_text, const char *key_text,
			   const char *primary, const char *backup, int64_t now_ms,
			   struct service_prefix **out, const char **why)
{
	size_t text_len = strlen(prefix_text);
	struct service_prefix **arr, *sp;
	struct prefix_key key;

	if (!backup)
		backup = "";
	if (!peering_name_valid(name))
		return *why = "invalid peering service prefix name", -EINVAL;
	/* Kept as typed, so it must print and store as one token. */
	if (text_len == 0 || text_len >= PE_NAME_MAX || !printable_word(prefix_text))
		return *why = "the prefix must be one word of at most 63 characters", -EINVAL;
	if (prefix_key_parse(key_text, &key) < 0)
		return *why = "a prefix key is 32 hex digits (dashes allowed)", -EINVAL;
	if (!peering_name_valid(primary) || (*backup && !peering_name_valid(backup)))
		return *why = "invalid location name", -EINVAL;
	if (strcmp(primary, backup) == 0)
		return *why = "the backup location must differ from the primary one", -EINVAL;
	if (pdb_service_prefix(db, name))
		return *why = "a peering service prefix with that name exists", -EEXIST;
	arr = array_grow(db->services, db->nservices, sizeof(*arr));
	if (!arr)
		return *why = "out of memory", -ENOMEM;
	db->services = arr;
	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return *why = "out of memory", -ENOMEM;
	copy_name(sp->name, name);
	copy_name(sp->text, prefix_text);
	sp->parsed = prefix_parse(prefix_text, &sp->pfx) == 0;
	sp->key = key;
	copy_name(sp->primary, primary);
	copy_name(sp->backup, backup);
	sp->created_ms = now_ms;
	if (name_tree_add(&db->service_names, sp) < 0) {
		free(sp);
		return *why = "out of memory", -ENOMEM;
	}
	db->services[db->nservices++] = sp;
	db->generation++;
	if (out)
		*out = sp;
	return 0;
}

int pdb_del_service_prefix(struct peering_db *db, const char *name)
{
	for (size_t i = 0; i < db->nservices; i++) {
		if (strcmp(db->services[i]->name, name) != 0)
			continue;
		name_tree_del(&db->service_names, name);
		service_prefix_free(db->services[i]);
		array_remove(db->services, &db->nservices, i, sizeof(*db->services));
		db->generation++;
		return 0;
	}
	return -ENOENT;
}
