// The nearest-centroid kernel body, included once per instruction set by kernels.c (no include guard).
//
// The includer defines:
//   CR_NAME(n)  the name of this copy's symbol n (e.g. cr_avx512_##n);
//   CR_W        lanes per vector (16, 8 or 4): a block of 16 clusters is 16 / CR_W vectors;
//   CR_CHAINS   independent accumulator chains per vector (8, 4 or 2: as many as keep the registers full);
//   CR_FMA      1 for fused multiply-adds, 0 for a multiply then an add (targets without FMA);
// and wraps the include in `#pragma clang attribute push(__attribute__((target(...))), apply_to = function)`
// when the copy needs more than the file's baseline target, so that every helper here gets the same target
// features as the kernel that inlines it (a vector argument then never crosses an ABI boundary).
//
// Rounding: a score `||μ||² − 2x·μ` summed in chains of at most `d / CR_CHAINS + CR_CHAINS` terms is within
// `(d / CR_CHAINS + CR_CHAINS + 6) · 2⁻²⁴ · (||x||² + max ||μ||²)` of the exact value (Higham, Accuracy and
// Stability of Numerical Algorithms, §3.1, with |x·μ| ≤ (||x||² + ||μ||²) / 2), with or without fused
// multiply-adds. Two scores closer than twice that could be in either order; the kernel uses twice that
// again as its tolerance, and answers -1 for such queries so that the caller decides exactly.

typedef float CR_NAME(f32) __attribute__((ext_vector_type(CR_W)));
typedef int32_t CR_NAME(i32) __attribute__((ext_vector_type(CR_W)));
typedef _Bool CR_NAME(bool) __attribute__((ext_vector_type(CR_W)));

#define CR_GROUPS (16 / CR_W)

static inline __attribute__((always_inline)) CR_NAME(f32) CR_NAME(load)(const float *p) {
    CR_NAME(f32) v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}

static inline __attribute__((always_inline)) CR_NAME(f32) CR_NAME(madd)(
    CR_NAME(f32) a, CR_NAME(f32) b, CR_NAME(f32) c) {
#if CR_FMA
    return __builtin_elementwise_fma(a, b, c);
#else
#pragma clang fp contract(off)
    return a * b + c;
#endif
}

/// The lanes' sum by halving (a fixed order, so the result is the same on every call).
static inline __attribute__((always_inline)) float CR_NAME(sum)(CR_NAME(f32) s) {
#if CR_W == 16
    cr_f32x8 s8 = __builtin_shufflevector(s, s, 0, 1, 2, 3, 4, 5, 6, 7)
        + __builtin_shufflevector(s, s, 8, 9, 10, 11, 12, 13, 14, 15);
#elif CR_W == 8
    cr_f32x8 s8 = s;
#endif
#if CR_W >= 8
    cr_f32x4 s4 = __builtin_shufflevector(s8, s8, 0, 1, 2, 3) + __builtin_shufflevector(s8, s8, 4, 5, 6, 7);
#else
    cr_f32x4 s4 = s;
#endif
    cr_f32x2 s2 = __builtin_shufflevector(s4, s4, 0, 1) + __builtin_shufflevector(s4, s4, 2, 3);
    return s2[0] + s2[1];
}

/// The smallest lane by halving (exact: a minimum does not round). Not `__builtin_reduce_min`, which lowers to
/// a NaN-aware chain of scalar steps.
static inline __attribute__((always_inline)) float CR_NAME(min)(CR_NAME(f32) s) {
#if CR_W == 16
    cr_f32x8 s8 = __builtin_elementwise_min(
        __builtin_shufflevector(s, s, 0, 1, 2, 3, 4, 5, 6, 7),
        __builtin_shufflevector(s, s, 8, 9, 10, 11, 12, 13, 14, 15));
#elif CR_W == 8
    cr_f32x8 s8 = s;
#endif
#if CR_W >= 8
    cr_f32x4 s4 = __builtin_elementwise_min(
        __builtin_shufflevector(s8, s8, 0, 1, 2, 3), __builtin_shufflevector(s8, s8, 4, 5, 6, 7));
#else
    cr_f32x4 s4 = s;
#endif
    cr_f32x2 s2 = __builtin_elementwise_min(
        __builtin_shufflevector(s4, s4, 0, 1), __builtin_shufflevector(s4, s4, 2, 3));
    return s2[1] < s2[0] ? s2[1] : s2[0];
}

/// A lane mask as bits, lane i at bit i.
static inline __attribute__((always_inline)) uint32_t CR_NAME(bits)(CR_NAME(i32) mask) {
    CR_NAME(bool) lanes = __builtin_convertvector(mask, CR_NAME(bool));
    uint32_t bits = 0;
    __builtin_memcpy(&bits, &lanes, sizeof lanes);
    return bits & (uint32_t)((1u << CR_W) - 1);
}

