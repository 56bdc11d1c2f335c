#!/usr/bin/env bash
#
# bench.sh - throughput and server CPU cost of ferrokv compared with a real redis-server 7.0.
#
# Builds ferrokv in release mode, starts it and a redis-server (--save '' --appendonly no), each
# on a free port on 127.0.0.1, pins both servers to one core and redis-benchmark to another, and
# runs every test as its own redis-benchmark invocation, alternating redis / ferrokv for several
# rounds. For each run it reads the server's CPU time (all threads, /proc/PID/task/*/schedstat,
# in ns) before and after and divides by the number of requests: at -P 1 redis-benchmark
# saturates its own core, so throughput alone cannot tell the servers apart, CPU per request can.
#
# Prints, per pipeline depth and test, the median rps of each server, the throughput ratio
# ferrokv/redis (target >= 1.0), the median server CPU µs per request and the CPU ratio
# ferrokv/redis (target <= 1.0). Quote the ratios: absolute numbers are noisy on a shared box.
#
# Usage: scripts/bench.sh [options]        (run with -h for the options and environment)

set -euo pipefail

usage() {
    cat <<'EOF'
Usage: scripts/bench.sh [options]

Options (each overrides the environment variable in brackets):
  -r ROUNDS     rounds per test and server, alternating redis/ferrokv     [ROUNDS, default 3]
  -t TESTS      tests, comma or space separated, as redis-benchmark names  [TESTS]
                default: PING_INLINE PING_MBULK SET GET INCR HSET MSET LPUSH RPUSH
                LPOP RPOP SADD SPOP ZADD ZPOPMIN LRANGE_100 LRANGE_300 LRANGE_500
                LRANGE_600
  -P DEPTHS     pipeline depths, comma or space separated                 [PIPELINES, "1 16"]
  -c CLIENTS    parallel connections                                       [CLIENTS, 50]
  -n N          requests per run for every depth                           [N]
  -q            quick smoke run: 1 round, small N (explicit values still win) [QUICK=1]
  -h            this help

Other environment:
  N_P1           requests per run at -P 1 (default 100000; quick 10000)
  N_PN           requests per run at -P >1 (default 1000000; quick 50000)
  N_<TEST>       requests per run for one test at every depth, e.g. N_LRANGE_600=100000
  SERVER_CPU     core for both servers (default 0); CLIENT_CPU core for redis-benchmark (1)
  EXTRA_ARGS     extra redis-benchmark arguments, word-split (e.g. "-r 100000 -d 64")
  RUN_TIMEOUT    seconds before one redis-benchmark run is abandoned (default 300)
  NO_BUILD=1     skip `cargo build --release`; FERROKV_BIN path to the binary to use
  REDIS_SERVER   redis-server binary (default redis-server)
  OUT_DIR        where the raw per-run CSV goes (default target/bench)

Unknown-to-ferrokv tests (command answers "unknown command") show n/a; a failed or crashed run
shows err. Server CPU for a test that redis-benchmark pre-fills (LRANGE_*: its LPUSH step) is
averaged over all requests of that invocation.
EOF
}

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$script_dir/.." && pwd)

# ---- options -------------------------------------------------------------------------------
while getopts ':r:t:P:c:n:qh' opt; do
    case $opt in
        r) ROUNDS=$OPTARG ;;
        t) TESTS=$OPTARG ;;
        P) PIPELINES=$OPTARG ;;
        c) CLIENTS=$OPTARG ;;
        n) N=$OPTARG ;;
        q) QUICK=1 ;;
        h) usage; exit 0 ;;
        :) echo "bench.sh: -$OPTARG needs a value" >&2; exit 2 ;;
        *) echo "bench.sh: unknown option -$OPTARG (see -h)" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
