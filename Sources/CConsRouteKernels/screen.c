// The int8 screen for large tables (see `consroute_screen` in consroute_kernels.h): quantize the query, score every
// cluster with exact integer dot products against the quantized centroids, keep the clusters whose score interval
// overlaps the best one's, and re-score only those in float32. The answer (index, distance, uncertainty, or -1
// for "too close to call") is the one the float kernels give, for a fraction of the bytes read.
//
// Bounds. With x̂ = s_x q_x and μ̂ = s_c q_c, `x·μ − x̂·μ̂ = x·(μ − μ̂) + (x − x̂)·μ̂`, so by Cauchy–Schwarz the exact
// score `||μ||² − 2x·μ` lies within `2 (||x|| ||μ − μ̂|| + ||x − x̂|| ||μ̂||)` of `||μ||² − 2 s_x s_c (q_x·q_c)`.
// The integer dot is exact (|q| ≤ 127, d ≤ 8192: below 2³¹); the norms are float sums whose relative error is far
// below the 2⁻¹² they are inflated by; the float64 products get a relative and an absolute guard. The nearest
// cluster therefore is among the candidates, and the float32 re-scoring with the float kernels' tolerance decides
// among those exactly as the float kernels would have (or answers -1).
#include "consroute_kernels.h"
#include "kernels_internal.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

/// What both screen implementations compute before their integer dots: the query's scale and the bounds of
/// ||x|| and ||x − x̂|| (float64, inflated).
typedef struct cr_query_bounds {
    double scale;
    double norm;
    double residual;
} cr_query_bounds;

static inline cr_query_bounds cr_bounds(float scale, float query_norm, float residual_norm, long d) {
    // An absolute guard for sums whose terms underflowed (|x_j| < 2⁻⁶³), and the residual's own rounding.
    double guard = sqrt((double)d) * 0x1p-60;
    double norm = sqrt((double)query_norm) * (1 + 0x1p-12) + guard;
    double residual = sqrt((double)residual_norm) * (1 + 0x1p-12) + 0x1p-22 * norm + guard;
    return (cr_query_bounds){scale, norm, residual};
}

/// The score interval of cluster c from its integer dot: `*center ± *radius`.
static inline void cr_interval(
    const double *params, long c, int32_t dot, cr_query_bounds q, double *center, double *radius) {
    const double *p = params + 4 * c;
    double product = q.scale * p[0] * (double)dot;
    *center = p[3] - 2 * product;
    *radius = (2 * (q.norm * p[1] + q.residual * p[2])) * (1 + 0x1p-30) + 0x1p-36 * (fabs(p[3]) + 2 * fabs(product));
}

/// Picks the candidates from the integer dots and re-scores them with `rescore` (a float32 `x·row`); answers as
/// the float kernels do. The candidate with the smallest approximate score is re-scored first; a later one is
/// skipped when its interval lies above the best re-scored score plus the tolerance (its exact score then exceeds
/// the exact score of that candidate, so it can be neither the nearest nor tied with it).
static inline __attribute__((always_inline)) long cr_screen_finish(
    const consroute_screen *screen, const float *x, long d, const int32_t *dots, cr_query_bounds q,
    const float *norms, float query_norm, float tolerance, float (*rescore)(const float *, const float *, long),
    float *distance2, float *uncertainty) {
    long k = screen->cluster_count;
    double lower[CONSROUTE_SCREEN_MAX_CLUSTERS];
    double best_upper = __builtin_inf(), least_center = __builtin_inf();
    long first = 0;
    for (long c = 0; c < k; c++) {
        double center, radius;
        cr_interval(screen->params, c, dots[c], q, &center, &radius);
        lower[c] = center - radius;
        if (center + radius < best_upper) best_upper = center + radius;
        if (center < least_center) {
            least_center = center;
            first = c;
        }
    }
    float dot = rescore(x, screen->rows + first * screen->row_stride, d);
    float best = norms[first] - (dot + dot), second = __builtin_inff();
    long best_index = first;
    for (long c = 0; c < k; c++) {
        if (c == first || !(lower[c] <= best_upper) || !(lower[c] <= (double)best + tolerance)) continue;
        dot = rescore(x, screen->rows + c * screen->row_stride, d);
        float score = norms[c] - (dot + dot);
        if (score < best || (score == best && c < best_index)) {
            second = best;
            best = score;
            best_index = c;
        } else if (score < second) {
            second = score;
        }
    }
    if (!(second > best + tolerance)) return -1;
    float distance = best + query_norm;
    *distance2 = distance > 0 ? distance : 0;
    *uncertainty = tolerance;
    return best_index;
}

