// SPDX-License-Identifier: GPL-2.0
/* peeredge bfd: show, add, set, del and monitor kbfd sessions. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cli_bfd.h"
#include "json.h"

static const char *const verb_names[] = {
	[BFD_VERB_SHOW]		= "show",
	[BFD_VERB_ADD]		= "add",
	[BFD_VERB_SET]		= "set",
	[BFD_VERB_DEL]		= "del",
	[BFD_VERB_MONITOR]	= "monitor",
};

#define VERB_BIT(verb) (1u << (verb))
/* Verbs that name a session (show uses the key as a filter). */
#define KEY_VERBS (VERB_BIT(BFD_VERB_SHOW) | VERB_BIT(BFD_VERB_ADD) | \
		   VERB_BIT(BFD_VERB_SET) | VERB_BIT(BFD_VERB_DEL))
#define CONFIG_VERBS (VERB_BIT(BFD_VERB_ADD) | VERB_BIT(BFD_VERB_SET))

enum bfd_option {
	OPT_LOCAL,
	OPT_DEV,
	OPT_MULTIHOP,
	OPT_INTERVAL,
	OPT_RX_INTERVAL,
	OPT_MULTIPLIER,
	OPT_AUTH,
	OPT_KEY_ID,
	OPT_KEY,
	OPT_ADMIN_DOWN,
	OPT_ADMIN_UP,
};
#define OPT_COUNT (OPT_ADMIN_UP + 1)

#define OPT_BIT(opt) (1u << (opt))

static const struct {
	const char *name;
	const char *value_name;	/* NULL for a flag */
	unsigned int verbs;	/* VERB_BITs it applies to */
} options[OPT_COUNT] = {
	[OPT_LOCAL]		= { "local", "ADDR", KEY_VERBS },
	[OPT_DEV]		= { "dev", "IFNAME", KEY_VERBS },
	[OPT_MULTIHOP]		= { "multihop", NULL, KEY_VERBS },
	[OPT_INTERVAL]		= { "interval", "USEC", CONFIG_VERBS },
	[OPT_RX_INTERVAL]	= { "rx-interval", "USEC", CONFIG_VERBS },
	[OPT_MULTIPLIER]	= { "multiplier", "N", CONFIG_VERBS },
	[OPT_AUTH]		= { "auth", "TYPE", CONFIG_VERBS },
	[OPT_KEY_ID]		= { "key-id", "N", CONFIG_VERBS },
	[OPT_KEY]		= { "key", "SECRET", CONFIG_VERBS },
	[OPT_ADMIN_DOWN]	= { "admin-down", NULL, CONFIG_VERBS },
	[OPT_ADMIN_UP]		= { "admin-up", NULL, VERB_BIT(BFD_VERB_SET) },
};

/* Attributes a set changes; a set without any of them is a mistake. */
#define CONFIG_ATTRS (BFD_ATTR_BIT(KBFD_A_DESIRED_MIN_TX_US) |	\
		      BFD_ATTR_BIT(KBFD_A_REQUIRED_MIN_RX_US) |	\
		      BFD_ATTR_BIT(KBFD_A_DETECT_MULT) |		\
		      BFD_ATTR_BIT(KBFD_A_ADMIN_DOWN) |		\
		      BFD_ATTR_BIT(KBFD_A_AUTH_TYPE))

/* "192.0.2.1 local 192.0.2.2 dev eth0 multihop": two addresses, a name, words. */
#define SESSION_NAME_LEN (2 * IP_ADDR_STRLEN + IF_NAMESIZE + 32)

static void print_bfd_usage(FILE *out)
{
	fputs("Usage: peeredge [-j] bfd show [PEER] [local ADDR] [dev IFNAME] [multihop]\n"
	      "       peeredge bfd add PEER [local ADDR] [dev IFNAME] [multihop] [OPTION...]\n"
	      "       peeredge bfd set PEER [local ADDR] [dev IFNAME] [multihop] OPTION...\n"
	      "       peeredge bfd del PEER [local ADDR] [dev IFNAME] [multihop]\n"
	      "       peeredge [-j] bfd monitor\n"
	      "       peeredge bfd lag add dev BOND peer ADDR [local ADDR] [OPTION...]\n"
	      "                            [min-links N]\n"
	      "       peeredge bfd lag del dev BOND\n"
	      "       peeredge [-j] bfd lag show [dev BOND]\n"
	      "       peeredge bfd help\n"
	      "\n"
	      "A session is named by PEER, local, dev and multihop exactly as it was\n"
	      "added; show lists the sessions matching what is given.\n"
	      "\n"
	      "OPTION:\n"
	      "  interval USEC      desired min TX and required min RX interval,\n"
	      "                     100..60000000 microseconds (default 300000)\n"
	      "  rx-interval USEC   required min RX interval, when it differs\n"
	      "  multiplier N       detection multiplier, 1..255 (default 3)\n"
	      "  auth TYPE key-id N key SECRET\n"
	      "                     TYPE: simple, keyed-md5, meticulous-md5, keyed-sha1,\n"
	      "                     meticulous-sha1; set also takes 'auth none'\n"
	      "  admin-down         hold the session AdminDown; set takes admin-up to\n"
	      "                     release it\n"
	      "\n"
	      "lag: RFC 7130 micro-BFD, one session per member of the bonding device\n"
	      "BOND (IPv4); a member whose session is not Up carries no data. The LAG\n"
	      "is Up while at least min-links (1..1024, default 1) members are Up.\n"
	      "Members follow the bond: enslaved ports join, released ports leave.\n"
	      "\n"
	      "-j: show prints a JSON array, monitor one JSON object per line.\n"
	      "Exit status: 0 done, 1 failed (kbfd not loaded, refused by the kernel,\n"
	      "no such session or interface), 2 command line not understood.\n", out);
}

static int find_option(const char *word)
{
	int opt;

	for (opt = 0; opt < OPT_COUNT; opt++)
		if (!strcmp(word, options[opt].name))
			return opt;
	return -1;
}

