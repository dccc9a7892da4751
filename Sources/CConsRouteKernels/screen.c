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

/// The score interval of cluster c from its integer dot: `*center ± *radius` (`params` holds four planes of
/// `planes` values each: see `consroute_screen.params`). Not contracted, so that the vector copy in the VNNI path
/// computes the same values.
static inline void cr_interval(
    const double *params, long planes, long c, int32_t dot, cr_query_bounds q, double *center, double *radius) {
#pragma clang fp contract(off)
    double product = q.scale * params[c] * (double)dot;
    double norm = params[3 * planes + c];
    *center = norm - (product + product);
    *radius = ((q.norm * params[planes + c] + q.residual * params[2 * planes + c]) * 2) * (1 + 0x1p-30)
        + 0x1p-36 * (fabs(norm) + (fabs(product) + fabs(product)));
}

/// The clusters' intervals, as the screen's finish needs them: each cluster's lower end, the least upper end, and
/// the cluster with the smallest center (the first on ties; 0 when no center is finite and below +inf).
typedef struct cr_intervals {
    double lower[CONSROUTE_SCREEN_MAX_CLUSTERS] __attribute__((aligned(64)));
    double best_upper;
    long first;
} cr_intervals;

static inline void cr_intervals_scalar(
    const consroute_screen *screen, const int32_t *dots, cr_query_bounds q, cr_intervals *out) {
    long k = screen->cluster_count, planes = (k + 15) / 16 * 16;
    double best_upper = __builtin_inf(), least_center = __builtin_inf();
    long first = 0;
    for (long c = 0; c < k; c++) {
        double center, radius;
        cr_interval(screen->params, planes, c, dots[c], q, &center, &radius);
        out->lower[c] = center - radius;
        if (center + radius < best_upper) best_upper = center + radius;
        if (center < least_center) {
            least_center = center;
            first = c;
        }
    }
    out->best_upper = best_upper;
    out->first = first;
}

/// The first of the k clusters whose center is `least` (the vector paths' smallest center; 0 when it is not finite
/// and below +inf), as `cr_intervals_scalar` picks it.
static inline long cr_first_least(const double *centers, long k, double least) {
    if (!(least < __builtin_inf())) return 0;
    for (long c = 0; c < k; c++) {
        if (centers[c] == least) return c;
    }
    return 0;
}

/// Quantizes x[from..<d] into `query` as the reference does (to nearest, clamped to ±127) and returns `residual`
/// plus the squares of x_j − t·scale (not contracted): the reference's whole query, the vector paths' tail.
static inline float cr_quantize_tail(
    const float *x, long from, long d, float inverse, float scale, int8_t *query, float residual) {
#pragma clang fp contract(off)
    for (long j = from; j < d; j++) {
        float t = rintf(x[j] * inverse);
        t = t > 127 ? 127 : (t < -127 ? -127 : t);
        query[j] = (int8_t)t;
        float r = fmaf(-t, scale, x[j]);
        residual += r * r;
    }
    return residual;
}

