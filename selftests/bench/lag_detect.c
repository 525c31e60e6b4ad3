// SPDX-License-Identifier: GPL-2.0
/*
 * lag_detect: how long a bond member goes on carrying data after a silent
 * fault, whatever takes it out (micro-BFD, LACP).
 *
 *   lag_detect stream ADDR PORT FLOWS PPS
 *   lag_detect measure TARGET in|both TRIALS TIMEOUT_MS QUIET_MS PORT FLOWS OTHER...
 *
 * stream (sending side): UDP to ADDR, destination ports PORT..PORT+FLOWS-1
 * in turn, PPS datagrams a second in 1 ms batches, until killed. With
 * xmit_hash_policy layer3+4 the flows spread over the bond's members.
 *
 * measure (receiving side): member_fault.bpf.o (next to this binary) on
 * TARGET and the OTHER members of the far bond (XDP), and on TARGET's
 * egress (tc).
 * Per trial: wait until TARGET has carried the stream for a second without
 * a gap of 100 ms, wait a random part of a second, switch the fault on
 * (CLOCK_MONOTONIC read just before the map update; "in": every frame
 * arriving on TARGET dropped, "both": also every frame leaving it), then
 * wait until no data frame has arrived on TARGET for QUIET_MS. The figure
 * is the arrival time of the last data frame (bpf_ktime_get_ns(), the same
 * clock) minus the fault time, 0 when none arrived after the fault; no quiet
 * period within TIMEOUT_MS is a miss. A trial where TARGET carried no data
 * in the 50 ms before the fault (it had left the bond already, e.g. a false
 * Down) is left out and counted as such. Then the fault is cleared. The stream's
 * mean gap between frames on TARGET bounds the resolution. Prints one line
 * per trial and "n= p50_us= p99_us= min_us= max_us= missed= skipped= gap_us=".
 */
#include <arpa/inet.h>
#include <libgen.h>
#include <limits.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bench_util.h"

#define die(what) bench_die("lag_detect", what)

/* The slots of member_fault.bpf.c's ctl map. */
enum { CTL_FAULT, CTL_TARGET, CTL_PORT_LO, CTL_PORT_HI, CTL_LAST_NS, CTL_FRAMES };
#define FAULT_IN 1
#define FAULT_OUT 2
#define MAX_IFS 16

