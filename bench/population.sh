#!/usr/bin/env bash
# The real population (issue 11, point 4): login p50 and an authenticated
# page's p50 on a database of 1,000,000 PACER and 3,000,000 CM/ECF accounts
# against a small one (1,000 / 3,000), on SQLite and PostgreSQL, and the
# resident memory of a freshly started server once 100,000 live sessions have
# each made a request.
#
#   bench/population.sh [sqlite|postgres|both]        (default: both)
#
# Environment (defaults in brackets):
#   BIG_PACER [1000000] BIG_ECF [3000000] SMALL_PACER [1000] SMALL_ECF [3000]
#   COURTS [204] SESSIONS [100000] TOUCH_THREADS [8]
#   PG_ADMIN [postgres://postgres@127.0.0.1:5432]   (the servers' PostgreSQL; the databases
#                                                    pop_bench_small/_big are created and
#                                                    dropped with createdb/dropdb/psql as
#                                                    user postgres at 127.0.0.1: keep both
#                                                    pointing at the same server)
#   WORK [a new folder under ${TMPDIR:-/tmp}]       (SQLite files, tokens, logs; removed)
#   CARGO_TARGET_DIR [target]  OPENECF_BIN [build release, use its openecf]
#
# Both servers run at once and the client interleaves its requests between
# them, so that whatever else the machine does slows both alike. Generated
# databases are deleted when their measurement is done. Needs
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
SERVERS=()
cleanup() {
    for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
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

# start_server URL NAME: starts `openecf serve`; sets PID_NAME and BASE_NAME.
start_server() {
    local url=$1 name=$2 log="$WORK/serve-$2.out" base=
    OPENECF_DATABASE_URL=$url OPENECF_LOG=warn OPENECF_SECRET_KEY_FILE="$WORK/secret.key" \
        "$OPENECF_BIN" serve --bind 127.0.0.1:0 --login-per-minute 1000000 \
        --idle-timeout-minutes 1440 --mail-dir "$WORK/mail-$name" >"$log" 2>"$WORK/serve-$name.err" &
    local pid=$!
    SERVERS+=("$pid")
    for _ in $(seq 600); do
        base=$(sed -n 's/^openecf listening on //p' "$log")
        if [[ -n "$base" ]]; then
            printf -v "PID_$name" %s "$pid"
            printf -v "BASE_$name" %s "$base"
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || { cat "$WORK/serve-$name.err" >&2; exit 1; }
        sleep 0.1
    done
    echo "the server did not start" >&2
    exit 1
}

stop_servers() {
    for pid in "${SERVERS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    SERVERS=()
}

rss_mb() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }

value() { sed -n "s/^$1=//p" "$2"; }

declare -A R
for engine in $ENGINES; do
    for size in small big; do
        if [[ $size == big ]]; then pacer=$BIG_PACER ecf=$BIG_ECF sessions=$SESSIONS
        else pacer=$SMALL_PACER ecf=$SMALL_ECF sessions=$((SMALL_PACER / 2)); fi
        url=$(db_url "$engine" "$size")
        printf -v "URL_$size" %s "$url"
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
    done
    # Both servers at once, their requests interleaved: a machine busy with
    # something else slows both alike, and the ratio stays fair.
    start_server "$URL_small" small
    start_server "$URL_big" big
    R[$engine.small.rss_start]=$(rss_mb "$PID_small")
    R[$engine.big.rss_start]=$(rss_mb "$PID_big")
    python3 "$CLIENT" compare "$BASE_small" "$SMALL_PACER" "$WORK/tokens-small.txt" \
        "$BASE_big" "$BIG_PACER" "$WORK/tokens-big.txt" >"$WORK/latency.txt"
    cat "$WORK/latency.txt" >&2
    for size in small big; do
        for k in login_p50_ms login_p99_ms page_p50_ms page_p99_ms; do
            R[$engine.$size.$k]=$(value "${size}_$k" "$WORK/latency.txt")
        done
    done
    # What the logins' Argon2id hashes (19 MiB each) left in the allocator.
    R[$engine.rss_logins]=$(rss_mb "$PID_big")
    stop_servers
    # The memory of a fresh server on the big database once every one of its
    # sessions has made a request (no password login: sessions only).
    start_server "$URL_big" big
    python3 "$CLIENT" touch "$BASE_big" "$WORK/tokens-big.txt" "$TOUCH_THREADS" >"$WORK/touch.txt"
    cat "$WORK/touch.txt" >&2
    R[$engine.touched]=$(value touched "$WORK/touch.txt")
    R[$engine.touch_seconds]=$(value touch_seconds "$WORK/touch.txt")
    R[$engine.rss_sessions]=$(rss_mb "$PID_big")
    R[$engine.rss_peak]=$(awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$PID_big/status")
    stop_servers
    drop_db "$engine" small
    drop_db "$engine" big
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
    echo "| $engine | server RSS after the login and page measurement, MB | | ${R[$engine.rss_logins]} | |"
    echo "| $engine | fresh server's RSS after ${R[$engine.touched]} sessions each made a request (${R[$engine.touch_seconds]} s), MB | | ${R[$engine.rss_sessions]} (peak ${R[$engine.rss_peak]}) | |"
done
