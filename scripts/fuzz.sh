#!/usr/bin/env bash
# Builds the libFuzzer targets in fuzz/ and runs each for a bounded number of runs or time (docs/reliability.md).
#
#   scripts/fuzz.sh [--smoke | --runs N | --time SECONDS] [--jobs N] [TARGET...]
#
#   --smoke        a short run of every target (scripts/test.sh): 20,000 runs or 15 s each, whichever first.
#   --runs N       N executions per target (default 10,000,000), with no time limit.
#   --time S       at most S seconds per target.
#   TARGET         telemetry-protobuf, telemetry-json, table-envelope, config-yaml (default: all four).
#
# The module under test (ConsRouteModel, or ConsRouteController for the YAML loader) is compiled again with
# `swiftc -O -sanitize=fuzzer`, which adds libFuzzer's coverage instrumentation, using the exact compiler
# arguments SwiftPM used for it (read from .build/debug.yaml); everything it depends on is linked from the debug
# build's objects (`swift build` links fuzzers badly on Linux, so the link is done with swiftc directly).
# Seeds: each target writes its own (genuine events, acknowledgements, signed tables) when run with
# CONSROUTE_FUZZ_SEEDS set; the YAML target starts from config/controller.yaml and config/scenarios/*.yaml.
# Output under .build-fuzz/: the binaries, corpora, logs, and crash inputs (crashes/<target>/), each of which must
# become a regression test. Exit status 1 if any target found a crash.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="$ROOT/.build-fuzz"
ALL_TARGETS=(telemetry-protobuf telemetry-json table-envelope config-yaml)

runs=10000000
seconds=0
targets=()
while [[ $# -gt 0 ]]; do
    case "$1" in
    --smoke) runs=20000; seconds=15; shift ;;
    --runs) runs="$2"; shift 2 ;;
    --time) seconds="$2"; runs=0; shift 2 ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1" >&2; exit 64 ;;
    *) targets+=("$1"); shift ;;
    esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=("${ALL_TARGETS[@]}")

log() { echo "fuzz.sh: $*" >&2; }

# The debug build provides every dependency's objects and SwiftPM's compile and link arguments.
BUILD="$(swift build --show-bin-path)"
if [[ ! -f .build/debug.yaml || ! -x "$BUILD/consroute" ]]; then
    log "building consroute (swift build --product consroute)"
    swift build --product consroute >&2
fi
mkdir -p "$OUT/modules" "$OUT/objects" "$OUT/bin"

# Prints, one per line, SwiftPM's swiftc arguments for compiling MODULE, minus those of an incremental debug build.
swiftpm_compile_arguments() {
    python3 - "$1" "$ROOT/.build/debug.yaml" <<'PY'
import json, sys
module, manifest = sys.argv[1], sys.argv[2]
key = None
with open(manifest) as f:
    lines = f.read().split("\n")
for i, line in enumerate(lines):
    if line.strip().startswith(f'"C.{module}-') and line.strip().endswith('.module":'):
        key = i
        break
if key is None:
    sys.exit(f"no compile command for {module} in {manifest}")
args = None
for line in lines[key + 1:]:
    if line.strip().startswith("args:"):
        args = json.loads(line.strip()[len("args:"):])
        break
drop_with_value = {"-emit-module-path", "-output-file-map", "-index-store-path", "-module-cache-path",
                   "-emit-objc-header-path"}
drop = {"-emit-dependencies", "-emit-module", "-incremental", "-c", "-serialize-diagnostics", "-Onone",
        "-enable-testing", "-enable-batch-mode", "-parseable-output", "-color-diagnostics", "-g",
        "-enable-anonymous-context-mangled-names", "-emit-objc-header"}
skip = False
clang = False
sources = []
out = []
for arg in args[1:]:
    if skip:
        skip = False
        continue
    if clang:  # the argument of -Xcc goes to clang as it is
        clang = False
        out.append(arg)
        continue
    if arg == "-Xcc":
        clang = True
        out.append(arg)
        continue
    if arg in drop_with_value:
        skip = True
        continue
    if arg in drop or arg.startswith("-j") or arg == "-DDEBUG":
        continue
    if arg.startswith("@"):
        with open(arg[1:]) as f:
            sources += [s for s in f.read().split("\n") if s]
        continue
    out.append(arg)
print("\n".join(out + sources))
PY
}

# Compiles MODULE with coverage instrumentation into $OUT/objects/MODULE.o and $OUT/modules, unless it is newer
# than every source of the module and the debug build's module.
build_instrumented() {
    local module="$1"
    local object="$OUT/objects/$module.o"
    if [[ -f "$object" && "$object" -nt "$BUILD/Modules/$module.swiftmodule" ]] \
        && [[ -z "$(find "Sources/$module" -newer "$object" -name '*.swift' | head -n 1)" ]]; then
        return 0
    fi
    log "compiling $module with -sanitize=fuzzer"
    local arguments=()
    mapfile -t arguments < <(swiftpm_compile_arguments "$module")
    swiftc "${arguments[@]}" -I "$OUT/modules" -O -wmo -sanitize=fuzzer -parse-as-library \
        -emit-module -emit-module-path "$OUT/modules/$module.swiftmodule" -c -o "$object" >&2
}