/// Picks the candidates from the integer dots and re-scores them with `rescore` (a float32 `x·row`); answers as
/// the float kernels do. The candidate with the smallest approximate score is re-scored first; a later one is
/// skipped when its interval lies above the best re-scored score plus the tolerance (its exact score then exceeds
/// the exact score of that candidate, so it can be neither the nearest nor tied with it).
static inline __attribute__((always_inline)) long cr_screen_finish(
    const consroute_screen *screen, const float *x, long d, const cr_intervals *intervals, const float *norms,
    float query_norm, float tolerance, float (*rescore)(const float *, const float *, long), float *distance2,
    float *uncertainty) {
    long k = screen->cluster_count, first = intervals->first;
    const double *lower = intervals->lower;
    double best_upper = intervals->best_upper;
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
    float residual_norm = cr_quantize_tail(x, 0, d, inverse, scale, query, 0);
    cr_query_bounds q = cr_bounds(scale, query_norm, residual_norm, d);
    int32_t dots[CONSROUTE_SCREEN_MAX_CLUSTERS];
    long padded = screen->padded_dimension;
    for (long c = 0; c < screen->cluster_count; c++) {
        const int8_t *tiles = screen->codes + (c / 16) * 16 * padded + (c % 16) * 64;
        int32_t sum = 0;
        for (j = 0; j < d; j++) sum += (int32_t)query[j] * tiles[(j / 64) * 1024 + j % 64];
        dots[c] = sum;
    }
    float tolerance = cr_tolerance(d, 4, query_norm, max_norm);
    cr_intervals intervals;
    cr_intervals_scalar(screen, dots, q, &intervals);
    return cr_screen_finish(
        screen, x, d, &intervals, norms, query_norm, tolerance, cr_reference_dot, distance2, uncertainty);
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

    // Pass 2: the query's codes, offset by 128 (VNNI multiplies unsigned by signed bytes), and ||x − x̂||², 64
    // dimensions at a time: four vectors of 16 codes packed to bytes (the packs interleave 32-bit groups across
    // the 128-bit lanes; one permutation restores dimension order). Past d the loads give 0: code 0 (byte 128)
    // against the codes' zero padding, residual 0.
    uint8_t query[CONSROUTE_SCREEN_MAX_DIMENSION] __attribute__((aligned(64)));
    long padded = screen->padded_dimension;
    __m512 scale_v = _mm512_set1_ps(scale), inverse_v = _mm512_set1_ps(inverse);
    __m512 r0 = _mm512_setzero_ps(), r1 = r0, r2 = r0, r3 = r0;
    const __m512i low = _mm512_set1_epi32(-127), high = _mm512_set1_epi32(127), flip = _mm512_set1_epi8((char)0x80);
    const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
#define CR_CODES(v) _mm512_min_epi32(_mm512_max_epi32(_mm512_cvtps_epi32(_mm512_mul_ps(v, inverse_v)), low), high)
#define CR_RESIDUAL(v, codes, chain)                                                                               \
    do {                                                                                                           \
        __m512 residual = _mm512_fnmadd_ps(_mm512_cvtepi32_ps(codes), scale_v, v);                                 \
        chain = _mm512_fmadd_ps(residual, residual, chain);                                                        \
    } while (0)
    for (j = 0; j < d; j += 64) {
        __m512 v0, v1, v2, v3;
        if (j + 64 <= d) {
            v0 = _mm512_loadu_ps(x + j);
            v1 = _mm512_loadu_ps(x + j + 16);
            v2 = _mm512_loadu_ps(x + j + 32);
            v3 = _mm512_loadu_ps(x + j + 48);
        } else {
            v0 = _mm512_maskz_loadu_ps(cr_vnni_tail(d - j), x + j);
            v1 = d - j > 16 ? _mm512_maskz_loadu_ps(cr_vnni_tail(d - j - 16), x + j + 16) : _mm512_setzero_ps();
            v2 = d - j > 32 ? _mm512_maskz_loadu_ps(cr_vnni_tail(d - j - 32), x + j + 32) : _mm512_setzero_ps();
            v3 = d - j > 48 ? _mm512_maskz_loadu_ps(cr_vnni_tail(d - j - 48), x + j + 48) : _mm512_setzero_ps();
        }
        __m512i c0 = CR_CODES(v0), c1 = CR_CODES(v1), c2 = CR_CODES(v2), c3 = CR_CODES(v3);
        CR_RESIDUAL(v0, c0, r0);
        CR_RESIDUAL(v1, c1, r1);
        CR_RESIDUAL(v2, c2, r2);
        CR_RESIDUAL(v3, c3, r3);
        __m512i bytes = _mm512_packs_epi16(_mm512_packs_epi32(c0, c1), _mm512_packs_epi32(c2, c3));
        _mm512_store_si512((void *)(query + j), _mm512_xor_si512(_mm512_permutexvar_epi32(order, bytes), flip));
    }
#undef CR_CODES
#undef CR_RESIDUAL
    if (j < padded) memset(query + j, 128, (size_t)(padded - j));
    float residual_norm = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(r0, r1), _mm512_add_ps(r2, r3)));
    cr_query_bounds q = cr_bounds(scale, query_norm, residual_norm, d);

    // The integer dots: per block of 16 clusters, one accumulator per cluster, each 64 query bytes loaded once
    // for the block's 16 codes of those dimensions (one 1 kB tile, read in order); then the 16 accumulators are summed across their lanes into one vector, lane c = cluster c.
    int32_t dots[CONSROUTE_SCREEN_MAX_CLUSTERS + 16] __attribute__((aligned(64)));
    for (long b = 0; b < block_count; b++) {
        const int8_t *tile = screen->codes + b * 16 * padded;
        __m512i a[16];
        for (int c = 0; c < 16; c++) a[c] = _mm512_setzero_si512();
        for (long w = 0; w < padded; w += 64, tile += 1024) {
            __m512i bytes = _mm512_load_si512((const void *)(query + w));
#pragma unroll
            for (int c = 0; c < 16; c++) {
                a[c] = _mm512_dpbusd_epi32(a[c], bytes, _mm512_load_si512((const void *)(tile + c * 64)));
            }
        }
        __m512i t[8], u[4];
        for (int i = 0; i < 8; i++) {
            t[i] = _mm512_add_epi32(
                _mm512_unpacklo_epi32(a[2 * i], a[2 * i + 1]), _mm512_unpackhi_epi32(a[2 * i], a[2 * i + 1]));
        }
        for (int i = 0; i < 4; i++) {
            u[i] = _mm512_add_epi32(
                _mm512_unpacklo_epi64(t[2 * i], t[2 * i + 1]), _mm512_unpackhi_epi64(t[2 * i], t[2 * i + 1]));
        }
        __m512i v01 = _mm512_add_epi32(
            _mm512_shuffle_i32x4(u[0], u[1], _MM_SHUFFLE(2, 0, 2, 0)),
            _mm512_shuffle_i32x4(u[0], u[1], _MM_SHUFFLE(3, 1, 3, 1)));
        __m512i v23 = _mm512_add_epi32(
            _mm512_shuffle_i32x4(u[2], u[3], _MM_SHUFFLE(2, 0, 2, 0)),
            _mm512_shuffle_i32x4(u[2], u[3], _MM_SHUFFLE(3, 1, 3, 1)));
        __m512i sum = _mm512_add_epi32(
            _mm512_shuffle_i32x4(v01, v23, _MM_SHUFFLE(2, 0, 2, 0)),
            _mm512_shuffle_i32x4(v01, v23, _MM_SHUFFLE(3, 1, 3, 1)));
        __m512i sums = _mm512_loadu_si512((const void *)(screen->column_sums + 16 * b));
        _mm512_store_si512((void *)(dots + 16 * b), _mm512_sub_epi32(sum, _mm512_slli_epi32(sums, 7)));
    }
    float tolerance = cr_tolerance(d, 8, query_norm, max_norm);
    // The intervals, 8 clusters per vector: the same operations as `cr_interval`, in the same order.
    cr_intervals intervals;
    long k = screen->cluster_count, planes = block_count * 16;
    const double *p = screen->params;
    __m512d scale_d = _mm512_set1_pd(q.scale), norm_d = _mm512_set1_pd(q.norm), residual_d = _mm512_set1_pd(q.residual);
    __m512d upper_min = _mm512_set1_pd(__builtin_inf()), center_min = upper_min;
    double centers[CONSROUTE_SCREEN_MAX_CLUSTERS + 16] __attribute__((aligned(64)));
    for (long c = 0; c < planes; c += 8) {
        __m512d dot = _mm512_cvtepi32_pd(_mm256_load_si256((const __m256i *)(dots + c)));
        __m512d product = _mm512_mul_pd(_mm512_mul_pd(scale_d, _mm512_loadu_pd(p + c)), dot);
        __m512d norm = _mm512_loadu_pd(p + 3 * planes + c);
        __m512d center = _mm512_sub_pd(norm, _mm512_add_pd(product, product));
        __m512d spread = _mm512_add_pd(
            _mm512_mul_pd(norm_d, _mm512_loadu_pd(p + planes + c)),
            _mm512_mul_pd(residual_d, _mm512_loadu_pd(p + 2 * planes + c)));
        __m512d magnitude = _mm512_abs_pd(product);
        __m512d radius = _mm512_add_pd(
            _mm512_mul_pd(_mm512_mul_pd(spread, _mm512_set1_pd(2)), _mm512_set1_pd(1 + 0x1p-30)),
            _mm512_mul_pd(
                _mm512_set1_pd(0x1p-36), _mm512_add_pd(_mm512_abs_pd(norm), _mm512_add_pd(magnitude, magnitude))));
        // Padding lanes (past k) have norm +inf: center and upper end +inf, lower end NaN; never used.
        _mm512_store_pd(intervals.lower + c, _mm512_sub_pd(center, radius));
        _mm512_store_pd(centers + c, center);
        upper_min = _mm512_min_pd(_mm512_add_pd(center, radius), upper_min);  // a NaN lane keeps the minimum
        center_min = _mm512_min_pd(center, center_min);
    }
    intervals.best_upper = _mm512_reduce_min_pd(upper_min);
    intervals.first = cr_first_least(centers, k, _mm512_reduce_min_pd(center_min));
    return cr_screen_finish(
        screen, x, d, &intervals, norms, query_norm, tolerance, cr_vnni_dot, distance2, uncertainty);
}

