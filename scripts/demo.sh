#!/usr/bin/env bash
# README command 1: builds consroute (release) and runs the demo. Installs what it needs first (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product consroute
exec .build/release/consroute demo "$@"
