// The kernel body (nearest_body.h) compiled once per instruction set, and the dispatch between the copies.
//
// Built with the package's default flags (x86-64 baseline, or arm64 with NEON): the wider copies carry their
// own `target` attribute and run only where `__builtin_cpu_supports` says the CPU has those features.
#include "consroute_kernels.h"
#include "kernels_internal.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef float cr_f32x8 __attribute__((ext_vector_type(8)));
typedef float cr_f32x4 __attribute__((ext_vector_type(4)));
typedef float cr_f32x2 __attribute__((ext_vector_type(2)));


#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma,popcnt,bmi,bmi2"))), apply_to = function)
#define CR_NAME(n) cr_avx512_##n
#define CR_W 16
#define CR_CHAINS 8
#define CR_FMA 1
#include "nearest_body.h"
#undef CR_NAME
#undef CR_W
#undef CR_CHAINS
#undef CR_FMA
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx2,fma,popcnt,bmi,bmi2"))), apply_to = function)
#define CR_NAME(n) cr_avx2_##n
#define CR_W 8
#define CR_CHAINS 4
#define CR_FMA 1
#include "nearest_body.h"
#undef CR_NAME
#undef CR_W
#undef CR_CHAINS
#undef CR_FMA
#pragma clang attribute pop

#define CR_NAME(n) cr_sse2_##n
#define CR_W 4
#define CR_CHAINS 2
#define CR_FMA 0
#include "nearest_body.h"
#undef CR_NAME
#undef CR_W
#undef CR_CHAINS
#undef CR_FMA
#endif

#if defined(__aarch64__)
#define CR_NAME(n) cr_neon_##n
#define CR_W 4
#define CR_CHAINS 4
#define CR_FMA 1
#include "nearest_body.h"
#undef CR_NAME
#undef CR_W
#undef CR_CHAINS
#undef CR_FMA
#endif

/// The reference copy in plain scalar C: one cluster at a time, four partial sums, a multiply then an add.
static long cr_scalar_nearest(
    const float *x, long d, const float *blocks, const float *norms, long block_count, float max_norm,
    float *distance2, float *uncertainty) {
#pragma clang fp contract(off)
    enum { chains = 4 };
    float q[chains] = {0, 0, 0, 0};
    long j = 0;
    for (; j + chains <= d; j += chains) {
        for (int c = 0; c < chains; c++) q[c] += x[j + c] * x[j + c];
    }
    for (; j < d; j++) q[0] += x[j] * x[j];
    float query_norm = (q[0] + q[1]) + (q[2] + q[3]);
    float tolerance = cr_tolerance(d, chains, query_norm, max_norm);
    float best = __builtin_inff(), second = __builtin_inff();
    long best_index = -1;
    for (long cluster = 0; cluster < 16 * block_count; cluster++) {
        const float *column = blocks + 16 * d * (cluster / 16) + cluster % 16;
        float a[chains] = {0, 0, 0, 0};
        for (j = 0; j + chains <= d; j += chains) {
            for (int c = 0; c < chains; c++) a[c] += column[16 * (j + c)] * x[j + c];
        }
        for (; j < d; j++) a[0] += column[16 * j] * x[j];
        float dot = (a[0] + a[1]) + (a[2] + a[3]);
        float score = norms[cluster] - (dot + dot);
        if (score < best) {
            second = best;
            best = score;
            best_index = cluster;
        } else if (score < second) {
            second = score;
        }
    }
    if (best_index < 0 || second <= best + tolerance) return -1;
    float distance = best + query_norm;
    *distance2 = distance > 0 ? distance : 0;
    *uncertainty = tolerance;
    return best_index;
}

cr_nearest_fn cr_function(consroute_kernel_path path) {
    switch (path) {
    case CONSROUTE_KERNEL_SCALAR: return cr_scalar_nearest;
#if defined(__x86_64__)
    case CONSROUTE_KERNEL_SSE2: return cr_sse2_nearest;
    case CONSROUTE_KERNEL_AVX2: return cr_avx2_nearest;
    case CONSROUTE_KERNEL_AVX512:
    case CONSROUTE_KERNEL_AVX512_VNNI: return cr_avx512_nearest;
#endif
#if defined(__aarch64__)
    case CONSROUTE_KERNEL_NEON: return cr_neon_nearest;
#endif
    default: return 0;
    }
}

int consroute_kernel_supported(consroute_kernel_path path) {
    switch (path) {
    case CONSROUTE_KERNEL_SCALAR: return 1;
#if defined(__x86_64__)
    case CONSROUTE_KERNEL_SSE2: return 1;
    case CONSROUTE_KERNEL_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("popcnt")
            && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2");
    case CONSROUTE_KERNEL_AVX512:
        __builtin_cpu_init();
        return consroute_kernel_supported(CONSROUTE_KERNEL_AVX2) && __builtin_cpu_supports("avx512f")
            && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw")
            && __builtin_cpu_supports("avx512dq");
    case CONSROUTE_KERNEL_AVX512_VNNI:
        __builtin_cpu_init();
        return consroute_kernel_supported(CONSROUTE_KERNEL_AVX512) && __builtin_cpu_supports("avx512vnni");
#endif
#if defined(__aarch64__)
    case CONSROUTE_KERNEL_NEON: return 1;
#endif
    default: return 0;
    }
}

