#!/usr/bin/env bash
#
# mem.sh - memory per key of ferrokv compared with a real redis-server 7.0.
#
# For each data shape, starts a fresh ferrokv and a fresh redis-server (--save '' --appendonly no)
# on free ports on 127.0.0.1, reads the process RSS (/proc/PID/status VmRSS), loads the same data
# into both through `redis-cli --pipe`, reads RSS again and prints the RSS growth per key and the
# ratio ferrokv/redis (target <= 0.90). Shapes:
#   strings      1M string keys, 10-byte values
#   strings_ttl  the same with a TTL on every key
#   hashes       100k hashes of 10 small fields
#   bighash      one hash of 1M fields
#
# Usage: scripts/mem.sh [shape ...]     (NO_BUILD=1 skips `cargo build --release`)

set -euo pipefail
repo_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo_dir"
[ "${NO_BUILD:-0}" = 1 ] || cargo build --release --quiet
ferrokv=${FERROKV_BIN:-$repo_dir/target/release/ferrokv}
shapes=("$@")
[ ${#shapes[@]} -gt 0 ] || shapes=(strings strings_ttl hashes bighash)
tmp=$(mktemp -d)
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$tmp"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# gen SHAPE: the RESP commands for a shape on stdout.
gen() {
    python3 - "$1" <<'EOF'
import sys
shape = sys.argv[1]
out = sys.stdout.buffer
def cmd(*args):
    b = [b"*%d\r\n" % len(args)]
    for a in args:
        b.append(b"$%d\r\n%s\r\n" % (len(a), a))
    out.write(b"".join(b))
if shape in ("strings", "strings_ttl"):
    for i in range(1_000_000):
        if shape == "strings":
            cmd(b"SET", b"key:%07d" % i, b"val:%06d" % i)
        else:
            cmd(b"SET", b"key:%07d" % i, b"val:%06d" % i, b"EX", b"100000")
elif shape == "hashes":
    for i in range(100_000):
        args = [b"HSET", b"hash:%06d" % i]
        for f in range(10):
            args += [b"field%d" % f, b"value%d" % f]
        cmd(*args)
elif shape == "bighash":
    for i in range(0, 1_000_000, 100):
        args = [b"HSET", b"bighash"]
        for f in range(i, i + 100):
            args += [b"field:%07d" % f, b"v%d" % f]
        cmd(*args)
EOF
}

keys_of() {
    case $1 in
        strings | strings_ttl) echo 1000000 ;;
        hashes) echo 100000 ;;
        bighash) echo 1000000 ;; # per field
    esac
}

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

# measure BIN SHAPE: prints RSS growth in bytes.
measure() {
    local bin=$1 shape=$2 port pid before after
    port=$(free_port)
    "$bin" --port "$port" --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 &
    pid=$!
    pids+=("$pid")
    for _ in $(seq 100); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && break
        sleep 0.05
    done
    before=$(rss_kb "$pid")
    redis-cli -p "$port" --pipe <"$tmp/$shape.resp" >/dev/null
    sleep 0.5
    after=$(rss_kb "$pid")
    redis-cli -p "$port" shutdown nosave >/dev/null 2>&1 || kill "$pid"
    wait "$pid" 2>/dev/null || true
    echo $(((after - before) * 1024))
}

printf '%-12s %14s %14s %8s\n' shape redis_B/key ferrokv_B/key ratio
for shape in "${shapes[@]}"; do
    gen "$shape" >"$tmp/$shape.resp"
    n=$(keys_of "$shape")
    r=$(measure redis-server "$shape")
    f=$(measure "$ferrokv" "$shape")
    awk -v s="$shape" -v r="$r" -v f="$f" -v n="$n" 'BEGIN {
        rk = r / n; fk = f / n; ratio = (rk > 0) ? fk / rk : 0
        printf "%-12s %14.1f %14.1f %8.2f%s\n", s, rk, fk, ratio, (ratio > 0.90 ? " *" : "")
    }'
done
echo "(RSS growth after loading, per key; per field for bighash. '*' marks a ratio above 0.90)"
