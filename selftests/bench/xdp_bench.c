// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_bench: ns/packet of the peeredge XDP allowlist against the same
 * program built with a plain BPF_MAP_TYPE_LPM_TRIE lookup
 * (bpf/allowlist.bpf.c -DPE_LOOKUP_LPM: same parsing, config and counters),
 * both loaded in the same run with the same prefixes and the same packets.
 *
 * Method (printed with the results):
 *  - N random prefixes (IPv4 with a length mix shaped like the global
 *    table, IPv6 likewise; with -l, IPv4 prefixes all of length LEN) on
 *    peering 0; the tables grow in place from one size to the next;
 *  - sources: half a random address inside a random inserted prefix, half
 *    a uniformly random address (IPv6: inside 2000::/3);
 *  - "hot": 1024 distinct UDP packets with such sources, BPF_PROG_TEST_RUN
 *    with repeat R on each packet in turn, the kernel's per-run average;
 *    the median over the 1024 packets. One source R times: the table entry
 *    it needs stays in cache. Both programs must give every packet the
 *    same verdict.
 *  - "stream": the same programs with a prologue (xdp_stream.bpf.c) that
 *    writes the next of 2^20 such sources into the packet; one test run
 *    with repeat 2^20 looks each of them up once, in the same order for
 *    both programs, so consecutive lookups touch unrelated parts of the
 *    table as a port's traffic does. The kernel's per-run average, median
 *    over K rounds; the prologue alone (pe_stream_null) is measured too,
 *    and with one read placed by the source in a 64 MiB array
 *    (pe_stream_probe): the floor of a table that does not fit in cache.
 *    After the last size of each family, the probe confined to the first
 *    16 KiB to 64 MiB of its array, and the "lookup floor": the allowlist
 *    program whose lookup is that one read (xdp_stream.bpf.c built with
 *    -DPE_STREAM_FLOOR, its table half non-zero at random). The bare
 *    probe is short enough for the processor to overlap the reads of
 *    consecutive packets; the lookup floor is what one read of a table of
 *    that size costs inside a program as long as ours.
 *    The passed counters must agree between the two programs.
 *  The bench pins itself to CPU 0 at SCHED_FIFO priority 10, and the
 *  programs are measured interleaved (packet by packet, round by round).
 *  Medians, not means: on a shared host a measurement now and then includes
 *  time the vCPU was not running.
 *
 *   xdp_bench [-o DIR_OF_THE_BPF_OBJECTS] [-4 N,N,..] [-6 N,N,..]
 *             [-l LEN] [-r REPEAT] [-k ROUNDS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libgen.h>
#include <net/if.h>
#include <sched.h>
#include <sys/mount.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "allowlist_user.h"
#include "../bpf/pkt.h"
#include "xdp_stream.h"

#define NPKT 1024
#define PIN_ROOT "/sys/fs/bpf"
#define MAX_SIZES 8

static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

static unsigned long long rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

struct pfx {
	unsigned char a[16];
	unsigned char len;
};

/* Length mixes (per 10000), roughly the shape of the global tables. */
static const struct { int len, w; } mix4[] = {
	{ 8, 1 }, { 12, 10 }, { 14, 30 }, { 16, 120 }, { 17, 60 }, { 18, 100 },
	{ 19, 200 }, { 20, 300 }, { 21, 400 }, { 22, 900 }, { 23, 800 },
	{ 24, 6679 }, { 25, 100 }, { 26, 80 }, { 27, 70 }, { 28, 50 },
	{ 29, 50 }, { 30, 30 }, { 32, 20 },
};

static const struct { int len, w; } mix6[] = {
	{ 20, 20 }, { 24, 50 }, { 28, 80 }, { 29, 400 }, { 32, 1200 },
	{ 33, 30 }, { 36, 400 }, { 40, 600 }, { 44, 600 }, { 46, 100 },
	{ 47, 50 }, { 48, 4500 }, { 52, 100 }, { 56, 400 }, { 60, 70 },
	{ 64, 1300 }, { 128, 100 },
};

/* -l: every IPv4 prefix of this length; 0: the mix. */
static int fixed_len4;

static int pick_len(int v6)
{
	int r = rnd() % 10000, i, n = v6 ? sizeof(mix6) / sizeof(mix6[0]) :
					  sizeof(mix4) / sizeof(mix4[0]);

	if (!v6 && fixed_len4)
		return fixed_len4;
	for (i = 0; i < n; i++) {
		r -= v6 ? mix6[i].w : mix4[i].w;
		if (r < 0)
			return v6 ? mix6[i].len : mix4[i].len;
	}
	return v6 ? 48 : 24;
}

static void rand_addr(unsigned char *a, int v6)
{
	int i;

	for (i = 0; i < (v6 ? 16 : 4); i++)
		a[i] = rnd();
	if (v6)
		a[0] = 0x20 | (a[0] & 0x1f);	/* 2000::/3 */
}

static void mask(unsigned char *a, int len, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++) {
		int keep = len - i * 8;

		if (keep <= 0)
			a[i] = 0;
		else if (keep < 8)
			a[i] &= 0xff << (8 - keep);
	}
}

