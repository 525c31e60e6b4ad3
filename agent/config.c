// SPDX-License-Identifier: GPL-2.0
/* Configuration parser: a tokenizer and a recursive-descent reader. */
#include "config.h"

#include <net/if.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "peeredge/allowlist.h"
#include "asn.h"
#include "install.h"
#include "peering.h"

#define TOKEN_MAX 256

struct parser {
	const char *p;
	const char *name;
	unsigned int line;
	char tok[TOKEN_MAX];
	unsigned int tok_line;
	bool quoted;			/* tok came from a "string" */
	char *err;
	size_t errlen;
	bool failed;
};

static bool fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (ps->failed)
		return false;
	ps->failed = true;
	n = snprintf(ps->err, ps->errlen, "%s:%u: ", ps->name, ps->tok_line);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < ps->errlen)
		vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return false;
}

/* Next token into ps->tok: a word, a "string", or one of { } ;. "" at end. */
static bool next(struct parser *ps)
{
	size_t n = 0;

	for (;;) {
		while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' || *ps->p == '\n')
			if (*ps->p++ == '\n')
				ps->line++;
		if (*ps->p != '#')
			break;
		while (*ps->p && *ps->p != '\n')
			ps->p++;
	}
	ps->tok_line = ps->line;
	ps->quoted = false;
	if (*ps->p == '"') {
		ps->quoted = true;
		for (ps->p++; *ps->p != '"'; ps->p++) {
			if (!*ps->p || *ps->p == '\n')
				return fail(ps, "unterminated string");
			if (n + 1 >= TOKEN_MAX)
				return fail(ps, "string too long");
			ps->tok[n++] = *ps->p;
		}
		ps->p++;
	} else if (*ps->p == '{' || *ps->p == '}' || *ps->p == ';') {
		ps->tok[n++] = *ps->p++;
	} else {
		while (*ps->p && !strchr(" \t\r\n{};#\"", *ps->p)) {
			if (n + 1 >= TOKEN_MAX)
				return fail(ps, "word too long");
			ps->tok[n++] = *ps->p++;
		}
	}
	ps->tok[n] = '\0';
	return true;
}

static bool is(const struct parser *ps, const char *word)
{
	return !ps->quoted && !strcmp(ps->tok, word);
}

static bool expect(struct parser *ps, const char *word)
{
	if (!next(ps))
		return false;
	if (!is(ps, word))
		return fail(ps, "expected '%s' but found '%s'", word, ps->tok);
	return true;
}

/* The current token is a word or a "string": no punctuation, not the end. */
static bool is_word(const struct parser *ps)
{
	return ps->quoted || (ps->tok[0] && !is(ps, ";") && !is(ps, "{") && !is(ps, "}"));
}

/* A value: the next token, which must be a word. */
static bool value(struct parser *ps, const char *what)
{
	if (!next(ps))
		return false;
	if (!is_word(ps))
		return fail(ps, "%s expected", what);
	return true;
}

static bool parse_u32(struct parser *ps, const char *what, uint32_t min, uint32_t max,
		      uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (!value(ps, what))
		return false;
	errno = 0;
	v = strtoull(ps->tok, &end, 10);
	if (errno || *end || ps->tok[0] == '-' || ps->tok[0] == '+' || v < min || v > max)
		return fail(ps, "%s must be a number from %u to %u, not '%s'", what, min, max,
			    ps->tok);
	*out = (uint32_t)v;
	return true;
}

static bool parse_addr(struct parser *ps, const char *what, struct config_addr *a)
{
	if (!value(ps, what))
		return false;
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, ps->tok, &a->a.v4) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, ps->tok, &a->a.v6) == 1)
		a->family = AF_INET6;
	else
		return fail(ps, "%s: '%s' is not an IPv4 or IPv6 address", what, ps->tok);
	return true;
}

