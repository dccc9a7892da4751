// Counts heap allocations of the calling thread, for the benchmarks' allocation figures.
//
// Linked into consroute-bench only: the executable defines malloc, calloc, realloc, posix_memalign,
// aligned_alloc and memalign, which the dynamic linker then binds for every library in the process (the
// Swift runtime included); each forwards to glibc's own (`__libc_malloc`, ...) after counting.
#ifndef CONSROUTE_MALLOC_COUNTER_H
#define CONSROUTE_MALLOC_COUNTER_H

#include <stdint.h>

/// Allocations (malloc, calloc, realloc, posix_memalign, aligned_alloc, memalign) made by this thread so far.
uint64_t consroute_bench_allocations(void);

/// Whether the counting hook is in place (false on platforms other than glibc, where nothing is counted).
int consroute_bench_allocations_counted(void);

/// CPU time of the calling thread in nanoseconds (CLOCK_THREAD_CPUTIME_ID), for the benchmarks' CPU figures.
uint64_t consroute_bench_thread_cpu_ns(void);

#endif
