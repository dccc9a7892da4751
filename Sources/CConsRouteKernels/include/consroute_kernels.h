// The data plane's nearest-centroid kernel, chosen at run time for the CPU it runs on.
//
// One kernel body (`nearest_body.h`) is compiled once per instruction set in `kernels.c`, each copy with its
// own `target` attribute: AVX-512, AVX2 + FMA and SSE2 on x86-64, NEON on arm64, and plain scalar C
// everywhere. The widest one the CPU supports is picked on the first call (`__builtin_cpu_supports`), unless
// the environment variable `CONSROUTE_KERNEL` names another supported one (`avx512vnni`, `avx512`, `avx2`, `sse2`,
// `neon`, `scalar`), and every later call goes through the same function pointer. `avx512vnni` runs the `avx512`
// copy, and for tables with an int8 screen (`consroute_screen`, screen.c) screens the clusters with integer dot
// products first; `avx2` does too for the largest tables (`consroute_screen_runs`). Every path returns the same
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
    /// AVX2 + FMA, plus the int8 screen for tables of at least 12,288 floats at d >= 384.
    CONSROUTE_KERNEL_AVX2 = 2,
    CONSROUTE_KERNEL_AVX512 = 3,
    CONSROUTE_KERNEL_NEON = 4,
    /// AVX-512 with VNNI: the `avx512` kernel, plus the int8 screen for tables with a screen (below).
    CONSROUTE_KERNEL_AVX512_VNNI = 5,
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

/// The path's name: "scalar", "sse2", "avx2", "avx512", "neon" or "avx512vnni".
const char *consroute_kernel_name(consroute_kernel_path path);

/// A table's centroids quantized to int8, for screening large tables (k·d floats beyond the L1 cache).
///
/// Cluster c's centroid is approximated by `scale_c · q_c` with `q_c` in [-127, 127]. The query is quantized the
/// same way (`s_x · q_x`), and the integer dot `q_x · q_c` (exact in int32) gives each score to within a bound
/// that follows from Cauchy–Schwarz: `|x·μ − s_x s_c q_x·q_c| ≤ ||x|| · ||μ − s_c q_c|| + ||x − s_x q_x|| · ||s_c q_c||`.
/// Only the clusters whose score interval overlaps the best one's are re-scored in float32 (from `rows`), so the
/// answer is the float kernel's: the nearest centroid or -1 when two are too close to call. A decision reads
/// k·d bytes of codes instead of 4·k·d of floats (32 kB instead of 128 kB at k = 16, d = 2048).
typedef struct consroute_screen {
    /// 64-byte aligned tiles of 16 clusters × 64 dimensions (1 kB), block by block and, within a block, in
    /// dimension order: the code of dimension j of cluster c is at `((c / 16) · (padded_dimension / 64) + j / 64)
    /// · 1024 + (c % 16) · 64 + j % 64` (zeros past d and in the padding clusters up to a multiple of 16).
    const int8_t *codes;
    /// Σ q_c per cluster (`block_count · 16`).
    const int32_t *column_sums;
    /// Four planes of `block_count · 16` values (plane i of cluster c at `i · block_count · 16 + c`): scale_c; an
    /// upper bound of ||μ_c − scale_c q_c||; an upper bound of ||scale_c q_c||; ||μ_c||² in float64 (+inf in
    /// padding lanes).
    const double *params;
    /// The centroids row-major in float32, `row_stride` floats per cluster, 64-byte aligned.
    const float *rows;
    /// d rounded up to a multiple of 64.
    long padded_dimension;
    long row_stride;
    long cluster_count;
} consroute_screen;

/// The most dimensions and clusters a screen may have (its scratch lives on the stack).
#define CONSROUTE_SCREEN_MAX_DIMENSION 8192
#define CONSROUTE_SCREEN_MAX_CLUSTERS 1024

/// `consroute_nearest_centroid` for a table with a screen: on the `avx512vnni` path the int8 screen runs first, on
/// the `avx2` path too when the table is large enough for it to pay there (`consroute_screen_runs`); every other
/// path ignores the screen and runs its float kernel. Same results and contract. `screen` may be NULL (a table
/// without one): then this is `consroute_nearest_centroid` (or, for `_on`, `consroute_nearest_centroid_on`).
long consroute_nearest_centroid_screened(
    const consroute_screen *screen, const float *x, long d, const float *blocks, const float *norms,
    long block_count, float max_norm, float *distance2, float *uncertainty);

/// The same on a given path (which must be supported).
long consroute_nearest_centroid_screened_on(
    consroute_kernel_path path, const consroute_screen *screen, const float *x, long d, const float *blocks,
    const float *norms, long block_count, float max_norm, float *distance2, float *uncertainty);

/// Whether the screened entry points run `screen` (of a table with `d` dimensions) on `path`: 1 on `avx512vnni`; on
/// `avx2` from 12,288 floats (k·d) at d >= 384, where it is faster than the float kernel without VNNI; 0 otherwise.
int consroute_screen_runs(consroute_kernel_path path, const consroute_screen *screen, long d);

/// The screen in plain C (the reference of the `avx512vnni` and `avx2` screens, which the tests run on every
/// machine).
long consroute_nearest_centroid_screened_reference(
    const consroute_screen *screen, const float *x, long d, const float *blocks, const float *norms,
    long block_count, float max_norm, float *distance2, float *uncertainty);

/// `Σ (x_j − μ_j)²` in float64 (four partial sums), for the exact decisions.
double consroute_exact_squared_distance(const float *x, const double *centroid, long d);

/// Converts `n` IEEE half-precision values (their bits) to float32 with F16C and returns 1, or returns 0 and
/// writes nothing where the CPU has no F16C (not x86-64, or an x86-64 without it): the caller converts then
/// (`HalfPrecision` in ConsRouteLoop).
/// Widening is exact, so the result is the same bits either way (half.c).
int consroute_half_to_float(const uint16_t *source, float *target, long n);

/// Converts `n` float32 values to half precision (rounding to nearest even, as an IEEE conversion does) with F16C
/// and returns 1, or returns 0 and writes nothing where the CPU has no F16C.
int consroute_float_to_half(const float *source, uint16_t *target, long n);

#ifdef __cplusplus
}
#endif

#endif
