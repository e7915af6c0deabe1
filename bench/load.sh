#!/usr/bin/env bash
# Load test: openecf's speed against the physical limits of this machine,
# measured side by side in one run, on SQLite and on PostgreSQL.
#
#   bench/load.sh [sqlite|postgres|both]     (default: both)
#
# Environment: DURATION (seconds a run, default 15), CONNS (connections for
# the page runs, default 256), LOGIN_CONNS (default 16), LOGIN_USERS (the
# generated accounts the logins go round, default 512), PG_URL (default
# postgres://postgres@127.0.0.1:5432, whose database openecf_load is
# dropped and made anew), PORT (default 18080).
#
# Needs wrk (Debian: apt-get install wrk). Builds the release binaries, then
# for each engine: starts `openecf serve --demo` on a fresh database, logs a
# linked filer in, and loads
#   - a bare axum route (examples/bare.rs: the ceiling for any HTTP route here),
#   - the server's own static stylesheet, /static/style.css,
#   - an authenticated court page, /ecf/gamb/bankruptcy with X-NEXT-GEN-CSO
#     (and the pre-session cookie its first answer set, as a browser keeps it),
#   - password logins through /services/cso-auth, going round LOGIN_USERS
#     accounts that `openecf dev generate` adds beside the demo's (many
#     filers logging in at once, as a court's morning brings),
# (the bare route, the stylesheet and the page taking turns, three rounds,
# medians compared) and runs raw Argon2id verifications on every core (examples/argon2_rate.rs,
# the limit of password logins), each round of logins against the round of
# raw Argon2id beside it as well as median against median. On PostgreSQL the logins run once more with
# PostgreSQL on cores of its own, as a database host of its own would be
# (see split_host). Prints one table with the ratios.
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINES=${1:-both}
DURATION=${DURATION:-15}
CONNS=${CONNS:-256}
LOGIN_CONNS=${LOGIN_CONNS:-16}
LOGIN_USERS=${LOGIN_USERS:-512}
export LOGIN_USERS
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
PORT=${PORT:-18080}
BARE_PORT=$((PORT + 19))
TARGET=${CARGO_TARGET_DIR:-target}

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

echo "== building (release)" >&2
cargo build --release --locked -q -p openecf --bin openecf
cargo build --release --locked -q -p openecf-web --example bare
cargo build --release --locked -q -p openecf-app --example argon2_rate
BIN="$TARGET/release/openecf"

WORK=$(mktemp -d)
PIDS=()
PG_PINNED=""
PG_MASK=""
# PostgreSQL's processes get back the cores they had before the split run
# (only if that run moved them).
unpin_postgres() {
  [ -n "$PG_PINNED" ] || return 0
  for p in $(pgrep -u postgres -x postgres || true); do
    taskset -a -p "$PG_MASK" "$p" >/dev/null 2>&1 || true
  done
  PG_PINNED=""
}
cleanup() {
  for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  unpin_postgres
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_up() {
  for _ in $(seq 1 100); do
    curl -sf -o /dev/null "$1" && return 0
    sleep 0.2
  done
  echo "nothing answers at $1" >&2
  return 1
}

# wrk's requests a second and p99 (ms) of one run.
load() {
  local out
  out=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$@")
  local rps p99
  rps=$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  local errors
  errors=$(awk '/Non-2xx or 3xx responses:/ {print $5}' <<<"$out")
  if [ -n "$errors" ]; then
    echo "warning: $errors answers were not 2xx/3xx in: wrk $*" >&2
  fi
  echo "$rps $(to_ms "$p99")"
}

to_ms() {
  case "$1" in
    *us) awk -v v="${1%us}" 'BEGIN {printf "%.2f", v / 1000}' ;;
    *ms) awk -v v="${1%ms}" 'BEGIN {printf "%.2f", v}' ;;
    *s) awk -v v="${1%s}" 'BEGIN {printf "%.2f", v * 1000}' ;;
    *) echo "$1" ;;
  esac
}

median() { printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# a / b, or "n/a" when a round measured nothing.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "" || b + 0 == 0) printf "n/a"; else printf "%.2f", a / b}'; }

"$TARGET/release/examples/bare" "127.0.0.1:$BARE_PORT" &
PIDS+=($!)
wait_up "http://127.0.0.1:$BARE_PORT/"

ROWS=()
echo "== raw Argon2id on every core, fresh memory for each verification (for reference)" >&2
FRESH=$("$TARGET/release/examples/argon2_rate" "$DURATION" "$(nproc)" fresh | sed -n 's/.* = \([0-9.]*\)\/s$/\1/p')

run_engine() {
  local engine=$1 url
  case "$engine" in
    sqlite) url="sqlite://$WORK/load.db" ;;
    postgres)
      psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS openecf_load" >/dev/null
      psql "$PG_URL/postgres" -qc "CREATE DATABASE openecf_load" >/dev/null
      url="$PG_URL/openecf_load"
      ;;
  esac
  echo "== $engine: starting the server" >&2
  "$BIN" --database "$url" --documents-dir "$WORK/documents-$engine" serve --demo \
    --bind "127.0.0.1:$PORT" --mail-dir "$WORK/mail-$engine" --login-per-minute 1000000 \
    >"$WORK/serve-$engine.log" 2>&1 &
  local server=$!
  PIDS+=("$server")
  wait_up "http://127.0.0.1:$PORT/healthz"
  "$BIN" --database "$url" --documents-dir "$WORK/documents-$engine" dev generate \
    --pacer "$LOGIN_USERS" --ecf $((2 * LOGIN_USERS)) --courts 2 --force >/dev/null
  local token
  token=$(curl -sf -X POST "http://127.0.0.1:$PORT/services/cso-auth" -H 'Content-Type: application/json' \
    -d '{"loginId": "mlinked2026", "password": "Walnut-Harbor-Lantern-42"}' |
    sed -n 's/.*"nextGenCSO":"\([0-9a-f]*\)".*/\1/p')
  [ -n "$token" ] || { echo "no token for mlinked2026" >&2; exit 1; }
  # The page must be the linked filer's menu, not a login redirect. Its
  # answer sets the pre-session (CSRF) cookie, which a browser, or a client
  # such as juriscraper's requests.Session, sends back with every later page.
  local first csrf
  first=$(curl -sf -D - -H "X-NEXT-GEN-CSO: $token" "http://127.0.0.1:$PORT/ecf/gamb/bankruptcy")
  grep -q "Open a Bankruptcy Case" <<<"$first" ||
    { echo "the bankruptcy menu did not answer for the linked filer" >&2; exit 1; }
  csrf=$(sed -n 's/^set-cookie: \(openecf_csrf=[0-9a-f]*\);.*/\1/Ip' <<<"$first" | head -n 1)
  [ -n "$csrf" ] || { echo "no pre-session cookie was set" >&2; exit 1; }

  # The bare route, the stylesheet and the page take turns, three rounds,
  # medians compared (as the logins and raw Argon2id below).
  local bare_all="" bare_p99_all="" static_all="" static_p99_all="" page_all="" page_p99_all="" r p
  for round in 1 2 3; do
    echo "== $engine: bare axum route, round $round" >&2
    read -r r p < <(load "http://127.0.0.1:$BARE_PORT/")
    bare_all+="$r "; bare_p99_all+="$p "
    echo "== $engine: static stylesheet, round $round" >&2
    read -r r p < <(load "http://127.0.0.1:$PORT/static/style.css")
    static_all+="$r "; static_p99_all+="$p "
    echo "== $engine: authenticated court page, round $round" >&2
    read -r r p < <(load -H "X-NEXT-GEN-CSO: $token" -H "Cookie: $csrf" "http://127.0.0.1:$PORT/ecf/gamb/bankruptcy")
    page_all+="$r "; page_p99_all+="$p "
  done
  local bare_rps bare_p99 static_rps static_p99 page_rps page_p99
  bare_rps=$(median $bare_all); bare_p99=$(median $bare_p99_all)
  static_rps=$(median $static_all); static_p99=$(median $static_p99_all)
  page_rps=$(median $page_all); page_p99=$(median $page_p99_all)
  echo "== $engine: authenticated court page during a flood of password logins" >&2
  wrk -t1 -c200 -d"$((DURATION + 2))s" -s bench/login.lua "http://127.0.0.1:$PORT" >"$WORK/flood-$engine.txt" &
  local flood=$!
  sleep 1
  read -r flood_rps flood_p99 < <(load -H "X-NEXT-GEN-CSO: $token" -H "Cookie: $csrf" "http://127.0.0.1:$PORT/ecf/gamb/bankruptcy")
  wait "$flood" || true
  local flood_refused
  flood_refused=$(awk '/^logins_refused/ {print $2}' "$WORK/flood-$engine.txt")
  # Logins and raw Argon2id take turns (three rounds each), so that both
  # see the same machine: a shared machine's speed drifts from minute to minute.
  local logins_all="" raw_all="" pairs_all="" l r
  for round in 1 2 3; do
    echo "== $engine: password logins, round $round" >&2
    l=$(wrk -t2 -c"$LOGIN_CONNS" -d"${DURATION}s" -s bench/login.lua "http://127.0.0.1:$PORT" |
      awk '/^logins_per_sec/ {print $2}')
    echo "== $engine: raw Argon2id on every core, round $round" >&2
    r=$("$TARGET/release/examples/argon2_rate" "$DURATION" | sed -n 's/.* = \([0-9.]*\)\/s$/\1/p')
    logins_all+="$l "; raw_all+="$r "; pairs_all+="$(ratio "$l" "$r") "
  done
  local logins raw pairs
  logins=$(median $logins_all)
  raw=$(median $raw_all)
  pairs=$(median $pairs_all)
  local rss
  rss=$(awk '/^VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$server/status")
  kill "$server"
  wait "$server" 2>/dev/null || true
  SPLIT=""
  if [ "$engine" = postgres ]; then split_host "$url" || SPLIT=""; fi
  local split=$SPLIT

  ROWS+=("| $engine | bare axum route (median of: $bare_all) | $bare_rps | $bare_p99 | 1.00 |")
  ROWS+=("| $engine | static stylesheet (median of: $static_all) | $static_rps | $static_p99 | $(ratio "$static_rps" "$bare_rps") of bare |")
  ROWS+=("| $engine | authenticated court page (median of: $page_all) | $page_rps | $page_p99 | $(ratio "$page_rps" "$static_rps") of static; p99 $(ratio "$page_p99" "$static_p99")× static's |")
  ROWS+=("| $engine | the same page during a flood of logins (200 connections; $flood_refused turned away with 503) | $flood_rps | $flood_p99 | $(ratio "$flood_rps" "$page_rps") of the page alone |")
  ROWS+=("| $engine | raw Argon2id verifications, every core (median of: $raw_all) | $raw | | 1.00 |")
  ROWS+=("| $engine | password logins through cso-auth (median of: $logins_all) | $logins | | $(ratio "$logins" "$raw") of raw Argon2id; round by round $pairs_all(median $pairs) |")
  if [ -n "$split" ]; then
    local split_logins split_raw split_pairs
    read -r split_logins split_raw split_pairs <<<"$split"
    ROWS+=("| $engine | PostgreSQL on its own cores ($APP_CORES for openecf, $DB_CORES for PostgreSQL and wrk): raw Argon2id on openecf's cores | $split_raw | | 1.00 |")
    ROWS+=("| $engine | PostgreSQL on its own cores: password logins through cso-auth | $split_logins | | $(ratio "$split_logins" "$split_raw") of raw Argon2id on openecf's cores; round by round $split_pairs (median $(median $split_pairs)) |")
  fi
  ROWS+=("| $engine | server's peak resident memory (MB) | $rss | | |")
}

