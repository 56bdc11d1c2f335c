#!/usr/bin/env bash
#
# latency.sh - PING round trips while the keyspace grows, ferrokv vs a real redis-server 7.0.
#
# For each server: starts a fresh instance on a free port on 127.0.0.1 (--save '' --appendonly no),
# runs examples/latency.rs against it and stops it. The example measures a client's PING round
# trips on the idle server (baseline), then while a second connection loads KEYS (default 10M)
# string keys through pipelined SETs, and prints p50/p99/p99.9/max for both phases plus the
# slowest pings with the number of keys loaded at that moment (a stall at a power of two points
# at a table resize). Acceptance for ferrokv: max under load <= idle max + 2 ms.
#
# Usage: scripts/latency.sh [ferrokv|redis ...]
# Environment: KEYS (10000000), WINDOW (20000 commands in flight), IDLE_SECS (5),
#   FERROKV_PORT / REDIS_PORT (default: a free port), NO_BUILD=1 (skip the release build).

set -euo pipefail
repo_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_dir"
if [ "${NO_BUILD:-0}" != 1 ]; then
    cargo build --release --quiet
    cargo build --release --quiet --example latency
fi
ferrokv=${FERROKV_BIN:-$repo_dir/target/release/ferrokv}
tool=$repo_dir/target/release/examples/latency
servers=("$@")
[ ${#servers[@]} -gt 0 ] || servers=(ferrokv redis)
keys=${KEYS:-10000000}
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    [ "${KEEP_TMP:-0}" = 1 ] && echo "kept $tmp" || rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_up() {
    for _ in $(seq 100); do
        redis-cli -p "$1" ping >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "server on port $1 did not start" >&2
    exit 1
}

run() {
    local name=$1 port pid
    case $name in
        ferrokv)
            port=${FERROKV_PORT:-$(free_port)}
            "$ferrokv" --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
                --dir "$tmp" >"$tmp/ferrokv.log" 2>&1 &
            ;;
        redis)
            port=${REDIS_PORT:-$(free_port)}
            redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
                --dir "$tmp" >"$tmp/redis.log" 2>&1 &
            ;;
        *)
            echo "unknown server $name" >&2
            exit 2
            ;;
    esac
    pid=$!
    pids+=("$pid")
    wait_up "$port"
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "$name exited at start (port $port taken?):" >&2
        tail -3 "$tmp/$name.log" >&2
        exit 1
    fi
    "$tool" --port "$port" --keys "$keys" --window "${WINDOW:-20000}" \
        --idle-secs "${IDLE_SECS:-5}" --label "$name" --pid "$pid"
    echo "$name     rss_after=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status") kB"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
}

for s in "${servers[@]}"; do
    run "$s"
done
