// Runs the repository's conformance vectors (conformance/) through libconsroute_router's C ABI.
//
// Usage: conformance_test CONFORMANCE_DIR
// Prints one line per failure and a closing "N passed, N failed" line; exits 1 if anything failed.
// Numbers are read with strtof/strtod from the vectors' literal text, so every float is the exact one
// the vectors hold.
#include "consroute_router.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// ---- a small JSON reader (objects, arrays, strings without \u escapes beyond ASCII, numbers, literals)

typedef enum { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT } json_kind;

typedef struct json {
    json_kind kind;
    char *text;           // J_NUMBER: the literal; J_STRING: the decoded string
    int flag;             // J_BOOL
    struct json **items;  // J_ARRAY, J_OBJECT (values)
    char **keys;          // J_OBJECT
    size_t count;
} json;

static const char *json_cursor;

static void skip_space(void) {
    while (*json_cursor == ' ' || *json_cursor == '\n' || *json_cursor == '\r' || *json_cursor == '\t') json_cursor++;
}

static json *json_new(json_kind kind) {
    json *value = calloc(1, sizeof *value);
    value->kind = kind;
    return value;
}

static void json_append(json *container, char *key, json *item) {
    container->items = realloc(container->items, (container->count + 1) * sizeof *container->items);
    container->keys = realloc(container->keys, (container->count + 1) * sizeof *container->keys);
    container->items[container->count] = item;
    container->keys[container->count] = key;
    container->count++;
}

static char *parse_string(void) {
    // json_cursor is at the opening quote.
    json_cursor++;
    size_t capacity = 16, length = 0;
    char *out = malloc(capacity);
    while (*json_cursor && *json_cursor != '"') {
        char c = *json_cursor++;
        if (c == '\\') {
            char e = *json_cursor++;
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {
                unsigned code = (unsigned)strtoul((char[]){json_cursor[0], json_cursor[1], json_cursor[2], json_cursor[3], 0}, NULL, 16);
                json_cursor += 4;
                // Only code points below 0x800 appear in the vectors' escapes (control characters).
                if (code < 0x80) {
                    c = (char)code;
                } else {
                    if (length + 2 >= capacity) out = realloc(out, capacity *= 2);
                    out[length++] = (char)(0xC0 | (code >> 6));
                    c = (char)(0x80 | (code & 0x3F));
                }
                break;
            }
            default: c = e;
            }
        }
        if (length + 1 >= capacity) out = realloc(out, capacity *= 2);
        out[length++] = c;
    }
    json_cursor++;
    out[length] = 0;
    return out;
}

static json *parse_value(void) {
    skip_space();
    char c = *json_cursor;
    if (c == '{' || c == '[') {
        json *container = json_new(c == '{' ? J_OBJECT : J_ARRAY);
        char close = c == '{' ? '}' : ']';
        json_cursor++;
        skip_space();
        if (*json_cursor == close) {
            json_cursor++;
            return container;
        }
        for (;;) {
            char *key = NULL;
            if (container->kind == J_OBJECT) {
                skip_space();
                key = parse_string();
                skip_space();
                json_cursor++;  // ':'
            }
            json_append(container, key, parse_value());
            skip_space();
            if (*json_cursor == ',') {
                json_cursor++;
                continue;
            }
            json_cursor++;  // the closing bracket
            return container;
        }
    }
    if (c == '"') {
        json *value = json_new(J_STRING);
        value->text = parse_string();
        return value;
    }
    if (strncmp(json_cursor, "true", 4) == 0 || strncmp(json_cursor, "false", 5) == 0) {
        json *value = json_new(J_BOOL);
        value->flag = c == 't';
        json_cursor += value->flag ? 4 : 5;
        return value;
    }
    if (strncmp(json_cursor, "null", 4) == 0) {
        json_cursor += 4;
        return json_new(J_NULL);
    }
    const char *start = json_cursor;
    while (*json_cursor && strchr("+-0123456789.eE", *json_cursor)) json_cursor++;
    json *value = json_new(J_NUMBER);
    value->text = strndup(start, (size_t)(json_cursor - start));
    return value;
}

static json *get(const json *object, const char *key) {
    for (size_t i = 0; object && object->kind == J_OBJECT && i < object->count; i++) {
        if (strcmp(object->keys[i], key) == 0) return object->items[i];
    }
    return NULL;
}

static const char *text(const json *object, const char *key) {
    json *value = get(object, key);
    return value && value->text ? value->text : "";
}

// ---- files

static const char *root;