/*
 * A source for a packet: inside a random one of the first @have prefixes
 * when @inside, else uniformly random.
 */
static void pick_source(unsigned char *a, int v6, const struct pfx *pf,
			long have, int inside)
{
	int b, bytes = v6 ? 16 : 4;
	const struct pfx *p;

	rand_addr(a, v6);
	if (!inside)
		return;
	p = &pf[rnd() % have];
	for (b = 0; b < bytes; b++) {
		int keep = p->len - b * 8;

		if (keep >= 8)
			a[b] = p->a[b];
		else if (keep > 0)
			a[b] = p->a[b] | (a[b] & (0xff >> keep));
	}
}

struct lpm {
	struct bpf_object *obj;
	int prog, m4, m6, cfg;
};

static int lpm_open(const char *path, struct lpm *l)
{
	struct pe_ifcfg cfg = { .peering = 0, .mode = PE_MODE_ENFORCE,
				.slot = 1, .active = 1 };
	__u32 one = 1;
	int err;

	l->obj = bpf_object__open_file(path, NULL);
	if (!l->obj)
		return -errno;
	err = bpf_object__load(l->obj);
	if (err)
		return err;
	l->prog = bpf_program__fd(bpf_object__find_program_by_name(l->obj,
								    "pe_allowlist"));
	l->m4 = bpf_object__find_map_fd_by_name(l->obj, "pe_lpm4");
	l->m6 = bpf_object__find_map_fd_by_name(l->obj, "pe_lpm6");
	l->cfg = bpf_object__find_map_fd_by_name(l->obj, "pe_ifcfg");
	if (l->prog < 0 || l->m4 < 0 || l->m6 < 0 || l->cfg < 0)
		return -ENOENT;
	return bpf_map_update_elem(l->cfg, &one, &cfg, BPF_ANY) ? -errno : 0;
}

static int lpm_add(struct lpm *l, const struct pfx *p, int v6)
{
	__u64 bits = 1;

	if (v6) {
		struct pe_lpm6_key k = { .prefixlen = p->len };

		memcpy(k.addr, p->a, 16);
		return bpf_map_update_elem(l->m6, &k, &bits, BPF_ANY) ? -errno : 0;
	} else {
		struct pe_lpm4_key k = { .prefixlen = p->len };

		memcpy(k.addr, p->a, 4);
		return bpf_map_update_elem(l->m4, &k, &bits, BPF_ANY) ? -errno : 0;
	}
}

static int null_prog(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "pe_null", "GPL", insns, 2, NULL);
}

static int run(int prog, const struct pkt *p, int repeat, __u32 *dur)
{
	struct xdp_md ctx = { .data_end = p->len, .ingress_ifindex = 1 };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = p->b,
		    .data_size_in = p->len, .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = repeat);

	if (bpf_prog_test_run_opts(prog, &o))
		return -errno;
	*dur = o.duration;
	return o.retval;
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/*
 * Median over runs: robust against the vCPU being preempted in the middle
 * of a measurement (steal time on a shared host), which a mean is not.
 */
static double median(__u32 *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_u32);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

/*
 * The three programs are measured interleaved, packet by packet, so that a
 * slow moment of the host hits all three alike.
 * hot: per-packet repeat, median over the packets, per program.
 */
static int bench_hot(const int *prog, const struct pkt *pk, int repeat,
		     double *out)
{
	static __u32 d[3][NPKT];
	int i, j;

	for (i = 0; i < NPKT; i++)
		for (j = 0; j < 3; j++)
			if (run(prog[j], &pk[i], repeat, &d[j][i]) < 0)
				return -1;
	for (j = 0; j < 3; j++)
		out[j] = median(d[j], NPKT);
	return 0;
}