static int parse_number(const char *option, const char *value, uint32_t min,
			uint32_t max, uint32_t *out, struct cli_error *err)
{
	int ret = cli_parse_u32(value, min, max, out);

	if (ret == -EINVAL)
		return cli_fail(err, CLI_EXIT_USAGE, "%s: '%s' is not a number", option, value);
	if (ret)
		return cli_fail(err, CLI_EXIT_USAGE, "%s: %s is out of range %u..%u",
				option, value, min, max);
	return CLI_EXIT_OK;
}

static int parse_interval(const char *option, const char *value, uint32_t *out,
			  struct cli_error *err)
{
	int ret = cli_parse_u32(value, KBFD_MIN_INTERVAL_US, KBFD_MAX_INTERVAL_US, out);

	if (ret == -EINVAL)
		return cli_fail(err, CLI_EXIT_USAGE,
				"%s: '%s' is not a number of microseconds", option, value);
	if (ret)
		return cli_fail(err, CLI_EXIT_USAGE,
				"%s: %s is out of range %u..%u microseconds",
				option, value, KBFD_MIN_INTERVAL_US, KBFD_MAX_INTERVAL_US);
	return CLI_EXIT_OK;
}

static int parse_auth_type(const char *value, enum bfd_verb verb, uint8_t *type,
			   struct cli_error *err)
{
	uint8_t t;

	for (t = KBFD_AUTH_NONE; t <= KBFD_AUTH_METICULOUS_SHA1; t++) {
		if (strcmp(value, bfd_auth_name(t)))
			continue;
		if (t == KBFD_AUTH_NONE && verb != BFD_VERB_SET)
			break;	/* a new session has no authentication anyway */
		*type = t;
		return CLI_EXIT_OK;
	}
	return cli_fail(err, CLI_EXIT_USAGE,
			"auth: '%s' is not one of simple, keyed-md5, meticulous-md5, "
			"keyed-sha1, meticulous-sha1%s", value,
			verb == BFD_VERB_SET ? ", none" : "");
}

/* Longest key RFC 5880 section 4.2 allows for each authentication type. */
static size_t auth_key_max(uint8_t type)
{
	return type == KBFD_AUTH_KEYED_SHA1 || type == KBFD_AUTH_METICULOUS_SHA1 ? 20 : 16;
}

/* Stores one option's value in s; the caller has checked it applies. */
static int parse_option(enum bfd_option opt, const char *value, enum bfd_verb verb,
			struct bfd_session *s, struct cli_error *err)
{
	uint32_t number = 0;	/* on failure s is thrown away anyway */
	int ret = CLI_EXIT_OK;

	switch (opt) {
	case OPT_LOCAL:
		if (ip_addr_parse(value, &s->local))
			return cli_fail(err, CLI_EXIT_USAGE,
					"local: '%s' is not an IP address", value);
		bfd_mark(s, KBFD_A_LOCAL_ADDR);
		break;
	case OPT_DEV:
		ret = cli_ifindex(value, &s->ifindex);
		if (ret == -EINVAL)
			return cli_fail(err, CLI_EXIT_USAGE,
					"dev: '%s' is not an interface name", value);
		if (ret)
			return cli_fail(err, CLI_EXIT_FAILURE,
					"dev: no interface named '%s'", value);
		bfd_mark(s, KBFD_A_IFINDEX);
		break;
	case OPT_MULTIHOP:
		s->multihop = true;
		bfd_mark(s, KBFD_A_MULTIHOP);
		break;
	case OPT_INTERVAL:
		ret = parse_interval("interval", value, &s->desired_min_tx_us, err);
		bfd_mark(s, KBFD_A_DESIRED_MIN_TX_US);
		break;
	case OPT_RX_INTERVAL:
		ret = parse_interval("rx-interval", value, &s->required_min_rx_us, err);
		bfd_mark(s, KBFD_A_REQUIRED_MIN_RX_US);
		break;
	case OPT_MULTIPLIER:
		ret = parse_number("multiplier", value, 1, 255, &number, err);
		s->detect_mult = number;
		bfd_mark(s, KBFD_A_DETECT_MULT);
		break;
	case OPT_AUTH:
		ret = parse_auth_type(value, verb, &s->auth_type, err);
		bfd_mark(s, KBFD_A_AUTH_TYPE);
		break;
	case OPT_KEY_ID:
		ret = parse_number("key-id", value, 0, 255, &number, err);
		s->auth_key_id = number;
		bfd_mark(s, KBFD_A_AUTH_KEY_ID);
		break;
	case OPT_KEY:
		if (!value[0] || strlen(value) > KBFD_AUTH_KEY_MAX)
			return cli_fail(err, CLI_EXIT_USAGE, "key: must be 1..%d bytes",
					KBFD_AUTH_KEY_MAX);
		s->auth_key_len = strlen(value);
		memcpy(s->auth_key, value, s->auth_key_len);
		bfd_mark(s, KBFD_A_AUTH_KEY);
		break;
	case OPT_ADMIN_DOWN:
	case OPT_ADMIN_UP:
		s->admin_down = opt == OPT_ADMIN_DOWN;
		bfd_mark(s, KBFD_A_ADMIN_DOWN);
		break;
	}
	return ret;
}

/* Rules that involve more than one option. */
static int check_combination(enum bfd_verb verb, unsigned int seen,
			     struct bfd_session *s, struct cli_error *err)
{
	bool names_session = verb != BFD_VERB_SHOW && verb != BFD_VERB_MONITOR;

	if (names_session && !bfd_has(s, KBFD_A_PEER_ADDR))
		return cli_fail(err, CLI_EXIT_USAGE, "missing PEER address");
	if (bfd_has(s, KBFD_A_PEER_ADDR) && bfd_has(s, KBFD_A_LOCAL_ADDR) &&
	    s->peer.family != s->local.family)
		return cli_fail(err, CLI_EXIT_USAGE,
				"local address and PEER are not of the same family (IPv4, IPv6)");
	if (verb == BFD_VERB_ADD && ip_addr_is_v6_link_local(&s->peer) &&
	    !bfd_has(s, KBFD_A_IFINDEX))
		return cli_fail(err, CLI_EXIT_USAGE, "a link-local PEER needs 'dev IFNAME'");
	if ((seen & OPT_BIT(OPT_ADMIN_DOWN)) && (seen & OPT_BIT(OPT_ADMIN_UP)))
		return cli_fail(err, CLI_EXIT_USAGE, "'admin-down' and 'admin-up' exclude each other");