static unsigned char *read_file(const char *relative, size_t *length) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", root, relative);
    FILE *file = fopen(path, "rb");
    if (!file) {
        fprintf(stderr, "cannot open %s: %s\n", path, strerror(errno));
        exit(2);
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    unsigned char *bytes = malloc((size_t)size + 1);
    if (fread(bytes, 1, (size_t)size, file) != (size_t)size) exit(2);
    fclose(file);
    bytes[size] = 0;
    if (length) *length = (size_t)size;
    return bytes;
}

static json *read_json(const char *relative) {
    json_cursor = (const char *)read_file(relative, NULL);
    return parse_value();
}

// ---- checks

static int passed, failed;

static void check(int ok, const char *what, const char *detail) {
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    }
}

static const char *tier_name(int32_t tier) {
    return tier == CONSROUTE_TIER_DEVICE ? "device" : tier == CONSROUTE_TIER_EDGE ? "edge" : "cloud";
}

static int32_t tier_code(const char *name) {
    return strcmp(name, "device") == 0 ? CONSROUTE_TIER_DEVICE : strcmp(name, "edge") == 0 ? CONSROUTE_TIER_EDGE : CONSROUTE_TIER_CLOUD;
}

/// A router as the configuration file `path` (router.json, router-d384.json) describes it.
static consroute_router *make_router(const char *path) {
    json *configuration = read_json(path);
    json *fingerprint = get(configuration, "fingerprint");
    consroute_fingerprint local = {
        text(fingerprint, "representation_model"), strtoll(text(fingerprint, "representation_dim"), NULL, 10),
        text(fingerprint, "reranker"), text(fingerprint, "prompt_template"),
    };
    json *keys = get(configuration, "trusted_keys");
    const char *contents[8];
    for (size_t i = 0; i < keys->count && i < 8; i++) contents[i] = (const char *)read_file(keys->items[i]->text, NULL);
    char error[512] = "";
    consroute_router *router = consroute_router_create(
        text(configuration, "fleet"), text(configuration, "device_id"), &local, contents, keys->count, NULL, error,
        sizeof error);
    if (!router) {
        fprintf(stderr, "consroute_router_create failed: %s\n", error);
        exit(2);
    }
    return router;
}

static void run_apply(void) {
    json *scenarios = get(read_json("apply.json"), "scenarios");
    for (size_t s = 0; s < scenarios->count; s++) {
        const char *name = text(scenarios->items[s], "name");
        consroute_router *router = make_router("router.json");
        json *steps = get(scenarios->items[s], "steps");
        for (size_t i = 0; i < steps->count; i++) {
            json *step = steps->items[i];
            size_t length;
            unsigned char *envelope = read_file(text(step, "envelope"), &length);
            consroute_ack ack;
            int32_t applied = consroute_router_apply(router, envelope, length, &ack);
            char detail[1400];
            snprintf(detail, sizeof detail, "%s, step %zu: applied %d version %llu reason \"%s\"", name, i, applied,
                (unsigned long long)ack.version, ack.reason);
            check(applied == get(step, "applied")->flag && ack.applied == applied, "apply: applied", detail);
            check(ack.version == strtoull(text(step, "version"), NULL, 10), "apply: version", detail);
            const char *code = text(step, "reason_code");
            size_t code_length = strlen(code);
            int code_ok = strncmp(ack.reason, code, code_length) == 0
                && (ack.reason[code_length] == 0 || strncmp(ack.reason + code_length, ": ", 2) == 0);
            check(code_ok, "apply: reason code", detail);
            if (get(step, "reason")) check(strcmp(ack.reason, text(step, "reason")) == 0, "apply: reason text", detail);
            check(consroute_router_table_version(router) == strtoull(text(step, "held_version"), NULL, 10),
                "apply: held version", detail);
            free(envelope);
        }
        consroute_router_free(router);
    }
}

