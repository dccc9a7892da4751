// Shared between the kernel files; not part of the public header.
#ifndef CONSROUTE_KERNELS_INTERNAL_H
#define CONSROUTE_KERNELS_INTERNAL_H

#include "consroute_kernels.h"

typedef long (*cr_nearest_fn)(const float *, long, const float *, const float *, long, float, float *, float *);

/// The float kernel of `path` (0 when this build has none for it; supported paths always have one).
cr_nearest_fn cr_function(consroute_kernel_path path);

#endif
