#!/usr/bin/env bash
# Backtests one controller configuration on several seeded event sets of a scenario, and summarises: a change to
# the tuning is judged on the spread over event sets, not on one (on llm-benchmarks.yaml `schedule_s: 300` moved
# single sets' latency ratio by up to 0.038 and the ten sets' mean by 0.009; docs/benchmarks.md, "Real-traffic
# tuning").
#
# Usage: bash scripts/replay-seeds.sh [--config FILE] [--scenario FILE] [--seeds "S1 S2 ..."] [--shadow-rate R]
#   --config       controller configuration whose only fleet the replays use (default: config/controller.yaml);
#                  its fleet's `dimension` is set to the scenario's in a temporary copy
#   --scenario     default: config/scenarios/llm-benchmarks.yaml
#   --seeds        default: the ten seeds 20261203 ... 20261212 (the scenario's own seed is 20261203)
#   --shadow-rate  default: 0.1
# Needs the release build of the CLI (built here when missing). Prints one line per event set, then the means.
# KEEP=DIR keeps the scenarios, logs and JSON reports in DIR (per-table figures: `tables` and `windows`).
set -euo pipefail
cd "$(dirname "$0")/.."
config=config/controller.yaml
scenario=config/scenarios/llm-benchmarks.yaml
seeds="20261203 20261204 20261205 20261206 20261207 20261208 20261209 20261210 20261211 20261212"
shadow=0.1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --config) config="$2"; shift 2 ;;
    --scenario) scenario="$2"; shift 2 ;;
    --seeds) seeds="$2"; shift 2 ;;
    --shadow-rate) shadow="$2"; shift 2 ;;
    *) echo "replay-seeds.sh: unknown argument '$1' (see the usage at the top of the script)" >&2; exit 2 ;;
  esac
done
[[ -f "$config" ]] || { echo "replay-seeds.sh: no configuration at $config" >&2; exit 2; }
[[ -f "$scenario" ]] || { echo "replay-seeds.sh: no scenario at $scenario" >&2; exit 2; }
grep -qE '^seed: [0-9]+' "$scenario" || { echo "replay-seeds.sh: $scenario has no top-level 'seed:' line" >&2; exit 2; }
dimension="$(sed -nE 's/^dimension: *([0-9]+).*/\1/p' "$scenario")"
[[ -n "$dimension" ]] || { echo "replay-seeds.sh: $scenario has no top-level 'dimension:' line" >&2; exit 2; }

binary=.build/release/consroute
[[ -x "$binary" ]] || swift build -c release --product consroute >&2

work="$(mktemp -d)"
trap '[[ -n "${KEEP:-}" ]] && cp -r "$work" "$KEEP"; rm -rf "$work"' EXIT
sed -E "s/^( +dimension: *)[0-9]+/\1$dimension/" "$config" > "$work/controller.yaml"
replay() {
  local seed="$1"
  sed -E "s/^seed: *[0-9]+/seed: $seed/" "$scenario" > "$work/scenario-$seed.yaml"
  "$binary" replay --scenario "$work/scenario-$seed.yaml" --shadow-rate "$shadow" --window 1000 \
    --config "$work/controller.yaml" --out "$work/report-$seed.json" > "$work/replay-$seed.log" 2>&1 \
    || { cat "$work/replay-$seed.log" >&2; return 1; }
}
# One replay per core at a time (each is single-threaded).
jobs="$(nproc)"
pids=()
for seed in $seeds; do
  while [[ "$(jobs -rp | wc -l)" -ge "$jobs" ]]; do wait -n || true; done
  replay "$seed" &
  pids+=("$!")
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[[ "$failed" -eq 0 ]] || { echo "replay-seeds.sh: a replay failed (its output is above)" >&2; exit 1; }

python3 - "$work" $seeds <<'EOF'
import json, sys
work, seeds = sys.argv[1], sys.argv[2:]
rows = []
print("seed      quality latency cost    tables no-table rolling floor after each phase change (events after which")
print("                                                    it holds in 1 - alpha of the phase's windows)")
for seed in seeds:
    r = json.load(open(f"{work}/report-{seed}.json"))
    p = r["policy"]
    def hold(x):
        h = x.get("events_to_hold")
        return "never" if h is None else str(h)
    floors = " ".join(f"{x['share_at_or_above_q_min'] * 100:.0f}% ({hold(x)})" for x in r["rolling"])
    failed = len(r["tuning_failures"])
    rows.append((p["quality_ratio"], p["latency_ratio"], p["cost_ratio"], [x["share_at_or_above_q_min"] for x in r["rolling"]]))
    print(f"{seed}  {p['quality_ratio']:.4f}  {p['latency_ratio']:.4f}  {p['cost_ratio']:.4f}  {len(r['tables']):6d} {failed:7d}  {floors}")
n = len(rows)
phases = [s for row in rows for s in row[3]]
print(f"mean      {sum(r[0] for r in rows) / n:.4f}  {sum(r[1] for r in rows) / n:.4f}  {sum(r[2] for r in rows) / n:.4f}"
      f"                  below 90 % in {sum(s < 0.9 for s in phases)} of {len(phases)} phases")
holds = [x.get("events_to_hold") for seed in seeds for x in json.load(open(f"{work}/report-{seed}.json"))["rolling"]]
print(f"events after a phase change until the rolling floor holds in 1 - alpha of windows: "
      f"{'never in ' + str(holds.count(None)) + ' phases, ' if None in holds else ''}"
      f"at most {max((h for h in holds if h is not None), default=0)}")
# Every policy routes all-cloud until the first table; the same figures from it on, and the cheapest periodic
# baseline that holds the floor over the whole run and from the first table on.
def fig(f):
    return f"{f['quality_ratio']:.4f}  {f['latency_ratio']:.4f}  {f['cost_ratio']:.4f}"
print()
print("from the first table on: policy (quality latency cost; share of rolling windows at or above q_min), then the")
print("cheapest periodic holding the floor from it on")
for seed in seeds:
    r = json.load(open(f"{work}/report-{seed}.json"))
    after = r.get("policy_after_first_table")
    holding = [v for v in r["baselines"]["periodic"] if v.get("holds_floor_after_first_table")]
    best = min(holding, key=lambda v: v["after_first_table"]["latency_ratio"], default=None)
    periodic = (f"{fig(best['after_first_table'])} (last {best['window_events']}, margin {best['margin']})"
                if best else "none holds it")
    span = r.get("rolling_after_first_table")
    rolling = f" {span['share_at_or_above_q_min'] * 100:3.0f}%" if span else ""
    print(f"{seed}  " + (fig(after) + rolling if after else "no table")
          + f"  at event {r.get('first_table_event')};  {periodic}")
EOF