	if ((seen & OPT_BIT(OPT_INTERVAL)) && !(seen & OPT_BIT(OPT_RX_INTERVAL))) {
		s->required_min_rx_us = s->desired_min_tx_us;
		bfd_mark(s, KBFD_A_REQUIRED_MIN_RX_US);
	}

	if ((seen & OPT_BIT(OPT_AUTH)) && s->auth_type != KBFD_AUTH_NONE) {
		if (!(seen & OPT_BIT(OPT_KEY_ID)) || !(seen & OPT_BIT(OPT_KEY)))
			return cli_fail(err, CLI_EXIT_USAGE,
					"auth %s needs 'key-id N' and 'key SECRET'",
					bfd_auth_name(s->auth_type));
		if (s->auth_key_len > auth_key_max(s->auth_type))
			return cli_fail(err, CLI_EXIT_USAGE, "key: %s keys are 1..%zu bytes",
					bfd_auth_name(s->auth_type), auth_key_max(s->auth_type));
	} else if (seen & (OPT_BIT(OPT_KEY_ID) | OPT_BIT(OPT_KEY))) {
		return cli_fail(err, CLI_EXIT_USAGE, (seen & OPT_BIT(OPT_AUTH)) ?
				"'auth none' takes no key-id or key" :
				"'key-id' and 'key' need 'auth TYPE'");
	}

	if (verb == BFD_VERB_SET && !(s->present & CONFIG_ATTRS))
		return cli_fail(err, CLI_EXIT_USAGE, "nothing to change");
	return CLI_EXIT_OK;
}

static int unknown_word(const char *word, struct cli_error *err)
{
	/* `peeredge bfd show -j` is an easy slip. */
	if (word[0] == '-')
		return cli_fail(err, CLI_EXIT_USAGE,
				"'%s': options go before the object, as in 'peeredge -j bfd show'",
				word);
	return cli_fail(err, CLI_EXIT_USAGE, "unknown option '%s'", word);
}

int bfd_parse_args(enum bfd_verb verb, int argc, char **argv,
		   struct bfd_session *s, struct cli_error *err)
{
	unsigned int seen = 0;
	const char *value;
	int i = 0, opt, ret;

	memset(s, 0, sizeof(*s));
	if (verb == BFD_VERB_MONITOR && argc > 0)
		return cli_fail(err, CLI_EXIT_USAGE, "unexpected '%s'", argv[0]);
	if (argc > 0 && find_option(argv[0]) < 0) {
		if (argv[0][0] == '-')
			return unknown_word(argv[0], err);
		if (ip_addr_parse(argv[0], &s->peer))
			return cli_fail(err, CLI_EXIT_USAGE,
					"PEER '%s' is not an IP address", argv[0]);
		bfd_mark(s, KBFD_A_PEER_ADDR);
		i = 1;
	}
	for (; i < argc; i++) {
		opt = find_option(argv[i]);
		if (opt < 0)
			return unknown_word(argv[i], err);
		if (!(options[opt].verbs & VERB_BIT(verb)))
			return cli_fail(err, CLI_EXIT_USAGE, "'%s' does not apply to 'bfd %s'",
					options[opt].name, verb_names[verb]);
		if (seen & OPT_BIT(opt))
			return cli_fail(err, CLI_EXIT_USAGE, "'%s' is given twice",
					options[opt].name);
		seen |= OPT_BIT(opt);
		value = NULL;
		if (options[opt].value_name) {
			if (i + 1 == argc)
				return cli_fail(err, CLI_EXIT_USAGE, "'%s' needs a value (%s)",
						options[opt].name, options[opt].value_name);
			value = argv[++i];
		}
		ret = parse_option(opt, value, verb, s, err);
		if (ret)
			return ret;
	}
	return check_combination(verb, seen, s, err);
}

static const char *describe_session(const struct bfd_session *s, char *buf, size_t len)
{
	char peer[IP_ADDR_STRLEN], local[IP_ADDR_STRLEN], dev[IF_NAMESIZE];
	char lag[IF_NAMESIZE];
	bool has_dev = bfd_has(s, KBFD_A_IFINDEX) && s->ifindex;
	bool has_lag = bfd_has(s, KBFD_A_LAG_IFINDEX) && s->lag_ifindex;

	snprintf(buf, len, "%s%s%s%s%s%s%s%s",
		 bfd_has(s, KBFD_A_PEER_ADDR) ? ip_addr_format(&s->peer, peer, sizeof(peer)) : "any",
		 bfd_has(s, KBFD_A_LOCAL_ADDR) ? " local " : "",
		 bfd_has(s, KBFD_A_LOCAL_ADDR) ? ip_addr_format(&s->local, local, sizeof(local)) : "",
		 has_dev ? " dev " : "",
		 has_dev ? cli_ifname(s->ifindex, dev) : "",
		 s->multihop ? " multihop" : "",
		 has_lag ? " lag " : "",
		 has_lag ? cli_ifname(s->lag_ifindex, lag) : "");
	return buf;
}

/*
 * The kernel's answer as one line: a plain reason, then its own words.
 * lag: the command was about a LAG, which EEXIST and ENOENT then name.
 */
static int report_failure(const char *context, int err, const struct bfd_client *c, bool lag)
{
	const char *reason;

	if (c->message[0]) {
		cli_print_error(context, "%s", c->message);
		return CLI_EXIT_FAILURE;
	}
	switch (err) {
	case -EEXIST:
		reason = lag ? "LAG already exists" : "session already exists";
		break;
	case -ENOENT:
		reason = lag ? "no LAG on this interface" : "no such session";
		break;
	case -EPERM:
	case -EACCES:
		reason = "permission denied (needs CAP_NET_ADMIN)";
		break;
	default:
		reason = strerror(-err);
	}
	/* The kernel's words, unless they only repeat ours. */
	if (c->extack[0] && strcasecmp(c->extack, reason))
		cli_print_error(context, "%s: %s", reason, c->extack);
	else
		cli_print_error(context, "%s", reason);
	return CLI_EXIT_FAILURE;
}

