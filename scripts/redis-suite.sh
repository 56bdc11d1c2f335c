#!/usr/bin/env bash
#
# redis-suite.sh - runs Redis 7.0's own TCL test suite against ferrokv.
#
# Fetches the source of Debian's redis package (7.0.15, with its tests/) once into
# target/redis-suite, puts a `src/redis-server` there that runs ferrokv (and links the
# installed redis-cli/redis-benchmark/redis-check-* beside it), then runs each unit with
# Redis's `runtest`. The suite starts and stops its own servers on 127.0.0.1 with its own
# generated config files, so this checks config handling as well as replies.
#
# Tests of features ferrokv does not have (scripting, streams, ACL, geo, pub/sub,
# replication as a replica, MIGRATE, ...) are listed, with the reason, in
# scripts/redis-suite.skip; `--tags -needs:repl` style options can be added after the units.
#
# Usage: scripts/redis-suite.sh [-n] [unit ...] [-- runtest options]
#   -n      do not build ferrokv (use target/release/ferrokv as it is)
#   unit    e.g. unit/type/hash; default: every unit listed in DEFAULT_UNITS below
# Needs: tclsh (Debian package tcl), redis-tools, and a deb-src entry for Debian's
# archive (added on first use if missing; needs root). Output per unit goes to
# target/redis-suite/logs/; a summary line per unit is printed, and the exit status is
# non-zero when any unit had a failure.

set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/.." && pwd)
work=$repo_dir/target/redis-suite
skipfile=$script_dir/redis-suite.skip

DEFAULT_UNITS="unit/type/string unit/type/incr unit/type/hash unit/type/list unit/type/list-2
unit/type/list-3 unit/type/set unit/type/zset unit/sort unit/expire unit/keyspace unit/scan
unit/protocol unit/info unit/info-command unit/introspection unit/introspection-2 unit/multi
unit/querybuf unit/limits unit/quit unit/latency-monitor unit/lazyfree unit/auth unit/other
unit/dump unit/bitops unit/bitfield unit/maxmemory unit/oom-score-adj unit/networking
unit/shutdown unit/slowlog integration/redis-cli integration/logging
integration/convert-ziplist-hash-on-load integration/convert-ziplist-zset-on-load
integration/convert-zipmap-hash-on-load integration/rdb integration/aof"

build=1
units=()
while (($# > 0)); do
    case $1 in
        -n) build=0 ;;
        --) shift; break ;;
        -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) units+=("$1") ;;
    esac
    shift
done
extra=("$@")
((${#units[@]} > 0)) || read -r -a units <<<"$(echo $DEFAULT_UNITS)"

for tool in tclsh redis-cli; do
    command -v $tool >/dev/null || { echo "redis-suite.sh: $tool is missing (apt-get install -y tcl redis-tools)" >&2; exit 2; }
done

if ((build)); then
    (cd "$repo_dir" && cargo build --release --quiet)
fi
bin=$repo_dir/target/release/ferrokv
[[ -x $bin ]] || { echo "redis-suite.sh: $bin not built" >&2; exit 2; }

# ---- the suite's source, once ----------------------------------------------------------------
src=$work/redis
if [[ ! -f $src/runtest ]]; then
    mkdir -p "$work/dl"
    if ! apt-get source --download-only --print-uris redis >/dev/null 2>&1; then
        list=/etc/apt/sources.list.d/ferrokv-debsrc.sources
        sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$list"
        apt-get update -qq
    fi
    (cd "$work/dl" && apt-get source --download-only redis >/dev/null 2>&1)
    tarball=$(ls "$work"/dl/redis_*.orig.tar.gz | head -1)
    rm -rf "$src" && mkdir -p "$src"
    tar xzf "$tarball" -C "$src" --strip-components=1
fi

# ---- ferrokv in redis-server's place -----------------------------------------------------------
# The suite's default.conf sets always-show-logo, so ferrokv's banner gives the " PID: <pid>"
# line the suite waits for, once the listeners are bound.
# A script, not a symlink: a copy of this tree must not write through it into target/.
mkdir -p "$src/src"
rm -f "$src/src/redis-server"
printf '#!/bin/sh\nexec %s "$@"\n' "$bin" >"$src/src/redis-server"
chmod +x "$src/src/redis-server"
for t in redis-cli redis-benchmark redis-check-aof redis-check-rdb; do
    ln -sf "$(command -v $t || echo /usr/bin/$t)" "$src/src/$t"
done

# ---- run ---------------------------------------------------------------------------------------
mkdir -p "$work/logs"
failed=0
for u in "${units[@]}"; do
    log=$work/logs/$(echo "$u" | tr / _).log
    (cd "$src" && timeout 1200 ./runtest --single "$u" --clients 1 --timeout 300 \
        --skipfile "$skipfile" "${extra[@]}") >"$log" 2>&1 || true
    ok=$(grep -c '\[.*ok.*\]:' "$log" || true)
    err=$(grep -c '^\[.*err.*\]:' "$log" || true)
    exc=$(grep -c '^\[.*\(exception\|TIMEOUT\).*\]:' "$log" || true)
    printf '%-48s ok %4d  err %3d  exception %d\n' "$u" "$ok" "$err" "$exc"
    if ((err > 0 || exc > 0)) || ! grep -q 'All tests passed without errors' "$log"; then
        failed=1
        { grep -E '^\[.*(err|exception|TIMEOUT).*\]:' "$log" || true; } |
            sed 's/\x1b\[[0-9;]*m//g; s/^/    /' | head -5
    fi
done
exit $failed
