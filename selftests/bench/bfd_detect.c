// SPDX-License-Identifier: GPL-2.0
/*
 * bfd_detect: measures how fast a BFD implementation detects a silent path
 * fault, the same way for every implementation.
 *
 *   bfd_detect detect IFNAME TRIALS [TIMEOUT_MS [SETTLE_MS]]
 *   bfd_detect watch IFNAME SECONDS [SETTLE_MS]
 *
 * Run inside the namespace of the measured side. IFNAME carries its BFD
 * session. A fault is injected by an XDP program on IFNAME that drops every
 * arriving frame while a map flag is set (fault.bpf.o, next to this binary);
 * the measured side then stops hearing its peer, carrier stays up. The
 * detection is observed on the wire, on a packet socket: the first BFD
 * control packet the measured side sends with State != Up. So kbfd, FRR
 * bfdd and BIRD are timed by one method: fault switched on (CLOCK_REALTIME
 * just before the map update) to the kernel timestamp of that packet.
 *
 * The packet socket also shows how late that is against what the protocol
 * asks. Generic XDP runs before the packet taps (__netif_receive_skb_core),
 * so the peer's packets it shows are exactly those that got through; the
 * last of them before the fault was the last one heard. The detection time
 * in force is read off the last packets each way (RFC 5880 6.8.4, async
 * mode): the peer's Detect Mult x max(our Required Min RX, the peer's
 * Desired Min TX). "After the deadline" is then the Down packet's time
 * minus (last heard + detection time): what the implementation adds to
 * what the protocol requires, measured alike for all of them.
 *
 * Up means Up for SETTLE_MS (default 300) without a break, both sides
 * on their fast timers: neither advertising a Desired Min TX of a second
 * or more, which RFC 5880 6.8.3 asks of a session not Up (a peer that just
 * came Up may still be there, and a fault then waits for a 3 s detection
 * time). The intervals measured are all below a second.
 * detect: waits for the session to be Up, then for each trial reads the
 * packet socket for a random part of a second, injects the fault, waits for
 * the Down, clears the fault and waits for Up again. A pause in which the
 * session left Up or its fast timers (a flap) is started again once it is
 * Up (counted: unsteady), so that every fault hits a session running at
 * the interval measured; after UNSTEADY_MAX of them the rest of the trials
 * are left out (missed). Prints one line per
 * trial (with the fault, the deadline and the Down packet in
 * CLOCK_MONOTONIC ns, to be set against the kernel's own times) and a
 * summary "n= p50_us= p99_us= min_us= max_us= missed= after_p50_us=
 * after_p99_us= after_min_us= after_max_us= detect_time_us= leaked=
 * sock_drops= unsteady=":
 * leaked counts peer packets seen after the fault was on, which would
 * break the "last heard" above, sock_drops the packets the socket had no
 * room for from the pause to the Down (a trial with drops may have lost
 * its last heard or its first Down packet: "sock_drops=" on its line).
 * watch: no fault; counts how often the side leaves Up (false Downs, e.g.
 * under CPU load), prints "downs= packets=".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/udp.h>
#include <net/if.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_util.h"

#define BFD_PORT_SINGLEHOP 3784
#define BFD_PORT_MULTIHOP 4784
#define BFD_STATE_UP 3

static int64_t now_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

/* CLOCK_REALTIME minus CLOCK_MONOTONIC, from the tightest of a few reads. */
static int64_t realtime_offset(void)
{
	int64_t off = 0, best = INT64_MAX, m1, r, m2;
	int i;

	for (i = 0; i < 5; i++) {
		m1 = clock_ns(CLOCK_MONOTONIC);
		r = clock_ns(CLOCK_REALTIME);
		m2 = clock_ns(CLOCK_MONOTONIC);
		if (m2 - m1 < best) {
			best = m2 - m1;
			off = r - (m1 + (m2 - m1) / 2);
		}
	}
	return off;
}

#define die(what) bench_die("bfd_detect", what)

/* One BFD control packet seen on IFNAME. */
struct bfd_pkt {
	bool sent;			/* by the measured side, else by the peer */
	int state;
	unsigned int detect_mult;
	uint32_t desired_min_tx_us;
	uint32_t required_min_rx_us;
	int64_t when;			/* kernel timestamp, CLOCK_REALTIME ns */
};

struct probe {
	int sock;		/* AF_PACKET on IFNAME */
	int fault_map;
	int ifindex;
	struct bpf_object *obj;
	struct bfd_pkt last_heard;	/* the peer's latest packet seen */
	struct bfd_pkt last_sent_up;	/* our latest Up packet seen */
};