static bool matches_filter(const struct bfd_session *filter, const struct bfd_session *s)
{
	if (bfd_has(filter, KBFD_A_PEER_ADDR) &&
	    (!bfd_has(s, KBFD_A_PEER_ADDR) || ip_addr_compare(&filter->peer, &s->peer)))
		return false;
	if (bfd_has(filter, KBFD_A_LOCAL_ADDR) &&
	    (!bfd_has(s, KBFD_A_LOCAL_ADDR) || ip_addr_compare(&filter->local, &s->local)))
		return false;
	if (bfd_has(filter, KBFD_A_IFINDEX) &&
	    (!bfd_has(s, KBFD_A_IFINDEX) || filter->ifindex != s->ifindex))
		return false;
	return !filter->multihop || s->multihop;
}

/* Peer, single-hop first, then local address (unspecified first), interface. */
static int compare_sessions(const void *pa, const void *pb)
{
	const struct bfd_session *a = pa, *b = pb;
	bool a_local = bfd_has(a, KBFD_A_LOCAL_ADDR), b_local = bfd_has(b, KBFD_A_LOCAL_ADDR);
	int diff = ip_addr_compare(&a->peer, &b->peer);

	if (diff)
		return diff;
	if (a->multihop != b->multihop)
		return a->multihop ? 1 : -1;
	if (a_local != b_local)
		return a_local ? 1 : -1;
	if (a_local && (diff = ip_addr_compare(&a->local, &b->local)))
		return diff;
	if (a->ifindex != b->ifindex)
		return a->ifindex < b->ifindex ? -1 : 1;
	return 0;
}

/* 300000 -> "300ms", 1000000 -> "1s", 150 -> "150us". */
static const char *format_usec(uint32_t usec, char *buf, size_t len)
{
	if (usec && usec % 1000000 == 0)
		snprintf(buf, len, "%us", usec / 1000000);
	else if (usec && usec % 1000 == 0)
		snprintf(buf, len, "%ums", usec / 1000);
	else
		snprintf(buf, len, "%uus", usec);
	return buf;
}

#define TEXT_LABEL "  %-15s"

static void print_session_text(const struct bfd_session *s)
{
	char name[SESSION_NAME_LEN], t1[16], t2[16];

	printf("%s\n", describe_session(s, name, sizeof(name)));
	if (bfd_has(s, KBFD_A_STATE)) {
		printf(TEXT_LABEL "%s", "state", bfd_state_name(s->state));
		if (bfd_has(s, KBFD_A_REMOTE_STATE))
			printf(" (remote %s)", bfd_state_name(s->remote_state));
		putchar('\n');
	}
	if (bfd_has(s, KBFD_A_DIAG))
		printf(TEXT_LABEL "%s\n", "diagnostic", bfd_diag_name(s->diag));
	if (bfd_has(s, KBFD_A_LOCAL_DISCR))
		printf(TEXT_LABEL "local %u, remote %u\n", "discriminator",
		       s->local_discr, s->remote_discr);
	if (bfd_has(s, KBFD_A_NEG_TX_US))
		printf(TEXT_LABEL "%s (desired %s)\n", "transmit",
		       format_usec(s->neg_tx_us, t1, sizeof(t1)),
		       format_usec(s->desired_min_tx_us, t2, sizeof(t2)));
	if (bfd_has(s, KBFD_A_NEG_RX_US))
		printf(TEXT_LABEL "%s (required %s)\n", "receive",
		       format_usec(s->neg_rx_us, t1, sizeof(t1)),
		       format_usec(s->required_min_rx_us, t2, sizeof(t2)));
	if (bfd_has(s, KBFD_A_DETECT_TIME_US))
		printf(TEXT_LABEL "%s (multiplier %u, remote %u)\n", "detection",
		       format_usec(s->detect_time_us, t1, sizeof(t1)),
		       s->detect_mult, s->remote_detect_mult);
	if (bfd_has(s, KBFD_A_AUTH_TYPE) && s->auth_type != KBFD_AUTH_NONE)
		printf(TEXT_LABEL "%s, key-id %u\n", "auth",
		       bfd_auth_name(s->auth_type), s->auth_key_id);
	if (bfd_has(s, KBFD_A_RX_PACKETS))
		printf(TEXT_LABEL "rx %llu, tx %llu, dropped %llu\n", "packets",
		       (unsigned long long)s->rx_packets,
		       (unsigned long long)s->tx_packets,
		       (unsigned long long)s->rx_drops);
	if (bfd_has(s, KBFD_A_UP_TRANSITIONS))
		printf(TEXT_LABEL "%u\n", "times up", s->up_transitions);
}

static void json_session_key(struct json_writer *w, const struct bfd_session *s)
{
	char peer[IP_ADDR_STRLEN], local[IP_ADDR_STRLEN], dev[IF_NAMESIZE];
	bool has_dev = bfd_has(s, KBFD_A_IFINDEX) && s->ifindex;

	json_kv_string(w, "peer", bfd_has(s, KBFD_A_PEER_ADDR) ?
		       ip_addr_format(&s->peer, peer, sizeof(peer)) : NULL);
	json_kv_string(w, "local", bfd_has(s, KBFD_A_LOCAL_ADDR) ?
		       ip_addr_format(&s->local, local, sizeof(local)) : NULL);
	json_kv_string(w, "dev", has_dev ? cli_ifname(s->ifindex, dev) : NULL);
	if (has_dev)
		json_kv_u64(w, "ifindex", s->ifindex);
	json_kv_bool(w, "multihop", s->multihop);
	if (bfd_has(s, KBFD_A_LAG_IFINDEX) && s->lag_ifindex) {
		json_kv_string(w, "lag", cli_ifname(s->lag_ifindex, dev));
		json_kv_u64(w, "lag_ifindex", s->lag_ifindex);
	}
}

