#!/usr/bin/env bash
# Runs the IntegrationTests target against a fresh local Tansu broker, and stops the broker whatever the
# outcome. Extra arguments go to `swift test` (e.g. -c release).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

trap 'scripts/tansu.sh stop' EXIT
scripts/tansu.sh start
eval "$(scripts/tansu.sh env)"
echo "integration-tests.sh: broker $CONSROUTE_TEST_BROKER, librdkafka from ${LD_LIBRARY_PATH%%:*}" >&2
swift test --filter IntegrationTests "$@"
