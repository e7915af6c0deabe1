#!/usr/bin/env bash
# The real population (issue 11, point 4): login p50 and an authenticated
# page's p50 on a database of 1,000,000 PACER and 3,000,000 CM/ECF accounts
# against a small one (1,000 / 3,000), on SQLite and PostgreSQL, and the
# server's resident memory once 100,000 live sessions have each made a request.
#
#   bench/population.sh [sqlite|postgres|both]        (default: both)
#
# Environment (defaults in brackets):
#   BIG_PACER [1000000] BIG_ECF [3000000] SMALL_PACER [1000] SMALL_ECF [3000]
#   COURTS [204] SESSIONS [100000] TOUCH_THREADS [8]
#   PG_ADMIN [postgres://postgres@127.0.0.1:5432]   (databases pop_bench_small/_big are
#                                                    created and dropped there)
#   WORK [a new folder under ${TMPDIR:-/tmp}]       (SQLite files, tokens, logs; removed)
#   CARGO_TARGET_DIR [target]  OPENECF_BIN [build release, use its openecf]
#
# Generated databases are deleted when their measurement is done. Needs
# python3 (standard library only) and, for PostgreSQL, createdb/dropdb.
set -euo pipefail

ENGINES=${1:-both}
BIG_PACER=${BIG_PACER:-1000000}
BIG_ECF=${BIG_ECF:-3000000}
SMALL_PACER=${SMALL_PACER:-1000}
SMALL_ECF=${SMALL_ECF:-3000}
COURTS=${COURTS:-204}
SESSIONS=${SESSIONS:-100000}
TOUCH_THREADS=${TOUCH_THREADS:-8}
PG_ADMIN=${PG_ADMIN:-postgres://postgres@127.0.0.1:5432}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLIENT="$ROOT/bench/population_client.py"
if [[ -z "${OPENECF_BIN:-}" ]]; then
    (cd "$ROOT" && cargo build --release -p openecf --quiet)
    OPENECF_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/openecf"
fi
WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/openecf-population.XXXXXX")}
mkdir -p "$WORK"
SERVER_PID=
cleanup() {
    [[ -n "$SERVER_PID" ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    for size in small big; do
        dropdb --if-exists -h 127.0.0.1 -U postgres "pop_bench_$size" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

case "$ENGINES" in
    both) ENGINES="sqlite postgres" ;;
    sqlite | postgres) ;;
    *) echo "usage: $0 [sqlite|postgres|both]" >&2; exit 2 ;;
esac

# db_url ENGINE SIZE: a fresh, empty database.
db_url() {
    local engine=$1 size=$2
    if [[ $engine == sqlite ]]; then
        rm -rf "$WORK/$size"
        mkdir -p "$WORK/$size"
        echo "sqlite://$WORK/$size/openecf.db"
    else
        dropdb --if-exists -h 127.0.0.1 -U postgres "pop_bench_$size" >/dev/null
        createdb -h 127.0.0.1 -U postgres "pop_bench_$size"
        echo "$PG_ADMIN/pop_bench_$size"
    fi
}

drop_db() {
    local engine=$1 size=$2
    if [[ $engine == sqlite ]]; then
        rm -rf "$WORK/$size"
    else
        dropdb --if-exists -h 127.0.0.1 -U postgres "pop_bench_$size"
    fi
}

# start_server URL: starts `openecf serve`, sets SERVER_PID and BASE.
start_server() {
    local url=$1 log="$WORK/serve.out"
    OPENECF_DATABASE_URL=$url OPENECF_LOG=warn OPENECF_SECRET_KEY_FILE="$WORK/secret.key" \
        "$OPENECF_BIN" serve --bind 127.0.0.1:0 --login-per-minute 1000000 \
        --idle-timeout-minutes 1440 --mail-dir "$WORK/mail" >"$log" 2>"$WORK/serve.err" &
    SERVER_PID=$!
    for _ in $(seq 600); do
        BASE=$(sed -n 's/^openecf listening on //p' "$log")
        [[ -n "$BASE" ]] && return 0
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.err" >&2; exit 1; }
        sleep 0.1
    done
    echo "the server did not start" >&2
    exit 1
}

stop_server() {
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}

rss_mb() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }

value() { sed -n "s/^$1=//p" "$2"; }

declare -A R
for engine in $ENGINES; do
    for size in small big; do
        if [[ $size == big ]]; then pacer=$BIG_PACER ecf=$BIG_ECF sessions=$SESSIONS
        else pacer=$SMALL_PACER ecf=$SMALL_ECF sessions=$((SMALL_PACER / 2)); fi
        url=$(db_url "$engine" "$size")
        tokens="$WORK/tokens-$size.txt"
        rm -f "$tokens"
        echo "== $engine $size: dev generate --pacer $pacer --ecf $ecf --courts $COURTS --sessions $sessions" >&2
        start=$(date +%s.%N)
        OPENECF_DATABASE_URL=$url OPENECF_LOG=warn OPENECF_SECRET_KEY_FILE="$WORK/secret.key" \
            "$OPENECF_BIN" dev generate --pacer "$pacer" --ecf "$ecf" --courts "$COURTS" \
            --sessions "$sessions" --sessions-file "$tokens" >&2
        R[$engine.$size.generate]=$(printf "%.1f" "$(echo "$(date +%s.%N) - $start" | bc)")
        if [[ $engine == sqlite ]]; then
            R[$engine.$size.disk]=$(du -sm "$WORK/$size" | cut -f1)
        else
            R[$engine.$size.disk]=$(psql -h 127.0.0.1 -U postgres -Atc \
                "SELECT pg_database_size('pop_bench_$size') / 1048576" postgres)
        fi
        start_server "$url"
        R[$engine.$size.rss_start]=$(rss_mb)
        python3 "$CLIENT" latency "$BASE" "$pacer" "$tokens" >"$WORK/latency.txt"
        cat "$WORK/latency.txt" >&2
        for k in login_p50_ms login_p99_ms page_p50_ms page_p99_ms; do
            R[$engine.$size.$k]=$(value $k "$WORK/latency.txt")
        done
        if [[ $size == big ]]; then
            python3 "$CLIENT" touch "$BASE" "$tokens" "$TOUCH_THREADS" >"$WORK/touch.txt"
            cat "$WORK/touch.txt" >&2
            R[$engine.touched]=$(value touched "$WORK/touch.txt")
            R[$engine.touch_seconds]=$(value touch_seconds "$WORK/touch.txt")
            R[$engine.rss_sessions]=$(rss_mb)
            R[$engine.rss_peak]=$(awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status")
        fi
        stop_server
        drop_db "$engine" "$size"
    done
done

ratio() { echo "scale=2; $1 / $2" | bc; }
echo
echo "| engine | what | small ($SMALL_PACER / $SMALL_ECF) | big ($BIG_PACER / $BIG_ECF) | big / small |"
echo "| --- | --- | --- | --- | --- |"
for engine in $ENGINES; do
    for k in login_p50_ms page_p50_ms login_p99_ms page_p99_ms; do
        s=${R[$engine.small.$k]} b=${R[$engine.big.$k]}
        echo "| $engine | $k | $s | $b | $(ratio "$b" "$s") |"
    done
    echo "| $engine | dev generate, seconds | ${R[$engine.small.generate]} | ${R[$engine.big.generate]} | |"
    echo "| $engine | database size, MB | ${R[$engine.small.disk]} | ${R[$engine.big.disk]} | |"
    echo "| $engine | server RSS at start, MB | ${R[$engine.small.rss_start]} | ${R[$engine.big.rss_start]} | |"
    echo "| $engine | server RSS after ${R[$engine.touched]} sessions each made a request (${R[$engine.touch_seconds]} s), MB | | ${R[$engine.rss_sessions]} (peak ${R[$engine.rss_peak]}) | |"
done