#define JSON_IF_PRESENT(w, s, attr, key, value)			\
	do {							\
		if (bfd_has(s, attr))				\
			json_kv_u64(w, key, value);		\
	} while (0)

static void json_session(struct json_writer *w, const struct bfd_session *s)
{
	json_start_object(w);
	json_session_key(w, s);
	if (bfd_has(s, KBFD_A_STATE))
		json_kv_string(w, "state", bfd_state_name(s->state));
	if (bfd_has(s, KBFD_A_REMOTE_STATE))
		json_kv_string(w, "remote_state", bfd_state_name(s->remote_state));
	if (bfd_has(s, KBFD_A_DIAG)) {
		json_kv_string(w, "diag", bfd_diag_name(s->diag));
		json_kv_u64(w, "diag_code", s->diag);
	}
	if (bfd_has(s, KBFD_A_ADMIN_DOWN))
		json_kv_bool(w, "admin_down", s->admin_down);
	JSON_IF_PRESENT(w, s, KBFD_A_LOCAL_DISCR, "local_discr", s->local_discr);
	JSON_IF_PRESENT(w, s, KBFD_A_REMOTE_DISCR, "remote_discr", s->remote_discr);
	JSON_IF_PRESENT(w, s, KBFD_A_NEG_TX_US, "tx_interval_us", s->neg_tx_us);
	JSON_IF_PRESENT(w, s, KBFD_A_NEG_RX_US, "rx_interval_us", s->neg_rx_us);
	JSON_IF_PRESENT(w, s, KBFD_A_DESIRED_MIN_TX_US, "desired_min_tx_us",
			s->desired_min_tx_us);
	JSON_IF_PRESENT(w, s, KBFD_A_REQUIRED_MIN_RX_US, "required_min_rx_us",
			s->required_min_rx_us);
	JSON_IF_PRESENT(w, s, KBFD_A_DETECT_MULT, "multiplier", s->detect_mult);
	JSON_IF_PRESENT(w, s, KBFD_A_REMOTE_DETECT_MULT, "remote_multiplier",
			s->remote_detect_mult);
	JSON_IF_PRESENT(w, s, KBFD_A_DETECT_TIME_US, "detect_time_us", s->detect_time_us);
	if (bfd_has(s, KBFD_A_AUTH_TYPE))
		json_kv_string(w, "auth", bfd_auth_name(s->auth_type));
	JSON_IF_PRESENT(w, s, KBFD_A_AUTH_KEY_ID, "auth_key_id", s->auth_key_id);
	JSON_IF_PRESENT(w, s, KBFD_A_RX_PACKETS, "rx_packets", s->rx_packets);
	JSON_IF_PRESENT(w, s, KBFD_A_TX_PACKETS, "tx_packets", s->tx_packets);
	JSON_IF_PRESENT(w, s, KBFD_A_RX_DROPS, "rx_drops", s->rx_drops);
	JSON_IF_PRESENT(w, s, KBFD_A_UP_TRANSITIONS, "up_transitions", s->up_transitions);
	json_end_object(w);
}

static int run_show(const struct cli_options *opts, struct bfd_client *c,
		    const struct bfd_session *filter, const char *context)
{
	struct bfd_session *sessions;
	struct json_writer w;
	size_t count, shown = 0, i;
	int ret = CLI_EXIT_OK, err;

	err = bfd_client_dump(c, &sessions, &count);
	if (err)
		return report_failure(context, err, c, false);
	for (i = 0; i < count; i++)
		if (matches_filter(filter, &sessions[i]))
			sessions[shown++] = sessions[i];
	if (shown)	/* sessions is NULL when there are none */
		qsort(sessions, shown, sizeof(*sessions), compare_sessions);

	if (!shown && filter->present) {
		cli_print_error(context, "no such session");
		ret = CLI_EXIT_FAILURE;
	} else if (opts->json) {
		json_init(&w, stdout);
		json_start_array(&w);
		for (i = 0; i < shown; i++)
			json_session(&w, &sessions[i]);
		json_end_array(&w);
		if (json_finish(&w))
			ret = CLI_EXIT_FAILURE;	/* peeredge.c reports the write error */
	} else {
		for (i = 0; i < shown; i++) {
			if (i)
				putchar('\n');
			print_session_text(&sessions[i]);
		}
	}
	free(sessions);
	return ret;
}

struct monitor {
	const struct cli_options *opts;
	struct json_writer json;
	bool output_failed;
};

/*
 * Wall-clock time of an event, "2026-11-21T23:59:01.123456Z": the kernel
 * stamps it with CLOCK_MONOTONIC where the change was decided.
 */
