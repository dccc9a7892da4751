#!/usr/bin/env bash
# Runs the IntegrationTests target against fresh local Tansu brokers (the memory engine, and the s3 engine over a
# local S3 server for the test that moves a partition's log start as retention would), and stops them whatever
# the outcome. Extra arguments go to `swift test` (e.g. -c release).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

trap 'scripts/tansu.sh stop; TANSU_ENGINE=s3 scripts/tansu.sh stop' EXIT
scripts/tansu.sh start
TANSU_ENGINE=s3 scripts/tansu.sh start
eval "$(scripts/tansu.sh env)"
eval "$(TANSU_ENGINE=s3 scripts/tansu.sh env)"
echo "integration-tests.sh: brokers $CONSROUTE_TEST_BROKER (memory), $CONSROUTE_TEST_BROKER_S3 (s3), librdkafka from ${LD_LIBRARY_PATH%%:*}" >&2
swift test --filter IntegrationTests "$@"
