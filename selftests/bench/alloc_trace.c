// SPDX-License-Identifier: GPL-2.0
/*
 * alloc_trace.so: which allocations hold a daemon's event loop, and what
 * the heap went through before them. Preloaded into the process
 * (LD_PRELOAD; converge_bench.sh does it for the edge with EDGE_PRELOAD),
 * it times every malloc(), calloc() and realloc() of ALLOC_TRACE_MIN
 * bytes or more (default 1024: glibc's large requests, the ones that sort
 * its unsorted free chunks) and every free() of 64 KiB or more (which
 * consolidates glibc's fast bins), in wall-clock and thread CPU time. One
 * that takes longer than ALLOC_TRACE_MS (default 1) is written to
 * ALLOC_TRACE_OUT (default /tmp/alloc_trace.txt):
 *
 *   SLOW calloc(4184) 1.562 ms (cpu 1.568) at peeredged+0x2a7bd, t 37079.876 s
 *     alloc peeredged+0x1f97b 32 B x 100000
 *     free  peeredged+0x1f5ff 32 B x 99998
 *
 * with, below it, the call sites that allocated or freed 200 times or more
 * since the previous report (the caller as module+offset, for addr2line;
 * sizes rounded up to a power of two; t is CLOCK_MONOTONIC). CPU time
 * much less than wall-clock time says the process was not running; close
 * to it says the allocator worked only where the kernel accounts steal
 * time: in this project's guest a stalled vCPU counts as the thread's CPU
 * time too (README, runs V). The counting costs every call a few tens of
 * nanoseconds and each timed one two clock_gettime(CLOCK_THREAD_CPUTIME_ID)
 * calls: figures taken under it are for finding causes, not for the
 * benchmark's tables.
 */
#include <dlfcn.h>
#include <fcntl.h>
#include <malloc.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);
void __libc_free(void *p);

#define SITES		4096
#define REPORTED_CALLS	200
#define BIG_FREE	(64 * 1024)

struct site {
	void *caller;
	size_t size_class;
	uint64_t calls;
	bool freeing;
};

static struct site sites[SITES];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread bool inside;	/* the tracer's own allocations pass through */
static int out_fd = -1;
static size_t min_size = 1024;
static uint64_t slow_ns = 1000000;

__attribute__((constructor)) static void setup(void)
{
	const char *out = getenv("ALLOC_TRACE_OUT"), *ms = getenv("ALLOC_TRACE_MS");
	const char *min = getenv("ALLOC_TRACE_MIN");

	if (ms)
		slow_ns = (uint64_t)(atof(ms) * 1e6);
	if (min)
		min_size = strtoul(min, NULL, 0);
	out_fd = open(out ? out : "/tmp/alloc_trace.txt", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		      0644);
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static size_t size_class(size_t size)
{
	size_t c = 16;

	while (c < size)
		c <<= 1;
	return c;
}

/* Counted under lock. A full table drops the call from the counts. */
static void count(void *caller, size_t size, bool freeing)
{
	size_t c = size_class(size);
	size_t h = ((uintptr_t)caller * 31 + c * 7 + freeing) % SITES;

	for (size_t i = 0; i < SITES; i++, h = (h + 1) % SITES) {
		struct site *s = &sites[h];

		if (!s->calls) {
			*s = (struct site){ caller, c, 0, freeing };
		} else if (s->caller != caller || s->size_class != c || s->freeing != freeing) {
			continue;
		}
		s->calls++;
		return;
	}
}

static void where(void *addr, char *buf, size_t len)
{
	Dl_info info;

	if (dladdr(addr, &info) && info.dli_fname) {
		const char *base = strrchr(info.dli_fname, '/');

		snprintf(buf, len, "%s+0x%lx", base ? base + 1 : info.dli_fname,
			 (unsigned long)((char *)addr - (char *)info.dli_fbase));
	} else {
		snprintf(buf, len, "%p", addr);
	}
}

/* Under lock: the slow call, then the sites since the last report. */
static void report(const char *op, size_t size, void *caller, uint64_t wall_ns, uint64_t cpu_ns)
{
	char line[512], at[256];
	int n;

	where(caller, at, sizeof(at));
	n = snprintf(line, sizeof(line), "SLOW %s(%zu) %.3f ms (cpu %.3f) at %s, t %.3f s\n",
		     op, size, wall_ns / 1e6, cpu_ns / 1e6, at,
		     clock_ns(CLOCK_MONOTONIC) / 1e9);
	if (out_fd >= 0 && write(out_fd, line, (size_t)n) < 0)
		return;
	for (size_t i = 0; i < SITES; i++) {
		struct site *s = &sites[i];

		if (s->calls >= REPORTED_CALLS && out_fd >= 0) {
			where(s->caller, at, sizeof(at));
			n = snprintf(line, sizeof(line), "  %s %s %zu B x %llu\n",
				     s->freeing ? "free " : "alloc", at, s->size_class,
				     (unsigned long long)s->calls);
			if (write(out_fd, line, (size_t)n) < 0)
				break;
		}
		s->calls = 0;
	}
}

/* Runs one allocator call, counted, timed when it is a large one. */
#define TRACED(op, size, timed, call)						\
	({									\
		void *caller_ = __builtin_return_address(0);			\
		uint64_t wall_ = 0, cpu_ = 0;					\
		__typeof__(call) result_;					\
		if (inside) {							\
			result_ = call;						\
		} else {							\
			inside = true;						\
			if (timed) {						\
				cpu_ = clock_ns(CLOCK_THREAD_CPUTIME_ID);	\
				wall_ = clock_ns(CLOCK_MONOTONIC);		\
			}							\
			result_ = call;						\
			if (timed) {						\
				wall_ = clock_ns(CLOCK_MONOTONIC) - wall_;	\
				cpu_ = clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu_; \
			}							\
			pthread_mutex_lock(&lock);				\
			count(caller_, size, !strcmp(op, "free"));		\
			if (timed && wall_ > slow_ns)				\
				report(op, size, caller_, wall_, cpu_);		\
			pthread_mutex_unlock(&lock);				\
			inside = false;						\
		}								\
		result_;							\
	})

void *malloc(size_t size)
{
	return TRACED("malloc", size, size >= min_size, __libc_malloc(size));
}

void *calloc(size_t n, size_t size)
{
	return TRACED("calloc", n * size, n * size >= min_size, __libc_calloc(n, size));
}

void *realloc(void *p, size_t size)
{
	return TRACED("realloc", size, size >= min_size, __libc_realloc(p, size));
}

/* free() as an expression, for TRACED(). */
static int libc_free_value(void *p)
{
	__libc_free(p);
	return 0;
}

void free(void *p)
{
	size_t size;

	if (!p)
		return;
	size = malloc_usable_size(p);
	TRACED("free", size, size >= BIG_FREE, libc_free_value(p));
}