static const char *format_event_time(const struct bfd_session *e, char *buf, size_t len)
{
	const int64_t ns_per_s = 1000000000;
	struct timespec mono, real;
	int64_t real_ns;
	struct tm tm;
	time_t sec;
	size_t n;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	real_ns = real.tv_sec * ns_per_s + real.tv_nsec;
	if (bfd_has(e, KBFD_A_TIMESTAMP_NS))
		real_ns -= mono.tv_sec * ns_per_s + mono.tv_nsec - (int64_t)e->timestamp_ns;
	sec = real_ns / ns_per_s;
	gmtime_r(&sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%06dZ", (int)(real_ns % ns_per_s / 1000));
	return buf;
}

static void print_event(const struct bfd_session *e, void *arg)
{
	char time[40], name[SESSION_NAME_LEN];
	struct monitor *m = arg;

	format_event_time(e, time, sizeof(time));
	if (m->opts->json) {
		json_start_object(&m->json);
		json_kv_string(&m->json, "time", time);
		JSON_IF_PRESENT(&m->json, e, KBFD_A_TIMESTAMP_NS, "timestamp_ns", e->timestamp_ns);
		json_session_key(&m->json, e);
		JSON_IF_PRESENT(&m->json, e, KBFD_A_LOCAL_DISCR, "local_discr", e->local_discr);
		if (bfd_has(e, KBFD_A_OLD_STATE))
			json_kv_string(&m->json, "old_state", bfd_state_name(e->old_state));
		json_kv_string(&m->json, "state", bfd_state_name(e->state));
		json_kv_string(&m->json, "diag", bfd_diag_name(e->diag));
		json_kv_u64(&m->json, "diag_code", e->diag);
		json_end_object(&m->json);
		if (json_finish(&m->json))
			m->output_failed = true;
		return;
	}
	printf("%s %s: %s%s%s (%s)\n", time, describe_session(e, name, sizeof(name)),
	       bfd_has(e, KBFD_A_OLD_STATE) ? bfd_state_name(e->old_state) : "",
	       bfd_has(e, KBFD_A_OLD_STATE) ? " -> " : "",
	       bfd_state_name(e->state), bfd_diag_name(e->diag));
	if (fflush(stdout))
		m->output_failed = true;
}

static const char *lag_change_name(uint8_t change)
{
	switch (change) {
	case KBFD_LAG_CHANGE_STATE:
		return "state";
	case KBFD_LAG_CHANGE_MEMBER_ADD:
		return "member-added";
	case KBFD_LAG_CHANGE_MEMBER_DEL:
		return "member-removed";
	case KBFD_LAG_CHANGE_DELETED:
		return "deleted";
	}
	return "unknown";
}

static void print_lag_event(const struct bfd_lag *e, void *arg)
{
	char time[40], bond[IF_NAMESIZE], member[IF_NAMESIZE];
	struct monitor *m = arg;
	struct bfd_session stamp = { .timestamp_ns = e->timestamp_ns };
	bool has_member = (e->present & BFD_ATTR_BIT(KBFD_A_IFINDEX)) && e->member_ifindex;

	if (e->present & BFD_ATTR_BIT(KBFD_A_TIMESTAMP_NS))
		bfd_mark(&stamp, KBFD_A_TIMESTAMP_NS);
	format_event_time(&stamp, time, sizeof(time));
	cli_ifname(e->ifindex, bond);
	if (has_member)
		cli_ifname(e->member_ifindex, member);
	if (m->opts->json) {
		json_start_object(&m->json);
		json_kv_string(&m->json, "time", time);
		json_kv_u64(&m->json, "timestamp_ns", e->timestamp_ns);
		json_kv_string(&m->json, "lag", bond);
		json_kv_u64(&m->json, "lag_ifindex", e->ifindex);
		json_kv_string(&m->json, "change", lag_change_name(e->change));
		if (has_member) {
			json_kv_string(&m->json, "member", member);
			json_kv_u64(&m->json, "member_ifindex", e->member_ifindex);
		}
		json_kv_string(&m->json, "old_state", bfd_state_name(e->old_state));
		json_kv_string(&m->json, "state", bfd_state_name(e->state));
		json_kv_u64(&m->json, "members_up", e->members_up);
		json_kv_u64(&m->json, "min_links", e->min_links);
		json_end_object(&m->json);
		if (json_finish(&m->json))
			m->output_failed = true;
		return;
	}
	if (e->change == KBFD_LAG_CHANGE_STATE)
		printf("%s lag %s: %s -> %s (%u up, min-links %u)\n", time, bond,
		       bfd_state_name(e->old_state), bfd_state_name(e->state),
		       e->members_up, e->min_links);
	else if (e->change == KBFD_LAG_CHANGE_DELETED)
		printf("%s lag %s: deleted with its bond\n", time, bond);
	else
		printf("%s lag %s: %s %s (%u up, min-links %u)\n", time, bond,
		       e->change == KBFD_LAG_CHANGE_MEMBER_ADD ? "member added" :
		       "member removed", has_member ? member : "?",
		       e->members_up, e->min_links);
	if (fflush(stdout))
		m->output_failed = true;
}

static volatile sig_atomic_t stop_requested;

static void request_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static int run_monitor(const struct cli_options *opts, struct bfd_client *c,
		       const char *context)
{
	struct sigaction on_stop = { .sa_handler = request_stop };
	struct monitor m = { .opts = opts };
	sigset_t stop_signals, while_waiting;
	struct pollfd pfd;
	int err;

	err = bfd_client_subscribe(c);
	if (err)
		return report_failure(context, err, c, false);
	json_init(&m.json, stdout);

	/*
	 * SIGINT/SIGTERM end the stream with exit 0. They stay blocked except
	 * inside ppoll(), so one cannot land between the check and the wait.
	 */
	sigemptyset(&stop_signals);
	sigaddset(&stop_signals, SIGINT);
	sigaddset(&stop_signals, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop_signals, &while_waiting);
	sigaction(SIGINT, &on_stop, NULL);
	sigaction(SIGTERM, &on_stop, NULL);

	pfd = (struct pollfd){ .fd = bfd_client_fd(c), .events = POLLIN };
	while (!stop_requested && !m.output_failed) {
		if (ppoll(&pfd, 1, NULL, &while_waiting) < 0) {
			if (errno == EINTR)
				continue;
			cli_print_error(context, "waiting for events: %s", strerror(errno));
			return CLI_EXIT_FAILURE;
		}
		err = bfd_client_recv_all_events(c, print_event, print_lag_event, &m);
		if (err == -ENOBUFS)
			cli_print_error(context, "warning: %s", c->message);
		else if (err)
			return report_failure(context, err, c, false);
	}
	return m.output_failed ? CLI_EXIT_FAILURE : CLI_EXIT_OK;
}

static int run_change(struct bfd_client *c, enum bfd_verb verb,
		      const struct bfd_session *s, const char *context)
{
	int err;

	if (verb == BFD_VERB_ADD)
		err = bfd_client_add(c, s);
	else if (verb == BFD_VERB_SET)
		err = bfd_client_set(c, s);
	else
		err = bfd_client_del(c, s);
	if (err)
		return report_failure(context, err, c, false);
	if (c->warning[0])
		cli_print_error(context, "warning: %s", c->warning);
	return CLI_EXIT_OK;
}

/* peeredge bfd lag add|del|show */

static void print_lag_text(const struct bfd_lag *l)
{
	char bond[IF_NAMESIZE], dev[IF_NAMESIZE], peer[IP_ADDR_STRLEN];
	char local[IP_ADDR_STRLEN], t1[16];
	size_t i;

	printf("lag %s peer %s local %s\n", cli_ifname(l->ifindex, bond),
	       ip_addr_format(&l->peer, peer, sizeof(peer)),
	       ip_addr_format(&l->local, local, sizeof(local)));
	printf(TEXT_LABEL "%s (%u of %zu members up, min-links %u)\n", "state",
	       bfd_state_name(l->state), l->members_up, l->n_members, l->min_links);
	printf(TEXT_LABEL "%s x %u\n", "interval",
	       format_usec(l->desired_min_tx_us, t1, sizeof(t1)), l->detect_mult);
	if (l->auth_type != KBFD_AUTH_NONE)
		printf(TEXT_LABEL "%s, key-id %u\n", "auth", bfd_auth_name(l->auth_type),
		       l->auth_key_id);
	for (i = 0; i < l->n_members; i++) {
		const struct bfd_lag_member *m = &l->members[i];

		printf(TEXT_LABEL "%s %s (remote %s), %s, discriminator %u/%u\n", "member",
		       cli_ifname(m->ifindex, dev), bfd_state_name(m->state),
		       bfd_state_name(m->remote_state), bfd_diag_name(m->diag),
		       m->local_discr, m->remote_discr);
	}
}

static void json_lag(struct json_writer *w, const struct bfd_lag *l)
{
	char bond[IF_NAMESIZE], dev[IF_NAMESIZE], peer[IP_ADDR_STRLEN];
	char local[IP_ADDR_STRLEN];
	size_t i;

	json_start_object(w);
	json_kv_string(w, "lag", cli_ifname(l->ifindex, bond));
	json_kv_u64(w, "lag_ifindex", l->ifindex);
	json_kv_string(w, "peer", ip_addr_format(&l->peer, peer, sizeof(peer)));
	json_kv_string(w, "local", ip_addr_format(&l->local, local, sizeof(local)));
	json_kv_string(w, "state", bfd_state_name(l->state));
	json_kv_u64(w, "members_up", l->members_up);
	json_kv_u64(w, "min_links", l->min_links);
	json_kv_u64(w, "desired_min_tx_us", l->desired_min_tx_us);
	json_kv_u64(w, "required_min_rx_us", l->required_min_rx_us);
	json_kv_u64(w, "multiplier", l->detect_mult);
	json_kv_string(w, "auth", bfd_auth_name(l->auth_type));
	json_key(w, "members");
	json_start_array(w);
	for (i = 0; i < l->n_members; i++) {
		const struct bfd_lag_member *m = &l->members[i];

		json_start_object(w);
		json_kv_string(w, "dev", cli_ifname(m->ifindex, dev));
		json_kv_u64(w, "ifindex", m->ifindex);
		json_kv_string(w, "state", bfd_state_name(m->state));
		json_kv_string(w, "remote_state", bfd_state_name(m->remote_state));
		json_kv_string(w, "diag", bfd_diag_name(m->diag));
		json_kv_u64(w, "local_discr", m->local_discr);
		json_kv_u64(w, "remote_discr", m->remote_discr);
		json_end_object(w);
	}
	json_end_array(w);
	json_end_object(w);
}

/* The LAG on bond (kbfd's LAG_GET for it), or every LAG when bond is 0. */
static int run_lag_show(const struct cli_options *opts, struct bfd_client *c,
			uint32_t bond, const char *context)
{
	struct bfd_lag one, *lags = &one;
	struct json_writer w;
	size_t count = 1, i;
	int ret = CLI_EXIT_OK, err;

	err = bond ? bfd_client_lag_get(c, bond, &one) :
		     bfd_client_lag_dump(c, &lags, &count);
	if (err)
		return report_failure(context, err, c, true);
	if (opts->json) {
		json_init(&w, stdout);
		json_start_array(&w);
		for (i = 0; i < count; i++)
			json_lag(&w, &lags[i]);
		json_end_array(&w);
		if (json_finish(&w))
			ret = CLI_EXIT_FAILURE;
	} else {
		for (i = 0; i < count; i++) {
			if (i)
				putchar('\n');
			print_lag_text(&lags[i]);
		}
	}
	if (bond)
		bfd_lag_clear(&one);
	else
		bfd_lags_free(lags, count);
	return ret;
}

enum lag_verb { LAG_ADD, LAG_DEL, LAG_SHOW };

/*
 * bfd lag WORDS: "dev BOND" names the LAG; add also takes "peer ADDR",
 * "min-links N" and the session options local, interval, rx-interval,
 * multiplier, auth, key-id, key.
 */
static int parse_lag_args(enum lag_verb verb, int argc, char **argv,
			  struct bfd_session *s, struct cli_error *err)
{
	unsigned int seen = 0;
	uint32_t number;
	int i, opt, ret;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < argc; i++) {
		const char *word = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(word, "dev") || !strcmp(word, "peer") ||
		    !strcmp(word, "min-links")) {
			if (!value)
				return cli_fail(err, CLI_EXIT_USAGE, "'%s' needs a value", word);
			i++;
			if (verb != LAG_ADD && strcmp(word, "dev"))
				return cli_fail(err, CLI_EXIT_USAGE,
						"'%s' only applies to 'bfd lag add'", word);
			if (!strcmp(word, "dev")) {
				if (bfd_has(s, KBFD_A_LAG_IFINDEX))
					return cli_fail(err, CLI_EXIT_USAGE, "'dev' is given twice");
				ret = cli_ifindex(value, &s->lag_ifindex);
				if (ret == -EINVAL)
					return cli_fail(err, CLI_EXIT_USAGE,
							"dev: '%s' is not an interface name", value);
				if (ret)
					return cli_fail(err, CLI_EXIT_FAILURE,
							"dev: no interface named '%s'", value);
				bfd_mark(s, KBFD_A_LAG_IFINDEX);
			} else if (!strcmp(word, "peer")) {
				if (ip_addr_parse(value, &s->peer))
					return cli_fail(err, CLI_EXIT_USAGE,
							"peer: '%s' is not an IP address", value);
				bfd_mark(s, KBFD_A_PEER_ADDR);
			} else {
				ret = parse_number("min-links", value, 1, KBFD_LAG_MAX_MIN_LINKS,
						   &number, err);
				if (ret)
					return ret;
				s->lag_min_links = number;
				bfd_mark(s, KBFD_A_LAG_MIN_LINKS);
			}
			continue;
		}
		opt = find_option(word);
		if (opt < 0)
			return unknown_word(word, err);
		if (verb != LAG_ADD || opt == OPT_DEV || opt == OPT_MULTIHOP ||
		    opt == OPT_ADMIN_DOWN || opt == OPT_ADMIN_UP)
			return cli_fail(err, CLI_EXIT_USAGE, "'%s' does not apply to 'bfd lag %s'",
					word, verb == LAG_ADD ? "add" : verb == LAG_DEL ? "del" : "show");
		if (seen & OPT_BIT(opt))
			return cli_fail(err, CLI_EXIT_USAGE, "'%s' is given twice", word);
		seen |= OPT_BIT(opt);
		if (!value)
			return cli_fail(err, CLI_EXIT_USAGE, "'%s' needs a value (%s)", word,
					options[opt].value_name);
		i++;
		ret = parse_option(opt, value, BFD_VERB_ADD, s, err);
		if (ret)
			return ret;
	}
	if (verb != LAG_SHOW && !bfd_has(s, KBFD_A_LAG_IFINDEX))
		return cli_fail(err, CLI_EXIT_USAGE, "missing 'dev BOND'");
	if (verb != LAG_ADD)
		return CLI_EXIT_OK;
	if (!bfd_has(s, KBFD_A_PEER_ADDR))
		return cli_fail(err, CLI_EXIT_USAGE, "missing 'peer ADDR'");
	return check_combination(BFD_VERB_ADD, seen, s, err);
}