/*
 * A stream object (xdp_stream.bpf.c) whose lookup, config and counter maps
 * are the ones pinned in @pin_dir: those of the program it is compared with.
 */
struct stream {
	struct bpf_object *obj;
	int prog, null, probe, probe_mask, src, pos, cfg, counters;
};

static int stream_open(const char *path, const char *pin_dir,
		       struct stream *st)
{
	char pin[4096];
	struct bpf_map *m;
	int err, fd;

	st->obj = bpf_object__open_file(path, NULL);
	if (!st->obj)
		return -errno;
	bpf_object__for_each_map(m, st->obj) {
		if (bpf_map__is_internal(m) ||
		    !strncmp(bpf_map__name(m), "pe_stream_", 10))
			continue;
		snprintf(pin, sizeof(pin), "%s/%s", pin_dir, bpf_map__name(m));
		fd = bpf_obj_get(pin);
		if (fd < 0)
			return -errno;
		err = bpf_map__reuse_fd(m, fd);
		close(fd);
		if (err)
			return err;
	}
	err = bpf_object__load(st->obj);
	if (err)
		return err;
	st->prog = bpf_program__fd(bpf_object__find_program_by_name(st->obj,
								     "pe_allowlist"));
	st->null = bpf_program__fd(bpf_object__find_program_by_name(st->obj,
								     "pe_stream_null"));
	/* Only in the peeredge one. */
	st->probe = bpf_program__fd(bpf_object__find_program_by_name(st->obj,
								      "pe_stream_probe"));
	st->probe_mask = bpf_object__find_map_fd_by_name(st->obj,
							 "pe_stream_probe_mask");
	st->src = bpf_object__find_map_fd_by_name(st->obj, "pe_stream_src");
	st->pos = bpf_object__find_map_fd_by_name(st->obj, "pe_stream_pos");
	st->cfg = bpf_object__find_map_fd_by_name(st->obj, "pe_ifcfg");
	st->counters = bpf_object__find_map_fd_by_name(st->obj, "pe_counters");
	if (st->prog < 0 || st->null < 0 || st->src < 0 || st->pos < 0 ||
	    st->cfg < 0 || st->counters < 0)
		return -ENOENT;
	return 0;
}

static int stream_fill(const struct stream *st, const struct in6_addr *src)
{
	static __u32 keys[PE_STREAM_SOURCES];
	__u32 i, n = PE_STREAM_SOURCES;

	for (i = 0; i < n; i++)
		keys[i] = i;
	return bpf_map_update_batch(st->src, keys, src, &n, NULL) ? -errno : 0;
}

/* Packets counted under @reason for ifindex 1, summed over CPUs. */
static long long counted(const struct stream *st, __u32 reason)
{
	int i, ncpu = libbpf_num_possible_cpus();
	__u32 key = 1, idx;
	struct pe_ifcfg cfg;
	struct pe_cnt *v;
	long long sum = 0;

	if (ncpu <= 0 || bpf_map_lookup_elem(st->cfg, &key, &cfg))
		return -1;
	v = calloc(ncpu, sizeof(*v));
	idx = cfg.slot * PE_R_MAX + reason;
	if (!v || bpf_map_lookup_elem(st->counters, &idx, v)) {
		free(v);
		return -1;
	}
	for (i = 0; i < ncpu; i++)
		sum += v[i].packets;
	free(v);
	return sum;
}

/* One pass over all the sources from the first: the kernel's average. */
static int stream_pass(const struct stream *st, int prog, const struct pkt *p,
		       __u32 *dur)
{
	__u32 zero = 0;

	if (bpf_map_update_elem(st->pos, &zero, &zero, BPF_ANY))
		return -1;
	return run(prog, p, PE_STREAM_SOURCES, dur) < 0 ? -1 : 0;
}

/* Measurement j of n, once: 0, or -1 when it could not run. */
typedef int (*measure_fn)(const void *ctx, size_t j, __u32 *dur);

