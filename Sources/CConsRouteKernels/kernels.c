// The kernels are header-only (include/consroute_kernels.h); this file makes the folder a C target.
#include "consroute_kernels.h"
