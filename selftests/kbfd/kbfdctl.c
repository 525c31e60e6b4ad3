// SPDX-License-Identifier: GPL-2.0
/*
 * kbfdctl: a minimal kbfd client for the shell selftests (the real CLI is
 * the agent's "peeredge bfd"). Exit status: 0, or the errno of the failure.
 *
 *   kbfdctl add|set|del|get KEY... [OPTION...]
 *   kbfdctl dump
 *   kbfdctl monitor [SECONDS]        print events until SECONDS passed
 *   kbfdctl bulk N BASE [local-from LBASE] [OPTION...]
 *                                    add N IPv4 sessions to BASE, BASE+1...,
 *                                    from LBASE, LBASE+1... when given
 *
 * KEY:    peer ADDR | local ADDR | dev IFNAME | ifindex N | multihop |
 *         discr N
 * OPTION: tx US | rx US | mult N | admin 0|1 | auth TYPE | keyid N |
 *         key STRING
 * get prints "name value" lines; dump one line per session.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "kbfd_nl.h"

static void usage(void)
{
	fprintf(stderr, "usage: kbfdctl add|set|del|get|dump|monitor ...\n");
	exit(EINVAL);
}

static int put_args(struct nl_msg *msg, int argc, char **argv)
{
	uint8_t addr[16];
	int i, alen;

	for (i = 0; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(k, "multihop")) {
			nla_put_flag(msg, KBFD_A_MULTIHOP);
			continue;
		}
		if (!v)
			usage();
		i++;
		if (!strcmp(k, "peer") || !strcmp(k, "local")) {
			alen = kbfd_parse_addr(v, addr);
			if (alen < 0)
				usage();
			nla_put(msg, !strcmp(k, "peer") ? KBFD_A_PEER_ADDR :
				KBFD_A_LOCAL_ADDR, alen, addr);
		} else if (!strcmp(k, "dev")) {
			unsigned int idx = if_nametoindex(v);

			if (!idx) {
				fprintf(stderr, "no interface %s\n", v);
				exit(ENODEV);
			}
			nla_put_u32(msg, KBFD_A_IFINDEX, idx);
		} else if (!strcmp(k, "ifindex")) {
			nla_put_u32(msg, KBFD_A_IFINDEX, strtoul(v, NULL, 0));
		} else if (!strcmp(k, "discr")) {
			nla_put_u32(msg, KBFD_A_LOCAL_DISCR, strtoul(v, NULL, 0));
		} else if (!strcmp(k, "tx")) {
			nla_put_u32(msg, KBFD_A_DESIRED_MIN_TX_US, strtoul(v, NULL, 0));
		} else if (!strcmp(k, "rx")) {
			nla_put_u32(msg, KBFD_A_REQUIRED_MIN_RX_US, strtoul(v, NULL, 0));
		} else if (!strcmp(k, "mult")) {
			nla_put_u8(msg, KBFD_A_DETECT_MULT, strtoul(v, NULL, 0));
		} else if (!strcmp(k, "admin")) {
			nla_put_u8(msg, KBFD_A_ADMIN_DOWN, strtoul(v, NULL, 0));
		} else if (!strcmp(k, "auth")) {
			static const char *const t[] = { "none", "simple",
				"md5", "meticulous-md5", "sha1", "meticulous-sha1" };
			unsigned int j;

			for (j = 0; j < 6; j++)
				if (!strcmp(v, t[j]))
					break;
			nla_put_u8(msg, KBFD_A_AUTH_TYPE, j < 6 ? j : strtoul(v, NULL, 0));
		} else if (!strcmp(k, "keyid")) {
			nla_put_u8(msg, KBFD_A_AUTH_KEY_ID, strtoul(v, NULL, 0));
		} else if (!strcmp(k, "key")) {
			nla_put(msg, KBFD_A_AUTH_KEY, strlen(v), v);
		} else {
			usage();
		}
	}
	return 0;
}

static const char *const u32_names[KBFD_A_MAX + 1] = {
	[KBFD_A_IFINDEX] = "ifindex",
	[KBFD_A_DESIRED_MIN_TX_US] = "tx",
	[KBFD_A_REQUIRED_MIN_RX_US] = "rx",
	[KBFD_A_DETECT_MULT] = "mult",
	[KBFD_A_ADMIN_DOWN] = "admin",
	[KBFD_A_AUTH_TYPE] = "auth",
	[KBFD_A_AUTH_KEY_ID] = "keyid",
	[KBFD_A_DIAG] = "diag",
	[KBFD_A_LOCAL_DISCR] = "discr",
	[KBFD_A_REMOTE_DISCR] = "remote_discr",
	[KBFD_A_NEG_TX_US] = "neg_tx",
	[KBFD_A_NEG_RX_US] = "neg_rx",
	[KBFD_A_REMOTE_DETECT_MULT] = "remote_mult",
	[KBFD_A_DETECT_TIME_US] = "detect_time",
	[KBFD_A_UP_TRANSITIONS] = "up_transitions",
};

static void print_info(const struct kbfd_info *in, bool oneline)
{
	const char *sep = oneline ? " " : "\n";
	char buf[64];
	int t;

	if (in->has[KBFD_A_PEER_ADDR]) {
		kbfd_format_addr(in->peer, in->alen, buf, sizeof(buf));
		printf("peer %s%s", buf, sep);
	}
	if (in->has[KBFD_A_LOCAL_ADDR]) {
		kbfd_format_addr(in->local, in->alen, buf, sizeof(buf));
		printf("local %s%s", buf, sep);
	}
	if (in->has[KBFD_A_MULTIHOP])
		printf("multihop 1%s", sep);
	if (in->has[KBFD_A_OLD_STATE])
		printf("old_state %s%s", kbfd_state_name(in->u32[KBFD_A_OLD_STATE]), sep);
	if (in->has[KBFD_A_STATE])
		printf("state %s%s", kbfd_state_name(in->u32[KBFD_A_STATE]), sep);
	if (in->has[KBFD_A_REMOTE_STATE])
		printf("remote_state %s%s",
		       kbfd_state_name(in->u32[KBFD_A_REMOTE_STATE]), sep);
	for (t = 1; t <= KBFD_A_MAX; t++)
		if (in->has[t] && u32_names[t])
			printf("%s %u%s", u32_names[t], in->u32[t], sep);
	if (in->has[KBFD_A_RX_PACKETS])
		printf("rx_packets %llu%s", (unsigned long long)in->u64[KBFD_A_RX_PACKETS], sep);
	if (in->has[KBFD_A_TX_PACKETS])
		printf("tx_packets %llu%s", (unsigned long long)in->u64[KBFD_A_TX_PACKETS], sep);
	if (in->has[KBFD_A_RX_DROPS])
		printf("rx_drops %llu%s", (unsigned long long)in->u64[KBFD_A_RX_DROPS], sep);
	if (in->has[KBFD_A_TIMESTAMP_NS])
		printf("ts %llu%s", (unsigned long long)in->u64[KBFD_A_TIMESTAMP_NS], sep);
	if (in->has[KBFD_A_AUTH_KEY])
		printf("LEAKED_KEY 1%s", sep);
	if (oneline)
		printf("\n");
	fflush(stdout);
}

static int ev_cb(struct nl_msg *msg, void *arg)
{
	struct kbfd_info in;
	int cmd;

	kbfd_nl_parse(nlmsg_hdr(msg), &in, &cmd);
	if (cmd == KBFD_CMD_SESSION_EVENT)
		print_info(&in, true);
	return NL_OK;
}

static int monitor(struct kbfd_nl *nl, double secs)
{
	struct timespec t0, t;
	struct pollfd p;

	if (kbfd_nl_subscribe(nl))
		return EIO;
	nl_socket_modify_cb(nl->sk, NL_CB_VALID, NL_CB_CUSTOM, ev_cb, NULL);
	printf("monitoring\n");
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	p.fd = nl_socket_get_fd(nl->sk);
	p.events = POLLIN;
	for (;;) {
		double el;

		clock_gettime(CLOCK_MONOTONIC, &t);
		el = (t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9;
		if (secs > 0 && el >= secs)
			return 0;
		if (poll(&p, 1, 100) > 0)
			nl_recvmsgs_default(nl->sk);
	}
}

static int bulk(struct kbfd_nl *nl, int argc, char **argv)
{
	uint8_t base[16], lbase[16];
	uint32_t a, l = 0;
	int i, n, err, opt = 4;

	if (argc < 4 || kbfd_parse_addr(argv[3], base) != 4)
		usage();
	n = atoi(argv[2]);
	memcpy(&a, base, 4);
	a = ntohl(a);
	/* One session per address pair: 1000 sessions need not share a source. */
	if (argc > 5 && !strcmp(argv[4], "local-from")) {
		if (kbfd_parse_addr(argv[5], lbase) != 4)
			usage();
		memcpy(&l, lbase, 4);
		l = ntohl(l);
		opt = 6;
	}
	for (i = 0; i < n; i++) {
		struct nl_msg *msg = kbfd_nl_msg(nl, KBFD_CMD_SESSION_ADD, 0);
		uint32_t p = htonl(a + i), s = htonl(l + i);

		nla_put(msg, KBFD_A_PEER_ADDR, 4, &p);
		if (l)
			nla_put(msg, KBFD_A_LOCAL_ADDR, 4, &s);
		put_args(msg, argc - opt, argv + opt);
		err = kbfd_nl_call(nl, msg, NULL, 0, NULL);
		if (err) {
			fprintf(stderr, "bulk add %d: %s: %s\n", i, strerror(-err),
				nl->extack);
			return -err;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct kbfd_info out[4096];
	struct kbfd_nl nl;
	struct nl_msg *msg;
	int cmd, err, n = 0, i;

	if (argc < 2)
		usage();
	err = kbfd_nl_open(&nl);
	if (err) {
		fprintf(stderr, "kbfd family not available\n");
		return -err;
	}
	if (!strcmp(argv[1], "monitor"))
		return monitor(&nl, argc > 2 ? atof(argv[2]) : 0);
	if (!strcmp(argv[1], "bulk"))
		return bulk(&nl, argc, argv);
	if (!strcmp(argv[1], "add"))
		cmd = KBFD_CMD_SESSION_ADD;
	else if (!strcmp(argv[1], "del"))
		cmd = KBFD_CMD_SESSION_DEL;
	else if (!strcmp(argv[1], "set"))
		cmd = KBFD_CMD_SESSION_SET;
	else if (!strcmp(argv[1], "get") || !strcmp(argv[1], "dump"))
		cmd = KBFD_CMD_SESSION_GET;
	else
		usage();
	msg = kbfd_nl_msg(&nl, cmd, !strcmp(argv[1], "dump") ? NLM_F_DUMP : 0);
	put_args(msg, argc - 2, argv + 2);
	err = kbfd_nl_call(&nl, msg, out, 4096, &n);
	if (err) {
		fprintf(stderr, "kbfdctl %s: %s%s%s\n", argv[1], strerror(-err),
			nl.extack[0] ? ": " : "", nl.extack);
		return -err;
	}
	for (i = 0; i < n && i < 4096; i++)
		print_info(&out[i], !strcmp(argv[1], "dump"));
	kbfd_nl_close(&nl);
	return 0;
}