/// The routed queries of `path` (route.json, route-d384.json), with the router its "router" field names.
static void run_route(const char *path) {
    json *vectors = read_json(path);
    const char *router_file = text(vectors, "router");
    consroute_router *router = make_router(router_file);
    size_t length;
    unsigned char *envelope = read_file(text(vectors, "table"), &length);
    consroute_ack ack;
    check(consroute_router_apply(router, envelope, length, &ack) == 1, "route: table applied", ack.reason);
    size_t d = strtoull(text(vectors, "dimension"), NULL, 10);
    check(consroute_router_dimension(router) == (int64_t)d, "route: dimension", NULL);
    json *queries = get(vectors, "queries");
    size_t n = queries->count;
    float *x = malloc(n * d * sizeof *x), *p_device = malloc(n * sizeof(float)), *p_edge = malloc(n * sizeof(float));
    consroute_turn *turns = calloc(n, sizeof *turns);
    consroute_decision *batch = calloc(n, sizeof *batch);
    for (size_t q = 0; q < n; q++) {
        json *query = queries->items[q];
        json *representation = get(query, "representation");
        for (size_t j = 0; j < d; j++) x[q * d + j] = strtof(representation->items[j]->text, NULL);
        p_device[q] = strtof(text(query, "p_device"), NULL);
        p_edge[q] = strtof(text(query, "p_edge"), NULL);
        json *turn = get(query, "turn");
        // A first turn in a batch: previous tier device with no context never moves anything down or blocks
        // an escalation, so it routes exactly like no turn at all.
        turns[q].previous_tier = turn && turn->kind == J_OBJECT ? tier_code(text(turn, "previous_tier")) : CONSROUTE_TIER_DEVICE;
        turns[q].context_tokens = turn && turn->kind == J_OBJECT ? (uint32_t)strtoul(text(turn, "context_tokens"), NULL, 10) : 0;
    }
    check(consroute_router_route_batch(router, x, n, d, p_device, p_edge, turns, batch) == CONSROUTE_OK, "route: batch", NULL);
    for (size_t q = 0; q < n; q++) {
        json *query = queries->items[q];
        json *expected = get(query, "expected");
        json *turn = get(query, "turn");
        consroute_decision decision;
        int32_t status = consroute_router_route(
            router, x + q * d, d, p_device[q], p_edge[q], turn && turn->kind == J_OBJECT ? &turns[q] : NULL, &decision);
        char detail[512];
        snprintf(detail, sizeof detail, "%s: cluster %d id %u novel %d tier %s", text(query, "name"), decision.cluster_index,
            decision.cluster_id, decision.is_novel, tier_name(decision.tier));
        check(status == CONSROUTE_OK, "route: status", detail);
        check(decision.cluster_index == atoi(text(expected, "cluster_index")), "route: cluster index", detail);
        check(decision.cluster_id == (uint32_t)strtoul(text(expected, "cluster_id"), NULL, 10), "route: cluster id", detail);
        check(decision.is_novel == get(expected, "novel")->flag, "route: novel", detail);
        check(strcmp(tier_name(decision.tier), text(expected, "tier")) == 0, "route: tier", detail);
        check(decision.table_version == consroute_router_table_version(router), "route: table version", detail);
        check(batch[q].cluster_index == decision.cluster_index && batch[q].tier == decision.tier
                && batch[q].is_novel == decision.is_novel,
            "route: batch equals one by one", detail);
    }
    consroute_decision decision;
    check(consroute_router_route(router, x, d - 1, 0.5f, 0.5f, NULL, &decision) == CONSROUTE_ERR_WRONG_DIMENSION,
        "route: wrong dimension", NULL);
    consroute_turn bad = {7, 0};
    check(consroute_router_route(router, x, d, 0.5f, 0.5f, &bad, &decision) == CONSROUTE_ERR_INVALID_ARGUMENT,
        "route: invalid tier", NULL);
    consroute_router_free(router);
    consroute_router *empty = make_router(router_file);
    check(consroute_router_route(empty, x, d, 0.5f, 0.5f, NULL, &decision) == CONSROUTE_ERR_NO_TABLE, "route: no table", NULL);
    char device[64];
    size_t device_length = consroute_router_device_id(empty, device, sizeof device);
    check(device_length == strlen(device) && device_length > 0, "router: device id", device);
    consroute_router_free(empty);
}

static void run_cohort(void) {
    json *cases = get(read_json("cohort.json"), "cases");
    for (size_t i = 0; i < cases->count; i++) {
        json *entry = cases->items[i];
        const char *device = text(entry, "device_id"), *salt = text(entry, "salt");
        double percent = strtod(text(entry, "percent"), NULL);
        char joined[512], hash[32], detail[600];
        snprintf(joined, sizeof joined, "%s%s", salt, device);
        snprintf(hash, sizeof hash, "%llx", (unsigned long long)consroute_fnv1a64(joined));
        snprintf(detail, sizeof detail, "%s %s %g", device, salt, percent);
        check(strcmp(hash, text(entry, "fnv1a64")) == 0, "cohort: fnv1a64", detail);
        check(consroute_canary_contains(device, salt, percent) == get(entry, "in_cohort")->flag, "cohort: membership", detail);
    }
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s CONFORMANCE_DIR\n", argv[0]);
        return 2;
    }
    root = argv[1];
    check(consroute_abi_version() == CONSROUTE_ABI_VERSION, "abi version", NULL);
    run_apply();
    run_route("route.json");
    run_route("route-d384.json");
    run_cohort();
    printf("kernel: %s\n", consroute_kernel());
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
