#!/usr/bin/env bash
# The CPU a password login costs besides its hash, on PostgreSQL: CPU time
# (from /proc) of openecf's hashing threads, of its other threads and of
# PostgreSQL's processes over a run of logins through cso-auth (16
# connections going round 512 generated linked filers, as bench/load.sh),
# divided by the logins.
#
#   bench/login_cpu.sh               (DURATION=20 seconds by default)
#
# Needs wrk and a local PostgreSQL (PG_URL, default
# postgres://postgres@127.0.0.1:5432; its database openecf_login_cpu is
# dropped and made anew) whose processes run as the user postgres. Uses the
# release binary (OPENECF_BIN, default $CARGO_TARGET_DIR/release/openecf).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
BIN=${OPENECF_BIN:-${CARGO_TARGET_DIR:-target}/release/openecf}
PORT=${PORT:-18282}
export LOGIN_USERS=512
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
[ -x "$BIN" ] || { echo "no release binary at $BIN: cargo build --release -p openecf" >&2; exit 1; }
WORK=$(mktemp -d)
psql "$PG_URL/postgres" -qc "DROP DATABASE IF EXISTS openecf_login_cpu" >/dev/null 2>&1
psql "$PG_URL/postgres" -qc "CREATE DATABASE openecf_login_cpu" >/dev/null
URL="$PG_URL/openecf_login_cpu"
"$BIN" --database "$URL" --documents-dir "$WORK/docs" serve --demo --bind "127.0.0.1:$PORT" \
  --mail-dir "$WORK/mail" --login-per-minute 1000000 >"$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2; done
"$BIN" --database "$URL" --documents-dir "$WORK/docs" dev generate \
  --pacer "$LOGIN_USERS" --ecf $((2 * LOGIN_USERS)) --courts 2 --force >/dev/null
# Clock ticks of the server's threads: the hashing threads' or the others'.
server_ticks() {
  local kind=$1 total=0 name fields
  for task in /proc/"$SERVER"/task/*; do
    name=$(cat "$task/comm" 2>/dev/null) || continue
    read -r -a fields <"$task/stat" || continue
    case "$name" in
      openecf-hash*) [ "$kind" = hash ] && total=$((total + fields[13] + fields[14])) ;;
      *) [ "$kind" = other ] && total=$((total + fields[13] + fields[14])) ;;
    esac
  done
  echo "$total"
}
postgres_ticks() {
  local total=0 fields
  for p in $(pgrep -u postgres); do
    read -r -a fields <"/proc/$p/stat" 2>/dev/null || continue
    total=$((total + fields[13] + fields[14]))
  done
  echo "$total"
}
wrk -t2 -c16 -d5s -s bench/login.lua "http://127.0.0.1:$PORT" >/dev/null
h0=$(server_ticks hash); o0=$(server_ticks other); p0=$(postgres_ticks)
out=$(wrk -t2 -c16 -d"${DURATION}s" -s bench/login.lua "http://127.0.0.1:$PORT")
h1=$(server_ticks hash); o1=$(server_ticks other); p1=$(postgres_ticks)
logins=$(awk '/requests in/ {print $1}' <<<"$out")
awk -v n="$logins" -v h=$((h1 - h0)) -v o=$((o1 - o0)) -v p=$((p1 - p0)) -v hz="$(getconf CLK_TCK)" -v s="$DURATION" 'BEGIN {
  printf "%d logins in %d s; CPU a login: the hash %.2f ms, openecf besides %.2f ms, PostgreSQL %.2f ms (%.2f of the hash)\n",
    n, s, h * 1000 / hz / n, o * 1000 / hz / n, p * 1000 / hz / n, (o + p) / h }'
