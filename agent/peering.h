/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Peering Service model, as the seed walkthroughs describe it:
 *
 *   peering (name, public peer ASN, kind voice | route-server)
 *     connection: one BGP session (neighbor address) at a location, on a
 *                 router, with a provisioning state; only Active ones count
 *                 (the route-server walkthrough's "two-link mesh" is two
 *                 connections here)
 *     registered prefix (voice): IPv4, /24 or shorter, registered with one
 *                 peering only (no overlap with any other registration)
 *     registered ASN (route server): a public ASN
 *   peering service prefix: a prefix (as typed, may be more specific than
 *     the registered /24 it lies in), the prefix key of its registration, a
 *     primary location and an optional, different, backup location
 *
 * Registering a prefix or an ASN needs an Active connection and generates a
 * prefix key: 128 random bits (getrandom), printed as 32 lowercase hex
 * digits grouped 8-4-4-4-12 like a UUID (every bit random: no version
 * nibble); parsing accepts either case, with or without the dashes.
 *
 * Names (peerings, connections, registrations, locations, routers) are 1-63
 * characters of [A-Za-z0-9._-], the first a letter or digit, so they print
 * and store without quoting.
 * Objects are allocated one by one: pointers stay valid until the object is
 * deleted. Every add/delete bumps db->generation (the validator's index
 * watches it). Peerings, registrations and service prefixes are indexed by
 * name, registered prefixes by address range, kept in step by every add and
 * delete here: finding one is O(log n), so a restore is O(n log n). Functions
 * returning int give 0 or -errno, and on failure point *why at a sentence for
 * the operator.
 */
#ifndef PEEREDGE_PEERING_H
#define PEEREDGE_PEERING_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "prefix.h"
#include "validate.h"

#define PE_NAME_MAX 64
#define PREFIX_KEY_STRLEN 37	/* 8-4-4-4-12 hex digits and NUL */

enum peering_kind { PEERING_VOICE, PEERING_ROUTE_SERVER };

/* Azure's connection states; validation counts Active ones only. */
enum conn_state {
	CONN_NONE,
	CONN_PENDING_APPROVAL,
	CONN_APPROVED,
	CONN_PROVISIONING_STARTED,
	CONN_PROVISIONING_FAILED,
	CONN_PROVISIONING_COMPLETED,
	CONN_VALIDATING,
	CONN_ACTIVE,
};

struct prefix_key {
	uint8_t bytes[16];
};

struct peering;

struct connection {
	char name[PE_NAME_MAX];
	char neighbor[INET6_ADDRSTRLEN];	/* canonical text, unique in the db */
	char location[PE_NAME_MAX];
	char router[PE_NAME_MAX];	/* the peer's router the session ends on */
	enum conn_state state;
	struct peering *peering;
};

struct registered_prefix {
	char name[PE_NAME_MAX];
	struct prefix pfx;
	struct prefix_key key;
	struct peering *peering;
	int64_t created_ms;	/* unix time; starts the Pending grace period */
	struct vresult result;
};

struct registered_asn {
	char name[PE_NAME_MAX];
	uint32_t asn;
	struct prefix_key key;
	struct peering *peering;
};

/* The name is first in every named object: see name_tree.h. */
struct peering {
	char name[PE_NAME_MAX];
	uint32_t asn;
	enum peering_kind kind;
	struct connection **conns;
	size_t nconns;
	struct registered_prefix **prefixes;
	size_t nprefixes;
	struct registered_asn **asns;
	size_t nasns;
	void *registration_names;	/* prefixes and ASNs share the names */
};

struct service_prefix {
	char name[PE_NAME_MAX];
	char text[PE_NAME_MAX];	/* as the operator typed it */
	bool parsed;		/* text is a prefix; pfx is meaningful */
	struct prefix pfx;
	struct prefix_key key;
	char primary[PE_NAME_MAX];
	char backup[PE_NAME_MAX];	/* "" when there is no backup location */
	int64_t created_ms;	/* unix time; starts the Pending grace period */
	struct vresult result;
};

struct peering_db {
	struct peering **peerings;
	size_t npeerings;
	struct service_prefix **services;
	size_t nservices;
	uint64_t generation;
	void *peering_names, *service_names;
	void *prefix_ranges;	/* every registered prefix, by address range */
};

bool peering_name_valid(const char *name);
bool printable_word(const char *s);
const char *peering_kind_name(enum peering_kind kind);	/* "voice", "route-server" */
int peering_kind_parse(const char *s, enum peering_kind *kind);
const char *conn_state_name(enum conn_state state);	/* "Active", ... */
int conn_state_parse(const char *s, enum conn_state *state);

int prefix_key_generate(struct prefix_key *key);
int prefix_key_parse(const char *s, struct prefix_key *key);
const char *prefix_key_format(const struct prefix_key *key, char buf[PREFIX_KEY_STRLEN]);
bool prefix_key_equal(const struct prefix_key *a, const struct prefix_key *b);

struct peering_db *pdb_new(void);
void pdb_free(struct peering_db *db);

/* asn must be public (asn.h). */
int pdb_add_peering(struct peering_db *db, const char *name, uint32_t asn,
		    enum peering_kind kind, struct peering **out, const char **why);
struct peering *pdb_peering(const struct peering_db *db, const char *name);
/* Deletes the peering with its connections and registrations. */
int pdb_del_peering(struct peering_db *db, const char *name);

/* A new connection starts in CONN_NONE; set conn->state as it progresses. */
int pdb_add_connection(struct peering_db *db, struct peering *p, const char *name,
		       const char *neighbor, const char *location, const char *router,
		       struct connection **out, const char **why);
struct connection *pdb_connection_by_neighbor(const struct peering_db *db,
					      const char *neighbor);
int pdb_del_connection(struct peering_db *db, struct peering *p, const char *name);

/*
 * Registration (voice peerings register prefixes, route-server peerings
 * ASNs) needs an Active connection and generates the prefix key.
 */
int pdb_register_prefix(struct peering_db *db, struct peering *p, const char *name,
			const char *prefix_text, int64_t now_ms,
			struct registered_prefix **out, const char **why);
int pdb_register_asn(struct peering_db *db, struct peering *p, const char *name,
		     uint32_t asn, struct registered_asn **out, const char **why);
/* The same without the Active check and with a known key: state restore. */
int pdb_restore_prefix(struct peering_db *db, struct peering *p, const char *name,
		       const struct prefix *pfx, const struct prefix_key *key,
		       int64_t created_ms, struct registered_prefix **out,
		       const char **why);
int pdb_restore_asn(struct peering_db *db, struct peering *p, const char *name,
		    uint32_t asn, const struct prefix_key *key,
		    struct registered_asn **out, const char **why);
/* The registered prefix containing pfx (registrations never overlap), or NULL. */
struct registered_prefix *pdb_registration_containing(const struct peering_db *db,
						      const struct prefix *pfx);
int pdb_del_registered_prefix(struct peering_db *db, struct peering *p, const char *name);
int pdb_del_registered_asn(struct peering_db *db, struct peering *p, const char *name);

/*
 * Activation. prefix_text is kept as typed: one that does not parse is
 * stored and validates as Invalid. key_text must be a well-formed key (it
 * need not match anything: validation says so). backup may be NULL or "".
 */
int pdb_add_service_prefix(struct peering_db *db, const char *name,
			   const char *prefix_text, const char *key_text,
			   const char *primary, const char *backup, int64_t now_ms,
			   struct service_prefix **out, const char **why);
struct service_prefix *pdb_service_prefix(const struct peering_db *db, const char *name);
int pdb_del_service_prefix(struct peering_db *db, const char *name);

#endif
