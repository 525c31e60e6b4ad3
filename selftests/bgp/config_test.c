// SPDX-License-Identifier: GPL-2.0
/* Configuration parser: the whole grammar, and errors with file:line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"
#include "config.h"

static const char good[] =
	"# example\n"
	"router-id 192.0.2.1;\n"
	"local-as 4200000001;\n"
	"listen 10.99.0.1 port 1179;\n"
	"listen 10.99.0.1;\n"
	"listen ::1 port 1179;\n"
	"neighbor ms-1 {\n"
	"	address 10.99.0.2; remote-as 8075; local-address 10.99.0.1;\n"
	"	password \"with space\"; ttl-security; bfd on; passive;\n"
	"	max-prefix 500 restart 60; hold-time 30; port 1179;\n"
	"	announce 203.0.113.0/24 community 8075:8007 large-community 4200000001:1:2;\n"
	"	announce 2001:db8::/32;\n"
	"}\n"
	"neighbor ms-2 { address 2001:db8::2; remote-as 8075; max-prefix 10; bfd off;\n"
	"	enforce-first-as off; }\n";

TEST(parses_everything)
{
	const struct config_neighbor *n;
	struct config c;
	char err[256];

	ASSERT_EQ(0, config_parse(good, "good.conf", &c, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(0xc0000201u, c.router_id);
	EXPECT_EQ(4200000001u, c.local_as);
	ASSERT_EQ(3, c.n_listen);
	EXPECT_EQ(1179, c.listen[0].port);
	EXPECT_EQ(179, c.listen[1].port);
	EXPECT_EQ(AF_INET6, c.listen[2].addr.family);
	ASSERT_EQ(2, c.n_neighbors);
	n = config_find_neighbor(&c, "ms-1");
	ASSERT_NE(NULL, n);
	EXPECT_EQ(AF_INET, n->address.family);
	EXPECT_EQ(8075u, n->remote_as);
	EXPECT_STREQ("with space", n->password);
	EXPECT_TRUE(n->ttl_security && n->bfd && n->passive);
	EXPECT_EQ(500u, n->max_prefix);
	EXPECT_EQ(60u, n->max_prefix_restart);
	EXPECT_EQ(30, n->hold_time);
	EXPECT_EQ(1179, n->port);
	ASSERT_EQ(2, n->n_announce);
	ASSERT_EQ(1, n->announce[0].n_communities);
	EXPECT_EQ((8075u << 16) | 8007, n->announce[0].communities[0]);
	ASSERT_EQ(1, n->announce[0].n_large);
	EXPECT_EQ(4200000001u, n->announce[0].large[0].global);
	EXPECT_EQ(AF_INET6, n->announce[1].prefix.family);
	n = config_find_neighbor(&c, "ms-2");
	EXPECT_EQ(AF_INET6, n->address.family);
	EXPECT_FALSE(n->bfd);
	EXPECT_FALSE(n->enforce_first_as);
	EXPECT_TRUE(config_find_neighbor(&c, "ms-1")->enforce_first_as);
	EXPECT_EQ(0u, n->max_prefix_restart);
	EXPECT_EQ(CONFIG_DEFAULT_HOLD, n->hold_time);
	config_free(&c);
}

static const struct {
	const char *text, *error;
} bad[] = {
	{ "router-id 1.2.3.4;\nlocal-as 1;\nfoo;\n", "t.conf:3: unknown statement 'foo'" },
	{ "router-id 1.2.3.4\nlocal-as 1;\n", "t.conf:2: expected ';' but found 'local-as'" },
	{ "router-id ::1;\n", "t.conf:1: router-id must be a non-zero IPv4 address" },
	{ "local-as 0;\n", "t.conf:1: local-as must be a number from 1 to 4294967295, not '0'" },
	{ "router-id 1.2.3.4;\n", "t.conf:2: local-as is missing" },
	{ "router-id 1.2.3.4; local-as 1;\nneighbor a {\n address 10.0.0.1;\n}\n",
	  "t.conf:2: neighbor a: no remote-as" },
	{ "router-id 1.2.3.4; local-as 1;\nneighbor a { address 10.0.0.1; remote-as 2;\n"
	  " announce 10.0.0.1/8; }\n",
	  "t.conf:3: announce: '10.0.0.1/8' is not a prefix (host bits must be zero)" },
	{ "router-id 1.2.3.4; local-as 1;\nneighbor a { address 10.0.0.1; remote-as 2;\n"
	  " announce 10.0.0.0/8 community 8075:70000; }\n",
	  "t.conf:3: community '8075:70000' is not A:B (each 0-65535)" },
	{ "router-id 1.2.3.4; local-as 1;\nneighbor a { address 10.0.0.1; remote-as 2;\n"
	  " hold-time 2; }\n",
	  "t.conf:3: hold-time must be 0 or at least 3 seconds (RFC 4271)" },
	{ "router-id 1.2.3.4; local-as 1;\nneighbor a { address 10.0.0.1; remote-as 2; }\n"
	  "neighbor a { address 10.0.0.2; remote-as 2; }\n",
	  "t.conf:3: neighbor 'a' is defined twice" },
	{ "router-id 1.1.1.1; local-as 1;\nneighbor \"\" { address 10.0.0.2; remote-as 2; }\n",
	  "t.conf:2: neighbor name is empty" },
	{ "router-id 1.1.1.1; local-as 1;\nneighbor \"rs 1\" { address 10.0.0.2; remote-as 2; }\n",
	  "t.conf:2: neighbor name has a blank or a character that is not printable ASCII" },
	{ "router-id 1.1.1.1; local-as 1;\nneighbor \"rs\t1\" { address 10.0.0.2; remote-as 2; }\n",
	  "t.conf:2: neighbor name has a blank or a character that is not printable ASCII" },
	{ "router-id 1.1.1.1; local-as 1;\nneighbor \"rs\x1b[2J\" { address 10.0.0.2; remote-as 2; }\n",
	  "t.conf:2: neighbor name has a blank or a character that is not printable ASCII" },
	{ "router-id 1.1.1.1; local-as 1;\nneighbor \"r\xc3\xa9seau\" { address 10.0.0.2; remote-as 2; }\n",
	  "t.conf:2: neighbor name has a blank or a character that is not printable ASCII" },
	{ "router-id 1.2.3.4; local-as 1;\nneighbor a { address 10.0.0.1; remote-as 2; }\n"
	  "neighbor b { address 10.0.0.1; remote-as 2; }\n",
	  "t.conf:3: neighbor b: address already used by neighbor a" },
	{ "router-id 1.2.3.4; local-as 1;\nneighbor a { address 10.0.0.1; remote-as 2;\n"
	  " password \"open\n", "t.conf:3: unterminated string" },
	{ "router-id 1.2.3.4; local-as 1;\nneighbor a { address 10.0.0.1; remote-as 2;\n"
	  " bfd maybe; }\n", "t.conf:3: bfd must be on or off, not 'maybe'" },
	{ "router-id 1.2.3.4; local-as 1;\nneighbor a { address 10.0.0.1; remote-as 2;\n",
	  "t.conf:3: neighbor a: missing '}'" },
	{ "router-id 1.2.3.4; local-as 1;\nneighbor a { address 10.0.0.1; remote-as 2;\n"
	  " local-address ::1; }\n",
	  "t.conf:2: neighbor a: local-address and address are of different families" },
	{ "router-id 1.2.3.4; local-as 1;\npeering p { asn 64512; kind voice; }\n",
	  "t.conf:2: peering p: asn 64512 is not a public ASN" },
	{ "router-id 1.2.3.4; local-as 1;\npeering p {\n asn 3320; }\n",
	  "t.conf:2: peering p: needs asn and kind" },
	{ "router-id 1.2.3.4; local-as 1;\npeering p { asn 3320; kind transit; }\n",
	  "t.conf:2: kind must be voice or route-server, not 'transit'" },
	{ "router-id 1.2.3.4; local-as 1;\nneighbor a { address 10.0.0.1; remote-as 2;\n"
	  " peering p; location AMS; }\n",
	  "t.conf:2: neighbor a: a connection needs peering, location and router" },
	{ "router-id 1.2.3.4; local-as 1;\nneighbor a { address 10.0.0.1; remote-as 2;\n"
	  " peering p; location AMS; router r1; }\n",
	  "t.conf:2: neighbor a: peering 'p' is not defined" },
	{ "router-id 1.2.3.4; local-as 1;\nneighbor a { address 10.0.0.1; remote-as 2;\n"
	  " location \"A B\"; }\n",
	  "t.conf:3: location: 'A B' is not a name (1-63 of A-Z a-z 0-9 . _ -, starting with "
	  "a letter or digit)" },
	{ "router-id 1.2.3.4; local-as 1;\nfib table 255;\n",
	  "t.conf:2: fib table 255 is the kernel's (default, local)" },
	{ "router-id 1.2.3.4; local-as 1;\nfib table 100 nexthop-id-base 0;\n",
	  "t.conf:2: nexthop-id-base must be a number from 1 to 4293918719, not '0'" },
	{ "router-id 1.2.3.4; local-as 1;\nregistry;\n", "t.conf:2: registry file expected" },
	/* No path is empty, or a brace. */
	{ "router-id 1.2.3.4; local-as 1;\nregistry \"\";\n", "t.conf:2: registry: empty path" },
	{ "router-id 1.2.3.4; local-as 1;\nstate-file \"\";\n", "t.conf:2: state-file: empty path" },
	{ "router-id 1.2.3.4; local-as 1;\nregistry /a.db\nneighbor a {\n address 10.0.0.1; }\n",
	  "t.conf:3: registry: 'neighbor' is not an absolute path, or the ';' before it is "
	  "missing" },
	{ "router-id 1.2.3.4; local-as 1;\nregistry /a.db }\n", "t.conf:2: registry: missing ';'" },
	/* Relative paths would follow wherever the daemon was started. */
	{ "router-id 1.2.3.4; local-as 1;\nregistry a.db;\n",
	  "t.conf:2: registry: 'a.db' is not an absolute path" },
	{ "router-id 1.2.3.4; local-as 1;\nregistry /a.db irr.db;\n",
	  "t.conf:2: registry: 'irr.db' is not an absolute path, or the ';' before it is "
	  "missing" },
	{ "router-id 1.2.3.4; local-as 1;\nstate-file state;\n",
	  "t.conf:2: state-file: 'state' is not an absolute path" },
	/* The second would fail to bind at start, after the config was taken. */
	{ "router-id 1.2.3.4; local-as 1;\nlisten 10.0.0.1 port 179;\nlisten 10.0.0.1;\n",
	  "t.conf:3: listen 10.0.0.1 port 179: given twice" },
	{ "router-id 1.2.3.4; local-as 1;\nlisten ::1; listen 0::1 port 179;\n",
	  "t.conf:2: listen ::1 port 179: given twice" },
	{ "router-id 1.2.3.4; local-as 1;\ngrace-period -1;\n",
	  "t.conf:2: grace-period must be a number from 0 to 86400, not '-1'" },
};