/* n measurements interleaved round by round; out[j]: the median of j. */
static int interleaved_medians(size_t n, int rounds, measure_fn measure,
			       const void *ctx, double *out)
{
	__u32 **d = calloc(n, sizeof(*d));
	int r, err = !d;
	size_t j;

	for (j = 0; j < n && !err; j++)
		if (!(d[j] = calloc(rounds, sizeof(__u32))))
			err = -1;
	for (r = 0; r < rounds && !err; r++)
		for (j = 0; j < n && !err; j++)
			err = measure(ctx, j, &d[j][r]);
	for (j = 0; d && j < n; j++) {
		if (!err)
			out[j] = median(d[j], rounds);
		free(d[j]);
	}
	free(d);
	return err ? -1 : 0;
}

struct stream_runs {
	const struct stream *of[4];
	int prog[4];
	const struct pkt *p;
};

static int stream_measure(const void *ctx, size_t j, __u32 *dur)
{
	const struct stream_runs *sr = ctx;

	return stream_pass(sr->of[j], sr->prog[j], sr->p, dur);
}

/*
 * stream: per round, the two programs, the prologue alone and the probe,
 * each once over all the sources from the first; median over the rounds.
 * @passed: how many lookups each program allowed.
 */
static int bench_stream(const struct stream *st, const struct pkt *p,
			int v6, int rounds, double *out, long long *passed)
{
	const struct stream_runs sr = {
		.of = { &st[0], &st[1], &st[0], &st[0] },
		.prog = { st[0].prog, st[1].prog, st[0].null, st[0].probe },
		.p = p,
	};
	__u32 reason = v6 ? PE_R_PASS_V6 : PE_R_PASS_V4;
	long long before[2], after;
	int j, err;

	for (j = 0; j < 2; j++)
		if ((before[j] = counted(&st[j], reason)) < 0)
			return -1;
	err = interleaved_medians(4, rounds, stream_measure, &sr, out);
	for (j = 0; j < 2; j++) {
		after = counted(&st[j], reason);
		if (after < 0)
			err = -1;
		passed[j] = after - before[j];
	}
	return err;
}

/*
 * The lookup floor's table: every entry zero or not at random (a fixed
 * mix of its index, so that the prefixes' random sequence is not touched).
 */
static int floor_table_fill(const struct stream *st)
{
	int fd = bpf_object__find_map_fd_by_name(st->obj, "pe_stream_probe_tbl");
	__u32 i, n = PE_STREAM_PROBE_ELEMS, *keys, *v;
	int err;

	keys = calloc(n, sizeof(*keys));
	v = calloc((size_t)n * 16, sizeof(*v));
	err = fd < 0 || !keys || !v ? -1 : 0;
	for (i = 0; !err && i < n; i++)
		keys[i] = i;
	for (i = 0; !err && i < n * 16; i++)
		v[i] = (i * 0x9e3779b97f4a7c15ULL) >> 63;
	if (!err && bpf_map_update_batch(fd, keys, v, &n, NULL))
		err = -1;
	free(keys);
	free(v);
	return err;
}

/* The probe reads in the first @bytes of its array (a power of two). */
static int probe_confine(const struct stream *st, __u32 bytes)
{
	__u32 zero = 0, mask = bytes / 64 - 1;

	return bpf_map_update_elem(st->probe_mask, &zero, &mask, BPF_ANY);
}

/*
 * The floors of a table of each size in floor_kib: the probe and the
 * lookup floor confined to it, over the sources now in the stream,
 * interleaved round by round with peeredge's program, so that the three
 * compare in the same minutes; median over the rounds: out[j] the probe's,
 * out[NFLOOR + j] the lookup floor's of size j, out[2 * NFLOOR] peeredge's.
 * Both floors are left on the whole array.
 */
static const unsigned int floor_kib[] = { 16, 256, 1024, 4096, 16384, 65536 };
#define NFLOOR (sizeof(floor_kib) / sizeof(floor_kib[0]))
#define NFLOOR_RUNS (2 * NFLOOR + 1)

struct floor_runs {
	const struct stream *pe, *lookup;	/* pe also has the probe */
	const struct pkt *p;
};

static int floor_measure(const void *ctx, size_t j, __u32 *dur)
{
	const struct floor_runs *fr = ctx;
	const struct stream *st;

	if (j == 2 * NFLOOR)	/* peeredge's own lookup */
		return stream_pass(fr->pe, fr->pe->prog, fr->p, dur);
	st = j < NFLOOR ? fr->pe : fr->lookup;
	if (probe_confine(st, floor_kib[j % NFLOOR] << 10))
		return -1;
	return stream_pass(st, j < NFLOOR ? st->probe : st->prog, fr->p, dur);
}

