#!/usr/bin/env bash
# API benchmark of the customer file (issue: foundation, performance): a 100,000-customer demo
# portfolio on SQLite and on PostgreSQL, 32 concurrent clients with wrk on this machine:
#   (a) GET /api/v1/customers/{id} over random ids,
#   (b) the customer list searched with q = a common Chinese substring, 20 per page, with its total,
#   (c) the customer list sorted by name (pinyin), 20 per page at random pages, with its total.
# Baseline, measured in the same run against the same server: GET /healthz (HTTP stack + one
# database round trip), the ceiling any API call can reach here.
# Goals: (a) >= 4,000 requests/s with p99 < 50 ms; (b) and (c) p50 < 20 ms.
#
# Usage: bench/api.sh [customers] [seconds]      (defaults: 100000, 15)
# PostgreSQL runs when KAM_BENCH_POSTGRES_DSN is set (a database the script may empty), e.g.
#   KAM_BENCH_POSTGRES_DSN=postgres://postgres@127.0.0.1:5432/kam_bench?sslmode=disable
set -euo pipefail
cd "$(dirname "$0")/.."
customers=${1:-100000}
seconds=${2:-15}
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
cat >"$work/search.lua" <<'LUA'
-- common substrings of company names: 科技 (technology), 机械 (machinery), 电子 (electronics), 有限 (limited)
local qs = {"%E7%A7%91%E6%8A%80", "%E6%9C%BA%E6%A2%B0", "%E7%94%B5%E5%AD%90", "%E6%9C%89%E9%99%90"}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", "/api/v1/customers?limit=20&q=" .. qs[(i % #qs) + 1], {["Authorization"] = "Bearer " .. os.getenv("KAM_TOKEN")})
end
LUA
cat >"$work/byname.lua" <<'LUA'
math.randomseed(7)
request = function()
  return wrk.format("GET", "/api/v1/customers?limit=20&sort=name&offset=" .. (20 * math.random(0, 99)), {["Authorization"] = "Bearer " .. os.getenv("KAM_TOKEN")})
end
LUA
cat >"$work/plain.lua" <<'LUA'
request = function()
  return wrk.format("GET", wrk.path, {["Authorization"] = "Bearer " .. os.getenv("KAM_TOKEN")})
end
LUA

report() { # name, wrk output file
  awk -v name="$1" '
    /Requests\/sec/ {rps=$2}
    /^ +50%/ {p50=$2}
    /^ +99%/ {p99=$2}
    /Non-2xx/ {bad=$NF}
    END {printf "  %-34s %10s req/s   p50 %-9s p99 %-9s%s\n", name, rps, p50, p99, (bad ? "  NON-2xx: " bad : "")}' "$2"
}

bench_dialect() { # dialect dsn
  local dialect=$1 dsn=$2 port=18181
  echo "== $dialect: loading $customers demo customers"
  local t0=$(date +%s.%N)
  "$work/kam" demo --db "$dsn" --customers "$customers" --seed 1 >"$work/demo.txt"
  head -n 1 "$work/demo.txt"
  echo "   load took $(echo "$(date +%s.%N) - $t0" | bc) s"
  "$work/kam" serve --db "$dsn" --addr 127.0.0.1:$port >"$work/serve.log" 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  # Lists are measured on the in-memory directory: wait until it is built.
  for _ in $(seq 1 600); do grep -q "customer directory ready" "$work/serve.log" && break; sleep 0.1; done
  grep -o 'customer directory ready.*' "$work/serve.log" | sed 's/^/   /'
  export KAM_TOKEN=$("$work/kam" token create --db "$dsn" --user admin@kam.example --expires 2h)
  local url="http://127.0.0.1:$port"
  # Totals behind (b), as the admin sees them (all customers).
  for q in 科技 机械 电子 有限; do
    printf '   q=%s: total %s\n' "$q" "$(curl -s -H "Authorization: Bearer $KAM_TOKEN" -G --data-urlencode "q=$q" "$url/api/v1/customers?limit=1" | sed -E 's/.*"total":([0-9]+).*/\1/')"
  done
  wrk -t2 -c32 -d3s -s "$work/ids.lua" "$url" >/dev/null # warm-up
  echo "   32 connections, ${seconds}s each:"
  wrk -t2 -c32 -d${seconds}s --latency -s "$work/plain.lua" "$url/healthz" >"$work/base.txt"; report "baseline GET /healthz" "$work/base.txt"
  wrk -t2 -c32 -d${seconds}s --latency -s "$work/ids.lua" "$url" >"$work/a.txt"; report "(a) GET /customers/{random id}" "$work/a.txt"
  wrk -t2 -c32 -d${seconds}s --latency -s "$work/search.lua" "$url" >"$work/b.txt"; report "(b) list q=<common substring>" "$work/b.txt"
  wrk -t2 -c32 -d${seconds}s --latency -s "$work/byname.lua" "$url" >"$work/c.txt"; report "(c) list sort=name" "$work/c.txt"
  kill $pid; wait $pid 2>/dev/null || true
}

echo "KAM API benchmark: $customers customers, $(nproc) cores, $(go version | cut -d' ' -f3)"
bench_dialect sqlite "sqlite:$work/kam.db"
if [ -n "${KAM_BENCH_POSTGRES_DSN:-}" ]; then
  db=$(basename "${KAM_BENCH_POSTGRES_DSN%%\?*}")
  admin=${KAM_BENCH_POSTGRES_DSN/\/$db/\/postgres}
  psql -q "$admin" -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  bench_dialect postgres "$KAM_BENCH_POSTGRES_DSN"
else
  echo "(PostgreSQL skipped: set KAM_BENCH_POSTGRES_DSN)"
fi
echo "goals: (a) >= 4000 req/s and p99 < 50ms; (b), (c) p50 < 20ms"