TEST(errors_carry_file_line_and_nothing_is_kept)
{
	struct config c;
	char err[256];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&c, 0xff, sizeof(c));
		EXPECT_EQ(-1, config_parse(bad[i].text, "t.conf", &c, err, sizeof(err)));
		EXPECT_STREQ(bad[i].error, err);
		EXPECT_EQ(0, c.n_neighbors);	/* all or nothing */
		EXPECT_EQ(NULL, c.neighbors);
		EXPECT_EQ(NULL, c.peerings);
	}
}

/* A configuration of peering p with n connections c1..cn: did it fit in text? */
static bool peering_with_connections(char *text, size_t size, int n)
{
	size_t at = (size_t)snprintf(text, size, "router-id 192.0.2.1; local-as 8075;\n"
				     "peering p { asn 3320; kind voice; }\n");

	for (int i = 1; i <= n && at < size; i++)
		at += (size_t)snprintf(text + at, size - at,
				       "neighbor c%d { address 10.99.0.%d; remote-as 3320; "
				       "peering p; location AMS; router r%d; }\n", i, i, i);
	return at < size;
}

TEST(neighbor_names_take_any_printable_ascii)
{
	const char *text = "router-id 1.1.1.1; local-as 1;\n"
			   "neighbor \"rs1:v6/b@x~!\" { address 10.0.0.2; remote-as 2; }\n";
	struct config c;
	char err[256];

	ASSERT_EQ(0, config_parse(text, "t.conf", &c, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_NE(NULL, config_find_neighbor(&c, "rs1:v6/b@x~!"));
	config_free(&c);
}

/* 32 connections in a peering fit its nexthop group; the 33rd is refused. */
TEST(a_peering_holds_at_most_32_connections)
{
	char text[8192], err[256];
	struct config c;

	ASSERT_TRUE(peering_with_connections(text, sizeof(text), 32));
	ASSERT_EQ(0, config_parse(text, "t.conf", &c, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(32, c.n_neighbors);
	config_free(&c);

	ASSERT_TRUE(peering_with_connections(text, sizeof(text), 33));
	EXPECT_EQ(-1, config_parse(text, "t.conf", &c, err, sizeof(err)));
	EXPECT_STREQ("t.conf:35: neighbor c33: peering 'p' has more than 32 "
		     "connections, the most its routes' nexthop group holds", err);
}

TEST(peering_service_statements)
{
	static const char text[] =
		"router-id 192.0.2.1; local-as 8075;\n"
		"neighbor c1 { address 10.99.0.2; remote-as 3320;\n"
		"	peering contoso; location AMS; router r1; dev veth0; }\n"
		"peering contoso { asn 3320; kind voice; }\n"
		"peering rs { asn 3321; kind route-server; }\n"
		"registry /a.db /b.db;\nregistry /c.db;\n"
		"state-file /var/tmp/state; fib table 100 nexthop-id-base 4096;\n"
		"grace-period 0;\n";
	const struct config_neighbor *n;
	struct config c;
	char err[256];

	ASSERT_EQ(0, config_parse(text, "t.conf", &c, err, sizeof(err))) TH_LOG("%s", err);
	n = config_find_neighbor(&c, "c1");
	EXPECT_STREQ("contoso", n->peering);
	EXPECT_STREQ("AMS", n->location);
	EXPECT_STREQ("r1", n->router);
	EXPECT_STREQ("veth0", n->dev);
	ASSERT_EQ(2, c.n_peerings);
	EXPECT_EQ(3320u, config_find_peering(&c, "contoso")->asn);
	EXPECT_FALSE(config_find_peering(&c, "contoso")->route_server);
	EXPECT_TRUE(config_find_peering(&c, "rs")->route_server);
	ASSERT_EQ(3, c.n_registry);
	EXPECT_STREQ("/c.db", c.registry[2]);
	EXPECT_STREQ("/var/tmp/state", c.state_file);
	EXPECT_EQ(100u, c.fib_table);
	EXPECT_EQ(4096u, c.fib_nexthop_base);
	EXPECT_EQ(0u, c.grace_period);
	config_free(&c);
	/* The defaults. */
	ASSERT_EQ(0, config_parse(good, "good.conf", &c, err, sizeof(err)));
	EXPECT_STREQ(CONFIG_DEFAULT_STATE, c.state_file);
	EXPECT_EQ(0u, c.fib_table);
	EXPECT_EQ(300u, c.grace_period);
	config_free(&c);
}

TEST(xdp_statements)
{
	static const char text[] =
		"router-id 192.0.2.1; local-as 8075;\n"
		"peering contoso { asn 3320; kind voice;\n"
		"	xdp bond0;\n"
		"	xdp eth1 mode monitor;\n"
		"	xdp eth2 generic mode enforce;\n"
		"	xdp eth3 mode monitor native; }\n"
		"peering rs { xdp eth4; asn 3321; kind route-server; }\n"
		"xdp pin-dir /sys/fs/bpf/pe-test;\n"
		"xdp ipv4-blocks 524288;\n"
		"xdp ipv6-blocks 8192;\n";
	const struct config_xdp *x;
	struct config c;
	char err[256];

	ASSERT_EQ(0, config_parse(text, "t.conf", &c, err, sizeof(err))) TH_LOG("%s", err);
	ASSERT_EQ(5, c.n_xdp);
	x = config_find_xdp(&c, "bond0");
	ASSERT_NE(NULL, x);
	EXPECT_STREQ("contoso", x->peering);
	EXPECT_FALSE(x->monitor);
	EXPECT_EQ(CONFIG_XDP_AUTO, x->attach);
	EXPECT_EQ(3u, x->line);
	x = config_find_xdp(&c, "eth1");
	EXPECT_TRUE(x->monitor);
	EXPECT_EQ(CONFIG_XDP_AUTO, x->attach);
	x = config_find_xdp(&c, "eth2");
	EXPECT_FALSE(x->monitor);
	EXPECT_EQ(CONFIG_XDP_GENERIC, x->attach);
	x = config_find_xdp(&c, "eth3");
	EXPECT_TRUE(x->monitor);
	EXPECT_EQ(CONFIG_XDP_NATIVE, x->attach);
	EXPECT_STREQ("rs", config_find_xdp(&c, "eth4")->peering);
	EXPECT_EQ(NULL, config_find_xdp(&c, "eth9"));
	EXPECT_STREQ("/sys/fs/bpf/pe-test", c.xdp_pin_dir);
	EXPECT_EQ(524288u, c.xdp_ipv4_blocks);
	EXPECT_EQ(8192u, c.xdp_ipv6_blocks);
	config_free(&c);
	EXPECT_EQ(NULL, c.xdp);
	/* The default pin directory and pool, and no interface. */
	ASSERT_EQ(0, config_parse(good, "good.conf", &c, err, sizeof(err)));
	EXPECT_STREQ(CONFIG_DEFAULT_XDP_PIN, c.xdp_pin_dir);
	EXPECT_EQ(0u, c.xdp_ipv4_blocks);
	EXPECT_EQ(0u, c.xdp_ipv6_blocks);
	EXPECT_EQ(0, c.n_xdp);
	config_free(&c);
}

static const struct {
	const char *text, *error;
} bad_xdp[] = {
	{ "router-id 1.2.3.4; local-as 1;\npeering p { asn 3320; kind voice;\nxdp eth0 mode x; }\n",
	  "t.conf:3: xdp mode must be enforce or monitor, not 'x'" },
	{ "router-id 1.2.3.4; local-as 1;\npeering p { asn 3320; kind voice;\nxdp eth0 turbo; }\n",
	  "t.conf:3: xdp eth0: unexpected 'turbo' (mode enforce|monitor, native, generic, "
	  "each once, then ;)" },
	{ "router-id 1.2.3.4; local-as 1;\npeering p { asn 3320; kind voice;\n"
	  "xdp eth0 native generic; }\n",
	  "t.conf:3: xdp eth0: unexpected 'generic' (mode enforce|monitor, native, generic, "
	  "each once, then ;)" },
	{ "router-id 1.2.3.4; local-as 1;\npeering p { asn 3320; kind voice;\n"
	  "xdp eth0 mode monitor mode enforce; }\n",
	  "t.conf:3: xdp eth0: unexpected 'mode' (mode enforce|monitor, native, generic, "
	  "each once, then ;)" },
	{ "router-id 1.2.3.4; local-as 1;\npeering p { asn 3320; kind voice;\n"
	  "xdp averyveryverylongname0; }\n",
	  "t.conf:3: xdp: 'averyveryverylongname0' is not an interface name" },
	{ "router-id 1.2.3.4; local-as 1;\npeering p { asn 3320; kind voice;\nxdp a/b; }\n",
	  "t.conf:3: xdp: 'a/b' is not an interface name" },
	{ "router-id 1.2.3.4; local-as 1;\npeering p { asn 3320; kind voice;\nxdp ; }\n",
	  "t.conf:3: xdp expected" },
	/* Quoted, a name may be empty or hold blanks: no interface is called so. */
	{ "router-id 1.2.3.4; local-as 1;\npeering p { asn 3320; kind voice;\nxdp \"\"; }\n",
	  "t.conf:3: xdp: '' is not an interface name" },
	{ "router-id 1.2.3.4; local-as 1;\npeering p { asn 3320; kind voice;\n"
	  "xdp \"bond 0\"; }\n",
	  "t.conf:3: xdp: 'bond 0' is not an interface name" },
	{ "router-id 1.2.3.4; local-as 1;\nneighbor a { address 10.0.0.1; remote-as 2;\n"
	  " dev \"eth0\tx\"; }\n",
	  "t.conf:3: dev: 'eth0\tx' is not an interface name" },
	{ "router-id 1.2.3.4; local-as 1;\npeering p { asn 3320; kind voice; xdp eth0; }\n"
	  "peering q { asn 3321; kind voice;\nxdp eth0; }\n",
	  "t.conf:4: xdp: interface eth0 is already given to peering p (line 2)" },
	{ "router-id 1.2.3.4; local-as 1;\nxdp eth0;\n",
	  "t.conf:2: xdp: expected 'pin-dir', 'ipv4-blocks' or 'ipv6-blocks' but found "
	  "'eth0' (interfaces go inside a peering block)" },
	{ "router-id 1.2.3.4; local-as 1;\nxdp ipv4-blocks 0;\n",
	  "t.conf:2: xdp ipv4-blocks must be a number from 1 to 8388608, not '0'" },
	{ "router-id 1.2.3.4; local-as 1;\nxdp ipv4-blocks 8388609;\n",
	  "t.conf:2: xdp ipv4-blocks must be a number from 1 to 8388608, not '8388609'" },
	{ "router-id 1.2.3.4; local-as 1;\nxdp ipv6-blocks 0;\n",
	  "t.conf:2: xdp ipv6-blocks must be a number from 1 to 8388608, not '0'" },
	{ "router-id 1.2.3.4; local-as 1;\nxdp ipv6-blocks 8388609;\n",
	  "t.conf:2: xdp ipv6-blocks must be a number from 1 to 8388608, not '8388609'" },
	{ "router-id 1.2.3.4; local-as 1;\nxdp ipv6-blocks;\n",
	  "t.conf:2: xdp ipv6-blocks expected" },
	{ "router-id 1.2.3.4; local-as 1;\nxdp ipv4-blocks 1000 2000;\n",
	  "t.conf:2: expected ';' but found '2000'" },
	{ "router-id 1.2.3.4; local-as 1;\nxdp pin-dir relative/dir;\n",
	  "t.conf:2: xdp pin-dir: 'relative/dir' is not an absolute path" },
	{ "router-id 1.2.3.4; local-as 1;\nxdp pin-dir;\n",
	  "t.conf:2: xdp pin-dir expected" },
};

TEST(xdp_errors_carry_file_line_and_nothing_is_kept)
{
	struct config c;
	char err[256];

	for (size_t i = 0; i < sizeof(bad_xdp) / sizeof(bad_xdp[0]); i++) {
		memset(&c, 0xff, sizeof(c));
		EXPECT_EQ(-1, config_parse(bad_xdp[i].text, "t.conf", &c, err, sizeof(err)));
		EXPECT_STREQ(bad_xdp[i].error, err);
		EXPECT_EQ(0, c.n_xdp);
		EXPECT_EQ(NULL, c.xdp);
	}
}

TEST(neighbor_change_detection)
{
	struct config a, b;
	char err[256];

	ASSERT_EQ(0, config_parse(good, "a", &a, err, sizeof(err)));
	ASSERT_EQ(0, config_parse(good, "b", &b, err, sizeof(err)));
	EXPECT_FALSE(config_neighbor_differs(&a.neighbors[0], &b.neighbors[0]));
	b.neighbors[0].announce[1].prefix.len = 33;
	EXPECT_TRUE(config_neighbor_differs(&a.neighbors[0], &b.neighbors[0]));
	b.neighbors[1].password[0] = 'x';
	EXPECT_TRUE(config_neighbor_differs(&a.neighbors[1], &b.neighbors[1]));
	/* Where a connection is does not touch its BGP session. */
	strcpy(b.neighbors[0].location, "FRA");
	b.neighbors[0].announce[1].prefix.len = a.neighbors[0].announce[1].prefix.len;
	EXPECT_FALSE(config_neighbor_differs(&a.neighbors[0], &b.neighbors[0]));
	config_free(&a);
	config_free(&b);
}

TEST(load_reports_missing_file)
{
	struct config c;
	char err[256];

	EXPECT_EQ(-1, config_load("/nonexistent/peeredged.conf", &c, err, sizeof(err)));
	EXPECT_STREQ("/nonexistent/peeredged.conf: No such file or directory", err);
}

TEST(shipped_example_parses)
{
	const char *top = getenv("TOP");
	char path[4096], err[512];
	struct config c;

	/* The runner starts tests at the top of the tree. */
	snprintf(path, sizeof(path), "%s/agent/peeredged.conf.example", top ? top : ".");
	ASSERT_EQ(0, config_load(path, &c, err, sizeof(err))) TH_LOG("%s", err);
	EXPECT_EQ(3, c.n_neighbors);
	config_free(&c);
}

TEST_HARNESS_MAIN