const char *consroute_kernel_name(consroute_kernel_path path) {
    switch (path) {
    case CONSROUTE_KERNEL_SCALAR: return "scalar";
    case CONSROUTE_KERNEL_SSE2: return "sse2";
    case CONSROUTE_KERNEL_AVX2: return "avx2";
    case CONSROUTE_KERNEL_AVX512: return "avx512";
    case CONSROUTE_KERNEL_NEON: return "neon";
    case CONSROUTE_KERNEL_AVX512_VNNI: return "avx512vnni";
    default: return "unknown";
    }
}

static long cr_resolve(
    const float *x, long d, const float *blocks, const float *norms, long block_count, float max_norm,
    float *distance2, float *uncertainty);

static _Atomic(cr_nearest_fn) cr_selected_function = cr_resolve;
static _Atomic int cr_selected_path = -1;

/// The widest supported path, or the one `CONSROUTE_KERNEL` names if it is supported.
static consroute_kernel_path cr_default_path(void) {
    const char *forced = getenv("CONSROUTE_KERNEL");
    if (forced && *forced) {
        for (int path = CONSROUTE_KERNEL_SCALAR; path <= CONSROUTE_KERNEL_AVX512_VNNI; path++) {
            if (strcmp(forced, consroute_kernel_name((consroute_kernel_path)path)) == 0
                && consroute_kernel_supported((consroute_kernel_path)path))
                return (consroute_kernel_path)path;
        }
    }
    static const consroute_kernel_path widest_first[] = {
        CONSROUTE_KERNEL_AVX512_VNNI, CONSROUTE_KERNEL_AVX512, CONSROUTE_KERNEL_AVX2,
        CONSROUTE_KERNEL_NEON,        CONSROUTE_KERNEL_SSE2,
    };
    for (unsigned i = 0; i < sizeof widest_first / sizeof widest_first[0]; i++) {
        if (consroute_kernel_supported(widest_first[i])) return widest_first[i];
    }
    return CONSROUTE_KERNEL_SCALAR;
}

consroute_kernel_path consroute_kernel_selected(void) {
    int path = atomic_load_explicit(&cr_selected_path, memory_order_acquire);
    if (path >= 0) return (consroute_kernel_path)path;
    // Racing first callers all compute the same default; the first store wins and the others match it.
    consroute_kernel_path chosen = cr_default_path();
    int expected = -1;
    if (atomic_compare_exchange_strong(&cr_selected_path, &expected, (int)chosen)) {
        atomic_store_explicit(&cr_selected_function, cr_function(chosen), memory_order_release);
        return chosen;
    }
    return (consroute_kernel_path)expected;
}

int consroute_kernel_select(consroute_kernel_path path) {
    if (!consroute_kernel_supported(path)) return 0;
    atomic_store_explicit(&cr_selected_path, (int)path, memory_order_release);
    atomic_store_explicit(&cr_selected_function, cr_function(path), memory_order_release);
    return 1;
}

static long cr_resolve(
    const float *x, long d, const float *blocks, const float *norms, long block_count, float max_norm,
    float *distance2, float *uncertainty) {
    cr_nearest_fn function = cr_function(consroute_kernel_selected());
    return function(x, d, blocks, norms, block_count, max_norm, distance2, uncertainty);
}

long consroute_nearest_centroid(
    const float *x, long d, const float *blocks, const float *norms, long block_count, float max_norm,
    float *distance2, float *uncertainty) {
    cr_nearest_fn function = atomic_load_explicit(&cr_selected_function, memory_order_relaxed);
    return function(x, d, blocks, norms, block_count, max_norm, distance2, uncertainty);
}

long consroute_nearest_centroid_on(
    consroute_kernel_path path, const float *x, long d, const float *blocks, const float *norms, long block_count,
    float max_norm, float *distance2, float *uncertainty) {
    cr_nearest_fn function = consroute_kernel_supported(path) ? cr_function(path) : 0;
    if (!function) return -1;
    return function(x, d, blocks, norms, block_count, max_norm, distance2, uncertainty);
}

double consroute_exact_squared_distance(const float *x, const double *centroid, long d) {
#pragma clang fp contract(off)
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    long j = 0;
    for (; j + 4 <= d; j += 4) {
        double t0 = (double)x[j] - centroid[j], t1 = (double)x[j + 1] - centroid[j + 1];
        double t2 = (double)x[j + 2] - centroid[j + 2], t3 = (double)x[j + 3] - centroid[j + 3];
        s0 += t0 * t0;
        s1 += t1 * t1;
        s2 += t2 * t2;
        s3 += t3 * t3;
    }
    for (; j < d; j++) {
        double t = (double)x[j] - centroid[j];
        s0 += t * t;
    }
    return (s0 + s1) + (s2 + s3);
}