static uint32_t be32_at(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* The next BFD control packet on IFNAME, either way, within timeout_ms. */
static bool next_bfd(struct probe *p, int timeout_ms, struct bfd_pkt *pkt)
{
	int64_t deadline = now_ns() + timeout_ms * 1000000LL;
	char buf[2048], ctrl[256];

	for (;;) {
		int64_t left = (deadline - now_ns()) / 1000000;
		struct pollfd pfd = { .fd = p->sock, .events = POLLIN };
		struct sockaddr_ll from;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = {
			.msg_name = &from, .msg_namelen = sizeof(from),
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctrl, .msg_controllen = sizeof(ctrl),
		};
		struct cmsghdr *c;
		const uint8_t *l4;
		ssize_t n;
		size_t off;
		uint16_t port;

		if (left < 0 || poll(&pfd, 1, left + 1) <= 0)
			return false;
		n = recvmsg(p->sock, &mh, 0);
		if (n < 0 || (from.sll_pkttype != PACKET_OUTGOING &&
			      from.sll_pkttype != PACKET_HOST))
			continue;
		if (ntohs(from.sll_protocol) == ETH_P_IP && n >= 20 && buf[9] == IPPROTO_UDP)
			off = (buf[0] & 0x0f) * 4;
		else if (ntohs(from.sll_protocol) == ETH_P_IPV6 && n >= 40 && buf[6] == IPPROTO_UDP)
			off = 40;
		else
			continue;
		if ((size_t)n < off + 8 + 24)
			continue;
		l4 = (const uint8_t *)buf + off;
		port = (uint16_t)(l4[2] << 8 | l4[3]);
		if (port != BFD_PORT_SINGLEHOP && port != BFD_PORT_MULTIHOP)
			continue;
		pkt->when = now_ns();
		for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPNS) {
				struct timespec ts;

				memcpy(&ts, CMSG_DATA(c), sizeof(ts));
				pkt->when = ts.tv_sec * 1000000000LL + ts.tv_nsec;
			}
		/* RFC 5880 4.1, after the 8-byte UDP header. */
		pkt->sent = from.sll_pkttype == PACKET_OUTGOING;
		pkt->state = l4[8 + 1] >> 6;
		pkt->detect_mult = l4[8 + 2];
		pkt->desired_min_tx_us = be32_at(l4 + 8 + 12);
		pkt->required_min_rx_us = be32_at(l4 + 8 + 16);
		return true;
	}
}

/*
 * The next BFD control packet IFNAME sends, within timeout_ms: its state
 * and its kernel timestamp. -1 on timeout. The packets passed on the way
 * are remembered: the peer's latest unless it came after heard_until (a
 * leak through the fault, counted in *leaked when leaked is not NULL), our
 * latest Up one.
 */
static int next_sent_state(struct probe *p, int timeout_ms, int64_t *when,
			   int64_t heard_until, int *leaked)
{
	int64_t deadline = now_ns() + timeout_ms * 1000000LL;
	struct bfd_pkt pkt;

	for (;;) {
		int64_t left = (deadline - now_ns()) / 1000000;

		if (left < 0 || !next_bfd(p, (int)left, &pkt))
			return -1;
		if (!pkt.sent) {
			if (pkt.when <= heard_until)
				p->last_heard = pkt;
			else if (leaked)
				(*leaked)++;
			continue;
		}
		if (pkt.state == BFD_STATE_UP)
			p->last_sent_up = pkt;
		*when = pkt.when;
		return pkt.state;
	}
}

static int next_tx_state(struct probe *p, int timeout_ms, int64_t *when)
{
	return next_sent_state(p, timeout_ms, when, INT64_MAX, NULL);
}

/* RFC 5880 6.8.3: not less than this while the session is not Up. */
#define BFD_SLOW_TX_US 1000000
/* Pauses a detect run starts again, the session having left Up in them. */
#define UNSTEADY_MAX 100

/*
 * Our packet of @state and the latest ones each way say the session is
 * Up, both sides on their fast timers.
 */
static bool up_and_fast(const struct probe *p, int state)
{
	return state == BFD_STATE_UP && p->last_heard.state == BFD_STATE_UP &&
	       p->last_heard.desired_min_tx_us < BFD_SLOW_TX_US &&
	       p->last_sent_up.desired_min_tx_us < BFD_SLOW_TX_US;
}

/*
 * Reads (and remembers) packets until CLOCK_REALTIME @until; false when
 * the session left Up or its fast timers meanwhile.
 */