/* "A:B" (16-bit halves) or "A:B:C" (32-bit parts). */
static bool split_u32(const char *s, uint32_t *parts, int n, uint32_t max)
{
	int i;

	for (i = 0; i < n; i++) {
		char *end;
		unsigned long long v;

		if (*s < '0' || *s > '9')
			return false;
		errno = 0;
		v = strtoull(s, &end, 10);
		if (errno || v > max || (i < n - 1 ? *end != ':' : *end != '\0'))
			return false;
		parts[i] = (uint32_t)v;
		s = end + 1;
	}
	return true;
}

static bool end_statement(struct parser *ps)
{
	return expect(ps, ";");
}

static bool parse_announce(struct parser *ps, struct config_neighbor *n)
{
	struct config_announce *an, *grown;
	uint32_t parts[3];

	if (!value(ps, "prefix"))
		return false;
	grown = realloc(n->announce, (n->n_announce + 1) * sizeof(*n->announce));
	if (!grown)
		return fail(ps, "out of memory");
	n->announce = grown;
	an = &n->announce[n->n_announce++];
	memset(an, 0, sizeof(*an));
	if (prefix_parse(ps->tok, &an->prefix))
		return fail(ps, "announce: '%s' is not a prefix (host bits must be zero)", ps->tok);
	for (;;) {
		if (!next(ps))
			return false;
		if (is(ps, ";"))
			return true;
		if (is(ps, "community")) {
			if (!value(ps, "community"))
				return false;
			if (!split_u32(ps->tok, parts, 2, 0xffff))
				return fail(ps, "community '%s' is not A:B (each 0-65535)", ps->tok);
			if (an->n_communities == CONFIG_MAX_COMMUNITIES)
				return fail(ps, "more than %d communities", CONFIG_MAX_COMMUNITIES);
			an->communities[an->n_communities++] = parts[0] << 16 | parts[1];
		} else if (is(ps, "large-community")) {
			if (!value(ps, "large community"))
				return false;
			if (!split_u32(ps->tok, parts, 3, 0xffffffffu))
				return fail(ps, "large community '%s' is not A:B:C", ps->tok);
			if (an->n_large == CONFIG_MAX_COMMUNITIES)
				return fail(ps, "more than %d large communities",
					    CONFIG_MAX_COMMUNITIES);
			an->large[an->n_large++] = (struct bgp_large_community){
				parts[0], parts[1], parts[2] };
		} else {
			return fail(ps, "announce: unexpected '%s' (community, large-community or ;)",
				    ps->tok);
		}
	}
}

/* The current token as on/off, then the end of the statement. */
static bool on_off_statement(struct parser *ps, const char *what, bool *out)
{
	if (is(ps, "on") || is(ps, "yes"))
		*out = true;
	else if (is(ps, "off") || is(ps, "no"))
		*out = false;
	else
		return fail(ps, "%s must be on or off, not '%s'", what, ps->tok);
	return end_statement(ps);
}

static bool parse_on_off(struct parser *ps, const char *what, bool *out)
{
	return value(ps, what) && on_off_statement(ps, what, out);
}

/* A flag statement: "passive;" or "passive on|off;". */
static bool parse_flag(struct parser *ps, const char *what, bool *out)
{
	if (!next(ps))
		return false;
	if (is(ps, ";")) {
		*out = true;
		return true;
	}
	return on_off_statement(ps, what, out);
}

/* A Peering Service name: peerings, locations, routers (peering.h rules). */
static bool parse_name(struct parser *ps, const char *what, char out[CONFIG_NAME_MAX])
{
	if (!value(ps, what))
		return false;
	if (!peering_name_valid(ps->tok))
		return fail(ps, "%s: '%s' is not a name (1-63 of A-Z a-z 0-9 . _ -, "
			    "starting with a letter or digit)", what, ps->tok);
	strcpy(out, ps->tok);
	return true;
}

/* The current token as a path; a "quoted" one may be empty, no path is. */
/*
 * Absolute: the daemon's working directory is wherever it was started
 * (systemd: /), so a relative path would name a different file by hand.
 */