#pragma clang attribute pop
#endif

// MARK: - AVX2

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma,popcnt,bmi,bmi2"))), apply_to = function)

/// The lanes' sum by halving (a fixed order: the same on every call).
static inline __attribute__((always_inline)) float cr_avx2_sum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    return _mm_cvtss_f32(_mm_add_ss(s, _mm_shuffle_ps(s, s, 1)));
}

/// The largest lane.
static inline __attribute__((always_inline)) float cr_avx2_max(__m256 v) {
    __m128 m = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    m = _mm_max_ps(m, _mm_movehl_ps(m, m));
    return _mm_cvtss_f32(_mm_max_ss(m, _mm_shuffle_ps(m, m, 1)));
}

/// The smallest lane.
static inline __attribute__((always_inline)) double cr_avx2_min_pd(__m256d v) {
    __m128d m = _mm_min_pd(_mm256_castpd256_pd128(v), _mm256_extractf128_pd(v, 1));
    return _mm_cvtsd_f64(_mm_min_sd(m, _mm_unpackhi_pd(m, m)));
}

/// `x·row` in 8 lanes × 4 chains: every partial sum has at most d/32 + 1 terms and the reduction 5 levels, within
/// the `d/8 + 14` terms of the tolerance used with it. The tail (d not a multiple of 8) goes to the first chain.
static float cr_avx2_dot(const float *x, const float *row, long d) {
    __m256 a0 = _mm256_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
    long j = 0;
    for (; j + 32 <= d; j += 32) {
        a0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + j), _mm256_loadu_ps(row + j), a0);
        a1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + j + 8), _mm256_loadu_ps(row + j + 8), a1);
        a2 = _mm256_fmadd_ps(_mm256_loadu_ps(x + j + 16), _mm256_loadu_ps(row + j + 16), a2);
        a3 = _mm256_fmadd_ps(_mm256_loadu_ps(x + j + 24), _mm256_loadu_ps(row + j + 24), a3);
    }
    for (; j + 8 <= d; j += 8) a0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + j), _mm256_loadu_ps(row + j), a0);
    float total = cr_avx2_sum(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3)));
    for (; j < d; j++) total = fmaf(x[j], row[j], total);
    return total;
}