# PostgreSQL on a host of its own, as several nodes on one database run it:
# openecf's server on the first half of the cores, PostgreSQL's processes
# (and wrk, the clients) on the rest, logins against raw Argon2id on
# openecf's half alone. Needs PostgreSQL on this machine and the right to
# move its processes (root); otherwise skipped. Sets SPLIT to "logins raw".
APP_CORES="0-$(( $(nproc) / 2 - 1 ))"
DB_CORES="$(( $(nproc) / 2 ))-$(( $(nproc) - 1 ))"
split_host() {
  local url=$1 postmaster
  command -v taskset >/dev/null || { echo "skipped the split run: no taskset" >&2; return 1; }
  [ "$(nproc)" -ge 2 ] || { echo "skipped the split run: one core" >&2; return 1; }
  [ "$(nproc)" = "$(nproc --all)" ] ||
    { echo "skipped the split run: this script may use $(nproc) of the $(nproc --all) cores" >&2; return 1; }
  postmaster=$(pgrep -u postgres -x -o postgres || true)
  [ -n "$postmaster" ] || { echo "skipped the split run: PostgreSQL is not on this machine" >&2; return 1; }
  PG_MASK=$(taskset -p "$postmaster" | sed 's/.*: //')
  # The postmaster first: the backends it starts from now on inherit its cores.
  taskset -a -cp "$DB_CORES" "$postmaster" >/dev/null 2>&1 ||
    { echo "skipped the split run: cannot move PostgreSQL's processes (not root?)" >&2; return 1; }
  PG_PINNED=$postmaster
  for p in $(pgrep -u postgres -x postgres || true); do
    if kill -0 "$p" 2>/dev/null; then taskset -a -cp "$DB_CORES" "$p" >/dev/null 2>&1 || true; fi
  done
  # The server starts again on its cores (its hashing threads count the cores it may use).
  taskset -c "$APP_CORES" "$BIN" --database "$url" --documents-dir "$WORK/documents-split" serve \
    --bind "127.0.0.1:$PORT" --mail-dir "$WORK/mail-split" --login-per-minute 1000000 \
    >"$WORK/serve-split.log" 2>&1 &
  local pinned=$!
  PIDS+=("$pinned")
  if ! wait_up "http://127.0.0.1:$PORT/healthz"; then
    kill "$pinned" 2>/dev/null || true
    unpin_postgres
    return 1
  fi
  local logins_all="" raw_all="" pairs_all="" l r
  for round in 1 2 3; do
    echo "== postgres on its own cores: password logins, round $round" >&2
    l=$(taskset -c "$DB_CORES" wrk -t1 -c"$LOGIN_CONNS" -d"${DURATION}s" -s bench/login.lua "http://127.0.0.1:$PORT" |
      awk '/^logins_per_sec/ {print $2}')
    echo "== postgres on its own cores: raw Argon2id on openecf's cores, round $round" >&2
    r=$(taskset -c "$APP_CORES" "$TARGET/release/examples/argon2_rate" "$DURATION" "$(( $(nproc) / 2 ))" |
      sed -n 's/.* = \([0-9.]*\)\/s$/\1/p')
    logins_all+="$l "; raw_all+="$r "; pairs_all+="$(ratio "$l" "$r") "
  done
  kill "$pinned"; wait "$pinned" 2>/dev/null || true
  unpin_postgres
  local logins raw
  logins=$(median $logins_all); raw=$(median $raw_all)
  [ -n "$logins" ] && [ -n "$raw" ] || { echo "the split run measured nothing" >&2; return 1; }
  SPLIT="$logins $raw $pairs_all"
}

case "$ENGINES" in
  sqlite | postgres) run_engine "$ENGINES" ;;
  both) run_engine sqlite; run_engine postgres ;;
  *) echo "usage: bench/load.sh [sqlite|postgres|both]" >&2; exit 2 ;;
esac

echo
echo "$(nproc) cores; wrk -t2 -c$CONNS -d${DURATION}s for pages, -c$LOGIN_CONNS for logins over $LOGIN_USERS accounts"
echo
echo "| engine | what | requests/s | p99 ms | ratio |"
echo "| --- | --- | --- | --- | --- |"
printf '%s\n' "${ROWS[@]}"
echo
echo "Raw Argon2id with fresh memory for each verification (the argon2 crate's verify_password): $FRESH/s"