static bool path_token(struct parser *ps, const char *what, char out[CONFIG_PATH_MAX])
{
	if (!ps->tok[0])
		return fail(ps, "%s: empty path", what);
	if (ps->tok[0] != '/')
		return fail(ps, "%s: '%s' is not an absolute path", what, ps->tok);
	if (strlen(ps->tok) >= CONFIG_PATH_MAX)
		return fail(ps, "%s: path longer than %d characters", what, CONFIG_PATH_MAX - 1);
	strcpy(out, ps->tok);
	return true;
}

static bool parse_path(struct parser *ps, const char *what, char out[CONFIG_PATH_MAX])
{
	return value(ps, what) && path_token(ps, what, out);
}

/*
 * An interface name as the kernel accepts it (dev_valid_name): a "quoted"
 * one may be empty or hold blanks, which no interface is ever called.
 */
static bool parse_ifname(struct parser *ps, const char *what, char out[IF_NAMESIZE])
{
	if (!value(ps, what))
		return false;
	if (!ps->tok[0] || strlen(ps->tok) >= IF_NAMESIZE || strpbrk(ps->tok, "/: \t\n\v\f\r") ||
	    !strcmp(ps->tok, ".") || !strcmp(ps->tok, ".."))
		return fail(ps, "%s: '%s' is not an interface name", what, ps->tok);
	strcpy(out, ps->tok);
	return true;
}

static bool parse_neighbor_item(struct parser *ps, struct config_neighbor *n)
{
	uint32_t v;

	if (is(ps, "address"))
		return parse_addr(ps, "address", &n->address) && end_statement(ps);
	if (is(ps, "local-address"))
		return parse_addr(ps, "local-address", &n->local_address) && end_statement(ps);
	if (is(ps, "remote-as"))
		return parse_u32(ps, "remote-as", 1, 0xffffffffu, &n->remote_as) &&
		       end_statement(ps);
	if (is(ps, "hold-time")) {
		if (!parse_u32(ps, "hold-time", 0, 65535, &v))
			return false;
		if (v == 1 || v == 2)
			return fail(ps, "hold-time must be 0 or at least 3 seconds (RFC 4271)");
		n->hold_time = (uint16_t)v;
		return end_statement(ps);
	}
	if (is(ps, "port")) {
		if (!parse_u32(ps, "port", 1, 65535, &v))
			return false;
		n->port = (uint16_t)v;
		return end_statement(ps);
	}
	if (is(ps, "password")) {
		if (!value(ps, "password"))
			return false;
		if (strlen(ps->tok) > CONFIG_PASSWORD_MAX)
			return fail(ps, "password longer than %d characters", CONFIG_PASSWORD_MAX);
		strcpy(n->password, ps->tok);
		return end_statement(ps);
	}
	if (is(ps, "ttl-security"))
		return parse_flag(ps, "ttl-security", &n->ttl_security);
	if (is(ps, "passive"))
		return parse_flag(ps, "passive", &n->passive);
	if (is(ps, "bfd"))
		return parse_on_off(ps, "bfd", &n->bfd);
	if (is(ps, "enforce-first-as"))
		return parse_on_off(ps, "enforce-first-as", &n->enforce_first_as);
	if (is(ps, "max-prefix")) {
		if (!parse_u32(ps, "max-prefix", 1, 0xffffffffu, &n->max_prefix) || !next(ps))
			return false;
		if (is(ps, "restart")) {
			if (!parse_u32(ps, "restart", 1, 86400, &n->max_prefix_restart))
				return false;
			return end_statement(ps);
		}
		if (!is(ps, ";"))
			return fail(ps, "max-prefix: expected 'restart' or ';' but found '%s'",
				    ps->tok);
		return true;
	}
	if (is(ps, "announce"))
		return parse_announce(ps, n);
	if (is(ps, "peering"))
		return parse_name(ps, "peering", n->peering) && end_statement(ps);
	if (is(ps, "location"))
		return parse_name(ps, "location", n->location) && end_statement(ps);
	if (is(ps, "router"))
		return parse_name(ps, "router", n->router) && end_statement(ps);
	if (is(ps, "dev"))
		return parse_ifname(ps, "dev", n->dev) && end_statement(ps);
	return fail(ps, "unknown neighbor setting '%s'", ps->tok);
}