/// The sum of each of eight vectors' lanes: lane c of the result is the sum of `a[c]`'s lanes.
static inline __attribute__((always_inline)) __m256i cr_avx2_lane_sums(const __m256i a[8]) {
    __m256i h01 = _mm256_hadd_epi32(a[0], a[1]), h23 = _mm256_hadd_epi32(a[2], a[3]);
    __m256i h45 = _mm256_hadd_epi32(a[4], a[5]), h67 = _mm256_hadd_epi32(a[6], a[7]);
    __m256i h0123 = _mm256_hadd_epi32(h01, h23), h4567 = _mm256_hadd_epi32(h45, h67);
    return _mm256_add_epi32(
        _mm256_permute2x128_si256(h0123, h4567, 0x20), _mm256_permute2x128_si256(h0123, h4567, 0x31));
}

/// Where the AVX2 screen is faster than the AVX2 float kernel: from 12,288 floats at d >= 384. Measured with
/// `scripts/screen-crossover.c` (queries in cache) on a Zen 1 (2 vCPU AMD EPYC, 2.0 GHz, whose 256-bit integer
/// instructions issue as two 128-bit halves): 1.17× at d = 768, k = 16 and 1.20× at d = 384, k = 32, up to 1.74× at
/// d = 2048, k = 64; even at d = 384, k = 16 (6,144 floats) and d = 192, k = 64; slower below (d = 192, k = 16:
/// 528 against 384 ns). Without VNNI an integer dot of 64 bytes takes eight instructions, not one, so the screen
/// needs more floats to save than on the `avx512vnni` path.
static inline int cr_avx2_screen_pays(const consroute_screen *screen, long d) {
    return d >= 384 && screen->cluster_count * d >= 12288;
}