# Links fuzz target NAME from ENTRY (plus fuzz/FuzzRandom.swift) against the instrumented MODULE and every other
# object of the consroute product; extra swiftc flags follow.
link_target() {
    local name="$1" entry="$2" module="$3"
    shift 3
    local binary="$OUT/bin/$name"
    if [[ -x "$binary" && "$binary" -nt "$OUT/objects/$module.o" && "$binary" -nt "$entry" ]]; then
        return 0
    fi
    log "linking $name"
    # Modules instrumented besides MODULE (EXTRA_MODULES, space-separated) replace their debug objects too.
    local excluded=(-e "/consroute.build/" -e "/$module.build/") extra_objects=() extra
    for extra in ${EXTRA_MODULES:-}; do
        excluded+=(-e "/$extra.build/")
        extra_objects+=("$OUT/objects/$extra.o")
    done
    grep -v "${excluded[@]}" "$BUILD/consroute.product/Objects.LinkFileList" >"$OUT/objects/$name.LinkFileList"
    # The module's search paths and C module maps, to import it.
    local imports=() arguments=() index
    mapfile -t arguments < <(swiftpm_compile_arguments "$module")
    for ((index = 0; index < ${#arguments[@]} - 1; index++)); do
        case "${arguments[index]}" in
        # -package-name: the fuzz entry sees the module's `package` declarations (ConsRouteController's are).
        -Xcc | -I | -target | -package-name) imports+=("${arguments[index]}" "${arguments[index + 1]}"); index=$((index + 1)) ;;
        esac
    done
    swiftc -O -sanitize=fuzzer -parse-as-library -swift-version 6 -module-name "FuzzTarget" "$@" \
        -I "$OUT/modules" "${imports[@]}" "$entry" fuzz/FuzzRandom.swift "$OUT/objects/$module.o" "${extra_objects[@]}" \
        "@$OUT/objects/$name.LinkFileList" -L/usr/lib/x86_64-linux-gnu -lrdkafka -lstdc++ -o "$binary" >&2
}

build_target() {
    case "$1" in
    telemetry-protobuf) build_instrumented ConsRouteModel && link_target "$1" fuzz/TelemetryDecoderFuzz.swift ConsRouteModel ;;
    telemetry-json) build_instrumented ConsRouteModel && link_target "$1" fuzz/TelemetryDecoderFuzz.swift ConsRouteModel -D FUZZ_JSON ;;
    table-envelope) build_instrumented ConsRouteModel && link_target "$1" fuzz/TableEnvelopeFuzz.swift ConsRouteModel ;;
    config-yaml)
        # The field reader and nesting limit (ConsRouteYAML) are instrumented with the loader that uses them.
        build_instrumented ConsRouteYAML && build_instrumented ConsRouteController \
            && EXTRA_MODULES="ConsRouteYAML" link_target "$1" fuzz/ConfigurationLoaderFuzz.swift ConsRouteController
        ;;
    *) log "unknown target $1 (one of ${ALL_TARGETS[*]})"; exit 64 ;;
    esac
}

seed_target() {
    local name="$1" seeds="$OUT/seeds/$1"
    rm -rf "$seeds"
    mkdir -p "$seeds"
    if [[ "$name" == config-yaml ]]; then
        cp config/controller.yaml "$seeds/controller.yaml"
        for scenario in config/scenarios/*.yaml; do cp "$scenario" "$seeds/$(basename "$scenario")"; done
        printf 'fleets:\n  - {name: a, dimension: 4, fingerprint: {representation_model: m, reranker: r, prompt_template: p}}\n' \
            >"$seeds/minimal.yaml"
    else
        CONSROUTE_FUZZ_SEEDS="$seeds" "$OUT/bin/$name" >/dev/null 2>&1
    fi
}

failed=0
for target in "${targets[@]}"; do
    build_target "$target"
    seed_target "$target"
    corpus="$OUT/corpus/$target"
    crashes="$OUT/crashes/$target"
    mkdir -p "$corpus" "$crashes"
    limits=()
    [[ "$runs" -gt 0 ]] && limits+=("-runs=$runs")
    [[ "$seconds" -gt 0 ]] && limits+=("-max_total_time=$seconds")
    max_len=65536
    [[ "$target" == config-yaml ]] && max_len=16384
    log "running $target (${limits[*]}), log $OUT/$target.log"
    started=$(date +%s)
    if "$OUT/bin/$target" "${limits[@]}" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$crashes/" "$corpus" "$OUT/seeds/$target" >"$OUT/$target.log" 2>&1; then
        status=ok
    else
        status=FAILED
        failed=1
    fi
    executions="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$OUT/$target.log" | grep -o '[0-9]*$' || echo "?")"
    echo "fuzz.sh: $target: $status, $executions executions in $(($(date +%s) - started)) s, crashes: $(ls "$crashes" | wc -l)"
    if [[ "$status" == FAILED ]]; then tail -n 30 "$OUT/$target.log" >&2; fi
done
exit "$failed"
