#!/usr/bin/env bash
# Audit log benchmark (issue 5, point 4): customer-card API reads over random ids by a director,
# who owns none of the files, so every read is a view the audit log records (committed before
# the answer leaves, concurrent views sharing commits). 32 concurrent clients with wrk, on
# SQLite and on PostgreSQL, in the same run:
#   off: the server started with KAM_BENCH_UNAUDITED_VIEWS=1 (views not recorded; benchmark only)
#   on:  the same server as in production, recording every view
# Goal: "on" >= 50% of "off".
#
# Usage: bench/audit.sh [customers] [seconds]      (defaults: 20000, 10)
# PostgreSQL runs when KAM_BENCH_POSTGRES_DSN is set (a database the script may drop and create), e.g.
#   KAM_BENCH_POSTGRES_DSN=postgres://postgres@127.0.0.1:5432/kam_bench?sslmode=disable
set -euo pipefail
cd "$(dirname "$0")/.."
customers=${1:-20000}
seconds=${2:-10}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
go build -o "$work/kam" ./cmd/kam

cat >"$work/ids.lua" <<LUA
math.randomseed(42)
request = function()
  return wrk.format("GET", "/api/v1/customers/" .. math.random(1, $customers), {["Authorization"] = "Bearer " .. os.getenv("KAM_TOKEN")})
end
LUA

rps() { awk '/Requests\/sec/ {print $2}' "$1"; }
report() { # name, wrk output file
  awk -v name="$1" '
    /Requests\/sec/ {rps=$2}
    /^ +50%/ {p50=$2}
    /^ +99%/ {p99=$2}
    /Non-2xx/ {bad=$NF}
    END {printf "  %-28s %10s req/s   p50 %-9s p99 %-9s%s\n", name, rps, p50, p99, (bad ? "  NON-2xx: " bad : "")}' "$2"
}

serve() { # dsn port [env…]: starts kam serve in the background, waits until it answers
  local dsn=$1 port=$2
  shift 2
  env "$@" "$work/kam" serve --db "$dsn" --addr 127.0.0.1:$port >"$work/serve-$port.log" 2>&1 &
  echo $! >"$work/pid-$port"
  for _ in $(seq 1 200); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
  echo "kam serve did not start:"; cat "$work/serve-$port.log"; exit 1
}
stop() { kill "$(cat "$work/pid-$1")"; wait "$(cat "$work/pid-$1")" 2>/dev/null || true; }

entries() { # dsn
  "$work/kam" audit list --db "$1" --action customer.view --limit 1 2>&1 >/dev/null | sed -E 's/.* of ([0-9]+) entries/\1/'
}

bench_dialect() { # dialect dsn
  local dialect=$1 dsn=$2 port=18191
  echo "== $dialect: loading $customers demo customers"
  "$work/kam" demo --db "$dsn" --customers "$customers" --seed 1 >/dev/null
  # The reader: a director (sees every file, owns none).
  local admin director
  admin=$("$work/kam" token create --db "$dsn" --user admin@kam.example --expires 2h)
  serve "$dsn" $port
  director=$(curl -fs -H "Authorization: Bearer $admin" "http://127.0.0.1:$port/api/v1/users?limit=1000" |
    python3 -c 'import json,sys; print(next(u["email"] for u in json.load(sys.stdin)["items"] if u["role"] == "director"))')
  stop $port
  export KAM_TOKEN=$("$work/kam" token create --db "$dsn" --user "$director" --expires 2h)
  echo "   reads as $director, 32 connections, ${seconds}s each"
  local url="http://127.0.0.1:$port"

  serve "$dsn" $port KAM_BENCH_UNAUDITED_VIEWS=1
  wrk -t2 -c32 -d3s -s "$work/ids.lua" "$url" >/dev/null # warm-up
  local before; before=$(entries "$dsn")
  wrk -t2 -c32 -d${seconds}s --latency -s "$work/ids.lua" "$url" >"$work/off.txt"
  stop $port
  report "audit of views off" "$work/off.txt"
  [ "$(entries "$dsn")" = "$before" ] || echo "   (unexpected: views were recorded with audit off)"

  serve "$dsn" $port
  wrk -t2 -c32 -d3s -s "$work/ids.lua" "$url" >/dev/null # warm-up
  before=$(entries "$dsn")
  wrk -t2 -c32 -d${seconds}s --latency -s "$work/ids.lua" "$url" >"$work/on.txt"
  stop $port
  report "audit of views on" "$work/on.txt"
  local recorded=$(( $(entries "$dsn") - before ))
  local reqs; reqs=$(awk '/requests in/ {print $1}' "$work/on.txt")
  echo "   views recorded during the run: $recorded of $reqs requests"
  "$work/kam" audit verify --db "$dsn" | tail -n 1 | sed 's/^/   verify: /'
  awk -v on="$(rps "$work/on.txt")" -v off="$(rps "$work/off.txt")" -v d="$dialect" \
    'BEGIN {printf "   %s: on/off = %.1f%% (goal >= 50%%)\n", d, 100 * on / off}'
}

echo "KAM audit benchmark: $customers customers, $(nproc) cores, $(go version | cut -d' ' -f3)"
bench_dialect sqlite "sqlite:$work/kam.db"
if [ -n "${KAM_BENCH_POSTGRES_DSN:-}" ]; then
  db=$(basename "${KAM_BENCH_POSTGRES_DSN%%\?*}")
  admin=${KAM_BENCH_POSTGRES_DSN/\/$db/\/postgres}
  psql -q "$admin" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  bench_dialect postgres "$KAM_BENCH_POSTGRES_DSN"
else
  echo "(PostgreSQL skipped: set KAM_BENCH_POSTGRES_DSN)"
fi