static bool parse_neighbor(struct parser *ps, struct config *c)
{
	struct config_neighbor *n, *grown;
	unsigned int line = ps->tok_line;
	size_t i;

	if (!value(ps, "neighbor name"))
		return false;
	if (!ps->tok[0])
		return fail(ps, "neighbor name is empty");
	if (strlen(ps->tok) >= CONFIG_NAME_MAX)
		return fail(ps, "neighbor name longer than %d characters", CONFIG_NAME_MAX - 1);
	/* Names are words in the CLI's text output and in operators' terminals. */
	if (!printable_word(ps->tok))
		return fail(ps, "neighbor name has a blank or a character that is "
			    "not printable ASCII");
	if (config_find_neighbor(c, ps->tok))
		return fail(ps, "neighbor '%s' is defined twice", ps->tok);
	grown = realloc(c->neighbors, (c->n_neighbors + 1) * sizeof(*c->neighbors));
	if (!grown)
		return fail(ps, "out of memory");
	c->neighbors = grown;
	n = &c->neighbors[c->n_neighbors++];
	memset(n, 0, sizeof(*n));
	strcpy(n->name, ps->tok);
	n->line = line;
	n->port = BGP_PORT;
	n->hold_time = CONFIG_DEFAULT_HOLD;
	n->enforce_first_as = true;
	if (!expect(ps, "{"))
		return false;
	for (;;) {
		if (!next(ps))
			return false;
		if (is(ps, "}"))
			break;
		if (!ps->tok[0])
			return fail(ps, "neighbor %s: missing '}'", n->name);
		if (!parse_neighbor_item(ps, n))
			return false;
	}
	ps->tok_line = line;
	if (!n->address.family)
		return fail(ps, "neighbor %s: no address", n->name);
	if (!n->remote_as)
		return fail(ps, "neighbor %s: no remote-as", n->name);
	if (n->local_address.family && n->local_address.family != n->address.family)
		return fail(ps, "neighbor %s: local-address and address are of different families",
			    n->name);
	for (i = 0; i + 1 < c->n_neighbors; i++)
		if (!memcmp(&c->neighbors[i].address, &n->address, sizeof(n->address)))
			return fail(ps, "neighbor %s: address already used by neighbor %s",
				    n->name, c->neighbors[i].name);
	if (!n->peering[0] != !n->location[0] || !n->peering[0] != !n->router[0])
		return fail(ps, "neighbor %s: a connection needs peering, location and router",
			    n->name);
	if (n->peering[0] && !peering_name_valid(n->name))
		return fail(ps, "neighbor %s: a connection's name must be 1-63 of "
			    "A-Z a-z 0-9 . _ -", n->name);
	return true;
}

/* "xdp IFNAME [mode enforce|monitor] [native|generic];" in peering p. */
static bool parse_peering_xdp(struct parser *ps, struct config *c, const char *peering)
{
	struct config_xdp x = { .line = ps->tok_line }, *grown;
	const struct config_xdp *dup;
	bool mode_set = false, attach_set = false;

	if (!parse_ifname(ps, "xdp", x.ifname))
		return false;
	snprintf(x.peering, sizeof(x.peering), "%s", peering);
	dup = config_find_xdp(c, x.ifname);
	if (dup)
		return fail(ps, "xdp: interface %s is already given to peering %s (line %u)",
			    x.ifname, dup->peering, dup->line);
	for (;;) {
		if (!next(ps))
			return false;
		if (is(ps, ";"))
			break;
		if (is(ps, "mode") && !mode_set) {
			if (!value(ps, "xdp mode"))
				return false;
			if (!is(ps, "enforce") && !is(ps, "monitor"))
				return fail(ps, "xdp mode must be enforce or monitor, not '%s'",
					    ps->tok);
			x.monitor = is(ps, "monitor");
			mode_set = true;
		} else if ((is(ps, "native") || is(ps, "generic")) && !attach_set) {
			x.attach = is(ps, "native") ? CONFIG_XDP_NATIVE : CONFIG_XDP_GENERIC;
			attach_set = true;
		} else {
			return fail(ps, "xdp %s: unexpected '%s' (mode enforce|monitor, native, "
				    "generic, each once, then ;)", x.ifname, ps->tok);
		}
	}
	grown = realloc(c->xdp, (c->n_xdp + 1) * sizeof(*c->xdp));
	if (!grown)
		return fail(ps, "out of memory");
	c->xdp = grown;
	c->xdp[c->n_xdp++] = x;
	return true;
}