static int measure_floors(const struct stream *pe,
			  const struct stream *lookup, const struct pkt *p,
			  int rounds, double *out)
{
	const struct floor_runs fr = { .pe = pe, .lookup = lookup, .p = p };
	int err = interleaved_medians(NFLOOR_RUNS, rounds, floor_measure, &fr,
				      out);

	if (probe_confine(pe, PE_STREAM_PROBE_ELEMS * 64) ||
	    probe_confine(lookup, PE_STREAM_PROBE_ELEMS * 64))
		return -1;
	return err;
}

static void print_floor(const double *ns, double null_ns)
{
	size_t j;

	printf("| table | probe stream | net of the prologue | lookup floor stream |\n|---:|---:|---:|---:|\n");
	for (j = 0; j < NFLOOR; j++)
		printf("| %u %s | %.1f | %.1f | %.1f |\n",
		       floor_kib[j] >= 1024 ? floor_kib[j] >> 10 : floor_kib[j],
		       floor_kib[j] >= 1024 ? "MiB" : "KiB", ns[j], ns[j] - null_ns,
		       ns[NFLOOR + j]);
	printf("(peeredge's lookup, in the same rounds: %.1f)\n", ns[2 * NFLOOR]);
}

static int parse_sizes(char *s, long *out)
{
	int n = 0;
	char *t;

	for (t = strtok(s, ","); t && n < MAX_SIZES; t = strtok(NULL, ","))
		out[n++] = strtol(t, NULL, 10);
	return n;
}

