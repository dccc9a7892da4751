// consroute_router.h: the device router's C ABI (libconsroute_router).
//
// The same Swift router the Swift library embeds (`ConsRouteRouter.DeviceRouter`), exported with C linkage:
// table verification, the routing rule, the multi-turn switch margin and the canary cohort are not
// re-implemented here. The shared library links the Swift standard library statically, so it needs nothing
// but the C library at run time.
//
// Threads: one router may be used from several threads at once (tables applied from one, queries routed
// from others); `consroute_router_free` must not race with any other call on the same router.
// Strings are UTF-8 and NUL-terminated. No call keeps a pointer the caller passed in.
#ifndef CONSROUTE_ROUTER_H
#define CONSROUTE_ROUTER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The ABI version of this header: `consroute_abi_version()` returns the library's.
#define CONSROUTE_ABI_VERSION 1

/// Result codes.
#define CONSROUTE_OK 0
/// No table has been applied yet (route), or the router could not be created (create: see `error`).
#define CONSROUTE_ERR_NO_TABLE 1
/// The representation's length differs from the table's dimension.
#define CONSROUTE_ERR_WRONG_DIMENSION 2
/// A required pointer was NULL or an argument out of range (a tier outside 0...2).
#define CONSROUTE_ERR_INVALID_ARGUMENT 3

/// Tier codes (as in telemetry): device, edge, cloud.
#define CONSROUTE_TIER_DEVICE 0
#define CONSROUTE_TIER_EDGE 1
#define CONSROUTE_TIER_CLOUD 2

/// A router (opaque).
typedef struct consroute_router consroute_router;

/// What the router's local representation is; tables with another fingerprint are rejected.
typedef struct consroute_fingerprint {
    const char *representation_model;
    int64_t representation_dim;
    const char *reranker;
    const char *prompt_template;
} consroute_fingerprint;

/// The acknowledgement of one envelope (what a device reports to the acks topic).
typedef struct consroute_ack {
    /// 1 if the table is now in use (or was already held, identical), 0 if rejected.
    int32_t applied;
    /// The envelope's table version (0 if it could not be parsed).
    uint64_t version;
    /// When, in Unix milliseconds.
    int64_t time_unix_ms;
    /// Empty when applied; else "<code>: <details>", the code one of "malformed table", "wrong fleet",
    /// "untrusted key", "invalid signature", "fingerprint mismatch", "version not newer",
    /// "conflicting version", "expired", "not in canary cohort", "storage". Truncated to fit, always
    /// NUL-terminated.
    char reason[1024];
} consroute_ack;

/// The conversation state of a multi-turn query: where its KV cache lives and how long it is.
typedef struct consroute_turn {
    /// The tier that served the previous turn (CONSROUTE_TIER_*).
    int32_t previous_tier;
    /// Tokens of context a move to another tier would re-prefill.
    uint32_t context_tokens;
} consroute_turn;

/// One routing decision.
typedef struct consroute_decision {
    /// Index of the nearest centroid in the table's cluster list.
    int32_t cluster_index;
    /// That cluster's stable id (what telemetry reports).
    uint32_t cluster_id;
    /// CONSROUTE_TIER_*.
    int32_t tier;
    /// 1 if the query was farther than the cluster's radius (or the table is expired): the novel thresholds applied.
    int32_t is_novel;
    /// Squared distance to the nearest centroid.
    float distance2;
    /// The version of the table that decided.
    uint64_t table_version;
} consroute_decision;

/// The library's ABI version (CONSROUTE_ABI_VERSION of the header it was built with).
int32_t consroute_abi_version(void);

/// Creates a router and reloads the last good table from `state_directory`, if any (re-verified first).
///
/// - fleet, device_id: the fleet whose tables it applies and this device's id (selects canary cohorts).
/// - public_keys: `public_key_count` pinned public key files' contents (`consroute keygen`'s NAME.pub:
///   `{"algorithm":"ed25519","key_id":…,"public_key":…}`), several during a key rotation.
/// - state_directory: where the last good table is kept (`<fleet>.table.json`); NULL keeps it in memory.
/// - error: if not NULL, receives why creation failed (NUL-terminated, truncated to `error_capacity`).
/// Returns NULL on failure (a key file that does not parse, a stored table that cannot be read).
consroute_router *consroute_router_create(
    const char *fleet, const char *device_id, const consroute_fingerprint *fingerprint,
    const char *const *public_keys, size_t public_key_count, const char *state_directory, char *error,
    size_t error_capacity);

/// Frees a router (NULL is ignored).
void consroute_router_free(consroute_router *router);

/// Verifies an envelope's bytes and applies the table if every check passes (persisting it as the last good
/// table); fills `ack` either way. Returns `ack->applied`.
int32_t consroute_router_apply(
    consroute_router *router, const uint8_t *envelope, size_t length, consroute_ack *ack);

/// The version of the table in use, 0 if none.
uint64_t consroute_router_table_version(const consroute_router *router);

/// The dimension of the table in use, 0 if none.
int64_t consroute_router_dimension(const consroute_router *router);

/// Copies the router's device id into `buffer` (NUL-terminated, truncated to `capacity`); returns its length
/// in bytes without the NUL.
size_t consroute_router_device_id(const consroute_router *router, char *buffer, size_t capacity);

/// Routes one query: `representation` holds `dimension` floats; `turn` is NULL for a first turn.
/// Returns CONSROUTE_OK and fills `decision`, or an error code (no table, wrong dimension).
int32_t consroute_router_route(
    const consroute_router *router, const float *representation, size_t dimension, float p_device, float p_edge,
    const consroute_turn *turn, consroute_decision *decision);

/// Routes `count` queries with one table (read once): `representations` holds `count` rows of `dimension`
/// floats, `p_device` and `p_edge` `count` values each, `turns` NULL or `count` turn contexts; `decisions`
/// receives `count` decisions. Returns CONSROUTE_OK or an error code (nothing is written then).
int32_t consroute_router_route_batch(
    const consroute_router *router, const float *representations, size_t count, size_t dimension,
    const float *p_device, const float *p_edge, const consroute_turn *turns, consroute_decision *decisions);

/// Whether `device_id` is in the canary cohort of a rollout with `salt` and `percent` (0...100):
/// `fnv1a64(salt + device_id) mod 10000 < percent * 100`. Returns 1 or 0.
int32_t consroute_canary_contains(const char *device_id, const char *salt, double percent);

/// FNV-1a 64 over the bytes of `text` (the cohort's hash).
uint64_t consroute_fnv1a64(const char *text);

/// The SIMD path the nearest-centroid kernel runs ("avx512vnni", "avx512", "avx2", "sse2", "neon", "scalar"):
/// the widest the CPU has, or the one the environment variable CONSROUTE_KERNEL named when the library first routed.
const char *consroute_kernel(void);

#ifdef __cplusplus
}
#endif

#endif
