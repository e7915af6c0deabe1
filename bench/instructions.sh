#!/usr/bin/env bash
# Instructions a request costs in the server, counted by valgrind's
# callgrind (repeatable whatever else the machine is doing, unlike time):
# the static stylesheet and the authenticated court page, N requests each
# on one keep-alive connection, counters zeroed after a warm request, user
# space only.
#
#   bench/instructions.sh            (N=400 by default)
#
# Needs valgrind and curl. Uses the release binary (OPENECF_BIN, default
# $CARGO_TARGET_DIR/release/openecf; build it first with
# `cargo build --release -p openecf`). Under valgrind SHA-256 runs without
# the CPU's SHA instructions, so token hashing weighs more here than it
# does natively.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${N:-400}
BIN=${OPENECF_BIN:-${CARGO_TARGET_DIR:-target}/release/openecf}
PORT=${PORT:-18184}
command -v valgrind >/dev/null || { echo "valgrind is missing: apt-get install valgrind" >&2; exit 1; }
[ -x "$BIN" ] || { echo "no release binary at $BIN: cargo build --release -p openecf" >&2; exit 1; }
WORK=$(mktemp -d)
valgrind --tool=callgrind --callgrind-out-file="$WORK/cg.out" "$BIN" --database "sqlite://$WORK/i.db" \
  --documents-dir "$WORK/docs" serve --demo --bind "127.0.0.1:$PORT" --mail-dir "$WORK/mail" \
  >"$WORK/serve.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 300); do curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.5; done
token=$(curl -sf -X POST "http://127.0.0.1:$PORT/services/cso-auth" -H 'Content-Type: application/json' \
  -d '{"loginId": "mlinked2026", "password": "Walnut-Harbor-Lantern-42"}' |
  sed -n 's/.*"nextGenCSO":"\([0-9a-f]*\)".*/\1/p')
[ -n "$token" ] || { echo "no token for mlinked2026" >&2; exit 1; }
first=$(curl -sf -D - -H "X-NEXT-GEN-CSO: $token" "http://127.0.0.1:$PORT/ecf/gamb/bankruptcy")
csrf=$(sed -n 's/^set-cookie: \(openecf_csrf=[0-9a-f]*\);.*/\1/Ip' <<<"$first" | head -n 1)
echo "| request | instructions per request (user space, $N requests) |"
echo "| --- | --- |"
n=0
for what in static page; do
  n=$((n + 1))
  if [ "$what" = page ]; then
    headers=(-H "X-NEXT-GEN-CSO: $token" -H "Cookie: $csrf")
    url="http://127.0.0.1:$PORT/ecf/gamb/bankruptcy"
  else
    headers=()
    url="http://127.0.0.1:$PORT/static/style.css"
  fi
  curl -sf "${headers[@]}" "$url" >/dev/null
  callgrind_control -z "$SERVER" >/dev/null 2>&1
  urls=()
  for _ in $(seq 1 "$N"); do urls+=("$url"); done
  curl -sf "${headers[@]}" "${urls[@]}" >/dev/null
  callgrind_control -d "$what" "$SERVER" >/dev/null 2>&1
  sleep 1
  total=$(sed -n 's/^summary: //p' "$WORK/cg.out.$n")
  echo "| $what | $((total / N)) |"
done
