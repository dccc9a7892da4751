#!/usr/bin/env bash
# The device router beyond Swift: builds libconsroute_router, checks that it needs no Swift runtime, then runs
# the conformance vectors through the C ABI (bindings/c, on every SIMD path this CPU has), the int8 screen's
# timing harness on a few shapes (it exits 1 on any answer that differs from the float kernel's), and the Python
# binding's pytest suite (bindings/python, installed with pip into .build/bindings-venv).
#
# Usage: bash scripts/test-bindings.sh [--skip-build]      CONFIGURATION=release for the release library.
set -euo pipefail
cd "$(dirname "$0")/.."
configuration="${CONFIGURATION:-debug}"
[[ "${1:-}" == "--skip-build" ]] || swift build -c "$configuration" --product consroute_router >&2
bin="$(swift build -c "$configuration" --show-bin-path)"
lib="$bin/libconsroute_router.so"

echo "== $lib: dynamic dependencies" >&2
needed="$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
echo "   $needed" >&2
if grep -qE 'libswift|libFoundation|libdispatch|libBlocksRuntime' <<<"$needed"; then
  echo "FAIL: libconsroute_router needs the Swift runtime at run time" >&2
  exit 1
fi

echo "== C conformance test" >&2
"${CC:-cc}" -std=c11 -D_GNU_SOURCE -O1 -Wall -Wextra -Werror -I Sources/CConsRouteRouterABI/include \
  bindings/c/conformance_test.c -L "$bin" -lconsroute_router -Wl,-rpath,"$bin" -o "$bin/consroute-router-c-test"
for kernel in avx512vnni avx512 avx2 sse2 neon scalar; do
  output="$(CONSROUTE_KERNEL=$kernel "$bin/consroute-router-c-test" conformance)" || { echo "$output"; exit 1; }
  ran="$(sed -n 's/^kernel: //p' <<<"$output")"
  if [[ "$ran" != "$kernel" ]]; then
    echo "   $kernel: not on this CPU (skipped)" >&2
    continue
  fi
  echo "   $kernel: $(tail -1 <<<"$output")" >&2
done

echo "== int8 screen harness (scripts/screen-crossover.c): the kernel's answers on synthetic tables" >&2
kernels=Sources/CConsRouteKernels
clang -O2 -Wall -Werror -I "$kernels/include" -I "$kernels" scripts/screen-crossover.c "$kernels/kernels.c" \
  "$kernels/screen.c" -o "$bin/screen-crossover" -lm
for shape in "384 16" "2048 64" "130 33" "8192 2"; do
  # shellcheck disable=SC2086  # two arguments
  output="$("$bin/screen-crossover" $shape 3 200)" || { echo "$output" >&2; exit 1; }
  echo "   $output" >&2
done

echo "== Python binding" >&2
venv=.build/bindings-venv
[[ -x "$venv/bin/python" ]] || python3 -m venv "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check pytest numpy ./bindings/python
# pytest exits 5 when it collected nothing: with set -e that fails the run, as it should.
for kernel in "" scalar; do
  echo "   CONSROUTE_KERNEL=${kernel:-<widest>}" >&2
  CONSROUTE_KERNEL="$kernel" CONSROUTE_ROUTER_LIB="$lib" "$venv/bin/python" -m pytest -q -p no:cacheprovider \
    bindings/python/tests
done
