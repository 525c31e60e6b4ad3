// SPDX-License-Identifier: GPL-2.0
/*
 * Writes a seed corpus for fuzz_messages from the encoders: one file per
 * message kind, each a valid message the fuzzer can mutate from.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "messages.h"

static int save(const char *dir, const char *name, const uint8_t *buf, int len)
{
	char path[4096];
	FILE *f;

	if (len < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(buf, 1, (size_t)len, f) != (size_t)len) {
		perror(path);
		return -1;
	}
	return fclose(f);
}

int main(int argc, char **argv)
{
	static const uint8_t path[] = {
		BGP_AS_SEQUENCE, 2, 0, 0, 0xfd, 0xe9, 0xfa, 0x56, 0xea, 0x01,
		BGP_AS_SET, 1, 0, 0, 0xfd, 0xf2,
	};
	static const uint32_t comms[] = { (8075u << 16) | 8007 };
	static const struct bgp_large_community large[] = { { 65001, 1, 2 } };
	static const uint8_t ext[8] = { 0, 2, 0xfd, 0xe9, 0, 0, 0, 1 };
	static const uint8_t unknown[] = { 0xc0, 250, 1, 0 };
	struct bgp_open o = {
		.as = 4200000001u, .hold_time = 90, .bgp_id = 0x0a000001, .cap_as4 = true,
		.cap_mp_ipv4 = true, .cap_mp_ipv6 = true, .cap_route_refresh = true,
		.cap_graceful_restart = true, .gr_restart_time = 120, .gr_ipv4 = true,
	};
	struct bgp_attrs a = {
		.present = BGP_ATTR_BIT(BGP_ATTR_ORIGIN) | BGP_ATTR_BIT(BGP_ATTR_AS_PATH) |
			   BGP_ATTR_BIT(BGP_ATTR_NEXT_HOP) | BGP_ATTR_BIT(BGP_ATTR_MED) |
			   BGP_ATTR_BIT(BGP_ATTR_AGGREGATOR) | BGP_ATTR_BIT(BGP_ATTR_COMMUNITIES) |
			   BGP_ATTR_BIT(BGP_ATTR_EXT_COMMUNITIES) |
			   BGP_ATTR_BIT(BGP_ATTR_LARGE_COMMUNITIES),
		.as_path = path, .as_path_len = sizeof(path), .med = 5,
		.aggregator_as = 4200000002u, .communities = comms, .n_communities = 1,
		.ext_communities = ext, .n_ext_communities = 1,
		.large_communities = large, .n_large_communities = 1,
		.unknown = unknown, .unknown_len = sizeof(unknown), .mp_nexthop_len = 16,
	};
	struct prefix v4[2] = { { .family = AF_INET, .len = 24 }, { .family = AF_INET, .len = 32 } };
	struct prefix v6[1] = { { .family = AF_INET6, .len = 48 } };
	struct bgp_update_out u4 = { v4 + 1, 1, v4, 1, &a }, u6 = { NULL, 0, v6, 1, &a };
	uint8_t buf[BGP_MSG_MAX];
	const char *dir = argc > 1 ? argv[1] : ".";
	int rc = 0;

	inet_pton(AF_INET, "203.0.113.0", &v4[0].addr);
	inet_pton(AF_INET, "192.0.2.1", &v4[1].addr);
	inet_pton(AF_INET6, "2001:db8:1::", &v6[0].addr);
	inet_pton(AF_INET, "10.99.0.1", &a.next_hop);
	inet_pton(AF_INET6, "2001:db8::1", a.mp_nexthop);
	rc |= save(dir, "open", buf, bgp_open_encode(buf, sizeof(buf), &o));
	rc |= save(dir, "keepalive", buf, bgp_keepalive_encode(buf, sizeof(buf)));
	rc |= save(dir, "notification", buf,
		   bgp_cease_encode(buf, sizeof(buf), BGP_CEASE_ADMIN_SHUTDOWN, "seed"));
	rc |= save(dir, "route-refresh", buf,
		   bgp_route_refresh_encode(buf, sizeof(buf), BGP_AFI_IPV4, BGP_SAFI_UNICAST));
	rc |= save(dir, "update-v4-as4", buf, bgp_update_encode(buf, sizeof(buf), &u4, true));
	rc |= save(dir, "update-v4-as2", buf, bgp_update_encode(buf, sizeof(buf), &u4, false));
	rc |= save(dir, "update-v6", buf, bgp_update_encode(buf, sizeof(buf), &u6, true));
	rc |= save(dir, "eor-v6", buf, bgp_end_of_rib_encode(buf, sizeof(buf), BGP_AFI_IPV6));
	return rc ? 1 : 0;
}