/* What usage errors end with. */
#define SEE_HELP " (see 'peeredge bfd help')"

/*
 * The verb of "peeredge OBJECT VERB ...": the index of (*argv)[0] in
 * names[n], *argc and *argv then past it; dflt when no word is left; -1
 * (reported) for an unknown word.
 */
static int take_verb(const char *object, const char *const *names, size_t n,
		     int dflt, int *argc, char ***argv)
{
	if (*argc == 0)
		return dflt;
	for (size_t i = 0; i < n; i++)
		if (!strcmp((*argv)[0], names[i])) {
			(*argc)--;
			(*argv)++;
			return (int)i;
		}
	cli_print_error(object, "unknown command '%s'" SEE_HELP, (*argv)[0]);
	return -1;
}

/* A parser's error: usage errors point at the help. */
static int report_parse_error(const char *context, const struct cli_error *err,
			      int ret)
{
	cli_print_error(context, "%s%s", err->msg, ret == CLI_EXIT_USAGE ? SEE_HELP : "");
	return ret;
}

static int cli_bfd_lag(const struct cli_options *opts, int argc, char **argv)
{
	static const char *const names[] = { "add", "del", "show" };
	char context[64], bond[IF_NAMESIZE];
	struct bfd_session s;
	struct bfd_client c;
	struct cli_error err;
	int verb, ret;

	verb = take_verb("bfd lag", names, sizeof(names) / sizeof(names[0]),
			 LAG_SHOW, &argc, &argv);
	if (verb < 0)
		return CLI_EXIT_USAGE;
	snprintf(context, sizeof(context), "bfd lag %s", names[verb]);
	ret = parse_lag_args(verb, argc, argv, &s, &err);
	if (ret)
		return report_parse_error(context, &err, ret);
	if (bfd_has(&s, KBFD_A_LAG_IFINDEX))
		snprintf(context, sizeof(context), "bfd lag %s %s", names[verb],
			 cli_ifname(s.lag_ifindex, bond));
	if (bfd_client_open(&c)) {
		cli_print_error(NULL, "%s", c.message);
		return CLI_EXIT_FAILURE;
	}
	if (verb == LAG_SHOW) {
		ret = run_lag_show(opts, &c, s.lag_ifindex, context);
	} else {
		int e = verb == LAG_ADD ? bfd_client_lag_add(&c, &s) :
					  bfd_client_lag_del(&c, &s);

		ret = e ? report_failure(context, e, &c, true) : CLI_EXIT_OK;
	}
	bfd_client_close(&c);
	return ret;
}