int main(int argc, char **argv)
{
	long sz4[MAX_SIZES] = { 1000, 100000, 1000000 }, sz6[MAX_SIZES] = {
		1000, 100000, 1000000 };
	int n4 = 3, n6 = 3, repeat = 1000, rounds = 5, opt, fam, nulfd, err;
	struct row {
		int v6;
		long n;
		double pe_h, lpm_h, null_h, pe_s, lpm_s, null_s, probe_s;
	} rows[2 * MAX_SIZES];
	int nrows = 0, ri, rt, i;
	double floor_ns[2][NFLOOR_RUNS], floor_null[2] = { 0, 0 };
	double t_start = now();
	struct pe_allowlist_opts o = { .v4_blocks = 1 << 17, .v4_wide = 4096,
				       .v4_bitmaps = 1 << 17, .v6_chunks = 16384,
				       .v6_ranges = 1 << 23,
				       .prefixes = 1 << 22,
				       .pin_dir = PIN_ROOT "/pe" };
	char objpath[4096], spath[3][4096], *dir = NULL;
	struct pe_allowlist *al;
	struct stream strm[3];	/* peeredge, lpm_trie, lookup floor */
	struct in6_addr *src;
	struct pkt *pk;
	struct pfx *pf;
	struct lpm l = { .prog = -1, .m4 = -1, .m6 = -1, .cfg = -1 };
	char lenmix[32] = "a global-table length mix";

	while ((opt = getopt(argc, argv, "o:4:6:l:r:k:")) != -1) {
		switch (opt) {
		case 'o': dir = optarg; break;
		case '4': n4 = parse_sizes(optarg, sz4); break;
		case '6': n6 = parse_sizes(optarg, sz6); break;
		case 'l':
			fixed_len4 = atoi(optarg);
			if (fixed_len4 < 1 || fixed_len4 > 32) {
				fprintf(stderr, "-l: a length 1..32\n");
				return 2;
			}
			break;
		case 'r': repeat = atoi(optarg); break;
		case 'k': rounds = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: xdp_bench [-o DIR] [-4 N,..] [-6 N,..] [-l LEN] [-r REPEAT] [-k ROUNDS]\n");
			return 2;
		}
	}
	if (!dir)
		dir = dirname(strdup(argv[0]));
	snprintf(objpath, sizeof(objpath), "%s/allowlist_lpm.bpf.o", dir);
	snprintf(spath[0], sizeof(spath[0]), "%s/xdp_stream.bpf.o", dir);
	snprintf(spath[1], sizeof(spath[1]), "%s/xdp_stream_lpm.bpf.o", dir);
	snprintf(spath[2], sizeof(spath[2]), "%s/xdp_stream_floor.bpf.o", dir);

	/*
	 * A netns of our own (ifindex 1 is our lo), and a mount namespace
	 * with a bpffs of our own, where the stream programs find the maps.
	 */
	if (unshare(CLONE_NEWNET | CLONE_NEWNS)) {
		perror("unshare (needs root)");
		return 4;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("bpf", PIN_ROOT, "bpf", 0, NULL)) {
		perror("a bpffs of our own on " PIN_ROOT);
		return 4;
	}
	libbpf_set_print(NULL);
	/*
	 * One CPU, real-time priority: other work on the machine (test VMs,
	 * builds) then waits instead of landing inside a measurement.
	 */
	{
		struct sched_param sp = { .sched_priority = 10 };
		cpu_set_t cpus;

		CPU_ZERO(&cpus);
		CPU_SET(0, &cpus);
		rt = !sched_setaffinity(0, sizeof(cpus), &cpus) &&
		     !sched_setscheduler(0, SCHED_FIFO, &sp);
	}
	err = pe_allowlist_open(&o, &al);
	if (!err)
		err = pe_allowlist_set_iface(al, 1, 0, PE_MODE_ENFORCE);
	if (err) {
		fprintf(stderr, "peeredge: %s\n", strerror(-err));
		return 1;
	}
	err = lpm_open(objpath, &l);
	if (!err)
		err = bpf_object__pin_maps(l.obj, PIN_ROOT "/lpm");
	if (err) {
		fprintf(stderr, "%s: %s\n", objpath, strerror(-err));
		return 1;
	}
	for (i = 0; i < 3; i++) {
		err = stream_open(spath[i], i == 1 ? PIN_ROOT "/lpm" : o.pin_dir,
				  &strm[i]);
		if (err) {
			fprintf(stderr, "%s: %s\n", spath[i], strerror(-err));
			return 1;
		}
	}
	for (i = 0; i < 3; i += 2)
		if (strm[i].probe < 0 || strm[i].probe_mask < 0 ||
		    probe_confine(&strm[i], PE_STREAM_PROBE_ELEMS * 64)) {
			fprintf(stderr, "%s: no pe_stream_probe\n", spath[i]);
			return 1;
		}
	if (floor_table_fill(&strm[2])) {
		fprintf(stderr, "%s: filling its table failed\n", spath[2]);
		return 1;
	}
	nulfd = null_prog();
	/*
	 * BPF_PROG_TEST_RUN registers the program with the XDP dispatcher
	 * around each run, which waits for an RCU grace period unless the
	 * program is already attached somewhere: attach all eight (generic
	 * mode, to veths of this netns that carry no traffic).
	 */
	{
		int progs[8] = { pe_allowlist_prog_fd(al), l.prog, nulfd,
				 strm[0].prog, strm[1].prog, strm[0].null,
				 strm[0].probe, strm[2].prog };
		char name[8];

		err = system("ip link add pb0 type veth peer name pb1 && "
			     "ip link add pb2 type veth peer name pb3 && "
			     "ip link add pb4 type veth peer name pb5 && "
			     "ip link add pb6 type veth peer name pb7");
		for (i = 0; i < 8 && !err; i++) {
			snprintf(name, sizeof(name), "pb%d", i);
			err = bpf_xdp_attach(if_nametoindex(name), progs[i],
					     XDP_FLAGS_SKB_MODE, NULL);
		}
		if (err)
			fprintf(stderr, "# could not attach the programs: runs will be slow\n");
	}
	if (fixed_len4)
		snprintf(lenmix, sizeof(lenmix), "all /%d", fixed_len4);
	pk = calloc(NPKT, sizeof(*pk));
	pf = calloc(2000000, sizeof(*pf));
	src = calloc(PE_STREAM_SOURCES, sizeof(*src));
	if (nulfd < 0 || !pk || !pf || !src)
		return 1;

	printf("# xdp_bench: peeredge (IPv4: per-peering /16 directory, then a bit per /24;\n"
	       "#   IPv6: per-peering /16 directory, a bit per /24, packed /24 entries,\n"
	       "#   then the shared DIR-16-8 and bisected ranges where an entry defers)\n"
	       "# vs the same program with BPF_MAP_TYPE_LPM_TRIE lookups, same run, same packets.\n"
	       "# prefixes: IPv4 %s, IPv6 a global-table length mix, on one peering;\n"
	       "# sources: half from inside inserted prefixes, half random;\n"
	       "# hot: %d distinct UDP packets, BPF_PROG_TEST_RUN repeat=%d on each, kernel average,\n"
	       "#   median over packets, interleaved packet by packet;\n"
	       "# stream: a prologue writes the next of %u sources into the packet, repeat=%u,\n"
	       "#   kernel average, median over %d rounds, interleaved round by round;\n"
	       "# null: an empty program (hot) and the prologue alone (stream);\n"
	       "# probe: the prologue and one read, placed by the source, in a 64 MiB array;\n"
	       "# lookup floor: the allowlist program whose lookup is that one read; %s.\n",
	       lenmix, NPKT, repeat, PE_STREAM_SOURCES, PE_STREAM_SOURCES, rounds,
	       rt ? "pinned to CPU 0 at SCHED_FIFO 10" : "NOT real-time (sched_setscheduler failed)");
	for (fam = 0; fam < 2; fam++) {
		long have = 0;
		int si, nsz = fam ? n6 : n4;

		for (si = 0; si < nsz; si++) {
			long want = (fam ? sz6 : sz4)[si], i;
			double t0 = now(), t_pe = 0, t_lpm = 0, h[3], sm[4];
			int bytes = fam ? 16 : 4, mism = 0, allowed = 0;
			long long passed[2];
			struct pe_allowlist_stats st;
			char use[192];

			if (want > 2000000)
				want = 2000000;
			for (i = have; i < want; i++) {
				struct pfx *p = &pf[i];
				double t;

				p->len = pick_len(fam);
				rand_addr(p->a, fam);
				mask(p->a, p->len, bytes);
				t = now();
				err = pe_allowlist_add(al, fam ? AF_INET6 : AF_INET,
						       p->a, p->len, 0);
				t_pe += now() - t;
				if (err) {
					fprintf(stderr, "add: %s\n", strerror(-err));
					return 1;
				}
				t = now();
				err = lpm_add(&l, p, fam);
				t_lpm += now() - t;
				if (err) {
					fprintf(stderr, "lpm add: %s\n", strerror(-err));
					return 1;
				}
			}
			have = want;
			for (i = 0; i < NPKT; i++) {
				unsigned char a[16];
				char s[64];

				pick_source(a, fam, pf, have, i % 2 == 0);
				inet_ntop(fam ? AF_INET6 : AF_INET, a, s, sizeof(s));
				if (fam) {
					pkt_eth(&pk[i], 0x86dd, 0, NULL);
					pkt_ip6(&pk[i], s, "2001:db8::1", IPPROTO_UDP);
				} else {
					pkt_eth(&pk[i], 0x0800, 0, NULL);
					pkt_ip4(&pk[i], s, "198.51.100.1", IPPROTO_UDP, 0);
				}
				pkt_ports(&pk[i], 40000, 5060, 4 + 32);
				pkt_fix_len(&pk[i]);
			}
			for (i = 0; i < NPKT; i++) {
				__u32 d;
				int a = run(pe_allowlist_prog_fd(al), &pk[i], 1, &d);
				int b = run(l.prog, &pk[i], 1, &d);

				mism += a != b || a < 0;
				allowed += a == XDP_PASS;
			}
			if (mism) {
				fprintf(stderr, "%d packets with different verdicts\n", mism);
				return 1;
			}
			memset(src, 0, PE_STREAM_SOURCES * sizeof(*src));
			for (i = 0; i < PE_STREAM_SOURCES; i++)
				pick_source(src[i].s6_addr, fam, pf, have, i % 2 == 0);
			if (stream_fill(&strm[0], src) || stream_fill(&strm[1], src) ||
			    stream_fill(&strm[2], src)) {
				fprintf(stderr, "filling the sources: %s\n", strerror(errno));
				return 1;
			}
			{
				int progs[3] = { pe_allowlist_prog_fd(al), l.prog, nulfd };

				if (bench_hot(progs, pk, repeat, h) ||
				    bench_stream(strm, &pk[0], fam, rounds, sm, passed)) {
					fprintf(stderr, "BPF_PROG_TEST_RUN failed\n");
					return 1;
				}
			}
			/* Every source was looked up @rounds times by each. */
			if (passed[0] != passed[1] || passed[0] <= 0 ||
			    passed[0] >= (long long)rounds * PE_STREAM_SOURCES) {
				fprintf(stderr, "stream: peeredge allowed %lld lookups, lpm_trie %lld\n",
					passed[0], passed[1]);
				return 1;
			}
			pe_allowlist_stats(al, &st);
			if (fam)
				snprintf(use, sizeof(use), "v6 per peering: blocks %u, entry lines %u, lists %u, /16s shared %u; shared: chunks %u, ranges %u",
					 st.v6_blocks_used, st.v6_entry_lines_used,
					 st.v6_lists_used,
					 st.v6_slash16_shared, st.v6_chunks_used,
					 st.v6_ranges_used);
			else
				snprintf(use, sizeof(use), "v4 blocks %u, wide %u, bitmaps %u, /16s used %u",
					 st.v4_blocks_used, st.v4_wide_used,
					 st.v4_bitmaps_used, st.v4_slash16_used);
			printf("\n## %s, %ld prefixes (allowed: %d/%d packets, %.1f%% of the stream; load: peeredge %.2f s, lpm %.2f s; %s)\n",
			       fam ? "IPv6" : "IPv4", have, allowed, NPKT,
			       100.0 * passed[0] / rounds / PE_STREAM_SOURCES,
			       t_pe, t_lpm, use);
			printf("%-10s %-9s %12s %14s\n", "family", "method",
			       "hot ns/pkt", "stream ns/pkt");
			printf("%-10s %-9s %12.1f %14.1f\n", fam ? "ipv6" : "ipv4",
			       "peeredge", h[0], sm[0]);
			printf("%-10s %-9s %12.1f %14.1f\n", fam ? "ipv6" : "ipv4",
			       "lpm_trie", h[1], sm[1]);
			printf("%-10s %-9s %12.1f %14.1f\n", "", "null", h[2], sm[2]);
			printf("%-10s %-9s %12s %14.1f\n", "", "probe", "", sm[3]);
			printf("speedup: hot %.1fx (net of null %.1fx), stream %.1fx (net of null %.1fx)  [%.1f s]\n",
			       h[1] / h[0], (h[1] - h[2]) / (h[0] - h[2]),
			       sm[1] / sm[0], (sm[1] - sm[2]) / (sm[0] - sm[2]),
			       now() - t0);
			fflush(stdout);
			rows[nrows++] = (struct row){ fam, have, h[0], h[1], h[2],
						      sm[0], sm[1], sm[2], sm[3] };
			if (si < nsz - 1)
				continue;
			if (measure_floors(&strm[0], &strm[2], &pk[0], rounds,
					   floor_ns[fam])) {
				fprintf(stderr, "BPF_PROG_TEST_RUN failed\n");
				return 1;
			}
			floor_null[fam] = sm[2];
			printf("\n## Floors: one read, placed by the source, in a table of each size (these %s sources)\n",
			       fam ? "IPv6" : "IPv4");
			print_floor(floor_ns[fam], floor_null[fam]);
		}
	}
	printf("\n## Summary (ns/packet; speedup = lpm_trie / peeredge)\n");
	printf("| family | prefixes | peeredge hot | lpm_trie hot | speedup | peeredge stream | lpm_trie stream | speedup | null hot / stream | probe stream |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (ri = 0; ri < nrows; ri++)
		printf("| %s | %ld | %.1f | %.1f | %.1fx | %.1f | %.1f | %.1fx | %.1f / %.1f | %.1f |\n",
		       rows[ri].v6 ? "IPv6" : "IPv4", rows[ri].n, rows[ri].pe_h,
		       rows[ri].lpm_h, rows[ri].lpm_h / rows[ri].pe_h,
		       rows[ri].pe_s, rows[ri].lpm_s,
		       rows[ri].lpm_s / rows[ri].pe_s, rows[ri].null_h,
		       rows[ri].null_s, rows[ri].probe_s);
	printf("(all figures include the test-run loop, and stream ones the prologue: the null column;\n"
	       " probe: the prologue and one read, placed by the source, in a 64 MiB array; total %.0f s)\n",
	       now() - t_start);
	/* A family's floors were measured after its last size, if it had any. */
	for (fam = 0; fam < 2; fam++) {
		if (!(fam ? n6 : n4))
			continue;
		printf("\n## Floors, %s (ns/packet, stream): one read in a table of each size;\n"
		       "## lookup floor: the allowlist program with that read as its lookup\n",
		       fam ? "IPv6" : "IPv4");
		print_floor(floor_ns[fam], floor_null[fam]);
	}
	for (i = 0; i < 3; i++)
		bpf_object__close(strm[i].obj);
	pe_allowlist_close(al);
	bpf_object__close(l.obj);
	return 0;
}