static bool parse_peering(struct parser *ps, struct config *c)
{
	struct config_peering *p, *grown;
	unsigned int line = ps->tok_line;
	bool kind_set = false;

	grown = realloc(c->peerings, (c->n_peerings + 1) * sizeof(*c->peerings));
	if (!grown)
		return fail(ps, "out of memory");
	c->peerings = grown;
	p = &c->peerings[c->n_peerings];
	memset(p, 0, sizeof(*p));
	if (!parse_name(ps, "peering name", p->name))
		return false;
	if (config_find_peering(c, p->name))
		return fail(ps, "peering '%s' is defined twice", p->name);
	c->n_peerings++;
	if (!expect(ps, "{"))
		return false;
	for (;;) {
		if (!next(ps))
			return false;
		if (is(ps, "}"))
			break;
		if (is(ps, "asn")) {
			if (!parse_u32(ps, "asn", 1, 0xffffffffu, &p->asn))
				return false;
			if (!asn_is_public(p->asn))
				return fail(ps, "peering %s: asn %u is not a public ASN", p->name,
					    p->asn);
		} else if (is(ps, "kind")) {
			if (!value(ps, "kind"))
				return false;
			if (!is(ps, "voice") && !is(ps, "route-server"))
				return fail(ps, "kind must be voice or route-server, not '%s'",
					    ps->tok);
			p->route_server = is(ps, "route-server");
			kind_set = true;
		} else if (is(ps, "xdp")) {
			if (!parse_peering_xdp(ps, c, p->name))
				return false;
			continue;
		} else if (!ps->tok[0]) {
			return fail(ps, "peering %s: missing '}'", p->name);
		} else {
			return fail(ps, "unknown peering setting '%s' (asn, kind, xdp)", ps->tok);
		}
		if (!end_statement(ps))
			return false;
	}
	ps->tok_line = line;
	if (!p->asn || !kind_set)
		return fail(ps, "peering %s: needs asn and kind", p->name);
	return true;
}

/* "registry FILE...;" */
static bool parse_registry(struct parser *ps, struct config *c)
{
	if (!value(ps, "registry file"))
		return false;
	for (;;) {
		if (c->n_registry == CONFIG_MAX_REGISTRY)
			return fail(ps, "more than %d registry files", CONFIG_MAX_REGISTRY);
		if (!path_token(ps, "registry", c->registry[c->n_registry++]) || !next(ps))
			return false;
		if (!is_word(ps))
			return is(ps, ";") || fail(ps, "registry: missing ';'");
		if (ps->tok[0] != '/')
			return fail(ps, "registry: '%s' is not an absolute path, or the ';' "
				    "before it is missing", ps->tok);
	}
}

/* "fib table N [nexthop-id-base N];" */
static bool parse_fib(struct parser *ps, struct config *c)
{
	if (!expect(ps, "table") ||
	    !parse_u32(ps, "fib table", 1, 0xffffffffu, &c->fib_table) || !next(ps))
		return false;
	if (c->fib_table == 253 || c->fib_table == 255)
		return fail(ps, "fib table %u is the kernel's (default, local)", c->fib_table);
	if (is(ps, "nexthop-id-base")) {
		if (!parse_u32(ps, "nexthop-id-base", 1, 0xffffffffu - FIB_ID_SPAN,
			       &c->fib_nexthop_base))
			return false;
		return end_statement(ps);
	}
	return is(ps, ";") || fail(ps, "fib: expected 'nexthop-id-base' or ';' but found '%s'",
				   ps->tok);
}