/// ||x||² over CR_W lanes, then the tail in order.
static inline __attribute__((always_inline)) float CR_NAME(squared_norm)(const float *x, long d) {
    CR_NAME(f32) sum = 0;
    long j = 0;
    for (; j + CR_W <= d; j += CR_W) {
        CR_NAME(f32) v = CR_NAME(load)(x + j);
        sum = CR_NAME(madd)(v, v, sum);
    }
    float tail = 0;
    for (; j < d; j++) tail += x[j] * x[j];
    return CR_NAME(sum)(sum) + tail;
}

/// `||μ||² − 2x·μ` for the CR_W clusters of one column group (`column[16j + lane]` is dimension j of the
/// lane's cluster), in CR_CHAINS chains that keep the multiply-add units busy.
static inline __attribute__((always_inline)) CR_NAME(f32) CR_NAME(scores)(
    const float *x, long d, const float *column, CR_NAME(f32) norms) {
    CR_NAME(f32) a[CR_CHAINS];
#pragma unroll
    for (int c = 0; c < CR_CHAINS; c++) a[c] = 0;
    long j = 0;
    for (; j + CR_CHAINS <= d; j += CR_CHAINS) {
#pragma unroll
        for (int c = 0; c < CR_CHAINS; c++) {
            a[c] = CR_NAME(madd)(CR_NAME(load)(column + 16 * (j + c)), (CR_NAME(f32))x[j + c], a[c]);
        }
    }
    for (; j < d; j++) a[0] = CR_NAME(madd)(CR_NAME(load)(column + 16 * j), (CR_NAME(f32))x[j], a[0]);
#pragma unroll
    for (int width = CR_CHAINS / 2; width >= 1; width /= 2) {
#pragma unroll
        for (int c = 0; c < width; c++) a[c] = a[c] + a[c + width];
    }
    return norms - (a[0] + a[0]);
}

/// See `consroute_nearest_centroid`. Each lane keeps its smallest and second-smallest score over the blocks
/// and the block of the smallest, so one pass suffices and nothing is stored.
static long CR_NAME(nearest)(
    const float *x, long d, const float *blocks, const float *norms, long block_count, float max_norm,
    float *distance2, float *uncertainty) {
    float query_norm = CR_NAME(squared_norm)(x, d);
    float tolerance = cr_tolerance(d, CR_CHAINS, query_norm, max_norm);
    if (block_count == 1) {
        // Up to 16 clusters: no second-smallest score to keep per lane.
        CR_NAME(f32) scores[CR_GROUPS];
#pragma unroll
        for (int g = 0; g < CR_GROUPS; g++) {
            scores[g] = CR_NAME(scores)(x, d, blocks + CR_W * g, CR_NAME(load)(norms + CR_W * g));
        }
        CR_NAME(f32) least = scores[0];
#pragma unroll
        for (int g = 1; g < CR_GROUPS; g++) least = __builtin_elementwise_min(least, scores[g]);
        float best = CR_NAME(min)(least);
        float bound = best + tolerance;
        uint32_t close = 0;
#pragma unroll
        for (int g = 0; g < CR_GROUPS; g++) close |= CR_NAME(bits)(scores[g] <= bound) << (CR_W * g);
        if (__builtin_popcount(close) != 1) return -1;
        float distance = best + query_norm;
        *distance2 = distance > 0 ? distance : 0;
        *uncertainty = tolerance;
        return __builtin_ctz(close);
    }
    CR_NAME(f32) smallest[CR_GROUPS], second[CR_GROUPS];
    CR_NAME(i32) smallest_block[CR_GROUPS];
#pragma unroll
    for (int g = 0; g < CR_GROUPS; g++) {
        smallest[g] = __builtin_inff();
        second[g] = __builtin_inff();
        smallest_block[g] = 0;
    }
    for (long b = 0; b < block_count; b++) {
        const float *block = blocks + 16 * d * b;
#pragma unroll
        for (int g = 0; g < CR_GROUPS; g++) {
            CR_NAME(f32) s = CR_NAME(scores)(x, d, block + CR_W * g, CR_NAME(load)(norms + 16 * b + CR_W * g));
            second[g] = __builtin_elementwise_min(second[g], __builtin_elementwise_max(smallest[g], s));
            smallest_block[g] = s < smallest[g] ? (CR_NAME(i32))(int32_t)b : smallest_block[g];
            smallest[g] = __builtin_elementwise_min(smallest[g], s);
        }
    }
    CR_NAME(f32) least = smallest[0];
#pragma unroll
    for (int g = 1; g < CR_GROUPS; g++) least = __builtin_elementwise_min(least, smallest[g]);
    float best = CR_NAME(min)(least);
    float bound = best + tolerance;
    uint32_t close = 0, close_second = 0;
#pragma unroll
    for (int g = 0; g < CR_GROUPS; g++) {
        close |= CR_NAME(bits)(smallest[g] <= bound) << (CR_W * g);
        close_second |= CR_NAME(bits)(second[g] <= bound);
    }
    if (__builtin_popcount(close) != 1 || close_second != 0) return -1;
    uint32_t lane = __builtin_ctz(close);
    float distance = best + query_norm;
    *distance2 = distance > 0 ? distance : 0;
    *uncertainty = tolerance;
    return (long)smallest_block[lane / CR_W][lane % CR_W] * 16 + lane;
}

#undef CR_GROUPS