// MARK: - The reference, in plain C

static float cr_reference_dot(const float *x, const float *row, long d) {
#pragma clang fp contract(off)
    float a[4] = {0, 0, 0, 0};
    long j = 0;
    for (; j + 4 <= d; j += 4) {
        for (int c = 0; c < 4; c++) a[c] += x[j + c] * row[j + c];
    }
    for (; j < d; j++) a[0] += x[j] * row[j];
    return (a[0] + a[1]) + (a[2] + a[3]);
}

long consroute_nearest_centroid_screened_reference(
    const consroute_screen *screen, const float *x, long d, const float *blocks, const float *norms,
    long block_count, float max_norm, float *distance2, float *uncertainty) {
#pragma clang fp contract(off)
    if (d > CONSROUTE_SCREEN_MAX_DIMENSION || screen->cluster_count > CONSROUTE_SCREEN_MAX_CLUSTERS) {
        return cr_function(CONSROUTE_KERNEL_SCALAR)(x, d, blocks, norms, block_count, max_norm, distance2,
                                                    uncertainty);
    }
    float max_abs = 0, q0 = 0, q1 = 0, q2 = 0, q3 = 0;
    long j = 0;
    for (; j + 4 <= d; j += 4) {
        q0 += x[j] * x[j];
        q1 += x[j + 1] * x[j + 1];
        q2 += x[j + 2] * x[j + 2];
        q3 += x[j + 3] * x[j + 3];
    }
    for (; j < d; j++) q0 += x[j] * x[j];
    float query_norm = (q0 + q1) + (q2 + q3);
    if (!isfinite(query_norm)) {
        // NaN, infinity or overflow: the float kernel's answer (it cannot separate such scores either).
        return cr_function(CONSROUTE_KERNEL_SCALAR)(x, d, blocks, norms, block_count, max_norm, distance2,
                                                    uncertainty);
    }
    for (j = 0; j < d; j++) max_abs = fabsf(x[j]) > max_abs ? fabsf(x[j]) : max_abs;
    float scale = max_abs / 127, inverse = max_abs > 0 ? 127 / max_abs : 0;
    if (!isfinite(inverse)) inverse = 0;  // |x_j| so small that 127 / max overflows: all codes 0, x̂ = 0
    int8_t query[CONSROUTE_SCREEN_MAX_DIMENSION];
    float residual_norm = 0;
    for (j = 0; j < d; j++) {
        float t = rintf(x[j] * inverse);
        t = t > 127 ? 127 : (t < -127 ? -127 : t);
        query[j] = (int8_t)t;
        float r = fmaf(-t, scale, x[j]);
        residual_norm += r * r;
    }
    cr_query_bounds q = cr_bounds(scale, query_norm, residual_norm, d);
    int32_t dots[CONSROUTE_SCREEN_MAX_CLUSTERS];
    long p4 = screen->padded_dimension / 4;
    for (long c = 0; c < screen->cluster_count; c++) {
        const int8_t *base = screen->codes + (c / 16) * p4 * 64 + (c % 16) * 4;
        int32_t sum = 0;
        for (j = 0; j < d; j++) sum += (int32_t)query[j] * base[(j / 4) * 64 + j % 4];
        dots[c] = sum;
    }
    float tolerance = cr_tolerance(d, 4, query_norm, max_norm);
    return cr_screen_finish(
        screen, x, d, dots, q, norms, query_norm, tolerance, cr_reference_dot, distance2, uncertainty);
}

// MARK: - AVX-512 VNNI

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx512vnni,avx2,fma,popcnt,bmi,bmi2"))), apply_to = function)

static inline __mmask16 cr_vnni_tail(long remaining) {
    return remaining >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << remaining) - 1);
}

