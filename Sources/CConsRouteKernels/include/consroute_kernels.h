// The data plane's nearest-centroid kernel, in portable clang vector extensions.
//
// Swift's SIMD types lower the arithmetic well but not the horizontal steps (lane minimum, a comparison
// mask as bits): written with them, those steps cost more than the 64 fused multiply-adds of a k=16, d=64
// decision. Clang's vector extensions give LLVM the plain shuffles, `min` and mask bit casts it needs, on
// any target: AVX-512 masks and `kmov` on x86, `fminv`-style reductions on ARM. Header-only and
// `static inline`, so Swift's compiler inlines it into the caller with the caller's target features.
#ifndef CONSROUTE_KERNELS_H
#define CONSROUTE_KERNELS_H

#include <stdint.h>

typedef float cr_f32x16 __attribute__((ext_vector_type(16)));
typedef float cr_f32x8 __attribute__((ext_vector_type(8)));
typedef float cr_f32x4 __attribute__((ext_vector_type(4)));
typedef float cr_f32x2 __attribute__((ext_vector_type(2)));
typedef int32_t cr_i32x16 __attribute__((ext_vector_type(16)));
typedef _Bool cr_b16 __attribute__((ext_vector_type(16)));

/// 16 floats from any 4-byte-aligned address.
static inline __attribute__((always_inline)) cr_f32x16 cr_load16(const float *p) {
    cr_f32x16 v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

/// A lane mask as 16 bits, lane i at bit i.
static inline __attribute__((always_inline)) uint32_t cr_bits16(cr_i32x16 mask) {
    cr_b16 lanes = __builtin_convertvector(mask, cr_b16);
    uint16_t bits;
    __builtin_memcpy(&bits, &lanes, sizeof bits);
    return bits;
}

/// The lanes' sum by halving: lane i plus lane i+8, then i+4, then i+2, then the last two (the order
/// RoutingPolicy's distances have always been computed in, so results stay bit-identical).
static inline __attribute__((always_inline)) float cr_sum16(cr_f32x16 s) {
    cr_f32x8 s8 = __builtin_shufflevector(s, s, 0, 1, 2, 3, 4, 5, 6, 7)
        + __builtin_shufflevector(s, s, 8, 9, 10, 11, 12, 13, 14, 15);
    cr_f32x4 s4 = __builtin_shufflevector(s8, s8, 0, 1, 2, 3) + __builtin_shufflevector(s8, s8, 4, 5, 6, 7);
    cr_f32x2 s2 = __builtin_shufflevector(s4, s4, 0, 1) + __builtin_shufflevector(s4, s4, 2, 3);
    return s2[0] + s2[1];
}

/// The smallest lane (exact: minimum does not round).
static inline __attribute__((always_inline)) float cr_min16(cr_f32x16 s) {
    cr_f32x8 s8 = __builtin_elementwise_min(
        __builtin_shufflevector(s, s, 0, 1, 2, 3, 4, 5, 6, 7),
        __builtin_shufflevector(s, s, 8, 9, 10, 11, 12, 13, 14, 15));
    cr_f32x4 s4 = __builtin_elementwise_min(
        __builtin_shufflevector(s8, s8, 0, 1, 2, 3), __builtin_shufflevector(s8, s8, 4, 5, 6, 7));
    cr_f32x2 s2 = __builtin_elementwise_min(
        __builtin_shufflevector(s4, s4, 0, 1), __builtin_shufflevector(s4, s4, 2, 3));
    return s2[1] < s2[0] ? s2[1] : s2[0];
}

/// ||x||² with fused multiply-adds over 16 lanes, then the tail in order.
static inline __attribute__((always_inline)) float consroute_squared_norm(const float *x, long d) {
    cr_f32x16 sum = 0;
    long j = 0;
    for (; j + 16 <= d; j += 16) {
        cr_f32x16 v = cr_load16(x + j);
        sum = __builtin_elementwise_fma(v, v, sum);
    }
    float tail = 0;
    for (; j < d; j++) tail += x[j] * x[j];
    return cr_sum16(sum) + tail;
}

/// `||μ||² − 2x·μ` for the 16 clusters of one transposed block (`block[16j + lane]` is dimension j of the
/// lane's cluster). Eight accumulator chains keep both fused multiply-add units busy.
static inline __attribute__((always_inline)) cr_f32x16 consroute_block_scores(
    const float *x, long d, const float *block, cr_f32x16 norms) {
    cr_f32x16 a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
    long j = 0;
    for (; j + 8 <= d; j += 8) {
        a0 = __builtin_elementwise_fma(cr_load16(block + 16 * j), (cr_f32x16)x[j], a0);
        a1 = __builtin_elementwise_fma(cr_load16(block + 16 * (j + 1)), (cr_f32x16)x[j + 1], a1);
        a2 = __builtin_elementwise_fma(cr_load16(block + 16 * (j + 2)), (cr_f32x16)x[j + 2], a2);
        a3 = __builtin_elementwise_fma(cr_load16(block + 16 * (j + 3)), (cr_f32x16)x[j + 3], a3);
        a4 = __builtin_elementwise_fma(cr_load16(block + 16 * (j + 4)), (cr_f32x16)x[j + 4], a4);
        a5 = __builtin_elementwise_fma(cr_load16(block + 16 * (j + 5)), (cr_f32x16)x[j + 5], a5);
        a6 = __builtin_elementwise_fma(cr_load16(block + 16 * (j + 6)), (cr_f32x16)x[j + 6], a6);
        a7 = __builtin_elementwise_fma(cr_load16(block + 16 * (j + 7)), (cr_f32x16)x[j + 7], a7);
    }
    for (; j < d; j++) a0 = __builtin_elementwise_fma(cr_load16(block + 16 * j), (cr_f32x16)x[j], a0);
    cr_f32x16 dot = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
    return norms - (dot + dot);
}

/// The nearest of `16 * block_count` centroids (padding lanes carry an infinite norm), scored in float32.
///
/// Returns the index of the nearest centroid and stores `max(0, score + ||x||²)` in `distance2`; returns
/// -1 when a second centroid scores within `tolerance_per_norm · (||x||² + max_norm)` of the best, the
/// float32 rounding-error bound, so the caller re-scores those queries exactly. Over several blocks each
/// lane keeps its smallest and second-smallest score and the block of the smallest, so one pass suffices
/// and nothing is stored.
static inline __attribute__((always_inline)) long consroute_nearest_centroid(
    const float *x, long d, const float *blocks, const float *norms, long block_count, float max_norm,
    float tolerance_per_norm, float *distance2) {
    float query_norm = consroute_squared_norm(x, d);
    float tolerance = tolerance_per_norm * (query_norm + max_norm);
    if (block_count == 1) {
        cr_f32x16 scores = consroute_block_scores(x, d, blocks, cr_load16(norms));
        float best = cr_min16(scores);
        uint32_t close = cr_bits16(scores <= best + tolerance);
        if (__builtin_popcount(close) != 1) return -1;
        float distance = best + query_norm;
        *distance2 = distance > 0 ? distance : 0;
        return __builtin_ctz(close);
    }
    cr_f32x16 smallest = __builtin_inff(), second = __builtin_inff();
    cr_i32x16 smallest_block = 0;
    for (long b = 0; b < block_count; b++) {
        cr_f32x16 scores = consroute_block_scores(x, d, blocks + 16 * d * b, cr_load16(norms + 16 * b));
        second = __builtin_elementwise_min(second, __builtin_elementwise_max(smallest, scores));
        smallest_block = scores < smallest ? (cr_i32x16)(int32_t)b : smallest_block;
        smallest = __builtin_elementwise_min(smallest, scores);
    }
    float best = cr_min16(smallest);
    float bound = best + tolerance;
    uint32_t close = cr_bits16(smallest <= bound);
    if (__builtin_popcount(close) != 1 || cr_bits16(second <= bound) != 0) return -1;
    uint32_t lane = __builtin_ctz(close);
    float distance = best + query_norm;
    *distance2 = distance > 0 ? distance : 0;
    return (long)smallest_block[lane] * 16 + lane;
}

#endif
