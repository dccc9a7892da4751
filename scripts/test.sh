#!/usr/bin/env bash
# README command 2: builds consroute and runs every test. Installs what it needs first (idempotent).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
swift build --build-tests
swift test --skip-build