static bool read_until(struct probe *p, int64_t until)
{
	bool steady = true;
	int64_t when;
	int state;

	while (now_ns() < until) {
		state = next_tx_state(p, (int)((until - now_ns()) / 1000000), &when);
		if (state >= 0 && !up_and_fast(p, state))
			steady = false;
	}
	return steady;
}

/* RFC 5880 6.8.4, async mode, from the last packets each way, in us. */
static int64_t detection_time_us(const struct probe *p)
{
	uint32_t rx = p->last_sent_up.required_min_rx_us;
	uint32_t tx = p->last_heard.desired_min_tx_us;

	return (int64_t)p->last_heard.detect_mult * (rx > tx ? rx : tx);
}

/* Packets the socket dropped (queue full) since the last call. */
static unsigned int socket_drops(struct probe *p)
{
	struct tpacket_stats st = { 0 };
	socklen_t len = sizeof(st);

	if (getsockopt(p->sock, SOL_PACKET, PACKET_STATISTICS, &st, &len))
		die("PACKET_STATISTICS");
	return st.tp_drops;
}

static void set_fault(struct probe *p, uint32_t on)
{
	uint32_t key = 0;

	if (bpf_map_update_elem(p->fault_map, &key, &on, BPF_ANY))
		die("updating the fault map");
}