/// The int8 screen without VNNI: the same codes, bounds and finish as the `avx512vnni` path, with the integer
/// dots from `vpmaddubsw`. That instruction multiplies unsigned by signed bytes and adds pairs into int16 with
/// saturation, so the query's codes enter as |q_x| and their signs move onto the centroids' codes
/// (`vpsignb`): each pair then sums to at most 2 · 127 · 127 = 32,258, below int16's limit, and the dots are exact
/// with no offset to correct.
static long cr_avx2_screened(
    const consroute_screen *screen, const float *x, long d, const float *blocks, const float *norms,
    long block_count, float max_norm, float *distance2, float *uncertainty) {
    cr_nearest_fn fallback = cr_function(CONSROUTE_KERNEL_AVX2);
    if (d > CONSROUTE_SCREEN_MAX_DIMENSION || screen->cluster_count > CONSROUTE_SCREEN_MAX_CLUSTERS) {
        return fallback(x, d, blocks, norms, block_count, max_norm, distance2, uncertainty);
    }
    // Pass 1: ||x||² and max |x_j|, in four chains.
    const __m256 sign_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    __m256 s0 = _mm256_setzero_ps(), s1 = s0, s2 = s0, s3 = s0, m0 = s0, m1 = s0;
    long j = 0;
    for (; j + 32 <= d; j += 32) {
        __m256 v0 = _mm256_loadu_ps(x + j), v1 = _mm256_loadu_ps(x + j + 8);
        __m256 v2 = _mm256_loadu_ps(x + j + 16), v3 = _mm256_loadu_ps(x + j + 24);
        s0 = _mm256_fmadd_ps(v0, v0, s0);
        s1 = _mm256_fmadd_ps(v1, v1, s1);
        s2 = _mm256_fmadd_ps(v2, v2, s2);
        s3 = _mm256_fmadd_ps(v3, v3, s3);
        m0 = _mm256_max_ps(m0, _mm256_max_ps(_mm256_and_ps(v0, sign_mask), _mm256_and_ps(v1, sign_mask)));
        m1 = _mm256_max_ps(m1, _mm256_max_ps(_mm256_and_ps(v2, sign_mask), _mm256_and_ps(v3, sign_mask)));
    }
    float query_norm = cr_avx2_sum(_mm256_add_ps(_mm256_add_ps(s0, s1), _mm256_add_ps(s2, s3)));
    float max_abs = cr_avx2_max(_mm256_max_ps(m0, m1));
    for (; j < d; j++) {
        query_norm = fmaf(x[j], x[j], query_norm);
        max_abs = fabsf(x[j]) > max_abs ? fabsf(x[j]) : max_abs;
    }
    // A NaN makes the norm NaN (and the maximum cannot be trusted then): the float kernel's answer.
    if (!isfinite(query_norm)) return fallback(x, d, blocks, norms, block_count, max_norm, distance2, uncertainty);
    float scale = max_abs / 127, inverse = max_abs > 0 ? 127 / max_abs : 0;
    if (!isfinite(inverse)) inverse = 0;  // |x_j| so small that 127 / max overflows: all codes 0, x̂ = 0

    // Pass 2: the query's codes (as the reference rounds them: to nearest, clamped to ±127) and ||x − x̂||², 32
    // dimensions at a time (four vectors of 8 codes packed to bytes: the packs interleave 4-byte groups across the
    // 128-bit lanes, one permutation restores dimension order), then the rest one by one. Codes past d are 0, so
    // the codes' zero padding adds nothing.
    int8_t query[CONSROUTE_SCREEN_MAX_DIMENSION] __attribute__((aligned(64)));
    long padded = screen->padded_dimension;
    __m256 scale_v = _mm256_set1_ps(scale), inverse_v = _mm256_set1_ps(inverse);
    __m256 r0 = _mm256_setzero_ps(), r1 = r0, r2 = r0, r3 = r0;
    const __m256i low = _mm256_set1_epi32(-127), high = _mm256_set1_epi32(127);
    const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
#define CR_CODES(v) _mm256_min_epi32(_mm256_max_epi32(_mm256_cvtps_epi32(_mm256_mul_ps(v, inverse_v)), low), high)
#define CR_RESIDUAL(v, codes, chain)                                                                               \
    do {                                                                                                           \
        __m256 residual = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(codes), scale_v, v);                                 \
        chain = _mm256_fmadd_ps(residual, residual, chain);                                                        \
    } while (0)
    for (j = 0; j + 32 <= d; j += 32) {
        __m256 v0 = _mm256_loadu_ps(x + j), v1 = _mm256_loadu_ps(x + j + 8);
        __m256 v2 = _mm256_loadu_ps(x + j + 16), v3 = _mm256_loadu_ps(x + j + 24);
        __m256i c0 = CR_CODES(v0), c1 = CR_CODES(v1), c2 = CR_CODES(v2), c3 = CR_CODES(v3);
        CR_RESIDUAL(v0, c0, r0);
        CR_RESIDUAL(v1, c1, r1);
        CR_RESIDUAL(v2, c2, r2);
        CR_RESIDUAL(v3, c3, r3);
        __m256i bytes = _mm256_packs_epi16(_mm256_packs_epi32(c0, c1), _mm256_packs_epi32(c2, c3));
        _mm256_store_si256((__m256i *)(query + j), _mm256_permutevar8x32_epi32(bytes, order));
    }