/// `x·row` in 16 lanes × 4 chains: every partial sum has at most d/64 + 1 terms and the reduction 6 levels, within
/// the `d/8 + 14` terms of the tolerance used with it.
static float cr_vnni_dot(const float *x, const float *row, long d) {
    __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    long j = 0;
    for (; j + 64 <= d; j += 64) {
        a0 = _mm512_fmadd_ps(_mm512_loadu_ps(x + j), _mm512_load_ps(row + j), a0);
        a1 = _mm512_fmadd_ps(_mm512_loadu_ps(x + j + 16), _mm512_load_ps(row + j + 16), a1);
        a2 = _mm512_fmadd_ps(_mm512_loadu_ps(x + j + 32), _mm512_load_ps(row + j + 32), a2);
        a3 = _mm512_fmadd_ps(_mm512_loadu_ps(x + j + 48), _mm512_load_ps(row + j + 48), a3);
    }
    for (; j < d; j += 16) {
        __mmask16 m = cr_vnni_tail(d - j);
        a0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, x + j), _mm512_maskz_loadu_ps(m, row + j), a0);
    }
    return _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
}

static long cr_vnni_screened(
    const consroute_screen *screen, const float *x, long d, const float *blocks, const float *norms,
    long block_count, float max_norm, float *distance2, float *uncertainty) {
    cr_nearest_fn fallback = cr_function(CONSROUTE_KERNEL_AVX512);
    if (d > CONSROUTE_SCREEN_MAX_DIMENSION || screen->cluster_count > CONSROUTE_SCREEN_MAX_CLUSTERS) {
        return fallback(x, d, blocks, norms, block_count, max_norm, distance2, uncertainty);
    }
    // Pass 1: ||x||² and max |x_j|, in four chains (one would wait on the multiply-add's latency).
    __m512 s0 = _mm512_setzero_ps(), s1 = s0, s2 = s0, s3 = s0, m0 = s0, m1 = s0;
    long j = 0;
    for (; j + 64 <= d; j += 64) {
        __m512 v0 = _mm512_loadu_ps(x + j), v1 = _mm512_loadu_ps(x + j + 16);
        __m512 v2 = _mm512_loadu_ps(x + j + 32), v3 = _mm512_loadu_ps(x + j + 48);
        s0 = _mm512_fmadd_ps(v0, v0, s0);
        s1 = _mm512_fmadd_ps(v1, v1, s1);
        s2 = _mm512_fmadd_ps(v2, v2, s2);
        s3 = _mm512_fmadd_ps(v3, v3, s3);
        m0 = _mm512_max_ps(m0, _mm512_max_ps(_mm512_abs_ps(v0), _mm512_abs_ps(v1)));
        m1 = _mm512_max_ps(m1, _mm512_max_ps(_mm512_abs_ps(v2), _mm512_abs_ps(v3)));
    }
    for (; j < d; j += 16) {
        __m512 v = _mm512_maskz_loadu_ps(cr_vnni_tail(d - j), x + j);
        s0 = _mm512_fmadd_ps(v, v, s0);
        m0 = _mm512_max_ps(m0, _mm512_abs_ps(v));
    }
    float query_norm = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(s0, s1), _mm512_add_ps(s2, s3)));
    if (!isfinite(query_norm)) return fallback(x, d, blocks, norms, block_count, max_norm, distance2, uncertainty);
    float max_abs = _mm512_reduce_max_ps(_mm512_max_ps(m0, m1));
    float scale = max_abs / 127, inverse = max_abs > 0 ? 127 / max_abs : 0;
    if (!isfinite(inverse)) inverse = 0;  // |x_j| so small that 127 / max overflows: all codes 0, x̂ = 0

    // Pass 2: the query's codes, offset by 128 (VNNI multiplies unsigned by signed bytes), and ||x − x̂||².
    uint8_t query[CONSROUTE_SCREEN_MAX_DIMENSION] __attribute__((aligned(64)));
    long padded = screen->padded_dimension;
    __m512 scale_v = _mm512_set1_ps(scale), inverse_v = _mm512_set1_ps(inverse);
    __m512 r0 = _mm512_setzero_ps(), r1 = r0, r2 = r0, r3 = r0;
    const __m512i low = _mm512_set1_epi32(-127), high = _mm512_set1_epi32(127), offset = _mm512_set1_epi32(128);