/* "xdp pin-dir PATH;", "xdp ipv4-blocks N;" or "xdp ipv6-blocks N;" */
static bool parse_xdp_global(struct parser *ps, struct config *c)
{
	if (!value(ps, "xdp setting"))
		return false;
	if (is(ps, "ipv4-blocks"))
		return parse_u32(ps, "xdp ipv4-blocks", 1, PE_V4_INDEX_MASK + 1,
				 &c->xdp_ipv4_blocks) && end_statement(ps);
	/* Its entry lines are four times as many: at most 2^25. */
	if (is(ps, "ipv6-blocks"))
		return parse_u32(ps, "xdp ipv6-blocks", 1, (PE_V6P_INDEX_MASK + 1) / 2,
				 &c->xdp_ipv6_blocks) && end_statement(ps);
	if (!is(ps, "pin-dir"))
		return fail(ps, "xdp: expected 'pin-dir', 'ipv4-blocks' or 'ipv6-blocks' but "
			    "found '%s' (interfaces go inside a peering block)", ps->tok);
	return parse_path(ps, "xdp pin-dir", c->xdp_pin_dir) && end_statement(ps);
}

/* Connections of peering p among the first n neighbors. */
static size_t connections_of(const struct config *c, const char *p, size_t n)
{
	size_t count = 0;

	for (size_t i = 0; i < n; i++)
		count += !strcmp(c->neighbors[i].peering, p);
	return count;
}

/* After the whole file: what one statement alone cannot check. */
static void check_references(struct parser *ps, const struct config *c)
{
	for (size_t i = 0; i < c->n_neighbors; i++) {
		const struct config_neighbor *n = &c->neighbors[i];

		if (!n->peering[0])
			continue;
		ps->tok_line = n->line;
		if (!config_find_peering(c, n->peering)) {
			fail(ps, "neighbor %s: peering '%s' is not defined", n->name, n->peering);
			return;
		}
		if (connections_of(c, n->peering, i + 1) > CONFIG_MAX_CONNECTIONS) {
			fail(ps, "neighbor %s: peering '%s' has more than %d connections, the "
			     "most its routes' nexthop group holds", n->name, n->peering,
			     CONFIG_MAX_CONNECTIONS);
			return;
		}
	}
}

/* The listen statement just read names an address and port not given before. */
static bool listen_once(struct parser *ps, const struct config *c)
{
	const struct config_listen *l = &c->listen[c->n_listen - 1];
	char buf[INET6_ADDRSTRLEN];

	for (size_t i = 0; i + 1 < c->n_listen; i++)
		if (c->listen[i].port == l->port && c->listen[i].addr.family == l->addr.family &&
		    !memcmp(&c->listen[i].addr.a, &l->addr.a,
			    l->addr.family == AF_INET ? 4 : 16))
			return fail(ps, "listen %s port %u: given twice",
				    config_addr_format(&l->addr, buf, sizeof(buf)), l->port);
	return true;
}

static bool parse_top(struct parser *ps, struct config *c)
{
	struct config_addr a;
	uint32_t v;

	if (is(ps, "router-id")) {
		if (!parse_addr(ps, "router-id", &a))
			return false;
		if (a.family != AF_INET || !a.a.v4.s_addr)
			return fail(ps, "router-id must be a non-zero IPv4 address");
		c->router_id = ntohl(a.a.v4.s_addr);
		return end_statement(ps);
	}
	if (is(ps, "local-as"))
		return parse_u32(ps, "local-as", 1, 0xffffffffu, &c->local_as) && end_statement(ps);
	if (is(ps, "listen")) {
		struct config_listen *l;

		if (c->n_listen == CONFIG_MAX_LISTEN)
			return fail(ps, "more than %d listen statements", CONFIG_MAX_LISTEN);
		l = &c->listen[c->n_listen++];
		l->port = BGP_PORT;
		if (!parse_addr(ps, "listen", &l->addr) || !next(ps))
			return false;
		if (is(ps, "port")) {
			if (!parse_u32(ps, "port", 1, 65535, &v))
				return false;
			l->port = (uint16_t)v;
			if (!end_statement(ps))
				return false;
		} else if (!is(ps, ";")) {
			return fail(ps, "listen: expected 'port' or ';' but found '%s'", ps->tok);
		}
		return listen_once(ps, c);
	}
	if (is(ps, "neighbor"))
		return parse_neighbor(ps, c);
	if (is(ps, "peering"))
		return parse_peering(ps, c);
	if (is(ps, "registry"))
		return parse_registry(ps, c);
	if (is(ps, "state-file"))
		return parse_path(ps, "state-file", c->state_file) && end_statement(ps);
	if (is(ps, "fib"))
		return parse_fib(ps, c);
	if (is(ps, "xdp"))
		return parse_xdp_global(ps, c);
	if (is(ps, "grace-period"))
		return parse_u32(ps, "grace-period", 0, 86400, &c->grace_period) &&
		       end_statement(ps);
	return fail(ps, "unknown statement '%s'", ps->tok);
}

