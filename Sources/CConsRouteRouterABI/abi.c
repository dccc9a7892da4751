// Header-only: the declarations of libconsroute_router (include/consroute_router.h), implemented in Swift by
// ConsRouteRouterABI. This file makes the folder a C target.
#include "consroute_router.h"