if (($# > 0)); then
    echo "bench.sh: unexpected argument '$1' (see -h)" >&2
    exit 2
fi

QUICK=${QUICK:-0}
if [[ $QUICK == 1 ]]; then
    ROUNDS=${ROUNDS:-1}
    N_P1=${N_P1:-10000}
    N_PN=${N_PN:-50000}
fi
ROUNDS=${ROUNDS:-3}
TESTS=${TESTS:-PING_INLINE PING_MBULK SET GET INCR HSET MSET LPUSH RPUSH LPOP RPOP SADD SPOP ZADD ZPOPMIN LRANGE_100 LRANGE_300 LRANGE_500 LRANGE_600}
PIPELINES=${PIPELINES:-1 16}
CLIENTS=${CLIENTS:-50}
N_P1=${N_P1:-100000}
N_PN=${N_PN:-1000000}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
EXTRA_ARGS=${EXTRA_ARGS:-}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
NO_BUILD=${NO_BUILD:-0}
REDIS_SERVER=${REDIS_SERVER:-redis-server}
OUT_DIR=${OUT_DIR:-$repo_dir/target/bench}

read -r -a tests <<<"$(tr ',' ' ' <<<"${TESTS^^}")"
read -r -a depths <<<"$(tr ',' ' ' <<<"$PIPELINES")"
read -r -a extra_args <<<"$EXTRA_ARGS"

is_uint() { [[ $1 =~ ^[0-9]+$ ]]; }
for v in "$ROUNDS" "$CLIENTS" "$N_P1" "$N_PN" "$SERVER_CPU" "$CLIENT_CPU" "$RUN_TIMEOUT" "${depths[@]}" ${N:+"$N"}; do
    is_uint "$v" || { echo "bench.sh: '$v' is not a non-negative integer" >&2; exit 2; }
done
((ROUNDS >= 1)) || { echo "bench.sh: ROUNDS must be >= 1" >&2; exit 2; }
((${#tests[@]} > 0 && ${#depths[@]} > 0)) || { echo "bench.sh: no tests or depths" >&2; exit 2; }

for tool in redis-benchmark redis-cli taskset timeout python3 "$REDIS_SERVER"; do
    command -v "$tool" >/dev/null || { echo "bench.sh: '$tool' not found" >&2; exit 1; }
done
if [[ $SERVER_CPU == "$CLIENT_CPU" ]]; then
    echo "bench.sh: warning: servers and redis-benchmark share core $SERVER_CPU" >&2
fi
for core in "$SERVER_CPU" "$CLIENT_CPU"; do
    taskset -c "$core" true 2>/dev/null || { echo "bench.sh: cannot pin to core $core" >&2; exit 1; }
done

log() { printf '%s\n' "$*" >&2; }

# ---- build ---------------------------------------------------------------------------------
if [[ $NO_BUILD != 1 ]]; then
    log "== cargo build --release"
    (cd "$repo_dir" && cargo build --release)
fi
FERROKV_BIN=${FERROKV_BIN:-$repo_dir/target/release/ferrokv}
[[ -x $FERROKV_BIN ]] || { echo "bench.sh: no ferrokv binary at $FERROKV_BIN" >&2; exit 1; }
redis_bin=$(command -v "$REDIS_SERVER")

# ---- servers -------------------------------------------------------------------------------
tmp_dir=$(mktemp -d "${TMPDIR:-/tmp}/ferrokv-bench.XXXXXX")
keep_tmp=0
bench_pid=''
declare -A PID=() PORT=()

# free_port: an unused TCP port on 127.0.0.1, chosen by the kernel.
free_port() {
    python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# alive PID: the process exists and is not a zombie.
alive() {
    local stat rest
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    rest=${stat##*) }
    [[ ${rest:0:1} != Z && ${rest:0:1} != X ]]
}

# cpu_ns PID: CPU time of all the process's threads, in nanoseconds (the scheduler's own
# accounting in /proc/PID/task/*/schedstat: finer than the 10 ms ticks of /proc/PID/stat).
cpu_ns() {
    local f total=0 run rest
    for f in /proc/"$1"/task/*/schedstat; do
        read -r run rest <"$f" 2>/dev/null || continue
        total=$((total + run))
    done
    ((total > 0)) || { echo -1; return; }
    echo "$total"
}

# start_server NAME: start redis or ferrokv pinned to SERVER_CPU, wait until it answers PING.
start_server() {
    local name=$1 port pid i
    port=$(free_port)
    local -a cmd
    if [[ $name == redis ]]; then
        cmd=("$redis_bin" --port "$port" --bind 127.0.0.1 --save '' --appendonly no)
    else
        cmd=("$FERROKV_BIN" --port "$port" --bind 127.0.0.1 --save '' --appendonly no)
    fi
    # The subshell execs taskset, which execs the server: $! is the server's own pid.
    (cd "$tmp_dir" && exec taskset -c "$SERVER_CPU" "${cmd[@]}") >>"$tmp_dir/$name.log" 2>&1 &
    pid=$!
    PID[$name]=$pid
    PORT[$name]=$port
    for ((i = 0; i < 100; i++)); do
        if [[ $(redis-cli -h 127.0.0.1 -p "$port" PING 2>/dev/null) == PONG ]]; then
            log "== $name pid $pid on 127.0.0.1:$port, core $SERVER_CPU"
            return 0
        fi
        alive "$pid" || break
        sleep 0.1
    done
    log "bench.sh: $name did not start; log:"
    tail -n 20 "$tmp_dir/$name.log" >&2 || true
    return 1
}

stop_server() {
    local name=$1 pid i
    pid=${PID[$name]:-}
    [[ -n $pid ]] || return 0
    PID[$name]=
    if alive "$pid"; then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 50; i++)); do
            alive "$pid" || break
            sleep 0.1
        done
        if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
    fi
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [[ -n $bench_pid ]]; then
        kill -TERM "$bench_pid" 2>/dev/null || true
        wait "$bench_pid" 2>/dev/null || true
    fi
    stop_server redis
    stop_server ferrokv
    if [[ $keep_tmp == 1 ]]; then
        log "== server logs kept in $tmp_dir"
    else
        rm -rf "$tmp_dir"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

start_server redis
start_server ferrokv

# ---- runs ----------------------------------------------------------------------------------
# probe_cmds TEST: the commands a redis-benchmark test sends.
probe_cmds() {
    case $1 in
        PING_INLINE | PING_MBULK | PING) echo PING ;;
        LRANGE*) echo LPUSH LRANGE ;;
        *) echo "$1" ;;
    esac
}

# supported NAME TEST: every command of TEST is known to the server (arity errors are fine).
supported() {
    local name=$1 c reply
    for c in $(probe_cmds "$2"); do
        reply=$(redis-cli -h 127.0.0.1 -p "${PORT[$name]}" "$c" 2>&1) || return 1
        [[ $reply != *"unknown command"* ]] || return 1
    done
}

# run_one NAME TEST DEPTH N: one redis-benchmark invocation. Sets run_status (ok|err|crash),
# run_rps and run_cpu_us (server CPU µs per request).
run_one() {
    local name=$1 test=$2 depth=$3 n=$4 before after out rc=0 parsed rows
    local pid=${PID[$name]} port=${PORT[$name]}
    run_status=err run_rps='' run_cpu_us=''
    before=$(cpu_ns "$pid")
    # In the background so that a signal to this script stops the run at once (see cleanup).
    timeout "$RUN_TIMEOUT" taskset -c "$CLIENT_CPU" redis-benchmark -h 127.0.0.1 -p "$port" \
        -c "$CLIENTS" -n "$n" -P "$depth" -t "${test,,}" --csv ${extra_args[@]+"${extra_args[@]}"} \
        >"$tmp_dir/benchmark.out" 2>"$tmp_dir/benchmark.err" &
    bench_pid=$!
    wait "$bench_pid" || rc=$?
    bench_pid=''
    after=$(cpu_ns "$pid")
    out=$(<"$tmp_dir/benchmark.out")
    if ! alive "$pid"; then
        run_status=crash
        keep_tmp=1
        log "bench.sh: $name died during $test -P $depth; restarting it (log in $tmp_dir)"
        wait "$pid" 2>/dev/null || true
        cp "$tmp_dir/$name.log" "$tmp_dir/$name.crash.$test.P$depth.log" 2>/dev/null || true
        : >"$tmp_dir/$name.log"
        start_server "$name" || exit 1
        return 0
    fi
    if ((rc != 0)); then
        log "bench.sh: redis-benchmark $test -P $depth against $name failed (exit $rc):"
        head -n 3 "$tmp_dir/benchmark.err" >&2 || true
        printf '%s\n' "$out" | grep -v '^"test"' | head -n 3 >&2 || true
        return 0
    fi
    # CSV rows: "NAME","rps",...; the test's own row is NAME or "NAME (...)"; others are pre-fills.
    parsed=$(printf '%s\n' "$out" | awk -F, -v t="$test" '
        { gsub(/"/, "") }
        $1 == "test" || NF < 2 { next }
        { rows++; last = $2; n = toupper($1); if (n == t || index(n, t " ") == 1) rps = $2 }
        END { if (rows) print rows, (rps != "" ? rps : last) }')
    if [[ -z $parsed ]]; then
        log "bench.sh: no result rows from redis-benchmark $test -P $depth against $name"
        return 0
    fi
    read -r rows run_rps <<<"$parsed"
    if ((before < 0 || after < 0)); then
        run_cpu_us=
    else
        run_cpu_us=$(awk -v t=$((after - before)) -v req=$((n * rows)) \
            'BEGIN { printf "%.3f", t / 1e3 / req }')
    fi
    run_status=ok
}

# requests TEST DEPTH: the -n of one run.
requests() {
    local var="N_$1"
    if [[ $1 =~ ^[A-Z0-9_]+$ && -n ${!var:-} ]]; then
        echo "${!var}"
    elif [[ -n ${N:-} ]]; then
        echo "$N"
    elif (($2 <= 1)); then
        echo "$N_P1"
    else
        echo "$N_PN"
    fi
}
for test in "${tests[@]}"; do
    for depth in "${depths[@]}"; do
        is_uint "$(requests "$test" "$depth")" || { echo "bench.sh: bad request count for $test" >&2; exit 2; }
    done
done

mkdir -p "$OUT_DIR"
raw_csv=$OUT_DIR/bench-$(date +%Y%m%d-%H%M%S).csv
echo "server,test,pipeline,round,requests,status,rps,cpu_us_per_req" >"$raw_csv"

declare -A RPS=() CPU=() STATE=()
for depth in "${depths[@]}"; do
    for test in "${tests[@]}"; do
        n=$(requests "$test" "$depth")
        key="$test|$depth"
        for name in redis ferrokv; do
            if supported "$name" "$test"; then STATE[$name|$key]=ok; else STATE[$name|$key]=n/a; fi
            RPS[$name|$key]='' CPU[$name|$key]=''
        done
        for ((round = 1; round <= ROUNDS; round++)); do
            line="P=$depth $test round $round/$ROUNDS:"
            for name in redis ferrokv; do
                if [[ ${STATE[$name|$key]} == n/a ]]; then
                    line+=" $name n/a;"
                    echo "$name,$test,$depth,$round,$n,n/a,," >>"$raw_csv"
                    continue
                fi
                run_one "$name" "$test" "$depth" "$n"
                echo "$name,$test,$depth,$round,$n,$run_status,$run_rps,$run_cpu_us" >>"$raw_csv"
                if [[ $run_status == ok ]]; then
                    RPS[$name|$key]+=" $run_rps"
                    [[ -z $run_cpu_us ]] || CPU[$name|$key]+=" $run_cpu_us"
                    line+=" $name $run_rps rps ${run_cpu_us:-?} us/req;"
                else
                    line+=" $name $run_status;"
                fi
            done
            log "$line"
        done
    done
done

# ---- report --------------------------------------------------------------------------------
# median VALUES...: the median, or nothing when there are no values.
median() {
    (($# > 0)) || return 0
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 }
        END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# cell NAME KEY VALUES: the median of the values, or why there is none.
cell() {
    local name=$1 key=$2 m
    # shellcheck disable=SC2086 # the values are a space-separated list of numbers
    m=$(median $3)
    if [[ -n $m ]]; then
        echo "$m"
    elif [[ ${STATE[$name|$key]} == n/a ]]; then
        echo n/a
    else
        echo err
    fi
}

is_num() { [[ $1 =~ ^[0-9.eE+-]+$ ]]; }
fmt_rps() { if is_num "$1"; then printf '%.0f' "$1"; else printf '%s' "$1"; fi; }
fmt_cpu() { if is_num "$1"; then printf '%.3f' "$1"; else printf '%s' "$1"; fi; }
# geo LOGS...: the geometric mean of ratios given as natural logs.
geo() { printf '%s\n' "$@" | awk 'NF { s += $1; k++ } END { if (k) printf "%.2f", exp(s / k); else printf "-" }'; }

ferro_rev=$(git -C "$repo_dir" rev-parse --short HEAD 2>/dev/null || echo unknown)
redis_ver=$("$redis_bin" --version | sed -n 's/.*v=\([^ ]*\).*/\1/p')
echo
echo "ferrokv $ferro_rev vs redis-server $redis_ver; servers on core $SERVER_CPU, redis-benchmark" \
    "on core $CLIENT_CPU; -c $CLIENTS; $ROUNDS round(s), medians; CPU = server utime+stime per request"
echo "targets: thr ratio >= 1.00 and cpu ratio <= 1.00 (ferrokv/redis); '*' marks a miss"
for depth in "${depths[@]}"; do
    n=$(requests "" "$depth") overrides=''
    for test in "${tests[@]}"; do
        t_n=$(requests "$test" "$depth")
        [[ $t_n == "$n" ]] || overrides+="; $test -n $t_n"
    done
    echo
    echo "-P $depth  (-n $n per run$overrides)"
    printf '%-12s %12s %12s %10s %11s %11s %10s\n' test redis_rps ferrokv_rps thr_ratio \
        redis_us/r ferrokv_us/r cpu_ratio
    thr_logs=() cpu_logs=()
    for test in "${tests[@]}"; do
        key="$test|$depth"
        r_rps=$(cell redis "$key" "${RPS[redis|$key]}")
        f_rps=$(cell ferrokv "$key" "${RPS[ferrokv|$key]}")
        r_cpu=$(cell redis "$key" "${CPU[redis|$key]}")
        f_cpu=$(cell ferrokv "$key" "${CPU[ferrokv|$key]}")
        thr=- cpu=-
        if is_num "$r_rps" && is_num "$f_rps"; then
            thr=$(awk -v a="$f_rps" -v b="$r_rps" 'BEGIN { if (b > 0) printf "%.2f%s", a / b, (a / b < 1 ? "*" : " ") }')
            thr_logs+=("$(awk -v a="$f_rps" -v b="$r_rps" 'BEGIN { if (a > 0 && b > 0) print log(a / b) }')")
        fi
        if is_num "$r_cpu" && is_num "$f_cpu"; then
            cpu=$(awk -v a="$f_cpu" -v b="$r_cpu" 'BEGIN { if (b > 0) printf "%.2f%s", a / b, (a / b > 1 ? "*" : " ") }')
            cpu_logs+=("$(awk -v a="$f_cpu" -v b="$r_cpu" 'BEGIN { if (a > 0 && b > 0) print log(a / b) }')")
        fi
        printf '%-12s %12s %12s %10s %11s %11s %10s\n' "$test" "$(fmt_rps "$r_rps")" \
            "$(fmt_rps "$f_rps")" "${thr:--}" "$(fmt_cpu "$r_cpu")" "$(fmt_cpu "$f_cpu")" "${cpu:--}"
    done
    printf '%-12s %12s %12s %10s %11s %11s %10s\n' geomean "" "" \
        "$(geo ${thr_logs[@]+"${thr_logs[@]}"}) " "" "" "$(geo ${cpu_logs[@]+"${cpu_logs[@]}"}) "
done
echo
echo "raw per-run results: $raw_csv"
