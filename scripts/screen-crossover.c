// Where the int8 screen pays: one decision on the `avx512vnni` path (screen) and on `avx512` (float kernel), or on a
// CPU without VNNI the `avx2` path's screen and its float kernel, for a
// synthetic table of k centroids N(0, 1) in d dimensions and n queries (centroid + N(0, s²), s in [0.8, 1.6]),
// the fastest of `repeats` passes over the n queries. Every answer is also checked against the plain-C screen
// reference and the float kernel ("mismatches" must be 0). With n = 50 the queries stay in cache; with n = 20000
// at d = 2048 they stream from memory as in `consroute-bench router`. The screen is laid out as `RoutingScreen`
// lays it out (Sources/ConsRouteModel/Routing/RoutingScreen.swift, `consroute_screen` in consroute_kernels.h);
// scripts/test-bindings.sh runs it on a few shapes, so a layout that drifts from the kernel's fails the tests.
//
//   K=Sources/CConsRouteKernels
//   clang -O2 -I$K/include -I$K scripts/screen-crossover.c $K/kernels.c $K/screen.c -o /tmp/screen-crossover -lm
//   /tmp/screen-crossover D K [repeats=2000] [n=50]
#include "consroute_kernels.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e9 + t.tv_nsec;
}

static double gaussian(void) {
    double u = (rand() + 1.0) / (RAND_MAX + 2.0), v = (rand() + 1.0) / (RAND_MAX + 2.0);
    return sqrt(-2 * log(u)) * cos(6.283185307179586 * v);
}