int cli_bfd(const struct cli_options *opts, int argc, char **argv)
{
	char context[SESSION_NAME_LEN + 16], name[SESSION_NAME_LEN];
	struct bfd_session s;
	struct bfd_client c;
	struct cli_error err;
	int verb, ret;

	if (argc > 0 && !strcmp(argv[0], "help")) {
		print_bfd_usage(stdout);
		return CLI_EXIT_OK;
	}
	if (argc > 0 && !strcmp(argv[0], "lag"))
		return cli_bfd_lag(opts, argc - 1, argv + 1);
	verb = take_verb("bfd", verb_names, sizeof(verb_names) / sizeof(verb_names[0]),
			 BFD_VERB_SHOW, &argc, &argv);
	if (verb < 0)
		return CLI_EXIT_USAGE;
	snprintf(context, sizeof(context), "bfd %s", verb_names[verb]);
	ret = bfd_parse_args(verb, argc, argv, &s, &err);
	if (ret)
		return report_parse_error(context, &err, ret);
	if (bfd_has(&s, KBFD_A_PEER_ADDR))
		snprintf(context, sizeof(context), "bfd %s %s", verb_names[verb],
			 describe_session(&s, name, sizeof(name)));

	if (bfd_client_open(&c)) {
		cli_print_error(NULL, "%s", c.message);
		return CLI_EXIT_FAILURE;
	}
	if (verb == BFD_VERB_SHOW)
		ret = run_show(opts, &c, &s, context);
	else if (verb == BFD_VERB_MONITOR)
		ret = run_monitor(opts, &c, context);
	else
		ret = run_change(&c, verb, &s, context);
	bfd_client_close(&c);
	return ret;
}
