// Shared between the kernel files; not part of the public header.
#ifndef CONSROUTE_KERNELS_INTERNAL_H
#define CONSROUTE_KERNELS_INTERNAL_H

#include "consroute_kernels.h"

typedef long (*cr_nearest_fn)(const float *, long, const float *, const float *, long, float, float *, float *);

/// The tolerance of a float32 score `||μ||² − 2x·μ` summed in `chains` chains: four times the rounding-error bound
/// `(d / chains + chains + 6) · 2⁻²⁴ · (||x||² + max ||μ||²)` (nearest_body.h says why). Two scores closer than this
/// are "too close to call".
static inline float cr_tolerance(long d, int chains, float query_norm, float max_norm) {
    return 4 * ((float)(d / chains) + (chains + 6)) * 0x1p-24f * (query_norm + max_norm);
}

/// The float kernel of `path` (0 when this build has none for it; supported paths always have one).
cr_nearest_fn cr_function(consroute_kernel_path path);

#endif