#undef CR_CODES
#undef CR_RESIDUAL
    float residual_norm = cr_avx2_sum(_mm256_add_ps(_mm256_add_ps(r0, r1), _mm256_add_ps(r2, r3)));
    residual_norm = cr_quantize_tail(x, j, d, inverse, scale, query, residual_norm);
    if (d < padded) memset(query + d, 0, (size_t)(padded - d));
    cr_query_bounds q = cr_bounds(scale, query_norm, residual_norm, d);

    // The integer dots, eight clusters at a time (sixteen 256-bit accumulators would leave no register for the
    // query): each 64-byte window of the query is split into |q_x| and its signs once per half block.
    int32_t dots[CONSROUTE_SCREEN_MAX_CLUSTERS + 16] __attribute__((aligned(64)));
    const __m256i ones = _mm256_set1_epi16(1);
    for (long b = 0; b < block_count; b++) {
        for (int half = 0; half < 2; half++) {
            const int8_t *tile = screen->codes + b * 16 * padded + half * 8 * 64;
            __m256i a[8];
            for (int c = 0; c < 8; c++) a[c] = _mm256_setzero_si256();
            for (long w = 0; w < padded; w += 64, tile += 1024) {
                __m256i q0 = _mm256_load_si256((const __m256i *)(query + w));
                __m256i q1 = _mm256_load_si256((const __m256i *)(query + w + 32));
                __m256i u0 = _mm256_abs_epi8(q0), u1 = _mm256_abs_epi8(q1);
#pragma unroll
                for (int c = 0; c < 8; c++) {
                    __m256i c0 = _mm256_sign_epi8(_mm256_load_si256((const __m256i *)(tile + c * 64)), q0);
                    __m256i c1 = _mm256_sign_epi8(_mm256_load_si256((const __m256i *)(tile + c * 64 + 32)), q1);
                    __m256i p0 = _mm256_madd_epi16(_mm256_maddubs_epi16(u0, c0), ones);
                    __m256i p1 = _mm256_madd_epi16(_mm256_maddubs_epi16(u1, c1), ones);
                    a[c] = _mm256_add_epi32(a[c], _mm256_add_epi32(p0, p1));
                }
            }
            _mm256_store_si256((__m256i *)(dots + 16 * b + 8 * half), cr_avx2_lane_sums(a));
        }
    }
    float tolerance = cr_tolerance(d, 8, query_norm, max_norm);
    // The intervals, 4 clusters per vector: the same operations as `cr_interval`, in the same order.
    cr_intervals intervals;
    long k = screen->cluster_count, planes = block_count * 16;
    const double *p = screen->params;
    const __m256d scale_d = _mm256_set1_pd(q.scale), norm_d = _mm256_set1_pd(q.norm);
    const __m256d residual_d = _mm256_set1_pd(q.residual);
    const __m256d magnitude_mask = _mm256_castsi256_pd(_mm256_set1_epi64x(0x7fffffffffffffff));
    __m256d upper_min = _mm256_set1_pd(__builtin_inf()), center_min = upper_min;
    double centers[CONSROUTE_SCREEN_MAX_CLUSTERS + 16] __attribute__((aligned(64)));
    for (long c = 0; c < planes; c += 4) {
        __m256d dot = _mm256_cvtepi32_pd(_mm_load_si128((const __m128i *)(dots + c)));
        __m256d product = _mm256_mul_pd(_mm256_mul_pd(scale_d, _mm256_loadu_pd(p + c)), dot);
        __m256d norm = _mm256_loadu_pd(p + 3 * planes + c);
        __m256d center = _mm256_sub_pd(norm, _mm256_add_pd(product, product));
        __m256d spread = _mm256_add_pd(
            _mm256_mul_pd(norm_d, _mm256_loadu_pd(p + planes + c)),
            _mm256_mul_pd(residual_d, _mm256_loadu_pd(p + 2 * planes + c)));
        __m256d magnitude = _mm256_and_pd(product, magnitude_mask);
        __m256d radius = _mm256_add_pd(
            _mm256_mul_pd(_mm256_mul_pd(spread, _mm256_set1_pd(2)), _mm256_set1_pd(1 + 0x1p-30)),
            _mm256_mul_pd(
                _mm256_set1_pd(0x1p-36),
                _mm256_add_pd(_mm256_and_pd(norm, magnitude_mask), _mm256_add_pd(magnitude, magnitude))));
        // Padding lanes (past k) have norm +inf: center and upper end +inf, lower end NaN; never used.
        _mm256_store_pd(intervals.lower + c, _mm256_sub_pd(center, radius));
        _mm256_store_pd(centers + c, center);
        upper_min = _mm256_min_pd(_mm256_add_pd(center, radius), upper_min);  // a NaN lane keeps the minimum
        center_min = _mm256_min_pd(center, center_min);
    }
    intervals.best_upper = cr_avx2_min_pd(upper_min);
    intervals.first = cr_first_least(centers, k, cr_avx2_min_pd(center_min));
    return cr_screen_finish(
        screen, x, d, &intervals, norms, query_norm, tolerance, cr_avx2_dot, distance2, uncertainty);
}

