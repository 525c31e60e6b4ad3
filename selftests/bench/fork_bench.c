// SPDX-License-Identifier: GPL-2.0
/*
 * fork_bench [ROUNDS [MIB...]]: what a background state save costs
 * peeredged's event loop, by the daemon's memory. The state writer
 * (agent/state_writer.c) fork()s a child that saves a copy-on-write
 * snapshot. The loop waits in fork() while the page tables are copied,
 * and afterwards, the child gone, the first write to each page the two
 * shared still takes a write-protect fault: work that lands on whatever
 * the loop does next, a BFD Down included.
 *
 * For each size (default 64, 256 and 1024 MiB) of anonymous memory, in
 * 4 KiB pages (MADV_NOHUGEPAGE, as peeredged's heap is where the host's
 * transparent huge pages are "madvise"), every page written first, then
 * ROUNDS times (default 3): the parent's time in fork() (the child exits
 * at once and is reaped), then one byte written to every page, timed;
 * and one more pass writing every page again, with no fork before it.
 * Prints the medians: fork() in ms, the writes in ns per page.
 */
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

#define PROG "fork_bench"
#define PAGE 4096
#define MAX_ROUNDS 64

/* ns per page to write one byte into each of n pages of mem. */
static int64_t write_pages(volatile uint8_t *mem, size_t n)
{
	int64_t t = clock_ns(CLOCK_MONOTONIC);

	for (size_t i = 0; i < n; i++)
		mem[i * PAGE]++;
	return (clock_ns(CLOCK_MONOTONIC) - t) / (int64_t)n;
}

static int64_t fork_ns(void)
{
	int64_t t = clock_ns(CLOCK_MONOTONIC);
	pid_t pid = fork();

	t = clock_ns(CLOCK_MONOTONIC) - t;
	if (pid < 0)
		bench_die(PROG, "fork");
	if (!pid)
		_exit(0);
	if (waitpid(pid, NULL, 0) != pid)
		bench_die(PROG, "waitpid");
	return t;
}

static void measure(size_t mib, int rounds)
{
	size_t n = mib * (1024 * 1024 / PAGE);
	int64_t forks[MAX_ROUNDS], after[MAX_ROUNDS], warm[MAX_ROUNDS];
	uint8_t *mem;

	mem = mmap(NULL, n * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		bench_die(PROG, "mmap");
	if (madvise(mem, n * PAGE, MADV_NOHUGEPAGE))
		bench_die(PROG, "madvise");
	write_pages(mem, n);
	for (int r = 0; r < rounds; r++) {
		forks[r] = fork_ns();
		after[r] = write_pages(mem, n);
		warm[r] = write_pages(mem, n);
	}
	qsort(forks, rounds, sizeof(forks[0]), cmp_i64);
	qsort(after, rounds, sizeof(after[0]), cmp_i64);
	qsort(warm, rounds, sizeof(warm[0]), cmp_i64);
	printf("| %zu | %.1f | %lld | %lld |\n", mib, percentile(forks, rounds, 50) / 1e6,
	       (long long)percentile(after, rounds, 50), (long long)percentile(warm, rounds, 50));
	fflush(stdout);
	munmap(mem, n * PAGE);
}

static unsigned long parse(const char *s, unsigned long max)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);

	return *s && !*end && v <= max ? v : 0;
}

int main(int argc, char **argv)
{
	size_t sizes[16] = { 64, 256, 1024 }, nsizes = 3;
	int rounds = argc > 1 ? (int)parse(argv[1], MAX_ROUNDS) : 3;

	if (argc > 2)
		nsizes = (size_t)argc - 2;
	for (size_t i = 0; argc > 2 && i < nsizes && nsizes <= 16; i++)
		if (!(sizes[i] = parse(argv[i + 2], 65536)))
			rounds = 0;
	if (!rounds || nsizes > 16) {
		fprintf(stderr, "usage: %s [ROUNDS (1..%d) [MIB (1..65536)...]]\n", PROG,
			MAX_ROUNDS);
		return 2;
	}
	printf("# %s: %d rounds a size, medians\n", PROG, rounds);
	printf("| MiB | fork(), ms | first write of a page after it, ns | "
	       "write, no fork before, ns |\n");
	printf("|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < nsizes; i++)
		measure(sizes[i], rounds);
	return 0;
}