static int64_t mono_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void __attribute__((noreturn)) stream(const char *addr, int port, int flows, int pps)
{
	struct sockaddr_in to = { .sin_family = AF_INET };
	static const char payload[64];
	int s = socket(AF_INET, SOCK_DGRAM, 0), flow = 0;
	int64_t next = mono_ns(), sent = 0, start = next;

	if (s < 0 || inet_pton(AF_INET, addr, &to.sin_addr) != 1)
		die("stream socket or address");
	for (;;) {
		/* Frames due by now: catches up after a late wake-up. */
		int64_t due = (mono_ns() - start) * pps / 1000000000LL;
		struct timespec ts;

		for (; sent < due; sent++) {
			to.sin_port = htons((uint16_t)(port + flow));
			flow = (flow + 1) % flows;
			/* A datagram lost to a full queue is a gap, not an error. */
			sendto(s, payload, sizeof(payload), 0, (struct sockaddr *)&to, sizeof(to));
		}
		next += 1000000;
		ts = (struct timespec){ next / 1000000000LL, next % 1000000000LL };
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
}

struct rig {
	struct bpf_object *obj;
	int ctl;
	int ifindex[MAX_IFS];
	int nifs;
	struct bpf_tc_hook hook;
};

static uint64_t ctl_get(struct rig *r, uint32_t k)
{
	uint64_t v = 0;

	if (bpf_map_lookup_elem(r->ctl, &k, &v))
		die("reading the ctl map");
	return v;
}

static void ctl_set(struct rig *r, uint32_t k, uint64_t v)
{
	if (bpf_map_update_elem(r->ctl, &k, &v, BPF_ANY))
		die("updating the ctl map");
}

static void rig_open(struct rig *r, const char *self, char **ifs, int nifs, int port, int flows)
{
	char path[PATH_MAX], dir[PATH_MAX];
	struct bpf_program *in, *out;
	struct bpf_tc_opts opts = { .sz = sizeof(opts) };
	int i;

	snprintf(dir, sizeof(dir), "%s", self);
	snprintf(path, sizeof(path), "%s/member_fault.bpf.o", dirname(dir));
	r->obj = bpf_object__open_file(path, NULL);
	if (!r->obj || bpf_object__load(r->obj))
		die(path);
	in = bpf_object__find_program_by_name(r->obj, "member_in");
	out = bpf_object__find_program_by_name(r->obj, "member_out");
	r->ctl = bpf_object__find_map_fd_by_name(r->obj, "ctl");
	if (!in || !out || r->ctl < 0)
		die("member_fault.bpf.o lacks its programs or map");
	r->nifs = nifs;
	for (i = 0; i < nifs; i++) {
		r->ifindex[i] = (int)if_nametoindex(ifs[i]);
		if (!r->ifindex[i])
			die(ifs[i]);
	}
	ctl_set(r, CTL_FAULT, 0);
	ctl_set(r, CTL_TARGET, (uint64_t)r->ifindex[0]);
	ctl_set(r, CTL_PORT_LO, (uint64_t)port);
	ctl_set(r, CTL_PORT_HI, (uint64_t)(port + flows - 1));
	for (i = 0; i < nifs; i++)
		if (bpf_xdp_attach(r->ifindex[i], bpf_program__fd(in), XDP_FLAGS_SKB_MODE, NULL))
			die("attaching XDP to a member");
	r->hook = (struct bpf_tc_hook){ .sz = sizeof(r->hook), .ifindex = r->ifindex[0],
					.attach_point = BPF_TC_EGRESS };
	opts.prog_fd = bpf_program__fd(out);
	if (bpf_tc_hook_create(&r->hook) || bpf_tc_attach(&r->hook, &opts))
		die("attaching tc egress to the target");
}

static void rig_close(struct rig *r)
{
	int i;

	ctl_set(r, CTL_FAULT, 0);
	for (i = 0; i < r->nifs; i++)
		bpf_xdp_detach(r->ifindex[i], XDP_FLAGS_SKB_MODE, NULL);
	r->hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
	bpf_tc_hook_destroy(&r->hook);
	bpf_object__close(r->obj);
}

/*
 * Waits until the target has carried data for a second, no 100 ms without;
 * returns the mean gap between its data frames (us), -1 on timeout.
 */
static int64_t wait_carrying(struct rig *r, int timeout_ms)
{
	int64_t deadline = mono_ns() + timeout_ms * 1000000LL, since = mono_ns();
	uint64_t first = ctl_get(r, CTL_FRAMES), last = first, now;
	int good = 0;

	while (mono_ns() < deadline) {
		sleep_ms(100);
		now = ctl_get(r, CTL_FRAMES);
		if (now == last) {
			good = 0;
			first = now;
			since = mono_ns();
		} else if (++good == 10) {
			return (mono_ns() - since) / 1000 / (int64_t)(now - first);
		}
		last = now;
	}
	return -1;
}

static int measure(struct rig *r, uint64_t fault, int trials, int timeout_ms, int quiet_ms)
{
	int64_t *us = calloc(trials, sizeof(*us)), gap = 0, g, t0, last;
	int i, n = 0, missed = 0, skipped = 0;

	if (!us)
		die("calloc");
	srand((unsigned int)mono_ns());
	for (i = 0; i < trials; i++) {
		g = wait_carrying(r, 60000);
		if (g < 0) {
			printf("# trial %d: the member carries no data: %d trials left out\n",
			       i + 1, trials - i);
			missed += trials - i;
			break;
		}
		gap = gap > g ? gap : g;
		sleep_ms(rand() % 1000);
		t0 = mono_ns();
		ctl_set(r, CTL_FAULT, fault);
		if (t0 - (int64_t)ctl_get(r, CTL_LAST_NS) > 50000000LL) {
			ctl_set(r, CTL_FAULT, 0);
			printf("# trial %d: no data on the member in the 50 ms before the fault: left out\n",
			       i + 1);
			skipped++;
			continue;
		}
		for (;;) {
			sleep_ms(1);
			last = (int64_t)ctl_get(r, CTL_LAST_NS);
			if (last < t0)
				last = t0;
			if (mono_ns() - last >= quiet_ms * 1000000LL)
				break;
			if (mono_ns() - t0 >= timeout_ms * 1000000LL) {
				last = -1;
				break;
			}
		}
		ctl_set(r, CTL_FAULT, 0);
		if (last < 0) {
			printf("# trial %d: still carrying data after %d ms\n", i + 1, timeout_ms);
			missed++;
		} else {
			us[n] = (last - t0) / 1000;
			printf("# trial %d: last data frame %lld us after the fault at %lld ns\n",
			       i + 1, (long long)us[n], (long long)t0);
			n++;
		}
		fflush(stdout);
	}
	if (!n) {
		printf("n=0 missed=%d skipped=%d\n", missed, skipped);
		free(us);
		return 1;
	}
	qsort(us, n, sizeof(*us), cmp_i64);
	printf("n=%d p50_us=%lld p99_us=%lld min_us=%lld max_us=%lld missed=%d skipped=%d gap_us=%lld\n",
	       n, (long long)percentile(us, n, 50), (long long)percentile(us, n, 99),
	       (long long)us[0], (long long)us[n - 1], missed, skipped, (long long)gap);
	free(us);
	return 0;
}

static void usage(void)
{
	fprintf(stderr, "usage: lag_detect stream ADDR PORT FLOWS PPS\n"
			"       lag_detect measure TARGET in|both TRIALS TIMEOUT_MS QUIET_MS PORT FLOWS OTHER...\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct rig r;
	int rc, port, flows, nifs;
	uint64_t fault;

	if (argc == 6 && !strcmp(argv[1], "stream")) {
		port = atoi(argv[3]);
		flows = atoi(argv[4]);
		if (port < 1 || flows < 1 || port + flows > 65536 || atoi(argv[5]) < 1)
			usage();
		stream(argv[2], port, flows, atoi(argv[5]));
	}
	if (argc < 10 || strcmp(argv[1], "measure"))
		usage();
	if (!strcmp(argv[3], "in"))
		fault = FAULT_IN;
	else if (!strcmp(argv[3], "both"))
		fault = FAULT_IN | FAULT_OUT;
	else
		usage();
	port = atoi(argv[7]);
	flows = atoi(argv[8]);
	nifs = argc - 9 + 1;	/* the target first, then the others */
	if (port < 1 || flows < 1 || port + flows > 65536 || nifs > MAX_IFS ||
	    atoi(argv[4]) < 1 || atoi(argv[5]) < 1 || atoi(argv[6]) < 1)
		usage();
	argv[8] = argv[2];
	rig_open(&r, argv[0], argv + 8, nifs, port, flows);
	rc = measure(&r, fault, atoi(argv[4]), atoi(argv[5]), atoi(argv[6]));
	rig_close(&r);
	return rc;
}