#pragma clang attribute pop
#endif

// MARK: - Dispatch

typedef long (*cr_screened_fn)(
    const consroute_screen *, const float *, long, const float *, const float *, long, float, float *, float *);

/// The screen `path` runs for a table with `screen` and `d` dimensions, or NULL when its float kernel decides
/// alone: the one place that says where each screen runs.
static cr_screened_fn cr_screen_for(consroute_kernel_path path, const consroute_screen *screen, long d) {
    if (!screen || d > CONSROUTE_SCREEN_MAX_DIMENSION || screen->cluster_count > CONSROUTE_SCREEN_MAX_CLUSTERS) {
        return 0;
    }
#if defined(__x86_64__)
    if (path == CONSROUTE_KERNEL_AVX512_VNNI) return cr_vnni_screened;
    if (path == CONSROUTE_KERNEL_AVX2 && cr_avx2_screen_pays(screen, d)) return cr_avx2_screened;
#endif
    return 0;
}

long consroute_nearest_centroid_screened_on(
    consroute_kernel_path path, const consroute_screen *screen, const float *x, long d, const float *blocks,
    const float *norms, long block_count, float max_norm, float *distance2, float *uncertainty) {
    if (!consroute_kernel_supported(path)) return -1;
    cr_screened_fn screened = cr_screen_for(path, screen, d);
    if (screened) return screened(screen, x, d, blocks, norms, block_count, max_norm, distance2, uncertainty);
    return cr_function(path)(x, d, blocks, norms, block_count, max_norm, distance2, uncertainty);
}

long consroute_nearest_centroid_screened(
    const consroute_screen *screen, const float *x, long d, const float *blocks, const float *norms,
    long block_count, float max_norm, float *distance2, float *uncertainty) {
    // The screen is tested first: a table without one (the common, small case) pays nothing for the path check.
    cr_screened_fn screened = screen ? cr_screen_for(consroute_kernel_selected(), screen, d) : 0;
    if (screened) return screened(screen, x, d, blocks, norms, block_count, max_norm, distance2, uncertainty);
    return consroute_nearest_centroid(x, d, blocks, norms, block_count, max_norm, distance2, uncertainty);
}

int consroute_screen_runs(consroute_kernel_path path, const consroute_screen *screen, long d) {
    return consroute_kernel_supported(path) && cr_screen_for(path, screen, d) != 0;
}
