/* SPDX-License-Identifier: GPL-2.0 */
/*
 * peeredged configuration: a small bird/bgpd-like grammar.
 *
 *	router-id 192.0.2.1;
 *	local-as 64500;
 *	listen 10.99.0.1 [port 179];		# default: 0.0.0.0 and ::, port 179
 *	neighbor ms-primary {
 *		address 10.99.0.2;
 *		remote-as 8075;
 *		local-address 10.99.0.1;
 *		password "secret";		# TCP-MD5 (RFC 2385)
 *		ttl-security;			# GTSM (RFC 5082)
 *		bfd on;
 *		max-prefix 500 [restart 60];
 *		hold-time 90;
 *		port 179;
 *		passive;
 *		enforce-first-as off;		# route servers do not prepend (on)
 *		announce 203.0.113.0/24 community 8075:8007 large-community 64500:1:2;
 *		peering contoso;		# a connection of this peering ...
 *		location Amsterdam;		# ... at this location
 *		router edge-1;			# ... ending on the peer's router
 *		dev bond0;			# interface (BFD, FIB nexthop)
 *	}
 *	peering contoso {
 *		asn 64496; kind voice;			# or route-server
 *		xdp bond0 [mode enforce|monitor] [native|generic];	# repeatable
 *	}
 *	xdp pin-dir /sys/fs/bpf/peeredge;	# where the allowlist maps live
 *	xdp ipv4-blocks 262144;			# its IPv4 blocks (64 bytes each)
 *	xdp ipv6-blocks 65536;			# its per-peering IPv6 blocks
 *	registry /etc/peeredge/irr.db;		# RPSL route objects, repeatable
 *	state-file /var/lib/peeredge/state;	# registrations (default below)
 *	fib table 100 [nexthop-id-base 4096];	# install Verified prefixes
 *	grace-period 300;			# seconds a new prefix stays Pending
 *
 * '#' starts a comment; strings may be "quoted". Parsing is all or nothing:
 * the first error is returned as "file:line: what is wrong" and no
 * configuration is produced.
 */
#ifndef PEEREDGE_CONFIG_H
#define PEEREDGE_CONFIG_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "messages.h"
#include "prefix.h"

#define CONFIG_NAME_MAX		64
#define CONFIG_PASSWORD_MAX	80	/* TCP_MD5SIG_MAXKEYLEN */
#define CONFIG_MAX_COMMUNITIES	32
#define CONFIG_MAX_LISTEN	8
#define CONFIG_DEFAULT_HOLD	90
#define CONFIG_MAX_REGISTRY	16
#define CONFIG_PATH_MAX		256
#define CONFIG_MAX_CONNECTIONS	32	/* of a peering: its routes' nexthop group */
#define CONFIG_DEFAULT_STATE	"/var/lib/peeredge/state"
#define CONFIG_DEFAULT_NH_BASE	0x10000000
#define CONFIG_DEFAULT_XDP_PIN	"/sys/fs/bpf/peeredge"

struct config_addr {
	uint8_t family;			/* AF_INET, AF_INET6; 0 = unset */
	union {
		struct in_addr v4;
		struct in6_addr v6;
		uint8_t bytes[16];
	} a;
};

struct config_announce {
	struct prefix prefix;
	uint16_t n_communities;
	uint16_t n_large;
	uint32_t communities[CONFIG_MAX_COMMUNITIES];
	struct bgp_large_community large[CONFIG_MAX_COMMUNITIES];
};

struct config_neighbor {
	char name[CONFIG_NAME_MAX];
	struct config_addr address;
	struct config_addr local_address;
	uint32_t remote_as;
	uint16_t port;
	uint16_t hold_time;
	char password[CONFIG_PASSWORD_MAX + 1];
	bool ttl_security;
	bool bfd;
	bool passive;
	bool enforce_first_as;		/* RFC 4271 6.3 leftmost AS check */
	uint32_t max_prefix;		/* 0: no limit */
	uint32_t max_prefix_restart;	/* seconds; 0: stay down until reset */
	size_t n_announce;
	struct config_announce *announce;
	/*
	 * Below: not part of the BGP session (config_neighbor_differs leaves
	 * them out, changing them resets nothing). A connection of a Peering
	 * Service peering names all three of peering, location, router.
	 */
	char peering[CONFIG_NAME_MAX];
	char location[CONFIG_NAME_MAX];
	char router[CONFIG_NAME_MAX];
	char dev[CONFIG_NAME_MAX];	/* interface of BFD and the FIB nexthop */
	unsigned int line;		/* of "neighbor", for errors found later */
};

struct config_peering {
	char name[CONFIG_NAME_MAX];
	uint32_t asn;
	bool route_server;		/* kind route-server, else voice */
};

/* How the XDP program is attached: as the driver allows, or forced. */
enum config_xdp_attach {
	CONFIG_XDP_AUTO = 0,		/* native when the driver has it */
	CONFIG_XDP_NATIVE,
	CONFIG_XDP_GENERIC,
};

/* "xdp IFNAME ...;" inside a peering block: the allowlist on IFNAME. */
struct config_xdp {
	char ifname[IF_NAMESIZE];
	char peering[CONFIG_NAME_MAX];
	bool monitor;			/* count what would be dropped, pass it */
	enum config_xdp_attach attach;
	unsigned int line;
};

struct config_listen {
	struct config_addr addr;
	uint16_t port;
};

struct config {
	uint32_t router_id;		/* host order */
	uint32_t local_as;
	size_t n_listen;
	struct config_listen listen[CONFIG_MAX_LISTEN];
	size_t n_neighbors;
	struct config_neighbor *neighbors;
	size_t n_peerings;
	struct config_peering *peerings;
	size_t n_registry;
	char registry[CONFIG_MAX_REGISTRY][CONFIG_PATH_MAX];
	char state_file[CONFIG_PATH_MAX];
	uint32_t fib_table;		/* 0: nothing is installed */
	uint32_t fib_nexthop_base;
	uint32_t grace_period;		/* seconds */
	size_t n_xdp;
	struct config_xdp *xdp;
	char xdp_pin_dir[CONFIG_PATH_MAX];
	uint32_t xdp_ipv4_blocks;	/* 0: the allowlist library's default */
	uint32_t xdp_ipv6_blocks;	/* ... and the other per-peering IPv6
					 * pools in the default's ratios */
};

/* 0, or -1 with err holding "file:line: message". */
int config_load(const char *path, struct config *c, char *err, size_t errlen);
int config_parse(const char *text, const char *name, struct config *c, char *err, size_t errlen);
void config_free(struct config *c);

const struct config_neighbor *config_find_neighbor(const struct config *c, const char *name);
const struct config_peering *config_find_peering(const struct config *c, const char *name);
const struct config_xdp *config_find_xdp(const struct config *c, const char *ifname);
/* True when a running session must be reset to apply b over a. */
bool config_neighbor_differs(const struct config_neighbor *a, const struct config_neighbor *b);
const char *config_addr_format(const struct config_addr *a, char *buf, size_t len);

#endif
