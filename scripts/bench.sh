#!/usr/bin/env bash
# Runs consroute's benchmarks and, where a peer exists, the peer right next to it, on the same data files.
#
# Usage: bash scripts/bench.sh [WORKLOAD ...]      (default: router kmeans drift thresholds ingest;
#        also: ingest-e2e (starts Tansu, runs kcat), replay, publish-fanout (and its kernel floor,
#        scripts/fanout-floor.c), window-memory,
#        tuning (one fleet tuning on a full window at d = 384 and 2048; needs no data files))
# Environment:
#   SHARED_BENCH  the shared benchmark folder (default: ../shared/bench)
#   BENCH_DATA    where the data lives or is generated (default: .bench-data, 1.1 GB)
#   PEERS_VENV    a venv with the peers' packages (default: .bench-venv; created without torch on first use)
#   NO_PEERS=1    run only our benchmarks
#   TARGET_CPU    -target-cpu for the release build (default: none; the router's kernel picks its SIMD path at
#                 run time, CONSROUTE_KERNEL=avx512vnni|avx512|avx2|sse2|scalar forces one)
# Output: one JSON line per measurement in bench-results/<timestamp>.jsonl, ours and the peers' together.
set -euo pipefail
cd "$(dirname "$0")/.."
shared="$(cd "${SHARED_BENCH:-../shared/bench}" && pwd)"
data="${BENCH_DATA:-.bench-data}"
venv="${PEERS_VENV:-.bench-venv}"
workloads=("$@")
[[ ${#workloads[@]} -gt 0 ]] || workloads=(router kmeans drift thresholds ingest)

if [[ ! -f "$data/router/meta.json" ]]; then
  echo "generating benchmark data in $data" >&2
  python3 "$shared/gen_data.py" --out "$data" --checksums >&2
fi
(cd "$data" && sha256sum -c --quiet "$shared/CHECKSUMS.seed7.sha256") \
  || echo "WARNING: data differs from CHECKSUMS.seed7.sha256" >&2

if [[ -z "${NO_PEERS:-}" && ! -x "$venv/bin/python" ]]; then
  echo "creating $venv with the peers' packages (torch left out: Optuna's GPSampler is then skipped)" >&2
  python3 -m venv "$venv"
  grep -vE '^(torch|#)|^$' "$shared/requirements-peers.txt" | xargs "$venv/bin/pip" install -q
fi

cpu_flags=()
[[ -z "${TARGET_CPU:-}" ]] || cpu_flags=(-Xswiftc -target-cpu -Xswiftc "$TARGET_CPU")
swift build -c release --product consroute-bench "${cpu_flags[@]}" >&2

mkdir -p bench-results
out="bench-results/$(date -u +%Y%m%dT%H%M%SZ).jsonl"
peer() { [[ -n "${NO_PEERS:-}" ]] || "$venv/bin/python" "$shared/$@" --data "$data" >> "$out"; }
ours() { .build/release/consroute-bench --data "$data" "$@" >> "$out"; }
for workload in "${workloads[@]}"; do
  echo "== $workload (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  case "$workload" in
    router)
      # d = 384 and 2048 next to the shared data (scripts/gen-router-large.py, numpy only).
      python3 scripts/gen-router-large.py --out "$data" >&2
      ours router
      peer peer_w5_router.py --repeats 5 --single 10000 --threads 1
      if [[ -z "${NO_PEERS:-}" ]]; then
        "$venv/bin/python" scripts/peer-router-large.py --data "$data" >> "$out"
        # The C ABI from Python: the binding over the release library, on the table `ours router` signed.
        swift build -c release --product consroute_router >&2
        "$venv/bin/pip" install -q ./bindings/python >&2
        CONSROUTE_ROUTER_LIB="$(swift build -c release --show-bin-path)/libconsroute_router.so" \
          "$venv/bin/python" scripts/bench-python-router.py --data "$data" >> "$out"
      fi
      ours router ;;
    kmeans)
      ours kmeans
      peer peer_w1_kmeans.py --dataset kmeans-100k --ks 16 --threads 1 --repeats 3 --warmup 1
      peer peer_w1_kmeans.py --dataset kmeans-1m --ks 16 --threads 1 --repeats 1 --warmup 0 ;;
    drift) ours drift; peer peer_w2_drift.py --repeats 3 --detectors ADWIN,PageHinkley ;;
    thresholds) ours thresholds; peer peer_w3_bo.py --peers grid-prefixsum,skopt --seeds 1 --bo-seeds 0 --repeats 5 ;;
    ingest-e2e)
      command -v kcat >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kcat >/dev/null
      # A real broker: Tansu on loopback, with the librdkafka 2.x that speaks to it (kcat uses it too).
      bash scripts/tansu.sh start >&2
      ( eval "$(bash scripts/tansu.sh env)"; export CONSROUTE_BENCH_BROKER="$CONSROUTE_TEST_BROKER"
        ours ingest-e2e --repeats 1 --warmup 0 )
      bash scripts/tansu.sh stop >&2 ;;
    publish-fanout)
      ours publish-fanout
      # The kernel floor on this machine, same subscribers, frame sizes, publishes and spacing: raw C, no HTTP.
      "${CC:-clang}" -O2 -pthread -o .build/fanout-floor scripts/fanout-floor.c >&2
      for bytes in 13417 1105; do .build/fanout-floor 10000 "$bytes" 20 >> "$out"; done ;;
    *) ours "$workload" ;;
  esac
done
echo "results: $out" >&2
python3 "$shared/summarize.py" "$out" 2>/dev/null || true