#define CR_QUANTIZE(v, chain, at)                                                                                  \
    do {                                                                                                           \
        __m512i codes = _mm512_cvtps_epi32(_mm512_mul_ps(v, inverse_v));                                           \
        codes = _mm512_min_epi32(_mm512_max_epi32(codes, low), high);                                              \
        __m512 residual = _mm512_fnmadd_ps(_mm512_cvtepi32_ps(codes), scale_v, v);                                 \
        chain = _mm512_fmadd_ps(residual, residual, chain);                                                        \
        _mm_store_si128((__m128i *)(query + (at)), _mm512_cvtepi32_epi8(_mm512_add_epi32(codes, offset)));         \
    } while (0)
    for (j = 0; j + 64 <= d; j += 64) {
        __m512 v0 = _mm512_loadu_ps(x + j), v1 = _mm512_loadu_ps(x + j + 16);
        __m512 v2 = _mm512_loadu_ps(x + j + 32), v3 = _mm512_loadu_ps(x + j + 48);
        CR_QUANTIZE(v0, r0, j);
        CR_QUANTIZE(v1, r1, j + 16);
        CR_QUANTIZE(v2, r2, j + 32);
        CR_QUANTIZE(v3, r3, j + 48);
    }
    for (; j < d; j += 16) {
        __m512 v = _mm512_maskz_loadu_ps(cr_vnni_tail(d - j), x + j);
        CR_QUANTIZE(v, r0, j);
    }
#undef CR_QUANTIZE
    // Past d: code 0 (byte 128) against zero padding in the centroids' codes.
    if (j < padded) memset(query + j, 128, (size_t)(padded - j));
    float residual_norm = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(r0, r1), _mm512_add_ps(r2, r3)));
    cr_query_bounds q = cr_bounds(scale, query_norm, residual_norm, d);

    // The integer dots, 16 clusters per instruction, 8 chains.
    int32_t dots[CONSROUTE_SCREEN_MAX_CLUSTERS + 16] __attribute__((aligned(64)));
    long p4 = padded / 4;
    const int32_t *words = (const int32_t *)query;
    for (long b = 0; b < block_count; b++) {
        const int8_t *base = screen->codes + b * p4 * 64;
        __m512i a[8];
        for (int c = 0; c < 8; c++) a[c] = _mm512_setzero_si512();
        for (long w = 0; w < p4; w += 8) {
#pragma unroll
            for (int c = 0; c < 8; c++) {
                a[c] = _mm512_dpbusd_epi32(
                    a[c], _mm512_set1_epi32(words[w + c]), _mm512_load_si512((const void *)(base + (w + c) * 64)));
            }
        }
        __m512i sum = _mm512_add_epi32(
            _mm512_add_epi32(_mm512_add_epi32(a[0], a[1]), _mm512_add_epi32(a[2], a[3])),
            _mm512_add_epi32(_mm512_add_epi32(a[4], a[5]), _mm512_add_epi32(a[6], a[7])));
        __m512i sums = _mm512_loadu_si512((const void *)(screen->column_sums + 16 * b));
        _mm512_store_si512((void *)(dots + 16 * b), _mm512_sub_epi32(sum, _mm512_slli_epi32(sums, 7)));
    }
    float tolerance = cr_tolerance(d, 8, query_norm, max_norm);
    return cr_screen_finish(
        screen, x, d, dots, q, norms, query_norm, tolerance, cr_vnni_dot, distance2, uncertainty);
}

#pragma clang attribute pop
#endif

// MARK: - Dispatch

long consroute_nearest_centroid_screened_on(
    consroute_kernel_path path, const consroute_screen *screen, const float *x, long d, const float *blocks,
    const float *norms, long block_count, float max_norm, float *distance2, float *uncertainty) {
    if (!consroute_kernel_supported(path)) return -1;
#if defined(__x86_64__)
    if (path == CONSROUTE_KERNEL_AVX512_VNNI && screen) {
        return cr_vnni_screened(screen, x, d, blocks, norms, block_count, max_norm, distance2, uncertainty);
    }
#endif
    return cr_function(path)(x, d, blocks, norms, block_count, max_norm, distance2, uncertainty);
}

long consroute_nearest_centroid_screened(
    const consroute_screen *screen, const float *x, long d, const float *blocks, const float *norms,
    long block_count, float max_norm, float *distance2, float *uncertainty) {
#if defined(__x86_64__)
    // The screen is tested first: a table without one (the common, small case) pays nothing for the path check.
    if (screen && consroute_kernel_selected() == CONSROUTE_KERNEL_AVX512_VNNI) {
        return cr_vnni_screened(screen, x, d, blocks, norms, block_count, max_norm, distance2, uncertainty);
    }
#endif
    return consroute_nearest_centroid(x, d, blocks, norms, block_count, max_norm, distance2, uncertainty);
}