static void probe_open(struct probe *p, const char *ifname, const char *self)
{
	char path[PATH_MAX], dir[PATH_MAX];
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct bpf_program *prog;
	int one = 1, rcvbuf = 8 << 20;

	p->ifindex = (int)if_nametoindex(ifname);
	if (!p->ifindex)
		die(ifname);
	snprintf(dir, sizeof(dir), "%s", self);
	snprintf(path, sizeof(path), "%s/fault.bpf.o", dirname(dir));
	p->obj = bpf_object__open_file(path, NULL);
	if (!p->obj || bpf_object__load(p->obj))
		die(path);
	prog = bpf_object__find_program_by_name(p->obj, "drop_while_faulty");
	p->fault_map = bpf_object__find_map_fd_by_name(p->obj, "fault");
	if (!prog || p->fault_map < 0)
		die("fault.bpf.o lacks its program or map");
	set_fault(p, 0);
	if (bpf_xdp_attach(p->ifindex, bpf_program__fd(prog), XDP_FLAGS_SKB_MODE, NULL))
		die("attaching the fault program");

	p->sock = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_ALL));
	if (p->sock < 0)
		die("packet socket");
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = p->ifindex;
	if (bind(p->sock, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(p->sock, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof(one)) ||
	    setsockopt(p->sock, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		die("binding the packet socket");
}

static void probe_close(struct probe *p)
{
	set_fault(p, 0);
	bpf_xdp_detach(p->ifindex, XDP_FLAGS_SKB_MODE, NULL);
	bpf_object__close(p->obj);
	close(p->sock);
}

/* Waits until the session has been Up on its fast timers (up_and_fast()) for settle_ms. */
static bool wait_up(struct probe *p, int timeout_ms, int settle_ms)
{
	int64_t deadline = now_ns() + timeout_ms * 1000000LL, up_since = 0, when;
	int state;

	while (now_ns() < deadline) {
		state = next_tx_state(p, 1500, &when);
		if (!up_and_fast(p, state)) {
			up_since = 0;
			continue;
		}
		if (!up_since)
			up_since = when;
		if (when - up_since >= settle_ms * 1000000LL)
			return true;
	}
	return false;
}

/* Sorts v[0..n-1] and prints "NAMEp50_us=... NAMEp99_us=... min, max". */
static void print_distribution(const char *name, int64_t *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_i64);
	printf("%sp50_us=%lld %sp99_us=%lld %smin_us=%lld %smax_us=%lld", name,
	       (long long)percentile(v, n, 50), name, (long long)percentile(v, n, 99),
	       name, (long long)v[0], name, (long long)v[n - 1]);
}

static int detect(struct probe *p, int trials, int timeout_ms, int settle_ms)
{
	int64_t *us = calloc(trials, sizeof(*us)), *after = calloc(trials, sizeof(*after));
	int64_t *dt = calloc(trials, sizeof(*dt));
	int64_t t0, t1, when, rt_minus_mono, deadline;
	int i, n = 0, missed = 0, leaked = 0, unsteady = 0, state;
	unsigned int drops, sock_drops = 0;
	bool steady;

	if (!us || !after || !dt)
		die("calloc");
	if (!wait_up(p, 30000, settle_ms)) {
		fprintf(stderr, "bfd_detect: the session never came up\n");
		return 1;
	}
	srand((unsigned int)now_ns());
	for (i = 0; i < trials; i++) {
		/*
		 * Inject at a random phase of the TX and detection timers,
		 * reading meanwhile: the socket queue must not overflow and
		 * lose the last packets before the fault.
		 */
		socket_drops(p);
		while (!(steady = read_until(p, now_ns() + (rand() % 1000) * 1000000LL)) &&
		       ++unsteady <= UNSTEADY_MAX && wait_up(p, 30000, settle_ms))
			;
		if (!steady) {
			printf("# the session would not stay Up: %d trials left out\n",
			       trials - i);
			missed += trials - i;
			break;
		}
		rt_minus_mono = realtime_offset();
		t0 = now_ns();
		set_fault(p, 1);
		t1 = now_ns();
		/* Packets queued before the fault say nothing about it. */
		do
			state = next_sent_state(p, timeout_ms, &when, t1, &leaked);
		while (state == BFD_STATE_UP || (state >= 0 && when < t0));
		set_fault(p, 0);
		drops = socket_drops(p);
		sock_drops += drops;
		if (state < 0) {
			printf("# trial %d: no Down within %d ms\n", i + 1, timeout_ms);
			missed++;
		} else {
			us[n] = (when - t0) / 1000;
			dt[n] = detection_time_us(p);
			deadline = p->last_heard.when + dt[n] * 1000;
			after[n] = (when - deadline) / 1000;
			printf("# trial %d: detected in %lld us; last heard %lld us before the fault, detection time %lld us, Down %lld us after the deadline; CLOCK_MONOTONIC fault_ns=%lld deadline_ns=%lld down_ns=%lld; sock_drops=%u\n",
			       i + 1, (long long)us[n], (long long)(t0 - p->last_heard.when) / 1000,
			       (long long)dt[n], (long long)after[n], (long long)(t0 - rt_minus_mono),
			       (long long)(deadline - rt_minus_mono),
			       (long long)(when - rt_minus_mono), drops);
			n++;
		}
		fflush(stdout);
		if (!wait_up(p, 30000, settle_ms)) {
			printf("# the session did not come back up: %d trials left out\n",
			       trials - i - 1);
			missed += trials - i - 1;
			break;
		}
	}
	if (!n) {
		printf("n=0 missed=%d\n", missed);
		return 1;
	}
	printf("n=%d ", n);
	print_distribution("", us, n);
	printf(" missed=%d ", missed);
	print_distribution("after_", after, n);
	qsort(dt, n, sizeof(*dt), cmp_i64);
	printf(" detect_time_us=%lld leaked=%d sock_drops=%u unsteady=%d\n",
	       (long long)percentile(dt, n, 50), leaked, sock_drops, unsteady);
	free(us);
	free(after);
	free(dt);
	return 0;
}

static int watch(struct probe *p, int seconds, int settle_ms)
{
	int64_t end, when;
	int downs = 0, packets = 0, state, last = BFD_STATE_UP;

	if (!wait_up(p, 30000, settle_ms)) {
		fprintf(stderr, "bfd_detect: the session never came up\n");
		return 1;
	}
	end = now_ns() + seconds * 1000000000LL;
	while (now_ns() < end) {
		state = next_tx_state(p, 1000, &when);
		if (state < 0)
			continue;
		packets++;
		if (last == BFD_STATE_UP && state != BFD_STATE_UP)
			downs++;
		last = state;
	}
	printf("downs=%d packets=%d\n", downs, packets);
	return 0;
}

int main(int argc, char **argv)
{
	struct probe p;
	int rc;

	if (argc < 4 || (strcmp(argv[1], "detect") && strcmp(argv[1], "watch"))) {
		fprintf(stderr, "usage: bfd_detect detect IFNAME TRIALS [TIMEOUT_MS [SETTLE_MS]]\n"
				"       bfd_detect watch IFNAME SECONDS [SETTLE_MS]\n");
		return 2;
	}
	probe_open(&p, argv[2], argv[0]);
	if (!strcmp(argv[1], "detect"))
		rc = detect(&p, atoi(argv[3]), argc > 4 ? atoi(argv[4]) : 5000,
			    argc > 5 ? atoi(argv[5]) : 300);
	else
		rc = watch(&p, atoi(argv[3]), argc > 4 ? atoi(argv[4]) : 300);
	probe_close(&p);
	return rc;
}
