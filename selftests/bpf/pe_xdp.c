// SPDX-License-Identifier: GPL-2.0
/*
 * pe_xdp: a small command-line front end to liballowlist for the shell
 * tests (the agent is the real user of the library).
 *
 *   pe_xdp [-d PIN_DIR] [-m auto|skb|drv] COMMAND ...
 *     iface IFNAME PEERING enforce|monitor
 *     attach IFNAME          load the program; attach, or replace atomically
 *     detach IFNAME
 *     add PREFIX PEERING     e.g. 192.0.2.0/24 1, 2001:db8::/32 1
 *     del PREFIX PEERING
 *     counters IFNAME        one "reason packets bytes" line per reason
 *     count IFNAME REASON    packets of one reason (e.g. drop_v4_src)
 *
 * Every invocation opens (and so reuses) the maps pinned in PIN_DIR
 * (default /sys/fs/bpf/peeredge).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>

#include "allowlist_user.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: pe_xdp [-d PIN_DIR] [-m auto|skb|drv] COMMAND ...\n"
		"  iface IFNAME PEERING enforce|monitor\n"
		"  attach IFNAME | detach IFNAME\n"
		"  add PREFIX PEERING | del PREFIX PEERING\n"
		"  counters IFNAME | count IFNAME REASON\n");
	return 2;
}

static int ifidx(const char *name)
{
	int i = if_nametoindex(name);

	if (!i)
		fprintf(stderr, "pe_xdp: no interface %s\n", name);
	return i;
}

static int parse_prefix(const char *s, int *family, unsigned char *addr,
			unsigned int *len)
{
	char buf[64], *slash, *end;
	unsigned long l;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return -EINVAL;
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash++ = 0;
	l = strtoul(slash, &end, 10);
	if (*end || !*slash)
		return -EINVAL;
	*family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(*family, buf, addr) != 1)
		return -EINVAL;
	*len = l;
	return 0;
}

int main(int argc, char **argv)
{
	struct pe_allowlist_opts o = { .pin_dir = PE_PIN_DIR };
	struct pe_allowlist *al;
	__u32 flags = 0;
	int opt, err = 0, ifindex;
	const char *cmd;

	while ((opt = getopt(argc, argv, "d:m:")) != -1) {
		if (opt == 'd')
			o.pin_dir = optarg;
		else if (opt == 'm' && !strcmp(optarg, "skb"))
			flags = XDP_FLAGS_SKB_MODE;
		else if (opt == 'm' && !strcmp(optarg, "drv"))
			flags = XDP_FLAGS_DRV_MODE;
		else if (opt == 'm' && !strcmp(optarg, "auto"))
			flags = 0;
		else
			return usage();
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		return usage();
	cmd = argv[0];
	err = pe_allowlist_open(&o, &al);
	if (err) {
		fprintf(stderr, "pe_xdp: open %s: %s\n", o.pin_dir, strerror(-err));
		return 1;
	}
	if (!strcmp(cmd, "add") || !strcmp(cmd, "del")) {
		unsigned char addr[16];
		unsigned int len;
		int family;

		if (argc != 3 || parse_prefix(argv[1], &family, addr, &len)) {
			err = -EINVAL;
		} else if (!strcmp(cmd, "add")) {
			err = pe_allowlist_add(al, family, addr, len, atoi(argv[2]));
		} else {
			err = pe_allowlist_del(al, family, addr, len, atoi(argv[2]));
		}
		goto out;
	}
	ifindex = ifidx(argv[1]);
	if (!ifindex) {
		err = -ENODEV;
	} else if (!strcmp(cmd, "iface") && argc == 4) {
		err = pe_allowlist_set_iface(al, ifindex, atoi(argv[2]),
					     strcmp(argv[3], "monitor") ?
					     PE_MODE_ENFORCE : PE_MODE_MONITOR);
	} else if (!strcmp(cmd, "attach") && argc == 2) {
		err = pe_allowlist_attach(al, ifindex, flags);
	} else if (!strcmp(cmd, "detach") && argc == 2) {
		err = pe_allowlist_detach(al, ifindex);
	} else if ((!strcmp(cmd, "counters") && argc == 2) ||
		   (!strcmp(cmd, "count") && argc == 3)) {
		struct pe_cnt c[PE_R_MAX];
		unsigned int r;

		err = pe_allowlist_counters(al, ifindex, c);
		for (r = 0; !err && r < PE_R_MAX; r++) {
			if (argc == 2)
				printf("%s %llu %llu\n", pe_reason_name(r),
				       (unsigned long long)c[r].packets,
				       (unsigned long long)c[r].bytes);
			else if (!strcmp(argv[2], pe_reason_name(r)))
				break;
		}
		if (!err && argc == 3) {
			if (r == PE_R_MAX)
				err = -EINVAL;
			else
				printf("%llu\n", (unsigned long long)c[r].packets);
		}
	} else {
		pe_allowlist_close(al);
		return usage();
	}
out:
	if (err)
		fprintf(stderr, "pe_xdp: %s: %s\n", cmd, strerror(-err));
	pe_allowlist_close(al);
	return err ? 1 : 0;
}
