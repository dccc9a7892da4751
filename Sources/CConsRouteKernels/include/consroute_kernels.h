// The data plane's nearest-centroid kernel, chosen at run time for the CPU it runs on.
//
// One kernel body (`nearest_body.h`) is compiled once per instruction set in `kernels.c`, each copy with its
// own `target` attribute: AVX-512, AVX2 + FMA and SSE2 on x86-64, NEON on arm64, and plain scalar C
// everywhere. The widest one the CPU supports is picked on the first call (`__builtin_cpu_supports`), unless
// the environment variable `CONSROUTE_KERNEL` names another supported one (`avx512`, `avx2`, `sse2`, `neon`,
// `scalar`), and every later call goes through the same function pointer. Every path returns the same
// answer: when a second centroid scores within that path's float32 rounding-error bound of the best, it
// returns -1 and the caller re-scores exactly in float64.
//
// This header has no vector types, so including it never depends on the includer's target features.
#ifndef CONSROUTE_KERNELS_H
#define CONSROUTE_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The instruction sets the kernel is compiled for.
typedef enum consroute_kernel_path {
    CONSROUTE_KERNEL_SCALAR = 0,
    CONSROUTE_KERNEL_SSE2 = 1,
    CONSROUTE_KERNEL_AVX2 = 2,
    CONSROUTE_KERNEL_AVX512 = 3,
    CONSROUTE_KERNEL_NEON = 4,
} consroute_kernel_path;

/// The nearest of `16 * block_count` centroids, scored in float32 with the selected path.
///
/// `blocks` holds the centroids transposed in blocks of 16 (`blocks[(b * d + j) * 16 + lane]` is dimension j of
/// cluster 16b + lane), `norms` their squared norms (+inf in padding lanes), both 64-byte aligned for speed.
/// Returns the index of the nearest centroid and stores `max(0, ||x − μ||²)` as computed in float32 in
/// `distance2` and a bound on that value's rounding error in `uncertainty`; returns -1 (and stores nothing)
/// when another centroid scores within the rounding-error bound of the best, so the caller decides exactly.
long consroute_nearest_centroid(
    const float *x, long d, const float *blocks, const float *norms, long block_count, float max_norm,
    float *distance2, float *uncertainty);

/// The same on a given path (which must be supported: see `consroute_kernel_supported`).
long consroute_nearest_centroid_on(
    consroute_kernel_path path, const float *x, long d, const float *blocks, const float *norms, long block_count,
    float max_norm, float *distance2, float *uncertainty);

/// Whether this CPU (and this build) can run `path`.
int consroute_kernel_supported(consroute_kernel_path path);

/// The path `consroute_nearest_centroid` uses (selected on first use; see the header comment).
consroute_kernel_path consroute_kernel_selected(void);

/// Makes `path` the one `consroute_nearest_centroid` uses. Returns 0 if it is not supported (nothing changes).
int consroute_kernel_select(consroute_kernel_path path);

/// The path's name: "scalar", "sse2", "avx2", "avx512" or "neon".
const char *consroute_kernel_name(consroute_kernel_path path);

/// `Σ (x_j − μ_j)²` in float64 (four partial sums), for the exact decisions.
double consroute_exact_squared_distance(const float *x, const double *centroid, long d);

#ifdef __cplusplus
}
#endif

#endif