static void *zeroed(size_t bytes) {
    void *p = aligned_alloc(64, (bytes + 63) / 64 * 64);
    memset(p, 0, (bytes + 63) / 64 * 64);
    return p;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s D K [repeats] [queries]\n", argv[0]);
        return 2;
    }
    int d = atoi(argv[1]), k = atoi(argv[2]);
    int repeats = argc > 3 ? atoi(argv[3]) : 2000, n = argc > 4 ? atoi(argv[4]) : 50;
    // The screen of the widest path this CPU has (VNNI, else AVX2), against that path's float kernel.
    consroute_kernel_path screen_path = CONSROUTE_KERNEL_AVX512_VNNI, float_path = CONSROUTE_KERNEL_AVX512;
    if (!consroute_kernel_supported(screen_path)) {
        screen_path = CONSROUTE_KERNEL_AVX2;
        float_path = CONSROUTE_KERNEL_AVX2;
    }
    if (!consroute_kernel_supported(screen_path)) {
        printf("this CPU has neither AVX-512 VNNI nor AVX2: nothing to measure (skipped)\n");
        return 0;
    }
    int blocks_count = (k + 15) / 16, lanes = blocks_count * 16;
    srand(7);
    float *centroids = zeroed(sizeof(float) * k * d);
    for (int i = 0; i < k * d; i++) centroids[i] = (float)gaussian();
    float *queries = zeroed(sizeof(float) * n * d);
    for (int q = 0; q < n; q++) {
        int c = rand() % k;
        double spread = 0.8 + 0.8 * (rand() / (double)RAND_MAX);
        for (int j = 0; j < d; j++) queries[q * d + j] = centroids[c * d + j] + (float)(spread * gaussian());
    }

    // The float kernel's table: centroids transposed in blocks of 16, squared norms (+inf in padding lanes).
    float *blocks = zeroed(sizeof(float) * blocks_count * d * 16), *norms = zeroed(sizeof(float) * lanes);
    float max_norm = 0;
    for (int c = 0; c < lanes; c++) {
        if (c >= k) {
            norms[c] = INFINITY;
            continue;
        }
        double norm = 0;
        for (int j = 0; j < d; j++) {
            blocks[((c / 16) * d + j) * 16 + c % 16] = centroids[c * d + j];
            norm += (double)centroids[c * d + j] * centroids[c * d + j];
        }
        norms[c] = (float)norm;
        if (norms[c] > max_norm) max_norm = norms[c];
    }

    // The screen: codes in tiles of 16 clusters × 64 dimensions, parameters in four planes, rows in float32.
    long padded = (d + 63) / 64 * 64, stride = (d + 15) / 16 * 16;
    int8_t *codes = zeroed((size_t)lanes * padded);
    int32_t *sums = zeroed(sizeof(int32_t) * lanes);
    double *params = zeroed(sizeof(double) * lanes * 4);
    float *rows = zeroed(sizeof(float) * k * stride);
    for (int c = k; c < lanes; c++) params[3 * lanes + c] = INFINITY;
    for (int c = 0; c < k; c++) {
        float max_abs = 0;
        double norm = 0, residual = 0, quantized = 0;
        for (int j = 0; j < d; j++) {
            float v = centroids[c * d + j];
            if (fabsf(v) > max_abs) max_abs = fabsf(v);
            norm += (double)v * v;
        }
        double scale = max_abs / 127.0;
        int32_t sum = 0;
        for (int j = 0; j < d; j++) {
            double v = centroids[c * d + j];
            double code = scale > 0 ? fmax(-127, fmin(127, round(v / scale))) : 0;
            codes[(c / 16) * 16 * padded + (c % 16) * 64 + (j / 64) * 1024 + j % 64] = (int8_t)code;
            sum += (int32_t)code;
            residual += (v - code * scale) * (v - code * scale);
            quantized += code * code;
            rows[c * stride + j] = centroids[c * d + j];
        }
        sums[c] = sum;
        params[c] = scale;
        params[lanes + c] = sqrt(residual) * (1 + 0x1p-30);
        params[2 * lanes + c] = scale * sqrt(quantized) * (1 + 0x1p-30);
        params[3 * lanes + c] = norm;
    }
    consroute_screen screen = {codes, sums, params, rows, padded, stride, k};

    long mismatches = 0;
    float distance2, uncertainty;
    for (int q = 0; q < n; q++) {
        const float *x = queries + (long)q * d;
        long screened = consroute_nearest_centroid_screened_on(
            screen_path, &screen, x, d, blocks, norms, blocks_count, max_norm, &distance2,
            &uncertainty);
        long reference = consroute_nearest_centroid_screened_reference(
            &screen, x, d, blocks, norms, blocks_count, max_norm, &distance2, &uncertainty);
        long plain = consroute_nearest_centroid_on(
            float_path, x, d, blocks, norms, blocks_count, max_norm, &distance2, &uncertainty);
        if (screened != reference || screened != plain) mismatches++;
    }
    double best_screen = INFINITY, best_float = INFINITY;
    long sink = 0;
    for (int r = 0; r < repeats; r++) {
        double start = now_ns();
        for (int q = 0; q < n; q++) {
            sink += consroute_nearest_centroid_screened_on(
                screen_path, &screen, queries + (long)q * d, d, blocks, norms, blocks_count,
                max_norm, &distance2, &uncertainty);
        }
        double elapsed = (now_ns() - start) / n;
        if (elapsed < best_screen) best_screen = elapsed;
        start = now_ns();
        for (int q = 0; q < n; q++) {
            sink += consroute_nearest_centroid_on(
                float_path, queries + (long)q * d, d, blocks, norms, blocks_count, max_norm, &distance2,
                &uncertainty);
        }
        elapsed = (now_ns() - start) / n;
        if (elapsed < best_float) best_float = elapsed;
    }
    printf(
        "d=%d k=%d n=%d: screen (%s) %.1f ns, float (%s) %.1f ns per decision; mismatches %ld%s\n", d, k, n,
        consroute_kernel_name(screen_path), best_screen, consroute_kernel_name(float_path), best_float, mismatches,
        sink == 42 ? " " : "");
    return mismatches == 0 ? 0 : 1;
}