int config_parse(const char *text, const char *name, struct config *c, char *err, size_t errlen)
{
	struct parser ps = { .p = text, .name = name, .line = 1, .err = err, .errlen = errlen };

	memset(c, 0, sizeof(*c));
	strcpy(c->state_file, CONFIG_DEFAULT_STATE);
	c->fib_nexthop_base = CONFIG_DEFAULT_NH_BASE;
	strcpy(c->xdp_pin_dir, CONFIG_DEFAULT_XDP_PIN);
	c->grace_period = VALIDATE_PENDING_GRACE_MS / 1000;
	for (;;) {
		if (!next(&ps))
			break;
		if (!ps.tok[0] && !ps.quoted)
			break;
		if (!parse_top(&ps, c))
			break;
	}
	if (!ps.failed && !c->router_id)
		fail(&ps, "router-id is missing");
	if (!ps.failed && !c->local_as)
		fail(&ps, "local-as is missing");
	if (!ps.failed)
		check_references(&ps, c);
	if (ps.failed) {
		config_free(c);
		return -1;
	}
	return 0;
}

int config_load(const char *path, struct config *c, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *text;
	long size;
	int rc;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    !(text = malloc((size_t)size + 1))) {
		snprintf(err, errlen, "%s: cannot read", path);
		fclose(f);
		return -1;
	}
	text[fread(text, 1, (size_t)size, f)] = '\0';
	fclose(f);
	if (strlen(text) != (size_t)size) {
		snprintf(err, errlen, "%s: contains a NUL byte", path);
		free(text);
		return -1;
	}
	rc = config_parse(text, path, c, err, errlen);
	free(text);
	return rc;
}

void config_free(struct config *c)
{
	size_t i;

	for (i = 0; i < c->n_neighbors; i++)
		free(c->neighbors[i].announce);
	free(c->neighbors);
	free(c->peerings);
	free(c->xdp);
	memset(c, 0, sizeof(*c));
}

const struct config_neighbor *config_find_neighbor(const struct config *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->n_neighbors; i++)
		if (!strcmp(c->neighbors[i].name, name))
			return &c->neighbors[i];
	return NULL;
}

const struct config_peering *config_find_peering(const struct config *c, const char *name)
{
	for (size_t i = 0; i < c->n_peerings; i++)
		if (!strcmp(c->peerings[i].name, name))
			return &c->peerings[i];
	return NULL;
}

const struct config_xdp *config_find_xdp(const struct config *c, const char *ifname)
{
	for (size_t i = 0; i < c->n_xdp; i++)
		if (!strcmp(c->xdp[i].ifname, ifname))
			return &c->xdp[i];
	return NULL;
}

bool config_neighbor_differs(const struct config_neighbor *a, const struct config_neighbor *b)
{
	/* Everything up to the announce list is plain data; compare it whole. */
	return memcmp(a, b, offsetof(struct config_neighbor, n_announce)) ||
	       a->n_announce != b->n_announce ||
	       (a->n_announce && memcmp(a->announce, b->announce,
					a->n_announce * sizeof(*a->announce)));
}

const char *config_addr_format(const struct config_addr *a, char *buf, size_t len)
{
	if (!a->family || !inet_ntop(a->family, &a->a, buf, (socklen_t)len))
		snprintf(buf, len, "-");
	return buf;
}
